"""Turn what patients write about time into search windows: "next tuesday morning", "the 14th".

``dateparser`` does the heavy lifting (month names, numeric dates, "tomorrow", "in 10 days").
The few phrasings it gets wrong or does not know ("next friday", "this friday", "the 14th",
"monday afternoon", "a week from today", "asap", "next week") are handled here first, with one
documented meaning each. The bot always shows the exact dates it found, so a patient who meant
another Friday sees it before anything is booked.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta

import dateparser
from dateparser.search import search_dates

from actions.clinic_config import WEEKDAY_NAMES, WEEKDAYS, format_clock

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


PARTS_OF_DAY = {
    "morning": "morning",
    "mornings": "morning",
    "am": "morning",
    "before noon": "morning",
    "before lunch": "morning",
    "early": "morning",
    "first thing": "morning",
    "earlier in the day": "morning",
    "afternoon": "afternoon",
    "afternoons": "afternoon",
    "after lunch": "afternoon",
    "midday": "afternoon",
    "later in the day": "afternoon",
    "pm": "afternoon",
    "evening": "evening",
    "evenings": "evening",
    "after work": "evening",
    "late": "evening",
    "after 5": "evening",
    "after five": "evening",
    "tonight": "evening",
}
PART_HOURS = {"morning": (0, 12), "afternoon": (12, 17), "evening": (17, 24)}
SOON_WORDS = (
    "asap",
    "as soon as possible",
    "soonest",
    "earliest",
    "first available",
    "next available",
    "any time",
    "anytime",
    "whenever",
    "any day",
    "no preference",
    "doesn't matter",
    "dont care",
    "don't care",
    "soon as possible",
    "soon",
)
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
SOON_DAYS = 14
_WEEKDAY = (
    r"(mon(?:day)?|tue(?:s|sday)?|wed(?:nesday)?|thu(?:r|rs|rsday)?|fri(?:day)?"
    r"|sat(?:urday)?|sun(?:day)?)"
)
WEEKDAY_WORD = _WEEKDAY  # one weekday name or its abbreviation, as a regex group

# "not mondays", "any day but friday", "can't do tues or wed": weekdays ruled out.
# A negated trigger says the opposite: "not busy monday", "don't work on fridays",
# "off work on mondays" leave the day open.
_NOT_NEGATED = r"(?<!not )(?<!n't )(?<!dont )(?<!never )(?<!off )"
_RULED_OUT_DAY = rf"(?:on\s+)?(?:a\s+)?{_WEEKDAY}s?"
_RULING_OUT = (
    r"not|except(?: for)?|besides|other than|apart from|excluding|any ?day but"
    r"|anything but|never on|can'?t do|cannot do|can'?t make|cannot make|can'?t come|can'?t go"
    r"|can'?t on|busy on|busy|work(?:ing)? on|i work"
)
# "i work monday through friday", "busy mon-fri": every day from the first to the last (it
# was Monday ruled out, and Friday taken as the day wanted).
RULED_OUT_DAY_RANGE = re.compile(
    rf"\b{_NOT_NEGATED}(?:{_RULING_OUT})\s+(?:from\s+)?{_WEEKDAY}s?\s*"
    rf"(?:through|thru|to|till|til|until|-)\s*{_WEEKDAY}s?\b"
)
# "i work weekdays", "can't do weekends", "busy during the week": those days.
RULED_OUT_WEEK_PART = re.compile(
    rf"\b{_NOT_NEGATED}(?:{_RULING_OUT}|no)\s+(?:on\s+|during\s+)?(?:the\s+)?"
    r"(?P<part>week ?days|weekends?|week)\b(?!\s+(?:of|after|from)\b)"
)
RULED_OUT_DAYS = re.compile(
    rf"\b{_NOT_NEGATED}(?:{_RULING_OUT}"
    # "no fridays" (but "no, friday" corrects a day: only the plural rules one out)
    rf"|no(?=\s+(?:on\s+)?{_WEEKDAY}s\b))"
    # "can't make it wednesday", "can't make my appointment on wednesday": that day is out
    r"(?:\s+(?:it|(?:my|his|her|our|the|that)\s+(?:appointment|appt|visit|one)))?\s+"
    rf"{_RULED_OUT_DAY}(?:\s*(?:,|or|and|nor)\s*{_RULED_OUT_DAY})*\b"
)
# "not in the morning", "no afternoons": the other part of the day.
RULED_OUT_PART = re.compile(
    rf"\b{_NOT_NEGATED}(?:not|no|never|nothing|can'?t do|cannot do|busy|unavailable)\s+"
    r"(?:(?:available|free|good|possible|in|the|on|an?|during|too|very|so|super|really|that)\s+){0,3}"
    r"(mornings?|early|am|afternoons?|pm|evenings?|late)\b"
    # "not very early in the morning": the morning is the early part, not a wish for mornings
    r"(?:\s+in\s+(?:the\s+)?mornings?\b)?"
)
# "not too early", "not very early": not first thing (not "no mornings")
_SOFTENED = re.compile(r"\b(too|very|so|super|really|that)\b")


@dataclass(frozen=True)
class RuledOut:
    """What a request rules out, and its text without saying so."""

    rest: str
    days: frozenset[int] = frozenset()
    not_before: time | None = None
    not_after: time | None = None


def _weekday_of(word: str) -> int:
    return next(n for name, n in WEEKDAY_NUMBERS.items() if word.rstrip("s").startswith(name))


def _ruled_out(cleaned: str) -> RuledOut | None:
    days: set[int] = set()
    for match in RULED_OUT_DAY_RANGE.finditer(cleaned):
        first, last = (_weekday_of(match.group(i)) for i in (1, 2))
        days.update((first + i) % 7 for i in range((last - first) % 7 + 1))
    for match in RULED_OUT_WEEK_PART.finditer(cleaned):
        days.update({5, 6} if match["part"].startswith("weekend") else range(5))
    cleaned = RULED_OUT_WEEK_PART.sub(" ", RULED_OUT_DAY_RANGE.sub(" ", cleaned))
    for match in RULED_OUT_DAYS.finditer(cleaned):
        for word in re.findall(r"[a-z]+", match.group(0)):
            name = word if word in WEEKDAY_NUMBERS else word.removesuffix("s")
            if name in WEEKDAY_NUMBERS:
                days.add(WEEKDAY_NUMBERS[name])
    part = RULED_OUT_PART.search(cleaned)
    if not days and not part:
        return None
    rest = RULED_OUT_PART.sub(" ", RULED_OUT_DAYS.sub(" ", cleaned))
    if part is None:
        return RuledOut(rest, frozenset(days))
    word, too = part.group(1), bool(_SOFTENED.search(part.group(0)))
    if word.startswith(("morning", "early", "am")):
        # "not too early": not first thing; "no mornings": not before noon
        return RuledOut(rest, frozenset(days), not_before=time(10 if too else 12))
    if word == "late" and too:
        return RuledOut(rest, frozenset(days), not_after=time(16))
    hour = PART_HOURS["evening"][0] if word.startswith("evening") else 12
    return RuledOut(rest, frozenset(days), not_after=time(hour))


def weekdays_ruled_out(text: str) -> frozenset[int]:
    """The weekdays a message rules out ("not saturday either", "can't do tues or wed")."""
    ruled = _ruled_out(clean_words(text))
    return ruled.days if ruled is not None else frozenset()


def past_day(text: str, today: date) -> date | None:
    """A day just gone that a patient asks about ("yesterday", "last friday", "this past
    Saturday"): within the last week. None for anything else."""
    cleaned = clean_words(text)
    if re.search(r"\byesterday\b", cleaned):
        return today - timedelta(days=1)
    match = re.search(rf"\b(?:last|this past|past)\s+{_WEEKDAY}\b", cleaned)
    if match is None:
        return None
    back = (today.weekday() - _weekday_of(match.group(1))) % 7 or 7
    return today - timedelta(days=back)


@dataclass(frozen=True)
class When:
    """A window to search for free slots, plus an optional part of day."""

    start: date
    end: date  # inclusive
    part_of_day: str | None = None
    # "after 3" / "before 11": clock limits in the clinic's time zone.
    not_before: time | None = None
    not_after: time | None = None
    exact: bool = False  # the patient named one specific day
    # "any day but monday", "not fridays": weekdays (Monday 0) the patient cannot come.
    not_on: frozenset[int] = frozenset()

    def describe(self) -> str:
        if self.start == self.end:
            day = day_label(self.start)
        else:
            day = f"{day_label(self.start)} to {day_label(self.end)}"
        notes = [self.part_of_day] if self.part_of_day else []
        # ("after 3" was kept, and not said: the patient could not tell it was heard; a
        # window around a time asked for, "at 4pm", has both limits and is not said)
        one_limit = (self.not_before is None) != (self.not_after is None)
        if one_limit and self.not_before is not None and self.not_before != time(12, 0):
            notes.append(f"after {format_clock(self.not_before)}")
        elif one_limit and self.not_before is not None and not self.part_of_day:
            notes.append("afternoons")  # "no mornings"
        if one_limit and self.not_after is not None:
            notes.append(f"before {format_clock(self.not_after)}")
        if self.not_on and self.start != self.end:
            allowed = sorted(set(range(7)) - self.not_on)
            # "thursday or friday": "Thursdays or Fridays only", not five days ruled out
            only = len(allowed) < len(self.not_on)
            days = allowed if only else sorted(self.not_on)
            names = weekdays_plural(days)
            notes.append(f"{names} only" if only else f"no {names}")
        return f"{day} ({', '.join(notes)})" if notes else day

    def widen(self, days: int) -> When:
        """The same request a few days either side (for "nothing free that day")."""
        return replace(
            self,
            start=self.start - timedelta(days=days),
            end=self.end + timedelta(days=days),
            exact=False,
        )


def weekdays_plural(days: list[int]) -> str:
    """``[0, 4]`` (Monday 0) → "Mondays or Fridays"."""
    return " or ".join(WEEKDAY_NAMES[WEEKDAYS[d]] + "s" for d in days)


def day_label(day: date) -> str:
    return f"{day.strftime('%a %b')} {day.day}"


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
CANNOT_COME_THAT_DAY = re.compile(
    r"\b(?:can'?t|cannot|won'?t be able to|unable to|not going to|won'?t)\s+"
    r"(?:make|come(?:\s+in)?|go|do|attend)(?:\s+(?:it|in|to))?"
    r"(?:\s+(?:my|his|her|our|the|that)\s+(?:\w+\s+)?(?:appointment|appt|visit|one|physical|"
    r"check ?up|follow ?up|shot|exam))?"
    rf"\s+(?:on\s+)?{_THAT_DAY}(?:\s*(?:,|or|and|nor)\s*(?:the\s+)?{_THAT_DAY})*"
    r"(?:\s+(?:morning|afternoon|evening))?\b"
)


# "a checkup but not tomorrow please": any day after it (tomorrow was searched). Not "why not
# tomorrow?", which asks for it.
NOT_THAT_DAY = re.compile(
    r"(?<!\bwhy )\b(?:not|except|anything but|any ?day but|other than)\s+(?:for\s+)?(?:on\s+)?"
    r"(?P<day>today|tonight|tomorrow|tommorow|tomorow|tmr)\b"
)


# "not next week", "anything but this week", "can't make it next week": from the Monday after
# that week (it was that very week that was searched).
NOT_THAT_WEEK = re.compile(
    r"(?<!\bwhy )\b(?:not|except|anything but|any ?time but|other than|can'?t do|cannot do|"
    r"can'?t make(?:\s+it)?|cannot make(?:\s+it)?|can'?t come(?:\s+in)?|busy|away|out of town)"
    r"\s+(?:for\s+)?(?:the\s+)?(?P<which>this|next|coming)\s+week\b(?!end)"
)


def said_cannot_come(value: str, text: str) -> bool:
    """Whether a day the NLU tagged ("tomorrow") is the day the patient cannot come ("I can't
    make it tomorrow"): not a day to search."""
    lowered = " ".join(re.sub(r"[^\w\s/:'-]", " ", text.lower().replace("’", "'")).split())
    return any(
        value.lower().strip() in match.group(0)
        for pattern in (CANNOT_COME_THAT_DAY, NOT_THAT_DAY)
        for match in pattern.finditer(lowered)
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
    rf"tomorrow|tmrw|tmr|tonight|next|this|{_WEEKDAY})\b)"
)
_GLUED_AFTER_DAY = re.compile(
    rf"\b(?P<day>today|tomorrow|tmrw|tmr|tonight|{_WEEKDAY})\s+(?P<hour>1[0-2]|0?[1-9])"
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
# offered); with "from", an am/pm, or right after a day, so "dec 8-9" stays two days.
_CLOCK_RANGE = re.compile(
    r"(?:\b(?P<from>from)\s+|(?P<day>\b(?:today|tomorrow|tonight|mon|monday|tue|tues|tuesday|"
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
        if not (match["from"] or match["day"] or match["m1"] or match["m2"]):
            return said
        if re.search(rf"\b{MONTH_WORD}\W*$", text[: match.start()]):
            return said
        first = _to_clock(match["first"] + (match["m1"] or match["m2"] or ""))
        second = _to_clock(match["second"] + (match["m2"] or ""))
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
        first = _to_clock(match.group(1) + (match.group(2) or match.group(4) or ""))
        second = _to_clock(match.group(3) + (match.group(4) or ""))
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


# "late as possible", "late afternoon", "latest": from LATE_FROM to closing.
LATE_IN_THE_DAY = re.compile(r"\b(late afternoon|late in the day|late as possible|latest|late)\b")
LATE_FROM = time(15)


def _late_in_the_day(cleaned: str) -> bool:
    """ "late as possible", not "I'm running late" nor "late december" / "late next week"."""
    return bool(LATE_IN_THE_DAY.search(_without_other_lates(cleaned)))


def _without_other_lates(cleaned: str) -> str:
    """``cleaned`` without a "late" that is no time of day ("running late", "late december")."""
    return re.sub(
        rf"\blate\s+(?:in\s+)?(?:the\s+)?(?:next\s+|this\s+)?(?:{MONTH_WORD}|month|week|year)\b",
        " ",
        NOT_A_PART_OF_DAY.sub(" ", cleaned),
    )


def _overlap(part: str, not_before: time | None, not_after: time | None) -> bool:
    """Whether a part of the day and clock limits leave any time at all."""
    low, high = PART_HOURS[part]
    start = max(low * 60, not_before.hour * 60 + not_before.minute if not_before else 0)
    end = min(high * 60, not_after.hour * 60 + not_after.minute if not_after else 24 * 60)
    return start < end


# "I am Aisha", "I'm running late": the verb, not a part of the day.
NOT_A_PART_OF_DAY = re.compile(
    r"\b(?:i|we|you|he|she|they|who|what|where|how)\s+am\b"
    r"|\b(?:running|be|being|was|were|am|i'm|im|is|are|too|so|bit|little)\s+late\b"
    # "my late husband saw her too": the afternoon was searched
    r"|\b(?:my|our|his|her)\s+late\s+(?:husband|wife|mother|father|mom|dad|son|daughter|"
    r"partner|brother|sister|grandma|grandpa|grandmother|grandfather)\b"
)


# When someone is busy, not when to come: "my son drives me and he works afternoons" (the
# afternoon was searched, with "mornings only please" said first).
BUSY_PART_OF_DAY = re.compile(
    r"(?<!not )(?<!never )(?<!t )(?<!no )"
    r"\b(?:work|works|working|has work|have work|am at work|is at work|has school|have school|"
    r"am busy|is busy|are busy|busy|have class|has class|teach|teaches|sleep|sleeps)\s+"
    r"(?:in\s+the\s+|all\s+|every\s+|most\s+)?(?:mornings?|afternoons?|evenings?|nights?)\b"
)


# A part of the day that is hard for the patient: "can i move it to a morning, its hard for me
# to get a ride in the afternoon" (the afternoon was searched), "afternoons are tough".
HARD_PART_OF_DAY = re.compile(
    r"\b(?:hard|difficult|tough|tricky|impossible|no good|not good)\b(?:\s+\w+){0,8}?\s+"
    r"(?:in|during|for)\s+(?:the\s+)?(?:mornings?|afternoons?|evenings?)\b"
    r"|\b(?:mornings?|afternoons?|evenings?)\s+(?:are|is|s)\s+(?:too\s+|really\s+|very\s+)?"
    r"(?:hard|difficult|tough|tricky|impossible|bad|no good|not good)\b"
)


def part_of_day(text: str) -> str | None:
    """``"tuesday morning"`` → ``morning``; ``"after work"`` → ``evening``."""
    cleaned = clean_words(text)
    cleaned = HARD_PART_OF_DAY.sub(" ", BUSY_PART_OF_DAY.sub(" ", cleaned))
    cleaned = f" {_without_other_lates(cleaned)} "
    for phrase in sorted(PARTS_OF_DAY, key=len, reverse=True):
        if f" {phrase} " in cleaned:
            return PARTS_OF_DAY[phrase]
    return None


BARE_CLOCK = re.compile(r"(?<![\w/:.$-])(\d{1,2}:\d{2}\s*(?:am|pm)?|\d{1,2}\s*(?:am|pm))(?![\w/:])")


# "... cuz i start work at 9:30": the patient's own time, not the one asked for.
OWN_SCHEDULE = re.compile(
    r"\b(start|starts|starting|work|working|shift|get off|off work|school|class|leave|"
    r"pick (him|her|them) up|drop (him|her|them) off|job|meeting)\s*$"
)


def _clock_limits(text: str) -> tuple[time | None, time | None]:
    """ "after 3" → not before 15:00; "before 11am" → not after 11:00 (clinic hours are daytime)."""
    not_before = not_after = None
    # "no earlier than 10" is "not before 10"; "nothing later than 4" is "not after 4"
    text = re.sub(r"\b(?:no|not|nothing) earlier than\b", "not before", text)
    text = re.sub(r"\b(?:no|not|nothing) later than\b", "not after", text)
    pattern = (
        r"\b(not\s+|no\s+|nothing\s+)?(after|before|by|at|around)\s+"
        r"(noon|\d{1,2}(?::\d{2})?\s*(?:am|pm)?)"
    )
    at_clock: time | None = None
    for found in re.finditer(pattern, text):
        negated, word, value = found.groups()
        clock = _to_clock(value)
        if clock is None:
            continue
        if negated and word in ("after", "before"):
            # "not before 9": from 9 on; "not after 4": until 4
            if word == "before":
                not_before = clock
            else:
                not_after = clock
        elif word == "after":
            not_before = clock
        elif word in ("before", "by"):
            not_after = clock
        elif not OWN_SCHEDULE.search(text[: found.start()]):
            at_clock = clock  # "at 2pm", "around 10": within an hour either side
    if at_clock is not None and not_before is None and not_after is None:
        # (a limit said too wins: "before 9, i start work at 9:30" offered 9:30 only)
        base = datetime.combine(date(2000, 1, 1), at_clock)
        not_before = (base - timedelta(hours=1)).time()
        not_after = min(
            base + timedelta(hours=1, minutes=1), base.replace(hour=23, minute=59)
        ).time()
    # "3:30 or later", "10 or earlier"
    later = r"(\d{1,2}(?::\d{2})?\s*(?:am|pm)?)\s+or\s+(later|after|earlier|before|sooner)\b"
    for value, word in re.findall(later, text):
        clock = _to_clock(value)
        if clock is not None and word in ("later", "after"):
            not_before = clock
        elif clock is not None:
            not_after = clock
    if not_before is None and re.search(r"\bafter school\b", text):
        not_before = time(15, 0)
    if not_before is None and not_after is None:
        # A bare clock time: "can I get 10:45 instead", "3pm?" - as "at 10:45".
        bare = BARE_CLOCK.search(text)
        # "the 9:30" points at a time shown, it asks for none
        shown = bare is not None and text[: bare.start()].rstrip().endswith("the")
        clock = _to_clock(bare.group(1)) if bare and not shown else None
        if clock is not None:
            base = datetime.combine(date(2000, 1, 1), clock)
            not_before = (base - timedelta(hours=1)).time()
            not_after = min(
                base + timedelta(hours=1, minutes=1), base.replace(hour=23, minute=59)
            ).time()
    return not_before, not_after


def _to_clock(value: str) -> time | None:
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


# A clock time written as one: "11:00am", "9am", "7:30" (not "8", which may be a list number).
CLOCK_SAID = re.compile(r"\b(\d{1,2}:\d{2}\s*(?:am|pm)?|\d{1,2}\s*(?:am|pm))\b", re.IGNORECASE)


def clock_times_said(text: str) -> list[time]:
    """The clock times a message writes out: "Thu Dec 17, 11:00am", "tues 7:30 works" (an
    hour from 1 to 6 without am/pm is the afternoon, as at a clinic)."""
    found = (_to_clock(m.lower()) for m in CLOCK_SAID.findall(text or ""))
    return [clock for clock in found if clock is not None]


def _next_weekday(today: date, weekday: int, include_today: bool = False) -> date:
    days = (weekday - today.weekday()) % 7
    if days == 0 and not include_today:
        days = 7
    return today + timedelta(days=days)


def _ordinal_day(today: date, day: int) -> date | None:
    """ "the 14th": the next 14th of a month, today included."""
    year, month = today.year, today.month
    for _ in range(13):
        try:
            candidate = date(year, month, day)
        except ValueError:
            candidate = None
        if candidate and candidate >= today:
            return candidate
        month += 1
        if month == 13:
            year, month = year + 1, 1
    return None


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
# Words that show a message talks about a day at all (before dateparser is asked).
_DATE_CUE = re.compile(
    rf"\b{MONTH_WORD}\b|\d{{1,2}}[/-]\d{{1,2}}|\d{{1,2}}(st|nd|rd|th)\b|"
    r"\b(today|tomorrow|yesterday|day|days|week|weeks|month|months|year)\b"
)


WEEK_OF_MONTH = {"first": 0, "1st": 0, "second": 1, "2nd": 1, "third": 2, "3rd": 2}


def _month_window(cleaned: str, today: date) -> tuple[date, date] | None:
    """ "in january", "early december", "end of the month": a part of a month, not one day."""
    match = re.search(
        rf"\b(?:(early|mid|middle of|late|end of|beginning of|start of)\s+)?(?:in\s+)?"
        rf"{MONTH_WORD}\b"
        r"(?!\s*\d)",
        cleaned,
    )
    if match:
        month = MONTHS.index(match.group(2)[:3]) + 1
        year = today.year if month >= today.month else today.year + 1
    elif relative := re.search(
        r"\b(?:(early|mid|middle of|late|end of|beginning of|start of)\s+)?(?:the\s+)?"
        r"(next|this|coming) month\b",
        cleaned,
    ):
        # "early next month": the first days of next month (never "a month from today").
        first = today.replace(day=1)
        if relative.group(2) != "this":
            first = (first + timedelta(days=32)).replace(day=1)
        return _part_of_month(first, relative.group(1) or "")
    elif re.search(r"\b(before|by) (the )?end of (the|this) year\b", cleaned):
        return today, date(today.year, 12, 31)
    elif re.search(r"\b(end|later|rest) of (the|this) month\b", cleaned):
        match, month, year = None, today.month, today.year
        first = date(year, month, 1)
        last = (first + timedelta(days=32)).replace(day=1) - timedelta(days=1)
        return max(first, last - timedelta(days=9)), last
    else:
        return None
    # "may" alone is too often the verb ("may I come in"): require a hint it is the month.
    if match.group(2) == "may" and not match.group(1) and not re.search(r"\bin may\b", cleaned):
        return None
    week = re.search(
        rf"\b(first|1st|second|2nd|third|3rd|last) week (?:of|in) {MONTH_WORD}\b", cleaned
    )
    if week and week.group(2) == match.group(2):
        # "the first week of january": those seven days, not the whole month
        first = date(year, month, 1)
        if week.group(1) == "last":
            last = (first + timedelta(days=32)).replace(day=1) - timedelta(days=1)
            return last - timedelta(days=6), last
        start = first + timedelta(days=7 * WEEK_OF_MONTH[week.group(1)])
        return start, start + timedelta(days=6)
    return _part_of_month(date(year, month, 1), match.group(1) or "")


def _part_of_month(first: date, part: str) -> tuple[date, date]:
    """The days of the month starting ``first`` that "early", "mid" or "late" mean."""
    last = (first + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    if part == "early" or part in ("beginning of", "start of"):
        return first, first + timedelta(days=9)
    if part in ("mid", "middle of"):
        return first + timedelta(days=10), first + timedelta(days=19)
    if part in ("late", "end of"):
        return first + timedelta(days=20), last
    return first, last


def age_on(birth_date: date, today: date) -> int:
    """Age in whole years on ``today``."""
    return (
        today.year
        - birth_date.year
        - ((today.month, today.day) < (birth_date.month, birth_date.day))
    )


# "after the 10th", "after dec 10", "after friday" (a day; "after 3" is a time of day)
AFTER_A_DAY = re.compile(
    r"\bafter (?P<day>(?:the )?\d{1,2}(?:st|nd|rd|th)\b|the \d{1,2}\b|"
    r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]* \d{1,2}(?:st|nd|rd|th)?\b|"
    r"(?:next |this )?(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b|"
    r"next week\b|this week\b)"
)


# "next thursday, no wait friday": what comes after the correction is the day asked for.
# What a correction may say alone: a time ("930", "make it 4", "at 2:30pm").
NEW_CLOCK = re.compile(
    r"(?:(?:make it|let s do|lets do|let's do|at|say)\s+)?"
    r"(?P<clock>\d{1,2}(?::\d{2})?\s*(?:am|pm)?|(?:1[0-2]|[1-9])[0-5]\d)"
)
CORRECTED = re.compile(
    r"\b(no wait|wait no|no sorry|sorry no|no i mean|i mean|i meant|actually|scratch that|"
    r"or rather|correction)\b"
)


_COUNT = r"\d{1,2}|one|two|three|four|five|six"
# "between 2 and 3 weeks from now", "in 2-3 weeks", "1 or 2 days out": a span of days ahead.
SPAN_AHEAD = re.compile(
    rf"\b(?:between|in|within|like|about|around)?\s*(?P<a>{_COUNT})\s*(?:and|to|or|-)\s*"
    rf"(?P<b>{_COUNT})\s+(?P<unit>days?|weeks?)\b"
)


def parse_when(text: str, now: datetime) -> When | None:
    """The window a patient asks for, relative to ``now`` (clinic time). None if no time found."""
    cleaned = clean_words(text)
    if not cleaned:
        return None
    corrections = list(CORRECTED.finditer(cleaned))
    if corrections:
        before, after = cleaned[: corrections[-1].start()], cleaned[corrections[-1].end() :]
        said_next = re.search(rf"\bnext\s+(week\b|{_WEEKDAY})", before)
        if said_next and re.fullmatch(
            rf"\W*(on\s+)?{_WEEKDAY}\W*(morning|afternoon|evening)?\W*", after
        ):
            # "next thursday, no wait friday": next Friday ("next week" likewise)
            week = " week" if said_next.group(1) == "week" else ""
            after = f"next{week} {after.strip(' ,.')}"
        instead = parse_when(after, now) if after.strip() else None
        clock = NEW_CLOCK.fullmatch(after.strip(" ,."))
        if clock is not None and parse_when(before, now) is not None:
            # "friday 830 no wait 930", "friday at 2, actually make it 4": the day said before,
            # at the time corrected (the first time was searched)
            value = clock["clock"]
            if re.fullmatch(r"\d{3,4}", value):
                value = f"{value[:-2]}:{value[-2:]}"
            return parse_when(f"{_without_times(before)} at {value}", now)
        if instead is not None:
            # ("thursday afternoon, actually friday": still the afternoon)
            kept = part_of_day(before) if instead.part_of_day is None else None
            return replace(instead, part_of_day=kept) if kept else instead
    today = now.date()
    not_that = NOT_THAT_DAY.search(cleaned)
    if not_that is not None:
        # "not tomorrow": from the day after it, or what else was asked, without that day
        skipped = today + timedelta(days=0 if not_that["day"] in ("today", "tonight") else 1)
        rest = NOT_THAT_DAY.sub(" ", cleaned)
        when = parse_when(rest, now) if rest.strip() else None
        if when is None:
            start = skipped + timedelta(days=1)
            return When(
                start, start + timedelta(days=SOON_DAYS), part_of_day(rest), *_clock_limits(rest)
            )
        if when.start <= skipped < when.end:
            # ("anytime except tomorrow": from the day after; the window has no gaps)
            return replace(when, start=skipped + timedelta(days=1))
        return when
    not_week = NOT_THAT_WEEK.search(cleaned)
    if not_week is not None:
        monday = today - timedelta(days=today.weekday())
        after = monday + timedelta(days=14 if not_week["which"] == "next" else 7)
        rest = NOT_THAT_WEEK.sub(" ", cleaned)
        when = parse_when(rest, now) if rest.strip() else None
        if when is None:
            return When(
                after, after + timedelta(days=SOON_DAYS), part_of_day(rest), *_clock_limits(rest)
            )
        if when.exact and when.start < after:
            # ("can't make it next week, tuesday?": the Tuesday after it)
            day = when.start + timedelta(days=7 * -(-(after - when.start).days // 7))
            return replace(when, start=day, end=day)
        if when.start < after:
            # ("not next week, mornings": mornings after it)
            return replace(when, start=after, end=max(when.end, after + timedelta(days=6)))
        return when
    ruled_out = _ruled_out(cleaned)
    if ruled_out is not None:
        rest = ruled_out.rest
        when = parse_when(rest, now) or When(
            today, today + timedelta(days=SOON_DAYS), part_of_day(rest), *_clock_limits(rest)
        )
        return replace(
            when,
            not_on=when.not_on | ruled_out.days,
            not_before=max(filter(None, [when.not_before, ruled_out.not_before]), default=None),
            not_after=min(filter(None, [when.not_after, ruled_out.not_after]), default=None),
        )
    week_of = re.search(r"\b(?:the )?week of\b", cleaned)
    if week_of:
        # "the week of the 14th": that whole week (Monday to Sunday), not the 14th alone.
        day = parse_when(cleaned.replace(week_of.group(0), " "), now)
        if day is not None and day.start == day.end:
            monday = day.start - timedelta(days=day.start.weekday())
            return When(
                max(monday, today),
                monday + timedelta(days=6),
                day.part_of_day,
                day.not_before,
                day.not_after,
            )
    part = part_of_day(cleaned)
    not_before, not_after = _clock_limits(cleaned)
    if _late_in_the_day(cleaned) and part in ("evening", "afternoon", None):
        # "late as possible", "late afternoon": the last hours the offices are open (few
        # are open in the evening, which "late" alone was read as)
        part, not_before = "afternoon", max(not_before or LATE_FROM, LATE_FROM)
    if part and (not_before or not_after) and not _overlap(part, not_before, not_after):
        # "she has preschool in the morning, anything after 2?": the clock decides
        part = None

    def window(start: date, end: date | None = None, exact: bool = False) -> When:
        start = max(start, today)
        return When(start, max(end or start, start), part, not_before, not_after, exact)

    span = SPAN_AHEAD.search(cleaned)
    if span:
        # "between 2 and 3 weeks from now", "in 1 or 2 days": from the first to the last (it
        # was the last day alone)
        unit = 7 if span["unit"].startswith("week") else 1
        first, last = (int(span[k]) if span[k].isdigit() else NUMBER_WORDS[span[k]] for k in "ab")
        return window(today + timedelta(days=first * unit), today + timedelta(days=last * unit))
    between = DAY_RANGE.search(cleaned)
    if between:
        # "from the 8th to the 9th", "between the 8th and the 9th", "dec 8-9": both days (it
        # was the first alone, and "8-9" was August 9)
        month = between.group("month") or ""
        first_day = between.group("first") or between.group("first_day")
        first = parse_when(_day_of(month, first_day), now)
        last = parse_when(_day_of(month, between.group("last")), now)
        if first is not None and last is not None and first.start <= last.start:
            return window(first.start, last.end)
    after = AFTER_A_DAY.search(cleaned)
    if after:
        # "after the 10th", "any time after friday": from the day after, for two weeks (it
        # was the 10th itself).
        day = parse_when(after.group("day"), now)
        if day is not None:
            start = day.end + timedelta(days=1)
            return window(start, start + timedelta(days=SOON_DAYS - 1))
    month_window = _month_window(cleaned, today)
    if month_window:
        start, end = month_window
        month_part = part_of_day(re.sub(r"\b(early|late)\b", " ", cleaned))
        return When(max(start, today), end, month_part, not_before, not_after)
    if any(re.search(rf"\b{re.escape(w)}\b", cleaned) for w in SOON_WORDS) and not re.search(
        r"\b(this|next|coming) week\b|\bweek after next\b", cleaned
    ):
        # ("any day of next week" is next week). A day said too is that day: "no preference
        # friday" (no preference of clinician) searched the next two weeks.
        rest = cleaned
        for word in SOON_WORDS:
            rest = re.sub(rf"\b{re.escape(word)}\b", " ", rest)
        said = parse_when(rest, now) if rest.strip() else None
        if said is not None and said.exact:
            return said
        return window(today, today + timedelta(days=SOON_DAYS))
    match = re.search(rf"\b(?:a|one) week from (today|tomorrow|now|{_WEEKDAY})\b", cleaned)
    if match:
        ref = match.group(1)
        if ref in ("today", "now"):
            base = today
        elif ref == "tomorrow":
            base = today + timedelta(days=1)
        else:
            base = _next_weekday(today, WEEKDAY_NUMBERS[ref])
        return window(base + timedelta(days=7), exact=True)

    if re.search(r"\btoday\b|\btonight\b|\bthis (morning|afternoon|evening)\b", cleaned):
        return window(today, exact=True)
    if re.search(r"\bday after tomorrow\b", cleaned):
        return window(today + timedelta(days=2), exact=True)
    if re.search(r"\b(tomorrow|tmrw|tmr|tomorow|tommorow|tommorrow)\b", cleaned):
        return window(today + timedelta(days=1), exact=True)

    days = weekdays_named(cleaned)
    if re.search(r"\bweek after next\b", cleaned):
        monday = today - timedelta(days=today.weekday()) + timedelta(days=14)
        return _only_on(window(monday, monday + timedelta(days=6)), days)
    match = re.search(r"\b(this|next|coming)?\s*week(end)?\b", cleaned)
    if match and not re.search(r"\b(in|a|one|two|\d+)\s+weeks?\b", cleaned):
        which, weekend = match.group(1), match.group(2)
        monday = today - timedelta(days=today.weekday())
        if which == "next":
            monday += timedelta(days=7)
        if weekend:
            saturday = monday + timedelta(days=5)
            return window(saturday, saturday + timedelta(days=1))
        if which in ("next", "this", "coming") and len(days) == 1:
            # "next week, ideally thursday morning": that week's Thursday
            return window(monday + timedelta(days=min(days)), exact=True)
        if which in ("next", "this", "coming"):
            return _only_on(window(monday, monday + timedelta(days=6)), days)

    match = re.search(
        # ("a saturday morning in about 4 weeks" was the next Saturday)
        r"\b(?:in|within)\s+(?:about\s+|around\s+|roughly\s+|like\s+|maybe\s+)?"
        r"(\d+|a|an|one|two|three|four|five|six|a couple|couple|a few|few)"
        r"(?:\s+of)?\s+(day|week|month)s?\b",
        cleaned,
    )
    if match:
        count = NUMBER_WORDS.get(match.group(1)) or int(match.group(1))
        unit = {"day": 1, "week": 7, "month": 30}[match.group(2)]
        target = today + timedelta(days=count * unit)
        if unit == 1 or match.group(0).startswith("within"):
            return window(today if match.group(0).startswith("within") else target, target)
        if len(days) == 1:
            # "a saturday in about 4 weeks": that week's Saturday (it was the next one)
            return window(_next_weekday(target, min(days), include_today=True), exact=True)
        if days:
            return _only_on(window(target, target + timedelta(days=6)), days)
        # "in two weeks": that week, from the same weekday on.
        return window(target, target + timedelta(days=4))

    several = len(days) > 1 or (days and PLURAL_WEEKDAY.search(cleaned))
    if several and not re.search(r"\d(st|nd|rd|th)\b|\d{1,2}/\d{1,2}", cleaned):
        # "thursday or friday", "monday or wednesday morning", "tuesdays": those days, soon
        # (it was the first one named alone)
        soon = window(today, today + timedelta(days=SOON_DAYS))
        return replace(soon, not_on=soon.not_on | frozenset(set(range(7)) - days))
    match = re.search(rf"\b(this|next|coming|on)?\s*{_WEEKDAY}\b", cleaned)
    ordinal = re.search(r"\b(?:the\s+)?(\d{1,2})(?:st|nd|rd|th)\b", cleaned)
    if match and ordinal and not re.search(r"\d{1,2}/\d{1,2}", cleaned):
        # "friday the 18th": the 18th that is a Friday (the date decides, not "this Friday").
        day = _weekday_and_ordinal(today, WEEKDAY_NUMBERS[match.group(2)], int(ordinal.group(1)))
        if day:
            return window(day, exact=True)
    if (
        match
        and not ordinal
        and not re.search(
            r"\b(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\s+\d", cleaned
        )
    ):
        which, name = match.group(1), match.group(2)
        weekday = WEEKDAY_NUMBERS[name]
        day = _next_weekday(today, weekday)
        if which == "next":
            # "next X" is X of next week: on a Tuesday, "next friday" is Friday week.
            monday_next = today - timedelta(days=today.weekday()) + timedelta(days=7)
            if day < monday_next:
                day += timedelta(days=7)
        return window(day, exact=True)

    match = re.search(r"\b(?:the\s+)?(\d{1,2})(?:st|nd|rd|th)\b", cleaned)
    # (a month's word, not its first letters: "hi its mary ann obrien, cancel my appt on the
    # 10th" went to dateparser, which read "on the 10th" as Oct 3)
    month_named = re.search(rf"\b{MONTH_WORD}\b", cleaned)
    if match and not month_named and not re.search(r"\d{1,2}/\d{1,2}", cleaned):
        number = int(match.group(1))
        if 1 <= number <= 31:
            day = _ordinal_day(today, number)
            if day:
                return window(day, exact=True)

    parsed = _dateparser_date(cleaned, now) if _DATE_CUE.search(cleaned) else None
    if parsed is not None:
        if parsed < today:
            return None  # a past date (or a birth date): not something we can book
        return window(parsed, exact=True)
    if part or not_before or not_after:
        # "mornings are best": any day soon, that part of the day.
        return window(today, today + timedelta(days=SOON_DAYS))
    return None


_ORDINAL = r"\d{1,2}(?:st|nd|rd|th)"
# Two days: "dec 8-9", "from the 8th to the 9th", "the 14th-18th" (bare numbers without a
# month are clock times: "between 9 and 11").
DAY_RANGE = re.compile(
    rf"\b(?:(?P<month>{MONTH_WORD})\s+(?:from\s+|between\s+)?(?:the\s+)?"
    rf"(?P<first>\d{{1,2}}(?:st|nd|rd|th)?)|(?:from\s+|between\s+)?(?:the\s+)?"
    rf"(?P<first_day>{_ORDINAL}))\s*(?:-|to|through|thru|and|till|until)\s*"
    r"(?:the\s+)?(?P<last>\d{1,2}(?:st|nd|rd|th)?)\b(?!\s*(?:am|pm|:|o'?clock))"
)


def is_month_name(word: str) -> bool:
    """ "june", "sept", "dec": a month's name or its short form."""
    return re.fullmatch(MONTH_WORD, word.lower()) is not None


def _day_of(month: str, day: str) -> str:
    """ "dec 9", or "the 9th" when no month is named."""
    number = re.sub(r"\D", "", day)
    return f"{month} {number}" if month else f"the {number}th"


def _only_on(when: When, days: set[int]) -> When:
    """``when`` on the weekdays named only (all of them when none or one is named)."""
    if len(days) < 2:
        return when
    return replace(when, not_on=when.not_on | frozenset(set(range(7)) - days))


def _weekday_and_ordinal(today: date, weekday: int, number: int) -> date | None:
    """The next date that is both the ``number``th and a ``weekday`` (this month's or the
    next); else the next ``number``th: patients are surer of the date than of its weekday."""
    if not 1 <= number <= 31:
        return None
    first = _ordinal_day(today, number)
    following = _ordinal_day(first + timedelta(days=1), number) if first else None
    return next((d for d in (first, following) if d and d.weekday() == weekday), first)


def _dateparser_date(cleaned: str, now: datetime) -> date | None:
    settings = {
        "PREFER_DATES_FROM": "future",
        "RELATIVE_BASE": now.replace(tzinfo=None),
        "DATE_ORDER": "MDY",
        "PREFER_DAY_OF_MONTH": "first",
        "RETURN_AS_TIMEZONE_AWARE": False,
    }
    stripped = re.sub(
        r"\b(" + "|".join(sorted(PARTS_OF_DAY, key=len, reverse=True)) + r")\b", " ", cleaned
    )
    stripped = re.sub(
        r"\b(after|before|by|at|around)\s+\d{1,2}(:\d{2})?\s*(am|pm)?\b", " ", stripped
    )
    # Any other clock time is no date either ("the 9am one" was read as September 1st).
    stripped = re.sub(r"\b\d{1,2}(:\d{2})?\s*(am|pm)\b|\b\d{1,2}:\d{2}\b", " ", stripped)
    stripped = re.sub(r"\s+", " ", stripped).strip()
    if not stripped:
        return None
    whole = dateparser.parse(stripped, languages=["en"], settings=settings)
    if whole is not None and not re.fullmatch(r"\d{1,2}(:\d{2})?\s*(am|pm)?", stripped):
        return _not_a_year_late(whole.date(), now.date(), cleaned)
    try:
        found = search_dates(stripped, languages=["en"], settings=settings) or []
    except (ValueError, OverflowError):
        return None
    for phrase, moment in found:
        # Ignore lone words dateparser over-reads ("may", "second", "now", "sun").
        if re.fullmatch(r"[a-z]+", phrase.strip()) and phrase.strip() not in (
            "tomorrow",
            "today",
        ):
            continue
        if re.fullmatch(r"\d{1,2}(:\d{2})?\s*(am|pm)?", phrase.strip()):
            continue
        return _not_a_year_late(moment.date(), now.date(), cleaned)
    return None


def _not_a_year_late(parsed: date, today: date, cleaned: str) -> date:
    """Today's own date ("Nov 30" on Nov 30) is today: dateparser's "future" skips to next
    year's, unless the year was written."""
    same_day = (parsed.month, parsed.day) == (today.month, today.day)
    if same_day and parsed.year == today.year + 1 and not re.search(r"\b\d{4}\b", cleaned):
        return today
    return parsed


# Times of day without a day: "after 3", "at 8", "7:30", "8 am", "3:30 or later".
CLOCK_PHRASE = re.compile(
    r"\b(?:after|before|by|at|around)\s+\d{1,2}(?::\d{2})?\s*(?:am|pm)?\b"
    r"|\b\d{1,2}:\d{2}\s*(?:am|pm)?\b|\b\d{1,2}\s*(?:am|pm)\b"
    r"|\bor\s+(?:later|after|earlier|before|sooner)\b|\bnoon\b"
)


def _without_times(cleaned: str) -> str:
    rest = CLOCK_PHRASE.sub(" ", cleaned)
    for phrase in sorted(PARTS_OF_DAY, key=len, reverse=True):
        rest = re.sub(rf"\b{re.escape(phrase)}\b", " ", rest)
    return rest


def only_time_of_day(text: str, now: datetime) -> bool:
    """Whether ``text`` asks for a time of day, or rules out days, and names no day ("anything
    after 3?", "8 am", "mornings", "not mondays"): said about the days already being looked at."""
    cleaned = clean_words(text)
    if parse_when(cleaned, now) is None:
        return False
    ruled_out = _ruled_out(cleaned)
    rest = ruled_out.rest if ruled_out else cleaned
    return parse_when(_without_times(rest), now) is None


def with_new_time(previous: str, text: str) -> str:
    """The days of ``previous`` at the time of day of ``text``: "thursday" + "after 3"; and
    its time of day too when ``text`` only rules out days ("mornings" + "not mondays")."""
    cleaned = clean_words(text)
    ruled_out = _ruled_out(cleaned)
    says_a_time = _without_times(cleaned) != cleaned or (
        ruled_out is not None and (ruled_out.not_before or ruled_out.not_after)
    )
    days = _without_times(clean_words(previous)) if says_a_time else previous
    return " ".join(f"{days} {text}".split())


# "any time next week", "mornings are fine now": the limits said before are dropped.
LIMITS_DROPPED = re.compile(
    r"\b(any ?time|whenever|any day|any time of day|(?:mornings?|fridays?|mondays?|tuesdays?|"
    r"wednesdays?|thursdays?|saturdays?|any\w*) (?:is|are|would be) (?:fine|ok|okay|good)"
    r"|doesn'?t matter|don'?t care)\b",
    re.IGNORECASE,
)


def with_kept_limits(previous: str, text: str, now: datetime) -> str:
    """Other days (``text``), with the times of day and the weekdays ruled out that were said
    before (``previous``): "only after 3, not fridays" - "actually next week" offered Friday
    mornings, without a word about the limits dropped. What ``text`` says of its own wins; a
    day named that was ruled out ("friday the 11th then") is that day."""
    new, before = parse_when(text, now), parse_when(previous, now)
    if new is None or before is None or LIMITS_DROPPED.search(text):
        return text
    extra: list[str] = []
    if not (new.part_of_day or new.not_before or new.not_after):
        if before.part_of_day:
            extra.append(f"{before.part_of_day}s")
        if before.not_before is not None:
            extra.append(f"after {format_clock(before.not_before)}")
        if before.not_after is not None:
            extra.append(f"before {format_clock(before.not_after)}")
    ruled_out_day_named = new.exact and new.start.weekday() in before.not_on
    if before.not_on and not new.not_on and not ruled_out_day_named:
        extra.append(f"not {weekdays_plural(sorted(before.not_on))}")
    if not extra:
        return text
    combined = " ".join([text, *extra])
    kept = parse_when(combined, now)
    if kept is None or (kept.start, kept.end) != (new.start, new.end):
        return text  # the limits read as a day of their own: the days asked for, alone
    return combined


def in_part_of_day(moment: datetime, part: str) -> bool:
    """Does ``moment`` (clinic time) fall in the ``part`` of the day ("morning")?"""
    low, high = PART_HOURS[part]
    return low <= moment.hour < high


def within_part_of_day(moment: datetime, when: When) -> bool:
    """Does a slot starting at ``moment`` (clinic time) fit the part of day, the clock limits
    and the weekdays asked for?"""
    clock = moment.time()
    if moment.weekday() in when.not_on:
        return False
    if when.part_of_day and not in_part_of_day(moment, when.part_of_day):
        return False
    if when.not_before and clock < when.not_before:
        return False
    return not (when.not_after and clock >= when.not_after)


# "push it back a week", "a couple of days later", "move it up 2 days", "same time next week":
# said of an existing appointment, counted from that appointment's day, not from today.
_SHIFT_AMOUNT = r"(an?|one|two|three|four|five|six|(?:a )?couple(?: of)?|(?:a )?few|\d{1,2})"
_SHIFT_EARLIER = ("up", "earlier", "sooner", "before")
_SHIFT = re.compile(
    rf"\b(?:(back|out|later|up|earlier|sooner)\s+(?:by\s+)?{_SHIFT_AMOUNT}\s+(day|week)s?\b"
    rf"|(?:by\s+)?{_SHIFT_AMOUNT}\s+(day|week)s?\s+(later|after|earlier|sooner|before|back|out|up)"
    r"(?!\s+(?:than|that|this|the|my|our|from|today|tomorrow|now)\b))",
)
_SAME_TIME_NEXT_WEEK = re.compile(
    r"\b(?:(same time|same day)\s+(?:the\s+)?(?:next|following) week"
    r"|(?:the )?(?:following week|week after)(?!\s+(?:that|this|next|christmas|thanksgiving)\b)"
    # ("next week after 3pm" is next week, after 3pm: it was the week after the appointment)
    r"(?!\s+\d))\b"
)


# "the following monday", "the monday after": the first such weekday after the appointment's
# day ("move it to the following monday" from Mon Dec 7 searched Dec 7 itself).
_FOLLOWING_WEEKDAY = re.compile(
    rf"\b(?:the\s+)?following\s+{_WEEKDAY}\b|\bthe\s+{_WEEKDAY}\s+after(?:\s+(?:that|it))?\b"
    r"(?!\s+(?:next|christmas|thanksgiving|new year))"
)


# "next week same time": the order turned round.
_NEXT_WEEK_SAME_TIME = re.compile(
    r"\b(?:next|following) week\s+(?:at\s+|around\s+)?(?:the\s+)?same time\b"
)
# "an hour later", "2 hours earlier", "later by an hour", "30 min later": the same day, that much
# moved (minutes got the arrival-time answer).
_SHIFT_AMOUNT = r"an?|one|two|three|four|half an?|\d{1,2}|fifteen|twenty|thirty|forty[- ]five"
_SHIFT_UNIT = r"hours?|hrs?|minutes?|mins?"
_HOUR_SHIFT = re.compile(
    rf"\b(?:({_SHIFT_AMOUNT})\s+(?:more\s+)?({_SHIFT_UNIT})\s+"
    r"(later|earlier|sooner|after|before|back|up)"
    rf"|(later|earlier)\s+by\s+({_SHIFT_AMOUNT})\s+({_SHIFT_UNIT}))\b"
)
_MINUTE_WORDS = {"fifteen": 15, "twenty": 20, "thirty": 30, "forty five": 45, "forty-five": 45}
# "same day", "that day", "later that day": the appointment's own day (not a same-day visit,
# nor "same day next week").
_SAME_DAY_AS_IT = re.compile(
    r"\b(?:(?:the|that)\s+)?same\s+day\b(?!\s+(?:(?:the\s+)?(?:next|following)\s+week|"
    r"appointments?|appts?|visits?|openings?|slots?|sick)\b)"
    # "later in the day" searched the afternoons of the next two weeks
    r"|\b(?:later|earlier)\s+(?:that|in\s+the|on\s+the\s+same)\s+day\b"
)
# "not the same day", "can't do that same day": the appointment's day ruled out, not asked for.
_DAY_REFUSED = re.compile(
    r"\b(?:not|no|never|can\s?t|cannot|can not|won\s?t|doesn\s?t|don\s?t|isn\s?t|anything but|"
    r"other than|except)\b(?:\s+\w+){0,3}\s*$"
)
_SAME_TIME = re.compile(r"\b(?:at\s+|around\s+)?(?:the\s+)?same\s+time\b")
# "to the afternoon", "the morning instead": that part of the appointment's own day.
_PART_OF_ITS_DAY = re.compile(
    r"(?:(?:to|into|in|for)\s+)?the\s+(morning|afternoon|evening)"
    r"(?:\s+(?:instead|please|pls|if possible|if you can))?"
)
_LATER_WORD = re.compile(r"\b(later|after)\b")
_EARLIER_WORD = re.compile(r"\b(earlier|before|sooner)\b")


def says_a_shift(text: str) -> bool:
    """Whether the text moves an appointment by an amount ("push it back a week", "an hour
    later") or to its own day or time ("same day", "friday same time")."""
    cleaned = clean_words(text)
    return bool(
        _SHIFT.search(cleaned)
        or _SAME_TIME_NEXT_WEEK.search(cleaned)
        or _NEXT_WEEK_SAME_TIME.search(cleaned)
        or _HOUR_SHIFT.search(cleaned)
        or _own_day_asked(cleaned)
        or _SAME_TIME.search(cleaned)
        or _FOLLOWING_WEEKDAY.search(cleaned)
    )


def _own_day_asked(cleaned: str) -> re.Match[str] | None:
    """ "same day", "later that day": the appointment's own day asked for, not ruled out."""
    same_day = _SAME_DAY_AS_IT.search(cleaned)
    if same_day is None or _DAY_REFUSED.search(cleaned[: same_day.start()]):
        return None
    return same_day


def _clock_words(moment: datetime) -> str:
    return f"{moment:%I:%M %p}".lstrip("0").lower()


def _hours_moved(match: re.Match[str]) -> timedelta:
    amount = match.group(1) or match.group(5) or "an"
    direction = match.group(3) or match.group(4) or "later"
    unit = match.group(2) or match.group(6) or "hour"
    if amount.startswith("half"):
        minutes = 30
    elif unit.startswith("min"):
        minutes = int(amount) if amount.isdigit() else _MINUTE_WORDS.get(amount, 30)
    else:
        minutes = 60 * (int(amount) if amount.isdigit() else NUMBER_WORDS.get(amount, 1))
    sign = -1 if direction in ("earlier", "sooner", "before", "up") else 1
    return timedelta(minutes=sign * minutes)


def _same_day_shift(cleaned: str, start: datetime) -> str | None:
    """ "same day but an hour later" -> "December 7 at 3:00 pm"; "same day, later" ->
    "December 7 after 2:00 pm"; "friday same time" -> "friday at 2:00 pm"; None otherwise."""
    day = f"{start:%B} {start.day}"
    hours = _HOUR_SHIFT.search(cleaned)
    if hours is not None:
        moved = start + _hours_moved(hours)
        rest = _SAME_DAY_AS_IT.sub(" ", cleaned[: hours.start()] + " " + cleaned[hours.end() :])
        # another day named with it ("friday, an hour later") keeps that day
        on = "" if parse_when(rest, start) is not None else f"{moved:%B} {moved.day} "
        return " ".join(f"{rest} {on}at {_clock_words(moved)}".split())
    same_day = _own_day_asked(cleaned)
    if same_day is not None:
        rest = cleaned[: same_day.start()] + " " + cleaned[same_day.end() :]
        if CLOCK_PHRASE.search(rest):
            return " ".join(f"{day} {rest}".split())  # "same day after 3": their own limit
        if _LATER_WORD.search(same_day.group(0)) or _LATER_WORD.search(rest):
            rest, said = _LATER_WORD.sub(" ", rest), f"{day} after {_clock_words(start)}"
        elif _EARLIER_WORD.search(same_day.group(0)) or _EARLIER_WORD.search(rest):
            rest, said = _EARLIER_WORD.sub(" ", rest), f"{day} before {_clock_words(start)}"
        else:
            said = day
        return " ".join(f"{rest} {said}".split())
    same_time = _SAME_TIME.search(cleaned)
    if same_time is not None:
        before, after = cleaned[: same_time.start()], cleaned[same_time.end() :]
        return " ".join(f"{before} at {_clock_words(start)} {after}".split())
    part = _PART_OF_ITS_DAY.fullmatch(cleaned.strip())
    if part is not None:
        # "move my tuesday appt to the afternoon": that Tuesday's afternoon (it searched the
        # afternoons of the next two weeks from today)
        return f"{day} {part.group(1)}"
    return None


def shift_said_as_day(text: str, start: datetime, today: date) -> str | None:
    """``text`` (cleaned) with a shift of the appointment starting at ``start`` said as the day it
    lands on: "push it back a week" -> "push it December 10", "same time next week" -> "December
    10 at 9:30 am", "the week after" -> "week of December 10". ``None`` if no shift is said. A
    shift to today or earlier becomes "as soon as possible"."""
    cleaned = clean_words(text)
    # "around the same time", unless the patient names a time
    same_time = f" at {_clock_words(start)}"
    keep_time = part_of_day(cleaned) is None and not CLOCK_PHRASE.search(cleaned)
    shift = _SHIFT.search(cleaned)
    if shift is not None:
        direction = shift.group(1) or shift.group(6)
        amount = (shift.group(2) or shift.group(4) or "").replace(" of", "")
        unit = shift.group(3) or shift.group(5)
        number = int(amount) if amount.isdigit() else NUMBER_WORDS.get(amount, 1)
        days = number * (7 if unit == "week" else 1)
        target = start.date() + timedelta(days=-days if direction in _SHIFT_EARLIER else days)
        if target <= today:
            said = "as soon as possible"
        else:
            said = f"{target:%B} {target.day}" + (same_time if keep_time else "")
    elif (same := _NEXT_WEEK_SAME_TIME.search(cleaned)) is not None:
        # "next week same time": that weekday next week, at that time
        shift = same
        target = start.date() + timedelta(days=7)
        said = f"{target:%B} {target.day}{same_time}"
    elif (same := _SAME_TIME_NEXT_WEEK.search(cleaned)) is not None:
        shift = same
        target = start.date() + timedelta(days=7)
        if same.group(1) == "same time":
            said = f"{target:%B} {target.day}{same_time}"
        elif same.group(1) == "same day":
            said = f"{target:%B} {target.day}"
        else:
            said = f"week of {target:%B} {target.day}" + (same_time if keep_time else "")
    elif (following := _FOLLOWING_WEEKDAY.search(cleaned)) is not None:
        shift = following
        weekday = WEEKDAY_NUMBERS[next(g for g in following.groups() if g)[:3]]
        target = _next_weekday(start.date(), weekday)
        said = f"{target:%B} {target.day}" + (same_time if keep_time else "")
    else:
        return _same_day_shift(cleaned, start)
    return " ".join(f"{cleaned[: shift.start()]} {said} {cleaned[shift.end() :]}".split())
