"""New or returning patient: read from the patient's words, or asked.

A new patient books a new-patient visit and gives name, birth date and phone; a returning one
is verified first. Patients say it in many ways ("first time", "I've been there before",
"not new"), and the question is also answered with a plain yes or no.
"""

from __future__ import annotations

import re
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from actions.booking_guards import YEARS_OLD
from actions.matching import parse_choice
from actions.message_reading import sounds_frustrated
from actions.relatives import living_relation_in
from actions.tracker_reading import (
    form_request,
    last_response,
    latest_text,
    replied_to_latest,
    responses_before_latest,
)

NEW_PATIENT_WORDS = re.compile(
    r"\b(new (patient|pt)|i'?m new|i am new|first time|first visit|never been|not yet|"
    # "haven't been in since last spring" is a returning patient
    r"haven'?t been(?! (in|back|since|for|there in|here in)\b)|"
    r"(she|he|they|she'?s|he'?s|they'?re|they are|she is|he is|it'?s|we'?re|we are) (is |are )?"
    r"(both |all )?(new|brand new)|(has|have)n'?t been seen|"
    # "My daughter Zoe Park (born 3/4/2019) is new here": asked again if she had been seen
    r"(son|daughter|kid|child|baby|boy|girl|husband|wife|partner|mom|mother|dad|father|"
    r"grandma|grandpa|toddler|\)) (is|are) (brand )?new\b(?! to\b)|"
    r"(is|are) (brand )?new (here|there|to (you|u)\b|to (your|the|this) (clinic|practice|office|"
    r"doctors?))|"
    # "im not a patient there yet" was asked "Have you been seen here before?" (a writer who
    # is "not a patient, my daughter is" says nothing of the patient: the place or "yet" is)
    r"not yet (a |an )?(patient|pt)|not (a |an )?(patient|pt)"
    r"(( (there|here|with (you|u)( guys)?|of (yours|the clinic)|at (your|the) (clinic|office)))"
    r"( yet)?| yet))\b"
)
RETURNING_WORDS = re.compile(
    r"\b(been (there |here |seen |in )?(before|b4|bfore|befor)|existing|returning|current patient|"
    # ("i've been" as the answer, or "i've been there": not "i've been calling for days",
    # which booked as returning without the question)
    r"(i have|i'?ve) been(?=\s*(there|here|seen|before|b4|a patient|coming|going|seeing|"
    r"to (you|your|the)\b|[.!,]|$))|"
    r"seen (there|here|you)|already a patient|i'?m a patient|"
    # "shes been seen before" (asked three times), "ya been there b4"
    r"(she|he|they|we)('?s|'?re| has| have| is| are|s) (been|seen) (seen|there|here|before|b4)|"
    # a visit had, with a clinician who asked for another: "my daughter had her checkup last
    # week with dr okafor and he said to come back in a month" was asked "Has your daughter
    # been seen here before?" (no record found still offers "New patient")
    # (not "the er said to follow up with a doctor": someone else's advice)
    r"(said|told|wants|wanted|asked)( (me|us|her|him|them|my \w+))? to come (back|in again)|"
    r"(saw|seen by|had (her|his|my|their|our|a|an)( \w+){1,3} with) (dr\.?|doctor) [a-z]+|"
    # an appointment missed was one booked: "I missed my appointment yesterday, can I reschedule"
    r"(missed|forgot( about)?|didn'?t make it to|couldn'?t make it to) (my|his|her|their|our) "
    r"(\w+ )?(appointment|appt|visit))\b"
)


# "I'm an existing patient, not new": read before the new-patient words.
NOT_NEW = re.compile(r"\b(not (a )?new( patient| here)?|not my first (time|visit))\b")
# A correction to "new" said later in the booking (narrower than RETURNING_WORDS: "i've been
# meaning to come in" is none).
SAYS_RETURNING = re.compile(
    r"\b((existing|returning|current) patient|already a patient|i'?m a patient|"
    r"(been|came|come) (there |here )?before|seen (there|here|you) before)\b"
)


NOT_SURE = re.compile(
    r"\b(not sure|unsure|don'?t know|do not know|don'?t remember|do not remember|"
    r"can'?t remember|cannot remember|no idea|idk|i forget|i forgot|no preference|"
    r"doesn'?t matter|maybe)\b"
)


# "ok book it" at "Have you been seen here before?": a go-ahead, not a yes to the question (the
# model's "affirm" made a returning patient of someone who may be new). "yes book it" stays a yes.
GO_AHEAD = re.compile(
    r"\b(book (it|me|that|one|me in)|go ahead|(let'?s|lets) do (it|that|this)|do it|"
    r"sign me up|set (it|that) up|schedule (it|me|that))\b"
)
# How a yes or a no to the question opens ("sure" is a yes, but "sure go ahead" a go-ahead).
YES_WORDS = r"yes|yeah|yep|yup|ya|yea|yah|correct|i have"
NO_WORDS = r"no|nope|nah|never"
# ...and "no, i cant do it monday" stays a no.
ANSWERED = re.compile(rf"(?:{YES_WORDS}|{NO_WORDS})\b")


