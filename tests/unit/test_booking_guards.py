"""Booking guards against the real embedded FHIR backend: no second appointment at a time the
patient is already booked, a word before a second visit of the same kind a few days apart, the
appointment being moved does not block its own reschedule, and no children-only clinician for an
adult. Real ``Tracker``/``CollectingDispatcher``; exact events and responses."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

import pytest
from rasa_sdk.events import FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.booking import ValidateBookingForm
from actions.booking_choices import (
    ActionAskLocation,
    ActionAskPractitioner,
    ActionAskVisitType,
    offices_on_days_asked,
)
from actions.booking_guards import age_spoken, check_offer, same_visit_nearby, visits_phrase
from actions.booking_times import (
    ActionAskBookingConfirmed,
    ActionAskSlotChoice,
    ActionBookAppointment,
)
from actions.cancel_appointment import ActionAskCancelConfirmed
from actions.clients.fhir import FhirClient
from actions.clients.fhir_model import AppointmentRecord, SlotRecord
from actions.clinic_config import ClinicConfig
from actions.dates import age_on, day_label
from actions.formatting import address_line, clock, day_and_time
from actions.manage_appointments import appointment_item
from actions.patient_status import ActionAskPatientStatus, patient_status
from actions.relatives import child_named
from actions.reschedule_appointment import ActionRescheduleAppointment, ValidateRescheduleForm
from actions.settings import get_clinic
from actions.slot_search import offer_from_slot
from tests.support.actions import make_tracker, responses
from tests.support.fhir_servers import FhirServer


def patient_id(client: FhirClient, given: str, family: str) -> str:
    [patient] = client.find_patients(family=family, given=given)
    return patient.id


def free_slots(client: FhirClient, days: int = 14, **kwargs: Any) -> list[SlotRecord]:
    now = client.clinic.now()
    return client.find_free_slots(
        start=now + timedelta(hours=2), end=now + timedelta(days=days), limit=500, **kwargs
    )


def slot_at(
    client: FhirClient, start: datetime, visit_type: str, not_with: str
) -> SlotRecord | None:
    """A free slot of another practitioner who sees adults, starting exactly at ``start``."""
    found = client.find_free_slots(
        start=start, end=start + timedelta(minutes=1), visit_type=visit_type, limit=50
    )
    others = [s for s in found if s.practitioner_id not in (not_with, "okafor")]
    return next((s for s in others if s.start == start), None)


def offer(slot: SlotRecord, client: FhirClient) -> dict[str, Any]:
    return offer_from_slot(slot, client.clinic)


def booking_slots(pid: str, offers: list[dict[str, Any]], **extra: Any) -> dict[str, Any]:
    return {
        "patient_status": "returning",
        "visit_type": "sick",
        "practitioner": "any",
        "location": "any",
        "date_preference": "next week",
        "offered_slots": offers,
        "verified": True,
        "patient_id": pid,
        **extra,
    }


def pick(text: str, slots: dict[str, Any], form: Any = None) -> tuple[list, CollectingDispatcher]:
    form = form or ValidateBookingForm()
    dispatcher = CollectingDispatcher()
    tracker = make_tracker(
        text,
        intent="inform",
        slots={**slots, "requested_slot": "slot_choice"},
        active_loop=form.form_name,
    )
    return form.run(dispatcher, tracker, {}), dispatcher


# --- 1. no second appointment at the same time -------------------------------------------------


def test_a_time_already_booked_is_refused_and_other_times_offered(fhir_env: FhirServer) -> None:
    client = fhir_env.client()
    clinic = client.clinic
    pid = patient_id(client, "Robert", "Miller")
    # Sam Lee's first morning slot at the North Office, and another clinician at that same time.
    pair = None
    for lee in free_slots(client, practitioner="lee", visit_type="sick"):
        local = lee.start.astimezone(clinic.tz)
        if (local.hour, local.minute) == (7, 30):
            other = slot_at(client, lee.start, "follow_up", not_with="lee")
            if other is not None:
                pair = (lee, other)
                break
    assert pair is not None, "seed has no clinician beside Sam Lee at 7:30"
    lee, other = pair
    client.book(patient_id=pid, slot_id=lee.id, visit_type="sick")

    # Picking the other clinician's slot at that time: said kindly, and asked again.
    day = day_label(lee.start.astimezone(clinic.tz))
    slots = booking_slots(pid, [offer(other, client)], visit_type="follow_up", date_preference=day)
    events, dispatcher = pick("1", slots)
    assert events == [
        SlotSet("slot_choice", None),
        SlotSet("offered_slots", None),
        SlotSet("excluded_slots", [other.id]),
        SlotSet("requested_slot", "slot_choice"),
    ]
    assert responses(dispatcher) == ["utter_already_booked_then"]
    [message] = dispatcher.messages
    assert message["existing"] == "your sick visit with Sam Lee, NP"
    assert message["when"] == day_and_time(lee.start, clinic)

    # The next offers that day leave the booked time out (the 7:30 slots come first otherwise).
    dispatcher = CollectingDispatcher()
    after = {**slots, "slot_choice": None, "offered_slots": None}
    [event] = ActionAskSlotChoice().run(
        dispatcher, make_tracker("", slots=after, active_loop="booking_form"), {}
    )
    offers = event["value"]
    assert offers and all(datetime.fromisoformat(o["start"]) >= lee.end for o in offers)
    assert responses(dispatcher) == ["utter_offer_slots"]

    # And the booking itself checks again (e.g. the other appointment was made meanwhile).
    confirmed = {**slots, "slot_choice": other.id, "booking_confirmed": True}
    dispatcher = CollectingDispatcher()
    events = ActionBookAppointment().run(dispatcher, make_tracker("yes", slots=confirmed), {})
    assert responses(dispatcher) == ["utter_already_booked_then"]
    assert events == [
        SlotSet("slot_choice", None),
        SlotSet("offered_slots", None),
        SlotSet("excluded_slots", [other.id]),
        SlotSet("booking_confirmed", None),
        FollowupAction("booking_form"),
    ]
    assert [a.slot_id for a in client.upcoming_appointments(pid)] == [lee.id]


# --- 2. a second visit of the same kind a few days apart --------------------------------------


def emily_and_a_second_physical(client: FhirClient) -> tuple[str, AppointmentRecord, SlotRecord]:
    pid = patient_id(client, "Emily", "Johnson")
    [physical] = client.upcoming_appointments(pid)
    assert physical.visit_type == "physical" and physical.start is not None
    day_after = physical.start + timedelta(days=1)
    slot = next(
        s
        for s in free_slots(client, days=21, practitioner="patel", visit_type="physical")
        if s.start >= day_after and s.start - physical.start <= timedelta(days=3)
    )
    return pid, physical, slot


def test_the_same_kind_of_visit_days_apart_is_pointed_out(fhir_env: FhirServer) -> None:
    client = fhir_env.client()
    clinic = client.clinic
    pid, physical, slot = emily_and_a_second_physical(client)
    slots = booking_slots(pid, [offer(slot, client)], visit_type="physical")

    # Not the same time: the pick stands, and the confirmation question says what she has.
    events, dispatcher = pick("1", slots)
    assert events == [
        SlotSet("slot_choice", slot.id),
        SlotSet("requested_slot", "booking_confirmed"),
    ]
    assert dispatcher.messages == []
    chosen = {**slots, "slot_choice": slot.id}
    dispatcher = CollectingDispatcher()
    tracker = make_tracker("1", slots=chosen, active_loop="booking_form")
    assert ActionAskBookingConfirmed().run(dispatcher, tracker, {}) == []
    [question] = dispatcher.messages
    assert question["response"] == "utter_confirm_booking_again"
    # with its time and clinician (the day alone led to a second visit the same day)
    assert question["existing"] == (
        f"an annual physical on {day_and_time(physical.start, clinic)} with Dr. Priya Patel"
    )
    assert question["summary"].startswith("your annual physical with ")

    # "No": nothing is booked, and the form ends.
    dispatcher = CollectingDispatcher()
    tracker = make_tracker(
        "no",
        intent="deny",
        slots={**chosen, "requested_slot": "booking_confirmed"},
        active_loop="booking_form",
    )
    events = ValidateBookingForm().run(dispatcher, tracker, {})
    assert events == [SlotSet("booking_confirmed", False), SlotSet("requested_slot", None)]
    assert responses(dispatcher) == ["utter_duplicate_not_booked"]
    assert dispatcher.messages[0]["existing"] == question["existing"]
    assert dispatcher.messages[0]["it"] == "it"  # "one of them" when there are two
    dispatcher = CollectingDispatcher()
    events = ActionBookAppointment().run(
        dispatcher, make_tracker("no", slots={**chosen, "booking_confirmed": False}), {}
    )
    assert dispatcher.messages == []
    assert all(e["event"] == "slot" and e["value"] is None for e in events)
    assert [a.id for a in client.upcoming_appointments(pid)] == [physical.id]

    # "Yes, book another": booked.
    dispatcher = CollectingDispatcher()
    ActionBookAppointment().run(
        dispatcher, make_tracker("yes", slots={**chosen, "booking_confirmed": True}), {}
    )
    assert responses(dispatcher) == ["utter_booked"]
    assert len(client.upcoming_appointments(pid)) == 2


def test_a_yearly_visit_is_pointed_out_whenever_the_other_one_is() -> None:
    """A second physical weeks after the first was booked without a word (insurance usually
    pays for one a year); a second sick visit weeks later is ordinary."""
    clinic = get_clinic()
    first = datetime(2026, 12, 18, 8, 0, tzinfo=clinic.tz)

    def booked(visit_type: str) -> AppointmentRecord:
        return AppointmentRecord(
            "a1",
            "booked",
            first,
            first + timedelta(minutes=30),
            "s1",
            "p1",
            "patel",
            "downtown",
            "Dr. Priya Patel",
            "Downtown Clinic",
            visit_type,
            "",
        )

    weeks_before = {"start": (first - timedelta(days=16)).isoformat()}
    days_before = {"start": (first - timedelta(days=2)).isoformat()}
    for visit in ("physical", "well_child", "womens_health"):
        assert same_visit_nearby(weeks_before, visit, [booked(visit)], clinic), visit
    assert not same_visit_nearby(weeks_before, "sick", [booked("sick")], clinic)
    assert same_visit_nearby(days_before, "sick", [booked("sick")], clinic)
    assert not same_visit_nearby(weeks_before, "physical", [booked("sick")], clinic)


def test_an_ordinary_confirmation_has_no_warning(fhir_env: FhirServer) -> None:
    client = fhir_env.client()
    pid = patient_id(client, "Mary Ann", "O'Brien")
    [slot, *_] = free_slots(client, practitioner="lee", visit_type="physical")
    slots = booking_slots(pid, [offer(slot, client)], visit_type="physical", slot_choice=slot.id)
    dispatcher = CollectingDispatcher()
    ActionAskBookingConfirmed().run(
        dispatcher, make_tracker("", slots=slots, active_loop="booking_form"), {}
    )
    assert responses(dispatcher) == ["utter_confirm_booking"]


def test_another_visit_the_same_day_is_named_at_the_confirmation(fhir_env: FhirServer) -> None:
    """A flu shot picked for the day of a booked physical was confirmed without a word of it
    (at the other office, too, the patient would have learnt of it on the day)."""
    client = fhir_env.client()
    clinic = client.clinic
    patient = client.create_patient("Noor", "Haddad", date(1984, 5, 2))
    physicals = free_slots(client, days=30, practitioner="patel", visit_type="physical")
    for booked in physicals:
        same_day = [
            s
            for s in free_slots(client, days=30, visit_type="vaccination")
            if s.start.astimezone(clinic.tz).date() == booked.start.astimezone(clinic.tz).date()
            and abs(s.start - booked.start) >= timedelta(hours=1)
        ]
        if same_day:
            break
    client.book(patient.id, booked.id, "physical")
    [physical] = client.upcoming_appointments(patient.id)
    assert physical.start is not None
    slot = same_day[0]
    slots = booking_slots(
        patient.id, [offer(slot, client)], visit_type="vaccination", slot_choice=slot.id
    )
    dispatcher = CollectingDispatcher()
    ActionAskBookingConfirmed().run(
        dispatcher, make_tracker("", slots=slots, active_loop="booking_form"), {}
    )
    [question] = dispatcher.messages
    assert question["response"] == "utter_confirm_booking"
    place = f" at the {physical.location_name}" if physical.location_id != slot.location_id else ""
    assert question["summary"].endswith(
        f" (you also have an annual physical at {clock(physical.start, clinic)}{place} that day)"
    )


# --- 3. rescheduling is not blocked by the appointment being moved -----------------------------


def test_reschedule_to_the_same_time_with_someone_else(fhir_env: FhirServer) -> None:
    client = fhir_env.client()
    clinic = client.clinic
    pid = patient_id(client, "Carlos", "Rivera")
    [current] = client.upcoming_appointments(pid)
    assert current.start is not None
    other = slot_at(client, current.start, "follow_up", not_with=current.practitioner_id)
    assert other is not None, "seed has no other clinician at the time of Carlos's follow-up"
    item = appointment_item(current, clinic)
    slots = {
        "verified": True,
        "patient_id": pid,
        "my_appointments": [item],
        "appointment_choice": current.id,
        "visit_type": "follow_up",
        # (named: the other clinician at that time may be one "no preference" leaves out)
        "practitioner": other.practitioner_id,
        "location": "any",
        # The day of the current appointment, from just before its time.
        "date_preference": day_label(current.start.astimezone(clinic.tz))
        + " after "
        + day_and_time(current.start - timedelta(minutes=1), clinic).split(", ")[1],
    }
    # The search does not count the appointment being moved as busy...
    dispatcher = CollectingDispatcher()
    [event] = ActionAskSlotChoice().run(
        dispatcher, make_tracker("", slots=slots, active_loop="reschedule_form"), {}
    )
    assert any(o["start"] == item["start"] for o in event["value"])
    # ...nor does picking the new time, nor the change itself.
    events, dispatcher = pick(
        "1", {**slots, "offered_slots": [offer(other, client)]}, ValidateRescheduleForm()
    )
    assert events == [
        SlotSet("slot_choice", other.id),
        SlotSet("requested_slot", "booking_confirmed"),
    ]
    assert dispatcher.messages == []
    confirmed = {
        **slots,
        "offered_slots": [offer(other, client)],
        "slot_choice": other.id,
        "booking_confirmed": True,
    }
    dispatcher = CollectingDispatcher()
    events = ActionRescheduleAppointment().run(dispatcher, make_tracker("yes", slots=confirmed), {})
    assert responses(dispatcher) == ["utter_rescheduled"]
    assert [a.slot_id for a in client.upcoming_appointments(pid)] == [other.id]
    # the old time is kept for "put it back to the original time"
    assert SlotSet("moved_from", item["start"]) in events


def test_a_move_to_another_office_says_where_it_is_now(fhir_env: FhirServer) -> None:
    """ "All set: … now with Sam Lee, NP … at the North Office" gave no address: the patient
    could have gone to the old office."""
    client = fhir_env.client()
    clinic = client.clinic
    pid = patient_id(client, "Carlos", "Rivera")
    [current] = client.upcoming_appointments(pid)
    item = appointment_item(current, clinic)
    elsewhere = next(
        s
        for s in free_slots(client, practitioner="patel", visit_type="follow_up")
        if s.location_id != current.location_id
        and abs(s.start - current.start) > timedelta(hours=2)
    )
    confirmed = {
        "verified": True,
        "patient_id": pid,
        "patient_name": "Carlos Rivera",
        "my_appointments": [item],
        "appointment_choice": item["id"],
        "visit_type": item["visit_type"],
        "offered_slots": [offer(elsewhere, client)],
        "slot_choice": elsewhere.id,
        "booking_confirmed": True,
    }
    dispatcher = CollectingDispatcher()
    ActionRescheduleAppointment().run(dispatcher, make_tracker("yes", slots=confirmed), {})
    [said] = dispatcher.messages
    assert said["response"] == "utter_rescheduled"
    assert said["where"] == (
        f" It's at a different office now: {address_line(elsewhere.location_id, clinic)}."
    )


# --- 4. children-only clinicians ---------------------------------------------------------------


def okafor_slot(client: FhirClient, avoid: AppointmentRecord | None = None) -> SlotRecord:
    return next(
        s
        for s in free_slots(client, practitioner="okafor", visit_type="vaccination")
        if avoid is None or avoid.start is None or s.start.date() != avoid.start.date()
    )


def verify_after_pick(
    name: str, dob: str, slots: dict[str, Any]
) -> tuple[list, CollectingDispatcher]:
    dispatcher = CollectingDispatcher()
    tracker = make_tracker(
        dob,
        intent="inform",
        slots={**slots, "verify_name": name, "requested_slot": "verify_dob"},
        active_loop="booking_form",
    )
    return ValidateBookingForm().run(dispatcher, tracker, {}), dispatcher


def flu_shot_with_whoever(slot: SlotRecord, client: FhirClient) -> dict[str, Any]:
    """ "book a flu shot", "whoever", "next week", the pediatrician's slot picked; not yet
    verified (identity comes after the slot in this flow)."""
    return {
        "patient_status": "returning",
        "visit_type": "vaccination",
        "practitioner": "any",
        "location": "any",
        "date_preference": "next week",
        "offered_slots": [offer(slot, client)],
        "slot_choice": slot.id,
    }


def test_an_adult_is_not_booked_with_the_pediatrician(fhir_env: FhirServer) -> None:
    client = fhir_env.client()
    pid = patient_id(client, "Aisha", "Khan")
    slot = okafor_slot(client)
    slots = flu_shot_with_whoever(slot, client)

    events, dispatcher = verify_after_pick("Aisha Khan", "01/22/1992", slots)
    assert SlotSet("verified", True) in events and SlotSet("patient_id", pid) in events
    assert events[-4:] == [
        SlotSet("slot_choice", None),
        SlotSet("offered_slots", None),
        SlotSet("excluded_slots", [slot.id]),
        SlotSet("requested_slot", "slot_choice"),
    ]
    assert responses(dispatcher) == ["utter_verified", "utter_children_only"]
    assert dispatcher.messages[1]["practitioner"] == "Dr. Okafor"

    # The next openings are with clinicians who see adults.
    verified = {
        **slots,
        "verified": True,
        "patient_id": pid,
        "verify_dob": "1992-01-22",
        "slot_choice": None,
        "offered_slots": None,
        "excluded_slots": [slot.id],
    }
    dispatcher = CollectingDispatcher()
    [event] = ActionAskSlotChoice().run(
        dispatcher, make_tracker("", slots=verified, active_loop="booking_form"), {}
    )
    assert event["value"] and "okafor" not in {o["practitioner"] for o in event["value"]}

    # The booking itself refuses too, and nothing is booked.
    confirmed = {
        **verified,
        "offered_slots": [offer(slot, client)],
        "slot_choice": slot.id,
        "booking_confirmed": True,
    }
    dispatcher = CollectingDispatcher()
    events = ActionBookAppointment().run(dispatcher, make_tracker("yes", slots=confirmed), {})
    assert responses(dispatcher) == ["utter_children_only"]
    assert events == [
        SlotSet("slot_choice", None),
        SlotSet("offered_slots", None),
        SlotSet("excluded_slots", [slot.id]),
        SlotSet("booking_confirmed", None),
        FollowupAction("booking_form"),
    ]
    assert all(a.practitioner_id != "okafor" for a in client.upcoming_appointments(pid))


def test_visit_buttons_are_what_the_chosen_clinician_does() -> None:
    def titles(slots: dict) -> list[str]:
        dispatcher = CollectingDispatcher()
        ActionAskVisitType().run(dispatcher, make_tracker("", slots=slots), {})
        return [b["title"] for b in dispatcher.messages[0]["buttons"]]

    everything = titles({"patient_status": "returning"})
    assert "Well-child visit" in everything and "Women's health exam" in everything
    with_lee = titles({"patient_status": "returning", "practitioner": "lee"})
    assert with_lee == ["Annual physical", "Sick visit", "Follow-up visit", "Vaccination"]
    assert titles({"practitioner": "any"}) == everything
    # a new patient books the new-patient visit first (a sick visit was offered, then replaced)
    assert titles({"patient_status": "new"}) == ["New-patient visit"]


def test_an_adult_is_not_offered_a_visit_only_children_have(fhir_env: FhirServer) -> None:
    pid = patient_id(fhir_env.client(), "Robert", "Miller")
    dispatcher = CollectingDispatcher()
    slots = {"verified": True, "patient_id": pid, "patient_status": "returning"}
    ActionAskVisitType().run(dispatcher, make_tracker("", slots=slots), {})
    titles = [b["title"] for b in dispatcher.messages[0]["buttons"]]
    assert "Well-child visit" not in titles and "Annual physical" in titles


def test_a_child_is_not_offered_the_adult_visit_the_childs_visit_replaces(
    fhir_env: FhirServer,
) -> None:
    """ "its for my daughter shes 4": "Annual physical" was offered beside "Well-child visit",
    and picking it said "Since Zoe is under 18, I'll look for a well-child visit instead"."""
    dispatcher = CollectingDispatcher()
    started = [
        {"event": "user", "text": "can i book with dr okafor"},
        {"event": "active_loop", "name": "booking_form"},
    ]
    tracker = make_tracker(
        "its for my daughter shes 4", slots={"patient_status": "returning"}, events=started
    )
    ActionAskVisitType().run(dispatcher, tracker, {})
    titles = [b["title"] for b in dispatcher.messages[0]["buttons"]]
    assert "Well-child visit" in titles and "Annual physical" not in titles
    # known by the birth date too (Liam Nguyen, 9)
    pid = patient_id(fhir_env.client(), "Liam", "Nguyen")
    dispatcher = CollectingDispatcher()
    slots = {"verified": True, "patient_id": pid, "patient_status": "returning"}
    ActionAskVisitType().run(dispatcher, make_tracker("", slots=slots), {})
    titles = [b["title"] for b in dispatcher.messages[0]["buttons"]]
    assert "Well-child visit" in titles and "Annual physical" not in titles


@pytest.mark.parametrize(
    ("requested", "text", "value"),
    [
        ("visit_type", "2", "sick"),
        ("visit_type", "the fourth one", "well_child"),
        ("practitioner", "3", "lee"),
        ("practitioner", "4", "any"),
        ("location", "1", "downtown"),
        ("location", "3", "any"),
    ],
)
def test_a_typed_number_picks_from_the_menu(requested: str, text: str, value: str) -> None:
    # "Please tap one of the options, or reply with its number." - and the number failed.
    slots = {"patient_status": "returning", "requested_slot": requested}
    if requested != "visit_type":
        slots["visit_type"] = "vaccination"
    if requested == "location":
        slots["practitioner"] = "patel"
    tracker = make_tracker(text, intent="inform", slots=slots, active_loop="booking_form")
    events = ValidateBookingForm().run(CollectingDispatcher(), tracker, {})
    assert SlotSet(requested, value) in events


@pytest.mark.parametrize(
    ("asked", "north"),
    [
        ("can i get a flu shot on sat", "North Office (closed Saturdays)"),
        ("dec 25", "North Office (closed that day)"),
        ("tuesday", "North Office"),  # open that day
        ("next week", "North Office"),  # more than one day: open on some
    ],
)
def test_the_office_question_says_an_office_is_closed_on_the_day_asked(
    monkeypatch: pytest.MonkeyPatch, asked: str, north: str
) -> None:
    # "a flu shot on sat" offered the North Office without a word; picked, it was "closed on
    # Saturdays, sorry" and other days.
    clinic = get_clinic()
    monday = datetime(2026, 12, 7, 10, 0, tzinfo=clinic.tz)
    monkeypatch.setattr(type(clinic), "now", lambda self: monday)
    slots = {
        "patient_status": "returning",
        "visit_type": "vaccination",
        "practitioner": "any",
        "date_preference": asked,
    }
    dispatcher = CollectingDispatcher()
    ActionAskLocation().run(dispatcher, make_tracker("", slots=slots), {})
    titles = [b["title"] for b in dispatcher.messages[0]["buttons"]]
    downtown = "Downtown Clinic (closed that day)" if asked == "dec 25" else "Downtown Clinic"
    assert titles == [downtown, north, "Either is fine"]
    # ...and "north" typed still picks it
    tracker = make_tracker(
        "north",
        intent="inform",
        slots={**slots, "requested_slot": "location"},
        active_loop="booking_form",
    )
    events = ValidateBookingForm().run(CollectingDispatcher(), tracker, {})
    assert SlotSet("location", "north") in events


def practitioner_titles(tracker: Any) -> list[str]:
    """The buttons of "Who would you like to see?" for ``tracker``."""
    dispatcher = CollectingDispatcher()
    ActionAskPractitioner().run(dispatcher, tracker, {})
    return [b["title"] for b in dispatcher.messages[0]["buttons"]]


def test_before_the_age_is_known_the_buttons_say_who_sees_children_only() -> None:
    slots = {"patient_status": "returning", "visit_type": "vaccination"}
    titles = practitioner_titles(make_tracker("", slots=slots))
    assert titles == [
        "Dr. Priya Patel",
        "Dr. James Okafor (patients under 18)",
        "Sam Lee, NP",
        "No preference",
    ]


@pytest.mark.parametrize(
    ("text", "okafor"),
    [
        # the pediatrician was offered, and his Saturday times refused once the birth date came
        ("can me and my husband both get flu shots", False),
        ("flu shot for my mom please", False),
        ("flu shot for my son please", True),
        ("can i get a flu shot", True),  # (no one said: who he sees is said on his button)
    ],
)
def test_a_grown_up_relative_is_not_offered_the_childrens_doctor(text: str, okafor: bool) -> None:
    slots = {"patient_status": "returning", "visit_type": "vaccination"}
    titles = practitioner_titles(make_tracker(text, slots=slots))
    assert ("Dr. James Okafor (patients under 18)" in titles) == okafor
    assert titles[0] == "Dr. Priya Patel" and titles[-1] == "No preference"


def test_the_office_asked_for_offers_only_the_clinicians_there() -> None:
    # "a sick visit ... at the downtown office?": Sam Lee, at the North Office only, was offered
    slots = {"patient_status": "returning", "visit_type": "sick", "location": "downtown"}
    titles = practitioner_titles(make_tracker("", slots=slots))
    assert titles == ["Dr. Priya Patel", "Dr. James Okafor (patients under 18)", "No preference"]
    slots["location"] = "north"
    assert "Sam Lee, NP" in practitioner_titles(make_tracker("", slots=slots))
    slots["location"] = "any"
    assert "Sam Lee, NP" in practitioner_titles(make_tracker("", slots=slots))


def test_with_anyone_the_office_is_where_someone_sees_the_patient_on_the_days_asked() -> None:
    """ "a covid booster tomorrow afternoon" (a Tuesday), anyone: the Downtown Clinic was
    offered, where only the pediatrician is in on Tuesdays, and its other days came back."""
    clinic = get_clinic()
    adult = {"visit_type": "vaccination", "practitioner": "any", "verify_dob": "1988-04-12"}
    assert offices_on_days_asked(clinic, {**adult, "date_preference": "tuesday"}) == ["north"]
    assert offices_on_days_asked(clinic, {**adult, "date_preference": "monday"}) == [
        "downtown",
        "north",
    ]
    # a child may see the pediatrician Downtown; no day asked: both
    child = {**adult, "verify_dob": "2017-06-05", "date_preference": "tuesday"}
    assert offices_on_days_asked(clinic, child) == ["downtown", "north"]
    assert offices_on_days_asked(clinic, adult) == ["downtown", "north"]


def test_the_days_asked_for_offer_only_the_clinicians_in_then() -> None:
    # "flu shots for my two kids on saturday morning": Dr. Patel and Sam Lee were offered,
    # who are never in on Saturdays
    slots = {"patient_status": "returning", "visit_type": "vaccination"}
    slots["date_preference"] = "saturday morning"
    titles = practitioner_titles(make_tracker("", slots=slots))
    assert titles == ["Dr. James Okafor (patients under 18)", "No preference"]
    # Tuesdays: Dr. Patel and Sam Lee are at the North Office, Dr. Okafor Downtown
    slots["date_preference"] = "tuesday"
    assert len(practitioner_titles(make_tracker("", slots=slots))) == 4
    slots["location"] = "downtown"
    titles = practitioner_titles(make_tracker("", slots=slots))
    assert titles == ["Dr. James Okafor (patients under 18)", "No preference"]
    # nobody in then for an adult (Dr. Okafor sees children only): everyone, to be told why
    adult = {**slots, "date_preference": "saturday", "location": None}
    titles = practitioner_titles(make_tracker("i'm 40", slots=adult))
    assert "Dr. Priya Patel" in titles


@pytest.mark.parametrize(
    ("text", "told"),
    [
        ("can dr okafor see me, im 19", True),
        ("can dr okafor see him, hes 8", False),
        # (a plain booking with him; the limit was found after the patient's details)
        ("can dr okafor see my 20 year old", True),
        ("can dr okafor see my 8 yr old", False),
    ],
)
def test_an_age_said_with_the_pediatrician_is_heard_before_identity(text: str, told: bool) -> None:
    """ "can dr okafor see me, im 19": his times were offered, and he was refused only after
    name, birth date and phone."""
    dispatcher = CollectingDispatcher()
    tracker = make_tracker(
        text,
        intent="inform",
        slots={"patient_status": "new", "requested_slot": "practitioner"},
        active_loop="booking_form",
    )
    events = ValidateBookingForm().run(dispatcher, tracker, {})
    practitioner = {e["name"]: e["value"] for e in events}.get("practitioner")
    assert practitioner == ("any" if told else "okafor")
    assert ("utter_asked_for_children_only" in responses(dispatcher)) is told


def test_a_booking_for_a_grown_up_relative_offers_no_pediatrician(fhir_env: FhirServer) -> None:
    """ "my dad ... his doctor wants a follow up, can i book it for him" - no preference: all
    three times were with Dr. Okafor (children only), refused once his details came."""
    started = [
        {"event": "user", "text": "can i book a follow up for my dad"},
        {"event": "active_loop", "name": "booking_form"},
    ]
    slots = {
        "patient_status": "returning",
        "visit_type": "follow_up",
        "practitioner": "any",
        "location": "downtown",
        # Saturdays downtown, only the pediatrician works
        "date_preference": "next saturday",
    }
    tracker = make_tracker("no preference", slots=slots, events=started, active_loop="booking_form")
    events = ActionAskSlotChoice().run(CollectingDispatcher(), tracker, {})
    offers = next(e["value"] for e in events if e.get("name") == "offered_slots")
    assert offers and "okafor" not in {o["practitioner"] for o in offers}


@pytest.mark.parametrize(
    ("request_text", "visit", "pediatrician"),
    [
        ("new here, need a sick visit. what about a saturday? i work weekdays", "sick", False),
        ("new patient, my 4 year old needs a sick visit on saturday", "sick", True),
        ("need a well child visit saturday", "well_child", True),
    ],
)
def test_a_new_patient_of_unknown_age_gets_the_pediatrician_only_for_a_child(
    fhir_env: FhirServer, request_text: str, visit: str, pediatrician: bool
) -> None:
    """ "what about a saturday then? i work weekdays": three Saturdays with Dr. Okafor (children
    only), refused after name, birth date and phone ("Nothing is free for Sat Dec 26")."""
    started = [
        {"event": "user", "text": request_text},
        {"event": "active_loop", "name": "booking_form"},
    ]
    slots = {
        "patient_status": "new",
        "visit_type": visit,
        "practitioner": "any",
        "location": "downtown",
        "date_preference": "next saturday",  # Saturdays downtown, only the pediatrician works
    }
    tracker = make_tracker("", slots=slots, events=started, active_loop="booking_form")
    events = ActionAskSlotChoice().run(CollectingDispatcher(), tracker, {})
    offers = next((e["value"] for e in events if e.get("name") == "offered_slots"), None) or []
    assert ("okafor" in {o["practitioner"] for o in offers}) is pediatrician


def test_an_adult_who_asks_for_the_pediatrician_is_told(fhir_env: FhirServer) -> None:
    client = fhir_env.client()
    pid = patient_id(client, "Aisha", "Khan")
    known = {
        "patient_status": "returning",
        "visit_type": "vaccination",
        "verified": True,
        "patient_id": pid,
    }
    # Who-buttons for a known adult leave the pediatrician out.
    titles = practitioner_titles(make_tracker("", slots=known))
    assert titles == ["Dr. Priya Patel", "Sam Lee, NP", "No preference"]
    # Asking for him by name.
    dispatcher = CollectingDispatcher()
    tracker = make_tracker(
        "with dr okafor please",
        intent="inform",
        slots={**known, "requested_slot": "practitioner"},
        active_loop="booking_form",
    )
    events = ValidateBookingForm().run(dispatcher, tracker, {})
    assert events == [SlotSet("practitioner", "any"), SlotSet("requested_slot", "location")]
    assert responses(dispatcher) == ["utter_asked_for_children_only"]
    assert dispatcher.messages[0]["practitioner"] == "Dr. Okafor"
    # A search that still names him (e.g. a reschedule keeping the clinician) says so too.
    dispatcher = CollectingDispatcher()
    events = ActionAskSlotChoice().run(
        dispatcher,
        make_tracker(
            "",
            slots={
                **known,
                "practitioner": "okafor",
                "location": "any",
                "date_preference": "next week",
            },
            active_loop="booking_form",
        ),
        {},
    )
    assert events[0] == SlotSet("practitioner", "any")
    assert events[1]["name"] == "offered_slots" and events[1]["value"]
    assert "okafor" not in {o["practitioner"] for o in events[1]["value"]}
    assert responses(dispatcher)[0] == "utter_asked_for_children_only"
    # The office that came with him (his only one) is either office then: "nothing free on
    # Thursday" at Downtown, with times at North, was a dead end.
    dispatcher = CollectingDispatcher()
    events = ActionAskSlotChoice().run(
        dispatcher,
        make_tracker(
            "",
            slots={
                **known,
                "practitioner": "okafor",
                "location": "downtown",
                "date_preference": "next week",
            },
            active_loop="booking_form",
        ),
        {},
    )
    assert events[:2] == [SlotSet("practitioner", "any"), SlotSet("location", "any")]
    assert {o["location"] for o in events[2]["value"]} - {"downtown"}


def test_a_child_is_still_booked_with_the_pediatrician(fhir_env: FhirServer) -> None:
    client = fhir_env.client()
    pid = patient_id(client, "Liam", "Nguyen")
    [well_child] = client.upcoming_appointments(pid)
    slot = okafor_slot(client, avoid=well_child)
    slots = flu_shot_with_whoever(slot, client)

    events, dispatcher = verify_after_pick("Liam Nguyen", "06/05/2017", slots)
    assert events[-1] == SlotSet("requested_slot", "booking_confirmed")
    assert "slot_choice" not in {e["name"] for e in events}
    assert responses(dispatcher) == ["utter_verified_child"]

    confirmed = {
        **slots,
        "verified": True,
        "patient_id": pid,
        "verify_dob": "2017-06-05",
        "booking_confirmed": True,
    }
    dispatcher = CollectingDispatcher()
    ActionBookAppointment().run(dispatcher, make_tracker("yes", slots=confirmed), {})
    assert responses(dispatcher) == ["utter_booked"]
    assert slot.id in [a.slot_id for a in client.upcoming_appointments(pid)]


@pytest.mark.parametrize(
    ("name", "dob", "clinician", "booked_as"),
    [
        # A child's "checkup" is a well-child visit (for_children in clinic.yml)...
        ("Liam Nguyen", "06/05/2017", "okafor", "well_child"),
        ("Liam Nguyen", "06/05/2017", "any", "well_child"),
        # ...unless the clinician asked for does not do those.
        ("Liam Nguyen", "06/05/2017", "patel", "physical"),
        # A time picked with one who does not, after "no preference": the children's visit is
        # searched again (it was booked as a physical next to his well-child visit; before
        # that, as a well-child visit with Dr. Patel, refused: "I can't reach our system").
        ("Liam Nguyen", "06/05/2017", "any-patel", "well_child-again"),
        # An adult's stays an annual physical.
        ("Aisha Khan", "01/22/1992", "any", "physical"),
    ],
)
def test_a_childs_checkup_is_a_well_child_visit(
    fhir_env: FhirServer, name: str, dob: str, clinician: str, booked_as: str
) -> None:
    client = fhir_env.client()
    practitioner = "patel" if "patel" in clinician else "okafor"
    slot = free_slots(client, practitioner=practitioner)[-1]
    slots = {
        **flu_shot_with_whoever(slot, client),
        "visit_type": "physical",
        "practitioner": clinician.removesuffix("-patel"),
    }
    events, dispatcher = verify_after_pick(name, dob, slots)
    changed = {e["name"]: e["value"] for e in events}
    assert changed.get("visit_type", "physical") == booked_as.removesuffix("-again")
    searched_again = booked_as.endswith("-again")
    assert ("utter_child_visit_instead" in responses(dispatcher)) is searched_again
    if searched_again:
        assert changed["slot_choice"] is None and changed["offered_slots"] is None


def test_a_parent_is_asked_about_the_childs_visit_not_theirs(fhir_env: FhirServer) -> None:
    client = fhir_env.client()
    pid = patient_id(client, "Liam", "Nguyen")
    slot = free_slots(client, practitioner="okafor", visit_type="vaccination")[-1]
    child = {
        **flu_shot_with_whoever(slot, client),
        "verified": True,
        "patient_id": pid,
        "patient_name": "Liam Nguyen",
        "patient_relation": "child",  # set by the check for a child
    }
    dispatcher = CollectingDispatcher()
    ActionAskBookingConfirmed().run(dispatcher, make_tracker("", slots=child), {})
    assert dispatcher.messages[0]["summary"].startswith("Liam's vaccination with Dr. James Okafor")
    # An adult hears "your".
    adult = {**child, "patient_name": "Aisha Khan", "patient_relation": None}
    dispatcher = CollectingDispatcher()
    ActionAskBookingConfirmed().run(dispatcher, make_tracker("", slots=adult), {})
    assert dispatcher.messages[0]["summary"].startswith("your vaccination with")


@pytest.mark.parametrize(
    "text",
    [
        "my wife passed last month and i cant sleep, can i see dr patel sometime next week",
        "i feel so alone since my husband passed. anyway i need a refill appointment",
    ],
)
def test_a_booking_after_a_death_is_for_the_writer(text: str) -> None:
    """ "Has your wife been seen at Maple Grove Family Health before?" for a wife who died."""
    dispatcher = CollectingDispatcher()
    ActionAskPatientStatus().run(dispatcher, make_tracker(text), {})
    assert [m["response"] for m in dispatcher.messages] == ["utter_ask_patient_status"]
    # ...and the loss is acknowledged first
    said = CollectingDispatcher()
    tracker = make_tracker(text, intent="book_appointment")
    ValidateBookingForm().run(said, tracker, {})
    assert responses(said)[:1] == ["utter_sorry_for_loss"]
    # ...and the question after the condolences does not begin "Happy to help you book."
    condoled = {
        "event": "bot",
        "text": "I'm so sorry for your loss.",
        "metadata": {"utter_action": "utter_sorry_for_loss"},
    }
    gently = CollectingDispatcher()
    ActionAskPatientStatus().run(gently, make_tracker(text, events=[condoled]), {})
    assert [m["response"] for m in gently.messages] == ["utter_ask_patient_status_gently"]


def test_a_kid_is_spoken_of_as_a_child() -> None:
    # ("my kid is sick can she get in today": "Has your kid been seen at ...?")
    dispatcher = CollectingDispatcher()
    tracker = make_tracker("my kid is sick can she get in today")
    ActionAskPatientStatus().run(dispatcher, tracker, {})
    assert [(m["response"], m.get("person")) for m in dispatcher.messages] == [
        ("utter_ask_patient_status_for", "child")
    ]


@pytest.mark.parametrize(
    ("text", "person"),
    [
        # "Have you been seen at ...?" was asked of the parent
        ("can i book my toddler a sick visit tomorrow", "toddler"),
        ("i need to book my teenager a physical", "teenager"),
        ("hey its maria, my 4 yo has had a fever since yesterday can she be seen today", "child"),
        ("flu shot for our 9 year old please", "child"),
    ],
)
def test_a_child_spoken_of_by_age_is_asked_about(text: str, person: str) -> None:
    dispatcher = CollectingDispatcher()
    ActionAskPatientStatus().run(dispatcher, make_tracker(text), {})
    assert [(m["response"], m.get("person")) for m in dispatcher.messages] == [
        ("utter_ask_patient_status_for", person)
    ]


@pytest.mark.parametrize(
    ("before", "text", "person"),
    [
        # "Have you been seen at ...?" was asked of the parent
        ("can my 16 year old come in without me", "ok book her a sick visit tomorrow", "child"),
        ("my husband needs a flu shot", "can he be seen saturday", "husband"),
        # no "her" or "him": the writer
        ("can my 16 year old come in without me", "ok i need a physical too", None),
    ],
)
def test_her_or_him_after_a_relative_is_that_relative(
    before: str, text: str, person: str | None
) -> None:
    dispatcher = CollectingDispatcher()
    earlier = [{"event": "user", "text": before}, {"event": "bot", "text": "Teens can be seen."}]
    ActionAskPatientStatus().run(dispatcher, make_tracker(text, events=earlier), {})
    expected = (
        ("utter_ask_patient_status_for", person) if person else ("utter_ask_patient_status", None)
    )
    assert [(m["response"], m.get("person")) for m in dispatcher.messages] == [expected]


def test_the_question_after_happy_to_help_with_a_relative_is_not_happy_to_help_again() -> None:
    # "Happy to help with your husband too. ..." then "Happy to help you book. Has your
    # husband been seen at ..."
    text = "actually can i book a flu shot for my husband too"
    helped = {
        "event": "bot",
        "text": "Happy to help with your husband too.",
        "metadata": {"utter_action": "utter_other_person"},
    }
    plain = CollectingDispatcher()
    ActionAskPatientStatus().run(plain, make_tracker(text, events=[helped]), {})
    assert [(m["response"], m.get("person")) for m in plain.messages] == [
        ("utter_ask_patient_status_for_plain", "husband")
    ]
    alone = CollectingDispatcher()
    ActionAskPatientStatus().run(alone, make_tracker(text), {})
    assert [m["response"] for m in alone.messages] == ["utter_ask_patient_status_for"]


def test_been_here_before_asked_again_says_the_answer_was_kept_and_why() -> None:
    first = CollectingDispatcher()
    ActionAskPatientStatus().run(first, make_tracker("I need an appointment"), {})
    assert [m["response"] for m in first.messages] == ["utter_ask_patient_status"]
    # For a relative, the question names them ("Has your son been seen here before?"), also
    # when it comes after another message (the one that started the booking names them).
    started = [
        {"event": "user", "text": "I need an appointment for my son"},
        {"event": "active_loop", "name": "booking_form"},
    ]
    for_son = CollectingDispatcher()
    ActionAskPatientStatus().run(for_son, make_tracker("where do i park", events=started), {})
    assert [(m["response"], m.get("person")) for m in for_son.messages] == [
        ("utter_ask_patient_status_for", "son")
    ]
    # "its for me not my son": asked of the writer (it was asked of the son again)
    for_me = CollectingDispatcher()
    ActionAskPatientStatus().run(for_me, make_tracker("its for me not my son", events=started), {})
    assert [m["response"] for m in for_me.messages] == ["utter_ask_patient_status"]
    # Said in answer to the question: asked again, for her.
    for_her = CollectingDispatcher()
    switched = make_tracker("actually its for my daughter not me", events=started)
    ActionAskPatientStatus().run(for_her, switched, {})
    assert [(m["response"], m.get("person")) for m in for_her.messages] == [
        ("utter_ask_patient_status_for", "daughter")
    ]
    # ...without "Happy to help you book" twice, once the question was put
    put = {
        "event": "bot",
        "text": "Happy…",
        "metadata": {"utter_action": "utter_ask_patient_status"},
    }
    for_her = CollectingDispatcher()
    switched = make_tracker("its for my daughter shes 4", events=[*started, put])
    ActionAskPatientStatus().run(for_her, switched, {})
    assert [(m["response"], m.get("person")) for m in for_her.messages] == [
        ("utter_ask_patient_status_for_plain", "daughter")
    ]
    dispatcher = CollectingDispatcher()
    tracker = make_tracker(
        "actually its for my daughter not me",
        intent="inform",
        slots={"requested_slot": "patient_status"},
        active_loop="booking_form",
    )
    events = ValidateBookingForm().run(dispatcher, tracker, {})
    assert responses(dispatcher) == []  # not "please tap one of the options"
    assert {e["name"]: e["value"] for e in events}["requested_slot"] == "patient_status"
    asked = {
        "event": "bot",
        "text": "Have you been seen…",
        "metadata": {"utter_action": "utter_ask_patient_status"},
    }
    again = CollectingDispatcher()
    ActionAskPatientStatus().run(
        again, make_tracker("next week after school", intent="inform", events=[asked]), {}
    )
    assert [m["response"] for m in again.messages] == ["utter_ask_patient_status_again"]
    # The day was said back this turn ("Thanks, I'll look at Tue Dec 8."): the question again,
    # neither "Happy to help you book" a second time nor "Got it" after "Thanks"; nor after
    # a question answered ("how long is the wait usually") or "Good, Sam Lee, NP it is."
    for said_back in ("utter_day_noted", "utter_day_changed", "utter_faq/visit_length", None):
        tracker = make_tracker("tuesday afternoon", intent="inform", events=[asked])
        tracker.events.append(
            {
                "event": "bot",
                "text": "Thanks, I'll look at…",
                "metadata": {"utter_action": said_back} if said_back else {},
            }
        )
        why = CollectingDispatcher()
        ActionAskPatientStatus().run(why, tracker, {})
        assert [m["response"] for m in why.messages] == ["utter_ask_patient_status_why"]
    # ...and when it is asked once more after that, it is still known to have been asked
    why_asked = {**asked, "metadata": {"utter_action": "utter_ask_patient_status_why"}}
    third = CollectingDispatcher()
    ActionAskPatientStatus().run(
        third, make_tracker("after school", intent="inform", events=[why_asked]), {}
    )
    assert [m["response"] for m in third.messages] == ["utter_ask_patient_status_again"]


@pytest.mark.parametrize(
    ("text", "said"),
    [
        # "Happy to help you book." answered none of the frustration
        (
            "ugh so frustrated, can't get through on the phone. need to book a physical",
            [("utter_sorry_hard_to_book", None), ("utter_ask_patient_status_gently", None)],
        ),
        (
            "ive been on hold 40 minutes. I just need to make an appointment for my son",
            [("utter_sorry_hard_to_book", None), ("utter_ask_patient_status_for_plain", "son")],
        ),
        # no frustration in "omg", nor in trying something else
        ("omg i need a flu shot asap", [("utter_ask_patient_status", None)]),
        (
            "i've been trying to lose weight, can i book a physical",
            [("utter_ask_patient_status", None)],
        ),
    ],
)
def test_a_booking_begun_in_frustration_opens_with_a_sorry(
    text: str, said: list[tuple[str, str | None]]
) -> None:
    dispatcher = CollectingDispatcher()
    ActionAskPatientStatus().run(dispatcher, make_tracker(text, intent="book_appointment"), {})
    assert [(m["response"], m.get("person")) for m in dispatcher.messages] == said


def test_a_complaint_that_asked_for_a_visit_gets_no_happy_to_help_after_its_sorry() -> None:
    # "I'm sorry about that. Let's take care of your appointment first, and then I'll pass
    # what you told us on to our staff." then "Happy to help you book."
    tracker = make_tracker(
        "i've been calling for days and nobody answers, i need an appointment",
        intent="book_appointment",
    )
    tracker.events.append(
        {
            "event": "bot",
            "text": "I'm sorry…",
            "metadata": {"utter_action": "utter_complaint_after_task"},
        }
    )
    dispatcher = CollectingDispatcher()
    ActionAskPatientStatus().run(dispatcher, tracker, {})
    assert [m["response"] for m in dispatcher.messages] == ["utter_ask_patient_status_gently"]


@pytest.mark.parametrize(
    ("text", "status"),
    [
        ("ok book it", None),
        ("sure go ahead", None),
        ("k lets do it", None),
        ("yes book it", "returning"),
        ("ok book it, ive been there before", "returning"),
        ("book me in im new", "new"),
    ],
)
def test_a_go_ahead_is_no_answer_to_new_or_returning(text: str, status: str | None) -> None:
    # "can i get a flu shot on sat" - "Have you been seen here before?" - "ok book it": the
    # model's "affirm" made a returning patient of someone who never said so.
    assert patient_status(text, "affirm", True) == status


@pytest.mark.parametrize(
    ("text", "status"),
    [
        # "i've been" said of something else: no answer (it booked as returning, unasked)
        ("i've been calling for days and nobody answers, i need an appointment", None),
        ("ive been sick all week, need to see someone", None),
        # ...said of being here, or as the answer
        ("i've been", "returning"),
        ("i have been seen by dr patel", "returning"),
        ("ive been to your downtown office", "returning"),
    ],
)
def test_ive_been_is_an_answer_only_of_being_here(text: str, status: str | None) -> None:
    assert patient_status(text, "book_appointment", False) == status


def test_a_no_with_do_it_in_it_stays_a_no() -> None:
    assert patient_status("no, i cant do it monday", "deny", True) == "new"


def test_the_question_again_after_a_go_ahead_keeps_nothing_in_mind() -> None:
    asked = {
        "event": "bot",
        "text": "Have you been seen…",
        "metadata": {"utter_action": "utter_ask_patient_status"},
    }
    dispatcher = CollectingDispatcher()
    tracker = make_tracker(
        "ok book it",
        intent="affirm",
        slots={"requested_slot": "patient_status", "visit_type": "vaccination"},
        active_loop="booking_form",
        events=[asked],
    )
    events = ValidateBookingForm().run(dispatcher, tracker, {})
    slots = {e["name"]: e["value"] for e in events}
    assert slots.get("patient_status") is None and slots["requested_slot"] == "patient_status"
    assert responses(dispatcher) == []  # not "Please tap one of the options" first
    again = CollectingDispatcher()
    ActionAskPatientStatus().run(again, tracker, {})
    # "One thing first, so I book the right kind of visit", not "Got it, I'll keep that in mind"
    assert [m["response"] for m in again.messages] == ["utter_ask_patient_status_why"]


@pytest.mark.parametrize(
    ("text", "status", "reply"),
    [
        ("when is my appointment", "new", ["utter_no_appointment_yet"]),
        # someone else's, or a returning patient's: the check, as before
        ("when is my sons appointment", "new", []),
        ("when is my appointment", "returning", []),
    ],
)
def test_a_new_patient_asking_when_their_appointment_is_mid_booking_has_none_yet(
    text: str, status: str, reply: list[str]
) -> None:
    # The check ran, found no record, and forgot the name and birth date the booking kept.
    tracker = make_tracker(
        text,
        intent="check_appointment",
        slots={
            "requested_slot": "practitioner",
            "patient_status": status,
            "verify_name": "Jordan Smith",
            "verify_dob": "1990-03-03",
        },
        active_loop="booking_form",
    )
    dispatcher = CollectingDispatcher()
    events = ValidateBookingForm().run(dispatcher, tracker, {})
    assert responses(dispatcher) == reply
    if reply:
        assert {e["name"]: e["value"] for e in events}["requested_slot"] == "practitioner"
        assert not any(e.get("name") in ("verify_name", "verify_dob") for e in events)


def test_a_name_given_at_been_here_before_is_thanked_by_name_and_kept() -> None:
    # "aisha khan" at the question got "Got it, I'll keep that in mind."
    asked = {
        "event": "bot",
        "text": "Have you been seen…",
        "metadata": {"utter_action": "utter_ask_patient_status"},
    }
    tracker = make_tracker(
        "aisha khan",
        intent="inform",
        slots={"requested_slot": "patient_status"},
        active_loop="booking_form",
        events=[asked],
    )
    events = ValidateBookingForm().run(CollectingDispatcher(), tracker, {})
    kept = {e["name"]: e["value"] for e in events if e.get("event") == "slot"}
    assert kept["verify_name"].lower() == "aisha khan"
    assert kept["requested_slot"] == "patient_status"
    tracker.events.extend(events)
    dispatcher = CollectingDispatcher()
    ActionAskPatientStatus().run(dispatcher, tracker, {})
    assert [(m["response"], m.get("first_name")) for m in dispatcher.messages] == [
        ("utter_ask_patient_status_named", "Aisha")
    ]


def test_a_childs_name_given_at_been_here_before_asks_about_the_child() -> None:
    """ "book a checkup for my daughter" - "shes 6, Zoe Nguyen": "Thanks, Zoe. ... have you
    (or the person the visit is for) been seen ...?", as if Zoe were writing; and, once she
    is new, "you'd also like an annual physical" for a 6-year-old."""
    started = [
        {"event": "user", "text": "i want to book a checkup for my daughter"},
        {"event": "active_loop", "name": "booking_form"},
        {
            "event": "bot",
            "text": "Has your daughter been seen…",
            "metadata": {"utter_action": "utter_ask_patient_status_for"},
        },
    ]
    slots = {"requested_slot": "patient_status", "visit_type": "physical"}
    tracker = make_tracker(
        "shes 6, Zoe Nguyen",
        intent="inform",
        slots=slots,
        active_loop="booking_form",
        events=started,
    )
    events = ValidateBookingForm().run(CollectingDispatcher(), tracker, {})
    tracker.events.extend(events)
    dispatcher = CollectingDispatcher()
    ActionAskPatientStatus().run(dispatcher, tracker, {})
    assert [(m["response"], m.get("first_name")) for m in dispatcher.messages] == [
        ("utter_ask_patient_status_relative_named", "Zoe")
    ]
    new = [*started[:2], {"event": "user", "text": "shes 6, Zoe Nguyen"}]
    tracker = make_tracker(
        "no shes new", intent="deny", slots=slots, active_loop="booking_form", events=new
    )
    dispatcher = CollectingDispatcher()
    ValidateBookingForm().run(dispatcher, tracker, {})
    [welcome] = [m for m in dispatcher.messages if m.get("response")][:1]
    assert welcome["response"] == "utter_new_patient_visit_first"
    assert welcome["a_visit"] == "a well-child visit"


def test_a_childs_age_at_been_here_before_is_heard_and_asked_about_the_child() -> None:
    """ "my daughter needs her shots before school starts" - "she's 5": "Please tap one of the
    options, or reply with its number", then "have you (or the person the visit is for) been
    seen ...?"."""
    started = [
        {"event": "user", "text": "my daughter needs her shots before school starts"},
        {"event": "active_loop", "name": "booking_form"},
        {
            "event": "bot",
            "text": "Has your daughter been seen…",
            "metadata": {"utter_action": "utter_ask_patient_status_for"},
        },
    ]
    slots = {"requested_slot": "patient_status", "visit_type": "vaccination"}
    tracker = make_tracker(
        "she's 5", intent="inform", slots=slots, active_loop="booking_form", events=started
    )
    dispatcher = CollectingDispatcher()
    events = ValidateBookingForm().run(dispatcher, tracker, {})
    assert [m.get("response") for m in dispatcher.messages] == ["utter_identity_noted"]
    noted = {"event": "bot", "text": "Thanks, I've noted that.", "metadata": {}}
    noted["metadata"] = {"utter_action": "utter_identity_noted"}
    tracker.events.extend([*events, noted])
    dispatcher = CollectingDispatcher()
    ActionAskPatientStatus().run(dispatcher, tracker, {})
    assert [(m["response"], m.get("person")) for m in dispatcher.messages] == [
        ("utter_ask_patient_status_for_plain", "daughter")
    ]


