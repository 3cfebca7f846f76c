"""Booking: a new visit, clinician, office or day said at any point of the booking form.

What was offered or confirmed no longer holds, a clinician and office that do not fit are told
apart, and a day given at another question is said back. A mixin of
:class:`actions.booking.ValidateBookingForm`, whose ``clinic`` and ``next_slot`` it uses.
"""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.birth_dates import birth_month_day, parse_birth_date
from actions.booking_choices import (
    eligible_locations,
    eligible_practitioners,
    offices_on_days_asked,
    say_where_they_work,
)
from actions.booking_guards import short_practitioner_name
from actions.booking_words import CHANGE_CUE
from actions.clinic_config import ClinicConfig
from actions.dates import When, parse_when
from actions.formatting import a_or_an, visit_name
from actions.matching import find_practitioner
from actions.names import one_name_word, parse_full_name
from actions.phone import find_phone
from actions.tracker_reading import is_button_payload, latest_text
from actions.visit_request import PICK_DETAILS, office_shown, other_office, read_search_details

# Questions at which a first day given is said back; after the later ones (identity, times)
# the offers that follow say it.
FIRST_DAY_SAID_AT = ("patient_status", "visit_type", "practitioner", "location")


def narrows(day: When | None, before: When | None) -> bool:
    """Whether ``day`` is ``before`` made narrower: the same days or some of them, a part of
    day or a time limit added."""
    if day is None or before is None:
        return False

    def window(when: When) -> tuple[Any, ...]:
        return (when.start, when.end, when.part_of_day, when.not_before, when.not_after)

    return before.start <= day.start and day.end <= before.end and window(day) != window(before)


# The questions a clinician named instead of an answer is said back at (the question follows).
CLINICIAN_NOTED_AT = frozenset({"patient_status", "visit_type"})


