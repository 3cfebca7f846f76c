"""Stopping a task ("never mind"), and the messages the model reads as a stop that ask for
something else: "actually just cancel it" while moving an appointment, "yes cancel it" in the
cancellation, "undo that" just after one, or a plan name after the insurance question.

``ActionStop`` stops only what the patient plainly meant to stop. What it reads (the last
change in this session, the action before the message) is read by other actions too.
"""

from __future__ import annotations

import re
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActiveLoop, EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.remembered_patient import restored_patient
from actions.tracker_reading import events_this_session, last_event, latest_text
from actions.undo_words import UNDO_A_CANCEL, said_undo
from addons.just_asking_guard import just_asking

FORM_SLOTS_TO_RESET = [
    "requested_slot",
    "patient_status",
    "verify_name",
    "verify_dob",
    "partial_name",
    "partial_dob",
    "tried_name",
    "new_phone",
    "visit_type",
    "practitioner",
    "practitioner_not",
    "location",
    "date_preference",
    "slot_choice",
    "offered_slots",
    "booking_confirmed",
    "appointment_choice",
    "my_appointments",
    "cancel_confirmed",
    "dispute_details",
    "escalation_reason",
    "identity_declined",
    "pending_request",
    "usual_clinician",
    "own_clinician_asked",
]


# "actually can you cancel it" with no task running (say, just after a booking): the patient
# wants an appointment cancelled, not a task stopped (the cancel form confirms first).
CANCEL_AN_APPOINTMENT = re.compile(
    # ("no, actually cancel the tuesday one, i booked it twice": "What I confirmed stays")
    r"\bcancel+(ing)? (it|that|this|(the|my|this|that) ([a-z0-9]+ )?(appointment|appt|visit|"
    r"booking|one))\b",
    re.IGNORECASE,
)


# "actually just cancel it" while moving an appointment: cancel it instead (the cancel form
# asks before cancelling, so a misreading costs one "no").
CANCEL_INSTEAD = re.compile(
    r"\bcancel+(ing)? (it|instead|(it|that) instead|(the|my|this) (appointment|appt|visit|"
    r"whole thing|physical|checkup|one)|altogether|all together|"
    # "actually just cancel all my appts": got "let's move them one at a time"
    r"(them )?(all|both|every ?(one|thing))|them)\b",
    re.IGNORECASE,
)
# "cancel" said and not taken back ("don't cancel it", "can't cancel because of the fee").
NOT_CANCEL = re.compile(
    r"\b(don'?t|dont|do not|not|never|can'?t|cannot|won'?t|wouldn'?t|rather not|instead of|"
    r"without|no need to)( want)?( to)? cancel\w*",
    re.IGNORECASE,
)
# Kept when a move becomes a cancellation: the appointment chosen, the list it is from, and a
# complaint waiting for the task.
KEPT_FOR_CANCEL = ("appointment_choice", "my_appointments", "pending_request")


def cancels_instead(text: str) -> bool:
    """ "hmm actually just cancel it" (not "don't cancel it, just move it")."""
    return bool(CANCEL_INSTEAD.search(NOT_CANCEL.sub(" ", text)))


def switches_to_cancel(text: str, intent: str | None) -> bool:
    """While moving an appointment: the patient wants it (or them) cancelled instead, "actually
    cancel the dec 7 one instead" (read as a cancellation, yet taken as the one to move) or
    "hmm just cancel it" (read as a stop). Not "i cant cancel, just move it"."""
    if cancels_instead(text):
        return True
    return intent == "cancel_appointment" and bool(
        re.search(r"\bcancel", NOT_CANCEL.sub(" ", text), re.IGNORECASE)
    )


# "yes cancel it", "ok please cancel": a yes to cancelling, not a "stop".
YES_CANCEL = re.compile(
    r"^\W*(yes|yeah|yep|yup|ok|okay|sure|please|go ahead)\b[^.?!]{0,30}\bcancel", re.IGNORECASE
)


