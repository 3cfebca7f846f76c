"""A place the patient names instead of an office: "which office is closer to Elk Grove?".

Both offices' full directions came back, and the patient had to work out which was nearer.
Each office's ``nearby`` list in ``clinic.yml`` names the places (and ZIP codes) it is the closer
one for.
"""

from __future__ import annotations

from actions.clinic_config import ClinicConfig, Location
from actions.matching import longest_named


def nearer_office(text: str, clinic: ClinicConfig) -> tuple[Location, str] | None:
    """The office a place named in ``text`` is closer to, with the place as written in
    ``clinic.yml``; the longest name wins ("West Sacramento", not "Sacramento")."""
    places = [(place, (loc, place)) for loc in clinic.locations for place in loc.nearby]
    return longest_named(text, places)  # type: ignore[return-value]


def nearer_note(location: Location, place: str) -> str:
    """ "From Elk Grove, the Downtown Clinic is the closer of our offices." ("From ZIP code
    95835, ..." for a ZIP code.)"""
    where = f"ZIP code {place}" if place.isdigit() else place
    return f"From {where}, the {location.name} is the closer of our offices."
