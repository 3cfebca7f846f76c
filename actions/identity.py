"""Identity before any patient data: full name + date of birth matched against the FHIR Patient.

On SMS the sender's phone must also be one of the patient's numbers (compared as keyed hashes;
see ``actions/phone.py``). Three failed tries end in a handoff to staff. Verification lives in
slots, so it holds for the conversation session and is gone when the session expires.

Nothing here ever tells the patient *which* detail did not match, and nothing is logged but
outcomes.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.clients.fhir import FhirClient
from actions.clients.fhir_model import FhirError, PatientRecord
from actions.dates import parse_birth_date
from actions.handoff import patient_channel
from actions.phone import find_phone, phone_hash
from actions.settings import get_clinic, get_settings

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 3
ADULT_AGE = 18
NOT_NAME_WORDS = {
    "i",
    "im",
    "my",
    "me",
    "we",
    "you",
    "the",
    "a",
    "an",
    "to",
    "for",
    "is",
    "are",
    "what",
    "when",
    "where",
    "why",
    "how",
    "who",
    "can",
    "could",
    "would",
    "do",
    "does",
    "need",
    "want",
    "appointment",
    "appt",
    "book",
    "cancel",
    "reschedule",
    "bill",
    "park",
    "parking",
    "doctor",
    "dr",
    "help",
    "please",
    "yes",
    "no",
    "not",
    "dont",
    "know",
    "hi",
    "hello",
    "thanks",
    "thank",
    "ok",
    "okay",
    "sure",
    "born",
    "dob",
    "birthday",
    "today",
    "tomorrow",
    "stop",
    "never",
    "mind",
    "person",
    "human",
    "agent",
    "office",
    "clinic",
    "again",
    "sorry",
}
NAME_PREFIXES = re.compile(
    r"^(hi|hello|hey|yes|yeah|sure|ok|okay)?[\s,]*(my name is|my name's|name is|name's|"
    r"it's|it is|its|i am|i'm|im|this is|the patient is|patient name is|patient is|for)?\s*",
    re.IGNORECASE,
)


def _age(birth_date: date, today: date) -> int:
    return (
        today.year
        - birth_date.year
        - ((today.month, today.day) < (birth_date.month, birth_date.day))
    )


@lru_cache(maxsize=1)
def scheduling_client() -> FhirClient:
    return FhirClient.from_settings()


def parse_full_name(text: str) -> tuple[str, str] | None:
    """``"my name is Maria Santos"`` → ``("Maria", "Santos")``; ``"Santos, Maria"`` too.

    Dates and numbers in the same message are ignored, so "Maria Santos 3/14/1985" works.
    """
    text = re.sub(
        r"[,;]?\s*\b(born|dob|d\.o\.b\.?|date of birth|birthday)\b.*$",
        " ",
        text or "",
        flags=re.IGNORECASE,
    )
    # A written-out date after the name: "Maria Santos March 14 1985" (but not "Mary", "May").
    text = re.sub(
        r"\b(jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?\s+\d.*$",
        " ",
        text,
        flags=re.IGNORECASE,
    )
    text = re.sub(r"\d[\d/.\-]*", " ", text)
    text = NAME_PREFIXES.sub("", text.strip()).strip(" .,!")
    if "," in text:
        family, _, given = text.partition(",")
        text = f"{given.strip()} {family.strip()}"
    words = [w for w in re.split(r"\s+", text) if w]
    if not 2 <= len(words) <= 5:
        return None
    if any(not re.fullmatch(r"[A-Za-zÀ-ÿ][A-Za-zÀ-ÿ'\-.]*", w) for w in words):
        return None
    if any(w.lower().strip(".'") in NOT_NAME_WORDS for w in words):
        return None
    return words[0].strip("."), " ".join(words[1:]).strip(".")


@dataclass(frozen=True)
class Verification:
    status: str  # "verified" | "no_match" | "unavailable"
    patient: PatientRecord | None = None


def sender_phone_hash(tracker: Tracker) -> str | None:
    """The SMS channel's keyed hash of the sender's number (never the number itself)."""
    metadata = (tracker.latest_message or {}).get("metadata") or {}
    value = metadata.get("phone_hash")
    return value if isinstance(value, str) and value else None


def name_splits(full_name: str) -> list[tuple[str, str]]:
    """Every (given, family) reading of a name: "Mary Ann O'Brien" is Mary + Ann O'Brien, or
    Mary Ann + O'Brien."""
    words = full_name.split()
    return [(" ".join(words[:i]), " ".join(words[i:])) for i in range(len(words) - 1, 0, -1)]


