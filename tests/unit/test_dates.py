"""Date phrases patients write, read against a fixed clock (Tuesday 24 Nov 2026, 10:00)."""

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from actions.clock_times import part_of_day
from actions.date_changes import (
    only_time_of_day,
    says_a_shift,
    shift_said_as_day,
    with_kept_limits,
    with_new_time,
)
from actions.dates import When, parse_when, within_part_of_day
from actions.ruled_out_days import said_cannot_come

NOW = datetime(2026, 11, 24, 10, 0, tzinfo=ZoneInfo("America/Los_Angeles"))  # a Tuesday


@pytest.mark.parametrize(
    ("text", "start", "end", "part"),
    [
        ("tomorrow", date(2026, 11, 25), date(2026, 11, 25), None),
        ("tmrw morning", date(2026, 11, 25), date(2026, 11, 25), "morning"),
        ("this friday", date(2026, 11, 27), date(2026, 11, 27), None),
        ("friday", date(2026, 11, 27), date(2026, 11, 27), None),
        # said on a Tuesday: "this tuesday" is today, a bare "tuesday" next week's
        ("this tuesday afternoon", date(2026, 11, 24), date(2026, 11, 24), "afternoon"),
        ("tuesday", date(2026, 12, 1), date(2026, 12, 1), None),
        # "next X" is X of next week.
        ("next friday", date(2026, 12, 4), date(2026, 12, 4), None),
        ("next Tuesday morning", date(2026, 12, 1), date(2026, 12, 1), "morning"),
        ("next monday", date(2026, 11, 30), date(2026, 11, 30), None),
        ("in two weeks", date(2026, 12, 8), date(2026, 12, 12), None),
        ("in 10 days", date(2026, 12, 4), date(2026, 12, 4), None),
        ("the 14th", date(2026, 12, 14), date(2026, 12, 14), None),
        # a name that begins like a month is no month ("I don't see an appointment on Fri Oct 1")
        (
            "hi its mary ann obrien, can you cancel my appt on the 14th",
            date(2026, 12, 14),
            date(2026, 12, 14),
            None,
        ),
        (
            "can i come in on the 2nd in the afternoon",
            date(2026, 12, 2),
            date(2026, 12, 2),
            "afternoon",
        ),
        ("dec 3", date(2026, 12, 3), date(2026, 12, 3), None),
        ("December 3rd", date(2026, 12, 3), date(2026, 12, 3), None),
        ("12/3", date(2026, 12, 3), date(2026, 12, 3), None),
        ("jan 5", date(2027, 1, 5), date(2027, 1, 5), None),
        ("next week", date(2026, 11, 30), date(2026, 12, 6), None),
        ("this weekend", date(2026, 11, 28), date(2026, 11, 29), None),
        ("a week from today", date(2026, 12, 1), date(2026, 12, 1), None),
        ("day after tomorrow", date(2026, 11, 26), date(2026, 11, 26), None),
        ("asap", date(2026, 11, 24), date(2026, 12, 8), None),
        ("as soon as possible please", date(2026, 11, 24), date(2026, 12, 8), None),
        # "...about my blood pressure, whats her next opening": the day question came anyway
        ("whats her next opening", date(2026, 11, 24), date(2026, 12, 8), None),
        ("when is the next free appointment", date(2026, 11, 24), date(2026, 12, 8), None),
        ("early december", date(2026, 12, 1), date(2026, 12, 10), None),
        # once read as "a month from today, morning" (Dec 24)
        ("book a follow up early next month", date(2026, 12, 1), date(2026, 12, 10), None),
        ("next month", date(2026, 12, 1), date(2026, 12, 31), None),
        ("late next month", date(2026, 12, 21), date(2026, 12, 31), None),
        ("the week of the 14th", date(2026, 12, 14), date(2026, 12, 20), None),
        ("week of dec 21, afternoons", date(2026, 12, 21), date(2026, 12, 27), "afternoon"),
        ("2moro aftn", date(2026, 11, 25), date(2026, 11, 25), "afternoon"),
        ("nxt wk", date(2026, 11, 30), date(2026, 12, 6), None),
        ("sometime in january, afternoons", date(2027, 1, 1), date(2027, 1, 31), "afternoon"),
        ("mornings are best", date(2026, 11, 24), date(2026, 12, 8), "morning"),
        (
            "a physical with Dr. Patel next Tuesday morning at the north office",
            date(2026, 12, 1),
            date(2026, 12, 1),
            "morning",
        ),
        # A weekday with a date: the date (was this week's Friday, Dec 4 instead of Dec 18).
        ("friday the 18th", date(2026, 12, 18), date(2026, 12, 18), None),
        ("tuesday the 8th at 3:30", date(2026, 12, 8), date(2026, 12, 8), None),
        ("tues 5th", date(2027, 1, 5), date(2027, 1, 5), None),  # December's 5th is a Saturday
        ("friday the 19th", date(2026, 12, 19), date(2026, 12, 19), None),  # no such Friday soon
        # "after" a day: from the day after, for two weeks (it was that day itself)
        ("after the 10th, mornings", date(2026, 12, 11), date(2026, 12, 24), "morning"),
        ("any time after friday", date(2026, 11, 28), date(2026, 12, 11), None),
        ("after next week", date(2026, 12, 7), date(2026, 12, 20), None),
        # a part of a week: its days (the whole week, and "early" read as the mornings)
        ("early next week", date(2026, 11, 30), date(2026, 12, 2), None),
        ("beginning of next week in the morning", date(2026, 11, 30), date(2026, 12, 2), "morning"),
        ("middle of next week", date(2026, 12, 1), date(2026, 12, 3), None),
        ("midweek", date(2026, 11, 24), date(2026, 11, 26), None),  # from today
        ("later this week", date(2026, 11, 26), date(2026, 11, 28), None),
        ("end of the week", date(2026, 11, 26), date(2026, 11, 28), None),
        ("late next week after 3", date(2026, 12, 3), date(2026, 12, 5), None),
        ("early next week, tuesday ideally", date(2026, 12, 1), date(2026, 12, 1), None),
        # the next few days, from today (each was "I didn't catch a day there")
        ("in the next couple days", date(2026, 11, 24), date(2026, 11, 26), None),
        ("the next day or two", date(2026, 11, 24), date(2026, 11, 26), None),
        ("next few days, afternoons", date(2026, 11, 24), date(2026, 11, 27), "afternoon"),
        ("within the next week", date(2026, 11, 24), date(2026, 12, 1), None),  # not next week's
        ("the week after christmas", None, None, None),  # a holiday's: actions/visit_request
    ],
)
def test_parse_when(text: str, start: date | None, end: date | None, part: str | None) -> None:
    when = parse_when(text, NOW)
    if start is None:
        assert when is None
        return
    assert when is not None, text
    assert (when.start, when.end, when.part_of_day) == (start, end, part)


