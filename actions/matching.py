"""Find the clinic's own things (practitioners, locations, visit types) in free text.

The NLU model extracts entities too, but names come from ``clinic.yml`` and patients misspell
them, so the actions match the raw message against the clinic's aliases as well: exact
word-boundary matches first, then a close spelling match ("Dr. Patle", "gonzales").
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable

from actions.clinic_config import ClinicConfig, Location, NotOffered, Practitioner, VisitType

ANY_WORDS = (
    "anyone",
    "any one",
    "anybody",
    "any doctor",
    "any provider",
    "no preference",
    "doesn't matter",
    "doesnt matter",
    "don't care",
    "dont care",
    "whoever",
    "who ever",
    "whatever",
    "next available",
    "either",
    "any of them",
    "first available",
    "whichever",
    "either one",
    "any location",
    "both",
    "any",
    "no pref",
)


def normalise(text: str) -> str:
    """Lower-case words and digits only, single spaces: ``"Dr. O'Kafor!"`` → ``dr o kafor``."""
    text = text.lower().replace("’", "'").replace("'s ", " ")
    return re.sub(r"\s+", " ", re.sub(r"[^a-z0-9]+", " ", text)).strip()


def _contains(haystack: str, needle: str) -> bool:
    needle = normalise(needle)
    return bool(needle) and re.search(rf"\b{re.escape(needle)}\b", haystack) is not None


def _best(
    text: str,
    candidates: Iterable[tuple[str, object]],
    fuzzy: float | None,
    common: frozenset[str] = frozenset(),
) -> object | None:
    """The candidate whose alias appears in ``text`` (longest alias wins), else a close spelling.
    ``common`` words count only as written: "my doctor" is not close to "kids doctor"."""
    haystack = normalise(text)
    if not haystack:
        return None
    hits = [
        (len(normalise(alias)), item) for alias, item in candidates if _contains(haystack, alias)
    ]
    if hits:
        return max(hits, key=lambda hit: hit[0])[1]
    if fuzzy is None:
        return None
    words = [w for w in haystack.split() if w not in common]
    best: tuple[float, object | None] = (0.0, None)
    for alias, item in candidates:
        target = " ".join(w for w in normalise(alias).split() if w not in common)
        size = len(target.split())
        if len(target) < 5:
            continue  # "old" is not "cold", "lea" not "lee": short words only as written
        for i in range(len(words) - size + 1):
            window = " ".join(words[i : i + size])
            ratio = difflib.SequenceMatcher(None, window, target).ratio()
            if ratio > best[0]:
                best = (ratio, item)
    return best[1] if best[0] >= fuzzy else None


def longest_named(text: str, candidates: Iterable[tuple[str, object]]) -> object | None:
    """The candidate whose name appears in ``text`` as whole words (the longest name wins:
    "West Sacramento", not "Sacramento"); no close spellings."""
    return _best(text, candidates, fuzzy=None)


# Said in passing in a request ("a sick visit for him, whoever is free"), before any question:
# no preference for who, or for where.
ANY_CLINICIAN = re.compile(
    r"\b(whoever|anyone|anybody|any (doctor|provider|clinician|dr)|"
    r"(doesn'?t|does not) matter who|(don'?t|do not) care who)\b",
    re.IGNORECASE,
)
# Whoever is free, said at any point, also against the clinician asked for earlier ("doesn't
# have to be sam", "no preference on provider", "a different doctor").
OTHER_CLINICIAN = re.compile(
    r"\b((doesn'?t|does not|dont|don'?t|do not) (have to|need to) be|"
    r"no preference (on|for) (the )?(provider|doctor|clinician|dr|who)|"
    r"any (other )?(provider|doctor|clinician)|(a )?different (provider|doctor|clinician|dr)|"
    r"other than (dr\.? )?\w+|not with (dr\.? )?\w+|(anyone|anybody) but (dr\.? )?\w+|"
    r"not (dr\.? )?\w+,? (someone|somebody|anyone|anybody) else|"
    # "anything tuesday with anyone" at the day question (it kept Dr. Patel)
    r"with (anyone|anybody|whoever|whoever is (free|available|open)))\b",
    re.IGNORECASE,
)
ANY_OFFICE = re.compile(
    r"\b(either (office|location|clinic)|any (office|location|clinic)|anywhere|"
    r"whichever (office|location|clinic)|(doesn'?t|does not) matter where|"
    r"(don'?t|do not) care where)\b",
    re.IGNORECASE,
)


# "both" of the patients, not of the options ("no we're both new" at "Who would you like to
# see?" was no preference).
BOTH_OF_US = re.compile(
    r"\b(?:we re|were|we are|we|they re|they are|they|us|you) both\b|"
    r"\bboth (?:of (?:us|them|you)|new|been|my|our|kids|children|patients)\b"
)


def wants_anyone(text: str) -> bool:
    """ "no preference", "whoever is free", "either" → the patient does not mind."""
    haystack = BOTH_OF_US.sub(" ", normalise(text))
    return any(_contains(haystack, phrase) for phrase in ANY_WORDS)


def without_anyone(text: str) -> str:
    """``text`` without its "no preference" words: what is left may still say when ("either
    office, but next week")."""
    text = text.replace("’", "'")
    for phrase in sorted(ANY_WORDS, key=len, reverse=True):
        text = re.sub(rf"\b{re.escape(phrase)}\b", " ", text, flags=re.IGNORECASE)
    return re.sub(r"\s+", " ", text).strip(" ,.;!-")


def practitioner_aliases(p: Practitioner) -> list[str]:
    names = [p.name, p.family, f"{p.given} {p.family}"]
    if p.prefix:
        names += [f"dr {p.family}", f"doctor {p.family}", f"dr {p.given}"]
    if p.qualification == "NP":
        names += ["nurse practitioner", "the np", f"{p.given}"]
    return names + p.aliases


# Words of clinicians' aliases that say nothing about who: "my doctor", "any doctor" and "a lady
# doctor" were read as a close spelling of "kids doctor" (Dr. Okafor, children only).
CLINICIAN_WORDS = frozenset(
    "dr doctor doctors doc the a an for who sees see of kids kid children childrens child baby "
    "babies nurse practitioner np md".split()
)


def find_practitioner(text: str, clinic: ClinicConfig) -> Practitioner | None:
    candidates = [(alias, p) for p in clinic.practitioners for alias in practitioner_aliases(p)]
    found = _best(text, candidates, fuzzy=0.8, common=CLINICIAN_WORDS)
    return found if isinstance(found, Practitioner) else None


# "not downtown", "anywhere but the north one": an office ruled out (normalised words).
NOT_THERE = (
    r"\b(?:not|except|other than|instead of|rather than|anywhere but|anything but|but not|"
    r"can t do|cant do|cannot do|don t want|dont want|do not want|rather not (?:go|drive|come)"
    r"(?: to)?)\s+(?:(?:at|in|to|the|that|this|your)\s+){0,2}"
    # ("no downtown please", not "no, the downtown office is fine")
    r"|\bno\s+"
)


def offices_ruled_out(text: str, clinic: ClinicConfig) -> set[str]:
    """The offices the patient says no to ("not downtown", "the other one, not north")."""
    haystack = normalise(text)
    return {
        loc.id
        for loc in clinic.locations
        for alias in [loc.name, loc.id, *loc.aliases]
        if normalise(alias)
        and re.search(f"(?:{NOT_THERE}){re.escape(normalise(alias))}\\b", haystack)
    }


def find_location(text: str, clinic: ClinicConfig) -> Location | None:
    """The office named in ``text``; one ruled out ("not downtown" gave Downtown) is not it,
    and with only one other office, that other one is."""
    candidates = [
        (alias, loc) for loc in clinic.locations for alias in [loc.name, loc.id, *loc.aliases]
    ]
    ruled_out = offices_ruled_out(text, clinic)
    if ruled_out:
        candidates = [(alias, loc) for alias, loc in candidates if loc.id not in ruled_out]
        named = _best(text, candidates, fuzzy=None)
        if isinstance(named, Location):
            return named
        others = [loc for loc in clinic.locations if loc.id not in ruled_out]
        return others[0] if len(others) == 1 else None
    found = _best(text, candidates, fuzzy=0.85)
    return found if isinstance(found, Location) else None


# "the flu shot at 9:30 same day": the day, not a same-day (sick) visit; "a same day
# appointment", or "same day" alone as the answer to "what kind of visit?", is one.
SAME_DAY_AS_A_TIME = re.compile(r"\bsame day\b(?! (appointment|appt|visit|sick))")
NOT_THIS_VISIT = re.compile(
    r"\b(?:not|instead of|rather than) (?:a |an |the )?\w+"
    r"(?: (?:visit|shot|exam|check ?up|physical|appointment))?\b"
)


def find_visit_type(text: str, clinic: ClinicConfig) -> VisitType | None:
    # ("i need a covid test": what is done at a visit names it too)
    candidates = [(alias, v) for v in clinic.visit_types for alias in [v.id, *v.said_as()]]
    plain = normalise(text)
    text = plain if plain == "same day" else SAME_DAY_AS_A_TIME.sub(" ", plain)
    # "it's a flu shot, not a sick visit": the visit named, not the one denied
    text = NOT_THIS_VISIT.sub(" ", text).strip() or text
    found = _best(text, candidates, fuzzy=0.85)
    return found if isinstance(found, VisitType) else None


def other_visit_named(text: str, visit: VisitType, clinic: ClinicConfig) -> VisitType | None:
    """Another visit than ``visit`` named in the same words: the physical of "im a new patient
    and need a physical" (``find_visit_type`` finds the longer "new patient")."""
    plain = normalise(text)
    for alias in sorted({visit.id.replace("_", " "), *visit.said_as()}, key=len, reverse=True):
        plain = re.sub(rf"\b{re.escape(normalise(alias))}\b", " ", plain)
    other = find_visit_type(plain, clinic)
    return other if other is not None and other.id != visit.id else None


# "my chiropractor said i should see a doctor": who sent the patient, not what they ask for.
_NOT_THE_ONE_WHO_SAID = (
    r"(?!\s+(?:said|says|told|tells|recommended|recommends|suggested|suggests|referred|sent|"
    r"wants|thinks|thought))"
)


def find_not_offered(text: str, clinic: ClinicConfig) -> NotOffered | None:
    """A service the clinic does not provide, named in ``text`` ("a physical therapy session",
    "can i get a mammogram"), and no visit it does besides: exact words only, since "physical
    therapy" must not be read as the physical it contains."""
    plain = normalise(text)
    for service in clinic.not_offered:
        # "do you do eye exams": an alias in the plural too
        said = [
            rf"\b{re.escape(normalise(alias))}(?:s|es)?\b{_NOT_THE_ONE_WHO_SAID}"
            for alias in service.aliases
            if normalise(alias)
        ]
        said = [alias for alias in said if re.search(alias, plain)]
        if not said:
            continue
        rest = plain
        for alias in said:
            rest = re.sub(alias, " ", rest)
        if find_visit_type(rest, clinic) is None:
            return service
        # "a follow-up on my MRI results": a visit we do, about something done elsewhere
    return None


def find_offered_visit(text: str, clinic: ClinicConfig) -> VisitType | None:
    """The visit we book that ``text`` names ("do you do pap smears": a women's health exam;
    "physicals" in the plural too), unless it names a service we do not offer ("physical
    therapy" is not the physical it contains)."""
    if find_not_offered(text, clinic) is not None:
        return None
    aliases = [
        (said, visit)
        for visit in clinic.visit_types
        for alias in visit.said_as()
        for said in (alias, f"{alias}s")
    ]
    visit = longest_named(text, aliases)
    return visit if isinstance(visit, VisitType) else None


ORDINALS = {
    "first": 1,
    "1st": 1,
    "second": 2,
    "2nd": 2,
    "third": 3,
    "3rd": 3,
    "fourth": 4,
    "4th": 4,
    "fifth": 5,
    "5th": 5,
    "last": -1,
    "earliest": 1,
    "latest": -1,
    # typed in a hurry: "the secnd one" got "Please tap one of the options"
    "frist": 1,
    "fisrt": 1,
    "firts": 1,
    "secnd": 2,
    "seond": 2,
    "sceond": 2,
    "secound": 2,
    "seccond": 2,
    "thrid": 3,
    "thried": 3,
}
CARDINALS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5}


