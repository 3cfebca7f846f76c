"""The dispute's "what happened?": a question asked back is answered, not filed for staff; the
question comes in full once, then short."""

from __future__ import annotations

import pytest
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.dispute_question import ActionAskDisputeDetails, asks_back
from actions.disputes import ValidateDisputeForm
from tests.support.actions import make_tracker, responses

ASKING = {"requested_slot": "dispute_details"}


@pytest.mark.parametrize(
    "text", ["which bill do you mean?", "what do you need to know", "like what?", "Which one?"]
)
def test_a_question_asked_back_is_answered_and_nothing_is_filed(text: str) -> None:
    # "which bill do you mean?" was filed for billing staff as what went wrong
    tracker = make_tracker(text, intent="inform", active_loop="dispute_form", slots=ASKING)
    dispatcher = CollectingDispatcher()
    events = ValidateDisputeForm().run(dispatcher, tracker, {})
    assert responses(dispatcher) == ["utter_dispute_which_bill"]
    assert events == [
        SlotSet("dispute_details", None),
        SlotSet("requested_slot", "dispute_details"),
    ]


@pytest.mark.parametrize(
    "text",
    [
        "which charge? the $240 one from october is wrong",
        "the bill says i owe $85 but i paid it",
        "They billed me for a flu shot I never got",
    ],
)
def test_an_account_of_what_went_wrong_is_no_question_back(text: str) -> None:
    assert not asks_back(text)


def test_the_question_is_asked_in_full_once_then_short() -> None:
    dispatcher = CollectingDispatcher()
    ActionAskDisputeDetails().run(dispatcher, make_tracker("I want to dispute a charge"), {})
    assert responses(dispatcher) == ["utter_ask_dispute_details"]
    asked = [
        {"event": "active_loop", "name": "dispute_form"},
        {"event": "bot", "text": "...", "metadata": {"utter_action": "utter_ask_dispute_details"}},
    ]
    again = CollectingDispatcher()
    ActionAskDisputeDetails().run(again, make_tracker("how do i pay", events=asked), {})
    assert responses(again) == ["utter_ask_dispute_details_again"]
