"""A time of day in an hours question: "are you open at 7am?", "open at 6:30pm on thursday?".

The weekly table (or the day's hours) came back, and the patient had to work out the answer.
Now each office is said to be open then (until when), not open yet (opens when), or closed by
then, for the day asked or, with no day, the next time that clock comes round.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta

from actions.clinic_config import ClinicConfig, Location, TimeRange, format_clock
from actions.formatting import short_date

# "7am", "6:30 pm", "at 7", "by 7:45", "noon" (not "7 days", "3 kids", a date "12/5").
CLOCK = re.compile(
    r"\b(?:(?P<h>\d{1,2})(?::(?P<m>[0-5]\d))?\s*(?P<ap>a\.?m\.?|p\.?m\.?)(?![a-z])"
    r"|(?:at|by|after|before|around|till|until|past|open)\s+(?P<h2>\d{1,2})(?::(?P<m2>[0-5]\d))?"
    r"(?!\s*(?:/|-|\d|days?|weeks?|months?|years?|kids?|people|of|th|st|nd|rd)\b)"
    r"|(?P<noon>noon|midday))",
    re.IGNORECASE,
)


def asked_clock(text: str) -> time | None:
    """The time of day a message asks about, if any. Without am/pm, 7 to 11 are the morning
    and 1 to 6 the afternoon (clinic hours)."""
    found = CLOCK.search(text or "")
    if found is None:
        return None
    if found["noon"]:
        return time(12, 0)
    hour = int(found["h"] or found["h2"])
    minute = int(found["m"] or found["m2"] or 0)
    if not 1 <= hour <= 12 and not (found["h2"] and 13 <= hour <= 23):
        return None
    suffix = (found["ap"] or "").lower().replace(".", "")
    if suffix == "pm" and hour < 12:
        hour += 12
    elif suffix == "am" and hour == 12:
        hour = 0
    elif not suffix and 1 <= hour <= 6:
        hour += 12
    return time(hour, minute)


def without_clock(text: str) -> str:
    """``text`` without the time of day in it (whatever day is left is the day asked)."""
    return CLOCK.sub(" ", text or "")


def _state(hours: TimeRange | None, at: time) -> str:
    """One office at ``at``, given its hours that day."""
    if hours is None:
        return "closed that day"
    opens, closes = hours.opens, hours.closes
    if at < opens:
        return f"not open yet (opens at {format_clock(opens)})"
    if at < closes:
        return f"open (until {format_clock(closes)})"
    return f"closed by then (closes at {format_clock(closes)})"


def hours_at(
    clinic: ClinicConfig,
    locations: list[Location],
    at: time,
    day: date | None,
    now: datetime,
) -> str:
    """ "At 7am tomorrow (Sat, Dec 5):" and each office's state then. ``day``: the day asked;
    None for the next time ``at`` comes round."""
    local = now.astimezone(clinic.tz)
    if day is None:
        day = local.date() if at >= local.time() else local.date() + timedelta(days=1)
    label = {local.date(): "today", local.date() + timedelta(days=1): "tomorrow"}.get(day)
    dated = short_date(day)
    when = f"{label} ({dated})" if label else f"on {dated}"
    head = f"At {format_clock(at)} {when}"
    states = [(loc, _state(clinic.hours_on(loc, day), at)) for loc in locations]
    if len(states) == 1:
        loc, state = states[0]
        return f"{head}, the {loc.name} is {state}."
    return f"{head}:\n" + "\n".join(f"{loc.name}: {state}" for loc, state in states)
