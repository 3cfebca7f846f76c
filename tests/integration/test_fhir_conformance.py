"""The same client scenarios against the embedded backend and a FHIR server nobody here wrote
(Medplum's FhirRouter): the client must only rely on the FHIR specification.

The Medplum peer needs Node.js and npm; without them these tests fail (never skip)."""

from __future__ import annotations

import threading
from collections import Counter
from datetime import date, datetime, timedelta, timezone

import pytest

from actions.clients.fhir import FhirClient
from actions.clients.fhir_model import NotFound, SlotRecord, SlotTaken
from actions.settings import get_clinic
from tests.support.fhir_servers import FhirServer, embedded_fhir, medplum_fhir

__all__ = ["embedded_fhir", "medplum_fhir"]  # fixtures, imported for this module

pytestmark = pytest.mark.integration
CLINIC = get_clinic()


@pytest.fixture(scope="module", params=["embedded", "medplum"])
def server(request: pytest.FixtureRequest) -> FhirServer:
    return request.getfixturevalue(f"{request.param}_fhir")


@pytest.fixture
def client(server: FhirServer) -> FhirClient:
    return server.client()


def window(days: int = 13) -> tuple[datetime, datetime]:
    now = datetime.now(timezone.utc)
    return now, now + timedelta(days=days)


def slots_for(client: FhirClient, **filters: str) -> list[SlotRecord]:
    start, end = window()
    return client.find_free_slots(start, end, limit=200, **filters)  # type: ignore[arg-type]


def test_find_patient_by_name_and_birth_date(client: FhirClient) -> None:
    found = client.find_patients("johnson", "EMILY", date(1988, 4, 12))
    assert len(found) == 1
    emily = found[0]
    assert (emily.given, emily.family, emily.phones) == ("Emily", "Johnson", ["+19165550123"])
    assert client.get_patient(emily.id) == emily
    assert client.find_patients("Johnson", "Emily", date(1988, 4, 13)) == []
    assert client.find_patients("Johnson", "Emma", date(1988, 4, 12)) == []
    assert client.find_patients("Johns", "Emily", date(1988, 4, 12)) == []  # no prefix matches
    mary = client.find_patients("O'Brien", "mary ann", date(1964, 7, 19))
    assert [p.given for p in mary] == ["Mary Ann"]
    with pytest.raises(NotFound):
        client.get_patient("no-such-patient")


def test_patients_born_on(client: FhirClient) -> None:
    born = client.patients_born_on(date(1988, 4, 12))
    assert [(p.given, p.family) for p in born] == [("Emily", "Johnson")]
    assert client.patients_born_on(date(1901, 1, 1)) == []


def test_find_patient_by_phone(client: FhirClient) -> None:
    for spelling in ("+19165550124", "(916) 555-0124", "916.555.0124"):
        assert [p.family for p in client.find_patients_by_phone(spelling)] == ["Rivera"]
    assert client.find_patients_by_phone("(916) 555-0100") == []


def test_create_patient(client: FhirClient) -> None:
    created = client.create_patient("Ana Lucia", "Ferreira", date(2001, 12, 9), "916 555 0142")
    assert created.id and created.phones == ["+19165550142"]
    again = client.find_patients("ferreira", "Ana", date(2001, 12, 9))
    assert [p.id for p in again] == [created.id]
    assert created.id in {p.id for p in client.find_patients_by_phone("+1 916-555-0142")}


def test_directory_by_identifier(client: FhirClient) -> None:
    practitioners = {p.clinic_id: p for p in client.list_practitioners()}
    assert set(practitioners) == {p.id for p in CLINIC.practitioners}
    assert practitioners["lee"].name == "Sam Lee, NP"
    assert practitioners["okafor"].specialty == "pediatrics"
    assert all(p.id != p.clinic_id for p in practitioners.values())  # server-assigned ids
    locations = {loc.clinic_id: loc for loc in client.list_locations()}
    assert locations["north"].name == "North Office"
    schedules = client.find_schedules(practitioner="patel")
    assert {s.location_id for s in schedules} == {"downtown", "north"}
    assert {s.practitioner_id for s in client.find_schedules(location="north")} == {
        "patel",
        "gonzalez",
        "lee",
    }
    both = client.find_schedules(practitioner="gonzalez", location="downtown")
    assert [(s.practitioner_id, s.location_id) for s in both] == [("gonzalez", "downtown")]
    assert {s.practitioner_id for s in client.find_schedules(specialty="family_medicine")} == {
        "patel",
        "lee",
    }


