"""Session start and restart that keep an escalated conversation with staff.

Rasa un-pauses a conversation when a new session starts (after 60 idle minutes) or on
``/restart``. A patient waiting for staff must stay paused until staff hand the conversation
back, so both default actions are replaced here.
"""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import (
    ActionExecuted,
    ConversationPaused,
    EventType,
    Restarted,
    SessionStarted,
)
from rasa_sdk.executor import CollectingDispatcher


class ActionSessionStart(Action):
    """Start a fresh session (verification does not carry over), staying paused if escalated."""

    def name(self) -> str:
        return "action_session_start"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        events: list[EventType] = [SessionStarted()]
        if tracker.is_paused():
            events.append(ConversationPaused())
        events.append(ActionExecuted("action_listen"))
        return events


class ActionRestart(Action):
    """``/restart`` resets the conversation; one that is with staff stays with staff."""

    def name(self) -> str:
        return "action_restart"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        if tracker.is_paused():
            return [Restarted(), ConversationPaused(), ActionExecuted("action_listen")]
        return [Restarted()]
