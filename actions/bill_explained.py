"""A bill the patient does not understand is explained before anyone is asked to look at it.

"I got a bill and I don't understand it" was filed for billing staff as a dispute and the chat
paused (after hours: "someone will reply tomorrow"), though what the bill is made of is on the
account. Said without any claim that something is wrong, it is the balance question instead:
identity first, then each open statement by name (actions/billing.py) with a "Something's not
right" button that leads back to the dispute, and billing staff's number.
"""

from __future__ import annotations

import re

from rasa_sdk import Tracker
from rasa_sdk.events import EventType

from actions.matching import normalise
from actions.second_request import replay_as
from actions.tracker_reading import last_event, latest_text

# "we don't understand it", "i'm confused about my statement", "can you explain my bill",
# "what is this bill": the bill not understood (the text normalised: "don t").
NOT_UNDERSTOOD = re.compile(
    # ("my husband got a bill he doesnt understand": filed for staff, the chat paused)
    r"\b(?:don t|dont|do not|doesn t|doesnt|does not|can t|cant|cannot|didn t|didnt|not) "
    r"(?:really |quite |even )?"
    r"(?:understand|figure out|make sense of|follow)\b"
    r"|\bconfus(?:ed|ing|es)\b|\bmakes? no sense\b|\b(?:doesn t|doesnt|does not) make sense\b"
    r"|\b(?:not sure|idk|no idea|don t know|dont know) what (?:its|(?:it|this|that|they|the \w+)"
    r"(?: is| are| was| were| s)?) for\b"
    r"|\bexplain (?:my|the|this|that|our|his|her|these|those) (?:bill|statement|charge|invoice)s?\b"
    r"|\bhelp (?:me |us )?understand\b"
    r"|\bwhat (?:is|s) (?:this|that) (?:bill|statement|invoice)\b"
    # "why was i charged 240 dollars", "what was i billed for": what the charge is (it paused
    # for billing staff, though the account names each statement)
    r"|\bwhy (?:was|am|were|did|do|does|is|has|have) (?:i|we|he|she|they|my \w+) "
    r"(?:been |being |getting |get |got )?(?:charged|billed)\b"
    r"|\bwhat (?:was|am|were|is|did) (?:i|we|he|she|they|my \w+) "
    r"(?:been |being |get |got )?(?:charged|billed) for\b"
)
# ...but not when something is said to be wrong ("i don't understand why i was charged twice"),
# nor a person asked for ("can someone explain my bill"): those are for billing staff.
SOMETHING_WRONG = re.compile(
    r"\b(?:twice|double|never|wrong|incorrect|mistake|error|shouldn t|shouldnt|should not|"
    r"denied|deny|rejected|refund\w*|overcharg\w*|already paid|paid (?:it|that|this|already)|"
    r"covered|cover it|free|not mine|wasn t|wasnt|didn t (?:go|have|get|see)|too (?:much|high)|"
    r"so (?:much|high)|dispute\w*|unfair|someone|somebody|person|human|staff|call me|talk to|"
    r"speak to|collections?|again)\b"
)


def bill_not_understood(text: str) -> bool:
    """Whether the message says only that a bill is not understood."""
    said = normalise(text)
    return bool(NOT_UNDERSTOOD.search(said)) and not SOMETHING_WRONG.search(said)


def as_bill_explained(tracker: Tracker, details: str) -> list[EventType] | None:
    """The latest message again as the balance question when the dispute's account (the first
    message or the answer to "what happened?") says only that the bill is not understood; None
    otherwise."""
    if not bill_not_understood(details) or not bill_not_understood(latest_text(tracker)):
        return None
    return replay_as(tracker, last_event(tracker.events, "user"), "billing_balance")
