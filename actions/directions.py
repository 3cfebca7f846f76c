"""Directions, opening hours, parking and phone numbers, per location, from ``clinic.yml``.

One action answers the four questions (``directions``, ``clinic_hours``, ``parking``,
``contact_info``). Which office it talks about, in this order:

1. the office the patient names (the ``location`` entity, e.g. from a button
   ``/parking{"location":"north"}``, or its name or alias in the text);
2. "both" / "either": every office;
3. the office we last talked about in this conversation (``info_location``);
4. the office of the form the patient is filling in (read only, never changed);
5. the office of the patient's next appointment, only if they were verified in this session;
6. the only office, if the clinic has one; for hours and phone numbers, every office in one
   short message;
7. otherwise the patient is asked, with one button per office. In the middle of a form the
   action does not ask (the form asks its own question next): it answers for every office.

A question that names a clinician ("what days does Dr. Patel work?", "is Dr. Gonzalez at North
on Fridays?") is answered with that clinician's days and offices (``actions/clinician_days.py``);
a route to their office ("how do I get to Dr. Patel's office") with the offices where they work.

Hours and "open now" are computed in the clinic's time zone, holidays included. The clock can be
injected (``ActionLocationInfo(clock=...)``) so tests run at fixed times.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from datetime import datetime
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.amenities import amenity_asked, amenity_text
from actions.appointment_hours import (
    appointment_times_asked,
    appointment_times_text,
    offices_compared,
)
from actions.billing import join_words
from actions.birth_dates import without_birth_dates
from actions.clients.fhir_model import FhirError
from actions.clinic_config import ClinicConfig, Location
from actions.clinician_days import (
    book_with_button,
    clinician_days_text,
    visit_answer_first,
    wants_route,
)
from actions.cost_follow_up import is_cost_follow_up
from actions.formatting import day_and_time
from actions.hours_at_time import asked_clock, hours_at, without_clock
from actions.matching import (
    ROUTE_QUESTION,
    find_location,
    find_practitioner,
    normalise,
    wants_anyone,
)
from actions.nearby_areas import nearer_note, nearer_office
from actions.next_opening import next_opening, next_opening_asked, say_next_opening
from actions.office_answers import (
    ACCESSIBLE_WORDS,
    AFTER_HOURS_HELP,
    CHECK_IN_ASKED,
    DRIVING_WORDS,
    DROP_OFF_ASKED,
    ER_ASKED,
    GETTING_IN_WORDS,
    NEAR_THE_DOOR,
    PARKING_COST_ASKED,
    TRANSIT_WORDS,
    TRAVEL_TIME_ASKED,
    TRAVEL_TIME_LINE,
    access_text,
    answers_only_the_office,
    check_in_text,
    contact_text,
    directions_text,
    drop_off_text,
    emergency_room_text,
    map_text,
    nurse_line_text,
    parking_text,
    sms_number,
    texting_answer,
    topic_payload,
    transit_text,
)
from actions.office_hours import (
    HOLIDAY_LIST_DAYS,
    HOLIDAY_NOTICE_DAYS,
    asked_day,
    hours_on_day,
    hours_on_weekdays,
    hours_text,
    upcoming_holidays,
    weekdays_asked,
)
from actions.office_overview import offices_compared_asked, offices_overview, overview_buttons
from actions.patient_match import scheduling_client
from actions.second_request import (
    answer_second_request,
    offer_second_request,
    remember_second_request,
    replay_as,
)
from actions.settings import get_clinic
from actions.tracker_reading import is_button_payload, last_event, latest_intent, latest_text
from actions.typed_answers import UNDECIDED

logger = logging.getLogger(__name__)

# Whether the offices close for lunch, asked (read in normalised text).
LUNCH_ASKED = re.compile(
    r"\blunch (?:hours?|break|time|hour)\b"
    r"|\b(?:close|closed|closing|shut) (?:\w+ )?(?:for|at|during|over) lunch\b"
    r"|\b(?:open|opened) (?:\w+ )?(?:during|at|over|thru|through) lunch\b"
)

Clock = Callable[[], datetime]

TOPICS = ("directions", "clinic_hours", "parking", "contact_info")
# Topics whose answer for every office fits one short message (no "which office?" question).
ALL_OFFICES_AT_ONCE = ("clinic_hours", "contact_info")
HOLIDAYS_ASKED = re.compile(
    r"\b(holidays|holiday (hours|schedule)|what holiday|which holiday|closures?|closings|"
    r"between (christmas|xmas) and new year)"
)
# The offices' own hours asked beside a clinician's days ("what time do you open saturday").
OFFICE_HOURS_ASKED = re.compile(
    r"\b(what time|when|how late|how early) (do|does|are|r|will|is) (you|u|ya|yall|the office|"
    r"the clinic|it|your office|your clinic) (guys )?(open|close|closing|opening)\b"
    r"|\b(your|the|ur) (office |clinic )?hours\b|\b(are|r) (you|u|ya|yall) (guys )?open\b"
)
ASK_OFFICE = {
    "directions": "Which office are you heading to?",
    "parking": "Which office are you visiting? Parking is different at each one.",
    "clinic_hours": "Which office would you like the hours for?",
}


# --- which office ----------------------------------------------------------------------------


def offices_in_brief(clinic: ClinicConfig) -> str:
    """ "We have two offices: the Downtown Clinic at 1200 J Street, ... and the North Office
    at 4500 Natomas Boulevard, ..." """
    places = [f"the {loc.name} at {loc.address.one_line()}" for loc in clinic.locations]
    counted = {2: "two", 3: "three", 4: "four"}.get(len(places), str(len(places)))
    return f"We have {counted} offices: {join_words(places)}."


