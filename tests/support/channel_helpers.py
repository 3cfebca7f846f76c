"""Helpers shared by the channel tests (web chat and SMS)."""

from __future__ import annotations

import time
from collections.abc import Callable

import requests

from tests.support.stack_fixtures import RasaClient


def staff_reply(rasa: RasaClient, conversation: str, text: str, name: str) -> requests.Response:
    """What the staff console does: a bot event marked as staff, sent on the patient's channel."""
    return requests.post(
        f"{rasa.url}/conversations/{conversation}/tracker/events",
        params={"token": rasa.token, "output_channel": "latest", "execute_side_effects": "true"},
        json={"event": "bot", "text": text, "metadata": {"from_staff": True, "staff_name": name}},
        timeout=30,
    )


def wait_until(condition: Callable[[], bool], timeout: float = 30.0, what: str = "") -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what or 'the server'}")
