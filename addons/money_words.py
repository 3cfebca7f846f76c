"""Billing words the model misread, for addons/task_words_guard.py: what a message about money
or insurance really asks, whatever intent the model gave it.

Patterns and predicates only; the guard decides, in its own order, which reading wins. Each
was met with a wrong turn: "why so much" after the balance (a yes), "i got a bill" (a name
asked for, with no word of the bill's trouble), "i lost my job, cant pay" (out of scope),
"accpet bluecross?" (a stop), "what about kaiser" after a plan question (unsure).
"""

from __future__ import annotations

import re

from actions.date_words import weekdays_named
from actions.dates import parse_when
from actions.insurance import COPAY_ASKED, INSURANCE_UPDATE
from actions.matching import find_location, find_practitioner, find_visit_type, normalise
from actions.observances import observance_day
from actions.office_hours import holiday_named
from actions.paying import (
    PLAN_LENGTH,
    already_paid,
    cannot_pay,
    card_fee_asked,
    collections_asked,
    due_asked,
    late_payment_asked,
    pay_later,
    scam_asked,
)
from actions.payment_methods import brand_asked, method_asked
from actions.plan_amounts import monthly_amount_asked
from actions.plan_names import plan_in_message
from actions.settings import get_clinic
from addons.safety_triage import SAFETY_INTENTS

BOOKING_INTENT = "book_appointment"
COMPLAINT_INTENT = "complaint"
DISPUTE_INTENT = "billing_dispute"

# "why so much" after the balance (a yes at 0.89, so "What can I help you with?"): a question
# about the amount, which the dispute action answers with what the balance is for.
WHY_SO_MUCH = re.compile(
    r"^\W*(?:(?:but|and|ok|okay|hmm|um|wait|so)\W+)?(?:why|how come)\s+(?:(?:is|was)\s+"
    r"(?:it|that|this)\s+|(?:it|that|this)\s+(?:is\s+)?|its\s+|it's\s+)?(?:so|that)\s+"
    r"(?:much|high|expensive|big|pricey)\b",
    re.IGNORECASE,
)
MISREAD_WHY_SO_MUCH = frozenset(
    {"affirm", "thank", "deny", "inform", "out_of_scope", "nlu_fallback"}
)

# "i thought insurance covered it", "my plan should have paid that" (read unsure, then "did you
# want to ask whether we take your insurance?"): a bill the patient believes insurance owes,
# which billing staff look into with the claim in front of them.
INSURANCE_SHOULD_HAVE_PAID = re.compile(
    r"\b(?:thought|supposed to|should(?:'?ve| have)|shouldn'?t|meant to|why (?:didn'?t|did not"
    r"|won'?t|wouldn'?t|hasn'?t|isn'?t))\b.{0,30}\b(?:insurance|insurer|plan|coverage)\b.{0,25}"
    r"\b(?:cover|covers|covered|pay|pays|paid|pick(?:ed)? (?:it |that |this )?up)\b"
    r"|\b(?:insurance|insurer|plan|coverage)\b.{0,20}\b(?:was supposed to|should(?:'?ve| have)"
    r"|was meant to|didn'?t|did not|never|refused to|won'?t)\b.{0,12}"
    r"\b(?:cover|covered|pay|paid|pick(?:ed)? (?:it |that |this )?up)\b",
    re.IGNORECASE,
)
# (the dispute itself too: read at 0.53, it went to the fallback's question all the same)
MISREAD_INSURANCE_SHOULD_HAVE_PAID = frozenset(
    {
        "billing_insurance",
        "billing_balance",
        "out_of_scope",
        "inform",
        "nlu_fallback",
        "deny",
        "billing_dispute",
    }
)

# "i got a bill", "received a bill from you" and nothing more: the dispute's "what happened?"
# (read as the balance, it asked for the patient's name with no word of the bill's trouble).
BILL_RECEIVED = re.compile(
    r"^\W*(?:(?:hi|hey|hello|so|um+|ok|okay|yeah)\W+)*(?:i|we|my \w+) (?:just |also )?"
    r"(?:got|received|recieved|have) (?:a|this|another|a new) (?:bill|statement|invoice)"
    r"(?: (?:from (?:you|u|you guys|y'?all|the clinic|your clinic|your office)|in the mail|today|"
    r"yesterday|this week))?\W*$",
    re.IGNORECASE,
)
# (the dispute itself too, when read unsure: its "what happened?", not "did you mean ...?",
# whichever way the model leans after a retrain)
MISREAD_BILL_RECEIVED = frozenset(
    {"billing_balance", "billing_pay", "out_of_scope", "inform", "billing_dispute"}
)

