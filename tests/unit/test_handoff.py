"""Escalation: the patient hears what happens next, staff get a record, the bot pauses."""

import time
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from rasa_sdk.events import ActionExecuted, ActiveLoop, ConversationPaused, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.call_back import CALL_KEY
from actions.clients.handoff import HandoffClient, HandoffRecord
from actions.fallback import ActionComplaint
from actions.handoff import (
    ABUSE_NOTE,
    REASON_KEY,
    REASONS,
    TEAM_KEY,
    ActionEscalate,
    build_summary,
    escalate,
    next_steps_message,
    reason_from_tracker,
)
from actions.settings import get_clinic
from addons.safety_rules import DEFAULT_RULES_FILE, load_rules
from scripts.sync_clinic import abuse_help, child_abuse_help
from tests.support.actions import SECRET, make_tracker
from tests.support.receivers import HandoffReceiver

TZ = ZoneInfo("America/Los_Angeles")
TUESDAY_10AM = datetime(2026, 11, 24, 10, 0, tzinfo=TZ)
TUESDAY_11PM = datetime(2026, 11, 24, 23, 0, tzinfo=TZ)


@pytest.mark.parametrize(
    ("intent", "form", "unfinished"),
    [
        ("billing_dispute", "booking_form", "The booking we were making isn't done yet"),
        ("request_human", "reschedule_form", "The move we were making isn't done yet"),
        ("complaint", "cancel_form", "The cancellation isn't done yet"),
        ("billing_dispute", None, None),
        ("emergency", "booking_form", None),  # 911 and nothing else in the way
    ],
)
def test_a_task_left_by_a_handoff_is_said_not_done(
    handoff_env: HandoffReceiver, intent: str, form: str | None, unfinished: str | None
) -> None:
    """ "oh wait i also got charged twice last month" mid-booking went to billing staff, and
    the patient was never told the checkup was not booked."""
    tracker = make_tracker("oh wait i also got charged twice", intent=intent, active_loop=form)
    dispatcher = CollectingDispatcher()
    ActionEscalate().run(dispatcher, tracker, {})
    said = [m.get("text") or "" for m in dispatcher.messages]
    assert [t for t in said if "isn't done yet" in t] == (
        [
            f"{unfinished}: our staff can help with it too, or ask me again once you're done with "
            "them."
        ]
        if unfinished
        else []
    )


def test_a_task_under_a_dispute_form_is_said_not_done(handoff_env: HandoffReceiver) -> None:
    """The dispute's own form ran on top of the booking's: "The booking we were making isn't
    done yet" was never said."""
    booking = [{"event": "active_loop", "name": "booking_form"}]
    disputing = booking + [{"event": "active_loop", "name": "dispute_form"}]
    ended = booking + [
        {"event": "active_loop", "name": None},
        {"event": "active_loop", "name": "dispute_form"},
    ]
    for events, said in ((disputing, True), (ended, False)):
        tracker = make_tracker(
            "i was charged twice",
            intent="billing_dispute",
            events=events,
            active_loop="dispute_form",
        )
        dispatcher = CollectingDispatcher()
        escalate(dispatcher, tracker, "billing_dispute")
        texts = [m.get("text") or "" for m in dispatcher.messages]
        assert any("The booking we were making isn't done yet" in t for t in texts) is said


@pytest.mark.parametrize(
    ("intent", "reason", "priority"),
    [
        ("emergency", "emergency", "urgent"),
        ("crisis", "crisis", "urgent"),
        ("medical_advice", "medical_advice", "high"),
        ("test_results", "test_results", "high"),
        ("complaint", "complaint", "normal"),
        ("billing_dispute", "billing_dispute", "normal"),
        ("request_human", "request_human", "normal"),
    ],
)
def test_action_escalate_for_each_reason(
    handoff_env: HandoffReceiver,
    intent: str,
    reason: str,
    priority: str,
) -> None:
    tracker = make_tracker("I need help with this", intent=intent, sender_id=f"conv-{intent}")
    dispatcher = CollectingDispatcher()
    events = ActionEscalate().run(dispatcher, tracker, {})
    assert events[0] == ActiveLoop(None)
    assert events[-2:] == [ConversationPaused(), ActionExecuted("action_listen")]
    assert SlotSet("escalation_reason", None) in events
    assert len(dispatcher.messages) == 1  # what happens next
    [record] = handoff_env.records
    assert record["conversation_id"] == f"conv-{intent}"
    assert (record["reason"], record["priority"]) == (reason, priority)
    assert record["team"] == REASONS[reason].team
    assert record["channel"] == "web"
    assert record["patient"] == {"verified": False}
    assert "I need help with this" in record["summary"]


