"""Turn what patients write about time into search windows: "next tuesday morning", "the 14th".

``dateparser`` does the heavy lifting (month names, numeric dates, "tomorrow", "in 10 days").
The few phrasings it gets wrong or does not know ("next friday", "this friday", "the 14th",
"monday afternoon", "a week from today", "asap", "next week") are handled here first, with one
documented meaning each. The bot always shows the exact dates it found, so a patient who meant
another Friday sees it before anything is booked.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta

import dateparser
from dateparser.search import search_dates

from actions import ruled_out_days
from actions.clinic_config import WEEKDAY_NAMES, WEEKDAYS, format_clock
from actions.clock_times import (
    LATE_FROM,
    PART_HOURS,
    PARTS_OF_DAY,
    clock_limits,
    in_part_of_day,
    late_in_the_day,
    overlap,
    part_of_day,
    without_times,
)
from actions.date_words import (
    MONTH_WORD,
    MONTHS,
    NUMBER_WORDS,
    PLURAL_WEEKDAY,
    WEEKDAY,
    WEEKDAY_NUMBERS,
    clean_words,
    weekday_of,
    weekdays_named,
    weekdays_wanted,
)
from actions.ruled_out_days import NOT_THAT_DAY, NOT_THAT_WEEK

SOON_WORDS = (
    "asap",
    "as soon as possible",
    "soonest",
    "earliest",
    "first available",
    "next available",
    # "whats her next opening": the soonest (it was the day question, asked again)
    "next opening",
    "next openings",
    "next open slot",
    "next open appointment",
    "next free slot",
    "next free appointment",
    "any time",
    "anytime",
    "whenever",
    "any day",
    "no preference",
    "doesn't matter",
    "dont care",
    "don't care",
    "soon as possible",
    "soon",
)
SOON_DAYS = 14


def past_day(text: str, today: date) -> date | None:
    """A day just gone that a patient asks about ("yesterday", "last friday", "this past
    Saturday"): within the last week. None for anything else."""
    cleaned = clean_words(text)
    if re.search(r"\byesterday\b", cleaned):
        return today - timedelta(days=1)
    match = re.search(rf"\b(?:last|this past|past)\s+{WEEKDAY}\b", cleaned)
    if match is None:
        return None
    back = (today.weekday() - weekday_of(match.group(1))) % 7 or 7
    return today - timedelta(days=back)


@dataclass(frozen=True)
class When:
    """A window to search for free slots, plus an optional part of day."""

    start: date
    end: date  # inclusive
    part_of_day: str | None = None
    # "after 3" / "before 11": clock limits in the clinic's time zone.
    not_before: time | None = None
    not_after: time | None = None
    exact: bool = False  # the patient named one specific day
    # "any day but monday", "not fridays": weekdays (Monday 0) the patient cannot come.
    not_on: frozenset[int] = frozenset()

    def describe(self) -> str:
        if self.start == self.end:
            day = day_label(self.start)
        else:
            day = f"{day_label(self.start)} to {day_label(self.end)}"
        notes = [self.part_of_day] if self.part_of_day else []
        # ("after 3" was kept, and not said: the patient could not tell it was heard; a
        # window around a time asked for, "at 4pm", has both limits and is not said)
        one_limit = (self.not_before is None) != (self.not_after is None)
        # ("afternoon, after 7:30am": a limit the part of day already keeps is not said)
        after = self.not_before if one_limit else None
        part_start = time(PART_HOURS[self.part_of_day][0]) if self.part_of_day else None
        if after is not None and part_start is not None and after <= part_start:
            after = None
        if after is not None and after != time(12, 0):
            notes.append(f"after {format_clock(self.not_before)}")
        elif one_limit and self.not_before is not None and not self.part_of_day:
            notes.append("afternoons")  # "no mornings"
        if one_limit and self.not_after is not None:
            notes.append(f"before {format_clock(self.not_after)}")
        if self.not_on and self.start != self.end:
            allowed = sorted(set(range(7)) - self.not_on)
            # "thursday or friday": "Thursdays or Fridays only", not five days ruled out
            only = len(allowed) < len(self.not_on)
            days = allowed if only else sorted(self.not_on)
            names = weekdays_plural(days)
            notes.append(f"{names} only" if only else f"no {names}")
        return f"{day} ({', '.join(notes)})" if notes else day

    def widen(self, days: int) -> When:
        """The same request a few days either side (for "nothing free that day")."""
        return replace(
            self,
            start=self.start - timedelta(days=days),
            end=self.end + timedelta(days=days),
            exact=False,
        )


def weekdays_plural(days: list[int]) -> str:
    """``[0, 4]`` (Monday 0) → "Mondays or Fridays"."""
    return " or ".join(WEEKDAY_NAMES[WEEKDAYS[d]] + "s" for d in days)


def day_label(day: date) -> str:
    return f"{day.strftime('%a %b')} {day.day}"


def next_weekday(today: date, weekday: int, include_today: bool = False) -> date:
    days = (weekday - today.weekday()) % 7
    if days == 0 and not include_today:
        days = 7
    return today + timedelta(days=days)


def today_if_named_alone(day: date, text: str, today: date) -> date:
    """``day``, or today when the message names today's weekday alone, without "next", and
    was read as a week from today: "are you open saturday?" or "cancel my saturday appt" on
    a Saturday mean today. (A booking keeps next week's: today's times are mostly gone.)"""
    if day != today + timedelta(days=7) or weekdays_named(text) != {today.weekday()}:
        return day
    return day if re.search(r"\bnext\b", text, re.IGNORECASE) else today


def _ordinal_day(today: date, day: int) -> date | None:
    """ "the 14th": the next 14th of a month, today included."""
    year, month = today.year, today.month
    for _ in range(13):
        try:
            candidate = date(year, month, day)
        except ValueError:
            candidate = None
        if candidate and candidate >= today:
            return candidate
        month += 1
        if month == 13:
            year, month = year + 1, 1
    return None


# Words that show a message talks about a day at all (before dateparser is asked).
_DATE_CUE = re.compile(
    rf"\b{MONTH_WORD}\b|\d{{1,2}}[/-]\d{{1,2}}|\d{{1,2}}(st|nd|rd|th)\b|"
    r"\b(today|tomorrow|yesterday|day|days|week|weeks|month|months|year)\b"
)


WEEK_OF_MONTH = {"first": 0, "1st": 0, "second": 1, "2nd": 1, "third": 2, "3rd": 2}


def _month_window(cleaned: str, today: date) -> tuple[date, date] | None:
    """ "in january", "early december", "end of the month": a part of a month, not one day."""
    match = re.search(
        rf"\b(?:(early|mid|middle of|late|end of|beginning of|start of)\s+)?(?:in\s+)?"
        rf"{MONTH_WORD}\b"
        r"(?!\s*\d)",
        cleaned,
    )
    if match:
        month = MONTHS.index(match.group(2)[:3]) + 1
        year = today.year if month >= today.month else today.year + 1
        if match.group(1) == "end of" and BEFORE_THE_END.search(cleaned[: match.start()]):
            # "before the end of december": any day until then, not its last ten days
            return today, _last_of_month(date(year, month, 1))
        before = BEFORE_THE_MONTH.search(cleaned[: match.start()])
        first = date(year, month, 1)
        if match.group(1) is None and before and not NOT_BEFORE.search(before.group("lead")):
            # "her shots before school starts in january", "by january": the days until then
            # (January itself was searched); "cant come before january" is January on
            if first > today + timedelta(days=1):
                return today, first - timedelta(days=1)
    elif relative := re.search(
        r"\b(?:(early|mid|middle of|late|end of|beginning of|start of)\s+)?(?:the\s+)?"
        r"(next|this|coming) month\b",
        cleaned,
    ):
        # "early next month": the first days of next month (never "a month from today").
        first = today.replace(day=1)
        if relative.group(2) != "this":
            first = (first + timedelta(days=32)).replace(day=1)
        return _part_of_month(first, relative.group(1) or "")
    elif re.search(r"\b(before|by) (the )?end of (the|this) year\b", cleaned):
        return today, date(today.year, 12, 31)
    elif re.search(r"\b(before|by) (the )?end of (the |this )?month\b", cleaned):
        # "a physical before the end of the month": from today (it offered Dec 22 to 31)
        return today, _last_of_month(today)
    elif re.search(r"\b(end|later|rest) of (the|this) month\b", cleaned):
        match, month, year = None, today.month, today.year
        first = date(year, month, 1)
        last = _last_of_month(first)
        return max(first, last - timedelta(days=9)), last
    else:
        return None
    # "may" alone is too often the verb ("may I come in"): require a hint it is the month.
    if match.group(2) == "may" and not match.group(1) and not re.search(r"\bin may\b", cleaned):
        return None
    week = re.search(
        rf"\b(first|1st|second|2nd|third|3rd|last) week (?:of|in) {MONTH_WORD}\b", cleaned
    )
    if week and week.group(2) == match.group(2):
        # "the first week of january": those seven days, not the whole month
        first = date(year, month, 1)
        if week.group(1) == "last":
            last = _last_of_month(first)
            return last - timedelta(days=6), last
        start = first + timedelta(days=7 * WEEK_OF_MONTH[week.group(1)])
        return start, start + timedelta(days=6)
    return _part_of_month(date(year, month, 1), match.group(1) or "")


# "before the end of", "by the end of" (a month named after it).
BEFORE_THE_END = re.compile(r"\b(?:before|by)\s+(?:the\s+)?$")
# "before school starts in", "by" (a month named after it; no number between: "before 10am
# in january" is a time of day in January).
BEFORE_THE_MONTH = re.compile(
    r"(?P<lead>(?:\b[a-z']+\s+){0,3})\b(?:before|by)\b(?:\s+[a-z']+){0,6}?\s+(?:in\s+)?$"
)
NOT_BEFORE = re.compile(r"\b(?:not|cant|can t|cannot|wont|won t|unable|no)\b")


def _last_of_month(day: date) -> date:
    return (day.replace(day=1) + timedelta(days=32)).replace(day=1) - timedelta(days=1)


def _part_of_month(first: date, part: str) -> tuple[date, date]:
    """The days of the month starting ``first`` that "early", "mid" or "late" mean."""
    last = _last_of_month(first)
    if part == "early" or part in ("beginning of", "start of"):
        return first, first + timedelta(days=9)
    if part in ("mid", "middle of"):
        return first + timedelta(days=10), first + timedelta(days=19)
    if part in ("late", "end of"):
        return first + timedelta(days=20), last
    return first, last


def age_on(birth_date: date, today: date) -> int:
    """Age in whole years on ``today``."""
    return (
        today.year
        - birth_date.year
        - ((today.month, today.day) < (birth_date.month, birth_date.day))
    )


# "after the 10th", "after dec 10", "after friday" (a day; "after 3" is a time of day)
AFTER_A_DAY = re.compile(
    r"\bafter (?P<day>(?:the )?\d{1,2}(?:st|nd|rd|th)\b|the \d{1,2}\b|"
    r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]* \d{1,2}(?:st|nd|rd|th)?\b|"
    r"(?:next |this )?(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b|"
    r"next week\b|this week\b)"
)


