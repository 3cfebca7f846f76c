"""Seed data from clinic.yml and ``demo_patients.yml``, for the embedded store or any FHIR server.

What is created (each thing once: it carries an identifier and is looked up before creating):

* a Location per clinic.yml location (identifier ``urn:clinic-assistant:location|<id>``);
* a Practitioner per practitioner (``urn:clinic-assistant:practitioner|<id>``);
* a Schedule per practitioner and location they work at (actors both; ``serviceType`` = the visit
  types their specialty sees; ``specialty``);
* free Slots of ``scheduling.slot_minutes`` on the practitioner's days at that location, within
  its opening hours (holidays closed, or their special hours), from now to ``weeks_ahead`` weeks
  ahead. Running the seed again tops this window up: it always reaches ``weeks_ahead`` weeks;
* the demo patients of ``demo_patients.yml`` with their upcoming appointments, past visits
  (``fulfilled``, for "the same doctor as last time") and invoices.

:func:`seed_store` writes straight into the embedded SQLite store (one transaction per batch);
:func:`seed_over_http` seeds any FHIR R4 server (server-assigned ids; references are mapped after
each create), e.g. the Medplum test peer.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from decimal import Decimal
from pathlib import Path
from typing import Any, Protocol

import requests
import yaml

from actions.clients.fhir_model import (
    FHIR_JSON,
    LOCATION_SYSTEM,
    PRACTITIONER_SYSTEM,
    SPECIALTY_SYSTEM,
    VISIT_TYPE_SYSTEM,
    fhir_instant,
    parse_instant,
)
from actions.clinic_config import WEEKDAYS, ClinicConfig, Location, Practitioner
from clinic_api.store import Store

logger = logging.getLogger("clinic_api.seed")

DEMO_FILE = Path(__file__).with_name("demo_patients.yml")
SCHEDULE_SYSTEM = "urn:clinic-assistant:schedule"
SLOT_SYSTEM = "urn:clinic-assistant:slot"
DEMO_PATIENT_SYSTEM = "urn:clinic-assistant:demo-patient"
DEMO_APPOINTMENT_SYSTEM = "urn:clinic-assistant:demo-appointment"
DEMO_INVOICE_SYSTEM = "urn:clinic-assistant:demo-invoice"


# --- resources -------------------------------------------------------------------------------


def _ident(system: str, value: str) -> list[dict[str, str]]:
    return [{"system": system, "value": value}]


def _concept(system: str, code: str, display: str) -> dict[str, Any]:
    return {"coding": [{"system": system, "code": code, "display": display}], "text": display}


def location_resource(loc: Location, clinic: ClinicConfig) -> dict[str, Any]:
    return {
        "resourceType": "Location",
        "identifier": _ident(LOCATION_SYSTEM, loc.id),
        "status": "active",
        "name": loc.name,
        "alias": list(loc.aliases),
        "description": loc.floor,
        "mode": "instance",
        "telecom": [{"system": "phone", "value": loc.phone, "use": "work"}],
        "address": {
            "use": "work",
            "line": [loc.address.line],
            "city": loc.address.city,
            "state": loc.address.state,
            "postalCode": loc.address.postal_code,
            "country": "US",
        },
        "managingOrganization": {"display": clinic.clinic.name},
    }


def practitioner_resource(prac: Practitioner, clinic: ClinicConfig) -> dict[str, Any]:
    name: dict[str, Any] = {
        "use": "official",
        "text": prac.name,
        "family": prac.family,
        "given": [prac.given],
    }
    if prac.prefix:
        name["prefix"] = [prac.prefix]
    if prac.qualification:
        name["suffix"] = [prac.qualification]
    resource: dict[str, Any] = {
        "resourceType": "Practitioner",
        "identifier": _ident(PRACTITIONER_SYSTEM, prac.id),
        "active": True,
        "name": [name],
    }
    if prac.qualification:
        resource["qualification"] = [{"code": {"text": prac.qualification}}]
    return resource


def visit_types_for(prac: Practitioner, clinic: ClinicConfig) -> list[Any]:
    return [v for v in clinic.visit_types if prac.specialty in v.specialties]


def schedule_resource(
    prac: Practitioner, loc: Location, prac_ref: str, loc_ref: str, clinic: ClinicConfig
) -> dict[str, Any]:
    return {
        "resourceType": "Schedule",
        "identifier": _ident(SCHEDULE_SYSTEM, f"{prac.id}@{loc.id}"),
        "active": True,
        "serviceType": [
            _concept(VISIT_TYPE_SYSTEM, v.id, v.name) for v in visit_types_for(prac, clinic)
        ],
        "specialty": [
            _concept(SPECIALTY_SYSTEM, prac.specialty, clinic.specialties[prac.specialty])
        ],
        "actor": [
            {"reference": prac_ref, "display": prac.name},
            {"reference": loc_ref, "display": loc.name},
        ],
        "comment": f"{prac.name} at {loc.name}",
    }


def slot_times(
    clinic: ClinicConfig, prac: Practitioner, loc: Location, first_day: date, days: int
) -> list[tuple[datetime, datetime]]:
    """Start and end of every slot of ``prac`` at ``loc`` in ``days`` days from ``first_day``."""
    out = []
    step = timedelta(minutes=clinic.scheduling.slot_minutes)
    workdays = set(prac.schedule.get(loc.id, []))
    for offset in range(days):
        day = first_day + timedelta(days=offset)
        if WEEKDAYS[day.weekday()] not in workdays:
            continue
        hours = clinic.hours_on(loc, day)
        if hours is None:
            continue
        start = datetime.combine(day, hours.opens, tzinfo=clinic.tz)
        closes = datetime.combine(day, hours.closes, tzinfo=clinic.tz)
        while start + step <= closes:
            out.append((start, start + step))
            start += step
    return out


def slot_key(prac: Practitioner, loc: Location, start: datetime) -> str:
    return f"{prac.id}@{loc.id}@{start.astimezone(timezone.utc):%Y%m%dT%H%MZ}"


def slot_resource(
    schedule_ref: str, key: str, start: datetime, end: datetime, schedule: dict[str, Any]
) -> dict[str, Any]:
    return {
        "resourceType": "Slot",
        "identifier": _ident(SLOT_SYSTEM, key),
        "schedule": {"reference": schedule_ref},
        "status": "free",
        "start": fhir_instant(start),
        "end": fhir_instant(end),
        "serviceType": schedule["serviceType"],
        "specialty": schedule["specialty"],
    }


# --- backends ----------------------------------------------------------------------------------


class SeedBackend(Protocol):
    def find(self, rtype: str, system: str, value: str) -> list[dict[str, Any]]: ...

    def create(self, resources: list[dict[str, Any]]) -> list[dict[str, Any]]: ...

    def slot_keys(self, schedule_ref: str) -> set[str]: ...

    def first_free_slot(self, schedule_ref: str, not_before: datetime) -> dict[str, Any] | None: ...

    def book(self, slot: dict[str, Any], appointment: dict[str, Any]) -> dict[str, Any]: ...


class StoreBackend:
    """Seeds the embedded store directly."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def find(self, rtype: str, system: str, value: str) -> list[dict[str, Any]]:
        return [
            self.store.read(rtype, rid)
            for rid in self.store.find_ids(rtype, "identifier", value, sys=system)
        ]

    def create(self, resources: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return self.store.create_many(resources) if resources else []

    def slot_keys(self, schedule_ref: str) -> set[str]:
        keys: set[str] = set()
        offset = 0
        while True:
            total, page = self.store.search(
                "Slot", [("schedule", schedule_ref)], None, 1000, offset
            )
            for slot in page:
                keys.update(
                    i["value"]
                    for i in slot.get("identifier") or []
                    if i.get("system") == SLOT_SYSTEM
                )
            offset += len(page)
            if not page or offset >= total:
                return keys

    def first_free_slot(self, schedule_ref: str, not_before: datetime) -> dict[str, Any] | None:
        _, page = self.store.search(
            "Slot",
            [
                ("schedule", schedule_ref),
                ("status", "free"),
                ("start", f"ge{fhir_instant(not_before)}"),
            ],
            "start",
            1,
            0,
        )
        return page[0] if page else None

    def book(self, slot: dict[str, Any], appointment: dict[str, Any]) -> dict[str, Any]:
        # The store's booking rule marks the slot busy in the same transaction.
        return self.store.create("Appointment", appointment)


class HttpBackend:
    """Seeds any FHIR R4 server over HTTP (plain REST: create, update, search)."""

    def __init__(self, base_url: str, token: str = "", timeout: float = 30.0) -> None:
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.session = requests.Session()
        self.session.headers.update({"Accept": FHIR_JSON, "Content-Type": FHIR_JSON})
        if token:
            self.session.headers["Authorization"] = f"Bearer {token}"

    def _ok(self, response: requests.Response, what: str) -> dict[str, Any]:
        if not 200 <= response.status_code < 300:
            raise RuntimeError(f"seeding {what}: HTTP {response.status_code}")
        return response.json()

    def _search(self, rtype: str, params: list[tuple[str, str]]) -> list[dict[str, Any]]:
        out: list[dict[str, Any]] = []
        response = self.session.get(f"{self.base_url}/{rtype}", params=params, timeout=self.timeout)
        for _ in range(100):
            bundle = self._ok(response, f"search {rtype}")
            out += [
                e["resource"]
                for e in bundle.get("entry") or []
                if (e.get("search") or {}).get("mode", "match") == "match"
            ]
            nxt = next(
                (ln["url"] for ln in bundle.get("link") or [] if ln.get("relation") == "next"), None
            )
            if not nxt:
                break
            response = self.session.get(nxt, timeout=self.timeout)
        return out

    def find(self, rtype: str, system: str, value: str) -> list[dict[str, Any]]:
        return self._search(rtype, [("identifier", f"{system}|{value}")])

    def create(self, resources: list[dict[str, Any]]) -> list[dict[str, Any]]:
        out = []
        for resource in resources:
            rtype = resource["resourceType"]
            response = self.session.post(
                f"{self.base_url}/{rtype}", json=resource, timeout=self.timeout
            )
            out.append(self._ok(response, f"create {rtype}"))
        return out

    def slot_keys(self, schedule_ref: str) -> set[str]:
        slots = self._search("Slot", [("schedule", schedule_ref), ("_count", "1000")])
        return {
            i["value"]
            for s in slots
            for i in s.get("identifier") or []
            if i.get("system") == SLOT_SYSTEM
        }

    def first_free_slot(self, schedule_ref: str, not_before: datetime) -> dict[str, Any] | None:
        slots = self._search(
            "Slot",
            [
                ("schedule", schedule_ref),
                ("status", "free"),
                ("start", f"ge{fhir_instant(not_before)}"),
                ("_sort", "start"),
                ("_count", "1000"),
            ],
        )
        slots = [s for s in slots if (parse_instant(s.get("start")) or not_before) >= not_before]
        return min(slots, key=lambda s: parse_instant(s["start"]), default=None)

    def book(self, slot: dict[str, Any], appointment: dict[str, Any]) -> dict[str, Any]:
        version = (slot.get("meta") or {}).get("versionId")
        headers = {"If-Match": f'W/"{version}"'} if version else {}
        response = self.session.put(
            f"{self.base_url}/Slot/{slot['id']}",
            json={**slot, "status": "busy"},
            headers=headers,
            timeout=self.timeout,
        )
        self._ok(response, "update Slot")
        return self.create([appointment])[0]


# --- the seed ----------------------------------------------------------------------------------


@dataclass
class SeedReport:
    created: dict[str, int] = field(default_factory=dict)

    def add(self, rtype: str, n: int = 1) -> None:
        if n:
            self.created[rtype] = self.created.get(rtype, 0) + n

    def __str__(self) -> str:
        if not self.created:
            return "nothing new"
        return ", ".join(f"{n} {rtype}" for rtype, n in sorted(self.created.items()))


def load_demo_patients(path: Path = DEMO_FILE) -> list[dict[str, Any]]:
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return list(data.get("patients") or [])


def _ensure(
    backend: SeedBackend, report: SeedReport, resource: dict[str, Any], system: str, value: str
) -> dict[str, Any]:
    found = backend.find(resource["resourceType"], system, value)
    if found:
        return found[0]
    report.add(resource["resourceType"])
    return backend.create([resource])[0]


def seed(
    backend: SeedBackend,
    clinic: ClinicConfig,
    weeks: int | None = None,
    demo: bool = True,
    demo_path: Path = DEMO_FILE,
    now: datetime | None = None,
    practitioners: Iterable[str] | None = None,
) -> SeedReport:
    """Create what is missing (see the module doc). ``weeks`` defaults to
    ``scheduling.weeks_ahead``; ``practitioners`` limits slots to those clinic ids."""
    report = SeedReport()
    now = (now or datetime.now(timezone.utc)).astimezone(clinic.tz)
    weeks = weeks or clinic.scheduling.weeks_ahead
    loc_refs: dict[str, str] = {}
    for loc in clinic.locations:
        res = _ensure(backend, report, location_resource(loc, clinic), LOCATION_SYSTEM, loc.id)
        loc_refs[loc.id] = f"Location/{res['id']}"
    prac_refs: dict[str, str] = {}
    for prac in clinic.practitioners:
        res = _ensure(
            backend, report, practitioner_resource(prac, clinic), PRACTITIONER_SYSTEM, prac.id
        )
        prac_refs[prac.id] = f"Practitioner/{res['id']}"
    schedules: dict[tuple[str, str], dict[str, Any]] = {}
    wanted = set(practitioners) if practitioners is not None else None
    for prac in clinic.practitioners:
        for loc_id in prac.schedule:
            loc = clinic.location(loc_id)
            assert loc is not None  # clinic.yml validation guarantees it
            schedule = _ensure(
                backend,
                report,
                schedule_resource(prac, loc, prac_refs[prac.id], loc_refs[loc.id], clinic),
                SCHEDULE_SYSTEM,
                f"{prac.id}@{loc.id}",
            )
            schedules[(prac.id, loc.id)] = schedule
            if wanted is not None and prac.id not in wanted:
                continue
            ref = f"Schedule/{schedule['id']}"
            have = backend.slot_keys(ref)
            new = [
                slot_resource(ref, key, start, end, schedule)
                for start, end in slot_times(clinic, prac, loc, now.date(), weeks * 7)
                if start > now and (key := slot_key(prac, loc, start)) not in have
            ]
            report.add("Slot", len(backend.create(new)))
    if demo:
        _seed_demo(backend, clinic, report, schedules, prac_refs, now, demo_path)
    return report


def _spec_clock(spec: dict[str, Any]) -> time:
    """A demo appointment's ``time`` ("09:00" unless given)."""
    hour, minute = (int(x) for x in str(spec.get("time", "09:00")).split(":"))
    return time(hour, minute)


def _demo_appointment(
    spec: dict[str, Any],
    schedule: dict[str, Any],
    patient_ref: str,
    clinic: ClinicConfig,
    status: str,
    start: str,
    end: str,
) -> dict[str, Any]:
    """A demo Appointment of ``spec``'s visit type with the patient and the schedule's actors."""
    visit = clinic.visit_type(spec["visit_type"])
    name = visit.name if visit else spec["visit_type"]
    return {
        "resourceType": "Appointment",
        "identifier": _ident(DEMO_APPOINTMENT_SYSTEM, spec["key"]),
        "status": status,
        "serviceType": [_concept(VISIT_TYPE_SYSTEM, spec["visit_type"], name)],
        "description": name,
        "start": start,
        "end": end,
        "participant": [
            {"actor": {"reference": ref}, "required": "required", "status": "accepted"}
            for ref in [patient_ref, *(a["reference"] for a in schedule["actor"])]
        ],
    }


def _seed_past_visit(
    backend: SeedBackend,
    clinic: ClinicConfig,
    report: SeedReport,
    schedules: dict[tuple[str, str], dict[str, Any]],
    patient_ref: str,
    spec: dict[str, Any],
    today: date,
) -> None:
    """A visit that took place (``fulfilled``, no slot), ``days_ago`` days before the day it
    is first seeded: who the patient saw last time."""
    schedule = schedules.get((spec["practitioner"], spec["location"]))
    if schedule is None:
        logger.warning("demo past visit %s: no such schedule", spec["key"])
        return
    day = today - timedelta(days=int(spec.get("days_ago", 30)))
    prac, loc = clinic.practitioner(spec["practitioner"]), clinic.location(spec["location"])
    for _ in range(14 if prac and loc else 0):
        # (a day they worked there and the office was open, not a Sunday or a holiday)
        works = WEEKDAYS[day.weekday()] in prac.schedule.get(loc.id, [])
        if works and clinic.hours_on(loc, day) is not None:
            break
        day -= timedelta(days=1)
    start = datetime.combine(day, _spec_clock(spec), tzinfo=clinic.tz)
    end = start + timedelta(minutes=clinic.scheduling.slot_minutes)
    resource = _demo_appointment(
        spec, schedule, patient_ref, clinic, "fulfilled", fhir_instant(start), fhir_instant(end)
    )
    _ensure(backend, report, resource, DEMO_APPOINTMENT_SYSTEM, spec["key"])


def _seed_demo(
    backend: SeedBackend,
    clinic: ClinicConfig,
    report: SeedReport,
    schedules: dict[tuple[str, str], dict[str, Any]],
    prac_refs: dict[str, str],
    now: datetime,
    demo_path: Path,
) -> None:
    today = now.date()
    for person in load_demo_patients(demo_path):
        primary = prac_refs.get(str(person.get("primary_care") or ""))
        patient = _ensure(
            backend,
            report,
            {
                "resourceType": "Patient",
                "identifier": _ident(DEMO_PATIENT_SYSTEM, person["key"]),
                "active": True,
                "name": [
                    {
                        "use": "official",
                        "family": person["family"],
                        "given": str(person["given"]).split(),
                    }
                ],
                "birthDate": str(person["birth_date"]),
                **({"gender": person["gender"]} if person.get("gender") else {}),
                **({"generalPractitioner": [{"reference": primary}]} if primary else {}),
                "telecom": [{"system": "phone", "value": person["phone"], "use": "mobile"}],
            },
            DEMO_PATIENT_SYSTEM,
            person["key"],
        )
        patient_ref = f"Patient/{patient['id']}"
        for spec in person.get("appointments") or []:
            existing = backend.find("Appointment", DEMO_APPOINTMENT_SYSTEM, spec["key"])
            if any((parse_instant(a.get("start")) or now) > now for a in existing):
                continue
            schedule = schedules.get((spec["practitioner"], spec["location"]))
            if schedule is None:
                logger.warning("demo appointment %s: no such schedule", spec["key"])
                continue
            target = datetime.combine(
                today + timedelta(days=int(spec.get("days_ahead", 2))),
                _spec_clock(spec),
                tzinfo=clinic.tz,
            )
            slot = backend.first_free_slot(f"Schedule/{schedule['id']}", max(target, now))
            if slot is None:
                logger.warning("demo appointment %s: no free slot", spec["key"])
                continue
            resource = _demo_appointment(
                spec, schedule, patient_ref, clinic, "booked", slot["start"], slot["end"]
            )
            resource["created"] = today.isoformat()
            resource["slot"] = [{"reference": f"Slot/{slot['id']}"}]
            backend.book(slot, resource)
            report.add("Appointment")
        for spec in person.get("past_visits") or []:
            _seed_past_visit(backend, clinic, report, schedules, patient_ref, spec, today)
        for spec in person.get("invoices") or []:
            amount = float(Decimal(str(spec["amount"])))
            _ensure(
                backend,
                report,
                {
                    "resourceType": "Invoice",
                    "identifier": _ident(DEMO_INVOICE_SYSTEM, spec["key"]),
                    "status": spec.get("status", "issued"),
                    "subject": {"reference": patient_ref},
                    "date": (today - timedelta(days=int(spec.get("days_ago", 0)))).isoformat(),
                    "type": {"text": spec.get("description", "Visit")},
                    "note": [{"text": spec.get("description", "Visit")}],
                    "totalNet": {"value": amount, "currency": "USD"},
                    "totalGross": {"value": amount, "currency": "USD"},
                    "paymentTerms": f"Due within {clinic.billing.due_days} days of its date",
                },
                DEMO_INVOICE_SYSTEM,
                spec["key"],
            )


def seed_store(store: Store, clinic: ClinicConfig | None = None, **kwargs: Any) -> SeedReport:
    """Seed (or top up) the embedded store."""
    if clinic is None:
        from actions.settings import get_clinic

        clinic = get_clinic()
    report = seed(StoreBackend(store), clinic, **kwargs)
    logger.info("seed: created %s", report)
    return report


def seed_over_http(
    base_url: str,
    clinic: ClinicConfig | None = None,
    token: str = "",
    weeks: int = 1,
    **kwargs: Any,
) -> SeedReport:
    """Seed any FHIR R4 server at ``base_url`` (a ``weeks``-long slot window by default 1)."""
    if clinic is None:
        from actions.settings import get_clinic

        clinic = get_clinic()
    backend = HttpBackend(base_url, token)
    try:
        report = seed(backend, clinic, weeks=weeks, **kwargs)
    finally:
        backend.session.close()
    logger.info("seed over HTTP: created %s", report)
    return report
