"""Who the clinicians are ("who are your doctors?", "can I see a female doctor?", "is Dr. Patel
taking new patients?").

Answered from ``practitioners`` in ``clinic.yml``: who each clinician sees, whether they take
new patients (the specialties of the new-patient visit), and, when asked, which are women or
men. Each answer ends with one tap to book with the clinicians it names.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from actions.billing import join_words
from actions.booking_choices import eligible_practitioners
from actions.booking_guards import ASKS_WOMAN, CLINICIAN_WORDS, YEARS_OLD, age_spoken
from actions.clinic_config import ClinicConfig, Practitioner
from actions.clinician_days import (
    PRONOUN,
    book_with_button,
    clinician_days_text,
    clinician_meant,
    named_once,
    short_name,
    them,
    visit_answer_first,
)
from actions.formatting import a_or_an
from actions.matching import find_location, find_practitioner, normalise
from actions.next_opening import next_opening, next_opening_asked, say_next_opening
from actions.patient_words import patient_age
from actions.relatives import CHILD_SPOKEN_OF, child_named
from actions.said_before import clinician_named_before
from actions.second_request import answer_second_request
from actions.settings import get_clinic
from actions.slot_search import age_limit, sees_patient
from actions.tracker_reading import last_event, latest_text

ASKS_MAN = re.compile(
    rf"\bmale\b|\b(man|men|guy) {CLINICIAN_WORDS}\b|\b{CLINICIAN_WORDS} (who is|that is|thats) "
    r"(a )?(man|guy|male)\b"
)
# "is dr patel a woman?", "is he a man or woman": asked of one clinician (it got their days).
EITHER_GENDER = re.compile(
    r"\b(man or (a )?woman|woman or (a )?man|male or female|female or male|guy or (a )?girl)\b"
)
GENDER_ASKED = re.compile(
    r"\b(is|s) (he|she|they|dr \w+|doctor \w+|\w+|\w+ \w+) (a )?(woman|lady|female|girl|man|guy|"
    r"male)\b"
)
WOMAN_WORDS = re.compile(r"\b(woman|lady|female|girl)\b")


def gender_said(plain: str, practitioner: Practitioner) -> str | None:
    """The answer to a question about one clinician's gender ("Yes, Dr. Priya Patel is a
    woman."), from ``gender`` in clinic.yml; None when not asked or not known."""
    if not practitioner.gender:
        return None
    said = f"{practitioner.name} is a {practitioner.gender}."
    if EITHER_GENDER.search(plain):
        return said
    found = GENDER_ASKED.search(plain)
    if found is None:
        return None
    asked = "woman" if WOMAN_WORDS.search(found.group(0)) else "man"
    return f"Yes, {said}" if asked == practitioner.gender else f"No, {said}"


# "does she see men", "does dr gonzalez treat guys": who a clinician sees, asked of men.
ASKS_SEES_MEN = re.compile(
    r"\b(see|sees|seeing|treat|treats|take|takes|work with)\b(?: \w+){0,2} "
    r"(men|males?|guys|man|husbands?|boys)\b"
)


def men_seen_by(clinic: ClinicConfig) -> list[Practitioner]:
    """The clinicians who see adult men (not one who sees women only, nor children only)."""
    return [
        p for p in clinic.practitioners if not p.sees_women_only and age_limit(clinic, p.id) is None
    ]


def sees_men_said(plain: str, practitioner: Practitioner, clinic: ClinicConfig) -> str | None:
    """ "No, Dr. Maria Gonzalez sees women only; Dr. Priya Patel and Sam Lee, NP see men." (or
    a yes), when asked whether a clinician sees men; None when not asked. ("does she see men"
    got her days again.)"""
    if not ASKS_SEES_MEN.search(plain):
        return None
    if not practitioner.sees_women_only:
        return f"Yes, {practitioner.name} sees men."
    others = [p.name for p in men_seen_by(clinic)]
    if not others:
        return f"No, {practitioner.name} sees women only."
    return f"No, {practitioner.name} sees women only; {join_words(others)} see men."


