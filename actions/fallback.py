"""Two-stage fallback: an unclear message gets "did you mean …?", a second one goes to staff."""

from __future__ import annotations

import re
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, FollowupAction, UserUtteranceReverted
from rasa_sdk.executor import CollectingDispatcher

from actions.amenities import amenity_asked
from actions.billing import as_balance_items, staff_button
from actions.capabilities import asks_what_i_can_do
from actions.clients.fhir_model import FhirError, normalize_name
from actions.cost_follow_up import cost_follow_up, is_cost_follow_up, priced_another_visit
from actions.dates import parse_when
from actions.details_request import SURE_WHEN_UNCLEAR, request_beside_details
from actions.feelings import baby_lost, death_told, feelings_only
from actions.formatting import address_line, appointment_sentence
from actions.handoff import escalate
from actions.how_to_get_it import (
    how_long_it_takes,
    how_to_get_it,
    is_how_long_it_takes,
    is_how_to_get_it,
)
from actions.look_ups import (
    LOOK_UPS,
    PLAIN_REQUESTS,
    last_look_up,
    last_visit_booked,
    look_up_for_another,
    only_details,
    says_nothing,
    spoken_of,
    unclear_before,
)
from actions.manage_appointments import appointment_item
from actions.matching import find_not_offered, find_practitioner, find_visit_type
from actions.mentions import given_identity
from actions.message_reading import about_the_bot, clearly_a_complaint, feedback_offered
from actions.named_others import first_name_follow_up
from actions.names import capitalised
from actions.offer_answers import (
    INTENT_DESCRIPTIONS,
    SUGGESTION_OPENING,
    accepted_suggestion,
    button_said,
    offers_booking,
    time_offered,
)
from actions.patient_match import scheduling_client
from actions.patient_words import whose
from actions.paying import PLAN_BUTTON, asks_how_to_apply, balance_first
from actions.plan_amounts import plan_amount_asked
from actions.refill_reply import refill_reply, running_low
from actions.relatives import relation_in
from actions.running_late import tell_front_desk
from actions.second_request import (
    REFERENT,
    replay_as,
    replayed,
    replayed_as_read,
    request_in,
    second_request,
)
from actions.settings import get_clinic
from actions.still_seen import is_marked, still_seen
from actions.stop import action_before_message, answered_undo_of_cancel
from actions.tracker_reading import (
    events_this_session,
    is_button_payload,
    last_event,
    last_response,
    latest_text,
    message_before_last,
)
from actions.typed_answers import ALREADY_SAID, QUESTION_BACK, UNDECIDED
from actions.visit_about import say_visits, visits_explained
from actions.visit_request import SOONEST, no_preference_said, written_name
from actions.writers import introduced_name, writer_is_relative
from addons.details_text import only_name_and_birth_date
from addons.follow_up_guard import is_follow_up, is_pronoun_follow_up
from addons.just_asking_guard import about_to_ask, wrong_number

# Parse-data key set by addons/safety_triage.py: the classifier alone guessed an emergency or
# a crisis, unsure.
SAFETY_CHECK = "safety_check"


def _has_words(text: str) -> bool:
    return any(ch.isalnum() for ch in text)


# A person asked for in so many words ("i asked for a person 3 times already!!!" got "did you
# want to question a charge on your bill?").
ASKS_FOR_A_PERSON = re.compile(
    r"\b((speak|talk|chat|get|connect)\w* (me )?((to|with) )?(a|an|the|some)? ?"
    r"(real |live |actual )?(person|human|representative|agent|operator|someone)|"
    r"(real|live|actual) (person|human|agent|someone)|human being|someone real|somebody real|"
    r"(asked|asking|ask) for (a|an)? ?"
    r"(real |live )?(person|human|representative))\b",
    re.IGNORECASE,
)
# ... not "am i talking to a real person?" (that is whether this is a bot).
IS_THIS_A_PERSON = re.compile(
    r"\b(are (you|u)|r u|am i (talking|speaking|chatting|texting) (to|with)|is this) (a |an )?"
    r"(real |actual |live )?(human|person|bot|robot)\b",
    re.IGNORECASE,
)


# "which doctor was that again?", "what time was it?" right after a booking or a move.
RECAP = re.compile(
    r"\b(again|remind me|repeat that)\b|\bwhich (doctor|dr|provider|clinician|office|clinic|"
    r"location)\b|\b(what|which) (time|day|date) (was|is) (it|that)\b|\bwhen (was|is) (it|that)\b",
    re.IGNORECASE,
)


