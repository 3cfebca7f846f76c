"""Which appointment: verify, list the upcoming appointments, pick one; and the check form.

``ManageForm`` is the base of the check, cancel and reschedule forms: identity first, then (for
cancel and reschedule) which appointment, read from a tap or from how the patient describes it.
Cancelling is in ``actions/cancel_appointment.py`` and moving in
``actions/reschedule_appointment.py``; the endings and words they share stay here.
"""

from __future__ import annotations

import json
import re
from abc import abstractmethod
from datetime import date, datetime, time, timedelta
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.all_appointments import (
    ALL_APPOINTMENTS,
    asks_for_all,
    kept_and_rest,
    kept_parts,
    means_all,
    means_the_others,
)
from actions.birth_dates import without_birth_dates
from actions.booking_choices import someone_other_than
from actions.clients.fhir_model import AppointmentRecord, FhirError
from actions.clinic_config import ClinicConfig
from actions.clock_times import clock_times_said
from actions.date_changes import only_time_of_day
from actions.date_words import weekdays_named
from actions.dates import When, parse_when
from actions.formatting import appointment_sentence, day_and_time, visit_name
from actions.forms import PatientForm
from actions.handoff import escalate
from actions.identity import IDENTITY_ENDINGS, IdentitySteps
from actions.matching import (
    find_location,
    find_not_offered,
    find_practitioner,
    find_visit_type,
    parse_choice,
)
from actions.mentions import without_patient_names
from actions.office_hours import holiday_named
from actions.own_clinician import asks_own_clinician, own_clinician_line
from actions.patient_match import scheduling_client
from actions.patient_words import subject_of, who_has, whose
from actions.request_context import death_said
from actions.second_request import (
    after_identity_declined,
    after_unfinished_task,
    offer_second_request,
)
from actions.settings import get_clinic
from actions.tracker_reading import (
    form_texts,
    is_button_payload,
    last_event,
    last_response,
    latest_text,
    responses_before_latest,
)
from actions.visit_request import ORDINAL_PICK

MANAGE_SLOTS = [
    "appointment_choice",
    "my_appointments",
    "cancel_confirmed",
    "date_preference",
    "slot_choice",
    "offered_slots",
    "booking_confirmed",
    "excluded_slots",
    "practitioner_not",
    "visit_type",
    "practitioner",
    "location",
    "verify_name",
    "verify_dob",
    "backend_error",
    "identity_declined",
    "no_appointments",
]


def appointment_item(appt: AppointmentRecord, clinic: ClinicConfig) -> dict[str, Any]:
    """What the conversation keeps about an appointment (ids and times, for labels)."""
    return {
        "id": appt.id,
        "start": appt.start.astimezone(clinic.tz).isoformat(),
        "visit_type": appt.visit_type,
        "practitioner": appt.practitioner_id,
        "location": appt.location_id,
        "practitioner_name": appt.practitioner_name,
        "location_name": appt.location_name,
    }


def appointment_button_title(item: dict[str, Any], clinic: ClinicConfig) -> str:
    start = datetime.fromisoformat(item["start"])
    return f"{day_and_time(start, clinic)} · {visit_name(item.get('visit_type'), clinic)}"


# A date written out: "dec 24", "december 24th", "12/24", "the 7th".
WRITTEN_DATE = re.compile(
    r"\b(jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?\s+\d{1,2}(st|nd|rd|th)?\b"
    r"|\b\d{1,2}/\d{1,2}\b|\bthe\s+\d{1,2}(st|nd|rd|th)\b",
    re.IGNORECASE,
)


def described_date(text: str, clinic: ClinicConfig) -> date | None:
    """The day an appointment is described by: a holiday by name ("the christmas eve one") or
    a written date ("the dec 24 one"); None otherwise."""
    today = clinic.now().date()
    holiday = holiday_named(text, clinic, today)
    if holiday is not None:
        return holiday.date
    written = WRITTEN_DATE.search(text)
    if written is None or DAY_OF_MONTH_ONLY.fullmatch(written.group(0)):
        return None
    when = parse_when(written.group(0), clinic.now())
    return when.start if when is not None and when.start == when.end else None


