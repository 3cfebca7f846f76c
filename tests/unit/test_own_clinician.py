"""'Who is my doctor?': read as a check of the patient's own appointments, and answered with
the primary care clinician (Patient.generalPractitioner) and the last visit, against the
embedded FHIR server."""

from __future__ import annotations

import pytest
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.booking import ValidateBookingForm
from actions.clients.fhir import FhirClient
from actions.dates import day_label
from actions.manage_appointments import ActionShowAppointments
from actions.own_clinician import asks_own_clinician, own_clinician_line
from actions.settings import get_clinic
from addons.task_words_guard import task_reading
from tests.support.actions import make_tracker, responses
from tests.support.fhir_servers import FhirServer


@pytest.mark.parametrize(
    "text",
    [
        "who is my doctor",
        "whos my pcp",
        "who's my primary care doctor?",
        "what\u2019s my doctor's name",
        "who did i see last time",
        "who is my son's doctor",
        "who is liam's pediatrician",
        "who have i been seeing",
        "which doctor am i assigned to",
    ],
)
def test_the_own_clinician_asked(text: str) -> None:
    assert asks_own_clinician(text)
    # read as a check of the patient's own appointments, whatever the model said
    for read_as in ("ask_clinicians", "out_of_scope", "nlu_fallback"):
        reading = task_reading(text, read_as)
        assert reading is not None and reading.intent == "check_appointment"


@pytest.mark.parametrize(
    "text",
    [
        "who is the doctor at the north office",
        "who do i see for a rash",
        "who is my doctor going to be",
        "who are your doctors",
        "my doctor said to come back in 2 weeks",
    ],
)
def test_other_questions_about_clinicians_are_not(text: str) -> None:
    assert not asks_own_clinician(text)


def patient(client: FhirClient, given: str, family: str) -> dict[str, object]:
    [record] = client.find_patients(family=family, given=given)
    return {"verified": True, "patient_id": record.id, "patient_name": f"{given} {family}"}


def last_visit_day(client: FhirClient, slots: dict[str, object]) -> str:
    """The day of the seeded last visit, as the reply says it ("Mon Nov 23")."""
    last = client.last_visit(str(slots["patient_id"]))
    assert last is not None and last.start is not None
    return day_label(last.start.astimezone(get_clinic().tz).date())


def test_the_primary_clinician_and_the_last_visit_are_told(fhir_env: FhirServer) -> None:
    client, clinic = fhir_env.client(), get_clinic()
    emily = patient(client, "Emily", "Johnson")
    day = last_visit_day(client, emily)
    assert own_clinician_line(emily, clinic) == (
        "Your primary care clinician is Dr. Priya Patel. "
        f"Your last visit, on {day}, was with Sam Lee, NP."
    )


def test_a_childs_clinician_is_told_to_the_parent(fhir_env: FhirServer) -> None:
    liam = {**patient(fhir_env.client(), "Liam", "Nguyen"), "patient_relation": "child"}
    said = own_clinician_line(liam, get_clinic())
    assert said is not None
    assert said.startswith("Liam's primary care clinician is Dr. James Okafor, who Liam last saw")


def test_nobody_on_record_is_said_with_what_can_be_done(fhir_env: FhirServer) -> None:
    robert = patient(fhir_env.client(), "Robert", "Miller")
    assert own_clinician_line(robert, get_clinic()) == (
        "I don't see a primary care clinician or a past visit on record for you yet. "
        "I can book a visit here with whichever of our clinicians suits you."
    )


def test_nothing_is_told_before_verification_or_with_the_backend_down() -> None:
    # (no FHIR server in this test: the backend does not answer)
    assert own_clinician_line({}, get_clinic()) is None
    assert own_clinician_line({"verified": True, "patient_id": "p1"}, get_clinic()) is None


def test_the_check_says_it_before_the_upcoming_appointments(fhir_env: FhirServer) -> None:
    emily = patient(fhir_env.client(), "Emily", "Johnson")
    events = [{"event": "active_loop", "name": "check_form"}]
    tracker = make_tracker("who is my doctor", "check_appointment", slots=emily, events=events)
    dispatcher = CollectingDispatcher()
    ActionShowAppointments().run(dispatcher, tracker, {})
    first, *rest = dispatcher.messages
    assert first["text"].startswith("Your primary care clinician is Dr. Priya Patel.")
    assert [m.get("response") for m in rest][:1] == ["utter_upcoming_appointments"]
    # a plain check says nothing of it
    tracker = make_tracker("when is my appt", "check_appointment", slots=emily, events=events)
    dispatcher = CollectingDispatcher()
    ActionShowAppointments().run(dispatcher, tracker, {})
    assert dispatcher.messages[0].get("response") == "utter_upcoming_appointments"
    # to the patient: "coming up for you: - your annual physical ..." (it said "coming up
    # for Emily Johnson: - your annual physical")
    assert dispatcher.messages[0]["patient_name"] == "you"
    assert dispatcher.messages[0]["appointments"].startswith("- your annual physical")


def test_the_same_clinician_is_named_once(fhir_env: FhirServer) -> None:
    # "Your primary care clinician is Dr. Priya Patel. Your last visit, on Thu Nov 12, was
    # with Dr. Priya Patel."
    client, clinic = fhir_env.client(), get_clinic()
    mary_ann = patient(client, "Mary Ann", "O'Brien")
    day = last_visit_day(client, mary_ann)
    assert own_clinician_line(mary_ann, clinic) == (
        f"Your primary care clinician is Dr. Priya Patel, who you last saw on {day}."
    )


