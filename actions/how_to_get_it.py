"""'how do i get it?' right after a common question's answer: that answer again, not directions;
'how long does that take?' after it: how long that takes, not how long a visit lasts.

After "Forms ... and doctor's notes are handled by your provider's team. Bring or send the form
to the front desk, or call ..." the model read "how do i get it then" as directions (the offices'
addresses). Alone, "it" names nothing; only the dialogue knows it was the note.
``addons/follow_up_guard.py`` reads such a question as ``out_of_scope``, keeping the model's
reading; ``action_out_of_scope`` gives the answer just given again, which says how, or, when no
common question was answered just before, the question as the model read it.

After the records answer, "how long does that take" got how long a visit lasts (the model's
faq/visit_length): the records' own time is the answer; after an answer that names no time (a
refill, a form), the front desk, who know.
"""

from __future__ import annotations

import re
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from actions.second_request import replayed_as_read
from actions.tracker_reading import responses_before_latest

FAQ_PREFIX = "utter_faq/"
# Answers after which "how do i get one" is a booking, as the model reads it ("do you do flu
# shots?" - "Yes, we do.").
SERVICE_ANSWERS = {"utter_faq/service_offered", "utter_faq/clinician_offers", "utter_faq/services"}

HOW_TO_GET_IT = re.compile(
    r"^\W*(?:(?:ok|okay|k|so|and|but|um+|thanks|oh)\W+)*"
    r"how (?:do|can|would|should|could) (?:i|we) (?:get|request|obtain|order|ask for|"
    r"apply for|pick up|fill out|fill in|find) (?:it|that|this|one|them|those)"
    r"(?:\W+(?:then|now|exactly|again))?\W*$",
    re.IGNORECASE,
)

# "how long does that take", "how soon will they be ready": only "it"/"that"/"they", whose subject
# only the dialogue knows ("how long does a physical take" names its own).
HOW_LONG_IT_TAKES = re.compile(
    r"^\W*(?:(?:ok|okay|k|so|and|but|um+|thanks|oh|great|cool)\W+)*"
    r"(?:how (?:long|soon) (?:does|will|would|should|do|can) (?:it|that|this|they|those|that one)"
    r" (?:usually |normally |typically )?(?:take|be ready|be done|come|get here|arrive)"
    r"|how long (?:till|until|before) (?:it'?s|they'?re|it is|they are|i get (?:it|them))"
    r"(?: (?:ready|done|back|sent))?)"
    r"(?:\W+(?:then|now|usually|normally))?\W*$",
    re.IGNORECASE,
)
# Answers about something staff do for the patient, and how long it takes: the records' time,
# or who can tell. After any other answer ("do you do flu shots?" - "Yes"), "how long does it
# take" is read as the model reads it (a visit's length).
TIMED_ANSWERS = {
    "utter_faq/records_request": "utter_records_how_long",
    "utter_faq/prescription_refill": "utter_how_long_unknown",
    "utter_faq/forms_notes": "utter_how_long_unknown",
    "utter_faq/referral": "utter_how_long_unknown",
}


def is_how_to_get_it(text: str) -> bool:
    """Whether the message only asks how to get "it" ("how do i get it then?")."""
    return bool(HOW_TO_GET_IT.search((text or "").replace("\u2019", "'")))


def how_to_get_it(
    dispatcher: CollectingDispatcher, tracker: Tracker, latest: dict[str, Any]
) -> list[EventType] | None:
    """The common question's answer just given, again (it says how); else the question as the
    model read it; None when it read no request either."""
    faq = _common_answer_just_given(tracker)
    if faq is not None and faq not in SERVICE_ANSWERS:
        dispatcher.utter_message(response="utter_how_to_get_it")
        dispatcher.utter_message(response=faq)
        return []
    return replayed_as_read(tracker, latest)


def is_how_long_it_takes(text: str) -> bool:
    """Whether the message only asks how long "it" takes ("how long does that take?")."""
    return bool(HOW_LONG_IT_TAKES.search((text or "").replace("\u2019", "'")))


def how_long_it_takes(
    dispatcher: CollectingDispatcher, tracker: Tracker, latest: dict[str, Any]
) -> list[EventType] | None:
    """How long what the common question just answered takes (the front desk's number when
    the answer names no time), after one about something staff do; else the question as the
    model read it; None when it read no request either."""
    faq = _common_answer_just_given(tracker)
    if faq in TIMED_ANSWERS:
        dispatcher.utter_message(response=TIMED_ANSWERS[faq])
        return []
    return replayed_as_read(tracker, latest)


def _common_answer_just_given(tracker: Tracker) -> str | None:
    """The common question's answer (``utter_faq/...``) said just before the latest message."""
    answered = responses_before_latest(tracker)
    return next((name for name in reversed(answered) if name.startswith(FAQ_PREFIX)), None)