# "the physical on the 10th": a day of the month without a month fits an appointment on any
# month's 10th (it was read as the next 10th, and the Jan 10 physical fitted nothing in December).
DAY_OF_MONTH_ONLY = re.compile(r"the\s+(\d{1,2})(?:st|nd|rd|th)", re.IGNORECASE)


def described_day_of_month(text: str) -> int | None:
    """The day of the month an appointment is described by when no month is said."""
    written = WRITTEN_DATE.search(text)
    only = DAY_OF_MONTH_ONLY.fullmatch(written.group(0)) if written is not None else None
    return int(only.group(1)) if only is not None else None


_MONTH_NAMES = (
    "january|february|march|april|may|june|july|august|september|october|november|december|"
    "jan|feb|mar|apr|jun|jul|aug|sept|sep|oct|nov|dec"
)
# "the january one", "the one in january", "my december appt": the month it is in.
MONTH_DESCRIBED = re.compile(
    rf"\bthe ({_MONTH_NAMES}) one\b|\bthe one in ({_MONTH_NAMES})\b"
    rf"|\b(?:my|the) ({_MONTH_NAMES}) (?:appt|appointment|visit)s?\b",
    re.IGNORECASE,
)
# "the one today", "my appt tomorrow", "tomorrow's one": that day's. With its time too ("cancel
# my 9am today", "the 2:30 one tomorrow", "today's 9am"): the 9am in three days was as good a
# fit, and both were listed.
_AT_A_TIME = r"(?: \d{1,2}(?::\d{2})? ?(?:am|pm|a\.m\.|p\.m\.|o'?clock)?)"
TODAY_DESCRIBED = re.compile(
    rf"\b(?:the one|(?:my|the){_AT_A_TIME}? (?:appt|appointment|visit|one)"
    rf"|(?:my|the){_AT_A_TIME})\s+(today|tonight|tomorrow|tmrw|tmr)\b"
    r"|\b(today|tomorrow|tmrw)'?s (?:one|appt|appointment|visit|\d{1,2}(?::\d{2})? ?(?:am|pm))",
    re.IGNORECASE,
)


def described_month(text: str) -> int | None:
    """The month an appointment is described by ("the january one"), 1-12."""
    found = MONTH_DESCRIBED.search(text)
    if found is None:
        return None
    name = next(g for g in found.groups() if g).lower()[:3]
    return ("jan feb mar apr may jun jul aug sep oct nov dec".split()).index(name) + 1


def described_today(text: str, clinic: ClinicConfig) -> date | None:
    """The day "the one today" / "my appt tomorrow" means."""
    found = TODAY_DESCRIBED.search(text)
    if found is None:
        return None
    word = (found.group(1) or found.group(2)).lower()
    today = clinic.now().date()
    return today if word in ("today", "tonight") else today + timedelta(days=1)


def choice_by_description(
    text: str, items: list[dict[str, Any]], clinic: ClinicConfig
) -> int | None:
    """The one appointment the patient describes by its kind, clinician, office or weekday
    ("the vaccine one", "cancel the pap", "the one with Dr. Patel", "the wednesday one"); None
    when the words fit none or several."""
    fits = described_fits(text, items, clinic)
    return fits[0] if fits is not None and len(fits) == 1 else None