# "how old do you have to be to see dr okafor" (when to arrive for a visit), "does dr patel see
# adults", "what ages does dr gonzalez see": the ages, first. Read in normalised text.
AGES_WORDS = r"(?:how old|what ages?|which ages|age (?:limit|range|cut ?off)|too old|too young)"
AGE_GROUPS = (
    r"(?:adults?|grown ups|kids|children|babies|infants|newborns|toddlers?|little ones|teens?|"
    r"teenagers|seniors|elderly|all ages)"
)
# "is dr okafor good with toddlers?" (a nurse's question, 0.66): whom they see
GOOD_WITH = r"(?:good|great|gentle|patient|experienced) with"
ASKS_AGES = re.compile(
    rf"\b(?:{AGES_WORDS}|(?:see|sees|seeing|treat|treats|take|takes|{GOOD_WITH}) "
    rf"(?:\w+ ){{0,2}}{AGE_GROUPS})\b"
)


def ages_said(plain: str, practitioner: Practitioner) -> str | None:
    """ "Dr. James Okafor sees patients under 18." (from ``sees_patients_under`` and
    ``sees_patients_from`` in clinic.yml), when the ages a clinician sees are asked; None
    when not asked."""
    if not ASKS_AGES.search(plain):
        return None
    under, start = practitioner.sees_patients_under, practitioner.sees_patients_from
    if under is not None and start is not None:
        return f"{practitioner.name} sees patients from {start} to {under - 1}."
    if under is not None:
        return f"{practitioner.name} sees patients under {under} only."
    if start is not None:
        return f"{practitioner.name} sees patients from age {start}."
    return f"{practitioner.name} sees patients of all ages."


ASKS_NEW_PATIENTS = re.compile(
    r"\b(new patients?|taking (on )?(patients|new)|accepting (new )?patients|accepting new|"
    r"open to new|(take|takes|taking) me)\b"
)


# "can I pick my doctor?": yes, first.
ASKS_TO_CHOOSE = re.compile(r"\b(pick|choose|chose|select|request)\b")
# "can i switch doctors", "i want a different doctor" (addons/quick_question_guard.py)
ASKS_TO_SWITCH = re.compile(r"\b(switch|switching|change|changing|swap|different)\b")
SWITCH_ON_FILE = (
    "To have them on file as your main clinician, the front desk can update it: {phone}."
)
BOOK_ONE = " Tap a name to book with them."
# What a nurse practitioner is, for "is Sam Lee a real doctor?".
NP_MEANS = (
    "A nurse practitioner (NP) is a nurse with advanced training who examines, diagnoses, "
    "prescribes and treats, much like a doctor."
)


def new_patient_clinicians(clinic: ClinicConfig) -> list[Practitioner]:
    """Clinicians a new patient can book: those of the new-patient visit's specialties."""
    specialties = {
        spec for visit in clinic.visit_types if visit.new_patients for spec in visit.specialties
    }
    return [p for p in clinic.practitioners if p.specialty in specialties]


def _short(practitioner: Practitioner, clinic: ClinicConfig) -> str:
    specialty = clinic.specialties.get(practitioner.specialty, "").lower()
    return f"{practitioner.name} ({specialty})" if specialty else practitioner.name


def _new_patients_sentence(clinic: ClinicConfig) -> str:
    taking = new_patient_clinicians(clinic)
    if not taking:
        return f"To become a patient, please call us at {clinic.clinic.main_phone}."
    if len(taking) == len(clinic.practitioners):
        return "All of them welcome new patients."
    names = join_words([p.name for p in taking], "and")
    return f"New patients can book with {names}."


def clinicians_list_text(clinic: ClinicConfig) -> str:
    """Every clinician, their specialty and who they see, one per line."""
    return "\n".join(
        [
            f"Our clinicians at {clinic.clinic.name}:",
            *_lines(clinic.practitioners, clinic),
            _new_patients_sentence(clinic),
        ]
    )


def _lines(practitioners: list[Practitioner], clinic: ClinicConfig) -> list[str]:
    return [f"• {_short(p, clinic)}" + (f": {p.sees}" if p.sees else "") for p in practitioners]


CHILDS_AGE = re.compile(rf"\b(?:my|our|a|an) {YEARS_OLD}", re.IGNORECASE)


