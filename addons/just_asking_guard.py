"""Rasa NLU component: "no i was just asking" and "i was just wondering" ask for nothing.

"no i was just asking" after the physical therapy answer was read as a billing dispute (0.73):
the chat went to billing staff and paused until morning, for a patient who had never spoken of
a bill; inside a booking started by mistake it did the same. It becomes ``stop``: a task
running ends, and with none running the patient is asked what else we can do
(``actions/stop.py``). "i was just wondering" (a balance question, 0.95: "What is the
patient's full name?") and "i have a question" announce a question still to come: they become
``nlu_fallback``, whose action waits for it ("Take your time, I'm here"); so does "sorry wrong
number", which that action answers as such (``wrong_number``). Placed before
FallbackClassifier; SafetyTriage, last, still wins.
"""

from __future__ import annotations

import re

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.nlu.constants import INTENT, INTENT_NAME_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from addons.intent_override import RuleGuard, overrule

STOP_INTENT = "stop"
FALLBACK_INTENT = "nlu_fallback"
# Readings kept whatever the words: safety, and a person asked for.
KEPT = frozenset({"emergency", "crisis", "request_human"})

_OPENING = r"^\W*(?:(?:no|nah|nope|oh|ok|okay|ah|sorry|lol)\W+)*"
# "no i was just asking", "no, i was only asking a question", "nah just curious thanks"
JUST_ASKING = re.compile(
    _OPENING + r"(?:i was |i'?m |im |i am |was )?(?:just|only) "
    r"(?:asking|wondering|checking|curious)(?: (?:a )?question)?(?:\W+(?:thanks|thx|ty))?\W*$",
    re.IGNORECASE,
)
# "i was just wondering", "quick question", "i have a question", "can i ask something"
ABOUT_TO_ASK = re.compile(
    r"^\W*(?:(?:hi|hey|hello|um+|so|ok|okay)\W+)*(?:(?:i was |i'?m |im )(?:just )?wondering"
    # ("i have a few questions" asked "Did you want to talk to a person?")
    r"|(?:(?:i|we) (?:have|had|got)|got|quick) (?:a |some |a few |few |a couple (?:of )?|"
    r"couple (?:of )?|two |2 |three |3 |several )?(?:quick |small |more )?questions?"
    r"(?: for (?:you|u))?|can i ask (?:you )?(?:something|a (?:quick )?question|"
    r"(?:a few|some|a couple of) (?:quick )?questions))\W*$",
    re.IGNORECASE,
)

# "u there?", "hello?? anyone there" (with no question waiting: "Did you want to get directions
# to our office?"); not "hey there", a greeting.
ANYONE_THERE = re.compile(
    r"^\W*(?:(?:hi|hey|hello+|helo|yo)\W+)*(?:(?:(?:are|r) )?(?:you|u|ya) (?:still )?(?:there|here|"
    r"around)|(?:is )?any ?(?:one|body) (?:there|here|around)|still there)\W*$"
    r"|^\W*(?:hi|hey|hello+|helo)\W*\?+\W*$",
    re.IGNORECASE,
)


# "wrong number sorry" (a question about a charge, 0.45: "Did you want to question a charge?"),
# "who is this? i think you have the wrong number": someone who did not mean to write to us.
# Not a number of ours that is wrong ("you have the wrong number on file for me"), nor one on
# a booking or a bill ("wrong person" is left to what is running: it may answer "Is this for
# Emily?").
WRONG_NUMBER = re.compile(r"\bwrong (?:(?:phone )?number\b|no\.|#)", re.IGNORECASE)
NOT_WRONG_NUMBER = re.compile(
    r"\b(?:on file|on record|file|record|chart|account|update|change|changed|for me|my number|"
    r"book|booked|schedul\w*|appointment|appt|bill|billed|charge\w*)\b",
    re.IGNORECASE,
)
MAX_WRONG_NUMBER_WORDS = 12


def wrong_number(text: str) -> bool:
    """Whether a short message says the writer reached us by mistake."""
    plain = (text or "").replace("\u2019", "'")
    return (
        len(plain.split()) <= MAX_WRONG_NUMBER_WORDS
        and bool(WRONG_NUMBER.search(plain))
        and not NOT_WRONG_NUMBER.search(plain)
    )


def just_asking(text: str) -> bool:
    """ "no i was just asking": a task offered or started is not wanted."""
    return bool(JUST_ASKING.match((text or "").replace("\u2019", "'")))


def about_to_ask(text: str) -> bool:
    """ "i was just wondering": the question is still to come. So too "u there?" (with no
    question waiting: "Did you want to get directions to our office?"), though not a plain
    "hi", a greeting."""
    plain = (text or "").replace("\u2019", "'")
    return bool(ABOUT_TO_ASK.match(plain) or ANYONE_THERE.match(plain))


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class JustAskingGuard(RuleGuard):
    """``stop`` for "no i was just asking", ``nlu_fallback`` for "i was just wondering"."""

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            text = message.get(TEXT)
            read_as = (message.get(INTENT) or {}).get(INTENT_NAME_KEY)
            if not isinstance(text, str) or read_as in KEPT:
                continue
            if about_to_ask(text) or wrong_number(text):
                overrule(message, FALLBACK_INTENT)
            elif just_asking(text):
                overrule(message, STOP_INTENT)
        return messages
