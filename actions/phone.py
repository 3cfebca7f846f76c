"""Phone numbers without storing them: E.164 normalisation, a keyed hash and a sealed form.

The SMS channel derives the conversation id and a ``phone_hash`` (message metadata) from the
sender's number with :func:`phone_hash`; identity verification compares that hash with the
hashes of the patient's phone numbers on file. It also passes the number sealed
(``phone_sealed``, encrypted with a key derived from ``PHONE_HASH_SECRET``), so a new patient
who answers "this number" at the phone question is not asked to type it out. The raw sender
number never enters the tracker or logs, unless the patient gives it as that answer.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

# Each use of PHONE_HASH_SECRET as a key gets its own label (HKDF "info").
SENDER_SEAL = b"clinic-assistant sms sender v1"


def normalize_phone(raw: str | None, default_country: str = "1") -> str | None:
    """``(916) 555-0123`` / ``916.555.0123`` / ``+1 916 555 0123`` → ``+19165550123``."""
    if not raw:
        return None
    digits = re.sub(r"\D", "", str(raw))
    if str(raw).strip().startswith("+"):
        return f"+{digits}" if 8 <= len(digits) <= 15 else None
    if len(digits) == 10:
        return f"+{default_country}{digits}"
    if len(digits) == 11 and digits.startswith(default_country):
        return f"+{digits}"
    return None


def phone_hash(phone: str, secret: str) -> str:
    """Keyed, stable pseudonym of a phone number (HMAC-SHA256 of its E.164 form)."""
    normalised = normalize_phone(phone) or phone
    return hmac.new(secret.encode(), normalised.encode(), hashlib.sha256).hexdigest()


@lru_cache(maxsize=8)
def fernet_for(secret: str, purpose: bytes) -> Fernet:
    """A Fernet key derived from ``PHONE_HASH_SECRET`` (HKDF-SHA256) for one ``purpose``;
    derived once, not for every SMS sealed."""
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=purpose).derive(
        secret.encode()
    )
    return Fernet(base64.urlsafe_b64encode(key))


def seal_phone(phone: str, secret: str) -> str:
    """The sender's number, encrypted for the message metadata."""
    return fernet_for(secret, SENDER_SEAL).encrypt(phone.encode()).decode()


def unseal_phone(token: str, secret: str) -> str | None:
    """The number :func:`seal_phone` sealed; None if the token is not one (or the secret
    changed since)."""
    try:
        return normalize_phone(fernet_for(secret, SENDER_SEAL).decrypt(token.encode()).decode())
    except (InvalidToken, ValueError):
        return None


PHONE_WRITTEN = re.compile(r"(\+?1[\s.-]?)?\(?\d{3}\)?[\s.-]?\d{3}[\s.-]?\d{4}")


def find_phone(text: str) -> str | None:
    """The first US-style phone number written in ``text``, normalised."""
    match = PHONE_WRITTEN.search(text or "")
    return normalize_phone(match.group(0)) if match else None


def without_phones(text: str) -> str:
    """``text`` without phone numbers: "555 201 3345, need a physical on saturday" is not a
    date ("What day or time works best for you?" was asked after it)."""
    return PHONE_WRITTEN.sub(" ", text or "")


def phone_for_display(e164: str) -> str:
    """``+19165550123`` → ``(916) 555-0123``; other numbers as stored."""
    if re.fullmatch(r"\+1\d{10}", e164 or ""):
        return f"({e164[2:5]}) {e164[5:8]}-{e164[8:]}"
    return e164
