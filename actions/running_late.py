"""A patient running late asks the assistant to tell the front desk.

After the running-late answer ("Please call the front desk ..."), "can you let them know?" got
"Did you want to ask whether I'm a bot?". While staff are in, the note goes to them (the
console's queue: the front desk sees it), with the phone still the quickest way; while they
are away, nobody could pass it on in time, which is said, with the phone and a way to move
the appointment.
"""

from __future__ import annotations

import re

from rasa_sdk import Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from actions.handoff import escalate
from actions.settings import get_clinic
from actions.tracker_reading import latest_text

RUNNING_LATE_ANSWER = "utter_faq/running_late"
# "can you let them know", "tell them im on my way", "could you notify the front desk".
LET_THEM_KNOW = re.compile(
    r"\b(let (them|the (front desk|office|doctor|dr|clinic|receptionist|staff)|her|him) know"
    r"|(tell|notify|inform|message|text) (them|the (front desk|office|doctor|dr|clinic|"
    r"receptionist|staff)|her|him)\b|pass (it|that|the message) (on|along))",
    re.IGNORECASE,
)
# How many of the bot's messages back the running-late answer may be (a name given between).
RECENT_MESSAGES = 4


def running_late_answered(tracker: Tracker) -> bool:
    """Whether the running-late answer is among the bot's last few messages."""
    said = [e for e in tracker.events if e.get("event") == "bot"][-RECENT_MESSAGES:]
    return any((e.get("metadata") or {}).get("utter_action") == RUNNING_LATE_ANSWER for e in said)


def tell_front_desk(dispatcher: CollectingDispatcher, tracker: Tracker) -> list[EventType] | None:
    """The lateness passed to staff (or why it cannot be now); None when not asked for."""
    if not LET_THEM_KNOW.search(latest_text(tracker)) or not running_late_answered(tracker):
        return None
    clinic = get_clinic()
    now = clinic.now()
    phone = clinic.clinic.main_phone
    if not clinic.staff_available(now):
        dispatcher.utter_message(
            text=f"Our front desk is closed right now, so I can't pass it on in time. Please "
            f"call {phone} when we open ({clinic.staff_back(now)}), or move the appointment "
            "here if today won't work.",
            buttons=[{"title": "Move my appointment", "payload": "/reschedule_appointment"}],
        )
        return []
    dispatcher.utter_message(
        text=f"I'll pass it on to our front desk now. Calling {phone} is still the quickest way "
        "to reach them if you can."
    )
    return escalate(dispatcher, tracker, "request_human", note="Running late (told the assistant)")
