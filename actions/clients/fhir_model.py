"""The vocabulary of the FHIR client: identifier systems, errors, records and pure helpers.

Nothing here talks to a server. :mod:`actions.clients.fhir_transport` (HTTP) and
:mod:`actions.clients.fhir` (``FhirClient``) build on it; the embedded backend's seed
(``clinic_api.seed``) uses the same identifier systems and instant format.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

# Identifier and coding systems that tie FHIR resources to clinic.yml ids (the contract with any
# FHIR server the clinic uses; the embedded backend's seed writes them).
PRACTITIONER_SYSTEM = "urn:clinic-assistant:practitioner"
LOCATION_SYSTEM = "urn:clinic-assistant:location"
VISIT_TYPE_SYSTEM = "urn:clinic-assistant:visit-type"
SPECIALTY_SYSTEM = "urn:clinic-assistant:specialty"

FHIR_JSON = "application/fhir+json"
# Appointment statuses that no longer hold their slot.
INACTIVE_APPOINTMENT_STATUSES = frozenset({"cancelled", "noshow", "entered-in-error"})
PARTS_OF_DAY = ("morning", "afternoon", "evening")


# --- errors ---------------------------------------------------------------------------------


class FhirError(Exception):
    """The FHIR server refused or failed a request. ``status`` is the HTTP status, if any."""

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


class NotFound(FhirError):
    """The resource does not exist (404) or is gone (410)."""


class SlotTaken(FhirError):
    """The slot is no longer free (someone else booked it first, or it is in the past)."""


class BackendUnavailable(FhirError):
    """The server could not be reached, timed out, or failed (5xx). Try again later."""


# --- records --------------------------------------------------------------------------------


@dataclass(frozen=True)
class PatientRecord:
    """A patient. ``given`` holds all given names joined by spaces; phones are E.164."""

    id: str
    given: str
    family: str
    birth_date: date | None
    phones: list[str]
    # FHIR administrative gender ("male", "female", "other", "unknown"; "" when not recorded).
    gender: str = ""
    # Patient.generalPractitioner: the first Practitioner reference ("Practitioner/12"), the
    # primary care clinician; "" when none is recorded.
    general_practitioner: str = ""


@dataclass(frozen=True)
class PractitionerRecord:
    """A practitioner. ``id`` is the FHIR logical id, ``clinic_id`` the clinic.yml id."""

    id: str
    clinic_id: str
    name: str
    specialty: str


@dataclass(frozen=True)
class LocationRecord:
    """A clinic location. ``id`` is the FHIR logical id, ``clinic_id`` the clinic.yml id."""

    id: str
    clinic_id: str
    name: str


@dataclass(frozen=True)
class ScheduleRecord:
    """One practitioner's schedule at one location.

    ``practitioner_id``/``location_id`` are clinic.yml ids (the FHIR id when a resource carries no
    clinic identifier); ``practitioner_ref``/``location_ref`` are FHIR references.
    """

    id: str
    practitioner_id: str
    location_id: str
    practitioner_ref: str
    location_ref: str
    specialty: str
    service_types: list[str]
    active: bool


@dataclass(frozen=True)
class SlotRecord:
    """A free slot. ``practitioner_id``/``location_id`` are clinic.yml ids; times are tz-aware."""

    id: str
    start: datetime
    end: datetime
    practitioner_id: str
    location_id: str
    practitioner_name: str
    location_name: str
    service_types: list[str]
    version: str
    schedule_id: str = ""


@dataclass(frozen=True)
class AppointmentRecord:
    """An appointment. ``patient_id`` is the FHIR id; practitioner/location ids are clinic.yml ids;
    ``visit_type`` is the clinic.yml visit type id (None if the appointment has none)."""

    id: str
    status: str
    start: datetime | None
    end: datetime | None
    slot_id: str
    patient_id: str
    practitioner_id: str
    location_id: str
    practitioner_name: str
    location_name: str
    visit_type: str | None
    description: str


@dataclass(frozen=True)
class InvoiceRecord:
    """A bill. ``status`` is FHIR's (``issued`` = open, ``balanced`` = paid)."""

    id: str
    status: str
    date: date | None
    total: Decimal
    currency: str
    description: str

    def due_date(self, due_days: int) -> date | None:
        """The day payment is due (``billing.due_days`` after the invoice date)."""
        return self.date + timedelta(days=due_days) if self.date else None

    def is_overdue(self, due_days: int, today: date) -> bool:
        due = self.due_date(due_days)
        return self.status == "issued" and due is not None and today > due


