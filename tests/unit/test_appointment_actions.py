"""Appointment actions with a real ``Tracker``/``CollectingDispatcher`` and the real embedded FHIR
backend (in a thread): the exact events each message produces and the responses sent."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import yaml
from rasa_sdk.events import ActionExecuted, ActiveLoop, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import cancel_appointment, manage_appointments, patient_match
from actions.all_appointments import ALL_APPOINTMENTS
from actions.billing import ValidateBalanceForm
from actions.booking import ValidateBookingForm
from actions.booking_choices import ActionAskDatePreference, ActionAskVisitType
from actions.booking_times import (
    ActionAskBookingConfirmed,
    ActionAskSlotChoice,
    ActionBookAppointment,
    arrival_sentence,
    open_days,
    time_asked_taken,
)
from actions.cancel_appointment import (
    ActionAskCancelConfirmed,
    ActionCancelAppointment,
    ValidateCancelForm,
    illness_said,
)
from actions.clients.fhir import FhirClient
from actions.clients.fhir_model import PatientRecord
from actions.clinic_config import ClinicConfig, Holiday
from actions.date_changes import shift_said_as_day
from actions.dates import When, day_label, parse_when
from actions.fallback import ActionAskAffirmation, ActionComplaint
from actions.formatting import a_or_an, appointment_sentence, arrival
from actions.manage_appointments import (
    ActionShowAppointments,
    ValidateCheckForm,
    choice_by_description,
    load_appointments,
)
from actions.message_reading import yes_or_no
from actions.offer_answers import ActionAnswerNo
from actions.patient_status import patient_status
from actions.phone import phone_hash, seal_phone
from actions.reschedule_appointment import (
    ActionRescheduleAppointment,
    ValidateRescheduleForm,
    new_time_part,
)
from actions.said_before import visit_named_before
from actions.second_request import second_request
from actions.settings import get_clinic, get_settings
from actions.slot_search import request_from_slots
from actions.stop import ActionStop, cancels_instead
from actions.visit_request import (
    DATE_SUGGESTIONS,
    WEEKEND_DATE_SUGGESTIONS,
    picked_offer,
    read_search_details,
)
from tests.support.actions import (
    PHONE_SECRET,
    actions_use_fhir,
    make_tracker,
    next_month_on,
    responses,
    texts,
)
from tests.support.fhir_servers import FhirServer


def run_booking(
    text: str, intent: str = "inform", **kwargs: Any
) -> tuple[list, CollectingDispatcher]:
    dispatcher = CollectingDispatcher()
    tracker = make_tracker(text, intent=intent, active_loop="booking_form", **kwargs)
    return ValidateBookingForm().run(dispatcher, tracker, {}), dispatcher


def slots_of(events: list[dict[str, Any]]) -> dict[str, Any]:
    return {e["name"]: e["value"] for e in events if e.get("event") == "slot"}


# --- reading the patient's words ---------------------------------------------------------------


def test_everything_in_one_message() -> None:
    events, dispatcher = run_booking(
        "a physical with Dr. Patel next Tuesday morning at the north office",
        intent="book_appointment",
    )
    assert events == [
        SlotSet("visit_type", "physical"),
        SlotSet("practitioner", "patel"),
        SlotSet("location", "north"),
        SlotSet(
            "date_preference", "a physical with Dr. Patel next Tuesday morning at the north office"
        ),
        SlotSet("requested_slot", "patient_status"),
    ]
    assert dispatcher.messages == []


@pytest.mark.parametrize(
    ("text", "entities", "response", "plan"),
    [
        (
            "I'd like a physical, I have Kaiser",
            [],
            "utter_insurance_not_accepted",
            "Kaiser Permanente",
        ),
        ("book me a flu shot, we have aetna", [], "utter_insurance_accepted", "Aetna"),
        (
            "El Paso Health member, can i make an appt",
            [{"entity": "insurance", "value": "El Paso Health"}],
            "utter_insurance_unknown",
            "El Paso Health",
        ),
        (
            "can I book a visit? I have Zenith Mutual",
            [{"entity": "insurance", "value": "Zenith Mutual"}],
            "utter_insurance_unknown",
            "Zenith Mutual",
        ),
    ],
)
def test_a_plan_named_when_asking_to_book_is_answered_first(
    text: str, entities: list[dict[str, Any]], response: str, plan: str
) -> None:
    events, dispatcher = run_booking(text, intent="book_appointment", entities=entities)
    [message] = dispatcher.messages
    assert (message["response"], message["plan"]) == (response, plan)
    assert SlotSet("requested_slot", "patient_status") in events  # and the booking goes on


def test_a_day_tagged_as_a_plan_is_no_plan() -> None:
    # The model once tagged "martin luther king day" as insurance: "I don't see martin luther
    # king day on my list" before the booking question.
    text = "i want to book a physical on martin luther king day"
    tag = {"entity": "insurance", "value": "martin luther king day", "start": 26, "end": 48}
    events, dispatcher = run_booking(text, intent="book_appointment", entities=[tag])
    assert dispatcher.messages == []
    assert SlotSet("requested_slot", "patient_status") in events


def test_a_plan_is_answered_only_when_the_booking_starts() -> None:
    _, dispatcher = run_booking(
        "I have Kaiser", intent="book_appointment", slots={"requested_slot": "visit_type"}
    )
    assert not [m for m in dispatcher.messages if "insurance" in (m["response"] or "")]


@pytest.mark.parametrize(
    ("text", "intent", "status"),
    [
        ("yes", "affirm", "returning"),
        ("yep I've been there before", "inform", "returning"),
        ("no, I'm new", "deny", "new"),
        ("2", "inform", "new"),
        ("first time", "inform", "new"),
        # once a new patient called "she's new" (the name kept from this answer)
        ("she's new", "inform", "new"),
        ("he hasn't been seen there", "inform", "new"),
    ],
)
def test_new_or_returning(text: str, intent: str, status: str) -> None:
    events, _ = run_booking(text, intent, slots={"requested_slot": "patient_status"})
    slots = slots_of(events)
    assert slots["patient_status"] == status
    assert "verify_name" not in slots
    if status == "new":
        assert slots["visit_type"] == "new_patient"
        assert slots["requested_slot"] == "practitioner"  # the new-patient visit is implied


def test_only_one_clinician_does_this_visit() -> None:
    events, _ = run_booking(
        "a pap smear", slots={"requested_slot": "visit_type", "patient_status": "returning"}
    )
    assert slots_of(events) == {
        "visit_type": "womens_health",
        "practitioner": "gonzalez",
        "requested_slot": "location",
    }


@pytest.mark.parametrize(
    ("said", "office"),
    [
        # Dr. Patel: Downtown on Mondays, Wednesdays and Fridays, North on Tuesdays and Thursdays
        ("a follow up at 4:30 on friday with dr patel", "downtown"),
        ("a follow up with dr patel next tuesday or thursday", "north"),
        # days at both offices, or no day: the office is asked
        ("a follow up with dr patel on monday or tuesday next week", None),
        ("a follow up with dr patel", None),
        ("a follow up with dr patel as soon as possible", None),
    ],
)
def test_the_clinicians_one_office_on_the_days_asked_is_not_asked(
    said: str, office: str | None
) -> None:
    # "Which office suits you best?", though she is at the Downtown Clinic only on Fridays
    events, _ = run_booking(said, slots={"requested_slot": None, "patient_status": "returning"})
    slots = slots_of(events)
    assert slots["practitioner"] == "patel"
    assert slots.get("location") == office
    assert (slots["requested_slot"] == "location") is (office is None)


def test_clinician_who_does_not_do_this_visit_drops_the_visit_type() -> None:
    events, _ = run_booking(
        "dr okafor",
        slots={
            "requested_slot": "practitioner",
            "patient_status": "returning",
            "visit_type": "womens_health",
        },
    )
    slots = slots_of(events)
    assert slots["practitioner"] == "okafor" and slots["visit_type"] is None
    assert slots["requested_slot"] == "visit_type"


def test_no_preference_and_either() -> None:
    base = {"patient_status": "returning", "visit_type": "physical"}
    events, _ = run_booking("no preference", slots={**base, "requested_slot": "practitioner"})
    assert slots_of(events)["practitioner"] == "any"
    events, _ = run_booking(
        "nope", "deny", slots={**base, "practitioner": "patel", "requested_slot": "location"}
    )
    assert slots_of(events)["location"] == "any"


@pytest.mark.parametrize(
    ("text", "requested"),
    [
        ("no preference", "practitioner"),
        ("first available", "practitioner"),
        ("doesn't matter", "location"),
        ("any one is fine", "location"),
    ],
)
def test_no_preference_for_who_or_where_says_nothing_about_when(text: str, requested: str) -> None:
    base = {"patient_status": "returning", "visit_type": "sick", "requested_slot": requested}
    if requested == "location":
        base["practitioner"] = "any"
    # "...next week" in the first message is kept...
    events, _ = run_booking(text, slots={**base, "date_preference": "next week"})
    assert slots_of(events)[requested] == "any"
    assert "date_preference" not in slots_of(events)
    # ...and without it, "when?" is still asked.
    events, _ = run_booking(text, slots=base)
    assert "date_preference" not in slots_of(events)
    if requested == "location":
        assert slots_of(events)["requested_slot"] == "date_preference"


def test_no_preference_for_where_but_a_day_for_when() -> None:
    slots = {
        "patient_status": "returning",
        "visit_type": "sick",
        "practitioner": "any",
        "requested_slot": "location",
    }
    events, _ = run_booking("either, but next week please", slots=slots)
    assert slots_of(events)["location"] == "any"
    assert slots_of(events)["date_preference"] == "but next week please"


@pytest.mark.parametrize(
    ("text", "office"),
    [
        ("whichever is closer to elk grove", "downtown"),
        ("the one nearest roseville", "north"),
        ("i live in rancho cordova", "downtown"),
        ("whatever's closest to 95835", "north"),  # a ZIP code: "please tap one of the options"
    ],
)
def test_a_place_named_for_which_office_is_the_nearer_office(text: str, office: str) -> None:
    """ "whichever is closer to elk grove" at "Which office suits you best?" got both offices'
    full directions (let through as a directions question) and the same question again."""
    slots = {
        "patient_status": "returning",
        "visit_type": "sick",
        "practitioner": "patel",
        "requested_slot": "location",
    }
    tracker = make_tracker(text, intent="directions", slots=slots, active_loop="booking_form")
    assert not ValidateBookingForm().should_let_through(tracker)
    events, dispatcher = run_booking(text, intent="directions", slots=slots)
    assert slots_of(events)["location"] == office
    [note] = dispatcher.messages
    assert note["text"].endswith("is the closer of our offices.")
    assert get_clinic().location(office).name in note["text"]


def test_a_nearer_office_the_clinician_does_not_work_at_is_not_chosen() -> None:
    """Sam Lee works at the North Office only: "closer to elk grove" (Downtown) is no pick, nor
    is a question about the way there."""
    slots = {"patient_status": "returning", "visit_type": "sick", "requested_slot": "location"}
    lee = {**slots, "practitioner": "lee"}
    events, dispatcher = run_booking("closer to elk grove", intent="inform", slots=lee)
    assert slots_of(events).get("location") != "downtown"
    assert not any("closer" in str(m.get("text")) for m in dispatcher.messages)
    patel = {**slots, "practitioner": "patel"}
    events, _ = run_booking("where is the one near elk grove", intent="directions", slots=patel)
    assert "location" not in slots_of(events)


@pytest.mark.parametrize(
    "text", ["whichever office is closest to 95835", "which office is closer to me"]
)
def test_an_office_asked_of_a_clinician_at_one_only_is_said_at_the_day_question(text: str) -> None:
    """Dr. Okafor works Downtown only, taken without asking: "whichever office is closest to
    95835" at the day question got "I didn't catch a day", the office unsaid."""
    slots = {
        "patient_status": "returning",
        "visit_type": "well_child",
        "practitioner": "okafor",
        "location": "downtown",
        "requested_slot": "date_preference",
    }
    tracker = make_tracker(text, intent="directions", slots=slots, active_loop="booking_form")
    assert not ValidateBookingForm().should_let_through(tracker)
    events, dispatcher = run_booking(text, intent="directions", slots=slots)
    assert slots_of(events)["location"] == "downtown"
    [message] = dispatcher.messages
    assert message["response"] == "utter_practitioner_elsewhere"
    assert (message["practitioner"], message["offices"]) == (
        "Dr. James Okafor",
        "the Downtown Clinic",
    )
    # a clinician at both offices was asked which one: no such word
    events, dispatcher = run_booking(
        text, intent="directions", slots={**slots, "practitioner": "patel"}
    )
    assert "utter_practitioner_elsewhere" not in responses(dispatcher)


OFFERS = [
    {
        "id": "s1",
        "start": "2026-12-01T09:00:00-08:00",
        "practitioner": "patel",
        "location": "north",
    },
    {
        "id": "s2",
        "start": "2026-12-01T09:30:00-08:00",
        "practitioner": "patel",
        "location": "north",
    },
]
READY = {
    "patient_status": "returning",
    "visit_type": "physical",
    "practitioner": "patel",
    "location": "north",
    "date_preference": "next tuesday",
    "offered_slots": OFFERS,
}


def test_pick_an_offer_by_number_time_or_button() -> None:
    for text, entities in (
        ("2", []),
        ("the 9:30 one", []),
        ('/inform{"slot_choice": "s2"}', [{"entity": "slot_choice", "value": "s2"}]),
        # the 2nd of the month was searched ("The North Office is closed on Saturdays")
        ("2nd pls", [{"entity": "date", "value": "2nd"}]),
        ("the 2nd", [{"entity": "date", "value": "the 2nd"}]),
    ):
        events, _ = run_booking(
            text, slots={**READY, "requested_slot": "slot_choice"}, entities=entities
        )
        assert slots_of(events) == {"slot_choice": "s2", "requested_slot": "verify_name"}


@pytest.mark.parametrize(
    ("requested", "text", "picked"),
    [
        # (for a patient of unknown age: Dr. Patel, Dr. Okafor, Sam Lee, No preference)
        ("practitioner", "the 2nd one", {"practitioner": "okafor"}),
        ("practitioner", "2nd pls", {"practitioner": "okafor"}),
        # (Dr. Patel's offices: Downtown, North, Either)
        ("location", "the second one", {"location": "north"}),
    ],
)
def test_a_pick_from_the_clinicians_or_offices_is_no_day_of_the_month(
    requested: str, text: str, picked: dict[str, str]
) -> None:
    """ "the 2nd one" at "Who would you like to see?" searched Saturday Jan 2 instead of
    "tomorrow afternoon", with the clinician shown first."""
    slots = {
        "patient_status": "returning",
        "visit_type": "sick",
        "date_preference": "tomorrow afternoon",
        "practitioner": "patel" if requested == "location" else None,
        "requested_slot": requested,
    }
    events, _ = run_booking(text, slots=slots, entities=[{"entity": "date", "value": "2nd"}])
    updates = slots_of(events)
    assert {k: updates.get(k) for k in picked} == picked
    assert "date_preference" not in updates


def test_a_pick_that_names_the_times_own_office_is_a_pick() -> None:
    """ "ok north then, tuesday 9:30" names the office of the time shown: that time (the list
    was searched and shown again); another office is a new search."""
    events, _ = run_booking(
        "ugh ok north then, tuesday 9:30",
        slots={**READY, "location": "any", "requested_slot": "slot_choice"},
        entities=[{"entity": "location", "value": "north"}],
    )
    assert slots_of(events) == {"slot_choice": "s2", "requested_slot": "verify_name"}
    events, _ = run_booking(
        "downtown then, tuesday 9:30",
        slots={**READY, "location": "any", "requested_slot": "slot_choice"},
        entities=[{"entity": "location", "value": "downtown"}],
    )
    assert slots_of(events)["location"] == "downtown"
    assert slots_of(events)["offered_slots"] is None


def test_correction_while_choosing_clears_the_offers() -> None:
    events, _ = run_booking(
        "actually the downtown office would be better",
        slots={**READY, "requested_slot": "slot_choice"},
    )
    assert slots_of(events) == {
        "location": "downtown",
        "offered_slots": None,
        "requested_slot": "slot_choice",
    }


@pytest.mark.parametrize(
    ("text", "wanted"),
    [
        # a goodbye to the model ("Take care!"), then 8:30 and 8:00 offered after 8:00 and 7:30
        ("something later", "next tuesday afternoon"),
        ("anything later?", "next tuesday afternoon"),
    ],
)
def test_later_times_asked_for_are_later_in_the_day(text: str, wanted: str) -> None:
    slots = {**READY, "requested_slot": "slot_choice"}
    events, dispatcher = run_booking(text, "inform", slots=slots)
    assert dispatcher.messages == []  # the offers that follow say "(afternoon)"
    changed = slots_of(events)
    assert changed["date_preference"] == wanted
    assert changed["excluded_slots"] == ["s1", "s2"] and changed["offered_slots"] is None
    afternoon = {
        **slots,
        "offered_slots": [{"id": "s3", "start": "2026-12-01T13:30:00-08:00"}],
        "date_preference": "next tuesday afternoon",
    }
    events, _ = run_booking(text, "inform", slots=afternoon)
    # after the latest time shown (1:30 itself is taken by the one shown)
    assert slots_of(events)["date_preference"] == "next tuesday afternoon after 2pm"


NOON_OFFERS = [
    {"id": f"n{day}", "start": f"2026-12-0{day}T12:00:00-08:00", "practitioner": "patel"}
    for day in (1, 2, 4)
]


@pytest.mark.parametrize("form", ["booking_form", "reschedule_form"])
def test_later_times_asked_for_on_a_day_named_are_later_than_those_shown_that_day(
    monkeypatch: pytest.MonkeyPatch, fhir_env: FhirServer, form: str
) -> None:
    """ "anything later in the afternoon on wednesday?" at Mon, Wed and Fri 12:00pm: Wednesday
    12:00pm came first again."""
    sunday = datetime(2026, 11, 29, 17, 0, tzinfo=ZoneInfo("America/Los_Angeles"))
    monkeypatch.setattr(ClinicConfig, "now", lambda self: sunday)
    form_class = ValidateBookingForm if form == "booking_form" else ValidateRescheduleForm
    slots = {
        **READY,
        "date_preference": "next week afternoon",
        "offered_slots": NOON_OFFERS,
        "requested_slot": "slot_choice",
        **(
            {"verified": True, "patient_id": "p1", "appointment_choice": "a1"}
            if form == "reschedule_form"
            else {}
        ),
    }
    for text, wanted in (
        ("anything later in the afternoon on wednesday?", " after 12:30pm"),
        ("do you have something later on tuesday", " after 12:30pm"),
        ("anything later on thursday", ""),  # nothing was shown on Thursday
        ("what about wednesday", ""),  # no "later"
    ):
        tracker = make_tracker(text, intent="inform", slots=slots, active_loop=form)
        events = form_class().run(CollectingDispatcher(), tracker, {})
        said = slots_of(events)["date_preference"]
        # (the afternoon asked before may be kept: "on tuesday afternoons after 12:30pm")
        assert said.startswith(text) and said.endswith(wanted)
        assert ("12:30pm" in said) == bool(wanted)


@pytest.mark.parametrize(
    ("text", "dates", "not_before", "not_after"),
    [
        # "the instead anything later like 3 or 4? after 1:30pm": every day's 1:30 on
        ("anything later like 3 or 4?", ["3", "4"], time(15, 0), time(17, 0)),
        # the afternoons of the next two weeks, after 1:30
        ("anything later?", [], time(13, 30), None),
    ],
)
def test_later_times_asked_moving_to_its_own_afternoon_stay_on_its_day(
    monkeypatch: pytest.MonkeyPatch,
    text: str,
    dates: list[str],
    not_before: time,
    not_after: time | None,
) -> None:
    """ "can i just change it to the afternoon instead" (Fri Dec 11, 8am): Friday's 12:00 and
    1:00 shown; a later time asked is asked on that Friday."""
    monday = datetime(2026, 12, 7, 1, 50, tzinfo=ZoneInfo("America/Los_Angeles"))
    monkeypatch.setattr(ClinicConfig, "now", lambda self: monday)
    appointment = {
        "id": "a1",
        "start": "2026-12-11T08:00:00-08:00",
        "visit_type": "physical",
        "practitioner": "patel",
        "location": "downtown",
    }
    slots = {
        **READY,
        "location": "downtown",
        "verified": True,
        "patient_id": "p1",
        "appointment_choice": "a1",
        "my_appointments": [appointment],
        "date_preference": "the afternoon instead",
        "offered_slots": [
            {"id": f"f{hour}", "start": f"2026-12-11T{hour}:00:00-08:00", "practitioner": "patel"}
            for hour in (12, 13)
        ],
        "requested_slot": "slot_choice",
    }
    entities = [{"entity": "date", "value": value} for value in dates]
    tracker = make_tracker(
        text, intent="inform", slots=slots, active_loop="reschedule_form", entities=entities
    )
    changed = slots_of(ValidateRescheduleForm().run(CollectingDispatcher(), tracker, {}))
    when = request_from_slots({**slots, **changed}, get_clinic(), monday).when
    assert (when.start, when.end) == (date(2026, 12, 11), date(2026, 12, 11))
    assert (when.not_before, when.not_after) == (not_before, not_after)


def test_none_of_these_asks_for_another_time() -> None:
    events, dispatcher = run_booking("no", "deny", slots={**READY, "requested_slot": "slot_choice"})
    assert slots_of(events) == {
        "date_preference": None,
        "offered_slots": None,
        "excluded_slots": ["s1", "s2"],  # not shown again first
        "requested_slot": "date_preference",
    }
    assert responses(dispatcher) == ["utter_ask_other_time"]


@pytest.mark.parametrize(
    ("text", "read_as"),
    [
        ("any other times?", "inform"),  # the same times again
        ("show me more", "inform"),
        ("a later date?", "inform"),
        ("none of those work, any other times?", "inform"),
    ],
)
def test_other_times_asked_for_search_past_those_shown(text: str, read_as: str) -> None:
    slots = {**READY, "requested_slot": "slot_choice", "excluded_slots": ["s0"]}
    events, dispatcher = run_booking(text, read_as, slots=slots)
    assert slots_of(events) == {
        "offered_slots": None,
        "excluded_slots": ["s0", "s1", "s2"],
        "requested_slot": "slot_choice",  # the preference kept: the next ones in it
    }
    assert responses(dispatcher) == ["utter_ask_other_time"]


def test_asked_whether_there_are_evening_appointments_evening_times_are_looked_for() -> None:
    # "do you have evening appointments?" at "What day or time works best?" got the offices'
    # late hours, then the same question
    asked = {
        "patient_status": "returning",
        "visit_type": "physical",
        "practitioner": "patel",
        "location": "north",
        "requested_slot": "date_preference",
    }
    text = "do you have evening appointments?"
    tracker = make_tracker(text, intent="clinic_hours", slots=asked, active_loop="booking_form")
    assert not ValidateBookingForm().should_let_through(tracker)
    events, _ = run_booking(text, "clinic_hours", slots=asked)
    assert "evening" in slots_of(events)["date_preference"]


def test_unreadable_answer_explains_and_asks_again() -> None:
    events, dispatcher = run_booking(
        "the blue one",
        slots={
            "patient_status": "returning",
            "visit_type": "physical",
            "practitioner": "patel",
            "location": "north",
            "requested_slot": "date_preference",
        },
    )
    assert slots_of(events) == {"date_preference": None, "requested_slot": "date_preference"}
    assert responses(dispatcher) == ["utter_explain_date_preference"]


@pytest.mark.parametrize(
    ("requested", "slots"),
    [
        ("date_preference", {"practitioner": "okafor", "location": "downtown"}),
        ("practitioner", {}),
    ],
)
def test_who_the_writer_is_to_the_patient_is_heard_not_explained(
    requested: str, slots: dict[str, str]
) -> None:
    # Liam's booking, "What day or time works best?" - "im his mom": "Sorry, I didn't catch a
    # day there", as if it were a wrong answer
    asked = {
        "patient_status": "returning",
        "visit_type": "sick",
        **slots,
        "requested_slot": requested,
    }
    for text in ("im his mom", "I'm her father"):
        events, dispatcher = run_booking(text, slots=asked)
        assert slots_of(events)["requested_slot"] == requested
        assert responses(dispatcher) == ["utter_identity_noted"]


@pytest.mark.parametrize(
    "text",
    ["I don't know, my knee hurts", "sprained ankle", "throwing up since last night"],
)
def test_a_symptom_instead_of_a_visit_type_books_a_sick_visit(text: str) -> None:
    events, dispatcher = run_booking(
        text, slots={"patient_status": "returning", "requested_slot": "visit_type"}
    )
    assert slots_of(events)["visit_type"] == "sick"
    assert slots_of(events)["requested_slot"] == "practitioner"
    assert [(m["response"], m.get("visit")) for m in dispatcher.messages] == [
        ("utter_visit_type_for_symptoms", "sick visit")
    ]


@pytest.mark.parametrize(
    ("text", "visit"),
    [
        # Was "What kind of visit?" with the symptom just told.
        ("can I see someone about my knee, it's been swollen for a week", "sick"),
        # No symptom named, a part of the body still is: was "What kind of visit?".
        ("i need to see someone about my knee", "sick"),
        ("can i get my back looked at this week", "sick"),
        ("book me in to have someone check my ears", "sick"),
        ("hey can i get in to see someone today, my throat is killing me", "sick"),
        ("my back's been acting up, need an appt", "sick"),
        ("I need an appointment for my son", None),  # whose, not what is wrong
        ("i want to book a follow up about my knee", "follow_up"),
        ("I need my physical, and I have a cold too", "physical"),
        ("should I come in if my knee hurts?", None),  # a question for the nurses
    ],
)
def test_a_symptom_in_the_request_books_a_sick_visit(text: str, visit: str | None) -> None:
    events, dispatcher = run_booking(text, "book_appointment")
    assert slots_of(events).get("visit_type") == visit
    said = [m["response"] for m in dispatcher.messages]
    assert ("utter_visit_type_for_symptoms" in said) is (visit == "sick")


@pytest.mark.parametrize("text", ["I don't know", "not sure which one", "none of those"])
def test_not_sure_which_visit_gets_help_choosing(text: str) -> None:
    events, dispatcher = run_booking(
        text, slots={"patient_status": "returning", "requested_slot": "visit_type"}
    )
    assert slots_of(events) == {"visit_type": None, "requested_slot": "visit_type"}
    assert [(m["response"], m.get("visit")) for m in dispatcher.messages] == [
        ("utter_visit_type_help", "sick visit")
    ]


@pytest.mark.parametrize(
    ("intent", "confidence"),
    [
        ("emergency", 0.5),
        ("crisis", 0.99),
        ("stop", 0.9),
        ("parking", 0.9),
        ("cancel_appointment", 0.95),
        ("request_human", 0.7),
        ("share_card_number", 1.0),
    ],
)
def test_interruptions_are_let_through(intent: str, confidence: float) -> None:
    dispatcher = CollectingDispatcher()
    tracker = make_tracker(
        "stop" if intent == "stop" else "x",
        intent=intent,
        confidence=confidence,
        active_loop="booking_form",
        slots={"requested_slot": "date_preference"},
    )
    assert ValidateBookingForm().run(dispatcher, tracker, {}) == []


@pytest.mark.parametrize(
    "text", ["actually can it be on a sunday", "actually can we do the week after"]
)
def test_a_change_read_as_stop_does_not_stop_the_move(text: str) -> None:
    # "No problem, I've stopped there. Nothing was changed." (no word of stopping in it)
    tracker = make_tracker(text, intent="stop", active_loop="reschedule_form", slots=MOVING)
    assert not ValidateRescheduleForm().should_let_through(tracker)
    for stopping in ("never mind", "i changed my mind", "forget it"):
        tracker = make_tracker(stopping, intent="stop", active_loop="reschedule_form", slots=MOVING)
        assert ValidateRescheduleForm().should_let_through(tracker), stopping


@pytest.mark.parametrize(
    ("text", "switches"),
    [
        ("can I do 9am instead", False),
        ("actually move my physical instead", True),
        ("I'd rather reschedule my other appointment", True),
        # the task named alone: "Please tap one of the options", for a patient who never
        # meant to book
        ("reschedule", True),
        ("i want to reschedule not book", True),
    ],
)
def test_a_reschedule_reading_while_booking_switches_only_for_an_existing_appointment(
    text: str, switches: bool
) -> None:
    # "can I do 9am instead" once turned a new sick visit into moving the patient's physical.
    tracker = make_tracker(
        text,
        intent="reschedule_appointment",
        confidence=0.9,
        active_loop="booking_form",
        slots={
            "requested_slot": "slot_choice",
            "visit_type": "sick",
            "practitioner": "any",
            "location": "north",
            "date_preference": "2026-12-02",
        },
    )
    events = ValidateBookingForm().run(CollectingDispatcher(), tracker, {})
    assert (events == []) is switches


def test_safety_flag_lets_through_whatever_the_intent() -> None:
    tracker = make_tracker(
        "tomorrow, my chest hurts",
        intent="inform",
        active_loop="booking_form",
        slots={"requested_slot": "date_preference"},
        extra={"safety": {"category": "emergency", "rule_id": "chest_pain"}},
    )
    assert ValidateBookingForm().run(CollectingDispatcher(), tracker, {}) == []


@pytest.mark.parametrize(
    ("text", "intent", "flagged", "read_by_the_form"),
    [
        # The classifier alone read a crisis (988 and a paused chat): the day is read.
        ("as soon as possible, it really hurts", "crisis", False, True),
        ("asap it hurts so much", "crisis", False, True),
        # ...but not without a day in it, nor when a safety rule fired
        ("it hurts so much", "crisis", False, False),
        ("asap, my chest hurts", "emergency", True, False),
    ],
)
def test_pain_with_a_day_while_booking_is_read_unless_a_rule_fired(
    text: str, intent: str, flagged: bool, read_by_the_form: bool
) -> None:
    tracker = make_tracker(
        text,
        intent=intent,
        confidence=0.84,
        active_loop="booking_form",
        slots={
            **READY,
            "date_preference": None,
            "offered_slots": None,
            "requested_slot": "date_preference",
        },
        extra={"safety": {"category": "emergency", "rule_id": "cardiac"}} if flagged else None,
    )
    events = ValidateBookingForm().run(CollectingDispatcher(), tracker, {})
    assert bool(slots_of(events).get("date_preference")) is read_by_the_form
    # at another question of the booking too ("Who would you like to see?")
    tracker = make_tracker(
        text,
        intent=intent,
        confidence=0.84,
        active_loop="booking_form",
        slots={
            "patient_status": "returning",
            "visit_type": "physical",
            "requested_slot": "practitioner",
        },
        extra={"safety": {"category": "emergency", "rule_id": "cardiac"}} if flagged else None,
    )
    events = ValidateBookingForm().run(CollectingDispatcher(), tracker, {})
    assert bool(slots_of(events).get("date_preference")) is read_by_the_form


def test_back_from_an_interruption_asks_again_without_reading_it() -> None:
    events = [
        {"event": "user", "text": "where do I park"},
        {"event": "action", "name": "action_parking"},
        {"event": "action", "name": "booking_form"},
    ]
    tracker = make_tracker(
        "where do I park",
        intent="parking",
        active_loop="booking_form",
        slots={"requested_slot": "date_preference"},
        events=events,
    )
    tracker.events = events  # the patient's message came before the parking answer
    dispatcher = CollectingDispatcher()
    result = ValidateBookingForm().run(dispatcher, tracker, {})
    assert result == [SlotSet("requested_slot", "patient_status")]
    assert dispatcher.messages == []


# --- against the real backend ------------------------------------------------------------------


def test_offers_come_from_the_backend(fhir_env: FhirServer) -> None:
    dispatcher = CollectingDispatcher()
    tracker = make_tracker(
        "next week",
        slots={**READY, "offered_slots": None, "date_preference": "next week"},
        active_loop="booking_form",
    )
    [event] = ActionAskSlotChoice().run(dispatcher, tracker, {})
    offers = event["value"]
    assert event["name"] == "offered_slots" and len(offers) == 3
    assert {o["practitioner"] for o in offers} == {"patel"}
    assert {o["location"] for o in offers} == {"north"}
    [message] = dispatcher.messages
    assert message["response"] in ("utter_offer_slots", "utter_nearest_slots")
    assert [b["payload"] for b in message["buttons"]] == [
        '/inform{"slot_choice": "' + o["id"] + '"}' for o in offers
    ]


def test_as_soon_as_possible_gets_the_soonest_openings_not_two_weeks_of_dates(
    fhir_env: FhirServer,
) -> None:
    # ("asap": "Here are the openings I found for Sun Dec 6 to Sun Dec 20")
    for said, intro in (
        ("asap", "utter_soonest_slots"),
        ("whats her next opening", "utter_soonest_slots"),
        ("next week", "utter_offer_slots"),
    ):
        assert responses(_offered_for(said)) == [intro]


def _offered_for(said: str) -> CollectingDispatcher:
    """What the times asked for ``said`` (the date preference) were offered with."""
    dispatcher = CollectingDispatcher()
    tracker = make_tracker(
        said,
        slots={**READY, "offered_slots": None, "date_preference": said},
        active_loop="booking_form",
    )
    [event] = ActionAskSlotChoice().run(dispatcher, tracker, {})
    assert event["value"]
    return dispatcher


def test_a_time_asked_that_is_not_free_is_said_with_the_nearest(fhir_env: FhirServer) -> None:
    # "tuesday 8:30" with 8:30 booked: "Here are the openings I found for Tue Dec 15", no word
    # that 8:30 was not free (no slot ever starts at 8:10)
    [message] = _offered_for("next tuesday 8:10").messages
    assert message["response"] == "utter_time_asked_taken"
    assert message["clock"] == "8:10am"


def test_a_time_asked_and_offered_or_a_limit_is_no_time_taken() -> None:
    tz = get_clinic().tz
    when = parse_when("next tuesday at 8:30", get_clinic().now())
    assert when is not None
    day = when.start
    at = [{"start": datetime.combine(day, time(8, 30), tz).isoformat()}]
    later = [{"start": datetime.combine(day, time(9, 0), tz).isoformat()}]
    slots = {"date_preference": "next tuesday at 8:30"}
    assert time_asked_taken(slots, when, at) is None
    assert time_asked_taken(slots, when, later) == time(8, 30)
    after = parse_when("next tuesday after 3", get_clinic().now())
    assert after is not None
    assert time_asked_taken({"date_preference": "next tuesday after 3"}, after, later) is None


def _days_between(first: date, last: date) -> list[date]:
    return [first + timedelta(days=i) for i in range((last - first).days + 1)]


