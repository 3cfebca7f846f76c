"""Billing actions: balance after identity, how to pay, insurance, disputes."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from rasa_sdk.events import ActiveLoop, ConversationPaused, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import billing, disputes, identity, paying
from actions.bill_explained import bill_not_understood
from actions.billing import (
    CHARGE_FOR,
    ActionShowBalance,
    ValidateBalanceForm,
    money,
    staff_button,
)
from actions.clients.fhir_model import BackendUnavailable, InvoiceRecord, PatientRecord
from actions.disputes import ActionBillingDispute, ValidateDisputeForm, has_dispute_detail
from actions.fallback import ActionDetailsGiven, ActionOutOfScope
from actions.faq_follow_up import ActionFaqFollowUp
from actions.insurance import ActionCheckInsurance
from actions.paying import ActionBillingPay, late_payment_asked
from actions.second_request import remember_second_request
from actions.settings import get_clinic
from tests.support.actions import (  # noqa: F401
    AFTER_PLAN_QUESTION,
    BALANCE_SHOWN,
    handoff_env,
    make_tracker,
    responses,
)
from tests.support.nlu import CannedNlu, faq_parse
from tests.support.receivers import HandoffReceiver

TZ = ZoneInfo("America/Los_Angeles")
# Billing's "talk to a person" buttons go to billing staff, not the front desk.
BILLING_STAFF = '/request_human{"staff_team": "billing"}'
TODAY = datetime(2026, 11, 24, 10, 0, tzinfo=TZ)
BILLING = {
    "billing_phone": "(916) 555-0199",
    "billing_hours": "Monday to Friday, 8am to 5pm",
    "portal_url": "https://pay.maplegrovehealth.example",
}
RESET = [
    SlotSet("verify_name", None),
    SlotSet("verify_dob", None),
    SlotSet("backend_error", None),
    SlotSet("identity_declined", None),
]
VERIFIED = {"verified": True, "patient_id": "p-emily", "patient_name": "Emily Johnson"}
EMILY = PatientRecord("p-emily", "Emily", "Johnson", date(1988, 4, 12), ["+19165550123"])


def invoice(days_ago: int, amount: str, status: str = "issued", iid: str = "i1") -> InvoiceRecord:
    return InvoiceRecord(
        id=iid,
        status=status,
        date=date.fromordinal(TODAY.date().toordinal() - days_ago),
        total=Decimal(amount),
        currency="USD",
        description="Office visit copay",
    )


class FakeFhir:
    """The FHIR client as the billing actions use it."""

    def __init__(self) -> None:
        self.invoices: list[InvoiceRecord] = []
        self.patients: list[PatientRecord] = [EMILY]
        self.down = False
        self.invoice_calls: list[str] = []

    def open_invoices(self, patient_id: str) -> list[InvoiceRecord]:
        self.invoice_calls.append(patient_id)
        if self.down:
            raise BackendUnavailable("down")
        return self.invoices

    def find_patients(self, family: str, given: str, birth_date: date) -> list[PatientRecord]:
        if self.down:
            raise BackendUnavailable("down")
        return [
            p
            for p in self.patients
            if p.family.lower() == family.lower() and p.birth_date == birth_date
        ]


@pytest.fixture
def fhir(monkeypatch: pytest.MonkeyPatch) -> FakeFhir:
    fake = FakeFhir()
    monkeypatch.setattr(billing, "scheduling_client", lambda: fake)
    monkeypatch.setattr(identity, "scheduling_client", lambda: fake)
    return fake


def show_balance(
    slots: dict[str, Any], text: str = "", intent: str = "inform"
) -> tuple[list[Any], list[dict[str, Any]]]:
    dispatcher = CollectingDispatcher()
    tracker = make_tracker(text, intent=intent, slots=slots)
    events = ActionShowBalance(clock=lambda: TODAY).run(dispatcher, tracker, {})
    return events, dispatcher.messages


# --- balance: identity first -----------------------------------------------------------------


def test_balance_form_asks_for_the_name_first() -> None:
    tracker = make_tracker("what do I owe", intent="billing_balance")
    events = ValidateBalanceForm().run(CollectingDispatcher(), tracker, {})
    assert events == [SlotSet("requested_slot", "verify_name")]


def test_balance_form_skips_identity_when_already_verified() -> None:
    tracker = make_tracker("what do I owe", intent="billing_balance", slots=VERIFIED)
    events = ValidateBalanceForm().run(CollectingDispatcher(), tracker, {})
    assert events == [SlotSet("requested_slot", None)]


def test_balance_form_verifies_name_and_birth_date(fhir: FakeFhir) -> None:
    form = ValidateBalanceForm()
    dispatcher = CollectingDispatcher()
    tracker = make_tracker(
        "Emily Johnson",
        intent="inform",
        active_loop="balance_form",
        slots={"requested_slot": "verify_name"},
    )
    events = form.run(dispatcher, tracker, {})
    assert events == [
        SlotSet("verify_name", "Emily Johnson"),
        SlotSet("requested_slot", "verify_dob"),
    ]
    tracker = make_tracker(
        "04/12/1988",
        intent="inform",
        active_loop="balance_form",
        slots={"requested_slot": "verify_dob", "verify_name": "Emily Johnson"},
    )
    events = form.run(dispatcher, tracker, {})
    assert events == [
        SlotSet("verify_dob", "1988-04-12"),
        SlotSet("verified", True),
        SlotSet("patient_id", "p-emily"),
        SlotSet("patient_name", "Emily Johnson"),
        SlotSet("verify_attempts", 0.0),
        SlotSet("patient_status", "returning"),
        SlotSet("requested_slot", None),
    ]
    assert [m["response"] for m in dispatcher.messages] == ["utter_verified"]
    assert fhir.invoice_calls == []  # nothing about money inside the form


@pytest.mark.parametrize(
    ("text", "first"),
    [
        # the ways to pay never said no (the patient then typed a card number)
        ("can i pay it right here in the chat?", "utter_no_payment_in_chat"),
        ("can i just give you my card by text", "utter_no_payment_in_chat"),
        # the yes was buried in the list
        ("can i just pay at my appt?", "utter_pay_at_the_visit"),
        ("can i pay when i come in", "utter_pay_at_the_visit"),
        ("how do I pay", "utter_billing_pay"),
    ],
)
def test_paying_here_or_at_the_visit_is_answered_first(text: str, first: str) -> None:
    dispatcher = CollectingDispatcher()
    ActionBillingPay().run(dispatcher, make_tracker(text, "billing_pay"), {})
    said = responses(dispatcher)
    assert said[0] == first and "utter_billing_pay" in said


@pytest.mark.parametrize(
    ("text", "answer"),
    [
        ("can i pay over the phone", "utter_pay_by_phone"),
        ("can I pay my bill by phone?", "utter_pay_by_phone"),
        ("can i call to pay", "utter_pay_by_phone"),
        ("can i pay online", "utter_pay_online"),
        ("is there a way to pay on the website", "utter_pay_online"),
    ],
)
def test_paying_by_phone_or_online_gets_a_yes_and_that_way(text: str, answer: str) -> None:
    """ "can i pay over the phone" got the whole list of ways to pay and the plan paragraph,
    twice in a row when asked again, and no yes."""
    dispatcher = CollectingDispatcher()
    ActionBillingPay().run(dispatcher, make_tracker(text, "billing_pay"), {})
    assert responses(dispatcher) == [answer]
    # a way to pay named with it is answered as that way ("can i pay by card over the phone")
    dispatcher = CollectingDispatcher()
    ActionBillingPay().run(dispatcher, make_tracker("can i pay cash online", "billing_pay"), {})
    assert responses(dispatcher) != ["utter_pay_online"]


@pytest.mark.parametrize(
    "text",
    [
        "can i pay half now",
        "whats the minimum i can pay",
        "do i have to pay it all at once",
        "can i pay $50 now and the rest later",
        "can i make a partial payment",
    ],
)
def test_paying_part_now_gets_a_yes(text: str) -> None:
    """ "can i pay half now" got the ways to pay and the plan paragraph, with no yes in it."""
    dispatcher = CollectingDispatcher()
    ActionBillingPay().run(dispatcher, make_tracker(text, "billing_pay"), {})
    said = responses(dispatcher)
    assert said[:2] == ["utter_partial_payment", "utter_billing_pay"]
    assert "Balances of $100 or more" in dispatcher.messages[-1]["text"]


@pytest.mark.parametrize(
    "text", ["is there a fee to pay by card", "any extra charge if i pay by phone"]
)
def test_a_fee_for_paying_by_card_is_answered_from_clinic_yml(text: str) -> None:
    dispatcher = CollectingDispatcher()
    events = ActionBillingPay().run(dispatcher, make_tracker(text, "billing_pay"), {})
    assert events == []
    assert dispatcher.messages[0]["text"] == get_clinic().billing.card_fees.strip()
    assert [m.get("response") for m in dispatcher.messages] == [None, "utter_billing_pay"]


def test_a_fee_for_paying_by_card_not_in_clinic_yml_names_billing(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(get_clinic().billing, "card_fees", "")
    dispatcher = CollectingDispatcher()
    ActionBillingPay().run(dispatcher, make_tracker("card fee?", "billing_pay"), {})
    assert dispatcher.messages[0]["text"] == (
        "Billing staff can tell you about any fee for paying by card at (916) 555-0199 "
        "(Monday to Friday, 8am to 5pm)."
    )


@pytest.mark.parametrize(
    "text",
    [
        "my card got declined on the portal",
        "the payment wont go through",
        "my hsa card was declined",
        "tried to pay online and it gave me an error",
    ],
)
def test_a_failed_payment_gets_what_to_do(text: str) -> None:
    """ "my card got declined on the portal" got the ways to pay and the payment plans."""
    dispatcher = CollectingDispatcher()
    events = ActionBillingPay().run(dispatcher, make_tracker(text, "billing_pay"), {})
    assert events == []
    assert responses(dispatcher) == ["utter_payment_failed"]
    assert dispatcher.messages[0]["buttons"] == [staff_button()]


@pytest.mark.parametrize(
    "text",
    [
        "my insurance claim was denied",
        "can i pay with my hsa card",
        "how do i pay",
        "i cant pay my bill, im not working right now",
        "can i pay cash or do you not accept it",
    ],
)
def test_no_failed_payment_in_other_questions(text: str) -> None:
    dispatcher = CollectingDispatcher()
    ActionBillingPay().run(dispatcher, make_tracker(text, "billing_pay"), {})
    assert "utter_payment_failed" not in responses(dispatcher)


def test_a_copay_at_the_visit_is_no_yes() -> None:
    """ "do i need to pay a copay when i come in" (a Medicare patient) got "Yes, you can pay at
    the front desk when you come in": a copay nobody here can see."""
    dispatcher = CollectingDispatcher()
    text = "do i need to pay a copay when i come in"
    ActionBillingPay().run(dispatcher, make_tracker(text, "billing_pay"), {})
    assert responses(dispatcher) == ["utter_insurance_copay"]


@pytest.mark.parametrize(
    "text",
    [
        "i need to know my bill. Emily Johnson 04/12/1988",
        "what do i owe? Emily Johnson, dob 4/12/1988",
        "hey i need to know my bill, im Emily Johnson born 4/12/88",
        "Emily Johnson 04/12/1988 how much do i owe",
        "Emily Johnson here, dob 4/12/1988 - whats my balance?",
    ],
)
def test_name_and_birth_date_with_the_request_are_checked_at_once(
    fhir: FakeFhir, text: str
) -> None:
    dispatcher = CollectingDispatcher()
    tracker = make_tracker(text, intent="billing_balance")
    events = ValidateBalanceForm().run(dispatcher, tracker, {})
    assert SlotSet("verified", True) in events and SlotSet("requested_slot", None) in events
    assert [m["response"] for m in dispatcher.messages] == ["utter_verified"]


