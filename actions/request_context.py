"""What the conversation around a request says about it: a death in the family said with it,
another person than the writer it is about, the writer's name (and date of birth) said just
before it, and someone new writing since the patient was verified.

Only reading; ``actions/identity.py`` decides whose details to ask for, and the actions that
cancel or show appointments say no fee or booking offer after a death.
"""

from __future__ import annotations

import re
from typing import Any

from rasa_sdk import Tracker

from actions.mentions import given_identity
from actions.relatives import DIED, OTHER_PERSON
from actions.second_request import CLAUSE_BREAK, request_in
from actions.settings import get_clinic
from actions.tracker_reading import form_texts
from actions.writers import new_writer

# "my dad died yesterday", "we lost my mother", "she passed away": said with a request (a
# person, not "my phone died").
_KIN = (
    r"(mom|mother|mum|dad|father|husband|wife|son|daughter|brother|sister|grandma|grandmother|"
    r"grandpa|grandfather|granny|partner|baby|uncle|aunt|cousin|friend|he|she)"
)
BEREAVEMENT = re.compile(
    # ("my wife passed last month", not "he passed his test" nor "my dad passed out")
    rf"\b({_KIN}\s+{DIED}|lost my {_KIN}|funeral|death in the family|bereavement)\b",
    re.IGNORECASE,
)
# ...someone's death itself, not a funeral to go to ("i have a funeral tomorrow so i cant make
# my appt" is the patient's own appointment).
DEATH_OF_KIN = re.compile(rf"\b({_KIN}\s+{DIED}|lost my {_KIN})\b", re.IGNORECASE)


def death_said(tracker: Tracker) -> bool:
    """A death mentioned in the messages of this task ("cancel my appointment, my dad died
    yesterday"): condolences, and no fee, booking offer or new time spoken of."""
    return any(BEREAVEMENT.search(t) for t in form_texts(tracker))


# What a message that only says who the patient is gets classified as.
INTRODUCTIONS = frozenset({"greet", "inform"})
# Events after which an earlier message no longer speaks for this request.
NEW_CONTEXT = frozenset({"session_started", "restart", "active_loop", "form"})


def _answered_a_form(events: list[dict[str, Any]]) -> bool:
    """Whether a form took the message (the events after it, up to the next one): an answer
    to its questions, used there ("Emily Johnston" - "04/12/1988" - no match - "ok what about
    my appointments" checked those details again, and counted a second failed try)."""
    return any(e.get("event") == "action" and str(e.get("name")).endswith("_form") for e in events)


MAX_INTRODUCTION_MESSAGES = 3
# Questions answered between the introduction and the request, which do not end it.
ANSWERED_BETWEEN = frozenset(
    {
        "clinic_hours",
        "parking",
        "directions",
        "contact_info",
        "faq",
        "billing_pay",
        "billing_insurance",
        "ask_clinicians",
        "thank",
    }
)
MAX_MESSAGES_BACK = 4


# Who "what do I owe?" is about after a relative's look-up.
OWN_ACCOUNT = "your own account"


# A request about the relative named before it ("... can i cancel his visit"), not the writer's.
THEIRS = re.compile(r"\b(his|her|their|him|them)\b", re.IGNORECASE)
MINE = re.compile(r"\b(my|mine|me|myself|our|ours|us)\b", re.IGNORECASE)


def about_someone_else(text: str) -> bool:
    """Whether every request in ``text`` is about another person ("Hi, this is Maria Lopez,
    when is my son's appointment?"): then the writer's name is not the patient's. "What's my
    balance and what does my son owe?" asks for the writer's own first."""
    if not OTHER_PERSON.search(text):
        return False
    requests = [c for c in CLAUSE_BREAK.split(text) if c and request_in(c)]
    return not requests or all(
        OTHER_PERSON.search(c)
        # "my dad has dementia and i handle his appointments, can i cancel his tuesday visit"
        # (Robert was told "You have no upcoming appointments")
        or (THEIRS.search(c) and not MINE.search(c))
        for c in requests
    )


def introduction_before(events: list[dict[str, Any]]) -> str:
    """The patient's messages before the latest one that only said who they are ("Hi, this is
    Carlos Rivera, 9/30/1975", or the name and the date in two messages), when the bot has
    only answered them and a few plain questions since ("what time do you open": she was
    thanked by name, then asked for her name again with "what do i owe"); else "". Answers to
    a form's questions are not one: the form had them."""
    users = [i for i, e in enumerate(events) if e.get("event") == "user"]
    texts: list[str] = []
    pairs = list(zip(reversed(users[:-1]), reversed(users[1:]), strict=True))
    for before, after in pairs[:MAX_MESSAGES_BACK]:
        intent = ((events[before].get("parse_data") or {}).get("intent") or {}).get("name")
        if any(e.get("event") in NEW_CONTEXT for e in events[before:after]):
            break
        if _answered_a_form(events[before:after]):
            break
        if intent in ANSWERED_BETWEEN and not texts:
            continue
        text = str(events[before].get("text") or "")
        if intent not in INTRODUCTIONS and not (
            # "hey its carlos rivera 9/30/75, what appointments do i have" (unsure: "Did you
            # want to check ...?") - "can i move the one on the 10th": his name was asked again
            intent == "nlu_fallback" and given_identity(text, get_clinic().now().date())
        ):
            break
        texts.insert(0, text)
        if len(texts) == MAX_INTRODUCTION_MESSAGES:
            break
    return " ".join(texts)


def writer_since_verified(
    events: list[dict[str, Any]], patient_name: str, patient_wrote: bool = False
) -> str | None:
    """Someone other than the verified patient said they write now, in a message since the
    check ("this is Carlos Rivera now" - "what do i owe?"): who (see ``new_writer``)."""
    texts: list[str] = []
    for event in reversed(events):
        if event.get("event") == "slot" and event.get("name") == "verified":
            break
        if event.get("event") == "user":
            texts.append(str(event.get("text") or ""))
    for text in texts:
        if (writer := new_writer(text, patient_name, patient_wrote)) is not None:
            return writer
    return None
