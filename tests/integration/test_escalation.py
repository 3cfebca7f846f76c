"""Escalation over the real Rasa server: pause, messages kept (and acknowledged) while paused,
expiry, /restart."""

from __future__ import annotations

import time
import uuid

import pytest

from actions.settings import get_clinic
from tests.support.console import ConsoleHandoffs
from tests.support.stack_fixtures import RasaClient

pytestmark = pytest.mark.integration


def escalated(rasa: RasaClient) -> str:
    conversation = f"esc-{uuid.uuid4().hex[:10]}"
    replies = rasa.texts(conversation, "I want to talk to a real person please")
    assert any("staff" in text or "person" in text for text in replies), replies
    assert rasa.tracker(conversation)["paused"] is True
    return conversation


def user_texts(tracker: dict) -> list[str]:
    return [e.get("text") for e in tracker["events"] if e["event"] == "user"]


def test_escalation_sends_a_handoff_record(
    rasa: RasaClient, handoff_receiver: ConsoleHandoffs
) -> None:
    conversation = escalated(rasa)
    record = handoff_receiver.wait_for(conversation)
    assert (record["reason"], record["priority"], record["channel"]) == (
        "request_human",
        "normal",
        "web",
    )
    assert "talk to a real person" in record["summary"]


def acknowledged(rasa: RasaClient, conversation: str, text: str) -> str:
    """The one reply a message gets while the chat waits for staff: that it reached them."""
    [reply] = rasa.texts(conversation, text)
    assert "for our staff" in reply or "line for a person" in reply or "passed that on" in reply
    assert "911" in reply
    return reply


def test_messages_while_paused_are_kept_and_acknowledged(rasa: RasaClient) -> None:
    """ "hello?", "how long will this take" while waiting met silence (the console's queue
    notice comes at most every two minutes, and never to the REST webhook): each gets a short
    word that it reached staff, worded differently each time, and the bot does not take over."""
    conversation = escalated(rasa)
    first = acknowledged(rasa, conversation, "hello? is anyone there?")
    second = acknowledged(rasa, conversation, "how long will this take")
    assert first != second
    tracker = rasa.tracker(conversation)
    assert tracker["paused"] is True
    assert user_texts(tracker)[-2:] == ["hello? is anyone there?", "how long will this take"]
    # ...and none once a staff member writes: they are talking with the patient
    staff = {"event": "bot", "text": "Hi, Dana here.", "metadata": {"from_staff": True}}
    assert rasa.append_events(conversation, [staff]).status_code == 200
    assert rasa.say(conversation, "hi Dana, I need to change my address") == []


def test_a_task_asked_while_waiting_is_done_only_while_staff_are_away(rasa: RasaClient) -> None:
    """During staff hours "I need to book an appointment" waits for the person who is about to
    answer; while staff are away (nights, weekends) the bot books it at once, and the first
    request stays in the staff's queue (it was "saved for our staff" until Monday). Which one
    this run sees depends on the clinic's clock; tests/unit/test_handoff_withdrawal.py fixes
    the clock for both."""
    clinic = get_clinic()
    conversation = escalated(rasa)
    if clinic.staff_available(clinic.now()):
        acknowledged(rasa, conversation, "I need to book an appointment")
        assert rasa.tracker(conversation)["paused"] is True
        return
    replies = rasa.texts(conversation, "I need to book an appointment")
    assert replies[0].startswith("I can help with that myself."), replies
    assert "stays with our staff" in replies[0]
    assert any("been seen" in text for text in replies[1:]), replies
    assert rasa.tracker(conversation)["paused"] is False


@pytest.mark.parametrize(
    ("text", "number", "reason"),
    [
        ("actually i want to kill myself", "988", "crisis"),
        ("now my husband is not breathing", "911", "emergency"),
    ],
)
def test_an_emergency_while_paused_is_answered_and_raised(
    rasa: RasaClient, handoff_receiver: ConsoleHandoffs, text: str, number: str, reason: str
) -> None:
    """Waiting for staff is no reason for silence when the safety layer fires: 911 / 988 at
    once, a second, urgent handoff record, and the chat stays paused; the next routine
    message gets no reply again."""
    conversation = escalated(rasa)
    handoff_receiver.wait_for(conversation)
    replies = rasa.texts(conversation, text)
    assert replies and number in replies[0], replies
    for _ in range(100):
        records = [r for r in handoff_receiver.records if r["conversation_id"] == conversation]
        if len(records) == 2:
            break
        time.sleep(0.1)
    assert [(r["reason"], r["priority"]) for r in records] == [
        ("request_human", "normal"),
        (reason, "urgent"),
    ]
    assert rasa.tracker(conversation)["paused"] is True
    if reason == "crisis":
        # the wait is now a crisis's: the crisis line comes with each acknowledgement
        [reply] = rasa.texts(conversation, "hello? anyone?")
        assert "staff" in reply and "988" in reply and "911" in reply, reply
        # the same crisis said again gets such a reply too, not the first paragraph and a
        # third handoff record word for word
        [again] = rasa.texts(conversation, "i still want to kill myself")
        assert "988" in again and "911" in again, again
        assert again != replies[0]
        assert (
            len([r for r in handoff_receiver.records if r["conversation_id"] == conversation]) == 2
        )
        assert rasa.tracker(conversation)["paused"] is True
    else:
        acknowledged(rasa, conversation, "hello? anyone?")


