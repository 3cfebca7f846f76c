"""A sick visit offered beside a medical question asked while staff are away
(actions/visit_while_away.py), through the handoff and the wait that follows it."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from rasa_sdk.events import ActionExecuted, ConversationResumed
from rasa_sdk.executor import CollectingDispatcher

from actions.clinic_config import ClinicConfig
from actions.handoff import escalate
from actions.handoff_withdrawal import ActionWithdrawHandoff, asked_while_away
from actions.settings import get_clinic
from actions.visit_while_away import SEEN_ASKED, visit_offer
from tests.support.actions import handoff_env, make_tracker, texts  # noqa: F401
from tests.support.receivers import HandoffReceiver

TZ = ZoneInfo("America/Los_Angeles")
SUNDAY_10PM = datetime(2026, 12, 6, 22, 0, tzinfo=TZ)
TUESDAY_10AM = datetime(2026, 12, 1, 10, 0, tzinfo=TZ)
FEVER = "my son has had a fever of 103 for two days, should i bring him in"


@pytest.mark.parametrize(
    ("text", "asked"),
    [
        (FEVER, True),
        ("do i need to be seen for this rash", True),
        ("should we come in or wait it out", True),
        ("is it worth bringing her in for a cough", True),
        ("does he need to be seen", True),
        ("should i take my daughter to the doctor", True),
        # a question with no visit in it
        ("is it normal to have a headache after a flu shot", False),
        ("what dose of tylenol can i give him", False),
        ("should i take ibuprofen or tylenol", False),
    ],
)
def test_which_questions_ask_whether_to_be_seen(text: str, asked: bool) -> None:
    assert bool(SEEN_ASKED.search(text)) is asked


def test_the_offer_names_whom_and_only_while_staff_are_away() -> None:
    clinic = get_clinic()
    assert visit_offer(FEVER, clinic, SUNDAY_10PM) == (
        "If you'd like your son to be seen, I can book a sick visit for you right here while "
        "you wait for the nurses: just reply yes."
    )
    assert visit_offer("do i need to be seen for this rash", clinic, SUNDAY_10PM).startswith(
        "If you'd like to be seen, I can book a sick visit"
    )
    # staff are in: the nurses answer soon, and the chat is theirs
    assert visit_offer(FEVER, clinic, TUESDAY_10AM) is None
    assert visit_offer("what dose of tylenol can i give him", clinic, SUNDAY_10PM) is None


def handed_to_nurses(
    text: str, now: datetime, monkeypatch: pytest.MonkeyPatch
) -> list[dict[str, Any]]:
    """The events of the chat after the medical question was handed over at ``now``."""
    monkeypatch.setattr(ClinicConfig, "now", lambda self: now)
    dispatcher = CollectingDispatcher()
    tracker = make_tracker(text, intent="medical_advice")
    escalate(dispatcher, tracker, "medical_advice", now=now)
    question = {
        "event": "user",
        "text": text,
        "parse_data": {"intent": {"name": "medical_advice"}, "entities": []},
    }
    said = [{"event": "bot", "text": m["text"]} for m in dispatcher.messages]
    return [question, *said, {"event": "pause"}]


def test_a_yes_to_the_offer_books_for_whom_the_question_was(
    monkeypatch: pytest.MonkeyPatch,
    handoff_env: HandoffReceiver,  # noqa: F811
) -> None:
    # "yes" was "Thanks, I've added that for our staff ... tomorrow at 8am"
    before = handed_to_nurses(FEVER, SUNDAY_10PM, monkeypatch)
    assert before[-2]["text"].endswith("just reply yes.")
    [record] = handoff_env.records
    assert record["reason"] == "medical_advice"
    assert asked_while_away("yes please", get_clinic(), before) == {
        "intent": "book_appointment",
        "text": "book a sick visit for my son",
    }
    dispatcher = CollectingDispatcher()
    tracker = make_tracker("yes", slots={"handoff_id": "h-1"}, paused=True, events=before)
    resumed, listen, replay = ActionWithdrawHandoff().run(dispatcher, tracker, {})
    assert resumed == ConversationResumed() and listen == ActionExecuted("action_listen")
    assert replay["parse_data"]["intent"]["name"] == "book_appointment"
    assert replay["text"] == "book a sick visit for my son"
    [said] = texts(dispatcher)
    # (not "I can help with that myself": the bot offered it)
    assert said.startswith("Let's book it. Your question stays with our nurses")
    assert handoff_env.withdrawals == []  # the question stays with the nurses


def test_no_offer_no_booking(
    monkeypatch: pytest.MonkeyPatch,
    handoff_env: HandoffReceiver,  # noqa: F811
) -> None:
    # staff in: no offer, and a yes is for them
    before = handed_to_nurses(FEVER, TUESDAY_10AM, monkeypatch)
    assert not any(e.get("text", "").endswith("just reply yes.") for e in before)
    assert asked_while_away("yes", get_clinic(), before) is None
    # away, but the question asked no visit: a yes is for the nurses
    before = handed_to_nurses("what dose of tylenol can i give him", SUNDAY_10PM, monkeypatch)
    assert asked_while_away("yes", get_clinic(), before) is None
    # after the offer, words other than a yes are kept for staff too
    before = handed_to_nurses(FEVER, SUNDAY_10PM, monkeypatch)
    assert asked_while_away("its 103.5 now", get_clinic(), before) is None
