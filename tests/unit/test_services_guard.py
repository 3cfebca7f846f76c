"""A question whether the clinic offers a service gets the services answer
(addons/services_guard.py), not a paused chat for a nurse or the opening hours."""

from __future__ import annotations

import pytest
from rasa.shared.nlu.training_data.message import Message

from addons.services_guard import (
    ServicesQuestionGuard,
    asks_about_services,
    care_named_alone,
)


@pytest.mark.parametrize(
    ("text", "read_as"),
    [
        ("do you have the shingles shot", "medical_advice"),  # the chat paused for a nurse
        ("do you see kids", "goodbye"),
        ("do you treat children", "clinic_hours"),
        ("do you see babies", "clinic_hours"),
        ("do you have a pediatrician", "clinic_hours"),
        ("is the rsv vaccine available", "inform"),
        ("do you carry the pneumonia vaccine", "out_of_scope"),
        ("shingles vaccine?", "medical_advice"),
        ("do u guys do tb tests", "out_of_scope"),
        ("can my son get a tb test there", "inform"),
        ("do yall take kids", "goodbye"),
        ("does the clinic give flu shots", "clinic_hours"),
        ("Do your doctors see teenagers?", "inform"),
        ("my daughter is 4 do u see kids that young", "book_appointment"),  # asked her name
        # a service we don't offer: the answer says so (actions/faq_follow_up.py)
        ("do you have a dentist", "out_of_scope"),
        ("do you do eye exams", "out_of_scope"),
        # what a visit does (clinic.yml done_at_visit): "blood pressure" is a symptom word
        ("do you check blood pressure", "medical_advice"),  # the chat paused for a nurse
        ("can you check my blood pressure", "medical_advice"),
        ("do you do blood pressure checks", "medical_advice"),
    ],
)
def test_asking_whether_a_service_is_offered_is_a_services_question(
    text: str, read_as: str
) -> None:
    assert asks_about_services(text, read_as)


@pytest.mark.parametrize(
    ("text", "read_as"),
    [
        # A nurse's question: safety, side effects, whether one needs it.
        ("is it safe to get the shingles shot while pregnant", "medical_advice"),
        ("should i get the shingles vaccine", "medical_advice"),
        ("do i need a tetanus shot", "medical_advice"),
        ("do you have the shingles shot, i had a reaction last time", "medical_advice"),
        ("my arm is sore from my vaccine, do you see that a lot", "medical_advice"),
        ("do you see kids with a fever", "medical_advice"),
        ("do you check blood pressure? mine is 190/120 and i have a headache", "medical_advice"),
        ("can you check my labs", "test_results"),  # "check" asks what we offer of a visit only
        ("can you check my appointment", "check_appointment"),
        # A booking, money, results, other questions.
        ("do you have any appointments for flu shots", "inform"),
        ("do you give flu shots on saturday", "clinic_hours"),
        ("how much do you charge for a tb test", "inform"),
        ("do you have my lab results", "medical_advice"),
        ("do you take aetna", "inform"),
        ("do you take new patients", "inform"),
        ("do you have parking", "directions"),
        ("is the doctor available", "inform"),
        # "flu shot?" read as an answer may name the visit being booked.
        ("flu shot?", "inform"),
    ],
)
def test_other_questions_are_left_as_read(text: str, read_as: str) -> None:
    assert not asks_about_services(text, read_as)


def parsed(text: str, intent: str, confidence: float = 0.98) -> Message:
    message = Message(data={"text": text})
    message.set("intent", {"name": intent, "confidence": confidence})
    message.set(
        "response_selector",
        {
            "all_retrieval_intents": ["faq"],
            "faq": {
                "response": {
                    "responses": [{"text": "Forms ..."}],
                    "confidence": 0.4,
                    "intent_response_key": "faq/forms_notes",
                    "utter_action": "utter_faq/forms_notes",
                },
                "ranking": [],
            },
        },
    )
    return message


def test_the_guard_answers_with_the_services_response() -> None:
    [message] = ServicesQuestionGuard().process([parsed("do you treat babies", "medical_advice")])
    assert message.get("intent") == {"name": "faq", "confidence": 1.0}
    selected = message.get("response_selector")["faq"]["response"]
    assert selected["intent_response_key"] == "faq/services"
    assert selected["utter_action"] == "utter_faq/services"
    assert message.get("response_selector")["all_retrieval_intents"] == ["faq"]


def services_read(text: str) -> Message:
    """``text`` as the model may read it: the services answer, at a confidence the fallback
    would take."""
    message = parsed(text, "faq", confidence=0.5)
    message.get("response_selector")["faq"]["response"].update(
        intent_response_key="faq/services", utter_action="utter_faq/services"
    )
    return message


