"""A request written after the patient's name and birth date.

"hi, I'm Carlos Rivera, 9/30/1975. I got a bill for $240 and I don't understand it" was read as
details (inform, 1.0: many such messages are a name and a date alone), and got "Thanks, Carlos.
What can I help you with?", the bill lost. The rest of the message, without the name and the
date, is read by the model on its own (the Rasa server's ``/model/parse``); a request it is sure
of is the message's, and the name and date are used by that request's identity check.
"""

from __future__ import annotations

import re
from datetime import date

from actions import second_request
from actions.birth_dates import without_birth_dates
from actions.mentions import without_patient_names

# Requests the rest may be: the tasks and the questions handed to staff (a common question
# needs its answer's selection, and safety is the safety layer's, on the whole message).
READ_ALONE = frozenset(
    {
        "billing_dispute",
        "billing_balance",
        "billing_pay",
        "billing_insurance",
        "book_appointment",
        "reschedule_appointment",
        "cancel_appointment",
        "check_appointment",
        "test_results",
        "request_human",
    }
)
SURE = 0.8
# ...and when the whole message was unclear to the model (the name and date confuse it): the
# rest's reading above the fallback threshold is better than "Did you want …?" about a guess.
SURE_WHEN_UNCLEAR = 0.5
# Fewer words than this left is no request ("hi, it's Carlos Rivera 9/30/1975 here").
MIN_WORDS = 3
# What is left of the introduction once the name and date are gone: "hi, I'm", "dob", "here".
INTRODUCTION = re.compile(
    r"^\W*(?:(?:hi|hello|hey|good (?:morning|afternoon|evening)|this is|it'?s|i'?m|i am|my "
    r"name is|name'?s|dob|d\.o\.b|born|date of birth|here|speaking)\b\W*)+|"
    r"\b(?:dob|d\.o\.b|born(?: on)?|date of birth)\b",
    re.IGNORECASE,
)


def request_beside_details(text: str, today: date, sure: float = SURE) -> str | None:
    """The request the message makes besides the name and birth date, if the model reads one
    surely (``sure``) in the rest alone; None otherwise (or when the model cannot be asked)."""
    rest = without_birth_dates(without_patient_names(text, today), today)
    rest = re.sub(r"\s+", " ", INTRODUCTION.sub(" ", rest)).strip(" ,.;:-")
    if len(re.findall(r"[a-zA-Z']+", rest)) < MIN_WORDS:
        return None
    parsed = second_request.nlu_client().parse(rest)
    intent = ((parsed or {}).get("intent") or {}) if isinstance(parsed, dict) else {}
    name, confidence = intent.get("name"), float(intent.get("confidence") or 0.0)
    return name if name in READ_ALONE and confidence >= sure else None
