"""Real headless Chromium for the browser tests: Debian's `chromium` driven by Playwright.

Playwright never downloads a browser here (`make test` installs Debian's package). Screenshots
go to test-artifacts/screenshots/, which CI keeps in its log.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, sync_playwright

from launcher.stack import ROOT

CHROMIUM = "/usr/bin/chromium"
# What a sandboxed CI machine without a GPU or outside network needs.
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        yield browser
        browser.close()
