"""What every patient form shares: deciding, per message, whether it answers the form.

Each form (booking, reschedule, cancel, check, balance) has a validation action built on
:class:`PatientForm`. For every message while the form is active it:

1. lets safety and escalation messages, "stop", and other questions through: it returns no
   slot, Rasa rejects the form for this turn, and the ordinary rules answer (911/988, parking,
   hours, ...). Rasa then returns to the form, which asks its question again;
2. otherwise reads the message for anything the form needs, in any order ("a physical with
   Dr. Patel next Tuesday at the north office"), including corrections of earlier answers;
3. if nothing in the message fits, says what it needs, with an example, and asks again.

The next question is chosen here too (``requested_slot``), so a form asks only for what is
still missing.
"""

from __future__ import annotations

import logging
import re
from abc import abstractmethod
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.answer_beside import ANSWERED_BESIDE, statement_clauses, with_text
from actions.booking_guards import about_the_patient
from actions.clinic_config import ClinicConfig
from actions.dates import parse_when
from actions.identity_answers import YES_ONLY, says_this_number
from actions.mentions import given_identity, relative_identity
from actions.message_reading import (
    VENTING,
    about_the_bot,
    safety_flagged,
    worded_as_complaint,
    yes_or_no,
    yes_taken_back,
)
from actions.offer_answers import offer_before_question
from actions.own_clinician import aside_events as own_clinician_aside
from actions.phone import find_phone
from actions.remembered_patient import writer_to_go_back_to
from actions.settings import get_clinic
from actions.stop import STOP_WORDS
from actions.tracker_reading import is_button_payload, latest_intent, latest_text
from actions.typed_answers import (
    ALREADY_SAID,
    CHANGE_INSTEAD,
    CONFIRMATION_SLOTS,
    HESITANT,
    LEAVING,
    NOT_KNOWN_REPLY,
    OK_THEN_PAUSE,
    QUESTION_BACK,
    STILL_THERE,
    TYPO_SAID,
    UNDECIDED,
    WHAT_I_ASKED,
    WHERE_WERE_WE,
    WHERE_WERE_WE_WORDS,
)
from actions.writers import name_said_before, writer_is_relative
from addons.just_asking_guard import just_asking

logger = logging.getLogger(__name__)

# Handled by their own rules whatever form is active (Rasa returns to the form afterwards).
ESCALATION_INTENTS = {
    "emergency",
    "crisis",
    "request_human",
    "medical_advice",
    "test_results",
    "complaint",
    "billing_dispute",
}
# Never held back by a form, even when the message also starts with "yes" or "no".
URGENT_INTENTS = {"emergency", "crisis", "request_human", "share_card_number"}
# Forms whose questions a day answers ("as soon as possible"), at whichever question.
SEARCH_FORMS = {"booking_form", "reschedule_form"}
PAIN_WORDS = re.compile(r"\b(hurts?|hurting|pain|painful|aches?|aching|sore|killing me)\b", re.I)
QUESTION_INTENTS = {
    "parking",
    "directions",
    "contact_info",
    "clinic_hours",
    "ask_clinicians",
    "faq",
    "billing_pay",
    "billing_insurance",
    "bot_challenge",
    "out_of_scope",
    "greet",
    "thank",
    "goodbye",
}
TASK_INTENTS = {
    "book_appointment",
    "reschedule_appointment",
    "cancel_appointment",
    "check_appointment",
    "billing_balance",
}
# Tasks that keep a balance question for when they are done (PatientForm.question_for_later).
DEFERS_THE_BALANCE = {"booking_form", "reschedule_form", "cancel_form"}
BALANCE_QUESTION_CHARS = 160
# Below this confidence an "interrupting" intent is more likely an answer we failed to read.
INTERRUPT_CONFIDENCE = 0.6

# The questions of the identity check.
IDENTITY_SLOTS = {"verify_name", "verify_dob", "new_phone"}
# Questions answered by tapping one of the offered options (or replying with its number).
CHOICE_SLOTS = {
    "visit_type",
    "practitioner",
    "location",
    "appointment_choice",
    "patient_status",
    "booking_confirmed",
    "cancel_confirmed",
}


# A question about the time offered for confirmation, answered by asking again.
ABOUT_THE_OFFER = re.compile(
    r"^\W*(?:(?:wait|sorry|um+|uh+|ok|and|so)\W+)*(?:who(?:'?s| is| was)? (?:it|that|this) "
    r"(?:with|w)|what (?:time|day|date)(?:'?s| is| was) (?:it|that|this)|which (?:office|"
    r"location|doctor|dr)(?:'?s| is| was)? (?:it|that|this)(?: at| with)?|where(?:'?s| is| was) "
    r"(?:it|that|this))\b(?: again)?\W*$",
    re.IGNORECASE,
)


