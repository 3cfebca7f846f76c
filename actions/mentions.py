"""Who a message is about, read from the patient's own words: a full name, a name said in
passing ("Hi, this is Emily Johnson, what do I owe?"), a name and date of birth given with the
request, and another person than the one verified ("my husband's bill", "Emily's balance").

Only reading; ``actions/identity.py`` decides what to do with it.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from rasa_sdk import Tracker

from actions.birth_dates import parse_birth_date
from actions.clients.fhir_model import normalize_name
from actions.clinic_config import WEEKDAY_NAMES
from actions.dates import age_on
from actions.settings import get_clinic

# "monday" ... "sunday"
WEEKDAY_WORDS = {name.lower() for name in WEEKDAY_NAMES.values()}

# "April twelfth 1988" at "... date of birth?" was checked as a patient called April Twelfth.
ORDINAL_DAY_WORDS = set(
    """
    first second third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth
    thirteenth fourteenth fifteenth sixteenth seventeenth eighteenth nineteenth twentieth
    thirtieth twenty-first twenty-second twenty-third twenty-fourth twenty-fifth twenty-sixth
    twenty-seventh twenty-eighth twenty-ninth thirty-first
    """.split()
)

# "nineteen seventy five", "thirty september" at "... date of birth?" were checked as a
# corrected name (a try lost, and the right birth date failed next); request verbs.
NUMBER_MONTH_AND_VERB_WORDS = set(
    """
    one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen
    sixteen seventeen eighteen nineteen twenty thirty forty fifty sixty seventy eighty ninety
    hundred thousand january february september october november december
    """.split()
) | {
    # "can u move carlos's appt": not someone called Move Carlos (a try lost on that name)
    "move",
    "cancel",
    "reschedule",
    "resched",
    "book",
    "schedule",
    "confirm",
}

NOT_NAME_WORDS = ORDINAL_DAY_WORDS | NUMBER_MONTH_AND_VERB_WORDS | {
    # "and weekends?", "and dec?" after the hours: no one called Weekends ("Jan" and "Jun" are
    # first names)
    "weekend",
    "weekends",
    "evenings",
    "mornings",
    "afternoons",
    "nights",
    "feb",
    "mar",
    "apr",
    "jul",
    "aug",
    "sep",
    "sept",
    "oct",
    "nov",
    "dec",
    "another",
    # "what about myself": "What would you like me to do for Myself?"
    "myself",
    "yourself",
    "himself",
    "herself",
    "themselves",
    "ourselves",
    # "what about liam's bill" checked a patient called "About Liam"; "ok now ben" one "Now Ben"
    "about",
    "now",
    "then",
    "only",
    "hey",
    "well",
    "but",
    "back",
    "right",
    "same",
    "other",
    "sister",
    "brother",
    # "book my other son noah too": the name was saved as "Noah Too"
    "too",
    # "quick question" at the name question: a patient "Quick Question" was made
    "quick",
    "question",
    "real",
    "q",
    # "flu shots for my 2 kids, ages 6 and 9": a new patient was made called "Ages And"
    "and",
    "or",
    "ages",
    "age",
    "both",
    "kids",
    "yrs",
    "also",
    "aswell",
    "i",
    "im",
    "my",
    "me",
    "we",
    "you",
    "the",
    "a",
    "an",
    "to",
    "for",
    "is",
    "are",
    "what",
    "when",
    "where",
    "why",
    "how",
    "who",
    "can",
    "could",
    "would",
    "do",
    "does",
    "need",
    "want",
    "appointment",
    "appt",
    "patient",
    "patients",
    "name",  # "first visit, name Ben Cole dob 14 March 1990" was a patient called "name Ben Cole"
    "book",
    "cancel",
    "reschedule",
    "bill",
    "park",
    "parking",
    "doctor",
    "dr",
    "help",
    "please",
    "yes",
    "no",
    "not",
    "dont",
    "know",
    "hi",
    "hello",
    "thanks",
    "thank",
    "ok",
    "okay",
    "sure",
    "born",
    "dob",
    "birthday",
    "today",
    "tomorrow",
    "stop",
    "never",
    "mind",
    "person",
    "human",
    "agent",
    "office",
    "clinic",
    "again",
    "sorry",
    "really",
    "urgent",
    "important",
    "emergency",
    "late",
    "early",
    # "she's new" once booked a new patient called "she's new"
    "shes",
    "hes",
    "theyre",
    "thats",
    "whats",
    "its",
    "ive",
    "youre",
    "were",
    "new",
    "old",
    "seen",
    "before",
    "been",
    # "in 2 weeks" once read as a patient called "In Weeks"
    "in",
    "on",
    "at",
    "of",
    "by",
    "maybe",
    "next",
    "this",
    "after",
    "week",
    "weeks",
    "day",
    "days",
    "month",
    "months",
    "year",
    "years",
    # what is asked for, not who asks: "Emily Johnson 4/12/1988 balance"
    "balance",
    "owe",
    "owes",
    "owed",
    "pay",
    "payment",
    "insurance",
    "due",
    # the writer's relation to the patient: "I'm his mom, Emily Johnson"
    "his",
    "her",
    "their",
    "our",
    "he",
    "she",
    "mom",
    "mother",
    "dad",
    "father",
    "parent",
    "guardian",
    "son",
    "daughter",
    "husband",
    "wife",
    "child",
    "kid",
    # booking words in a sentence of their own: "Earliest available please, any location."
    "any",
    "location",
    "either",
    "whichever",
    "anywhere",
    "anyone",
    "whoever",
    "earliest",
    "available",
    "soonest",
    "asap",
    "time",
    "visit",
    "checkup",
    "later",
    "works",
    # Spanish requests at "what is your name?": "necesito un intérprete" is no name (the
    # particles of real names, "de la", stay allowed)
    "necesito",
    "quiero",
    "ayuda",
    "hablo",
    "habla",
    "espanol",
    "español",
    "ingles",
    "inglés",
    "interprete",
    "intérprete",
    "gracias",
    "tengo",
    "puedo",
    "cita",
    "factura",
    # Spanish months: "22 de enero 1992" is a date, not a name
    "enero",
    "febrero",
    "marzo",
    "abril",
    "mayo",
    "junio",
    "julio",
    "agosto",
    "septiembre",
    "setiembre",
    "octubre",
    "noviembre",
    "diciembre",
    # a change of plan at the name question: "wait wrong day, tomorrow instead", "make it
    # monday" (the weekdays are added below), "downtown instead"
    "wait",
    "wrong",
    "actually",
    "instead",
    "make",
    "it",
    "change",
    "switch",
    "downtown",
    # "start over", "one sec", "just a moment" at the name question: no name to check
    "start",
    "over",
    "sec",
    "secs",
    "second",
    "moment",
    "minute",
    "just",
    "hold",
    "hang",
    "oops",
    "meant",
    # greetings and small talk: "Hi there. Good morning", "ok. sounds good"
    "there",
    "morning",
    "afternoon",
    "evening",
    "good",
    "great",
    "fine",
    "sounds",
    "up",
    "mixed",
    "told",
} | WEEKDAY_WORDS
NAME_PREFIXES = re.compile(
    # (the greeting a whole word: the "hi" of "his name is" was taken for one)
    # ("sorry its emily johnson", "oops, i meant Emily Johnson": a corrected name)
    r"^((hi|hello|hey|hola|yes|yeah|si|sure|ok|okay|sorry|oops|oh|ah|no|wait|actually)\b[\s,.!]*)*"
    r"(i meant|meant|my name is|my name's|name is|"
    r"name's|it's|it is|its|i am|i'm|im|this is|the patient is|patient name is|patient is|for|"
    r"soy|his name is|her name is|their name is|his name's|her name's|"
    # "name Ben Cole", "my name Ben Cole" (SMS shorthand)
    r"(my |patient )?name\b:?|"
    # a caregiver's "my dad robert miller", "my mom, mary ann o'brien", "my son is liam nguyen"
    r"(my|our) (dad|father|mom|mother|mum|son|daughter|husband|wife|partner|grandma|grandpa|"
    r"grandmother|grandfather|brother|sister|child|kid)('s name is|s name is| is|,)?|"
    r"me llamo|mi nombre es)?\s*",
    re.IGNORECASE,
)


# A word of a name: letters (any script, accented or not) with apostrophes, hyphens and dots
# inside, e.g. "O'Brien", "Mary-Ann", "St.", "José", "Dvořák". Curly apostrophes (phones type
# them) are made straight first.
NAME_WORD = re.compile(r"[^\W\d_](?:[^\W\d_]|['\-.])*")
CURLY_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "`": "'"})


# Words that are names too ("Zoe Park", "Bill Ortiz", "Julio Mayo"): names when every word of
# the answer is capitalised, as in a name; "where park", "pay bill" stay no one.
ALSO_NAMES = {
    "park",
    "bill",
    "mayo",
    "julio",
    "abril",
    "junio",
    "early",
    "late",
    "day",
    "good",
    "fine",
    "morning",
}


def _name_part(text: str) -> str:
    """The message without dates, numbers and "my name is": what may be a name."""
    text = (text or "").translate(CURLY_APOSTROPHES)
    text = re.sub(
        r"[,;]?\s*\b(born|dob|d\.o\.b\.?|date of birth|birthday)\b.*$",
        " ",
        text,
        flags=re.IGNORECASE,
    )
    # A written-out date after the name: "Maria Santos March 14 1985" (but not "Mary", "May",
    # nor "Jo Marsh 03-14-1990", which left "Jo" and a patient called "Jo patient").
    text = re.sub(
        r"\b(jan(uary)?|feb(ruary|uary)?|mar(ch)?|apr(il)?|may|june?|july?|aug(ust)?|"
        r"sept?(ember)?|oct(ober)?|nov(ember)?|dec(ember)?)\.?\s+\d.*$",
        " ",
        text,
        flags=re.IGNORECASE,
    )
    # Day first: "30 september 1975", "30 de septiembre de 1975" (a name, then the date).
    text = re.sub(
        r"\b\d{1,2}(st|nd|rd|th)?\s+(of\s+|de\s+)?[^\W\d_]{3,}\.?,?\s+(de\s+|del\s+)?\d{2,4}\b",
        " ",
        text,
        flags=re.IGNORECASE,
    )
    text = re.sub(r"\d[\d/.\-]*", " ", text)
    # "his name is robert miller and his birthday is ...": the "and his" left before the date
    text = re.sub(r"[\s,]+(and|&)(\s+(his|her|their|my))?[\s,]*$", " ", text, flags=re.IGNORECASE)
    return NAME_PREFIXES.sub("", text.strip()).strip(" .,!")


def _not_a_name(words: list[str], asked: bool = False) -> bool:
    """Words that cannot be a name. "Park" and "Bill" may be, when capitalised, or typed in
    lower case as the answer to "what is your name?" beside a plain name word ("jordan park";
    not "good morning")."""
    plain = [w.lower().replace("'", "").strip(".") for w in words]
    capitalised = all(w[:1].isupper() for w in words)
    # the surname only, after plain name words ("good morning", "bill park" stay no one)
    surname = asked and all(p not in NOT_NAME_WORDS and p not in ALSO_NAMES for p in plain[:-1])
    return any(not NAME_WORD.fullmatch(w) for w in words) or any(
        p in NOT_NAME_WORDS
        and not ((capitalised or (surname and i == len(plain) - 1)) and p in ALSO_NAMES)
        for i, p in enumerate(plain)
    )


# Words that begin a family name ("Maria de la Cruz", "Anna van der Berg").
SURNAME_PARTICLES = frozenset(
    "de del della der di da dos das du la le van von st bin ibn al".split()
)


def given_and_family(full_name: str) -> tuple[str, str]:
    """A new patient's name as a record holds it: the family name is the last word (with any
    particles before it), the given names the rest. "Jenna Marie Odell" was saved as Jenna +
    "Marie Odell", so "Jenna Odell" never matched her record again."""
    words = full_name.split()
    if len(words) < 2:
        return full_name.strip(), ""
    start = len(words) - 1
    while start > 1 and words[start - 1].lower() in SURNAME_PARTICLES:
        start -= 1
    return " ".join(words[:start]), " ".join(words[start:])


def capitalised(name: str) -> str:
    """A name typed all in lower (or upper) case, as written on a record: "mary ann o'brien" ->
    "Mary Ann O'Brien" (a new patient's record and "sophia's visit" kept the phone's lower
    case). A name with capitals of its own ("McDonald", "de la Cruz") is left as typed."""
    if not (name.islower() or name.isupper()):
        return name
    return re.sub(r"[^\W\d_]+", lambda m: m.group(0).capitalize(), name.lower())


def parse_full_name(text: str, asked: bool = False) -> tuple[str, str] | None:
    """``"my name is Maria Santos"`` → ``("Maria", "Santos")``; ``"Santos, Maria"`` too.

    Dates and numbers in the same message are ignored, so "Maria Santos 3/14/1985" works.
    ``asked``: the message answers "what is the patient's name?" ("jordan park" is a name).
    """
    whole = _whole_name(_name_part(text), asked)
    return whole if whole is not None else name_apart(text)


# Where a corrected name starts: "the name is wrong, its Jordan Baker", "sorry the name should
# be Jordan Baker", "my name is spelled Jordan Baker not Jordna Bakre".
CORRECTED_NAME_START = re.compile(
    r"\b(?:is|be|its|it's|it is|spelled|spelt|as|to)\s*[:=-]?\s+", re.IGNORECASE
)
# Where it ends: "... not Jordna Bakre", "..., thanks".
CORRECTED_NAME_END = re.compile(r"\s+(?:not|instead|rather|thanks|thank|thx|pls|please)\b|[,.;!?]")
# "my last name is spelled Whitfeld": one half of the name.
NAME_HALF = re.compile(r"\b(first|last|sur|family|given)\s*name\b", re.IGNORECASE)


def corrected_name(text: str, current: str = "") -> tuple[str, str] | None:
    """The name a patient puts right, as ``(first, last)``: the whole name after "is" / "should
    be" / "its" / "spelled", or one half of ``current`` ("my last name is spelled Whitfeld")."""
    text = text.translate(CURLY_APOSTROPHES)
    half = NAME_HALF.search(text)
    for start in reversed(list(CORRECTED_NAME_START.finditer(text))):
        rest = CORRECTED_NAME_END.split(text[start.end() :], maxsplit=1)[0].strip()
        if not rest or CORRECTED_NAME_START.match(rest + " "):
            continue  # ("its spelled j-o-r-d-a-n": not "spelled" for a first name)
        if half is not None and half.start() < start.start():
            words = rest.split()
            first, _, last = current.partition(" ")
            if len(words) == 1 and NAME_WORD.fullmatch(words[0]) and first and last:
                new = words[0][:1].upper() + words[0][1:]
                return (new, last) if half.group(1).lower() in ("first", "given") else (first, new)
        whole = _whole_name(rest, asked=True)
        if whole is not None:
            return whole
    return None


