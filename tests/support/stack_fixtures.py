"""Session fixtures that run the real assistant (FHIR backend, action server, Rasa) on free ports.

Every integration test talks to these over HTTP, exactly like a user's `make run`, but with its
own data folder and secrets so it never touches a running development stack.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import requests

from launcher.stack import ROOT, Stack, StackConfig
from tests.support.receivers import HandoffReceiver

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
def handoff_receiver() -> Iterator[HandoffReceiver]:
    with HandoffReceiver(HANDOFF_SECRET) as receiver:
        yield receiver


@pytest.fixture(scope="session")
def stack_config(
    tmp_path_factory: pytest.TempPathFactory, handoff_receiver: HandoffReceiver
) -> StackConfig:
    config = StackConfig.for_tests(tmp_path_factory.mktemp("stack"), HANDOFF_SECRET=HANDOFF_SECRET)
    config.handoff_url = handoff_receiver.url
    return config


@pytest.fixture(scope="session")
def stack(stack_config: StackConfig) -> Iterator[Stack]:
    """FHIR backend + action server + Rasa server, started once for the whole test session."""
    stack_config.model_path = require_model()
    with Stack(stack_config) as running:
        yield running


@pytest.fixture(scope="session")
def rasa(stack: Stack) -> RasaClient:
    return RasaClient(stack.config.rasa_url, stack.config.env["RASA_API_TOKEN"])
