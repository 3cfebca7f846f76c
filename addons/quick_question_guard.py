"""Rasa NLU component: a short question with a plain answer, read as a task, gets its answer.

"r u open saturday? north one" and "are you open the 31st? need to come in the afternoon"
started a booking, "open new years day?" was read as an answer, and "hello do you accept new
patients" asked which insurance the patient has. Asked whether (or when) the clinic is open,
with no word of a booking, the message becomes ``clinic_hours`` (whose action reads the office
and the day from the text); asked whether new patients are taken, and nothing else,
``ask_clinicians`` (who is taking new patients). The days it is closed ("any closures coming
up?", a cancellation; "holiday schedule?", a check of appointments) are the hours too, as are
the times appointments are offered ("any saturday appointments?", an identity check), and an
unsure reading of the hours is made sure. Placed before FallbackClassifier, so an unsure
reading is answered; SafetyTriage, last, still wins.
"""

from __future__ import annotations

import re

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.nlu.constants import INTENT, INTENT_NAME_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from actions.appointment_hours import appointment_times_asked
from actions.clinicians import AGE_GROUPS, AGES_WORDS, GOOD_WITH
from actions.matching import find_practitioner
from actions.own_clinician import asks_own_clinician
from actions.relatives import child_named
from actions.settings import get_clinic
from addons.intent_override import RuleGuard, overrule

HOURS_INTENT = "clinic_hours"
CLINICIANS_INTENT = "ask_clinicians"
# Readings these questions were given; anything else (a task, billing, safety, a person) stays.
MISREAD = frozenset(
    {"book_appointment", "inform", "out_of_scope", "greet", "goodbye", "affirm", "deny", "faq"}
)
_DAY = (
    r"(?:mon|tues?|wed(?:nes)?|thu(?:rs?)?|fri|sat(?:ur)?|sun)(?:day)?s?|today|tomorrow|tmrw|"
    r"tonight|this (?:weekend|evening|morning|afternoon)|weekends?|evenings?|nights?|"
    r"new ?years?(?: day| eve)?|christmas(?: eve| day)?|xmas(?: eve)?|thanksgiving|easter|"
    r"memorial day|labor day|(?:july|jul) 4(?:th)?|(?:the )?(?:\d{1,2}(?:st|nd|rd|th))|holidays?"
)
_WHO = (
    r"(?:you|u|ya|y'?all|you guys|it|they|(?:the |your )?(?:\w+ )?(?:office|offices|clinic|"
    r"location|one)|\w+ office)"
)
HOURS_ASKED = re.compile(
    r"^\W*(?:(?:hi|hey|hello|ok|okay|so|and|also|quick question)\W+)*"
    rf"(?:(?:are|r|is|will) {_WHO} (?:guys )?(?:still |even )?open\b(?! to\b)"
    rf"|(?:open|opened) (?:on |this |next |)(?:{_DAY})\b"
    rf"|what time (?:do|does|will) (?:{_WHO}|\w+) (?:open|close)\b"
    rf"|(?:when|what time) (?:do|does) (?:{_WHO}|\w+) (?:open|close)\b)",
    re.IGNORECASE,
)
# A booking asked for in the same message: the booking answers the hours too.
BOOKING_WORDS = re.compile(
    r"\b(?:book|booking|schedule|appointments?|appts?|slots?|openings?|available|availability|"
    r"get (?:in|seen)|see (?:dr|doctor|the doctor|someone|a doctor))\b",
    re.IGNORECASE,
)
# The days the clinic is closed: "any closures coming up?" was read as a cancellation and
# "holiday schedule?" as a check of the patient's appointments, so those readings give way too.
CLOSURES_ASKED = re.compile(
    r"\b(?:closures?|closings|closed days|holiday (?:hours|schedule|closures?)|"
    r"(?:what|which|any) holidays?|closed (?:for|on|over) (?:the )?holidays?)\b",
    re.IGNORECASE,
)
CLOSURE_MISREAD = MISREAD | {"cancel_appointment", "check_appointment", "reschedule_appointment"}
NEW_PATIENTS_ASKED = re.compile(
    r"^\W*(?:(?:hi|hey|hello|good (?:morning|afternoon|evening)|quick question)\W+)*"
    r"(?:are|r|is|do|does|will) (?:you|u|ya|y'?all|you guys|the clinic|your clinic|anyone|"
    # "is dr okafor taking new patients" (a booking started, and the question never answered)
    r"any (?:doctors?|providers?)|dr\.? [a-z]+|doctor [a-z]+|sam lee|the pediatrician|she|he)"
    r"(?: guys)? (?:currently |still |now )?"
    r"(?:taking|accepting|accept|take|seeing|see|open to)(?: any)? new patients\W*$",
    re.IGNORECASE,
)