def office_of_same_message(tracker: Tracker, clinic: ClinicConfig) -> list[Location]:
    """The office the answer to the first part of the same message was about, when this is
    its other part replayed (same message id), else nothing."""
    users = [i for i, e in enumerate(tracker.events) if e.get("event") == "user"]
    if len(users) < 2:
        return []
    latest, before = tracker.events[users[-1]], tracker.events[users[-2]]
    if not latest.get("message_id") or latest.get("message_id") != before.get("message_id"):
        return []
    for event in reversed(tracker.events[users[-2] : users[-1]]):
        if event.get("event") == "slot" and event.get("name") == "info_location":
            loc = clinic.location(str(event.get("value") or ""))
            return [loc] if loc is not None else []
    return []


def named_locations(tracker: Tracker, clinic: ClinicConfig) -> list[Location]:
    """Offices the latest message names (entity first, then the text)."""
    found: list[Location] = []
    origins: list[Location] = []
    text = latest_text(tracker)
    for entity in (tracker.latest_message or {}).get("entities") or []:
        if entity.get("entity") != "location":
            continue
        value = str(entity.get("value") or "")
        loc = clinic.location(value) or find_location(value, clinic)
        if loc is not None and loc not in found:
            found.append(loc)
            if FROM_HERE.search(text[: int(entity.get("start") or 0)]):
                origins.append(loc)
    if origins and len(origins) < len(found):
        # "how do i get to the north office from downtown by bus": the way to the North
        # Office (the Downtown Clinic's buses came too)
        found = [loc for loc in found if loc not in origins]
    if not found and text and not is_button_payload(text):
        loc = find_location(text, clinic)
        if loc is not None:
            found.append(loc)
    last = str(tracker.get_slot("info_location") or "")
    if not found and last and OTHER_OFFICE.search(normalise(text)):
        # "what about the other office?" after an answer about one of them
        found = [loc for loc in clinic.locations if loc.id != last]
    return found


# Before an office named as where the patient sets out from: "from downtown", "coming from the".
FROM_HERE = re.compile(r"\bfrom (?:the )?$", re.IGNORECASE)

BILLING_OFFICE = re.compile(r"\bbilling\b")  # "billing", "the billing office", ...
THEY = re.compile(r"\b(they|their|them|theyre|they re)\b")
# How far back "and their hours?" may point ("the phone number for billing" - "and their
# hours?" - "are they open saturday?").
THEY_LOOK_BACK = 3


# A follow-up this short that names no day is about the day just asked about.
SHORT_FOLLOW_UP_WORDS = 7