def recap_just_made(dispatcher: CollectingDispatcher, tracker: Tracker, text: str) -> bool:
    """Repeat the appointment just booked or moved in this chat, if that is what is asked."""
    appointment_id = tracker.get_slot("last_booked")
    if not appointment_id or not tracker.get_slot("verified") or not RECAP.search(text):
        return False
    clinic = get_clinic()
    try:
        record = scheduling_client().get_appointment(str(appointment_id))
    except FhirError:
        return False
    if record.status != "booked" or record.start is None:
        return False
    item = appointment_item(record, clinic)
    dispatcher.utter_message(
        response="utter_recap_appointment",
        summary=appointment_sentence(item, clinic, whose(dict(tracker.slots), clinic)),
        address=address_line(item.get("location"), clinic),
    )
    return True


# The last word of a sentence not finished yet: an elderly patient typing "i am" / "calling
# about" / "the bill" in three messages was handed to staff after the second.
UNFINISHED_ENDING = set(
    """
    i i'm im am is are was about the a an my to for with and calling this that it's its need
    want have got so but um uh well regarding re on of from in at
    """.split()
)


def unfinished(text: str) -> bool:
    """A few words that stop mid-sentence ("i am", "this is", "calling about")."""
    words = re.findall(r"[a-z']+", text.lower().replace("\u2019", "'"))
    if text.rstrip().endswith("?") or (words and words[0] in QUESTION_OPENINGS):
        return False  # "whats it for", "what is that for?": a whole question
    return 0 < len(words) <= 4 and words[-1] in UNFINISHED_ENDING


QUESTION_OPENINGS = set(
    "what whats what's wut wat wats who whos who's why where how".split()  # "wut is it for"
)


# "im his dad", "i'm her mom": who the writer is, said alone (a few words, no request).
RELATION_ONLY_WORDS = 6


def says_who_they_are(text: str) -> bool:
    """Whether the message only says what the writer is to the patient ("im his dad")."""
    return (
        writer_is_relative(text)
        and len(text.split()) <= RELATION_ONLY_WORDS
        and request_in(text) is None
    )


def wrong_number_reply(tracker: Tracker) -> str:
    """ "sorry wrong number": who we are, and nothing to do (it was "Did you want to question a
    charge on your bill?"); by text, how to get no more messages."""
    clinic = get_clinic()
    reply = (
        f"No problem. This is the automated assistant of {clinic.clinic.name}. If you meant to "
        "reach us, I'm happy to help; if not, there's nothing you need to do."
    )
    if tracker.get_latest_input_channel() == "twilio":
        reply += " Reply STOP and we won't text this number again."
    return reply


