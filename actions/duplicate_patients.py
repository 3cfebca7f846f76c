"""A new patient who may already have a chart: flagged for the front desk, never told.

"Emely Jonson, 04/12/1988" as a new patient made a second chart beside Emily Johnson's. The
booking still goes ahead (the patient said they are new, and another person's record must not be
revealed); the appointment's comment asks staff to check for a duplicate chart.
"""

from __future__ import annotations

import logging
from datetime import date
from difflib import SequenceMatcher

from actions.clients.fhir import FhirClient
from actions.clients.fhir_model import FhirError, PatientRecord, normalize_name
from actions.phone import normalize_phone

# How alike two full names must be (difflib ratio of the normalised names) to be flagged.
SIMILAR_NAME = 0.8

logger = logging.getLogger(__name__)


def similar_names(one: str, other: str) -> bool:
    """Typos and spellings of one name ("Emely Jonson" / "Emily Johnson")."""
    a, b = normalize_name(one), normalize_name(other)
    return bool(a and b) and SequenceMatcher(None, a, b).ratio() >= SIMILAR_NAME


def possible_duplicate(
    client: FhirClient, given: str, family: str, born: date, phone: str | None
) -> PatientRecord | None:
    """A patient on file born the same day with a similar name or the same phone, if any.

    A failed search is no reason to lose the booking (a server may not search by birth date
    alone): it is logged, and the visit is booked without the note.
    """
    e164 = normalize_phone(phone)
    try:
        records = client.patients_born_on(born)
    except FhirError as exc:
        # the status only: a server's message may echo the birth date
        logger.warning("duplicate-chart search failed (%s), booking without the check", exc.status)
        return None
    for record in records:
        same_phone = bool(e164) and e164 in record.phones
        if same_phone or similar_names(f"{given} {family}", f"{record.given} {record.family}"):
            return record
    return None


def duplicate_note(record: PatientRecord) -> str:
    """The appointment comment for staff (the record's id only: no name in the note)."""
    return (
        "Registered as a new patient; a chart with the same birth date and a similar name or "
        f"phone already exists (Patient/{record.id}): please check for a duplicate."
    )
