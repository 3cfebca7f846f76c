"""Who the patient is, kept or forgotten: the verified patient kept while someone else is
checked ("and my wife's balance?"), that writer again when they turn back to themselves ("now
back to me"), and forgetting who was verified when the next task must check identity again.

The identity check, the forms, the stop and the second request all change who the patient is,
so they must agree on which slots say it.
"""

from __future__ import annotations

import re
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet

from actions.tracker_reading import latest_text

# What identifies the patient checked so far; cleared when the patient asks about someone else.
PATIENT_SLOTS = (
    "verified",
    "patient_id",
    "patient_name",
    "verify_name",
    "verify_dob",
    "patient_status",
    "my_appointments",
    "patient_relation",
    "patient_is_relative",
)


# What is kept of a verified patient while another person is checked (``previous_patient``).
REMEMBERED_PATIENT = ("patient_id", "patient_name", "patient_relation", "patient_is_relative")


def remembered_patient(slots: dict[str, Any]) -> dict[str, Any] | None:
    """The verified patient in ``slots``, to go back to after a check for someone else."""
    if not slots.get("verified") or not slots.get("patient_id"):
        return None
    return {slot: slots.get(slot) for slot in REMEMBERED_PATIENT}


def restored_patient(previous: dict[str, Any]) -> dict[str, Any]:
    """Slot values that make ``previous`` (verified earlier in this session) the patient again."""
    return {
        **forgotten_patient(),
        **{slot: previous.get(slot) for slot in REMEMBERED_PATIENT},
        "verified": True,
        "patient_status": "returning",
        "previous_patient": None,
    }


# "now back to me", "ok and mine?": the writer again, after someone else's check began.
BACK_TO_ME = re.compile(
    r"\b(back to me|(?:and|now|what about|how about|ok) (?:me|mine)|my own|me again|mine again|"
    r"for me instead)\b",
    re.IGNORECASE,
)


def writer_to_go_back_to(tracker: Tracker) -> dict[str, Any] | None:
    """The writer verified before someone else's check began ("whats carlos riveras balance"),
    when the latest message turns back to them ("now back to me, when is MY appointment": the
    name was asked for, for Carlos, again and again); else None."""
    previous = tracker.get_slot("previous_patient") or {}
    if (
        not previous
        or tracker.get_slot("verified")
        or previous.get("patient_is_relative")
        or previous.get("patient_relation")
        or not BACK_TO_ME.search(latest_text(tracker))
    ):
        return None
    return previous


def forgotten_patient() -> dict[str, Any]:
    """Slot values that forget who was verified: the next task checks identity again."""
    return {slot: (False if slot == "verified" else None) for slot in PATIENT_SLOTS}


def forget_patient() -> list[EventType]:
    return [SlotSet(slot, value) for slot, value in forgotten_patient().items()]
