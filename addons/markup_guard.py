"""Rasa NLU component: a message that is markup or code, not words, is ``out_of_scope``.

"<script>alert(1)</script>" was once read as a medical question, which handed the chat to the
nurses and paused it. Someone testing the chat box, or a paste gone wrong, should get "that's
not something I can help with" and a working chat, not a handoff. A message with a tag or
script in it and fewer than a few words of text around it is ``out_of_scope``; a patient who
writes a sentence with a "<" in it is left as the model read it. Placed before
FallbackClassifier and SafetyTriage, so an emergency in the same message still fires.
"""

from __future__ import annotations

import re

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message

from addons.intent_override import RuleGuard, overrule

MARKUP_INTENT = "out_of_scope"
MARKUP = re.compile(
    r"<\s*/?\s*[a-z][a-z0-9]*(\s[^<>]*)?/?\s*>|javascript\s*:|\bon(error|load|click)\s*=|"
    r"\{\{.*\}\}|\$\{.*\}",
    re.IGNORECASE,
)
CODE_CALL = re.compile(r"\b(alert|eval|prompt|confirm|document\.\w+|window\.\w+)\s*\(")
WORD = re.compile(r"[^\W\d_]{2,}")
# Words of text outside the markup under which the message is the markup.
FEW_WORDS = 4


def is_markup(text: str) -> bool:
    """Whether the message is markup or code with hardly any words of its own."""
    if not MARKUP.search(text or ""):
        return False
    rest = CODE_CALL.sub(" ", MARKUP.sub(" ", text))
    return len(WORD.findall(rest)) < FEW_WORDS


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class MarkupGuard(RuleGuard):
    """``out_of_scope`` for a message that is markup or code."""

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            text = message.get(TEXT)
            if isinstance(text, str) and is_markup(text):
                overrule(message, MARKUP_INTENT)
        return messages
