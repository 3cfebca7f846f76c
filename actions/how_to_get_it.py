"""'how do i get it?' right after a common question's answer: that answer again, not directions.

After "Forms ... and doctor's notes are handled by your provider's team. Bring or send the form
to the front desk, or call ..." the model read "how do i get it then" as directions (the offices'
addresses). Alone, "it" names nothing; only the dialogue knows it was the note.
``addons/follow_up_guard.py`` reads such a question as ``out_of_scope``, keeping the model's
reading; ``action_out_of_scope`` gives the answer just given again, which says how, or, when no
common question was answered just before, the question as the model read it.
"""

from __future__ import annotations

import re
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from actions.second_request import READ_AS_KEY, replay_as, replayed_faq_as_read
from actions.tracker_reading import responses_before_latest

FAQ_PREFIX = "utter_faq/"
# Answers after which "how do i get one" is a booking, as the model reads it ("do you do flu
# shots?" - "Yes, we do.").
SERVICE_ANSWERS = {"utter_faq/service_offered", "utter_faq/clinician_offers", "utter_faq/services"}
# Readings that are no request of their own (then nothing is replayed).
NO_REQUEST = {None, "", "out_of_scope", "nlu_fallback"}

HOW_TO_GET_IT = re.compile(
    r"^\W*(?:(?:ok|okay|k|so|and|but|um+|thanks|oh)\W+)*"
    r"how (?:do|can|would|should|could) (?:i|we) (?:get|request|obtain|order|ask for|"
    r"apply for|pick up|fill out|fill in|find) (?:it|that|this|one|them|those)"
    r"(?:\W+(?:then|now|exactly|again))?\W*$",
    re.IGNORECASE,
)


def is_how_to_get_it(text: str) -> bool:
    """Whether the message only asks how to get "it" ("how do i get it then?")."""
    return bool(HOW_TO_GET_IT.search((text or "").replace("\u2019", "'")))


def how_to_get_it(
    dispatcher: CollectingDispatcher, tracker: Tracker, latest: dict[str, Any]
) -> list[EventType] | None:
    """The common question's answer just given, again (it says how); else the question as the
    model read it; None when it read no request either."""
    answered = responses_before_latest(tracker)
    faq = next((name for name in reversed(answered) if name.startswith(FAQ_PREFIX)), None)
    if faq is not None and faq not in SERVICE_ANSWERS:
        dispatcher.utter_message(response="utter_how_to_get_it")
        dispatcher.utter_message(response=faq)
        return []
    read_as = (tracker.latest_message or {}).get(READ_AS_KEY)
    if read_as == "faq":
        return replayed_faq_as_read(tracker, latest)
    return None if read_as in NO_REQUEST else replay_as(tracker, latest, str(read_as))
