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
from collections.abc import Iterator
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActiveLoop, EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.answer_beside import ANSWERED_BESIDE, statement_clauses, with_text
from actions.clinic_config import ClinicConfig
from actions.dates import parse_when
from actions.mentions import given_identity, relative_identity
from actions.phone import find_phone
from actions.settings import get_clinic
from actions.typed_answers import (
    ALREADY_SAID,
    CHANGE_INSTEAD,
    CONFIRMATION_SLOTS,
    HAS_A_WORD,
    HESITANT,
    KEEP_IT,
    LEAVING,
    NEVER_MIND,
    NOT_KNOWN_REPLY,
    OK_BUT_WAIT,
    OK_THEN_PAUSE,
    QUESTION_BACK,
    STILL_THERE,
    TYPED_NO,
    TYPED_YES,
    TYPO_SAID,
    UNDECIDED,
    WHAT_I_ASKED,
    WHERE_WERE_WE,
    WHERE_WERE_WE_WORDS,
    YES_TAKEN_BACK,
    emoji_answer,
)
from actions.undo_words import UNDO_A_CANCEL, said_undo
from actions.writers import name_said_before
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

# What identifies the patient checked so far; cleared when the patient asks about someone else.
PATIENT_SLOTS = (
    "verified",
    "patient_id",
    "patient_name",
    "verify_name",
    "verify_dob",
    "patient_status",
    "my_appointments",
    "patient_relation",
    "patient_is_relative",
)


# What is kept of a verified patient while another person is checked (``previous_patient``).
REMEMBERED_PATIENT = ("patient_id", "patient_name", "patient_relation", "patient_is_relative")


def remembered_patient(slots: dict[str, Any]) -> dict[str, Any] | None:
    """The verified patient in ``slots``, to go back to after a check for someone else."""
    if not slots.get("verified") or not slots.get("patient_id"):
        return None
    return {slot: slots.get(slot) for slot in REMEMBERED_PATIENT}


def restored_patient(previous: dict[str, Any]) -> dict[str, Any]:
    """Slot values that make ``previous`` (verified earlier in this session) the patient again."""
    return {
        **forgotten_patient(),
        **{slot: previous.get(slot) for slot in REMEMBERED_PATIENT},
        "verified": True,
        "patient_status": "returning",
        "previous_patient": None,
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


# "now back to me", "ok and mine?": the writer again, after someone else's check began.
BACK_TO_ME = re.compile(
    r"\b(back to me|(?:and|now|what about|how about|ok) (?:me|mine)|my own|me again|mine again|"
    r"for me instead)\b",
    re.IGNORECASE,
)


def writer_to_go_back_to(tracker: Tracker) -> dict[str, Any] | None:
    """The writer verified before someone else's check began ("whats carlos riveras balance"),
    when the latest message turns back to them ("now back to me, when is MY appointment": the
    name was asked for, for Carlos, again and again); else None."""
    previous = tracker.get_slot("previous_patient") or {}
    if (
        not previous
        or tracker.get_slot("verified")
        or previous.get("patient_is_relative")
        or previous.get("patient_relation")
        or not BACK_TO_ME.search(latest_text(tracker))
    ):
        return None
    return previous


def forgotten_patient() -> dict[str, Any]:
    """Slot values that forget who was verified: the next task checks identity again."""
    return {slot: (False if slot == "verified" else None) for slot in PATIENT_SLOTS}


def forget_patient() -> list[EventType]:
    return [SlotSet(slot, value) for slot, value in forgotten_patient().items()]


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
]


def latest_intent(tracker: Tracker) -> tuple[str | None, float]:
    intent = (tracker.latest_message or {}).get("intent") or {}
    return intent.get("name"), float(intent.get("confidence") or 0.0)


def latest_text(tracker: Tracker) -> str:
    return ((tracker.latest_message or {}).get("text") or "").strip()


def _form_activation(
    events: list[dict[str, Any]], form: str | None = None
) -> tuple[int, int | None] | None:
    """Where the running form (or the last ``form``) was activated: the index of that event
    and of the patient's message just before it (None when there is none); None when no form
    was activated."""
    for index in range(len(events) - 1, -1, -1):
        event = events[index]
        if event.get("event") == "active_loop" and event.get("name") and (
            form is None or event.get("name") == form
        ):
            users = [i for i, e in enumerate(events[:index]) if e.get("event") == "user"]
            return index, (users[-1] if users else None)
    return None


def form_request(tracker: Tracker, form: str | None = None) -> str:
    """The patient's message that started the form that is running (or ``form``); the latest
    message when none did."""
    events = list(tracker.events)
    found = _form_activation(events, form)
    if found is None:
        return latest_text(tracker)
    _, user = found
    return str(events[user].get("text") or "") if user is not None else ""