def described_fits(
    text: str, items: list[dict[str, Any]], clinic: ClinicConfig
) -> list[int] | None:
    """The appointments (indexes) that fit what the patient describes; None when the text
    describes none by kind, clinician, office or day."""
    if not text or is_button_payload(text) or not items:
        return None
    # "hi robert miller 11/02/1950, pls cancel my follow up with sam lee": no visit on Nov 2
    text = without_birth_dates(text, clinic.now().date())
    visit = find_visit_type(text, clinic)
    practitioner = find_practitioner(without_patient_names(text, clinic.now().date()), clinic)
    location = find_location(text, clinic)
    weekdays = weekdays_named(text)
    # ("the 2nd one" is the second in the list, not a day: no appointment on Jan 2 fitted, and
    # the pick was dropped once Dec 2 had gone by)
    dated = ORDINAL_PICK.sub(" ", text)
    day = described_date(dated, clinic) or described_today(text, clinic)
    day_of_month = described_day_of_month(dated)
    # ("the january one" and "the one today" listed them all, then "Please tap one")
    month = described_month(text)
    clocks = {(c.hour % 12, c.minute) for c in clock_times_said(text) + hours_said(text)}
    said = (visit, practitioner, location, weekdays, day, day_of_month, month, clocks)
    if not any(said):
        return None

    def at_a_time_said(item: dict[str, Any]) -> bool:
        start = datetime.fromisoformat(item["start"]).astimezone(clinic.tz)
        return not clocks or (start.hour % 12, start.minute) in clocks

    # "my son's checkup" is his well-child visit (for_children in clinic.yml)
    kinds = {visit.id, visit.for_children} - {None} if visit is not None else set()
    fits = [
        index
        for index, item in enumerate(items)
        if (visit is None or item.get("visit_type") in kinds)
        and (practitioner is None or item.get("practitioner") == practitioner.id)
        and (location is None or item.get("location") == location.id)
        and (not weekdays or datetime.fromisoformat(item["start"]).weekday() in weekdays)
        and (day is None or datetime.fromisoformat(item["start"]).date() == day)
        and (day_of_month is None or datetime.fromisoformat(item["start"]).day == day_of_month)
        and (month is None or datetime.fromisoformat(item["start"]).month == month)
        and at_a_time_said(item)
    ]
    return fits


# "the one at 8", "my 8 o'clock": an hour without am/pm or minutes (clock_times_said needs one).
HOUR_SAID = re.compile(r"\b(?:at (\d{1,2})(?![\d:/.])(?! ?(?:am|pm))|(\d{1,2}) ?o'?clock)\b", re.I)


# "move the first one", "cancel the last appt": a place in the list just shown.
LISTED_PLACE = re.compile(
    r"\b(?:the )?(first|1st|second|2nd|third|3rd|fourth|4th|last|latter|former)"
    r" (?:one|appointment|appt|visit|of them|on the list|listed)\b"
)
PLACES = {"first": 0, "1st": 0, "former": 0, "second": 1, "2nd": 1, "third": 2, "3rd": 2}
PLACES |= {"fourth": 3, "4th": 3, "last": -1, "latter": -1}


# The look-up's answers that list the appointments, and those that list them in order.
IN_ORDER_LISTS = frozenset({"utter_upcoming_appointments", "utter_nothing_booked_then"})
APPOINTMENT_LISTS = IN_ORDER_LISTS | {"utter_appointments_then"}


def listed_place(tracker: Tracker) -> int | None:
    """The appointment (index, -1 for the last) the latest message names by its place in the
    list the bot has just shown ("can i move the first one to friday"); None otherwise."""
    # (the list split by the days asked about is in another order: "Which appointment?")
    if not IN_ORDER_LISTS & set(responses_before_latest(tracker)):
        return None
    found = LISTED_PLACE.search(latest_text(tracker).lower())
    return PLACES[found.group(1)] if found else None


def hours_said(text: str) -> list[time]:
    """The bare hours a message names ("the one at 8")."""
    hours = [int(a or b) for a, b in HOUR_SAID.findall(text or "")]
    return [time(hour, 0) for hour in hours if 1 <= hour <= 12]


def load_appointments(patient_id: str, clinic: ClinicConfig) -> list[dict[str, Any]]:
    items = scheduling_client().upcoming_appointments(patient_id)
    return [appointment_item(a, clinic) for a in items]