class ActionAskAffirmation(Action):
    """First unclear message: offer the most likely meaning, or a way to rephrase. Venting at
    the chat gets an apology and a person on offer; a person asked for is one."""

    def name(self) -> str:
        return "action_default_ask_affirmation"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        latest = tracker.latest_message or {}
        text = latest.get("text") or ""
        unsure = (latest.get(SAFETY_CHECK) or {}).get("category")
        if unsure in ("emergency", "crisis"):
            # The model alone, unsure, read an emergency or a crisis (no safety rule fired): the
            # number to call, and a tap to reach staff, without pausing the chat.
            dispatcher.utter_message(response=f"utter_safety_check_{unsure}")
            return []
        if not _has_words(text):
            dispatcher.utter_message(response="utter_empty_message")
            return []
        if (told := tell_front_desk(dispatcher, tracker)) is not None:
            # "can you let them know" after the running-late answer: "Did you want to ask
            # whether I'm a bot?"
            return told
        if ASKS_FOR_A_PERSON.search(text) and not IS_THIS_A_PERSON.search(text):
            dispatcher.utter_message(response="utter_request_human")
            return escalate(dispatcher, tracker, "request_human")
        if recap_just_made(dispatcher, tracker, text):
            return []
        if answered_undo_of_cancel(dispatcher, tracker):
            # "oh no wait i didnt mean to cancel it, can i get it back?" got "Did you want to
            # cancel an appointment?", and a yes went on to cancel the other one
            return []
        if (items := as_balance_items(tracker)) is not None:
            return items
        if about_the_bot(text):
            # "fuck this", "you guys suck": not "did you want to say thanks?"
            dispatcher.utter_message(response="utter_sorry_not_helping")
            return []
        if unfinished(text) or about_to_ask(text):
            dispatcher.utter_message(response="utter_take_your_time")
            return []
        if wrong_number(text):
            dispatcher.utter_message(text=wrong_number_reply(tracker))
            return []
        if baby_lost(text):
            # "i just lost my baby": condolences, the signs that need 911, and a person
            dispatcher.utter_message(response="utter_sorry_baby_lost")
            return []
        if death_told(text):
            # "my wife passed away last week": "Did you want to book an appointment?"
            dispatcher.utter_message(response="utter_sorry_for_death_told")
            return []
        if feelings_only(text):
            # "im so overwhelmed": the ways to pay a bill (read as a payment question)
            dispatcher.utter_message(response="utter_feelings_heard")
            return []
        if (refill := refill_reply(tracker, text)) is not None:
            # "lisinopril" after the refill answer: "Did you want to find out about our doctors?";
            # "i only have 2 pills left": "... a problem with your care?"
            dispatcher.utter_message(response=refill)
            return []
        if priced_another_visit(dispatcher, tracker, text):
            return []  # "what about a physical" after the cost of a visit: "Did you want to book?"
        if says_who_they_are(text):
            # "im his dad" after his balance: the 988 check-in (safety/triage.yml now knows it),
            # then "Did you want to ...?"
            dispatcher.utter_message(response="utter_relation_noted")
            return []
        if (offered := button_said(list(tracker.events), text)) is not None:
            # "ok how do i set that up" under [Set up a plan with billing]: that button, not
            # "Did you want to find out how to pay a bill?"
            intent, payload, entities = offered
            return replayed(payload, intent, last_event(list(tracker.events), "user"), entities)
        if applying_after_the_offer(tracker, text):
            # "how do i apply" after the financial assistance answer: "Did you want to find
            # out how to pay a bill?", and its Yes gave the ways to pay.
            return replay_as(tracker, last_event(list(tracker.events), "user"), "billing_pay")
        ranking = [
            item.get("name")
            for item in latest.get("intent_ranking") or []
            if item.get("name") in INTENT_DESCRIPTIONS
        ]
        # A request worded the usual way ("... also where do i park there") is the likelier
        # meaning than the model's guess about the rest ("do u do bloodwork?").
        worded = request_in(latest.get("text") or "")
        if worded in INTENT_DESCRIPTIONS:
            ranking.insert(0, worded)
        if not ranking:
            dispatcher.utter_message(response="utter_ask_rephrase")
            return []
        clinic = get_clinic()
        today = clinic.now().date()
        identified = given_identity(text, today) is not None
        if identified and (
            worded is not None
            or (ranking[0] == "book_appointment" and find_visit_type(text, clinic) is not None)
        ):
            # "carlos rivera 9/30/1975 when is my follow up", "new patient here, maria santos,
            # dob 03/14/1985, need a checkup": a request with the details it needs; "Did you
            # want to ...?" cost a turn (and its Yes asked his name again)
            asked = worded or ranking[0]
            return replay_as(tracker, last_event(list(tracker.events), "user"), asked)
        if identified and (beside := request_beside_details(text, today, SURE_WHEN_UNCLEAR)):
            # "hey my husband carlos rivera 9/30/75 got a bill he doesnt understand, can you
            # tell me what its for" (unclear: "Did you want to get our phone numbers?"): the
            # rest of the message, read without the name and date, is a billing question
            return replay_as(tracker, last_event(list(tracker.events), "user"), beside)
        if worded is not None and second_request(text, worded) is not None:
            # Two requests worded the usual way ("i moved and my new address is different, and
            # do i still owe anything"): the first, then the other, as when the model reads
            # one of them. "Did you want to get directions?" answered neither.
            return replay_as(tracker, last_event(list(tracker.events), "user"), worded)
        if ranking[0] == "billing_insurance" and ACCEPTANCE_ASKED.search(text):
            # "quick one: do you take CDPHP?": asked in so many words, and the model's best
            # guess too. "Did you want to ask whether we take your insurance?" cost a turn,
            # and its "Yes" lost the plan's name ("Which insurance plan do you have?").
            return replay_as(tracker, last_event(list(tracker.events), "user"), ranking[0])
        if (
            ranking[0] == "ask_clinicians"
            and CLINICIAN_WHERE.search(text)
            and find_practitioner(text, clinic) is not None
        ):
            # "which one has dr okafor" (after the two offices): where they see patients, not
            # "Did you want to find out about our doctors?"
            return replay_as(tracker, last_event(list(tracker.events), "user"), ranking[0])
        suggest(dispatcher, ranking[0])
        return []


# Where a clinician works, asked in so many words.
CLINICIAN_WHERE = re.compile(
    r"\b(which|what) (one|office|location|clinic|place)\b|\bwhere (is|does|do)\b", re.IGNORECASE
)

# Answers that offer financial assistance (actions/paying.py), after which "how do i apply"
# asks how to apply for it.
ASSISTANCE_OFFERED = {"utter_billing_help", "utter_billing_collections"}


