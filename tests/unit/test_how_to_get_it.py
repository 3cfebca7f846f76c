"""'how do i get it?' right after a common question's answer is that answer's how, not
directions (actions/how_to_get_it.py, addons/follow_up_guard.py)."""

from __future__ import annotations

from typing import Any

import pytest
from rasa.shared.nlu.training_data.message import Message
from rasa_sdk.executor import CollectingDispatcher

from actions.fallback import ActionOutOfScope
from actions.how_to_get_it import is_how_long_it_takes, is_how_to_get_it
from actions.second_request import READ_AS_KEY
from addons.follow_up_guard import FollowUpGuard
from tests.support.actions import make_tracker

NOTE_ANSWERED = [
    {"event": "user", "text": "i need a doctors note for work, i was sick yesterday"},
    {"event": "action", "name": "utter_faq"},
    {
        "event": "bot",
        "text": "Forms ... doctor's notes ... are handled by your provider's team.",
        "metadata": {"utter_action": "utter_faq/forms_notes"},
    },
    {"event": "action", "name": "action_listen"},
]


@pytest.mark.parametrize(
    "text", ["how do i get it then", "ok how do i get one?", "so how do i request that"]
)
def test_how_to_get_it_is_a_follow_up(text: str) -> None:
    assert is_how_to_get_it(text)


@pytest.mark.parametrize(
    "text",
    ["how do i get there", "how do i get to the north office", "how do i get a flu shot"],
)
def test_how_to_get_somewhere_or_something_named_is_not(text: str) -> None:
    assert not is_how_to_get_it(text)


def test_the_guard_keeps_what_the_model_read() -> None:
    message = Message(data={"text": "how do i get it then"})
    message.set("intent", {"name": "directions", "confidence": 0.93}, add_to_output=True)
    FollowUpGuard().process([message])
    assert message.get("intent")["name"] == "out_of_scope"
    assert message.get(READ_AS_KEY) == "directions"


def _out_of_scope(events: list[dict[str, Any]], read_as: str) -> tuple[list, list]:
    tracker = make_tracker(
        "how do i get it then", intent="out_of_scope", events=events, extra={READ_AS_KEY: read_as}
    )
    dispatcher = CollectingDispatcher()
    return ActionOutOfScope().run(dispatcher, tracker, {}), dispatcher.messages


def test_after_a_common_question_its_answer_comes_again() -> None:
    # "how do i get it then" after the doctor's-note answer gave the offices' addresses
    events, said = _out_of_scope(NOTE_ANSWERED, "directions")
    assert events == []
    assert [m["response"] for m in said] == ["utter_how_to_get_it", "utter_faq/forms_notes"]


def test_elsewhere_the_model_s_reading_stands() -> None:
    events, said = _out_of_scope([], "directions")
    assert said == []
    assert events[-1]["parse_data"]["intent"]["name"] == "directions"
    # ...also after "do you do flu shots?" - "Yes, we do.": "how do i get one" is as read
    offered = [dict(e) for e in NOTE_ANSWERED]
    offered[2] = {**offered[2], "metadata": {"utter_action": "utter_faq/service_offered"}}
    events, said = _out_of_scope(offered, "book_appointment")
    assert said == [] and events[-1]["parse_data"]["intent"]["name"] == "book_appointment"


def test_a_common_question_read_stays_that_question() -> None:
    selected = {"faq": {"response": {"intent_response_key": "faq/records"}}}
    tracker = make_tracker(
        "how do i request that",
        intent="out_of_scope",
        extra={READ_AS_KEY: "faq", "response_selector": selected},
    )
    events = ActionOutOfScope().run(CollectingDispatcher(), tracker, {})
    assert events[-1]["parse_data"]["intent"]["name"] == "faq"
    assert events[-1]["parse_data"]["response_selector"] == selected


RECORDS_ANSWERED = [
    {"event": "user", "text": "I need a copy of my medical records sent to my new doctor"},
    {"event": "action", "name": "utter_faq"},
    {
        "event": "bot",
        "text": "You can get a copy of your records ... Requests are usually ready within 15 ...",
        "metadata": {"utter_action": "utter_faq/records_request"},
    },
    {"event": "action", "name": "action_listen"},
]


@pytest.mark.parametrize(
    "text",
    [
        "how long does that take",
        "ok how long will it take?",
        "how soon will they be ready",
        "how long till they're ready",
    ],
)
def test_how_long_it_takes_is_a_follow_up(text: str) -> None:
    assert is_how_long_it_takes(text)


@pytest.mark.parametrize(
    "text",
    ["how long does a physical take", "how long does it take to get there", "how long is the wait"],
)
def test_how_long_something_named_takes_is_not(text: str) -> None:
    assert not is_how_long_it_takes(text)


def test_the_guard_makes_how_long_a_follow_up() -> None:
    message = Message(data={"text": "how long does that take"})
    message.set("intent", {"name": "faq", "confidence": 0.97}, add_to_output=True)
    FollowUpGuard().process([message])
    assert message.get("intent")["name"] == "out_of_scope"
    assert message.get(READ_AS_KEY) == "faq"


def _how_long(events: list[dict[str, Any]], read_as: str) -> tuple[list, list]:
    tracker = make_tracker(
        "how long does that take",
        intent="out_of_scope",
        events=events,
        extra={READ_AS_KEY: read_as},
    )
    dispatcher = CollectingDispatcher()
    return ActionOutOfScope().run(dispatcher, tracker, {}), dispatcher.messages


def test_after_the_records_answer_how_long_records_take() -> None:
    # it got how long a visit lasts (faq/visit_length)
    events, said = _how_long(RECORDS_ANSWERED, "faq")
    assert events == []
    assert [m["response"] for m in said] == ["utter_records_how_long"]


def test_after_an_answer_with_no_time_the_front_desk() -> None:
    events, said = _how_long(NOTE_ANSWERED, "faq")
    assert events == []
    assert [m["response"] for m in said] == ["utter_how_long_unknown"]


def test_with_no_common_question_before_it_is_as_read() -> None:
    # after a booking, "how long will it take" is how long the visit lasts, as the model reads it
    events, said = _how_long([], "book_appointment")
    assert said == []
    assert events[-1]["parse_data"]["intent"]["name"] == "book_appointment"
    # ...and after the visit's length itself, or a service we offer ("do you do flu shots?")
    for answer in ("utter_faq/visit_length", "utter_faq/service_offered"):
        lasted = [dict(e) for e in NOTE_ANSWERED]
        lasted[2] = {**lasted[2], "metadata": {"utter_action": answer}}
        events, said = _how_long(lasted, "book_appointment")
        assert said == [] and events[-1]["parse_data"]["intent"]["name"] == "book_appointment"