def test_billing_staff_button_goes_to_billing_not_the_front_desk(
    handoff_env: HandoffReceiver,
) -> None:
    button = make_tracker(
        '/request_human{"staff_team": "billing"}',
        intent="request_human",
        entities=[{"entity": "staff_team", "value": "billing"}],
    )
    typed = make_tracker("can I talk to someone", intent="request_human")
    unknown_team = make_tracker(
        '/request_human{"staff_team": "surgery"}',
        intent="request_human",
        entities=[{"entity": "staff_team", "value": "surgery"}],
    )
    for tracker in (button, typed, unknown_team):
        ActionEscalate().run(CollectingDispatcher(), tracker, {})
    teams = [(r["reason"], r["team"], r["priority"]) for r in handoff_env.records]
    assert teams == [
        ("billing_question", "billing", "normal"),
        ("request_human", "front_desk", "normal"),
        ("request_human", "front_desk", "normal"),
    ]
    # The payload is not quoted to staff as if the patient had typed it.
    assert "staff_team" not in handoff_env.records[0]["summary"]


def test_low_confidence_and_verification_failed_come_from_callers(
    handoff_env: HandoffReceiver,
) -> None:
    for reason in ("low_confidence", "verification_failed"):
        events = escalate(
            CollectingDispatcher(), make_tracker("???", intent="nlu_fallback"), reason
        )
        assert events[-2:] == [ConversationPaused(), ActionExecuted("action_listen")]
    assert [r["reason"] for r in handoff_env.records] == ["low_confidence", "verification_failed"]


def test_safety_layer_wins_over_the_intent() -> None:
    tracker = make_tracker(
        "cancel my appt i have chest pain",
        intent="cancel_appointment",
        extra={"safety": {"category": "emergency", "rule_id": "chest_pain"}},
    )
    assert reason_from_tracker(tracker) == "emergency"
    assert reason_from_tracker(make_tracker("?", intent="greet")) == "request_human"
    slot = make_tracker("x", intent="greet", slots={"escalation_reason": "verification_failed"})
    assert reason_from_tracker(slot) == "verification_failed"


def escalation_texts(
    text: str, intent: str, rule_id: str, crisis_related: bool = False, also: list[str] = ()
) -> list[str]:
    """What ActionEscalate says after a message the safety layer flagged with ``rule_id``."""
    safety = {"category": intent, "rule_id": rule_id, "crisis_related": crisis_related}
    if also:
        safety["also"] = list(also)
    dispatcher = CollectingDispatcher()
    tracker = make_tracker(text, intent=intent, extra={"safety": safety})
    ActionEscalate().run(dispatcher, tracker, {})
    return [m["text"] for m in dispatcher.messages]


def test_an_attempt_or_overdose_also_gets_the_crisis_line(handoff_env: HandoffReceiver) -> None:
    # "i swallowed all my pills because i want to die": 911 first (utter_emergency), then 988.
    lifeline, _next_steps = escalation_texts(
        "i swallowed my pills", "emergency", "suicide_attempt", crisis_related=True
    )
    assert "988" in lifeline and "Suicide & Crisis Lifeline" in lifeline
    # ...and a medical emergency does not
    said = escalation_texts("my chest hurts", "emergency", "cardiac")
    assert len(said) == 1 and "988" not in said[0]
    assert (
        next_steps_message(get_clinic(), "emergency", TUESDAY_11PM, crisis_related=True).count(
            "988"
        )
        == 1
    )


def test_someone_hurting_the_patient_is_answered_safely(handoff_env: HandoffReceiver) -> None:
    # "my husband hits me": the first reply (utter_crisis's variation) gave the domestic
    # violence line; what happens next promises a reply here, and staff are told not to call.
    tracker = make_tracker(
        "my husband hits me",
        intent="crisis",
        extra={"safety": {"category": "crisis", "rule_id": "abuse_violence"}},
        slots={"safety_rule": "abuse_violence"},
    )
    dispatcher = CollectingDispatcher()
    events = ActionEscalate().run(dispatcher, tracker, {})
    [next_steps] = [m["text"] for m in dispatcher.messages]
    # (staff reply in this chat; "staff contact you" could mean a call the abuser hears)
    assert "Hotline" not in next_steps and "contact you" not in next_steps
    assert "here" in next_steps
    assert SlotSet("safety_rule", None) in events  # the variation was for this message only
    assert SlotSet("staff_team", None) in events  # and utter_request_human's ("billing staff")
    [record] = handoff_env.records
    assert ABUSE_NOTE in record["summary"]
    # ...and suicidal thoughts carry no such note
    said = escalation_texts("i want to die", "crisis", "suicidal_thoughts")
    assert len(said) == 1 and ABUSE_NOTE not in handoff_env.records[-1]["summary"]


