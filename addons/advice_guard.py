"""Rasa NLU component: a symptom with "should I bring her in?" is a question for a nurse.

"my daughter has a fever of 101 should i bring her in" was answered with what to bring to a
visit, "my bp is 160/100 what should i do" with when to arrive, "what should i do for my kids
diarrhea" with "not something I can help with": the FAQ model matched words, not the question.
A message that names a symptom and asks what to do about it becomes ``medical_advice`` (a
nurse, never advice from the bot), and so does asking whether to stop or keep taking a
medicine, and whether to still come to a visit while ill. Moving, cancelling or checking an
appointment, a booking worded as one, and billing questions with a word of money are left
alone ("should i cancel, i have a fever?" is the patient's call), and so are messages without
a symptom ("what should i bring to my physical?"). Placed just before SafetyTriage, which
still wins.
"""

from __future__ import annotations

import re

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.nlu.constants import (
    INTENT,
    INTENT_NAME_KEY,
    INTENT_RANKING_KEY,
    PREDICTED_CONFIDENCE_KEY,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message

from addons.intent_override import RuleGuard, overrule
from addons.safety_triage import SAFETY_INTENTS

ADVICE_INTENT = "medical_advice"
# Read as one of these, the message is left as read.
KEEP = frozenset(
    {
        "medical_advice",
        "test_results",
        "request_human",
        "complaint",
        "cancel_appointment",
        "reschedule_appointment",
        "check_appointment",
        "share_card_number",
        "stop",
        "billing_balance",
        "billing_pay",
        "billing_insurance",
        "billing_dispute",
    }
)
# Read as a billing question, the message is one only with a word of money: "my kid has a
# fever its saturday what do i do" was read as the balance ("what do i do" as "what do i owe").
BILLING_INTENTS = frozenset(
    {"billing_balance", "billing_pay", "billing_insurance", "billing_dispute"}
)
MONEY_WORDS = re.compile(
    r"\b(bills?|billed|billing|balance|owe|owed|pay|paid|payment|charged?|charges|cost|costs|"
    r"price|statement|invoice|insurance|copay|co-pay|deductible|refund|money)\b|\$",
    re.IGNORECASE,
)
# Read as one of these, "should we still come" with a symptom is still a nurse's question.
STILL_COME_FROM = frozenset({"book_appointment", "check_appointment"})
# Whether to come to a visit already booked, being ill: a nurse's question, even with a word
# of a booking ("my son has an appointment at 8 tomorrow but he threw up tonight should we
# still come" started a new booking).
STILL_COME = re.compile(
    r"\b(should|can|do|is it ok(ay)? (if|for)) (i|we|he|she|they|my \w+) still "
    r"(come( in)?|go|bring (him|her|them)|keep (my|his|her|the|our) (appointment|appt|visit))\b"
    r"|\bstill (come|go|bring)\b",
    re.IGNORECASE,
)
# Read as a booking and worded as one ("book a visit for my back pain, should i see dr lee?"):
# left as read. ("my son has had a fever for 2 days, should i bring him in or wait" is not.)
BOOKING_WORDS = re.compile(
    r"\b(book|schedule|appointment|appt|make an? (visit|appointment))\b", re.IGNORECASE
)
SYMPTOM = re.compile(
    r"\b(fevers?|temp(erature)? (of|is|was)|coughs?|coughing|rash(es)?|vomit(ing|ed)?|"
    r"throwing up|threw up|diarrh?ea|headaches?|migraines?|sore throat|ear ?aches?|"
    r"ear infection|pain|painful|hurts?|hurting|swollen|swelling|infection|infected|bleeding|"
    r"dizzy|dizziness|nause(a|ous)|bp|blood pressure|blood sugar|sugar (is|was|at|of)|lump|"
    r"stiff neck|sick(?! (visit|visits|appointment|appt|day|days|note|leave))|"
    r"flu(?! (shot|shots|vaccine|vaccines|vax|clinic))|a cold|sprain(ed)?|"
    r"burn(ed|t)?|bitten|allergic reaction|wheezing|congest(ed|ion)|stomach ?ache|"
    r"fell(?! (behind|asleep|through|off the))|fallen|(had|took) a (bad )?fall|"
    r"hit (his|her|my|their|the) head|head injury|bump on (his|her|my|the) head|"
    r"(bp|pressure|reading)\D{0,20}\d{2,3} ?(/|over) ?\d{2,3}|\d{2,3} over \d{2,3})\b",
    re.IGNORECASE,
)
# A visit asked for in so many words beside a symptom ("my daughter cant breathe thru her nose,
# so stuffy, need a sick visit": a nurse's question, unsure, then "did you mean …?"): a
# booking, unless what to do about it is asked too.
VISIT_ASKED = re.compile(
    r"\b(need|needs|want|wants|would like|'?d like)( to (book|make|schedule|get))? (a|an) "
    r"(sick visit|appointment|appt|checkup|check up|check-up)\b",
    re.IGNORECASE,
)
# "my chiropractor said i should see a doctor about my back" (a nurse's question, the chat
# paused), "urgent care told me to follow up with my pcp" (the walk-in answer): told to be
# seen, not asking what to do.
TOLD_TO_BE_SEEN = re.compile(
    r"\b(said|says|told me|tells me|thinks|think|wants me to|recommended|suggested|sent me)"
    r"( that| to)? ((i|we|he|she|they) (should|need to|have to|ought to|must|gotta) )?"
    r"(see|go see|get seen by|be seen by|get checked by|get checked out by|follow up with|"
    r"followup with|f/u with) "
    r"(a |an |the |my |our |your )?(primary (care )?)?"
    r"(doctor|dr|doc|provider|physician|pcp|clinician|someone|regular doctor|family doctor)\b",
    re.IGNORECASE,
)
TOLD_TO_BE_SEEN_FROM = frozenset({ADVICE_INTENT, "nlu_fallback", "faq"})
# ...but "do you think i should see a doctor about it?" asks what to do.
VISIT_QUESTION = re.compile(
    r"\b(do|does|would|should|did) (you|u|they|he|she|anyone|i) think\b|\bshould (i|we|he|she)"
    r" (see|go see|get seen)\b",
    re.IGNORECASE,
)
VISIT_ASKED_FROM = frozenset({ADVICE_INTENT, "nlu_fallback"})
BOOKING_INTENT = "book_appointment"
# The model's own emergency or crisis guess is kept from this confidence on (SafetyTriage's
# sure_from); below it, a symptom with a question goes to a nurse, not to "call 911?" ("my bp
# was 170/95 this morning is that too high": an emergency at 0.6). The safety rules, after
# this, still win.
SURE_SAFETY_GUESS = 0.8
# What to do about it, asked now.
TRIAGE_QUESTION = re.compile(
    r"\b(should (i|we|he|she|they) (bring|take|come|go|be (worried|concerned)|worry|wait)|"
    r"is (that|this|it) (serious|bad|normal|dangerous|an emergency|something (serious|to "
    r"worry)|(too )?(high|low))|is it (ok|okay|safe|fine) to (take|give|use|mix)|"
    # "is a fever of 101 bad for a 7 yr old?" (a booking, 1.0), "is 101 fever dangerous for
    # kids" (the opening hours): the symptom itself asked about
    r"is (a |an |my |his |her |their |the )?([\w.]+ ){0,5}(bad|dangerous|serious|too high|"
    r"worrying|concerning)|"
    r"(does|do|should) (he|she|i|we|they) (need to )?be seen|"
    r"what (should|do|can) (i|we) (do|give|take|use)|how long (should|does|will|can|is)\b.{0,40}"
    r"\b(last|take|go on|before)|before (i|we) (worry|come in|bring)|when (should|do) (i|we) "
    r"(worry|come|bring|go|call)|do (i|we|they|he|she) need to (see|come|go|be seen|get seen)|"
    r"(can|should) (i|we) (give|take) (him|her|them|my|some|a|an))\b",
    re.IGNORECASE,
)


# Whether to stop, skip or keep taking a medicine (before a visit or a test): "should i stop
# taking my metformin before my blood test" got when to arrive, "do i stop my blood thinner
# before the visit" that most visits need no preparation (read as "keep taking it").
MEDICINE = (
    r"(meds?|medications?|medicines?|pills?|tablets?|prescriptions?|insulin|metformin|"
    r"blood thinners?|aspirin|warfarin|coumadin|eliquis|xarelto|plavix|ibuprofen|advil|motrin|"
    r"tylenol|inhalers?|injections?|doses?|vitamins?|supplements?)"
)
MEDICINE_CHANGE = re.compile(
    r"\b(stop|stopping|hold|holding|skip|skipping|pause|quit|keep|continue|still)\s+(taking\s+)?"
    rf"((my|his|her|their|the|our)\s+)?([\w-]+\s+){{0,2}}{MEDICINE}\b|\bstop taking\b",
    re.IGNORECASE,
)
ASKED = re.compile(
    r"\?|\b(should|do|does|can|must|need|have to|ok|okay|safe|supposed)\b", re.IGNORECASE
)


# "cant stop shaking" was a "stop" ("No problem, I've stopped there"): a symptom told, for a
# nurse; "cant stop crying all day" is distress: 988's check-in (a crisis guess too unsure to
# pause the chat, which the safety layer turns into the check-in with its buttons).
CANT_STOP_SYMPTOM = re.compile(
    r"\b(?:can'?t|cannot|can not|won'?t|wont) stop (?:shaking|shivering|coughing|throwing up|"
    r"vomiting|puking|sneezing|itching|scratching|sweating|twitching|trembling|hiccuping|"
    r"hiccupping|wheezing|bleeding|peeing|pooping|going to the bathroom|having diarrhea)\b",
    re.IGNORECASE,
)
DISTRESS = re.compile(
    r"\b(?:can'?t|cannot|can not) stop crying\b|\bcrying all (?:day|night|the time)\b|"
    r"\b(?:so )?tired of everything\b|\beverything(?:'s| is) falling apart\b|"
    r"\bfeel(?:ing)? (?:so |really |very )?empty\b",
    re.IGNORECASE,
)
UNSURE_CRISIS = 0.5


def asks_for_advice(text: str) -> bool:
    """A symptom, and the question what to do about it; or whether to stop a medicine."""
    text = text.replace("\u2019", "'")
    if MEDICINE_CHANGE.search(text) and ASKED.search(text):
        return True
    return bool(SYMPTOM.search(text) and TRIAGE_QUESTION.search(text))


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class AdviceQuestionGuard(RuleGuard):
    """``medical_advice`` for a symptom with a what-should-I-do question."""

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            read = message.get(INTENT) or {}
            intent = read.get(INTENT_NAME_KEY)
            sure = float(read.get(PREDICTED_CONFIDENCE_KEY) or 0.0) >= SURE_SAFETY_GUESS
            text = message.get(TEXT)
            if not isinstance(text, str) or text.startswith("/"):
                continue
            if intent in SAFETY_INTENTS and sure:
                continue
            if DISTRESS.search(text) and intent not in KEEP:
                unsure = {INTENT_NAME_KEY: "crisis", PREDICTED_CONFIDENCE_KEY: UNSURE_CRISIS}
                message.set(INTENT, unsure, add_to_output=True)
                message.set(INTENT_RANKING_KEY, [dict(unsure)], add_to_output=True)
                continue
            if CANT_STOP_SYMPTOM.search(text) and intent not in KEEP - {"stop"}:
                overrule(message, ADVICE_INTENT)
                continue
            ill_and_coming = bool(SYMPTOM.search(text) and STILL_COME.search(text))
            if ill_and_coming and (intent in STILL_COME_FROM or intent not in KEEP):
                overrule(message, ADVICE_INTENT)
                continue
            straight = text.replace("\u2019", "'")
            if (
                (intent in VISIT_ASKED_FROM and VISIT_ASKED.search(straight))
                or (intent in TOLD_TO_BE_SEEN_FROM and TOLD_TO_BE_SEEN.search(straight))
            ) and not (VISIT_QUESTION.search(text) or asks_for_advice(text)):
                overrule(message, BOOKING_INTENT)
                continue
            # "what do i do" is not "what do i owe"
            billing_without_money = intent in BILLING_INTENTS and not MONEY_WORDS.search(text)
            booked = intent == "book_appointment" and BOOKING_WORDS.search(text)
            if (intent in KEEP and not billing_without_money) or booked:
                continue
            if asks_for_advice(text):
                overrule(message, ADVICE_INTENT)
        return messages