def test_wrong_details_with_the_request_count_as_a_try(fhir: FakeFhir) -> None:
    dispatcher = CollectingDispatcher()
    tracker = make_tracker("what do I owe. Emily Johnson 01/01/1990", intent="billing_balance")
    events = ValidateBalanceForm().run(dispatcher, tracker, {})
    assert SlotSet("verify_attempts", 1.0) in events
    assert SlotSet("requested_slot", "verify_name") in events
    assert [m["response"] for m in dispatcher.messages] == ["utter_verification_no_match"]


def test_balance_form_lets_other_questions_through() -> None:
    tracker = make_tracker(
        "where do I park",
        intent="parking",
        active_loop="balance_form",
        slots={"requested_slot": "verify_dob", "verify_name": "Emily Johnson"},
    )
    assert ValidateBalanceForm().run(CollectingDispatcher(), tracker, {}) == []


def test_no_balance_without_verification(fhir: FakeFhir) -> None:
    events, messages = show_balance({"patient_id": "p-emily", "verified": False})
    assert events == RESET
    assert [m["response"] for m in messages] == ["utter_stopped"]
    assert fhir.invoice_calls == []


# --- balance: the answer ---------------------------------------------------------------------


def test_nothing_due(fhir: FakeFhir) -> None:
    events, messages = show_balance(VERIFIED)
    assert events == RESET
    assert fhir.invoice_calls == ["p-emily"]
    [message] = messages
    assert message["response"] == "utter_balance_nothing_due"
    assert message["buttons"] == []


@pytest.mark.parametrize(
    ("text", "response"),
    [
        ("i got a bill in the mail, what is it for", "utter_bill_but_nothing_due"),
        ("we received a statement from you guys", "utter_bill_but_nothing_due"),
        ("my statement says i owe money", "utter_bill_but_nothing_due"),
        ("what do i owe", "utter_balance_nothing_due"),
        ("do i have a bill", "utter_balance_nothing_due"),
    ],
)
def test_nothing_due_after_a_bill_came_says_what_to_do_with_it(
    fhir: FakeFhir, text: str, response: str
) -> None:
    # "i got a bill in the mail" was only told "all paid up", and left with the bill in hand
    _, messages = show_balance(VERIFIED, text=text, intent="billing_balance")
    assert [m["response"] for m in messages] == [response]


def test_open_balance_with_the_oldest_due_date(fhir: FakeFhir) -> None:
    fhir.invoices = [invoice(12, "85.00", iid="i1"), invoice(3, "42.50", iid="i2")]
    events, messages = show_balance(VERIFIED)
    assert events == RESET
    [message] = messages
    assert message["response"] == "utter_balance_due"
    assert {k: message[k] for k in ("amount", "statements", "due_date")} == {
        "amount": "$127.50",
        "statements": "2 open statements (Office visit copay, $85.00; Office visit copay, $42.50)",
        "due_date": "Dec 12",  # 12 days ago + 30 days
    }
    assert {k: message[k] for k in BILLING} == BILLING
    assert message["buttons"] == [{"title": "Ways to pay", "payload": "/billing_pay"}]


@pytest.mark.parametrize(
    "text", ["what was that charge for?", "whats that for", "what was the 85 for", "what's it for"]
)
def test_what_a_charge_was_for_is_said_with_each_statement(fhir: FakeFhir, text: str) -> None:
    # "what was that charge for? i dont remember a sick visit" got the same total again
    fhir.invoices = [invoice(12, "85.00", iid="i1"), invoice(3, "42.50", iid="i2")]
    _, messages = show_balance(VERIFIED, text, "billing_balance")
    assert [m["response"] for m in messages] == ["utter_balance_due", "utter_balance_items"]
    items = messages[1]["items"]
    assert items.startswith("Office visit copay, $85.00 (billed ")
    assert "; Office visit copay, $42.50 (billed " in items
    assert messages[1]["buttons"][0]["payload"] == "/billing_dispute"


@pytest.mark.parametrize("text", ["what was that visit for", "whats that for"])
def test_what_a_charge_was_for_right_after_the_balance_is_the_items_only(
    fhir: FakeFhir, text: str
) -> None:
    """ "what was that visit for" right after the balance got the whole balance again, word for
    word."""
    fhir.invoices = [invoice(12, "85.00", iid="i1")]
    dispatcher = CollectingDispatcher()
    tracker = make_tracker(text, intent="billing_balance", slots=VERIFIED, events=BALANCE_SHOWN)
    ActionShowBalance(clock=lambda: TODAY).run(dispatcher, tracker, {})
    assert [m["response"] for m in dispatcher.messages] == ["utter_balance_items"]


def test_a_plain_balance_request_gets_no_item_list(fhir: FakeFhir) -> None:
    fhir.invoices = [invoice(12, "85.00")]
    _, messages = show_balance(VERIFIED, "whats my balance", "billing_balance")
    assert [m["response"] for m in messages] == ["utter_balance_due"]


def test_an_itemized_bill_asked_right_after_the_balance_is_not_the_balance_again(
    fhir: FakeFhir,
) -> None:
    # "can you mail me an itemized one" repeated the balance word for word first.
    fhir.invoices = [invoice(12, "85.00")]
    dispatcher = CollectingDispatcher()
    tracker = make_tracker(
        "can you mail me an itemized one",
        intent="billing_balance",
        slots=VERIFIED,
        events=BALANCE_SHOWN,
    )
    ActionShowBalance(clock=lambda: TODAY).run(dispatcher, tracker, {})
    assert [m["response"] for m in dispatcher.messages] == ["utter_itemized_statement"]


def test_an_itemized_bill_asked_before_the_identity_questions_says_where_to_get_one(
    fhir: FakeFhir,
) -> None:
    # "can I get an itemized bill" repeated the balance, and nothing more.
    fhir.invoices = [invoice(12, "85.00")]
    asked = [
        {"event": "user", "text": "can I get an itemized bill"},
        {"event": "user", "text": "Emily Johnson"},
    ]
    dispatcher = CollectingDispatcher()
    tracker = make_tracker("04/12/1988", intent="inform", slots=VERIFIED, events=asked)
    ActionShowBalance(clock=lambda: TODAY).run(dispatcher, tracker, {})
    said = [m["response"] for m in dispatcher.messages]
    assert said == ["utter_balance_due", "utter_itemized_statement"]
    assert {k: dispatcher.messages[1][k] for k in BILLING} == BILLING
    # ...and a plain balance question after that one gets the balance alone.
    shown = [*asked, {"event": "action", "name": "action_show_balance"}]
    dispatcher = CollectingDispatcher()
    tracker = make_tracker("and now?", intent="billing_balance", slots=VERIFIED, events=shown)
    ActionShowBalance(clock=lambda: TODAY).run(dispatcher, tracker, {})
    assert [m["response"] for m in dispatcher.messages] == ["utter_balance_due"]


def test_overdue_balance_is_said_kindly_with_a_payment_plan_offer(fhir: FakeFhir) -> None:
    fhir.invoices = [invoice(45, "240.00")]
    events, messages = show_balance(VERIFIED)
    assert events == RESET
    [message] = messages
    assert message["response"] == "utter_balance_overdue"
    assert (message["amount"], message["statements"], message["due_date"]) == (
        "$240.00",
        "1 open statement (Office visit copay)",
        "Nov 9",
    )
    assert message["help_paying"].startswith("If paying it all at once is hard, we can set up")
    assert message["buttons"] == [
        {"title": "Ways to pay", "payload": "/billing_pay"},
        {"title": "Set up a payment plan", "payload": BILLING_STAFF},
    ]


def test_overdue_balance_under_the_plan_minimum_is_offered_billing_staff(fhir: FakeFhir) -> None:
    # clinic.yml: plans from $100; an $85 balance is not promised one.
    fhir.invoices = [invoice(45, "85.00")]
    _, [message] = show_balance(VERIFIED)
    assert message["response"] == "utter_balance_overdue"
    assert "payment plan" not in message["help_paying"]
    assert message["buttons"] == [
        {"title": "Ways to pay", "payload": "/billing_pay"},
        {"title": "Talk to billing staff", "payload": BILLING_STAFF},
    ]


def test_due_today_is_not_overdue(fhir: FakeFhir) -> None:
    fhir.invoices = [invoice(30, "10.00")]
    _, messages = show_balance(VERIFIED)
    assert messages[0]["response"] == "utter_balance_due"
    assert messages[0]["due_date"] == "Nov 24"


def test_backend_down_apologises_with_the_billing_phone(fhir: FakeFhir) -> None:
    fhir.down = True
    events, messages = show_balance(VERIFIED)
    assert events == RESET
    [message] = messages
    assert message["response"] == "utter_billing_unavailable"
    assert message["billing_phone"] == "(916) 555-0199"
    assert message["buttons"] == [{"title": "Talk to a person", "payload": BILLING_STAFF}]


def test_backend_down_during_verification(fhir: FakeFhir) -> None:
    events, messages = show_balance({"backend_error": True})
    assert events == RESET
    assert [m["response"] for m in messages] == ["utter_billing_unavailable"]
    assert fhir.invoice_calls == []


def test_failed_verification_escalates(handoff_env: HandoffReceiver) -> None:  # noqa: F811
    events, messages = show_balance({"escalation_reason": "verification_failed"})
    assert events[: len(RESET)] == RESET
    assert ActiveLoop(None) in events and ConversationPaused() in events
    assert [r["reason"] for r in handoff_env.records] == ["verification_failed"]
    assert len(messages) == 1


def test_money() -> None:
    assert money(Decimal("1240.5"), "USD") == "$1,240.50"
    assert money(Decimal("5"), "eur") == "5.00 EUR"


# --- how to pay ------------------------------------------------------------------------------


def test_how_to_pay_then_plans_and_an_offer_of_billing_staff() -> None:
    dispatcher = CollectingDispatcher()
    events = ActionBillingPay().run(dispatcher, make_tracker("how do I pay", "billing_pay"), {})
    assert events == []
    pay, help_ = dispatcher.messages
    assert pay["response"] == "utter_billing_pay"
    assert {k: pay[k] for k in BILLING} == BILLING
    assert pay["methods"] == (
        "credit or debit card, HSA or FSA card, bank transfer (ACH), check or cash (at the front "
        "desk)"
    )
    assert pay["in_person"] == "You can pay at the front desk of either location."
    assert help_["response"] == "utter_billing_help"
    assert help_["help"].startswith("Balances of $100 or more can be split into monthly payments")
    assert "financial assistance program" in help_["help"]
    assert help_["buttons"] == [{"title": "Talk to billing staff", "payload": BILLING_STAFF}]


@pytest.mark.parametrize(
    "text",
    [
        "can i set up a payment plan",
        "I need help with financial assistance, I lost my job and cant pay my bill",
    ],
)
def test_a_plan_or_help_asked_for_comes_first(text: str) -> None:
    # Was the how-to-pay list, with plans and assistance at the end.
    dispatcher = CollectingDispatcher()
    ActionBillingPay().run(dispatcher, make_tracker(text, "billing_pay"), {})
    # That answer alone, ending with the offer (a typed "yes" after the list did nothing).
    [help_] = dispatcher.messages
    assert help_["response"] == "utter_billing_help"
    hardship = "lost my job" in text
    # Help with the bill itself is offered as that, not as "Set up a plan".
    title = "Ask billing about assistance" if hardship else "Set up a plan with billing"
    assert help_["buttons"] == [{"title": title, "payload": BILLING_STAFF}]
    # Hardship is acknowledged before the facts; a plan request is not.
    assert help_["help"].startswith("I'm sorry you're going through this.") is hardship
    # Help with the bill itself is answered with the assistance program first.
    facts = help_["help"].removeprefix("I'm sorry you're going through this. ")
    assert facts.startswith("If paying is hard right now, ask about our financial") is hardship
    assert facts.startswith("Balances of $100 or more") is not hardship