# "cancel it", "move that one": the appointment just booked or moved, if there is one.
JUST_MADE = re.compile(
    r"\b(it|that|this|that one|this one|the one (i|you) just (booked|made))\b", re.I
)


# "neither", "none of those", "its not there" at "Which appointment …?": the one meant is not
# with us ("Please tap one of the options" came back four times).
NONE_OF_THEM = re.compile(
    r"^\W*(neither|none|nope,? none|no,? none)\b(?! of (my|the) \w+ (ones?|appointments?))"
    r"|\bnone of (them|those|these|the above)\b|\bnot (any|one) of (them|those|these)\b"
    r"|\b(it'?s|its|that'?s|thats|it is) not (there|listed|on (the|that|this|your) list|one of "
    r"(them|those|these))\b",
    re.IGNORECASE,
)
# The appointment_choice that ends the form with nothing changed (its submit says so).
NOT_LISTED = "not_listed"


# "wait wrong appt, i meant the one on dec 4", "no the other one": the appointment being moved
# was not the one meant (said after it was picked).
WRONG_ONE = re.compile(
    r"\b(wrong (one|appt|appointment|visit)|not (that|the right) one|i meant|i mean the|"
    r"meant the|the other (one|appointment|appt|visit)|different (one|appointment|appt)|"
    r"(move|moving|reschedule|change) the [^,.!?]{0,30}\b(one|appointment|appt|visit) "
    r"(not|instead))\b",
    re.IGNORECASE,
)