# "will i get charged for moving it?", "do u charge for changing it" (a dispute to the model:
# handed to billing staff, the chat paused, the move lost): the late-change policy.
FEE_QUESTION = re.compile(
    r"\b(will|would|do|does|is there|are there|am i|gonna|going to|can)\b", re.IGNORECASE
)

# "i got a statement but lost it, how much was it" (a dispute, 0.92: filed with billing staff
# and the chat paused): a bill lost or never received, and what is owed asked: the balance.
LOST_BILL = re.compile(
    r"\b(lost|misplaced|threw (it )?(away|out)|can'?t find|cannot find|never (got|received)|"
    r"didn'?t (get|receive))\b.{0,30}\b(bill|statement|invoice|it)\b.{0,40}\bhow much\b",
    re.IGNORECASE,
)
MISREAD_LOST_BILL = frozenset({DISPUTE_INTENT, "nlu_fallback", "out_of_scope", "billing_pay"})
# The bill named and nothing more ("bill", "the bill?"): read as a dispute (0.61), whose "what
# happened?" a plain "ok" answered, filing a dispute and pausing the chat. What is owed, instead.
BARE_BILL = re.compile(
    r"^\W*(the |a |my |our )?(bill|bills|billing|statement|invoice)"
    r"( (please|pls|plz|question|help|info))?\W*$",
    re.IGNORECASE,
)
# Money back (faq_words.REFUND: "can i get a refund" was "Did you want to book an
# appointment?"; "refund" alone a yes, 0.84) is a question for billing, asked what happened,
# unless read as one of these.
LEFT_WITH_A_REFUND = frozenset(
    {DISPUTE_INTENT, "billing_insurance", COMPLAINT_INTENT, "request_human", "faq", *SAFETY_INTENTS}
)

BALANCE_INTENT = "billing_balance"
INSURANCE_INTENT = "billing_insurance"
# A copay asked (billing.COPAY_ASKED), unless what is owed is asked: "what's my copay for the
# last visit", "my copay balance".
OWED = re.compile(
    r"\b(balance|owe|owed|owing|statements?|bills?|billed|charged?|paid|due|last visit|"
    r"last time|already)\b",
    re.IGNORECASE,
)


def copay_asked(text: str) -> bool:
    """A copay, deductible or out-of-pocket cost asked about, not an amount owed."""
    return bool(COPAY_ASKED.search(normalise(text))) and not OWED.search(text)


