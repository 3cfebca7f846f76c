"""Who the patient is, said to the writer: their age, whether they are a child, and whose
appointment it is ("your", or "Liam's" when a parent writes for a child or someone for an
adult relative).

The same visit is "your physical" to the patient and "Liam's physical" to his mother, so the
replies that say whose it is ask here. The age comes from the date of birth given in the
conversation, else from the verified patient's record.
"""

from __future__ import annotations

import logging
from datetime import date
from typing import Any

from actions.clients.fhir_model import FhirError, PatientRecord
from actions.clinic_config import ADULT_AGE, ClinicConfig
from actions.dates import age_on
from actions.names import SECOND_FIRST_NAMES, capitalised
from actions.patient_match import scheduling_client

logger = logging.getLogger(__name__)


def verified_record(slots: dict[str, Any]) -> PatientRecord | None:
    """The verified patient's record from the scheduling API; None when nobody is verified
    or the backend does not answer."""
    if not slots.get("verified") or not slots.get("patient_id"):
        return None
    try:
        return scheduling_client().get_patient(str(slots["patient_id"]))
    except FhirError:  # incl. BackendUnavailable
        logger.warning("patient record unavailable")
        return None


def recorded_male(record: PatientRecord | None) -> bool:
    """Whether the verified patient's record says male (FHIR administrative gender): a
    clinician who sees women only is then not offered (Dr. Gonzalez was, to Robert Miller)."""
    return record is not None and record.gender == "male"


def patient_age(
    slots: dict[str, Any],
    clinic: ClinicConfig,
    on: date | None = None,
    record: PatientRecord | None = None,
) -> int | None:
    """The patient's age (today, or ``on`` a visit's day) when known: from the date of birth
    given in this conversation, else from the verified patient's record (``record`` when the
    caller has it already, so it is fetched once). None when nobody is identified yet."""
    today = on or clinic.now().date()
    dob = slots.get("verify_dob")
    if dob:
        try:
            return age_on(date.fromisoformat(str(dob)), today)
        except ValueError:
            pass
    record = record or verified_record(slots)
    return age_on(record.birth_date, today) if record and record.birth_date else None


def is_child(slots: dict[str, Any], clinic: ClinicConfig) -> bool:
    """Whether the patient is under 18, without asking the backend: a verified child has a
    ``patient_relation`` (set by the check); before the check, the birth date given says."""
    if slots.get("verified"):
        return bool(slots.get("patient_relation"))
    try:
        born = date.fromisoformat(str(slots.get("verify_dob") or ""))
    except ValueError:
        return False
    return age_on(born, clinic.now().date()) < ADULT_AGE


def whose(slots: dict[str, Any], clinic: ClinicConfig, age: int | None = None) -> str:
    """Whose appointment, said to the writer: "your", or "Liam's" when the patient is a child
    (a parent is writing). ``age``: the patient's, when already looked up."""
    name = capitalised(str(slots.get("patient_name") or slots.get("verify_name") or "")).split()
    child = age < ADULT_AGE if age is not None else is_child(slots, clinic)
    relative = slots.get("verified") and slots.get("patient_is_relative")
    if len(name) > 2 and name[1].lower() in SECOND_FIRST_NAMES:
        name = [f"{name[0]} {name[1]}", *name[2:]]  # "Mary Ann's", not "Mary's"
    return f"{name[0]}'s" if name and (child or relative) else "your"


def subject_of(said: str, capital: bool = False) -> str:
    """Who ``whose`` speaks of, as a subject: "you" ("You") for "your", "Liam" for "Liam's"."""
    if said != "your":
        return said[:-2]
    return "You" if capital else "you"


def who_has(slots: dict[str, Any], clinic: ClinicConfig, adverb: str = "") -> str:
    """ "You already have" to the patient, "Liam already has" to a parent about their child."""
    said = whose(slots, clinic)
    middle = f" {adverb}" if adverb else ""
    return f"{subject_of(said, capital=True)}{middle} {'have' if said == 'your' else 'has'}"
