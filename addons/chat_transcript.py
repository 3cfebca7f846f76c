"""What a returning web-chat browser is shown: the current session's messages, from the tracker.

The widget keeps nothing but the session id and token; after a reload (or a reconnect) the
channel re-sends the conversation so far, so nothing of it is stored in the browser.
"""

from __future__ import annotations

from typing import Any

MAX_MESSAGES = 100


def transcript_messages(events: list[dict[str, Any]], limit: int = MAX_MESSAGES) -> list[dict]:
    """User and bot messages since the last ``session_started``, as the widget renders them.

    A button click is stored as its payload (``/book_appointment``); it is shown as the
    button's title, and hidden if no earlier button explains it. A message the fallback loop
    replays (same ``message_id`` as one already shown) is not shown twice.
    """
    start = 0
    for index, event in enumerate(events):
        if event.get("event") == "session_started":
            start = index + 1
    messages: list[dict[str, Any]] = []
    titles: dict[str, str] = {}
    seen_ids: set[str] = set()
    for event in events[start:]:
        kind = event.get("event")
        text = event.get("text") or ""
        if kind == "bot":
            data = event.get("data") or {}
            buttons = [
                {"title": str(b.get("title", "")), "payload": str(b.get("payload", ""))}
                for b in (data.get("buttons") or data.get("quick_replies") or [])
                if isinstance(b, dict)
            ]
            titles.update({b["payload"]: b["title"] for b in buttons})
            if not text and not buttons:
                continue
            message: dict[str, Any] = {"sender": "bot", "text": text}
            if buttons:
                message["buttons"] = buttons
            metadata = event.get("metadata") or {}
            if metadata.get("from_staff"):
                message["from_staff"] = True
                message["staff_name"] = str(metadata.get("staff_name") or "")
            messages.append(message)
        elif kind == "user":
            message_id = event.get("message_id")
            if message_id in seen_ids:
                continue
            if message_id:
                seen_ids.add(message_id)
            if text.startswith("/"):
                if text not in titles:
                    continue
                text = titles[text]
            if text.strip():
                messages.append({"sender": "user", "text": text})
    return messages[-limit:]