# A day named that no date or holiday list here knows ("are you open on hanukkah", "what about
# boxing day"): the day asked before is not it (Christmas Eve's hours were given for both).
UNKNOWN_DAY_NAMED = re.compile(
    r"\b(?!(?:the |that |same |next )day\b)\w+ (day|eve)\b(?! (after|before))|\b(hanukkah|"
    r"chanukah|hanukah|kwanzaa|diwali|eid|ramadan|passover|rosh hashanah|yom kippur|lunar new "
    r"year|chinese new year|holi|vesak|boxing)\b",
    re.IGNORECASE,
)


# "open saturdays?", "on weekends": every such day, answered by the weekly hours (New Year's
# Day's were given again after "what about new years day").
EVERY_WEEKDAY_NAMED = re.compile(
    r"\b((mon|tues|wednes|thurs|fri|satur|sun)days|weekends?|weekdays|every \w+day)\b",
    re.IGNORECASE,
)

# "are you open now" names this moment: not the day asked about before (it repeated that day).
NOW_ASKED = re.compile(r"\b(now|rn|currently|at the moment|atm|still open)\b", re.IGNORECASE)


def with_day_asked_before(tracker: Tracker, clinic: ClinicConfig, now: datetime) -> str:
    """The latest message, with the one before it when that asked about the hours of a day
    and this one names none: "are you open tomorrow" - "what time do you close" got today's
    closing time, and "and new years day" - "what about the day after" a "what can I help
    you with?"."""
    text = latest_text(tracker)
    if (
        tracker.get_slot("info_topic") != "clinic_hours"
        or len(text.split()) > SHORT_FOLLOW_UP_WORDS
        or asked_day(text, clinic, now) is not None
        or UNKNOWN_DAY_NAMED.search(text)
        or EVERY_WEEKDAY_NAMED.search(text)
        or NOW_ASKED.search(text)
    ):
        return text
    said = [str(e.get("text") or "") for e in tracker.events if e.get("event") == "user"]
    before = said[-2] if len(said) > 1 else ""
    return f"{text} {before}" if asked_day(before, clinic, now) is not None else text


def about_billing_office(tracker: Tracker) -> bool:
    """Whether the hours asked are billing's: said so, or "their hours?" right after billing
    was asked about (the offices' hours were given, and billing keeps other hours)."""
    said = [
        normalise(str(e.get("text") or ""))
        for e in reversed(list(tracker.events))
        if e.get("event") == "user"
    ][: THEY_LOOK_BACK + 1]
    for text in said:
        if BILLING_OFFICE.search(text):
            return True
        if not THEY.search(text):
            return False  # a message that does not point back ends the look
    return False


OTHER_OFFICE = re.compile(
    r"\b(the |your |ur )?other (office|offices|location|locations|clinic|one|place|site|branch)\b"
)


EVERY_OFFICE = re.compile(
    r"\b(both|either|all|each|every|any) (of )?(your |the |our )?(office|location|clinic|one)s?\b"
    # "which office is closer to sacramento state?": both addresses, for the patient to compare
    r"|\bwhich (one|office|location|clinic) (is|would be|should i|do i|to)\b"
    r"|\b(closer|closest|nearer|nearest|easiest) (office|location|clinic)\b"
)


def wants_every_office(tracker: Tracker) -> bool:
    """ "both offices", "all locations"; "either" or "no preference" when answering our question."""
    text = latest_text(tracker)
    if not text or is_button_payload(text):
        return False
    if EVERY_OFFICE.search(normalise(text)):
        return True
    intent, _ = latest_intent(tracker)
    return intent == "inform" and wants_anyone(text)


def next_appointment(
    tracker: Tracker, clinic: ClinicConfig
) -> tuple[Location, datetime, bool] | None:
    """Where and when the verified patient's next appointment is, and whether it is the one
    just booked or moved in this chat, which "where is that?" right after means (None if
    unverified)."""
    patient_id = tracker.get_slot("patient_id")
    if not tracker.get_slot("verified") or not patient_id:
        return None
    try:
        appointments = scheduling_client().upcoming_appointments(str(patient_id))
    except FhirError:
        logger.info("appointments unavailable for directions; asking which office")
        return None
    just_made = tracker.get_slot("last_booked")
    appointments = sorted(appointments, key=lambda appt: appt.id != just_made)
    for appt in appointments:
        loc = clinic.location(appt.location_id)
        if loc is not None and appt.start is not None:
            return loc, appt.start, appt.id == just_made
    return None


