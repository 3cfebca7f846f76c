"""A button's title typed instead of tapped means that button, on every channel.

SMS patients answer numbered options with the number or the title's words
(:func:`addons.sms_text.match_option`). On the web widget and the REST channel a patient who
types "Book another time" under the [Book another time] button means the same, but the model
reads those words afresh and can miss: right after a cancellation it read them as a
reschedule, which offered to move a *different* appointment. So before a message is parsed,
text that is the title of a button the bot sent since the patient's last message (or its
number: "2") is handled as that button's payload, exactly as a tap (the transcript shows the
payload, as for a tap).

Not while the conversation is paused (staff read the patient's words), and not across a new
session (the buttons belong to a conversation that has ended).

Installed when the safety layer is loaded into the Rasa server (the pipeline imports
:mod:`addons.safety_triage`, which calls :func:`install`), as :mod:`addons.paused_safety` is.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from rasa.core.channels.channel import UserMessage
from rasa.core.processor import MessageProcessor
from rasa.shared.core.events import BotUttered, SessionStarted, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from addons.sms_text import fold

logger = logging.getLogger(__name__)


def offered_buttons(tracker: DialogueStateTracker) -> list[dict[str, Any]]:
    """The buttons of the bot's messages since the patient last wrote, in order."""
    buttons: list[dict[str, Any]] = []
    for event in reversed(tracker.events):
        if isinstance(event, (UserUttered, SessionStarted)):
            break
        if isinstance(event, BotUttered):
            buttons = list((event.data or {}).get("buttons") or []) + buttons
    return buttons


def typed_button_payload(text: str | None, tracker: DialogueStateTracker) -> str | None:
    """The payload of the offered button whose title is ``text`` (case and punctuation aside)."""
    typed = fold(text or "")
    if not typed or (text or "").lstrip().startswith("/") or tracker.is_paused():
        return None
    buttons = offered_buttons(tracker)
    number = re.fullmatch(r"(?:option |number |no )?(\d{1,2})", typed)
    if number and 1 <= int(number.group(1)) <= len(buttons):
        # "2" under [Yes, cancel it] [No, keep it]: "Please tap one of the options, or reply
        # with its number" came again (numbers worked for times only)
        payload = str(buttons[int(number.group(1)) - 1].get("payload") or "")
        return payload if payload.startswith("/") else None
    for button in buttons:
        payload = str(button.get("payload") or "")
        if payload.startswith("/") and fold(str(button.get("title") or "")) == typed:
            return payload
    return None


def install() -> None:
    """Wraps ``MessageProcessor._handle_message_with_tracker`` once (idempotent)."""
    original: Any = MessageProcessor._handle_message_with_tracker
    if getattr(original, "reads_typed_buttons", False):
        return

    async def _handle_typed_button(
        self: MessageProcessor, message: UserMessage, tracker: DialogueStateTracker
    ) -> None:
        if not message.parse_data:
            payload = typed_button_payload(message.text, tracker)
            if payload is not None:
                logger.info("A button's title was typed: handled as its payload")
                message.text = payload
        await original(self, message, tracker)

    _handle_typed_button.reads_typed_buttons = True  # type: ignore[attr-defined]
    MessageProcessor._handle_message_with_tracker = _handle_typed_button  # type: ignore[method-assign]
