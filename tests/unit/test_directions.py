"""Directions, hours and parking per location, from clinic.yml, at fixed clocks."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from rasa_sdk.events import FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import directions
from actions.amenities import amenity_asked, amenity_text
from actions.clients.fhir_model import AppointmentRecord, BackendUnavailable
from actions.clinician_days import sees
from actions.directions import ASK_OFFICE, ActionLocationInfo
from actions.fallback import ActionOutOfScope
from actions.hours_at_time import asked_clock
from actions.nearby_areas import nearer_office
from actions.office_answers import TRAVEL_TIME_LINE, contact_text, directions_text
from actions.office_hours import asked_day, hours_text, open_status, upcoming_holidays, weekly_hours
from actions.settings import get_clinic, get_settings
from tests.support.actions import make_tracker

TZ = ZoneInfo("America/Los_Angeles")
TUESDAY_10AM = datetime(2026, 11, 24, 10, 0, tzinfo=TZ)
TUESDAY_11PM = datetime(2026, 11, 24, 23, 0, tzinfo=TZ)
WEDNESDAY_8PM = datetime(2026, 11, 25, 20, 0, tzinfo=TZ)
THANKSGIVING_10AM = datetime(2026, 11, 26, 10, 0, tzinfo=TZ)
CHRISTMAS_EVE_10AM = datetime(2026, 12, 24, 10, 0, tzinfo=TZ)
CHRISTMAS_EVE_1PM = datetime(2026, 12, 24, 13, 0, tzinfo=TZ)
CLINIC = get_clinic()
DOWNTOWN = CLINIC.location("downtown")
NORTH = CLINIC.location("north")
assert DOWNTOWN is not None and NORTH is not None

DOWNTOWN_WEEK = "Mon–Wed 8am–6pm, Thu 8am–7pm, Fri 8am–5pm, Sat 9am–1pm, Sun closed"
NORTH_WEEK = "Mon–Thu 7:30am–5pm, Fri 7:30am–4pm, Sat–Sun closed"
THANKSGIVING_NOTICE = (
    "Holiday hours: Thu, Nov 26 closed (Thanksgiving Day); "
    "Fri, Nov 27 closed (Day after Thanksgiving)."
)
PARKING_NORTH = (
    "Parking at the North Office (4500 Natomas Boulevard, Building B): Free parking in the lot "
    "in front of Building B, no time limit. No validation needed; parking is free."
)
PARKING_DOWNTOWN = (
    "Parking at the Downtown Clinic (1200 J Street, Suite 300): Park in the City Garage on 12th "
    "and J (entrance on 12th Street). Street meters on J Street allow 2 hours. Bring your garage "
    "ticket to the front desk; we validate up to 2 hours."
)
DIRECTIONS_NORTH = (
    "North Office\n"
    "4500 Natomas Boulevard, Building B, Sacramento, CA 95835\n"
    "Ground floor of Building B, next to the pharmacy.\n"
    "Map: https://maps.google.com/?q=4500+Natomas+Boulevard+Sacramento+CA+95835\n"
    "By bus or train: Bus route 13 stops at Natomas Blvd & Truxel Rd, a 3-minute walk.\n"
    "Accessibility: Step-free entrance, 6 accessible parking spaces by the door, accessible "
    "restrooms, and hearing loop at the reception desk.\n"
    "Lost on the way? Call (916) 555-0176."
)


def run(tracker: Any, clock: datetime = TUESDAY_10AM) -> tuple[list[Any], list[dict[str, Any]]]:
    dispatcher = CollectingDispatcher()
    events = ActionLocationInfo(clock=lambda: clock).run(dispatcher, tracker, {})
    return events, dispatcher.messages


def location_entity(value: str) -> list[dict[str, Any]]:
    return [{"entity": "location", "value": value}]


class FakeScheduling:
    """Stands in for the FHIR client: upcoming appointments, or the backend being down."""

    def __init__(self, appointments: list[AppointmentRecord] | None = None, down: bool = False):
        self.appointments = appointments or []
        self.down = down
        self.calls: list[str] = []

    def upcoming_appointments(self, patient_id: str) -> list[AppointmentRecord]:
        self.calls.append(patient_id)
        if self.down:
            raise BackendUnavailable("down")
        return self.appointments


def appointment(location_id: str, start: datetime) -> AppointmentRecord:
    return AppointmentRecord(
        id="a1",
        status="booked",
        start=start,
        end=start + timedelta(minutes=30),
        slot_id="s1",
        patient_id="p1",
        practitioner_id="lee",
        location_id=location_id,
        practitioner_name="Sam Lee, NP",
        location_name="",
        visit_type="follow_up",
        description="",
    )


@pytest.fixture
def fhir(monkeypatch: pytest.MonkeyPatch) -> FakeScheduling:
    fake = FakeScheduling()
    monkeypatch.setattr(directions, "scheduling_client", lambda: fake)
    return fake


# --- hours ------------------------------------------------------------------------------------


def test_weekly_hours_group_days_with_the_same_hours() -> None:
    assert weekly_hours(DOWNTOWN) == DOWNTOWN_WEEK
    assert weekly_hours(NORTH) == NORTH_WEEK


@pytest.mark.parametrize(
    ("now", "location", "expected"),
    [
        (TUESDAY_10AM, "downtown", "Open now until 6pm"),
        (TUESDAY_10AM, "north", "Open now until 5pm"),
        (TUESDAY_11PM, "downtown", "Closed now; opens tomorrow at 8am"),
        (TUESDAY_11PM, "north", "Closed now; opens tomorrow at 7:30am"),
        # Before opening: the day's hours, closing time too ("what time do you close today").
        (
            datetime(2026, 11, 24, 6, 0, tzinfo=CLINIC.tz),
            "downtown",
            "Closed now; open today 8am–6pm",
        ),
        # Thanksgiving and the day after: closed until the weekend / Monday.
        (WEDNESDAY_8PM, "downtown", "Closed now; opens Saturday at 9am"),
        (WEDNESDAY_8PM, "north", "Closed now; opens Monday at 7:30am"),
        (THANKSGIVING_10AM, "downtown", "Closed today for Thanksgiving Day; opens Saturday at 9am"),
        (CHRISTMAS_EVE_10AM, "north", "Open now until 12pm (Christmas Eve hours)"),
        (CHRISTMAS_EVE_1PM, "north", "Closed now; opens Monday at 7:30am"),
        # A UTC clock is read in the clinic's time zone (18:30 UTC = 10:30am in Sacramento).
        (datetime(2026, 11, 24, 18, 30, tzinfo=ZoneInfo("UTC")), "north", "Open now until 5pm"),
    ],
)
def test_open_now_in_the_clinic_time_zone(now: datetime, location: str, expected: str) -> None:
    loc = CLINIC.location(location)
    assert loc is not None
    assert open_status(CLINIC, loc, now) == expected


def test_holidays_in_the_next_two_weeks_are_mentioned() -> None:
    assert upcoming_holidays(CLINIC, TUESDAY_10AM) == THANKSGIVING_NOTICE
    assert upcoming_holidays(CLINIC, datetime(2026, 10, 1, 9, 0, tzinfo=TZ)) == ""
    assert upcoming_holidays(CLINIC, datetime(2026, 12, 20, 9, 0, tzinfo=TZ)) == (
        "Holiday hours: Thu, Dec 24 8am–12pm (Christmas Eve); Fri, Dec 25 closed "
        "(Christmas Day); Thu, Dec 31 8am–2pm (New Year's Eve); Fri, Jan 1 closed "
        "(New Year's Day)."
    )


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("are you open on thanksgiving", "2026-11-26"),
        ("what are your hours on christmas eve", "2026-12-24"),
        ("are you closed for christmas", "2026-12-25"),
        ("are you open on new year's day", "2027-01-01"),
        ("open new years eve?", "2026-12-31"),
        ("are you closed on july 4th", "2027-07-05"),
        ("open on MLK day?", "2027-01-18"),
        ("martin luther king day hours", "2027-01-18"),
        ("are you open tomorrow", "2026-11-25"),
        ("are you open on saturday", "2026-11-28"),
        # Days gone: "were you open last friday" was answered for the coming Friday.
        ("were you open last friday", "2026-11-20"),
        ("were u open yesterday", "2026-11-23"),
        ("was the north office open this past saturday", "2026-11-21"),
        # The day after or before a holiday, unless that is the holiday's own name.
        ("r u open the day after christmas", "2026-12-26"),
        ("open the day before new years?", "2026-12-31"),
        ("open day after thanksgiving?", "2026-11-27"),
        ("open black friday?", "2026-11-27"),
    ],
)
def test_the_day_a_patient_asks_about(text: str, day: str) -> None:
    found = asked_day(text, CLINIC, TUESDAY_10AM)
    assert found is not None and found[0].isoformat() == day


@pytest.mark.parametrize(
    ("text", "day"),
    [
        # on a Tuesday: "Tue, Dec 1" was answered for "how late are you open tuesday"
        ("how late are you open on tuesday", "2026-11-24"),
        ("open tues?", "2026-11-24"),
        ("are you open next tuesday", "2026-12-01"),
    ],
)
def test_todays_weekday_named_alone_is_today(text: str, day: str) -> None:
    found = asked_day(text, CLINIC, TUESDAY_10AM)
    assert found is not None and found[0].isoformat() == day


def test_no_day_in_a_general_question() -> None:
    assert asked_day("what are your hours", CLINIC, TUESDAY_10AM) is None
    # how often, not when: "Fri, Dec 18" was answered
    assert asked_day("are you open 7 days a week", CLINIC, TUESDAY_10AM) is None
    assert asked_day("open 24/7?", CLINIC, TUESDAY_10AM) is None
    assert asked_day('/clinic_hours{"location":"north"}', CLINIC, TUESDAY_10AM) is None
    # a birth date given at "Which office?" was the hours of Tue, Jan 22, 2092
    assert asked_day("aisha khan 1/22/92", CLINIC, TUESDAY_10AM) is None


# --- the action ------------------------------------------------------------------------------


def test_parking_without_an_office_asks_which_one_with_buttons(fhir: FakeScheduling) -> None:
    events, messages = run(make_tracker("where do I park", intent="parking"))
    assert events == [SlotSet("info_topic", "parking")]
    [message] = messages
    assert message["text"] == "Which office are you visiting? Parking is different at each one."
    assert message["buttons"] == [
        {"title": "Downtown Clinic", "payload": '/parking{"location":"downtown"}'},
        {"title": "North Office", "payload": '/parking{"location":"north"}'},
    ]
    assert fhir.calls == []  # nobody verified: no appointment look-up


def test_button_payload_names_the_office() -> None:
    tracker = make_tracker(
        '/parking{"location":"north"}', intent="parking", entities=location_entity("north")
    )
    events, messages = run(tracker)
    assert events == [SlotSet("info_topic", "parking"), SlotSet("info_location", "north")]
    assert [(m["text"], m["buttons"]) for m in messages] == [(PARKING_NORTH, [])]


def test_office_named_in_the_text_without_an_entity() -> None:
    events, messages = run(make_tracker("how do I get to the natomas office", intent="directions"))
    assert events == [SlotSet("info_topic", "directions"), SlotSet("info_location", "north")]
    assert [m["text"] for m in messages] == [DIRECTIONS_NORTH]


def test_typed_answer_to_which_office_uses_the_remembered_question() -> None:
    tracker = make_tracker(
        "the downtown one",
        intent="inform",
        entities=location_entity("downtown"),
        slots={"info_topic": "parking"},
    )
    events, messages = run(tracker)
    assert events == [SlotSet("info_location", "downtown")]
    assert [m["text"] for m in messages] == [PARKING_DOWNTOWN]


@pytest.mark.parametrize("text", ["what about the other office?", "and ur other location"])
def test_the_other_office_after_an_answer_about_one(text: str) -> None:
    tracker = make_tracker(
        text, intent="inform", slots={"info_topic": "parking", "info_location": "north"}
    )
    events, messages = run(tracker)
    assert events == [SlotSet("info_location", "downtown")]
    assert [m["text"] for m in messages] == [PARKING_DOWNTOWN]


def test_both_offices() -> None:
    tracker = make_tracker("either is fine", intent="inform", slots={"info_topic": "parking"})
    events, messages = run(tracker)
    assert events == []
    assert [m["text"] for m in messages] == [f"{PARKING_DOWNTOWN}\n{PARKING_NORTH}"]


def test_general_hours_for_both_offices_in_one_message() -> None:
    events, messages = run(make_tracker("what are your hours", intent="clinic_hours"))
    assert events == [SlotSet("info_topic", "clinic_hours")]
    assert [m["text"] for m in messages] == [
        f"Downtown Clinic: Open now until 6pm. Hours: {DOWNTOWN_WEEK}.\n"
        f"North Office: Open now until 5pm. Hours: {NORTH_WEEK}.\n"
        f"{THANKSGIVING_NOTICE}"
    ]
    assert hours_text(CLINIC, [DOWNTOWN, NORTH], TUESDAY_10AM) == messages[0]["text"]


def test_hours_of_one_office_at_night() -> None:
    tracker = make_tracker(
        "is the north office open", intent="clinic_hours", entities=location_entity("north")
    )
    _, messages = run(tracker, TUESDAY_11PM)
    assert [m["text"] for m in messages] == [
        f"North Office: Closed now; opens tomorrow at 7:30am. Hours: {NORTH_WEEK}.\n"
        f"{THANKSGIVING_NOTICE}"
    ]


def test_holiday_question() -> None:
    _, messages = run(make_tracker("are you open on thanksgiving", intent="clinic_hours"))
    assert [m["text"] for m in messages] == [
        "Thu, Nov 26 is Thanksgiving Day: both offices are closed. The Downtown Clinic opens "
        "again Saturday at 9am."
    ]
    tracker = make_tracker(
        "north office hours on christmas eve",
        intent="clinic_hours",
        entities=location_entity("north"),
    )
    _, messages = run(tracker)
    assert [m["text"] for m in messages] == [
        "Thu, Dec 24 is Christmas Eve: the North Office is open 8am–12pm."
    ]


def test_another_day() -> None:
    _, messages = run(make_tracker("are you open on saturday", intent="clinic_hours"))
    assert [m["text"] for m in messages] == [
        "Sat, Nov 28:\nDowntown Clinic: 9am–1pm\nNorth Office: closed"
    ]
    _, messages = run(make_tracker("are you open today", intent="clinic_hours"), THANKSGIVING_10AM)
    assert [m["text"] for m in messages] == [
        "Today (Thu, Nov 26) is Thanksgiving Day: both offices are closed. The Downtown Clinic "
        "opens again Saturday at 9am."
    ]


def test_one_office_closed_on_a_day_names_it_and_the_office_that_is_open() -> None:
    # Was "Sat, Nov 28: we are closed.", as if the whole clinic were (Downtown opens 9-1).
    tracker = make_tracker(
        "is the north office open saturday",
        intent="clinic_hours",
        entities=location_entity("north"),
    )
    _, messages = run(tracker)
    assert [m["text"] for m in messages] == [
        "Sat, Nov 28: the North Office is closed. It opens again Monday at 7:30am. "
        "The Downtown Clinic is open 9am–1pm that day."
    ]


def test_a_day_gone_is_answered_in_the_past() -> None:
    _, messages = run(make_tracker("were you open last saturday", intent="clinic_hours"))
    assert [m["text"] for m in messages] == [
        "Sat, Nov 21:\nDowntown Clinic: 9am–1pm\nNorth Office: closed"
    ]
    _, messages = run(
        make_tracker("were you open yesterday", intent="clinic_hours"),
        datetime(2026, 11, 27, 10, 0, tzinfo=TZ),
    )
    assert [m["text"] for m in messages] == [
        "Yesterday (Thu, Nov 26) was Thanksgiving Day: both offices were closed."
    ]


def test_a_holiday_next_year_says_the_year() -> None:
    _, messages = run(make_tracker("are you open on new years day", intent="clinic_hours"))
    assert [m["text"] for m in messages] == [
        "Fri, Jan 1, 2027 is New Year's Day: both offices are closed. The Downtown Clinic opens "
        "again Saturday, Jan 2 at 9am."
    ]


def test_verified_patient_gets_the_office_of_their_next_appointment(fhir: FakeScheduling) -> None:
    fhir.appointments = [appointment("north", datetime(2026, 11, 27, 14, 0, tzinfo=TZ))]
    tracker = make_tracker(
        "where do I park", intent="parking", slots={"verified": True, "patient_id": "p1"}
    )
    events, messages = run(tracker)
    assert fhir.calls == ["p1"]
    assert events == [SlotSet("info_topic", "parking"), SlotSet("info_location", "north")]
    [message] = messages
    assert message["text"] == (
        f"Your next appointment (Fri Nov 27, 2:00pm) is at the North Office.\n{PARKING_NORTH}"
    )
    assert message["buttons"] == [
        {"title": "Downtown Clinic instead", "payload": '/parking{"location":"downtown"}'}
    ]


def test_where_is_that_right_after_a_booking_is_the_one_just_booked(fhir: FakeScheduling) -> None:
    # "where is that" after booking an 8:30 was answered with another 8:00 visit that day.
    earlier = appointment("north", datetime(2026, 11, 27, 8, 0, tzinfo=TZ))
    booked = replace(appointment("downtown", datetime(2026, 11, 27, 8, 30, tzinfo=TZ)), id="a2")
    fhir.appointments = [earlier, booked]
    slots = {"verified": True, "patient_id": "p1", "last_booked": "a2"}
    _, messages = run(make_tracker("where is that", intent="directions", slots=slots))
    assert messages[0]["text"].startswith(
        "The appointment you just made (Fri Nov 27, 8:30am) is at the Downtown Clinic."
    )


def test_the_appointment_asked_about_beats_the_office_last_talked_about(
    fhir: FakeScheduling,
) -> None:
    """ "is there parking downtown" - "where is my appointment" / (after the list) "where is
    it": the Downtown Clinic's address, for an appointment at the North Office."""
    fhir.appointments = [appointment("north", datetime(2026, 11, 27, 14, 0, tzinfo=TZ))]
    slots = {"verified": True, "patient_id": "p1", "info_location": "downtown"}
    for text, events in (
        ("how do i get to my appointment", []),
        ("where is it", [{"event": "action", "name": "action_show_appointments"}]),
    ):
        tracker = make_tracker(text, intent="directions", slots=slots, events=events)
        _, messages = run(tracker)
        assert messages[0]["text"].startswith(
            "Your next appointment (Fri Nov 27, 2:00pm) is at the North Office."
        )
    # "where is it" after an answer about an office: that office
    answered = [
        {"event": "action", "name": "action_show_appointments"},
        {"event": "action", "name": "action_location_info"},
    ]
    tracker = make_tracker("where is it", intent="directions", slots=slots, events=answered)
    _, messages = run(tracker)
    assert "North Office" not in messages[0]["text"]
    assert "Downtown Clinic" in messages[0]["text"]


