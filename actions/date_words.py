"""The words of a message about days and times, made plain before anything reads them: weekday
and month names, text-message shorthand ("2moro aftn"), clock times as people type them ("330pm",
"half past 2", "between 10 and 2"), and what names no day at all (a greeting, an age, "7 days a
week", the day they cannot come).

Kept in one place because the readers of days (``actions.dates``), times of day
(``actions.clock_times``), days ruled out and birth dates must all start from the same cleaned
text, or "2moro aftn" is tomorrow afternoon to one of them and nothing to another.
"""

from __future__ import annotations

import re
from datetime import time

WEEKDAY_NUMBERS = {
    "monday": 0,
    "mon": 0,
    "tuesday": 1,
    "tue": 1,
    "tues": 1,
    "wednesday": 2,
    "wed": 2,
    "thursday": 3,
    "thu": 3,
    "thur": 3,
    "thurs": 3,
    "friday": 4,
    "fri": 4,
    "saturday": 5,
    "sat": 5,
    "sunday": 6,
    "sun": 6,
}


def weekdays_named(text: str) -> set[int]:
    """The weekdays a message names, Monday 0 ("tues 7:30 works", "the wednesday one",
    "tuesdays")."""
    words = [
        w[:-1] if w.endswith("days") and w[:-1] in WEEKDAY_NUMBERS else w
        for w in re.findall(r"[a-z]+", text.lower())
    ]
    return {WEEKDAY_NUMBERS[w] for w in words if w in WEEKDAY_NUMBERS}


# "tuesdays or thursdays", "mondays are best": those weekdays, any week (it was "I didn't
# catch a day there").
PLURAL_WEEKDAY = re.compile(r"\b(mon|tues|wednes|thurs|fri|satur|sun)days\b")
NUMBER_WORDS = {
    "a": 1,
    "an": 1,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "couple": 2,
    "a couple": 2,
    "few": 3,
    "a few": 3,
}
# One weekday name or its abbreviation, as a regex group.
WEEKDAY = (
    r"(mon(?:day)?|tue(?:s|sday)?|wed(?:nesday)?|thu(?:r|rs|rsday)?|fri(?:day)?"
    r"|sat(?:urday)?|sun(?:day)?)"
)


def weekday_of(word: str) -> int:
    return next(n for name, n in WEEKDAY_NUMBERS.items() if word.rstrip("s").startswith(name))


def weekdays_from_to(first: str, last: str) -> set[int]:
    """The weekdays from one named to another, both included ("fri" to "mon": Fri to Mon)."""
    start, end = weekday_of(first), weekday_of(last)
    return {(start + step) % 7 for step in range((end - start) % 7 + 1)}


def weekdays_wanted(text: str) -> set[int]:
    """The weekdays a message asks for: those named, a run of them ("mon-fri mornings" was
    Monday and Friday only) and the working week ("any weekday after 3" offered Saturdays)."""
    days = weekdays_named(text)
    for run in WEEKDAY_RUN.finditer(text.lower()):
        days |= weekdays_from_to(run.group(1), run.group(2))
    if WORKING_WEEK.search(text.lower()):
        days |= set(range(5))
    return days


WEEKDAY_RUN = re.compile(rf"\b{WEEKDAY}s?\s*(?:-|to|through|thru|till|til|until)\s*{WEEKDAY}s?\b")
WORKING_WEEK = re.compile(
    r"\b(?:any|on|only|most|a|some|during the)\s+week ?days?\b"
    r"|\bweek ?days?\s+(?:only|mornings?|afternoons?|evenings?|after|before|at|works?|are "
    r"(?:fine|good|best|better|ok|okay))\b"
)


# Text-message spellings of time words ("2moro aftn", "nxt wk").
SHORTHAND = {
    "2moro": "tomorrow",
    "2morrow": "tomorrow",
    "2morow": "tomorrow",
    "2mrw": "tomorrow",
    "tmrw": "tomorrow",
    "tmr": "tomorrow",
    "aftn": "afternoon",
    "aft": "afternoon",
    "arvo": "afternoon",
    # "cn i mve it to nxt thurs aftrnoon": mornings were offered
    "aftrnoon": "afternoon",
    "afternon": "afternoon",
    "afternooon": "afternoon",
    "aftenoon": "afternoon",
    "evning": "evening",
    "evenin": "evening",
    "mornng": "morning",
    "morining": "morning",
    "mornin": "morning",
    "morn": "morning",
    "nxt": "next",
    "wk": "week",
    "wks": "weeks",
}


# "Good evening, I need a checkup" greets; it asks for no evening.
GREETING = re.compile(
    r"^\W*(?:(?:hi|hello|hey)\W+)?(?:(?:good|gd)\s+(?:morning|afternoon|evening|night)\b"
    r"|(?:morning|evening)(?=\s*!))",
)


