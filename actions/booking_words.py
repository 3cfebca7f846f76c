"""What a message says while booking, whatever the model read: a detail changed ("actually
tuesday instead"), a problem described ("my knee is swollen"), a question for a nurse, a doctor of
another practice named, no wish to book at all, or an appointment the patient already has.
The booking form (actions/booking.py) reads them."""

from __future__ import annotations

import re

from actions.name_words import could_be_a_name

# Words that change a detail given earlier ("wait wrong day, tomorrow instead").
CHANGE_CUE = re.compile(
    r"\b(instead|actually|wrong|change|make it|rather|switch|different|can we do|could we do|"
    r"how about|what about|prefer|scratch that)\b",
    re.IGNORECASE,
)
# A short answer to "Have you been seen here before?" ("no im new", "yes i have"): at most
# this many words and no question mark. ("no im new" was read as a common question and answered
# with the new-patients FAQ; the question came again.)
SHORT_STATUS_ANSWER_WORDS = 6
# Answers to "what kind of visit?" that describe a problem, or say the patient is not sure.
SYMPTOM = re.compile(
    r"\b(pain|painful|hurts?|hurting|aches?|aching|sore|swollen|swelling|injur(y|ed|ies)|"
    r"sprain(ed)?|twisted|rash|fever|cough(ing)?|sick|ill|unwell|infection|itch(y|ing)?|"
    r"vomit(ing)?|throwing up|diarrh?ea|dizzy|headaches?|migraines?|lump|bump|bitten|bite|"
    r"burn(ed|t)?|cold|flu|not feeling (well|good|great)|feel(ing)? (bad|awful|terrible))\b",
    re.IGNORECASE,
)
# "idk its my knee": a part of the body named with whose it is, a problem there.
_BODY_PART = (
    r"(my|his|her|their|the|our) (knees?|back|lower back|shoulders?|ankles?|wrists?|foot|feet|"
    r"hands?|hips?|elbows?|neck|ears?|eyes?|throat|stomach|tummy|belly|skin|legs?|arms?|toes?|"
    r"fingers?|thumb)\b"
)
BODY_PART = re.compile(rf"\b{_BODY_PART}", re.IGNORECASE)
# "see someone about my knee", "get my back looked at": a part of the body the visit is about,
# a problem there too, though no symptom is named.
ABOUT_BODY_PART = re.compile(
    rf"\b(about|for|with|look at|looked at|check|checked|check out|checked out)\W+{_BODY_PART}"
    rf"|\b{_BODY_PART}\W+(looked at|checked|checked out|seen to)\b"
    # "my throat is killing me", "my back's been acting up"
    rf"|\b{_BODY_PART}\W*(is|are|s|has been|have been|s been|keeps|kept)?\W*(killing me|"
    r"acting up|bothering me|bugging me|not right|messed up|giving me (trouble|problems|grief))\b",
    re.IGNORECASE,
)
# "dr smith", "can i see doctor nguyen": a doctor named (the clinic's own are matched first).
DOCTOR_NAMED = re.compile(r"\b(?:dr|doctor)\b\.?\s*([a-z][a-z'-]+)\W*$", re.IGNORECASE)


def other_doctor_named(text: str) -> str | None:
    """ "Dr. Smith" for "dr smith" typed at the clinician question, when no clinician of the
    clinic matched it; None when the word after "doctor" is no name ("a doctor please")."""
    found = DOCTOR_NAMED.search(text.strip())
    if found is None or len(text.split()) > 6 or not could_be_a_name(found.group(1)):
        return None
    return f"Dr. {found.group(1).capitalize()}"


# A question for a nurse, not a description of what the visit is for.
ADVICE_QUESTION = re.compile(
    r"\b(should (i|he|she|we)|can (i|he|she|we) (take|give|use)|is it (ok|okay|safe|normal|bad)|"
    r"what (should|can|do) (i|we)|how (much|many|often)|do (i|we) need to|give (him|her|them)|"
    r"take (tylenol|advil|ibuprofen|motrin)|dose|dosage)\b",
    re.IGNORECASE,
)
UNSURE = re.compile(
    r"\b(don'?t know|dont know|dunno|idk|not sure|unsure|no idea|no clue|not certain|"
    r"which (one|kind|type)|what kind|what type|help me (choose|pick|decide)|"
    r"none of (these|those|them))\b",
    re.IGNORECASE,
)
INSURANCE_TALK = re.compile(
    r"\b(insurance|insured|plan|coverage|covered|cover|in[- ]network|copay|co-pay|accept|"
    r"take|i have|i'm on|im on|through|thru|member|card)\b",
    re.IGNORECASE,
)
# The patient does not want to book at all.
NOT_BOOKING = re.compile(
    r"\b((don'?t|do not|dont|didn'?t|did not) (want|need|wanna|mean|ask) (to )?(book|make|schedule|"
    r"an appointment|a visit|an appt)|not (trying|looking|wanting) to (book|schedule)|"
    r"no (booking|appointment) (please|pls|thanks)|stop booking)\b"
    r"(?!\s+(with|at|on|for|in|there|that|this|then)\b)",  # "... with Patel": a correction
    re.IGNORECASE,
)

# "Move my appointment" names one the patient already has; "can I do 9am instead" does not.
EXISTING_APPOINTMENT = re.compile(
    r"\b(my|the|our|his|her|existing|current|other|old|first)\s+(\w+\s+)?"
    r"(appointment|appt|appts|visit|booking|physical|checkup|one)\b"
    # "reschedule", "i want to reschedule not book": the task named alone ("Please tap one of
    # the options" at "What kind of visit?", for a patient who never meant to book)
    r"|^\W*(i (want|need|wanna) to |i meant |no,? )?(re-?schedule|resched|move one)\W*"
    r"(not (book|a new one)\W*)?$"
)


# Words of a question about money, not about the visit being booked.
BILL_WORDS = re.compile(
    r"\b(bill|billed|billing|charge|charged|charges|invoice|statement|balance|paid|pay|"
    r"insurance|copay|refund|fee)\b",
    re.IGNORECASE,
)


# "book me with her", "can i see him next week": a clinician by pronoun.
WITH_THEM = re.compile(r"\b(with|see|to) (her|him)\b", re.IGNORECASE)