@pytest.mark.parametrize(
    ("text", "said", "kept"),
    [
        # "Please tap one of the options", the time lost ("any" read as no preference)
        ("any weekday after 3", ["utter_day_noted"], {"date_preference": "any weekday after 3"}),
        # the question again with no word of the clinician
        ("dr okafor", ["utter_clinician_noted"], {"practitioner": "okafor"}),
        # answered: the next question follows, with nothing said back
        (
            "no, she is new. dr okafor",
            ["utter_new_patient_visit_first"],
            {"patient_status": "new", "practitioner": "okafor"},
        ),
        ("no preference", [], {"patient_status": "returning"}),
    ],
)
def test_what_is_said_at_been_here_before_instead_of_an_answer_is_heard(
    text: str, said: list[str], kept: dict[str, str]
) -> None:
    """ "My daughter ... needs a well check" - "Has your daughter been seen here before?"."""
    slots = {"requested_slot": "patient_status", "visit_type": "well_child"}
    tracker = make_tracker(text, intent="inform", slots=slots, active_loop="booking_form")
    dispatcher = CollectingDispatcher()
    found = {
        e["name"]: e["value"]
        for e in ValidateBookingForm().run(dispatcher, tracker, {})
        if e.get("event") == "slot"
    }
    assert [m.get("response") for m in dispatcher.messages] == said
    assert {k: found.get(k) for k in kept} == kept


