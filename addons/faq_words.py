"""Common questions the model read as something else, recognised by their words.

Each was met with a wrong turn, although the FAQ had its answer:

* "i need a doctors note for work from my visit tuesday": a booking (1.0, "visit tuesday"),
  and "Have you been seen here before?". The forms and notes answer says how notes are done
  (and offers the visit when a form needs an exam). A visit asked for in so many words ("a
  note for work, can I get an appointment") stays a booking.
* "how do i stop getting text messages from you": out of scope (0.53). The reminders answer
  says to reply STOP.
* "can teenagers come in by themselves": the list of clinicians. The teen privacy answer says
  what stays confidential and whether a parent needs to come.
* "my mom has an appt tuesday, can I come with her": a booking (0.93), and "What kind of visit
  do you need?". The visitors answer says who may come along.
* "do i need an appointment for a flu shot": a booking (0.98), and "Have you been seen here
  before?". The walk-in answer says we see patients by appointment, and finds a time.
* "i lost my insurance card, what do i do": out of scope (0.46). The insurance card answer
  says the patient is still seen.
"""

from __future__ import annotations

import re

# Money back asked for (addons/money_words.py, addons/services_guard.py).
REFUND = re.compile(r"\b(refund\w*|reimburs\w*|(my|our|the) money back)\b", re.IGNORECASE)

FORMS_KEY = "faq/forms_notes"
REMINDERS_KEY = "faq/reminders"
TEEN_PRIVACY_KEY = "faq/teen_privacy"

NOTE_ASKED = re.compile(
    r"\b(?:(?:doctor|doctors|dr|drs|sick|work|school|excuse|medical|return to work) ?notes?|"
    r"notes? for (?:work|school|my (?:job|boss|employer|work|school))|excuse letter|fmla|"
    r"disability (?:forms?|paperwork)|(?:school|sports|camp|work|daycare) (?:forms?|paperwork))\b",
    re.IGNORECASE,
)
# A word of booking: a message read as one that has it is one (addons/services_guard.py too).
BOOKING_WORDS = re.compile(
    r"\b(?:book|schedule|appointments?|appts?|make an?|get (?:in|seen)|come in)\b", re.IGNORECASE
)
# A note of a visit had ("can i get a note that i was at my appointment today": a booking, 0.98,
# for its "appointment today"): the forms and notes answer, booking words or not.
NOTE_OF_A_VISIT = re.compile(
    r"\b(?:note|letter|proof)\b(?: \w+){0,2} (?:that|saying|showing|proving|stating) (?:i|he|she|"
    r"we|they|my \w+) (?:was|were|had|came|went|attended|saw)\b"
    r"|\bproof (?:of|that) (?:my|his|her|our|the|i|he|she|we)\b.{0,20}\b(?:appointment|appt|"
    r"visit|seen|was there|came in)\b",
    re.IGNORECASE,
)
# (and "faq" itself: "i need a note for work saying i was seen yesterday", the note's answer at
# 0.48 beside a booking at 0.46, was "Did you want to book an appointment?")
NOTE_MISREAD = frozenset(
    {"book_appointment", "check_appointment", "out_of_scope", "nlu_fallback", "faq"}
)

TEXTS_STOPPED = re.compile(
    r"\b(?:stop|quit|opt out of|unsubscribe from|turn off|no more)\s+(?:getting |receiving |"
    r"sending (?:me )?)?(?:your |the |these |all (?:the |these |your )?)?(?:text|texts|text "
    r"messages|sms|reminder texts|messages)\b|\b(?:unsubscribe|opt out)\b",
    re.IGNORECASE,
)
TEXTS_MISREAD = frozenset({"out_of_scope", "nlu_fallback", "stop", "complaint"})

TEEN_ALONE = re.compile(
    r"\b(?:teens?|teenagers?|minors?|kids? under 18|\d{2} ?(?:-| )?(?:year|yr)s?(?:-| )?olds?|"
    r"i'?m (?:1[2-7])|im (?:1[2-7]))\b.{0,40}\b(?:by (?:themselves|himself|herself|myself)|"
    r"alone|on (?:their|his|her|my) own|without (?:a |their |his |her |my )?(?:parents?|mom|"
    r"dad|guardian)|without (?:me|us))",
    re.IGNORECASE,
)
# ("hey can my 15 yr old come in without me for a sports physical": the plans we take, 0.72)
TEEN_MISREAD = frozenset(
    {
        "ask_clinicians",
        "book_appointment",
        "out_of_scope",
        "nlu_fallback",
        "faq",
        "inform",
        "billing_insurance",
    }
)

