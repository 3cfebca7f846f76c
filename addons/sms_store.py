"""What the SMS channel must remember, in one SQLite file under ``DATA_DIR`` (``sms.sqlite3``).

- ``contacts``: pseudonymous conversation id → the phone number, encrypted (Fernet, key derived
  from ``PHONE_HASH_SECRET``), so replies and staff messages can be sent while the number
  never appears in trackers, logs or URLs.
- ``optouts``: numbers (by keyed hash) that texted STOP; nothing is sent to them until START.
- ``options``: the numbered options last sent to a conversation, so "2" maps to a payload.
- ``inbox``: a patient's message is written here before the webhook answers and removed once
  Rasa has handled it; what a crash left behind is handled at the next start-up.
- ``outbox``: every reply is written here before it is sent and removed once Twilio accepted
  it; failed sends are retried with backoff (see :mod:`addons.sms_outbox`).
"""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.fernet import InvalidToken

from actions.phone import fernet_for, normalize_phone, phone_hash
from addons.sms_text import Option

SCHEMA = """
CREATE TABLE IF NOT EXISTS contacts (
    conversation_id TEXT PRIMARY KEY, phone_hash TEXT NOT NULL, phone TEXT NOT NULL,
    updated REAL NOT NULL);
CREATE TABLE IF NOT EXISTS optouts (
    phone_hash TEXT PRIMARY KEY, keyword TEXT NOT NULL, created REAL NOT NULL);
CREATE TABLE IF NOT EXISTS options (
    conversation_id TEXT PRIMARY KEY, options TEXT NOT NULL, updated REAL NOT NULL);
CREATE TABLE IF NOT EXISTS inbox (
    message_sid TEXT PRIMARY KEY, conversation_id TEXT NOT NULL, text TEXT NOT NULL,
    metadata TEXT NOT NULL, created REAL NOT NULL);
CREATE TABLE IF NOT EXISTS outbox (
    id INTEGER PRIMARY KEY AUTOINCREMENT, conversation_id TEXT NOT NULL, body TEXT NOT NULL,
    compliance INTEGER NOT NULL DEFAULT 0, attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt REAL NOT NULL, created REAL NOT NULL);
"""


CONTACTS_SEAL = b"clinic-assistant sms contacts v1"


def conversation_id_for(phone_hash_value: str) -> str:
    """The pseudonymous conversation id of a number: stable, not reversible without the key."""
    return f"sms-{phone_hash_value[:24]}"


@dataclass(frozen=True)
class Contact:
    conversation_id: str
    phone_hash: str
    phone: str


@dataclass(frozen=True)
class InboxItem:
    message_sid: str
    conversation_id: str
    text: str
    metadata: dict[str, Any]


@dataclass(frozen=True)
class OutboxItem:
    id: int
    conversation_id: str
    body: str
    compliance: bool
    attempts: int
    next_attempt: float
    created: float


