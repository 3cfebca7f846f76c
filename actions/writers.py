"""Who is writing: a name said in passing ("Hi, this is Emily Johnson, what do I owe?", "Carlos
here, i need to move my appt"), and someone new taking over the chat after a patient was
verified ("my husband is taking over the phone now", "this is his daughter now").

Only reading; ``actions/identity.py`` decides what to do with it, since what was shown to the
patient is not for whoever writes next.
"""

from __future__ import annotations

import re
from typing import Any

from actions.clients.fhir_model import normalize_name
from actions.name_words import first_name_alone
from actions.named_others import named_other, other_first_name
from actions.names import (
    CURLY_APOSTROPHES,
    NOT_NAME_WORDS,
    NOT_ONE_NAME,
    one_name_word,
    parse_full_name,
)
from actions.relatives import FOR_SOMEONE_ELSE, OTHER_PERSON

# "my name is Emily Johnson, what do I owe?": the name before the request, said in passing.
INTRODUCTION = re.compile(
    # ("her name is Mary Ann O'Brien": a relative's, see relative_identity)
    r"\b(?:(?P<said>my name is|my name's|(?<!his )(?<!her )(?<!their )name is)"
    r"|(?P<intro>this is|i am|i'm|im|it's|its))\s+"
    r"(?P<rest>.+)",
    re.IGNORECASE,
)
# "Emily Johnson here, i need to resched": a capitalised name at the start, then "here".
NAME_HERE = re.compile(
    r"^\W*(?:(?:hi|hello|hey)\W+)?(?P<name>[A-Z][\w'-]+(?:\s+[A-Z][\w'-]+){1,3})\s+here\b"
)
INTRODUCTION_END = re.compile(
    r"[,.;:!?()]|\s(?:and|but|i|i'm|im|what|whats|what's|need|want|can|could|would|how|when|"
    r"where|my|calling|here|from|with|about|trying|looking|wondering|now|typing|texting|"
    r"writing)\b",
    re.IGNORECASE,
)


def introduced_name(text: str, any_case: bool = False) -> tuple[str, str] | None:
    """The writer's name when they introduce themselves ("my name is emily johnson and ...",
    "Hi, this is Emily Johnson."). After "this is" / "I'm" the name must be capitalised, so
    "I'm running late" is not a name (``any_case``: the patient says a name was given)."""
    text = (text or "").translate(CURLY_APOSTROPHES)
    here = NAME_HERE.match(text)
    if here is not None:
        return parse_full_name(here["name"])
    match = INTRODUCTION.search(text)
    if match is None:
        return None
    rest = match["rest"]
    end = INTRODUCTION_END.search(rest)
    candidate = rest[: end.start()] if end else rest
    name = parse_full_name(candidate)
    if (
        name
        and match["intro"]
        and not any_case
        and not all(w[:1].isupper() for w in " ".join(name).split())
        and not all(may_be_name(w) for w in " ".join(name).split())
    ):
        # (typed in lower case, as often on a phone: "hi this is robert miller, i need to
        # move my appointment" asked for his name; "im so sorry, ..." is no one)
        return None
    return name


# "Carlos here, i need to move my appt": a capitalised first name at the start, then "here".
FIRST_NAME_HERE = re.compile(r"^\W*(?:(?:hi|hello|hey)\W+)?(?P<name>[A-Z][\w'-]+)\s+here\b")
# How people say how they are, capitalised as if a name ("I'm Pregnant, can i book").
NOT_INTRODUCED = frozenset(
    """
    sick ill late new back sorry fine okay ready done home busy free sure here pregnant deaf
    blind disabled old away lost stuck calling texting writing trying wondering hoping
    super very so really kinda sorta pretty quite totally just still also too extremely bit
    tired scared upset sad mad angry happy glad hurt hungry nervous anxious stressed afraid
    good great well alright awesome better worse bad weird nice cool desperate unsure
    """.split()
)
# "hey its carlos, whats my balance": a greeting, an introduction and a first name in lower
# case, then a comma (typed on a phone: the last name was asked, and "rivera" taken as a first
# name, "And the last name?").
GREETED_FIRST_NAME = re.compile(
    r"^\W*(?:hi|hello|hey|hiya)\W+(?:this is|it'?s|its|i'?m|im)\s+(?P<name>[a-z][\w'-]+)\s*[,;]",
    re.IGNORECASE,
)
STATE_WORD_ENDING = re.compile(r"(?:ed|ous|ful|ive|ing|able|ible|less|ant|ic|ish|ory)$")


