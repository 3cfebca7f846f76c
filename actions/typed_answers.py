"""What short typed answers mean, whatever the model read: a yes or a no ("ok nvm" is no yes),
a pause ("huh", "ok wait"), a doubt ("idk"), a question back ("what does that mean?"), leaving
("thanks bye") or coming back ("where were we"). The forms (actions/forms.py) and the actions
outside them read these the same way."""

from __future__ import annotations

import re

# The "Shall I book / cancel / move it?" questions, answered yes or no.
CONFIRMATION_SLOTS = {"booking_confirmed", "cancel_confirmed"}
# A typed answer that starts with yes or no is that answer, whatever else it says ("Yes, cancel
# it" was read as "stop", "yes move it" as a new request); "no problem" is not a no.
# Fillers before the answer: "hmm no actually keep it", "oh yes please".
# ("oh right no dont book it" at "Book another one anyway?" got the insurance answer)
FILLER = (
    r"^\W*(?:(?:hmm+|um+|uh+|ugh+|oh+|ah|well|wait|actually|sorry|so|right|oops|my bad)\b"
    r"[\s,.!]*)*"
)
TYPED_YES = re.compile(
    FILLER + r"(yes|yeah|yea|yep|yup|ya|yas|sure|ok|okay|si|sí|please do|go ahead|do it|"
    r"confirm|confirmed|correct|absolutely|definitely|of course|perfect|great|sounds good|"
    r"that works|works for me|alright|all right|fine|k|kk|y(?![?'’]))\b",
    re.IGNORECASE,
)
# "ok sign me up" at "Shall I connect you with them?" (a payment plan offered): a booking to
# the model (0.77), which asked "What kind of visit do you need?". Signed up for nothing named,
# it is a yes to what was offered ("sign me up for a flu shot" names a visit, and stays one).
SIGN_ME_UP = re.compile(
    FILLER + r"(?:(?:yes|yeah|yep|ok|okay|sure|great|perfect|sounds good)\b[\s,.!]*)?"
    r"(?:please\s+)?(?:sign|set) (?:me|us) up"
    r"(?:\s+(?:for|with) (?:it|that|this|one|the plan|a plan|the payment plan))?"
    r"(?:\s+please)?[\s.!]*$",
    re.IGNORECASE,
)
TYPED_NO = re.compile(
    FILLER + r"(no|nope|nah|n|don'?t|do not|not now|keep it)\b(?!\s+(problem|prob|worries)\b)",
    re.IGNORECASE,
)
# "actually no wait, is there a fee for cancelling?": a pause to ask something, not a no (the
# appointment was left as it was, and the question went unanswered).
NO_WAIT_ASKING = re.compile(
    FILLER + r"(no|nope|nah)[\s,.!]+(wait|hold on|hang on)\b[\s,.!]*"
    r"((what|when|which|where|who|how|is|are|was|were|do|does|did|can|could|will|would)\b|"
    r"[^?]*\?)",
    re.IGNORECASE,
)
# Emoji that answer a yes/no question by themselves (the model read 👎 and ❌ as yes).
YES_EMOJI = frozenset("👍👌✅✔☑🆗🙆")
NO_EMOJI = frozenset("👎❌✖🚫🙅⛔")
# Skin tones and the emoji presentation selector: "👍🏽" and "✔️" are 👍 and ✔.
EMOJI_MODIFIERS = re.compile("[\U0001f3fb-\U0001f3ff\ufe0f\\s]")
# A message with a word in it (two letters or more), not only emoji, punctuation or one letter.
HAS_A_WORD = re.compile(r"[^\W\d_]{2,}")


def emoji_answer(text: str) -> bool | None:
    """A yes or a no said with emoji alone (👍, 👎, ❌), else None."""
    said = set(EMOJI_MODIFIERS.sub("", text))
    if said and said <= NO_EMOJI:
        return False
    if said and said <= YES_EMOJI:
        return True
    return None


# "actually I'll keep it", "leave it as is": a no to cancelling or moving, wherever it is said.
KEEP_IT = re.compile(
    r"\b(keep it|leave it|don'?t cancel|do not cancel|dont cancel|don'?t move|"
    r"do not move|never ?mind,? keep)\b",
    re.IGNORECASE,
)


