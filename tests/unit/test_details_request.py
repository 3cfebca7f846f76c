"""A request written after the name and birth date is that request (actions/details_request.py),
not "Thanks, Carlos. What can I help you with?"."""

from __future__ import annotations

import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions.fallback import ActionDetailsGiven
from tests.support.actions import make_tracker
from tests.support.nlu import CannedNlu

BILL = "I got a bill for $240 and I don't understand it"


def _run(text: str) -> tuple[list, list]:
    dispatcher = CollectingDispatcher()
    events = ActionDetailsGiven().run(dispatcher, make_tracker(text, intent="inform"), {})
    return events, dispatcher.messages


def test_the_request_after_the_name_and_date_is_read_alone_and_replayed(
    canned_nlu: CannedNlu,
) -> None:
    canned_nlu.readings[BILL] = {"intent": {"name": "billing_dispute", "confidence": 0.97}}
    text = f"hi, I'm Carlos Rivera, 9/30/1975. {BILL}"
    events, said = _run(text)
    assert canned_nlu.asked == [BILL]  # the rest alone: no name, no date
    assert said == []
    assert events[-1]["event"] == "user" and events[-1]["text"] == text
    assert events[-1]["parse_data"]["intent"]["name"] == "billing_dispute"


@pytest.mark.parametrize(
    ("reading", "confidence"),
    [("billing_dispute", 0.6), ("greet", 0.99), ("faq", 0.99), ("crisis", 0.99)],
)
def test_an_unsure_or_other_reading_keeps_the_thanks_and_question(
    canned_nlu: CannedNlu, reading: str, confidence: float
) -> None:
    canned_nlu.readings[BILL] = {"intent": {"name": reading, "confidence": confidence}}
    events, said = _run(f"hi, I'm Carlos Rivera, 9/30/1975. {BILL}")
    assert events == [] and [m["response"] for m in said] == ["utter_how_can_help_named"]


def test_a_name_and_date_alone_ask_the_model_nothing(canned_nlu: CannedNlu) -> None:
    events, said = _run("hi its carlos rivera 9/30/1975 here")
    assert canned_nlu.asked == [] and events == []
    assert [m["response"] for m in said] == ["utter_how_can_help_named"]
    # ...nor when it cannot be asked
    canned_nlu.down = True
    events, said = _run(f"hi, I'm Carlos Rivera, 9/30/1975. {BILL}")
    assert events == [] and [m["response"] for m in said] == ["utter_how_can_help_named"]
