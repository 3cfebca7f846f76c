"""The satisfaction question after staff resolve a chat: reading answers, sending the rating."""

from __future__ import annotations

import json

import pytest
import responses
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.csat import ActionSubmitCsat, ValidateCsatForm, parse_comment, parse_score, rating_url
from tests.support.actions import make_tracker


@pytest.mark.parametrize(
    ("text", "score"),
    [
        ("4", "4"),
        (" 5 ", "5"),
        ("1", "1"),
        ("4/5", "4"),
        ("3 out of 5", "3"),
        ("I'd give it a 2", "2"),
        ("four", "4"),
        ("Great!", "5"),
        ("excellent, thanks", "5"),
        ("good", "4"),
        ("not good", "2"),
        ("very good", "4"),
        ("ok", "3"),
        ("terrible", "1"),
        ("⭐⭐⭐", "3"),
    ],
)
def test_scores_from_buttons_numbers_and_words(text: str, score: str) -> None:
    assert parse_score(text) == score


@pytest.mark.parametrize("text", ["", "6", "0", "10", "3 or 4", "4.5", "my bill", "12345"])
def test_unclear_scores_are_not_guessed(text: str) -> None:
    assert parse_score(text) is None


@pytest.mark.parametrize("text", ["skip", "Skip.", "no thanks", "nothing", "no"])
def test_comment_can_be_skipped(text: str) -> None:
    assert parse_comment(text) == ""


def test_comment_is_kept_as_written() -> None:
    assert parse_comment("  The nurse   was kind  ") == "The nurse was kind"
    assert len(parse_comment("x" * 5000)) == 1000


def run_form(text: str, intent: str, requested: str | None, **slots: object) -> tuple[list, list]:
    tracker = make_tracker(
        text,
        intent=intent,
        slots={"requested_slot": requested, **slots},
        active_loop="csat_form",
        latest_action_name="action_listen",
    )
    dispatcher = CollectingDispatcher()
    events = ValidateCsatForm().run(dispatcher, tracker, {})
    return events, dispatcher.messages


def test_form_start_clears_old_answers_and_asks_for_the_score() -> None:
    events, _ = run_form(
        "EXTERNAL: EXTERNAL_csat", "EXTERNAL_csat", None, csat_score="2", csat_comment="old"
    )
    assert events == [
        SlotSet("csat_score", None),
        SlotSet("csat_comment", None),
        SlotSet("requested_slot", "csat_score"),
    ]


def test_a_word_rating_is_taken_even_if_nlu_thought_it_was_thanks() -> None:
    events, _ = run_form("great", "thank", "csat_score")
    assert events == [SlotSet("csat_score", "5"), SlotSet("requested_slot", "csat_comment")]


def test_an_unclear_rating_is_asked_again() -> None:
    events, messages = run_form("hmm well", "out_of_scope", "csat_score")
    assert SlotSet("csat_score", None) in events
    assert messages[0]["response"] == "utter_csat_need_score"


def test_stop_while_asked_for_a_comment_skips_it_and_keeps_the_rating() -> None:
    events, _ = run_form("skip", "stop", "csat_comment", csat_score="4")
    assert events == [SlotSet("csat_comment", ""), SlotSet("requested_slot", None)]


def test_an_emergency_still_goes_to_its_own_rule() -> None:
    events, _ = run_form("my chest hurts and I can't breathe", "emergency", "csat_comment")
    assert events == []


@responses.activate
def test_submit_posts_the_rating_to_the_console_with_the_secret(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from actions import settings

    monkeypatch.setenv("HANDOFF_URL", "http://console.test/api/handoffs")
    monkeypatch.setenv("HANDOFF_SECRET", "s3cret")
    settings.get_settings.cache_clear()
    try:
        responses.post("http://console.test/api/handoffs/h-123/rating", json={"ok": True})
        tracker = make_tracker(
            "skip",
            intent="stop",
            slots={"csat_score": "4", "csat_comment": "", "handoff_id": "h-123"},
            sender_id="conv-9",
        )
        dispatcher = CollectingDispatcher()
        events = ActionSubmitCsat().run(dispatcher, tracker, {})
    finally:
        settings.get_settings.cache_clear()
    [call] = responses.calls
    assert call.request.headers["Authorization"] == "Bearer s3cret"
    assert json.loads(call.request.body) == {
        "score": 4,
        "comment": None,
        "conversation_id": "conv-9",
    }
    assert dispatcher.messages[0]["response"] == "utter_csat_thanks"
    assert SlotSet("csat_score", None) in events


def test_submit_thanks_the_patient_even_if_the_console_is_down(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from actions import settings

    monkeypatch.setenv("HANDOFF_URL", "http://127.0.0.1:9/api/handoffs")
    settings.get_settings.cache_clear()
    try:
        tracker = make_tracker("5", slots={"csat_score": "5", "csat_comment": "great"})
        dispatcher = CollectingDispatcher()
        ActionSubmitCsat().run(dispatcher, tracker, {})
    finally:
        settings.get_settings.cache_clear()
    assert dispatcher.messages[0]["response"] == "utter_csat_thanks"


def test_rating_url_uses_the_handoff_endpoint() -> None:
    assert (
        rating_url("http://c:8000/api/handoffs/", "a b")
        == "http://c:8000/api/handoffs/a%20b/rating"
    )
