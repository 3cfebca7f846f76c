"""The end of a booking: offer a few free times, repeat the chosen one for a yes, and book it.

Shared with rescheduling (the same questions in ``reschedule_form``): a time taken by someone
else meanwhile is never offered again, and a booking the scheduling system refuses or cannot
take is explained, never lost in silence.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import date, datetime, time, timedelta
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.booking import BOOKING_SLOTS
from actions.booking_choices import eligible_practitioners, entity_payload
from actions.booking_guards import (
    age_spoken,
    appointment_times,
    booked_appointments,
    booked_if_known,
    check_offer,
    chosen_offer,
    instead_of_refused_clinician,
    late_change_policy,
    men_left_out,
    refusal_events,
    refuse_children_only,
    same_day_note,
    same_visit_nearby,
    visits_phrase,
    woman_asked,
    woman_asked_instead,
)
from actions.clients.fhir_model import BackendUnavailable, FhirError, SlotTaken
from actions.clinic_config import ADULT_AGE, ClinicConfig, format_clock
from actions.clock_times import clock_times_said
from actions.dates import When, day_label
from actions.duplicate_patients import duplicate_note, possible_duplicate
from actions.formatting import (
    address_line,
    appointment_sentence,
    arrival,
    move_sentence,
    offer_label,
)
from actions.handoff import escalate
from actions.interpreter import (
    interpreter_needed,
    interpreter_note,
    interpreter_phrase,
    session_texts,
)
from actions.matching import find_location
from actions.names import capitalised, given_and_family
from actions.patient_match import scheduling_client
from actions.patient_words import is_child, patient_age, subject_of, who_has, whose
from actions.phone import phone_for_display
from actions.relatives import adult_relative_named, child_named, relation_asked_about
from actions.second_request import (
    after_identity_declined,
    after_unfinished_task,
    offer_second_request,
)
from actions.settings import get_clinic
from actions.slot_search import (
    ALL_CLOSED,
    REST_OF_TODAY,
    SearchRequest,
    SearchResult,
    chosen_appointment,
    closed_reason,
    find_offers,
    request_from_slots,
)
from actions.tracker_reading import form_texts
from actions.visit_request import SOONEST

logger = logging.getLogger(__name__)

# Minutes early to arrive (the same as the arrival-time answer in domain/faq.yml).
ARRIVE_MINUTES = 15
NEW_PATIENT_ARRIVE_MINUTES = 30


def time_asked_taken(
    slots: dict[str, Any], when: When, offers: list[dict[str, Any]]
) -> time | None:
    """The clock time asked for ("tuesday 8:30"), when no time offered starts then; None when
    none was asked (a limit, "after 3", is none) or one does."""
    said = clock_times_said(str(slots.get("date_preference") or ""))
    clock = said[0] if len(said) == 1 else None
    if clock is None or when.not_before is None or when.not_after is None:
        return None
    if not when.not_before <= clock <= when.not_after:
        return None
    clinic = get_clinic()
    starts = {datetime.fromisoformat(o["start"]).astimezone(clinic.tz).time() for o in offers}
    return None if clock in starts else clock


def visit_for_children(visit_type: str | None, clinic: ClinicConfig) -> bool:
    """A children's visit ("well-child"): its clinicians may see children only."""
    return visit_type is not None and visit_type in {
        v.for_children for v in clinic.visit_types if v.for_children
    }


# How many days ahead a sick visit asked for on a closed day gets the after-hours nurse line.
NURSE_LINE_DAYS = 1


def closed_soon(reason: str, first_day: date, now: datetime, clinic: ClinicConfig) -> bool:
    """Whether ``reason`` says the clinic (not one clinician) is closed when the patient asked,
    today or tomorrow: a sick patient then needs to know who helps before we open."""
    if reason.endswith(REST_OF_TODAY):
        return True
    today = now.astimezone(clinic.tz).date()
    return reason.startswith(ALL_CLOSED) and first_day <= today + timedelta(NURSE_LINE_DAYS)


