"""Billing disputes: ``dispute_form`` asks one question when the patient gave no detail, then
``action_billing_dispute`` hands the conversation to billing staff with a summary.

A disputed bill is never settled here: only billing staff see the account and can decide. The
question itself ("what happened?") is worded in actions/dispute_question.py. A fee questioned
(``fee_disputed``) is a dispute, so how to pay (actions/paying.py) leaves it alone and
addons/task_words_guard.py makes it ``billing_dispute``.
"""

from __future__ import annotations

import re
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.bill_explained import as_bill_explained
from actions.billing import as_balance_items
from actions.dispute_question import DETAIL_MARKERS, asks_back
from actions.forms import TASK_INTENTS, PatientForm
from actions.handoff import escalate
from actions.matching import normalise
from actions.message_reading import safety_flagged, yes_or_no
from actions.second_request import (
    REQUEST_WORDS,
    common_question_in,
    question_before_handoff,
    replayed,
    replayed_common_question,
    split_clauses,
)
from actions.tracker_reading import is_button_payload, last_event, latest_intent, latest_text

# A fee named: "late fee", "the late cancel fee", "no show fee", "the fee".
FEE_NAMED = re.compile(
    r"\b(late|no show|noshow|missed|missed (appointment|appt|visit)|cancel|cancellation|"
    r"cancelation|late cancel|late cancellation|payment|the|that|this|a|these|those|\d+( dollar)?)"
    r" (fee|fees|penalty|penalties)\b|\blate (payment )?charges?\b"
)
# ...and disputed: unfair, to be taken off, on the bill already ("why is there a late fee on my
# bill" got the arrival time; "the late cancel fee is unfair" was out of scope). Not asked about
# ahead ("will i get charged a fee?", "is there a fee for missing an appointment").
FEE_DISPUTED = re.compile(
    r"\b(unfair|not fair|ridiculous|bs|bull|rip ?off|outrageous|remove|removed|waive|waived|"
    r"waiving|take (it|that|this|the \w+ ?fee|the fee) off|take off|drop (it|that|the)|reverse|"
    r"refund|dispute|contest|appeal|never (even )?missed|wasn t late|was not late|i was there|"
    r"(don t|dont|do not|shouldn t|shouldnt|should not|please don t|pls dont|not) (be )?"
    r"charg(e|ed|ing)|charged (me|us|my)|got charged|was charged|been charged|"
    r"on (my|the|our|his|her) (bill|statement|account|invoice)|"
    # "my bill shows a no show fee but i cancelled 2 days before"
    r"(bill|statement|invoice|account) (shows|says|has|lists)|"
    r"but i (already |did |had )?(cancel\w*|called|rescheduled|showed up|came in|was on time)|"
    r"(why|how come) (was there|did i get|do i have|am i|was i|did)|"
    r"(why|how come) (is there|is|was) (a|an|this|that) [\w ]{0,20}(on|in) (my|the|our) "
    r"(bill|statement|account|invoice)|"
    r"(there s|theres|there is|i have|i got|got) an? (?![\w ]{0,20}\b(policy|policies|question|"
    r"questions)\b)(late|no show|cancel\w*|\d+))\b"
)
# "late fee??", "why a late fee": the fee named and nothing more, a dispute too (we add no late
# fees to bills, so one named is one charged).
# A fee of the cancellation policy named alone ("no show fee?", "late cancellation fee?") asks
# whether there is one, like "is there a no-show fee": the policy (handed to billing staff, the
# chat paused, it waited for the next shift). Pointed at ("why the no show fee", "this cancel
# fee", "no show fee on my bill", "no show fee again") it is still a dispute.
POLICY_FEE = (
    r"(no show|noshow|late cancel|late cancellation|late cancelation|cancellation|cancelation|"
    r"cancel|missed appointment|missed appt|missed visit)"
)
FEE_WORD = r"(fee|fees|charge|charges)"
FEE_ALONE = re.compile(
    r"^(a |the |this |that |why |why a |why the |what s this |whats this |what is this )?"
    rf"late {FEE_WORD}( (again|pls|please|on my bill))?$"
    r"|^(this |that |why |why a |why the |what s this |whats this |what is this )"
    rf"{POLICY_FEE} {FEE_WORD}( (again|pls|please|on my bill))?$"
    rf"|^(a |the )?{POLICY_FEE} {FEE_WORD} (again|pls|please|on my bill)$"
)