@pytest.mark.parametrize(
    "text",
    [
        "can i split that up",
        "can i make payments on it",
        "do you do financing",
        "can i pay a little at a time",
        "is there a way to spread it out",
    ],
)
def test_paying_over_time_in_other_words_is_a_plan_question(text: str) -> None:
    # Each got the ways to pay, with payment plans last.
    dispatcher = CollectingDispatcher()
    ActionBillingPay().run(dispatcher, make_tracker(text, "billing_pay"), {})
    [help_] = dispatcher.messages
    assert help_["response"] == "utter_billing_help"
    assert help_["help"].startswith("Balances of $100 or more can be split")
    assert help_["buttons"] == [{"title": "Set up a plan with billing", "payload": BILLING_STAFF}]


def test_splitting_between_two_cards_is_how_to_pay() -> None:
    dispatcher = CollectingDispatcher()
    ActionBillingPay().run(
        dispatcher, make_tracker("can i split the bill between 2 cards", "billing_pay"), {}
    )
    assert dispatcher.messages[0]["response"] == "utter_billing_pay"


@pytest.mark.parametrize(
    "text", ["how many months can i spread it over", "whats the longest plan you do"]
)
def test_how_long_a_plan_runs_is_answered(text: str) -> None:
    # "how many months can i spread it over" got the ways to pay and the plans' offer, which
    # never said how long.
    dispatcher = CollectingDispatcher()
    ActionBillingPay().run(dispatcher, make_tracker(text, "billing_pay"), {})
    [help_] = dispatcher.messages
    assert help_["response"] == "utter_billing_help"
    assert help_["help"].startswith("How long a plan runs is agreed with billing staff")
    assert "Balances of $100 or more can be split" in help_["help"]
    assert help_["buttons"] == [{"title": "Set up a plan with billing", "payload": BILLING_STAFF}]


@pytest.mark.parametrize(
    "text", ["do you have a sliding scale", "do you offer any discounts for low income"]
)
def test_assistance_asked_about_leads_with_the_assistance_program(text: str) -> None:
    # "do you have a sliding scale" led with payment plans ("Balances of $100 or more ...").
    dispatcher = CollectingDispatcher()
    ActionBillingPay().run(dispatcher, make_tracker(text, "billing_pay"), {})
    [help_] = dispatcher.messages
    assert help_["help"].startswith("If paying is hard right now, ask about our financial")
    assert "Balances of $100 or more can be split" in help_["help"]
    assert help_["buttons"][0]["title"] == "Ask billing about assistance"


@pytest.mark.parametrize(("amount", "small"), [("35.00", True), ("240.00", False)])
def test_a_plan_asked_for_a_balance_under_the_minimum_says_so(
    fhir: FakeFhir, amount: str, small: bool
) -> None:
    """ "can i pay in installments" about a verified $35 balance got the generic "$100 or more
    can be split" and "Set up a plan with billing" (which staff would have refused)."""
    fhir.invoices = [invoice(12, amount)]
    dispatcher = CollectingDispatcher()
    tracker = make_tracker("can i pay in installments", "billing_pay", slots=VERIFIED)
    ActionBillingPay().run(dispatcher, tracker, {})
    [help_] = dispatcher.messages
    said = "Payment plans are for balances of $100.00 or more, and $35.00 is under that."
    assert help_["help"].startswith(said) is small
    title = "Ask billing about assistance" if small else "Set up a plan with billing"
    assert help_["buttons"] == [{"title": title, "payload": BILLING_STAFF}]


def test_a_plan_asked_with_nothing_owed_says_none_is_needed(fhir: FakeFhir) -> None:
    # "Payment plans are for balances of $100.00 or more": Aisha owes nothing at all.
    dispatcher = CollectingDispatcher()
    tracker = make_tracker("can i set up a payment plan", "billing_pay", slots=VERIFIED)
    ActionBillingPay().run(dispatcher, tracker, {})
    [help_] = dispatcher.messages
    assert help_["help"].startswith("There's nothing to pay on this account right now")
    assert help_["buttons"] == [{"title": "Ask billing about assistance", "payload": BILLING_STAFF}]


@pytest.mark.parametrize(
    ("amount", "plans_said"), [("85.00", False), ("240.00", True), (None, False)]
)
def test_how_to_pay_a_balance_under_the_plan_minimum_is_the_ways_to_pay_alone(
    fhir: FakeFhir, amount: str | None, plans_said: bool
) -> None:
    """After Emily's $85 balance, "how can i pay it" went on about plans for $100 or more (and
    after Aisha's "nothing to pay right now", too)."""
    fhir.invoices = [invoice(12, amount)] if amount else []
    dispatcher = CollectingDispatcher()
    tracker = make_tracker("how can i pay it", "billing_pay", slots=VERIFIED)
    ActionBillingPay().run(dispatcher, tracker, {})
    expected = ["utter_billing_pay", "utter_billing_help"] if plans_said else ["utter_billing_pay"]
    assert responses(dispatcher) == expected


def test_a_plan_asked_with_name_and_birth_date_looks_up_the_balance_first() -> None:
    """ "carlos rivera 9/30/75 can i set up a payment plan" got the general answer, and "how
    much is my balance" then asked his name again: his balance first, then this answer (which
    says whether his balance can be split)."""
    text = "carlos rivera 9/30/75 can i set up a payment plan"
    dispatcher = CollectingDispatcher()
    events = ActionBillingPay().run(dispatcher, make_tracker(text, "billing_pay"), {})
    assert dispatcher.messages == []
    pending, listen, replay = events
    assert pending == SlotSet(
        "pending_request",
        {"intent": "billing_pay", "text": text, "asked_after": "billing_balance"},
    )
    assert listen["name"] == "action_listen"
    assert (replay["text"], replay["parse_data"]["intent"]["name"]) == (text, "billing_balance")
    # ...which the balance form keeps while it starts, and answers once it is done
    asked = {"intent": "billing_pay", "text": text, "asked_after": "billing_balance"}
    tracker = make_tracker(text, "billing_balance", slots={"pending_request": asked})
    assert remember_second_request(tracker, {"billing_balance"}) == {}
    # ...or given just before ("carlos rivera 09/30/1975" - "Thanks, Carlos" - this asked his
    # details again)
    introduced = [
        {
            "event": "user",
            "text": "carlos rivera 09/30/1975",
            "parse_data": {"intent": {"name": "inform"}},
        },
        {"event": "bot", "text": "Thanks, Carlos. What can I help you with?"},
    ]
    asked = "i owe $240 right? can i pay it off in parts"
    events = ActionBillingPay().run(
        CollectingDispatcher(), make_tracker(asked, "billing_pay", events=introduced), {}
    )
    assert events[0]["value"]["text"] == asked
    assert events[-1]["text"] == f"carlos rivera 09/30/1975. {asked}"
    assert events[-1]["parse_data"]["intent"]["name"] == "billing_balance"
    # Verified already, or no details with it: the answer itself
    dispatcher = CollectingDispatcher()
    tracker = make_tracker("can i set up a payment plan", "billing_pay")
    ActionBillingPay().run(dispatcher, tracker, {})
    assert responses(dispatcher) == ["utter_billing_help"]


@pytest.mark.parametrize(
    "text",
    [
        "how do I apply for financial assistance",
        "what income do i need to qualify?",
        "am I eligible for a discount",
        "no thanks, how do i apply for the assistance thing",  # was the ways to pay
        "how does the financial assistance thing work",  # was the offer again
    ],
)
def test_how_to_apply_for_assistance_is_answered(text: str) -> None:
    # Was the same offer again ("ask about our financial assistance program").
    dispatcher = CollectingDispatcher()
    ActionBillingPay().run(dispatcher, make_tracker(text, "billing_pay"), {})
    [message] = dispatcher.messages
    assert message["response"] == "utter_assistance_how_to_apply"
    assert "To apply, billing staff send you a one-page form" in message["apply"]
    assert message["buttons"] == [
        {"title": "Start an application with billing", "payload": BILLING_STAFF}
    ]


def test_applying_a_card_to_the_bill_is_no_assistance_question() -> None:
    dispatcher = CollectingDispatcher()
    tracker = make_tracker("can I apply my HSA card to the bill", "billing_pay")
    ActionBillingPay().run(dispatcher, tracker, {})
    assert "utter_assistance_how_to_apply" not in [m["response"] for m in dispatcher.messages]


@pytest.mark.parametrize(
    "text",
    ["do i have to pay my copay when i check in", "can i pay after my visit when i check out"],
)
def test_checking_in_or_out_is_no_check(text: str) -> None:
    # "Yes, you can pay with check."
    dispatcher = CollectingDispatcher()
    ActionBillingPay().run(dispatcher, make_tracker(text, "billing_pay"), {})
    assert "utter_payment_method_accepted" not in [m["response"] for m in dispatcher.messages]


@pytest.mark.parametrize(
    ("text", "policy_too"),
    [
        ("whats the late fee", True),  # may mean a missed appointment's fee
        ("do you charge late fees", True),
        ("do you charge interest on unpaid bills", False),
        ("what happens if i pay my bill late, is there a fee", False),
    ],
)
def test_late_fees_asked_ahead_are_answered_from_clinic_yml(text: str, policy_too: bool) -> None:
    # "whats the late fee" got the arrival time ("Please arrive 15 minutes before…").
    dispatcher = CollectingDispatcher()
    ActionBillingPay().run(dispatcher, make_tracker(text, "billing_pay"), {})
    [message] = dispatcher.messages
    assert message["response"] == "utter_billing_late_fees"
    assert message["late_fees"].startswith("We don't add late fees or interest")
    assert ("$25 late-cancellation fee" in message["appointments"]) is policy_too
    assert [b["title"] for b in message["buttons"]] == ["Check my balance", "Talk to billing staff"]


@pytest.mark.parametrize(
    ("text", "asked"),
    [
        ("is there a late payment fee", True),
        ("do you add interest to my balance", True),
        ("why is there a late fee on my bill", False),  # on the bill: a dispute
        ("is there a late fee if i cancel", False),  # the cancellation policy
        ("what if im late to my appointment", False),  # the arrival time
        ("can i pay late", True),
    ],
)
def test_which_messages_ask_about_late_fees(text: str, asked: bool) -> None:
    assert late_payment_asked(text) is asked


@pytest.mark.parametrize(
    ("text", "answer", "method"),
    [
        ("do you take cash", "utter_payment_method_accepted", "cash"),
        ("ok can i pay at the front desk with cash", "utter_payment_method_accepted", "cash"),
        ("can i pay with apple pay", "utter_payment_method_not_listed", "Apple Pay"),
        ("do you accept visa?", "utter_payment_method_accepted", "Visa"),
        ("do you take venmo", "utter_payment_method_not_listed", "Venmo"),
        ("paypal?", "utter_payment_method_not_listed", "PayPal"),  # a follow-up, name alone
        # checking in is no check: "Yes, you can pay with check"
        ("can i pay by check when i check in", "utter_payment_method_accepted", "check"),
        # no "with": it got the list of ways, which never said yes
        ("can i pay cash", "utter_payment_method_accepted", "cash"),
        ("could we pay it by check", "utter_payment_method_accepted", "check"),
        ("can u pay venmo", "utter_payment_method_not_listed", "Venmo"),
    ],
)
def test_a_way_to_pay_asked_by_name_is_answered(text: str, answer: str, method: str) -> None:
    # Was the list of ways to pay only, which never says whether Apple Pay is one.
    dispatcher = CollectingDispatcher()
    ActionBillingPay().run(dispatcher, make_tracker(text, "billing_pay"), {})
    first, ways = dispatcher.messages
    assert (first["response"], first["method"]) == (answer, method)
    assert ways["response"] == "utter_billing_pay"


