"""Running late, and the front desk asked to be told (actions/running_late.py)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest
from rasa_sdk.events import ConversationPaused
from rasa_sdk.executor import CollectingDispatcher

from actions.clinic_config import ClinicConfig
from actions.fallback import ActionAskAffirmation, ActionOutOfScope
from actions.running_late import tell_front_desk
from actions.settings import get_clinic
from tests.support.actions import handoff_env, make_tracker  # noqa: F401
from tests.support.receivers import HandoffReceiver

LATE_ANSWERED = [
    {"event": "user", "text": "im running about 10 min late for my 9am"},
    {
        "event": "bot",
        "text": "Running late? Please call the front desk ...",
        "metadata": {"utter_action": "utter_faq/running_late"},
    },
    {"event": "user", "text": "Carlos Rivera"},
    {"event": "bot", "text": "Thanks, Carlos. What can I help you with?"},
]


def at(monkeypatch: pytest.MonkeyPatch, hour: int) -> None:
    tuesday = datetime(2026, 12, 8, hour, 15, tzinfo=get_clinic().tz)
    monkeypatch.setattr(ClinicConfig, "now", lambda self: tuesday)


def test_while_staff_are_in_the_front_desk_is_told(
    monkeypatch: pytest.MonkeyPatch,
    handoff_env: HandoffReceiver,  # noqa: F811
) -> None:
    """ "can you let them know" after the running-late answer got "Did you want to ask whether
    I'm a bot?"."""
    at(monkeypatch, 9)
    tracker = make_tracker(
        "can you let them know", intent="nlu_fallback", events=LATE_ANSWERED, sender_id="late-1"
    )
    dispatcher = CollectingDispatcher()
    events = ActionAskAffirmation().run(dispatcher, tracker, {})
    assert dispatcher.messages[0]["text"].startswith("I'll pass it on to our front desk now.")
    assert "(916) 555-0142" in dispatcher.messages[0]["text"]
    assert ConversationPaused() in events
    [record] = handoff_env.records
    assert record["reason"] == "request_human"
    assert "Running late (told the assistant)" in record["summary"]


def test_while_staff_are_away_it_is_said_nobody_can_pass_it_on(
    monkeypatch: pytest.MonkeyPatch,
    handoff_env: HandoffReceiver,  # noqa: F811
) -> None:
    at(monkeypatch, 23)
    tracker = make_tracker("pls tell them im on my way", "out_of_scope", events=LATE_ANSWERED)
    dispatcher = CollectingDispatcher()
    assert ActionOutOfScope().run(dispatcher, tracker, {}) == []
    [message] = dispatcher.messages
    assert message["text"].startswith("Our front desk is closed right now")
    assert message["buttons"] == [
        {"title": "Move my appointment", "payload": "/reschedule_appointment"}
    ]
    assert handoff_env.records == []


@pytest.mark.parametrize(
    ("text", "events"),
    [
        ("can you let them know", []),  # no running-late answer before it
        ("ok thanks", LATE_ANSWERED),  # no request to tell anyone
    ],
)
def test_nothing_is_passed_on_otherwise(text: str, events: list[dict[str, Any]]) -> None:
    tracker = make_tracker(text, intent="nlu_fallback", events=events)
    assert tell_front_desk(CollectingDispatcher(), tracker) is None
