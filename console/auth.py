"""Passwords, session cookies, CSRF tokens and login throttling for staff accounts.

- Passwords: scrypt (stdlib ``hashlib``) with a random salt; the stored string names its
  parameters, so they can be raised later without breaking old hashes.
- Sessions: a random token in an HttpOnly, SameSite=Strict cookie, signed with
  ``CONSOLE_SECRET_KEY``; the database stores only its SHA-256, so a leaked database or a
  rotated key ends every session.
- CSRF: a random per-session token the page sends back in ``X-CSRF-Token`` on every
  state-changing call; compared in constant time.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

SCRYPT_N = 2**14
SCRYPT_R = 8
SCRYPT_P = 1
MIN_PASSWORD_LENGTH = 10
COOKIE_NAME = "console_session"
CSRF_HEADER = "X-CSRF-Token"


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def hash_password(password: str) -> str:
    """``scrypt$N$r$p$salt$hash`` for a new password."""
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(
        password.encode(), salt=salt, n=SCRYPT_N, r=SCRYPT_R, p=SCRYPT_P, dklen=32
    )
    return f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${_b64(salt)}${_b64(digest)}"


def verify_password(password: str, stored: str) -> bool:
    """Constant-time check of ``password`` against a stored hash; False for anything malformed."""
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        if scheme != "scrypt":
            return False
        expected = _unb64(digest)
        actual = hashlib.scrypt(
            password.encode(),
            salt=_unb64(salt),
            n=int(n),
            r=int(r),
            p=int(p),
            dklen=len(expected),
            maxmem=256 * 1024 * 1024,
        )
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(actual, expected)


# Checked when the user does not exist, so a wrong name takes as long as a wrong password.
_DUMMY_HASH = hash_password(secrets.token_urlsafe(12))


def verify_or_waste_time(password: str, stored: str | None) -> bool:
    if stored is None:
        verify_password(password, _DUMMY_HASH)
        return False
    return verify_password(password, stored)


def password_problem(password: str) -> str | None:
    """Why a new password is not acceptable, or None."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return f"the password must have at least {MIN_PASSWORD_LENGTH} characters"
    if password.strip() != password:
        return "the password must not start or end with spaces"
    return None


def new_token() -> str:
    return secrets.token_urlsafe(32)


def session_id(token: str) -> str:
    """What the database keeps of a session token."""
    return hashlib.sha256(token.encode()).hexdigest()


def sign(token: str, key: str) -> str:
    """``token.signature`` for the cookie."""
    mac = hmac.new(key.encode(), token.encode(), hashlib.sha256).digest()
    return f"{token}.{_b64(mac)}"


def unsign(value: str | None, key: str) -> str | None:
    """The token from a signed cookie value, or None if missing or tampered with."""
    if not value or "." not in value:
        return None
    token, _, _signature = value.rpartition(".")
    if not token or not hmac.compare_digest(sign(token, key), value):
        return None
    return token


def csrf_ok(expected: str | None, given: str | None) -> bool:
    return bool(expected) and bool(given) and hmac.compare_digest(str(expected), str(given))


def bearer_ok(header: str | None, secret: str) -> bool:
    """Machine-to-machine calls (action server, Rasa broker) carry the shared secret."""
    if not secret or not header or not header.startswith("Bearer "):
        return False
    return hmac.compare_digest(header[len("Bearer ") :].encode(), secret.encode())
