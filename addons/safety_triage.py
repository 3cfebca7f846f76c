"""Rasa NLU component: the deterministic safety layer (emergency -> 911, crisis -> 988).

Placed LAST in the NLU pipeline (after DIETClassifier and FallbackClassifier) so that a wrong or
low-confidence intent can never hide an emergency: when the rules in safety/triage.yml fire,
the message's intent becomes ``emergency`` or ``crisis`` with confidence 1.0, and the parse result
gains a ``safety`` property ({"category", "rule_id", "crisis_related"}) that dialogue code reads
from ``tracker.latest_message["safety"]``. With no hit, the message is left as it was, except
that the classifier's own emergency/crisis guess on wording the rules file lists as a
look-alike (``classifier_look_alikes``) gives way to its next guess, and a guess of its own
below ``sure_from`` (no rule fired) is marked ``safety_check`` and handed to the fallback, which
checks in with 911 / 988 instead of pausing the chat ("I do not use computers much" was read as
a crisis at 0.47: 988, and a silent chat until morning, for an elderly patient).

Not trainable: the rules file is read when the model is loaded (server start), so clinical staff
edits need a restart, never a retrain. See docs/safety.md.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.shared.nlu.constants import (
    ENTITIES,
    INTENT,
    INTENT_NAME_KEY,
    INTENT_RANKING_KEY,
    PREDICTED_CONFIDENCE_KEY,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message

from addons import clarified_words, paused_safety, typed_buttons, waiting_reply
from addons.intent_override import overrule
from addons.paused_safety import SAFETY_KEY
from addons.safety_rules import (
    DEFAULT_RULES_FILE,
    SAFETY_RULE_ENTITY,
    RulesFileError,
    SafetyRules,
    load_rules,
)

logger = logging.getLogger(__name__)

# A paused conversation still gets 911 / 988 when this layer fires (see addons.paused_safety).
paused_safety.install()
# ...and every other message there gets a short "your message reached staff" (addons.waiting_reply).
waiting_reply.install()
# A button's title typed rather than tapped is that button (see addons.typed_buttons).
typed_buttons.install()
# A request confirmed at "Did you mean …?" keeps the patient's words (addons.clarified_words).
clarified_words.install()

SAFETY_INTENTS = ("emergency", "crisis")
FALLBACK_INTENT = "nlu_fallback"
# Parse-data key: the classifier alone guessed an emergency or a crisis, unsure (the category).
SAFETY_CHECK_KEY = "safety_check"

PROJECT_ROOT = Path(__file__).resolve().parent.parent

# Rules whose first reply is a variation of its own (``utter_crisis`` when someone is hurting the
# patient: the domestic violence line with 911 and 988). The rule id reaches the response as the
# ``safety_rule`` entity, whose slot the variation's condition reads: the reply stays a plain
# response, sent even when the action server is down.
OWN_REPLY_RULES = ("abuse_violence", "child_abuse_neglect")


def resolve_rules_path(configured: str | Path) -> Path:
    """Absolute paths as given; relative ones from the working directory, else the project root.

    Rasa is normally started from the project root, but tests and tools may run elsewhere.
    """
    path = Path(configured)
    if path.is_absolute() or path.exists():
        return path
    return PROJECT_ROOT / path


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class SafetyTriage(GraphComponent, IntentClassifier):
    """Overrides the intent with emergency/crisis when the safety rules fire."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        # unsure_below: the FallbackClassifier's threshold, for an intent taken from the ranking;
        # sure_from: a classifier-only emergency/crisis guess below it gets a check-in instead.
        return {"rules_file": DEFAULT_RULES_FILE, "unsure_below": 0.45, "sure_from": 0.8}

    def __init__(self, config: dict[str, Any], rules: SafetyRules) -> None:
        self.component_config = config
        self.rules = rules
        self.unsure_below = float(config.get("unsure_below", 0.45))
        self.sure_from = float(config.get("sure_from", 0.8))

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> SafetyTriage:
        """Loads the rules file now, so a malformed file stops the server at start-up."""
        path = resolve_rules_path(config.get("rules_file") or DEFAULT_RULES_FILE)
        try:
            rules = load_rules(path)
        except RulesFileError as exc:
            logger.error("Safety triage rules could not be loaded: %s", exc)
            raise
        logger.info("Safety triage: %d rules loaded from %s", len(rules.rules), path)
        return cls(config, rules)

    @classmethod
    def fingerprint_addon(cls, config: dict[str, Any]) -> str | None:
        """Nothing extra: the rules file is read at load time and is not part of the model,
        so editing it must not make Rasa think the model needs retraining."""
        return None

    def _second_look(self, message: Message, text: str) -> None:
        """No rule fired, the classifier guessed emergency or crisis, and the wording is one
        of the file's ``classifier_look_alikes`` ("how much is the stroke screening?"): the
        guess is dropped for the classifier's next intent, or the fallback when that one is
        unsure, so a routine question does not get 911 and a paused chat."""
        intent = (message.get(INTENT) or {}).get(INTENT_NAME_KEY)
        if intent not in SAFETY_INTENTS or not self.rules.classifier_look_alike(text):
            return
        ranking = [
            entry
            for entry in message.get(INTENT_RANKING_KEY) or []
            if entry.get(INTENT_NAME_KEY) not in (*SAFETY_INTENTS, FALLBACK_INTENT)
        ]
        best = ranking[0] if ranking else None
        if best is None or best.get(PREDICTED_CONFIDENCE_KEY, 0.0) < self.unsure_below:
            name, confidence = FALLBACK_INTENT, self.unsure_below
        else:
            name, confidence = best[INTENT_NAME_KEY], best[PREDICTED_CONFIDENCE_KEY]
        chosen = {INTENT_NAME_KEY: name, PREDICTED_CONFIDENCE_KEY: confidence}
        message.set(INTENT, chosen, add_to_output=True)
        others = [entry for entry in ranking if entry.get(INTENT_NAME_KEY) != name]
        message.set(INTENT_RANKING_KEY, [dict(chosen), *others], add_to_output=True)
        logger.info("Safety triage: the classifier's %s guess is a known look-alike", intent)

    def _unsure_guess(self, message: Message) -> None:
        """No rule fired, and the classifier's emergency or crisis guess (its intent, or the top
        of the ranking behind ``nlu_fallback``) is under ``sure_from``: marked for a check-in
        ("if you are in crisis, call or text 988 ..."), as an unclear message, not a handoff.
        A surer guess still escalates as before: the second net."""
        intent = message.get(INTENT) or {}
        name = intent.get(INTENT_NAME_KEY)
        confidence = float(intent.get(PREDICTED_CONFIDENCE_KEY) or 0.0)
        if self.rules.classifier_look_alike(message.get(TEXT)):
            # "ugh this is so confusing" behind the fallback: no check-in with 911 either
            return
        if name == FALLBACK_INTENT:
            ranking = [
                entry
                for entry in message.get(INTENT_RANKING_KEY) or []
                if entry.get(INTENT_NAME_KEY) != FALLBACK_INTENT
            ]
            if not ranking or ranking[0].get(INTENT_NAME_KEY) not in SAFETY_INTENTS:
                return
            guess = ranking[0][INTENT_NAME_KEY]
        elif name in SAFETY_INTENTS and confidence < self.sure_from:
            guess = name
            message.set(
                INTENT,
                {INTENT_NAME_KEY: FALLBACK_INTENT, PREDICTED_CONFIDENCE_KEY: confidence},
                add_to_output=True,
            )
        else:
            return
        message.set(SAFETY_CHECK_KEY, {"category": guess}, add_to_output=True)
        logger.info("Safety triage: the classifier alone guessed %s, unsure; a check-in", guess)

    def process(self, messages: list[Message]) -> list[Message]:
        """Overrides intent and ranking on a hit; else drops a look-alike guess (if any)."""
        for message in messages:
            text = message.get(TEXT)
            if not isinstance(text, str) or not text.strip():
                continue
            # "my boyfriend hits me and i dont want to live anymore": the reply made for someone
            # hurting them (it has 988 too), and staff's note not to call
            hit = self.rules.decide(self.rules.matches(text), prefer=OWN_REPLY_RULES)
            if hit is None:
                self._second_look(message, text)
                self._unsure_guess(message)
                continue
            overrule(message, hit.category, keep_ranking=True)
            message.set(SAFETY_KEY, hit.as_output(), add_to_output=True)
            if hit.rule_id in OWN_REPLY_RULES:
                mark_rule(message, text, hit.rule_id)
            # The rule id only: the message text may contain health information.
            logger.info("Safety triage fired: %s (rule %s)", hit.category, hit.rule_id)
        return messages


def mark_rule(message: Message, text: str, rule_id: str) -> None:
    """The rule that fired, as an entity over the whole message (see ``OWN_REPLY_RULES``)."""
    entity = {
        "entity": SAFETY_RULE_ENTITY,
        "value": rule_id,
        "start": 0,
        "end": len(text),
        "extractor": "SafetyTriage",
    }
    others = [e for e in message.get(ENTITIES) or [] if e.get("entity") != SAFETY_RULE_ENTITY]
    message.set(ENTITIES, [*others, entity], add_to_output=True)
