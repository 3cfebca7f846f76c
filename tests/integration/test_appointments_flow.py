"""Book, reschedule and cancel through the REST webhook; check the scheduling API's state."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import date, datetime, timedelta, timezone
from typing import Any

import pytest

from actions.clients.fhir import FhirClient
from launcher.stack import Stack
from tests.support.console import ConsoleHandoffs
from tests.support.stack_fixtures import RasaClient

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def fhir(stack: Stack) -> Iterator[FhirClient]:
    client = FhirClient(stack.config.fhir_url, token=stack.config.env["FHIR_BEARER_TOKEN"])
    yield client
    client.close()


def patient_id(fhir: FhirClient, given: str, family: str, born: date) -> str:
    [patient] = fhir.find_patients(family=family, given=given, birth_date=born)
    return patient.id


def buttons(replies: list[dict[str, Any]]) -> list[dict[str, str]]:
    return [b for r in replies for b in r.get("buttons") or []]


def joined(replies: list[dict[str, Any]]) -> str:
    return " ".join(r.get("text") or "" for r in replies)


def new_conversation() -> str:
    return f"appt-{uuid.uuid4().hex[:10]}"


def test_book_reschedule_cancel(rasa: RasaClient, fhir: FhirClient) -> None:
    pid = patient_id(fhir, "Robert", "Miller", date(1950, 11, 2))
    assert fhir.upcoming_appointments(pid) == []
    me = new_conversation()

    replies = rasa.say(me, "I'd like a follow-up with Dr. Patel at the downtown clinic next week")
    assert "seen at" in joined(replies)  # new or returning?
    offers = buttons(rasa.say(me, "yes, I have been there before"))
    assert len(offers) == 3 and all("Dr. Priya Patel" in b["title"] for b in offers)
    assert all("Downtown Clinic" in b["title"] for b in offers)
    first = offers[0]
    assert "full name" in joined(rasa.say(me, first["payload"]))
    assert "date of birth" in joined(rasa.say(me, "Robert Miller"))
    confirm = joined(rasa.say(me, "11/02/1950"))
    assert "Thank you, Robert" in confirm and "Shall I book it?" in confirm
    booked = joined(rasa.say(me, "yes"))
    assert "You're booked" in booked and "1200 J Street" in booked

    [appointment] = fhir.upcoming_appointments(pid)
    assert appointment.practitioner_id == "patel" and appointment.location_id == "downtown"
    assert appointment.visit_type == "follow_up"
    assert first["title"].split(" · ")[0] in booked

    # Reschedule in the same session: no second identity check, one appointment to pick.
    asked = joined(rasa.say(me, "something came up, can I reschedule my appointment?"))
    assert "What day or time" in asked
    offers = buttons(rasa.say(me, "in two weeks"))
    assert offers and all("Dr. Priya Patel" in b["title"] for b in offers)
    # The check names the appointment that moves, and the new time.
    check = joined(rasa.say(me, "2"))
    assert "I'll move your follow-up visit on" in check and "Is that right?" in check
    done = joined(rasa.say(me, "yes"))
    assert "All set" in done
    [moved] = fhir.upcoming_appointments(pid)
    assert moved.id != appointment.id
    assert fhir.get_appointment(appointment.id).status == "cancelled"
    assert moved.practitioner_id == "patel" and moved.visit_type == "follow_up"

    # Cancel it.
    assert "cancel" in joined(rasa.say(me, "please cancel my appointment")).lower()
    assert "I've cancelled" in joined(rasa.say(me, "yes"))
    assert fhir.upcoming_appointments(pid) == []
    assert fhir.get_appointment(moved.id).status == "cancelled"

    # [Book another time] typed rather than tapped is that button: a new booking (the model
    # once read the words as a reschedule, which offered to move another appointment).
    again = joined(rasa.say(me, "Book another time"))
    tracker = rasa.tracker(me)
    assert tracker["latest_message"]["intent"]["name"] == "book_appointment"
    assert tracker["active_loop"]["name"] == "booking_form", again
    assert "full name" not in again  # still verified
    # ... of the same visit, with the same clinician and office: only the time is asked.
    assert "another time for the follow-up visit with Dr. Patel" in again
    assert tracker["slots"]["practitioner"] == "patel" and "What day or time" in again


def test_the_same_doctor_as_last_time_is_booked(rasa: RasaClient, fhir: FhirClient) -> None:
    """The seeded past visit (Mary Ann O'Brien, Dr. Patel): the patient is checked first,
    then the times offered are with the clinician of that visit."""
    pid = patient_id(fhir, "Mary Ann", "O'Brien", date(1964, 7, 19))
    last = fhir.last_visit(pid)
    assert last is not None and last.practitioner_id == "patel"
    me = new_conversation()
    asked = joined(rasa.say(me, "i need a follow up with the same doctor as last time"))
    assert "full name" in asked and "seen at" not in asked
    assert "date of birth" in joined(rasa.say(me, "Mary Ann O'Brien"))
    told = joined(rasa.say(me, "07/19/1964"))
    assert "You saw Dr. Priya Patel last time" in told, told
    assert "Who would you like to see?" not in told
    rasa.say(me, "either office")
    offers = buttons(rasa.say(me, "next week"))
    assert offers and all("Dr. Priya Patel" in b["title"] for b in offers)


def test_a_complaint_that_asks_to_cancel_cancels_then_goes_to_staff(
    rasa: RasaClient, fhir: FhirClient, handoff_receiver: ConsoleHandoffs
) -> None:
    """It was read as a complaint only: the chat paused with nothing cancelled, and the
    cancellation waited for the next staff shift."""
    pid = patient_id(fhir, "Carlos", "Rivera", date(1975, 9, 30))
    [appointment] = fhir.upcoming_appointments(pid)
    me = new_conversation()
    complaint = "this is ridiculous ive waited 3 weeks for a callback. just cancel my appointment"
    first = joined(rasa.say(me, complaint))
    assert "take care of your appointment first" in first and "full name" in first
    assert "Just to check: cancel" in joined(rasa.say(me, "Carlos Rivera 09/30/1975"))
    assert rasa.tracker(me)["paused"] is False
    done = joined(rasa.say(me, "yes"))
    assert "I've cancelled" in done and "sorry about your experience" in done
    assert fhir.get_appointment(appointment.id).status == "cancelled"
    assert rasa.tracker(me)["paused"] is True
    record = handoff_receiver.wait_for(me)
    assert record["reason"] == "complaint" and "waited 3 weeks for a callback" in record["summary"]


def test_nothing_before_verification(rasa: RasaClient) -> None:
    me = new_conversation()
    replies = joined(rasa.say(me, "when is my next appointment?"))
    assert "full name" in replies
    wrong = joined(rasa.say(me, "Emily Johnson 01/01/1990"))
    assert "couldn't match" in wrong
    assert "Dr." not in wrong and "physical" not in wrong


def test_asked_why_then_refused_the_check_ends_with_the_phone(rasa: RasaClient) -> None:
    """The same paragraph and the same question came back as often as the patient said no."""
    me = new_conversation()
    rasa.say(me, "when is my appt")
    assert "nobody else can see" in joined(rasa.say(me, "why do you need that"))
    declined = joined(rasa.say(me, "no i'd rather not"))
    assert "you don't have to share them" in declined and "(916) 555-0142" in declined
    assert "full name" not in declined
    tracker = rasa.tracker(me)
    assert (tracker.get("active_loop") or {}).get("name") is None and not tracker["paused"]
    assert "Downtown Clinic" in joined(rasa.say(me, "whats the address downtown"))


def test_three_failed_verifications_go_to_staff(rasa: RasaClient) -> None:
    me = new_conversation()
    rasa.say(me, "cancel my appointment")
    for attempt in range(3):
        reply = joined(rasa.say(me, f"Emily Johnson 01/0{attempt + 1}/1990"))
    assert "couldn't confirm your identity" in reply
    assert rasa.tracker(me)["paused"] is True


def test_two_patients_race_for_one_slot(rasa: RasaClient, fhir: FhirClient) -> None:
    """Both are offered the same slot; the second to confirm hears it was taken, gets others."""
    first, second = new_conversation(), new_conversation()
    offers = {}
    for me, (name, born) in (
        (first, ("Mary Ann O'Brien", "07/19/1964")),
        (second, ("Aisha Khan", "01/22/1992")),
    ):
        # (a follow-up: Aisha already has a women's health exam, and a second one of that
        # yearly kind is asked about first)
        rasa.say(me, "I need a follow-up with Dr. Gonzalez at the north office in two weeks")
        offers[me] = buttons(rasa.say(me, "yes"))
        rasa.say(me, offers[me][0]["payload"])
        rasa.say(me, name)
        assert "Shall I book it?" in joined(rasa.say(me, born))
    assert offers[first][0]["payload"] == offers[second][0]["payload"]
    assert "You're booked" in joined(rasa.say(first, "yes"))
    taken = rasa.say(second, "yes")
    assert "someone took that time" in joined(taken)
    retry = buttons(taken)
    assert retry and offers[first][0]["payload"] not in [b["payload"] for b in retry]
    rasa.say(second, retry[0]["payload"])
    assert "You're booked" in joined(rasa.say(second, "yes"))


def test_cancel_both_my_appointments_cancels_both_after_one_check(
    rasa: RasaClient, fhir: FhirClient
) -> None:
    """ "both" got "Please tap one of the options", and "all of them" a goodbye."""
    patient = fhir.create_patient("Noor", "Haddad", date(1983, 2, 14))
    now = datetime.now(timezone.utc)
    free = fhir.find_free_slots(now + timedelta(days=7), now + timedelta(days=21), "lee")
    booked = [fhir.book(patient.id, slot.id, "follow_up").id for slot in free[:2]]
    assert len(fhir.upcoming_appointments(patient.id)) == 2
    me = new_conversation()
    assert "full name" in joined(rasa.say(me, "i need to cancel both my appointments"))
    rasa.say(me, "Noor Haddad")
    asked = rasa.say(me, "02/14/1983")
    assert "Just to check: cancel both of these?" in joined(asked)
    assert joined(asked).count("- your follow-up visit with Sam Lee") == 2
    done = joined(rasa.say(me, "yes"))
    assert "Done. I've cancelled:" in done
    assert fhir.upcoming_appointments(patient.id) == []
    assert {fhir.get_appointment(i).status for i in booked} == {"cancelled"}


def test_new_patient_books_a_new_patient_visit(rasa: RasaClient, fhir: FhirClient) -> None:
    me = new_conversation()
    # "become a patient ... first visit": new patient, new-patient visit; no need to ask.
    asked = joined(rasa.say(me, "hi, I'd like to become a patient and book a first visit"))
    assert "Who would you like to see?" in asked
    rasa.say(me, "no preference")
    rasa.say(me, "either office is fine")
    offers = buttons(rasa.say(me, "as soon as possible"))
    assert offers
    assert "full name" in joined(rasa.say(me, offers[0]["payload"]))
    rasa.say(me, "Jordan Alvarez-Reyes")
    assert "phone" in joined(rasa.say(me, "5/5/1995"))
    assert "Shall I book it?" in joined(rasa.say(me, "(916) 555-0177"))
    assert "You're booked" in joined(rasa.say(me, "yes"))
    [patient] = fhir.find_patients(
        family="Alvarez-Reyes", given="Jordan", birth_date=date(1995, 5, 5)
    )
    assert patient.phones == ["+19165550177"]
    [appointment] = fhir.upcoming_appointments(patient.id)
    assert appointment.visit_type == "new_patient"


def test_backend_down_gives_phone_and_a_person(rasa: RasaClient, stack: Stack) -> None:
    me = new_conversation()
    stack.stop_service("fhir")
    try:
        rasa.say(me, "when is my appointment")
        rasa.say(me, "Emily Johnson")
        replies = rasa.say(me, "04/12/1988")
        text = joined(replies)
        assert "can't reach our scheduling system" in text and "(916) 555-0142" in text
        assert "/request_human" in [b["payload"] for b in buttons(replies)]
    finally:
        stack.start_service("fhir")
    assert "Maple Grove" in joined(rasa.say(me, "hello"))


def test_two_requests_a_name_in_passing_and_someone_else(rasa: RasaClient) -> None:
    """The name said with the request is not asked again; the second request (looking up
    the balance) follows the first; a question about another person starts a new identity
    check instead of answering with this patient's data."""
    me = new_conversation()
    asked = joined(
        rasa.say(me, "Hi, this is Mary Ann O'Brien. When is my appointment, and what do I owe?")
    )
    assert "date of birth" in asked and "full name" not in asked
    answer = joined(rasa.say(me, "07/19/1964"))
    # The appointments (the race test may have booked her one), then the balance asked for in
    # the same message, with no second identity check.
    assert "coming up for you:\n- your " in answer or "You have no upcoming" in answer
    assert "The balance for Mary Ann O'Brien is $120.00" in answer
    assert "You also asked" not in answer and "full name" not in answer
    other = joined(rasa.say(me, "and when is my husband's next appointment?"))
    assert "your husband" in other and "records are checked on their own" in other
    assert "full name" in other
    assert "$120.00" not in other and "upcoming" not in other
