"""Why nothing is free on the days asked for, when the calendar says so (no backend needed)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone

import pytest

from actions.clients.fhir_model import SlotRecord
from actions.dates import When, day_label, parse_when
from actions.settings import get_clinic
from actions.slot_search import (
    SearchRequest,
    closed_reason,
    days_searched,
    find_offers,
    request_from_slots,
)

CLINIC = get_clinic()
CLOSED_HOLIDAY = next(h for h in CLINIC.holidays if h.hours is None)


def on(day: date, until: date | None = None) -> When:
    return When(day, until or day)


def weekday_after(day: date, weekday: int) -> date:
    """The first ``weekday`` (0 = Monday) after ``day`` that is not a holiday."""
    day += timedelta(days=1)
    while day.weekday() != weekday or CLINIC.holiday(day):
        day += timedelta(days=1)
    return day


BASE = CLOSED_HOLIDAY.date
SUNDAY = weekday_after(BASE, 6)
SATURDAY = weekday_after(BASE, 5)
TUESDAY = weekday_after(BASE, 1)


@pytest.mark.parametrize(
    ("practitioner", "location", "when", "reason"),
    [
        (None, None, on(BASE), f"We're closed on {BASE:%a %b} {BASE.day} ({CLOSED_HOLIDAY.name})"),
        (None, None, on(SUNDAY), "We're closed on Sundays"),
        ("patel", None, on(SUNDAY), "We're closed on Sundays"),
        # Downtown opens on Saturdays, the North Office does not.
        (None, "north", on(SATURDAY), "The North Office is closed on Saturdays"),
        (None, None, on(SATURDAY), None),
        (None, "north", on(SUNDAY), "We're closed on Sundays"),  # both offices are
        # Dr. Patel is at the North Office on Tuesdays, Downtown on other days.
        (
            "patel",
            "downtown",
            on(TUESDAY),
            "Dr. Priya Patel isn't in at the Downtown Clinic on Tuesdays, only at the North Office",
        ),
        ("patel", None, on(TUESDAY), None),
        ("lee", None, on(SATURDAY), "Sam Lee, NP isn't in on Saturdays"),
        # The clinician the patient asked for, rather than the office that came with them.
        ("lee", "north", on(SATURDAY), "Sam Lee, NP isn't in on Saturdays"),
        # A long window, or days that are open: booked up, not closed.
        (None, None, on(SUNDAY, SUNDAY + timedelta(days=13)), None),
        ("okafor", "downtown", on(TUESDAY), None),
    ],
)
def test_closed_reason(
    practitioner: str | None, location: str | None, when: When, reason: str | None
) -> None:
    request = SearchRequest("sick", practitioner, location, when)
    assert closed_reason(request, CLINIC) == reason


@pytest.mark.parametrize(
    ("its_day_after_monday", "wanted", "week_of"),
    [
        # next week already: the week after it (it offered an hour earlier on the same day)
        (0, "next week", 14),
        (3, "next week in the afternoon", 14),
        # this week, or the week after next: next week, as said
        (-4, "next week", 7),
        (9, "next week", 7),
        (0, "not next week", None),  # after it, as parse_when reads it
    ],
)
def test_move_it_to_next_week_of_one_already_next_week_looks_at_the_week_after(
    its_day_after_monday: int, wanted: str, week_of: int | None
) -> None:
    friday = datetime(2026, 12, 4, 19, 50, tzinfo=CLINIC.tz)  # next Monday is Dec 7
    its_day = date(2026, 12, 7) + timedelta(days=its_day_after_monday)
    moving = {"id": "a1", "start": datetime.combine(its_day, time(9), CLINIC.tz).isoformat()}
    slots = {"my_appointments": [moving], "appointment_choice": "a1", "date_preference": wanted}
    when = request_from_slots(slots, CLINIC, friday).when
    if week_of is None:
        assert when == parse_when(wanted, friday)
    else:
        assert (when.start, when.end) == (date(2026, 12, week_of), date(2026, 12, week_of + 6))
    assert when.part_of_day == ("afternoon" if "afternoon" in wanted else None)


def test_a_day_only_the_childrens_doctor_works_is_said_so_to_an_adult() -> None:
    """An adult asking for a Saturday was told "Nothing is free for Sat Dec 5", as if booked up:
    only the pediatrician works on Saturdays."""
    adult = request_from_slots(
        {"visit_type": "physical", "date_preference": "saturday"},
        CLINIC,
        datetime.combine(TUESDAY, time(9), CLINIC.tz),
        age=36,
    )
    assert adult.when.start.weekday() == 5
    assert closed_reason(adult, CLINIC) == (
        "On Saturdays only Dr. James Okafor, who sees patients under 18, is in"
    )
    # A child (or a patient whose age is not known yet) can be seen then: booked up, not closed.
    for age in (4, None):
        child = request_from_slots(
            {"visit_type": "sick", "date_preference": "saturday"},
            CLINIC,
            datetime.combine(TUESDAY, time(9), CLINIC.tz),
            age=age,
        )
        assert closed_reason(child, CLINIC) is None
    # On a weekday other clinicians are in.
    weekday = SearchRequest("physical", None, None, on(TUESDAY), exclude_practitioners=("okafor",))
    assert closed_reason(weekday, CLINIC) is None


def test_one_office_asked_for_is_named_with_who_is_in_at_the_other() -> None:
    """ "downtown", "thursday afternoon", for a man's sick visit: "On Thursdays only Dr. James
    Okafor ... is in", as if nobody else worked at the clinic then; Dr. Patel and Sam Lee are at
    the North Office on Thursdays."""
    thursday = TUESDAY + timedelta(days=2)
    adult = SearchRequest("sick", None, "downtown", on(thursday), exclude_practitioners=("okafor",))
    assert closed_reason(adult, CLINIC) == (
        "On Thursdays at the Downtown Clinic only Dr. James Okafor, who sees patients under 18, "
        "is in (Dr. Priya Patel and Sam Lee, NP are at the North Office then)"
    )
    # a clinician the patient turned down is not named
    not_patel = SearchRequest(
        "sick", None, "downtown", on(thursday), exclude_practitioners=("okafor", "patel")
    )
    assert closed_reason(not_patel, CLINIC) == (
        "On Thursdays at the Downtown Clinic only Dr. James Okafor, who sees patients under 18, "
        "is in (Sam Lee, NP is at the North Office then)"
    )


@pytest.mark.parametrize(
    ("location", "clock", "reason"),
    [
        (None, time(19, 30), "We're closed for the rest of today"),
        ("north", time(19, 30), "The North Office is closed for the rest of today"),
        (None, time(12, 0), None),  # open: booked up, not closed
    ],
)
def test_today_after_closing_is_closed(
    location: str | None, clock: time, reason: str | None
) -> None:
    now = datetime.combine(TUESDAY, clock, CLINIC.tz)
    request = SearchRequest("sick", None, location, on(TUESDAY))
    assert closed_reason(request, CLINIC, now) == reason
    assert closed_reason(request, CLINIC) is None  # without the clock, as before


class FreeSlots:
    """A scheduling client whose free slots are the given times of one day, each with the
    given clinician (in time order, as a FHIR server returns them)."""

    def __init__(self, day: date, times: list[tuple[str, str]]) -> None:
        self.slots = []
        for i, (hhmm, who) in enumerate(times):
            start = datetime.combine(day, datetime.strptime(hhmm, "%H:%M").time(), CLINIC.tz)
            end = start + timedelta(minutes=30)
            self.slots.append(
                SlotRecord(f"s{i}", start, end, who, "downtown", who, "Downtown Clinic", [], "1")
            )

    def find_free_slots(self, **_: object) -> list[SlotRecord]:
        return self.slots


def test_the_time_asked_for_is_offered_when_free() -> None:
    # "thursday dec 3 at 3:30pm" was offered 2:30, 3:00 and 4:00 while 3:30 was free.
    day = weekday_after(BASE, 3)
    now = datetime.combine(day - timedelta(days=2), time(9), CLINIC.tz)
    client = FreeSlots(
        day,
        [
            ("14:30", "patel"),
            ("14:30", "okafor"),
            ("15:00", "patel"),
            ("15:00", "okafor"),
            ("15:30", "okafor"),
            ("16:00", "okafor"),
        ],
    )
    when = parse_when(f"{day:%B} {day.day} at 3:30pm", now)
    assert when is not None
    request = SearchRequest(visit_type=None, practitioner=None, location=None, when=when)
    result = find_offers(client, request, CLINIC, now)  # type: ignore[arg-type]
    times = [o["start"][11:16] for o in result.offers]
    assert "15:30" in times and times == sorted(times)


def patel_downtown(slot_id: str, start: datetime) -> SlotRecord:
    """A free 20-minute slot with Dr. Patel at the Downtown Clinic."""
    return SlotRecord(
        slot_id,
        start,
        start + timedelta(minutes=20),
        "patel",
        "downtown",
        "Dr. Priya Patel",
        "Downtown Clinic",
        [],
        "1",
    )


class DailySlots:
    """A scheduling client with free slots every 20 minutes from 8:00 to 17:40 (past 16:00 in
    California is the next day in UTC) with Dr. Patel on every open day of ``days`` from
    ``first``; it honours the searched window and returns the earliest ``limit`` slots, as a
    FHIR server does."""

    def __init__(self, first: date, days: int) -> None:
        self.slots = []
        for i in range(days):
            day = first + timedelta(days=i)
            if day.weekday() == 6 or CLINIC.holiday(day):
                continue
            for n in range(30):
                start = datetime.combine(day, time(8), CLINIC.tz) + timedelta(minutes=20 * n)
                start = start.astimezone(timezone.utc)  # as FHIR servers often write them
                self.slots.append(patel_downtown(f"s{i}-{n}", start))

    def find_free_slots(
        self, start: datetime, end: datetime, limit: int = 20, **_: object
    ) -> list[SlotRecord]:
        return [s for s in self.slots if start <= s.start < end][:limit]

    def days(self) -> list[date]:
        return sorted({s.start.astimezone(CLINIC.tz).date() for s in self.slots})


def test_a_day_beyond_the_booking_window_gets_the_latest_openings() -> None:
    # "book me on MLK day" two months out was offered the first openings of this week.
    holiday = CLOSED_HOLIDAY.date
    weeks = CLINIC.scheduling.weeks_ahead
    now = datetime.combine(holiday - timedelta(weeks=weeks + 2), time(9), CLINIC.tz)
    last_day = now.date() + timedelta(weeks=weeks)
    client = DailySlots(now.date(), weeks * 7 + 1)
    request = SearchRequest("sick", None, None, on(holiday))
    result = find_offers(client, request, CLINIC, now)  # type: ignore[arg-type]
    assert result.widened and result.last_bookable == last_day
    days = [date.fromisoformat(o["start"][:10]) for o in result.offers]
    open_days = [d for d in client.days() if d <= last_day]
    assert days == open_days[-CLINIC.scheduling.offer_count :]
    # Each day's first opening, as for any other day (a day is the clinic's, not UTC's).
    assert {o["start"][11:16] for o in result.offers} == {"08:00"}
    # Within the window, the nearest days still come first, and nothing is said of a limit.
    soon = now.date() + timedelta(days=10)
    result = find_offers(client, SearchRequest("sick", None, None, on(soon)), CLINIC, now)  # type: ignore[arg-type]
    assert result.last_bookable is None
    assert min(date.fromisoformat(o["start"][:10]) for o in result.offers) >= soon - timedelta(3)


def test_before_the_age_is_known_clinicians_for_all_ages_only() -> None:
    # "a physical, anyone, next week" was offered three 8:00 times with the pediatrician (first
    # by name at the same time), and an adult was refused each once identified; a new patient
    # asking "asap" was offered three with the pediatrician alone.
    day = weekday_after(BASE, 0)
    now = datetime.combine(day - timedelta(days=3), time(9), CLINIC.tz)
    client = FreeSlots(day, [("08:00", "okafor"), ("08:00", "patel"), ("09:00", "okafor")])
    when = on(day)
    unknown = SearchRequest("physical", None, None, when, age_unknown=True)
    offers = find_offers(client, unknown, CLINIC, now).offers  # type: ignore[arg-type]
    assert [o["practitioner"] for o in offers] == ["patel"]
    # Only the pediatrician free: offered (the age check after the birth date still holds).
    only = FreeSlots(day, [("08:00", "okafor"), ("09:00", "okafor")])
    offers = find_offers(only, unknown, CLINIC, now).offers  # type: ignore[arg-type]
    assert [o["practitioner"] for o in offers] == ["okafor", "okafor"]
    # For a child (age known), the times are simply in order.
    child = SearchRequest("physical", None, None, when)
    offers = find_offers(client, child, CLINIC, now).offers  # type: ignore[arg-type]
    assert offers[0]["practitioner"] == "okafor"


def test_a_shift_counts_from_the_appointment_being_moved() -> None:
    """ "push it back a week" while moving the Dec 3 appointment asks for Dec 10, not for a week
    from today; without an appointment being moved it is a week from today."""
    now = datetime(2026, 11, 30, 10, 0, tzinfo=CLINIC.tz)
    moving = {
        "my_appointments": [
            {"id": "a1", "start": "2026-12-03T09:30:00-08:00"},
            {"id": "a2", "start": "2026-12-15T14:00:00-08:00"},
        ],
        "date_preference": "can we push it back a week",
    }
    first = request_from_slots({**moving, "appointment_choice": "a1"}, CLINIC, now)
    assert (first.when.start, first.when.end) == (date(2026, 12, 10), date(2026, 12, 10))
    second = request_from_slots({**moving, "appointment_choice": "a2"}, CLINIC, now)
    assert second.when.start == date(2026, 12, 22)
    same_time = request_from_slots(
        {**moving, "appointment_choice": "a1", "date_preference": "same time next week"},
        CLINIC,
        now,
    )
    assert same_time.when.start == date(2026, 12, 10)
    assert same_time.when.not_before is not None and same_time.when.not_before <= time(9, 30)
    booking = request_from_slots({**moving, "appointment_choice": None}, CLINIC, now)
    assert booking.when.start == date(2026, 12, 7)


def test_no_preference_for_a_follow_up_is_not_the_womens_health_doctor() -> None:
    """A 74-year-old man's follow-up with "no preference" was booked with Dr. Gonzalez
    (women's health); named, she is still offered."""
    now = datetime(2026, 11, 30, 10, 0, tzinfo=CLINIC.tz)
    anyone = request_from_slots({"visit_type": "follow_up", "practitioner": "any"}, CLINIC, now)
    assert "gonzalez" in anyone.exclude_practitioners
    named = request_from_slots({"visit_type": "follow_up", "practitioner": "gonzalez"}, CLINIC, now)
    assert "gonzalez" not in named.exclude_practitioners
    physical = request_from_slots({"visit_type": "physical"}, CLINIC, now)
    assert physical.exclude_practitioners == ()


def no_saturdays(client: DailySlots) -> DailySlots:
    """Dr. Patel as she is: never in on Saturdays."""
    client.slots = [s for s in client.slots if s.start.astimezone(CLINIC.tz).weekday() != 5]
    return client


def test_a_weekday_the_clinician_never_works_gets_their_nearest_days_and_why() -> None:
    """ "saturdays are best for me" with Dr. Patel (never in on Saturdays): "I couldn't find an
    opening that matches in the next few weeks" to every answer, with no reason given."""
    now = datetime.combine(TUESDAY, time(9), CLINIC.tz)
    client = no_saturdays(DailySlots(now.date(), 21))
    when = parse_when("saturdays are best for me", now)
    assert when is not None and when.not_on
    request = SearchRequest("sick", "patel", None, when)
    result = find_offers(client, request, CLINIC, now)  # type: ignore[arg-type]
    assert result.offers and result.widened
    assert closed_reason(request, CLINIC, now) == "Dr. Priya Patel isn't in on Saturdays"
    # ...while Saturdays she works are offered as asked
    client = DailySlots(now.date(), 21)
    result = find_offers(client, request, CLINIC, now)  # type: ignore[arg-type]
    offered = [datetime.fromisoformat(o["start"]).astimezone(CLINIC.tz) for o in result.offers]
    assert {day.weekday() for day in offered} == {5} and not result.widened


def test_a_weekday_never_worked_weeks_ahead_gets_the_days_nearest_the_one_asked() -> None:
    """ "a saturday morning in about 4 weeks" with Dr. Patel (never in on Saturdays): the
    "closest openings" were next week's, three weeks before the day asked."""
    now = datetime.combine(TUESDAY, time(9), CLINIC.tz)
    client = no_saturdays(DailySlots(now.date(), 42))
    when = parse_when("i work weekdays, a saturday morning in about 4 weeks", now)
    assert when is not None and when.not_on
    request = SearchRequest("sick", "patel", None, when)
    result = find_offers(client, request, CLINIC, now)  # type: ignore[arg-type]
    offered = [
        datetime.fromisoformat(o["start"]).astimezone(CLINIC.tz).date() for o in result.offers
    ]
    assert offered and result.widened
    assert all(abs((day - when.start).days) <= 3 for day in offered)


def test_an_appointment_moved_without_a_time_said_keeps_near_its_own_time() -> None:
    # "move it to next week" of a 9am visit offered 8:00am three days running.
    now = datetime(2026, 12, 4, 10, 0, tzinfo=CLINIC.tz)  # a Friday
    client = DailySlots(now.date(), 21)
    moving = {"id": "a1", "start": datetime(2026, 12, 9, 9, 0, tzinfo=CLINIC.tz).isoformat()}
    slots = {"my_appointments": [moving], "appointment_choice": "a1"}
    for wanted, expected in (
        ("next week", {"09:00"}),
        ("asap", {"10:40", "09:00"}),  # today's nearest is the first free after now
        # a time of day said is kept: the earliest of the afternoon, as for any search
        ("next week in the afternoon", {"12:00"}),
    ):
        request = request_from_slots({**slots, "date_preference": wanted}, CLINIC, now)
        offers = find_offers(client, request, CLINIC, now).offers  # type: ignore[arg-type]
        assert {o["start"][11:16] for o in offers} == expected, wanted
    # a booking (nothing moved) keeps the earliest times
    booking = request_from_slots({"date_preference": "next week"}, CLINIC, now)
    assert booking.near is None
    offers = find_offers(client, booking, CLINIC, now).offers  # type: ignore[arg-type]
    assert {o["start"][11:16] for o in offers} == {"08:00"}


SHORT_DAY = next(h for h in CLINIC.holidays if h.hours is not None)


class ShortDaySlots:
    """Dr. Patel every 20 minutes at the Downtown Clinic, within each office's hours, on the
    three days up to ``SHORT_DAY`` (a holiday open until 12pm); honours the window searched."""

    def __init__(self) -> None:
        self.slots = []
        downtown = CLINIC.location("downtown")
        assert downtown is not None
        for back in range(3, -1, -1):
            day = SHORT_DAY.date - timedelta(days=back)
            hours = CLINIC.hours_on(downtown, day)
            start = datetime.combine(day, hours.opens, CLINIC.tz) if hours else None
            while hours and start and start.time() < hours.closes:
                self.slots.append(patel_downtown(f"{day}-{start:%H%M}", start))
                start += timedelta(minutes=20)

    def find_free_slots(self, start: datetime, end: datetime, **_: object) -> list[SlotRecord]:
        return [s for s in self.slots if start <= s.start < end]


def test_a_part_of_day_the_offices_are_closed_says_their_hours_and_offers_that_day() -> None:
    """ "a sick visit on christmas eve in the afternoon": "Nothing is free for Thu Dec 24
    (afternoon)", as if booked up, and the noon times of the days before it."""
    day = SHORT_DAY.date
    assert SHORT_DAY.hours is not None and SHORT_DAY.hours.closes == time(12)
    now = datetime.combine(day - timedelta(days=10), time(9), CLINIC.tz)
    afternoon = When(day, day, part_of_day="afternoon", exact=True)
    request = SearchRequest("sick", None, None, afternoon)
    assert closed_reason(request, CLINIC) == (
        f"On {day:%a %b} {day.day} ({SHORT_DAY.name}) we're open only until 12pm"
    )
    result = find_offers(ShortDaySlots(), request, CLINIC, now)  # type: ignore[arg-type]
    assert result.widened
    # that morning, its latest times (the nearest to the afternoon asked for)
    assert [o["start"][:16] for o in result.offers] == [
        f"{day}T11:00",
        f"{day}T11:20",
        f"{day}T11:40",
    ]
    # Before the Downtown Clinic opens on a Saturday; an afternoon on a full day is no reason
    early = When(SATURDAY, SATURDAY, not_after=time(8), exact=True)
    assert closed_reason(SearchRequest("sick", None, "downtown", early), CLINIC) == (
        f"On {SATURDAY:%a %b} {SATURDAY.day} the Downtown Clinic is not open until 9am"
    )
    tuesday = When(TUESDAY, TUESDAY, part_of_day="afternoon", exact=True)
    assert closed_reason(SearchRequest("sick", None, None, tuesday), CLINIC) is None


def test_days_with_a_gap_are_each_named_in_the_reason() -> None:
    """ "tues or thurs" with Dr. Patel at Downtown (she is at North those days): "isn't in ...
    from Tue to Thu" spoke of the Wednesday between, when she is there."""
    thursday = TUESDAY + timedelta(days=2)
    when = When(TUESDAY, thursday, not_on=frozenset({2}))
    reason = closed_reason(SearchRequest("sick", "patel", "downtown", when), CLINIC)
    assert reason == (
        f"Dr. Priya Patel isn't in at the Downtown Clinic on {day_label(TUESDAY)} and "
        f"{day_label(thursday)}, only at the North Office"
    )


def test_the_days_searched_are_said_as_the_week_after_only_when_that_reads_the_same() -> None:
    """ "next week" of a visit next week already is the week after next; "early next week"
    would read as all of it (and "early" as mornings): kept as said."""
    sunday = datetime(2026, 12, 6, 21, 0, tzinfo=CLINIC.tz)
    moving = {"id": "a1", "start": "2026-12-07T10:00:00-08:00"}
    slots: dict = {"my_appointments": [moving], "appointment_choice": "a1"}
    for wanted, said in (
        ("next week", "the week after next"),
        ("next week in the afternoon", "the week after next in the afternoon"),
        ("early next week", "early next week"),
        ("next week tuesday", "next week tuesday"),
    ):
        assert days_searched({**slots, "date_preference": wanted}, CLINIC, sunday) == said