def applying_after_the_offer(tracker: Tracker, text: str) -> bool:
    """ "ok how do i apply" right after financial assistance was offered."""
    return last_response(tracker) in ASSISTANCE_OFFERED and asks_how_to_apply(text)


# Whether a plan is taken, asked in so many words ("do you take mutual of omaha").
ACCEPTANCE_ASKED = re.compile(
    r"\b(do|does|will|would|can) (you|u|ya|y'?all|you guys|u guys|your (clinic|office|"
    r"practice|doctors)|the (clinic|office|practice|doctors)) (guys )?(take|accept|work with|"
    r"bill|honou?r)\b(?! (walk|new patients|patients|appointments|appts|kids|children|babies|"
    r"same[- ]day|emergencies|late))|\bin[- ]?network\b",
    re.IGNORECASE,
)


def suggest(dispatcher: CollectingDispatcher, intent: str) -> None:
    """ "Sorry, I want to be sure I understood. Did you want to …?" [Yes] [No, something else]"""
    dispatcher.utter_message(
        text=f"{SUGGESTION_OPENING} Did you want to {INTENT_DESCRIPTIONS[intent]}?",
        buttons=[
            {"title": "Yes", "payload": f"/{intent}"},
            {"title": "No, something else", "payload": "/out_of_scope"},
        ],
    )


class ActionDefaultFallback(Action):
    """Second unclear message in a row: hand over to staff rather than guess again."""

    def name(self) -> str:
        return "action_default_fallback"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        text = latest_text(tracker)
        unsure = ((tracker.latest_message or {}).get(SAFETY_CHECK) or {}).get("category")
        if unsure in ("emergency", "crisis"):
            # A second message in a row the model alone (unsure) read as an emergency or a
            # crisis: the full answer, and staff, as urgent (not "I couldn't follow").
            dispatcher.utter_message(response=f"utter_{unsure}")
            return escalate(dispatcher, tracker, unsure)
        if about_the_bot(text):
            dispatcher.utter_message(response="utter_sorry_not_helping")  # a person on offer
            return []
        if unfinished(text) or about_to_ask(text):
            # Still typing, a few words at a time: waited for, not handed over.
            dispatcher.utter_message(response="utter_take_your_time")
            return []
        if wrong_number(text):
            dispatcher.utter_message(text=wrong_number_reply(tracker))
            return []
        earlier = str(message_before_last(tracker).get("text") or "")
        asked = request_in(earlier)
        if asked is not None and only_details(text, get_clinic()):
            # "hi my dad needs help with his bill" - "Did you mean …?" - "robert miller": the
            # name for that request, not a second unclear message (it went to staff, paused).
            latest = last_event(list(tracker.events), "user")
            return replayed(f"{earlier.rstrip(' .')}. {text}", asked, latest, [])
        dispatcher.utter_message(
            text="I'm sorry I couldn't follow. I'll bring in a member of our team to help."
        )
        return escalate(dispatcher, tracker, "low_confidence")


class ActionCoreFallback(Action):
    """The dialogue model is unsure what to do next: ask again instead of guessing."""

    def name(self) -> str:
        return "action_core_fallback"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        dispatcher.utter_message(response="utter_default")
        return [UserUtteranceReverted()]


def verified_again(tracker: Tracker, text: str) -> str | None:
    """The verified patient's first name, when ``text`` only gives their name (and birth date)
    again; None for anyone else's."""
    patient = str(tracker.get_slot("patient_name") or "")
    if not tracker.get_slot("verified") or not patient:
        return None
    given = given_identity(text, get_clinic().now().date())
    name = given[0] if given else (introduced_name(text) or written_name(text))
    if name is None or normalize_name(" ".join(name)) != normalize_name(patient):
        return None
    if (
        given
        and tracker.get_slot("verify_dob")
        and given[1].isoformat() != tracker.get_slot("verify_dob")
    ):
        return None  # another birth date: someone of the same name
    return capitalised(name[0])


def _identifies(text: str) -> bool:
    """A name and birth date, or a full name alone: the patient saying who they are ("can i do a
    payment plan" - "Carlos Rivera": his balance, which asks for the birth date next)."""
    if given_identity(text, get_clinic().now().date()):
        return True
    name = introduced_name(text) or written_name(text)
    return name is not None and not relation_in(text)


# The first opening asked as a question ("whats the earliest you have", "soonest u got?"), not
# an answer ("whoever has the soonest appointment").
OPENING_ASKED = re.compile(r"^\W*(?:what|whats|what's|when|whens|when's)\b|\?\W*$", re.IGNORECASE)


