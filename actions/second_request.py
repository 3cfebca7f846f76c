"""A second request in the same message ("cancel my physical and book my son a checkup").

The form does the request the model recognised; the other one is remembered (``pending_request``)
with the patient's own words. When the first task is done, the patient is asked "You also asked:
'book my son a checkup'. Shall we do that now?"; a yes (button or typed) replays those words as
that request (``actions/fallback.py``), so the next form reads them as if just written, including
who it is for.
"""

from __future__ import annotations

import re
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

# How each task is usually asked for, in a clause of its own.
TASK_WORDS = {
    "book_appointment": re.compile(
        r"\b(book|schedule|make (an|a|another|a new) (appointment|appt)|"
        r"set up (an|a) (appointment|appt|visit)|get (me|him|her|them|us|my \w+) (in|seen))\b",
        re.IGNORECASE,
    ),
    "cancel_appointment": re.compile(r"\bcancel", re.IGNORECASE),
    "reschedule_appointment": re.compile(
        r"\b(reschedule|move|push back|change the (time|day|date))\b", re.IGNORECASE
    ),
    "check_appointment": re.compile(
        r"\b(when is|when's|what time is|check on) (my|his|her|our)\b", re.IGNORECASE
    ),
    "billing_balance": re.compile(
        r"\b(what do i owe|how much do i owe|what i owe|my balance)\b", re.IGNORECASE
    ),
}
# Tasks that already do another: moving an appointment books the new time and frees the old.
INCLUDED = {"reschedule_appointment": {"book_appointment", "cancel_appointment"}}
# Where one request ends and the next begins.
CLAUSE_BREAK = re.compile(r"\b(?:and|also|then|plus|after that)\b|[,;.!?]", re.IGNORECASE)
MAX_REQUEST_CHARS = 160
# The opening of the question; a typed "yes" right after it takes the request.
OPENING = "You also asked:"


def second_request(text: str, own_intent: str | None) -> dict[str, str] | None:
    """The other request in ``text`` than ``own_intent`` (the one the model recognised), as
    ``{"intent": ..., "text": <its clause>}``; None when the message asks for one thing."""
    if not text or text.startswith("/") or own_intent not in TASK_WORDS:
        return None
    clauses = [c.strip() for c in CLAUSE_BREAK.split(text) if c and c.strip()]
    if len(clauses) < 2:
        return None
    skip = {own_intent, *INCLUDED.get(own_intent, set())}
    for clause in clauses:
        if TASK_WORDS[own_intent].search(clause):
            continue  # the request the form is doing
        for intent, pattern in TASK_WORDS.items():
            if intent not in skip and pattern.search(clause):
                return {"intent": intent, "text": clause[:MAX_REQUEST_CHARS]}
    return None


def remember_second_request(tracker: Tracker, own_intents: set[str]) -> dict[str, Any]:
    """Slot update when a form starts: the other request in the message, or none (so an old
    one is never asked about)."""
    intent = ((tracker.latest_message or {}).get("intent") or {}).get("name")
    own = intent if intent in own_intents else next(iter(sorted(own_intents)), None)
    text = (tracker.latest_message or {}).get("text") or ""
    pending = second_request(text, own)
    if pending is None and tracker.get_slot("pending_request") is None:
        return {}
    return {"pending_request": pending}


def offer_second_request(dispatcher: CollectingDispatcher, tracker: Tracker) -> list[EventType]:
    """After a task is done: ask about the other request of the same message, if there was one."""
    pending = tracker.get_slot("pending_request")
    if not isinstance(pending, dict) or not pending.get("text"):
        return []
    dispatcher.utter_message(
        text=f"{OPENING} \u201c{pending['text']}\u201d. Shall we do that now?",
        buttons=[
            {"title": "Yes, let's do that", "payload": "/affirm"},
            {"title": "No, thanks", "payload": "/deny"},
        ],
    )
    return []


def has_second_request(tracker: Tracker) -> bool:
    pending = tracker.get_slot("pending_request")
    return isinstance(pending, dict) and bool(pending.get("text"))


def take_second_request(events: list[dict[str, Any]], pending: Any) -> dict[str, str] | None:
    """The remembered request, if the last bot message was the question about it."""
    if not isinstance(pending, dict) or not pending.get("text") or not pending.get("intent"):
        return None
    last_bot = next((e for e in reversed(events) if e.get("event") == "bot"), None)
    if last_bot is None or not (last_bot.get("text") or "").startswith(OPENING):
        return None
    return {"intent": str(pending["intent"]), "text": str(pending["text"])}


CLEAR = [SlotSet("pending_request", None)]