@pytest.mark.parametrize("text", ["i'm a guy, 34", "im a woman", "45 yo female"])
def test_the_patients_sex_or_age_at_the_clinician_question_is_heard(text: str) -> None:
    """ "i'm a guy, 34" at "Who would you like to see?": "Please tap one of the options"."""
    slots = {"requested_slot": "practitioner", "visit_type": "new_patient"}
    tracker = make_tracker(text, intent="inform", slots=slots, active_loop="booking_form")
    dispatcher = CollectingDispatcher()
    ValidateBookingForm().run(dispatcher, tracker, {})
    assert [m.get("response") for m in dispatcher.messages] == ["utter_identity_noted"]


# --- 6. the late-change policy ------------------------------------------------------------------


def soon_and_later(clinic: ClinicConfig) -> tuple[dict[str, Any], dict[str, Any]]:
    """A physical in 4 hours (within the late-change window) and one in 3 days."""
    soon = {
        "id": "a1",
        "start": (clinic.now() + timedelta(hours=4)).isoformat(),
        "visit_type": "physical",
        "practitioner": "patel",
        "location": "north",
    }
    return soon, {**soon, "id": "a2", "start": (clinic.now() + timedelta(days=3)).isoformat()}


def test_the_late_change_policy_for_a_move_or_cancel_within_a_day() -> None:
    """Moving an appointment hours away never mentioned the fee (only cancelling did); and a
    patient who cancelled a minute after booking was warned of one."""
    clinic = get_clinic()
    soon, later = soon_and_later(clinic)
    new_time = {**soon, "id": "s9", "start": (clinic.now() + timedelta(days=7)).isoformat()}
    moving = {
        "verified": True,
        "my_appointments": [soon, later],
        "offered_slots": [new_time],
        "slot_choice": "s9",
        "visit_type": "physical",
    }
    policy = clinic.scheduling.late_cancel_policy
    for choice, said in (("a1", f" {policy}"), ("a2", "")):
        dispatcher = CollectingDispatcher()
        tracker = make_tracker(
            "", slots={**moving, "appointment_choice": choice}, active_loop="reschedule_form"
        )
        ActionAskBookingConfirmed().run(dispatcher, tracker, {})
        [message] = dispatcher.messages
        assert (message["response"], message["policy"]) == ("utter_confirm_reschedule", said)
        # which appointment moves, and where to
        moved = next(a for a in (soon, later) if a["id"] == choice)
        old_at = day_and_time(datetime.fromisoformat(moved["start"]), clinic)
        new_at = day_and_time(datetime.fromisoformat(new_time["start"]), clinic)
        assert message["summary"] == (
            f"your annual physical on {old_at} to {new_at} with Dr. Priya Patel at the North Office"
        )
    # Cancelling: the same rule, except for the appointment just booked in this chat.
    for last_booked, said in ((None, f" {policy}"), ("a1", "")):
        dispatcher = CollectingDispatcher()
        slots = {**moving, "appointment_choice": "a1", "last_booked": last_booked}
        ActionAskCancelConfirmed().run(dispatcher, make_tracker("", slots=slots), {})
        [message] = dispatcher.messages
        assert (message["response"], message["policy"]) == ("utter_confirm_cancel", said)


