"""A follow-up naming only a person is read as out_of_scope (addons/follow_up_guard.py), whose
action repeats the last look-up for that person."""

from __future__ import annotations

import pytest
from rasa.shared.nlu.training_data.message import Message

from addons.follow_up_guard import FollowUpGuard, is_follow_up


@pytest.mark.parametrize(
    "text",
    [
        "ok now mine",  # was a booking (0.91)
        "ok and for my son?",  # was a goodbye
        "what about me",
        "me too",
        "Mine too please",
        "same for me",
        "and my wife’s?",
        "now my daughter",
    ],
)
def test_a_person_after_and_or_now_is_a_follow_up(text: str) -> None:
    assert is_follow_up(text)


@pytest.mark.parametrize(
    "text",
    [
        "me",  # an answer to "who is it for?"
        "for me",
        "my son",
        "book me too",
        "you too",
        "what about saturday",
        "and the other office?",
        "what about my sons appointment",
        "and my son needs a checkup",
        "what about carlos rivera",  # a name: the look-up reads it (actions/fallback.py)
    ],
)
def test_a_task_a_day_a_place_or_a_bare_answer_is_not(text: str) -> None:
    assert not is_follow_up(text)


def test_the_guard_sets_out_of_scope_and_leaves_other_messages_alone() -> None:
    follow_up = Message(data={"text": "ok now mine"})
    follow_up.set("intent", {"name": "book_appointment", "confidence": 0.91}, add_to_output=True)
    booking = Message(data={"text": "book me too"})
    booking.set("intent", {"name": "book_appointment", "confidence": 0.95}, add_to_output=True)
    FollowUpGuard().process([follow_up, booking])
    assert follow_up.get("intent") == {"name": "out_of_scope", "confidence": 1.0}
    assert booking.get("intent") == {"name": "book_appointment", "confidence": 0.95}
