"""Who a booking is for, while it goes on: new or seen here before, a name or date of birth
given early, a new patient's details put right, the patient turning out to be on file (or new)
after all, the visit being for someone else, or another person's visit asked for too. A mixin
of ``ValidateBookingForm`` (``actions/booking.py``), which calls these from ``extract``.
"""

from __future__ import annotations

import re
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.birth_dates import parse_birth_date
from actions.booking_guards import about_the_patient
from actions.clients.fhir_model import normalize_name
from actions.formatting import a_or_an, visit_name
from actions.matching import find_visit_type
from actions.mentions import BIRTH_MARKER, given_identity
from actions.names import capitalised, corrected_name, parse_full_name
from actions.patient_status import (
    NOT_NEW,
    SAYS_RETURNING,
    goes_ahead,
    new_patients_asked_before,
    patient_status,
)
from actions.patient_words import whose
from actions.phone import find_phone
from actions.relatives import FOR_SOMEONE_ELSE, OTHER_PERSON
from actions.request_context import OWN_ACCOUNT
from actions.second_request import MAX_REQUEST_CHARS
from actions.tracker_reading import is_button_payload, latest_intent, latest_text
from actions.usual_clinician import asks_for_usual_clinician
from actions.visit_request import IDENTITY_ANYTIME, written_name

# Another person's visit asked for beside this one ("... for my daughter mia too", "book me
# as well"), not instead of it ("actually it's for my daughter": _for_someone_else).
ANOTHER_TOO = re.compile(
    r"\b(too|also|as well|another one|one more|one for (me|my|him|her))\b", re.IGNORECASE
)
# ...as a visit ("is it ok if my husband comes too" is no booking for him).
BOOKING_WORDS = re.compile(
    r"\b(book\w*|schedule|appointment|appt|visit|one for|needs? (one|a|an|to be seen))\b",
    re.IGNORECASE,
)

# Where a new patient's details, all given, can still be put right (_registration_corrected).
CORRECTABLE_AT = ("date_preference", "slot_choice", "booking_confirmed")
# ...and the name alone, as soon as it is given ("oops typo, Morgan Ellis" at "date of birth?").
NAME_CORRECTABLE_AT = (*CORRECTABLE_AT, "verify_dob", "new_phone")
# Questions at which a name typed in lower case ("aisha khan", as on a phone) is the patient's:
# at "Which one works for you?" it got the question again, and the birth date after it too.
LOWER_CASE_NAME_AT = ("practitioner", "location", "date_preference", "slot_choice")
# "my last name is spelled Whitfeld", "sorry the name is Dana Whitfeld": a name corrected.
NAME_WORD = re.compile(r"\b(name|spelled|spelt|spelling|typo)\b", re.IGNORECASE)


def another_visit_type(visit_type: str | None) -> dict[str, Any]:
    """The kind of visit changed (None: asked again): the times found and chosen were for the
    other kind, so the search starts again."""
    return {
        "visit_type": visit_type,
        "slot_choice": None,
        "offered_slots": None,
        "booking_confirmed": None,
    }


