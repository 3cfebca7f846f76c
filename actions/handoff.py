"""Escalation to a human: tell the patient what happens next, pause the bot, notify the console.

Any action can escalate with :func:`escalate`; the rules use :class:`ActionEscalate`, which takes
the reason from the latest intent (or from the safety layer, or the ``escalation_reason`` slot).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActionExecuted, ActiveLoop, ConversationPaused, EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.call_back import CALL_KEY, call_back_line
from actions.call_back import STAFF_NOTE as CALL_NOTE
from actions.clients.handoff import HandoffClient, HandoffRecord
from actions.clinic_config import ClinicConfig
from actions.settings import get_clinic, get_settings
from actions.visit_while_away import visit_offer

logger = logging.getLogger(__name__)

SUMMARY_LIMIT = 600


@dataclass(frozen=True)
class Reason:
    priority: str  # urgent > high > normal (the console sorts by it)
    team: str  # who should pick it up
    label: str  # what staff read in the queue
    # Feedback given: the patient's words are what is wanted, read by staff rather than
    # answered. Its wait says so ("our team will read it", not "someone will reply"), with no
    # "In an emergency, call 911" after a compliment.
    to_read: bool = False


REASONS: dict[str, Reason] = {
    "emergency": Reason("urgent", "clinical", "Possible medical emergency"),
    "crisis": Reason("urgent", "clinical", "Crisis: patient may be at risk"),
    "medical_advice": Reason("high", "clinical", "Medical question for a nurse"),
    "test_results": Reason("high", "clinical", "Asking about test results"),
    "complaint": Reason("normal", "service", "Complaint: service recovery"),
    "feedback": Reason("normal", "service", "Wants to leave feedback", to_read=True),
    "billing_dispute": Reason("normal", "billing", "Billing dispute"),
    "request_human": Reason("normal", "front_desk", "Asked for a person"),
    "billing_question": Reason("normal", "billing", "Asked for billing staff"),
    "low_confidence": Reason("normal", "front_desk", "Assistant did not understand twice"),
    "verification_failed": Reason("normal", "front_desk", "Identity check failed 3 times"),
}

# Intents that escalate, and the reason they carry (the others are set by actions or buttons).
NOT_INTENTS = {"low_confidence", "verification_failed", "billing_question", "feedback"}
INTENT_REASONS = {reason: reason for reason in REASONS if reason not in NOT_INTENTS}
# A "talk to a person" button that names a team: /request_human{"staff_team": "billing"}.
TEAM_REASONS = {"billing": "billing_question"}

CHANNELS = {"socketio": "web", "rest": "web", "twilio": "sms"}
# The team a handoff went to and why, in the metadata of the message that said what happens
# next: the replies while the patient waits (addons/waiting_reply.py) read them.
TEAM_KEY = "handoff_team"
REASON_KEY = "handoff_reason"


@lru_cache(maxsize=1)
def handoff_client() -> HandoffClient:
    settings = get_settings()
    client = HandoffClient(
        settings.handoff_url,
        settings.handoff_secret,
        settings.handoff_outbox_path,
        timeout=settings.handoff_timeout_seconds,
    )
    client.start_background_retry()
    return client


def reason_from_tracker(tracker: Tracker) -> str:
    """The safety layer wins; then an explicit slot; then the intent (and the team a button
    asked for); else ``request_human``."""
    latest = tracker.latest_message or {}
    safety = latest.get("safety") or {}
    if safety.get("category") in ("emergency", "crisis"):
        return safety["category"]
    slot_reason = tracker.get_slot("escalation_reason")
    if slot_reason in REASONS:
        return slot_reason
    intent = (latest.get("intent") or {}).get("name")
    if intent == "request_human":
        team = next(tracker.get_latest_entity_values("staff_team"), None)
        return TEAM_REASONS.get(team, "request_human")
    return INTENT_REASONS.get(intent, "request_human")


def patient_channel(tracker: Tracker) -> str:
    channel = tracker.get_latest_input_channel() or "rest"
    return CHANNELS.get(channel, channel)


def build_summary(tracker: Tracker, reason: str, note: str | None = None) -> str:
    """A few lines staff read first: why, what the patient last wrote, what was going on."""
    texts = [
        (event.get("text") or "").strip()
        for event in tracker.events
        if event.get("event") == "user"
        and (event.get("text") or "").strip()
        and not (event.get("text") or "").startswith("/")
    ]
    parts = [REASONS[reason].label + "."]
    if note:
        parts.append(note.strip())
        # 'About the bill: "why is my bill so high"' was followed by the same words again
        texts = [t for t in texts if " ".join(t.split())[:150] not in note]
    if texts:
        quoted = " | ".join(_clip(t, 200) for t in texts[-3:])
        parts.append(f'Patient wrote: "{quoted}"')
    active = (tracker.active_loop or {}).get("name")
    if active:
        parts.append(f"Was in: {active.replace('_', ' ')}.")
    return _clip(" ".join(parts), SUMMARY_LIMIT)


def _clip(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def next_steps_message(
    clinic: ClinicConfig, reason: str, now: datetime, crisis_related: bool = False
) -> str:
    """What happens next, honest about staff hours."""
    info = clinic.clinic
    urgent = REASONS[reason].priority == "urgent"
    if to_be_read(reason):
        # (not "someone will reply" and 911, as for a complaint: the words are what is wanted)
        later = (
            "" if clinic.staff_available(now) else f" when they're back {clinic.staff_back(now)}"
        )
        return f"Write it here in your own words, and our team will read it{later}."
    if clinic.staff_available(now):
        if urgent:
            return (
                "I've alerted our staff and someone will check on you here as soon as they can. "
                f"Please don't wait for us if you are in danger: call {info.emergency_number}."
            )
        # ("can i just call someone instead" was handed over with no number to call; billing's
        # line keeps shorter hours than the staff at the console: said, as after hours)
        call = call_in_hours(clinic, REASONS[reason].team)
        # (no "within a few minutes": the wait depends on the queue, told when they write)
        return (
            "A staff member will join this chat as soon as one is free. You can keep writing "
            "here; they will see everything you've said. If you'd rather call, "
            f"{call}."
        )
    when = clinic.staff_back(now)
    if urgent:
        # 988 is for a crisis; a medical emergency needs 911 only (its first reply said so),
        # unless it is an attempt or an overdose (crisis_related).
        lifeline = (
            f", or call or text {info.crisis_line} any time"
            if reason == "crisis" or crisis_related
            else ""
        )
        return (
            f"Our staff are away right now (back {when}), so please don't wait here: call "
            f"{info.emergency_number} if you're in danger{lifeline}. I've flagged this so staff "
            "reply here as soon as they're back."
        )
    # The phone number that answers the question, and when it does (not a line that is closed
    # too, without saying so).
    call = (
        f"billing is at {clinic.billing.phone} ({clinic.billing.hours})"
        if REASONS[reason].team == "billing"
        else f"we're at {info.main_phone} from {when}"
    )
    nurse = ""
    if REASONS[reason].team in ("clinical", "front_desk") and info.after_hours_nurse_line:
        # "my son has had a fever since dinner" at 11pm: a nurse answers tonight, not tomorrow.
        nurse = (
            " For a medical question that can't wait until then, our after-hours nurse line "
            f"is at {info.after_hours_nurse_line}."
        )
    emergency = emergency_sentence(clinic, REASONS[reason].team, reason)
    tail = f" {emergency}" if emergency else ""
    return (
        f"Our staff are away right now. Someone will reply here {when}. If you'd rather call, "
        f"{call}.{nurse}{tail}"
    )


def call_in_hours(clinic: ClinicConfig, team: str | None) -> str:
    """Where a patient waiting for ``team`` can call instead, while staff are in: billing's own
    line, with its hours (shorter than the staff's at the console), or the clinic's."""
    if team == "billing":
        return f"billing is at {clinic.billing.phone} ({clinic.billing.hours})"
    return f"we're at {clinic.clinic.main_phone}"


def emergency_sentence(clinic: ClinicConfig, team: str | None, reason: str | None = None) -> str:
    """ "In an emergency, call 911." for a patient waiting for ``team``; "" for the billing or
    the service team (a complaint), or feedback given (a ``reason`` to be read): after a
    billing question or a complaint about the front desk it read as boilerplate, at every
    message (the safety layer still answers an emergency written while waiting)."""
    quiet = team in ("billing", "service") or to_be_read(reason)
    return "" if quiet else f"In an emergency, call {clinic.clinic.emergency_number}."


def to_be_read(reason: str | None) -> bool:
    """Whether a wait for staff is for words they read rather than answer (feedback given)."""
    return reason in REASONS and REASONS[reason].to_read


def wait_reason(events: list[dict[str, Any]]) -> str | None:
    """The reason of the latest handoff in ``events`` (``REASON_KEY`` in the metadata of the
    message that said what happens next); None when none is named."""
    for event in reversed(events):
        reason = (
            (event.get("metadata") or {}).get(REASON_KEY) if event.get("event") == "bot" else None
        )
        if reason:
            return str(reason)
    return None


# The safety rule (safety/triage.yml) for someone hurting the patient: partner, relative, carer.
# Its first reply (utter_crisis's variation) gives the domestic violence line; staff are told how
# to reply safely, since the person hurting them may see a call or a voicemail.
# (a child who may be abused or neglected too: the child may be the one writing)
ABUSE_RULES = ("abuse_violence", "child_abuse_neglect")
ABUSE_NOTE = (
    "Someone may be hurting the patient: reply in this chat only, and do not call or leave "
    "messages unless they ask."
)


def poison_line_message(clinic: ClinicConfig) -> str | None:
    """Poison Control from clinic.yml (``poison_control``), or None without it."""
    number = clinic.clinic.poison_control
    if not number:
        return None
    return (
        f"Poison Control can also tell you what to do right now: call {number} (free, 24/7). "
        f"If the person is hard to wake, having a seizure or struggling to breathe, call "
        f"{clinic.clinic.emergency_number}."
    )


# Safety rules (safety/triage.yml) whose reply adds a line made for them.
SAFETY_LINES = {"poisoning_overdose": poison_line_message}


def patient_info(tracker: Tracker) -> dict[str, Any]:
    if not tracker.get_slot("verified"):
        return {"verified": False}
    return {
        "verified": True,
        "patient_id": tracker.get_slot("patient_id"),
        "name": tracker.get_slot("patient_name"),
    }


# A change the patient was making when the conversation went to staff: said not done.
UNFINISHED_TASKS = {
    "booking_form": "The booking we were making",
    "reschedule_form": "The move we were making",
    "cancel_form": "The cancellation",
}


def task_under_way(tracker: Tracker) -> str | None:
    """The form running, or the one a form of its own interrupted ("oh wait i was charged
    twice" mid-booking: the dispute's form ran on top of the booking's, which never ended)."""
    current = tracker.active_loop_name
    if current in UNFINISHED_TASKS or current is None:
        return current
    for event in reversed(list(tracker.events)):
        if event.get("event") != "active_loop":
            continue
        name = event.get("name")
        if name != current:
            return name  # None: the earlier form had ended
    return None


def escalate(
    dispatcher: CollectingDispatcher,
    tracker: Tracker,
    reason: str,
    note: str | None = None,
    now: datetime | None = None,
) -> list[EventType]:
    """Say what happens next, send the handoff record (durably) and pause the conversation."""
    clinic = get_clinic()
    now = now or clinic.now()
    meta = REASONS[reason]
    safety = (tracker.latest_message or {}).get("safety") or {}
    crisis_related = reason == "emergency" and bool(safety.get("crisis_related"))
    rule = str(safety.get("rule_id"))
    if rule in ABUSE_RULES:
        note = f"{ABUSE_NOTE} {note}" if note else ABUSE_NOTE
    # A poisoning: 911 (said already), and a line made for it, also when an attempt was the
    # rule chosen ("took 30 tylenol on purpose")
    line = next(
        (SAFETY_LINES[r] for r in (rule, *(safety.get("also") or [])) if r in SAFETY_LINES), None
    )
    extra = line(clinic) if line else None
    if extra:
        dispatcher.utter_message(text=extra)
    if crisis_related:
        # An attempt or an overdose: 911 first (said already), and the crisis line too.
        info = clinic.clinic
        dispatcher.utter_message(
            text=(
                "You're not alone in this. Once help is on the way, you can also call or text "
                f"{info.crisis_line} to reach the {info.crisis_line_name}, free and open 24/7."
            )
        )
    # (the team, in the message's metadata, words the replies while they wait: waiting_reply)
    dispatcher.utter_message(
        text=next_steps_message(clinic, reason, now, crisis_related),
        **{TEAM_KEY: meta.team, REASON_KEY: reason},
    )
    text = str((tracker.latest_message or {}).get("text") or "")
    call = (
        None
        if meta.priority == "urgent" or rule in ABUSE_RULES
        else call_back_line(text, clinic, now)
    )
    if call:
        # "can someone call me back": nobody at the console has a number to ring
        dispatcher.utter_message(text=call, **{CALL_KEY: True})
        note = f"{CALL_NOTE} {note}" if note else CALL_NOTE
    unfinished = UNFINISHED_TASKS.get(str(task_under_way(tracker)))
    if unfinished and meta.priority != "urgent":
        # "oh wait i also got charged twice" mid-booking: handed to billing, and the patient
        # was never told the checkup was not booked
        dispatcher.utter_message(
            text=f"{unfinished} isn't done yet: our staff can help with it too, or ask me "
            "again once you're done with them."
        )
    if reason == "medical_advice" and (offer := visit_offer(text, clinic, now)):
        # "should i bring him in", staff away: the visit, which the assistant can book now
        dispatcher.utter_message(text=offer)
    record = HandoffRecord(
        conversation_id=tracker.sender_id,
        reason=reason,
        priority=meta.priority,
        team=meta.team,
        channel=patient_channel(tracker),
        summary=build_summary(tracker, reason, note),
        patient=patient_info(tracker),
    )
    handoff_client().send(record)
    logger.info("escalated conversation (reason=%s, priority=%s)", reason, meta.priority)
    return [
        # Whatever form was running ends: after staff hand back, the patient starts afresh.
        ActiveLoop(None),
        SlotSet("requested_slot", None),
        SlotSet("escalation_reason", None),
        # utter_crisis's variation was for this message only
        SlotSet("safety_rule", None),
        # utter_request_human's variation too ("our billing staff")
        SlotSet("staff_team", None),
        SlotSet("handoff_id", record.handoff_id),
        ConversationPaused(),
        # Rasa stops predicting once paused, so it never logs the listen itself; without it
        # the next message (e.g. /restart, or the first after staff hand back) would not
        # match any rule.
        ActionExecuted("action_listen"),
    ]


class ActionEscalate(Action):
    """Hand the conversation to staff for the reason the tracker shows."""

    def name(self) -> str:
        return "action_escalate"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        return escalate(dispatcher, tracker, reason_from_tracker(tracker))
