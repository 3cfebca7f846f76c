"""Distress said with no request: a kind word, a person and 988 on offer, and a task under way
goes on where it was (actions/feelings.py, the fallback, the forms and the NLU guard)."""

from __future__ import annotations

import pytest
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.booking import ValidateBookingForm
from actions.fallback import ActionAskAffirmation
from actions.feelings import baby_lost, death_told, feelings_only
from addons.task_words_guard import TaskWordsGuard
from tests.support.actions import make_tracker, responses
from tests.support.nlu_text import parsed_message


@pytest.mark.parametrize(
    ("text", "only"),
    [
        ("im so overwhelmed", True),
        ("ugh im so stressed", True),
        ("ugh this is too much", True),
        ("im having a really rough week", True),
        ("i feel so alone", True),
        # a request with it: that request is answered (billing says sorry first)
        ("im so overwhelmed with all these bills", False),
        ("im scared about my results", False),
        ("so stressed, can i book a physical", False),
        ("ugh im so stressed. anyway downtown is fine", False),  # the answer after an aside
        # no feeling said
        ("im fine", False),
        ("im not sure", False),
        ("im so sorry", False),
    ],
)
def test_what_is_a_feeling_said_with_no_request(text: str, only: bool) -> None:
    assert feelings_only(text) is only


def test_a_feeling_alone_gets_a_kind_word_a_person_and_988() -> None:
    """ "im so overwhelmed" got the ways to pay a bill."""
    tracker = make_tracker("im so overwhelmed", intent="nlu_fallback")
    dispatcher = CollectingDispatcher()
    assert ActionAskAffirmation().run(dispatcher, tracker, {}) == []
    assert responses(dispatcher) == ["utter_feelings_heard"]


def test_a_feeling_in_a_task_keeps_its_place() -> None:
    """ "ugh im so stressed" at "Which office?" got "Please tap one of the options"."""
    tracker = make_tracker(
        "ugh im so stressed",
        intent="nlu_fallback",
        slots={"requested_slot": "location"},
        active_loop="booking_form",
    )
    dispatcher = CollectingDispatcher()
    events = ValidateBookingForm().run(dispatcher, tracker, {})
    assert responses(dispatcher) == ["utter_feelings_heard_in_form"]
    assert events == [SlotSet("location", None), SlotSet("requested_slot", "location")]


@pytest.mark.parametrize(
    ("read_as", "becomes"),
    [
        ("billing_pay", "nlu_fallback"),  # the ways to pay a bill
        ("out_of_scope", "nlu_fallback"),
        ("crisis", "crisis"),  # the model's crisis reading is kept (988 at once)
        ("request_human", "request_human"),
        ("complaint", "complaint"),
    ],
)
def test_the_model_reading_of_a_feeling(read_as: str, becomes: str) -> None:
    message = parsed_message("im so overwhelmed", read_as, 0.99, "billing_balance", 0.01)
    [result] = TaskWordsGuard().process([message])
    assert result.get("intent")["name"] == becomes


@pytest.mark.parametrize(
    ("text", "read_as", "sorry"),
    [
        ("omg this is so annoying just give me a fucking appointment", "out_of_scope", True),
        ("this bot is useless", "nlu_fallback", True),
        ("damn, downtown", "inform", False),  # an answer, read by the form
    ],
)
def test_venting_in_a_task_gets_sorry_and_the_question_again(
    text: str, read_as: str, sorry: bool
) -> None:
    """ "omg this is so annoying just give me a fucking appointment" mid-booking: "Sorry,
    that's not something I can help with here"."""
    tracker = make_tracker(
        text, intent=read_as, slots={"requested_slot": "location"}, active_loop="booking_form"
    )
    dispatcher = CollectingDispatcher()
    events = ValidateBookingForm().run(dispatcher, tracker, {})
    assert ("utter_sorry_lets_go_on" in responses(dispatcher)) is sorry
    if sorry:
        assert events == [SlotSet("location", None), SlotSet("requested_slot", "location")]


@pytest.mark.parametrize("read_as", ["complaint", "nlu_fallback", "out_of_scope"])
def test_a_baby_lost_gets_condolences_the_signs_for_911_and_a_person(read_as: str) -> None:
    """ "i just lost my baby": "Did you want to tell us about a problem with your care or
    service?", then "What can I help you with?"."""
    message = parsed_message("i just lost my baby", read_as, 0.8, "out_of_scope", 0.1)
    [result] = TaskWordsGuard().process([message])
    assert result.get("intent")["name"] == "nlu_fallback"
    dispatcher = CollectingDispatcher()
    ActionAskAffirmation().run(dispatcher, make_tracker("i just lost my baby"), {})
    assert responses(dispatcher) == ["utter_sorry_baby_lost"]
    # a request with it is that request (condolences come with it: actions/identity.py)
    assert not baby_lost("we lost our baby last week, please cancel her appointments")


@pytest.mark.parametrize(
    ("text", "read_as"),
    [
        # "If this is a medical emergency, please call 911 now"
        ("my husband passed away last month, please remove him from your system", "nlu_fallback"),
        # "Did you want to get directions to our office?"
        ("my mother died, how do i close her account", "directions"),
        # "Did you want to book an appointment?"
        ("my wife passed away last week", "book_appointment"),
        ("we lost my mother on sunday. she was a patient there for 20 years", "book_appointment"),
    ],
)
def test_a_death_told_gets_condolences_and_what_staff_can_do(text: str, read_as: str) -> None:
    message = parsed_message(text, read_as, 0.6, "out_of_scope", 0.1)
    [result] = TaskWordsGuard().process([message])
    assert result.get("intent")["name"] == "nlu_fallback"
    dispatcher = CollectingDispatcher()
    ActionAskAffirmation().run(dispatcher, make_tracker(text), {})
    assert responses(dispatcher) == ["utter_sorry_for_death_told"]


@pytest.mark.parametrize(
    ("text", "read_as"),
    [
        # a request with it is that request (the cancellation says sorry first)
        ("my dad passed away, please cancel his appointments", "cancel_appointment"),
        ("my husband died, what do i owe on his account", "billing_balance"),
        # a task beside it, which the model missed (the guard makes it a cancellation)
        ("my dad died, he had a physical next week", "cancel_appointment"),
        # the patient's own appointment, and a death just now (the emergency question first)
        ("i have a funeral tomorrow so i cant make my appt", "out_of_scope"),
        ("my husband just died", "nlu_fallback"),
        ("my phone died", "out_of_scope"),
    ],
)
def test_a_death_with_a_request_or_just_now_is_not_only_told(text: str, read_as: str) -> None:
    assert not death_told(text)
    message = parsed_message(text, read_as, 0.6, "out_of_scope", 0.1)
    [result] = TaskWordsGuard().process([message])
    assert result.get("intent")["name"] == read_as