class ActionDetailsGiven(Action):
    """Details (a name, a birth date, a day) with no question asked. When the same message
    asks for something in words the model read past ("Hi, Emily Johnson, 04/12/1988. I'd like
    to book a physical on january 5th"), that request starts in the patient's words; otherwise
    the patient is asked what they need (a name and birth date are used by the next request:
    ``identity.introduction_before``)."""

    def name(self) -> str:
        return "action_details_given"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        latest = last_event(list(tracker.events), "user")
        text = str(latest.get("text") or "")
        if (refill := refill_reply(tracker, text)) is not None:
            # "the blue inhaler" after the refill answer: "What can I help you with?"
            dispatcher.utter_message(response=refill)
            return []
        intent = request_in(text) or look_up_for_another(tracker, text)
        if intent is None and not text.startswith("/"):
            clinic = get_clinic()
            if find_visit_type(text, clinic) or find_practitioner(text, clinic):
                intent = "book_appointment"  # "need a follow up with sam lee feb 20"
            elif parse_when(text, clinic.now()) is not None:
                # "what about tomorrow morning" under "... I can look for a time today or
                # tomorrow right here." [Find a time]: that search, for that day (it was
                # "What can I help you with?")
                intent = time_offered(list(tracker.events))
        if (
            intent is None
            and no_preference_said(text)
            and offers_booking(last_event(list(tracker.events), "bot"))
        ):
            # "any of them is fine" under the clinicians' [Book with …] buttons: a booking with
            # whoever is free (it was "What can I help you with?")
            anyone = [{"entity": "practitioner", "value": "any"}]
            return replayed(text, "book_appointment", latest, anyone)
        if intent is None and SOONEST.search(text) and OPENING_ASKED.search(text):
            # "whats the earliest you have" with nothing offered: a booking, first opening
            # first (it was "What can I help you with?")
            intent = "book_appointment"
        today = get_clinic().now().date()
        if intent is None and given_identity(text, today):
            # "hi, I'm Carlos Rivera, 9/30/1975. I got a bill for $240 and I don't understand
            # it": "Thanks, Carlos. What can I help you with?", the bill lost
            intent = request_beside_details(text, today)
        if intent is None and _identifies(text):
            before = action_before_message(tracker)
            if before == "action_billing_pay":
                # "can i do a payment plan" - "emily johnson 04/12/1988": her balance, which
                # says whether a plan can be set up (it was "Thanks, Emily. What can I help
                # you with?")
                asked = str(message_before_last(tracker).get("text") or "")
                if plan_amount_asked(asked) is not None:
                    # "how much per month would a plan be" - "carlos rivera 9/30/1975": the
                    # balance, then what a month would be (it was the balance alone)
                    return balance_first(tracker, asked, text)
                intent = "billing_balance"
            elif before in LOOK_UPS and (first := verified_again(tracker, text)) is not None:
                # "Emily Johnson" again right after her balance: the balance again, word for
                # word
                dispatcher.utter_message(
                    text=f"Thanks, {first}: you're already confirmed for this chat, so there's "
                    "no need to send your details again. What else can I help with?"
                )
                return []
            elif before in LOOK_UPS or last_response(tracker) == "utter_whose_details":
                # "... If you meant your son's record, send me their full name and date of
                # birth." - "liam nguyen 06/05/2017": his balance (it was "Thanks, Liam. What
                # can I help you with?")
                intent = last_look_up(tracker)
        if intent is not None:
            return replay_as(tracker, latest, intent)
        if plan_terms_offered(tracker, text):
            dispatcher.utter_message(
                response="utter_plan_terms_with_billing",
                buttons=[staff_button(PLAN_BUTTON)],
            )
            return []
        # "Hi, this is Emily Johnson 04/12/1988": thanked by name (not yet checked: that is
        # done with the request that follows).
        clinic = get_clinic()
        given = given_identity(text, clinic.now().date())
        name = given[0] if given else (introduced_name(text) or written_name(text))
        if name is None and says_who_they_are(text):
            dispatcher.utter_message(response="utter_relation_noted")  # "i am his father"
            return []
        if name is None and says_nothing(text, tracker, clinic):
            # "salam", "blorp", a key mash: read as details by the model, but none are there.
            # Unclear twice in a row goes to staff, as the two-stage fallback does.
            if unclear_before(tracker):
                return ActionDefaultFallback().run(dispatcher, tracker, domain)
            dispatcher.utter_message(response="utter_ask_rephrase")
            return []
        if name is not None and not relation_in(text):
            # ("about my dad's bill. His name is Carlos Rivera": not "Thanks, Carlos")
            first = name[0] if not name[0].islower() else name[0].capitalize()  # "robert"
            dispatcher.utter_message(response="utter_how_can_help_named", first_name=first)
        else:
            dispatcher.utter_message(response="utter_how_can_help")
        return []


