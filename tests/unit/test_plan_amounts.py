"""What a payment plan comes to each month (actions/plan_amounts.py), as how to pay says it."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions import billing
from actions.clients.fhir_model import BackendUnavailable, InvoiceRecord
from actions.paying import ActionBillingPay
from actions.plan_amounts import PlanAsked, monthly_amount_asked, plan_amount_asked, plan_sum
from addons.task_words_guard import TaskWordsGuard
from tests.support.actions import make_tracker
from tests.unit.test_task_words_guard import parsed

BILLING_STAFF = '/request_human{"staff_team": "billing"}'
PLAN_BUTTON = {"title": "Set up a plan with billing", "payload": BILLING_STAFF}
BALANCE_BUTTON = {"title": "Check my balance", "payload": "/billing_balance"}
CARLOS = {"verified": True, "patient_id": "p-carlos", "patient_name": "Carlos Rivera"}


class Invoices:
    """The FHIR client's open invoices, as the billing actions read them."""

    def __init__(self, *amounts: str, currency: str = "USD") -> None:
        self.invoices = [
            InvoiceRecord(f"i{n}", "issued", date(2026, 11, 1), Decimal(a), currency, "Sick visit")
            for n, a in enumerate(amounts)
        ]
        self.down = False

    def open_invoices(self, patient_id: str) -> list[InvoiceRecord]:
        if self.down:
            raise BackendUnavailable("down")
        return self.invoices


def with_invoices(monkeypatch: pytest.MonkeyPatch, fake: Invoices) -> Invoices:
    monkeypatch.setattr(billing, "scheduling_client", lambda: fake)
    return fake


def pay(text: str, slots: dict | None = None, intent: str = "billing_pay") -> list[dict]:
    dispatcher = CollectingDispatcher()
    ActionBillingPay().run(dispatcher, make_tracker(text, intent, slots=slots or {}), {})
    return dispatcher.messages


@pytest.mark.parametrize(
    ("text", "asked"),
    [
        ("how much would it be per month", PlanAsked()),
        ("what would my monthly payment be", PlanAsked()),
        ("how much do i have to pay each month", PlanAsked()),
        ("ok lets do 3 months", PlanAsked(months=3)),
        ("can i do six months?", PlanAsked(months=6)),
        ("a 4-month plan please", PlanAsked(months=4)),
        ("can i split it into 4 payments", PlanAsked(months=4)),
        ("can i pay 50 a month", PlanAsked(per_month=Decimal("50"))),
        ("$60.50 per month ok?", PlanAsked(per_month=Decimal("60.50"))),
        # no plan's amount in these
        ("i'll pay it in 3 months", None),
        ("see you in 3 months", None),
        ("i've paid for 3 months", None),
        ("how much is a visit", None),
        ("can i come back 2 months from now", None),
    ],
)
def test_which_messages_ask_what_a_plan_comes_to(text: str, asked: PlanAsked | None) -> None:
    assert plan_amount_asked(text) == asked


def test_the_sum_for_months_an_amount_or_neither() -> None:
    total = Decimal("240.00")
    assert (
        plan_sum(PlanAsked(months=3), total)
        == "Over 3 months, your $240.00 would be $80.00 a month."
    )
    # rounded up to the cent: the last payment is a little less, never a cent short
    assert "would be $33.34 a month" in plan_sum(PlanAsked(months=3), Decimal("100.00"))
    assert plan_sum(PlanAsked(per_month=Decimal("50")), total) == (
        "At $50.00 a month, your $240.00 would be paid off in 5 months."
    )
    assert plan_sum(PlanAsked(per_month=Decimal("300")), total) == (
        "$300.00 covers your whole $240.00 in one payment."
    )
    assert plan_sum(PlanAsked(), total) == (
        "That's up to you: your $240.00 would be $80.00 a month over 3 months, or $40.00 over 6."
    )


@pytest.mark.parametrize(
    ("text", "sum_said"),
    [
        ("how much would it be per month", "your $240.00 would be $80.00 a month over 3 months"),
        ("ok lets do 3 months", "Over 3 months, your $240.00 would be $80.00 a month."),
        ("can i pay 50 a month", "At $50.00 a month, your $240.00 would be paid off in 5 months."),
    ],
)
def test_a_verified_patient_is_told_the_sum_for_their_balance(
    monkeypatch: pytest.MonkeyPatch, text: str, sum_said: str
) -> None:
    # Carlos, after the plan offer with his $240: "The cost depends on the visit and on your
    # insurance", and the ways to pay again.
    with_invoices(monkeypatch, Invoices("150.00", "90.00"))
    [message] = pay(text, CARLOS)
    assert sum_said in message["text"]
    assert message["text"].endswith(
        "Billing staff agree the plan with you, to fit what you can pay each month. "
        "Shall I connect you with them?"
    )
    assert message["buttons"] == [PLAN_BUTTON]


def test_nobody_verified_gets_the_plan_terms_and_the_balance_button(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    fake = with_invoices(monkeypatch, Invoices("240.00"))
    fake.open_invoices = None  # type: ignore[assignment]  # never looked up before identity
    [message] = pay("how much would it be per month")
    assert message["text"].startswith(
        "What you pay each month depends on your balance and how many months you choose. "
        "Balances of $100 or more can be split"
    )
    assert "$" not in message["text"].split("Balances of $100")[0]
    assert message["buttons"] == [PLAN_BUTTON, BALANCE_BUTTON]


@pytest.mark.parametrize(
    ("fake", "said"),
    [
        (Invoices("35.00"), "Payment plans are for balances of $100.00 or more, and $35.00 is"),
        (Invoices(), "There's nothing to pay on this account right now"),
    ],
)
def test_no_sum_for_a_balance_no_plan_is_for(
    monkeypatch: pytest.MonkeyPatch, fake: Invoices, said: str
) -> None:
    with_invoices(monkeypatch, fake)
    [message] = pay("ok lets do 3 months", CARLOS)
    assert message["response"] == "utter_billing_help"
    assert message["help"].startswith(said)


def test_billing_down_gets_the_plan_terms(monkeypatch: pytest.MonkeyPatch) -> None:
    fake = with_invoices(monkeypatch, Invoices("240.00"))
    fake.down = True
    [message] = pay("how much would it be per month", CARLOS)
    assert message["response"] == "utter_billing_help"
    assert message["help"].startswith("Balances of $100 or more can be split")
    assert message["buttons"] == [PLAN_BUTTON]


@pytest.mark.parametrize(
    ("text", "read_as", "becomes"),
    [
        ("how much would it be per month", "billing_insurance", "billing_pay"),
        ("how much do i have to pay each month", "nlu_fallback", "billing_pay"),
        ("can i pay 50 a month", "faq", "billing_pay"),
        # a months count alone is no plan outside billing
        ("ive had this cough for 3 months can i get seen", "book_appointment", "book_appointment"),
        ("does my insurance cover a physical", "billing_insurance", "billing_insurance"),
    ],
)
def test_what_a_plan_comes_to_is_a_billing_question(text: str, read_as: str, becomes: str) -> None:
    assert monthly_amount_asked(text) is (becomes == "billing_pay" != read_as)
    [result] = TaskWordsGuard().process([parsed(text, read_as)])
    assert result.get("intent")["name"] == becomes