@pytest.mark.parametrize(
    ("text", "part"),
    [
        ("tmrw am", "morning"),
        ("I am free in the am", "morning"),
        ("a late appointment", "evening"),
        # "I am ..." and "running late" once limited the search to mornings / evenings.
        ("Hi I am Aisha Khan, I need to book my womens health exam", None),
        ("i am free any day", None),
        ("I'm running late", None),
        # the "pm" of a clock time: "before 2 pm" looked only from noon to 2
        ("tuesday before 2 pm", None),
        ("December 10 before 2:00 pm", None),
        ("after 9:30 am", None),
        ("tuesday pm", "afternoon"),
    ],
)
def test_part_of_day(text: str, part: str | None) -> None:
    assert part_of_day(text) == part


@pytest.mark.parametrize(
    "text", ["hello", "Dr Patel", "2", "the second one", "the 9:30", "north office", ""]
)
def test_no_date_in_text(text: str) -> None:
    assert parse_when(text, NOW) is None


@pytest.mark.parametrize(
    "text",
    [
        # "3 months old" was March 1st: the latest days that could be booked were offered
        "hi can i make an appt for my daughter, she is 3 months old and never been there",
        "my son is 6 weeks old, need his first checkup",
        "my 2 year old needs a checkup",
        "a 10-day-old baby",
        "she just turned 9 months",
        # "the 9am one" was September 1st ("I don't see an appointment on Wed Sep 1")
        "i dont need 2 physicals on the same day, cancel the 9am one",
        # a child's visit by age: 2030 was searched ("I can only book up to …")
        "my daughter needs her 4 year shots",
        "his 2 month vaccines",
        "the 15-month well child visit",
    ],
)
def test_an_age_or_a_clock_time_is_no_day(text: str) -> None:
    assert parse_when(text, NOW) is None


def test_someone_elses_busy_part_of_the_day_is_not_asked_for() -> None:
    # "he works afternoons" was searched, with "mornings only please" said first
    text = "mornings only please, my son drives me and he works afternoons"
    assert part_of_day(text) == "morning"
    assert part_of_day("i work mornings, afternoons are best") == "afternoon"


def test_no_preference_with_a_day_is_that_day() -> None:
    # "new patient no preference friday" searched the next two weeks (the days shown: Tue-Thu)
    when = parse_when("new patient no preference friday", NOW)
    assert when is not None and when.start == when.end == date(2026, 11, 27)
    when = parse_when("no preference, either office, dec 24 afternoon", NOW)
    assert when is not None
    assert (when.start, when.end, when.part_of_day) == (
        date(2026, 12, 24),
        date(2026, 12, 24),
        "afternoon",
    )
    soon = parse_when("no preference", NOW)
    assert soon is not None and soon.start == NOW.date() and soon.end > soon.start


def test_a_same_day_appointment_is_today() -> None:
    when = parse_when("can i get a same day appointment", NOW)
    assert when is not None and when.start == when.end == NOW.date()


def test_a_day_said_with_an_age_is_that_day() -> None:
    when = parse_when("she is 3 months old, next friday afternoon", NOW)
    assert when is not None
    assert (when.start, when.part_of_day) == (date(2026, 12, 4), "afternoon")
    assert parse_when("in 3 months", NOW) is not None
    when = parse_when("her 4 year checkup next week", NOW)
    assert when is not None and when.start == date(2026, 11, 30)
    assert parse_when("can i come in 2 weeks for a checkup", NOW) is not None


@pytest.mark.parametrize(
    "text", ["are you open 7 days a week", "open 24 hours a day?", "24/7?", "twice a month"]
)
def test_how_often_is_no_day(text: str) -> None:
    # "7 days a week" searched Dec 18 ("7 days" and "a week")
    assert parse_when(text, NOW) is None


def test_a_day_said_with_how_often_is_that_day() -> None:
    when = parse_when("i work 5 days a week, can you do saturday", NOW)
    assert when is not None and when.start == date(2026, 11, 28)


@pytest.mark.parametrize(
    ("text", "not_before", "not_after"),
    [
        # 8:00am was once offered for this
        ("next week after school, like 3:30 or later", time(15, 30), None),
        ("any day after school", time(15, 0), None),
        ("10am or earlier", None, time(10, 0)),
        # the patient's own time is not the one asked for (only 9:30 was offered)
        ("mornings before 9 are ideal cuz i start work at 9:30", None, time(9, 0)),
        ("can i come at 4, i get off work at 3", time(15, 0), time(17, 1)),
    ],
)
def test_or_later_and_after_school(
    text: str, not_before: time | None, not_after: time | None
) -> None:
    when = parse_when(text, NOW)
    assert when is not None and (when.not_before, when.not_after) == (not_before, not_after)


