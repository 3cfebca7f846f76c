"""Rasa NLU component: a request that names its task in so many words is that task.

"need to reschedule my son's checkup, his name is liam nguyen born june 5 2017" was read as
``book_appointment`` (0.9): the checkup and the name outweighed "reschedule", and a second
appointment was being booked for a child who already had one. When the model reads a booking
but the message says "reschedule" (or "cancel") and nothing about booking a new one, the
intent becomes the task named. Messages that name both
("cancel my physical and book my son a checkup") are left as read: the second request is
offered after the first (actions/second_request.py). Placed before FallbackClassifier and
SafetyTriage, so safety still wins.
"""

from __future__ import annotations

import re

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.nlu.constants import INTENT, INTENT_NAME_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from addons.intent_override import RuleGuard, overrule

BOOKING_INTENT = "book_appointment"
# Asked now, not told about ("I rescheduled last time", "I had to cancel in May").
RESCHEDULE = re.compile(
    r"\b(re-?schedule|re-?scheduling|resched|re-?book|move (my|his|her|our|the|their) "
    r"(appointment|appt|visit|checkup|check up|physical)|(appointment|appt|visit|checkup|"
    r"check up|physical) (moved|changed|pushed back)|(move|push) it (to|back|out|up|forward)|"
    r"change it to)\b",
    re.IGNORECASE,
)
CANCEL = re.compile(
    r"(?<!had to )(?<!have to )\b(cancel|canceling|cancelling)\s+(my|his|her|our|the|their|"
    r"this|that|it|appointment|appt|visit)\b",
    re.IGNORECASE,
)
# Words of a new booking: with them, the message may well ask for one.
NEW_BOOKING = re.compile(
    r"\b(book|make an? (appointment|appt)|new (appointment|appt|one)|another (appointment|appt|"
    r"one)|schedule (a|an|me|him|her|us|them)|set up an? (appointment|appt|visit)|get (me|him|her|"
    r"us) in|instead)\b",
    re.IGNORECASE,
)


def task_named(text: str) -> str | None:
    """``reschedule_appointment`` / ``cancel_appointment`` when the text names that task and no
    new booking; else None."""
    if NEW_BOOKING.search(text):
        return None
    if RESCHEDULE.search(text):
        return "reschedule_appointment"
    if CANCEL.search(text):
        return "cancel_appointment"
    return None


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class TaskWordsGuard(RuleGuard):
    """A booking read into a message that asks to reschedule or cancel becomes that task."""

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            intent = message.get(INTENT) or {}
            text = message.get(TEXT)
            if intent.get(INTENT_NAME_KEY) != BOOKING_INTENT or not isinstance(text, str):
                continue
            named = task_named(text)
            if named is not None:
                # Alone in the ranking: beside the model's booking (0.9) the fallback's
                # ambiguity check would ask "did you mean …?" instead.
                overrule(message, named)
        return messages