def test_a_fee_asked_about_with_the_task_is_answered_at_the_confirmation() -> None:
    """ "cancel my appt on wednesday, will i get charged": "Just to check: cancel ...?", then
    "Done", and the question was never answered (the policy is said only within a day)."""
    clinic = get_clinic()
    soon, later = soon_and_later(clinic)
    slots = {"verified": True, "my_appointments": [soon, later]}
    hours = clinic.scheduling.late_cancel_hours
    policy = clinic.scheduling.late_cancel_policy
    cases = (
        ("cancel my appt on wednesday, will i get charged", "a2", None),
        ("cancel my appt on wednesday, will i get charged", "a1", None),
        ("cancel my appt on wednesday, will i get charged", "a1", "a1"),
        ("cancel my appt on wednesday", "a2", None),
    )
    expected = (
        f" There's no fee for this one: it's more than {hours} hours away.",
        f" {policy}",  # within the day: the policy, as before
        " There's no fee for this one: it was booked just now.",
        "",  # no fee asked: nothing said
    )
    for (text, choice, last_booked), said in zip(cases, expected, strict=True):
        dispatcher = CollectingDispatcher()
        tracker = make_tracker(
            text,
            slots={**slots, "appointment_choice": choice, "last_booked": last_booked},
            active_loop="cancel_form",
        )
        ActionAskCancelConfirmed().run(dispatcher, tracker, {})
        assert dispatcher.messages[-1]["response"] == "utter_confirm_cancel"
        assert dispatcher.messages[-1]["policy"] == said