class ManageForm(IdentitySteps, PatientForm):
    """Identity, then (for cancel/reschedule) which appointment."""

    needs_choice = True
    # "cancel both", "all of them": every appointment at once (``ALL_APPOINTMENTS``).
    takes_all = False
    # Say which appointment it is when the patient has only one (so nobody was asked to pick).
    names_the_only_one = False

    @abstractmethod
    def after_identity(self, slots: dict[str, Any]) -> str | None:
        """What to ask once the appointment is chosen (None: done)."""

    def answers_requested_slot(self, tracker: Tracker, requested: str | None) -> bool:
        # "all of them" answers "Which appointment?" (once read as a goodbye: "Take care!")
        return super().answers_requested_slot(tracker, requested) or (
            requested == "appointment_choice" and means_all(latest_text(tracker))
        )

    def next_slot(self, slots: dict[str, Any], tracker: Tracker) -> str | None:
        if any(slots.get(slot) for slot in IDENTITY_ENDINGS):
            return None
        identity = self.identity_next_slot(slots)
        if identity:
            return identity
        if not self.needs_choice or slots.get("no_appointments"):
            return None
        if not slots.get("appointment_choice"):
            return "appointment_choice"
        if slots.get("appointment_choice") == NOT_LISTED:
            return None
        return self.after_identity(slots)

    def extract(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        slots: dict[str, Any],
        requested: str | None,
    ) -> dict[str, Any]:
        updates: dict[str, Any] = {}
        if requested in ("verify_name", "verify_dob"):
            updates = self.extract_identity(dispatcher, tracker, slots, requested)
        elif requested == "appointment_choice" and (
            all_but := self._all_but_kept(slots.get("my_appointments") or [], latest_text(tracker))
        ):
            # "actually cancel all except the physical" at "Which appointment …?" (it offered
            # the physical)
            updates = all_but
        elif requested == "appointment_choice":
            choice = self._read_appointment_choice(tracker, slots)
            if choice:
                updates = {"appointment_choice": choice, **self.on_choice(slots, choice)}
            elif not self.takes_all and means_all(latest_text(tracker)):
                # "both" while moving: one at a time (not "Please tap one of the options")
                dispatcher.utter_message(response="utter_move_one_at_a_time")
                updates = {"appointment_choice": None}
            else:
                updates = self._not_among_them(dispatcher, latest_text(tracker))
        else:
            updates = self.extract_more(dispatcher, tracker, slots, requested)
        merged = {**slots, **updates}
        if self.needs_choice and merged.get("my_appointments") and self.starting(tracker):
            # The list came with a move that became a cancellation ("hmm, just cancel all of
            # them"): the request may say which; all of them, also once one was being moved
            # ("ugh, cancel all my appts instead" cancelled only that one).
            described = self.described(tracker)
            items = merged["my_appointments"]
            if not merged.get("appointment_choice") or (self.takes_all and asks_for_all(described)):
                place = listed_place(tracker)
                updates.update(self._described_choice(merged, items, described, place))
        if self.needs_choice and merged.get("verified") and merged.get("my_appointments") is None:
            # (the list may have been shown before this form: "move the first one")
            place = listed_place(tracker) if self.starting(tracker) else None
            updates.update(self._fetch(merged, self.described(tracker), place))
            items = updates.get("my_appointments") or []
            if self.names_the_only_one and len(items) == 1:
                dispatcher.utter_message(
                    response="utter_the_only_appointment",
                    summary=appointment_sentence(items[0], self.clinic, whose(merged, self.clinic)),
                    have=who_has(merged, self.clinic),
                )
            elif self.names_the_only_one and (chosen := updates.get("appointment_choice")):
                # "i cant make it thursday" with two booked: "What day or time works best?"
                # came with no word of which one was being moved
                said = next((item for item in items if item["id"] == chosen), None)
                if said is not None:
                    dispatcher.utter_message(
                        response="utter_moving_recap",
                        summary=appointment_sentence(said, self.clinic, whose(merged, self.clinic)),
                    )
        if updates.get("appointment_choice"):
            # "move my womens health appt, can i see someone other than dr gonzalez?": said
            # before the appointment (and its kind of visit) was known
            updates.update(someone_other_than(dispatcher, {**slots, **updates}, self.clinic))
        return updates

    def extract_more(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        slots: dict[str, Any],
        requested: str | None,
    ) -> dict[str, Any]:
        return {}

    def on_choice(self, slots: dict[str, Any], choice: str) -> dict[str, Any]:
        return {}

    def described(self, tracker: Tracker) -> str:
        """The words of the request that started this form ("cancel the sick visit on
        Monday"), where the patient may already have said which appointment they mean."""
        if self.starting(tracker):
            return latest_text(tracker)  # this message starts the form
        events = list(tracker.events)
        for index in range(len(events) - 1, -1, -1):
            event = events[index]
            if event.get("event") == "active_loop" and event.get("name") == self.form_name:
                return str(last_event(events[:index], "user").get("text") or "")
        return ""

    def _fetch(
        self, slots: dict[str, Any], described: str = "", place: int | None = None
    ) -> dict[str, Any]:
        clinic = self.clinic
        try:
            items = load_appointments(str(slots["patient_id"]), clinic)
        except FhirError:  # incl. BackendUnavailable
            return {"backend_error": True}
        updates: dict[str, Any] = {"my_appointments": items}
        if not items:
            updates["no_appointments"] = True
        else:
            updates.update(self._described_choice({**slots, **updates}, items, described, place))
        return updates

    def _described_choice(
        self,
        slots: dict[str, Any],
        items: list[dict[str, Any]],
        described: str,
        place: int | None = None,
    ) -> dict[str, Any]:
        """The only one, the one the request described (or named by its ``place`` in the list
        just shown), or the one just booked or moved when the request says "it" ("actually can
        you cancel it"); or all of them."""
        if all_but := self._all_but_kept(items, described):
            return all_but
        index = 0 if len(items) == 1 else choice_by_description(described, items, self.clinic)
        if index is None and place is not None and -len(items) <= place < len(items):
            index = place % len(items)
        ids = [i["id"] for i in items]
        if index is None and slots.get("last_booked") in ids and JUST_MADE.search(described):
            index = ids.index(slots["last_booked"])
        if index is None and self.takes_all and asks_for_all(described):
            return {"appointment_choice": ALL_APPOINTMENTS}
        if index is None:
            return {}
        choice = items[index]["id"]
        return {"appointment_choice": choice, **self.on_choice(slots, choice)}

    def _all_but_kept(self, items: list[dict[str, Any]], text: str) -> dict[str, Any] | None:
        """ "keep my physical but cancel the other appts", "everything but the physical": the
        others, to cancel (it offered to cancel the physical); None for any other message."""
        if not self.takes_all or len(items) < 2:
            return None
        kept_text, rest = kept_and_rest(text)
        kept = self._kept(kept_text, items, None)
        if kept and (means_the_others(rest) or means_all(rest)):
            return self._cancel_only([i for i in items if i["id"] not in kept])
        return None

    def _kept(self, kept_text: str, items: list[dict[str, Any]], current: Any) -> set[str]:
        """The appointments said to stay ("keep the physical and the sick visit", "keep the
        first one", "keep that one")."""
        ids = [i["id"] for i in items]
        labels = [appointment_button_title(i, self.clinic) for i in items]
        kept: set[str] = set()
        for part in kept_parts(kept_text):
            fits = described_fits(part, items, self.clinic)
            picked = parse_choice(part, labels)
            if fits:
                kept |= {ids[i] for i in fits}
            elif picked is not None:
                kept.add(ids[picked])  # "keep the first one"
            elif JUST_MADE.search(part) and current in ids:
                kept.add(current)  # "keep that one"
        return kept

    @staticmethod
    def _cancel_only(left: list[dict[str, Any]]) -> dict[str, Any]:
        """The appointments left to cancel, asked about again (none: nothing is cancelled)."""
        if not left:
            return {"cancel_confirmed": False}
        if len(left) == 1:
            return {"appointment_choice": left[0]["id"]}
        # several: "cancel these 2?", listing them (the list is what gets cancelled)
        return {"appointment_choice": ALL_APPOINTMENTS, "my_appointments": left}

    def _not_among_them(self, dispatcher: CollectingDispatcher, text: str) -> dict[str, Any]:
        """ "cancel my dentist appointment", "neither" at "Which appointment …?": who has it (a
        service we don't provide), or the list is all there is; nothing changes here."""
        service = find_not_offered(text, self.clinic)
        if service is not None:
            dispatcher.utter_message(
                response="utter_appointment_not_with_us",
                service=service.name,
                instead=service.instead,
            )
            return {"appointment_choice": NOT_LISTED}
        if NONE_OF_THEM.search(text):
            dispatcher.utter_message(response="utter_appointment_not_listed")
            return {"appointment_choice": NOT_LISTED}
        return {}

    def _read_appointment_choice(self, tracker: Tracker, slots: dict[str, Any]) -> str | None:
        items = slots.get("my_appointments") or []
        ids = [i["id"] for i in items]
        for entity in (tracker.latest_message or {}).get("entities") or []:
            if entity.get("entity") == "appointment_choice" and entity.get("value") in ids:
                return str(entity["value"])
        clinic = self.clinic
        labels = [appointment_button_title(i, clinic) for i in items]
        text = latest_text(tracker)
        if self.takes_all and len(items) > 1 and means_all(text):
            return ALL_APPOINTMENTS
        index = parse_choice(text, labels)
        fits = described_fits(text, items, clinic)
        if fits is not None and index not in fits:
            # "the physical on the 2nd" (Dec 2) is no pick of the second in the list: what it
            # describes decides, and a pick it contradicts is none.
            index = fits[0] if len(fits) == 1 else None
        return ids[index] if index is not None else None