def test_the_abuse_reply_names_the_line_from_clinic_yml() -> None:
    help_ = abuse_help(get_clinic())
    assert help_["abuse_help"].startswith("The National Domestic Violence Hotline can help")
    assert "call 1-800-799-7233 or text START to 88788" in help_["abuse_help"]
    assert "call or text 988" in help_["abuse_help"]
    assert "1-800-799-7233" in help_["abuse_help_es"]
    # A clinic without the line in clinic.yml says 988 only.
    clinic = get_clinic().copy(deep=True)
    clinic.clinic.abuse_line = ""
    assert abuse_help(clinic)["abuse_help"] == (
        "Please call or text 988 to reach the 988 Suicide & Crisis Lifeline, free and open 24/7."
    )


def test_a_child_who_may_be_abused_gets_the_child_abuse_line() -> None:
    """ "i think my kid is being abused at daycare" got the adult domestic violence script
    ("I'm so sorry this is happening to you"), and no line made for children."""
    help_ = child_abuse_help(get_clinic())
    assert help_["child_abuse_help"].startswith("The Childhelp National Child Abuse Hotline")
    assert "call or text 1-800-422-4453" in help_["child_abuse_help"]
    assert "kids and teens" in help_["child_abuse_help"]  # a child may be the one writing
    assert "call or text 988" in help_["child_abuse_help"]
    assert "1-800-422-4453" in help_["child_abuse_help_es"]
    clinic = get_clinic().copy(deep=True)
    clinic.clinic.child_abuse_line = ""
    assert child_abuse_help(clinic)["child_abuse_help"].startswith("Please call or text 988")


def test_staff_reply_safely_to_a_child_who_may_be_abused(handoff_env: HandoffReceiver) -> None:
    # (a teen being hurt at home: a call or a voicemail may reach the person hurting them)
    tracker = make_tracker(
        "im 15 and my moms boyfriend keeps touching me",
        intent="crisis",
        extra={"safety": {"category": "crisis", "rule_id": "child_abuse_neglect"}},
        slots={"safety_rule": "child_abuse_neglect"},
    )
    events = ActionEscalate().run(CollectingDispatcher(), tracker, {})
    assert SlotSet("safety_rule", None) in events
    [record] = handoff_env.records
    assert ABUSE_NOTE in record["summary"] and record["priority"] == "urgent"


def test_a_poisoning_also_gets_poison_control(handoff_env: HandoffReceiver) -> None:
    # "my 3 year old just swallowed a bunch of grandma's pills": 911 first (utter_emergency),
    # then Poison Control, then what happens next.
    poison, next_steps = escalation_texts(
        "swallowed grandmas pills", "emergency", "poisoning_overdose"
    )
    assert "Poison Control" in poison and "1-800-222-1222" in poison and "911" in poison
    assert "Poison Control" not in next_steps


def test_an_overdose_taken_on_purpose_gets_911_988_and_poison_control(
    handoff_env: HandoffReceiver,
) -> None:
    # The attempt is the rule chosen; Poison Control was left out although the overdose rule
    # fired too. The safety layer's own output is used, as the action server receives it.
    text = "took 30 tylenol on purpose"
    hit = load_rules(DEFAULT_RULES_FILE).check(text)
    assert hit is not None
    safety = hit.as_output()
    assert (safety["rule_id"], safety["crisis_related"]) == ("suicide_attempt", True)
    assert "poisoning_overdose" in safety["also"]
    poison, lifeline, _next_steps = escalation_texts(
        text, "emergency", safety["rule_id"], True, safety["also"]
    )
    assert "1-800-222-1222" in poison and "988" in lifeline


def test_verified_patient_and_sms_channel_in_record(handoff_env: HandoffReceiver) -> None:
    tracker = make_tracker(
        "talk to a person",
        intent="request_human",
        channel="twilio",
        slots={"verified": True, "patient_id": "p1", "patient_name": "Maria Santos"},
    )
    escalate(CollectingDispatcher(), tracker, "request_human")
    [record] = handoff_env.records
    assert record["channel"] == "sms"
    assert record["patient"] == {"verified": True, "patient_id": "p1", "name": "Maria Santos"}