class ActionAskSlotChoice(Action):
    """Search the schedule and offer a few concrete slots (buttons; numbered on SMS)."""

    def name(self) -> str:
        return "action_ask_slot_choice"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        clinic = get_clinic()
        now = clinic.now()
        slots = dict(tracker.slots)
        events: list[EventType] = []
        moving = (
            slots.get("appointment_choice")
            if tracker.active_loop_name == "reschedule_form"
            else None
        )
        try:
            # Who the patient is, when already known: no children-only clinician for an adult,
            # and no time the patient is already booked.
            age = patient_age(slots, clinic)
            texts = form_texts(tracker)
            if age is None:
                age = age_spoken(texts)  # "my 4 year old son"
            if age is None and adult_relative_named(texts):
                # "book a follow up for my dad": no pediatrician's times (all three were)
                age = ADULT_AGE
            elif (
                age is None
                and slots.get("practitioner") in (None, "any")
                and not child_named(texts)
                and not visit_for_children(slots.get("visit_type"), clinic)
            ):
                # No child spoken of: "what about a saturday then? i work weekdays" got three
                # Saturdays with the pediatrician, refused once the birth date came.
                age = ADULT_AGE
            busy = tuple(appointment_times(a, clinic) for a in booked_appointments(slots, moving))
            if refuse_children_only(dispatcher, clinic, slots.get("practitioner"), age):
                instead = instead_of_refused_clinician(slots, clinic)
                slots.update(instead)
                events += [SlotSet(slot, value) for slot, value in instead.items()]
            if woman_asked_instead(texts, slots.get("practitioner"), clinic):
                slots["practitioner"] = "any"
                events.append(SlotSet("practitioner", "any"))
            request = request_from_slots(slots, clinic, now, age=age, busy=busy)
            if woman_asked(texts) and slots.get("practitioner") in (None, "any"):
                # "a female doctor pls", then "no preference": Sam Lee's times were offered
                eligible = eligible_practitioners(clinic, request.visit_type, age)
                left_out = (*request.exclude_practitioners, *men_left_out(clinic, eligible))
                request = replace(request, exclude_practitioners=left_out)
            result = find_offers(scheduling_client(), request, clinic, now)
            # (moving with anyone, the office kept only from the appointment: any office)
            kept = moving is not None and not any(find_location(t, clinic) for t in texts)
            there = at_their_other_office(request, result, clinic, now, office_kept=kept)
        except FhirError:  # incl. BackendUnavailable
            dispatcher.utter_message(response="utter_backend_unavailable")
            return [SlotSet("backend_error", True), SlotSet("requested_slot", None)]
        if there is not None:
            # "tues or thurs next week" with Dr. Patel, kept at Downtown: she is at North then
            # (it was "I couldn't find an opening in the next few weeks")
            practitioner = clinic.practitioner(str(request.practitioner))
            # ("has no openings at the Downtown Clinic for Tue Dec 15": she is never there on
            # Tuesdays, which the patient is told)
            reason = closed_reason(request, clinic, now) if practitioner else None
            request, result = there
            office = clinic.location(str(slots.get("location")))
            other = clinic.location(str(result.offers[0]["location"]))
            dispatcher.utter_message(
                response="utter_closed_nearest_slots"
                if reason
                else "utter_practitioner_there_instead"
                if practitioner
                else "utter_openings_there_instead",
                reason=reason,
                practitioner=practitioner.name if practitioner else "",
                office=office.name if office else "that office",
                other=other.name if other else "our other office",
                when=open_days(request.when, request.location, clinic).describe(),
                buttons=offer_buttons(result.offers, clinic),
            )
            location = SlotSet("location", result.offers[0]["location"])
            return events + [location, SlotSet("offered_slots", result.offers)]
        if not result.offers:
            dispatcher.utter_message(
                response="utter_no_slots",
                buttons=_broaden_buttons(slots),
            )
            return events + [SlotSet("offered_slots", [])]
        intro = "utter_nearest_slots" if result.widened else "utter_offer_slots"
        if intro == "utter_offer_slots" and SOONEST.search(str(slots.get("date_preference") or "")):
            # ("as soon as possible": "the openings I found for Sun Dec 6 to Sun Dec 20")
            intro = "utter_soonest_slots"
        reason = closed_reason(request, clinic, now) if result.widened else None
        if reason:
            intro = "utter_closed_nearest_slots"
        if result.last_bookable is not None:
            intro = "utter_latest_slots"
            limit = f"I can only book up to {day_label(result.last_bookable)} so far"
            reason = f"{reason}, and {limit}" if reason else limit
        clock = None
        if intro == "utter_offer_slots" and (
            taken := time_asked_taken(slots, request.when, result.offers)
        ):
            # "tuesday 8:30" with 8:30 booked: the times around it, with no word that it was
            # not free ("Here are the openings I found for Tue Dec 15")
            intro = "utter_time_asked_taken"
            clock = format_clock(taken)
        dispatcher.utter_message(
            response=intro,
            when=open_days(request.when, request.location, clinic).describe(),
            reason=reason,
            clock=clock,
            buttons=offer_buttons(result.offers, clinic),
        )
        nurse_line = clinic.clinic.after_hours_nurse_line
        sick = slots.get("visit_type") == "sick"
        if nurse_line and sick and reason and closed_soon(reason, request.when.start, now, clinic):
            # "im sick can i see someone tonight" at 7:30 pm, "can he be seen tomorrow" on a
            # Saturday: who helps before we open
            dispatcher.utter_message(response="utter_sick_after_hours", nurse_line=nurse_line)
        return events + [SlotSet("offered_slots", result.offers)]


