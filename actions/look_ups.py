"""What a short message after an answer refers to: the same look-up again for someone else
("what about my son?", "and hers?"), the person spoken of, the last visit booked, or nothing at
all ("salam", a key mash). The fallback and out-of-scope actions read these."""

from __future__ import annotations

import re
from typing import Any

from rasa_sdk import Tracker

from actions.clinic_config import ClinicConfig
from actions.dates import parse_when
from actions.matching import find_location, find_practitioner, find_visit_type
from actions.mentions import given_identity
from actions.named_others import first_name_follow_up
from actions.names import parse_full_name
from actions.offer_answers import SUGGESTION_OPENING
from actions.relatives import OTHER_PERSON, relation_in
from actions.second_request import (
    request_in,
)
from actions.settings import get_clinic
from actions.tracker_reading import events_this_session, last_event
from addons.details_text import only_name_and_birth_date
from addons.follow_up_guard import is_follow_up


def only_details(text: str, clinic: ClinicConfig) -> bool:
    """A name (and maybe a birth date) and nothing else, however it is typed ("robert miller",
    "Carlos Rivera 9/30/1975")."""
    if only_name_and_birth_date(text) or given_identity(text, clinic.now().date()):
        return True
    name = parse_full_name(text)
    return name is not None and len(text.split()) <= 4 and request_in(text) is None


def says_nothing(text: str, tracker: Tracker, clinic: ClinicConfig) -> bool:
    """Whether a message the model read as details holds none we know: no tagged entity,
    number, day, office, clinician, visit type, relative or (lower-case) full name."""
    return not (
        (tracker.latest_message or {}).get("entities")
        or re.search(r"\d", text)
        or text.startswith("/")
        or parse_when(text, clinic.now()) is not None
        or find_location(text, clinic)
        or find_practitioner(text, clinic)
        or find_visit_type(text, clinic)
        or relation_in(text)
        or parse_full_name(text)
    )


def unclear_before(tracker: Tracker) -> bool:
    """Whether the bot's last answer was "say it another way" or "did you mean …?"."""
    bot = last_event(list(tracker.events), "bot")
    said = (bot.get("metadata") or {}).get("utter_action")
    return said == "utter_ask_rephrase" or str(bot.get("text") or "").startswith(SUGGESTION_OPENING)


# Requests worded so plainly that the model's "out of scope" must have been the name in them
# ("how much does Carlos Rivera owe": "Rivera" looks like "river"); never directions or
# parking, whose words ("get to", "where") are in truly unrelated questions too.
PLAIN_REQUESTS = {
    "billing_balance",
    "billing_pay",
    "check_appointment",
    "cancel_appointment",
    "reschedule_appointment",
    "book_appointment",
    "clinic_hours",
}


# "what about carlos rivera, he's my husband", "and my son?": the last look-up, for them.
WHAT_ABOUT = re.compile(r"^\W*(ok(ay)?,?\s+)?(what about|how about|and (for )?|now (for )?)", re.I)
LOOK_UPS = {
    "action_show_balance": "billing_balance",
    "action_show_appointments": "check_appointment",
}
# The tasks a follow-up ("me too", "and my daughter?") asks again: a look-up, or a booking ("me
# too pls" after booking Liam's flu shot was "What would you like me to do for you?").
LAST_TASKS = {**LOOK_UPS, "action_book_appointment": "book_appointment"}


def look_up_for_another(tracker: Tracker, text: str) -> str | None:
    """The balance or appointments just shown, asked about for another person ("what about
    carlos rivera, hes my husband" was "not something I can help with"), or for the writer
    after a relative's ("ok now mine" started a booking)."""
    asked = WHAT_ABOUT.search(text)
    named = asked is not None and (relation_in(text) or parse_full_name(text[asked.end() :]))
    if not (named or is_follow_up(text) or first_name_follow_up(text)):
        return None
    return last_look_up(tracker)


# How many of the patient's messages before the latest one may name who "hers" is.
SPOKEN_OF_MESSAGES = 3


def spoken_of(tracker: Tracker) -> str | None:
    """The relative named in the patient's last few messages since the last look-up ("my wife
    wants to know hers too"), whom "and hers?" is about; None when none was (one named before
    the look-up has had theirs)."""
    users: list[dict[str, Any]] = []
    for event in reversed(list(tracker.events)):
        if event.get("event") == "action" and event.get("name") in LOOK_UPS:
            break
        if event.get("event") == "user":
            users.append(event)
    for event in users[1 : 1 + SPOKEN_OF_MESSAGES]:
        named = OTHER_PERSON.search(str(event.get("text") or ""))
        if named:
            return named.group("who").lower()
    return None


def last_look_up(tracker: Tracker) -> str | None:
    """The intent of the balance or appointments look-up, or the booking, last done in this
    session."""
    for event in events_this_session(tracker):
        if event.get("event") == "action" and event.get("name") in LAST_TASKS:
            return LAST_TASKS[event["name"]]
    return None


def last_visit_booked(tracker: Tracker) -> list[dict[str, Any]]:
    """The visit type of the booking last made, as an entity: "me too" books the same visit."""
    booked = False
    for event in events_this_session(tracker):
        if event.get("event") == "action" and event.get("name") == "action_book_appointment":
            booked = True
        elif booked and event.get("event") == "slot" and event.get("name") == "visit_type":
            if event.get("value"):
                # a child's well-child visit is a checkup to the parent: the booking form makes
                # it the child's visit again for a child
                adult = next(
                    (v.id for v in get_clinic().visit_types if v.for_children == event["value"]),
                    event["value"],
                )
                return [{"entity": "visit_type", "value": adult}]
    return []