# "before the 20th", "before dec 24", "by friday" (a day; "before 11" is a time of day; "can i
# come by friday" is that Friday)
BEFORE_A_DAY = re.compile(
    AFTER_A_DAY.pattern.replace(
        r"\bafter ",
        r"(?<!come )(?<!stop )(?<!drop )(?<!swing )(?<!pop )\b(?P<by>before|by) ",
        1,
    )
)


# "next thursday, no wait friday": what comes after the correction is the day asked for.
# What a correction may say alone: a time ("930", "make it 4", "at 2:30pm").
NEW_CLOCK = re.compile(
    r"(?:(?:make it|let s do|lets do|let's do|at|say)\s+)?"
    r"(?P<clock>\d{1,2}(?::\d{2})?\s*(?:am|pm)?|(?:1[0-2]|[1-9])[0-5]\d)"
)
CORRECTED = re.compile(
    r"\b(no wait|wait no|no sorry|sorry no|no i mean|i mean|i meant|actually|scratch that|"
    r"or rather|correction)\b"
)


_COUNT = r"\d{1,2}|one|two|three|four|five|six"
# "between 2 and 3 weeks from now", "in 2-3 weeks", "1 or 2 days out": a span of days ahead.
SPAN_AHEAD = re.compile(
    rf"\b(?:between|in|within|like|about|around)?\s*(?P<a>{_COUNT})\s*(?:and|to|or|-)\s*"
    rf"(?P<b>{_COUNT})\s+(?P<unit>days?|weeks?)\b"
)


