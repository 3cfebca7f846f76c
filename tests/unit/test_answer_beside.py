"""An answer said beside a question ("downtown i guess. where do i park there") is kept when
the form resumes after the question's own answer."""

from __future__ import annotations

from typing import Any

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.answer_beside import statement_clauses
from actions.booking import ValidateBookingForm
from tests.support.actions import make_tracker


@pytest.mark.parametrize(
    ("text", "statements"),
    [
        ("downtown i guess. where do i park there", ["downtown i guess"]),
        ("north office, is there parking", ["north office"]),
        ("dr patel please and do you take aetna", ["dr patel please"]),
        ("tuesday works. whats the address?", ["tuesday works"]),
        ("where do i park at the north office", []),  # the question alone
        ("is parking free? and do you validate?", []),
        ("downtown", []),  # an answer alone: the form reads it the usual way
        # the time picked was dropped: no question was seen after "wait", nor in "wheres"
        ("the 1pm one. wait is parking free there", ["the 1pm one"]),
        ("the thu one. wheres the parking", ["the thu one"]),
        ("wait no the 2pm one", []),
    ],
)
def test_the_clauses_that_are_not_questions(text: str, statements: list[str]) -> None:
    assert statement_clauses(text) == statements


def resumed_after_the_question(text: str, intent: str, requested: str) -> Tracker:
    """The form runs again after the question's own rule answered ``text``."""
    slots = {"patient_status": "returning", "visit_type": "physical", "requested_slot": requested}
    if requested == "location":
        slots["practitioner"] = "any"
    tracker = make_tracker(text, intent=intent, slots=slots, active_loop="booking_form")
    tracker.events.append({"event": "action", "name": "utter_parking"})
    return tracker


def slots_of(events: list[dict[str, Any]]) -> dict[str, Any]:
    return {e["name"]: e["value"] for e in events if e.get("event") == "slot"}


def test_the_office_said_with_a_parking_question_is_kept() -> None:
    tracker = resumed_after_the_question(
        "downtown i guess. where do i park there", "parking", "location"
    )
    slots = slots_of(ValidateBookingForm().run(CollectingDispatcher(), tracker, {}))
    assert slots["location"] == "downtown"
    assert slots["requested_slot"] == "date_preference"  # not "Which office?" again


def test_the_clinician_said_with_a_fax_question_is_kept() -> None:
    tracker = resumed_after_the_question(
        "dr gonzalez please. and whats your fax number", "contact_info", "practitioner"
    )
    slots = slots_of(ValidateBookingForm().run(CollectingDispatcher(), tracker, {}))
    assert slots["practitioner"] == "gonzalez"
    assert slots["requested_slot"] != "practitioner"


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("where do i park at the north office", "parking"),  # asked about, not chosen
        ("im not sure yet. where do i park", "parking"),  # no answer in it
    ],
)
def test_a_question_alone_still_asks_again(text: str, intent: str) -> None:
    tracker = resumed_after_the_question(text, intent, "location")
    slots = slots_of(ValidateBookingForm().run(CollectingDispatcher(), tracker, {}))
    assert slots == {"requested_slot": "location"}