def clinicians_for_child(text: str, clinic: ClinicConfig) -> tuple[str, list[Practitioner]] | None:
    """ "which doctor is best for my 2 year old", "who should my daughter see, she is 5": the
    clinicians who see a child of that age (the list had the women's health doctor, from 12,
    beside the pediatrician); None when no child is spoken of, or nobody sees them."""
    if not child_named([text]):
        return None
    # (any "my 15 year old": the child asked about; age_spoken wants it to be the patient)
    said = CHILDS_AGE.search(text)
    age = age_spoken([text]) if said is None else int(said.group(1))
    kids = [
        p
        for p in clinic.practitioners
        if sees_patient(clinic, p.id, CHILD_AGE if age is None else age)
    ]
    if not kids:
        return None
    taking = [p.name for p in kids if p in new_patient_clinicians(clinic)]
    welcome = (
        "All of them welcome new patients."
        if len(taking) == len(kids)
        else f"New patients can book with {join_words(taking, 'or')}."
        if taking
        else ""
    )
    whom = "children of that age" if age is not None else "children"
    lines = [f"These clinicians see {whom}:", *_lines(kids, clinic), welcome]
    return "\n".join(line for line in lines if line), kids


# The age of "kids" said with no age: a school child's (who sees patients from 12 is not one).
CHILD_AGE = 8


def _gender_text(
    clinic: ClinicConfig, gender: str, word: str, among: list[Practitioner], visit: str
) -> tuple[str, list[Practitioner]]:
    """The clinicians of ``gender`` among those who could see the patient (``visit``: for the
    visit being booked)."""
    chosen = [p for p in among if p.gender == gender]
    if not chosen:
        if any(p.gender for p in clinic.practitioners):
            others = join_words([_short(p, clinic) for p in among], "or")
            return (
                f"Sorry, we don't have a {word} clinician{visit}. You can see {others}.",
                among,
            )
        return (
            f"I don't have that detail here, sorry. Our front desk can tell you who would suit "
            f"you best: {clinic.clinic.main_phone}.\n\n{clinicians_list_text(clinic)}",
            [],
        )
    names = join_words([_short(p, clinic) for p in chosen], "and")
    first = (
        f"Yes: our {word} clinician{visit} is {names}."
        if len(chosen) == 1
        else f"Yes: our {word} clinicians{visit} are {names}."
    )
    limits = [f"{p.name} sees {p.sees}." for p in chosen if p.sees_patients_under and p.sees]
    return " ".join([first, *limits]), chosen


def _one_clinician_text(
    practitioner: Practitioner, clinic: ClinicConfig, text: str, today: date
) -> str:
    # ("what days is she at the north office": that office's days first)
    office = find_location(text, clinic)
    days = clinician_days_text(
        practitioner, clinic, text, [office] if office else [], today, tell_who=True
    )
    if practitioner.qualification == "NP":
        days = f"{days} {NP_MEANS}"
    if not ASKS_NEW_PATIENTS.search(normalise(text)):
        return days
    if practitioner in new_patient_clinicians(clinic):
        first = f"Yes, {practitioner.name} is taking new patients."
    else:
        first = (
            f"{practitioner.name} doesn't book new-patient visits; "
            f"{join_words([p.name for p in new_patient_clinicians(clinic)], 'or')} can."
        )
    return f"{first} {days}"