def goes_ahead(text: str) -> bool:
    """Whether ``text`` only says to go on with the booking ("ok book it", "sure go ahead")."""
    lowered = text.lower().replace("’", "'").strip()
    return bool(GO_AHEAD.search(lowered)) and not ANSWERED.match(lowered)


# The answer in a word: "new", "brand new", "new here".
BARE_NEW = re.compile(r"\W*(brand )?new( (one|pt|here|to (you|you guys|the clinic)))?\W*$")
THUMBS_UP = re.compile("[\U0001f44d\U0001f44c\u2705\u2714]")


def patient_status(text: str, intent: str | None, asked: bool) -> str | None:
    """New or returning patient, from the words, the buttons (1/2) or a plain yes/no."""
    lowered = text.lower().replace("’", "'")
    if not re.search(r"[^\W_]", lowered) and not THUMBS_UP.search(lowered):
        # ".", "...", "🤔": no answer (the model's "affirm" made them a returning patient)
        return None
    if NOT_NEW.search(lowered):
        return "returning"
    if NEW_PATIENT_WORDS.search(lowered):
        return "new"
    if RETURNING_WORDS.search(lowered):
        return "returning"
    if not asked:
        return None
    if BARE_NEW.match(lowered):
        # "new" alone got "please tap one of the options", three times over
        return "new"
    if NOT_SURE.search(lowered):
        # "I don't remember", "no preference": looked up as a returning patient; no record
        # found offers "New patient" (utter_verification_no_match_booking). "no preference"
        # was taken for "no", a new patient.
        return "returning"
    if goes_ahead(lowered):
        return None
    choice = parse_choice(lowered, ["yes, i've been before", "no, i'm new"])
    if choice is not None:
        return ("returning", "new")[choice]
    said_yes = re.match(rf"(?:{YES_WORDS}|sure)\b", lowered)
    if intent == "affirm" or said_yes:
        return "returning"
    if intent == "deny" or re.match(rf"(?:{NO_WORDS})\b", lowered):
        return "new"
    return None


# "its for me not my son": the writer, not the relation named (the question came again, for him).
FOR_THE_WRITER = re.compile(
    r"\b(for me|for myself|it'?s me|it is me|me)\b.{0,12}\bnot (for )?(my|our)\b"
    r"|\bnot (for )?(my|our) \w+\W+(it'?s |it is )?(for )?(me|myself)\b",
    re.IGNORECASE,
)


# "do you take new patients?" - "ok book me": "Have you been seen here before?" asked what the
# patient had just said.
NEW_PATIENTS_ASKED = re.compile(
    r"\b(do|are|r|is|will)\b.{0,25}\b(take|taking|accept|accepting|see|seeing|open to)\b"
    r".{0,10}\bnew (patients|pts|patient)\b",
    re.IGNORECASE,
)
# How many of the patient's messages before the latest may have said what the booking reads
# from them (whether we take new patients, who "her" is).
LOOK_BACK = 3


def messages_before(tracker: Tracker) -> list[str]:
    """The patient's last few messages before the latest, newest first."""
    users = [str(e.get("text") or "") for e in tracker.events if e.get("event") == "user"]
    return list(reversed(users[:-1]))[:LOOK_BACK]


def new_patients_asked_before(tracker: Tracker) -> bool:
    """Whether the patient asked if we take new patients in one of their last few messages
    before the latest (which started the booking)."""
    return any(NEW_PATIENTS_ASKED.search(said) for said in messages_before(tracker))


# The ways the question is put (domain/appointments.yml).
STATUS_ASKS = (
    "utter_ask_patient_status",
    "utter_ask_patient_status_for",
    "utter_ask_patient_status_again",
    "utter_ask_patient_status_why",
    "utter_ask_patient_status_named",
    "utter_ask_patient_status_relative_named",
    "utter_ask_patient_status_gently",
    "utter_ask_patient_status_for_plain",
)


# How the assistant says a relation the patient wrote casually ("my kid is sick": "Has your
# child been seen ...?", not "your kid").
SPOKEN_AS = {"kid": "child", "kiddo": "child", "boy": "son", "girl": "daughter"}
# "my 4 year old", "our 9 y/o": a child named by age alone (no "son" or "daughter").
CHILD_BY_AGE = re.compile(rf"\b(?:my|our)\s+{YEARS_OLD}", re.IGNORECASE)


# "book her a sick visit", "can he be seen tomorrow": the patient named only as "her" or "him".
THIRD_PERSON = re.compile(
    r"\b(?:book|schedule|see|get|bring|take) (?:her|him)\b|\b(?:can|could) (?:she|he) (?:be seen|"
    r"come|get)\b|\b(?:she|he) (?:needs|has|is)\b",
    re.IGNORECASE,
)