def test_the_clinician_at_their_other_office_on_the_days_asked(fhir_env: FhirServer) -> None:
    """ "tues or thurs next week in the afternoon" while moving Dr. Patel's Downtown visit was
    "I couldn't find an opening in the next few weeks": she is at North on those days."""
    dispatcher = CollectingDispatcher()
    when = "tues or thurs next week in the afternoon"
    slots = {**READY, "location": "downtown", "offered_slots": None, "date_preference": when}
    tracker = make_tracker(when, slots=slots, active_loop="booking_form")
    events = ActionAskSlotChoice().run(dispatcher, tracker, {})
    location, offered = events
    assert (location["name"], location["value"]) == ("location", "north")
    assert offered["value"] and {o["location"] for o in offered["value"]} == {"north"}
    assert {o["practitioner"] for o in offered["value"]} == {"patel"}
    days = {datetime.fromisoformat(o["start"]).weekday() for o in offered["value"]}
    assert days <= {1, 3}
    [message] = dispatcher.messages
    # she is never at Downtown on those days: said so (it was "has no openings at the
    # Downtown Clinic for ...", as if booked up)
    assert message["response"] == "utter_closed_nearest_slots"
    asked = parse_when(when, get_clinic().now())
    assert asked is not None
    tuesday, thursday = (d for d in _days_between(asked.start, asked.end) if d.weekday() in (1, 3))
    assert message["reason"] == (
        f"Dr. Priya Patel isn't in at the Downtown Clinic on {day_label(tuesday)} and "
        f"{day_label(thursday)}, only at the North Office"
    )
    # ...while the office kept with times free is what is offered
    slots["date_preference"] = "mon or wed next week"
    dispatcher = CollectingDispatcher()
    tracker = make_tracker("mon or wed next week", slots=slots, active_loop="booking_form")
    [offered] = ActionAskSlotChoice().run(dispatcher, tracker, {})
    assert {o["location"] for o in offered["value"]} == {"downtown"}
    assert dispatcher.messages[0]["response"] == "utter_offer_slots"


def test_moving_with_anyone_the_office_kept_from_the_appointment_gives_way(
    fhir_env: FhirServer,
) -> None:
    """ "anything tuesday with any doctor" while moving a Downtown physical: other days at the
    Downtown Clinic, where only the pediatrician is in on Tuesdays (the others are at North)."""
    when = "tuesday next week"
    moving = {"id": "a1", "start": "2026-12-09T08:00:00-08:00", "location": "downtown"}
    slots = {
        **READY,
        "practitioner": "any",
        "location": "downtown",
        "offered_slots": None,
        "date_preference": when,
        "my_appointments": [moving],
        "appointment_choice": "a1",
    }
    dispatcher = CollectingDispatcher()
    tracker = make_tracker(
        f"anything {when} with any doctor", slots=slots, active_loop="reschedule_form"
    )
    location, offered = ActionAskSlotChoice().run(dispatcher, tracker, {})
    assert (location["name"], location["value"]) == ("location", "north")
    assert {o["location"] for o in offered["value"]} == {"north"}
    assert {datetime.fromisoformat(o["start"]).weekday() for o in offered["value"]} == {1}
    [message] = dispatcher.messages
    assert message["response"] == "utter_openings_there_instead"
    assert (message["office"], message["other"]) == ("Downtown Clinic", "North Office")
    # an office the patient named is kept
    dispatcher = CollectingDispatcher()
    tracker = make_tracker(
        f"{when} at downtown with anyone", slots=slots, active_loop="reschedule_form"
    )
    [offered] = ActionAskSlotChoice().run(dispatcher, tracker, {})
    assert {o["location"] for o in offered["value"]} == {"downtown"}
    # ...and so is the office chosen when booking
    dispatcher = CollectingDispatcher()
    tracker = make_tracker(when, slots=slots, active_loop="booking_form")
    [offered] = ActionAskSlotChoice().run(dispatcher, tracker, {})
    assert {o["location"] for o in offered["value"]} == {"downtown"}


def test_a_woman_clinician_asked_for_is_searched_for_with_no_preference(
    fhir_env: FhirServer,
) -> None:
    """ "a sick visit with a female doctor" - "No preference": Sam Lee's times were offered."""
    slots = {
        **READY,
        "visit_type": "sick",
        "practitioner": "any",
        "location": "any",
        "offered_slots": None,
        "date_preference": "asap",
    }
    said = {"event": "user", "text": "a sick visit with a female doctor please"}
    offered: dict[str, set[str]] = {}
    for asked, events in (("woman", [said]), ("anyone", [])):
        tracker = make_tracker("asap", slots=slots, active_loop="booking_form", events=events)
        [event] = ActionAskSlotChoice().run(CollectingDispatcher(), tracker, {})
        offered[asked] = {o["practitioner"] for o in event["value"]}
    assert offered["woman"] == {"patel"}
    assert "lee" in offered["anyone"]  # (he has the earliest times)


def test_a_woman_clinician_asked_for_instead_of_the_man_kept_is_searched_for(
    fhir_env: FhirServer,
) -> None:
    """Moving Sam Lee's sick visit, "can i do it with a female doctor instead": "our female
    clinicians are Dr. Patel and Dr. Gonzalez", then Sam Lee's times again."""
    slots = {
        **READY,
        "visit_type": "sick",
        "practitioner": "lee",
        "location": "north",
        "offered_slots": None,
        "date_preference": "asap",
    }
    woman = {"event": "user", "text": "can i do it with a female doctor instead"}
    him = {"event": "user", "text": "ok sam lee then"}
    offered: dict[str, set[str]] = {}
    for asked, events in (("woman", [woman]), ("him after", [woman, him]), ("nothing", [])):
        tracker = make_tracker("asap", slots=slots, active_loop="booking_form", events=events)
        *changed, event = ActionAskSlotChoice().run(CollectingDispatcher(), tracker, {})
        offered[asked] = {o["practitioner"] for o in event["value"]}
        if asked == "woman":
            assert changed == [SlotSet("practitioner", "any")]
    assert offered == {"woman": {"patel"}, "him after": {"lee"}, "nothing": {"lee"}}


def test_a_closed_day_is_said_with_the_nearest_openings(fhir_env: FhirServer) -> None:
    dispatcher = CollectingDispatcher()
    tracker = make_tracker(
        "sunday",
        slots={**READY, "offered_slots": None, "date_preference": "sunday"},
        active_loop="booking_form",
    )
    [event] = ActionAskSlotChoice().run(dispatcher, tracker, {})
    assert len(event["value"]) == 3
    [message] = dispatcher.messages
    assert message["response"] == "utter_closed_nearest_slots"
    assert message["reason"] == "We're closed on Sundays"


# A sick visit with anyone, anywhere, before the times are searched.
SICK_WITH_ANYONE = {
    **READY,
    "visit_type": "sick",
    "practitioner": "any",
    "location": "any",
    "offered_slots": None,
}


def test_tonight_after_closing_is_closed_not_booked_up(
    fhir_env: FhirServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """ "im sick can i see someone tonight" at 7:30 pm got "Nothing is free for Tue Dec 1
    (evening)", and no word of who helps before the office opens."""
    clinic = get_clinic()
    day = clinic.now().date() + timedelta(days=1)
    while day.weekday() > 4 or clinic.holiday(day):
        day += timedelta(days=1)
    evening = datetime.combine(day, datetime.min.time(), clinic.tz).replace(hour=19, minute=30)
    monkeypatch.setattr(type(clinic), "now", lambda self: evening)
    dispatcher = CollectingDispatcher()
    slots = {**SICK_WITH_ANYONE, "date_preference": "tonight"}
    tracker = make_tracker("tonight", slots=slots, active_loop="booking_form")
    ActionAskSlotChoice().run(dispatcher, tracker, {})
    offers, nurse = dispatcher.messages
    assert offers["response"] == "utter_closed_nearest_slots"
    assert offers["reason"] == "We're closed for the rest of today"
    assert nurse["response"] == "utter_sick_after_hours"
    assert nurse["nurse_line"] == clinic.clinic.after_hours_nurse_line


@pytest.mark.parametrize(("asked", "nurse_line"), [("tomorrow", True), ("in two weeks", False)])
def test_a_sick_visit_on_a_closed_day_soon_gets_the_nurse_line(
    fhir_env: FhirServer, monkeypatch: pytest.MonkeyPatch, asked: str, nurse_line: bool
) -> None:
    """ "my son has an ear ache, can he be seen tomorrow" on a Saturday: "We're closed on
    Sundays" and Monday's times, with no word of who helps before then. A Sunday weeks ahead
    needs none."""
    clinic = get_clinic()
    day = clinic.now().date() + timedelta(days=1)
    while day.weekday() != 5 or clinic.holiday(day) or clinic.holiday(day + timedelta(days=1)):
        day += timedelta(days=1)
    saturday = datetime.combine(day, datetime.min.time(), clinic.tz).replace(hour=11)
    monkeypatch.setattr(type(clinic), "now", lambda self: saturday)
    when = "tomorrow" if asked == "tomorrow" else (day + timedelta(days=15)).strftime("%B %d")
    dispatcher = CollectingDispatcher()
    slots = {**SICK_WITH_ANYONE, "date_preference": when}
    tracker = make_tracker(when, slots=slots, active_loop="booking_form")
    ActionAskSlotChoice().run(dispatcher, tracker, {})
    assert dispatcher.messages[0]["response"] == "utter_closed_nearest_slots"
    assert dispatcher.messages[0]["reason"].startswith("We're closed")
    said = [m.get("response") for m in dispatcher.messages[1:]]
    assert ("utter_sick_after_hours" in said) is nurse_line


def test_afternoons_over_a_week_are_offered_on_different_days(fhir_env: FhirServer) -> None:
    # The earliest slots of the week (mornings) filled the search before the afternoon filter.
    dispatcher = CollectingDispatcher()
    slots = {
        **READY,
        "practitioner": "any",
        "location": "any",
        "offered_slots": None,
        "date_preference": "next week in the afternoon",
    }
    tracker = make_tracker("", slots=slots, active_loop="booking_form")
    [event] = ActionAskSlotChoice().run(dispatcher, tracker, {})
    starts = [datetime.fromisoformat(o["start"]) for o in event["value"]]
    assert len(starts) == 3 and len({s.date() for s in starts}) == 3
    assert all(12 <= s.hour < 17 for s in starts)


def test_a_day_beyond_the_booking_window_says_so(fhir_env: FhirServer) -> None:
    clinic = get_clinic()
    last_day = clinic.now().date() + timedelta(weeks=clinic.scheduling.weeks_ahead)
    asked = last_day + timedelta(weeks=3)
    dispatcher = CollectingDispatcher()
    # Dr. Patel downtown (Mon, Wed, Fri): more open days in the test backend's two weeks than
    # the three offered, whatever the weekday (at North, Tue and Thu, a Tuesday evening left 3).
    tracker = make_tracker(
        f"{asked:%B} {asked.day}",
        slots={
            **READY,
            "location": "downtown",
            "offered_slots": None,
            "date_preference": f"{asked:%B} {asked.day}",
        },
        active_loop="booking_form",
    )
    [event] = ActionAskSlotChoice().run(dispatcher, tracker, {})
    [message] = dispatcher.messages
    assert message["response"] == "utter_latest_slots"
    assert message["reason"].endswith(
        f"I can only book up to {last_day:%a %b} {last_day.day} so far"
    )
    # The latest days the backend has openings on, not this week's.
    now = clinic.now()
    free = patient_match.scheduling_client().find_free_slots(
        now, now + timedelta(weeks=clinic.scheduling.weeks_ahead), "patel", "downtown", limit=1000
    )
    open_days = sorted({s.start.astimezone(clinic.tz).date().isoformat() for s in free})
    assert len(open_days) > len(event["value"])
    assert [o["start"][:10] for o in event["value"]] == open_days[-len(event["value"]) :]


@pytest.mark.parametrize(
    ("text", "requested", "expected"),
    [
        ("book a sick visit for him, whoever", None, {"visit_type": "sick", "practitioner": "any"}),
        ("can anyone see me at either office", None, {"practitioner": "any", "location": "any"}),
        (
            "physical with dr patel, doesn't matter where",
            None,
            {"visit_type": "physical", "practitioner": "patel", "location": "any"},
        ),
        # Answering another question, "anyone" is not read as who or where...
        ("anyone", "date_preference", {}),
        # ...but "not Sam" is, at any point (it kept Sam Lee, who is not in on Saturdays).
        ("no preference on provider", "slot_choice", {"practitioner": "any"}),
        ("anything tuesday with anyone", "date_preference", {"practitioner": "any"}),
        (
            "can i see someone other than dr lee",
            "slot_choice",
            {"practitioner": "any", "practitioner_not": "lee"},
        ),
    ],
)
def test_no_preference_said_in_the_request(
    text: str, requested: str | None, expected: dict
) -> None:
    found = read_search_details(text, [], get_clinic(), requested)
    assert {k: v for k, v in found.items() if k != "date_preference"} == expected


def read_with_holidays(text: str, holidays: list[Holiday]) -> When:
    """The window ``text`` asks for, with these holidays in clinic.yml."""
    clinic = get_clinic()
    found = read_search_details(
        text, [], clinic.copy(update={"holidays": holidays}), "date_preference"
    )
    when = parse_when(found["date_preference"], clinic.now())
    assert when is not None, text
    return when


@pytest.mark.parametrize(
    ("text", "day_offset", "part"),
    [
        ("christmas eve morning", 9, "morning"),
        # the correction searched mornings from today
        ("actually christmas eve morning", 9, "morning"),
        ("no wait, christmas eve afternoon", 9, "afternoon"),
        ("Christmas please", 10, None),
        ("xmas", 10, None),  # what patients call it
        ("the day after christmas", 11, None),
        ("the week after christmas", None, None),  # not one day (a window: below)
    ],
)
def test_a_holiday_by_name_is_its_date(text: str, day_offset: int | None, part: str | None) -> None:
    today = get_clinic().now().date()
    when = read_with_holidays(
        text,
        [
            Holiday(date=today + timedelta(days=9), name="Christmas Eve"),
            Holiday(date=today + timedelta(days=10), name="Christmas Day"),
        ],
    )
    if day_offset is None:
        assert when.start != when.end
        return
    assert (when.start, when.end, when.part_of_day) == (
        today + timedelta(days=day_offset),
        today + timedelta(days=day_offset),
        part,
    )


@pytest.mark.parametrize(
    ("text", "first", "last", "part"),
    [
        # each was "Sorry, I didn't catch a day there"
        ("sometime before christmas", 0, 9, None),
        ("the week before christmas", 3, 9, None),
        ("the week after christmas, afternoons", 11, 17, "afternoon"),
        ("sometime around christmas", 7, 13, None),
        ("the week of christmas", None, None, None),  # its Monday to Sunday
        ("christmas week", None, None, None),
        ("sometime after the holidays", 12, 25, None),  # after New Year's Day
    ],
)
def test_a_window_around_a_holiday_is_read(
    text: str, first: int | None, last: int | None, part: str | None
) -> None:
    today = get_clinic().now().date()
    christmas = today + timedelta(days=10)
    # (New Year's Day a day later: "the holidays" end at the last of them)
    when = read_with_holidays(
        text,
        [
            Holiday(date=christmas, name="Christmas Day"),
            Holiday(date=christmas + timedelta(days=1), name="New Year's Day"),
        ],
    )
    if first is None:
        monday = christmas - timedelta(days=christmas.weekday())
        assert (when.start, when.end) == (max(monday, today), monday + timedelta(days=6))
        return
    assert (when.start, when.end, when.part_of_day) == (
        today + timedelta(days=first),
        today + timedelta(days=last),
        part,
    )


@pytest.mark.parametrize(
    ("text", "last", "exact"),
    [
        ("before the 20th", 19, False),
        ("can you do it by the 20th", 20, False),  # the day itself too
        ("can i come by on the 20th", 20, True),  # that day
        ("before 11", None, False),  # a time of day
    ],
)
def test_before_a_day_is_up_to_it(text: str, last: int | None, exact: bool) -> None:
    now = datetime(2026, 12, 2, 10, 0, tzinfo=ZoneInfo("America/Los_Angeles"))
    when = parse_when(text, now)
    assert when is not None and when.exact == exact
    if last is None:
        assert when.not_after == time(11)
        return
    assert when.end == date(2026, 12, last)
    assert when.start == (date(2026, 12, last) if exact else now.date())


def test_after_a_holiday_is_from_the_day_after() -> None:
    # "sometime after christmas, mornings" searched the next two weeks from today
    clinic = get_clinic()
    today = clinic.now().date()
    holidays = [Holiday(date=today + timedelta(days=10), name="Christmas Day")]
    with_holidays = clinic.copy(update={"holidays": holidays})
    found = read_search_details(
        "sometime after christmas, mornings", [], with_holidays, "date_preference"
    )
    when = parse_when(found["date_preference"], clinic.now())
    assert when is not None
    assert (when.start, when.part_of_day) == (today + timedelta(days=11), "morning")


def verify(text: str, requested: str, slots: dict[str, Any], **kwargs: Any) -> tuple[dict, list]:
    dispatcher = CollectingDispatcher()
    tracker = make_tracker(
        text, slots={**slots, "requested_slot": requested}, active_loop="check_form", **kwargs
    )
    return slots_of(ValidateCheckForm().run(dispatcher, tracker, {})), responses(dispatcher)


def test_identity_verified_with_name_and_birth_date(fhir_env: FhirServer) -> None:
    slots, said = verify("Emily Johnson", "verify_name", {})
    assert slots == {"verify_name": "Emily Johnson", "requested_slot": "verify_dob"}
    slots, said = verify("04/12/1988", "verify_dob", {"verify_name": "Emily Johnson"})
    assert slots["verified"] is True and slots["patient_name"] == "Emily Johnson"
    assert slots["patient_id"] and slots["requested_slot"] is None
    assert said == ["utter_verified"]


@pytest.mark.parametrize("correction", ["oops 04/12/1988", "sorry typo, 04/12/1988"])
def test_a_corrected_birth_date_alone_is_for_the_name_just_tried(
    fhir_env: FhirServer, correction: str
) -> None:
    # "oops 06/05/2017" after a wrong date got "And the last name?" (and a try was spent).
    slots, said = verify("04/21/1988", "verify_dob", {"verify_name": "Emily Johnson"})
    assert said == ["utter_verification_no_match"] and slots["tried_name"] == "Emily Johnson"
    assert slots["requested_slot"] == "verify_name"
    slots, said = verify(correction, "verify_name", {**slots, "identity_reask": True})
    assert slots["verified"] is True and slots["patient_name"] == "Emily Johnson"
    assert slots["tried_name"] is None and said == ["utter_verified"]
    # A date of birth with someone else's name in words is not this correction.
    slots, _ = verify("04/21/1988", "verify_dob", {"verify_name": "Emily Johnson"})
    slots, _ = verify("carla 04/12/1988", "verify_name", {**slots, "identity_reask": True})
    assert "verified" not in slots and slots.get("partial_name") == "Carla"


def test_a_birth_date_given_with_another_name_goes_with_that_name(fhir_env: FhirServer) -> None:
    """ "Mia Brooks" - "... date of birth?" - "Leo Brooks 2/20/2017": a new patient Mia was
    booked with Leo's date of birth."""
    slots, _ = verify("Liam Nguyen 06/05/2017", "verify_dob", {"verify_name": "Emily Johnson"})
    assert slots["verified"] is True and slots["patient_name"] == "Liam Nguyen"
    # the name asked about, with its date: as before
    slots, _ = verify("emily johnson 04/12/1988", "verify_dob", {"verify_name": "Emily Johnson"})
    assert slots["patient_name"] == "Emily Johnson"


def test_a_child_is_confirmed_without_thanking_the_child(fhir_env: FhirServer) -> None:
    slots, said = verify("06/05/2017", "verify_dob", {"verify_name": "Liam Nguyen"})
    assert slots["verified"] is True
    assert said == ["utter_verified_child"]


def test_reschedule_names_the_only_appointment(fhir_env: FhirServer) -> None:
    dispatcher = CollectingDispatcher()
    tracker = make_tracker(
        "04/12/1988",
        slots={"verify_name": "Emily Johnson", "requested_slot": "verify_dob"},
        active_loop="reschedule_form",
    )
    slots = slots_of(ValidateRescheduleForm().run(dispatcher, tracker, {}))
    assert slots["verified"] is True and slots["requested_slot"] == "date_preference"
    [appointment] = slots["my_appointments"]
    assert slots["appointment_choice"] == appointment["id"]
    assert (slots["visit_type"], slots["practitioner"]) == ("physical", "patel")
    assert responses(dispatcher) == ["utter_verified", "utter_the_only_appointment"]
    summary = dispatcher.messages[1]["summary"]
    assert summary.startswith("your annual physical with Dr. Priya Patel on ")


def test_reschedule_says_which_one_the_request_described(
    fhir_env: FhirServer, two_booked: dict[str, Any]
) -> None:
    """ "i cant make my 8:00 one" with two booked: "What day or time works best?" came with no
    word of which appointment was being moved."""
    items = load_appointments(two_booked["patient_id"], get_clinic())
    second = datetime.fromisoformat(items[1]["start"])
    text = f"i cant make my {second:%-I:%M} one"
    dispatcher = CollectingDispatcher()
    tracker = make_tracker(text, intent="reschedule_appointment", slots=two_booked)
    slots = slots_of(ValidateRescheduleForm().run(dispatcher, tracker, {}))
    assert slots["appointment_choice"] == items[1]["id"]
    assert slots["requested_slot"] == "date_preference"
    [said] = dispatcher.messages
    assert said["response"] == "utter_moving_recap"
    assert said["summary"] == appointment_sentence(items[1], get_clinic(), "your")
    # none described: the question, and no recap
    dispatcher = CollectingDispatcher()
    tracker = make_tracker(
        "i need to move my appt",
        intent="reschedule_appointment",
        slots=two_booked,
    )
    slots = slots_of(ValidateRescheduleForm().run(dispatcher, tracker, {}))
    assert slots["requested_slot"] == "appointment_choice" and dispatcher.messages == []


def test_a_clinician_named_before_the_appointment_was_found_is_kept(
    fhir_env: FhirServer,
) -> None:
    """ "move my physical to Sam Lee": the old clinician came back once the appointment was
    found (Dr. Patel, Downtown); Sam Lee works at North only, so North it is."""
    tracker = make_tracker(
        "04/12/1988",
        slots={
            "verify_name": "Emily Johnson",
            "requested_slot": "verify_dob",
            "practitioner": "lee",
        },
        active_loop="reschedule_form",
    )
    slots = slots_of(ValidateRescheduleForm().run(CollectingDispatcher(), tracker, {}))
    assert (slots["visit_type"], slots["practitioner"], slots["location"]) == (
        "physical",
        "lee",
        "north",
    )


def test_wrong_details_three_times_escalate(fhir_env: FhirServer) -> None:
    attempts = 0.0
    for expected in (
        "utter_verification_no_match",
        "utter_verification_no_match",
        "utter_verification_failed",
    ):
        slots, said = verify(
            "Emily Johnson 01/01/1990", "verify_name", {"verify_attempts": attempts}
        )
        assert said == [expected]
        assert "verified" not in slots and "patient_id" not in slots
        attempts = slots["verify_attempts"]
    assert slots["escalation_reason"] == "verification_failed"
    assert slots["requested_slot"] is None


def test_sms_needs_the_number_on_file(fhir_env: FhirServer) -> None:
    on_file = phone_hash("+19165550123", PHONE_SECRET)
    slots, _ = verify(
        "Emily Johnson 4/12/1988",
        "verify_name",
        {},
        channel="twilio",
        metadata={"phone_hash": on_file},
    )
    assert slots["verified"] is True
    slots, said = verify(
        "Emily Johnson 4/12/1988",
        "verify_name",
        {},
        channel="twilio",
        metadata={"phone_hash": phone_hash("+19165550999", PHONE_SECRET)},
    )
    assert "verified" not in slots and said == ["utter_verification_no_match_sms"]


def robert_confirms_next_week(
    fhir_env: FhirServer,
) -> tuple[FhirClient, PatientRecord, list[dict[str, Any]], dict[str, Any]]:
    """Robert Miller, verified, said "yes" to the first time offered for READY next week."""
    client = fhir_env.client()
    [patient] = client.find_patients(family="Miller", given="Robert")
    offers = ActionAskSlotChoice().run(
        CollectingDispatcher(),
        make_tracker("", slots={**READY, "offered_slots": None, "date_preference": "next week"}),
        {},
    )[0]["value"]
    confirmed = {
        **READY,
        "offered_slots": offers,
        "slot_choice": offers[0]["id"],
        "booking_confirmed": True,
        "verified": True,
        "patient_id": patient.id,
    }
    return client, patient, offers, confirmed


def expected_arrival(offer: dict[str, Any], minutes: int) -> str:
    """The North Office opens at 7:30 on weekdays (the offers' office)."""
    start = datetime.fromisoformat(offer["start"]).astimezone(get_clinic().tz)
    assert offer["location"] == "north" and start.weekday() < 5
    early = start - timedelta(minutes=minutes)
    if (early.hour, early.minute) < (7, 30):
        return "when the office opens at 7:30am"
    return f"{minutes} minutes early"


def test_book_then_the_same_slot_is_taken(fhir_env: FhirServer) -> None:
    client, patient, offers, confirmed = robert_confirms_next_week(fhir_env)
    dispatcher = CollectingDispatcher()
    events = ActionBookAppointment().run(dispatcher, make_tracker("yes", slots=confirmed), {})
    assert responses(dispatcher) == ["utter_booked"]
    # 15 minutes early (30 for a new patient, as the FAQ says), never before the office opens
    arrive = expected_arrival(offers[0], 15)
    assert dispatcher.messages[0]["arrival"] == (
        f"Please arrive {arrive} with your photo ID and insurance card."
    )
    assert dispatcher.messages[0]["address"] == (
        "North Office: 4500 Natomas Boulevard, Building B, Sacramento, CA 95835 "
        "(Ground floor of Building B, next to the pharmacy)"  # "...{address}." adds the stop
    )
    booked = [a for a in client.upcoming_appointments(patient.id) if a.slot_id == offers[0]["id"]]
    assert len(booked) == 1
    # every answer is cleared; the new appointment is remembered for "actually cancel it"
    assert [e for e in events if e["value"] is not None] == [SlotSet("last_booked", booked[0].id)]
    assert all(e["event"] == "slot" for e in events)

    # Someone else wants the same time (the same patient would be told they already have it).
    [other] = client.find_patients(family="O'Brien", given="Mary Ann")
    confirmed = {**confirmed, "patient_id": other.id}
    dispatcher = CollectingDispatcher()
    events = ActionBookAppointment().run(dispatcher, make_tracker("yes", slots=confirmed), {})
    assert responses(dispatcher) == ["utter_slot_taken"]
    assert events == [
        SlotSet("excluded_slots", [offers[0]["id"]]),
        SlotSet("slot_choice", None),
        SlotSet("offered_slots", None),
        SlotSet("booking_confirmed", None),
        FollowupAction("booking_form"),
    ]


def test_an_interpreter_asked_for_is_noted_on_the_appointment(fhir_env: FhirServer) -> None:
    """ "i will need a spanish interpreter" mid-booking got the interpreter answer ("just tell us
    which language you need when you book") and was then noted nowhere."""
    client, patient, offers, confirmed = robert_confirms_next_week(fhir_env)
    asked = [{"event": "user", "text": "i will need a spanish interpreter"}]
    dispatcher = CollectingDispatcher()
    tracker = make_tracker("yes", slots=confirmed, events=asked)
    ActionBookAppointment().run(dispatcher, tracker, {})
    assert responses(dispatcher) == ["utter_booked", "utter_interpreter_noted"]
    assert dispatcher.messages[1]["interpreter"] == "a Spanish interpreter"
    [booked] = [a for a in client.upcoming_appointments(patient.id) if a.slot_id == offers[0]["id"]]
    stored, _ = client._read("Appointment", booked.id)
    assert stored["comment"] == "Interpreter needed: Spanish"
    # a move keeps the note
    moved = client.reschedule(booked.id, offers[1]["id"])
    stored, _ = client._read("Appointment", moved.id)
    assert stored["comment"] == "Interpreter needed: Spanish"


def test_a_booking_the_backend_refuses_is_not_called_an_outage(fhir_env: FhirServer) -> None:
    """The server answers but will not book (here: the slot does not offer that visit type):
    trying again later won't help, so the patient is sent to the front desk, not told to wait."""
    client, patient, offers, confirmed = robert_confirms_next_week(fhir_env)
    confirmed["visit_type"] = "womens_health"  # Dr. Patel's slots don't offer it
    dispatcher = CollectingDispatcher()
    events = ActionBookAppointment().run(dispatcher, make_tracker("yes", slots=confirmed), {})
    assert responses(dispatcher) == ["utter_change_refused"]
    assert all(e["event"] == "slot" and e["value"] is None for e in events)
    assert offers[0]["id"] not in [a.slot_id for a in client.upcoming_appointments(patient.id)]


def test_backend_down_is_said_plainly(monkeypatch: pytest.MonkeyPatch) -> None:
    actions_use_fhir(monkeypatch, "http://127.0.0.1:9/fhir", FHIR_RETRIES="0")
    try:
        slots, _ = verify("Emily Johnson 4/12/1988", "verify_name", {})
        assert slots == {
            "verify_name": "Emily Johnson",
            "verify_dob": "1988-04-12",
            "backend_error": True,
            "requested_slot": None,
        }
        dispatcher = CollectingDispatcher()
        ActionAskSlotChoice().run(dispatcher, make_tracker("", slots=READY), {})
        assert responses(dispatcher) == ["utter_backend_unavailable"]
    finally:
        get_settings.cache_clear()
        patient_match.scheduling_client.cache_clear()


def test_cancel_declined_keeps_the_appointment() -> None:
    item = {
        "id": "a1",
        "start": "2026-12-01T09:00:00-08:00",
        "visit_type": "physical",
        "practitioner": "patel",
        "location": "north",
    }
    base = {
        "verified": True,
        "patient_id": "p1",
        "my_appointments": [item],
        "appointment_choice": "a1",
    }
    dispatcher = CollectingDispatcher()
    tracker = make_tracker(
        "no keep it",
        intent="deny",
        active_loop="cancel_form",
        slots={**base, "requested_slot": "cancel_confirmed"},
    )
    assert slots_of(ValidateCancelForm().run(dispatcher, tracker, {})) == {
        "cancel_confirmed": False,
        "requested_slot": None,
    }
    dispatcher = CollectingDispatcher()
    ActionCancelAppointment().run(
        dispatcher, make_tracker("no", slots={**base, "cancel_confirmed": False}), {}
    )
    assert responses(dispatcher) == ["utter_cancel_kept"]


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("no wait, can i move it instead?", "deny"),
        ("can we do a different day", "reschedule_appointment"),
        ("hold on dont cancel, just change the day", "deny"),
    ],
)
def test_move_it_instead_at_the_cancel_question_moves_that_appointment(
    text: str, intent: str
) -> None:
    # "OK, I've left your appointment as it is." and nothing more: the move was ignored.
    item = {
        "id": "a1",
        "start": "2026-12-01T09:00:00-08:00",
        "visit_type": "physical",
        "practitioner": "patel",
        "location": "north",
    }
    base = {
        "verified": True,
        "patient_id": "p1",
        "my_appointments": [item],
        "appointment_choice": "a1",
    }
    tracker = make_tracker(
        text,
        intent=intent,
        active_loop="cancel_form",
        slots={**base, "requested_slot": "cancel_confirmed"},
    )
    assert (
        slots_of(ValidateCancelForm().run(CollectingDispatcher(), tracker, {}))["cancel_confirmed"]
        is False
    )
    dispatcher = CollectingDispatcher()
    tracker = make_tracker(text, intent=intent, slots={**base, "cancel_confirmed": False})
    events = ActionCancelAppointment().run(dispatcher, tracker, {})
    assert responses(dispatcher) == ["utter_move_instead"]
    assert slots_of(events) == {
        "cancel_confirmed": None,
        "visit_type": "physical",
        "practitioner": "patel",
        "location": "north",
    }
    replay = events[-1]
    assert replay["event"] == "user" and replay["parse_data"]["intent"]["name"] == (
        "reschedule_appointment"
    )
    assert replay["text"] == text


@pytest.mark.parametrize(
    ("text", "intent", "requested"),
    [
        ("Carlos Rivera", "faq", "verify_name"),
        ("my name is Carlos Rivera", "out_of_scope", "verify_name"),
        ("09/30/1975", "clinic_hours", "verify_dob"),
    ],
)
def test_a_real_answer_wins_over_a_misread_intent(text: str, intent: str, requested: str) -> None:
    tracker = make_tracker(
        text,
        intent=intent,
        confidence=0.99,
        active_loop="check_form",
        slots={
            "requested_slot": requested,
            "verify_name": "Carlos Rivera" if requested == "verify_dob" else None,
        },
    )
    assert ValidateCheckForm().answers_requested_slot(tracker, requested)
    assert not ValidateCheckForm().should_let_through(tracker)
    question = make_tracker(
        "where do I park",
        intent="parking",
        active_loop="check_form",
        slots={"requested_slot": "verify_name"},
    )
    assert ValidateCheckForm().run(CollectingDispatcher(), question, {}) == []


def test_a_booking_request_while_rescheduling_is_the_new_time(fhir_env: FhirServer) -> None:
    # "next week after school" was read as book_appointment, which started a second booking
    # and left the patient with both the old and the new appointment.
    tracker = make_tracker(
        "next week after school, like 3:30 or later",
        intent="book_appointment",
        confidence=0.9,
        active_loop="reschedule_form",
        slots={
            "verified": True,
            "patient_id": "p1",
            "appointment_choice": "a1",
            "requested_slot": "date_preference",
        },
    )
    events = ValidateRescheduleForm().run(CollectingDispatcher(), tracker, {})
    assert events, "the form must not be left for a new booking"
    assert slots_of(events)["date_preference"]


@pytest.mark.parametrize(
    ("before", "text", "entities", "practitioner", "location", "said"),
    [
        # Sam Lee works at North only: searched there, and said why (it was "no opening in the
        # next few weeks" at Downtown).
        (
            "patel",
            "actually make it Sam Lee",
            [("practitioner", "Sam Lee")],
            "lee",
            "north",
            ["utter_practitioner_elsewhere"],
        ),
        # Dr. Okafor works Downtown only: whoever sees patients at North.
        (
            "okafor",
            "can it be at the north office instead",
            [("location", "north office")],
            "any",
            "north",
            ["utter_practitioner_elsewhere"],
        ),
        # Dr. Gonzalez works at both: nothing to say.
        ("patel", "make it Dr. Gonzalez", [("practitioner", "Dr. Gonzalez")], "gonzalez", None, []),
    ],
)
def test_a_new_clinician_or_office_while_rescheduling_fits_the_other(
    before: str,
    text: str,
    entities: list[tuple[str, str]],
    practitioner: str,
    location: str | None,
    said: list[str],
) -> None:
    tracker = make_tracker(
        text,
        intent="inform",
        entities=[{"entity": e, "value": v} for e, v in entities],
        active_loop="reschedule_form",
        slots={
            "verified": True,
            "patient_id": "p1",
            "appointment_choice": "a1",
            "practitioner": before,
            "location": "downtown",
            "visit_type": "sick",
            "requested_slot": "slot_choice",
        },
    )
    dispatcher = CollectingDispatcher()
    slots = slots_of(ValidateRescheduleForm().run(dispatcher, tracker, {}))
    assert slots.get("practitioner", before) == practitioner
    assert slots.get("location") == location
    assert responses(dispatcher) == said


