"""Reschedule: a new time for an appointment, searched, offered and confirmed first.

Nothing moves before an explicit "yes". The new slot is booked first and then the old one
cancelled, so the patient never ends up with none or two (see the FHIR client).
"""

from __future__ import annotations

import logging
import re
from datetime import datetime
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActiveLoop, EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.all_appointments import kept_and_rest, means_the_other_one
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
    later_on_days_named,
    later_times,
    other_times,
    refusal_events,
    refuse,
    turned_down,
)
from actions.booking_times import offer_others, tell_change_failed
from actions.clients.fhir_model import FhirError, SlotTaken
from actions.clinic_config import ClinicConfig
from actions.date_changes import says_a_shift, shift_said_as_day
from actions.date_words import CANNOT_COME_AT_ITS_TIME, CANNOT_COME_ON_WEEKDAY
from actions.dates import parse_when
from actions.formatting import a_or_an, address_line, appointment_sentence, day_and_time
from actions.manage_appointments import MANAGE_SLOTS, WRONG_ONE, ManageForm, described_fits, finish
from actions.matching import find_location, find_visit_type
from actions.message_reading import safety_flagged, yes_or_no
from actions.patient_match import scheduling_client
from actions.patient_words import whose
from actions.second_request import (
    after_unfinished_task,
    offer_second_request,
    replay_as,
    yes_and_another,
)
from actions.settings import get_clinic
from actions.slot_search import chosen_appointment, days_searched
from actions.stop import last_change, switches_to_cancel
from actions.tracker_reading import (
    form_texts,
    is_button_payload,
    last_event,
    latest_intent,
    latest_text,
)
from actions.typed_answers import NEVER_MIND
from actions.undo_words import UNDO_A_MOVE, said_undo
from actions.visit_request import (
    NOT_THE_OTHER,
    OTHER_OFFICE,
    PICK_DETAILS,
    answers_a_visit_question,
    asks_more_times,
    not_the_one_before,
    only_other_office,
    picked_offer,
    picks_a_shown_time,
    read_search_details,
)

logger = logging.getLogger(__name__)


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


# A move said as a cancellation and a booking: what follows the booking is the new time.
CANCEL_THEN_BOOK = re.compile(
    r"\bcancel\b.*?\b(?:and|then|&)\s+(?:\w+\s+){0,2}?(?:book|schedule|make|get|set up)\b",
    re.IGNORECASE,
)


def new_time_part(text: str) -> str:
    """ "move my physical from the 8th to the 9th": what comes after "to" is the new time (the
    8th is the appointment, see ``described``). Without such a split, the text less the
    appointment it describes ("need to move my thursday appt" searched Thursdays)."""
    # ("i cant make my appointment friday, my car broke down": the Friday is the appointment's,
    # and Fridays were left out of the search)
    for its_own in (CANNOT_COME_ON_WEEKDAY, CANNOT_COME_AT_ITS_TIME):
        if its_own.search(text):
            text = " ".join(its_own.sub(" ", text).split())
    if (then_book := CANCEL_THEN_BOOK.search(text)) is not None:
        # "cancel my appointment on friday and book a new one next week": the new time is
        # what follows the booking (it searched only next week's Friday)
        return text[then_book.end() :]
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


# Just after a cancellation, "ok book me something next week instead", "i want to rebook the
# follow up i just cancelled": that visit booked again (read as a reschedule, the patient's
# other appointment was offered to be moved, and "i meant the one i just cancelled" could not
# stop it). Not "move my physical instead", nor "change my other appointment too".
REBOOKS = re.compile(
    r"\bre-?book|\bbook\b|\bcancel+ed\b|\b(a )?new (one|time|appointment|appt|visit)\b",
    re.IGNORECASE,
)
MOVES_ANOTHER = re.compile(r"\b(move|push|shift|bump|swap)\b|\bother\b", re.IGNORECASE)
# "actually wait can i just move it to the afternoon" right after "I've cancelled ...": the
# one just cancelled, as "it" ("You have no upcoming appointments, so there's nothing to move").
MOVES_IT = re.compile(
    r"\b(move|push|shift|bump|switch|change|reschedule)\s+(it|that|that one|this one)\b"
    r"(?!.*\b(my other|the other|other one|another (one|appointment|appt|visit))\b)",
    re.IGNORECASE,
)


