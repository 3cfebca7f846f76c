"""A request written after the name and birth date is that request (actions/details_request.py),
not "Thanks, Carlos. What can I help you with?"."""

from __future__ import annotations

import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions.fallback import ActionAskAffirmation, ActionDetailsGiven
from tests.support.actions import make_tracker
from tests.support.nlu import CannedNlu

BILL = "I got a bill for $240 and I don't understand it"


def _run(text: str) -> tuple[list, list]:
    dispatcher = CollectingDispatcher()
    events = ActionDetailsGiven().run(dispatcher, make_tracker(text, intent="inform"), {})
    return events, dispatcher.messages


def test_the_request_after_the_name_and_date_is_read_alone_and_replayed(
    canned_nlu: CannedNlu,
) -> None:
    canned_nlu.readings[BILL] = {"intent": {"name": "billing_dispute", "confidence": 0.97}}
    text = f"hi, I'm Carlos Rivera, 9/30/1975. {BILL}"
    events, said = _run(text)
    assert canned_nlu.asked == [BILL]  # the rest alone: no name, no date
    assert said == []
    assert events[-1]["event"] == "user" and events[-1]["text"] == text
    assert events[-1]["parse_data"]["intent"]["name"] == "billing_dispute"


@pytest.mark.parametrize(
    ("reading", "confidence"),
    [("billing_dispute", 0.6), ("greet", 0.99), ("faq", 0.99), ("crisis", 0.99)],
)
def test_an_unsure_or_other_reading_keeps_the_thanks_and_question(
    canned_nlu: CannedNlu, reading: str, confidence: float
) -> None:
    canned_nlu.readings[BILL] = {"intent": {"name": reading, "confidence": confidence}}
    events, said = _run(f"hi, I'm Carlos Rivera, 9/30/1975. {BILL}")
    assert events == [] and [m["response"] for m in said] == ["utter_how_can_help_named"]


def test_a_name_and_date_alone_ask_the_model_nothing(canned_nlu: CannedNlu) -> None:
    events, said = _run("hi its carlos rivera 9/30/1975 here")
    assert canned_nlu.asked == [] and events == []
    assert [m["response"] for m in said] == ["utter_how_can_help_named"]
    # ...nor when it cannot be asked
    canned_nlu.down = True
    events, said = _run(f"hi, I'm Carlos Rivera, 9/30/1975. {BILL}")
    assert events == [] and [m["response"] for m in said] == ["utter_how_can_help_named"]


def test_an_unclear_message_with_a_name_and_date_reads_the_rest_alone(
    canned_nlu: CannedNlu,
) -> None:
    """ "hey my husband carlos rivera 9/30/75 got a bill he doesnt understand, can you tell me
    what its for" (unclear, 0.45): "Did you want to get our phone numbers?" """
    text = (
        "hey my husband carlos rivera 9/30/75 got a bill he doesnt understand, can you tell me "
        "what its for"
    )
    rest = "my husband got a bill he doesnt understand, can you tell me what its for"
    canned_nlu.readings[rest] = {"intent": {"name": "billing_dispute", "confidence": 0.57}}
    ranking = [
        {"name": "nlu_fallback", "confidence": 0.45},
        {"name": "contact_info", "confidence": 0.14},
        {"name": "billing_balance", "confidence": 0.12},
    ]
    tracker = make_tracker(
        text, intent="nlu_fallback", confidence=0.45, extra={"intent_ranking": ranking}
    )
    dispatcher = CollectingDispatcher()
    events = ActionAskAffirmation().run(dispatcher, tracker, {})
    assert dispatcher.messages == []
    assert events[-1]["text"] == text
    assert events[-1]["parse_data"]["intent"]["name"] == "billing_dispute"
    # a rest the model reads as nothing of ours still gets "Did you want …?"
    canned_nlu.readings[rest] = {"intent": {"name": "greet", "confidence": 0.9}}
    dispatcher = CollectingDispatcher()
    assert (
        ActionAskAffirmation().run(
            dispatcher,
            make_tracker(
                text, intent="nlu_fallback", confidence=0.45, extra={"intent_ranking": ranking}
            ),
            {},
        )
        == []
    )
    assert dispatcher.messages[0]["text"].startswith("Sorry, I want to be sure I understood.")
