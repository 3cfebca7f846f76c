"""When appointments can be had: "do you have evening appointments?", "any weekend appts?",
"do you do appointments after 5?".

Answered from the weekly hours in ``clinic.yml``: the offices and days that fit, or plainly
that none does. Such questions started a booking without an answer, an identity check (read
as a look-up of the patient's appointments) or got the phone/video visit answer.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import time

from actions.billing import join_words
from actions.clinic_config import WEEKDAY_NAMES, WEEKDAYS, Location, TimeRange, format_clock
from actions.clinician_days import days_phrase
from actions.date_words import weekdays_named

_AT = r"\d{1,2}(?::\d\d)?\s*(?:am|pm|a|p)?"
_WHEN = (
    r"(?:evenings?|nights?|late|after ?work|after ?school|after " + _AT + r"|early(?: morning)?|"
    r"before ?work|before ?school|before " + _AT + r"|weekends?|"
    r"(?:mon|tues|wednes|thurs|fri|satur|sun)days?|sat|sun)"
)
_THINGS = r"(?:appointments?|appts?|apts?|visits?|hours|times|slots|openings|availability)"
_WHO = r"(?:you|u|y'?all|you guys|they|the doctors?|(?:the |your )?\w+ (?:office|clinic))"
APPOINTMENT_TIMES_ASKED = re.compile(
    # (not "can you book saturday", a booking)
    rf"\b(?:do|does|can|will) {_WHO} (?:ever |still )?(?:have|offer|do|take|got|"
    rf"see patients|see people)(?: any)? (?:on |in the |at )?{_WHEN}(?: {_THINGS})?\b"
    rf"|\b(?:any|are there(?: any)?|got any) {_WHEN} {_THINGS}\b"
    rf"|\b(?:do|does|can) {_WHO} (?:have|do|see|take|offer) {_THINGS} (?:on |in the |at )?{_WHEN}",
    re.IGNORECASE,
)
# A task asked beside the question ("...? i need to book a physical"), or a particular day
# ("any saturday appointments this week?"): the booking's search answers it.
TASK_BESIDE = re.compile(
    r"\b(book|schedule|reschedule|move|cancel|change|today|tonight|tomorrow|tmrw|"
    r"(this|next|coming) (week|month|\w+day)|\d{1,2}(st|nd|rd|th))\b",
    re.IGNORECASE,
)

BOOK_THEN = "I can look for a time then: just tell me the day."
EVENING = time(17, 0)  # "evening", "after work": open past 5pm
EARLY = time(8, 0)  # "early", "before work": open before 8am
_DAY_WORDS = {
    "weekend": ("sat", "sun"),
    "sat": ("sat",),
    "sun": ("sun",),
    **{name.lower(): (key,) for key, name in WEEKDAY_NAMES.items()},
}


def _question(text: str) -> str | None:
    """The words of a question about when appointments are offered (lower case), with no task
    or particular day beside it; None if the message asks no such thing."""
    plain = text.replace("\u2019", "'")
    match = APPOINTMENT_TIMES_ASKED.search(plain)
    if match is None:
        return None
    rest = plain[: match.start()] + " " + plain[match.end() :]
    return None if TASK_BESIDE.search(rest) else match.group(0).lower()


def appointment_times_asked(text: str) -> bool:
    """A question about when appointments are offered, with no task or particular day beside
    it."""
    return _question(text) is not None


def _clock(said: str, pm_up_to: int) -> time | None:
    """ "5" is 5pm up to ``pm_up_to`` ("after 5", "before 4"), later hours are am ("before
    7"); "8:30pm" as written."""
    found = re.fullmatch(r"(\d{1,2})(?::(\d\d))?\s*(am|pm|a|p)?", said.strip(), re.IGNORECASE)
    if not found:
        return None
    hour, minute = int(found.group(1)), int(found.group(2) or 0)
    suffix = (found.group(3) or "").lower()
    if hour > 12 and suffix:
        return None
    if suffix.startswith("p") and hour < 12:
        hour += 12
    elif not suffix and 1 <= hour <= pm_up_to:
        hour += 12
    return time(hour % 24, minute) if hour < 24 and minute < 60 else None


def _asked(said: str) -> tuple[Callable[[Location], str | None], str] | None:
    """How to tell when an office fits the question ``said`` (see :func:`_question`), and the
    asked time in words ("after 5pm", "on Saturdays"); None if no time is named."""
    after = re.search(r"\bafter (" + _AT + r")", said)
    before = re.search(r"\bbefore (" + _AT + r")", said)
    at = None
    if after:
        at = _clock(after.group(1), pm_up_to=8)
    elif before:
        at = _clock(before.group(1), pm_up_to=5)
    elif re.search(r"\b(evenings?|nights?|late|after ?work|after ?school)\b", said):
        at = EVENING
    elif re.search(r"\b(early|before ?work|before ?school)\b", said):
        at = EARLY
    if at is not None and (before or (not after and at == EARLY)):
        return (lambda loc: _before(loc, at)), f"before {format_clock(at)}"
    if at is not None:
        return (lambda loc: _after(loc, at)), f"after {format_clock(at)}"
    days = [
        day
        for word, keys in _DAY_WORDS.items()
        if re.search(rf"\b{word}s?\b", said)
        for day in keys
    ]
    if not days:
        return None
    days = sorted(set(days), key=WEEKDAYS.index)  # ("weekends or saturdays")
    named = "on " + join_words([f"{WEEKDAY_NAMES[d]}s" for d in days], "or")
    return (lambda loc: _on_days(loc, days)), named


def _days_by(
    location: Location, edge: Callable[[TimeRange], time], fits: Callable[[time], bool]
) -> dict[time, list[str]]:
    """The weekdays ``location`` is open, grouped by their opening or closing time (``edge``),
    where that time ``fits``."""
    grouped: dict[time, list[str]] = {}
    for day in WEEKDAYS:
        hours = location.hours.get(day)
        if hours is not None and fits(edge(hours)):
            grouped.setdefault(edge(hours), []).append(day)
    return grouped


def _after(location: Location, at: time) -> str | None:
    """ "is open until 7pm on Thursdays and until 6pm from Monday to Wednesday" (latest
    first)."""
    closing = _days_by(location, lambda hours: hours.closes, lambda closes: closes > at)
    parts = [
        f"until {format_clock(closes)} {days_phrase(days)}"
        for closes, days in sorted(closing.items(), reverse=True)
    ]
    return "is open " + join_words(parts, "and") if parts else None


def _before(location: Location, at: time) -> str | None:
    """ "opens at 7:30am from Monday to Thursday" (earliest first)."""
    opening = _days_by(location, lambda hours: hours.opens, lambda opens: opens < at)
    parts = [
        f"at {format_clock(opens)} {days_phrase(days)}" for opens, days in sorted(opening.items())
    ]
    return "opens " + join_words(parts, "and") if parts else None


def _on_days(location: Location, days: list[str]) -> str | None:
    """ "is open on Saturdays, 9am–1pm" for the days asked that the office is open."""
    parts = [
        f"on {WEEKDAY_NAMES[day]}s, {hours.label()}"
        for day in days
        if (hours := location.hours.get(day)) is not None
    ]
    return "is open " + join_words(parts, "and") if parts else None


def appointment_times_text(
    locations: list[Location], text: str, others: list[Location] | None = None
) -> str | None:
    """Which of ``locations`` see patients when the message asks (None if it asks no such
    thing); visits are booked within opening hours. If none does, ``others`` (the offices not
    asked about) that do are named."""
    said = _question(text)
    asked = _asked(said) if said is not None else None
    if asked is None:
        return None
    fits, when_asked = asked
    found = [(loc, fits(loc)) for loc in locations]
    open_ones = [f"the {loc.name} {when}" for loc, when in found if when]
    closed = [loc.name for loc, when in found if not when]
    if not open_ones:
        where = "the " + locations[0].name if len(locations) == 1 else "our offices"
        answer = f"Sorry, {where} {'isn' if len(locations) == 1 else 'aren'}'t open {when_asked}."
        elsewhere = [f"the {loc.name} {when}" for loc in others or [] if (when := fits(loc))]
        if elsewhere:
            # "does the north office have saturday appointments": Downtown does
            return f"{answer} But {join_words(elsewhere, 'and')}, if that suits you. {BOOK_THEN}"
        return f"{answer} I can look for the time closest to it: just tell me which day suits you."
    answer = "Yes: " + join_words(open_ones, "and") + "."
    if closed and len(locations) > 1:
        answer += f" The {join_words(closed, 'and the')} {'is' if len(closed) == 1 else 'are'}"
        answer += f" not open {when_asked}."
    return f"{answer} {BOOK_THEN}"


# "which office is open later?", "which location opens earliest": the offices compared, not
# only both weeks listed (the patient had to work out which one).
WHICH_OFFICE = r"\b(?:which|what) (?:office|location|clinic|site|one|place)s?\b"
LATER_ASKED = re.compile(
    rf"{WHICH_OFFICE}.*\b(?:later|latest|late|longer|longest|evenings?|after work)\b"
    r"|\b(?:open|close|closes|closing) (?:the )?(?:later|latest)\b.*\b(?:office|location)\b",
    re.IGNORECASE,
)
EARLIER_ASKED = re.compile(
    rf"{WHICH_OFFICE}.*\b(?:earlier|earliest|early|first|before work)\b", re.IGNORECASE
)
WEEKENDS = re.compile(r"\bweekends?\b", re.IGNORECASE)
WEEK_DAYS = re.compile(r"\bweekdays?\b", re.IGNORECASE)


def days_named(text: str) -> list[str]:
    """The weekdays a message names ("on fridays", "weekends"), in week order; [] for none."""
    named = weekdays_named(text or "")
    if WEEKENDS.search(text or ""):
        named |= {5, 6}
    if WEEK_DAYS.search(text or ""):
        named |= {0, 1, 2, 3, 4}
    return [WEEKDAYS[n] for n in sorted(named)]


def offices_compared(text: str, locations: list[Location]) -> str | None:
    """The office open latest (or opening earliest) and when, for "which office is open later";
    None when not asked, or with one office."""
    later = bool(LATER_ASKED.search(text or ""))
    if len(locations) < 2 or not (later or EARLIER_ASKED.search(text or "")):
        return None
    asked = days_named(text) or list(WEEKDAYS)  # "which office is open later on fridays"

    def edge(hours: TimeRange) -> time:
        return hours.closes if later else hours.opens

    best: list[tuple[Location, time, list[str]]] = []
    for loc in locations:
        grouped = _days_by(loc, edge, lambda _: True)
        grouped = {t: [d for d in days if d in asked] for t, days in grouped.items()}
        grouped = {t: days for t, days in grouped.items() if days}
        if grouped:
            extreme = (max if later else min)(grouped)
            best.append((loc, extreme, grouped[extreme]))
    if not best:
        return None
    if len(best) < 2:
        # "which office is open later on saturdays": the one open at all that day
        only, _, days = best[0]
        return f"Only the {only.name} is open {days_phrase(days)}: {only.hours[days[0]].label()}."
    best.sort(key=lambda b: b[1], reverse=later)
    (first, extreme, days), runner_up = best[0], best[1]
    if runner_up[1] == extreme:
        offices = "Both offices" if len(best) == 2 else "All our offices"
        if later:
            return f"{offices} close at {format_clock(extreme)} at the latest."
        return f"{offices} open at {format_clock(extreme)} at the earliest."
    when = f"{format_clock(extreme)} {days_phrase(days)}"
    if later:
        return f"The {first.name} is open latest: until {when}."
    return f"The {first.name} opens earliest: at {when}."
