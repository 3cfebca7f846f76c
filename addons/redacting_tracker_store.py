"""Rasa's SQL tracker store, minus payment card numbers.

Every channel (web chat, SMS, the REST webhook, staff replies through the HTTP API) ends in the
tracker store, so this is the one place that catches them all: before a tracker is saved, and
before its new events go to the event broker (the staff console's live transcript), a card
number in a patient's message is replaced by "[card number removed]" (see
:mod:`addons.card_numbers`). Configured in endpoints.yml in place of ``type: SQL``; takes the
same settings.
"""

from __future__ import annotations

import logging
from typing import Any

from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.events import BotUttered, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from addons.card_numbers import has_card_number, redact_card_numbers

logger = logging.getLogger(__name__)


def _redact_entities(entities: list[dict[str, Any]]) -> None:
    """An entity the NLU pulled out of the card's digits goes too."""
    for entity in entities:
        value = entity.get("value")
        if isinstance(value, (str, int)) and has_card_number(str(value)):
            entity["value"] = redact_card_numbers(str(value))


def redact_event(event: Any) -> bool:
    """Removes card numbers from a user (or staff/bot) message event in place; True if any."""
    if isinstance(event, UserUttered):
        if not has_card_number(event.text):
            return False
        event.text = redact_card_numbers(event.text)
        event.parse_data["text"] = event.text
        _redact_entities(event.entities)
        _redact_entities(event.parse_data.get("entities") or [])
        return True
    if isinstance(event, BotUttered) and has_card_number(event.text):
        # a staff reply that quotes the patient's card back
        event.text = redact_card_numbers(event.text)
        return True
    return False


def redact_tracker(tracker: DialogueStateTracker) -> int:
    """Card numbers removed from the tracker's messages; returns how many messages changed."""
    return sum(redact_event(event) for event in tracker.events)


class RedactingSQLTrackerStore(SQLTrackerStore):
    """``SQLTrackerStore`` that never stores or broadcasts a card number."""

    async def save(self, tracker: DialogueStateTracker) -> None:
        changed = redact_tracker(tracker)
        if changed:
            logger.info("Removed a card number from %d message(s) before saving", changed)
        await super().save(tracker)