@pytest.mark.parametrize(
    ("text", "not_before", "not_after"),
    [
        # a bare clock time is "at" that time (was ignored: "Which one works for you?")
        ("can i get 10:45 instead", time(9, 45), time(11, 46)),
        ("3pm?", time(14, 0), time(16, 1)),
        # noon (was ignored: "Dec 11 at noon?" offered 8am)
        ("Dec 11 at noon?", time(11, 0), time(13, 1)),
        ("after noon", time(12, 0), None),
    ],
)
def test_clock_times_without_at_and_noon(
    text: str, not_before: time | None, not_after: time | None
) -> None:
    when = parse_when(text, NOW)
    assert when is not None and (when.not_before, when.not_after) == (not_before, not_after)


def test_clock_limits() -> None:
    when = parse_when("after 3 on thursday", NOW)
    assert when is not None and when.start == date(2026, 11, 26)
    assert when.not_before == time(15, 0)
    at_two = parse_when("next friday at 2pm", NOW)
    assert at_two is not None and at_two.not_before == time(13, 0)
    slot = NOW.replace(day=4, month=12, hour=14)
    assert within_part_of_day(slot, at_two)
    assert not within_part_of_day(slot.replace(hour=9), at_two)


@pytest.mark.parametrize(
    ("text", "start", "end", "not_on", "not_before", "not_after"),
    [
        ("not mondays", date(2026, 11, 24), date(2026, 12, 8), {0}, None, None),
        ("any day but friday", date(2026, 11, 24), date(2026, 12, 8), {4}, None, None),
        ("can't do tues or wed", date(2026, 11, 24), date(2026, 12, 8), {1, 2}, None, None),
        ("next week, no mondays", date(2026, 11, 30), date(2026, 12, 6), {0}, None, None),
        (
            "busy thursday, how about friday",
            date(2026, 11, 27),
            date(2026, 11, 27),
            {3},
            None,
            None,
        ),
        (
            "I'm not available mornings",
            date(2026, 11, 24),
            date(2026, 12, 8),
            set(),
            time(12),
            None,
        ),
        (
            "thursday but not too early",
            date(2026, 11, 26),
            date(2026, 11, 26),
            set(),
            time(10),
            None,
        ),
        ("no afternoons please", date(2026, 11, 24), date(2026, 12, 8), set(), None, time(12)),
        # The day of the appointment they can't come to: the search offered that day.
        (
            "i can't make my appointment on wednesday",
            date(2026, 11, 24),
            date(2026, 12, 8),
            {2},
            None,
            None,
        ),
        ("cant make it friday", date(2026, 11, 24), date(2026, 12, 8), {4}, None, None),
    ],
)
def test_days_and_times_ruled_out(
    text: str,
    start: date,
    end: date,
    not_on: set[int],
    not_before: time | None,
    not_after: time | None,
) -> None:
    when = parse_when(text, NOW)
    assert when is not None
    assert (when.start, when.end, set(when.not_on)) == (start, end, not_on)
    assert (when.not_before, when.not_after) == (not_before, not_after)


@pytest.mark.parametrize("weekend_day", [5, 6])  # Sat Dec 5, Sun Dec 6
@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        # the "This week" button on a Sunday was that Sunday alone: "We're closed on Sundays"
        ("this week", date(2026, 12, 7), date(2026, 12, 13)),
        ("this week, thursday", date(2026, 12, 10), date(2026, 12, 10)),
        ("next week", date(2026, 12, 7), date(2026, 12, 13)),
    ],
)
def test_this_week_said_at_the_weekend_is_the_coming_one(
    weekend_day: int, text: str, start: date, end: date
) -> None:
    now = datetime(2026, 12, weekend_day, 10, 0, tzinfo=ZoneInfo("America/Los_Angeles"))
    when = parse_when(text, now)
    assert when is not None and (when.start, when.end) == (start, end)
    # ...and ruled out, the one after it
    ruled_out = parse_when("anything but this week", now)
    assert ruled_out is not None and ruled_out.start == date(2026, 12, 14)
    # ...but "this weekend" is still the one under way
    weekend = parse_when("this weekend", now)
    assert weekend is not None and (weekend.start, weekend.end) == (now.date(), date(2026, 12, 6))


@pytest.mark.parametrize(
    ("text", "start", "end", "not_on", "part"),
    [
        # "i work monday through friday": every day of it (Monday was ruled out, and Friday
        # taken for the day wanted, so Fridays and Saturdays were searched)
        (
            "i work monday through friday so i was hoping maybe a saturday morning would work",
            date(2026, 11, 28),
            date(2026, 11, 28),
            {0, 1, 2, 3, 4},
            "morning",
        ),
        ("busy mon-wed", date(2026, 11, 24), date(2026, 12, 8), {0, 1, 2}, None),
        ("i cant do weekdays", date(2026, 11, 24), date(2026, 12, 8), {0, 1, 2, 3, 4}, None),
        ("i work during the week", date(2026, 11, 24), date(2026, 12, 8), {0, 1, 2, 3, 4}, None),
        ("no weekends please", date(2026, 11, 24), date(2026, 12, 8), {5, 6}, None),
        # "in about 4 weeks" with a weekday: that week's (it was the next Saturday)
        (
            "a saturday morning in about 4 weeks",
            date(2026, 12, 26),
            date(2026, 12, 26),
            set(),
            "morning",
        ),
        # a week ruled out: after it (it was that very week that was searched)
        ("not next week", date(2026, 12, 7), date(2026, 12, 21), set(), None),
        ("anything but this week", date(2026, 11, 30), date(2026, 12, 14), set(), None),
        ("i cant make it next week, tuesday?", date(2026, 12, 8), date(2026, 12, 8), set(), None),
        ("why not next week", date(2026, 11, 30), date(2026, 12, 6), set(), None),
    ],
)
def test_a_range_of_days_or_a_week_ruled_out(
    text: str, start: date, end: date, not_on: set[int], part: str | None
) -> None:
    when = parse_when(text, NOW)
    assert when is not None
    assert (when.start, when.end, set(when.not_on), when.part_of_day) == (start, end, not_on, part)


