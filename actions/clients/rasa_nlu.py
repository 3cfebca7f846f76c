"""Client for the Rasa server's own NLU (``POST /model/parse``): reads one clause of a message
that asked two things, so the second can be answered too ("do you give flu shots? and are you
open on sundays" was read as the hours question only).

Best effort: a slow or failing parse returns None and the first answer stands alone. The text is
never logged (it is the patient's words).
"""

from __future__ import annotations

import logging
from typing import Any

import requests

logger = logging.getLogger(__name__)


class RasaNluClient:
    """Parses text with the running model (``token``: the Rasa HTTP API token)."""

    def __init__(self, url: str, token: str, timeout: float = 3.0) -> None:
        self.url = url.rstrip("/")
        self.token = token
        self.timeout = timeout
        self._session = requests.Session()

    def parse(self, text: str) -> dict[str, Any] | None:
        """The parse result (intent, entities, response_selector), or None if unavailable."""
        try:
            response = self._session.post(
                f"{self.url}/model/parse",
                params={"token": self.token} if self.token else None,
                json={"text": text},
                timeout=self.timeout,
            )
        except requests.RequestException as exc:
            logger.warning("NLU parse unavailable: %s", type(exc).__name__)
            return None
        if not response.ok:
            logger.warning("NLU parse failed with HTTP %s", response.status_code)
            return None
        try:
            parsed = response.json()
        except ValueError:
            parsed = None
        if not isinstance(parsed, dict):
            logger.warning("NLU parse returned no parse result")
            return None
        return parsed