VISITORS_KEY = "faq/masks_visitors"
# Family and carers, as people who come along to a visit or call for the patient.
_FAMILY = (
    r"husband|wife|partner|boyfriend|girlfriend|mom|mother|dad|father|kids?|children|son|"
    r"daughter|sister|brother|caregiver|aide"
)
_COMPANION = rf"(?:{_FAMILY}|friend|baby|support person|service (?:dog|animal))"
VISITOR_ASKED = re.compile(
    r"\bcan (?:i|we) (?:come|go|be there|sit in|stay|be in the room)(?: in)? with (?:her|him|"
    r"them|my \w+)\b(?! (?:for|to get)\b)|"
    rf"\bcan (?:i|we) bring (?:my|a|our|his|her) (?:\w+ )?{_COMPANION}\b(?! (?:in|for|to)\b)"
    r"(?!'s\b)|"
    r"\bcan (?:my|a) (?:\w+ )?(?:\w+ )?(?:come|be|stay|sit) (?:in )?(?:with me|in the room)\b",
    re.IGNORECASE,
)
VISITORS_MISREAD = frozenset(
    {"book_appointment", "check_appointment", "out_of_scope", "nlu_fallback", "inform"}
)
# "can i bring my husband": what to bring to a visit (ID, insurance card), to the model.
WHAT_TO_BRING_KEY = "faq/what_to_bring"

SOMEONE_HELPS_KEY = "faq/someone_helps"
_RELATIVE = rf"(?:{_FAMILY}|niece|nephew|grandson|granddaughter|family member)"
_CALLS = (
    r"(?:call|calls|talk|talks|speak|speaks|phone|phones|contact|contacts)(?: (?:to|with))? "
    r"(?:you|u|the (?:office|clinic|front desk)|billing|for me|on my behalf|about (?:my|our)|"
    r"for my)\b"
)
# ...or book for them: "can my husband book for me" started a booking for the writer ("Have
# you been seen here before?"), the question unanswered.
_BOOKS_FOR = (
    r"(?:book|books|schedule|schedules|make|makes|cancel|cancels|change|changes|move|moves|"
    r"reschedule|reschedules|manage|manages)(?: (?:(?:an?|the|my|our) )?(?:appointments?|appts?))? "
    r"(?:for me|for us|on my behalf|on our behalf)\b"
    r"|(?:book|schedule|make|cancel|change|manage)s? (?:my|our) (?:appointments?|appts?)\b"
)
# "can my daughter call you about my bills" (my balance, and the identity check), "my wife
# handles my bills, can she call you": whether someone may call for the patient.
SOMEONE_CALLS = re.compile(
    rf"\b(?:can|could|may|is it ok(?:ay)? if|is it alright if) (?:my|our) (?:\w+ )?{_RELATIVE} "
    rf"(?:{_CALLS}|{_BOOKS_FOR})|\b{_RELATIVE}\b.*\b(?:can|could|may) (?:she|he|they) {_CALLS}",
    re.IGNORECASE,
)
SOMEONE_HELPS_MISREAD = frozenset(
    {
        "billing_balance",
        "check_appointment",
        "cancel_appointment",
        "reschedule_appointment",
        "book_appointment",
        "request_human",
        "out_of_scope",
        "nlu_fallback",
        "inform",
    }
)

