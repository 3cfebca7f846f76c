"""Which days and offices a clinician sees patients ("what days does Dr. Patel work?").

Answered from each practitioner's ``schedule`` in ``clinic.yml``, so patients who want a
particular clinician hear when to find them, and get one tap to book with them.
"""

from __future__ import annotations

import json
import re
from datetime import date, timedelta

from actions.billing import join_words
from actions.clinic_config import WEEKDAY_NAMES, WEEKDAYS, ClinicConfig, Location, Practitioner
from actions.date_words import WEEKDAY, WEEKDAY_NUMBERS
from actions.matching import find_offered_visit, normalise

# Asked about a clinician's office route ("how do I get to Dr. Patel's office"): directions to
# where they work, not their days.
ROUTE_TO_CLINICIAN = re.compile(
    r"\b(address|directions?|get there|get to|how do i get|map|bus|train|transit|light rail"
    r"|drive|route)\b"
)
# Asked who the clinician sees ("does Sam Lee see kids?", "is Dr. Gonzalez a pediatrician?").
WHO_ASKED = re.compile(
    r"\b(kids?|child|children|baby|babies|toddlers?|infants?|teens?|teenagers?|adults?|women|"
    r"men|ages?|old|elderly|seniors?|who|pap|prenatal|pregnan\w*|specialt\w*|what kind|"
    r"type of|pediatrician|gyn\w*|family doctor)\b"
)
_DAY_ASKED = re.compile(rf"\b{WEEKDAY}s?\b")


# The clinician's days or hours are asked ("which days is Dr. Gonzalez at North?"), not the
# way to an office the patient named ("where is the north office? I see Dr. Patel").
SCHEDULE_WORDS = re.compile(
    r"\b(days?|work|works|working|schedule|hours|in on|there on|available|availability|"
    r"see patients|sees patients|today|tomorrow|when)\b"
)


def wants_route(text: str, office_named: bool = False) -> bool:
    """A route to the clinician's office, or to an office named with no schedule question."""
    plain = normalise(text)
    if ROUTE_TO_CLINICIAN.search(plain):
        return True
    return office_named and not (SCHEDULE_WORDS.search(plain) or _DAY_ASKED.search(plain))


def days_phrase(days: list[str]) -> str:
    """``Mondays, Wednesdays and Fridays``; three or more days in a row: ``Monday to Friday``."""
    numbers = sorted(WEEKDAYS.index(d) for d in days if d in WEEKDAYS)
    runs: list[list[int]] = []
    for n in numbers:
        if runs and n == runs[-1][-1] + 1:
            runs[-1].append(n)
        else:
            runs.append([n])
    words = []
    for run in runs:
        names = [WEEKDAY_NAMES[WEEKDAYS[n]] for n in run]
        words += [f"{names[0]} to {names[-1]}"] if len(run) >= 3 else [n + "s" for n in names]
    return ("from " if len(runs) == 1 and len(runs[0]) >= 3 else "on ") + join_words(words, "and")


def _asked_day(text: str, today: date) -> str | None:
    """The weekday asked about ("on fridays", "today", "tomorrow"), as ``mon``..``sun``."""
    plain = normalise(text)
    day = _DAY_ASKED.search(plain)
    if day:
        return WEEKDAYS[WEEKDAY_NUMBERS[day.group(1)]]
    for word, ahead in (("today", 0), ("tonight", 0), ("tomorrow", 1), ("tmrw", 1)):
        if re.search(rf"\b{word}\b", plain):
            return WEEKDAYS[(today + timedelta(days=ahead)).weekday()]
    return None


# A clinician's pronouns (subject, object) from the optional ``gender`` in ``clinic.yml``.
PRONOUNS = {"woman": ("she", "her"), "man": ("he", "him")}


def sees(practitioner: Practitioner) -> str:
    """ "he sees", "she sees"; "they see" without a ``gender`` (it was "they" for Sam Lee, who
    is a man)."""
    said = PRONOUNS.get(getattr(practitioner, "gender", "") or "")
    return f"{said[0]} sees" if said else "they see"


def them(practitioner: Practitioner) -> str:
    """ "her" or "him" ("just choose him when you book"); "them" without a ``gender``."""
    said = PRONOUNS.get(getattr(practitioner, "gender", "") or "")
    return said[1] if said else "them"