# "where is my appointment", "how do i get to my physical": the appointment's office, not the
# one last talked about ("is there parking downtown" - "where is my appointment" sent a patient
# of the North Office to the Downtown Clinic).
APPOINTMENT_NOUN = re.compile(
    r"\b(my|the|his|her|our|that|this) (next |upcoming |new )?(appointment|appt|visit|"
    r"physical|checkup|check up|follow up|exam)s?\b"
)
IT_OR_THERE = re.compile(r"\b(it|there)\b")
# Which office an appointment is at ("which office is my appointment at", "where is my appt").
WHERE_IS_IT = re.compile(
    r"\b(which|what) (office|location|clinic|one|place|building)\b|\bwhere (s|is|was|will)\b"
    r"|\bwheres\b"
)
# After these, "where is it?" is the appointment just shown, booked or moved.
APPOINTMENT_ACTIONS = frozenset(
    {"action_show_appointments", "action_book_appointment", "action_reschedule_appointment"}
)


def appointment_meant(tracker: Tracker) -> bool:
    """Whether the question is about the patient's appointment: named, or "it" right after one
    was shown, booked or moved (and no office answer since)."""
    text = normalise(latest_text(tracker))
    if APPOINTMENT_NOUN.search(text):
        return True
    if not IT_OR_THERE.search(text):
        return False
    for event in reversed(list(tracker.events)):
        if event.get("event") == "action" and event.get("name") in APPOINTMENT_ACTIONS:
            return True
        if event.get("event") == "action" and event.get("name") == "action_location_info":
            return False
    return False


def getting_in_asked(text: str) -> bool:
    """Whether the way into an office is asked ("is there an elevator", "is it wheelchair
    accessible"), not the route too ("address and is there an elevator")."""
    plain = normalise(text)
    getting_in = ACCESSIBLE_WORDS.search(plain) or GETTING_IN_WORDS.search(plain)
    return bool(getting_in) and not ROUTE_QUESTION.search(plain)


