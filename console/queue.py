"""Queue order and what a waiting patient is told: pure functions, so they are easy to test.

Staff take urgent before high before normal, and within a priority whoever has waited longest.
Conversations handed back to the assistant stay listed (until resolved) but after everything
that needs a person.
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta
from typing import Any

from actions.clinic_config import ClinicConfig, describe_when
from actions.handoff import REASONS, next_steps_message

PRIORITIES = ("urgent", "high", "normal")
PRIORITY_RANK = {name: rank for rank, name in enumerate(PRIORITIES)}
TEAMS = ("clinical", "service", "billing", "front_desk")
CHANNELS = ("web", "sms")


def reason_label(reason: str) -> str:
    """What staff read for a reason code (the action server's own labels)."""
    meta = REASONS.get(reason)
    return meta.label if meta else reason.replace("_", " ").capitalize()


def sort_key(item: dict[str, Any]) -> tuple[int, int, float]:
    """Needs-a-person first, then priority, then longest wait."""
    return (
        1 if item["status"] == "handed_back" else 0,
        PRIORITY_RANK.get(item["priority"], len(PRIORITIES)),
        float(item["waiting_since"]),
    )


def estimated_wait_minutes(position: int, minutes_per_chat: int) -> int:
    """Everyone ahead plus this patient, each taking ``minutes_per_chat`` (clinic.yml)."""
    return max(1, math.ceil(position * minutes_per_chat))


def queue_notice(
    clinic: ClinicConfig, position: int, priority: str, now: datetime, reason: str = ""
) -> str:
    """What a waiting patient hears when they write: place and wait, or when staff are back."""
    info = clinic.clinic
    danger = (
        f" If you are in danger, call {info.emergency_number} now." if priority == "urgent" else ""
    )
    if not clinic.staff_available(now):
        if reason in REASONS:
            # The line that answers now, as at the handoff (the main line, closed too, was
            # given at 11pm: not billing's, nor the after-hours nurse line)
            return f"Thanks for your message. {next_steps_message(clinic, reason, now)}"
        when = clinic.staff_back(now)
        return (
            f"Thanks for your message. Our staff are away right now; someone will reply here "
            f"{when}. If it can't wait, call us at {info.main_phone}.{danger}"
        )
    minutes = estimated_wait_minutes(position, info.minutes_per_waiting_chat)
    place = "You're next in line" if position == 1 else f"You're number {position} in line"
    return (
        f"Thanks for waiting. {place} for our staff; the estimated wait is about {minutes} "
        f"minute{'s' if minutes != 1 else ''}.{_past_closing(clinic, now, minutes)} You can keep "
        f"writing here: they will see everything you've said.{danger}"
    )


def _past_closing(clinic: ClinicConfig, now: datetime, minutes: int) -> str:
    """A wait that runs past the staff's closing time, said (at 5:55pm "about 120 minutes"
    was promised, by staff who leave at 6)."""
    local = now.astimezone(clinic.tz)
    hours = clinic.staff_hours_on(local.date())
    if hours is None:
        return ""
    closing = datetime.combine(local.date(), hours.closes, clinic.tz)
    if local + timedelta(minutes=minutes) <= closing:
        return ""
    back = clinic.next_staff_time(closing)
    when = describe_when(back, now) if back else "when they are back"
    return (
        f" Our staff leave {describe_when(closing, now)}, so if they can't reach you before then, "
        f"someone will reply here {when}; or call us at {clinic.clinic.main_phone}."
    )
