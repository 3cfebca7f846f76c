"""FhirClient against a mocked HTTP server (``responses``): every method, status handling,
retries (reads only), booking compensation, rescheduling, and no PHI in URLs or errors."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
import responses

from actions.clients.fhir import FhirClient
from actions.clients.fhir_model import (
    LOCATION_SYSTEM,
    PRACTITIONER_SYSTEM,
    SPECIALTY_SYSTEM,
    VISIT_TYPE_SYSTEM,
    BackendUnavailable,
    FhirError,
    NotFound,
    SlotTaken,
    redact,
)
from actions.phone import normalize_phone
from actions.settings import Settings, get_clinic

BASE = "http://fhir.test/fhir"
TOKEN = "unit-token"
CLINIC = get_clinic()


# --- helpers -----------------------------------------------------------------------------------


def bundle(*resources: dict[str, Any], next_url: str | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {
        "resourceType": "Bundle",
        "type": "searchset",
        "total": len(resources),
        "entry": [{"resource": r, "search": {"mode": "match"}} for r in resources],
    }
    if next_url:
        out["link"] = [{"relation": "next", "url": next_url}]
    return out


def outcome(text: str, code: str = "invalid") -> dict[str, Any]:
    return {
        "resourceType": "OperationOutcome",
        "issue": [{"severity": "error", "code": code, "diagnostics": text}],
    }


def iso(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def future(days: int = 3, hour_utc: int = 17) -> datetime:
    day = datetime.now(timezone.utc).date() + timedelta(days=days)
    return datetime(day.year, day.month, day.day, hour_utc, tzinfo=timezone.utc)


PRACTITIONER = {
    "resourceType": "Practitioner",
    "id": "pr-1",
    "identifier": [{"system": PRACTITIONER_SYSTEM, "value": "patel"}],
    "name": [{"text": "Dr. Priya Patel", "family": "Patel", "given": ["Priya"]}],
}
LOCATION = {
    "resourceType": "Location",
    "id": "loc-1",
    "identifier": [{"system": LOCATION_SYSTEM, "value": "downtown"}],
    "name": "Downtown Clinic",
}
SCHEDULE = {
    "resourceType": "Schedule",
    "id": "sch-1",
    "active": True,
    "actor": [{"reference": "Practitioner/pr-1"}, {"reference": "Location/loc-1"}],
    "specialty": [{"coding": [{"system": SPECIALTY_SYSTEM, "code": "family_medicine"}]}],
    "serviceType": [{"coding": [{"system": VISIT_TYPE_SYSTEM, "code": "physical"}]}],
}


def slot(
    sid: str = "slot-1", start: datetime | None = None, status: str = "free", version: str = "3"
) -> dict[str, Any]:
    start = start or future()
    return {
        "resourceType": "Slot",
        "id": sid,
        "meta": {"versionId": version},
        "schedule": {"reference": "Schedule/sch-1"},
        "status": status,
        "start": iso(start),
        "end": iso(start + timedelta(minutes=30)),
        "serviceType": [
            {
                "coding": [
                    {"system": VISIT_TYPE_SYSTEM, "code": "physical"},
                    {"system": VISIT_TYPE_SYSTEM, "code": "sick"},
                ]
            }
        ],
    }


def appointment(
    aid: str = "ap-1",
    status: str = "booked",
    slot_id: str = "slot-1",
    patient: str = "pat-1",
    start: datetime | None = None,
    version: str = "1",
) -> dict[str, Any]:
    start = start or future()
    return {
        "resourceType": "Appointment",
        "id": aid,
        "status": status,
        "meta": {"versionId": version},
        "start": iso(start),
        "end": iso(start + timedelta(minutes=30)),
        "slot": [{"reference": f"Slot/{slot_id}"}],
        "serviceType": [{"coding": [{"system": VISIT_TYPE_SYSTEM, "code": "physical"}]}],
        "description": "annual physical",
        "participant": [
            {"actor": {"reference": f"Patient/{patient}"}, "status": "accepted"},
            {"actor": {"reference": "Practitioner/pr-1"}, "status": "accepted"},
            {"actor": {"reference": "Location/loc-1"}, "status": "accepted"},
        ],
    }


PATIENT = {
    "resourceType": "Patient",
    "id": "pat-1",
    "name": [{"use": "official", "family": "García", "given": ["María", "José"]}],
    "birthDate": "1980-02-03",
    "telecom": [
        {"system": "phone", "value": "(916) 555-0123"},
        {"system": "email", "value": "m@example.org"},
    ],
}


def query(call: Any) -> dict[str, list[str]]:
    return parse_qs(urlsplit(call.request.url).query)


def form(call: Any) -> dict[str, list[str]]:
    return parse_qs(
        call.request.body if isinstance(call.request.body, str) else call.request.body.decode()
    )


def sent_json(call: Any) -> dict[str, Any]:
    return json.loads(call.request.body)


@pytest.fixture
def mock() -> Iterator[responses.RequestsMock]:
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        yield rsps


@pytest.fixture
def client() -> FhirClient:
    return FhirClient(BASE, token=TOKEN, timeout=4.0, retries=2, clinic=CLINIC, backoff=0)


@pytest.fixture
def directory(mock: responses.RequestsMock) -> responses.RequestsMock:
    mock.get(f"{BASE}/Practitioner", json=bundle(PRACTITIONER))
    mock.get(f"{BASE}/Location", json=bundle(LOCATION))
    return mock


def calls_to(mock: responses.RequestsMock, method: str, path: str) -> list[Any]:
    return [
        c
        for c in mock.calls
        if c.request.method == method
        and urlsplit(c.request.url).path == urlsplit(f"{BASE}/{path}").path
    ]


# --- configuration -----------------------------------------------------------------------------


def test_from_settings_uses_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FHIR_BASE_URL", "http://elsewhere.test/r4/")
    monkeypatch.setenv("FHIR_BEARER_TOKEN", "abc")
    monkeypatch.setenv("FHIR_TIMEOUT_SECONDS", "2.5")
    monkeypatch.setenv("FHIR_RETRIES", "4")
    client = FhirClient.from_settings(Settings(), clinic=CLINIC)
    assert client.base_url == "http://elsewhere.test/r4"
    assert client.session.headers["Authorization"] == "Bearer abc"
    assert client.timeout == (2.5, 2.5)
    assert client.retries == 4


def test_every_call_has_auth_and_explicit_timeouts(
    mock: responses.RequestsMock, client: FhirClient
) -> None:
    mock.get(f"{BASE}/Patient/pat-1", json=PATIENT)
    client.get_patient("pat-1")
    call = mock.calls[0]
    assert call.request.headers["Authorization"] == f"Bearer {TOKEN}"
    assert call.request.headers["Accept"] == "application/fhir+json"
    assert call.request.req_kwargs["timeout"] == (3.05, 4.0)


def test_no_token_no_authorization_header(mock: responses.RequestsMock) -> None:
    mock.get(f"{BASE}/Patient/pat-1", json=PATIENT)
    FhirClient(BASE, clinic=CLINIC).get_patient("pat-1")
    assert "Authorization" not in mock.calls[0].request.headers


# --- patients ----------------------------------------------------------------------------------


def test_find_patients_posts_search_form_without_phi_in_url(
    mock: responses.RequestsMock, client: FhirClient
) -> None:
    leeds = {**PATIENT, "id": "pat-2", "name": [{"family": "Garcíaz", "given": ["María"]}]}
    other_dob = {**PATIENT, "id": "pat-3", "birthDate": "1990-01-01"}
    mock.post(f"{BASE}/Patient/_search", json=bundle(PATIENT, leeds, other_dob))
    found = client.find_patients("garcia", "MARIA", date(1980, 2, 3))
    assert [p.id for p in found] == ["pat-1"]
    record = found[0]
    assert (record.given, record.family, record.birth_date) == (
        "María José",
        "García",
        date(1980, 2, 3),
    )
    assert record.phones == ["+19165550123"]
    call = mock.calls[0]
    assert urlsplit(call.request.url).query == ""
    assert call.request.headers["Content-Type"] == "application/x-www-form-urlencoded"
    body = form(call)
    assert body["birthdate"] == ["1980-02-03"]
    assert "family" not in body and "given" not in body  # names are compared here, not sent


def test_find_patients_ignores_punctuation_spacing_and_accents(
    mock: responses.RequestsMock, client: FhirClient
) -> None:
    mary = {
        **PATIENT,
        "id": "pat-5",
        "name": [{"use": "official", "family": "O'Brien", "given": ["Mary", "Ann"]}],
    }
    mock.post(f"{BASE}/Patient/_search", json=bundle(PATIENT, mary))
    for family, given in [
        ("OBrien", "Mary Ann"),
        ("obrien", "mary ann"),
        ("O\u2019Brien", "Mary-Ann"),
        ("O Brien", "MaryAnn"),
        ("O-Brien", "Mary"),
    ]:
        assert [p.id for p in client.find_patients(family, given, date(1980, 2, 3))] == ["pat-5"]
    assert [p.id for p in client.find_patients("Garcia", "Jose", date(1980, 2, 3))] == ["pat-1"]
    assert not client.find_patients("OBrian", "Mary Ann", date(1980, 2, 3))
    assert not client.find_patients("OBrien", "Maryanne", date(1980, 2, 3))
    assert not client.find_patients("O'Brien", "Mary Ann", date(1980, 2, 4))
    # family and given must come from the same name, and a name has a family name
    split = {**PATIENT, "id": "pat-6", "name": [{"family": "Stone"}, {"given": ["Ada"]}]}
    mock.replace(responses.POST, f"{BASE}/Patient/_search", json=bundle(split))
    assert not client.find_patients("Stone", "Ada", date(1980, 2, 3))


def test_find_patients_given_name_forms(mock: responses.RequestsMock, client: FhirClient) -> None:
    mock.post(f"{BASE}/Patient/_search", json=bundle(PATIENT))
    assert client.find_patients("García", "maria jose", date(1980, 2, 3))
    assert client.find_patients("García", "José", date(1980, 2, 3))
    assert not client.find_patients("García", "Mario", date(1980, 2, 3))


def test_find_patients_by_phone_normalises_and_filters(
    mock: responses.RequestsMock, client: FhirClient
) -> None:
    stranger = {**PATIENT, "id": "pat-9", "telecom": [{"system": "phone", "value": "+19165550999"}]}
    mock.post(f"{BASE}/Patient/_search", json=bundle(PATIENT, stranger))
    found = client.find_patients_by_phone("916.555.0123")
    assert [p.id for p in found] == ["pat-1"]
    call = mock.calls[0]
    assert urlsplit(call.request.url).query == ""
    variants = form(call)["phone"][0].split(",")
    assert "+19165550123" in variants and "(916) 555-0123" in variants
    assert client.find_patients_by_phone("not a phone") == []


def test_normalize_phone() -> None:
    assert normalize_phone("(916) 555-0123") == "+19165550123"
    assert normalize_phone("1-916-555-0123") == "+19165550123"
    assert normalize_phone("+44 20 7946 0000") == "+442079460000"
    assert normalize_phone("555-0123") is None
    assert normalize_phone(None) is None


@pytest.mark.parametrize("status", [404, 410])
def test_get_patient_not_found(
    mock: responses.RequestsMock, client: FhirClient, status: int
) -> None:
    mock.get(f"{BASE}/Patient/nope", status=status, json=outcome("gone", "not-found"))
    with pytest.raises(NotFound):
        client.get_patient("nope")


def test_create_patient(mock: responses.RequestsMock, client: FhirClient) -> None:
    created = {
        **PATIENT,
        "id": "new-1",
        "name": [{"family": "Doe", "given": ["Jane", "Q"]}],
        "telecom": [{"system": "phone", "value": "+19165550111"}],
    }
    mock.post(f"{BASE}/Patient", status=201, json=created)
    record = client.create_patient("Jane Q", "Doe", date(1990, 5, 6), "(916) 555-0111")
    assert record.id == "new-1" and record.phones == ["+19165550111"]
    sent = sent_json(mock.calls[0])
    assert sent["name"][0] == {"use": "official", "family": "Doe", "given": ["Jane", "Q"]}
    assert sent["birthDate"] == "1990-05-06"
    assert sent["telecom"] == [{"system": "phone", "value": "+19165550111", "use": "mobile"}]
    assert mock.calls[0].request.headers["Content-Type"] == "application/fhir+json"


def test_create_patient_201_without_body_reads_location(
    mock: responses.RequestsMock, client: FhirClient
) -> None:
    mock.post(
        f"{BASE}/Patient",
        status=201,
        body="",
        headers={"Location": f"{BASE}/Patient/new-2/_history/1"},
    )
    mock.get(f"{BASE}/Patient/new-2", json={**PATIENT, "id": "new-2"})
    assert client.create_patient("Jane", "Doe", date(1990, 5, 6)).id == "new-2"


def test_create_patient_error_does_not_echo_phi(
    mock: responses.RequestsMock, client: FhirClient
) -> None:
    mock.post(
        f"{BASE}/Patient",
        status=422,
        json=outcome(
            "Patient Zebulon Quackenbush born 1971-03-04 phone (916) 555-0177 owes $12.50 invalid"
        ),
    )
    with pytest.raises(FhirError) as info:
        client.create_patient("Zebulon", "Quackenbush", date(1971, 3, 4), "916-555-0177")
    message = str(info.value)
    assert info.value.status == 422
    for secret in ("Zebulon", "Quackenbush", "1971-03-04", "555-0177", "12.50"):
        assert secret not in message
    assert "422" in message and "invalid" in message


def test_redact() -> None:
    text = redact(
        "Jane Roe 1980-01-02T10:00:00Z +1 (916) 555-0100 $99.95 Slot/abc", ["Jane", "roe"]
    )
    assert text == "[redacted] [redacted] [date] [number] [amount] Slot/abc"


# --- status handling and retries ---------------------------------------------------------------


def test_read_retries_on_502_503_504_then_succeeds(
    mock: responses.RequestsMock, client: FhirClient
) -> None:
    mock.get(f"{BASE}/Patient/pat-1", status=503)
    mock.get(f"{BASE}/Patient/pat-1", status=502)
    mock.get(f"{BASE}/Patient/pat-1", json=PATIENT)
    assert client.get_patient("pat-1").id == "pat-1"
    assert len(mock.calls) == 3


def test_read_gives_up_after_retries(mock: responses.RequestsMock, client: FhirClient) -> None:
    mock.get(f"{BASE}/Patient/pat-1", status=504)
    with pytest.raises(BackendUnavailable):
        client.get_patient("pat-1")
    assert len(mock.calls) == 3  # 1 + FHIR_RETRIES


def test_500_is_not_retried(mock: responses.RequestsMock, client: FhirClient) -> None:
    mock.get(f"{BASE}/Patient/pat-1", status=500)
    with pytest.raises(BackendUnavailable):
        client.get_patient("pat-1")
    assert len(mock.calls) == 1


@pytest.mark.parametrize(
    "error",
    [requests.ConnectTimeout(), requests.ReadTimeout(), requests.ConnectionError("refused")],
)
def test_read_retries_on_timeouts_and_refused(
    mock: responses.RequestsMock, client: FhirClient, error: Exception
) -> None:
    mock.get(f"{BASE}/Patient/pat-1", body=error)
    mock.get(f"{BASE}/Patient/pat-1", json=PATIENT)
    assert client.get_patient("pat-1").id == "pat-1"
    assert len(mock.calls) == 2


def test_connection_refused_everywhere(mock: responses.RequestsMock, client: FhirClient) -> None:
    mock.post(f"{BASE}/Patient/_search", body=requests.ConnectionError("refused"))
    with pytest.raises(BackendUnavailable) as info:
        client.find_patients("Secretname", "Jo", date(1999, 9, 9))
    assert len(mock.calls) == 3  # POST _search is a read: retried
    assert "Secretname" not in str(info.value) and "1999" not in str(info.value)


def test_search_post_retried_on_timeout(mock: responses.RequestsMock, client: FhirClient) -> None:
    mock.post(f"{BASE}/Patient/_search", body=requests.ReadTimeout())
    mock.post(f"{BASE}/Patient/_search", json=bundle(PATIENT))
    assert client.find_patients("García", None, None)


@pytest.mark.parametrize("error", [requests.ReadTimeout(), requests.ConnectionError()])
def test_writes_are_never_retried(
    mock: responses.RequestsMock, client: FhirClient, error: Exception
) -> None:
    mock.post(f"{BASE}/Patient", body=error)
    with pytest.raises(BackendUnavailable):
        client.create_patient("Jane", "Doe", date(1990, 5, 6))
    assert len(mock.calls) == 1


def test_write_503_not_retried(mock: responses.RequestsMock, client: FhirClient) -> None:
    mock.post(f"{BASE}/Patient", status=503)
    with pytest.raises(BackendUnavailable):
        client.create_patient("Jane", "Doe", date(1990, 5, 6))
    assert len(mock.calls) == 1


@pytest.mark.parametrize("status", [200, 201, 202, 203, 299])
def test_any_2xx_is_success(mock: responses.RequestsMock, client: FhirClient, status: int) -> None:
    mock.get(f"{BASE}/Patient/pat-1", status=status, json=PATIENT)
    assert client.get_patient("pat-1").id == "pat-1"


@pytest.mark.parametrize(
    ("status", "kind"),
    [
        (400, FhirError),
        (401, FhirError),
        (403, FhirError),
        (409, FhirError),
        (412, FhirError),
        (422, FhirError),
        (429, BackendUnavailable),
        (500, BackendUnavailable),
    ],
)
def test_status_mapping(
    mock: responses.RequestsMock, client: FhirClient, status: int, kind: type[Exception]
) -> None:
    mock.get(f"{BASE}/Patient/pat-1", status=status, json=outcome("nope"))
    with pytest.raises(kind) as info:
        client.get_patient("pat-1")
    assert not isinstance(info.value, (SlotTaken, NotFound))
    assert info.value.status == status  # type: ignore[attr-defined]


def test_non_json_response(mock: responses.RequestsMock, client: FhirClient) -> None:
    mock.get(f"{BASE}/Patient/pat-1", body="<html>proxy</html>")
    with pytest.raises(BackendUnavailable):
        client.get_patient("pat-1")


# --- directory and slots -----------------------------------------------------------------------


def test_directory_by_identifier(directory: responses.RequestsMock, client: FhirClient) -> None:
    practitioners = client.list_practitioners()
    assert practitioners[0].id == "pr-1" and practitioners[0].clinic_id == "patel"
    assert practitioners[0].specialty == "family_medicine"
    assert client.list_locations()[0].clinic_id == "downtown"
    assert query(directory.calls[0])["identifier"] == [f"{PRACTITIONER_SYSTEM}|"]
    assert query(directory.calls[1])["identifier"] == [f"{LOCATION_SYSTEM}|"]


def test_find_schedules_by_actor(directory: responses.RequestsMock, client: FhirClient) -> None:
    directory.get(f"{BASE}/Schedule", json=bundle(SCHEDULE))
    schedules = client.find_schedules(
        practitioner="patel", location="downtown", specialty="family_medicine"
    )
    assert schedules[0].practitioner_id == "patel" and schedules[0].location_id == "downtown"
    assert schedules[0].service_types == ["physical"]
    params = query(calls_to(directory, "GET", "Schedule")[0])
    assert params["actor"] == ["Practitioner/pr-1", "Location/loc-1"]
    assert params["specialty"] == [f"{SPECIALTY_SYSTEM}|family_medicine"]
    assert client.find_schedules(practitioner="nobody") == []


def test_find_free_slots_query_and_filters(
    directory: responses.RequestsMock, client: FhirClient
) -> None:
    directory.get(f"{BASE}/Schedule", json=bundle(SCHEDULE))
    tz = CLINIC.tz
    day = (datetime.now(tz) + timedelta(days=3)).date()
    morning = datetime(day.year, day.month, day.day, 9, tzinfo=tz)
    afternoon = morning.replace(hour=13)
    evening = morning.replace(hour=17, minute=30)
    past = datetime.now(timezone.utc) - timedelta(hours=1)
    directory.get(
        f"{BASE}/Slot",
        json=bundle(
            slot("s-eve", evening),
            slot("s-past", past),
            slot("s-am", morning),
            slot("s-pm", afternoon),
            slot("s-busy", afternoon, status="busy"),
        ),
    )
    start, end = datetime.now(timezone.utc) - timedelta(days=1), morning + timedelta(days=2)
    found = client.find_free_slots(start, end, practitioner="patel", visit_type="physical")
    assert [s.id for s in found] == ["s-am", "s-pm", "s-eve"]
    first = found[0]
    assert first.practitioner_id == "patel" and first.location_id == "downtown"
    assert first.practitioner_name == "Dr. Priya Patel"
    assert first.location_name == "Downtown Clinic"
    assert first.start.tzinfo is not None and first.version == "3"
    assert "physical" in first.service_types
    params = query(calls_to(directory, "GET", "Slot")[0])
    assert params["schedule"] == ["Schedule/sch-1"]
    assert params["status"] == ["free"]
    assert params["service-type"] == [f"{VISIT_TYPE_SYSTEM}|physical"]
    assert params["_sort"] == ["start"]
    lower, upper = params["start"]
    assert lower.startswith("ge") and upper == f"lt{iso(end)}"
    assert [s.id for s in client.find_free_slots(start, end, part_of_day="afternoon")] == ["s-pm"]
    assert [s.id for s in client.find_free_slots(start, end, part_of_day="evening")] == ["s-eve"]
    assert [s.id for s in client.find_free_slots(start, end, limit=1)] == ["s-am"]
    with pytest.raises(ValueError):
        client.find_free_slots(start, end, part_of_day="night")


def test_find_free_slots_follows_next_links(
    directory: responses.RequestsMock, client: FhirClient
) -> None:
    directory.get(f"{BASE}/Schedule", json=bundle(SCHEDULE))
    page2 = f"{BASE}/Slot?_getpages=abc&_getpagesoffset=1"
    directory.get(
        page2,
        json=bundle(slot("s-2", future(4))),
        match=[
            responses.matchers.query_param_matcher({"_getpages": "abc", "_getpagesoffset": "1"})
        ],
    )
    directory.get(f"{BASE}/Slot", json=bundle(slot("s-1", future(3)), next_url=page2))
    found = client.find_free_slots(datetime.now(timezone.utc), future(10))
    assert [s.id for s in found] == ["s-1", "s-2"]


def test_next_link_to_another_host_is_not_followed(
    directory: responses.RequestsMock, client: FhirClient
) -> None:
    directory.get(f"{BASE}/Schedule", json=bundle(SCHEDULE))
    directory.get(f"{BASE}/Slot", json=bundle(slot("s-1"), next_url="http://evil.test/x"))
    assert len(client.find_free_slots(datetime.now(timezone.utc), future(10))) == 1
    assert not [c for c in directory.calls if "evil" in c.request.url]


def test_find_free_slots_without_schedules(
    directory: responses.RequestsMock, client: FhirClient
) -> None:
    directory.get(f"{BASE}/Schedule", json=bundle())
    assert client.find_free_slots(datetime.now(timezone.utc), future(10)) == []
    assert not calls_to(directory, "GET", "Slot")


# --- booking -----------------------------------------------------------------------------------


def _booking_mocks(mock: responses.RequestsMock, slot_status: str = "free") -> None:
    mock.get(f"{BASE}/Slot/slot-1", json=slot(status=slot_status))
    mock.get(f"{BASE}/Schedule/sch-1", json=SCHEDULE)


def test_book_success(directory: responses.RequestsMock, client: FhirClient) -> None:
    _booking_mocks(directory)
    directory.put(f"{BASE}/Slot/slot-1", json={**slot(status="busy"), "meta": {"versionId": "4"}})
    directory.post(f"{BASE}/Appointment", status=201, json=appointment())
    booked = client.book("pat-1", "slot-1", "physical")
    assert booked.id == "ap-1" and booked.status == "booked"
    assert booked.patient_id == "pat-1" and booked.practitioner_id == "patel"
    assert booked.visit_type == "physical"
    put = calls_to(directory, "PUT", "Slot/slot-1")[0]
    assert put.request.headers["If-Match"] == 'W/"3"'
    assert sent_json(put)["status"] == "busy"
    sent = sent_json(calls_to(directory, "POST", "Appointment")[0])
    assert sent["status"] == "booked" and sent["slot"] == [{"reference": "Slot/slot-1"}]
    assert {p["actor"]["reference"] for p in sent["participant"]} == {
        "Patient/pat-1",
        "Practitioner/pr-1",
        "Location/loc-1",
    }
    assert all(p["status"] == "accepted" for p in sent["participant"])
    assert sent["serviceType"][0]["coding"][0] == {
        "system": VISIT_TYPE_SYSTEM,
        "code": "physical",
        "display": "annual physical",
    }
    assert sent["start"] == slot()["start"]


def test_book_slot_not_free(mock: responses.RequestsMock, client: FhirClient) -> None:
    _booking_mocks(mock, slot_status="busy")
    with pytest.raises(SlotTaken):
        client.book("pat-1", "slot-1", "physical")
    assert not calls_to(mock, "PUT", "Slot/slot-1")


def test_book_slot_in_the_past(mock: responses.RequestsMock, client: FhirClient) -> None:
    mock.get(
        f"{BASE}/Slot/slot-1", json=slot(start=datetime.now(timezone.utc) - timedelta(hours=2))
    )
    with pytest.raises(SlotTaken):
        client.book("pat-1", "slot-1", "physical")


def test_book_wrong_visit_type(mock: responses.RequestsMock, client: FhirClient) -> None:
    _booking_mocks(mock)
    with pytest.raises(FhirError):
        client.book("pat-1", "slot-1", "well_child")
    assert not calls_to(mock, "PUT", "Slot/slot-1")


@pytest.mark.parametrize("status", [409, 412])
def test_book_lost_race_on_slot(
    mock: responses.RequestsMock, client: FhirClient, status: int
) -> None:
    _booking_mocks(mock)
    mock.put(f"{BASE}/Slot/slot-1", status=status, json=outcome("version conflict", "conflict"))
    with pytest.raises(SlotTaken):
        client.book("pat-1", "slot-1", "physical")
    assert not calls_to(mock, "POST", "Appointment")


def test_book_failed_appointment_releases_slot(
    directory: responses.RequestsMock, client: FhirClient
) -> None:
    _booking_mocks(directory)
    directory.put(f"{BASE}/Slot/slot-1", json={**slot(status="busy"), "meta": {"versionId": "4"}})
    directory.post(f"{BASE}/Appointment", status=500)
    directory.get(f"{BASE}/Appointment", json=bundle())  # none was created
    directory.get(f"{BASE}/Slot/slot-1", json={**slot(status="busy"), "meta": {"versionId": "4"}})
    with pytest.raises(BackendUnavailable):
        client.book("pat-1", "slot-1", "physical")
    puts = calls_to(directory, "PUT", "Slot/slot-1")
    assert [sent_json(p)["status"] for p in puts] == ["busy", "free"]
    assert puts[1].request.headers["If-Match"] == 'W/"4"'
    assert len(calls_to(directory, "POST", "Appointment")) == 1  # never retried


def test_book_appointment_422_releases_slot(
    directory: responses.RequestsMock, client: FhirClient
) -> None:
    _booking_mocks(directory)
    directory.put(f"{BASE}/Slot/slot-1", json={**slot(status="busy"), "meta": {"versionId": "4"}})
    directory.post(f"{BASE}/Appointment", status=422, json=outcome("bad"))
    directory.get(f"{BASE}/Appointment", json=bundle())
    directory.get(f"{BASE}/Slot/slot-1", json={**slot(status="busy"), "meta": {"versionId": "4"}})
    with pytest.raises(FhirError):
        client.book("pat-1", "slot-1", "physical")
    assert sent_json(calls_to(directory, "PUT", "Slot/slot-1")[-1])["status"] == "free"


def test_book_lost_response_finds_the_created_appointment(
    directory: responses.RequestsMock, client: FhirClient
) -> None:
    _booking_mocks(directory)
    directory.put(f"{BASE}/Slot/slot-1", json={**slot(status="busy"), "meta": {"versionId": "4"}})
    directory.post(f"{BASE}/Appointment", body=requests.ReadTimeout())
    directory.get(f"{BASE}/Appointment", json=bundle(appointment("ap-7")))
    booked = client.book("pat-1", "slot-1", "physical")
    assert booked.id == "ap-7"
    assert len(calls_to(directory, "PUT", "Slot/slot-1")) == 1  # slot kept
    assert len(calls_to(directory, "POST", "Appointment")) == 1


def test_book_conflict_on_appointment_keeps_other_patients_slot(
    directory: responses.RequestsMock, client: FhirClient
) -> None:
    _booking_mocks(directory)
    directory.put(f"{BASE}/Slot/slot-1", json={**slot(status="busy"), "meta": {"versionId": "4"}})
    directory.post(f"{BASE}/Appointment", status=409, json=outcome("already booked"))
    directory.get(f"{BASE}/Appointment", json=bundle(appointment("ap-x", patient="other")))
    with pytest.raises(SlotTaken):
        client.book("pat-1", "slot-1", "physical")
    assert len(calls_to(directory, "PUT", "Slot/slot-1")) == 1


# --- appointments ------------------------------------------------------------------------------


def test_upcoming_appointments(directory: responses.RequestsMock, client: FhirClient) -> None:
    later, sooner = appointment("ap-2", start=future(9)), appointment("ap-1", start=future(2))
    directory.get(
        f"{BASE}/Appointment", json=bundle(later, sooner, appointment("ap-3", status="cancelled"))
    )
    upcoming = client.upcoming_appointments("pat-1")
    assert [a.id for a in upcoming] == ["ap-1", "ap-2"]
    assert upcoming[0].location_name == "Downtown Clinic" and upcoming[0].slot_id == "slot-1"
    params = query(calls_to(directory, "GET", "Appointment")[0])
    assert params["patient"] == ["Patient/pat-1"] and params["status"] == ["booked"]
    assert params["date"][0].startswith("ge") and params["_sort"] == ["date"]


def test_cancel_sets_reason_and_frees_slot(
    directory: responses.RequestsMock, client: FhirClient
) -> None:
    directory.get(f"{BASE}/Appointment/ap-1", json=appointment(version="5"))
    directory.put(
        f"{BASE}/Appointment/ap-1",
        json={**appointment(status="cancelled"), "meta": {"versionId": "6"}},
    )
    directory.get(f"{BASE}/Slot/slot-1", json=slot(status="busy", version="8"))
    directory.get(f"{BASE}/Appointment", json=bundle(appointment(status="cancelled")))
    directory.put(f"{BASE}/Slot/slot-1", json=slot(version="9"))
    cancelled = client.cancel("ap-1", "feeling better")
    assert cancelled.status == "cancelled"
    put = calls_to(directory, "PUT", "Appointment/ap-1")[0]
    assert put.request.headers["If-Match"] == 'W/"5"'
    body = sent_json(put)
    assert body["status"] == "cancelled"
    assert body["cancelationReason"] == {"text": "feeling better"}
    slot_put = calls_to(directory, "PUT", "Slot/slot-1")[0]
    assert sent_json(slot_put)["status"] == "free"
    assert slot_put.request.headers["If-Match"] == 'W/"8"'


def test_cancel_is_idempotent(directory: responses.RequestsMock, client: FhirClient) -> None:
    directory.get(f"{BASE}/Appointment/ap-1", json=appointment(status="cancelled"))
    directory.get(f"{BASE}/Slot/slot-1", json=slot(status="free"))
    assert client.cancel("ap-1", "again").status == "cancelled"
    assert not [c for c in directory.calls if c.request.method == "PUT"]


def test_cancel_rereads_on_412(directory: responses.RequestsMock, client: FhirClient) -> None:
    directory.get(f"{BASE}/Appointment/ap-1", json=appointment(version="1"))
    directory.get(f"{BASE}/Appointment/ap-1", json=appointment(version="2"))
    directory.put(f"{BASE}/Appointment/ap-1", status=412, json=outcome("stale"))
    directory.put(f"{BASE}/Appointment/ap-1", json=appointment(status="cancelled"))
    directory.get(f"{BASE}/Slot/slot-1", json=slot(status="free"))
    assert client.cancel("ap-1", "x").status == "cancelled"
    puts = calls_to(directory, "PUT", "Appointment/ap-1")
    assert [p.request.headers["If-Match"] for p in puts] == ['W/"1"', 'W/"2"']


def test_cancel_does_not_free_slot_held_by_another_appointment(
    directory: responses.RequestsMock, client: FhirClient
) -> None:
    directory.get(f"{BASE}/Appointment/ap-1", json=appointment())
    directory.put(f"{BASE}/Appointment/ap-1", json=appointment(status="cancelled"))
    directory.get(f"{BASE}/Slot/slot-1", json=slot(status="busy"))
    directory.get(f"{BASE}/Appointment", json=bundle(appointment("ap-2", patient="other")))
    client.cancel("ap-1", "x")
    assert not calls_to(directory, "PUT", "Slot/slot-1")


def test_cancel_missing_appointment(mock: responses.RequestsMock, client: FhirClient) -> None:
    mock.get(f"{BASE}/Appointment/nope", status=404)
    with pytest.raises(NotFound):
        client.cancel("nope", "x")


def _reschedule_mocks(mock: responses.RequestsMock) -> None:
    mock.get(f"{BASE}/Appointment/ap-old", json=appointment("ap-old", slot_id="slot-old"))
    mock.get(f"{BASE}/Slot/slot-1", json=slot())
    mock.get(f"{BASE}/Schedule/sch-1", json=SCHEDULE)
    mock.put(f"{BASE}/Slot/slot-1", json={**slot(status="busy"), "meta": {"versionId": "4"}})
    mock.post(f"{BASE}/Appointment", status=201, json=appointment("ap-new"))


def test_reschedule_books_new_then_cancels_old(
    directory: responses.RequestsMock, client: FhirClient
) -> None:
    _reschedule_mocks(directory)
    directory.put(
        f"{BASE}/Appointment/ap-old",
        json=appointment("ap-old", status="cancelled", slot_id="slot-old"),
    )
    directory.get(f"{BASE}/Slot/slot-old", json=slot("slot-old", status="free"))
    new = client.reschedule("ap-old", "slot-1")
    assert new.id == "ap-new"
    methods = [
        (c.request.method, urlsplit(c.request.url).path.rsplit("/fhir/", 1)[1])
        for c in directory.calls
        if c.request.method in ("POST", "PUT")
    ]
    assert methods == [
        ("PUT", "Slot/slot-1"),
        ("POST", "Appointment"),
        ("PUT", "Appointment/ap-old"),
    ]
    sent = sent_json(calls_to(directory, "POST", "Appointment")[0])
    assert sent["serviceType"][0]["coding"][0]["code"] == "physical"  # same visit type


def test_reschedule_new_slot_taken_leaves_old_alone(
    directory: responses.RequestsMock, client: FhirClient
) -> None:
    directory.get(f"{BASE}/Appointment/ap-old", json=appointment("ap-old", slot_id="slot-old"))
    directory.get(f"{BASE}/Slot/slot-1", json=slot(status="busy"))
    with pytest.raises(SlotTaken):
        client.reschedule("ap-old", "slot-1")
    assert not [c for c in directory.calls if c.request.method in ("PUT", "POST")]


def test_reschedule_old_cancel_fails_undoes_new(
    directory: responses.RequestsMock, client: FhirClient
) -> None:
    _reschedule_mocks(directory)
    directory.put(f"{BASE}/Appointment/ap-old", status=500)
    directory.get(f"{BASE}/Appointment/ap-new", json=appointment("ap-new"))
    directory.put(f"{BASE}/Appointment/ap-new", json=appointment("ap-new", status="cancelled"))
    directory.get(f"{BASE}/Appointment", json=bundle())
    directory.get(f"{BASE}/Slot/slot-1", json={**slot(status="busy"), "meta": {"versionId": "4"}})
    directory.put(f"{BASE}/Slot/slot-1", json=slot(version="5"))
    with pytest.raises(BackendUnavailable):
        client.reschedule("ap-old", "slot-1")
    new_cancel = calls_to(directory, "PUT", "Appointment/ap-new")
    assert len(new_cancel) == 1 and sent_json(new_cancel[0])["status"] == "cancelled"
    # The old appointment was only ever PUT once (the failed cancel) and is still booked.
    assert len(calls_to(directory, "PUT", "Appointment/ap-old")) == 1


def test_reschedule_old_cancel_lost_response_keeps_new(
    directory: responses.RequestsMock, client: FhirClient
) -> None:
    _reschedule_mocks(directory)
    directory.put(f"{BASE}/Appointment/ap-old", body=requests.ReadTimeout())
    # Re-read after the failure shows the cancel landed.
    directory.get(
        f"{BASE}/Appointment/ap-old",
        json=appointment("ap-old", status="cancelled", slot_id="slot-old"),
    )
    new = client.reschedule("ap-old", "slot-1")
    assert new.id == "ap-new"
    assert not calls_to(directory, "PUT", "Appointment/ap-new")


# --- billing -----------------------------------------------------------------------------------


def test_open_invoices(mock: responses.RequestsMock, client: FhirClient) -> None:
    newer = {
        "resourceType": "Invoice",
        "id": "inv-2",
        "status": "issued",
        "date": "2026-03-01",
        "totalGross": {"value": 0.1, "currency": "USD"},
        "note": [{"text": "Copay"}],
    }
    older = {
        "resourceType": "Invoice",
        "id": "inv-1",
        "status": "issued",
        "date": "2026-01-05T10:00:00-08:00",
        "totalNet": {"value": 240, "currency": "USD"},
        "type": {"text": "Sick visit"},
    }
    paid = {**older, "id": "inv-0", "status": "balanced"}
    mock.get(f"{BASE}/Invoice", json=bundle(newer, paid, older))
    invoices = client.open_invoices("pat-1")
    assert [i.id for i in invoices] == ["inv-1", "inv-2"]
    assert invoices[0].total == Decimal("240.00") and invoices[1].total == Decimal("0.10")
    assert invoices[0].date == date(2026, 1, 5) and invoices[0].description == "Sick visit"
    assert invoices[1].description == "Copay"
    assert invoices[0].is_overdue(30, date(2026, 3, 1))
    assert not invoices[1].is_overdue(30, date(2026, 3, 1))
    params = query(mock.calls[0])
    assert params["subject"] == ["Patient/pat-1"] and params["status"] == ["issued"]
