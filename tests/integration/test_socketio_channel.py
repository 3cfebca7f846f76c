"""The web-chat channel with a real python-socketio client against the running stack."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import socketio

from tests.support.channel_helpers import staff_reply, wait_until
from tests.support.stack_fixtures import RasaClient

pytestmark = pytest.mark.integration


class ChatClient:
    """A browser's view of the channel: what it was told, per event."""

    def __init__(self, url: str) -> None:
        self.events: dict[str, list[Any]] = {
            "session_confirm": [],
            "session_transcript": [],
            "bot_uttered": [],
        }
        self.sio = socketio.Client(reconnection=False)
        for name, received in self.events.items():
            self.sio.on(name, received.append)
        self.sio.connect(url, socketio_path="/socket.io", wait_timeout=10)

    def session(self, **request: Any) -> dict[str, Any]:
        count = len(self.events["session_transcript"])
        self.sio.emit("session_request", request)
        wait_until(lambda: len(self.events["session_transcript"]) > count)
        return {**self.events["session_confirm"][-1], **self.events["session_transcript"][-1]}

    def say(self, text: str, **extra: Any) -> list[dict[str, Any]]:
        """Send and wait for the replies to settle."""
        count = len(self.events["bot_uttered"])
        self.sio.emit("user_uttered", {"message": text, **extra})
        wait_until(lambda: len(self.events["bot_uttered"]) > count)
        time.sleep(0.5)
        return self.events["bot_uttered"][count:]

    def close(self) -> None:
        self.sio.disconnect()


@pytest.fixture
def chat(rasa: RasaClient) -> Iterator[Callable[[], ChatClient]]:
    clients: list[ChatClient] = []

    def make() -> ChatClient:
        clients.append(ChatClient(rasa.url))
        return clients[-1]

    yield make
    for client in clients:
        client.close()


def test_a_new_session_is_issued_with_a_token_and_answered(
    chat: Callable[[], ChatClient],
) -> None:
    client = chat()
    session = client.session()
    assert len(session["session_id"]) == 32 and session["token"]
    assert session["resumed"] is False and session["messages"] == []
    replies = client.say("hello")
    assert "Maple Grove Family Health" in replies[0]["text"]
    titles = [b["title"] for b in replies[0]["quick_replies"]]
    assert "Book an appointment" in titles and "Billing" in titles


def test_a_button_payload_is_understood(chat: Callable[[], ChatClient]) -> None:
    client = chat()
    client.session()
    replies = client.say("/billing_balance")
    # The balance is private: the Billing button starts the identity check.
    assert any("confirm who the patient is" in r.get("text", "") for r in replies)


def test_a_session_id_without_its_token_gets_a_fresh_empty_session(
    chat: Callable[[], ChatClient], rasa: RasaClient
) -> None:
    patient = chat()
    first = patient.session()
    patient.say("hello")

    other_token = chat().session()["token"]
    for forged in ({}, {"token": ""}, {"token": "6b000000.forged"}, {"token": other_token}):
        intruder = chat()
        got = intruder.session(session_id=first["session_id"], **forged)
        assert got["session_id"] != first["session_id"]
        assert got["resumed"] is False and got["messages"] == []

    # And the intruder hears nothing of what the patient is told next.
    patient.say("/billing_balance")
    time.sleep(0.5)
    assert intruder.events["bot_uttered"] == []


def test_messages_go_to_the_bound_session_not_the_one_the_client_names(
    chat: Callable[[], ChatClient], rasa: RasaClient
) -> None:
    victim = chat()
    victim_id = victim.session()["session_id"]
    victim.say("hello")
    before = len(rasa.tracker(victim_id)["events"])

    intruder = chat()
    intruder_id = intruder.session()["session_id"]
    intruder.say("hello", session_id=victim_id, metadata={"phone_hash": "forged"})
    assert len(rasa.tracker(victim_id)["events"]) == before
    tracker = rasa.tracker(intruder_id)
    assert tracker["latest_message"]["text"] == "hello"
    # Client metadata is dropped: a browser cannot claim an SMS sender's phone hash.
    assert not (tracker["latest_message"].get("metadata") or {}).get("phone_hash")


def test_reconnecting_with_the_token_keeps_the_conversation(
    chat: Callable[[], ChatClient],
) -> None:
    first = chat()
    session = first.session()
    first.say("hello")
    first.say("/billing_balance")
    first.close()

    again = chat()
    resumed = again.session(session_id=session["session_id"], token=session["token"])
    assert resumed["resumed"] is True and resumed["session_id"] == session["session_id"]
    senders_and_texts = [(m["sender"], m["text"]) for m in resumed["messages"]]
    assert senders_and_texts[0] == ("user", "hello")
    assert ("user", "Billing") in senders_and_texts  # the button's title, not its payload
    assert any(m.get("buttons") for m in resumed["messages"])
    # ...and the conversation goes on in the same session.
    assert again.say("thanks")


def test_empty_and_overlong_messages(chat: Callable[[], ChatClient]) -> None:
    client = chat()
    client.session()
    client.sio.emit("user_uttered", {"message": "   "})
    client.sio.emit("user_uttered", {"message": None})
    client.sio.emit("user_uttered", "not even a dict")
    time.sleep(1.5)
    assert client.events["bot_uttered"] == []
    replies = client.say("appointment " * 500)
    assert replies[0].get("notice") is True and "1000 characters" in replies[0]["text"]
    wait_until(lambda: len(client.events["bot_uttered"]) >= 2)


def test_a_message_before_the_session_is_ignored(chat: Callable[[], ChatClient]) -> None:
    client = chat()
    client.sio.emit("user_uttered", {"message": "hello", "session_id": "0" * 32})
    time.sleep(1.5)
    assert client.events["bot_uttered"] == []


def test_a_staff_reply_reaches_the_browser_marked_as_staff(
    chat: Callable[[], ChatClient], rasa: RasaClient
) -> None:
    client = chat()
    session_id = client.session()["session_id"]
    client.say("hello")
    count = len(client.events["bot_uttered"])
    response = staff_reply(rasa, session_id, "Hi, this is Alex from the front desk.", "Alex")
    assert response.status_code == 200, response.text
    wait_until(lambda: len(client.events["bot_uttered"]) > count)
    message = client.events["bot_uttered"][-1]
    assert message["text"] == "Hi, this is Alex from the front desk."
    assert message["from_staff"] is True and message["staff_name"] == "Alex"