def test_the_ways_to_pay_just_given_are_not_given_again() -> None:
    # "do you take apple pay" (the answer, then the ways to pay) - "what about paying in person
    # with cash": "Yes, you can pay with cash." and the same list again
    shown = [
        {"event": "user", "text": "do you take apple pay"},
        {"event": "bot", "text": "I don't see ...", "metadata": {}},
        {
            "event": "bot",
            "text": "Here's how ...",
            "metadata": {"utter_action": "utter_billing_pay"},
        },
    ]
    dispatcher = CollectingDispatcher()
    tracker = make_tracker("what about paying in person with cash", "billing_pay", events=shown)
    ActionBillingPay().run(dispatcher, tracker, {})
    assert [(m["response"], m.get("method")) for m in dispatcher.messages] == [
        ("utter_payment_method_accepted", "cash")
    ]


# --- insurance -------------------------------------------------------------------------------


def check_insurance(
    text: str,
    entity: str | None = None,
    intent: str = "billing_insurance",
    active_loop: str | None = None,
) -> dict[str, Any]:
    entities = [{"entity": "insurance", "value": entity}] if entity else []
    dispatcher = CollectingDispatcher()
    tracker = make_tracker(text, intent=intent, entities=entities, active_loop=active_loop)
    assert ActionCheckInsurance().run(dispatcher, tracker, {}) == []
    [message] = dispatcher.messages
    return message


@pytest.mark.parametrize(
    ("text", "entity", "plan"),
    [
        ("do you take BCBS", "BCBS", "Blue Cross Blue Shield"),
        ("do you accept blue cross", None, "Blue Cross Blue Shield"),
        ("is Anthem in network", "Anthem", "Blue Cross Blue Shield"),
        ("I have Medi-Cal, can I come there", "Medi-Cal", "Medi-Cal"),
        ("do you take my daughter's medi cal", "medi cal", "Medi-Cal"),
        ("do you accept medicaid", "medicaid", "Medi-Cal"),
        ("do u take uhc", "uhc", "UnitedHealthcare"),
        ("what about unitedhealth", None, "UnitedHealthcare"),  # "I don't see Unitedhealth"
        ("is Medicare Advantage ok", "Medicare Advantage", "Medicare"),
        ("I'm military, do you accept Tricare", None, "TRICARE"),
        ("aetna", "aetna", "Aetna"),
    ],
)
def test_accepted_plans_and_their_aliases(text: str, entity: str | None, plan: str) -> None:
    message = check_insurance(text, entity)
    assert message["response"] == "utter_insurance_accepted"
    assert message["plan"] == plan
    assert message["billing_phone"] == BILLING["billing_phone"]


@pytest.mark.parametrize(
    ("text", "entity", "marketplace"),
    [
        ("do you take covered california", "california", "Covered California"),
        ("i got my insurance thru Covered CA", None, "Covered CA"),
        ("is obamacare accepted", "obamacare", "Obamacare"),
    ],
)
def test_a_marketplace_is_not_a_plan(text: str, entity: str | None, marketplace: str) -> None:
    # "Covered California" got "I don't see california on my list".
    message = check_insurance(text, entity)
    assert message["response"] == "utter_insurance_marketplace"
    assert message["marketplace"] == marketplace
    assert "Medi-Cal" in message["plans"]
    assert message["buttons"] == [{"title": "Talk to billing staff", "payload": BILLING_STAFF}]


def test_a_plan_bought_on_a_marketplace_is_answered_as_the_plan() -> None:
    message = check_insurance("Covered California plan through Health Net", "Health Net")
    assert (message["response"], message["plan"]) == ("utter_insurance_accepted", "Health Net")


def test_not_accepted_plan_gets_a_kind_no_with_alternatives() -> None:
    message = check_insurance("do you take kaiser insurance", "kaiser")
    assert message["response"] == "utter_insurance_not_accepted"
    assert message["plan"] == "Kaiser Permanente"
    assert message["buttons"] == [{"title": "Talk to billing staff", "payload": BILLING_STAFF}]


def test_a_plan_not_taken_and_the_list_asked_gets_both() -> None:
    # "I have kaiser but want to switch, what do you accept" got the Kaiser "no" alone
    dispatcher = CollectingDispatcher()
    text = "i have kaiser but want to switch to you guys, what do you accept"
    tracker = make_tracker(
        text, intent="billing_insurance", entities=[{"entity": "insurance", "value": "kaiser"}]
    )
    ActionCheckInsurance().run(dispatcher, tracker, {})
    assert responses(dispatcher) == ["utter_insurance_not_accepted", "utter_insurance_list"]
    assert "Medi-Cal" in dispatcher.messages[1]["plans"]


@pytest.mark.parametrize(
    ("text", "entity", "plan"),
    [
        ("do you guys take Molina", "Molina", "Molina"),
        ("is Humana accepted at your clinic", "Humana", "Humana"),
        ("do you take Blue Choice", "Blue Choice", "Blue Choice"),
        # Answering "which plan?" with a plan the NLU did not tag: its words are the name.
        ("Oscar Health", None, "Oscar Health"),
        # ...and with more than a name: still a way to find out, never a guess.
        ("the one my work gave me last year", None, "that plan"),
    ],
)
def test_unknown_plan_is_never_a_false_yes(text: str, entity: str | None, plan: str) -> None:
    intent = "inform" if entity is None else "billing_insurance"
    message = check_insurance(text, entity, intent=intent)
    assert message["response"] == "utter_insurance_unknown"
    assert message["plan"] == plan
    assert message["buttons"] == [{"title": "Talk to billing staff", "payload": BILLING_STAFF}]


@pytest.mark.parametrize(
    ("text", "entity", "response", "family", "plan"),
    [
        (
            "is cigna open access plus accepted",
            "cigna",
            "utter_insurance_family_accepted",
            "Cigna",
            "Cigna Open Access Plus",  # capitalised: typed in lower case
        ),
        (
            "do you take Kaiser Senior Advantage",
            "Kaiser Senior Advantage",
            "utter_insurance_family_not_accepted",
            "Kaiser Permanente",
            "Kaiser Senior Advantage",
        ),
    ],
)
def test_a_plan_that_carries_a_known_name_gets_a_careful_answer(
    text: str, entity: str, response: str, family: str, plan: str
) -> None:
    message = check_insurance(text, entity)
    assert (message["response"], message["family"], message["plan"]) == (response, family, plan)
    assert message["buttons"] == [{"title": "Talk to billing staff", "payload": BILLING_STAFF}]


def test_no_plan_named_asks_which_with_the_list() -> None:
    message = check_insurance("do you take my insurance")
    assert message["response"] == "utter_ask_insurance_plan"
    assert message["plans"] == (
        "Blue Cross Blue Shield, Aetna, Cigna, UnitedHealthcare, Health Net, Medicare, "
        "Medi-Cal, Sutter Health Plus and TRICARE"
    )


def test_no_plan_named_in_the_middle_of_a_form_gives_the_list_without_a_question() -> None:
    message = check_insurance("do you take my insurance", active_loop="booking_form")
    assert message["response"] == "utter_insurance_list"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Do you accept Oscar health insurance or Anthem?",
            [
                ("utter_insurance_unknown", "Oscar health", True),
                ("utter_insurance_accepted", "Blue Cross Blue Shield", False),
            ],
        ),
        (
            "does the clinic accept Anthem Blue Cross and Aetna",
            [
                ("utter_insurance_accepted", "Blue Cross Blue Shield", False),
                ("utter_insurance_accepted", "Aetna", False),
            ],
        ),
        (
            "I have Kaiser and my husband has Cigna, do you take them",
            [
                ("utter_insurance_not_accepted", "Kaiser Permanente", True),
                ("utter_insurance_accepted", "Cigna", False),
            ],
        ),
    ],
)
def test_every_plan_in_one_question_gets_its_own_answer(
    text: str, expected: list[tuple[str, str, bool]]
) -> None:
    # Oscar was once passed over in silence, as if it were accepted like Anthem.
    dispatcher = CollectingDispatcher()
    tracker = make_tracker(text, intent="billing_insurance")
    assert ActionCheckInsurance().run(dispatcher, tracker, {}) == []
    assert [
        (m["response"], m["plan"], bool(m.get("buttons"))) for m in dispatcher.messages
    ] == expected


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("my insurance is through my job, idk the name. do you take it?", "billing_insurance"),
        ("i'm not sure what it's called, it's through my husband's work", "inform"),
        ("the one my work gave me last year, not sure of the name", "inform"),
    ],
)
def test_a_plan_whose_name_the_patient_does_not_know(text: str, intent: str) -> None:
    # Was "not something I can help with" and "Did you want to check your appointments?".
    message = check_insurance(text, intent=intent)
    assert message["response"] == "utter_insurance_name_unknown"
    assert message["buttons"] == [{"title": "Talk to billing staff", "payload": BILLING_STAFF}]


@pytest.mark.parametrize("text", ["i dont know", "idk", "not sure"])
def test_a_doubt_at_the_plan_question_says_where_to_find_the_name(text: str) -> None:
    # "i dont know" (out of scope to the model) at "Which insurance plan do you have?": "Sorry,
    # that's not something I can help with here"
    tracker = make_tracker(text, intent="out_of_scope", events=AFTER_PLAN_QUESTION)
    dispatcher = CollectingDispatcher()
    events = ActionOutOfScope().run(dispatcher, tracker, {})
    assert events == [FollowupAction("action_check_insurance")] and dispatcher.messages == []
    dispatcher = CollectingDispatcher()
    ActionCheckInsurance().run(dispatcher, tracker, {})
    assert responses(dispatcher) == ["utter_insurance_name_unknown"]


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        # "I don't see Idea on my list", "… Dunno …", "… Umm …", "… Husbands …"
        ("no idea", "inform"),
        ("dunno", "billing_insurance"),
        ("umm not sure", "inform"),
        ("hmm idk tbh", "inform"),
        ("its through my husbands work", "inform"),
    ],
)
def test_no_plan_is_named_by_a_doubt(text: str, intent: str) -> None:
    tracker = make_tracker(text, intent=intent, events=AFTER_PLAN_QUESTION)
    dispatcher = CollectingDispatcher()
    ActionCheckInsurance().run(dispatcher, tracker, {})
    assert responses(dispatcher) == ["utter_insurance_name_unknown"]


def test_a_plan_named_beside_a_doubt_is_that_plan() -> None:
    # "my plan is through my work, its united" got where to find the plan's name
    tracker = make_tracker(
        "my plan is through my work, its united", intent="inform", events=AFTER_PLAN_QUESTION
    )
    dispatcher = CollectingDispatcher()
    ActionCheckInsurance().run(dispatcher, tracker, {})
    assert responses(dispatcher) == ["utter_insurance_accepted"]
    assert dispatcher.messages[0]["plan"] == "UnitedHealthcare"


@pytest.mark.parametrize("text", ["do you accept cash", "¿aceptan efectivo?"])
def test_a_way_to_pay_read_as_an_insurance_question_is_answered_as_one(text: str) -> None:
    # Was the list of insurance plans.
    dispatcher = CollectingDispatcher()
    tracker = make_tracker(text, intent="billing_insurance")
    assert ActionCheckInsurance().run(dispatcher, tracker, {}) == []
    first, ways = dispatcher.messages
    assert first["response"] == "utter_payment_method_accepted"
    assert ways["response"] == "utter_billing_pay"


@pytest.mark.parametrize(
    "text",
    [
        "how much is a visit if i pay cash",  # was "Yes, you can pay with cash"
        "is there a fee for new patients without insurance",
        "what's the self-pay price for a physical",
    ],
)
def test_the_price_of_a_visit_is_billings_to_tell(text: str) -> None:
    message = check_insurance(text)
    assert message["response"] == "utter_insurance_self_pay"
    assert message["billing_phone"] == "(916) 555-0199"


