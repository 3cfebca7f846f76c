"""What a kind of visit is, asked before or while booking one.

"whats the difference between a physical and a well woman exam" started a booking ("Happy to
help you book. Have you been seen here before?") with the question unanswered, and the
physical taken as the visit; asked outside a booking ("what does a physical include", "what is
a follow up visit") it got the opening hours or the insurance plans. Each visit type named gets
its ``about`` line from clinic.yml (what the visit is for, in plain words, no advice); with two
or more named in a booking, which one is asked with the buttons; outside one, a button books
each (addons/services_guard.py reads such a question as ``out_of_scope``).
"""

from __future__ import annotations

import re

from rasa_sdk.executor import CollectingDispatcher

from actions.clinic_config import ClinicConfig, VisitType
from actions.formatting import a_or_an
from actions.matching import normalise

# Asked what the visits named are ("difference between", "what does a physical include").
VISIT_EXPLAINED = re.compile(
    r"\b(?:difference between|what(?:s| s| is)? the difference|"
    r"what (?:does|do|is|s) (?:a|an|the) (?:\w+ ){1,4}(?:include|involve|cover|consist)|"
    r"what (?:is|s) (?:included|involved|done) (?:in|at|during)|"
    r"what happens (?:at|in|during) (?:a|an|the))\b"
)
# "what's a well child visit": the visit right after it only ("what is a good time to book a
# physical" asks nothing about the physical).
WHAT_IS = re.compile(r"\bwhat(?: is| s|s)? (?:a|an) ")  # ("what's" is "what" once normalised)


def visits_explained(text: str, clinic: ClinicConfig) -> list[VisitType]:
    """The visit types a message asks about ("what's the difference between a physical and a
    well woman exam"), in the order named; none when it asks what none of them is."""
    plain = normalise(text)
    asked = VISIT_EXPLAINED.search(plain)
    what_is = {m.end() for m in WHAT_IS.finditer(plain)}
    if not asked and not what_is:
        return []
    words = [
        (normalise(alias), visit)
        for visit in clinic.visit_types
        if visit.about
        for alias in {visit.id.replace("_", " "), visit.name, *visit.aliases}
    ]
    found: dict[str, tuple[int, VisitType]] = {}
    for alias, visit in sorted(words, key=lambda item: len(item[0]), reverse=True):
        match = re.search(rf"\b{re.escape(alias)}\b", plain) if alias else None
        if match is None:
            continue
        # ("sports physical" is the well-child visit, not also the annual physical)
        plain = plain[: match.start()] + " " * len(alias) + plain[match.end() :]
        if not asked and match.start() not in what_is:
            continue
        if visit.id not in found or match.start() < found[visit.id][0]:
            found[visit.id] = (match.start(), visit)
    return [visit for _, visit in sorted(found.values(), key=lambda item: item[0])]


def say_visits(dispatcher: CollectingDispatcher, visits: list[VisitType], buttons: bool) -> None:
    """What each visit is, in one message; with ``buttons``, one to book each (asked outside a
    booking: the answer, then the way on)."""
    dispatcher.utter_message(
        text=" ".join(visit.about for visit in visits),
        buttons=[
            {
                "title": f"Book {a_or_an(visit.name)}",
                "payload": f'/book_appointment{{"visit_type": "{visit.id}"}}',
            }
            for visit in visits
        ]
        if buttons
        else [],
    )
