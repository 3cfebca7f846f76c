"""What the patient named in the messages just before asking to book, for a booking that
refers back to it: "do i need a referral to see dr gonzalez" - "how long are physicals" - "ok
can you book me one with her" asked "What kind of visit do you need?" and who, both just said.
"""

from __future__ import annotations

import re
from typing import Any

from rasa_sdk import Tracker

from actions.clinic_config import ClinicConfig, Practitioner, VisitType
from actions.dates import parse_when
from actions.matching import find_practitioner, find_visit_type
from actions.relatives import OTHER_PERSON
from actions.settings import get_clinic
from actions.tracker_reading import last_event, message_before_last

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


def booking_words_before(tracker: Tracker, intent: str) -> str | None:
    """The question that got a booking (``intent``) offered by the last answer, when it says
    who or when: "do u guys do physicals for sports, my son needs one for basketball tryouts
    next month" - "Yes, we do" [Book an annual physical] - "yes please" asked "Have you been
    seen here before?" and what day suited, the son and the month lost. None otherwise (the
    button alone is the request)."""
    if intent != "book_appointment":
        return None
    asked = str(message_before_last(tracker).get("text") or "")
    if not asked or asked.startswith("/"):
        return None
    if OTHER_PERSON.search(asked) or parse_when(asked, get_clinic().now()) is not None:
        return asked
    return None


def booking_tapped_after_question(tracker: Tracker) -> str | None:
    """The question before a tapped booking button, when it says who or when: "Do you have
    evening hours?" - "Yes: ... I can look for a time then" [Book an appointment], tapped,
    asked "What day or time works best for you?" (a typed "yes" kept the evening). None when
    the latest message is not a button of the bot's last message."""
    text = str((tracker.latest_message or {}).get("text") or "").strip()
    if not text.startswith("/book_appointment"):
        return None
    bot = last_event(list(tracker.events), "bot")
    shown = {str(b.get("payload") or "") for b in (bot.get("data") or {}).get("buttons") or []}
    return booking_words_before(tracker, "book_appointment") if text in shown else None
