"""Two requests in one message: the form does one, the other is asked about when it is done."""

from __future__ import annotations

from datetime import date

import pytest
from rasa_sdk.events import ActionExecuted, BotUttered, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import cancel_appointment
from actions.booking import ValidateBookingForm
from actions.booking_times import ActionBookAppointment
from actions.cancel_appointment import ActionCancelAppointment, ValidateCancelForm
from actions.clients.fhir_model import BackendUnavailable, PatientRecord
from actions.dates import parse_when
from actions.directions import ActionLocationInfo
from actions.offer_answers import ActionAnswerYes
from actions.reschedule_appointment import ActionRescheduleAppointment
from actions.second_request import (
    REQUEST_WORDS,
    WITH_COMPLAINT,
    answer_second_request,
    common_question_in,
    first_task_name,
    offer_second_request,
    question_before_handoff,
    request_in,
    second_request,
)
from actions.settings import get_clinic
from actions.stop import ActionStop
from actions.verified_patient import verified_slots
from addons.task_words_guard import WITH_COMPLAINT_KEY
from tests.support.actions import make_tracker, next_month_on, responses
from tests.support.nlu import CannedNlu, faq_parse

BOOK_SON = {"intent": "book_appointment", "text": "book my son a checkup"}


def cancels_recorded(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The appointments the cancel action cancels (the scheduling client's only call here)."""
    cancelled: list[str] = []

    class Client:
        def cancel(self, appointment_id: str, reason: str) -> None:
            cancelled.append(appointment_id)

    monkeypatch.setattr(cancel_appointment, "scheduling_client", lambda: Client())
    return cancelled


def ready_to_cancel(
    visit_type: str = "physical", practitioner: str = "patel", **more: object
) -> dict[str, object]:
    """The slots of a cancellation the patient just confirmed: one appointment, "a1"."""
    item = {
        "id": "a1",
        "start": next_month_on(1, 9),
        "visit_type": visit_type,
        "practitioner": practitioner,
        "location": "north",
    }
    return {
        "verified": True,
        "patient_id": "p1",
        "my_appointments": [item],
        "appointment_choice": "a1",
        "cancel_confirmed": True,
        **more,
    }


@pytest.mark.parametrize(
    ("text", "own", "other"),
    [
        ("cancel my physical and book my son a checkup", "cancel_appointment", BOOK_SON),
        # a third request rides along with the second (the parking was dropped)
        (
            "whats my balance, when is my next appointment and where do i park",
            "billing_balance",
            {
                "intent": "check_appointment",
                "text": "when is my next appointment and where do i park",
            },
        ),
        (
            "when is my next appointment and where do i park",
            "check_appointment",
            {"intent": "parking", "text": "where do i park"},
        ),
        # the bike rack was dropped
        (
            "what are your hours and is there a bike rack",
            "clinic_hours",
            {"intent": "parking", "text": "is there a bike rack"},
        ),
        # "do you validate" is the parking question (it was dropped)
        (
            "whats the address of the downtown clinic and do you validate",
            "directions",
            {"intent": "parking", "text": "do you validate"},
        ),
        # The same task for a second relative: after the first one's, one person at a time
        (
            "book my son and my daughter a checkup",
            "book_appointment",
            {"intent": "book_appointment", "text": "book my daughter a checkup"},
        ),
        (
            "book my son a checkup and my daughter",
            "book_appointment",
            {"intent": "book_appointment", "text": "book my daughter a checkup"},
        ),
        (
            "cancel my wife's and my son's appointments tomorrow",
            "cancel_appointment",
            {"intent": "cancel_appointment", "text": "cancel my son's appointments tomorrow"},
        ),
        ("book my son a checkup and my son's friend", "book_appointment", None),
        # The writer beside a relative: the relative's booking first (the form books for the
        # relative named), then the writer's own, checked for the writer (it was lost)
        (
            "i need checkups for me and my daughter",
            "book_appointment",
            {"intent": "book_appointment", "text": "i need checkups for me", "own": "writer"},
        ),
        (
            "book my daughter and me a checkup",
            "book_appointment",
            {"intent": "book_appointment", "text": "book me a checkup", "own": "writer"},
        ),
        (
            "my son and i both need flu shots",
            "book_appointment",
            {"intent": "book_appointment", "text": "i need flu shots", "own": "writer"},
        ),
        # (lost: "get" and "see" were not read as a need)
        (
            "can my wife and i both get physicals the same day",
            "book_appointment",
            {
                "intent": "book_appointment",
                "text": "i need physicals the same day",
                "own": "writer",
            },
        ),
        (
            "my son and i see dr patel, can we book",
            "book_appointment",
            {"intent": "book_appointment", "text": "i need to see dr patel", "own": "writer"},
        ),
        (
            "my husband and I also need to schedule physicals",
            "book_appointment",
            {"intent": "book_appointment", "text": "i need to schedule physicals", "own": "writer"},
        ),
        ("book my son a checkup and i also have a question", "book_appointment", None),
        ("cancel my son's appointment and mine", "cancel_appointment", None),
        # The route by bus is the directions answer (it was dropped after the parking one)
        (
            "where do i park and is there a bus that goes there",
            "parking",
            {"intent": "directions", "text": "is there a bus that goes there"},
        ),
        # The dispute, after the cancellation (it was lost); not the other way round: the
        # dispute hands the chat to staff, who read the whole message.
        (
            "i was charged twice for my last visit and i also need to cancel my appt on tuesday",
            "cancel_appointment",
            {"intent": "billing_dispute", "text": "i was charged twice for my last visit"},
        ),
        (
            "i was charged twice for my last visit and i also need to cancel my appt on tuesday",
            "billing_dispute",
            None,
        ),
        # (the floor was dropped after the hours)
        (
            "what floor are you on and what are your hours",
            "clinic_hours",
            {"intent": "directions", "text": "what floor are you on"},
        ),
        # The booking is for the son; the cancel is the writer's own ("own": who is verified
        # for the booking is not assumed for it).
        (
            "cancel my physical and book my son a checkup",
            "book_appointment",
            {"intent": "cancel_appointment", "text": "cancel my physical", "own": "writer"},
        ),
        (
            "please cancel. also what's my balance",
            "cancel_appointment",
            {"intent": "billing_balance", "text": "what's my balance"},
        ),
        (
            "when is my appointment and can I move it",
            "check_appointment",
            {"intent": "reschedule_appointment", "text": "can I move it"},
        ),
        # One request, however long.
        ("book a physical with dr patel next tuesday morning", "book_appointment", None),
        ("I want to book, my son has a fever", "book_appointment", None),
        # Moving an appointment books the new time: not a second request.
        ("move my appointment, can you book me for friday instead", "reschedule_appointment", None),
        ("move my physical, cancel the old one", "reschedule_appointment", None),
        # ... but cancelling another kind of visit is another request (it was dropped).
        (
            "please move my physical to the week after and also cancel my follow up",
            "reschedule_appointment",
            {"intent": "cancel_appointment", "text": "cancel my follow up"},
        ),
        ("/cancel_appointment", "cancel_appointment", None),
        # Appointments and bills asked for together: the bills were dropped.
        (
            "can you tell me her appointments and bills",
            "check_appointment",
            {"intent": "billing_balance", "text": "bills"},
        ),
        (
            "what are my bills and appointments",
            "billing_balance",
            {"intent": "check_appointment", "text": "appointments"},
        ),
        ("how do i pay my bills", "billing_pay", None),
        ("cancel it, i cant afford more bills", "cancel_appointment", None),
        # Booking answers the plan named with it first.
        ("I'd like a check-up, do you take Kaiser", "book_appointment", None),
        # Quick questions count too, either way round.
        (
            "when is my appt and where do i park",
            "check_appointment",
            {"intent": "parking", "text": "where do i park"},
        ),
        (
            "when is my appt and where do i park",
            "parking",
            {"intent": "check_appointment", "text": "when is my appt"},
        ),
        (
            "what time u open tmrw and do u take aetna",
            "clinic_hours",
            {"intent": "billing_insurance", "text": "do u take aetna"},
        ),
        (
            "how do i pay and where do i park at north office",
            "parking",
            {"intent": "billing_pay", "text": "how do i pay"},
        ),
        (
            "do you take Blue Shield? also I wanted to know where the clinic is",
            "billing_insurance",
            {"intent": "directions", "text": "I wanted to know where the clinic is"},
        ),
        # "he" is the son again, not the writer (his details were asked for again)
        (
            "when is my sons appointment and what does he owe",
            "check_appointment",
            {"intent": "billing_balance", "text": "what does he owe"},
        ),
        # a child's appointment by name: only the balance was answered
        (
            "when is liams appointment and what does he owe",
            "billing_balance",
            {"intent": "check_appointment", "text": "when is liams appointment"},
        ),
        # The same request for someone else (was dropped without a word).
        (
            "What's my balance and what does my son Liam owe?",
            "billing_balance",
            {"intent": "billing_balance", "text": "what does my son Liam owe"},
        ),
        # a request said not to be one ("You also asked: “dont want to book ...”")
        ("how much do i owe? dont want to book if i have a big bill", "billing_balance", None),
        ("i dont want to cancel, just move it", "reschedule_appointment", None),
        # the writer and two children: one child first, then the other with the writer's own
        # (the children were forgotten once the writer's visit was booked)
        (
            "hi, we just moved here and i need a doctor for me and my 2 kids",
            "book_appointment",
            {
                "intent": "book_appointment",
                "text": "i need a doctor for me and my other kid",
                "own": "writer",
            },
        ),
        (
            "i need a doctor for me and my other kid",
            "book_appointment",
            {"intent": "book_appointment", "text": "i need a doctor for me", "own": "writer"},
        ),
        # several children, the writer not among them: the next child's booking after the
        # first child's (the other was forgotten once Liam was booked)
        (
            "i need to book checkups for both my kids",
            "book_appointment",
            {
                "intent": "book_appointment",
                "text": "book my other kid an annual physical",
                "own": "relative",
                "children": "other kid",
            },
        ),
        (
            "my kids need flu shots",
            "book_appointment",
            {
                "intent": "book_appointment",
                "text": "book my other kids a vaccination",
                "own": "relative",
                "children": "other kids",
            },
        ),
        (
            "my twins need their well child visits",
            "book_appointment",
            {
                "intent": "book_appointment",
                "text": "book my other twin a well-child visit",
                "own": "relative",
                "children": "other twin",
            },
        ),
        # children who are not the ones booked for
        ("i need a physical, can my kids come with me", "book_appointment", None),
        ("what does it cost for both my kids", "billing_insurance", None),
        # the writer's clause first, the visit after the relative (the writer's was lost)
        (
            "book me and my son a checkup",
            "book_appointment",
            {"intent": "book_appointment", "text": "book me a checkup", "own": "writer"},
        ),
        # ...or the writer alone first, the need after the relative (the husband's was booked)
        (
            "can me and my husband both get flu shots on saturday",
            "book_appointment",
            {"intent": "book_appointment", "text": "i need flu shots on saturday", "own": "writer"},
        ),
        (
            "can i and my son see dr patel",
            "book_appointment",
            {"intent": "book_appointment", "text": "i need to see dr patel", "own": "writer"},
        ),
        ("can i and my son come in together", "book_appointment", None),
    ],
)
def test_the_other_request_in_a_message(text: str, own: str, other: dict | None) -> None:
    assert second_request(text, own) == other


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        # the patient's own address is for the front desk, not directions to us
        ("so i moved and my new address is different", "contact_info"),
        ("i need to update my address", "contact_info"),
        ("what is your address", "directions"),
        ("whats the address of the north office", "directions"),
        # someone to see is a visit; a question whether to is no request, nor a bill
        ("i think i might need to see someone about my knee", "book_appointment"),
        ("can i see dr patel this week", "book_appointment"),
        ("do i need to see a doctor for this", None),
        ("i need to see someone about my bill", "billing_balance"),
    ],
)
def test_whose_address(text: str, intent: str) -> None:
    assert request_in(text) == intent