def test_the_age_that_counts_is_the_one_on_the_visit_day() -> None:
    # 17 today, 18 on the day: Dr. Okafor (under 18 only) was booked for him.
    clinic = get_clinic()
    turns_18 = clinic.now().date() + timedelta(days=3)
    slots = {
        "verify_dob": turns_18.replace(year=turns_18.year - 18).isoformat(),
        "visit_type": "vaccination",
    }

    def okafor_on(day: int) -> dict[str, Any]:
        when = datetime.combine(turns_18 + timedelta(days=day), time(10), tzinfo=clinic.tz)
        return {"id": "s1", "start": when.isoformat(), "practitioner": "okafor"}

    after = check_offer({**okafor_on(1), "location": "downtown"}, slots, clinic)
    assert after is not None and after.response == "utter_children_only"
    assert check_offer({**okafor_on(-1), "location": "downtown"}, slots, clinic) is None


def test_a_booking_after_asking_if_new_patients_are_taken_is_a_new_patients() -> None:
    """ "do you take new patients?" - "ok book me" asked "Have you been seen here before?"."""
    asked = [
        {"event": "user", "text": "do you take new patients?"},
        {"event": "action", "name": "action_clinicians"},
        {"event": "bot", "text": "Yes, ..."},
    ]
    tracker = make_tracker("ok book me", intent="book_appointment", events=asked)
    events = ValidateBookingForm().run(CollectingDispatcher(), tracker, {})
    slots = {e["name"]: e["value"] for e in events if e.get("event") == "slot"}
    assert slots["patient_status"] == "new"
    assert slots["visit_type"] == "new_patient"
    # without that question, it is asked
    plain = make_tracker("ok book me", intent="book_appointment")
    events = ValidateBookingForm().run(CollectingDispatcher(), plain, {})
    slots = {e["name"]: e["value"] for e in events if e.get("event") == "slot"}
    assert not slots.get("patient_status")