def test_unverified_patient_never_gets_appointment_details(fhir: FakeScheduling) -> None:
    fhir.appointments = [appointment("north", datetime(2026, 11, 27, 14, 0, tzinfo=TZ))]
    # A patient id without verification (e.g. a half-finished check) reveals nothing.
    tracker = make_tracker(
        "how do I get there", intent="directions", slots={"verified": False, "patient_id": "p1"}
    )
    events, messages = run(tracker)
    assert fhir.calls == []
    assert events == [SlotSet("info_topic", "directions")]
    # where both offices are, in brief, then the question
    assert messages[0]["text"] == (
        "We have two offices: the Downtown Clinic at 1200 J Street, Suite 300, Sacramento, CA "
        "95814 and the North Office at 4500 Natomas Boulevard, Building B, Sacramento, CA 95835."
    )
    assert messages[1]["text"] == "Which office are you heading to?"


def test_backend_down_just_asks_which_office(fhir: FakeScheduling) -> None:
    fhir.down = True
    tracker = make_tracker(
        "where do I park", intent="parking", slots={"verified": True, "patient_id": "p1"}
    )
    events, messages = run(tracker)
    assert fhir.calls == ["p1"]
    assert events == [SlotSet("info_topic", "parking")]
    assert len(messages[0]["buttons"]) == 2