# "can i switch doctors", "i want a different doctor", "can i change my pcp to dr patel": who
# the patient sees from now on (read as moving an appointment). Not with an appointment named
# ("switch my appointment to dr patel" is a move), nor records sent to a different doctor.
_DOCTOR = (
    # ("can i switch my primary doctor to sam lee": the physical was moved)
    r"(?:(?:(?:primary|regular|usual|main|family)(?: care)? )?"
    r"(?:doctors?|docs?|drs?|providers?|physicians?|clinicians?)|pcp|gp|primary care)"
)
SWITCH_ASKED = re.compile(
    rf"\b(?:switch|change|swap)(?:ing)? (?:my |our |his |her |their |the )?{_DOCTOR}\b"
    # (a doctor by title: not "can i switch to paperless")
    r"|\b(?:switch|change|swap)(?:ing)? (?:over )?to (?:dr\.?|doctor) [a-z]+\b"
    r"(?= as| for| instead|\W*$)"
    rf"|\b(?:a |another |see a )?different {_DOCTOR}\b",
    re.IGNORECASE,
)
APPOINTMENT_NAMED = re.compile(
    r"\b(?:appointments?|appts?|visits?|physicals?|check ?ups?|follow ?ups?|today|tomorrow|"
    r"\w+day|next week|records?|referrals?|forms?|send|sent)\b",
    re.IGNORECASE,
)
SWITCH_MISREAD = MISREAD | {"reschedule_appointment", "check_appointment", "nlu_fallback"}


# "do you have a female doctor who sees kids" (the services we offer, 1.0): the clinicians of
# that gender (actions/clinicians.py). A booking asked with it (BOOKING_NAMED) stays one.
GENDER_ASKED = re.compile(
    r"^\W*(?:(?:hi|hey|hello)\W+)?(?:do (?:you|u|y'?all)(?: guys)? have|is there|are there|any|"
    r"got)\b.{0,15}?\b(?:female|woman|women|lady|male|man|men)\s+(?:doctors?|drs?|docs?|"
    r"providers?|physicians?|clinicians?|pediatricians?|nps?|nurse practitioners?)\b",
    re.IGNORECASE,
)
# "which doctor is best for my 2 year old" (unclear, 0.45), "what doctor do you recommend for
# kids" (not something we do, 1.0), "who should my daughter see, she is 5" (a common question):
# the clinicians who see a child of that age (actions/clinicians.py), when a child is spoken of.
CLINICIAN_FOR_CHILD_ASKED = re.compile(
    r"\b(?:which|what|who)(?:'s| is| are)?(?: \w+){0,2} (?:doctors?|drs?|docs?|providers?|"
    r"physicians?|clinicians?|pediatricians?|peds)\b"
    r"|\bwho (?:should|can|could|would) (?:my|our) (?:\w+ ){0,2}(?:see|go to)\b"
    r"|\bwho (?:do|would) (?:you|u) recommend\b",
    re.IGNORECASE,
)
# (not a visit had, "what doctor did my son see last time", nor a day: "which doctor sees kids
# on saturday" is the days they are in)
NOT_FOR_CHILD = re.compile(rf"\b(?:did|was|were|last time|{_DAY})\b", re.IGNORECASE)
# (a question for a nurse stays one: "which doctor should my son see for his rash")
CHILD_MISREAD = MISREAD | {"nlu_fallback", "clinic_hours", "contact_info"}


def clinician_for_child_asked(text: str) -> bool:
    """Whether the message asks which clinician a child of the writer's should see."""
    return (
        bool(CLINICIAN_FOR_CHILD_ASKED.search(text))
        and child_named([text])
        and not BOOKING_NAMED.search(text)
        and not NOT_FOR_CHILD.search(text)
        and not asks_own_clinician(text)  # "who is my sons doctor"
        and find_practitioner(text, get_clinic()) is None
    )