@pytest.mark.parametrize(
    ("text", "day", "part_of_day"),
    [
        ("i'm not busy monday", date(2026, 11, 30), None),
        ("i dont work on friday", date(2026, 11, 27), None),
        ("not busy in the morning on thursday", date(2026, 11, 26), "morning"),
    ],
)
def test_a_negated_busy_or_work_leaves_the_day_open(
    text: str, day: date, part_of_day: str | None
) -> None:
    when = parse_when(text, NOW)
    assert when is not None
    assert (when.start, when.end, set(when.not_on)) == (day, day, set())
    assert (when.part_of_day, when.not_before, when.not_after) == (part_of_day, None, None)


@pytest.mark.parametrize(
    ("text", "start", "end", "part", "not_before"),
    [
        # offered Mon-Wed of next week, not Thursday
        (
            "sometime next week, ideally thursday morning",
            date(2026, 12, 3),
            date(2026, 12, 3),
            "morning",
            None,
        ),
        # "late" was the evening: "no openings in the next few weeks"
        (
            "friday the 27th, late as possible",
            date(2026, 11, 27),
            date(2026, 11, 27),
            "afternoon",
            time(15),
        ),
        # the earliest of the day (7:30am) was offered
        (
            "can i get the last appointment of the day on friday",
            date(2026, 11, 27),
            date(2026, 11, 27),
            "afternoon",
            time(15),
        ),
        ("end of the day friday", date(2026, 11, 27), date(2026, 11, 27), "afternoon", time(15)),
        (
            "any day in december, late afternoon",
            date(2026, 12, 1),
            date(2026, 12, 31),
            "afternoon",
            time(15),
        ),
        # a part of the day the clock rules out: the clock decides (was no openings at all)
        (
            "she has preschool in the morning, anything after 2?",
            date(2026, 11, 24),
            date(2026, 12, 8),
            None,
            time(14),
        ),
        ("the first week of january", date(2027, 1, 1), date(2027, 1, 7), None, None),
        ("sometime before the end of the year", date(2026, 11, 24), date(2026, 12, 31), None, None),
        # any day until then, not the month's last ten days (Dec 22 to 31 was offered)
        (
            "a physical before the end of the month",
            date(2026, 11, 24),
            date(2026, 11, 30),
            None,
            None,
        ),
        ("by end of month", date(2026, 11, 24), date(2026, 11, 30), None, None),
        ("before the end of december", date(2026, 11, 24), date(2026, 12, 31), None, None),
        # the days until a month named after "before" or "by" (the month itself was searched)
        (
            "shots before school starts in january",
            date(2026, 11, 24),
            date(2026, 12, 31),
            None,
            None,
        ),
        ("by january", date(2026, 11, 24), date(2026, 12, 31), None, None),
        ("i cant come before january", date(2027, 1, 1), date(2027, 1, 31), None, None),
        ("I'm running late, can I come friday", date(2026, 11, 27), date(2026, 11, 27), None, None),
        # "so late afternoon" is no "so late" (noon was offered)
        (
            "she works days so late afternoon is best",
            date(2026, 11, 24),
            date(2026, 12, 8),
            "afternoon",
            time(15),
        ),
        ("no, FRIDAY", date(2026, 11, 27), date(2026, 11, 27), None, None),  # a correction
    ],
)
def test_weeks_late_and_parts_of_the_day_the_clock_rules_out(
    text: str, start: date, end: date, part: str | None, not_before: time | None
) -> None:
    when = parse_when(text, NOW)
    assert when is not None
    assert (when.start, when.end, when.part_of_day, when.not_before) == (
        start,
        end,
        part,
        not_before,
    )
    assert not when.not_on


def test_a_ruled_out_weekday_is_no_slot_and_is_said() -> None:
    when = parse_when("next week but not monday", NOW)
    assert when is not None and when.describe() == "Mon Nov 30 to Sun Dec 6 (no Mondays)"
    monday, tuesday = NOW.replace(day=30, hour=10), NOW.replace(day=1, month=12, hour=10)
    assert not within_part_of_day(monday, when)
    assert within_part_of_day(tuesday, when)
    assert not within_part_of_day(monday, when.widen(3))  # kept when widened


@pytest.mark.parametrize(
    ("previous", "text", "combined"),
    [
        ("next week mornings", "not mondays", "next week mornings not mondays"),
        ("next week mornings", "no mornings", "next week no mornings"),
        ("thursday", "after 3", "thursday after 3"),
    ],
)
def test_a_time_or_a_day_ruled_out_is_about_the_days_asked(
    previous: str, text: str, combined: str
) -> None:
    assert only_time_of_day(text, NOW)
    assert with_new_time(previous, text) == combined


