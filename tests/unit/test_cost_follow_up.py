"""A price asked of "it" ("is it free?") is the price of what was just talked about
(actions/cost_follow_up.py): parking right after parking, else what the model read."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from rasa.shared.nlu.training_data.message import Message
from rasa_sdk.executor import CollectingDispatcher

from actions.cost_follow_up import READ_AS_KEY, is_cost_follow_up
from actions.directions import ActionLocationInfo
from actions.fallback import ActionAskAffirmation, ActionOutOfScope
from actions.offer_answers import ActionAnswerYes
from addons.follow_up_guard import FollowUpGuard
from tests.support.actions import make_tracker

ASK_PARKING_OFFICE = "Which office are you visiting? Parking is different at each one."
OFFICE_BUTTONS = [
    {"title": "Downtown Clinic", "payload": '/parking{"location": "downtown"}'},
    {"title": "North Office", "payload": '/parking{"location": "north"}'},
]
ASKED_WHICH_OFFICE = [
    {"event": "action", "name": "action_location_info"},
    {"event": "bot", "text": ASK_PARKING_OFFICE, "data": {"buttons": OFFICE_BUTTONS}},
    {"event": "action", "name": "action_listen"},
]
PARKING_NORTH = (
    "Parking at the North Office (4500 Natomas Boulevard, Building B): Free parking in the lot "
    "in front of Building B, no time limit. No validation needed; parking is free."
)
# ...asked what it costs: whether it is free first (it came after the lot and its time limit)
NORTH_COST = (
    "Parking at the North Office (4500 Natomas Boulevard, Building B): No validation needed; "
    "parking is free. Free parking in the lot in front of Building B, no time limit."
)
DOWNTOWN_COST = (
    "Parking at the Downtown Clinic (1200 J Street, Suite 300): Bring your garage ticket to the "
    "front desk; we validate up to 2 hours. Park in the City Garage"
)
TUESDAY_10AM = datetime(2026, 12, 1, 10, 0, tzinfo=ZoneInfo("America/Los_Angeles"))


@pytest.mark.parametrize(
    "text",
    [
        "is it free?",  # was a yes (0.48): "What can I help you with?"
        "how much does it cost",  # was the price of a visit, after parking
        "do i have to pay for it",  # was paying a bill
        "ok and is that free",
        "how much is it?",
        "does it cost anything",
        "is there a fee for that",
        "what does it cost?",
        "how much",  # after parking: was a balance, and a name and birth date asked
        "how much?",
        "ok how much",
        "whats the cost",
    ],
)
def test_a_price_of_it_is_a_cost_follow_up(text: str) -> None:
    assert is_cost_follow_up(text)


@pytest.mark.parametrize(
    "text",
    [
        "how much is a visit",  # names its own subject
        "how much does it cost to see a doctor",
        "is there a fee",  # the cancellation fee, as the model reads it
        "is parking free",
        "how much do i owe",
        "is it free to park downtown",
        "how much parking is there",
        "what's the cost of a physical",
    ],
)
def test_a_price_with_its_subject_is_not(text: str) -> None:
    assert not is_cost_follow_up(text)


def test_the_guard_keeps_what_the_model_read() -> None:
    message = Message(data={"text": "do i have to pay for it"})
    message.set("intent", {"name": "billing_pay", "confidence": 0.99}, add_to_output=True)
    FollowUpGuard().process([message])
    assert message.get("intent")["name"] == "out_of_scope"
    assert message.get(READ_AS_KEY) == "billing_pay"


def _replayed_as(tracker: Any) -> tuple[str, str]:
    dispatcher = CollectingDispatcher()
    events = ActionOutOfScope().run(dispatcher, tracker, {})
    assert dispatcher.messages == []
    return events[-1]["parse_data"]["intent"]["name"], events[-1]["text"]


def test_is_it_free_at_which_office_is_parking_at_every_office() -> None:
    tracker = make_tracker(
        "is it free?",
        intent="out_of_scope",
        events=ASKED_WHICH_OFFICE,
        slots={"info_topic": "parking"},
        extra={READ_AS_KEY: "affirm"},
    )
    assert _replayed_as(tracker) == ("parking", "is it free?")
    replayed = make_tracker(
        "is it free?", intent="parking", events=ASKED_WHICH_OFFICE, slots={"info_topic": "parking"}
    )
    dispatcher = CollectingDispatcher()
    ActionLocationInfo(clock=lambda: TUESDAY_10AM).run(dispatcher, replayed, {})
    answer = dispatcher.messages[0]["text"]
    assert answer.startswith(DOWNTOWN_COST) and answer.endswith(f"\n{NORTH_COST}")
    assert "Which office" not in answer


def test_is_it_free_after_one_office_s_parking_is_that_office_s_parking() -> None:
    answered = [
        {"event": "action", "name": "action_location_info"},
        {"event": "bot", "text": PARKING_NORTH},
        {"event": "action", "name": "action_listen"},
    ]
    slots = {"info_topic": "parking", "info_location": "north"}
    tracker = make_tracker("is it free?", intent="out_of_scope", events=answered, slots=slots)
    assert _replayed_as(tracker) == ("parking", "is it free?")
    replayed = make_tracker("is it free?", intent="parking", events=answered, slots=slots)
    dispatcher = CollectingDispatcher()
    ActionLocationInfo(clock=lambda: TUESDAY_10AM).run(dispatcher, replayed, {})
    assert dispatcher.messages[0]["text"] == NORTH_COST


@pytest.mark.parametrize(
    "text", ["is parking free", "do you validate parking", "how much is parking"]
)
def test_what_parking_costs_asked_is_said_first_for_every_office(text: str) -> None:
    # "is parking free" asked "Which office are you visiting?", and the answer then began
    # with the garage's entrance and the street meters
    dispatcher = CollectingDispatcher()
    tracker = make_tracker(text, intent="parking")
    ActionLocationInfo(clock=lambda: TUESDAY_10AM).run(dispatcher, tracker, {})
    [answer] = [m["text"] for m in dispatcher.messages]
    assert answer.startswith(DOWNTOWN_COST) and answer.endswith(f"\n{NORTH_COST}")
    # where to park, not asked what it costs: as before, office asked
    dispatcher = CollectingDispatcher()
    tracker = make_tracker("where do i park", intent="parking")
    ActionLocationInfo(clock=lambda: TUESDAY_10AM).run(dispatcher, tracker, {})
    assert dispatcher.messages[0]["text"].startswith("Which office are you visiting?")
    tracker = make_tracker("where do i park at the north office", intent="parking")
    dispatcher = CollectingDispatcher()
    ActionLocationInfo(clock=lambda: TUESDAY_10AM).run(dispatcher, tracker, {})
    assert dispatcher.messages[0]["text"] == PARKING_NORTH


def test_how_much_after_one_office_s_parking_is_that_office_s_parking() -> None:
    answered = [
        {"event": "action", "name": "action_location_info"},
        {"event": "bot", "text": PARKING_NORTH},
        {"event": "action", "name": "action_listen"},
    ]
    slots = {"info_topic": "parking", "info_location": "north"}
    tracker = make_tracker(
        "how much",
        intent="out_of_scope",
        events=answered,
        slots=slots,
        extra={READ_AS_KEY: "billing_balance"},
    )
    assert _replayed_as(tracker) == ("parking", "how much")


@pytest.mark.parametrize(
    ("read_as", "meant"),
    [
        ("billing_pay", "billing_pay"),  # "do i have to pay for it" after a balance
        ("billing_insurance", "billing_insurance"),
        ("billing_balance", "billing_balance"),  # right after the balance: it again
        ("affirm", "billing_insurance"),  # no task read: what a visit costs
        ("nlu_fallback", "billing_insurance"),
    ],
)
def test_elsewhere_the_model_s_reading_stands(read_as: str, meant: str) -> None:
    before = [
        {"event": "action", "name": "action_show_balance"},
        {"event": "bot", "text": "The balance for Emily Johnson is $85.00."},
        {"event": "action", "name": "action_listen"},
    ]
    tracker = make_tracker(
        "do i have to pay for it",
        intent="out_of_scope",
        events=before,
        slots={"info_topic": "parking"},  # parking earlier in the chat, not just now
        extra={READ_AS_KEY: read_as},
    )
    assert _replayed_as(tracker) == (meant, "do i have to pay for it")


def test_what_is_owed_with_nothing_looked_up_is_what_a_visit_costs() -> None:
    # "how much is it" at the start asked for a name and birth date
    tracker = make_tracker(
        "how much is it", intent="out_of_scope", extra={READ_AS_KEY: "billing_balance"}
    )
    assert _replayed_as(tracker) == ("billing_insurance", "how much is it")


def test_a_common_question_read_stays_that_question() -> None:
    selected = {"faq": {"response": {"intent_response_key": "faq/visit_cost"}}}
    tracker = make_tracker(
        "how much is it",
        intent="out_of_scope",
        extra={READ_AS_KEY: "faq", "response_selector": selected},
    )
    events = ActionOutOfScope().run(CollectingDispatcher(), tracker, {})
    assert events[-1]["parse_data"]["intent"]["name"] == "faq"
    assert events[-1]["parse_data"]["response_selector"] == selected


@pytest.mark.parametrize("text", ["yes", "ok"])
def test_a_yes_at_which_office_asks_again(text: str) -> None:
    # "What can I help you with?" dropped the choice; at "Which office are you heading to?"
    # a yes took the first office
    for asked in (ASK_PARKING_OFFICE, "Which office are you heading to?"):
        events = [dict(e) for e in ASKED_WHICH_OFFICE]
        events[1]["text"] = asked
        tracker = make_tracker(text, intent="affirm", events=events)
        dispatcher = CollectingDispatcher()
        assert ActionAnswerYes().run(dispatcher, tracker, {}) == []
        [message] = dispatcher.messages
        assert (message["text"], message["buttons"]) == (asked, OFFICE_BUTTONS)


PRICED = [
    {"event": "user", "text": "how much is a visit without insurance"},
    {
        "event": "bot",
        "text": "You're welcome to be seen without insurance, as a self-pay patient. ...",
        "metadata": {"utter_action": "utter_insurance_self_pay"},
    },
    {"event": "action", "name": "action_listen"},
]


@pytest.mark.parametrize("text", ["what about a physical", "and a flu shot?", "ok how about a pap"])
def test_another_visit_right_after_a_price_is_that_visit_s_price(text: str) -> None:
    # "what about a physical" got "Did you want to book an appointment?"
    for action, intent in (
        (ActionAskAffirmation(), "nlu_fallback"),
        (ActionOutOfScope(), "out_of_scope"),
    ):
        dispatcher = CollectingDispatcher()
        tracker = make_tracker(text, intent=intent, events=PRICED)
        assert action.run(dispatcher, tracker, {}) == []
        [said] = dispatcher.messages
        assert said["response"] == "utter_visit_cost"
        assert said["billing_phone"] == "(916) 555-0199"


@pytest.mark.parametrize(
    ("text", "events"),
    [
        ("what about a physical", []),  # no price before it
        ("what about tomorrow", PRICED),  # no visit named
    ],
)
def test_elsewhere_what_about_a_visit_is_no_price(text: str, events: list) -> None:
    dispatcher = CollectingDispatcher()
    tracker = make_tracker(text, intent="nlu_fallback", events=events)
    ActionAskAffirmation().run(dispatcher, tracker, {})
    assert "utter_visit_cost" not in [m.get("response") for m in dispatcher.messages]
