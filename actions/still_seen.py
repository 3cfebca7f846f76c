""" "Will they still see me?" right after the running-late answer: still about being late.

The ResponseSelector answers such a question with ``faq/care_with_balance`` ("Yes. A balance on
your account never stops you from being seen"), whose examples all speak of money: a patient 15
minutes late was told "Yes". ``addons/follow_up_guard.py`` reads the question, when it says
nothing of money, as ``out_of_scope`` (marked with ``MARK_KEY``; the answer picked stays in
the parse);
``action_out_of_scope`` answers it as the running-late question again when that was the last
question, and as picked otherwise.
"""

from __future__ import annotations

import re
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import EventType

from actions.second_request import replayed
from actions.tracker_reading import message_before_last, selected_faq_key

BALANCE_KEY = "faq/care_with_balance"
RUNNING_LATE_KEY = "faq/running_late"
# Parse-data key that marks such a question.
MARK_KEY = "still_seen"
# Money, or how it is paid ("I don't have insurance, can I still come in" is for billing).
MONEY_WORDS = re.compile(
    r"\b(owe\w*|bills?|balances?|paid|pay\w*|debt|money|collections?|overdue|unpaid|past due|"
    r"account|afford|broke|insur\w*|medi-?cal|medicare|medicaid|coverage|covered|\$\d*)",
    re.IGNORECASE,
)


def asks_still_seen_without_money(text: str, faq_key: str | None) -> bool:
    """The balance answer picked for a question that says nothing of money."""
    return faq_key == BALANCE_KEY and not MONEY_WORDS.search(text or "")


def still_seen(tracker: Tracker, latest: dict[str, Any]) -> list[EventType]:
    """The question again: the running-late answer after the running-late question, else the
    answer picked."""
    text = str(latest.get("text") or "")
    before = message_before_last(tracker)
    if selected_faq_key(before.get("parse_data") or {}) == RUNNING_LATE_KEY:
        return replayed(text, "faq", latest, [], before["parse_data"]["response_selector"])
    selected = (tracker.latest_message or {}).get("response_selector") or {}
    return replayed(text, "faq", latest, [], selected)


def is_marked(tracker: Tracker) -> bool:
    """Whether the latest message is such a question (marked by the NLU guard)."""
    return bool((tracker.latest_message or {}).get(MARK_KEY))
