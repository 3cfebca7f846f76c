"""A new patient who may already have a chart: flagged for the front desk, never told.

"Emely Jonson, 04/12/1988" as a new patient made a second chart beside Emily Johnson's. The
booking still goes ahead (the patient said they are new, and another person's record must not be
revealed); the appointment's comment asks staff to check for a duplicate chart.
"""

from __future__ import annotations

from datetime import date
from difflib import SequenceMatcher

from actions.clients.fhir import FhirClient
from actions.clients.fhir_model import PatientRecord, normalize_name
from actions.phone import normalize_phone

# How alike two full names must be (difflib ratio of the normalised names) to be flagged.
SIMILAR_NAME = 0.8


def similar_names(one: str, other: str) -> bool:
    """Typos and spellings of one name ("Emely Jonson" / "Emily Johnson")."""
    a, b = normalize_name(one), normalize_name(other)
    return bool(a and b) and SequenceMatcher(None, a, b).ratio() >= SIMILAR_NAME


def possible_duplicate(
    client: FhirClient, given: str, family: str, born: date, phone: str | None
) -> PatientRecord | None:
    """A patient on file born the same day with a similar name or the same phone, if any."""
    e164 = normalize_phone(phone)
    for record in client.patients_born_on(born):
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
