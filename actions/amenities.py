"""Bike racks, electric-car chargers, what is inside an office (restrooms, a baby-changing
table, Wi-Fi, a room to nurse) and the nearest pharmacy: asked about as parking, answered from
``clinic.yml``.

"is there a bike rack" got the car park ("Park in the City Garage..."), and "can i charge my
electric car there" got "not something I can help with"; "is there a place to change my baby"
asked for the patient's name (read as a move), "is there wifi in the waiting room" got the
visitor policy, "is there a pharmacy nearby" an office's whole directions. Each office's
``bike_parking``, ``ev_charging``, ``facilities`` and ``pharmacy`` answer them; an office
without the detail sends the patient to its front desk.
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
    # (not "can i change my baby's appointment", nor "do i need to use the bathroom before")
    "facilities": re.compile(
        # (not "my wifi keeps dropping", nor the password "at starbucks")
        r"\b(is there|do you have|do u have|do you guys have|you have|you got|any|free|guest|"
        r"public) (free |guest |public )?(wi-?fi|wireless|internet)\b"
        r"|\b(wi-?fi|internet) (in|at) (the|your) (waiting room|office|clinic|lobby|building)\b"
        r"|\b(the|your|ur) wi-?fi\b(?!( password)? at\b)"
        r"|\b(changing (table|station|area)s?|baby changing|(change|changing) (a |my |the |your "
        r"|our )?(baby|infant|toddler|diapers?|nappy|nappies)\b(?!'|\s*(s|appointment|appt|"
        r"visit|checkup|check-up|booking|time)\b))"
        r"|\b(nursing|lactation|breastfeeding|pumping) (room|area|space|station)s?\b"
        r"|\b(place|room|somewhere) to (nurse|breastfeed|breast feed|pump)\b"
        r"|\b(water fountains?|drinking fountains?|water coolers?|vending machines?|snack "
        r"machines?)\b"
        # "where can i get lunch near downtown" (the offices' addresses): what is in the building
        r"|\bwhere (can|could|do|should) (i|we) (get|grab|buy|find) (some |a )?(lunch|food|"
        r"breakfast|coffee|snacks?|something to eat|a bite)\b"
        r"|\b(somewhere|anywhere|any place|a place) (to|i can|we can) (eat|get (food|lunch|"
        r"coffee))\b"
        r"|\b(is there|are there|do you have|any) (a |an )?(cafe|café|cafeteria|coffee shop|"
        r"restaurants?|food|snacks?)\b"
        r"|\b(is there|are there|do you have|do u have|do you guys have|you got|where(?:'?s| is|"
        r" are)?|any) (a |an |the |public )?(bathroom|restroom|toilet|washroom|lavatory)s?\b"
        r"|\b(bathroom|restroom|toilet)s? (there|in the (building|waiting room|clinic|office|"
        r"lobby)|at (the|your) (office|clinic))\b",
        re.IGNORECASE,
    ),
    # "is there a pharmacy nearby" got the North Office's whole directions (not "can you send
    # my prescription to the pharmacy", nor "call my pharmacy")
    "pharmacy": re.compile(
        r"\b(is there|are there|do you have|do u have|do you guys have|you have|any|where(?:'?s|"
        r" is| are)?|nearest|closest) (a |an |the |any )?(nearest |closest |nearby |good )?"
        r"(pharmacy|pharmacies|drug ?stores?|chemist)\b"
        r"|\b(pharmacy|pharmacies|drug ?stores?) (nearby|near ?by|close by|close to (you|there|"
        r"the (clinic|office))|near (you|there|the (clinic|office))|in the building|on ?site|"
        r"next door|downstairs)\b",
        re.IGNORECASE,
    ),
}
LABEL = {
    "bike_parking": "Bike parking",
    "ev_charging": "Electric car charging",
    "facilities": "Facilities",
    "pharmacy": "Pharmacy",
}
# "are the restrooms wheelchair accessible": the accessibility answer says it.
ACCESSIBILITY = re.compile(r"\b(accessib\w*|wheelchairs?|walkers?|handicap\w*|ada)\b", re.I)


def amenity_asked(text: str) -> str | None:
    """``bike_parking``, ``ev_charging``, ``facilities`` or ``pharmacy`` when the message asks
    about one, else None."""
    kind = next((kind for kind, words in AMENITIES.items() if words.search(text or "")), None)
    if kind == "facilities" and ACCESSIBILITY.search(text or ""):
        return None
    return kind


def amenity_text(kind: str, locations: list[Location]) -> str:
    """The detail for each office, or where to ask when ``clinic.yml`` does not have it."""
    lines = []
    for location in locations:
        detail = getattr(location, kind) or (
            f"I don't have that detail; the front desk can tell you at {location.phone}."
        )
        lines.append(f"{LABEL[kind]} at the {location.name}: {detail}")
    return "\n".join(lines)
