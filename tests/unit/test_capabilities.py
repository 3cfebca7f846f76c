""" "What can you do?" asked of the assistant (actions/capabilities.py): read as out of scope by
the FollowUpGuard whatever the model read, and answered with what the assistant does."""

from __future__ import annotations

import pytest
from rasa.shared.nlu.training_data.message import Message
from rasa_sdk.executor import CollectingDispatcher

from actions.capabilities import asks_what_i_can_do
from actions.fallback import ActionOutOfScope
from addons.follow_up_guard import FollowUpGuard
from tests.support.actions import make_tracker


@pytest.mark.parametrize(
    ("text", "read_as"),
    [
        ("what can you do", "billing_balance"),  # 0.77: "What is the patient's full name?"
        ("ok what else can you do?", "faq"),
        ("what are you able to do", "clinic_hours"),
        ("what can you help me with", "billing_balance"),
        ("menu", "stop"),  # 1.0: "Okay, I've stopped that"
        ("what are my options", "billing_pay"),
        ("what kind of things can i ask you", "greet"),
    ],
)
def test_what_the_assistant_does_is_asked_whatever_the_model_read(text: str, read_as: str) -> None:
    assert asks_what_i_can_do(text)
    message = Message(data={"text": text})
    message.set("intent", {"name": read_as, "confidence": 0.9}, add_to_output=True)
    FollowUpGuard().process([message])
    assert message.get("intent")["name"] == "out_of_scope"


@pytest.mark.parametrize(
    "text",
    [
        "what can you do about my bill",  # a billing question
        "what can you do for a sore throat",
        "what are my payment options",
        "what do you do for back pain",
        "can you do anything about the parking",
    ],
)
def test_a_question_about_something_is_not(text: str) -> None:
    assert not asks_what_i_can_do(text)


def test_the_answer_says_what_the_assistant_does_with_a_button_for_each() -> None:
    dispatcher = CollectingDispatcher()
    events = ActionOutOfScope().run(
        dispatcher, make_tracker("what can you do", intent="out_of_scope"), {}
    )
    assert events == []
    [said] = dispatcher.messages
    assert said["response"] == "utter_what_i_can_do"
