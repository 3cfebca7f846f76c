"""Session start / restart keep escalated chats paused; the two-stage fallback."""

from datetime import datetime, timedelta
from typing import Any

import pytest
from rasa_sdk import Tracker
from rasa_sdk.events import (
    ActionExecuted,
    BotUttered,
    ConversationPaused,
    FollowupAction,
    Restarted,
    SessionStarted,
    SlotSet,
    UserUtteranceReverted,
    UserUttered,
)
from rasa_sdk.executor import CollectingDispatcher

from actions import fallback
from actions.billing import ValidateBalanceForm
from actions.booking import ValidateBookingForm
from actions.cancel_appointment import ValidateCancelForm
from actions.clients.fhir_model import AppointmentRecord
from actions.disputes import ValidateDisputeForm
from actions.fallback import (
    ActionAskAffirmation,
    ActionAskRephrase,
    ActionComplaint,
    ActionCoreFallback,
    ActionDefaultFallback,
    ActionDetailsGiven,
    ActionOutOfScope,
)
from actions.insurance import ActionCheckInsurance
from actions.manage_appointments import ValidateCheckForm
from actions.message_reading import clearly_a_complaint, yes_or_no
from actions.offer_answers import ActionAnswerNo, ActionAnswerYes
from actions.remembered_patient import forgotten_patient
from actions.reschedule_appointment import ValidateRescheduleForm
from actions.session import ActionRestart, ActionSessionStart
from actions.settings import get_clinic
from actions.stop import ActionStop
from actions.typed_answers import LEAVING
from tests.support.actions import (
    AFTER_PLAN_QUESTION,
    BALANCE_SHOWN,
    make_tracker,
    responses,
)
from tests.support.receivers import HandoffReceiver


def test_session_start_plain() -> None:
    events = ActionSessionStart().run(CollectingDispatcher(), make_tracker(), {})
    assert events == [SessionStarted(), ActionExecuted("action_listen")]


def test_session_start_stays_paused() -> None:
    events = ActionSessionStart().run(CollectingDispatcher(), make_tracker(paused=True), {})
    assert events == [SessionStarted(), ConversationPaused(), ActionExecuted("action_listen")]


def test_restart_stays_paused_only_when_paused() -> None:
    assert ActionRestart().run(CollectingDispatcher(), make_tracker(), {}) == [Restarted()]
    paused = ActionRestart().run(CollectingDispatcher(), make_tracker(paused=True), {})
    assert paused == [Restarted(), ConversationPaused(), ActionExecuted("action_listen")]


def test_ask_affirmation_offers_the_top_intent_in_plain_words() -> None:
    tracker = make_tracker(
        "i wanna see someone abt my bil",
        intent="nlu_fallback",
        extra={
            "intent_ranking": [
                {"name": "nlu_fallback", "confidence": 0.4},
                {"name": "billing_balance", "confidence": 0.35},
                {"name": "book_appointment", "confidence": 0.3},
            ]
        },
    )
    dispatcher = CollectingDispatcher()
    assert ActionAskAffirmation().run(dispatcher, tracker, {}) == []
    [message] = dispatcher.messages
    assert message["text"].endswith("Did you want to check what you owe?")
    assert [b["payload"] for b in message["buttons"]] == ["/billing_balance", "/out_of_scope"]


def test_ask_affirmation_offers_a_request_worded_in_the_message_first() -> None:
    # "Did you want to book an appointment?" for a question about lab work and parking.
    tracker = make_tracker(
        "do u do bloodwork at the north office? also where do i park there",
        intent="nlu_fallback",
        extra={
            "intent_ranking": [
                {"name": "nlu_fallback", "confidence": 0.45},
                {"name": "book_appointment", "confidence": 0.3},
                {"name": "parking", "confidence": 0.2},
            ]
        },
    )
    dispatcher = CollectingDispatcher()
    ActionAskAffirmation().run(dispatcher, tracker, {})
    [message] = dispatcher.messages
    assert message["text"].endswith("Did you want to find out where to park?")


@pytest.mark.parametrize(("said_before", "answered"), [("utter_billing_help", True), (None, False)])
def test_how_do_i_apply_after_the_assistance_answer_asks_how_to_apply(
    said_before: str | None, answered: bool
) -> None:
    # "Did you want to find out how to pay a bill?", and its Yes gave the ways to pay.
    answer = {
        "event": "bot",
        "text": "I'm sorry you're going through this. If paying is hard right now, ...",
        "metadata": {"utter_action": said_before} if said_before else {},
    }
    asked = {
        "event": "user",
        "text": "how do i apply",
        "parse_data": {"intent": {"name": "nlu_fallback"}, "entities": []},
    }
    tracker = make_tracker(
        "how do i apply",
        intent="nlu_fallback",
        events=[answer, asked],
        extra={
            "intent_ranking": [
                {"name": "billing_pay", "confidence": 0.52},
                {"name": "nlu_fallback", "confidence": 0.45},
            ]
        },
    )
    dispatcher = CollectingDispatcher()
    events = ActionAskAffirmation().run(dispatcher, tracker, {})
    if answered:
        assert dispatcher.messages == []
        assert (events[-1]["text"], events[-1]["parse_data"]["intent"]["name"]) == (
            "how do i apply",
            "billing_pay",
        )
    else:
        [message] = dispatcher.messages
        assert message["text"].endswith("Did you want to find out how to pay a bill?")


def test_ok_how_do_i_apply_read_as_out_of_scope_after_the_assistance_answer_is_answered() -> None:
    # "ok how do i apply" (out of scope, 0.75) after "do you have a sliding scale": "Sorry,
    # that's not something I can help with here."
    answer = {
        "event": "bot",
        "text": "If paying is hard right now, ask about our financial assistance program ...",
        "metadata": {"utter_action": "utter_billing_help"},
    }
    tracker = make_tracker("ok how do i apply", intent="out_of_scope", events=[answer])
    dispatcher = CollectingDispatcher()
    events = ActionOutOfScope().run(dispatcher, tracker, {})
    assert dispatcher.messages == []
    assert (events[-1]["text"], events[-1]["parse_data"]["intent"]["name"]) == (
        "ok how do i apply",
        "billing_pay",
    )


@pytest.mark.parametrize(
    ("text", "service"),
    [
        ("do you do mammograms", "imaging"),
        ("can i get botox", "cosmetic treatments"),
        # "Sorry, that's not something I can help with here"
        ("do you do vasectomies", "surgical procedures"),
    ],
)
def test_a_service_we_dont_offer_gets_the_no_and_who_does_it(text: str, service: str) -> None:
    dispatcher = CollectingDispatcher()
    events = ActionOutOfScope().run(dispatcher, make_tracker(text, intent="out_of_scope"), {})
    [message] = dispatcher.messages
    assert message["response"] == "utter_not_offered_asked"
    assert message["service"].startswith(service) and message["instead"]
    assert events == []


@pytest.mark.parametrize(
    ("text", "guess", "taken"),
    [
        ("carlos rivera 9/30/1975 when is my follow up", "check_appointment", "check_appointment"),
        (
            "hey its carlos rivera 9/30/75, what appointments do i have",
            "check_appointment",
            "check_appointment",
        ),
        ("emily johnson 04/12/1988 do i have any appts coming up", "faq", "check_appointment"),
        # a visit named with the details: the model's booking guess
        (
            "new patient here, maria santos, dob 03/14/1985, need a checkup",
            "book_appointment",
            "book_appointment",
        ),
    ],
)
def test_a_request_worded_with_name_and_birth_date_is_taken_at_once(
    text: str, guess: str, taken: str
) -> None:
    # "Did you want to check your upcoming appointments?", and its Yes asked his name again.
    assert_taken_at_once(text, guess, taken)


def assert_taken_at_once(text: str, guess: str, taken: str) -> None:
    """An unclear ``text`` (the model's best guess ``guess``) replayed as ``taken``, with no
    "Did you want to ...?" first."""
    asked = {
        "event": "user",
        "text": text,
        "parse_data": {"intent": {"name": "nlu_fallback"}, "entities": []},
    }
    tracker = make_tracker(
        text,
        intent="nlu_fallback",
        events=[asked],
        extra={"intent_ranking": [{"name": guess, "confidence": 0.4}]},
    )
    dispatcher = CollectingDispatcher()
    events = ActionAskAffirmation().run(dispatcher, tracker, {})
    assert dispatcher.messages == []
    assert (events[-1]["text"], events[-1]["parse_data"]["intent"]["name"]) == (text, taken)


@pytest.mark.parametrize(
    ("text", "guess", "taken"),
    [
        # "Did you want to get directions to our office?" (for "my new address")
        (
            "hi there, so i moved recently and my new address is different, and i also wanted "
            "to know if i still owe anything from my last visit in october",
            "reschedule_appointment",
            "contact_info",
        ),
        ("where do i park and is there a bus stop nearby", "faq", "parking"),
    ],
)
def test_two_requests_worded_the_usual_way_are_taken_in_order(
    text: str, guess: str, taken: str
) -> None:
    assert_taken_at_once(text, guess, taken)


@pytest.mark.parametrize(
    "text",
    [
        "my new address is different",  # one request: "Did you want ...?" as before
        "blah blah owe",
    ],
)
def test_one_worded_request_is_still_suggested(text: str) -> None:
    tracker = make_tracker(
        text,
        intent="nlu_fallback",
        extra={"intent_ranking": [{"name": "billing_balance", "confidence": 0.4}]},
    )
    dispatcher = CollectingDispatcher()
    events = ActionAskAffirmation().run(dispatcher, tracker, {})
    assert events == []
    assert len(dispatcher.messages) == 1


def test_ask_affirmation_on_an_empty_or_emoji_message() -> None:
    for text in ("", "   ", "🙂🙂"):
        dispatcher = CollectingDispatcher()
        ActionAskAffirmation().run(dispatcher, make_tracker(text, intent="nlu_fallback"), {})
        assert responses(dispatcher) == ["utter_empty_message"]


def test_second_unclear_message_goes_to_staff(handoff_env: HandoffReceiver) -> None:
    dispatcher = CollectingDispatcher()
    events = ActionDefaultFallback().run(
        dispatcher, make_tracker("asdf", intent="nlu_fallback"), {}
    )
    assert events[-2:] == [ConversationPaused(), ActionExecuted("action_listen")]
    assert handoff_env.records[0]["reason"] == "low_confidence"
    assert len(dispatcher.messages) == 2


def test_core_fallback_asks_again_without_escalating() -> None:
    dispatcher = CollectingDispatcher()
    events = ActionCoreFallback().run(dispatcher, make_tracker("hm", intent="inform"), {})
    assert events == [UserUtteranceReverted()]
    assert responses(dispatcher) == ["utter_default"]


def _suggestion_history(suggested: str) -> list[dict]:
    """What the tracker holds after "Did you mean …?" and a typed "yes" that Rasa's fallback
    loop rewound and replayed."""
    unclear = UserUttered(
        "need apptmnt wit patel tues",
        {
            "intent": {"name": "nlu_fallback", "confidence": 0.4},
            "entities": [{"entity": "practitioner", "value": "patel"}],
        },
        input_channel="twilio",
    )
    unclear["message_id"] = "m-1"
    unclear["metadata"] = {"phone_hash": "abc"}
    dispatcher = CollectingDispatcher()
    ActionAskAffirmation().run(
        dispatcher,
        make_tracker(
            "need apptmnt wit patel tues",
            intent="nlu_fallback",
            extra={"intent_ranking": [{"name": suggested, "confidence": 0.3}]},
        ),
        {},
    )
    [question] = dispatcher.messages
    return [
        unclear,
        ActionExecuted("action_two_stage_fallback"),
        BotUttered(question["text"], {"buttons": question["buttons"]}),
        ActionExecuted("action_listen"),
        UserUttered("yes", {"intent": {"name": "affirm", "confidence": 0.99}}),
        UserUtteranceReverted(),
        ActionExecuted("action_listen"),
    ]


