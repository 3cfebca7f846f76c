"""When appointments can be had, from the weekly hours (actions/appointment_hours.py)."""

from __future__ import annotations

import pytest

from actions.appointment_hours import appointment_times_asked, appointment_times_text
from actions.settings import get_clinic

CLINIC = get_clinic()
DOWNTOWN, NORTH = CLINIC.locations
LATE_DOWNTOWN = (
    "Yes: the Downtown Clinic is open until 7pm on Thursdays and until 6pm from Monday to "
    "Wednesday. The North Office is not open after 5pm."
)


@pytest.mark.parametrize(
    "text",
    [
        "do you have evening appointments",
        "are there any evening appts",
        "do you offer late appointments",
        "do you do appointments after 5",
        "can you do appointments after work",
    ],
)
def test_evening_appointments_are_where_and_when_an_office_is_open_late(text: str) -> None:
    answer = appointment_times_text(CLINIC.locations, text)
    assert answer == f"{LATE_DOWNTOWN} I can look for a time then: just tell me the day."


@pytest.mark.parametrize(
    ("text", "answer"),
    [
        (
            "do you have saturday appointments",
            "Yes: the Downtown Clinic is open on Saturdays, 9am–1pm. The North Office is not "
            "open on Saturdays.",
        ),
        (
            "any weekend appointments?",
            "Yes: the Downtown Clinic is open on Saturdays, 9am–1pm. The North Office is not "
            "open on Saturdays or Sundays.",
        ),
        (
            "do you have early appointments",
            "Yes: the North Office opens at 7:30am from Monday to Friday. The Downtown Clinic "
            "is not open before 8am.",
        ),
    ],
)
def test_weekend_and_early_appointments(text: str, answer: str) -> None:
    assert appointment_times_text(CLINIC.locations, text) == (
        f"{answer} I can look for a time then: just tell me the day."
    )


@pytest.mark.parametrize(
    ("locations", "text", "where"),
    [
        (CLINIC.locations, "do you see patients on sundays", "our offices aren't"),
        (CLINIC.locations, "do you have appointments after 7pm", "our offices aren't"),
        ([NORTH], "does the north office have saturday appointments", "the North Office isn't"),
    ],
)
def test_no_office_open_then_is_said_plainly_with_a_way_on(
    locations: list, text: str, where: str
) -> None:
    answer = appointment_times_text(locations, text)
    assert answer is not None and answer.startswith(f"Sorry, {where} open ")
    assert answer.endswith(
        "I can look for the time closest to it: just tell me which day suits you."
    )


@pytest.mark.parametrize(
    "text",
    [
        "do you have evening appointments? i need to book a physical",  # the booking answers
        "do you have anything on friday",
        "can i move my appointment to saturday",
        "can you book saturday",  # a booking
        "any saturday appointments this week?",  # a particular day: the booking's search
        "do you have evening appointments tomorrow",
        "can you schedule me early morning",
        "what are your hours",
    ],
)
def test_other_messages_are_no_such_question(text: str) -> None:
    assert not appointment_times_asked(text)
    assert appointment_times_text(CLINIC.locations, text) is None
