"""NLU generalisation: intent accuracy on held-out patient messages the model never trained on.

Two sets of fresh, realistic messages for every intent (faq questions are labelled with their
retrieval key, e.g. ``faq/what_to_bring``), each written without looking at data/nlu:

- set A (tests/data/nlu_holdout.yml) was written first; its errors then guided one round of new
  training data, so its score is now optimistic;
- set B (tests/data/nlu_holdout_b.yml) was written after that round and has never tuned anything:
  it is the honest figure.

Each message is sent to the real Rasa server's ``/model/parse`` (the full pipeline, fallback and
safety layer included); the per-intent table is printed and written to
test-artifacts/nlu_holdout.json, and the build fails when a set's accuracy drops below its floor.
Never copy holdout messages into data/nlu: they measure.
"""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest
import requests

from tests.support.nlu_text import intent_examples, plain
from tests.support.stack_fixtures import RasaClient

ROOT = Path(__file__).resolve().parents[2]
HOLDOUT_SETS = {
    "A": ROOT / "tests" / "data" / "nlu_holdout.yml",
    "B": ROOT / "tests" / "data" / "nlu_holdout_b.yml",
}
NLU_DIR = ROOT / "data" / "nlu"
ARTIFACT = ROOT / "test-artifacts" / "nlu_holdout.json"

# About 4 points below what the model trained from data/nlu reaches (see the artifact). Raise them
# when the training data gets better; never lower them to let a change through.
ACCURACY_FLOORS = {"A": 0.94, "B": 0.94}


def load_holdout(name: str) -> list[tuple[str, str]]:
    return intent_examples(HOLDOUT_SETS[name])


def _predicted_label(parsed: dict[str, Any]) -> str:
    intent = (parsed.get("intent") or {}).get("name") or ""
    if intent != "faq":
        return intent
    selector = (parsed.get("response_selector") or {}).get("faq") or {}
    key = (selector.get("response") or {}).get("intent_response_key")
    return key or "faq"


@pytest.mark.parametrize("name", sorted(HOLDOUT_SETS))
def test_holdout_set_is_complete_and_not_in_training_data(name: str) -> None:
    holdout = load_holdout(name)
    labels = {label for label, _ in holdout}
    assert len(holdout) >= 200
    assert {"out_of_scope", "book_appointment", "complaint", "emergency", "crisis"} <= labels
    assert any(label.startswith("faq/") for label in labels)
    training = {plain(text) for path in NLU_DIR.glob("*.yml") for _, text in intent_examples(path)}
    leaks = [text for _, text in holdout if plain(text) in training]
    assert not leaks, f"holdout messages found in data/nlu (remove them there): {leaks}"


def _score(session: requests.Session, rasa: RasaClient, name: str) -> dict[str, Any]:
    """Parse every message of one holdout set; accuracy, per-intent table and the errors."""
    holdout = load_holdout(name)
    per_intent: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    errors = []
    for label, text in holdout:
        response = session.post(
            f"{rasa.url}/model/parse",
            params={"token": rasa.token},
            json={"text": text},
            timeout=30,
        )
        assert response.status_code == 200, response.text
        parsed = response.json()
        predicted = _predicted_label(parsed)
        ok = predicted == label
        per_intent[label][0] += ok
        per_intent[label][1] += 1
        if not ok:
            confidence = (parsed.get("intent") or {}).get("confidence") or 0.0
            errors.append(
                {
                    "text": text,
                    "expected": label,
                    "predicted": predicted,
                    "confidence": round(confidence, 3),
                }
            )
    correct = sum(c for c, _ in per_intent.values())
    return {
        "file": str(HOLDOUT_SETS[name].relative_to(ROOT)),
        "messages": len(holdout),
        "correct": correct,
        "accuracy": round(correct / len(holdout), 4),
        "floor": ACCURACY_FLOORS[name],
        "per_intent": {
            label: {"correct": c, "total": n, "accuracy": round(c / n, 3)}
            for label, (c, n) in sorted(per_intent.items())
        },
        "errors": errors,
    }


def _report(name: str, result: dict[str, Any]) -> None:
    print(
        f"\nNLU holdout set {name}: {result['correct']}/{result['messages']} correct, "
        f"accuracy {result['accuracy']:.3f} (floor {result['floor']})"
    )
    print(f"{'intent':28s} {'correct':>7s} {'total':>5s} {'acc':>6s}")
    rows = sorted(result["per_intent"].items(), key=lambda kv: (kv[1]["accuracy"], kv[0]))
    for label, row in rows:
        print(f"{label:28s} {row['correct']:7d} {row['total']:5d} {row['accuracy']:6.2f}")
    for error in result["errors"]:
        print(
            f"  {error['expected']} -> {error['predicted']} ({error['confidence']}): "
            f"{error['text']}"
        )


@pytest.mark.integration
def test_intent_accuracy_on_holdout_messages(rasa: RasaClient) -> None:
    with requests.Session() as session:
        results = {name: _score(session, rasa, name) for name in sorted(HOLDOUT_SETS)}
    ARTIFACT.parent.mkdir(parents=True, exist_ok=True)
    ARTIFACT.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    for name, result in results.items():
        _report(name, result)
    print(f"-> {ARTIFACT}")

    below = {
        name: result["accuracy"]
        for name, result in results.items()
        if result["accuracy"] < result["floor"]
    }
    assert not below, f"holdout accuracy below the floor {ACCURACY_FLOORS}: {below} ({ARTIFACT})"