def test_free_slot_search_with_filters(client: FhirClient) -> None:
    start, end = window()
    everything = client.find_free_slots(start, end, limit=1000)
    assert everything and all(start < s.start < end for s in everything)
    assert [s.start for s in everything] == sorted(s.start for s in everything)
    patel = slots_for(client, practitioner="patel")
    assert patel and {s.practitioner_id for s in patel} == {"patel"}
    assert {s.location_id for s in patel} <= {"downtown", "north"}
    north_lee = slots_for(client, practitioner="lee", location="north")
    assert north_lee and {(s.practitioner_id, s.location_id) for s in north_lee} == {
        ("lee", "north")
    }
    assert slots_for(client, practitioner="lee", location="downtown") == []
    kids = slots_for(client, visit_type="well_child")
    assert kids and {s.practitioner_id for s in kids} == {"okafor"}
    assert all("well_child" in s.service_types for s in kids)
    womens = slots_for(client, specialty="womens_health")
    assert womens and {s.practitioner_id for s in womens} == {"gonzalez"}
    for part, ok in (
        ("morning", lambda h: h < 12),
        ("afternoon", lambda h: 12 <= h < 17),
        ("evening", lambda h: h >= 17),
    ):
        found = client.find_free_slots(start, end, part_of_day=part, limit=30)
        assert all(ok(s.start.astimezone(CLINIC.tz).hour) for s in found), part
        if part != "evening":
            assert found, part
    first_three = client.find_free_slots(start, end, practitioner="okafor", limit=3)
    assert first_three == slots_for(client, practitioner="okafor")[:3]
    sample = first_three[0]
    assert sample.practitioner_name == "Dr. James Okafor"
    assert sample.location_name == "Downtown Clinic" and sample.start.tzinfo is not None


def test_book_upcoming_and_cancel(client: FhirClient) -> None:
    robert = client.find_patients("Miller", "Robert", date(1950, 11, 2))[0]
    assert client.upcoming_appointments(robert.id) == []
    slot = slots_for(client, practitioner="lee", visit_type="sick")[2]
    booked = client.book(robert.id, slot.id, "sick")
    assert booked.status == "booked" and booked.slot_id == slot.id
    assert (booked.practitioner_id, booked.location_id) == ("lee", "north")
    assert booked.start == slot.start and booked.visit_type == "sick"
    assert slot.id not in {s.id for s in slots_for(client, practitioner="lee")}
    with pytest.raises(SlotTaken):
        client.book(robert.id, slot.id, "sick")
    upcoming = client.upcoming_appointments(robert.id)
    assert [a.id for a in upcoming] == [booked.id]
    assert upcoming[0].location_name == "North Office"
    cancelled = client.cancel(booked.id, "Feeling better")
    assert cancelled.status == "cancelled"
    assert client.upcoming_appointments(robert.id) == []
    assert slot.id in {s.id for s in slots_for(client, practitioner="lee")}  # freed
    assert client.cancel(booked.id, "again").status == "cancelled"  # idempotent
    assert client.book(robert.id, slot.id, "sick").status == "booked"  # bookable again


def test_seeded_upcoming_appointment(client: FhirClient) -> None:
    liam = client.find_patients("Nguyen", "Liam", date(2017, 6, 5))[0]
    upcoming = client.upcoming_appointments(liam.id)
    assert [(a.practitioner_id, a.visit_type) for a in upcoming] == [("okafor", "well_child")]