def form_texts(tracker: Tracker) -> list[str]:
    """The patient's messages since the running form started, the one that started it first."""
    events = list(tracker.events)
    found = _form_activation(events)
    start = 0 if found is None else (found[1] if found[1] is not None else found[0])
    texts = [str(e.get("text") or "") for e in events[start:] if e.get("event") == "user"]
    if texts and texts[0].startswith("/"):
        # Started by a button ("Did you want to cancel an appointment?" [Yes]): the words that
        # asked for it came just before ("my mom passed away, how do i cancel her appointments")
        before = [str(e.get("text") or "") for e in events[:start] if e.get("event") == "user"]
        texts = [t for t in before[-2:] if not t.startswith("/")] + texts
    return texts or [latest_text(tracker)]


def last_event(events: list[dict[str, Any]], kind: str) -> dict[str, Any]:
    """The latest event of ``kind`` ("user", "bot"), or {} when there is none."""
    return next((e for e in reversed(events) if e.get("event") == kind), {})


def events_this_session(tracker: Tracker) -> Iterator[dict[str, Any]]:
    """The events of this conversation session, newest first (up to ``session_started``)."""
    for event in reversed(list(tracker.events)):
        if event.get("event") == "session_started":
            return
        yield event


def is_response(event: dict[str, Any], response: str) -> bool:
    """Whether ``event`` is the bot saying ``response`` ("utter_why_identity")."""
    return event.get("event") == "bot" and (
        (event.get("metadata") or {}).get("utter_action") == response
    )


def last_response(tracker: Tracker) -> str | None:
    """The name of the response the bot said last ("utter_cancelled"), if it said one."""
    bot = last_event(list(tracker.events), "bot")
    return (bot.get("metadata") or {}).get("utter_action")


def is_button_payload(text: str) -> bool:
    return text.startswith("/")


# Words of a real complaint; without them, a message read as one with less than
# COMPLAINT_CONFIDENCE is asked about before staff are brought in, and one sent while a task
# is under way is the task's ("no wait, the north office" was read as a complaint at 0.96).
COMPLAINT_WORDS = re.compile(
    r"\b(rude|complain|complaining|complaint|unacceptable|terrible|horrible|awful|worst|"
    r"disappointed|upset|angry|furious|frustrated|frustrating|ridiculous|disrespect\w*|"
    r"unprofessional|never again|mistreated|poor service|bad experience|not happy|unhappy|"
    r"waited (for )?(over|more than|almost) |kept (me )?waiting|yelled|ignored)\b",
    re.IGNORECASE,
)
COMPLAINT_CONFIDENCE = 0.9
# "this bot is useless", "you're not helping": about this chat, not the clinic's care or staff.
ABOUT_THE_BOT = re.compile(
    r"\b(this|you|ur|your|stupid|dumb|useless)\s+(bot|chat ?bot|chat|robot|assistant|ai)\b|"
    # "this is the stupidest bot ever" (a complaint: handed to staff, and the chat paused)
    r"\b(stupid|dumb|useless|worst|stupidest|dumbest|dumbass|crappy|shitty|terrible|awful)(est)?"
    r"\s+(bot|chat ?bot|robot|assistant|ai)\b|"
    r"\b(you|u|ur|you're|youre|you are)\s+(are\s+|r\s+)?(so\s+)?"
    r"(useless|stupid|dumb|no help|not helping|not helpful|unhelpful|pointless|a joke)\b",
    re.IGNORECASE,
)
# ... unless the clinic's care or people are named too ("this chat and your receptionist").
ABOUT_THE_CLINIC = re.compile(
    r"\b(receptionist|front desk|staff|nurse|doctor|dr|provider|billing|bill|charged|visit|"
    r"appointment|appt|office|clinic|waited|wait|rude|treated)\b",
    re.IGNORECASE,
)


# Swearing or an insult with nothing said about the clinic ("wtf this is so stupid", "ur a
# useless piece of sh*t bot"): venting at this chat too.
VENTING = re.compile(
    r"\b(wtf|stupid|useless|dumb|worthless|pointless|garbage|trash|sucks?|crap|crappy|"
    r"piece of|shit\w*|sh\*t|fuck\w*|f\*+k?|effing|damn|hate this|waste of time)\b|sh\*t",
    re.IGNORECASE,
)


# "this is ridiculous", "seriously??", "ugh this is so frustrating, why do you need all this":
# frustration said of nothing in particular (a complaint to the model at 0.95 or more: handed
# to staff, the chat paused, mid-task too). A complaint names what went wrong.
FRUSTRATION = re.compile(
    r"\b(ridiculous|frustrat\w*|annoy\w*|seriously|confus\w*|ugh+|omg|smh|so hard|"
    r"complicated|tedious|exhausting|so (long|slow)|taking (so|too) long|taking forever|"
    r"hurry( up)?|"
    r"(so|too) many questions|why do you need (all )?(this|that|these))\b",
    re.IGNORECASE,
)
FRUSTRATION_WORDS = 12


def vague_frustration(text: str) -> bool:
    """Frustration with nothing of the clinic named, and no complaint word besides."""
    if not FRUSTRATION.search(text) or len(text.split()) > FRUSTRATION_WORDS:
        return False
    return not (ABOUT_THE_CLINIC.search(text) or COMPLAINT_WORDS.search(FRUSTRATION.sub(" ", text)))