def test_a_young_child_is_never_offered_nor_booked_with_the_womens_health_doctor() -> None:
    # Dr. Gonzalez (women and teens, sees_patients_from: 12) was offered for a boy of 4.
    clinic = get_clinic()
    today = clinic.now().date()
    four = {"verify_dob": today.replace(year=today.year - 4).isoformat()}
    twenty = {"verify_dob": today.replace(year=today.year - 20).isoformat()}
    when = datetime.combine(today + timedelta(days=7), time(10), tzinfo=clinic.tz)
    gonzalez = {"id": "s1", "start": when.isoformat(), "practitioner": "gonzalez"}
    gonzalez["location"] = "north"

    refusal = check_offer(gonzalez, {**four, "visit_type": "follow_up"}, clinic)
    assert refusal is not None and refusal.response == "utter_sees_others_only"
    assert refusal.values["practitioner"] == "Dr. Gonzalez" and "teens" in refusal.values["sees"]
    assert refusal.slots == {"practitioner": "any"}
    assert check_offer(gonzalez, {**twenty, "visit_type": "follow_up"}, clinic) is None

    # ...and not among the clinicians to choose from for him
    slots = {**four, "visit_type": "follow_up", "patient_status": "new"}
    titles = practitioner_titles(make_tracker("", slots=slots))
    assert not any("Gonzalez" in t for t in titles) and any("Patel" in t for t in titles)


