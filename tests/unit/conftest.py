"""Unit-test set-up: actions talk to the embedded FHIR backend through the normal settings path
(``fhir_env``), the cross-conversation limit on failed identity checks
(``actions/verify_lockout.py``) gets a fresh store per test, never the one in ``DATA_DIR``, and
the Rasa server's NLU (read for a second question in a message) is a canned stand-in
(``canned_nlu``), never whatever server runs on this machine; nor is its FHIR backend
(``_no_live_fhir``). ``two_booked``: a verified patient with two appointments."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions import identity, patient_match, second_request
from actions.booking_times import ActionAskSlotChoice
from actions.manage_appointments import load_appointments
from actions.settings import get_clinic, get_settings
from actions.verify_lockout import VerifyLockout
from tests.support.actions import PHONE_SECRET, make_tracker
from tests.support.fhir_servers import FhirServer
from tests.support.nlu import CannedNlu


def _forget_settings() -> None:
    """Settings and the FHIR client are read again from the environment next time."""
    get_settings.cache_clear()
    # (some tests put a stand-in client in its place, taken away after the fixtures end)
    getattr(patient_match.scheduling_client, "cache_clear", lambda: None)()


@pytest.fixture
def fhir_env(embedded_fhir: FhirServer, monkeypatch: pytest.MonkeyPatch) -> Iterator[FhirServer]:
    """Actions talk to the embedded backend through the normal settings path."""
    monkeypatch.setenv("FHIR_BASE_URL", embedded_fhir.base_url)
    monkeypatch.setenv("FHIR_BEARER_TOKEN", embedded_fhir.token)
    monkeypatch.setenv("PHONE_HASH_SECRET", PHONE_SECRET)
    _forget_settings()
    yield embedded_fhir
    _forget_settings()


@pytest.fixture(autouse=True)
def _no_live_fhir(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """A test that does not ask for a FHIR server gets none: a closed local port, never the
    backend of ``make run`` (tests that built their own tracker read appointments from it)."""
    monkeypatch.setenv("FHIR_BASE_URL", "http://127.0.0.1:9/fhir")
    _forget_settings()
    yield
    _forget_settings()


@pytest.fixture(autouse=True)
def _fresh_verification_lockout(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    made: list[VerifyLockout] = []

    def lockout() -> VerifyLockout:
        if not made:
            made.append(VerifyLockout(tmp_path / "verify_lockout.sqlite3", "unit-lockout-secret"))
        return made[0]

    monkeypatch.setattr(identity, "verification_lockout", lockout)


@pytest.fixture(autouse=True)
def canned_nlu(monkeypatch: pytest.MonkeyPatch) -> CannedNlu:
    nlu = CannedNlu()
    monkeypatch.setattr(second_request, "nlu_client", lambda: nlu)
    return nlu


@pytest.fixture
def two_booked(fhir_env: FhirServer) -> dict[str, Any]:
    """A new patient, verified, with two appointments booked next week."""
    client = fhir_env.client()
    patient = client.create_patient("Dana", "Whitfield", date(1979, 3, 8))
    search = {
        "patient_status": "returning",
        "visit_type": "follow_up",
        "practitioner": "patel",
        "location": "north",
        "date_preference": "next week",
    }
    offers = ActionAskSlotChoice().run(CollectingDispatcher(), make_tracker("", slots=search), {})
    offers = offers[0]["value"]
    for offer in offers[:2]:
        client.book(patient.id, offer["id"], "follow_up")
    items = load_appointments(patient.id, get_clinic())
    assert len(items) == 2
    return {"verified": True, "patient_id": patient.id, "patient_name": "Dana Whitfield"}