@pytest.mark.parametrize(
    ("text", "visit", "said", "updates"),
    [
        # at Downtown only Dr. Patel does follow-ups: anyone else is at North
        (
            "i want to reschedule with someone other than dr patel",
            "follow_up",
            ["utter_only_clinician_at_office"],
            {"practitioner": "any", "practitioner_not": "patel", "location": "any"},
        ),
        (
            "a different provider please",
            "follow_up",
            ["utter_only_clinician_at_office"],
            {"practitioner": "any", "practitioner_not": "patel", "location": "any"},
        ),
        # nobody else does a women's health exam: said, and she is kept
        (
            "can i see someone other than dr gonzalez?",
            "womens_health",
            ["utter_only_clinician_for_visit"],
            {"practitioner": "gonzalez"},
        ),
        # "doesn't have to be" wants anyone, her too
        ("doesn't have to be patel", "follow_up", [], {"practitioner": "any"}),
    ],
)
def test_someone_other_than_a_clinician_when_moving(
    fhir_env: FhirServer, text: str, visit: str, said: list[str], updates: dict[str, Any]
) -> None:
    """ "someone other than dr patel" offered Dr. Patel's times three times over (at Downtown
    only she does follow-ups), and "someone other than dr gonzalez" hers, without a word."""
    before = "gonzalez" if visit == "womens_health" else "patel"
    location = "north" if visit == "womens_health" else "downtown"
    tracker = make_tracker(
        text,
        intent="inform",
        active_loop="reschedule_form",
        slots={
            "verified": True,
            "patient_id": "p1",
            "verify_dob": "1975-09-30",
            "my_appointments": [{"id": "a1", "start": "2026-12-09T16:00:00-08:00"}],
            "appointment_choice": "a1",
            "visit_type": visit,
            "practitioner": before,
            "location": location,
            "requested_slot": "slot_choice",
        },
    )
    dispatcher = CollectingDispatcher()
    slots = slots_of(ValidateRescheduleForm().run(dispatcher, tracker, {}))
    assert responses(dispatcher) == said
    assert {k: slots.get(k, "unchanged") for k in updates} == updates
    if "practitioner_not" not in updates:
        assert slots.get("practitioner_not") is None
    clinic = get_clinic()
    search = request_from_slots({**tracker.slots, **slots}, clinic, clinic.now(), age=51)
    assert ("patel" in search.exclude_practitioners) == ("practitioner_not" in updates)


def test_someone_other_than_said_before_the_appointment_is_known(fhir_env: FhirServer) -> None:
    """ "move my womens health appt, can i see someone other than dr gonzalez?" in one message:
    the kind of visit was not known yet, and nobody was found at all."""
    visit = {
        "id": "a1",
        "start": "2026-12-09T16:00:00-08:00",
        "visit_type": "womens_health",
        "practitioner": "gonzalez",
        "location": "north",
    }
    tracker = make_tracker(
        "the womens health one",
        intent="inform",
        active_loop="reschedule_form",
        slots={
            "verified": True,
            "patient_id": "p1",
            "verify_dob": "1992-01-22",
            "my_appointments": [visit],
            "practitioner": "any",
            "practitioner_not": "gonzalez",
            "requested_slot": "appointment_choice",
        },
    )
    dispatcher = CollectingDispatcher()
    slots = slots_of(ValidateRescheduleForm().run(dispatcher, tracker, {}))
    assert responses(dispatcher) == ["utter_only_clinician_for_visit"]
    assert (slots["appointment_choice"], slots["practitioner"]) == ("a1", "gonzalez")
    assert slots["practitioner_not"] is None


TWO_VISITS = [
    {
        "id": "a1",
        "start": "2026-12-16T09:00:00-08:00",
        "visit_type": "sick",
        "practitioner": "patel",
        "location": "downtown",
    },
    {
        "id": "a2",
        "start": "2026-12-22T08:00:00-08:00",
        "visit_type": "physical",
        "practitioner": "patel",
        "location": "downtown",
    },
]


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("the dentist one", "utter_appointment_not_with_us"),
        ("neither, its my teeth cleaning", "utter_appointment_not_with_us"),
        ("neither", "utter_appointment_not_listed"),
        ("none of those", "utter_appointment_not_listed"),
        ("its not on the list", "utter_appointment_not_listed"),
    ],
)
def test_an_appointment_that_is_not_with_us_ends_the_cancellation_unchanged(
    text: str, said: str
) -> None:
    # "cancel my dentist appointment": "Please tap one of the options" four times, and
    # "neither" could not get out.
    slots = {
        "verified": True,
        "patient_id": "p1",
        "my_appointments": TWO_VISITS,
        "requested_slot": "appointment_choice",
    }
    tracker = make_tracker(text, intent="inform", active_loop="cancel_form", slots=slots)
    dispatcher = CollectingDispatcher()
    found = slots_of(ValidateCancelForm().run(dispatcher, tracker, {}))
    assert responses(dispatcher) == [said]
    assert found["requested_slot"] is None  # the form ends: nothing is cancelled
    dispatcher = CollectingDispatcher()
    done = make_tracker(text, slots={**slots, **found})
    ActionCancelAppointment().run(dispatcher, done, {})
    assert responses(dispatcher) == ["utter_stopped"]


def test_none_of_a_kind_is_still_a_pick() -> None:
    slots = {
        "verified": True,
        "patient_id": "p1",
        "my_appointments": TWO_VISITS,
        "requested_slot": "appointment_choice",
    }
    tracker = make_tracker("the physical", intent="inform", active_loop="cancel_form", slots=slots)
    found = slots_of(ValidateCancelForm().run(CollectingDispatcher(), tracker, {}))
    assert found["appointment_choice"] == "a2"


def test_someone_other_than_a_clinician_when_booking() -> None:
    events, dispatcher = run_booking(
        "actually someone other than dr patel", slots={**READY, "requested_slot": "slot_choice"}
    )
    slots = slots_of(events)
    assert (slots["practitioner"], slots["practitioner_not"]) == ("any", "patel")
    assert responses(dispatcher) == []  # Sam Lee sees physicals at North
    # naming a clinician again drops it
    chosen = {**READY, **slots, "requested_slot": "slot_choice"}
    events, _ = run_booking("ok dr lee then", slots=chosen)
    assert slots_of(events)["practitioner_not"] is None


@pytest.mark.parametrize(
    ("text", "location", "practitioner"),
    [
        ("can i move it to the other office", "north", "patel"),  # Dr. Patel works at both
        ("not downtown", "north", "patel"),  # "not downtown" searched Downtown
        # the office named, or "the other office" refused, is kept
        ("downtown, the other office is too far for me", "downtown", "patel"),
        ("not the other office, keep it downtown please", "downtown", "patel"),
    ],
)
def test_the_other_office_when_moving(
    fhir_env: FhirServer, text: str, location: str, practitioner: str
) -> None:
    """ "can i move it to the other office" was ignored: Downtown again."""
    moving = {"id": "a1", "start": "2026-12-09T08:00:00-08:00", "location": "downtown"}
    tracker = make_tracker(
        text,
        intent="reschedule_appointment",
        active_loop="reschedule_form",
        slots={
            "verified": True,
            "patient_id": "p1",
            "my_appointments": [moving],
            "appointment_choice": "a1",
            "visit_type": "physical",
            "practitioner": "patel",
            "location": "downtown",
            "requested_slot": "date_preference",
        },
    )
    slots = slots_of(ValidateRescheduleForm().run(CollectingDispatcher(), tracker, {}))
    kept = (slots.get("location", "downtown"), slots.get("practitioner", "patel"))
    assert kept == (location, practitioner)
    # ...and said before the appointment was known, it counts once it is
    tracker = make_tracker(
        "04/12/1988",
        slots={"verify_name": "Emily Johnson", "requested_slot": "verify_dob"},
        active_loop="reschedule_form",
        events=[{"event": "user", "text": "move my physical to the other office"}],
    )
    slots = slots_of(ValidateRescheduleForm().run(CollectingDispatcher(), tracker, {}))
    assert (slots["practitioner"], slots["location"]) == ("patel", "north")


def test_the_day_of_the_appointment_moved_is_no_new_day() -> None:
    """ "need to move my thursday appt": the model's date entity "thursday" searched Thursdays
    (the old day); the new day is asked for."""
    tracker = make_tracker(
        "need to move my thursday appt",
        intent="reschedule_appointment",
        entities=[{"entity": "date", "value": "thursday", "start": 16, "end": 24}],
        active_loop="reschedule_form",
        slots={"verified": True, "patient_id": "p1", "requested_slot": "appointment_choice"},
    )
    form = ValidateRescheduleForm()
    updates = form.extract_more(CollectingDispatcher(), tracker, dict(tracker.slots), None)
    assert "date_preference" not in updates
    # ...while a new day said after "to" is the new day
    tracker = make_tracker(
        "move my thursday appt to friday",
        intent="reschedule_appointment",
        entities=[
            {"entity": "date", "value": "thursday", "start": 8, "end": 16},
            {"entity": "date", "value": "friday", "start": 25, "end": 31},
        ],
        active_loop="reschedule_form",
        slots={"verified": True, "patient_id": "p1"},
    )
    updates = form.extract_more(CollectingDispatcher(), tracker, dict(tracker.slots), None)
    assert updates["date_preference"].strip() == "friday"


@pytest.mark.parametrize(
    "text", ["a couple of days later", "the week after", "push it back a week"]
)
def test_a_shift_of_the_appointment_is_the_new_time(fhir_env: FhirServer, text: str) -> None:
    """Kept as said, so the search counts it from the appointment's day (slot_search)."""
    tracker = make_tracker(
        text,
        intent="inform",
        active_loop="reschedule_form",
        slots={
            "verified": True,
            "patient_id": "p1",
            "appointment_choice": "a1",
            "requested_slot": "date_preference",
        },
    )
    events = ValidateRescheduleForm().run(CollectingDispatcher(), tracker, {})
    assert slots_of(events)["date_preference"] == text


def move_asked(text: str) -> str:
    """The day kept when a verified patient's request to move appointment a1 says ``text``."""
    tracker = make_tracker(
        text,
        intent="reschedule_appointment",
        active_loop="reschedule_form",
        slots={
            "verified": True,
            "patient_id": "p1",
            "appointment_choice": "a1",
            "requested_slot": "date_preference",
        },
    )
    events = ValidateRescheduleForm().run(CollectingDispatcher(), tracker, {})
    return str(slots_of(events)["date_preference"])


def test_a_shift_said_with_the_birth_date_keeps_only_the_shift() -> None:
    """The date of birth in "Carlos Rivera 09/30/1975 - can you push my appointment back a
    week?" once made the search read the whole message as "as soon as possible"."""
    wanted = move_asked("Carlos Rivera 09/30/1975 - can you push my appointment back a week?")
    assert "1975" not in wanted and "back a week" in wanted


def test_a_shift_after_the_appointment_described_keeps_only_the_new_time() -> None:
    """ "can i move my 2pm appt on thursday to earlier that day" offered 1:30, 2:30 and 3:00
    (the 2pm that names the appointment read as the time wanted)."""
    wanted = move_asked("can i move my 2pm appt on thursday to earlier that day")
    assert "2pm" not in wanted and "earlier that day" in wanted
    start = datetime(2026, 12, 10, 14, 0, tzinfo=get_clinic().tz)
    assert shift_said_as_day(wanted, start, date(2026, 12, 6)) == "December 10 before 2:00 pm"


