"""An appointment named by its place in the list the bot has just shown ("can i move the first
one to friday afternoon"), against the real embedded FHIR backend."""

from __future__ import annotations

from typing import Any

import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions.cancel_appointment import ValidateCancelForm
from actions.manage_appointments import listed_place
from actions.reschedule_appointment import ValidateRescheduleForm
from tests.support.actions import make_tracker
from tests.support.fhir_servers import FhirServer

LISTED = [
    {"event": "user", "text": "what appointments do i have"},
    {
        "event": "bot",
        "text": "Here's what's coming up for Dana Whitfield: ...",
        "metadata": {"utter_action": "utter_upcoming_appointments"},
    },
]


def slots_of(events: list[dict[str, Any]]) -> dict[str, Any]:
    return {e["name"]: e["value"] for e in events if e.get("event") == "slot"}


@pytest.mark.parametrize(
    ("text", "place"),
    [
        ("can i move the first one to friday afternoon", 0),
        ("cancel the 2nd appt please", 1),
        ("the last one", -1),
        ("move the latter one", -1),
        ("can i come in first thing friday", None),  # a time of day, not a place in the list
        ("move my appointment", None),
    ],
)
def test_a_place_in_the_list_just_shown(text: str, place: int | None) -> None:
    assert listed_place(make_tracker(text, events=LISTED)) == place


def test_no_list_just_shown_no_place() -> None:
    """ "the first one" with no list before it names nothing (an earlier turn's list is gone:
    a question came between)."""
    assert listed_place(make_tracker("move the first one")) is None
    later = [*LISTED, {"event": "user", "text": "ok"}, {"event": "bot", "text": "Anything else?"}]
    assert listed_place(make_tracker("move the first one", events=later)) is None


def test_moving_the_first_one_listed_moves_it(
    fhir_env: FhirServer, two_booked: dict[str, Any]
) -> None:
    """It asked "Which appointment would you like to move?" with both as buttons."""
    tracker = make_tracker(
        "can i move the first one to friday afternoon",
        intent="reschedule_appointment",
        slots=two_booked,
        events=LISTED,
    )
    slots = slots_of(ValidateRescheduleForm().run(CollectingDispatcher(), tracker, {}))
    first, _second = slots["my_appointments"]
    assert slots["appointment_choice"] == first["id"]
    assert slots["requested_slot"] != "appointment_choice"


def test_cancelling_the_last_one_listed_asks_to_cancel_it(
    fhir_env: FhirServer, two_booked: dict[str, Any]
) -> None:
    tracker = make_tracker(
        "please cancel the last one", intent="cancel_appointment", slots=two_booked, events=LISTED
    )
    slots = slots_of(ValidateCancelForm().run(CollectingDispatcher(), tracker, {}))
    _first, second = slots["my_appointments"]
    assert slots["appointment_choice"] == second["id"]
    assert slots["requested_slot"] == "cancel_confirmed"


def test_the_first_one_with_no_list_shown_asks_which(
    fhir_env: FhirServer, two_booked: dict[str, Any]
) -> None:
    tracker = make_tracker("move the first one", intent="reschedule_appointment", slots=two_booked)
    slots = slots_of(ValidateRescheduleForm().run(CollectingDispatcher(), tracker, {}))
    assert slots.get("appointment_choice") is None
    assert slots["requested_slot"] == "appointment_choice"