class ValidateCheckForm(ManageForm):
    form_name = "check_form"
    own_intents = {"check_appointment"}
    needs_choice = False

    def after_identity(self, slots: dict[str, Any]) -> str | None:
        return None


class ActionAskAppointmentChoice(Action):
    """List the patient's upcoming appointments to pick from."""

    def name(self) -> str:
        return "action_ask_appointment_choice"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        clinic = get_clinic()
        items = tracker.get_slot("my_appointments") or []
        verb = "cancel" if tracker.active_loop_name == "cancel_form" else "move"
        dispatcher.utter_message(
            response="utter_ask_appointment_choice",
            verb=verb,
            buttons=[
                {
                    "title": appointment_button_title(item, clinic),
                    "payload": "/inform" + json.dumps({"appointment_choice": item["id"]}),
                }
                for item in items
            ],
        )
        return []


def finish(
    dispatcher: CollectingDispatcher,
    tracker: Tracker,
    change: str | None = None,
    book_instead: str | None = None,
) -> list[EventType] | None:
    """The common endings: escalate after failed verification, or report a backend problem.
    ``change`` ("move", "cancel") is what the patient wanted to do to an appointment;
    ``book_instead``, the booking offered when there is none ("book an annual physical next
    month")."""
    reset = [SlotSet(slot, None) for slot in MANAGE_SLOTS]
    if tracker.get_slot("escalation_reason"):
        return reset + escalate(dispatcher, tracker, tracker.get_slot("escalation_reason"))
    if tracker.get_slot("backend_error"):
        dispatcher.utter_message(response="utter_backend_unavailable")
        return reset + after_unfinished_task(tracker)
    if tracker.get_slot("identity_declined"):
        return reset + after_identity_declined(tracker)  # (utter_identity_declined said it)
    if tracker.get_slot("no_appointments"):
        return reset + no_appointments(dispatcher, tracker, change, book_instead)
    return None


