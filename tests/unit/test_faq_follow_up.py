"""A common question with another one in the same message: the other is taken after the answer."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from rasa.core.nlg import TemplatedNaturalLanguageGenerator
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import SlotSet as CoreSlotSet
from rasa.shared.core.trackers import DialogueStateTracker
from rasa_sdk.events import ActionExecuted, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.directions import ActionLocationInfo
from actions.faq_follow_up import ActionFaqFollowUp, faq_topic, in_spanish, other_question
from actions.settings import get_clinic
from tests.support.actions import make_tracker
from tests.support.nlu import CannedNlu, faq_parse


def faq_tracker(text: str, topic: str, **kwargs: Any) -> Any:
    intent = {"name": "faq", "confidence": 0.9, "full_retrieval_intent_name": f"faq/{topic}"}
    return make_tracker(text, intent="faq", extra={"intent": intent}, **kwargs)


def run(text: str, topic: str, **kwargs: Any) -> tuple[list[Any], CollectingDispatcher]:
    dispatcher = CollectingDispatcher()
    events = ActionFaqFollowUp().run(dispatcher, faq_tracker(text, topic, **kwargs), {})
    return events, dispatcher


def test_the_topic_is_the_retrieval_intent_or_else_the_selected_response() -> None:
    assert faq_topic(faq_tracker("do you do flu shots", "services")) == "services"
    selector = {"faq": {"response": {"intent_response_key": "faq/walk_in"}}}
    tracker = make_tracker("can i walk in", intent="faq", extra={"response_selector": selector})
    assert faq_topic(tracker) == "walk_in"
    assert faq_topic(make_tracker("hi", intent="greet")) == ""


@pytest.mark.parametrize("text", ["do you do covid tests", "can i get a strep test there"])
def test_a_test_we_do_is_a_yes_and_what_it_is_booked_as(text: str) -> None:
    # ("do you do covid tests" got the whole list of services, and no yes)
    _, dispatcher = run(text, "services")
    assert [(m["response"], m.get("visit")) for m in dispatcher.messages] == [
        ("utter_offered_here", "a sick visit")
    ]


def test_a_quick_question_in_the_same_message_is_answered_at_once() -> None:
    events, dispatcher = run("do you do flu shots and are you open sunday", "services")
    # the yes to flu shots; the hours answer comes from the replayed question
    assert [m["response"] for m in dispatcher.messages] == ["utter_offered_here"]
    clear, listen, replay = events
    assert (clear, listen) == (SlotSet("pending_request", None), ActionExecuted("action_listen"))
    assert replay["text"] == "are you open sunday"
    assert replay["parse_data"]["intent"]["name"] == "clinic_hours"


def test_a_plan_question_in_the_same_message_is_answered() -> None:
    asked = other_question("do you do flu shots and do you take aetna", "services")
    assert asked == {"intent": "billing_insurance", "text": "do you take aetna"}


def test_a_plan_asked_beside_what_to_bring_is_answered_too() -> None:
    # only what to bring was answered: insurance words are that topic's own
    text = "hello, I'm a new patient, do you take Aetna, and what do I need to bring to my visit?"
    assert other_question(text, "what_to_bring") == {
        "intent": "billing_insurance",
        "text": "do you take Aetna",
    }


def test_the_other_question_may_come_first() -> None:
    asked = other_question("are you open sunday? also do you do flu shots", "services")
    assert asked == {"intent": "clinic_hours", "text": "are you open sunday"}


def test_a_balance_in_the_same_message_is_looked_up_at_once() -> None:
    events, _ = run("how do i get a copy of my records, and whats my balance", "records_request")
    assert events[-1]["text"] == "whats my balance"
    assert events[-1]["parse_data"]["intent"]["name"] == "billing_balance"


def test_another_task_in_the_same_message_is_offered() -> None:
    events, dispatcher = run("do you give tdap shots? if so can i book one", "services")
    book = {"intent": "book_appointment", "text": "if so can i book one"}
    assert events == [SlotSet("pending_request", book)]
    assert dispatcher.messages[0]["text"] == (
        "You also asked: \u201cif so can i book one\u201d. Shall we do that now?"
    )
    # "i need a sick visit and ...": the interpreter answered, and the booking dropped
    text = "i need a sick visit and i need a spanish interpreter"
    assert other_question(text, "interpreter") == {
        "intent": "book_appointment",
        "text": "i need a sick visit",
    }


@pytest.mark.parametrize(
    ("text", "topic"),
    [
        # the common question is worded like one of our requests
        ("is there a fee if i cancel, and how much is it", "cancellation_policy"),
        ("what time do you want me there before my physical", "arrival_time"),
        ("should i bring my insurance card and my meds", "what_to_bring"),
        ("does my insurance need a referral, or can i just come", "referral"),
        ("can i get my records and my insurance card copied", "records_request"),
        # one question, split by a comma
        ("hi, are you open for walk ins", "services"),
        ("do you do same day visits or walk ins", "walk_in"),
        # a button
        ('/faq{"x": 1}', "services"),
    ],
)
def test_one_question_is_answered_once(text: str, topic: str) -> None:
    assert other_question(text, topic) is None
    events, dispatcher = run(text, topic)
    assert (events, dispatcher.messages) == ([], [])


def test_in_the_middle_of_a_form_the_form_asks_its_question_next() -> None:
    events, dispatcher = run(
        "do you do flu shots and are you open sunday",
        "services",
        active_loop="booking_form",
        slots={"requested_slot": "date_preference"},
    )
    assert (events, dispatcher.messages) == ([], [])


def test_another_common_question_is_read_on_its_own_and_answered(canned_nlu: CannedNlu) -> None:
    canned_nlu.readings["can i get my records"] = faq_parse("records_request")
    events, dispatcher = run("do you do x-rays and can i get my records", "services")
    assert [m["response"] for m in dispatcher.messages] == ["utter_not_offered_here"]
    listen, replay = events
    assert listen == ActionExecuted("action_listen")
    assert replay["text"] == "can i get my records"
    assert replay["parse_data"]["intent"]["name"] == "faq"
    selected = replay["parse_data"]["response_selector"]["faq"]["response"]
    assert selected["utter_action"] == "utter_faq/records_request"


def test_the_same_common_question_twice_is_answered_once(canned_nlu: CannedNlu) -> None:
    canned_nlu.readings["do you do x-rays"] = faq_parse("services")
    canned_nlu.readings["do you do mri scans"] = faq_parse("services")
    events, dispatcher = run("do you do x-rays, do you do mri scans", "services")
    assert events == []
    assert [m["response"] for m in dispatcher.messages] == ["utter_not_offered_here"]


def test_a_clause_that_goes_on_with_the_question_is_not_read(canned_nlu: CannedNlu) -> None:
    canned_nlu.readings["or can i just come"] = faq_parse("walk_in")
    events, _ = run("does my insurance need a referral, or can i just come", "referral")
    assert events == []
    assert canned_nlu.asked == []


@pytest.mark.parametrize(
    "text",
    [
        "i lost my insurance card, what do i do",  # "what do i do" got the services list
        "my kid has a fever. what should i do now",
        "forgot my forms at home, help",
        "can't make it at 3, what are my options",
    ],
)
def test_a_clause_asking_what_to_do_is_not_another_question(
    canned_nlu: CannedNlu, text: str
) -> None:
    what_now = {"what do i do", "what should i do now", "help", "what are my options"}
    for clause in what_now:
        canned_nlu.readings[clause] = faq_parse("services")
    events, _ = run(text, "what_to_bring")
    assert events == []
    assert not what_now & set(canned_nlu.asked)


@pytest.mark.parametrize(
    ("text", "topic"),
    [
        # how to prepare for a visit followed the interpreter answer
        ("my mom only speaks vietnamese, can she still come", "interpreter"),
        ("i lost my insurance card, can i still be seen", "insurance_card"),
        ("running 10 minutes late, is that ok", "running_late"),
    ],
)
def test_a_clause_asking_whether_it_still_goes_ahead_is_not_another_question(
    canned_nlu: CannedNlu, text: str, topic: str
) -> None:
    still = ("can she still come", "can i still be seen", "is that ok")
    for clause in still:
        canned_nlu.readings[clause] = faq_parse("visit_prep")
    events, _ = run(text, topic)
    assert events == []
    assert not set(still) & set(canned_nlu.asked)


def test_when_the_model_cannot_be_asked_the_answer_stands_alone(canned_nlu: CannedNlu) -> None:
    canned_nlu.down = True
    events, dispatcher = run("do you do eye exams and can i get my records", "services")
    assert events == []
    assert [m["response"] for m in dispatcher.messages] == ["utter_not_offered_here"]


def test_a_common_question_after_the_hours_is_answered_too(canned_nlu: CannedNlu) -> None:
    """ "do you give flu shots? and are you open on sundays" was read as the hours only."""
    canned_nlu.readings["do you give flu shots"] = faq_parse("services")
    tracker = make_tracker("do you give flu shots? and are you open on sundays", "clinic_hours")
    dispatcher = CollectingDispatcher()
    events = ActionLocationInfo().run(dispatcher, tracker, {})
    # (Sundays' hours: "On Sundays both offices are closed.", no longer the week's)
    assert dispatcher.messages[0]["text"].startswith("On Sundays both offices are closed.")
    assert events[-1]["text"] == "do you give flu shots"
    assert (
        events[-1]["parse_data"]["response_selector"]["faq"]["response"]["intent_response_key"]
        == "faq/services"
    )
    assert canned_nlu.asked == ["do you give flu shots"]  # the hours clause is not read again


@pytest.mark.parametrize(
    ("text", "topic", "service"),
    [
        ("do you do eye exams", "services", "eye exams"),  # got the services list: read as yes
        ("do u do dot physicals", "services", "commercial driver (DOT) physicals"),
        ("do you have a dermatologist", "referral", "specialist visits"),
    ],
)
def test_a_service_we_do_not_offer_is_said_after_the_answer(
    text: str, topic: str, service: str
) -> None:
    events, dispatcher = run(text, topic)
    assert events == []
    [note] = dispatcher.messages
    assert note["response"] == "utter_not_offered_here"
    assert note["service"].startswith(service)
    assert note["instead"]


@pytest.mark.parametrize(
    ("text", "topic"),
    [("do you do physicals", "services"), ("can i bring my dentist's note", "what_to_bring")],
)
def test_no_not_offered_note_for_what_we_do_or_another_topic(text: str, topic: str) -> None:
    _, dispatcher = run(text, topic)
    assert "utter_not_offered_here" not in [m.get("response") for m in dispatcher.messages]
    # (a physical gets the yes instead, see below; the dentist's note nothing more)
    assert len(dispatcher.messages) == (topic == "services")


@pytest.mark.parametrize(
    ("text", "visit", "visit_type"),
    [
        ("do you do pap smears", "a women's health exam", "womens_health"),
        ("do you do flu shots", "a vaccination", "vaccination"),
        ("can i get a sports physical there", "a well-child visit", "well_child"),
        ("do you guys do physicals", "an annual physical", "physical"),
    ],
)
def test_a_visit_we_do_named_in_the_question_gets_a_yes_and_a_way_to_book_it(
    text: str, visit: str, visit_type: str
) -> None:
    # The services answer alone listed everything we do; the yes was left to work out.
    events, dispatcher = run(text, "services")
    assert events == []
    [said] = dispatcher.messages
    assert said["response"] == "utter_offered_here"
    assert said["visit"] == visit
    payload = '/book_appointment{"visit_type": "' + visit_type + '"}'
    assert said["buttons"] == [{"title": f"Book {visit}", "payload": payload}]


def test_a_clinician_named_with_the_visit_is_booked_with_or_said_not_to_do_it() -> None:
    # "does dr okafor do shots" got "Yes, we do" and a booking with whoever
    _, dispatcher = run("does dr okafor do shots", "clinician_offers")
    [said] = dispatcher.messages
    assert (said["response"], said["visit"]) == (
        "utter_offered_as",
        "a vaccination with Dr. James Okafor",
    )
    payload = '/book_appointment{"visit_type": "vaccination", "practitioner": "okafor"}'
    assert said["buttons"] == [{"title": "Book a vaccination with Dr. Okafor", "payload": payload}]
    # one who doesn't do it: said, and the visit with whoever does (no "Yes, we do")
    _, dispatcher = run("does dr gonzalez do flu shots", "services")
    no, booked_as = dispatcher.messages
    assert (no["response"], no["practitioner"], no["a_visit"]) == (
        "utter_practitioner_not_for_visit",
        "Dr. Maria Gonzalez",
        "a vaccination",
    )
    assert (booked_as["response"], booked_as["visit"]) == ("utter_offered_as", "a vaccination")
    payload = '/book_appointment{"visit_type": "vaccination"}'
    assert booked_as["buttons"] == [{"title": "Book a vaccination", "payload": payload}]


def test_after_the_plain_yes_only_what_it_is_booked_as() -> None:
    # "Yes, we do." (faq/service_offered, addons/services_guard.py) came first
    events, dispatcher = run("do you do pap smears", "service_offered")
    assert events == []
    [said] = dispatcher.messages
    assert (said["response"], said["visit"]) == ("utter_offered_as", "a women's health exam")
    payload = '/book_appointment{"visit_type": "womens_health"}'
    assert said["buttons"] == [{"title": "Book a women's health exam", "payload": payload}]


def test_a_price_asked_with_the_yes_says_who_can_tell_it() -> None:
    # "do you do sports physicals, how much": the yes and the booking, the price lost
    _, dispatcher = run("do you do sports physicals, how much", "service_offered")
    booked_as, cost = dispatcher.messages
    assert (booked_as["response"], booked_as["visit"]) == ("utter_offered_as", "a well-child visit")
    assert cost["response"] == "utter_visit_cost"
    assert cost["billing_phone"] == "(916) 555-0199"
    # no price asked: the yes alone
    _, dispatcher = run("do you do sports physicals", "service_offered")
    assert [m["response"] for m in dispatcher.messages] == ["utter_offered_as"]


@pytest.mark.parametrize(
    ("text", "topic"),
    [
        ("do you do physical therapy", "services"),  # not the physical it contains
        ("do you do blood work", "services"),  # no visit of ours named
        ("do you do flu shots", "walk_in"),  # another answer
        ("do you give tdap shots? if so can i book one", "services"),  # booking offered instead
    ],
)
def test_no_yes_unless_the_services_answer_and_a_visit_named(text: str, topic: str) -> None:
    _, dispatcher = run(text, topic)
    assert "utter_offered_here" not in [m.get("response") for m in dispatcher.messages]


def _being_cancelled(hours_away: float, booked_here: bool = False) -> dict[str, Any]:
    start = get_clinic().now() + timedelta(hours=hours_away)
    item = {"id": "a1", "start": start.isoformat(), "visit_type": "physical"}
    return {
        "my_appointments": [item],
        "appointment_choice": "a1",
        "requested_slot": "cancel_confirmed",
        "verified": True,
        **({"last_booked": "a1"} if booked_here else {}),
    }


@pytest.mark.parametrize(
    ("hours_away", "booked_here", "said"),
    [
        (72, False, "utter_no_late_fee"),
        (5, False, "utter_late_fee_applies"),
        # booked in this chat: the policy does not apply, and "more than 24 hours" is untrue
        (5, True, None),
    ],
)
def test_the_fee_question_while_cancelling_says_whether_it_applies_to_this_one(
    hours_away: float, booked_here: bool, said: str | None
) -> None:
    # "is there a fee for cancelling?" at "cancel it?" got the policy alone, and the patient
    # had to work out whether their appointment was within 24 hours.
    slots = _being_cancelled(hours_away, booked_here)
    _, dispatcher = run(
        "is there a fee for cancelling?",
        "cancellation_policy",
        slots=slots,
        active_loop="cancel_form",
    )
    messages = dispatcher.messages
    assert [m["response"] for m in messages] == ([said] if said else [])
    if said:
        assert messages[0]["appointment"].startswith("Your annual physical on ")
        assert messages[0]["hours"] == 24
    # another common question in the same place adds nothing
    _, other = run("where do i park", "parking", slots=slots, active_loop="cancel_form")
    assert other.messages == []


def test_a_visit_named_with_a_teen_coming_alone_is_offered_after_the_answer() -> None:
    # "can my 15 yr old come in without me for a sports physical": who may come, no booking
    events, dispatcher = run(
        "can my 15 yr old come in without me for a sports physical", "teen_privacy"
    )
    assert events == []
    [said] = dispatcher.messages
    assert said["response"] == "utter_offered_as"
    assert said["buttons"][0]["payload"].startswith("/book_appointment")
    # no visit named: the answer alone
    _, dispatcher = run("can teenagers come in by themselves", "teen_privacy")
    assert dispatcher.messages == []


def test_a_visit_named_with_a_form_to_fill_in_is_offered_after_the_answer() -> None:
    # "my daughter needs a sports physical form filled out": "... I can book that visit here",
    # and "yes please" got "What can I help you with?" (no button to take)
    _, dispatcher = run("my daughter needs a sports physical form filled out", "forms_notes")
    [said] = dispatcher.messages
    assert said["response"] == "utter_offered_for_form"
    assert said["buttons"][0]["payload"] == '/book_appointment{"visit_type": "well_child"}'
    # "It's booked as a sick visit", as if one had been asked about: "if you need one"
    _, dispatcher = run("can i get a note for work, i was sick yesterday", "forms_notes")
    [said] = dispatcher.messages
    assert said["response"] == "utter_offered_for_form"
    assert said["visit"] == "a sick visit"
    assert said["buttons"][0]["payload"] == '/book_appointment{"visit_type": "sick"}'
    # a form with no visit named: the answer alone
    _, dispatcher = run("i need a doctors note for work", "forms_notes")
    assert dispatcher.messages == []


def test_the_spanish_answer_is_marked_given_and_gives_the_nurse_line_while_closed() -> None:
    """ "hola necesito una cita" - "para mi hijo, tiene fiebre" at night: the same answer word
    for word, with the front desk's number, which nobody answers then."""
    clinic = get_clinic()
    tuesday = datetime(2026, 12, 1, tzinfo=clinic.tz)
    for hour, closed in ((23, True), (10, False)):
        dispatcher = CollectingDispatcher()
        tracker = faq_tracker("para mi hijo, tiene fiebre", "interpreter_in_spanish")
        events = in_spanish(
            dispatcher, tracker, "interpreter_in_spanish", tuesday.replace(hour=hour)
        )
        assert events == [SlotSet("spanish_answered", True)]
        said = [m["text"] for m in dispatcher.messages]
        assert said == (
            [
                "Ahora estamos cerrados. Si es una pregunta médica que no puede esperar, llame a "
                "nuestra línea de enfermería fuera de horario: (916) 555-0177 (pida un "
                "intérprete)."
            ]
            if closed
            else []
        )
    # marked once, and the nurse line said once ("hablan español?" after it got it again,
    # word for word); another answer marks nothing
    again = faq_tracker(
        "hablan español?", "interpreter_in_spanish", slots={"spanish_answered": True}
    )
    dispatcher = CollectingDispatcher()
    night = tuesday.replace(hour=23)
    assert in_spanish(dispatcher, again, "interpreter_in_spanish", night) == []
    assert dispatcher.messages == []
    assert run("do you have interpreters", "interpreter")[0] == []