def offer_buttons(offers: list[dict[str, Any]], clinic: ClinicConfig) -> list[dict[str, str]]:
    """One button per time offered (numbered options on SMS)."""
    return [
        {"title": offer_label(offer, clinic), "payload": entity_payload("slot_choice", offer["id"])}
        for offer in offers
    ]


def arrival_sentence(said: str, child: bool, arrive: str) -> str:
    """When to come and what to bring, said to the writer ("Please arrive 15 minutes early with
    your photo ID" told a wife booking her husband's physical to bring her own)."""
    if said == "your":
        return f"Please arrive {arrive} with your photo ID and insurance card."
    name = subject_of(said)
    if child:
        return f"Please bring {name} {arrive}, with {said} insurance card and your photo ID."
    return f"Please have {name} arrive {arrive} with their photo ID and insurance card."


def open_days(when: When, location: str | None, clinic: ClinicConfig) -> When:
    """``when`` without the closed days at either end, for saying it: "Here are the openings I
    found for Mon Dec 14 to Sun Dec 20" named a Sunday, when no office opens."""
    offices = [clinic.location(location)] if location else clinic.locations

    def is_open(day: date) -> bool:
        return any(office and clinic.hours_on(office, day) is not None for office in offices)

    start, end = when.start, when.end
    days = (start + timedelta(days=n) for n in range((end - start).days + 1))
    if not any(is_open(day) for day in days):
        return when  # (the reason it is closed is said)
    while start < end and not is_open(start):
        start += timedelta(days=1)
    while end > start and not is_open(end):
        end -= timedelta(days=1)
    return replace(when, start=start, end=end)


def at_their_other_office(
    request: SearchRequest,
    result: SearchResult,
    clinic: ClinicConfig,
    now: datetime,
    office_kept: bool = False,
) -> tuple[SearchRequest, SearchResult] | None:
    """The clinician asked for, at their other office, when the office kept has nothing at the
    times asked for (or only the nearest ones) and the other has: the search and its result.
    With anyone, the same when the office was only kept from the appointment being moved
    (``office_kept``): "tuesday with any doctor" got other days at the Downtown Clinic, where
    only the pediatrician is in on Tuesdays, though the other clinicians are at North then."""
    anyone = request.practitioner is None and office_kept
    if (result.offers and not result.widened) or not request.location:
        return None
    if not (request.practitioner or anyone):
        return None
    practitioner = clinic.practitioner(request.practitioner) if request.practitioner else None
    works_at = practitioner.locations if practitioner else [loc.id for loc in clinic.locations]
    others = [loc for loc in works_at if loc != request.location]
    if not others:
        return None
    elsewhere = replace(request, location=None)
    found = find_offers(scheduling_client(), elsewhere, clinic, now)
    if not found.offers or found.widened or found.last_bookable is not None:
        return None
    if all(offer.get("location") == request.location for offer in found.offers):
        return None
    offers = [offer for offer in found.offers if offer.get("location") in others]
    if len({offer.get("location") for offer in offers}) != 1:
        return None
    return elsewhere, replace(found, offers=offers)


def _broaden_buttons(slots: dict[str, Any]) -> list[dict[str, str]]:
    buttons = []
    if slots.get("practitioner") not in (None, "any"):
        buttons.append({"title": "Any clinician", "payload": '/inform{"practitioner": "any"}'})
    if slots.get("location") not in (None, "any"):
        buttons.append({"title": "Either office", "payload": '/inform{"location": "any"}'})
    buttons.append({"title": "Talk to a person", "payload": "/request_human"})
    return buttons