def asks_to_cancel(text: str) -> bool:
    """ "yes cancel it", "cancel that one" (not "no don't cancel", "cancel the cancellation")."""
    if re.search(r"\b(don'?t|do not|not|never|no)\b", text, re.IGNORECASE):
        return False
    return bool(YES_CANCEL.search(text)) or cancels_instead(text)


# Words a real "stop" has; a message read as one without any of them was misread.
STOP_WORDS = re.compile(
    r"\b(stop|never ?mind|nvm|forget|cancel|quit|nothing|no|nah|nope|enough|don'?t|not now|"
    r"leave it|scratch|done|exit|end|start over|start again|restart|changed? my mind|skip|"
    r"anymore|maybe later|(just|only) (asking|wondering|checking|curious))\b",
    re.IGNORECASE,
)


def action_before_message(tracker: Tracker, past_replays: bool = False) -> str | None:
    """The last action (other than listening) before the latest patient message. With
    ``past_replays``, for a message replayed as another intent (same message id): the last
    action before the patient sent it, not the action that replayed it."""
    events = list(tracker.events)
    users = (i for i in range(len(events) - 1, -1, -1) if events[i].get("event") == "user")
    start = next(users, None)  # (read from the end: the tracker may be long)
    if start is None:
        return None
    message_id = events[start].get("message_id")
    if past_replays and message_id:
        for i in users:
            if events[i].get("message_id") != message_id:
                break
            start = i
    for i in range(start - 1, -1, -1):
        if events[i].get("event") == "user":
            return None
        if events[i].get("event") == "action" and events[i].get("name") != "action_listen":
            return events[i].get("name")
    return None


CHANGING_ACTIONS = (
    "action_book_appointment",
    "action_reschedule_appointment",
    "action_cancel_appointment",
)


def last_change(tracker: Tracker) -> str | None:
    """The last booking, move or cancellation action that ran in this session, if any."""
    for event in events_this_session(tracker):
        if event.get("event") == "action" and event.get("name") in CHANGING_ACTIONS:
            return str(event["name"])
    return None


def changed_this_session(tracker: Tracker) -> bool:
    """Whether a booking, move or cancellation ran in this session."""
    return last_change(tracker) is not None


# Words that name an appointment ("cancel my appointment"), not just "cancel that".
NAMES_AN_APPOINTMENT = re.compile(r"\b(appointments?|appts?|visits?|bookings?)\b", re.IGNORECASE)


def cancels_an_appointment(tracker: Tracker, text: str) -> bool:
    """ "actually can you cancel it" just after a booking, or "cancel my appointment" read as a
    stop; not "cancel that" after the parking answer (a never mind: it asked who the patient
    was, to cancel an appointment nobody had mentioned)."""
    if not CANCEL_AN_APPOINTMENT.search(text):
        return False
    return bool(NAMES_AN_APPOINTMENT.search(text)) or (
        changed_this_session(tracker)
        or action_before_message(tracker) in ("action_show_appointments", *CHANGING_ACTIONS)
    )


def answered_undo_of_cancel(dispatcher: CollectingDispatcher, tracker: Tracker) -> bool:
    """Said, when the patient asks to undo the cancellation just made: it is done, and a new
    time can be booked (the same one, if still free). Was "What I confirmed earlier stays as
    it is", or a complaint and a paused chat. Also inside the booking started by [Book another
    time] after it ("wait no, undo that! i didnt mean to cancel": "Nothing was changed")."""
    if tracker.active_loop_name not in (None, "booking_form"):
        return False
    if last_change(tracker) != "action_cancel_appointment":
        return False
    if not said_undo(UNDO_A_CANCEL, latest_text(tracker)):
        return False
    dispatcher.utter_message(response="utter_cancel_not_undone")
    return True


