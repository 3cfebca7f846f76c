"""Dates of birth as patients type them: "03/14/1985", "3-14-85", "april twelfth nineteen
eighty eight", "22 de enero de 1992", a birthday without its year then the year alone; and
birth dates taken out of a request, so "aisha khan 1/22/92 a physical" is not a visit in 1992.

Kept apart from ``actions.dates`` (when to come): the rules differ (a birth date is in the past,
a visit in the future) and so do their readers (identity checks, not slot searches).
"""

from __future__ import annotations

import re
from datetime import date, datetime, time

import dateparser
from dateparser.search import search_dates

from actions.date_words import MONTH_WORD, MONTHS, clean_words

NUMERIC_DATE_WITH_YEAR = re.compile(r"\b\d{1,2}[/.\-]\d{1,2}[/.\-](\d{4}|\d{2})\b")


def without_birth_dates(text: str, today: date) -> str:
    """``text`` without dates of a past year ("aisha khan 1/22/92"): a date of birth given with
    the request is not when to come."""

    def drop(match: re.Match[str]) -> str:
        year = match.group(1)
        if len(year) == 2:
            # "1/22/92" and "6/5/17" are birth dates; "1/5/27" may be next January.
            past = int(year) not in (today.year % 100, (today.year + 1) % 100)
        else:
            past = int(year) < today.year
        return " " if past and parse_birth_date(match.group(0), today) else match.group(0)

    text = NUMERIC_DATE_WITH_YEAR.sub(drop, text)
    return WRITTEN_DATE_WITH_PAST_YEAR.sub(
        lambda m: " " if int(m.group("year")) < today.year else m.group(0), text
    )


# "born june 5 2017", "June 5th, 2017": a written date in a past year is a birth date too.
WRITTEN_DATE_WITH_PAST_YEAR = re.compile(
    rf"\b{MONTH_WORD}[a-z]*\.?\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+(?P<year>(?:19|20)\d{{2}})\b",
    re.IGNORECASE,
)


SPANISH_MONTHS = {
    "enero": "January",
    "febrero": "February",
    "marzo": "March",
    "abril": "April",
    "mayo": "May",
    "junio": "June",
    "julio": "July",
    "agosto": "August",
    "septiembre": "September",
    "setiembre": "September",
    "octubre": "October",
    "noviembre": "November",
    "diciembre": "December",
}
SPANISH_DATE = re.compile(
    r"\b(\d{1,2})\s+de\s+(" + "|".join(SPANISH_MONTHS) + r")\s+(?:de(?:l)?\s+)?(\d{2,4})\b"
)


def _spanish_months(text: str) -> str:
    """ "22 de enero de 1992" -> "22 January 1992" (many patients write their birth date so)."""
    return SPANISH_DATE.sub(lambda m: f"{m[1]} {SPANISH_MONTHS[m[2]]} {m[3]}", text)


RELATIVE_WORDS = re.compile(r"\b(ago|weeks?|days?|months?|years? old|from now|in \d+)\b")


_ONES = ["one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]
_TEENS = [
    "ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen",
    "eighteen", "nineteen",
]  # fmt: skip
_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
         "eighty": 80, "ninety": 90}  # fmt: skip
_ORDINAL_ONES = ["first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth",
                 "ninth"]  # fmt: skip
_ORDINAL_TEENS = ["tenth", "eleventh", "twelfth", "thirteenth", "fourteenth", "fifteenth",
                  "sixteenth", "seventeenth", "eighteenth", "nineteenth"]  # fmt: skip


def _day_words() -> dict[str, int]:
    """ "twelfth" -> 12, "twenty first" -> 21, "thirty one" -> 31: the days of a month."""
    words: dict[str, int] = {}
    for n, (cardinal, ordinal) in enumerate(zip(_ONES, _ORDINAL_ONES, strict=True), start=1):
        words[cardinal] = words[ordinal] = n
    for n, (cardinal, ordinal) in enumerate(zip(_TEENS, _ORDINAL_TEENS, strict=True), start=10):
        words[cardinal] = words[ordinal] = n
    words["twentieth"], words["thirtieth"] = 20, 30
    words["twenty"], words["thirty"] = 20, 30
    for tens, base in (("twenty", 20), ("thirty", 30)):
        for n, (cardinal, ordinal) in enumerate(zip(_ONES, _ORDINAL_ONES, strict=True), start=1):
            if base + n <= 31:
                words[f"{tens} {cardinal}"] = words[f"{tens} {ordinal}"] = base + n
    return words


