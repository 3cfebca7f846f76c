"""The offices side by side: "what's the difference between the two offices?".

Both addresses came back with "Which office are you heading to?", which the patient was asking
us. Each office now gets one short paragraph from ``clinic.yml``: where it is, when it is open,
who works there on which days, and where to park, with a button for each office's directions.
"""

from __future__ import annotations

import re

from actions.clinic_config import ClinicConfig, Practitioner
from actions.clinician_days import days_phrase, short_name
from actions.office_answers import topic_payload
from actions.office_hours import weekly_hours

# "what's the difference between the offices", "which office should i go to", "compare your
# locations", "which location is better"
OFFICES_COMPARED = re.compile(
    r"\b(difference|differences|different) between (the |your |ur )?(two |2 |both )?"
    r"(offices|locations|clinics|sites)\b"
    r"|\bcompare (the |your |ur )?(two |2 |both )?(offices|locations|clinics)\b"
    r"|\bwhich (office|location|clinic) (should|do you recommend|would you recommend|is better|"
    r"is best|do i go to|should i go to)\b"
)


def offices_compared_asked(text: str) -> bool:
    """Whether the message asks how the offices differ, or which to choose."""
    return bool(OFFICES_COMPARED.search(text or ""))


def offices_overview(clinic: ClinicConfig) -> str:
    """One paragraph per office: address, hours, clinicians and their days there, parking."""
    paragraphs = []
    for location in clinic.locations:
        who = [
            f"{short_name(p)}{_limit(p)}: {_days(p.schedule[location.id])}"
            for p in clinic.practitioners
            if p.schedule.get(location.id)
        ]
        lines = [
            f"{location.name}, {location.address.line}",
            f"Open: {weekly_hours(location)}",
        ]
        if who:
            lines.append(f"Clinicians: {'; '.join(who)}")
        if location.parking:
            lines.append(f"Parking: {location.parking}")
        paragraphs.append("\n".join(lines))
    return "\n\n".join(paragraphs) + "\n\nYou can book at either office here."


def _days(days: list[str]) -> str:
    """``Mondays, Wednesdays and Fridays``, ``Monday to Saturday`` (no "on"/"from")."""
    return re.sub(r"^(on|from) ", "", days_phrase(days))


def _limit(practitioner: Practitioner) -> str:
    """Whom a clinician sees, when not everyone: " (under 18 only)", " (women only)"."""
    if practitioner.sees_patients_under:
        return f" (under {practitioner.sees_patients_under} only)"
    if practitioner.sees_women_only:
        return " (women only)"
    return ""


def overview_buttons(clinic: ClinicConfig) -> list[dict[str, str]]:
    """A button with each office's directions."""
    return [
        {
            "title": f"{location.name} directions",
            "payload": topic_payload("directions", location.id),
        }
        for location in clinic.locations
    ]