# A detail changed: "make it downtown", "tuesday instead".
# "hello??", "?", "anyone there?" while a question waits: the question again, after a short
# "I'm here" (the whole greeting and its menu came back, every time). A plain "hi" is a
# greeting.
STILL_THERE = re.compile(
    r"^\W*((hi|hello|hey|helo|hellooo*|yo)( there)?|(are )?(you|u) (still )?there|"
    r"(is )?any ?(one|body) there|still there)?\W*$",
    re.IGNORECASE,
)
# A pause or a question back, and nothing else: no answer. The model read "huh" as a yes (1.0)
# and "hmm let me think" as one (0.61), which booked the visit; "wait" and "maybe" as "stop",
# which threw the task away.
PAUSE_WORDS = (
    r"hmm+|um+|uh+|huh|eh|erm|what|wut|wat|wha|wait|hold on|hang on|"
    r"(?:one|a|just a) (?:sec|second|min|minute|moment)|give me a (?:sec|second|minute|moment)|"
    r"brb|be right back|(?:let me|lemme) (?:think|check|see|look|find it|ask)(?: about it)?|"
    r"thinking|i'?m thinking|"
    r"maybe|perhaps|i guess|what do you mean|wdym|pardon|come again|sorry"
)
HESITANT = re.compile(rf"^\W*(?:(?:{PAUSE_WORDS})[\s,.!?]*)+$", re.IGNORECASE)
# "ok wait", "okay hold on": an "ok" that holds the answer back (taken as a yes, it booked).
OK_THEN_PAUSE = re.compile(
    rf"^\W*(?:ok+|okay|k|kk|alright|sure)[\s,.!]+(?:(?!i guess)(?:{PAUSE_WORDS})[\s,.!?]*)+$",
    re.IGNORECASE,
)
# ...or "ok wait what about parking": a question before the answer.
OK_BUT_WAIT = re.compile(
    r"^\W*(?:ok+|okay|k|kk|alright|sure)[\s,.!]+(?:wait|hold on|hang on)\b", re.IGNORECASE
)
# "what does that mean?", "what do u mean", "i dont get it" with a question waiting: the question
# put in other words (read as a balance question, it started a balance check and the booking
# was lost).
QUESTION_BACK = re.compile(
    r"^\W*(?:(?:um+|uh+|sorry|wait|huh|ok|so)[\s,.!?]+)*(?:what (?:do|did) (?:you|u|ya) mean"
    r"(?: by (?:that|this))?|what does (?:that|this|it) (?:mean|mean\?)|whats? (?:that|this) mean"
    r"|what is that supposed to mean|wdym|meaning|i don'?t (?:get|understand)(?: (?:it|that|"
    r"the question|what you mean|what you'?re asking))?|i dont (?:get|understand)(?: it| that)?"
    r"|what are (?:you|u) asking(?: me)?|what(?:'?s| is) the question"
    # "huh?", "sorry what?": not understood ("No rush, take your time" did not fit)
    r"|huh\s*\?+|(?:sorry\W*)?what\s*\?+|come again\s*\?*)\W*$",
    re.IGNORECASE,
)
# The question asked, said another way (the question itself follows).
WHAT_I_ASKED = {
    "patient_status": "utter_what_i_asked_patient_status",
    "visit_type": "utter_what_i_asked_visit_type",
    "practitioner": "utter_what_i_asked_practitioner",
    "location": "utter_what_i_asked_location",
    "date_preference": "utter_what_i_asked_date_preference",
    "slot_choice": "utter_explain_slot_choice",
    "booking_confirmed": "utter_what_i_asked_confirmation",
    "cancel_confirmed": "utter_what_i_asked_confirmation",
    "appointment_choice": "utter_what_i_asked_appointment_choice",
    "verify_name": "utter_what_i_asked_name",
    "verify_dob": "utter_dob_any_format",
    "new_phone": "utter_what_i_asked_phone",
    "dispute_details": "utter_what_i_asked_dispute_details",
}
# "hi again, where were we", "ok im back where were we": back to the task (the offices'
# addresses came, read as a directions question).
WHERE_WERE_WE = re.compile(
    r"\b(where (were|was) we(?!\s+(going|supposed|meant|gonna|to|told|parking))|"
    r"where did we (leave off|stop)|what were we (doing|on)|"
    r"(let'?s|can we|ok) (continue|carry on|pick up where)|pick up where we left off)\b",
    re.IGNORECASE,
)
WHERE_WERE_WE_WORDS = 10
# "idk", "not sure" at a question whose answer no one else can guess (at who, where and when,
# "idk" is no preference: actions/matching.py).
NOT_KNOWN_REPLY = {
    "verify_name": "utter_identity_not_known",
    "verify_dob": "utter_identity_not_known",
    "slot_choice": "utter_explain_slot_choice",
    "appointment_choice": "utter_what_i_asked_appointment_choice",
    "booking_confirmed": "utter_what_i_asked_confirmation",
    "cancel_confirmed": "utter_what_i_asked_confirmation",
}
# After a typed yes: "no wait", "wait no", "but is it downtown?" take it back or doubt it.
YES_TAKEN_BACK = re.compile(
    r"\b(no|nope|nah|wait|hold on|hang on)\b(?!\s+(problem|prob|worries|rush)\b)"
    r"|\bbut\b.*(\?|\b(is|are|will|can|does|do|what|where|when|which|how)\b)",
    re.IGNORECASE,
)
# "thanks bye", "ok gotta go, will finish later", "ok thats all": leaving with a question
# waiting. Not an answer ("ok thanks bye" at "Shall I book it?" booked the visit, "ok nvm
# thanks bye" at "cancel it?" cancelled it), and the goodbye came with the question again.
# ("thanks so much bye" at the times shown: "Take care!", then the times again)
_THANKS = r"(?:thanks|thank you)(?: so much| very much| a lot)?|thx|ty"
LEAVING = re.compile(
    rf"^\W*((ok+|okay|k|kk|alright|{_THANKS}|"
    r"sorry|um+|oh|well|anyway|no|nah|actually)[\s,.!]+)*"
    r"(bye|goodbye|bye bye|bye now|gotta go|got to go|have to go|need to go|gtg|g2g|"
    r"that'?s all( for now)?|thats it|that'?s it for now|talk (to you )?later|ttyl|see ya|"
    r"cya|i'?ll (come back|be back|finish|do it|do this) later|"
    # "ill book later" (a goodbye to the model: "Goodbye", then the question again)
    r"i'?ll (book|do|finish|schedule) (it |this |that )?(later|another time|some other time)|"
    # (not "another time" alone: the "No, another time" button's words, other times wanted)
    # "no actually ill call u guys later" at "Shall I book it?": other times were offered
    r"i'?ll (just )?(call|phone|ring)( you| u| the office| the clinic)?( guys)?"
    r"( later| instead| tomorrow)?)"
    rf"([\s,.!]+({_THANKS}|bye|for now|"
    r"(i'?ll |will )?(finish|come back|be back|do it|do this)( later| in a bit)?))*\W*$",
    re.IGNORECASE,
)
# ...and a doubt, no yes or no either ("idk" answers "what kind of visit?": help choosing).
UNDECIDED = re.compile(
    rf"^\W*(?:(?:{PAUSE_WORDS}|(?:i'?m |i am )?not sure|unsure|idk|i (?:don'?t|do not) know|"
    r"dunno|no idea|no clue|tbh|honestly|"
    # "idk thats why im asking" at "Which office?" (a billing dispute: handed to staff)
    r"that'?s (?:why|what) i'?m asking|that'?s why i asked)"
    r"[\s,.!?]*)+$",
    re.IGNORECASE,
)
CHANGE_INSTEAD = re.compile(
    r"\b(make it|instead|change (it|that) to|switch (it )?to|rather have|go with)\b"
    # "scratch that, the north office" (but "scratch that, forget it" stops)
    r"|\bscratch that\W+(?!(never|nvm|forget|i don|don|nothing|stop|all|everything|cancel)\b)\w",
    re.IGNORECASE,
)
# "no, never mind", "nah forget it": the patient drops the whole task, not just this time.
NEVER_MIND = re.compile(
    r"\b(never ?mind|nvm|forget (it|about it|that)|don'?t bother|not anymore)\b(?!,? keep)",
    re.IGNORECASE,
)

