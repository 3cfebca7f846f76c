"""Times of day in what patients write: a part of the day ("tuesday afternoon", "after work",
"late as possible"), clock limits ("after 3", "before 11am", "at 2pm": an hour either side) and
the clock times a message writes out ("Thu Dec 17, 11:00am").

Kept apart from the days (``actions.dates``): a time of day is read the same whether a day is
named with it or it is said about the days already being looked at, and someone else's busy
time ("he works afternoons") is never the time asked for.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta

from actions.date_words import MONTH_WORD, clean_words, to_clock

PARTS_OF_DAY = {
    "morning": "morning",
    "mornings": "morning",
    "am": "morning",
    "before noon": "morning",
    "before lunch": "morning",
    "early": "morning",
    "first thing": "morning",
    "earlier in the day": "morning",
    "afternoon": "afternoon",
    "afternoons": "afternoon",
    "after lunch": "afternoon",
    "midday": "afternoon",
    "later in the day": "afternoon",
    "pm": "afternoon",
    "evening": "evening",
    "evenings": "evening",
    "after work": "evening",
    "late": "evening",
    "after 5": "evening",
    "after five": "evening",
    "tonight": "evening",
}
PART_HOURS = {"morning": (0, 12), "afternoon": (12, 17), "evening": (17, 24)}


# "late as possible", "late afternoon", "latest": from LATE_FROM to closing; so are "the last
# appointment of the day" and "end of the day" (7:30am was offered).
LATE_IN_THE_DAY = re.compile(
    r"\b(late afternoon|late in the day|late as possible|latest|late|end of (?:the )?day|"
    r"last (?:appointment|appt|slot|opening|one|time|visit|thing) (?:of|in) the day)\b"
)
LATE_FROM = time(15)


def late_in_the_day(cleaned: str) -> bool:
    """ "late as possible", not "I'm running late" nor "late december" / "late next week"."""
    return bool(LATE_IN_THE_DAY.search(_without_other_lates(cleaned)))


def _without_other_lates(cleaned: str) -> str:
    """``cleaned`` without a "late" that is no time of day ("running late", "late december")."""
    return re.sub(
        rf"\blate\s+(?:in\s+)?(?:the\s+)?(?:next\s+|this\s+)?(?:{MONTH_WORD}|month|week|year)\b",
        " ",
        NOT_A_PART_OF_DAY.sub(" ", cleaned),
    )


def overlap(part: str, not_before: time | None, not_after: time | None) -> bool:
    """Whether a part of the day and clock limits leave any time at all."""
    low, high = PART_HOURS[part]
    start = max(low * 60, not_before.hour * 60 + not_before.minute if not_before else 0)
    end = min(high * 60, not_after.hour * 60 + not_after.minute if not_after else 24 * 60)
    return start < end


# "I am Aisha", "I'm running late": the verb, not a part of the day.
NOT_A_PART_OF_DAY = re.compile(
    r"\b(?:i|we|you|he|she|they|who|what|where|how)\s+am\b"
    # (not "she works days so late afternoon is best": the afternoon from noon was searched)
    r"|\b(?:running|be|being|was|were|am|i'm|im|is|are|too|so|bit|little)\s+late\b"
    r"(?!\s+(?:afternoons?|evenings?|mornings?|in\s+the\s+day)\b)"
    # "my late husband saw her too": the afternoon was searched
    r"|\b(?:my|our|his|her)\s+late\s+(?:husband|wife|mother|father|mom|dad|son|daughter|"
    r"partner|brother|sister|grandma|grandpa|grandmother|grandfather)\b"
)


# When someone is busy, not when to come: "my son drives me and he works afternoons" (the
# afternoon was searched, with "mornings only please" said first).
BUSY_PART_OF_DAY = re.compile(
    r"(?<!not )(?<!never )(?<!t )(?<!no )"
    r"\b(?:work|works|working|has work|have work|am at work|is at work|has school|have school|"
    r"am busy|is busy|are busy|busy|have class|has class|teach|teaches|sleep|sleeps)\s+"
    r"(?:in\s+the\s+|all\s+|every\s+|most\s+)?(?:mornings?|afternoons?|evenings?|nights?)\b"
)


# A part of the day that is hard for the patient: "can i move it to a morning, its hard for me
# to get a ride in the afternoon" (the afternoon was searched), "afternoons are tough".
HARD_PART_OF_DAY = re.compile(
    r"\b(?:hard|difficult|tough|tricky|impossible|no good|not good)\b(?:\s+\w+){0,8}?\s+"
    r"(?:in|during|for)\s+(?:the\s+)?(?:mornings?|afternoons?|evenings?)\b"
    r"|\b(?:mornings?|afternoons?|evenings?)\s+(?:are|is|s)\s+(?:too\s+|really\s+|very\s+)?"
    r"(?:hard|difficult|tough|tricky|impossible|bad|no good|not good)\b"
)


CLOCK_MERIDIEM = re.compile(r"\b\d{1,2}(?::\d{2})?\s*(?:am|pm)\b")


def part_of_day(text: str) -> str | None:
    """``"tuesday morning"`` → ``morning``; ``"after work"`` → ``evening``."""
    cleaned = clean_words(text)
    cleaned = HARD_PART_OF_DAY.sub(" ", BUSY_PART_OF_DAY.sub(" ", cleaned))
    # the "pm" of a clock time is no afternoon ("before 2 pm" looked only at noon to 2)
    cleaned = CLOCK_MERIDIEM.sub(" ", cleaned)
    cleaned = f" {_without_other_lates(cleaned)} "
    for phrase in sorted(PARTS_OF_DAY, key=len, reverse=True):
        if f" {phrase} " in cleaned:
            return PARTS_OF_DAY[phrase]
    return None


BARE_CLOCK = re.compile(r"(?<![\w/:.$-])(\d{1,2}:\d{2}\s*(?:am|pm)?|\d{1,2}\s*(?:am|pm))(?![\w/:])")


# "... cuz i start work at 9:30": the patient's own time, not the one asked for.
OWN_SCHEDULE = re.compile(
    r"\b(start|starts|starting|work|working|shift|get off|off work|school|class|leave|"
    r"pick (him|her|them) up|drop (him|her|them) off|job|meeting)\s*$"
)


def clock_limits(text: str) -> tuple[time | None, time | None]:
    """ "after 3" → not before 15:00; "before 11am" → not after 11:00 (clinic hours are daytime)."""
    not_before = not_after = None
    # "no earlier than 10" is "not before 10"; "nothing later than 4" is "not after 4"
    text = re.sub(r"\b(?:no|not|nothing) earlier than\b", "not before", text)
    text = re.sub(r"\b(?:no|not|nothing) later than\b", "not after", text)
    pattern = (
        r"\b(not\s+|no\s+|nothing\s+)?(after|before|by|at|around)\s+"
        r"(noon|\d{1,2}(?::\d{2})?\s*(?:am|pm)?)"
    )
    at_clock: time | None = None
    for found in re.finditer(pattern, text):
        negated, word, value = found.groups()
        clock = to_clock(value)
        if clock is None:
            continue
        if negated and word in ("after", "before"):
            # "not before 9": from 9 on; "not after 4": until 4
            if word == "before":
                not_before = clock
            else:
                not_after = clock
        elif word == "after":
            not_before = clock
        elif word in ("before", "by"):
            not_after = clock
        elif not OWN_SCHEDULE.search(text[: found.start()]):
            at_clock = clock  # "at 2pm", "around 10": within an hour either side
    if at_clock is not None and not_before is None and not_after is None:
        # (a limit said too wins: "before 9, i start work at 9:30" offered 9:30 only)
        base = datetime.combine(date(2000, 1, 1), at_clock)
        not_before = (base - timedelta(hours=1)).time()
        not_after = min(
            base + timedelta(hours=1, minutes=1), base.replace(hour=23, minute=59)
        ).time()
    # "3:30 or later", "10 or earlier"
    later = r"(\d{1,2}(?::\d{2})?\s*(?:am|pm)?)\s+or\s+(later|after|earlier|before|sooner)\b"
    for value, word in re.findall(later, text):
        clock = to_clock(value)
        if clock is not None and word in ("later", "after"):
            not_before = clock
        elif clock is not None:
            not_after = clock
    if not_before is None and re.search(r"\bafter school\b", text):
        not_before = time(15, 0)
    if not_before is None and not_after is None:
        # A bare clock time: "can I get 10:45 instead", "3pm?" - as "at 10:45".
        bare = BARE_CLOCK.search(text)
        # "the 9:30" points at a time shown, it asks for none
        shown = bare is not None and text[: bare.start()].rstrip().endswith("the")
        clock = to_clock(bare.group(1)) if bare and not shown else None
        if clock is not None:
            base = datetime.combine(date(2000, 1, 1), clock)
            not_before = (base - timedelta(hours=1)).time()
            not_after = min(
                base + timedelta(hours=1, minutes=1), base.replace(hour=23, minute=59)
            ).time()
    return not_before, not_after


# A clock time written as one: "11:00am", "9am", "7:30" (not "8", which may be a list number).
CLOCK_SAID = re.compile(r"\b(\d{1,2}:\d{2}\s*(?:am|pm)?|\d{1,2}\s*(?:am|pm))\b", re.IGNORECASE)


def clock_times_said(text: str) -> list[time]:
    """The clock times a message writes out: "Thu Dec 17, 11:00am", "tues 7:30 works" (an
    hour from 1 to 6 without am/pm is the afternoon, as at a clinic)."""
    found = (to_clock(m.lower()) for m in CLOCK_SAID.findall(text or ""))
    return [clock for clock in found if clock is not None]


# Times of day without a day: "after 3", "at 8", "7:30", "8 am", "3:30 or later".
CLOCK_PHRASE = re.compile(
    r"\b(?:after|before|by|at|around)\s+\d{1,2}(?::\d{2})?\s*(?:am|pm)?\b"
    r"|\b\d{1,2}:\d{2}\s*(?:am|pm)?\b|\b\d{1,2}\s*(?:am|pm)\b"
    r"|\bor\s+(?:later|after|earlier|before|sooner)\b|\bnoon\b"
)


def without_times(cleaned: str) -> str:
    rest = CLOCK_PHRASE.sub(" ", cleaned)
    for phrase in sorted(PARTS_OF_DAY, key=len, reverse=True):
        rest = re.sub(rf"\b{re.escape(phrase)}\b", " ", rest)
    return rest


def in_part_of_day(moment: datetime, part: str) -> bool:
    """Does ``moment`` (clinic time) fall in the ``part`` of the day ("morning")?"""
    low, high = PART_HOURS[part]
    return low <= moment.hour < high
