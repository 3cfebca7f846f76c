"""'Who is my doctor?': the patient's primary care clinician and whom they saw last, told
before their upcoming appointments once they are verified.

It got the list of all the clinic's clinicians, or "not something I can help with". The
primary care clinician is FHIR's ``Patient.generalPractitioner``; the last visit is the
latest past appointment that took place. Nothing is said before verification (the check
form asks for it first).

Asked in the middle of a booking, a move or a cancellation, it was read as a check of the
appointments, which ended the task (the physical asked for was lost). There it is answered
beside the task (``aside_events``): at once when the patient is verified, else right after
the identity check (``told_after_verification``), and the task's question comes again.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.clients.fhir_model import FhirError
from actions.clinic_config import ClinicConfig
from actions.dates import day_label
from actions.formatting import practitioner_name
from actions.message_reading import safety_flagged
from actions.patient_match import scheduling_client
from actions.patient_words import subject_of, verified_record, whose
from actions.tracker_reading import is_button_payload, latest_text

logger = logging.getLogger(__name__)

_WHOSE = r"(?:my|our|his|her|their|the kids?'?|my (?:son|daughter|child|kid)'?s|\w+'s)"
_KIND = (
    r"(?:(?:regular|usual|assigned|main|family|primary(?: care)?|own|current)\s+)?"
    r"(?:doctor|dr|doc|pcp|provider|physician|clinician|pediatrician|np|nurse practitioner"
    r"|primary care(?: doctor| physician| provider)?)"
)
ASKS_OWN_CLINICIAN = re.compile(
    rf"\bwho(?:'?s| is| was| are)\s+{_WHOSE}\s+{_KIND}\b(?!\s+(?:at|for|in|on|going|gonna|will))"
    rf"|\b(?:what'?s|what is|whats)\s+(?:the name of\s+)?{_WHOSE}\s+{_KIND}'?s?\s+name\b"
    rf"|\bname of {_WHOSE}\s+{_KIND}\b"
    r"|\bwho (?:did|have|do) (?:i|we|he|she|they) (?:usually |normally |always )?"
    r"(?:see|saw|been seeing) (?:last time|before|usually|normally|last)\b"
    r"|\bwho (?:have|has) (?:i|we|he|she|they) been seeing\b"
    r"|\bwho (?:did|do) (?:i|we|he|she|they) see (?:last|before)\b"
    r"|\bwhich (?:doctor|dr|provider|clinician) (?:am i|is he|is she|are we) (?:assigned|with)\b",
    re.IGNORECASE,
)


def asks_own_clinician(text: str) -> bool:
    """ "who is my doctor?", "whos my pcp", "who did i see last time", "what's my doctor's
    name"."""
    return bool(ASKS_OWN_CLINICIAN.search((text or "").replace("\u2019", "'")))


def own_clinician_line(slots: dict[str, Any], clinic: ClinicConfig) -> str | None:
    """ "Your primary care clinician is Dr. Priya Patel. Your last visit, on Mon Nov 23, was
    with Sam Lee, NP." (for a child, "Liam's ..."); None when the backend does not answer."""
    record = verified_record(slots)
    if record is None:
        return None
    client = scheduling_client()
    try:
        primary = client.primary_clinician(record)
        visit = client.last_visit(record.id)
    except FhirError as exc:  # incl. BackendUnavailable: the appointments are tried next
        logger.warning("own clinician not looked up: %s", type(exc).__name__)
        return None
    said = whose(slots, clinic)
    owner = said[:1].upper() + said[1:]
    patient = "you" if said == "your" else subject_of(said)
    day = day_label(visit.start.astimezone(clinic.tz).date()) if visit and visit.start else ""
    lines = []
    if primary is not None:
        name = practitioner_name(primary.clinic_id, clinic, primary.name)
        if day and visit and visit.practitioner_id == primary.clinic_id:
            return f"{owner} primary care clinician is {name}, who {patient} last saw on {day}."
        lines.append(f"{owner} primary care clinician is {name}.")
    if day and visit:
        seen = practitioner_name(visit.practitioner_id, clinic, visit.practitioner_name)
        lines.append(f"{owner} last visit, on {day}, was with {seen}.")
    if lines:
        return " ".join(lines)
    return (
        f"I don't see a primary care clinician or a past visit on record for {patient} yet. "
        f"I can book a visit here with whichever of our clinicians suits {patient}."
    )


def aside_events(
    dispatcher: CollectingDispatcher, tracker: Tracker, clinic: ClinicConfig
) -> list[EventType] | None:
    """ "who is my doctor?" with a task's question waiting: the answer, or the promise of it
    once the patient is verified, and the question again; None for any other message."""
    text = latest_text(tracker)
    requested = tracker.get_slot("requested_slot")
    if (
        not requested
        or is_button_payload(text)
        or safety_flagged(tracker)
        or not asks_own_clinician(text)
    ):
        return None
    events: list[EventType] = []
    slots = dict(tracker.slots)
    if slots.get("verified"):
        _tell(dispatcher, slots, clinic)
    elif slots.get("patient_status") == "new":
        dispatcher.utter_message(response="utter_own_clinician_new_patient")
    else:
        dispatcher.utter_message(response="utter_own_clinician_after_identity")
        events.append(SlotSet("own_clinician_asked", True))
    # (a slot besides requested_slot, or Rasa takes it for a rejection)
    return [*events, SlotSet(requested, None), SlotSet("requested_slot", requested)]


def told_after_verification(
    dispatcher: CollectingDispatcher, slots: dict[str, Any], clinic: ClinicConfig
) -> dict[str, Any]:
    """The answer promised by ``aside_events``, said once the identity check has passed
    (``slots`` are the verified patient's); the promise is then kept."""
    if not slots.get("own_clinician_asked"):
        return {}
    _tell(dispatcher, slots, clinic)
    return {"own_clinician_asked": None}


def _tell(dispatcher: CollectingDispatcher, slots: dict[str, Any], clinic: ClinicConfig) -> None:
    """The verified patient's clinicians, or who can tell them when the backend does not."""
    line = own_clinician_line(slots, clinic)
    if line is None:
        dispatcher.utter_message(response="utter_own_clinician_unavailable")
    else:
        dispatcher.utter_message(text=line)
