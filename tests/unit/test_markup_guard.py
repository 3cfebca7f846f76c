"""Markup or code is out of scope, never a handoff (addons/markup_guard.py)."""

from __future__ import annotations

import pytest
from rasa.shared.nlu.training_data.message import Message

from addons.markup_guard import MarkupGuard, is_markup


@pytest.mark.parametrize(
    ("text", "markup"),
    [
        ("<script>alert(1)</script>", True),  # was a medical question, and a paused chat
        ("<img src=x onerror=alert(1)>", True),
        ("{{7*7}}", True),
        ("<b>hi</b>", True),
        ("I need < 3 days notice", False),
        ("<3 thanks so much", False),
        ("can I book <b>tomorrow</b> morning with dr patel please", False),
    ],
)
def test_markup_with_hardly_any_words_is_markup(text: str, markup: bool) -> None:
    assert is_markup(text) is markup


def test_the_guard_sets_out_of_scope_and_leaves_words_alone() -> None:
    guard = MarkupGuard()
    code = Message(data={"text": "<script>alert(1)</script>"})
    code.set("intent", {"name": "medical_advice", "confidence": 0.76}, add_to_output=True)
    words = Message(data={"text": "where do I park"})
    words.set("intent", {"name": "parking", "confidence": 0.99}, add_to_output=True)
    guard.process([code, words])
    assert code.get("intent") == {"name": "out_of_scope", "confidence": 1.0}
    assert words.get("intent") == {"name": "parking", "confidence": 0.99}
