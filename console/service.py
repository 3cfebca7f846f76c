"""The console's shared state and behaviour: configuration, store, Rasa client, live events,
and the queue notices a waiting patient hears. The HTTP layer is in :mod:`console.handlers`.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import time
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, TypeVar

from actions.handoff import to_be_read
from actions.settings import get_clinic, get_settings
from console import auth
from console.canned import load_canned_replies
from console.events import EventHub
from console.queue import queue_notice, reason_label
from console.rasa_api import RasaApi, RasaError
from console.store import Store

logger = logging.getLogger("console")

T = TypeVar("T")

# Bot messages that are not the assistant answering: its "your message reached staff", the
# console's own notices, and staff replies.
NOT_THE_ASSISTANT = ("waiting_ack", "queue_notice", "from_staff")
AppointmentsLookup = Callable[[str], list[dict[str, Any]]]


def fhir_appointments(patient_id: str) -> list[dict[str, Any]]:
    """The patient's upcoming appointments from the scheduling system (FHIR)."""
    from actions.clients.fhir import FhirClient

    client = FhirClient.from_settings()
    try:
        return [
            {
                "start": a.start.isoformat() if a.start else None,
                "practitioner": a.practitioner_name,
                "location": a.location_name,
                "visit_type": a.visit_type,
                "description": a.description,
            }
            for a in client.upcoming_appointments(patient_id)
        ]
    finally:
        client.close()


@dataclass
class ConsoleConfig:
    """Everything the console needs; :meth:`from_settings` reads it from the environment."""

    db_url: str
    secret_key: str
    handoff_secret: str
    rasa_url: str
    rasa_token: str
    session_max_idle: float = 12 * 3600
    secure_cookies: bool = False
    canned_path: Path = Path(__file__).resolve().parent / "canned_replies.yml"
    wait_notice_seconds: float = 120.0
    appointments: AppointmentsLookup = field(default=fhir_appointments)
    appointments_timeout: float = 8.0

    @classmethod
    def from_settings(cls) -> ConsoleConfig:
        s = get_settings()
        secret_key = s.console_secret_key
        if not secret_key:
            logger.warning(
                "CONSOLE_SECRET_KEY is not set: using a random key, so staff must log in "
                "again after every restart (make run writes one into .env)"
            )
            secret_key = auth.new_token()
        if not s.handoff_secret:
            logger.warning("HANDOFF_SECRET is not set: handoffs and Rasa events are refused")
        return cls(
            db_url=s.console_database_url,
            secret_key=secret_key,
            handoff_secret=s.handoff_secret,
            rasa_url=s.rasa_url,
            rasa_token=s.rasa_api_token,
            session_max_idle=s.console_session_hours * 3600,
            secure_cookies=s.console_secure_cookies,
            canned_path=s.console_canned_replies_path,
            wait_notice_seconds=s.console_wait_notice_seconds,
        )


def iso(timestamp: float | None) -> str | None:
    if timestamp is None:
        return None
    return datetime.fromtimestamp(timestamp, tz=timezone.utc).isoformat(timespec="seconds")