def name_apart(text: str) -> tuple[str, str] | None:
    """A name inside a longer message: a sentence that is a whole name on its own ("is my
    bill past due? Emily Johnson", "I already told you. Emily Johnson"), or a name's
    possessive ("what's Emily Johnson's balance?")."""
    sentences = [p for p in re.split(r"(?<!\b[A-Z])[.?!;:]+(?:\s|$)", text) if p.strip()]
    if len(sentences) > 1:
        for sentence in reversed(sentences):
            if (whole := _whole_name(_name_part(sentence))) is not None:
                return whole
    for match in POSSESSIVE_NAME.finditer(text.translate(CURLY_APOSTROPHES)):
        words = match.group(1).split()
        for size in range(min(len(words), 4), 1, -1):
            if (whole := _whole_name(" ".join(words[-size:]))) is not None:
                return whole
    for match in LOWER_POSSESSIVE.finditer(text.translate(CURLY_APOSTROPHES)):
        # "when is emily johnson's appointment?": typed in lower case, as often on a phone
        words = match.group(1).split()
        for size in range(len(words), 1, -1):
            if (whole := _whole_name(" ".join(words[-size:]))) is not None:
                return whole
    return None


# A lower-case name's possessive before what is asked about.
LOWER_POSSESSIVE = re.compile(
    r"\b([a-z][a-z'-]+(?: [a-z][a-z'-]+){1,2})'s (next |upcoming |last )?(appointment|appt|"
    r"balance|bill|"
    r"visit|account|checkup|physical|copay)s?\b"
)