def test_a_yes_that_asks_for_something_is_that_request() -> None:
    """ "do you take new patients?" - "ok book me" (read as a yes) was "What can I help you
    with?"; a plain "ok" still asks."""
    answered = [
        {"event": "user", "text": "do you take new patients?"},
        {"event": "bot", "text": "All of them welcome new patients. Tap a name to book."},
    ]
    tracker = make_tracker("ok book me", intent="affirm", events=answered)
    dispatcher = CollectingDispatcher()
    events = ActionAnswerYes().run(dispatcher, tracker, {})
    assert dispatcher.messages == []
    assert (events[-1]["text"], events[-1]["parse_data"]["intent"]["name"]) == (
        "ok book me",
        "book_appointment",
    )
    dispatcher = CollectingDispatcher()
    assert ActionAnswerYes().run(dispatcher, make_tracker("ok", intent="affirm"), {}) == []
    assert responses(dispatcher) == ["utter_how_can_help"]


CLINICIANS_LISTED = [
    {"event": "user", "text": "are you accepting new patients"},
    {
        "event": "bot",
        "text": "All of them welcome new patients. Tap a name to book with them.",
        "data": {
            "buttons": [
                {
                    "title": "Book with Dr. Patel",
                    "payload": '/book_appointment{"practitioner": "patel"}',
                },
                {
                    "title": "Book with Sam Lee",
                    "payload": '/book_appointment{"practitioner": "lee"}',
                },
            ]
        },
    },
]


def test_a_yes_under_the_clinicians_starts_the_booking_which_asks_who() -> None:
    """ "are you accepting new patients" - the clinicians [Book with …] - "yes" was "What can I
    help you with?"; not the first clinician's button either."""
    tracker = make_tracker("yes", intent="affirm", events=CLINICIANS_LISTED)
    dispatcher = CollectingDispatcher()
    events = ActionAnswerYes().run(dispatcher, tracker, {})
    assert dispatcher.messages == []
    assert events[-1]["text"] == "/book_appointment"
    assert events[-1]["parse_data"]["intent"]["name"] == "book_appointment"
    assert events[-1]["parse_data"]["entities"] == []


@pytest.mark.parametrize(
    ("said", "books"),
    [
        # "great yes please" got "What can I help you with?"
        ("You don't need a referral to see our clinicians, and I can book you here.", True),
        ("I can book in-person visits here. To ask about a video visit, call us.", True),
        # what the assistant does is no offer
        ("I can book, move, cancel or check an appointment, look up what you owe.", False),
        ("I can book or check appointments for them.", False),
    ],
)
def test_a_yes_to_a_booking_offered_in_words_starts_it(said: str, books: bool) -> None:
    answered = [{"event": "user", "text": "do i need a referral"}, BotUttered(said)]
    tracker = make_tracker("great yes please", intent="affirm", events=answered)
    dispatcher = CollectingDispatcher()
    events = ActionAnswerYes().run(dispatcher, tracker, {})
    if books:
        assert dispatcher.messages == []
        assert events[-1]["parse_data"]["intent"]["name"] == "book_appointment"
    else:
        assert (events, responses(dispatcher)) == ([], ["utter_how_can_help"])


@pytest.mark.parametrize(
    "text", ["any of them is fine", "whoever has the soonest appointment", "no preference"]
)
def test_no_preference_under_the_clinicians_is_a_booking_with_anyone(text: str) -> None:
    tracker = make_tracker(text, intent="inform", events=CLINICIANS_LISTED)
    dispatcher = CollectingDispatcher()
    events = ActionDetailsGiven().run(dispatcher, tracker, {})
    assert dispatcher.messages == []
    assert (events[-1]["text"], events[-1]["parse_data"]["intent"]["name"]) == (
        text,
        "book_appointment",
    )
    # whoever is free: the booking form reads the entity, and does not ask who again
    assert events[-1]["parse_data"]["entities"] == [{"entity": "practitioner", "value": "any"}]
    # without the clinicians just shown, it is no request: what they need, or to rephrase
    dispatcher = CollectingDispatcher()
    assert ActionDetailsGiven().run(dispatcher, make_tracker(text, intent="inform"), {}) == []
    assert responses(dispatcher)[0] in ("utter_how_can_help", "utter_ask_rephrase")


def test_a_yes_under_an_other_office_button_is_no_tap_on_it() -> None:
    """ "k" under the North Office's parking and its [Downtown Clinic instead] button gave the
    Downtown Clinic's parking; a single button that offers something is still taken."""
    for title, taken in (("Downtown Clinic instead", False), ("Talk to billing staff", True)):
        shown = [
            {"event": "user", "text": "parking?"},
            {
                "event": "bot",
                "text": "Parking at the North Office: free lot in front.",
                "data": {"buttons": [{"title": title, "payload": "/request_human"}]},
            },
        ]
        dispatcher = CollectingDispatcher()
        events = ActionAnswerYes().run(dispatcher, make_tracker("k", "affirm", events=shown), {})
        assert bool(events) is taken, title
        assert (responses(dispatcher) == ["utter_how_can_help"]) is not taken


def test_typed_yes_after_did_you_mean_takes_the_suggestion() -> None:
    tracker = make_tracker("yes", intent="affirm", events=_suggestion_history("book_appointment"))
    dispatcher = CollectingDispatcher()
    events = ActionAnswerYes().run(dispatcher, tracker, {})
    assert dispatcher.messages == []
    listen, replay = events
    assert listen == ActionExecuted("action_listen")
    # The unclear message again, now as the intent the patient said yes to, with its
    # entities, channel, metadata and message id (so transcripts show it once).
    assert replay["event"] == "user"
    assert replay["text"] == "need apptmnt wit patel tues"
    assert replay["parse_data"]["intent"] == {"name": "book_appointment", "confidence": 1.0}
    assert replay["parse_data"]["entities"] == [{"entity": "practitioner", "value": "patel"}]
    assert replay["input_channel"] == "twilio"
    assert replay["metadata"] == {"phone_hash": "abc"}
    assert replay["message_id"] == "m-1"


def test_yes_with_nothing_asked_asks_what_the_patient_needs() -> None:
    for history in (
        [],
        # The last bot message was something else, though a suggestion came earlier.
        [*_suggestion_history("billing_balance"), BotUttered("You're very welcome.")],
    ):
        dispatcher = CollectingDispatcher()
        events = ActionAnswerYes().run(
            dispatcher, make_tracker("yes", intent="affirm", events=history), {}
        )
        assert events == []
        assert responses(dispatcher) == ["utter_how_can_help"]


def test_typed_yes_to_an_offer_takes_its_first_button() -> None:
    offer = BotUttered(
        "You don't have any upcoming appointments with us. Would you like to book one?",
        {"buttons": [{"title": "Book an appointment", "payload": "/book_appointment"}]},
    )
    tracker = make_tracker("yes please", intent="affirm", events=[offer])
    dispatcher = CollectingDispatcher()
    listen, replay = ActionAnswerYes().run(dispatcher, tracker, {})
    assert dispatcher.messages == []
    assert listen == ActionExecuted("action_listen")
    assert (replay["text"], replay["parse_data"]["intent"]["name"]) == (
        "/book_appointment",
        "book_appointment",
    )
    # Not a question, or a button that starts nothing: "what can I help with?".
    for bot in (
        BotUttered(
            "Hi! (If this is an emergency, call 911.)",
            {
                "buttons": [
                    {"title": "Book", "payload": "/book_appointment"},
                    {"title": "Billing", "payload": "/billing_balance"},
                ]
            },
        ),
        BotUttered("Which office?", {"buttons": [{"title": "North", "payload": "/inform"}]}),
    ):
        dispatcher = CollectingDispatcher()
        assert (
            ActionAnswerYes().run(
                dispatcher, make_tracker("yes", intent="affirm", events=[bot]), {}
            )
            == []
        )
        assert responses(dispatcher) == ["utter_how_can_help"]


def test_yes_to_a_booking_offered_after_a_question_keeps_who_and_when() -> None:
    # "Yes, we do. It's booked as an annual physical" [Book an annual physical] - "yes please":
    # "Have you been seen here before?" and "What day or time works best?", the son and the
    # month lost
    asked = "do u guys do physicals for sports, my son needs one for basketball tryouts next month"
    payload = '/book_appointment{"visit_type": "physical"}'
    offer = BotUttered(
        "It's booked as an annual physical, and I can set that up for you right here.",
        {"buttons": [{"title": "Book an annual physical", "payload": payload}]},
    )
    question = {"event": "user", "text": asked, "parse_data": {}}
    tracker = make_tracker("yes please", intent="affirm", events=[question, offer])
    _, replay = ActionAnswerYes().run(CollectingDispatcher(), tracker, {})
    assert (replay["text"], replay["parse_data"]["intent"]["name"]) == (asked, "book_appointment")
    assert replay["parse_data"]["entities"] == [{"entity": "visit_type", "value": "physical"}]
    # a question that says neither: the button
    plain = {"event": "user", "text": "do you do sports physicals", "parse_data": {}}
    tracker = make_tracker("yes please", intent="affirm", events=[plain, offer])
    _, replay = ActionAnswerYes().run(CollectingDispatcher(), tracker, {})
    assert replay["text"] == payload


def test_typed_yes_to_an_offer_of_billing_staff_is_that_button() -> None:
    for text in (
        "Would you like me to connect you with our billing staff?",
        # One button, no question mark: still the offer.
        "I don't see Molina on my list, but we can check for you, or I can connect you now.",
    ):
        staff = {
            "title": "Talk to billing staff",
            "payload": '/request_human{"staff_team": "billing"}',
        }
        offer = BotUttered(text, {"buttons": [staff]})
        tracker = make_tracker("yes please", intent="affirm", events=[offer])
        _, replay = ActionAnswerYes().run(CollectingDispatcher(), tracker, {})
        assert replay["parse_data"]["intent"]["name"] == "request_human"
        assert replay["parse_data"]["entities"] == [{"entity": "staff_team", "value": "billing"}]


def test_yes_after_an_offer_and_a_note_after_it_takes_the_offer() -> None:
    # "hola necesito una cita": the interpreter answer [Book an appointment], then the nurse
    # line at night; "si" was "What can I help you with?"
    asked = {"event": "user", "text": "hola necesito una cita", "parse_data": {}}
    offer = BotUttered(
        "Hola. ... O toque «Book an appointment» para hacer la cita aquí, en inglés.",
        {"buttons": [{"title": "Book an appointment", "payload": "/book_appointment"}]},
    )
    note = BotUttered("Ahora estamos cerrados. Si es una pregunta médica ...")
    tracker = make_tracker("si", intent="affirm", events=[asked, offer, note])
    _, replay = ActionAnswerYes().run(CollectingDispatcher(), tracker, {})
    assert replay["parse_data"]["intent"]["name"] == "book_appointment"
    # the note a question of its own, or the offer in an earlier turn: not taken
    question = BotUttered("Is there anything else I can help with?")
    for before in ([asked, offer, question], [offer, asked, note]):
        dispatcher = CollectingDispatcher()
        tracker = make_tracker("si", intent="affirm", events=before)
        assert ActionAnswerYes().run(dispatcher, tracker, {}) == []
        assert responses(dispatcher) == ["utter_how_can_help"]


