"""Feelings said with no request: "im so overwhelmed", "ugh im so stressed", "im freaking out".

"im so overwhelmed" was read as a payment question (1.0) and got the ways to pay a bill; said
in the middle of a booking, "ugh im so stressed" got "Please tap one of the options". Words of
distress that no safety rule reads as a crisis get a kind word, the ways we can help (a person
among them) and 988 for anything heavier, and a task under way goes on where it was.
"""

from __future__ import annotations

import re

from actions.request_context import DEATH_OF_KIN
from actions.second_request import request_in

# How the patient feels, said of themselves.
FEELINGS = re.compile(
    r"\b(i'?m|im|i am|i feel|feeling|i'?ve been|ive been|so|really|just|totally|completely)\s+"
    r"(so\s+|really\s+|very\s+|super\s+|completely\s+|totally\s+|kind of\s+|a bit\s+|just\s+)*"
    r"(overwhelmed|stressed( out)?|anxious|scared|terrified|frightened|panicking|freaking out|"
    r"exhausted|worn out|burnt out|burned out|upset|sad|down|lonely|(so )?alone|frustrated|"
    r"at my wits'? end|falling apart|a mess|not ok(ay)?|not doing (well|great|good))\b"
    r"|\b(this is|it'?s|its|everything is|everything'?s|things are) (all )?(just )?"
    r"(too much|a lot)\b"
    r"|\b(having|had) (a|such a) (really |very |so )?(hard|rough|bad|tough|awful) "
    r"(time|day|week)\b",
    re.IGNORECASE,
)
# Words that make it a question for us after all ("overwhelmed with all these bills").
ABOUT_A_TASK = re.compile(
    r"\b(bill|bills|balance|pay|paying|payment|owe|insurance|appointment|appt|visit|book|"
    r"schedule|cancel|reschedule|doctor|dr|results?|test|parking|address|hours)\b",
    re.IGNORECASE,
)


# "... im so stressed. anyway downtown is fine": an answer after the aside (the form reads it).
THEN_AN_ANSWER = re.compile(
    r"\b(anyway|anyways|anyhow|but|regardless|that said|moving on)\b\W+\w+", re.IGNORECASE
)


# "i just lost my baby", "i had a miscarriage": the complaint check ("Did you want to tell us
# about a problem with your care?"), then a bare menu.
BABY_LOST = re.compile(
    r"\b(lost (my|the|our) (baby|pregnancy|little one)|miscarr(y|ied|iage|ying|iages)|"
    r"stillbirth|still born|stillborn|baby (died|passed|passed away|has died|was born still))\b",
    re.IGNORECASE,
)


def baby_lost(text: str) -> bool:
    """A pregnancy or a baby lost, said with no request of ours."""
    text = (text or "").replace("\u2019", "'")
    return bool(BABY_LOST.search(text)) and request_in(text) is None


# "my husband passed away last month, please remove him from your system": "If this is a
# medical emergency, please call 911 now"; "my mother died, how do i close her account": "Did
# you want to get directions to our office?". A death just now is left to the safety layer
# and the fallback, which ask about an emergency first.
JUST_NOW = re.compile(
    r"\b(just|right now|a few minutes ago|minutes ago|an hour ago|this morning|today|tonight)\b",
    re.IGNORECASE,
)


# Words of a task beside the death: "my dad died, he had a physical next week" (a cancellation),
# "... you keep texting reminders", "... can i see dr patel" (the writer's own visit).
TASK_WITH_A_DEATH = re.compile(
    r"\b(appointments?|appts?|visits?|physical|check ?ups?|book|booking|schedule|scheduled|"
    r"cancel\w*|resched\w*|move|bills?|balance|pay|paying|owe|insurance|refills?|reminders?|"
    r"texts?|texting|calls?|calling|see (dr|doctor|someone|a doctor)|talk to)\b",
    re.IGNORECASE,
)


def death_told(text: str) -> bool:
    """A relative's death told, with no task or request of ours in the message and not just
    now (a baby or a pregnancy lost has its own words: ``baby_lost``)."""
    text = (text or "").replace("\u2019", "'")
    return (
        bool(DEATH_OF_KIN.search(text))
        and not JUST_NOW.search(text)
        and not BABY_LOST.search(text)
        and not TASK_WITH_A_DEATH.search(text)
        and request_in(text) is None
    )


def feelings_only(text: str) -> bool:
    """Distress said with no request of ours in it ("im so overwhelmed", "ugh this is too
    much"); not "im so stressed about my bill" (the billing answer, which says sorry first)."""
    text = (text or "").replace("\u2019", "'")
    feeling = FEELINGS.search(text)
    if not feeling or ABOUT_A_TASK.search(text) or THEN_AN_ANSWER.search(text[feeling.end() :]):
        return False
    return request_in(text) is None
