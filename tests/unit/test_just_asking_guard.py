""" "no i was just asking" ends what was offered; "i was just wondering" waits for the question
(addons/just_asking_guard.py and the actions that answer them)."""

from __future__ import annotations

import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions.fallback import ActionAskAffirmation, ActionDefaultFallback
from actions.stop import ActionStop
from addons.just_asking_guard import JustAskingGuard
from tests.support.actions import make_tracker, responses
from tests.support.nlu_text import parsed_message


def intent_after_guard(text: str, read_as: str, confidence: float = 0.73) -> str:
    message = parsed_message(text, read_as, confidence, "deny", 0.1)
    [result] = JustAskingGuard().process([message])
    return result.get("intent")["name"]


@pytest.mark.parametrize(
    ("text", "read_as"),
    [
        ("no i was just asking", "billing_dispute"),  # handed to billing staff, chat paused
        ("no, i was only asking a question", "nlu_fallback"),
        ("no i was just checking", "complaint"),
        ("nah just curious thanks", "billing_balance"),
        ("oh no I’m just asking", "book_appointment"),
    ],
)
def test_just_asking_stops_what_was_offered(text: str, read_as: str) -> None:
    assert intent_after_guard(text, read_as) == "stop"


@pytest.mark.parametrize(
    "text",
    [
        "i was just wondering",
        "quick question",
        "hi i have a question",
        "can i ask something",
        # "Did you want to talk to a person?"
        "i have a few questions",
        "i got a couple questions",
        "we have some questions",
        "i have a question for you",
        "can i ask a few questions",
        "hi, i have 2 quick questions",
        # whether we are there ("Did you want to get directions to our office?")
        "u there?",
        "hello?? anyone there",
        "are you still there",
    ],
)
def test_a_question_announced_waits_for_it(text: str) -> None:
    # "i was just wondering" (a balance question, 0.95) asked for the patient's full name
    assert intent_after_guard(text, "billing_balance", 0.95) == "nlu_fallback"


@pytest.mark.parametrize(
    ("text", "read_as"),
    [
        ("i was just wondering what my balance is", "billing_balance"),
        ("no i was just asking about parking", "parking"),
        ("i was just asking for a person", "request_human"),
        ("no i was just asking", "crisis"),
        ("i have some questions about my bill", "billing_balance"),
        ("i have a few questions for a nurse", "medical_advice"),
    ],
)
def test_a_message_with_more_in_it_keeps_its_reading(text: str, read_as: str) -> None:
    assert intent_after_guard(text, read_as) == read_as


@pytest.mark.parametrize("text", ["hi", "hello", "hey there"])
def test_a_plain_greeting_stays_one(text: str) -> None:
    assert intent_after_guard(text, "greet", 0.99) == "greet"


def test_just_asking_with_nothing_running_asks_what_else() -> None:
    dispatcher = CollectingDispatcher()
    ActionStop().run(dispatcher, make_tracker("no i was just asking", intent="stop"), {})
    assert responses(dispatcher) == ["utter_anything_else"]
    # ...and inside a booking started by mistake, the booking stops
    dispatcher = CollectingDispatcher()
    tracker = make_tracker("no i was just asking", intent="stop", active_loop="booking_form")
    ActionStop().run(dispatcher, tracker, {})
    assert responses(dispatcher) == ["utter_stopped"]


def test_a_question_announced_is_waited_for() -> None:
    dispatcher = CollectingDispatcher()
    tracker = make_tracker("i was just wondering", intent="nlu_fallback")
    assert ActionAskAffirmation().run(dispatcher, tracker, {}) == []
    assert responses(dispatcher) == ["utter_take_your_time"]


def test_just_asking_at_the_booking_confirmation_stops() -> None:
    # "Let's find a time that suits you better", and the time shown was never offered again
    from actions.booking import ValidateBookingForm

    tracker = make_tracker(
        "no i was just asking",
        intent="stop",
        active_loop="booking_form",
        slots={"requested_slot": "booking_confirmed", "slot_choice": "s1"},
    )
    assert ValidateBookingForm().should_let_through(tracker)


@pytest.mark.parametrize(
    ("text", "read_as", "becomes"),
    [
        # "Did you want to question a charge on your bill?"
        ("wrong number sorry", "billing_dispute", "nlu_fallback"),
        ("who is this? i think you have the wrong number", "contact_info", "nlu_fallback"),
        ("Wrong number. Please stop texting me", "stop", "nlu_fallback"),
        # a number of ours that is wrong, or one on a bill, keeps its reading
        ("you have the wrong number on file for me", "contact_info", "contact_info"),
        ("the wrong number is on my bill", "billing_dispute", "billing_dispute"),
        ("wrong person", "deny", "deny"),
    ],
)
def test_a_wrong_number_is_no_request(text: str, read_as: str, becomes: str) -> None:
    assert intent_after_guard(text, read_as, 0.45) == becomes


@pytest.mark.parametrize(
    ("channel", "ending"),
    [
        ("rest", "there's nothing you need to do."),
        ("twilio", "Reply STOP and we won't text this number again."),
    ],
)
def test_a_wrong_number_is_told_who_we_are_and_that_nothing_is_needed(
    channel: str, ending: str
) -> None:
    for action in (ActionAskAffirmation(), ActionDefaultFallback()):
        dispatcher = CollectingDispatcher()
        tracker = make_tracker("sorry wrong number", intent="nlu_fallback", channel=channel)
        assert action.run(dispatcher, tracker, {}) == []
        [said] = [m["text"] for m in dispatcher.messages]
        assert said.startswith(
            "No problem. This is the automated assistant of Maple Grove Family Health."
        )
        assert said.endswith(ending)