def no_appointments(
    dispatcher: CollectingDispatcher,
    tracker: Tracker,
    change: str | None = None,
    book_instead: str | None = None,
) -> list[EventType]:
    """Nothing booked: a booking offered, except after a death ("my mom passed away, cancel
    her appointments" got "Mary Ann O'Brien has no upcoming appointments. Would you like to
    book one?"): then the front desk, who update the records and stop bills and mail. Asked
    to move or cancel one, the patient expected one: who can look into it, too ("can i move
    it to friday" got the same "no upcoming appointments" as the check before)."""
    if death_said(tracker):
        dispatcher.utter_message(response="utter_no_appointments_after_a_death")
        return []
    # ("Mary Ann O'Brien has no upcoming appointments" to Mary Ann herself)
    have = who_has(tracker.slots, get_clinic())
    if change:
        if book_instead:
            # "push my physical to next month": its button books that, not a blank booking
            dispatcher.utter_message(
                response="utter_nothing_to_change_book_that",
                have=have,
                change=change,
                buttons=[
                    {"title": book_instead[:1].upper() + book_instead[1:], "payload": book_instead}
                ],
            )
        else:
            dispatcher.utter_message(response="utter_nothing_to_change", have=have, change=change)
    elif any(REMINDED.search(text) for text in form_texts(tracker)):
        # "i got a text reminder about an appointment on thursday but i dont remember making
        # one": "no upcoming appointments", and nothing about the reminder
        clinic = get_clinic()
        dispatcher.utter_message(
            text=f"{have} no upcoming appointments with us. If you got a reminder for one, our "
            f"front desk can look into it at {clinic.clinic.main_phone}: it may have been meant "
            "for someone else. Would you like to book one?",
            buttons=[{"title": "Book an appointment", "payload": "/book_appointment"}],
        )
    else:
        dispatcher.utter_message(response="utter_no_upcoming_appointments", have=have)
    return offer_second_request(dispatcher, tracker)


# A reminder or call about an appointment the patient did not expect.
REMINDED = re.compile(
    r"\b(got|get|getting|received|had|keep getting)\b.{0,20}"
    r"\b(reminders?|texts?|calls?|voicemails?|emails?|messages?)\b.{0,40}"
    r"\b(appointments?|appts?|visits?)\b"
    r"|\b(appointments?|appts?|visits?)\s+reminders?\b"
    r"|\b(don'?t|do not|didn'?t|did not|can'?t|cannot) remember (making|booking|scheduling)",
    re.IGNORECASE,
)


