"""A thanks in the middle of a task asks nothing of its own (actions/thanks.py)."""

from __future__ import annotations

from rasa_sdk.executor import CollectingDispatcher

from actions.thanks import ActionThank
from tests.support.actions import make_tracker


def _said(**kwargs: object) -> list[str | None]:
    dispatcher = CollectingDispatcher()
    assert ActionThank().run(dispatcher, make_tracker("thanks", intent="thank", **kwargs), {}) == []
    return [m.get("response") for m in dispatcher.messages]


def test_a_thanks_outside_a_task_asks_what_else() -> None:
    assert _said() == ["utter_thank"]


def test_a_thanks_in_a_task_is_a_kind_word_before_its_question() -> None:
    # "thanks" at "Have you been seen here before?" (SMS): "You're very welcome. Is there
    # anything else I can help with?", then the booking's question
    assert _said(active_loop="booking_form") == ["utter_thank_in_task"]
