"""Billing: the balance (after identity), how to pay, accepted insurance, and disputes.

* Balance: ``balance_form`` verifies the patient (name + date of birth, as for appointments; a
  patient verified earlier in the session is not asked again), then ``action_show_balance``
  reads the patient's open FHIR ``Invoice`` resources (status ``issued``).
* How to pay, insurance: answered from ``clinic.yml`` (``billing``, ``insurance``).
* Disputes: ``dispute_form`` asks one question when the patient gave no detail, then
  ``action_billing_dispute`` hands the conversation to billing staff with a summary.

Amounts are never logged.
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

from actions.clients.fhir_model import FhirError, InvoiceRecord
from actions.clinic_config import ClinicConfig
from actions.dispute_question import DETAIL_MARKERS, asks_back
from actions.forms import (
    TASK_INTENTS,
    PatientForm,
    action_before_message,
    is_button_payload,
    last_event,
    latest_intent,
    latest_text,
    safety_flagged,
    yes_or_no,
)
from actions.handoff import escalate
from actions.identity import IdentitySteps, introduction_before, scheduling_client
from actions.matching import normalise
from actions.mentions import given_identity
from actions.payment_methods import MethodAsked, brand_asked, method_asked
from actions.plan_names import PlanNamed, identify, plan_in_message, plans_in_message
from actions.second_request import (
    after_identity_declined,
    answer_second_request,
    offer_second_request,
    question_before_handoff,
    replayed,
)
from actions.settings import get_clinic
from actions.typed_answers import UNDECIDED
from addons.details_text import name_with_birth_date

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


def balance_under_plan_minimum(tracker: Tracker, clinic: ClinicConfig) -> str | None:
    """The verified patient's open balance ("$35.00") when it is under the payment-plan
    minimum; None when it is not, nobody is verified, or the billing system does not answer."""
    patient_id = tracker.get_slot("patient_id")
    minimum = clinic.billing.payment_plan_minimum
    if not tracker.get_slot("verified") or not patient_id or minimum <= 0:
        return None
    try:
        invoices = scheduling_client().open_invoices(str(patient_id))
    except FhirError:
        return None
    invoices = [i for i in invoices if i.status == "issued" and i.total > 0]
    if not invoices or plan_offered(invoices, clinic):
        return None
    return total_due(invoices)


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
)


def charge_asked_after_balance(tracker: Tracker) -> bool:
    """ "wut is it for" right after the balance: what the balance is for (it got the list of
    plans, or "Take your time, I'm here")."""
    return action_before_message(tracker) == "action_show_balance" and bool(
        CHARGE_FOR.search(normalise(latest_text(tracker)))
    )


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


def said_since_last_balance(tracker: Tracker, pattern: re.Pattern[str]) -> bool:
    """Whether a message since the last balance shown says it (identity questions may have
    come between)."""
    for event in reversed(tracker.events):
        if event.get("event") == "action" and event.get("name") == "action_show_balance":
            return False
        if event.get("event") == "user" and pattern.search(event.get("text") or ""):
            return True
    return False


def say_where_to_get_paper(
    dispatcher: CollectingDispatcher, tracker: Tracker, facts: dict[str, str]
) -> None:
    """Asked in any message since the last balance shown (identity questions came between)."""
    if said_since_last_balance(tracker, PAPER_ASKED):
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
            nothing_due = (
                "utter_bill_but_nothing_due"
                if said_since_last_balance(tracker, BILL_RECEIVED)
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
        if CHARGE_FOR.search(normalise(latest_text(tracker))):
            # "what was that charge for?" got the same total again
            dispatcher.utter_message(
                response="utter_balance_items",
                items=itemised(invoices),
                buttons=[
                    {"title": "Something's not right", "payload": "/billing_dispute"},
                    staff_button(),
                ],
                **facts,
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


# --- how to pay ------------------------------------------------------------------------------


# Patterns below read ``normalise``d text (lower case, no apostrophes: "can't" is "can t"), so
# "cant", "can't" and "can’t" are one.
CANT = r"(can t|cant|cannot|can not|unable to|not able to)"
DONT = r"(don t|dont|do not)"
# The patient's own situation: "lost my job", "im broke", "i have no money right now" (a "no").
SITUATION_WORDS = (
    r"(lost|lose|losing) (my|our|his|her) (job|work|income)|out of work|unemployed|laid off|"
    r"(i m|im|i am|we re|we are) (so |totally |completely )?broke|no money|money is tight|"
    rf"{DONT} have (the |any |enough )?(money|funds)"
)
# "is there any help with medical bills" (it got a balance look-up)
HELP_WITH_BILLS = (
    r"((any|some|financial) help|help paying|help to pay|assistance) (with |for |paying |to pay )?"
    r"(my |our |the |these |those |his |her )?(medical |hospital |doctor s? )?"
    r"(bills?|costs?|expenses)|help (with|for) (medical|hospital|doctor) (bills?|costs?|expenses)"
)
# Help with the bill itself rather than time to pay it.
# "can you just waive it?", "can u forgive it" (the bill, not a fee): the ways to pay were the
# answer, the assistance program buried at the end.
WAIVE_WORDS = (
    r"(waive|waived|forgive|forgiven|write (it |this |that )?off|written off)"
    r"(?! (the |my |a |that |this )?((late|no ?show|cancel\w*|missed|change) )*fee)"
)
WAIVE_ASKED = re.compile(rf"\b{WAIVE_WORDS}")
WAIVE_SAID = "I can't waive a bill myself, but billing staff can check what help you qualify for."
ASSISTANCE_WORDS = (
    r"financial (assistance|aid|help)|charity care|sliding scale|hardship|discounts?|"
    rf"{HELP_WITH_BILLS}|{SITUATION_WORDS}|{WAIVE_WORDS}"
)
ASSISTANCE = re.compile(rf"\b({ASSISTANCE_WORDS})\b")
# Said with it, the patient is told we're sorry first.
HARDSHIP = re.compile(
    rf"\b({CANT} (afford|pay|make (the |my |a )?payments?)|{SITUATION_WORDS}|hardship|struggling)\b"
)
# "i cant pay online, the site is down": a problem with how, not with the money.
PAYING_HOW = re.compile(
    rf"\b{CANT} pay\b.{{0,25}}\b(online|on line|website|web site|portal|app|site|link|page|"
    r"by card|with (my|a|the) card|over the phone|by phone|at the front desk|in person|at the "
    r"desk|at check ?in|when i come in)\b"
)
# Paying over time in other words: "can i split that up", "can i make payments on it", "do
# you do financing", "can i pay 50 a month", "a little at a time" (each got the ways to pay,
# with plans last). Splitting between two cards or two people is how to pay, not a plan.
OVER_TIME_WORDS = (
    r"split (it|this|that|the (bill|balance|cost|total)|my (bill|balance))( up)?"
    r"(?! (between|across|among|on|with|two|2)\b)|"
    r"make (monthly )?payments (on|for|towards?)\b|financ(e|ing)|"
    r"\$?\d+ (dollars )?(a|per|each|every) month|(a (little|bit)|some) at a time|"
    r"bit by bit|little by little|spread (out )?the (cost|payments?)"
)
# Paying over time, or help with a bill the patient cannot pay.
NEEDS_HELP_PAYING = re.compile(
    rf"\b({OVER_TIME_WORDS}|"
    r"spread (it|this|that|the (bill|balance|cost|payments?)) (out|over)|"
    r"payment plans?|pay(ing)? (it |this |that )?(off )?(over time|in (installments|parts|"
    r"pieces|chunks))|installments?|"
    rf"monthly payments?|{CANT} (afford|pay)|{ASSISTANCE_WORDS})\b"
)


# What is owed asked with the help ("can i get a payment plan, how much do i owe"): looked up
# after the answer.
AMOUNT_ASKED = re.compile(r"\b(how much|owe|owed|balance|amount due|total)\b")
# Paying over time asked about, not help with the bill itself.
PLAN_ASKED = re.compile(
    rf"\b({OVER_TIME_WORDS}|"
    r"spread (it|this|that|the (bill|balance|cost|payments?)) (out|over)|payment plans?|"
    r"installments?|monthly payments?|over time|in (parts|pieces|chunks)|"
    r"pay(ing)? (it |this |that )?off)\b"
)


# "how many months can i spread it over", "how long can the plan be" (it got the plans' offer
# alone, or "Most visits are booked for 30 minutes").
PLAN_LENGTH = re.compile(
    r"\b(how (long|many months)|longest|max(imum)?)\b.{0,40}\b(plans?|spread|"
    r"pay (it |this |that )?off|monthly payments?)\b|\bspread\b.{0,25}\b\d+ months\b"
)
PLAN_LENGTH_SAID = (
    "How long a plan runs is agreed with billing staff, to fit the balance and what you can "
    "pay each month."
)


# Can't pay, or help with a bill asked for: for addons/task_words_guard.py, which makes these
# billing_pay whatever the model read ("i lost my job, cant pay" was out of scope).
CANNOT_PAY = re.compile(
    rf"\b({CANT} (afford|pay|make (the |my |a )?payments?)|{SITUATION_WORDS}|"
    rf"financial (assistance|aid|help)|charity care|sliding scale|hardship(?! letters?)|"
    rf"{HELP_WITH_BILLS})\b"
)


def cannot_pay(text: str) -> bool:
    """The patient can't pay or needs help with a bill ("lost my job, cant pay", "im broke"),
    and not because of how ("i cant pay online")."""
    said = normalise(text)
    return bool(CANNOT_PAY.search(said)) and not PAYING_HOW.search(said)


# "what income do I need to qualify", and with it "how do I apply for financial assistance"
QUALIFYING_WORDS = r"qualify|qualifies|eligible|eligibility|income limits?|proof of income"
QUALIFYING = re.compile(rf"\b({QUALIFYING_WORDS})\b", re.IGNORECASE)
HOW_TO_APPLY = re.compile(
    rf"\b(apply|applying|application|requirements?|sign up for|{QUALIFYING_WORDS})\b"
    # "how does the financial assistance thing work" got "ask about our financial assistance"
    r"|\bhow (does|do|would|will) (the |your |that |this )?[\w ]{0,30}\b(work|works)\b",
    re.IGNORECASE,
)


def asks_how_to_apply(text: str) -> bool:
    """ "how do I apply?" after the assistance answer, "what income do I need to qualify?";
    not "can I apply my HSA card to the bill"."""
    return bool(HOW_TO_APPLY.search(text)) and bool(
        ASSISTANCE.search(normalise(text))
        or QUALIFYING.search(text)
        or len(text.split()) <= 6
        # "how do i apply for the assistance thing" got the ways to pay
        or re.search(r"\b(assistance|aid|help program|discount program)\b", text, re.I)
    )


# Collections and credit: "is my account in collections", "will this hurt my credit score" (the
# ways to pay, or "not something I can help with"). Billing staff know where an account stands.
COLLECTIONS = re.compile(
    r"\b(collections|collection (agency|agencies|notice|notices|letter|letters|company|"
    r"companies|account)|(sent|send|sending|go|goes|going|turned over|turn me over) to collection|"
    r"debt collectors?|bill collectors?|credit (score|report|rating|history)|credit bureaus?)\b"
)
# "i got a text saying i owe money is this a scam", "a collection agency called me about a bill,
# is this legit": a dead end, or "question a charge?". Billing confirms it at its own number.
SCAM = re.compile(
    r"\b(scam|scams|scammer|scammers|scammed|legit|legitimate|phishing|fraud|fraudulent|fake|"
    r"(really|actually|truly) (from|sent by) (you|u|your|the clinic|the office)|"
    r"(is|was) (this|that|it) (real|true|you|u)|click (a|the|this|on a|on the) link|"
    r"(wanted|asked for|asking for|wants) my (card|credit card|debit card|bank|ssn|social))\b"
)
MONEY = re.compile(
    r"\b(bill|bills|billing|owe|owed|owing|money|pay|paid|payment|balance|debt|collections?|"
    r"charge|charged|charges|account|invoice|statement|card)\b"
)
# "what happens if i dont pay": where the account stands, and help if paying is hard.
UNPAID_ASKED = re.compile(
    rf"\bwhat (happens|will happen|would happen) (if|when) (i|we) ({DONT}|{CANT}|never|dont) pay\b"
    r"|\bwhat happens to (my|an|our) (unpaid|overdue|past due) (bill|bills|balance|account)\b"
)


# What may not be from us: a call, a text, a letter, an email (not "is this chat legit?").
REACHED_BY = re.compile(
    r"\b(text|texts|texted|txt|sms|call|called|calling|caller|letter|letters|email|emails|emailed|"
    r"voicemail|message|messages|notice|mail|mailed|agency|collector|collectors|company|bill|"
    r"bills|statement|invoice)\b"
)


def scam_asked(text: str) -> bool:
    """Whether a message about money asks if a call, text or letter is really from us."""
    said = normalise(text)
    return bool(SCAM.search(said) and MONEY.search(said) and REACHED_BY.search(said))


# "i already paid that last week", "but i paid it online yesterday": got the same balance again
# (or "What can I help you with?"). A payment takes days to show; billing can check it.
ALREADY_PAID = re.compile(
    r"\b(i|we|my \w+|he|she) (already |just |have |ve |already have )?(paid|payed|"
    r"sent (the |a |my )?payment|made (the |a |my )?payment)\b"
    r"(?! (it |the bill |my bill )?(late|off|online\?))"
    r".{0,40}\b(already|last|yesterday|ago|this (morning|week|month)|on the|online|by phone|"
    r"over the phone|in person|at the desk|check|card)\b"
    r"|\b(i|we) (already|have already|ve already) (paid|payed)\b"
    r"|\b(already|been) paid (it|that|this|in full|off)\b"
)


def already_paid(text: str) -> bool:
    """The patient says the bill was paid already (not "can i pay it online?")."""
    said = normalise(text)
    return bool(ALREADY_PAID.search(said)) and not re.search(r"\b(can|could|how) (i|we)\b", said)


def collections_asked(text: str) -> bool:
    """Collections, credit or a message that may not be ours ("is my account in collections")."""
    said = normalise(text)
    return bool(COLLECTIONS.search(said) or UNPAID_ASKED.search(said)) or scam_asked(text)


# "can my husband pay my bill": yes, anyone can (it got the list, which never said so).
SOMEONE_ELSE_PAYS = re.compile(
    r"\b(can|could|may|is it ok|is it okay|is it alright|does it matter if|can it be)\b"
    r".{0,30}\b(someone|somebody|anyone|any one|family|friend|(my|a|another) (husband|wife|"
    r"spouse|partner|mom|mother|dad|father|son|daughter|parent|parents|friend|family member|"
    r"relative|boyfriend|girlfriend|brother|sister|kid|child|employer|boss|grandma|grandpa))\b.{0,25}"
    r"\b(pay|pays|paying|cover|covers) (my|our|for my|for me|for us|for our|it|the bill)\b"
    r"|\bdoes it have to be me\b|\b(do|does) (i|the patient) have to (be the one to )?pay "
    r"(it )?(myself|personally)\b"
)
# "can i pay my mom's bill": yes, and how. Not "can i pay my bill online" (own bill: "Yes, you
# can pay a bill for someone else").
RELATIVE = (
    r"(husband|wife|spouse|partner|mom|mother|mum|dad|father|son|daughter|parent|parents|"
    r"friend|boyfriend|girlfriend|brother|sister|kid|kids|child|children|grandma|grandpa|"
    r"grandmother|grandfather|aunt|uncle|roommate|fiance|fiancee|family member|relative)"
)
PAY_FOR_ANOTHER = re.compile(
    r"\b(can|could|may) (i|we) (pay|cover) (for )?((his|her|their|someone s|somebody s|someone "
    rf"else s) (\w+ )?|(my|our) {RELATIVE}( s|s)? )(bill|bills|balance|statement)\b"
    r"|\b(can|could|may) (i|we) pay (for )?(someone|somebody) else\b"
)
# "how long do i have to pay": billing.due_days (it got the ways to pay).
DUE_ASKED = re.compile(
    r"\bhow (long|many days|much time) (do|does|will|would|have) (i|we|you|he|she|they|patients) "
    r"(have|get|got) (to pay|before|until|till|to make)"
    r"|\bwhen (is|are|s) (my |the |this |it |our |a )?(bill |bills |payment |statement )?due\b"
    r"|\bwhen (do|should|must|does) (i|we|it|the bill) (have to |need to |got to )?"
    r"(pay|be paid)( it| the bill| my bill)?( by)?\W*$"
    r"|\b(due date|grace period|payment deadline|deadline to pay)\b"
    r"|\bhow soon (do|should|must) (i|we) (have to |need to )?pay\b"
)

# "whats the late fee", "do you charge interest": billing.late_fees (it got the arrival time).
# Not a fee already on the bill (FEE_DISPUTED: a dispute) nor one for an appointment missed or
# cancelled late (the cancellation policy).
LATE_PAYMENT_ASKED = re.compile(
    r"\blate (payment )?(fee|fees|charge|charges|penalty|penalties)\b"
    r"|\b(charge|charges|charging|add|adds|apply) (any )?(interest|finance charges?)\b"
    r"|\binterest (on|for) (my |the |a |an |unpaid |overdue |late )*(bill|bills|balance|payment|"
    r"payments|account)\b|\bpay(ing)? (it |my bill |the bill )?late\b|\blate payments?\b"
)
APPOINTMENT_FEE = re.compile(
    r"\b(cancel\w*|resched\w*|miss|missed|missing|no ?show|show up|appointment|appointments|"
    r"appt|appts|visit|running late|arrive|arriving|late to|late for)\b"
)
ABOUT_A_BILL = re.compile(r"\b(bill|bills|payment|payments|pay|paying|balance|interest)\b")


# "will i have to pay a fee for moving it?", "do i have to pay to reschedule" (the ways to pay a
# bill, and the payment plans, were the answer).
CHANGE_FEE_ASKED = re.compile(
    r"\b(fee|fees|charge|charged|charges|penalty|pay|cost)\b.{0,40}\b(mov(e|ing)|resched\w*|"
    r"cancel\w*|chang(e|ing)|push(ing)?)\b"
    r"|\b(mov(e|ing)|resched\w*|cancel\w*|chang(e|ing))\b.{0,40}\b(fee|fees|charged?|penalty|"
    r"cost)\b"
)


# "can i pay it here", "can i pay in the chat", "can you take my payment by text"
PAY_HERE = re.compile(
    r"\b(pay|payment|card)\b.{0,30}\b(here|in (the |this )?chat|through (you|the chat|this)|"
    r"by text|over text|via text|with you|on here)\b"
)
# "can i pay half now", "whats the minimum i can pay", "do i have to pay it all at once": a
# part now is fine (it got the ways to pay and the plan paragraph, and no yes).
PART_PAYMENT = re.compile(
    r"\bpay(ing)?\b.{0,15}\b(half|part|some|a (little|bit)|portion|\d+ (now|today|first|for now))\b"
    r"|\bpartial( payments?)?\b|\b(minimum|least)\b.{0,15}\bpay\b"
    r"|\b(have|need|got) to pay (it |the whole (thing|bill|balance|amount) )?(all )?at once\b"
    r"|\b(have|need) to pay (it all|the whole (thing|bill|balance|amount)|everything|the full)\b"
)
# "can i just pay at my appt", "can i pay when i come in"
PAY_AT_THE_VISIT = re.compile(
    r"\bpay\b.{0,20}\b(at (my|the|his|her|our) (appt|appointment|visit)|when (i|we|he|she) "
    r"(come|get there|arrive|check in)|at check ?in|in person)\b"
)


def change_fee_asked(text: str) -> bool:
    """A fee for moving or cancelling an appointment asked about (not a bill's)."""
    said = normalise(text)
    return bool(CHANGE_FEE_ASKED.search(said)) and not re.search(r"\b(bill|balance|plan)\b", said)


# "i'll pay it friday", "ill pay when i get paid", "is it ok if i pay next week": when the patient
# will pay, not how (it got the ways to pay, or "What can I help you with?", and never said
# whether later is fine).
_LATER_DAY = (
    r"later|tomorrow|tmrw|tonight|this weekend|next (week|month|friday|monday)|"
    r"(on )?(monday|tuesday|wednesday|thursday|friday|saturday|sunday)|"
    r"(the )?(end|first|beginning|start) of (the|next) month|when (i|we) (get|got) paid|"
    r"(on |after )?pay ?day|(on )?the \d{1,2}(st|nd|rd|th)?|"
    r"in (a|one|two|\d+) (few )?(days?|weeks?)"
)
PAY_LATER = re.compile(
    r"\b(i ll|ill|i will|i can|can i|we ll|we will|i m going to|im going to|gonna|going to|"
    r"plan to|planning to|ok if i|okay if i|alright if i|fine if i)\b.{0,15}\bpay\b"
    rf"( (it|this|that|the (bill|balance)|(it|this|that) off|off))?( by| on| at)? ({_LATER_DAY})\b"
)


def pay_later(text: str) -> bool:
    """Whether the patient says when they will pay ("i'll pay it friday"), not how or how much."""
    said = normalise(text)
    return bool(PAY_LATER.search(said)) and not (
        NEEDS_HELP_PAYING.search(said) or PART_PAYMENT.search(said)
    )


def due_asked(text: str) -> bool:
    """How long there is to pay a bill ("how long do i have to pay"; not "how long do i have
    before my appointment")."""
    said = normalise(text)
    return bool(DUE_ASKED.search(said)) and bool(
        ABOUT_A_BILL.search(said) or re.search(r"\bstatement\b", said)
    )


def late_payment_asked(text: str) -> bool:
    """Late fees or interest on a bill asked about ahead ("do you charge late fees?")."""
    said = normalise(text)
    return bool(LATE_PAYMENT_ASKED.search(said)) and not (
        APPOINTMENT_FEE.search(said) or fee_disputed(text)
    )


def answer_method(
    dispatcher: CollectingDispatcher, asked: MethodAsked, clinic: ClinicConfig
) -> None:
    """ "do you take Apple Pay?": the answer to that first, then the ways to pay."""
    dispatcher.utter_message(
        response="utter_payment_method_accepted"
        if asked.accepted
        else "utter_payment_method_not_listed",
        method=asked.said,
    )
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


def with_identity(tracker: Tracker, text: str, clinic: ClinicConfig) -> str | None:
    """``text`` with the name and birth date it came with, or that the patient introduced
    themselves with just before ("carlos rivera 09/30/1975" - "Thanks, Carlos" - "i owe $240
    right? can i pay it off in parts" asked his details again); None without them."""
    today = clinic.now().date()
    if given_identity(text, today):
        return text
    intro = introduction_before(list(tracker.events))
    return f"{intro.rstrip(' .')}. {text}" if intro and given_identity(intro, today) else None


def balance_first(tracker: Tracker, text: str, identified: str) -> list[EventType]:
    """The message again as a balance question (``identified``: with the patient's details),
    and itself as the question asked after it (``asked_after`` keeps it while the balance form
    starts: see remember_second_request)."""
    latest = last_event(list(tracker.events), "user")
    entities = (tracker.latest_message or {}).get("entities") or []
    pending = {"intent": "billing_pay", "text": text, "asked_after": "billing_balance"}
    replay = replayed(identified, "billing_balance", latest, entities)
    return [SlotSet("pending_request", pending), *replay]


class ActionBillingPay(Action):
    """Portal, phone, in person, accepted methods; then plans and help, with an offer of staff."""

    def name(self) -> str:
        return "action_billing_pay"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        clinic = get_clinic()
        billing = clinic.billing
        facts = billing_facts(clinic)
        help_text = " ".join(
            t.strip() for t in (billing.payment_plans, billing.financial_assistance)
        )
        help_message = {
            "response": "utter_billing_help",
            "help": help_text.strip() or "Billing staff can talk through your options with you.",
            **facts,
        }
        text = latest_text(tracker)
        said = normalise(text)
        asked = method_asked(text, billing.methods)
        if charge_asked_after_balance(tracker):
            # "what's it for?" right after the balance (read as how to pay): what it is for
            from actions.fallback import replay_as

            return replay_as(tracker, last_event(list(tracker.events), "user"), "billing_balance")
        balance_button = {"title": "Check my balance", "payload": "/billing_balance"}
        policy = clinic.scheduling.late_cancel_policy.strip()
        if PAPER_ASKED.search(text):
            # "can i get a receipt for taxes" ("not something I can help with", or the
            # paid-already answer for "a receipt for what i paid last month"): where to get one
            dispatcher.utter_message(
                response="utter_itemized_statement", buttons=[balance_button], **facts
            )
            return []
        if change_fee_asked(text) and policy:
            # "will i have to pay a fee for moving it?" (while moving it): the policy, and the
            # task goes on
            dispatcher.utter_message(response="utter_change_fee", policy=policy, **facts)
            return []
        if scam_asked(text):
            # "i got a text saying i owe money is this a scam": a dead end, or "question a
            # charge?". Billing confirms it at the number the patient finds on our own pages.
            dispatcher.utter_message(
                response="utter_billing_is_it_us", buttons=[staff_button(), balance_button], **facts
            )
            # ...and nothing more: the "i owe money" of the message started a balance look-up
            # ("What is the patient's full name?") right after "don't give details", and the
            # "yes" to billing staff answered it
            return []
        elif already_paid(text):
            # "i already paid that last week": the balance again was no answer
            dispatcher.utter_message(
                response="utter_billing_already_paid", buttons=[staff_button()], **facts
            )
        elif asks_how_to_apply(text) and billing.financial_assistance_apply.strip():
            # "how do I apply / what do I need to qualify?": the how, not the offer again
            dispatcher.utter_message(
                response="utter_assistance_how_to_apply",
                apply=billing.financial_assistance_apply.strip(),
                buttons=[staff_button("Start an application with billing")],
                **facts,
            )
        elif COLLECTIONS.search(said):
            # "is my account in collections", "will this hurt my credit score": the ways to
            # pay, or "not something I can help with". Billing knows where the account stands.
            self._collections(dispatcher, said, facts, balance_button)
        elif (
            NEEDS_HELP_PAYING.search(said)
            and not PAYING_HOW.search(said)
            and not ASSISTANCE.search(said)
            and not tracker.get_slot("verified")
            and (identified := with_identity(tracker, text, clinic)) is not None
        ):
            # "carlos rivera 9/30/75 can i set up a payment plan": his balance first (which
            # says whether it can be split), then this answer; it was the general one, and
            # "how much is my balance" asked his name again.
            return balance_first(tracker, text, identified)
        elif (NEEDS_HELP_PAYING.search(said) or PLAN_LENGTH.search(said)) and not PAYING_HOW.search(
            said
        ):
            # "can I set up a payment plan", "I lost my job and can't pay": that answer alone,
            # ending with the offer, so a typed "yes" takes it; hardship is acknowledged first.
            if ASSISTANCE.search(said) and not PLAN_ASKED.search(said):
                # "do you have a sliding scale": the assistance program first (it led with
                # payment plans, which answer another question)
                first = (billing.financial_assistance, billing.payment_plans)
                help_message["help"] = " ".join(t.strip() for t in first).strip() or help_text
            if PLAN_LENGTH.search(said) and clinic.billing.payment_plans.strip():
                help_message["help"] = f"{PLAN_LENGTH_SAID} {help_message['help']}"
            if WAIVE_ASKED.search(said):
                help_message["help"] = f"{WAIVE_SAID} {help_message['help']}"
            if HARDSHIP.search(said):
                sorry = "I'm sorry you're going through this."
                help_message["help"] = f"{sorry} {help_message['help']}"
            small = None if ASSISTANCE.search(said) else balance_under_plan_minimum(tracker, clinic)
            if small is not None:
                # "can i pay in installments" about Liam's $35: plans start at $100, so not
                # "Set up a plan with billing" (staff would have said no).
                least = money(billing.payment_plan_minimum, "USD")
                help_message["help"] = (
                    f"Payment plans are for balances of {least} or more, and {small} is under "
                    f"that. {billing.financial_assistance.strip()}"
                ).strip()
            plan_button = staff_button(
                "Ask billing about assistance"
                if ASSISTANCE.search(said) or small is not None
                else "Set up a plan with billing"
            )
            dispatcher.utter_message(buttons=[plan_button], **help_message)
            if not AMOUNT_ASKED.search(said):
                # "i lost my job, can u help with my bill": that help is the answer; a balance
                # look-up started after it ("What is the patient's full name?") swallowed the
                # "yes" to billing staff
                return []
        elif PART_PAYMENT.search(said) and not PAYING_HOW.search(said):
            dispatcher.utter_message(response="utter_partial_payment", **facts)
            say_ways_to_pay(dispatcher, clinic)
            small = balance_under_plan_minimum(tracker, clinic)
            if small is None and billing.payment_plans.strip():
                # paying the rest over time: the plan, and staff to set it up
                dispatcher.utter_message(
                    text=billing.payment_plans.strip(),
                    buttons=[staff_button("Set up a plan with billing")],
                )
        elif UNPAID_ASKED.search(said) and billing.late_fees.strip():
            # "what happens if i dont pay": what the clinic does (no late fees, a reminder
            # first), not "I can't see collections from here"
            dispatcher.utter_message(
                response="utter_billing_if_unpaid",
                late_fees=billing.late_fees.strip(),
                buttons=[staff_button(), balance_button],
                **facts,
            )
        elif UNPAID_ASKED.search(said):
            self._collections(dispatcher, said, facts, balance_button)
        elif SOMEONE_ELSE_PAYS.search(said) or PAY_FOR_ANOTHER.search(said):
            # "can my husband pay my bill" got the list, which never said yes.
            dispatcher.utter_message(
                response="utter_billing_someone_else_pays"
                if SOMEONE_ELSE_PAYS.search(said)
                else "utter_billing_pay_for_someone"
            )
            say_ways_to_pay(dispatcher, clinic)
        elif late_payment_asked(text):
            # "whats the late fee" got the arrival time; "late fee" alone may mean a missed
            # appointment's, so its policy is said too unless a bill is named.
            appointments = "" if ABOUT_A_BILL.search(said) else clinic.scheduling.late_cancel_policy
            dispatcher.utter_message(
                response="utter_billing_late_fees",
                late_fees=billing.late_fees.strip()
                or f"Billing staff can tell you about fees on a bill at {facts['billing_phone']}.",
                appointments=f" For appointments: {appointments.strip()}" if appointments else "",
                buttons=[balance_button, staff_button()],
                **facts,
            )
        elif DUE_ASKED.search(said) and asked is None:
            # "how long do i have to pay" got the ways to pay: billing.due_days
            dispatcher.utter_message(
                response="utter_billing_due_days",
                due_days=billing.due_days,
                buttons=[balance_button, staff_button()],
                **facts,
            )
        elif pay_later(text) and asked is None:
            # "i'll pay it friday" (the ways to pay, with no word on whether later is fine)
            dispatcher.utter_message(
                response="utter_billing_pay_later",
                due_days=billing.due_days,
                late_fees=billing.late_fees.strip(),
                buttons=[balance_button],
                **facts,
            )
        elif PAY_HERE.search(said) and asked is None:
            # "can i pay it right here in the chat?": the ways to pay never said no (the
            # patient then typed a card number)
            dispatcher.utter_message(response="utter_no_payment_in_chat")
            say_ways_to_pay(dispatcher, clinic)
        elif PAY_AT_THE_VISIT.search(said) and COPAY_ASKED.search(said):
            # "do i need to pay a copay when i come in" got "Yes, you can pay at the front
            # desk": a yes about a copay nobody here can see
            dispatcher.utter_message(
                response="utter_insurance_copay", buttons=[balance_button], **facts
            )
        elif PAY_AT_THE_VISIT.search(said) and asked is None:
            # "can i just pay at my appt?": the yes was buried in the list
            dispatcher.utter_message(response="utter_pay_at_the_visit")
            say_ways_to_pay(dispatcher, clinic)
        elif asked is not None:
            answer_method(dispatcher, asked, clinic)
        else:
            say_ways_to_pay(dispatcher, clinic)
            dispatcher.utter_message(buttons=[staff_button()], **help_message)
        if tracker.active_loop_name:
            return []  # the form asks its own question next
        return answer_second_request(dispatcher, tracker, "billing_pay")

    @staticmethod
    def _collections(
        dispatcher: CollectingDispatcher,
        said: str,
        facts: dict[str, str],
        balance_button: dict[str, str],
    ) -> None:
        """Reassurance, and billing staff to say where the account stands (we can't see it)."""
        dispatcher.utter_message(
            response="utter_billing_collections",
            sorry="I'm sorry things are hard right now. " if HARDSHIP.search(said) else "",
            buttons=[staff_button(), balance_button],
            **facts,
        )


# --- insurance -------------------------------------------------------------------------------

# Insured, but the plan's name unknown: "not sure what it's called", "through my job".
PLAN_NAME_UNKNOWN = re.compile(
    r"\b(not sure|don t know|dont know|do not know|idk|no idea|forgot|can t remember|"
    r"cant remember|not certain|unsure)\b.{0,40}\b(name|called|plan|insurance|which|what)\b"
    r"|\b(through|thru|from|with) (my|our|his|her) (job|work|employer|company|school|union|"
    r"(husband|wife|partner|spouse|mom|dad|parent|parents)( s|s) (job|work|employer|company))\b"
)
# "I have Kaiser but want to switch, what do you accept": the list too, after the answer.
LIST_ASKED = re.compile(
    r"\b(what|which) (insurance|insurances|plans|ones|kinds of insurance)\b.{0,30}\b"
    r"(accept|take|work with|cover)"
    r"|\bwhat (do|does) (you|u|ya|the clinic|your clinic) (accept|take)\b"
)
# "how much is my copay": set by the patient's plan, which we cannot see (it got the balance).
COPAY_ASKED = re.compile(
    r"\b(copays?|co pays?|copayments?|co payments?|deductibles?|coinsurance|co insurance|"
    r"out of pocket)\b"
)
# "whats a deductible", "difference between that and a copay", "and coinsurance?": each got
# "Your copay is set by your insurance plan" word for word. General terms, said plainly.
INSURANCE_TERMS = (
    (
        re.compile(r"\bdeductibles?\b"),
        "A deductible is what you pay for covered care each year before your plan starts paying "
        "its share.",
    ),
    (
        re.compile(r"\b(copays?|co pays?|copayments?|co payments?)\b"),
        "A copay is a set amount, like $25, that you pay for a visit.",
    ),
    (
        re.compile(r"\b(coinsurance|co insurance)\b"),
        "Coinsurance is a share of the cost, like 20%, that you pay once the deductible is met.",
    ),
    (
        re.compile(r"\bout of pocket (max|maximum|limit)\b"),
        "The out-of-pocket maximum is the most you pay in a year for covered care; after that, "
        "your plan pays the rest.",
    ),
)
# "what is a deductible", "whats the difference between ...", "what does coinsurance mean".
TERM_ASKED = re.compile(
    r"\b(what s|whats|what is|what are|what does|what do|wats|wat s|wat is|wut|wuts|"
    r"meaning of|mean|means|difference|"
    r"explain|vs|versus|and)\b"
)


# "whats an eob" (it got the balance again, word for word).
EOB_ASKED = re.compile(r"\b(eobs?|e o b|explanation of benefits)\b")
# "is that after insurance?", "does the 240 include what insurance paid" (it got the list of
# plans and "Which insurance plan do you have?").
AFTER_INSURANCE = re.compile(
    r"\b(is|does|did|was)\b.{0,25}\b(after|minus|before|include|includes|including|count|"
    r"take into account|with)\b.{0,15}\b(insurance|what (my |the )?(insurance|plan) (paid|pays|"
    r"covered|covers))\b"
)


# "i got an EOB, do i owe that?" (a complaint to the model: handed to staff, the chat paused).
OWE_ASKED = re.compile(
    r"\b(do|should|must|will|would) (i|we) (still )?(owe|pay|have to pay|need to pay)\b"
    r"|\bis (this|that|it|an eob|the eob|my eob) (a|the) bill\b|\bhave to pay (this|that|it)\b"
)


def eob_bill_asked(text: str) -> bool:
    """Whether the message asks if an EOB is a bill to pay ("i got an EOB, do i owe that?")."""
    said = normalise(text)
    return bool(EOB_ASKED.search(said) and OWE_ASKED.search(said))


def eob_or_after_insurance(text: str) -> str | None:
    """``utter_insurance_eob`` or ``utter_balance_after_insurance`` when the message asks what an
    EOB is (or whether one is to be paid) or whether a balance is what's left after insurance;
    else None."""
    said = normalise(text)
    if eob_bill_asked(text) or (
        EOB_ASKED.search(said) and TERM_ASKED.search(said) and not re.search(r"\bmy eob\b", said)
    ):
        return "utter_insurance_eob"
    if AFTER_INSURANCE.search(said):
        return "utter_balance_after_insurance"
    return None


def insurance_terms(text: str) -> str:
    """What the insurance words asked about mean ("whats a deductible"), or "" when the question
    is about the patient's own amount ("how much is my copay", "have i met my deductible")."""
    said = normalise(text)
    if not TERM_ASKED.search(said) or re.search(r"\b(my|our|his|her|met)\b", said):
        return ""
    return " ".join(meaning for word, meaning in INSURANCE_TERMS if word.search(said))


# "how do I update my insurance", "my insurance changed" (it got the list of plans only).
INSURANCE_UPDATE = re.compile(
    r"\b(update|updating|change|changing|add|adding|give (you|u)|send|upload|submit|switch)\b"
    r".{0,20}\b(insurance|insurance card|insurance info|card|coverage)\b"
    r"|\b(new|different) (insurance|insurance card|card|plan)\b"
    r"|\binsurance (changed|is changing|has changed|switched|is different|is new)\b"
    r"|\b(changed|switched) (my |our )?(insurance|plans?|insurers?)\b"
)
_PRICED = (
    r"(visit|appointment|appt|checkup|check up|physical|exam|shot|shots|vaccine|vaccines|test|"
    r"tests|lab|labs|blood work|x ray|pap|screening|new patients?)"
)
# The price of a visit ("how much is a visit if i pay cash", "how much is a flu shot"): billing
# tells it up front.
COST_ASKED = re.compile(
    r"\bhow much (is|are|does|do|will|would|do you charge for|for|to get) (a|an|the|my|one)? ?"
    rf"(\w+ )?{_PRICED}\b"
    r"|\b(cost|price|prices|fee|fees|charge) (of|for) (a|an|the|your)? ?(\w+ )?"
    rf"{_PRICED}\b"
    r"|\bself pay (price|prices|rate|rates|cost)\b"
    # "wait how much will it cost" while booking (it got the list of plans we take)
    r"|\bhow much (is|will|would|does|did) (it|that|this) (cost|be|run|set me back)\b"
    r"|\bwhat (does|will|would) (it|that|this) cost\b"
)
# "i lost my insurance card": the visit can go ahead (it got the list of plans).
CARD_LOST = re.compile(
    r"\b(lost|lose|misplaced|cant find|can t find|forgot|left|dont have|don t have|no have) "
    r"(my |his |her |the )?(insurance |medical |medi cal |medicare |medicaid )?card\b"
)
# "how much is a sick visit if i pay cash": the self-pay answer
CASH_WORDS = re.compile(r"\b(cash|out of pocket|pay myself|cash price)\b")
SELF_PAY = re.compile(
    r"\b(no insurance|not insured|uninsured|without insurance|self pay|selfpay|cash pay|"
    r"lost my insurance|lost our insurance|lost (my|our) coverage|no longer have insurance|"
    r"don t have (any )?insurance|do not have (any )?insurance|dont have (any )?insurance|"
    r"no have (any )?insurance|no tengo seguro|sin seguro)\b"
    # "do i need insurance?" (it got the list of plans, and no answer)
    r"|\b(do|does|would|will) (i|we|he|she|they|you|u|my \w+) (need|have to have|require|"
    r"need to have) (health |medical )?insurance\b|\binsurance (required|necessary|a must)\b"
)


def named_plan(tracker: Tracker, clinic: ClinicConfig, answering: bool = False) -> PlanNamed | None:
    """The plan named in the latest message (see :mod:`actions.plan_names`), or None.
    ``answering``: the message answers "Which insurance plan do you have?", whatever the model
    read it as."""
    text = latest_text(tracker)
    entities = (tracker.latest_message or {}).get("entities") or []
    if not text or name_with_birth_date(text):
        # "Emily Johnson 04/12/1988" after "Which insurance plan?": the patient, not a plan
        # ("I don't see Emily Johnson 04/12/1988 on my list" told her she was not on file).
        return None
    if is_button_payload(text):  # a button's plan: its entity value is the whole name
        values = [str(e.get("value") or "") for e in entities if e.get("entity") == "insurance"]
        return identify(values[0], clinic) if values and values[0].strip() else None
    intent, _ = latest_intent(tracker)
    return plan_in_message(
        text,
        entities,
        clinic,
        whole_answer=intent == "inform" or answering,
        about_insurance=intent == "billing_insurance",
    )


MAX_PLANS_ANSWERED = 3


def several_plans(tracker: Tracker, clinic: ClinicConfig) -> list[PlanNamed]:
    """The plans a typed insurance question names, when it names more than one (else [])."""
    text = latest_text(tracker)
    intent, _ = latest_intent(tracker)
    if intent != "billing_insurance" or not text or is_button_payload(text):
        return []
    entities = (tracker.latest_message or {}).get("entities") or []
    plans = plans_in_message(text, entities, clinic)[:MAX_PLANS_ANSWERED]
    return plans if len(plans) > 1 else []


PLAN_ACRONYMS = {"ppo", "hmo", "epo", "pos", "uhc", "bcbs", "hsa", "hdhp", "aarp", "ihss"}
SMALL_WORDS = {"of", "and", "the", "for", "de", "del", "la", "y"}
UNNAMED_PLAN = "that plan"  # what we call a plan the patient has not named


def as_named(said: str) -> str:
    """A plan name as the patient typed it, capitalised when they typed it all in lower case
    ("aetna better health" -> "Aetna Better Health"), so the answer doesn't read as an echo."""
    if said != said.lower() or said == UNNAMED_PLAN:
        return said
    words = said.split()
    return " ".join(
        w.upper()
        if w in PLAN_ACRONYMS
        else w
        if w in SMALL_WORDS and i > 0
        else w[:1].upper() + w[1:]
        for i, w in enumerate(words)
    )


def answer_plan(
    dispatcher: CollectingDispatcher,
    named: PlanNamed,
    clinic: ClinicConfig,
    offer_staff: bool = True,
) -> None:
    """What the clinic knows about the plan the patient named: yes, a kind no, a careful "can't
    tell" or "we can check". Never a false yes; every answer but the yes offers billing staff
    (``offer_staff=False``: the caller offers it once, after several answers)."""
    facts = billing_facts(clinic)
    staff = [staff_button()] if offer_staff else []
    if named.plan is not None and named.accepted:
        dispatcher.utter_message(response="utter_insurance_accepted", plan=named.plan.name, **facts)
    elif named.plan is not None:
        dispatcher.utter_message(
            response="utter_insurance_not_accepted",
            plan=named.plan.name,
            buttons=staff,
            **facts,
        )
    elif named.family is not None:
        # "Cigna Open Access Plus": the company is on a list, this plan may not be.
        dispatcher.utter_message(
            response="utter_insurance_family_accepted"
            if named.family_accepted
            else "utter_insurance_family_not_accepted",
            family=named.family.name,
            plan=as_named(named.said),
            buttons=staff,
            **facts,
        )
    else:
        dispatcher.utter_message(
            response="utter_insurance_unknown",
            plan=as_named(named.said),
            buttons=staff,
            **facts,
        )


def marketplace_named(text: str, clinic: ClinicConfig) -> str | None:
    """The marketplace a message names ("covered california"), as clinic.yml writes it."""
    words = f" {normalise(text)} "
    for name in clinic.insurance.marketplaces:
        if f" {normalise(name)} " in words:
            return name
    return None


def say_self_pay(dispatcher: CollectingDispatcher, clinic: ClinicConfig) -> None:
    """Seen without insurance: plans, assistance, and billing for the price up front."""
    billing = clinic.billing
    dispatcher.utter_message(
        response="utter_insurance_self_pay",
        help=" ".join(
            t.strip() for t in (billing.payment_plans, billing.financial_assistance)
        ).strip(),
        buttons=[staff_button()],
        **billing_facts(clinic),
    )


class ActionCheckInsurance(Action):
    """Is a plan accepted? From ``clinic.yml``: yes / a kind no / "we can check" / which plan?"""

    def name(self) -> str:
        return "action_check_insurance"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        clinic = get_clinic()
        facts = billing_facts(clinic)
        accepted_list = join_words([p.name for p in clinic.insurance.accepted])
        intent, _ = latest_intent(tracker)
        # A plan name the model misread, right after our question (see ActionStop); a new
        # insurance question ("what about Cigna?") is read as one.
        after_our_question = action_before_message(tracker) == self.name()
        answering = after_our_question and intent != "billing_insurance"
        text = latest_text(tracker)
        # "no idea", "umm not sure", "through my husbands work" at our question: no plan called
        # "Idea", "Umm" or "Husbands"
        doubt = after_our_question and bool(
            UNDECIDED.match(text) or PLAN_NAME_UNKNOWN.search(normalise(text))
        )
        named = None if doubt else named_plan(tracker, clinic, answering)
        several = several_plans(tracker, clinic)
        marketplace = marketplace_named(text, clinic)
        if (named is None or (named.plan is None and named.family is None)) and not marketplace:
            # "what about carlos rivera 09/30/1975" right after a balance: his balance, not
            # "I don't see Carlos Rivera 09 on my list" (fallback imports this module)
            from actions.fallback import look_up_for_another, replay_as

            again = look_up_for_another(tracker, text)
            if again is not None:
                return replay_as(tracker, last_event(list(tracker.events), "user"), again)
            if charge_asked_after_balance(tracker):
                latest = last_event(list(tracker.events), "user")
                return replay_as(tracker, latest, "billing_balance")
        if CARD_LOST.search(normalise(text)) and not several:
            # "i lost my insurance card, can i still come to my appt" got the list of plans,
            # and "forgot my medi-cal card at home" "Please bring your insurance card"
            dispatcher.utter_message(response="utter_insurance_card_lost", **facts)
            return []
        brand = brand_asked(text, clinic.billing.methods)
        explained = eob_or_after_insurance(text) if named is None and not several else None
        if explained is not None:
            dispatcher.utter_message(
                response=explained,
                buttons=[
                    {"title": "Check my balance", "payload": "/billing_balance"},
                    staff_button(),
                ],
                **facts,
            )
            # ...and nothing more: "do i owe that" (of "i got an EOB, do i owe that?") started
            # a balance look-up after it; [Check my balance] is there
            return []
        elif brand is not None and (named is None or (named.plan is None and named.family is None)):
            # "do you take care credit" got "I don't see Care Credit on my list" of plans
            answer_method(dispatcher, brand, clinic)
        elif marketplace and not several and (named is None or named.plan is None):
            # "Covered California" is a marketplace, not a plan: which company is it with?
            dispatcher.utter_message(
                response="utter_insurance_marketplace",
                marketplace=marketplace,
                plans=accepted_list,
                buttons=[staff_button()],
                **facts,
            )
        elif several:
            # "Oscar or Anthem?": one answer each, so no plan is passed over in silence, and
            # billing staff offered once, with the last answer that is not a plain yes.
            unsure = [i for i, p in enumerate(several) if not (p.plan and p.accepted)]
            for i, plan in enumerate(several):
                answer_plan(dispatcher, plan, clinic, offer_staff=bool(unsure) and i == unsure[-1])
        elif named is not None and (named.plan is not None or named.family is not None):
            answer_plan(dispatcher, named, clinic)
            if not (named.plan and named.accepted) and LIST_ASKED.search(normalise(text)):
                dispatcher.utter_message(
                    response="utter_insurance_list", plans=accepted_list, **facts
                )
            if INSURANCE_UPDATE.search(normalise(text)):
                dispatcher.utter_message(response="utter_insurance_update_how", **facts)
        elif named is None and INSURANCE_UPDATE.search(normalise(text)):
            dispatcher.utter_message(
                response="utter_insurance_update", buttons=[staff_button()], **facts
            )
            if LIST_ASKED.search(normalise(text)):
                dispatcher.utter_message(
                    response="utter_insurance_list", plans=accepted_list, **facts
                )
        elif named is None and COPAY_ASKED.search(normalise(text)):
            terms = insurance_terms(text)
            if terms:
                dispatcher.utter_message(text=terms)
            dispatcher.utter_message(
                response="utter_insurance_copay",
                buttons=[
                    {"title": "Check my balance", "payload": "/billing_balance"},
                    staff_button(),
                ],
                **facts,
            )
        elif named is None and COST_ASKED.search(normalise(text)):
            # "how much is a visit if i pay cash" got "Yes, you can pay with cash"; "how much
            # will my physical cost" got the self-pay answer (no one said they had no plan)
            if SELF_PAY.search(normalise(text)) or CASH_WORDS.search(normalise(text)):
                say_self_pay(dispatcher, clinic)
            else:
                dispatcher.utter_message(
                    response="utter_visit_cost", buttons=[staff_button()], **facts
                )
        elif named is None and (asked := method_asked(text, clinic.billing.methods)):
            # "do you accept cash?" read as an insurance question: a way to pay, not a plan
            answer_method(dispatcher, asked, clinic)
        elif named is None and (PLAN_NAME_UNKNOWN.search(normalise(text)) or doubt):
            # "it's through my job, idk the name": where to find it, and who can check
            dispatcher.utter_message(
                response="utter_insurance_name_unknown",
                plans=accepted_list,
                buttons=[staff_button()],
                **facts,
            )
        elif SELF_PAY.search(normalise(text)):
            say_self_pay(dispatcher, clinic)
        elif named is not None:
            answer_plan(dispatcher, named, clinic)  # a plan we do not know: we can check
        elif (
            (intent == "inform" or answering)
            and text
            and not is_button_payload(text)
            and not name_with_birth_date(text)
        ):
            answer_plan(dispatcher, PlanNamed(UNNAMED_PLAN), clinic)
        elif tracker.active_loop_name:
            # In the middle of a form, which asks its own question next: the list, no question.
            dispatcher.utter_message(response="utter_insurance_list", plans=accepted_list, **facts)
        else:
            dispatcher.utter_message(
                response="utter_ask_insurance_plan", plans=accepted_list, **facts
            )
            return []  # a question of our own: the patient answers that first
        if tracker.active_loop_name:
            return []
        return answer_second_request(dispatcher, tracker, "billing_insurance")


# --- disputes --------------------------------------------------------------------------------

# A fee named: "late fee", "the late cancel fee", "no show fee", "the fee".
FEE_NAMED = re.compile(
    r"\b(late|no show|noshow|missed|missed (appointment|appt|visit)|cancel|cancellation|"
    r"cancelation|late cancel|late cancellation|payment|the|that|this|a|these|those|\d+( dollar)?)"
    r" (fee|fees|penalty|penalties)\b|\blate (payment )?charges?\b"
)
# ...and disputed: unfair, to be taken off, on the bill already ("why is there a late fee on my
# bill" got the arrival time; "the late cancel fee is unfair" was out of scope). Not asked about
# ahead ("will i get charged a fee?", "is there a fee for missing an appointment").
FEE_DISPUTED = re.compile(
    r"\b(unfair|not fair|ridiculous|bs|bull|rip ?off|outrageous|remove|removed|waive|waived|"
    r"waiving|take (it|that|this|the \w+ ?fee|the fee) off|take off|drop (it|that|the)|reverse|"
    r"refund|dispute|contest|appeal|never (even )?missed|wasn t late|was not late|i was there|"
    r"(don t|dont|do not|shouldn t|shouldnt|should not|please don t|pls dont|not) (be )?"
    r"charg(e|ed|ing)|charged (me|us|my)|got charged|was charged|been charged|"
    r"on (my|the|our|his|her) (bill|statement|account|invoice)|"
    r"(why|how come) (was there|did i get|do i have|am i|was i|did)|"
    r"(why|how come) (is there|is|was) (a|an|this|that) [\w ]{0,20}(on|in) (my|the|our) "
    r"(bill|statement|account|invoice)|"
    r"(there s|theres|there is|i have|i got|got) an? (?![\w ]{0,20}\b(policy|policies|question|"
    r"questions)\b)(late|no show|cancel\w*|\d+))\b"
)
# "late fee??", "why a late fee": the fee named and nothing more, a dispute too (we add no late
# fees to bills, so one named is one charged).
# A fee of the cancellation policy named alone ("no show fee?", "late cancellation fee?") asks
# whether there is one, like "is there a no-show fee": the policy (handed to billing staff, the
# chat paused, it waited for the next shift). Pointed at ("why the no show fee", "this cancel
# fee", "no show fee on my bill", "no show fee again") it is still a dispute.
POLICY_FEE = (
    r"(no show|noshow|late cancel|late cancellation|late cancelation|cancellation|cancelation|"
    r"cancel|missed appointment|missed appt|missed visit)"
)
FEE_WORD = r"(fee|fees|charge|charges)"
FEE_ALONE = re.compile(
    r"^(a |the |this |that |why |why a |why the |what s this |whats this |what is this )?"
    rf"late {FEE_WORD}( (again|pls|please|on my bill))?$"
    r"|^(this |that |why |why a |why the |what s this |whats this |what is this )"
    rf"{POLICY_FEE} {FEE_WORD}( (again|pls|please|on my bill))?$"
    rf"|^(a |the )?{POLICY_FEE} {FEE_WORD} (again|pls|please|on my bill)$"
)


def fee_disputed(text: str) -> bool:
    """A fee on the bill questioned or asked to be taken off (a billing dispute)."""
    said = normalise(text)
    if FEE_ALONE.search(said):
        return True
    return bool(FEE_NAMED.search(said) and FEE_DISPUTED.search(said))


# Words of a dispute that say nothing about what went wrong ("I want to dispute a charge").
GENERIC_DISPUTE_WORDS = set(
    """
    i im i m me my mine we our you your this that these the a an it its to of for on in with
    is are was were be been am do does did want would like need have has had please pls plz
    can could someone somebody anyone look into review check fix help sort out see get about
    dispute disputing disputed contest contesting appeal appealing challenge
    charge charges charged bill bills billed billing statement statements invoice account
    wrong incorrect error errors mistake mistakes problem issue issues question questions
    not right correct think there seems seem looks look like just hi hello hey
    overcharged overcharge overbilled why what how
    late fee fees
    got get received receive recieved came come mail mailed letter from guys new today
    yesterday killing kill crazy insane ridiculous
    """.split()
)
DETAILS_LIMIT = 300
# How sure the model must be that a message asks for another task, not what went wrong...
TASK_SWITCH_CONFIDENCE = 0.8
# ...and words that make it an account of what went wrong after all ("they billed me twice").
ACCOUNT_WORDS = re.compile(
    r"\b(bill|billed|billing|charge|charged|charges|never|wrong|twice|double|refund|refunded|"
    r"overcharged|paid|mistake|error|didn|did not|shouldn|should not|denied|claim|insurance)\b"
)


def clip(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def has_dispute_detail(text: str) -> bool:
    """Does the message say what went wrong ("charged twice"), not only that something did?"""
    if not text or is_button_payload(text):
        return False
    if DETAIL_MARKERS.search(text):
        return True
    words = [w for w in normalise(text).split() if len(w) > 2 and w not in GENERIC_DISPUTE_WORDS]
    return len(words) >= 1


# The dispute given up for something else ("actually nvm, just tell me what i owe", "can u
# just check what i owe first").
MIND_CHANGED = re.compile(
    r"\b(nvm|never ?mind|forget (it|that|about it)|scratch that|instead)\b|\bfirst\W*$"
    r"|^\W*(?:(?:ok|oh|hmm+|um+|wait|sorry)\W+)*actually\W+(?:can (?:u|you) )?just\b",
    re.IGNORECASE,
)
DISPUTE_INTERRUPTIONS = {"emergency", "crisis", "stop", "share_card_number"}
# Questions of another kind that "what happened?" lets through, asked as questions ("quick
# question do u take tricare" was filed for billing staff as the account of what went wrong).
OTHER_QUESTIONS = {
    "billing_insurance",
    # "i got a bill" - "what happened?" - "how long do i have to pay": filed for billing staff
    # and the chat paused, the question unanswered
    "billing_pay",
    "clinic_hours",
    "directions",
    "parking",
    "contact_info",
    "ask_clinicians",
}
ASKED = re.compile(
    r"\?|^\W*(quick question\W+)?(do|does|are|is|what|whats|where|when|how|can|r|u)\b",
    re.IGNORECASE,
)


class ValidateDisputeForm(PatientForm):
    """One question ("what happened?") when the first message had no detail; any answer counts."""

    form_name = "dispute_form"
    own_intents = {"billing_dispute"}

    def aside_reply(self, tracker: Tracker) -> str | None:
        if tracker.get_slot("requested_slot") == "dispute_details" and asks_back(
            latest_text(tracker)
        ):
            return "utter_dispute_which_bill"
        return super().aside_reply(tracker)

    def should_let_through(self, tracker: Tracker) -> bool:
        # Safety, a typed card number (never filed for staff) and "never mind" interrupt; so do
        # a tapped button and a plain request for another task ("I want to see my balance": no
        # amount, no date), which would otherwise be filed as the patient's account of what
        # went wrong. Anything else is that account.
        intent, confidence = latest_intent(tracker)
        if safety_flagged(tracker) or intent in DISPUTE_INTERRUPTIONS:
            return True
        text = latest_text(tracker)
        if intent in self.own_intents:
            return False
        if is_button_payload(text):
            return True
        if (
            intent in TASK_INTENTS | OTHER_QUESTIONS
            and MIND_CHANGED.search(text)
            and not DETAIL_MARKERS.search(text)
        ):
            # "actually nvm, just tell me what i owe" (a balance at 0.52) was filed for billing
            # staff as what went wrong, and the chat paused: the dispute is left for the task
            return True
        if (
            intent in OTHER_QUESTIONS
            and confidence >= TASK_SWITCH_CONFIDENCE
            and ASKED.search(text)
            and not ACCOUNT_WORDS.search(normalise(text))
        ):
            return True  # answered by its rule; "what happened?" is asked again
        return (
            intent in TASK_INTENTS
            and confidence >= TASK_SWITCH_CONFIDENCE
            and not DETAIL_MARKERS.search(text)
            and not ACCOUNT_WORDS.search(normalise(text))
        )

    def next_slot(self, slots: dict[str, Any], tracker: Tracker) -> str | None:
        return None if slots.get("dispute_details") else "dispute_details"

    def extract(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        slots: dict[str, Any],
        requested: str | None,
    ) -> dict[str, Any]:
        text = latest_text(tracker)
        if requested == "dispute_details":
            # A tapped button or a bare "yes" / "ok" is no account of what went wrong.
            bare = yes_or_no(tracker) is not None and len(text.split()) <= 3
            if not text or is_button_payload(text) or bare:
                return {"dispute_details": "(no further details given)"}
            return {"dispute_details": text}
        if has_dispute_detail(text):
            return {"dispute_details": text}
        return {}


class ActionBillingDispute(Action):
    """Submit of ``dispute_form``: acknowledge, keep the patient's account, escalate to billing."""

    def name(self) -> str:
        return "action_billing_dispute"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        quick = question_before_handoff(latest_text(tracker))
        if quick is not None and tracker.get_slot("pending_request") is None:
            # "i was charged twice. also what time do you close?": the hours first (once the
            # chat is handed over, staff answer it), then the dispute, at once, in the rest of
            # the message's words (its account stays in dispute_details)
            question, rest = quick
            dispute = {"intent": "billing_dispute", "text": rest, "at_once": True}
            latest = last_event(tracker.events, "user")
            return [SlotSet("pending_request", dispute)] + replayed(
                question["text"], question["intent"], latest, []
            )
        details = str(tracker.get_slot("dispute_details") or "").strip()
        dispatcher.utter_message(response="utter_billing_dispute")
        note = f'About the bill: "{clip(details, DETAILS_LIMIT)}"' if details else None
        return [SlotSet("dispute_details", None)] + escalate(
            dispatcher, tracker, "billing_dispute", note=note
        )