def rebooks_the_cancelled(tracker: Tracker) -> bool:
    """A reschedule request that asks for the visit just cancelled to be booked again."""
    if last_change(tracker) != "action_cancel_appointment":
        return False
    text = latest_text(tracker)
    return bool(MOVES_IT.search(text)) or (
        bool(REBOOKS.search(text)) and not MOVES_ANOTHER.search(text)
    )


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
                # ("9am" at the times shown, read as a look-up at 0.87: the recap, and the same
                # times again; a time is an answer)
                (
                    latest_intent(tracker)[0] == "check_appointment"
                    and parse_when(latest_text(tracker), self.clinic.now()) is None
                )
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
            days_searched(slots, clinic, clinic.now()),
            moving=True,
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
                # "a couple of days later": counted from the appointment's day by the search;
                # only the words for the new time ("move my 2pm appt on thursday to earlier
                # that day" searched around 2pm, the appointment's own time)
                shift = new_time if new_time and says_a_shift(new_time) else text
                updates["date_preference"] = without_birth_dates(shift, clinic.now().date())
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
        if requested == "slot_choice" and updates.get("date_preference"):
            # "anything later on wednesday?": after the Wednesday time just shown
            updates.update(later_on_days_named(text, slots, updates["date_preference"], clinic))
        if any(k in updates for k in SEARCH_SLOTS):
            self._search_again(dispatcher, updates, slots)
            return updates
        if requested == "slot_choice":
            if picked is not None:
                ids = [o["id"] for o in offers]
                return self._guard(dispatcher, slots, offers[ids.index(picked)])
            if asks_more_times(text):
                # "any other times?", "something later": the same three again
                dispatcher.utter_message(response="utter_ask_other_time")
                # (later on the days searched: "the afternoon instead" was every afternoon's)
                searched = {**slots, "date_preference": days_searched(slots, clinic, clinic.now())}
                return {**other_times(slots), **later_times(text, searched, clinic)}
            if intent == "deny":
                dispatcher.utter_message(response="utter_ask_other_time")
                return {"date_preference": None, **other_times(slots)}
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
        if not (APPOINTMENT_WORD.search(rest) or find_visit_type(rest, self.clinic) is not None):
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


# Words of a new time, at most: "next month", "friday afternoon" (not a whole sentence).
MAX_NEW_TIME_WORDS = 6


def booking_instead(tracker: Tracker) -> str | None:
    """What to book when there is nothing to move, in the request's words: "push my physical
    to next month" -> "book an annual physical next month" (its "Book an appointment" asked
    again what kind of visit, and when); None when the request named neither."""
    texts = form_texts(tracker)
    text = texts[0] if texts else ""
    if not text or text.startswith("/"):
        return None
    clinic = get_clinic()
    visit = find_visit_type(text, clinic)
    verb = MOVE_VERB.search(text)
    parts = NEW_TIME.split(text[verb.end() :], maxsplit=1) if verb else []
    when = parts[1].strip(" .!?") if len(parts) == 2 else ""
    if len(when.split()) > MAX_NEW_TIME_WORDS or parse_when(when, clinic.now()) is None:
        when = ""
    if visit is None and not when:
        return None
    what = a_or_an(visit.name) if visit is not None else "an appointment"
    return " ".join(f"book {what} {_said_after_a_visit(when)}".split())


# A new time that needs its little word after "book an appointment" ("Book an appointment the
# afternoon"): "in the afternoon", "on friday", "on the 14th".
_PART_OF_DAY_FIRST = re.compile(r"^(?:the )?(?:morning|afternoon|evening)s?\b", re.IGNORECASE)
_DAY_FIRST = re.compile(
    r"^(?:(?:mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)[a-z]*|the \d{1,2}(?:st|nd|rd|th)?)\b",
    re.IGNORECASE,
)


def _said_after_a_visit(when: str) -> str:
    if _PART_OF_DAY_FIRST.match(when):
        return f"in {when}" if when.lower().startswith("the ") else f"in the {when}"
    if _DAY_FIRST.match(when):
        return f"on {when}"
    return when


class ActionRescheduleAppointment(Action):
    """Submit of the reschedule form: book the new time, then release the old one."""

    def name(self) -> str:
        return "action_reschedule_appointment"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        ending = finish(dispatcher, tracker, "move", booking_instead(tracker))
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
