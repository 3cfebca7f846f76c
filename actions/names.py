"""A person's name in a patient's own words: "my name is Maria Santos", "Santos, Maria", "Maria
Santos 3/14/1985", a name put right ("its spelled Jordan Baker") or given a word at a time
("emily", then "johnson").

Every question that asks for a name reads the answer the same way, so that a date, a greeting
or "quick question" is never taken for a patient called so. Who the name belongs to is read
elsewhere (``actions/mentions.py`` and the modules it uses).
"""

from __future__ import annotations

import re

from actions.clinic_config import WEEKDAY_NAMES

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

NOT_NAME_WORDS = (
    ORDINAL_DAY_WORDS
    | NUMBER_MONTH_AND_VERB_WORDS
    | {
        # "my dad needs a refill": no one called "Needs Refill" (the "a" taken for an initial)
        "needs",
        "wants",
        "has",
        "have",
        "refill",
        "refills",
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
        # "first visit, name Ben Cole dob 14 March 1990" was a patient called "name Ben Cole"
        "name",
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
    }
    | WEEKDAY_WORDS
)
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
    for match in RELATIVE_NAMED.finditer(text.translate(CURLY_APOSTROPHES)):
        # "writing on behalf of my elderly father Robert Miller who has an appointment": the
        # name was asked next, as if not given
        words = match.group(1).split()
        for size in range(len(words), 1, -1):
            if (whole := _whole_name(" ".join(words[:size]))) is not None:
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


# A relative named, capitalised, inside a longer message: "my elderly father Robert Miller".
RELATIVE_NAMED = re.compile(
    r"\b(?:my|our) (?:[a-z]+ )?(?:dad|father|mom|mother|mum|son|daughter|husband|wife|partner|"
    r"grandma|grandpa|grandmother|grandfather|brother|sister|child|kid)(?:'s name is|s name is| is|"
    r" named| called|,)? ((?:[A-Z][\w'-]*\s+){1,3}[A-Z][\w'-]*)"
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