def clinician_days_text(
    practitioner: Practitioner,
    clinic: ClinicConfig,
    text: str,
    named: list[Location],
    today: date,
    tell_who: bool = False,
) -> str:
    """Where and on which weekdays ``practitioner`` works; a weekday or an office asked about is
    answered first, and a children-only clinician says so."""
    offices = {loc.id: loc for loc in clinic.locations}
    schedule = {loc: days for loc, days in practitioner.schedule.items() if loc in offices}
    week = join_words(
        [f"the {offices[loc].name} {days_phrase(days)}" for loc, days in schedule.items()], "and"
    )
    answer = f"{practitioner.name} sees patients at {week}, during office hours."
    asked = _asked_day(text, today)
    wanted = [loc for loc in named if loc.id in offices]
    where = [loc for loc in schedule if not wanted or loc in {w.id for w in wanted}]
    if asked:
        there = [offices[loc].name for loc in where if asked in schedule[loc]]
        first = (
            f"{practitioner.name} is at the {join_words(there, 'and')} on {WEEKDAY_NAMES[asked]}s."
            if there
            else f"No, {practitioner.name} isn't in on {WEEKDAY_NAMES[asked]}s"
            + (f" at the {wanted[0].name}." if wanted else ".")
        )
        answer = f"{first} Each week {sees(practitioner)} patients at {week}."
    elif wanted:
        first = (
            f"{practitioner.name} is at the {wanted[0].name} {days_phrase(schedule[where[0]])}."
            if where
            else f"No, {practitioner.name} doesn't work at the {wanted[0].name}."
        )
        answer = f"{first} Each week {sees(practitioner)} patients at {week}."
    asked_who = tell_who or bool(WHO_ASKED.search(normalise(text)))
    if practitioner.sees and (asked_who or practitioner.sees_patients_under):
        answer += f" {practitioner.name} sees {practitioner.sees}."
    elif practitioner.sees_patients_under:
        answer += f" {practitioner.name} sees children and teens under "
        answer += f"{practitioner.sees_patients_under} only."
    return named_once(answer, practitioner)


def visit_answer_first(
    answer: str, text: str, practitioner: Practitioner, clinic: ClinicConfig
) -> tuple[str, list[Practitioner]]:
    """``answer`` about ``practitioner``, after whether they do a visit ``text`` asks about
    ("does dr gonzalez do flu shots"), with the full name once; and who to offer a booking
    with."""
    does = visit_done_by(text, practitioner, clinic)
    if does is None:
        return named_once(answer, practitioner), [practitioner]
    return named_once(f"{does[0]} {answer}", practitioner), does[1]


# "does dr okafor do shots", "can sam lee see kids": a clinician's own services.
CLINICIAN_ASKED = re.compile(
    r"\b(?:do|does|can|will|would)\s+(?:dr\.?\s+|doctor\s+)?[\w'.-]+(?:\s+[\w'.-]+)?\s+"
    r"(?:also\s+)?(?:do|give|offer|see|treat|perform|provide|administer)\b",
    re.IGNORECASE,
)


def visit_done_by(
    text: str, practitioner: Practitioner, clinic: ClinicConfig
) -> tuple[str, list[Practitioner]] | None:
    """Whether ``practitioner`` does the visit a question names ("does dr gonzalez do flu
    shots": it got her days alone), to say first, and who does it (to book with); None when
    no such question is asked."""
    visit = find_offered_visit(text, clinic) if CLINICIAN_ASKED.search(text) else None
    if visit is None:
        return None
    if practitioner.specialty in visit.specialties:
        return f"Yes, {practitioner.name} does {visit.name}s.", [practitioner]
    others = [p for p in clinic.practitioners if p.specialty in visit.specialties]
    instead = f" {join_words([p.name for p in others], 'or')} can." if others else ""
    return f"No, {practitioner.name} doesn't do {visit.name}s.{instead}", others


def short_name(practitioner: Practitioner) -> str:
    """ "Dr. Gonzalez", "Sam Lee": the name as said once the full one has been."""
    return f"{practitioner.prefix or practitioner.given} {practitioner.family}"


def named_once(text: str, practitioner: Practitioner) -> str:
    """``text`` with the clinician's full name the first time only ("Yes, Dr. Maria Gonzalez
    is taking new patients. Dr. Gonzalez sees patients at ..."): three times in three
    sentences read like a form letter."""
    first = text.find(practitioner.name)
    if first < 0:
        return text
    cut = first + len(practitioner.name)
    return text[:cut] + text[cut:].replace(practitioner.name, short_name(practitioner))


def book_with_button(practitioner: Practitioner, when: str | None = None) -> dict[str, str]:
    """One tap to start booking with this clinician (the booking form reads the entity), and
    ``when`` ("December 7 at 8:00am": the next opening said) as its date."""
    short = short_name(practitioner)
    values = {"practitioner": practitioner.id, **({"date": when} if when else {})}
    payload = "/book_appointment" + json.dumps(values)
    return {"title": f"Book with {short}", "payload": payload}


# "is she taking new patients?", "book me with her": the clinician just spoken of.
PRONOUN = re.compile(r"\b(she|he|her|him|his)\b")


def clinician_meant(text: str, last_answer: str, clinic: ClinicConfig) -> Practitioner | None:
    """The one clinician the assistant's last answer named, when the patient says "she" or
    "he" ("what days does dr patel work" - "is she taking new patients" started a booking)."""
    if not PRONOUN.search(normalise(text)):
        return None
    named = [p for p in clinic.practitioners if p.name in last_answer]
    return named[0] if len(named) == 1 else None