# How long, or how much a month: "6 months", "like $50 a month", "12 payments".
PLAN_TERMS = re.compile(
    r"\b(?:\d+|one|two|three|four|five|six|eight|nine|ten|twelve|a few|few)\s*"
    r"(?:months?|mos?|mths?|payments?|installments?)\b"
    r"|\$?\d+(?:\.\d\d)?\s*(?:dollars\s*)?(?:a|per|each|every|/)\s*(?:month|mo)\b"
    r"|\bmonthly\b",
    re.IGNORECASE,
)


def plan_terms_offered(tracker: Tracker, text: str) -> bool:
    """ "6 months" right after a payment plan was offered [Set up a plan with billing]: how long
    the patient would like it to run, which billing staff agree with them."""
    bot = last_event(list(tracker.events), "bot")
    buttons = (bot.get("data") or {}).get("buttons") or []
    return (
        action_before_message(tracker) == "action_billing_pay"
        and any(b.get("title") == PLAN_BUTTON for b in buttons)
        and bool(PLAN_TERMS.search(text))
    )


# The check-ins of an unsure crisis or emergency reading (inside the two-stage fallback): their
# "I'm okay, something else" and "Not an emergency" buttons send /out_of_scope, which the
# fallback answers by asking to rephrase.
SAFETY_CHECKS = {"utter_safety_check_crisis", "utter_safety_check_emergency"}


# What the model's next guess for a message checked on may be taken as, once the patient says
# it was no emergency or crisis ("ive been really depressed lately, can i see dr patel about it"
# got "What can I help you with?", and the booking was lost).
ROUTINE_AFTER_CHECK = {
    "book_appointment",
    "reschedule_appointment",
    "cancel_appointment",
    "check_appointment",
    "billing_balance",
    "billing_pay",
    "billing_insurance",
    "directions",
    "clinic_hours",
    "parking",
    "ask_clinicians",
    "contact_info",
}
ROUTINE_GUESS_FLOOR = 0.1
# A message that asks for something at all: without it, a guess is the model's noise ("i dont
# see the point anymore" had insurance at 0.2: "I'm okay, something else" got the plan list).
ASKS_FOR_SOMETHING = re.compile(
    r"\?|\b(can|could|would|will|do|does|is|are|how|where|when|what|which|need|want|wanna|"
    r"book|appt|appointment|visit|bill|pay|owe|insurance|cancel|move|change)\b",
    re.IGNORECASE,
)


def routine_guess(message: dict[str, Any]) -> str | None:
    """The model's best routine guess for ``message`` (a user event), if it guessed one at all
    plausibly and the message asks for something."""
    if not ASKS_FOR_SOMETHING.search(str(message.get("text") or "")):
        return None
    ranking = (message.get("parse_data") or {}).get("intent_ranking") or []
    for entry in ranking:
        name, confidence = entry.get("name"), float(entry.get("confidence") or 0.0)
        if name in ROUTINE_AFTER_CHECK and confidence >= ROUTINE_GUESS_FLOOR:
            return str(name)
    return None


class ActionAskRephrase(Action):
    """The fallback's "say it another way", except after a check-in: "I'm okay, something
    else" got "Sorry, I didn't quite get that", and the request of the message checked on
    ("ugh i'm so done with this, can i move my appt") was lost. That request is taken, or the
    patient is thanked and asked what we can help with."""

    def name(self) -> str:
        return "action_default_ask_rephrase"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        if last_response(tracker) not in SAFETY_CHECKS:
            # after [No, something else] the guess was wrong: "Sorry, I didn't quite get that"
            # blamed the patient's words
            guessed = accepted_suggestion(list(tracker.events)) is not None
            latest = tracker.latest_message or {}
            if (
                not guessed
                and latest.get("intent", {}).get("name") == "out_of_scope"
                and not is_button_payload(str(latest.get("text") or ""))
            ):
                # The fallback answered without asking ("i only have 2 pills left": the refill
                # reply), so there was no guess to say no to: "i ran out yesterday, is that
                # bad" after it (a follow-up, out_of_scope) got "Sorry, I didn't quite get it"
                return ActionOutOfScope().run(dispatcher, tracker, domain)
            dispatcher.utter_message(
                response="utter_ask_rephrase_after_guess" if guessed else "utter_ask_rephrase"
            )
            return []
        return request_after_check(dispatcher, tracker)


