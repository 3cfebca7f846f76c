"""The booking form's multiple-choice questions: what kind of visit, who, which office, when.

The options are what the clinic can actually offer for the rest of the request: only the
clinicians who do this kind of visit (and see a patient of this age), only the offices where
they work. The same list makes the buttons and decides what a typed "2" picks.
"""

from __future__ import annotations

import json
import re
from datetime import date, timedelta
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from actions.billing import join_words
from actions.booking_guards import (
    age_spoken,
    family_doctor_asked,
    man_said,
    men_left_out,
    woman_asked,
)
from actions.clinic_config import ADULT_AGE, WEEKDAYS, ClinicConfig, Location
from actions.dates import parse_when
from actions.last_seen import last_seen_line
from actions.matching import ROUTE_QUESTION, normalise
from actions.nearby_areas import nearer_office
from actions.patient_words import patient_age, recorded_male, verified_record
from actions.relatives import adult_relative_named
from actions.settings import get_clinic
from actions.slot_search import age_limit, not_for_anyone, sees_patient
from actions.tracker_reading import form_texts
from actions.visit_request import date_question


def eligible_practitioners(
    clinic: ClinicConfig, visit_type: str | None, age: int | None = None
) -> list[str]:
    """Who does this kind of visit (and, when the patient's age is known, sees that age)."""
    visit = clinic.visit_type(visit_type) if visit_type else None
    return [
        p.id
        for p in clinic.practitioners
        if (visit is None or p.specialty in visit.specialties) and sees_patient(clinic, p.id, age)
    ]


def eligible_locations(clinic: ClinicConfig, slots: dict[str, Any]) -> list[str]:
    practitioner = slots.get("practitioner")
    ids = (
        [practitioner]
        if practitioner not in (None, "any")
        else eligible_practitioners(clinic, slots.get("visit_type"))
    )
    locations: list[str] = []
    for pid in ids:
        prac = clinic.practitioner(pid)
        for loc in prac.locations if prac else []:
            if loc not in locations:
                locations.append(loc)
    return locations


def offices_on_days_asked(clinic: ClinicConfig, slots: dict[str, Any]) -> list[str]:
    """``eligible_locations``, only those where the clinician asked for works on the weekdays
    asked for: "a follow up at 4:30 on friday with dr patel" asked "Which office suits you
    best?", though she is at the Downtown Clinic only on Fridays. All of them when nothing
    narrows it."""
    options = eligible_locations(clinic, slots)
    weekdays = weekdays_of_days_asked(clinic, slots)
    if weekdays is None:
        return options
    practitioner = clinic.practitioner(str(slots.get("practitioner") or ""))
    if practitioner is not None:
        schedules = [practitioner.schedule]
    else:
        # with anyone: whoever may see the patient ("a covid booster tomorrow afternoon",
        # a Tuesday, offered the Downtown Clinic, where only the pediatrician is in then)
        age = patient_age(slots, clinic)
        visit = slots.get("visit_type")
        who = (clinic.practitioner(p) for p in eligible_practitioners(clinic, visit, age))
        schedules = [p.schedule for p in who if p is not None]
    there = [
        loc
        for loc in options
        if any(weekdays & set(schedule.get(loc, [])) for schedule in schedules)
    ]
    return there or options


def weekdays_of_days_asked(clinic: ClinicConfig, slots: dict[str, Any]) -> set[str] | None:
    """The weekdays of the days asked for ("mon", "sat"), or None when none were asked."""
    asked = slots.get("date_preference")
    when = parse_when(str(asked), clinic.now()) if asked else None
    if when is None:
        return None
    # (a week holds every weekday: "next tuesday or thursday" is two weeks, two weekdays)
    span = min((when.end - when.start).days + 1, len(WEEKDAYS))
    days = (when.start + timedelta(days=n) for n in range(span))
    return {WEEKDAYS[d.weekday()] for d in days if d.weekday() not in when.not_on}


def in_on_days_asked(clinic: ClinicConfig, slots: dict[str, Any], options: list[str]) -> list[str]:
    """The clinicians of ``options`` who work on the days asked for (at the office asked for):
    "flu shots for my kids on saturday morning" offered Dr. Patel and Sam Lee, who are never
    in on Saturdays. All of them when nothing narrows it, or nobody would be left."""
    weekdays = weekdays_of_days_asked(clinic, slots)
    if weekdays is None:
        return options
    office = slots.get("location")
    there = []
    for pid in options:
        practitioner = clinic.practitioner(pid)
        schedule = practitioner.schedule if practitioner else {}
        worked = {
            day for loc, days in schedule.items() if office in (None, "any", loc) for day in days
        }
        if weekdays & worked:
            there.append(pid)
    return there or options


