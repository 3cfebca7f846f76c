"""Rasa NLU component: a message that is only a name and date of birth is ``inform``.

"Hi, this is Emily Johnson 04/12/1988" (or "Emily Johnson" alone) answers "who is the
patient?" or introduces the writer;
it asks for nothing. The model sometimes read such a message as a billing question (many
billing examples start with a name and date), and the patient was shown a balance they had not
asked for. When the message holds nothing but a greeting, an introduction ("this is", "my name
is", "soy"), two to four name words and a date (with "dob"/"born"), the intent becomes
``inform`` and the dialogue asks what the patient needs, or the form
that asked takes the answer. Anything else in the message ("... what do I owe") leaves it as
the model read it. Placed before FallbackClassifier and SafetyTriage.
"""

from __future__ import annotations

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.nlu.constants import (
    ENTITIES,
    ENTITY_ATTRIBUTE_TYPE,
    INTENT,
    INTENT_NAME_KEY,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message

from addons.details_text import name_with_birth_date, only_name_and_birth_date
from addons.intent_override import RuleGuard, overrule

DETAILS_INTENT = "inform"
# Requests a bare name and date were mistaken for; questions and safety intents are left alone.
TASK_INTENTS = {
    "billing_balance",
    "check_appointment",
    "book_appointment",
    "cancel_appointment",
    "reschedule_appointment",
    "billing_pay",
    "billing_dispute",
    "directions",
    "parking",
    "greet",
}

# Entities a name and a date of birth cannot hold, whatever the model tagged in the name.
NOT_IN_DETAILS = {"insurance"}


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class DetailsOnlyGuard(RuleGuard):
    """``inform`` for a message that only gives a name and date of birth."""

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            intent = message.get(INTENT) or {}
            text = message.get(TEXT)
            if not isinstance(text, str) or not only_name_and_birth_date(text):
                continue
            if intent.get(INTENT_NAME_KEY) in TASK_INTENTS:
                overrule(message, DETAILS_INTENT)
            if name_with_birth_date(text):
                # "Carlos Rivera 09/30/1975": the model tagged "Rivera" as an insurance plan,
                # and the patient was told "I don't see Carlos Rivera on my list".
                entities = message.get(ENTITIES) or []
                kept = [e for e in entities if e.get(ENTITY_ATTRIBUTE_TYPE) not in NOT_IN_DETAILS]
                if len(kept) != len(entities):
                    message.set(ENTITIES, kept, add_to_output=True)
        return messages