def test_the_office_talked_about_last_is_remembered() -> None:
    tracker = make_tracker(
        "where do I park",
        intent="parking",
        slots={"info_topic": "directions", "info_location": "north"},
    )
    events, messages = run(tracker)
    assert events == [SlotSet("info_topic", "parking"), SlotSet("info_location", "north")]
    assert messages[0]["text"] == PARKING_NORTH
    assert [b["title"] for b in messages[0]["buttons"]] == ["Downtown Clinic instead"]


def test_mid_booking_question_reads_but_never_changes_form_slots() -> None:
    slots = {"location": "downtown", "practitioner": "patel", "requested_slot": "date_preference"}
    tracker = make_tracker(
        "where do I park?", intent="parking", slots=slots, active_loop="booking_form"
    )
    events, messages = run(tracker)
    assert events == [SlotSet("info_topic", "parking"), SlotSet("info_location", "downtown")]
    assert messages[0]["text"] == PARKING_DOWNTOWN
    assert not any(e["name"] in ("location", "requested_slot") for e in events)


def test_mid_booking_question_without_an_office_answers_for_both_without_asking() -> None:
    tracker = make_tracker(
        "where do I park?",
        intent="parking",
        slots={"requested_slot": "visit_type"},
        active_loop="booking_form",
    )
    events, messages = run(tracker)
    assert events == [SlotSet("info_topic", "parking")]
    assert [(m["text"], m["buttons"]) for m in messages] == [
        (f"{PARKING_DOWNTOWN}\n{PARKING_NORTH}", [])
    ]


def test_a_clinic_with_one_office_never_asks(monkeypatch: pytest.MonkeyPatch) -> None:
    single = CLINIC.copy(update={"locations": [NORTH]})
    monkeypatch.setattr(directions, "get_clinic", lambda: single)
    events, messages = run(make_tracker("where do I park", intent="parking"))
    assert events == [SlotSet("info_topic", "parking"), SlotSet("info_location", "north")]
    assert [(m["text"], m["buttons"]) for m in messages] == [(PARKING_NORTH, [])]


def test_replies_are_sms_friendly() -> None:
    for intent in ("directions", "parking", "clinic_hours"):
        tracker = make_tracker("x", intent=intent, entities=location_entity("downtown"))
        _, messages = run(tracker)
        for message in messages:
            assert "|" not in message["text"] and "**" not in message["text"]
            assert len(message["text"]) < 700


BILLING_LINE = "Billing questions: (916) 555-0199 (Monday to Friday, 8am to 5pm)"
PERSON_LINE = 'Or say "talk to a person" and I\'ll connect you with our staff here.'


def test_phone_numbers_of_every_office_without_asking_which() -> None:
    events, messages = run(make_tracker("what's your phone number", intent="contact_info"))
    assert events == [SlotSet("info_topic", "contact_info")]
    assert [m["text"] for m in messages] == [
        "Main number: (916) 555-0142\n"
        "Downtown Clinic: (916) 555-0142\n"
        "North Office: (916) 555-0176\n"
        f"{BILLING_LINE}\n{PERSON_LINE}"
    ]
    assert messages[0]["buttons"] == []


def test_an_after_hours_number_asked_for_is_the_nurse_line() -> None:
    text = "is there an after hours number for non urgent questions"
    _, messages = run(make_tracker(text, intent="contact_info"))
    lines = messages[0]["text"].splitlines()
    assert lines[-2] == (
        "After hours, for a medical question that can't wait: our nurse line, (916) 555-0177"
    )


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("is there an after hours number", "clinic_hours"),
        ("what number do i call when ur closed", "contact_info"),
        ("whats the nurse line", "contact_info"),
    ],
)
def test_the_nurse_line_is_given_when_asked_for_after_hours(text: str, intent: str) -> None:
    _, messages = run(make_tracker(text, intent=intent))
    assert "our nurse line, (916) 555-0177" in messages[0]["text"]


def test_a_fax_number_asked_for_comes_first() -> None:
    _, messages = run(make_tracker("whats your fax number", intent="contact_info"))
    assert messages[0]["text"].splitlines()[0] == "Fax: (916) 555-0149"