def test_yes_after_an_offer_and_the_name_question_again_takes_the_offer() -> None:
    # "whats my balance" - name? - "ok can i do a payment plan": the plans and "Would you like
    # me to connect you with our billing staff?", then the name question again; "yes" was
    # taken as the name ("If typing it here is awkward ...")
    staff = {
        "title": "Set up a plan with billing",
        "payload": '/request_human{"staff_team": "billing"}',
    }
    asked = {"event": "user", "text": "ok can i do a payment plan", "parse_data": {}}
    offer = BotUttered(
        "Balances ... Would you like me to connect you with our billing staff?",
        {"buttons": [staff]},
    )
    again = BotUttered(
        "Could you give me the patient's full name?",
        metadata={"utter_action": "utter_ask_verify_name"},
    )

    def at_name(text: str, before: list[Any]) -> Tracker:
        return make_tracker(
            text,
            intent="affirm",
            slots={"requested_slot": "verify_name"},
            events=before,
            active_loop="balance_form",
        )

    assert ValidateBalanceForm().should_let_through(at_name("yes", [asked, offer, again]))
    _, replay = ActionAnswerYes().run(
        CollectingDispatcher(), at_name("yes", [asked, offer, again]), {}
    )
    assert replay["parse_data"]["intent"]["name"] == "request_human"
    assert replay["parse_data"]["entities"] == [{"entity": "staff_team", "value": "billing"}]
    # With no offer before the question, or more than a yes, it is the form's to read
    for text, before in (("yes", [asked, again]), ("yes its carlos rivera", [asked, offer, again])):
        assert not ValidateBalanceForm().should_let_through(at_name(text, before))


def test_yes_to_an_offer_repeated_under_the_balance_takes_it() -> None:
    """ "i cant afford to pay my whole bill at once" - "... Would you like me to connect you
    with our billing staff?" - "Carlos Rivera 09/30/1975" - the balance [Ways to pay] [Set up a
    payment plan] - "yes please": "What can I help you with?"."""
    plan = '/request_human{"staff_team": "billing"}'
    offer = BotUttered(
        "I'm sorry you're going through this. ... Would you like me to connect you with our "
        "billing staff?",
        {"buttons": [{"title": "Set up a plan with billing", "payload": plan}]},
    )

    def user(text: str, intent: str = "inform") -> dict[str, Any]:
        return {"event": "user", "text": text, "parse_data": {"intent": {"name": intent}}}

    balance = BotUttered(
        "The balance for Carlos Rivera is $240.00 ... we can set up a payment plan with you.",
        {
            "buttons": [
                {"title": "Ways to pay", "payload": "/billing_pay"},
                {"title": "Set up a payment plan", "payload": plan},
            ]
        },
    )
    confirmed = BotUttered("Thank you, Carlos, that's confirmed.")
    name_asked = BotUttered("And the date of birth?")
    for between in (
        [user("Carlos Rivera 09/30/1975")],
        [user("Carlos Rivera"), name_asked, user("9/30/75")],
    ):
        events = [offer, *between, confirmed, balance]
        tracker = make_tracker("yes please", intent="affirm", events=events)
        _, replay = ActionAnswerYes().run(CollectingDispatcher(), tracker, {})
        assert replay["parse_data"]["intent"]["name"] == "request_human"
        assert replay["parse_data"]["entities"] == [{"entity": "staff_team", "value": "billing"}]
    # Answered already, too long ago, or not repeated: what can I help with
    book = {"title": "Book a visit", "payload": "/book_appointment"}
    other = BotUttered(balance["text"], {"buttons": [balance["data"]["buttons"][0], book]})
    for events in (
        [offer, user("no thanks", "deny"), balance],
        [offer, user("a"), user("b"), user("c"), balance],
        [offer, user("Carlos Rivera 09/30/1975"), other],
    ):
        dispatcher = CollectingDispatcher()
        tracker = make_tracker("yes please", intent="affirm", events=events)
        assert ActionAnswerYes().run(dispatcher, tracker, {}) == []
        assert responses(dispatcher) == ["utter_how_can_help"]


def test_typed_yes_to_a_suggested_dispute_asks_what_happened_like_the_button() -> None:
    """The unclear message is not filed as the dispute's details."""
    tracker = make_tracker("yes", intent="affirm", events=_suggestion_history("billing_dispute"))
    _, replay = ActionAnswerYes().run(CollectingDispatcher(), tracker, {})
    assert (replay["text"], replay["parse_data"]["intent"]["name"]) == (
        "/billing_dispute",
        "billing_dispute",
    )


def test_no_after_anything_else_is_goodbye() -> None:
    cases = [
        (
            "no",
            [BotUttered("You're very welcome. Is there anything else I can help with?")],
            "utter_goodbye",
        ),
        ("no thats all thx", [], "utter_goodbye"),
        ("no", [BotUttered("Which office would you like?")], "utter_how_can_help"),
    ]
    for text, history, expected in cases:
        dispatcher = CollectingDispatcher()
        ActionAnswerNo().run(dispatcher, make_tracker(text, intent="deny", events=history), {})
        assert responses(dispatcher) == [expected], text


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        # The model read these as details only (inform, 100%): the request was dropped.
        ("Hi this is Emily Johnson 4/12/1988, do I owe anything?", "billing_balance"),
        (
            "Hi, Emily Johnson, 04/12/1988. I'd like to book a physical on january 5th",
            "book_appointment",
        ),
        ("Carlos Rivera 9/30/1975 and when is my appointment", "check_appointment"),
        ("Emily Johnson 4/12/1988 balance", "billing_balance"),
        ("pay bill Emily Johnson 04/12/1988", "billing_pay"),
        # A visit or a clinician named: a booking.
        ("need a follow up with sam lee feb 20", "book_appointment"),
        ("physical with dr patel downtown on tuesday the 8th", "book_appointment"),
        # The first opening asked for: a booking ("What can I help you with?" before).
        ("whats the earliest you have", "book_appointment"),
        ("soonest u got?", "book_appointment"),
    ],
)
def test_details_with_a_request_worded_in_them_start_it(text: str, intent: str) -> None:
    dispatcher = CollectingDispatcher()
    tracker = make_tracker(text, intent="inform", metadata={"k": "v"})
    events = ActionDetailsGiven().run(dispatcher, tracker, {})
    assert dispatcher.messages == []
    listen, replay = events
    assert listen == ActionExecuted("action_listen")
    assert replay["text"] == text and replay["parse_data"]["intent"]["name"] == intent
    assert replay["metadata"] == {"k": "v"}


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        # "Rivera" looks like "river" to the model: it was "not something I can help with".
        ("how much does Carlos Rivera owe", "billing_balance"),
        ("I'm dying to know if you're open saturday", "clinic_hours"),
        # truly elsewhere, or words too common to mean our directions
        ("what is the capital of france", None),
        ("how do i get to the river from here", None),
        ("/out_of_scope", None),
    ],
)
def test_out_of_scope_unless_one_of_our_requests_is_plainly_worded(
    text: str, intent: str | None
) -> None:
    dispatcher = CollectingDispatcher()
    events = ActionOutOfScope().run(dispatcher, make_tracker(text, intent="out_of_scope"), {})
    if intent is None:
        assert (events, responses(dispatcher)) == ([], ["utter_out_of_scope"])
    else:
        assert dispatcher.messages == []
        assert events[-1]["parse_data"]["intent"]["name"] == intent
        assert events[-1]["text"] == text


@pytest.mark.parametrize("text", ["?", "??", "hmm", "what", "lol", "i dont understand"])
def test_a_first_message_that_is_no_request_gets_how_this_works(text: str) -> None:
    # "Sorry, that's not something I can help with here" to someone finding their feet
    dispatcher = CollectingDispatcher()
    assert ActionOutOfScope().run(dispatcher, make_tracker(text, "out_of_scope"), {}) == []
    assert responses(dispatcher) == ["utter_how_it_works"]
    # ...and after the bot has spoken, "what?" asks which part to explain, as before
    spoke = [{"event": "bot", "text": "You can park in the garage."}]
    dispatcher = CollectingDispatcher()
    ActionOutOfScope().run(dispatcher, make_tracker("what?", "out_of_scope", events=spoke), {})
    assert responses(dispatcher) == ["utter_which_part"]
    # ...and so does "?" alone (it was "Sorry, that's not something I can help with here")
    dispatcher = CollectingDispatcher()
    ActionOutOfScope().run(dispatcher, make_tracker(text, "out_of_scope", events=spoke), {})
    if not any(ch.isalnum() for ch in text):
        assert responses(dispatcher) == ["utter_which_part"]


def test_a_first_name_after_the_appointments_looks_them_up_for_that_person() -> None:
    # "and liam?" after Emily's appointments: "Sorry, I didn't quite get that", and a handoff
    listed = [{"event": "action", "name": "action_show_appointments"}]
    tracker = make_tracker("and liam?", intent="out_of_scope", events=listed)
    dispatcher = CollectingDispatcher()
    events = ActionOutOfScope().run(dispatcher, tracker, {})
    [replay] = [e for e in events if e.get("event") == "user"]
    assert replay["parse_data"]["intent"]["name"] == "check_appointment"
    assert replay["text"] == "and liam?"
    # ...and with nothing looked up yet, what to do for him
    dispatcher = CollectingDispatcher()
    assert ActionOutOfScope().run(dispatcher, make_tracker("and liam?", "out_of_scope"), {}) == []
    [said] = dispatcher.messages
    assert (said["response"], said["them"]) == ("utter_what_for_them", "Liam")
    # ...and "what about myself" is the writer ("What would you like me to do for Myself?")
    dispatcher = CollectingDispatcher()
    ActionOutOfScope().run(dispatcher, make_tracker("what about myself", "out_of_scope"), {})
    assert dispatcher.messages[0]["them"] == "you"


def test_a_name_read_as_out_of_scope_is_thanked_not_turned_away() -> None:
    # "Carlos Rivera" after the payment-plan answer got "not something I can help with".
    dispatcher = CollectingDispatcher()
    ActionOutOfScope().run(dispatcher, make_tracker("Carlos Rivera", intent="out_of_scope"), {})
    [message] = dispatcher.messages
    assert (message["response"], message["first_name"]) == ("utter_how_can_help_named", "Carlos")


@pytest.mark.parametrize(
    ("text", "first_name"),
    [
        # a name is thanked by name (it was "What can I help you with?" with no word of it)
        ("Emily Johnson 4/12/1988", "Emily"),
        ("Hi, this is Carlos Rivera", "Carlos"),
        ("next tuesday", None),
        ("the north office", None),
        # a relative's name is not the writer's: no "Thanks, Carlos"
        ("it's about my dad. His name is Carlos Rivera, born 09/30/1975", None),
    ],
)
def test_details_alone_get_what_can_i_help_with(text: str, first_name: str | None) -> None:
    dispatcher = CollectingDispatcher()
    events = ActionDetailsGiven().run(dispatcher, make_tracker(text, intent="inform"), {})
    assert events == []
    if first_name:
        assert responses(dispatcher) == ["utter_how_can_help_named"]
        assert dispatcher.messages[0]["first_name"] == first_name
    else:
        assert responses(dispatcher) == ["utter_how_can_help"]