class ActionAskBookingConfirmed(Action):
    """Repeat exactly what will be booked and ask for a yes."""

    def name(self) -> str:
        return "action_ask_booking_confirmed"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        clinic = get_clinic()
        offer = chosen_offer(tracker.slots)
        if offer is None:
            return [SlotSet("slot_choice", None)]
        item = {**offer, "visit_type": tracker.get_slot("visit_type")}
        rescheduling = tracker.active_loop_name == "reschedule_form"
        # (read once: for a visit of the same kind nearby, and for others the same day)
        booked = [] if rescheduling else booked_if_known(dict(tracker.slots))
        duplicates = same_visit_nearby(offer, tracker.get_slot("visit_type"), booked, clinic)
        if duplicates:
            # Another visit of the same kind a few days away: say so, so "no" is easy.
            dispatcher.utter_message(
                response="utter_confirm_booking_again",
                summary=appointment_sentence(item, clinic, whose(tracker.slots, clinic)),
                existing=visits_phrase(duplicates, clinic),
                already_have=who_has(tracker.slots, clinic, "already"),
            )
            return []
        if rescheduling:
            # Moving one that starts within a day: the late-change policy, as for a cancel.
            moving = chosen_appointment(tracker.slots)
            said = whose(tracker.slots, clinic)
            dispatcher.utter_message(
                response="utter_confirm_reschedule",
                # "I'll move your physical on Wed Dec 2, 7:30am to ...": which one moves, too
                summary=move_sentence(moving, item, clinic, said)
                if moving
                else f"it to {appointment_sentence(item, clinic, said)}",
                policy=late_change_policy(moving, tracker, clinic) if moving else "",
            )
            return []
        summary = appointment_sentence(item, clinic, whose(tracker.slots, clinic))
        summary += same_day_note(offer, booked, dict(tracker.slots), clinic)
        registering = new_patient_details(tracker.slots)
        if registering is not None:
            # A new patient's record is made from these: said back, so a typo can be fixed
            # before it is booked under them ("wait my birthday is 3/14 not 3/4").
            dispatcher.utter_message(
                response="utter_confirm_new_patient_booking", summary=summary, **registering
            )
            return []
        dispatcher.utter_message(response="utter_confirm_booking", summary=summary)
        return []


def new_patient_details(slots: dict[str, Any]) -> dict[str, str] | None:
    """Name, date of birth and phone a new patient's record will be made from, as said back;
    None for a verified patient."""
    if slots.get("verified") or slots.get("patient_status") != "new":
        return None
    name, born, phone = (slots.get(k) for k in ("verify_name", "verify_dob", "new_phone"))
    if not (name and born and phone):
        return None
    birth = date.fromisoformat(str(born))
    return {
        "patient_full_name": str(name),
        "birth_date": f"{birth:%B} {birth.day}, {birth.year}",
        "phone": phone_for_display(str(phone)),
    }


def tell_change_failed(dispatcher: CollectingDispatcher, exc: FhirError, change: str) -> None:
    """A booking, move or cancellation that did not happen: unreachable, or refused.

    A refusal (a 4xx the server explained, or an appointment that can no longer change) is not
    fixed by trying again in a few minutes, so the patient is sent to the front desk instead.
    The log says which, for IT; the error text names resources by id only.
    """
    if isinstance(exc, BackendUnavailable) or exc.status in (401, 403):
        logger.warning("%s failed: scheduling system unavailable (%s)", change, exc)
        dispatcher.utter_message(response="utter_backend_unavailable")
    else:
        logger.warning("%s refused by the scheduling system: %s", change, exc)
        dispatcher.utter_message(response="utter_change_refused")


def offer_others(
    dispatcher: CollectingDispatcher, tracker: Tracker, taken_id: str, form: str
) -> list[EventType]:
    """The chosen slot went to someone else meanwhile: apologise, never offer it again, and go
    back to the form, which searches and offers the next ones."""
    logger.info("slot taken before booking; offering others")
    dispatcher.utter_message(response="utter_slot_taken")
    excluded = list(tracker.get_slot("excluded_slots") or []) + [taken_id]
    return [
        SlotSet("excluded_slots", excluded),
        SlotSet("slot_choice", None),
        SlotSet("offered_slots", None),
        SlotSet("booking_confirmed", None),
        FollowupAction(form),
    ]


