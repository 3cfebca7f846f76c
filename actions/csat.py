"""After staff resolve a conversation: one satisfaction question (1-5), an optional comment.

The staff console starts this by triggering ``EXTERNAL_csat``; the rating goes back to the
console (``POST {HANDOFF_URL}/{handoff_id}/rating`` with the shared secret), where it is
stored with the conversation.
"""

from __future__ import annotations

import logging
import re
from typing import Any
from urllib.parse import quote

import requests
from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.forms import PatientForm
from actions.message_reading import safety_flagged
from actions.settings import get_settings
from actions.tracker_reading import latest_intent, latest_text

logger = logging.getLogger(__name__)

CSAT_INTENT = "EXTERNAL_csat"
# These always win over an answer: the patient needs something else now.
URGENT_INTENTS = {"emergency", "crisis"}
# These stop the rating question; while the comment is asked, "stop"/"skip" just skip it (the
# rating is already given and is kept).
LEAVE_INTENTS = {"stop", "request_human"}

WORD_SCORES = {
    "1": ("one", "terrible", "awful", "horrible", "very bad", "very poor", "useless", "worst"),
    "2": ("two", "bad", "poor", "not good", "not great", "disappointing", "meh"),
    "3": ("three", "ok", "okay", "fine", "average", "alright", "all right", "so so", "so-so"),
    "4": ("four", "good", "pretty good", "helpful", "very good", "nice"),
    "5": (
        "five",
        "great",
        "excellent",
        "amazing",
        "perfect",
        "fantastic",
        "awesome",
        "wonderful",
        "outstanding",
        "very helpful",
        "the best",
    ),
}
# Longest phrases first, so "not good" wins over "good" and "very good" over "good".
_PHRASES = sorted(
    ((phrase, score) for score, phrases in WORD_SCORES.items() for phrase in phrases),
    key=lambda pair: -len(pair[0]),
)
_DIGIT = re.compile(r"(?<![\d.])([1-5])(?:\s*(?:/|out of|of)\s*5)?(?![\d.])")
_ANY_NUMBER = re.compile(r"\d+(?:\.\d+)?")
SKIP_WORDS = {
    "skip",
    "no",
    "nope",
    "no thanks",
    "no thank you",
    "nothing",
    "none",
    "n/a",
    "na",
    "-",
    "no comment",
    "nothing else",
    "that's all",
    "thats all",
    "stop",
    "never mind",
    "nevermind",
    "cancel",
}


def parse_score(text: str) -> str | None:
    """``"4"``, ``"4/5"``, ``"four"``, ``"great"`` → ``"1"``..``"5"``; None if unclear."""
    stars = text.count("⭐")
    if 1 <= stars <= 5 and not _ANY_NUMBER.search(text):
        return str(stars)
    cleaned = " ".join(re.sub(r"[!?,;:()\"*⭐]+", " ", text.lower()).split())
    if not cleaned:
        return None
    numbers = _ANY_NUMBER.findall(cleaned)
    digits = _DIGIT.findall(cleaned)
    if numbers:
        # Exactly one number from 1 to 5 (a trailing "/5" or "out of 5" is allowed).
        rest = [n for n in numbers if n != "5" or not re.search(r"(/|out of|of)\s*5", cleaned)]
        if len(digits) == 1 and len(rest) <= 1:
            return digits[0]
        return None
    padded = f" {cleaned.replace('.', ' ')} "
    for phrase, score in _PHRASES:
        if f" {phrase} " in padded:
            return score
    return None


def parse_comment(text: str) -> str:
    """The comment as written, or ``""`` when the patient skips it."""
    cleaned = " ".join(text.split())
    if cleaned.lower().strip(".! ") in SKIP_WORDS:
        return ""
    return cleaned[:1000]


class ValidateCsatForm(PatientForm):
    """Reads the rating and the comment; anything urgent still goes to its own rule."""

    form_name = "csat_form"
    own_intents = {"affirm", "deny", "thank", "greet", "goodbye", "inform", "out_of_scope"}

    def should_let_through(self, tracker: Tracker) -> bool:
        intent, _ = latest_intent(tracker)
        if safety_flagged(tracker) or intent in URGENT_INTENTS:
            return True
        requested = tracker.get_slot("requested_slot")
        if requested == "csat_comment":
            return intent == "request_human"
        if requested == "csat_score":
            # A rating is a rating whatever the NLU thought ("great" looks like thanks).
            if parse_score(latest_text(tracker)) is not None:
                return False
            return intent in LEAVE_INTENTS or super().should_let_through(tracker)
        return False

    def next_slot(self, slots: dict[str, Any], tracker: Tracker) -> str | None:
        if slots.get("csat_score") is None:
            return "csat_score"
        if slots.get("csat_comment") is None:
            return "csat_comment"
        return None

    def extract(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        slots: dict[str, Any],
        requested: str | None,
    ) -> dict[str, Any]:
        intent, _ = latest_intent(tracker)
        if intent == CSAT_INTENT:
            # A new rating request: forget any earlier answers.
            return {"csat_score": None, "csat_comment": None}
        text = latest_text(tracker)
        if requested == "csat_score":
            score = parse_score(text)
            return {"csat_score": score} if score else {}
        if requested == "csat_comment" and text:
            return {"csat_comment": "" if intent == "stop" else parse_comment(text)}
        return {}

    def explain(
        self, dispatcher: CollectingDispatcher, requested: str | None, text: str = ""
    ) -> None:
        dispatcher.utter_message(response="utter_csat_need_score")


def rating_url(handoff_url: str, key: str) -> str:
    """``{HANDOFF_URL}/{key}/rating``: the console that received the handoff stores the rating."""
    return f"{handoff_url.rstrip('/')}/{quote(key, safe='')}/rating"


class ActionSubmitCsat(Action):
    """Send the rating to the console, thank the patient, clear the answers."""

    def name(self) -> str:
        return "action_submit_csat"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        score = tracker.get_slot("csat_score")
        comment = tracker.get_slot("csat_comment") or None
        settings = get_settings()
        key = tracker.get_slot("handoff_id") or tracker.sender_id
        if score:
            body = {"score": int(score), "comment": comment, "conversation_id": tracker.sender_id}
            try:
                response = requests.post(
                    rating_url(settings.handoff_url, key),
                    json=body,
                    headers={"Authorization": f"Bearer {settings.handoff_secret}"},
                    timeout=settings.handoff_timeout_seconds,
                )
                if not 200 <= response.status_code < 300:
                    logger.warning("rating not stored: console answered %s", response.status_code)
            except requests.RequestException as exc:
                logger.warning("rating not stored: console unreachable (%s)", type(exc).__name__)
        dispatcher.utter_message(response="utter_csat_thanks")
        return [
            SlotSet("csat_score", None),
            SlotSet("csat_comment", None),
            SlotSet("requested_slot", None),
        ]
