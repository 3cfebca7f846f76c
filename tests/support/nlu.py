"""A stand-in for the Rasa server's ``/model/parse`` in unit tests: canned parse results."""

from __future__ import annotations

from typing import Any


def faq_parse(topic: str, confidence: float = 0.97) -> dict[str, Any]:
    """What ``/model/parse`` returns for a common question about ``topic``."""
    key = f"faq/{topic}"
    return {
        "intent": {"name": "faq", "confidence": confidence},
        "entities": [],
        "response_selector": {
            "all_retrieval_intents": ["faq"],
            "faq": {
                "response": {
                    "intent_response_key": key,
                    "utter_action": f"utter_{key}",
                    "confidence": 0.99,
                }
            },
        },
    }


class CannedNlu:
    """Answers ``parse`` from ``readings`` (text -> parse); anything else is not a common
    question. ``down`` makes every parse fail, as a server that is not reachable."""

    def __init__(self) -> None:
        self.readings: dict[str, dict[str, Any]] = {}
        self.asked: list[str] = []
        self.down = False

    def parse(self, text: str) -> dict[str, Any] | None:
        self.asked.append(text)
        if self.down:
            return None
        return self.readings.get(text, {"intent": {"name": "inform", "confidence": 0.6}})