# "Emily Johnson's balance": capitalised words before a possessive.
POSSESSIVE_NAME = re.compile(r"((?:\b[A-Z][\w'-]*\s+){1,3}[A-Z][\w-]*(?:'[A-Z][\w-]*)?)'s\b")


def _whole_name(text: str, asked: bool = False) -> tuple[str, str] | None:
    if "," in text:
        # "I already told you, Emily Johnson": the part that is a whole name on its own.
        for part in reversed(text.split(",")):
            if len(part.split()) >= 2 and (whole := _whole_name(part, asked)):
                return whole
        family, _, given = text.partition(",")
        text = f"{given.strip()} {family.strip()}"
    words = [w for w in re.split(r"\s+", text) if w]
    # "Mr. Robert Miller", "Carlos Rivera Jr.": the title and the suffix are not on the record.
    while len(words) > 2 and TITLE.fullmatch(words[0]):
        words = words[1:]
    if len(words) == 2 and TITLE.fullmatch(words[0]):
        return None  # "mrs johnson" is no first name: checked as "Mrs Johnson", a try lost
    while len(words) > 2 and SUFFIX.fullmatch(words[-1]):
        words = words[:-1]
    if len(words) > 2 and INITIAL.fullmatch(words[1]) and words[1][0].lower() not in "od":
        # A middle initial ("Emily A Johnson", "Robert I. Miller"): "a" and "I" read as words
        # made the whole name no name; it is not on the record either. (Not the "O" of
        # "Sean O Neil", nor a "D".)
        words = [words[0], *words[2:]]
    if not 2 <= len(words) <= 5 or _not_a_name(words, asked):
        return None
    return words[0].strip("."), " ".join(words[1:]).strip(".")


