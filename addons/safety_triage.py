"""Rasa NLU component: the deterministic safety layer (emergency -> 911, crisis -> 988).

Placed LAST in the NLU pipeline (after DIETClassifier and FallbackClassifier) so that a wrong or
low-confidence intent can never hide an emergency: when the rules in safety/triage.yml fire,
the message's intent becomes ``emergency`` or ``crisis`` with confidence 1.0, and the parse result
gains a ``safety`` property ({"category", "rule_id", "crisis_related"}) that dialogue code reads
from ``tracker.latest_message["safety"]``. With no hit, the message is left as it was, except
that the classifier's own emergency/crisis guess on wording the rules file lists as a
look-alike (``classifier_look_alikes``) gives way to its next guess.

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
    INTENT,
    INTENT_NAME_KEY,
    INTENT_RANKING_KEY,
    PREDICTED_CONFIDENCE_KEY,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message

from addons import paused_safety, typed_buttons
from addons.intent_override import overrule
from addons.paused_safety import SAFETY_KEY
from addons.safety_rules import DEFAULT_RULES_FILE, RulesFileError, SafetyRules, load_rules

logger = logging.getLogger(__name__)

# A paused conversation still gets 911 / 988 when this layer fires (see addons.paused_safety).
paused_safety.install()
# A button's title typed rather than tapped is that button (see addons.typed_buttons).
typed_buttons.install()

SAFETY_INTENTS = ("emergency", "crisis")
FALLBACK_INTENT = "nlu_fallback"

PROJECT_ROOT = Path(__file__).resolve().parent.parent


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
        # unsure_below: the FallbackClassifier's threshold, for an intent taken from the ranking
        return {"rules_file": DEFAULT_RULES_FILE, "unsure_below": 0.45}

    def __init__(self, config: dict[str, Any], rules: SafetyRules) -> None:
        self.component_config = config
        self.rules = rules
        self.unsure_below = float(config.get("unsure_below", 0.45))

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

    def process(self, messages: list[Message]) -> list[Message]:
        """Overrides intent and ranking on a hit; else drops a look-alike guess (if any)."""
        for message in messages:
            text = message.get(TEXT)
            if not isinstance(text, str) or not text.strip():
                continue
            hit = self.rules.check(text)
            if hit is None:
                self._second_look(message, text)
                continue
            overrule(message, hit.category, keep_ranking=True)
            message.set(SAFETY_KEY, hit.as_output(), add_to_output=True)
            # The rule id only: the message text may contain health information.
            logger.info("Safety triage fired: %s (rule %s)", hit.category, hit.rule_id)
        return messages