PAY_INTENT = "billing_pay"
# A fee on the bill disputed ("why is there a late fee on my bill": the arrival time; "the late
# cancel fee is unfair": out of scope) is a billing dispute, unless read as one of these. Read
# as a dispute already, it is made sure (0.3 asked "did you mean …?").
LEFT_WITH_A_FEE = frozenset({"request_human", "share_card_number", "stop", *SAFETY_INTENTS})
# Read as one of these, a message that can't pay ("i lost my job, cant pay": out of scope), asks
# about collections or credit, or whether a bill is a scam is the how-to-pay question, whose
# action answers each. Tasks, handoffs, safety and insurance (the self-pay answer covers help
# paying) keep their reading; the how-to-pay reading itself is made sure.
MISREAD_BILLING_HELP = frozenset(
    {
        PAY_INTENT,
        "out_of_scope",
        "faq",
        "deny",  # "i have no money right now" (0.73); a yes takes the offer made, so no "affirm"
        "greet",
        "thank",
        "goodbye",
        "bot_challenge",
        "billing_balance",
        "clinic_hours",
        "directions",
        "parking",
        "contact_info",
        "ask_clinicians",
        "nlu_fallback",
        # "i have no money right now" (0.52 after a data round: "To keep health information
        # private...", the appointments' identity check; details, 0.78, after another: "Sorry,
        # I didn't quite get that")
        "check_appointment",
        "inform",
    }
)
# ...and the plan's length ("how many months can i spread it over") read as a booking too.
MISREAD_PLAN_LENGTH = MISREAD_BILLING_HELP | {BOOKING_INTENT}
# ...and what a plan comes to each month read as the insurance question too.
MISREAD_PLAN_AMOUNT = MISREAD_PLAN_LENGTH | {"billing_insurance"}
# How long there is to pay read as a common question ("how long do i have to pay": how long a
# visit lasts) or a booking. Read as the balance it stays: that answer gives the patient's own
# due date.
MISREAD_DUE = frozenset({"faq", BOOKING_INTENT, "out_of_scope", "clinic_hours", "greet", "inform"})
# When the patient will pay ("ill pay it friday") read as details (0.95: "What can I help you
# with?") or one of these; or as the balance ("is it ok if i pay when i get paid", 0.49: the
# identity check) when what is owed is not asked.
MISREAD_PAY_LATER = MISREAD_DUE | {"nlu_fallback", "billing_balance"}
# ...or read as how to pay, but with less confidence than the fallback's threshold (config.yml).
UNSURE_PAY_LATER = 0.45
# What an EOB is, or whether a balance is after insurance, read as one of these.
MISREAD_INSURANCE_WORDS = frozenset(
    {
        "billing_balance",
        "billing_pay",
        "inform",
        "faq",
        "out_of_scope",
        "affirm",
        "deny",
        "check_appointment",
        "greet",
        "thank",
    }
)
# A bill said to be paid already, read as details or the appointments.
MISREAD_AS_DETAILS = frozenset({"inform", "check_appointment"})
# A way to pay named ("do you take care credit") read as one of these stays as read.
KEEP_WITH_A_BRAND = LEFT_WITH_A_FEE | {
    DISPUTE_INTENT,
    COMPLAINT_INTENT,
    "medical_advice",
    "test_results",
    BOOKING_INTENT,
    "cancel_appointment",
    "reschedule_appointment",
    "check_appointment",
}
# A dispute read with less confidence than this (addons/unsure_escalation.py asks "did you mean
# …?" under 0.55) is no dispute when the message asks about collections: "a collection agency
# called me about a maple grove bill is this legit" got "question a charge?", then "what
# happened?".
UNSURE_DISPUTE = 0.55
# An emergency or crisis guessed by the classifier alone, under this, in a question about credit
# or collections, is that billing question (the safety rules still read it after).
UNSURE_SAFETY_GUESS = 0.5
# "is there any help with medical bills" read as the balance: kept when the balance is asked.
APPOINTMENT_ASKED = re.compile(
    r"\b(appointments?|appts?|visits?|booked|scheduled|when is|when's|whens)\b", re.IGNORECASE
)
BALANCE_ASKED = re.compile(
    r"\b(how much|what (do|does|did) (i|we|he|she|they|my \w+) owe|balance|amount due|"
    r"what i owe)\b"
)


def billing_help_asked(text: str, intent: str | None, confidence: float = 1.0) -> bool:
    """Whether a message read as ``intent`` is really a question for the how-to-pay answer: it
    can't pay, asks about collections, credit, a scam or late fees, or names a way to pay that
    is nothing else ("do you take care credit": an insurance plan, "I don't see Care Credit on
    my list")."""
    if intent not in KEEP_WITH_A_BRAND and brand_asked(text, get_clinic().billing.methods):
        return True
    if intent not in KEEP_WITH_A_BRAND and card_fee_asked(text):
        # "is there a fee to pay by card" (a common question: "Yes. A balance on your account
        # never stops you from being seen")
        return True
    if intent == DISPUTE_INTENT:
        return (
            scam_asked(text)
            or late_payment_asked(text)
            # ("i have no money right now", unsure: "Did you want to question a charge?")
            or (
                confidence < UNSURE_DISPUTE
                and (collections_asked(text) or already_paid(text) or cannot_pay(text))
            )
        )
    if intent == "medical_advice" and collections_asked(text):
        # "will this hurt my credit score" (0.75 medical advice, once apostrophes stopped
        # counting: the nurses were asked): a credit score or collections is never medical
        return True
    if intent in SAFETY_INTENTS and confidence < UNSURE_SAFETY_GUESS and collections_asked(text):
        # "will this hurt my credit score" (an emergency to the classifier alone, 0.33, after a
        # data round: "If this is a medical emergency, call 911"). The safety rules still read
        # it after this (addons/safety_triage.py runs last), and find none.
        return True
    if intent == COMPLAINT_INTENT and confidence < UNSURE_DISPUTE and already_paid(text):
        # "i paid that already last wk wtf" (a complaint or a dispute, unsure: "Sorry, I didn't
        # quite get that"): how long a payment takes to show, and billing staff
        return True
    if intent in MISREAD_AS_DETAILS and already_paid(text):
        # "i already paid that last week" (details, 1.0: "What can I help you with?"), "i paid
        # it online on thursday, can u check" (the appointments)
        return True
    if intent in MISREAD_PLAN_LENGTH and PLAN_LENGTH.search(normalise(text)):
        # "how long can the plan be" (a common question: "Most visits are booked for 30
        # minutes"), "how many months can i spread it over" (a booking)
        return True
    if intent in MISREAD_PLAN_AMOUNT and monthly_amount_asked(text):
        # "how much would it be per month" after the plan offer (the insurance question, 0.67:
        # "The cost depends on the visit and on your insurance"): the plan's sum
        return True
    if intent in MISREAD_DUE and due_asked(text):
        return True
    if intent == PAY_INTENT and confidence < UNSURE_PAY_LATER and pay_later(text):
        # "ok ill pay it next friday" right after the balance (how to pay, 0.29: "did you want
        # to find out how to pay a bill?"): that later is fine, at once
        return True
    if (
        intent in MISREAD_PAY_LATER
        and pay_later(text)
        and (intent != BALANCE_INTENT or not BALANCE_ASKED.search(normalise(text)))
    ):
        return True
    if intent not in MISREAD_BILLING_HELP:
        return False
    if intent == "check_appointment" and APPOINTMENT_ASKED.search(text):
        return False  # "when is my appointment, also i have no money right now": both asked
    if not (
        cannot_pay(text)
        or collections_asked(text)
        or late_payment_asked(text)
        or already_paid(text)
    ):
        return False
    return intent != BALANCE_INTENT or not BALANCE_ASKED.search(normalise(text))


