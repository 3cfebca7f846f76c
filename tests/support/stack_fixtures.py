"""Session fixtures that run the real assistant (FHIR backend, action server, Rasa) on free ports.

Every integration test talks to these over HTTP, exactly like a user's `make run`, but with its
own data folder and secrets so it never touches a running development stack.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import requests

from launcher.stack import ROOT, Stack, StackConfig
from tests.support.console import ConsoleHandoffs, StaffClient, create_user
from tests.support.twilio_standin import FROM_NUMBER, PUBLIC_WEBHOOK_URL, TwilioStandIn

HANDOFF_SECRET = "test-handoff-secret"


@dataclass
class RasaClient:
    """Talks to a running Rasa server like a REST-channel patient and like the console."""

    url: str
    token: str

    def say(self, sender: str, text: str, **body: Any) -> list[dict[str, Any]]:
        """Send one patient message over the REST webhook; returns the bot's replies."""
        response = requests.post(
            f"{self.url}/webhooks/rest/webhook",
            json={"sender": sender, "message": text, **body},
            timeout=60,
        )
        assert response.status_code == 200, response.text
        return response.json()

    def texts(self, sender: str, text: str) -> list[str]:
        return [m.get("text") or "" for m in self.say(sender, text)]

    def tracker(self, sender: str) -> dict[str, Any]:
        response = requests.get(
            f"{self.url}/conversations/{sender}/tracker",
            params={"token": self.token},
            timeout=30,
        )
        assert response.status_code == 200, response.text
        return response.json()

    def append_events(self, sender: str, events: list[dict[str, Any]]) -> requests.Response:
        return requests.post(
            f"{self.url}/conversations/{sender}/tracker/events",
            params={"token": self.token},
            json=events,
            timeout=30,
        )

    def replace_events(self, sender: str, events: list[dict[str, Any]]) -> requests.Response:
        return requests.put(
            f"{self.url}/conversations/{sender}/tracker/events",
            params={"token": self.token},
            json=events,
            timeout=30,
        )


def require_model() -> Path:
    """The model the tests run: ``CLINIC_TEST_MODEL`` if set (a file or folder), else models/."""
    override = os.environ.get("CLINIC_TEST_MODEL")
    folder = Path(override) if override else ROOT / "models"
    if folder.is_file():
        return folder
    models = sorted(folder.glob("*.tar.gz"), key=lambda p: p.stat().st_mtime)
    if not models:
        pytest.fail(f"No trained model in {folder}: run `make train` (make test does it first).")
    return models[-1]


@pytest.fixture(scope="session")
def handoff_receiver(stack: Stack) -> ConsoleHandoffs:
    """Handoff records as the stack's staff console received them (HANDOFF_URL is the console).

    Same ``.records`` as the stand-in receiver it replaces (tests/support/receivers.py).
    """
    return ConsoleHandoffs(stack.config)


@pytest.fixture(scope="session")
def console_staff(stack: Stack) -> Callable[..., StaffClient]:
    """Log in to the stack's console: ``console_staff("dana")`` creates the account once."""
    created: set[str] = set()

    def login(name: str, role: str = "staff") -> StaffClient:
        if name not in created:
            result = create_user(stack.config.child_env(), name, role, display_name=name.title())
            assert result.returncode == 0, result.stdout + result.stderr
            created.add(name)
        client = StaffClient(stack.config.console_url)
        response = client.login(name)
        assert response.status_code == 200, response.text
        return client

    return login


@pytest.fixture(scope="session")
def twilio_standin() -> Iterator[TwilioStandIn]:
    """Twilio's Messages API on a free port; the stack's SMS channel sends there."""
    with TwilioStandIn() as standin:
        yield standin


@pytest.fixture(scope="session")
def stack_config(
    tmp_path_factory: pytest.TempPathFactory,
    twilio_standin: TwilioStandIn,
) -> StackConfig:
    config = StackConfig.for_tests(
        tmp_path_factory.mktemp("stack"),
        HANDOFF_SECRET=HANDOFF_SECRET,
        TWILIO_ACCOUNT_SID=twilio_standin.account_sid,
        TWILIO_AUTH_TOKEN=twilio_standin.auth_token,
        TWILIO_FROM_NUMBER=FROM_NUMBER,
        TWILIO_API_BASE=twilio_standin.url,
        # As behind a proxy: Twilio signs the public URL, not the local one.
        TWILIO_WEBHOOK_URL=PUBLIC_WEBHOOK_URL,
        SMS_RETRY_SECONDS="0.5",
        SMS_RETRY_MAX_SECONDS="2",
        CHAT_SERVER_URL="",
    )
    return config


@pytest.fixture(scope="session")
def stack(stack_config: StackConfig) -> Iterator[Stack]:
    """FHIR backend + staff console + action server + Rasa server (+ web page), started once
    for the whole test session."""
    stack_config.model_path = require_model()
    with Stack(stack_config) as running:
        yield running


@pytest.fixture(scope="session")
def rasa(stack: Stack) -> RasaClient:
    return RasaClient(stack.config.rasa_url, stack.config.env["RASA_API_TOKEN"])
