"""Who a message is about when the request itself says it: a name and date of birth given with
the request ("what do I owe? Carlos Rivera, dob 9/30/1975"), a relative's given after the
relation ("my son liam nguyen has a bill, dob 06/05/2017"), and the names of the people a visit
is for, taken out before a clinician is looked for by name.

The parts are read elsewhere: a name in ``actions/names.py``, a relative in
``actions/relatives.py``, the writer in ``actions/writers.py``, another person asked about by
name in ``actions/named_others.py``. Only reading; ``actions/identity.py`` decides what to do
with it.
"""

from __future__ import annotations

import re
from datetime import date

from actions.birth_dates import parse_birth_date
from actions.clients.fhir_model import normalize_name
from actions.dates import age_on
from actions.name_words import name_like, staff_name_words
from actions.named_others import named_for
from actions.names import CURLY_APOSTROPHES, parse_full_name
from actions.relatives import OTHER_PERSON, name_after_relation
from actions.settings import get_clinic
from actions.writers import introduced_name

BIRTH_MARKER = re.compile(r"\b(?:born|dob|d\.o\.b|date of birth|birthday)\b", re.IGNORECASE)
NUMERIC_DATE = re.compile(r"\b\d{1,2}[/.\-]\d{1,2}[/.\-](?:\d{4}|\d{2})\b")


# How many words before a date of birth may be the name, widest first: "my name is mary ann
# o'brien and my birthday is ..." read the four words "ann o'brien and my" as "Ann O'Brien".
NAME_WINDOWS = (5, 4, 3, 2)


def given_identity(text: str, today: date) -> tuple[tuple[str, str], date] | None:
    """A name and date of birth given with the request ("what do I owe? Carlos Rivera, dob
    9/30/1975", "i need my bill. im Carlos Rivera born 9/30/1975"): in one sentence or part of
    one, with nothing else in it."""
    for sentence in re.split(r"[;?!\n]+|\.(?!\d)", text or ""):
        # "Carlos Rivera 09/30/1975 when is my appointment": the name and date come first.
        upto_date = NUMERIC_DATE.search(sentence)
        head = [sentence[: upto_date.end()]] if upto_date else []
        if upto_date:
            # "balance for Emily Johnson 4/12/1988": the last few words before the date.
            words = sentence[: upto_date.start()].split()
            head += [" ".join(words[-n:]) + " " + upto_date.group(0) for n in NAME_WINDOWS]
        elif marker := BIRTH_MARKER.search(sentence):
            # "balance for Mary Ann O'Brien, born July 19 1964": the same, before "born".
            words = sentence[: marker.start()].split()
            head += [" ".join(words[-n:]) + " " + sentence[marker.start() :] for n in NAME_WINDOWS]
        # The name before the date first: "Emily Johnson 4/12/1988 balance" is not a patient
        # called "Johnson balance".
        for part in [*head, sentence, *sentence.split(",")]:
            part = re.sub(r"\b(here|speaking|calling)\b", " ", part, flags=re.IGNORECASE)
            birth = parse_birth_date(part, today) if re.search(r"\d", part) else None
            name = parse_full_name(part) if birth else None
            if name and birth:
                return name, birth
    return None


# "my son liam nguyen has a bill", "my mom, Mary Ann O'Brien": a relative named right after.
RELATIVE_THEN_NAME = re.compile(
    OTHER_PERSON.pattern
    + r",?\s+(?P<name>[^\W\d_][\w'-]*\s+[^\W\d_][\w'-]*)(?P<third>\s+(?-i:[A-Z])[\w'-]*)?",
    re.IGNORECASE,
)
# Words after "my son" that are not his name: "my son has a bill", "my mom still owes".
NOT_AFTER_RELATIVE = {
    "has",
    "have",
    "had",
    "was",
    "were",
    "got",
    "gets",
    "owes",
    "still",
    "just",
    "already",
    "will",
    "wants",
    "needs",
    "said",
    "says",
    "lost",
}
CHILD_WORDS = {
    "son",
    "daughter",
    "child",
    "kid",
    "baby",
    "boy",
    "girl",
    "grandson",
    "granddaughter",
}
ELDER_WORDS = {
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
}


def fits_relation(relation: str, birth: date, today: date) -> bool:
    """Whether a birth date is likely the named relative's: with "my son" and a birth date of
    38 years ago, the details are more likely the parent's own."""
    age = age_on(birth, today)
    if relation in CHILD_WORDS:
        return age < 30
    if relation in ELDER_WORDS:
        return age >= 35
    return age >= 14