# Short replies the model may read into a typed plan name.
MISREAD_PLAN_QUESTION = frozenset(
    {"stop", "affirm", "deny", "out_of_scope", "faq", "greet", "goodbye", "thank"}
)
MAX_PLAN_QUESTION_WORDS = 5
# "what about kaiser" after "do you take medicare" (details 0.51, unsure: "Did you want to ask
# whether we take your insurance?"): another plan asked about, in a follow-up's words.
PLAN_FOLLOW_UP = re.compile(
    r"^\W*(?:(?:ok|okay|and|also|or|so)\W+)*(?:what|how) about\b|^\W*(?:ok\W+)?(?:and|or)\b",
    re.IGNORECASE,
)
MISREAD_PLAN_FOLLOW_UP = MISREAD_PLAN_QUESTION | {"inform", "nlu_fallback"}


def plan_asked_about(text: str) -> bool:
    """A few words that name one of the clinic's plans (or a plan of its company): "accpet
    bluecross?", "blue sheild ok?", "aetna??"; not "medical question"."""
    if len(text.split()) > MAX_PLAN_QUESTION_WORDS or NOT_A_PLAN.search(text):
        return False
    named = plan_in_message(text, [], get_clinic(), about_insurance=True)
    return named is not None and (named.plan is not None or named.family is not None)


# Read as one of these, a message naming one of the clinic's plans and asking whether it will
# do is the insurance question: "can I come there with tricare" got what visitors may come,
# "my grandma has Medicare part B, is that ok with you" went to the nurses (unsure).
MISREAD_PLAN_OK = frozenset(
    {
        "faq",
        "medical_advice",
        "out_of_scope",
        "inform",
        "greet",
        "affirm",
        "ask_clinicians",
        BOOKING_INTENT,
    }
)
PLAN_OK_ASKED = re.compile(
    r"\b(?:ok|okay|alright|fine|good|accept\w*|take|taken|in[- ]?network|work|covered|cover|"
    r"see (?:us|me|him|her|them)|be seen|come (?:there|in|here)|use it)\b",
    re.IGNORECASE,
)
# Read as a question for the nurses, only "is that ok (with you)?" at the end is about the plan
# ("my dad has medicare, is it ok for him to take ibuprofen" stays with the nurses).
PLAN_OK_AT_THE_END = re.compile(
    r"\b(?:is|would|will) (?:that|this|it) (?:be )?(?:ok|okay|alright|fine|good|accepted)"
    r"(?: (?:with you|there|here|at your \w+))?\W*$",
    re.IGNORECASE,
)
# (a card asked about is the card's answer; a visit asked for is booked, the plan after it)
NOT_PLAN_OK = re.compile(r"\b(?:cards?|book|schedule|appointments?|appts?)\b", re.IGNORECASE)
MAX_PLAN_OK_WORDS = 16


def plan_ok_asked(text: str, read_as: str | None) -> bool:
    """Whether a message read as ``read_as`` names one of the clinic's plans and asks whether
    it will do ("can we be seen with tri care"), in at most ``MAX_PLAN_OK_WORDS`` words."""
    if read_as not in MISREAD_PLAN_OK or len(text.split()) > MAX_PLAN_OK_WORDS:
        return False
    if NOT_A_PLAN.search(text) or NOT_PLAN_OK.search(text):
        return False
    asked = PLAN_OK_AT_THE_END if read_as == "medical_advice" else PLAN_OK_ASKED
    if not asked.search(text):
        return False
    named = plan_in_message(text, [], get_clinic(), about_insurance=True)
    return named is not None and named.plan is not None


