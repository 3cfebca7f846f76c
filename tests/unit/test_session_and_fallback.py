"""Session start / restart keep escalated chats paused; the two-stage fallback."""

from rasa_sdk.events import (
    ActionExecuted,
    ConversationPaused,
    Restarted,
    SessionStarted,
    UserUtteranceReverted,
)
from rasa_sdk.executor import CollectingDispatcher

from actions.fallback import ActionAskAffirmation, ActionCoreFallback, ActionDefaultFallback
from actions.session import ActionRestart, ActionSessionStart
from tests.support.actions import make_tracker, responses
from tests.support.receivers import HandoffReceiver


def test_session_start_plain() -> None:
    events = ActionSessionStart().run(CollectingDispatcher(), make_tracker(), {})
    assert events == [SessionStarted(), ActionExecuted("action_listen")]


def test_session_start_stays_paused() -> None:
    events = ActionSessionStart().run(CollectingDispatcher(), make_tracker(paused=True), {})
    assert events == [SessionStarted(), ConversationPaused(), ActionExecuted("action_listen")]


def test_restart_stays_paused_only_when_paused() -> None:
    assert ActionRestart().run(CollectingDispatcher(), make_tracker(), {}) == [Restarted()]
    paused = ActionRestart().run(CollectingDispatcher(), make_tracker(paused=True), {})
    assert paused == [Restarted(), ConversationPaused(), ActionExecuted("action_listen")]


def test_ask_affirmation_offers_the_top_intent_in_plain_words() -> None:
    tracker = make_tracker(
        "i wanna see someone abt my bil",
        intent="nlu_fallback",
        extra={
            "intent_ranking": [
                {"name": "nlu_fallback", "confidence": 0.4},
                {"name": "billing_balance", "confidence": 0.35},
                {"name": "book_appointment", "confidence": 0.3},
            ]
        },
    )
    dispatcher = CollectingDispatcher()
    assert ActionAskAffirmation().run(dispatcher, tracker, {}) == []
    [message] = dispatcher.messages
    assert message["text"].endswith("Did you want to check what you owe?")
    assert [b["payload"] for b in message["buttons"]] == ["/billing_balance", "/out_of_scope"]


def test_ask_affirmation_on_an_empty_or_emoji_message() -> None:
    for text in ("", "   ", "🙂🙂"):
        dispatcher = CollectingDispatcher()
        ActionAskAffirmation().run(dispatcher, make_tracker(text, intent="nlu_fallback"), {})
        assert responses(dispatcher) == ["utter_empty_message"]


def test_second_unclear_message_goes_to_staff(handoff_env: HandoffReceiver) -> None:
    dispatcher = CollectingDispatcher()
    events = ActionDefaultFallback().run(
        dispatcher, make_tracker("asdf", intent="nlu_fallback"), {}
    )
    assert events[-2:] == [ConversationPaused(), ActionExecuted("action_listen")]
    assert handoff_env.records[0]["reason"] == "low_confidence"
    assert len(dispatcher.messages) == 2


def test_core_fallback_asks_again_without_escalating() -> None:
    dispatcher = CollectingDispatcher()
    events = ActionCoreFallback().run(dispatcher, make_tracker("hm", intent="inform"), {})
    assert events == [UserUtteranceReverted()]
    assert responses(dispatcher) == ["utter_default"]
