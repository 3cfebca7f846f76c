"""Find free slots for what the patient asked, widening the search when nothing fits.

Shared by booking and rescheduling. Offers are stored in the ``offered_slots`` slot as small
dicts (id, start, practitioner, location), so the patient's next message ("the second one",
"9:30", a button) can be matched against exactly what was shown.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from typing import Any

from actions.clients.fhir import FhirClient
from actions.clients.fhir_model import SlotRecord
from actions.clinic_config import (
    WEEKDAY_NAMES,
    WEEKDAYS,
    ClinicConfig,
    Location,
    Practitioner,
    format_clock,
)
from actions.clock_times import PART_HOURS
from actions.date_changes import shift_said_as_day
from actions.dates import When, day_label, parse_when, within_part_of_day

logger = logging.getLogger(__name__)


def age_limit(clinic: ClinicConfig, practitioner_id: str | None) -> int | None:
    """The age from which this practitioner no longer sees patients (None: any age), from
    ``sees_patients_under`` in clinic.yml: a patient of that age or older is never offered,
    nor booked with, this practitioner."""
    practitioner = clinic.practitioner(practitioner_id) if practitioner_id else None
    return practitioner.sees_patients_under if practitioner else None


def has_age_limits(clinic: ClinicConfig, practitioner_id: str | None) -> bool:
    """Whether this practitioner sees some ages only (``sees_patients_under`` or
    ``sees_patients_from`` in clinic.yml)."""
    practitioner = clinic.practitioner(practitioner_id) if practitioner_id else None
    return practitioner is not None and (
        practitioner.sees_patients_under is not None or practitioner.sees_patients_from is not None
    )


def too_young_for(clinic: ClinicConfig, practitioner_id: str | None, age: int | None) -> bool:
    """A patient under the practitioner's minimum age (``sees_patients_from``)."""
    practitioner = clinic.practitioner(practitioner_id) if practitioner_id else None
    minimum = practitioner.sees_patients_from if practitioner else None
    return minimum is not None and age is not None and age < minimum


def sees_patient(clinic: ClinicConfig, practitioner_id: str | None, age: int | None) -> bool:
    """May this practitioner see a patient of this age? (Unknown age or practitioner: yes.)"""
    limit = age_limit(clinic, practitioner_id)
    return (limit is None or age is None or age < limit) and not too_young_for(
        clinic, practitioner_id, age
    )


def unsuitable_practitioners(clinic: ClinicConfig, age: int | None) -> tuple[str, ...]:
    """Practitioners a patient of this age must not be offered (none when the age is unknown)."""
    return tuple(p.id for p in clinic.practitioners if not sees_patient(clinic, p.id, age))


def not_for_anyone(clinic: ClinicConfig, visit_type: str | None) -> tuple[str, ...]:
    """Clinicians of this visit's specialties that "no preference" does not offer
    (``no_preference_specialties`` in clinic.yml)."""
    visit = clinic.visit_type(visit_type) if visit_type else None
    if visit is None or visit.no_preference_specialties is None:
        return ()
    return tuple(
        p.id
        for p in clinic.practitioners
        if p.specialty in visit.specialties and p.specialty not in visit.no_preference_specialties
    )


Busy = tuple[datetime, datetime]


def overlaps(start: datetime, end: datetime, busy: Busy) -> bool:
    return start < busy[1] and busy[0] < end


@dataclass(frozen=True)
class SearchRequest:
    visit_type: str | None
    practitioner: str | None  # clinic id, or None for anyone
    location: str | None  # clinic id, or None for either
    when: When
    exclude: tuple[str, ...] = ()  # slot ids not to offer again (e.g. just taken)
    # Practitioners this patient must not see (e.g. pediatrics for an adult).
    exclude_practitioners: tuple[str, ...] = ()
    # Times the patient is already booked (start, end): slots overlapping them are not offered.
    busy: tuple[Busy, ...] = ()
    # The patient's age is not known yet: clinicians who see every age come first, so an adult
    # is not offered the pediatrician's times only to be refused once identified.
    age_unknown: bool = False
    # An appointment being moved: with no time of day asked, the times nearest its own time
    # come first each day ("move it to next week" of a 9am visit offered 8am ones).
    near: time | None = None