def about_the_bot(text: str) -> bool:
    """Venting at the assistant itself, or at nothing in particular: an apology and a person
    on offer, not a complaint filed with staff (that pauses the chat, and the next question
    went unanswered)."""
    return (
        bool(ABOUT_THE_BOT.search(text) or VENTING.search(text))
        and not ABOUT_THE_CLINIC.search(text)
    ) or vague_frustration(text)


def worded_as_complaint(tracker: Tracker) -> bool:
    """The latest message says it is a complaint in words (or is the "Yes" to our question)."""
    text = latest_text(tracker)
    return is_button_payload(text) or bool(COMPLAINT_WORDS.search(text))


# A question ("wait what time was the one i just cancelled"), not an account of what went wrong.
PLAIN_QUESTION = re.compile(
    r"^\W*((wait|hold on|um+|so|and|but|ok|okay|oh|hey)\W+)*"
    r"(what|when|which|where|who|how|is|are|was|were|do|does|did|can|could|will|would)\b",
    re.IGNORECASE,
)


def clearly_a_complaint(tracker: Tracker) -> bool:
    """The latest message is a complaint beyond doubt: worded so, or confidently classified and
    not a plain question (a complaint pauses the chat for staff)."""
    intent, confidence = latest_intent(tracker)
    if intent != "complaint":
        return False
    if worded_as_complaint(tracker):
        return True
    return confidence >= COMPLAINT_CONFIDENCE and not PLAIN_QUESTION.search(latest_text(tracker))


def yes_or_no(tracker: Tracker) -> bool | None:
    """The patient's answer to a yes/no question: True, False, or None if it is neither."""
    text = latest_text(tracker)
    intent, _ = latest_intent(tracker)
    if UNDECIDED.match(text) or OK_BUT_WAIT.match(text) or LEAVING.match(text):
        return None  # "huh", "ok wait", "ok thanks bye": never taken for a yes
    if not is_button_payload(text):
        if TYPED_NO.match(text) or KEEP_IT.search(text):
            return False
        if TYPED_YES.match(text):
            # "ok nvm", "ok actually nvm": a never mind, not the "ok" before it
            if NEVER_MIND.search(text):
                return False
            # "yes no wait", "sure but is it downtown?": taken back, or a doubt (it cancelled)
            return None if yes_taken_back(text) else True
        if (emoji := emoji_answer(text)) is not None:
            return emoji
        if not HAS_A_WORD.search(text):
            # "👎", "❌", "🤔", "...", "o", "x": the model read them as yes (0.8-0.99), which
            # booked, moved and cancelled; a yes must be said
            return None
    if intent == "affirm":
        return True
    if intent == "deny":
        return False
    return None


def yes_taken_back(text: str) -> bool:
    """A typed yes the same message takes back or doubts ("yes no wait", "sure but is it
    downtown?"): read by yes_or_no as no answer, and by aside_reply as time to think."""
    yes = TYPED_YES.match(text)
    return yes is not None and YES_TAKEN_BACK.search(text[yes.end() :]) is not None


def safety_flagged(tracker: Tracker) -> bool:
    safety = (tracker.latest_message or {}).get("safety") or {}
    return bool(safety.get("category"))


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

    def explain(self, dispatcher: CollectingDispatcher, requested: str | None) -> None:
        """Say what we need when a message did not answer ``requested``."""
        if requested == "date_preference":
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
            and find_phone(latest_text(tracker)) is not None
        ):
            # "916.555.0161" at "What's the best phone number?" (a medical question to the
            # model, 0.99): handed to the nurses, and the booking lost
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
        confirming = tracker.get_slot("requested_slot") in CONFIRMATION_SLOTS
        if confirming and yes_or_no(tracker) is not None:
            # "Yes, cancel it" answers the question (the model may read "stop"), and so does
            # "no wait keep it" (once read as a complaint, which paused the chat).
            return False
        if any(
            p.match(latest_text(tracker))
            for p in (UNDECIDED, ALREADY_SAID, QUESTION_BACK, LEAVING)
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
        ):
            # "yes no wait" (it booked, cancelled or moved): the question again
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
            (
                (intent in ("out_of_scope", "nlu_fallback") and VENTING.search(text))
                or (intent in ("out_of_scope", "nlu_fallback", "complaint") and about_the_bot(text))
            )
            and not self._answers_anyway(tracker)
        ):
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
                    if not about_the_offer:  # (the question again answers it)
                        self.explain(dispatcher, requested)
                    updates = {requested: None}
        slots.update(updates)
        next_slot = self.next_slot(slots, tracker)
        events: list[EventType] = [SlotSet(key, value) for key, value in updates.items()]
        events.append(SlotSet("requested_slot", next_slot))
        return events


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


def action_before_message(tracker: Tracker) -> str | None:
    """The last action (other than listening) before the latest patient message."""
    seen_user = False
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            if seen_user:
                return None
            seen_user = True
        elif seen_user and event.get("event") == "action" and event.get("name") != "action_listen":
            return event.get("name")
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