@pytest.mark.parametrize(
    ("previous", "text", "described"),
    [
        # "only after 3, not fridays" - "actually next week" offered Friday mornings
        (
            "only after 3, not fridays",
            "actually next week",
            "Mon Nov 30 to Sun Dec 6 (after 3pm, no Fridays)",
        ),
        ("not mornings", "next week", "Mon Nov 30 to Sun Dec 6 (afternoons)"),
        ("after 3", "ok thursday then", "Thu Nov 26 (after 3pm)"),
        ("before 11am", "next tuesday", "Tue Dec 1 (before 11am)"),
        # what the new words say of their own wins
        (
            "only after 3, not fridays",
            "next week mornings",
            "Mon Nov 30 to Sun Dec 6 (morning, no Fridays)",
        ),
        # a day named that was ruled out is that day; its time limit stays
        ("after 3, not fridays", "friday dec 4", "Fri Dec 4 (after 3pm)"),
        # "any time" drops them
        ("mornings", "any time next week", "Mon Nov 30 to Sun Dec 6"),
        ("not fridays", "next week, any day is fine", "Mon Nov 30 to Sun Dec 6"),
    ],
)
def test_limits_said_before_stay_when_the_days_change(
    previous: str, text: str, described: str
) -> None:
    when = parse_when(with_kept_limits(previous, text, NOW), NOW)
    assert when is not None and when.describe() == described


@pytest.mark.parametrize(
    ("part", "after", "described"),
    [
        # "same day but later in the afternoon" moving a 7:30am visit: the afternoon says it
        ("afternoon", time(7, 30), "Mon Dec 14 (afternoon)"),
        ("evening", time(12, 0), "Mon Dec 14 (evening)"),
        # a limit inside the part of day is still said
        ("afternoon", time(15, 0), "Mon Dec 14 (afternoon, after 3pm)"),
        ("morning", time(9, 30), "Mon Dec 14 (morning, after 9:30am)"),
    ],
)
def test_a_time_limit_the_part_of_day_keeps_is_not_said(
    part: str, after: time, described: str
) -> None:
    day = date(2026, 12, 14)
    when = When(day, day, part_of_day=part, not_before=after, exact=True)
    assert when.describe() == described


def test_next_week_after_a_time_is_no_shift_of_the_appointment() -> None:
    """ "only after 3" - "actually next week" while moving a Dec 9 visit searched the week
    after the appointment, around its own time ("week after" read in "next week after 3pm")."""
    start = NOW.replace(day=9, month=12, hour=16)
    assert shift_said_as_day("actually next week after 3pm not fridays", start, NOW.date()) is None
    assert shift_said_as_day("the week after", start, NOW.date()) is not None


def test_a_day_named_is_not_only_a_time() -> None:
    assert not only_time_of_day("tuesday, not mondays", NOW)


def test_widen_keeps_part_of_day() -> None:
    when = parse_when("tuesday morning", NOW)
    assert when is not None
    wider = when.widen(3)
    assert (wider.start, wider.end, wider.part_of_day) == (
        date(2026, 11, 28),
        date(2026, 12, 4),
        "morning",
    )


@pytest.mark.parametrize("text", ["Nov 24", "Tue Nov 24", "november 24th"])
def test_todays_own_date_is_today_not_next_year(text: str) -> None:
    # dateparser's "future" read today's date as gone and gave next year's.
    when = parse_when(text, NOW)
    assert when is not None and (when.start, when.end) == (NOW.date(), NOW.date())
    assert parse_when("nov 24 2027", NOW).start == date(2027, 11, 24)  # a year written stays


APPOINTMENT = datetime(2026, 12, 3, 9, 30, tzinfo=ZoneInfo("America/Los_Angeles"))  # a Thursday


@pytest.mark.parametrize(
    ("text", "said"),
    [
        # the same time of day, unless the patient names one
        ("push it back a week", "push it december 10 at 9:30 am"),
        ("can we push it back by a week?", "can we push it december 10 at 9:30 am"),
        ("move it up 2 days", "move it december 1 at 9:30 am"),
        ("a couple of days later, in the afternoon", "december 5 in the afternoon"),
        ("a couple days later after 3pm", "december 5 after 3pm"),
        ("move it out two weeks please", "move it december 17 at 9:30 am please"),
        ("one week later", "december 10 at 9:30 am"),
        ("same time next week", "december 10 at 9:30 am"),
        ("same day the following week", "december 10"),
        ("the week after", "week of december 10 at 9:30 am"),
        ("3 days earlier", "november 30 at 9:30 am"),
        ("10 days earlier", "as soon as possible"),  # today or before
        # the order turned round ("next week same time" kept no time)
        ("next week same time", "december 10 at 9:30 am"),
        ("can you do the week after at the same time", "can you do december 10 at 9:30 am"),
        # the appointment's own day and time ("same day but an hour later" searched today)
        ("same day but an hour later", "but december 3 at 10:30 am"),
        ("an hour earlier", "december 3 at 8:30 am"),
        ("2 hours later please", "please december 3 at 11:30 am"),
        ("later that day", "december 3 after 9:30 am"),
        ("same day but earlier", "but december 3 before 9:30 am"),
        ("the same day, in the afternoon", "in the afternoon december 3"),
        ("friday same time", "friday at 9:30 am"),
        # the weekday after the appointment's (Thu Dec 3): it searched the Monday before it
        ("the following monday", "december 7 at 9:30 am"),
        ("can we do the thursday after", "can we do december 10 at 9:30 am"),
        ("friday, an hour later", "friday at 10:30 am"),
        # minutes ("can you make it 30 minutes later" got the arrival-time answer)
        ("can you make it 30 minutes later", "can you make it december 3 at 10:00 am"),
        ("wait, make it 30 min later", "wait make it december 3 at 10:00 am"),
        ("fifteen mins earlier", "december 3 at 9:15 am"),
        ("later by 45 minutes", "december 3 at 10:15 am"),
        # the amount after the word (it asked "What day or time works best for you?")
        ("can you push it back an hour", "can you push it december 3 at 10:30 am"),
        ("move it up half an hour", "move it december 3 at 9:00 am"),
        ("push it back by 2 hours", "push it december 3 at 11:30 am"),
        # a couple, a few ("push it back a couple hours" asked for a day)
        ("can i push it back a couple hours", "can i push it december 3 at 11:30 am"),
        ("a couple of hours later", "december 3 at 11:30 am"),
        ("a few hours later", "december 3 at 12:30 pm"),
        # the patient's own limit on that day is kept ("same day after 3" became Dec 3, 2110)
        ("same day after 3", "december 3 after 3"),
        ("same day before 11am", "december 3 before 11am"),
        # the days of the appointment's own week (Mon Nov 30 - Sat Dec 5): "anything later that
        # same week but in the afternoon" searched the two weeks from today
        (
            "anything later that same week but in the afternoon",
            "anything december 4-5 but in the afternoon",
        ),
        ("later in the week", "december 4-5"),
        ("that same week", "november 30 - december 5"),
        ("same week is fine", "november 30 - december 5 is fine"),
        ("ok, same week please", "ok november 30 - december 5 please"),
        ("earlier that week", "november 30 - december 2"),
    ],
)
def test_a_shift_counts_from_the_appointment(text: str, said: str) -> None:
    assert says_a_shift(text)
    shifted = shift_said_as_day(text, APPOINTMENT, NOW.date())
    assert shifted is not None and shifted.lower() == said
    when = parse_when(shifted, NOW)
    assert when is not None and when.start >= NOW.date()


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("to the afternoon", "december 3 afternoon"),
        ("the morning instead", "december 3 morning"),
        ("afternoon", None),  # any afternoon
    ],
)
def test_the_afternoon_while_moving_is_that_days(text: str, said: str | None) -> None:
    """ "can i move my tuesday appt to the afternoon" searched the afternoons of the next two
    weeks from today, not that Tuesday's."""
    shifted = shift_said_as_day(text, APPOINTMENT, NOW.date())
    assert (shifted.lower() if shifted else None) == said