@pytest.mark.parametrize(
    ("sid", "channel", "first_line"),
    [
        # by text: yes, this number
        ("AC" + "0" * 32, "twilio", "Yes: this number takes texts any time"),
        # on the website, with SMS set up: the number to text
        ("AC" + "0" * 32, "socketio", "Yes: you can text us at (916) 555-0100 any time"),
        # without SMS: our lines take calls
        ("", "socketio", "Our phone lines take calls, not texts."),
    ],
)
def test_texting_asked_is_answered_before_the_numbers(
    sid: str, channel: str, first_line: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """ "can i text this number" got the phone numbers alone, with no word about texts."""
    monkeypatch.setenv("TWILIO_ACCOUNT_SID", sid)
    monkeypatch.setenv("TWILIO_AUTH_TOKEN", "token" if sid else "")
    monkeypatch.setenv("TWILIO_FROM_NUMBER", "+19165550100")
    get_settings.cache_clear()
    try:
        for text in ("can i text this number", "do you guys take texts?", "can I text you"):
            tracker = make_tracker(text, intent="contact_info", channel=channel)
            _, messages = run(tracker)
            lines = messages[0]["text"].splitlines()
            assert lines[0].startswith(first_line), text
            assert "Main number: (916) 555-0142" in lines  # the numbers still follow
    finally:
        get_settings.cache_clear()
    # not asked: the numbers alone
    _, messages = run(make_tracker("whats your phone number", intent="contact_info"))
    assert "text" not in messages[0]["text"].splitlines()[0].lower()


def test_no_sms_number_is_given_when_texts_would_go_unanswered(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Twilio's keys without the phone-hash secret: the SMS webhook answers 503
    monkeypatch.setenv("TWILIO_ACCOUNT_SID", "AC" + "0" * 32)
    monkeypatch.setenv("TWILIO_AUTH_TOKEN", "token")
    monkeypatch.setenv("TWILIO_FROM_NUMBER", "+19165550100")
    monkeypatch.setenv("PHONE_HASH_SECRET", "")
    get_settings.cache_clear()
    try:
        tracker = make_tracker("can i text this number", intent="contact_info", channel="socketio")
        _, messages = run(tracker)
    finally:
        get_settings.cache_clear()
    assert messages[0]["text"].startswith("Our phone lines take calls, not texts.")


def test_phone_number_of_the_office_named() -> None:
    tracker = make_tracker(
        "number for the north office?", intent="contact_info", entities=location_entity("north")
    )
    events, messages = run(tracker)
    assert events == [SlotSet("info_topic", "contact_info"), SlotSet("info_location", "north")]
    assert [m["text"] for m in messages] == [
        f"North Office: (916) 555-0176\n{BILLING_LINE}\n{PERSON_LINE}"
    ]


def test_billing_phone_first_when_the_patient_asks_for_billing() -> None:
    _, messages = run(make_tracker("how do I contact billing", intent="contact_info"))
    assert messages[0]["text"].splitlines()[0] == BILLING_LINE
    assert messages[0]["text"].count("555-0199") == 1


@pytest.mark.parametrize("intent", ["directions", "parking"])
@pytest.mark.parametrize(
    "text",
    ["can i drop him off at the door", "is there a drop off area at downtown"],
)
def test_a_passenger_let_out_at_the_door_gets_where_to_drop_off(text: str, intent: str) -> None:
    # "my dad uses a wheelchair" - "can i drop him off at the door": the whole directions card
    tracker = make_tracker(text, intent=intent, entities=location_entity("downtown"))
    _, messages = run(tracker)
    answer = messages[0]["text"]
    clinic = get_clinic()
    downtown = clinic.location("downtown")
    assert downtown is not None and downtown.drop_off
    assert answer == (
        f"Dropping off at the Downtown Clinic (1200 J Street, Suite 300): {downtown.drop_off} "
        f"Accessibility: {downtown.accessibility} Front desk: {downtown.phone}."
    )
    # papers dropped off are no passenger
    papers = make_tracker(
        "can i drop off the forms at downtown", intent=intent, entities=location_entity("downtown")
    )
    _, messages = run(papers)
    assert "Dropping off" not in messages[0]["text"]


@pytest.mark.parametrize(
    "text",
    [
        "is there parking close to the door at the north office",
        "my mom has a hard time walking, where do we park at north",
        "she uses a walker, where should we park at the north office",
    ],
)
def test_parking_for_someone_who_cant_walk_far_gets_the_accessible_spaces(text: str) -> None:
    # the lot alone ("Free parking in the lot in front of Building B")
    _, messages = run(make_tracker(text, intent="parking", entities=location_entity("north")))
    assert messages[0]["text"].startswith(PARKING_NORTH)
    assert "6 accessible parking spaces by the door" in messages[0]["text"]


def test_accessible_parking_question_gets_the_accessibility_notes() -> None:
    tracker = make_tracker(
        "is there handicap parking at north", intent="parking", entities=location_entity("north")
    )
    _, messages = run(tracker)
    assert messages[0]["text"].startswith(PARKING_NORTH)
    assert "6 accessible parking spaces by the door" in messages[0]["text"]
    _, plain = run(
        make_tracker(
            "where do I park at north", intent="parking", entities=location_entity("north")
        )
    )
    assert plain[0]["text"] == PARKING_NORTH
    # the office named after "Which office?": the question was about accessible parking
    asked = [
        {"event": "user", "text": "is there handicap parking"},
        {"event": "bot", "text": ASK_OFFICE["parking"]},
    ]
    tracker = make_tracker(
        "north", intent="inform", entities=location_entity("north"), events=asked
    )
    tracker.slots["info_topic"] = "parking"
    _, messages = run(tracker)
    assert "6 accessible parking spaces by the door" in messages[0]["text"]


@pytest.mark.parametrize(
    "text",
    [
        "is the north office wheelchair accessible?",
        "is the other one upstairs too?",
        "my dad uses a walker, can he get in at north",
    ],
)
def test_a_question_about_getting_in_gets_the_floor_and_access_notes(text: str) -> None:
    # "is it wheelchair accessible" repeated the whole route just shown
    _, messages = run(make_tracker(text, intent="directions", entities=location_entity("north")))
    assert messages[0]["text"] == (
        "North Office (4500 Natomas Boulevard, Building B)\n"
        "Ground floor of Building B, next to the pharmacy.\n"
        "Accessibility: Step-free entrance, 6 accessible parking spaces by the door, accessible "
        "restrooms, and hearing loop at the reception desk."
    )
    # ...and the route too when it is asked
    _, route = run(
        make_tracker(
            "where is it and is there an elevator",
            intent="directions",
            entities=location_entity("north"),
        )
    )
    assert route[0]["text"] == DIRECTIONS_NORTH


def test_how_long_the_trip_takes_says_the_map_tells_it() -> None:
    # "how long does it take to drive there" after the North Office's directions: how long a
    # visit lasts
    tracker = make_tracker(
        "how long does it take to drive there",
        intent="directions",
        slots={"info_location": "north"},
    )
    _, messages = run(tracker)
    assert messages[0]["text"] == (
        f"{TRAVEL_TIME_LINE}\n"
        "North Office: 4500 Natomas Boulevard, Building B, Sacramento, CA 95835\n"
        "Map: https://maps.google.com/?q=4500+Natomas+Boulevard+Sacramento+CA+95835"
    )
    # not said to a plain question of the way
    _, messages = run(make_tracker("where is the north office", intent="directions"))
    assert TRAVEL_TIME_LINE not in messages[0]["text"]


@pytest.mark.parametrize(
    "text", ["is there an elevator", "are your offices wheelchair accessible", "is there a ramp"]
)
def test_getting_in_asked_of_no_office_is_answered_for_each(text: str) -> None:
    # "is there an elevator" got both addresses and "Which office are you heading to?"
    _, messages = run(make_tracker(text, intent="directions"))
    downtown, north = messages[0]["text"].split("\n\n")
    assert downtown.startswith("Downtown Clinic (1200 J Street, Suite 300)\n")
    assert "Accessibility: Step-free entrance on J Street" in downtown
    assert north.startswith("North Office (4500 Natomas Boulevard, Building B)\n")
    assert messages[0]["buttons"] == []
    # an office the chat is about already: that one
    _, messages = run(make_tracker(text, intent="directions", slots={"info_location": "north"}))
    assert messages[0]["text"].startswith("North Office (")
    assert "Downtown Clinic" not in messages[0]["text"]


@pytest.mark.parametrize(
    "text", ["where do i check in at the north office", "where is the front desk at north"]
)
def test_where_to_check_in_is_the_front_desk_and_where_it_is(text: str) -> None:
    # "where do i check in" got what to bring, "where is the front desk" the phone numbers
    _, messages = run(make_tracker(text, intent="directions", entities=location_entity("north")))
    assert messages[0]["text"] == (
        "North Office (4500 Natomas Boulevard, Building B): check in at the front desk. "
        "Ground floor of Building B, next to the pharmacy."
    )
    # ...and the route too when it is asked
    asked = make_tracker(
        "where do i check in and whats the address",
        intent="directions",
        entities=location_entity("north"),
    )
    assert run(asked)[1][0]["text"] == DIRECTIONS_NORTH
    # no office named: both, in two lines (not "Which office are you heading to?")
    _, messages = run(make_tracker("where do i check in", intent="directions"))
    lines = messages[0]["text"].split("\n")
    assert [line.split(" (")[0] for line in lines] == ["Downtown Clinic", "North Office"]
    assert all("check in at the front desk" in line for line in lines)


def test_a_question_of_its_own_after_which_office_is_answered_alone() -> None:
    # "where are you located" - "Which office?" - "is the north office wheelchair accessible"
    # was read as one question with the first, and got the whole route card.
    asked = [
        {"event": "user", "text": "where are you located"},
        {"event": "bot", "text": ASK_OFFICE["directions"]},
    ]
    tracker = make_tracker(
        "is the north office wheelchair accessible",
        intent="directions",
        entities=location_entity("north"),
        events=asked,
    )
    _, messages = run(tracker)
    assert messages[0]["text"].startswith("North Office (4500 Natomas Boulevard, Building B)\n")
    assert "Map:" not in messages[0]["text"]
    # a short answer naming the office still answers the question before it
    office_only = make_tracker(
        "the north one", intent="inform", entities=location_entity("north"), events=asked
    )
    _, messages = run(office_only)
    assert messages[0]["text"] == DIRECTIONS_NORTH


@pytest.mark.parametrize(
    ("text", "card"),
    [
        ("can i take the bus to the north office", False),
        ("is there a light rail stop near north", False),
        ("whats the address of the north office and is there a bus", True),
        ("can i drive or take the bus to north", True),
    ],
)
def test_a_transit_question_gets_the_stop_and_address(text: str, card: bool) -> None:
    # "can i take the bus there" got the whole card (floor, accessibility, phone): two SMS
    _, messages = run(make_tracker(text, intent="directions", entities=location_entity("north")))
    if card:
        assert messages[0]["text"] == DIRECTIONS_NORTH
    else:
        assert messages[0]["text"] == (
            "North Office: 4500 Natomas Boulevard, Building B, Sacramento, CA 95835\n"
            "By bus or train: Bus route 13 stops at Natomas Blvd & Truxel Rd, a 3-minute walk.\n"
            "Map: https://maps.google.com/?q=4500+Natomas+Boulevard+Sacramento+CA+95835"
        )


def test_which_office_answered_with_something_else_gets_every_office() -> None:
    # A name typed after "Which office?" got the same question again, and again.
    asked = {
        "event": "bot",
        "text": "Which office are you visiting? Parking is different at each one.",
    }
    tracker = make_tracker(
        "Aisha Khan", intent="inform", events=[asked], slots={"info_topic": "parking"}
    )
    _, messages = run(tracker)
    [answer] = messages
    assert "Downtown Clinic" in answer["text"] and "North Office" in answer["text"]
    assert "Which office" not in answer["text"]


@pytest.mark.parametrize("text", ["idk", "idk thats why im asking"])
def test_which_office_answered_idk_gets_every_office(text: str) -> None:
    # "idk" (out of scope to the model) got "Sorry, that's not something I can help with here";
    # "idk thats why im asking" (a billing dispute) was handed to staff, the chat paused
    asked = [
        {"event": "action", "name": "action_location_info"},
        {"event": "bot", "text": "Which office are you heading to?"},
        {"event": "action", "name": "action_listen"},
    ]
    tracker = make_tracker(
        text, intent="out_of_scope", events=asked, slots={"info_topic": "directions"}
    )
    dispatcher = CollectingDispatcher()
    assert ActionOutOfScope().run(dispatcher, tracker, {}) == [
        FollowupAction("action_location_info")
    ]
    assert dispatcher.messages == []
    _, messages = run(tracker)
    [answer] = messages
    assert "Downtown Clinic" in answer["text"] and "North Office" in answer["text"]


def test_a_second_request_waits_for_the_office_choice() -> None:
    events, messages = run(make_tracker("cancel my appt and where do i park", intent="parking"))
    assert messages[0]["text"].startswith("Which office are you visiting?")
    cancel = {"intent": "cancel_appointment", "text": "cancel my appt"}
    assert SlotSet("pending_request", cancel) in events
    asked = {"event": "bot", "text": messages[0]["text"]}
    tracker = make_tracker(
        '/parking{"location":"north"}',
        intent="parking",
        entities=location_entity("north"),
        events=[asked],
        slots={"info_topic": "parking", "pending_request": cancel},
    )
    _, messages = run(tracker)
    parking, offer = messages
    assert "North Office" in parking["text"]
    assert offer["text"].startswith("You also asked: \u201ccancel my appt\u201d")


def test_details_after_an_answer_that_name_no_office_do_not_ask_which_office_again() -> None:
    answered = {"event": "bot", "text": "North Office: Closed now; opens tomorrow at 7:30am."}
    tracker = make_tracker(
        "01/22/1992", intent="inform", events=[answered], slots={"info_topic": "clinic_hours"}
    )
    dispatcher = CollectingDispatcher()
    ActionLocationInfo(clock=lambda: TUESDAY_10AM).run(dispatcher, tracker, {})
    assert [m["response"] for m in dispatcher.messages] == ["utter_how_can_help"]


def test_a_holiday_just_gone_asked_in_the_past_tense() -> None:
    sunday = datetime(2026, 11, 29, 10, 0, tzinfo=TZ)
    assert asked_day("were u open on thanksgiving", CLINIC, sunday)[0].isoformat() == "2026-11-26"
    # In the present tense: the next one.
    assert asked_day("are you open on thanksgiving", CLINIC, sunday)[0].isoformat() == (
        "2027-11-25"
    )
    assert asked_day("are you guys open on xmas", CLINIC, sunday)[0].isoformat() == "2026-12-25"
    assert asked_day("open xmas eve?", CLINIC, sunday)[0].isoformat() == "2026-12-24"


def test_a_day_asked_after_directions_is_about_the_hours() -> None:
    # "and new years eve?" after the directions repeated the directions.
    tracker = make_tracker(
        "and new years eve?",
        intent="inform",
        slots={"info_topic": "directions", "info_location": "downtown"},
    )
    events, messages = run(tracker)
    assert SlotSet("info_topic", "clinic_hours") in events
    [message] = messages
    assert "New Year's Eve" in message["text"] and "8am–2pm" in message["text"]


def test_billings_hours_are_billings() -> None:
    # "is billing open saturday?" got the offices' Saturday hours (billing is closed then).
    _, messages = run(make_tracker("is billing open saturday?", intent="clinic_hours"))
    [message] = messages
    assert message["text"] == (
        "Our billing team is available Monday to Friday, 8am to 5pm, at (916) 555-0199."
    )


def test_their_hours_after_billing_are_billings() -> None:
    # "whats the phone number for billing" - "and their hours?" got the offices' hours
    earlier = [
        {"event": "user", "text": "whats the phone number for billing"},
        {"event": "bot", "text": "Billing questions: (916) 555-0199 ..."},
        {"event": "user", "text": "and their hours?"},
    ]
    _, messages = run(make_tracker("are they open saturday", intent="clinic_hours", events=earlier))
    assert messages[0]["text"].startswith("Our billing team is available Monday to Friday")
    # after an office, "their hours" are the office's
    office = [{"event": "user", "text": "whats the address of the north office"}]
    _, messages = run(make_tracker("and their hours?", intent="clinic_hours", events=office))
    assert "billing" not in messages[0]["text"]


# --- a clinician's days -----------------------------------------------------------------------


def test_a_clinicians_days_and_offices_with_one_tap_to_book() -> None:
    tracker = make_tracker("what days does dr patel work?", intent="clinic_hours")
    events, messages = run(tracker)
    assert events == [SlotSet("info_topic", "clinic_hours")]
    assert messages[0]["text"] == (
        "Dr. Priya Patel sees patients at the Downtown Clinic on Mondays, Wednesdays and Fridays "
        "and the North Office on Tuesdays and Thursdays, during office hours."
    )
    assert messages[0]["buttons"] == [
        {"title": "Book with Dr. Patel", "payload": '/book_appointment{"practitioner": "patel"}'}
    ]


@pytest.mark.parametrize(
    ("text", "first"),
    [
        (
            "is dr gonzalez in on fridays",
            "Dr. Maria Gonzalez is at the North Office on Fridays. Each week she sees",
        ),
        # (it was "they" for him)
        (
            "is sam lee working tomorrow",
            "Sam Lee, NP is at the North Office on Wednesdays. Each week he sees",
        ),
        (
            "is dr patel in today",
            "Dr. Priya Patel is at the North Office on Tuesdays. Each week she sees",
        ),
        (
            "is dr gonzalez at north on tuesdays",
            "No, Dr. Maria Gonzalez isn't in on Tuesdays at the North Office. Each week she sees",
        ),
        (
            "is dr patel at downtown",
            "Dr. Priya Patel is at the Downtown Clinic on Mondays, Wednesdays and Fridays. Each "
            "week she sees",
        ),
        (
            "is dr okafor at north",
            "No, Dr. James Okafor doesn't work at the North Office. Each week he sees",
        ),
    ],
)
def test_the_day_or_office_asked_about_is_answered_first(text: str, first: str) -> None:
    _, messages = run(make_tracker(text, intent="clinic_hours"))
    assert messages[0]["text"].startswith(first + " patients at the ")


def test_a_clinician_with_no_gender_on_file_is_they() -> None:
    clinic = get_clinic()
    lee = clinic.practitioner("lee").copy(update={"gender": ""})
    assert sees(lee) == "they see"
    assert sees(clinic.practitioner("lee")) == "he sees"


def test_the_offices_hours_asked_with_a_clinicians_day_are_answered_too() -> None:
    # "what time do you open saturday and is dr patel in on saturdays": Dr. Patel's days alone
    text = "what time do you open saturday and is dr patel in on saturdays"
    _, messages = run(make_tracker(text, intent="clinic_hours"))
    clinician, hours = messages
    assert clinician["text"].startswith("No, Dr. Priya Patel isn't in on Saturdays")
    assert "Sat" in hours["text"] and "9am" in hours["text"]
    # ...and a clinician's days alone stay alone
    _, messages = run(make_tracker("is dr patel in on saturdays", intent="clinic_hours"))
    assert len(messages) == 1


def test_a_childrens_clinician_says_so_and_runs_of_days_are_short() -> None:
    _, messages = run(make_tracker("when is dr okafor in", intent="clinic_hours"))
    assert messages[0]["text"] == (
        "Dr. James Okafor sees patients at the Downtown Clinic from Monday to Saturday, during "
        "office hours. Dr. Okafor sees babies, children and teens (under 18) only."
    )


def test_the_route_to_a_clinicians_office_is_the_directions_there() -> None:
    tracker = make_tracker("how do i get to sam lee's office", intent="directions")
    events, messages = run(tracker)
    assert messages[0]["text"] == DIRECTIONS_NORTH
    assert SlotSet("info_location", "north") in events


def test_a_clinicians_days_mid_booking_leave_the_question_to_the_form() -> None:
    tracker = make_tracker(
        "which days is dr gonzalez downtown?",
        intent="clinic_hours",
        slots={"requested_slot": "date_preference"},
        active_loop="booking_form",
    )
    events, messages = run(tracker)
    assert messages[0]["text"].startswith(
        "Dr. Maria Gonzalez is at the Downtown Clinic on Tuesdays and Thursdays."
    )
    assert messages[0]["buttons"] == []
    assert events == [SlotSet("info_topic", "clinic_hours")]


def test_who_a_clinician_sees_when_asked() -> None:
    # "does Sam Lee see kids?" ended the chat ("Take care!").
    _, messages = run(make_tracker("does sam lee see kids?", intent="clinic_hours"))
    assert messages[0]["text"].endswith(
        "Sam Lee sees patients of all ages, children included, for checkups, illness and "
        "follow-ups."
    )


def test_whether_a_clinician_does_a_visit_comes_before_their_days() -> None:
    # "does dr gonzalez do flu shots" (the hours, to the model) got her days alone
    _, [said] = run(make_tracker("does dr gonzalez do flu shots", intent="clinic_hours"))
    assert said["text"].startswith(
        "No, Dr. Maria Gonzalez doesn't do vaccinations. Dr. Priya Patel, Dr. James Okafor or "
        "Sam Lee, NP can. Dr. Gonzalez sees patients at the Downtown Clinic"
    )
    assert [b["title"] for b in said["buttons"]] == [
        "Book with Dr. Patel",
        "Book with Dr. Okafor",
        "Book with Sam Lee",
    ]


def test_the_way_to_an_office_named_with_a_clinician_is_the_way() -> None:
    # "where is the north office? I see Sam Lee" asks the way, not Sam Lee's days
    tracker = make_tracker(
        "where is the north office? I see Sam Lee",
        intent="directions",
        entities=location_entity("north"),
    )
    _, messages = run(tracker)
    assert messages[0]["text"] == DIRECTIONS_NORTH
    tracker = make_tracker(
        "which days is dr gonzalez at the north office",
        intent="directions",
        entities=location_entity("north"),
    )
    _, messages = run(tracker)
    assert messages[0]["text"].startswith("Dr. Maria Gonzalez is at the North Office on Mondays")


@pytest.mark.parametrize(
    "text",
    [
        "which office is closer to sacramento state",
        # (a place clinic.yml does not place: Elk Grove now gets the Downtown Clinic)
        "i live in folsom which office should i go to",
    ],
)
def test_which_office_is_closer_gets_both_addresses(text: str) -> None:
    # Was "Which office are you heading to?", the question the patient was asking.
    _, messages = run(make_tracker(text, intent="directions"))
    [message] = messages
    assert "1200 J Street" in message["text"] and "North Office" in message["text"]
    assert message["text"] != "Which office are you heading to?"


def hours_asked_after(asked: str, text: str) -> tuple[str, str]:
    """The hours answer to ``asked``, and to ``text`` written right after it."""
    _, direct = run(make_tracker(asked, intent="clinic_hours"))
    earlier = [{"event": "user", "text": asked}, {"event": "bot", "text": direct[0]["text"]}]
    follow_up = make_tracker(
        text, intent="clinic_hours", events=earlier, slots={"info_topic": "clinic_hours"}
    )
    _, messages = run(follow_up)
    return direct[0]["text"], messages[0]["text"]


def test_a_short_follow_up_is_about_the_day_just_asked() -> None:
    # "are you open tomorrow" - "what time do you close" got today's closing time
    direct, answer = hours_asked_after("are you open tomorrow", "what time do you close")
    assert answer == direct
    # with nothing asked before, today
    _, today = run(make_tracker("what time do you close", intent="clinic_hours"))
    assert today[0]["text"] != direct


@pytest.mark.parametrize("text", ["are you open now", "r u open rn?"])
def test_open_now_after_another_day_is_about_now(text: str) -> None:
    # "are you open tomorrow" - "are you open now" gave tomorrow's hours again
    direct, answer = hours_asked_after("are you open tomorrow", text)
    _, alone = run(make_tracker(text, intent="clinic_hours"))
    assert answer != direct
    assert answer == alone[0]["text"]


@pytest.mark.parametrize("text", ["are you open on hanukkah", "what about boxing day"])
def test_a_day_we_do_not_know_is_not_the_day_asked_before(text: str) -> None:
    # Christmas Eve's hours were given again for both
    _, answer = hours_asked_after("are you open christmas eve", text)
    assert "Christmas Eve" not in answer


@pytest.mark.parametrize(
    "text", ["is the north office open saturdays", "are you open on weekends", "and sundays?"]
)
def test_every_such_day_is_not_the_holiday_asked_before(text: str) -> None:
    # New Year's Day's hours were given again
    _, answer = hours_asked_after("what about new years day", text)
    _, alone = run(make_tracker(text, intent="clinic_hours"))
    assert "New Year" not in answer
    assert answer == alone[0]["text"]


def test_when_appointments_are_offered_is_answered_with_a_way_to_book() -> None:
    # "do you have saturday appointments" started an identity check
    _, [message] = run(make_tracker("do you have saturday appointments", intent="clinic_hours"))
    assert message["text"].startswith("Yes: the Downtown Clinic is open on Saturdays, 9am–1pm.")
    assert message["buttons"] == [{"title": "Book an appointment", "payload": "/book_appointment"}]


DECEMBER_1ST = datetime(2026, 12, 1, 16, 0, tzinfo=TZ)


@pytest.mark.parametrize(
    ("text", "answer"),
    [
        # this year's Christmas Eve (a half day) was given
        (
            "r u open on christmas eve next year",
            "Fri, Dec 24, 2027 is Christmas Day (observed): both offices are closed. The "
            "Downtown Clinic opens again Saturday, Dec 25 at 9am.",
        ),
        # the next Friday's and Sunday's hours, as if asked about those
        (
            "open on easter sunday?",
            "Sun, Mar 28, 2027: both offices are closed. The North Office opens again Monday, "
            "Mar 29 at 7:30am.",
        ),
        (
            "open on black friday?",
            "Fri, Nov 26, 2027 is Day after Thanksgiving: both offices are closed. The "
            "Downtown Clinic opens again Saturday, Nov 27 at 9am.",
        ),
    ],
)
def test_a_day_named_by_what_happens_on_it_is_that_day(text: str, answer: str) -> None:
    _, messages = run(make_tracker(text, intent="clinic_hours"), DECEMBER_1ST)
    assert [m["text"] for m in messages] == [answer]


def test_the_holidays_asked_about_are_listed() -> None:
    # "what holidays are you closed" got the weekly hours alone
    tracker = make_tracker("what holidays are you closed", intent="clinic_hours")
    _, messages = run(tracker, DECEMBER_1ST)
    [message] = messages
    assert message["text"].endswith(
        "Holiday hours: Thu, Dec 24 8am–12pm (Christmas Eve); Fri, Dec 25 closed (Christmas Day); "
        "Thu, Dec 31 8am–2pm (New Year's Eve); Fri, Jan 1 closed (New Year's Day); "
        "Mon, Jan 18 closed (Martin Luther King Jr. Day); Mon, Feb 15 closed (Presidents' Day)."
    )


@pytest.mark.parametrize(
    ("text", "own"),
    [
        ("i need to update my phone number", True),
        ("what phone number do you have for me", True),
        ("my number changed", True),
        ("can you send the reminders to my phone instead of hers", True),
        ("i moved recently and my new address is different", True),
        ("whats the phone number you have on file for me", True),  # the clinic's numbers alone
        ("what address do you have on file", True),
        ("whats your phone number", False),
        ("what is your address", False),
    ],
)
def test_the_patients_own_contact_details_go_to_the_front_desk(text: str, own: bool) -> None:
    # "i need to update my phone number" got the clinic's numbers, as if asked for them
    answer = contact_text(CLINIC, CLINIC.locations, text)
    said = "I can't see or change your contact details in this chat."
    assert (said in answer) is own
    assert CLINIC.clinic.main_phone in answer


@pytest.mark.parametrize(
    ("text", "no_email", "nurse_line"),
    [
        ("whats your email address", True, False),
        ("can i email you", True, False),
        ("night number?", False, True),
        ("who do I call at night", False, True),
        ("whats your phone number", False, False),
    ],
)
def test_email_and_night_numbers_are_answered(text: str, no_email: bool, nurse_line: bool) -> None:
    """ "whats your email address" got the directions, "can i email you" the phone numbers
    with no word about email; "night number?" got no nurse line."""
    answer = contact_text(CLINIC, CLINIC.locations, text)
    assert ("We don't take patient questions by email" in answer) is no_email
    assert (str(CLINIC.clinic.after_hours_nurse_line) in answer) is nurse_line
    assert CLINIC.clinic.main_phone in answer


@pytest.mark.parametrize(
    ("text", "sites"),
    [
        ("whats your website", True),
        ("whats the website again", True),
        ("can i get the link to pay", True),
        ("whats your phone number", False),
    ],
)
def test_the_website_asked_for_is_given(text: str, sites: bool) -> None:
    """ "whats the website again" after the ways to pay was read as a complaint and handed to
    staff; the answer now gives the clinic's site and the bill-pay site."""
    answer = contact_text(CLINIC, CLINIC.locations, text)
    assert (f"Our website: {CLINIC.clinic.website}" in answer) is sites
    assert (f"To pay a bill online: {CLINIC.billing.portal_url}" in answer) is sites
    assert CLINIC.clinic.main_phone in answer


@pytest.mark.parametrize(
    ("text", "checked"),
    [
        ("which office is my appointment at", True),
        ("where is my appt", True),
        # a route, or an office named: answered here
        ("how do i get to my appointment", False),
        ("where is my appointment, downtown?", False),
    ],
)
def test_which_office_an_appointment_is_at_is_the_appointments_after_the_check(
    text: str, checked: bool
) -> None:
    """ "which office is my appointment at" got both offices' directions, and the name and
    birth date sent next "What can I help you with?"."""
    entities = location_entity("downtown") if "downtown" in text else []
    events, messages = run(make_tracker(text, intent="directions", entities=entities))
    replayed = [e for e in events if e.get("event") == "user"]
    assert bool(replayed) is checked
    if checked:
        [user] = replayed
        assert (user["text"], user["parse_data"]["intent"]["name"]) == (text, "check_appointment")
        assert messages == []
    # ...and once verified, the office of the appointment is said here (FakeScheduling tests)
    verified = make_tracker(text, intent="directions", slots={"verified": True})
    assert not [e for e in run(verified)[0] if e.get("event") == "user"]


@pytest.mark.parametrize(
    "text",
    [
        "where is the nearest ER?",
        "closest hospital to you",
        "is there an urgent care near me",
        "how do i get to the emergency room",
        "which hospital do you use",
        "do you have an ER",
        # "is there an urgent care nearby" began a booking; "...open then", after a holiday's
        # hours, got those hours again
        "is there an urgent care nearby",
        "is there any urgent care open then",
        "any urgent care thats open on sunday?",
        "where can i go if you're closed?",
    ],
)
def test_the_nearest_emergency_room_is_not_our_address(text: str) -> None:
    # "where is the nearest ER?" got the clinic's address, as if it were one
    _, messages = run(make_tracker(text, intent="directions"))
    [message] = messages
    assert message["text"].startswith("If this is an emergency, call 911 now")
    assert "(916) 555-0177" in message["text"] and "(916) 555-0142" in message["text"]
    assert "1200 J Street" not in message["text"]


@pytest.mark.parametrize(
    "text",
    [
        "is your office near the hospital",
        "where is the downtown office, by the er?",
        "is there parking by the hospital entrance",
    ],
)
def test_an_office_near_a_hospital_is_still_our_address(text: str) -> None:
    _, messages = run(make_tracker(text, intent="directions"))
    assert not messages[0]["text"].startswith("If this is an emergency")


# --- bike racks and chargers ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("is there a bike rack", "bike_parking"),
        ("where can i lock my bike", "bike_parking"),
        ("can i bring my bike inside", "bike_parking"),
        ("do you have ev charging", "ev_charging"),
        ("is there a charger for my tesla at the north office", "ev_charging"),
        ("any electric car chargers?", "ev_charging"),
        ("is there a changing table", "facilities"),
        ("is there a place to change my baby", "facilities"),
        ("do you have wifi", "facilities"),
        ("where is the restroom", "facilities"),
        ("is there somewhere to breastfeed", "facilities"),
        ("where can i get lunch near downtown", "facilities"),  # (the offices' addresses)
        ("is there a cafe in the building", "facilities"),
        ("is there a pharmacy nearby", "pharmacy"),
        ("where's the nearest pharmacy", "pharmacy"),
        ("any drugstores near the clinic", "pharmacy"),
        # not these
        ("can i change my baby's appointment", None),
        ("need to change my baby appt", None),
        ("i have to pee a lot, can i see someone", None),
        ("are your restrooms wheelchair accessible", None),
        ("i get lunch break at noon, can i book then", None),
        ("i fell off my bike", None),
        ("there is a charge on my bill", None),
        ("i was charged twice", None),
        ("where do i park my tesla", None),
        # a prescription for the care team, not where a pharmacy is
        ("can you send my prescription to the pharmacy", None),
        ("my pharmacy says you never sent it", None),
    ],
)
def test_a_bike_rack_or_a_charger_asked(text: str, kind: str | None) -> None:
    assert amenity_asked(text) == kind