def test_last_visit(client: FhirClient) -> None:
    """Who the patient saw last time: the latest past visit, not an upcoming one."""
    carlos = client.find_patients("Rivera", "Carlos", date(1975, 9, 30))[0]
    last = client.last_visit(carlos.id)
    assert last is not None and last.status == "fulfilled"
    assert (last.practitioner_id, last.location_id, last.visit_type) == ("lee", "north", "sick")
    assert last.start is not None and last.start < datetime.now(timezone.utc)
    assert last.id not in {a.id for a in client.upcoming_appointments(carlos.id)}
    robert = client.find_patients("Miller", "Robert", date(1950, 11, 2))[0]
    assert client.last_visit(robert.id) is None


def test_primary_clinician(client: FhirClient) -> None:
    """Patient.generalPractitioner, read back as the clinic's clinician; none recorded: None."""
    emily = client.find_patients("Johnson", "Emily", date(1988, 4, 12))[0]
    assert emily.general_practitioner.startswith("Practitioner/")
    primary = client.primary_clinician(emily)
    assert primary is not None and (primary.clinic_id, primary.name) == ("patel", "Dr. Priya Patel")
    robert = client.find_patients("Miller", "Robert", date(1950, 11, 2))[0]
    assert robert.general_practitioner == "" and client.primary_clinician(robert) is None


def test_reschedule(client: FhirClient) -> None:
    aisha = client.find_patients("Khan", "Aisha", date(1992, 1, 22))[0]
    before = client.upcoming_appointments(aisha.id)
    assert len(before) == 1 and before[0].visit_type == "womens_health"
    old = before[0]
    target = next(
        s
        for s in slots_for(client, practitioner="gonzalez", visit_type="womens_health")
        if s.start != old.start
    )
    moved = client.reschedule(old.id, target.id)
    after = client.upcoming_appointments(aisha.id)
    assert [a.id for a in after] == [moved.id]
    assert moved.slot_id == target.id and moved.visit_type == "womens_health"
    assert old.slot_id in {s.id for s in slots_for(client, practitioner="gonzalez")}
    # Moving onto a taken slot leaves the appointment where it was.
    taken = slots_for(client, practitioner="gonzalez")[0]
    client.book(aisha.id, taken.id, "follow_up")
    with pytest.raises(SlotTaken):
        client.reschedule(moved.id, taken.id)
    assert moved.id in {a.id for a in client.upcoming_appointments(aisha.id)}


def test_open_invoices(client: FhirClient) -> None:
    def open_for(family: str, given: str, born: date) -> list[tuple[str, str]]:
        patient = client.find_patients(family, given, born)[0]
        return [(str(i.total), i.currency) for i in client.open_invoices(patient.id)]

    assert open_for("Johnson", "Emily", date(1988, 4, 12)) == [("85.00", "USD")]
    assert open_for("Khan", "Aisha", date(1992, 1, 22)) == []
    assert open_for("Miller", "Robert", date(1950, 11, 2)) == []
    carlos = client.find_patients("Rivera", "Carlos", date(1975, 9, 30))[0]
    [overdue] = client.open_invoices(carlos.id)
    assert overdue.total == 240 and overdue.description == "Sick visit"
    assert overdue.is_overdue(CLINIC.billing.due_days, datetime.now(CLINIC.tz).date())


def test_concurrent_booking_of_one_slot(server: FhirServer) -> None:
    client = server.client()
    patient = client.find_patients("O'Brien", "Mary Ann", date(1964, 7, 19))[0]
    slot = slots_for(client, practitioner="okafor")[5]
    barrier = threading.Barrier(8)
    results: list[str] = []

    def attempt() -> None:
        own = server.client()
        barrier.wait()
        try:
            own.book(patient.id, slot.id, "follow_up")
            results.append("booked")
        except SlotTaken:
            results.append("taken")

    threads = [threading.Thread(target=attempt) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert Counter(results) == {"booked": 1, "taken": 7}
    mine = [a for a in client.upcoming_appointments(patient.id) if a.slot_id == slot.id]
    assert len(mine) == 1