INITIAL = re.compile(r"[^\W\d_]\.?")
TITLE = re.compile(r"(mr|mrs|ms|miss|mx)\.?", re.IGNORECASE)
SUFFIX = re.compile(r"(jr|sr|ii|iii|iv)\.?,?", re.IGNORECASE)


# One-word answers that are not half of a name ("huh", "idk"), besides NOT_NAME_WORDS.
NOT_ONE_NAME = set(
    """
    huh hmm hm um uh idk wait nah nope yep yup ya yea k kk lol ugh thx ty nvm bye great fine good
    cool done here same what whats wat why ok okey okie alright right correct true that this
    it patient mine myself self name first last full nothing none na n/a no si sí gracias
    directions hours billing address location locations refill refills records forms results
    labs menu options start restart quit exit english spanish espanol español hola hey yo
    """.split()
)


# The second half of a double first name ("Mary Ann", "Billie Jo"): never taken for a last name.
SECOND_FIRST_NAMES = {"ann", "anne", "marie", "mae", "lou", "beth", "lynn", "sue", "jo", "kay"}


def double_first_name(text: str) -> str | None:
    """A double first name alone ("mary ann", "Billie Jo"), where the full name was asked:
    "Mary Ann", kept and the last name asked for, not checked as first "Mary", last "Ann"."""
    name = parse_full_name(text)
    words = _name_part(text).split()
    if name is None or len(words) != 2 or name[1].lower() not in SECOND_FIRST_NAMES:
        return None
    return " ".join(w if w[:1].isupper() else w[:1].upper() + w[1:] for w in name)


def one_name_word(text: str) -> str | None:
    """A lone first (or last) name given where the full name was asked: ``"emily"`` → "Emily".

    Patients often send the first name, then the last name in the next message.
    """
    words = _name_part(text).split()
    if len(words) != 1 or len(words[0].strip(".")) < 2 or _not_a_name(words):
        return None
    if words[0].lower().strip(".") in NOT_ONE_NAME:
        return None
    word = words[0].strip(".")
    return word if word[:1].isupper() else word[:1].upper() + word[1:]


# Someone other than the patient checked so far: "my husband's bill", "book my son in too".
OTHER_PERSON = re.compile(
    r"\b(?:my|our)\s+(?P<other>(?:other|another|second|third)\s+)?"
    r"(?:(?:little|older|younger|oldest|youngest|eldest|teenage|baby|step)\s*)?"
    r"(?P<who>husband|wife|spouse|partner|son|daughter|child|kid|baby|boy|girl|mom|mother|mum|"
    r"mommy|dad|father|daddy|grandma|grandmother|grandpa|grandfather|grandson|granddaughter|"
    r"brother|sister|fianc[eé]e?|boyfriend|girlfriend)(?:'?s)?\b"
    # ...not one named for how the writer gets there or when they can ("my daughter usually
    # drives me, i'd like a checkup for myself": "Has your daughter been seen here before?";
    # "my husband has the car on mondays so can I move my physical"), unless the rest of the
    # message is about them ("my husband works nights, can he come in the evening")
    # ...nor one doing the booking for the writer ("can my wife book for me": "Has your wife
    # been seen here before?")
    r"(?!\s+(?:usually\s+|always\s+|normally\s+|often\s+|will\s+|can\s+|has\s+to\s+|"
    r"is\s+)?"
    r"(?:drives?|driving|takes?\s+me|brings?\s+me|picks?\s+me|gives?\s+me|helps?\s+me|"
    r"helping\s+me|(?:has|needs|uses)\s+the\s+car|comes?\s+with\s+me|goes\s+with\s+me|"
    r"works|working|(?:(?:books?|booking|makes?|making|schedules?|scheduling|sets?|setting|"
    r"calls?|calling|writing|texting|typing|doing)\b[\w' ]{0,40}\bfor\s+me))\b"
    r"(?!.*\b(?:he|she|him|her|his|hers|they|them)\b))",
    re.IGNORECASE,
)
# The patient's brother or sister ("book his sister zoe too" after the son): someone else.
SIBLING = re.compile(
    r"\b(?:his|her|their)\s+(?:(?:little|older|younger|big|baby|twin|step|other)\s*)?"
    r"(?P<who>sister|brother|sibling|sis|bro|twin)\b",
    re.IGNORECASE,
)
# Relations a verified child can be to the parent who writes ("my son" may be the patient),
# with the words that mean the same person.
CHILD_RELATIONS = {
    "son": "son",
    "boy": "son",
    "grandson": "grandson",
    "daughter": "daughter",
    "girl": "daughter",
    "granddaughter": "granddaughter",
    "child": "child",
    "kid": "child",
    "baby": "child",
}