def test_a_bike_rack_asked_gets_each_office_s_racks_not_the_car_park() -> None:
    # "is there a bike rack" got "Which office?" and then the City Garage
    events, messages = run(make_tracker("is there a bike rack", intent="parking"))
    [answer] = messages
    assert answer["text"] == (
        "Bike parking at the Downtown Clinic: Bike racks on J Street, right beside the "
        "building's entrance.\n"
        "Bike parking at the North Office: A covered bike rack beside the door of Building B."
    )
    assert events == [SlotSet("info_topic", "parking")]


@pytest.mark.parametrize(
    ("text", "answer"),
    [
        (
            "is there a charger for my tesla at the north office",
            "Electric car charging at the North Office: There are no EV chargers in our lot.",
        ),
        # (it asked for the patient's name)
        (
            "is there a place to change my baby at the north office",
            "Facilities at the North Office: A restroom with a baby-changing table is off the "
            "waiting room. Free guest Wi-Fi (ask the front desk for the password) and a water "
            "cooler in the waiting room; no food on site. Ask the front desk for a private "
            "room to nurse or pump.",
        ),
    ],
)
def test_an_amenity_asked_at_one_office_gets_that_office_s(text: str, answer: str) -> None:
    tracker = make_tracker(text, intent="parking", entities=location_entity("north"))
    _, messages = run(tracker)
    assert [m["text"] for m in messages] == [answer]