@pytest.mark.parametrize(
    "text",
    [
        "can we do it earlier?",
        "can i move my physical to an earlier date",
        "anything sooner",
        "move it up",
    ],
)
def test_earlier_said_alone_searches_before_the_appointment(
    text: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """ "my son has a checkup coming up, can we do it earlier?": "What day or time works best
    for you?" (the request lost); the days before the appointment are searched, and for a
    visit tomorrow its earlier times (not the soonest days, which came after it)."""
    sunday = datetime(2026, 12, 6, 21, 0, tzinfo=get_clinic().tz)
    monkeypatch.setattr(ClinicConfig, "now", lambda self: sunday)
    wanted = move_asked(text)
    for day, window in ((10, (6, 9)), (7, (7, 7))):
        moving = {"id": "a1", "start": f"2026-12-{day:02d}T15:30:00-08:00"}
        slots = {"my_appointments": [moving], "appointment_choice": "a1", "date_preference": wanted}
        when = request_from_slots(slots, get_clinic(), sunday).when
        assert (when.start.day, when.end.day) == window
        assert when.not_after == (time(15, 30) if day == 7 else None)
    # ...not "as i said earlier", nor a time earlier than one said
    for said in ("as i said earlier, tuesday", "earlier than 3pm on friday"):
        start = datetime(2026, 12, 10, 15, 30, tzinfo=get_clinic().tz)
        assert shift_said_as_day(said, start, sunday.date()) is None


CHOICES = [
    {
        "id": "a",
        "start": "2026-12-02T09:00:00-08:00",
        "visit_type": "vaccination",
        "practitioner": "patel",
        "location": "downtown",
    },
    {
        "id": "b",
        "start": "2026-12-04T07:30:00-08:00",
        "visit_type": "womens_health",
        "practitioner": "gonzalez",
        "location": "north",
    },
    {
        "id": "c",
        "start": "2026-12-04T10:30:00-08:00",
        "visit_type": "physical",
        "practitioner": "patel",
        "location": "downtown",
    },
]


@pytest.mark.parametrize(
    ("text", "chosen"),
    [
        ("the vaccine one", "a"),
        ("cancel the pap one", "b"),
        ("the wednesday one", "a"),
        ("the one with dr gonzalez", "b"),
        ("the physical", "c"),
        # a date of birth said with it is no day of an appointment (the list came instead)
        ("hi emily johnson 04/12/1988, the one with dr gonzalez", "b"),
        # several fit, or nothing describes one: ask again rather than guess
        ("the friday one", None),
        ("the one with patel", None),
        ("yes", None),
    ],
)
def test_an_appointment_is_picked_by_its_description(text: str, chosen: str | None) -> None:
    # "the vaccine one" used to get "Please tap one of the options".
    tracker = make_tracker(
        text,
        intent="inform",
        active_loop="cancel_form",
        slots={
            "verified": True,
            "patient_id": "p1",
            "my_appointments": CHOICES,
            "requested_slot": "appointment_choice",
        },
    )
    events = ValidateCancelForm().run(CollectingDispatcher(), tracker, {})
    assert slots_of(events).get("appointment_choice") == chosen


@pytest.mark.parametrize(
    ("form", "opening", "chosen"),
    [
        (ValidateCancelForm, "cancel the pap smear on friday please", "b"),
        (ValidateCancelForm, "I need to cancel an appointment", None),
        (ValidateRescheduleForm, "I need to move my vaccine appointment to friday", "a"),
        # "to wednesday" is the new time, not the appointment (two are on Friday: ask).
        (ValidateRescheduleForm, "can I reschedule my friday one to wednesday", None),
    ],
)
def test_the_opening_request_may_say_which_appointment(
    monkeypatch: pytest.MonkeyPatch, form: type, opening: str, chosen: str | None
) -> None:
    """Said before the identity questions, used once the appointments are known."""
    monkeypatch.setattr(manage_appointments, "load_appointments", lambda pid, clinic: CHOICES)
    history = [
        {"event": "user", "text": opening, "parse_data": {"text": opening}},
        {"event": "active_loop", "name": form.form_name},
        {"event": "user", "text": "Emily Johnson"},
    ]
    tracker = make_tracker(
        "04/12/1988",
        intent="inform",
        active_loop=form.form_name,
        events=history,
        slots={"verified": True, "patient_id": "p1", "requested_slot": None},
    )
    slots = slots_of(form().run(CollectingDispatcher(), tracker, {}))
    assert slots["my_appointments"] == CHOICES
    assert slots.get("appointment_choice") == chosen
    if chosen is None:
        assert slots["requested_slot"] == "appointment_choice"


def test_a_verified_patient_naming_the_appointment_at_once_is_not_asked_which(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(manage_appointments, "load_appointments", lambda pid, clinic: CHOICES)
    tracker = make_tracker(
        "please cancel the vaccine appointment",
        intent="cancel_appointment",
        slots={"verified": True, "patient_id": "p1", "patient_name": "Emily Johnson"},
    )
    slots = slots_of(ValidateCancelForm().run(CollectingDispatcher(), tracker, {}))
    assert (slots["appointment_choice"], slots["requested_slot"]) == ("a", "cancel_confirmed")


def test_an_appointment_is_picked_by_its_date() -> None:
    # "the december 24 one", "dec 24" were refused: only the number worked.
    today = get_clinic().now().date()
    first, second = today + timedelta(days=3), today + timedelta(days=5)
    items = [
        {
            "id": "x",
            "start": f"{first.isoformat()}T09:00:00-08:00",
            "visit_type": "physical",
            "practitioner": "patel",
            "location": "downtown",
        },
        {
            "id": "y",
            "start": f"{second.isoformat()}T09:00:00-08:00",
            "visit_type": "physical",
            "practitioner": "patel",
            "location": "downtown",
        },
    ]
    for text, chosen in (
        (f"the {second:%B} {second.day} one", "y"),
        (f"{first:%b} {first.day}", "x"),
        (f"the one on {second.month}/{second.day}", "y"),
        (f"the {first:%B} {first.day + 0}th one please", "x"),
    ):
        tracker = make_tracker(
            text,
            intent="inform",
            active_loop="cancel_form",
            slots={
                "verified": True,
                "patient_id": "p1",
                "my_appointments": items,
                "requested_slot": "appointment_choice",
            },
        )
        events = ValidateCancelForm().run(CollectingDispatcher(), tracker, {})
        assert slots_of(events).get("appointment_choice") == chosen, text


def new_patient_ready(name: str, born: str, pick: int) -> tuple[dict[str, Any], dict[str, Any]]:
    """A new patient's booking confirmed for the offer at ``pick`` of those found next week:
    the slots, and that offer."""
    offers = ActionAskSlotChoice().run(
        CollectingDispatcher(),
        make_tracker("", slots={**READY, "offered_slots": None, "date_preference": "next week"}),
        {},
    )[0]["value"]
    slots = {
        **READY,
        "visit_type": "new_patient",
        "patient_status": "new",
        "offered_slots": offers,
        "slot_choice": offers[pick]["id"],
        "booking_confirmed": True,
        "verify_name": name,
        "verify_dob": born,
        "new_phone": "+19165550188",
    }
    return slots, offers[pick]


def test_a_new_patient_is_asked_to_come_30_minutes_early(fhir_env: FhirServer) -> None:
    # The booking confirmation said 15 minutes, while the arrival-time answer says 30 for new
    # patients.
    new, offer = new_patient_ready("Noor Haddad", "1990-03-14", -1)
    dispatcher = CollectingDispatcher()
    ActionBookAppointment().run(dispatcher, make_tracker("yes", slots=new), {})
    # ...and that the forms can be filled in online first (said only when asked about them)
    assert responses(dispatcher) == ["utter_booked", "utter_new_patient_forms_online"]
    assert expected_arrival(offer, 30) in dispatcher.messages[0]["arrival"]


def test_a_new_patient_hears_their_details_and_can_put_them_right(fhir_env: FhirServer) -> None:
    """ "wait my birthday is 3/14/1990 not 3/4" at "Shall I book it?" searched times in 1990
    ("I can only book up to..."); the question named none of the details the new record is
    made from."""
    new, _ = new_patient_ready("Dana Whitfield", "1990-03-04", 0)
    asked = {**new, "booking_confirmed": None, "requested_slot": "booking_confirmed"}
    dispatcher = CollectingDispatcher()
    tracker = make_tracker("", slots=asked, active_loop="booking_form")
    ActionAskBookingConfirmed().run(dispatcher, tracker, {})
    [question] = dispatcher.messages
    assert question["response"] == "utter_confirm_new_patient_booking"
    assert (question["patient_full_name"], question["birth_date"], question["phone"]) == (
        "Dana Whitfield",
        "March 4, 1990",
        "(916) 555-0188",
    )
    events, said = run_booking("wait my birthday is 3/14/1990 not 3/4", slots=asked)
    slots = slots_of(events)
    assert responses(said) == ["utter_registration_corrected"]
    assert slots["verify_dob"] == "1990-03-14" and slots["requested_slot"] == "booking_confirmed"
    assert "date_preference" not in slots and "slot_choice" not in slots  # the time stays
    events, said = run_booking("my number is actually 916-555-0177", slots=asked)
    assert slots_of(events)["new_phone"] == "+19165550177"
    events, said = run_booking("sorry my last name is spelled Whitfeld, Dana Whitfeld", slots=asked)
    assert slots_of(events)["verify_name"] == "Dana Whitfeld"
    # ...and a birth date that is a patient on file: that patient, checked (as at first)
    emily = {**asked, "verify_name": "Emily Johnson"}
    events, said = run_booking("oops my dob is 04/12/1988", slots=emily)
    assert slots_of(events)["verified"] is True
    # a date of another kind is still a day for the visit
    events, _ = run_booking("actually friday", slots={**asked, "requested_slot": "slot_choice"})
    assert "verify_dob" not in slots_of(events)
    # a returning patient's confirmation is as before
    dispatcher = CollectingDispatcher()
    returning = {**asked, "verified": True, "patient_status": "returning"}
    ActionAskBookingConfirmed().run(dispatcher, make_tracker("", slots=returning), {})
    assert responses(dispatcher) == ["utter_confirm_booking"]


@pytest.mark.parametrize(
    ("text", "intent", "name"),
    [
        ("the name is wrong, its Jordan Baker", "billing_dispute", "Jordan Baker"),
        ("my name is Jordan Baker", "greet", "Jordan Baker"),
        ("sorry the name should be Jordan Baker", "out_of_scope", "Jordan Baker"),
        ("9am. also my name is spelled Jordan Baker not Jordna Bakre", "inform", "Jordan Baker"),
        ("my first name is spelled Jordan", "inform", "Jordan Bakre"),
    ],
)
def test_a_new_patient_can_put_their_name_right_however_it_is_read(
    fhir_env: FhirServer, text: str, intent: str, name: str
) -> None:
    """ "If any detail is wrong, just tell me the right one" - "the name is wrong, its Jordan
    Baker" was a billing dispute (the chat paused), "my name is Jordan Baker" a greeting, and
    "sorry the name should be ..." not understood: the name stayed misspelled on the record."""
    new, _ = new_patient_ready("Jordna Bakre", "1990-03-03", 0)
    asked = {**new, "booking_confirmed": None, "requested_slot": "booking_confirmed"}
    tracker = make_tracker(text, intent=intent, slots=asked, active_loop="booking_form")
    assert ValidateBookingForm().should_let_through(tracker) is False
    events, said = run_booking(text, intent=intent, slots=asked)
    assert responses(said) == ["utter_registration_corrected"]
    assert slots_of(events)["verify_name"] == name
    assert slots_of(events)["requested_slot"] == "booking_confirmed"


def test_a_new_patient_can_put_their_name_right_while_asked_for_more(
    fhir_env: FhirServer,
) -> None:
    # At "date of birth?" ("I didn't catch a date of birth there") and at "phone number?"
    # ("Please send a 10-digit phone number"): the name is put right, the question asked again.
    base = {"patient_status": "new", "visit_type": "new_patient", "verify_name": "Morgna Elis"}
    for requested, extra in (("verify_dob", {}), ("new_phone", {"verify_dob": "1990-03-03"})):
        slots = {**READY, **base, **extra, "slot_choice": OFFERS[0]["id"]}
        slots["requested_slot"] = requested
        for text in ("oops typo, Morgan Ellis", "i spelled my name wrong its Morgan Ellis"):
            events, said = run_booking(text, slots=slots)
            assert responses(said) == ["utter_registration_corrected"], (requested, text)
            assert slots_of(events)["verify_name"] == "Morgan Ellis"
            assert slots_of(events)["requested_slot"] == requested


def test_no_booking_for_a_returning_patient_never_verified(fhir_env: FhirServer) -> None:
    """ "need a sick visit tmrw, been there before", a name and birth date not on file: booked
    on a new record with the phone "None", and no identity check at all."""
    new, _ = new_patient_ready("Zebulon Quartermaine", "1996-02-27", 0)
    unverified = {**new, "patient_status": "returning", "new_phone": None}
    dispatcher = CollectingDispatcher()
    events = ActionBookAppointment().run(dispatcher, make_tracker("yes", slots=unverified), {})
    assert responses(dispatcher) == ["utter_stopped"]
    assert not slots_of(events).get("verified")
    found = fhir_env.client().find_patients("Quartermaine", "Zebulon", date(1996, 2, 27))
    assert found == []
    # ...and said "been here before", the details given early are checked at once: no match
    # is said then (with that they are asked again before booking), and they are asked again at
    # the end
    form = ValidateBookingForm()
    slots = {"patient_status": "returning", "verify_name": "Zebulon Quartermaine"}
    said = CollectingDispatcher()
    tracker = make_tracker("02/27/1996", intent="inform", slots=slots, active_loop="booking_form")
    updates = form._identity_detail(said, tracker, slots, "02/27/1996", False)
    assert responses(said) == ["utter_verification_no_match_booking_early"]
    assert (updates["verify_name"], updates["verify_dob"]) == (None, None)


@pytest.mark.parametrize(("born", "relation"), [("2019-03-09", "child"), ("1990-03-14", None)])
def test_a_new_child_booked_is_known_as_a_child(
    fhir_env: FhirServer, born: str, relation: str | None
) -> None:
    # "and one for me too right after" after a parent booked her new daughter: the mother's
    # visit was booked on the 7-year-old's chart (a verified child is one by this slot).
    new, _ = new_patient_ready("Zara Khan", born, 0)
    events = ActionBookAppointment().run(CollectingDispatcher(), make_tracker("yes", slots=new), {})
    assert slots_of(events).get("patient_relation") == relation


# "Just to check: cancel your ... ?" asked of appointment "a", for a verified patient.
CANCEL_ASKED = {
    "verified": True,
    "patient_id": "p1",
    "my_appointments": CHOICES,
    "appointment_choice": "a",
    "requested_slot": "cancel_confirmed",
}


@pytest.mark.parametrize(
    ("text", "intent", "heard"),
    [
        # (getting better is glad news: "Thanks for letting me know" alone was cold)
        ("he's feeling better", "inform", "utter_cancel_reason_better"),
        ("im much better so i dont need it", "inform", "utter_cancel_reason_better"),
        ("something came up at work", "inform", "utter_cancel_reason_heard"),
        ("i have to work that day", "goodbye", "utter_cancel_reason_heard"),  # "Take care!"
    ],
)
def test_a_reason_to_cancel_is_heard_and_the_question_asked_again(
    text: str, intent: str, heard: str
) -> None:
    # "he's feeling better" at "cancel it?": "Please tap one of the options". Still no
    # cancellation without the yes.
    dispatcher = CollectingDispatcher()
    tracker = make_tracker(text, intent=intent, active_loop="cancel_form", slots=CANCEL_ASKED)
    events = ValidateCancelForm().run(dispatcher, tracker, {})
    assert responses(dispatcher) == [heard]
    assert slots_of(events).get("cancel_confirmed") is None
    dispatcher = CollectingDispatcher()
    tracker = make_tracker("blue", intent="inform", active_loop="cancel_form", slots=CANCEL_ASKED)
    ValidateCancelForm().run(dispatcher, tracker, {})
    assert responses(dispatcher) == ["utter_explain_choice"]


@pytest.mark.parametrize(
    ("text", "intent", "answer"),
    [
        ("Yes, cancel it", "stop", True),  # the button's own title, typed: once read as "stop"
        ("yes cancel", "stop", True),
        ("no keep it", "stop", False),
        # Read as a complaint, it once paused the chat and cancelled nothing.
        ("no wait keep it", "complaint", False),
        ("hmm no actually keep it, sorry", "complaint", False),
        # after the fee answer: "No rush, take your time", and the question again
        ("ok no keep it then", "affirm", False),
        ("ok actually i'll keep it", "affirm", False),
        ("No problem, go ahead", "affirm", True),
        ("/affirm", "affirm", True),
        # "please tap one of the options", and the question again
        ("ugh ok yes cancel", "cancel_appointment", True),
        ("perfect thx", "thank", True),
    ],
)
def test_a_typed_yes_or_no_answers_the_cancel_question(
    text: str, intent: str, answer: bool
) -> None:
    tracker = make_tracker(
        text,
        intent=intent,
        active_loop="cancel_form",
        slots=CANCEL_ASKED,
    )
    events = ValidateCancelForm().run(CollectingDispatcher(), tracker, {})
    assert slots_of(events)["cancel_confirmed"] is answer


@pytest.mark.parametrize(
    "text",
    ["actually no wait, is there a fee for cancelling?", "no hold on what's the cancellation fee"],
)
def test_no_wait_and_a_question_at_the_cancel_question_answers_it_first(text: str) -> None:
    # "OK, I've left the appointment as it is", and the fee question went unanswered: the
    # question is answered (the FAQ goes through) and "cancel it?" comes back after it.
    tracker = make_tracker(
        text,
        intent="faq",
        confidence=0.99,
        active_loop="cancel_form",
        slots=CANCEL_ASKED,
    )
    assert yes_or_no(tracker) is None
    assert ValidateCancelForm().should_let_through(tracker)
    plain_no = make_tracker("no wait, keep it", intent="deny")
    assert yes_or_no(plain_no) is False


def test_a_person_or_an_emergency_still_interrupts_the_cancel_question() -> None:
    for text, intent in (
        ("no, I want to talk to a person", "request_human"),
        ("no, my chest hurts and I can't breathe", "emergency"),
    ):
        tracker = make_tracker(
            text,
            intent=intent,
            active_loop="cancel_form",
            slots=CANCEL_ASKED,
        )
        assert ValidateCancelForm().run(CollectingDispatcher(), tracker, {}) == []


MOVING = {
    "verified": True,
    "patient_id": "p1",
    "my_appointments": CHOICES,
    "appointment_choice": "a",
    "date_preference": "next week",
    "offered_slots": [{"id": "s1", "start": "2026-12-09T10:00:00-08:00"}],
    "slot_choice": "s1",
    "requested_slot": "booking_confirmed",
}


@pytest.mark.parametrize(
    ("text", "wanted"),
    [
        ("wait, make it 30 min later", "december 9 at 10:30 am"),
        ("an hour earlier", "december 9 at 9:00 am"),
    ],
)
def test_a_shift_at_the_confirmation_counts_from_the_time_offered(
    fhir_env: FhirServer, text: str, wanted: str
) -> None:
    # "I'll move it to Dec 9, 10:00am. Is that right?" - "wait, make it 30 min later" counted
    # from the appointment's own time, and the offered time came back
    tracker = make_tracker(text, "reschedule_appointment", active_loop="reschedule_form")
    tracker.slots.update(MOVING)
    slots = slots_of(ValidateRescheduleForm().run(CollectingDispatcher(), tracker, {}))
    assert wanted in slots["date_preference"].lower()


@pytest.mark.parametrize(
    "text",
    [
        "yes do it, and how much is my balance",
        "yes book it. oh and one more thing, how much do i owe?",
    ],
)
def test_yes_with_a_balance_question_at_the_confirmation_confirms(text: str) -> None:
    """ "yes book it. oh and one more thing, how much do i owe?" at "Is that right?": the yes
    was lost (the question again), and the "yes book it" kept with the balance question was
    offered afterwards as a second booking ("You also asked: “yes book it”"). The balance
    follows the task (asked_with_the_yes, test_second_request)."""
    tracker = make_tracker(
        text, intent="billing_balance", confidence=0.9, active_loop="reschedule_form", slots=MOVING
    )
    dispatcher = CollectingDispatcher()
    slots = slots_of(ValidateRescheduleForm().run(dispatcher, tracker, {}))
    assert slots["booking_confirmed"] is True and slots["requested_slot"] is None
    assert "pending_request" not in slots
    assert responses(dispatcher) == []
    # ...while a question with no yes waits for the answer, as before
    tracker = make_tracker(
        "how much do i owe", intent="billing_balance", active_loop="reschedule_form", slots=MOVING
    )
    dispatcher = CollectingDispatcher()
    slots = slots_of(ValidateRescheduleForm().run(dispatcher, tracker, {}))
    assert slots["booking_confirmed"] is None and slots["requested_slot"] == "booking_confirmed"
    assert responses(dispatcher) == ["utter_balance_after_task"]


def test_yes_move_it_answers_the_move_question() -> None:
    # "yes move it" was read as a new reschedule request: "Please tap one of the options".
    tracker = make_tracker(
        "yes move it",
        intent="reschedule_appointment",
        confidence=0.56,
        active_loop="reschedule_form",
        slots=MOVING,
    )
    events = ValidateRescheduleForm().run(CollectingDispatcher(), tracker, {})
    assert slots_of(events)["booking_confirmed"] is True


@pytest.mark.parametrize(
    ("text", "intent", "said", "confirmed"),
    [
        # "no, never mind" drops the task (was: "Let's find a time that suits you better").
        ("no, never mind", "deny", [], False),
        ("nah forget it", "deny", [], False),
        # ... and so does keeping the old time (was: the same times offered again).
        ("never mind, keep my original appointment", "stop", [], False),
        ("no, keep it", "deny", [], False),
        ("actually never mind keep the original", "stop", [], False),
        # the old day named searched it; the model's crisis guess got the 988 check-in
        ("hmm no actually keep my original one on the 7th", "billing_pay", [], False),
        ("keep the original time pls", "nlu_fallback", [], False),
        # A plain no looks for another time, and says the appointment has not moved.
        ("no", "deny", ["utter_reschedule_not_confirmed"], None),
    ],
)
def test_no_to_the_move(text: str, intent: str, said: list[str], confirmed: bool | None) -> None:
    dispatcher = CollectingDispatcher()
    unsure = {"safety_check": {"category": "crisis"}} if intent == "nlu_fallback" else {}
    tracker = make_tracker(
        text, intent=intent, active_loop="reschedule_form", slots=MOVING, extra=unsure
    )
    events = slots_of(ValidateRescheduleForm().run(dispatcher, tracker, {}))
    assert responses(dispatcher) == said
    assert events["booking_confirmed"] is confirmed
    assert events["requested_slot"] == (None if confirmed is False else "slot_choice")
    if said:
        # the time turned down is not offered again
        assert events["excluded_slots"] == ["s1"] and events["offered_slots"] is None


@pytest.mark.parametrize("read_as", ["out_of_scope", "deny"])
def test_another_day_at_the_move_confirmation_searches_it(read_as: str) -> None:
    # "hmm actually can it be the 16th instead" at "Is that right?": "Sorry, that's not
    # something I can help with here", then the same confirmation again.
    dispatcher = CollectingDispatcher()
    text = "hmm actually can it be the 16th instead"
    tracker = make_tracker(text, intent=read_as, active_loop="reschedule_form", slots=MOVING)
    events = slots_of(ValidateRescheduleForm().run(dispatcher, tracker, {}))
    assert "16th" in events["date_preference"]
    assert (events["slot_choice"], events["booking_confirmed"]) == (None, None)
    assert events["requested_slot"] == "slot_choice"


@pytest.mark.parametrize(
    ("text", "read_as"),
    [("who is it with", "check_appointment"), ("wait what time was that", "stop")],
)
def test_a_question_about_the_time_offered_asks_the_confirmation_again(
    text: str, read_as: str
) -> None:
    # "who is it with" at "Is that right?" listed the old appointment, and the move was lost;
    # "wait who is it with again" stopped it ("Nothing was changed").
    form = ValidateRescheduleForm()
    tracker = make_tracker(
        text, intent=read_as, confidence=0.95, active_loop="reschedule_form", slots=MOVING
    )
    assert not form.should_let_through(tracker)
    dispatcher = CollectingDispatcher()
    events = slots_of(form.run(dispatcher, tracker, {}))
    # the question comes again (it says the time, clinician and office), with no "please tap"
    assert events == {"booking_confirmed": None, "requested_slot": "booking_confirmed"}
    assert dispatcher.messages == []


def test_a_day_ruled_out_at_the_times_shown_is_no_hours_question() -> None:
    # "not monday, other days?" (the hours, 0.54): the opening hours, then the same Monday
    # times again
    offered = {**MOVING, "slot_choice": None, "requested_slot": "slot_choice"}
    form = ValidateRescheduleForm()
    tracker = make_tracker(
        "not monday, other days?",
        intent="clinic_hours",
        confidence=0.9,
        active_loop="reschedule_form",
        slots=offered,
    )
    assert not form.should_let_through(tracker)
    events = slots_of(form.run(CollectingDispatcher(), tracker, {}))
    assert "monday" in events["date_preference"]
    assert parse_when(events["date_preference"], get_clinic().now()).not_on == frozenset({0})
    # the hours asked in so many words are still the hours
    asked = make_tracker(
        "what are your hours on monday",
        intent="clinic_hours",
        confidence=0.9,
        active_loop="reschedule_form",
        slots=offered,
    )
    assert form.should_let_through(asked)


def test_no_the_other_time_shown_at_the_move_confirmation_confirms_that_one(
    fhir_env: FhirServer,
) -> None:
    # "no the 1pm one" at "Is that right?" (the 1pm shown): "your appointment hasn't moved",
    # then the same times again, the one turned down included.
    shown = {"practitioner": "lee", "location": "north"}
    offers = [
        {"id": "s1", "start": "2026-12-09T10:00:00-08:00", **shown},
        {"id": "s2", "start": "2026-12-09T13:00:00-08:00", **shown},
    ]
    slots = {**MOVING, "offered_slots": offers}
    dispatcher = CollectingDispatcher()
    tracker = make_tracker(
        "no the 1pm one", intent="inform", active_loop="reschedule_form", slots=slots
    )
    events = slots_of(ValidateRescheduleForm().run(dispatcher, tracker, {}))
    assert (events["slot_choice"], events["requested_slot"]) == ("s2", "booking_confirmed")
    assert responses(dispatcher) == []


@pytest.mark.parametrize("text", ["actually can we do 1pm instead", "can it be 1pm"])
def test_another_time_at_the_booking_confirmation_searches_it(text: str) -> None:
    # read as a common question: the answer on phone or video visits, then the same
    # confirmation again
    slots = {**READY, "verified": True, "slot_choice": "s1", "requested_slot": "booking_confirmed"}
    events, dispatcher = run_booking(text, intent="faq", confidence=0.72, slots=slots)
    changed = slots_of(events)
    assert "tuesday" in changed["date_preference"] and "1pm" in changed["date_preference"]
    assert changed["slot_choice"] is None and not changed.get("booking_confirmed")
    assert changed["requested_slot"] == "slot_choice"
    assert responses(dispatcher) == []
    # a common question with a time in it is still that question
    tracker = make_tracker(
        "do i need to be there by 1pm", intent="faq", active_loop="booking_form", slots=slots
    )
    assert ValidateBookingForm().should_let_through(tracker)


@pytest.mark.parametrize(
    ("text", "also"),
    [
        ("yes please, and then cancel the thursday one", "cancel_appointment"),
        ("yes thx. oh and can u move my physical to friday", "reschedule_appointment"),
    ],
)
def test_a_yes_with_another_task_books_and_keeps_the_task(text: str, also: str) -> None:
    """ "yes please, and then cancel the thursday one" at "Shall I book it?" searched
    Thursday's times: nothing was booked, and nothing said so."""
    slots = {**READY, "verified": True, "slot_choice": "s1", "requested_slot": "booking_confirmed"}
    events, dispatcher = run_booking(text, intent="cancel_appointment", slots=slots)
    changed = slots_of(events)
    assert changed["booking_confirmed"] is True and changed["requested_slot"] is None
    assert changed["pending_request"]["intent"] == also
    assert "date_preference" not in changed and responses(dispatcher) == []


def test_no_never_mind_to_the_booking_stops_it() -> None:
    slots = {**READY, "verified": True, "slot_choice": "s1", "requested_slot": "booking_confirmed"}
    events, dispatcher = run_booking("no, never mind", intent="deny", slots=slots)
    assert responses(dispatcher) == ["utter_stopped"]
    assert slots_of(events)["booking_confirmed"] is False
    assert slots_of(events)["requested_slot"] is None


def verified_as(full_name: str, birth_date: str) -> dict[str, Any]:
    slots, _ = verify(birth_date, "verify_dob", {"verify_name": full_name})
    assert slots["verified"] is True
    # What the forms leave behind after their task: the verified patient, no answers.
    keep = ("verified", "patient_id", "patient_name", "patient_relation")
    return {k: slots[k] for k in keep if k in slots}


def responses_of(messages: list[dict[str, Any]]) -> list[str]:
    return [m.get("response") or "" for m in messages]


def start_form(form: Any, text: str, intent: str, slots: dict[str, Any]) -> tuple[dict, list]:
    dispatcher = CollectingDispatcher()
    tracker = make_tracker(text, intent=intent, slots=slots)
    return slots_of(form.run(dispatcher, tracker, {})), dispatcher.messages


@pytest.mark.parametrize(
    "text", ["no thats not my appointment", "i never booked that", "wrong appointment"]
)
def test_an_appointment_listed_that_is_not_mine_gets_who_can_check(
    fhir_env: FhirServer, text: str
) -> None:
    """ "no thats not my appointment" after the list: the same list again, and again."""
    emily = verified_as("Emily Johnson", "04/12/1988")
    listed = [
        {"event": "action", "name": "action_show_appointments"},
        {
            "event": "bot",
            "text": "Here's what's coming up ...",
            "metadata": {"utter_action": "utter_upcoming_appointments"},
        },
        {"event": "action", "name": "action_listen"},
    ]
    dispatcher = CollectingDispatcher()
    tracker = make_tracker(text, intent="check_appointment", slots=emily, events=listed)
    ActionShowAppointments().run(dispatcher, tracker, {})
    assert responses(dispatcher) == ["utter_not_my_appointment"]
    # ...and asked again with no list just shown, the list
    dispatcher = CollectingDispatcher()
    tracker = make_tracker(text, intent="check_appointment", slots=emily)
    ActionShowAppointments().run(dispatcher, tracker, {})
    assert responses(dispatcher) == ["utter_upcoming_appointments"]


def test_a_look_up_that_names_days_says_what_falls_on_them(
    fhir_env: FhirServer, two_booked: dict[str, Any]
) -> None:
    """ "do i have anything tomorrow" got the whole list, with no word of tomorrow."""
    clinic = get_clinic()
    items = load_appointments(two_booked["patient_id"], clinic)
    day = datetime.fromisoformat(items[0]["start"]).date()
    tomorrow = clinic.now().date() + timedelta(days=1)
    assert day != tomorrow
    sentences = [f"- {appointment_sentence(i, clinic, 'your')}" for i in items]

    def shown(text: str) -> dict[str, Any]:
        dispatcher = CollectingDispatcher()
        tracker = make_tracker(text, intent="check_appointment", slots=two_booked)
        ActionShowAppointments().run(dispatcher, tracker, {})
        [message] = dispatcher.messages
        return message

    nothing = shown("do i have anything tomorrow")
    assert nothing["response"] == "utter_nothing_booked_then"
    assert (nothing["have"], nothing["when"]) == ("You have", day_label(tomorrow))
    assert nothing["appointments"].splitlines() == sentences
    # the day they are on: both, as a plain list
    on_the_day = f"do i have an appt on {day:%B} {day.day}"
    assert shown(on_the_day)["response"] == "utter_upcoming_appointments"
    # no day named, or only a time of day: the plain list
    assert shown("when is my appointment")["response"] == "utter_upcoming_appointments"
    assert shown("is my appt in the morning")["response"] == "utter_upcoming_appointments"
    # ...and a third one on another day: that day's apart from the rest
    client = fhir_env.client()
    [offer] = client.find_free_slots(
        clinic.now(), datetime.combine(day, time(0), tzinfo=clinic.tz), "patel", limit=1
    )
    client.book(two_booked["patient_id"], offer.id, "follow_up")
    third = [i for i in load_appointments(two_booked["patient_id"], clinic) if i not in items]
    split = shown(f"anything on {day:%B} {day.day}?")
    assert split["response"] == "utter_appointments_then"
    assert split["appointments"].splitlines() == sentences
    assert split["others"] == f"- {appointment_sentence(third[0], clinic, 'your')}"


def test_a_request_about_someone_else_checks_that_person_first(fhir_env: FhirServer) -> None:
    emily = verified_as("Emily Johnson", "04/12/1988")
    slots, said = start_form(
        ValidateCheckForm(), "when is my husband's next appointment", "check_appointment", emily
    )
    assert [(m["response"], m.get("person"), m.get("patient_name")) for m in said] == [
        ("utter_other_person", "your husband", "Emily Johnson")
    ]
    assert slots["verified"] is False
    assert slots["patient_id"] is None and slots["patient_name"] is None
    assert slots["requested_slot"] == "verify_name"
    # Booking for her daughter starts with "have you been here before?", for the daughter.
    slots, said = start_form(
        ValidateBookingForm(), "can I book my daughter a checkup", "book_appointment", emily
    )
    assert [m["response"] for m in said] == ["utter_other_person"]
    assert slots["verified"] is False and slots["requested_slot"] == "patient_status"


def test_the_writers_own_account_after_an_adult_relatives(fhir_env: FhirServer) -> None:
    # "how much does my mom owe, mary ann o'brien 7/19/64" - "ok and what do i owe" showed the
    # mother's $120 again: the writer's own account is checked first, as after a child's.
    mom = {**verified_as("Mary Ann O'Brien", "07/19/1964"), "patient_is_relative": True}
    for form, text, intent in (
        (ValidateBalanceForm(), "ok and what do i owe", "billing_balance"),
        (ValidateCheckForm(), "and my appointments?", "check_appointment"),
        (ValidateBookingForm(), "what about me i need a flu shot", "book_appointment"),
        (ValidateBookingForm(), "me too pls", "book_appointment"),
    ):
        slots, said = start_form(form, text, intent, mom)
        assert [(m["response"], m.get("person")) for m in said] == [
            ("utter_other_person", "your own account")
        ], text
        assert slots["verified"] is False and slots["patient_name"] is None, text
    # ...and "what does she owe" is still the mother's
    slots, said = start_form(ValidateBalanceForm(), "what does she owe", "billing_balance", mom)
    assert said == [] and "verified" not in slots
    # "i'm her son, what do i owe": the writer
    slots, said = start_form(
        ValidateBalanceForm(), "im her son, what do i owe", "billing_balance", mom
    )
    assert [m.get("person") for m in said] == ["your own account"]


def test_a_bare_name_replayed_as_the_request_is_the_patients(fhir_env: FhirServer) -> None:
    # "can i do a payment plan" - "Carlos Rivera" (replayed as billing_balance): the name was
    # asked for again, and the birth date that followed got "Could you give me the full name?"
    slots, said = start_form(ValidateBalanceForm(), "Carlos Rivera", "billing_balance", {})
    assert said == []
    assert slots["verify_name"] == "Carlos Rivera" and slots["requested_slot"] == "verify_dob"
    # a clinician's name is no patient's
    slots, _ = start_form(ValidateBalanceForm(), "Sam Lee", "billing_balance", {})
    assert slots.get("verify_name") is None


def test_another_person_asked_about_by_name_is_checked_first(fhir_env: FhirServer) -> None:
    # "what about Aisha Khan, when is she coming in?" showed Emily's appointments.
    emily = verified_as("Emily Johnson", "04/12/1988")
    slots, said = start_form(
        ValidateCheckForm(),
        "what about Aisha Khan, when is she coming in?",
        "check_appointment",
        emily,
    )
    assert [(m["response"], m.get("person")) for m in said] == [
        ("utter_other_person", "Aisha Khan")
    ]
    assert slots["verified"] is False and slots["verify_name"] == "Aisha Khan"
    assert slots["requested_slot"] == "verify_dob"
    # her own name, or a clinician's, is no one else
    for text in ("and what about Emily Johnson?", "what about Dr Patel, is she in?"):
        slots, said = start_form(ValidateCheckForm(), text, "check_appointment", emily)
        assert said == [], text
    # typed in lower case ("what about carlos rivera" repeated Emily's balance); a test is no one
    slots, said = start_form(
        ValidateBalanceForm(), "what about carlos rivera?", "billing_balance", emily
    )
    assert [(m["response"], m.get("person")) for m in said] == [
        ("utter_other_person", "Carlos Rivera")
    ]
    assert slots["verified"] is False and slots["requested_slot"] == "verify_dob"
    for text in ("what about blood work", "how about next week", "what about emily johnson"):
        slots, said = start_form(ValidateCheckForm(), text, "check_appointment", emily)
        assert said == [], text


@pytest.mark.parametrize(
    ("before", "text", "name"),
    [
        # Emily's balance was shown to him
        (
            None,
            "oh wait sorry this is actually carlos rivera typing, whats my balance",
            "carlos rivera",
        ),
        (None, "ok my husband is taking over the phone now. hi, what do i owe?", None),
        # said on its own, and then asked: Emily's appointments were shown ("Thank you, Emily")
        ("this is Carlos Rivera now", "what do i owe", "Carlos Rivera"),
        ("my wife is typing now", "what do i owe", None),
        # her own check, then her husband with a request: "your annual physical" to him
        (None, "this is her husband, when is her appt", None),
    ],
)
def test_someone_else_writing_now_is_asked_for_their_own_details(
    fhir_env: FhirServer, before: str | None, text: str, name: str | None
) -> None:
    emily = verified_as("Emily Johnson", "04/12/1988")
    # (kept to go back to with "and mine?": not for the one writing now)
    emily["previous_patient"] = {"patient_id": "x", "patient_name": "Aisha Khan"}
    said_before = [
        {"event": "slot", "name": "verified", "value": True},
        {"event": "user", "text": before, "parse_data": {"text": before}},
        {"event": "bot", "text": "Thanks, Carlos. What can I help you with?"},
    ]
    dispatcher = CollectingDispatcher()
    tracker = make_tracker(
        text, intent="billing_balance", slots=emily, events=said_before if before else None
    )
    slots = slots_of(ValidateBalanceForm().run(dispatcher, tracker, {}))
    assert responses(dispatcher) == ["utter_new_writer"]
    assert slots["verified"] is False and slots["patient_id"] is None
    assert slots["previous_patient"] is None
    assert slots.get("verify_name") == name
    assert slots["requested_slot"] == ("verify_dob" if name else "verify_name")
    # the patient's own words are no one new, nor a parent who checked their child
    liam = verified_as("Liam Nguyen", "06/05/2017")
    dispatcher = CollectingDispatcher()
    tracker = make_tracker("im his mom, whats his balance", "billing_balance", slots=liam)
    ValidateBalanceForm().run(dispatcher, tracker, {})
    assert "utter_new_writer" not in responses(dispatcher)
    emily = verified_as("Emily Johnson", "04/12/1988")
    for own in ("im running late now, whats my balance", "im typing on my phone, what do i owe"):
        dispatcher = CollectingDispatcher()
        tracker = make_tracker(own, "billing_balance", slots=emily)
        assert slots_of(ValidateBalanceForm().run(dispatcher, tracker, {})) == {
            "requested_slot": None
        }, own
        assert dispatcher.messages == [], own


def test_a_relatives_name_said_after_the_relation_is_kept(fhir_env: FhirServer) -> None:
    """ "my husband carlos rivera has a bill, how much": his name was asked for again."""
    text = "my husband carlos rivera has a bill, how much"
    slots, _ = start_form(ValidateBalanceForm(), text, "billing_balance", {})
    assert slots["verify_name"] == "carlos rivera" and slots["requested_slot"] == "verify_dob"
    # "my father robert miller died last week": asked about as "robert miller died", and his
    # right date of birth then failed the check
    text = "my father robert miller died last week. how do i close his account"
    slots, _ = start_form(ValidateBalanceForm(), text, "billing_balance", {})
    assert slots["verify_name"] == "robert miller"


def test_another_patients_balance_asked_in_lower_case_is_checked_first(
    fhir_env: FhirServer,
) -> None:
    # "and what does carlos rivera owe" after Emily's balance showed Emily's $85 again.
    emily = verified_as("Emily Johnson", "04/12/1988")
    slots, said = start_form(
        ValidateBalanceForm(), "and what does carlos rivera owe", "billing_balance", emily
    )
    assert [(m["response"], m["person"]) for m in said] == [("utter_other_person", "Carlos Rivera")]
    assert slots["verified"] is False and slots["requested_slot"] == "verify_dob"


def test_the_verified_patient_named_after_a_relation_is_no_one_else(fhir_env: FhirServer) -> None:
    """ "book my wife emily johnson a physical" after Emily's check: "Happy to help with your wife
    too. So far I've only checked Emily Johnson's details", and her details asked again."""
    emily = verified_as("Emily Johnson", "04/12/1988")
    text = "when is my wife emily johnson's appointment"
    slots, said = start_form(ValidateCheckForm(), text, "check_appointment", emily)
    assert said == [] and "verified" not in slots
    slots, said = start_form(
        ValidateCheckForm(), "when is my wife's appointment", "check_appointment", emily
    )
    assert [m["response"] for m in said] == ["utter_other_person"]


def test_a_parent_verified_as_the_child_may_say_my_son(fhir_env: FhirServer) -> None:
    liam = verified_as("Liam Nguyen", "06/05/2017")
    slots, said = start_form(
        ValidateCheckForm(), "when is my son's next appointment", "check_appointment", liam
    )
    assert said == []
    assert slots == {"requested_slot": None}
    # ... but his mother's appointments are hers.
    slots, said = start_form(ValidateCheckForm(), "and my wife's?", "check_appointment", liam)
    assert [m["response"] for m in said] == ["utter_other_person"]
    assert slots["requested_slot"] == "verify_name"
    # ... nor is another child, named or new (that booking went on Liam's record).
    for text in (
        "book my daughter Zoe, she's a new patient",
        "book my daughter Zoe a checkup",
        "and a new patient visit for my kid",
    ):
        slots, said = start_form(ValidateBookingForm(), text, "book_appointment", liam)
        assert [m["response"] for m in said][:1] == ["utter_other_person"], text
        assert slots["verified"] is False


@pytest.mark.parametrize(
    ("text", "switched", "name"),
    [
        # A parent who checked their child's details, asking for their own.
        ("and what do i owe? im his mom emily johnson", True, None),
        ("whats my balance", True, None),
        ("what do I owe? I'm his mom, Emily Johnson 04/12/1988", True, "Emily Johnson"),
        ("what do I owe? This is Emily Johnson", True, "Emily Johnson"),
        # Still about the child.
        ("do i have a balance too?", True, None),
        ("and me?", True, None),
        ("what do i owe? for me not him", True, None),
        ("mine, not liam's", True, None),
        ("and mine, same as him?", True, None),
        ("what does he owe", False, None),
        ("and Liam's balance?", False, None),
    ],
)
def test_a_parent_asking_for_their_own_bill_is_not_given_the_childs(
    fhir_env: FhirServer, text: str, switched: bool, name: str | None
) -> None:
    liam = verified_as("Liam Nguyen", "06/05/2017")
    slots, said = start_form(ValidateBalanceForm(), text, "billing_balance", liam)
    if not switched:
        assert said == [] and "verified" not in slots
        return
    assert said[0]["response"] == "utter_other_person"
    assert said[0]["patient_name"] == "Liam Nguyen"
    assert slots["verified"] in (False, True) and slots.get("patient_name") != "Liam Nguyen"
    if name is None:
        assert slots["verified"] is False and slots["requested_slot"] == "verify_name"
    elif "04/12/1988" in text:
        assert slots["verified"] is True and slots["patient_name"] == name  # checked at once
    else:
        assert slots["verify_name"] == name and slots["requested_slot"] == "verify_dob"


@pytest.mark.parametrize(
    "text",
    [
        "book me too please, new patient, sick visit saturday right after liam",
        "can you book me right after him? im his mom, new patient",
        "i need a checkup for me too, same day as him",
    ],
)
def test_a_parent_booking_for_themselves_after_the_child_is_checked_again(
    fhir_env: FhirServer, text: str
) -> None:
    """It was booked on Liam's record: "You're booked: Liam's new-patient visit"."""
    liam = verified_as("Liam Nguyen", "06/05/2017")
    slots, said = start_form(ValidateBookingForm(), text, "book_appointment", liam)
    assert said[0]["response"] == "utter_other_person" and said[0]["patient_name"] == "Liam Nguyen"
    assert slots["verified"] is False and slots.get("patient_id") is None


@pytest.mark.parametrize(
    "text", ["book him a flu shot too", "can liam get a flu shot with his checkup"]
)
def test_more_for_the_child_stays_with_the_child(fhir_env: FhirServer, text: str) -> None:
    liam = verified_as("Liam Nguyen", "06/05/2017")
    slots, said = start_form(ValidateBookingForm(), text, "book_appointment", liam)
    assert "utter_other_person" not in [m.get("response") for m in said]
    assert "verified" not in slots or slots["verified"] is True


def test_a_parent_of_a_verified_son_asking_for_a_daughter_checks_her(
    fhir_env: FhirServer,
) -> None:
    # Liam verified after "whens my sons appt": "book my daughter a flu shot" was booked for
    # Liam.
    asked = [{"event": "user", "text": "hey whens my sons appt"}]
    slots, _ = verify("06/05/2017", "verify_dob", {"verify_name": "Liam Nguyen"}, events=asked)
    assert slots["patient_relation"] == "son"
    liam = {k: slots[k] for k in ("verified", "patient_id", "patient_name", "patient_relation")}
    for text in ("and can u book my daughter a flu shot", "can i also book my other son a checkup"):
        new, said = start_form(ValidateBookingForm(), text, "book_appointment", liam)
        assert [m["response"] for m in said] == ["utter_other_person"], text
        assert new["verified"] is False and new["patient_relation"] is None
    # ... while "my boy" and "my kid" are still Liam.
    for text in ("when is my boy's appointment", "when is my kid's appointment"):
        new, said = start_form(ValidateCheckForm(), text, "check_appointment", liam)
        assert (new, said) == ({"requested_slot": None}, []), text


@pytest.mark.parametrize(
    ("text", "person"),
    [
        ("what's Emily's balance", "Emily"),
        ("whats carlos rivera's next appointment", "Carlos Rivera"),
        ("can you check Liam's bill too", "Liam"),
        # Not another person: the patient's own name, a clinician, a day.
        ("what's Aisha's balance", None),
        ("when is Dr. Patel's appointment", None),
        ("is today's appointment still on", None),
    ],
)
def test_another_person_asked_about_by_name(text: str, person: str | None) -> None:
    aisha = {"verified": True, "patient_id": "p-aisha", "patient_name": "Aisha Khan"}
    slots, said = start_form(ValidateCheckForm(), text, "check_appointment", aisha)
    if person is None:
        assert said == [] and "verified" not in slots
    else:
        assert [(m["response"], m["person"]) for m in said] == [("utter_other_person", person)]
        assert slots["verified"] is False


def test_booking_checks_a_name_and_birth_date_given_with_the_request(
    fhir_env: FhirServer,
) -> None:
    # A returning patient is verified at once (the birth date was asked again at the end, and
    # an adult was offered the pediatrician meanwhile)...
    slots, said = start_form(
        ValidateBookingForm(), "book a physical. Emily Johnson 04/12/1988", "book_appointment", {}
    )
    assert slots["verified"] is True and slots["patient_status"] == "returning"
    assert responses_of(said) == ["utter_verified"]
    # ...while someone with no record (maybe new) keeps the name, and nothing is said yet.
    slots, said = start_form(
        ValidateBookingForm(), "book a physical. Jordan Ellis 03/03/1990", "book_appointment", {}
    )
    assert slots["verify_name"] == "Jordan Ellis" and "verify_dob" not in slots
    assert "verified" not in slots and said == []


def test_a_number_picks_a_suggested_day(monkeypatch: pytest.MonkeyPatch) -> None:
    # "3" at "What day or time works best?" got "Sorry, I didn't catch a day".
    tuesday = datetime(2026, 12, 1, 10, 0, tzinfo=get_clinic().tz)
    monkeypatch.setattr(ClinicConfig, "now", lambda self: tuesday)
    domain_file = Path(__file__).resolve().parents[2] / "domain" / "appointments.yml"
    domain = yaml.safe_load(domain_file.read_text(encoding="utf-8"))
    [ask] = domain["responses"]["utter_ask_date_preference"]
    assert [b["payload"] for b in ask["buttons"]] == DATE_SUGGESTIONS
    for text, day in (("3", "next week"), ("1", "as soon as possible")):
        found = read_search_details(text, [], get_clinic(), "date_preference")
        assert found["date_preference"] == day


@pytest.mark.parametrize("day", [5, 6])  # Saturday 5, Sunday 6 December 2026
def test_the_day_question_on_a_weekend_offers_two_different_weeks(
    monkeypatch: pytest.MonkeyPatch, day: int
) -> None:
    # Asked on a Sunday, "This week" and "Next week" both gave the week starting the next day.
    weekend = datetime(2026, 12, day, 10, 0, tzinfo=get_clinic().tz)
    monkeypatch.setattr(ClinicConfig, "now", lambda self: weekend)
    dispatcher = CollectingDispatcher()
    tracker = make_tracker("book a physical", active_loop="booking_form")
    assert ActionAskDatePreference().run(dispatcher, tracker, {}) == []
    assert responses(dispatcher) == ["utter_ask_date_preference_weekend"]
    domain_file = Path(__file__).resolve().parents[2] / "domain" / "appointments.yml"
    domain = yaml.safe_load(domain_file.read_text(encoding="utf-8"))
    [ask] = domain["responses"]["utter_ask_date_preference_weekend"]
    payloads = [b["payload"] for b in ask["buttons"]]
    assert payloads == WEEKEND_DATE_SUGGESTIONS
    weeks = [parse_when(p, weekend) for p in payloads[1:]]
    assert weeks[0].start == date(2026, 12, 7) and weeks[1].start == date(2026, 12, 14)
    # ...and a typed "3" is the third of these buttons
    found = read_search_details("3", [], get_clinic(), "date_preference")
    assert found["date_preference"] == "the week after next"
    # ...and so is its title typed when booking ("I didn't catch a day there")...
    found = read_search_details("The week after", [], get_clinic(), "date_preference")
    assert found["date_preference"] == "the week after next"
    # ...not "the week after" when rescheduling (the appointment's own week moved)
    found = read_search_details("the week after", [], get_clinic(), "date_preference", moving=True)
    assert found.get("date_preference") != "the week after next"


def test_the_day_question_on_a_weekday_keeps_this_and_next_week(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    friday = datetime(2026, 12, 4, 16, 0, tzinfo=get_clinic().tz)
    monkeypatch.setattr(ClinicConfig, "now", lambda self: friday)
    dispatcher = CollectingDispatcher()
    ActionAskDatePreference().run(dispatcher, make_tracker("book a physical"), {})
    assert responses(dispatcher) == ["utter_ask_date_preference"]


def test_the_earliest_at_who_or_where_is_anyone_soonest() -> None:
    # "the earliest you have" at "which office?" kept the first office; "whats soonest" at
    # "who would you like to see?" got the question again
    asked = (("location", "the earliest you have"), ("practitioner", "whats soonest"))
    for requested, text in asked:
        found = read_search_details(text, [], get_clinic(), requested)
        assert found[requested] == "any" and found["date_preference"] == text
    found = read_search_details("earliest with dr patel", [], get_clinic(), "practitioner")
    assert found["practitioner"] == "patel"


def test_the_earliest_at_who_is_wherever_too_unless_an_office_was_chosen() -> None:
    # "the earliest" at "Who would you like to see?" got "Which office suits you best?" next
    asking = {"patient_status": "returning", "visit_type": "follow_up"}
    events, _ = run_booking("the earliest", slots={**asking, "requested_slot": "practitioner"})
    slots = slots_of(events)
    assert (slots["practitioner"], slots["location"]) == ("any", "any")
    assert slots["requested_slot"] == "slot_choice"
    chosen = {**asking, "location": "north", "requested_slot": "practitioner"}
    events, _ = run_booking("the earliest", slots=chosen)
    assert "location" not in slots_of(events)


def test_a_bare_clock_time_at_the_day_question() -> None:
    # "330" at "What day or time works best?" got "Sorry, I didn't catch a day there"
    found = read_search_details("330", [], get_clinic(), "date_preference")
    when = parse_when(found["date_preference"], get_clinic().now())
    assert when is not None and when.not_before == time(14, 30)
    # ...not at another question ("3" picks the third option there)
    assert "date_preference" not in read_search_details("330", [], get_clinic(), "location")


def test_any_day_is_the_soonest() -> None:
    # "any" at "What day or time works best?" got "Sorry, I didn't catch a day there".
    for text in ("any", "whatever", "Either is fine", "doesnt matter"):
        found = read_search_details(text, [], get_clinic(), "date_preference")
        assert found["date_preference"] == "as soon as possible", text
    # ...but a day said with it is that day, and "any" at the clinician question says no day
    found = read_search_details("any day next week", [], get_clinic(), "date_preference")
    assert found["date_preference"] == "any day next week"
    assert "date_preference" not in read_search_details("any", [], get_clinic(), "practitioner")


@pytest.mark.parametrize("text", ["idk", "not sure", "i dont know tbh", "no idea"])
def test_a_doubt_alone_at_who_where_or_when_is_no_preference(text: str) -> None:
    # "idk" at "Who would you like to see?": "Sorry, that's not something I can help with"
    clinic = get_clinic()
    assert read_search_details(text, [], clinic, "practitioner") == {"practitioner": "any"}
    assert read_search_details(text, [], clinic, "location") == {"location": "any"}
    found = read_search_details(text, [], clinic, "date_preference")
    assert found == {"date_preference": "as soon as possible"}
    # ...not a doubt with a question ("im not sure yet. where do i park")
    assert read_search_details("not sure yet, where do i park", [], clinic, "location") == {}
    # ...and the form reads it, though the model reads it as out of scope (1.0)
    asking = {"visit_type": "physical", "patient_status": "returning"}
    tracker = make_tracker(
        text,
        intent="out_of_scope",
        confidence=1.0,
        slots={**asking, "requested_slot": "practitioner"},
        active_loop="booking_form",
    )
    assert not ValidateBookingForm().should_let_through(tracker)
    events = ValidateBookingForm().run(CollectingDispatcher(), tracker, {})
    assert SlotSet("practitioner", "any") in events


def test_my_own_appointments_stay_mine(fhir_env: FhirServer) -> None:
    emily = verified_as("Emily Johnson", "04/12/1988")
    slots, said = start_form(
        ValidateCheckForm(), "when is my next appointment", "check_appointment", emily
    )
    assert (slots, said) == ({"requested_slot": None}, [])


def _week_shown() -> date:
    """The Monday of the times shown below: next month, on the 7th to the 13th, so that no day
    shown is a 1st to 3rd ("the 2nd" is a pick by number) and all stay ahead of today (fixed
    December dates failed once they had gone by)."""
    seventh = datetime.fromisoformat(next_month_on(7, 0)).date()
    return seventh + timedelta(days=-seventh.weekday() % 7)


MON = _week_shown()
TUE, WED = MON + timedelta(days=1), MON + timedelta(days=2)


def _shown(key: str, day: date, clock: time) -> dict[str, str]:
    start = datetime.combine(day, clock, get_clinic().tz).isoformat()
    return {"id": key, "start": start, "practitioner": "lee", "location": "north"}


SHOWN = [_shown("mon", MON, time(8)), _shown("tue", TUE, time(7, 30)), _shown("wed", WED, time(8))]
# How the bot writes Tuesday ("Tue Dec 8") and how a patient types it ("dec 8").
TUE_LABEL = f"Tue {TUE:%b} {TUE.day}"
TUE_TYPED = f"{TUE:%b} {TUE.day}".lower()


@pytest.mark.parametrize(
    ("text", "picked"),
    [
        # The day of one shown is that one, not this week's Tuesday (was a new search).
        ("tuesday", "tue"),
        ("tues 7:30 works", "tue"),
        ("wednesday at 8 is good", "wed"),
        ("the 7:30", "tue"),
        # Asking for other times is a new search.
        ("anything tuesday afternoon instead?", None),
        ("tuesday at 9", None),  # no such time shown
    ],
)
def test_a_time_shown_is_picked_by_its_day_or_time(text: str, picked: str | None) -> None:
    slots = {**READY, "offered_slots": SHOWN, "requested_slot": "slot_choice"}
    events, _ = run_booking(text, slots=slots)
    found = slots_of(events)
    assert found.get("slot_choice") == picked
    if picked:
        assert "date_preference" not in found
    else:
        assert found["date_preference"]


MIXED = [
    {**SHOWN[0], "practitioner": "patel", "location": "downtown"},
    SHOWN[1],
    {**SHOWN[2], "practitioner": "patel", "location": "downtown"},
]


@pytest.mark.parametrize(
    ("text", "picked"),
    [
        # one of Sam Lee's times shown among Dr. Patel's: "the sam lee one" searched his again
        ("the sam lee one", "tue"),
        ("sam lee please", "tue"),
        # two of hers: which one is not clear; asking for others is a new search
        ("the patel one", None),
        ("anything else with sam lee?", None),
    ],
)
def test_the_one_time_shown_with_a_clinician_is_picked_by_their_name(
    text: str, picked: str | None
) -> None:
    slots = {**READY, "offered_slots": MIXED, "requested_slot": "slot_choice"}
    events, _ = run_booking(text, slots=slots)
    found = slots_of(events)
    assert found.get("slot_choice") == picked
    if picked:
        assert "practitioner" not in found and "date_preference" not in found


def test_a_time_of_day_alone_keeps_the_days_asked_for() -> None:
    # "anything after 3?" about Thursday's openings searched the next two weeks.
    slots = {
        **READY,
        "date_preference": "thursday afternoon",
        "offered_slots": SHOWN,
        "requested_slot": "slot_choice",
    }
    events, _ = run_booking("anything after 3?", slots=slots)
    when = parse_when(slots_of(events)["date_preference"], get_clinic().now())
    assert when is not None and when.start == when.end and when.start.weekday() == 3
    assert when.not_before is not None and when.not_before.hour == 15


def test_a_birth_date_with_the_request_is_not_when_to_come() -> None:
    text = "need to resched my womens health appt w dr gonzalez, aisha khan 1/22/92"
    # ...whether or not the model tags it as a date (it was read as Jan 22, 2092).
    for entities in ([], [{"entity": "date", "value": "1/22/92"}]):
        found = read_search_details(text, entities, get_clinic(), None)
        assert "date_preference" not in found and found["practitioner"] == "gonzalez"
    # A date of next year written short is still when to come.
    next_year = (get_clinic().now().year + 1) % 100
    found = read_search_details(f"can I come 1/5/{next_year:02d}", [], get_clinic(), None)
    assert found["date_preference"]


@pytest.mark.parametrize(
    ("text", "answered"),
    [
        # A symptom in answer to "what kind of visit?": a sick visit, not a nurse question
        # (which escalated and paused the chat in the middle of booking).
        ("i just have a bad cough, whatever type that is", True),
        ("my knee hurts", True),
        # A question for the nurses still goes to them.
        ("should i give him tylenol for the fever in the meantime?", False),
    ],
)
def test_a_symptom_answering_the_visit_question(text: str, answered: bool) -> None:
    slots = {"patient_status": "returning", "requested_slot": "visit_type"}
    events, dispatcher = run_booking(text, intent="medical_advice", slots=slots)
    if answered:
        assert slots_of(events)["visit_type"] == "sick"
    else:
        assert events == [] and dispatcher.messages == []


@pytest.mark.parametrize(
    ("text", "visit", "said"),
    [
        # Out of scope to the model; "Sorry, that's not something I can help with" and the same
        # question again.
        ("idk its my knee", "sick", "utter_visit_type_for_symptoms"),
        ("idk", None, "utter_visit_type_help"),
    ],
)
def test_a_body_part_or_idk_read_as_out_of_scope_answers_the_visit_question(
    text: str, visit: str | None, said: str
) -> None:
    slots = {"patient_status": "returning", "requested_slot": "visit_type"}
    events, dispatcher = run_booking(text, intent="out_of_scope", slots=slots)
    assert slots_of(events)["visit_type"] == visit
    assert responses(dispatcher) == [said]


@pytest.mark.parametrize("text", ["no preference", "either", "whatever"])
def test_no_preference_of_visit_gets_help_choosing_and_is_no_day(text: str) -> None:
    # "do you have evening appointments" ... "no preference" at "What kind of visit?": "Got it,
    # I'll look at Sat Dec 5 to Sat Dec 19 (evening) instead", and the same question
    slots = {
        "patient_status": "returning",
        "date_preference": "do you have evening appointments",
        "requested_slot": "visit_type",
    }
    events, dispatcher = run_booking(text, slots=slots)
    assert "date_preference" not in slots_of(events)
    assert slots_of(events)["visit_type"] is None
    assert responses(dispatcher) == ["utter_visit_type_help"]


@pytest.mark.parametrize("requested", ["practitioner", "location"])
@pytest.mark.parametrize("text", ["no we're both new", "no, we are both new patients"])
def test_both_new_is_heard_not_no_preference(text: str, requested: str) -> None:
    # "a new patient appointment for me and my wife" - "Who would you like to see?" - "no we're
    # both new": anyone (its "no", and "both"), and the office question came next
    slots = {"patient_status": "new", "visit_type": "new_patient", "requested_slot": requested}
    if requested == "location":
        slots["practitioner"] = "patel"
    events, dispatcher = run_booking(text, intent="deny", slots=slots)
    assert slots_of(events) == {requested: None, "requested_slot": requested}
    assert responses(dispatcher) == ["utter_identity_noted"]
    # a plain no, or "both" of the options, is still no preference
    for said, intent in (("no", "deny"), ("both are fine", "inform")):
        events, _ = run_booking(said, intent=intent, slots=slots)
        assert slots_of(events)[requested] == "any"


def test_no_preference_at_been_here_before_is_no_day() -> None:
    # "... my knee" - "Have you been seen here before?" - "no preference": "Thanks, I'll look
    # at Sun Dec 6 to Sun Dec 20" (today, closed, among them), and the day was never asked
    events, dispatcher = run_booking(
        "no preference", slots={"visit_type": "sick", "requested_slot": "patient_status"}
    )
    found = slots_of(events)
    assert "date_preference" not in found
    assert found["patient_status"] == "returning"  # looked up; no record offers "New patient"
    assert "utter_day_noted" not in responses(dispatcher)


def test_a_new_patient_naming_another_visit_later_hears_why_and_the_question_again() -> None:
    # "im new, want to become a patient" - "physical" at "Who would you like to see?": "Please
    # tap one of the options", and nothing said of the physical.
    slots = {"patient_status": "new", "visit_type": "new_patient", "requested_slot": "practitioner"}
    events, dispatcher = run_booking("physical", slots=slots)
    assert slots_of(events) == {"visit_type": "new_patient", "requested_slot": "practitioner"}
    [message] = dispatcher.messages
    assert message["response"] == "utter_new_patient_visit_first"
    assert message["a_visit"] == "an annual physical"


def test_a_new_patient_asking_for_another_visit_at_once_hears_why() -> None:
    # "im a new patient and need a physical": the new-patient visit, without a word
    events, dispatcher = run_booking(
        "im a new patient and need a physical", intent="book_appointment"
    )
    found = slots_of(events)
    assert (found["patient_status"], found["visit_type"]) == ("new", "new_patient")
    assert found["requested_slot"] == "practitioner"
    assert responses(dispatcher) == ["utter_new_patient_visit_first"]


def test_a_new_patient_asking_to_join_is_welcomed_before_the_first_question() -> None:
    # "hi im new to the area and looking for a family doctor": "Who would you like to see?"
    # and nothing else
    events, dispatcher = run_booking(
        "hi im new to the area and looking for a family doctor", intent="book_appointment"
    )
    found = slots_of(events)
    assert (found["patient_status"], found["visit_type"]) == ("new", "new_patient")
    [message] = dispatcher.messages
    assert (message["response"], message["first_visit"]) == (
        "utter_new_patient_welcome",
        "new-patient visit",
    )
    # ...once: "no, I'm new" at the question later is no new request
    slots = {"requested_slot": "patient_status"}
    _, dispatcher = run_booking("no, I'm new", intent="deny", slots=slots)
    assert "utter_new_patient_welcome" not in responses(dispatcher)


def test_a_new_relative_is_welcomed_as_the_relative() -> None:
    # "My daughter Zoe Park (born 3/4/2019) is new here": "Your first visit here is ..."
    events, dispatcher = run_booking(
        "My daughter Zoe Park (born 3/4/2019) is new here, she needs a well check",
        intent="book_appointment",
    )
    assert slots_of(events)["patient_status"] == "new"
    [message] = dispatcher.messages
    assert (message["response"], message["person"], message["their"]) == (
        "utter_new_patient_welcome_for",
        "daughter",
        "Her",
    )


def test_a_new_patient_hears_why_a_new_patient_visit_is_booked() -> None:
    # A women's health exam asked for, then "I'm new": the new-patient visit, without a word.
    slots = {"visit_type": "womens_health", "requested_slot": "patient_status"}
    events, dispatcher = run_booking("no, I'm new", intent="deny", slots=slots)
    assert slots_of(events)["visit_type"] == "new_patient"
    [message] = dispatcher.messages
    assert message["response"] == "utter_new_patient_visit_first"
    assert (message["a_visit"], message["first_visit"]) == (
        "a women's health exam",
        "new-patient visit",
    )


def test_the_visit_asked_again_by_a_new_patient_is_answered_briefly() -> None:
    # "physical" typed again at "Who would you like to see?" got "Welcome! New patients start
    # with a new-patient visit ..." word for word, every time
    slots = {"patient_status": "new", "visit_type": "new_patient", "requested_slot": "practitioner"}
    told = [
        {"event": "active_loop", "name": "booking_form"},
        {
            "event": "bot",
            "text": "Welcome! New patients start with a new-patient visit ...",
            "metadata": {"utter_action": "utter_new_patient_visit_first"},
        },
    ]
    _, dispatcher = run_booking("physical", slots=slots, events=told)
    assert responses(dispatcher)[:1] == ["utter_new_patient_visit_again"]
    _, first = run_booking("physical", slots=slots)
    assert responses(first)[:1] == ["utter_new_patient_visit_first"]


def test_a_name_in_answer_to_seen_before_is_kept_not_refused() -> None:
    # "Have you been seen here before?" - "Liam Nguyen" got "Please tap one of the options".
    events, dispatcher = run_booking(
        "Liam Nguyen", slots={"visit_type": "well_child", "requested_slot": "patient_status"}
    )
    found = slots_of(events)
    assert (found["verify_name"], found["requested_slot"]) == ("Liam Nguyen", "patient_status")
    assert dispatcher.messages == []


def test_the_writers_own_request_before_one_for_their_son_uses_their_name(
    fhir_env: FhirServer,
) -> None:
    # "asked for her full name, which she just gave": "my son" anywhere blocked the writer's.
    text = "Hi, I'm Emily Johnson, born April 12 1988. What's my balance and what does my son owe?"
    slots, said = start_form(ValidateBalanceForm(), text, "billing_balance", {"verified": False})
    assert slots["verified"] is True and slots["patient_name"] == "Emily Johnson"
    assert slots["pending_request"] == {"intent": "billing_balance", "text": "what does my son owe"}
    # ...while a request only about the son is not hers.
    text = "Hi, this is Emily Johnson, when is my son's appointment?"
    slots, said = start_form(ValidateCheckForm(), text, "check_appointment", {"verified": False})
    assert "verify_name" not in slots and said == []


@pytest.mark.parametrize(
    ("text", "stops"),
    [
        # A question misread as booking ("is that overdue??"), then the patient says so: was
        # "Please tap one of the options" again and again.
        ("no i dont want to book anything", True),
        ("I didn't ask to book", True),
        ("dont want to book with patel, anyone else?", False),  # a correction
    ],
)
def test_not_wanting_to_book_stops_the_booking(text: str, stops: bool) -> None:
    slots = {"patient_status": "returning", "requested_slot": "visit_type"}
    events, dispatcher = run_booking(text, intent="deny", slots=slots)
    found = slots_of(events)
    if stops:
        assert responses(dispatcher) == ["utter_stopped"]
        assert found["booking_confirmed"] is False and found["requested_slot"] is None
    else:
        assert "utter_stopped" not in responses(dispatcher)


@pytest.mark.parametrize(
    ("text", "through"),
    [
        # got the directions card, and the same North times again
        ("no, the downtown office is fine", False),
        ("no i need downtown. any time on wednesday?", False),
        ("where is the downtown office?", True),  # the way there: answered, then back
    ],
)
def test_an_office_named_mid_booking_changes_the_office(text: str, through: bool) -> None:
    slots = {**READY, "verified": True, "requested_slot": "slot_choice"}
    tracker = make_tracker(
        text, intent="directions", confidence=0.9, active_loop="booking_form", slots=slots
    )
    assert ValidateBookingForm().should_let_through(tracker) is through
    if not through:
        events, _ = run_booking(text, intent="directions", confidence=0.9, slots=slots)
        assert slots_of(events)["location"] == "downtown"


def test_a_visit_type_corrected_mid_booking_is_no_billing_dispute() -> None:
    # "the visit type is wrong. vaccination" went to billing staff, and the chat paused
    slots = {**READY, "verified": True, "requested_slot": "slot_choice"}
    text = "the visit type is wrong. vaccination"
    tracker = make_tracker(
        text, intent="billing_dispute", confidence=0.63, active_loop="booking_form", slots=slots
    )
    assert not ValidateBookingForm().should_let_through(tracker)
    events, _ = run_booking(text, intent="billing_dispute", confidence=0.63, slots=slots)
    assert slots_of(events)["visit_type"] == "vaccination"
    tracker = make_tracker(
        "I was charged for the wrong visit type",
        intent="billing_dispute",
        active_loop="booking_form",
        slots=slots,
    )
    assert ValidateBookingForm().should_let_through(tracker)


def test_a_question_read_as_a_complaint_mid_booking_stays_in_the_booking() -> None:
    # Was handed to staff as a complaint, and the chat paused, at "Shall I book it?".
    slots = {**READY, "verified": True, "slot_choice": "s1", "requested_slot": "booking_confirmed"}
    text = "actually wait, doesn't he already have a checkup coming up?"
    tracker = make_tracker(
        text, intent="complaint", confidence=0.61, active_loop="booking_form", slots=slots
    )
    assert not ValidateBookingForm().should_let_through(tracker)
    tracker = make_tracker(
        "the front desk was so rude to me",
        intent="complaint",
        confidence=0.61,
        active_loop="booking_form",
        slots=slots,
    )
    assert ValidateBookingForm().should_let_through(tracker)
    # Read as a complaint at 0.96 (the "wait"), it paused the chat at "which day?".
    searching = {**slots, "requested_slot": "slot_choice"}
    tracker = make_tracker(
        "no wait, the north office",
        intent="complaint",
        confidence=0.96,
        active_loop="booking_form",
        slots=searching,
    )
    assert not ValidateBookingForm().should_let_through(tracker)


@pytest.mark.parametrize(
    ("text", "picked"),
    [
        # "dec 8 at 3pm" was booked at Tue Dec 8, 8:00 (the "8" read as a time).
        (f"{TUE_TYPED} at 3pm", None),
        ("wednesday at 8", "wed"),
        ("i said 8", None),  # Monday's and Wednesday's 8:00: which one is not clear
        ("the 7:30", "tue"),
        # "the tuesday one but in the afternoon?" booked Tuesday's 8:00am
        ("the tuesday one but in the afternoon?", None),
        ("the tuesday one, morning is good", "tue"),
        # "the 2nd" searched Wed Dec 2, outside the week asked for: no time shown is on a 2nd
        ("the 2nd", "tue"),
        ("3rd", "wed"),
        (f"the {TUE.day}th", None),  # a day shown: searched as that day (its times are listed)
        # a time not shown, typed as a button's label, was booked as that day's time shown
        (f"{TUE_LABEL}, 11:00am · Sam Lee, NP · North Office", None),
        (f"{TUE_LABEL}, 7:30am · Sam Lee, NP · North Office", "tue"),
        ("wed 9am", None),
        # a weekday with a time shown on another day ("ok friday at 5:30 then", Monday's 5:30
        # shown) was confirmed as that other day's
        ("ok friday at 7:30 then", None),
        ("hmm or monday at 7:30", None),
        ("tuesday at 7:30", "tue"),
        # a day ruled out is not the day picked ("not saturday either he has a game" was
        # confirmed as Saturday's time)
        ("not tuesday either he has a game", None),
        ("not tuesday, the wednesday one", "wed"),
    ],
)
def test_a_date_is_not_read_as_a_time_shown(text: str, picked: str | None) -> None:
    assert picked_offer(text, [], SHOWN, get_clinic()) == picked


@pytest.mark.parametrize(
    ("text", "when"),
    [
        # How long a symptom has lasted was read as when to come (a sick patient offered a week
        # out).
        ("ive had a bad cough for like a week and some fever", None),
        ("fever since monday", None),
        ("had it for 3 days, anything today?", "today"),
        ("for two weeks from now", "two weeks"),
    ],
)
def test_how_long_it_has_lasted_is_not_when_to_come(text: str, when: str | None) -> None:
    found = read_search_details(text, [], get_clinic(), "visit_type")
    assert (when in found["date_preference"]) if when else "date_preference" not in found


def test_scratch_that_make_it_downtown_changes_the_office() -> None:
    # Read as "stop": "No problem, I've stopped there", and the booking was gone.
    slots = {**READY, "requested_slot": "slot_choice"}
    tracker = make_tracker(
        "oh actually scratch that, make it downtown",
        intent="stop",
        active_loop="booking_form",
        slots=slots,
    )
    assert not ValidateBookingForm().should_let_through(tracker)
    events = ValidateBookingForm().run(CollectingDispatcher(), tracker, {})
    assert slots_of(events)["location"] == "downtown"
    stop = make_tracker("never mind", intent="stop", active_loop="booking_form", slots=slots)
    assert ValidateBookingForm().should_let_through(stop)
    north = make_tracker(
        "scratch that, the north office",
        intent="stop",
        active_loop="booking_form",
        slots={**slots, "location": "downtown"},
    )
    assert not ValidateBookingForm().should_let_through(north)
    assert slots_of(ValidateBookingForm().run(CollectingDispatcher(), north, {}))["location"] == (
        "north"
    )
    for text in ("scratch that", "scratch that, forget it"):
        stop = make_tracker(text, intent="stop", active_loop="booking_form", slots=slots)
        assert ValidateBookingForm().should_let_through(stop)


def test_cancel_it_after_a_booking_cancels_rather_than_stops() -> None:
    """ "actually can you cancel it" just after a booking was read as "stop": "Nothing was
    changed", and the appointment stayed booked. It now starts the cancel form (which names
    the appointment and asks before cancelling); inside a form it still stops the task."""
    booked = [
        {"event": "action", "name": "action_book_appointment"},
        {"event": "bot", "text": "You're booked: your physical on Fri Dec 11, 1:00pm."},
        {"event": "action", "name": "action_listen"},
    ]
    tracker = make_tracker(
        "actually can you cancel it", intent="stop", slots={"verified": True}, events=booked
    )
    dispatcher = CollectingDispatcher()
    events = ActionStop().run(dispatcher, tracker, {})
    assert dispatcher.messages == []
    assert [e["event"] for e in events] == ["action", "user"]
    assert events[1]["text"] == "actually can you cancel it"
    assert events[1]["parse_data"]["intent"] == {"name": "cancel_appointment", "confidence": 1.0}
    # ...and one named by its day ("What I confirmed earlier in this chat stays as it is")
    text = "no, actually cancel the tuesday one, i booked it twice by mistake"
    tracker = make_tracker(text, intent="stop", slots={"verified": True}, events=booked)
    events = ActionStop().run(CollectingDispatcher(), tracker, {})
    assert events[-1]["parse_data"]["intent"]["name"] == "cancel_appointment"
    # "cancel that" after the parking answer is a never mind (it asked who the patient was)
    parking = [
        {"event": "action", "name": "utter_parking"},
        {"event": "action", "name": "action_listen"},
    ]
    for text, replayed_as in (("cancel that", None), ("cancel my appointment", "cancel")):
        dispatcher = CollectingDispatcher()
        events = ActionStop().run(dispatcher, make_tracker(text, "stop", events=parking), {})
        if replayed_as is None:
            assert responses(dispatcher) == ["utter_stopped"], text
        else:
            assert events[-1]["parse_data"]["intent"]["name"] == "cancel_appointment", text
    inside = make_tracker("cancel it", intent="stop", active_loop="booking_form", slots=READY)
    dispatcher = CollectingDispatcher()
    events = ActionStop().run(dispatcher, inside, {})
    assert responses(dispatcher) == ["utter_stopped"]
    assert events[0] == {"event": "active_loop", "name": None, "timestamp": None}


def test_stopping_after_a_change_does_not_say_nothing_changed() -> None:
    """ "put it back to the original time" (read as "stop") just after a move got "Nothing
    was changed" while the move stood."""
    moved = [
        {"event": "action", "name": "action_reschedule_appointment"},
        {"event": "bot", "text": "All set: your physical is now on Fri Dec 11, 1:00pm."},
        {"event": "action", "name": "action_listen"},
    ]
    tracker = make_tracker("no, put it back to the original time", intent="stop", events=moved)
    dispatcher = CollectingDispatcher()
    ActionStop().run(dispatcher, tracker, {})
    assert responses(dispatcher) == ["utter_stopped_after_a_change"]
    dispatcher = CollectingDispatcher()
    ActionStop().run(dispatcher, make_tracker("never mind", intent="stop"), {})
    assert responses(dispatcher) == ["utter_stopped"]


def test_put_it_back_after_a_move_moves_it_back_to_the_old_time() -> None:
    """It was "What I confirmed earlier stays as it is", and the old time was for the patient
    to find again."""
    moved = [
        {"event": "action", "name": "action_reschedule_appointment"},
        {"event": "bot", "text": "All set: your physical is now on Fri Dec 11, 1:00pm."},
        {"event": "action", "name": "action_listen"},
    ]
    before = {"moved_from": "2026-12-08T10:00:00-08:00", "verified": True, "last_booked": "a2"}
    text = "no, put it back to the original time"
    dispatcher = CollectingDispatcher()
    events = ActionStop().run(
        dispatcher, make_tracker(text, intent="stop", events=moved, slots=before), {}
    )
    assert dispatcher.messages == []
    replayed = events[-1]
    assert replayed["parse_data"]["intent"]["name"] == "reschedule_appointment"
    assert replayed["text"] == "move it back to Tue Dec 8, 10:00am"
    # read as a move at once, that time is searched
    slots = {**MOVING, **before, "date_preference": None, "requested_slot": "date_preference"}
    for slot in ("slot_choice", "offered_slots"):
        slots[slot] = None
    tracker = make_tracker(
        text,
        intent="reschedule_appointment",
        events=moved,
        active_loop="reschedule_form",
        slots=slots,
    )
    changed = slots_of(ValidateRescheduleForm().run(CollectingDispatcher(), tracker, {}))
    assert changed["date_preference"].lower().startswith("tue dec 8")
    # a move back is only after a move
    dispatcher = CollectingDispatcher()
    ActionStop().run(dispatcher, make_tracker(text, intent="stop", slots=before), {})
    assert responses(dispatcher) == ["utter_stopped"]


CANCELLED = [
    {"event": "action", "name": "action_cancel_appointment"},
    {"event": "bot", "text": "Done: your physical on Wed Dec 9 is cancelled."},
    {"event": "action", "name": "action_listen"},
]


@pytest.mark.parametrize(
    ("text", "intent", "action"),
    [
        ("oops undo that", "stop", ActionStop),
        ("wait no i didnt mean that, keep it!!", "deny", ActionAnswerNo),
        # "Did you want to cancel an appointment?", and a yes went on to cancel the other one
        (
            "oh no wait i didnt mean to cancel it, can i get it back?",
            "nlu_fallback",
            ActionAskAffirmation,
        ),
        # "Did you want to tell us about a problem with your care or service?"
        ("wait no!! keep it, i clicked wrong", "complaint", ActionComplaint),
    ],
)
def test_undoing_a_cancellation_says_it_is_done_and_offers_a_new_time(
    text: str, intent: str, action: type
) -> None:
    # "OK. What I confirmed earlier in this chat stays as it is", or a complaint (paused chat)
    dispatcher = CollectingDispatcher()
    action().run(dispatcher, make_tracker(text, intent=intent, events=CANCELLED), {})
    assert responses(dispatcher) == ["utter_cancel_not_undone"]
    if action in (ActionAskAffirmation, ActionComplaint):
        return
    # with nothing cancelled, as before
    dispatcher = CollectingDispatcher()
    action().run(dispatcher, make_tracker(text, intent=intent), {})
    assert responses(dispatcher) == [
        "utter_stopped" if action is ActionStop else "utter_how_can_help"
    ]


def test_undoing_a_cancellation_in_the_booking_after_it_says_it_is_done() -> None:
    # [Book another time] after the cancellation, then "wait no, undo that! i didnt mean to
    # cancel": "No problem, I've stopped there. Nothing was changed." (it was cancelled)
    tracker = make_tracker(
        "wait no, undo that! i didnt mean to cancel",
        intent="stop",
        events=CANCELLED,
        active_loop="booking_form",
    )
    dispatcher = CollectingDispatcher()
    events = ActionStop().run(dispatcher, tracker, {})
    assert responses(dispatcher) == ["utter_cancel_not_undone"]
    assert events[0] == {"event": "active_loop", "name": None, "timestamp": None}


def test_an_appointment_is_picked_by_its_day_of_the_month() -> None:
    """ "the 7th" (of two listed) was read as a new booking; and "the physical on the 10th" with
    the physical on next month's 10th fitted nothing while this month's 10th was still ahead.
    A day of the month without a month fits that day in any month."""
    items = [
        {
            "id": "mon",
            "start": next_month_on(7, 12),
            "visit_type": "womens_health",
            "practitioner": "gonzalez",
            "location": "north",
        },
        {
            "id": "tue",
            "start": next_month_on(8, 15),
            "visit_type": "vaccination",
            "practitioner": "patel",
            "location": "north",
        },
        {
            "id": "later",
            "start": (datetime.fromisoformat(next_month_on(10, 9)) + timedelta(31)).isoformat(),
            "visit_type": "physical",
            "practitioner": "lee",
            "location": "north",
        },
    ]
    assert choice_by_description("the 7th", items, get_clinic()) == 0
    assert choice_by_description("the one on the 8th please", items, get_clinic()) == 1
    tenth = datetime.fromisoformat(items[2]["start"]).day
    assert choice_by_description(f"cancel the physical on the {tenth}th", items, get_clinic()) == 2


@pytest.mark.parametrize(
    ("text", "index"),
    [
        # the list came again ("cancel the 8am one" with two physicals on Dec 2)
        ("cancel the 8am one", 1),
        ("i need to cancel the one at 8", 1),
        ("the 7:30 one", 0),
        ("can you push the 7:30 one back an hour", 0),
        ("my 2 oclock", 2),
        ("cancel the 9am one", None),  # none then: the list
        ("the physical", None),  # two of them
    ],
)
def test_an_appointment_described_by_its_time(text: str, index: int | None) -> None:
    items = [
        {"start": "2026-12-02T07:30:00-08:00", "visit_type": "physical", "practitioner": "patel"},
        {"start": "2026-12-02T08:00:00-08:00", "visit_type": "physical", "practitioner": "patel"},
        {"start": "2026-12-03T14:00:00-08:00", "visit_type": "sick", "practitioner": "lee"},
    ]
    assert choice_by_description(text, items, get_clinic()) == index


def test_an_appointment_described_by_kind_and_day_is_not_a_pick_by_number() -> None:
    """ "the physical on the 2nd" with a physical and a sick visit on Dec 2 moved the sick visit
    (read as the second in the list). (Days ahead of today: a day of the month gone by is next
    month's, and this test once failed when Dec 2 passed.)"""
    clinic = get_clinic()
    day = clinic.now().date() + timedelta(days=3)
    later = day + timedelta(days=9)

    def at(when: date, clock: str) -> str:
        return f"{when.isoformat()}T{clock}:00"

    items = [
        {
            "id": "phys",
            "start": at(day, "07:30"),
            "visit_type": "physical",
            "practitioner": "patel",
            "location": "downtown",
        },
        {
            "id": "sick",
            "start": at(day, "08:30"),
            "visit_type": "sick",
            "practitioner": "patel",
            "location": "downtown",
        },
        {
            "id": "later",
            "start": at(later, "08:30"),
            "visit_type": "physical",
            "practitioner": "patel",
            "location": "downtown",
        },
    ]
    suffix = {1: "st", 2: "nd", 3: "rd", 21: "st", 22: "nd", 23: "rd", 31: "st"}.get(day.day, "th")
    form = ValidateRescheduleForm()
    slots = {"my_appointments": items}

    def picked(text: str) -> str | None:
        tracker = make_tracker(text, intent="inform", slots=slots)
        return form._read_appointment_choice(tracker, slots)

    assert picked(f"the physical on the {day.day}{suffix}") == "phys"
    assert picked("2") == "sick"
    assert picked("the 2nd one") == "sick"
    # two physicals: asked which
    assert picked("the physical") is None


@pytest.mark.parametrize(
    ("text", "previous", "weeks_later"),
    [
        # Next week's times shown; "tues w/ patel" searched this week's Tuesday.
        ("tues w/ patel", "next week", True),
        ("tuesday instead", "next week in the afternoon", True),
        ("next tuesday", "next week", False),  # said in full: its own meaning
    ],
)
def test_a_weekday_is_the_one_in_the_days_asked(
    text: str, previous: str, weeks_later: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A Monday: on a Tuesday "tues" is already next week's, and nothing is written in front.
    monday = datetime(2026, 11, 30, 10, 0, tzinfo=ZoneInfo("America/Los_Angeles"))
    monkeypatch.setattr(ClinicConfig, "now", lambda self: monday)
    clinic = get_clinic()
    now = clinic.now()
    found = read_search_details(text, [], clinic, "slot_choice", previous)
    when, before = parse_when(found["date_preference"], now), parse_when(previous, now)
    assert when is not None and before is not None
    assert when.start.weekday() == 1 and when.start >= before.start
    assert (found["date_preference"] != text) is weeks_later  # the date written in front


@pytest.mark.parametrize(
    ("text", "day"),
    [("tuesday afternoon if possible", 15), ("thurs?", 17), ("next tuesday", 8)],
)
def test_a_weekday_said_to_the_week_after_an_appointment_next_week_is_in_that_week(
    text: str, day: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Moving a Monday Dec 7 visit "to next week", said on Sunday Dec 6: Dec 14 to 19 was
    offered (the appointment is in next week already); "tuesday afternoon" then searched
    Tuesday Dec 8, before the week shown. ("next tuesday" said in full keeps its meaning.)"""
    sunday = datetime(2026, 12, 6, 23, 20, tzinfo=ZoneInfo("America/Los_Angeles"))
    monkeypatch.setattr(ClinicConfig, "now", lambda self: sunday)
    moving = {
        "id": "a1",
        "start": "2026-12-07T10:00:00-08:00",
        "visit_type": "physical",
        "practitioner": "patel",
        "location": "downtown",
    }
    slots = {
        "verified": True,
        "patient_id": "p1",
        "my_appointments": [moving],
        "appointment_choice": "a1",
        "date_preference": "next week sometime",
        "requested_slot": "slot_choice",
    }
    shown = request_from_slots(slots, get_clinic(), sunday).when
    assert (shown.start, shown.end) == (date(2026, 12, 14), date(2026, 12, 20))
    tracker = make_tracker(text, intent="inform", active_loop="reschedule_form", slots=slots)
    form = ValidateRescheduleForm()
    updates = form.extract_more(CollectingDispatcher(), tracker, dict(tracker.slots), "slot_choice")
    searched = request_from_slots({**slots, **updates}, get_clinic(), sunday).when
    assert (searched.start, searched.end) == (date(2026, 12, day), date(2026, 12, day))


@pytest.mark.parametrize(
    ("answered", "requested"),
    [
        ({}, "patient_status"),
        ({"patient_status": "returning"}, "practitioner"),
        ({"patient_status": "returning", "practitioner": "any"}, "location"),
    ],
)
def test_name_and_birth_date_at_another_booking_question_are_checked(
    fhir_env: FhirServer, answered: dict[str, Any], requested: str
) -> None:
    """ "Who would you like to see?" - "Robert Miller 11/02/1950": verified at once, and the
    question is asked again without "please tap one of the options"."""
    events, dispatcher = run_booking(
        "Robert Miller 11/02/1950",
        slots={**answered, "visit_type": "sick", "requested_slot": requested},
    )
    slots = slots_of(events)
    assert slots["verified"] is True and slots["patient_name"] == "Robert Miller"
    assert responses(dispatcher) == ["utter_verified"]
    # a returning patient now: the status question is not asked again
    expected = "practitioner" if requested == "patient_status" else requested
    assert slots["requested_slot"] == expected


def test_a_birth_date_given_for_the_name_is_kept_and_the_name_asked_once(
    fhir_env: FhirServer,
) -> None:
    """ "What is the patient's full name?" - "09/30/1975": the date is kept and the name asked
    again in one message (identity_reask), not "Could you give me the full name" followed by
    the whole question again; a name then verifies at once. The date is said to be kept
    (the question alone read as if it was not)."""
    slots, said = verify("09/30/1975", "verify_name", {})
    assert said == ["utter_dob_noted"]
    assert slots == {
        "verify_dob": "1975-09-30",
        "verify_name": None,
        "identity_reask": True,
        "requested_slot": "verify_name",
    }
    slots, said = verify(
        "Carlos Rivera", "verify_name", {"verify_dob": "1975-09-30", "identity_reask": True}
    )
    assert slots["verified"] is True and slots["identity_reask"] is False
    assert said == ["utter_verified"]
    slots, said = verify("soon", "verify_dob", {"verify_name": "Carlos Rivera"})
    assert said == [] and slots["identity_reask"] is True
    assert slots["requested_slot"] == "verify_dob"


def test_for_my_son_said_during_the_check_starts_it_again_for_him(fhir_env: FhirServer) -> None:
    """ "Emily Johnson" - "... date of birth?" - "wait no its for my son" got "I didn't catch a
    date of birth there", and the same again for his name."""
    slots, said = verify("wait no its for my son", "verify_dob", {"verify_name": "Emily Johnson"})
    assert said == ["utter_check_relative_instead"]
    assert slots["verify_name"] is None and slots["requested_slot"] == "verify_name"
    assert slots["identity_reask"] is True
    slots, said = verify("liam nguyen", "verify_name", slots)
    slots, said = verify("06/05/2017", "verify_dob", {**slots, "verify_name": "liam nguyen"})
    assert slots["verified"] is True


def test_for_my_son_with_his_name_takes_his_name(fhir_env: FhirServer) -> None:
    """ "What is the patient's full name?" - "its for my son liam nguyen" got "let's look up
    your son's record instead" and the name question again."""
    slots, said = verify("its for my son liam nguyen", "verify_name", {})
    assert said == []
    assert slots["verify_name"] == "liam nguyen" and slots["requested_slot"] == "verify_dob"
    slots, said = verify("06/05/2017", "verify_dob", slots)
    assert slots["verified"] is True and slots["patient_name"] == "Liam Nguyen"
    # At the birth-date question, after the writer's own name: his, said to be instead.
    slots, said = verify(
        "oh wait its for my son liam nguyen 06/05/2017",
        "verify_dob",
        {"verify_name": "Emily Johnson"},
    )
    assert said == ["utter_check_relative_instead", "utter_verified_child"]
    assert slots["verified"] is True and slots["patient_name"] == "Liam Nguyen"


def test_a_first_name_alone_is_kept_and_the_last_name_asked(fhir_env: FhirServer) -> None:
    """ "What is the patient's full name?" - "carlos" - "And the last name?" - "Rivera": one
    name in two messages, verified with the date of birth; a word that is no name ("idk") is
    not taken for a first name."""
    slots, said = verify("carlos", "verify_name", {})
    assert said == []
    assert slots == {
        "verify_name": None,
        "partial_name": "Carlos",
        "last_name_asked": True,
        "identity_reask": True,
        "requested_slot": "verify_name",
    }
    slots, said = verify("Rivera", "verify_name", slots)
    assert slots["verify_name"] == "Carlos Rivera" and slots["requested_slot"] == "verify_dob"
    assert slots["partial_name"] is None and slots["last_name_asked"] is False
    slots, said = verify("09/30/1975", "verify_dob", slots)
    assert slots["verified"] is True and said == ["utter_verified"]
    slots, said = verify("idk", "verify_name", {})
    # (how to go on without the name, then the question again)
    assert "partial_name" not in slots and said == ["utter_identity_not_known"]
    # The same word again ("nguyen" - "And the last name?" - "nguyen"): the whole name is
    # asked for, not "And the last name?" for ever.
    kept = {"partial_name": "Nguyen", "last_name_asked": True}
    slots, said = verify("nguyen", "verify_name", kept)
    assert (slots["partial_name"], slots["last_name_asked"]) == (None, False)
    assert slots["identity_reask"] is True and slots["requested_slot"] == "verify_name"
    # A double first name alone is a first name: "Mary Ann" - "And the last name?" - "O'Brien"
    slots, said = verify("mary ann", "verify_name", {})
    assert (slots["partial_name"], slots["last_name_asked"]) == ("Mary Ann", True)
    slots, said = verify("O'Brien", "verify_name", slots)
    assert slots["verify_name"] == "Mary Ann O'Brien"
    # The model read "Emily" as a billing question, which left this form for another task.
    slots, said = verify("Emily", "verify_name", {}, intent="billing_balance", confidence=0.93)
    assert slots["partial_name"] == "Emily" and slots["requested_slot"] == "verify_name"


def test_a_birthday_without_its_year_is_kept_and_the_year_asked(fhir_env: FhirServer) -> None:
    """ "... date of birth?" - "sept 30" - "And the year of birth?" - "75": one date of birth in
    two messages; a name with a birthday ("Carlos Rivera, 9/30") asks for the year too."""
    named = {"verify_name": "Carlos Rivera"}
    slots, said = verify("sept 30", "verify_dob", named)
    assert said == []
    assert slots == {
        "verify_dob": None,
        "partial_dob": "September 30",
        "birth_year_asked": True,
        "requested_slot": "verify_dob",
    }
    slots, said = verify("75", "verify_dob", {**named, **slots})
    assert slots["verified"] is True and said == ["utter_verified"]
    assert slots["partial_dob"] is None and slots["birth_year_asked"] is False
    slots, said = verify("Carlos Rivera, 9/30", "verify_name", {})
    assert slots["verify_name"] == "Carlos Rivera" and slots["requested_slot"] == "verify_dob"
    assert (slots["partial_dob"], slots["birth_year_asked"]) == ("September 30", True)
    slots, said = verify("in 1975", "verify_dob", slots)
    assert slots["verified"] is True
    # No year in the answer, or two: the year is asked for again, the month and day kept.
    kept = {"verify_name": "Carlos Rivera", "partial_dob": "September 30", "birth_year_asked": True}
    for answer in ("what year do you want?", "i think 1975? or 76"):
        slots, said = verify(answer, "verify_dob", kept)
        assert said == [] and slots["identity_reask"] is True
        assert "partial_dob" not in slots and "birth_year_asked" not in slots
    slots, said = verify("nineteen seventy five", "verify_dob", kept)
    assert slots["verified"] is True


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("02/30/1990", "February 30, 1990"),
        ("4/31/85", "April 31, 1985"),
        ("2/29/1990", "February 29, 1990"),
    ],
)
def test_a_date_not_on_the_calendar_is_said_to_be_off(
    fhir_env: FhirServer, text: str, said: str
) -> None:
    """ "john smith" - "02/30/1990": "I still need the month and day of birth" (the year alone
    was read), though the patient had sent them."""
    dispatcher = CollectingDispatcher()
    asked = {"verify_name": "Carlos Rivera", "requested_slot": "verify_dob"}
    tracker = make_tracker(text, slots=asked, active_loop="check_form")
    slots = slots_of(ValidateCheckForm().run(dispatcher, tracker, {}))
    [message] = dispatcher.messages
    assert (message["response"], message["date"]) == ("utter_birth_date_impossible", said)
    assert slots["verify_dob"] is None and slots["birth_day_asked"] is False
    assert slots["identity_reask"] is False
    # the question again, as "write it again" ("Thank you. And the date of birth?" followed)
    assert slots["birth_date_impossible"] is True
    tracker = make_tracker("02/28/1990", slots={**asked, **slots}, active_loop="check_form")
    again = slots_of(ValidateCheckForm().run(CollectingDispatcher(), tracker, {}))
    assert again["birth_date_impossible"] is False


def test_a_year_alone_is_kept_and_the_month_and_day_asked(fhir_env: FhirServer) -> None:
    """ "Liam Nguyen" - "2017" - "I didn't catch a date of birth there" - "june 5" - "I still
    need the year of birth": the year had been sent, and was forgotten."""
    named = {"verify_name": "Liam Nguyen"}
    slots, said = verify("2017", "verify_dob", named)
    assert said == []
    assert slots == {
        "verify_dob": None,
        "partial_dob": "2017",
        "birth_day_asked": True,
        "requested_slot": "verify_dob",
    }
    missed, said = verify("blah", "verify_dob", {**named, **slots})
    assert said == [] and missed["identity_reask"] is True and "partial_dob" not in missed
    slots, said = verify("june 5", "verify_dob", {**named, **slots})
    assert slots["verified"] is True and said == ["utter_verified_child"]
    assert (slots["partial_dob"], slots["birth_day_asked"]) == (None, False)
    # half a date is an answer, whatever the model read ("nineteen seventy five" was let
    # through as out of scope, and the year was lost)
    for half in ("nineteen seventy five", "sept 30", "1975"):
        tracker = make_tracker(
            half,
            intent="out_of_scope",
            active_loop="check_form",
            slots={"requested_slot": "verify_dob", "verify_name": "Carlos Rivera"},
        )
        assert ValidateCheckForm().answers_requested_slot(tracker, "verify_dob")


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("Carlos Rivera", "nineteen seventy five"),
        ("Emily Johnson", "April twelfth, eighty eight"),
        ("Carlos Rivera", "thirty september"),
    ],
)
def test_a_birth_date_in_words_is_no_corrected_name(
    fhir_env: FhirServer, name: str, text: str
) -> None:
    """ "nineteen seventy five" at "... date of birth?" was checked as a patient called
    Nineteen Seventy Five: a try lost, and the right birth date, sent next, failed."""
    slots, _ = verify(text, "verify_dob", {"verify_name": name})
    if "eighty" in text:
        assert slots["verified"] is True  # a whole date, the year as two digits in words
    else:
        assert "verify_attempts" not in slots and "verify_name" not in slots
        assert slots["requested_slot"] == "verify_dob"


def test_a_typo_owned_up_to_asks_for_that_detail_again(fhir_env: FhirServer) -> None:
    """ "Emily Jonson" - "04/12/1988" - no match - "i spelled my name wrong" went to billing
    staff as a complaint about a bill; "i typed my birthday wrong" asked for the name again."""
    failed = {"tried_name": "Emily Johnson", "identity_reask": True}
    tracker = make_tracker(
        "i spelled my name wrong",
        intent="billing_dispute",
        confidence=0.86,
        slots={"requested_slot": "verify_name"},
        active_loop="check_form",
    )
    assert ValidateCheckForm().answers_requested_slot(tracker, "verify_name")
    assert not ValidateCheckForm().should_let_through(tracker)
    slots, said = verify("i spelled my name wrong", "verify_name", failed)
    assert said == [] and slots["requested_slot"] == "verify_name"
    assert slots["identity_reask"] is True
    slots, said = verify("i typed my birthday wrong", "verify_name", failed)
    assert said == [] and slots["verify_name"] == "Emily Johnson"
    assert slots["requested_slot"] == "verify_dob"
    slots, said = verify("04/12/1988", "verify_dob", {**failed, **slots})
    assert slots["verified"] is True


def test_a_birth_date_in_words_is_no_name(fhir_env: FhirServer) -> None:
    """ "April twelfth 1988" at "... date of birth?" was checked as a patient called April
    Twelfth (a try lost, and a correct birth date refused); "mrs johnson" as one called Mrs."""
    slots, said = verify("April twelfth, 1988", "verify_dob", {"verify_name": "Emily Johnson"})
    assert slots["verified"] is True and said == ["utter_verified"]
    slots, said = verify("mrs johnson", "verify_name", {})
    assert "verify_attempts" not in slots and slots["identity_reask"] is True
    assert slots["requested_slot"] == "verify_name"


def test_a_second_miss_in_a_row_names_the_other_ways_once(fhir_env: FhirServer) -> None:
    """ "Robert Miller" - "the second of nov" - "fifty" - "blah" got "I still need the year of
    birth" again and again, with nobody named who could help."""
    kept = {"verify_name": "Robert Miller", "partial_dob": "November 2", "birth_year_asked": True}
    slots, said = verify("fifty", "verify_dob", kept)
    assert said == [] and slots["identity_reask"] is True
    slots, said = verify("blah", "verify_dob", {**kept, **slots})
    assert said == ["utter_identity_other_ways"] and slots["requested_slot"] == "verify_dob"
    # said once in a session, not before every question after
    said_before = {"utter_action": "utter_identity_other_ways"}
    earlier = [{"event": "bot", "text": "", "metadata": said_before}]
    slots, said = verify("zzz", "verify_dob", {**kept, **slots}, events=earlier)
    assert said == []
    # a name that is no name, twice: the same
    slots, said = verify("the patient", "verify_name", {})
    assert said == [] and slots["identity_reask"] is True
    slots, said = verify("the patient", "verify_name", slots)
    assert said == ["utter_identity_other_ways"]
    slots, said = verify("Robert Miller", "verify_name", slots)
    assert slots["verify_name"] == "Robert Miller" and slots["identity_reask"] is False


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("balance for Carlos Rivera", "Carlos Rivera"),
        ("what's the balance for Liam Nguyen?", "Liam Nguyen"),
        ("balance for my son", None),
        ("appointments for Dr. Patel", None),
        ("balance for my son Liam Nguyen", "Liam Nguyen"),
        ("what does Carlos Rivera owe?", "Carlos Rivera"),
        ("and what does carlos rivera owe", "carlos rivera"),  # lower case, as typed on phones
        ("what does my son owe", None),
        # (the name was asked for again)
        ("does Carlos Rivera have a balance", "Carlos Rivera"),
        ("does my son have a balance", None),
    ],
)
def test_a_name_the_request_is_for_is_not_asked_again(
    fhir_env: FhirServer, text: str, name: str | None
) -> None:
    slots, said = start_form(ValidateBalanceForm(), text, "billing_balance", {})
    assert said == []
    assert slots.get("verify_name") == name
    assert slots["requested_slot"] == ("verify_dob" if name else "verify_name")


