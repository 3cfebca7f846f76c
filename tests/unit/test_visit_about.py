"""What a kind of visit is, asked before or while booking it (actions/visit_about.py)."""

from __future__ import annotations

import pytest
from rasa.shared.nlu.training_data.message import Message
from rasa_sdk.executor import CollectingDispatcher

from actions.booking import ValidateBookingForm
from actions.fallback import ActionOutOfScope
from actions.settings import get_clinic
from actions.visit_about import visits_explained
from addons.services_guard import ServicesQuestionGuard
from tests.support.actions import make_tracker


def about(visit_id: str) -> str:
    visit = get_clinic().visit_type(visit_id)
    assert visit is not None and visit.about
    return visit.about


def test_every_visit_type_says_what_it_is() -> None:
    assert all(visit.about for visit in get_clinic().visit_types)


@pytest.mark.parametrize(
    ("text", "visits"),
    [
        (
            "whats the difference between a physical and a well woman exam",
            ["physical", "womens_health"],
        ),
        ("what's the difference between a sick visit and a follow up", ["sick", "follow_up"]),
        ("what does a physical include", ["physical"]),
        ("what's a well child visit? my son is 5", ["well_child"]),
        ("what happens at a new patient visit", ["new_patient"]),
        ("what is a follow up visit", ["follow_up"]),
        # no question what a visit is
        ("what is a good time to book a physical", []),
        ("i need a physical", []),
        ("what's the difference between the two offices", []),
    ],
)
def test_the_visits_a_message_asks_about(text: str, visits: list[str]) -> None:
    assert [v.id for v in visits_explained(text, get_clinic())] == visits


def _book(text: str, slots: dict | None = None) -> tuple[dict, list[dict]]:
    dispatcher = CollectingDispatcher()
    tracker = make_tracker(
        text, intent="book_appointment", slots=slots or {}, active_loop="booking_form"
    )
    events = ValidateBookingForm().run(dispatcher, tracker, {})
    found = {e["name"]: e["value"] for e in events if e.get("event") == "slot"}
    return found, dispatcher.messages


def test_a_booking_begun_with_the_difference_asked_says_it_and_asks_which() -> None:
    # "Happy to help you book", the question unanswered, and the physical taken as the visit
    found, said = _book("whats the difference between a physical and a well woman exam")
    assert [m["text"] for m in said] == [f"{about('physical')} {about('womens_health')}"]
    assert said[0]["buttons"] == []
    assert "visit_type" not in found and found["requested_slot"] == "patient_status"
    # one visit asked about is the one to book
    found, said = _book("what does a physical include? i'd like one")
    assert [m["text"] for m in said] == [about("physical")]
    assert found["visit_type"] == "physical"


def test_asked_at_the_visit_question_it_is_said_and_asked_again() -> None:
    # "what's a follow up visit?" at "What kind of visit?" chose it
    slots = {"patient_status": "returning", "requested_slot": "visit_type"}
    found, said = _book("what's a follow up visit?", slots)
    assert found == {"visit_type": None, "requested_slot": "visit_type"}
    assert [m["text"] for m in said] == [about("follow_up")]


def test_asked_at_another_question_it_is_said_and_nothing_is_taken_from_it() -> None:
    # "what is a new patient visit?" at "Have you been seen here before?" is no "new"
    found, said = _book("what is a new patient visit?", {"requested_slot": "patient_status"})
    assert found == {"patient_status": None, "requested_slot": "patient_status"}
    assert [m["text"] for m in said] == [about("new_patient")]
    # ...nor, at the day question, another visit than the one being booked
    slots = {
        "patient_status": "returning",
        "visit_type": "physical",
        "practitioner": "patel",
        "location": "north",
        "requested_slot": "date_preference",
    }
    found, said = _book("what's a follow up visit?", slots)
    assert found == {"date_preference": None, "requested_slot": "date_preference"}
    assert [m["text"] for m in said] == [about("follow_up")]


def test_asked_outside_a_booking_it_is_said_with_a_button_to_book() -> None:
    dispatcher = CollectingDispatcher()
    tracker = make_tracker("what is a follow up visit", intent="out_of_scope")
    assert ActionOutOfScope().run(dispatcher, tracker, {}) == []
    [message] = dispatcher.messages
    assert message["text"] == about("follow_up")
    payload = '/book_appointment{"visit_type": "follow_up"}'
    assert message["buttons"] == [{"title": "Book a follow-up visit", "payload": payload}]


@pytest.mark.parametrize(
    ("text", "read_as", "becomes"),
    [
        # the opening hours, the insurance plans, the visit length
        ("what does a physical include", "clinic_hours", "out_of_scope"),
        ("what is a follow up visit", "billing_insurance", "out_of_scope"),
        ("what happens at a new patient visit", "faq", "out_of_scope"),
        # a booking says it itself; a symptom or a safety reading stays
        ("whats the difference between a physical and a well woman exam", "book_appointment", None),
        ("what is a sick visit, my son has a fever", "medical_advice", None),
        ("what is a sick visit, i cant breathe", "emergency", None),
    ],
)
def test_the_guard_reads_a_visit_asked_about_as_out_of_scope(
    text: str, read_as: str, becomes: str | None
) -> None:
    message = Message(data={"text": text})
    message.set("intent", {"name": read_as, "confidence": 0.6}, add_to_output=True)
    ServicesQuestionGuard().process([message])
    assert message.get("intent")["name"] == (becomes or read_as)