def asks_about_the_offer(tracker: Tracker) -> bool:
    """ "who is it with?" at "Shall I book it?": answered by the question, asked again."""
    return tracker.get_slot("requested_slot") in CONFIRMATION_SLOTS and bool(
        ABOUT_THE_OFFER.search(latest_text(tracker))
    )


def _feelings_only(text: str) -> bool:
    # (actions.feelings reads requests with actions.second_request, which imports this module)
    from actions.feelings import feelings_only

    return feelings_only(text)


class PatientForm(Action):
    """Base validation action for a patient form: what it needs and how to read it."""

    form_name = ""
    # Intents that are this form's own business (they never interrupt it).
    own_intents: set[str] = set()

    def name(self) -> str:
        return f"validate_{self.form_name}"

    # --- to implement ---------------------------------------------------------------------

    @abstractmethod
    def next_slot(self, slots: dict[str, Any], tracker: Tracker) -> str | None:
        """The next slot to ask for, given the slots so far; None when the form is complete."""

    @abstractmethod
    def extract(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        slots: dict[str, Any],
        requested: str | None,
    ) -> dict[str, Any]:
        """Slot updates read from the latest message (may utter messages, e.g. on failure)."""

    def on_activation(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, slots: dict[str, Any]
    ) -> dict[str, Any]:
        """Slot updates when the form starts, before the message is read (none by default)."""
        return {}

    def said_again(
        self, dispatcher: CollectingDispatcher, slots: dict[str, Any], text: str
    ) -> bool:
        """Whether a message that answers nothing asked only repeats what the form has (and
        was acknowledged, instead of explained); no by default."""
        return False

    def explain(
        self, dispatcher: CollectingDispatcher, requested: str | None, text: str = ""
    ) -> None:
        """Say what we need when a message (``text``) did not answer ``requested``."""
        if requested in CHOICE_SLOTS | {"date_preference"} and (
            writer_is_relative(text) or about_the_patient(text)
        ):
            # "im his mom" at "What day or time works best?": "Sorry, I didn't catch a day
            # there", as if it were a wrong answer; "she's 5" at "Has your daughter been seen
            # here before?": "Please tap one of the options". Heard (the age is kept for the
            # clinicians offered: booking_guards.age_spoken; "i'm a guy, 34" too), then the
            # question again.
            dispatcher.utter_message(response="utter_identity_noted")
        elif requested == "date_preference":
            dispatcher.utter_message(response="utter_explain_date_preference")
        elif requested == "slot_choice":
            dispatcher.utter_message(response="utter_explain_slot_choice")
        elif requested in CHOICE_SLOTS:
            dispatcher.utter_message(response="utter_explain_choice")
        else:
            dispatcher.utter_message(response="utter_not_understood_in_form")

    # --- shared machinery -----------------------------------------------------------------

    def answer_beside_question(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        slots: dict[str, Any],
        requested: str | None,
    ) -> dict[str, Any]:
        """ "downtown i guess. where do i park there" at "Which office?": the parking rule
        answered, and "downtown" is the answer (it was asked for again)."""
        intent, _ = latest_intent(tracker)
        if requested not in ANSWERED_BESIDE or intent not in QUESTION_INTENTS:
            return {}
        for clause in statement_clauses(latest_text(tracker)):
            said = CollectingDispatcher()
            updates = self.extract(said, with_text(tracker, clause), slots, requested)
            # ("actually north office. is there parking?" at "What day?": the office changed,
            # and the times offered next were all Downtown's)
            if updates.get(requested) or any(
                updates.get(slot) for slot in ANSWERED_BESIDE if slot != "patient_status"
            ):
                dispatcher.messages.extend(said.messages)
                return updates
        return {}

    @property
    def clinic(self) -> ClinicConfig:
        return get_clinic()

    def answers_requested_slot(self, tracker: Tracker, requested: str | None) -> bool:
        """Does the message plainly answer the question asked (a name, a date of birth)?

        Free-text answers such as names are often misread by the intent model ("Carlos
        Rivera" as a question); when the text itself is a valid answer, it wins.
        """
        return False

    def interrupting_intents(self, tracker: Tracker) -> set[str]:
        """Questions and other tasks that interrupt this form (not its own business)."""
        return (QUESTION_INTENTS | TASK_INTENTS) - self.own_intents

    def should_let_through(self, tracker: Tracker) -> bool:
        """Messages that belong to other rules: safety, escalation, stop, other questions."""
        intent, confidence = latest_intent(tracker)
        unsure_safety = bool((tracker.latest_message or {}).get("safety_check"))
        if (
            (intent in ("emergency", "crisis") or unsure_safety)
            and not safety_flagged(tracker)
            and PAIN_WORDS.search(latest_text(tracker))
            and self._answers_anyway(tracker)
        ):
            # "as soon as possible, it really hurts" at "what day works?": the classifier alone
            # read a crisis (988, and a paused chat); no safety rule fired, and it answers the
            # question. Pain that is an emergency (chest, worst headache...) fires a rule.
            return False
        if unsure_safety and not safety_flagged(tracker) and self._gives_details(tracker):
            # "wait sorry its not for me its for my dad, robert miller 11/02/1950" mid-booking:
            # a crisis to the model alone (0.6), answered with 988 instead of booking for him.
            return False
        if (
            tracker.get_slot("requested_slot") == "new_phone"
            and intent not in URGENT_INTENTS
            and not safety_flagged(tracker)
            and (
                find_phone(latest_text(tracker)) is not None
                or says_this_number(latest_text(tracker))
            )
        ):
            # "916.555.0161" at "What's the best phone number?" (a medical question to the
            # model, 0.99): handed to the nurses, and the booking lost; "this number" got
            # the clinic's phone numbers
            return False
        if safety_flagged(tracker) or intent in URGENT_INTENTS or unsure_safety:
            # (unsure_safety: the model alone, unsure, read an emergency or a crisis; the
            # fallback checks in with 911 / 988)
            return True
        if (
            tracker.get_slot("requested_slot") in IDENTITY_SLOTS
            and intent in TASK_INTENTS - self.own_intents
            and writer_to_go_back_to(tracker) is not None
        ):
            # "now back to me, when is MY appointment" during Carlos's check: the writer's
            # request, for the writer (see IdentitySteps)
            return True
        if intent == "stop" and just_asking(latest_text(tracker)):
            # "no i was just asking" at "Shall I book it?": not booked, and no other time
            # looked for (the time shown was dropped as turned down)
            return True
        if (
            tracker.get_slot("requested_slot") in ("verify_name", "verify_dob")
            and intent == "affirm"
            and YES_ONLY.match(latest_text(tracker))  # a yes with nothing more
            and offer_before_question(list(tracker.events)) is not None
        ):
            # "can i do a payment plan" at "What is the patient's full name?": the plans, "Would
            # you like me to connect you with our billing staff?", the name question again; then
            # "yes" was taken as a name ("If typing it here is awkward ..."): it takes the offer
            return True
        confirming = tracker.get_slot("requested_slot") in CONFIRMATION_SLOTS
        if confirming and yes_or_no(tracker) is not None:
            # "Yes, cancel it" answers the question (the model may read "stop"), and so does
            # "no wait keep it" (once read as a complaint, which paused the chat).
            return False
        if any(
            p.match(latest_text(tracker)) for p in (UNDECIDED, ALREADY_SAID, QUESTION_BACK, LEAVING)
        ):
            # "idk" at "Who would you like to see?" (out of scope to the model, 1.0): no
            # preference, read by the form ("Sorry, that's not something I can help with");
            # "i just told you my name??": sorry, and the question again; "what do u mean":
            # the question in other words; "ill book later" (a goodbye, 0.9: "Goodbye", then
            # the question again): nothing done, the place kept
            return False
        if asks_about_the_offer(tracker):
            # "who is it with", "wait what time was that" at "Shall I book it?" / "Is that
            # right?": the question again says it (the old appointment was listed instead,
            # and the move was lost)
            return False
        if intent == "complaint" and (
            not worded_as_complaint(tracker) or about_the_bot(latest_text(tracker))
        ):
            # "actually wait, doesn't he already have one?" and "no wait, the north office"
            # were read as complaints, which handed the chat to staff and paused it
            # mid-booking: the form reads them instead.
            return False
        if (
            tracker.get_slot("requested_slot") in IDENTITY_SLOTS
            and intent in ("billing_dispute", "complaint")
            and TYPO_SAID.search(latest_text(tracker))
        ):
            # "i spelled my name wrong" after a failed check: a complaint about a bill to the
            # model (0.86), handed to billing staff; the form asks for the name again
            return False
        if intent in ESCALATION_INTENTS:
            return True
        if intent == "stop":
            if not STOP_WORDS.search(latest_text(tracker)):
                # "same as mine" at the phone question, read as "stop", threw the whole
                # new-patient booking away ("Nothing was changed"), and so did "actually can
                # it be on a sunday" while moving one: no word of stopping in them.
                return False
            # "scratch that, make it downtown" changes a detail; it does not stop the task.
            return not CHANGE_INSTEAD.search(latest_text(tracker))
        return (
            intent in self.interrupting_intents(tracker)
            and confidence >= INTERRUPT_CONFIDENCE
            and not self.answers_requested_slot(tracker, tracker.get_slot("requested_slot"))
        )

    def _gives_details(self, tracker: Tracker) -> bool:
        """The message answers the question asked, or gives a name and a date of birth (who
        it is for); a date alone may be anything ("since my husband died 3/2/2023")."""
        text = latest_text(tracker)
        today = self.clinic.now().date()
        return self._answers_anyway(tracker) or bool(
            given_identity(text, today) or relative_identity(text, today)
        )

    def _answers_anyway(self, tracker: Tracker) -> bool:
        """The message answers the question asked, whatever the model read: a name, a date
        of birth, or a day while booking ("as soon as possible, it really hurts")."""
        requested = tracker.get_slot("requested_slot")
        if self.answers_requested_slot(tracker, requested):
            return True
        # a day or "as soon as possible", at any question of a task that books
        return self.form_name in SEARCH_FORMS and (
            parse_when(latest_text(tracker), self.clinic.now()) is not None
        )

    def returning_after_interruption(self, tracker: Tracker) -> bool:
        """Did another action answer the latest message before the form ran again?

        Rasa runs the validation with the form itself as the latest action, so look at every
        action since the patient's last message.
        """
        for event in reversed(tracker.events):
            if event.get("event") == "user":
                return False
            if event.get("event") == "action" and event.get("name") not in (
                self.form_name,
                "action_listen",
                None,
            ):
                return True
        return False

    def starting(self, tracker: Tracker) -> bool:
        """Is this the form's first run, on the message that started it? (Rasa has already
        written the form's ``active_loop`` event when it asks for the validation.)"""
        for event in reversed(tracker.events):
            if event.get("event") == "user":
                break
            if event.get("event") == "active_loop" and event.get("name") == self.form_name:
                return True
        return tracker.active_loop_name != self.form_name

    def question_for_later(self, tracker: Tracker) -> dict[str, str] | None:
        """ "do i still owe anything?" in the middle of a booking, a move or a cancellation:
        kept, and answered when the task is done (or stopped). The balance check is a task of
        its own, which ended this one: the times offered were never offered again."""
        intent, confidence = latest_intent(tracker)
        text = latest_text(tracker)
        if (
            self.form_name not in DEFERS_THE_BALANCE
            or intent != "billing_balance"
            or confidence < INTERRUPT_CONFIDENCE
            or is_button_payload(text)
            or safety_flagged(tracker)
            or tracker.get_slot("pending_request")
            or self.answers_requested_slot(tracker, tracker.get_slot("requested_slot"))
        ):
            return None
        if tracker.get_slot("requested_slot") in CONFIRMATION_SLOTS and yes_or_no(tracker):
            # "yes book it. oh and how much do i owe?" at "Shall I book it?": the yes answers
            # the question (should_let_through), and the balance asked with it follows the task
            # (asked_with_the_yes). Kept here, the yes was lost and the "yes book it" in the
            # question kept was offered afterwards as a second booking.
            return None
        return {"intent": "billing_balance", "text": text[:BALANCE_QUESTION_CHARS]}

    def aside_reply(self, tracker: Tracker) -> str | None:
        """A message that answers nothing and asks for nothing, said with a question waiting:
        the reply to it, after which the question comes again. None for any other message."""
        text = latest_text(tracker)
        requested = tracker.get_slot("requested_slot")
        if (
            tracker.active_loop_name != self.form_name
            or safety_flagged(tracker)
            or (tracker.latest_message or {}).get("safety_check")
        ):
            return None
        if STILL_THERE.match(text) and re.search(r"\?|there", text, re.IGNORECASE):
            # "hello??", "?", "anyone there": asking whether we are there (a plain "hi" still
            # gets the greeting and its menu; not "👍" or "")
            return "utter_still_here"
        if WHERE_WERE_WE.search(text) and len(text.split()) <= WHERE_WERE_WE_WORDS:
            return "utter_where_we_were"
        if QUESTION_BACK.match(text):
            # "what does that mean?" (a balance question to the model: the booking was lost)
            return WHAT_I_ASKED.get(str(requested), "utter_no_rush")
        if (
            requested in CONFIRMATION_SLOTS
            and yes_taken_back(text)
            and "?" not in text
            and yes_or_no(tracker) is None
        ):
            # "yes no wait" (it booked, cancelled or moved): the question again; "ok no keep
            # it then" is a no (it got "No rush, take your time", and the question again)
            return "utter_no_rush"
        if HESITANT.match(text) or OK_THEN_PAUSE.match(text):
            # "huh", "wait", "hmm let me think": time to think (a yes read into "huh" booked
            # the visit; "wait" read as stop threw the task away)
            return "utter_no_rush"
        if ALREADY_SAID.match(text):
            # "i just told you my name??" (a billing dispute: handed to staff, chat paused); at
            # the birth-date question, the name was noted ("Sorry, I didn't catch that" was not
            # true)
            if requested == "verify_dob" and tracker.get_slot("verify_name"):
                return "utter_have_the_name"
            if requested == "verify_name" and name_said_before(list(tracker.events)):
                return None  # the name said before is read as the answer (extract_identity)
            return "utter_sorry_not_caught"
        if UNDECIDED.match(text) and (reply := NOT_KNOWN_REPLY.get(str(requested))):
            # "idk" at the date of birth: "Sorry, that's not something I can help with here"
            return reply
        if LEAVING.match(text):
            # "thanks bye" at "Shall I book it?": "Take care!" and the question again
            return "utter_keep_your_place"
        if _feelings_only(text):
            # "ugh im so stressed" at "Which office?": "Please tap one of the options"
            return "utter_feelings_heard_in_form"
        intent = latest_intent(tracker)[0]
        if (
            (intent in ("out_of_scope", "nlu_fallback") and VENTING.search(text))
            or (intent in ("out_of_scope", "nlu_fallback", "complaint") and about_the_bot(text))
        ) and not self._answers_anyway(tracker):
            # "omg this is so annoying just give me a fucking appointment" mid-booking: "Sorry,
            # that's not something I can help with here"
            return "utter_sorry_lets_go_on"
        return None

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        slots = dict(tracker.slots)
        requested = tracker.get_slot("requested_slot")
        returning = self.returning_after_interruption(tracker)
        updates: dict[str, Any] = {}
        if returning:
            # Back after an interruption (e.g. the parking question was answered): ask the
            # pending question again, unless the message answered it beside the question.
            updates = self.answer_beside_question(dispatcher, tracker, slots, requested)
        elif requested and (aside := self.aside_reply(tracker)) is not None:
            dispatcher.utter_message(response=aside)
            # (a slot besides requested_slot, or Rasa takes it for a rejection: the greeting)
            return [SlotSet(requested, None), SlotSet("requested_slot", requested)]
        elif self.form_name in DEFERS_THE_BALANCE and (
            aside := own_clinician_aside(dispatcher, tracker, self.clinic)
        ):
            # "who is my doctor?" mid-booking (it ended the booking to check appointments)
            return aside
        elif requested and (later := self.question_for_later(tracker)) is not None:
            dispatcher.utter_message(response="utter_balance_after_task")
            return [
                SlotSet("pending_request", later),
                SlotSet(requested, None),
                SlotSet("requested_slot", requested),
            ]
        elif self.should_let_through(tracker) and tracker.active_loop_name == self.form_name:
            return []
        else:
            starting = self.starting(tracker)
            if starting:
                updates = self.on_activation(dispatcher, tracker, slots)
                slots.update(updates)
            updates.update(self.extract(dispatcher, tracker, slots, requested))
            if not updates and tracker.active_loop_name == self.form_name:
                intent, _ = latest_intent(tracker)
                about_the_offer = asks_about_the_offer(tracker)
                if (
                    intent in self.interrupting_intents(tracker)
                    and not self.answers_requested_slot(tracker, requested)
                    and not about_the_offer
                ):
                    return []  # a question after all: let its rule answer it
                if requested and not starting:
                    # (starting, the message asked for this task: the question waiting was
                    # another form's; [Just check my balance] at "what happened?" got "Sorry,
                    # I didn't quite get that")
                    text = latest_text(tracker)
                    # (the question again answers it)
                    if not about_the_offer and not self.said_again(dispatcher, slots, text):
                        self.explain(dispatcher, requested, text)
                    updates = {requested: None}
        slots.update(updates)
        next_slot = self.next_slot(slots, tracker)
        events: list[EventType] = [SlotSet(key, value) for key, value in updates.items()]
        events.append(SlotSet("requested_slot", next_slot))
        return events