class BookingChangeSteps:
    """The steps for a changed search detail (see the module docstring)."""

    def _search_change(
        self,
        dispatcher: CollectingDispatcher,
        text: str,
        entities: list[dict[str, Any]],
        slots: dict[str, Any],
        requested: str,
    ) -> dict[str, Any]:
        """Another day, office or clinician said at an identity question ("What's your date
        of birth?" - "wait wrong day, tomorrow instead"): the time picked no longer holds, and
        new times are offered before the question comes back (the change was lost)."""
        today = self.clinic.now().date()
        if (
            is_button_payload(text)
            or not CHANGE_CUE.search(text)  # "march 3" at the birth-date question is half one
            or birth_month_day(text, today) is not None
            or parse_birth_date(text, today) is not None
            or find_phone(text) is not None
            or parse_full_name(text, asked=True) is not None
            or one_name_word(text) is not None
        ):
            return {}
        found = read_search_details(
            text, entities, self.clinic, requested, slots.get("date_preference")
        )
        if "location" not in found and (
            other := other_office(text, office_shown(slots), self.clinic)
        ):
            found["location"] = other  # "no the OTHER office" at the times shown
        changed = {k: v for k, v in found.items() if k in PICK_DETAILS and v != slots.get(k)}
        if changed:
            self._drop_offers(dispatcher, changed, slots)
        return changed

    def _drop_offers(
        self, dispatcher: CollectingDispatcher, updates: dict[str, Any], slots: dict[str, Any]
    ) -> tuple[dict[str, Any], str | None]:
        """A new detail (or a correction) in ``updates``: what was offered or confirmed no
        longer holds, and a clinician and office that do not fit are told apart ("Sam Lee at
        downtown": the office is dropped, and where they work said). Returns the details as
        they were before that drop, and the practitioner whose offices were said, if any."""
        updates.update(
            {k: None for k in ("slot_choice", "offered_slots", "booking_confirmed") if slots.get(k)}
        )
        before = {**slots, **updates}
        elsewhere = self._drop_inconsistent(updates, slots, self.clinic)
        if elsewhere is not None:
            say_where_they_work(dispatcher, elsewhere, self.clinic)
        return before, elsewhere

    def _say_search_change(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        slots: dict[str, Any],
        updates: dict[str, Any],
        requested: str | None,
    ) -> None:
        """A new visit, clinician, office or day: what was offered is dropped (in
        ``updates``), and the change said back."""
        before, elsewhere = self._drop_offers(dispatcher, updates, slots)
        if elsewhere is not None:
            return  # where they work was said
        said_back = self._day_to_say_back(tracker, updates, slots, requested)
        if said_back is not None:
            response, day = said_back
            dispatcher.utter_message(response=response, when=day.describe())
        elif (
            before.get("visit_type")
            and before.get("practitioner") not in (None, "any")
            and (updates.get("practitioner", "") is None or updates.get("visit_type", "") is None)
            # (not for "Annual physical with someone else", which said it: action_ask_visit_type)
            and not is_button_payload(latest_text(tracker))
        ):
            # "a pap smear with Sam Lee": one of the two is dropped; say why, rather than
            # showing another clinician's times, or asking again what was just said.
            dispatcher.utter_message(
                response="utter_practitioner_not_for_visit",
                practitioner=short_practitioner_name(before["practitioner"], self.clinic),
                a_visit=a_or_an(visit_name(before["visit_type"], self.clinic)),
            )
        elif (
            requested in CLINICIAN_NOTED_AT
            and not updates.get(requested)  # (answered, the next question follows)
            and updates.get("practitioner") not in (None, "any")
            and slots.get("practitioner") != updates["practitioner"]
            and not is_button_payload(latest_text(tracker))
            and find_practitioner(latest_text(tracker), self.clinic) is not None
        ):
            # "dr okafor" at "Has your daughter been seen here before?": the question again,
            # with no word of the clinician
            dispatcher.utter_message(
                response="utter_clinician_noted",
                practitioner=short_practitioner_name(updates["practitioner"], self.clinic),
            )

    def _day_to_say_back(
        self,
        tracker: Tracker,
        updates: dict[str, Any],
        slots: dict[str, Any],
        requested: str | None,
    ) -> tuple[str, When] | None:
        """A day given at another question, with the response that says it back: the next
        question alone looked as if it was not heard. ``utter_day_changed`` when it replaces
        one, ``utter_day_noted`` when it is the first ("Who would you like to see?" - "next
        tuesday afternoon", after which a "2pm" was "instead"). None when the times come next:
        they say the days ("Thanks, I'll look at Mon Dec 7 to Sun Dec 13", then "Here are the
        openings I found for Mon Dec 7 to Sun Dec 13"), as new offers do after "wait wrong day,
        tomorrow instead" at an identity question."""
        if not updates.get("date_preference"):
            return None
        if self.next_slot({**slots, **updates}, tracker) == "slot_choice":
            return None
        now = self.clinic.now()
        day = parse_when(str(updates["date_preference"]), now)
        if slots.get("date_preference"):
            if requested in ("date_preference", "slot_choice", "booking_confirmed"):
                return None
            before = parse_when(str(slots["date_preference"]), now)
            # "thursday", then "afternoon if possible": said as noted ("Got it, I'll look at
            # Thu Dec 10 (afternoon) instead": nothing was replaced)
            response = "utter_day_noted" if narrows(day, before) else "utter_day_changed"
        elif requested in FIRST_DAY_SAID_AT:
            response = "utter_day_noted"
        else:
            return None
        return (response, day) if day is not None else None

    @staticmethod
    def _drop_inconsistent(
        updates: dict[str, Any], slots: dict[str, Any], clinic: ClinicConfig
    ) -> str | None:
        """A practitioner who does not do this visit, or does not work at this location. Returns
        the practitioner when an office and they did not fit (the patient is told where they
        work)."""
        merged = {**slots, **updates}
        practitioner = merged.get("practitioner")
        adult_kind = next(
            (v.id for v in clinic.visit_types if v.for_children == merged.get("visit_type")), None
        )
        if (
            practitioner not in (None, "any")
            and adult_kind is not None
            and practitioner not in eligible_practitioners(clinic, merged.get("visit_type"))
            and practitioner in eligible_practitioners(clinic, adult_kind)
        ):
            # "a sports physical for my 15 year old with dr patel" (a well-child visit, which
            # only the pediatrician does): the physical she does for children too. It was
            # "Dr. Patel doesn't see patients for a well-child visit", again and again.
            updates["visit_type"] = adult_kind
            merged = {**slots, **updates}
        if practitioner not in (None, "any"):
            if merged.get("visit_type") and practitioner not in eligible_practitioners(
                clinic, merged.get("visit_type")
            ):
                if "practitioner" in updates and "visit_type" not in updates:
                    updates["visit_type"] = None
                else:
                    updates["practitioner"] = None
        merged = {**slots, **updates}
        location = merged.get("location")
        if location not in (None, "any") and location not in eligible_locations(clinic, merged):
            named = merged.get("practitioner")
            if "location" in updates and "practitioner" not in updates:
                updates["practitioner"] = None
            else:
                updates["location"] = None
            return named if named not in (None, "any") else None
        return None

    @staticmethod
    def _fill_single_choices(
        merged: dict[str, Any], updates: dict[str, Any], clinic: ClinicConfig
    ) -> None:
        """Don't ask a question with only one possible answer."""
        if merged.get("visit_type") and not merged.get("practitioner"):
            options = eligible_practitioners(clinic, merged["visit_type"])
            if len(options) == 1:
                updates["practitioner"] = options[0]
                merged["practitioner"] = options[0]
        if merged.get("practitioner") and not merged.get("location"):
            # (the clinician's offices on the days asked: Dr. Patel is Downtown on Fridays)
            options = offices_on_days_asked(clinic, merged)
            if len(options) == 1:
                updates["location"] = options[0]