def fee_disputed(text: str) -> bool:
    """A fee on the bill questioned or asked to be taken off (a billing dispute)."""
    said = normalise(text)
    if FEE_ALONE.search(said):
        return True
    return bool(FEE_NAMED.search(said) and FEE_DISPUTED.search(said))


# Words of a dispute that say nothing about what went wrong ("I want to dispute a charge").
GENERIC_DISPUTE_WORDS = set(
    """
    i im i m me my mine we our you your this that these the a an it its to of for on in with
    is are was were be been am do does did want would like need have has had please pls plz
    can could someone somebody anyone look into review check fix help sort out see get about
    dispute disputing disputed contest contesting appeal appealing challenge
    charge charges charged bill bills billed billing statement statements invoice account
    wrong incorrect error errors mistake mistakes problem issue issues question questions
    not right correct think there seems seem looks look like just hi hello hey
    overcharged overcharge overbilled why what how
    late fee fees
    got get received receive recieved came come mail mailed letter from guys new today
    yesterday killing kill crazy insane ridiculous
    """.split()
)
DETAILS_LIMIT = 300
# How sure the model must be that a message asks for another task, not what went wrong...
TASK_SWITCH_CONFIDENCE = 0.8
# ...and words that make it an account of what went wrong after all ("they billed me twice").
ACCOUNT_WORDS = re.compile(
    r"\b(bill|billed|billing|charge|charged|charges|never|wrong|twice|double|refund|refunded|"
    r"overcharged|paid|mistake|error|didn|did not|shouldn|should not|denied|claim|insurance)\b"
)


