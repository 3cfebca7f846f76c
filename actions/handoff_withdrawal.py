"""A patient waiting for staff who writes "never mind, I sorted it out" gets the assistant back.

:mod:`addons.waiting_reply` spots the words while the chat is paused and no staff member has
written yet, and runs this action instead of its usual "your message reached staff". The
console closes the item as withdrawn, unless it is urgent (an emergency or a crisis is checked
on regardless) or a staff member has already claimed it (they are about to write): then the
chat stays with staff and the patient hears why.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ConversationResumed, EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.clinic_config import ClinicConfig
from actions.handoff import handoff_client, to_be_read, wait_reason
from actions.relatives import relation_in
from actions.second_request import (
    ASKED_AS_QUESTION,
    HANDED_OVER,
    MAX_REQUEST_CHARS,
    replayed,
    request_in,
    split_clauses,
)
from actions.settings import get_clinic
from actions.tracker_reading import last_event, latest_text
from actions.visit_while_away import yes_to_visit_offer

logger = logging.getLogger(__name__)

ACTION_NAME = "action_withdraw_handoff"
# The patient takes the request for a person back. Not "forget it" in the middle of a
# sentence, nor "I don't need help with the bill, I need a person".
OPENING_WITHDRAWAL = r"^\W*(?:never ?mind|nvm|forget (?:it|about it)|no need|cancel (?:that|it))\b"
WITHDRAWS = re.compile(
    OPENING_WITHDRAWAL
    + r"|\b(?:figured|sorted|worked) (?:it )?out\b|\bproblem solved\b|\b(?:i'?m|im) all set\b"
    r"|\bno longer need\b"
    r"|\b(?:don'?t|dont|do not) need (?:a |the |any )?(?:person|human|someone|anyone|staff|"
    r"help|nurse|them|you)\b(?=\W*(?:any ?more|now|after all)?\W*$)"
    r"|\bcancel (?:the|my|that) (?:request|call ?back|handoff)\b"
    r"|\b(?:bot|assistant)\b.{0,20}\b(?:help me|instead)\b"
    r"|\b(?:back to|use|ask) the (?:bot|assistant)\b",
    re.IGNORECASE,
)


def withdraws(text: str | None) -> bool:
    """The message takes back the request for a person ("never mind, I sorted it out")."""
    return bool(text and WITHDRAWS.search(text.replace("\u2019", "'")))


# The chat stays with staff for these outcomes; any other gives the assistant back.
STAYS_WITH_STAFF = ("urgent", "claimed")


def withdrawal_message(clinic: ClinicConfig, outcome: str, asked: bool = False) -> str:
    """What the patient hears: the assistant is back, or why a person will still write.
    ``asked``: the message asked something else too, answered next (no "what can I do?")."""
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
        f"If you'd still like a person, call us at {info.main_phone}."
        if asked
        else "I'm back to help with appointments, billing or directions: what can I do for you? "
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


# Waiting for staff who are away (nights, weekends), the patient asks for something the
# assistant does itself ("my daughter has a fever, should i bring her in" went to a nurse, then
# "can i book her a sick visit tomorrow then" met "saved for our staff, Monday at 8am"): it is
# done now, and the first request stays in the staff's queue. Not after an emergency or a
# crisis: that chat stays with staff, whatever is asked.
URGENT_INTENTS = ("emergency", "crisis")


def urgent_in(events: Iterable[dict[str, Any]]) -> bool:
    """Whether the conversation held an emergency or a crisis (read by the model or the
    safety layer)."""
    for event in events:
        if event.get("event") != "user":
            continue
        parsed = event.get("parse_data") or {}
        intent = (parsed.get("intent") or {}).get("name")
        flagged = (parsed.get("safety_check") or {}).get("category")
        if intent in URGENT_INTENTS or flagged in URGENT_INTENTS:
            return True
    return False


def asked_while_away(
    text: str | None, clinic: ClinicConfig, events: Iterable[dict[str, Any]]
) -> dict[str, str] | None:
    """The request of ours (as :func:`asked_in` gives it) that a message written while waiting
    for staff asks the assistant to do itself, while staff are away, in a chat with no
    emergency or crisis in it; else None. ``events`` are only read when the rest holds."""
    if withdraws(text) or clinic.staff_available(clinic.now()):
        return None
    asked = asked_in(text or "")
    if asked is None:
        # "yes" to "I can book a sick visit for you right here" (actions/visit_while_away.py);
        # the events are read twice, for the offer and then for urgency
        events = list(events)
        asked = yes_to_visit_offer(text, events, clinic)
    return None if asked is None or urgent_in(events) else asked


def kept_for_staff_message(
    clinic: ClinicConfig, offered: bool = False, reason: str | None = None
) -> str:
    """Said before the request is done: the first one still reaches staff, and when.
    ``offered``: a yes to the visit the assistant offered ("I can help with that myself"
    answered the bot's own offer). Feedback given (a ``reason`` to be read) is read, not
    replied to."""
    when = clinic.staff_back(clinic.now())
    if offered:
        return f"Let's book it. Your question stays with our nurses, and they'll reply here {when}."
    if to_be_read(reason):
        return (
            f"I can help with that myself. Your feedback stays with our team, and they'll read "
            f"it {when}."
        )
    return (
        f"I can help with that myself. Your earlier message stays with our staff, and they'll "
        f"reply here {when}."
    )


PRONOUN = re.compile(r"\b(her|him|them)\b", re.IGNORECASE)


def named_again(text: str, events: list[dict[str, Any]]) -> str:
    """ "book her a sick visit" as "book my daughter a sick visit" when the message before the
    wait named her: the booking started again asked "Have you been seen here before?". Not
    ``relation_asked_about``: it stops at the session's start, and a weekend's wait crosses
    sessions."""
    if not PRONOUN.search(text) or relation_in(text):
        return text
    for event in reversed(events[:-1]):
        if event.get("event") == "user" and (relation := relation_in(event.get("text") or "")):
            return PRONOUN.sub(f"my {relation}", text, count=1)
    return text


class ActionWithdrawHandoff(Action):
    """Withdraws the open handoff; resumes the assistant unless the chat must stay with staff.
    A request of ours asked while staff are away (``asked_while_away``) is done at once, the
    handoff left in the queue."""

    def name(self) -> str:
        return ACTION_NAME

    def run(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: dict[str, Any],
    ) -> list[EventType]:
        clinic = get_clinic()
        text = latest_text(tracker)
        if not withdraws(text):
            events = list(tracker.events)
            asked = asked_while_away(text, clinic, events)
            if asked is None:
                return []  # (the waiting reply's check, made again here)
            offered = asked_in(text) is None  # (a yes to the visit offered, not a request)
            kept = kept_for_staff_message(clinic, offered, wait_reason(events))
            dispatcher.utter_message(text=kept)
            said = named_again(asked["text"], events)
            latest = last_event(events, "user")
            return [ConversationResumed(), *replayed(said, asked["intent"], latest, [])]
        handoff_id = tracker.get_slot("handoff_id")
        outcome = (
            handoff_client().withdraw(str(handoff_id), tracker.sender_id)
            if handoff_id
            else "unknown"
        )
        logger.info("patient withdrew a handoff: %s", outcome)
        asked = None if outcome in STAYS_WITH_STAFF else asked_with_it(tracker)
        dispatcher.utter_message(text=withdrawal_message(clinic, outcome, bool(asked)))
        if outcome in STAYS_WITH_STAFF:
            return []
        resumed: list[EventType] = [ConversationResumed(), SlotSet("handoff_id", None)]
        if asked is None:
            return resumed
        # "never mind, what time do you open monday": the assistant back, and the question
        # answered (it got "what can I do for you?", the question lost)
        latest = last_event(tracker.events, "user")
        return resumed + replayed(asked["text"], asked["intent"], latest, [])


def asked_with_it(tracker: Tracker) -> dict[str, str] | None:
    """The first request of ours the withdrawing message words ("never mind, what time do you
    open monday"), as ``{"intent": ..., "text": <its clause>}``; else None."""
    return asked_in(latest_text(tracker))


# What insurance was expected to do ("i thought insurance would cover it", "my plan was
# supposed to pay this"): a detail of a billing question for staff, not a question which plans
# we take (it got "I can help with that myself" and the list of plans).
INSURANCE_EXPECTED = re.compile(
    r"\b(?:thought|figured|assumed|expected|should(?: have|'?ve)?|supposed to|was told|were "
    r"told|told (?:me|us)|said (?:it|they|that))\b.{0,40}\b(?:cover|covers|covered|pay|paid|"
    r"picks? up|picked up|take care of)\b",
    re.IGNORECASE,
)


def asked_in(text: str) -> dict[str, str] | None:
    """The first request of ours ``text`` words, but not a withdrawal's own words, nor what
    insurance was expected to pay, as ``{"intent": ..., "text": <its clause>}``; else None."""
    for clause in split_clauses(text):
        # ("nvm when does the clinic open": the question after the opening words; not "never
        # mind i dont need help with my bill")
        rest = re.sub(OPENING_WITHDRAWAL, "", clause, flags=re.IGNORECASE).strip()
        clause = rest if rest and ASKED_AS_QUESTION.search(rest) else clause
        intent = None if withdraws(clause) else request_in(clause)
        if intent == "billing_insurance" and INSURANCE_EXPECTED.search(clause):
            continue
        if intent is not None and intent not in HANDED_OVER:
            return {"intent": intent, "text": clause[:MAX_REQUEST_CHARS]}
    return None