@dataclass(frozen=True)
class SearchResult:
    offers: list[dict[str, Any]]
    widened: bool  # nothing matched exactly; these are the nearest openings
    # The days asked for lie beyond the booking window: the last day that can be booked
    # (the offers are the latest openings before it).
    last_bookable: date | None = None


def chosen_appointment(slots: dict[str, Any]) -> dict[str, Any] | None:
    """The patient's appointment picked to move or cancel (``appointment_choice``), if any."""
    choice = slots.get("appointment_choice")
    return next((i for i in slots.get("my_appointments") or [] if i.get("id") == choice), None)


# "next week", not "not next week" (which parse_when reads as after it).
NEXT_WEEK = re.compile(r"(?<!not )\bnext week\b", re.IGNORECASE)


def already_that_week(wanted: str, when: When, its_day: date) -> bool:
    """ "move it to next week" of an appointment that is next week already: the week after is
    meant (it searched the appointment's own week, and offered an hour earlier the same day).
    The offers name the days they span, so the patient sees which week was looked at."""
    return bool(NEXT_WEEK.search(wanted)) and when.start <= its_day <= when.end


def days_searched(slots: dict[str, Any], clinic: ClinicConfig, now: datetime) -> str | None:
    """The days asked for as the search read them: a shift of the appointment said as the day
    it lands on ("the afternoon instead": "December 11 afternoon"); "next week" of an
    appointment that is next week already is the week after next ("tuesday afternoon" said to
    those offers searched this week's Tuesday, before the week shown). Said so only when those
    words read as the very days searched ("early next week" as "early the week after next"
    would not: kept as said)."""
    wanted = slots.get("date_preference")
    moving = chosen_appointment(slots)
    if not wanted or moving is None:
        return wanted
    said = str(wanted)
    its_start = datetime.fromisoformat(moving["start"]).astimezone(clinic.tz)
    resolved = shift_said_as_day(said, its_start, now.date())
    if resolved is not None:
        # "the afternoon instead" is its own day's afternoon: with a time said next ("anything
        # later like 3 or 4?") it was "the instead anything later like 3 or 4?", every day's
        return resolved
    when = parse_when(said, now)
    its_day = its_start.date()
    if when is None or not already_that_week(said, when, its_day):
        return said
    moved = NEXT_WEEK.sub("the week after next", said)
    searched = parse_when(said, now + timedelta(days=7))  # (as request_from_slots reads it)
    return moved if parse_when(moved, now) == searched else said


def request_from_slots(
    slots: dict[str, Any],
    clinic: ClinicConfig,
    now: datetime,
    age: int | None = None,
    busy: tuple[Busy, ...] = (),
) -> SearchRequest:
    """The search the slots ask for; with the patient's age and booked times when known.

    While an appointment is being moved, "push it back a week" counts from its day."""
    wanted = str(slots.get("date_preference") or "asap")
    moving = chosen_appointment(slots)
    start = datetime.fromisoformat(moving["start"]) if moving is not None else None
    if start is not None:
        wanted = shift_said_as_day(wanted, start, now.date()) or wanted
    when = parse_when(wanted, now) or parse_when("asap", now)
    assert when is not None
    near = None
    if start is not None:
        its = start.astimezone(clinic.tz)
        if already_that_week(wanted, when, its.date()):
            when = parse_when(wanted, now + timedelta(days=7)) or when
        if when.part_of_day is None and when.not_before is None and when.not_after is None:
            near = its.time()
    practitioner = slots.get("practitioner")
    location = slots.get("location")
    return SearchRequest(
        visit_type=slots.get("visit_type"),
        practitioner=None if practitioner in (None, "any") else practitioner,
        location=None if location in (None, "any") else location,
        when=when,
        exclude=tuple(slots.get("excluded_slots") or ()),
        exclude_practitioners=unsuitable_practitioners(clinic, age)
        + (not_for_anyone(clinic, slots.get("visit_type")) if practitioner in (None, "any") else ())
        # "someone other than dr patel" (actions/booking_choices.py someone_other_than)
        + (
            (str(slots["practitioner_not"]),)
            if practitioner in (None, "any") and slots.get("practitioner_not")
            else ()
        ),
        busy=busy,
        age_unknown=age is None,
        near=near,
    )