# "I can't make it tomorrow", "cant make my appt on the 7th, can we do tuesday": the day of the
# appointment they cannot come to, not a new one (the 7th was searched). Weekdays are left to
# RULED_OUT_DAYS ("can't do mondays": none of them).
_THAT_DAY = (
    r"(?:today|tonight|tomorrow|tmrw|tmr|(?:the\s+)?\d{1,2}(?:st|nd|rd|th)|\d{1,2}/\d{1,2}|"
    r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?\s+\d{1,2}"
    r"(?:st|nd|rd|th)?)"
)
# "can't make", "won't be able to come in to my physical": an appointment not made, before its day.
_CANNOT = r"\b(?:can'?t|cannot|won'?t be able to|unable to|not going to|won'?t)\s+"
_THE_APPOINTMENT = (
    r"(?:\s+(?:it|in|to))?(?:\s+(?:my|his|her|our|the|that)\s+(?:\w+\s+)?(?:appointment|appt|"
    r"visit|one|physical|check ?up|follow ?up|shot|exam))?"
)
CANNOT_COME_THAT_DAY = re.compile(
    rf"{_CANNOT}(?:make|come(?:\s+in)?|go|do|attend){_THE_APPOINTMENT}"
    rf"\s+(?:on\s+)?{_THAT_DAY}(?:\s*(?:,|or|and|nor)\s*(?:the\s+)?{_THAT_DAY})*"
    r"(?:\s+(?:morning|afternoon|evening))?\b"
)


# "i cant make my 11:00 one", "can't come to the 2pm appt": the appointment not made, by its
# time (its time was searched as the new one).
CANNOT_COME_AT_ITS_TIME = re.compile(
    rf"{_CANNOT}(?:make|come(?:\s+in)?|go|do|attend)(?:\s+(?:it|in|to|for))?"
    r"\s+(?:my|his|her|our|the|that)\s+\d{1,2}(?::\d{2})?(?:\s*(?:am|pm|a\.m\.|p\.m\.|o'?clock))?"
    r"(?:\s+(?:one|appt|appointment|visit|physical|check ?up|follow ?up|shot|exam))?\b",
    re.IGNORECASE,
)


# "i cant make my appointment friday": the day of the appointment not made, by its weekday
# (one day: "can't do fridays" rules them all out, in ruled_out_days.RULED_OUT_DAYS).
CANNOT_COME_ON_WEEKDAY = re.compile(
    rf"{_CANNOT}(?:make|come(?:\s+in)?|go|attend){_THE_APPOINTMENT}"
    rf"\s+(?:on\s+)?(?:this\s+)?{WEEKDAY}\b(?!s)",
    re.IGNORECASE,
)


# An age, not a day: "she is 3 months old", "my 2 year old", "he's 6 weeks" ("3 months old"
# was read as March 1, and the search offered the last days it could book).
AGE = re.compile(
    r"\b(?:a|an|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|few|couple of|"
    r"\d{1,3})[\s-]*(?:days?|weeks?|wks?|months?|mos?|years?|yrs?|yr)[\s-]*old\b"
    r"|\b(?:is|s|turns?|turned|just turned|only|almost|nearly)\s+(?:a|an|one|two|three|four|"
    r"five|six|seven|eight|nine|ten|eleven|\d{1,2})\s+(?:days?|weeks?|months?)\b"
    r"(?!\s+(?:from|out|ahead|away|later)\b)"
    r"|\b\d{1,3}\s+(?:days?|weeks?|months?|years?)\s+of\s+age\b"
    # a child's visit by age: "her 4 year shots", "the 2 month vaccines", "his 6 month
    # checkup" (December 7, 2030 was searched: "I can only book up to …")
    r"|\b(?:one|two|four|six|nine|twelve|fifteen|eighteen|\d{1,2})[\s-]*(?:weeks?|wk|months?|mo|"
    r"years?|yrs?|yr)[\s-]*(?:old[\s-]*)?(?=(?:well[\s-]*(?:child|baby)[\s-]*)?(?:shots?|"
    r"vaccines?|vaccinations?|immunizations?|jabs?|check[\s-]*ups?|physicals?|well[\s-]*(?:child|"
    r"baby)|visits?|appointments?|appts?|exams?)\b)"
)


# "can i get a same day appointment": today ("What day works best?" followed).
SAME_DAY = re.compile(r"\bsame[ -]day\s+(?=(?:appointments?|appts?|visits?|openings?|slots?)\b)")


