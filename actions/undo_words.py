"""One vocabulary for "undo what you just did", shared by the NLU guard (a misread undo becomes
a stop), the stop after a cancellation (it stands: a new time is offered) and the stop after a
move (the move back starts). Three lists of the same words had drifted apart."""

from __future__ import annotations

import re

# "undo that", "change it back", "i didnt mean to cancel", "can i get my appointment back".
_UNDO = (
    r"\bundo\b|\bun-?cancel"
    r"|\b(change|put|move|switch|set) (it|that) back\b"
    # "can you put the physical back" (not "put my appt back a week", a move)
    r"|\b(change|put|switch|set) (the|my) \w+( \w+)? back\b"
    r"(?!\s+(a|an|one|two|three|\d+|by|to|till|until|an?other)\b)"
    r"|\b(want|get|have) (it|that|my (appointment|appt|visit|booking|slot|time)) back\b"
    r"|\b(didn'?t|did not|never|dont|don'?t) (want|mean|meant) (to|it|that)\b.{0,15}\bcancel"
    r"|\btake (that|it) back\b|\breinstate\b|\brestore\b"
)
UNDO_A_CHANGE = re.compile(_UNDO, re.IGNORECASE)

# After a cancellation, also "wait no i didnt mean that, keep it!!".
UNDO_A_CANCEL = re.compile(
    _UNDO + r"|\bkeep (it|that|my (appointment|appt))\b|\b(didn'?t|did not|never) mean"
    r"|\bnever meant\b",
    re.IGNORECASE,
)

# "wait no i didn't mean that": taken back, whatever "that" was, for the NLU guard when the
# model read a complaint or nothing (not "keep it", which also answers "Should I move it?").
DIDNT_MEAN_THAT = re.compile(
    r"\b(?:didn'?t|didnt|did not|never) mean(?:t)? (?:that|it|to do that|to)\b", re.IGNORECASE
)

# After a move, also "put my appt back", "go back", "the original time".
UNDO_A_MOVE = re.compile(
    _UNDO + r"|\b(put|move|change|switch|set|go) (it |that |this |my \w+ )?back\b"
    r"|\b(original|old|previous|earlier|first) (time|day|slot|one)\b",
    re.IGNORECASE,
)


def said_undo(pattern: re.Pattern[str], text: str) -> bool:
    """Whether the text says it (curly apostrophes as typed on phones read as straight)."""
    return bool(pattern.search(text.replace("\u2019", "'")))
