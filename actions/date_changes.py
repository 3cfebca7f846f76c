"""A message read against what was said or booked before it: a time of day for the days
already asked ("thursday" then "after 3"), the limits said before kept when the days change
("only after 3, not fridays" then "actually next week"), and an appointment moved from its own
day and time ("push it back a week", "same time next week", "an hour later").

Kept apart from ``actions.dates``, which reads one message on its own, against today: these say
the change in words it reads ("same time next week" is "December 10 at 9:30 am") and ask it
again.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta

from actions import ruled_out_days
from actions.clinic_config import format_clock
from actions.clock_times import CLOCK_PHRASE, part_of_day, without_times
from actions.date_words import NUMBER_WORDS, WEEKDAY, WEEKDAY_NUMBERS, clean_words
from actions.dates import next_weekday, parse_when, weekdays_plural


def only_time_of_day(text: str, now: datetime) -> bool:
    """Whether ``text`` asks for a time of day, or rules out days, and names no day ("anything
    after 3?", "8 am", "mornings", "not mondays"): said about the days already being looked at."""
    cleaned = clean_words(text)
    if parse_when(cleaned, now) is None:
        return False
    ruled_out = ruled_out_days.ruled_out(cleaned)
    rest = ruled_out.rest if ruled_out else cleaned
    return parse_when(without_times(rest), now) is None


def with_new_time(previous: str, text: str) -> str:
    """The days of ``previous`` at the time of day of ``text``: "thursday" + "after 3"; and
    its time of day too when ``text`` only rules out days ("mornings" + "not mondays")."""
    cleaned = clean_words(text)
    ruled_out = ruled_out_days.ruled_out(cleaned)
    says_a_time = without_times(cleaned) != cleaned or (
        ruled_out is not None and (ruled_out.not_before or ruled_out.not_after)
    )
    days = without_times(clean_words(previous)) if says_a_time else previous
    return " ".join(f"{days} {text}".split())


# "any time next week", "mornings are fine now": the limits said before are dropped.
LIMITS_DROPPED = re.compile(
    r"\b(any ?time|whenever|any day|any time of day|(?:mornings?|fridays?|mondays?|tuesdays?|"
    r"wednesdays?|thursdays?|saturdays?|any\w*) (?:is|are|would be) (?:fine|ok|okay|good)"
    r"|doesn'?t matter|don'?t care)\b",
    re.IGNORECASE,
)


def with_kept_limits(previous: str, text: str, now: datetime) -> str:
    """Other days (``text``), with the times of day and the weekdays ruled out that were said
    before (``previous``): "only after 3, not fridays" - "actually next week" offered Friday
    mornings, without a word about the limits dropped. What ``text`` says of its own wins; a
    day named that was ruled out ("friday the 11th then") is that day."""
    new, before = parse_when(text, now), parse_when(previous, now)
    if new is None or before is None or LIMITS_DROPPED.search(text):
        return text
    extra: list[str] = []
    if not (new.part_of_day or new.not_before or new.not_after):
        if before.part_of_day:
            extra.append(f"{before.part_of_day}s")
        if before.not_before is not None:
            extra.append(f"after {format_clock(before.not_before)}")
        if before.not_after is not None:
            extra.append(f"before {format_clock(before.not_after)}")
    ruled_out_day_named = new.exact and new.start.weekday() in before.not_on
    if before.not_on and not new.not_on and not ruled_out_day_named:
        extra.append(f"not {weekdays_plural(sorted(before.not_on))}")
    if not extra:
        return text
    combined = " ".join([text, *extra])
    kept = parse_when(combined, now)
    if kept is None or (kept.start, kept.end) != (new.start, new.end):
        return text  # the limits read as a day of their own: the days asked for, alone
    return combined


# "push it back a week", "a couple of days later", "move it up 2 days", "same time next week":
# said of an existing appointment, counted from that appointment's day, not from today.
_SHIFT_AMOUNT = r"(an?|one|two|three|four|five|six|(?:a )?couple(?: of)?|(?:a )?few|\d{1,2})"
_SHIFT_EARLIER = ("up", "earlier", "sooner", "before")
_SHIFT = re.compile(
    rf"\b(?:(back|out|later|up|earlier|sooner)\s+(?:by\s+)?{_SHIFT_AMOUNT}\s+(day|week)s?\b"
    rf"|(?:by\s+)?{_SHIFT_AMOUNT}\s+(day|week)s?\s+(later|after|earlier|sooner|before|back|out|up)"
    r"(?!\s+(?:than|that|this|the|my|our|from|today|tomorrow|now)\b))",
)
_SAME_TIME_NEXT_WEEK = re.compile(
    r"\b(?:(same time|same day)\s+(?:the\s+)?(?:next|following) week"
    r"|(?:the )?(?:following week|week after)(?!\s+(?:that|this|next|christmas|thanksgiving)\b)"
    # ("next week after 3pm" is next week, after 3pm: it was the week after the appointment)
    r"(?!\s+\d))\b"
)


# "the following monday", "the monday after": the first such weekday after the appointment's
# day ("move it to the following monday" from Mon Dec 7 searched Dec 7 itself).
_FOLLOWING_WEEKDAY = re.compile(
    rf"\b(?:the\s+)?following\s+{WEEKDAY}\b|\bthe\s+{WEEKDAY}\s+after(?:\s+(?:that|it))?\b"
    r"(?!\s+(?:next|christmas|thanksgiving|new year))"
)


# "next week same time": the order turned round; "the week after at the same time" (it
# searched all that week, the appointment's weekday not first).
_NEXT_WEEK_SAME_TIME = re.compile(
    r"\b(?:(?:next|following) week|(?:the\s+)?week after)\s+(?:at\s+|around\s+)?(?:the\s+)?"
    r"same time\b"
)
# "an hour later", "2 hours earlier", "later by an hour", "back an hour", "30 min later": the
# same day, that much moved (minutes got the arrival-time answer).
_HOUR_AMOUNT = (
    r"an?|one|two|three|four|half an?|\d{1,2}|fifteen|twenty|thirty|forty[- ]five"
    # ("push it back a couple hours" asked for a day)
    r"|(?:a\s+)?(?:couple|few)(?:\s+of)?"
)
_SHIFT_UNIT = r"hours?|hrs?|minutes?|mins?"
_HOUR_SHIFT = re.compile(
    rf"\b(?:({_HOUR_AMOUNT})\s+(?:more\s+)?({_SHIFT_UNIT})\s+"
    r"(later|earlier|sooner|after|before|back|up)"
    # ("push it back an hour", "move it up half an hour": asked for a day)
    rf"|(later|earlier|back|up)\s+(?:by\s+)?({_HOUR_AMOUNT})\s+({_SHIFT_UNIT}))\b"
)
_MINUTE_WORDS = {"fifteen": 15, "twenty": 20, "thirty": 30, "forty five": 45, "forty-five": 45}
# "same day", "that day", "later that day": the appointment's own day (not a same-day visit,
# nor "same day next week").
_SAME_DAY_AS_IT = re.compile(
    r"\b(?:(?:the|that)\s+)?same\s+day\b(?!\s+(?:(?:the\s+)?(?:next|following)\s+week|"
    r"appointments?|appts?|visits?|openings?|slots?|sick)\b)"
    # "later in the day" searched the afternoons of the next two weeks
    r"|\b(?:later|earlier)\s+(?:that|in\s+the|on\s+the\s+same)\s+day\b"
)
# "not the same day", "can't do that same day": the appointment's day ruled out, not asked for.
_DAY_REFUSED = re.compile(
    r"\b(?:not|no|never|can\s?t|cannot|can not|won\s?t|doesn\s?t|don\s?t|isn\s?t|anything but|"
    r"other than|except)\b(?:\s+\w+){0,3}\s*$"
)
_SAME_TIME = re.compile(r"\b(?:at\s+|around\s+)?(?:the\s+)?same\s+time\b")
# "to the afternoon", "the morning instead": that part of the appointment's own day.
_PART_OF_ITS_DAY = re.compile(
    r"(?:(?:to|into|in|for)\s+)?the\s+(morning|afternoon|evening)"
    r"(?:\s+(?:instead|please|pls|if possible|if you can))?"
)
# "later that same week", "earlier in the same week", "that same week": the days of the
# appointment's own week (Monday to Saturday) after it, before it, or all ("anything later that
# same week but in the afternoon" searched the two weeks from today). Not "this week": today's.
_THAT_WEEK = re.compile(
    r"\b(?:(?P<way>later|earlier)\s+(?:on\s+)?(?:in\s+)?(?:that|the)\s+(?:same\s+)?week"
    r"|(?:that|the)\s+same\s+week"
    # "same week is fine" ("Sorry, I didn't catch a day there")
    r"|\bsame\s+week(?!\s+(?:next|as|following|after)\b))\b"
)
# "can we do it earlier?", "anything sooner", "an earlier date", "move it up": sooner than the
# appointment, no amount said (it asked "What day or time works best for you?", the request
# lost). Not "earlier that day" (its own day), "earlier than 3", "as i said earlier".
_SOONER = re.compile(
    r"(?<!said )(?<!told you )(?<!mentioned )(?<!asked )(?<!wrote )(?<!told )"
    r"\b(?:(?:an|a)\s+)?(?:earlier|sooner)(?:\s+(?:date|day|time|appointment|appt|slot|one|opening)s?)?"
    r"\b(?!\s+(?:that|than|in\s+the|on\s+the|today|this\s+morning)\b)"
    r"|\bmove\s+(?:it|that|this|(?:my|the|his|her)\s+\w+)\s+up\b(?!\s+(?:by\s+)?\w+\s+(?:days?|weeks?))"
    r"|\bbring\s+(?:it|that|this)\s+forward\b"
)
_LATER_WORD = re.compile(r"\b(later|after)\b")
_EARLIER_WORD = re.compile(r"\b(earlier|before|sooner)\b")


def says_a_shift(text: str) -> bool:
    """Whether the text moves an appointment by an amount ("push it back a week", "an hour
    later") or to its own day or time ("same day", "friday same time")."""
    cleaned = clean_words(text)
    return bool(
        _SHIFT.search(cleaned)
        or _SAME_TIME_NEXT_WEEK.search(cleaned)
        or _NEXT_WEEK_SAME_TIME.search(cleaned)
        or _HOUR_SHIFT.search(cleaned)
        or _own_day_asked(cleaned)
        or _SAME_TIME.search(cleaned)
        or _FOLLOWING_WEEKDAY.search(cleaned)
        or _THAT_WEEK.search(cleaned)
        or _SOONER.search(cleaned)
    )


def _own_day_asked(cleaned: str) -> re.Match[str] | None:
    """ "same day", "later that day": the appointment's own day asked for, not ruled out."""
    same_day = _SAME_DAY_AS_IT.search(cleaned)
    if same_day is None or _DAY_REFUSED.search(cleaned[: same_day.start()]):
        return None
    return same_day


def _clock_words(moment: datetime) -> str:
    return f"{moment:%I:%M %p}".lstrip("0").lower()


def _hours_moved(match: re.Match[str]) -> timedelta:
    amount = " ".join((match.group(1) or match.group(5) or "an").replace(" of", "").split())
    direction = match.group(3) or match.group(4) or "later"
    unit = match.group(2) or match.group(6) or "hour"
    if amount.startswith("half"):
        minutes = 30
    elif unit.startswith("min"):
        minutes = int(amount) if amount.isdigit() else _MINUTE_WORDS.get(amount, 30)
    else:
        minutes = 60 * (int(amount) if amount.isdigit() else NUMBER_WORDS.get(amount, 1))
    sign = -1 if direction in ("earlier", "sooner", "before", "up") else 1
    return timedelta(minutes=sign * minutes)


def _same_day_shift(cleaned: str, start: datetime) -> str | None:
    """ "same day but an hour later" -> "December 7 at 3:00 pm"; "same day, later" ->
    "December 7 after 2:00 pm"; "friday same time" -> "friday at 2:00 pm"; None otherwise."""
    day = f"{start:%B} {start.day}"
    hours = _HOUR_SHIFT.search(cleaned)
    if hours is not None:
        moved = start + _hours_moved(hours)
        rest = _SAME_DAY_AS_IT.sub(" ", cleaned[: hours.start()] + " " + cleaned[hours.end() :])
        # another day named with it ("friday, an hour later") keeps that day
        on = "" if parse_when(rest, start) is not None else f"{moved:%B} {moved.day} "
        return " ".join(f"{rest} {on}at {_clock_words(moved)}".split())
    same_day = _own_day_asked(cleaned)
    if same_day is not None:
        rest = cleaned[: same_day.start()] + " " + cleaned[same_day.end() :]
        if CLOCK_PHRASE.search(rest):
            return " ".join(f"{day} {rest}".split())  # "same day after 3": their own limit
        if _LATER_WORD.search(same_day.group(0)) or _LATER_WORD.search(rest):
            rest, said = _LATER_WORD.sub(" ", rest), f"{day} after {_clock_words(start)}"
        elif _EARLIER_WORD.search(same_day.group(0)) or _EARLIER_WORD.search(rest):
            rest, said = _EARLIER_WORD.sub(" ", rest), f"{day} before {_clock_words(start)}"
        else:
            said = day
        return " ".join(f"{rest} {said}".split())
    same_time = _SAME_TIME.search(cleaned)
    if same_time is not None:
        before, after = cleaned[: same_time.start()], cleaned[same_time.end() :]
        return " ".join(f"{before} at {_clock_words(start)} {after}".split())
    part = _PART_OF_ITS_DAY.fullmatch(cleaned.strip())
    if part is not None:
        # "move my tuesday appt to the afternoon": that Tuesday's afternoon (it searched the
        # afternoons of the next two weeks from today)
        return f"{day} {part.group(1)}"
    return None


def shift_said_as_day(text: str, start: datetime, today: date) -> str | None:
    """``text`` (cleaned) with a shift of the appointment starting at ``start`` said as the day it
    lands on: "push it back a week" -> "push it December 10", "same time next week" -> "December
    10 at 9:30 am", "the week after" -> "week of December 10". ``None`` if no shift is said. A
    shift to today or earlier becomes "as soon as possible"."""
    cleaned = clean_words(text)
    # "around the same time", unless the patient names a time
    same_time = f" at {_clock_words(start)}"
    keep_time = part_of_day(cleaned) is None and not CLOCK_PHRASE.search(cleaned)
    shift = _SHIFT.search(cleaned)
    if shift is not None:
        direction = shift.group(1) or shift.group(6)
        amount = (shift.group(2) or shift.group(4) or "").replace(" of", "")
        unit = shift.group(3) or shift.group(5)
        number = int(amount) if amount.isdigit() else NUMBER_WORDS.get(amount, 1)
        days = number * (7 if unit == "week" else 1)
        target = start.date() + timedelta(days=-days if direction in _SHIFT_EARLIER else days)
        if target <= today:
            said = "as soon as possible"
        else:
            said = f"{target:%B} {target.day}" + (same_time if keep_time else "")
    elif (same := _NEXT_WEEK_SAME_TIME.search(cleaned)) is not None:
        # "next week same time": that weekday next week, at that time
        shift = same
        target = start.date() + timedelta(days=7)
        said = f"{target:%B} {target.day}{same_time}"
    elif (same := _SAME_TIME_NEXT_WEEK.search(cleaned)) is not None:
        shift = same
        target = start.date() + timedelta(days=7)
        if same.group(1) == "same time":
            said = f"{target:%B} {target.day}{same_time}"
        elif same.group(1) == "same day":
            said = f"{target:%B} {target.day}"
        else:
            said = f"week of {target:%B} {target.day}" + (same_time if keep_time else "")
    elif (following := _FOLLOWING_WEEKDAY.search(cleaned)) is not None:
        shift = following
        weekday = WEEKDAY_NUMBERS[next(g for g in following.groups() if g)[:3]]
        target = next_weekday(start.date(), weekday)
        said = f"{target:%B} {target.day}" + (same_time if keep_time else "")
    elif (week := _THAT_WEEK.search(cleaned)) is not None:
        shift = week
        said = _days_of_its_week(start.date(), week["way"], today)
    elif (same_day := _same_day_shift(cleaned, start)) is not None:
        return same_day
    elif (sooner := _SOONER.search(cleaned)) is not None:
        # the days before the appointment's; for a visit today or tomorrow, earlier that day
        # (the soonest times, asked instead, ran on past it)
        shift = sooner
        close = start.date() - today <= timedelta(days=1)
        day = f"{start:%B} {start.day}"
        said = f"{day} before {_clock_words(start)}" if close else f"before {day}"
    else:
        return None
    return " ".join(f"{cleaned[: shift.start()]} {said} {cleaned[shift.end() :]}".split())


def _days_of_its_week(day: date, way: str | None, today: date) -> str:
    """The days of ``day``'s week (Monday to Saturday) after it ("later"), before it
    ("earlier") or all, from tomorrow at the earliest, as ``parse_when`` reads them ("December
    15-19"); none left: the days just after it, or as soon as possible."""
    monday = day - timedelta(days=day.weekday())
    first = max(monday, today + timedelta(days=1))
    last = monday + timedelta(days=5)
    if way == "later":
        first = day + timedelta(days=1)
    elif way == "earlier":
        last = day - timedelta(days=1)
    if first > last:
        return "as soon as possible" if way == "earlier" else f"after {day:%B} {day.day}"
    if first == last:
        return f"{first:%B} {first.day}"
    if first.month != last.month:
        return f"{first:%B} {first.day} - {last:%B} {last.day}"
    return f"{first:%B} {first.day}-{last.day}"
