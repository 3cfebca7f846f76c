"""Rasa NLU component: a message with a payment card number becomes ``share_card_number``.

The assistant then says that chat is not the place for card numbers, that the number was
removed, and how to pay safely (action_card_number_shared). Deterministic, like the safety
layer: it does not depend on how the model reads "here's my visa 4111 ...". The intent's
training examples only keep ``rasa data validate`` and the model consistent; when the model
predicts ``share_card_number`` for a message without a card number ("my card ends in 1234"),
the next intent takes its place.

Placed before FallbackClassifier (which then judges the remaining intents as usual) and before
SafetyTriage (an emergency always wins). The number itself is removed by the tracker store
(addons/redacting_tracker_store.py); nothing here logs or keeps the text.
"""

from __future__ import annotations

import logging

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.nlu.constants import (
    ENTITIES,
    INTENT,
    INTENT_NAME_KEY,
    INTENT_RANKING_KEY,
    PREDICTED_CONFIDENCE_KEY,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message

from addons.card_numbers import REMOVED, has_card_number
from addons.intent_override import RuleGuard, overrule, ranking_without

logger = logging.getLogger(__name__)

CARD_INTENT = "share_card_number"


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class CardNumberGuard(RuleGuard):
    """``share_card_number`` exactly when the message holds a card number."""

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            text = message.get(TEXT)
            # The SMS channel removes the number before its inbox stores the message.
            if isinstance(text, str) and (has_card_number(text) or REMOVED in text):
                overrule(message, CARD_INTENT)
                # Digits read as dates or amounts must not fill any slot.
                message.set(ENTITIES, [], add_to_output=True)
                logger.info("A card number was typed; it will not be stored")
            elif (message.get(INTENT) or {}).get(INTENT_NAME_KEY) == CARD_INTENT:
                self._next_intent(message)
        return messages

    @staticmethod
    def _next_intent(message: Message) -> None:
        ranking = ranking_without(message, CARD_INTENT)
        top = ranking[0] if ranking else {INTENT_NAME_KEY: None, PREDICTED_CONFIDENCE_KEY: 0.0}
        message.set(INTENT, dict(top), add_to_output=True)
        message.set(INTENT_RANKING_KEY, ranking, add_to_output=True)
