"""Billing: the balance after identity, and the wording the other billing modules share.

* Balance: ``balance_form`` verifies the patient (name + date of birth, as for appointments; a
  patient verified earlier in the session is not asked again), then ``action_show_balance``
  reads the patient's open FHIR ``Invoice`` resources (status ``issued``).
* Shared wording: billing's phone, hours and portal and the button to billing staff, used by
  the balance, how to pay (actions/paying.py) and insurance (actions/insurance.py) alike, so
  one change reaches them all; and the ways to pay, said by how to pay and by insurance ("do
  you take care credit" read as a plan). They live here because paying.py also reads
  insurance's copay words: with the ways to pay in either of the two, each would import the
  other.

Amounts are never logged. Disputes are in actions/disputes.py.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.already_paid import already_paid
from actions.bill_explained import bill_not_understood
from actions.clients.fhir_model import FhirError, InvoiceRecord
from actions.clinic_config import ClinicConfig
from actions.forms import PatientForm
from actions.handoff import escalate
from actions.identity import IdentitySteps
from actions.matching import normalise
from actions.patient_match import scheduling_client
from actions.payment_methods import MethodAsked
from actions.second_request import after_identity_declined, offer_second_request, replay_as
from actions.settings import get_clinic
from actions.stop import action_before_message
from actions.tracker_reading import last_event, latest_text, responses_before_latest

logger = logging.getLogger(__name__)

Clock = Callable[[], datetime]

BALANCE_SLOTS = ("verify_name", "verify_dob", "backend_error", "identity_declined")
CURRENCY_SIGNS = {"USD": "$"}


# --- shared wording ----------------------------------------------------------------------------


def join_words(items: list[str], last: str = "and") -> str:
    """``a, b and c``."""
    items = [i for i in items if i]
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} {last} {items[-1]}"


def billing_facts(clinic: ClinicConfig) -> dict[str, str]:
    """The billing details responses interpolate (all from clinic.yml)."""
    billing = clinic.billing
    return {
        "billing_phone": billing.phone,
        "billing_hours": billing.hours,
        "portal_url": billing.portal_url,
    }


STAFF_PAYLOAD = '/request_human{"staff_team": "billing"}'


def staff_button(title: str = "Talk to billing staff") -> dict[str, str]:
    """A button that hands the chat to billing staff (reason ``billing_question``)."""
    return {"title": title, "payload": STAFF_PAYLOAD}


def answer_method(
    dispatcher: CollectingDispatcher, asked: MethodAsked, clinic: ClinicConfig, tracker: Tracker
) -> None:
    """ "do you take Apple Pay?": the answer to that first, then the ways to pay, unless they
    answered the message before ("what about cash" after "do you take apple pay": the same
    list twice in a row)."""
    dispatcher.utter_message(
        response="utter_payment_method_accepted"
        if asked.accepted
        else "utter_payment_method_not_listed",
        method=asked.said,
    )
    if "utter_billing_pay" not in responses_before_latest(tracker):
        say_ways_to_pay(dispatcher, clinic)


def say_ways_to_pay(dispatcher: CollectingDispatcher, clinic: ClinicConfig) -> None:
    """Online, by phone, in person, and the methods accepted (utter_billing_pay)."""
    billing = clinic.billing
    dispatcher.utter_message(
        response="utter_billing_pay",
        in_person=billing.in_person or "You can also pay at the front desk.",
        methods=join_words(billing.methods, "or"),
        **billing_facts(clinic),
    )


# --- balance ---------------------------------------------------------------------------------


def money(amount: Decimal, currency: str) -> str:
    """``$1,240.50`` (``1,240.50 EUR`` for other currencies)."""
    sign = CURRENCY_SIGNS.get(currency.upper())
    value = f"{amount.quantize(Decimal('0.01')):,}"
    return f"{sign}{value}" if sign else f"{value} {currency.upper()}"


def total_due(invoices: list[InvoiceRecord]) -> str:
    """The sum per currency: ``$127.50`` (or ``$10.00 and 5.00 EUR``)."""
    totals: dict[str, Decimal] = {}
    for invoice in invoices:
        key = (invoice.currency or "USD").upper()
        totals[key] = totals.get(key, Decimal("0")) + invoice.total
    return join_words([money(amount, cur) for cur, amount in totals.items()])


def verified_open_invoices(tracker: Tracker) -> list[InvoiceRecord] | None:
    """The verified patient's open statements (issued, with something to pay); None when
    nobody is verified or the billing system does not answer."""
    patient_id = tracker.get_slot("patient_id")
    if not tracker.get_slot("verified") or not patient_id:
        return None
    try:
        invoices = scheduling_client().open_invoices(str(patient_id))
    except FhirError:
        return None
    return [i for i in invoices if i.status == "issued" and i.total > 0]


def balance_under_plan_minimum(tracker: Tracker, clinic: ClinicConfig) -> str | None:
    """The verified patient's open balance ("$35.00") when it is under the payment-plan
    minimum (``NOTHING_OWED`` when nothing is open: Aisha, all paid up, was told about plans
    for $100 or more); None when it is not, nobody is verified, or the billing system does not
    answer."""
    if clinic.billing.payment_plan_minimum <= 0:
        return None
    invoices = verified_open_invoices(tracker)
    if invoices is None:
        return None
    if not invoices:
        return NOTHING_OWED
    if plan_offered(invoices, clinic):
        return None
    return total_due(invoices)


NOTHING_OWED = "$0.00"


PLAN_OFFER = "If paying it all at once is hard, we can set up a payment plan with you."
# A balance under the clinic's payment-plan minimum: no plan promised, still a way forward.
NO_PLAN_OFFER = "If paying it is hard right now, billing staff can talk through your options."


def plan_offered(invoices: list[InvoiceRecord], clinic: ClinicConfig) -> bool:
    """Whether the open balance is big enough for a payment plan (``payment_plan_minimum``)."""
    return sum((i.total for i in invoices), Decimal("0")) >= clinic.billing.payment_plan_minimum


def month_day(day: date) -> str:
    """``Dec 5``."""
    return f"{day.strftime('%b')} {day.day}"


# Up to this many open statements are each named ("what was it for?" answered at once).
NAMED_STATEMENTS = 3


def statements(invoices: list[InvoiceRecord]) -> str:
    """ "1 open statement (Office visit copay)", "2 open statements (Lab work, $50.00; ...)"."""
    count = len(invoices)
    said = "1 open statement" if count == 1 else f"{count} open statements"
    named = [i for i in invoices if i.description.strip()]
    if not named or count > NAMED_STATEMENTS:
        return said
    if count == 1:
        return f"{said} ({named[0].description.strip()})"
    items = "; ".join(
        f"{i.description.strip()}, {money(i.total, i.currency or 'USD')}" for i in named
    )
    return f"{said} ({items})"


# "what was that charge for?", "what's the $85 for": each open statement, said.
CHARGE_FOR = re.compile(
    r"\b(?:what|wut|wat|wht)(?:s| s| is| was| are| were)? "
    r"(?:(?:that|this|the|these|those|my|it|they) )?"
    r"(?:(?:\d+|charges?|bills?|statements?|balance|amount|dollars?|one|ones|visits?|"
    r"appointments?|appts?|fees?|copays?) ){0,2}for\b"
    r"(?! (?:a|an|the|my|me|him|her|us|them|this|that|\d))"
    # "why so much", "why is it that high", "how come i owe 240": what makes up the amount
    r"|\b(?:why|how come)\b(?: \w+){0,4} (?:so|that|this|too) (?:much|high|big|expensive)\b"
    r"|\b(?:why|how come)\b(?: \w+){0,4} (?:owe|is it|its|it s|was it|charged|billed) \d+\b"
)


def charge_asked_after_balance(tracker: Tracker) -> bool:
    """ "wut is it for" right after the balance: what the balance is for (it got the list of
    plans, or "Take your time, I'm here")."""
    return action_before_message(tracker, past_replays=True) == "action_show_balance" and bool(
        CHARGE_FOR.search(normalise(latest_text(tracker)))
    )


def as_balance_items(tracker: Tracker) -> list[EventType] | None:
    """ "wut is it for", "why so much" right after the balance, whatever the model read: the
    message again as the balance question, whose action then lists the statements."""
    if not charge_asked_after_balance(tracker):
        return None
    return replay_as(tracker, last_event(tracker.events, "user"), "billing_balance")


def itemised(invoices: list[InvoiceRecord]) -> str:
    """``Office visit copay, $85.00 (billed Nov 19)``; several joined with "; "."""
    return "; ".join(
        f"{i.description.strip() or 'Statement'}, {money(i.total, i.currency or 'USD')}"
        + (f" (billed {month_day(i.date)})" if i.date else "")
        for i in invoices
    )


class ValidateBalanceForm(IdentitySteps, PatientForm):
    """Identity only (like ``check_form``): nothing about money before the patient is verified."""

    form_name = "balance_form"
    own_intents = {"billing_balance"}

    def next_slot(self, slots: dict[str, Any], tracker: Tracker) -> str | None:
        return self.identity_next_slot(slots)

    def extract(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        slots: dict[str, Any],
        requested: str | None,
    ) -> dict[str, Any]:
        if requested in ("verify_name", "verify_dob"):
            return self.extract_identity(dispatcher, tracker, slots, requested)
        return {}


# "can I get an itemized bill", "a receipt for what I paid": the balance, and where to get one.
PAPER_ASKED = re.compile(
    r"\b(itemi[sz]ed|receipts?|break ?down|copy of (my|the|our|his|her) (bill|statement)s?"
    r"|(paper|printed|mailed) (bill|statement)s?|statement for (my )?(taxes|hsa|fsa))\b",
    re.IGNORECASE,
)


# "i got a bill in the mail", "we received a statement": a bill in hand.
BILL_RECEIVED = re.compile(
    # (past tense only: "do i have a bill", "will i get a statement" ask whether there is one)
    r"\b(got|gotten|received|sent me|mailed me)\b.{0,25}"
    r"\b(bill|statement|invoice)s?\b"
    r"|\b(bill|statement|invoice)s?\b.{0,20}\b(came|in the mail|arrived|says|shows)\b",
    re.IGNORECASE,
)


def said_since_last_balance(tracker: Tracker, says: Callable[[str], object]) -> bool:
    """Whether a message since the last balance shown says it (identity questions may have
    come between)."""
    for event in reversed(tracker.events):
        if event.get("event") == "action" and event.get("name") == "action_show_balance":
            return False
        if event.get("event") == "user" and says(event.get("text") or ""):
            return True
    return False


def say_where_to_get_paper(
    dispatcher: CollectingDispatcher, tracker: Tracker, facts: dict[str, str]
) -> None:
    """Asked in any message since the last balance shown (identity questions came between)."""
    if said_since_last_balance(tracker, PAPER_ASKED.search):
        dispatcher.utter_message(response="utter_itemized_statement", **facts)


class ActionShowBalance(Action):
    """Submit of ``balance_form``: what the verified patient owes, plainly and kindly."""

    def __init__(self, clock: Clock | None = None) -> None:
        self.clock = clock

    def name(self) -> str:
        return "action_show_balance"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        clinic = get_clinic()
        reset: list[EventType] = [SlotSet(slot, None) for slot in BALANCE_SLOTS]
        reason = tracker.get_slot("escalation_reason")
        if reason:
            return reset + escalate(dispatcher, tracker, reason)
        facts = billing_facts(clinic)
        if tracker.get_slot("backend_error"):
            return reset + self._unavailable(dispatcher, facts)
        if tracker.get_slot("identity_declined"):
            return reset + after_identity_declined(tracker)  # (utter_identity_declined said it)
        patient_id = tracker.get_slot("patient_id")
        if not tracker.get_slot("verified") or not patient_id:
            dispatcher.utter_message(response="utter_stopped")
            return reset
        if (
            PAPER_ASKED.search(latest_text(tracker))
            and action_before_message(tracker) == "action_show_balance"
        ):
            # "can you mail me an itemized one" right after the balance: how to get it (the
            # balance was said again word for word first)
            dispatcher.utter_message(response="utter_itemized_statement", **facts)
            return reset + offer_second_request(dispatcher, tracker)
        try:
            invoices = scheduling_client().open_invoices(str(patient_id))
        except FhirError as exc:
            logger.warning("open invoices unavailable (%s)", type(exc).__name__)
            return reset + self._unavailable(dispatcher, facts)
        invoices = [i for i in invoices if i.status == "issued" and i.total > 0]
        if not invoices:
            # "i got a bill in the mail": the bill in hand needs an answer too (it was only
            # "all paid up", which leaves the patient wondering about the bill).
            # ("why so much" right after "nothing to pay": the bill the patient has in mind)
            nothing_due = (
                "utter_bill_but_nothing_due"
                if said_since_last_balance(tracker, BILL_RECEIVED.search)
                or said_since_last_balance(tracker, bill_not_understood)
                or CHARGE_FOR.search(normalise(latest_text(tracker)))
                else "utter_balance_nothing_due"
            )
            dispatcher.utter_message(response=nothing_due, **facts)
            say_where_to_get_paper(dispatcher, tracker, facts)
            return reset + offer_second_request(dispatcher, tracker)
        today = (self.clock or clinic.now)().astimezone(clinic.tz).date()
        due_days = clinic.billing.due_days
        due_dates = [d for d in (i.due_date(due_days) for i in invoices) if d is not None]
        oldest = min(due_dates) if due_dates else None
        details = {
            **facts,
            "amount": total_due(invoices),
            "statements": statements(invoices),
            "due_date": month_day(oldest) if oldest else "",
        }
        items_only = charge_asked_after_balance(tracker)
        if items_only:
            pass  # "what was that visit for" right after it: not the whole balance again
        elif any(i.is_overdue(due_days, today) for i in invoices):
            plan = plan_offered(invoices, clinic)
            dispatcher.utter_message(
                response="utter_balance_overdue",
                buttons=[
                    {"title": "Ways to pay", "payload": "/billing_pay"},
                    staff_button("Set up a payment plan" if plan else "Talk to billing staff"),
                ],
                help_paying=PLAN_OFFER if plan else NO_PLAN_OFFER,
                **details,
            )
        else:
            dispatcher.utter_message(
                response="utter_balance_due" if oldest else "utter_balance_due_no_date",
                buttons=[{"title": "Ways to pay", "payload": "/billing_pay"}],
                **details,
            )
        if CHARGE_FOR.search(normalise(latest_text(tracker))) or said_since_last_balance(
            tracker, bill_not_understood
        ):
            # "what was that charge for?" got the same total again (and "i don't understand
            # my bill", asked before the identity questions, the total only)
            dispatcher.utter_message(
                response="utter_balance_items",
                items=itemised(invoices),
                buttons=[
                    {"title": "Something's not right", "payload": "/billing_dispute"},
                    staff_button(),
                ],
                **facts,
            )
        if said_since_last_balance(tracker, already_paid):
            # "i paid my bill last week but it still shows a balance": the balance alone, with
            # ways to pay, left the payment unanswered
            dispatcher.utter_message(
                response="utter_billing_already_paid", buttons=[staff_button()], **facts
            )
        say_where_to_get_paper(dispatcher, tracker, facts)
        logger.info("balance shown (%s open)", len(invoices))
        return reset + offer_second_request(dispatcher, tracker)

    @staticmethod
    def _unavailable(dispatcher: CollectingDispatcher, facts: dict[str, str]) -> list[EventType]:
        dispatcher.utter_message(
            response="utter_billing_unavailable",
            buttons=[staff_button("Talk to a person")],
            **facts,
        )
        return []
