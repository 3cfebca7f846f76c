"""The other question of a message whose first one was a common question ("do you do flu shots
and are you open sunday?", "how do I get my records, and what's my balance?", "do you do x-rays
and can I get my records?").

The answer itself is ``utter_faq`` (a response, so it is said even when the action server is
down); this action runs after it and takes the rest of the message as any answer does
(``actions/second_request.py``): a quick question or a look-up at once, another task offered.
"""

from __future__ import annotations

import json
import re
from datetime import datetime
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.billing import billing_facts
from actions.booking_guards import booked_in_this_chat, within_late_window
from actions.clinician_days import short_name
from actions.formatting import a_or_an, day_and_time, visit_name
from actions.matching import find_not_offered, find_offered_visit, find_practitioner, normalise
from actions.patient_words import whose
from actions.second_request import (
    MAX_REQUEST_CHARS,
    MIN_QUESTION_WORDS,
    REQUEST_WORDS,
    answer_common_question,
    follow_up,
    split_clauses,
)
from actions.settings import get_clinic
from actions.tracker_reading import latest_text, selected_faq_key

# Requests a topic's own question is often worded as: "is there a fee if I cancel" is the
# cancellation policy, not a cancellation; "should I bring my insurance card" is what to bring.
OWN_WORDS = {
    "cancellation_policy": {"cancel_appointment", "reschedule_appointment", "book_appointment"},
    "arrival_time": {"clinic_hours"},
    "running_late": {"clinic_hours", "reschedule_appointment"},
    "walk_in": {"book_appointment"},
    "new_patient_forms": {"book_appointment", "directions"},
    "telehealth": {"book_appointment"},
    "records_request": {"contact_info", "directions"},
    "prescription_refill": {"directions"},
    "forms_notes": {"directions"},
    "referral": {"billing_insurance", "book_appointment"},
    "teen_privacy": {"billing_insurance", "billing_balance", "billing_pay"},
    "what_to_bring": {"billing_insurance", "billing_pay"},
    "insurance_card": {"billing_insurance", "book_appointment", "check_appointment"},
    "visit_prep": {"book_appointment"},
    "reminders": {"check_appointment"},
}
# A visit asked for in a clause of its own, whatever the common question's words: "i need a
# physical next week, do i need to fast before it?" got how to prepare, and no booking.
VISIT_STATED = re.compile(
    r"^\W*(?:(?:hi|hey|hello|so|ok|okay|also|and)\W+)*(?:i|we|he|she|my \w+) (?:need|needs|want|"
    r"wants|would like|'d like) (?:a|an|another|to book|to schedule|to make)\b",
    re.IGNORECASE,
)
# After a common question, "insurance" alone is often part of it ("can I get my records and my
# insurance card copied"): the plan question must ask whether one is taken.
ASKS_IF_TAKEN = re.compile(
    r"\b(take|takes|accept|accepts|accepted|cover|covers|covered|in network|in-network)\b", re.I
)
# Whether the clinic takes a plan, asked beside a topic whose own words include insurance
# ("do you take Aetna, and what do I need to bring": only what to bring was answered).
CLINIC_TAKES = re.compile(
    r"\b((do|does|will) (you|u|ya|the clinic) (take|accept)|(are|r) (you|u) in[- ]?network|"
    r"(is|are) \w+ accepted)\b",
    re.I,
)


# Answers that say what we do, after which a service we don't offer needs saying: "do you do
# eye exams" got the services list (read as yes), "do you have a dermatologist" the referral
# answer, never that there is none here.
WHAT_WE_DO_TOPICS = frozenset({"services", "referral"})
# "Yes, we do." (addons/services_guard.py: a yes-or-no question naming a visit we book), and
# "Yes." to one asked of a clinician ("does dr okafor do shots").
SERVICE_OFFERED_TOPIC = "service_offered"
YES_TOPICS = frozenset({SERVICE_OFFERED_TOPIC, "clinician_offers"})
# The price asked with a service ("do you do sports physicals, how much"): billing says it.
PRICE_ASKED = re.compile(r"\b(?:how much|cost|costs|price|prices|fee|fees|charge)\b")
# Answers after which a visit named in the question is offered too, as after the yes: "can my
# 15 yr old come in without me for a sports physical" got who may come, and no way to book;
# "my daughter needs a sports physical form filled out" got "I can book that visit here", and
# "yes please" got "What can I help you with?".
VISIT_NAMED_TOPICS = frozenset({"teen_privacy", "forms_notes"})