@pytest.mark.parametrize(
    "text",
    [
        "how much will my physical cost",  # was the self-pay answer: no one said "no plan"
        "how much is a flu shot",
        "whats the price of a tb test",
        "wait how much will it cost",  # while booking: got the list of plans we take
        "what does that cost",
        "is it free?",  # while booking (read as a yes first): got the list of plans we take
        "do i have to pay for it",
    ],
)
def test_a_price_asked_with_no_word_of_insurance_is_billings_to_tell_too(text: str) -> None:
    message = check_insurance(text)
    assert message["response"] == "utter_visit_cost"
    assert message["billing_phone"] == "(916) 555-0199"
    assert message["buttons"][0]["title"] == "Talk to billing staff"


@pytest.mark.parametrize(
    ("text", "response"),
    [
        # "Which insurance plan do you have?", to someone who has none any more
        ("I lost my insurance, can i still come in?", "utter_insurance_self_pay"),
        ("I don't have insurance, can I still be seen", "utter_insurance_self_pay"),
        # the list of plans, and no answer
        ("do i need insurance?", "utter_insurance_self_pay"),
        ("is insurance required to be seen", "utter_insurance_self_pay"),
        # the list of plans, to someone who only lost the card
        ("i lost my insurance card, can i still come to my appt", "utter_faq/insurance_card"),
        ("forgot my medi-cal card at home", "utter_faq/insurance_card"),
    ],
)
def test_no_insurance_means_self_pay_and_a_lost_card_is_no_bar(text: str, response: str) -> None:
    message = check_insurance(text)
    assert message["response"] == response
    if response == "utter_insurance_self_pay":
        assert "payment" in message["help"]


@pytest.mark.parametrize(
    ("text", "meanings"),
    [
        ("whats a deductible", ["A deductible is"]),
        ("deductible vs copay?", ["A deductible is", "A copay is"]),
        ("and coinsurance?", ["Coinsurance is"]),
        ("how much is my copay", []),  # their own amount: no definitions
    ],
)
def test_insurance_words_asked_about_are_explained_first(text: str, meanings: list[str]) -> None:
    """ "whats a deductible", then "and coinsurance?": each got the same copay answer."""
    dispatcher = CollectingDispatcher()
    tracker = make_tracker(text, intent="billing_insurance")
    ActionCheckInsurance().run(dispatcher, tracker, {})
    *first, last = dispatcher.messages
    assert last["response"] == "utter_insurance_copay"
    said = " ".join(m["text"] for m in first)
    assert [m for m in meanings if m in said] == meanings and len(first) == min(len(meanings), 1)


@pytest.mark.parametrize(
    "text",
    ["how much is my copay", "whats my co-pay for a physical", "have i met my deductible"],
)
def test_a_copay_is_set_by_the_plan_and_the_balance_is_offered(text: str) -> None:
    message = check_insurance(text)
    assert message["response"] == "utter_insurance_copay"
    assert message["billing_phone"] == "(916) 555-0199"
    assert [b["payload"] for b in message["buttons"]] == [
        "/billing_balance",
        billing.STAFF_PAYLOAD,
    ]


def test_a_copay_asked_with_a_plan_we_take_is_answered_first() -> None:
    # "Yes, we accept Blue Cross Blue Shield", to a question about the copay
    message = check_insurance("whats my copay for a physical with aetna")
    assert message["text"].startswith(
        "Your copay is set by your plan, not by us: it's often printed on your insurance card, "
        "and Aetna can tell you exactly. We do accept Aetna, so please bring the card"
    )
    assert [b["payload"] for b in message["buttons"]] == [billing.STAFF_PAYLOAD]
    # a plan named alone is still the yes
    assert check_insurance("do you take aetna")["response"] == "utter_insurance_accepted"


@pytest.mark.parametrize(
    "text",
    [
        "how do i update my insurance",
        "my insurance changed, do you take my new plan",
        "I have a new insurance card, how do I give it to you",
        "i switched insurance how do i let you know",
        # (read as a reschedule and a lost card's answer, before the guard)
        "I want to switch to a different insurance",
        "i got a new insurance card",
    ],
)
def test_updating_insurance_says_how_and_asks_for_the_new_plan(text: str) -> None:
    message = check_insurance(text)
    assert message["response"] == "utter_insurance_update"
    assert message["billing_phone"] == "(916) 555-0199"


@pytest.mark.parametrize(
    "text",
    [
        "can i email you a copy of my insurance card",  # it got the list of plans
        "where do i send my insurance card",
        "do you need a copy of my insurance card before my visit",
    ],
)
def test_sending_the_card_to_us_is_bring_it_not_a_photo(text: str) -> None:
    message = check_insurance(text)
    assert message["response"] == "utter_insurance_card_sent"
    assert [b["payload"] for b in message["buttons"]] == [billing.STAFF_PAYLOAD]


def test_a_new_plan_named_is_checked_and_how_to_update_it_follows() -> None:
    dispatcher = CollectingDispatcher()
    tracker = make_tracker(
        "I switched to Aetna, how do I update my insurance",
        intent="billing_insurance",
        entities=[{"entity": "insurance", "value": "Aetna"}],
    )
    ActionCheckInsurance().run(dispatcher, tracker, {})
    assert [m["response"] for m in dispatcher.messages] == [
        "utter_insurance_accepted",
        "utter_insurance_update_how",
    ]


def test_a_plain_plan_question_gets_no_update_or_copay_answer() -> None:
    message = check_insurance("do you take BCBS", "BCBS")
    assert message["response"] == "utter_insurance_accepted"


# --- disputes --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "detail"),
    [
        ("I want to dispute a charge", False),
        ("my bill is wrong", False),
        ("billing error", False),
        ("bill is wrong pls fix", False),
        ("I'd like someone to review my bill, it's not correct", False),
        ("overcharged!!", False),
        ("/billing_dispute", False),
        # "I've written down what you told me" followed, for staff, with nothing told
        ("i got a bill", False),
        ("got a statement from you", False),
        ("this bill is killing me", False),
        ("I was charged twice", True),
        ("I was billed for a service I never received", True),
        ("insurance should have covered this", True),
        ("I got a statement for $450 but I owe my copay only", True),
        ("I already paid this but I got another bill", True),
    ],
)
def test_dispute_detail(text: str, detail: bool) -> None:
    assert has_dispute_detail(text) is detail


def test_dispute_without_detail_asks_what_happened() -> None:
    tracker = make_tracker("I want to dispute a charge", intent="billing_dispute")
    events = ValidateDisputeForm().run(CollectingDispatcher(), tracker, {})
    assert events == [SlotSet("requested_slot", "dispute_details")]


def test_dispute_with_detail_goes_straight_on() -> None:
    tracker = make_tracker("I was charged twice for my visit", intent="billing_dispute")
    events = ValidateDisputeForm().run(CollectingDispatcher(), tracker, {})
    assert events == [
        SlotSet("dispute_details", "I was charged twice for my visit"),
        SlotSet("requested_slot", None),
    ]


@pytest.mark.parametrize("intent", ["inform", "billing_dispute", "billing_balance", "complaint"])
def test_any_answer_to_what_happened_is_kept(intent: str) -> None:
    tracker = make_tracker(
        "They billed me for a flu shot I never got",
        intent=intent,
        active_loop="dispute_form",
        slots={"requested_slot": "dispute_details"},
    )
    events = ValidateDisputeForm().run(CollectingDispatcher(), tracker, {})
    assert events == [
        SlotSet("dispute_details", "They billed me for a flu shot I never got"),
        SlotSet("requested_slot", None),
    ]


@pytest.mark.parametrize("text", ["yes", "ok", "yes please"])
def test_a_bare_yes_is_not_filed_as_what_happened(text: str) -> None:
    tracker = make_tracker(
        text,
        intent="affirm",
        active_loop="dispute_form",
        slots={"requested_slot": "dispute_details"},
    )
    events = ValidateDisputeForm().run(CollectingDispatcher(), tracker, {})
    assert SlotSet("dispute_details", "(no further details given)") in events


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("I want to see my balance", "billing_balance"),
        ("/billing_balance", "billing_balance"),
        ("actually can I book a checkup", "book_appointment"),
    ],
)
@pytest.mark.parametrize("confidence", [0.95, 0.52])
def test_a_plain_request_for_another_task_is_not_filed_as_the_dispute(
    text: str, intent: str, confidence: float
) -> None:
    # "Billing" typed (the greeting button's title) was once read as a dispute, and the next
    # message, a balance request, was filed for billing staff as what went wrong.
    tracker = make_tracker(
        text,
        intent=intent,
        confidence=confidence,
        active_loop="dispute_form",
        slots={"requested_slot": "dispute_details"},
    )
    events = ValidateDisputeForm().run(CollectingDispatcher(), tracker, {})
    assert (events == []) is (confidence > 0.8 or text.startswith("/"))


@pytest.mark.parametrize(
    "text",
    [
        "actually nvm, just tell me what i owe",
        "hmm actually can u just check what i owe first",
        "never mind that, whats my balance",
    ],
)
def test_the_dispute_given_up_for_another_task_is_not_filed(text: str) -> None:
    """ "actually nvm, just tell me what i owe" (a balance at 0.52) was filed for billing
    staff as what went wrong with the bill, and the chat paused."""
    tracker = make_tracker(
        text,
        intent="billing_balance",
        confidence=0.52,
        active_loop="dispute_form",
        slots={"requested_slot": "dispute_details"},
    )
    assert ValidateDisputeForm().run(CollectingDispatcher(), tracker, {}) == []
    # ...but an account of what went wrong, with the same words, is kept
    account = make_tracker(
        "actually nvm the copay, they charged me $85 twice",
        intent="billing_balance",
        confidence=0.52,
        active_loop="dispute_form",
        slots={"requested_slot": "dispute_details"},
    )
    events = ValidateDisputeForm().run(CollectingDispatcher(), account, {})
    assert events[0]["name"] == "dispute_details"


def test_an_unsure_task_reading_is_kept_as_the_dispute() -> None:
    tracker = make_tracker(
        "I want to see my balance",
        intent="billing_balance",
        confidence=0.6,
        active_loop="dispute_form",
        slots={"requested_slot": "dispute_details"},
    )
    events = ValidateDisputeForm().run(CollectingDispatcher(), tracker, {})
    assert events[0] == SlotSet("dispute_details", "I want to see my balance")


@pytest.mark.parametrize("intent", ["emergency", "crisis", "stop", "share_card_number"])
def test_safety_and_stop_interrupt_the_dispute_question(intent: str) -> None:
    tracker = make_tracker(
        "help",
        intent=intent,
        active_loop="dispute_form",
        slots={"requested_slot": "dispute_details"},
    )
    assert ValidateDisputeForm().run(CollectingDispatcher(), tracker, {}) == []


def test_dispute_escalates_to_billing_with_the_patient_account(
    handoff_env: HandoffReceiver,  # noqa: F811
) -> None:
    events_so_far = [{"event": "user", "text": "I want to dispute a charge"}]
    tracker = make_tracker(
        "They billed me for a flu shot I never got",
        intent="inform",
        slots={"dispute_details": "They billed me for a flu shot I never got"},
        events=events_so_far,
        sender_id="conv-dispute",
    )
    dispatcher = CollectingDispatcher()
    events = ActionBillingDispute().run(dispatcher, tracker, {})
    assert events[0] == SlotSet("dispute_details", None)
    assert events[1] == ActiveLoop(None) and ConversationPaused() in events
    assert dispatcher.messages[0]["response"] == "utter_billing_dispute"
    assert len(dispatcher.messages) == 2  # the acknowledgement, then what happens next
    [record] = handoff_env.records
    assert (record["reason"], record["team"], record["priority"]) == (
        "billing_dispute",
        "billing",
        "normal",
    )
    assert record["summary"].startswith(
        'Billing dispute. About the bill: "They billed me for a flu shot I never got"'
    )
    assert "I want to dispute a charge" in record["summary"]


