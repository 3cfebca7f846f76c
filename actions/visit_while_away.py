"""A sick visit offered beside a medical question asked while staff are away.

"my son has had a fever of 103 for two days, should i bring him in" went to the nurses (right:
no advice here) with "Someone will reply here tomorrow at 8am", and not a word about the visit
the parent asked about; a "yes" to one was then saved for staff. While staff are away the
assistant still books (actions/handoff_withdrawal.py), so it says so, and a yes to that offer
starts the booking; the question stays in the nurses' queue.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from actions.clinic_config import ClinicConfig
from actions.formatting import a_or_an
from actions.relatives import relation_in

# Whether to be seen is asked: "should i bring him in", "do i need to be seen", "should we
# come in", "is it worth bringing her in" (not "can you tell me if this is normal").
SEEN_ASKED = re.compile(
    r"\b(should|do|does|shall|would|can|could) (i|we|he|she|they|my \w+) (need to |have to )?"
    r"(bring|take) (him|her|them|my \w+|\w+) (in|to (the doctor|a doctor|the clinic|you))\b"
    r"|\b(should|do|does|shall) (i|we|he|she|they|my \w+) (need to |have to )?(come in|be seen|"
    r"get seen|see (a|the) (doctor|dr|nurse)|see someone|get (it |this |him |her |them )?"
    r"checked( out)?|make an (appointment|appt)|book (a |an )?(visit|appointment|appt))\b"
    r"|\b(needs?|need to be|needs to be) seen\b"
    r"|\bworth (coming in|bringing (him|her|them|my \w+) in|being seen|getting (it )?checked)\b",
    re.IGNORECASE,
)
# The offer ends so; a yes to the message that ends so takes it.
OFFER_END = "just reply yes."
YES = re.compile(
    r"^\W*(yes|yeah|yea|yep|yup|ya|sure|ok|okay|k|please|please do|yes please|yes pls|"
    r"ok please|do it|book it|yes book it|that would be great|sounds good)\W*$",
    re.IGNORECASE,
)


def visit_offer(text: str, clinic: ClinicConfig, now: datetime) -> str | None:
    """The offer said after a medical question handed to the nurses, when it asks whether to
    be seen and staff are away (during their hours, they answer it); else None."""
    visit = clinic.new_problem_visit()
    if visit is None or clinic.staff_available(now) or not SEEN_ASKED.search(text or ""):
        return None
    relation = relation_in(text)
    who = f"your {relation} to be seen" if relation else "to be seen"
    return (
        f"If you'd like {who}, I can book {a_or_an(visit.name)} for you right here while you "
        f"wait for the nurses: {OFFER_END}"
    )


def yes_to_visit_offer(
    text: str | None, events: Iterable[dict[str, Any]], clinic: ClinicConfig
) -> dict[str, str] | None:
    """A yes right after the offer, as the booking it takes (``{"intent": "book_appointment",
    "text": "book a sick visit for my son"}``); else None."""
    visit = clinic.new_problem_visit()
    if visit is None or not YES.search(text or ""):
        return None
    said = list(events)
    bots = [i for i, e in enumerate(said) if e.get("event") == "bot"]
    if not bots or not str(said[bots[-1]].get("text") or "").endswith(OFFER_END):
        return None
    # (the yes itself is the latest user message; the question came before the offer)
    asked = next(
        (str(e.get("text") or "") for e in reversed(said[: bots[-1]]) if e.get("event") == "user"),
        "",
    )
    relation = relation_in(asked)
    whom = f" for my {relation}" if relation else ""
    return {"intent": "book_appointment", "text": f"book {a_or_an(visit.name)}{whom}"}
