"""A follow-up naming only a person is read as out_of_scope (addons/follow_up_guard.py), whose
action repeats the last look-up for that person."""

from __future__ import annotations

import pytest
from rasa.shared.nlu.training_data.message import Message

from addons.follow_up_guard import (
    CLINICIAN_FOLLOW_UP,
    HOURS_FOLLOW_UP,
    FollowUpGuard,
    is_follow_up,
    is_pronoun_follow_up,
)
from addons.task_words_guard import TaskWordsGuard


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
        "and my son?",  # was the 911 check-in: the model's unsure guess was an emergency
        "and his sister?",
        "what about my dad robert miller 11/2/1950",
        "now me, right after hers",  # was the 988 check-in, and the booking lost
        "and me too, same day as him",
        "my wife wants to know hers too",  # was "Did you want to check what you owe?"
        "my husband would like to know his balance as well",
        "can u check my husbands too",  # was the visitor policy
        "my husband robert needs his too",  # was "Did you want to cancel an appointment?"
        "and hers?",  # was the welcome menu (a greeting)
        "what about him",
        "ok and for her?",
        "ok and mine again?",
    ],
)
def test_a_person_after_and_or_now_is_a_follow_up(text: str) -> None:
    assert is_follow_up(text)
    # only a pronoun: whom it means is read from the chat (actions/fallback.py)
    pronoun = text in ("and hers?", "what about him", "ok and for her?")
    assert is_pronoun_follow_up(text) == pronoun


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
        "my son needs a checkup too",
        "can you book my son too",
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


@pytest.mark.parametrize(
    ("text", "follow_up"),
    [
        # "Sorry, I didn't quite get that", twice, and a handoff
        ("and liam?", True),
        ("ok and liam?", True),
        ("what about ava", True),
        # a day, an office, a part of the week: not someone
        ("and tuesday?", False),
        ("and north?", False),
        ("and weekends?", False),
        # a way to pay ("What would you like me to do for Venmo?")
        ("what about venmo", False),
        ("and paypal?", False),
        # a way to reach us ("What would you like me to do for Email?")
        ("and email?", False),
    ],
)
def test_a_first_name_alone_after_and_is_a_follow_up(text: str, follow_up: bool) -> None:
    message = Message(data={"text": text})
    message.set("intent", {"name": "nlu_fallback", "confidence": 0.4}, add_to_output=True)
    FollowUpGuard().process([message])
    assert (message.get("intent")["name"] == "out_of_scope") is follow_up


def test_a_way_to_pay_after_what_about_is_a_question_on_paying() -> None:
    # after "can i pay with apple pay": "What would you like me to do for Venmo?"
    message = Message(data={"text": "what about venmo"})
    message.set("intent", {"name": "out_of_scope", "confidence": 0.99}, add_to_output=True)
    TaskWordsGuard().process([message])
    FollowUpGuard().process([message])
    assert message.get("intent")["name"] == "billing_pay"


@pytest.mark.parametrize(
    ("text", "hours"),
    [
        ("till when?", True),  # was the appointments, and a name and birth date asked for
        ("until what time", True),
        ("how late are you open", True),
        ("and what time do you close", True),
        ("what time is my appointment", False),
        ("till when can i cancel", False),
    ],
)
def test_till_when_asks_the_hours(text: str, hours: bool) -> None:
    assert bool(HOURS_FOLLOW_UP.search(text)) is hours
    message = Message(data={"text": text})
    message.set("intent", {"name": "check_appointment", "confidence": 0.7}, add_to_output=True)
    FollowUpGuard().process([message])
    assert (message.get("intent")["name"] == "clinic_hours") is hours


@pytest.mark.parametrize(
    ("text", "about_them"),
    [
        ("is she taking new patients", True),  # started a booking
        ("ok does he see kids?", True),
        ("what days does she work", True),
        ("what days is she at the north office", True),  # an identity check
        ("which days does he work at downtown?", True),
        ("what days is he in", True),
        ("can she see me next week", False),  # a booking
        ("is she there today", False),
    ],
)
def test_she_or_he_taking_new_patients_is_a_clinician_question(text: str, about_them: bool) -> None:
    assert bool(CLINICIAN_FOLLOW_UP.search(text)) is about_them


@pytest.mark.parametrize(
    ("text", "read_as", "becomes"),
    [
        ("something later", "goodbye", "inform"),  # "Take care!" at the times shown
        ("more options", "billing_pay", "inform"),
        ("any later times", "goodbye", "inform"),
        ("later", "goodbye", "goodbye"),  # a goodbye, as often as not
        ("no more", "deny", "deny"),
        ("something else", "deny", "deny"),  # [No, something else]
    ],
)
def test_other_times_asked_for_answer_the_booking(text: str, read_as: str, becomes: str) -> None:
    message = Message(data={"text": text})
    message.set("intent", {"name": read_as, "confidence": 0.96}, add_to_output=True)
    FollowUpGuard().process([message])
    assert message.get("intent")["name"] == becomes
