"""Days named by what happens on them (actions/observances.py)."""

from __future__ import annotations

from datetime import date

import pytest

from actions.observances import nth_weekday, observance_day

TODAY = date(2026, 12, 1)


@pytest.mark.parametrize(
    ("text", "name", "day"),
    [
        ("open on black friday?", "Black Friday", date(2027, 11, 26)),
        ("easter sunday hours", "Easter", date(2027, 3, 28)),
        ("good friday", "Good Friday", date(2027, 3, 26)),
        ("are you open easter monday", "Easter Monday", date(2027, 3, 29)),
        ("halloween next year", "Halloween", date(2027, 10, 31)),
        ("mother’s day", "Mother's Day", date(2027, 5, 9)),
        ("open on veterans day", "Veterans Day", date(2027, 11, 11)),
    ],
)
def test_the_next_date_of_a_named_day(text: str, name: str, day: date) -> None:
    assert observance_day(text, TODAY) == (name, day)


def test_no_named_day_is_none() -> None:
    assert observance_day("are you open friday", TODAY) is None
    assert nth_weekday(2026, 11, 3, 4) == date(2026, 11, 26)  # Thanksgiving
