"""What a patient cannot do: weekdays ruled out ("not mondays", "i work monday through friday",
"can't do weekends"), a part of the day ruled out ("no mornings", "not too early") and the day
or week they cannot come ("not tomorrow", "can't make it next week").

Kept apart because a day ruled out must never be read as the day wanted: "i work monday
through friday" once searched Friday, and "I'm not busy monday" rules nothing out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import time

from actions.clock_times import PART_HOURS
from actions.date_words import (
    CANNOT_COME_THAT_DAY,
    WEEKDAY,
    WEEKDAY_NUMBERS,
    clean_words,
    weekdays_from_to,
)

# "not mondays", "any day but friday", "can't do tues or wed": weekdays ruled out.
# A negated trigger says the opposite: "not busy monday", "don't work on fridays",
# "off work on mondays" leave the day open.
_NOT_NEGATED = r"(?<!not )(?<!n't )(?<!dont )(?<!never )(?<!off )"
_RULED_OUT_DAY = rf"(?:on\s+)?(?:a\s+)?{WEEKDAY}s?"
_RULING_OUT = (
    r"not|except(?: for)?|besides|other than|apart from|excluding|any ?day but"
    r"|anything but|never on|can'?t do|cannot do|can'?t make|cannot make|can'?t come|can'?t go"
    r"|can'?t on|busy on|busy|work(?:ing)? on|i work"
)
# "i work monday through friday", "busy mon-fri": every day from the first to the last (it
# was Monday ruled out, and Friday taken as the day wanted).
RULED_OUT_DAY_RANGE = re.compile(
    rf"\b{_NOT_NEGATED}(?:{_RULING_OUT})\s+(?:from\s+)?{WEEKDAY}s?\s*"
    rf"(?:through|thru|to|till|til|until|-)\s*{WEEKDAY}s?\b"
)
# "i work weekdays", "can't do weekends", "busy during the week": those days.
RULED_OUT_WEEK_PART = re.compile(
    rf"\b{_NOT_NEGATED}(?:{_RULING_OUT}|no)\s+(?:on\s+|during\s+)?(?:the\s+)?"
    r"(?P<part>week ?days|weekends?|week)\b(?!\s+(?:of|after|from)\b)"
)
RULED_OUT_DAYS = re.compile(
    rf"\b{_NOT_NEGATED}(?:{_RULING_OUT}"
    # "no fridays" (but "no, friday" corrects a day: only the plural rules one out)
    rf"|no(?=\s+(?:on\s+)?{WEEKDAY}s\b))"
    # "can't make it wednesday", "can't make my appointment on wednesday": that day is out
    r"(?:\s+(?:it|(?:my|his|her|our|the|that)\s+(?:appointment|appt|visit|one)))?\s+"
    rf"{_RULED_OUT_DAY}(?:\s*(?:,|or|and|nor)\s*{_RULED_OUT_DAY})*\b"
)
# "not in the morning", "no afternoons": the other part of the day.
RULED_OUT_PART = re.compile(
    rf"\b{_NOT_NEGATED}(?:not|no|never|nothing|can'?t do|cannot do|busy|unavailable)\s+"
    r"(?:(?:available|free|good|possible|in|the|on|an?|during|too|very|so|super|really|that)\s+){0,3}"
    r"(mornings?|early|am|afternoons?|pm|evenings?|late)\b"
    # "not very early in the morning": the morning is the early part, not a wish for mornings
    r"(?:\s+in\s+(?:the\s+)?mornings?\b)?"
)
# "not too early", "not very early": not first thing (not "no mornings")
_SOFTENED = re.compile(r"\b(too|very|so|super|really|that)\b")


@dataclass(frozen=True)
class RuledOut:
    """What a request rules out, and its text without saying so."""

    rest: str
    days: frozenset[int] = frozenset()
    not_before: time | None = None
    not_after: time | None = None


def ruled_out(cleaned: str) -> RuledOut | None:
    days: set[int] = set()
    for match in RULED_OUT_DAY_RANGE.finditer(cleaned):
        days.update(weekdays_from_to(match.group(1), match.group(2)))
    for match in RULED_OUT_WEEK_PART.finditer(cleaned):
        days.update({5, 6} if match["part"].startswith("weekend") else range(5))
    cleaned = RULED_OUT_WEEK_PART.sub(" ", RULED_OUT_DAY_RANGE.sub(" ", cleaned))
    for match in RULED_OUT_DAYS.finditer(cleaned):
        for word in re.findall(r"[a-z]+", match.group(0)):
            name = word if word in WEEKDAY_NUMBERS else word.removesuffix("s")
            if name in WEEKDAY_NUMBERS:
                days.add(WEEKDAY_NUMBERS[name])
    part = RULED_OUT_PART.search(cleaned)
    if not days and not part:
        return None
    rest = RULED_OUT_PART.sub(" ", RULED_OUT_DAYS.sub(" ", cleaned))
    if part is None:
        return RuledOut(rest, frozenset(days))
    word, too = part.group(1), bool(_SOFTENED.search(part.group(0)))
    if word.startswith(("morning", "early", "am")):
        # "not too early": not first thing; "no mornings": not before noon
        return RuledOut(rest, frozenset(days), not_before=time(10 if too else 12))
    if word == "late" and too:
        return RuledOut(rest, frozenset(days), not_after=time(16))
    hour = PART_HOURS["evening"][0] if word.startswith("evening") else 12
    return RuledOut(rest, frozenset(days), not_after=time(hour))


def weekdays_ruled_out(text: str) -> frozenset[int]:
    """The weekdays a message rules out ("not saturday either", "can't do tues or wed")."""
    ruled = ruled_out(clean_words(text))
    return ruled.days if ruled is not None else frozenset()


# "a checkup but not tomorrow please": any day after it (tomorrow was searched). Not "why not
# tomorrow?", which asks for it.
NOT_THAT_DAY = re.compile(
    r"(?<!\bwhy )\b(?:not|except|anything but|any ?day but|other than)\s+(?:for\s+)?(?:on\s+)?"
    r"(?P<day>today|tonight|tomorrow|tommorow|tomorow|tmr)\b"
)


# "not next week", "anything but this week", "can't make it next week": from the Monday after
# that week (it was that very week that was searched).
NOT_THAT_WEEK = re.compile(
    r"(?<!\bwhy )\b(?:not|except|anything but|any ?time but|other than|can'?t do|cannot do|"
    r"can'?t make(?:\s+it)?|cannot make(?:\s+it)?|can'?t come(?:\s+in)?|busy|away|out of town)"
    r"\s+(?:for\s+)?(?:the\s+)?(?P<which>this|next|coming)\s+week\b(?!end)"
)


def said_cannot_come(value: str, text: str) -> bool:
    """Whether a day the NLU tagged ("tomorrow") is the day the patient cannot come ("I can't
    make it tomorrow"): not a day to search."""
    lowered = " ".join(re.sub(r"[^\w\s/:'-]", " ", text.lower().replace("’", "'")).split())
    return any(
        value.lower().strip() in match.group(0)
        for pattern in (CANNOT_COME_THAT_DAY, NOT_THAT_DAY)
        for match in pattern.finditer(lowered)
    )
