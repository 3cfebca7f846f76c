"""Which messages of a paused conversation still get an answer (addons/paused_safety.py)."""

from __future__ import annotations

from typing import Any

from rasa.core.processor import MessageProcessor
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import (
    ActionExecuted,
    BotUttered,
    ConversationPaused,
    UserUttered,
)
from rasa.shared.core.trackers import DialogueStateTracker

from addons import paused_safety


def user(text: str, intent: str, safety: dict[str, Any] | None = None) -> UserUttered:
    parse = {"text": text, "intent": {"name": intent, "confidence": 1.0}, "entities": []}
    if safety:
        parse["safety"] = safety
    return UserUttered(text, parse["intent"], parse_data=parse)


def paused_then(*events: Any) -> DialogueStateTracker:
    history = [
        ActionExecuted("action_listen"),
        user("talk to a person", "request_human"),
        BotUttered("A staff member will join shortly."),
        ConversationPaused(),
        ActionExecuted("action_listen"),
        *events,
    ]
    return DialogueStateTracker.from_events("patient", history, domain=Domain.empty())


CRISIS = {"category": "crisis", "rule_id": "suicidal_thoughts", "crisis_related": False}


def test_a_rule_hit_while_paused_is_handled_until_paused_again() -> None:
    paused_safety.install()
    paused_safety.install()  # idempotent
    tracker = paused_then(user("i want to kill myself", "crisis", CRISIS))
    assert tracker.is_paused()
    assert MessageProcessor._should_handle_message(tracker)
    # after utter_crisis and action_escalate, which pauses again: nothing more
    tracker.update(BotUttered("Please call or text 988"))
    tracker.update(ConversationPaused())
    assert not MessageProcessor._should_handle_message(tracker)


def test_other_messages_while_paused_are_not_handled() -> None:
    paused_safety.install()
    assert not MessageProcessor._should_handle_message(paused_then(user("hello?", "greet")))
    # the classifier's guess alone (no rule fired) does not break through
    guess = paused_then(user("i'm panicking about my bill", "emergency"))
    assert not MessageProcessor._should_handle_message(guess)
    # /restart still does, as in Rasa
    assert MessageProcessor._should_handle_message(paused_then(user("/restart", "restart")))


def crisis_wait_then(*events: Any, rule: str | None = None) -> DialogueStateTracker:
    """A wait begun by the crisis reply (its safety rule entity when it has a variation)."""
    first = user("whats the point of anything anymore", "crisis", CRISIS)
    if rule:
        first.entities.append({"entity": "safety_rule", "value": rule})
    history = [
        ActionExecuted("action_listen"),
        first,
        BotUttered("Please call or text 988", metadata={"utter_action": "utter_crisis"}),
        BotUttered("Our staff are away right now"),
        ConversationPaused(),
        ActionExecuted("action_listen"),
        *events,
    ]
    return DialogueStateTracker.from_events("patient", history, domain=Domain.empty())


def test_the_same_crisis_said_again_in_its_wait_gets_the_wait_reply() -> None:
    """ "no i mean i just dont want to be here" after the 988 reply got the same paragraph and
    the same "staff are away" again, word for word: the wait's own crisis reply answers it."""
    paused_safety.install()
    again = user("no i mean i just dont want to be here", "crisis", CRISIS)
    assert not MessageProcessor._should_handle_message(crisis_wait_then(again))
    # an emergency still breaks through
    emergency = {"category": "emergency", "rule_id": "overdose", "crisis_related": True}
    took = user("i took all my pills", "emergency", emergency)
    assert MessageProcessor._should_handle_message(crisis_wait_then(took))
    # ...and so does a crisis of another kind, whose reply names another line
    hurt = user("my husband hits me", "crisis", CRISIS)
    hurt.entities.append({"entity": "safety_rule", "value": "abuse_violence"})
    assert MessageProcessor._should_handle_message(crisis_wait_then(hurt))
    # ...and any crisis once staff have written (no acknowledgement comes then)
    staff = BotUttered("Hi, this is Dana from the clinic", metadata={"from_staff": True})
    assert MessageProcessor._should_handle_message(crisis_wait_then(staff, again))
    # ...and a crisis said in a wait that began with something else
    assert MessageProcessor._should_handle_message(paused_then(again))