def request_after_check(dispatcher: CollectingDispatcher, tracker: Tracker) -> list[EventType]:
    """After "I'm okay, something else" at a check-in: the request of the message checked on,
    or thanks and what we can help with."""
    checked = message_before_last(tracker)
    text = str(checked.get("text") or "")
    entities = (checked.get("parse_data") or {}).get("entities") or []
    # "can i still come in for my physical": a visit named and asked for is a booking (the
    # model's next guess was the opening hours)
    visit = any(e.get("entity") == "visit_type" for e in entities)
    asks_for_a_visit = "book_appointment" if visit and ASKS_FOR_SOMETHING.search(text) else None
    intent = request_in(text) or asks_for_a_visit or routine_guess(checked)
    if intent is not None:
        return replayed(text, intent, checked, entities)
    dispatcher.utter_message(response="utter_safety_check_cleared")
    return []


# Asking how to use the chat at all.
HOW_IT_WORKS = re.compile(
    r"\bhow (does|do) (this|it|you|u|this thing|this chat) work\b|"
    r"\bhow (do|can) i use (this|it|you|the chat)\b|\bwhat do i (press|type|click|tap|do here)\b|"
    r"\b(do not|don't|dont|never) (use|understand|know) (computers|phones|technology|"
    r"these things|how to use this|how this works)\b|\bnot (good|great) with (computers|phones|"
    r"technology)\b",
    re.IGNORECASE,
)


class ActionOutOfScope(Action):
    """Not something we do, and who can help, unless the message words one of our requests
    plainly: then that request, in the patient's words."""

    def name(self) -> str:
        return "action_out_of_scope"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        latest = last_event(list(tracker.events), "user")
        text = str(latest.get("text") or "")
        if text == "/out_of_scope" and last_response(tracker) in SAFETY_CHECKS:
            # [I'm okay, something else] under a check-in outside the fallback ("i cut myself
            # shaving lol, can i still come in for my physical" got the opening hours)
            return request_after_check(dispatcher, tracker)
        if (told := tell_front_desk(dispatcher, tracker)) is not None:
            return told  # "pls tell them im on my way" after the running-late answer
        if (refill := refill_reply(tracker, text)) is not None:
            # "i ran out yesterday, is that bad" after the refill answer: a name asked for (a
            # look-up); "im almost out": the refill answer word for word
            dispatcher.utter_message(response=refill)
            return []
        if running_low(text) and (events := replayed_as_read(tracker, latest)) is not None:
            return events  # "i ran out" with no medicine named nor refill before: as read
        if priced_another_visit(dispatcher, tracker, text):
            return []  # "what about a physical" after the cost of a visit
        if asks_what_i_can_do(text):
            # "what can you do" asked for a name and birth date (read as a balance)
            dispatcher.utter_message(response="utter_what_i_can_do")
            return []
        if is_marked(tracker):
            # "will they still see me?" right after the running-late answer: "Yes. A balance
            # on your account never stops you ..." (actions/still_seen.py)
            return still_seen(tracker, latest)
        clinic = get_clinic()
        service = find_not_offered(text, clinic) if not is_button_payload(text) else None
        if service is not None:
            # "do you do mammograms?", "can i get botox": that we don't, and who does (it
            # came after the whole list of what we do; see addons/services_guard.py)
            dispatcher.utter_message(
                response="utter_not_offered_asked",
                service=service.name,
                instead=service.instead_calling(clinic.clinic.main_phone),
            )
            return []
        explained = visits_explained(text, clinic) if not is_button_payload(text) else []
        if explained:
            # "what does a physical include" (the opening hours), "what is a follow up visit"
            # (the insurance plans): what it is, and a button to book it
            say_visits(dispatcher, explained, buttons=True)
            return []
        if applying_after_the_offer(tracker, text):
            # "ok how do i apply" (out of scope, 0.75) after the assistance answer: "not
            # something I can help with"
            return replay_as(tracker, latest, "billing_pay")
        if is_how_to_get_it(text):
            # "how do i get it then" after the doctor's-note answer: the addresses (read as
            # directions); that answer again (actions/how_to_get_it.py)
            events = how_to_get_it(dispatcher, tracker, latest)
            if events is not None:
                return events
        if is_how_long_it_takes(text):
            # "how long does that take" after the records answer: how long a visit lasts (read
            # as faq/visit_length); how long records take (actions/how_to_get_it.py)
            events = how_long_it_takes(dispatcher, tracker, latest)
            if events is not None:
                return events
        if is_cost_follow_up(text):
            # "is it free?" right after parking: the parking again (it was "What can I help
            # you with?"); elsewhere, as the model read it (actions/cost_follow_up.py)
            return cost_follow_up(tracker, latest)
        intent = request_in(text)
        if intent in PLAIN_REQUESTS:
            return replay_as(tracker, latest, intent)
        if amenity_asked(text):
            # "can i charge my electric car there": the offices' chargers (it was "not
            # something I can help with")
            return replay_as(tracker, latest, "parking")
        again = look_up_for_another(tracker, text)
        if again is not None and is_pronoun_follow_up(text):
            # "and hers?" after "my wife wants to know hers too": the welcome menu, or the
            # writer's own balance again. For the one spoken of, or asked who.
            who = spoken_of(tracker)
            if who is None:
                dispatcher.utter_message(response="utter_whose_details")
                return []
            entities = (tracker.latest_message or {}).get("entities") or []
            replay = replayed(text, again, latest, entities)
            replay[-1]["parse_data"][REFERENT] = f"your {who}"
            return replay
        if again == "book_appointment":
            return replayed(text, again, latest, last_visit_booked(tracker))
        if again is not None:
            return replay_as(tracker, latest, again)
        asked = action_before_message(tracker)
        if UNDECIDED.match(text) and asked in DOUBT_ANSWERED_BY:
            # "idk" at "Which insurance plan do you have?" or "Which office are you heading
            # to?": "Sorry, that's not something I can help with here"
            return [FollowupAction(asked)]
        if FIRST_FUMBLE.match(text) and not bot_spoke_this_session(tracker):
            # "?", "hmm", "what", "i dont understand" as the first message: "Sorry, that's not
            # something I can help with here" was cold for someone finding their feet
            dispatcher.utter_message(response="utter_how_it_works")
            return []
        if QUESTION_BACK.match(text) or not _has_words(text):
            # "what do u mean" after the parking answer: how to pay a bill; "?" alone: "Sorry,
            # that's not something I can help with here"
            dispatcher.utter_message(response="utter_which_part")
            return []
        if ALREADY_SAID.match(text):
            # "i already told you" after the parking answer: "Did you want to question a
            # charge on your bill?"
            dispatcher.utter_message(response="utter_sorry_say_again")
            return []
        if only_name_and_birth_date(text):
            # "Carlos Rivera" after the payment-plan answer: "not something I can help with"
            # told a patient their own name was off-topic.
            return ActionDetailsGiven().run(dispatcher, tracker, domain)
        if HOW_IT_WORKS.search(text):
            # "I do not use computers much. how does this work" was "not something I can help
            # with": a dead end for the patient who most needs a plain answer.
            dispatcher.utter_message(response="utter_how_it_works")
            return []
        first = first_name_follow_up(text)
        if is_follow_up(text) or first:
            # "what about my son?" (or "and liam?") with nothing looked up yet: what to do
            # for him.
            relation = relation_in(text)
            them = f"your {relation}" if relation else (first or "").capitalize() or "you"
            dispatcher.utter_message(response="utter_what_for_them", them=them)
            return []
        dispatcher.utter_message(response="utter_out_of_scope")
        return []


