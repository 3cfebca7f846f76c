"""Unit-test set-up: the cross-conversation limit on failed identity checks
(``actions/verify_lockout.py``) gets a fresh store per test, never the one in ``DATA_DIR``."""

from __future__ import annotations

from pathlib import Path

import pytest

from actions import identity
from actions.verify_lockout import VerifyLockout


@pytest.fixture(autouse=True)
def _fresh_verification_lockout(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    made: list[VerifyLockout] = []

    def lockout() -> VerifyLockout:
        if not made:
            made.append(VerifyLockout(tmp_path / "verify_lockout.sqlite3", "unit-lockout-secret"))
        return made[0]

    monkeypatch.setattr(identity, "verification_lockout", lockout)