# Clock times as people type them, said as "h:mm" the rest reads: "330pm", "at 1030", "10.30",
# "half past 2", "quarter to 11", "between 10 and 2", "2 or 3", "lunchtime" (all were ignored,
# and the earliest morning times offered).
_MINUTES = r"(?:00|05|10|15|20|25|30|35|40|45|50|55)"
_GLUED_CLOCK = re.compile(rf"(?<![\w$/:.,-])(1[0-2]|0?[1-9])({_MINUTES})(?=\s*(?:am|pm)\b)")
_GLUED_AFTER_WORD = re.compile(
    rf"\b(at|around|after|before|by|about|for|to|till|until|from)\s+(1[0-2]|0?[1-9])({_MINUTES})"
    r"(?![\w/:.,$-])(?!\s*(?:dollars|bucks|usd)\b)"
)
_GLUED_BEFORE_DAY = re.compile(
    rf"(?<![\w$/:.,-])(1[0-2]|0?[1-9])({_MINUTES})(?![\w/:.,$-])(?=\s+(?:on\s+)?(?:today|"
    rf"tomorrow|tmrw|tmr|tonight|next|this|{WEEKDAY})\b)"
)
_GLUED_AFTER_DAY = re.compile(
    rf"\b(?P<day>today|tomorrow|tmrw|tmr|tonight|{WEEKDAY})\s+(?P<hour>1[0-2]|0?[1-9])"
    rf"(?P<minute>{_MINUTES})(?![\w/:.,$-])"
)
_DOTTED_CLOCK = re.compile(r"(?<![\w$/.,])(1[0-2]|0?[1-9])\.([0-5]\d)(?=\s*(?:am|pm)?\b)(?!\.\d)")
_PAST_TO = re.compile(r"\b(half|quarter)\s+(past|after|to|till|til)\s+(1[0-2]|[1-9])\b")
# ("between 2 and 3 weeks from now", "1 or 2 days": no clock times)
_NOT_A_CLOCK_AFTER = (
    r"(?!\s*(?:am|pm)?\s*(?:weeks?|days?|months?|hours?|hrs?|years?|kids?|children|people|times|"
    r"of|more|visits?|appointments?|appts?|minutes?|mins?)\b)"
)
_BETWEEN = re.compile(
    r"\bbetween\s+(\d{1,2}(?::\d{2})?\s*(?:am|pm)?)\s+(?:and|-|to)\s+(\d{1,2}(?::\d{2})?\s*"
    rf"(?:am|pm)?)\b{_NOT_A_CLOCK_AFTER}"
)
_EITHER_HOUR = re.compile(
    r"(?<![\w/:$.-])(1[0-2]|[1-9])(?:\s*(am|pm))?\s+or\s+(1[0-2]|[1-9])(?:\s*(am|pm))?"
    rf"(?![\w/:.-]){_NOT_A_CLOCK_AFTER}"
)
# "10-11am", "from 1 to 3", "monday 10 to 11": a window of the day (the earliest mornings were
# offered); with "from", "like", an am/pm, right after a day or with lunch said ("during my
# lunch break, like 12-1": December 1), so "dec 8-9" stays two days.
_CLOCK_RANGE = re.compile(
    r"(?:\b(?P<from>from)\s+|\b(?P<like>like|around|about|roughly|ideally)\s+|"
    r"(?P<day>\b(?:today|tomorrow|tonight|mon|monday|tue|tues|tuesday|"
    r"wed|wednesday|thu|thur|thurs|thursday|fri|friday|sat|saturday|sun|sunday)\s+)|"
    r"(?<![\w/:$.-]))"
    r"(?P<first>\d{1,2}(?::\d{2})?)\s*(?P<m1>am|pm)?\s*(?:-|to|till|til|until)\s*"
    rf"(?P<second>\d{{1,2}}(?::\d{{2}})?)\s*(?P<m2>am|pm)?(?![\w/:.-]){_NOT_A_CLOCK_AFTER}"
)
_LUNCH = re.compile(r"\b(?:lunch ?time|lunch hour|lunch break|over lunch|around lunch)\b")


