"""A button's title typed rather than tapped is that button (addons/typed_buttons.py)."""

from __future__ import annotations

import asyncio
from typing import Any

from rasa.core.channels.channel import UserMessage
from rasa.core.processor import MessageProcessor
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import (
    ActionExecuted,
    BotUttered,
    ConversationPaused,
    SessionStarted,
    UserUttered,
)
from rasa.shared.core.trackers import DialogueStateTracker

from addons import typed_buttons
from addons.typed_buttons import typed_button_payload

CANCELLED = BotUttered(
    "Done. I've cancelled your physical. Would you like to book another time?",
    data={
        "buttons": [
            {"title": "Book another time", "payload": "/book_appointment"},
            {"title": "No, thanks", "payload": "/thank"},
        ]
    },
)


def tracker(*events: Any) -> DialogueStateTracker:
    history = [ActionExecuted("action_listen"), UserUttered("cancel it"), *events]
    return DialogueStateTracker.from_events("patient", history, domain=Domain.empty())


def test_a_typed_title_is_its_payload() -> None:
    after_cancel = tracker(CANCELLED, ActionExecuted("action_listen"))
    assert typed_button_payload("book another time", after_cancel) == "/book_appointment"
    assert typed_button_payload("  Book another time!! ", after_cancel) == "/book_appointment"
    assert typed_button_payload("no thanks", after_cancel) == "/thank"


def test_buttons_of_any_bot_message_since_the_patient_wrote() -> None:
    later = tracker(CANCELLED, BotUttered("Anything else?"), ActionExecuted("action_listen"))
    assert typed_button_payload("Book another time", later) == "/book_appointment"


def test_a_typed_number_is_that_button() -> None:
    """ "2" under [Yes, cancel it] [No, keep it]: "Please tap one of the options, or reply with
    its number", again."""
    after_cancel = tracker(CANCELLED, ActionExecuted("action_listen"))
    assert typed_button_payload("2", after_cancel) == "/thank"
    assert typed_button_payload("#1", after_cancel) == "/book_appointment"
    assert typed_button_payload("3", after_cancel) is None  # no third button
    # a rating's buttons carry the number itself: left to the form that asked
    rating = BotUttered("How did we do?", data={"buttons": [{"title": "1", "payload": "1"}]})
    assert typed_button_payload("1", tracker(rating, ActionExecuted("action_listen"))) is None


def test_other_words_are_left_to_the_model() -> None:
    after_cancel = tracker(CANCELLED, ActionExecuted("action_listen"))
    for text in ("book another time next week", "book", "", None, "/book_appointment"):
        assert typed_button_payload(text, after_cancel) is None


def test_not_old_buttons_a_paused_chat_or_a_new_session() -> None:
    answered = tracker(CANCELLED, UserUttered("thanks"), BotUttered("You're welcome."))
    assert typed_button_payload("Book another time", answered) is None
    paused = tracker(CANCELLED, ConversationPaused())
    assert typed_button_payload("Book another time", paused) is None
    new_session = tracker(CANCELLED, SessionStarted(), ActionExecuted("action_listen"))
    assert typed_button_payload("Book another time", new_session) is None


def test_the_processor_handles_the_message_as_the_payload(monkeypatch: Any) -> None:
    handled: list[str] = []

    async def original(self: Any, message: UserMessage, tracker: Any) -> None:
        handled.append(message.text)

    monkeypatch.setattr(MessageProcessor, "_handle_message_with_tracker", original)
    typed_buttons.install()
    typed_buttons.install()  # idempotent: wrapped once
    after_cancel = tracker(CANCELLED, ActionExecuted("action_listen"))
    handle = MessageProcessor._handle_message_with_tracker
    for text in ("Book another time", "book another time next week"):
        asyncio.run(handle(None, UserMessage(text, sender_id="patient"), after_cancel))
    assert handled == ["/book_appointment", "book another time next week"]
