"""A local stand-in for Twilio's Messages REST API that records what it was asked to send.

Speaks the part of the API the SMS channel uses: ``POST /2010-04-01/Accounts/{AccountSid}/
Messages.json`` with form fields To/From/Body and HTTP Basic auth (SID, token); answers 201 with
a Twilio-like JSON resource (``sid``, ``status``...), 401 on wrong credentials and 400 with a
Twilio error code on a bad request. ``down()``/``up()`` close and reopen its port (Twilio
unreachable), ``fail_next(n)`` answers 503. Also signs webhook requests like Twilio does.
"""

from __future__ import annotations

import base64
import json
import threading
import time
import uuid
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs

from twilio.request_validator import RequestValidator

ACCOUNT_SID = "AC" + "0" * 32
AUTH_TOKEN = "test-twilio-auth-token"
FROM_NUMBER = "+19165550100"
# The public URL Twilio calls in the tests (a proxy in front of Rasa, as in production).
PUBLIC_WEBHOOK_URL = "https://sms.clinic.example/webhooks/twilio/webhook"


def sign(url: str, params: dict[str, str], token: str = AUTH_TOKEN) -> str:
    """``X-Twilio-Signature`` for a webhook POST of ``params`` to ``url``."""
    return RequestValidator(token).compute_signature(url, params)


class TwilioStandIn:
    """Run with ``with TwilioStandIn() as twilio:``; ``twilio.messages`` is what was sent."""

    def __init__(self, account_sid: str = ACCOUNT_SID, auth_token: str = AUTH_TOKEN) -> None:
        self.account_sid = account_sid
        self.auth_token = auth_token
        self.messages: list[dict[str, str]] = []
        self.requests = 0
        self._failures = 0
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self.port = 0
        self._start(0)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        standin = self
        expected = (
            "Basic " + base64.b64encode(f"{self.account_sid}:{self.auth_token}".encode()).decode()
        )
        path = f"/2010-04-01/Accounts/{self.account_sid}/Messages.json"

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                with standin._lock:
                    standin.requests += 1
                    if self.path != path:
                        return self._answer(404, {"code": 20404, "message": "Not found"})
                    if self.headers.get("Authorization") != expected:
                        return self._answer(401, {"code": 20003, "message": "Authenticate"})
                    if standin._failures > 0:
                        standin._failures -= 1
                        return self._answer(503, {"code": 20503, "message": "Unavailable"})
                    form = {k: v[0] for k, v in parse_qs(body.decode(), True).items()}
                    if not form.get("To") or not form.get("Body") or not form.get("From"):
                        return self._answer(
                            400, {"code": 21604, "message": "A 'To', 'From' and 'Body' needed"}
                        )
                    sid = "SM" + uuid.uuid4().hex
                    standin.messages.append(
                        {"sid": sid, "to": form["To"], "from": form["From"], "body": form["Body"]}
                    )
                return self._answer(
                    201,
                    {
                        "sid": sid,
                        "account_sid": standin.account_sid,
                        "to": form["To"],
                        "from": form["From"],
                        "body": form["Body"],
                        "status": "queued",
                        "num_segments": "1",
                        "direction": "outbound-api",
                        "uri": f"{path[:-5]}/{sid}.json",
                    },
                )

            def _answer(self, status: int, payload: dict[str, Any]) -> None:
                if status >= 400:
                    payload = {**payload, "status": status, "more_info": "stand-in"}
                raw = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(raw)))
                self.end_headers()
                self.wfile.write(raw)

            def log_message(self, *args: Any) -> None:
                pass

        return Handler

    def _start(self, port: int) -> None:
        self._server = ThreadingHTTPServer(("127.0.0.1", port), self._handler())
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    def down(self) -> None:
        """Close the port: sends fail with "connection refused", as when Twilio is unreachable."""
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def up(self) -> None:
        """Listen again on the same port."""
        if self._server is None:
            self._start(self.port)

    def fail_next(self, count: int) -> None:
        with self._lock:
            self._failures = count

    def sent_to(self, number: str) -> list[str]:
        with self._lock:
            return [m["body"] for m in self.messages if m["to"] == number]

    def wait_for(
        self, number: str, predicate: Callable[[list[str]], bool], timeout: float = 60.0
    ) -> list[str]:
        """Poll until the bodies sent to ``number`` satisfy ``predicate``; returns them."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            bodies = self.sent_to(number)
            if predicate(bodies):
                return bodies
            time.sleep(0.2)
        raise AssertionError(f"timed out; sent so far: {self.sent_to(number)}")

    def __enter__(self) -> TwilioStandIn:
        return self

    def __exit__(self, *exc: object) -> None:
        self.down()
