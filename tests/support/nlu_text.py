"""Reading Rasa NLU examples and comparing them loosely, for the checks that evaluation
messages (safety, NLU holdout) never leak into data/nlu; and parsed messages for the tests of
the rule components."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import yaml
from rasa.shared.nlu.training_data.message import Message

# [text](entity) and [text]{"entity": ...}: the annotated text stays.
ENTITY_MARKUP = re.compile(r"\[([^\]]*)\](\([^)]*\)|\{[^}]*\})")


def plain(text: str) -> str:
    """Case-, accent-, punctuation- and entity-markup-insensitive form of a message."""
    text = ENTITY_MARKUP.sub(r"\1", text)
    text = unicodedata.normalize("NFKD", text).casefold()
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = re.sub(r"['\u2019]", "", text)
    return " ".join(re.sub(r"[\W_]+", " ", text).split())


def intent_examples(path: Path) -> list[tuple[str, str]]:
    """(intent, text without entity markup) for every intent example of a Rasa NLU YAML file."""
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    pairs = []
    for block in data.get("nlu") or []:
        if "intent" not in block:
            continue
        for line in str(block.get("examples") or "").splitlines():
            line = line.strip()
            if line.startswith("- "):
                pairs.append((block["intent"], ENTITY_MARKUP.sub(r"\1", line[2:].strip())))
    return pairs


def parsed_message(
    text: str, intent: str, confidence: float, runner_up: str, runner_up_confidence: float
) -> Message:
    """A message as the model left it for the rule components after it: an intent and a
    two-entry ranking."""
    message = Message(data={"text": text})
    message.set("intent", {"name": intent, "confidence": confidence})
    message.set(
        "intent_ranking",
        [
            {"name": intent, "confidence": confidence},
            {"name": runner_up, "confidence": runner_up_confidence},
        ],
    )
    return message