def test_a_quick_question_with_the_dispute_is_answered_before_the_handoff(
    handoff_env: HandoffReceiver,  # noqa: F811
) -> None:
    # "... also what time do you close today?": the chat was handed to staff and paused, and
    # the hours were never answered
    text = "i was charged twice for my last visit. also what time do you close today?"
    tracker = make_tracker(
        text, intent="billing_dispute", slots={"dispute_details": text}, sender_id="conv-q"
    )
    dispatcher = CollectingDispatcher()
    events = ActionBillingDispute().run(dispatcher, tracker, {})
    assert dispatcher.messages == [] and handoff_env.records == []  # not handed over yet
    dispute = {
        "intent": "billing_dispute",
        "text": "i was charged twice for my last visit",
        "at_once": True,
    }
    kept, listen, question = events
    assert kept == SlotSet("pending_request", dispute)
    assert listen["name"] == "action_listen"
    assert (question["text"], question["parse_data"]["intent"]["name"]) == (
        "what time do you close today",
        "clinic_hours",
    )
    # the dispute replayed after the answer (no question left in it) is handed over, with the
    # account given first
    replay = make_tracker(
        dispute["text"],
        intent="billing_dispute",
        slots={"dispute_details": text, "pending_request": None},
        sender_id="conv-q",
    )
    dispatcher = CollectingDispatcher()
    events = ActionBillingDispute().run(dispatcher, replay, {})
    assert ConversationPaused() in events
    assert dispatcher.messages[0]["response"] == "utter_billing_dispute"
    [record] = handoff_env.records
    assert record["summary"].startswith(f'Billing dispute. About the bill: "{text}"')


def test_a_common_question_with_the_dispute_is_answered_before_the_handoff(
    handoff_env: HandoffReceiver,  # noqa: F811
    canned_nlu: CannedNlu,
) -> None:
    # "i need a refill and also my bill is wrong": only the bill reached staff, the refill
    # was lost
    canned_nlu.readings["i need a refill"] = faq_parse("prescription_refill")
    text = "i need a refill and also my bill is wrong"
    tracker = make_tracker(
        text, intent="billing_dispute", slots={"dispute_details": text}, sender_id="conv-r"
    )
    dispatcher = CollectingDispatcher()
    kept, listen, question = ActionBillingDispute().run(dispatcher, tracker, {})
    assert dispatcher.messages == [] and handoff_env.records == []  # not handed over yet
    dispute = {"intent": "billing_dispute", "text": "my bill is wrong", "at_once": True}
    assert kept == SlotSet("pending_request", dispute)
    assert listen["name"] == "action_listen"
    assert question["text"] == "i need a refill"
    selected = question["parse_data"]["response_selector"]["faq"]["response"]
    assert selected["intent_response_key"] == "faq/prescription_refill"
    # after the refills answer, the dispute at once
    answered = make_tracker(
        "i need a refill",
        intent="faq",
        slots={"pending_request": dispute},
        extra={"response_selector": question["parse_data"]["response_selector"]},
    )
    events = ActionFaqFollowUp().run(CollectingDispatcher(), answered, {})
    assert events[-1]["text"] == "my bill is wrong"
    assert events[-1]["parse_data"]["intent"]["name"] == "billing_dispute"
    # a dispute alone is handed over as before (nothing else to read)
    canned_nlu.asked.clear()
    alone = make_tracker("my bill is wrong", intent="billing_dispute", sender_id="conv-r2")
    assert ConversationPaused() in ActionBillingDispute().run(CollectingDispatcher(), alone, {})
    assert canned_nlu.asked == []


def dispute_replayed_as_balance(
    tracker: Any, receiver: HandoffReceiver, text: str
) -> tuple[list[Any], dict[str, Any]]:
    """The dispute action's events when it replays the message as the balance question (no
    reply, no handoff), and the replayed message."""
    dispatcher = CollectingDispatcher()
    events = ActionBillingDispute().run(dispatcher, tracker, {})
    assert dispatcher.messages == [] and receiver.records == []
    assert events[0] == SlotSet("dispute_details", None)
    listen, replayed = events[1:]
    assert listen["name"] == "action_listen"
    assert (replayed["text"], replayed["parse_data"]["intent"]["name"]) == (
        text,
        "billing_balance",
    )
    return events, replayed


@pytest.mark.parametrize(
    "text", ["why so much", "why is it that high??", "how come i owe $240", "why was i charged 85"]
)
def test_why_so_much_right_after_the_balance_lists_what_it_is_for(
    fhir: FakeFhir,
    handoff_env: HandoffReceiver,  # noqa: F811
    text: str,
) -> None:
    # "why so much" right after the balance was handed to billing staff as a dispute and the
    # chat paused (staff away: "someone will reply tomorrow"): what the amount is made of first
    tracker = make_tracker(
        text,
        intent="billing_dispute",
        slots={**VERIFIED, "dispute_details": text},
        events=[*BALANCE_SHOWN, {"event": "action", "name": "action_listen"}],
    )
    events, replayed = dispute_replayed_as_balance(tracker, handoff_env, text)
    # the balance action then lists the statements only, not the whole balance again (the
    # replay has the message's id, so the balance is still what came just before it)
    fhir.invoices = [invoice(12, "85.00", iid="i1")]
    first = {**tracker.events[-1], "message_id": "m1"}
    replayed["message_id"] = "m1"
    again = make_tracker(
        text,
        intent="billing_balance",
        slots=VERIFIED,
        events=[*tracker.events[:-1], first, {"event": "action", "name": "dispute_form"}, *events],
    )
    again.events.pop()  # make_tracker's own copy of the latest message: the replay is it
    dispatcher = CollectingDispatcher()
    ActionShowBalance(clock=lambda: TODAY).run(dispatcher, again, {})
    assert [m["response"] for m in dispatcher.messages] == ["utter_balance_items"]


def test_why_so_much_after_something_else_is_still_a_dispute(
    handoff_env: HandoffReceiver,  # noqa: F811
) -> None:
    tracker = make_tracker(
        "why so much", intent="billing_dispute", slots={"dispute_details": "why so much"}
    )
    dispatcher = CollectingDispatcher()
    events = ActionBillingDispute().run(dispatcher, tracker, {})
    assert ConversationPaused() in events
    assert dispatcher.messages[0]["response"] == "utter_billing_dispute"


def test_why_so_much_with_nothing_due_speaks_of_the_bill_in_hand(fhir: FakeFhir) -> None:
    # "why so much" after "nothing to pay" got "nothing to pay" again, word for word
    _, messages = show_balance(VERIFIED, text="why so much", intent="billing_balance")
    assert [m["response"] for m in messages] == ["utter_bill_but_nothing_due"]


@pytest.mark.parametrize(
    ("text", "unclear"),
    [
        ("my dad got a bill from you and we don't understand it", True),
        ("my husband got a bill he doesnt understand", True),  # (handed to staff)
        ("I'm confused about my statement", True),
        ("can you explain my bill?", True),
        ("got a statement, idk what its for", True),
        ("this bill makes no sense", True),
        ("i dont understand why i was charged twice", False),
        ("i don't understand, insurance should have covered it", False),
        ("can someone explain my bill", False),
        ("I want to dispute a charge", False),
        ("they billed me for a flu shot I never got", False),
        # what a charge is for: explained (it paused for billing staff)
        ("why was i charged 240 dollars", True),
        ("what was my husband billed for?", True),
        ("why was i charged twice", False),
        ("why was i charged so much", False),
        ("why did i get charged again", False),
    ],
)
def test_a_bill_not_understood_is_told_apart_from_a_bill_said_to_be_wrong(
    text: str, unclear: bool
) -> None:
    assert bill_not_understood(text) is unclear


def balance_after_identity(first: str) -> list[dict[str, Any]]:
    """What the balance says after ``first``, then the name and date of birth asked for."""
    asked = [
        {"event": "user", "text": first},
        {"event": "action", "name": "balance_form"},
        {"event": "bot", "text": "What's the patient's full name?"},
        {"event": "user", "text": "Emily Johnson"},
    ]
    dispatcher = CollectingDispatcher()
    after = make_tracker("04/12/1988", intent="inform", slots=VERIFIED, events=asked)
    ActionShowBalance(clock=lambda: TODAY).run(dispatcher, after, {})
    return dispatcher.messages


def test_a_bill_not_understood_is_explained_before_billing_staff(
    fhir: FakeFhir,
    handoff_env: HandoffReceiver,  # noqa: F811
) -> None:
    # "I got a bill and I don't understand it" was filed for billing staff and the chat paused,
    # though the account says what the bill is for: the balance question, with its items
    text = "I got a bill and I don't understand it"
    tracker = make_tracker(text, intent="billing_dispute", slots={"dispute_details": text})
    dispute_replayed_as_balance(tracker, handoff_env, text)
    # after the identity questions, each statement is named with a way back to the dispute
    fhir.invoices = [invoice(12, "85.00", iid="i1")]
    messages = balance_after_identity(text)
    assert [m["response"] for m in messages] == ["utter_balance_due", "utter_balance_items"]
    assert messages[1]["items"].startswith("Office visit copay, $85.00 (billed ")
    assert messages[1]["buttons"][0]["payload"] == "/billing_dispute"
    # with nothing open, the bill in hand is spoken of
    fhir.invoices = []
    messages = balance_after_identity(text)
    assert [m["response"] for m in messages] == ["utter_bill_but_nothing_due"]


def test_why_a_charge_was_made_asked_first_is_explained_before_billing_staff(
    handoff_env: HandoffReceiver,  # noqa: F811
) -> None:
    # "why was i charged 240 dollars" as the first message paused the chat for billing staff
    text = "why was i charged 240 dollars"
    tracker = make_tracker(text, intent="billing_dispute", slots={"dispute_details": text})
    dispute_replayed_as_balance(tracker, handoff_env, text)


def test_a_payment_said_made_is_answered_after_the_balance(fhir: FakeFhir) -> None:
    # "i paid my bill last week but it still shows a balance" - name - birth date: the balance
    # and the ways to pay, nothing about the payment
    fhir.invoices = [invoice(12, "85.00", iid="i1")]
    messages = balance_after_identity("i paid my bill last week but it still shows a balance")
    responses_said = [m["response"] for m in messages]
    assert responses_said[:2] == ["utter_balance_due", "utter_billing_already_paid"]
    assert messages[1]["buttons"][0]["payload"].startswith("/request_human")
    # a plain balance question: the balance alone
    messages = balance_after_identity("whats my balance")
    assert "utter_billing_already_paid" not in [m["response"] for m in messages]


def test_a_bill_said_to_be_wrong_still_goes_to_billing_staff(
    handoff_env: HandoffReceiver,  # noqa: F811
) -> None:
    text = "i dont understand why i was charged twice"
    tracker = make_tracker(text, intent="billing_dispute", slots={"dispute_details": text})
    dispatcher = CollectingDispatcher()
    events = ActionBillingDispute().run(dispatcher, tracker, {})
    assert ConversationPaused() in events
    assert dispatcher.messages[0]["response"] == "utter_billing_dispute"
    assert [r["reason"] for r in handoff_env.records] == ["billing_dispute"]


def test_a_plan_name_misread_as_stop_after_the_question_gets_the_plan_answer() -> None:
    """The "Zenith Mutual" the model read as "stop" (ActionStop hands it here)."""
    dispatcher = CollectingDispatcher()
    tracker = make_tracker(
        "Zenith Mutual", intent="stop", confidence=0.52, events=AFTER_PLAN_QUESTION
    )
    ActionCheckInsurance().run(dispatcher, tracker, {})
    [message] = dispatcher.messages
    assert message["response"] == "utter_insurance_unknown"
    assert message["plan"] == "Zenith Mutual"


