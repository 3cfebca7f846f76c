"""Client for the staff console's handoff endpoint, with an outbox so no escalation is ever lost.

Every record is written to a small SQLite outbox *before* it is sent. A record leaves the outbox
only when the console has accepted it (2xx). Records that could not be delivered are retried by
a background thread with backoff, and again whenever the action server starts, so a console that
is down or slow delays an escalation but never drops it. The console de-duplicates on
``handoff_id``, so a retry after a lost response is harmless.
"""

from __future__ import annotations

import json
import logging
import sqlite3
import threading
import time
import uuid
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any
from urllib.parse import quote

import requests

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class HandoffRecord:
    """What staff need to pick up a conversation (the contract with the console)."""

    conversation_id: str
    reason: str
    priority: str
    team: str
    channel: str
    summary: str
    patient: dict[str, Any] = field(default_factory=lambda: {"verified": False})
    handoff_id: str = field(default_factory=lambda: uuid.uuid4().hex)
    created_at: str = field(
        default_factory=lambda: datetime.now(timezone.utc).isoformat(timespec="seconds")
    )

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


class HandoffClient:
    """Delivers :class:`HandoffRecord` s to ``url`` (``POST``, ``Authorization: Bearer``)."""

    def __init__(
        self,
        url: str,
        secret: str,
        outbox_path: Path,
        timeout: float = 3.0,
        retry_interval: float = 5.0,
        max_retry_interval: float = 120.0,
    ) -> None:
        self.url = url
        self.secret = secret
        self.timeout = timeout
        self.retry_interval = retry_interval
        self.max_retry_interval = max_retry_interval
        self._session = requests.Session()
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._worker: threading.Thread | None = None
        self._outbox_path = outbox_path
        outbox_path.parent.mkdir(parents=True, exist_ok=True)
        with self._db() as db:
            db.execute(
                "CREATE TABLE IF NOT EXISTS outbox (handoff_id TEXT PRIMARY KEY,"
                " body TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0, created REAL NOT NULL)"
            )

    def _db(self) -> sqlite3.Connection:
        return sqlite3.connect(self._outbox_path, timeout=10, isolation_level=None)

    def send(self, record: HandoffRecord) -> bool:
        """Queue ``record`` durably and try to deliver it now.

        Returns True when the console accepted it, False when it stays queued for retry.
        """
        with self._db() as db:
            db.execute(
                "INSERT OR IGNORE INTO outbox (handoff_id, body, created) VALUES (?, ?, ?)",
                (record.handoff_id, json.dumps(record.to_json()), time.time()),
            )
        delivered = self._deliver(record.handoff_id, record.to_json())
        if not delivered:
            self._ensure_worker()
        return delivered

    def pending(self) -> int:
        """How many records wait in the outbox."""
        with self._db() as db:
            return int(db.execute("SELECT COUNT(*) FROM outbox").fetchone()[0])

    def flush(self) -> int:
        """Try every queued record once; returns how many are still pending."""
        with self._db() as db:
            rows = db.execute("SELECT handoff_id, body FROM outbox ORDER BY created").fetchall()
        for handoff_id, body in rows:
            self._deliver(handoff_id, json.loads(body))
        return self.pending()

    def start_background_retry(self) -> None:
        """Deliver whatever an earlier run left in the outbox (called at start-up)."""
        if self.pending():
            self._ensure_worker()

    def _deliver(self, handoff_id: str, body: dict[str, Any]) -> bool:
        with self._lock:
            try:
                response = self._session.post(
                    self.url,
                    json=body,
                    headers={"Authorization": f"Bearer {self.secret}"},
                    timeout=(min(self.timeout, 2.0), self.timeout),
                )
            except requests.RequestException as exc:
                logger.warning(
                    "handoff %s not delivered (%s); queued for retry",
                    handoff_id,
                    type(exc).__name__,
                )
                self._count_attempt(handoff_id)
                return False
            if 200 <= response.status_code < 300:
                with self._db() as db:
                    db.execute("DELETE FROM outbox WHERE handoff_id = ?", (handoff_id,))
                return True
            logger.warning(
                "handoff %s refused by console with HTTP %s; queued for retry",
                handoff_id,
                response.status_code,
            )
            self._count_attempt(handoff_id)
            return False

    def withdraw(self, handoff_id: str, conversation_id: str) -> str:
        """Tell the console that a waiting patient no longer needs staff.

        Returns the console's outcome (``withdrawn``, or why not: ``urgent``, ``claimed``, ...;
        see ``console.store.Store.withdraw``), ``unknown`` if it has no such handoff, or
        ``unreachable``. A record that never left the outbox is just taken out of it (unless it
        is urgent: an emergency is checked on regardless).
        """
        with self._lock:  # not while a retry is delivering this very record
            with self._db() as db:
                row = db.execute(
                    "SELECT body FROM outbox WHERE handoff_id = ?", (handoff_id,)
                ).fetchone()
                if row is not None:
                    if json.loads(row[0]).get("priority") == "urgent":
                        return "urgent"
                    db.execute("DELETE FROM outbox WHERE handoff_id = ?", (handoff_id,))
                    return "withdrawn"
            try:
                response = self._session.post(
                    f"{self.url.rstrip('/')}/{quote(handoff_id, safe='')}/withdraw",
                    json={"conversation_id": conversation_id},
                    headers={"Authorization": f"Bearer {self.secret}"},
                    timeout=(min(self.timeout, 2.0), self.timeout),
                )
            except requests.RequestException as exc:
                logger.warning("withdrawal of %s not sent (%s)", handoff_id, type(exc).__name__)
                return "unreachable"
        if response.status_code == 404:
            return "unknown"
        if not 200 <= response.status_code < 300:
            logger.warning(
                "withdrawal of %s refused with HTTP %s", handoff_id, response.status_code
            )
            return "unreachable"
        try:
            return str(response.json()["outcome"])
        except (ValueError, KeyError, TypeError):
            return "unreachable"

    def _count_attempt(self, handoff_id: str) -> None:
        with self._db() as db:
            db.execute(
                "UPDATE outbox SET attempts = attempts + 1 WHERE handoff_id = ?", (handoff_id,)
            )

    def _ensure_worker(self) -> None:
        with self._lock:
            if self._worker is not None and self._worker.is_alive():
                self._wake.set()
                return
            self._worker = threading.Thread(
                target=self._retry_loop, name="handoff-retry", daemon=True
            )
            self._worker.start()

    def _retry_loop(self) -> None:
        interval = self.retry_interval
        while True:
            self._wake.wait(interval)
            self._wake.clear()
            try:
                remaining = self.flush()
            except sqlite3.Error:
                logger.exception("handoff outbox unreadable; retrying later")
                remaining = 1
            if remaining == 0:
                with self._lock:
                    # Re-check under the lock: a send that failed meanwhile must not be left
                    # behind by a worker that is just exiting.
                    if self.pending() == 0:
                        self._worker = None
                        return
            interval = min(interval * 2, self.max_retry_interval)
