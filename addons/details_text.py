"""A message that is only a name and a date of birth, as text rules (no Rasa imports, so the
action server can use them too: :mod:`actions.insurance`)."""

from __future__ import annotations

import re

_FILLER = re.compile(
    r"\b(hi|hello|hey|hiya|good (morning|afternoon|evening)|hola|buenos dias|buenas tardes|"
    r"this is|it is|it's|its|i'm|im|i am|my name is|my name's|name is|name|me llamo|soy|"
    r"here|dob|d\.o\.b\.?|born( on)?|date of birth|birth ?date|birthday|fecha de nacimiento|"
    r"and|for|patient)\b",
    re.IGNORECASE,
)
_DATE = re.compile(r"\b\d{1,2}[/.\-]\d{1,2}[/.\-](\d{4}|\d{2})\b")
_NAME_WORD = re.compile(r"^[^\W\d_][\w'’.-]*$")
# Words that make it a request, not a name ("Emily Johnson 04/12/1988 balance").
_REQUEST_WORDS = {
    "balance",
    "bill",
    "bills",
    "owe",
    "pay",
    "appointment",
    "appointments",
    "appt",
    "appts",
    "book",
    "cancel",
    "reschedule",
    "move",
    "change",
    "when",
    "where",
    "what",
    "how",
    "why",
    "can",
    "could",
    "need",
    "want",
    "please",
    "pls",
    "park",
    "parking",
    "help",
    "check",
    "visit",
    "insurance",
    "address",
    "hours",
    "open",
    "my",
    "is",
    "the",
    "a",
    "to",
    "directions",
    "billing",
    "office",
    "clinic",
    "downtown",
    "north",
    "dr",
    "doctor",
    "yes",
    "no",
    "thanks",
    "thank",
    "ok",
    "okay",
    "physical",
    "checkup",
    "sick",
    "today",
    "tomorrow",
}


def only_name_and_birth_date(text: str) -> bool:
    """Whether the message is a name and a date of birth and nothing more, or a name alone
    written as one ("Emily Johnson": every word capitalised)."""
    dated = bool(_DATE.search(text or ""))
    rest = _FILLER.sub(" ", _DATE.sub(" ", text or ""))
    words = [w for w in re.split(r"[\s,;:!?()]+", rest) if w.strip(".-")]
    if not dated and not (2 <= len(words) <= 3 and all(w[:1].isupper() for w in words)):
        return False
    return (
        2 <= len(words) <= 4
        and all(_NAME_WORD.match(w) for w in words)
        and not any(w.lower().strip(".") in _REQUEST_WORDS for w in words)
    )


def name_with_birth_date(text: str) -> bool:
    """A name and a date of birth and nothing more (not a name alone: "Kaiser Permanente" is
    written like one)."""
    return bool(_DATE.search(text or "")) and only_name_and_birth_date(text)