@pytest.mark.parametrize(
    ("offer", "text", "intent"),
    [
        (
            "We see patients by appointment, so please book first: I can look for a time "
            "today or tomorrow right here.",
            "what about tomorrow morning",
            "book_appointment",
        ),
        ("Would you like to move it to another day?", "friday afternoon", "reschedule_appointment"),
    ],
)
def test_a_day_under_an_offer_to_find_a_time_takes_it_up(
    offer: str, text: str, intent: str
) -> None:
    # "What can I help you with?" to the day the patient had just been offered to look for
    payload = f"/{intent}"
    offered = {
        "event": "bot",
        "text": offer,
        "data": {"buttons": [{"title": "Find a time", "payload": payload}]},
    }
    dispatcher = CollectingDispatcher()
    tracker = make_tracker(text, intent="inform", events=[offered])
    events = ActionDetailsGiven().run(dispatcher, tracker, {})
    assert dispatcher.messages == []
    assert events[-1]["text"] == text and events[-1]["parse_data"]["intent"]["name"] == intent
    # ...but a day under an answer that offers no booking is still "What can I help you with?"
    other = {
        "event": "bot",
        "text": offer,
        "data": {"buttons": [{"title": "Ways to pay", "payload": "/billing_pay"}]},
    }
    dispatcher = CollectingDispatcher()
    tracker = make_tracker(text, intent="inform", events=[other])
    assert ActionDetailsGiven().run(dispatcher, tracker, {}) == []
    assert responses(dispatcher) == ["utter_how_can_help"]


@pytest.mark.parametrize("text", ["salam", "blorp?", "jjjjj"])
def test_no_details_at_all_is_unclear_and_twice_goes_to_staff(
    handoff_env: HandoffReceiver, text: str
) -> None:
    # A key mash was read as details (inform, 1.0): "What can I help you with?" every time,
    # never a person.
    dispatcher = CollectingDispatcher()
    assert ActionDetailsGiven().run(dispatcher, make_tracker(text, intent="inform"), {}) == []
    assert responses(dispatcher) == ["utter_ask_rephrase"]
    asked_again = {
        "event": "bot",
        "text": "Sorry, I didn't quite get that.",
        "metadata": {"utter_action": "utter_ask_rephrase"},
    }
    dispatcher = CollectingDispatcher()
    tracker = make_tracker(text, intent="inform", events=[asked_again])
    events = ActionDetailsGiven().run(dispatcher, tracker, {})
    assert ConversationPaused() in events
    [record] = handoff_env.records
    assert record["reason"] == "low_confidence"


