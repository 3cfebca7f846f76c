"""A medicine named right after the refill answer ("lisinopril", "my atorvastatin"), or medicine
running low ("i only have 2 pills left", "i ran out yesterday, is that bad").

The model read such a word as nothing it knew ("Did you want to find out about our doctors?")
or as details ("What can I help you with?"). Right after "I can't refill prescriptions
myself ...", it is the medicine the patient wants refilled: heard, and how to get that done
said again, briefly.

Running low was read as an emergency (911, and the chat paused: a classifier look-alike in
safety/triage.yml now), a complaint ("Did you want to tell us about a problem with your care?"),
the refill answer word for word, or a look-up ("What is the patient's full name?"). It gets what
to do today and the after-hours nurse line, who can say what to do about missed doses.
``addons/follow_up_guard.py`` reads it as ``out_of_scope`` (keeping the model's reading);
:func:`refill_reply` picks the answer.
"""

from __future__ import annotations

import re

from rasa_sdk import Tracker

from actions.matching import normalise
from actions.second_request import request_in
from actions.tracker_reading import responses_before_latest

REFILL_ANSWER = "utter_faq/prescription_refill"
# The refill answer and the replies after it: "i ran out yesterday, is that bad" came after
# the reply to "i only have 2 pills left".
REFILL_TALK = {REFILL_ANSWER, "utter_refill_running_low", "utter_refill_medicine_named"}
# A medicine's name, maybe with a dose or "my": a few words, no question.
MAX_WORDS = 4
MEDICINE = (
    r"(?:meds|medicines?|medications?|pills?|tablets?|capsules?|prescriptions?|refills?|"
    r"[a-z]+(?:pril|sartan|statin|olol|formin|dipine|oxetine|pram|zepam|thyroxine))"
)
# "ran out", "almost out" ("of" something only when it is a medicine: "running out of time");
# "i'm out" alone is a goodbye.
_OUT = re.compile(
    r"\b(?:almost|nearly|about to run|about to be|running|ran|run|all|completely|totally|"
    r"already) out\b(?P<after> of\b.*)?"
)
_OF_MEDICINE = re.compile(
    rf"^ of (?:(?:my|his|her|their|our|the|your) )?(?:[a-z]+ ){{0,3}}{MEDICINE}\b"
)
# "only 2 pills left", "a few days of meds left", "my last pill"
_LEFT = re.compile(
    rf"\b(?:\d+|one|two|three|four|five|a few|a couple(?: of)?|few) (?:more )?(?:(?:days?|doses?) "
    rf"(?:of (?:my |his |her )?)?)?(?:[a-z]+ ){{0,2}}(?:{MEDICINE}|days|doses) left\b"
    rf"|\b(?:my|his|her|the) last (?:pill|dose|tablet|capsule)\b"
)
_NAMES_MEDICINE = re.compile(rf"\b{MEDICINE}\b")


def running_low(text: str) -> bool:
    """Whether ``text`` says the patient's medicine is running low or has run out."""
    said = normalise(text or "")
    if _LEFT.search(said):
        return True
    out = _OUT.search(said)
    if out is None:
        return False
    after = out.group("after")
    return after is None or bool(_OF_MEDICINE.match(after))


def medicine_named_after_refill(tracker: Tracker, text: str) -> bool:
    """Whether ``text`` (read as nothing clear, or as details) answers the refill answer just
    given with the medicine's name."""
    plain = (text or "").strip()
    if not plain or plain.startswith("/") or "?" in plain or len(plain.split()) > MAX_WORDS:
        return False
    return REFILL_ANSWER in responses_before_latest(tracker) and request_in(plain) is None


def refill_reply(tracker: Tracker, text: str) -> str | None:
    """The response for a reply about a refill: medicine running low (said with a medicine,
    or right after the refill answer), a medicine named right after it; else None."""
    after_refill = not REFILL_TALK.isdisjoint(responses_before_latest(tracker))
    if (
        running_low(text)
        and (after_refill or _NAMES_MEDICINE.search(normalise(text)))
        and request_in(text) is None
    ):
        return "utter_refill_running_low"
    if medicine_named_after_refill(tracker, text):
        return "utter_refill_medicine_named"
    return None