def _window(day_from: date, day_to: date, clinic: ClinicConfig) -> tuple[datetime, datetime]:
    start = datetime.combine(day_from, time(0), tzinfo=clinic.tz)
    end = datetime.combine(day_to + timedelta(days=1), time(0), tzinfo=clinic.tz)
    return start, end


SEARCH_LIMIT = 300
# No time sooner than this is offered: the patient needs it to get here.
BOOKING_NOTICE = timedelta(minutes=30)


def _search(
    client: FhirClient, request: SearchRequest, when: When, clinic: ClinicConfig, now: datetime
) -> list[SlotRecord]:
    start, end = _window(when.start, when.end, clinic)
    start = max(start, now + BOOKING_NOTICE)
    if end <= start:
        return []
    found = client.find_free_slots(
        start=start,
        end=end,
        practitioner=request.practitioner,
        location=request.location,
        visit_type=request.visit_type,
        # Filtered by the server, so "afternoons next week" is not cut off by the earliest
        # mornings; enough slots for a few different days.
        part_of_day=when.part_of_day,
        limit=SEARCH_LIMIT,
    )
    return [
        slot
        for slot in found
        if slot.id not in request.exclude
        and slot.practitioner_id not in request.exclude_practitioners
        and not any(overlaps(slot.start, slot.end, b) for b in request.busy)
        and within_part_of_day(slot.start.astimezone(clinic.tz), when)
    ]


def local_day(slot: SlotRecord, clinic: ClinicConfig) -> date:
    """The slot's day at the clinic (a 4pm slot in California is the next day in UTC)."""
    return slot.start.astimezone(clinic.tz).date()


def _spread(slots: list[SlotRecord], count: int, clinic: ClinicConfig) -> list[SlotRecord]:
    """A few choices across different days/times rather than three back-to-back slots."""
    chosen: list[SlotRecord] = []
    seen_days: set[date] = set()
    for slot in slots:
        day = local_day(slot, clinic)
        if day not in seen_days:
            chosen.append(slot)
            seen_days.add(day)
        if len(chosen) == count:
            return sorted(chosen, key=lambda s: s.start)
    for slot in slots:
        if slot not in chosen:
            chosen.append(slot)
        if len(chosen) == count:
            break
    return sorted(chosen, key=lambda s: s.start)


