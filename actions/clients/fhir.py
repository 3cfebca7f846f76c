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

Where the parts are: identifier systems, exceptions, records and pure helpers are in
:mod:`actions.clients.fhir_model`; the HTTP layer (session, timeouts, retries, status mapping,
read/search/paging/create/update) is :class:`~actions.clients.fhir_transport.FhirTransport`, the
base class of :class:`FhirClient`; this module holds the domain operations (patients, directory,
schedules and slots, appointments, billing, health).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from datetime import date, datetime, timezone
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

import requests

from actions.clients.fhir_model import (
    INACTIVE_APPOINTMENT_STATUSES,
    LOCATION_SYSTEM,
    PARTS_OF_DAY,
    PRACTITIONER_SYSTEM,
    SPECIALTY_SYSTEM,
    VISIT_TYPE_SYSTEM,
    AppointmentRecord,
    BackendUnavailable,
    FhirError,
    InvoiceRecord,
    LocationRecord,
    NotFound,
    PatientRecord,
    PractitionerRecord,
    ScheduleRecord,
    SlotRecord,
    SlotTaken,
    _codes,
    _identifier,
    _part_of_day,
    _person_name,
    fhir_instant,
    normalize_name,
    parse_date,
    parse_instant,
    phone_search_variants,
    ref_id,
    ref_type,
)
from actions.clients.fhir_transport import FhirTransport
from actions.phone import normalize_phone

if TYPE_CHECKING:
    from actions.clinic_config import ClinicConfig
    from actions.settings import Settings

__all__ = ["FhirClient"]

logger = logging.getLogger(__name__)

# Appointment statuses of a visit that took place (or was booked and its time has passed: many
# clinics never mark a visit fulfilled).
PAST_VISIT_STATUSES = ("fulfilled", "arrived", "checked-in", "booked")

# --- the client -----------------------------------------------------------------------------


class FhirClient(FhirTransport):
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
        super().__init__(
            base_url,
            token=token,
            timeout=timeout,
            retries=retries,
            session=session,
            backoff=backoff,
        )
        self._clinic = clinic
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
            gender=str(resource.get("gender") or ""),
            general_practitioner=next(
                (
                    str(ref.get("reference"))
                    for ref in resource.get("generalPractitioner") or []
                    if str(ref.get("reference") or "").startswith("Practitioner/")
                ),
                "",
            ),
        )

    @staticmethod
    def _name_matches(family: str, given: str | None, resource: dict[str, Any]) -> bool:
        """One of the resource's names has this family name and (when given) this given name,
        both compared normalised (:func:`normalize_name`: case, accents, apostrophes, hyphens
        and spaces do not count). A given name matches one of the name's given names or all of
        them run together ("Mary Ann" / "Mary-Ann" / "Mary" for given ``["Mary", "Ann"]``)."""
        family_key = normalize_name(family)
        if not family_key:
            return False
        given_key = normalize_name(given)
        for name in resource.get("name") or []:
            if normalize_name(name.get("family")) != family_key:
                continue
            parts = [str(g) for g in name.get("given") or []]
            options = {normalize_name(g) for g in parts} | {normalize_name("".join(parts))}
            if not given_key or given_key in options:
                return True
        return False

    def find_patients(
        self, family: str, given: str | None = None, birth_date: date | None = None
    ) -> list[PatientRecord]:
        """Patients whose family name (and given name, birth date when given) match, ignoring
        case, accents, apostrophes, hyphens and spaces ("OBrien", "O'Brien", "O’Brien" and
        "O Brien" are one name). Sent as ``POST Patient/_search`` (no PHI in the URL).

        With a birth date, the server is asked for that ``birthdate`` only and names are compared
        here: FHIR string search ignores case and accents but not punctuation, so ``family=OBrien``
        would not find "O'Brien" on any server. Without one, ``family`` is searched (a prefix
        match in FHIR) and compared here exactly, normalised."""
        if birth_date is not None:
            found = self._born_on(birth_date)
        else:
            found = self._search(
                "Patient", [("family", family.strip()), ("_count", "50")], post=True
            )
        # (also: FHIR string search matches prefixes, "Lee" finds "Leeds")
        return [self._patient(r) for r in found if self._name_matches(family, given, r)]

    def patients_born_on(self, birth_date: date) -> list[PatientRecord]:
        """Every patient with this birth date (``POST Patient/_search``: no PHI in the URL)."""
        return [self._patient(resource) for resource in self._born_on(birth_date)]

    def _born_on(self, birth_date: date) -> Iterator[dict[str, Any]]:
        """Patient resources with this birth date (checked here too: a server may match a
        wider range)."""
        params = [("birthdate", birth_date.isoformat()), ("_count", "100")]
        for resource in self._search("Patient", params, post=True):
            if parse_date(resource.get("birthDate")) == birth_date:
                yield resource

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

    def primary_clinician(self, patient: PatientRecord) -> PractitionerRecord | None:
        """The patient's primary care clinician (``Patient.generalPractitioner``); None when
        none is recorded."""
        if not patient.general_practitioner:
            return None
        return self._practitioner_by_ref(patient.general_practitioner)

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
        comment: str | None = None,
    ) -> AppointmentRecord:
        """Book ``slot_id`` for the patient: hold the Slot (``If-Match``), then create the
        Appointment; if that fails, the Slot is released again. ``SlotTaken`` if it is gone.
        ``comment``: a note for the staff ("Interpreter needed: Spanish")."""
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
        if comment:
            appointment["comment"] = comment
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

    def last_visit(self, patient_id: str) -> AppointmentRecord | None:
        """The patient's latest visit before now that was not cancelled or missed, with a
        clinician on it ("the same doctor as last time"); None when there is none."""
        now = datetime.now(timezone.utc)
        params = [
            ("patient", f"Patient/{patient_id}"),
            ("date", f"lt{fhir_instant(now)}"),
            ("status", ",".join(PAST_VISIT_STATUSES)),
            ("_sort", "-date"),
            ("_count", "20"),
        ]
        for res in self._search("Appointment", params):
            if res.get("status") not in PAST_VISIT_STATUSES:
                continue
            visit = self._appointment(res)
            if visit.practitioner_id and visit.start is not None and visit.start < now:
                return visit
        return None

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
        new = self.book(
            current.patient_id,
            new_slot_id,
            current.visit_type,
            old.get("description"),
            old.get("comment"),  # an interpreter noted stays with the appointment
        )
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
