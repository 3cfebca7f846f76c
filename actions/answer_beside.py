"""An answer said beside a question: "downtown i guess. where do i park there" at "Which office?".

The question interrupts the form and its own rule answers it; the form then asked "Which office
suits you best?" again, as if "downtown" had never been said. When the form resumes, the
message's other clauses, those that are not questions, are read as the answer.
"""

from __future__ import annotations

import copy
import re

from rasa_sdk import Tracker

# Where one clause ends and the next begins; the mark that ended it is kept.
CLAUSE = re.compile(r"[^.?!;,\n]+[.?!;,\n]*")
JOINED = re.compile(r"\s+(?:and|but|also|plus|then|oh and|btw)\s+", re.IGNORECASE)
# How questions open, typed with or without a question mark.
QUESTION_START = re.compile(
    # ("the 1pm one. wait is parking free there": the question after "wait" was not one)
    r"^\W*(?:(?:wait|oh|ok|okay|so|also|and|btw|um+|hmm+|quick question)\W+)*"
    r"(where|wheres|where's|what|whats|what's|when|how|hows|is|isnt|are|r|do|does|did|can|"
    r"could|will|would|who|why|which|should|any|anything|u|you|y)\b",
    re.IGNORECASE,
)
# Slots an answer beside a question may fill: choices, the day and the time picked ("the tuesday
# one pls. is there parking there?"), never a yes to booking.
ANSWERED_BESIDE = {
    "visit_type",
    "practitioner",
    "location",
    "date_preference",
    "patient_status",
    "slot_choice",
    "appointment_choice",
}


def statement_clauses(text: str) -> list[str]:
    """The clauses of ``text`` that are not questions, when it has a question too (else [])."""
    clauses: list[tuple[str, bool]] = []
    for match in CLAUSE.finditer(text or ""):
        piece = match.group(0)
        asked = "?" in piece
        for part in JOINED.split(piece):
            words = part.strip(" \t.?!;,\n")
            if words:
                clauses.append((words, asked or bool(QUESTION_START.match(words))))
    if len(clauses) < 2 or not any(asked for _, asked in clauses):
        return []
    return [words for words, asked in clauses if not asked]


def with_text(tracker: Tracker, text: str) -> Tracker:
    """The tracker as if the latest message were ``text`` alone (an answer, no entities)."""
    clause = copy.copy(tracker)
    clause.latest_message = {
        **(tracker.latest_message or {}),
        "text": text,
        "intent": {"name": "inform", "confidence": 1.0},
        "intent_ranking": [],
        "entities": [],
    }
    return clause