@pytest.mark.parametrize(
    ("slots", "text", "dropped", "kept"),
    [
        # both in one message: the office goes (he works at one only, filled in)
        (
            {"patient_status": "returning", "visit_type": "sick"},
            "with Sam Lee at downtown",
            ("location", "north"),
            ("practitioner", "lee"),
        ),
        # the office after the clinician: the clinician goes, and who is asked again
        (
            {
                "patient_status": "returning",
                "visit_type": "sick",
                "practitioner": "okafor",
                "requested_slot": "location",
            },
            "north",
            ("practitioner", None),
            ("location", "north"),
        ),
    ],
)
def test_a_clinician_at_an_office_they_are_not_at_is_explained(
    slots: dict[str, Any], text: str, dropped: tuple[str, str | None], kept: tuple[str, str]
) -> None:
    """Was silent: only North Office times for "Sam Lee at downtown", or "Who would you like
    to see?" again after "Dr Okafor" - "north"."""
    events, dispatcher = run_booking(text, slots=slots)
    found = slots_of(events)
    assert found[kept[0]] == kept[1]
    assert found[dropped[0]] == dropped[1]
    [said] = dispatcher.messages
    assert said["response"] == "utter_practitioner_elsewhere"
    assert (said["practitioner"], said["offices"]) in (
        ("Sam Lee, NP", "the North Office"),
        ("Dr. James Okafor", "the Downtown Clinic"),
    )