# The visit or record is for another person than the one being checked or just verified.
FOR_SOMEONE_ELSE = re.compile(
    r"\b(not for me|isn'?t for me|not me|it'?s for (my|our|his|her)|its for (my|our|his|her)|"
    r"this is for (my|our)|(it'?s|its|is) for him|(it'?s|its|is) for her)\b",
    re.IGNORECASE,
)
# Relatives who are grown-ups (a brother or sister may be a child).
ADULT_RELATIONS = {
    "husband", "wife", "spouse", "partner", "mom", "mother", "mum", "mommy", "dad", "father",
    "daddy", "grandma", "grandmother", "grandpa", "grandfather", "fiance", "fiancee", "fiancé",
    "fiancée", "boyfriend", "girlfriend",
}  # fmt: skip


def name_after_relation(text: str) -> tuple[str, str] | None:
    """The name said right after the relation ("my husband carlos rivera has a bill"), if any."""
    match = OTHER_PERSON.search(text or "")
    if match is None:
        return None
    rest = re.split(
        r"[,.;:!?]|\b(?:has|have|is|was|needs|wants|owes|had|and|who|appointment|appt|bill|"
        # "my father robert miller died last week": he was asked about as "robert miller died"
        r"died|passed|just|recently|will|can|cant|can't|does|did|went|got)\b",
        text[match.end() :],
        maxsplit=1,
    )[0]
    words = rest.split()[:3]
    if not 2 <= len(words) <= 3 or not all(could_be_a_name(w) for w in words):
        return None
    return parse_full_name(" ".join(words))


def adult_relative_named(texts: list[str]) -> bool:
    """Whether the writer named a grown-up relative as the patient ("my dad", "my wife")."""
    return any(relation_in(t) in ADULT_RELATIONS for t in texts)


# A child spoken of: "my 4 year old", "for my kid", "the baby", "she's 7".
CHILD_SPOKEN_OF = re.compile(
    r"\b(kids?|child|children|baby|babies|toddler|infant|newborn|teen|teenager|preschooler|"
    r"pediatric\w*|(\d{1,2}|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|"
    r"thirteen|fourteen|fifteen|sixteen|seventeen)[ -](year|yr|month|week)s?[ -]old|"
    r"(she|he)'?s (\d{1,2}|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)\b)",
    re.IGNORECASE,
)


def child_named(texts: list[str]) -> bool:
    """Whether the writer spoke of a child as the patient ("my son", "my 4 year old")."""
    return any(
        relation_in(t) in CHILD_RELATIONS or CHILD_SPOKEN_OF.search(t or "") for t in texts
    )


def relation_in(text: str) -> str | None:
    """The relation a message names ("son" in "whens my sons appt"), if any."""
    match = OTHER_PERSON.search(text or "")
    return match["who"].lower() if match else None


# "my wife passed last month", "since my husband died": said of a relative who has died (not
# "my son passed his driving test", "my dad passed out").
DIED = (
    r"(?:just\s+|recently\s+|suddenly\s+|has\s+|had\s+)?(?:died|passed away|passed on|"
    r"passed(?!\s+(?:out|his|her|their|the|a|an|my|it|by|through|on|over|all)\b))"
)
HAS_DIED = re.compile(rf"\s+{DIED}\b", re.IGNORECASE)


def living_relation_in(text: str) -> str | None:
    """The relation a booking may be for: not one who has died ("my wife passed last month
    and i cant sleep, can i see dr patel": "Has your wife been seen here before?")."""
    for match in OTHER_PERSON.finditer(text or ""):
        if not HAS_DIED.match(text[match.end() :]):
            return match["who"].lower()
    return None


# After "my daughter": her first name ("book my daughter Zoe"), capitalised as names are.
NAME_AFTER_RELATION = re.compile(r"^,?\s+(?P<name>[A-Z][\w'-]+)")


# "... too", "... as well", "another one for ...": a child besides the one verified.
ANOTHER_CHILD_TOO = re.compile(r"\b(too|as well|also|another one)\b", re.IGNORECASE)


def someone_else(
    text: str, patient_is_minor: bool, patient_relation: str | None = None, patient_name: str = ""
) -> str | None:
    """The relation named when the message is about a person other than the verified patient
    ("husband"), else None. A parent who verified their child may still say "my son", but not
    "my daughter" when it was their son they asked about, nor "my other son", nor "my
    daughter Zoe" when the child verified is Liam, nor a child who is "a new patient"."""
    match = OTHER_PERSON.search(text or "")
    if match is None:
        return None
    who = match["who"].lower()
    following = re.match(r"^,?\s+([^\W\d_][\w'-]*)", text[match.end() :])
    own = {normalize_name(w) for w in patient_name.split()}
    if following and own and normalize_name(following[1]) in own and not match["other"]:
        return None  # "book my wife emily johnson" while Emily is verified: her, by name
    if match["other"] or not patient_is_minor or who not in CHILD_RELATIONS:
        return who
    if ANOTHER_CHILD_TOO.search(text):
        # "can i book my son leo too, hes 9" after his sister's booking ("my 2 kids"): his
        # visit was booked on her record
        return who
    named = NAME_AFTER_RELATION.match(text[match.end() :])
    own = {normalize_name(w) for w in patient_name.split()}
    if named and own and _name_like(named["name"]) and normalize_name(named["name"]) not in own:
        return who  # "my daughter Zoe" while Liam is verified
    if NEW_PATIENT_SAID.search(text):
        return who  # the verified child has been seen here: a new patient is another child
    said = CHILD_RELATIONS.get(patient_relation or "", "child")
    same = CHILD_RELATIONS[who]
    return None if "child" in (said, same) or said == same else who