def introduced_first_name(text: str) -> str | None:
    """The writer's first name alone when they introduce themselves with it ("this is Carlos,
    i need to move my appt", "my name is emily, ..."): kept, so only the last name is asked
    for. After "this is" / "I'm" the word must be capitalised ("I'm Confused" is no one)."""
    text = (text or "").translate(CURLY_APOSTROPHES)
    here = FIRST_NAME_HERE.match(text)
    if here is not None:
        word, said = here["name"], False
    else:
        match = INTRODUCTION.search(text)
        if match is None:
            return None
        rest = match["rest"]
        end = INTRODUCTION_END.search(rest)
        words = (rest[: end.start()] if end else rest).split()
        if len(words) != 1:
            return None
        word, said = words[0].strip("."), bool(match["said"])
    greeted = GREETED_FIRST_NAME.match(text)
    if not said and not word[:1].isupper() and (greeted is None or greeted["name"] != word):
        return None
    return one_name_word(word) if may_be_name(word) else None


def may_be_name(word: str) -> bool:
    """Whether a word after "this is" / "I'm" may be a name: not how someone is ("I'm
    Confused", "This is Ridiculous", "I am Diabetic", "im so sorry") nor a common word."""
    plain = word.lower()
    if plain.endswith(("'s", "s'")) or plain in NOT_INTRODUCED or not first_name_alone(word):
        return False
    return not (len(plain) >= 6 and STATE_WORD_ENDING.search(plain))


# Someone else says they now write, in a chat where a patient was verified ("my husband is
# taking over the phone now", "someone else is typing"): what was shown is not theirs.
TAKEOVER = re.compile(
    r"\b(?:taking over|takes over|took over|take over)\b"
    r"|\b(?:is|am|i'?m|im)\s+(?:now\s+)?(?:the one\s+)?(?:typing|texting|writing|on (?:the|this) "
    r"(?:phone|chat))\s+(?:now|instead)\b"
    r"|\b(?:my|our)\s+\w+\s+(?:is\s+)?(?:now\s+)?(?:typing|texting|writing|on (?:the|this) "
    r"(?:phone|chat))(?:\s+now)?\W*$"
    r"|\bsomeone else (?:is\s+)?(?:typing|texting|writing|here|on (?:the|this) (?:phone|chat))\b"
    # "passing the phone to my wife", "she's taking the phone", "he'll take it from here"
    r"|\b(?:passing|handing|giving|pass|hand|give|gave|handed|passed)\s+(?:the\s+|my\s+)?"
    r"(?:phone|chat)\s+(?:over\s+)?to\b"
    r"|\b(?:taking|takes|took|take)\s+(?:the|my|this)\s+(?:phone|chat)\b"
    r"|\btake it from here\b"
    # "this is his wife now", "hi its his daughter now", "different person"
    r"|\b(?:this is|it'?s|its|i'?m|im|i am)\s+(?:actually\s+)?(?:his|her|their)\s+"
    r"(?:wife|husband|partner|son|daughter|mom|mother|mum|dad|father|sister|brother|grandson|"
    r"granddaughter|caregiver|friend)\s+(?:now|here|typing|texting|instead)\b"
    r"|(?:^|[,.;!]\s*)(?:a\s+)?different person\b"
    r"|\b(?:i'?m|im|i am|this is|its|it'?s)\s+(?:a\s+)?(?:different|another|other)\s+person\b",
    re.IGNORECASE,
)
# "Emily here now": a first name alone, said as the one now writing.
FIRST_NAME_NOW = re.compile(
    r"^\W*(?:(?:hi|hey|hello|ok)\W+)*(?:(?P<intro>this is|it'?s|its)\s+)?"
    r"(?P<name>[^\W\d_][\w'-]+)\s+(?:here\s+now|(?(intro)(?:now|typing|texting)|here now))\b",
    re.IGNORECASE,
)
# "this is actually carlos rivera typing", "its carlos now": a name typed in any case, said as
# the one now writing.
WRITER_NAMED = re.compile(
    r"\b(?:this is|it'?s|its|i'?m|im|i am)\s+(?:actually\s+|now\s+|really\s+)?"
    r"(?P<name>[^\W\d_][\w'-]+\s+[^\W\d_][\w'-]+(?:\s+[^\W\d_][\w'-]+)?)\s+"
    r"(?:typing|texting|writing|here now|now|on (?:the|this) (?:phone|chat))\b",
    re.IGNORECASE,
)
# Words of a sentence, not of a name ("im running late now", "im so tired now").
WORD_ENDINGS = re.compile(r"[a-z]{4,}ing", re.IGNORECASE)
SENTENCE_WORDS = frozenset(
    "late sorry busy sick done ready free tired stressed confused sure fine good okay ok so "
    "very really just not still also almost nearly at in on back home out off up".split()
)
NEW_WRITER = "someone new"


