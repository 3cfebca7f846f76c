"""Another person's data asked for by name while someone else is verified: "what's Emily's
balance", "what does Liam owe", "and liam?", "book ava too", "what about Aisha Khan".

Only reading; ``actions/identity.py`` decides what to do with it, so that one patient's details
are never shown for another's name.
"""

from __future__ import annotations

import re

from actions.clients.fhir_model import normalize_name
from actions.name_words import OTHER_WORDS, first_name_alone, name_like, staff_name_words
from actions.names import CURLY_APOSTROPHES, parse_full_name
from actions.relatives import CHILD_RELATIONS

# "balance for Carlos Rivera", "appointments for Liam Nguyen": whose data, by a capitalised name.
DATA_FOR_NAME = re.compile(
    r"\b(?i:balance|bill|bills|account|statement|appointments?|appts?|visits?)\s+(?i:for|of)\s+"
    # "for my son Liam Nguyen": the name is the patient's
    r"(?:(?i:my|our)\s+(?i:son|daughter|child|kid|boy|girl|baby|husband|wife|partner|mom|mother|"
    r"dad|father),?\s+)?"
    r"(?P<name>[A-Z][\w'-]+(?:\s+[A-Z][\w'-]+){1,2})\s*[?.!]*$"
    # "what does Carlos Rivera owe?"
    # "what does Carlos Rivera owe", "and what does carlos rivera owe" (two or three name words:
    # "my son" is no name, see parse_full_name)
    r"|\b(?i:what|how much)\s+(?i:does|do)\s+(?P<owes>[^\W\d_][\w'-]+(?:\s+[^\W\d_][\w'-]+)"
    r"{1,2})\s+(?i:owe|have)\b"
    # "does Carlos Rivera have a balance": the name was asked for again
    r"|\b(?i:does|did)\s+(?P<has>[^\W\d_][\w'-]+(?:\s+[^\W\d_][\w'-]+){1,2})\s+(?i:still\s+)?"
    r"(?i:owe\b|have\s+(?:a|an|any)\s+(?:balance|bill|bills|appointments?|appts?|visits?)\b)"
)


def named_for(text: str) -> tuple[str, str] | None:
    """The patient named at the end of a request ("what's the balance for Carlos Rivera"),
    capitalised as names are ("appointment for next week" is no one); clinicians excluded."""
    match = DATA_FOR_NAME.search((text or "").translate(CURLY_APOSTROPHES).strip())
    if match is None:
        return None
    name = parse_full_name(match["name"] or match["owes"] or match["has"])
    staff = staff_name_words()
    if name is None or any(normalize_name(w) in staff for w in " ".join(name).split()):
        return None
    return name


# "what's Emily's balance", "carlos rivera's appointment": a person's data asked for by name.
NAMED_DATA = re.compile(
    r"\b(?P<name>[^\W\d_][\w'-]*(?:\s+[^\W\d_][\w'-]*)?)['’]s\s+"
    r"(?:next\s+|last\s+|upcoming\s+|open\s+|current\s+)?"
    r"(?:balance|bill|bills|appointment|appointments|appt|appts|visit|visits|account|statement|"
    # "can you cancel carlos's checkup monday" (Emily verified) offered to cancel hers
    r"(?:(?:annual|well[- ]child|well|sick|flu|follow[- ]?up)\s+)?(?:checkup|check-up|physical|"
    r"exam|shot|shots|vaccination|vaccine|visit|follow[- ]?up))\b",
    re.IGNORECASE,
)


# The same typed without the apostrophe ("aisha khans balance"): the name is what is left.
NAMED_DATA_BARE = re.compile(
    r"\b(?P<name>[^\W\d_][\w-]*?(?:\s+[^\W\d_][\w-]*?)?)s\s+"
    r"(?:next\s+|last\s+|upcoming\s+|open\s+|current\s+)?"
    r"(?:balance|bill|bills|appointment|appointments|appt|appts|account|statement)\b",
    re.IGNORECASE,
)
# "what does liam owe", "does liam have an appointment", "ok and liam?": the same, said of them.
NAMED_SUBJECT = re.compile(
    r"\b(?:does|did|will)\s+(?P<name>[^\W\d_][\w'-]*(?:\s+[^\W\d_][\w'-]*)?)\s+(?:still\s+)?"
    r"(?:owe|have\s+(?:a|an|any)\s+(?:balance|bill|bills|appointment|appointments|appt|appts|"
    r"visit|visits)|have\s+anything|need\s+to\s+pay)\b",
    re.IGNORECASE,
)
# "what appointments does liam have", "which bills does ava have": the same, asked the other way.
WHAT_THEY_HAVE = re.compile(
    r"\b(?:what|which|any)\s+(?:appointments?|appts?|visits?|bills?|balance)\s+(?:does|did|will)\s+"
    r"(?P<name>[^\W\d_][\w'-]*(?:\s+[^\W\d_][\w'-]*)?)\s+(?:still\s+)?(?:have|owe)\b",
    re.IGNORECASE,
)
ABOUT_FIRST_NAME = re.compile(
    r"^\W*(?:ok(?:ay)?,?\s+)?(?:and|what about|how about|now)\s+(?P<name>[^\W\d_][\w'-]*)\W*$",
    re.IGNORECASE,
)


# Words ending in "s" that are no name's possessive without the apostrophe ("this bill").
WORDS_ENDING_IN_S = {"this", "his", "its", "is", "was", "yes", "us", "thus", "plus", "bus"}