NEW_PATIENT_SAID = re.compile(
    r"\b(new patient|(she|he|they)('s| is| are|s) new|never been seen|first (time|visit))\b",
    re.IGNORECASE,
)


# The writer asking for their own records or visit ("what do I owe", "my balance", "book me").
OWN_REQUEST = re.compile(
    r"\b(?:my\s+(?:own\s+)?(?:balance|bill|bills|account|statement|statements|appointment|"
    r"appointments|appt|appts|visit|visits|checkup|physical)|(?:do|did|much do|what do)\s+i\s+"
    r"(?:owe|have)|i\s+owe|for\s+me|for\s+myself|book\s+me|get\s+me\s+in|my\s+own|mine|"
    r"(?:and|now|what about|how about)\s+(?:me|mine)|me\s+(?:too|as\s+well)|same\s+for\s+me|"
    r"i\s+(?:need|want)\s+(?:one|it|that|the same)\s+(?:too|as\s+well))\b",
    re.IGNORECASE,
)
# "I'm his mom", "I'm her son": the writer, not someone else.
WRITER_AS_PARENT = re.compile(
    r"\b(?:his|her|their)\s+(?:mom|mother|mum|dad|father|parent|guardian|grandma|grandmother|"
    r"grandpa|grandfather|son|daughter|husband|wife|partner|caregiver|carer)\b",
    re.IGNORECASE,
)
# Who else a message may be about: the verified child, in a parent's words.
THIRD_PERSON = re.compile(r"\b(he|him|his|she|her|hers|they|them|their)\b", re.IGNORECASE)


# "for me not him", "mine, not liam's": the person the writer says it is not about.
NOT_THEM = re.compile(r"\bnot\s+(?:for\s+|about\s+)?[^\W\d_][\w'-]*", re.IGNORECASE)


def writer_asks_for_own(text: str, patient_name: str) -> bool:
    """Whether the message asks for the writer's own records or visit ("what do I owe?", "for
    me not him"), not the verified patient's ("what does he owe", "Liam's appointment")."""
    text = WRITER_AS_PARENT.sub(" ", (text or "").translate(CURLY_APOSTROPHES))
    if not OWN_REQUEST.search(text):
        return False
    text = NOT_THEM.sub(" ", text)
    first = re.escape(patient_name.split()[0]) if patient_name.split() else "him"
    # "book me too, right after liam", "same day as him": the child is where, not whose (the
    # parent's visit was booked on Liam's record)
    text = re.sub(
        rf"\b(?:after|before|with|as|like|behind|than)\s+(?:him|her|hers|his|them|theirs|{first})\b",
        " ",
        text,
        flags=re.IGNORECASE,
    )
    if THIRD_PERSON.search(text):
        return False
    names = {normalize_name(w) for w in patient_name.split()}
    return not any(normalize_name(w) in names for w in re.findall(r"[^\W\d_][\w'-]*", text))


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
    ):
        return None
    return name


