""" "The same doctor as last time": the clinician of the patient's latest visit, looked up.

Patients ask for "my usual doctor" or "whoever I saw last time" instead of a name. The booking
keeps the wish (slot ``usual_clinician``), checks who the patient is first, then reads their
latest past visit from the scheduling API and books with that clinician, if they do this kind
of visit. Without a past visit (or with the API down, or for a patient who said they are new)
the patient is told so and asked to pick.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from rasa_sdk.executor import CollectingDispatcher

from actions.booking_choices import eligible_practitioners
from actions.clients.fhir_model import FhirError
from actions.clinic_config import ClinicConfig
from actions.formatting import local, practitioner_name, visit_name
from actions.patient_match import scheduling_client
from actions.patient_words import patient_age, subject_of, whose

logger = logging.getLogger(__name__)

_CLINICIAN = (
    r"(?:doctor|dr|doc|provider|clinician|physician|practitioner|np|nurse practitioner|pcp)"
)
_BEFORE = r"(?:last time|before|last visit|my last visit|the last time|previously)"
USUAL_CLINICIAN = re.compile(
    rf"\b(?:(?:my|our|his|her|their) (?:usual|regular|normal|own|primary|primary care|same) "
    rf"{_CLINICIAN}"
    rf"|(?:the )?same (?:{_CLINICIAN}|one|person) (?:as|i had|i saw|we saw|we had) {_BEFORE}"
    # (not "same doctor as my husband")
    rf"|(?:the )?same {_CLINICIAN}\b(?! (?:time|day|office|location)\b)"
    rf"(?! as (?:my|his|her|our|their|the) (?!last\b))"
    rf"|(?:{_CLINICIAN}|one|person|whoever|who) (?:i|we|he|she|they) "
    # "whoever he usually sees" was no preference
    rf"(?:(?:usually|normally|always|regularly) (?:see|sees|saw|has|have)\b"
    rf"|(?:saw|had|seen|see|sees) (?:{_BEFORE}|usually|normally|always|regularly))"
    rf"|my pcp)\b",
    re.IGNORECASE,
)


def asks_for_usual_clinician(text: str) -> bool:
    """Whether the message asks for the clinician the patient saw before."""
    return bool(USUAL_CLINICIAN.search(text.replace("\u2019", "'")))


def usual_clinician(
    dispatcher: CollectingDispatcher, text: str, slots: dict[str, Any], clinic: ClinicConfig
) -> dict[str, Any]:
    """Slot updates for "the same doctor as last time": kept until the patient is verified
    (``next_slot`` asks who they are first), then the clinician of their latest visit."""
    said = asks_for_usual_clinician(text)
    if not (said or slots.get("usual_clinician")):
        return {}
    if not said and slots.get("practitioner") not in (None, "any"):
        return {"usual_clinician": False}  # picked another clinician meanwhile
    if slots.get("patient_status") == "new" and not slots.get("verified"):
        # No record to look in; the patient may have been here after all, and can say so.
        dispatcher.utter_message(response="utter_usual_clinician_new_patient")
        return {"usual_clinician": False}
    if not (slots.get("verified") and slots.get("patient_id")):
        return {} if slots.get("usual_clinician") else {"usual_clinician": True}
    updates: dict[str, Any] = {"usual_clinician": False}
    if slots.get("slot_choice") or slots.get("offered_slots"):
        updates.update({"slot_choice": None, "offered_slots": None, "booking_confirmed": None})
    owner = whose(slots, clinic)
    who = subject_of(owner)
    try:
        visit = scheduling_client().last_visit(str(slots["patient_id"]))
    except FhirError as exc:  # incl. BackendUnavailable
        logger.warning("past visits not looked up: %s", type(exc).__name__)
        dispatcher.utter_message(response="utter_usual_clinician_not_looked_up", whose=owner)
        return updates
    if visit is None or visit.start is None:
        dispatcher.utter_message(response="utter_no_earlier_visit", whose=owner, who=who)
        return updates
    seen = practitioner_name(visit.practitioner_id, clinic, visit.practitioner_name)
    day = local(visit.start, clinic).strftime("%b %-d, %Y")
    visit_type = slots.get("visit_type")
    if visit.practitioner_id not in eligible_practitioners(
        clinic, visit_type, patient_age(slots, clinic)
    ):
        # Liam's pediatrician for a parent's own visit, a women's-health exam's clinician for
        # a sick visit: said, and the clinician question asked.
        dispatcher.utter_message(
            response="utter_usual_clinician_not_for_this",
            who=subject_of(owner, capital=True),
            practitioner=seen,
            day=day,
            visit=visit_name(visit_type, clinic).lower() if visit_type else "this visit",
        )
        return {**updates, "practitioner": None}
    dispatcher.utter_message(
        response="utter_usual_clinician",
        who=subject_of(owner, capital=True),
        practitioner=seen,
        day=day,
    )
    return {**updates, "practitioner": visit.practitioner_id}