def test_pause_survives_session_expiry(rasa: RasaClient) -> None:
    """The same escalated history, two hours old (past the 60-minute session expiry)."""
    events = rasa.tracker(escalated(rasa))["events"]
    two_hours_ago = [{**e, "timestamp": e["timestamp"] - 7200} for e in events]
    # The SQL tracker store only appends, so the aged history goes to a fresh conversation id.
    conversation = f"esc-{uuid.uuid4().hex[:10]}"
    assert rasa.replace_events(conversation, two_hours_ago).status_code == 200
    assert rasa.tracker(conversation)["paused"] is True
    acknowledged(rasa, conversation, "hello, still waiting")
    tracker = rasa.tracker(conversation)
    kinds = [e["event"] for e in tracker["events"]]
    assert "session_started" in kinds[len(events) :], "a new session must have started"
    assert tracker["paused"] is True
    assert user_texts(tracker)[-1] == "hello, still waiting"


def test_pause_survives_restart(rasa: RasaClient) -> None:
    conversation = escalated(rasa)
    assert rasa.say(conversation, "/restart") == []
    assert rasa.tracker(conversation)["paused"] is True
    acknowledged(rasa, conversation, "hi")


def test_staff_hand_back_resumes_the_bot(rasa: RasaClient) -> None:
    conversation = escalated(rasa)
    response = rasa.append_events(conversation, [{"event": "resume"}])
    assert response.status_code == 200
    assert rasa.tracker(conversation)["paused"] is False
    assert "Maple Grove" in rasa.say(conversation, "hello")[0]["text"]


def test_emergency_reply_comes_first_and_is_urgent(
    rasa: RasaClient, handoff_receiver: ConsoleHandoffs
) -> None:
    conversation = f"esc-{uuid.uuid4().hex[:10]}"
    replies = rasa.texts(conversation, "i think im having a stroke my face is drooping")
    assert "911" in replies[0]
    record = handoff_receiver.wait_for(conversation)
    assert (record["reason"], record["priority"]) == ("emergency", "urgent")


def test_crisis_reply_gives_988_even_mid_booking(
    rasa: RasaClient, handoff_receiver: ConsoleHandoffs
) -> None:
    conversation = f"esc-{uuid.uuid4().hex[:10]}"
    rasa.say(conversation, "I need to book an appointment")
    replies = rasa.texts(conversation, "honestly everyone would be better off without me")
    assert "988" in replies[0] and "911" in replies[0]
    record = handoff_receiver.wait_for(conversation)
    assert (record["reason"], record["priority"]) == ("crisis", "urgent")
    assert rasa.tracker(conversation)["active_loop"] in ({}, None, {"name": None})


def test_someone_hurting_the_patient_gets_911_the_abuse_line_and_988(
    rasa: RasaClient, handoff_receiver: ConsoleHandoffs
) -> None:
    """One first reply made for it (utter_crisis's variation, chosen by the safety_rule slot):
    danger first, then the domestic violence line, then 988; staff are told not to call."""
    conversation = f"esc-{uuid.uuid4().hex[:10]}"
    replies = rasa.texts(conversation, "my boyfriend keeps hitting me and im scared to go home")
    first = replies[0]
    assert first.index("911") < first.index("1-800-799-7233") < first.index("988")
    assert "88788" in first and "Suicide & Crisis Lifeline" not in first
    assert not any("1-800-799-7233" in reply for reply in replies[1:])
    record = handoff_receiver.wait_for(conversation)
    assert (record["reason"], record["priority"]) == ("crisis", "urgent")
    assert "do not call" in record["summary"]
    # The slot is cleared with the handoff: a later crisis gets the usual reply.
    assert rasa.tracker(conversation)["slots"]["safety_rule"] is None
    again = rasa.texts(conversation, "i want to kill myself")
    assert "Suicide & Crisis Lifeline" in again[0] and "1-800-799-7233" not in again[0]


def test_two_unclear_messages_go_to_staff(
    rasa: RasaClient, handoff_receiver: ConsoleHandoffs
) -> None:
    """Low confidence is forced with Rasa's intent syntax so the test does not depend on how
    confident the model happens to be about some gibberish."""
    conversation = f"esc-{uuid.uuid4().hex[:10]}"
    first = rasa.texts(conversation, "/nlu_fallback")
    assert "another way" in first[0]
    assert rasa.tracker(conversation)["paused"] is False
    second = rasa.texts(conversation, "/nlu_fallback")
    assert any("bring in a member of our team" in text for text in second)
    assert rasa.tracker(conversation)["paused"] is True
    record = handoff_receiver.wait_for(conversation)
    assert record["reason"] == "low_confidence"