def parse_when(text: str, now: datetime) -> When | None:
    """The window a patient asks for, relative to ``now`` (clinic time). None if no time found.

    Read in order: a correction ("thursday, no wait friday"), a day or week ruled out, then
    spans and relative days, weeks, and last a weekday, a date or a part of the day."""
    cleaned = clean_words(text)
    if not cleaned:
        return None
    when = _corrected(cleaned, now) or _with_exclusions(cleaned, now)
    if when is not None:
        return when
    part_of_week = _part_of_week(cleaned, now.date())
    if part_of_week is not None:
        return part_of_week
    asked = _Asked.read(cleaned, now.date())
    return (
        _relative_window(cleaned, now, asked)
        or _week_window(cleaned, asked)
        or _day_window(cleaned, now, asked)
    )


@dataclass(frozen=True)
class _Asked:
    """The part of the day, clock limits and weekdays a message asks for, and the day it was
    sent."""

    today: date
    part: str | None
    not_before: time | None
    not_after: time | None
    days: frozenset[int]

    @classmethod
    def read(cls, cleaned: str, today: date) -> _Asked:
        part = part_of_day(cleaned)
        not_before, not_after = clock_limits(cleaned)
        if late_in_the_day(cleaned) and part in ("evening", "afternoon", None):
            # "late as possible", "late afternoon": the last hours the offices are open (few
            # are open in the evening, which "late" alone was read as)
            part, not_before = "afternoon", max(not_before or LATE_FROM, LATE_FROM)
        if part and (not_before or not_after) and not overlap(part, not_before, not_after):
            # "she has preschool in the morning, anything after 2?": the clock decides
            part = None
        return cls(today, part, not_before, not_after, frozenset(weekdays_wanted(cleaned)))

    def window(self, start: date, end: date | None = None, exact: bool = False) -> When:
        start = max(start, self.today)
        return When(
            start, max(end or start, start), self.part, self.not_before, self.not_after, exact
        )


