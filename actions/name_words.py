"""Whether a word said in a message may be a person's name: not a common word ("and
billing?"), a relation ("my son's"), a request verb, a word of clinic.yml ("and north?") nor a
clinician's name.

Kept in one place because the readers of relatives, writers and people asked about by name must
all give "and liam?" and "and north?" the same answer.
"""

from __future__ import annotations

import re

from actions.clients.fhir_model import normalize_name
from actions.names import NOT_NAME_WORDS, WEEKDAY_WORDS
from actions.payment_methods import NAMED_METHODS
from actions.settings import get_clinic

# Words before "'s" that are not a person's name.
OTHER_WORDS = {
    "today",
    "tomorrow",
    "yesterday",
    "week",
    "month",
    "year",
    "last",
    "next",
    "this",
    "that",
    "it",
    "one",
    "husband",
    "wife",
    "spouse",
    "partner",
    "son",
    "daughter",
    "child",
    "kid",
    "baby",
    "boy",
    "girl",
    "mom",
    "mother",
    "mum",
    "mommy",
    "dad",
    "father",
    "daddy",
    "grandma",
    "grandmother",
    "grandpa",
    "grandfather",
    "grandson",
    "granddaughter",
    "brother",
    "sister",
    "other",
    "everyone",
    "everybody",
    "nobody",
    "someone",
    "somebody",
    "he",
    "she",
    "there",
    "here",
    "let",
    "what",
    "who",
    "where",
    "when",
    "how",
} | WEEKDAY_WORDS

VERB_WORDS = {
    "whats",
    "check",
    "see",
    "about",
    "and",
    "also",
    "show",
    "tell",
    "give",
    "get",
    "look",
    "up",
    "pay",
    "owe",
    "on",
    "of",
    "with",
    "at",
    "in",
    "is",
}


# "and billing?", "and both?", "and now?": no one; nor what a follow-up may ask about instead
# of a person ("what about blood work": the last two lines).
NOT_ASKED_ABOUT = set(
    """
    they them him her his hers me us mine both all everything everyone anything anybody somebody
    so wait now then also billing bill bills balance hours directions address parking insurance
    again later earlier soon next last please pls thanks yes no ok
    blood work lab labs xray xrays shot shots vaccine vaccines test tests results refill refills
    records forms
    email emails fax phone number numbers website site portal text texts mail
    """.split()
)


# Ways to pay named in one word: "what about venmo" after the ways to pay ("What would you like
# me to do for Venmo?").
PAYMENT_WORDS = frozenset(name for name in NAMED_METHODS if " " not in name)


def could_be_a_name(word: str) -> bool:
    """Whether a lower-case word may be part of a person's name (see ``first_name_alone``)."""
    return first_name_alone(word)


def first_name_alone(word: str) -> bool:
    """A word said alone after "and"/"what about" that is a person's first name: not a common
    word, nor a word of clinic.yml (an office, a visit, a plan, a clinician: "and north?")."""
    plain = word.lower()
    if plain in NOT_ASKED_ABOUT or plain in PAYMENT_WORDS or not name_like(word):
        return False
    return plain not in clinic_words()


_CLINIC_WORDS: dict[int, set[str]] = {}


def clinic_words() -> set[str]:
    """Every word clinic.yml uses (offices, visits, plans, clinicians, holidays...)."""
    clinic = get_clinic()
    if id(clinic) not in _CLINIC_WORDS:
        _CLINIC_WORDS.clear()
        _CLINIC_WORDS[id(clinic)] = set(re.findall(r"[a-z][a-z'-]+", clinic.json().lower()))
    return _CLINIC_WORDS[id(clinic)]


def staff_name_words() -> set[str]:
    """Every word of the clinicians' names: a name made of them is a clinician's, not a
    patient's ("appointments for Priya Patel")."""
    return {normalize_name(w) for p in get_clinic().practitioners for w in p.name.split()}


def name_like(word: str) -> bool:
    plain = word.lower().replace("'", "")
    return plain not in NOT_NAME_WORDS and plain not in OTHER_WORDS and plain not in VERB_WORDS
