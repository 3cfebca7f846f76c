"""How to pay a bill: the ways to pay, payment plans and financial assistance, answered from
``clinic.yml`` (``billing``).

``billing_pay`` covers many questions ("can I get a payment plan", "is my account in
collections", "how long do I have to pay", "I'll pay it friday"), and each gets its own answer:
the list of ways to pay answered none of them. addons/task_words_guard.py reads the same
patterns, so money trouble is ``billing_pay`` whatever the model read.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.already_paid import already_paid
from actions.billing import (
    NOTHING_OWED,
    PAPER_ASKED,
    answer_method,
    as_balance_items,
    balance_under_plan_minimum,
    billing_facts,
    money,
    say_ways_to_pay,
    staff_button,
)
from actions.booking_guards import change_fee_asked
from actions.clinic_config import ClinicConfig
from actions.disputes import fee_disputed
from actions.insurance import COPAY_ASKED
from actions.matching import normalise
from actions.mentions import given_identity
from actions.payment_methods import method_asked
from actions.plan_amounts import (
    AGREED_WITH_STAFF,
    NO_BALANCE_YET,
    PlanAsked,
    open_total,
    plan_amount_asked,
    plan_sum,
)
from actions.request_context import introduction_before
from actions.second_request import answer_second_request, replayed
from actions.settings import get_clinic
from actions.stop import action_before_message
from actions.tracker_reading import last_event, latest_text

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

# The button that hands a payment plan to billing staff.
PLAN_BUTTON = "Set up a plan with billing"


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


# "my card got declined on the portal", "the payment wont go through": a payment that failed
# (not an insurance claim denied, which is a billing question of its own).
PAYMENT_FAILED = re.compile(
    r"\b(?:card|payment|paying|pay|portal|hsa|fsa|visa|mastercard|amex|debit|credit|"
    r"transaction|checkout)\b(?:\W+\w+){0,4}?\W+(?:got |was |is |keeps |kept |being )?"
    r"(?:declined|denied|rejected|refused|failed|fails|bounced|(?:won'?t|wont|will not|"
    r"didn'?t|did not|doesn'?t|does not|isn'?t|is not|not) (?:go(?:ing)? through|work(?:ing)?|"
    r"process(?:ing)?)|errors?(?: out)?|gave (?:me )?an error)\b"
    r"|\b(?:declined|error|failed)\b(?:\W+\w+){0,4}?\W+(?:card|payment|portal)\b",
    re.IGNORECASE,
)
NOT_A_PAYMENT = re.compile(
    r"\b(?:claim|insurance|coverage|prior auth\w*|referral)\b"
    # "i cant pay, im not working right now": out of work, not a payment that failed
    r"|\b(?:i'?m|im|i am|i'?ve been|been|he'?s|she'?s|we'?re|they'?re) not working\b",
    re.IGNORECASE,
)


def payment_failed(text: str) -> bool:
    """Whether the patient says a payment of theirs did not go through."""
    text = (text or "").replace("\u2019", "'")
    return bool(PAYMENT_FAILED.search(text)) and not NOT_A_PAYMENT.search(text)


# "is there a fee to pay by card", "convenience fee for paying online": a fee for how one pays
# (it got "Yes. A balance on your account never stops you from being seen").
_PAID_BY = (
    r"(?:card|cards|credit|debit|online|phone|portal|hsa|fsa|ach|check|cheque|apple pay|"
    r"google pay|paypal|venmo)"
)
_FEE = (
    r"(?:fees?|surcharges?|convenience fee|processing fee|service fee|extra (?:charge|fee|cost)|"
    r"charge (?:extra|more|a fee)|cost (?:extra|more))"
)
CARD_FEE_ASKED = re.compile(
    rf"\b{_FEE}\b(?:\W+\w+){{0,5}}?\W+{_PAID_BY}\b|\b{_PAID_BY}\b(?:\W+\w+){{0,3}}?\W+{_FEE}\b",
    re.IGNORECASE,
)
# (not "the late fee on my credit card statement", "a fee for cancelling online")
NOT_A_PAYING_FEE = re.compile(r"\b(?:late|cancel\w*|no[- ]show|missed|reschedul\w*)\b", re.I)


def card_fee_asked(text: str) -> bool:
    """Whether the patient asks if paying by card, online or by phone costs extra."""
    text = (text or "").replace("\u2019", "'")
    return bool(CARD_FEE_ASKED.search(text)) and not NOT_A_PAYING_FEE.search(text)


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

# "can i pay over the phone", "can i pay online?": a yes, and that way (the whole list of ways
# to pay and the payment plan paragraph answered it, twice in a row, and never said yes).
PAY_BY_PHONE = re.compile(
    r"\bpay\b.{0,20}\b(over the phone|by (tele)?phone|on the phone|by call(ing)?)\b"
    r"|\b(call|phone) (in )?to pay\b"
)
PAY_ONLINE = re.compile(
    r"\bpay\b.{0,20}\b(online|on ?line|on the (website|web ?site|web|portal|site|internet)|"
    r"through the (portal|website)|on your (website|site))\b"
)


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
        if (items := as_balance_items(tracker)) is not None:
            # "what's it for?" right after the balance (read as how to pay): what it is for
            return items
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
        elif card_fee_asked(text):
            # "is there a fee to pay by card": clinic.yml billing.card_fees, then the ways
            dispatcher.utter_message(
                text=billing.card_fees.strip()
                or f"Billing staff can tell you about any fee for paying by card at "
                f"{billing.phone} ({billing.hours})."
            )
            say_ways_to_pay(dispatcher, clinic)
            return []
        elif payment_failed(text):
            # "my card got declined on the portal": the ways to pay again, and the payment
            # plans, never said why or what to do
            dispatcher.utter_message(
                response="utter_payment_failed", buttons=[staff_button()], **facts
            )
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
        elif (plan := plan_amount_asked(text)) is not None and not PAYING_HOW.search(said):
            # "how much would it be per month", "ok lets do 3 months" after the plan offer
            total = open_total(tracker, clinic)
            if total is None and tracker.get_slot("verified"):
                # under the plan minimum, nothing owed, or billing did not answer
                self._help_paying(dispatcher, tracker, said, help_message, help_text)
                return []
            self._plan_amount(dispatcher, plan, total, balance_button)
            return []
        elif (NEEDS_HELP_PAYING.search(said) or PLAN_LENGTH.search(said)) and not PAYING_HOW.search(
            said
        ):
            # "can I set up a payment plan", "I lost my job and can't pay": that answer alone,
            # ending with the offer, so a typed "yes" takes it; hardship is acknowledged first.
            self._help_paying(dispatcher, tracker, said, help_message, help_text)
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
                    buttons=[staff_button(PLAN_BUTTON)],
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
            # "i'll pay it friday" (the ways to pay, with no word on whether later is fine);
            # right after the balance, which said when it is due, not "the due date is printed
            # on the statement" and a button to check the balance just shown
            shown = action_before_message(tracker, past_replays=True) == "action_show_balance"
            dispatcher.utter_message(
                response="utter_billing_pay_later_after_balance"
                if shown
                else "utter_billing_pay_later",
                due_days=billing.due_days,
                late_fees=billing.late_fees.strip(),
                buttons=[] if shown else [balance_button],
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
        elif PAY_BY_PHONE.search(said) and asked is None:
            dispatcher.utter_message(response="utter_pay_by_phone", **facts)
        elif PAY_ONLINE.search(said) and asked is None:
            dispatcher.utter_message(response="utter_pay_online", **facts)
        elif asked is not None:
            answer_method(dispatcher, asked, clinic, tracker)
        else:
            say_ways_to_pay(dispatcher, clinic)
            if balance_under_plan_minimum(tracker, clinic) is None:
                # (after Emily's $85 balance, "how can i pay it" went on about plans for $100
                # or more: the ways to pay answer it, and their phone number reaches billing)
                dispatcher.utter_message(buttons=[staff_button()], **help_message)
        if tracker.active_loop_name:
            return []  # the form asks its own question next
        return answer_second_request(dispatcher, tracker, "billing_pay")

    @staticmethod
    def _help_paying(
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        said: str,
        help_message: dict[str, Any],
        help_text: str,
    ) -> None:
        """Payment plans and financial assistance, in the order the patient asked, with a
        button to billing staff (a plan only when the balance is big enough for one)."""
        clinic = get_clinic()
        billing = clinic.billing
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
        if small == NOTHING_OWED:
            help_message["help"] = (
                f"There's nothing to pay on this account right now, so no plan is needed. "
                f"{billing.financial_assistance.strip()}"
            ).strip()
        elif small is not None:
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
            else PLAN_BUTTON
        )
        dispatcher.utter_message(buttons=[plan_button], **help_message)

    @staticmethod
    def _plan_amount(
        dispatcher: CollectingDispatcher,
        plan: PlanAsked,
        total: Decimal | None,
        balance_button: dict[str, str],
    ) -> None:
        """The monthly sum for the verified patient's balance; without one, the plan terms and
        a button to look the balance up."""
        plan_button = staff_button(PLAN_BUTTON)
        if total is not None:
            dispatcher.utter_message(
                text=f"{plan_sum(plan, total)} {AGREED_WITH_STAFF}", buttons=[plan_button]
            )
            return
        terms = get_clinic().billing.payment_plans.strip() or AGREED_WITH_STAFF
        dispatcher.utter_message(
            text=f"{NO_BALANCE_YET} {terms}", buttons=[plan_button, balance_button]
        )

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
