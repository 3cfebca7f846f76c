""" "What can you do?": what the assistant helps with, asked of the assistant itself.

The model read "what can you do" as a balance (0.77: "What is the patient's full name?"), "what
are you able to do" as the opening hours and "menu" as a stop. ``addons/follow_up_guard.py``
reads such a question as ``out_of_scope``, and ``action_out_of_scope`` answers it with what the
assistant does (``utter_what_i_can_do``), with a button for each.
"""

from __future__ import annotations

import re

CAPABILITIES_ASKED = re.compile(
    r"^\W*(?:(?:ok|okay|so|and|hi|hey|hello|um|umm|well)\W+)*(?:"
    r"what (?:else )?(?:can|could) (?:you|u|ya|this|this (?:bot|chat|thing)) (?:do|help (?:me )?"
    r"with)(?: for me)?(?: here)?"
    r"|what (?:are|r) (?:you|u) (?:able to do|able to help with|for)"
    r"|what (?:kind of|sort of) (?:things|stuff|questions) can (?:you|u|i) (?:do|help with|ask)"
    r"(?: you)?"
    r"|what can i (?:ask|do) (?:you|here)"
    r"|(?:show me )?(?:the )?(?:main )?menu(?: please| pls)?"
    r"|(?:what are )?(?:the|my) options"
    r")\W*$",
    re.IGNORECASE,
)


def asks_what_i_can_do(text: str | None) -> bool:
    """Whether the message only asks what the assistant can do."""
    return bool(text and CAPABILITIES_ASKED.search(text.replace("\u2019", "'")))
