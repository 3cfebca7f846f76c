"""Check, cancel and reschedule: verify, list upcoming appointments, pick one, confirm, change.

Nothing changes before an explicit "yes". Rescheduling books the new slot first and then
cancels the old one, so the patient never ends up with none or two (see the FHIR client).
"""

from __future__ import annotations

import json
import logging
import re
from abc import abstractmethod
from datetime import date, datetime, time, timedelta
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActiveLoop, EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.all_appointments import (
    ALL_APPOINTMENTS,
    appointment_lines,
    asks_for_all,
    how_many,
    kept_and_rest,
    kept_parts,
    means_all,
    means_the_other_one,
    means_the_others,
)
from actions.answer_beside import with_text
from actions.birth_dates import without_birth_dates
from actions.booking import SEARCH_SLOTS
from actions.booking_choices import (
    eligible_locations,
    only_office,
    say_where_they_work,
    someone_other_than,
)
from actions.booking_guards import (
    check_offer,
    chosen_offer,
    late_change_policy,
    refusal_events,
    refuse,
    turned_down,
)
from actions.booking_times import offer_others, tell_change_failed
from actions.clients.fhir_model import (
    AppointmentRecord,
    BackendUnavailable,
    FhirError,
    SlotTaken,
)
from actions.clinic_config import ClinicConfig
from actions.dates import (
    clock_times_said,
    day_label,
    parse_when,
    says_a_shift,
    shift_said_as_day,
    weekdays_named,
)
from actions.directions import holiday_named
from actions.formatting import address_line, appointment_sentence, day_and_time, visit_name
from actions.forms import (
    PatientForm,
    form_texts,
    is_button_payload,
    last_change,
    last_event,
    last_response,
    latest_intent,
    latest_text,
    safety_flagged,
    switches_to_cancel,
    yes_or_no,
)
from actions.handoff import escalate
from actions.identity import (
    BEREAVEMENT,
    IDENTITY_ENDINGS,
    IdentitySteps,
    death_said,
    scheduling_client,
    who_has,
    whose,
)
from actions.matching import (
    find_location,
    find_not_offered,
    find_practitioner,
    find_visit_type,
    parse_choice,
)
from actions.mentions import without_patient_names
from actions.second_request import (
    after_identity_declined,
    after_unfinished_task,
    has_second_request,
    offer_second_request,
    replay_as,
    replayed,
    yes_and_another,
)
from actions.settings import get_clinic
from actions.slot_search import chosen_appointment
from actions.typed_answers import NEVER_MIND
from actions.undo_words import UNDO_A_MOVE, said_undo
from actions.visit_request import (
    NOT_THE_OTHER,
    ORDINAL_PICK,
    OTHER_OFFICE,
    PICK_DETAILS,
    answers_a_visit_question,
    not_the_one_before,
    only_other_office,
    picked_offer,
    picks_a_shown_time,
    read_search_details,
)

logger = logging.getLogger(__name__)

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
CANCEL_REASON = "Cancelled by the patient in the chat assistant"


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


def hours_said(text: str) -> list[time]:
    """The bare hours a message names ("the one at 8")."""
    hours = [int(a or b) for a, b in HOUR_SAID.findall(text or "")]
    return [time(hour, 0) for hour in hours if 1 <= hour <= 12]


# "Move my physical to Friday": the verb, then the appointment, then the new time.
MOVE_VERB = re.compile(
    r"\b(move|moving|reschedule|rescheduling|change|changing|push|switch|shift|bump|swap)\b",
    re.IGNORECASE,
)
NEW_TIME = re.compile(r"\b(?:to|for|until|till|into|instead)\b", re.IGNORECASE)


# "my thursday appt", "the 2pm physical": the appointment being moved, described.
# "my appt on the 10th" (before "back a week"): the day or time of the one moved, not the new
# one (a week after next month's 10th was past the booking window). At the end of the message
# it stays the day asked for ("move my appointment on friday").
_ITS_DAY_OR_TIME = (
    r"(?:\s+(?:on|from|at)\s+(?:the\s+)?(?:\d{1,2}(?:st|nd|rd|th)|\d{1,2}(?::\d{2})?\s*(?:am|pm)?|"
    r"(?:mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)[a-z]*|"
    r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?\s+\d{1,2}(?:st|nd|rd|th)?)"
    r"(?=\s+\S))?"
)
THE_APPOINTMENT = re.compile(
    r"\b(?:my|the|his|her|our|their)\s+(?:[\w'/:.-]+\s+){0,3}?(?:appt|appointment|visit|"
    r"physical|check ?up|follow ?up|followup|shot|exam)s?\b" + _ITS_DAY_OR_TIME,
    re.IGNORECASE,
)
# "push the sam lee one back a week", "move the 9am one to friday": right after the verb, the
# one moved ("move it, the friday one works better" names the new time).
THE_ONE_MOVED = re.compile(
    r"^\s*(?:my|the|his|her|our|their)\s+(?:[\w'/:.-]+\s+){0,3}?one\b" + _ITS_DAY_OR_TIME,
    re.IGNORECASE,
)


