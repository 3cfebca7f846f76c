"""The staff console in real headless Chromium, against the real stack.

The patient is a real socket.io client on the Rasa server's web-chat channel. Staff log in, see
the escalation arrive live (no reload), open it, reply (the patient receives it), see the
patient's next message arrive live, hand back, and the bot answers the patient again.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import socketio
from playwright.sync_api import Browser, Page, expect

from launcher.stack import Stack
from tests.support.browser import SCREENSHOTS
from tests.support.console import STAFF_PASSWORD, StaffClient, wait_for
from tests.support.stack_fixtures import RasaClient

pytestmark = pytest.mark.e2e

XSS = '<img src=x onerror="window.__xss=1"><script>window.__xss=2</script>'


class Patient:
    """A web-chat patient: socket.io, ``session_request``, ``user_uttered``, ``bot_uttered``."""

    def __init__(self, url: str) -> None:
        self.received: list[dict[str, Any]] = []
        self.sessions: list[dict[str, Any]] = []
        self.sio = socketio.Client(reconnection=False)
        self.sio.on("bot_uttered", self.received.append)
        self.sio.on("session_confirm", self.sessions.append)
        self.sio.connect(url, socketio_path="/socket.io", wait_timeout=10)
        self.sio.emit("session_request", {})
        self.session_id: str = wait_for(
            lambda: self.sessions and self.sessions[-1]["session_id"], 10, "a chat session"
        )

    def say(self, text: str) -> None:
        self.sio.emit("user_uttered", {"message": text})

    def wait_for_text(self, fragment: str, timeout: float = 30) -> dict[str, Any]:
        return wait_for(
            lambda: next((m for m in self.received if fragment in (m.get("text") or "")), None),
            timeout,
            f"the patient to receive {fragment!r}",
        )

    def close(self) -> None:
        self.sio.disconnect()


@pytest.fixture()
def patient(stack: Stack) -> Iterator[Patient]:
    client = Patient(stack.config.rasa_url)
    yield client
    client.close()


def log_in(page: Page, stack: Stack, name: str) -> None:
    page.goto(stack.config.console_url + "/")
    page.get_by_label("User name").fill(name)
    page.get_by_label("Password").fill(STAFF_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Queue")).to_be_visible()
    expect(page.locator("#live-state")).to_contain_text("Live")


def test_staff_answer_a_web_chat_patient_live_and_hand_back(
    browser: Browser,
    stack: Stack,
    rasa: RasaClient,
    patient: Patient,
    console_staff: Callable[..., StaffClient],
) -> None:
    api = console_staff("erin")  # creates the account; the browser logs in through the page
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    problems: list[str] = []
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.on(
        "console",
        lambda message: problems.append(message.text) if message.type == "error" else None,
    )
    log_in(page, stack, "erin")
    page.evaluate("() => { window.__sameDocument = true; }")

    patient.say("I want to talk to a person")
    patient.wait_for_text("staff")
    item_id = api.wait_for_item(patient.session_id)["id"]

    # It appears in the open page by itself.
    entry = page.locator(f'button.queue-item[data-id="{item_id}"]')
    expect(entry).to_be_visible(timeout=20_000)
    expect(entry).to_contain_text("Asked for a person")
    expect(entry).to_contain_text("Web chat")
    entry.click()
    expect(page.locator("#conversation-title")).to_contain_text("Asked for a person")
    transcript = page.locator("#transcript")
    expect(transcript).to_contain_text("I want to talk to a person")

    page.get_by_role("button", name="Claim", exact=True).click()
    expect(page.locator("#conversation-facts")).to_contain_text("With staff (Erin)")
    page.get_by_label("Reply to the patient").fill("Hello, this is Erin from the front desk.")
    page.get_by_role("button", name="Send reply").click()
    reply = patient.wait_for_text("this is Erin")
    assert reply.get("from_staff") is True and reply.get("staff_name") == "Erin"
    expect(transcript).to_contain_text("Erin (staff)")

    # The patient writes back (with markup): it shows up live, as text, and runs nothing.
    patient.say(f"Thanks! {XSS}")
    expect(transcript).to_contain_text(f"Thanks! {XSS}", timeout=20_000)
    assert page.evaluate("() => window.__xss") is None
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "console-conversation.png"), full_page=True)

    page.get_by_role("button", name="Hand back to assistant").click()
    patient.wait_for_text("back with the assistant")
    expect(page.locator("#conversation-facts")).to_contain_text("Back with the assistant")
    patient.received.clear()
    patient.say("hello")
    patient.wait_for_text("Maple Grove")
    assert rasa.tracker(patient.session_id)["paused"] is False

    assert page.evaluate("() => window.__sameDocument") is True  # never reloaded
    assert not [p for p in problems if "Content Security Policy" in p or "Error" in p], problems
    context.close()


# A busy server: every session check answers 1.5 s late, so staff can log in while one is out.
SLOW_SESSION_CHECKS = """
(() => {
  const realFetch = window.fetch.bind(window);
  window.__sessionChecksOut = 0;
  window.fetch = (input, init) => {
    if (!String(input).endsWith('/api/session')) return realFetch(input, init);
    window.__sessionChecksOut += 1;
    return realFetch(input, init).then((response) => new Promise((resolve) => {
      setTimeout(() => {
        resolve(response);
        setTimeout(() => { window.__sessionChecksOut -= 1; }, 300);
      }, 1500);
    }));
  };
})();
"""


def test_a_session_check_answering_after_the_login_changes_nothing(
    browser: Browser, stack: Stack, rasa: RasaClient, console_staff: Callable[..., StaffClient]
) -> None:
    api = console_staff("erin")
    conversation = f"slow-check-{int(time.time() * 1000)}"
    rasa.texts(conversation, "I want to talk to a person")
    item_id = api.wait_for_item(conversation)["id"]
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.add_init_script(SLOW_SESSION_CHECKS)
    page = context.new_page()
    page.goto(stack.config.console_url + "/")
    page.get_by_label("User name").fill("erin")
    page.get_by_label("Password").fill(STAFF_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Queue")).to_be_visible()
    page.wait_for_function("() => window.__sessionChecksOut === 0")

    # Nothing from before the login came back: not the login form, not the anonymous
    # session's CSRF token (a claim is a checked POST), and the live updates run.
    expect(page.locator("#login-view")).to_be_hidden()
    expect(page.locator("#live-state")).to_contain_text("Live")
    page.locator(f'button.queue-item[data-id="{item_id}"]').click()
    page.get_by_role("button", name="Claim", exact=True).click()
    expect(page.locator("#conversation-facts")).to_contain_text("With staff (Erin)")
    context.close()


def test_an_urgent_escalation_stands_out(
    browser: Browser, stack: Stack, rasa: RasaClient, console_staff: Callable[..., StaffClient]
) -> None:
    console_staff("erin")
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    log_in(page, stack, "erin")
    conversation = f"urgent-{int(time.time() * 1000)}"
    replies = rasa.texts(conversation, "my dad has crushing chest pain and cant breathe")
    assert "911" in replies[0]
    banner = page.get_by_role("alert").filter(has_text="urgent conversation")
    expect(banner).to_be_visible(timeout=20_000)
    urgent = page.locator("button.queue-item.priority-urgent").first
    expect(urgent).to_contain_text("URGENT")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "console-queue-urgent.png"), full_page=True)
    context.close()
