"""Local stand-ins for services that receive webhooks, so tests can see what was sent."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


class HandoffReceiver:
    """Accepts handoff records like the staff console does (Bearer secret) and keeps them.

    ``fail_next(n)`` makes the next ``n`` requests answer 503, to exercise the retry path.
    ``POST {url}/{handoff_id}/withdraw`` is kept in ``withdrawals`` and answered with
    ``withdraw_outcome`` for a handoff it received (404 otherwise), as the console answers.
    """

    def __init__(self, secret: str, port: int = 0) -> None:
        self.secret = secret
        self.records: list[dict[str, Any]] = []
        self.withdrawals: list[tuple[str, dict[str, Any]]] = []
        self.withdraw_outcome = "withdrawn"
        self.refused = 0
        self._failures = 0
        self._lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length)
                with receiver._lock:
                    if self.headers.get("Authorization") != f"Bearer {receiver.secret}":
                        receiver.refused += 1
                        return self._answer(401)
                    if receiver._failures > 0:
                        receiver._failures -= 1
                        return self._answer(503)
                    if self.path.endswith("/withdraw"):
                        handoff_id = self.path.rsplit("/", 2)[-2]
                        receiver.withdrawals.append((handoff_id, json.loads(body)))
                        if handoff_id not in {r["handoff_id"] for r in receiver.records}:
                            return self._answer(404)
                        return self._answer(200, {"outcome": receiver.withdraw_outcome})
                    receiver.records.append(json.loads(body))
                return self._answer(201)

            def _answer(self, status: int, body: dict[str, Any] | None = None) -> None:
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(json.dumps(body or {}).encode())

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self.port = self.server.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}/api/handoffs"
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def fail_next(self, count: int) -> None:
        with self._lock:
            self._failures = count

    def __enter__(self) -> HandoffReceiver:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()