def test_the_next_childs_booking_waits_for_the_first_and_is_said_so() -> None:
    # "i need to book checkups for both my kids": Liam was booked, and his sister forgotten
    tracker = make_tracker("i need to book checkups for both my kids", intent="book_appointment")
    dispatcher = CollectingDispatcher()
    events = ValidateBookingForm().run(dispatcher, tracker, {})
    [pending] = [e["value"] for e in events if e.get("name") == "pending_request"]
    assert pending["text"] == "book my other kid an annual physical"
    # not 'first the booking, then “book my other kid an annual physical”'
    [said] = [m for m in dispatcher.messages if m.get("response") == "utter_one_child_at_a_time"]
    assert said["other"] == "other kid"
    assert not any(m.get("response") == "utter_second_request_later" for m in dispatcher.messages)


def test_the_writers_own_booking_waits_for_the_relatives_and_is_said_so() -> None:
    # "i need checkups for me and my daughter": the daughter's was booked, the mother's lost.
    tracker = make_tracker("i need checkups for me and my daughter", intent="book_appointment")
    dispatcher = CollectingDispatcher()
    events = ValidateBookingForm().run(dispatcher, tracker, {})
    mine = {"intent": "book_appointment", "text": "i need checkups for me", "own": "writer"}
    assert SlotSet("pending_request", mine) in events
    # "first your daughter's booking, then yours" (it quoted "“i need checkups for me”")
    [later] = [m for m in dispatcher.messages if m.get("response") == "utter_own_booking_later"]
    assert later["task"] == "your daughter's booking"
    assert not any(m.get("response") == "utter_second_request_later" for m in dispatcher.messages)
    # the son's cancellation first: not "first your son's booking"
    cancel = make_tracker("cancel my son's appointment and book me a checkup")
    book_mine = {"intent": "book_appointment", "text": "book me a checkup", "own": "writer"}
    assert first_task_name(cancel, book_mine, "the cancellation") == "the cancellation"