_DAY_WORDS = _day_words()
_DAY_WORD = "|".join(sorted(_DAY_WORDS, key=len, reverse=True))
_TWO_DIGITS = (
    rf"(?:(?:{'|'.join(_TENS)})(?:[ -](?:{'|'.join(_ONES)}))?|{'|'.join(_TEENS)}"
    rf"|oh[ -](?:{'|'.join(_ONES)}))"
)
# After a month and a day: "nineteen eighty eight", "two thousand (and) seventeen", "twenty ten",
# or the last two digits alone, "eighty eight" (was read as a patient called Eighty Eight).
_YEAR_AFTER_DAY = re.compile(
    rf"(?P<day>\b{MONTH_WORD}\s+\d{{1,2}}|\b\d{{1,2}}\s+{MONTH_WORD}),?\s+"
    rf"(?:(?P<head>nineteen|two thousand(?: and)?|twenty)\s+"
    rf"(?P<rest>{_TWO_DIGITS}|{'|'.join(_ONES)})|(?P<short>{_TWO_DIGITS}))\b"
)
# "april nineteen eighty eight": "nineteen" begins the year there; it is no day.
_YEAR_GOES_ON = (
    r"(?!\s+(?:thirty|forty|fifty|sixty|seventy|eighty|ninety|oh|ten|eleven|twelve|thirteen|"
    r"fourteen|fifteen|sixteen|seventeen|eighteen)\b)"
)


def _two_digits(words: str) -> int:
    parts = words.split()
    if parts[0] == "oh":
        return _ONES.index(parts[1]) + 1
    if parts[0] in _TEENS:
        return _TEENS.index(parts[0]) + 10
    if parts[0] in _TENS:
        return _TENS[parts[0]] + (_ONES.index(parts[1]) + 1 if len(parts) > 1 else 0)
    return _ONES.index(parts[0]) + 1


def written_numbers(text: str) -> str:
    """A birth date written in words, in digits: "april twelfth nineteen eighty eight" ->
    "april 12 1988", "the twelfth of april 1988" -> "12 april 1988". Only a day next to a
    month, and a year in words after them, are changed ("my first visit" stays as written)."""
    text = re.sub(r"(?<=[a-z])-(?=[a-z])", " ", text)  # "eighty-eight", not "3-14-85"
    text = re.sub(
        # (an ordinal day is no start of a year: "april twelfth eighty eight")
        rf"\b{MONTH_WORD}\s+(?:the\s+)?({_DAY_WORD})\b(?:(?<=th|st|nd|rd)|{_YEAR_GOES_ON})",
        lambda m: f"{m.group(1)} {_DAY_WORDS[m.group(2)]}",
        text,
    )
    text = re.sub(
        rf"\b(?:the\s+)?({_DAY_WORD})\s+(?:of\s+)?{MONTH_WORD}\b",
        lambda m: f"{_DAY_WORDS[m.group(1)]} {m.group(2)}",
        text,
    )

    def year(m: re.Match[str]) -> str:
        if m.group("short"):  # "eighty eight": as two digits, read like "88"
            return f"{m.group('day')} {_two_digits(m.group('short')):02d}"
        century = 1900 if m.group("head") == "nineteen" else 2000
        return f"{m.group('day')} {century + _two_digits(m.group('rest'))}"

    return _YEAR_AFTER_DAY.sub(year, text)


# "04/21/1988 no wait 04/12/1988": the date after the correction (the first one was checked,
# failed, and counted towards the lock-out).
CORRECTION = re.compile(
    r"\b(?:no wait|wait no|no sorry|sorry no|no i mean|i mean|i meant|actually|scratch that|"
    r"or rather|correction|oops|typo|sorry|no)\b[\s,.:;!-]*(?=.*\d)",
    re.IGNORECASE,
)


# "03/14/1985", "3-14-85": month, day and year in digits (read month first).
MONTH_DAY_YEAR = re.compile(r"\b(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{2}|\d{4})\b")


def impossible_date(text: str, today: date) -> str | None:
    """ "February 30, 1990" for a date typed month first with a month and day that are not on
    the calendar ("02/30/1990", "4/31/85", "2/29/1990"); None otherwise. (Read as the year
    alone, "02/30/1990" got "I still need the month and day of birth".)"""
    found = MONTH_DAY_YEAR.search(clean_words(text or ""))
    if found is None:
        return None
    month, day, year = (int(part) for part in found.groups())
    if not (1 <= month <= 12 and 1 <= day <= 31):
        return None  # another order, or no date: asked for again as before
    if year < 100:
        year += 2000 if year <= today.year % 100 else 1900
    try:
        date(year, month, day)
    except ValueError:
        return f"{date(2000, month, 1):%B} {day}, {year}"
    return None


def parse_birth_date(text: str, today: date) -> date | None:
    """A date of birth in the forms patients type: 03/14/1985, 3-14-85, March 14 1985, 14 Mar 1985.

    Two-digit years are read as the most recent past year; dates in the future or more than 120
    years ago are rejected. Corrected in the same message, the date after the correction.
    """
    corrections = list(CORRECTION.finditer(text or ""))
    if corrections and corrections[-1].start() > 0:
        corrected = _parse_birth_date(text[corrections[-1].end() :], today)
        if corrected is not None:
            return corrected
    return _parse_birth_date(text, today)