class Console:
    """State shared by the handlers: the store, the Rasa client, live-event hub."""

    def __init__(self, config: ConsoleConfig, store: Store | None = None) -> None:
        self.config = config
        self.store = store or Store(config.db_url)
        self.rasa = RasaApi(config.rasa_url, config.rasa_token)
        self.hub = EventHub()
        self._pool = ThreadPoolExecutor(max_workers=4, thread_name_prefix="console-db")
        self._tasks: set[asyncio.Task[None]] = set()
        self._canned: tuple[float, list[dict[str, str]]] = (-1.0, [])

    async def db(self, fn: Callable[..., T], *args: Any) -> T:
        """Run a blocking store call off the event loop."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._pool, functools.partial(fn, *args))

    def background(self, coro: Awaitable[None]) -> None:
        task: asyncio.Task[None] = asyncio.ensure_future(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def shutdown(self) -> None:
        await self.hub.close()
        for task in list(self._tasks):
            task.cancel()
        await self.rasa.close()
        self._pool.shutdown(wait=True)
        self.store.close()

    # --- presenting items -------------------------------------------------------------------

    @staticmethod
    def public_item(item: dict[str, Any], now: float | None = None) -> dict[str, Any]:
        """An item as the page sees it. The patient's name only when verified."""
        now = now or time.time()
        patient = item.get("patient") or {}
        return {
            "id": item["id"],
            "conversation_id": item["conversation_id"],
            "status": item["status"],
            "reason": item["reason"],
            "reason_label": reason_label(item["reason"]),
            "priority": item["priority"],
            "team": item["team"],
            "channel": item["channel"],
            "summary": item["summary"],
            "patient": {
                "verified": bool(patient.get("verified")),
                "name": patient.get("name") if patient.get("verified") else None,
                "patient_id": patient.get("patient_id") if patient.get("verified") else None,
            },
            "created_at": iso(item["created_at"]),
            "waiting_since": iso(item["waiting_since"]),
            "waiting_seconds": max(0, int(now - item["waiting_since"])),
            "escalations": item["escalations"],
            "claimed_by": (
                {"id": item["claimed_by"], "name": item.get("claimed_by_name")}
                if item.get("claimed_by")
                else None
            ),
            "closed_at": iso(item.get("closed_at")),
            "rating": (
                {
                    "score": item["rating_score"],
                    "comment": item.get("rating_comment"),
                    "at": iso(item.get("rated_at")),
                }
                if item.get("rating_score")
                else None
            ),
        }

    def canned_replies(self) -> list[dict[str, str]]:
        path = self.config.canned_path
        try:
            mtime = path.stat().st_mtime
        except OSError:
            mtime = 0.0
        if mtime != self._canned[0]:
            self._canned = (mtime, load_canned_replies(path, get_clinic()))
        return self._canned[1]

    # --- patient-side notices ----------------------------------------------------------------

    async def on_rasa_events(self, events: list[dict[str, Any]]) -> None:
        """Live transcript updates for staff, and queue notices for waiting patients."""
        by_conversation: dict[str, list[dict[str, Any]]] = {}
        for event in events:
            sender = event.get("sender_id")
            if isinstance(sender, str) and event.get("event") in ("user", "bot"):
                by_conversation.setdefault(sender, []).append(event)
        for conversation_id, conv_events in by_conversation.items():
            try:
                item = await self.db(self.store.open_item_for, conversation_id)
            except Exception:
                logger.exception("store unavailable while handling Rasa events")
                return
            if item is None:
                continue
            self.hub.publish("message", item_id=item["id"], conversation_id=conversation_id)
            wrote_while_waiting = any(
                e.get("event") == "user"
                and not str(e.get("text") or "").startswith("EXTERNAL: ")
                and float(e.get("timestamp") or 0) > item["waiting_since"]
                for e in conv_events
            )
            # Staff away: the assistant's own acknowledgement said when they are back (its
            # "staff_away" metadata); a notice saying it again was a second text on SMS.
            told_when = any((e.get("metadata") or {}).get("staff_away") for e in conv_events)
            # The assistant itself answered: it is helping while staff are away
            # (actions/handoff_withdrawal.py), and "Thanks for your message. Our staff are
            # away ..." came in the middle of a booking.
            assistant_on_it = any(
                e.get("event") == "bot"
                and not any((e.get("metadata") or {}).get(key) for key in NOT_THE_ASSISTANT)
                for e in conv_events
            )
            if (
                item["status"] == "waiting"
                and wrote_while_waiting
                and not told_when
                and not assistant_on_it
                # feedback given is read, not answered: "You're number 3 in line for our staff"
                # followed "I've passed it on to our team"
                and not to_be_read(str(item.get("reason") or ""))
            ):
                await self.send_queue_notice(item)

    async def send_queue_notice(self, item: dict[str, Any]) -> None:
        """Tell a waiting patient their place and wait (or when staff are back), rate-limited."""
        every = self.config.wait_notice_seconds
        if not await self.db(self.store.take_notice_turn, item["id"], every):
            return
        position = await self.db(self.store.waiting_position, item["id"]) or 1
        clinic = get_clinic()
        text = queue_notice(
            clinic, position, item["priority"], clinic.now(), str(item.get("reason") or "")
        )
        try:
            await self.rasa.send_bot_message(item["conversation_id"], text, {"queue_notice": True})
            logger.info("queue notice sent (item=%s, position=%s)", item["id"], position)
        except RasaError as exc:
            logger.warning("queue notice for item %s not sent: %s", item["id"], exc)
