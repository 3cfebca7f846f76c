""" "The same doctor as last time" in a booking, against the real embedded FHIR backend (whose
demo patients have past visits): who the patient is comes first, then their latest visit's
clinician is booked, or the patient hears why not and picks."""

from __future__ import annotations

from typing import Any

import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions.booking import ValidateBookingForm
from actions.booking_choices import ActionAskPractitioner
from actions.usual_clinician import asks_for_usual_clinician
from tests.support.actions import actions_use_fhir, make_tracker, responses
from tests.support.fhir_servers import FhirServer


def step(text: str, slots: dict[str, Any], intent: str = "inform") -> tuple[dict, list, list]:
    """One message to the booking form: the slots after it, the responses, and the messages."""
    dispatcher = CollectingDispatcher()
    tracker = make_tracker(text, intent=intent, slots=slots, active_loop="booking_form")
    events = ValidateBookingForm().run(dispatcher, tracker, {})
    after = {**slots, **{e["name"]: e["value"] for e in events if e.get("event") == "slot"}}
    return after, responses(dispatcher), dispatcher.messages


def verified(name_and_birth_date: str) -> dict[str, Any]:
    """The slots of a returning patient's sick-visit booking, checked; the clinician next."""
    asked = {"patient_status": "returning", "visit_type": "sick", "requested_slot": "verify_name"}
    slots, said, _ = step(name_and_birth_date, asked)
    assert slots["verified"] is True and slots["requested_slot"] == "practitioner", said
    return slots


@pytest.mark.parametrize(
    "text",
    [
        "book a follow up with the same doctor as last time",
        "can i see my usual doctor next week",
        "whoever i saw last time",
        "the doctor i saw last time please",
        "same provider",
        "with my pcp",
        "my regular dr",
        "whoever he usually sees",
        "the doctor she always sees",
        "the one we normally see",
    ],
)
def test_the_wish_is_read(text: str) -> None:
    assert asks_for_usual_clinician(text)


@pytest.mark.parametrize(
    "text",
    [
        "same time next week",
        "my doctor told me to come back in 2 weeks",
        "same office please",
        "the same doctor as my husband",
        "Dr. Patel",
        "the doctor i see is great",
        "who do i usually call about bills",
    ],
)
def test_other_words_are_not_the_wish(text: str) -> None:
    assert not asks_for_usual_clinician(text)


def test_the_clinician_of_the_last_visit_is_booked_once_the_patient_is_verified(
    fhir_env: FhirServer,
) -> None:
    slots, said, _ = step(
        "book a follow up with the same doctor as last time", {}, intent="book_appointment"
    )
    # Seen here before, said; who the patient is comes before "Who would you like to see?"
    assert slots["patient_status"] == "returning" and slots["usual_clinician"] is True
    assert slots["visit_type"] == "follow_up" and not slots.get("practitioner")
    assert slots["requested_slot"] == "verify_name" and said == []
    slots, said, _ = step("Carlos Rivera", {**slots})
    assert slots["requested_slot"] == "verify_dob"
    slots, said, messages = step("09/30/1975", {**slots})
    assert slots["verified"] is True and slots["practitioner"] == "lee"
    # (Sam Lee works at the North Office only: not asked which office)
    assert slots["usual_clinician"] is False and slots["location"] == "north"
    assert slots["requested_slot"] == "date_preference"
    assert said == ["utter_verified", "utter_usual_clinician"]
    told = messages[-1]
    assert (told["who"], told["practitioner"]) == ("You", "Sam Lee, NP")
    assert told["day"][-4:].isdigit()


def test_asked_at_the_clinician_question_after_verifying(fhir_env: FhirServer) -> None:
    # An office chosen before that Sam Lee does not work at is asked again.
    chosen = {**verified("Carlos Rivera 09/30/1975"), "location": "downtown"}
    slots, said, _ = step("whoever i saw last time", chosen)
    assert said == ["utter_usual_clinician"] and slots["practitioner"] == "lee"
    assert slots["location"] == "north" and slots["requested_slot"] == "date_preference"


def test_no_earlier_visit_is_said_and_the_clinician_asked(fhir_env: FhirServer) -> None:
    slots, said, messages = step("my usual doctor please", verified("Robert Miller 11/02/1950"))
    assert said == ["utter_no_earlier_visit"]
    assert (messages[0]["whose"], messages[0]["who"]) == ("your", "you")
    assert not slots.get("practitioner") and slots["requested_slot"] == "practitioner"