@pytest.mark.parametrize("text", ["cuanto debo", "quiero pagar mi factura", "aceptan mi seguro?"])
def test_a_bill_asked_in_spanish_gets_billing_s_number(text: str) -> None:
    # "cuanto debo" got the appointments' line alone (book, move or cancel a visit)
    clinic = get_clinic()
    tuesday_10am = datetime(2026, 12, 1, 10, tzinfo=clinic.tz)
    dispatcher = CollectingDispatcher()
    tracker = faq_tracker(text, "interpreter_in_spanish")
    in_spanish(dispatcher, tracker, "interpreter_in_spanish", tuesday_10am)
    assert [m["text"] for m in dispatcher.messages] == [
        "Para preguntas sobre su cuenta, sus pagos o su seguro, llame a facturación al "
        "(916) 555-0199 y pida un intérprete."
    ]


def test_a_second_message_in_spanish_gets_the_answer_in_other_words() -> None:
    """Rasa's own response generator picks domain/faq.yml's other wording once
    ``spanish_answered`` is set."""
    domain = Domain.load(str(Path(__file__).resolve().parents[2] / "domain"))
    nlg = TemplatedNaturalLanguageGenerator(domain.responses)

    async def said(answered: bool) -> str:
        events = [CoreSlotSet("spanish_answered", True)] if answered else []
        tracker = DialogueStateTracker.from_events("es", events, slots=domain.slots)
        message = await nlg.generate("utter_faq/interpreter_in_spanish", tracker, "rest")
        return str((message or {}).get("text"))

    first, again = asyncio.run(said(False)), asyncio.run(said(True))
    assert first.startswith("Hola. El servicio de intérprete es gratis.")
    assert again.startswith("Sigo aquí, pero solo puedo escribir en inglés.")


def test_a_visit_asked_for_beside_how_to_prepare_is_offered_after_it() -> None:
    # "i need a physical next week, do i need to fast before it?": how to prepare, and no
    # booking (a booking's words beside that answer are usually part of its question)
    events, dispatcher = run(
        "i need a physical next week, do i need to fast before it?", "visit_prep"
    )
    assert dispatcher.messages[-1]["text"] == (
        "You also asked: \u201ci need a physical next week\u201d. Shall we do that now?"
    )
    assert events == [
        SlotSet(
            "pending_request",
            {"intent": "book_appointment", "text": "i need a physical next week"},
        )
    ]
    # ...but not the appointment the question is about
    events, dispatcher = run("do i need to fast before my appointment next week", "visit_prep")
    assert events == [] and dispatcher.messages == []
