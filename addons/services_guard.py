"""Rasa NLU component: "do you see kids?", "do you have the shingles shot?" ask what the clinic
offers, and get the services answer (``faq/services``), not a nurse handoff or the hours.

The model read "do you have the shingles shot" as medical_advice (0.98: the chat paused for a
nurse), "do you see kids" as goodbye, "do you treat children" and "do you see babies" as the
opening hours, "do you carry the pneumonia vaccine" as out of scope. A question whether the
clinic offers a service (vaccines, care for children, tests) becomes ``faq`` with the services
answer. Left as read: a symptom or a question about safety or side effects ("is it safe to get
the shingles shot while pregnant" is for a nurse), a booking ("can i book a flu shot"), costs
and insurance, and whatever the model already read as a common question, a task or safety.

A kind of care or specialist named alone ("heart doctor?", "therapist?", "cardiologist?",
"mental health help?") asks the same: it was read as a stop ("No problem, I've stopped there"),
a greeting, or what to bring to a visit. The services answer says what we do, and
actions/faq_follow_up.py adds that specialists (clinic.yml ``not_offered``) are seen elsewhere.

Likewise "no hablo ingles" (medical_advice at 0.96: a paused chat, in English) gets the
interpreter answer (``faq/interpreter``), which has a line in Spanish; and the common questions
addons/faq_words.py recognises (a doctor's note, texts stopped, a teen alone, a visitor)
their answers.

A yes-or-no question about a visit we book ("do you do pap smears", "can i get a flu shot
there") gets "Yes, we do." (``faq/service_offered``) instead of the whole list, and
actions/faq_follow_up.py adds what it is booked as, with a button to book it.

Placed after the ResponseSelector (whose answer it replaces) and before FallbackClassifier;
SafetyTriage, last, still wins.
"""

from __future__ import annotations

