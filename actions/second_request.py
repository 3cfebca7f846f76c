"""A second request in the same message ("cancel my physical and book my son a checkup", "when
is my appointment and where do I park?").

The request the model recognised is handled first; the other one is remembered
(``pending_request``) in the patient's own words. A quick question (parking, hours, insurance)
is then answered straight away; another task is offered: "You also asked: 'book my son a
checkup'. Shall we do that now?", and a yes (button or typed, ``actions/fallback.py``) replays
those words as that request, so the next form reads them as if just written, including who it
is for.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import ActionExecuted, EventType, SlotSet, UserUttered
from rasa_sdk.executor import CollectingDispatcher

from actions.amenities import AMENITIES
from actions.booking_guards import ASKS_WOMAN
from actions.clients.rasa_nlu import RasaNluClient
from actions.dates import parse_when
from actions.formatting import a_or_an
from actions.matching import find_visit_type
from actions.relatives import OTHER_PERSON
from actions.remembered_patient import forget_patient
from actions.settings import get_clinic, get_settings
from actions.tracker_reading import (
    form_activation_index,
    form_request,
    last_event,
    selected_faq_key,
)

# A clause about the fees or the policy of cancelling or moving, not a request to do it.
NOT_THE_POLICY = r"^(?!.*\b(fees?|policy|policies|penalty|penalties|charged?|cost)\b)"
# How each task is usually asked for, in a clause of its own.
TASK_WORDS = {
    "book_appointment": re.compile(
        r"\b(book|schedule|make (an|a|another|a new) (appointment|appt)|"
        r"set up (an|a) (appointment|appt|visit)|get (me|him|her|them|us|my \w+) (in|seen)|"
        # "yes. can he be seen for the sick thing tomorrow instead" at "Cancel it?": cancelled,
        # and "Would you like to book another time?"
        r"(can|could) (i|we|he|she|they|my \w+) (be|get) seen|"
        # "and also i think i might need to see someone about my knee" (after a look-up: lost)
        r"((?<!do i )(?<!do we )(?<!does he )(?<!does she )"  # ("do i need to see a doctor?")
        r"(need|needs|want|wants|would like|'d like|have) to|(can|could) (i|we|he|she|they)) "
        r"see (someone|somebody|a doctor|a dr|the doctor|a provider|(dr\.?|doctor) [a-z]+)"
        r"\b(?!'s\b)(?! (about|for|re|regarding) (my |the |this |a |our |his |her )?"
        r"(bills?|balance|charges?|invoice|payments?|insurance|statement|account))|"
        # "hi im new to the area and looking for a primary care doc": booked, and then the
        # services list came as a question of its own
        r"(looking for|searching for|trying to find|want to find|need to find|in need of|"
        r"need a new|want a new) (a |an )?(new )?(primary care |family |regular |pediatric )?"
        r"(doc|doctor|dr|physician|provider|pcp|pediatrician|gp|primary care)\b(?!'s\b)|"
        # "i need a sick visit and i need a spanish interpreter": the booking was dropped
        r"(i|we|he|she|they|my \w+) (need|needs|want|wants|would like|'d like) (a|an|another) "
        r"(new )?(appointment|appt|sick visit|physical|checkup|check up|check-up|follow up|"
        r"follow-up|visit))\b",
        re.IGNORECASE,
    ),
    # Not the policy ("is there a fee for cancelling", "whats your cancellation policy"):
    # that is a common question, and a "yes" to it started a cancellation.
    "cancel_appointment": re.compile(rf"{NOT_THE_POLICY}.*\bcancel", re.IGNORECASE),
    "reschedule_appointment": re.compile(
        rf"{NOT_THE_POLICY}.*\b(reschedule|resched|move|push back|change the (time|day|date))\b",
        re.IGNORECASE,
    ),
    "check_appointment": re.compile(
        r"\b(when is|when's|whens|what time is|check on) (my|his|her|our)\b|"
        # "when is liams appointment and what does he owe": only the balance was answered
        r"\b(when is|when's|whens|what time is) [a-z]+'?s (next )?(appointment|appt|visit|"
        r"checkup|check up|physical)s?\b|"
        # "what are my bills and appointments": the clause "appointments" alone
        r"^\s*((my|her|his|our|their) )?(upcoming |next )?(appointments|appts)\W*$|"
        # "hey its carlos rivera 9/30/75, what appointments do i have": "Did you want to
        # check your upcoming appointments?" cost a turn
        r"\bwhat (appointments|appts|visits) (do|does) (i|we|he|she|my \w+) have\b|"
        r"\bdo (i|we) (still )?have (any |an )?(upcoming |coming )?(appointments?|appts?)"
        r"(?! (available|open|free))\b|"
        r"\bwhat (are|r) (my|our) (upcoming |next )?(appointments|appts)\b",
        re.IGNORECASE,
    ),
    # "i was charged twice for my last visit and i need to cancel tuesday": the dispute was lost
    "billing_dispute": re.compile(
        r"\b((charged|billed) (me )?(twice|double|two times|for (something|a \w+ i never))|"
        r"double (charged|billed)|overcharged|dispute|refund|wrong (charge|bill|amount)|"
        r"(bill|charge|statement) (is|was|looks|seems) (wrong|incorrect|too high|off))\b",
        re.IGNORECASE,
    ),
    "billing_balance": re.compile(
        # "balance" and "owe(s)" cover "my balance", "Emily's balance", "what does my son owe";
        # "her appointments and bills" asks for both (not "i can't afford more bills").
        r"\b(balance|owe|owes|how much is my bill|amount due|"
        r"(?<!pay )(my|her|his|our|their) bills?(?! (is|was|looks|seems) (wrong|off|too))|"
        r"help with (my|her|his|our|their) (bill|bills|account)|(overdue|past due) (bill|balance)|"
        r"(bill|balance) (is |was )?(overdue|past due))\b|"
        r"^\s*bills\W*$",
        re.IGNORECASE,
    ),
}
# Quick questions: answered at once after the first request, without asking.
QUESTION_WORDS = {
    # ("my kids Ava Park and Ben Park need checkups": parking was answered, Ben forgotten)
    "parking": re.compile(
        r"\b(parking|validate|validation)\b|\b(i|we|to|can|do|you|u|should|where|ill|i'll|they|"
        r"he|she|cant|can't|could|gonna|go|free)\s+park\b|\bpark\s+(there|here|at|in|on|for|"
        r"near|nearby|close|free|the car|my car)\b"
        # "what are your hours and is there a bike rack": the rack was dropped
        rf"|{AMENITIES['bike_parking'].pattern}|{AMENITIES['ev_charging'].pattern}"
        rf"|{AMENITIES['facilities'].pattern}",
        re.IGNORECASE,
    ),
    "clinic_hours": re.compile(
        r"\b(hours|what time (do|does|are) (you|u)|(are|r) (you|u) open|open (on|today|tomorrow|"
        r"tmrw|now|right now|saturday|sunday)"
        # "nevermind, can you just tell me when the office opens tomorrow": the chat was given
        # back, and the question lost
        r"|when (do|does|will) (you|u|the (office|clinic)|your (office|clinic)|it) (open|close)"
        r"|when (you|u|the (office|clinic)|your (office|clinic)|it) (opens?|closes?)"
        r"|(opening|closing) time)\b",
        re.IGNORECASE,
    ),
    "directions": re.compile(
        # (not the patient's own: "my new address is different" is for the front desk)
        r"\b(where is|where's|wheres|(?<!my )(?<!new )(?<!home )(?<!mailing )address|"
        r"directions|how do i get|where (the|your) "
        r"(clinic|office|offices) (is|are)|where (you|u) are|where are (you|u)|"
        # "where do i park and is there a bus": the route by bus or train is in the directions
        r"bus|buses|bus stop|train|light rail|transit|public transport\w*|"
        # "what floor are you on and what are your hours": the floor was dropped
        r"(what|which) (floor|suite|building|entrance)|floor (are|r|is) (you|u|it))\b",
        re.IGNORECASE,
    ),
    "billing_insurance": re.compile(
        # "do you take walk ins" is no plan
        r"\b(insurance|((do|does|will) (you|u|ya) (take|accept)|(you|u) take)"
        r"(?! (walk|appointments?|appts?|new patients|patients|kids|children|cash|cards?|credit"
        r"|debit|checks?|apple pay|google pay|payments?|same day))|accepted"
        # "..., will my appointment be covered" (it got the phone-visit answer); not "covered
        # in a rash"
        r"|(be|is|it|are|they|get|gets|getting|i'?m|am i|was|were) covered(?! in\b)|coverage"
        r"|in[- ]network)\b",
        re.IGNORECASE,
    ),
    "billing_pay": re.compile(
        r"\b(how (do|can) i pay|pay (my |the |a )?bill|payment plan)\b", re.IGNORECASE
    ),
    "contact_info": re.compile(
        r"\b(phone number|fax|email address|"
        # the patient's own details changed: the front desk updates them ("i moved and my new
        # address is different, and do i still owe anything" fell back to "directions?")
        r"(my|our) (new )?(home |mailing )?address (is|has) (different|changed|wrong|new)|"
        r"(update|change) (my|our) (home |mailing )?address|change of address)\b",
        re.IGNORECASE,
    ),
    "ask_clinicians": re.compile(
        r"\b(who are (your|the|ur) (doctors|providers|clinicians|drs)|(which|what) (doctors|"
        r"providers|clinicians)|(female|male|woman|women|lady|man) (doctor|dr|doc|provider|"
        r"physician|clinician)s?|a pediatrician|a gyn\w*|(taking|accepting) new patients)\b",
        re.IGNORECASE,
    ),
}
REQUEST_WORDS = {**TASK_WORDS, **QUESTION_WORDS}
# Done straight after the first request, without "Shall we?": questions, and looking up.
AT_ONCE = set(QUESTION_WORDS) | {"check_appointment", "billing_balance", "complaint"}
NEEDS_IDENTITY = {"check_appointment", "billing_balance"}
# Requests that end with the chat handed to staff, who read the whole message: nothing is kept
# to offer after them (the chat is theirs by then).
HANDED_OVER = {"billing_dispute"}
# Requests one already covers: moving an appointment books the new time and frees the old;
# booking answers a plan named with it first ("a check-up, I have Kaiser").
INCLUDED = {
    "reschedule_appointment": {"book_appointment", "cancel_appointment"},
    "book_appointment": {"billing_insurance"},
}
# A missed appointment asked to be made again: "I missed my appointment yesterday, can I
# reschedule" moved the next one coming up (it has passed: a new booking, read so by
# addons/task_words_guard.py), and its "reschedule" is no second request ("Let's do one thing at
# a time: first the booking, then 'can I reschedule'"). Not "i'm going to miss my appointment
# tomorrow", a move.
MISSED_REBOOKED = re.compile(
    r"\b(?:missed|didn'?t make it to|couldn'?t make it to|forgot(?: about)?|no[- ]?showed)"
    r"(?: (?:my|our|his|her|their|the))? (?:\w+ )?(?:appointment|appt|visit|physical|check ?up)\b"
    r".{0,40}\b(?:reschedul\w*|re-?book\w*|re-schedul\w*|book (?:a|another|a new)|new (?:one|"
    r"appointment|appt|time)|another (?:one|appointment|appt|time))\b",
    re.IGNORECASE,
)
# Where one request ends and the next begins.
CLAUSE_BREAK = re.compile(r"\b(?:and|also|then|plus|after that)\b|[,;.!?]", re.IGNORECASE)
MAX_REQUEST_CHARS = 160
# The opening of the question; a typed "yes" right after it takes the request.
OPENING = "You also asked:"
CLEAR = [SlotSet("pending_request", None)]
# Set in the parse data by addons/task_words_guard.py: a complaint that asked for a task ("this
# is ridiculous … just cancel my appointment"). The task comes first; the complaint, kept whole
# for staff, is handed over right after it (or when the patient stops the task).
WITH_COMPLAINT = "with_complaint"
# Parse-data key of a replayed "and hers?": who "hers" is ("your wife"; actions/fallback.py).
REFERENT = "referent"
MAX_COMPLAINT_CHARS = 1000


# A request said not to be one: "dont want to book if i have a big bill", "no need to cancel".
NEGATED_REQUEST = re.compile(
    r"\b(?:don'?t|do not|not|never|no need to|won'?t|wouldn'?t|rather not|can'?t|cannot)"
    r"(?:\s+(?:really|even|want|wanna|need|going|gonna|trying|to|have|ready))*\s+"
    r"(?:book|cancel|resched\w*|move|change|pay)\b",
    re.IGNORECASE,
)


def request_in(text: str) -> str | None:
    """The first request a message words as one of ours (in the order written), if any; a
    dispute is only ever a second request (kept for after the other one)."""
    if not text or text.startswith("/"):
        return None
    for clause in CLAUSE_BREAK.split(text):
        if clause and NEGATED_REQUEST.search(clause):
            continue  # "i don't want to cancel, just move it"
        for intent, pattern in REQUEST_WORDS.items():
            if intent not in HANDED_OVER and clause and pattern.search(clause):
                return intent
    return None


# Quick questions answered before a billing dispute is handed to staff ("i was charged twice.
# also what time do you close today?": the hours were never answered, the chat was paused for
# staff). Not the billing ones: "my insurance should have paid" is part of the dispute.
BEFORE_HANDOFF = ("parking", "clinic_hours", "directions", "contact_info", "ask_clinicians")
# A clause put as a question ("I was charged for parking" is the dispute, not a question).
ASKED_AS_QUESTION = re.compile(
    r"\?\s*$|^\W*(what|whats|what's|where|wheres|where's|when|how|do|does|are|r|is|can|could|"
    r"which|who)\b",
    re.IGNORECASE,
)


def question_before_handoff(text: str) -> tuple[dict[str, str], str] | None:
    """A quick question asked with a billing dispute, and the rest of the message (the dispute
    itself, kept for after the answer); None when there is none or nothing else is left."""
    if not text or text.startswith("/"):
        return None
    clauses = split_clauses(text)
    for clause in clauses:
        if not ASKED_AS_QUESTION.search(clause) or TASK_WORDS["billing_dispute"].search(clause):
            continue
        for intent in BEFORE_HANDOFF:
            if QUESTION_WORDS[intent].search(clause):
                rest = ", ".join(c for c in clauses if c is not clause)
                if not rest:
                    return None
                return {"intent": intent, "text": clause[:MAX_REQUEST_CHARS]}, rest
    return None


def split_clauses(text: str) -> list[str]:
    """The clauses of ``text`` ("do you do flu shots", "are you open sunday"), stripped."""
    return [c.strip() for c in CLAUSE_BREAK.split(text) if c and c.strip()]


def second_request(text: str, own_intent: str | None) -> dict[str, str] | None:
    """The other request in ``text`` than ``own_intent`` (the one the model recognised), as
    ``{"intent": ..., "text": <its clause>}``; None when the message asks for one thing."""
    if (
        not text
        or text.startswith("/")
        or own_intent not in REQUEST_WORDS
        or own_intent in HANDED_OVER
    ):
        return None
    clauses = split_clauses(text)
    if len(clauses) < 2:
        return other_child_too(clauses, own_intent)
    skip = {own_intent, *INCLUDED.get(own_intent, set())}
    if own_intent == "book_appointment" and MISSED_REBOOKED.search(text.replace("\u2019", "'")):
        skip.add("reschedule_appointment")
    own_clauses = [c for c in clauses if REQUEST_WORDS[own_intent].search(c)]
    if own_intent in AT_ONCE and own_clauses and not OTHER_PERSON.search(own_clauses[0]):
        # "what's my balance and what does my son owe": the same request for someone else.
        other = next((c for c in own_clauses[1:] if OTHER_PERSON.search(c)), None)
        if other is not None:
            return {"intent": own_intent, "text": other[:MAX_REQUEST_CHARS]}
    for index, clause in enumerate(clauses):
        if clause in own_clauses or NEGATED_REQUEST.search(clause):
            continue  # the request being handled, or one said not to be ("dont want to book")
        for intent, pattern in REQUEST_WORDS.items():
            if woman_clinician_kept(intent, clause, own_intent):
                continue
            if (intent not in skip or another_appointment(intent, clause, own_clauses)) and (
                pattern.search(clause)
            ):
                # a third request rides along with the second, and is found when the second
                # is replayed ("... when is my next appointment and where do i park": the
                # parking was dropped)
                later = [
                    c
                    for c in clauses[index + 1 :]
                    if c not in own_clauses
                    and not NEGATED_REQUEST.search(c)
                    and any(p.search(c) for p in REQUEST_WORDS.values())
                ]
                text = " and ".join([clause, *later])
                pending = {"intent": intent, "text": text[:MAX_REQUEST_CHARS]}
                if (
                    any(OTHER_PERSON.search(c) for c in own_clauses)
                    and not OTHER_PERSON.search(clause)
                    and not SAME_PERSON_AGAIN.search(clause)
                ):
                    # "book my son a checkup" first, then "cancel my physical": the second is
                    # the writer's own, so whoever was verified for the first is not assumed
                    # ("when is my sons appointment and what does he owe" is still the son's).
                    pending["own"] = "writer"
                return pending
    return (
        same_task_for_another(clauses, own_clauses, own_intent)
        or writer_too(clauses, own_intent)
        or other_child_too(clauses, own_intent)
    )


# The writer named beside a relative: "checkups for me and my daughter", "book my son and me",
# "my husband and i both need flu shots". The relative's booking comes first (the form books
# for the relative named); the writer's own was lost.
WRITER_AT_END = re.compile(r"\bfor (?:me|myself)\s*$", re.IGNORECASE)
WRITER_FIRST = re.compile(r"^\s*(?:for\s+)?(?P<who>me|myself|i)\b(?P<rest>.*)$", re.IGNORECASE)
ALSO_WORDS = re.compile(r"\s*\b(both|too|as well|also)\b", re.IGNORECASE)
# What may follow "me" / "i" in the writer's clause: a visit ("me a checkup") or a need for one.
WRITER_BOOKING = re.compile(
    r"^\s*($|(a|an|one|another)\b|(need|needs|want|would like|'d like|have to|get|see)\b)",
    re.IGNORECASE,
)
# "(can my wife and) i both get physicals", "(my son and) i see dr patel": a need for a visit.
GET_OR_SEE = re.compile(r"^\s*(?:(?P<get>get)|(?P<see>see))\b", re.IGNORECASE)


# ...and the writer's clause first, with the visit said after the relative: "book me and my son
# a checkup" (the son's was booked, the writer's lost).
WRITER_ALONE = re.compile(
    r"^\s*(?:(?:can|could) (?:you|u) |pls |please )?(?:book|schedule|get|make)\s+(?:me|myself)"
    r"(?:\s+in)?\s*$",
    re.IGNORECASE,
)


# ...or the writer alone before the relative, the need said after both: "can me and my husband
# both get flu shots on saturday", "me and my wife need flu shots" (the husband's was booked,
# the writer's lost).
WRITER_ONLY = re.compile(r"^\s*(?:(?:can|could)\s+)?(?:me|myself|i)\s*$", re.IGNORECASE)


def _need_said(rest: str) -> str | None:
    """ "i need flu shots" from what follows "me and my husband" (" both get flu shots"), or
    None when that is no need for a visit."""
    rest = ALSO_WORDS.sub("", rest)
    if said := GET_OR_SEE.match(rest):
        rest = (" need" if said["get"] else " need to see") + rest[said.end() :]
    if not re.match(r"\s*(need|want|would like|'d like|have to)\b", rest, re.IGNORECASE):
        return None
    return f"i{rest}"


def writer_too(clauses: list[str], own_intent: str | None) -> dict[str, str] | None:
    """The writer's booking, asked with a relative's ("book my daughter and me a checkup"),
    to offer when the relative's is done: the writer's clause, checked for the writer."""
    if own_intent != "book_appointment" or not any(OTHER_PERSON.search(c) for c in clauses):
        return None
    relative_before = False
    for index, clause in enumerate(clauses):
        if OTHER_PERSON.search(clause):
            relative_before = True
            continue
        if WRITER_AT_END.search(clause):
            text = clause  # "i want to book a physical for me" (and one for my wife)
        elif not relative_before and WRITER_ONLY.match(clause):
            later = [m for c in clauses[index + 1 : index + 2] if (m := OTHER_PERSON.search(c))]
            need = _need_said(later[0].string[later[0].end() :]) if later else None
            if need is None:
                return None
            text = need
        elif not relative_before and WRITER_ALONE.match(clause):
            later = [m for c in clauses[index + 1 :] if (m := OTHER_PERSON.search(c))]
            visit = later[0].string[later[0].end() :] if later else ""
            text = f"{clause.strip()} {visit.strip()}"  # "book me" + " a checkup"
        elif relative_before and (first := WRITER_FIRST.match(clause)):
            rest = ALSO_WORDS.sub("", first["rest"])
            if not rest.strip() and first["who"].lower() == "i":
                # "my son and i also need flu shots": the need is the next clause
                rest = " " + ALSO_WORDS.sub("", " ".join(clauses[index + 1 : index + 2]))
                if not rest.strip():
                    return None
            if not WRITER_BOOKING.match(rest):
                return None  # "... and i also have a question"
            # "(my son and) i both need flu shots", "(book my daughter and) me a checkup"
            if said := GET_OR_SEE.match(rest):
                rest = (" need" if said["get"] else " need to see") + rest[said.end() :]
            needs = re.match(r"\s*(need|want|would|'d|have)", rest)
            text = f"i{rest}" if needs else f"book me{rest}"
        else:
            continue
        text = text.strip() + others_left(clauses)
        return {"intent": own_intent, "text": text[:MAX_REQUEST_CHARS], "own": "writer"}
    return None


# "me and my 2 kids", "checkups for both my kids", "my kids need flu shots": one child is
# booked at a time, and the other was forgotten once the first was booked.
SEVERAL_CHILDREN = re.compile(
    r"\b(?:(?:my|our)\s+(?P<count>two|2|both|three|3|four|4)\s+(?:little\s+)?"
    r"(?P<who>kids|children|sons|daughters|boys|girls)"
    r"|both\s+(?:of\s+)?(?:my|our)\s+(?P<both>kids|children|sons|daughters|boys|girls)"
    r"|(?:my|our)\s+(?:little\s+)?(?P<some>kids|children|twins))\b",
    re.IGNORECASE,
)


def other_children(text: str) -> str | None:
    """ "other kid" when ``text`` names two children ("both my kids", "my 2 sons": "other
    son"), "other kids" for more or an unknown number ("my kids"); None for no children."""
    several = SEVERAL_CHILDREN.search(text)
    if several is None:
        return None
    who = (several["who"] or several["both"] or several["some"]).lower()
    one = {"children": "child", "twins": "twin"}.get(who, who[:-1])
    count = (several["count"] or "").lower()
    two = count in ("two", "2", "both") or several["both"] or who == "twins"
    return f"other {one}" if two else f"other {who}"


def others_left(clauses: list[str]) -> str:
    """ " and my other kid" when the message named two children ("for me and my 2 kids"), so
    the second is asked about after the first; "" otherwise."""
    found = next((o for clause in clauses if (o := other_children(clause))), None)
    return f" and my {found}" if found else ""


# The children are the ones booked for: "for both my kids", "book my 2 sons", "my kids need"
# (not "can my kids come with me").
CHILDREN_BOOKED_BEFORE = re.compile(
    r"\b(?:for|book|schedule|get|bring(?: in)?|take)\s+(?:both\s+(?:of\s+)?)?$", re.IGNORECASE
)
CHILDREN_BOOKED_AFTER = re.compile(
    r"^\s+(?:both\s+|all\s+)?(?:need|needs|have to|are due|r due|due)\b", re.IGNORECASE
)


def children_booked(clause: str) -> bool:
    """Whether the clause asks a visit for several children of the writer."""
    several = SEVERAL_CHILDREN.search(clause)
    if several is None:
        return False
    start = several.start()
    if clause[:start].lower().rstrip().endswith("both"):
        start = clause.lower().rindex("both", 0, start)  # "both my kids": from "both"
    return bool(
        CHILDREN_BOOKED_BEFORE.search(clause[:start])
        or CHILDREN_BOOKED_AFTER.match(clause[several.end() :])
    )


def other_child_too(clauses: list[str], own_intent: str | None) -> dict[str, str] | None:
    """The next child's booking, asked with the first ("i need to book checkups for both my
    kids"), to offer when the first is booked: checked for that child."""
    if own_intent != "book_appointment":
        return None
    clause = next((c for c in clauses if children_booked(c)), None)
    if clause is None:
        return None
    visit = find_visit_type(clause, get_clinic())
    what = f" {a_or_an(visit.name)}" if visit is not None else " an appointment"
    other = str(other_children(clause))
    # the days asked for both ("flu shots for my two kids on saturday morning": the second
    # child's booking asked the day again, and offered clinicians never in on Saturdays)
    when = when_words(" ".join(clauses))
    text = f"book my {other}{what}" + (f" {when}" if when else "")
    # ("children": said at the start, "first one, then your other kid")
    return {
        "intent": own_intent,
        "text": text[:MAX_REQUEST_CHARS],
        "own": "relative",
        "children": other,
    }


# At most this many words say when (a long message is not read over and over).
WHEN_WORDS = 12


def when_words(text: str) -> str | None:
    """The fewest last (or first) words of ``text``, up to ``WHEN_WORDS``, that say the same
    days and times as all of it ("on saturday morning"); None when they name none."""
    now = get_clinic().now()
    whole = parse_when(text, now)
    if whole is None:
        return None
    words = text.split()
    for count in range(1, min(len(words), WHEN_WORDS) + 1):
        for part in (" ".join(words[-count:]), " ".join(words[:count])):
            if parse_when(part, now) == whole:
                return part.strip(" ,.!?")
    return None


# "... and what does he owe": the person of the first request again.
SAME_PERSON_AGAIN = re.compile(r"\b(he|she|him|his|her|hers|they|them|their)\b", re.IGNORECASE)


# "yes thx. oh and cancel the physical on the 10th too": a yes first, then another request.
YES_FIRST = re.compile(
    r"^\W*(yes|yeah|yep|yup|ya|sure|perfect|sounds good|that works|please do|do it|go ahead)\b",
    re.IGNORECASE,
)
# The tasks that can wait for the one being confirmed.
LATER_TASKS = ("book_appointment", "reschedule_appointment", "cancel_appointment")
# "... move the other one too": the same task again, for another appointment.
ONE_MORE = re.compile(r"\b(too|also|as well|another|the other|one more)\b", re.IGNORECASE)


def yes_and_another(text: str, own_intent: str) -> dict[str, str] | None:
    """A yes to the question asked, with another task after it (kept for when this one is
    done): "yes thx. oh and cancel the physical on the 10th too" at "Move it to …?" searched
    the 10th instead of moving it; "yes pls. and can u move the womens health one" at "Cancel
    it?" cancelled it and forgot the move."""
    if not text or not YES_FIRST.match(text):
        return None
    for clause in split_clauses(text)[1:]:
        asked = request_in(clause)
        if asked in LATER_TASKS and (asked != own_intent or ONE_MORE.search(clause)):
            return {"intent": asked, "text": clause[:MAX_REQUEST_CHARS]}
    return None


# The second person of "book my son and my daughter a checkup" ("... and daughter", "... and
# my wife's appointment"): a clause that begins with them.
SECOND_PERSON = re.compile(
    r"^\s*(?:(?:my|our)\s+)?(?P<who>husband|wife|spouse|partner|son|daughter|child|kid|mom|"
    r"mother|mum|dad|father|grandma|grandmother|grandpa|grandfather|brother|sister)(?:'?s)?\b",
    re.IGNORECASE,
)


def same_task_for_another(
    clauses: list[str], own_clauses: list[str], own_intent: str
) -> dict[str, str] | None:
    """ "book my son and my daughter a checkup": the booking for the daughter, done after the
    son's ("book my daughter a checkup"). Only for two relatives named: one person at a time."""
    if own_intent not in TASK_WORDS or own_intent in AT_ONCE or not own_clauses:
        return None
    own = own_clauses[0]
    first = OTHER_PERSON.search(own)
    verb = TASK_WORDS[own_intent].search(own)
    if first is None or verb is None or verb.start() > first.start():
        return None
    for clause in clauses[clauses.index(own) + 1 :]:
        second = SECOND_PERSON.match(clause)
        if second is None or any(p.search(clause) for p in REQUEST_WORDS.values()):
            continue
        if second["who"].lower() == first["who"].lower():
            return None  # "my son and my son's friend"? one person, as asked
        relative = clause[second.start("who") :].strip()
        if relative == clause[second.start("who") : second.end()].strip():
            # "book my son a checkup and my daughter": the daughter's is a checkup too
            relative = f"{relative} {own[first.end() :].strip()}".strip()
        return {"intent": own_intent, "text": f"{verb.group(0)} my {relative}"[:MAX_REQUEST_CHARS]}
    return None


# Tasks that keep a woman clinician asked for with them: only women are offered.
KEEPS_A_WOMAN_ASKED = {"book_appointment", "reschedule_appointment"}


def woman_clinician_kept(intent: str, clause: str, own_intent: str | None) -> bool:
    """ "i need a physical, i prefer a female doctor": the booking offers only women, so no
    clinicians' answer is kept for after it ("Yes: our female clinicians are ..." came right
    after the visit was booked with one)."""
    return (
        intent == "ask_clinicians"
        and own_intent in KEEPS_A_WOMAN_ASKED
        and bool(ASKS_WOMAN.search(clause.lower()))
    )


def another_appointment(intent: str, clause: str, own_clauses: list[str]) -> bool:
    """ "move my physical to the week after and also cancel my follow up": the cancellation is
    of another appointment (another kind of visit named), not the old time of the one moved."""
    if intent != "cancel_appointment":
        return False
    clinic = get_clinic()
    cancelled = find_visit_type(clause, clinic)
    moved = {v.id for c in own_clauses if (v := find_visit_type(c, clinic)) is not None}
    return cancelled is not None and bool(moved) and cancelled.id not in moved


def remember_second_request(tracker: Tracker, own_intents: set[str]) -> dict[str, Any]:
    """Slot update when a form starts (or a question is asked back): the other request in the
    message, or none, so an old one is never asked about."""
    intent = ((tracker.latest_message or {}).get("intent") or {}).get("name")
    own = intent if intent in own_intents else next(iter(sorted(own_intents)), None)
    text = (tracker.latest_message or {}).get("text") or ""
    pending = second_request(text, own)
    if pending is None and tracker.get_slot("pending_request") is None:
        return {}
    if pending is None and pending_complaint(tracker) is not None:
        return {}  # a complaint waiting for its task (which this may be) is kept
    kept = tracker.get_slot("pending_request")
    if pending is None and _is_request(kept) and kept.get("asked_after") == intent:
        return {}  # a question asked with the details, answered once this task is done
    return {"pending_request": pending}


def remember_complaint(tracker: Tracker) -> dict[str, Any]:
    """Slot update when a task starts from a complaint that asked for it: the complaint, to be
    handed to staff once the task is done; else nothing."""
    latest = tracker.latest_message or {}
    text = str(latest.get("text") or "").strip()
    if not latest.get(WITH_COMPLAINT) or not text:
        return {}
    return {"pending_request": {"intent": "complaint", "text": text[:MAX_COMPLAINT_CHARS]}}


def pending_complaint(tracker: Tracker) -> dict[str, Any] | None:
    """The complaint waiting for its task to end, if any."""
    pending = tracker.get_slot("pending_request")
    return pending if _is_request(pending) and pending["intent"] == "complaint" else None


def after_unfinished_task(tracker: Tracker) -> list[EventType]:
    """A task that ended without being done (stopped, declined, or the system down): the
    complaint that came with it still goes to staff, and a question kept for after it ("I'll
    look up what you owe as soon as we've finished this") is answered, as promised."""
    complaint = pending_complaint(tracker)
    if complaint is not None:
        return start_second_request(tracker, complaint)
    question = tracker.get_slot("pending_request")
    return start_second_request(tracker, question) if answered_at_once(question) else []


def after_identity_declined(tracker: Tracker) -> list[EventType]:
    """``after_unfinished_task`` when the patient would not give a name and birth date: a
    question kept for later that needs them ("and what do i owe?") is dropped, not asked
    again; a complaint still reaches staff, and a general question is answered."""
    question = tracker.get_slot("pending_request")
    if answered_at_once(question) and question["intent"] in NEEDS_IDENTITY:
        return CLEAR
    return after_unfinished_task(tracker)


def replayed(
    text: str,
    intent: str,
    original: dict[str, Any],
    entities: list,
    selected: dict[str, Any] | None = None,
) -> list[EventType]:
    """``text`` as a new message meaning ``intent``, with the channel, metadata (the SMS
    sender's phone hash) and message id of ``original``, so transcripts show the patient's
    words once. ``selected``: the ResponseSelector's part of a parse, for ``utter_faq``."""
    parse_data = {
        "text": text,
        "intent": {"name": intent, "confidence": 1.0},
        "intent_ranking": [{"name": intent, "confidence": 1.0}],
        "entities": entities,
        **({"response_selector": selected} if selected else {}),
    }
    event = UserUttered(text, parse_data, input_channel=original.get("input_channel"))
    event["message_id"] = original.get("message_id")
    event["metadata"] = original.get("metadata") or {}
    return [ActionExecuted("action_listen"), event]


def replay_as(tracker: Tracker, latest: dict[str, Any], intent: str) -> list[EventType]:
    """The patient's latest message again, as ``intent``, with its entities."""
    entities = (tracker.latest_message or {}).get("entities") or []
    return replayed(str(latest.get("text") or ""), intent, latest, entities)


# Parse-data key: the intent the model read a message as, before a follow-up guard
# (addons/follow_up_guard.py) made it ``out_of_scope`` ("is it free?", "how do i get it?").
READ_AS_KEY = "read_as_before_follow_up"


def replayed_faq_as_read(tracker: Tracker, latest: dict[str, Any]) -> list[EventType] | None:
    """The latest message again as the common question the model read it as, with its answer
    selection (for ``utter_faq``), after a guard made it a follow-up; None without one."""
    selected = (tracker.latest_message or {}).get("response_selector")
    if not selected:
        return None
    return replayed(str(latest.get("text") or ""), "faq", latest, [], selected)


# Readings that are no request of their own (then nothing is replayed).
NO_REQUEST = {None, "", "out_of_scope", "nlu_fallback"}


def replayed_as_read(tracker: Tracker, latest: dict[str, Any]) -> list[EventType] | None:
    """The latest message again as the model read it before a follow-up guard made it
    ``out_of_scope``; None when that was no request."""
    read_as = (tracker.latest_message or {}).get(READ_AS_KEY)
    if read_as == "faq":
        return replayed_faq_as_read(tracker, latest)
    return None if read_as in NO_REQUEST else replay_as(tracker, latest, str(read_as))


def start_second_request(tracker: Tracker, pending: dict[str, Any]) -> list[EventType]:
    """The other request, in the patient's words, as if just written. The writer's own request
    after one for someone else ("own": "writer"), or a relative's after the writer's
    ("relative"), checks who it is for again."""
    fresh = pending.get("own") in ("writer", "relative") and tracker.get_slot("verified")
    latest = last_event(tracker.events, "user")
    return (
        (forget_patient() if fresh else [])
        + CLEAR
        + replayed(str(pending["text"]), str(pending["intent"]), latest, [])
    )


def _is_request(pending: Any) -> bool:
    return isinstance(pending, dict) and bool(pending.get("text")) and bool(pending.get("intent"))


def follow_up(dispatcher: CollectingDispatcher, tracker: Tracker, pending: Any) -> list[EventType]:
    """After the first request: answer a quick question (or look something up) at once, or
    offer the other task."""
    if not _is_request(pending):
        return []
    if pending["intent"] in AT_ONCE or pending.get("at_once"):
        return start_second_request(tracker, pending)
    dispatcher.utter_message(
        text=f"{OPENING} \u201c{pending['text']}\u201d. Shall we do that now?",
        buttons=[
            {"title": "Yes, let's do that", "payload": "/affirm"},
            {"title": "No, thanks", "payload": "/deny"},
        ],
    )
    if tracker.get_slot("pending_request") == pending:
        return []
    return [SlotSet("pending_request", pending)]


def offer_second_request(dispatcher: CollectingDispatcher, tracker: Tracker) -> list[EventType]:
    """When a form's task is done: the other request of the message that started it, or a
    question asked with the yes that confirmed it."""
    pending = tracker.get_slot("pending_request")
    if _is_request(pending):
        return follow_up(dispatcher, tracker, pending)
    return asked_with_the_yes(dispatcher, tracker) or common_question_of_the_task(tracker)


def common_question_of_the_task(tracker: Tracker) -> list[EventType]:
    """A common question asked in the message that started the task, answered once it is
    done: "i need a refill on my inhaler and also want to book my yearly physical" booked the
    physical, and the refill was never answered. Not when a common question was answered
    during the task already."""
    events = list(tracker.events)
    started = form_activation_index(events)
    if started is None:
        return []
    if any(
        str((e.get("metadata") or {}).get("utter_action") or "").startswith("utter_faq")
        for e in events[started:]
        if e.get("event") == "bot"
    ):
        return []
    return answer_common_question(tracker, form_request(tracker), lambda clause: False)


def asked_with_the_yes(dispatcher: CollectingDispatcher, tracker: Tracker) -> list[EventType]:
    """ "yes book it. and whats my balance?", "yes cancel it. is there a fee for cancelling?"
    at the confirmation: done, and the question was never answered. (Another task said with
    the yes is kept by the form: ``yes_and_another``.)"""
    text = (tracker.latest_message or {}).get("text") or ""
    if not text or text.startswith("/") or not YES_FIRST.match(text):
        return []
    for clause in split_clauses(text)[1:]:
        asked = request_in(clause)
        if asked in AT_ONCE and asked != "complaint":
            pending = {"intent": asked, "text": clause[:MAX_REQUEST_CHARS]}
            return follow_up(dispatcher, tracker, pending)
    return answer_common_question(tracker, text, lambda clause: bool(YES_FIRST.match(clause)))


def answer_second_request(
    dispatcher: CollectingDispatcher, tracker: Tracker, own_intent: str
) -> list[EventType]:
    """When a question is answered: the other request of the same message, if any, or a
    common question asked with it ("... and do you give flu shots?")."""
    text = (tracker.latest_message or {}).get("text") or ""
    pending = second_request(text, own_intent)
    kept = tracker.get_slot("pending_request")
    if pending is None and _is_request(kept) and kept.get("at_once"):
        return follow_up(dispatcher, tracker, kept)  # a dispute waiting for this answer
    if pending is None and not tracker.active_loop_name:
        own = REQUEST_WORDS.get(own_intent)
        return answer_common_question(tracker, text, lambda c: bool(own and own.search(c)))
    return follow_up(dispatcher, tracker, pending)


@lru_cache(maxsize=1)
def nlu_client() -> RasaNluClient:
    settings = get_settings()
    return RasaNluClient(settings.rasa_url, settings.rasa_api_token)


# How sure the model must be that a clause on its own is a common question.
SURE_COMMON_QUESTION = 0.7
# Clauses read at most (each is one parse by the Rasa server).
MAX_CLAUSES_READ = 3
# Words in a clause read as a question of its own ("hi, what time..." is one question).
MIN_QUESTION_WORDS = 3
# Answers given to a clause only when it asks: "Hello, I am writing on behalf of my elderly
# father ..., could you tell me [his appointment time]?" got "Yes. A family member or caregiver
# can call or chat for you" after the appointment, to a question not asked.
ASKED_ONLY = frozenset({"someone_helps"})
QUESTION_FORM = re.compile(
    r"\?|^\W*(?:(?:hi|hello|hey|so|and|also|ok|okay|but)\W+)*(?:can|could|may|is|are|do|does|"
    r"will|would|how|what|who|where|when|why)\b",
    re.IGNORECASE,
)
# A clause that goes on with the question before it ("does my insurance need a referral, or can
# i just come" got the walk-in answer too).
SAME_QUESTION_GOES_ON = re.compile(
    r"^(or|because|cause|cuz|since|so that|if|unless|like|which|that|who)\b", re.IGNORECASE
)


# A clause that only asks for guidance on the first one: "i lost my insurance card, what do i
# do" got the services list ("what do you do") after the card's answer.
ASKS_WHAT_NOW = re.compile(
    r"^\W*(?:(?:so|ok|okay|and|but|now)\W+)*(?:(?:what|wat|wht) (?:do|should|can|shall|would) "
    r"(?:i|we|u|you) do(?: now| next| about (?:it|this|that))?|what now|what (?:are|r) my "
    r"options|(?:please |pls )?help(?: me)?(?: please| pls)?|any (?:advice|ideas))\W*$",
    re.IGNORECASE,
)


# ...or whether the visit can still go ahead for all that: "my mom only speaks vietnamese, can
# she still come" got how to prepare for a visit after the interpreter answer.
STILL_GOES_AHEAD = re.compile(
    r"^\W*(?:(?:so|and|but|then)\W+)?(?:can|could|may|will|would) (?:i|she|he|they|we|my \w+|"
    r"(?:he|she|they|we|i) (?:still )?be able to) (?:still )?(?:come|come in|go|be seen|get seen|"
    r"see (?:a|the) (?:doctor|provider)|keep (?:it|my appointment|the appointment)|make it)"
    r"(?: in)?(?: then| anyway| anyways)?\W*$"
    r"|^\W*(?:(?:so|and|but)\W+)?(?:is|would|will) (?:that|this|it) (?:be )?(?:ok|okay|fine|"
    r"alright|all right|a problem)\W*$",
    re.IGNORECASE,
)


def common_question_in(
    text: str, answered: Callable[[str], bool], topic: str = ""
) -> tuple[str, dict[str, Any]] | None:
    """The clause of ``text`` that is a common question the answer given did not cover
    (``answered``; ``topic``: the common question answered), and the model's reading of it on
    its own; None when there is none (or the model cannot be asked)."""
    if not text or text.startswith("/"):
        return None
    clauses = split_clauses(text)
    if len(clauses) < 2:
        return None
    unread = [
        c
        for c in clauses
        if len(c.split()) >= MIN_QUESTION_WORDS
        and not SAME_QUESTION_GOES_ON.match(c)
        and not ASKS_WHAT_NOW.match(c)
        and not STILL_GOES_AHEAD.match(c)
        and not answered(c)
        and not any(p.search(c) for p in REQUEST_WORDS.values())
    ]
    for clause in unread[:MAX_CLAUSES_READ]:
        parsed = nlu_client().parse(clause[:MAX_REQUEST_CHARS])
        if parsed is None:
            return None  # the answer given stands alone
        intent = parsed.get("intent") or {}
        if intent.get("name") != "faq" or (intent.get("confidence") or 0) < SURE_COMMON_QUESTION:
            continue
        key = selected_faq_key(parsed)
        if not key or key.split("/", 1)[-1] == topic:
            continue
        if key.split("/", 1)[-1] in ASKED_ONLY and not QUESTION_FORM.search(clause):
            continue
        return clause, parsed
    return None


def answer_common_question(
    tracker: Tracker, text: str, answered: Callable[[str], bool], topic: str = ""
) -> list[EventType]:
    """A common question in a clause of ``text`` that the answer given did not cover, replayed
    for ``utter_faq`` (see :func:`common_question_in`); else nothing."""
    found = common_question_in(text, answered, topic)
    return [] if found is None else replayed_common_question(tracker, *found)


def replayed_common_question(
    tracker: Tracker, clause: str, parsed: dict[str, Any]
) -> list[EventType]:
    """``clause`` replayed as the common question the model read it as (``parsed``), for
    ``utter_faq``."""
    latest = last_event(tracker.events, "user")
    selected = parsed.get("response_selector") or {}
    return replayed(clause[:MAX_REQUEST_CHARS], "faq", latest, [], selected)


# What each form does, as "Let's do one thing at a time: first <this>, then …" says it.
TASK_NAMES = {
    "booking_form": "the booking",
    "cancel_form": "the cancellation",
    "reschedule_form": "the new time",
    "check_form": "your appointments",
    "balance_form": "the balance",
}


def answered_at_once(pending: Any) -> bool:
    """A question kept for when a task is done (not a task, not a complaint)."""
    return _is_request(pending) and pending["intent"] in AT_ONCE - {"complaint"}


def first_task_name(tracker: Tracker, pending: dict[str, Any], task: str) -> str:
    """ "your daughter's booking" when the writer's own booking waits for hers ("book my
    daughter and me a checkup"): "first the booking, then 'book me a checkup'" said neither
    whose came first."""
    text = (tracker.latest_message or {}).get("text") or ""
    relative = OTHER_PERSON.search(text)
    booking_after_booking = task == TASK_NAMES["booking_form"] and (
        pending["intent"] == "book_appointment"
    )
    if pending.get("own") != "writer" or not booking_after_booking or not relative:
        return task
    return f"your {relative['who'].lower()}'s booking"


def relative_booked_first(pending: Any, texts: list[str]) -> str | None:
    """The relative ("husband") whose booking comes first while the writer's own waits
    (``writer_too``: "book physicals for me and my husband"); None otherwise."""
    if not _is_request(pending) or pending.get("own") != "writer":
        return None
    if pending["intent"] != "book_appointment":
        return None
    found = next((m for text in texts if (m := OTHER_PERSON.search(text))), None)
    return found["who"].lower() if found else None


def relative_booking(relation: str, writers: dict[str, Any]) -> dict[str, Any]:
    """The relative's booking, to offer once the writer's is done, with the visit of the
    writer's request ("book my husband an annual physical"); checked for that person."""
    visit = find_visit_type(str(writers.get("text") or ""), get_clinic())
    what = a_or_an(visit.name) if visit is not None else "an appointment"
    return {"intent": "book_appointment", "text": f"book my {relation} {what}", "own": "relative"}


def asked_about_later(pending: Any) -> bool:
    """A task that will be offered when this one is done (a question is just answered)."""
    return _is_request(pending) and pending["intent"] not in AT_ONCE


def has_second_request(tracker: Tracker) -> bool:
    return _is_request(tracker.get_slot("pending_request"))


def take_second_request(events: list[dict[str, Any]], pending: Any) -> dict[str, str] | None:
    """The remembered request, if the last bot message was the question about it."""
    if not _is_request(pending):
        return None
    if not (last_event(events, "bot").get("text") or "").startswith(OPENING):
        return None
    return {k: str(v) for k, v in pending.items()}