def find_offers(
    client: FhirClient, request: SearchRequest, clinic: ClinicConfig, now: datetime
) -> SearchResult:
    """Slots for the request; else the nearest days around it; else the next few weeks (for
    days beyond them: the latest openings, and the last day that can be booked)."""
    count = clinic.scheduling.offer_count
    slots = _search(client, request, request.when, clinic, now)
    widened = False
    if not slots:
        widened = True
        if reason := other_hours_asked(request, clinic):
            # "christmas eve in the afternoon", open until 12pm: that morning, latest first
            any_time = replace(request.when, part_of_day=None, not_before=None, not_after=None)
            late = OPEN_UNTIL in reason
            slots = sorted(
                _search(client, request, any_time, clinic, now),
                key=lambda s: (local_day(s, clinic), (-1 if late else 1) * s.start.timestamp()),
            )
    if not slots:
        slots = _search(client, request, request.when.widen(3), clinic, now)
    last_day = now.date() + timedelta(weeks=clinic.scheduling.weeks_ahead)
    beyond = request.when.start > last_day
    latest_first = False
    if not slots and beyond:
        # "MLK day" two months out: the openings nearest to it are the latest ones.
        slots = _latest(client, request, clinic, now, last_day, count)
        latest_first = bool(slots)
    if not slots:
        slots = _search(client, request, _horizon(request.when, now.date(), last_day), clinic, now)
    if not slots and request.when.not_on:
        # "saturdays are best for me" with Dr. Patel, who is never in on Saturdays: "I couldn't
        # find an opening" again and again. Her nearest days instead (closed_reason says why):
        # first around the day asked ("a saturday in about 4 weeks" got next week's days as
        # the closest), then from today.
        any_day = replace(request.when, not_on=frozenset())
        if any_day.start > now.date():
            slots = _search(client, request, any_day.widen(3), clinic, now)
        if not slots:
            slots = _search(client, request, _horizon(any_day, now.date(), last_day), clinic, now)
    slots = _closest_first(slots, request.when, clinic)
    if request.near is not None:
        slots = _nearest_time_first(slots, request.near, clinic)
    if latest_first:
        slots.sort(key=lambda s: local_day(s, clinic), reverse=True)
    if request.age_unknown:
        # Before the age is known, clinicians for all ages only, when they have any time
        # here: a new patient asking "asap" was offered three times with the pediatrician,
        # then refused each once the birth date came.
        for_all_ages = [s for s in slots if not has_age_limits(clinic, s.practitioner_id)]
        slots = for_all_ages or slots
    offers = [offer_from_slot(s, clinic) for s in _spread(slots, count, clinic)]
    return SearchResult(offers, widened, last_day if beyond else None)


def _latest(
    client: FhirClient,
    request: SearchRequest,
    clinic: ClinicConfig,
    now: datetime,
    last_day: date,
    count: int,
) -> list[SlotRecord]:
    """Openings on the last ``count`` days that have any, up to ``last_day``: the latest week
    with openings first (a backend may not have filled the whole window yet), then a day at a
    time back from its end (a week's search returns only its earliest slots)."""
    week_end = last_day
    while week_end >= now.date():
        week = _horizon(request.when, week_end - timedelta(days=6), week_end)
        if _search(client, request, week, clinic, now):
            break
        week_end -= timedelta(days=7)
    found: list[SlotRecord] = []
    days_with_slots = 0
    day = week_end
    while day >= max(now.date(), week_end - timedelta(days=13)) and days_with_slots < count:
        on_day = _search(client, request, _horizon(request.when, day, day), clinic, now)
        found.extend(on_day)
        days_with_slots += bool(on_day)
        day -= timedelta(days=1)
    return sorted(found, key=lambda s: s.start)


def _horizon(when: When, first: date, last: date) -> When:
    """The days ``first..last`` at the part of day and times ``when`` asks for."""
    return replace(when, start=first, end=last, exact=False)


def _closest_first(slots: list[SlotRecord], when: When, clinic: ClinicConfig) -> list[SlotRecord]:
    """For "at 3:30" (a window of an hour either side), the times nearest 3:30 first, day by
    day: the time asked for is offered whenever it is free, not only the earliest ones."""
    if when.not_before is None or when.not_after is None:
        return slots
    day = date(2000, 1, 1)
    low, high = datetime.combine(day, when.not_before), datetime.combine(day, when.not_after)
    if high - low > timedelta(hours=2, minutes=1):
        return slots
    return _nearest_time_first(slots, (low + (high - low) / 2).time(), clinic)


def _nearest_time_first(
    slots: list[SlotRecord], near: time, clinic: ClinicConfig
) -> list[SlotRecord]:
    """Day by day, the times nearest ``near`` first."""
    day = date(2000, 1, 1)
    target = datetime.combine(day, near.replace(tzinfo=None))

    def distance(slot: SlotRecord) -> tuple[date, float]:
        local = slot.start.astimezone(clinic.tz)
        at = datetime.combine(day, local.time().replace(tzinfo=None))
        return local.date(), abs((at - target).total_seconds())

    return sorted(slots, key=distance)


def _days(when: When) -> list[date]:
    """The days of the window the patient can come ("saturdays": its Saturdays)."""
    every = [when.start + timedelta(days=i) for i in range((when.end - when.start).days + 1)]
    return [day for day in every if day.weekday() not in when.not_on]


