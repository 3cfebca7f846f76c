"""The action server: custom actions of the clinic assistant (one module per skill).

``clinic.yml`` is validated as soon as this package is imported, so ``rasa run actions`` with a
bad file stops at once (non-zero exit) with a message that names the field, instead of failing
later in front of a patient.
"""

from __future__ import annotations

import sys


def _validate_clinic_file() -> None:
    from actions.clinic_config import ClinicConfigError
    from actions.settings import get_clinic

    try:
        get_clinic()
    except ClinicConfigError as exc:
        sys.stderr.write(f"clinic.yml is not valid, so the assistant cannot start:\n  {exc}\n")
        sys.stderr.flush()
        raise SystemExit(2) from None


_validate_clinic_file()
