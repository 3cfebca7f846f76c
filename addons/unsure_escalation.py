"""Rasa NLU component: a handoff on a guess is a "did you mean …?" instead.

``billing_dispute``, ``complaint``, ``test_results`` and ``medical_advice`` hand the chat to
staff and pause it. Read with little confidence they were often something else ("do you do
x-rays" as test results, "why do you need my birthday" as a billing dispute), and the patient
was left waiting for staff, at night for hours, over a question the bot answers. Under
``threshold`` such an intent becomes ``nlu_fallback`` with the model's ranking kept, so the
two-stage fallback asks "did you mean …?" (a yes still reaches staff), and a form that asked
something reads the message as its answer. Placed after FallbackClassifier and before
SafetyTriage: emergencies, crises and a plain request for a person are never held back.
"""

from __future__ import annotations

from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.shared.nlu.constants import (
    INTENT,
    INTENT_NAME_KEY,
    INTENT_RANKING_KEY,
    PREDICTED_CONFIDENCE_KEY,
)
from rasa.shared.nlu.training_data.message import Message

FALLBACK_INTENT = "nlu_fallback"
HANDOFF_INTENTS = frozenset({"billing_dispute", "complaint", "test_results", "medical_advice"})
DEFAULT_THRESHOLD = 0.55


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class UnsureEscalationGuard(GraphComponent, IntentClassifier):
    """``nlu_fallback`` for a handoff intent read with confidence under ``threshold``."""

    def __init__(self, threshold: float = DEFAULT_THRESHOLD) -> None:
        self.threshold = threshold

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {"threshold": DEFAULT_THRESHOLD}

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> UnsureEscalationGuard:
        return cls(float(config.get("threshold", DEFAULT_THRESHOLD)))

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            intent = message.get(INTENT) or {}
            name = intent.get(INTENT_NAME_KEY)
            confidence = float(intent.get(PREDICTED_CONFIDENCE_KEY) or 0.0)
            if name in HANDOFF_INTENTS and confidence < self.threshold:
                fallback = {INTENT_NAME_KEY: FALLBACK_INTENT, PREDICTED_CONFIDENCE_KEY: confidence}
                ranking = message.get(INTENT_RANKING_KEY) or []
                message.set(INTENT, fallback, add_to_output=True)
                message.set(INTENT_RANKING_KEY, [dict(fallback), *ranking], add_to_output=True)
        return messages