def clip(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def has_dispute_detail(text: str) -> bool:
    """Does the message say what went wrong ("charged twice"), not only that something did?"""
    if not text or is_button_payload(text):
        return False
    if DETAIL_MARKERS.search(text):
        return True
    words = [w for w in normalise(text).split() if len(w) > 2 and w not in GENERIC_DISPUTE_WORDS]
    return len(words) >= 1


# The dispute given up for something else ("actually nvm, just tell me what i owe", "can u
# just check what i owe first").
MIND_CHANGED = re.compile(
    r"\b(nvm|never ?mind|forget (it|that|about it)|scratch that|instead)\b|\bfirst\W*$"
    r"|^\W*(?:(?:ok|oh|hmm+|um+|wait|sorry)\W+)*actually\W+(?:can (?:u|you) )?just\b",
    re.IGNORECASE,
)
DISPUTE_INTERRUPTIONS = {"emergency", "crisis", "stop", "share_card_number"}
# Questions of another kind that "what happened?" lets through, asked as questions ("quick
# question do u take tricare" was filed for billing staff as the account of what went wrong).
OTHER_QUESTIONS = {
    "billing_insurance",
    # "i got a bill" - "what happened?" - "how long do i have to pay": filed for billing staff
    # and the chat paused, the question unanswered
    "billing_pay",
    "clinic_hours",
    "directions",
    "parking",
    "contact_info",
    "ask_clinicians",
}
ASKED = re.compile(
    r"\?|^\W*(quick question\W+)?(do|does|are|is|what|whats|where|when|how|can|r|u)\b",
    re.IGNORECASE,
)


class ValidateDisputeForm(PatientForm):
    """One question ("what happened?") when the first message had no detail; any answer counts."""

    form_name = "dispute_form"
    own_intents = {"billing_dispute"}

    def aside_reply(self, tracker: Tracker) -> str | None:
        if tracker.get_slot("requested_slot") == "dispute_details" and asks_back(
            latest_text(tracker)
        ):
            return "utter_dispute_which_bill"
        return super().aside_reply(tracker)

    def should_let_through(self, tracker: Tracker) -> bool:
        # Safety, a typed card number (never filed for staff) and "never mind" interrupt; so do
        # a tapped button and a plain request for another task ("I want to see my balance": no
        # amount, no date), which would otherwise be filed as the patient's account of what
        # went wrong. Anything else is that account.
        intent, confidence = latest_intent(tracker)
        if safety_flagged(tracker) or intent in DISPUTE_INTERRUPTIONS:
            return True
        text = latest_text(tracker)
        if intent in self.own_intents:
            return False
        if is_button_payload(text):
            return True
        if (
            intent in TASK_INTENTS | OTHER_QUESTIONS
            and MIND_CHANGED.search(text)
            and not DETAIL_MARKERS.search(text)
        ):
            # "actually nvm, just tell me what i owe" (a balance at 0.52) was filed for billing
            # staff as what went wrong, and the chat paused: the dispute is left for the task
            return True
        if (
            intent in OTHER_QUESTIONS
            and confidence >= TASK_SWITCH_CONFIDENCE
            and ASKED.search(text)
            and not ACCOUNT_WORDS.search(normalise(text))
        ):
            return True  # answered by its rule; "what happened?" is asked again
        return (
            intent in TASK_INTENTS
            and confidence >= TASK_SWITCH_CONFIDENCE
            and not DETAIL_MARKERS.search(text)
            and not ACCOUNT_WORDS.search(normalise(text))
        )

    def next_slot(self, slots: dict[str, Any], tracker: Tracker) -> str | None:
        return None if slots.get("dispute_details") else "dispute_details"

    def extract(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        slots: dict[str, Any],
        requested: str | None,
    ) -> dict[str, Any]:
        text = latest_text(tracker)
        if requested == "dispute_details":
            # A tapped button or a bare "yes" / "ok" is no account of what went wrong.
            bare = yes_or_no(tracker) is not None and len(text.split()) <= 3
            if not text or is_button_payload(text) or bare:
                return {"dispute_details": "(no further details given)"}
            return {"dispute_details": text}
        if has_dispute_detail(text):
            return {"dispute_details": text}
        return {}


def question_first(tracker: Tracker) -> tuple[list[EventType], str] | None:
    """A question asked with the dispute, replayed to be answered before it, and the rest of
    the message; None when there is none. A quick one: "i was charged twice. also what time do
    you close?" (the hours were never answered); a common one: "i need a refill and also my
    bill is wrong" (the refill was lost: only the bill reached staff)."""
    text = latest_text(tracker)
    quick = question_before_handoff(text)
    if quick is not None:
        question, rest = quick
        latest = last_event(tracker.events, "user")
        return replayed(question["text"], question["intent"], latest, []), rest
    disputed = REQUEST_WORDS["billing_dispute"]
    common = common_question_in(text, lambda clause: bool(disputed.search(clause)))
    if common is None:
        return None
    clause, parsed = common
    rest = ", ".join(c for c in split_clauses(text) if c != clause)
    return replayed_common_question(tracker, clause, parsed), rest


class ActionBillingDispute(Action):
    """Submit of ``dispute_form``: acknowledge, keep the patient's account, escalate to billing."""

    def name(self) -> str:
        return "action_billing_dispute"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        if (items := as_balance_items(tracker)) is not None:
            # "why so much" right after the balance was handed to billing staff as a dispute,
            # the chat paused: what the balance is made of first, with "Something's not right"
            return [SlotSet("dispute_details", None), *items]
        pending = tracker.get_slot("pending_request")
        first = question_first(tracker) if pending is None else None
        if first is not None:
            # the question answered first (once the chat is handed over, staff answer it),
            # then the dispute, at once, in the rest of the message's words (its account
            # stays in dispute_details)
            replay, rest = first
            dispute = {"intent": "billing_dispute", "text": rest, "at_once": True}
            return [SlotSet("pending_request", dispute), *replay]
        details = str(tracker.get_slot("dispute_details") or "").strip()
        if (explained := as_bill_explained(tracker, details)) is not None:
            # "i got a bill and i don't understand it": what it is made of first
            return [SlotSet("dispute_details", None), *explained]
        dispatcher.utter_message(response="utter_billing_dispute")
        note = f'About the bill: "{clip(details, DETAILS_LIMIT)}"' if details else None
        return [SlotSet("dispute_details", None)] + escalate(
            dispatcher, tracker, "billing_dispute", note=note
        )
