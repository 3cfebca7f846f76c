"""Bike racks and electric-car chargers: asked about as parking, answered from ``clinic.yml``.

"is there a bike rack" got the car park ("Park in the City Garage..."), and "can i charge my
electric car there" got "not something I can help with". Each office's ``bike_parking`` and
``ev_charging`` answer them; an office without the detail sends the patient to its front desk.
"""

from __future__ import annotations

import re

from actions.clinic_config import Location

AMENITIES = {
    # (not "i fell off my bike": a rack, or somewhere to leave it)
    "bike_parking": re.compile(
        r"\b((bike|bicycle|cycle) ?racks?|(park|lock|leave|store|put|bring|chain) (up )?(my|a|"
        r"the|our) (e-?bike|bike|bicycle)s?|(e-?bike|bike|bicycle) (parking|storage|locks?))\b",
        re.IGNORECASE,
    ),
    # (not "a charge on my bill": a car, or a charging point, is named)
    "ev_charging": re.compile(
        r"\b(ev ?charg\w*|evs? (stations?|chargers?)|electric (car|vehicle)s? charg\w*"
        r"|(car|ev|vehicle|tesla) charg(er|ers|ing)|charg(er|ers|ing) (stations?|points?|spots?)"
        r"|charg(e|er|ers|ing) (for )?(my|the|an|a) (electric )?(car|ev|tesla|vehicle)"
        r"|plug in my (car|ev|tesla))\b",
        re.IGNORECASE,
    ),
}
LABEL = {"bike_parking": "Bike parking", "ev_charging": "Electric car charging"}


def amenity_asked(text: str) -> str | None:
    """``bike_parking`` or ``ev_charging`` when the message asks about one, else None."""
    return next((kind for kind, words in AMENITIES.items() if words.search(text or "")), None)


def amenity_text(kind: str, locations: list[Location]) -> str:
    """The detail for each office, or where to ask when ``clinic.yml`` does not have it."""
    lines = []
    for location in locations:
        detail = getattr(location, kind) or (
            f"I don't have that detail; the front desk can tell you at {location.phone}."
        )
        lines.append(f"{LABEL[kind]} at the {location.name}: {detail}")
    return "\n".join(lines)