# No request yet, only a sound of not knowing what to do: "?", "hmm", "what", "huh", "lol".
FIRST_FUMBLE = re.compile(
    r"^\W*(?:(?:hmm+|hm+|um+|uh+|huh|lol|what|wat|wut|wha|ok|okay|idk|help|hello|hi)\W*)*$"
    r"|" + QUESTION_BACK.pattern,
    re.IGNORECASE,
)


def bot_spoke_this_session(tracker: Tracker) -> bool:
    return any(e.get("event") == "bot" for e in events_this_session(tracker))


# Questions of ours outside a task whose action answers "idk" (where to find the plan's name,
# every office's directions).
DOUBT_ANSWERED_BY = ("action_check_insurance", "action_location_info")


class ActionComplaint(Action):
    """A complaint: acknowledged and handed to staff (service recovery). A message the model
    only thinks is one ("no I mean my husband's appointment") is asked about first, since
    the handoff pauses the chat."""

    def name(self) -> str:
        return "action_complaint"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        if about_the_bot(latest_text(tracker)):
            dispatcher.utter_message(response="utter_sorry_not_helping")
            return []
        if answered_undo_of_cancel(dispatcher, tracker):
            # "wait no!! keep it, i clicked wrong" just after a cancellation: "Did you want to
            # tell us about a problem with your care?" (and "No" led nowhere)
            return []
        if feedback_offered(latest_text(tracker)):
            # "i want to leave a review": thanks, and staff read what comes next (it was "I'm
            # sorry about your experience")
            dispatcher.utter_message(text="Thank you, we'd love to hear it.")
            return escalate(dispatcher, tracker, "feedback")
        if not clearly_a_complaint(tracker):
            suggest(dispatcher, "complaint")
            return []
        dispatcher.utter_message(response="utter_complaint")
        return escalate(dispatcher, tracker, "complaint")
