"""Cancel: one appointment or several, asked about and confirmed first.

Nothing is cancelled before an explicit "yes". "No wait, can I move it instead?" at that question
keeps the appointment and starts moving it (``actions/reschedule_appointment.py``).
"""

from __future__ import annotations

import logging
import re
from datetime import date, datetime
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.all_appointments import (
    ALL_APPOINTMENTS,
    appointment_lines,
    how_many,
    kept_and_rest,
    means_all,
    means_the_other_one,
    means_the_others,
)
from actions.answer_beside import with_text
from actions.birth_dates import without_birth_dates
from actions.booking_guards import late_change_policy
from actions.booking_times import tell_change_failed
from actions.clients.fhir_model import BackendUnavailable, FhirError
from actions.clinic_config import ClinicConfig
from actions.dates import day_label, parse_when, today_if_named_alone
from actions.formatting import appointment_sentence
from actions.manage_appointments import MANAGE_SLOTS, WRONG_ONE, ManageForm, described_fits, finish
from actions.message_reading import safety_flagged, yes_or_no
from actions.patient_match import scheduling_client
from actions.patient_words import whose
from actions.request_context import BEREAVEMENT, death_said
from actions.reschedule_appointment import ValidateRescheduleForm
from actions.second_request import (
    after_unfinished_task,
    has_second_request,
    offer_second_request,
    replayed,
    yes_and_another,
)
from actions.settings import get_clinic
from actions.slot_search import chosen_appointment
from actions.tracker_reading import (
    form_texts,
    is_button_payload,
    last_event,
    last_response,
    latest_text,
)
from actions.visit_request import ORDINAL_PICK

logger = logging.getLogger(__name__)

CANCEL_REASON = "Cancelled by the patient in the chat assistant"


# "no wait, can i move it instead?" to "Cancel it?": keep it, and look for a new time.
MOVE_INSTEAD = re.compile(
    r"\b(move|moving|reschedule|resched|rebook|switch|change (it|the (day|time|date))|"
    r"(another|different|new|later) (day|time|date))\b",
    re.IGNORECASE,
)


# Why the appointment is cancelled, said instead of yes ("he's feeling better", "something came
# up"): heard, and the question asked again (it got "Please tap one of the options"). Nothing
# is cancelled without the yes.
REASON_SAID = re.compile(
    r"\b(?:(?:i|he|she|we|they|im|hes|shes|were|theyre)(?:'?m|'?s|'?re| am| is| are)? "
    r"(?:feeling |doing )?(?:much |a lot |way |so much )?better|feels? (?:much )?better|"
    r"recovered|something (?:came|has come|come) up|"
    r"(?:can'?t|cannot|won'?t|will not|unable to|not able to) (?:make it|come|go|be there|"
    r"get there)|out of town|(?:have|got|need) to work|"
    r"(?:no longer|don'?t|do not|doesn'?t|does not) need (?:it|him|her|the (?:visit|appointment|"
    r"appt)|to (?:come|be seen|go))|(?:went|going) to (?:urgent care|the er|another (?:doctor|"
    r"clinic))|moving away|moved away|no (?:ride|transportation|babysitter|childcare))\b",
    re.IGNORECASE,
)


REASON_HEARD = "utter_cancel_reason_heard"
# ...said warmly when the reason is getting better ("Thanks for letting me know" to "im feeling
# better so i dont need it").
BETTER_HEARD = "utter_cancel_reason_better"
GOT_BETTER = re.compile(r"\b(?:better|recovered)\b", re.IGNORECASE)


def reason_heard(text: str) -> str:
    """The response that hears the reason given for cancelling."""
    return BETTER_HEARD if GOT_BETTER.search(text) else REASON_HEARD