def test_a_clinician_who_does_not_do_this_visit_is_not_booked(fhir_env: FhirServer) -> None:
    # Aisha saw Dr. Gonzalez (women's health) last time; a sick visit is not hers to book.
    slots, said, messages = step("same doctor as last time", verified("Aisha Khan 01/22/1992"))
    assert said == ["utter_usual_clinician_not_for_this"]
    told = messages[0]
    assert (told["practitioner"], told["visit"]) == ("Dr. Maria Gonzalez", "sick visit")
    assert not slots.get("practitioner") and slots["requested_slot"] == "practitioner"


def test_a_child_s_last_clinician_is_told_to_the_parent(fhir_env: FhirServer) -> None:
    slots, said, messages = step("his usual doctor", verified("Liam Nguyen 06/05/2017"))
    assert said == ["utter_usual_clinician"] and slots["practitioner"] == "okafor"
    assert messages[0]["who"] == "Liam" and messages[0]["practitioner"] == "Dr. James Okafor"


def test_the_backend_down_is_said_and_the_clinician_asked(
    fhir_env: FhirServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    slots = verified("Carlos Rivera 09/30/1975")
    actions_use_fhir(monkeypatch, "http://127.0.0.1:9/fhir")
    slots, said, _ = step("same doctor as before", slots)
    assert said == ["utter_usual_clinician_not_looked_up"]
    assert not slots.get("practitioner") and slots["requested_slot"] == "practitioner"


def test_a_new_patient_is_not_looked_up(fhir_env: FhirServer) -> None:
    slots = {"patient_status": "new", "visit_type": "new_patient", "requested_slot": "practitioner"}
    # (and "my last visit" is not the last option, "No preference")
    slots, said, _ = step("same doctor as my last visit", slots)
    assert said == ["utter_usual_clinician_new_patient"]
    assert slots["usual_clinician"] is False and not slots.get("practitioner")
    assert slots["requested_slot"] == "practitioner"


def clinician_question(slots: dict[str, Any]) -> str:
    """The text of "Who would you like to see?" asked with ``slots``."""
    dispatcher = CollectingDispatcher()
    ActionAskPractitioner().run(dispatcher, make_tracker("", slots=slots), {})
    return dispatcher.messages[0]["text"]


def test_the_clinician_question_says_who_a_verified_patient_saw_last(
    fhir_env: FhirServer,
) -> None:
    # "Liam Nguyen 6/5/2017" said first: the clinicians were offered with nothing to go on
    liam = verified("Liam Nguyen 06/05/2017")
    asked = clinician_question(liam)
    assert asked == "Who would you like to see? Liam saw Dr. James Okafor last time."
    carlos = verified("Carlos Rivera 09/30/1975")
    assert clinician_question(carlos).endswith(" You saw Sam Lee, NP last time.")
    # nothing before the patient is verified, or without a visit, or for a clinician who does
    # not do this kind of visit (Aisha's was Dr. Gonzalez, women's health; this is a sick visit)
    asked_first = {"patient_status": "returning", "visit_type": "sick"}
    assert clinician_question(asked_first) == "Who would you like to see?"
    assert clinician_question(verified("Robert Miller 11/02/1950")) == "Who would you like to see?"
    assert clinician_question(verified("Aisha Khan 01/22/1992")) == "Who would you like to see?"


@pytest.mark.parametrize(
    ("text", "taken"),
    [
        ("same one", "okafor"),
        ("yes please", "okafor"),
        ("him", "okafor"),
        ("ok", "okafor"),
        ("no preference", "any"),
        ("Sam Lee", "lee"),
    ],
)
def test_same_one_after_it_takes_that_clinician(
    fhir_env: FhirServer, text: str, taken: str
) -> None:
    liam = verified("Liam Nguyen 06/05/2017")
    asked = [{"event": "bot", "text": clinician_question(liam)}]
    dispatcher = CollectingDispatcher()
    tracker = make_tracker(
        text, intent="inform", slots=liam, events=asked, active_loop="booking_form"
    )
    events = ValidateBookingForm().run(dispatcher, tracker, {})
    assert {"event": "slot", "timestamp": None, "name": "practitioner", "value": taken} in events


def test_the_clinician_question_goes_on_without_the_api(
    fhir_env: FhirServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    liam = verified("Liam Nguyen 06/05/2017")
    actions_use_fhir(monkeypatch, "http://127.0.0.1:9/fhir")
    assert clinician_question(liam) == "Who would you like to see?"
