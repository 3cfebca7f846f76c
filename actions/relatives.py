"""Someone other than the patient, named by their relation to the writer: "my husband's bill",
"book my son in too", "my wife passed last month"; and the writer's own request told apart from
theirs ("what do I owe?", "for me not him").

Only reading; ``actions/identity.py`` decides whose record a message is about.
"""

from __future__ import annotations

import re

from rasa_sdk import Tracker

from actions.clients.fhir_model import normalize_name
from actions.name_words import could_be_a_name, name_like
from actions.names import CURLY_APOSTROPHES, parse_full_name

# Someone other than the patient checked so far: "my husband's bill", "book my son in too".
OTHER_PERSON = re.compile(
    r"\b(?:my|our)\s+(?P<other>(?:other|another|second|third)\s+)?"
    # ("for me and my 2 kids": the children were forgotten once the writer's visit was booked)
    r"(?:(?:two|three|four|2|3|4|both)\s+)?"
    # ("my elderly father Robert Miller": "You have no upcoming appointments")
    r"(?:(?:little|older|younger|oldest|youngest|eldest|teenage|teen|baby|step|elderly|aging|"
    r"ageing|aged|sick|disabled|late)\s*)?"
    r"(?P<who>husband|wife|spouse|partner|son|daughter|child|kid|baby|boy|girl|mom|mother|mum|"
    r"mommy|dad|father|daddy|grandma|grandmother|grandpa|grandfather|grandson|granddaughter|"
    # ("can i book my toddler a sick visit": "Have you been seen here before?")
    r"brother|sister|fianc[eé]e?|boyfriend|girlfriend|toddler|infant|newborn|teenager|teen)"
    r"(?:'?s)?\b"
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
    "toddler": "toddler",
    "infant": "baby",
    "newborn": "baby",
    "teen": "teen",
    "teenager": "teen",
}


# The visit or record is for another person than the one being checked or just verified.
FOR_SOMEONE_ELSE = re.compile(
    r"\b(not for me|isn'?t for me|not me|it'?s for (my|our|his|her)|its for (my|our|his|her)|"
    r"this is for (my|our)|(it'?s|its|is) for him|(it'?s|its|is) for her)\b",
    re.IGNORECASE,
)
# The sex a relation says ("my husband": male), to tell the writer's own record from theirs.
RELATION_SEX = {
    **dict.fromkeys(
        ("husband", "son", "boy", "dad", "father", "daddy", "grandpa", "grandfather", "grandson",
         "brother", "boyfriend", "fiance", "fiancé"),
        "male",
    ),
    **dict.fromkeys(
        ("wife", "daughter", "girl", "mom", "mother", "mum", "mommy", "grandma", "grandmother",
         "granddaughter", "sister", "girlfriend", "fiancee", "fiancée"),
        "female",
    ),
}  # fmt: skip


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
    r"\d{1,2} ?(?:y/o|y\.o\.?|yo(?![a-z]))|"
    r"(she|he)'?s (\d{1,2}|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)\b)",
    re.IGNORECASE,
)


def child_named(texts: list[str]) -> bool:
    """Whether the writer spoke of a child as the patient ("my son", "my 4 year old")."""
    return any(relation_in(t) in CHILD_RELATIONS or CHILD_SPOKEN_OF.search(t or "") for t in texts)


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
    if named and own and name_like(named["name"]) and normalize_name(named["name"]) not in own:
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