@pytest.mark.parametrize(
    "text",
    [
        "next week",
        "a week from today",
        "a week later than that",
        "in 2 days",
        "friday",
        "an hour",
        # the appointment's day ruled out, not asked for (it searched that day only)
        "i can't make it that day",
        "not the same day",
    ],
)
def test_no_shift(text: str) -> None:
    assert not says_a_shift(text)
    assert shift_said_as_day(text, APPOINTMENT, NOW.date()) is None


@pytest.mark.parametrize(
    ("text", "start", "end", "only", "not_before", "not_after"),
    [
        # "thursday or friday" was Thursday alone
        ("thursday or friday", date(2026, 11, 24), date(2026, 12, 8), {3, 4}, None, None),
        (
            "next week tuesday or thursday",
            date(2026, 11, 30),
            date(2026, 12, 6),
            {1, 3},
            None,
            None,
        ),
        ("the week after next", date(2026, 12, 7), date(2026, 12, 13), set(range(7)), None, None),
        # "not before 9" was read as "before 9"
        (
            "mornings are best but not before 9",
            date(2026, 11, 24),
            date(2026, 12, 8),
            set(range(7)),
            time(9),
            None,
        ),
        ("not after 4pm", date(2026, 11, 24), date(2026, 12, 8), set(range(7)), None, time(16)),
        # "not very early in morning" was "mornings", and "any day" hid "next week"
        (
            "any day of next week but not very early in morning",
            date(2026, 11, 30),
            date(2026, 12, 6),
            set(range(7)),
            time(10),
            None,
        ),
    ],
)
def test_several_days_and_negated_clock_limits(
    text: str,
    start: date,
    end: date,
    only: set[int],
    not_before: time | None,
    not_after: time | None,
) -> None:
    when = parse_when(text, NOW)
    assert when is not None
    assert (when.start, when.end) == (start, end)
    assert set(range(7)) - set(when.not_on) == only
    assert (when.not_before, when.not_after) == (not_before, not_after)


def test_a_few_days_allowed_are_described_as_those_days() -> None:
    when = parse_when("thursday or friday", NOW)
    assert when is not None and when.describe().endswith("(Thursdays or Fridays only)")


@pytest.mark.parametrize(
    ("text", "start", "end", "part", "not_before"),
    [
        ("dec 8-9", date(2026, 12, 8), date(2026, 12, 9), None, None),  # was August 9
        # a month on each side: "nov 30 - dec 2" was November 30 alone
        ("nov 30 - dec 2", date(2026, 11, 30), date(2026, 12, 2), None, None),
        ("december 30 to january 2", date(2026, 12, 30), date(2027, 1, 2), None, None),
        (
            "from the 8th to the 9th, afternoons",
            date(2026, 12, 8),
            date(2026, 12, 9),
            "afternoon",
            None,
        ),
        ("between the 8th and the 9th", date(2026, 12, 8), date(2026, 12, 9), None, None),
        ("the 14th-18th", date(2026, 12, 14), date(2026, 12, 18), None, None),
        # a greeting asks for no part of the day
        (
            "Good evening, I need a checkup next week",
            date(2026, 11, 30),
            date(2026, 12, 6),
            None,
            None,
        ),
        # "nothing before 9" was "before 9"; "no earlier than 10am" was "around 10"
        ("nothing before 9 pls", date(2026, 11, 24), date(2026, 12, 8), None, time(9)),
        ("no earlier than 10am", date(2026, 11, 24), date(2026, 12, 8), None, time(10)),
    ],
)
def test_day_ranges_greetings_and_earliest_times(
    text: str, start: date, end: date, part: str | None, not_before: time | None
) -> None:
    when = parse_when(text, NOW)
    assert when is not None
    assert (when.start, when.end, when.part_of_day, when.not_before) == (
        start,
        end,
        part,
        not_before,
    )


