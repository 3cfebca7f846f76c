"""What the patient's latest message means, whatever the model read: a yes or a no (or a yes
taken back), a complaint beyond doubt, venting or frustration at this chat rather than at the
clinic, and whether the safety check flagged it.

The forms, the fallback, the other actions and the NLU guard read a message the same way, so
it is not a complaint in one place and an answer in another.
"""

from __future__ import annotations

import re

from rasa_sdk import Tracker

from actions.tracker_reading import is_button_payload, latest_intent, latest_text
from actions.typed_answers import (
    HAS_A_WORD,
    KEEP_IT,
    LEAVING,
    NEVER_MIND,
    NO_WAIT_ASKING,
    OK_BUT_WAIT,
    TYPED_NO,
    TYPED_YES,
    UNDECIDED,
    YES_TAKEN_BACK,
    emoji_answer,
)

# Words of a real complaint; without them, a message read as one with less than
# COMPLAINT_CONFIDENCE is asked about before staff are brought in, and one sent while a task
# is under way is the task's ("no wait, the north office" was read as a complaint at 0.96).
COMPLAINT_WORDS = re.compile(
    r"\b(rude|complain|complaining|complaint|unacceptable|terrible|horrible|awful|worst|"
    r"disappointed|upset|angry|furious|frustrated|frustrating|ridiculous|disrespect\w*|"
    r"unprofessional|never again|mistreated|poor service|bad experience|not happy|unhappy|"
    r"waited (for )?(over|more than|almost) |kept (me )?waiting|yelled|ignored)\b",
    re.IGNORECASE,
)
COMPLAINT_CONFIDENCE = 0.9
# "i want to leave a review", "can i give a compliment to dr patel": feedback offered, not yet
# good or bad (it got "I'm sorry about your experience").
FEEDBACK_OFFERED = re.compile(
    r"\b(?:leave|write|give|post|share|send|submit|pass (?:on|along))\b.{0,20}"
    r"\b(?:reviews?|feedback|compliments?|shout ?outs?|kudos|testimonials?|praise)\b"
    r"|\bwhere (?:can|do|could) (?:i|we) (?:review|rate)\b",
    re.IGNORECASE,
)


def feedback_offered(text: str) -> bool:
    """Whether ``text`` offers feedback without saying anything went wrong."""
    return bool(FEEDBACK_OFFERED.search(text)) and not COMPLAINT_WORDS.search(text)


# "this bot is useless", "you're not helping": about this chat, not the clinic's care or staff.
ABOUT_THE_BOT = re.compile(
    r"\b(this|you|ur|your|stupid|dumb|useless)\s+(bot|chat ?bot|chat|robot|assistant|ai)\b|"
    # "this is the stupidest bot ever" (a complaint: handed to staff, and the chat paused)
    r"\b(stupid|dumb|useless|worst|stupidest|dumbest|dumbass|crappy|shitty|terrible|awful)(est)?"
    r"\s+(bot|chat ?bot|robot|assistant|ai)\b|"
    r"\b(you|u|ur|you're|youre|you are)\s+(are\s+|r\s+)?(so\s+)?"
    r"(useless|stupid|dumb|no help|not helping|not helpful|unhelpful|pointless|a joke)\b",
    re.IGNORECASE,
)
# ... unless the clinic's care or people are named too ("this chat and your receptionist").
ABOUT_THE_CLINIC = re.compile(
    r"\b(receptionist|front desk|staff|nurse|doctor|dr|provider|billing|bill|charged|visit|"
    r"appointment|appt|office|clinic|waited|wait|rude|treated)\b",
    re.IGNORECASE,
)


# Swearing or an insult with nothing said about the clinic ("wtf this is so stupid", "ur a
# useless piece of sh*t bot"): venting at this chat too.
VENTING = re.compile(
    r"\b(wtf|stupid|useless|dumb|worthless|pointless|garbage|trash|sucks?|crap|crappy|"
    r"piece of|shit\w*|sh\*t|fuck\w*|f\*+k?|effing|damn|hate this|waste of time)\b|sh\*t",
    re.IGNORECASE,
)


# "this is ridiculous", "seriously??", "ugh this is so frustrating, why do you need all this":
# frustration said of nothing in particular (a complaint to the model at 0.95 or more: handed
# to staff, the chat paused, mid-task too). A complaint names what went wrong.
FRUSTRATION = re.compile(
    r"\b(ridiculous|frustrat\w*|annoy\w*|seriously|confus\w*|ugh+|omg|smh|so hard|"
    r"complicated|tedious|exhausting|so (long|slow)|taking (so|too) long|taking forever|"
    r"hurry( up)?|"
    r"(so|too) many questions|why do you need (all )?(this|that|these))\b",
    re.IGNORECASE,
)
FRUSTRATION_WORDS = 12