def test_next_steps_follow_staff_hours() -> None:
    clinic = get_clinic()
    during = next_steps_message(clinic, "request_human", TUESDAY_10AM)
    assert "join this chat as soon as one is free" in during
    # the number to call, while someone comes ("can i just call someone instead" had none)
    assert during.endswith(f"If you'd rather call, we're at {clinic.clinic.main_phone}.")
    # billing's line, with its hours (shorter than staff's: it was given at 5:30pm)
    billing_during = next_steps_message(clinic, "billing_dispute", TUESDAY_10AM)
    assert billing_during.endswith(
        "If you'd rather call, billing is at (916) 555-0199 (Monday to Friday, 8am to 5pm)."
    )
    after = next_steps_message(clinic, "request_human", TUESDAY_11PM)
    assert "tomorrow at 8am" in after and clinic.clinic.main_phone in after
    billing_after = next_steps_message(clinic, "billing_dispute", TUESDAY_11PM)
    # (a bill is no emergency: no "In an emergency, call 911" after it)
    assert billing_after.endswith(
        "If you'd rather call, billing is at (916) 555-0199 (Monday to Friday, 8am to 5pm)."
    )
    assert "911" not in billing_after and after.endswith("In an emergency, call 911.")
    # A medical question at night: the after-hours nurse line (clinic.yml) as well.
    advice_after = next_steps_message(clinic, "medical_advice", TUESDAY_11PM)
    assert "after-hours nurse line is at (916) 555-0177" in advice_after
    assert "nurse line" not in next_steps_message(clinic, "medical_advice", TUESDAY_10AM)
    # ...and with "talk to a person" at night ("its 11pm and my daughter is throwing up, is
    # there someone i can talk to"), not with billing
    assert "after-hours nurse line is at (916) 555-0177" in after
    assert "nurse line" not in billing_after
    urgent_after = next_steps_message(clinic, "crisis", TUESDAY_11PM)
    assert "911" in urgent_after and "988" in urgent_after
    urgent_during = next_steps_message(clinic, "emergency", TUESDAY_10AM)
    assert "911" in urgent_during
    emergency_after = next_steps_message(clinic, "emergency", TUESDAY_11PM)
    assert "911" in emergency_after and "988" not in emergency_after  # 988 is the crisis line


def test_summary_quotes_the_last_messages_and_skips_payloads() -> None:
    events = [
        {"event": "user", "text": "hi"},
        {"event": "user", "text": "/book_appointment"},
        {"event": "user", "text": "I was charged twice for my visit"},
    ]
    tracker = make_tracker("please fix it", intent="billing_dispute", events=events)
    summary = build_summary(tracker, "billing_dispute")
    assert summary.startswith("Billing dispute.")
    assert "charged twice" in summary and "please fix it" in summary
    assert "/book_appointment" not in summary
    long = build_summary(make_tracker("x" * 5000, intent="complaint"), "complaint")
    assert len(long) <= 600
    # a message the note already quotes is not quoted twice
    noted = build_summary(tracker, "billing_dispute", note='About the bill: "please fix it"')
    assert noted.count("please fix it") == 1 and "charged twice" in noted


def test_failed_delivery_is_kept_and_retried(tmp_path: Path) -> None:
    with HandoffReceiver(SECRET) as receiver:
        receiver.fail_next(2)
        client = HandoffClient(
            receiver.url, SECRET, tmp_path / "outbox.sqlite3", retry_interval=0.05
        )
        record = HandoffRecord("c1", "crisis", "urgent", "clinical", "web", "summary")
        assert client.send(record) is False
        assert client.pending() == 1
        # the background worker retries with backoff until the console accepts it
        for _ in range(100):
            if client.pending() == 0:
                break
            time.sleep(0.05)
        assert client.pending() == 0
        assert [r["handoff_id"] for r in receiver.records] == [record.handoff_id]


def test_console_down_then_outbox_survives_a_restart(tmp_path: Path) -> None:
    outbox = tmp_path / "outbox.sqlite3"
    down = HandoffClient(
        "http://127.0.0.1:9/api/handoffs", SECRET, outbox, timeout=0.5, retry_interval=3600
    )
    record = HandoffRecord("c2", "emergency", "urgent", "clinical", "sms", "summary")
    assert down.send(record) is False
    with HandoffReceiver(SECRET) as receiver:
        restarted = HandoffClient(receiver.url, SECRET, outbox)
        assert restarted.flush() == 0
        assert receiver.records[0]["handoff_id"] == record.handoff_id


def test_wrong_secret_is_refused_and_kept(tmp_path: Path) -> None:
    with HandoffReceiver(SECRET) as receiver:
        client = HandoffClient(receiver.url, "wrong", tmp_path / "o.sqlite3", retry_interval=3600)
        assert (
            client.send(HandoffRecord("c3", "complaint", "normal", "service", "web", "s")) is False
        )
        assert receiver.refused == 1 and client.pending() == 1


