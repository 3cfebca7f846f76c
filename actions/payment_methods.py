"""A way to pay asked about by name ("do you take cash?", "can I pay with Apple Pay?").

Answered yes or "not on our list" from ``billing.methods`` in clinic.yml, so the patient gets
an answer to the question they asked, not only the list of ways to pay.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from actions.matching import normalise

# What patients name, most specific first, with the word that shows it in the clinic's list of
# methods ("visa" is a credit card). A name without a word is looked for as itself.
NAMED_METHODS: dict[str, str] = {
    # a health credit card, never a "credit card" ("can i pay with care credit card" got a yes)
    "care credit": "",
    "carecredit": "",
    "american express": "credit",
    "cashier s check": "check",
    "samsung pay": "",
    "google pay": "",
    "apple pay": "",
    "credit card": "credit",
    "debit card": "debit",
    "money order": "",
    "bank transfer": "ach",
    "e check": "ach",
    "cash app": "",
    "mastercard": "credit",
    "bitcoin": "",
    "crypto": "",
    "paypal": "",
    "venmo": "",
    "zelle": "",
    "visa": "credit",
    "amex": "credit",
    "discover": "credit",
    # words that are also verbs last: "can you check if you take visa"
    "personal check": "check",
    "cheques": "check",
    "cheque": "check",
    "checks": "check",
    "check": "check",
    "credit": "credit",
    "debit": "debit",
    "cash": "cash",
    "hsa": "hsa",
    "fsa": "fsa",
    "ach": "ach",
    # Spanish
    "efectivo": "cash",
    "tarjeta de credito": "credit",
    "tarjeta de debito": "debit",
    "tarjeta": "credit",
}
# The question around the name: "do you take / accept", "can I pay with / by / in".
ASKS = re.compile(
    r"\b(take|takes|accept|accepts|accepted|(pay|paying)\b.{0,30}?\b(with|by|in|using|via)|"
    # "can i pay cash", "could we pay it by check": the question without a "with"
    r"(can|could|may) (i|we|u|you|someone) (still |just |also )?pay|"
    r"use|is .* ok|okay|allowed|aceptan|acepta|aceptar|puedo pagar|se puede pagar)\b"
)
# The name alone, as a follow-up: "cash?", "what about venmo", "and paypal?"
ALONE = re.compile(r"^(what about|how about|and|or|also|y|)\s*(?P<name>.+?)\s*$")
DISPLAY = {
    "hsa": "HSA",
    "fsa": "FSA",
    "ach": "ACH",
    "amex": "Amex",
    "visa": "Visa",
    "paypal": "PayPal",
    "venmo": "Venmo",
    "zelle": "Zelle",
    "carecredit": "CareCredit",
    "care credit": "CareCredit",
    "mastercard": "Mastercard",
    "apple pay": "Apple Pay",
    "google pay": "Google Pay",
    "samsung pay": "Samsung Pay",
    "cash app": "Cash App",
    "american express": "American Express",
    "discover": "Discover",
    "cashier s check": "a cashier's check",
    "e check": "e-check",
    "efectivo": "cash (efectivo)",
    "tarjeta": "card (tarjeta)",
}


# Names that are only ever a way to pay (not "check", "cash", "credit": verbs and everyday
# words): "do you take care credit" was answered as an insurance plan ("I don't see Care
# Credit on my list").
BRANDS = frozenset(name for name, word in NAMED_METHODS.items() if not word)


@dataclass(frozen=True)
class MethodAsked:
    said: str  # as the patient can read it back: "Apple Pay", "cash"
    accepted: bool
    brand: bool = False  # a name that is only ever a way to pay (BRANDS)


# Checking in or out of a visit is no check: "do i pay my copay when i check in" got "Yes, you
# can pay with check".
CHECK_IN_OUT = re.compile(r"\bcheck(ing)? ?(in|out|up)\b")


def method_asked(text: str, methods: list[str]) -> MethodAsked | None:
    """The way to pay the message asks about, and whether ``methods`` has it; None when the
    message names none or does not ask ("I paid cash last week")."""
    words = f" {CHECK_IN_OUT.sub(' ', normalise(text))} "
    alone = ALONE.match(words.strip())
    alone_name = alone["name"] if alone else ""
    if not ASKS.search(words) and alone_name not in NAMED_METHODS:
        return None
    listed = f" {normalise(' '.join(methods))} "
    for name, word in NAMED_METHODS.items():
        if f" {name} " in words:
            accepted = f" {word or name} " in listed
            return MethodAsked(DISPLAY.get(name, name), accepted, name in BRANDS)
    return None


def brand_asked(text: str, methods: list[str]) -> MethodAsked | None:
    """A way to pay asked about by a name that is nothing else ("do you take care credit",
    "can i use apple pay"), whatever the model read the message as; else None."""
    asked = method_asked(text, methods)
    return asked if asked is not None and asked.brand else None
