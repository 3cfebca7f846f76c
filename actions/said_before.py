"""What the patient named in the messages just before asking to book, for a booking that
refers back to it: "do i need a referral to see dr gonzalez" - "how long are physicals" - "ok
can you book me one with her" asked "What kind of visit do you need?" and who, both just said.
"""

from __future__ import annotations

import re
from typing import Any

from actions.clinic_config import ClinicConfig, Practitioner, VisitType
from actions.matching import find_practitioner, find_visit_type

# How many of the patient's messages before the latest are looked at.
RECENT_MESSAGES = 2
# "book me one", "can i get one", "schedule it": a visit spoken of before.
# (not "i get that")
ONE_OF_THEM = re.compile(
    r"\b(?:book|schedule|make|set up)\b(?:\s+(?:me|us|him|her|them|in|for))*\s+"
    r"(?:one|it|that|one of (?:those|them|these))\b"
    r"|\bget\b(?:\s+(?:me|us|him|her|them))*\s+(?:one|one of (?:those|them|these))\b",
    re.IGNORECASE,
)


def recent_texts(events: list[dict[str, Any]], count: int = RECENT_MESSAGES) -> list[str]:
    """The patient's typed messages before the latest, most recent first (buttons skipped)."""
    texts = [
        str(e.get("text") or "")
        for e in events
        if e.get("event") == "user" and not str(e.get("text") or "").startswith("/")
    ]
    return list(reversed(texts[:-1]))[:count]


def clinician_named_before(
    events: list[dict[str, Any]], clinic: ClinicConfig
) -> Practitioner | None:
    """The clinician of the most recent of those messages that names one."""
    for text in recent_texts(events):
        if (named := find_practitioner(text, clinic)) is not None:
            return named
    return None


def visit_named_before(
    text: str, events: list[dict[str, Any]], clinic: ClinicConfig
) -> VisitType | None:
    """The visit of the most recent of those messages that names one, when ``text`` asks for
    "one" ("book me one"); None otherwise."""
    if not ONE_OF_THEM.search(text):
        return None
    for before in recent_texts(events):
        if (named := find_visit_type(before, clinic)) is not None:
            return named
    return None
