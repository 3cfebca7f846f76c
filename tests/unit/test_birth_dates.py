"""Dates of birth as patients type them, read against a fixed day (Tuesday 24 Nov 2026)."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from actions.birth_dates import birth_month_day, birth_year, parse_birth_date, without_birth_dates

NOW = datetime(2026, 11, 24, 10, 0, tzinfo=ZoneInfo("America/Los_Angeles"))  # a Tuesday


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("03/14/1985", date(1985, 3, 14)),
        ("3-14-85", date(1985, 3, 14)),
        ("March 14 1985", date(1985, 3, 14)),
        ("born march 14, 1985", date(1985, 3, 14)),
        ("14 march 1985", date(1985, 3, 14)),
        ("dob 3/14/85", date(1985, 3, 14)),
        ("1985-03-14", date(1985, 3, 14)),
        ("14/03/1985", date(1985, 3, 14)),
        ("Maria Santos 3/14/1985", date(1985, 3, 14)),
        ("7/4/20", date(2020, 7, 4)),
        # in Spanish, as many patients write it
        ("22 de enero de 1992", date(1992, 1, 22)),
        ("naci el 30 de septiembre del 1975", date(1975, 9, 30)),
        # in words (the question was asked again, word for word, with no hint)
        ("april twelfth nineteen eighty eight", date(1988, 4, 12)),
        ("april twelfth 1988", date(1988, 4, 12)),
        ("twelfth of april nineteen eighty-eight", date(1988, 4, 12)),
        ("november second nineteen fifty", date(1950, 11, 2)),
        ("jan twenty first nineteen ninety", date(1990, 1, 21)),
        ("june fifth two thousand seventeen", date(2017, 6, 5)),
        ("june 5 twenty seventeen", date(2017, 6, 5)),
        # the year's last two digits in words (was read as a patient called Eighty Eight)
        ("April twelfth, eighty eight", date(1988, 4, 12)),
        ("the 30th of september, seventy-five", date(1975, 9, 30)),
        # digits alone, as texted ("I didn't catch a date of birth there", seven times)
        ("041288", date(1988, 4, 12)),
        ("04121988", date(1988, 4, 12)),
        ("dob 04121988", date(1988, 4, 12)),
    ],
)
def test_birth_dates(text: str, expected: date) -> None:
    assert parse_birth_date(text, NOW.date()) == expected


@pytest.mark.parametrize(
    "text",
    # "in 2 weeks" was a birth date 100 years ago (and the patient "In Weeks", a failed check)
    [
        "march 1985",
        "1/2/2030",
        "yesterday",
        "no idea",
        "02/30/1990",
        "in 2 weeks",
        "in 3 days",
        "maybe in 1 month",
        # no day: "nineteen" begins the year
        "april nineteen eighty eight",
        "my first visit",
        # other numbers
        "12345678",
        "9165550123",
        "my zip is 95814",
    ],
)
def test_not_a_birth_date(text: str) -> None:
    assert parse_birth_date(text, NOW.date()) is None


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("march 3", "March 3"),
        ("its March 3rd", "March 3"),
        ("3/14", "March 14"),
        ("9-30", "September 30"),
        ("the 3rd of march", "March 3"),
        ("april twelfth", "April 12"),
        ("feb 29", "February 29"),
        # a year, or no month and day: nothing kept
        ("03/14/1985", None),
        ("march 3 85", None),
        ("march 1985", None),
        ("2/30", None),
        ("next tuesday", None),
        ("no idea", None),
    ],
)
def test_a_birthday_without_its_year(text: str, said: str | None) -> None:
    assert birth_month_day(text, NOW.date()) == said


@pytest.mark.parametrize(
    ("text", "year"),
    [
        ("1985", 1985),
        ("85", 1985),
        ("'85", 1985),
        ("born in 1985", 1985),
        ("it was 1985 i think", 1985),
        ("19", 2019),
        ("nineteen fifty", 1950),
        ("two thousand and five", 2005),
        ("2030", None),  # not born yet
        ("1985 or 1986", None),
        ("i think 1950? or 51", None),  # which one: asked again
        ("i dont remember", None),
    ],
)
def test_the_year_sent_after_a_birthday(text: str, year: int | None) -> None:
    assert birth_year(text, NOW.date()) == year


@pytest.mark.parametrize(
    ("text", "kept"),
    [
        # "birthday 6/5/17" was searched as when to come (January, past the booking window).
        ("his name is Liam Nguyen, birthday 6/5/17", "his name is Liam Nguyen, birthday"),
        ("born june 5 2017, can he come tomorrow", "born , can he come tomorrow"),
        ("aisha khan 1/22/92", "aisha khan"),
        ("the 1/5/27 one", "the 1/5/27 one"),  # next January, not a birth date
    ],
)
def test_birth_dates_are_not_when_to_come(text: str, kept: str) -> None:
    assert " ".join(without_birth_dates(text, NOW.date()).split()) == kept


@pytest.mark.parametrize(
    ("text", "born"),
    [
        # the first date was checked, failed, and counted towards the lock-out
        ("04/21/1988 no wait 04/12/1988", date(1988, 4, 12)),
        ("march 3 1990, no, march 4 1990", date(1990, 3, 4)),
        ("Emily Johnson 4/12/88 sorry 4/12/1988", date(1988, 4, 12)),
        ("sorry 01/22/1992", date(1992, 1, 22)),
        ("04/12/1988", date(1988, 4, 12)),
    ],
)
def test_a_birth_date_corrected_in_the_same_message_is_the_later_one(text: str, born: date) -> None:
    assert parse_birth_date(text, NOW.date()) == born
