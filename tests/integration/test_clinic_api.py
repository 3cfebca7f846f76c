"""The embedded FHIR backend over real HTTP: interactions, search, status codes, auth, the
booking race, seeding, restarts and the access log."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import requests

from actions.clients.fhir import FhirClient
from actions.clients.fhir_model import (
    LOCATION_SYSTEM,
    PRACTITIONER_SYSTEM,
    SPECIALTY_SYSTEM,
    VISIT_TYPE_SYSTEM,
    SlotTaken,
)
from actions.clinic_config import WEEKDAYS
from actions.settings import PROJECT_ROOT, get_clinic
from clinic_api.app import BackgroundServer
from clinic_api.seed import SLOT_SYSTEM, seed_store
from clinic_api.store import Store
from tests.support.fhir_servers import (
    TEST_WEEKS,
    TOKEN,
    FhirServer,
    embedded_fhir,
    seeded_db,
)

__all__ = ["embedded_fhir"]  # the fixture, imported for this module

pytestmark = pytest.mark.integration
FHIR_JSON = "application/fhir+json"
CLINIC = get_clinic()


@pytest.fixture(scope="module")
def api(embedded_fhir: FhirServer) -> Api:
    return Api(embedded_fhir)


class Api:
    """Raw HTTP against the server (with the bearer token)."""

    def __init__(self, server: FhirServer) -> None:
        self.server = server
        self.base = server.base_url
        self.session = requests.Session()
        self.session.headers.update(server.headers())

    def get(self, path: str, **kw: Any) -> requests.Response:
        return self.session.get(f"{self.base}/{path}", timeout=10, **kw)

    def post(self, path: str, body: dict[str, Any], **kw: Any) -> requests.Response:
        return self.session.post(
            f"{self.base}/{path}",
            json=body,
            timeout=10,
            headers={"Content-Type": FHIR_JSON, **kw.pop("headers", {})},
            **kw,
        )

    def put(self, resource: dict[str, Any], if_match: str | None = None) -> requests.Response:
        headers = {"Content-Type": FHIR_JSON}
        if if_match is not None:
            headers["If-Match"] = if_match
        return self.session.put(
            f"{self.base}/{resource['resourceType']}/{resource['id']}",
            json=resource,
            headers=headers,
            timeout=10,
        )

    def search(self, rtype: str, **params: str) -> dict[str, Any]:
        response = self.get(rtype, params=params)
        assert response.status_code == 200, response.text
        return response.json()

    def ids(self, rtype: str, **params: str) -> set[str]:
        return {e["resource"]["id"] for e in self.search(rtype, **params)["entry"]}

    def search_post(self, rtype: str, data: dict[str, str]) -> requests.Response:
        return self.session.post(f"{self.base}/{rtype}/_search", data=data, timeout=10)


def assert_outcome(response: requests.Response, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["Content-Type"].startswith(FHIR_JSON)
    body = response.json()
    assert body["resourceType"] == "OperationOutcome"
    assert body["issue"][0]["severity"] == "error" and body["issue"][0]["code"]
    return body


def free_slot(api: Api, practitioner: str = "okafor", skip: int = 0) -> dict[str, Any]:
    prac = api.search("Practitioner", identifier=f"{PRACTITIONER_SYSTEM}|{practitioner}")
    pid = prac["entry"][0]["resource"]["id"]
    schedules = api.search("Schedule", actor=f"Practitioner/{pid}")["entry"]
    refs = ",".join(f"Schedule/{e['resource']['id']}" for e in schedules)
    now = datetime.now(timezone.utc) + timedelta(hours=2)
    found = api.search(
        "Slot",
        schedule=refs,
        status="free",
        _sort="start",
        _count="50",
        start=f"ge{now:%Y-%m-%dT%H:%M:%SZ}",
    )
    return found["entry"][skip]["resource"]


def patient_id(api: Api, family: str) -> str:
    response = api.search_post("Patient", {"family": family})
    return response.json()["entry"][0]["resource"]["id"]


def appointment_for(slot: dict[str, Any], patient: str, status: str = "booked") -> dict[str, Any]:
    return {
        "resourceType": "Appointment",
        "status": status,
        "slot": [{"reference": f"Slot/{slot['id']}"}],
        "start": slot["start"],
        "end": slot["end"],
        "participant": [{"actor": {"reference": f"Patient/{patient}"}, "status": "accepted"}],
    }


# --- basics ------------------------------------------------------------------------------------


def test_metadata_is_public_capability_statement(embedded_fhir: FhirServer) -> None:
    response = requests.get(f"{embedded_fhir.base_url}/metadata", timeout=10)
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith(FHIR_JSON)
    body = response.json()
    assert body["resourceType"] == "CapabilityStatement" and body["fhirVersion"] == "4.0.1"
    types = {r["type"] for r in body["rest"][0]["resource"]}
    assert {"Patient", "Slot", "Appointment", "Invoice"} <= types


@pytest.mark.parametrize("auth", [None, "Bearer wrong", f"Basic {TOKEN}", TOKEN])
def test_auth_required(embedded_fhir: FhirServer, auth: str | None) -> None:
    headers = {"Authorization": auth} if auth else {}
    response = requests.get(f"{embedded_fhir.base_url}/Patient", headers=headers, timeout=10)
    assert_outcome(response, 401)
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_create_read_update_with_versions(api: Api) -> None:
    created = api.post(
        "Patient",
        {
            "resourceType": "Patient",
            "id": "ignored",
            "name": [{"family": "Nakamura", "given": ["Ken"]}],
            "birthDate": "1970-01-01",
        },
    )
    assert created.status_code == 201
    body = created.json()
    assert body["id"] != "ignored" and body["meta"]["versionId"] == "1"
    assert body["meta"]["lastUpdated"].endswith("Z")
    assert created.headers["ETag"] == 'W/"1"'
    assert urlsplit(created.headers["Location"]).path == (f"/fhir/Patient/{body['id']}/_history/1")
    read = api.get(f"Patient/{body['id']}")
    assert read.status_code == 200 and read.headers["ETag"] == 'W/"1"'
    assert read.json() == body
    updated = api.put({**body, "gender": "male"}, if_match='W/"1"')
    assert updated.status_code == 200 and updated.headers["ETag"] == 'W/"2"'
    assert updated.json()["gender"] == "male" and updated.json()["meta"]["versionId"] == "2"
    stale = api.put({**body, "gender": "other"}, if_match='W/"1"')
    assert_outcome(stale, 412)
    assert api.get(f"Patient/{body['id']}").json()["gender"] == "male"
    unconditional = api.put({**body, "gender": "female"})
    assert unconditional.json()["meta"]["versionId"] == "3"


def test_error_statuses(api: Api) -> None:
    assert_outcome(api.get("Patient/does-not-exist"), 404)
    assert_outcome(api.get("Observation"), 404)
    assert_outcome(api.get("Patient/bad%20id"), 400)
    assert_outcome(api.put({"resourceType": "Patient", "id": "nope"}), 404)
    pid = patient_id(api, "Johnson")
    mismatch = api.session.put(
        f"{api.base}/Patient/{pid}",
        json={"resourceType": "Patient", "id": "other"},
        headers={"Content-Type": FHIR_JSON},
        timeout=10,
    )
    assert_outcome(mismatch, 400)
    assert_outcome(api.post("Patient", {"resourceType": "Slot"}), 400)
    bad_json = api.session.post(
        f"{api.base}/Patient", data=b"{not json", headers={"Content-Type": FHIR_JSON}, timeout=10
    )
    assert_outcome(bad_json, 400)
    assert_outcome(api.post("Slot", {"resourceType": "Slot", "status": "free"}), 422)
    assert_outcome(api.post("Invoice", {"resourceType": "Invoice", "status": "paid"}), 422)
    assert_outcome(api.post("Patient", {"resourceType": "Patient", "birthDate": "soon"}), 422)
    response = api.session.delete(f"{api.base}/Patient/{pid}", timeout=10)
    assert_outcome(response, 405)
    assert_outcome(api.get("Patient", params={"famly": "x"}), 400)
    assert_outcome(api.get("Slot", params={"start": "geyesterday"}), 400)
    assert_outcome(api.get("Slot", params={"_sort": "schedule"}), 400)
    assert_outcome(api.get("Slot", params={"_count": "many"}), 400)
    assert_outcome(api.get("Slot", params={"status:text": "free"}), 400)
    assert_outcome(api.get("Slot", params={"_getpages": "expired"}), 410)


# --- search --------------------------------------------------------------------------------------


def test_patient_search_params(api: Api) -> None:
    emily = patient_id(api, "Johnson")
    assert api.ids("Patient", family="johnson") == {emily}
    assert api.ids("Patient", family="JOHN") == {emily}  # prefix, case-insensitive
    assert api.ids("Patient", **{"family:exact": "Johnson"}) == {emily}
    assert api.ids("Patient", **{"family:exact": "johnson"}) == set()
    assert api.ids("Patient", **{"family:contains": "hnso"}) == {emily}
    assert emily in api.ids("Patient", given="emily")
    assert emily in api.ids("Patient", name="emily")
    assert api.ids("Patient", family="Johnson", birthdate="1988-04-12") == {emily}
    assert api.ids("Patient", family="Johnson", birthdate="1988-04-13") == set()
    assert emily in api.ids("Patient", birthdate="1988")
    assert emily in api.ids("Patient", birthdate="lt1990-01-01")
    for spelling in ("+19165550123", "(916) 555-0123", "916.555.0123", "19165550123"):
        assert api.ids("Patient", phone=spelling) == {emily}
    assert api.ids("Patient", telecom="916-555-0123") == {emily}
    assert api.ids("Patient", phone="9165550000,9165550123") == {emily}
    assert api.ids("Patient", identifier="urn:clinic-assistant:demo-patient|emily-johnson") == {
        emily
    }
    assert api.ids("Patient", _id=emily) == {emily}
    # Accents fold both ways.
    created = api.post(
        "Patient", {"resourceType": "Patient", "name": [{"family": "Núñez", "given": ["Zoë"]}]}
    ).json()
    assert api.ids("Patient", family="nunez", given="zoe") == {created["id"]}


def test_post_search_and_bundle_shape(api: Api) -> None:
    response = api.search_post("Patient", {"family": "Rivera", "birthdate": "1975-09-30"})
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith(FHIR_JSON)
    bundle = response.json()
    assert bundle["resourceType"] == "Bundle" and bundle["type"] == "searchset"
    assert bundle["total"] == 1
    entry = bundle["entry"][0]
    assert entry["search"] == {"mode": "match"}
    assert entry["fullUrl"] == f"{api.base}/Patient/{entry['resource']['id']}"
    links = {link["relation"]: link["url"] for link in bundle["link"]}
    assert links["self"] == f"{api.base}/Patient/_search"  # no values in the link
    assert "Rivera" not in response.text.split('"entry"')[0]


def test_paging_with_opaque_next_links(api: Api) -> None:
    first = api.search("Slot", status="free", _sort="start", _count="7")
    assert first["total"] > 14 and len(first["entry"]) == 7
    seen = [e["resource"]["id"] for e in first["entry"]]
    link = {ln["relation"]: ln["url"] for ln in first["link"]}["next"]
    assert "status" not in link and "free" not in link
    second = api.session.get(link, timeout=10).json()
    assert len(second["entry"]) == 7
    seen += [e["resource"]["id"] for e in second["entry"]]
    assert len(set(seen)) == 14
    starts = [e["resource"]["start"] for e in first["entry"] + second["entry"]]
    assert starts == sorted(starts)
    # Private values searched by POST never reach a link either.
    page = api.search_post("Patient", {"family": "o", "_count": "1"}).json()
    assert "family" not in {ln["relation"]: ln["url"] for ln in page["link"]}.get("next", "")


def test_directory_search_params(api: Api) -> None:
    patel = api.search("Practitioner", identifier=f"{PRACTITIONER_SYSTEM}|patel")["entry"]
    assert len(patel) == 1 and patel[0]["resource"]["name"][0]["text"] == "Dr. Priya Patel"
    assert len(api.ids("Practitioner", identifier=f"{PRACTITIONER_SYSTEM}|")) == 4
    assert api.ids("Practitioner", name="priya") == {patel[0]["resource"]["id"]}
    north = api.search("Location", identifier=f"{LOCATION_SYSTEM}|north")["entry"][0]
    assert api.ids("Location", name="natomas") == {north["resource"]["id"]}  # alias
    assert len(api.ids("Schedule", actor=f"Location/{north['resource']['id']}", active="true")) == 3
    pid = patel[0]["resource"]["id"]
    assert len(api.ids("Schedule", actor=f"Practitioner/{pid}")) == 2
    assert len(api.ids("Schedule", actor=pid)) == 2  # bare id
    assert len(api.ids("Schedule", specialty=f"{SPECIALTY_SYSTEM}|pediatrics")) == 1


def test_slot_search_params(api: Api) -> None:
    schedules = [e["resource"]["id"] for e in api.search("Schedule")["entry"]]
    a, b = schedules[:2]
    only_a = api.search("Slot", schedule=f"Schedule/{a}", _count="0")["total"]
    only_b = api.search("Slot", schedule=f"Schedule/{b}", _count="0")["total"]
    both = api.search("Slot", schedule=f"Schedule/{a},Schedule/{b}", _count="0")
    assert both["total"] == only_a + only_b and "entry" in both and both["entry"] == []
    day = (datetime.now(CLINIC.tz) + timedelta(days=8)).date()
    lo = datetime(day.year, day.month, day.day, tzinfo=CLINIC.tz).astimezone(timezone.utc)
    hi = lo + timedelta(days=1)
    fmt = "%Y-%m-%dT%H:%M:%SZ"
    window = api.search(
        "Slot", start=[f"ge{lo:{fmt}}", f"lt{hi:{fmt}}"], _sort="-start", _count="1000"
    )
    starts = [e["resource"]["start"] for e in window["entry"]]
    assert starts == sorted(starts, reverse=True)
    assert all(f"{lo:{fmt}}" <= s < f"{hi:{fmt}}" for s in starts)
    gt = api.search("Slot", start=f"gt{lo:{fmt}}", _count="0")["total"]
    ge = api.search("Slot", start=f"ge{lo:{fmt}}", _count="0")["total"]
    le = api.search("Slot", start=f"le{lo:{fmt}}", _count="0")["total"]
    total = api.search("Slot", _count="0")["total"]
    assert gt + le == total and ge >= gt
    if starts:
        eq = api.search("Slot", start=f"eq{starts[0]}")["entry"]
        assert {e["resource"]["start"] for e in eq} == {starts[0]}
    well_child = api.search(
        "Slot", **{"service-type": f"{VISIT_TYPE_SYSTEM}|well_child"}, _count="0"
    )["total"]
    pediatrics = api.search("Slot", specialty=f"{SPECIALTY_SYSTEM}|pediatrics", _count="0")["total"]
    assert well_child == pediatrics > 0
    assert api.search("Slot", status="busy,free", _count="0")["total"] == total


def test_appointment_and_invoice_search_params(api: Api) -> None:
    emily = patient_id(api, "Johnson")
    appts = api.search("Appointment", patient=f"Patient/{emily}", status="booked", _sort="date")[
        "entry"
    ]
    assert len(appts) == 1
    appt = appts[0]["resource"]
    prac = next(
        p["actor"]["reference"]
        for p in appt["participant"]
        if p["actor"]["reference"].startswith("Practitioner/")
    )
    assert appt["id"] in api.ids("Appointment", actor=f"Patient/{emily}")
    assert appt["id"] in api.ids("Appointment", practitioner=prac)
    assert appt["id"] in api.ids("Appointment", actor=prac, status="cancelled,booked")
    assert appt["id"] in api.ids("Appointment", slot=appt["slot"][0]["reference"])
    assert appt["id"] in api.ids("Appointment", date=f"ge{date.today() - timedelta(days=1)}")
    assert api.ids("Appointment", patient=emily, date="lt2000-01-01") == set()
    invoices = api.search("Invoice", subject=f"Patient/{emily}", _sort="date")["entry"]
    assert [i["resource"]["status"] for i in invoices] == ["balanced", "issued"]
    assert len(api.ids("Invoice", patient=f"Patient/{emily}", status="issued")) == 1
    assert len(api.ids("Invoice", patient=emily, date=f"lt{date.today()}")) == 2


# --- booking rules -------------------------------------------------------------------------------


def test_booking_marks_slot_busy_and_cancel_frees_it(api: Api) -> None:
    slot = free_slot(api, "lee")
    pid = patient_id(api, "Miller")
    created = api.post("Appointment", appointment_for(slot, pid))
    assert created.status_code == 201
    assert api.get(f"Slot/{slot['id']}").json()["status"] == "busy"
    assert_outcome(api.post("Appointment", appointment_for(slot, pid)), 409)
    # A slot held by an active appointment cannot be freed.
    held = api.get(f"Slot/{slot['id']}").json()
    assert_outcome(api.put({**held, "status": "free"}), 409)
    appt = created.json()
    cancelled = api.put(
        {**appt, "status": "cancelled", "cancelationReason": {"text": "test"}}, if_match='W/"1"'
    )
    assert cancelled.status_code == 200
    assert api.get(f"Slot/{slot['id']}").json()["status"] == "free"
    # Re-activating a cancelled appointment takes the slot again (if still free).
    again = api.put({**cancelled.json(), "status": "booked"})
    assert again.status_code == 200
    assert api.get(f"Slot/{slot['id']}").json()["status"] == "busy"
    missing = appointment_for({**slot, "id": "no-such-slot"}, pid)
    assert_outcome(api.post("Appointment", missing), 422)


def test_concurrent_double_booking_over_http(api: Api) -> None:
    slot = free_slot(api, "gonzalez")
    pid = patient_id(api, "Khan")
    barrier = threading.Barrier(20)
    statuses: list[int] = []

    def attempt() -> None:
        session = requests.Session()
        session.headers.update(api.server.headers())
        barrier.wait()
        response = session.post(
            f"{api.base}/Appointment",
            json=appointment_for(slot, pid),
            headers={"Content-Type": FHIR_JSON},
            timeout=30,
        )
        statuses.append(response.status_code)
        if response.status_code == 409:
            assert response.json()["resourceType"] == "OperationOutcome"

    threads = [threading.Thread(target=attempt) for _ in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert Counter(statuses) == {201: 1, 409: 19}
    active = [
        e
        for e in api.search("Appointment", slot=f"Slot/{slot['id']}")["entry"]
        if e["resource"]["status"] == "booked"
    ]
    assert len(active) == 1


def test_concurrent_double_booking_through_client(api: Api) -> None:
    slot = free_slot(api, "patel")
    pid = patient_id(api, "Nguyen")
    barrier = threading.Barrier(20)
    results: list[str] = []

    def attempt() -> None:
        client = api.server.client()
        barrier.wait()
        try:
            client.book(pid, slot["id"], "follow_up")
            results.append("booked")
        except SlotTaken:
            results.append("taken")

    threads = [threading.Thread(target=attempt) for _ in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert Counter(results) == {"booked": 1, "taken": 19}
    assert api.get(f"Slot/{slot['id']}").json()["status"] == "busy"


def test_store_is_atomic_across_connections(tmp_path: Path) -> None:
    """Two Store objects (separate connections, as two processes would have) racing."""
    db = seeded_db(tmp_path / "race.sqlite3", CLINIC, weeks=1)
    stores = [Store(db), Store(db)]
    try:
        _, slots = stores[0].search("Slot", [("status", "free")], "start", 1, 0)
        pid = stores[0].search("Patient", [], None, 1, 0)[1][0]["id"]
        outcomes: list[str] = []
        barrier = threading.Barrier(10)

        def attempt(i: int) -> None:
            barrier.wait()
            try:
                stores[i % 2].create("Appointment", appointment_for(slots[0], pid))
                outcomes.append("ok")
            except Exception as exc:  # StoreError(409)
                outcomes.append(str(getattr(exc, "status", exc)))

        threads = [threading.Thread(target=attempt, args=(i,)) for i in range(10)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert Counter(outcomes) == {"ok": 1, "409": 9}
    finally:
        for store in stores:
            store.close()


# --- seeding -------------------------------------------------------------------------------------


def _slot_counts(db: Path) -> Counter[str]:
    store = Store(db)
    try:
        return Counter(
            {
                rtype: store.count(rtype)
                for rtype in (
                    "Location",
                    "Practitioner",
                    "Schedule",
                    "Slot",
                    "Patient",
                    "Appointment",
                    "Invoice",
                )
            }
        )
    finally:
        store.close()


def test_seed_is_idempotent_and_survives_restart(tmp_path: Path) -> None:
    db = seeded_db(tmp_path / "seed.sqlite3", CLINIC)
    before = _slot_counts(db)
    assert before["Location"] == 2 and before["Practitioner"] == 4
    assert before["Schedule"] == 6 and before["Patient"] == 6 and before["Invoice"] == 6
    assert before["Appointment"] >= 3 and before["Slot"] > 100
    seeded_db(db, CLINIC)
    assert _slot_counts(db) == before
    # Data written over HTTP survives a server restart; seeding at start adds nothing.
    with BackgroundServer(db, token="", clinic=CLINIC) as server:
        created = requests.post(
            f"{server.base_url}/Patient",
            json={"resourceType": "Patient", "name": [{"family": "Persist"}]},
            headers={"Content-Type": FHIR_JSON},
            timeout=10,
        ).json()
    with BackgroundServer(db, token="", clinic=CLINIC) as server:
        again = requests.get(f"{server.base_url}/Patient/{created['id']}", timeout=10)
        assert again.status_code == 200 and again.json() == created
    store = Store(db)
    try:
        report = seed_store(store, CLINIC, weeks=TEST_WEEKS)
    finally:
        store.close()
    assert report.created == {}


def test_seed_tops_up_slots_and_respects_hours(tmp_path: Path) -> None:
    # A fixed Monday, so holidays are in the window: Thanksgiving 2026 is Thu 26 and Fri 27.
    monday = datetime(2026, 11, 23, 7, 0, tzinfo=CLINIC.tz)
    db = seeded_db(tmp_path / "topup.sqlite3", CLINIC, weeks=1, now=monday)
    first = _slot_counts(db)["Slot"]
    # Two weeks later the same seed tops the window up to a week from "now" again.
    seeded_db(db, CLINIC, weeks=1, now=monday + timedelta(days=14))
    store = Store(db)
    try:
        _, slots = store.search("Slot", [], "start", 10000, 0)
    finally:
        store.close()
    assert len(slots) > first
    keys = [i["value"] for s in slots for i in s["identifier"] if i["system"] == SLOT_SYSTEM]
    assert len(keys) == len(set(keys))  # nothing twice
    schedules = {}
    store = Store(db)
    try:
        for s in store.search("Schedule", [], None, 100, 0)[1]:
            schedules[s["id"]] = s["identifier"][0]["value"].split("@")
    finally:
        store.close()
    step = timedelta(minutes=CLINIC.scheduling.slot_minutes)
    days = set()
    for slot in slots:
        start = datetime.fromisoformat(slot["start"].replace("Z", "+00:00")).astimezone(CLINIC.tz)
        end = datetime.fromisoformat(slot["end"].replace("Z", "+00:00")).astimezone(CLINIC.tz)
        prac_id, loc_id = schedules[slot["schedule"]["reference"].split("/")[1]]
        prac, loc = CLINIC.practitioner(prac_id), CLINIC.location(loc_id)
        assert prac is not None and loc is not None
        assert end - start == step
        assert WEEKDAYS[start.weekday()] in prac.schedule[loc_id]
        hours = CLINIC.hours_on(loc, start.date())
        assert hours is not None and hours.opens <= start.time() and end.time() <= hours.closes
        assert slot["serviceType"] and slot["specialty"]
        days.add(start.date())
    assert date(2026, 11, 26) not in days and date(2026, 11, 27) not in days
    assert date(2026, 11, 23) in days
    assert max(days) >= (monday + timedelta(days=14 + 5)).date()


def test_seed_past_visits_fall_on_days_the_clinician_worked_there(tmp_path: Path) -> None:
    # Monday after Thanksgiving: Liam's visit "3 days ago" (Fri 27, closed) moves back to Wed 25
    # (Thu 26 is Thanksgiving too).
    monday = datetime(2026, 11, 30, 7, 0, tzinfo=CLINIC.tz)
    db = seeded_db(tmp_path / "past.sqlite3", CLINIC, weeks=1, now=monday)
    store = Store(db)
    try:
        _, visits = store.search("Appointment", [("status", "fulfilled")], "date", 100, 0)
        _, schedules = store.search("Schedule", [], None, 100, 0)
    finally:
        store.close()
    actors = {
        tuple(a["reference"] for a in s["actor"]): s["identifier"][0]["value"].split("@")
        for s in schedules
    }
    days = {}
    for visit in visits:
        start = datetime.fromisoformat(visit["start"].replace("Z", "+00:00")).astimezone(CLINIC.tz)
        refs = tuple(p["actor"]["reference"] for p in visit["participant"][1:])
        prac_id, loc_id = actors[refs]
        prac, loc = CLINIC.practitioner(prac_id), CLINIC.location(loc_id)
        assert prac is not None and loc is not None and start < monday
        assert WEEKDAYS[start.weekday()] in prac.schedule[loc_id]
        assert CLINIC.hours_on(loc, start.date()) is not None
        assert "slot" not in visit  # a visit that took place holds no bookable slot
        days[visit["identifier"][0]["value"]] = start.date()
    assert len(days) == 5 and days["liam-past-vaccination"] == date(2026, 11, 25)


def test_seed_special_holiday_hours(tmp_path: Path) -> None:
    # Christmas Eve 2026 (Thursday): 08:00-12:00 only.
    db = seeded_db(
        tmp_path / "xmas.sqlite3",
        CLINIC,
        weeks=1,
        now=datetime(2026, 12, 21, 6, 0, tzinfo=CLINIC.tz),
    )
    store = Store(db)
    try:
        _, slots = store.search(
            "Slot",
            [("start", "ge2026-12-24T08:00:00Z"), ("start", "lt2026-12-25T08:00:00Z")],
            "start",
            500,
            0,
        )
    finally:
        store.close()
    local = [
        datetime.fromisoformat(s["start"].replace("Z", "+00:00")).astimezone(CLINIC.tz)
        for s in slots
    ]
    assert local and all(8 <= t.hour < 12 for t in local)
    assert max(local).time().hour == 11 and max(local).minute == 30


# --- the real entry point ------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_cli_serves_with_token_and_access_log_has_no_phi(tmp_path: Path) -> None:
    port = _free_port()
    env = {
        **os.environ,
        "FHIR_BEARER_TOKEN": "cli-token",
        "DATA_DIR": str(tmp_path),
        "PYTHONPATH": str(PROJECT_ROOT),
    }
    log = tmp_path / "server.log"
    with log.open("w") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "clinic_api", "--port", str(port), "--no-seed"],
            cwd=PROJECT_ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        base = f"http://127.0.0.1:{port}/fhir"
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if requests.get(f"{base}/metadata", timeout=1).ok:
                    break
            except requests.RequestException:
                time.sleep(0.2)
        else:
            pytest.fail("server did not start:\n" + log.read_text())
        assert requests.get(f"{base}/Patient", timeout=5).status_code == 401
        headers = {"Authorization": "Bearer cli-token"}
        response = requests.get(
            f"{base}/Patient",
            params={"family": "Secretfamily", "birthdate": "1961-02-03"},
            headers=headers,
            timeout=5,
        )
        assert response.status_code == 200
        requests.post(
            f"{base}/Patient",
            json={"resourceType": "Patient", "name": [{"family": "Bodyname"}]},
            headers={**headers, "Content-Type": FHIR_JSON},
            timeout=5,
        )
        assert (tmp_path / "clinic_api.sqlite3").exists()  # default DB under DATA_DIR
    finally:
        process.terminate()
        process.wait(15)
    text = log.read_text()
    assert "GET /fhir/Patient 200" in text and "POST /fhir/Patient 201" in text
    for secret in ("Secretfamily", "1961", "Bodyname", "family=", "cli-token"):
        assert secret not in text


def test_client_from_settings_against_cli_defaults(
    monkeypatch: pytest.MonkeyPatch, embedded_fhir: FhirServer
) -> None:
    """A client configured only by environment variables talks to the server."""
    monkeypatch.setenv("FHIR_BASE_URL", embedded_fhir.base_url)
    monkeypatch.setenv("FHIR_BEARER_TOKEN", TOKEN)
    from actions.settings import Settings

    client = FhirClient.from_settings(Settings(), clinic=CLINIC)
    assert client.capabilities()["resourceType"] == "CapabilityStatement"
    assert {p.clinic_id for p in client.list_practitioners()} == {
        "patel",
        "okafor",
        "gonzalez",
        "lee",
    }