def _on(days: list[date]) -> str:
    """ "on Fridays" for one day of the week, "from Sat Nov 28 to Sun Nov 29" for days in a
    row, else each day: "on Tue Dec 8 and Thu Dec 10" ("tues or thurs": "from Tue Dec 8 to Thu
    Dec 10" spoke of the Wednesday too)."""
    if len({day.weekday() for day in days}) == 1:
        return f"on {WEEKDAY_NAMES[WEEKDAYS[days[0].weekday()]]}s"
    if (days[-1] - days[0]).days == len(days) - 1:
        return f"from {day_label(days[0])} to {day_label(days[-1])}"
    labels = [day_label(day) for day in days]
    return f"on {', '.join(labels[:-1])} and {labels[-1]}"


# The end of the reason for today asked after closing time (actions/booking_times.py adds the
# nurse line for a sick visit after it).
REST_OF_TODAY = "closed for the rest of today"
# How a reason starts when every office is closed on the days asked (not one clinician away).
ALL_CLOSED = "We're closed"


def closed_reason(
    request: SearchRequest, clinic: ClinicConfig, now: datetime | None = None
) -> str | None:
    """Why the days asked for cannot have an opening, when the calendar says so: "We're closed
    on Fri Nov 27 (Day after Thanksgiving)", "Sam Lee, NP isn't in on Saturdays", "We're
    closed for the rest of today" (asked at 7:30 pm: "Nothing is free for Tue Dec 1 (evening)"
    read as booked up). None for a long window, or when those days are simply booked up."""
    days = _days(request.when)
    if not 0 < len(days) <= 7:
        return None
    location = clinic.location(request.location) if request.location else None
    locations = [location] if location else clinic.locations
    if now is not None and days == [now.astimezone(clinic.tz).date()]:
        local = now.astimezone(clinic.tz).time()
        hours = [clinic.hours_on(loc, days[0]) for loc in locations]
        if all(h is None or h.closes <= local for h in hours) and any(hours):
            where = f"The {location.name} is" if location else "We're"
            return f"{where} {REST_OF_TODAY}"

    def closed(places: list[Location]) -> bool:
        return all(clinic.hours_on(loc, day) is None for loc in places for day in days)

    if closed(clinic.locations):
        holiday = clinic.holiday(days[0]) if len(days) == 1 else None
        if holiday is not None:
            return f"{ALL_CLOSED} on {day_label(days[0])} ({holiday.name})"
        return f"{ALL_CLOSED} {_on(days)}"
    practitioner = clinic.practitioner(request.practitioner) if request.practitioner else None
    if practitioner is not None and not any(
        WEEKDAYS[day.weekday()] in practitioner.schedule.get(loc.id, [])
        and clinic.hours_on(loc, day) is not None
        for day in days
        for loc in locations
    ):
        where = f" at the {location.name}" if location and len(practitioner.schedule) > 1 else ""
        elsewhere = [
            loc.name
            for loc in clinic.locations
            if loc is not location
            and any(
                WEEKDAYS[day.weekday()] in practitioner.schedule.get(loc.id, [])
                and clinic.hours_on(loc, day) is not None
                for day in days
            )
        ]
        # "... isn't in at the Downtown Clinic on Tuesdays, only at the North Office": where
        # to find them that day, not just where not.
        only = f", only at the {' and the '.join(elsewhere)}" if where and elsewhere else ""
        return f"{practitioner.name} isn't in{where} {_on(days)}{only}"
    if location and closed(locations):
        return f"The {location.name} is closed {_on(days)}"
    return _open_other_hours(request.when, clinic, days, locations) or _only_for_children_then(
        request, clinic, days, locations
    )


# How ``_open_other_hours`` says the offices close before the time asked.
OPEN_UNTIL = "open only until"


