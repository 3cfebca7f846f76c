"""Days patients name that are not clinic holidays: "black friday", "easter", "halloween".

Their date is worked out, so the hours given are that day's and said with its date. Before,
dateparser read only the weekday in "open on black friday?" and "easter sunday", and the answer
was for the next Friday or Sunday. The clinic's own closures stay in clinic.yml (``holidays``);
a clinic holiday of the same name wins (actions/directions.py looks there first).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, timedelta

from dateutil.easter import easter


def nth_weekday(year: int, month: int, weekday: int, n: int) -> date:
    """The ``n``-th ``weekday`` (Monday 0) of a month: Thanksgiving is the 4th Thursday."""
    first = date(year, month, 1)
    return first + timedelta(days=(weekday - first.weekday()) % 7 + 7 * (n - 1))


def _fixed(month: int, day: int) -> Callable[[int], date]:
    return lambda year: date(year, month, day)


# Name (as said back), how patients write it, and its date in a given year.
OBSERVANCES: list[tuple[str, re.Pattern[str], Callable[[int], date]]] = [
    (
        "Black Friday",
        re.compile(r"\bblack friday\b"),
        lambda y: nth_weekday(y, 11, 3, 4) + timedelta(days=1),
    ),
    ("Good Friday", re.compile(r"\bgood friday\b"), lambda y: easter(y) - timedelta(days=2)),
    ("Easter Monday", re.compile(r"\beaster monday\b"), lambda y: easter(y) + timedelta(days=1)),
    ("Easter", re.compile(r"\beaster\b(?! monday)"), easter),
    ("Halloween", re.compile(r"\bhalloween\b"), _fixed(10, 31)),
    ("Valentine's Day", re.compile(r"\bvalentine"), _fixed(2, 14)),
    ("St. Patrick's Day", re.compile(r"\b(st|saint) (patrick|patty|paddy)"), _fixed(3, 17)),
    ("Cinco de Mayo", re.compile(r"\bcinco de mayo\b"), _fixed(5, 5)),
    ("Juneteenth", re.compile(r"\bjuneteenth\b"), _fixed(6, 19)),
    ("Veterans Day", re.compile(r"\bveteran'?s'? day\b"), _fixed(11, 11)),
    ("Mother's Day", re.compile(r"\bmother'?s'? day\b"), lambda y: nth_weekday(y, 5, 6, 2)),
    ("Father's Day", re.compile(r"\bfather'?s'? day\b"), lambda y: nth_weekday(y, 6, 6, 3)),
    (
        "Columbus Day",
        re.compile(r"\b(columbus|indigenous peoples'?) day\b"),
        lambda y: nth_weekday(y, 10, 0, 2),
    ),
]


def observance_day(text: str, today: date) -> tuple[str, date] | None:
    """The observance a message names and its next date from ``today`` ("next year": the one
    in the next calendar year), else None."""
    plain = (text or "").lower().replace("\u2019", "'")
    next_year = bool(re.search(r"\bnext year\b", plain))
    for name, pattern, day_in in OBSERVANCES:
        if pattern.search(plain):
            if next_year:
                return name, day_in(today.year + 1)
            day = day_in(today.year)
            return name, day if day >= today else day_in(today.year + 1)
    return None