# Asking the way ("where is it", "how do I get there"), not only naming an office.
ROUTE_QUESTION = re.compile(
    r"\b(address|where|directions?|get there|how do i get|map|located|location|bus|train|"
    r"transit|light rail|drive|route)\b"
)

MONTH_WORDS = r"\b(jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\b|\d(st|nd|rd|th)\b"


def parse_choice(text: str, labels: list[str]) -> int | None:
    """Which of ``labels`` (0-based) the patient picked: "2", "the second one", "the 9:30"."""
    haystack = normalise(text)
    if not haystack or not labels:
        return None
    haystack = re.sub(r"\b(noon|midday)\b", "12 00 pm", haystack)  # "noon works": the 12:00pm
    # ("ok 1", "1 then", "ok 2": "Which one works for you?" again, or the 1:00 time)
    number = re.fullmatch(
        r"(?:(?:ok|okay|k|yes|yeah|yep|sure|um+|uh+|hmm+) )?(?:option |number |no |#)?"
        r"(\d{1,2}|one|two|three|four|five)"
        r"(?: (?:please|pls|then|thanks|thx|works|is fine|is good|sounds good|one))?",
        haystack,
    )
    if number:
        value = number.group(1)
        index = (CARDINALS[value] if value in CARDINALS else int(value)) - 1
        if 0 <= index < len(labels):
            return index
        # "5" with three times shown: the 5:00 one, if there is one (read as a time below)
    # "friday first thing", "first week of january", "last thing in the day": times, not picks
    ordinal_text = re.sub(
        rf"\b({'|'.join(w for w in ORDINALS if w not in ('earliest', 'latest'))}) "
        r"(thing|week|weekend|day|days|of|half|part)\b",
        " ",
        haystack,
    )
    # "actually whats my balance first": first of all, not the first button (it answered
    # "Have you been seen here before?" with yes, and the balance question was dropped)
    ordinal_text = re.sub(
        r"\b(what|whats|how|when|where|why|can|could|do|does|is|check|tell)\b(.*) first$",
        r"\1\2",
        ordinal_text,
    )
    # "the physical on the 2nd": a day of the month, not the second in the list
    ordinal_text = re.sub(
        r"\b(on|for|by|until|till) the (1st|2nd|3rd|4th|5th)\b", " ", ordinal_text
    )
    for word, value in ORDINALS.items():
        if re.search(rf"\b{word}\b", ordinal_text) and (
            len(haystack.split()) <= 6 or re.search(rf"\b(the )?{word} (one|option|slot)", haystack)
        ):
            index = len(labels) - 1 if value == -1 else value - 1
            return index if 0 <= index < len(labels) else None
    # A time or day the patient repeats back: "the 9:30", "tuesday at 10". A bare number is a
    # time only in a short answer ("dec 8 at 3pm" is not the 8:00).
    clock = (
        re.search(r"\b(\d{1,2})(?: (\d{2}))?(?: ?(am|pm))\b", haystack)
        or re.search(r"\b(\d{1,2}) (\d{2})()\b", haystack)
        # typed without the colon: "the 430 one", "ok 130 then", "1030am"
        or re.search(r"\b(1[0-2]|0?[1-9])([0-5]\d) ?(am|pm)?\b", haystack)
    )
    if clock is None and not re.search(MONTH_WORDS, haystack):
        short = len(haystack.split()) <= 3
        clock = re.search(r"(?:\bat |^(?:the )?)(\d{1,2})()()\b", haystack) or (
            re.search(r"\b(\d{1,2})()()\b", haystack) if short else None
        )
    if clock:
        hour, minute = clock.group(1), clock.group(2) or "00"
        spoken = f"{int(hour)}:{minute}"
        matches = [i for i, label in enumerate(labels) if spoken in label.lower()]
        if clock.group(3):
            matches = [i for i in matches if clock.group(3) in labels[i].lower()] or matches
        if len(matches) > 1:
            # "8 with lee", "thursday 5pm": the one whose day, clinician or office is named too
            words = {w for w in haystack.split() if len(w) >= 3 and not w.isdigit()}
            matches = [i for i in matches if words & set(normalise(labels[i]).split())] or matches
        if len(matches) == 1:
            return matches[0]
    scores = [difflib.SequenceMatcher(None, haystack, normalise(label)).ratio() for label in labels]
    best = max(range(len(labels)), key=lambda i: scores[i])
    return best if scores[best] >= 0.8 else None