def test_the_nearest_pharmacy_asked_gets_each_office_s() -> None:
    # "is there a pharmacy nearby": the North Office's whole directions, "next to the
    # pharmacy" in the middle of them
    _, messages = run(make_tracker("is there a pharmacy nearby", intent="parking"))
    [answer] = messages
    assert answer["text"].splitlines() == [
        "Pharmacy at the Downtown Clinic: The nearest pharmacy is one block south, at 12th and K "
        "Street. Ask us to send your prescription there, or to any pharmacy you choose.",
        "Pharmacy at the North Office: A pharmacy is right next door, on the ground floor of "
        "Building B. Ask us to send your prescription there, or to any pharmacy you choose.",
    ]


def test_an_office_without_the_detail_sends_the_patient_to_its_front_desk() -> None:
    clinic = get_clinic()
    bare = clinic.locations[0].copy(update={"bike_parking": ""})
    assert amenity_text("bike_parking", [bare]) == (
        f"Bike parking at the {bare.name}: I don't have that detail; the front desk can tell "
        f"you at {bare.phone}."
    )


def test_a_charger_question_read_as_out_of_scope_is_answered() -> None:
    # "can i charge my electric car there": "not something I can help with"
    tracker = make_tracker("can i charge my electric car there", intent="out_of_scope")
    events = ActionOutOfScope().run(CollectingDispatcher(), tracker, {})
    assert events[-1]["parse_data"]["intent"]["name"] == "parking"
    assert events[-1]["text"] == "can i charge my electric car there"


