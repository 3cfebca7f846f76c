"""A stand-in for the Rasa server's HTTP API, for the console's own fast tests.

It keeps per-conversation events, answers ``GET .../tracker``, appends what the console posts to
``.../tracker/events`` and records ``trigger_intent`` calls. ``failing = True`` makes every call
answer 500, like a Rasa server that is down or broken.
"""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, unquote, urlparse


class FakeRasa:
    def __init__(self, token: str) -> None:
        self.token = token
        self.events: dict[str, list[dict[str, Any]]] = {}
        self.calls: list[dict[str, Any]] = []
        self.failing = False
        self._lock = threading.Lock()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def _route(self) -> tuple[str, str, dict[str, list[str]]] | None:
                url = urlparse(self.path)
                parts = url.path.split("/")
                # /conversations/{id}/tracker[/events] or /conversations/{id}/trigger_intent
                if len(parts) < 4 or parts[1] != "conversations":
                    return None
                return unquote(parts[2]), "/".join(parts[3:]), parse_qs(url.query)

            def _answer(self, status: int, body: Any) -> None:
                raw = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(raw)))
                self.end_headers()
                self.wfile.write(raw)

            def _handle(self, method: str) -> None:
                route = self._route()
                length = int(self.headers.get("Content-Length") or 0)
                body = json.loads(self.rfile.read(length) or b"null") if length else None
                if route is None:
                    return self._answer(404, {})
                conversation, action, query = route
                if query.get("token", [""])[0] != fake.token:
                    return self._answer(401, {"message": "bad token"})
                with fake._lock:
                    fake.calls.append(
                        {
                            "method": method,
                            "conversation": conversation,
                            "action": action,
                            "query": {k: v[0] for k, v in query.items()},
                            "body": body,
                        }
                    )
                    if fake.failing:
                        return self._answer(500, {"message": "broken"})
                    events = fake.events.setdefault(conversation, [])
                    if method == "POST" and action == "tracker/events":
                        for event in body if isinstance(body, list) else [body]:
                            events.append({**event, "timestamp": time.time()})
                    paused = False
                    for event in events:
                        if event.get("event") == "pause":
                            paused = True
                        elif event.get("event") == "resume":
                            paused = False
                    return self._answer(
                        200, {"sender_id": conversation, "events": events, "paused": paused}
                    )

            def do_GET(self) -> None:
                self._handle("GET")

            def do_POST(self) -> None:
                self._handle("POST")

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def add_events(self, conversation: str, *events: dict[str, Any]) -> None:
        with self._lock:
            self.events.setdefault(conversation, []).extend(events)

    def calls_for(self, conversation: str) -> list[dict[str, Any]]:
        with self._lock:
            return [c for c in self.calls if c["conversation"] == conversation]

    def __enter__(self) -> FakeRasa:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()