class ActionStop(Action):
    """ "Never mind": stop whatever form is running, change nothing, say so."""

    def name(self) -> str:
        return "action_stop"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        text = latest_text(tracker)
        if (
            tracker.active_loop_name is None
            and not STOP_WORDS.search(text)
            and action_before_message(tracker) == "action_check_insurance"
        ):
            # "Which insurance plan do you have?" - "Zenith Mutual", read as "stop" (an unknown
            # name, no word of stopping): the plan is checked.
            return [FollowupAction("action_check_insurance")]
        # (both import this module)
        from actions.reschedule_appointment import moved_back_to
        from actions.second_request import (
            answered_at_once,
            pending_complaint,
            replayed,
            start_second_request,
        )

        if tracker.active_loop_name is None and (back := moved_back_to(tracker)):
            # "put it back to the original time" after a move (read as a stop): "What I
            # confirmed earlier stays as it is". The move back starts, at that time.
            latest = last_event(tracker.events, "user")
            return replayed(f"move it back to {back}", "reschedule_appointment", latest, [])
        undoing = last_change(tracker) == "action_cancel_appointment" and said_undo(
            UNDO_A_CANCEL, text
        )
        if (
            tracker.active_loop_name is None
            and not undoing  # "nooo i didnt want to cancel that": not another cancellation
            and cancels_an_appointment(tracker, text)
        ):
            latest = last_event(tracker.events, "user")
            return replayed(text, "cancel_appointment", latest, [])
        if tracker.active_loop_name == "reschedule_form" and cancels_instead(text):
            # "hmm actually just cancel it" while moving it: "Nothing was changed", and the
            # appointment stayed. The cancel form starts, for the same appointment.
            latest = last_event(tracker.events, "user")
            return (
                [ActiveLoop(None)]
                + [
                    SlotSet(slot, None)
                    for slot in FORM_SLOTS_TO_RESET
                    if tracker.get_slot(slot) and slot not in KEPT_FOR_CANCEL
                ]
                + replayed(text, "cancel_appointment", latest, [])
            )
        if tracker.active_loop_name == "cancel_form" and asks_to_cancel(text):
            # "yes cancel it" in the cancellation itself, read as "stop": "Nothing was changed"
            # was the opposite of what was asked. A yes to "Shall I cancel...?", else an answer
            # to "Which appointment?" (asked again if it names none).
            latest = last_event(tracker.events, "user")
            confirming = tracker.get_slot("requested_slot") == "cancel_confirmed"
            return replayed(text, "affirm" if confirming else "inform", latest, [])
        if answered_undo_of_cancel(dispatcher, tracker):
            pass
        elif tracker.active_loop_name is None and just_asking(text):
            # "no i was just asking" after an answer: nothing to stop
            dispatcher.utter_message(response="utter_anything_else")
        elif tracker.active_loop_name is None and changed_this_session(tracker):
            # "put it back to the original time" after a move: not "Nothing was changed"
            dispatcher.utter_message(response="utter_stopped_after_a_change")
        else:
            dispatcher.utter_message(response="utter_stopped")
        reask = [
            SlotSet(flag, False)
            for flag in ("identity_reask", "last_name_asked", "birth_year_asked", "birth_day_asked")
            if tracker.get_slot(flag)
        ]
        events = (
            [ActiveLoop(None)]
            + reask
            + [SlotSet(slot, None) for slot in FORM_SLOTS_TO_RESET if tracker.get_slot(slot)]
        )
        previous = tracker.get_slot("previous_patient")
        if previous and not tracker.get_slot("verified"):
            # "and my wife's?" - "actually nvm": the writer, verified before, is still the
            # patient ("whats my balance again" asked for a name and birth date).
            events += [SlotSet(slot, value) for slot, value in restored_patient(previous).items()]
        complaint = pending_complaint(tracker)
        if complaint is not None:
            # The task the complaint asked for was stopped; the complaint still reaches staff.
            return events + start_second_request(tracker, complaint)
        question = tracker.get_slot("pending_request")
        if tracker.active_loop_name and answered_at_once(question):
            # "do i still owe anything?" kept for after the booking, which was stopped
            return events + start_second_request(tracker, question)
        return events
