"""What a payment plan comes to each month, worked out from the verified patient's balance.

After "If paying it all at once is hard, we can set up a payment plan", Carlos ($240) asked
"how much would it be per month" and got "The cost depends on the visit and on your
insurance" (read as a price question); "ok lets do 3 months" got the ways to pay again. The
sum is simple and the patient is owed it: "$240.00 over 3 months is $80.00 a month". Billing
staff still set the plan up, so the answer always ends with the button to them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import ROUND_UP, Decimal

from rasa_sdk import Tracker

from actions.billing import money, plan_offered, verified_open_invoices
from actions.clinic_config import ClinicConfig

MONTH_WORDS = {
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
}
COUNT = rf"(\d{{1,2}}|{'|'.join(MONTH_WORDS)})"
# "how much would it be per month", "what would my monthly payment be", "how much a month"
# (not "how much is a visit": a month is named).
MONTHLY_ASKED = re.compile(
    r"\bhow much\b.{0,40}\b(per|a|each|every|monthly|by the) (month|payment|installment)s?\b"
    r"|\bhow much\b.{0,40}\bmonthly\b"
    r"|\bwhat (would|will|is|are|d|s)\b.{0,20}\bmonthly (payments?|amount|installments?)\b"
)
# "lets do 3 months", "can i do six months", "over 6 months", "a 4 month plan", "in 3
# payments" (not "i'll pay it in 3 months": a later day; nor "3 months from now", nor "i've
# paid for 3 months").
MONTHS_CHOSEN = re.compile(
    rf"\b(do|over|take|make it|a|the|plan for|spread (it|this|that) (out )?over) (?P<n>{COUNT})[ -]"
    r"(months?|monthly payments|payments|installments)\b(?! (from now|ago|later|away)\b)"
    rf"|\b(in|into) (?P<parts>{COUNT}) (monthly payments|payments|installments)\b"
)
# "can i pay 50 a month", "$60 per month", "40 dollars monthly".
AMOUNT_PER_MONTH = re.compile(
    r"\$? ?(\d{1,5}(?:\.\d{1,2})?) ?(?:dollars|bucks|usd)? ?(?:a|per|each|every|/) ?(?:month|mo)\b"
    r"|\$? ?(\d{1,5}(?:\.\d{1,2})?) ?(?:dollars|bucks|usd)? monthly\b",
    re.IGNORECASE,
)
# Longest plan a worked example names when the patient chose none.
EXAMPLE_MONTHS = (3, 6)


@dataclass(frozen=True)
class PlanAsked:
    """What the patient asked: the months they chose, or the amount they can pay a month."""

    months: int | None = None
    per_month: Decimal | None = None


def plan_amount_asked(text: str) -> PlanAsked | None:
    """The monthly amount asked about, a number of months chosen, or an amount a month
    offered; None when the message does none of these."""
    lowered = (text or "").lower().replace("’", "'")
    if chosen := MONTHS_CHOSEN.search(lowered):
        count = chosen.group("n") or chosen.group("parts")
        months = int(count) if count.isdigit() else MONTH_WORDS[count]
        if months >= 2:
            return PlanAsked(months=months)
    if offered := AMOUNT_PER_MONTH.search(lowered):
        amount = Decimal(offered.group(1) or offered.group(2))
        if amount > 0:
            return PlanAsked(per_month=amount)
    if MONTHLY_ASKED.search(lowered):
        return PlanAsked()
    return None


def open_total(tracker: Tracker, clinic: ClinicConfig) -> Decimal | None:
    """The verified patient's open balance in dollars when a plan can be set up for it; None
    when nobody is verified, nothing is owed, the balance is under the plan minimum, it is in
    another currency, or the billing system does not answer."""
    invoices = verified_open_invoices(tracker)
    if not invoices or any((i.currency or "USD").upper() != "USD" for i in invoices):
        return None
    if not plan_offered(invoices, clinic):
        return None
    return sum((i.total for i in invoices), Decimal("0"))


def each_month(total: Decimal, months: int) -> Decimal:
    """The monthly payment, rounded up to the cent (the last one is a little less)."""
    return (total / months).quantize(Decimal("0.01"), rounding=ROUND_UP)


def plan_sum(asked: PlanAsked, total: Decimal) -> str:
    """The worked sum for ``total``: for the months chosen, the amount offered, or examples."""
    owed = money(total, "USD")
    if asked.months:
        monthly = money(each_month(total, asked.months), "USD")
        return f"Over {asked.months} months, your {owed} would be {monthly} a month."
    if asked.per_month:
        if asked.per_month >= total:
            return f"{money(asked.per_month, 'USD')} covers your whole {owed} in one payment."
        months = int((total / asked.per_month).to_integral_value(rounding=ROUND_UP))
        return (
            f"At {money(asked.per_month, 'USD')} a month, your {owed} would be paid off in "
            f"{months} months."
        )
    first, second = EXAMPLE_MONTHS
    return (
        f"That's up to you: your {owed} would be {money(each_month(total, first), 'USD')} a "
        f"month over {first} months, or {money(each_month(total, second), 'USD')} over {second}."
    )


# Said after the sum.
AGREED_WITH_STAFF = (
    "Billing staff agree the plan with you, to fit what you can pay each month. Shall I connect "
    "you with them?"
)
# Said before the clinic's plan terms when nobody is verified (no balance to work from).
NO_BALANCE_YET = "What you pay each month depends on your balance and how many months you choose."


def monthly_amount_asked(text: str) -> bool:
    """ "how much would it be per month", "can i pay 50 a month": for addons/money_words.py,
    which makes them ``billing_pay`` whatever the model read (a months count alone is not
    enough there: "i've had this cough for 3 months")."""
    asked = plan_amount_asked(text)
    return asked is not None and asked.months is None