class ActionBookAppointment(Action):
    """Submit of the booking form: create the patient if new, book, repeat the details."""

    def name(self) -> str:
        return "action_book_appointment"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        reset = [SlotSet(slot, None) for slot in BOOKING_SLOTS]
        if tracker.get_slot("escalation_reason"):
            return reset + escalate(dispatcher, tracker, tracker.get_slot("escalation_reason"))
        if tracker.get_slot("backend_error"):
            dispatcher.utter_message(response="utter_backend_unavailable")
            return reset + after_unfinished_task(tracker)
        if tracker.get_slot("identity_declined"):
            return reset + after_identity_declined(tracker)  # (utter_identity_declined said it)
        if tracker.get_slot("booking_confirmed") is False:
            # declined a second visit of the same kind (already answered); a balance question
            # kept for after the booking was never answered
            return reset + after_unfinished_task(tracker)
        offer = chosen_offer(tracker.slots)
        if offer is None or tracker.get_slot("booking_confirmed") is not True:
            dispatcher.utter_message(response="utter_stopped")
            return reset + after_unfinished_task(tracker)
        client = scheduling_client()
        clinic = get_clinic()
        events: list[EventType] = []
        patient_id = tracker.get_slot("patient_id")
        interpreter = interpreter_needed(session_texts(tracker))
        try:
            # Last check right before booking: an appointment may have been made meanwhile.
            refusal = check_offer(offer, dict(tracker.slots), clinic)
            if refusal is not None:
                return refusal_events(dispatcher, tracker, refusal, offer["id"], "booking_form")
            if not tracker.get_slot("verified") and not (
                tracker.get_slot("patient_status") == "new"
                and tracker.get_slot("verify_name")
                and tracker.get_slot("verify_dob")
                and tracker.get_slot("new_phone")
            ):
                # Never a booking for someone neither verified nor a new patient with all their
                # details (a "returning" patient not on file was booked on a new record with the
                # phone "None").
                logger.warning("booking without a verified or new patient refused")
                dispatcher.utter_message(response="utter_stopped")
                return reset
            notes = [interpreter_note(interpreter)] if interpreter is not None else []
            if not tracker.get_slot("verified"):
                given, family = given_and_family(capitalised(str(tracker.get_slot("verify_name"))))
                born = date.fromisoformat(str(tracker.get_slot("verify_dob")))
                phone = str(tracker.get_slot("new_phone"))
                twin = possible_duplicate(client, given, family, born, phone)
                if twin is not None:
                    notes.append(duplicate_note(twin))
                patient = client.create_patient(
                    given=given, family=family, birth_date=born, phone=phone
                )
                patient_id = patient.id
                events += [
                    SlotSet("verified", True),
                    SlotSet("patient_id", patient.id),
                    SlotSet("patient_name", f"{patient.given} {patient.family}"),
                ]
                if is_child(dict(tracker.slots), clinic):
                    # as a verified child's check says (is_child reads it once verified):
                    # "and one for me too" after a new daughter's visit was booked on her chart
                    relation = relation_asked_about(tracker) or "child"
                    events.append(SlotSet("patient_relation", relation))
            appointment = client.book(
                patient_id=patient_id,
                slot_id=offer["id"],
                visit_type=tracker.get_slot("visit_type"),
                comment=" ".join(notes) or None,
            )
        except SlotTaken:
            return events + offer_others(dispatcher, tracker, offer["id"], "booking_form")
        except FhirError as exc:  # incl. BackendUnavailable
            tell_change_failed(dispatcher, exc, "booking")
            return events + reset
        logger.info("appointment booked")
        item = {**offer, "visit_type": tracker.get_slot("visit_type"), "id": appointment.id}
        new_patient = tracker.get_slot("patient_status") == "new"
        said = whose(tracker.slots, clinic)
        dispatcher.utter_message(
            response="utter_booked",
            summary=appointment_sentence(item, clinic, said),
            address=address_line(offer.get("location"), clinic),
            # As the arrival-time answer says (domain/faq.yml): new patients come 30 minutes
            # early; never before the office opens.
            arrival=arrival_sentence(
                said,
                is_child(tracker.slots, clinic),
                arrival(
                    offer, clinic, NEW_PATIENT_ARRIVE_MINUTES if new_patient else ARRIVE_MINUTES
                ),
            ),
        )
        if new_patient and clinic.clinic.website:
            # the forms can be done before the visit (it was said only when asked about them)
            dispatcher.utter_message(response="utter_new_patient_forms_online")
        if interpreter is not None:
            dispatcher.utter_message(
                response="utter_interpreter_noted", interpreter=interpreter_phrase(interpreter)
            )
        last = [SlotSet("last_booked", appointment.id)]  # "actually cancel it" means this one
        return events + reset + last + offer_second_request(dispatcher, tracker)
