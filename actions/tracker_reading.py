"""Reading the conversation so far: the patient's latest message and the intent read in it,
the common question's answer picked, the message that started the running form and those
sent since, the latest event of a kind,
and the response the bot said last.

Nearly every action reads the tracker this way, so these live on their own rather than with
the forms that first needed them.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from rasa_sdk import Tracker


def latest_intent(tracker: Tracker) -> tuple[str | None, float]:
    intent = (tracker.latest_message or {}).get("intent") or {}
    return intent.get("name"), float(intent.get("confidence") or 0.0)


def latest_text(tracker: Tracker) -> str:
    return ((tracker.latest_message or {}).get("text") or "").strip()


def selected_faq_key(parse_data: dict[str, Any]) -> str:
    """The common question's answer the ResponseSelector picked, e.g. ``faq/running_late``;
    empty when it picked none."""
    selected = ((parse_data.get("response_selector") or {}).get("faq") or {}).get("response")
    return str((selected or {}).get("intent_response_key") or "")


def _form_activation(
    events: list[dict[str, Any]], form: str | None = None
) -> tuple[int, int | None] | None:
    """Where the running form (or the last ``form``) was activated: the index of that event
    and of the patient's message just before it (None when there is none); None when no form
    was activated."""
    for index in range(len(events) - 1, -1, -1):
        event = events[index]
        if (
            event.get("event") == "active_loop"
            and event.get("name")
            and (form is None or event.get("name") == form)
        ):
            users = [i for i, e in enumerate(events[:index]) if e.get("event") == "user"]
            return index, (users[-1] if users else None)
    return None


def form_activation_index(events: list[dict[str, Any]]) -> int | None:
    """The index of the event that activated the last form, or None when none was."""
    found = _form_activation(events)
    return found[0] if found is not None else None


def form_request(tracker: Tracker, form: str | None = None) -> str:
    """The patient's message that started the form that is running (or ``form``); the latest
    message when none did."""
    events = list(tracker.events)
    found = _form_activation(events, form)
    if found is None:
        return latest_text(tracker)
    _, user = found
    return str(events[user].get("text") or "") if user is not None else ""


def _form_start(events: list[dict[str, Any]]) -> int:
    """Where the running form began: the message that started it, else its activation (0
    with no form)."""
    found = _form_activation(events)
    return 0 if found is None else (found[1] if found[1] is not None else found[0])


def form_texts(tracker: Tracker) -> list[str]:
    """The patient's messages since the running form started, the one that started it first."""
    events = list(tracker.events)
    start = _form_start(events)
    texts = [str(e.get("text") or "") for e in events[start:] if e.get("event") == "user"]
    if texts and texts[0].startswith("/"):
        # Started by a button ("Did you want to cancel an appointment?" [Yes]): the words that
        # asked for it came just before ("my mom passed away, how do i cancel her appointments")
        before = [str(e.get("text") or "") for e in events[:start] if e.get("event") == "user"]
        texts = [t for t in before[-2:] if not t.startswith("/")] + texts
    return texts or [latest_text(tracker)]


def form_responses(tracker: Tracker) -> list[str]:
    """The names of the responses said since the running form started."""
    events = list(tracker.events)
    return [
        str((e.get("metadata") or {}).get("utter_action") or "")
        for e in events[_form_start(events) :]
        if e.get("event") == "bot"
    ]


def last_event(events: list[dict[str, Any]], kind: str) -> dict[str, Any]:
    """The latest event of ``kind`` ("user", "bot"), or {} when there is none."""
    return next((e for e in reversed(events) if e.get("event") == kind), {})


def message_before_last(tracker: Tracker) -> dict[str, Any]:
    """The patient's message before the latest one, or {} when there is none."""
    users = [e for e in tracker.events if e.get("event") == "user"]
    return users[-2] if len(users) > 1 else {}


def events_this_session(tracker: Tracker) -> Iterator[dict[str, Any]]:
    """The events of this conversation session, newest first (up to ``session_started``)."""
    for event in reversed(list(tracker.events)):
        if event.get("event") == "session_started":
            return
        yield event


def is_response(event: dict[str, Any], response: str) -> bool:
    """Whether ``event`` is the bot saying ``response`` ("utter_why_identity")."""
    return event.get("event") == "bot" and (
        (event.get("metadata") or {}).get("utter_action") == response
    )


def last_response(tracker: Tracker) -> str | None:
    """The name of the response the bot said last ("utter_cancelled"), if it said one."""
    bot = last_event(list(tracker.events), "bot")
    return (bot.get("metadata") or {}).get("utter_action")


def replied_to_latest(tracker: Tracker) -> bool:
    """Whether the bot has already said something since the patient's latest message (an
    answer, or the answer heard), so a question next needs no "Got it" of its own."""
    for event in reversed(list(tracker.events)):
        if event.get("event") == "user":
            return False
        if event.get("event") == "bot":
            return True
    return False


def bot_messages_before_latest(events: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The bot's messages between the patient's last two messages (what the latest message
    answers), oldest first."""
    said: list[dict[str, Any]] = []
    users = 0
    for event in reversed(events):
        if event.get("event") == "user":
            users += 1
            if users == 2:
                break
        elif users == 1 and event.get("event") == "bot":
            said.insert(0, event)
    return said


def responses_before_latest(tracker: Tracker) -> list[str]:
    """The names of the responses of :func:`bot_messages_before_latest`."""
    return [
        str((event.get("metadata") or {}).get("utter_action") or "")
        for event in bot_messages_before_latest(list(tracker.events))
    ]


def is_button_payload(text: str) -> bool:
    return text.startswith("/")
