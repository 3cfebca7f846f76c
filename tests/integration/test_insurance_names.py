"""Insurance questions the model never trained on, over the real stack (REST webhook → Rasa →
action server): an unknown plan is never a "yes", and the reply names the plan the patient has.

The messages are in tests/data/insurance_holdout.yml; the figures go to
test-artifacts/insurance_holdout.json (CI prints them) and the README.
"""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.support.nlu_text import intent_examples, plain
from tests.support.stack_fixtures import RasaClient

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]
HOLDOUT = yaml.safe_load((ROOT / "tests" / "data" / "insurance_holdout.yml").read_text())
ARTIFACT = ROOT / "test-artifacts" / "insurance_holdout.json"

# Share of unknown plans whose reply names them ("I don't see <name> on my list, but we can
# check", or for a name that carries a listed plan's: "We accept Cigna, but I can't tell from
# here whether that includes <name>"). The others get the list of accepted plans and "which
# plan?", or (a message about two things) the other topic's answer; the artifact shows each
# reply. About 10 points below what the model reaches: floors, never lowered to let a change
# through.
NAMED_FLOORS = {"A": 0.75, "B": 0.65, "C": 0.85}
# Share of listed plans in new wording that get the exact yes or no (the rest: a careful "I
# can't tell", or another topic's answer; never the opposite answer).
KNOWN_FLOORS = {"A": 0.85, "B": 0.75, "C": 0.5}

YES = "Yes, we accept"
NO = "we're not in network with"
CHECK = "on my list, but we can check for you"
CAREFUL = "I can't tell from here whether"  # a plan that carries a known plan's name
ASK = "Which insurance plan do you have?"


def ask(rasa: RasaClient, text: str) -> str:
    replies = rasa.say(f"ins-{uuid.uuid4().hex[:10]}", text)
    return "\n".join(r.get("text") or "" for r in replies)


def test_holdout_messages_are_not_in_training_data() -> None:
    trained = {
        plain(text)
        for path in (ROOT / "data" / "nlu").glob("*.yml")
        for _, text in intent_examples(path)
    }
    cases = [case for group in HOLDOUT.values() for case in group["unknown"] + group["known"]]
    assert len(cases) >= 60
    assert not [c["text"] for c in cases if plain(c["text"]) in trained]
    trained_words = f" {' '.join(trained)} "
    names = [case["name"] for group in HOLDOUT.values() for case in group["unknown"]]
    assert not [n for n in names if f" {plain(n)} " in trained_words]


def test_unknown_plans_are_never_a_yes_and_are_named(rasa: RasaClient) -> None:
    report: dict[str, Any] = {}
    for name, group in sorted(HOLDOUT.items()):
        results = []
        for case in group["unknown"]:
            reply = ask(rasa, case["text"])
            results.append(
                {
                    "text": case["text"],
                    "name": case["name"],
                    "false_yes": YES in reply,
                    "named": case["name"].lower() in reply.lower()
                    and (CHECK in reply or CAREFUL in reply),
                    "way_to_find_out": CHECK in reply or CAREFUL in reply or ASK in reply,
                    "reply": reply,
                }
            )
        report[name] = {
            "unknown_named": round(sum(r["named"] for r in results) / len(results), 3),
            "unknown_false_yes": sum(r["false_yes"] for r in results),
            "unknown_way_to_find_out": round(
                sum(r["way_to_find_out"] for r in results) / len(results), 3
            ),
            "cases": results,
        }
    ARTIFACT.parent.mkdir(exist_ok=True)
    ARTIFACT.write_text(json.dumps(report, indent=2) + "\n")
    for name, figures in report.items():
        cases = figures["cases"]
        print(f"\nset {name}: unknown plans named in the reply {figures['unknown_named']:.0%}")
        for r in cases:
            if not r["named"]:
                print(f"  not named: {r['text']!r} -> {r['reply'][:80]!r}")
    for name, figures in report.items():
        assert not [r["text"] for r in figures["cases"] if r["false_yes"]], name
        assert figures["unknown_named"] >= NAMED_FLOORS[name], name


def test_known_plans_in_new_wording_get_the_right_answer_never_the_opposite(
    rasa: RasaClient,
) -> None:
    report = json.loads(ARTIFACT.read_text()) if ARTIFACT.exists() else {}
    for name, group in sorted(HOLDOUT.items()):
        results = []
        for case in group["known"]:
            reply = ask(rasa, case["text"])
            right = f"{YES} {case['plan']}." if case["accepted"] else f"{NO} {case['plan']}."
            results.append(
                {
                    "text": case["text"],
                    "right": right in reply,
                    "careful": CAREFUL in reply,
                    "opposite": (NO if case["accepted"] else YES) in reply,
                    "reply": reply,
                }
            )
        for figure in ("right", "careful"):
            report.setdefault(name, {})[f"known_{figure}"] = round(
                sum(r[figure] for r in results) / len(results), 3
            )
        report[name]["known_cases"] = results
        print(f"\nset {name}: known plans answered right {report[name]['known_right']:.0%}")
        for r in results:
            if not r["right"]:
                print(f"  not right: {r['text']!r} -> {r['reply'][:80]!r}")
        assert not [r["text"] for r in results if r["opposite"]], name
        assert report[name]["known_right"] >= KNOWN_FLOORS[name], name
    ARTIFACT.parent.mkdir(exist_ok=True)
    ARTIFACT.write_text(json.dumps(report, indent=2) + "\n")