class ActionClinicians(Action):
    """Answers questions about the clinic's clinicians, with buttons to book with them."""

    def __init__(self, clock: Any = None) -> None:
        self.clock = clock

    def name(self) -> str:
        return "action_clinicians"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        clinic = get_clinic()
        today = (self.clock or clinic.now)().astimezone(clinic.tz).date()
        text = latest_text(tracker)
        plain = normalise(text)
        last_answer = str(last_event(list(tracker.events), "bot").get("text") or "")
        named = (
            find_practitioner(text, clinic)
            or clinician_meant(text, last_answer, clinic)
            # "do i need a referral to see dr gonzalez" - "is she accepting new patients": every
            # clinician was listed (the answer named none): the one the patient named
            or (
                clinician_named_before(list(tracker.events), clinic)
                if PRONOUN.search(plain)
                else None
            )
        )
        # (not "a female doctor who sees kids": of the women, below)
        ages = (
            ages_said(plain, named)
            if named is not None and not (ASKS_WOMAN.search(plain) or ASKS_MAN.search(plain))
            else None
        )
        men = sees_men_said(plain, named, clinic) if named is not None else None
        said = (gender_said(plain, named) or men or ages) if named is not None else None
        gender = (
            None
            if said is not None  # "is sam lee a female": of him, not "our female clinicians"
            else ("woman", "female")
            if ASKS_WOMAN.search(plain)
            else ("man", "male")
            if ASKS_MAN.search(plain)
            else None
        )
        # "can i switch doctors": and how a new main clinician goes on file
        switching = ASKS_TO_SWITCH.search(plain) is not None
        on_file = SWITCH_ON_FILE.format(phone=clinic.clinic.main_phone)
        if gender is not None:
            # Before the name: "a doctor who is a lady" reads as "the doctor who sees kids".
            among, visit = self._who_could_see(tracker, clinic)
            answer, chosen = _gender_text(clinic, *gender, among, visit)
            if not tracker.active_loop_name and chosen:
                # Not a yes/no question: a typed "yes" took the first button, and a man who
                # asked for a male clinician was booked with Dr. Patel.
                one = f" Would you like to book with {them(chosen[0])}?"
                answer += BOOK_ONE if len(chosen) > 1 else one
        elif (
            named is not None
            and next_opening_asked(text)
            and (opening := next_opening(named, clinic, (self.clock or clinic.now)())) is not None
        ):
            # "whats dr patels next opening": the date and time, not her working days, and
            # a button to book that time
            say_next_opening(dispatcher, opening, bool(tracker.active_loop_name))
            return (
                []
                if tracker.active_loop_name
                else answer_second_request(dispatcher, tracker, "ask_clinicians")
            )
        elif said is not None and said == men and said.startswith("No, "):
            # "does she see men": no, and who does, to book with (not her days again, with a
            # button to book with her)
            answer, chosen = said, men_seen_by(clinic)
            if chosen and not tracker.active_loop_name:
                answer += BOOK_ONE
        elif named is not None:
            # ("does dr gonzalez do flu shots": that first, and buttons to book with whoever
            # does it)
            answer, chosen = visit_answer_first(
                _one_clinician_text(named, clinic, text, today), text, named, clinic
            )
            if said is not None and said == ages and named.sees and not named.sees_women_only:
                # (the days went on to say whom they see, the ages again; not "women and
                # teens", which the ages did not say)
                for who in (named.name, short_name(named)):
                    answer = answer.replace(f" {who} sees {named.sees}.", "")
            if said is not None:
                answer = f"{said} {answer}"
            elif switching:
                # "can i switch to dr patel": yes, and how it sticks (it moved an appointment)
                him_or_her = them(named)
                answer = (
                    f"Yes, you can see {named.name}: just choose {him_or_her} when you book. "
                    f"{answer} {on_file.replace('have them', f'have {him_or_her}')}"
                )
            answer = named_once(answer, named)
        elif not switching and (for_child := clinicians_for_child(text, clinic)) is not None:
            answer, chosen = for_child
            if not tracker.active_loop_name:
                answer += BOOK_ONE
        else:
            answer, chosen = clinicians_list_text(clinic), list(clinic.practitioners)
            if switching:
                # "can i switch doctors" ("Did you want to move an appointment?")
                answer = f"Yes, you can choose who you see. {on_file} {answer}"
            elif ASKS_TO_CHOOSE.search(plain):
                answer = f"Yes, you can choose who you see. {answer}"
            if not tracker.active_loop_name:
                answer += BOOK_ONE
        buttons = [] if tracker.active_loop_name else [book_with_button(p) for p in chosen]
        dispatcher.utter_message(text=answer, buttons=buttons)
        if tracker.active_loop_name:
            return []  # the form asks its own question next
        return answer_second_request(dispatcher, tracker, "ask_clinicians")

    @staticmethod
    def _who_could_see(tracker: Tracker, clinic: ClinicConfig) -> tuple[list[Practitioner], str]:
        """While booking a kind of visit, the clinicians who do it (and see the patient's
        age), and " for <a visit>"; otherwise everyone."""
        slots = dict(tracker.slots)
        visit = clinic.visit_type(str(slots.get("visit_type") or ""))
        if tracker.active_loop_name != "booking_form" or visit is None:
            if CHILD_SPOKEN_OF.search(latest_text(tracker)):
                # "do you have a female doctor who sees kids": the women's health doctor
                # (from 12) was named beside Dr. Patel
                age = age_spoken([latest_text(tracker)])
                age = CHILD_AGE if age is None else age
                kids = [p for p in clinic.practitioners if sees_patient(clinic, p.id, age)]
                return kids, " who sees children"
            return list(clinic.practitioners), ""
        ids = eligible_practitioners(clinic, visit.id, patient_age(slots, clinic))
        return [p for p in clinic.practitioners if p.id in ids], f" for {a_or_an(visit.name)}"