def relation_said_before(tracker: Tracker) -> str | None:
    """The relative one of the few messages before the latest spoke of ("can my 16 year old
    come in without me" - "ok book her a sick visit tomorrow": "Have you been seen here
    before?"), or None."""
    for said in messages_before(tracker):
        relation = living_relation_in(said) or ("child" if CHILD_BY_AGE.search(said) else None)
        if relation is not None:
            return relation
    return None


def spoken_of(relation: str) -> str:
    return SPOKEN_AS.get(relation, relation)


def _first_name_just_given(tracker: Tracker) -> str | None:
    """The first name of the patient's name, when their latest message gave it (the form kept
    it for the identity check); None otherwise."""
    for event in reversed(list(tracker.events)):
        if event.get("event") == "user":
            return None
        if event.get("event") == "slot" and event.get("name") == "verify_name":
            name = str(event.get("value") or "").split()
            return name[0].capitalize() if name else None
    return None


class ActionAskPatientStatus(Action):
    """ "Have you been seen here before?"; asked again right after (the patient answered with a
    time or a name), it says the answer was kept and why the question matters."""

    def name(self) -> str:
        return "action_ask_patient_status"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        # (what the question's answer came after: "Thanks, I'll look at Tue Dec 8" may have
        # been said since)
        asked = any(r in STATUS_ASKS for r in responses_before_latest(tracker))
        # (a day said back, "Thanks, I'll look at Tue Dec 8", a question answered, or "Good,
        # I'll book that as your vaccination": then "Got it, I'll keep that in mind" jarred)
        said_back = replied_to_latest(tracker)
        text = latest_text(tracker)
        # "I'm sorry about that. Let's take care of your appointment first" (a complaint that
        # asked for a visit) came just before: not "Happy to help you book" after it
        opened = last_response(tracker) in ("utter_complaint_after_task", "utter_sorry_for_loss")
        if not asked and not opened and sounds_frustrated(text):
            # "ugh so frustrated, can't get through on the phone. need to book a physical":
            # "Happy to help you book" answered none of it
            dispatcher.utter_message(response="utter_sorry_hard_to_book")
            opened = True
        # "Happy to help with your husband too." came just before, or "Happy to help you
        # book" was the question answered ("its for my daughter shes 4"): not twice
        for_relative = (
            "utter_ask_patient_status_for_plain"
            if last_response(tracker) == "utter_other_person" or opened or asked
            else "utter_ask_patient_status_for"
        )
        # (not a relative who has died: "my wife passed last month, can i see dr patel")
        said_now = living_relation_in(text)
        request = form_request(tracker, "booking_form")
        relation = said_now or living_relation_in(request)
        if relation is None and CHILD_BY_AGE.search(f"{request} {text}"):
            # "my 4 yo has a fever, can she be seen today": "Have you been seen here before?"
            relation = "child"
        if relation is None and THIRD_PERSON.search(f"{request} {text}"):
            relation = relation_said_before(tracker)
        if FOR_THE_WRITER.search(text.replace("\u2019", "'")):
            plain = "utter_ask_patient_status_gently" if opened else "utter_ask_patient_status"
            dispatcher.utter_message(response=plain)
        elif said_now:
            # "actually its for my daughter not me": the question again, for her
            dispatcher.utter_message(response=for_relative, person=spoken_of(said_now))
        elif asked and (first := _first_name_just_given(tracker)):
            # "aisha khan" at this question: "Got it, I'll keep that in mind" read oddly (and
            # "shes 6, Zoe Nguyen" for a daughter is not Zoe writing)
            named = "utter_ask_patient_status_relative_named" if relation else None
            dispatcher.utter_message(
                response=named or "utter_ask_patient_status_named", first_name=first
            )
        elif asked and relation:
            # "she's 5" at "Has your daughter been seen here before?": not "have you (or the
            # person the visit is for)" when we know who it is for
            dispatcher.utter_message(response=for_relative, person=spoken_of(relation))
        elif asked and (said_back or goes_ahead(text)):
            # "Thanks, I'll look at Tue Dec 8." then "Got it, I'll keep that in mind" said the
            # same twice; after "ok book it" it kept nothing in mind
            dispatcher.utter_message(response="utter_ask_patient_status_why")
        elif asked:
            dispatcher.utter_message(response="utter_ask_patient_status_again")
        elif relation:
            # "book my son a checkup": "Has your son been seen here before?", not "Have you".
            dispatcher.utter_message(response=for_relative, person=spoken_of(relation))
        elif opened:
            # "I'm so sorry for your loss." then "Happy to help you book." jarred.
            dispatcher.utter_message(response="utter_ask_patient_status_gently")
        else:
            dispatcher.utter_message(response="utter_ask_patient_status")
        return []