def nearer_office_chosen(
    text: str, slots: dict[str, Any], clinic: ClinicConfig
) -> tuple[Location, str] | None:
    """ "whichever is closer to elk grove" at "Which office suits you best?": the office nearer
    that place (with the place), when the visit can be had there. (It got both offices' full
    directions, and the same question again.) Not a question about the way or parking."""
    if asks_the_way(text):
        return None
    nearer = nearer_office(text, clinic)
    if nearer is None or nearer[0].id not in eligible_locations(clinic, slots):
        return None
    return nearer


def asks_the_way(text: str) -> bool:
    """A question about the way there or parking (a directions question, not an office)."""
    said = normalise(text)
    return bool(ROUTE_QUESTION.search(said) or re.search(r"\bpark", said))


# An office asked about in words ("which office is closer", "the nearest one to me").
OFFICE_ASKED = re.compile(
    r"\b(which|what|closest|closer|nearest|nearer) (office|location|clinic)\b"
    r"|\b(closest|closer|nearest|nearer) (one )?to (me|my (house|home|place|work|job))\b"
)


def sole_office_remarked(text: str, slots: dict[str, Any], clinic: ClinicConfig) -> str | None:
    """ "whichever is closest to 95835" at the day question, when the office was never asked:
    the clinician chosen works at one only (Dr. Okafor, Downtown). It got "I didn't catch a
    day", the office unsaid. That clinician, to say where they work; else None."""
    practitioner = slots.get("practitioner")
    if practitioner in (None, "any") or only_office(clinic, slots) == "any":
        return None
    if asks_the_way(text):
        return None
    if nearer_office(text, clinic) is None and not OFFICE_ASKED.search(normalise(text)):
        return None
    return str(practitioner)


def shares_surname(name: str | None, practitioner: str | None, clinic: ClinicConfig) -> bool:
    """Whether a patient's ``name`` ends with the clinician's family name: the clinician read
    from that name is none ("Jordan Lee" is not Sam Lee)."""
    clinician = clinic.practitioner(practitioner) if practitioner else None
    if not name or clinician is None:
        return False
    return name.split()[-1].lower() == clinician.family.lower()


def only_office(clinic: ClinicConfig, slots: dict[str, Any]) -> str:
    """The one office where the clinician (or visit) is seen, else "any"."""
    offices = eligible_locations(clinic, {**slots, "location": None})
    return offices[0] if len(offices) == 1 else "any"


def someone_other_than(
    dispatcher: CollectingDispatcher, slots: dict[str, Any], clinic: ClinicConfig
) -> dict[str, Any]:
    """ "someone other than dr patel": anyone else who does this visit (``practitioner_not``,
    left out of the search). Nobody else does it: said, and that clinician kept; nobody else
    at the office asked for: said, and the other offices searched too. ("someone other than dr
    patel" offered Dr. Patel's times three times over: at Downtown only she does follow-ups.)
    """
    not_this = slots.get("practitioner_not")
    visit_id = slots.get("visit_type")
    if not not_this or not visit_id or slots.get("practitioner") not in (None, "any"):
        return {}
    visit, excluded = clinic.visit_type(str(visit_id)), clinic.practitioner(str(not_this))
    if visit is None or excluded is None:
        return {}
    # (whom "no preference" searches: not a women's health clinician for a follow-up)
    unasked = set(not_for_anyone(clinic, visit.id)) | {not_this}
    age = patient_age(slots, clinic)  # (looked up only now: a call to the scheduling API)
    others = [p for p in eligible_practitioners(clinic, visit.id, age) if p not in unasked]
    if not others:
        dispatcher.utter_message(
            response="utter_only_clinician_for_visit",
            practitioner=excluded.name,
            visit=visit.name,
        )
        return {"practitioner": not_this, "practitioner_not": None}
    office = slots.get("location")
    here = [p for p in others if office in getattr(clinic.practitioner(p), "locations", [])]
    if office not in (None, "any") and not here:
        location = clinic.location(str(office))
        dispatcher.utter_message(
            response="utter_only_clinician_at_office",
            practitioner=excluded.name,
            visit=visit.name,
            office=location.name if location else str(office),
        )
        return {"location": "any"}
    return {}


def say_where_they_work(
    dispatcher: CollectingDispatcher, practitioner: str, clinic: ClinicConfig
) -> None:
    """ "Sam Lee sees patients at the North Office only": why an office was not kept."""
    prac = clinic.practitioner(practitioner)
    offices = [clinic.location(loc) for loc in prac.locations] if prac else []
    dispatcher.utter_message(
        response="utter_practitioner_elsewhere",
        practitioner=prac.name if prac else practitioner,
        offices=join_words([f"the {o.name}" for o in offices if o], "and"),
    )


