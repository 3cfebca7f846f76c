"""A thanks, answered.

"You're very welcome. Is there anything else I can help with?" also came in the middle of a
task ("thanks" at "Have you been seen here before?"), just before the task's question: two
questions at once, the first as if the task were done. In a task it is "You're welcome." and
the task's question follows.
"""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher


class ActionThank(Action):
    """ "thanks": a kind word, and "anything else?" only when nothing is under way."""

    def name(self) -> str:
        return "action_thank"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        in_task = bool(tracker.active_loop_name)
        dispatcher.utter_message(response="utter_thank_in_task" if in_task else "utter_thank")
        return []