def test_bare_numbers_are_no_day_range() -> None:
    # "between 9 and 11" is a time of day (any day), not the 9th to the 11th
    when = parse_when("between 9 and 11", NOW)
    assert when is not None and (when.start, when.end) == (NOW.date(), date(2026, 12, 8))
    assert (when.not_before, when.not_after) == (time(9, 0), time(11, 0))
    assert parse_when("Good morning!", NOW) is None


@pytest.mark.parametrize(
    ("text", "day", "not_before", "not_after"),
    [
        # clock times as typed were ignored, and the earliest morning times offered
        ("330pm friday", date(2026, 11, 27), time(14, 30), time(16, 31)),
        ("move it to 330 friday", date(2026, 11, 27), time(14, 30), time(16, 31)),
        ("1030 friday", date(2026, 11, 27), time(9, 30), time(11, 31)),
        ("friday 10.30am", date(2026, 11, 27), time(9, 30), time(11, 31)),
        ("friday 830", date(2026, 11, 27), time(7, 30), time(9, 31)),
        ("half past 2 on friday", date(2026, 11, 27), time(13, 30), time(15, 31)),
        ("quarter to 11 on friday", date(2026, 11, 27), time(9, 45), time(11, 46)),
        ("friday between 10 and 2", date(2026, 11, 27), time(10, 0), time(14, 0)),
        ("tmrw 2 or 3", date(2026, 11, 25), time(14, 0), time(16, 0)),
        ("lunchtime friday", date(2026, 11, 27), time(11, 30), time(13, 30)),
        ("friday 5 or 6", date(2026, 11, 27), time(17, 0), time(19, 0)),  # was 5pm to 7am
        ("friday 2 or 3pm", date(2026, 11, 27), time(14, 0), time(16, 0)),  # 2pm was left out
        ("friday 8 or 9am", date(2026, 11, 27), time(8, 0), time(10, 0)),
        # ranges of the day (the earliest mornings were offered)
        ("move it to friday 10-11am", date(2026, 11, 27), time(10, 0), time(11, 0)),
        ("friday 10 to 11", date(2026, 11, 27), time(10, 0), time(11, 0)),
        ("friday from 1 to 3", date(2026, 11, 27), time(13, 0), time(15, 0)),
        ("friday 2-4pm", date(2026, 11, 27), time(14, 0), time(16, 0)),
        # ...said with "like" or lunch ("during my lunch break, like 12-1": December 1)
        ("friday during my lunch break, like 12-1", date(2026, 11, 27), time(12), time(13)),
        ("friday over lunch, 12-1", date(2026, 11, 27), time(12), time(13)),
        ("friday like 11-1", date(2026, 11, 27), time(11), time(13)),
        # a time corrected in the same message (the first one was searched)
        ("friday 830 no wait 930", date(2026, 11, 27), time(8, 30), time(10, 31)),
        ("friday at 2, actually make it 4", date(2026, 11, 27), time(15, 0), time(17, 1)),
        ("friday at 9 no i mean 10am", date(2026, 11, 27), time(9, 0), time(11, 1)),
        # the writer's own lunch break is no time asked for when a time is said
        ("im on my lunch break, can i come friday at 9", date(2026, 11, 27), time(8), time(10, 1)),
    ],
)
def test_clock_times_as_typed(text: str, day: date, not_before: time, not_after: time) -> None:
    when = parse_when(text, NOW)
    assert when is not None and (when.start, when.end) == (day, day)
    assert (when.not_before, when.not_after) == (not_before, not_after)


@pytest.mark.parametrize(
    "text",
    [
        "i owe $240",
        "room 330",
        "1 or 2 weeks from now",
        "11/02/1950",
        "10.5 miles",
        "between 2 and 3 weeks from now",
        "dec 1 or 2",
        "dec 8-9",
    ],
)
def test_numbers_that_are_no_clock_time(text: str) -> None:
    when = parse_when(text, NOW)
    assert when is None or (when.not_before, when.not_after) == (None, None)


@pytest.mark.parametrize(
    ("text", "start", "end", "ruled_out"),
    [
        # NOW is Tuesday Nov 24: tomorrow (Wed 25) was searched, and offered
        ("a checkup but not tomorrow please", date(2026, 11, 26), date(2026, 12, 10), "tomorrow"),
        ("not tommorow", date(2026, 11, 26), date(2026, 12, 10), "tommorow"),
        ("this week but not today", date(2026, 11, 25), date(2026, 11, 29), "today"),
        ("not today, friday", date(2026, 11, 27), date(2026, 11, 27), "today"),
        ("anytime except tomorrow", date(2026, 11, 26), date(2026, 12, 8), "tomorrow"),
        # asked for, not ruled out
        ("why not tomorrow?", date(2026, 11, 25), date(2026, 11, 25), None),
    ],
)
def test_not_tomorrow_is_any_day_after_it(
    text: str, start: date, end: date, ruled_out: str | None
) -> None:
    when = parse_when(text, NOW)
    assert when is not None and (when.start, when.end) == (start, end)
    # the day the model tags is not the one to search
    assert said_cannot_come(ruled_out or "tomorrow", text) is bool(ruled_out)


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("i cant make it tomorrow", None),
        ("can't make it tomorrow morning", None),
        ("I won't be able to make my appointment today", None),
        ("can't make it tomorrow, can i come friday", date(2026, 11, 27)),
        # a dated day ruled out: it was searched ("Here are the openings I found for Mon Dec 7")
        ("cant make my appt on the 7th, can we do tuesday", date(2026, 12, 1)),
        ("i cant do the 3rd or 4th. whats on the 9th", date(2026, 12, 9)),
        ("can't make my physical on 12/7 can i do 12/9", date(2026, 12, 9)),
        ("cant make my appt on the 11th", None),
        ("i can make it on the 7th", date(2026, 12, 7)),
        ("i can make it tomorrow", date(2026, 11, 25)),
    ],
)
def test_the_day_they_cannot_come_is_not_the_day_asked(text: str, day: date | None) -> None:
    # "i cant make it tomorrow" searched tomorrow for a new time.
    when = parse_when(text, NOW)
    assert (when.start if when else None) == day