def _corrected(cleaned: str, now: datetime) -> When | None:
    """The day or time as corrected ("thursday, no wait friday"); None: no correction."""
    corrections = list(CORRECTED.finditer(cleaned))
    if corrections:
        before, after = cleaned[: corrections[-1].start()], cleaned[corrections[-1].end() :]
        said_next = re.search(rf"\bnext\s+(week\b|{WEEKDAY})", before)
        if said_next and re.fullmatch(
            rf"\W*(on\s+)?{WEEKDAY}\W*(morning|afternoon|evening)?\W*", after
        ):
            # "next thursday, no wait friday": next Friday ("next week" likewise)
            week = " week" if said_next.group(1) == "week" else ""
            after = f"next{week} {after.strip(' ,.')}"
        instead = parse_when(after, now) if after.strip() else None
        clock = NEW_CLOCK.fullmatch(after.strip(" ,."))
        if clock is not None and parse_when(before, now) is not None:
            # "friday 830 no wait 930", "friday at 2, actually make it 4": the day said before,
            # at the time corrected (the first time was searched)
            value = clock["clock"]
            if re.fullmatch(r"\d{3,4}", value):
                value = f"{value[:-2]}:{value[-2:]}"
            return parse_when(f"{without_times(before)} at {value}", now)
        if instead is not None:
            # ("thursday afternoon, actually friday": still the afternoon)
            kept = part_of_day(before) if instead.part_of_day is None else None
            return replace(instead, part_of_day=kept) if kept else instead
    return None


def week_start(today: date, which: str | None) -> date:
    """The Monday of the week "this week", "the coming week" or "next week" (``which``) names,
    said ``today``. Said on a Saturday or Sunday, "this week" is the coming one: on a Sunday it
    was that Sunday alone ("We're closed on Sundays, sorry")."""
    monday = today - timedelta(days=today.weekday())
    if which == "next" or (which in ("this", "coming") and today.weekday() >= 5):
        monday += timedelta(days=7)
    return monday