def test_a_child_asking_for_the_womens_health_doctor_hears_whom_she_sees() -> None:
    clinic = get_clinic()
    today = clinic.now().date()
    slots = {
        "patient_status": "new",
        "verify_dob": today.replace(year=today.year - 6).isoformat(),
        "visit_type": "follow_up",
        "requested_slot": "practitioner",
    }
    dispatcher = CollectingDispatcher()
    tracker = make_tracker(
        "dr gonzalez please", intent="inform", slots=slots, active_loop="booking_form"
    )
    changed = {
        e["name"]: e["value"]
        for e in ValidateBookingForm().run(dispatcher, tracker, {})
        if e.get("event") == "slot"
    }
    assert responses(dispatcher)[0] == "utter_sees_others_only"
    assert changed["practitioner"] == "any"


@pytest.mark.parametrize(
    ("texts", "age"),
    [
        (["i need a follow up for my 4 year old son"], 4),
        (["my 15-yr-old daughter needs a sports physical"], 15),
        (["book a checkup", "shes 7"], 7),
        # Dr. Gonzalez was offered for her
        (["my baby was born last week and needs her first checkup"], 0),
        (["checkup for my 6 month old"], 0),
        (["i need a pap smear, can i bring my baby"], None),
        (["i need a pap smear, can i bring my 4 year old"], None),  # not the patient's age
        (["a physical on the 4th"], None),
        # "(patients under 18)" and the women's health doctor were offered for her
        (["hey its maria, my 4 yo has had a fever since yesterday"], 4),
        (["my 4yo needs a flu shot"], 4),
        (["sick visit for my 9 y/o"], 9),
        (["yo can i book a physical"], None),
        # a birth date given for the patient: Dr. Gonzalez (from 12) was offered for a girl of 7
        (
            ["My daughter Zoe Park (born 3/4/2019) is new here, she needs a well check"],
            age_on(date(2019, 3, 4), date.today()),
        ),
        (["dob 6/5/2017, liam needs a checkup"], age_on(date(2017, 6, 5), date.today())),
        # ...not the writer's own
        (["im carlos rivera dob 9/30/75, book my daughter a physical"], None),
        (["i was born in sacramento"], None),
    ],
)
def test_an_age_said_in_words_is_read(texts: list[str], age: int | None) -> None:
    assert age_spoken(texts) == age


def test_clinicians_offered_fit_an_age_said_before_the_birth_date() -> None:
    # "a follow up for my 4 year old son" was offered Dr. Gonzalez (women and teens)
    slots = {"visit_type": "follow_up", "patient_status": "new"}
    tracker = make_tracker("i need a follow up for my 4 year old son", slots=slots)
    titles = practitioner_titles(tracker)
    assert titles == ["Dr. Priya Patel", "Dr. James Okafor", "Sam Lee, NP", "No preference"]


