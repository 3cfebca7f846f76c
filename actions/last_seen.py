"""Who the patient saw last time, said with "Who would you like to see?".

A parent who has already said who the child is ("Liam Nguyen 6/5/2017") was asked to pick a
clinician with nothing to go on; the clinic knows Liam saw Dr. Okafor. Only for a verified
patient (nothing is revealed before), and only when that clinician is one of the choices.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from actions.clients.fhir_model import FhirError
from actions.clinic_config import ClinicConfig
from actions.formatting import practitioner_name
from actions.patient_match import scheduling_client
from actions.patient_words import subject_of, whose

logger = logging.getLogger(__name__)


def last_seen_line(slots: dict[str, Any], clinic: ClinicConfig, choices: list[str]) -> str | None:
    """ "Liam saw Dr. James Okafor last time." when that clinician is in ``choices`` (ids);
    None for a patient not verified, with no past visit, or with the API not answering."""
    if not (slots.get("verified") and slots.get("patient_id")):
        return None
    try:
        visit = scheduling_client().last_visit(str(slots["patient_id"]))
    except FhirError as exc:  # incl. BackendUnavailable: the question goes on without it
        logger.warning("last visit not looked up: %s", type(exc).__name__)
        return None
    if visit is None or visit.practitioner_id not in choices:
        return None
    who = subject_of(whose(slots, clinic), capital=True)
    seen = practitioner_name(visit.practitioner_id, clinic, visit.practitioner_name)
    return f"{who} saw {seen} last time."


# "yes", "same one", "him please" right after that line: that clinician (it was asked again).
SAME_AGAIN = re.compile(
    r"^\W*(?:(?:yes|yeah|yep|yup|ya|sure|ok|okay)\W*)?(?:please|pls|plz|that one|that'?s fine"
    r"|same|the same|same one|the same one|same (?:doctor|dr|doc|person|provider|again)"
    r"|him|her|them|(?:him|her|them|that one|same|the same|same one) (?:please|pls|plz|again))?"
    r"\W*$",
    re.IGNORECASE,
)
LAST_TIME = re.compile(r" saw (?P<who>.+) last time\.$")


def last_seen_taken(text: str, asked: str, clinic: ClinicConfig) -> str | None:
    """The clinician of ``last_seen_line`` in the question ``asked``, when ``text`` takes them
    ("yes", "same one"); else None."""
    said = LAST_TIME.search(asked or "")
    if said is None or not text.strip() or not SAME_AGAIN.match(text):
        return None
    return next((p.id for p in clinic.practitioners if p.name == said["who"]), None)