def service_note(
    dispatcher: CollectingDispatcher, text: str, topic: str, booking_asked: bool
) -> None:
    """After the services answer, about a service ``text`` names: one we don't do, and who
    does it (clinic.yml ``not_offered``: "do you do eye exams" read as a yes); or a visit we do
    ("do you do pap smears", "do you give flu shots"): yes, what it is booked as, and one tap
    to book it, unless the message asked to book already (the answer alone listed everything
    we do, and left the patient to work out the yes). After the plain "Yes, we do." only what
    it is booked as."""
    said_yes = topic in YES_TOPICS or topic in VISIT_NAMED_TOPICS
    if (topic not in WHAT_WE_DO_TOPICS and not said_yes) or not text or text.startswith("/"):
        return
    clinic = get_clinic()
    service = find_not_offered(text, clinic)
    if service is not None:
        # ("do you do physical therapy": not the physical it contains)
        dispatcher.utter_message(
            response="utter_not_offered_here",
            service=service.name,
            instead=service.instead_calling(clinic.clinic.main_phone),
        )
        return
    if topic == "referral" or booking_asked:
        return
    visit = find_offered_visit(text, clinic)
    if visit is None:
        return
    # "does dr okafor do shots": with them; "does dr gonzalez do shots": that she doesn't
    practitioner = find_practitioner(text, clinic)
    booked_as, title = a_or_an(visit.name), f"Book {a_or_an(visit.name)}"
    details = {"visit_type": visit.id}
    if practitioner is not None and practitioner.specialty in visit.specialties:
        booked_as = f"{booked_as} with {practitioner.name}"
        title = f"{title} with {short_name(practitioner)}"
        details["practitioner"] = practitioner.id
    elif practitioner is not None:
        dispatcher.utter_message(
            response="utter_practitioner_not_for_visit",
            practitioner=practitioner.name,
            a_visit=booked_as,
        )
        said_yes = True  # (no "Yes, we do" after that)
    payload = "/book_appointment" + json.dumps(details)
    response = "utter_offered_as" if said_yes else "utter_offered_here"
    dispatcher.utter_message(
        response="utter_offered_for_form" if topic == "forms_notes" else response,
        visit=booked_as,
        buttons=[{"title": title, "payload": payload}],
    )


# The forms in which one appointment is being cancelled or moved.
CHANGING_ONE = ("cancel_form", "reschedule_form")


def fee_for_this_one(dispatcher: CollectingDispatcher, tracker: Tracker, topic: str) -> None:
    """ "is there a fee for cancelling?" while cancelling or moving one appointment: whether
    the late-change fee applies to that one (the policy alone left the patient to work out
    whether Monday 9am was within 24 hours)."""
    if topic != "cancellation_policy" or tracker.active_loop_name not in CHANGING_ONE:
        return
    chosen = tracker.get_slot("appointment_choice")
    items = tracker.get_slot("my_appointments") or []
    item = next((i for i in items if chosen and i.get("id") == chosen), None)
    if item is None:
        return
    clinic = get_clinic()
    soon = within_late_window(item, clinic)
    if soon and booked_in_this_chat(item, tracker):
        return  # no fee, though it is soon (the policy's exception)
    said = (
        f"{whose(dict(tracker.slots), clinic)} {visit_name(item.get('visit_type'), clinic)} on "
        f"{day_and_time(datetime.fromisoformat(item['start']), clinic)}"
    )
    dispatcher.utter_message(
        response="utter_late_fee_applies" if soon else "utter_no_late_fee",
        appointment=said[:1].upper() + said[1:],
        hours=clinic.scheduling.late_cancel_hours,
    )


def faq_topic(tracker: Tracker) -> str:
    """``services`` for ``faq/services``: the topic the ResponseSelector answered."""
    latest = tracker.latest_message or {}
    intent = latest.get("intent") or {}
    name = str(intent.get("full_retrieval_intent_name") or "")
    if not name:
        name = selected_faq_key(latest)
    return name.split("/", 1)[1] if "/" in name else ""


