"""A patient who writes while waiting for staff hears, at once, that the message reached them.

A paused conversation gets no prediction (DESIGN.md): staff are on it. The console tells a
waiting patient their place in the queue, but at most every couple of minutes, and through
the channel they last wrote on, which the REST webhook cannot receive later: "hello?", "how
long will this take", "its getting worse" met silence. This answers each such message with a
short, fixed acknowledgement (staff hours from clinic.yml, the emergency number every time),
without running the policy, so the chat stays paused and the staff's transcript shows it.

Not once a staff member has written in this wait (they are talking with the patient), and not
for messages the processor handles anyway (the safety layer firing: :mod:`addons.paused_safety`,
and ``/restart``), nor for the console's own ``EXTERNAL_`` intents.

A patient who takes the request back ("never mind, I figured it out", "can the bot just help
me instead") met the same acknowledgement and stayed in the queue, with the bot unable to help:
such a message runs ``action_withdraw_handoff`` instead (:mod:`actions.handoff_withdrawal`),
which closes the console item and gives the assistant back, unless the chat must stay with
staff (urgent, or already claimed). So does a request the assistant does itself, asked while
staff are away ("can i book her a sick visit tomorrow then" after a nurse question on a
Saturday night was "saved for our staff" until Monday): it is done at once, and the first
request stays in the staff's queue.

Installed with the safety layer (:mod:`addons.safety_triage` calls :func:`install`).
"""

from __future__ import annotations

import logging
import re
from datetime import datetime
from typing import Any, NamedTuple

from rasa.core.actions.action import action_for_name_or_text
from rasa.core.channels.channel import OutputChannel
from rasa.core.policies.policy import PolicyPrediction
from rasa.core.processor import MessageProcessor
from rasa.shared.core.constants import ACTION_LISTEN_NAME
from rasa.shared.core.events import BotUttered, ConversationPaused, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from actions.call_back import CALL_KEY, call_when
from actions.clinic_config import ClinicConfig
from actions.handoff import REASON_KEY, TEAM_KEY, call_in_hours, emergency_sentence, to_be_read
from actions.handoff_withdrawal import asked_while_away, withdraws
from actions.phone import find_phone
from actions.settings import get_clinic
from addons.safety_rules import SAFETY_RULE_ENTITY

logger = logging.getLogger(__name__)

ACK_KEY = "waiting_ack"  # in the acknowledgement's metadata
# ...with this one when staff are away: the acknowledgement says when they are back, and the
# console sends no queue notice of its own (on SMS the same news came twice, as two texts).
AWAY_KEY = "staff_away"
EXTERNAL_PREFIX = "EXTERNAL"
WITHDRAW_ACTION = "action_withdraw_handoff"


# The reply that began a wait for someone in crisis (domain/escalation.yml).
CRISIS_REPLY = "utter_crisis"


# "thanks", "ok thank you", "ok", "sounds good": nothing more for staff ("ok" got "Thanks, I've
# added that for our staff", "thanks" "Got it, that's saved for our staff too").
THANKS_ONLY = re.compile(
    r"^\W*(?:(?:ok|okay|k|kk|great|cool|perfect|awesome|sounds good|got it|alright|all right)"
    r"\W*)*(?:thanks|thank you|thank u|thanx|thx|ty|tysm|much appreciated|appreciate it)"
    r"(?: (?:so much|very much|a lot|again|so so much))?\W*$",
    re.IGNORECASE,
)
OK_ONLY = re.compile(
    r"^\W*(?:ok|okay|k|kk|okie|sounds good|got it|alright|all right|great|cool|perfect|will do|"
    r"understood|ok cool|ok great|okay great)\W*$",
    re.IGNORECASE,
)