@pytest.mark.parametrize(
    "text",
    [
        "do you do pap smears",
        "can i get a flu shot there",
        "do you guys do physicals?",
    ],
)
def test_a_yes_or_no_question_naming_a_visit_we_book_gets_yes(text: str) -> None:
    # ("do you do covid tests" got the whole list of what we do, then "Yes, we do")
    shingles = parsed("do you have the shingles shot", "medical_advice")  # a nurse's, read
    for message in (services_read(text), shingles):
        [message] = ServicesQuestionGuard().process([message])
        assert message.get("intent") == {"name": "faq", "confidence": 1.0}
        selected = message.get("response_selector")["faq"]["response"]
        assert selected["intent_response_key"] == "faq/service_offered"
        assert selected["utter_action"] == "utter_faq/service_offered"


def test_asked_of_a_clinician_who_does_it_the_yes_is_not_we_do() -> None:
    # "does dr okafor do shots" got "Yes, we do."; read as his hours (0.89, after a retrain),
    # his days with no "It's booked as a vaccination with Dr. James Okafor"
    hours = parsed("does dr okafor do shots", "clinic_hours", 0.89)
    for read in (services_read("does dr okafor do shots"), hours):
        [message] = ServicesQuestionGuard().process([read])
        assert message.get("intent") == {"name": "faq", "confidence": 1.0}
        selected = message.get("response_selector")["faq"]["response"]
        assert selected["intent_response_key"] == "faq/clinician_offers"
        assert selected["utter_action"] == "utter_faq/clinician_offers"
    # his days asked stay his days
    [message] = ServicesQuestionGuard().process(
        [parsed("is dr okafor in on fridays", "clinic_hours")]
    )
    assert message.get("intent")["name"] == "clinic_hours"


def test_a_services_question_read_as_a_booking_gets_yes() -> None:
    # "do you do pap smears and are you open saturday" (a booking, 0.66) asked if the patient
    # had been seen here before; the hours are the follow-up's (actions/faq_follow_up.py)
    text = "do you do pap smears and are you open saturday"
    [message] = ServicesQuestionGuard().process([parsed(text, "book_appointment", 0.66)])
    selected = message.get("response_selector")["faq"]["response"]
    assert selected["intent_response_key"] == "faq/service_offered"
    # a booking worded as one, or a day in the question itself, stays a booking
    for booking in ("do you do pap smears? i want to book one", "do you do physicals next week"):
        [message] = ServicesQuestionGuard().process([parsed(booking, "book_appointment", 0.66)])
        assert message.get("intent")["name"] == "book_appointment"


@pytest.mark.parametrize(
    "text",
    [
        "what services do you offer, like physicals?",  # the list asked for
        "do you do physical therapy",  # not offered: the list, then who does it
        "do you do blood work",  # no visit of ours named
        "physicals?",  # no yes-or-no question
        "does dr gonzalez do flu shots",  # she doesn't: said after the list
    ],
)
def test_other_services_questions_keep_the_list(text: str) -> None:
    [message] = ServicesQuestionGuard().process([services_read(text)])
    selected = message.get("response_selector")["faq"]["response"]
    assert selected["intent_response_key"] == "faq/services"


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("can i book my kids in", "book_appointment"),  # a booking, worded as one
        ("do you see kids", "faq"),  # so is a common question already
        ("do you have the shingles shot", "emergency"),
        ("/faq", "out_of_scope"),  # a button payload
    ],
)
def test_the_guard_leaves_tasks_answers_and_payloads_alone(text: str, intent: str) -> None:
    [message] = ServicesQuestionGuard().process([parsed(text, intent)])
    assert message.get("intent")["name"] == intent
    assert message.get("response_selector")["faq"]["response"]["intent_response_key"] == (
        "faq/forms_notes"
    )


@pytest.mark.parametrize(
    ("text", "read_as"),
    [
        # "No problem, I've stopped there", the greeting's menu, what to bring to a visit
        ("heart doctor?", "stop"),
        ("therapist?", "stop"),
        ("mental health help?", "greet"),
        ("cardiologist?", "faq"),  # faq/forms_notes here: what to bring, in the report
        ("any skin doctor?", "out_of_scope"),
        ("a counselor??", "deny"),
        ("physio?", "nlu_fallback"),  # clinic.yml's not_offered, named alone
    ],
)
def test_a_kind_of_care_named_alone_is_the_services_question(text: str, read_as: str) -> None:
    assert care_named_alone(text)
    [message] = ServicesQuestionGuard().process([parsed(text, read_as)])
    assert message.get("intent") == {"name": "faq", "confidence": 1.0}
    assert message.get("response_selector")["faq"]["response"]["intent_response_key"] == (
        "faq/services"
    )