class BookingPatientSteps:
    """The steps about who the patient is (see the module docstring). They use the form's
    ``clinic`` and ``starting``, ``BookingChangeSteps``' ``_drop_inconsistent`` and
    ``IdentitySteps``' checks."""

    def _registration_corrected(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        slots: dict[str, Any],
        requested: str | None,
    ) -> dict[str, Any]:
        """A new patient's date of birth, phone or name put right after it was given ("wait
        my birthday is 3/14/1990 not 3/4" at "Shall I book it?" searched times in 1990).

        The detail is replaced and said; the times already chosen stay, and "Shall I book
        it?" is asked again with the corrected details. A new date of birth may turn out to
        be a patient on file: checked, as when it was first given.
        """
        text = latest_text(tracker)
        if not self._correcting_registration(tracker, slots, requested):
            return {}
        today = self.clinic.now().date()
        updates: dict[str, Any] = {}
        if requested in CORRECTABLE_AT and slots.get("verify_dob"):
            birth = parse_birth_date(text, today) if BIRTH_MARKER.search(text) else None
            if birth is not None and birth.isoformat() != slots.get("verify_dob"):
                updates["verify_dob"] = birth.isoformat()
            phone = find_phone(text) if slots.get("new_phone") else None
            if phone is not None and phone != slots.get("new_phone"):
                updates["new_phone"] = phone
        name = self._name_put_right(text, slots)
        if name is not None:
            updates["verify_name"] = name
        if not updates:
            return {}
        if slots.get("verify_dob") and ("verify_dob" in updates or "verify_name" in updates):
            checked = self.check_quietly(dispatcher, tracker, slots, updates)
            if checked is not None:
                # on file after all (verified), or the check could not run: as at first
                return {**checked, **self._known_after_all(dispatcher, slots, checked)}
        dispatcher.utter_message(response="utter_registration_corrected")
        if slots.get("booking_confirmed") is not None:
            updates["booking_confirmed"] = None
        return updates

    @staticmethod
    def _correcting_registration(
        tracker: Tracker, slots: dict[str, Any], requested: str | None
    ) -> bool:
        """A new patient, not on file, whose details are being asked for or confirmed."""
        return (
            not slots.get("verified")
            and slots.get("patient_status") == "new"
            and bool(slots.get("verify_name"))
            and requested in NAME_CORRECTABLE_AT
            and (requested not in CORRECTABLE_AT or bool(slots.get("verify_dob")))
            and not is_button_payload(latest_text(tracker))
        )

    @staticmethod
    def _name_put_right(text: str, slots: dict[str, Any]) -> str | None:
        """ "the name is wrong, its Jordan Baker", "my last name is spelled Whitfeld": the new
        name, if it differs from the one given."""
        if not NAME_WORD.search(text):
            return None
        current = str(slots.get("verify_name") or "")
        name = corrected_name(text, current) or parse_full_name(text)
        if name is None or normalize_name(" ".join(name)) == normalize_name(current):
            return None
        return f"{name[0]} {name[1]}"

    def _for_someone_else(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, slots: dict[str, Any]
    ) -> dict[str, Any]:
        """ "wait sorry its not for me its for my dad, robert miller 11/02/1950" after the
        writer was verified: "please tap one of the options", and the visit was booked in
        her name. The check starts again, for the person it is for; what was asked stays."""
        text = latest_text(tracker)
        if not slots.get("verified"):
            return {}
        if not FOR_SOMEONE_ELSE.search(text) and (
            given_identity(text, self.clinic.now().date()) is None or ANOTHER_TOO.search(text)
        ):
            # (another person's name and date of birth alone: "sorry, its liam nguyen
            # 06/05/2017" after "If you meant your grandson's record, send me their full name
            # and date of birth" was ignored, and the grandson's visit went on as Robert's)
            return {}
        person = self._someone_else(text, slots)
        if person is None:
            return {}
        # The times found and chosen were for the other person.
        cleared = {
            "slot_choice": None,
            "offered_slots": None,
            "booking_confirmed": None,
            "patient_status": None,
        }
        return self.check_again_for(dispatcher, tracker, slots, text, person, cleared)

    def _another_person_too(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, slots: dict[str, Any]
    ) -> dict[str, Any]:
        """ "i want to book for my daughter mia nguyen, dob 2/14/2020, flu shot too" while Liam's
        booking waited for a day: "I didn't catch a day there", and Mia's request was lost.
        Hers is booked right after this one, with her own check; the patient is told so."""
        text = latest_text(tracker)
        if (
            not slots.get("verified")
            or is_button_payload(text)
            or self.starting(tracker)
            or not ANOTHER_TOO.search(text)
            or not (BOOKING_WORDS.search(text) or find_visit_type(text, self.clinic))
        ):
            return {}
        person = self._someone_else(text, slots)
        if person is None:
            return {}
        pending: dict[str, Any] = {"intent": "book_appointment", "text": text[:MAX_REQUEST_CHARS]}
        if person == OWN_ACCOUNT:
            pending["own"] = "writer"  # "book me too": the writer is checked, not the child
        dispatcher.utter_message(
            response="utter_second_request_later",
            task=f"{whose(slots, self.clinic)} booking",  # "first Liam's booking, then ..."
            request=pending["text"],
        )
        return {"pending_request": pending}

    def _read_status(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        slots: dict[str, Any],
        requested: str | None,
    ) -> dict[str, Any]:
        """New or seen here before: asked, said with the request ("I'm new"), or put right
        ("I'm an existing patient, not new"); a name given at the question kept for later."""
        clinic = self.clinic
        text = latest_text(tracker)
        intent, _ = latest_intent(tracker)
        is_new = slots.get("patient_status") == "new"
        updates: dict[str, Any] = {}
        if (
            is_new
            and not slots.get("verified")
            and requested != "patient_status"
            and (NOT_NEW.search(text.lower()) or SAYS_RETURNING.search(text.lower()))
        ):
            # "I'm an existing patient, not new", after "new" was read: corrected, and the
            # new-patient visit (and the times found for it) with it.
            updates.update(self._as_returning_patient(dispatcher, slots))
        elif requested == "patient_status" or (not slots.get("patient_status") and text):
            status = (
                patient_status(text, intent, requested == "patient_status")
                # "book with my usual doctor": seen here before
                or ("returning" if asks_for_usual_clinician(text) else None)
                or ("new" if requested is None and new_patients_asked_before(tracker) else None)
            )
            if status:
                updates["patient_status"] = status
                if status == "new" and clinic.new_patient_visit():
                    updates["visit_type"] = clinic.new_patient_visit().id  # type: ignore[union-attr]
            elif requested == "patient_status" and not is_button_payload(text):
                # "Have you been seen here before?" - "Liam Nguyen": who it is for, kept for the
                # identity questions (the status is asked again, without "please tap").
                name = parse_full_name(text)
                if goes_ahead(text):
                    # "ok book it": the question again, with why it is asked (not "please tap
                    # one of the options" first)
                    updates["patient_status"] = None
                elif name and not OTHER_PERSON.search(text):
                    updates["verify_name"] = f"{name[0]} {name[1]}"
                elif OTHER_PERSON.search(text):
                    # "actually its for my daughter not me": asked again, for her ("Has your
                    # daughter been seen ...?"), not "please tap one of the options"
                    updates["patient_status"] = None
        return updates

    def _identity_anytime(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        slots: dict[str, Any],
        so_far: dict[str, Any],
        requested: str | None,
    ) -> dict[str, Any]:
        """A name, a date of birth or both, given at one of the visit questions: checked or
        kept for the identity questions, instead of "please tap one of the options"."""
        clinic = self.clinic
        text = latest_text(tracker)
        is_new = slots.get("patient_status") == "new"
        updates: dict[str, Any] = {}
        if (
            requested in IDENTITY_ANYTIME
            and not slots.get("verified")
            and not is_button_payload(text)
            and given_identity(text, clinic.now().date()) is not None
        ):
            # "Who would you like to see?" - "Robert Miller 11/02/1950": checked at once, as in
            # the first message (a match needs no "have you been here before?"), instead of
            # "please tap one of the options"; the question is asked again.
            updates.update(self._before_any_check(dispatcher, tracker, slots, text, False))
        elif (
            requested in IDENTITY_ANYTIME
            and requested != "patient_status"
            and not slots.get("verified")
            and not is_button_payload(text)
            and (name := written_name(text, requested in LOWER_CASE_NAME_AT)) is not None
            and not OTHER_PERSON.search(text)
            and not about_the_patient(text)  # ("45 yo female" was the name "Yo Female")
        ):
            # "What kind of visit?" - "Emily Johnson": kept for the identity questions (it was
            # "please tap" and then a billing question that showed her balance).
            updates["verify_name"] = f"{name[0]} {name[1]}"
            if requested == "practitioner":
                # "Who would you like to see?" - "Sarah Smith": a clinician the patient knows
                # from elsewhere, or their own name given early; both said ("Thanks, I've
                # noted that" left the one looking for Sarah Smith wondering)
                dispatcher.utter_message(
                    response="utter_no_such_clinician_name_noted",
                    name=capitalised(updates["verify_name"]),
                    clinic_name=clinic.clinic.name,
                )
            else:
                dispatcher.utter_message(response="utter_identity_noted")
        elif (
            requested in IDENTITY_ANYTIME
            and not slots.get("verified")
            and not is_button_payload(text)
        ):
            # "Who would you like to see?" - "04/12/1988" after the name: kept, not "please tap".
            kept = self._identity_detail(dispatcher, tracker, {**slots, **so_far}, text, is_new)
            updates.update({**kept, **self._known_after_all(dispatcher, slots, kept)})
        return updates

    def _identity_detail(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        slots: dict[str, Any],
        text: str,
        is_new: bool,
    ) -> dict[str, Any]:
        """The date of birth after the name, or a new patient's phone after both, sent at
        another question: kept (checked at once, as with the first message), and said so."""
        if slots.get("verify_name") and not slots.get("verify_dob"):
            birth = parse_birth_date(text, self.clinic.now().date())
            if birth is None:
                return {}
            updates = {"verify_dob": birth.isoformat()}
            checked = self.check_quietly(dispatcher, tracker, slots, updates)
            if checked is not None:
                return checked
        elif is_new and slots.get("verify_dob") and not slots.get("new_phone"):
            phone = find_phone(text)
            if phone is None:
                return {}
            updates = {"new_phone": phone}
        else:
            return {}
        dispatcher.utter_message(response="utter_identity_noted")
        return updates

    def _as_returning_patient(
        self, dispatcher: CollectingDispatcher, slots: dict[str, Any]
    ) -> dict[str, Any]:
        updates: dict[str, Any] = {"patient_status": "returning", "new_phone": None}
        first_visit = self.clinic.new_patient_visit()
        if first_visit is not None and slots.get("visit_type") == first_visit.id:
            updates.update(another_visit_type(None))
        dispatcher.utter_message(response="utter_returning_patient_noted")
        return updates

    def _known_after_all(
        self, dispatcher: CollectingDispatcher, slots: dict[str, Any], checked: dict[str, Any]
    ) -> dict[str, Any]:
        """Said "I'm new", and the details match a patient on file: no new-patient visit; the
        kind of visit is asked (the times found were for the other kind)."""
        first_visit = self.clinic.new_patient_visit()
        if (
            not checked.get("verified")
            or first_visit is None
            or slots.get("visit_type") != first_visit.id
        ):
            return {}
        dispatcher.utter_message(response="utter_known_patient_after_all", visit=first_visit.name)
        return another_visit_type(None)

    def _as_new_patient(
        self, dispatcher: CollectingDispatcher, slots: dict[str, Any]
    ) -> dict[str, Any]:
        updates: dict[str, Any] = {
            "patient_status": "new",
            "verify_name": None,
            "verify_dob": None,
            "verify_attempts": 0.0,
            "identity_reask": False,
        }
        first_visit = self.clinic.new_patient_visit()
        if first_visit is not None and slots.get("visit_type") != first_visit.id:
            # A new patient's first booking is the new-patient visit: the times shown so far
            # were for another kind, so the search starts again.
            updates.update(another_visit_type(first_visit.id))
            dispatcher.utter_message(
                response="utter_new_patient_visit_first",
                a_visit=a_or_an(visit_name(slots.get("visit_type"), self.clinic)),
                first_visit=first_visit.name,
            )
            self._drop_inconsistent(updates, slots, self.clinic)
        return updates
