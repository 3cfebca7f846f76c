"""Booking an appointment: what, who, where, when, which slot, who you are, confirm, book.

The patient can give any of it in any order and correct any of it at any point; the form asks
only for what is missing. Slots are searched live in the scheduling API (FHIR R4) and booked
only after an explicit "yes".
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.appointment_hours import appointment_times_asked
from actions.booking_changes import BookingChangeSteps
from actions.booking_choices import (
    eligible_practitioners,
    nearer_office_chosen,
    options_for,
    say_where_they_work,
    shares_surname,
    sole_office_remarked,
    someone_other_than,
)
from actions.booking_guards import (
    age_spoken,
    check_offer,
    chosen_offer,
    duplicates_of_chosen,
    instead_of_refused_clinician,
    later_on_days_named,
    later_times,
    other_times,
    refuse,
    refuse_children_only,
    refuse_women_only,
    short_practitioner_name,
    turned_down,
    visits_phrase,
)
from actions.booking_patient import BookingPatientSteps, another_visit_type
from actions.booking_words import (
    ABOUT_BODY_PART,
    ADVICE_QUESTION,
    BILL_WORDS,
    BODY_PART,
    EXISTING_APPOINTMENT,
    INSURANCE_TALK,
    NOT_BOOKING,
    SHORT_STATUS_ANSWER_WORDS,
    SYMPTOM,
    UNSURE,
    WITH_THEM,
    other_doctor_named,
)
from actions.clients.fhir_model import FhirError
from actions.clinic_config import ADULT_AGE, ClinicConfig, NotOffered
from actions.clinician_days import clinician_meant
from actions.formatting import (
    a_or_an,
    day_and_time,
    visit_name,
)
from actions.forms import IDENTITY_SLOTS, INTERRUPT_CONFIDENCE, URGENT_INTENTS, PatientForm
from actions.identity import IDENTITY_ENDINGS, IdentitySteps
from actions.identity_answers import said_in_this_task
from actions.insurance import answer_plan
from actions.last_seen import last_seen_taken
from actions.matching import (
    find_location,
    find_not_offered,
    find_practitioner,
    find_visit_type,
    normalise,
    other_visit_named,
    parse_choice,
)
from actions.message_reading import safety_flagged, yes_or_no
from actions.nearby_areas import nearer_note
from actions.own_clinician import asks_own_clinician
from actions.patient_status import (
    NEW_PATIENT_WORDS,
    patient_status,
)
from actions.patient_words import is_child, patient_age, who_has
from actions.plan_names import plan_in_message
from actions.relatives import FOR_SOMEONE_ELSE, OTHER_PERSON, RELATION_SEX, relation_in
from actions.said_before import (
    booking_tapped_after_question,
    clinician_named_before,
    visit_named_before,
)
from actions.second_request import yes_and_another
from actions.slot_search import (
    has_age_limits,
)
from actions.tracker_reading import (
    form_texts,
    is_button_payload,
    last_event,
    last_response,
    latest_intent,
    latest_text,
)
from actions.typed_answers import NEVER_MIND
from actions.usual_clinician import asks_for_usual_clinician, usual_clinician
from actions.visit_about import say_visits, visits_explained
from actions.visit_request import (
    PICK_DETAILS,
    SOONEST,
    WAIT_FOR_VISIT,
    answers_a_visit_question,
    asks_more_times,
    no_preference_said,
    not_the_one_before,
    office_shown,
    other_office,
    picked_offer,
    picks_a_shown_time,
    read_search_details,
)

logger = logging.getLogger(__name__)

# Changing one of these invalidates the offered slots and the confirmation.
SEARCH_SLOTS = ("visit_type", "practitioner", "location", "date_preference")
# The questions at which "what's a follow-up visit?" is answered, then asked again (none: the
# message that starts the booking).
VISITS_EXPLAINED_AT = (None, "patient_status", *SEARCH_SLOTS)
BOOKING_SLOTS = [
    "patient_status",
    "visit_type",
    "practitioner",
    "location",
    "date_preference",
    "slot_choice",
    "offered_slots",
    "booking_confirmed",
    "excluded_slots",
    "practitioner_not",
    "verify_name",
    "verify_dob",
    "new_phone",
    "backend_error",
    "identity_declined",
    "usual_clinician",
]


def same_visit_again(tracker: Tracker, clinic: ClinicConfig) -> dict[str, Any]:
    """ "Done. I've cancelled … Would you like to book another time?" [Book another time]: the
    same kind of visit with the same clinician and office, at another time (the patient may
    still change them). Empty for any other booking."""
    cancelled = tracker.get_slot("last_cancelled") or {}
    offered_by = last_response(tracker)
    if offered_by not in ("utter_cancelled", "utter_cancel_not_undone"):
        return {}
    if not cancelled.get("visit_type"):
        return {}
    if clinic.practitioner(str(cancelled.get("practitioner") or "")) is None:
        return {}
    text = latest_text(tracker)
    named = (
        (find_visit_type, "visit_type"),
        (find_practitioner, "practitioner"),
        (find_location, "location"),
    )
    for find, key in named:
        found = None if is_button_payload(text) else find(text, clinic)
        if found is not None and found.id != cancelled.get(key):
            return {}  # "book a flu shot instead": what they asked for, not the old visit
    again = {
        "visit_type": cancelled["visit_type"],
        "practitioner": cancelled["practitioner"],
        "location": cancelled.get("location") or "any",
    }
    if offered_by == "utter_cancel_not_undone" and cancelled.get("start"):
        # "i didnt mean to cancel it" - [Book a new time]: "the same time, if it's still
        # free", as promised (it asked what kind of visit, from the start)
        again["date_preference"] = day_and_time(
            datetime.fromisoformat(str(cancelled["start"])), clinic
        )
    return again


def welcome_new_patient(
    dispatcher: CollectingDispatcher, clinic: ClinicConfig, text: str = ""
) -> None:
    """ "hi im new to the area and looking for a family doctor": a welcome, and what the first
    visit is (it was "Who would you like to see?" and nothing else), unless a welcome was said
    already (a new patient asking for another kind of visit hears what comes first). A relative
    named in ``text`` is welcomed ("my daughter ... is new here" heard "Your first visit")."""
    first_visit = clinic.new_patient_visit()
    said = {str(m.get("response") or "") for m in dispatcher.messages}
    if first_visit is None or any(r.startswith("utter_new_patient_visit") for r in said):
        return
    relation = relation_in(text)
    if relation is not None:
        dispatcher.utter_message(
            response="utter_new_patient_welcome_for",
            person=relation,
            their={"male": "His", "female": "Her"}.get(RELATION_SEX.get(relation, ""), "Their"),
            first_visit=first_visit.name,
        )
        return
    dispatcher.utter_message(response="utter_new_patient_welcome", first_visit=first_visit.name)


class ValidateBookingForm(BookingPatientSteps, BookingChangeSteps, IdentitySteps, PatientForm):
    # No match: "if the patient is new here, tap New patient" (see _as_new_patient).
    no_match_response = "utter_verification_no_match_booking"
    no_match_early_responses = (
        "utter_verification_no_match_booking_early",
        "utter_verification_no_match_sms_early",
    )
    form_name = "booking_form"
    own_intents = {"book_appointment"}
    checks_identity_at_start = False

    def interrupting_intents(self, tracker: Tracker) -> set[str]:
        # While booking, "can I do 9am instead" is a correction of this booking, even when the
        # model reads it as a reschedule (it once turned a new sick visit into moving the
        # patient's physical); "move my other appointment" still switches task.
        intents = super().interrupting_intents(tracker)
        if not EXISTING_APPOINTMENT.search(normalise(latest_text(tracker))):
            intents = intents - {"reschedule_appointment"}
        return intents

    def said_again(
        self, dispatcher: CollectingDispatcher, slots: dict[str, Any], text: str
    ) -> bool:
        """ "north is fine" at the day question, with the North Office kept already (Sam Lee
        works there only): "Sorry, I didn't catch a day there", as if it were a wrong answer.
        Heard, then the question again."""
        office = find_location(text, self.clinic)
        if office is not None and office.id == slots.get("location"):
            dispatcher.utter_message(text=f"Good, the {office.name} it is.")
            return True
        named = find_practitioner(text, self.clinic)
        if named is not None and named.id == slots.get("practitioner"):
            dispatcher.utter_message(text=f"Good, {named.name} it is.")
            return True
        if slots.get("requested_slot") in VISITS_EXPLAINED_AT and visits_explained(
            text, self.clinic
        ):
            return True  # what the visits are was said (extract), and the question follows
        if slots.get("patient_status") == "new" and NEW_PATIENT_WORDS.search(text.lower()):
            # "no we're both new" at "Who would you like to see?": "Please tap one of the
            # options" (or, by its "no", no preference)
            dispatcher.utter_message(response="utter_identity_noted")
            return True
        visit = find_visit_type(text, self.clinic)
        if visit is not None and visit.id == slots.get("visit_type"):
            # "can i get covid vaccine too" with a flu shot's vaccination kept: "Please tap one
            # of the options" (the same visit, and which vaccines is for the nurse to hear)
            dispatcher.utter_message(response="utter_same_visit_kept", visit=visit.name)
            return True
        return False

    def aside_reply(self, tracker: Tracker) -> str | None:
        # A new patient's "when is my appointment?" mid-booking: there is none yet (the check
        # ran, found no record, and forgot the name and birth date the booking had kept).
        intent, confidence = latest_intent(tracker)
        if (
            intent == "check_appointment"
            and confidence >= INTERRUPT_CONFIDENCE
            and tracker.active_loop_name == self.form_name
            and tracker.get_slot("patient_status") == "new"
            and not tracker.get_slot("verified")
            and not safety_flagged(tracker)
            and not OTHER_PERSON.search(latest_text(tracker))
            and not asks_own_clinician(latest_text(tracker))  # (there is nobody yet either)
        ):
            return "utter_no_appointment_yet"
        return super().aside_reply(tracker)

    def should_let_through(self, tracker: Tracker) -> bool:
        # "what kind of visit?" - "i just have a bad cough, whatever type that is": the answer
        # (a sick visit), not a question for the nurses (which paused the chat mid-booking).
        text = latest_text(tracker)
        if (
            latest_intent(tracker)[0] in ("stop", "deny", "complaint")
            and not safety_flagged(tracker)
            and FOR_SOMEONE_ELSE.search(text)
            and not NEVER_MIND.search(text)
        ):
            # "wait actually its for my daughter not me. shes 7" (read as stop): "No problem,
            # I've stopped there", and the visit asked for was lost; it is booked for her
            return False
        if (
            tracker.get_slot("requested_slot") == "visit_type"
            and latest_intent(tracker)[0] in ("medical_advice", "out_of_scope", "nlu_fallback")
            and not safety_flagged(tracker)
            and (SYMPTOM.search(text) or BODY_PART.search(text) or UNSURE.search(text))
            and not ADVICE_QUESTION.search(text)
        ):
            # ...and "idk its my knee", "idk" (out of scope to the model): "Sorry, that's not
            # something I can help with" and the same question again
            return False
        if (
            latest_intent(tracker)[0] not in (*URGENT_INTENTS, "stop")
            and not safety_flagged(tracker)
            and tracker.get_slot("requested_slot") not in ("date_preference", "slot_choice")
            and find_not_offered(text, self.clinic) is not None
        ):
            # "mammogram" at "what kind of visit?" was read as a question about results and
            # handed to staff: the form says it is not done here, and what can be booked.
            return False
        if (
            latest_intent(tracker)[0] in ("billing_dispute", "complaint")
            and not safety_flagged(tracker)
            and find_visit_type(text, self.clinic) is not None
            and not BILL_WORDS.search(text)
        ):
            # "the visit type is wrong. vaccination": a correction of this booking (it was
            # handed to billing staff as a dispute, and the chat paused)
            return False
        if (
            tracker.get_slot("requested_slot") in ("date_preference", "slot_choice")
            and not safety_flagged(tracker)
            and appointment_times_asked(text)
        ):
            # "do you have evening appointments?" at "What day or time works best?": evening
            # times looked for (it got the offices' late hours, then the same question)
            return False
        slots = tracker.slots
        if (
            slots.get("requested_slot") == "location"
            and not safety_flagged(tracker)
            and nearer_office_chosen(text, slots, self.clinic)
        ):
            return False  # "whichever is closer to elk grove": that office (see extract)
        if (
            slots.get("requested_slot") == "date_preference"
            and not safety_flagged(tracker)
            and sole_office_remarked(text, slots, self.clinic)
        ):
            return False  # ...where the clinician works, when they work at one only
        if (
            not safety_flagged(tracker)
            and self._correcting_registration(tracker, slots, slots.get("requested_slot"))
            and self._name_put_right(text, slots) is not None
        ):
            # "the name is wrong, its Jordan Baker" at "Shall I book it?" was a billing dispute
            # (the chat paused), "my name is Jordan Baker" a greeting: the name is put right.
            return False
        return super().should_let_through(tracker)

    def answers_requested_slot(self, tracker: Tracker, requested: str | None) -> bool:
        intent, _ = latest_intent(tracker)
        text = latest_text(tracker)
        return (
            super().answers_requested_slot(tracker, requested)
            or answers_a_visit_question(text, intent, requested, self.clinic)
            or (requested == "patient_status" and short_status_answer(text, intent))
        )

    def next_slot(self, slots: dict[str, Any], tracker: Tracker) -> str | None:
        if any(slots.get(slot) for slot in IDENTITY_ENDINGS):
            return None
        if slots.get("booking_confirmed") is False:
            return None  # nothing to book: declined, or "never mind"
        if not slots.get("verified") and not slots.get("patient_status"):
            return "patient_status"
        if not slots.get("verified") and (
            slots.get("usual_clinician")
            or (slots.get("own_clinician_asked") and slots.get("patient_status") == "returning")
        ):
            # "the same doctor as last time", "who is my doctor?": who the patient is comes
            # first, to look it up
            identity = self.identity_next_slot(slots)
            if identity:
                return identity
        for slot in ("visit_type", "practitioner", "location", "date_preference", "slot_choice"):
            if not slots.get(slot):
                return slot
        if not slots.get("verified"):
            identity = self.identity_next_slot(
                slots, new_patient=slots.get("patient_status") == "new"
            )
            if identity:
                return identity
        if slots.get("booking_confirmed") is not True:
            return "booking_confirmed"
        return None

    def on_activation(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, slots: dict[str, Any]
    ) -> dict[str, Any]:
        updates = super().on_activation(dispatcher, tracker, slots)
        again = same_visit_again(tracker, self.clinic)
        if again and "verified" not in updates:
            dispatcher.utter_message(
                response="utter_same_visit_again",
                visit=visit_name(again["visit_type"], self.clinic),
                practitioner=short_practitioner_name(again["practitioner"], self.clinic),
            )
            return {**again, **updates}
        return updates

    def extract(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        slots: dict[str, Any],
        requested: str | None,
    ) -> dict[str, Any]:
        if NOT_BOOKING.search(latest_text(tracker)):
            # "no i dont want to book anything" (the form was started by a misread question):
            # stop, instead of "please tap one of the options" again and again.
            dispatcher.utter_message(response="utter_stopped")
            return {"booking_confirmed": False}
        if requested == "booking_confirmed":
            also = yes_and_another(latest_text(tracker), "book_appointment")
            if also is not None:
                # "yes please, and then cancel the thursday one" searched Thursday's times
                # and booked nothing: booked, and the cancellation asked for after it
                return {"booking_confirmed": True, "pending_request": also}
        switched = self._for_someone_else(dispatcher, tracker, slots)
        if switched:
            return switched
        later = self._another_person_too(dispatcher, tracker, slots)
        if later:
            return later
        corrected = self._registration_corrected(dispatcher, tracker, slots, requested)
        if corrected:
            return corrected
        updates = self._read(dispatcher, tracker, slots, requested)
        updates.update(self._visit_for_a_child(dispatcher, {**slots, **updates}))
        text = latest_text(tracker)
        if not is_button_payload(text):
            found = usual_clinician(dispatcher, text, {**slots, **updates}, self.clinic)
            updates.update(found)
            if found.get("practitioner"):
                # (an office chosen before that they don't work at is asked again; the only
                # office they work at is not asked)
                self._drop_inconsistent(updates, slots, self.clinic)
                self._fill_single_choices({**slots, **updates}, updates, self.clinic)
        merged = {**slots, **updates}
        if (
            requested not in IDENTITY_SLOTS
            and not merged.get("verified")
            and merged.get("patient_status") != "new"
            and merged.get("verify_name")
            and merged.get("verify_dob")
            and self.next_slot(merged, tracker) == "booking_confirmed"
        ):
            # A returning patient's name and date of birth kept from answers to other
            # questions ("Marisol Quint" at "Has your daughter been seen before?"), never
            # checked: the date of birth is asked, and the check runs (the "Shall I book it?"
            # came unchecked, and its yes stopped with nothing booked).
            updates["verify_dob"] = None
            merged["verify_dob"] = None
        if (
            requested != "booking_confirmed"
            and merged.get("slot_choice")
            and self.next_slot(merged, tracker) == "booking_confirmed"
        ):
            # A slot is picked and we know who the patient is: before asking for the "yes",
            # make sure this patient can have it.
            updates.update(self._guard(dispatcher, merged))
        return updates

    def _visit_for_a_child(
        self, dispatcher: CollectingDispatcher, slots: dict[str, Any]
    ) -> dict[str, Any]:
        """Once the patient is known to be a child, their "checkup" is the children's visit
        (``for_children`` in clinic.yml), when their clinician does that visit."""
        visit = self.clinic.visit_type(str(slots.get("visit_type") or ""))
        if visit is None or visit.for_children is None or not is_child(slots, self.clinic):
            return {}
        child_visit = visit.for_children
        # The clinician of the time already picked, else the one asked for: a family doctor's
        # physical asked for stays a physical (booking it as a well-child visit was refused).
        offer = chosen_offer(slots)
        practitioner = offer.get("practitioner") if offer else slots.get("practitioner")
        if practitioner not in (None, "any") and practitioner not in eligible_practitioners(
            self.clinic, child_visit
        ):
            if offer is None or slots.get("practitioner") not in (None, "any"):
                return {}
            # "No preference", the soonest time (a family doctor's), then the child's details:
            # "Liam's annual physical" next to his well-child visit. The children's visit is
            # searched instead, and the parent hears why.
            name = str(slots.get("patient_name") or slots.get("verify_name") or "").split()
            dispatcher.utter_message(
                response="utter_child_visit_instead",
                first_name=name[0] if name else "your child",
                visit=visit_name(child_visit, self.clinic),
            )
            return another_visit_type(child_visit)
        return {"visit_type": child_visit}

    def _guard(self, dispatcher: CollectingDispatcher, slots: dict[str, Any]) -> dict[str, Any]:
        offer = chosen_offer(slots)
        if offer is None:
            return {}
        try:
            refusal = check_offer(offer, slots, self.clinic)
        except FhirError:  # incl. BackendUnavailable; the booking itself checks again
            logger.warning("could not check the patient's appointments before confirming")
            return {}
        return refuse(dispatcher, refusal, offer["id"], slots) if refusal else {}

    def _read(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        slots: dict[str, Any],
        requested: str | None,
    ) -> dict[str, Any]:
        """Everything one message says to the booking, in the order it matters: who the
        patient is, what visit, with whom, where and when, which time, and the yes or no."""
        clinic = self.clinic
        text = latest_text(tracker)
        intent, _ = latest_intent(tracker)
        entities = (tracker.latest_message or {}).get("entities") or []
        is_new = slots.get("patient_status") == "new"

        if requested in ("verify_name", "verify_dob", "new_phone"):
            return self._read_identity(dispatcher, tracker, slots, requested, entities, is_new)
        if requested is None and intent == "book_appointment" and not is_button_payload(text):
            # "I'd like a check-up, I have Kaiser": answer the insurance half before booking.
            named = plan_in_message(text, entities, clinic)
            # An unknown name is a plan only when the patient talks of insurance: "a physical on
            # martin luther king day" is not one.
            if named is not None and (named.plan or named.family or INSURANCE_TALK.search(text)):
                answer_plan(dispatcher, named, clinic)

        updates: dict[str, Any] = {}
        updates.update(self._read_status(dispatcher, tracker, slots, requested))
        if updates.get("patient_status") == "new" and slots.get("own_clinician_asked"):
            # "who is my doctor?" - "No, I'm new": nobody yet, and the patient may choose
            dispatcher.utter_message(response="utter_own_clinician_new_patient")
            updates["own_clinician_asked"] = None
        updates.update(self._identity_anytime(dispatcher, tracker, slots, updates, requested))
        unavailable = self._not_offered(dispatcher, text, requested)
        found = self._search_details(tracker, slots, requested, entities)
        if (
            requested is None
            and WAIT_FOR_VISIT.search(text.replace("\u2019", "'"))
            and "date_preference" not in found
            and not slots.get("date_preference")
        ):
            # "how long is the wait for an appointment": the soonest times answer it (how long
            # a visit lasts was said)
            dispatcher.utter_message(
                text="It depends on the kind of visit and who you see, so I'll look up the "
                "soonest times for you."
            )
            found["date_preference"] = "as soon as possible"
        if shares_surname(updates.get("verify_name"), found.get("practitioner"), clinic):
            # "Jordan Lee" at "Who would you like to see?": the patient's name, noted as such,
            # not Sam Lee (booked with him, after "Jordan Lee isn't one of our clinicians")
            found.pop("practitioner")
        offers = slots.get("offered_slots") or []
        picked = (
            picked_offer(text, entities, offers, clinic) if requested == "slot_choice" else None
        )
        if picks_a_shown_time(text, found, picked, offers):
            for detail in PICK_DETAILS:  # "tuesday", "8 am", "downtown, 5pm": one of those shown
                found.pop(detail, None)
        if updates.get("patient_status") == "new" or is_new:
            self._new_patient_visit(dispatcher, tracker, slots, updates, found)
        if requested is None and updates.get("patient_status") == "new" and not is_new:
            welcome_new_patient(dispatcher, clinic, text)
        if unavailable is not None:
            found.pop("visit_type", None)  # the "physical" of "physical therapy"
            if not is_new:
                updates["visit_type"] = None  # asked next (and read: no "please tap one")
        explained = visits_explained(text, clinic) if requested in VISITS_EXPLAINED_AT else []
        if explained:
            # "whats the difference between a physical and a well woman exam": "Happy to help
            # you book", the question unanswered, and the physical taken as the visit; at
            # "What kind of visit?", "what's a follow up visit" chose it
            say_visits(dispatcher, explained, buttons=False)
            if requested is not None:
                return {}  # asked, not chosen ("new patient" no answer): the question again
            if len(explained) > 1:
                found.pop("visit_type", None)  # which one: asked with the buttons
        not_the_one_before(text, slots, found)
        updates.update({k: v for k, v in found.items() if slots.get(k) != v})
        updates.update(someone_other_than(dispatcher, {**slots, **updates}, clinic))
        updates.update(self._clinician_limits(dispatcher, tracker, slots, updates))

        if unavailable is not None:
            pass  # said what can be booked instead
        elif requested == "visit_type" and "visit_type" not in updates:
            updates.update(self._help_choose_visit(dispatcher, text))
        elif (
            requested is None
            and not slots.get("visit_type")
            and "visit_type" not in updates
            and not is_new
            and (SYMPTOM.search(text) or ABOUT_BODY_PART.search(text))
            and not ADVICE_QUESTION.search(text)
        ):
            # "see someone about my knee, it's been swollen for a week": a visit for a new
            # problem, said, instead of "what kind of visit?" with the symptom just told.
            updates.update(self._visit_for_symptoms(dispatcher))

        updates.update(self._choice_answer(tracker, slots, updates, requested, intent))
        if requested == "location" and updates.get("location") in (None, "any"):
            # ("whichever is closer to ...": no preference to the words before)
            if nearer := nearer_office_chosen(text, {**slots, **updates}, clinic):
                dispatcher.utter_message(text=nearer_note(*nearer))
                updates["location"] = nearer[0].id
        if requested == "date_preference" and not updates and slots.get("location"):
            # (the one office, never asked: "whichever is closest to 95835" at the day question)
            if who := sole_office_remarked(text, slots, clinic):
                say_where_they_work(dispatcher, who, clinic)
                updates["location"] = slots.get("location")
        if requested == "slot_choice" and not any(k in updates for k in SEARCH_SLOTS):
            if picked:
                updates["slot_choice"] = picked
            elif asks_more_times(text):
                # "any other times?", "something later": the same three again (or "Take care!")
                later = later_times(text, slots, clinic)
                if not later:
                    dispatcher.utter_message(response="utter_ask_other_time")
                updates.update({**other_times(slots), **later})  # a later time is said back
            elif intent == "deny":
                dispatcher.utter_message(response="utter_ask_other_time")
                updates.update({"date_preference": None, **other_times(slots)})
        if requested == "slot_choice" and updates.get("date_preference"):
            # "anything later on wednesday?": after the Wednesday time just shown
            updates.update(later_on_days_named(text, slots, updates["date_preference"], clinic))
        if requested == "booking_confirmed" and not any(k in updates for k in SEARCH_SLOTS):
            updates.update(self._confirmation(dispatcher, tracker, slots))
        if any(k in updates for k in SEARCH_SLOTS):
            self._say_search_change(dispatcher, tracker, slots, updates, requested)
        if requested == "practitioner" and not updates and not is_button_payload(text):
            other = other_doctor_named(text)
            if other is not None:
                # "dr smith" at "Who would you like to see?": "please tap one of the options"
                dispatcher.utter_message(
                    response="utter_no_such_clinician",
                    name=other,
                    clinic_name=clinic.clinic.name,
                )
                updates["practitioner"] = None
        self._fill_single_choices({**slots, **updates}, updates, clinic)
        return updates

    def _read_identity(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        slots: dict[str, Any],
        requested: str,
        entities: list[dict[str, Any]],
        is_new: bool,
    ) -> dict[str, Any]:
        """The answer to a name, birth date or phone question."""
        text = latest_text(tracker)
        if requested != "new_phone" and not is_new and NEW_PATIENT_WORDS.search(text.lower()):
            # No record matched, and the patient (say, a child) was never seen here: booked as
            # a new patient instead of a third failed check and a handoff.
            return self._as_new_patient(dispatcher, slots)
        if changed := self._search_change(dispatcher, text, entities, slots, requested):
            return changed
        checked = self.extract_identity(dispatcher, tracker, slots, requested, new_patient=is_new)
        return {**checked, **self._known_after_all(dispatcher, slots, checked)}

    def _not_offered(
        self, dispatcher: CollectingDispatcher, text: str, requested: str | None
    ) -> NotOffered | None:
        """A service the clinic does not offer, named in the message, and said so."""
        if is_button_payload(text) or requested in ("date_preference", "slot_choice"):
            return None  # ("anytime except tuesday, I have physio then" is no request for physio)
        unavailable = find_not_offered(text, self.clinic)
        if unavailable is not None:
            # "a physical therapy session" was booked as an annual physical, and "mammogram"
            # went to staff as a question about results: not done here, who does it, and what
            # can be booked (the visit question comes next).
            dispatcher.utter_message(
                response="utter_not_offered",
                service=unavailable.name,
                instead=unavailable.instead_calling(self.clinic.clinic.main_phone),
            )
        return unavailable

    def _search_details(
        self,
        tracker: Tracker,
        slots: dict[str, Any],
        requested: str | None,
        entities: list[dict[str, Any]],
    ) -> dict[str, Any]:
        """The visit, clinician, office and day the message names."""
        clinic = self.clinic
        text = latest_text(tracker)
        found = read_search_details(
            "" if is_button_payload(text) else text,
            entities,
            clinic,
            requested,
            slots.get("date_preference"),
        )
        asked = booking_tapped_after_question(tracker) if requested is None else None
        if asked is not None:
            # [Book an appointment] tapped under "Do you have evening hours?": the evening too,
            # as a typed "yes" keeps it (offer_answers)
            before = read_search_details(asked, [], clinic, None, slots.get("date_preference"))
            found = {**before, **found}
        if "location" not in found and (other := other_office(text, office_shown(slots), clinic)):
            found["location"] = other  # "i meant the other office" at "Shall I book it?"
        if requested is None and "practitioner" not in found and not slots.get("practitioner"):
            # "ok book me with her" right after an answer about Dr. Patel: with her (the
            # clinician was lost, and "Who would you like to see?" followed)
            last_answer = str(last_event(list(tracker.events), "bot").get("text") or "")
            meant = clinician_meant(text, last_answer, clinic) if WITH_THEM.search(text) else None
            if meant is None and WITH_THEM.search(text):
                # ...or the patient's own message just before ("do i need a referral to see
                # dr gonzalez" - "how long are physicals" - "book me one with her")
                meant = clinician_named_before(list(tracker.events), clinic)
            if meant is not None:
                found["practitioner"] = meant.id
        if requested is None and "visit_type" not in found and not slots.get("visit_type"):
            # "how long are physicals usually" - "ok can you book me one"
            visit = visit_named_before(text, list(tracker.events), clinic)
            if visit is not None:
                found["visit_type"] = visit.id
        if (
            requested == "practitioner"
            and found.get("practitioner") == "any"
            and "location" not in found
            and not slots.get("location")
            and SOONEST.search(text)
        ):
            # "the earliest" at "Who would you like to see?": wherever is first too ("Which
            # office suits you best?" came next)
            found["location"] = "any"
        return found

    def _new_patient_visit(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        slots: dict[str, Any],
        updates: dict[str, Any],
        found: dict[str, Any],
    ) -> None:
        """A new patient's first visit is the new-patient visit, whatever was asked for (said
        again more briefly: "physical" typed twice got "Welcome!" twice)."""
        text = latest_text(tracker)
        asked_now = found.pop("visit_type", None)
        first_visit = self.clinic.new_patient_visit()
        if first_visit and asked_now == first_visit.id:
            other = other_visit_named(text, first_visit, self.clinic)
            asked_now = other.id if other else asked_now
        asked = asked_now or slots.get("visit_type")
        if (
            (updates.get("patient_status") == "new" or asked_now is not None)
            and first_visit
            and asked not in (None, first_visit.id)
        ):
            # "a women's health exam" - "I'm new": say why a new-patient visit is booked; also
            # for "im new and need a physical", or "physical" typed later (which got "Please
            # tap one of the options", and nothing said of the physical).
            first = "utter_new_patient_visit_first"
            visit = self.clinic.visit_type(str(asked))
            age = age_spoken(form_texts(tracker))
            if visit and visit.for_children and age is not None and age < ADULT_AGE:
                said = visit.for_children  # a 6-year-old's checkup: not "an annual physical"
            else:
                said = asked
            dispatcher.utter_message(
                response="utter_new_patient_visit_again"
                if said_in_this_task(tracker, first)
                else first,
                a_visit=a_or_an(visit_name(said, self.clinic)),
                first_visit=first_visit.name,
            )
            if asked_now is not None:
                updates["visit_type"] = first_visit.id  # (an answer: the question again)

    def _clinician_limits(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        slots: dict[str, Any],
        updates: dict[str, Any],
    ) -> dict[str, Any]:
        """A clinician who sees only children, or only women, asked for by someone else:
        said, and another clinician instead."""
        clinic = self.clinic
        named = updates.get("practitioner")
        # (The patient's age is looked up only for a clinician with an age limit.)
        limited = has_age_limits(clinic, named)
        age = patient_age({**slots, **updates}, clinic) if limited else None
        if limited and refuse_children_only(
            dispatcher,
            clinic,
            named,
            # "can dr okafor see me, im 19" (or "...see my 20 year old"): refused only after
            # name, birth date and phone
            age if age is not None else age_spoken([latest_text(tracker)]),
        ):
            return instead_of_refused_clinician({**slots, **updates}, clinic)
        if named and refuse_women_only(dispatcher, clinic, named, form_texts(tracker)):
            return instead_of_refused_clinician({**slots, **updates}, clinic)
        return {}

    def _choice_answer(
        self,
        tracker: Tracker,
        slots: dict[str, Any],
        updates: dict[str, Any],
        requested: str | None,
        intent: str | None,
    ) -> dict[str, Any]:
        """The answer to "what visit / who / which office?" given by number, as "same one",
        or as "no" (no preference)."""
        clinic = self.clinic
        text = latest_text(tracker)
        if requested not in ("visit_type", "practitioner", "location") or requested in updates:
            return {}
        if not is_button_payload(text) and not asks_for_usual_clinician(text):
            # ("same doctor as my last visit" was the last option, "No preference")
            # "2", "the second one": as numbered on SMS and in "reply with its number".
            texts = form_texts(tracker)
            options = options_for(requested, {**slots, **updates}, clinic, texts)
            index = parse_choice(text, [title for title, _ in options])
            if index is not None:
                return {requested: options[index][1]}
        if requested == "practitioner":
            asked = str(last_event(list(tracker.events), "bot").get("text") or "")
            if (again := last_seen_taken(text, asked, clinic)) is not None:
                return {"practitioner": again}  # "same one" to "Liam saw Dr. Okafor last time."
        if (
            requested in ("practitioner", "location")
            and intent == "deny"
            and not NEW_PATIENT_WORDS.search(text.lower())
        ):
            # (not "no we're both new": said of the patients, not of who or where)
            return {requested: "any"}
        return {}

    def _confirmation(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, slots: dict[str, Any]
    ) -> dict[str, Any]:
        """The yes or no to "Shall I book it?"."""
        answer = yes_or_no(tracker)
        if answer is True:
            return {"booking_confirmed": True}
        if answer is None:
            return {}
        duplicates = duplicates_of_chosen(tracker, self.clinic)
        if duplicates:
            # "No" to a second visit of the same kind: nothing more to book.
            dispatcher.utter_message(
                response="utter_duplicate_not_booked",
                existing=visits_phrase(duplicates, self.clinic),
                still_have=who_has(slots, self.clinic, "still"),
                it="one of them" if len(duplicates) > 1 else "it",
            )
            return {"booking_confirmed": False}
        if NEVER_MIND.search(latest_text(tracker)):
            dispatcher.utter_message(response="utter_stopped")
            return {"booking_confirmed": False}  # nothing to book
        dispatcher.utter_message(response="utter_booking_not_confirmed")
        return turned_down(slots)

    def _visit_for_symptoms(self, dispatcher: CollectingDispatcher) -> dict[str, Any]:
        """The clinic's visit for new problems, said ("For something like that I'll look for
        a sick visit"); nothing when the clinic has none."""
        visit = self.clinic.new_problem_visit()
        if visit is None:
            return {}
        dispatcher.utter_message(response="utter_visit_type_for_symptoms", visit=visit.name)
        return {"visit_type": visit.id}

    def _help_choose_visit(self, dispatcher: CollectingDispatcher, text: str) -> dict[str, Any]:
        """An answer to "what kind of visit?" that is a symptom ("I don't know, my knee
        hurts") books the clinic's visit for new problems, and says so; "not sure" gets a word
        on how to choose, instead of the same buttons again."""
        visit = self.clinic.new_problem_visit()
        if (SYMPTOM.search(text) or BODY_PART.search(text)) and visit is not None:
            return self._visit_for_symptoms(dispatcher)
        if UNSURE.search(text) or no_preference_said(text):
            # ("no preference" at "What kind of visit?" got the same buttons again)
            dispatcher.utter_message(
                response="utter_visit_type_help",
                visit=visit.name if visit else "the closest kind",
            )
            return {"visit_type": None}
        return {}


def short_status_answer(text: str, intent: str | None) -> bool:
    """A few words that say new or returning, asked no question."""
    return (
        "?" not in text
        and len(text.split()) <= SHORT_STATUS_ANSWER_WORDS
        and patient_status(text, intent, True) is not None
    )
