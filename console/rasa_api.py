"""Talking to the Rasa server's HTTP API: read the transcript, write to the patient, hand back.

Messages reach the patient on their own channel (web chat or SMS) because they are appended as
``bot`` events with ``output_channel=latest&execute_side_effects=true``: Rasa sends them through
the channel the patient last wrote on. ``trigger_intent`` sends nothing while a conversation is
paused, so resolving first resumes it.
"""

from __future__ import annotations

import logging
from datetime import datetime, timezone
from typing import Any
from urllib.parse import quote

import aiohttp

logger = logging.getLogger(__name__)

HANDBACK_MESSAGE = (
    "You're back with the assistant. Thanks for your patience! If you need a person again, "
    'just say "talk to a person".'
)
CSAT_INTENT = "EXTERNAL_csat"
# A paused conversation ends its turn without ``action_listen`` (Rasa stops predicting at the
# pause). Resuming adds it, so the patient's next message starts a normal turn that the rules
# recognise, even after messages written while paused.
LISTEN = {"event": "action", "name": "action_listen"}


class RasaError(Exception):
    """Rasa did not do what was asked (down, slow, or refused)."""


class RasaApi:
    """A small async client for the endpoints the console needs (token from RASA_API_TOKEN)."""

    def __init__(self, url: str, token: str, timeout: float = 30.0) -> None:
        self.url = url.rstrip("/")
        self.token = token
        self.timeout = aiohttp.ClientTimeout(total=timeout, connect=5)
        self._session: aiohttp.ClientSession | None = None

    async def _client(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(timeout=self.timeout)
        return self._session

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()

    def _conversation(self, conversation_id: str) -> str:
        return f"{self.url}/conversations/{quote(conversation_id, safe='')}"

    async def _call(self, method: str, url: str, params: dict[str, str], body: Any = None) -> Any:
        client = await self._client()
        try:
            async with client.request(
                method, url, params={**params, "token": self.token}, json=body
            ) as response:
                if not 200 <= response.status < 300:
                    # Never log the URL: it carries the token.
                    raise RasaError(f"Rasa answered HTTP {response.status}")
                return await response.json(content_type=None)
        except (aiohttp.ClientError, TimeoutError) as exc:
            raise RasaError(f"Rasa is not reachable ({type(exc).__name__})") from None

    async def tracker(self, conversation_id: str) -> dict[str, Any]:
        return await self._call(
            "GET",
            f"{self._conversation(conversation_id)}/tracker",
            {"include_events": "ALL"},
        )

    async def append(self, conversation_id: str, events: list[dict[str, Any]]) -> dict[str, Any]:
        """Append events; bot events are sent to the patient's latest channel."""
        return await self._call(
            "POST",
            f"{self._conversation(conversation_id)}/tracker/events",
            {"output_channel": "latest", "execute_side_effects": "true"},
            events,
        )

    async def send_staff_message(self, conversation_id: str, text: str, staff_name: str) -> None:
        await self.append(
            conversation_id,
            [
                {
                    "event": "bot",
                    "text": text,
                    "metadata": {"from_staff": True, "staff_name": staff_name},
                }
            ],
        )

    async def send_bot_message(
        self, conversation_id: str, text: str, metadata: dict[str, Any] | None = None
    ) -> None:
        await self.append(
            conversation_id, [{"event": "bot", "text": text, "metadata": metadata or {}}]
        )

    async def hand_back(self, conversation_id: str, message: str = HANDBACK_MESSAGE) -> None:
        await self.append(
            conversation_id,
            [
                {"event": "resume"},
                {"event": "bot", "text": message, "metadata": {"handed_back": True}},
                LISTEN,
            ],
        )

    async def resume(self, conversation_id: str) -> None:
        await self.append(conversation_id, [{"event": "resume"}, LISTEN])

    async def trigger_intent(self, conversation_id: str, intent: str) -> None:
        await self._call(
            "POST",
            f"{self._conversation(conversation_id)}/trigger_intent",
            {"output_channel": "latest"},
            {"name": intent},
        )


def _iso(timestamp: Any) -> str | None:
    try:
        return datetime.fromtimestamp(float(timestamp), tz=timezone.utc).isoformat()
    except (TypeError, ValueError, OverflowError):
        return None


def transcript(tracker: dict[str, Any]) -> list[dict[str, Any]]:
    """Patient, assistant and staff messages (plus pause/resume markers), oldest first.

    Texts are returned as data; the page renders them with ``textContent`` only. A message
    Rasa's fallback loop replays (same ``message_id`` as an earlier one) is listed once.
    """
    out: list[dict[str, Any]] = []
    seen_ids: set[str] = set()
    for event in tracker.get("events") or []:
        kind = event.get("event")
        at = _iso(event.get("timestamp"))
        if kind == "user":
            message_id = event.get("message_id")
            if message_id in seen_ids:
                continue
            if message_id:
                seen_ids.add(message_id)
            text = event.get("text") or ""
            if text.startswith("EXTERNAL: "):
                out.append({"kind": "system", "text": "Rating question sent", "at": at})
                continue
            out.append(
                {
                    "kind": "patient",
                    "text": text,
                    "at": at,
                    "channel": event.get("input_channel"),
                }
            )
        elif kind == "bot":
            meta = event.get("metadata") or {}
            buttons = [
                str(b.get("title") or "") for b in (event.get("data") or {}).get("buttons") or []
            ]
            entry: dict[str, Any] = {
                "kind": "staff" if meta.get("from_staff") else "bot",
                "text": event.get("text") or "",
                "at": at,
            }
            if meta.get("from_staff"):
                entry["staff_name"] = str(meta.get("staff_name") or "Staff")
            if buttons:
                entry["buttons"] = buttons
            out.append(entry)
        elif kind == "pause":
            out.append({"kind": "system", "text": "Assistant paused: waiting for staff", "at": at})
        elif kind == "resume":
            out.append({"kind": "system", "text": "Assistant resumed", "at": at})
    return out