def test_the_form_remembers_the_other_request_when_it_starts() -> None:
    tracker = make_tracker(
        "cancel my physical and book my son a checkup", intent="cancel_appointment"
    )
    dispatcher = CollectingDispatcher()
    events = ValidateCancelForm().run(dispatcher, tracker, {})
    assert SlotSet("pending_request", BOOK_SON) in events
    # ... and says so: the other task seemed forgotten.
    [later] = [m for m in dispatcher.messages if m.get("response") == "utter_second_request_later"]
    assert (later["request"], later["task"]) == ("book my son a checkup", "the cancellation")
    # A quick question is answered after the task, without a word before it.
    tracker = make_tracker("cancel my physical and where do i park", intent="cancel_appointment")
    dispatcher = CollectingDispatcher()
    ValidateCancelForm().run(dispatcher, tracker, {})
    assert "utter_second_request_later" not in responses(dispatcher)
    # A message with one request forgets an older one.
    tracker = make_tracker(
        "cancel my appointment", intent="cancel_appointment", slots={"pending_request": BOOK_SON}
    )
    events = ValidateCancelForm().run(CollectingDispatcher(), tracker, {})
    assert SlotSet("pending_request", None) in events


def test_after_a_death_the_cancel_offers_no_new_time(monkeypatch: pytest.MonkeyPatch) -> None:
    """ "my mom passed away last week, how do i cancel her appointments" ended with "Would you
    like to book another time?"."""
    cancels_recorded(monkeypatch)
    slots = ready_to_cancel()
    for said, answer in (
        ("my mom passed away last week, how do i cancel her appointment", "utter_cancelled_only"),
        ("cancel my appointment", "utter_cancelled"),
    ):
        dispatcher = CollectingDispatcher()
        asked = [
            {"event": "user", "text": said},
            {"event": "active_loop", "name": "cancel_form"},
        ]
        tracker = make_tracker("yes", intent="affirm", slots=slots, events=asked)
        ActionCancelAppointment().run(dispatcher, tracker, {})
        assert responses(dispatcher)[0] == answer


