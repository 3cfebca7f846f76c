"""Canned replies: common answers staff insert and edit before sending.

They live in a YAML file the clinic edits (``CONSOLE_CANNED_REPLIES``, default
``console/canned_replies.yml``) and are re-read when the file changes. ``{main_phone}`` and the
other placeholders below are filled from ``clinic.yml``.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import yaml

from actions.clinic_config import ClinicConfig

logger = logging.getLogger(__name__)


class _Keep(dict):  # type: ignore[type-arg]
    """Leaves unknown ``{placeholders}`` as they are instead of failing."""

    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def placeholders(clinic: ClinicConfig) -> dict[str, str]:
    info = clinic.clinic
    return {
        "clinic_name": info.name,
        "main_phone": info.main_phone,
        "billing_phone": clinic.billing.phone,
        "emergency_number": info.emergency_number,
        "crisis_line": info.crisis_line,
        "payment_portal": clinic.billing.portal_url,
        "website": info.website,
    }


def load_canned_replies(path: Path, clinic: ClinicConfig) -> list[dict[str, str]]:
    """``[{"title", "text"}]`` from the file; an unreadable file gives none (and a warning)."""
    try:
        raw: Any = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        logger.warning("canned replies not loaded from %s: %s", path, type(exc).__name__)
        return []
    values = _Keep(placeholders(clinic))
    out = []
    for entry in raw.get("replies") or []:
        if not isinstance(entry, dict) or not entry.get("title") or not entry.get("text"):
            continue
        text = " ".join(str(entry["text"]).split())
        out.append({"title": str(entry["title"]), "text": text.format_map(values)})
    return out