class ActionLocationInfo(Action):
    """Directions, hours or parking for the office the patient means (see module docstring)."""

    def __init__(self, clock: Clock | None = None) -> None:
        self.clock = clock

    def name(self) -> str:
        return "action_location_info"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        clinic = get_clinic()
        now = (self.clock or clinic.now)().astimezone(clinic.tz)
        intent, _ = latest_intent(tracker)
        topic = intent if intent in TOPICS else (tracker.get_slot("info_topic") or "directions")
        said = with_day_asked_before(tracker, clinic, now)
        if intent == "inform" and asked_day(said, clinic, now) is not None:
            topic = "clinic_hours"  # "and new year's eve?" after directions: the hours that day
        events: list[EventType] = []
        if tracker.get_slot("info_topic") != topic:
            events.append(SlotSet("info_topic", topic))

        if topic == "clinic_hours" and about_billing_office(tracker):
            # "is billing open saturday?", "and their hours?" after billing's phone number
            billing = clinic.billing
            dispatcher.utter_message(
                text=f"Our billing team is available {billing.hours}, at {billing.phone}."
            )
            if tracker.active_loop_name:
                return events
            return events + answer_second_request(dispatcher, tracker, topic)

        amenity = amenity_asked(latest_text(tracker)) if intent == "parking" else None
        if amenity is not None:
            # "is there a bike rack" got the car park; the detail, for every office unless one
            # is named (short enough for both)
            offices = named_locations(tracker, clinic) or list(clinic.locations)
            dispatcher.utter_message(text=amenity_text(amenity, offices))
            if tracker.active_loop_name:
                return events
            return events + answer_second_request(dispatcher, tracker, topic)

        if topic == "directions" and ER_ASKED.search(normalise(latest_text(tracker))):
            # "where is the nearest ER?" got the clinic's own address
            dispatcher.utter_message(text=emergency_room_text(clinic))
            return events

        locations = named_locations(tracker, clinic)
        explicit = bool(locations)
        clinician = (
            find_practitioner(latest_text(tracker), clinic)
            if topic in ("clinic_hours", "directions")
            else None
        )
        if (
            clinician is not None
            and topic == "directions"
            and wants_route(latest_text(tracker), office_named=bool(locations))
        ):
            # "how do I get to Dr. Patel's office": the offices where they work.
            if not locations:
                locations = [loc for loc in clinic.locations if loc.id in clinician.schedule]
                explicit = True
        elif clinician is not None:
            # "what days does Dr. Patel work?": the clinician's days and offices ("does sam lee
            # see kids?": whether he does, first)
            text = latest_text(tracker)
            opening = next_opening(clinician, clinic, now) if next_opening_asked(text) else None
            if opening is not None:
                # "whats dr patels next opening": the date and time, not her working days
                say_next_opening(dispatcher, opening, bool(tracker.active_loop_name))
                return events
            days = clinician_days_text(clinician, clinic, text, locations, now.date())
            answer, book_with = visit_answer_first(days, text, clinician, clinic)
            buttons = [] if tracker.active_loop_name else [book_with_button(p) for p in book_with]
            dispatcher.utter_message(text=answer, buttons=buttons)
            if OFFICE_HOURS_ASKED.search(normalise(latest_text(tracker))):
                # "what time do you open saturday and is dr patel in on saturdays": the
                # offices' hours were left out
                offices = locations or list(clinic.locations)
                hours = self._answer("clinic_hours", clinic, offices, latest_text(tracker), now)
                dispatcher.utter_message(text=hours)
            return events
        if (
            not locations
            and topic == "directions"
            and not tracker.get_slot("verified")
            and not tracker.active_loop_name
            and len(clinic.locations) > 1
            and WHERE_IS_IT.search(normalise(latest_text(tracker)))
            and appointment_meant(tracker)
        ):
            # "which office is my appointment at" got both offices' directions (and the name
            # and birth date sent next "What can I help you with?"): the appointments, with
            # their office, after the identity check
            latest = last_event(list(tracker.events), "user")
            return events + replay_as(tracker, latest, "check_appointment")
        if (
            not locations
            and topic in ("directions", "clinic_hours")
            and len(clinic.locations) > 1
            and offices_compared_asked(normalise(latest_text(tracker)))
        ):
            # "whats the difference between the two offices": both addresses, and "Which
            # office are you heading to?" (actions/office_overview.py)
            dispatcher.utter_message(
                text=offices_overview(clinic), buttons=overview_buttons(clinic)
            )
            return events
        asked_office = last_event(tracker.events, "bot").get("text") in ASK_OFFICE.values()
        note = ""
        nearer = None if locations else nearer_office(latest_text(tracker), clinic)
        if nearer is not None:
            # "which office is closer to elk grove": both offices' directions came back
            # (where they park or when it closes: the other office one tap away, as their
            # visit may be there)
            locations, explicit = [nearer[0]], topic == "directions"
            note = nearer_note(*nearer)
        if (
            intent == "inform"
            and not locations
            and not asked_office
            and not wants_every_office(tracker)
            and asked_day(said, clinic, now) is None
        ):
            # After an answer, details that name no office or day ("Aisha Khan", a birth date)
            # are not about it: ask what the patient needs instead of "Which office?" again.
            dispatcher.utter_message(response="utter_how_can_help")
            return events
        if (
            not locations
            and asked_office
            and (
                intent == "inform"
                or UNDECIDED.match(latest_text(tracker))
                or is_cost_follow_up(latest_text(tracker))
            )
        ):
            # "Which office?" answered with something else (a name, a date), "idk" or "is it
            # free?": every office, rather than the same question again.
            locations, explicit = list(clinic.locations), True
        if not locations and topic in ALL_OFFICES_AT_ONCE:
            # "the north office's address and are you open saturday": the North Office's
            # hours (both came), as the first part of the same message was about it
            locations = office_of_same_message(tracker, clinic)
        if not locations and (
            topic in ALL_OFFICES_AT_ONCE
            or len(clinic.locations) == 1
            or wants_every_office(tracker)
            or (topic == "directions" and CHECK_IN_ASKED.search(latest_text(tracker)))
        ):
            # Hours, phone numbers and where to check in, for every office, fit one short
            # message.
            locations, explicit = list(clinic.locations), True
        if not locations:
            locations, note = self._implied(tracker, clinic)
        if not locations and topic == "directions" and getting_in_asked(latest_text(tracker)):
            # "is there an elevator", "are your offices wheelchair accessible": the way into
            # each office, a few lines each (it asked which office first)
            locations, explicit = list(clinic.locations), True
        if (
            not locations
            and topic == "parking"
            and PARKING_COST_ASKED.search(normalise(latest_text(tracker)))
        ):
            # "is parking free?": whether each office's is, in two lines (it asked which office)
            locations, explicit = list(clinic.locations), True
        if not locations and tracker.active_loop_name:
            # In the middle of a form, which asks its own question next: answer for every office.
            locations, explicit = list(clinic.locations), True
        if not locations:
            if topic == "directions":
                # "where are you located": where both offices are, in a line, before "Which
                # office are you heading to?" (the question alone told nothing)
                dispatcher.utter_message(text=offices_in_brief(clinic))
            dispatcher.utter_message(
                text=ASK_OFFICE[topic],
                buttons=[
                    {"title": loc.name, "payload": topic_payload(topic, loc.id)}
                    for loc in clinic.locations
                ],
            )
            # "when is my appt and where do i park": kept for after the office is chosen.
            kept = remember_second_request(tracker, {topic})
            return events + [SlotSet(slot, value) for slot, value in kept.items()]

        question = said if topic == "clinic_hours" else latest_text(tracker)
        reply = latest_text(tracker)
        if asked_office and topic != "clinic_hours" and answers_only_the_office(reply):
            # "is there handicap parking" - "Which office?" - "downtown": the accessible
            # spaces were left out (only "downtown" was read). A question of its own ("is the
            # north office wheelchair accessible") is answered alone: read with "where are you
            # located" before it, it got the whole directions card.
            users = [str(e.get("text") or "") for e in tracker.events if e.get("event") == "user"]
            question = " ".join(users[-2:])
        text = self._answer(topic, clinic, locations, question, now)
        if topic == "directions" and TRAVEL_TIME_ASKED.search(normalise(question)):
            # "how long does it take to drive there": the map says, not a visit's length
            text = f"{TRAVEL_TIME_LINE}\n{text}"
        if topic == "clinic_hours" and LUNCH_ASKED.search(normalise(question)):
            # "lunch hours?", "do you close for lunch": the hours alone left it to be worked
            # out (each office's day is one stretch in clinic.yml: no break)
            these = "The office stays" if len(locations) == 1 else "Our offices stay"
            text = f"{these} open through lunch, with no break.\n{text}"
        if topic == "contact_info":
            by_sms = tracker.get_latest_input_channel() == "twilio"
            texting = texting_answer(question, by_sms, sms_number())
            text = f"{texting}\n{text}" if texting else text  # "can i text this number"
        buttons = []
        if not explicit and len(locations) == 1:
            # We guessed the office: one tap for another one.
            buttons = [
                {"title": f"{loc.name} instead", "payload": topic_payload(topic, loc.id)}
                for loc in clinic.locations
                if loc.id != locations[0].id
            ]
        if topic == "clinic_hours" and not tracker.active_loop_name:
            if appointment_times_asked(question):
                buttons.append({"title": "Book an appointment", "payload": "/book_appointment"})
        dispatcher.utter_message(text=f"{note}\n{text}" if note else text, buttons=buttons)
        if len(locations) == 1:
            # Set even when unchanged: the other part of the same message reads it from here.
            events.append(SlotSet("info_location", locations[0].id))
        if tracker.active_loop_name:
            return events  # the form asks its own question next
        if asked_office:
            return events + offer_second_request(dispatcher, tracker)
        return events + answer_second_request(dispatcher, tracker, topic)

    @staticmethod
    def _answer(
        topic: str, clinic: ClinicConfig, locations: list[Location], text: str, now: datetime
    ) -> str:
        if (
            topic in ("parking", "directions")
            and DROP_OFF_ASKED.search(normalise(text))
            and all(loc.drop_off for loc in locations)
        ):
            return "\n".join(drop_off_text(loc) for loc in locations)
        if topic == "parking":
            plain = normalise(text)
            accessible = bool(ACCESSIBLE_WORDS.search(plain) or NEAR_THE_DOOR.search(plain))
            cost = bool(PARKING_COST_ASKED.search(plain))
            return "\n".join(parking_text(loc, accessible, cost) for loc in locations)
        if topic == "directions":
            plain = normalise(text)
            check_in = CHECK_IN_ASKED.search(text)
            if check_in and not ROUTE_QUESTION.search(normalise(CHECK_IN_ASKED.sub(" ", text))):
                return "\n".join(check_in_text(loc) for loc in locations)
            if getting_in_asked(text):
                return "\n\n".join(access_text(loc) for loc in locations)
            if (
                TRANSIT_WORDS.search(plain)
                and not DRIVING_WORDS.search(plain)
                and all(loc.transit for loc in locations)
            ):
                return "\n\n".join(transit_text(loc) for loc in locations)
            if TRAVEL_TIME_ASKED.search(plain):
                # (after TRAVEL_TIME_LINE: not the whole card again, floor and access notes)
                return "\n\n".join(map_text(loc) for loc in locations)
            return "\n\n".join(directions_text(loc) for loc in locations)
        if topic == "contact_info":
            return contact_text(clinic, locations, text)
        others = [loc for loc in clinic.locations if loc not in locations]
        times = appointment_times_text(locations, text, others)
        if times is not None:
            return times  # "do you have evening appointments?"
        holidays_asked = bool(HOLIDAYS_ASKED.search(normalise(text)))
        at = None if holidays_asked else asked_clock(without_birth_dates(text, now.date()))
        if at is not None:
            on = asked_day(without_clock(text), clinic, now)
            if on is not None:
                # "are you open at 6:30pm on thursday": open then or not (the day's hours came)
                return hours_at(clinic, locations, at, on[0], now)
            # "are you open at 7am": the next 7am, and the week's hours
            table = hours_text(clinic, locations, now, HOLIDAY_NOTICE_DAYS)
            return f"{hours_at(clinic, locations, at, None, now)}\n{table}"
        day = None if holidays_asked else asked_day(text, clinic, now)
        weekdays = weekdays_asked(text) if day is None and not holidays_asked else []
        if weekdays and not offices_compared(text, locations):
            # "are you open saturdays": that day of the week (the week's hours alone left the
            # yes or no to the patient), and the holidays coming up
            notice = upcoming_holidays(clinic, now, HOLIDAY_NOTICE_DAYS)
            answer = hours_on_weekdays(locations, weekdays, tuple(clinic.locations))
            return f"{answer}\n{notice}" if notice else answer
        if day is not None and (day[1] is not None or day[0] != now.date()):
            # A holiday or another day; "today" is answered by "open now" below.
            return hours_on_day(clinic, locations, day[0], day[1], now)
        # "what holidays are you closed": all of the coming months' (it got the weekly hours)
        hours = hours_text(
            clinic, locations, now, HOLIDAY_LIST_DAYS if holidays_asked else HOLIDAY_NOTICE_DAYS
        )
        if clinic.clinic.after_hours_nurse_line and AFTER_HOURS_HELP.search(normalise(text)):
            # "is there an after hours number?" got the opening hours alone
            hours += f"\n{nurse_line_text(clinic)}."
        compared = offices_compared(text, locations)
        # "which office is open later?": which one first (both weeks alone left it to them)
        return f"{compared}\n{hours}" if compared else hours

    def _implied(self, tracker: Tracker, clinic: ClinicConfig) -> tuple[list[Location], str]:
        """The office the conversation already points to, and how we know (or nothing)."""
        last = clinic.location(str(tracker.get_slot("info_location") or ""))
        meant = appointment_meant(tracker)
        if last is not None and not meant:
            return [last], ""
        if tracker.active_loop_name:
            in_form = clinic.location(str(tracker.get_slot("location") or ""))
            if in_form is not None:
                return [in_form], ""
        if len(clinic.locations) > 1 and (meant or last is None):
            upcoming = next_appointment(tracker, clinic)
            if upcoming is not None:
                loc, start, just_made = upcoming
                when = day_and_time(start, clinic)
                which = "The appointment you just made" if just_made else "Your next appointment"
                return [loc], f"{which} ({when}) is at the {loc.name}."
        return ([last], "") if last is not None else ([], "")
