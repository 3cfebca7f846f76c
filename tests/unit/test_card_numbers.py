"""Card numbers typed into chat: found by the NLU guard, never stored or sent to the console."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from rasa.core.brokers.broker import EventBroker
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.nlu.training_data.message import Message

from addons.card_guard import CARD_INTENT, CardNumberGuard
from addons.card_numbers import has_card_number, luhn_valid, redact_card_numbers
from addons.redacting_tracker_store import RedactingSQLTrackerStore, redact_tracker

VISA = "4111 1111 1111 1111"


@pytest.mark.parametrize(
    "text",
    [
        "my card is 4111 1111 1111 1111",
        "4111111111111111",
        "4111-1111-1111-1111 exp 04/28",
        "amex 3782 822463 10005",
        "diners 30569309025904",
        "charge 4242424242424242 please",
        "4111 1111 1111 1111 123",
        "pay with 4111.1111.1111.1111",
        "my card is 4111/1111/1111/1111 exp 12/27",
    ],
)
def test_card_numbers_are_found(text: str) -> None:
    assert has_card_number(text)
    redacted = redact_card_numbers(text)
    assert "[card number removed]" in redacted
    assert "1111 1111" not in redacted and "4242424242" not in redacted
    assert "822463" not in redacted and "30569309025904" not in redacted


@pytest.mark.parametrize(
    "text",
    [
        "",
        "call me at 916 555 0142",
        "+1 (916) 555-0142",
        "born 01 02 1980",
        "04/12/1988",
        "my balance is $1,234.56",
        "4111 1111 1111 1112",  # fails the check digit
        "member id 12345678901234",
        "916 555 0142 916 555 0199",  # two phone numbers in a row
        "my card ends in 1111",
        "appointment 2026-12-01 at 10:30",
        "916.555.0142",
        "12/01/2026 04/12/1988",
    ],
)
def test_other_numbers_are_left_alone(text: str) -> None:
    assert not has_card_number(text)
    assert redact_card_numbers(text) == text


def test_a_security_code_given_with_the_card_goes_too() -> None:
    text = "visa 4111 1111 1111 1111 exp 04/28 cvv 123"
    assert redact_card_numbers(text) == "visa [card number removed] exp 04/28 [removed]"
    assert redact_card_numbers("4111 1111 1111 1111 123") == "[card number removed] [removed]"
    # without a card, "cvv 123" is just text
    assert redact_card_numbers("what is a cvv 123") == "what is a cvv 123"


def test_luhn() -> None:
    assert luhn_valid("4111111111111111")
    assert luhn_valid("378282246310005")
    assert not luhn_valid("4111111111111112")


# --- the NLU guard -----------------------------------------------------------------------------


def _parsed(text: str, intent: str, confidence: float, ranking: list[tuple[str, float]]) -> Message:
    message = Message(data={"text": text})
    message.set("intent", {"name": intent, "confidence": confidence})
    message.set("intent_ranking", [{"name": n, "confidence": c} for n, c in ranking])
    message.set("entities", [{"entity": "date", "value": "4111"}])
    return message


def test_guard_makes_a_card_message_share_card_number() -> None:
    message = _parsed(f"pay with {VISA}", "billing_pay", 0.93, [("billing_pay", 0.93)])
    [result] = CardNumberGuard().process([message])
    assert result.get("intent") == {"name": CARD_INTENT, "confidence": 1.0}
    assert result.get("intent_ranking") == [{"name": CARD_INTENT, "confidence": 1.0}]
    assert result.get("entities") == []


def test_guard_passes_the_model_over_when_there_is_no_card() -> None:
    message = _parsed(
        "my card ends in 1111",
        CARD_INTENT,
        0.7,
        [(CARD_INTENT, 0.7), ("billing_pay", 0.2), ("inform", 0.1)],
    )
    [result] = CardNumberGuard().process([message])
    assert result.get("intent") == {"name": "billing_pay", "confidence": 0.2}
    assert [e["name"] for e in result.get("intent_ranking")] == ["billing_pay", "inform"]


def test_guard_leaves_other_messages_alone() -> None:
    message = _parsed("how do I pay", "billing_pay", 0.9, [("billing_pay", 0.9)])
    [result] = CardNumberGuard().process([message])
    assert result.get("intent") == {"name": "billing_pay", "confidence": 0.9}
    assert result.get("entities") == [{"entity": "date", "value": "4111"}]


# --- the tracker store -------------------------------------------------------------------------


def _card_tracker(sender: str) -> DialogueStateTracker:
    text = f"here you go {VISA} cvv 123"
    parse_data = {
        "text": text,
        "intent": {"name": CARD_INTENT, "confidence": 1.0},
        "entities": [{"entity": "number", "value": "4111111111111111"}],
    }
    return DialogueStateTracker.from_events(
        sender,
        [
            ActionExecuted("action_listen"),
            UserUttered("hi", {"name": "greet", "confidence": 1.0}),
            UserUttered(text, parse_data["intent"], parse_data["entities"], parse_data),
            BotUttered(f"staff: we got {VISA}, thanks"),
        ],
    )


def test_redact_tracker_changes_only_card_messages() -> None:
    tracker = _card_tracker("t1")
    assert redact_tracker(tracker) == 2
    user = [e for e in tracker.events if isinstance(e, UserUttered)]
    assert user[0].text == "hi"
    assert user[1].text == "here you go [card number removed] [removed]"
    assert user[1].parse_data["text"] == user[1].text
    assert user[1].entities[0]["value"] == "[card number removed]"
    assert redact_tracker(tracker) == 0


class _Collecting(EventBroker):
    def __init__(self) -> None:
        self.published: list[dict[str, Any]] = []

    def publish(self, event: dict[str, Any]) -> None:
        self.published.append(event)


def test_the_store_never_writes_or_broadcasts_the_number(tmp_path: Path) -> None:
    db = tmp_path / "tracker.db"
    broker = _Collecting()
    store = RedactingSQLTrackerStore(
        domain=Domain.empty(), dialect="sqlite", db=str(db), event_broker=broker
    )

    async def scenario() -> DialogueStateTracker | None:
        await store.save(_card_tracker("t2"))
        return await store.retrieve("t2")

    stored = asyncio.run(scenario())
    raw = "\n".join(row[0] for row in sqlite3.connect(db).execute("SELECT data FROM events"))
    assert "here you go [card number removed]" in raw
    for digits in ("4111 1111", "4111111111111111", "cvv 123"):
        assert digits not in raw
        assert digits not in repr(broker.published)
    assert any(e.get("text", "").endswith("[removed]") for e in broker.published)
    assert stored is not None
    texts = [e.text for e in stored.events if isinstance(e, (UserUttered, BotUttered))]
    assert texts == [
        "hi",
        "here you go [card number removed] [removed]",
        "staff: we got [card number removed], thanks",
    ]


def test_guard_knows_a_number_the_sms_channel_already_removed() -> None:
    message = _parsed("charge [card number removed] thx", "inform", 0.6, [("inform", 0.6)])
    [result] = CardNumberGuard().process([message])
    assert result.get("intent") == {"name": CARD_INTENT, "confidence": 1.0}