def waiting_reply(
    clinic: ClinicConfig,
    now: datetime,
    turn: int,
    crisis: str | None = None,
    team: str | None = None,
    written: str = "",
    reason: str | None = None,
    call_asked: bool = False,
) -> str:
    """The acknowledgement for the ``turn``-th message of this wait (0 first): worded in turn
    differently, so "hello?" and "hello??" do not get the same words back. In a wait begun by
    a crisis (``crisis``: the safety rule that fired, "" for none named), the line for it
    comes with it each time ("i dont want to talk to 988" got "Thanks, I've added that for our
    staff"). A wait for the billing ``team`` is not told to call 911 at every message. A thanks
    or an okay (``written``) is met as one, with when staff reply. Feedback given (a handoff
    ``reason`` to be read) is thanked, and read by staff rather than replied to. A phone number
    written after the handoff asked for one (``call_asked``) is thanked as the one to call."""
    if crisis is not None:
        return _crisis_reply(clinic, now, turn, crisis)
    if to_be_read(reason):
        return _feedback_reply(clinic, now, turn, written)
    emergency = emergency_sentence(clinic, team, reason)
    if call_asked and find_phone(written):
        # ("Thanks, I've added that for our staff: whoever joins you will see everything")
        when = call_when(clinic, now)
        thanked = f"Thanks, I've passed your number on: staff will call you {when}."
        return f"{thanked} {emergency}".rstrip()
    opening = "You're welcome." if THANKS_ONLY.match(written) else ""
    opening = opening or ("Okay." if OK_ONLY.match(written) else "")
    if opening:
        reply = (
            f"Our staff will reply here {clinic.staff_back(now)}."
            if not clinic.staff_available(now)
            else "A staff member will reply here as soon as one is free."
        )
        return f"{opening} {reply} {emergency}".rstrip()
    if not clinic.staff_available(now):
        when = clinic.staff_back(now)
        after_hours = (
            f"Thanks, I've added that for our staff. They're away right now and will reply "
            f"here {when}. {emergency}",
            f"Got it, that's saved for our staff too; they'll see it {when}. {emergency}",
        )
        return after_hours[turn % len(after_hours)].rstrip()
    replies = (
        "Thanks, I've added that for our staff: whoever joins you will see everything you've "
        f"written. {emergency}",
        "Got it. You're still in line for a person, and your messages are saved for them. If "
        f"you'd rather call, {call_in_hours(clinic, team)}. {emergency}",
        "I've passed that on too. A staff member will reply here as soon as one is free. "
        f"{emergency}",
    )
    return replies[turn % len(replies)].rstrip()


def _feedback_reply(clinic: ClinicConfig, now: datetime, turn: int, written: str) -> str:
    """ "i want to leave a review" - "Write it here in your own words" - the review: it got
    "Thanks, I've added that for our staff. They're away right now and will reply here"."""
    when = "soon" if clinic.staff_available(now) else clinic.staff_back(now)
    if THANKS_ONLY.match(written) or OK_ONLY.match(written):
        opening = "You're welcome." if THANKS_ONLY.match(written) else "Okay."
        return f"{opening} Our team will read your feedback {when}."
    replies = (
        f"Thank you for taking the time to tell us. I've passed it on to our team, and they'll "
        f"read it {when}.",
        "Got it, I've added that to your feedback for our team.",
    )
    return replies[turn % len(replies)]


def _crisis_reply(clinic: ClinicConfig, now: datetime, turn: int, rule: str) -> str:
    info = clinic.clinic
    danger = f"If you're in danger, call {info.emergency_number}."
    staff = (
        f"Our staff will read this {clinic.staff_back(now)}"
        if not clinic.staff_available(now)
        else "A staff member will reply here as soon as they can"
    )
    name, line, by_text = _crisis_line(clinic, rule)
    replies = (
        f"Thank you for telling me. {staff}, and you don't have to wait alone until then: "
        f"the {name} is there right now at {line}, free and private. If talking feels like "
        f"too much, you can {by_text} instead. {danger}",
        f"I'm still here, and everything you write is saved for our staff. If it would help "
        f"to talk or text with someone now, the {name} ({line}) is open 24/7. {danger}",
    )
    return replies[turn % len(replies)]


def _crisis_line(clinic: ClinicConfig, rule: str) -> tuple[str, str, str]:
    """The line the crisis reply gave, for the wait after it: someone hurting the patient has
    the domestic violence line, a child at risk the child abuse line (as ``utter_crisis``'s
    variations, when clinic.yml has them: "my husband hits me" heard 988 only while waiting),
    anything else 988. (Name, number, how to text it.)"""
    info = clinic.clinic
    if rule == "abuse_violence" and info.abuse_line:
        name = info.abuse_line_name or "domestic violence hotline"
        by_text = info.abuse_line_text or f"text {info.abuse_line}"
        return name, info.abuse_line, by_text
    if rule == "child_abuse_neglect" and info.child_abuse_line:
        name = info.child_abuse_line_name or "child abuse hotline"
        return name, info.child_abuse_line, f"text {info.child_abuse_line}"
    return info.crisis_line_name, info.crisis_line, f"text {info.crisis_line}"


def _before_pause(tracker: DialogueStateTracker) -> tuple[list[BotUttered], UserUttered | None]:
    """The bot's messages before the latest pause, newest first, back to the patient's message
    they answered (and that message): what the handoff said, and why. ([], None) with no
    pause."""
    said: list[BotUttered] = []
    paused = False
    for event in reversed(tracker.events):
        if isinstance(event, ConversationPaused):
            paused = True
        elif paused and isinstance(event, UserUttered):
            return said, event
        elif paused and isinstance(event, BotUttered):
            said.append(event)
    return said, None


