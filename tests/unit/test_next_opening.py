"""A clinician's next opening asked for ("whats dr patels next opening"): the first free slot
of the real embedded scheduling API, not the clinician's working days."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta, timezone
from typing import Any

import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions.clinicians import ActionClinicians
from actions.dates import parse_when
from actions.directions import ActionLocationInfo
from actions.formatting import day_and_time
from actions.next_opening import next_opening, next_opening_asked
from actions.settings import get_clinic
from actions.slot_search import BOOKING_NOTICE
from addons.task_words_guard import TaskWordsGuard
from tests.support.actions import make_tracker
from tests.support.fhir_servers import FhirServer
from tests.support.nlu_text import parsed_message


@pytest.mark.parametrize(
    ("text", "asked"),
    [
        ("whats dr patels next opening", True),
        ("when is sam lee's next available", True),
        ("how long is the wait to get in with dr patel", True),
        ("how far out is dr patel booked", True),
        ("how soon can i get in to see dr okafor", True),
        ("whats the earliest i can get in with sam lee", True),
        ("what days does dr patel work", False),
        ("how long is a visit with dr patel", False),
    ],
)
def test_a_next_opening_asked_for(text: str, asked: bool) -> None:
    assert next_opening_asked(text) is asked


def answered(text: str, intent: str) -> dict[str, Any]:
    dispatcher = CollectingDispatcher()
    tracker = make_tracker(text, intent=intent)
    action = ActionClinicians() if intent == "ask_clinicians" else ActionLocationInfo()
    action.run(dispatcher, tracker, {})
    return dispatcher.messages[0]


def said(text: str, intent: str) -> str:
    return str(answered(text, intent)["text"])


def test_the_next_opening_is_the_first_free_slot_and_moves_on_once_it_is_booked(
    fhir_env: FhirServer,
) -> None:
    """ "whats dr patels next opening" got her working days."""
    client = fhir_env.client()
    now = datetime.now(timezone.utc) + BOOKING_NOTICE
    first = client.find_free_slots(now, now + timedelta(weeks=6), practitioner="patel", limit=1)[0]
    answer = f"Dr. Priya Patel's next opening is {day_and_time(first.start, get_clinic())}"
    for intent in ("ask_clinicians", "clinic_hours"):  # the model's readings of it
        assert said("whats dr patels next opening", intent) == (
            f"{answer} at the {first.location_name}."
        )
    # [Book with Dr. Patel] (and "ok book it") books from that time: the booking reads it
    [button] = answered("whats dr patels next opening", "ask_clinicians")["buttons"]
    payload = json.loads(button["payload"].removeprefix("/book_appointment"))
    local = first.start.astimezone(get_clinic().tz)
    when = parse_when(payload["date"], datetime.now(get_clinic().tz))
    assert payload["practitioner"] == "patel" and when is not None
    assert when.start == local.date() and when.not_before <= local.time() <= when.not_after
    patient = client.create_patient("Noor", "Haddad", date(1990, 5, 5))
    client.book(patient.id, first.id, "follow_up")
    assert not said("whats dr patels next opening", "ask_clinicians").startswith(answer + " ")


def test_the_next_opening_leaves_the_booking_s_notice(fhir_env: FhirServer) -> None:
    # "Sam Lee, NP's next opening is Mon Dec 7, 12:00pm" at 11:40, then "ok book it": 12:30pm
    # first (the booking offers nothing in the next half hour)
    clinic = get_clinic()
    now = datetime.now(timezone.utc) + timedelta(days=1)
    client = fhir_env.client()
    first = client.find_free_slots(now, now + timedelta(weeks=6), practitioner="lee", limit=1)[0]
    soon = first.start - BOOKING_NOTICE + timedelta(minutes=10)
    opening = next_opening(clinic.practitioner("lee"), clinic, soon)
    assert opening is not None
    assert day_and_time(first.start, clinic) not in opening[0]
    opening = next_opening(clinic.practitioner("lee"), clinic, first.start - BOOKING_NOTICE)
    assert opening is not None and day_and_time(first.start, clinic) in opening[0]


def test_without_the_scheduling_api_her_days_are_said() -> None:
    # (no FHIR server: a closed port)
    assert said("whats dr patels next opening", "ask_clinicians").startswith(
        "Dr. Priya Patel sees patients at the Downtown Clinic on Mondays"
    )


@pytest.mark.parametrize(
    ("text", "read_as", "becomes"),
    [
        # how long a visit lasts, an appointment look-up
        ("how long is the wait to get in with dr patel", "faq", "ask_clinicians"),
        ("how far out is dr patel booked", "check_appointment", "ask_clinicians"),
        # a booking offers her soonest times; with no clinician, a booking too (how long a
        # visit lasts was said: the booking says it depends, and offers the soonest times)
        ("how soon can i get in to see dr patel", "book_appointment", "book_appointment"),
        ("when is sam lees next available appointment", "book_appointment", "ask_clinicians"),
        # ("Have you been seen here before?")
        ("whats the earliest i can get in with sam lee", "book_appointment", "ask_clinicians"),
        ("how long is the wait to get in", "faq", "book_appointment"),
    ],
)
def test_a_next_opening_goes_to_the_clinicians_answer(
    text: str, read_as: str, becomes: str
) -> None:
    [message] = TaskWordsGuard().process([parsed_message(text, read_as, 0.9, "greet", 0.1)])
    assert message.get("intent")["name"] == becomes