def other_hours_asked(request: SearchRequest, clinic: ClinicConfig) -> str | None:
    """``_open_other_hours`` for the request's days (a week at most) and offices."""
    days = _days(request.when)
    location = clinic.location(request.location) if request.location else None
    if not 0 < len(days) <= 7:
        return None
    return _open_other_hours(
        request.when, clinic, days, [location] if location else clinic.locations
    )


def _open_other_hours(
    when: When, clinic: ClinicConfig, days: list[date], locations: list[Location]
) -> str | None:
    """ "On Thu Dec 24 (Christmas Eve) we're open only until 12pm": the part of the day asked
    for is outside the hours of every office open then ("Nothing is free for Thu Dec 24
    (afternoon)" read as booked up). None when some office is open then."""
    if when.part_of_day is None and when.not_before is None and when.not_after is None:
        return None
    low, high = PART_HOURS.get(when.part_of_day or "", (0, 24))
    start = max(time(low), when.not_before or time(0))
    end = min(time(high - 1, 59) if high < 24 else time(23, 59), when.not_after or time(23, 59))
    hours = [h for day in days for loc in locations if (h := clinic.hours_on(loc, day))]
    if not hours or any(h.opens < end and h.closes > start for h in hours):
        return None
    if len(days) == 1:
        holiday = clinic.holiday(days[0])
        on = f"On {day_label(days[0])}" + (f" ({holiday.name})" if holiday else "")
    else:
        on = f"{_on(days)[0].upper()}{_on(days)[1:]}"
    where = f"the {locations[0].name} is" if len(locations) == 1 else "we're"
    if all(h.closes <= start for h in hours):
        return f"{on} {where} {OPEN_UNTIL} {format_clock(max(h.closes for h in hours))}"
    return f"{on} {where} not open until {format_clock(min(h.opens for h in hours))}"


def _only_for_children_then(
    request: SearchRequest, clinic: ClinicConfig, days: list[date], locations: list[Location]
) -> str | None:
    """ "On Saturdays only Dr. James Okafor, who sees patients under 18, is in": an adult asking
    for a Saturday was told "Nothing is free", as if the day were booked up."""
    if request.practitioner is not None:
        return None
    visit = clinic.visit_type(request.visit_type) if request.visit_type else None

    def working_at(places: list[Location]) -> list[Practitioner]:
        return [
            p
            for p in clinic.practitioners
            if (visit is None or p.specialty in visit.specialties)
            and any(
                WEEKDAYS[day.weekday()] in p.schedule.get(loc.id, [])
                and clinic.hours_on(loc, day) is not None
                for day in days
                for loc in places
            )
        ]

    working = working_at(locations)
    if not working or not all(
        p.id in request.exclude_practitioners and p.sees_patients_under for p in working
    ):
        return None
    who = " and ".join(
        f"{p.name}, who sees patients under {p.sees_patients_under}," for p in working
    )
    on = _on(days)
    only = f"only {who} {'is' if len(working) == 1 else 'are'} in"
    if len(locations) == len(clinic.locations):
        return f"{on[0].upper()}{on[1:]} {only}"
    # One office asked for: which it is, and who is in at the other one then ("On Thursdays
    # only Dr. James Okafor ... is in" read as the whole clinic).
    where = " and the ".join(loc.name for loc in locations)
    said = f"{on[0].upper()}{on[1:]} at the {where} {only}"
    for other in (loc for loc in clinic.locations if loc not in locations):
        there = [p for p in working_at([other]) if p.id not in request.exclude_practitioners]
        if there:
            names = " and ".join(p.name for p in there)
            said += f" ({names} {'is' if len(there) == 1 else 'are'} at the {other.name} then)"
    return said


def offer_from_slot(slot: SlotRecord, clinic: ClinicConfig) -> dict[str, Any]:
    return {
        "id": slot.id,
        "start": slot.start.astimezone(clinic.tz).isoformat(),
        "end": slot.end.astimezone(clinic.tz).isoformat(),
        "practitioner": slot.practitioner_id,
        "location": slot.location_id,
        "practitioner_name": slot.practitioner_name,
        "location_name": slot.location_name,
    }