def test_a_name_and_birth_date_after_the_plan_question_is_no_plan() -> None:
    # "I don't see Emily Johnson 04/12/1988 on my list" told her she was not on file.
    dispatcher = CollectingDispatcher()
    tracker = make_tracker("Emily Johnson 04/12/1988", intent="inform", events=AFTER_PLAN_QUESTION)
    ActionCheckInsurance().run(dispatcher, tracker, {})
    assert all(m.get("plan") is None for m in dispatcher.messages)
    assert "utter_insurance_unknown" not in [m.get("response") for m in dispatcher.messages]


# --- can't pay, collections, someone else paying, when it's due (live trials) ----------------


@pytest.mark.parametrize(
    "text",
    [
        "i lost my job, cant pay",
        "lost my job cant pay the 240",
        "carlos rivera 9/30/75 i lost my job and cant pay",
        "im broke, what happens if i dont pay",
        "i have no money right now",
        "i can’t afford it",
    ],
)
def test_a_patient_who_cannot_pay_hears_sorry_then_plans_and_assistance(text: str) -> None:
    # Were "not something I can help with", the late-cancellation policy and "What can I help
    # you with?" (the NLU side: addons/task_words_guard.py).
    assert paying.cannot_pay(text)
    dispatcher = CollectingDispatcher()
    ActionBillingPay().run(dispatcher, make_tracker(text, "billing_pay"), {})
    [help_] = dispatcher.messages
    assert help_["response"] == "utter_billing_help"
    assert help_["help"].startswith("I'm sorry you're going through this.")
    assert "monthly payments" in help_["help"] and "financial assistance" in help_["help"]
    assert help_["buttons"][0]["payload"] == BILLING_STAFF


@pytest.mark.parametrize(
    "text", ["can you just waive it?", "can u forgive it", "can my bill be forgiven"]
)
def test_waive_my_bill_is_the_assistance_answer(text: str) -> None:
    """ "can you just waive it?" after "i lost my job" got the ways to pay, the assistance
    program buried at the end."""
    dispatcher = CollectingDispatcher()
    ActionBillingPay().run(dispatcher, make_tracker(text, "billing_pay"), {})
    [help_] = dispatcher.messages
    assert help_["help"].startswith("I can't waive a bill myself, but billing staff can check")
    assert "financial assistance program" in help_["help"]
    assert help_["buttons"][0]["payload"] == BILLING_STAFF
    # a fee asked to be waived is not the bill ("can you waive the late cancel fee")
    assert not paying.WAIVE_ASKED.search("can you waive the late cancel fee")


def test_help_with_medical_bills_is_the_assistance_answer() -> None:
    # was a balance look-up
    text = "is there any help with medical bills"
    assert paying.cannot_pay(text)
    dispatcher = CollectingDispatcher()
    ActionBillingPay().run(dispatcher, make_tracker(text, "billing_pay"), {})
    [help_] = dispatcher.messages
    assert "financial assistance" in help_["help"]
    assert help_["buttons"] == [{"title": "Ask billing about assistance", "payload": BILLING_STAFF}]


@pytest.mark.parametrize(
    "text",
    ["i cant pay online, the portal is down", "how do i pay", "i can pay next week"],
)
def test_paying_another_way_is_no_hardship(text: str) -> None:
    assert not paying.cannot_pay(text)


@pytest.mark.parametrize(
    "text",
    [
        "is my account in collections",
        "do you send unpaid bills to collections",
        "mary ann obrien 7/19/64 i got a letter saying my account goes to collections, please "
        "dont send me to collections i can pay",
        "will this hurt my credit score",
    ],
)
def test_collections_and_credit_get_reassurance_and_billing_staff(text: str) -> None:
    # Were the ways to pay, or "not something I can help with".
    assert paying.collections_asked(text)
    dispatcher = CollectingDispatcher()
    ActionBillingPay().run(dispatcher, make_tracker(text, "billing_pay"), {})
    [message] = dispatcher.messages
    assert message["response"] == "utter_billing_collections"
    assert {k: message[k] for k in BILLING} == BILLING
    assert message["sorry"] == ""
    # a typed "yes" takes the first button: billing staff
    assert message["buttons"][0] == {"title": "Talk to billing staff", "payload": BILLING_STAFF}


def test_what_happens_if_i_dont_pay_gets_the_clinics_own_policy() -> None:
    """Was "I can't see collections or credit reporting from here", though clinic.yml says:
    no late fees or interest, and a reminder first."""
    text = "what happens if i dont pay my bill"
    assert paying.collections_asked(text)
    dispatcher = CollectingDispatcher()
    ActionBillingPay().run(dispatcher, make_tracker(text, "billing_pay"), {})
    [message] = dispatcher.messages
    assert message["response"] == "utter_billing_if_unpaid"
    assert message["late_fees"].startswith("We don't add late fees or interest")
    assert message["buttons"][0] == {"title": "Talk to billing staff", "payload": BILLING_STAFF}


@pytest.mark.parametrize(
    ("text", "paid"),
    [
        ("i already paid that last week", True),
        ("i paid it last week!!", True),
        ("but i paid it online yesterday", True),
        ("my husband paid it by phone on monday", True),
        ("we paid that already", True),
        ("can i pay it online", False),
        ("i paid my bill late, is there a fee", False),
        ("how do i pay", False),
    ],
)
def test_a_bill_paid_already_gets_how_long_it_takes_and_billing(text: str, paid: bool) -> None:
    """ "i already paid that last week" got the same balance again, or "What can I help you
    with?"."""
    assert paying.already_paid(text) is paid
    if not paid:
        return
    dispatcher = CollectingDispatcher()
    ActionBillingPay().run(dispatcher, make_tracker(text, "billing_pay"), {})
    [message] = dispatcher.messages
    assert message["response"] == "utter_billing_already_paid"
    assert message["buttons"] == [{"title": "Talk to billing staff", "payload": BILLING_STAFF}]


def test_collections_with_hardship_says_sorry_first() -> None:
    dispatcher = CollectingDispatcher()
    text = "i lost my job, will my bill go to collections"
    ActionBillingPay().run(dispatcher, make_tracker(text, "billing_pay"), {})
    [message] = dispatcher.messages
    assert message["response"] == "utter_billing_collections"
    assert message["sorry"].startswith("I'm sorry")


@pytest.mark.parametrize(
    "text",
    [
        "a collection agency called me about a maple grove bill is this legit",
        "i got a text saying i owe money is this a scam",
        "is this bill really from you",
        "someone texted me saying i owe money, scam?",
    ],
)
def test_a_message_about_money_that_may_not_be_ours_is_checked_with_billing(text: str) -> None:
    # "question a charge?" and then "what happened?", or a dead end.
    assert paying.scam_asked(text)
    dispatcher = CollectingDispatcher()
    # ...and no balance look-up for its "i owe money" ("What is the patient's full name?")
    assert ActionBillingPay().run(dispatcher, make_tracker(text, "billing_pay"), {}) == []
    [message] = dispatcher.messages
    assert message["response"] == "utter_billing_is_it_us"
    assert {k: message[k] for k in BILLING} == BILLING
    assert message["buttons"][0]["payload"] == BILLING_STAFF


@pytest.mark.parametrize("text", ["is this a scam", "is the flu shot legit"])
def test_a_scam_without_money_is_not_a_billing_question(text: str) -> None:
    assert not paying.scam_asked(text)


@pytest.mark.parametrize(
    ("text", "answer"),
    [
        ("can my husband pay my bill", "utter_billing_someone_else_pays"),
        ("can someone else pay my bill", "utter_billing_someone_else_pays"),
        ("is it ok if my mom pays for me", "utter_billing_someone_else_pays"),
        ("can i pay my mom's bill", "utter_billing_pay_for_someone"),
        ("can we pay our sons balance", "utter_billing_pay_for_someone"),
        ("could i pay her bill for her", "utter_billing_pay_for_someone"),
    ],
)
def test_someone_else_paying_is_a_yes_then_how(text: str, answer: str) -> None:
    # "can my husband pay my bill" got the list, which never said yes.
    dispatcher = CollectingDispatcher()
    ActionBillingPay().run(dispatcher, make_tracker(text, "billing_pay"), {})
    yes, ways = dispatcher.messages
    assert yes["response"] == answer
    assert ways["response"] == "utter_billing_pay"


@pytest.mark.parametrize(
    ("text", "answer"),
    [
        ("can i pay my bill online", "utter_pay_online"),
        ("can i pay my bill on saturday", "utter_billing_pay"),
        ("can we pay our balance now", "utter_billing_pay"),
    ],
)
def test_paying_ones_own_bill_is_not_paying_for_someone_else(text: str, answer: str) -> None:
    # "can i pay my bill online": "Yes, you can pay a bill for someone else, such as a family
    # member", and the question asked was never answered.
    dispatcher = CollectingDispatcher()
    ActionBillingPay().run(dispatcher, make_tracker(text, "billing_pay"), {})
    said = [m["response"] for m in dispatcher.messages]
    assert said[0] == answer
    assert "utter_billing_pay_for_someone" not in said


@pytest.mark.parametrize(
    "text",
    [
        "how long do i have to pay",
        "when is my bill due",
        "when do i have to pay it by?",
        "is there a grace period",
    ],
)
def test_how_long_to_pay_is_the_due_days(text: str) -> None:
    # Was the generic list of ways to pay, though clinic.yml has billing.due_days.
    dispatcher = CollectingDispatcher()
    ActionBillingPay().run(dispatcher, make_tracker(text, "billing_pay"), {})
    [message] = dispatcher.messages
    assert message["response"] == "utter_billing_due_days"
    assert message["due_days"] == 30
    assert message["buttons"] == [
        {"title": "Check my balance", "payload": "/billing_balance"},
        {"title": "Talk to billing staff", "payload": BILLING_STAFF},
    ]


@pytest.mark.parametrize(
    "text",
    [
        "ill pay it friday",
        "I'll pay it on the 15th",
        "ok i will pay it next week",
        "is it ok if i pay when i get paid",
        "can i pay the bill at the end of the month",
    ],
)
def test_when_the_patient_will_pay_is_answered_as_fine(text: str) -> None:
    # "ill pay it friday" got "What can I help you with?", and "i will pay it next week" the
    # ways to pay, neither saying that later is fine.
    dispatcher = CollectingDispatcher()
    ActionBillingPay().run(dispatcher, make_tracker(text, "billing_pay"), {})
    [message] = dispatcher.messages
    assert message["response"] == "utter_billing_pay_later"
    assert message["due_days"] == 30
    assert message["late_fees"].startswith("We don't add late fees")
    assert message["buttons"] == [{"title": "Check my balance", "payload": "/billing_balance"}]


def test_paying_later_right_after_the_balance_says_no_more_than_is_new() -> None:
    # After the balance (which said when it was due): "the statement date, which is printed
    # on the statement" and a "Check my balance" button for the balance just shown.
    after_balance = [
        {"event": "action", "name": "action_show_balance"},
        {"event": "bot", "text": "The balance for Carlos Rivera is $240.00 ..."},
        {"event": "action", "name": "action_listen"},
    ]
    tracker = make_tracker("ok ill pay it friday", "billing_pay", events=after_balance)
    dispatcher = CollectingDispatcher()
    ActionBillingPay().run(dispatcher, tracker, {})
    [message] = dispatcher.messages
    assert message["response"] == "utter_billing_pay_later_after_balance"
    assert message["late_fees"].startswith("We don't add late fees")
    assert message["buttons"] == []


@pytest.mark.parametrize(
    "text",
    [
        "can i pay half now and the rest next week",
        "can i set up a payment plan and pay next month",
        "i cant pay until friday",
        "can i pay online tomorrow",
    ],
)
def test_paying_later_in_part_or_with_help_keeps_that_answer(text: str) -> None:
    dispatcher = CollectingDispatcher()
    ActionBillingPay().run(dispatcher, make_tracker(text, "billing_pay"), {})
    assert "utter_billing_pay_later" not in [m.get("response") for m in dispatcher.messages]


