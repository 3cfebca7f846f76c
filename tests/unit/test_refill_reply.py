"""A medicine named right after the refill answer is heard, and how to get it refilled said
again (actions/refill_reply.py), instead of "Did you want to find out about our doctors?";
medicine running low gets what to do today and the nurse line."""

from __future__ import annotations

import pytest
from rasa.shared.nlu.training_data.message import Message
from rasa_sdk.executor import CollectingDispatcher

from actions.fallback import (
    ActionAskAffirmation,
    ActionAskRephrase,
    ActionDetailsGiven,
    ActionOutOfScope,
)
from actions.refill_reply import running_low
from actions.second_request import READ_AS_KEY
from addons.follow_up_guard import FollowUpGuard
from tests.support.actions import make_tracker

REFILL_ANSWERED = [
    {"event": "user", "text": "can i get a refill on my blood pressure meds"},
    {"event": "action", "name": "utter_faq"},
    {
        "event": "bot",
        "text": "I can't refill prescriptions myself, but our staff handle refills. ...",
        "metadata": {"utter_action": "utter_faq/prescription_refill"},
    },
    {"event": "action", "name": "action_listen"},
]
PARKING_ANSWERED = [
    {"event": "user", "text": "where do i park"},
    {"event": "bot", "text": "Parking ...", "metadata": {"utter_action": "utter_faq/parking"}},
    {"event": "action", "name": "action_listen"},
]


def _said(action: object, text: str, intent: str, events: list) -> list[str | None]:
    dispatcher = CollectingDispatcher()
    ranking = [{"name": "ask_clinicians", "confidence": 0.3}]
    tracker = make_tracker(text, intent=intent, events=events, extra={"intent_ranking": ranking})
    action.run(dispatcher, tracker, {})  # type: ignore[attr-defined]
    return [m.get("response") for m in dispatcher.messages]


@pytest.mark.parametrize("text", ["lisinopril", "my atorvastatin", "metformin 500mg"])
def test_a_medicine_named_after_the_refill_answer_is_heard(text: str) -> None:
    said = _said(ActionAskAffirmation(), text, "nlu_fallback", REFILL_ANSWERED)
    assert said == ["utter_refill_medicine_named"]
    # read as details ("the blue inhaler": "What can I help you with?")
    said = _said(ActionDetailsGiven(), "the blue inhaler", "inform", REFILL_ANSWERED)
    assert said == ["utter_refill_medicine_named"]


@pytest.mark.parametrize(
    ("text", "events"),
    [
        ("lisinopril", PARKING_ANSWERED),  # not after the refill answer
        ("lisinopril", []),
        # a question, or a request of ours, after it
        ("is lisinopril ok?", REFILL_ANSWERED),
        ("where do i park", REFILL_ANSWERED),
        ("ok and can you tell me more about your doctors please", REFILL_ANSWERED),
    ],
)
def test_anything_else_is_not(text: str, events: list) -> None:
    said = _said(ActionAskAffirmation(), text, "nlu_fallback", events)
    assert "utter_refill_medicine_named" not in said


@pytest.mark.parametrize(
    "text",
    [
        "i only have 2 pills left",
        "i ran out yesterday, is that bad",
        "im almost out",
        "down to my last pill",
    ],
)
def test_running_low_after_the_refill_answer_gets_what_to_do_today(text: str) -> None:
    # 911 and a paused chat (the classifier alone), then "Did you want to tell us about a
    # problem with your care?"; a name asked for; the refill answer word for word
    assert running_low(text)
    for action, intent in (
        (ActionAskAffirmation(), "nlu_fallback"),
        (ActionOutOfScope(), "out_of_scope"),
    ):
        assert _said(action, text, intent, REFILL_ANSWERED) == ["utter_refill_running_low"]


def test_running_low_with_a_medicine_named_needs_no_refill_answer_before() -> None:
    said = _said(ActionOutOfScope(), "i ran out of my blood pressure meds", "out_of_scope", [])
    assert said == ["utter_refill_running_low"]


@pytest.mark.parametrize(
    "text",
    ["running out of time", "im out", "ran out of money for the copay", "he ran out of the room"],
)
def test_other_things_run_out_are_not_medicine(text: str) -> None:
    assert not running_low(text)


def test_running_low_elsewhere_is_as_the_model_read_it() -> None:
    # "im almost out" with nothing before it: no medicine named, no refill answer
    tracker = make_tracker(
        "im almost out", intent="out_of_scope", extra={READ_AS_KEY: "billing_pay"}
    )
    dispatcher = CollectingDispatcher()
    events = ActionOutOfScope().run(dispatcher, tracker, {})
    assert dispatcher.messages == []
    assert events[-1]["parse_data"]["intent"]["name"] == "billing_pay"
    # ...and a request said with it is that request, not the refill reply
    said = _said(ActionOutOfScope(), "ran out of my meds, where do i park", "out_of_scope", [])
    assert "utter_refill_running_low" not in said


@pytest.mark.parametrize(
    ("text", "read_as", "guarded"),
    [
        ("i ran out yesterday, is that bad", "check_appointment", True),
        ("im almost out", "faq", True),
        # the safety layer decides (safety/triage.yml look-alikes), and a request stays one
        ("i only have 2 pills left", "emergency", False),
        ("ran out of my meds, can i book a visit with dr patel", "book_appointment", False),
    ],
)
def test_the_guard_reads_running_low_as_a_follow_up(text: str, read_as: str, guarded: bool) -> None:
    message = Message(data={"text": text})
    message.set("intent", {"name": read_as, "confidence": 0.9}, add_to_output=True)
    FollowUpGuard().process([message])
    assert (message.get("intent")["name"] == "out_of_scope") is guarded
    assert (message.get(READ_AS_KEY) == read_as) is guarded


def test_a_follow_up_after_a_fallback_that_answered_is_no_no() -> None:
    # "i only have 2 pills left" (the fallback, which gave the refill reply without asking),
    # then "i ran out yesterday, is that bad" (out_of_scope: the fallback loop's "no"): "Sorry,
    # I didn't quite get that"
    replied = [
        *REFILL_ANSWERED,
        {"event": "user", "text": "i only have 2 pills left"},
        {"event": "bot", "text": "Thanks for telling me. ...", "metadata": {}},
    ]
    replied[-1]["metadata"] = {"utter_action": "utter_refill_running_low"}
    said = _said(ActionAskRephrase(), "i ran out yesterday, is that bad", "out_of_scope", replied)
    assert said == ["utter_refill_running_low"]