# "is dr okafor in on saturday", "i just need to know if dr patel works tuesdays" (a booking,
# 0.95: "Let's get this booked"): which days the clinician is in (actions/clinicians.py).
CLINICIAN_IN_ASKED = re.compile(
    r"\b(?:is|if|whether|does|when)\s+(?:dr\.?|doctor)\s+[a-z]+\s+(?:is\s+)?"
    r"(?:in|there|working|works|work|around|at the \w+ (?:office|clinic))\b"
    rf"(?:\s+(?:on|this|next|any))?\s+(?:{_DAY})\W*$",
    re.IGNORECASE,
)
# "how old do you have to be to see dr okafor" (how to prepare for a visit, 0.94), "does dr
# gonzalez see men" (her days, 0.68): whom that clinician sees (actions/clinicians.py), when a
# clinician of clinic.yml is named.
WHO_THEY_SEE_ASKED = re.compile(
    rf"\b{AGES_WORDS}\b"
    r"|\b(?:does|do|can|will|would|is) (?:[\w.']+ ){1,3}(?:only )?"
    rf"(?:see|treat|take|work with|{GOOD_WITH}) "
    rf"(?:\w+ )?(?:{AGE_GROUPS}|men|males?|guys|boys|women|females?|girls)\b",
    re.IGNORECASE,
)
BOOKING_NAMED = re.compile(r"\b(?:book|schedule|appointments?|appts?)\b", re.IGNORECASE)


def switch_asked(text: str) -> bool:
    """Whether the patient asks to see another clinician from now on, with no visit named."""
    text = text.replace("\u2019", "'")
    return bool(SWITCH_ASKED.search(text)) and not APPOINTMENT_NAMED.search(text)


def _reading(text: str) -> tuple[str, frozenset[str | None]] | None:
    """The intent whose answer the message asks for, and the readings of the model it
    overrules (closures and appointment times overrule task readings too); None if none."""
    text = text.replace("\u2019", "'")
    if NEW_PATIENTS_ASKED.search(text):
        return CLINICIANS_INTENT, MISREAD
    if switch_asked(text):
        return CLINICIANS_INTENT, SWITCH_MISREAD
    if GENDER_ASKED.search(text) and not BOOKING_NAMED.search(text):
        return CLINICIANS_INTENT, MISREAD
    if (
        WHO_THEY_SEE_ASKED.search(text)
        and not BOOKING_NAMED.search(text)
        and find_practitioner(text, get_clinic()) is not None
    ):
        # (retrained, the first was read as directions, 0.52: the clinician's days)
        # ("is dr okafor good with toddlers?" was a question for a nurse, 0.66)
        return CLINICIANS_INTENT, MISREAD | {"clinic_hours", "directions", "medical_advice"}
    if clinician_for_child_asked(text):
        return CLINICIANS_INTENT, CHILD_MISREAD
    if CLINICIAN_IN_ASKED.search(text) and not BOOKING_NAMED.search(text):
        return CLINICIANS_INTENT, MISREAD | {"clinic_hours"}
    if appointment_times_asked(text):
        # "do you have evening appointments?": the hours that fit (actions/appointment_hours)
        return HOURS_INTENT, CLOSURE_MISREAD
    # ("holiday schedule" is no booking)
    booking = BOOKING_WORDS.search(CLOSURES_ASKED.sub(" ", text))
    if CLOSURES_ASKED.search(text) and not booking:
        return HOURS_INTENT, CLOSURE_MISREAD
    if HOURS_ASKED.search(text) and not booking:
        return HOURS_INTENT, MISREAD
    return None


def quick_question(text: str) -> str | None:
    """The intent whose answer the message asks for (hours, new patients), else None."""
    reading = _reading(text)
    return reading[0] if reading else None


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class QuickQuestionGuard(RuleGuard):
    """``clinic_hours`` for "r u open saturday? north one"; ``ask_clinicians`` for "hello do
    you accept new patients"."""

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            text = message.get(TEXT)
            intent = (message.get(INTENT) or {}).get(INTENT_NAME_KEY)
            if not isinstance(text, str) or text.startswith("/"):
                continue
            reading = _reading(text)
            if reading is None:
                continue
            asked, misread = reading
            if intent not in misread and intent not in ("billing_insurance", HOURS_INTENT):
                continue
            if asked == intent:
                # made sure: "holiday schedule?" (the hours at 0.38) was "did you mean …?"
                overrule(message, asked)
                continue
            # "hello do you accept new patients" was read as an insurance question
            if intent in misread or (intent == "billing_insurance" and asked == CLINICIANS_INTENT):
                overrule(message, asked)
        return messages
