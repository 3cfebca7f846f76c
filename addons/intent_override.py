"""What the deterministic NLU components share: setting an intent the rules decided.

SafetyTriage, CardNumberGuard and DetailsOnlyGuard each overrule the model's intent when their
rule fires; this is how that is written into the parse result, once.
"""

from __future__ import annotations

from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
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


def ranking_without(message: Message, intent_name: str) -> list[dict[str, Any]]:
    """The model's intent ranking with ``intent_name`` left out."""
    return [
        entry
        for entry in message.get(INTENT_RANKING_KEY) or []
        if entry.get(INTENT_NAME_KEY) != intent_name
    ]


def overrule(message: Message, intent_name: str, keep_ranking: bool = False) -> None:
    """``intent_name`` with confidence 1.0, first in the ranking. Without ``keep_ranking`` it
    stands alone there, so the fallback's ambiguity check has nothing to compare it with."""
    intent = {INTENT_NAME_KEY: intent_name, PREDICTED_CONFIDENCE_KEY: 1.0}
    others = ranking_without(message, intent_name) if keep_ranking else []
    message.set(INTENT, intent, add_to_output=True)
    message.set(INTENT_RANKING_KEY, [dict(intent), *others], add_to_output=True)


class RuleGuard(GraphComponent, IntentClassifier):
    """A non-trainable intent classifier without settings: a rule over the message text."""

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> RuleGuard:
        return cls()
