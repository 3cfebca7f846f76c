"""A clinician's next opening, asked as a question: "whats dr patels next opening" got her
working days, and "how long is the wait to get in with dr patel" how long a visit lasts. The
scheduling API is asked for the first free slot; if it cannot answer, the days are said as
before (the caller's fallback)."""

from __future__ import annotations

import logging
import re
from datetime import datetime, timedelta

from rasa_sdk.executor import CollectingDispatcher

from actions.clients.fhir_model import FhirError
from actions.clinic_config import ClinicConfig, Practitioner
from actions.clinician_days import book_with_button
from actions.formatting import clock, day_and_time
from actions.patient_match import scheduling_client
from actions.slot_search import BOOKING_NOTICE

logger = logging.getLogger(__name__)

NEXT_OPENING_ASKED = re.compile(
    r"\b(?:next (?:opening|openings|available|availability|free (?:slot|time|appointment)|"
    r"open (?:slot|appointment))|soonest|earliest (?:opening|appointment|available|time|slot)|"
    # ("whats the earliest i can get in with sam lee": the booking's first question)
    r"earliest (?:i|we|my \w+|he|she|you|u) (?:can|could) (?:get in|be seen|see|come in)|"
    r"first (?:available|opening)|how soon (?:can|could|will) (?:i|we|my \w+|he|she) "
    r"(?:get in|be seen|see)|how long (?:is|s) (?:the|your) wait (?:to|for)|how far out (?:is|are))"
    r"\b",
    re.IGNORECASE,
)


def next_opening_asked(text: str) -> bool:
    """Whether ``text`` asks when a clinician is next free."""
    return bool(NEXT_OPENING_ASKED.search(text.replace("\u2019", "'")))


def next_opening(
    clinician: Practitioner, clinic: ClinicConfig, now: datetime
) -> tuple[str, dict[str, str]] | None:
    """ "Dr. Priya Patel's next opening is Mon Dec 7, 8:30am at the Downtown Clinic.", and a
    button to book with her at that time ("ok book it" then searches it first, not "What day or
    time works best?"); None when the scheduling API cannot say."""
    weeks = clinic.scheduling.weeks_ahead
    try:
        # (from the booking's notice on: "Mon Dec 7, 12:00pm" at 11:40, then "ok book it"
        # offered 12:30pm first)
        slots = scheduling_client().find_free_slots(
            now + BOOKING_NOTICE, now + timedelta(weeks=weeks), practitioner=clinician.id, limit=1
        )
    except FhirError as exc:  # incl. BackendUnavailable
        logger.warning("next opening not found: %s", exc)
        return None
    if not slots:
        return (
            f"{clinician.name} has no openings I can book in the next {weeks} weeks. Our front "
            f"desk may find you a time: {clinic.clinic.main_phone}.",
            book_with_button(clinician),
        )
    slot = slots[0]
    start = slot.start.astimezone(clinic.tz)
    where = f" at the {slot.location_name}" if slot.location_name else ""
    said = f"{clinician.name}'s next opening is {day_and_time(start, clinic)}{where}."
    return said, book_with_button(clinician, f"{start:%B} {start.day} at {clock(start, clinic)}")


def say_next_opening(
    dispatcher: CollectingDispatcher, opening: tuple[str, dict[str, str]], in_task: bool
) -> None:
    """The opening found, with its button to book it (none in a task, whose question follows)."""
    answer, button = opening
    dispatcher.utter_message(text=answer, buttons=[] if in_task else [button])
