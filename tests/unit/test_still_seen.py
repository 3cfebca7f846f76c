""" "Will they still see me?" after the running-late answer is still about being late
(actions/still_seen.py), not "Yes. A balance on your account never stops you ..."."""

from __future__ import annotations

from typing import Any

import pytest
from rasa.shared.nlu.training_data.message import Message
from rasa_sdk.executor import CollectingDispatcher

from actions.fallback import ActionOutOfScope
from actions.still_seen import MARK_KEY
from addons.follow_up_guard import FollowUpGuard
from tests.support.actions import make_tracker


def selector(key: str) -> dict[str, Any]:
    return {"faq": {"response": {"intent_response_key": key, "confidence": 1.0}}}


def guarded(text: str, key: str, read_as: str = "faq") -> Message:
    message = Message(data={"text": text})
    message.set("intent", {"name": read_as, "confidence": 1.0}, add_to_output=True)
    message.set("response_selector", selector(key), add_to_output=True)
    FollowUpGuard().process([message])
    return message


@pytest.mark.parametrize("text", ["will they still see me?", "can i still come in"])
def test_the_balance_answer_without_money_words_is_a_follow_up(text: str) -> None:
    message = guarded(text, "faq/care_with_balance")
    assert message.get("intent")["name"] == "out_of_scope" and message.get(MARK_KEY) is True


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("will you still see me if i owe money", "faq/care_with_balance"),
        ("can i still be seen with an unpaid bill", "faq/care_with_balance"),
        ("no insurance, will you still see me?", "faq/care_with_balance"),
        ("will they still see me?", "faq/running_late"),
    ],
)
def test_money_words_or_another_answer_are_left_as_read(text: str, key: str) -> None:
    message = guarded(text, key)
    assert message.get("intent")["name"] == "faq" and not message.get(MARK_KEY)


def test_a_task_read_keeps_its_reading_whatever_answer_was_picked_beside_it() -> None:
    # the ResponseSelector picks an answer for every message: "is my son's visit still on for
    # friday" (a check) had the balance answer beside it, and became a follow-up
    message = guarded(
        "is my son's visit still on for friday", "faq/care_with_balance", "check_appointment"
    )
    assert message.get("intent")["name"] == "check_appointment" and not message.get(MARK_KEY)


RUNNING_LATE = [
    {
        "event": "user",
        "text": "im running 15 min late",
        "parse_data": {
            "intent": {"name": "faq", "confidence": 1.0},
            "response_selector": selector("faq/running_late"),
        },
    },
    {"event": "action", "name": "utter_faq"},
    {"event": "bot", "text": "Running late? Please call the front desk ..."},
    {"event": "action", "name": "action_listen"},
]


def _replayed(events: list[dict[str, Any]]) -> tuple[str, str]:
    tracker = make_tracker(
        "will they still see me?",
        intent="out_of_scope",
        events=events,
        extra={MARK_KEY: True, "response_selector": selector("faq/care_with_balance")},
    )
    dispatcher = CollectingDispatcher()
    replay = ActionOutOfScope().run(dispatcher, tracker, {})
    assert dispatcher.messages == []
    parse = replay[-1]["parse_data"]
    return parse["intent"]["name"], parse["response_selector"]["faq"]["response"][
        "intent_response_key"
    ]


def test_after_the_running_late_answer_it_is_that_answer_again() -> None:
    # a patient 15 minutes late was told "Yes. A balance on your account never stops you ..."
    assert _replayed(RUNNING_LATE) == ("faq", "faq/running_late")


def test_elsewhere_the_answer_picked_stands() -> None:
    assert _replayed([]) == ("faq", "faq/care_with_balance")