def test_no_record_for_a_child_never_seen_here_books_a_new_patient(fhir_env: FhirServer) -> None:
    """A parent booking for a child who is not on record got three "couldn't match" replies and
    a handoff; the no-match reply now offers "New patient", which books as one."""
    slots = {
        **READY,
        "patient_status": "returning",
        "visit_type": "sick",
        "practitioner": "any",
        "location": "any",
        "slot_choice": OFFERS[0]["id"],
        "verify_name": "Sofia Nguyen",
        "requested_slot": "verify_dob",
    }
    events, dispatcher = run_booking("03/03/2019", slots=slots)
    assert responses(dispatcher) == ["utter_verification_no_match_booking"]
    domain_file = Path(__file__).resolve().parents[2] / "domain" / "appointments.yml"
    domain = yaml.safe_load(domain_file.read_text(encoding="utf-8"))
    [button] = domain["responses"]["utter_verification_no_match_booking"][0]["buttons"]
    assert button == {"title": "New patient", "payload": "new patient"}
    assert slots_of(events)["verify_attempts"] == 1.0
    events, dispatcher = run_booking(
        "new patient",
        slots={
            **slots,
            "verify_name": None,
            "verify_dob": None,
            "verify_attempts": 1.0,
            "requested_slot": "verify_name",
        },
    )
    found = slots_of(events)
    assert found["patient_status"] == "new" and found["visit_type"] == "new_patient"
    assert found["slot_choice"] is None and found["verify_attempts"] == 0.0
    assert responses(dispatcher) == ["utter_new_patient_visit_first"]
    # times for a new-patient visit are looked for again; the name is asked after the pick
    assert found["requested_slot"] == "slot_choice"


def test_a_name_asked_about_after_another_patient_was_verified_is_checked(
    fhir_env: FhirServer,
) -> None:
    # Emily verified, then "balance for Carlos Rivera": Emily's balance was shown.
    emily = verified_as("Emily Johnson", "04/12/1988")
    slots, said = start_form(
        ValidateBalanceForm(), "balance for Carlos Rivera", "billing_balance", emily
    )
    assert [(m["response"], m.get("person")) for m in said] == [
        ("utter_other_person", "Carlos Rivera")
    ]
    assert slots["verified"] is False and slots["verify_name"] == "Carlos Rivera"
    assert slots["requested_slot"] == "verify_dob"


def test_a_name_alone_at_a_booking_question_is_kept_not_a_billing_question() -> None:
    """ "What kind of visit?" - "Emily Johnson" (read as a billing question): "please tap",
    then the balance form, which showed her bill. The name is kept and the question asked
    again; "none of those" is no one."""
    slots = {"patient_status": "returning", "requested_slot": "visit_type"}
    tracker = make_tracker(
        "Emily Johnson",
        intent="billing_balance",
        confidence=0.9,
        active_loop="booking_form",
        slots=slots,
    )
    assert not ValidateBookingForm().should_let_through(tracker)
    events, dispatcher = run_booking("Emily Johnson", intent="billing_balance", slots=slots)
    assert slots_of(events) == {"verify_name": "Emily Johnson", "requested_slot": "visit_type"}
    assert [m["response"] for m in dispatcher.messages] == ["utter_identity_noted"]
    # In lower case, as typed on a phone, at the clinician question ("please tap one of the
    # options", twice); "mornings preferably" is no name.
    asked_who = {**slots, "visit_type": "physical", "requested_slot": "practitioner"}
    events, dispatcher = run_booking("emily johnson", intent="inform", slots=asked_who)
    assert slots_of(events)["verify_name"] == "emily johnson"
    # (at that question it may be a clinician from elsewhere too: both are said)
    assert responses(dispatcher) == ["utter_no_such_clinician_name_noted"]
    assert dispatcher.messages[0]["name"] == "Emily Johnson"
    events, dispatcher = run_booking("mornings preferably", intent="inform", slots=asked_who)
    assert "verify_name" not in slots_of(events)
    # ...and at the times shown ("Which one works for you?", and again at the birth date)
    choosing = {**READY, "requested_slot": "slot_choice"}
    events, dispatcher = run_booking("aisha khan", intent="inform", slots=choosing)
    assert slots_of(events)["verify_name"] == "aisha khan"
    assert responses(dispatcher) == ["utter_identity_noted"]
    for text in ("the first one", "anything later", "none work"):
        events, _ = run_booking(text, intent="inform", slots=choosing)
        assert "verify_name" not in slots_of(events)


@pytest.mark.parametrize(
    ("text", "clinician"),
    [
        # "Dr. Gonzalez doesn't see patients for a sick visit": the writer's own first name
        ("hey its maria, my 4 yo has had a fever since yesterday can she be seen today", None),
        ("Hi, this is James. My son needs a checkup", None),
        ("im sam and i need a sick visit with dr patel", "patel"),
        ("can i see maria on friday", "gonzalez"),
    ],
)
def test_the_writers_first_name_given_is_no_clinician(text: str, clinician: str | None) -> None:
    found = read_search_details(text, [], get_clinic(), None)
    assert found.get("practitioner") == clinician


@pytest.mark.parametrize(
    ("text", "name"), [("Jordan Lee", "Jordan Lee"), ("Ana Patel", "Ana Patel")]
)
def test_a_patient_name_sharing_a_clinicians_surname_is_no_clinician(text: str, name: str) -> None:
    """ "Who would you like to see?" - "Jordan Lee": "Jordan Lee isn't one of our clinicians
    ... I've noted it", and then booked with Sam Lee (the surname read as him)."""
    slots = {
        "patient_status": "new",
        "visit_type": "new_patient",
        "requested_slot": "practitioner",
    }
    events, dispatcher = run_booking(text, intent="inform", slots=slots)
    found = slots_of(events)
    assert found["verify_name"] == name
    assert found.get("practitioner") is None
    assert found["requested_slot"] == "practitioner"  # who, asked again
    assert responses(dispatcher) == ["utter_no_such_clinician_name_noted"]


@pytest.mark.parametrize("text", ["Priya Patel", "Sam Lee", "james okafor"])
def test_a_clinician_named_at_who_would_you_like_to_see_is_not_the_patient(text: str) -> None:
    # "Priya Patel" got "Thanks, I've noted that": kept as the patient's name (the identity
    # check would have asked for the date of birth of "Priya Patel")
    asked_who = {
        "patient_status": "returning",
        "visit_type": "physical" if "okafor" not in text else "well_child",
        "requested_slot": "practitioner",
    }
    events, dispatcher = run_booking(text, intent="inform", slots=asked_who)
    slots = slots_of(events)
    assert "verify_name" not in slots
    assert slots["practitioner"] in {p.id for p in get_clinic().practitioners}
    assert "utter_identity_noted" not in responses(dispatcher)


@pytest.mark.parametrize(
    ("text", "said"),
    [("dr smith", "Dr. Smith"), ("Can I see Doctor Nguyen?", "Dr. Nguyen")],
)
def test_a_doctor_who_is_not_here_is_said_so(text: str, said: str) -> None:
    # "dr smith" at "Who would you like to see?" got "Please tap one of the options"
    asked_who = {"patient_status": "returning", "visit_type": "physical"}
    events, dispatcher = run_booking(
        text, intent="inform", slots={**asked_who, "requested_slot": "practitioner"}
    )
    assert slots_of(events) == {"practitioner": None, "requested_slot": "practitioner"}
    [message] = dispatcher.messages
    assert (message["response"], message["name"]) == ("utter_no_such_clinician", said)
    # a doctor not named is the plain "please tap" still
    _, dispatcher = run_booking(
        "a doctor please", intent="inform", slots={**asked_who, "requested_slot": "practitioner"}
    )
    assert responses(dispatcher) == ["utter_explain_choice"]


@pytest.mark.parametrize(
    ("text", "requested"),
    [("a couple days later", "date_preference"), ("later than that?", "slot_choice")],
)
def test_later_at_the_day_question_is_not_goodbye(text: str, requested: str) -> None:
    # Read as goodbye: "Take care!" and the same question again.
    slots = {
        **MOVING,
        "date_preference": None,
        "offered_slots": None,
        "slot_choice": None,
        "requested_slot": requested,
    }
    tracker = make_tracker(
        text, intent="goodbye", confidence=0.8, active_loop="reschedule_form", slots=slots
    )
    assert not ValidateRescheduleForm().should_let_through(tracker)
    events = ValidateRescheduleForm().run(CollectingDispatcher(), tracker, {})
    assert events != []  # the form answers: the day, or what it needs


def test_the_2nd_one_is_the_second_time_shown() -> None:
    # Was read as the 2nd of the month: "Here are the openings I found for Wed Dec 2".
    events, _ = run_booking("the 2nd one", slots={**READY, "requested_slot": "slot_choice"})
    assert slots_of(events)["slot_choice"] == OFFERS[1]["id"]


def test_keep_my_original_appointment_at_the_times_ends_the_move() -> None:
    slots = {**MOVING, "slot_choice": None, "requested_slot": "slot_choice"}
    tracker = make_tracker(
        "never mind, keep my original appointment",
        intent="deny",
        active_loop="reschedule_form",
        slots=slots,
    )
    events = slots_of(ValidateRescheduleForm().run(CollectingDispatcher(), tracker, {}))
    assert events == {"booking_confirmed": False, "requested_slot": None}


def test_cancel_it_right_after_booking_names_the_appointment_just_booked(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """ "actually can you cancel it" after a booking asked "Which appointment?" when the
    patient had others; "it" is the one just booked."""
    monkeypatch.setattr(manage_appointments, "load_appointments", lambda pid, clinic: CHOICES)
    tracker = make_tracker(
        "actually can you cancel it",
        intent="cancel_appointment",
        slots={"verified": True, "patient_id": "p1", "last_booked": "b"},
    )
    events = slots_of(ValidateCancelForm().run(CollectingDispatcher(), tracker, {}))
    assert events["appointment_choice"] == "b"
    assert events["requested_slot"] == "cancel_confirmed"
    # without "it", the patient is asked which one
    tracker = make_tracker(
        "I need to cancel an appointment",
        intent="cancel_appointment",
        slots={"verified": True, "patient_id": "p1", "last_booked": "b"},
    )
    events = slots_of(ValidateCancelForm().run(CollectingDispatcher(), tracker, {}))
    assert events["requested_slot"] == "appointment_choice"


def test_an_annual_physical_not_a_annual_physical() -> None:
    assert a_or_an("annual physical") == "an annual physical"
    assert a_or_an("sick visit") == "a sick visit"


def test_arrival_is_never_before_the_office_opens() -> None:
    # "arrive 30 minutes early" for a 7:30am visit at an office that opens at 7:30
    clinic = get_clinic()
    north_first = {"start": "2026-12-07T07:30:00-08:00", "location": "north"}
    assert arrival(north_first, clinic, 15) == "when the office opens at 7:30am"
    north_nine = {"start": "2026-12-07T09:00:00-08:00", "location": "north"}
    assert arrival(north_nine, clinic, 30) == "30 minutes early"
    downtown_saturday = {"start": "2026-12-05T09:00:00-08:00", "location": "downtown"}
    assert arrival(downtown_saturday, clinic, 15) == "when the office opens at 9am"


def test_a_weekday_with_its_date_is_that_date_whatever_was_looked_at() -> None:
    # "thursday dec 10 at 8:30am" while later days were shown searched Thu Dec 17
    found = read_search_details(
        "thursday dec 10 at 8:30am please", [], get_clinic(), "slot_choice", "dec 14"
    )
    assert found["date_preference"] == "thursday dec 10 at 8:30am please"


def book_step(text: str, requested: str, slots: dict[str, Any], intent: str = "inform") -> tuple:
    """One answer in the middle of the booking form."""
    dispatcher = CollectingDispatcher()
    tracker = make_tracker(
        text,
        intent=intent,
        slots={**slots, "requested_slot": requested},
        active_loop="booking_form",
    )
    return slots_of(ValidateBookingForm().run(dispatcher, tracker, {})), responses(dispatcher)


def test_birth_date_and_phone_at_a_choice_question_are_kept(fhir_env: FhirServer) -> None:
    # "Who would you like to see?" - "Jordan Ellis" - "03/03/1990" - "916 555 0100" was
    # "please tap one of the options" twice, and the details were lost.
    new = {"patient_status": "new", "visit_type": "new_patient"}
    slots, said = book_step("Jordan Ellis", "practitioner", new)
    assert slots["verify_name"] == "Jordan Ellis"
    assert said == ["utter_no_such_clinician_name_noted"]
    slots, said = book_step("03/03/1990", "practitioner", {**new, **slots})
    assert slots["verify_dob"] == "1990-03-03" and said == ["utter_identity_noted"]
    assert slots["requested_slot"] == "practitioner"
    slots, said = book_step("916 555 0100", "practitioner", {**new, **slots})
    assert slots["new_phone"] and said == ["utter_identity_noted"]
    assert slots["requested_slot"] == "practitioner"


def test_a_patient_on_file_who_said_new_gets_no_new_patient_visit(fhir_env: FhirServer) -> None:
    new = {"patient_status": "new", "visit_type": "new_patient", "verify_name": "Emily Johnson"}
    slots, said = book_step("04/12/1988", "practitioner", new)
    assert slots["verified"] is True and slots["patient_status"] == "returning"
    assert said == ["utter_verified", "utter_known_patient_after_all"]
    assert slots["visit_type"] is None and slots["requested_slot"] == "visit_type"


def test_the_name_again_at_the_birth_date_question_is_read_by_the_form(
    fhir_env: FhirServer,
) -> None:
    # "Carlos Rivera" at "And the date of birth?" was "not something I can help with".
    tracker = make_tracker(
        "Carlos Rivera",
        intent="out_of_scope",
        confidence=1.0,
        slots={"verify_name": "Carlos Rivera", "requested_slot": "verify_dob"},
        active_loop="check_form",
    )
    assert not ValidateCheckForm().should_let_through(tracker)
    slots, said = verify("Carlos Rivera", "verify_dob", {"verify_name": "Carlos Rivera"})
    assert slots["identity_reask"] is True and slots["requested_slot"] == "verify_dob"
    assert said == []
    slots, said = verify("sorry, Carla Rivera", "verify_dob", {"verify_name": "Carlos Rivera"})
    assert slots["verify_name"] == "Carla Rivera" and slots["requested_slot"] == "verify_dob"


@pytest.mark.parametrize("form", [ValidateBookingForm, ValidateRescheduleForm])
def test_a_bare_day_read_as_a_cancellation_answers_the_day_question(form: Any) -> None:
    # "the 17th" at "what day works?" was cancel_appointment (0.69); a "yes" to the
    # confirmation then cancelled the appointment the patient was moving.
    for text, let_through in (("the 17th", False), ("cancel the 17th", True)):
        tracker = make_tracker(
            text,
            intent="cancel_appointment",
            confidence=0.9,
            slots={"requested_slot": "date_preference", "verified": True},
            active_loop=form().form_name,
        )
        assert form().should_let_through(tracker) is let_through


@pytest.mark.parametrize(
    ("text", "new_time"),
    [
        ("please move my physical from the 8th to the 9th", "the 9th"),  # searched the 8th
        ("move my appointment on the 10th to friday the 11th", "friday the 11th"),
        ("reschedule for next week", "next week"),
        # "my appt" is the appointment; what is left may say when
        ("can i change my appt tomorrow", "can i change tomorrow"),
        ("need to move my thursday appt", "need to move"),  # searched Thursdays
        ("can i push my followup same day, an hour later", "can i push same day, an hour later"),
        ("move it friday", "move it friday"),
        ("move it, the friday one works better", "move it, the friday one works better"),
        # the day or time of the one moved, before the shift: a week after next month's 10th
        # (past the booking window), and 7:30am times a week later than the 9am one
        ("can u push the sam lee one on the 10th back a week", "can u push back a week"),
        ("push my appt on the 10th back a week", "push back a week"),
        ("push the 9am one back a week", "push back a week"),
        ("move my appointment on friday", "move on friday"),  # at the end: the day asked for
        # the appointment's day not made is no day ruled out: Fridays were left out
        ("i cant make my appointment friday, my car broke down", "i , my car broke down"),
        ("can't make it on tuesday, can we do monday", ", can we do monday"),
        ("i can't do fridays, move it", "i can't do fridays, move it"),
        # ...nor its time ("i cant make my 11:00 one" searched 11:00)
        ("i cant make my 11:00 one", "i"),
        ("can't come to the 2pm appt, how about thursday", ", how about thursday"),
        ("i cant make it at 2pm", "i cant make it at 2pm"),
        # a move said as a cancellation and a booking: only next week's Friday was searched
        (
            "I need to cancel my appointment on friday and book a new one next week with sam lee",
            "a new one next week with sam lee",
        ),
        ("cancel my tuesday appt and then schedule me for thursday", "me for thursday"),
    ],
)
def test_the_new_time_is_what_comes_after_to(text: str, new_time: str) -> None:
    assert new_time_part(text).strip() == new_time


def test_a_returning_patient_read_as_new_can_say_so() -> None:
    # "I'm an existing patient, not new" was "Please tap one of the options".
    new = {"patient_status": "new", "visit_type": "new_patient"}
    slots, said = book_step("I'm an existing patient, not new", "practitioner", new)
    assert slots["patient_status"] == "returning" and slots["visit_type"] is None
    assert said == ["utter_returning_patient_noted"]
    assert slots["requested_slot"] == "visit_type"
    # ...but "I've been meaning to come in" says nothing of the kind
    slots, said = book_step("i've been meaning to come in, next week", "date_preference", new)
    assert "patient_status" not in slots and said == []


@pytest.mark.parametrize(
    ("text", "status"),
    [
        ("I've been a patient for years but haven't been in since last spring", "returning"),
        ("I'm an existing patient, not new", "returning"),
        ("we haven't been seen there", "new"),
        ("haven't been before", "new"),
        # not sure: looked up (no record offers "New patient"); "no preference" was "new"
        ("I don't remember", "returning"),
        ("no preference", "returning"),
        ("no idea, my wife usually books", "returning"),
        ("no", "new"),
        # "new" alone got "please tap one of the options", three times over
        ("new", "new"),
        ("New.", "new"),
        ("brand new", "new"),
        ("need a new pt appt", "new"),
        ("we are both new", "new"),
        # "Please tap one of the options", and the question up to three times
        ("ya been there b4", "returning"),
        ("i need to book a checkup for my daughter, shes been seen before", "returning"),
        ("she hasnt been seen", "new"),
        # "...im not a patient there yet": "Have you been seen here before?"
        ("whats the earliest i can get in? im not a patient there yet", "new"),
        ("not yet a patient", "new"),
        ("i'm not a patient with you guys", "new"),
        ("im not a patient but my daughter is", None),
    ],
)
def test_new_or_returning_in_the_patients_words(text: str, status: str | None) -> None:
    assert patient_status(text, None, True) == status


@pytest.mark.parametrize(
    ("text", "status"),
    [
        # a visit had with one of ours: "Has your daughter been seen here before?"
        (
            "my daughter had her checkup last week with dr okafor and he said to come back in a "
            "month, can we do that on a saturday morning?",
            "returning",
        ),
        ("dr patel told me to come back in 2 weeks for my blood pressure", "returning"),
        ("i saw dr patel last month and need a follow up", "returning"),
        # an appointment missed was one booked
        ("I missed my appointment yesterday, can I reschedule", "returning"),
        ("i forgot my sons appointment this morning, can we get a new one", "returning"),
        # someone else's advice says nothing of it
        ("the er said to follow up with a doctor this week", None),
        ("i need a physical", None),
        # the patient said to be new ("Has your daughter been seen here before?")
        ("My daughter Zoe Park (born 3/4/2019) is new here, she needs a well check", "new"),
        ("my son is new to the clinic", "new"),
        ("zoe is new to you guys", "new"),
        ("my insurance is new, i need a physical", None),
        ("my son is new to the medicine, can he be seen", None),
    ],
)
def test_a_visit_had_with_a_clinician_is_a_returning_patient_unasked(
    text: str, status: str | None
) -> None:
    assert patient_status(text, "book_appointment", False) == status


def test_new_alone_is_an_answer_only_to_the_question() -> None:
    assert patient_status("new", None, False) is None


@pytest.mark.parametrize(
    ("text", "status"), [(".", None), ("...", None), ("🤔", None), ("👍", "returning")]
)
def test_a_dot_is_no_answer_to_new_or_returning(text: str, status: str | None) -> None:
    # "." read as "affirm" booked the patient as returning
    assert patient_status(text, "affirm", True) == status


def test_a_clinician_who_does_not_do_the_visit_is_said_so() -> None:
    # "a pap smear with Sam Lee" showed Dr. Gonzalez's times without a word; "a physical with
    # Dr. Gonzalez" asked "who would you like to see?" again and again.
    slots, said = book_step(
        "can I get a pap smear with Sam Lee?", "visit_type", {"patient_status": "returning"}
    )
    assert said == ["utter_practitioner_not_for_visit"]
    assert slots["visit_type"] == "womens_health" and slots["practitioner"] == "gonzalez"
    dispatcher = CollectingDispatcher()
    tracker = make_tracker(
        "I said Dr Gonzalez",
        intent="inform",
        slots={
            "patient_status": "returning",
            "visit_type": "physical",
            "requested_slot": "practitioner",
        },
        active_loop="booking_form",
    )
    slots = slots_of(ValidateBookingForm().run(dispatcher, tracker, {}))
    [message] = dispatcher.messages
    assert message["response"] == "utter_practitioner_not_for_visit"
    assert (message["practitioner"], message["a_visit"]) == ("Dr. Gonzalez", "an annual physical")
    assert slots["practitioner"] == "gonzalez" and slots["requested_slot"] == "visit_type"


def test_the_visit_a_clinician_named_does_not_do_is_still_offered_with_someone_else() -> None:
    # "book a physical" - "dr gonzalez": her visits only were offered, the physical gone.
    asked = {"patient_status": "returning", "visit_type": "physical"}
    earlier = [{"event": "slot", "name": "visit_type", "value": "physical"}]
    tracker = make_tracker(
        "dr gonzalez",
        intent="inform",
        slots={**asked, "requested_slot": "practitioner"},
        active_loop="booking_form",
        events=earlier,
    )
    events = ValidateBookingForm().run(CollectingDispatcher(), tracker, {})
    tracker.events.extend(events)
    tracker.slots.update(slots_of(events))
    dispatcher = CollectingDispatcher()
    ActionAskVisitType().run(dispatcher, tracker, {})
    [question] = dispatcher.messages
    assert [b["title"] for b in question["buttons"]] == [
        "Follow-up visit",
        "Women's health exam",
        "Annual physical with someone else",
    ]
    assert question["buttons"][-1]["payload"] == '/inform{"visit_type": "physical"}'
    # ...tapped: who does it, without saying again that she does not
    dispatcher = CollectingDispatcher()
    tapped = make_tracker(
        question["buttons"][-1]["payload"],
        intent="inform",
        entities=[{"entity": "visit_type", "value": "physical"}],
        slots={**asked, "visit_type": None, "practitioner": "gonzalez"},
        active_loop="booking_form",
    )
    tapped.slots["requested_slot"] = "visit_type"
    slots = slots_of(ValidateBookingForm().run(dispatcher, tapped, {}))
    assert slots["visit_type"] == "physical" and slots["practitioner"] is None
    assert slots["requested_slot"] == "practitioner" and dispatcher.messages == []
    # a visit type not dropped in this turn is no extra option
    later = make_tracker("", slots=tracker.slots, events=list(tracker.events))
    dispatcher = CollectingDispatcher()
    ActionAskVisitType().run(dispatcher, later, {})
    assert len(dispatcher.messages[0]["buttons"]) == 2


def test_a_birth_date_not_known_says_how_to_go_on(fhir_env: FhirServer) -> None:
    # "i dont know his dob" was read as an insurance question (the plans list).
    tracker = make_tracker(
        "i dont know his dob",
        intent="billing_insurance",
        confidence=0.71,
        slots={"verify_name": "Carlos Rivera", "requested_slot": "verify_dob"},
        active_loop="check_form",
    )
    assert not ValidateCheckForm().should_let_through(tracker)
    slots, said = verify("i dont know his dob", "verify_dob", {"verify_name": "Carlos Rivera"})
    assert said == ["utter_identity_not_known"] and slots["requested_slot"] == "verify_dob"
    # "idk her bday" at the name question: "not something I can help with"
    slots, said = verify("idk her bday", "verify_name", {})
    assert said == ["utter_identity_not_known"] and slots["requested_slot"] == "verify_name"


def test_how_to_write_the_birth_date_is_answered(fhir_env: FhirServer) -> None:
    # "i give up, i dont know what format you want" got "If you find them, just send them here"
    text = "i give up, i dont know what format you want"
    slots, said = verify(text, "verify_dob", {"verify_name": "Robert Miller"})
    assert said == ["utter_dob_any_format"] and slots["requested_slot"] == "verify_dob"


def test_a_day_asked_with_no_appointment_on_it_is_said(fhir_env: FhirServer) -> None:
    """ "cancel my appt tmrw" (hers is next week) got "cancel ... Wed Dec 9?" with no word that
    nothing is booked tomorrow."""
    clinic = get_clinic()
    later = clinic.now() + timedelta(days=8)
    item = {
        "id": "a1",
        "start": later.isoformat(),
        "visit_type": "physical",
        "practitioner": "patel",
        "location": "north",
    }
    slots = {"verified": True, "my_appointments": [item], "appointment_choice": "a1"}
    for request, told in (("cancel my appt tmrw", True), ("cancel my appointment", False)):
        asked = [
            {"event": "user", "text": request},
            {"event": "active_loop", "name": "cancel_form"},
        ]
        dispatcher = CollectingDispatcher()
        tracker = make_tracker("04/12/1988", slots=slots, events=asked, active_loop="cancel_form")
        ActionAskCancelConfirmed().run(dispatcher, tracker, {})
        texts = [m.get("text") or "" for m in dispatcher.messages]
        assert texts[0].startswith("I don't see an appointment on") is told
        assert dispatcher.messages[-1]["response"] == "utter_confirm_cancel"
    # Another one picked from the list, with one on the day asked: nothing false said ("cancel
    # my sons checkup on wednesday", then Thursday's picked, got "I don't see an appointment
    # on Wed Dec 9", which he had).
    tomorrow = {**item, "id": "a2", "start": (clinic.now() + timedelta(days=1)).isoformat()}
    both = {**slots, "my_appointments": [item, tomorrow]}
    asked = [{"event": "user", "text": "cancel my appt tmrw"}]
    dispatcher = CollectingDispatcher()
    tracker = make_tracker("the later one", slots=both, events=asked, active_loop="cancel_form")
    ActionAskCancelConfirmed().run(dispatcher, tracker, {})
    assert [m.get("response") for m in dispatcher.messages] == ["utter_confirm_cancel"]


def test_an_illness_given_as_the_reason_gets_a_kind_word_once() -> None:
    """ "cancel both my appointments tomorrow, i have covid": "Just to check: cancel ...?" with
    no word of it."""
    asked = [{"event": "user", "text": "cancel my appointment please, i have covid"}]
    kind = "I'm sorry you're not feeling well. I hope you feel better soon."

    def confirm(events: list[dict[str, Any]], choice: str = "a") -> list[Any]:
        dispatcher = CollectingDispatcher()
        slots = {**CANCEL_ASKED, "appointment_choice": choice}
        tracker = make_tracker("04/12/1988", slots=slots, events=events, active_loop="cancel_form")
        ActionAskCancelConfirmed().run(dispatcher, tracker, {})
        return [m.get("response") or m.get("text") for m in dispatcher.messages]

    assert confirm(asked) == [kind, "utter_confirm_cancel"]
    assert confirm([*asked, {"event": "bot", "text": kind}]) == ["utter_confirm_cancel"]
    # "cancel both ...": all of them
    assert confirm(asked, ALL_APPOINTMENTS) == [kind, "utter_confirm_cancel_all"]
    # said at "Cancel it?": the kind word, and the question again; nothing cancelled yet
    dispatcher = CollectingDispatcher()
    tracker = make_tracker(
        "my son is sick", intent="inform", active_loop="cancel_form", slots=CANCEL_ASKED
    )
    events = ValidateCancelForm().run(dispatcher, tracker, {})
    assert [m.get("text") for m in dispatcher.messages] == [
        "I'm sorry to hear that. I hope he feels better soon."
    ]
    assert slots_of(events).get("cancel_confirmed") is None


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        (
            "i need to cancel my moms appointment, she's in the hospital",
            "I'm sorry to hear that. I hope she feels better soon.",
        ),
        (
            "cancel my husbands physical, he was hospitalized last night",
            "I'm sorry to hear that. I hope he feels better soon.",
        ),
        (
            "please cancel my appt, i had surgery on monday",
            "I'm sorry you're not feeling well. I hope you feel better soon.",
        ),
        ("cancel my appointment, i have to work", None),
    ],
)
def test_a_stay_in_hospital_given_as_the_reason_gets_a_kind_word(
    text: str, kind: str | None
) -> None:
    # "cancel my moms appointment, she's in the hospital" got "Just to check" with no word of it
    assert illness_said([text]) == kind


