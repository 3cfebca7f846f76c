"""What a patient hears at once when they write while waiting for staff (addons.waiting_reply)."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from rasa.shared.core.events import ActionExecuted, BotUttered, ConversationPaused, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from actions.call_back import CALL_KEY
from actions.handoff import REASON_KEY, TEAM_KEY
from actions.handoff_withdrawal import withdraws
from actions.settings import get_clinic
from addons.waiting_reply import (
    ACK_KEY,
    AWAY_KEY,
    ack_metadata,
    wait_for,
    waiting_reply,
    waiting_turn,
)

TZ = ZoneInfo("America/Los_Angeles")
TUESDAY_10AM = datetime(2026, 11, 24, 10, 0, tzinfo=TZ)
TUESDAY_11PM = datetime(2026, 11, 24, 23, 0, tzinfo=TZ)


def tracker_with(*events: object) -> DialogueStateTracker:
    return DialogueStateTracker.from_events("conv-1", list(events))  # type: ignore[arg-type]


def said(text: str, intent: str = "greet") -> UserUttered:
    return UserUttered(text, {"name": intent, "confidence": 1.0})


def test_each_message_of_a_wait_is_acknowledged_in_other_words() -> None:
    clinic = get_clinic()
    during = [waiting_reply(clinic, TUESDAY_10AM, turn) for turn in range(3)]
    assert len(set(during)) == 3 and all("call 911" in text for text in during)
    assert clinic.clinic.main_phone in during[1]
    after = [waiting_reply(clinic, TUESDAY_11PM, turn) for turn in range(2)]
    assert len(set(after)) == 2
    assert all("tomorrow at 8am" in text and "call 911" in text for text in after)


def test_a_billing_wait_offers_billing_s_own_line() -> None:
    # "I got a bill for a visit I never had" - handoff ("billing is at (916) 555-0199") - two
    # messages: the second acknowledgement said "If you'd rather call, we're at" the main line
    clinic = get_clinic()
    second = waiting_reply(clinic, TUESDAY_10AM, 1, team="billing")
    assert f"billing is at {clinic.billing.phone} ({clinic.billing.hours})" in second
    assert clinic.clinic.main_phone not in second


def test_a_number_written_for_a_call_asked_is_thanked_as_the_one_to_call() -> None:
    # "can someone call me back about my test results" - "please write the best phone number"
    # - "916-555-0123": "Thanks, I've added that for our staff: whoever joins you will see
    # everything you've written."
    clinic = get_clinic()
    day = waiting_reply(
        clinic, TUESDAY_10AM, 0, team="clinical", written="916-555-0123", call_asked=True
    )
    assert day == (
        "Thanks, I've passed your number on: staff will call you as soon as one is free. In an "
        "emergency, call 911."
    )
    night = waiting_reply(clinic, TUESDAY_11PM, 1, written="its (916) 555 0123", call_asked=True)
    assert night.startswith("Thanks, I've passed your number on: staff will call you tomorrow")
    # no call asked, or no number written: the usual words
    assert "passed your number" not in waiting_reply(
        clinic, TUESDAY_10AM, 0, written="916-555-0123"
    )
    assert "passed your number" not in waiting_reply(
        clinic, TUESDAY_10AM, 0, written="hello?", call_asked=True
    )
    # read from the message that asked for it, before the pause
    asked = tracker_with(
        said("can someone call me back", "request_human"),
        BotUttered("A staff member will join this chat...", metadata={TEAM_KEY: "front_desk"}),
        BotUttered("please write the best phone number", metadata={CALL_KEY: True}),
        ConversationPaused(),
        said("916-555-0123"),
    )
    assert wait_for(asked).call_asked is True
    events = list(asked.events)
    assert wait_for(tracker_with(*events[:2], *events[3:])).call_asked is False


@pytest.mark.parametrize(
    ("written", "opening"),
    [
        ("thanks", "You're welcome."),
        ("ok thank you so much!", "You're welcome."),
        ("ty", "You're welcome."),
        ("ok", "Okay."),
        ("sounds good", "Okay."),
    ],
)
def test_a_thanks_or_an_okay_while_waiting_is_met_as_one(written: str, opening: str) -> None:
    # "ok" got "Thanks, I've added that for our staff", "thanks" "Got it, that's saved for our
    # staff too"
    clinic = get_clinic()
    away = waiting_reply(clinic, TUESDAY_11PM, 1, written=written)
    assert (
        away == f"{opening} Our staff will reply here tomorrow at 8am. In an emergency, call 911."
    )
    here = waiting_reply(clinic, TUESDAY_10AM, 0, team="billing", written=written)
    assert here == f"{opening} A staff member will reply here as soon as one is free."
    # a crisis wait keeps its own line; anything more than thanks is kept for staff
    assert not waiting_reply(clinic, TUESDAY_11PM, 0, crisis="", written=written).startswith(
        opening
    )
    assert waiting_reply(clinic, TUESDAY_11PM, 0, written="ok its getting worse").startswith(
        "Thanks, I've added that"
    )


@pytest.mark.parametrize(
    ("team", "reason"), [("billing", None), ("service", "feedback"), ("service", "complaint")]
)
def test_a_billing_wait_is_not_told_to_call_911_at_every_message(
    team: str, reason: str | None
) -> None:
    # "i got a bill for 240 dollars..." - handoff - "Carlos Rivera": "...In an emergency,
    # call 911." after each message about a bill (and "i want to leave a review" - "Dr Patel
    # was wonderful with my mom": the same, after a compliment; "the receptionist was really
    # rude to me" - "her name was tina I think": the same)
    clinic = get_clinic()
    for now in (TUESDAY_10AM, TUESDAY_11PM):
        turns = 2 if reason else 3 if clinic.staff_available(now) else 2
        replies = [waiting_reply(clinic, now, t, team=team, reason=reason) for t in range(turns)]
        assert len(set(replies)) == turns
        assert all("911" not in text and text == text.strip() for text in replies)
        assert all(
            "911" in waiting_reply(clinic, now, turn, team="front_desk") for turn in range(turns)
        )
    # a crisis while waiting for billing keeps its line and 911
    assert "call 911" in waiting_reply(clinic, TUESDAY_11PM, 0, crisis="", team="billing")


def test_the_wait_team_is_read_from_the_message_before_the_pause() -> None:
    billing = tracker_with(
        said("my bill is wrong", "billing_dispute"),
        BotUttered("Our staff are away right now.", metadata={TEAM_KEY: "billing"}),
        ConversationPaused(),
        ActionExecuted("action_listen"),
        said("hello?"),
    )
    assert wait_for(billing).team == "billing"
    # a team named before an earlier message is not this wait's
    older = tracker_with(
        BotUttered("Our staff are away right now.", metadata={TEAM_KEY: "billing"}),
        said("i need a person", "request_human"),
        BotUttered("Our staff are away right now."),
        ConversationPaused(),
        said("hello?"),
    )
    assert wait_for(older).team is None


def test_a_wait_begun_by_a_crisis_keeps_the_crisis_line_in_each_acknowledgement() -> None:
    # "i dont see the point anymore" - 988 and a pause - "i dont want to talk to 988": it got
    # "Thanks, I've added that for our staff. They're away right now ..."
    clinic = get_clinic()
    for now in (TUESDAY_10AM, TUESDAY_11PM):
        replies = [waiting_reply(clinic, now, turn, crisis="") for turn in range(2)]
        assert len(set(replies)) == 2
        assert all("988" in text and "call 911" in text for text in replies)
        assert "text 988" in replies[0]  # another way than a call
    assert "tomorrow at 8am" in waiting_reply(clinic, TUESDAY_11PM, 0, crisis="")
    assert "988" not in waiting_reply(clinic, TUESDAY_11PM, 0)


def test_a_crisis_wait_is_told_by_the_reply_before_the_pause() -> None:
    crisis = [
        said("i dont see the point anymore", "crisis"),
        BotUttered("I'm really sorry...", metadata={"utter_action": "utter_crisis"}),
        ActionExecuted("action_escalate"),
        BotUttered("Our staff are away right now..."),
        ConversationPaused(),
        said("i dont want to talk to 988", "request_human"),
    ]
    assert wait_for(tracker_with(*crisis)).crisis == ""
    billing = [
        said("why is my bill so high", "billing_dispute"),
        BotUttered("I'll pass this to billing", metadata={"utter_action": "utter_dispute"}),
        ActionExecuted("action_escalate"),
        ConversationPaused(),
        said("hello?"),
    ]
    assert wait_for(tracker_with(*billing)).crisis is None
    # a crisis before, handed back, then a billing question paused it again: not a crisis wait
    assert wait_for(tracker_with(*crisis[:5], said("thanks"), *billing)).crisis is None


def test_a_wait_begun_by_abuse_keeps_the_line_made_for_it() -> None:
    # "my boyfriend hits me" got the domestic violence line, then a pause; "are you there"
    # while waiting heard 988 only, twice.
    clinic = get_clinic()
    for now in (TUESDAY_10AM, TUESDAY_11PM):
        replies = [waiting_reply(clinic, now, turn, "abuse_violence") for turn in range(2)]
        assert all("1-800-799-7233" in text and "call 911" in text for text in replies)
        assert "text START to 88788" in replies[0]
        assert "Domestic Violence Hotline" in replies[1]
        child = [waiting_reply(clinic, now, turn, "child_abuse_neglect") for turn in range(2)]
        assert all("1-800-422-4453" in text and "call 911" in text for text in child)
        assert "text 1-800-422-4453" in child[0]
    # a clinic without those lines says 988
    info = clinic.clinic.copy(update={"abuse_line": "", "child_abuse_line": ""})
    plain = clinic.copy(update={"clinic": info})
    for rule in ("abuse_violence", "child_abuse_neglect"):
        assert "text 988" in waiting_reply(plain, TUESDAY_10AM, 0, rule)


def test_the_crisis_of_a_wait_is_the_rule_the_message_before_its_reply_fired() -> None:
    rule = {"entity": "safety_rule", "value": "abuse_violence"}
    events = [
        UserUttered("he hits me", {"name": "crisis", "confidence": 1.0}, entities=[rule]),
        BotUttered("I'm so sorry...", metadata={"utter_action": "utter_crisis"}),
        ActionExecuted("action_escalate"),
        ConversationPaused(),
        said("are you there"),
    ]
    assert wait_for(tracker_with(*events)).crisis == "abuse_violence"


def test_an_acknowledgement_outside_staff_hours_tells_the_console_it_said_when() -> None:
    # The console's queue notice said the same "away right now ... tomorrow" again: on SMS, a
    # second text. The metadata lets the console leave it out (console/service.py).
    clinic = get_clinic()
    assert ack_metadata(clinic, TUESDAY_11PM) == {ACK_KEY: True, AWAY_KEY: True}
    assert ack_metadata(clinic, TUESDAY_10AM) == {ACK_KEY: True}


def test_the_turn_counts_acknowledgements_since_the_pause() -> None:
    paused = [ActionExecuted("action_escalate"), ConversationPaused()]
    assert waiting_turn(tracker_with(*paused, said("hello?"))) == 0
    acked = BotUttered("Thanks...", metadata={ACK_KEY: True})
    assert waiting_turn(tracker_with(*paused, said("hello?"), acked, said("hello??"))) == 1
    # an acknowledgement before an earlier pause does not count
    earlier = [acked, *paused, said("hi")]
    assert waiting_turn(tracker_with(*earlier)) == 0


def test_no_acknowledgement_once_staff_write_or_for_the_consoles_own_intents() -> None:
    paused = [ConversationPaused()]
    staff = BotUttered("Hi, Dana here.", metadata={"from_staff": True})
    assert waiting_turn(tracker_with(*paused, staff, said("thanks dana"))) is None
    assert waiting_turn(tracker_with(*paused, said("EXTERNAL: csat", "EXTERNAL_csat"))) is None


@pytest.mark.parametrize(
    "text",
    [
        "nevermind i figured it out",
        "nvm",
        "Never mind \u2014 sorted it out",
        "forget it",
        "im all set thanks",
        "i don't need a person anymore",
        "I no longer need help",
        "can the bot just help me instead",
        "can i cancel the request",
        "no need, my husband called you",
    ],
)
def test_taking_the_request_back_is_recognised(text: str) -> None:
    assert withdraws(text)


@pytest.mark.parametrize(
    "text",
    [
        "hello?",
        "how long will this take",
        "this is taking forever, forget it",  # frustration mid-sentence: still wants a person
        "i dont need help with my bill, i need a person",
        "i want to cancel my appointment",
        "what's your address",
        "",
    ],
)
def test_other_messages_while_waiting_are_not_a_withdrawal(text: str) -> None:
    assert not withdraws(text)


def test_feedback_written_while_waiting_is_thanked_as_read_not_as_to_be_answered() -> None:
    # "i want to leave a review" - "Write it here in your own words" - "dr patel was wonderful
    # with my daughter": "Thanks, I've added that for our staff. They're away right now and
    # will reply here today at 8am."
    clinic = get_clinic()
    night = [waiting_reply(clinic, TUESDAY_11PM, t, reason="feedback") for t in range(2)]
    assert night == [
        "Thank you for taking the time to tell us. I've passed it on to our team, and they'll "
        "read it tomorrow at 8am.",
        "Got it, I've added that to your feedback for our team.",
    ]
    day = waiting_reply(clinic, TUESDAY_10AM, 0, reason="feedback")
    assert day.endswith("and they'll read it soon.")
    assert waiting_reply(clinic, TUESDAY_11PM, 1, written="thanks!", reason="feedback") == (
        "You're welcome. Our team will read your feedback tomorrow at 8am."
    )
    # any other wait is still answered as one (a complaint: someone will reply)
    assert "will reply here" in waiting_reply(clinic, TUESDAY_11PM, 0, reason="complaint")


def test_the_wait_reason_is_read_beside_the_team() -> None:
    feedback = tracker_with(
        said("i want to leave a review", "complaint"),
        BotUttered("Write it here.", metadata={TEAM_KEY: "service", REASON_KEY: "feedback"}),
        ConversationPaused(),
        said("dr patel was great"),
    )
    assert wait_for(feedback)[1:3] == ("service", "feedback")
