"""Client for the clinic's scheduling and billing API: any FHIR R4 server.

The embedded backend (``clinic_api``) is the default; a clinic that points ``FHIR_BASE_URL`` at its
own FHIR R4 server needs no code change, because this client only uses interactions and search
parameters defined by the FHIR specification:

* clinic.yml ids are linked to FHIR resources by ``identifier`` (systems below), never by the
  logical id, which the server assigns;
* patient look-ups are ``POST [base]/Patient/_search`` with a form body, so names, birth dates and
  phone numbers never appear in URLs or access logs;
* booking is optimistic locking on the ``Slot`` (``If-Match``), then the ``Appointment``; a failed
  ``Appointment`` create puts the ``Slot`` back, so nothing is ever half-booked;
* reads (``GET`` and ``POST _search``) are retried on connection errors, timeouts and 502/503/504;
  writes never are (their outcome is checked by reading instead).

Errors are :class:`FhirError` and its subclasses. Their messages, and this module's log lines, name
resources by id only: never a patient's name, birth date, phone number or an amount.
"""

from __future__ import annotations

import json
import logging
import re
import time
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import requests

from actions.phone import normalize_phone

if TYPE_CHECKING:
    from actions.clinic_config import ClinicConfig
    from actions.settings import Settings

logger = logging.getLogger(__name__)

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

_RETRY_STATUSES = frozenset({502, 503, 504})
_PAGE_LIMIT = 50  # never follow more Bundle `next` links than this in one search


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


# --- the client -----------------------------------------------------------------------------