def choice_options(
    slot: str,
    slots: dict[str, Any],
    clinic: ClinicConfig,
    age_hint: int | None = None,
    man: bool = False,
    woman_clinician: bool = False,
    family_doctor: bool = False,
) -> list[tuple[str, str]]:
    """The (title, value) options offered for ``visit_type``, ``practitioner`` or
    ``location``, in order: the buttons, and what a typed "2" picks. ``age_hint``: the age
    said in words ("my 4 year old"), used until a birth date tells it."""
    if slot == "visit_type":
        # Only what the clinician the patient asked for does ("Sam Lee" does no well-child
        # visits), and nothing only children have for a patient known to be an adult.
        first_visit = clinic.new_patient_visit()
        if slots.get("patient_status") == "new" and not slots.get("verified") and first_visit:
            # A new patient books the new-patient visit first: the other kinds (which it
            # offered, and then replaced with the new-patient visit) are for later.
            return [(first_visit.name.capitalize(), first_visit.id)]
        named = clinic.practitioner(str(slots.get("practitioner") or ""))
        record = verified_record(slots)
        age = patient_age(slots, clinic, record=record) if slots.get("verified") else None
        age = age if age is not None else age_hint
        # A man's record, or a man said to be the patient ("for my son"): not the visits only a
        # clinician who sees women only does (Robert Miller, 76, was offered "Women's health
        # exam", and so was a son). Typed, it is still booked as asked.
        women_only = (
            {p.id for p in clinic.practitioners if p.sees_women_only}
            if man or recorded_male(record)
            else set()
        )
        return [
            (v.name.capitalize(), v.id)
            for v in clinic.visit_types
            if not v.new_patients
            and (named is None or named.specialty in v.specialties)
            and (age is None or eligible_practitioners(clinic, v.id, age))
            # ("shes 4": an annual physical offered, then "I'll look for a well-child visit
            # instead" once picked; the child's visit is in the list already)
            and not (age is not None and age < ADULT_AGE and v.for_children)
            and not (women_only and set(eligible_practitioners(clinic, v.id)) <= women_only)
        ]
    if slot == "practitioner":
        record = verified_record(slots)  # (one call to the scheduling API, for age and sex)
        age = patient_age(slots, clinic, record=record)
        age = age if age is not None else age_hint
        options = eligible_practitioners(clinic, slots.get("visit_type"), age)
        if man or recorded_male(record):  # male: no clinician who sees women only
            women_only = {p.id for p in clinic.practitioners if p.sees_women_only}
            options = [pid for pid in options if pid not in women_only]
        if woman_clinician:  # "with a female doctor pls": Sam Lee was offered
            men = men_left_out(clinic, options)
            options = [pid for pid in options if pid not in men]
        if family_doctor and (age is None or age >= ADULT_AGE):
            # "looking for a family doctor": not the pediatrician nor women's health (for a
            # child, the pediatrician is one too)
            family = [pid for pid in options if family_medicine(clinic, pid)]
            options = family or options
        options = in_on_days_asked(clinic, slots, options)
        office = slots.get("location")
        if office not in (None, "any"):
            # "... at the downtown office?": Sam Lee, who is at the North Office only, was
            # offered
            there = [
                pid
                for pid in options
                if (practitioner := clinic.practitioner(pid)) and office in practitioner.locations
            ]
            options = there or options
        return [(_practitioner_title(clinic, pid, age), pid) for pid in options] + [
            ("No preference", "any")
        ]
    if slot == "location":
        day = _one_day_asked(clinic, slots)
        offices = [clinic.location(lid) for lid in eligible_locations(clinic, slots)]
        return [
            (office.name + _closed_note(clinic, office, day), office.id)
            for office in offices
            if office is not None
        ] + [("Either is fine", "any")]
    return []


def family_medicine(clinic: ClinicConfig, practitioner_id: str) -> bool:
    """Whether the clinician's specialty is family medicine (by its id or name)."""
    prac = clinic.practitioner(practitioner_id)
    if prac is None:
        return False
    name = clinic.specialties.get(prac.specialty, prac.specialty)
    return "family" in f"{prac.specialty} {name}".lower()


def options_for(
    slot: str, slots: dict[str, Any], clinic: ClinicConfig, texts: list[str]
) -> list[tuple[str, str]]:
    """``choice_options`` with what this task's messages said of the patient: an age (a
    grown-up relative's, "my husband", is an adult's), a man, a woman clinician or a family
    doctor asked for."""
    age = age_spoken(texts)
    if age is None and adult_relative_named(texts):
        # "flu shots for me and my husband on saturday": Dr. Okafor (patients under 18) was
        # offered, and his times then refused
        age = ADULT_AGE
    return choice_options(
        slot,
        slots,
        clinic,
        age,
        man_said(texts),
        woman_asked(texts),
        family_doctor_asked(texts),
    )


