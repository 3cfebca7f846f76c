"""A request confirmed at "Did you mean …?" keeps the patient's own words.

The two-stage fallback asks "Did you want to book an appointment?" about an unclear message
("book my dad a vaccination, robert miller 11/02/1950"). When the patient taps [Yes] (or types
its title), Rasa's ``TwoStageFallbackAction`` replays the *tap* as the clarified message:
"/book_appointment", with no words. The booking then began from nothing: "Have you been seen
here before?", and the father, the vaccination and his name and birth date were lost.

This wraps ``two_stage_fallback._message_clarification`` so that, for the requests whose
details live in the words (``actions.offer_answers.READ_AGAIN``), the clarified message carries the
unclear message's text and entities with the confirmed intent. Other intents keep Rasa's
behaviour (a dispute confirmed does not take the unclear words as its details). A typed "yes"
is answered by ``action_answer_yes`` the same way.

Installed when the safety layer is loaded into the Rasa server (the pipeline imports
:mod:`addons.safety_triage`, which calls :func:`install`), as :mod:`addons.typed_buttons` is.
"""

from __future__ import annotations

import copy
import logging
from typing import Any

from rasa.core.actions import two_stage_fallback
from rasa.shared.core.events import Event, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.nlu.constants import ENTITIES, TEXT

from actions.offer_answers import READ_AGAIN

logger = logging.getLogger(__name__)

UNCLEAR_INTENT = "nlu_fallback"


def unclear_message(tracker: DialogueStateTracker) -> UserUttered | None:
    """The patient's last message the fallback was unsure of, before the latest one."""
    latest = tracker.latest_message
    for event in reversed(tracker.events):
        if not isinstance(event, UserUttered) or event is latest:
            continue
        if (event.text or "").startswith("/"):
            continue
        return event if event.intent_name == UNCLEAR_INTENT else None
    return None


def with_unclear_words(events: list[Event], tracker: DialogueStateTracker) -> list[Event]:
    """``events`` (Rasa's clarification) with the unclear message's words, when the request
    confirmed is one whose details are in them."""
    clarification = events[-1] if events else None
    if not isinstance(clarification, UserUttered):
        return events
    if not (clarification.text or "").startswith("/"):
        return events  # new words typed instead of the Yes: those are the request
    if clarification.intent_name not in READ_AGAIN:
        return events
    unclear = unclear_message(tracker)
    if unclear is None or not unclear.text:
        return events
    entities: list[dict[str, Any]] = copy.deepcopy(list(unclear.entities or []))
    clarification.text = unclear.text
    clarification.entities = entities
    clarification.parse_data[TEXT] = unclear.text  # type: ignore[literal-required]
    clarification.parse_data[ENTITIES] = entities  # type: ignore[literal-required]
    logger.info("A request confirmed at 'Did you mean?': read with the patient's own words")
    return events


def install() -> None:
    """Wraps ``two_stage_fallback._message_clarification`` once (idempotent)."""
    original: Any = two_stage_fallback._message_clarification
    if getattr(original, "keeps_the_words", False):
        return

    def _clarification(tracker: DialogueStateTracker) -> list[Event]:
        return with_unclear_words(original(tracker), tracker)

    _clarification.keeps_the_words = True  # type: ignore[attr-defined]
    two_stage_fallback._message_clarification = _clarification
