"""A bill the patient says is paid already ("i already paid that last week", "i paid my bill
last week but it still shows a balance"): a payment takes a few business days to show, and
billing staff can check it (``utter_billing_already_paid``). Read by the how-to-pay answer
(actions/paying.py), the balance (actions/billing.py) and the guard that finds money trouble
in other readings (addons/money_words.py).
"""

from __future__ import annotations

import re

from actions.matching import normalise

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
