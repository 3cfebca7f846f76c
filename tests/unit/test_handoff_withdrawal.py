"""A waiting patient who writes "never mind" (actions.handoff_withdrawal, HandoffClient.withdraw).

The console's side (which items may be withdrawn) is tested over HTTP in
tests/integration/test_console_api.py, and end to end in test_console_stack.py.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from rasa_sdk.events import ActionExecuted, ConversationResumed, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.clients.handoff import HandoffClient, HandoffRecord
from actions.clinic_config import ClinicConfig
from actions.handoff import handoff_client
from actions.handoff_withdrawal import ActionWithdrawHandoff, asked_in, asked_while_away
from actions.settings import get_clinic
from tests.support.actions import SECRET, make_tracker, texts
from tests.support.receivers import HandoffReceiver


def withdraw(
    handoff_id: str | None, text: str = "never mind, I sorted it out"
) -> tuple[list[object], list[str]]:
    dispatcher = CollectingDispatcher()
    tracker = make_tracker(
        text,
        intent="deny",
        slots={"handoff_id": handoff_id},
        paused=True,
        sender_id="conv-w",
    )
    events = ActionWithdrawHandoff().run(dispatcher, tracker, {})
    return events, texts(dispatcher)


def delivered(receiver: HandoffReceiver, priority: str = "normal") -> str:
    record = HandoffRecord("conv-w", "request_human", priority, "front_desk", "web", "s")
    assert handoff_client().send(record) is True
    return record.handoff_id


def test_a_withdrawn_request_gives_the_assistant_back(handoff_env: HandoffReceiver) -> None:
    handoff_id = delivered(handoff_env)
    events, said = withdraw(handoff_id)
    assert events == [ConversationResumed(), SlotSet("handoff_id", None)]
    assert handoff_env.withdrawals == [(handoff_id, {"conversation_id": "conv-w"})]
    [text] = said
    assert "let our staff know you don't need them" in text
    assert get_clinic().clinic.main_phone in text  # a person is still one call away


def test_an_urgent_or_claimed_request_stays_with_staff(handoff_env: HandoffReceiver) -> None:
    handoff_id = delivered(handoff_env, "urgent")
    handoff_env.withdraw_outcome = "urgent"
    events, [text] = withdraw(handoff_id)
    assert events == []
    assert "will still check in" in text and "call 911" in text and "988" in text

    handoff_env.withdraw_outcome = "claimed"
    events, [text] = withdraw(handoff_id)
    assert events == []
    assert "already picked up your message" in text


def test_console_down_still_gives_the_assistant_back_and_says_so(
    handoff_env: HandoffReceiver,
) -> None:
    handoff_id = delivered(handoff_env)
    handoff_env.fail_next(1)
    events, [text] = withdraw(handoff_id)
    assert events == [ConversationResumed(), SlotSet("handoff_id", None)]
    assert "someone may still write to you here" in text


def test_a_request_the_console_never_got_is_withdrawn_from_the_outbox(tmp_path: Path) -> None:
    down = HandoffClient(
        "http://127.0.0.1:9/api/handoffs", SECRET, tmp_path / "o.sqlite3", retry_interval=3600
    )
    normal = HandoffRecord("c1", "complaint", "normal", "service", "web", "s")
    urgent = HandoffRecord("c2", "crisis", "urgent", "clinical", "web", "s")
    assert down.send(normal) is False and down.send(urgent) is False
    assert down.withdraw(normal.handoff_id, "c1") == "withdrawn"
    # an emergency is delivered and checked on, whatever the patient writes after it
    assert down.withdraw(urgent.handoff_id, "c2") == "urgent"
    assert down.pending() == 1
    assert down.withdraw("no-such-handoff", "c3") == "unreachable"


def test_an_unknown_handoff_gives_the_assistant_back(handoff_env: HandoffReceiver) -> None:
    assert handoff_client().withdraw("never-sent", "conv-w") == "unknown"
    events, [text] = withdraw(None)
    assert events == [ConversationResumed(), SlotSet("handoff_id", None)]
    assert text.startswith("Okay, no problem. I'm back to help")


def test_a_question_asked_with_the_withdrawal_is_answered_next(
    handoff_env: HandoffReceiver,
) -> None:
    # "never mind, what time do you open monday": "what can I do for you?", the question lost
    handoff_id = delivered(handoff_env)
    events, [text] = withdraw(handoff_id, "never mind, what time do you open monday")
    resumed, cleared, listen, replay = events
    assert (resumed, cleared) == (ConversationResumed(), SlotSet("handoff_id", None))
    assert listen == ActionExecuted("action_listen")
    assert replay["text"] == "what time do you open monday"
    assert replay["parse_data"]["intent"]["name"] == "clinic_hours"
    assert "let our staff know" in text and "what can I do for you" not in text
    # the withdrawal's own words ask nothing: "cancel that" is no cancellation
    events, _ = withdraw(delivered(handoff_env), "cancel that request")
    assert events == [ConversationResumed(), SlotSet("handoff_id", None)]


@pytest.mark.parametrize(
    ("text", "asked"),
    [
        # the chat was given back, and the question lost
        (
            "nevermind, can you just tell me when the office opens tomorrow",
            "can you just tell me when the office opens tomorrow",
        ),
        ("nvm when does the clinic open", "when does the clinic open"),
        ("forget it, whats your closing time on friday", "whats your closing time on friday"),
        ("never mind where do i park", "where do i park"),
        ("never mind i dont need help with my bill", None),
        ("nvm i figured it out", None),
    ],
)
def test_the_hours_asked_with_a_withdrawal_in_other_words_are_answered_next(
    text: str, asked: str | None
) -> None:
    found = asked_in(text)
    assert (found or {}).get("text") == asked
    if asked is not None:
        assert found == {"intent": found["intent"], "text": asked}
        assert found["intent"] == ("parking" if "park" in asked else "clinic_hours")


SATURDAY_8PM = datetime(2026, 12, 5, 20, 0, tzinfo=ZoneInfo("America/Los_Angeles"))
TUESDAY_10AM = datetime(2026, 12, 1, 10, 0, tzinfo=ZoneInfo("America/Los_Angeles"))
NURSE_ASKED = [
    {
        "event": "user",
        "text": "my daughter has had a fever of 101 for two days, should i bring her in",
        "parse_data": {"intent": {"name": "medical_advice"}, "entities": []},
    },
    {"event": "pause"},
]

BILL_QUESTION = [
    {
        "event": "user",
        "text": "why is my bill so high",
        "parse_data": {"intent": {"name": "billing_dispute"}, "entities": []},
    },
    {"event": "pause"},
]


def at(monkeypatch: pytest.MonkeyPatch, when: datetime) -> None:
    monkeypatch.setattr(ClinicConfig, "now", lambda self: when)


def while_waiting(text: str, before: list[dict[str, Any]]) -> tuple[list[Any], list[str]]:
    dispatcher = CollectingDispatcher()
    tracker = make_tracker(
        text, slots={"handoff_id": "h-1"}, paused=True, sender_id="conv-w", events=before
    )
    events = ActionWithdrawHandoff().run(dispatcher, tracker, {})
    return events, texts(dispatcher)


def test_a_task_asked_while_staff_are_away_is_done_and_the_request_kept(
    monkeypatch: pytest.MonkeyPatch, handoff_env: HandoffReceiver
) -> None:
    # "can i book her a sick visit tomorrow then" met "saved for our staff" until Monday
    at(monkeypatch, SATURDAY_8PM)
    text = "ok can i book her a sick visit tomorrow then"
    assert asked_while_away(text, get_clinic(), NURSE_ASKED)
    events, [said] = while_waiting(text, NURSE_ASKED)
    resumed, listen, replay = events
    assert resumed == ConversationResumed() and listen == ActionExecuted("action_listen")
    assert replay["parse_data"]["intent"]["name"] == "book_appointment"
    # (her: the daughter of the question before; "Have you been seen here before?")
    assert replay["text"] == "ok can i book my daughter a sick visit tomorrow"
    assert said.startswith("I can help with that myself.")
    assert "stays with our staff" in said and "Monday at 8am" in said
    assert handoff_env.withdrawals == []  # the nurse question is still in the queue


FEEDBACK_GIVEN = [
    {"event": "user", "text": "i want to leave a review", "parse_data": {"intent": {}}},
    {
        "event": "bot",
        "text": "Write it here in your own words, and our team will read it.",
        "metadata": {"handoff_team": "service", "handoff_reason": "feedback"},
    },
    {"event": "pause"},
    {"event": "user", "text": "dr patel was lovely", "parse_data": {"intent": {}}},
]


def test_a_question_after_feedback_keeps_the_feedback_to_be_read_not_replied_to(
    monkeypatch: pytest.MonkeyPatch, handoff_env: HandoffReceiver
) -> None:
    # "i want to leave a review" - the review - "also is the north office open saturday":
    # "Your earlier message stays with our staff, and they'll reply here"
    at(monkeypatch, SATURDAY_8PM)
    events, [said] = while_waiting("is the north office open on saturdays", FEEDBACK_GIVEN)
    assert events[0] == ConversationResumed()
    assert said == (
        "I can help with that myself. Your feedback stays with our team, and they'll read it "
        "Monday at 8am."
    )
    assert handoff_env.withdrawals == []


@pytest.mark.parametrize(
    ("text", "when", "before"),
    [
        # staff are in: they answer soon, and the message is kept for them
        ("can i book her a sick visit tomorrow then", TUESDAY_10AM, NURSE_ASKED),
        # nothing of ours asked
        ("hello??", SATURDAY_8PM, NURSE_ASKED),
        ("its getting worse", SATURDAY_8PM, NURSE_ASKED),
        # what insurance should have paid: more for staff about the bill, not which plans
        # we take ("I can help with that myself", and the list of plans)
        ("i thought insurance would cover it", SATURDAY_8PM, BILL_QUESTION),
        ("my insurance was supposed to pay for this visit", SATURDAY_8PM, BILL_QUESTION),
        ("they told me insurance covered it", SATURDAY_8PM, BILL_QUESTION),
        # an emergency or a crisis stays with staff, whatever is asked
        (
            "what time do you open monday",
            SATURDAY_8PM,
            [
                {
                    "event": "user",
                    "text": "i have crushing chest pain",
                    "parse_data": {"intent": {"name": "emergency"}, "entities": []},
                }
            ],
        ),
        (
            "what time do you open monday",
            SATURDAY_8PM,
            [
                {
                    "event": "user",
                    "text": "...",
                    "parse_data": {
                        "intent": {"name": "nlu_fallback"},
                        "safety_check": {"category": "crisis"},
                    },
                }
            ],
        ),
    ],
)
def test_otherwise_the_chat_stays_with_staff(
    monkeypatch: pytest.MonkeyPatch,
    handoff_env: HandoffReceiver,
    text: str,
    when: datetime,
    before: list[dict[str, Any]],
) -> None:
    at(monkeypatch, when)
    assert not asked_while_away(text, get_clinic(), before)
    events, said = while_waiting(text, before)
    assert (events, said) == ([], [])
    assert handoff_env.withdrawals == []