# "i just told you my name??", "i already told you": the patient thinks it was said (it was
# read as a billing dispute, handed to staff and the chat paused). Sorry, and the question again.
ALREADY_SAID = re.compile(
    r"^\W*(?:(?:ugh|omg|but|um+|uh+|well|dude)\W+)*"
    r"(?:i|ive|i've|i have)\s+(?:just\s+|already\s+|literally\s+)*"
    r"(?:told|said|gave|typed|sent|answered|put|wrote)(?:\s+(?:it|that|this|them))?"
    r"(?:\s+(?:to\s+)?(?:you|u))?"
    r"(?:\s+(?:my|the|his|her|their|our)\s+(?:full\s+)?(?:name|names|birthday|date of birth|"
    r"dob|birth ?date|details|info|information|number|phone( number)?|address|office|day|date|"
    r"time))?"
    r"(?:\s+(?:already|before|earlier|above|twice|again))*\W*$",
    re.IGNORECASE,
)


# "i spelled my name wrong", "i typed my birthday wrong" after no match: a billing complaint
# to the model (the chat went to billing staff); the detail is asked for again
# (actions/identity.py).
TYPO_SAID = re.compile(
    r"\b(typo|misspelled|misspelt|mistyped|(spelled|spelt|typed|wrote|put|entered|gave)\b"
    r"[\w\s']{0,20}\b(wrong|incorrect|incorrectly|badly))\b",
    re.IGNORECASE,
)