def new_time_part(text: str) -> str:
    """ "move my physical from the 8th to the 9th": what comes after "to" is the new time (the
    8th is the appointment, see ``described``). Without such a split, the text less the
    appointment it describes ("need to move my thursday appt" searched Thursdays)."""
    verb = MOVE_VERB.search(text)
    if verb is None:
        return text
    parts = NEW_TIME.split(text[verb.end() :], maxsplit=1)
    if len(parts) == 2 and parts[1].strip():
        return parts[1]
    rest = THE_ONE_MOVED.sub(" ", text[verb.end() :], count=1)
    return " ".join((text[: verb.end()] + THE_APPOINTMENT.sub(" ", rest)).split())


# "same time pls", "the same time if possible": the time of the appointment being moved.
SAME_TIME_ONLY = re.compile(
    r"^\W*(?:(?:ok|okay|yes|yeah|um+|hmm+|can i|could i|can we|could we|can it be|i'?d like|"
    r"i want|do you have|is there|anything)\W+)*(?:at |around )?(?:the )?same time"
    r"(?:\W+(?:pls|please|as (?:before|now|it is|my appt|my appointment)|if (?:possible|you can)|"
    r"works|is best|would be (?:best|great|good)))*\W*$",
    re.IGNORECASE,
)


def offer_at_the_same_time(
    item: dict[str, Any] | None, offers: list[dict[str, Any]], clinic: ClinicConfig
) -> str | None:
    """The id of the one time shown at the same time of day as ``item``, if just one is."""
    if item is None:
        return None
    clock = datetime.fromisoformat(item["start"]).astimezone(clinic.tz).time()
    same = [
        o["id"]
        for o in offers
        if datetime.fromisoformat(o["start"]).astimezone(clinic.tz).time() == clock
    ]
    return same[0] if len(same) == 1 else None


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
            if not merged.get("appointment_choice") or (
                self.takes_all and asks_for_all(described)
            ):
                updates.update(
                    self._described_choice(merged, merged["my_appointments"], described)
                )
        if self.needs_choice and merged.get("verified") and merged.get("my_appointments") is None:
            updates.update(self._fetch(merged, self.described(tracker)))
            items = updates.get("my_appointments") or []
            if self.names_the_only_one and len(items) == 1:
                dispatcher.utter_message(
                    response="utter_the_only_appointment",
                    summary=appointment_sentence(items[0], self.clinic, whose(merged, self.clinic)),
                    have=who_has(merged, self.clinic),
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

    def _fetch(self, slots: dict[str, Any], described: str = "") -> dict[str, Any]:
        clinic = self.clinic
        try:
            items = load_appointments(str(slots["patient_id"]), clinic)
        except FhirError:  # incl. BackendUnavailable
            return {"backend_error": True}
        updates: dict[str, Any] = {"my_appointments": items}
        if not items:
            updates["no_appointments"] = True
        else:
            updates.update(self._described_choice({**slots, **updates}, items, described))
        return updates

    def _described_choice(
        self, slots: dict[str, Any], items: list[dict[str, Any]], described: str
    ) -> dict[str, Any]:
        """The only one, the one the request described, or the one just booked or moved when
        the request says "it" ("actually can you cancel it"); or all of them."""
        if all_but := self._all_but_kept(items, described):
            return all_but
        index = 0 if len(items) == 1 else choice_by_description(described, items, self.clinic)
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
                response="utter_appointment_not_with_us", service=service.name,
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


# "no wait, can i move it instead?" to "Cancel it?": keep it, and look for a new time.
MOVE_INSTEAD = re.compile(
    r"\b(move|moving|reschedule|resched|rebook|switch|change (it|the (day|time|date))|"
    r"(another|different|new|later) (day|time|date))\b",
    re.IGNORECASE,
)


def moves_instead(text: str) -> bool:
    # "hold on dont cancel, just change the day": a cancel said not to do is no cancel
    kept = re.sub(r"\b(don'?t|do not|not|never) cancel\w*", " ", text, flags=re.IGNORECASE)
    return bool(MOVE_INSTEAD.search(kept)) and not re.search(r"\bcancel", kept, re.IGNORECASE)


class ValidateCancelForm(ManageForm):
    form_name = "cancel_form"
    own_intents = {"cancel_appointment"}
    takes_all = True

    def answers_requested_slot(self, tracker: Tracker, requested: str | None) -> bool:
        # "can i move it instead?" answers "Cancel it?" (no), whatever the model read (a
        # correction is read whatever the model read too: should_let_through)
        return super().answers_requested_slot(tracker, requested) or (
            requested == "cancel_confirmed" and moves_instead(latest_text(tracker))
        )

    def should_let_through(self, tracker: Tracker) -> bool:
        text = latest_text(tracker)
        if (
            tracker.get_slot("requested_slot") == "cancel_confirmed"
            and not safety_flagged(tracker)
            and (
                yes_and_another(text, "cancel_appointment") is not None
                or self.corrected_choice(tracker, dict(tracker.slots)) is not None
            )
        ):
            return False
        return super().should_let_through(tracker)

    def after_identity(self, slots: dict[str, Any]) -> str | None:
        return None if slots.get("cancel_confirmed") is not None else "cancel_confirmed"

    def corrected_choice(self, tracker: Tracker, slots: dict[str, Any]) -> dict[str, Any] | None:
        """At "Just to check: cancel …?": another appointment, or another set, said instead.
        "wait no, keep the sick one, cancel the rest" picked the sick visit to cancel (the one
        to keep); "no thats the wrong one, i meant the sam lee one" got "I've left your
        appointment as it is", and the Sam Lee visit was not asked about."""
        items = slots.get("my_appointments") or []
        text = latest_text(tracker)
        if len(items) < 2 or is_button_payload(text):
            return None
        current = slots.get("appointment_choice")
        ids = [i["id"] for i in items]
        if current != ALL_APPOINTMENTS and means_all(text) and re.search(r"\bcancel", text, re.I):
            return {"appointment_choice": ALL_APPOINTMENTS}  # "actually cancel both"
        kept_text, rest = kept_and_rest(text)
        kept = self._kept(kept_text, items, current)
        if kept and (means_the_others(rest) or current == ALL_APPOINTMENTS):
            return self._cancel_only([i for i in items if i["id"] not in kept])
        fits = described_fits(rest, items, self.clinic)
        if fits is not None and len(fits) == 1 and ids[fits[0]] not in (current, *kept):
            return {"appointment_choice": ids[fits[0]]}
        others = [i for i in items if i["id"] not in (current, *kept)]
        if current in ids and means_the_other_one(rest):
            # "no the other one": that one when there are two; else which of them
            return {"appointment_choice": others[0]["id"] if len(others) == 1 else None}
        if current in ids and means_the_others(rest):
            return self._cancel_only(others)  # "no, the other ones"
        if fits and WRONG_ONE.search(rest):
            return {"appointment_choice": None}  # "wrong one, i meant dr patel's" (two): which?
        return None

    def extract_more(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        slots: dict[str, Any],
        requested: str | None,
    ) -> dict[str, Any]:
        if requested != "cancel_confirmed":
            return {}
        also = yes_and_another(latest_text(tracker), "cancel_appointment")
        if also is not None:
            return {"cancel_confirmed": True, "pending_request": also}
        corrected = self.corrected_choice(tracker, slots)
        if corrected is not None:
            return corrected
        # (an appointment said to stay is none to cancel: "no keep the first one")
        kept_text, rest = kept_and_rest(latest_text(tracker))
        picking = with_text(tracker, rest) if kept_text else tracker
        if slots.get("appointment_choice") == ALL_APPOINTMENTS:
            # "no, just the first one" to "cancel both?": that one, asked again
            one = self._read_appointment_choice(picking, slots)
            if one and one != ALL_APPOINTMENTS:
                return {"appointment_choice": one}
        answer = yes_or_no(tracker)
        if answer is not None:
            return {"cancel_confirmed": answer}
        if moves_instead(latest_text(tracker)):
            return {"cancel_confirmed": False}
        choice = self._read_appointment_choice(picking, slots)
        if choice and choice != slots.get("appointment_choice"):
            return {"appointment_choice": choice}
        return {}


# "no, keep my original appointment" to "Shall I move it?": nothing moves, no other times.
# The questions at which keeping the old time is an answer.
KEEPS_AT = ("date_preference", "slot_choice", "booking_confirmed")
KEEP_THE_OLD_TIME = re.compile(
    r"\bkeep (it|(my|the) (original|current|old|existing|first|same)"
    r"( (one|appointment|appt|time))?|(my|the) (one|appointment|appt|time))\b"
    # "no leave it", "i dont want to move it anymore" (a day was asked again and again)
    r"|\bleave it\b|\b(don'?t|do not) (want|need) to (move|change|reschedule) it\b",
    re.IGNORECASE,
)


def moved_back_to(tracker: Tracker) -> str | None:
    """The time ("Tue Dec 8, 10:00am") of the appointment moved in this chat, when the patient
    asks to put it back; it was "What I confirmed earlier stays as it is", and the patient was
    left to find the old time again."""
    if last_change(tracker) != "action_reschedule_appointment":
        return None
    before = tracker.get_slot("moved_from")
    if not before or not said_undo(UNDO_A_MOVE, latest_text(tracker)):
        return None
    try:
        return day_and_time(datetime.fromisoformat(str(before)), get_clinic())
    except ValueError:
        return None


# An appointment spoken of ("the one on dec 4", "the gonzalez appointment"), not a day alone.
APPOINTMENT_WORD = re.compile(r"\b(one|appointment|appt|visit|booking)s?\b", re.IGNORECASE)
# "what other appointments do i have", "show me all my appts": the list, not the one moving.
OTHER_APPOINTMENTS = re.compile(
    r"\b(other|all|both|every|rest of) (of )?(my |the )?(appointments?|appts?|visits?|ones?)\b"
    r"|\b(appointments|appts|visits)\b",
    re.IGNORECASE,
)
# "is that still with sam lee?", "when is it now?" (read as a question about the clinicians, say).
ABOUT_THE_ONE_MOVING = re.compile(
    r"\b(is (it|that|this) still (with|at)|when is (it|that) (now|again)|who is (it|that|my \w+) "
    r"with)\b",
    re.IGNORECASE,
)
# What a new search makes stale: the times shown, the one picked and its yes.
RESEARCH_SLOTS = ("slot_choice", "offered_slots", "booking_confirmed", "excluded_slots")
# "wait wrong appt, i meant the one on dec 4", "no the other one": the appointment being moved
# was not the one meant (said after it was picked).
WRONG_ONE = re.compile(
    r"\b(wrong (one|appt|appointment|visit)|not (that|the right) one|i meant|i mean the|"
    r"meant the|the other (one|appointment|appt|visit)|different (one|appointment|appt)|"
    r"(move|moving|reschedule|change) the [^,.!?]{0,30}\b(one|appointment|appt|visit) "
    r"(not|instead))\b",
    re.IGNORECASE,
)


# Just after a cancellation, "ok book me something next week instead", "i want to rebook the
# follow up i just cancelled": that visit booked again (read as a reschedule, the patient's
# other appointment was offered to be moved, and "i meant the one i just cancelled" could not
# stop it). Not "move my physical instead", nor "change my other appointment too".
REBOOKS = re.compile(
    r"\bre-?book|\bbook\b|\bcancel+ed\b|\b(a )?new (one|time|appointment|appt|visit)\b",
    re.IGNORECASE,
)
MOVES_ANOTHER = re.compile(r"\b(move|push|shift|bump|swap)\b|\bother\b", re.IGNORECASE)


def rebooks_the_cancelled(tracker: Tracker) -> bool:
    """A reschedule request that asks for the visit just cancelled to be booked again."""
    if last_change(tracker) != "action_cancel_appointment":
        return False
    text = latest_text(tracker)
    return bool(REBOOKS.search(text)) and not MOVES_ANOTHER.search(text)


class ValidateRescheduleForm(ManageForm):
    form_name = "reschedule_form"
    # "book me in next week after school" while moving an appointment is the new time, not a
    # second booking (that once left the patient with two appointments).
    own_intents = {"reschedule_appointment", "book_appointment"}
    names_the_only_one = True

    def answers_requested_slot(self, tracker: Tracker, requested: str | None) -> bool:
        intent, _ = latest_intent(tracker)
        return super().answers_requested_slot(tracker, requested) or answers_a_visit_question(
            latest_text(tracker), intent, requested, self.clinic
        )

    def should_let_through(self, tracker: Tracker) -> bool:
        intent, _ = latest_intent(tracker)
        if (
            tracker.get_slot("requested_slot") == "booking_confirmed"
            and not safety_flagged(tracker)
            and yes_and_another(latest_text(tracker), "reschedule_appointment") is not None
        ):
            return False  # "yes thx. oh and cancel the physical too": moved, then the other
        if intent in ("cancel_appointment", "stop") and switches_to_cancel(
            latest_text(tracker), intent
        ):
            # "actually cancel the dec 7 one instead" was taken as the one to move, and
            # "just cancel all my appts" got "let's move them one at a time": the cancellation
            # starts (its rule, or the stop's replay), and confirms first.
            return True
        # "keep the original time pls" got the 988 check-in (the model alone, unsure, read a
        # crisis), "keep my original one on the 7th" the ways to pay: the form reads them.
        if (
            tracker.get_slot("requested_slot") in KEEPS_AT
            and KEEP_THE_OLD_TIME.search(latest_text(tracker))
            and not safety_flagged(tracker)
        ):
            return False
        return super().should_let_through(tracker)

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        if self.starting(tracker) and rebooks_the_cancelled(tracker):
            latest = last_event(tracker.events, "user")
            return [ActiveLoop(None), SlotSet("requested_slot", None)] + replay_as(
                tracker, latest, "book_appointment"
            )
        requested = tracker.get_slot("requested_slot")
        item = chosen_appointment(tracker.slots)
        if (
            requested in ("date_preference", "slot_choice")
            and item is not None
            and (
                latest_intent(tracker)[0] == "check_appointment"
                or ABOUT_THE_ONE_MOVING.search(latest_text(tracker))
            )
            and not safety_flagged(tracker)
            and not OTHER_APPOINTMENTS.search(latest_text(tracker))
        ):
            # "wait who is my appt with again?", "is that still with sam lee?" while moving it:
            # the appointment list came instead, and the move was dropped unsaid ("ok next
            # tuesday" then got "What can I help you with?"). The one being moved is said,
            # and the question asked again.
            dispatcher.utter_message(
                response="utter_moving_recap",
                summary=appointment_sentence(item, self.clinic, whose(tracker.slots, self.clinic)),
            )
            return [SlotSet(requested, None), SlotSet("requested_slot", requested)]
        return super().run(dispatcher, tracker, domain)

    def after_identity(self, slots: dict[str, Any]) -> str | None:
        if slots.get("booking_confirmed") is False:
            return None  # "keep my original appointment": nothing moves
        for slot in ("date_preference", "slot_choice"):
            if not slots.get(slot):
                return slot
        # False: "no, never mind" - the form ends and nothing moves.
        return None if slots.get("booking_confirmed") in (True, False) else "booking_confirmed"

    def described(self, tracker: Tracker) -> str:
        # "I need to move my Monday physical to Friday": the appointment is what comes after
        # the verb, up to "to"; the rest is the new time.
        text = super().described(tracker)
        verb = MOVE_VERB.search(text)
        if verb is None:
            return text
        return NEW_TIME.split(text[verb.end() :], maxsplit=1)[0]

    def on_choice(self, slots: dict[str, Any], choice: str) -> dict[str, Any]:
        """Keep the same kind of visit, clinician and office unless the patient changes them
        (or already did: "move my flu shot to Sam Lee" kept the old clinician)."""
        item = next((i for i in slots.get("my_appointments") or [] if i["id"] == choice), None)
        if item is None:
            return {}
        kept = {
            "visit_type": item.get("visit_type"),
            "practitioner": slots.get("practitioner") or item.get("practitioner") or "any",
            "location": slots.get("location") or item.get("location") or "any",
        }
        if kept["location"] != "any" and kept["location"] not in eligible_locations(
            self.clinic, kept
        ):
            kept["location"] = only_office(self.clinic, kept)
        return kept

    def extract_more(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        slots: dict[str, Any],
        requested: str | None,
    ) -> dict[str, Any]:
        clinic = self.clinic
        text = latest_text(tracker)
        intent, _ = latest_intent(tracker)
        if requested == "booking_confirmed":
            also = yes_and_another(text, "reschedule_appointment")
            if also is not None:
                return {"booking_confirmed": True, "pending_request": also}
        if requested in KEEPS_AT:
            other = self._another_one_meant(dispatcher, text, slots)
            if other is not None:
                return other
        if requested in KEEPS_AT and KEEP_THE_OLD_TIME.search(text):
            # the reschedule action says nothing moved (at the confirmation, "keep my original
            # one on the 7th" searched the 7th)
            return {"booking_confirmed": False}
        entities = (tracker.latest_message or {}).get("entities") or []
        new_time = "" if is_button_payload(text) else new_time_part(text)
        if requested in (None, "date_preference") and (back := moved_back_to(tracker)):
            # "put it back to the original time" after a move: that time is searched
            new_time, entities = back, []
        if new_time and new_time != text:
            # the model's "thursday" in "move my thursday appt" is the old day, not the new
            said = new_time.lower()
            entities = [
                e
                for e in entities
                if e.get("entity") not in ("date", "part_of_day")
                or str(e.get("value") or "").lower() in said
            ]
        updates = read_search_details(
            new_time,
            entities,
            clinic,
            requested,
            slots.get("date_preference"),
        )
        updates.pop("visit_type", None)  # the visit stays what it was
        not_the_one_before(new_time, slots, updates)
        if not is_button_payload(text) and says_a_shift(text):
            offer = chosen_offer(slots) if requested == "booking_confirmed" else None
            if offer is not None:
                # "wait, make it 30 min later" at "I'll move it to 4:30pm. Is that right?":
                # from the time just offered (it counted from the appointment's own 4:00, and
                # 4:30 came back)
                offered = datetime.fromisoformat(offer["start"]).astimezone(clinic.tz)
                shifted = shift_said_as_day(text, offered, clinic.now().date())
                if shifted is not None:
                    updates["date_preference"] = shifted
            if "date_preference" not in updates:
                # "a couple of days later": counted from the appointment's day by the search
                updates["date_preference"] = without_birth_dates(text, clinic.now().date())
        updates = {k: v for k, v in updates.items() if slots.get(k) != v}
        merged = {**slots, **updates}
        updates.update(someone_other_than(dispatcher, merged, clinic))
        offers = slots.get("offered_slots") or []
        picked = (
            picked_offer(text, entities, offers, clinic) if requested == "slot_choice" else None
        )
        if requested == "slot_choice" and picked is None and SAME_TIME_ONLY.match(text):
            # "same time pls" at the times a week later: the one at the appointment's own time
            # (it searched the next two weeks from today, at that time)
            picked = offer_at_the_same_time(chosen_appointment(slots), offers, clinic)
            if picked is not None:
                updates.pop("date_preference", None)
        if (
            requested == "booking_confirmed"
            and yes_or_no(tracker) is False
            and (other := picked_offer(text, entities, offers, clinic)) is not None
            and other != slots.get("slot_choice")
        ):
            # "no the 1pm one" at "Is that right?", the 1pm shown: "your appointment hasn't
            # moved" and the same times again (or other days searched). That one, confirmed.
            picked = other
        if picks_a_shown_time(text, updates, picked, offers):
            for detail in PICK_DETAILS:  # "tuesday", "8 am", "downtown, 5pm": one of those shown
                updates.pop(detail, None)
        if any(k in updates for k in SEARCH_SLOTS):
            self._search_again(dispatcher, updates, slots)
            return updates
        if requested == "slot_choice":
            if picked is not None:
                ids = [o["id"] for o in offers]
                return self._guard(dispatcher, slots, offers[ids.index(picked)])
            if intent == "deny":
                dispatcher.utter_message(response="utter_ask_other_time")
                return {"date_preference": None, "offered_slots": None}
        if requested == "booking_confirmed" and picked is not None:
            ids = [o["id"] for o in offers]
            chosen = self._guard(dispatcher, slots, offers[ids.index(picked)])
            return {**chosen, "booking_confirmed": None}
        if requested == "booking_confirmed":
            answer = yes_or_no(tracker)
            if answer is True:
                return {"booking_confirmed": True}
            if answer is False and (NEVER_MIND.search(text) or KEEP_THE_OLD_TIME.search(text)):
                return {"booking_confirmed": False}  # the reschedule action says it stopped
            if answer is False:
                dispatcher.utter_message(response="utter_reschedule_not_confirmed")
                return turned_down(slots)
        return {}

    def _another_one_meant(
        self, dispatcher: CollectingDispatcher, text: str, slots: dict[str, Any]
    ) -> dict[str, Any] | None:
        """ "wait wrong appt, i meant the one on dec 4 not the 22nd" once the times were shown:
        Dec 22 was searched, for the appointment not meant, again and again. The one meant is
        moved instead (asked which when the words fit several), and its new time asked anew."""
        items = slots.get("my_appointments") or []
        if len(items) < 2 or is_button_payload(text) or not WRONG_ONE.search(text):
            return None
        current = slots.get("appointment_choice")
        _, rest = kept_and_rest(text)
        if not (
            APPOINTMENT_WORD.search(rest) or find_visit_type(rest, self.clinic) is not None
        ):
            return None  # "i meant the following monday": the new day
        fits = described_fits(rest, items, self.clinic) or []
        others = [items[i] for i in fits if items[i]["id"] != current]
        if not others and means_the_other_one(rest) and len(items) == 2:
            others = [i for i in items if i["id"] != current]  # "no, the other one"
        fresh = {slot: None for slot in ("date_preference", *RESEARCH_SLOTS)}
        if len(others) != 1:
            # "wrong appointment": which one, then
            return {**fresh, "appointment_choice": None, "practitioner": None, "location": None}
        meant = others[0]
        dispatcher.utter_message(
            response="utter_moving_instead",
            summary=appointment_sentence(meant, self.clinic, whose(slots, self.clinic)),
        )
        unkept = {**slots, "practitioner": None, "location": None}
        return {**fresh, "appointment_choice": meant["id"], **self.on_choice(unkept, meant["id"])}

    def extract(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        slots: dict[str, Any],
        requested: str | None,
    ) -> dict[str, Any]:
        updates = super().extract(dispatcher, tracker, slots, requested)
        return {**updates, **self._other_office(dispatcher, tracker, {**slots, **updates})}

    def _other_office(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, merged: dict[str, Any]
    ) -> dict[str, Any]:
        """ "move it to the other office": the office the appointment is not at (it was
        ignored, and Downtown searched again), once the appointment is known."""
        moving = chosen_appointment(merged)
        if moving is None or merged.get("location") not in (None, "any", moving.get("location")):
            return {}
        latest = latest_text(tracker)
        if find_location(latest, self.clinic) is not None or NOT_THE_OTHER.search(latest):
            return {}  # "downtown, the other office is too far": the office named
        said_now = OTHER_OFFICE.search(latest)
        chosen_now = merged.get("appointment_choice") != tracker.get_slot("appointment_choice")
        said_before = chosen_now and any(OTHER_OFFICE.search(t) for t in form_texts(tracker))
        if not (said_now or said_before):
            return {}
        other = only_other_office(moving.get("location"), self.clinic)
        if other is None:
            return {}
        updates: dict[str, Any] = {"location": other}
        self._search_again(dispatcher, updates, merged)
        return updates

    def _search_again(
        self, dispatcher: CollectingDispatcher, updates: dict[str, Any], slots: dict[str, Any]
    ) -> None:
        """A search detail changed: what was offered or confirmed no longer holds."""
        updates.update({"slot_choice": None, "offered_slots": None, "booking_confirmed": None})
        self._fit_office(dispatcher, updates, slots)

    def _fit_office(
        self, dispatcher: CollectingDispatcher, updates: dict[str, Any], slots: dict[str, Any]
    ) -> None:
        """The office and clinician kept from the old appointment give way to a new one the
        patient names: "actually make it Sam Lee" (who works at North only) looks at North,
        "the north office instead" at whoever works there, and the patient hears why (it was
        "no opening in the next few weeks" at Downtown)."""
        merged = {**slots, **updates}
        practitioner, location = merged.get("practitioner"), merged.get("location")
        if location in (None, "any") or location in eligible_locations(self.clinic, merged):
            return
        if "location" in updates and "practitioner" not in updates:
            updates["practitioner"] = "any"
        else:
            updates["location"] = only_office(self.clinic, merged)
        if practitioner not in (None, "any"):
            say_where_they_work(dispatcher, practitioner, self.clinic)

    def _guard(
        self, dispatcher: CollectingDispatcher, slots: dict[str, Any], offer: dict[str, Any]
    ) -> dict[str, Any]:
        """The picked time, unless the patient is already booked then (not counting the
        appointment being moved) or the clinician does not see patients of this age."""
        try:
            refusal = check_offer(offer, slots, self.clinic, moving=slots.get("appointment_choice"))
        except FhirError:  # incl. BackendUnavailable; the reschedule itself checks again
            logger.warning("could not check the patient's appointments before confirming")
            refusal = None
        if refusal is None:
            return {"slot_choice": offer["id"]}
        return refuse(dispatcher, refusal, offer["id"], slots)


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


class ActionAskCancelConfirmed(Action):
    def name(self) -> str:
        return "action_ask_cancel_confirmed"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        clinic = get_clinic()
        # (no fee spoken of to someone cancelling for a person who died)
        bereaved = death_said(tracker)
        if tracker.get_slot("appointment_choice") == ALL_APPOINTMENTS:
            items = tracker.get_slot("my_appointments") or []
            policies = [] if bereaved else [late_change_policy(i, tracker, clinic) for i in items]
            dispatcher.utter_message(
                response="utter_confirm_cancel_all",
                which=how_many(items),
                appointments=appointment_lines(items, clinic, whose(tracker.slots, clinic)),
                # on a line of its own, not run on after the last appointment listed
                policy="\n" + next(filter(None, policies)).strip() if any(policies) else "",
            )
            return []
        item = chosen_appointment(tracker.slots)
        if item is None:
            return [SlotSet("appointment_choice", None)]
        policy = "" if bereaved else late_change_policy(item, tracker, clinic)
        asked_day = day_in_request(form_texts(tracker)[0], clinic)
        days = {
            datetime.fromisoformat(i["start"]).astimezone(clinic.tz).date()
            for i in tracker.get_slot("my_appointments") or [item]
        }
        if asked_day is not None and asked_day not in days:
            # "cancel my appt tmrw" (hers is next week): "cancel ... Wed Dec 9?" with no word
            # that nothing is booked tomorrow.
            dispatcher.utter_message(text=f"I don't see an appointment on {day_label(asked_day)}.")
        dispatcher.utter_message(
            response="utter_confirm_cancel",
            summary=appointment_sentence(item, clinic, whose(tracker.slots, clinic)),
            policy=policy,
        )
        return []


def day_in_request(text: str, clinic: ClinicConfig) -> date | None:
    """The one day a request names ("cancel my appt tmrw"), if any; not a date of birth given
    with it ("carlos rivera 9/30/75" got "I don't see an appointment on Mon Sep 30")."""
    if not text or text.startswith("/") or BEREAVEMENT.search(text):
        # ("my dad passed away sunday, cancel his appointments": the day of the death)
        return None
    now = clinic.now()
    when = parse_when(without_birth_dates(text, now.date()), now)
    return when.start if when is not None and when.start == when.end else None


def _finish(dispatcher: CollectingDispatcher, tracker: Tracker) -> list[EventType] | None:
    """The common endings: escalate after failed verification, or report a backend problem."""
    reset = [SlotSet(slot, None) for slot in MANAGE_SLOTS]
    if tracker.get_slot("escalation_reason"):
        return reset + escalate(dispatcher, tracker, tracker.get_slot("escalation_reason"))
    if tracker.get_slot("backend_error"):
        dispatcher.utter_message(response="utter_backend_unavailable")
        return reset + after_unfinished_task(tracker)
    if tracker.get_slot("identity_declined"):
        return reset + after_identity_declined(tracker)  # (utter_identity_declined said it)
    if tracker.get_slot("no_appointments"):
        return reset + no_appointments(dispatcher, tracker)
    return None


def no_appointments(dispatcher: CollectingDispatcher, tracker: Tracker) -> list[EventType]:
    """Nothing booked: a booking offered, except after a death ("my mom passed away, cancel
    her appointments" got "Mary Ann O'Brien has no upcoming appointments. Would you like to
    book one?"): then the front desk, who update the records and stop bills and mail."""
    if death_said(tracker):
        dispatcher.utter_message(response="utter_no_appointments_after_a_death")
        return []
    dispatcher.utter_message(response="utter_no_upcoming_appointments")
    return offer_second_request(dispatcher, tracker)


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
    if last_response(tracker) != "utter_upcoming_appointments":
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
        ending = _finish(dispatcher, tracker)
        if ending is not None:
            return ending
        reset = [SlotSet(slot, None) for slot in MANAGE_SLOTS]
        if not tracker.get_slot("verified"):
            dispatcher.utter_message(response="utter_stopped")
            return reset
        clinic = get_clinic()
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
        lines = "\n".join(f"- {appointment_sentence(i, clinic, said)}" for i in items)
        dispatcher.utter_message(response="utter_upcoming_appointments", appointments=lines)
        return reset + offer_second_request(dispatcher, tracker)


class ActionCancelAppointment(Action):
    """Submit of the cancel form."""

    def name(self) -> str:
        return "action_cancel_appointment"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        ending = _finish(dispatcher, tracker)
        if ending is not None:
            return ending
        reset = [SlotSet(slot, None) for slot in MANAGE_SLOTS]
        if tracker.get_slot("appointment_choice") == ALL_APPOINTMENTS:
            return reset + cancel_all(dispatcher, tracker)
        item = chosen_appointment(tracker.slots)
        if item is not None and tracker.get_slot("cancel_confirmed") is False:
            if moves_instead(latest_text(tracker)):
                return move_instead(dispatcher, tracker, item)
            dispatcher.utter_message(response="utter_cancel_kept")
            return reset + offer_second_request(dispatcher, tracker)
        if item is None or tracker.get_slot("cancel_confirmed") is not True:
            dispatcher.utter_message(response="utter_stopped")
            return reset + after_unfinished_task(tracker)
        try:
            scheduling_client().cancel(item["id"], reason=CANCEL_REASON)
        except FhirError as exc:  # incl. BackendUnavailable
            tell_change_failed(dispatcher, exc, "cancellation")
            return reset + after_unfinished_task(tracker)
        logger.info("appointment cancelled")
        clinic = get_clinic()
        # With another request waiting, that is the next question, not "book another time?";
        # nor is it asked after a death ("my mom passed away, cancel her appointments").
        bereaved = death_said(tracker)
        dispatcher.utter_message(
            response="utter_cancelled_only"
            if has_second_request(tracker) or bereaved
            else "utter_cancelled",
            summary=appointment_sentence(item, clinic, whose(tracker.slots, clinic)),
        )
        # [Book another time] books the same visit (ValidateBookingForm.on_activation).
        # (and its time, for [Book a new time] after "i didnt mean to cancel it")
        cancelled = {**{k: item.get(k) for k in REBOOK_DETAILS}, "start": item.get("start")}
        again = SlotSet("last_cancelled", cancelled)
        return reset + [again] + offer_second_request(dispatcher, tracker)


REBOOK_DETAILS = ("visit_type", "practitioner", "location")


def cancel_all(dispatcher: CollectingDispatcher, tracker: Tracker) -> list[EventType]:
    """ "Yes" to "cancel both?": each one, and a clear word on any that could not be."""
    if tracker.get_slot("cancel_confirmed") is not True:
        dispatcher.utter_message(response="utter_cancel_kept_all")
        return offer_second_request(dispatcher, tracker)
    clinic = get_clinic()
    items = tracker.get_slot("my_appointments") or []
    said = whose(tracker.slots, clinic)
    done: list[dict[str, Any]] = []
    left: list[dict[str, Any]] = []
    failed: FhirError | None = None
    for item in items:
        if isinstance(failed, BackendUnavailable):
            left.append(item)  # unreachable: no point waiting on each of the others
            continue
        try:
            scheduling_client().cancel(item["id"], reason=CANCEL_REASON)
        except FhirError as exc:  # one refused (say, already started): the others still go
            failed = exc
            left.append(item)
            continue
        done.append(item)
    logger.info("appointments cancelled (%d of %d)", len(done), len(items))
    if done:
        dispatcher.utter_message(
            response="utter_cancelled_several", appointments=appointment_lines(done, clinic, said)
        )
    if failed is not None and not done:
        tell_change_failed(dispatcher, failed, "cancellation")
        return after_unfinished_task(tracker)
    if failed is not None:
        logger.warning("cancellation of %d of %d failed: %s", len(left), len(items), failed)
        dispatcher.utter_message(
            response="utter_still_booked", appointments=appointment_lines(left, clinic, said)
        )
        return after_unfinished_task(tracker)
    return offer_second_request(dispatcher, tracker)


def move_instead(
    dispatcher: CollectingDispatcher, tracker: Tracker, item: dict[str, Any]
) -> list[EventType]:
    """ "No wait, can I move it instead?" at "Cancel it?": nothing is cancelled, and the move
    of that same appointment starts at "What day or time?" (it is not asked which one)."""
    dispatcher.utter_message(response="utter_move_instead")
    slots = {**tracker.slots, "appointment_choice": item["id"]}
    kept = ValidateRescheduleForm().on_choice(slots, item["id"])
    latest = last_event(tracker.events, "user")
    return (
        [SlotSet("cancel_confirmed", None)]
        + [SlotSet(slot, value) for slot, value in kept.items()]
        + replayed(latest_text(tracker), "reschedule_appointment", latest, [])
    )


class ActionRescheduleAppointment(Action):
    """Submit of the reschedule form: book the new time, then release the old one."""

    def name(self) -> str:
        return "action_reschedule_appointment"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        ending = _finish(dispatcher, tracker)
        if ending is not None:
            return ending
        reset = [SlotSet(slot, None) for slot in MANAGE_SLOTS]
        item = chosen_appointment(tracker.slots)
        offer = chosen_offer(tracker.slots)
        if item is None or offer is None or tracker.get_slot("booking_confirmed") is not True:
            dispatcher.utter_message(response="utter_stopped")
            return reset + after_unfinished_task(tracker)
        clinic = get_clinic()
        try:
            # Last check: not into a time the patient is already booked (other than this one).
            refusal = check_offer(offer, dict(tracker.slots), clinic, moving=item["id"])
            if refusal is not None:
                return refusal_events(dispatcher, tracker, refusal, offer["id"], "reschedule_form")
            moved = scheduling_client().reschedule(item["id"], offer["id"])
        except SlotTaken:
            return offer_others(dispatcher, tracker, offer["id"], "reschedule_form")
        except FhirError as exc:  # incl. BackendUnavailable
            tell_change_failed(dispatcher, exc, "reschedule")
            return reset + after_unfinished_task(tracker)
        logger.info("appointment rescheduled")
        new_item = {**offer, "visit_type": item.get("visit_type")}
        moved_office = offer.get("location") != item.get("location")
        dispatcher.utter_message(
            response="utter_rescheduled",
            old=day_and_time(datetime.fromisoformat(item["start"]), clinic),
            summary=appointment_sentence(new_item, clinic, whose(tracker.slots, clinic)),
            # Another office: where it is now (the patient could have gone to the old one).
            where=(
                f" It's at a different office now: {address_line(offer.get('location'), clinic)}."
                if moved_office
                else ""
            ),
        )
        last = [
            SlotSet("last_booked", moved.id),  # "actually cancel it" means this one
            SlotSet("moved_from", item["start"]),  # "put it back" means this time
        ]
        return reset + last + offer_second_request(dispatcher, tracker)
