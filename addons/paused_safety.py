"""An emergency or crisis is answered even while the conversation waits for staff.

A paused conversation gets no bot reply (DESIGN.md): staff are on it. But a patient who waits
for, say, a billing question and then writes "I just took all my pills" must hear 911 or 988
at once, not silence until someone looks at the queue. Rasa 3.6 decides this in
``MessageProcessor._should_handle_message`` (paused → nothing is predicted, unless the message is
``/restart``); this widens it by one case: the latest message fired the deterministic safety
layer (``safety`` in its parse data, see :mod:`addons.safety_triage`) and the conversation has
not been paused again since. The usual rule then runs (``utter_emergency`` or ``utter_crisis``,
then ``action_escalate``), which raises the console item to urgent and pauses again, which ends
the exception. The classifier's guesses alone do not break through: too many false alarms to
interrupt a conversation that staff may be holding.

Installed when the safety layer is loaded into the Rasa server (the pipeline imports
:mod:`addons.safety_triage`, which calls :func:`install`).
"""

from __future__ import annotations

import logging
from typing import Any

from rasa.core.processor import MessageProcessor
from rasa.shared.core.events import ConversationPaused, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from addons.safety_rules import SAFETY_RULE_ENTITY
from addons.waiting_reply import wait_for, waiting_turn

logger = logging.getLogger(__name__)

SAFETY_KEY = "safety"  # where the safety layer puts its hit in the parse data


def urgent_while_paused(tracker: DialogueStateTracker) -> bool:
    """The latest message fired the safety layer, and nothing paused the chat after it; not the
    same crisis said again in the wait its reply began (see ``crisis_said_again``)."""
    latest = tracker.latest_message
    if latest is None or not (latest.parse_data or {}).get(SAFETY_KEY):
        return False
    if crisis_said_again(tracker):
        return False
    for event in reversed(tracker.events):
        if isinstance(event, ConversationPaused):
            return False  # escalated again for this message: done
        if isinstance(event, UserUttered):
            return True
    return False


def crisis_said_again(tracker: DialogueStateTracker) -> bool:
    """A crisis of the same kind said again in the wait its own reply began, before staff
    wrote ("whats the point anymore" - 988 - "no i mean i just dont want to be here" got the
    same paragraph and the same "staff are away" a second time, word for word): the wait's
    own reply answers it, with the same line and 911 (:mod:`addons.waiting_reply`), and the
    conversation, urgent already, stays in the queue. An emergency always breaks through."""
    latest = tracker.latest_message
    hit = (latest.parse_data or {}).get(SAFETY_KEY) or {} if latest is not None else {}
    if hit.get("category") != "crisis" or waiting_turn(tracker) is None:
        return False
    rule = next(
        (str(e.get("value")) for e in latest.entities if e.get("entity") == SAFETY_RULE_ENTITY),
        "",
    )
    return wait_for(tracker).crisis == rule


def install() -> None:
    """Patches the processor once (idempotent)."""
    current: Any = MessageProcessor.__dict__["_should_handle_message"]
    if getattr(current, "__func__", current).__name__ == "_should_handle_or_urgent":
        return
    original = current.__func__ if isinstance(current, staticmethod) else current

    def _should_handle_or_urgent(tracker: DialogueStateTracker) -> bool:
        if original(tracker):
            return True
        if tracker.is_paused() and urgent_while_paused(tracker):
            logger.info("Safety layer fired in a paused conversation: answering it")
            return True
        return False

    MessageProcessor._should_handle_message = staticmethod(_should_handle_or_urgent)