class Wait(NamedTuple):
    """What a wait is for, read from the handoff's messages before the latest pause: the safety
    rule of the crisis that began it ("" when its message carried none; None: no crisis), and
    the team and reason its "what happens next" message named (None when it named none)."""

    crisis: str | None
    team: str | None
    reason: str | None
    call_asked: bool = False


def wait_for(tracker: DialogueStateTracker) -> Wait:
    """This wait's :class:`Wait`, from one walk back through the events."""
    said, user = _before_pause(tracker)
    crisis = None
    if any((e.metadata or {}).get("utter_action") == CRISIS_REPLY for e in said):
        rules = (
            e.get("value")
            for e in (user.entities if user is not None else [])
            if e.get("entity") == SAFETY_RULE_ENTITY
        )
        crisis = str(next(rules, ""))

    def named(key: str) -> str | None:
        return next((str(e.metadata[key]) for e in said if (e.metadata or {}).get(key)), None)

    call_asked = any((e.metadata or {}).get(CALL_KEY) for e in said)
    return Wait(crisis, named(TEAM_KEY), named(REASON_KEY), call_asked)


def ack_metadata(clinic: ClinicConfig, now: datetime) -> dict[str, bool]:
    """The acknowledgement's metadata: an acknowledgement, and whether it said staff are away
    (and when they are back), for the console (``console/service.py``)."""
    return {ACK_KEY: True, **({} if clinic.staff_available(now) else {AWAY_KEY: True})}


def waiting_turn(tracker: DialogueStateTracker) -> int | None:
    """How many acknowledgements this wait has had, or None when none is due: a staff member
    has written since the pause, or the latest message is the console's own."""
    latest = tracker.latest_message
    if latest is None:
        return None
    intent = (latest.intent or {}).get("name") or ""
    if intent.startswith(EXTERNAL_PREFIX) or (latest.text or "").startswith(EXTERNAL_PREFIX):
        return None
    acks = 0
    for event in reversed(tracker.events):
        if isinstance(event, ConversationPaused):
            return acks
        if isinstance(event, BotUttered):
            metadata = event.metadata or {}
            if metadata.get("from_staff"):
                return None  # staff are talking with the patient: no bot in between
            acks += bool(metadata.get(ACK_KEY))
    return acks


async def _withdraw(
    processor: MessageProcessor, output_channel: OutputChannel, tracker: DialogueStateTracker
) -> bool:
    """Runs the withdrawal action, then listens if it gave the assistant back (no rule: a
    paused chat has no prediction to make it). True: it gave the assistant back with a
    question of the same message replayed ("never mind, what time do you open monday"),
    for the caller to predict the answer to."""
    for name in (WITHDRAW_ACTION, ACTION_LISTEN_NAME):
        if name == ACTION_LISTEN_NAME and tracker.is_paused():
            return False  # it stays with staff; a paused turn ends without action_listen
        if name == ACTION_LISTEN_NAME and isinstance(tracker.events[-1], UserUttered):
            return True
        action = action_for_name_or_text(name, processor.domain, processor.action_endpoint)
        prediction = PolicyPrediction.for_action_name(processor.domain, name)
        await processor._run_action(action, tracker, output_channel, processor.nlg, prediction)
    return False


def install() -> None:
    """Patches the processor's prediction loop once (idempotent)."""
    current: Any = MessageProcessor.__dict__["_run_prediction_loop"]
    if current.__name__ == "_run_prediction_loop_or_acknowledge":
        return
    original = current

    async def _run_prediction_loop_or_acknowledge(
        self: MessageProcessor, output_channel: OutputChannel, tracker: DialogueStateTracker
    ) -> None:
        if tracker.is_paused() and not self._should_handle_message(tracker):
            turn = waiting_turn(tracker)
            written = tracker.latest_message.text
            if turn is not None and (
                withdraws(written)
                # (the events are read, as dicts, only when the rest holds)
                or asked_while_away(written, get_clinic(), (e.as_dict() for e in tracker.events))
                is not None
            ):
                if await _withdraw(self, output_channel, tracker):
                    await original(self, output_channel, tracker)
                return
            if turn is not None:
                clinic = get_clinic()
                now = clinic.now()
                wait = wait_for(tracker)
                text = waiting_reply(
                    clinic,
                    now,
                    turn,
                    wait.crisis,
                    wait.team,
                    written or "",
                    wait.reason,
                    wait.call_asked,
                )
                await output_channel.send_response(tracker.sender_id, {"text": text})
                metadata = ack_metadata(clinic, now)
                tracker.update(BotUttered(text, metadata=metadata))
                logger.info("message while waiting for staff: acknowledged")
            return
        await original(self, output_channel, tracker)

    MessageProcessor._run_prediction_loop = _run_prediction_loop_or_acknowledge  # type: ignore[method-assign]