def other_question(text: str, topic: str) -> dict[str, str] | None:
    """The last clause of ``text`` that asks one of our other requests, as ``second_request``
    gives it, when another clause is left for the common question; else None."""
    if not text or text.startswith("/"):
        return None
    clauses = split_clauses(text)
    skip = OWN_WORDS.get(topic, set())
    for clause in reversed(clauses):  # the common question usually comes first
        for intent, pattern in REQUEST_WORDS.items():
            if not pattern.search(clause):
                continue
            if intent in skip and not (
                (intent == "billing_insurance" and CLINIC_TAKES.search(clause))
                or (intent == "book_appointment" and VISIT_STATED.match(clause))
            ):
                continue
            if intent == "billing_insurance" and not ASKS_IF_TAKEN.search(clause):
                continue
            rest = [c for c in clauses if c is not clause and len(c.split()) >= MIN_QUESTION_WORDS]
            if not any(not pattern.search(c) for c in rest):
                return None  # one question, only split by "and" or a comma
            return {"intent": intent, "text": clause[:MAX_REQUEST_CHARS]}
    return None


SPANISH_TOPIC = "interpreter_in_spanish"
# A bill, a payment or insurance, asked in Spanish ("cuanto debo", "quiero pagar mi factura").
BILL_IN_SPANISH = re.compile(
    r"\b(?:debo|deuda|debe|factura|facturas|cuenta|saldo|pagar|pago|pagos|cobro|cobraron|"
    r"cobrado|seguro|aseguranza|medi-?cal)\b",
    re.IGNORECASE,
)
SPANISH_ANSWERED = "spanish_answered"


def in_spanish(
    dispatcher: CollectingDispatcher, tracker: Tracker, topic: str, now: datetime | None = None
) -> list[EventType]:
    """After the Spanish interpreter answer: while we are closed, the after-hours nurse line, in
    Spanish (the answer says to call the front desk, which nobody answers then: "para mi hijo,
    tiene fiebre" at night), once; and the answer is marked given, so a second message in
    Spanish gets it in other words (domain/faq.yml), not word for word again (the nurse line
    came word for word after both)."""
    if topic != SPANISH_TOPIC:
        return []
    clinic = get_clinic()
    if BILL_IN_SPANISH.search(latest_text(tracker)):
        # "cuanto debo" got the appointments' line alone (book, move or cancel a visit)
        dispatcher.utter_message(
            text=f"Para preguntas sobre su cuenta, sus pagos o su seguro, llame a facturación al "
            f"{clinic.billing.phone} y pida un intérprete."
        )
    line = clinic.clinic.after_hours_nurse_line
    answered = tracker.get_slot(SPANISH_ANSWERED)
    if line and not answered and not clinic.staff_available(now or clinic.now()):
        dispatcher.utter_message(
            text=f"Ahora estamos cerrados. Si es una pregunta médica que no puede esperar, "
            f"llame a nuestra línea de enfermería fuera de horario: {line} (pida un intérprete)."
        )
    return [] if answered else [SlotSet(SPANISH_ANSWERED, True)]


class ActionFaqFollowUp(Action):
    """After a common question's answer: the other question of the same message, if any."""

    def name(self) -> str:
        return "action_faq_follow_up"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        topic = faq_topic(tracker)
        spanish = in_spanish(dispatcher, tracker, topic)
        if tracker.active_loop_name:
            fee_for_this_one(dispatcher, tracker, topic)
            return spanish  # the form asks its own question next
        return spanish + self._follow_up(dispatcher, tracker, topic)

    def _follow_up(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, topic: str
    ) -> list[EventType]:
        text = latest_text(tracker)
        kept = tracker.get_slot("pending_request")
        if isinstance(kept, dict) and kept.get("at_once"):
            # "i need a refill and also my bill is wrong": the refills answered first, the
            # dispute now (actions/disputes.py)
            return follow_up(dispatcher, tracker, kept)
        other = other_question(text, topic)
        # ("do you give tdap shots? if so can i book one": the booking is offered below)
        booking_asked = other is not None and other["intent"] == "book_appointment"
        service_note(dispatcher, text, topic, booking_asked)
        if other is None and topic in YES_TOPICS and PRICE_ASKED.search(normalise(text)):
            # "do you do sports physicals, how much": the yes and the booking, the price lost
            dispatcher.utter_message(response="utter_visit_cost", **billing_facts(get_clinic()))
        if other is not None:
            return follow_up(dispatcher, tracker, other)
        # "do you do x-rays and can i get my records": another common question
        return answer_common_question(tracker, text, lambda clause: False, topic)
