"""A medicine named right after the refill answer ("lisinopril", "my atorvastatin").

The model read such a word as nothing it knew ("Did you want to find out about our doctors?")
or as details ("What can I help you with?"). Right after "I can't refill prescriptions
myself ...", it is the medicine the patient wants refilled: heard, and how to get that done
said again, briefly.
"""

from __future__ import annotations

from rasa_sdk import Tracker

from actions.second_request import request_in
from actions.tracker_reading import responses_before_latest

REFILL_ANSWER = "utter_faq/prescription_refill"
# A medicine's name, maybe with a dose or "my": a few words, no question.
MAX_WORDS = 4


def medicine_named_after_refill(tracker: Tracker, text: str) -> bool:
    """Whether ``text`` (read as nothing clear, or as details) answers the refill answer just
    given with the medicine's name."""
    plain = (text or "").strip()
    if not plain or plain.startswith("/") or "?" in plain or len(plain.split()) > MAX_WORDS:
        return False
    return REFILL_ANSWER in responses_before_latest(tracker) and request_in(plain) is None