def test_after_the_cancel_the_other_request_is_asked_about(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    cancelled = cancels_recorded(monkeypatch)
    dispatcher = CollectingDispatcher()
    tracker = make_tracker("yes", intent="affirm", slots=ready_to_cancel(pending_request=BOOK_SON))
    ActionCancelAppointment().run(dispatcher, tracker, {})
    assert cancelled == ["a1"]
    # No "book another time?" with another request waiting: that request is the question.
    assert responses(dispatcher)[0] == "utter_cancelled_only"
    question = dispatcher.messages[1]
    assert question["text"] == (
        "You also asked: \u201cbook my son a checkup\u201d. Shall we do that now?"
    )
    assert [b["payload"] for b in question["buttons"]] == ["/affirm", "/deny"]


def test_yes_to_the_other_request_starts_it_in_the_patients_words() -> None:
    question = BotUttered(
        "You also asked: \u201cbook my son a checkup\u201d. Shall we do that now?"
    )
    tracker = make_tracker(
        "yes please",
        intent="affirm",
        events=[question, ActionExecuted("action_listen")],
        slots={"pending_request": BOOK_SON},
        channel="twilio",
        metadata={"phone_hash": "abc"},
    )
    dispatcher = CollectingDispatcher()
    clear, listen, replay = ActionAnswerYes().run(dispatcher, tracker, {})
    assert dispatcher.messages == []
    assert (clear, listen) == (SlotSet("pending_request", None), ActionExecuted("action_listen"))
    assert replay["text"] == "book my son a checkup"
    assert replay["parse_data"]["intent"] == {"name": "book_appointment", "confidence": 1.0}
    assert replay["input_channel"] == "twilio"
    assert replay["metadata"] == {"phone_hash": "abc"}
    # The same "yes" when the last message was something else: nothing is started.
    tracker = make_tracker(
        "yes",
        intent="affirm",
        events=[question, BotUttered("You're welcome!")],
        slots={"pending_request": BOOK_SON},
    )
    dispatcher = CollectingDispatcher()
    assert ActionAnswerYes().run(dispatcher, tracker, {}) == []
    assert responses(dispatcher) == ["utter_how_can_help"]


def test_a_quick_question_is_answered_at_once_after_the_task() -> None:
    parking = {"intent": "parking", "text": "where do i park"}
    dispatcher = CollectingDispatcher()
    tracker = make_tracker("yes", intent="affirm", slots={"pending_request": parking})
    events = offer_second_request(dispatcher, tracker)
    assert dispatcher.messages == []  # no "shall we?": the answer comes next
    clear, listen, replay = events
    assert (clear, listen) == (SlotSet("pending_request", None), ActionExecuted("action_listen"))
    assert (replay["text"], replay["parse_data"]["intent"]["name"]) == (
        "where do i park",
        "parking",
    )


def test_after_a_question_is_answered_the_task_in_the_same_message_is_offered() -> None:
    tracker = make_tracker(
        "cancel my appt and where do i park at the north office",
        intent="parking",
        entities=[{"entity": "location", "value": "north"}],
    )
    dispatcher = CollectingDispatcher()
    events = ActionLocationInfo().run(dispatcher, tracker, {})
    parking, question = dispatcher.messages
    assert "North Office" in parking["text"]
    assert question["text"].startswith("You also asked: \u201ccancel my appt\u201d")
    cancel = {"intent": "cancel_appointment", "text": "cancel my appt"}
    assert SlotSet("pending_request", cancel) in events


def test_looking_something_up_comes_at_once_without_asking() -> None:
    tracker = make_tracker(
        "where do i park at the north office and when is my appt",
        intent="parking",
        entities=[{"entity": "location", "value": "north"}],
    )
    dispatcher = CollectingDispatcher()
    events = ActionLocationInfo().run(dispatcher, tracker, {})
    assert len(dispatcher.messages) == 1  # the parking answer; no "shall we?"
    assert events[-1]["parse_data"]["intent"]["name"] == "check_appointment"
    assert events[-1]["text"] == "when is my appt"


def test_yes_to_the_writers_own_request_after_one_for_their_child_checks_who_again() -> None:
    question = BotUttered("You also asked: \u201ccancel my physical\u201d. Shall we do that now?")
    pending = {"intent": "cancel_appointment", "text": "cancel my physical", "own": "writer"}
    tracker = make_tracker(
        "yes",
        intent="affirm",
        events=[question],
        slots={
            "pending_request": pending,
            "verified": True,
            "patient_id": "p-liam",
            "patient_name": "Liam Nguyen",
        },
    )
    events = ActionAnswerYes().run(CollectingDispatcher(), tracker, {})
    assert SlotSet("verified", False) in events and SlotSet("patient_id", None) in events
    assert events[-1]["text"] == "cancel my physical"


COMPLAINT_TEXT = "this is ridiculous ive waited 3 weeks for a callback. just cancel my appointment"
COMPLAINT = {"intent": "complaint", "text": COMPLAINT_TEXT}


def test_a_complaint_that_asks_for_a_cancel_is_kept_while_the_cancel_starts() -> None:
    # addons/task_words_guard.py reads it as the cancel, marked; the mark is the same key here.
    assert WITH_COMPLAINT == WITH_COMPLAINT_KEY
    tracker = make_tracker(
        COMPLAINT_TEXT, intent="cancel_appointment", extra={WITH_COMPLAINT_KEY: True}
    )
    dispatcher = CollectingDispatcher()
    events = ValidateCancelForm().run(dispatcher, tracker, {})
    assert responses(dispatcher) == ["utter_complaint_after_task"]
    assert SlotSet("pending_request", COMPLAINT) in events
    assert SlotSet("requested_slot", "verify_name") in events
    # Unmarked, the same words are a cancel and nothing more.
    tracker = make_tracker(COMPLAINT_TEXT, intent="cancel_appointment")
    dispatcher = CollectingDispatcher()
    events = ValidateCancelForm().run(dispatcher, tracker, {})
    assert "utter_complaint_after_task" not in responses(dispatcher)
    assert SlotSet("pending_request", COMPLAINT) not in events


def test_after_the_cancel_the_complaint_goes_to_staff_without_asking(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    cancelled = cancels_recorded(monkeypatch)
    slots = ready_to_cancel("follow_up", "lee", pending_request=COMPLAINT)
    dispatcher = CollectingDispatcher()
    events = ActionCancelAppointment().run(
        dispatcher, make_tracker("yes", "affirm", slots=slots), {}
    )
    assert cancelled == ["a1"]
    # No "book another time?" before the chat goes to staff, and no "shall we?".
    assert responses(dispatcher) == ["utter_cancelled_only"] and len(dispatcher.messages) == 1
    listen, replay = events[-2:]
    assert listen == ActionExecuted("action_listen")
    assert (replay["text"], replay["parse_data"]["intent"]["name"]) == (COMPLAINT_TEXT, "complaint")


def test_a_stopped_cancel_still_hands_the_complaint_to_staff() -> None:
    tracker = make_tracker(
        "never mind",
        intent="stop",
        active_loop="cancel_form",
        slots={"requested_slot": "verify_name", "pending_request": COMPLAINT},
    )
    dispatcher = CollectingDispatcher()
    events = ActionStop().run(dispatcher, tracker, {})
    assert responses(dispatcher) == ["utter_stopped"]
    assert events[0] == {"event": "active_loop", "name": None, "timestamp": None}
    listen, replay = events[-2:]
    assert listen == ActionExecuted("action_listen")
    assert (replay["text"], replay["parse_data"]["intent"]["name"]) == (COMPLAINT_TEXT, "complaint")
    # Without one waiting, a stop is only a stop.
    tracker = make_tracker("never mind", intent="stop", active_loop="cancel_form")
    assert not any(e.get("event") == "user" for e in ActionStop().run(dispatcher, tracker, {}))


def test_a_complaint_waiting_for_its_task_is_kept_when_the_task_starts_again() -> None:
    # "hmm actually just cancel it" while moving: the cancel form starts from the replayed words
    # and used to forget the complaint that came with the move.
    tracker = make_tracker(
        "hmm actually just cancel it",
        intent="cancel_appointment",
        slots={"pending_request": COMPLAINT},
    )
    events = ValidateCancelForm().run(CollectingDispatcher(), tracker, {})
    assert SlotSet("pending_request", None) not in events


def test_a_stopped_or_failed_task_still_hands_the_complaint_over(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    class Down:
        def cancel(self, appointment_id: str, reason: str) -> None:
            raise BackendUnavailable("down")

    monkeypatch.setattr(cancel_appointment, "scheduling_client", lambda: Down())
    item = {"id": "a1", "start": next_month_on(9, 9), "visit_type": "physical"}
    slots = {
        "verified": True,
        "my_appointments": [item],
        "appointment_choice": "a1",
        "cancel_confirmed": True,
        "pending_request": COMPLAINT,
    }
    dispatcher = CollectingDispatcher()
    events = ActionCancelAppointment().run(
        dispatcher, make_tracker("yes", "affirm", slots=slots), {}
    )
    assert responses(dispatcher) == ["utter_backend_unavailable"]
    assert events[-1]["parse_data"]["intent"]["name"] == "complaint"


@pytest.mark.parametrize(
    "text",
    [
        "is there a fee for cancelling, and where do i park",
        "do you send reminders? also whats your cancellation policy",
        "where do i park at north and is there a fee to reschedule",
    ],
)
def test_the_cancellation_policy_is_no_cancellation(text: str) -> None:
    # "Shall we do that now?" -> yes started cancelling Carlos's follow-up.
    pending = second_request(text, "parking")
    assert pending is None or pending["intent"] not in (
        "cancel_appointment",
        "reschedule_appointment",
    )


def test_walk_ins_are_no_insurance_plan() -> None:
    # "do you take walk ins" got "I don't see Walk Ins on my list" from billing.
    assert request_in("do you take walk ins") is None
    assert request_in("do u take walk-ins") is None
    assert second_request("what time do you close, do you take walk ins", "clinic_hours") is None
    pending = second_request("what time do you close, do you take aetna", "clinic_hours")
    assert pending == {"intent": "billing_insurance", "text": "do you take aetna"}


@pytest.mark.parametrize(
    ("text", "booked"),
    [
        ("i need flu shots for my two kids on saturday morning", "book my other kid a vaccination"),
        (
            "checkups for both my kids, next tuesday after school if possible",
            "book my other kid an annual physical",
        ),
    ],
)
def test_the_days_asked_for_both_children_come_with_the_second_booking(
    text: str, booked: str
) -> None:
    # "flu shots for my two kids on saturday morning": the second child's booking asked for
    # the day again, and offered clinicians never in on Saturdays
    pending = second_request(text, "book_appointment")
    assert pending is not None and pending["text"].startswith(booked + " ")
    now = get_clinic().now()
    assert parse_when(pending["text"], now) == parse_when(text, now) is not None


def test_the_clinicians_asked_with_another_question() -> None:
    pending = second_request("are you open saturday and who are your doctors", "clinic_hours")
    assert pending == {"intent": "ask_clinicians", "text": "who are your doctors"}


@pytest.mark.parametrize(
    "text",
    [
        "hi im new, i need a physical sometime this month, i prefer a female doctor",
        "can i book a sick visit, do you have a woman doctor",
    ],
)
def test_a_woman_clinician_asked_with_a_booking_is_kept_by_the_booking(text: str) -> None:
    # The booking offers only women; "Yes: our female clinicians are ..." came right after the
    # visit was booked with one.
    assert second_request(text, "book_appointment") is None
    # ...while a question about the clinicians is still kept, and so is the answer beside
    # another task
    pending = second_request("i need a physical, and who are your doctors", "book_appointment")
    assert pending == {"intent": "ask_clinicians", "text": "who are your doctors"}
    pending = second_request("what time do you close, do you have a female doctor", "clinic_hours")
    assert pending is not None and pending["intent"] == "ask_clinicians"


@pytest.mark.parametrize(
    ("text", "intent", "clause"),
    [
        ("yes book it. and whats my balance?", "billing_balance", "whats my balance"),
        (
            "yes book it. oh and one more thing, how much do i owe?",
            "billing_balance",
            "how much do i owe",
        ),
        ("yes please. where do i park?", "parking", "where do i park"),
    ],
)
def test_a_question_asked_with_the_yes_is_answered_after_the_task(
    text: str, intent: str, clause: str
) -> None:
    # "yes book it. and whats my balance?" booked the visit; the balance was never given
    dispatcher = CollectingDispatcher()
    events = offer_second_request(dispatcher, make_tracker(text, intent="affirm"))
    [replay] = [e for e in events if e.get("event") == "user"]
    assert replay["parse_data"]["intent"]["name"] == intent
    assert replay["text"] == clause
    assert dispatcher.messages == []
    # ...and a plain yes asks nothing more; another task with it is the form's (kept as pending)
    for plain in ("yes", "yes please book it", "/affirm"):
        assert offer_second_request(CollectingDispatcher(), make_tracker(plain, "affirm")) == []


def test_a_surname_park_is_no_parking_question() -> None:
    # "my kids Ava Park and Ben Park need checkups": parking was answered after Ava's booking
    assert request_in("my kids Ava Park and Ben Park need checkups") != "parking"
    assert second_request("book kim park a physical and where do i park", "book_appointment") == {
        "intent": "parking",
        "text": "where do i park",
    }
    for asked in ("where can i park", "is there parking", "can i park there", "do you validate"):
        assert request_in(asked) == "parking", asked


BALANCE_LATER = {"intent": "billing_balance", "text": "oh also do i still owe money?"}


@pytest.mark.parametrize(
    ("action", "slots", "said"),
    [
        # "actually nvm ill keep it where it is" while moving: "No problem, I've stopped
        # there", and the balance promised was never looked up
        (ActionRescheduleAppointment, {"verified": True}, ["utter_stopped"]),
        # "No, don't book it" at "You already have an annual physical …"
        (ActionBookAppointment, {"verified": True, "booking_confirmed": False}, []),
        (ActionBookAppointment, {"verified": True}, ["utter_stopped"]),
        (ActionBookAppointment, {"backend_error": True}, ["utter_backend_unavailable"]),
    ],
)
def test_a_task_left_undone_still_answers_the_question_kept_for_after_it(
    action: type, slots: dict[str, object], said: list[str]
) -> None:
    dispatcher = CollectingDispatcher()
    tracker = make_tracker("no", "deny", slots={**slots, "pending_request": BALANCE_LATER})
    events = action().run(dispatcher, tracker, {})
    assert responses(dispatcher) == said
    assert events[-1]["parse_data"]["intent"]["name"] == "billing_balance"
    assert events[-1]["text"] == BALANCE_LATER["text"]
    # with nothing kept, nothing follows
    tracker = make_tracker("no", "deny", slots=slots)
    assert all(e.get("event") == "slot" for e in action().run(CollectingDispatcher(), tracker, {}))


@pytest.mark.parametrize(
    ("text", "question", "rest"),
    [
        (
            "i was charged twice for my last visit. also what time do you close today?",
            {"intent": "clinic_hours", "text": "what time do you close today"},
            "i was charged twice for my last visit",
        ),
        (
            "where do i park? and my bill is wrong, i paid it already",
            {"intent": "parking", "text": "where do i park"},
            "my bill is wrong, i paid it already",
        ),
        # part of the dispute, not a question of its own
        ("I was charged for parking validation, that should be free", None, None),
        ("my insurance should have covered this, what happened?", None, None),
        ("where is my refund?", None, None),
        # a question and nothing else
        ("what are your hours?", None, None),
    ],
)
def test_a_quick_question_asked_with_a_dispute(
    text: str, question: dict | None, rest: str | None
) -> None:
    found = question_before_handoff(text)
    assert found == (None if question is None else (question, rest))


def test_after_the_quick_question_the_kept_dispute_starts_at_once() -> None:
    dispute = {"intent": "billing_dispute", "text": "i was charged twice", "at_once": True}
    tracker = make_tracker(
        "what time do you close today",
        intent="clinic_hours",
        slots={"pending_request": dispute},
    )
    dispatcher = CollectingDispatcher()
    events = ActionLocationInfo().run(dispatcher, tracker, {})
    assert len(dispatcher.messages) >= 1  # the hours; no "shall we?"
    assert not any(m.get("text", "").startswith("You also asked") for m in dispatcher.messages)
    assert SlotSet("pending_request", None) in events
    assert events[-1]["text"] == "i was charged twice"
    assert events[-1]["parse_data"]["intent"]["name"] == "billing_dispute"


def test_a_coverage_clause_is_part_of_the_insurance_answer(canned_nlu: CannedNlu) -> None:
    # "my insurance changed in january, will my appointment be covered": the insurance answer,
    # then the phone-visit answer (the clause, read alone, was a common question)
    canned_nlu.readings["will my appointment be covered"] = faq_parse("telehealth")
    text = "my insurance changed in january, will my appointment be covered"
    tracker = make_tracker(text, intent="billing_insurance")
    assert answer_second_request(CollectingDispatcher(), tracker, "billing_insurance") == []
    assert canned_nlu.asked == []
    # ...but "covered in a rash" is no coverage
    assert not REQUEST_WORDS["billing_insurance"].search("im covered in a rash")


@pytest.mark.parametrize(
    ("given", "gender", "own_first"),
    [
        # her own details at "Has your husband been seen here before?": hers now, his after
        ("Emily", "female", True),
        # his: his booking, spoken of as his ("You saw Sam Lee last time" was said to her)
        ("Carlos", "male", False),
        # nothing recorded: the details are taken as his, as asked
        ("Sam", "", False),
    ],
)
def test_the_writers_own_details_at_the_relatives_booking_book_theirs_first(
    given: str, gender: str, own_first: bool
) -> None:
    request = "can i book physicals for me and my husband on the same day"
    mine = {"intent": "book_appointment", "text": "can i book physicals for me", "own": "writer"}
    slots = {"pending_request": mine, "requested_slot": "verify_dob"}
    asked = [{"event": "user", "text": request}]
    tracker = make_tracker("04/12/1988", slots=slots, events=asked, active_loop="booking_form")
    patient = PatientRecord("p1", given, "Johnson", date(1988, 4, 12), [], gender=gender)
    dispatcher = CollectingDispatcher()
    verified = verified_slots(dispatcher, tracker, slots, patient, date(1988, 4, 12))
    if own_first:
        assert verified["pending_request"] == {
            "intent": "book_appointment",
            "text": "book my husband an annual physical",
            "own": "relative",
        }
        assert not verified.get("patient_is_relative")
        said = dispatcher.messages[-1]
        assert (said["response"], said["relation"]) == ("utter_own_booking_first", "husband")
    else:
        assert "pending_request" not in verified
        assert verified["patient_is_relative"] is True
        assert "utter_own_booking_first" not in responses(dispatcher)


def test_an_adults_details_at_the_childs_booking_book_the_writers_first() -> None:
    # "checkups for me and my daughter" - Emily's own details: "If you meant your daughter's
    # record, ...", her booking spoken of as hers, and the daughter's offered after it
    mine = {"intent": "book_appointment", "text": "i need checkups for me", "own": "writer"}
    slots = {"pending_request": mine, "requested_slot": "verify_dob"}
    asked = [
        {"event": "user", "text": "i need checkups for me and my daughter"},
        {"event": "active_loop", "name": "booking_form"},
    ]
    tracker = make_tracker("04/12/1988", slots=slots, events=asked, active_loop="booking_form")
    patient = PatientRecord("p1", "Emily", "Johnson", date(1988, 4, 12), [], gender="female")
    dispatcher = CollectingDispatcher()
    verified = verified_slots(dispatcher, tracker, slots, patient, date(1988, 4, 12))
    assert verified["pending_request"]["text"] == "book my daughter an annual physical"
    assert not verified.get("patient_is_relative")
    assert responses(dispatcher) == ["utter_verified_adult_not_child"]


def test_a_common_question_of_the_message_that_started_a_task_is_answered_after_it(
    canned_nlu: CannedNlu,
) -> None:
    """ "i need a refill on my inhaler and also want to book my yearly physical": the physical
    booked, and the refill never answered."""
    text = "i need a refill on my inhaler and also want to book my yearly physical"
    canned_nlu.readings["i need a refill on my inhaler"] = faq_parse("prescription_refill")
    started = [
        {"event": "user", "text": text, "parse_data": {"intent": {"name": "book_appointment"}}},
        {"event": "action", "name": "booking_form"},
        {"event": "active_loop", "name": "booking_form"},
        {"event": "bot", "text": "Have you been seen here before?", "metadata": {}},
        {"event": "user", "text": "yes", "parse_data": {"intent": {"name": "affirm"}}},
        {"event": "active_loop", "name": None},
    ]
    tracker = make_tracker("yes", intent="affirm", events=started)
    events = offer_second_request(CollectingDispatcher(), tracker)
    replay = events[-1]
    assert replay["text"] == "i need a refill on my inhaler"
    assert replay["parse_data"]["intent"]["name"] == "faq"
    # ...not when a common question was answered during the task
    answered = [*started[:4], BotUttered("Refills ...", metadata={"utter_action": "utter_faq"})]
    tracker = make_tracker("yes", intent="affirm", events=[*answered, *started[4:]])
    assert offer_second_request(CollectingDispatcher(), tracker) == []


def test_looking_for_a_doctor_is_the_booking_not_a_common_question(
    canned_nlu: CannedNlu,
) -> None:
    """ "hi im new to the area and looking for a primary care doc": booked, then the services
    list (the clause read on its own as what we do, 0.91)."""
    clause = "looking for a primary care doc"
    canned_nlu.readings[clause] = faq_parse("services")
    text = f"hi im new to the area and {clause}"
    assert common_question_in(text, lambda c: False) is None
    assert second_request(text, "book_appointment") is None
    # ...and beside another question, it is a booking to offer
    other = second_request("what are your hours and im looking for a new doctor", "clinic_hours")
    assert other == {"intent": "book_appointment", "text": "im looking for a new doctor"}
    # a doctor's note is no booking
    assert second_request("what are your hours and i need a doctor's note", "clinic_hours") is None


def test_someone_helping_is_answered_only_when_asked(canned_nlu: CannedNlu) -> None:
    # "Hello, I am writing on behalf of my elderly father ..., could you tell me?" got "Yes. A
    # family member or caregiver can call or chat for you" after his appointments
    said = "I am writing on behalf of my elderly father who has an appointment coming up"
    canned_nlu.readings[said] = faq_parse("someone_helps")
    asked = "can i call for my dad"
    canned_nlu.readings[asked] = faq_parse("someone_helps")
    text = f"Hello, {said}, could you tell me the time"
    assert common_question_in(text, lambda clause: False) is None
    found = common_question_in(f"i need my dads appointment time, {asked}", lambda clause: False)
    assert found is not None and found[0] == asked


def test_a_missed_appointment_made_again_is_one_request() -> None:
    # "Let's do one thing at a time: first the booking, then 'can I reschedule'"
    text = "I missed my appointment yesterday, can I reschedule"
    assert second_request(text, "book_appointment") is None
    # a move asked beside a booking is still a second request
    found = second_request(
        "book me a physical, and can i reschedule my sons checkup", "book_appointment"
    )
    assert found is not None and found["intent"] == "reschedule_appointment"
