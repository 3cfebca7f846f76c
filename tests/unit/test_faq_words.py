"""Common questions the model misread, answered by their FAQ (addons/faq_words.py), through
the ServicesQuestionGuard that applies them."""

from __future__ import annotations

import pytest
from rasa.shared.nlu.training_data.message import Message

from addons.faq_words import card_sent, faq_asked
from addons.services_guard import ServicesQuestionGuard


def parsed(text: str, intent: str) -> Message:
    message = Message(data={"text": text})
    message.set("intent", {"name": intent, "confidence": 0.97})
    message.set("response_selector", {"all_retrieval_intents": ["faq"], "faq": {}})
    return message


@pytest.mark.parametrize(
    ("text", "read_as", "key"),
    [
        # a booking at 1.0 ("visit tuesday"): the patient was asked if they'd been seen before
        ("i need a doctors note for work from my visit tuesday", "book_appointment", "forms_notes"),
        ("need a dr’s note from my last visit", "check_appointment", "forms_notes"),
        ("my boss wants a note for work", "out_of_scope", "forms_notes"),
        ("my daughter needs her sports form filled out", "book_appointment", "forms_notes"),
        # a note of a visit had: a booking (0.98, "appointment today")
        ("can i get a note that i was at my appointment today", "book_appointment", "forms_notes"),
        ("i need proof that my son was seen yesterday", "check_appointment", "forms_notes"),
        # the note's answer, unsure beside a booking (0.48 and 0.46): "Did you want to book an
        # appointment?"
        ("i need a note for work saying i was seen yesterday", "faq", "forms_notes"),
        # out of scope (0.53): "not something I can help with"
        ("how do i stop getting text messages from you", "out_of_scope", "reminders"),
        ("stop sending me texts", "stop", "reminders"),
        ("how do i unsubscribe", "nlu_fallback", "reminders"),
        # "Did you want to cancel an appointment?"
        ("can i do my follow up over the phone", "cancel_appointment", "telehealth"),
        ("could we have the visit by video instead", "reschedule_appointment", "telehealth"),
        ("does my follow up have to be in person", "nlu_fallback", "telehealth"),
        ("can i switch my appt to a video visit", "reschedule_appointment", "telehealth"),
        # the list of clinicians
        ("can teenagers come in by themselves", "ask_clinicians", "teen_privacy"),
        ("can my 15 year old be seen without a parent", "book_appointment", "teen_privacy"),
        ("im 16 can i come alone", "out_of_scope", "teen_privacy"),
        # the plans we take (0.72)
        (
            "hey can my 15 yr old come in without me for a sports physical",
            "billing_insurance",
            "teen_privacy",
        ),
        # a booking (0.93): "What kind of visit do you need?"
        # (the visitors' line alone, of the visitors, masks and animals answer)
        (
            "my mom Mary Ann O'Brien dob 7/19/64 has an appt tuesday, can I come with her",
            "book_appointment",
            "visitors",
        ),
        ("can i bring my husband with me", "book_appointment", "visitors"),
        ("can my mom come in with me to my appt", "check_appointment", "visitors"),
        # a booking (0.98): "Have you been seen here before?"
        ("do i need an appointment for a flu shot", "book_appointment", "walk_in"),
        ("does my son need an appt for his shots", "book_appointment", "walk_in"),
        ("is an appointment required for a sick visit?", "nlu_fallback", "walk_in"),
        ("do we have to book ahead", "out_of_scope", "walk_in"),
        ("do I have to make an appointment to get a tb test", "book_appointment", "walk_in"),
        # "Did you want to ask a nurse a medical question?"
        ("hi can i get a flu shot without an appointment", "medical_advice", "walk_in"),
        ("could my son get seen without an appt", "book_appointment", "walk_in"),
        ("can i just walk in for a tb test", "out_of_scope", "walk_in"),
        # the balance at 0.82 (and the identity check), a cancellation
        ("can my daughter call you about my bills", "billing_balance", "someone_helps"),
        ("my wife handles my bills can she call you", "billing_balance", "someone_helps"),
        ("can my son call about my appointments", "cancel_appointment", "someone_helps"),
        # a booking for the writer ("Have you been seen here before?"), the question unanswered
        ("can my husband book for me", "book_appointment", "someone_helps"),
        ("is it ok if my son schedules appointments for me", "book_appointment", "someone_helps"),
        # out of scope (0.46): "not something I can help with"
        ("i lost my insurance card, what do i do", "out_of_scope", "insurance_card"),
        ("forgot my ins card at home can i still come", "nlu_fallback", "insurance_card"),
        ("I haven't gotten my new insurance card yet", "billing_insurance", "insurance_card"),
        ("my medi-cal card got stolen", "out_of_scope", "insurance_card"),
        # what the chat does with what is written in it (0.99), our phone numbers (0.92)
        (
            "is there a way to get my appointment confirmation emailed to me",
            "faq",
            "reminders",
        ),
        ("can you email me a confirmation", "contact_info", "reminders"),
        ("can i get a text reminder the day before", "nlu_fallback", "reminders"),
        # "Did you want to book an appointment?"
        (
            "hi i have a question about my sons vaccine record, can i get a copy",
            "nlu_fallback",
            "records_request",
        ),
    ],
)
def test_a_misread_common_question_gets_its_answer(text: str, read_as: str, key: str) -> None:
    [message] = ServicesQuestionGuard().process([parsed(text, read_as)])
    assert message.get("intent") == {"name": "faq", "confidence": 1.0}
    selected = message.get("response_selector")["faq"]["response"]
    assert selected["intent_response_key"] == f"faq/{key}"
    assert selected["utter_action"] == f"utter_faq/{key}"