def _parse_birth_date(text: str, today: date) -> date | None:
    cleaned = written_numbers(clean_words(text))  # "april twelfth nineteen eighty eight"
    if not cleaned or not re.search(r"\d", cleaned):
        return None
    numeric = MONTH_DAY_YEAR.search(cleaned)
    if numeric is None:
        # "04121988", "041288" typed without separators (each was "I didn't catch a date of
        # birth there", seven times over): month, day, year, when the digits are all there is
        # of a number in the message
        numeric = re.fullmatch(r"\D*?\b(\d{2})(\d{2})(\d{4}|\d{2})\b\D*", cleaned)
    iso = re.search(r"\b(\d{4})-(\d{1,2})-(\d{1,2})\b", cleaned)
    candidate: date | None = None
    try:
        if iso:
            candidate = date(int(iso.group(1)), int(iso.group(2)), int(iso.group(3)))
        elif numeric:
            month, day, year = int(numeric.group(1)), int(numeric.group(2)), int(numeric.group(3))
            if month > 12 >= day:
                month, day = day, month  # 14/03/1985: clearly day first
            if year < 100:
                year += 2000 if year <= today.year % 100 else 1900
            candidate = date(year, month, day)
    except ValueError:
        return None
    if candidate is None and (
        RELATIVE_WORDS.search(cleaned)
        or not (re.search(r"\b\d{4}\b", cleaned) or len(re.findall(r"\d+", cleaned)) >= 2)
    ):
        # "in 2 weeks" is no birth date (it was one, 100 years ago): one written in words has
        # a year.
        return None
    if candidate is None:
        settings = {
            "PREFER_DATES_FROM": "past",
            "DATE_ORDER": "MDY",
            "RELATIVE_BASE": datetime.combine(today, time(12)),
            "REQUIRE_PARTS": ["day", "month", "year"],
        }
        stripped = re.sub(r"\b(born|birthday|dob|date of birth|on|is|it's|its|my)\b", " ", cleaned)
        stripped = _spanish_months(stripped)
        parsed = dateparser.parse(stripped.strip(), languages=["en"], settings=settings)
        if parsed is None:
            try:
                found = search_dates(stripped, languages=["en"], settings=settings) or []
            except (ValueError, OverflowError):
                found = []
            parsed = found[0][1] if found else None
        if parsed is None:
            return None
        candidate = parsed.date()
        if candidate > today and candidate.year - 100 > today.year - 121:
            candidate = candidate.replace(year=candidate.year - 100)
    if candidate > today or candidate.year < today.year - 120:
        return None
    return candidate


_BIRTH_MONTH_DAY = re.compile(
    rf"\b{MONTH_WORD}\s+(?:the\s+)?(\d{{1,2}})(?:st|nd|rd|th)?\b"
    rf"|\b(?:the\s+)?(\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?{MONTH_WORD}\b"
    r"|(?<![/\d-])\b(\d{1,2})[/-](\d{1,2})\b(?![/\d-])"
)
# A year in words, said alone: "nineteen fifty", "two thousand and five".
_YEAR_IN_WORDS = re.compile(
    r"\b(?P<head>nineteen|two thousand(?: and)?|twenty)\s+"
    rf"(?P<rest>{_TWO_DIGITS}|{'|'.join(_ONES)})\b"
)
_FOUR_DIGIT_YEAR = re.compile(r"\b(19\d\d|20\d\d)\b")
_YEAR_ALONE = re.compile(r"\W*(?:(?:born )?in |it'?s |the year )?'?(\d{2}|\d{4})\W*")


def birth_month_day(text: str, today: date) -> str | None:
    """A birthday without its year ("march 3rd", "3/14", "the 3rd of march"), as "March 3", so
    that the year sent next completes it; None when the text has a year, or no month and day."""
    cleaned = written_numbers(clean_words(text))
    if _FOUR_DIGIT_YEAR.search(cleaned) or parse_birth_date(text, today) is not None:
        return None
    match = _BIRTH_MONTH_DAY.search(cleaned)
    if match is None:
        return None
    if match.group(5):
        month, day = int(match.group(5)), int(match.group(6))
    else:
        name = match.group(1) or match.group(4)
        month = MONTHS.index(name[:3]) + 1
        day = int(match.group(2) or match.group(3))
    try:
        said = date(2000, month, day)  # a leap year: February 29 is a birthday too
    except ValueError:
        return None
    return f"{said:%B} {day}"


def birth_year(text: str, today: date) -> int | None:
    """The year alone, sent after a birthday without one: "1985", "85", "in 1985", "nineteen
    fifty"; None for two years ("1950? or 51": which one is asked again)."""
    cleaned = clean_words(text)
    if re.search(r"\bor\b", cleaned):
        return None
    spoken = _YEAR_IN_WORDS.search(cleaned)
    if spoken is not None:
        century = 1900 if spoken.group("head") == "nineteen" else 2000
        cleaned = cleaned.replace(spoken.group(0), str(century + _two_digits(spoken["rest"])))
    found = _FOUR_DIGIT_YEAR.findall(cleaned)
    if len(found) == 1:
        year = int(found[0])
    elif (alone := _YEAR_ALONE.fullmatch(cleaned)) is not None and len(alone.group(1)) == 2:
        two = int(alone.group(1))
        year = two + (2000 if two <= today.year % 100 else 1900)
    else:
        return None
    return year if today.year - 120 <= year <= today.year else None
