"""Signed web-chat session tokens: only the browser that was given a session can resume it.

Rasa's stock socket.io channel lets anyone who knows a ``session_id`` join that conversation's
room and read the replies. Here the server issues the id (random) together with a token
``<issued-at hex>.<HMAC-SHA256(SOCKETIO_SECRET, id.issued-at)>``; a client that presents an id
without its valid, unexpired token gets a fresh session instead.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
import time
import uuid

SESSION_ID = re.compile(r"^[0-9a-f]{32}$")


class SessionSigner:
    """Issues and checks ``(session_id, token)`` pairs."""

    def __init__(self, secret: str, max_age_seconds: int = 86400) -> None:
        # Without a configured secret sessions still cannot be hijacked, they just do not
        # survive a restart of the Rasa server (the caller logs a warning).
        self._key = (secret or secrets.token_urlsafe(32)).encode()
        self.max_age_seconds = max_age_seconds

    def issue(self, now: float | None = None) -> tuple[str, str]:
        """A new random session id and its token."""
        session_id = uuid.uuid4().hex
        return session_id, self.token_for(session_id, now)

    def token_for(self, session_id: str, now: float | None = None) -> str:
        issued = f"{int(now if now is not None else time.time()):x}"
        return f"{issued}.{self._mac(session_id, issued)}"

    def verify(self, session_id: object, token: object, now: float | None = None) -> bool:
        """True only for an id we issued, with its own token, within the maximum age."""
        if not isinstance(session_id, str) or not isinstance(token, str):
            return False
        if not SESSION_ID.match(session_id) or token.count(".") != 1:
            return False
        issued, mac = token.split(".")
        try:
            issued_at = int(issued, 16)
        except ValueError:
            return False
        age = (now if now is not None else time.time()) - issued_at
        if age < -60 or age > self.max_age_seconds:
            return False
        return hmac.compare_digest(mac, self._mac(session_id, issued))

    def _mac(self, session_id: str, issued: str) -> str:
        digest = hmac.new(self._key, f"{session_id}.{issued}".encode(), hashlib.sha256).digest()
        return base64.urlsafe_b64encode(digest).decode().rstrip("=")
