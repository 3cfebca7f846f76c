"""Why nothing is free on the days asked for, when the calendar says so (no backend needed)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from actions.dates import When
from actions.settings import get_clinic
from actions.slot_search import SearchRequest, closed_reason

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
