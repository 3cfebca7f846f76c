"""Helpers for action tests in the style of Rasa's financial-demo: a real ``Tracker`` and
``CollectingDispatcher``, and assertions on the exact events and messages."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, time, timedelta
from pathlib import Path
from typing import Any

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions import handoff, patient_match
from actions.settings import get_clinic, get_settings
from tests.support.receivers import HandoffReceiver

SECRET = "unit-test-handoff-secret"
# The phone-hash key the unit tests' SMS patients are hashed with.
PHONE_SECRET = "unit-phone-secret"


def next_month_on(day: int, hour: int, minute: int = 0) -> str:
    """A clinic wall-clock time on ``day`` of next month, as FHIR writes it: an appointment that
    stays ahead of the clinic's today whatever day the tests run (fixed dates failed once
    passed)."""
    clinic = get_clinic()
    first = (clinic.now().date().replace(day=1) + timedelta(days=32)).replace(day=1)
    return datetime.combine(first.replace(day=day), time(hour, minute), clinic.tz).isoformat()


# The events after "Which insurance plan do you have?" (action_check_insurance asked it).
AFTER_PLAN_QUESTION = [
    {"event": "action", "name": "action_check_insurance"},
    {"event": "bot", "text": "We accept ... Which insurance plan do you have?"},
    {"event": "action", "name": "action_listen"},
]

# The events after the balance was shown (action_show_balance), with its two buttons.
BALANCE_SHOWN = [
    {"event": "user", "text": "whats my balance"},
    {"event": "action", "name": "action_show_balance"},
    {
        "event": "bot",
        "text": "Your balance is $85.00 ...",
        "data": {
            "buttons": [
                {"title": "Ways to pay", "payload": "/billing_pay"},
                {
                    "title": "Set up a payment plan",
                    "payload": '/request_human{"staff_team": "billing"}',
                },
            ]
        },
    },
    {"event": "action", "name": "action_listen"},
]


def make_tracker(
    text: str = "",
    intent: str | None = None,
    confidence: float = 0.95,
    slots: dict[str, Any] | None = None,
    entities: list[dict[str, Any]] | None = None,
    channel: str = "rest",
    events: list[dict[str, Any]] | None = None,
    active_loop: str | None = None,
    latest_action_name: str = "action_listen",
    paused: bool = False,
    metadata: dict[str, Any] | None = None,
    sender_id: str = "test-patient",
    extra: dict[str, Any] | None = None,
) -> Tracker:
    latest = {
        "text": text,
        "intent": {"name": intent, "confidence": confidence},
        "intent_ranking": [{"name": intent, "confidence": confidence}] if intent else [],
        "entities": entities or [],
        "metadata": metadata or {},
        **(extra or {}),
    }
    user_event = {
        "event": "user",
        "text": text,
        "parse_data": latest,
        "input_channel": channel,
        "metadata": metadata or {},
    }
    return Tracker(
        sender_id=sender_id,
        slots={"verified": False, **(slots or {})},
        latest_message=latest,
        events=[*(events or []), user_event],
        paused=paused,
        followup_action=None,
        active_loop={"name": active_loop} if active_loop else {},
        latest_action_name=latest_action_name,
    )


def texts(dispatcher: CollectingDispatcher) -> list[str]:
    return [m.get("text") or m.get("response") or "" for m in dispatcher.messages]


def responses(dispatcher: CollectingDispatcher) -> list[str]:
    return [m.get("response") for m in dispatcher.messages if m.get("response")]


@pytest.fixture
def handoff_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[HandoffReceiver]:
    """A local handoff receiver wired into the action settings (fresh caches, own outbox)."""
    with HandoffReceiver(SECRET) as receiver:
        monkeypatch.setenv("HANDOFF_URL", receiver.url)
        monkeypatch.setenv("HANDOFF_SECRET", SECRET)
        monkeypatch.setenv("DATA_DIR", str(tmp_path))
        get_settings.cache_clear()
        handoff.handoff_client.cache_clear()
        yield receiver
        get_settings.cache_clear()
        handoff.handoff_client.cache_clear()


def actions_use_fhir(monkeypatch: pytest.MonkeyPatch, base_url: str, **env: str) -> None:
    """The actions' scheduling client pointed at another FHIR server, through the settings
    (a proxy in front of the real one, or a port nothing listens on: the backend down).
    ``env``: more settings (``FHIR_RETRIES="0"``)."""
    monkeypatch.setenv("FHIR_BASE_URL", base_url)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    get_settings.cache_clear()
    patient_match.scheduling_client.cache_clear()