@pytest.mark.parametrize(
    ("text", "asked"),
    [
        ("can someone call me back", "please write the best phone number to reach you here"),
        ("can the nurse call me at 916-555-0100", "at the number you gave"),
        ("please have someone give me a call", "please write the best phone number"),
        ("i need a person, dont call me just text", None),  # no call
        ("i need to call my insurance first, can i talk to someone", None),
        ("i was told to call back today, i need a person", None),
        ("ive been waiting a week for a call back", "please write the best phone number"),
        ("I need help with this", None),
    ],
)
def test_a_call_asked_for_asks_the_number_and_tells_staff(
    handoff_env: HandoffReceiver, text: str, asked: str | None
) -> None:
    """ "can someone call me back" was told a staff member would join the chat: nobody at the
    console had a number to call."""
    dispatcher = CollectingDispatcher()
    escalate(
        dispatcher, make_tracker(text, intent="request_human"), "request_human", now=TUESDAY_10AM
    )
    said = [m["text"] for m in dispatcher.messages]
    [record] = handoff_env.records
    if asked is None:
        assert len(said) == 1
        assert "phone call" not in record["summary"]
        return
    _next_steps, call = said
    assert asked in call and call.endswith("as soon as one is free.")
    # (marked, so the number written next is thanked as the one to call: waiting_reply)
    assert dispatcher.messages[-1][CALL_KEY] is True
    assert record["summary"].startswith(
        "Asked for a person. Asked for a phone call: the number is in the chat."
    )


def test_a_call_asked_for_at_night_says_when_and_not_in_an_emergency(
    handoff_env: HandoffReceiver,
) -> None:
    dispatcher = CollectingDispatcher()
    tracker = make_tracker("can someone call me back", intent="request_human")
    escalate(dispatcher, tracker, "request_human", now=TUESDAY_11PM)
    assert dispatcher.messages[-1]["text"].endswith("staff will call you tomorrow at 8am.")
    # 911 first, and nothing that makes an emergency wait for a call
    dispatcher = CollectingDispatcher()
    tracker = make_tracker("call me back, my chest hurts", intent="emergency")
    escalate(dispatcher, tracker, "emergency", now=TUESDAY_10AM)
    assert not any("phone number" in m["text"] for m in dispatcher.messages)


def test_the_next_steps_message_names_the_team_for_the_replies_while_waiting(
    handoff_env: HandoffReceiver,
) -> None:
    """addons/waiting_reply.py words a billing wait without 911 by the team it reads here."""
    for reason, intent, team in (
        ("billing_dispute", "billing_dispute", "billing"),
        ("request_human", "request_human", "front_desk"),
    ):
        dispatcher = CollectingDispatcher()
        escalate(dispatcher, make_tracker("i need help", intent=intent), reason, now=TUESDAY_11PM)
        assert dispatcher.messages[0][TEAM_KEY] == team


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("i want to leave a review", "feedback"),
        ("can i give a compliment to dr patel", "feedback"),
        ("where can i leave feedback for the front desk", "feedback"),
        # something wrong said with it: a complaint, with its apology
        ("i want to leave a bad review, the receptionist was rude", "complaint"),
    ],
)
def test_feedback_offered_is_thanked_and_passed_to_staff(
    handoff_env: HandoffReceiver, text: str, reason: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """ "i want to leave a review" got "I'm sorry about your experience" and "someone will
    reply here", as a complaint."""
    monkeypatch.setattr(type(get_clinic()), "now", lambda self: TUESDAY_11PM)
    dispatcher = CollectingDispatcher()
    events = ActionComplaint().run(dispatcher, make_tracker(text, "complaint", 0.98), {})
    assert ConversationPaused() in events
    [record] = handoff_env.records
    assert record["reason"] == reason
    said = [m.get("text") or m.get("response") for m in dispatcher.messages]
    if reason == "feedback":
        assert record["summary"].startswith("Wants to leave feedback.")
        # (the wait that follows is told no "In an emergency, call 911" at each message)
        assert dispatcher.messages[-1][REASON_KEY] == "feedback"
        assert said == [
            "Thank you, we'd love to hear it.",
            "Write it here in your own words, and our team will read it when they're back "
            "tomorrow at 8am.",
        ]
    else:
        assert said[0] == "utter_complaint"
    # while staff are in: no wait said
    assert next_steps_message(get_clinic(), "feedback", TUESDAY_10AM) == (
        "Write it here in your own words, and our team will read it."
    )
