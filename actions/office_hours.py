"""Opening hours per office, from ``clinic.yml``: the week's hours, open now or not, a day
asked about (holidays by name too: "are you open on christmas?"), and when an office opens
again. Times are in the clinic's time zone. ``actions/directions.py`` answers with these."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta

from actions.birth_dates import without_birth_dates
from actions.clinic_config import (
    WEEKDAY_NAMES,
    WEEKDAYS,
    ClinicConfig,
    Holiday,
    Location,
    describe_when,
    format_clock,
)
from actions.dates import parse_when, past_day, today_if_named_alone
from actions.formatting import short_date
from actions.matching import normalise
from actions.observances import observance_day
from actions.tracker_reading import is_button_payload

DAY_SHORT = {
    "mon": "Mon",
    "tue": "Tue",
    "wed": "Wed",
    "thu": "Thu",
    "fri": "Fri",
    "sat": "Sat",
    "sun": "Sun",
}
# How far ahead holiday hours are mentioned with the regular hours.
HOLIDAY_NOTICE_DAYS = 14
# ...and how far ahead when the holidays are asked about.
HOLIDAY_LIST_DAYS = 120
# "were you open ...", "was it closed ...": a question about a day gone.
PAST_TENSE = re.compile(r"\b(were|was|last)\b")
# Holidays patients name by another name than the clinic's list does.
HOLIDAY_ALIASES = {
    "independence": re.compile(r"\b(july 4(th)?|4th of july|fourth of july)\b"),
    "after thanksgiving": re.compile(r"\b(black friday|thanksgiving friday)\b"),
    "christmas day": re.compile(r"\b(xmas|x mas)\b(?! eve)"),
    "christmas eve": re.compile(r"\b(xmas|x mas) eve\b"),
    "martin luther king": re.compile(r"\b(mlk|martin luther king)\b"),
}


# Days of the week asked about as such ("are you open saturdays", "hours on weekends"): the
# week's hours alone never said yes or no.
WEEKDAYS_ASKED = re.compile(r"\b(?:(mon|tues|wednes|thurs|fri|satur|sun)days|(weekends?))\b")
PLURAL_DAY = {"mon": "mon", "tues": "tue", "wednes": "wed", "thurs": "thu", "fri": "fri"}
PLURAL_DAY |= {"satur": "sat", "sun": "sun"}


def weekdays_asked(text: str) -> list[str]:
    """The days of the week a question names in the plural ("saturdays": ``["sat"]``,
    "weekends": ``["sat", "sun"]``), in week order; none for a date or a day ("saturday")."""
    days: set[str] = set()
    for match in WEEKDAYS_ASKED.finditer(normalise(text)):
        days |= {PLURAL_DAY[match.group(1)]} if match.group(1) else {"sat", "sun"}
    return [day for day in WEEKDAYS if day in days]


def hours_on_weekdays(
    locations: list[Location], days: list[str], every_office: tuple[Location, ...] = ()
) -> str:
    """``On Saturdays: Downtown Clinic 9am–1pm; North Office closed.`` for each day asked
    (``On Sundays both offices are closed.``). An office asked about that is closed that day
    names another of ``every_office`` open then ("what about saturdays at north": "closed",
    and nothing more, was a dead end)."""
    lines = []
    for day in days:
        plural = f"{WEEKDAY_NAMES[day]}s"
        if all(loc.hours[day] is None for loc in locations):
            who = f"the {locations[0].name} is" if len(locations) == 1 else "both offices are"
            who = who if len(locations) <= 2 else "all our offices are"
            open_then = [o for o in every_office if o not in locations and o.hours[day]]
            elsewhere = "".join(
                f" The {o.name} is open then, {o.hours[day].label()}." for o in open_then
            )
            lines.append(f"On {plural} {who} closed.{elsewhere}")
            continue
        hours = [
            f"{loc.name} {loc.hours[day].label() if loc.hours[day] else 'closed'}"
            for loc in locations
        ]
        lines.append(f"On {plural}: {'; '.join(hours)}.")
    return "\n".join(lines)


def weekly_hours(location: Location) -> str:
    """``Mon–Wed 8am–6pm, Thu 8am–7pm, Fri 8am–5pm, Sat 9am–1pm, Sun closed``."""
    groups: list[tuple[list[str], str]] = []
    for day in WEEKDAYS:
        hours = location.hours[day]
        label = hours.label() if hours else "closed"
        if groups and groups[-1][1] == label:
            groups[-1][0].append(day)
        else:
            groups.append(([day], label))
    parts = []
    for days, label in groups:
        span = (
            DAY_SHORT[days[0]] if len(days) == 1 else f"{DAY_SHORT[days[0]]}–{DAY_SHORT[days[-1]]}"
        )
        parts.append(f"{span} {label}")
    return ", ".join(parts)


def open_status(clinic: ClinicConfig, location: Location, now: datetime) -> str:
    """``Open now until 6pm`` / ``Closed now; open today 9am–1pm`` / ``Closed now; opens
    tomorrow at 8am`` (holidays included)."""
    local = now.astimezone(clinic.tz)
    holiday = clinic.holiday(local.date())
    today = clinic.hours_on(location, local.date())
    if clinic.is_open(location, local) and today is not None:
        special = f" ({holiday.name} hours)" if holiday else ""
        return f"Open now until {format_clock(today.closes)}{special}"
    closed = f"Closed today for {holiday.name}" if holiday and today is None else "Closed now"
    upcoming = clinic.next_opening(location, local)
    if upcoming is None:
        return f"{closed}; please call {location.phone} to check when we reopen"
    if today is not None and upcoming.date() == local.date():
        # "what time do you close today" at 4am on a Saturday got "opens today at 9am": the
        # closing time too, when it opens later today.
        return f"{closed}; open today {today.label()}"
    return f"{closed}; opens {describe_when(upcoming, local)}"


def upcoming_holidays(clinic: ClinicConfig, now: datetime, days: int = HOLIDAY_NOTICE_DAYS) -> str:
    """``Holiday hours: Thu, Nov 26 closed (Thanksgiving Day).`` for the next two weeks, or ""."""
    today = now.astimezone(clinic.tz).date()
    soon = [h for h in clinic.holidays if today < h.date <= today + timedelta(days=days)]
    if not soon:
        return ""
    parts = [
        f"{short_date(h.date)} {h.hours.label() if h.hours else 'closed'} ({h.name})"
        for h in sorted(soon, key=lambda h: h.date)
    ]
    return "Holiday hours: " + "; ".join(parts) + "."


def asked_day(text: str, clinic: ClinicConfig, now: datetime) -> tuple[date, Holiday | None] | None:
    """The day a patient asks about: a holiday by name ("thanksgiving") or a date ("saturday")."""
    if not text or is_button_payload(text):
        return None
    local = now.astimezone(clinic.tz)
    # "aisha khan 1/22/92" at "Which office?": her birth date, not the hours of Jan 22, 2092
    text = without_birth_dates(text, local.date())
    gone = past_day(text, local.date())
    if gone is not None:
        return gone, clinic.holiday(gone)
    day = named_day(text, clinic, local.date())
    if day is not None:
        return day, clinic.holiday(day)
    when = parse_when(text, local)
    if when is not None and when.start == when.end:
        day = today_if_named_alone(when.start, text, local.date())  # "open saturday?"
        return day, clinic.holiday(day)
    return None


def holiday_named(
    text: str, clinic: ClinicConfig, today: date, until: date | None = None
) -> Holiday | None:
    """The clinic holiday a message names ("christmas", "july 4th"), the next one from
    ``today`` (to ``until``, else within a year); the longest name wins ("christmas eve" over
    "christmas")."""
    words = _stem(normalise(text))
    last = until or today + timedelta(days=366)
    upcoming = sorted(
        (h for h in clinic.holidays if today <= h.date <= last),
        key=lambda h: h.date,
    )
    best: tuple[int, Holiday] | None = None
    for holiday in upcoming:
        for key in _holiday_keys(holiday):
            if re.search(rf"\b{re.escape(key)}\b", words) and (best is None or len(key) > best[0]):
                best = (len(key), holiday)
        for alias, pattern in HOLIDAY_ALIASES.items():
            if alias in normalise(holiday.name) and pattern.search(normalise(text)):
                best = best or (0, holiday)
    return best[1] if best is not None else None


def named_day(text: str, clinic: ClinicConfig, today: date) -> date | None:
    """The day a holiday name points to: the holiday, or the day after or before it ("the day
    after christmas"), unless the clinic's own name for it says so ("Day after Thanksgiving")."""
    holiday = None
    if PAST_TENSE.search(normalise(text)):
        # "were you open on thanksgiving?" three days later: that one, not next year's.
        holiday = holiday_named(text, clinic, today - timedelta(days=7), today - timedelta(days=1))
    holiday = holiday or holiday_named(text, clinic, today)
    if holiday is None:
        other = observance_day(text, today)  # "black friday", "easter": not clinic holidays
        return other[1] if other is not None else None
    side = re.search(r"\bday (after|before)\b", normalise(text))
    day = holiday.date
    if NEXT_YEAR.search(normalise(text)) and day.year == today.year:
        # "christmas eve next year": next year's (there, Christmas Day observed), not this one
        year = today.year + 1
        again = holiday_named(text, clinic, date(year, 1, 1), date(year, 12, 31))
        day = again.date if again is not None else _same_day_next_year(day)
    if side is None or side.group(1) in normalise(holiday.name):
        return day
    return day + timedelta(days=1 if side.group(1) == "after" else -1)


NEXT_YEAR = re.compile(r"\bnext year\b")


def _same_day_next_year(day: date) -> date:
    try:
        return day.replace(year=day.year + 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year + 1, day=28)


def _stem(text: str) -> str:
    """``new years day`` and ``new year s day`` → ``new year day`` (good enough for names)."""
    words = [w[:-1] if len(w) > 3 and w.endswith("s") else w for w in text.split()]
    return " ".join(w for w in words if w != "s")


def _holiday_keys(holiday: Holiday) -> list[str]:
    name = _stem(normalise(holiday.name))
    short = " ".join(w for w in name.split() if w not in ("day", "observed", "the"))
    return [k for k in {name, short} if k]


def reopening(clinic: ClinicConfig, locations: list[Location], day: date, now: datetime) -> str:
    """`` We open again Mon, Dec 7 at 8am.`` after a day all offices are closed, or which office
    opens first when they open at different times; nothing when none opens in the weeks ahead."""
    end_of_day = datetime.combine(day, datetime.max.time(), tzinfo=clinic.tz)
    openings = [
        (when, loc)
        for loc in locations
        if (when := clinic.next_opening(loc, end_of_day)) is not None
    ]
    if not openings:
        return ""
    first = min(when for when, _ in openings)
    first_open = [loc for when, loc in openings if when == first]
    who = "We open" if len(first_open) == len(locations) else f"The {first_open[0].name} opens"
    return f" {who} again {describe_when(first, now)}."


def hours_on_day(
    clinic: ClinicConfig,
    locations: list[Location],
    day: date,
    holiday: Holiday | None,
    now: datetime,
) -> str:
    """``Thu, Nov 26 is Thanksgiving Day: both offices are closed.`` A day gone ("were you open
    last friday?") is said in the past: ``Fri, Nov 27 was ...: both offices were closed.``"""
    today = now.astimezone(clinic.tz).date()
    labels = {
        today: "Today",
        today + timedelta(days=1): "Tomorrow",
        today - timedelta(days=1): "Yesterday",
    }
    label = labels.get(day, "")
    dated = short_date(day) + (f", {day.year}" if day.year != today.year else "")
    when = f"{label} ({dated})" if label else dated
    gone = day < today
    is_, are = ("was", "were") if gone else ("is", "are")
    if holiday is not None:
        when += f" {is_} {holiday.name}"
    hours = [(loc, clinic.hours_on(loc, day)) for loc in locations]
    if all(h is None for _, h in hours):
        one_of_several = len(locations) == 1 and len(clinic.locations) > 1
        who = (
            (f"the {locations[0].name} {is_}" if one_of_several else f"we {are}")
            if len(locations) == 1
            else (f"both offices {are}" if len(locations) == 2 else f"all our offices {are}")
        )
        reopen = (
            clinic.next_opening(
                locations[0],
                datetime.combine(day, datetime.max.time(), tzinfo=clinic.tz),
            )
            if len(locations) == 1 and not gone
            else None
        )
        opens = "It opens" if one_of_several else "We open"
        tail = f" {opens} again {describe_when(reopen, now)}." if reopen else ""
        if len(locations) > 1 and not gone:
            # "what about sunday": "both offices are closed", and nothing on when to come
            tail = reopening(clinic, locations, day, now)
        if one_of_several:
            # "is the north office open saturday": closed, but another office may not be.
            for other in clinic.locations:
                other_hours = clinic.hours_on(other, day) if other != locations[0] else None
                if other_hours is not None:
                    tail += f" The {other.name} {is_} open {other_hours.label()} that day."
        return f"{when}: {who} closed.{tail}"
    if len(locations) == 1:
        only = hours[0][1]
        return f"{when}: the {locations[0].name} {is_} open {only.label()}." if only else ""
    lines = [f"{loc.name}: {h.label() if h else 'closed'}" for loc, h in hours]
    return f"{when}:\n" + "\n".join(lines)


def hours_text(
    clinic: ClinicConfig,
    locations: list[Location],
    now: datetime,
    holiday_days: int = HOLIDAY_NOTICE_DAYS,
) -> str:
    lines = [
        f"{loc.name}: {open_status(clinic, loc, now)}. Hours: {weekly_hours(loc)}."
        for loc in locations
    ]
    notice = upcoming_holidays(clinic, now, holiday_days)
    if notice:
        lines.append(notice)
    return "\n".join(lines)
