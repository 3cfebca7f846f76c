"""Every line of the training data is read as written: Rasa skips a malformed example with only
a warning (a ``# comment`` inside an ``examples: |`` block is one), which no later step reports."""

from __future__ import annotations

import warnings
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
NLU_FILES = sorted((ROOT / "data" / "nlu").glob("*.yml"))


@pytest.mark.parametrize("path", NLU_FILES, ids=lambda p: p.name)
def test_nlu_file_reads_without_warnings(path: Path) -> None:
    from rasa.shared.nlu.training_data.formats.rasa_yaml import RasaYAMLReader

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        data = RasaYAMLReader().read(path)
    problems = [str(w.message) for w in caught if w.category is UserWarning]
    assert not problems, "\n".join(problems)
    assert data.training_examples or data.lookup_tables


def test_no_name_is_defined_twice_across_the_domain_files() -> None:
    """Rasa merges ``domain/*.yml`` silently: a response, slot or form defined in two files is
    one of them, unsaid (a new ``utter_sorry_for_loss`` replaced the cancellation's own)."""
    import yaml

    seen: dict[tuple[str, str], str] = {}
    twice = []
    for path in sorted((ROOT / "domain").glob("*.yml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for section in ("responses", "slots", "forms"):
            for name in data.get(section) or {}:
                where = seen.setdefault((section, name), path.name)
                if where != path.name:
                    twice.append(f"{section}.{name}: {where} and {path.name}")
    assert not twice, "\n".join(twice)
