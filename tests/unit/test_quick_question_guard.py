"""A short question with a plain answer, read as a task, gets its answer
(addons/quick_question_guard.py)."""

from __future__ import annotations

import pytest
from rasa.shared.nlu.training_data.message import Message

from addons.quick_question_guard import QuickQuestionGuard, quick_question


@pytest.mark.parametrize(
    "text",
    [
        "r u open saturday? north one",  # a booking started
        "open thursday evening? like 6:30 downtown",
        "are you open the 31st? need to come in the afternoon",
        "open new years day?",  # read as an answer
        "what time does north open tomorrow i want to come early and do paperwork",
        "is the north office open today",
        "when does downtown close",
        "are u guys open on christmas eve",
        "any closures coming up?",  # a cancellation
        "holiday schedule?",  # a check of the patient's appointments
        "are you closed for the holidays",
    ],
)
def test_whether_the_clinic_is_open_is_the_hours(text: str) -> None:
    assert quick_question(text) == "clinic_hours"


@pytest.mark.parametrize(
    "text",
    [
        "hello do you accept new patients",
        "hi are you taking new patients",
        "r u accepting new patients",
        "is dr okafor taking new patients",  # a booking started; the question never answered
        "does sam lee accept new patients?",
        "is dr patel open to new patients",
    ],
)
def test_whether_new_patients_are_taken_is_the_clinicians(text: str) -> None:
    assert quick_question(text) == "ask_clinicians"


@pytest.mark.parametrize(
    "text",
    [
        "are you open saturday, i want to book a physical",  # the booking answers it
        "can i book for saturday",
        "do you accept new patients with medi-cal",  # the plan question too
        "are you open to discussing my bill",
        "open the portal",
        "is there parking open",
        "my appointment got cancelled for a holiday closure",
        "do you have evening appointments? i need to book a physical",  # the booking answers
        "can i reschedule to a saturday appointment",
    ],
)
def test_other_messages_are_left_alone(text: str) -> None:
    assert quick_question(text) is None


def parsed(text: str, intent: str) -> Message:
    message = Message(data={"text": text})
    message.set("intent", {"name": intent, "confidence": 0.61})
    return message


@pytest.mark.parametrize(
    ("text", "intent", "becomes"),
    [
        ("r u open saturday? north one", "book_appointment", "clinic_hours"),
        ("open new years day?", "inform", "clinic_hours"),
        ("hello do you accept new patients", "billing_insurance", "ask_clinicians"),
        ("any closures coming up?", "cancel_appointment", "clinic_hours"),
        ("holiday schedule?", "check_appointment", "clinic_hours"),
        # the times appointments are offered: an identity check, a booking with no answer,
        # the phone/video visit answer
        # who the patient sees from now on: "Did you want to move an appointment?"
        ("hey can i switch doctors", "reschedule_appointment", "ask_clinicians"),
        ("i want a different doctor", "reschedule_appointment", "ask_clinicians"),
        ("can i change my pcp to dr okafor", "reschedule_appointment", "ask_clinicians"),
        # the days a clinician is in: "Let's get this booked" (0.95)
        (
            "ive been on hold for 30 minutes!! i just need to know if dr okafor is in on saturday",
            "book_appointment",
            "ask_clinicians",
        ),
        ("does dr patel work tuesdays", "clinic_hours", "ask_clinicians"),
        ("book me with dr patel on saturday", "book_appointment", "book_appointment"),
        # whom a clinician sees: how to prepare for a visit (0.94), her days (0.68)
        ("how old do you have to be to see dr okafor", "faq", "ask_clinicians"),
        ("how old do you have to be to see dr okafor", "directions", "ask_clinicians"),
        ("does dr gonzalez see men", "clinic_hours", "ask_clinicians"),
        ("does sam lee see kids", "book_appointment", "ask_clinicians"),
        # unclear (0.45), not something we do (1.0), a common question: who sees children
        ("which doctor is best for my 2 year old", "nlu_fallback", "ask_clinicians"),
        ("what doctor do you recommend for kids", "out_of_scope", "ask_clinicians"),
        ("who should my daughter see, she is 5", "faq", "ask_clinicians"),
        # ...not the patient's own clinician, a visit had, a day, a booking, a nurse's question
        ("who is my sons doctor", "faq", "faq"),
        ("what doctor did my son see last time", "faq", "faq"),
        ("which doctor sees kids on saturday", "clinic_hours", "clinic_hours"),
        ("which doctor can i book for my son", "book_appointment", "book_appointment"),
        ("which doctor should my son see for his rash", "medical_advice", "medical_advice"),
        # a question for a nurse (0.66): whom the clinician sees
        ("Is Dr. Okafor good with toddlers?", "medical_advice", "ask_clinicians"),
        ("is dr patel great with kids", "faq", "ask_clinicians"),
        ("is it ok to give my toddler tylenol", "medical_advice", "medical_advice"),
        ("can dr okafor see my son on friday, book it", "book_appointment", "book_appointment"),
        # a clinician of a gender asked for: the services we offer (1.0); a booking stays one
        ("do you have a female doctor who sees kids", "faq", "ask_clinicians"),
        ("is there a male provider", "out_of_scope", "ask_clinicians"),
        (
            "do you have a female doctor, i want to book a pap smear",
            "book_appointment",
            "book_appointment",
        ),
        # (the physical was moved)
        ("can i switch my primary doctor to sam lee", "reschedule_appointment", "ask_clinicians"),
        ("i want to change my regular doctor", "reschedule_appointment", "ask_clinicians"),
        (
            "can i switch my appointment to dr patel",
            "reschedule_appointment",
            "reschedule_appointment",
        ),
        ("switch to friday", "reschedule_appointment", "reschedule_appointment"),
        ("can you send my records to a different doctor", "faq", "faq"),
        ("can i switch to paperless", "billing_pay", "billing_pay"),
        ("can i change to email", "out_of_scope", "out_of_scope"),
        ("do you have saturday appointments", "check_appointment", "clinic_hours"),
        ("do you have evening appointments", "book_appointment", "clinic_hours"),
        ("do you do appointments after 5", "faq", "clinic_hours"),
        ("any weekend appointments?", "check_appointment", "clinic_hours"),
        # only the closures' misreadings give way to the hours
        ("are you open today", "cancel_appointment", "cancel_appointment"),
        # a task, billing or safety reading stays
        ("are you open today", "emergency", "emergency"),
        ("is it open", "billing_balance", "billing_balance"),
        ("/book_appointment", "book_appointment", "book_appointment"),
    ],
)
def test_which_readings_are_overruled(text: str, intent: str, becomes: str) -> None:
    [message] = QuickQuestionGuard().process([parsed(text, intent)])
    assert message.get("intent")["name"] == becomes


def test_an_unsure_reading_of_the_hours_is_made_sure() -> None:
    # "holiday schedule?" (the hours at 0.38) was "did you mean …?"
    [message] = QuickQuestionGuard().process([parsed("holiday schedule?", "clinic_hours")])
    assert message.get("intent") == {"name": "clinic_hours", "confidence": 1.0}