# A plan the clinic does not list, asked about by its capitalised name ("I'm on Quartz. Do
# you take it", "Mercy Care ok there?"): parking and a goodbye answered. The insurance answer
# says it is not on the list and who can check. Only as a question, and never a clinician,
# an office, a visit, a day or a way to pay ("do you take Visa", "is Thursday ok?").
UNKNOWN_PLAN_ASKED = re.compile(
    r"\b(?:do|does|will|would|can) (?:you|u|ya|y'?all|you guys|u guys|the (?:clinic|office|"
    r"practice)) (?:guys )?(?:take|accept)\b|\b(?:ok|okay|accepted|in[- ]?network|taken)\b.*\?",
    re.IGNORECASE,
)
KEEP_WITH_AN_UNKNOWN_NAME = frozenset(
    {INSURANCE_INTENT, "billing_pay", "billing_balance", DISPUTE_INTENT, "request_human"}
    | set(SAFETY_INTENTS)
)
MAX_UNKNOWN_PLAN_WORDS = 12
# Taken in, but no plan: "do you take Walk Ins", "New Patients", "Same Day".
NOT_A_PLAN_TAKEN = re.compile(
    r"\b(walk|new|patients?|kids|children|bab(y|ies)|same|emergenc\w*|late|pets?|dogs?)\b", re.I
)


def unknown_plan_asked(text: str, read_as: str | None) -> bool:
    """Whether a short question asks if a plan the clinic does not list is taken."""
    if read_as in KEEP_WITH_AN_UNKNOWN_NAME or len(text.split()) > MAX_UNKNOWN_PLAN_WORDS:
        return False
    if not UNKNOWN_PLAN_ASKED.search(text) or NOT_A_PLAN.search(text) or NOT_PLAN_OK.search(text):
        return False
    clinic = get_clinic()
    named = plan_in_message(text, [], clinic, about_insurance=True)
    if named is None or named.plan is not None or named.family is not None:
        return False  # (a listed plan: plan_ok_asked)
    words = named.said.split()
    if not words or not all(w[:1].isupper() for w in words):
        return False  # "do you take x-rays", "apple pay", "walk ins"
    return not (
        NOT_A_PLAN_TAKEN.search(named.said)
        or method_asked(text, clinic.billing.methods)
        or holiday_named(named.said, clinic, clinic.now().date())
        or observance_day(named.said, clinic.now().date())
        or find_practitioner(named.said, clinic)
        or find_location(named.said, clinic)
        or find_visit_type(named.said, clinic)
        or weekdays_named(named.said)
        or parse_when(named.said, clinic.now()) is not None
    )


# "medical question", "medical advice": Medi-Cal is also called "medical", these are not it.
NOT_A_PLAN = re.compile(
    r"\b(question|questions|advice|issue|issues|problem|problems|emergency|help|records?|"
    r"history|condition|leave|note|form|forms)\b",
    re.IGNORECASE,
)


# "I want to switch to a different insurance" (moving an appointment, 0.98), "i got a new
# insurance card" (what to do without the card): how to update the insurance on file
# (actions/insurance.py answers it), when the insurance itself is named and no visit is.
MISREAD_INSURANCE_UPDATE = frozenset(
    {
        "reschedule_appointment",
        "book_appointment",
        "cancel_appointment",
        "check_appointment",
        "inform",
        "faq",
        "out_of_scope",
        "nlu_fallback",
        "affirm",
        "deny",
    }
)
INSURANCE_NAMED = re.compile(r"\b(?:insurance|insurer|coverage|health plan)\b")
VISIT_NAMED = re.compile(r"\b(?:book|schedule|appointments?|appts?|visits?|see (?:dr|doctor))\b")
MAX_INSURANCE_UPDATE_WORDS = 20


def insurance_update_asked(text: str, read_as: str | None) -> bool:
    """Whether a message read as ``read_as`` says the patient's insurance changed or asks how
    to update it, with no visit named ("can i move my visit, i have new insurance" is a move)."""
    if read_as not in MISREAD_INSURANCE_UPDATE or len(text.split()) > MAX_INSURANCE_UPDATE_WORDS:
        return False
    plain = normalise(text)
    return (
        bool(INSURANCE_UPDATE.search(plain))
        and bool(INSURANCE_NAMED.search(plain))
        and not VISIT_NAMED.search(plain)
    )
