"""A new patient who may already have a chart, against the real embedded FHIR backend: booked
(nothing said to the patient about anyone else), with a note asking staff to check."""

from __future__ import annotations

import threading
import urllib.error
import urllib.request
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs

import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions.booking_times import ActionBookAppointment
from actions.duplicate_patients import similar_names
from tests.support.actions import actions_use_fhir, make_tracker, responses
from tests.support.fhir_servers import FhirServer
from tests.unit.test_appointment_actions import robert_confirms_next_week


@pytest.mark.parametrize(
    ("one", "other", "alike"),
    [
        ("Emely Jonson", "Emily Johnson", True),
        ("emily johnson", "Emily Johnson", True),
        ("Mary Ann OBrien", "Mary Ann O'Brien", True),
        ("Emma Stone", "Emily Johnson", False),
        ("Jordan Smith", "Jordan Baker", False),
    ],
)
def test_similar_names(one: str, other: str, alike: bool) -> None:
    assert similar_names(one, other) is alike


def book_new_patient(fhir_env: FhirServer, name: str, born: str, phone: str) -> dict[str, Any]:
    """The stored Appointment of a new patient's booking of the first time offered."""
    client, _, offers, confirmed = robert_confirms_next_week(fhir_env)
    new = {
        **confirmed,
        "verified": False,
        "patient_id": None,
        "patient_status": "new",
        "verify_name": name,
        "verify_dob": born,
        "new_phone": phone,
    }
    dispatcher = CollectingDispatcher()
    ActionBookAppointment().run(dispatcher, make_tracker("yes", slots=new), {})
    assert responses(dispatcher) == ["utter_booked", "utter_new_patient_forms_online"]
    [patient] = client.find_patients(name.split()[1], name.split()[0], date.fromisoformat(born))
    [booked] = [a for a in client.upcoming_appointments(patient.id) if a.slot_id == offers[0]["id"]]
    stored, _ = client._read("Appointment", booked.id)
    client.cancel(booked.id)  # (the next test books the same time)
    return stored


def test_a_new_patient_like_one_on_file_is_booked_and_flagged_for_staff(
    fhir_env: FhirServer,
) -> None:
    # "Emely Jonson", Emily Johnson's birth date: a second chart was made, unflagged
    [emily] = fhir_env.client().find_patients("Johnson", "Emily", date(1988, 4, 12))
    stored = book_new_patient(fhir_env, "Emely Jonson", "1988-04-12", "9165550199")
    assert f"Patient/{emily.id}" in stored["comment"] and "duplicate" in stored["comment"]
    assert "Emily" not in stored["comment"]  # the id only


def test_the_same_phone_and_birth_date_are_flagged_too(fhir_env: FhirServer) -> None:
    [carlos] = fhir_env.client().find_patients("Rivera", "Carlos", date(1975, 9, 30))
    stored = book_new_patient(fhir_env, "Charlie Rivers", "1975-09-30", "(916) 555-0124")
    assert f"Patient/{carlos.id}" in stored["comment"]


def test_a_new_patient_like_nobody_on_file_has_no_note(fhir_env: FhirServer) -> None:
    stored = book_new_patient(fhir_env, "Jordan Baker", "1990-03-03", "9165550177")
    assert "comment" not in stored


class NoBirthDateSearch:
    """A FHIR server in front of the embedded one that refuses a Patient search by birth date
    alone (400, as servers with a narrower search answer), and passes everything else on."""

    def __init__(self, upstream: str) -> None:
        self.upstream = upstream.rstrip("/")
        self.refused = 0
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            def _forward(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                form = parse_qs(body.decode())
                if (
                    self.path.endswith("/Patient/_search")
                    and "birthdate" in form
                    and not ("family" in form or "name" in form)
                ):
                    proxy.refused += 1
                    self._answer(400, b'{"resourceType": "OperationOutcome"}')
                    return
                headers = {
                    k: v
                    for k, v in self.headers.items()
                    if k.lower() not in {"host", "content-length"}
                }
                request = urllib.request.Request(
                    proxy.upstream + self.path.split("/fhir", 1)[1],
                    data=body if self.command != "GET" else None,
                    headers=headers,
                    method=self.command,
                )
                try:
                    with urllib.request.urlopen(request, timeout=10) as answer:
                        self._answer(answer.status, answer.read())
                except urllib.error.HTTPError as error:
                    self._answer(error.code, error.read())

            def _answer(self, status: int, body: bytes) -> None:
                self.send_response(status)
                self.send_header("Content-Type", "application/fhir+json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _forward

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base_url = f"http://127.0.0.1:{self.server.server_address[1]}/fhir"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


def test_a_failed_duplicate_search_still_books(
    fhir_env: FhirServer, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    # a server that cannot search by birth date alone failed the whole booking ("couldn't
    # reach the scheduling system")
    proxy = NoBirthDateSearch(fhir_env.base_url)
    actions_use_fhir(monkeypatch, proxy.base_url)
    try:
        stored = book_new_patient(fhir_env, "Emmy Johnsen", "1988-04-12", "9165550198")
    finally:
        proxy.server.shutdown()
    assert proxy.refused == 1
    assert "comment" not in stored
    assert "duplicate-chart search failed (400)" in caplog.text
    assert "1988" not in caplog.text and "Johnsen" not in caplog.text