def test_a_reason_given_with_the_choice_is_heard_before_the_confirmation() -> None:
    # "the one on monday, he's feeling better" at "Which appointment?": "Just to check: cancel
    # ...?" with no word of it
    slots = {**CANCEL_ASKED, "requested_slot": "appointment_choice"}
    text = "the one on monday, he's feeling better"
    asked = [{"event": "user", "text": "i need to cancel my sons appointment"}]
    dispatcher = CollectingDispatcher()
    tracker = make_tracker(text, slots=slots, events=asked, active_loop="cancel_form")
    ActionAskCancelConfirmed().run(dispatcher, tracker, {})
    assert responses(dispatcher) == ["utter_cancel_reason_better", "utter_confirm_cancel"]
    # ...once: heard at the question already (ValidateCancelForm.explain), not twice
    heard = {
        "event": "bot",
        "text": "Thanks.",
        "metadata": {"utter_action": "utter_cancel_reason_better"},
    }
    dispatcher = CollectingDispatcher()
    tracker = make_tracker(text, slots=slots, events=asked, active_loop="cancel_form")
    tracker.events.append(heard)
    ActionAskCancelConfirmed().run(dispatcher, tracker, {})
    assert responses(dispatcher) == ["utter_confirm_cancel"]
    # ...and none with no reason
    dispatcher = CollectingDispatcher()
    tracker = make_tracker("the monday one", slots=slots, events=asked, active_loop="cancel_form")
    ActionAskCancelConfirmed().run(dispatcher, tracker, {})
    assert responses(dispatcher) == ["utter_confirm_cancel"]


def test_a_childs_checkup_is_the_well_child_visit() -> None:
    items = [
        {"start": "2026-12-03T08:00:00-08:00", "visit_type": "vaccination"},
        {"start": "2026-12-09T08:00:00-08:00", "visit_type": "well_child"},
    ]
    assert choice_by_description("cancel my sons checkup on wednesday", items, get_clinic()) == 1


def test_a_death_said_with_the_request_is_acknowledged_first() -> None:
    # "I need to cancel my appointment, my dad died yesterday" went straight to "To keep
    # health information private...".
    _, said = start_form(
        ValidateCancelForm(),
        "I need to cancel my appointment, my dad died yesterday",
        "cancel_appointment",
        {},
    )
    assert responses_of(said)[:1] == ["utter_sorry_for_loss"]
    _, said = start_form(ValidateCancelForm(), "cancel my appointment", "cancel_appointment", {})
    assert "utter_sorry_for_loss" not in responses_of(said)
    # ...also when the cancellation came through "Did you want to cancel an appointment?"
    # [Yes] (no condolence was said).
    said_first = [
        {"event": "user", "text": "my mom passed away last week, how do i cancel her appointments"},
        {"event": "user", "text": "/cancel_appointment"},
        {"event": "active_loop", "name": "cancel_form"},
    ]
    dispatcher = CollectingDispatcher()
    tracker = make_tracker("/cancel_appointment", intent="cancel_appointment", events=said_first)
    ValidateCancelForm().on_activation(dispatcher, tracker, {})
    assert responses(dispatcher)[:1] == ["utter_sorry_for_loss"]
    # ...but not twice, after the condolences of a death told whose button started it
    condoled = [
        {"event": "user", "text": "my mother died, how do i close her account"},
        {
            "event": "bot",
            "text": "I'm so sorry...",
            "metadata": {"utter_action": "utter_sorry_for_death_told"},
        },
        {"event": "user", "text": "/cancel_appointment"},
        {"event": "active_loop", "name": "cancel_form"},
    ]
    dispatcher = CollectingDispatcher()
    tracker = make_tracker("/cancel_appointment", intent="cancel_appointment", events=condoled)
    ValidateCancelForm().on_activation(dispatcher, tracker, {})
    assert "utter_sorry_for_loss" not in responses(dispatcher)


@pytest.mark.parametrize(
    ("first_message", "said"),
    [
        (
            "my mom passed away, please cancel her appointments",
            "utter_no_appointments_after_a_death",
        ),
        ("cancel my appointment", "utter_nothing_to_change"),
    ],
)
def test_nothing_booked_after_a_death_offers_the_front_desk_not_a_booking(
    first_message: str, said: str
) -> None:
    """ "Mary Ann O'Brien has no upcoming appointments with us. Would you like to book one?"
    to her grieving son."""
    started = [
        {"event": "user", "text": first_message},
        {"event": "active_loop", "name": "cancel_form"},
    ]
    tracker = make_tracker(
        "07/19/1964",
        slots={"verified": True, "patient_name": "Mary Ann O'Brien", "no_appointments": True},
        events=started,
    )
    dispatcher = CollectingDispatcher()
    ActionCancelAppointment().run(dispatcher, tracker, {})
    assert responses(dispatcher) == [said]


@pytest.mark.parametrize(
    ("slots", "have"),
    [
        ({"patient_name": "Mary Ann O'Brien", "verify_dob": "1964-07-19"}, "You have"),
        ({"patient_name": "Liam Nguyen", "patient_relation": "son"}, "Liam has"),
    ],
)
def test_nothing_booked_is_said_to_the_patient_as_you(slots: dict, have: str) -> None:
    # "Mary Ann O'Brien has no upcoming appointments with us" to Mary Ann herself
    tracker = make_tracker("07/19/1964", slots={"verified": True, "no_appointments": True, **slots})
    dispatcher = CollectingDispatcher()
    ActionCancelAppointment().run(dispatcher, tracker, {})
    [message] = dispatcher.messages
    assert (message["response"], message["have"]) == ("utter_nothing_to_change", have)
    assert message["change"] == "cancel"


def test_nothing_to_move_says_who_can_look_into_it_and_a_check_offers_a_booking() -> None:
    # "can i move it to friday afternoon" got the check's "You have no upcoming appointments
    # with us. Would you like to book one?" again, word for word.
    slots = {"verified": True, "no_appointments": True, "patient_name": "Emily Johnson"}
    moved = CollectingDispatcher()
    ActionRescheduleAppointment().run(moved, make_tracker("can i move it", slots=slots), {})
    assert [(m["response"], m["change"]) for m in moved.messages] == [
        ("utter_nothing_to_change", "move")
    ]
    checked = CollectingDispatcher()
    ActionShowAppointments().run(checked, make_tracker("when is my appt", slots=slots), {})
    assert responses(checked) == ["utter_no_upcoming_appointments"]


def test_nothing_booked_after_a_reminder_says_who_can_look_into_it() -> None:
    """ "i got a text reminder about an appointment on thursday but i dont remember making
    one": "You have no upcoming appointments with us", and nothing of the reminder; and the
    knee said after it was lost."""
    text = (
        "hi so i got a text reminder about an appointment on thursday but i dont remember "
        "making one, and also i think i might need to see someone about my knee"
    )
    slots = {
        "verified": True,
        "no_appointments": True,
        "patient_name": "Emily Johnson",
        "pending_request": second_request(text, "check_appointment"),
    }
    checked = CollectingDispatcher()
    ActionShowAppointments().run(checked, make_tracker(text, slots=slots), {})
    said, offer = checked.messages
    assert said["text"] == (
        "You have no upcoming appointments with us. If you got a reminder for one, our front "
        "desk can look into it at (916) 555-0142: it may have been meant for someone else. "
        "Would you like to book one?"
    )
    assert offer["text"] == (
        "You also asked: \u201ci think i might need to see someone about my knee\u201d. "
        "Shall we do that now?"
    )


@pytest.mark.parametrize(
    ("request_text", "booking"),
    [
        (
            "hi its emily, can i push my physical to next month",
            "book an annual physical next month",
        ),
        ("move my appt to friday afternoon", "book an appointment on friday afternoon"),
        # ("Book an appointment the afternoon")
        ("can i just move it to the afternoon", "book an appointment in the afternoon"),
        ("move my physical to the 14th", "book an annual physical on the 14th"),
        ("can i move my follow up", "book a follow-up visit"),
        # nothing of a visit or a time: the plain booking
        ("i need to reschedule", None),
    ],
)
def test_nothing_to_move_offers_to_book_what_the_move_asked(
    request_text: str, booking: str | None
) -> None:
    # "push my physical to next month" with none booked: [Book an appointment], then "What
    # kind of visit do you need?", the physical and the month forgotten
    slots = {"verified": True, "no_appointments": True, "patient_name": "Emily Johnson"}
    started = [
        {"event": "user", "text": request_text},
        {"event": "active_loop", "name": "reschedule_form"},
    ]
    tracker = make_tracker("04/12/1988", slots=slots, events=started)
    dispatcher = CollectingDispatcher()
    ActionRescheduleAppointment().run(dispatcher, tracker, {})
    [message] = dispatcher.messages
    if booking is None:
        assert message["response"] == "utter_nothing_to_change"  # its [Book an appointment]
        assert not message.get("buttons")
    else:
        # (a response without its own button: Rasa adds the action's buttons to a response's)
        assert message["response"] == "utter_nothing_to_change_book_that"
        assert message["buttons"] == [
            {"title": booking[:1].upper() + booking[1:], "payload": booking}
        ]


def test_the_day_they_cannot_come_is_no_day_to_search_even_when_tagged() -> None:
    # "i cant make it tomorrow" (the model tagged "tomorrow") searched tomorrow.
    tagged = [{"entity": "date", "value": "tomorrow"}]
    found = read_search_details("i cant make it tomorrow", tagged, get_clinic(), None)
    assert "date_preference" not in found
    found = read_search_details("can i come tomorrow", tagged, get_clinic(), None)
    assert found["date_preference"] == "can i come tomorrow"


AFTER_A_CANCELLATION = [
    {
        "event": "bot",
        "text": "Done. I've cancelled … Would you like to book another time?",
        "metadata": {"utter_action": "utter_cancelled"},
    },
    {"event": "action", "name": "action_listen"},
]
CANCELLED_VISIT = {"visit_type": "womens_health", "practitioner": "gonzalez", "location": "north"}
AISHA_AFTER_CANCELLING = {
    "verified": True,
    "patient_id": "p1",
    "patient_name": "Aisha Khan",
    "last_cancelled": CANCELLED_VISIT,
}


def test_book_another_time_after_a_cancellation_books_the_same_visit() -> None:
    # Was "What kind of visit do you need?", as if nothing had been said.
    slots = AISHA_AFTER_CANCELLING
    dispatcher = CollectingDispatcher()
    tracker = make_tracker(
        "/book_appointment", intent="book_appointment", slots=slots, events=AFTER_A_CANCELLATION
    )
    found = slots_of(ValidateBookingForm().run(dispatcher, tracker, {}))
    assert {k: found[k] for k in CANCELLED_VISIT} == CANCELLED_VISIT
    assert found["requested_slot"] == "date_preference"
    [said] = dispatcher.messages
    assert said["response"] == "utter_same_visit_again"
    assert (said["visit"], said["practitioner"]) == ("women's health exam", "Dr. Gonzalez")
    # "book a flu shot instead" asks for what it names, and a booking at any other time is new.
    for text, events in (
        ("book a flu shot instead", AFTER_A_CANCELLATION),
        ("/book_appointment", []),
    ):
        dispatcher = CollectingDispatcher()
        tracker = make_tracker(text, intent="book_appointment", slots=slots, events=events)
        found = slots_of(ValidateBookingForm().run(dispatcher, tracker, {}))
        assert found.get("practitioner") is None, text
        assert "utter_same_visit_again" not in responses(dispatcher)


def test_rebooking_the_visit_just_cancelled_books_it_again() -> None:
    # "i want to rebook the follow up i just cancelled": it named the cancelled visit, and the
    # booking started from scratch ("Who would you like to see?").
    slots = AISHA_AFTER_CANCELLING
    dispatcher = CollectingDispatcher()
    tracker = make_tracker(
        "i want to rebook the womens health exam i just cancelled",
        intent="book_appointment",
        slots=slots,
        events=AFTER_A_CANCELLATION,
    )
    found = slots_of(ValidateBookingForm().run(dispatcher, tracker, {}))
    assert {k: found[k] for k in CANCELLED_VISIT} == CANCELLED_VISIT
    assert responses(dispatcher) == ["utter_same_visit_again"]


CANCELLED_NOW = [{"event": "action", "name": "action_cancel_appointment"}, *AFTER_A_CANCELLATION]


@pytest.mark.parametrize(
    "text",
    [
        "ok book me something next week instead",
        "i want to rebook the follow up i just cancelled",
        "can i get a new time for it",
        # "it", moved: "You have no upcoming appointments, so there's nothing to move"
        "actually wait can i just move it to the afternoon",
        "can i move it to another day",
    ],
)
def test_a_reschedule_just_after_a_cancellation_books_that_visit_again(text: str) -> None:
    # Read as a reschedule, it offered to move the patient's other appointment (Emily's
    # physical), and "i meant the one i just cancelled" could not stop it: the message is
    # replayed as a booking, which books the cancelled visit again.
    tracker = make_tracker(
        text,
        intent="reschedule_appointment",
        slots={"verified": True, "patient_id": "p1", "last_cancelled": CANCELLED_VISIT},
        events=CANCELLED_NOW,
    )
    events = ValidateRescheduleForm().run(CollectingDispatcher(), tracker, {})
    assert events[:3] == [
        ActiveLoop(None),
        SlotSet("requested_slot", None),
        ActionExecuted("action_listen"),
    ]
    assert (events[3]["text"], events[3]["parse_data"]["intent"]["name"]) == (
        text,
        "book_appointment",
    )


@pytest.mark.parametrize(
    "text",
    [
        "actually move my physical instead",
        "move my other one too",
        "can i move it, the other one i mean",
    ],
)
def test_moving_another_appointment_after_a_cancellation_is_still_a_move(text: str) -> None:
    tracker = make_tracker(
        text,
        intent="reschedule_appointment",
        slots={"verified": True, "patient_id": "p1"},
        events=CANCELLED_NOW,
    )
    events = ValidateRescheduleForm().run(CollectingDispatcher(), tracker, {})
    assert not any(e.get("event") == "user" for e in events)


def test_book_a_new_time_after_an_undo_looks_at_the_same_time() -> None:
    # "i didnt mean to cancel it" - "I can book you a new time right away (the same time, if
    # it's still free)" [Book a new time]: "What kind of visit do you need?", from the start
    not_undone = [
        {
            "event": "bot",
            "text": "That appointment is already cancelled ...",
            "metadata": {"utter_action": "utter_cancel_not_undone"},
        },
        {"event": "action", "name": "action_listen"},
    ]
    slots = {
        "verified": True,
        "patient_id": "p1",
        "patient_name": "Aisha Khan",
        "last_cancelled": {**CANCELLED_VISIT, "start": "2026-12-09T10:00:00-08:00"},
    }
    tracker = make_tracker(
        "/book_appointment", intent="book_appointment", slots=slots, events=not_undone
    )
    found = slots_of(ValidateBookingForm().run(CollectingDispatcher(), tracker, {}))
    assert {k: found[k] for k in CANCELLED_VISIT} == CANCELLED_VISIT
    assert found["date_preference"] == "Wed Dec 9, 10:00am"
    assert found["requested_slot"] == "slot_choice"


@pytest.mark.parametrize(
    "text",
    [
        "my phone died so i missed my appt, can i cancel it",
        "she passed her physical, cancel the other one",
    ],
)
def test_no_condolences_for_a_phone_or_a_test(text: str) -> None:
    _, said = start_form(ValidateCancelForm(), text, "cancel_appointment", {})
    assert "utter_sorry_for_loss" not in responses_of(said)


@pytest.mark.parametrize(
    ("text", "service"),
    [
        # booked as an annual physical, confirmation and all
        ("i want to book a physical therapy session", "physical therapy"),
        ("can i book a DOT physical for my trucking job", "commercial driver (DOT) physicals"),
        ("can i book a colonoscopy", "colonoscopies or endoscopies"),
        ("can i book botox", "cosmetic treatments (Botox, fillers, laser hair removal)"),
        (
            "i want to get my tubes tied",
            "surgical procedures (vasectomies, hernia repairs and the like)",
        ),
    ],
)
def test_a_service_not_offered_is_said_and_not_booked_as_another(text: str, service: str) -> None:
    slots, said = start_form(ValidateBookingForm(), text, "book_appointment", {})
    [message] = [m for m in said if m.get("response") == "utter_not_offered"]
    assert message["service"] == service and message["instead"]
    assert "{clinic_phone}" not in message["instead"]
    assert not slots.get("visit_type")


def test_a_service_not_offered_at_the_visit_question_is_not_a_handoff() -> None:
    # "mammogram" at "what kind of visit?" was read as a question about results: staff, paused.
    asked = {"patient_status": "returning", "requested_slot": "visit_type"}
    tracker = make_tracker(
        "mammogram", intent="test_results", slots=asked, active_loop="booking_form"
    )
    form = ValidateBookingForm()
    assert not form.should_let_through(tracker)
    dispatcher = CollectingDispatcher()
    slots = slots_of(form.run(dispatcher, tracker, {}))
    assert responses(dispatcher) == ["utter_not_offered"]  # no "please tap one of the options"
    assert slots["requested_slot"] == "visit_type" and not slots.get("visit_type")
    # A person asked for still is one.
    person = make_tracker(
        "mammogram?? just get me a person",
        intent="request_human",
        slots=asked,
        active_loop="booking_form",
    )
    assert form.should_let_through(person)


def test_physical_therapy_instead_of_the_physical_about_to_be_booked() -> None:
    chosen = {**READY, "slot_choice": OFFERS[0]["id"], "requested_slot": "booking_confirmed"}
    tracker = make_tracker(
        "wait no i wanted physical therapy not a physical",
        intent="deny",
        slots=chosen,
        active_loop="booking_form",
    )
    dispatcher = CollectingDispatcher()
    slots = slots_of(ValidateBookingForm().run(dispatcher, tracker, {}))
    assert responses(dispatcher)[0] == "utter_not_offered"
    assert slots["visit_type"] is None and slots["slot_choice"] is None
    assert slots["requested_slot"] == "visit_type"


def test_cancel_it_instead_while_moving_it_cancels_that_appointment() -> None:
    """ "hmm actually just cancel it" while rescheduling was read as "stop": "Nothing was
    changed", and the appointment stayed booked."""
    moving = {
        "verified": True,
        "my_appointments": CHOICES,
        "appointment_choice": CHOICES[0]["id"],
        "date_preference": "next week",
        "requested_slot": "slot_choice",
    }
    tracker = make_tracker(
        "hmm actually just cancel it", intent="stop", slots=moving, active_loop="reschedule_form"
    )
    dispatcher = CollectingDispatcher()
    events = ActionStop().run(dispatcher, tracker, {})
    assert dispatcher.messages == []  # the cancel form asks "Just to check: cancel …?"
    assert events[0] == {"event": "active_loop", "name": None, "timestamp": None}
    cleared = {e["name"] for e in events if e.get("event") == "slot"}
    assert {"date_preference", "requested_slot"} <= cleared
    assert not cleared & {"appointment_choice", "my_appointments", "verified"}
    listen, replay = events[-2:]
    assert (listen["event"], listen["name"]) == ("action", "action_listen")
    assert replay["parse_data"]["intent"]["name"] == "cancel_appointment"


@pytest.mark.parametrize(
    ("requested", "read_as"), [("appointment_choice", "inform"), ("cancel_confirmed", "affirm")]
)
def test_yes_cancel_it_in_the_cancellation_is_no_stop(requested: str, read_as: str) -> None:
    """ "Which appointment would you like to cancel?" - "yes cancel it" (read as "stop") got
    "I've stopped there. Nothing was changed." """
    slots = {"verified": True, "my_appointments": CHOICES, "requested_slot": requested}
    tracker = make_tracker("yes cancel it", intent="stop", slots=slots, active_loop="cancel_form")
    dispatcher = CollectingDispatcher()
    events = ActionStop().run(dispatcher, tracker, {})
    assert dispatcher.messages == []
    listen, replay = events
    assert (listen["event"], listen["name"]) == ("action", "action_listen")
    assert replay["parse_data"]["intent"]["name"] == read_as
    # "no, don't cancel it" is a stop
    tracker = make_tracker(
        "no dont cancel it", intent="stop", slots=slots, active_loop="cancel_form"
    )
    dispatcher = CollectingDispatcher()
    ActionStop().run(dispatcher, tracker, {})
    assert responses(dispatcher) == ["utter_stopped"]


@pytest.mark.parametrize(
    ("text", "cancels"),
    [
        ("hmm actually just cancel it", True),
        ("actually cancel instead", True),
        ("you know what, cancel the appointment", True),
        ("dont cancel it, just move it to friday", False),
        ("cancel that, keep my old time", False),
        ("never mind", False),
        ("ok just cancel them all then", True),
        ("cancel both", True),
        ("i cant cancel it because of the fee", False),
        ("i dont want to cancel it", False),
    ],
)
def test_what_cancels_instead_of_moving(text: str, cancels: bool) -> None:
    assert cancels_instead(text) is cancels


def test_same_as_mine_at_the_phone_question_is_no_stop() -> None:
    """ "same as mine" (read as "stop") threw the new-patient booking away."""
    asked = {"patient_status": "new", "requested_slot": "new_phone"}
    form = ValidateBookingForm()
    same = make_tracker("same as mine", intent="stop", slots=asked, active_loop="booking_form")
    assert not form.should_let_through(same)
    dispatcher = CollectingDispatcher()
    slots = slots_of(form.run(dispatcher, same, {}))
    # in the web chat no number can be seen: typed, please (not "a 10-digit phone number")
    assert responses(dispatcher) == ["utter_no_number_seen"]
    assert slots["new_phone"] is None  # asked again, nothing thrown away
    stop = make_tracker("never mind", intent="stop", slots=asked, active_loop="booking_form")
    assert form.should_let_through(stop)


NEW_PHONE_ASKED = {
    **READY,
    "visit_type": "new_patient",
    "slot_choice": "s2",
    "patient_status": "new",
    "requested_slot": "new_phone",
    "verify_name": "Jordan Blake",
    "verify_dob": "1990-03-03",
}


def assert_texted_number_kept(text: str, intent: str, phone: str) -> None:
    """By SMS, ``text`` at the new patient's phone question keeps the number texted from."""
    sealed = {"phone_hash": "h", "phone_sealed": seal_phone(phone, PHONE_SECRET)}
    tracker = make_tracker(
        text,
        intent=intent,
        slots=NEW_PHONE_ASKED,
        active_loop="booking_form",
        channel="twilio",
        metadata=sealed,
    )
    form = ValidateBookingForm()
    assert not form.should_let_through(tracker)
    dispatcher = CollectingDispatcher()
    slots = slots_of(form.run(dispatcher, tracker, {}))
    assert responses(dispatcher)[:1] == ["utter_texting_number_kept"]
    assert slots["new_phone"] == phone


@pytest.mark.parametrize(
    "text",
    [
        "this number",
        "same as mine",
        "the one im texting from",
        "you can use this one",
        "same",
        "text me here",
        "same number as mine",
    ],
)
def test_this_number_by_sms_is_the_number_texted_from(fhir_env: FhirServer, text: str) -> None:
    # "same number as mine" got "Please send a 10-digit phone number" by SMS, where the
    # number is known (sealed in the message metadata); "this number" read as contact_info
    # got the clinic's phone numbers.
    assert_texted_number_kept(text, "contact_info", "+19165550161")
    # sealed with another secret (it changed since): asked to type it, nothing made up
    stale = {"phone_sealed": seal_phone("+19165550161", "old-secret")}
    tracker = make_tracker(
        text, intent="inform", slots=NEW_PHONE_ASKED, active_loop="booking_form", metadata=stale
    )
    dispatcher = CollectingDispatcher()
    slots = slots_of(ValidateBookingForm().run(dispatcher, tracker, {}))
    assert responses(dispatcher) == ["utter_no_number_seen"]
    assert slots["new_phone"] is None and slots["requested_slot"] == "new_phone"


@pytest.mark.parametrize("text", ["yes", "yep", "Yes it is"])
def test_a_yes_by_sms_at_the_phone_question_is_the_number_texted_from(
    fhir_env: FhirServer, text: str
) -> None:
    """By SMS the question ends "If it's the one you're texting from, just reply 'this
    number'", and "yes" got "Please send a 10-digit phone number". On the web, where no number
    is seen, a yes is still asked to type one."""
    assert_texted_number_kept(text, "affirm", "+19165550162")
    web = make_tracker(text, intent="affirm", slots=NEW_PHONE_ASKED, active_loop="booking_form")
    dispatcher = CollectingDispatcher()
    slots = slots_of(ValidateBookingForm().run(dispatcher, web, {}))
    assert responses(dispatcher) == ["utter_need_phone"]
    assert slots["new_phone"] is None


@pytest.mark.parametrize(
    ("text", "intent"),
    [("why do you need that", "complaint"), ("i'd rather not give my number", "deny")],
)
def test_why_at_the_phone_question_gets_the_reason(text: str, intent: str) -> None:
    # "why do you need that" (a complaint to the model) got "Sorry this is taking longer than
    # it should" and the same question again, with no reason given.
    form = ValidateBookingForm()
    tracker = make_tracker(text, intent=intent, slots=NEW_PHONE_ASKED, active_loop="booking_form")
    assert not form.should_let_through(tracker)
    dispatcher = CollectingDispatcher()
    slots = slots_of(form.run(dispatcher, tracker, {}))
    assert responses(dispatcher) == ["utter_why_new_phone"]
    assert slots["new_phone"] is None and slots["requested_slot"] == "new_phone"
    assert not slots.get("identity_declined")


@pytest.mark.parametrize(
    ("text", "reason_given"),
    [("no i'd rather not", True), ("i dont have a phone", False), ("no cell phone", False)],
)
def test_no_number_after_the_reason_ends_the_booking_kindly(text: str, reason_given: bool) -> None:
    events = [
        {"event": "active_loop", "name": "booking_form"},
        {"event": "bot", "text": "It goes...", "metadata": {"utter_action": "utter_why_new_phone"}},
    ]
    tracker = make_tracker(
        text,
        intent="deny",
        slots=NEW_PHONE_ASKED,
        active_loop="booking_form",
        events=events if reason_given else [],
    )
    dispatcher = CollectingDispatcher()
    slots = slots_of(ValidateBookingForm().run(dispatcher, tracker, {}))
    assert responses(dispatcher) == ["utter_new_phone_declined"]
    assert slots["identity_declined"] is True and slots["requested_slot"] is None


@pytest.mark.parametrize("text", ["916.555.0161", "my cell 916.555.0161"])
def test_a_phone_number_at_the_phone_question_is_the_answer(text: str) -> None:
    """ "916.555.0161" (a medical question to the model, 0.99) was handed to the nurses, and
    the new-patient booking lost."""
    asked = {"patient_status": "new", "requested_slot": "new_phone"}
    form = ValidateBookingForm()
    tracker = make_tracker(text, intent="medical_advice", slots=asked, active_loop="booking_form")
    assert not form.should_let_through(tracker)
    slots = slots_of(form.run(CollectingDispatcher(), tracker, {}))
    assert slots["new_phone"] == "+19165550161"


def test_a_brother_or_sister_of_the_child_verified_is_checked_first(fhir_env: FhirServer) -> None:
    """ "book his sister zoe too, she's never been here" after Liam: "Just to check: Liam's
    new-patient visit …", booked as his."""
    liam = verified_as("Liam Nguyen", "06/05/2017")
    slots, said = start_form(
        ValidateBookingForm(),
        "book his sister zoe too, same time if possible. she's never been here",
        "book_appointment",
        liam,
    )
    [other] = [m for m in said if m.get("response") == "utter_other_person"]
    assert (other["person"], other["patient_name"]) == ("Liam's sister", "Liam Nguyen")
    assert slots["verified"] is False and slots["patient_id"] is None


@pytest.mark.parametrize(
    ("text", "person"),
    [
        ("can you book ava too? she has an ear ache", "Ava"),
        ("ok now ben, back to back please", "Ben"),
        ("book ava's flu shot right after liam's", "Ava"),
    ],
)
def test_a_first_name_alone_booked_too_is_checked_first(
    fhir_env: FhirServer, text: str, person: str
) -> None:
    """ "can you book ava too?" after Liam was checked: "Just to check: Liam's sick visit …",
    and a yes booked Ava's visit on Liam's record."""
    liam = verified_as("Liam Nguyen", "06/05/2017")
    slots, said = start_form(ValidateBookingForm(), text, "book_appointment", liam)
    [other] = [m for m in said if m.get("response") == "utter_other_person"]
    assert other["person"] == person
    assert slots["verified"] is False and slots["patient_id"] is None
    assert slots["requested_slot"] == "patient_status"


def test_the_grandchilds_details_sent_while_times_are_shown_check_him(
    fhir_env: FhirServer,
) -> None:
    """ "If you meant your grandson's record, send me their full name and date of birth" -
    "sorry, its liam nguyen 06/05/2017": "Which one works for you?", and the grandson's flu
    shot went on towards Robert's record."""
    robert = verified_as("Robert Miller", "11/02/1950")
    showing = {
        **robert,
        "patient_status": "returning",
        "visit_type": "vaccination",
        "practitioner": "patel",
        "location": "downtown",
        "date_preference": "friday morning",
        "offered_slots": [{"id": "slot-1", "label": "Fri Dec 4, 9:00am"}],
        "requested_slot": "slot_choice",
    }
    tracker = make_tracker(
        "sorry, its liam nguyen 06/05/2017",
        intent="inform",
        slots=showing,
        active_loop="booking_form",
    )
    dispatcher = CollectingDispatcher()
    slots = slots_of(ValidateBookingForm().run(dispatcher, tracker, {}))
    assert responses(dispatcher)[0] == "utter_other_person"
    assert slots["patient_name"] == "Liam Nguyen" and slots["verified"] is True
    assert slots["offered_slots"] is None and slots["slot_choice"] is None


@pytest.mark.parametrize(
    ("channel", "response"),
    [
        ("rest", "utter_verification_no_match_booking_early"),
        ("twilio", "utter_verification_no_match_sms_early"),
    ],
)
def test_details_that_match_no_one_before_their_question_are_asked_for_again_later(
    fhir_env: FhirServer, channel: str, response: str
) -> None:
    """ "Robert Miller 11/02/1951" (a wrong year) at "Who would you like to see?": "Let's try
    once more, with the name ..." and then "Who would you like to see?" again; the name is
    asked once a time is picked."""
    asking = {
        "patient_status": "returning",
        "visit_type": "physical",
        "requested_slot": "practitioner",
    }
    text = "robert miller 11/02/1951"
    events, dispatcher = run_booking(text, slots=asking, channel=channel)
    assert responses(dispatcher)[:1] == [response]
    assert slots_of(events)["verify_name"] is None
    # at the name question itself, "once more": the name is asked next
    asking["requested_slot"] = "verify_name"
    _, dispatcher = run_booking(text, slots=asking, channel=channel)
    assert responses(dispatcher)[:1] == [response.removesuffix("_early")]


def test_not_for_me_but_my_dad_in_the_middle_of_a_booking_checks_him(fhir_env: FhirServer) -> None:
    """ "wait sorry its not for me its for my dad, robert miller 11/02/1950" after Aisha was
    verified: "please tap one of the options", and the visit was booked in her name."""
    aisha = verified_as("Aisha Khan", "01/22/1992")
    asking = {
        **aisha,
        "patient_status": "returning",
        "visit_type": "sick",
        "date_preference": "tomorrow",
        "requested_slot": "practitioner",
    }
    tracker = make_tracker(
        "wait sorry its not for me its for my dad, robert miller 11/02/1950",
        intent="inform",
        slots=asking,
        active_loop="booking_form",
    )
    dispatcher = CollectingDispatcher()
    slots = slots_of(ValidateBookingForm().run(dispatcher, tracker, {}))
    said = responses(dispatcher)
    assert said[:2] == ["utter_other_person", "utter_verified_child"]
    assert slots["patient_name"] == "Robert Miller" and slots["verified"] is True
    assert "visit_type" not in slots  # what was asked for stays: a sick visit tomorrow