# "Carlos here, i need to move my appt": a capitalised first name at the start, then "here".
FIRST_NAME_HERE = re.compile(r"^\W*(?:(?:hi|hello|hey)\W+)?(?P<name>[A-Z][\w'-]+)\s+here\b")
# How people say how they are, capitalised as if a name ("I'm Pregnant, can i book").
NOT_INTRODUCED = frozenset(
    {
        "sick", "ill", "late", "new", "back", "sorry", "fine", "okay", "ready", "done", "home",
        "busy", "free", "sure", "here", "pregnant", "deaf", "blind", "disabled", "old", "away",
        "lost", "stuck", "calling", "texting", "writing", "trying", "wondering", "hoping",
    }
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
    if not said and not word[:1].isupper():
        return None
    plain = word.lower()
    if plain.endswith(("'s", "s'")) or plain in NOT_INTRODUCED or not _first_name_alone(word):
        return None
    if len(plain) >= 6 and STATE_WORD_ENDING.search(plain):
        return None  # "I'm Confused", "This is Ridiculous", "I am Diabetic"
    return one_name_word(word)


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
WRITER_RELATION = re.compile(
    r"\b(?:i'?m|im|i am|this is|its|it'?s)\s+(?:actually\s+|just\s+)?"
    r"(?:his|her|their|[^\W\d_][\w-]*(?:\s+[^\W\d_][\w-]*)?'?s)\s+(?:wife|husband|partner|"
    r"spouse|son|daughter|mom|mother|mum|dad|father|sister|brother|grandson|granddaughter|"
    r"niece|nephew|caregiver|carer|friend|neighbou?r|fianc[eé]e?|boyfriend|girlfriend)\b",
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


# "balance for Carlos Rivera", "appointments for Liam Nguyen": whose data, by a capitalised name.
DATA_FOR_NAME = re.compile(
    r"\b(?i:balance|bill|bills|account|statement|appointments?|appts?|visits?)\s+(?i:for|of)\s+"
    # "for my son Liam Nguyen": the name is the patient's
    r"(?:(?i:my|our)\s+(?i:son|daughter|child|kid|boy|girl|baby|husband|wife|partner|mom|mother|"
    r"dad|father),?\s+)?"
    r"(?P<name>[A-Z][\w'-]+(?:\s+[A-Z][\w'-]+){1,2})\s*[?.!]*$"
    # "what does Carlos Rivera owe?"
    # "what does Carlos Rivera owe", "and what does carlos rivera owe" (two or three name words:
    # "my son" is no name, see parse_full_name)
    r"|\b(?i:what|how much)\s+(?i:does|do)\s+(?P<owes>[^\W\d_][\w'-]+(?:\s+[^\W\d_][\w'-]+)"
    r"{1,2})\s+(?i:owe|have)\b"
)


def staff_name_words() -> set[str]:
    """Every word of the clinicians' names: a name made of them is a clinician's, not a
    patient's ("appointments for Priya Patel")."""
    return {normalize_name(w) for p in get_clinic().practitioners for w in p.name.split()}


def named_for(text: str) -> tuple[str, str] | None:
    """The patient named at the end of a request ("what's the balance for Carlos Rivera"),
    capitalised as names are ("appointment for next week" is no one); clinicians excluded."""
    match = DATA_FOR_NAME.search((text or "").translate(CURLY_APOSTROPHES).strip())
    if match is None:
        return None
    name = parse_full_name(match["name"] or match["owes"])
    staff = staff_name_words()
    if name is None or any(normalize_name(w) in staff for w in " ".join(name).split()):
        return None
    return name


# "what's Emily's balance", "carlos rivera's appointment": a person's data asked for by name.
NAMED_DATA = re.compile(
    r"\b(?P<name>[^\W\d_][\w'-]*(?:\s+[^\W\d_][\w'-]*)?)['’]s\s+"
    r"(?:next\s+|last\s+|upcoming\s+|open\s+|current\s+)?"
    r"(?:balance|bill|bills|appointment|appointments|appt|appts|visit|visits|account|statement|"
    # "can you cancel carlos's checkup monday" (Emily verified) offered to cancel hers
    r"(?:(?:annual|well[- ]child|well|sick|flu|follow[- ]?up)\s+)?(?:checkup|check-up|physical|"
    r"exam|shot|shots|vaccination|vaccine|visit|follow[- ]?up))\b",
    re.IGNORECASE,
)


# The same typed without the apostrophe ("aisha khans balance"): the name is what is left.
NAMED_DATA_BARE = re.compile(
    r"\b(?P<name>[^\W\d_][\w-]*?(?:\s+[^\W\d_][\w-]*?)?)s\s+"
    r"(?:next\s+|last\s+|upcoming\s+|open\s+|current\s+)?"
    r"(?:balance|bill|bills|appointment|appointments|appt|appts|account|statement)\b",
    re.IGNORECASE,
)
# "what does liam owe", "does liam have an appointment", "ok and liam?": the same, said of them.
NAMED_SUBJECT = re.compile(
    r"\b(?:does|did|will)\s+(?P<name>[^\W\d_][\w'-]*(?:\s+[^\W\d_][\w'-]*)?)\s+(?:still\s+)?"
    r"(?:owe|have\s+(?:a|an|any)\s+(?:balance|bill|bills|appointment|appointments|appt|appts|"
    r"visit|visits)|have\s+anything|need\s+to\s+pay)\b",
    re.IGNORECASE,
)
# "what appointments does liam have", "which bills does ava have": the same, asked the other way.
WHAT_THEY_HAVE = re.compile(
    r"\b(?:what|which|any)\s+(?:appointments?|appts?|visits?|bills?|balance)\s+(?:does|did|will)\s+"
    r"(?P<name>[^\W\d_][\w'-]*(?:\s+[^\W\d_][\w'-]*)?)\s+(?:still\s+)?(?:have|owe)\b",
    re.IGNORECASE,
)
ABOUT_FIRST_NAME = re.compile(
    r"^\W*(?:ok(?:ay)?,?\s+)?(?:and|what about|how about|now)\s+(?P<name>[^\W\d_][\w'-]*)\W*$",
    re.IGNORECASE,
)


# "and billing?", "and both?", "and now?": no one.
NOT_ASKED_ABOUT = {
    "they", "them", "him", "her", "his", "hers", "me", "us", "mine", "both", "all", "everything",
    "everyone", "anything", "anybody", "somebody", "so", "wait", "now", "then", "also", "billing",
    "bill", "bills", "balance", "hours", "directions", "address", "parking", "insurance", "again",
    "later", "earlier", "soon", "next", "last", "please", "pls", "thanks", "yes", "no", "ok",
    # what a follow-up may ask about instead of a person: "what about blood work"
    "blood", "work", "lab", "labs", "xray", "xrays", "shot", "shots", "vaccine", "vaccines",
    "test", "tests", "results", "refill", "refills", "records", "forms",
}


def could_be_a_name(word: str) -> bool:
    """Whether a lower-case word may be part of a person's name (see ``_first_name_alone``)."""
    return _first_name_alone(word)


def _first_name_alone(word: str) -> bool:
    """A word said alone after "and"/"what about" that is a person's first name: not a common
    word, nor a word of clinic.yml (an office, a visit, a plan, a clinician: "and north?")."""
    plain = word.lower()
    if plain in NOT_ASKED_ABOUT or not _name_like(word):
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


# Words ending in "s" that are no name's possessive without the apostrophe ("this bill").
WORDS_ENDING_IN_S = {"this", "his", "its", "is", "was", "yes", "us", "thus", "plus", "bus"}


def named_other(text: str, patient_name: str) -> str | None:
    """The name of someone other than the verified patient whose balance or appointments are
    asked for by name ("what's Emily's balance", "what does Liam owe", "and liam?" while Emily
    is verified), else None."""
    plain = (text or "").translate(CURLY_APOSTROPHES)
    match = NAMED_DATA.search(plain) or NAMED_SUBJECT.search(plain) or WHAT_THEY_HAVE.search(plain)
    if match is None and (bare := NAMED_DATA_BARE.search(plain)) is not None:
        # "whats aisha khans balance", "what about liams bill": the name without its "s"
        said = bare["name"].split()[-2:]
        if said and f"{said[-1]}s".lower() in WORDS_ENDING_IN_S:
            said = []  # "whats this bill for" was asked about someone called "Thi"
        while said and not all(_first_name_alone(w) for w in said):
            said = said[1:]
        own = {normalize_name(w) for w in patient_name.split()}
        if said and not any(normalize_name(w) in own for w in said):
            return " ".join(w[:1].upper() + w[1:] for w in said)
    if match is None:
        match = ABOUT_FIRST_NAME.match(plain)
        if match is None or not _first_name_alone(match["name"]):
            return None
    # The name is the last word, with the one before it when that is a name too.
    words = [w for w in match["name"].split()[-2:] if _name_like(w)]
    if (
        len(match["name"].split()) > 1
        and len(words) == 1
        and not _name_like(match["name"].split()[-1])
    ):
        words = []
    own = {normalize_name(w) for w in patient_name.split()}
    if not words or any(normalize_name(w) in own | staff_name_words() for w in words):
        return None
    if any(w.lower() in OTHER_WORDS for w in words):
        return None  # "my son's appointment", "today's appointment": not a name
    return " ".join(w[:1].upper() + w[1:] for w in words)


# "book ava too", "ok now ben, back to back", "book ava's flu shot right after liam's": a first
# name alone, after a booking word or before "'s" (it was booked on the verified child's record).
FIRST_NAME_BOOKED = re.compile(
    r"\b(?:book|schedule|get|add|do|now|for|and)\s+(?:in\s+)?(?=(?P<name>[^\W\d_][\w-]*))"
    r"|\b(?P<owner>[^\W\d_][\w-]*)'s\s+(?:\w+\s+)?(?:visit|shot|checkup|check-up|physical|"
    r"appointment|appt|exam)\b",
    re.IGNORECASE,
)
# ...said with "too", "also", "next" or a second visit ("now ben"): besides the one verified.
BESIDES = re.compile(r"\b(too|also|as well|another|next|now|after|before|back to back|both)\b")


def other_first_name(text: str, patient_name: str) -> str | None:
    """The first name of another person to book for, said alone ("book ava too"), when it is
    not the verified patient's nor a clinician's; None otherwise."""
    plain = (text or "").translate(CURLY_APOSTROPHES)
    if not BESIDES.search(plain.lower()):
        return None
    own = {normalize_name(w) for w in patient_name.split()}
    for match in FIRST_NAME_BOOKED.finditer(plain):
        word = match["name"] or match["owner"]
        if not _first_name_alone(word) or normalize_name(word) in own | staff_name_words():
            continue
        if word.lower() in CHILD_RELATIONS or word.lower() in OTHER_WORDS:
            continue
        return word[:1].upper() + word[1:].lower()
    return None


def first_name_follow_up(text: str) -> str | None:
    """ "and liam?", "ok what about ava": a first name alone after a look-up, else None."""
    match = ABOUT_FIRST_NAME.match((text or "").translate(CURLY_APOSTROPHES))
    if match is None:
        return None
    name = re.sub(r"'s$", "", match["name"], flags=re.IGNORECASE)
    return name if _first_name_alone(name) else None


# "what about Aisha Khan, when is she coming in?": another person, by a capitalised full name.
ABOUT_NAME = re.compile(
    r"\b(?i:what about|how about|and what about|now for|and for|also for|same for|"
    r"and also|can you check|could you check)\s+(?P<name>[A-Z][\w'-]+\s+[A-Z][\w'-]+)"
)


# ... or typed in lower case, ending the message ("what about carlos rivera" repeated the
# verified patient's balance).
LOWER_ABOUT_NAME = re.compile(
    r"\b(?:what about|how about|and what about|now for|and for|also for|same for|can you check|"
    r"could you check)\s+(?P<name>[a-z][\w'-]+\s+[a-z][\w'-]+)(?:'?s)?"
    r"(?:\s+(?:too|also|as well|please|pls))?\W*$"
)


def asked_about_name(text: str, patient_name: str) -> str | None:
    """The full name a follow-up asks about ("what about Aisha Khan?") when it is not the
    verified patient's nor a clinician's, else None."""
    plain = (text or "").translate(CURLY_APOSTROPHES)
    match = ABOUT_NAME.search(plain)
    if match is None:
        match = LOWER_ABOUT_NAME.search(plain)
        if match is None or not all(_first_name_alone(w) for w in match["name"].split()):
            return None
        match = re.match(r"(?P<name>.+)", " ".join(w.capitalize() for w in match["name"].split()))
        assert match is not None
    words = match["name"].split()
    own = normalize_name(patient_name)
    if normalize_name(" ".join(words)) == own or not all(_name_like(w) for w in words):
        return None
    if any(normalize_name(w) in staff_name_words() for w in words):
        return None
    return " ".join(words)


def _name_like(word: str) -> bool:
    plain = word.lower().replace("'", "")
    return plain not in NOT_NAME_WORDS and plain not in OTHER_WORDS and plain not in VERB_WORDS


def relation_asked_about(tracker: Tracker) -> str | None:
    """The last relation the writer named in this session ("whens my sons appt"): who the
    patient being verified is to them."""
    for event in reversed(tracker.events):
        if event.get("event") == "session_started":
            break
        if event.get("event") == "user":
            relation = relation_in(event.get("text") or "")
            if relation:
                return relation
    return None


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
            or any(not _name_like(w) or w.lower() in NOT_AFTER_RELATIVE for w in words)
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
    relation = OTHER_PERSON.search(text)
    if relation is not None:
        # "my son sam needs a sick visit": the word after the relation is the son
        after = re.match(r"\W+(?:named |called )?([a-z][a-z'-]+)\b", text[relation.end() :], re.I)
        if after is not None and normalize_name(after[1]) in staff_name_words():
            start = relation.end() + after.start(1)
            text = text[:start] + " " + text[relation.end() + after.end(1) :]
    return text