def _spoken_clocks(text: str) -> str:
    """``text`` (lower case) with clock times written as the parser reads them."""
    text = _DOTTED_CLOCK.sub(r"\1:\2", text)
    text = _GLUED_CLOCK.sub(r"\1:\2", text)
    text = _GLUED_AFTER_WORD.sub(r"\1 \2:\3", text)

    text = _GLUED_BEFORE_DAY.sub(r"\1:\2", text)
    text = _GLUED_AFTER_DAY.sub(r"\g<day> \g<hour>:\g<minute>", text)
    text = _GLUED_AFTER_DATE.sub(r"\g<date> at \g<hour>:\g<minute>", text)

    def past_to(match: re.Match[str]) -> str:
        part, direction, hour = match.group(1), match.group(2), int(match.group(3))
        minutes = 30 if part == "half" else 15
        if direction in ("to", "till", "til"):
            hour, minutes = (hour - 1) or 12, 60 - minutes
        return f"{hour}:{minutes:02d}"

    text = _PAST_TO.sub(past_to, text)
    text = _BETWEEN.sub(r"after \1 before \2", text)

    def clock_range(match: re.Match[str]) -> str:
        said = match.group(0)
        if not (match["from"] or match["day"] or match["m1"] or match["m2"]) and not (
            match["like"] or _LUNCH.search(text)
        ):
            return said
        if re.search(rf"\b{MONTH_WORD}\W*$", text[: match.start()]):
            return said
        first = to_clock(match["first"] + (match["m1"] or match["m2"] or ""))
        second = to_clock(match["second"] + (match["m2"] or ""))
        if first is None or second is None:
            return said
        if second <= first and not match["m2"] and second.hour < 12:
            second = second.replace(hour=second.hour + 12)  # "10 to 1": until 1pm
        if second <= first:
            return said
        return f"{match['day'] or ''}after {first:%H:%M} before {second:%H:%M}"

    text = _CLOCK_RANGE.sub(clock_range, text)

    def either_hour(match: re.Match[str]) -> str:
        # "5 or 6": from 5pm until 7pm (not "before 7", which is 7am); "dec 1 or 2" is days
        if re.search(rf"\b{MONTH_WORD}\W*$", text[: match.start()]):
            return match.group(0)
        first = to_clock(match.group(1) + (match.group(2) or match.group(4) or ""))
        second = to_clock(match.group(3) + (match.group(4) or ""))
        if first is None or second is None or second < first:
            return match.group(0)
        end = min(second.hour + 1, 23)
        return f"after {first:%H:%M} before {end:02d}:{second.minute:02d}"

    text = _EITHER_HOUR.sub(either_hour, text)
    if re.search(r"\d", text):
        return text  # a clock said too wins ("im on my lunch break, can i come friday at 9")
    return _LUNCH.sub("after 11:30am before 1:30pm", text)


# How often, not when: "are you open 7 days a week" searched Dec 18 ("7 days" and "a week"),
# "24 hours a day", "twice a month", "24/7".
HOW_OFTEN = re.compile(
    r"\b(?:\d+|one|two|three|four|five|six|seven|once|twice|twenty four)\s+"
    r"(?:(?:days?|hours?|hrs?|times?)\s+)?(?:a|per|each|every)\s+(?:week|wk|day|month|year)\b"
    r"|\b24\s*/\s*7\b"
)


def clean_words(text: str) -> str:
    """Lower case, spoken clocks in digits, shorthand spelled out, ages and greetings gone:
    the text the parsers here read."""
    text = GREETING.sub(" ", text.lower().replace("’", "'"))
    text = _spoken_clocks(text)
    text = re.sub(r"[^\w\s/:'-]", " ", text)
    text = " ".join(SHORTHAND.get(word, word) for word in text.split())
    text = AGE.sub(" ", text)
    text = HOW_OFTEN.sub(" ", text)
    text = SAME_DAY.sub(" today ", text)
    # "the 7th of january": January 7 (it was the whole of January)
    text = DAY_OF_MONTH.sub(lambda m: f"{m['month']} {m['day']}", text)
    return CANNOT_COME_THAT_DAY.sub(" ", text).strip()


def to_clock(value: str) -> time | None:
    if value.strip() == "noon":
        return time(12, 0)
    match = re.match(r"(\d{1,2})(?::(\d{2}))?\s*(am|pm)?$", value.strip())
    if not match:
        return None
    hour, minute, meridiem = int(match.group(1)), int(match.group(2) or 0), match.group(3)
    if hour > 23 or minute > 59:
        return None
    if meridiem == "pm" and hour < 12:
        hour += 12
    elif meridiem is None and 1 <= hour <= 6:
        hour += 12  # "after 3" at a clinic means 3pm
    return time(hour, minute)


MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
MONTH_WORD = (
    r"(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t|tember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
)
# "dec 11 830", "12/11 830": a time glued after a date (it was "I didn't catch a day there").
_GLUED_AFTER_DATE = re.compile(
    rf"\b(?P<date>{MONTH_WORD}\s+\d{{1,2}}(?:st|nd|rd|th)?|\d{{1,2}}/\d{{1,2}})\s+"
    rf"(?P<hour>1[0-2]|0?[1-9])(?P<minute>{_MINUTES})(?![\w/:.,$-])"
)
DAY_OF_MONTH = re.compile(
    rf"\b(?:the\s+)?(?P<day>[12]?\d|3[01])(?:st|nd|rd|th)?\s+of\s+(?P<month>{MONTH_WORD})\b"
)


def is_month_name(word: str) -> bool:
    """ "june", "sept", "dec": a month's name or its short form."""
    return re.fullmatch(MONTH_WORD, word.lower()) is not None