import re

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.constants import (
    RESPONSE_SELECTOR_PREDICTION_KEY,
    RESPONSE_SELECTOR_PROPERTY_NAME,
    RESPONSE_SELECTOR_RESPONSES_KEY,
    RESPONSE_SELECTOR_RETRIEVAL_INTENTS,
    RESPONSE_SELECTOR_UTTER_ACTION_KEY,
)
from rasa.shared.nlu.constants import (
    INTENT,
    INTENT_NAME_KEY,
    INTENT_RESPONSE_KEY,
    PREDICTED_CONFIDENCE_KEY,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message

from actions.clinician_days import CLINICIAN_ASKED
from actions.dates import parse_when
from actions.interpreter import language_in
from actions.matching import find_not_offered, find_offered_visit, find_practitioner
from actions.office_answers import CHECK_IN_ASKED
from actions.second_request import split_clauses
from actions.settings import get_clinic
from actions.tracker_reading import selected_faq_key
from actions.visit_about import visits_explained
from addons.advice_guard import SYMPTOM
from addons.faq_words import BOOKING_WORDS, CARD_SENT_MISREAD, REFUND, card_sent, faq_asked
from addons.intent_override import RuleGuard, overrule
from addons.safety_triage import SAFETY_INTENTS

FAQ_INTENT = "faq"
SERVICES_KEY = "faq/services"
REFILL_KEY = "faq/prescription_refill"
DISPUTE_INTENT = "billing_dispute"
REFILL_WORD = re.compile(r"\brefill", re.IGNORECASE)
INTERPRETER_KEY = "faq/interpreter"
# "Yes, we do." for "do you do pap smears" (actions/faq_follow_up.py adds what it is booked as).
SERVICE_OFFERED_KEY = "faq/service_offered"
# ...asked of a clinician ("does dr okafor do shots"): "Yes." ("Yes, we do." answered a "does
# he").
CLINICIAN_OFFERS_KEY = "faq/clinician_offers"
CLINICIAN_OFFERS_MISREAD = frozenset({"clinic_hours", "ask_clinicians", "directions"})
# Read as one of these, the message is left as read: a common question already, a task,
# billing, safety or a person.
KEEP = frozenset(
    {
        "faq",
        "reschedule_appointment",
        "cancel_appointment",
        "check_appointment",
        "billing_balance",
        "billing_pay",
        "billing_insurance",
        "billing_dispute",
        "emergency",
        "crisis",
        "test_results",
        "complaint",
        "request_human",
        "stop",
        "share_card_number",
    }
)
CHILDREN = (
    r"kids?|children|child|babies|baby|infants?|newborns?|toddlers?|teens?|teenagers?|"
    r"adolescents?|pediatric\w*|peds|adults|seniors|elderly|families|whole family"
)
VACCINES = r"vaccines?|vaccinations?|vax|shots?|boosters?|immuni[sz]ations?|shingrix|gardasil|tdap"
TESTS = (
    r"labs?|lab work|blood ?work|blood tests?|(?:std|sti|covid|tb|drug|pregnancy|strep|flu|hiv)"
    r" tests?|testing|screenings?|ekgs?|ecgs?"
)
SERVICE = rf"(?:{CHILDREN}|{VACCINES}|{TESTS})"
WHO_OFFERS = (
    r"(?:you|u|ya|y'?all|you guys|you all|the (?:clinic|office|offices|doctors?)|"
    r"your (?:clinic|office|offices|doctors?|providers?|clinicians?))"
)
# "do you (guys) give ...", "is the rsv vaccine available", "can my son get a tb test there".
OFFER_ASKED = re.compile(
    rf"\b(?:do|does|can|will|would)\s+{WHO_OFFERS}\s+(?:guys\s+|all\s+)?(?:also\s+)?"
    r"(?:do|give|offer|have|provide|carry|stock|see|treat|take|accept|administer|work with|"
    r"take care of)\b(?P<what>.*)"
    r"|\bis (?:there |the |a |an )?(?P<what2>(?:[\w-]+\s+){1,4})(?:available|offered)\b"
    r"|\b(?:can|could) (?:i|we|my (?:son|daughter|kid|kids|child|baby|husband|wife|mom|dad)) "
    r"(?:get|have) (?P<what3>(?:[\w-]+\s+){1,4})(?:here|there|at (?:your|the) (?:clinic|office))\b",
    re.IGNORECASE,
)
SERVICE_WORD = re.compile(rf"\b{SERVICE}\b", re.IGNORECASE)
# "do you check blood pressure" (a question for a nurse, to the model): with these verbs only
# what a visit does counts (clinic.yml ``done_at_visit``), as "can you check my labs" is not
# asking what we offer.
CHECK_ASKED = re.compile(
    rf"\b(?:do|does|can|will|would)\s+{WHO_OFFERS}\s+(?:also\s+)?"
    r"(?:check|test for|screen for|monitor)\b(?P<what>.*)",
    re.IGNORECASE,
)
# "shingles vaccine?" alone, read as a question for a nurse.
BARE_VACCINE = re.compile(
    rf"^\W*(?:(?:the|a|an|any)\s+)?(?:[\w-]+\s+){{0,2}}(?:{VACCINES})\s*\?+\W*$", re.IGNORECASE
)
# A kind of care or a specialist named alone, as a question: "heart doctor?", "therapist?",
# "mental health help?" (clinic.yml's not-offered specialists are matched too: "cardiologist?").
CARE_NAMED = (
    r"(?:(?:heart|skin|foot|feet|bone|kids?|child(?:ren)?'?s?|women'?s|mental health|"
    r"behavioral health)\s+(?:doctors?|docs?|drs?|specialists?)|"
    r"therap(?:y|ist|ists)|counsel(?:l?ing|l?ors?)|psychiatr(?:y|ist|ists)|"
    r"psycholog(?:y|ist|ists)|(?:mental|behavioral|behavioural) health(?:\s+(?:help|care|"
    r"services?|support|counsel(?:l?ing|l?ors?)))?|pediatricians?|paediatricians?)"
)
BARE_CARE = re.compile(
    rf"^\W*(?:(?:do you have|do u have|you have|u have|any|a|an|the)\s+){{0,2}}{CARE_NAMED}"
    r"\s*\?+\W*$",
    re.IGNORECASE,
)
MAX_BARE_WORDS = 4
# Read as one of these, a kind of care named alone is the services question; a task, billing,
# safety or a person asked for keeps its reading, and so does a services or referral answer.
BARE_CARE_FROM = frozenset(
    {
        "stop",
        "greet",
        "goodbye",
        "thank",
        "affirm",
        "deny",
        "out_of_scope",
        "nlu_fallback",
        "medical_advice",
        "faq",
        "inform",
        None,
    }
)
KEEP_FAQ_KEYS = frozenset({SERVICES_KEY, "faq/referral"})


def care_named_alone(text: str) -> bool:
    """ "heart doctor?", "therapist?", "cardiologist?": a kind of care asked about in a few
    words, ending with a question mark."""
    text = text.replace("\u2019", "'").strip()
    if len(text.split()) > MAX_BARE_WORDS or not text.rstrip().endswith("?"):
        return False
    if BARE_CARE.search(text):
        return True
    service = find_not_offered(text, get_clinic())
    # the whole message is the service's name ("cardiologist?", "physio?"), not a visit
    return service is not None and len(text.split()) <= 2


def faq_key(message: Message) -> str | None:
    """The common question's answer the ResponseSelector picked, e.g. ``faq/what_to_bring``."""
    parse_data = {RESPONSE_SELECTOR_PROPERTY_NAME: message.get(RESPONSE_SELECTOR_PROPERTY_NAME)}
    return selected_faq_key(parse_data) or None


# A question for a nurse, a booking, money: not a services question.
NOT_SERVICES = re.compile(
    r"\b(?:should|safe|side effects?|normal|reaction|react|pregnan\w*|breast ?feeding|"
    r"allerg\w*|sore|worried|risk|risks|after (?:my|the|his|her|a)|book|schedule|appointments?|"
    r"appts?|openings?|slots?|spots?|today|tonight|tomorrow|this week|next week|weekends?|"
    r"\w+days?|cost|costs|price|how much|pay|covered|cover|insurance|free|charge|charged|results?|"
    r"refill|prescri\w*|need (?:a|an|the|to)|due for|records?|how (?:many|often|long))\b",
    re.IGNORECASE,
)
MAX_WORDS = 20
# "no hablo ingles", "hablan español?", "me no speak english": help in another language.
LANGUAGE_HELP = re.compile(
    r"\b(?:no|poco|casi no) (?:hablo|hablamos|habla|entiendo|se) (?:mucho |muy bien |bien |el )?"
    r"ingl[eé]s\b|\bhabla(?:n)? (?:usted(?:es)? )?espa[nñ]ol\b|\b(?:solo|sólo) hablo\b|"
    r"\b(?:no|dont|don't|do not|not) (?:speak|speaking|talk|understand) (?:much |good |well )?"
    r"english\b|\bnecesito (?:un |una )?(?:int[eé]rprete|traductor|traductora)\b|"
    r"\bespa[nñ]ol(?: por favor| porfa)?\W*$",
    re.IGNORECASE,
)
MAX_LANGUAGE_WORDS = 12
# Read as a booking, the message is one only with a word of one (BOOKING_WORDS: "do you see
# kids" was read as a booking, and the patient asked for the child's name).
BOOKING = "book_appointment"
# "flu shot?" read as one of these is a services question; read as an answer (``inform``), it
# may name the visit being booked.
BARE_FROM = frozenset({"medical_advice", "out_of_scope", None})


# "can i get botox": asked for here, with no visit word (a booking handles "can i book an mri").
GET_ASKED = re.compile(
    r"\b(?:can|could) (?:i|we|my \w+) (?:get|have|do) (?P<what>.*)", re.IGNORECASE
)
# Read as one of these, a question about a service we don't offer is answered as one
# (out of scope): "do you do mammograms" was "Did you want to ask about test results?", "can i
# get botox" the offices' addresses. The services answer keeps its reading unless it was the
# whole list (faq/services): the "no" came after everything we do.
NOT_OFFERED_FROM = BARE_CARE_FROM | {"test_results", "directions", "clinic_hours", "ask_clinicians"}
NOT_OFFERED_INTENT = "out_of_scope"
# Tasks that keep their reading when a visit is asked about ("what happens at my follow up
# visit? can i move it"): a booking says what the visit is itself.
VISIT_TASKS = frozenset(
    {"book_appointment", "reschedule_appointment", "cancel_appointment", "check_appointment"}
)
INSURANCE_INTENT = "billing_insurance"
DIRECTIONS_INTENT = "directions"
CHECK_IN_MISREAD = frozenset(
    {"faq", "contact_info", "check_appointment", "book_appointment", "out_of_scope", "nlu_fallback"}
)


# A visit at home asked for in other words than "do you do ...": "can the doctor come to my
# house, my mom cant walk" got the visitor policy and then the walk-in answer ("cant walk").
HOME_VISIT_ASKED = re.compile(
    r"\b(?:come|coming|visit|see (?:me|her|him|us|them)) (?:to|at) (?:my|our|her|his|their) "
    r"(?:house|home|place|apartment)\b|\bhome ?visits?\b|\bhouse ?calls?\b",
    re.IGNORECASE,
)


def asks_for_a_home_visit(text: str) -> bool:
    """A home visit asked for, when clinic.yml lists it among what we don't offer."""
    return bool(HOME_VISIT_ASKED.search(text)) and find_not_offered(text, get_clinic()) is not None


def asks_for_not_offered(text: str) -> bool:
    """ "do you do mammograms?", "can i get botox": a service clinic.yml says we don't offer."""
    text = text.replace("\u2019", "'")
    # (not "can i get my mri results", a booking, costs or a question for a nurse)
    if len(text.split()) > MAX_WORDS or NOT_SERVICES.search(text) or SYMPTOM.search(text):
        return False
    asked = OFFER_ASKED.search(text) or GET_ASKED.search(text)
    if asked is None:
        return False
    what = next((g for g in asked.groups() if g), "")
    return find_not_offered(what, get_clinic()) is not None


def asks_about_services(text: str, intent: str | None = None) -> bool:
    """Whether the clinic offers a service: vaccines, care for children, tests."""
    text = text.replace("\u2019", "'")
    if len(text.split()) > MAX_WORDS or NOT_SERVICES.search(text):
        return False
    if SYMPTOM.search(without_done_at_visit(text)):
        # (what a visit does is not a symptom: "blood pressure" alone is a symptom word)
        return False
    checked = CHECK_ASKED.search(text)
    if checked and done_at_a_visit(checked.group("what")):
        return True
    if BARE_VACCINE.search(text):
        return intent in BARE_FROM
    asked = OFFER_ASKED.search(text)
    if not asked:
        return False
    what = asked.group("what") or asked.group("what2") or asked.group("what3") or ""
    # "do you do eye exams": a service we don't offer (the answer then says so and who does).
    return (
        bool(SERVICE_WORD.search(what))
        or find_not_offered(what, get_clinic()) is not None
        or done_at_a_visit(what)
    )


_DONE_AT_VISIT: dict[int, re.Pattern[str]] = {}


def _done_at_visit_words() -> re.Pattern[str]:
    """What clinic.yml says visits do, as one pattern, built once per clinic config (every
    message asks)."""
    clinic = get_clinic()
    if id(clinic) not in _DONE_AT_VISIT:
        done = [d for v in clinic.visit_types for d in v.done_at_visit]
        done.sort(key=len, reverse=True)
        words = "|".join(re.escape(d) for d in done) or "(?!)"
        _DONE_AT_VISIT.clear()
        _DONE_AT_VISIT[id(clinic)] = re.compile(rf"\b(?:{words})s?\b", re.IGNORECASE)
    return _DONE_AT_VISIT[id(clinic)]


def done_at_a_visit(what: str) -> bool:
    """Whether ``what`` names something a visit does ("blood pressure", "a covid test")."""
    return bool(_done_at_visit_words().search(what))


def without_done_at_visit(text: str) -> str:
    """``text`` without what a visit does ("do you check blood pressure" -> "do you check ")."""
    return _done_at_visit_words().sub(" ", text)


def asks_for_language_help(text: str) -> bool:
    """ "no hablo ingles", "hablan español?": a short message about the patient's language."""
    return len(text.split()) <= MAX_LANGUAGE_WORDS and bool(LANGUAGE_HELP.search(text))


# Answers as useful in any language: the address, the hours, the phone ("donde estan ubicados"),
# and 911 / 988 (their replies have a Spanish line).
ANSWERED_IN_ANY_LANGUAGE = frozenset(
    {"directions", "clinic_hours", "contact_info", "parking", *SAFETY_INTENTS}
)
# Words of a request in Spanish that English messages don't use.
SPANISH_WORDS = frozenset(
    "necesito necesita quiero quisiera cita citas hijo hija hijos esposo esposa mamá mama papá "
    "para por favor cuánto cuanto debo deuda cuenta factura pagar dónde donde están estan "
    "ubicados ubicada clínica clinica doctora médico medico tiene tengo fiebre dolor ayuda "
    "mañana manana hoy semana cancelar cambiar mi mis usted ustedes gracias buenos buenas "
    "días dias tardes horario abren cierran hola soy nuevo nueva paciente hacer una "
    "necesitamos podemos puedo".split()
)
# Short words both languages use, or names: not counted either way.
MIN_SPANISH_WORDS = 2
SPANISH_SHARE = 0.5


def written_in_spanish(text: str) -> bool:
    """Whether most of a message's words are Spanish request words ("cuanto debo"); not a
    name and birth date given in Spanish ("mi hijo liam nguyen 06/05/2017"), which a form reads."""
    if re.search(r"\d", text):
        return False
    words = re.findall(r"[^\W\d_]+", text.lower())
    spanish = [w for w in words if w in SPANISH_WORDS]
    return len(spanish) >= MIN_SPANISH_WORDS and len(spanish) >= SPANISH_SHARE * len(words)


ENGLISH_LANGUAGE_WORDS = re.compile(r"\b(speak|speaking|talk|understand|english)\b", re.I)


def in_spanish(text: str) -> bool:
    """Written in Spanish, or asking in Spanish for help in Spanish ("no hablo ingles",
    "necesito un interprete"; not "me no speak english")."""
    return written_in_spanish(text) or bool(
        LANGUAGE_HELP.search(text) and not ENGLISH_LANGUAGE_WORDS.search(text)
    )


def answer_with(message: Message, key: str = SERVICES_KEY) -> None:
    """``faq`` with the answer ``key``, as if the ResponseSelector had picked it."""
    overrule(message, FAQ_INTENT)
    selector = dict(message.get(RESPONSE_SELECTOR_PROPERTY_NAME) or {})
    retrieval = list(selector.get(RESPONSE_SELECTOR_RETRIEVAL_INTENTS) or [])
    if FAQ_INTENT not in retrieval:
        retrieval.append(FAQ_INTENT)
    selector[RESPONSE_SELECTOR_RETRIEVAL_INTENTS] = retrieval
    faq = dict(selector.get(FAQ_INTENT) or {})
    faq[RESPONSE_SELECTOR_PREDICTION_KEY] = {
        RESPONSE_SELECTOR_RESPONSES_KEY: [],
        PREDICTED_CONFIDENCE_KEY: 1.0,
        INTENT_RESPONSE_KEY: key,
        RESPONSE_SELECTOR_UTTER_ACTION_KEY: f"utter_{key}",
    }
    selector[FAQ_INTENT] = faq
    message.set(RESPONSE_SELECTOR_PROPERTY_NAME, selector, add_to_output=True)


# "what services do you offer, like physicals?" wants the list, not a yes.
WHAT_ASKED = re.compile(r"^\W*(?:so |and |ok |okay )?(?:what|which|how)\b", re.IGNORECASE)


# "do you do pap smears ...": the question opens the message.
OPENS_WITH_DO_YOU = re.compile(
    rf"^\W*(?:(?:hi|hey|hello)\W+)?(?:do|does)\s+{WHO_OFFERS}\s", re.IGNORECASE
)


def booking_misread(text: str) -> bool:
    """ "do you do pap smears and are you open saturday" (a booking to the model, 0.66): a
    message that opens with whether we do something, with no word of booking, nor a day or
    time in that question."""
    if OPENS_WITH_DO_YOU.match(text) is None or BOOKING_WORDS.search(text) is not None:
        return False  # (most bookings: no clause split, no date read)
    return parse_when(split_clauses(text)[0], get_clinic().now()) is None


def yes_to_a_visit_named(message: Message) -> None:
    """The services answer to a yes-or-no question about a visit we book ("do you do pap
    smears", "can i get a flu shot there") becomes "Yes, we do.": the whole list of what we do
    came first, and left the patient to find the yes in it."""
    text = message.get(TEXT)
    intent = (message.get(INTENT) or {}).get(INTENT_NAME_KEY)
    if not isinstance(text, str) or WHAT_ASKED.search(text):
        return
    services_answer = intent == FAQ_INTENT and faq_key(message) == SERVICES_KEY
    # ("does dr okafor do shots", read as his hours after a retrain: no "It's booked as ...")
    of_them_misread = intent in CLINICIAN_OFFERS_MISREAD
    # ("do you do pap smears and are you open saturday": no booking asked for)
    if not (services_answer or of_them_misread or (intent == BOOKING and booking_misread(text))):
        return
    clinic = get_clinic()
    practitioner = find_practitioner(text, clinic)
    asked_of_them = practitioner is not None and CLINICIAN_ASKED.search(text) is not None
    if of_them_misread and not asked_of_them:
        return  # ("is dr okafor in on fridays": his days)
    if not OFFER_ASKED.search(text) and not asked_of_them:
        return
    visit = find_offered_visit(text, clinic)
    if visit is None or (practitioner and practitioner.specialty not in visit.specialties):
        return  # (the list, then who does it instead: actions/faq_follow_up.py)
    answer_with(message, CLINICIAN_OFFERS_KEY if asked_of_them else SERVICE_OFFERED_KEY)


# The interpreter answer for a language it does not name: "do you have a vietnamese
# interpreter" got "in Spanish and many other languages" and a paragraph in Spanish.
INTERPRETER_OTHER_LANGUAGE_KEY = "faq/interpreter_other_language"
# ...and asked in Spanish: the Spanish first ("no hablo ingles" got a paragraph of English, then
# the Spanish line).
INTERPRETER_IN_SPANISH_KEY = "faq/interpreter_in_spanish"
# Languages the interpreter answer itself names (its Spanish line, ASL and relay).
NAMED_IN_THE_ANSWER = frozenset({"Spanish", "American Sign Language (ASL)"})


def interpreter_in_another_language(message: Message) -> None:
    """The interpreter answer for a language other than those it names, in English; asked in
    Spanish, the Spanish first."""
    text = message.get(TEXT)
    if message.get(INTENT, {}).get(INTENT_NAME_KEY) != FAQ_INTENT or not isinstance(text, str):
        return
    if faq_key(message) != INTERPRETER_KEY:
        return
    if in_spanish(text):
        answer_with(message, INTERPRETER_IN_SPANISH_KEY)
        return
    language = language_in(text)
    if language is not None and language not in NAMED_IN_THE_ANSWER:
        answer_with(message, INTERPRETER_OTHER_LANGUAGE_KEY)


# The visitors, masks and animals answer, one line each: asked about one of them ("can i bring
# my service dog", "can i bring my kids"), that line alone (the three lines came back for each
# of three questions in a row).
VISITORS_KEY = "faq/masks_visitors"
ONE_OF_THEM = {
    "faq/animals": re.compile(
        r"\b(dogs?|cats?|pets?|animals?|puppy|emotional support)\b", re.IGNORECASE
    ),
    "faq/masks": re.compile(r"\b(masks?|masking|face coverings?)\b", re.IGNORECASE),
    "faq/visitors": re.compile(
        r"\b(kids?|children|child|baby|babies|toddler|son|daughter|husband|wife|partner|"
        r"friend|family|mom|dad|mother|father|someone|somebody|visitors?|support person|"
        r"caregiver|guest)\b",
        re.IGNORECASE,
    ),
}


def one_visiting_line(message: Message) -> None:
    """The visitors, masks or animals line alone, when the question names one of them only."""
    text = message.get(TEXT)
    if message.get(INTENT, {}).get(INTENT_NAME_KEY) != FAQ_INTENT or not isinstance(text, str):
        return
    if faq_key(message) != VISITORS_KEY:
        return
    named = [key for key, words in ONE_OF_THEM.items() if words.search(text)]
    if len(named) == 1:
        answer_with(message, named[0])


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class ServicesQuestionGuard(RuleGuard):
    """``faq/services`` for "do you see kids?" and "do you have the shingles shot?";
    ``faq/interpreter`` for "no hablo ingles"; the common questions of addons/faq_words.py."""

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            self._read(message)
            yes_to_a_visit_named(message)
            interpreter_in_another_language(message)
            one_visiting_line(message)
        return messages

    def _read(self, message: Message) -> None:
        """``message`` with the services, interpreter or common question's answer, when it
        asks one."""
        intent = (message.get(INTENT) or {}).get(INTENT_NAME_KEY)
        text = message.get(TEXT)
        if not isinstance(text, str) or text.startswith("/"):
            return
        if written_in_spanish(text) and intent not in ANSWERED_IN_ANY_LANGUAGE:
            # a request written in Spanish, whatever the model read ("necesito cita para mi
            # hijo, tiene fiebre" got what to bring to a visit; "cita para mi hijo por
            # favor" a cancellation): the interpreter answer, its Spanish line and phone
            answer_with(message, INTERPRETER_KEY)
            return
        if intent in BARE_CARE_FROM and care_named_alone(text):
            # "heart doctor?" and "therapist?" were a stop, "mental health help?" a
            # greeting, "cardiologist?" what to bring to a visit; a services or referral
            # answer picked already is kept, and made sure (at 0.44 it fell back)
            key = faq_key(message) if intent == FAQ_INTENT else None
            answer_with(message, key if key in KEEP_FAQ_KEYS else SERVICES_KEY)
            return
        if (
            intent == FAQ_INTENT
            and faq_key(message) == REFILL_KEY
            and REFUND.search(text)
            and not REFILL_WORD.search(text)
        ):
            # "can i get a refund" got the refills answer (0.77): money back is for billing
            # staff, asked what happened (as money_words.REFUND read otherwise)
            overrule(message, DISPUTE_INTENT)
            return
        if intent in CHECK_IN_MISREAD and CHECK_IN_ASKED.search(text):
            # "where do i check in" got what to bring; "where is the front desk" the phone
            # numbers: the front desk, where in the building (actions/directions.py)
            overrule(message, DIRECTIONS_INTENT)
            return
        if (
            intent not in VISIT_TASKS
            and intent not in SAFETY_INTENTS
            and not SYMPTOM.search(text)
            and visits_explained(text, get_clinic())
        ):
            # "what does a physical include" got the opening hours, "what is a follow up
            # visit" the insurance plans: what it is (actions/visit_about.py, answered by
            # action_out_of_scope; a booking started says it itself)
            overrule(message, NOT_OFFERED_INTENT)
            return
        if intent in CARD_SENT_MISREAD and card_sent(text):
            # "where do i send my insurance card" got the lost-card answer: an insurance
            # question, answered by actions/insurance.py
            overrule(message, INSURANCE_INTENT)
            return
        asked = faq_asked(text, intent, faq_key(message) if intent == FAQ_INTENT else None)
        if asked is not None:
            # a note, texts stopped, a teen alone, a visitor (addons/faq_words.py)
            answer_with(message, asked)
            return
        if (
            intent in NOT_OFFERED_FROM
            and (intent != FAQ_INTENT or faq_key(message) == SERVICES_KEY)
            and asks_for_not_offered(text)
        ) or (intent in NOT_OFFERED_FROM and asks_for_a_home_visit(text)):
            # the "no" and who does it, first (actions/fallback.py)
            overrule(message, NOT_OFFERED_INTENT)
            return
        if intent in KEEP:
            return
        if intent == BOOKING and BOOKING_WORDS.search(text):
            return  # a booking (an interpreter asked for is noted on it)
        if asks_for_language_help(text):
            answer_with(message, INTERPRETER_KEY)
            return
        if asks_about_services(text, intent):
            answer_with(message)