# --- a place named instead of an office -------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "office", "place"),
    [
        ("which office is closer to elk grove", "downtown", "Elk Grove"),
        ("is the north office closer to natomas", None, None),
        ("we live in west sacramento, where should we go", "downtown", "West Sacramento"),
        ("im coming from roseville", "north", "Roseville"),
        ("which office is closest to 95823", "downtown", "95823"),
        ("im in 95660", "north", "95660"),
        ("my zip is 95814-1234", "downtown", "95814"),
        ("call me at 916 958 3512", None, None),  # no ZIP code in a phone number
        ("which office is closer to me", None, None),
        ("how far is the north office from downtown", None, None),
    ],
)
def test_the_office_closer_to_a_place(text: str, office: str | None, place: str | None) -> None:
    found = nearer_office(text, get_clinic())
    assert (found[0].id, found[1]) == (office, place) if found else office is None


def test_which_office_is_closer_gets_that_office_s_directions() -> None:
    # both offices' directions came back, and the patient had to work it out
    _, messages = run(make_tracker("which office is closer to elk grove", intent="directions"))
    [answer] = messages
    assert answer["text"] == (
        "From Elk Grove, the Downtown Clinic is the closer of our offices.\n"
        + directions_text(get_clinic().location("downtown"))
    )
    assert answer["buttons"] == []


def test_a_zip_code_is_said_as_one() -> None:
    _, messages = run(make_tracker("which office is closest to 95835", intent="directions"))
    assert messages[0]["text"].startswith(
        "From ZIP code 95835, the North Office is the closer of our offices.\n"
    )


def test_a_place_answers_which_office() -> None:
    asked = [
        {"event": "action", "name": "action_location_info"},
        {
            "event": "bot",
            "text": "Which office are you visiting? Parking is different at each one.",
        },
        {"event": "action", "name": "action_listen"},
    ]
    tracker = make_tracker(
        "i live in rio linda", intent="inform", events=asked, slots={"info_topic": "parking"}
    )
    _, messages = run(tracker)
    assert messages[0]["text"] == (
        "From Rio Linda, the North Office is the closer of our offices.\n" + PARKING_NORTH
    )
    assert [b["title"] for b in messages[0]["buttons"]] == ["Downtown Clinic instead"]


# --- a time of day asked ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "clock"),
    [
        ("are you open at 7am", time(7, 0)),
        ("open at 6:30 pm on thursday?", time(18, 30)),
        ("can i come by at 5 today", time(17, 0)),
        ("is the north office open at 8 tomorrow", time(8, 0)),
        ("open at noon on saturday?", time(12, 0)),
        # no time of day
        ("are you open 7 days a week", None),
        ("what are your hours on 12/5", None),
        ("are you open on the 5th", None),
    ],
)
def test_the_time_of_day_asked(text: str, clock: time | None) -> None:
    assert asked_clock(text) == clock


