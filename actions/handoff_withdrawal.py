"""A patient waiting for staff who writes "never mind, I sorted it out" gets the assistant back.

:mod:`addons.waiting_reply` spots the words while the chat is paused and no staff member has
written yet, and runs this action instead of its usual "your message reached staff". The
console closes the item as withdrawn, unless it is urgent (an emergency or a crisis is checked
on regardless) or a staff member has already claimed it (they are about to write): then the
chat stays with staff and the patient hears why.
"""

from __future__ import annotations

import logging
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ConversationResumed, EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.clinic_config import ClinicConfig
from actions.handoff import handoff_client
from actions.settings import get_clinic

logger = logging.getLogger(__name__)

ACTION_NAME = "action_withdraw_handoff"
# The chat stays with staff for these outcomes; any other gives the assistant back.
STAYS_WITH_STAFF = ("urgent", "claimed")


def withdrawal_message(clinic: ClinicConfig, outcome: str) -> str:
    """What the patient hears: the assistant is back, or why a person will still write."""
    info = clinic.clinic
    if outcome == "urgent":
        return (
            "Because of what you told us earlier, someone from our team will still check in "
            f"with you here. If you are in danger, call {info.emergency_number} now; for a "
            f"mental-health crisis, call or text {info.crisis_line}."
        )
    if outcome == "claimed":
        return (
            "A member of our team has already picked up your message and will write here "
            "shortly. If you don't need them anymore, just tell them and they'll close it."
        )
    back = (
        "I'm back to help with appointments, billing or directions: what can I do for you? "
        f"And if you'd still like a person, call us at {info.main_phone}."
    )
    if outcome == "unreachable":
        return (
            "Okay. I couldn't update our staff's list just now, so someone may still write to "
            f"you here; you can simply tell them you're all set. {back}"
        )
    if outcome == "withdrawn":
        return f"Okay, I've let our staff know you don't need them after all. {back}"
    return f"Okay, no problem. {back}"  # nothing (left) in the queue to take back


class ActionWithdrawHandoff(Action):
    """Withdraws the open handoff; resumes the assistant unless the chat must stay with staff."""

    def name(self) -> str:
        return ACTION_NAME

    def run(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: dict[str, Any],
    ) -> list[EventType]:
        handoff_id = tracker.get_slot("handoff_id")
        outcome = (
            handoff_client().withdraw(str(handoff_id), tracker.sender_id)
            if handoff_id
            else "unknown"
        )
        logger.info("patient withdrew a handoff: %s", outcome)
        dispatcher.utter_message(text=withdrawal_message(get_clinic(), outcome))
        if outcome in STAYS_WITH_STAFF:
            return []
        return [ConversationResumed(), SlotSet("handoff_id", None)]
