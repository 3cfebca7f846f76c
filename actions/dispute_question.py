"""The billing dispute's one question ("what happened?"), asked in full once, then briefly.

After an answer to something else ("which bill do you mean?", "how do I pay?") the question
comes again: the whole paragraph a second time read like the bot had not listened.
"""

from __future__ import annotations

import re
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from actions.identity_answers import said_in_this_task

# A figure or an amount: the message says something of what went wrong.
DETAIL_MARKERS = re.compile(r"\d|\$")
# "which bill do you mean?", "what do you need?", "like what?": the question asked back (it was
# filed for billing staff as the account of what went wrong, and the chat handed over).
QUESTION_BACK = re.compile(
    r"^\W*((which|what) (bill|bills|charge|charges|one|ones|statement)\b[^.!]*\?"
    r"|what do (you|u) (mean|need|want)( to know)?\b"
    r"|like what\b|what should i (say|tell|write)\b|what kind of (details|info\w*)\b)",
    re.IGNORECASE,
)


def asks_back(text: str) -> bool:
    """Whether the message asks what the dispute question means, giving no detail itself."""
    return bool(QUESTION_BACK.search(text.strip())) and not DETAIL_MARKERS.search(text)


class ActionAskDisputeDetails(Action):
    """ "What happened?": the full question first; after that, the short one."""

    def name(self) -> str:
        return "action_ask_dispute_details"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        asked = said_in_this_task(tracker, "utter_ask_dispute_details")
        dispatcher.utter_message(
            response="utter_ask_dispute_details_again" if asked else "utter_ask_dispute_details"
        )
        return []