def relative_identity(text: str, today: date) -> tuple[tuple[str, str], date] | None:
    """The name and date of birth of the relative a message is about ("how much does my mom
    owe, Mary Ann O'Brien 7/19/64", "my son liam nguyen has a bill, dob 06/05/2017"): given
    after the relation, not introduced as the writer's own ("I'm his mom, Emily Johnson"),
    and a birth date that fits the relation."""
    text = (text or "").translate(CURLY_APOSTROPHES)
    relation = OTHER_PERSON.search(text)
    if relation is None or introduced_name(text) is not None:
        return None
    who = relation["who"].lower()
    given = given_identity(text[relation.start() :], today)
    if given is None:
        right_after = RELATIVE_THEN_NAME.search(text, relation.start())
        birth = parse_birth_date(text[relation.end() :], today)
        words = right_after["name"].split() if right_after else []
        third = (right_after["third"] or "").strip() if right_after else ""
        if third and words[0][:1].isupper() and third.lower() not in NOT_AFTER_RELATIVE:
            words.append(third)  # "my sister Mary Ann O'Brien"
        if (
            birth is None
            or not words
            or any(not name_like(w) or w.lower() in NOT_AFTER_RELATIVE for w in words)
        ):
            return None
        # "my son Liam Nguyen's next checkup": the name without the possessive
        words[-1] = re.sub(r"'s$", "", words[-1])
        name = parse_full_name(" ".join(words))
        given = (name, birth) if name else None
    if given is None:
        return None
    named = name_after_relation(text)
    if named is not None and [w.lower() for w in named] == [w.lower() for w in given[0]]:
        # "book my daughter aisha khan 1/22/92": her, whatever her age (a grown daughter was
        # taken for the writer, whose own "now me" then booked on the daughter's record)
        return given
    if not fits_relation(who, given[1], today):
        return None
    return given


def _is_clinician(name: tuple[str, str]) -> bool:
    """Whether a full name is a clinician's ("sam lee" at "who would you like to see?")."""
    given, family = (normalize_name(w) for w in name)
    return any(
        normalize_name(p.given) == given and normalize_name(p.family) == family
        for p in get_clinic().practitioners
    )


# The writer's first name given at the start: "hey its maria, ...", "this is sam and i need",
# "I'm James." (not "this is maria gonzalez": a clinician's full name stays).
FIRST_NAME_GIVEN = re.compile(
    r"^\W*(?:(?:hi|hello|hey|good (?:morning|afternoon|evening))\W+)?"
    r"(?:it'?s|it is|this is|i'?m|i am|my name is|my name'?s)\s+(?P<name>[a-z][a-z'-]+)"
    r"(?=\s*(?:[,.!?;:]|-\s|$)|\s+(?:here|and|i|i'?m|my|we|our)\b)",
    re.IGNORECASE,
)


def without_patient_names(text: str, today: date) -> str:
    """``text`` less the names of the people a visit is for, so that they are not read as a
    clinician's: "new patient, maria santos 03/14/1985" chose Dr. Maria Gonzalez, "james
    carter 2/2/1980" Dr. James Okafor, "jordan lee" and "my son sam" Sam Lee, NP. A name given
    with a birth date, introduced ("I'm ..."), or said right after a relation goes; a
    clinician's own full name stays."""
    names = [
        found[0] if isinstance(found[0], tuple) else found
        for found in (
            given_identity(text, today),
            relative_identity(text, today),
            introduced_name(text),
            name_after_relation(text),
            named_for(text),
        )
        if found is not None
    ]
    for name in names:
        if not _is_clinician(name):
            pattern = r"\b" + r"\W+".join(re.escape(w) for w in " ".join(name).split()) + r"\b"
            text = re.sub(pattern, " ", text, flags=re.IGNORECASE)
    own = FIRST_NAME_GIVEN.search(text)
    if own is not None and normalize_name(own["name"]) in staff_name_words():
        # "hey its maria, my 4 yo has a fever": the writer, not Dr. Maria Gonzalez ("Dr.
        # Gonzalez doesn't see patients for a sick visit")
        text = text[: own.start("name")] + " " + text[own.end("name") :]
    relation = OTHER_PERSON.search(text)
    if relation is not None:
        # "my son sam needs a sick visit": the word after the relation is the son
        after = re.match(r"\W+(?:named |called )?([a-z][a-z'-]+)\b", text[relation.end() :], re.I)
        if after is not None and normalize_name(after[1]) in staff_name_words():
            start = relation.end() + after.start(1)
            text = text[:start] + " " + text[relation.end() + after.end(1) :]
    return text
