"""The patient just verified: the thanks said (to the writer, for a child or a relative) and
the slots that remember who it is for the rest of the session: the record, and whether the
patient is a child or a grown-up relative of the writer (how their details are spoken of)."""

from __future__ import annotations

from datetime import date
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.clients.fhir_model import PatientRecord
from actions.clinic_config import ADULT_AGE
from actions.dates import age_on
from actions.mentions import relative_identity
from actions.own_clinician import told_after_verification
from actions.relatives import (
    CHILD_RELATIONS,
    RELATION_SEX,
    relation_asked_about,
    relation_in,
)
from actions.request_context import about_someone_else, introduction_before
from actions.second_request import relative_booked_first, relative_booking
from actions.settings import get_clinic
from actions.tracker_reading import form_request, form_responses, form_texts, latest_text
from actions.writers import writer_is_relative

# "Has your mom been seen here before?": the booking is the relative's.
RELATIVE_STATUS_ASKS = {
    "utter_ask_patient_status_for",
    "utter_ask_patient_status_for_plain",
    "utter_ask_patient_status_relative_named",
}


def asked_of_a_relative(tracker: Tracker) -> bool:
    """Whether this form asked whether a relative had been seen here (the booking is theirs)."""
    return not RELATIVE_STATUS_ASKS.isdisjoint(form_responses(tracker))


def verified_slots(
    dispatcher: CollectingDispatcher,
    tracker: Tracker,
    slots: dict[str, Any],
    patient: PatientRecord,
    birth_date: date,
) -> dict[str, Any]:
    """Thanks, by the right name, and the slots of a verified patient."""
    # A child's record is usually confirmed by a parent: thank the writer, not the child.
    child = age_on(birth_date, get_clinic().now().date()) < ADULT_AGE
    # "my dad's bill. His name is Carlos Rivera...": "confirmed for Carlos", not
    # "Thank you, Carlos" to his child.
    asked_about = relation_asked_about(tracker)
    # ...also when the relation came earlier ("cancel my dad's appointment" - "Robert
    # Smith" - "1/5/1950"): "confirmed for Robert" reads right to either of them.
    relative = relation_in((tracker.latest_message or {}).get("text") or "") or asked_about
    # ...the child asked about in this request, not earlier ("what do i owe, me not him"
    # after the son's balance is the parent's own)
    asked_here = relation_in(latest_text(tracker)) or relation_in(form_request(tracker))
    if not child and asked_here in CHILD_RELATIONS:
        # "how much does my son owe" - "emily johnson 4/12/1988": an adult's record,
        # maybe the parent's own; her balance came with no word about the son.
        dispatcher.utter_message(
            response="utter_verified_adult_not_child",
            patient_first_name=patient.given,
            relation=CHILD_RELATIONS[asked_here],
        )
    else:
        dispatcher.utter_message(
            response="utter_verified_child" if child or relative else "utter_verified",
            patient_first_name=patient.given,
        )
    verified = {
        "verified": True,
        "patient_id": patient.id,
        "patient_name": f"{patient.given} {patient.family}",
        "verify_attempts": 0.0,
        "patient_status": "returning",
    }
    if slots.get("tried_name"):
        verified["tried_name"] = None
    # (a child asked about and an adult's details are the parent's own: see above)
    # ("book me a physical, my wife said i need one" is the writer's own)
    # (a grown daughter named with her details is a relative: "book my daughter aisha
    # khan 1/22/92", then "now me" booked on her record)
    today = get_clinic().now().date()
    texts = form_texts(tracker)
    named = any(
        about_someone_else(t)
        and (r := relation_in(t))
        and (r not in CHILD_RELATIONS or relative_identity(t, today) is not None)
        for t in texts
    ) or any(
        # "i'm his wife, can i cancel carlos rivera's appointment": "Carlos's follow-up"
        writer_is_relative(t)
        for t in [*texts, introduction_before(list(tracker.events))]
    )
    relative_first = relative_booked_first(slots.get("pending_request"), texts)
    if (
        not named
        and relative_first is None
        and asked_here not in CHILD_RELATIONS  # (an adult's record at a child's question)
        and asked_of_a_relative(tracker)
    ):
        # "my mom is 82 and ... she needs her yearly checkup ... can we get a morning slot"
        # (the "we" asked for the booking): "Has your mom been seen here before?" was asked
        # and answered, yet "your annual physical ... arrive with your photo ID" was said to
        # her child
        named = True
    if not child and not named and relative_first is not None:
        # "book physicals for me and my husband": "first your husband's booking, then yours".
        # His details are his ("You saw Sam Lee last time" was said to his wife); hers, at his
        # question, are hers: her booking now, and his after it ("You also asked: 'can i book
        # physicals for me'" came once hers was booked).
        sex = RELATION_SEX.get(relative_first)
        waits = relative_booking(relative_first, slots["pending_request"])
        if relative_first in CHILD_RELATIONS:
            # an adult's record at the child's question: taken as the writer's own, said above
            # ("If you meant your daughter's record, ..."); the child's booking after it
            verified["pending_request"] = waits
        elif sex and patient.gender in ("male", "female") and patient.gender != sex:
            verified["pending_request"] = waits
            dispatcher.utter_message(response="utter_own_booking_first", relation=relative_first)
        else:
            named = True
    if not child and named:
        # "cancel my dad's appointment": "Robert's vaccination", not "your" to his child
        verified["patient_is_relative"] = True
    if child:
        # "my son": how the parent called the child ("child" if they did not); set
        # only for a child, so it also says the patient is one (is_child).
        verified["patient_relation"] = relation_asked_about(tracker) or "child"
    # ("who is my doctor?" asked mid-booking, before the check: actions/own_clinician.py)
    verified.update(told_after_verification(dispatcher, {**slots, **verified}, get_clinic()))
    return verified