def test_open_at_a_time_on_a_day_says_which_office_is_open_then() -> None:
    # the day's hours came back, and the patient had to work it out
    _, messages = run(make_tracker("are you open at 6:30pm on thursday", intent="clinic_hours"))
    assert [m["text"] for m in messages] == [
        "At 6:30pm on Thu, Nov 26:\nDowntown Clinic: closed that day\nNorth Office: closed that day"
    ]  # (Thanksgiving)
    tracker = make_tracker(
        "is the downtown clinic open at 6:30pm next thursday",
        intent="clinic_hours",
        entities=location_entity("downtown"),
    )
    _, messages = run(tracker)
    assert (
        messages[0]["text"] == "At 6:30pm on Thu, Dec 3, the Downtown Clinic is open (until 7pm)."
    )


def test_open_at_a_time_with_no_day_is_the_next_time_it_comes_round_then_the_week() -> None:
    _, messages = run(make_tracker("are you open at 7am", intent="clinic_hours"))
    assert messages[0]["text"].startswith(
        "At 7am tomorrow (Wed, Nov 25):\n"
        "Downtown Clinic: not open yet (opens at 8am)\n"
        "North Office: not open yet (opens at 7:30am)\n"
    )
    assert "Hours: Mon–Wed 8am–6pm" in messages[0]["text"]
    _, messages = run(make_tracker("are you open at 5:30 today", intent="clinic_hours"))
    assert messages[0]["text"].startswith(
        "At 5:30pm today (Tue, Nov 24):\n"
        "Downtown Clinic: open (until 6pm)\n"
        "North Office: closed by then (closes at 5pm)"
    )


def _tagged(text: str, *said: str) -> list[dict[str, Any]]:
    """Location entities where the words ``said`` stand in ``text``, as the NLU tags them."""
    values = {"downtown": "downtown", "north office": "north"}
    return [
        {
            "entity": "location",
            "value": values[s],
            "start": text.find(s),
            "end": text.find(s) + len(s),
        }
        for s in said
    ]


def test_the_office_set_out_from_is_not_the_one_asked_the_way_to() -> None:
    # "how do i get to the north office from downtown by bus" got the Downtown Clinic's buses
    # too
    text = "how do i get to the north office from downtown by bus"
    tracker = make_tracker(
        text, intent="directions", entities=_tagged(text, "north office", "downtown")
    )
    _, messages = run(tracker)
    assert len(messages) == 1
    assert messages[0]["text"].startswith("North Office: 4500 Natomas Boulevard")
    assert "Downtown" not in messages[0]["text"]
    # both named as places to go: both answered
    both = "which buses go to downtown and to the north office"
    tracker = make_tracker(
        both, intent="directions", entities=_tagged(both, "downtown", "north office")
    )
    _, messages = run(tracker)
    said = " ".join(m["text"] for m in messages)
    assert "Downtown Clinic" in said and "North Office" in said


# --- the other part of the same message -------------------------------------------------------


def test_hours_asked_with_an_offices_address_are_that_offices() -> None:
    first = make_tracker(
        "whats the address of the north office and are you open saturday",
        intent="directions",
        entities=location_entity("north"),
    )
    first.events[-1]["message_id"] = "m1"
    events, messages = run(first)
    assert messages == [{**messages[0], "text": DIRECTIONS_NORTH}]
    assert SlotSet("info_location", "north") in events
    assert events[-1]["text"] == "are you open saturday"
    assert events[-1]["message_id"] == "m1"

    second = make_tracker(
        "are you open saturday", intent="clinic_hours", events=[*first.events, *events[:-1]]
    )
    second.events[-1]["message_id"] = "m1"  # the same message, replayed
    _, messages = run(second)
    # the North Office's Saturday, and where to go that day (both offices' weeks came)
    assert [m["text"] for m in messages] == [
        "Sat, Nov 28: the North Office is closed. It opens again Monday at 7:30am. "
        "The Downtown Clinic is open 9am–1pm that day."
    ]


def test_hours_asked_later_still_come_for_every_office() -> None:
    """A new message (another id) after an answer about one office: both offices' hours."""
    before = [
        {"event": "user", "text": "where is the north office", "message_id": "m1"},
        {"event": "slot", "name": "info_location", "value": "north"},
    ]
    tracker = make_tracker("what are your hours", intent="clinic_hours", events=before)
    tracker.events[-1]["message_id"] = "m2"
    _, messages = run(tracker)
    assert messages[0]["text"].startswith("Downtown Clinic: ")
    assert "\nNorth Office: " in messages[0]["text"]


# --- which office, compared -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "first_line"),
    [
        (
            "which office is open later",
            "The Downtown Clinic is open latest: until 7pm on Thursdays.",
        ),
        (
            "which location opens earliest",
            "The North Office opens earliest: at 7:30am from Monday to Friday.",
        ),
        (
            "which office is open later on fridays",
            "The Downtown Clinic is open latest: until 5pm on Fridays.",
        ),
        (
            "which one is open later on saturdays",
            "Only the Downtown Clinic is open on Saturdays: 9am–1pm.",
        ),
    ],
)
def test_which_office_is_open_later_is_answered_first(text: str, first_line: str) -> None:
    """ "which office is open later" got both offices' weeks, and the patient had to compare."""
    _, messages = run(make_tracker(text, intent="clinic_hours"))
    lines = messages[0]["text"].split("\n")
    assert lines[0] == first_line
    assert lines[1].startswith("Downtown Clinic: ") and lines[2].startswith("North Office: ")


def test_the_hours_alone_compare_nothing() -> None:
    _, messages = run(make_tracker("what are your hours", intent="clinic_hours"))
    assert messages[0]["text"].startswith("Downtown Clinic: ")


@pytest.mark.parametrize(
    ("text", "answer"),
    [
        # the week's hours alone: the yes or no was left to the patient
        ("are you open saturdays", "On Saturdays: Downtown Clinic 9am–1pm; North Office closed."),
        ("r u open sundays?", "On Sundays both offices are closed."),
        (
            "what are your hours on weekends",
            "On Saturdays: Downtown Clinic 9am–1pm; North Office closed.\n"
            "On Sundays both offices are closed.",
        ),
    ],
)
def test_a_day_of_the_week_asked_gets_that_days_hours(text: str, answer: str) -> None:
    _, messages = run(make_tracker(text, intent="clinic_hours"))
    # (then the holidays of the next two weeks, Thanksgiving on this Tuesday)
    holidays = (
        "Holiday hours: Thu, Nov 26 closed (Thanksgiving Day); "
        "Fri, Nov 27 closed (Day after Thanksgiving)."
    )
    assert messages[0]["text"] == f"{answer}\n{holidays}"
    # one office named: that office's
    _, messages = run(
        make_tracker(
            "is the north office open saturdays",
            intent="clinic_hours",
            entities=location_entity("north"),
        )
    )
    # (and the office open then: "closed" alone was a dead end)
    assert messages[0]["text"].startswith(
        "On Saturdays the North Office is closed. The Downtown Clinic is open then, 9am–1pm.\n"
    )


def test_closing_for_lunch_asked_is_answered_before_the_hours() -> None:
    # "lunch hours?" got the opening hours alone, the break left to be worked out
    _, messages = run(make_tracker("do you close for lunch", intent="clinic_hours"))
    assert messages[0]["text"].startswith(
        "Our offices stay open through lunch, with no break.\nDowntown Clinic:"
    )
    _, messages = run(make_tracker("lunch hours at the north office?", intent="clinic_hours"))
    assert messages[0]["text"].startswith("The office stays open through lunch, with no break.")
    _, messages = run(make_tracker("what are your hours", intent="clinic_hours"))
    assert "lunch" not in messages[0]["text"]


@pytest.mark.parametrize(
    "text",
    [
        "whats the difference between the two offices",
        "which office should i go to",
        "can you compare your locations",
    ],
)
def test_the_offices_compared_side_by_side(text: str) -> None:
    # both addresses, and "Which office are you heading to?": the question the patient asked
    _, messages = run(make_tracker(text, intent="directions"))
    [message] = messages
    said = message["text"]
    assert said.startswith("Downtown Clinic, 1200 J Street, Suite 300\nOpen: Mon–Wed 8am–6pm")
    assert "Dr. Okafor (under 18 only): Monday to Saturday" in said
    assert "North Office, 4500 Natomas Boulevard, Building B\nOpen: Mon–Thu 7:30am–5pm" in said
    assert "Sam Lee: Monday to Friday" in said
    assert "Parking: Free parking in the lot in front of Building B" in said
    assert [b["title"] for b in message["buttons"]] == [
        "Downtown Clinic directions",
        "North Office directions",
    ]


def test_one_office_named_is_not_a_comparison() -> None:
    tracker = make_tracker(
        "which office should i go to, the north one?",
        intent="directions",
        entities=location_entity("north"),
    )
    _, messages = run(tracker)
    assert not messages[0]["text"].startswith("Downtown Clinic, 1200 J Street")
