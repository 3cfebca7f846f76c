"""A limit on failed identity checks per *person named*, across conversations.

The per-conversation limit (three tries, then staff) does not stop someone who opens new
conversations and keeps guessing dates of birth for one name. This store counts failed checks
per name: after ``max_failures`` failures within ``window_seconds`` naming the same person, every
check naming that person is refused for ``window_seconds``, whatever date of birth is given.

* The key is a keyed hash (HMAC-SHA256 with ``PHONE_HASH_SECRET``, as in ``actions/phone.py``) of
  the normalised full name, so "Mary Ann O'Brien", "mary ann obrien" and "Mary-Ann O’Brien" are
  one key. The name itself is never stored or logged.
* Failures count whether or not such a patient exists, so a refusal tells nothing about records.
* One SQLite file under ``DATA_DIR``: counts survive an action-server restart and are shared by
  every process; each change is one ``BEGIN IMMEDIATE`` transaction, safe for concurrent use.
"""

from __future__ import annotations

import hashlib
import hmac
import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from actions.clients.fhir_model import normalize_name

DEFAULT_MAX_FAILURES = 5
DEFAULT_WINDOW_SECONDS = 30 * 60


class LockoutStoreError(Exception):
    """The counter store could not be read or written (the check is then not attempted)."""


def name_key(full_name: str, secret: str) -> str:
    """Keyed, stable pseudonym of a person's name: HMAC-SHA256 of its normalised form."""
    message = b"verify-name\x00" + normalize_name(full_name).encode()
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


class VerifyLockout:
    """Failed verification counts per name, in one SQLite file."""

    def __init__(
        self,
        path: Path,
        secret: str,
        max_failures: int = DEFAULT_MAX_FAILURES,
        window_seconds: float = DEFAULT_WINDOW_SECONDS,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.path = path
        self._secret = secret
        self.max_failures = max(1, int(max_failures))
        self.window_seconds = float(window_seconds)
        self._clock = clock
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            with self._db() as db:
                db.execute("PRAGMA journal_mode=WAL")
                db.execute(
                    "CREATE TABLE IF NOT EXISTS verify_failures (name_key TEXT PRIMARY KEY,"
                    " failures INTEGER NOT NULL, window_start REAL NOT NULL,"
                    " locked_until REAL NOT NULL DEFAULT 0)"
                )
        except (OSError, sqlite3.Error) as exc:
            raise LockoutStoreError("verification limit store cannot be opened") from exc

    @contextmanager
    def _db(self) -> Iterator[sqlite3.Connection]:
        db = sqlite3.connect(self.path, timeout=10, isolation_level=None)
        try:
            yield db
        finally:
            db.close()

    def _key(self, full_name: str) -> str:
        return name_key(full_name, self._secret)

    def is_locked(self, full_name: str) -> bool:
        """Whether checks naming this person are refused right now."""
        try:
            with self._db() as db:
                row = db.execute(
                    "SELECT locked_until FROM verify_failures WHERE name_key = ?",
                    (self._key(full_name),),
                ).fetchone()
        except sqlite3.Error as exc:
            raise LockoutStoreError("verification limit store cannot be read") from exc
        return row is not None and row[0] > self._clock()

    def record_failure(self, full_name: str) -> bool:
        """Count one failed check naming this person; True when that starts a refusal period."""
        key, now = self._key(full_name), self._clock()
        try:
            with self._db() as db:
                db.execute("BEGIN IMMEDIATE")
                try:
                    row = db.execute(
                        "SELECT failures, window_start, locked_until FROM verify_failures"
                        " WHERE name_key = ?",
                        (key,),
                    ).fetchone()
                    if row is None or now - row[1] >= self.window_seconds:
                        failures, start = 1, now
                    else:
                        failures, start = row[0] + 1, row[1]
                    locked_until = row[2] if row is not None else 0.0
                    locks = failures >= self.max_failures
                    if locks:
                        # Refused from now on; counting starts afresh when the period ends.
                        failures, start, locked_until = 0, now, now + self.window_seconds
                    db.execute(
                        "INSERT INTO verify_failures"
                        " (name_key, failures, window_start, locked_until) VALUES (?, ?, ?, ?)"
                        " ON CONFLICT(name_key) DO UPDATE SET failures = excluded.failures,"
                        " window_start = excluded.window_start,"
                        " locked_until = excluded.locked_until",
                        (key, failures, start, locked_until),
                    )
                    # Forget names whose window and refusal period are both over.
                    db.execute(
                        "DELETE FROM verify_failures WHERE locked_until <= ? AND window_start <= ?",
                        (now, now - self.window_seconds),
                    )
                    db.execute("COMMIT")
                except BaseException:
                    db.execute("ROLLBACK")
                    raise
        except sqlite3.Error as exc:
            raise LockoutStoreError("verification limit store cannot be written") from exc
        return locks

    def record_success(self, full_name: str) -> None:
        """The person was verified: earlier failures naming them no longer count."""
        try:
            with self._db() as db:
                db.execute(
                    "DELETE FROM verify_failures WHERE name_key = ? AND locked_until <= ?",
                    (self._key(full_name), self._clock()),
                )
        except sqlite3.Error as exc:
            raise LockoutStoreError("verification limit store cannot be written") from exc