class FhirClient:
    """Talks to one FHIR R4 server over one ``requests.Session``.

    ``clinic`` (clinic.yml) supplies the time zone for parts of the day, specialty and visit-type
    names; it is loaded from settings when not given.
    """

    def __init__(
        self,
        base_url: str,
        token: str = "",
        timeout: float = 5.0,
        retries: int = 2,
        clinic: ClinicConfig | None = None,
        session: requests.Session | None = None,
        backoff: float = 0.2,
        directory_ttl: float = 300.0,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.timeout = (min(3.05, float(timeout)), float(timeout))
        self.retries = max(0, int(retries))
        self.backoff = backoff
        self._clinic = clinic
        self.session = session or requests.Session()
        self.session.headers.update(
            {"Accept": FHIR_JSON, "User-Agent": "clinic-assistant-fhir-client/1"}
        )
        if token:
            self.session.headers["Authorization"] = f"Bearer {token}"
        self._directory_ttl = directory_ttl
        self._directory_at = 0.0
        self._practitioners: dict[str, PractitionerRecord] = {}
        self._locations: dict[str, LocationRecord] = {}

    @classmethod
    def from_settings(
        cls, settings: Settings | None = None, clinic: ClinicConfig | None = None
    ) -> FhirClient:
        """A client configured by ``FHIR_BASE_URL``, ``FHIR_BEARER_TOKEN``,
        ``FHIR_TIMEOUT_SECONDS`` and ``FHIR_RETRIES``."""
        from actions.settings import get_settings

        s = settings or get_settings()
        return cls(
            s.fhir_base_url,
            token=s.fhir_bearer_token,
            timeout=s.fhir_timeout_seconds,
            retries=s.fhir_retries,
            clinic=clinic,
        )

    @property
    def clinic(self) -> ClinicConfig:
        if self._clinic is None:
            from actions.settings import get_clinic

            self._clinic = get_clinic()
        return self._clinic

    def close(self) -> None:
        self.session.close()

    # --- transport ------------------------------------------------------------------------

    def _url(self, path: str) -> str:
        return path if path.startswith(("http://", "https://")) else f"{self.base_url}/{path}"

    def _request(
        self,
        method: str,
        path: str,
        what: str,
        *,
        safe: bool,
        params: Sequence[tuple[str, str]] | None = None,
        form: Sequence[tuple[str, str]] | None = None,
        body: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
    ) -> requests.Response:
        """One HTTP exchange. ``safe`` requests (reads) are retried on connection errors,
        timeouts and 502/503/504; others are sent exactly once. ``what`` names the request in
        logs and errors (resource type and id only)."""
        hdrs = dict(headers or {})
        data: Any = None
        if body is not None:
            data = json.dumps(body)
            hdrs["Content-Type"] = FHIR_JSON
        elif form is not None:
            data = list(form)
            hdrs["Content-Type"] = "application/x-www-form-urlencoded"
        attempts = 1 + self.retries if safe else 1
        for attempt in range(1, attempts + 1):
            started = time.monotonic()
            try:
                response = self.session.request(
                    method,
                    self._url(path),
                    params=list(params) if params else None,
                    data=data,
                    headers=hdrs,
                    timeout=self.timeout,
                    allow_redirects=False,
                )
            except (requests.Timeout, requests.ConnectionError) as exc:
                kind = "timed out" if isinstance(exc, requests.Timeout) else "connection failed"
                logger.warning(
                    "FHIR %s %s: %s (attempt %d/%d)", method, what, kind, attempt, attempts
                )
                if attempt < attempts:
                    time.sleep(self.backoff * 2 ** (attempt - 1))
                    continue
                raise BackendUnavailable(f"FHIR {method} {what}: {kind}") from None
            except requests.RequestException as exc:
                raise BackendUnavailable(f"FHIR {method} {what}: {type(exc).__name__}") from None
            logger.debug(
                "FHIR %s %s -> %s (%.0f ms)",
                method,
                what,
                response.status_code,
                (time.monotonic() - started) * 1000,
            )
            if response.status_code in _RETRY_STATUSES and attempt < attempts:
                logger.warning(
                    "FHIR %s %s -> %s, retrying (attempt %d/%d)",
                    method,
                    what,
                    response.status_code,
                    attempt,
                    attempts,
                )
                time.sleep(self.backoff * 2 ** (attempt - 1))
                continue
            return response
        raise AssertionError("unreachable")  # pragma: no cover

    def _check(
        self,
        response: requests.Response,
        what: str,
        *,
        slot_conflict: bool = False,
        sensitive: Iterable[str] = (),
    ) -> None:
        """Map an HTTP status onto the client's exceptions (2xx returns)."""
        status = response.status_code
        if 200 <= status < 300:
            return
        if status in (404, 410):
            raise NotFound(f"FHIR {what}: not found ({status})", status)
        if slot_conflict and status in (409, 412):
            raise SlotTaken(f"FHIR {what}: slot no longer free ({status})", status)
        if status >= 500 or status == 429:
            raise BackendUnavailable(f"FHIR {what}: server error {status}", status)
        if status in (401, 403):
            raise FhirError(
                f"FHIR {what}: not authorised ({status}); check FHIR_BEARER_TOKEN", status
            )
        detail = self._outcome_text(response, sensitive)
        raise FhirError(f"FHIR {what}: HTTP {status}" + (f": {detail}" if detail else ""), status)

    @staticmethod
    def _outcome_text(response: requests.Response, sensitive: Iterable[str]) -> str:
        try:
            outcome = response.json()
        except ValueError:
            return ""
        if not isinstance(outcome, dict) or outcome.get("resourceType") != "OperationOutcome":
            return ""
        texts = []
        for issue in outcome.get("issue") or []:
            text = issue.get("diagnostics") or (issue.get("details") or {}).get("text") or ""
            texts.append(f"{issue.get('code', 'error')}: {text}".strip(": "))
        return redact("; ".join(texts), sensitive)

    @staticmethod
    def _json(response: requests.Response, what: str, **kwargs: Any) -> dict[str, Any]:
        try:
            data = response.json(**kwargs)
        except ValueError:
            raise BackendUnavailable(f"FHIR {what}: response is not JSON") from None
        if not isinstance(data, dict):
            raise BackendUnavailable(f"FHIR {what}: response is not a FHIR resource")
        return data

    def _read(self, resource_type: str, resource_id: str) -> tuple[dict[str, Any], str]:
        """GET one resource; returns it and its version (meta.versionId, else the ETag)."""
        if not resource_id or "/" in resource_id:
            raise NotFound(f"FHIR {resource_type}: invalid id")
        what = f"{resource_type}/{resource_id}"
        response = self._request("GET", what, what, safe=True)
        self._check(response, what)
        resource = self._json(response, what)
        version = str((resource.get("meta") or {}).get("versionId") or "") or _etag_version(
            response.headers.get("ETag")
        )
        return resource, version

    def _written(
        self, response: requests.Response, resource_type: str, what: str, known_id: str = ""
    ) -> tuple[dict[str, Any], str]:
        """The resource a successful create/update returned (read back if the body is empty,
        e.g. ``201``/``204`` with ``Prefer: return=minimal`` servers)."""
        resource: dict[str, Any] | None = None
        if response.content:
            try:
                data = response.json()
                if isinstance(data, dict) and data.get("resourceType") == resource_type:
                    resource = data
            except ValueError:
                resource = None
        if resource is None:
            new_id = (
                ref_id(
                    response.headers.get("Location") or response.headers.get("Content-Location"),
                    resource_type,
                )
                or known_id
            )
            if not new_id:
                raise FhirError(f"FHIR {what}: server returned neither the resource nor Location")
            return self._read(resource_type, new_id)
        version = str((resource.get("meta") or {}).get("versionId") or "") or _etag_version(
            response.headers.get("ETag")
        )
        return resource, version

    def _create(
        self,
        resource: dict[str, Any],
        *,
        slot_conflict: bool = False,
        sensitive: Iterable[str] = (),
    ) -> dict[str, Any]:
        rtype = resource["resourceType"]
        what = f"create {rtype}"
        response = self._request("POST", rtype, what, safe=False, body=resource)
        self._check(response, what, slot_conflict=slot_conflict, sensitive=sensitive)
        return self._written(response, rtype, what)[0]

    def _update(
        self, resource: dict[str, Any], version: str | None, *, slot_conflict: bool = False
    ) -> tuple[dict[str, Any], str]:
        rtype, rid = resource["resourceType"], resource["id"]
        what = f"{rtype}/{rid}"
        headers = {"If-Match": f'W/"{version}"'} if version else None
        response = self._request(
            "PUT", what, f"update {what}", safe=False, body=resource, headers=headers
        )
        self._check(response, f"update {what}", slot_conflict=slot_conflict)
        return self._written(response, rtype, f"update {what}", known_id=rid)

    def _search(
        self,
        resource_type: str,
        params: Sequence[tuple[str, str]],
        *,
        post: bool = False,
        json_kwargs: dict[str, Any] | None = None,
    ) -> Iterator[dict[str, Any]]:
        """Matches of a search, following Bundle ``next`` links (same server only)."""
        for page in self._search_pages(resource_type, params, post=post, json_kwargs=json_kwargs):
            yield from page

    def _search_pages(
        self,
        resource_type: str,
        params: Sequence[tuple[str, str]],
        *,
        post: bool = False,
        json_kwargs: dict[str, Any] | None = None,
    ) -> Iterator[list[dict[str, Any]]]:
        """Pages of matches of a search, following Bundle ``next`` links (same server only)."""
        what = f"search {resource_type}"
        if post:
            response = self._request(
                "POST", f"{resource_type}/_search", what, safe=True, form=params
            )
        else:
            response = self._request("GET", resource_type, what, safe=True, params=params)
        base = urlsplit(self.base_url)
        for _page in range(_PAGE_LIMIT):
            self._check(response, what, sensitive=[v for _, v in params] if post else ())
            bundle = self._json(response, what, **(json_kwargs or {}))
            if bundle.get("resourceType") != "Bundle":
                raise BackendUnavailable(f"FHIR {what}: response is not a Bundle")
            page = []
            for entry in bundle.get("entry") or []:
                resource = entry.get("resource") or {}
                mode = (entry.get("search") or {}).get("mode", "match")
                if resource.get("resourceType") == resource_type and mode == "match":
                    page.append(resource)
            yield page
            next_url = next(
                (
                    link.get("url")
                    for link in bundle.get("link") or []
                    if link.get("relation") == "next" and link.get("url")
                ),
                None,
            )
            if not next_url:
                return
            target = urlsplit(next_url)
            if (target.scheme, target.netloc) != (base.scheme, base.netloc):
                logger.warning("FHIR %s: next link points to another server; not followed", what)
                return
            response = self._request("GET", next_url, what, safe=True)
        logger.warning("FHIR %s: stopped after %d pages", what, _PAGE_LIMIT)

    # --- patients -------------------------------------------------------------------------

    def _patient(self, resource: dict[str, Any]) -> PatientRecord:
        names = resource.get("name") or [{}]
        name = next((n for n in names if n.get("use") == "official"), names[0])
        phones: list[str] = []
        for contact in resource.get("telecom") or []:
            if contact.get("system") in ("phone", "sms", None):
                e164 = normalize_phone(contact.get("value"))
                if e164 and e164 not in phones:
                    phones.append(e164)
        return PatientRecord(
            id=str(resource.get("id", "")),
            given=" ".join(name.get("given") or []),
            family=str(name.get("family") or ""),
            birth_date=parse_date(resource.get("birthDate")),
            phones=phones,
        )

    @staticmethod
    def _given_matches(wanted: str, record: PatientRecord, resource: dict[str, Any]) -> bool:
        key = normalize_name(wanted)
        if not key:
            return True
        for name in resource.get("name") or []:
            given = name.get("given") or []
            options = {normalize_name(g) for g in given} | {normalize_name("".join(given))}
            if key in options:
                return True
        return False

    def find_patients(
        self, family: str, given: str | None = None, birth_date: date | None = None
    ) -> list[PatientRecord]:
        """Patients whose family name (and given name, birth date when given) match, ignoring
        case, accents and punctuation. Sent as ``POST Patient/_search`` (no PHI in the URL)."""
        params: list[tuple[str, str]] = [("family", family.strip()), ("_count", "50")]
        if birth_date is not None:
            params.append(("birthdate", birth_date.isoformat()))
        out = []
        for resource in self._search("Patient", params, post=True):
            record = self._patient(resource)
            families = {normalize_name(n.get("family")) for n in resource.get("name") or []}
            if normalize_name(family) not in families:
                continue  # FHIR string search matches prefixes ("Lee" finds "Leeds")
            if birth_date is not None and record.birth_date != birth_date:
                continue
            if given and not self._given_matches(given, record, resource):
                continue
            out.append(record)
        return out

    def find_patients_by_phone(self, phone: str) -> list[PatientRecord]:
        """Patients with this phone number (any spelling; compared as E.164)."""
        e164 = normalize_phone(phone)
        if not e164:
            return []
        params = [("phone", ",".join(phone_search_variants(e164))), ("_count", "50")]
        return [
            record
            for record in map(self._patient, self._search("Patient", params, post=True))
            if e164 in record.phones
        ]

    def get_patient(self, patient_id: str) -> PatientRecord:
        """One patient by FHIR id (``NotFound`` if there is none)."""
        return self._patient(self._read("Patient", patient_id)[0])

    def create_patient(
        self, given: str, family: str, birth_date: date, phone: str | None = None
    ) -> PatientRecord:
        """Register a new patient (phone stored as E.164 when it is a valid number)."""
        resource: dict[str, Any] = {
            "resourceType": "Patient",
            "active": True,
            "name": [{"use": "official", "family": family.strip(), "given": given.split()}],
            "birthDate": birth_date.isoformat(),
        }
        e164 = normalize_phone(phone)
        if e164:
            resource["telecom"] = [{"system": "phone", "value": e164, "use": "mobile"}]
        created = self._create(resource, sensitive=[given, family, str(phone or "")])
        logger.info("FHIR created Patient/%s", created.get("id"))
        return self._patient(created)

    # --- directory: practitioners and locations -------------------------------------------

    def list_practitioners(self) -> list[PractitionerRecord]:
        """Practitioners that carry a clinic.yml identifier (system ``PRACTITIONER_SYSTEM``)."""
        out = []
        for res in self._search(
            "Practitioner", [("identifier", f"{PRACTITIONER_SYSTEM}|"), ("_count", "200")]
        ):
            clinic_id = _identifier(res, PRACTITIONER_SYSTEM)
            if clinic_id:
                out.append(self._practitioner(res, clinic_id))
        return sorted(out, key=lambda p: p.clinic_id)

    def _practitioner(self, res: dict[str, Any], clinic_id: str) -> PractitionerRecord:
        prac = self.clinic.practitioner(clinic_id) if clinic_id else None
        return PractitionerRecord(
            id=str(res.get("id", "")),
            clinic_id=clinic_id,
            name=_person_name(res) or (prac.name if prac else ""),
            specialty=prac.specialty if prac else "",
        )

    def list_locations(self) -> list[LocationRecord]:
        """Locations that carry a clinic.yml identifier (``urn:clinic-assistant:location``)."""
        out = []
        for res in self._search(
            "Location", [("identifier", f"{LOCATION_SYSTEM}|"), ("_count", "200")]
        ):
            clinic_id = _identifier(res, LOCATION_SYSTEM)
            if clinic_id:
                out.append(
                    LocationRecord(str(res.get("id", "")), clinic_id, str(res.get("name") or ""))
                )
        return sorted(out, key=lambda loc: loc.clinic_id)

    def _load_directory(self, force: bool = False) -> None:
        if (
            not force
            and self._practitioners
            and (time.monotonic() - self._directory_at < self._directory_ttl)
        ):
            return
        self._practitioners = {p.id: p for p in self.list_practitioners()}
        self._locations = {loc.id: loc for loc in self.list_locations()}
        self._directory_at = time.monotonic()

    def invalidate_cache(self) -> None:
        """Forget the cached practitioner and location directory."""
        self._directory_at = 0.0
        self._practitioners, self._locations = {}, {}

    def practitioner(self, clinic_id: str) -> PractitionerRecord | None:
        """The practitioner with this clinic.yml id (None if the server has none)."""
        self._load_directory()
        return next((p for p in self._practitioners.values() if p.clinic_id == clinic_id), None)

    def location(self, clinic_id: str) -> LocationRecord | None:
        """The location with this clinic.yml id (None if the server has none)."""
        self._load_directory()
        return next((loc for loc in self._locations.values() if loc.clinic_id == clinic_id), None)

    def _practitioner_by_ref(self, reference: str) -> PractitionerRecord:
        fhir_id = ref_id(reference, "Practitioner")
        self._load_directory()
        if fhir_id in self._practitioners:
            return self._practitioners[fhir_id]
        try:
            res = self._read("Practitioner", fhir_id)[0]
        except NotFound:
            return PractitionerRecord(fhir_id, fhir_id, "", "")
        record = self._practitioner(res, _identifier(res, PRACTITIONER_SYSTEM))
        record = PractitionerRecord(
            record.id, record.clinic_id or record.id, record.name, record.specialty
        )
        self._practitioners[fhir_id] = record
        return record

    def _location_by_ref(self, reference: str) -> LocationRecord:
        fhir_id = ref_id(reference, "Location")
        self._load_directory()
        if fhir_id in self._locations:
            return self._locations[fhir_id]
        try:
            res = self._read("Location", fhir_id)[0]
        except NotFound:
            return LocationRecord(fhir_id, fhir_id, "")
        record = LocationRecord(
            fhir_id, _identifier(res, LOCATION_SYSTEM) or fhir_id, str(res.get("name") or "")
        )
        self._locations[fhir_id] = record
        return record

    # --- schedules and slots ----------------------------------------------------------------

    def find_schedules(
        self,
        practitioner: str | None = None,
        location: str | None = None,
        specialty: str | None = None,
    ) -> list[ScheduleRecord]:
        """Active schedules, filtered by clinic.yml practitioner/location/specialty ids."""
        params: list[tuple[str, str]] = [("active", "true"), ("_count", "200")]
        if practitioner:
            prac = self.practitioner(practitioner)
            if prac is None:
                logger.warning("FHIR: no Practitioner with clinic id %s", practitioner)
                return []
            params.append(("actor", f"Practitioner/{prac.id}"))
        if location:
            loc = self.location(location)
            if loc is None:
                logger.warning("FHIR: no Location with clinic id %s", location)
                return []
            params.append(("actor", f"Location/{loc.id}"))
        if specialty:
            params.append(("specialty", f"{SPECIALTY_SYSTEM}|{specialty}"))
        out = []
        for res in self._search("Schedule", params):
            actors = [a.get("reference", "") for a in res.get("actor") or []]
            prac_ref = next((a for a in actors if ref_type(a) == "Practitioner"), "")
            loc_ref = next((a for a in actors if ref_type(a) == "Location"), "")
            prac_rec = self._practitioner_by_ref(prac_ref) if prac_ref else None
            loc_rec = self._location_by_ref(loc_ref) if loc_ref else None
            specialties = _codes(res.get("specialty"), SPECIALTY_SYSTEM)
            out.append(
                ScheduleRecord(
                    id=str(res.get("id", "")),
                    practitioner_id=prac_rec.clinic_id if prac_rec else "",
                    location_id=loc_rec.clinic_id if loc_rec else "",
                    practitioner_ref=prac_ref,
                    location_ref=loc_ref,
                    specialty=specialties[0]
                    if specialties
                    else (prac_rec.specialty if prac_rec else ""),
                    service_types=_codes(res.get("serviceType"), VISIT_TYPE_SYSTEM),
                    active=res.get("active", True) is not False,
                )
            )
        return out

    def find_free_slots(
        self,
        start: datetime,
        end: datetime,
        practitioner: str | None = None,
        location: str | None = None,
        specialty: str | None = None,
        visit_type: str | None = None,
        part_of_day: str | None = None,
        limit: int = 20,
    ) -> list[SlotRecord]:
        """Free future slots starting in ``[start, end)``, earliest first, at most ``limit``.

        Filters are clinic.yml ids; ``part_of_day`` is ``morning`` (before 12:00), ``afternoon``
        (12:00-17:00) or ``evening`` (from 17:00), in the clinic's time zone.
        """
        if part_of_day is not None and part_of_day not in PARTS_OF_DAY:
            raise ValueError(f"part_of_day must be one of {PARTS_OF_DAY}")
        now = datetime.now(timezone.utc)
        lower = max(start, now)
        if end <= lower or limit <= 0:
            return []
        schedules = {s.id: s for s in self.find_schedules(practitioner, location, specialty)}
        if not schedules:
            return []
        found: dict[str, SlotRecord] = {}
        ids = sorted(schedules)
        for i in range(0, len(ids), 20):
            chunk = {sid: schedules[sid] for sid in ids[i : i + 20]}
            found.update(
                self._free_slots_of(chunk, lower, end, now, visit_type, part_of_day, limit)
            )
        return sorted(found.values(), key=lambda s: (s.start, s.practitioner_name, s.id))[:limit]

    def _free_slots_of(
        self,
        schedules: dict[str, ScheduleRecord],
        lower: datetime,
        end: datetime,
        now: datetime,
        visit_type: str | None,
        part_of_day: str | None,
        limit: int,
    ) -> dict[str, SlotRecord]:
        """Up to ``limit`` matching free slots of ``schedules``, earliest first.

        Pages by Bundle ``next`` links; for servers that give none, by searching again from the
        last start seen (keyset paging), so a filtered-out page never hides later slots."""
        tz = self.clinic.tz
        # A part of the day is filtered here, so fetch wide pages (evenings can be rare).
        page = 500 if part_of_day else min(500, max(50, limit * 2))
        found: dict[str, SlotRecord] = {}
        seen: set[str] = set()
        since = lower
        for _round in range(20):
            params = [
                ("schedule", ",".join(f"Schedule/{sid}" for sid in sorted(schedules))),
                ("status", "free"),
                ("start", f"ge{fhir_instant(since)}"),
                ("start", f"lt{fhir_instant(end)}"),
                ("_sort", "start"),
                ("_count", str(page)),
            ]
            if visit_type:
                params.append(("service-type", f"{VISIT_TYPE_SYSTEM}|{visit_type}"))
            got, new, last = 0, 0, since
            for batch in self._search_pages("Slot", params):
                for res in batch:
                    got += 1
                    rid = str(res.get("id", ""))
                    if rid in seen:
                        continue
                    seen.add(rid)
                    new += 1
                    slot_start = parse_instant(res.get("start"))
                    slot_end = parse_instant(res.get("end"))
                    if slot_start is not None:
                        last = max(last, slot_start)
                    schedule = schedules.get(
                        ref_id((res.get("schedule") or {}).get("reference"), "Schedule")
                    )
                    if (
                        slot_start is None
                        or slot_end is None
                        or schedule is None
                        or res.get("status") != "free"
                        or not (lower <= slot_start < end)
                        or slot_start <= now
                    ):
                        continue
                    if part_of_day and _part_of_day(slot_start.astimezone(tz)) != part_of_day:
                        continue
                    found[rid] = self._slot(res, schedule, slot_start, slot_end)
                # Whole pages only: a server that sorts loosely still yields the earliest.
                if len(found) >= limit:
                    return found
            if got < page or new == 0:
                return found
            since = last
        return found

    def _slot(
        self, res: dict[str, Any], schedule: ScheduleRecord, start: datetime, end: datetime
    ) -> SlotRecord:
        prac = (
            self._practitioner_by_ref(schedule.practitioner_ref)
            if (schedule.practitioner_ref)
            else None
        )
        loc = self._location_by_ref(schedule.location_ref) if schedule.location_ref else None
        return SlotRecord(
            id=str(res.get("id", "")),
            start=start,
            end=end,
            practitioner_id=schedule.practitioner_id,
            location_id=schedule.location_id,
            practitioner_name=prac.name if prac else "",
            location_name=loc.name if loc else "",
            service_types=_codes(res.get("serviceType"), VISIT_TYPE_SYSTEM),
            version=str((res.get("meta") or {}).get("versionId") or ""),
            schedule_id=schedule.id,
        )

    # --- appointments ---------------------------------------------------------------------

    def _appointment(self, res: dict[str, Any]) -> AppointmentRecord:
        patient_ref = prac_ref = loc_ref = ""
        for part in res.get("participant") or []:
            reference = (part.get("actor") or {}).get("reference", "")
            kind = ref_type(reference)
            if kind == "Patient" and not patient_ref:
                patient_ref = reference
            elif kind == "Practitioner" and not prac_ref:
                prac_ref = reference
            elif kind == "Location" and not loc_ref:
                loc_ref = reference
        prac = self._practitioner_by_ref(prac_ref) if prac_ref else None
        loc = self._location_by_ref(loc_ref) if loc_ref else None
        visit_types = _codes(res.get("serviceType"), VISIT_TYPE_SYSTEM)
        slots = res.get("slot") or [{}]
        return AppointmentRecord(
            id=str(res.get("id", "")),
            status=str(res.get("status", "")),
            start=parse_instant(res.get("start")),
            end=parse_instant(res.get("end")),
            slot_id=ref_id(slots[0].get("reference"), "Slot"),
            patient_id=ref_id(patient_ref, "Patient"),
            practitioner_id=prac.clinic_id if prac else "",
            location_id=loc.clinic_id if loc else "",
            practitioner_name=prac.name if prac else "",
            location_name=loc.name if loc else "",
            visit_type=visit_types[0] if visit_types else None,
            description=str(res.get("description") or ""),
        )

    def get_appointment(self, appointment_id: str) -> AppointmentRecord:
        """One appointment by FHIR id."""
        return self._appointment(self._read("Appointment", appointment_id)[0])

    def _active_appointments_on_slot(self, slot_id: str) -> list[dict[str, Any]]:
        return [
            res
            for res in self._search("Appointment", [("slot", f"Slot/{slot_id}"), ("_count", "50")])
            if res.get("status") not in INACTIVE_APPOINTMENT_STATUSES
        ]

    def book(
        self,
        patient_id: str,
        slot_id: str,
        visit_type: str | None,
        description: str | None = None,
    ) -> AppointmentRecord:
        """Book ``slot_id`` for the patient: hold the Slot (``If-Match``), then create the
        Appointment; if that fails, the Slot is released again. ``SlotTaken`` if it is gone."""
        slot, version = self._read("Slot", slot_id)
        if slot.get("status") != "free":
            raise SlotTaken(f"FHIR Slot/{slot_id}: not free")
        start = parse_instant(slot.get("start"))
        if start is None or start <= datetime.now(timezone.utc):
            raise SlotTaken(f"FHIR Slot/{slot_id}: in the past")
        offered = _codes(slot.get("serviceType"), VISIT_TYPE_SYSTEM)
        if visit_type and offered and visit_type not in offered:
            raise FhirError(f"FHIR Slot/{slot_id}: does not offer visit type {visit_type}")
        schedule, _ = self._read(
            "Schedule", ref_id((slot.get("schedule") or {}).get("reference"), "Schedule")
        )
        actors = [a.get("reference", "") for a in schedule.get("actor") or []]
        participants = [
            {
                "actor": {"reference": f"Patient/{patient_id}"},
                "required": "required",
                "status": "accepted",
            }
        ]
        for kind in ("Practitioner", "Location"):
            ref = next((a for a in actors if ref_type(a) == kind), None)
            if ref:
                participants.append(
                    {
                        "actor": {"reference": f"{kind}/{ref_id(ref, kind)}"},
                        "required": "required",
                        "status": "accepted",
                    }
                )
        # 1. Hold the slot: optimistic lock on the version we read.
        _held, held_version = self._update(
            {**slot, "status": "busy"}, version or None, slot_conflict=True
        )
        # 2. The appointment itself.
        visit = self.clinic.visit_type(visit_type) if visit_type else None
        appointment: dict[str, Any] = {
            "resourceType": "Appointment",
            "status": "booked",
            "description": description or (visit.name if visit else "Appointment"),
            "start": slot.get("start"),
            "end": slot.get("end"),
            "created": datetime.now(timezone.utc).date().isoformat(),
            "slot": [{"reference": f"Slot/{slot_id}"}],
            "participant": participants,
        }
        if visit_type:
            appointment["serviceType"] = [
                {
                    "coding": [
                        {
                            "system": VISIT_TYPE_SYSTEM,
                            "code": visit_type,
                            "display": visit.name if visit else visit_type,
                        }
                    ],
                    "text": visit.name if visit else visit_type,
                }
            ]
        try:
            created = self._create(appointment, slot_conflict=True)
        except FhirError as exc:
            recovered = self._recover_failed_booking(patient_id, slot_id, held_version, exc)
            if recovered is not None:
                return self._appointment(recovered)
            raise
        logger.info("FHIR booked Appointment/%s on Slot/%s", created.get("id"), slot_id)
        return self._appointment(created)

    def _recover_failed_booking(
        self, patient_id: str, slot_id: str, held_version: str, error: FhirError
    ) -> dict[str, Any] | None:
        """After a failed Appointment create: return the appointment if it was in fact created
        (lost response), else give the held Slot back. Never frees a slot someone else holds."""
        try:
            active = self._active_appointments_on_slot(slot_id)
            mine = [
                a
                for a in active
                if any(
                    ref_id((p.get("actor") or {}).get("reference"), "Patient") == patient_id
                    for p in a.get("participant") or []
                )
            ]
            if mine:
                logger.warning(
                    "FHIR create Appointment on Slot/%s failed but it exists: %s",
                    slot_id,
                    type(error).__name__,
                )
                return mine[0]
            if active:
                return None  # the slot belongs to another appointment: leave it busy
            slot, version = self._read("Slot", slot_id)
            if slot.get("status") == "busy" and (not held_version or version == held_version):
                self._update({**slot, "status": "free"}, version or None)
                logger.warning("FHIR booking on Slot/%s failed; slot released", slot_id)
        except FhirError as exc:
            logger.error(
                "FHIR booking on Slot/%s failed and the slot could not be released "
                "(%s): staff may need to free it",
                slot_id,
                type(exc).__name__,
            )
        return None

    def upcoming_appointments(self, patient_id: str) -> list[AppointmentRecord]:
        """The patient's booked appointments from now on, earliest first."""
        now = datetime.now(timezone.utc)
        params = [
            ("patient", f"Patient/{patient_id}"),
            ("date", f"ge{fhir_instant(now)}"),
            ("status", "booked"),
            ("_sort", "date"),
            ("_count", "100"),
        ]
        out = [
            self._appointment(res)
            for res in self._search("Appointment", params)
            if res.get("status") == "booked"
        ]
        out = [a for a in out if a.start is not None and a.start >= now]
        return sorted(out, key=lambda a: a.start or now)

    def cancel(
        self, appointment_id: str, reason: str = "Cancelled by patient"
    ) -> AppointmentRecord:
        """Cancel (status ``cancelled`` + ``cancelationReason``) and free its slot. Cancelling a
        cancelled appointment is a no-op."""
        for _attempt in range(3):
            res, version = self._read("Appointment", appointment_id)
            status = res.get("status")
            if status == "cancelled":
                break
            if status in INACTIVE_APPOINTMENT_STATUSES or status in (
                "fulfilled",
                "arrived",
                "checked-in",
            ):
                raise FhirError(f"FHIR Appointment/{appointment_id}: cannot cancel ({status})")
            changed = {**res, "status": "cancelled", "cancelationReason": {"text": reason}}
            try:
                res, _ = self._update(changed, version or None)
                break
            except FhirError as exc:
                if exc.status in (409, 412):
                    continue  # changed under us: read again and re-apply
                raise
        else:
            raise FhirError(f"FHIR Appointment/{appointment_id}: kept changing; not cancelled")
        logger.info("FHIR Appointment/%s is cancelled", appointment_id)
        for slot in res.get("slot") or []:
            slot_id = ref_id(slot.get("reference"), "Slot")
            if slot_id:
                self._release_slot(slot_id)
        return self._appointment(res)

    def _release_slot(self, slot_id: str) -> None:
        """Free a slot no active appointment holds (best effort; idempotent)."""
        try:
            slot, version = self._read("Slot", slot_id)
            if slot.get("status") == "free" or self._active_appointments_on_slot(slot_id):
                return
            self._update({**slot, "status": "free"}, version or None)
        except FhirError as exc:
            if exc.status in (409, 412):
                return  # changed meanwhile (re-booked): leave it
            logger.warning("FHIR Slot/%s could not be freed (%s)", slot_id, type(exc).__name__)

    def reschedule(self, appointment_id: str, new_slot_id: str) -> AppointmentRecord:
        """Move an appointment to ``new_slot_id``: book the new slot first, then cancel the old
        one; if the old one cannot be cancelled, the new one is cancelled again and the error
        raised, so the patient keeps exactly one appointment."""
        old, _ = self._read("Appointment", appointment_id)
        if old.get("status") in INACTIVE_APPOINTMENT_STATUSES:
            raise FhirError(f"FHIR Appointment/{appointment_id}: not active")
        current = self._appointment(old)
        new = self.book(current.patient_id, new_slot_id, current.visit_type, old.get("description"))
        try:
            self.cancel(appointment_id, "Rescheduled")
        except FhirError as exc:
            try:
                status = self._read("Appointment", appointment_id)[0].get("status")
            except FhirError:
                logger.error(
                    "FHIR reschedule: Appointment/%s and Appointment/%s may both be "
                    "booked (backend unavailable); staff must check",
                    appointment_id,
                    new.id,
                )
                raise BackendUnavailable(
                    f"FHIR reschedule of Appointment/{appointment_id}: state unknown"
                ) from None
            if status == "cancelled":
                return new  # the cancel did land; its response was lost
            try:
                self.cancel(new.id, "Reschedule failed")
            except FhirError:
                logger.error(
                    "FHIR reschedule: could not undo Appointment/%s; Appointment/%s is "
                    "also booked; staff must check",
                    new.id,
                    appointment_id,
                )
            raise exc
        logger.info("FHIR rescheduled Appointment/%s to Appointment/%s", appointment_id, new.id)
        return new

    # --- billing --------------------------------------------------------------------------

    def open_invoices(self, patient_id: str) -> list[InvoiceRecord]:
        """The patient's unpaid (``issued``) invoices, oldest first."""
        params = [
            ("subject", f"Patient/{patient_id}"),
            ("status", "issued"),
            ("_sort", "date"),
            ("_count", "100"),
        ]
        out = [
            self._invoice(res)
            for res in self._search("Invoice", params, json_kwargs={"parse_float": Decimal})
            if res.get("status") == "issued"
        ]
        return sorted(out, key=lambda i: (i.date or date.min, i.id))

    @staticmethod
    def _invoice(res: dict[str, Any]) -> InvoiceRecord:
        money = res.get("totalGross") or res.get("totalNet") or {}
        try:
            total = Decimal(str(money.get("value", "0"))).quantize(Decimal("0.01"))
        except InvalidOperation:
            total = Decimal("0")
        notes = [n.get("text") for n in res.get("note") or [] if n.get("text")]
        return InvoiceRecord(
            id=str(res.get("id", "")),
            status=str(res.get("status", "")),
            date=parse_date(res.get("date")),
            total=total,
            currency=str(money.get("currency") or "USD"),
            description=str(notes[0] if notes else (res.get("type") or {}).get("text") or ""),
        )

    # --- health ---------------------------------------------------------------------------

    def capabilities(self) -> dict[str, Any]:
        """The server's CapabilityStatement (``GET [base]/metadata``)."""
        response = self._request("GET", "metadata", "metadata", safe=True)
        self._check(response, "metadata")
        return self._json(response, "metadata")