class SmsStore:
    """Small synchronous SQLite store; every call is one short transaction."""

    def __init__(self, path: Path, secret: str) -> None:
        self.path = path
        self.secret = secret
        self._fernet = fernet_for(secret, CONTACTS_SEAL)
        self._lock = threading.Lock()
        path.parent.mkdir(parents=True, exist_ok=True)
        with self._db() as db:
            db.executescript(SCHEMA)

    def _db(self) -> sqlite3.Connection:
        return sqlite3.connect(self.path, timeout=10, isolation_level=None)

    def _run(self, sql: str, args: tuple = ()) -> list[tuple]:
        with self._lock, self._db() as db:
            return db.execute(sql, args).fetchall()

    # --- contacts ---------------------------------------------------------------------------

    def remember(self, raw_phone: str) -> Contact | None:
        """Normalise, hash and store (encrypted) the sender's number; None if it is no number."""
        phone = normalize_phone(raw_phone)
        if phone is None:
            return None
        hashed = phone_hash(phone, self.secret)
        contact = Contact(conversation_id_for(hashed), hashed, phone)
        token = self._fernet.encrypt(phone.encode()).decode()
        self._run(
            "INSERT INTO contacts VALUES (?, ?, ?, ?) ON CONFLICT(conversation_id) DO UPDATE"
            " SET phone = excluded.phone, updated = excluded.updated",
            (contact.conversation_id, hashed, token, time.time()),
        )
        return contact

    def contact(self, conversation_id: str) -> Contact | None:
        rows = self._run(
            "SELECT phone_hash, phone FROM contacts WHERE conversation_id = ?", (conversation_id,)
        )
        if not rows:
            return None
        try:
            phone = self._fernet.decrypt(rows[0][1].encode()).decode()
        except InvalidToken:  # PHONE_HASH_SECRET changed since: the number is unrecoverable
            return None
        return Contact(conversation_id, rows[0][0], phone)

    # --- opt-outs ---------------------------------------------------------------------------

    def opt_out(self, phone_hash_value: str, word: str) -> None:
        self._run(
            "INSERT OR REPLACE INTO optouts VALUES (?, ?, ?)", (phone_hash_value, word, time.time())
        )

    def opt_in(self, phone_hash_value: str) -> None:
        self._run("DELETE FROM optouts WHERE phone_hash = ?", (phone_hash_value,))

    def opted_out(self, phone_hash_value: str) -> bool:
        return bool(self._run("SELECT 1 FROM optouts WHERE phone_hash = ?", (phone_hash_value,)))

    # --- numbered options -------------------------------------------------------------------

    def set_options(self, conversation_id: str, options: list[Option]) -> None:
        body = json.dumps([[o.title, o.payload] for o in options])
        self._run(
            "INSERT OR REPLACE INTO options VALUES (?, ?, ?)", (conversation_id, body, time.time())
        )

    def take_options(self, conversation_id: str) -> list[Option]:
        """The last options sent, removed: they answer only the very next message."""
        with self._lock, self._db() as db:
            row = db.execute(
                "SELECT options FROM options WHERE conversation_id = ?", (conversation_id,)
            ).fetchone()
            db.execute("DELETE FROM options WHERE conversation_id = ?", (conversation_id,))
        return [Option(title, payload) for title, payload in json.loads(row[0])] if row else []

    # --- inbox ------------------------------------------------------------------------------

    def inbox_add(self, item: InboxItem) -> bool:
        """False if this Twilio message was already received (a webhook retry)."""
        with self._lock, self._db() as db:
            cursor = db.execute(
                "INSERT OR IGNORE INTO inbox VALUES (?, ?, ?, ?, ?)",
                (
                    item.message_sid,
                    item.conversation_id,
                    item.text,
                    json.dumps(item.metadata),
                    time.time(),
                ),
            )
            return cursor.rowcount == 1

    def inbox_done(self, message_sid: str) -> None:
        self._run("DELETE FROM inbox WHERE message_sid = ?", (message_sid,))

    def inbox_pending(self) -> list[InboxItem]:
        rows = self._run(
            "SELECT message_sid, conversation_id, text, metadata FROM inbox ORDER BY created"
        )
        return [InboxItem(sid, conv, text, json.loads(meta)) for sid, conv, text, meta in rows]

    # --- outbox -----------------------------------------------------------------------------

    def outbox_add(self, conversation_id: str, bodies: list[str], compliance: bool = False) -> None:
        now = time.time()
        with self._lock, self._db() as db:
            db.executemany(
                "INSERT INTO outbox (conversation_id, body, compliance, next_attempt, created)"
                " VALUES (?, ?, ?, ?, ?)",
                [(conversation_id, body, int(compliance), now, now) for body in bodies],
            )

    def outbox_pending(self) -> list[OutboxItem]:
        rows = self._run(
            "SELECT id, conversation_id, body, compliance, attempts, next_attempt, created"
            " FROM outbox ORDER BY id"
        )
        return [OutboxItem(r[0], r[1], r[2], bool(r[3]), r[4], r[5], r[6]) for r in rows]

    def outbox_remove(self, item_id: int) -> None:
        self._run("DELETE FROM outbox WHERE id = ?", (item_id,))

    def outbox_retry_at(self, item_id: int, when: float) -> None:
        self._run(
            "UPDATE outbox SET attempts = attempts + 1, next_attempt = ? WHERE id = ?",
            (when, item_id),
        )
