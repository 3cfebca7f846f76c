"""Cancelling every upcoming appointment at once: "cancel both", "all of them".

"all of them" at "Which appointment would you like to cancel?" was read as a goodbye ("Take
care!") and "both" got "Please tap one of the options": a patient who wanted both gone had to
cancel one, start again, and prove who they were a second time.
"""

from __future__ import annotations

import re
from typing import Any

from actions.clinic_config import ClinicConfig
from actions.formatting import appointment_sentence
from actions.request_context import BEREAVEMENT

# The value of ``appointment_choice`` meaning every appointment listed (a FHIR id never has
# a "*").
ALL_APPOINTMENTS = "*all"

_NOUNS = r"(appointments|appts|appt?s|visits|ones|bookings)"
# (and one word more: "all of liam's appointments", "all my upcoming appointments" asked which)
_WHOSE = r"((my|his|her|their|our|the|these|those|of) ){0,2}([\w'’]+ )?"
# "both", "all of them", "all 3", "them all", "every one of them", "all my appointments".
ALL_WORDS = re.compile(
    rf"\b(both|all of (them|those|these|em)|them (all|both)|all (\d|two|three|four)\b|"
    rf"(all|every|each) (one|single one)( of them)?|the two of them|all {_WHOSE}{_NOUNS}|"
    r"every (appointment|appt|visit|booking)s?)\b",
    re.IGNORECASE,
)
# "all", "all please", "cancel all", "yes all", "actually just cancel all": the whole answer.
ALL_ALONE = re.compile(
    r"^\W*(?:(?:actually|just|so|hmm+|um+|ugh|no)\W+)*(yes|yeah|yep|ok|okay|please)?\W*"
    r"(?:just )?(cancel )?(all|everything)"
    r"( please| pls| of it)?\W*$",
    re.IGNORECASE,
)
# "not both, just the first", "only one of them": one, not all.
JUST_ONE = re.compile(r"\b(not (both|all)|just (one|the)|only (one|the))\b", re.IGNORECASE)
# Plural appointments said of someone who has died: "my mom passed, cancel her appointments".
THEIR_APPOINTMENTS = re.compile(rf"\b(his|her|their|them|all) {_NOUNS}\b", re.IGNORECASE)


def means_all(text: str) -> bool:
    """The answer to "Which appointment?" is all of them ("both", "all 3", "all please")."""
    if not text or JUST_ONE.search(text):
        return False
    return bool(ALL_WORDS.search(text) or ALL_ALONE.match(text))


def asks_for_all(text: str) -> bool:
    """The request itself cancels every appointment ("cancel both my appointments", "my dad
    passed away, please cancel his appointments")."""
    if means_all(text):
        return True
    return bool(BEREAVEMENT.search(text or "") and THEIR_APPOINTMENTS.search(text or ""))


def how_many(items: list[dict[str, Any]]) -> str:
    """ "both" for two, "all 3" for three."""
    return "both" if len(items) == 2 else f"all {len(items)}"


def appointment_lines(items: list[dict[str, Any]], clinic: ClinicConfig, said: str) -> str:
    """One line per appointment, as in the list a patient checks."""
    return "\n".join(f"- {appointment_sentence(item, clinic, said)}" for item in items)


# "keep the sick one", "leave the 22nd", "don't cancel the physical", "not that one", "all
# except the physical", "everything but the physical": the appointments said to stay, up to
# the clause's end (or "cancel", "but", "just", "and cancel ...").
KEEP_CLAUSE = re.compile(
    r"\b(?:keep|leave|don'?t cancel|dont cancel|do not cancel|not|except|other than|apart from|"
    r"besides|"
    # "everything but my physical" (the physical was the one offered to cancel)
    r"(?:(?<=everything )|(?<=all )|(?<=them all )|(?<=all of them )|(?<=all of em )|"
    r"(?<=every one )|(?<=all appts )|(?<=all appointments ))but)\b(?P<kept>.*?)"
    r"(?=[.;!?]|,(?! and\b)|\b(?:but|just|only|cancel|instead|i meant|i mean)\b|"
    r"\band (?:just |then )?(?:cancel|delete|drop|get rid)|$)",
    re.IGNORECASE,
)
# Several appointments said to stay: "the physical and the sick visit", "the 7th, the 9th".
KEPT_APART = re.compile(r",|&|\band\b|\bplus\b|\bor\b", re.IGNORECASE)
# "cancel the rest", "all the others", "everything else", "the other two": every one not kept.
THE_OTHERS = re.compile(
    r"\b(the rest|rest of (them|em|it)|(the |all (the )?)?others|(the )?other (ones|"
    r"appointments|appts|visits|two|2|three|3)|everything( else)?|all (of )?the other)\b",
    re.IGNORECASE,
)
# "the other one": one of them, not all.
THE_OTHER_ONE = re.compile(r"\b(the )?other (one|appointment|appt|visit)\b(?!s)", re.IGNORECASE)


# Typed in a hurry: "cancel evrything exept the physcial" offered to cancel the physical.
TYPED_EXCEPT = re.compile(r"\b(?:exept|excpet|excep|expect|exsept|exccept|acept)\b", re.I)
TYPED_EVERYTHING = re.compile(
    r"\b(?:evrything|everythng|evrythng|everthing|everyting|every thing|evry thing)\b", re.I
)


def kept_and_rest(text: str) -> tuple[str, str]:
    """ "wait no, keep the sick one, cancel the rest": what is said to stay ("the sick one")
    and the rest of the message ("wait no, cancel the rest"). Read as one, the sick visit was
    the appointment picked to cancel."""
    text = TYPED_EVERYTHING.sub("everything", TYPED_EXCEPT.sub("except", (text or "")))
    text = text.replace("\u2019", "'")
    kept = " ".join(m.group("kept").strip() for m in KEEP_CLAUSE.finditer(text))
    rest = " ".join(KEEP_CLAUSE.sub(" ", text).split())
    return kept.strip(), rest


def kept_parts(kept: str) -> list[str]:
    """ "the physical and the sick visit": each appointment said to stay."""
    return [part.strip() for part in KEPT_APART.split(kept or "") if part.strip()]


def means_the_others(text: str) -> bool:
    """ "cancel the rest", "all the others": every appointment not said to stay."""
    return bool(THE_OTHERS.search(text or ""))


def means_the_other_one(text: str) -> bool:
    """ "no the other one": one appointment besides the one asked about."""
    return bool(THE_OTHER_ONE.search(text or ""))