def _with_exclusions(cleaned: str, now: datetime) -> When | None:
    """A day, a week or weekdays ruled out ("not tomorrow", "any day but monday"), and "the
    week of ..."; None: none said."""
    today = now.date()
    not_that = NOT_THAT_DAY.search(cleaned)
    if not_that is not None:
        # "not tomorrow": from the day after it, or what else was asked, without that day
        skipped = today + timedelta(days=0 if not_that["day"] in ("today", "tonight") else 1)
        rest = NOT_THAT_DAY.sub(" ", cleaned)
        when = parse_when(rest, now) if rest.strip() else None
        if when is None:
            start = skipped + timedelta(days=1)
            return When(
                start, start + timedelta(days=SOON_DAYS), part_of_day(rest), *clock_limits(rest)
            )
        if when.start <= skipped < when.end:
            # ("anytime except tomorrow": from the day after; the window has no gaps)
            return replace(when, start=skipped + timedelta(days=1))
        return when
    not_week = NOT_THAT_WEEK.search(cleaned)
    if not_week is not None:
        after = week_start(today, not_week["which"]) + timedelta(days=7)
        rest = NOT_THAT_WEEK.sub(" ", cleaned)
        when = parse_when(rest, now) if rest.strip() else None
        if when is None:
            return When(
                after, after + timedelta(days=SOON_DAYS), part_of_day(rest), *clock_limits(rest)
            )
        if when.exact and when.start < after:
            # ("can't make it next week, tuesday?": the Tuesday after it)
            day = when.start + timedelta(days=7 * -(-(after - when.start).days // 7))
            return replace(when, start=day, end=day)
        if when.start < after:
            # ("not next week, mornings": mornings after it)
            return replace(when, start=after, end=max(when.end, after + timedelta(days=6)))
        return when
    ruled_out = ruled_out_days.ruled_out(cleaned)
    if ruled_out is not None:
        rest = ruled_out.rest
        when = parse_when(rest, now) or When(
            today, today + timedelta(days=SOON_DAYS), part_of_day(rest), *clock_limits(rest)
        )
        return replace(
            when,
            not_on=when.not_on | ruled_out.days,
            not_before=max(filter(None, [when.not_before, ruled_out.not_before]), default=None),
            not_after=min(filter(None, [when.not_after, ruled_out.not_after]), default=None),
        )
    week_of = re.search(r"\b(?:the )?week of\b", cleaned)
    if week_of:
        # "the week of the 14th": that whole week (Monday to Sunday), not the 14th alone.
        day = parse_when(cleaned.replace(week_of.group(0), " "), now)
        if day is not None and day.start == day.end:
            monday = day.start - timedelta(days=day.start.weekday())
            return When(
                max(monday, today),
                monday + timedelta(days=6),
                day.part_of_day,
                day.not_before,
                day.not_after,
            )
    return None


def _relative_window(cleaned: str, now: datetime, asked: _Asked) -> When | None:
    """Spans ("in 1 or 2 days", "from the 8th to the 9th", "after the 10th"), a month,
    "as soon as possible", "a week from friday", today and tomorrow."""
    today, window = asked.today, asked.window
    not_before, not_after = asked.not_before, asked.not_after
    span = SPAN_AHEAD.search(cleaned)
    if span:
        # "between 2 and 3 weeks from now", "in 1 or 2 days": from the first to the last (it
        # was the last day alone)
        unit = 7 if span["unit"].startswith("week") else 1
        first, last = (int(span[k]) if span[k].isdigit() else NUMBER_WORDS[span[k]] for k in "ab")
        return window(today + timedelta(days=first * unit), today + timedelta(days=last * unit))
    between = DAY_RANGE.search(cleaned)
    if between:
        # "from the 8th to the 9th", "between the 8th and the 9th", "dec 8-9": both days (it
        # was the first alone, and "8-9" was August 9)
        month = between.group("month") or ""
        first_day = between.group("first") or between.group("first_day")
        first = parse_when(_day_of(month, first_day), now)
        last_month = between.group("last_month") or month
        last = parse_when(_day_of(last_month, between.group("last")), now)
        if first is not None and last is not None and first.start <= last.start:
            return window(first.start, last.end)
    after = AFTER_A_DAY.search(cleaned)
    if after:
        # "after the 10th", "any time after friday": from the day after, for two weeks (it
        # was the 10th itself).
        day = parse_when(after.group("day"), now)
        if day is not None:
            start = day.end + timedelta(days=1)
            return window(start, start + timedelta(days=SOON_DAYS - 1))
    before = BEFORE_A_DAY.search(cleaned)
    if before and not BEFORE_THE_END.search(cleaned[: before.end()]):
        # "before dec 24", "sometime before christmas" (said as its date): from today up to the
        # day before it ("I didn't catch a day there")
        day = parse_when(before.group("day"), now)
        if day is not None and day.start > today + timedelta(days=1):
            # ("by friday": Friday too)
            last = day.end if before["by"] == "by" else day.start - timedelta(days=1)
            # (at most four weeks: "before thanksgiving" in December is next November's)
            return window(today, min(last, today + timedelta(days=2 * SOON_DAYS)))
    month_window = _month_window(cleaned, today)
    if month_window:
        start, end = month_window
        month_part = part_of_day(re.sub(r"\b(early|late)\b", " ", cleaned))
        return When(max(start, today), end, month_part, not_before, not_after)
    if any(re.search(rf"\b{re.escape(w)}\b", cleaned) for w in SOON_WORDS) and not re.search(
        r"\b(this|next|coming) week\b|\bweek after next\b", cleaned
    ):
        # ("any day of next week" is next week). A day said too is that day: "no preference
        # friday" (no preference of clinician) searched the next two weeks.
        rest = cleaned
        for word in SOON_WORDS:
            rest = re.sub(rf"\b{re.escape(word)}\b", " ", rest)
        said = parse_when(rest, now) if rest.strip() else None
        if said is not None and said.exact:
            return said
        return window(today, today + timedelta(days=SOON_DAYS))
    match = re.search(rf"\b(?:a|one) week from (today|tomorrow|now|{WEEKDAY})\b", cleaned)
    if match:
        ref = match.group(1)
        if ref in ("today", "now"):
            base = today
        elif ref == "tomorrow":
            base = today + timedelta(days=1)
        else:
            base = next_weekday(today, WEEKDAY_NUMBERS[ref])
        return window(base + timedelta(days=7), exact=True)

    if re.search(r"\btoday\b|\btonight\b|\bthis (morning|afternoon|evening)\b", cleaned):
        return window(today, exact=True)
    if re.search(r"\bday after tomorrow\b", cleaned):
        return window(today + timedelta(days=2), exact=True)
    if re.search(r"\b(tomorrow|tmrw|tmr|tomorow|tommorow|tommorrow)\b", cleaned):
        return window(today + timedelta(days=1), exact=True)
    return None


# "early next week", "later this week", "middle of the week", "midweek": which days of it (the
# week was read whole, and "early" as the mornings).
PART_OF_WEEK = re.compile(
    r"\b(?P<part>early|beginning of|start of|mid|middle of|late|later|end of)\s+(?:in\s+|on\s+)?"
    r"(?P<which>this|next|the coming|coming|the)?\s*week\b"
    r"(?!\s*of\b)(?!\s+(?:after|before)\s+(?!\d))"
    r"|\b(?P<midweek>mid-?week)\b"
)
# The weekdays (Monday 0) each part means.
WEEK_PARTS = {"early": (0, 2), "mid": (1, 3), "late": (3, 5)}
# "in the next couple days", "the next day or two", "within the next week": from today.
NEXT_FEW_DAYS = re.compile(
    r"\b(?:(?:in|within|over|during)\s+)?(?:the\s+)?(?:next|coming)\s+(?:(?P<count>\d+|a couple|"
    r"couple|a few|few|two|three|four|five)(?:\s+of)?\s+(?P<unit>day|week)s?\b|(?P<unit2>day|week)"
    r" or two\b)"
    r"|\b(?:within|over|during)\s+the\s+next\s+(?P<unit3>week)\b"
)


def _part_of_week(cleaned: str, today: date) -> When | None:
    """The days a part of a week names, or the next few days; None when neither is said."""
    rest = None
    few = NEXT_FEW_DAYS.search(cleaned)
    part = PART_OF_WEEK.search(cleaned)
    if few is not None:
        unit = few["unit"] or few["unit2"] or few["unit3"]
        count = few["count"]
        number = (int(count) if count.isdigit() else NUMBER_WORDS[count]) if count else 1
        if few["unit2"]:
            number = 2  # "a day or two", "a week or two"
        days = number * (7 if unit == "week" else 1)
        first, last, rest = today, today + timedelta(days=days), NEXT_FEW_DAYS.sub(" ", cleaned)
    elif part is not None:
        word = "mid" if part["midweek"] else part["part"].split()[0]
        key = {"beginning": "early", "start": "early", "middle": "mid", "later": "late"}
        low, high = WEEK_PARTS[key.get(word, "late" if word == "end" else word)]
        which = part["which"]
        monday = week_start(today, "next" if which == "next" else "this")
        if which in (None, "the") and monday + timedelta(days=high) < today:
            monday += timedelta(days=7)  # "early in the week" said on a Friday: next week's
        first, last = monday + timedelta(days=low), monday + timedelta(days=high)
        if last < today:
            return None
        rest = PART_OF_WEEK.sub(" ", cleaned)
    if rest is None:
        return None
    asked = _Asked.read(rest, today)
    if len(asked.days) == 1:
        # "early next week, tuesday ideally": that Tuesday
        day = first + timedelta(days=(min(asked.days) - first.weekday()) % 7)
        if day <= last:
            return asked.window(day, exact=True)
    return _only_on(asked.window(first, last), asked.days)


def _week_window(cleaned: str, asked: _Asked) -> When | None:
    """A week ("next week", "the week after next", "this weekend") or a time ahead ("in
    about 4 weeks"), with the weekdays named in it."""
    today, window = asked.today, asked.window
    days = asked.days
    if re.search(r"\bweek after next\b", cleaned):
        monday = today - timedelta(days=today.weekday()) + timedelta(days=14)
        return _only_on(window(monday, monday + timedelta(days=6)), days)
    match = re.search(r"\b(this|next|coming)?\s*week(end)?\b", cleaned)
    if match and not re.search(r"\b(in|a|one|two|\d+)\s+weeks?\b", cleaned):
        which, weekend = match.group(1), match.group(2)
        monday = week_start(today, None if weekend else which)
        if weekend and which == "next":
            monday += timedelta(days=7)
        if weekend:
            saturday = monday + timedelta(days=5)
            return window(saturday, saturday + timedelta(days=1))
        if which in ("next", "this", "coming") and len(days) == 1:
            # "next week, ideally thursday morning": that week's Thursday
            return window(monday + timedelta(days=min(days)), exact=True)
        if which in ("next", "this", "coming"):
            return _only_on(window(monday, monday + timedelta(days=6)), days)

    match = re.search(
        # ("a saturday morning in about 4 weeks" was the next Saturday)
        r"\b(?:in|within)\s+(?:about\s+|around\s+|roughly\s+|like\s+|maybe\s+)?"
        r"(\d+|a|an|one|two|three|four|five|six|a couple|couple|a few|few)"
        r"(?:\s+of)?\s+(day|week|month)s?\b",
        cleaned,
    )
    if match:
        count = NUMBER_WORDS.get(match.group(1)) or int(match.group(1))
        unit = {"day": 1, "week": 7, "month": 30}[match.group(2)]
        target = today + timedelta(days=count * unit)
        if unit == 1 or match.group(0).startswith("within"):
            return window(today if match.group(0).startswith("within") else target, target)
        if len(days) == 1:
            # "a saturday in about 4 weeks": that week's Saturday (it was the next one)
            return window(next_weekday(target, min(days), include_today=True), exact=True)
        if days:
            return _only_on(window(target, target + timedelta(days=6)), days)
        # "in two weeks": that week, from the same weekday on.
        return window(target, target + timedelta(days=4))
    return None


def _day_window(cleaned: str, now: datetime, asked: _Asked) -> When | None:
    """Weekdays ("thursday or friday", "next tuesday"), a date ("the 14th", "dec 3"), else
    any day soon at the part of the day asked ("mornings are best")."""
    today, window = asked.today, asked.window
    days = asked.days
    several = len(days) > 1 or (days and PLURAL_WEEKDAY.search(cleaned))
    if several and not re.search(r"\d(st|nd|rd|th)\b|\d{1,2}/\d{1,2}", cleaned):
        # "thursday or friday", "monday or wednesday morning", "tuesdays": those days, soon
        # (it was the first one named alone)
        soon = window(today, today + timedelta(days=SOON_DAYS))
        return replace(soon, not_on=soon.not_on | frozenset(set(range(7)) - days))
    match = re.search(rf"\b(this|next|coming|on)?\s*{WEEKDAY}\b", cleaned)
    ordinal = re.search(r"\b(?:the\s+)?(\d{1,2})(?:st|nd|rd|th)\b", cleaned)
    if match and ordinal and not re.search(r"\d{1,2}/\d{1,2}", cleaned):
        # "friday the 18th": the 18th that is a Friday (the date decides, not "this Friday").
        day = _weekday_and_ordinal(today, WEEKDAY_NUMBERS[match.group(2)], int(ordinal.group(1)))
        if day:
            return window(day, exact=True)
    if (
        match
        and not ordinal
        and not re.search(
            r"\b(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\s+\d", cleaned
        )
    ):
        which, name = match.group(1), match.group(2)
        weekday = WEEKDAY_NUMBERS[name]
        # "this friday" said on a Friday is today; a bare "friday" then is next week's.
        day = next_weekday(today, weekday, include_today=which == "this")
        if which == "next":
            # "next X" is X of next week: on a Tuesday, "next friday" is Friday week.
            monday_next = today - timedelta(days=today.weekday()) + timedelta(days=7)
            if day < monday_next:
                day += timedelta(days=7)
        return window(day, exact=True)

    match = re.search(r"\b(?:the\s+)?(\d{1,2})(?:st|nd|rd|th)\b", cleaned)
    # (a month's word, not its first letters: "hi its mary ann obrien, cancel my appt on the
    # 10th" went to dateparser, which read "on the 10th" as Oct 3)
    month_named = re.search(rf"\b{MONTH_WORD}\b", cleaned)
    if match and not month_named and not re.search(r"\d{1,2}/\d{1,2}", cleaned):
        number = int(match.group(1))
        if 1 <= number <= 31:
            day = _ordinal_day(today, number)
            if day:
                return window(day, exact=True)

    parsed = _dateparser_date(cleaned, now) if _DATE_CUE.search(cleaned) else None
    if parsed is not None:
        if parsed < today:
            return None  # a past date (or a birth date): not something we can book
        return window(parsed, exact=True)
    if asked.part or asked.not_before or asked.not_after:
        # "mornings are best": any day soon, that part of the day.
        return window(today, today + timedelta(days=SOON_DAYS))
    return None


_ORDINAL = r"\d{1,2}(?:st|nd|rd|th)"
# Two days: "dec 8-9", "from the 8th to the 9th", "the 14th-18th" (bare numbers without a
# month are clock times: "between 9 and 11").
DAY_RANGE = re.compile(
    rf"\b(?:(?P<month>{MONTH_WORD})\s+(?:from\s+|between\s+)?(?:the\s+)?"
    rf"(?P<first>\d{{1,2}}(?:st|nd|rd|th)?)|(?:from\s+|between\s+)?(?:the\s+)?"
    rf"(?P<first_day>{_ORDINAL}))\s*(?:-|to|through|thru|and|till|until)\s*"
    # ("nov 30 - dec 2" was November 30 alone)
    rf"(?:(?P<last_month>{MONTH_WORD})\s+)?"
    r"(?:the\s+)?(?P<last>\d{1,2}(?:st|nd|rd|th)?)\b(?!\s*(?:am|pm|:|o'?clock))"
)


def _day_of(month: str, day: str) -> str:
    """ "dec 9", or "the 9th" when no month is named."""
    number = re.sub(r"\D", "", day)
    return f"{month} {number}" if month else f"the {number}th"


def _only_on(when: When, days: frozenset[int]) -> When:
    """``when`` on the weekdays named only (all of them when none or one is named)."""
    if len(days) < 2:
        return when
    return replace(when, not_on=when.not_on | frozenset(set(range(7)) - days))


def _weekday_and_ordinal(today: date, weekday: int, number: int) -> date | None:
    """The next date that is both the ``number``th and a ``weekday`` (this month's or the
    next); else the next ``number``th: patients are surer of the date than of its weekday."""
    if not 1 <= number <= 31:
        return None
    first = _ordinal_day(today, number)
    following = _ordinal_day(first + timedelta(days=1), number) if first else None
    return next((d for d in (first, following) if d and d.weekday() == weekday), first)


def _dateparser_date(cleaned: str, now: datetime) -> date | None:
    settings = {
        "PREFER_DATES_FROM": "future",
        "RELATIVE_BASE": now.replace(tzinfo=None),
        "DATE_ORDER": "MDY",
        "PREFER_DAY_OF_MONTH": "first",
        "RETURN_AS_TIMEZONE_AWARE": False,
    }
    stripped = re.sub(
        r"\b(" + "|".join(sorted(PARTS_OF_DAY, key=len, reverse=True)) + r")\b", " ", cleaned
    )
    stripped = re.sub(
        r"\b(after|before|by|at|around)\s+\d{1,2}(:\d{2})?\s*(am|pm)?\b", " ", stripped
    )
    # Any other clock time is no date either ("the 9am one" was read as September 1st).
    stripped = re.sub(r"\b\d{1,2}(:\d{2})?\s*(am|pm)\b|\b\d{1,2}:\d{2}\b", " ", stripped)
    stripped = re.sub(r"\s+", " ", stripped).strip()
    if not stripped:
        return None
    whole = dateparser.parse(stripped, languages=["en"], settings=settings)
    if whole is not None and not re.fullmatch(r"\d{1,2}(:\d{2})?\s*(am|pm)?", stripped):
        return _not_a_year_late(whole.date(), now.date(), cleaned)
    try:
        found = search_dates(stripped, languages=["en"], settings=settings) or []
    except (ValueError, OverflowError):
        return None
    for phrase, moment in found:
        # Ignore lone words dateparser over-reads ("may", "second", "now", "sun").
        if re.fullmatch(r"[a-z]+", phrase.strip()) and phrase.strip() not in (
            "tomorrow",
            "today",
        ):
            continue
        if re.fullmatch(r"\d{1,2}(:\d{2})?\s*(am|pm)?", phrase.strip()):
            continue
        return _not_a_year_late(moment.date(), now.date(), cleaned)
    return None


def _not_a_year_late(parsed: date, today: date, cleaned: str) -> date:
    """Today's own date ("Nov 30" on Nov 30) is today: dateparser's "future" skips to next
    year's, unless the year was written, or a year said ("a year from now" was today)."""
    same_day = (parsed.month, parsed.day) == (today.month, today.day)
    year_said = re.search(r"\b(?:\d{4}|years?|yrs?)\b", cleaned)
    if same_day and parsed.year == today.year + 1 and not year_said:
        return today
    return parsed


def within_part_of_day(moment: datetime, when: When) -> bool:
    """Does a slot starting at ``moment`` (clinic time) fit the part of day, the clock limits
    and the weekdays asked for?"""
    clock = moment.time()
    if moment.weekday() in when.not_on:
        return False
    if when.part_of_day and not in_part_of_day(moment, when.part_of_day):
        return False
    if when.not_before and clock < when.not_before:
        return False
    return not (when.not_after and clock >= when.not_after)