@pytest.mark.parametrize(
    ("text", "read_as"),
    [
        ("i need a therapist?", "request_human"),  # not named alone
        ("heart doctor", "stop"),  # no question
        ("my therapist said i should get a physical?", "book_appointment"),
        ("pediatrician?", "ask_clinicians"),  # our clinicians, as read
        ("therapist?", "crisis"),
        ("cardiologist?", "cancel_appointment"),
    ],
)
def test_care_named_in_a_sentence_or_read_as_a_task_is_left_alone(text: str, read_as: str) -> None:
    [message] = ServicesQuestionGuard().process([parsed(text, read_as)])
    assert message.get("intent")["name"] == read_as


def test_care_named_alone_keeps_a_referral_answer_and_makes_it_sure() -> None:
    # "mental health help?": faq at 0.44 with the services answer, then the fallback
    message = parsed("cardiologist?", "faq", confidence=0.44)
    message.get("response_selector")["faq"]["response"]["intent_response_key"] = "faq/referral"
    [message] = ServicesQuestionGuard().process([message])
    assert message.get("intent") == {"name": "faq", "confidence": 1.0}
    assert message.get("response_selector")["faq"]["response"]["intent_response_key"] == (
        "faq/referral"
    )


@pytest.mark.parametrize(
    ("text", "read_as"),
    [
        ("no hablo ingles", "medical_advice"),  # the chat paused for a nurse, in English
        ("no hablo mucho ingles", "medical_advice"),
        ("hola no hablo ingles necesito ayuda", "medical_advice"),
        ("No hablo inglés", "greet"),
        ("me no speak english", "out_of_scope"),
        ("i dont speak much english", "inform"),
        ("necesito un interprete", "out_of_scope"),
        ("español por favor", "out_of_scope"),
        # a request written in Spanish: what to bring, a cancellation, a balance in English
        ("necesito cita para mi hijo, tiene fiebre", "faq"),
        ("cita para mi hijo por favor", "cancel_appointment"),
        ("cuanto debo", "billing_balance"),
        # English only ("Happy to help you book"), no Spanish line
        ("hola, necesito una cita, soy nuevo", "book_appointment"),
        ("quiero hacer una cita soy paciente nuevo", "book_appointment"),
    ],
)
def test_a_patient_without_english_gets_the_interpreter_answer(text: str, read_as: str) -> None:
    [message] = ServicesQuestionGuard().process([parsed(text, read_as)])
    assert message.get("intent") == {"name": "faq", "confidence": 1.0}
    selected = message.get("response_selector")["faq"]["response"]
    # asked in Spanish, the Spanish first ("no hablo ingles" got a paragraph of English)
    asked_in_english = text in ("me no speak english", "i dont speak much english")
    key = "faq/interpreter" if asked_in_english else "faq/interpreter_in_spanish"
    assert selected["intent_response_key"] == key


@pytest.mark.parametrize(
    ("text", "read_as"),
    [
        ("no hablo ingles, me duele mucho el pecho", "emergency"),  # safety first
        ("i dont speak english well can i book a checkup", "book_appointment"),  # noted on it
        ("my english is fine, i just need my balance", "billing_balance"),
        # the address is as useful in any language
        ("donde estan ubicados", "directions"),
        ("i need a cita", "book_appointment"),
        ("mi hijo liam nguyen 06/05/2017", "inform"),  # details for the form asking
    ],
)
def test_language_words_in_a_task_or_an_emergency_are_left_alone(text: str, read_as: str) -> None:
    [message] = ServicesQuestionGuard().process([parsed(text, read_as)])
    assert message.get("intent")["name"] == read_as


def parsed_as(text: str, intent: str, key: str) -> Message:
    message = parsed(text, intent)
    selected = message.get("response_selector")["faq"]["response"]
    selected.update({"intent_response_key": key, "utter_action": f"utter_{key}"})
    return message