# "no thats not my appointment", "i never booked that" after the list: the same list again
# (and again). What is on file is what is on file: who can check it, and what can be done.
NOT_MINE = re.compile(
    r"\bnot (my|mine|our|his|her) (appointment|appt|visit|booking)s?\b"
    r"|\b(i|we) (never|didn'?t|did not|dont|don'?t) (book|booked|make|made|schedule|scheduled|"
    r"set up|ask for|asked for|remember (booking|making))\b"
    r"|\b(wrong|not the right) (appointment|appt|visit|one)s?\b",
    re.IGNORECASE,
)


def not_mine_after_the_list(dispatcher: CollectingDispatcher, tracker: Tracker) -> bool:
    """Said, when the patient says an appointment just listed is not theirs."""
    if not NOT_MINE.search(latest_text(tracker).replace("\u2019", "'")):
        return False
    if last_response(tracker) not in APPOINTMENT_LISTS:
        return False
    dispatcher.utter_message(response="utter_not_my_appointment")
    return True


class ActionShowAppointments(Action):
    """Submit of the check form: the patient's upcoming appointments."""

    def name(self) -> str:
        return "action_show_appointments"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        ending = finish(dispatcher, tracker)
        if ending is not None:
            return ending
        reset = [SlotSet(slot, None) for slot in MANAGE_SLOTS]
        if not tracker.get_slot("verified"):
            dispatcher.utter_message(response="utter_stopped")
            return reset
        clinic = get_clinic()
        if asks_own_clinician(form_texts(tracker)[0]):  # "who is my doctor?"
            said = own_clinician_line(tracker.slots, clinic)
            if said:
                dispatcher.utter_message(text=said)
        try:
            items = load_appointments(str(tracker.get_slot("patient_id")), clinic)
        except FhirError:  # incl. BackendUnavailable
            dispatcher.utter_message(response="utter_backend_unavailable")
            return reset
        if not items:
            return reset + no_appointments(dispatcher, tracker)
        if not_mine_after_the_list(dispatcher, tracker):
            return reset
        said = whose(tracker.slots, clinic)

        def listed(some: list[dict[str, Any]]) -> str:
            return "\n".join(f"- {appointment_sentence(i, clinic, said)}" for i in some)

        asked = days_asked(form_texts(tracker)[0], clinic)
        within = [i for i in items if asked and asked.start <= _day_of(i) <= asked.end]
        if asked is not None and not within:
            # "do i have anything tomorrow": the whole list came, with no word of tomorrow
            dispatcher.utter_message(
                response="utter_nothing_booked_then",
                have=who_has(tracker.slots, clinic),
                when=asked.describe(),
                appointments=listed(items),
            )
        elif asked is not None and len(within) < len(items):
            dispatcher.utter_message(
                response="utter_appointments_then",
                when=asked.describe(),
                appointments=listed(within),
                others=listed([i for i in items if i not in within]),
            )
        else:
            # "coming up for you: - your annual physical", not "for Emily Johnson: - your ..."
            whom = {"patient_name": subject_of(said)} if said == "your" else {}
            dispatcher.utter_message(
                response="utter_upcoming_appointments", appointments=listed(items), **whom
            )
        return reset + offer_second_request(dispatcher, tracker)


def days_asked(text: str, clinic: ClinicConfig) -> When | None:
    """The days a look-up asks about ("do i have anything this week", "is my appt tomorrow"),
    without a time of day only ("in the morning") or a date of birth given with it; None when
    it names no day."""
    today = clinic.now().date()
    cleaned = without_birth_dates(text or "", today)
    if not cleaned or cleaned.startswith("/") or only_time_of_day(cleaned, clinic.now()):
        return None
    when = parse_when(cleaned, clinic.now())
    return None if when is None or when.not_on else when


def _day_of(item: dict[str, Any]) -> date:
    return datetime.fromisoformat(item["start"]).date()
