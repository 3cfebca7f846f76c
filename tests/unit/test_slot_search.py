"""Why nothing is free on the days asked for, when the calendar says so (no backend needed)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest

from actions.clients.fhir_model import SlotRecord
from actions.dates import When, parse_when
from actions.settings import get_clinic
from actions.slot_search import SearchRequest, closed_reason, find_offers

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
            "Dr. Priya Patel isn't in at the Downtown Clinic on Tuesdays",
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
        [("14:30", "patel"), ("14:30", "okafor"), ("15:00", "patel"), ("15:00", "okafor"),
         ("15:30", "okafor"), ("16:00", "okafor")],
    )
    when = parse_when(f"{day:%B} {day.day} at 3:30pm", now)
    assert when is not None
    request = SearchRequest(visit_type=None, practitioner=None, location=None, when=when)
    result = find_offers(client, request, CLINIC, now)  # type: ignore[arg-type]
    times = [o["start"][11:16] for o in result.offers]
    assert "15:30" in times and times == sorted(times)