@pytest.mark.parametrize(
    ("text", "read_as"),
    [
        # a visit asked for in so many words stays a booking
        ("I need a doctor's note for work, can I get an appointment", "book_appointment"),
        ("can i book a visit and get a note saying i was sick", "book_appointment"),
        ("book a physical for his school form", "book_appointment"),
        ("i need a note for work", "emergency"),
        # "stop" at a question is a never-mind; a complaint about texts names no stopping
        ("stop", "stop"),
        ("stop, I changed my mind", "stop"),
        ("your texts are annoying", "complaint"),
        # a teen's visit booked, or a question about a parent coming with an adult
        ("book my 15 year old for a physical", "book_appointment"),
        ("can my mom come with me", "faq"),
        # a visit for them booked
        ("can i bring my son in for a checkup", "book_appointment"),
        # booked for a relative, or by one who names no one it is for
        ("can i book for my wife", "book_appointment"),
        ("can my husband book an appointment", "book_appointment"),
        ("can i bring my daughter for her shots", "book_appointment"),
        ("can i come with my son for his physical next week", "book_appointment"),
        # a booking asked for beside the question, or an appointment wanted
        ("do i need an appointment for a flu shot? if so book me one", "book_appointment"),
        ("I need an appointment for a flu shot", "book_appointment"),
        ("I was seen at a walk in clinic, I need a follow up appointment", "book_appointment"),
        # the phone as the way to do a task
        ("can i cancel my appointment over the phone", "cancel_appointment"),
        ("can i book my appointment over the phone", "book_appointment"),
        ("can i come in today without an appointment or should i book one", "book_appointment"),
        ("can i get an appointment friday", "book_appointment"),
        ("do you have an appointment tomorrow morning", "book_appointment"),
        ("do i have an appointment next week", "book_appointment"),
        ("does my son have an appt on friday", "book_appointment"),
        # the relative is the patient, or we are asked to call them
        ("can my daughter see dr patel friday", "book_appointment"),
        ("can you call my daughter about her appointment", "check_appointment"),
        # a new card given, or the card brought
        ("I have a new insurance card, how do I give it to you", "billing_insurance"),
        ("do i need my insurance card", "faq"),
        ("do you take my insurance card from blue shield", "billing_insurance"),
        # a confirmation asked of a booking, or an email address changed
        ("yes book it and email me the confirmation", "book_appointment"),
        ("i need to update my email", "contact_info"),
        # records said with a booking
        ("book a physical, i need it for my school records", "book_appointment"),
    ],
)
def test_other_messages_keep_their_reading(text: str, read_as: str) -> None:
    assert faq_asked(text, read_as) is None
    [message] = ServicesQuestionGuard().process([parsed(text, read_as)])
    assert message.get("intent")["name"] == read_as


def answered_with(text: str, key: str) -> Message:
    """Read as a common question, answered with ``key``."""
    message = parsed(text, "faq")
    selector = {
        "all_retrieval_intents": ["faq"],
        "faq": {"response": {"intent_response_key": key, "utter_action": f"utter_{key}"}},
    }
    message.set("response_selector", selector)
    return message


def test_bringing_a_companion_read_as_what_to_bring_is_the_visitors_answer() -> None:
    """ "can i bring my husband" got ID, insurance card and medicines to bring."""
    [message] = ServicesQuestionGuard().process(
        [answered_with("can i bring my husband", "faq/what_to_bring")]
    )
    selected = message.get("response_selector")["faq"]["response"]
    assert selected["intent_response_key"] == "faq/visitors"  # that line of the answer


@pytest.mark.parametrize(
    ("text", "key"),
    [
        # the three lines came back for each of three questions in a row
        ("can i bring my kids to my appointment", "faq/visitors"),
        ("ok. can i bring my service dog", "faq/animals"),
        ("do i have to wear a mask", "faq/masks"),
        # two of them, or none named: the whole answer
        ("can my husband and my service dog come", "faq/masks_visitors"),
        ("whats your policy on that", "faq/masks_visitors"),
    ],
)
def test_one_line_of_the_visiting_answer_for_one_topic(text: str, key: str) -> None:
    [message] = ServicesQuestionGuard().process([answered_with(text, "faq/masks_visitors")])
    selected = message.get("response_selector")["faq"]["response"]
    assert (selected["intent_response_key"], selected["utter_action"]) == (key, f"utter_{key}")


@pytest.mark.parametrize(
    "text", ["can i bring my son's shot record", "what should i bring to my visit"]
)
def test_what_to_bring_stays_what_to_bring(text: str) -> None:
    [message] = ServicesQuestionGuard().process([answered_with(text, "faq/what_to_bring")])
    selected = message.get("response_selector")["faq"]["response"]
    assert selected["intent_response_key"] == "faq/what_to_bring"


@pytest.mark.parametrize(
    ("text", "sent"),
    [
        ("where do i send my insurance card", True),
        ("how do i get you my new insurance card", True),
        ("does the front desk need to see my medicare card", True),
        ("can i upload my medi-cal card online", True),
        # "its aetna" - "can i just send you a picture of the card" got the lost-card answer
        ("can i just send you a picture of the card", True),
        ("ok can i text a pic of my new card", True),
        # a card to pay with, or a card alone without a picture of it
        ("can i send a picture of my credit card", False),
        ("can i send you my card number", False),
        # a lost, missing or replaced card, or one sent to the patient
        ("i lost my insurance card, can i send you a photo of it", False),
        ("i need a new insurance card", False),
        ("where do I get a new insurance card", False),
        ("send me a copy of my insurance card", False),
        ("do i need to bring my insurance card", False),
    ],
)
def test_the_card_sent_to_us_is_told_from_a_lost_one(text: str, sent: bool) -> None:
    assert card_sent(text) is sent
