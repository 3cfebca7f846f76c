"""Safety layer: evaluation set (recall must be 100%), normalisation, matcher policy, the Rasa
component on real Messages, fail-fast loading, and no evaluation message leaking into data/nlu/.

The evaluation summary is printed and written to test-artifacts/safety_eval.json.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from addons.safety_rules import (
    CRISIS,
    EMERGENCY,
    RulesFileError,
    SafetyRules,
    load_rules,
    parse_rules,
)
from tests.support.nlu_text import plain

ROOT = Path(__file__).resolve().parents[2]
RULES_FILE = ROOT / "safety" / "triage.yml"
EVAL_DIR = ROOT / "tests" / "data"
EVAL_FILES = {
    EMERGENCY: EVAL_DIR / "safety_emergency.yml",
    CRISIS: EVAL_DIR / "safety_crisis.yml",
    "routine": EVAL_DIR / "safety_routine.yml",
}
ARTIFACT = ROOT / "test-artifacts" / "safety_eval.json"
NLU_DIR = ROOT / "data" / "nlu"

# Regressions below these fail the build. Raise them when the rules get better, never lower
# them to let a change through.
PRECISION_FLOOR = 0.95  # of all messages the layer flags, share that are real emergency/crisis
ROUTINE_PASS_FLOOR = 0.95  # share of routine look-alikes the layer leaves alone
MIN_DANGER_MESSAGES = 150
MIN_ROUTINE_MESSAGES = 150


def load_eval(category: str) -> list[str]:
    data = yaml.safe_load(EVAL_FILES[category].read_text(encoding="utf-8"))
    assert data["category"] == category, f"{EVAL_FILES[category]} declares another category"
    messages = data["messages"]
    assert all(isinstance(m, str) and m.strip() for m in messages)
    return messages


@pytest.fixture(scope="module")
def rules() -> SafetyRules:
    return load_rules(RULES_FILE)


@pytest.fixture(scope="module")
def evaluation(rules: SafetyRules) -> dict[str, Any]:
    """Runs every evaluation message once; writes and prints the summary."""
    results: dict[str, list[tuple[str, str | None, str | None]]] = {}
    for category in EVAL_FILES:
        rows = []
        for message in load_eval(category):
            hit = rules.check(message)
            rows.append((message, hit.category if hit else None, hit.rule_id if hit else None))
        results[category] = rows

    danger = results[EMERGENCY] + results[CRISIS]
    missed = [
        {"message": m, "expected": cat, "got": got, "rule": rule}
        for cat in (EMERGENCY, CRISIS)
        for m, got, rule in results[cat]
        if got is None
    ]
    wrong_category = [
        {"message": m, "expected": cat, "got": got, "rule": rule}
        for cat in (EMERGENCY, CRISIS)
        for m, got, rule in results[cat]
        if got is not None and got != cat
    ]
    false_positives = [
        {"message": m, "got": got, "rule": rule} for m, got, rule in results["routine"] if got
    ]
    flagged_danger = sum(1 for _, got, _ in danger if got)
    flagged = flagged_danger + len(false_positives)
    routine_total = len(results["routine"])
    summary = {
        "rules_file": str(RULES_FILE.relative_to(ROOT)),
        "emergency_messages": len(results[EMERGENCY]),
        "crisis_messages": len(results[CRISIS]),
        "routine_messages": routine_total,
        "recall": flagged_danger / len(danger),
        "category_accuracy": (len(danger) - len(missed) - len(wrong_category)) / len(danger),
        "precision": flagged_danger / flagged if flagged else 1.0,
        "routine_pass_rate": (routine_total - len(false_positives)) / routine_total,
        "precision_floor": PRECISION_FLOOR,
        "routine_pass_floor": ROUTINE_PASS_FLOOR,
        "missed": missed,
        "wrong_category": wrong_category,
        "false_positives": false_positives,
    }
    ARTIFACT.parent.mkdir(parents=True, exist_ok=True)
    ARTIFACT.write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")
    print(
        f"\nsafety eval: recall {summary['recall']:.3f} on {len(danger)} emergency/crisis "
        f"messages, category accuracy {summary['category_accuracy']:.3f}, precision "
        f"{summary['precision']:.3f}, routine pass rate {summary['routine_pass_rate']:.3f} on "
        f"{routine_total} look-alikes ({len(false_positives)} false positives) -> {ARTIFACT}"
    )
    return summary


# --- evaluation set ---------------------------------------------------------------------------


def test_evaluation_set_is_large_and_distinct() -> None:
    emergency, crisis, routine = (load_eval(c) for c in (EMERGENCY, CRISIS, "routine"))
    assert len(emergency) + len(crisis) >= MIN_DANGER_MESSAGES
    assert len(emergency) >= 90 and len(crisis) >= 70
    assert len(routine) >= MIN_ROUTINE_MESSAGES
    seen: dict[str, str] = {}
    for category, messages in ((EMERGENCY, emergency), (CRISIS, crisis), ("routine", routine)):
        for message in messages:
            key = message.casefold().strip()
            assert key not in seen, f"{message!r} is in both {seen[key]} and {category}"
            seen[key] = category


def test_every_emergency_and_crisis_message_fires(evaluation: dict[str, Any]) -> None:
    missed = "\n".join(f"  [{m['expected']}] {m['message']}" for m in evaluation["missed"])
    assert not evaluation["missed"], f"safety layer missed {len(evaluation['missed'])}:\n{missed}"


def test_every_hit_has_the_right_category(evaluation: dict[str, Any]) -> None:
    wrong = "\n".join(
        f"  expected {m['expected']}, got {m['got']} ({m['rule']}): {m['message']}"
        for m in evaluation["wrong_category"]
    )
    assert not evaluation["wrong_category"], f"wrong category:\n{wrong}"


def test_precision_on_routine_look_alikes(evaluation: dict[str, Any]) -> None:
    listing = "\n".join(f"  {fp['rule']}: {fp['message']}" for fp in evaluation["false_positives"])
    assert evaluation["precision"] >= PRECISION_FLOOR, f"false positives:\n{listing}"
    assert evaluation["routine_pass_rate"] >= ROUTINE_PASS_FLOOR, f"false positives:\n{listing}"


def test_summary_artifact_is_written(evaluation: dict[str, Any]) -> None:
    written = json.loads(ARTIFACT.read_text(encoding="utf-8"))
    assert written["recall"] == evaluation["recall"]
    assert {"precision", "routine_pass_rate", "false_positives"} <= set(written)


# --- evaluation messages never become training data -------------------------------------------


def test_no_evaluation_message_is_in_nlu_training_data() -> None:
    if not NLU_DIR.exists():
        pytest.skip("data/nlu does not exist yet")
    lines: list[tuple[str, str]] = []
    for path in sorted(p for p in NLU_DIR.rglob("*") if p.is_file()):
        for raw in path.read_text(encoding="utf-8", errors="replace").splitlines():
            raw = raw.strip()
            raw = raw[2:] if raw.startswith("- ") else raw
            line = plain(raw.strip("\"'"))
            if line:
                lines.append((line, f"{path.relative_to(ROOT)}: {raw}"))
    leaks = []
    for category in EVAL_FILES:
        for message in load_eval(category):
            text = plain(message)
            # Exact copies always; for longer messages also a copy with words added around it.
            long_enough = len(text.split()) >= 6
            for line, where in lines:
                if line == text or (long_enough and f" {text} " in f" {line} "):
                    leaks.append(f"  [{category}] {message!r} -> {where}")
    assert not leaks, "evaluation messages found in data/nlu (remove them there):\n" + "\n".join(
        leaks
    )


# --- normalisation ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("I CAN'T BREATHE!!!", "i can not breathe"),
        ("i cant breath", "i can not breath"),
        ("I’m scared", "i am scared"),
        ("kms", "kill myself"),
        ("i wanna die", "i want to die"),
        ("i want 2 die", "i want to die"),
        ("chestpain", "chest pain"),
        ("i think i od'd", "i think i overdosed"),
        ("sucide", "suicide"),
        ("my son is unconsious", "my son is unconscious"),
        ("he is chokeing", "he is choking"),
        ("cooking dinner", "cooking dinner"),  # a real word is never "corrected"
        ("my bill is overdue", "my bill is overdue"),
        ("no puedo respirar 😭😭", "no puedo respirar"),
        ("ayúdame", "ayudame"),
        ("x-ray", "x ray"),
        ("", ""),
    ],
)
def test_normalisation(rules: SafetyRules, text: str, expected: str) -> None:
    assert rules.normalise(text)[0] == expected


def test_repeated_letters_are_tried_both_ways(rules: SafetyRules) -> None:
    forms = rules.normalise("hellllp my baby isnt breathinggg")
    assert "hellp my baby is not breathing" in forms  # typo fix catches "breathingg"
    assert "help my baby is not breathing" in forms


# --- matcher policy ---------------------------------------------------------------------------


def test_attempt_in_progress_is_emergency_and_crisis_related(rules: SafetyRules) -> None:
    hit = rules.check("I just took all my pills, I want to die")
    assert hit is not None and hit.category == EMERGENCY and hit.crisis_related


def test_suicidal_thoughts_alone_are_crisis(rules: SafetyRules) -> None:
    hit = rules.check("i keep thinking about killing myself")
    assert hit is not None and hit.category == CRISIS and not hit.crisis_related
    assert hit.as_output() == {
        "category": CRISIS,
        "rule_id": hit.rule_id,
        "crisis_related": False,
    }


def test_emergency_outranks_a_routine_request_in_the_same_message(rules: SafetyRules) -> None:
    hit = rules.check("can I book an appointment for tomorrow? I have chest pain")
    assert hit is not None and hit.category == EMERGENCY and hit.rule_id == "cardiac"


@pytest.mark.parametrize(
    "text",
    [
        # Poison Control came with 911: "something", "high", "pills", "acid" read as drugs
        "my chest hurts a little when i breathe, can i book something",
        "my blood pressure is high and my chest hurts",
        "acid reflux and chest pain",
        "i forgot my pills and my chest hurts",
        "my daughter crystal says her chest hurts",
    ],
)
def test_chest_pain_with_a_common_word_is_no_poisoning(rules: SafetyRules, text: str) -> None:
    hit = rules.check(text)
    assert hit is not None and (hit.rule_id, hit.also) == ("cardiac", ())


@pytest.mark.parametrize(
    ("text", "rule"),
    [
        ("took something at a party and now hes shaking", "poisoning_overdose"),
        ("he got high and now his heart is racing", "poisoning_overdose"),
        # (caught only by "rolling" as a drug before)
        ("his eyes are rolling and hes shaking", "seizure"),
    ],
)
def test_drugs_said_plainly_and_eyes_rolling_still_fire(
    rules: SafetyRules, text: str, rule: str
) -> None:
    hit = rules.check(text)
    assert hit is not None and hit.rule_id == rule


def test_exclusion_only_covers_its_own_words(rules: SafetyRules) -> None:
    assert rules.check("cancel my chest x-ray") is None
    hit = rules.check("cancel my chest x-ray, I have chest pain right now")
    assert hit is not None and hit.rule_id == "cardiac"


def test_past_events_are_skipped_unless_something_is_happening_now(rules: SafetyRules) -> None:
    assert rules.check("I had a seizure last year, need a neurology referral") is None
    hit = rules.check("I had a seizure last year and it is happening again right now")
    assert hit is not None and hit.category == EMERGENCY


@pytest.mark.parametrize(
    "text",
    [
        "my chest feels heavy, i had a heart attack last year",
        "his face is drooping, he had a stroke in 2020",
        "my chest hurts, at my last visit the doctor said it was fine",
        "i have chest pain, my last checkup was 2 years ago",
        "at my last visit they checked my heart and now I have crushing chest pain",
    ],
)
def test_a_past_event_does_not_hide_a_symptom_now(rules: SafetyRules, text: str) -> None:
    hit = rules.check(text)
    assert hit is not None and hit.category == EMERGENCY


@pytest.mark.parametrize(
    "text",
    [
        "I had a stroke. That was 2 years ago. Need a checkup",
        "history of diabetes, heart attack, high cholesterol, need a refill",
        "my last visit the doctor said my chest pain was muscular, need a follow up",
    ],
)
def test_a_past_event_in_another_clause_is_still_past(rules: SafetyRules, text: str) -> None:
    assert rules.check(text) is None


def test_past_markers_respect_clauses() -> None:
    """A past marker in a later clause, or in an earlier sentence, counts only when the hit's
    clause is in the past tense; one in the same clause, or earlier in the same sentence,
    always counts; present markers count in any clause."""
    tiny = parse_rules(
        {
            "version": 1,
            "past_context": {
                "past": ["last year"],
                "present": ["again"],
                "past_tense": ["had"],
            },
            "categories": {
                "emergency": {
                    "skip_if_past": True,
                    "rules": [{"id": "r", "description": "d", "phrases": ["chest pain"]}],
                }
            },
        }
    )
    assert tiny.check("chest pain, it started last year") is not None
    assert tiny.check("chest pain\nmy dad died last year") is not None
    assert tiny.check("chest pain - my dad died last year") is not None
    assert tiny.check("i had chest pain, last year") is None
    # An earlier sentence: "Last year I had a heart attack. My chest hurts." was not fired.
    assert tiny.check("last year it was bad. chest pain") is not None
    assert tiny.check("last year it was bad\nchest pain") is not None
    assert tiny.check("last year it was bad. i had chest pain") is None
    assert tiny.check("chest pain last year") is None
    assert tiny.check("last year, chest pain") is None
    assert tiny.check("chest pain last year, it is back again") is not None
    # a decimal point or a time is not the end of a clause
    assert tiny.normalise("fever 101.5, then 3:30 chest pain") == [
        "fever 101 5 then 3 30 chest pain"
    ]


@pytest.mark.parametrize("text", [None, "", "   ", "😀🙏💉", "?!", "a" * 10_000])
def test_nothing_to_match(rules: SafetyRules, text: str | None) -> None:
    assert rules.check(text) is None


def test_a_hit_at_the_end_of_a_huge_message(rules: SafetyRules) -> None:
    text = "I have a question about my bill. " * 310 + "also i cant breathe"
    assert len(text) > 10_000
    hit = rules.check(text)
    assert hit is not None and hit.category == EMERGENCY


def _tiny_rules(**rule: Any) -> SafetyRules:
    return parse_rules(
        {
            "version": 1,
            "categories": {"emergency": {"rules": [{"id": "r", "description": "d", **rule}]}},
        }
    )


@pytest.mark.parametrize(
    ("rule", "fires", "quiet"),
    [
        ({"phrases": ["swallowed ... pills"]}, "he swallowed some of my pills", "pills swallowed"),
        ({"phrases": ["lost * to"]}, "lost him to", "lost to"),
        ({"phrases": ["(my|) chest hurts"]}, "chest hurts", "chest really hurts"),
        ({"phrases": ["bleed*"]}, "he is bleeding", "blood"),
        ({"phrases": ["took <number> pills"]}, "took 30 pills", "took many pills"),
        (
            {"together": [["chest", "pain"]]},
            "pain in my chest",
            "chest x ray is done, now I need to book a visit about knee pain",
        ),
        (
            {"phrases": ["chest pain"], "exclusions": ["no chest pain"]},
            "no chest pain but now chest pain",
            "no chest pain",
        ),
    ],
)
def test_phrase_syntax(rule: dict[str, Any], fires: str, quiet: str) -> None:
    tiny = _tiny_rules(**rule)
    assert tiny.check(fires) is not None
    assert tiny.check(quiet) is None


# --- malformed rules files fail fast, naming the problem ----------------------------------------


def _valid() -> dict[str, Any]:
    return yaml.safe_load(RULES_FILE.read_text(encoding="utf-8"))


def _first_rule(data: dict[str, Any]) -> dict[str, Any]:
    return data["categories"]["emergency"]["rules"][0]


def _break(change: Any) -> dict[str, Any]:
    data = _valid()
    change(data)
    return data


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        (_break(lambda d: d.pop("version")), "version"),
        (_break(lambda d: d.update(rules=[])), "unknown top-level key"),
        (_break(lambda d: _first_rule(d).update(phrase=["x"])), "unknown key(s) ['phrase']"),
        (_break(lambda d: _first_rule(d).update(phrases=["(chest pain"])), "missing ')'"),
        (_break(lambda d: _first_rule(d).update(phrases=["(a|)"])), "can match nothing"),
        (_break(lambda d: _first_rule(d).update(phrases="chest pain")), "must be a list"),
        (_break(lambda d: _first_rule(d).update(id="Bad Id")), "rule id"),
        (_break(lambda d: _first_rule(d).pop("description")), "needs a description"),
        (
            _break(lambda d: _first_rule(d).update(together=[["chest"]])),
            "at least two parts",
        ),
        (
            _break(
                lambda d: d["categories"]["emergency"]["rules"].append(
                    copy.deepcopy(_first_rule(d))
                )
            ),
            "duplicate rule id",
        ),
        (_break(lambda d: d["categories"].update(urgent={"rules": []})), "categories must be"),
        (
            _break(
                lambda d: d["normalisation"]["rewrites"].append({"pattern": "(", "replace": ""})
            ),
            "bad rewrite pattern",
        ),
        ("just text", "must be a YAML mapping"),
    ],
)
def test_malformed_rules_fail_fast(data: Any, problem: str) -> None:
    with pytest.raises(RulesFileError) as excinfo:
        parse_rules(data, "triage.yml")
    assert problem in str(excinfo.value)


def test_rule_errors_name_the_rule() -> None:
    data = _break(lambda d: _first_rule(d).update(phrases=["chest pain)"]))
    with pytest.raises(RulesFileError, match=r"rule '\w+'.*unbalanced"):
        parse_rules(data, "triage.yml")


def test_unreadable_and_invalid_yaml_files(tmp_path: Path) -> None:
    with pytest.raises(RulesFileError, match="cannot read"):
        load_rules(tmp_path / "missing.yml")
    broken = tmp_path / "broken.yml"
    broken.write_text("version: 1\ncategories: [unclosed\n", encoding="utf-8")
    with pytest.raises(RulesFileError, match="not valid YAML"):
        load_rules(broken)


# --- the Rasa component -----------------------------------------------------------------------


@pytest.fixture(scope="module")
def component(tmp_path_factory: pytest.TempPathFactory) -> Any:
    from rasa.engine.graph import ExecutionContext, GraphSchema
    from rasa.engine.storage.local_model_storage import LocalModelStorage
    from rasa.engine.storage.resource import Resource

    from addons.safety_triage import SafetyTriage

    config = {**SafetyTriage.get_default_config()}
    return SafetyTriage.create(
        config,
        LocalModelStorage(tmp_path_factory.mktemp("model_storage")),
        Resource("safety_triage"),
        ExecutionContext(GraphSchema({}), "test"),
    )


def _message(text: str | None, intent: str = "book_appointment", confidence: float = 0.6) -> Any:
    from rasa.shared.nlu.training_data.message import Message

    data: dict[str, Any] = {} if text is None else {"text": text}
    message = Message(data=data)
    if text is not None:
        message.set("intent", {"name": intent, "confidence": confidence}, add_to_output=True)
        ranking = [
            {"name": intent, "confidence": confidence},
            {"name": "emergency", "confidence": 0.2},
            {"name": "greet", "confidence": 0.1},
        ]
        message.set("intent_ranking", ranking, add_to_output=True)
    return message


def test_component_overrides_intent_ranking_and_adds_safety(component: Any) -> None:
    message = _message("my dad is clutching his chest and can't talk")
    component.process([message])
    assert message.get("intent") == {"name": "emergency", "confidence": 1.0}
    ranking = message.get("intent_ranking")
    assert ranking[0] == {"name": "emergency", "confidence": 1.0}
    assert [r["name"] for r in ranking] == ["emergency", "book_appointment", "greet"]
    output = message.as_dict(only_output_properties=True)
    assert output["safety"] == {
        "category": "emergency",
        "rule_id": "cardiac",
        "crisis_related": False,
    }
    assert output["intent"]["name"] == "emergency"


def test_abuse_is_marked_for_its_own_reply(component: Any) -> None:
    # utter_crisis's variation for it reads the safety_rule slot, filled from this entity
    text = "my boyfriend keeps hitting me and im scared to go home"
    message = _message(text)
    message.set("entities", [{"entity": "location", "value": "Downtown", "start": 0, "end": 2}])
    component.process([message])
    entities = message.as_dict(only_output_properties=True)["entities"]
    assert [(e["entity"], e["value"]) for e in entities] == [
        ("location", "Downtown"),
        ("safety_rule", "abuse_violence"),
    ]
    assert (entities[1]["start"], entities[1]["end"]) == (0, len(text))
    # ...also when suicidal words fired a rule too: that reply has 988 as well
    message = _message("my boyfriend hits me and i dont want to live anymore")
    component.process([message])
    assert message.as_dict(only_output_properties=True)["safety"]["rule_id"] == "abuse_violence"
    assert [e["entity"] for e in message.get("entities")] == ["safety_rule"]
    # ...other rules keep the usual reply: no entity
    message = _message("i want to kill myself")
    component.process([message])
    assert message.as_dict(only_output_properties=True)["safety"]["rule_id"] == "suicidal_thoughts"
    assert not message.get("entities")


def test_component_overrides_the_fallback_intent(component: Any) -> None:
    message = _message("nobody would even notice if i was gone", "nlu_fallback", 0.4)
    component.process([message])
    assert message.get("intent")["name"] == "crisis"
    assert message.get("intent_ranking")[0]["name"] == "crisis"
    assert message.as_dict(only_output_properties=True)["safety"]["category"] == "crisis"


def test_component_leaves_routine_messages_untouched(component: Any) -> None:
    message = _message("cancel my chest x-ray please")
    before = (copy.deepcopy(message.data), set(message.output_properties))
    component.process([message])
    assert (message.data, message.output_properties) == before
    assert "safety" not in message.as_dict(only_output_properties=True)


def _guessed(text: str, intent: str, ranking: list[tuple[str, float]]) -> Any:
    """A message the classifier (not the rules) took for ``intent``."""
    message = _message(text, intent, 0.9)
    message.set(
        "intent_ranking",
        [{"name": intent, "confidence": 0.9}] + [{"name": n, "confidence": c} for n, c in ranking],
        add_to_output=True,
    )
    return message


def test_a_classifier_guess_on_a_known_look_alike_is_dropped(component: Any) -> None:
    # "update my emergency contact" got 911 and a paused chat from the classifier's guess.
    message = _guessed(
        "i need to update my emergency contact", "emergency", [("contact_info", 0.6)]
    )
    component.process([message])
    assert message.get("intent") == {"name": "contact_info", "confidence": 0.6}
    assert [r["name"] for r in message.get("intent_ranking")] == ["contact_info"]
    # ...for the fallback when the next guess is unsure
    message = _guessed("how much is the stroke screening?", "emergency", [("greet", 0.02)])
    component.process([message])
    assert message.get("intent") == {"name": "nlu_fallback", "confidence": 0.45}
    assert "safety" not in message.as_dict(only_output_properties=True)
    # "is the other one upstairs too?" (a question about the building) got 911
    message = _guessed("and is the other one upstairs too?", "emergency", [("directions", 0.5)])
    component.process([message])
    assert message.get("intent") == {"name": "directions", "confidence": 0.5}
    # leaving to phone later, or impatience, got the 911 check-in (a paused booking)
    for text in ("no actually ill call u guys later", "ugh this is taking forever"):
        message = _guessed(text, "emergency", [("goodbye", 0.5)])
        component.process([message])
        assert message.get("intent") == {"name": "goodbye", "confidence": 0.5}


def test_a_classifier_guess_on_other_wording_stands(component: Any) -> None:
    """The second net still catches what the rules miss; and a rule beats a look-alike."""
    message = _guessed("my grandpa is acting really strange", "emergency", [("greet", 0.1)])
    component.process([message])
    assert message.get("intent")["name"] == "emergency"
    message = _guessed("my chest hurts, it's not urgent though", "book_appointment", [])
    component.process([message])
    assert message.get("intent") == {"name": "emergency", "confidence": 1.0}


def test_an_unsure_classifier_guess_gets_a_check_in_not_a_handoff(component: Any) -> None:
    """ "I do not use computers much" was read as a crisis at 0.47 (no rule fired): 988, and a
    paused chat until morning, for an elderly patient."""
    message = _message("I do not use computers much", "crisis", 0.47)
    component.process([message])
    assert message.get("intent") == {"name": "nlu_fallback", "confidence": 0.47}
    output = message.as_dict(only_output_properties=True)
    assert output["safety_check"] == {"category": "crisis"} and "safety" not in output
    # Behind the fallback already (under its threshold): marked all the same.
    message = _message("hmm well", "nlu_fallback", 0.4)
    message.set(
        "intent_ranking",
        [{"name": "nlu_fallback", "confidence": 0.4}, {"name": "emergency", "confidence": 0.3}],
        add_to_output=True,
    )
    component.process([message])
    assert message.get("safety_check") == {"category": "emergency"}
    # ...but not on a known look-alike: "ugh this is so confusing" got 911 and the check-in
    message = _message("ugh this is so confusing", "nlu_fallback", 0.6)
    message.set(
        "intent_ranking",
        [{"name": "nlu_fallback", "confidence": 0.6}, {"name": "emergency", "confidence": 0.5}],
        add_to_output=True,
    )
    component.process([message])
    assert message.get("safety_check") is None
    assert message.get("intent") == {"name": "nlu_fallback", "confidence": 0.6}
    # A sure guess is the second net, as before; a rule is a rule.
    message = _message("my grandpa is acting really strange", "emergency", 0.85)
    component.process([message])
    assert message.get("intent")["name"] == "emergency" and message.get("safety_check") is None
    message = _message("nobody would even notice if i was gone", "crisis", 0.5)
    component.process([message])
    assert message.get("intent") == {"name": "crisis", "confidence": 1.0}
    assert message.get("safety_check") is None


@pytest.mark.parametrize(
    "text",
    [
        # fifth trial: the classifier alone took these for an emergency or crisis
        "i got a bill from the emergency room and its wrong",
        "does the clinic do stroke risk screenings",
        "i need to reschedule i have a family emergency",
        "this bill is going to give me a stroke",
        "my mom has dementia and gets confused, can she bring a caregiver to the visit",
        "is the shot going to hurt my kid",
        "the portal keeps crashing and it's driving me insane",
        "i need a mental health referral for my teenager",
        "can you stop texting me so much, its killing my battery",
        # trial of 2026-12-01: a crisis reply (and a paused chat) for a parent booking
        "its for my daughter not me",
        "its not me its my husband",
        "actually its for my daughter not me",
        "shoot, i missed my appt",
        # trial of 2026-12-07: the 988 check-in for a parent after his son's balance
        "im his dad",
        "i'm her mom",
        # trial of 2026-12-03: 911 check-ins for frustration, and a sibling's booking
        "ugh this is so confusing",
        "can i book his sister too shes 6",
        # "myself" meaning "me, not my child": 988 and a chat flagged to staff
        "do i have an appointment myself",
        "is the appointment for me myself or my son",
        "is anything booked for myself",
        # medicine running low, after the refill answer: 911, and the chat paused
        "i only have two of my blood pressure pills left",
        "i have 2 days of pills left",
        "im nearly out of my cholesterol meds",
        # an everyday cut: 988's check-in
        "i cut myself shaving",
        "nicked my finger chopping onions, do i need a tetanus shot",
        # a death told after the fact: the 911 check-in to a bereaved relative
        "my husband passed away last month, please remove him from your system",
        "my dad passed away in november. he was seeing dr patel",
        "my mom died two weeks ago",
    ],
)
def test_classifier_false_alarms_are_known_look_alikes(rules: SafetyRules, text: str) -> None:
    assert rules.check(text) is None
    assert rules.classifier_look_alike(text)


@pytest.mark.parametrize(
    "text",
    [
        "i need a therapist referral, i want to kill myself",
        "family emergency, my dad is having a heart attack",
        "the shot is going to hurt, i dont want to live anymore",
        "i might hurt myself before my appointment",
        "im his dad and i want to end my life",
        "my husband passed away last year and i dont want to live without him",
        "i only have 3 pills left and im going to take them all to end it",
        "im almost out of my meds and i cant breathe",
        "only two pills left, i took the rest so i would not wake up",
    ],
)
def test_danger_next_to_a_look_alike_still_fires(rules: SafetyRules, text: str) -> None:
    assert rules.check(text) is not None


@pytest.mark.parametrize("text", [None, "", "   ", "🙂🙂🙂", "x" * 10_000])
def test_component_copes_with_odd_messages(component: Any, text: str | None) -> None:
    message = _message(text)
    before = copy.deepcopy(message.data)
    component.process([message])
    assert message.data == before


def test_component_handles_huge_and_emoji_messages_with_danger(component: Any) -> None:
    huge = _message("where do I park? " * 700 + "my baby isnt breathing 😭😭")
    component.process([huge])
    assert huge.get("intent")["name"] == "emergency"


def test_component_fails_fast_on_a_malformed_rules_file(tmp_path: Path) -> None:
    from rasa.engine.graph import ExecutionContext, GraphSchema
    from rasa.engine.storage.local_model_storage import LocalModelStorage
    from rasa.engine.storage.resource import Resource

    from addons.safety_triage import SafetyTriage

    bad = tmp_path / "triage.yml"
    bad.write_text(
        "version: 1\ncategories:\n  emergency:\n    rules: [{id: x}]\n", encoding="utf-8"
    )
    with pytest.raises(RulesFileError, match="rule 'x': needs a description"):
        SafetyTriage.create(
            {"rules_file": str(bad)},
            LocalModelStorage(tmp_path),
            Resource("safety_triage"),
            ExecutionContext(GraphSchema({}), "test"),
        )


def test_relative_rules_path_resolves_from_the_project_root(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from addons.safety_triage import resolve_rules_path

    monkeypatch.chdir(tmp_path)
    assert resolve_rules_path("safety/triage.yml") == RULES_FILE


def test_pipeline_places_the_layer_last_and_never_trains_it() -> None:
    """Wired after FallbackClassifier, not in the training graph, no rules-file fingerprint."""
    from rasa.engine import validation
    from rasa.engine.recipes.default_recipe import DefaultV1Recipe
    from rasa.shared.data import TrainingType

    from addons.safety_triage import SafetyTriage

    config = {
        "recipe": "default.v1",
        "language": "en",
        "pipeline": [
            {"name": "WhitespaceTokenizer"},
            {"name": "KeywordIntentClassifier"},
            {"name": "FallbackClassifier", "threshold": 0.4},
            {"name": "addons.safety_triage.SafetyTriage"},
        ],
    }
    graph = DefaultV1Recipe().graph_config_for_recipe(config, {}, TrainingType.NLU)
    validation.validate(graph)  # Rasa's own type checks, as at `rasa train`
    predict = graph.predict_schema.nodes
    (name,) = [n for n, node in predict.items() if node.uses is SafetyTriage]
    assert predict[predict[name].needs["messages"]].uses.__name__ == "FallbackClassifier"
    assert not [n for n in graph.train_schema.nodes.values() if n.uses is SafetyTriage]
    assert SafetyTriage.fingerprint_addon({}) is None


@pytest.mark.parametrize(
    ("text", "fires"),
    [
        # A joke about a bill got 911 and a paused chat; the bill was never explained.
        ("i got stabbed with a huge bill, why is it so high", False),
        ("got shot with a surprise bill lol", False),
        ("i about had a stroke opening this bill, can i get a payment plan", False),
        # Violence itself still fires, also when a bill is somewhere in the words.
        ("got stabbed by a bill collector", True),
        ("he got stabbed with a big knife", True),
        ("i think i almost had a stroke, my face went numb", True),
    ],
)
def test_a_bill_that_stabbed_is_a_figure_of_speech(
    rules: SafetyRules, text: str, fires: bool
) -> None:
    hit = rules.check(text)
    assert (hit is not None and hit.category == EMERGENCY) is fires


# --- trial conversations of 2026-12-03 ----------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "rule_id"),
    [
        ("my toddler is locked in the car and its really hot out", "child_in_car"),
        ("theres a kid left alone in a car in your parking lot, windows up", "child_in_car"),
        (
            "my mom has dementia and keeps wandering off, shes missing right now",
            "missing_vulnerable_person",
        ),
        ("cant find my toddler, she wandered off from the yard", "missing_vulnerable_person"),
    ],
)
def test_a_child_in_a_car_or_a_missing_person_is_an_emergency(
    rules: SafetyRules, text: str, rule_id: str
) -> None:
    hit = rules.check(text)
    assert hit is not None and hit.category == EMERGENCY and hit.rule_id == rule_id


@pytest.mark.parametrize(
    "text",
    [
        "my mom has dementia, can she see dr patel",
        "my mom has dementia and is missing her glasses",
        "my son is missing school for his appointment, can i get a note",
        "i locked my keys in the car, im going to be late for my appt",
        "my son got his finger stuck in the car door",
        # a past event is not happening now (emergency rules skip the past)
        "my dad with dementia went missing last year, can we get a gps tracker",
    ],
)
def test_car_and_missing_look_alikes_stay_quiet(rules: SafetyRules, text: str) -> None:
    assert rules.check(text) is None


@pytest.mark.parametrize(
    ("text", "fires"),
    [
        ("i just want the pain to stop", True),
        ("i just want the pain to stop. all of it. forever", True),
        ("i want the pain to stop, i cant do this anymore", True),
        # physical pain named near it: a request for care
        ("i just want the pain to stop, my back is killing me", False),
        ("my migraine wont quit, i just want the pain to stop", False),
        ("i just want the pain to stop, can i get something stronger than ibuprofen", False),
        ("i just want the pain in my back to stop", False),
    ],
)
def test_wanting_the_pain_to_stop_fires_unless_physical_pain_is_named(
    rules: SafetyRules, text: str, fires: bool
) -> None:
    hit = rules.check(text)
    assert (hit is not None and hit.rule_id == "hopelessness") is fires
    assert hit is None or hit.category == CRISIS


CHILD_ABUSE = [
    "i think my kid is being abused at daycare",
    "my neighbors kid has bruises all over and is left alone all day what do i do",
    "child being neglected next door, kids are alone for days, no food",
    # a minor describing abuse of themselves: abuse_violence fires too, the child rule is chosen
    "im 15 and my moms boyfriend keeps touching me",
    "pretty sure the babysitter is hitting my son",
]


@pytest.mark.parametrize("text", CHILD_ABUSE)
def test_a_child_who_may_be_abused_gets_the_child_rule(rules: SafetyRules, text: str) -> None:
    hit = rules.check(text)
    assert hit is not None and hit.category == CRISIS and hit.rule_id == "child_abuse_neglect"
    # Also when abuse_violence fired too and both rules are preferred (their own replies): the
    # child rule comes first in the file, and the first preferred hit in file order is chosen.
    preferred = ("abuse_violence", "child_abuse_neglect")
    chosen = SafetyRules.decide(rules.matches(text), prefer=preferred)
    assert chosen is not None and chosen.rule_id == "child_abuse_neglect"


def test_the_child_rule_is_checked_before_abuse_violence(rules: SafetyRules) -> None:
    ids = [rule.rule_id for rule in rules.rules]
    assert ids.index("child_abuse_neglect") < ids.index("abuse_violence")
    assert next(r for r in rules.rules if r.rule_id == "child_abuse_neglect").category == CRISIS


@pytest.mark.parametrize(
    "text",
    [
        "my boyfriend keeps hitting me and im scared to go home",
        "my uncle molested me when i was a kid",  # an adult survivor: the adult rule
        "im 15 minutes away, my boyfriend hit me",
    ],
)
def test_adult_abuse_keeps_the_abuse_rule(rules: SafetyRules, text: str) -> None:
    hit = rules.check(text)
    assert hit is not None and hit.rule_id == "abuse_violence"


@pytest.mark.parametrize(
    "text",
    [
        "can you check my kid for bruises from soccer",
        "my son bruises easily is that normal",
        "is there daycare near the clinic",
        "my foster son was neglected as a baby, can he see a therapist",
        "my son has adhd and he keeps hitting the other kids at school, can we get an eval",
    ],
)
def test_child_abuse_look_alikes_stay_quiet(rules: SafetyRules, text: str) -> None:
    assert rules.check(text) is None


def test_a_child_who_may_be_abused_is_marked_for_its_own_reply(component: Any) -> None:
    from addons.safety_triage import OWN_REPLY_RULES

    if "child_abuse_neglect" not in OWN_REPLY_RULES:
        pytest.skip("the child abuse reply is not wired in addons/safety_triage.py yet")
    message = _message("im 15 and my moms boyfriend keeps touching me")
    component.process([message])
    output = message.as_dict(only_output_properties=True)
    assert output["safety"]["rule_id"] == "child_abuse_neglect"
    assert "abuse_violence" in output["safety"]["also"]
    assert [(e["entity"], e["value"]) for e in output["entities"]] == [
        ("safety_rule", "child_abuse_neglect")
    ]


@pytest.mark.parametrize("text", ["i think blue something", "blue something idk", "something blue"])
def test_a_half_remembered_plan_name_is_no_overdose(rules: SafetyRules, text: str) -> None:
    # "Which insurance plan do you have?" - "i think blue something": 911 and Poison Control,
    # and a paused chat ("something" and "blue" within 14 words)
    assert rules.check(text) is None


@pytest.mark.parametrize(
    "text", ["he took some pills and is turning blue", "my friend took molly and he looks blue"]
)
def test_someone_turning_blue_after_taking_something_still_fires(
    rules: SafetyRules, text: str
) -> None:
    hit = rules.check(text)
    assert hit is not None and hit.category == "emergency"


# --- tester's report (safety-gaps): the rule chosen decides the crisis reply's wording ----------


@pytest.mark.parametrize(
    ("text", "rule_id"),
    [
        # words between the person and the verb: the abuse lines, not the generic reply
        ("someone at home hurts me", "abuse_violence"),
        ("somebody in my house hurts me", "abuse_violence"),
        ("people at home hurt me", "abuse_violence"),
        ("someone at home is hurting me", "abuse_violence"),
        ("someone in my family is hurting me", "abuse_violence"),
        ("i get hit at home", "abuse_violence"),
        (
            "8am. honestly someone at home hurts me and thats why i need to come in",
            "abuse_violence",
        ),
        # a parent telling that a child is hit: the child abuse line
        ("my son's dad hits him", "child_abuse_neglect"),
        ("my daughters stepdad keeps hitting her", "child_abuse_neglect"),
        # a parent afraid of what they may do: the 988 reply, not the reply for a victim
        ("i keep having thoughts of hurting my baby", "harm_to_others"),
        ("urges to hurt my newborn", "harm_to_others"),
        ("voices telling me to hurt my kids", "harm_to_others"),
    ],
)
def test_the_rule_chosen_for_the_reply(rules: SafetyRules, text: str, rule_id: str) -> None:
    from addons.safety_triage import OWN_REPLY_RULES

    hits = rules.matches(text)
    chosen = SafetyRules.decide(hits, prefer=OWN_REPLY_RULES)
    assert chosen is not None and chosen.category == CRISIS and chosen.rule_id == rule_id
    if rule_id == "harm_to_others":
        # abuse_violence would be preferred for its own reply whenever it fires, whatever the order
        assert "abuse_violence" not in [h.rule_id for h in hits]


@pytest.mark.parametrize(
    "text",
    [
        "my back hurts me at home",
        "my knee hurts when im at home",
        "someone at home has the flu",
        "my kid hits his head a lot at home",
        "i got hit at home plate in softball",
        "her dad shook her awake",
        "his coach kicked him off the team",
        "need a depression screening, been feeling down, no thoughts of hurting myself",
        "my doctor asked if i have suicidal thoughts, i dont, can i book a follow up",
        "my son swallowed a battery last year, he's fine now, need his well child check",
        "i cant breathe when i see this bill lol",
    ],
)
def test_tester_look_alikes_stay_quiet(rules: SafetyRules, text: str) -> None:
    assert rules.check(text) is None


@pytest.mark.parametrize(
    "text",
    [
        "no one can help me, i want to die",
        "i dont want to live",
        "no thoughts of hurting myself but i want to die",
        "my doctor asked if i have suicidal thoughts, i dont want to live anymore",
        "my doctor asked if i have suicidal thoughts and i do",
        "he's not breathing now",
        "i swallowed a battery",
        "my son swallowed a battery an hour ago he seems fine now",
        "i cut myself on purpose",
        "i can't breathe",
        "my sons dad hits him when hes drunk",
    ],
)
def test_danger_next_to_the_tester_look_alikes_still_fires(rules: SafetyRules, text: str) -> None:
    assert rules.check(text) is not None
