"""A price asked of "it", right after parking: "is it free?", "how much is it?".

Alone, such a question names nothing; only the dialogue knows what "it" is. After "Which office
are you visiting? Parking is different at each one." the model read "is it free?" as a yes
("What can I help you with?"), "how much does it cost" as the price of a visit and "do i have
to pay for it" as paying a bill. ``addons/follow_up_guard.py`` reads such a question as
``out_of_scope``; ``action_out_of_scope`` answers it as parking when parking was the last thing
talked about (for every office when we had just asked which one), and otherwise as the model
read it (kept in the parse data: "do i have to pay for it" after a balance is paying it), or as
the cost of a visit when the model read no task.
"""

from __future__ import annotations

import re
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from actions.billing import billing_facts, staff_button
from actions.matching import find_visit_type
from actions.second_request import READ_AS_KEY, replay_as, replayed_faq_as_read
from actions.settings import get_clinic
from actions.stop import action_before_message
from actions.tracker_reading import responses_before_latest

# The model's readings that are kept (and a common question's answer); anything else (a yes, a
# fallback) is the cost of a visit. What is owed only right after the balance: "how much is it"
# with nothing looked up asked for a name and birth date.
KEPT_READINGS = {"billing_pay", "billing_dispute", "billing_insurance"}

# Only "it"/"that"/"this" (or nothing: "how much?"): "how much is a visit" names its own
# subject.
_IT = r"(?:it|that|this)"
COST_FOLLOW_UP = re.compile(
    r"^\W*(?:(?:ok|okay|k|and|so|but|oh|cool|thanks|great|also)\W+)*"
    r"(?:"
    rf"(?:is|r|are) {_IT} (?:free|paid|expensive|costly)(?: (?:of charge|or paid|or not))?"
    # ("how much" alone, right after parking, asked for a name and birth date: a balance)
    rf"|how much(?: (?:is|does|will|would) {_IT}(?: (?:cost|be|run|charge))?(?: me| us)?)?"
    r"|(?:what'?s|what is) the (?:cost|price)"
    rf"|how much do (?:i|we|you) (?:pay|have to pay)(?: for {_IT})?"
    rf"|(?:does|will|would) {_IT} cost(?: (?:anything|money|extra|me anything|a lot))?"
    rf"|(?:do|will) (?:i|we) (?:have|need) to pay(?: (?:for {_IT}|anything|extra))?"
    rf"|is there a (?:charge|fee|cost|price)(?: for {_IT})"
    rf"|what does {_IT} cost"
    r")\W*(?:(?:too|there|then)\W*)?$",
    re.IGNORECASE,
)


# "what about a physical", "and a flu shot?": another visit, right after the cost of a visit.
WHAT_ABOUT = re.compile(
    r"^\W*(?:(?:ok|okay|and|so|but|hmm)\W+)*(?:what|how) about\b|^\W*and (?:for )?(?:a|an)\b",
    re.IGNORECASE,
)
# The answers about what a visit costs.
COST_ANSWERS = {"utter_visit_cost", "utter_insurance_self_pay"}


def priced_another_visit(dispatcher: CollectingDispatcher, tracker: Tracker, text: str) -> bool:
    """ "what about a physical" right after the cost of a visit: the cost of that one, said
    (it was "Did you want to book an appointment?"); False, saying nothing, otherwise."""
    if not (
        WHAT_ABOUT.search((text or "").replace("\u2019", "'"))
        and find_visit_type(text, get_clinic()) is not None
        and not COST_ANSWERS.isdisjoint(responses_before_latest(tracker))
    ):
        return False
    dispatcher.utter_message(
        response="utter_visit_cost", buttons=[staff_button()], **billing_facts(get_clinic())
    )
    return True


def is_cost_follow_up(text: str) -> bool:
    """Whether the message only asks the price of "it"."""
    return bool(COST_FOLLOW_UP.search((text or "").replace("\u2019", "'")))


def after_parking(tracker: Tracker) -> bool:
    """Whether the last thing the assistant did was parking: its answer or "Which office?"."""
    return (
        action_before_message(tracker) == "action_location_info"
        and tracker.get_slot("info_topic") == "parking"
    )


def cost_follow_up(tracker: Tracker, latest: dict[str, Any]) -> list[EventType]:
    """The question again: as parking right after parking, else as the model read it."""
    if after_parking(tracker):
        return replay_as(tracker, latest, "parking")
    read_as = (tracker.latest_message or {}).get(READ_AS_KEY)
    if read_as == "faq" and (again := replayed_faq_as_read(tracker, latest)) is not None:
        return again
    if read_as in KEPT_READINGS or (
        read_as == "billing_balance" and action_before_message(tracker) == "action_show_balance"
    ):
        return replay_as(tracker, latest, str(read_as))
    return replay_as(tracker, latest, "billing_insurance")