WALK_IN_KEY = "faq/walk_in"
_APPOINTMENT = r"(?:an? )?(?:appointment|appt)s?"
WALK_IN_ASKED = re.compile(
    r"\b(?:do|does|will|would) (?:i|we|you|u|he|she|they|my (?:\w+ )?\w+) (?:need|(?:need|have) "
    rf"to (?:have|make|book|schedule|get)) {_APPOINTMENT}\b|"
    rf"\b(?:is|are) {_APPOINTMENT} (?:required|needed|necessary|a must)\b|"
    r"\b(?:do|does) (?:i|we|he|she|they|my \w+) (?:have|need) to (?:book|schedule|make one|call) "
    r"(?:ahead|first|in advance|beforehand)\b|"
    # "hi can i get a flu shot without an appointment" (unclear: "Did you want to ask a nurse a
    # medical question?"), "can i just walk in for a tb test"
    rf"\b(?:can|could|may) (?:i|we|he|she|they|my \w+)\b.{{0,50}}\bwithout (?:an? |making an? |"
    rf"booking an? )?{_APPOINTMENT}\b|"
    r"\b(?:can|could|may) (?:i|we|he|she|they|my \w+) (?:just )?walk[- ]?in\b",
    re.IGNORECASE,
)
# Beside the question, a booking asked for ("do i need an appointment? if so book me one"): the
# model's booking stands.
BOOKING_ASKED = re.compile(r"\b(?:book|schedule|set (?:me )?up|get me in|sign me up)\b", re.I)
# (a nurse's question: "hi can i get a flu shot without an appointment", 0.42)
WALK_IN_MISREAD = frozenset({"book_appointment", "out_of_scope", "nlu_fallback", "medical_advice"})

INSURANCE_CARD_KEY = "faq/insurance_card"
_CARD = r"(?:insurance|ins|medi-?cal|medicare|medicaid) cards?\b"
CARD_MISSING = re.compile(
    r"\b(?:lost|lose|losing|forgot|forget|left|misplaced|can'?t find|cannot find|don'?t have|"
    r"do not have|haven'?t (?:got|gotten|received)|never got|(?:still )?waiting (?:on|for)|"
    rf"stolen|expired)\b(?: \w+){{0,3}} {_CARD}|\b(?:no|without)(?: \w+)? {_CARD}|"
    rf"\b{_CARD} (?:\w+ ){{0,2}}(?:got |was |is |went )?(?:lost|stolen|expired|missing)\b",
    re.IGNORECASE,
)
CARD_MISREAD = frozenset({"out_of_scope", "nlu_fallback", "billing_insurance", "faq"})
# The card sent to us ("where do i send my insurance card", "can i email you a copy of my
# insurance card"): the lost-card answer ("You can still come to your visit without the card")
# or the list of plans. Read as an insurance question (addons/services_guard.py), answered by
# actions/insurance.py: bring it to the visit, not a photo in the chat.
CARD_SENT = re.compile(
    r"(?:\b(?:send|sending|e-?mail|emailing|fax|faxing|text|texting|mail|upload|uploading|"
    r"submit|attach)(?! me\b)(?: \w+){0,5}|\bget (?:you|u|y'?all|it to you)(?: \w+){0,3}|"
    r"\b(?:do|does|will|would) (?:you|u|y'?all|the (?:clinic|office|front desk)) (?:need|want|"
    r"require)(?: to see)?)"
    # ("a picture of the card" alone, after the plan was named: the lost-card answer)
    r" (?:(?:a )?(?:copy|copies|picture|pic|photo|scan|image) of (?:my|the|our|his|her|their) "
    rf"(?:new |updated )?(?:{_CARD}|cards?\b)|(?:my|the|our|his|her|their|a) "
    rf"(?:new |updated )?{_CARD})",
    re.IGNORECASE,
)
CARD_SENT_MISREAD = frozenset({"out_of_scope", "nlu_fallback", "faq"})


# "hi i have a question about my sons vaccine record, can i get a copy" (unclear: "Did you want
# to book an appointment?"): the records answer.
RECORDS_KEY = "faq/records_request"
RECORDS_ASKED = re.compile(
    r"\b(?:cop(?:y|ies)|send|get|need|request|transfer)\b.{0,40}\b(?:(?:medical|health|"
    r"vaccine|vaccination|shot|immunization)\s+)?records?\b"
    r"|\b(?:vaccine|vaccination|shot|immunization)\s+(?:records?|history)\b",
    re.IGNORECASE,
)
RECORDS_MISREAD = frozenset({"nlu_fallback", "out_of_scope", "book_appointment"})
# "is there a way to get my appointment confirmation emailed to me" (what the chat does with
# what is written in it, 0.99), "can you email me a confirmation" (our phone numbers): the
# reminders answer, which says what confirmation the patient gets and who sends reminders.
CONFIRMATION_SENT = re.compile(
    r"\b(?:e-?mail|text)(?:ed|s)?\b.{0,40}\b(?:confirmations?|reminders?)\b"
    r"|\b(?:confirmations?|reminders?)\b.{0,40}\b(?:e-?mail|text)(?:ed|s)?\b",
    re.IGNORECASE,
)
CONFIRMATION_MISREAD = frozenset({"faq", "contact_info", "out_of_scope", "nlu_fallback"})