@pytest.mark.parametrize(
    ("text", "start", "part"),
    [
        # "(Thursdays or Fridays only)", and Thursday offered first
        ("next thursday, no wait friday", "next friday", None),
        ("tuesday, actually wednesday", "wednesday", None),
        ("monday no i mean tuesday", "tuesday", None),
        ("thursday afternoon, actually friday", "friday", "afternoon"),
        ("next week tuesday no wait thursday", "next week thursday", None),
    ],
)
def test_a_day_corrected_in_the_same_message_is_the_day(
    text: str, start: str, part: str | None
) -> None:
    when, expected = parse_when(text, NOW), parse_when(start, NOW)
    assert when is not None and expected is not None
    assert (when.start, when.end, when.not_on) == (expected.start, expected.end, frozenset())
    assert when.part_of_day == part


def test_cant_make_it_is_no_correction() -> None:
    when = parse_when("cant make it friday", NOW)
    assert when is not None and 4 in when.not_on


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        # the last day alone was searched ("between 2 and 3 weeks": Dec 15 only)
        ("between 2 and 3 weeks from now", date(2026, 12, 8), date(2026, 12, 15)),
        ("in 2-3 weeks", date(2026, 12, 8), date(2026, 12, 15)),
        ("in 1 or 2 days", date(2026, 11, 25), date(2026, 11, 26)),
        ("in two or three days", date(2026, 11, 26), date(2026, 11, 27)),
    ],
)
def test_a_span_of_days_or_weeks_ahead(text: str, start: date, end: date) -> None:
    when = parse_when(text, NOW)
    assert when is not None and (when.start, when.end) == (start, end)


@pytest.mark.parametrize(
    ("text", "day"),
    [("the 7th of january", (1, 7)), ("actually can we do the 7th of jan", (1, 7))],
)
def test_a_day_of_a_month_said_the_british_way_is_that_day(text: str, day: tuple) -> None:
    # the whole of January was searched
    when = parse_when(text, NOW)
    assert when is not None and (when.start.month, when.start.day) == day
    assert when.start == when.end


@pytest.mark.parametrize(
    ("text", "weekdays"),
    [
        ("tuesdays or thursdays", {1, 3}),  # "Sorry, I didn't catch a day there"
        ("tuesdays are best for me", {1}),
        ("i said tuesdays", {1}),
        ("mondays after 3", {0}),
        # a run of days ("mon-fri mornings" was Monday and Friday only)
        ("mon-fri mornings", {0, 1, 2, 3, 4}),
        ("monday through wednesday", {0, 1, 2}),
        ("tues to thurs", {1, 2, 3}),
        ("fri-mon", {4, 5, 6, 0}),
        # the working week ("any weekday after 3" offered Saturday mornings' office)
        ("any weekday after 3", {0, 1, 2, 3, 4}),
        ("weekday mornings", {0, 1, 2, 3, 4}),
    ],
)
def test_weekdays_said_in_the_plural_are_those_days_any_week(text: str, weekdays: set) -> None:
    when = parse_when(text, NOW)
    assert when is not None and when.end > when.start
    assert set(range(7)) - set(when.not_on) == weekdays


@pytest.mark.parametrize("text", ["fri dec 11 830", "dec 11 830", "december 11th 830"])
def test_a_time_glued_after_a_date_is_that_time(text: str) -> None:
    # "fri dec 11 830" got "Sorry, I didn't catch a day there"
    when = parse_when(text, NOW)
    assert when is not None and when.start == when.end == date(2026, 12, 11)
    assert when.not_before is not None and when.not_before <= time(8, 30)


@pytest.mark.parametrize("text", ["nxt thurs aftrnoon", "next thursday afternon"])
def test_a_misspelt_part_of_day_is_kept(text: str) -> None:
    # "cn i mve it to nxt thurs aftrnoon": Thursday mornings were offered
    when = parse_when(text, NOW)
    assert when is not None and when.part_of_day == "afternoon"


@pytest.mark.parametrize(
    ("text", "part"),
    [
        # the afternoon was searched for each
        ("can i move it to a morning, its hard for me to get a ride in the afternoon", "morning"),
        ("mornings are better, afternoons are hard", "morning"),
        ("its hard for me to get a ride in the afternoon my son works", None),
        ("I always liked Dr Patel, my late husband saw her too", None),
        # still a time of day
        ("late afternoon", "afternoon"),
        ("the afternoon is best", "afternoon"),
    ],
)
def test_a_part_of_the_day_that_is_hard_or_a_late_husband_is_not_asked_for(
    text: str, part: str | None
) -> None:
    assert part_of_day(text) == part


def test_a_year_from_now_is_a_year_from_now() -> None:
    # "a year from now" was today: the year skipped by "future" dates was taken back
    for text in ("a year from now", "in a year"):
        when = parse_when(text, NOW)
        assert when is not None and when.start == date(2027, 11, 24)
    # ...while today's own date said alone is today
    when = parse_when("nov 24", NOW)
    assert when is not None and when.start == date(2026, 11, 24)