# Cancelling because someone is ill ("cancel both my appointments tomorrow, i have covid"): it
# got "Just to check" with no word of it. The writer, or someone else.
_ILLNESS = (
    r"(?:sick|ill|unwell|not feeling (?:well|good|great)|feeling (?:sick|unwell|awful|terrible)"
    r"|(?:got|have|has|caught|came down with|tested positive for) (?:covid(?:-?19)?|the flu|flu|"
    r"a (?:bad )?cold|a fever|strep|a stomach bug|the stomach flu|rsv)|tested positive"
    # "cancel my moms appointment, she's in the hospital" got "Just to check" with no word of it
    r"|in (?:the )?hospital|hospitali[sz]ed|admitted(?: to (?:the )?hospital)?|in the er"
    r"|in the emergency room|in an accident|had (?:a |an )?(?:surgery|operation|accident|fall))"
)
_ILL_NOW = r"(?:\s+(?:been|a bit|so|really|too))?\s+" + _ILLNESS
WRITER_ILL = re.compile(rf"\b(?:i|im|i'm|i am|i've|ive|i have|i got|i just){_ILL_NOW}\b", re.I)
OTHER_ILL = re.compile(
    r"\b(?P<who>he|she|they|hes|he's|shes|she's|theyre|they're|my (?:son|daughter|kid|child|"
    r"husband|wife|mom|dad|mother|father|baby|partner))(?:\s+(?:is|are|has|have|got|was|were))?"
    + _ILL_NOW
    + r"\b",
    re.I,
)
HE = re.compile(r"\b(?:he|hes|he's|son|husband|dad|father)$", re.I)
SHE = re.compile(r"\b(?:she|shes|she's|daughter|wife|mom|mother)$", re.I)


def illness_said(texts: list[str]) -> str | None:
    """A kind word for an illness given as the reason to cancel, or None."""
    joined = " ".join(texts).replace("\u2019", "'")
    if WRITER_ILL.search(joined):
        return "I'm sorry you're not feeling well. I hope you feel better soon."
    other = OTHER_ILL.search(joined)
    if other is None:
        return None
    who = other["who"]
    hope = "he feels" if HE.search(who) else "she feels" if SHE.search(who) else "they feel"
    return f"I'm sorry to hear that. I hope {hope} better soon."


def reason_said(text: str) -> bool:
    """Whether ``text`` gives a reason to cancel (and no yes or no: those are read first)."""
    return REASON_SAID.search(text.replace("\u2019", "'")) is not None or bool(illness_said([text]))


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
            requested == "cancel_confirmed"
            and (moves_instead(latest_text(tracker)) or reason_said(latest_text(tracker)))
        )

    def should_let_through(self, tracker: Tracker) -> bool:
        text = latest_text(tracker)
        if (
            tracker.get_slot("requested_slot") == "cancel_confirmed"
            and not safety_flagged(tracker)
            and (
                yes_and_another(text, "cancel_appointment") is not None
                or self.corrected_choice(tracker, dict(tracker.slots)) is not None
                # ("i have to work that day" was a goodbye: "Take care!")
                or reason_said(text)
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

    def explain(
        self, dispatcher: CollectingDispatcher, requested: str | None, text: str = ""
    ) -> None:
        if requested == "cancel_confirmed" and (kind_word := illness_said([text])):
            dispatcher.utter_message(text=kind_word)
            return
        if requested == "cancel_confirmed" and reason_said(text):
            dispatcher.utter_message(response=reason_heard(text))
            return
        super().explain(dispatcher, requested, text)


class ActionAskCancelConfirmed(Action):
    def name(self) -> str:
        return "action_ask_cancel_confirmed"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        clinic = get_clinic()
        # (no fee spoken of to someone cancelling for a person who died)
        bereaved = death_said(tracker)
        kind_word = illness_said(form_texts(tracker))
        if kind_word and not any(
            e.get("event") == "bot" and e.get("text") == kind_word for e in tracker.events
        ):
            dispatcher.utter_message(text=kind_word)
        if tracker.get_slot("appointment_choice") == ALL_APPOINTMENTS:
            items = tracker.get_slot("my_appointments") or []
            policies = (
                []
                if bereaved
                else [late_change_policy(i, tracker, clinic, no_fee_said=False) for i in items]
            )
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
        if (
            reason_said(latest_text(tracker))
            and not kind_word
            and last_response(tracker) not in (REASON_HEARD, BETTER_HEARD)
        ):
            # "the one on monday, he's feeling better" at "Which appointment?": the question
            # with no word of it (it is heard when said at the question: ValidateCancelForm)
            dispatcher.utter_message(response=reason_heard(latest_text(tracker)))
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
    # ("cancel the 2nd one": the second in the list, not "I don't see an appointment on Jan 2")
    text = ORDINAL_PICK.sub(" ", text)
    when = parse_when(without_birth_dates(text, now.date()), now)
    if when is None or when.start != when.end:
        return None
    return today_if_named_alone(when.start, text, now.date())  # "my saturday appt" today


class ActionCancelAppointment(Action):
    """Submit of the cancel form."""

    def name(self) -> str:
        return "action_cancel_appointment"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        ending = finish(dispatcher, tracker, "cancel")
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