# Trouble reaching us or getting a visit ("can't get through on the phone", "nobody answers",
# "been trying for 3 weeks"): a booking begun so opens with a sorry (actions/patient_status.py).
HARD_TO_REACH = re.compile(
    r"\b(can'?t|cannot|couldn'?t|could not) get (through|a hold of|ahold of|an? (appointment|appt|"
    r"visit))\b|\b(no ?one|nobody|no body) (ever )?(answers?|answered|picks? up|picked up|calls? "
    r"back|called( me)? back|returns?)\b|\bnever (called|calls|call|got) (me )?back\b|\bon hold\b|"
    r"\b(been|kept) (calling|trying to (get|book|reach|call|schedule|make))\b|"
    r"\b(hard|impossible|difficult) to (get|reach|book)\b",
    re.IGNORECASE,
)


# Annoyance said outright (not "omg", "confused" or "hurry": "omg i need a flu shot asap").
FED_UP = re.compile(
    r"\b(ridiculous|frustrat\w*|annoy\w*|fed up|unacceptable|sick of|tired of)\b", re.IGNORECASE
)


def sounds_frustrated(text: str) -> bool:
    """Annoyance, or trouble reaching us, in whatever the message asks besides."""
    text = text.replace("\u2019", "'")
    return bool(FED_UP.search(text) or HARD_TO_REACH.search(text))


def vague_frustration(text: str) -> bool:
    """Frustration with nothing of the clinic named, and no complaint word besides."""
    if not FRUSTRATION.search(text) or len(text.split()) > FRUSTRATION_WORDS:
        return False
    return not (ABOUT_THE_CLINIC.search(text) or COMPLAINT_WORDS.search(FRUSTRATION.sub(" ", text)))


def about_the_bot(text: str) -> bool:
    """Venting at the assistant itself, or at nothing in particular: an apology and a person
    on offer, not a complaint filed with staff (that pauses the chat, and the next question
    went unanswered)."""
    return (
        bool(ABOUT_THE_BOT.search(text) or VENTING.search(text))
        and not ABOUT_THE_CLINIC.search(text)
    ) or vague_frustration(text)


def worded_as_complaint(tracker: Tracker) -> bool:
    """The latest message says it is a complaint in words (or is the "Yes" to our question)."""
    text = latest_text(tracker)
    return is_button_payload(text) or bool(COMPLAINT_WORDS.search(text))


# A question ("wait what time was the one i just cancelled"), not an account of what went wrong.
PLAIN_QUESTION = re.compile(
    r"^\W*((wait|hold on|um+|so|and|but|ok|okay|oh|hey)\W+)*"
    r"(what|when|which|where|who|how|is|are|was|were|do|does|did|can|could|will|would)\b",
    re.IGNORECASE,
)


def clearly_a_complaint(tracker: Tracker) -> bool:
    """The latest message is a complaint beyond doubt: worded so, or confidently classified and
    not a plain question (a complaint pauses the chat for staff)."""
    intent, confidence = latest_intent(tracker)
    if intent != "complaint":
        return False
    if worded_as_complaint(tracker):
        return True
    return confidence >= COMPLAINT_CONFIDENCE and not PLAIN_QUESTION.search(latest_text(tracker))


def yes_or_no(tracker: Tracker) -> bool | None:
    """The patient's answer to a yes/no question: True, False, or None if it is neither."""
    text = latest_text(tracker)
    intent, _ = latest_intent(tracker)
    if UNDECIDED.match(text) or OK_BUT_WAIT.match(text) or LEAVING.match(text):
        return None  # "huh", "ok wait", "ok thanks bye": never taken for a yes
    if not is_button_payload(text):
        if KEEP_IT.search(text):
            return False
        if TYPED_NO.match(text):
            return None if NO_WAIT_ASKING.match(text) else False
        if TYPED_YES.match(text):
            # "ok nvm", "ok actually nvm": a never mind, not the "ok" before it
            if NEVER_MIND.search(text):
                return False
            # "yes no wait", "sure but is it downtown?": taken back, or a doubt (it cancelled)
            return None if yes_taken_back(text) else True
        if (emoji := emoji_answer(text)) is not None:
            return emoji
        if not HAS_A_WORD.search(text):
            # "👎", "❌", "🤔", "...", "o", "x": the model read them as yes (0.8-0.99), which
            # booked, moved and cancelled; a yes must be said
            return None
    if intent == "affirm":
        return True
    if intent == "deny":
        return False
    return None


def yes_taken_back(text: str) -> bool:
    """A typed yes the same message takes back or doubts ("yes no wait", "sure but is it
    downtown?"): read by yes_or_no as no answer, and by aside_reply as time to think."""
    yes = TYPED_YES.match(text)
    return yes is not None and YES_TAKEN_BACK.search(text[yes.end() :]) is not None


def safety_flagged(tracker: Tracker) -> bool:
    safety = (tracker.latest_message or {}).get("safety") or {}
    return bool(safety.get("category"))