def _one_day_asked(clinic: ClinicConfig, slots: dict[str, Any]) -> date | None:
    """The day asked for, when the request names one day only ("a flu shot on sat")."""
    asked = slots.get("date_preference")
    when = parse_when(str(asked), clinic.now()) if asked else None
    return when.start if when is not None and when.start == when.end else None


def _closed_note(clinic: ClinicConfig, office: Location, day: date | None) -> str:
    """ " (closed Saturdays)": the office is closed on the one day asked for ("a flu shot on
    sat" offered the North Office without a word, then said it is closed on Saturdays)."""
    if day is None or clinic.hours_on(office, day) is not None:
        return ""
    return " (closed that day)" if clinic.holiday(day) else f" (closed {day:%A}s)"


def _practitioner_title(clinic: ClinicConfig, practitioner_id: str, age: int | None) -> str:
    """The name; before we know the patient's age, also who a clinician sees only."""
    name = clinic.practitioner(practitioner_id).name  # type: ignore[union-attr]
    limit = age_limit(clinic, practitioner_id)
    return f"{name} (patients under {limit})" if limit is not None and age is None else name


class AskChoice(Action):
    """Ask for a choice slot with its options as buttons (numbered on SMS)."""

    slot = ""
    question = ""

    def name(self) -> str:
        return f"action_ask_{self.slot}"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        texts = form_texts(tracker)
        options = options_for(self.slot, dict(tracker.slots), get_clinic(), texts)
        options += self.more_options(tracker)
        dispatcher.utter_message(
            text=self.question_for(dict(tracker.slots), [value for _, value in options]),
            buttons=[
                {"title": title, "payload": entity_payload(self.slot, value)}
                for title, value in options
            ],
        )
        return []

    def question_for(self, slots: dict[str, Any], choices: list[str]) -> str:
        return self.question

    def more_options(self, tracker: Tracker) -> list[tuple[str, str]]:
        """Options beyond what the rest of the request allows (none by default)."""
        return []


class ActionAskVisitType(AskChoice):
    """What kind of visit: the clinic's visit types."""

    slot = "visit_type"
    question = "What kind of visit do you need?"

    def more_options(self, tracker: Tracker) -> list[tuple[str, str]]:
        """ "book a physical" - "dr gonzalez", who does none: "Dr. Gonzalez doesn't see patients
        for an annual physical", and her visits only were offered, the physical asked for
        gone. It is offered too, with someone who does it (choosing it asks who)."""
        clinic = get_clinic()
        dropped = clinic.visit_type(visit_dropped(tracker.events) or "")
        if dropped is None or not eligible_practitioners(clinic, dropped.id):
            return []
        return [(f"{dropped.name.capitalize()} with someone else", dropped.id)]


def visit_dropped(events: list[dict[str, Any]]) -> str | None:
    """The visit type this turn dropped (a clinician who does not do it was named), else None."""
    dropped = False
    this_turn = True
    for event in reversed(events):
        if event.get("event") == "user":
            this_turn = False
        elif event.get("event") == "slot" and event.get("name") == "visit_type":
            if not dropped:
                if not this_turn or event.get("value"):
                    return None
                dropped = True
            elif event.get("value"):
                return str(event["value"])
    return None


class ActionAskPractitioner(AskChoice):
    """Who: the clinicians who see this kind of visit, or no preference."""

    slot = "practitioner"
    question = "Who would you like to see?"

    def question_for(self, slots: dict[str, Any], choices: list[str]) -> str:
        seen = last_seen_line(slots, get_clinic(), choices)
        return f"{self.question} {seen}" if seen else self.question


class ActionAskLocation(AskChoice):
    """Where: the offices where the chosen clinician(s) work, or either."""

    slot = "location"
    question = "Which office suits you best?"


class ActionAskDatePreference(Action):
    """ "What day or time works best?"; asked on a weekend, its buttons are "This coming week"
    and "The week after" ("This week" and "Next week" then gave the same days)."""

    def name(self) -> str:
        return "action_ask_date_preference"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        response, _ = date_question(get_clinic().now().date())
        dispatcher.utter_message(response=response)
        return []


def entity_payload(entity: str, value: str) -> str:
    """A button payload that sets an entity: ``/inform{"location": "north"}``."""
    return "/inform" + json.dumps({entity: value})