# "im his daughter, can u tell me when his appt is" after the father's own check: not him.
WRITER_IS_RELATIVE = re.compile(
    r"\b(?:i'?m|im|i am|this is|its|it'?s)\s+(?:actually\s+)?(?:his|her|their)\s+(?:wife|"
    r"husband|partner|spouse|son|daughter|mom|mother|mum|dad|father|sister|brother|grandson|"
    r"granddaughter|caregiver|friend|neighbou?r)\b",
    re.IGNORECASE,
)


# The writer says how they are related to the patient: "i'm his wife", "I'm Carlos's wife",
# "this is carlos riveras daughter".
RELATIONS = (
    r"(?:wife|husband|partner|spouse|son|daughter|mom|mother|mum|dad|father|sister|brother|"
    r"grandson|granddaughter|grandma|grandpa|grandmother|grandfather|niece|nephew|aunt|uncle|"
    r"caregiver|carer|friend|neighbou?r|fianc[eé]e?|boyfriend|girlfriend)"
)
WRITER_RELATION = re.compile(
    r"\b(?:i'?m|im|i am|this is|its|it'?s)\s+(?:actually\s+|just\s+)?"
    rf"(?:his|her|their|[^\W\d_][\w-]*(?:\s+[^\W\d_][\w-]*)?'?s)\s+{RELATIONS}\b"
    # "when is robert's next appointment? he's my dad" (Robert was told "You have no upcoming
    # appointments")
    rf"|\b(?:he|she)(?:'?s| is)\s+my\s+{RELATIONS}\b",
    re.IGNORECASE,
)


def writer_is_relative(text: str) -> bool:
    """Whether the writer said they are the patient's relative or carer ("I'm her sister")."""
    return WRITER_RELATION.search((text or "").translate(CURLY_APOSTROPHES)) is not None


def new_writer(text: str, patient_name: str, patient_wrote: bool = False) -> str | None:
    """The name of someone who says they now write instead of the verified patient ("this is
    Carlos Rivera now", "oh wait this is actually carlos rivera typing"), ``NEW_WRITER`` when
    they give none ("my husband is taking over the phone now"); None for the patient.
    ``patient_wrote``: the patient checked was the writer (a grown-up checked for themselves),
    so "I'm his daughter" is someone else too (a parent who checked a child says "I'm his
    mom" of the child)."""
    text = (text or "").translate(CURLY_APOSTROPHES)
    if (
        patient_wrote
        and WRITER_IS_RELATIVE.search(text)
        and not OTHER_PERSON.search(text)
        and named_other(text, patient_name) is None
        and other_first_name(text, patient_name) is None
    ):
        # (not "I'm his mom, when is Liam's appointment": she asks about her son)
        return NEW_WRITER
    named = WRITER_NAMED.search(text)
    name = None
    if named is not None and not any(
        WORD_ENDINGS.fullmatch(w) or w.lower() in SENTENCE_WORDS for w in named["name"].split()
    ):
        name = parse_full_name(named["name"])
    if name is None and TAKEOVER.search(text):
        # "hi, my husband is taking over: this is Carlos Rivera", "hey this is emily johnson,
        # different person, what do i owe"
        name = introduced_name(text, any_case=True)
        if name is None:
            return NEW_WRITER
    first = FIRST_NAME_NOW.match(text)
    if name is None and first is not None:
        said = normalize_name(first["name"])
        own = normalize_name((patient_name.split() or [""])[0])
        if said not in NOT_NAME_WORDS and said not in NOT_ONE_NAME and said != own:
            return NEW_WRITER  # "Emily here now, whats my balance" after Carlos's check
    if name is not None and normalize_name(" ".join(name)) != normalize_name(patient_name):
        return " ".join(name)
    return None


# How far back "i just told you" at the name question looks for the name.
NAME_SAID_MESSAGES = 3


def name_said_before(events: list[dict[str, Any]]) -> tuple[str, str] | None:
    """The name the patient introduced themselves with in one of their last messages of this
    task, before the latest one: "hi its emily johnson, when is my appt" (typed in lower
    case, so not read as a name then) - "...full name?" - "i just told you"."""
    start = max(
        (i for i, e in enumerate(events) if e.get("event") in ("session_started", "restart")),
        default=0,
    )
    users = [e for e in events[start:] if e.get("event") == "user"][:-1]
    for event in reversed(users[-NAME_SAID_MESSAGES:]):
        text = str(event.get("text") or "")
        if FOR_SOMEONE_ELSE.search(text) or OTHER_PERSON.search(text):
            return None  # "this is maria lopez, when is my son's appt": not the patient
        if (name := introduced_name(text, any_case=True)) is not None:
            return name
    return None