@pytest.mark.parametrize(
    "text",
    [
        "do you take care credit",
        "do you take carecredit",
        "can i pay with care credit card",  # was "Yes, you can pay with credit card"
        "can i use care-credit?",
    ],
)
def test_carecredit_is_never_a_yes(text: str) -> None:
    dispatcher = CollectingDispatcher()
    ActionBillingPay().run(dispatcher, make_tracker(text, "billing_pay"), {})
    first, ways = dispatcher.messages
    assert (first["response"], first["method"]) == ("utter_payment_method_not_listed", "CareCredit")
    assert ways["response"] == "utter_billing_pay"


def test_carecredit_read_as_insurance_is_answered_as_a_way_to_pay() -> None:
    # "I don't see Care Credit on my list, but we can check for you" (of insurance plans)
    dispatcher = CollectingDispatcher()
    tracker = make_tracker("do you take care credit", intent="billing_insurance")
    ActionCheckInsurance().run(dispatcher, tracker, {})
    first, ways = dispatcher.messages
    assert (first["response"], first["method"]) == ("utter_payment_method_not_listed", "CareCredit")
    assert ways["response"] == "utter_billing_pay"


@pytest.mark.parametrize(
    ("text", "disputed"),
    [
        ("why is there a late fee on my bill", True),
        ("theres a late fee on my bill", True),
        ("late fee??", True),
        ("can u remove the late fee pls i was in the hospital", True),
        ("the late cancel fee is unfair", True),
        ("carlos rivera 9/30/75 the late cancel fee is unfair, my car broke down", True),
        ("the late cancel fee is unfair my kid was sick", True),
        (
            "i had to cancel last minute because my mom was in the ER, please dont charge me the "
            "fee",
            True,
        ),
        ("i was charged a no show fee but i called to cancel", True),
        # asked about ahead: the policy, or a cancellation
        ("i need to cancel my physical, will i get charged a fee?", False),
        ("is there a fee for missing an appointment", False),
        ("do you charge a late fee", False),
        ("what is your cancellation policy", False),
        # a why about the policy, not a fee charged (these paused the chat for staff)
        ("why is there a fee for a no show", False),
        ("how come there is a late fee policy", False),
        ("i have a late cancel fee question", False),
        # ...and more ways of questioning one charged (visit length, the policy, a complaint)
        ("can u take off the late fee my kid was sick", True),
        ("the no show fee is bs", True),
        ("late fee?? i never even missed anything", True),
        # a fee of the cancellation policy named alone asks whether there is one (both went
        # to billing staff, and the chat paused); pointed at, it is one charged
        ("no show fee?", False),
        ("late cancellation fee?", False),
        ("a no-show fee?", False),
        ("cancellation fee?", False),
        ("why the no show fee", True),
        ("whats this cancellation fee", True),
        ("no show fee on my bill", True),
        ("late cancel fee again", True),
        ("why was i charged a no show fee", True),
    ],
)
def test_a_fee_on_the_bill_questioned_is_a_dispute(text: str, disputed: bool) -> None:
    assert disputes.fee_disputed(text) is disputed


def test_a_late_fee_named_alone_is_asked_what_happened() -> None:
    # "late fee??" says which charge, not what is wrong with it: one question first.
    assert not has_dispute_detail("late fee??")
    assert not has_dispute_detail("why is there a late fee on my bill")
    assert has_dispute_detail("the late cancel fee is unfair my kid was sick")


@pytest.mark.parametrize(
    ("text", "scam", "cannot", "someone_else"),
    [
        ("i got a text saying i owe money is this a scam", True, False, False),
        # a dispute filed (and the chat paused) without the warning not to pay through it
        ("got a txt from u guys saying i owe 240 is that legit", True, False, False),
        (
            "someone called me saying i owe maple grove money and wanted my card number",
            True,
            False,
            False,
        ),
        ("is this text real? it says i have a balance and to click a link", True, False, False),
        ("is this chat legit? do you need my insurance card", False, False, False),
        ("hardship letter for work? i need a doctor's note", False, False, False),
        (
            "i cant pay at the front desk, i forgot my wallet, can i still be seen",
            False,
            False,
            False,
        ),
        ("can i use a credit card to pay my bill", False, False, False),
        ("can my husband pay my bill", False, False, True),
    ],
)
def test_money_words_that_ask_something_else(
    text: str, scam: bool, cannot: bool, someone_else: bool
) -> None:
    """Look-alikes: a card is nobody paying for the patient ("can i use a credit card to pay my
    bill" got "Yes, anyone can pay a bill for you"), a chat is no call or letter to check."""
    assert paying.scam_asked(text) is scam
    assert paying.cannot_pay(text) is cannot
    assert bool(paying.SOMEONE_ELSE_PAYS.search(paying.normalise(text))) is someone_else


@pytest.mark.parametrize(
    ("text", "looked_up"),
    [
        ("i lost my job, can u help with my bill", False),
        ("can i get a payment plan? how much do i owe", True),
    ],
)
def test_help_paying_starts_no_balance_look_up_unless_asked(text: str, looked_up: bool) -> None:
    # The hardship answer ended "Would you like me to connect you with our billing staff?",
    # then "What is the patient's full name?" at once, which swallowed the "yes".
    dispatcher = CollectingDispatcher()
    events = ActionBillingPay().run(dispatcher, make_tracker(text, "billing_pay"), {})
    replays = [e for e in events if e.get("event") == "user"]
    intents = [e["parse_data"]["intent"]["name"] for e in replays]
    assert (intents == ["billing_balance"]) is looked_up


@pytest.mark.parametrize(
    ("text", "response"),
    [
        ("whats an eob", "utter_insurance_eob"),
        ("is that after insurance?", "utter_balance_after_insurance"),
        ("does the 240 include what insurance paid", "utter_balance_after_insurance"),
        # (where to find a plan's name, for "not sure")
        ("not sure if my insurance paid their part yet", "utter_balance_after_insurance"),
        ("did the insurance pay for my october visit", "utter_balance_after_insurance"),
        # ...and no balance look-up for its "do i owe that" ("What is the patient's name?")
        ("i got an EOB, do i owe that?", "utter_insurance_eob"),
    ],
)
def test_an_eob_or_a_balance_after_insurance_is_explained(text: str, response: str) -> None:
    # "whats an eob" got the balance again word for word; "is that after insurance?" the list
    # of plans and "Which insurance plan do you have?"
    dispatcher = CollectingDispatcher()
    assert ActionCheckInsurance().run(dispatcher, make_tracker(text, "billing_insurance"), {}) == []
    [said] = dispatcher.messages
    assert said["response"] == response
    assert [b["title"] for b in said["buttons"]] == ["Check my balance", "Talk to billing staff"]


def test_what_the_balance_is_for_read_as_insurance_lists_the_statements() -> None:
    # "wut is it for" right after the balance got the list of insurance plans.
    dispatcher = CollectingDispatcher()
    text = "wut is it for"
    tracker = make_tracker(text, intent="billing_insurance", slots=VERIFIED, events=BALANCE_SHOWN)
    events = ActionCheckInsurance().run(dispatcher, tracker, {})
    assert dispatcher.messages == []
    [replayed] = [e for e in events if e.get("event") == "user"]
    assert replayed["parse_data"]["intent"]["name"] == "billing_balance"
    assert replayed["text"] == "wut is it for"
    # the balance action then lists the statements (what "what was that charge for?" gets)
    assert CHARGE_FOR.search("wut is it for")
    # without a balance just shown it is an insurance question as before
    dispatcher = CollectingDispatcher()
    tracker = make_tracker("wut is it for", intent="billing_insurance", slots=VERIFIED)
    events = ActionCheckInsurance().run(dispatcher, tracker, {})
    assert not [e for e in events if e.get("event") == "user"]


@pytest.mark.parametrize(
    "text", ["will i have to pay a fee for moving it?", "do i have to pay to reschedule"]
)
def test_a_fee_for_moving_an_appointment_is_the_policy(text: str) -> None:
    # the ways to pay a bill and the payment plans were the answer (mid-move)
    dispatcher = CollectingDispatcher()
    tracker = make_tracker(text, "billing_pay", active_loop="reschedule_form")
    assert ActionBillingPay().run(dispatcher, tracker, {}) == []
    [message] = dispatcher.messages
    assert message["response"] == "utter_change_fee"
    assert "$25 late-cancellation fee" in message["policy"]
    assert not paying.change_fee_asked("can i cancel my payment plan")


@pytest.mark.parametrize(
    ("text", "read_as", "let_through"),
    [
        # filed for billing staff as the account of what went wrong; TRICARE never answered
        ("quick question do u take tricare", "billing_insurance", True),
        ("what are your hours?", "clinic_hours", True),
        # filed, and the chat paused until morning
        ("how long do i have to pay", "billing_pay", True),
        # an account, whatever the model read
        ("why do i have to pay, i was never seen", "billing_pay", False),
        ("my insurance should have paid it", "billing_insurance", False),
        ("they charged me for a flu shot", "clinic_hours", False),
    ],
)
def test_a_question_of_another_kind_at_what_happened_is_answered(
    text: str, read_as: str, let_through: bool
) -> None:
    tracker = make_tracker(
        text,
        intent=read_as,
        confidence=0.95,
        active_loop="dispute_form",
        slots={"requested_slot": "dispute_details"},
    )
    assert ValidateDisputeForm().should_let_through(tracker) is let_through


@pytest.mark.parametrize(
    "text", ["can i get a receipt for taxes", "i need a receipt for what i paid last month"]
)
def test_a_receipt_asked_for_says_where_to_get_one(text: str) -> None:
    dispatcher = CollectingDispatcher()
    assert ActionBillingPay().run(dispatcher, make_tracker(text, "billing_pay"), {}) == []
    [message] = dispatcher.messages
    assert message["response"] == "utter_itemized_statement"
    assert {k: message[k] for k in BILLING} == BILLING


PLAN_OFFERED = [
    {"event": "action", "name": "action_billing_pay"},
    {
        "event": "bot",
        "text": "Balances of $100 or more can be split into monthly payments with no interest. "
        "Would you like me to connect you with our billing staff?",
        "data": {"buttons": [{"title": "Set up a plan with billing", "payload": BILLING_STAFF}]},
    },
    {"event": "action", "name": "action_listen"},
]


@pytest.mark.parametrize("text", ["6 months", "maybe 12 payments", "like $50 a month", "monthly"])
def test_a_plan_length_after_the_plan_offer_is_for_billing_to_agree(text: str) -> None:
    # "6 months" (details, to the model) at "Would you like me to connect you with our billing
    # staff?" got "What can I help you with?"
    tracker = make_tracker(text, intent="inform", events=PLAN_OFFERED)
    dispatcher = CollectingDispatcher()
    assert ActionDetailsGiven().run(dispatcher, tracker, {}) == []
    [message] = dispatcher.messages
    assert message["response"] == "utter_plan_terms_with_billing"
    assert message["buttons"] == [{"title": "Set up a plan with billing", "payload": BILLING_STAFF}]


@pytest.mark.parametrize(
    ("text", "events"),
    [
        ("6 months", []),  # nothing offered: what can we help with
        ("next tuesday", PLAN_OFFERED),  # a day, not a length
    ],
)
def test_a_length_with_no_plan_offered_is_not_a_plan(text: str, events: list) -> None:
    tracker = make_tracker(text, intent="inform", events=events)
    dispatcher = CollectingDispatcher()
    ActionDetailsGiven().run(dispatcher, tracker, {})
    assert [m.get("response") for m in dispatcher.messages] != ["utter_plan_terms_with_billing"]
