"""The match of a name and date of birth against the FHIR backend, and the clients the
check talks to.

A full name can be split into given and family names in more than one way ("Mary Ann
O'Brien"), so every split is tried; a middle name or initial that the record does not hold
does not fail the match, one other than the record's does. Exactly one Patient must match, and
on SMS one of their numbers must be the sender's (compared as keyed hashes, never the
numbers). The scheduling client is the one every action reads the backend with.

Only matching; ``actions/identity.py`` asks for the details, says the outcome and counts it in
the per-name limit on failed checks (``actions/verify_lockout.py``) opened here.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from rasa_sdk import Tracker

from actions.clients.fhir import FhirClient
from actions.clients.fhir_model import FhirError, PatientRecord, normalize_name
from actions.phone import phone_hash, unseal_phone
from actions.settings import get_settings
from actions.verify_lockout import VerifyLockout

logger = logging.getLogger(__name__)


@lru_cache(maxsize=1)
def scheduling_client() -> FhirClient:
    return FhirClient.from_settings()


@lru_cache(maxsize=1)
def verification_lockout() -> VerifyLockout:
    """The per-name limit on failed checks across conversations (SQLite under ``DATA_DIR``)."""
    s = get_settings()
    return VerifyLockout(
        s.verify_lockout_path,
        s.phone_hash_secret,
        max_failures=s.verify_lockout_max_failures,
        window_seconds=s.verify_lockout_minutes * 60,
    )


@dataclass(frozen=True)
class Verification:
    status: str  # "verified" | "no_match" | "unavailable"
    patient: PatientRecord | None = None


def sender_phone_hash(tracker: Tracker) -> str | None:
    """The SMS channel's keyed hash of the sender's number (never the number itself)."""
    metadata = (tracker.latest_message or {}).get("metadata") or {}
    value = metadata.get("phone_hash")
    return value if isinstance(value, str) and value else None


def sender_phone(tracker: Tracker) -> str | None:
    """The number an SMS came from (unsealed from the metadata); None on the web."""
    metadata = (tracker.latest_message or {}).get("metadata") or {}
    token = metadata.get("phone_sealed")
    secret = get_settings().phone_hash_secret
    return unseal_phone(token, secret) if isinstance(token, str) and token and secret else None


def name_splits(full_name: str) -> list[tuple[str, str]]:
    """Every (given, family) reading of a name: "Mary Ann O'Brien" is Mary + Ann O'Brien, or
    Mary Ann + O'Brien."""
    words = full_name.split()
    return [(" ".join(words[:i]), " ".join(words[i:])) for i in range(len(words) - 1, 0, -1)]


def without_middle(client: FhirClient, full_name: str, birth_date: date) -> list[PatientRecord]:
    """ "Emily R Johnson", "Robert James Miller": a middle name or initial that the record
    does not hold must not fail the check. Only a record with no middle name counts, so a
    wrong one ("Mary Anne O'Brien" for Mary Ann) still fails."""
    words = full_name.split()
    if len(words) < 3:
        return []
    given, family = words[0], words[-1]
    found = client.find_patients(family=family, given=given, birth_date=birth_date)
    return [
        p
        for p in found
        if p.birth_date == birth_date and normalize_name(p.given) == normalize_name(given)
    ]


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
        if not exact:
            exact = without_middle(client, full_name, birth_date)
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