def verify_patient(
    client: FhirClient,
    full_name: str,
    birth_date: date,
    sms_phone_hash: str | None = None,
    require_phone: bool = False,
) -> Verification:
    """Exactly one Patient with this name and birth date (and, on SMS, this phone)."""
    exact: list[PatientRecord] = []
    try:
        for given, family in name_splits(full_name):
            found = client.find_patients(family=family, given=given, birth_date=birth_date)
            exact += [p for p in found if p.birth_date == birth_date and p not in exact]
    except FhirError:  # includes BackendUnavailable
        logger.warning("patient search failed")
        return Verification("unavailable")
    if require_phone:
        secret = get_settings().phone_hash_secret
        exact = [
            p
            for p in exact
            if sms_phone_hash and any(phone_hash(n, secret) == sms_phone_hash for n in p.phones)
        ]
    if len(exact) != 1:
        return Verification("no_match")
    return Verification("verified", exact[0])


class IdentitySteps:
    """The identity questions a form asks first (name, then date of birth), and the check."""

    def answers_requested_slot(self, tracker: Tracker, requested: str | None) -> bool:
        text = (tracker.latest_message or {}).get("text") or ""
        if requested == "verify_name":
            return parse_full_name(text) is not None
        if requested == "verify_dob":
            return parse_birth_date(text, get_clinic().now().date()) is not None
        if requested == "new_phone":
            return find_phone(text) is not None
        return False

    def identity_next_slot(self, slots: dict[str, Any], new_patient: bool = False) -> str | None:
        if slots.get("verified") or slots.get("escalation_reason") or slots.get("backend_error"):
            return None
        if not slots.get("verify_name"):
            return "verify_name"
        if not slots.get("verify_dob"):
            return "verify_dob"
        if new_patient and not slots.get("new_phone"):
            return "new_phone"
        return None

    def extract_identity(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        slots: dict[str, Any],
        requested: str | None,
        new_patient: bool = False,
    ) -> dict[str, Any]:
        """Read name / date of birth / phone from the message; verify once both are known."""
        if slots.get("verified") or requested not in ("verify_name", "verify_dob", "new_phone"):
            return {}
        text = (tracker.latest_message or {}).get("text") or ""
        today = get_clinic().now().date()
        updates: dict[str, Any] = {}
        if requested == "verify_name":
            name = parse_full_name(text)
            if name is None:
                dispatcher.utter_message(response="utter_need_full_name")
                return {"verify_name": None}
            updates["verify_name"] = f"{name[0]} {name[1]}"
        dob = parse_birth_date(text, today)
        if requested == "verify_dob" and dob is None:
            dispatcher.utter_message(response="utter_need_birth_date")
            return {"verify_dob": None}
        if dob is not None and requested in ("verify_name", "verify_dob"):
            updates["verify_dob"] = dob.isoformat()
        if requested == "new_phone":
            phone = find_phone(text)
            if phone is None:
                dispatcher.utter_message(response="utter_need_phone")
                return {"new_phone": None}
            updates["new_phone"] = phone
        merged = {**slots, **updates}
        if merged.get("verify_name") and merged.get("verify_dob"):
            if new_patient and not merged.get("new_phone"):
                return updates
            updates.update(self._check(dispatcher, tracker, merged, new_patient))
        return updates

    def _check(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        slots: dict[str, Any],
        new_patient: bool,
    ) -> dict[str, Any]:
        birth_date = date.fromisoformat(str(slots["verify_dob"]))
        on_sms = patient_channel(tracker) == "sms"
        result = verify_patient(
            scheduling_client(),
            str(slots["verify_name"]),
            birth_date,
            sender_phone_hash(tracker),
            require_phone=on_sms,
        )
        if result.status == "verified" and result.patient is not None:
            logger.info("identity verified")
            patient = result.patient
            # A child's record is usually confirmed by a parent: thank the writer, not the child.
            child = _age(birth_date, get_clinic().now().date()) < ADULT_AGE
            dispatcher.utter_message(
                response="utter_verified_child" if child else "utter_verified",
                patient_first_name=patient.given,
            )
            return {
                "verified": True,
                "patient_id": patient.id,
                "patient_name": f"{patient.given} {patient.family}",
                "verify_attempts": 0.0,
                "patient_status": "returning",
            }
        if result.status == "unavailable":
            return {"backend_error": True}
        if new_patient:
            # No record with these details: a genuinely new patient, created when booking.
            return {}
        attempts = int(slots.get("verify_attempts") or 0) + 1
        logger.info("identity not verified (attempt %s of %s)", attempts, MAX_ATTEMPTS)
        if attempts >= MAX_ATTEMPTS:
            dispatcher.utter_message(response="utter_verification_failed")
            return {
                "verify_attempts": float(attempts),
                "escalation_reason": "verification_failed",
                "verify_name": None,
                "verify_dob": None,
            }
        dispatcher.utter_message(
            response="utter_verification_no_match_sms" if on_sms else "utter_verification_no_match"
        )
        return {"verify_attempts": float(attempts), "verify_name": None, "verify_dob": None}