# A visit by phone or video asked for ("can i do my follow up over the phone": "Did you want
# to cancel an appointment?"): the telehealth answer. Not the phone as the way to do a task
# ("can i cancel my appointment over the phone").
TELEHEALTH_KEY = "faq/telehealth"
_VISIT = r"(?:follow ?ups?|visits?|appointments?|appts?|check ?ups?|physicals?|consults?)"
_REMOTE = (
    r"(?:over the phone|by phone|on the phone|by video|over video|on video|virtual(?:ly)?|"
    r"telehealth|tele ?medicine|on zoom|(?:phone|video|virtual|zoom) (?:visit|call|appointment|"
    r"appt|one))"
)
REMOTE_VISIT_ASKED = re.compile(
    rf"\b(?:do|have|doing|having|switch|change|turn|make)\b(?: \w+){{0,3}} {_VISIT}"
    rf"(?: \w+){{0,3}} {_REMOTE}\b"
    rf"|\b{_VISIT}\b.{{0,20}}\b(?:have to|need to|got to|has to|must) be in person\b",
    re.IGNORECASE,
)
TELEHEALTH_MISREAD = frozenset(
    {
        "cancel_appointment",
        "reschedule_appointment",
        "book_appointment",
        "check_appointment",
        "nlu_fallback",
        "out_of_scope",
        "contact_info",
    }
)


def card_sent(text: str) -> bool:
    """Whether ``text`` asks how to get the insurance card to us (not a lost or missing one)."""
    plain = text.replace("\u2019", "'")
    return bool(CARD_SENT.search(plain)) and not CARD_MISSING.search(plain)


def faq_asked(text: str, read_as: str | None, key: str | None = None) -> str | None:
    """The FAQ answer (``faq/...``) a message read as ``read_as`` (and, for ``faq``, answered
    with ``key``) asks for, if one of the rules above applies; None otherwise (the model's
    reading stands)."""
    plain = text.replace("\u2019", "'")
    if (
        read_as in NOTE_MISREAD
        and NOTE_OF_A_VISIT.search(plain)
        and not BOOKING_ASKED.search(plain)
    ):
        return FORMS_KEY
    if read_as in NOTE_MISREAD and NOTE_ASKED.search(plain.replace("'", "")):
        return None if BOOKING_WORDS.search(plain) else FORMS_KEY
    if read_as in TELEHEALTH_MISREAD and REMOTE_VISIT_ASKED.search(plain):
        return TELEHEALTH_KEY
    if read_as in TEXTS_MISREAD and TEXTS_STOPPED.search(plain):
        return REMINDERS_KEY
    if read_as in TEEN_MISREAD and TEEN_ALONE.search(plain):
        return TEEN_PRIVACY_KEY
    if (read_as in VISITORS_MISREAD or key == WHAT_TO_BRING_KEY) and VISITOR_ASKED.search(plain):
        return VISITORS_KEY
    if read_as in SOMEONE_HELPS_MISREAD and SOMEONE_CALLS.search(plain):
        return SOMEONE_HELPS_KEY
    if read_as in WALK_IN_MISREAD and (asked := WALK_IN_ASKED.search(plain)):
        rest = plain[: asked.start()] + plain[asked.end() :]
        return None if BOOKING_ASKED.search(rest) else WALK_IN_KEY
    if read_as in CARD_MISREAD and CARD_MISSING.search(plain):
        return INSURANCE_CARD_KEY
    if (
        read_as in RECORDS_MISREAD
        and RECORDS_ASKED.search(plain)
        and not BOOKING_WORDS.search(plain)
    ):
        return RECORDS_KEY
    if (
        read_as in CONFIRMATION_MISREAD
        and key != REMINDERS_KEY
        and CONFIRMATION_SENT.search(plain)
        and not TEXTS_STOPPED.search(plain)
    ):
        return REMINDERS_KEY
    return None