@pytest.mark.parametrize(
    ("text", "confidence", "escalated"),
    [
        ("the receptionist was really rude to me yesterday", 0.6, True),  # worded as one
        ("I waited two hours past my appointment time", 0.95, True),  # confidently one
        # Read as complaints (0.5-0.7): these handed the chat to staff and paused it.
        ("no i mean my husband's appointment", 0.62, False),
        ("oh wait actually no, keep it", 0.55, False),
        ("/complaint", 1.0, True),  # the Yes button of the question below
    ],
)
def test_only_a_clear_complaint_goes_to_staff(
    text: str, confidence: float, escalated: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    handed: list[str] = []
    monkeypatch.setattr(fallback, "escalate", lambda d, t, reason: handed.append(reason) or [])
    dispatcher = CollectingDispatcher()
    tracker = make_tracker(text, intent="complaint", confidence=confidence)
    ActionComplaint().run(dispatcher, tracker, {})
    if escalated:
        assert handed == ["complaint"] and responses(dispatcher) == ["utter_complaint"]
    else:
        assert handed == []
        [message] = dispatcher.messages
        assert message["text"].endswith(
            "Did you want to tell us about a problem with your care or service?"
        )
        assert message["buttons"][0]["payload"] == "/complaint"


@pytest.mark.parametrize(
    "text",
    [
        "this bot is useless",
        "you are so useless",
        "stupid chat, not helping",
        # swearing with nothing about the clinic (was filed as a complaint, chat paused)
        "wtf this is so stupid",
        "ur a useless piece of sh*t bot",
        "this is the stupidest bot ever",  # the chat was paused till morning
    ],
)
def test_venting_at_the_bot_is_no_complaint(text: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """ "this bot is useless" was filed as a complaint and paused the chat: the patient's next
    question ("what time do you open tomorrow") went unanswered."""
    handed: list[str] = []
    monkeypatch.setattr(fallback, "escalate", lambda d, t, reason: handed.append(reason) or [])
    dispatcher = CollectingDispatcher()
    tracker = make_tracker(text, intent="complaint", confidence=0.97)
    assert ActionComplaint().run(dispatcher, tracker, {}) == []
    assert handed == [] and responses(dispatcher) == ["utter_sorry_not_helping"]
    # ...but the clinic's people or care named with it is one
    tracker = make_tracker("this chat is useless and your receptionist was rude", "complaint")
    ActionComplaint().run(CollectingDispatcher(), tracker, {})
    assert handed == ["complaint"]


VALIDATORS = {
    "booking_form": ValidateBookingForm,
    "cancel_form": ValidateCancelForm,
    "reschedule_form": ValidateRescheduleForm,
    "dispute_form": ValidateDisputeForm,
}


def asked_again_after(tracker: Any, form: str) -> list[str]:
    """The responses said to a message that answers nothing, after which the question waiting
    comes again (asserted here: only the requested slot is cleared and asked for)."""
    requested = tracker.get_slot("requested_slot")
    dispatcher = CollectingDispatcher()
    events = VALIDATORS[form]().run(dispatcher, tracker, {})
    assert events == [SlotSet(requested, None), SlotSet("requested_slot", requested)]
    return responses(dispatcher)


@pytest.mark.parametrize(
    "text",
    ["this is ridiculous", "seriously??", "this is so frustrating", "ugh why is this so hard"],
)
def test_frustration_at_nothing_in_particular_is_no_complaint(
    text: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """ "this is so frustrating" (a complaint at 0.99) was filed with staff and the chat paused
    till morning; with nothing of the clinic named it is met like venting at the chat."""
    handed: list[str] = []
    monkeypatch.setattr(fallback, "escalate", lambda d, t, reason: handed.append(reason) or [])
    dispatcher = CollectingDispatcher()
    tracker = make_tracker(text, intent="complaint", confidence=0.97)
    assert ActionComplaint().run(dispatcher, tracker, {}) == []
    assert handed == [] and responses(dispatcher) == ["utter_sorry_not_helping"]
    # ...and in the middle of a task, sorry and the question again
    asking = {"requested_slot": "practitioner", "visit_type": "physical"}
    tracker = make_tracker(text, intent="complaint", slots=asking, active_loop="booking_form")
    assert asked_again_after(tracker, "booking_form") == ["utter_sorry_lets_go_on"]
    # the clinic's care or people named, or a complaint word besides, is a complaint
    for complaint in ("this is ridiculous, the receptionist hung up on me", "seriously rude"):
        tracker = make_tracker(complaint, intent="complaint", confidence=0.97)
        ActionComplaint().run(CollectingDispatcher(), tracker, {})
    assert handed == ["complaint", "complaint"]


@pytest.mark.parametrize(
    ("text", "intent", "requested"),
    [
        ("i just told you my name??", "out_of_scope", "verify_name"),
        ("ugh i already gave u my birthday", "billing_dispute", "verify_dob"),
        ("i told you already!", "nlu_fallback", "practitioner"),
    ],
)
def test_i_already_told_you_in_a_task_is_sorry_and_the_question_again(
    text: str, intent: str, requested: str
) -> None:
    """ "i just told you my name??" at the name question was read as a billing dispute: filed
    with billing staff, and the chat paused till morning."""
    tracker = make_tracker(
        text, intent=intent, slots={"requested_slot": requested}, active_loop="booking_form"
    )
    assert not ValidateBookingForm().should_let_through(tracker)
    assert asked_again_after(tracker, "booking_form") == ["utter_sorry_not_caught"]
    # the name given, at the birth-date question: it was noted ("didn't catch that" was wrong)
    noted = make_tracker(
        text,
        intent=intent,
        slots={"requested_slot": "verify_dob", "verify_name": "Emily Johnson"},
        active_loop="booking_form",
    )
    assert asked_again_after(noted, "booking_form") == ["utter_have_the_name"]
    # with no question waiting, sorry and what they need once more (not "Did you want to
    # question a charge on your bill?")
    dispatcher = CollectingDispatcher()
    assert ActionOutOfScope().run(dispatcher, make_tracker(text, intent="out_of_scope"), {}) == []
    assert responses(dispatcher) == ["utter_sorry_say_again"]


def test_what_do_you_mean_outside_a_task_asks_which_part() -> None:
    """ "what do u mean" after the parking answer got how to pay a bill."""
    dispatcher = CollectingDispatcher()
    parking = [{"event": "bot", "text": "Parking at the Downtown Clinic: ..."}]
    tracker = make_tracker("what do u mean", intent="out_of_scope", events=parking)
    assert ActionOutOfScope().run(dispatcher, tracker, {}) == []
    assert responses(dispatcher) == ["utter_which_part"]
    # in a task, the form says its question another way
    asking = make_tracker(
        "what do u mean",
        intent="out_of_scope",
        slots={"requested_slot": "practitioner"},
        active_loop="booking_form",
    )
    assert not ValidateBookingForm().should_let_through(asking)


@pytest.mark.parametrize(
    ("text", "requested", "reply"),
    [
        # read as a balance question: a balance check began and the booking was lost
        ("what does that mean?", "practitioner", "utter_what_i_asked_practitioner"),
        ("what do u mean", "patient_status", "utter_what_i_asked_patient_status"),
        ("i dont get it", "booking_confirmed", "utter_what_i_asked_confirmation"),
        # "huh?" (read as yes: "Done. I've cancelled …"; then "No rush, take your time")
        ("huh?", "cancel_confirmed", "utter_what_i_asked_confirmation"),
        ("sorry what?", "practitioner", "utter_what_i_asked_practitioner"),
        ("hi again, where were we", "practitioner", "utter_where_we_were"),
        # "idk" at the date of birth: "Sorry, that's not something I can help with here"
        ("idk", "verify_dob", "utter_identity_not_known"),
        ("not sure", "slot_choice", "utter_explain_slot_choice"),
    ],
)
def test_a_question_back_or_a_doubt_is_met_with_the_question_in_other_words(
    text: str, requested: str, reply: str
) -> None:
    tracker = make_tracker(
        text,
        intent="billing_balance",
        slots={"requested_slot": requested},
        active_loop="booking_form",
    )
    assert asked_again_after(tracker, "booking_form") == [reply]


def test_what_does_that_mean_at_the_dispute_question_explains_it() -> None:
    # "No rush, take your time" did not answer the question
    tracker = make_tracker(
        "what does that mean?",
        intent="billing_balance",
        slots={"requested_slot": "dispute_details"},
        active_loop="dispute_form",
    )
    assert asked_again_after(tracker, "dispute_form") == ["utter_what_i_asked_dispute_details"]


def test_a_plan_name_read_as_stop_after_the_plan_question_is_checked() -> None:
    """ "Which insurance plan do you have?" - "Zenith Mutual" was read as "stop": "No problem,
    I've stopped there"; with no word of stopping, the plan is checked."""
    dispatcher = CollectingDispatcher()
    tracker = make_tracker(
        "Zenith Mutual", intent="stop", confidence=0.52, events=AFTER_PLAN_QUESTION
    )
    assert ActionStop().run(dispatcher, tracker, {}) == [FollowupAction("action_check_insurance")]
    assert dispatcher.messages == []
    # "never mind" after the same question stops
    dispatcher = CollectingDispatcher()
    tracker = make_tracker("never mind", intent="stop", events=AFTER_PLAN_QUESTION)
    ActionStop().run(dispatcher, tracker, {})
    assert responses(dispatcher) == ["utter_stopped"]


@pytest.mark.parametrize("text", ["hello??", "?", "anyone there?", "are you still there"])
def test_hello_while_a_question_waits_asks_it_again_without_the_menu(text: str) -> None:
    """ "hello??" at "What is the patient's full name?" got the whole greeting and its menu,
    then the question, every time; "?" got "not something I can help with"."""
    tracker = make_tracker(
        text,
        intent="greet",
        slots={"requested_slot": "verify_name"},
        active_loop="check_form",
    )
    dispatcher = CollectingDispatcher()
    events = ValidateCheckForm().run(dispatcher, tracker, {})
    assert responses(dispatcher) == ["utter_still_here"]
    assert events == [SlotSet("verify_name", None), SlotSet("requested_slot", "verify_name")]


@pytest.mark.parametrize(
    ("text", "read_as", "form", "requested"),
    [
        # read as yes (1.0, 0.61): "You're booked", "Book another one anyway?" taken as yes
        ("huh", "affirm", "booking_form", "booking_confirmed"),
        ("hmm let me think", "affirm", "booking_form", "booking_confirmed"),
        # read as stop: "No problem, I've stopped there", the task thrown away
        ("wait", "stop", "booking_form", "practitioner"),
        ("maybe", "stop", "reschedule_form", "booking_confirmed"),
        ("one sec", "inform", "booking_form", "slot_choice"),
    ],
)
def test_a_pause_or_a_doubt_in_a_task_asks_the_question_again(
    text: str, read_as: str, form: str, requested: str
) -> None:
    tracker = make_tracker(
        text, intent=read_as, slots={"requested_slot": requested}, active_loop=form
    )
    assert asked_again_after(tracker, form) == ["utter_no_rush"]
    assert yes_or_no(tracker) is None


@pytest.mark.parametrize(
    ("text", "form", "requested", "reply"),
    [
        # read as yes: "You're booked", "Done. I've cancelled your sick visit"
        ("ok wait", "booking_form", "booking_confirmed", "utter_no_rush"),
        ("okay hold on a sec", "cancel_form", "cancel_confirmed", "utter_no_rush"),
        # "Take care!" and the same question again
        ("ok thanks bye", "booking_form", "booking_confirmed", "utter_keep_your_place"),
        ("ok thats all", "cancel_form", "cancel_confirmed", "utter_keep_your_place"),
        ("gotta go, will finish later", "booking_form", "slot_choice", "utter_keep_your_place"),
        # ("Take care!", then the times shown again)
        ("thanks so much bye", "booking_form", "slot_choice", "utter_keep_your_place"),
        ("bye, thank you very much", "reschedule_form", "slot_choice", "utter_keep_your_place"),
        # "Goodbye" and the question again; other times were offered
        ("ill book later", "booking_form", "practitioner", "utter_keep_your_place"),
        ("ill do it another time", "booking_form", "location", "utter_keep_your_place"),
        (
            "no actually ill call u guys later",
            "booking_form",
            "booking_confirmed",
            "utter_keep_your_place",
        ),
        # "You're booked", "Done. I've cancelled …"
        ("yes no wait", "booking_form", "booking_confirmed", "utter_no_rush"),
        ("yes wait no", "cancel_form", "cancel_confirmed", "utter_no_rush"),
    ],
)
def test_an_ok_that_holds_back_or_leaves_answers_nothing(
    text: str, form: str, requested: str, reply: str
) -> None:
    slots = {"requested_slot": requested}
    tracker = make_tracker(text, intent="affirm", slots=slots, active_loop=form)
    assert asked_again_after(tracker, form) == [reply]
    assert yes_or_no(tracker) is None
    # ("No, another time", a button's words, looks for other times: no leaving)
    assert not LEAVING.match("another time") and not LEAVING.match("No, another time")
    # read as a goodbye, the form still answers it ("Goodbye", then the question again)
    leaving = make_tracker(text, intent="goodbye", slots=slots, active_loop=form)
    assert not VALIDATORS[form]().should_let_through(leaving) or reply != "utter_keep_your_place"


@pytest.mark.parametrize(
    ("text", "answer"),
    [
        ("ok nvm", False),
        ("ok actually nvm", False),
        ("ok nvm thanks bye", False),
        ("ok wait what about parking", None),
        ("sure but is it downtown?", None),
        ("yes, no problem", True),
        ("ok thanks", True),
        ("ok i guess", True),
    ],
)
def test_an_ok_is_a_yes_only_when_nothing_after_it_takes_it_back(
    text: str, answer: bool | None
) -> None:
    tracker = make_tracker(text, intent="affirm", slots={"requested_slot": "booking_confirmed"})
    assert yes_or_no(tracker) is answer


@pytest.mark.parametrize(
    ("text", "answer"),
    [
        # the model read each as a yes (0.8-0.99): a thumbs-down booked, a cross moved and a
        # thinking face cancelled
        ("👎", False),
        ("❌", False),
        ("👎🏽", False),
        ("🤔", None),
        ("...", None),
        ("o", None),
        ("x", None),
        # said plainly
        ("👍", True),
        ("✔️", True),
        ("👍👍", True),
        ("y", True),
        ("n", False),
        ("y?", None),  # "why?"
        ("yes 👍", True),
    ],
)
def test_emoji_punctuation_or_one_letter_is_no_yes_unless_it_says_so(
    text: str, answer: bool | None
) -> None:
    tracker = make_tracker(
        text, intent="affirm", confidence=0.95, slots={"requested_slot": "booking_confirmed"}
    )
    assert yes_or_no(tracker) is answer


@pytest.mark.parametrize("text", ["hmm ok", "wait yes", "yes please", "uh sure"])
def test_a_yes_after_a_pause_word_is_still_a_yes(text: str) -> None:
    tracker = make_tracker(text, intent="affirm", slots={"requested_slot": "booking_confirmed"})
    assert yes_or_no(tracker) is True


@pytest.mark.parametrize("text", ["not sure", "idk", "hmm i dont know"])
def test_a_doubt_is_no_yes(text: str) -> None:
    tracker = make_tracker(text, intent="affirm", slots={"requested_slot": "booking_confirmed"})
    assert yes_or_no(tracker) is None


@pytest.mark.parametrize(
    "text", ["\U0001f44d", "hello? i need to change my appointment", "hi", "hello"]
)
def test_a_thumbs_up_or_a_request_is_no_hello(text: str) -> None:
    tracker = make_tracker(
        text, intent="affirm", slots={"requested_slot": "verify_name"}, active_loop="check_form"
    )
    dispatcher = CollectingDispatcher()
    ValidateCheckForm().run(dispatcher, tracker, {})
    assert "utter_still_here" not in responses(dispatcher)


def unsure(text: str, guess: str) -> Tracker:
    return make_tracker(
        text,
        intent="nlu_fallback",
        extra={
            "intent_ranking": [
                {"name": "nlu_fallback", "confidence": 0.4},
                {"name": guess, "confidence": 0.3},
            ]
        },
    )


def test_a_person_asked_for_again_is_one_without_did_you_mean(
    handoff_env: HandoffReceiver,
) -> None:
    """ "i asked for a person 3 times already!!!" got "Did you want to question a charge on
    your bill?"."""
    dispatcher = CollectingDispatcher()
    tracker = unsure("i asked for a person 3 times already!!!", "billing_dispute")
    events = ActionAskAffirmation().run(dispatcher, tracker, {})
    assert responses(dispatcher)[0] == "utter_request_human"
    assert events[-2:] == [ConversationPaused(), ActionExecuted("action_listen")]
    assert handoff_env.records[0]["reason"] == "request_human"


def test_whether_this_is_a_person_is_no_request_for_one() -> None:
    dispatcher = CollectingDispatcher()
    tracker = unsure("wait am i talking to a real person??", "bot_challenge")
    assert ActionAskAffirmation().run(dispatcher, tracker, {}) == []
    assert "utter_request_human" not in responses(dispatcher)


@pytest.mark.parametrize("text", ["fuck this", "you guys suck"])
def test_venting_gets_an_apology_not_did_you_mean(text: str) -> None:
    # "you guys suck" got "Did you want to say thanks?"
    dispatcher = CollectingDispatcher()
    assert ActionAskAffirmation().run(dispatcher, unsure(text, "thank"), {}) == []
    assert responses(dispatcher) == ["utter_sorry_not_helping"]


def test_which_doctor_was_that_again_repeats_the_appointment_just_made(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """ "which doctor was that again" right after a booking got "Did you want to get
    directions to our office?"."""
    start = datetime(2026, 12, 4, 8, 30, tzinfo=get_clinic().tz)
    booked = AppointmentRecord(
        id="a9",
        status="booked",
        start=start,
        end=start + timedelta(minutes=30),
        slot_id="s9",
        patient_id="p1",
        practitioner_id="patel",
        location_id="downtown",
        practitioner_name="Dr. Priya Patel",
        location_name="Downtown Clinic",
        visit_type="physical",
        description="annual physical",
    )

    class Backend:
        def get_appointment(self, appointment_id: str) -> AppointmentRecord:
            assert appointment_id == "a9"
            return booked

    monkeypatch.setattr(fallback, "scheduling_client", lambda: Backend())
    slots = {"verified": True, "patient_id": "p1", "last_booked": "a9"}
    tracker = make_tracker(
        "which doctor was that again",
        intent="nlu_fallback",
        slots=slots,
        extra={"intent_ranking": [{"name": "directions", "confidence": 0.3}]},
    )
    dispatcher = CollectingDispatcher()
    assert ActionAskAffirmation().run(dispatcher, tracker, {}) == []
    [message] = dispatcher.messages
    assert message["response"] == "utter_recap_appointment"
    assert "Dr. Priya Patel" in message["summary"] and "Fri Dec 4, 8:30am" in message["summary"]
    assert message["address"].startswith("Downtown Clinic: 1200 J Street")
    # Nobody verified, or nothing booked here: the usual "did you mean …?".
    for other in ({}, {"verified": True, "patient_id": "p1"}):
        dispatcher = CollectingDispatcher()
        tracker = make_tracker(
            "which doctor was that again",
            intent="nlu_fallback",
            slots=other,
            extra={"intent_ranking": [{"name": "directions", "confidence": 0.3}]},
        )
        ActionAskAffirmation().run(dispatcher, tracker, {})
        assert "Did you want to get directions" in dispatcher.messages[0]["text"]


@pytest.mark.parametrize("category", ["crisis", "emergency"])
def test_an_unsure_safety_guess_gets_a_check_in(category: str) -> None:
    tracker = make_tracker(
        "I do not use computers much",
        intent="nlu_fallback",
        extra={"safety_check": {"category": category}},
    )
    dispatcher = CollectingDispatcher()
    assert ActionAskAffirmation().run(dispatcher, tracker, {}) == []  # nothing paused
    assert responses(dispatcher) == [f"utter_safety_check_{category}"]
    # In the middle of a task, the form lets it through to the check-in.
    in_form = make_tracker(
        "I do not use computers much",
        intent="nlu_fallback",
        extra={"safety_check": {"category": category}},
        slots={"requested_slot": "verify_name"},
        active_loop="check_form",
    )
    assert ValidateCheckForm().should_let_through(in_form)


def after_check_in(
    message: str, category: str, ranking: list[dict[str, Any]] | None = None
) -> Tracker:
    """The "I'm okay, something else" (or "Not an emergency") button after a check-in."""
    checked = {
        "event": "user",
        "text": message,
        "parse_data": {
            "intent": {"name": "nlu_fallback"},
            "intent_ranking": ranking or [],
            "entities": [],
        },
    }
    check_in = {
        "event": "bot",
        "text": "I want to make sure you're okay.",
        "metadata": {"utter_action": f"utter_safety_check_{category}"},
    }
    return make_tracker("/out_of_scope", intent="out_of_scope", events=[checked, check_in])


def rephrase(tracker: Tracker) -> tuple[list[Any], CollectingDispatcher]:
    dispatcher = CollectingDispatcher()
    return ActionAskRephrase().run(dispatcher, tracker, {}), dispatcher


@pytest.mark.parametrize("category", ["crisis", "emergency"])
@pytest.mark.parametrize("action", [ActionAskRephrase, ActionOutOfScope])
def test_im_okay_after_a_check_in_takes_the_request_it_held(category: str, action: type) -> None:
    # "I'm okay, something else" was told "not something I can help with", request lost; and
    # outside the fallback (the button's /out_of_scope read by its own rule), the opening hours.
    dispatcher = CollectingDispatcher()
    events = action().run(
        dispatcher, after_check_in("ugh i'm so done with this, can i move my appt", category), {}
    )
    assert dispatcher.messages == []
    listen, replay = events
    assert listen == ActionExecuted("action_listen")
    assert replay["text"] == "ugh i'm so done with this, can i move my appt"
    assert replay["parse_data"]["intent"]["name"] == "reschedule_appointment"


def test_im_okay_after_a_check_in_books_the_visit_asked_for() -> None:
    dispatcher = CollectingDispatcher()
    # (the model's next guess after crisis was the opening hours, which is what it got)
    ranking = [{"name": "crisis", "confidence": 0.29}, {"name": "clinic_hours", "confidence": 0.17}]
    tracker = after_check_in(
        "i cut myself shaving lol, can i still come in for my physical", "crisis", ranking
    )
    tracker.events[0]["parse_data"]["entities"] = [{"entity": "visit_type", "value": "physical"}]
    events = ActionOutOfScope().run(dispatcher, tracker, {})
    assert dispatcher.messages == []
    assert events[-1]["parse_data"]["intent"]["name"] == "book_appointment"


def test_im_okay_after_a_check_in_books_a_clinician_asked_for() -> None:
    # "... can i see dr patel about it" after the check-in: the booking asked for in words,
    # whatever the model guessed
    text = "ive been really depressed lately, can i see dr patel about it"
    faint = [
        {"name": "crisis", "confidence": 0.5},
        {"name": "book_appointment", "confidence": 0.05},
    ]
    events, dispatcher = rephrase(after_check_in(text, "crisis", faint))
    assert dispatcher.messages == []
    assert events[-1]["parse_data"]["intent"]["name"] == "book_appointment"


def test_im_okay_after_a_check_in_takes_the_models_routine_guess() -> None:
    # "can dr patel help with that" words no request of ours: the model's next guess, a booking
    # ("can i see dr patel about it" words one: actions/second_request.py)
    text = "ive been really depressed lately, can dr patel help with that"
    ranking = [
        {"name": "nlu_fallback", "confidence": 0.45},
        {"name": "crisis", "confidence": 0.41},
        {"name": "medical_advice", "confidence": 0.2},
        {"name": "book_appointment", "confidence": 0.18},
    ]
    events, dispatcher = rephrase(after_check_in(text, "crisis", ranking))
    assert dispatcher.messages == []
    assert events[-1]["parse_data"]["intent"]["name"] == "book_appointment"
    # a guess too faint is no request
    faint = [
        {"name": "crisis", "confidence": 0.5},
        {"name": "book_appointment", "confidence": 0.05},
    ]
    events, dispatcher = rephrase(after_check_in(text, "crisis", faint))
    assert events == [] and responses(dispatcher) == ["utter_safety_check_cleared"]
    # ...and so is a guess for a message that asks for nothing ("I'm okay, something else"
    # after "i dont see the point anymore" got the insurance plans, the model's 0.2 guess)
    noise = [
        {"name": "crisis", "confidence": 0.76},
        {"name": "billing_insurance", "confidence": 0.2},
    ]
    events, dispatcher = rephrase(after_check_in("i dont see the point anymore", "crisis", noise))
    assert events == [] and responses(dispatcher) == ["utter_safety_check_cleared"]


def test_im_okay_after_a_check_in_with_no_request_is_asked_what_we_can_do() -> None:
    events, dispatcher = rephrase(after_check_in("i can't take this weather anymore", "crisis"))
    assert events == []
    assert responses(dispatcher) == ["utter_safety_check_cleared"]
    # A rephrase asked for with no guess before it: "could you say it another way?"
    _, plain = rephrase(make_tracker("/out_of_scope", intent="out_of_scope"))
    assert responses(plain) == ["utter_ask_rephrase"]
    # [No, something else] to "Did you mean …?": the guess was wrong ("Sorry, I didn't quite
    # get that" blamed the patient's words)
    guessed = [
        {"event": "user", "text": "is it too late", "parse_data": {"intent": {}}},
        {
            "event": "bot",
            "text": "Sorry, I want to be sure I understood. Did you want to check what you owe?",
            "data": {"buttons": [{"title": "Yes", "payload": "/billing_balance"}]},
        },
    ]
    _, after_guess = rephrase(make_tracker("/out_of_scope", intent="out_of_scope", events=guessed))
    assert responses(after_guess) == ["utter_ask_rephrase_after_guess"]


def test_a_question_read_as_a_complaint_is_asked_about_not_filed() -> None:
    """ "wait what time was the one i just cancelled" (a complaint at 0.95) paused the chat
    for staff; a complaint in words still goes to them."""
    dispatcher = CollectingDispatcher()
    question = make_tracker(
        "wait what time was the one i just cancelled", intent="complaint", confidence=0.95
    )
    assert ActionComplaint().run(dispatcher, question, {}) == []
    assert "Did you want to tell us about a problem" in dispatcher.messages[0]["text"]
    assert not clearly_a_complaint(question)
    worded = make_tracker("why was the receptionist so rude", intent="complaint", confidence=0.95)
    assert clearly_a_complaint(worded)


def test_a_common_question_is_never_the_suggestion() -> None:
    # "Did you want to get an answer to a common question?" - "yes": no answer at all.
    dispatcher = CollectingDispatcher()
    tracker = unsure("does the clinic have a physical therapist", "faq")
    ActionAskAffirmation().run(dispatcher, tracker, {})
    assert responses(dispatcher) == ["utter_ask_rephrase"]  # "could you say it another way?"


@pytest.mark.parametrize(
    ("text", "waits"),
    [
        ("i am", True),
        ("calling about", True),
        ("this is", True),
        ("the bill", False),
        ("asdf qwerty", False),
        # a whole question (after a balance: "Take your time, I'm here")
        ("whats it for", False),
    ],
)
def test_a_sentence_still_being_typed_is_waited_for(
    handoff_env: HandoffReceiver, text: str, waits: bool
) -> None:
    """ "hello" / "i am" / "calling about" / "the bill": an elderly patient, typing slowly,
    was handed to staff after the second piece, and the chat went silent until morning."""
    dispatcher = CollectingDispatcher()
    assert (ActionAskAffirmation().run(dispatcher, unsure(text, "greet"), {}) == []) or not waits
    if waits:
        assert responses(dispatcher) == ["utter_take_your_time"]
    dispatcher = CollectingDispatcher()
    events = ActionDefaultFallback().run(dispatcher, make_tracker(text, intent="nlu_fallback"), {})
    assert (events == [] and handoff_env.records == []) is waits


@pytest.mark.parametrize(
    ("text", "asks"),
    [
        ("what about carlos rivera, hes my husband", "billing_balance"),
        ("and my son?", "billing_balance"),
        ("ok now mine", "billing_balance"),
        ("ok and for my son?", "billing_balance"),
        ("what about the weather", None),
    ],
)
def test_what_about_someone_after_a_look_up_is_the_same_look_up(
    text: str, asks: str | None
) -> None:
    """ "what about carlos rivera, hes my husband" after Emily's balance (out of scope to the
    model) was "not something I can help with"."""
    shown = [
        {"event": "user", "text": "whats my balance"},
        {"event": "action", "name": "action_show_balance"},
    ]
    dispatcher = CollectingDispatcher()
    tracker = make_tracker(text, intent="out_of_scope", events=shown)
    events = ActionOutOfScope().run(dispatcher, tracker, {})
    if asks is None:
        assert responses(dispatcher) == ["utter_out_of_scope"]
    else:
        assert dispatcher.messages == []
        assert events[-1]["parse_data"]["intent"]["name"] == asks


def test_and_hers_after_a_look_up_is_for_the_one_spoken_of() -> None:
    """ "my wife wants to know hers too" - "and hers?" after Carlos's balance got the welcome
    menu; "her balance pls" gave the writer's balance again."""
    shown = [
        {"event": "user", "text": "carlos rivera 9/30/1975 whats my balance"},
        {"event": "action", "name": "action_show_balance"},
        {"event": "user", "text": "my wife wants to know hers too"},
        {"event": "bot", "text": "Did you want to check what you owe?"},
    ]
    dispatcher = CollectingDispatcher()
    tracker = make_tracker("and hers?", intent="out_of_scope", events=shown)
    events = ActionOutOfScope().run(dispatcher, tracker, {})
    assert dispatcher.messages == []
    parse = events[-1]["parse_data"]
    assert (events[-1]["text"], parse["intent"]["name"]) == ("and hers?", "billing_balance")
    assert parse["referent"] == "your wife"
    # ...and the balance form checks her identity, not the verified writer's balance again
    form = ValidateBalanceForm()
    asked = CollectingDispatcher()
    verified = {"verified": True, "patient_id": "p1", "patient_name": "Carlos Rivera"}
    replayed_tracker = make_tracker(
        "and hers?", intent="billing_balance", slots=verified, extra={"referent": "your wife"}
    )
    updates = form._identity_on_activation(asked, replayed_tracker, verified)
    assert [m["response"] for m in asked.messages] == ["utter_other_person"]
    assert asked.messages[0]["person"] == "your wife"
    assert updates["verified"] is False and updates["patient_id"] is None
    # No one spoken of: whose details, and the name and birth date sent next are looked up.
    alone = make_tracker("and hers?", intent="out_of_scope", events=shown[:2])
    dispatcher = CollectingDispatcher()
    assert ActionOutOfScope().run(dispatcher, alone, {}) == []
    assert responses(dispatcher) == ["utter_whose_details"]
    # ...nor when the one named has had theirs since (the wife's balance was shown: "and hers?"
    # asked about the wife again, who was the one verified)
    hers_shown = [*shown, {"event": "action", "name": "action_show_balance"}]
    dispatcher = CollectingDispatcher()
    again = make_tracker("and hers?", intent="out_of_scope", events=hers_shown)
    assert ActionOutOfScope().run(dispatcher, again, {}) == []
    assert responses(dispatcher) == ["utter_whose_details"]
    asked_whose = [
        *shown[:2],
        {"event": "user", "text": "and hers?"},
        {"event": "action", "name": "action_out_of_scope"},
        {"event": "bot", "text": "...", "metadata": {"utter_action": "utter_whose_details"}},
    ]
    tracker = make_tracker("emily johnson 04/12/1988", intent="inform", events=asked_whose)
    events = ActionDetailsGiven().run(CollectingDispatcher(), tracker, {})
    assert events[-1]["parse_data"]["intent"]["name"] == "billing_balance"


def test_details_sent_right_after_a_balance_are_that_persons_balance() -> None:
    """ "... If you meant your son's record, send me their full name and date of birth." -
    "liam nguyen 06/05/2017" was "Thanks, Liam. What can I help you with?"."""
    shown = [
        {"event": "user", "text": "whats my balance and my son's"},
        {"event": "action", "name": "action_show_balance"},
        {"event": "bot", "text": "If you meant your son's record, send me ..."},
        {"event": "action", "name": "action_listen"},
    ]
    tracker = make_tracker("liam nguyen 06/05/2017", intent="inform", events=shown)
    events = ActionDetailsGiven().run(CollectingDispatcher(), tracker, {})
    assert events[-1]["parse_data"]["intent"]["name"] == "billing_balance"


def test_me_too_after_a_booking_books_the_same_visit() -> None:
    # "me too pls" after booking Liam's flu shot was "What would you like me to do for you?"
    booked = [
        {"event": "user", "text": "book my son liam a flu shot"},
        {"event": "slot", "name": "visit_type", "value": "vaccination"},
        {"event": "action", "name": "action_book_appointment"},
        {"event": "slot", "name": "visit_type", "value": None},
    ]
    for text in ("me too pls", "and my daughter too"):
        dispatcher = CollectingDispatcher()
        tracker = make_tracker(text, intent="out_of_scope", events=booked)
        events = ActionOutOfScope().run(dispatcher, tracker, {})
        assert dispatcher.messages == []
        parse = events[-1]["parse_data"]
        assert (events[-1]["text"], parse["intent"]["name"]) == (text, "book_appointment")
        assert parse["entities"] == [{"entity": "visit_type", "value": "vaccination"}]
    # ...while a look-up after the booking is the task followed up
    # a child's well-child visit is a checkup for the parent ("me too" booked a pediatric visit)
    child = [{**e, "value": "well_child"} if e.get("value") == "vaccination" else e for e in booked]
    tracker = make_tracker("me too", intent="out_of_scope", events=child)
    events = ActionOutOfScope().run(CollectingDispatcher(), tracker, {})
    assert events[-1]["parse_data"]["entities"] == [{"entity": "visit_type", "value": "physical"}]
    shown = [*booked, {"event": "action", "name": "action_show_balance"}]
    tracker = make_tracker("me too", intent="out_of_scope", events=shown)
    events = ActionOutOfScope().run(CollectingDispatcher(), tracker, {})
    assert events[-1]["parse_data"]["intent"]["name"] == "billing_balance"


@pytest.mark.parametrize(("text", "them"), [("what about my son?", "your son"), ("me too", "you")])
def test_a_follow_up_with_nothing_looked_up_asks_what_to_do_for_them(text: str, them: str) -> None:
    dispatcher = CollectingDispatcher()
    tracker = make_tracker(text, intent="out_of_scope", events=[{"event": "user", "text": "hi"}])
    assert ActionOutOfScope().run(dispatcher, tracker, {}) == []
    [message] = dispatcher.messages
    assert (message["response"], message["them"]) == ("utter_what_for_them", them)


@pytest.mark.parametrize(
    "text",
    ["I do not use computers much. how does this work", "what do i press", "how do i use this"],
)
def test_how_the_chat_works_is_explained(text: str) -> None:
    dispatcher = CollectingDispatcher()
    ActionOutOfScope().run(dispatcher, make_tracker(text, intent="out_of_scope"), {})
    assert responses(dispatcher) == ["utter_how_it_works"]


@pytest.mark.parametrize(
    ("text", "asked"),
    [
        # "Did you want to ask whether we take your insurance?" cost a turn, and its "Yes"
        # lost the plan's name ("Which insurance plan do you have?")
        ("quick one: do you take CDPHP?", True),
        ("is mutual of omaha in network", True),
        ("what about CDPHP", False),  # not asked in so many words: "did you mean …?"
        ("do you take walk ins", False),
    ],
)
def test_a_plan_asked_about_in_so_many_words_is_answered_at_once(text: str, asked: bool) -> None:
    dispatcher = CollectingDispatcher()
    events = ActionAskAffirmation().run(dispatcher, unsure(text, "billing_insurance"), {})
    if asked:
        assert dispatcher.messages == []
        assert events[-1]["text"] == text
        assert events[-1]["parse_data"]["intent"]["name"] == "billing_insurance"
    else:
        assert events == [] and "Did you want to" in dispatcher.messages[0]["text"]


@pytest.mark.parametrize(
    ("text", "asked"),
    [
        ("which one has dr okafor", True),
        ("which office has sam lee", True),
        ("what about dr okafor", False),  # not where: "did you mean …?"
        ("which one is closer", False),  # no clinician named
    ],
)
def test_where_a_clinician_works_unclear_to_the_model_is_answered_at_once(
    text: str, asked: bool
) -> None:
    # "which one has dr okafor" after the two offices: "Did you want to find out about our
    # doctors?", a turn for nothing
    dispatcher = CollectingDispatcher()
    events = ActionAskAffirmation().run(dispatcher, unsure(text, "ask_clinicians"), {})
    if asked:
        assert dispatcher.messages == []
        assert events[-1]["parse_data"]["intent"]["name"] == "ask_clinicians"
    else:
        assert not any(e.get("event") == "user" for e in events)


def test_a_name_after_the_payment_plan_answer_looks_up_the_balance() -> None:
    # "can i do a payment plan" - "emily johnson 04/12/1988": "Thanks, Emily. What can I help
    # you with?"
    answered = [
        {"event": "user", "text": "can i do a payment plan"},
        {"event": "action", "name": "action_billing_pay"},
        {"event": "bot", "text": "Balances of $100 or more can be split ..."},
        {"event": "action", "name": "action_listen"},
    ]
    tracker = make_tracker("emily johnson 04/12/1988", intent="inform", events=answered)
    events = ActionDetailsGiven().run(CollectingDispatcher(), tracker, {})
    assert events[-1]["parse_data"]["intent"]["name"] == "billing_balance"
    # a full name alone: the balance too, which asks for the birth date (it was "Thanks,
    # Carlos. What can I help you with?" and the plan question was lost)
    tracker = make_tracker("Carlos Rivera", intent="inform", events=answered)
    events = ActionDetailsGiven().run(CollectingDispatcher(), tracker, {})
    assert events[-1]["parse_data"]["intent"]["name"] == "billing_balance"
    # after something else, a thank-you by name
    dispatcher = CollectingDispatcher()
    plain = make_tracker("emily johnson 04/12/1988", intent="inform")
    assert ActionDetailsGiven().run(dispatcher, plain, {}) == []
    assert responses(dispatcher) == ["utter_how_can_help_named"]


def test_a_name_after_a_monthly_amount_asked_looks_up_the_balance_then_the_amount() -> None:
    # "how much per month would a payment plan be" - "Carlos Rivera 9/30/1975": the balance
    # alone, and the month's sum was never said
    asked = "how much per month would a payment plan be"
    answered = [
        {"event": "user", "text": asked},
        {"event": "action", "name": "action_billing_pay"},
        {"event": "bot", "text": "What you pay each month depends on your balance ..."},
        {"event": "action", "name": "action_listen"},
    ]
    tracker = make_tracker("Carlos Rivera 9/30/1975", intent="inform", events=answered)
    events = ActionDetailsGiven().run(CollectingDispatcher(), tracker, {})
    assert events[0] == SlotSet(
        "pending_request",
        {"intent": "billing_pay", "text": asked, "asked_after": "billing_balance"},
    )
    assert events[-1]["text"] == "Carlos Rivera 9/30/1975"
    assert events[-1]["parse_data"]["intent"]["name"] == "billing_balance"


def test_what_about_someone_read_as_details_or_a_plan_is_the_same_look_up() -> None:
    """ "what about my son liam" (read as details: "What can I help you with?") and "what about
    carlos rivera 09/30/1975" (read as a plan: "I don't see Carlos Rivera 09 on my list")."""
    shown = [
        {"event": "user", "text": "whats my balance"},
        {"event": "action", "name": "action_show_balance"},
    ]
    tracker = make_tracker("what about my son liam", intent="inform", events=shown)
    events = ActionDetailsGiven().run(CollectingDispatcher(), tracker, {})
    assert events[-1]["parse_data"]["intent"]["name"] == "billing_balance"
    text = "what about carlos rivera 09/30/1975"
    tracker = make_tracker(text, intent="billing_insurance", events=shown)
    dispatcher = CollectingDispatcher()
    events = ActionCheckInsurance().run(dispatcher, tracker, {})
    assert dispatcher.messages == []
    assert events[-1]["parse_data"]["intent"]["name"] == "billing_balance"
    # a plan asked about is still a plan
    tracker = make_tracker("what about blue cross", intent="billing_insurance", events=shown)
    dispatcher = CollectingDispatcher()
    ActionCheckInsurance().run(dispatcher, tracker, {})
    assert dispatcher.messages


def test_a_name_after_did_you_mean_is_for_the_request_before_it(
    handoff_env: HandoffReceiver,
) -> None:
    """ "hi my dad needs help with his bill" - "Did you want to say hello?" - "robert miller"
    went to staff as a second unclear message, and the chat paused."""
    earlier = [{"event": "user", "text": "hi my dad needs help with his bill"}]
    tracker = make_tracker("robert miller", intent="nlu_fallback", events=earlier)
    dispatcher = CollectingDispatcher()
    events = ActionDefaultFallback().run(dispatcher, tracker, {})
    assert dispatcher.messages == [] and handoff_env.records == []
    listen, replay = events
    assert (listen["event"], listen["name"]) == ("action", "action_listen")
    assert replay["text"] == "hi my dad needs help with his bill. robert miller"
    assert replay["parse_data"]["intent"]["name"] == "billing_balance"


def test_a_second_unsure_safety_guess_in_a_row_goes_to_staff_as_urgent(
    handoff_env: HandoffReceiver,
) -> None:
    """The second of two messages the model alone read as a crisis got "I couldn't follow"
    and a normal-priority handoff."""
    tracker = make_tracker(
        "i just cant anymore", intent="nlu_fallback", extra={"safety_check": {"category": "crisis"}}
    )
    dispatcher = CollectingDispatcher()
    events = ActionDefaultFallback().run(dispatcher, tracker, {})
    assert responses(dispatcher)[0] == "utter_crisis"
    assert events[-2:] == [ConversationPaused(), ActionExecuted("action_listen")]
    assert (handoff_env.records[0]["reason"], handoff_env.records[0]["priority"]) == (
        "crisis",
        "urgent",
    )


def test_an_insurance_representative_is_no_request_for_a_person(
    handoff_env: HandoffReceiver,
) -> None:
    dispatcher = CollectingDispatcher()
    tracker = unsure("my insurance representative said its covered", "billing_insurance")
    assert ActionAskAffirmation().run(dispatcher, tracker, {}) == []
    assert handoff_env.records == []


def test_the_writer_verified_before_a_relative_is_not_asked_again() -> None:
    """ "whats my husbands balance" - his details - "and mine?" asked the writer's name and
    birth date again ("So far I've only checked Carlos Rivera's details"); "and my wife's?" -
    "actually nvm" - "whats my balance again" did too."""
    emily = {"verified": True, "patient_id": "p-emily", "patient_name": "Emily Johnson"}
    form = ValidateBalanceForm()
    # her husband asked about: she is kept to go back to
    dispatcher = CollectingDispatcher()
    asked = make_tracker("whats my husbands balance", intent="billing_balance", slots=emily)
    updates = form._identity_on_activation(dispatcher, asked, emily)
    assert updates["verified"] is False
    assert updates["previous_patient"] == {
        "patient_id": "p-emily",
        "patient_name": "Emily Johnson",
        "patient_relation": None,
        "patient_is_relative": None,
    }
    # ...he is verified (a relative), and "and mine?" is hers again, unasked
    carlos = {
        "verified": True,
        "patient_id": "p-carlos",
        "patient_name": "Carlos Rivera",
        "patient_is_relative": True,
        "previous_patient": updates["previous_patient"],
    }
    dispatcher = CollectingDispatcher()
    mine = make_tracker("and what do i owe?", intent="billing_balance", slots=carlos)
    back = form._identity_on_activation(dispatcher, mine, carlos)
    assert dispatcher.messages == []
    assert (back["verified"], back["patient_id"], back["patient_name"]) == (
        True,
        "p-emily",
        "Emily Johnson",
    )
    assert back["previous_patient"]["patient_id"] == "p-carlos"
    # ...and "my appointment" after that is still hers (he is not the writer)
    emily_again = {**emily, **back}
    again = make_tracker("when is my appointment", intent="check_appointment", slots=emily_again)
    assert form._identity_on_activation(CollectingDispatcher(), again, emily_again) == {}
    # someone checked by name ("whats carlos riveras balance"), then "now back to me, when is
    # MY appointment": his was shown, as "your follow-up visit"
    by_name = {**carlos, "patient_is_relative": None}
    dispatcher = CollectingDispatcher()
    me = make_tracker("ok thx. now back to me, when is MY appointment", slots=by_name)
    back = form._identity_on_activation(dispatcher, me, by_name)
    assert dispatcher.messages == [] and back["patient_id"] == "p-emily"
    # "actually nvm" during his check: she is the patient again
    checking = {**forgotten_patient(), "previous_patient": updates["previous_patient"]}
    tracker = make_tracker(
        "actually nvm", intent="stop", slots=checking, active_loop="balance_form"
    )
    events = ActionStop().run(CollectingDispatcher(), tracker, {})
    restored = {e["name"]: e["value"] for e in events if e.get("event") == "slot"}
    assert (restored["verified"], restored["patient_id"]) == (True, "p-emily")
    # ...while a stop with no one verified before restores no one
    tracker = make_tracker("actually nvm", intent="stop", active_loop="balance_form")
    events = ActionStop().run(CollectingDispatcher(), tracker, {})
    assert not any(e.get("name") == "verified" for e in events if e.get("event") == "slot")


@pytest.mark.parametrize(
    ("text", "intent"),
    [("ok and mine?", "billing_balance"), ("now back to me, what do i owe", "billing_balance")],
)
def test_back_to_the_writer_during_someone_elses_check(text: str, intent: str) -> None:
    """ "what does Liam Nguyen owe" - "...date of birth?" - "ok and mine?" asked for his date
    of birth again and again; "now back to me, when is MY appointment" for his name."""
    emily = {"patient_id": "p-emily", "patient_name": "Emily Johnson"}
    checking = {
        **forgotten_patient(),
        "previous_patient": emily,
        "verify_name": "Liam Nguyen",
        "requested_slot": "verify_dob",
    }
    form = ValidateBalanceForm()
    tracker = make_tracker(text, intent=intent, slots=checking, active_loop="balance_form")
    assert not form.should_let_through(tracker)
    slots = {e["name"]: e["value"] for e in form.run(CollectingDispatcher(), tracker, {})}
    assert (slots["verified"], slots["patient_id"], slots["verify_name"]) == (
        True,
        "p-emily",
        None,
    )
    # another task of the writer's: let through, and the writer is the patient when it starts
    other = make_tracker(
        "now back to me, when is MY appointment",
        intent="check_appointment",
        slots=checking,
        active_loop="balance_form",
    )
    assert form.should_let_through(other)
    start = make_tracker(
        "now back to me, when is MY appointment", intent="check_appointment", slots=checking
    )
    back = ValidateCheckForm()._identity_on_activation(CollectingDispatcher(), start, checking)
    assert (back["verified"], back["patient_id"]) == (True, "p-emily")
    # ...but not a relative kept aside, nor with no one to go back to
    for previous in ({**emily, "patient_is_relative": True}, None):
        slots_now = {**checking, "previous_patient": previous}
        tracker = make_tracker(text, intent=intent, slots=slots_now, active_loop="balance_form")
        events = form.run(CollectingDispatcher(), tracker, {})
        assert not any(e.get("name") == "verified" and e.get("value") for e in events)


@pytest.mark.parametrize("text", ["ok set it up", "ok sign me up"])
def test_ok_set_it_up_takes_the_button_that_sets_it_up(text: str) -> None:
    # "ok set it up" under the overdue balance was "What can I help you with?"
    tracker = make_tracker(text, intent="affirm", events=BALANCE_SHOWN)
    dispatcher = CollectingDispatcher()
    events = ActionAnswerYes().run(dispatcher, tracker, {})
    assert dispatcher.messages == []
    replay = events[-1]
    assert replay["parse_data"]["intent"]["name"] == "request_human"
    assert replay["parse_data"]["entities"] == [{"entity": "staff_team", "value": "billing"}]


@pytest.mark.parametrize("text", ["ok how do i set that up", "how do I set one up?"])
def test_how_to_set_it_up_unclear_to_the_model_takes_the_button_that_sets_it_up(
    text: str,
) -> None:
    # "ok how do i set that up" (nlu_fallback) under the payment plan's button: "Did you want
    # to find out how to pay a bill?"
    tracker = make_tracker(text, intent="nlu_fallback", events=BALANCE_SHOWN)
    dispatcher = CollectingDispatcher()
    events = ActionAskAffirmation().run(dispatcher, tracker, {})
    assert dispatcher.messages == []
    assert events[-1]["parse_data"]["intent"]["name"] == "request_human"
    assert events[-1]["parse_data"]["entities"] == [{"entity": "staff_team", "value": "billing"}]
    # with no such button just shown: the usual "Did you mean ...?"
    tracker = make_tracker(text, intent="nlu_fallback", events=BALANCE_SHOWN[:2])
    events = ActionAskAffirmation().run(CollectingDispatcher(), tracker, {})
    assert not any(event.get("event") == "user" for event in events)


def test_what_the_balance_is_for_said_unclearly_lists_the_statements() -> None:
    # "wut is it for" (unclear to the model) right after the balance: "Take your time, I'm
    # here", as if the patient were still typing
    tracker = make_tracker("wut is it for", intent="nlu_fallback", events=BALANCE_SHOWN)
    dispatcher = CollectingDispatcher()
    events = ActionAskAffirmation().run(dispatcher, tracker, {})
    assert dispatcher.messages == []
    assert events[-1]["parse_data"]["intent"]["name"] == "billing_balance"
    # without the balance just shown, it is a whole question, not words still being typed
    dispatcher = CollectingDispatcher()
    ActionAskAffirmation().run(dispatcher, make_tracker("wut is it for", intent="nlu_fallback"), {})
    assert "utter_take_your_time" not in responses(dispatcher)


@pytest.mark.parametrize("text", ["oh right no dont book it", "oops no", "my bad, no"])
def test_a_no_after_a_filler_is_still_a_no(text: str) -> None:
    # "oh right no dont book it" at "Book another one anyway?" (read as an insurance question)
    # got the list of plans and the same question again
    tracker = make_tracker(
        text, intent="billing_insurance", slots={"requested_slot": "booking_confirmed"}
    )
    assert yes_or_no(tracker) is False


@pytest.mark.parametrize("text", ["huh", "ok wait", "what do u mean", "hmm not sure"])
def test_a_doubt_at_an_offer_is_no_yes(text: str) -> None:
    """ "huh" (a yes to the model, 1.0) at "Would you like me to connect you with our billing
    staff?": handed to staff, and the chat paused until morning."""
    offer = "A plan can help. Would you like me to connect you with our billing staff?"
    staff = '/request_human{"staff_team": "billing"}'
    buttons = [{"title": "Talk to billing staff", "payload": staff}]
    asked = [
        {"event": "action", "name": "action_billing_pay"},
        {"event": "bot", "text": offer, "data": {"buttons": buttons}},
        {"event": "action", "name": "action_listen"},
    ]
    dispatcher = CollectingDispatcher()
    events = ActionAnswerYes().run(dispatcher, make_tracker(text, "affirm", events=asked), {})
    assert events == []
    no_rush, again = dispatcher.messages
    assert no_rush["response"] == "utter_no_rush"
    assert again["text"] == offer and again["buttons"] == buttons
    # ...and a yes takes it
    yes = make_tracker("yes", "affirm", events=asked)
    events = ActionAnswerYes().run(CollectingDispatcher(), yes, {})
    [replay] = [e for e in events if e.get("event") == "user"]
    assert replay["parse_data"]["intent"]["name"] == "request_human"


def _said_alone(action: Any, text: str, intent: str) -> list[str | None]:
    dispatcher = CollectingDispatcher()
    ranking = [{"name": "ask_clinicians", "confidence": 0.3}]
    action.run(dispatcher, make_tracker(text, intent=intent, extra={"intent_ranking": ranking}), {})
    return [m.get("response") for m in dispatcher.messages]


@pytest.mark.parametrize(
    ("action", "intent"),
    [(ActionAskAffirmation(), "nlu_fallback"), (ActionDetailsGiven(), "inform")],
)
@pytest.mark.parametrize("text", ["im his dad", "i'm her mom", "i am his father"])
def test_who_the_writer_is_said_alone_is_heard(action: object, intent: str, text: str) -> None:
    # "im his dad" after his son's balance: the 988 check-in, then "Did you want to ...?"
    assert _said_alone(action, text, intent) == ["utter_relation_noted"]
    # ...not with a request ("im his dad, whats his balance") or a name
    assert _said_alone(action, "im his dad, can i book his checkup", intent) != [
        "utter_relation_noted"
    ]


@pytest.mark.parametrize(
    ("text", "again"),
    [
        ("Emily Johnson", True),  # the balance again, word for word
        ("emily johnson 04/12/1988", True),
        ("Carlos Rivera", False),  # someone else's: their look-up, as before
    ],
)
def test_the_verified_patient_s_own_name_again_is_no_new_look_up(text: str, again: bool) -> None:
    shown = [
        {"event": "user", "text": "whats my balance"},
        {"event": "action", "name": "action_show_balance"},
        {"event": "bot", "text": "The balance for Emily Johnson is $85.00."},
    ]
    verified = {"verified": True, "patient_id": "p1", "patient_name": "Emily Johnson"}
    dispatcher = CollectingDispatcher()
    tracker = make_tracker(text, intent="inform", events=shown, slots=verified)
    events = ActionDetailsGiven().run(dispatcher, tracker, {})
    if again:
        assert events == []
        assert [m["text"] for m in dispatcher.messages] == [
            "Thanks, Emily: you're already confirmed for this chat, so there's no need to send "
            "your details again. What else can I help with?"
        ]
    else:
        assert events[-1]["parse_data"]["intent"]["name"] == "billing_balance"