def named_other(text: str, patient_name: str) -> str | None:
    """The name of someone other than the verified patient whose balance or appointments are
    asked for by name ("what's Emily's balance", "what does Liam owe", "and liam?" while Emily
    is verified), else None."""
    plain = (text or "").translate(CURLY_APOSTROPHES)
    match = NAMED_DATA.search(plain) or NAMED_SUBJECT.search(plain) or WHAT_THEY_HAVE.search(plain)
    if match is None and (bare := NAMED_DATA_BARE.search(plain)) is not None:
        # "whats aisha khans balance", "what about liams bill": the name without its "s"
        said = bare["name"].split()[-2:]
        if said and f"{said[-1]}s".lower() in WORDS_ENDING_IN_S:
            said = []  # "whats this bill for" was asked about someone called "Thi"
        while said and not all(first_name_alone(w) for w in said):
            said = said[1:]
        own = {normalize_name(w) for w in patient_name.split()}
        if said and not any(normalize_name(w) in own for w in said):
            return " ".join(w[:1].upper() + w[1:] for w in said)
    if match is None:
        match = ABOUT_FIRST_NAME.match(plain)
        if match is None or not first_name_alone(match["name"]):
            return None
    # The name is the last word, with the one before it when that is a name too.
    words = [w for w in match["name"].split()[-2:] if name_like(w)]
    if (
        len(match["name"].split()) > 1
        and len(words) == 1
        and not name_like(match["name"].split()[-1])
    ):
        words = []
    own = {normalize_name(w) for w in patient_name.split()}
    if not words or any(normalize_name(w) in own | staff_name_words() for w in words):
        return None
    if any(w.lower() in OTHER_WORDS for w in words):
        return None  # "my son's appointment", "today's appointment": not a name
    return " ".join(w[:1].upper() + w[1:] for w in words)


# "book ava too", "ok now ben, back to back", "book ava's flu shot right after liam's": a first
# name alone, after a booking word or before "'s" (it was booked on the verified child's record).
FIRST_NAME_BOOKED = re.compile(
    r"\b(?:book|schedule|get|add|do|now|for|and)\s+(?:in\s+)?(?=(?P<name>[^\W\d_][\w-]*))"
    r"|\b(?P<owner>[^\W\d_][\w-]*)'s\s+(?:\w+\s+)?(?:visit|shot|checkup|check-up|physical|"
    r"appointment|appt|exam)\b",
    re.IGNORECASE,
)
# ...said with "too", "also", "next" or a second visit ("now ben"): besides the one verified.
BESIDES = re.compile(r"\b(too|also|as well|another|next|now|after|before|back to back|both)\b")


def other_first_name(text: str, patient_name: str) -> str | None:
    """The first name of another person to book for, said alone ("book ava too"), when it is
    not the verified patient's nor a clinician's; None otherwise."""
    plain = (text or "").translate(CURLY_APOSTROPHES)
    if not BESIDES.search(plain.lower()):
        return None
    own = {normalize_name(w) for w in patient_name.split()}
    for match in FIRST_NAME_BOOKED.finditer(plain):
        word = match["name"] or match["owner"]
        if not first_name_alone(word) or normalize_name(word) in own | staff_name_words():
            continue
        if word.lower() in CHILD_RELATIONS or word.lower() in OTHER_WORDS:
            continue
        return word[:1].upper() + word[1:].lower()
    return None


def first_name_follow_up(text: str) -> str | None:
    """ "and liam?", "ok what about ava": a first name alone after a look-up, else None."""
    match = ABOUT_FIRST_NAME.match((text or "").translate(CURLY_APOSTROPHES))
    if match is None:
        return None
    name = re.sub(r"'s$", "", match["name"], flags=re.IGNORECASE)
    return name if first_name_alone(name) else None


# "what about Aisha Khan, when is she coming in?": another person, by a capitalised full name.
ABOUT_NAME = re.compile(
    r"\b(?i:what about|how about|and what about|now for|and for|also for|same for|"
    r"and also|can you check|could you check)\s+(?P<name>[A-Z][\w'-]+\s+[A-Z][\w'-]+)"
)


# ... or typed in lower case, ending the message ("what about carlos rivera" repeated the
# verified patient's balance).
LOWER_ABOUT_NAME = re.compile(
    r"\b(?:what about|how about|and what about|now for|and for|also for|same for|can you check|"
    r"could you check)\s+(?P<name>[a-z][\w'-]+\s+[a-z][\w'-]+)(?:'?s)?"
    r"(?:\s+(?:too|also|as well|please|pls))?\W*$"
)


def asked_about_name(text: str, patient_name: str) -> str | None:
    """The full name a follow-up asks about ("what about Aisha Khan?") when it is not the
    verified patient's nor a clinician's, else None."""
    plain = (text or "").translate(CURLY_APOSTROPHES)
    match = ABOUT_NAME.search(plain)
    if match is None:
        match = LOWER_ABOUT_NAME.search(plain)
        if match is None or not all(first_name_alone(w) for w in match["name"].split()):
            return None
        match = re.match(r"(?P<name>.+)", " ".join(w.capitalize() for w in match["name"].split()))
        assert match is not None
    words = match["name"].split()
    own = normalize_name(patient_name)
    if normalize_name(" ".join(words)) == own or not all(name_like(w) for w in words):
        return None
    if any(normalize_name(w) in staff_name_words() for w in words):
        return None
    return " ".join(words)
