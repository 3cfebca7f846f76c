"""The chat widget in real headless Chromium, on the demo clinic page that `make run` serves."""

from __future__ import annotations

import json

import pytest
from playwright.sync_api import Browser, Page, expect

from launcher.stack import Stack
from tests.support.browser import SCREENSHOTS
from tests.support.channel_helpers import staff_reply
from tests.support.stack_fixtures import RasaClient

pytestmark = pytest.mark.e2e

PHONE = {"width": 360, "height": 740}
GREETING = "Maple Grove Family Health"


def storage_key(stack: Stack) -> str:
    return f"clinic-chat:{stack.config.rasa_url}"


def open_chat(page: Page, stack: Stack) -> None:
    page.goto(stack.config.web_url)
    page.get_by_role("button", name="Chat with us").click()


def session_of(page: Page, stack: Stack) -> dict:
    raw = page.evaluate(f"() => sessionStorage.getItem({json.dumps(storage_key(stack))})")
    return json.loads(raw or "{}")


def test_chat_reload_and_privacy(browser: Browser, stack: Stack, rasa: RasaClient) -> None:
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    problems: list[str] = []
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.on(
        "dialog", lambda dialog: (problems.append("dialog: " + dialog.message), dialog.dismiss())
    )

    # Open: the assistant greets (init payload) with buttons; focus is in the text box.
    open_chat(page, stack)
    log = page.get_by_role("log", name="Conversation")
    bot = log.locator(".cc-bot:not(.cc-typing)")
    expect(bot.first).to_contain_text(GREETING, timeout=60_000)
    expect(page.get_by_label("Type your message")).to_be_focused()

    # Send a message and get the reply.
    page.get_by_label("Type your message").fill("hello")
    page.keyboard.press("Enter")
    expect(log.get_by_text(GREETING)).to_have_count(2, timeout=30_000)

    # Click a button: the reply comes, and the used buttons are disabled.
    billing = log.get_by_role("button", name="Billing").last
    replies = bot.count()
    billing.click()
    expect(bot).to_have_count(replies + 1, timeout=30_000)
    billing_reply = bot.last.inner_text()
    expect(billing).to_be_disabled()
    expect(log.locator(".cc-user").last).to_have_text("You said: Billing")

    # HTML in a message is shown as text, never run.
    page.get_by_label("Type your message").fill('<img src=x onerror="alert(1)"><b>bold</b>')
    page.keyboard.press("Enter")
    expect(log.locator(".cc-user").last).to_contain_text('<img src=x onerror="alert(1)">')
    assert log.locator("img, b").count() == 0

    # Staff replies are marked as coming from a person.
    first = session_of(page, stack)
    assert staff_reply(rasa, first["session_id"], "Hi, I'm Alex.", "Alex").status_code == 200
    expect(log.get_by_text("Alex (clinic staff)")).to_be_visible(timeout=30_000)

    # The page fits a 360 px phone screen.
    assert page.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"]
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "widget-phone.png"))

    # Reload: still the same conversation.
    page.reload()
    expect(log.get_by_text("Alex (clinic staff)")).to_be_visible(timeout=30_000)
    expect(log.locator(".cc-user").get_by_text("Billing")).to_be_visible()
    assert billing_reply in [text for text in bot.all_inner_texts()]
    assert session_of(page, stack)["session_id"] == first["session_id"]
    expect(log.get_by_role("button", name="Billing").first).to_be_disabled()

    # Over-long input is capped with a note.
    page.get_by_label("Type your message").fill("x" * 1500)
    assert len(page.get_by_label("Type your message").input_value()) == 1000
    expect(page.get_by_text("Messages can be up to 1000 characters.")).to_be_visible()
    page.get_by_label("Type your message").fill("")

    # Escape closes the chat and gives focus back to the launcher.
    page.keyboard.press("Escape")
    expect(page.get_by_role("button", name="Chat with us")).to_be_focused()
    assert problems == []

    # Another browser that knows the session id but not the token gets a new, empty session.
    for forged in (
        {"session_id": first["session_id"]},
        {"session_id": first["session_id"], "token": "0.forged"},
    ):
        other = browser.new_context(viewport={"width": 1280, "height": 800})
        other.add_init_script(
            f"sessionStorage.setItem({json.dumps(storage_key(stack))}, "
            f"{json.dumps(json.dumps(forged))})"
        )
        intruder = other.new_page()
        open_chat(intruder, stack)
        other_log = intruder.get_by_role("log", name="Conversation")
        expect(other_log.locator(".cc-bot").first).to_contain_text(GREETING, timeout=60_000)
        assert session_of(intruder, stack)["session_id"] != first["session_id"]
        expect(other_log.locator(".cc-user")).to_have_count(0)
        expect(other_log.get_by_text("A new conversation has started.")).to_be_visible()
        expect(other_log.get_by_text("Alex (clinic staff)")).to_have_count(0)
        intruder.screenshot(path=str(SCREENSHOTS / "widget-desktop-new-session.png"))
        other.close()
    context.close()