def asked_mid_booking(slots: dict[str, object]) -> tuple[list, CollectingDispatcher]:
    """ "who is my doctor" (read as a check) with the booking's question waiting."""
    tracker = make_tracker(
        "who is my doctor",
        "check_appointment",
        confidence=1.0,
        slots={"visit_type": "physical", **slots},
        active_loop="booking_form",
    )
    dispatcher = CollectingDispatcher()
    return ValidateBookingForm().run(dispatcher, tracker, {}), dispatcher


def answered_after_asking(
    text: str, intent: str, requested: str, slots: dict[str, object]
) -> tuple[dict[str, object], CollectingDispatcher]:
    """The booking's answer to ``text`` at ``requested``, "who is my doctor?" asked before."""
    tracker = make_tracker(
        text,
        intent,
        slots={
            "visit_type": "physical",
            "own_clinician_asked": True,
            "requested_slot": requested,
            **slots,
        },
        active_loop="booking_form",
    )
    dispatcher = CollectingDispatcher()
    events = ValidateBookingForm().run(dispatcher, tracker, {})
    return {e["name"]: e["value"] for e in events}, dispatcher


def test_asked_mid_booking_before_the_check_it_is_told_after_it(fhir_env: FhirServer) -> None:
    # It ended the booking of a physical to check the appointments.
    events, dispatcher = asked_mid_booking({"requested_slot": "patient_status"})
    assert events == [
        SlotSet("own_clinician_asked", True),
        SlotSet("patient_status", None),
        SlotSet("requested_slot", "patient_status"),
    ]
    assert responses(dispatcher) == ["utter_own_clinician_after_identity"]
    # ...and the booking's identity check, once passed, tells it
    asked = {"patient_status": "returning", "verify_name": "Emily Johnson"}
    slots, dispatcher = answered_after_asking("04/12/1988", "inform", "verify_dob", asked)
    assert slots["verified"] is True and slots["own_clinician_asked"] is None
    said = [m.get("response") or m.get("text") for m in dispatcher.messages]
    assert said[0] == "utter_verified"
    assert said[1].startswith("Your primary care clinician is Dr. Priya Patel.")


def test_asked_mid_booking_when_verified_it_is_told_at_once(fhir_env: FhirServer) -> None:
    emily = patient(fhir_env.client(), "Emily", "Johnson")
    events, dispatcher = asked_mid_booking({**emily, "requested_slot": "practitioner"})
    assert events == [SlotSet("practitioner", None), SlotSet("requested_slot", "practitioner")]
    [told] = dispatcher.messages
    assert told["text"].startswith("Your primary care clinician is Dr. Priya Patel.")


def test_asked_mid_booking_with_the_backend_down_who_can_tell_is_said() -> None:
    # (no FHIR server in this test)
    slots = {"verified": True, "patient_id": "p1", "requested_slot": "practitioner"}
    events, dispatcher = asked_mid_booking(slots)
    assert events == [SlotSet("practitioner", None), SlotSet("requested_slot", "practitioner")]
    assert responses(dispatcher) == ["utter_own_clinician_unavailable"]


def test_a_verification_with_nothing_asked_says_nothing_more(fhir_env: FhirServer) -> None:
    tracker = make_tracker(
        "04/12/1988",
        slots={"verify_name": "Emily Johnson", "requested_slot": "verify_dob"},
        active_loop="booking_form",
    )
    dispatcher = CollectingDispatcher()
    slots = {e["name"]: e["value"] for e in ValidateBookingForm().run(dispatcher, tracker, {})}
    assert slots["verified"] is True and "own_clinician_asked" not in slots
    assert not any("primary care" in (m.get("text") or "") for m in dispatcher.messages)


def test_a_returning_patient_who_asked_is_checked_before_the_choices() -> None:
    # ("Who would you like to see?" came before the check, and so before the answer)
    form = ValidateBookingForm()
    asked = {"visit_type": "physical", "own_clinician_asked": True}
    tracker = make_tracker("yes", active_loop="booking_form")
    assert form.next_slot({**asked, "patient_status": "returning"}, tracker) == "verify_name"
    # a new patient has no doctor here yet: the booking goes on as it was
    assert form.next_slot({**asked, "patient_status": "new"}, tracker) == "practitioner"
    assert (
        form.next_slot(
            {**asked, "own_clinician_asked": None, "patient_status": "returning"}, tracker
        )
        == "practitioner"
    )


def test_a_new_patient_who_asked_hears_there_is_nobody_yet() -> None:
    # asked before saying they are new: promised after the identity check, which never came
    slots, dispatcher = answered_after_asking("no, I'm new", "deny", "patient_status", {})
    assert slots["patient_status"] == "new" and slots["own_clinician_asked"] is None
    assert responses(dispatcher)[0] == "utter_own_clinician_new_patient"
    # asked after saying so
    events, dispatcher = asked_mid_booking(
        {"patient_status": "new", "requested_slot": "practitioner"}
    )
    assert events == [SlotSet("practitioner", None), SlotSet("requested_slot", "practitioner")]
    assert responses(dispatcher) == ["utter_own_clinician_new_patient"]
