"""What an answer at the identity questions says besides a name or date of birth: a question
about them or a refusal ("why do you need that?", "i'd rather not"), the format asked for,
details not known ("i dont know his dob"), a date of birth corrected ("oops 06/05/2017"); and
whether the bot already said something in this task.

Read before the answer itself, so that a question about the question is answered rather than
taken for a wrong answer and asked again; a second miss in a row adds, once, the other ways
to be helped. ``actions/identity.py`` asks the questions and decides.
"""

from __future__ import annotations

import re
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.date_words import is_month_name
from actions.tracker_reading import events_this_session, is_response

# A question about, or a refusal of, the identity question (not an answer to it).
WHY_OR_NO = re.compile(
    r"\b(why|what for|do i have to|do you need|don'?t want|do not want|rather not|"
    r"not comfortable|prefer not|won'?t give|refuse|none of your business)\b"
    # "no thanks", "i said no" at the name question: the same question came back, every time
    r"|^\W*(no|nope|nah|i said no)([\s,.!]+(thanks|thank you|thx|ty))?\W*$",
    re.IGNORECASE,
)
# "i don't have a phone", "no cell" at the new patient's phone question.
NO_PHONE = re.compile(
    r"\b((don'?t|do not|dont) (have|own) (a |any )?(phone|cell|cellphone|mobile|number)|"
    r"no (phone|cell|cellphone|mobile)( number)?)\b",
    re.IGNORECASE,
)
# "this number", "same as the one im texting from" at the new patient's phone question: the
# SMS sender's number (on the web there is none to see).
THIS_NUMBER = re.compile(
    r"\b(this|same|that) (number|phone|cell|one|#)\b|\bsame as (mine|my|me|the|this|before)\b|"
    r"\b(text|txt|messag|writ|contact)(e|ing)? (you |u )?(from|on|with)\b|"
    r"\b(use|try) (mine|my (number|cell|phone)|this)\b|\b(text|reach|call) me (here|on this)\b|"
    r"\bthe one i'?m (on|using|texting)\b|^\W*(same|this|this 1|same 1|mine)\W*$",
    re.IGNORECASE,
)


def says_this_number(text: str) -> bool:
    """ "this number", "same as the one i’m texting from" (any apostrophe)."""
    return bool(THIS_NUMBER.search(text.replace("\u2019", "'")))


# "yes" by SMS to "What's the best phone number? If it's the one you're texting from, just
# reply 'this number'": that one (it got "Please send a 10-digit phone number").
YES_ONLY = re.compile(
    r"^\W*(?:yes|yep|yeah|ya|yup|yes it is|it is|correct|sure|yes please|y)\W*$", re.IGNORECASE
)


# "i dont know what format you want": any, with examples (it got "if you find them ...").
FORMAT_ASKED = re.compile(
    r"\b(format|what way|which way|how (do|should|must) i (write|type|put|enter|say) (it|that|"
    r"the date|my birthday|the birthday|the dob))\b",
    re.IGNORECASE,
)
BIRTH_DATE_WORDS = re.compile(r"\b(birth ?day|dob|d\.o\.b|date|born|birth)\b", re.IGNORECASE)
# "i dont know his dob": said how to go on, not the insurance list it was read as.
NOT_KNOWN = re.compile(
    r"\b(don'?t know|dont know|do not know|(idk|dunno)(?= \w)|not sure (of|about|what)|no idea|"
    r"can'?t remember|"
    r"cannot remember|don'?t remember|forgot|forget)\b",
    re.IGNORECASE,
)


# What may come with a corrected date of birth: "oops", "sorry typo", "i mean".
CORRECTION_WORDS = {
    "oops",
    "whoops",
    "sorry",
    "typo",
    "my",
    "bad",
    "i",
    "mean",
    "meant",
    "correction",
    "oh",
    "wait",
    "actually",
    "its",
    "it's",
    "it",
    "is",
    "should",
    "be",
    "wrong",
    "dob",
    "date",
    "of",
    "birth",
    "the",
    "right",
    "one",
    "correct",
    "that",
    "was",
    "a",
    "ok",
    "okay",
    "sry",
    "srry",
}


def only_a_correction(text: str) -> bool:
    """The message is a date of birth with nothing but words of correction around it."""
    words = re.findall(r"[a-z']+", re.sub(r"\d[\d/.\-]*", " ", text.lower()))
    return all(w in CORRECTION_WORDS or is_month_name(w) for w in words)


def other_ways_after_two_misses(
    dispatcher: CollectingDispatcher, tracker: Tracker, slots: dict[str, Any]
) -> None:
    """A second answer in a row that is no name or date of birth: the other ways, once.

    "Robert Miller" - "the second of nov" - "fifty" - "blah" got "I still need the year of
    birth" again and again, with nobody named who could help instead.
    """
    if not slots.get("identity_reask"):
        return  # the first miss: the question again, in other words, is enough
    if any(is_response(e, "utter_identity_other_ways") for e in events_this_session(tracker)):
        return  # said once this session already
    dispatcher.utter_message(response="utter_identity_other_ways")


def said_in_this_task(tracker: Tracker, response: str) -> bool:
    """Whether the bot said ``response`` since the running form started (or, with none
    running, in this session)."""
    for event in events_this_session(tracker):
        if event.get("event") == "active_loop" and event.get("name"):
            return False
        if is_response(event, response):
            return True
    return False