# --- helpers --------------------------------------------------------------------------------


def phone_search_variants(e164: str) -> list[str]:
    """Spellings of a US number that servers which store phones verbatim may hold."""
    variants = [e164]
    if e164.startswith("+1") and len(e164) == 12:
        n = e164[2:]
        a, b, c = n[:3], n[3:6], n[6:]
        variants += [
            n,
            f"1{n}",
            f"({a}) {b}-{c}",
            f"{a}-{b}-{c}",
            f"{a}.{b}.{c}",
            f"{a} {b} {c}",
            f"+1 {a}-{b}-{c}",
            f"+1 ({a}) {b}-{c}",
            f"+1 {a} {b} {c}",
            f"1-{a}-{b}-{c}",
        ]
    return variants


def normalize_name(value: str | None) -> str:
    """Case-, accent- and punctuation-insensitive form of a name: ``"O'Brién"`` -> ``obrien``."""
    text = unicodedata.normalize("NFKD", value or "")
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return "".join(ch for ch in text.casefold() if ch.isalnum())


def fhir_instant(moment: datetime) -> str:
    """A tz-aware datetime as a FHIR instant in UTC (``2026-12-01T16:00:00Z``)."""
    if moment.tzinfo is None:
        raise ValueError("datetimes sent to the FHIR server must be time-zone aware")
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_instant(value: str | None) -> datetime | None:
    """A FHIR instant/dateTime -> tz-aware datetime (UTC if the value has no offset)."""
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)


def parse_date(value: str | None) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


def ref_id(reference: str | None, resource_type: str | None = None) -> str:
    """``Patient/123`` (or an absolute URL, or ``Patient/123/_history/2``) -> ``123``."""
    if not reference:
        return ""
    parts = [p for p in str(reference).split("/") if p]
    if "_history" in parts:
        parts = parts[: parts.index("_history")]
    if len(parts) >= 2 and (resource_type is None or parts[-2] == resource_type):
        return parts[-1]
    return parts[-1] if len(parts) == 1 and resource_type is None else ""


def ref_type(reference: str | None) -> str:
    parts = [p for p in str(reference or "").split("/") if p]
    if "_history" in parts:
        parts = parts[: parts.index("_history")]
    return parts[-2] if len(parts) >= 2 else ""


def _codes(concepts: Iterable[dict[str, Any]] | None, system: str) -> list[str]:
    out: list[str] = []
    for concept in concepts or []:
        for coding in concept.get("coding") or []:
            if coding.get("system") == system and coding.get("code") and coding["code"] not in out:
                out.append(coding["code"])
    return out


def _identifier(resource: dict[str, Any], system: str) -> str:
    for ident in resource.get("identifier") or []:
        if ident.get("system") == system and ident.get("value"):
            return str(ident["value"])
    return ""


def _etag_version(etag: str | None) -> str:
    """``W/"3"`` -> ``3``."""
    if not etag:
        return ""
    match = re.search(r'"([^"]*)"', etag)
    return match.group(1) if match else etag.strip()


_REDACTIONS = (
    (re.compile(r"\b\d{4}-\d{2}-\d{2}(T[\d:.]+(Z|[+-]\d{2}:\d{2})?)?\b"), "[date]"),
    (re.compile(r"\$?\b\d+\.\d{2}\b"), "[amount]"),
    (re.compile(r"\+?\(?\d[\d\s().-]{6,}\d"), "[number]"),
)


def redact(text: str, sensitive: Iterable[str] = ()) -> str:
    """Strip what could be patient data from a server message (dates, numbers, amounts, and
    every value in ``sensitive``), and cut it short."""
    for value in sorted({str(v) for v in sensitive if v and len(str(v)) >= 2}, key=len)[::-1]:
        text = re.sub(re.escape(value), "[redacted]", text, flags=re.IGNORECASE)
    for pattern, repl in _REDACTIONS:
        text = pattern.sub(repl, text)
    return text[:200]


def _part_of_day(local: datetime) -> str:
    if local.hour < 12:
        return "morning"
    return "afternoon" if local.hour < 17 else "evening"


def _person_name(resource: dict[str, Any]) -> str:
    names = resource.get("name") or []
    if isinstance(names, str):  # Location.name
        return names
    for name in names:
        if name.get("text"):
            return str(name["text"])
    for name in names:
        parts = [*name.get("prefix", []), *name.get("given", []), name.get("family", "")]
        text = " ".join(p for p in parts if p)
        if name.get("suffix"):
            text += ", " + " ".join(name["suffix"])
        if text:
            return text
    return ""
