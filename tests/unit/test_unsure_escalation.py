"""A handoff intent read with little confidence asks "did you mean …?" first
(addons/unsure_escalation.py)."""

from __future__ import annotations

import pytest
from rasa.shared.nlu.training_data.message import Message

from addons.unsure_escalation import UnsureEscalationGuard


def parsed(text: str, intent: str, confidence: float) -> Message:
    message = Message(data={"text": text})
    message.set("intent", {"name": intent, "confidence": confidence}, add_to_output=True)
    message.set("intent_ranking", [{"name": intent, "confidence": confidence}])
    return message


@pytest.mark.parametrize(
    ("intent", "confidence", "becomes"),
    [
        ("test_results", 0.46, "nlu_fallback"),  # "do you do x-rays": a paused chat at night
        ("billing_dispute", 0.54, "nlu_fallback"),  # "why do you need my birthday"
        ("complaint", 0.5, "nlu_fallback"),
        ("medical_advice", 0.3, "nlu_fallback"),
        ("billing_dispute", 0.55, "billing_dispute"),
        ("complaint", 0.97, "complaint"),
        ("request_human", 0.46, "request_human"),  # asking for a person is never held back
        ("crisis", 0.2, "crisis"),
        ("billing_insurance", 0.46, "billing_insurance"),
    ],
)
def test_only_unsure_handoff_intents_become_a_question(
    intent: str, confidence: float, becomes: str
) -> None:
    message = parsed("some words", intent, confidence)
    UnsureEscalationGuard(threshold=0.55).process([message])
    assert message.get("intent")["name"] == becomes


def test_the_ranking_is_kept_for_the_suggestion() -> None:
    message = parsed("do you do x-rays", "test_results", 0.46)
    UnsureEscalationGuard().process([message])
    assert [r["name"] for r in message.get("intent_ranking")] == ["nlu_fallback", "test_results"]
    assert message.get("intent") == {"name": "nlu_fallback", "confidence": 0.46}