@pytest.mark.parametrize(
    ("text", "read_as", "key", "becomes"),
    [
        # "Did you want to ask about test results?", the offices' addresses, and the whole list
        # of what we do before the "no": that we don't, and who does (actions/fallback.py)
        ("do you do mammograms", "test_results", "faq/forms_notes", "out_of_scope"),
        ("can i get botox", "directions", "faq/services", "out_of_scope"),
        ("do you offer botox", "faq", "faq/services", "out_of_scope"),
        ("do you do eye exams", "out_of_scope", "faq/services", "out_of_scope"),
        # the referral answer fits; results, safety and bookings keep their reading
        ("do you have a dermatologist", "faq", "faq/referral", "faq"),
        ("can i get my mri results", "test_results", "faq/forms_notes", "test_results"),
        ("do you do mammograms", "emergency", "faq/forms_notes", "emergency"),
        ("can i get an mri appointment", "book_appointment", "faq/services", "book_appointment"),
        # a home visit in other words: the visitor policy, then the walk-in answer ("cant walk")
        (
            "can the doctor come to my house, my mom cant walk",
            "faq",
            "faq/masks_visitors",
            "out_of_scope",
        ),
        ("do you make house calls", "faq", "faq/walk_in", "out_of_scope"),
        ("can i bring my mom to the house", "faq", "faq/masks_visitors", "faq"),
        ("i need a home visit, she fell and cant get up", "emergency", "faq/services", "emergency"),
    ],
)
def test_a_service_we_dont_offer_is_answered_as_one(
    text: str, read_as: str, key: str, becomes: str
) -> None:
    [message] = ServicesQuestionGuard().process([parsed_as(text, read_as, key)])
    assert message.get("intent")["name"] == becomes


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("where do i send my insurance card", "faq/insurance_card"),
        ("can i text you a picture of my insurance card", "faq/insurance_card"),
        ("should i fax my insurance card", "faq/what_to_bring"),
    ],
)
def test_the_card_sent_to_us_is_an_insurance_question(text: str, key: str) -> None:
    # "where do i send my insurance card": "You can still come to your visit without the card"
    [message] = ServicesQuestionGuard().process([parsed_as(text, "faq", key)])
    assert message.get("intent") == {"name": "billing_insurance", "confidence": 1.0}


@pytest.mark.parametrize(
    "text",
    ["i lost my insurance card, where do i get a new one", "can i send my card to the pharmacy"],
)
def test_a_lost_card_or_another_card_keeps_its_answer(text: str) -> None:
    [message] = ServicesQuestionGuard().process([parsed_as(text, "faq", "faq/insurance_card")])
    assert message.get("intent")["name"] == "faq"


@pytest.mark.parametrize(
    ("text", "key"),
    [
        # "in Spanish and many other languages", and a paragraph in Spanish
        ("do you have a vietnamese interpreter", "faq/interpreter_other_language"),
        ("my dad only speaks punjabi, can you help", "faq/interpreter_other_language"),
        # the languages the answer names keep it, as does no language named
        ("do you have spanish interpreters", "faq/interpreter"),
        ("do you have sign language interpreters", "faq/interpreter"),
        ("do you have interpreters", "faq/interpreter"),
        # asked in Spanish: the Spanish first
        ("necesito un interprete", "faq/interpreter_in_spanish"),
    ],
)
def test_an_interpreter_in_a_language_the_answer_does_not_name(text: str, key: str) -> None:
    [message] = ServicesQuestionGuard().process([parsed_as(text, "faq", "faq/interpreter")])
    selected = message.get("response_selector")["faq"]["response"]
    assert (message.get("intent")["name"], selected["intent_response_key"]) == ("faq", key)


@pytest.mark.parametrize(
    ("text", "read_as"),
    [
        ("where do i check in", "faq"),  # what to bring
        ("where is the front desk", "contact_info"),  # the phone numbers
        ("where do i check in at the north office", "check_appointment"),
    ],
)
def test_where_to_check_in_is_a_directions_question(text: str, read_as: str) -> None:
    [message] = ServicesQuestionGuard().process([parsed(text, read_as)])
    assert message.get("intent") == {"name": "directions", "confidence": 1.0}


def test_when_to_check_in_keeps_its_answer() -> None:
    [message] = ServicesQuestionGuard().process(
        [parsed_as("what time should i check in", "faq", "faq/arrival_time")]
    )
    assert message.get("intent")["name"] == "faq"


@pytest.mark.parametrize(
    ("text", "key", "becomes"),
    [
        # the refills answer (0.77): money back is for billing staff
        ("can i get a refund", "faq/prescription_refill", "billing_dispute"),
        ("how do i get my money back", "faq/prescription_refill", "billing_dispute"),
        # a refill asked for, or another answer picked, stays
        ("refill or refund? i need my inhaler refilled", "faq/prescription_refill", "faq"),
        ("whats your refund policy for the no show fee", "faq/cancellation_policy", "faq"),
    ],
)
def test_money_back_read_as_a_refill_goes_to_billing(text: str, key: str, becomes: str) -> None:
    [message] = ServicesQuestionGuard().process([parsed_as(text, "faq", key)])
    assert message.get("intent")["name"] == becomes
