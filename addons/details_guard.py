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

import re

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.nlu.constants import (
    ENTITIES,
    ENTITY_ATTRIBUTE_TYPE,
    INTENT,
    INTENT_NAME_KEY,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message

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

_FILLER = re.compile(
    r"\b(hi|hello|hey|hiya|good (morning|afternoon|evening)|hola|buenos dias|buenas tardes|"
    r"this is|it is|it's|its|i'm|im|i am|my name is|my name's|name is|name|me llamo|soy|"
    r"here|dob|d\.o\.b\.?|born( on)?|date of birth|birth ?date|birthday|fecha de nacimiento|"
    r"and|for|patient)\b",
    re.IGNORECASE,
)
_DATE = re.compile(r"\b\d{1,2}[/.\-]\d{1,2}[/.\-](\d{4}|\d{2})\b")
_NAME_WORD = re.compile(r"^[^\W\d_][\w'’.-]*$")
# Words that make it a request, not a name ("Emily Johnson 04/12/1988 balance").
_REQUEST_WORDS = {
    "balance", "bill", "bills", "owe", "pay", "appointment", "appointments", "appt", "appts",
    "book", "cancel", "reschedule", "move", "change", "when", "where", "what", "how", "why",
    "can", "could", "need", "want", "please", "pls", "park", "parking", "help", "check",
    "visit", "insurance", "address", "hours", "open", "my", "is", "the", "a", "to",
    "directions", "billing", "office", "clinic", "downtown", "north", "dr", "doctor", "yes",
    "no", "thanks", "thank", "ok", "okay", "physical", "checkup", "sick", "today", "tomorrow",
}


def only_name_and_birth_date(text: str) -> bool:
    """Whether the message is a name and a date of birth and nothing more, or a name alone
    written as one ("Emily Johnson": every word capitalised)."""
    dated = bool(_DATE.search(text or ""))
    rest = _FILLER.sub(" ", _DATE.sub(" ", text or ""))
    words = [w for w in re.split(r"[\s,;:!?()]+", rest) if w.strip(".-")]
    if not dated and not (2 <= len(words) <= 3 and all(w[:1].isupper() for w in words)):
        return False
    return (
        2 <= len(words) <= 4
        and all(_NAME_WORD.match(w) for w in words)
        and not any(w.lower().strip(".") in _REQUEST_WORDS for w in words)
    )


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
            if _DATE.search(text):
                # "Carlos Rivera 09/30/1975": the model tagged "Rivera" as an insurance plan,
                # and the patient was told "I don't see Carlos Rivera on my list".
                entities = message.get(ENTITIES) or []
                kept = [e for e in entities if e.get(ENTITY_ATTRIBUTE_TYPE) not in NOT_IN_DETAILS]
                if len(kept) != len(entities):
                    message.set(ENTITIES, kept, add_to_output=True)
        return messages
