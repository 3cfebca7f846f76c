"""A medicine named right after the refill answer is heard, and how to get it refilled said
again (actions/refill_reply.py), instead of "Did you want to find out about our doctors?"."""

from __future__ import annotations

import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions.fallback import ActionAskAffirmation, ActionDetailsGiven
from tests.support.actions import make_tracker

REFILL_ANSWERED = [
    {"event": "user", "text": "can i get a refill on my blood pressure meds"},
    {"event": "action", "name": "utter_faq"},
    {
        "event": "bot",
        "text": "I can't refill prescriptions myself, but our staff handle refills. ...",
        "metadata": {"utter_action": "utter_faq/prescription_refill"},
    },
    {"event": "action", "name": "action_listen"},
]
PARKING_ANSWERED = [
    {"event": "user", "text": "where do i park"},
    {"event": "bot", "text": "Parking ...", "metadata": {"utter_action": "utter_faq/parking"}},
    {"event": "action", "name": "action_listen"},
]


def _said(action: object, text: str, intent: str, events: list) -> list[str | None]:
    dispatcher = CollectingDispatcher()
    ranking = [{"name": "ask_clinicians", "confidence": 0.3}]
    tracker = make_tracker(text, intent=intent, events=events, extra={"intent_ranking": ranking})
    action.run(dispatcher, tracker, {})  # type: ignore[attr-defined]
    return [m.get("response") for m in dispatcher.messages]


@pytest.mark.parametrize("text", ["lisinopril", "my atorvastatin", "metformin 500mg"])
def test_a_medicine_named_after_the_refill_answer_is_heard(text: str) -> None:
    said = _said(ActionAskAffirmation(), text, "nlu_fallback", REFILL_ANSWERED)
    assert said == ["utter_refill_medicine_named"]
    # read as details ("the blue inhaler": "What can I help you with?")
    said = _said(ActionDetailsGiven(), "the blue inhaler", "inform", REFILL_ANSWERED)
    assert said == ["utter_refill_medicine_named"]


@pytest.mark.parametrize(
    ("text", "events"),
    [
        ("lisinopril", PARKING_ANSWERED),  # not after the refill answer
        ("lisinopril", []),
        # a question, or a request of ours, after it
        ("is lisinopril ok?", REFILL_ANSWERED),
        ("where do i park", REFILL_ANSWERED),
        ("ok and can you tell me more about your doctors please", REFILL_ANSWERED),
    ],
)
def test_anything_else_is_not(text: str, events: list) -> None:
    said = _said(ActionAskAffirmation(), text, "nlu_fallback", events)
    assert "utter_refill_medicine_named" not in said