@pytest.mark.parametrize("read_as", ["stop", "deny"])
def test_for_my_daughter_not_me_read_as_stop_is_no_stop(read_as: str) -> None:
    # "wait actually its for my daughter not me. shes 7": "No problem, I've stopped there",
    # and the office, the time and the kind of visit were lost.
    tracker = make_tracker(
        "wait actually its for my daughter not me. shes 7",
        intent=read_as,
        slots={"verified": True, "patient_name": "Aisha Khan", "requested_slot": "location"},
        active_loop="booking_form",
    )
    assert not ValidateBookingForm().should_let_through(tracker)
    # ...but "never mind, it's not for me" stops
    stop = make_tracker(
        "never mind its not for me",
        intent="stop",
        slots={"verified": True, "patient_name": "Aisha Khan", "requested_slot": "location"},
        active_loop="booking_form",
    )
    assert ValidateBookingForm().should_let_through(stop)


def test_an_unsure_crisis_guess_with_a_birth_date_is_read_by_the_booking() -> None:
    """ "wait sorry its not for me its for my dad, robert miller 11/02/1950" was a crisis to
    the model alone (0.6): a 988 check-in instead of the booking for him."""
    tracker = make_tracker(
        "wait sorry its not for me its for my dad, robert miller 11/02/1950",
        intent="nlu_fallback",
        slots={"verified": True, "patient_name": "Aisha Khan", "requested_slot": "practitioner"},
        active_loop="booking_form",
        extra={"safety_check": {"category": "crisis"}},
    )
    assert not ValidateBookingForm().should_let_through(tracker)
    check_in = make_tracker(
        "i dont know anymore",
        intent="nlu_fallback",
        slots={"requested_slot": "practitioner"},
        active_loop="booking_form",
        extra={"safety_check": {"category": "crisis"}},
    )
    assert ValidateBookingForm().should_let_through(check_in)


@pytest.mark.parametrize(
    ("text", "requested", "intent"),
    [
        # a visit the clinic does, about something done elsewhere
        ("a follow-up on my MRI results", None, "book_appointment"),
        ("a new pt appointment", None, "book_appointment"),
        # who sent the patient, not what they ask for
        ("my chiropractor said i should see a doctor for my back", None, "book_appointment"),
        ("my dentist told me to get my blood sugar checked", None, "book_appointment"),
        # an answer to another question, and a stop
        ("anytime except tuesday, I have physio then", "date_preference", "inform"),
    ],
)
def test_not_offered_only_when_asked_for(text: str, requested: str | None, intent: str) -> None:
    slots = {"patient_status": "returning", "requested_slot": requested}
    tracker = make_tracker(text, intent=intent, slots=slots, active_loop="booking_form")
    dispatcher = CollectingDispatcher()
    ValidateBookingForm().run(dispatcher, tracker, {})
    assert "utter_not_offered" not in responses(dispatcher)
    stop = make_tracker(
        "forget it, I'll see a dentist",
        intent="stop",
        slots={"requested_slot": "visit_type"},
        active_loop="booking_form",
    )
    assert ValidateBookingForm().should_let_through(stop)


@pytest.mark.parametrize(
    "text",
    [
        "can i cancel my appointment. carlos rivera 9/30/75",
        "cancel it. aisha khan 1/22/92",
        # the day of a death ("I don't see an appointment on Sun Dec 6")
        "my dad passed away sunday. please cancel his appointments",
        # a place in the list just shown ("I don't see an appointment on Sat Jan 2")
        "cancel the 2nd one",
        "cancel the 3rd appt",
    ],
)
def test_a_birth_date_with_a_cancellation_is_not_its_day(text: str) -> None:
    # "I don't see an appointment on Mon Sep 30" was said before the cancellation.
    assert cancel_appointment.day_in_request(text, get_clinic()) is None


def test_the_day_named_with_a_cancellation_is_its_day() -> None:
    clinic = get_clinic()
    asked = cancel_appointment.day_in_request("cancel my appt tmrw, aisha khan 1/22/92", clinic)
    assert asked == clinic.now().date() + timedelta(days=1)


def test_todays_weekday_named_with_a_cancellation_is_today() -> None:
    # "cancel my saturday appt" on a Saturday: "I don't see an appointment on Sat Dec 12"
    clinic = get_clinic()
    today = clinic.now().date()
    weekday = today.strftime("%A").lower()
    assert cancel_appointment.day_in_request(f"cancel my {weekday} appt", clinic) == today
    later = cancel_appointment.day_in_request(f"cancel my appt next {weekday}", clinic)
    assert later == today + timedelta(days=7)


def test_book_me_with_her_after_an_answer_about_a_clinician_is_with_her() -> None:
    # "what days does dr patel work" - "ok book me with her": "Who would you like to see?"
    answered = [{"event": "bot", "text": "Dr. Priya Patel sees patients at the Downtown Clinic."}]
    events, _ = run_booking("ok book me with her", intent="book_appointment", events=answered)
    assert slots_of(events).get("practitioner") == "patel"
    # without a clinician just named, nobody is guessed
    events, _ = run_booking("ok book me with her", intent="book_appointment")
    assert "practitioner" not in slots_of(events)


# A Friday time picked, and Emily's name given: what a change of day at the next question finds.
FRIDAY_PICKED = {
    "patient_status": "returning",
    "visit_type": "physical",
    "date_preference": "friday",
    "verify_name": "Emily Johnson",
    "slot_choice": "slot-1",
    "offered_slots": [{"id": "slot-1", "start": "2026-12-04T09:00:00"}],
}


@pytest.mark.parametrize(
    ("requested", "said"),
    [
        ("verify_dob", []),  # new times follow at once (they say the day)
        ("practitioner", ["utter_day_changed"]),
        ("slot_choice", []),  # the new offers say the day
    ],
)
def test_a_new_day_at_another_question_is_kept_and_said(requested: str, said: list[str]) -> None:
    # "What's your date of birth?" - "wait wrong day, tomorrow instead": the day was changed,
    # but only the next question followed, as if it was not heard.
    events, dispatcher = run_booking(
        "wait wrong day, tomorrow instead",
        slots={**FRIDAY_PICKED, "requested_slot": requested},
    )
    when = parse_when(str(slots_of(events)["date_preference"]), get_clinic().now())
    assert when is not None and when.start == get_clinic().now().date() + timedelta(days=1)
    assert responses(dispatcher) == said
    if requested == "verify_dob":
        # the time picked for Friday is dropped, the name given is kept
        assert slots_of(events)["slot_choice"] is None
        assert "verify_name" not in slots_of(events)
    if said:
        message = dispatcher.messages[0]
        assert message["when"] == when.describe()


def test_a_first_day_at_another_question_is_kept_and_said() -> None:
    # "Who would you like to see?" - "next tuesday afternoon": the same question alone, as if
    # it was not heard (and a later "2pm" was "Got it, I'll look at ... instead")
    events, dispatcher = run_booking(
        "next tuesday afternoon",
        slots={
            "patient_status": "returning",
            "visit_type": "sick",
            "requested_slot": "practitioner",
        },
    )
    when = parse_when(str(slots_of(events)["date_preference"]), get_clinic().now())
    assert when is not None and when.part_of_day == "afternoon"
    assert responses(dispatcher) == ["utter_day_noted"]
    assert dispatcher.messages[0]["when"] == when.describe()


@pytest.mark.parametrize(
    ("said", "response"),
    [
        ("afternoon if possible", "utter_day_noted"),  # the same Thursday, narrowed
        ("actually friday afternoon", "utter_day_changed"),  # another day
    ],
)
def test_a_part_of_day_added_to_the_day_given_is_no_change(said: str, response: str) -> None:
    # "can i see someone thursday" ... "Who would you like to see?" - "afternoon if possible":
    # "Got it, I'll look at Thu Dec 10 (afternoon) instead", though nothing was replaced.
    events, dispatcher = run_booking(
        said,
        slots={
            "patient_status": "returning",
            "visit_type": "sick",
            "date_preference": "thursday",
            "requested_slot": "practitioner",
        },
    )
    when = parse_when(str(slots_of(events)["date_preference"]), get_clinic().now())
    assert when is not None and when.part_of_day == "afternoon"
    assert responses(dispatcher) == [response]
    assert dispatcher.messages[0]["when"] == when.describe()


@pytest.mark.parametrize(
    ("said", "heard"),
    [
        ("north is fine", "Good, the North Office it is."),
        ("sam lee is good", "Good, Sam Lee, NP it is."),
    ],
)
def test_what_the_booking_has_said_again_is_heard_not_explained(said: str, heard: str) -> None:
    # A new patient chose Sam Lee (the North Office, his only one, was kept), then "north is
    # fine" at "What day or time works best?": "Sorry, I didn't catch a day there".
    slots = {
        "patient_status": "new",
        "visit_type": "new_patient",
        "practitioner": "lee",
        "location": "north",
        "requested_slot": "date_preference",
    }
    events, dispatcher = run_booking(said, slots=slots)
    assert slots_of(events)["requested_slot"] == "date_preference"
    assert texts(dispatcher) == [heard]
    # another office than the one kept is no repeat
    _, dispatcher = run_booking("the blue one", slots=slots)
    assert responses(dispatcher) == ["utter_explain_date_preference"]


def test_the_visit_kept_named_again_is_heard_not_explained() -> None:
    """ "what about for flu shots" started a vaccination booking; "can i get covid vaccine too"
    at "Have you been seen here before?" got "Please tap one of the options"."""
    slots = {"visit_type": "vaccination", "requested_slot": "patient_status"}
    events, dispatcher = run_booking(
        "can i get covid vaccine too", intent="book_appointment", slots=slots
    )
    assert slots_of(events)["requested_slot"] == "patient_status"
    assert dispatcher.messages[0]["response"] == "utter_same_visit_kept"
    assert dispatcher.messages[0]["visit"] == "vaccination"
    # another visit is no repeat: it is read as the visit asked for
    events, dispatcher = run_booking("actually a physical", intent="book_appointment", slots=slots)
    assert slots_of(events)["visit_type"] == "physical"
    assert responses(dispatcher) != ["utter_same_visit_kept"]


def test_a_first_day_with_the_last_question_answered_is_said_by_the_times() -> None:
    """ "Which office?" - "any weekday morning next week" (either office): the times come next
    and say the days; "Thanks, I'll look at Mon Dec 7 to Sun Dec 13" before them said it
    twice."""
    slots = {
        "patient_status": "returning",
        "visit_type": "follow_up",
        "practitioner": "patel",
        "requested_slot": "location",
    }
    events, dispatcher = run_booking("any weekday morning next week", slots=slots)
    found = slots_of(events)
    assert found["location"] == "any" and found["date_preference"]
    assert responses(dispatcher) == []
    # with the office still to choose, the day is said back
    events, dispatcher = run_booking("next week", slots={**slots, "requested_slot": "practitioner"})
    assert responses(dispatcher) == ["utter_day_noted"]


@pytest.mark.parametrize("text", ["march 3", "its 4/12", "tomorrow"])
def test_half_a_birth_date_is_no_new_day(text: str) -> None:
    # "march 3" answers "What's your date of birth?" (the year is asked next); no change cue
    events, _ = run_booking(
        text,
        slots={**FRIDAY_PICKED, "requested_slot": "verify_dob"},
    )
    assert "date_preference" not in slots_of(events) and "slot_choice" not in slots_of(events)


LIAM_BOOKING = {
    "verified": True,
    "patient_id": "p-liam",
    "patient_name": "Liam Nguyen",
    "patient_relation": "son",
    "patient_status": "returning",
    "visit_type": "vaccination",
    "practitioner": "any",
    "location": "downtown",
    "requested_slot": "date_preference",
}


@pytest.mark.parametrize(
    ("text", "own"),
    [
        ("i want to book for my daughter mia nguyen, dob 2/14/2020, flu shot too", None),
        ("oh and book me too, i need a physical", "writer"),
    ],
)
def test_another_persons_visit_asked_mid_booking_comes_right_after(
    text: str, own: str | None
) -> None:
    # "Sorry, I didn't catch a day there": Mia's request was lost, the day asked again.
    events, dispatcher = run_booking(text, intent="book_appointment", slots=LIAM_BOOKING)
    assert responses(dispatcher) == ["utter_second_request_later"]
    assert dispatcher.messages[0]["task"] == "Liam's booking"
    pending = slots_of(events)["pending_request"]
    assert pending["intent"] == "book_appointment" and pending["text"] == text
    assert pending.get("own") == own
    assert slots_of(events)["requested_slot"] == "date_preference"  # Liam's question again


def test_someone_coming_along_is_no_booking_for_them() -> None:
    _events, dispatcher = run_booking(
        "is it ok if my husband comes too", intent="faq", slots=LIAM_BOOKING
    )
    assert "utter_second_request_later" not in responses(dispatcher)


@pytest.mark.parametrize(
    ("text", "read_as", "requested", "slot", "value"),
    [
        ("ok patel then", "goodbye", "practitioner", "practitioner", "patel"),
        ("thanks, patel please", "thank", "practitioner", "practitioner", "patel"),
        ("ok north then, thanks", "goodbye", "location", "location", "north"),
    ],
)
def test_an_answer_with_ok_or_thanks_answers_the_question(
    text: str, read_as: str, requested: str, slot: str, value: str
) -> None:
    # "Take care! If you need anything else ...", and the question again.
    slots = {"patient_status": "returning", "visit_type": "physical", "requested_slot": requested}
    if requested == "location":
        slots["practitioner"] = "any"
    events, _ = run_booking(text, intent=read_as, slots=slots)
    assert slots_of(events)[slot] == value


@pytest.mark.parametrize(
    ("text", "requested", "slot", "value"),
    [
        # read as a billing question (1.0): the ways to pay, and the office asked again
        (
            "ugh this week has been awful im so stressed and overwhelmed. anyway downtown is fine",
            "location",
            "location",
            "downtown",
        ),
        ("sorry long day lol. anyway dr patel", "practitioner", "practitioner", "patel"),
    ],
)
def test_an_answer_after_an_aside_answers_the_question(
    text: str, requested: str, slot: str, value: str
) -> None:
    slots = {"patient_status": "returning", "visit_type": "physical", "requested_slot": requested}
    if requested == "location":
        slots["practitioner"] = "any"
    events, _ = run_booking(text, intent="billing_pay", slots=slots)
    assert slots_of(events)[slot] == value


@pytest.mark.parametrize(
    ("text", "visit"),
    [
        ("no same week as my physical, like wed or fri that week", None),
        ("a flu shot right after my checkup", "vaccination"),
        ("i need a physical", "physical"),
    ],
)
def test_another_visit_named_to_say_when_is_not_the_visit_booked(
    text: str, visit: str | None
) -> None:
    """Booking a flu shot, "no same week as my physical" made it a physical ("Book another one
    anyway? That would be your annual physical ...")."""
    found = read_search_details(text, [], get_clinic(), "date_preference")
    assert found.get("visit_type") == visit


def test_a_new_patients_details_given_with_the_request_are_kept(fhir_env: FhirServer) -> None:
    """ "hi new patient, james carter, 2/2/1980, need a checkup": the date of birth was
    dropped (and asked for again later)."""
    slots, _ = start_form(
        ValidateBookingForm(),
        "hi new patient, james carter, 2/2/1980, need a checkup",
        "book_appointment",
        {},
    )
    assert (slots["verify_name"], slots["verify_dob"]) == ("james carter", "1980-02-02")
    assert slots["patient_status"] == "new" and not slots.get("verified")
    # ...and a phone number given with them
    slots, _ = start_form(
        ValidateBookingForm(),
        "hi new patient, tom brennan dob 02/27/1985 cell 916 555 0190, need a physical",
        "book_appointment",
        {},
    )
    assert (slots["verify_dob"], slots["new_phone"]) == ("1985-02-27", "+19165550190")


@pytest.mark.parametrize(
    ("text", "read_as", "answers"),
    [
        ("no im new", "faq", True),
        ("yes i have", "faq", True),
        ("no i'm a new patient", "faq", True),
        ("do you take new patients?", "faq", False),
        ("what are your hours", "clinic_hours", False),
    ],
)
def test_a_short_answer_to_have_you_been_here_before_is_the_answer(
    text: str, read_as: str, answers: bool
) -> None:
    # "no im new" (a common question to the model) got the new-patients answer, and the same
    # question again.
    tracker = make_tracker(
        text,
        intent=read_as,
        confidence=0.9,
        active_loop="booking_form",
        slots={"requested_slot": "patient_status"},
    )
    assert ValidateBookingForm().should_let_through(tracker) is not answers


def test_a_plain_no_to_the_booking_never_offers_that_time_again() -> None:
    # the next search showed the same time first, as if the "no" had not been heard
    slots = {**READY, "verified": True, "slot_choice": "s1", "requested_slot": "booking_confirmed"}
    events, dispatcher = run_booking("no", intent="deny", slots={**slots, "excluded_slots": ["s0"]})
    assert responses(dispatcher) == ["utter_booking_not_confirmed"]
    changed = slots_of(events)
    assert changed["excluded_slots"] == ["s0", "s1"]
    assert (changed["slot_choice"], changed["offered_slots"], changed["booking_confirmed"]) == (
        None,
        None,
        None,
    )
    assert changed["requested_slot"] == "slot_choice"


@pytest.mark.parametrize("requested", ["date_preference", "slot_choice"])
@pytest.mark.parametrize(
    "text",
    ["wait who is my appt with again?", "is that still with dr patel?", "sorry when is it now?"],
)
def test_asking_about_the_appointment_being_moved_says_it_and_goes_on(
    requested: str, text: str
) -> None:
    # the appointment list came instead, and the move was dropped unsaid: "ok next tuesday"
    # then got "What can I help you with?"
    slots = {**MOVING, "requested_slot": requested, "slot_choice": None}
    read_as = "ask_clinicians" if "still" in text else "check_appointment"
    tracker = make_tracker(text, intent=read_as, active_loop="reschedule_form", slots=slots)
    dispatcher = CollectingDispatcher()
    events = ValidateRescheduleForm().run(dispatcher, tracker, {})
    assert responses(dispatcher) == ["utter_moving_recap"]
    assert "vaccination with Dr. Priya Patel on Wed Dec 2" in dispatcher.messages[0]["summary"]
    assert slots_of(events) == {requested: None, "requested_slot": requested}
    # asking for the whole list still gets it
    tracker = make_tracker(
        "what other appointments do i have",
        intent="check_appointment",
        active_loop="reschedule_form",
        slots=slots,
    )
    dispatcher = CollectingDispatcher()
    ValidateRescheduleForm().run(dispatcher, tracker, {})
    assert "utter_moving_recap" not in responses(dispatcher)


def test_a_time_read_as_a_look_up_while_moving_is_a_time() -> None:
    # "9am" at the times shown (a look-up, 0.87): "The appointment we're moving is ...", and
    # the same three times again
    slots = {**MOVING, "requested_slot": "slot_choice", "slot_choice": None}
    tracker = make_tracker(
        "9am",
        intent="check_appointment",
        confidence=0.87,
        active_loop="reschedule_form",
        slots=slots,
    )
    dispatcher = CollectingDispatcher()
    events = ValidateRescheduleForm().run(dispatcher, tracker, {})
    assert "utter_moving_recap" not in responses(dispatcher)
    assert "9am" in str(slots_of(events).get("date_preference"))


def test_a_childrens_visit_with_a_family_doctor_is_the_visit_she_does() -> None:
    # "Dr. Patel doesn't see patients for a well-child visit", again at "doesnt dr patel see
    # kids?": the physical she does for children too
    text = "my 15 year old needs a sports physical for school, can he see dr patel"
    events, dispatcher = run_booking(text, intent="book_appointment")
    changed = slots_of(events)
    assert (changed["visit_type"], changed["practitioner"]) == ("physical", "patel")
    assert "utter_practitioner_not_for_visit" not in responses(dispatcher)
    # with the pediatrician, it stays the children's visit
    events, _ = run_booking(
        "a sports physical for my son with dr okafor", intent="book_appointment"
    )
    assert slots_of(events)["visit_type"] == "well_child"


@pytest.mark.parametrize(
    ("before", "expected"),
    [("something in the afternoon?", "3pm?"), ("next tuesday afternoon", "next tuesday 3pm?")],
)
def test_a_time_after_a_part_of_the_day_is_searched(before: str, expected: str) -> None:
    # "something in the afternoon?" then "3pm?" searched "something in the 3pm?", which no
    # search could read: the first mornings were offered
    found = read_search_details("3pm?", [], get_clinic(), "slot_choice", before)
    assert found["date_preference"] == expected
    assert parse_when(found["date_preference"], get_clinic().now()) is not None


def test_a_time_the_model_read_keeps_the_days_asked() -> None:
    # "thursday morning", then "the 9am one" (none of the times shown was at 9): the words
    # alone read as no time, the model's "9am" did, and searched 9am over two weeks (Tuesday
    # first) instead of Thursday's
    entities = [{"entity": "date", "value": "9am"}]
    found = read_search_details(
        "the 9am one", entities, get_clinic(), "slot_choice", "thursday morning"
    )
    assert found["date_preference"] == "thursday 9am"
    when = parse_when(found["date_preference"], get_clinic().now())
    assert when is not None and when.start == when.end and when.start.weekday() == 3


@pytest.mark.parametrize(
    "text",
    [
        "nooo i didnt want to cancel that",
        "wait i didnt want to cancel that!!",
        "can you change it back?",
    ],
)
def test_undoing_a_cancellation_in_other_words_cancels_nothing_else(text: str) -> None:
    # read as a cancellation (or a move): the patient's other appointment was offered to be
    # cancelled, or moved, one tap away. The guard makes it a stop, which says it is done.
    from addons.task_words_guard import TaskWordsGuard
    from tests.support.nlu_text import parsed_message

    [message] = TaskWordsGuard().process(
        [parsed_message(text, "cancel_appointment", 0.9, "reschedule_appointment", 0.05)]
    )
    assert message.get("intent")["name"] == "stop"
    dispatcher = CollectingDispatcher()
    events = ActionStop().run(dispatcher, make_tracker(text, intent="stop", events=CANCELLED), {})
    assert responses(dispatcher) == ["utter_cancel_not_undone"]
    assert not [e for e in events if e.get("event") == "user"]  # no cancellation replayed


@pytest.mark.parametrize(
    "text", ["no leave it", "i dont want to move it anymore", "no, leave it as is"]
)
def test_leaving_the_appointment_as_it_is_ends_the_move(text: str) -> None:
    # "What other day or time would work for you?", or "I didn't catch a day", again and again
    slots = {**MOVING, "requested_slot": "date_preference", "slot_choice": None}
    tracker = make_tracker(text, intent="deny", active_loop="reschedule_form", slots=slots)
    events = slots_of(ValidateRescheduleForm().run(CollectingDispatcher(), tracker, {}))
    assert events["booking_confirmed"] is False and events["requested_slot"] is None


@pytest.mark.parametrize(("text", "intent"), [("any other times?", "inform"), ("nope", "deny")])
def test_times_turned_down_in_a_move_are_not_shown_again(text: str, intent: str) -> None:
    slots = {**MOVING, "requested_slot": "slot_choice", "slot_choice": None}
    tracker = make_tracker(text, intent=intent, active_loop="reschedule_form", slots=slots)
    dispatcher = CollectingDispatcher()
    events = slots_of(ValidateRescheduleForm().run(dispatcher, tracker, {}))
    assert events["offered_slots"] is None and events["excluded_slots"] == ["s1"]
    assert ("date_preference" in events) == (intent == "deny")  # other times: the same days
    assert responses(dispatcher) == ["utter_ask_other_time"]


def test_a_returning_patients_details_kept_unchecked_are_checked_before_the_yes(
    fhir_env: FhirServer,
) -> None:
    """ "Has your daughter been seen before?" - "Marisol Quint" - "05/14/2015" (kept, never
    checked) ... "1": "Just to check: Marisol's well-child visit …", and "Yes, book it" got "I've
    stopped there. Nothing was changed." The date of birth is asked, and the check runs."""
    kept = {
        "patient_status": "returning",
        "visit_type": "well_child",
        "practitioner": "okafor",
        "location": "downtown",
        "date_preference": "next friday",
        "verify_name": "Marisol Quint",
        "verify_dob": "2015-05-14",
        "offered_slots": [{"id": "slot-1", "start": "2026-12-11T08:30:00"}],
        "requested_slot": "slot_choice",
    }
    events, _ = run_booking("1", slots=kept)
    slots = slots_of(events)
    assert slots["slot_choice"] == "slot-1"
    assert slots["verify_dob"] is None and slots["requested_slot"] == "verify_dob"
    # ...while a new patient's details need no check (they are registered)
    events, _ = run_booking("1", slots={**kept, "patient_status": "new", "new_phone": "x"})
    assert slots_of(events)["requested_slot"] == "booking_confirmed"


@pytest.mark.parametrize(
    ("text", "read_as"),
    [
        ("anyone", "clinic_hours"),
        ("dont care", "out_of_scope"),
        ("idk thats why im asking", "out_of_scope"),  # "not something I can help with"
    ],
)
def test_no_preference_read_as_another_question_is_no_preference(text: str, read_as: str) -> None:
    # "anyone" at "Who would you like to see?" got the offices' hours, "dont care" "Sorry,
    # that's not something I can help with here"
    asking = {"visit_type": "sick", "patient_status": "returning", "requested_slot": "practitioner"}
    tracker = make_tracker(text, intent=read_as, slots=asking, active_loop="booking_form")
    assert not ValidateBookingForm().should_let_through(tracker)
    events = ValidateBookingForm().run(CollectingDispatcher(), tracker, {})
    assert SlotSet("practitioner", "any") in events


def test_a_balance_question_mid_booking_is_kept_for_after_it() -> None:
    """ "do i still owe anything?" while times were shown: the balance, and the times were
    never offered again (the balance check is a task of its own, which ended the booking)."""
    showing = {
        "patient_status": "returning",
        "visit_type": "sick",
        "offered_slots": [{"id": "slot-1", "start": "2026-12-09T10:00:00"}],
        "requested_slot": "slot_choice",
    }
    events, dispatcher = run_booking(
        "do i still owe anything?", intent="billing_balance", slots=showing
    )
    assert responses(dispatcher) == ["utter_balance_after_task"]
    assert events == [
        SlotSet(
            "pending_request", {"intent": "billing_balance", "text": "do i still owe anything?"}
        ),
        SlotSet("slot_choice", None),
        SlotSet("requested_slot", "slot_choice"),
    ]
    # ...answered when the booking is stopped
    asked = {**showing, "pending_request": {"intent": "billing_balance", "text": "what do i owe"}}
    tracker = make_tracker("never mind", intent="stop", slots=asked, active_loop="booking_form")
    stopped = ActionStop().run(CollectingDispatcher(), tracker, {})
    [replay] = [e for e in stopped if e.get("event") == "user"]
    assert replay["parse_data"]["intent"]["name"] == "billing_balance"
    # ...and a balance question while another waits is the balance check's, as before
    events, dispatcher = run_booking(
        "what do i owe",
        intent="billing_balance",
        slots={
            **asked,
            "pending_request": {"intent": "cancel_appointment", "text": "cancel my physical"},
        },
    )
    assert "utter_balance_after_task" not in responses(dispatcher)


@pytest.mark.parametrize(
    ("text", "picked"),
    [("same time pls", "s2"), ("the same time if possible", "s2"), ("same time", "s2")],
)
def test_same_time_at_the_times_a_week_later_picks_the_one_at_its_time(
    text: str, picked: str
) -> None:
    """ "push my physical back a week" showed Tue 8:30, 9:00 and 9:30 a week later; "same time
    pls" searched the next two weeks from today at 9:00 instead of taking the 9:00 shown."""
    physical = {
        "id": "a",
        "start": next_month_on(8, 9),
        "visit_type": "physical",
        "practitioner": "patel",
        "location": "north",
    }
    a_week_later = datetime.fromisoformat(physical["start"]) + timedelta(days=7)
    shown = [
        {"id": f"s{n}", "start": (a_week_later + timedelta(minutes=m)).isoformat()}
        for n, m in ((1, -30), (2, 0), (3, 30))
    ]
    slots = {
        "verified": True,
        "patient_id": "p1",
        "my_appointments": [physical],
        "appointment_choice": "a",
        "visit_type": "physical",
        "date_preference": "push my physical back a week",
        "offered_slots": shown,
        "requested_slot": "slot_choice",
    }
    tracker = make_tracker(text, intent="inform", slots=slots, active_loop="reschedule_form")
    found = slots_of(ValidateRescheduleForm().run(CollectingDispatcher(), tracker, {}))
    assert found.get("slot_choice") == picked
    assert "date_preference" not in found


@pytest.mark.parametrize(
    ("text", "requested", "office"),
    [
        ("no the OTHER office", "slot_choice", "downtown"),
        ("i meant the other office", "booking_confirmed", "downtown"),
        ("downtown, the other office is too far", "slot_choice", "downtown"),
        ("not the other office, this one is fine", "slot_choice", None),
    ],
)
def test_the_other_office_at_the_times_shown_is_searched(
    text: str, requested: str, office: str | None
) -> None:
    """ "no the OTHER office" at the North times got the same North times, three times over."""
    slots = {**READY, "practitioner": "any", "slot_choice": "s1", "requested_slot": requested}
    events, _ = run_booking(text, slots=slots)
    assert slots_of(events).get("location") == office


def test_an_appointment_is_picked_by_its_month_or_as_todays() -> None:
    """ "cancel the january one" and "the one today" (one of each) listed every appointment,
    then "Please tap one of the options"."""
    clinic = get_clinic()
    today = clinic.now().date()

    def at(day: date, hour: int) -> str:
        return datetime.combine(day, time(hour), clinic.tz).isoformat()

    items = [
        {"start": at(today, 17), "visit_type": "sick", "practitioner": "lee"},
        {"start": at(today + timedelta(days=40), 9), "visit_type": "physical"},
        {"start": at(today + timedelta(days=3), 9), "visit_type": "physical"},
    ]
    month = datetime.fromisoformat(items[1]["start"]).strftime("%B").lower()
    assert choice_by_description(f"cancel the {month} one", items, clinic) == 1
    assert choice_by_description(f"the one in {month[:3]}", items, clinic) == 1
    assert choice_by_description("the one today", items, clinic) == 0
    assert choice_by_description("i cant make it to my appt today", items, clinic) == 0
    assert choice_by_description("the physical", items, clinic) is None  # two of them
    # with its time: "cancel my 9am today" listed both 9ams
    items[0]["start"] = at(today, 9)
    for text in ("cancel my 9am today", "the 9 am one today", "cancel today's 9am"):
        assert choice_by_description(text, items, clinic) == 0, text
    assert choice_by_description("cancel my 9am", items, clinic) is None


def test_the_days_said_with_the_openings_leave_out_closed_days_at_either_end() -> None:
    # "Here are the openings I found for Mon Dec 14 to Sun Dec 20": no office opens on Sundays
    clinic = get_clinic()
    week = When(date(2026, 12, 14), date(2026, 12, 20))
    assert open_days(week, None, clinic).describe() == "Mon Dec 14 to Sat Dec 19"
    assert open_days(week, "north", clinic).describe() == "Mon Dec 14 to Fri Dec 18"
    weekend = When(date(2026, 12, 12), date(2026, 12, 13), part_of_day="morning")
    assert open_days(weekend, None, clinic).describe() == "Sat Dec 12 (morning)"
    # all closed: as asked (the reason is said with the nearest openings)
    assert open_days(weekend, "north", clinic) == weekend


def test_when_to_come_and_what_to_bring_is_said_to_whoever_booked() -> None:
    # "Please arrive 15 minutes early with your photo ID" told a wife who booked her husband's
    # physical to bring her own
    assert arrival_sentence("your", False, "15 minutes early") == (
        "Please arrive 15 minutes early with your photo ID and insurance card."
    )
    assert arrival_sentence("Robert's", False, "15 minutes early") == (
        "Please have Robert arrive 15 minutes early with their photo ID and insurance card."
    )
    assert arrival_sentence("Liam's", True, "when the office opens at 8:00am") == (
        "Please bring Liam when the office opens at 8:00am, with Liam's insurance card and your "
        "photo ID."
    )


def _asked(text: str) -> dict[str, Any]:
    return {"event": "user", "text": text, "parse_data": {"intent": {"name": "faq"}}}


def _answered(text: str) -> dict[str, Any]:
    return {"event": "bot", "text": text, "data": {}}


QUESTIONS_BEFORE = [
    _asked("first, do i need a referral to see dr gonzalez"),
    _answered("You don't need a referral to see our clinicians, and I can book you here."),
    _asked("second, how long are physicals usually"),
    _answered("Most visits are booked for 30 minutes with your provider."),
]


@pytest.mark.parametrize(
    ("text", "wanted", "said"),
    [
        # "What kind of visit do you need?", then who, both just said
        (
            "ok and can you book me one with her",
            {"visit_type": "physical", "practitioner": None},
            ["utter_practitioner_not_for_visit"],  # she does women's health only
        ),
        ("can you book me one", {"visit_type": "physical"}, []),
        ("book me with her", {"practitioner": "gonzalez"}, []),
        ("book me a sick visit", {"visit_type": "sick"}, []),  # said now: that one
        ("i need to book an appointment", {}, []),  # no "one": asked as before
    ],
)
def test_a_booking_that_refers_back_takes_the_visit_and_clinician_just_asked_about(
    text: str, wanted: dict[str, Any], said: list[str]
) -> None:
    events, dispatcher = run_booking(text, "book_appointment", events=QUESTIONS_BEFORE)
    changed = slots_of(events)
    assert {k: changed.get(k) for k in ("visit_type", "practitioner") if k in changed} == wanted
    assert responses(dispatcher) == said


def test_only_a_visit_asked_for_as_one_refers_back() -> None:
    clinic = get_clinic()
    for text in ("can i get one", "please schedule me one", "book it for me"):
        assert visit_named_before(text, [*QUESTIONS_BEFORE, _asked(text)], clinic) is not None
    for text in ("i need an appointment", "one more thing, book a visit", "i get that"):
        assert visit_named_before(text, [*QUESTIONS_BEFORE, _asked(text)], clinic) is None


def _offered(text: str, payload: str) -> dict[str, Any]:
    return {
        "event": "bot",
        "text": text,
        "data": {"buttons": [{"title": "Book", "payload": payload}]},
    }


@pytest.mark.parametrize(
    ("question", "tapped", "shown", "wanted"),
    [
        # a typed "yes" kept the evening; the tapped button asked "What day or time works best?"
        ("do you have any evening hours", "/book_appointment", "/book_appointment", True),
        ("can i come in next thursday", "/book_appointment", "/book_appointment", True),
        ("do you do physicals", "/book_appointment", "/book_appointment", False),  # no when
        # a booking button from further back (not under the answer): the question is not its
        ("do you have any evening hours", "/book_appointment", "/request_human", False),
    ],
)
def test_a_tapped_booking_button_keeps_when_the_question_under_it_asked_for(
    question: str, tapped: str, shown: str, wanted: bool
) -> None:
    before = [_asked(question), _offered("Yes. I can look for a time then.", shown)]
    events, _ = run_booking(tapped, "book_appointment", events=before)
    assert ("date_preference" in slots_of(events)) is wanted
    if wanted:
        assert slots_of(events)["date_preference"] == question


def test_the_wait_for_a_visit_is_answered_with_the_soonest_times() -> None:
    # "how long is the wait for an appointment": how long a visit lasts was said
    events, dispatcher = run_booking("how long is the wait for an appointment", "book_appointment")
    assert slots_of(events)["date_preference"] == "as soon as possible"
    assert dispatcher.messages[0]["text"] == (
        "It depends on the kind of visit and who you see, so I'll look up the soonest times for "
        "you."
    )
    # a day said with it is kept
    events, dispatcher = run_booking(
        "how far out are you booking, anything friday?", "book_appointment"
    )
    assert slots_of(events)["date_preference"] != "as soon as possible"