def test_a_woman_clinician_asked_for_offers_only_women() -> None:
    """ "sick visit, with a female doctor pls": Sam Lee (a man) was offered, and "No
    preference" searched his times too."""
    slots = {"visit_type": "sick", "patient_status": "returning"}
    tracker = make_tracker("sick visit, with a female doctor pls", slots=slots)
    titles = practitioner_titles(tracker)
    assert titles == ["Dr. Priya Patel", "No preference"]
    # ...and "2" typed is the "No preference" of these, not Sam Lee
    asked = {**slots, "requested_slot": "practitioner"}
    tracker = make_tracker("2", slots=asked, active_loop="booking_form")
    tracker.events.insert(0, {"event": "user", "text": "sick visit with a female doctor pls"})
    events = ValidateBookingForm().run(CollectingDispatcher(), tracker, {})
    assert {"event": "slot", "timestamp": None, "name": "practitioner", "value": "any"} in events
    # Without the words: everyone who does the visit.
    titles = practitioner_titles(make_tracker("a sick visit", slots=slots))
    assert titles == [
        "Dr. Priya Patel",
        "Dr. James Okafor (patients under 18)",
        "Sam Lee, NP",
        "No preference",
    ]


@pytest.mark.parametrize(
    ("text", "titles"),
    [
        # the pediatrician and the women's health doctor were offered
        (
            "hi, im new to the area and looking for a family doctor",
            ["Dr. Priya Patel", "Sam Lee, NP"],
        ),
        ("i need a new pcp", ["Dr. Priya Patel", "Sam Lee, NP"]),
        ("want to establish care with a primary care doctor", ["Dr. Priya Patel", "Sam Lee, NP"]),
        # a child's family doctor may be the pediatrician
        (
            "looking for a family doctor for my 4 year old",
            ["Dr. Priya Patel", "Dr. James Okafor", "Sam Lee, NP"],
        ),
        # no family doctor asked for: everyone the first visit is with
        (
            "hi im new here",
            [
                "Dr. Priya Patel",
                "Dr. James Okafor (patients under 18)",
                "Dr. Maria Gonzalez",
                "Sam Lee, NP",
            ],
        ),
    ],
)
def test_a_family_doctor_asked_for_offers_family_medicine(text: str, titles: list[str]) -> None:
    slots = {"visit_type": "new_patient", "patient_status": "new"}
    tracker = make_tracker(text, slots=slots)
    assert practitioner_titles(tracker) == [*titles, "No preference"]
    # ...and "2" typed is the second of these
    asked = {**slots, "requested_slot": "practitioner"}
    tracker = make_tracker("2", slots=asked, active_loop="booking_form")
    tracker.events.insert(0, {"event": "user", "text": text})
    events = ValidateBookingForm().run(CollectingDispatcher(), tracker, {})
    second = {"Sam Lee, NP": "lee", "Dr. James Okafor": "okafor"}.get(titles[1], "okafor")
    assert {"event": "slot", "timestamp": None, "name": "practitioner", "value": second} in events


@pytest.mark.parametrize(
    "text",
    [
        "im a man, i want a follow up with dr gonzalez",  # was booked
        "hi im a new patient, 52 yr old male, want to book with dr gonzalez",
        "a follow up for my husband with dr gonzalez",
        # booked with her for a 78-year-old father
        "can i also book my dad, hes 78 and also new here. dr gonzalez please",
        "my dad, hes new, can he see dr gonzalez",
    ],
)
def test_a_man_is_not_booked_with_the_clinician_who_sees_women_only(text: str) -> None:
    tracker = make_tracker(text, intent="book_appointment", active_loop="booking_form")
    dispatcher = CollectingDispatcher()
    events = ValidateBookingForm().run(dispatcher, tracker, {})
    changed = {e["name"]: e["value"] for e in events if e.get("event") == "slot"}
    assert "utter_sees_others_only" in responses(dispatcher)
    assert changed.get("practitioner") == "any"


def test_the_clinician_who_sees_women_only_is_not_offered_to_a_man() -> None:
    slots = {"visit_type": "follow_up", "patient_status": "returning"}
    tracker = make_tracker("im a guy, need a follow up", slots=slots)
    titles = practitioner_titles(tracker)
    assert not any("Gonzalez" in t for t in titles) and any("Patel" in t for t in titles)
    # ...and a woman, or nothing said, still has her
    titles = practitioner_titles(make_tracker("need a follow up", slots=slots))
    assert any("Gonzalez" in t for t in titles)
    # "my kid hes got ...": a boy (she was offered)
    kid = "hey do u guys hav anything 2morrow for my kid hes got an ear infection i think"
    titles = practitioner_titles(make_tracker(kid, slots=slots))
    assert not any("Gonzalez" in t for t in titles)
    titles = practitioner_titles(make_tracker("my kid shes got a cough", slots=slots))
    assert any("Gonzalez" in t for t in titles)


def test_the_clinician_who_sees_women_only_is_not_offered_to_a_man_by_his_record(
    fhir_env: FhirServer,
) -> None:
    # Robert Miller (74, male in his FHIR record) was offered Dr. Gonzalez for a follow-up
    client = fhir_env.client()
    robert = client.get_patient(patient_id(client, "Robert", "Miller"))
    mary_ann = client.get_patient(patient_id(client, "Mary Ann", "O'Brien"))
    assert (robert.gender, mary_ann.gender) == ("male", "female")
    titles = {}
    for patient in (robert, mary_ann):
        slots = {
            "visit_type": "follow_up",
            "patient_status": "returning",
            "verified": True,
            "patient_id": patient.id,
        }
        titles[patient.given] = practitioner_titles(make_tracker("", slots=slots))
    assert not any("Gonzalez" in t for t in titles["Robert"])
    assert any("Patel" in t for t in titles["Robert"])
    assert any("Gonzalez" in t for t in titles["Mary Ann"])


def test_a_visit_only_a_clinician_who_sees_women_only_does_is_not_offered_by_a_mans_record(
    fhir_env: FhirServer,
) -> None:
    # Robert Miller (76, male in his FHIR record) was offered "Women's health exam"
    client = fhir_env.client()
    titles = {}
    for given, family in (("Robert", "Miller"), ("Mary Ann", "O'Brien")):
        slots = {
            "patient_status": "returning",
            "verified": True,
            "patient_id": patient_id(client, given, family),
        }
        dispatcher = CollectingDispatcher()
        ActionAskVisitType().run(dispatcher, make_tracker("", slots=slots), {})
        titles[given] = [b["title"] for b in dispatcher.messages[-1]["buttons"]]
    assert "Women's health exam" not in titles["Robert"]
    assert "Follow-up visit" in titles["Robert"]
    assert "Women's health exam" in titles["Mary Ann"]


def test_a_visit_only_a_clinician_who_sees_women_only_does_is_not_offered_for_a_son() -> None:
    # "i need an appointment for my son" - "yes he's been seen before": "Women's health exam"
    # was among the kinds of visit
    titles = {}
    for text in ("i need an appointment for my son", "i need an appointment for my daughter"):
        tracker = make_tracker(
            text,
            intent="book_appointment",
            slots={"patient_status": "returning"},
            active_loop="booking_form",
        )
        dispatcher = CollectingDispatcher()
        ActionAskVisitType().run(dispatcher, tracker, {})
        titles[text] = [b["title"] for b in dispatcher.messages[-1]["buttons"]]
    assert "Women's health exam" not in titles["i need an appointment for my son"]
    assert "Well-child visit" in titles["i need an appointment for my son"]
    assert "Women's health exam" in titles["i need an appointment for my daughter"]


def test_the_record_is_fetched_once_for_the_clinician_buttons(
    fhir_env: FhirServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    # the age and the sex both come from the record: one request to the scheduling API
    client = fhir_env.client()
    robert_id = patient_id(client, "Robert", "Miller")
    fetched: list[str] = []
    get_patient = FhirClient.get_patient

    def counting(self: FhirClient, pid: str) -> Any:
        fetched.append(pid)
        return get_patient(self, pid)

    monkeypatch.setattr(FhirClient, "get_patient", counting)
    slots = {"visit_type": "follow_up", "verified": True, "patient_id": robert_id}
    titles = practitioner_titles(make_tracker("", slots=slots))
    assert not any("Gonzalez" in t for t in titles)
    assert fetched == [robert_id]


def test_two_visits_on_one_day_are_told_apart_by_their_times() -> None:
    # "Liam already has 2 vaccinations booked, on Mon Dec 7 and Mon Dec 7" read as a mistake
    clinic = get_clinic()
    morning = datetime(2026, 12, 7, 8, 0, tzinfo=clinic.tz)

    def at(start: datetime) -> AppointmentRecord:
        end = start + timedelta(minutes=15)
        return AppointmentRecord(
            "a1",
            "booked",
            start,
            end,
            "s1",
            "p1",
            "okafor",
            "downtown",
            "Dr. James Okafor",
            "Downtown Clinic",
            "vaccination",
            "",
        )

    noon = morning.replace(hour=12)
    said = visits_phrase([at(morning), at(noon)], clinic)
    assert said == (
        f"2 vaccinations booked, on {day_and_time(morning, clinic)} and "
        f"{day_and_time(noon, clinic)}"
    )
    # one: its time and clinician ("Mon Dec 7, 8:00am with Dr. James Okafor")
    assert visits_phrase([at(morning)], clinic) == (
        f"a vaccination on {day_and_time(morning, clinic)} with Dr. James Okafor"
    )


def test_a_child_of_a_few_years_in_short_is_a_child() -> None:
    # "my 4 yo has a fever": "Have you been seen here before?", as if for the writer
    assert child_named(["hey its maria, my 4 yo has had a fever"])
    assert child_named(["my 9 y/o needs a checkup"])
    assert not child_named(["yo can i book a physical"])
