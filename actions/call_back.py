"""A phone call asked for as the chat goes to staff ("can someone call me back").

Staff answer in the chat and see no phone number (a web chat has none; an SMS conversation's
is kept from them), so "A staff member will join this chat" alone left the patient waiting for
a call nobody could make. The patient is asked to write the number here, and staff are told a
call was asked for.
"""

from __future__ import annotations

import re
from datetime import datetime

from actions.clinic_config import ClinicConfig
from actions.phone import find_phone

# (not "i need to call my insurance", nor "i was told to call back")
CALL_ASKED = re.compile(
    r"\b(call|phone|ring) (me|us|him|her|my (cell|phone|mobile|number|home|house|work))"
    r"( back)?\b|\b(a|the) call ?back\b|"
    r"\bgive (me|us) a (call|ring)\b|\b(talk|speak) (to|with) (someone|somebody|a person|"
    r"a human|a nurse|the doctor|staff) (on|over|by) the phone\b",
    re.IGNORECASE,
)
# "don't call me, just text": no call
NO_CALL = re.compile(
    r"\b(don'?t|do not|dont|never|no need to|not|rather not|won'?t be able to) "
    r"(\w+ )?(call|phone|ring)\b",
    re.IGNORECASE,
)

STAFF_NOTE = "Asked for a phone call: the number is in the chat."
# In the metadata of the message that asked for the number: the number written while waiting
# is thanked as the number to call (addons/waiting_reply.py).
CALL_KEY = "call_asked"


def call_when(clinic: ClinicConfig, now: datetime) -> str:
    """When staff will make a call asked for: now, or when they are back."""
    return "as soon as one is free" if clinic.staff_available(now) else clinic.staff_back(now)


def call_back_line(text: str, clinic: ClinicConfig, now: datetime) -> str | None:
    """What to tell a patient who asked for a call in ``text``; None if they did not."""
    if not text or text.startswith("/") or not CALL_ASKED.search(text) or NO_CALL.search(text):
        return None
    when = call_when(clinic, now)
    if find_phone(text):
        return f"Staff will call you at the number you gave, {when}."
    return (
        f"You asked for a call: please write the best phone number to reach you here, and "
        f"staff will call you {when}."
    )
