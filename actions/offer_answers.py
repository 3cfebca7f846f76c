"""A yes or a no to what the assistant just offered: the request a "did you mean …?" suggested,
the task a button started ("Set up a plan with billing"), or the question asked again. Typed
answers count as much as taps ("yes set it up", "nah im good")."""

from __future__ import annotations

import json
import re
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from actions.said_before import booking_words_before
from actions.second_request import (
    CLEAR,
    replay_as,
    replayed,
    request_in,
    start_second_request,
    take_second_request,
)
from actions.stop import answered_undo_of_cancel
from actions.tracker_reading import (
    bot_messages_before_latest,
    last_event,
    latest_text,
)
from actions.typed_answers import OK_BUT_WAIT, QUESTION_BACK, UNDECIDED

# How each intent is offered back to the patient in "Did you mean …?". Not `faq`: its "yes"
# came back as a bare /faq with no topic, and the patient got no answer at all.
INTENT_DESCRIPTIONS = {
    "book_appointment": "book an appointment",
    "reschedule_appointment": "move an appointment to another time",
    "cancel_appointment": "cancel an appointment",
    "check_appointment": "check your upcoming appointments",
    "billing_balance": "check what you owe",
    "billing_pay": "find out how to pay a bill",
    "billing_insurance": "ask whether we take your insurance",
    "billing_dispute": "question a charge on your bill",
    "directions": "get directions to our office",
    "clinic_hours": "check our opening hours",
    "parking": "find out where to park",
    "contact_info": "get our phone numbers",
    "ask_clinicians": "find out about our doctors",
    "request_human": "talk to a person",
    "medical_advice": "ask a nurse a medical question",
    "test_results": "ask about test results",
    "complaint": "tell us about a problem with your care or service",
    "greet": "say hello",
    "goodbye": "end the chat",
    "thank": "say thanks",
    "bot_challenge": "ask whether I'm a bot",
}


# The opening of "Did you mean …?"; a typed "yes" right after it takes the suggestion.
SUGGESTION_OPENING = "Sorry, I want to be sure I understood."


# A question a yes does not answer: "Which office are you heading to?".
WH_QUESTION = re.compile(r"(?:which|who|what|when|where|how)\b", re.IGNORECASE)


# Accepted suggestions whose unclear message is read again as that request (it may say who,
# when or which office); the others start as the Yes button does.
READ_AGAIN = {
    "book_appointment",
    "reschedule_appointment",
    "cancel_appointment",
    "check_appointment",
    "billing_balance",
    "billing_insurance",
    "directions",
    "clinic_hours",
    "parking",
    "contact_info",
    "ask_clinicians",
}


def first_button(bot: dict[str, Any]) -> tuple[str, str, list] | None:
    """The first button of a bot message as (intent, payload, entities), when it starts one of
    the requests of ``INTENT_DESCRIPTIONS`` (``/request_human{"staff_team": "billing"}``)."""
    buttons = (bot.get("data") or {}).get("buttons") or []
    payload = str(buttons[0].get("payload") or "") if buttons else ""
    match = re.fullmatch(r"/(\w+)(\{.*\})?", payload)
    if match is None or match.group(1) not in INTENT_DESCRIPTIONS:
        return None
    try:
        values = json.loads(match.group(2)) if match.group(2) else {}
    except ValueError:
        return None
    if not isinstance(values, dict):
        return None
    entities = [{"entity": str(k), "value": v} for k, v in values.items()]
    return match.group(1), payload, entities


def accepted_suggestion(events: list[dict[str, Any]]) -> tuple[str, dict[str, Any]] | None:
    """The intent offered by the last bot message, if it was "Did you mean …?", and the unclear
    user message it was about; None when the last bot message was anything else."""
    last_bot = next(
        (i for i in range(len(events) - 1, -1, -1) if events[i].get("event") == "bot"), None
    )
    if last_bot is None:
        return None
    bot = events[last_bot]
    offered = first_button(bot)
    if not (bot.get("text") or "").startswith(SUGGESTION_OPENING) or offered is None:
        return None
    unclear = last_event(events[:last_bot], "user")
    return (offered[0], unclear) if unclear else None


class ActionAnswerYes(Action):
    """A "yes" outside any form. After "You also asked: '…'. Shall we do that now?" it starts
    that request in the patient's words; typed after "Did you mean …?" it means the suggestion,
    as the Yes button does (Rasa's fallback loop would replay it as a bare "yes"); otherwise the
    patient is asked what they need."""

    def name(self) -> str:
        return "action_answer_yes"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        events = list(tracker.events)
        text = latest_text(tracker)
        if not text.startswith("/") and (
            UNDECIDED.match(text) or OK_BUT_WAIT.match(text) or QUESTION_BACK.match(text)
        ):
            # "huh" (a yes to the model, 1.0) at "Would you like me to connect you with our
            # billing staff?": handed to staff, and the chat paused. The question again.
            return ask_again(dispatcher, events)
        second = take_second_request(events, tracker.get_slot("pending_request"))
        if second is not None:
            return start_second_request(tracker, second)
        accepted = accepted_suggestion(events)
        if accepted is not None:
            intent, original = accepted
            if intent not in READ_AGAIN:
                # As the Yes button: the unclear words are not, say, the dispute's details.
                return replayed(f"/{intent}", intent, original, [])
            entities = (original.get("parse_data") or {}).get("entities") or []
            return replayed(original.get("text") or "", intent, original, entities)
        latest_offer = offered_task(events)
        offered = (
            latest_offer or button_said(events, latest_text(tracker)) or offer_still_open(events)
        )
        if offered is None and (tracker.active_loop_name or said_aside(events)):
            # "yes" after the offer and the form's question again (forms.PatientForm lets
            # it through): the offer; so too after the offer and a note without a question
            # ("... O toque «Book an appointment»" [Book an appointment], then the nurse line
            # at night: "si" was "What can I help you with?")
            offered = offer_before_question(events)
        if offered is not None:
            # "Would you like to book one?" [Book an appointment] - "yes": that button.
            intent, payload, entities = offered
            asked = booking_words_before(tracker, intent) if offered == latest_offer else None
            return replayed(asked or payload, intent, last_event(events, "user"), entities)
        bot = last_event(events, "bot")
        if not text.startswith("/") and (offers_booking(bot) or books_in_words(bot)):
            # "yes" under the clinicians and their [Book with …] buttons: the booking, which
            # asks who (it was "What can I help you with?")
            book = "/book_appointment"
            return replayed(book, "book_appointment", last_event(events, "user"), [])
        asked = request_in(latest_text(tracker))
        if asked is not None:
            # "do you take new patients?" - "ok book me" (a yes, 0.61): "What can I help you
            # with?" asked what the patient had just said.
            return replay_as(tracker, last_event(events, "user"), asked)
        if not text.startswith("/") and asks_to_choose(bot):
            # "yes" at "Which office are you visiting? Parking is different at each one."
            # [Downtown Clinic] [North Office]: "What can I help you with?" dropped the choice
            dispatcher.utter_message(text=bot.get("text"), buttons=bot["data"]["buttons"])
            return []
        dispatcher.utter_message(response="utter_how_can_help")
        return []


def asks_to_choose(bot: dict[str, Any]) -> bool:
    """Whether a bot message asks the patient to pick one of its buttons ("Which office …?")."""
    buttons = (bot.get("data") or {}).get("buttons") or []
    sentences = re.split(r"(?<=[.!?])\s+", str(bot.get("text") or "").strip())
    return len(buttons) > 1 and any(
        WH_QUESTION.match(sentence) and sentence.endswith("?") for sentence in sentences
    )


def ask_again(dispatcher: CollectingDispatcher, events: list[dict[str, Any]]) -> list[EventType]:
    """The last thing said, with its buttons, after "No rush" (or what we can help with)."""
    bot = last_event(events, "bot")
    said = str(bot.get("text") or "")
    if not said:
        dispatcher.utter_message(response="utter_how_can_help")
        return []
    dispatcher.utter_message(response="utter_no_rush")
    dispatcher.utter_message(text=said, buttons=(bot.get("data") or {}).get("buttons") or [])
    return []


def offered_task(events: list[dict[str, Any]]) -> tuple[str, str, list] | None:
    """What the first button of the last bot message starts (intent, payload, entities), when
    that message offers it: a question ("Would you like to book one?" [Book an appointment]) or
    a single button ("... or I can connect you with them now." [Talk to billing staff])."""
    bot = last_event(events, "bot")
    buttons = (bot.get("data") or {}).get("buttons") or []
    asks = (bot.get("text") or "").rstrip().endswith("?")
    if not buttons or not (asks or len(buttons) == 1):
        return None
    if asks_to_choose(bot):
        # "yes" at "Which office are you heading to?" [Downtown Clinic] [North Office]: not
        # the first office; the question again
        return None
    if not asks and str(buttons[0].get("title") or "").lower().endswith(" instead"):
        # "k" under the North Office's parking [Downtown Clinic instead]: got it, not the
        # other office's parking
        return None
    return first_button(bot)


# Messages a patient may write between an offer and the answer that repeats its button: a name,
# then a birth date.
OPEN_OFFER_TURNS = 2


def offer_still_open(events: list[dict[str, Any]]) -> tuple[str, str, list] | None:
    """An offer asked a little earlier and not yet answered, whose button the last bot message
    repeats among others: "i cant afford my bill" - "... Would you like me to connect you with
    our billing staff?" [Set up a plan with billing] - a name and birth date - the balance
    [Ways to pay] [Set up a payment plan] - "yes please" was "What can I help you with?".
    None when a yes, a no or a tap came between, or the button is not repeated."""
    latest_bot = max((i for i, e in enumerate(events) if e.get("event") == "bot"), default=None)
    if latest_bot is None:
        return None
    buttons = (events[latest_bot].get("data") or {}).get("buttons") or []
    shown = {str(b.get("payload") or "") for b in buttons}
    turns = 0
    for event in reversed(events[:latest_bot]):
        if event.get("event") == "user":
            intent = ((event.get("parse_data") or {}).get("intent") or {}).get("name")
            turns += 1
            text = str(event.get("text") or "")
            if turns > OPEN_OFFER_TURNS or intent in ("affirm", "deny") or text.startswith("/"):
                return None
        elif event.get("event") == "bot" and (event.get("data") or {}).get("buttons"):
            # (the identity questions between have no buttons)
            asks = str(event.get("text") or "").rstrip().endswith("?")
            offered = offered_task([event]) if asks else None
            return offered if offered is not None and offered[1] in shown else None
    return None


def said_aside(events: list[dict[str, Any]]) -> bool:
    """Whether the last bot message is a note after another of the same turn: no buttons, no
    question."""
    bot = last_event(events, "bot")
    return (
        len(bot_messages_before_latest(events)) > 1
        and not (bot.get("data") or {}).get("buttons")
        and not str(bot.get("text") or "").rstrip().endswith("?")
    )


def offer_before_question(events: list[dict[str, Any]]) -> tuple[str, str, list] | None:
    """The task offered by an answer given mid-form, before the form asked its question again
    ("... Would you like me to connect you with our billing staff?" [Set up a plan with
    billing], then "What is the patient's full name?"), as ``first_button``; None when the
    form's question was all that was said, or nothing was offered. Read for a "yes" typed
    after both (it was taken as the patient's name, "If typing it here is awkward ...")."""
    said = bot_messages_before_latest(events)
    for bot in reversed(said[:-1]):
        offered = offered_task([bot])
        if offered is not None:
            return offered
    return None


# An answer that offers a booking in words, with no button: "You don't need a referral to see
# our clinicians, and I can book you here." (a "yes please" got "What can I help you with?").
# (not "I can book, move, cancel or check an appointment": what the assistant does)
BOOKS_IN_WORDS = re.compile(r"\bI can book\s+(?!or\b|and\b)\w", re.IGNORECASE)


def books_in_words(bot: dict[str, Any]) -> bool:
    """Whether a bot message without buttons says it can book a visit here."""
    buttons = (bot.get("data") or {}).get("buttons") or []
    return not buttons and bool(BOOKS_IN_WORDS.search(str(bot.get("text") or "")))


def offers_booking(bot: dict[str, Any]) -> bool:
    """Whether a bot message's buttons all start a booking ([Book with Dr. Patel] [Book with
    Sam Lee]...): the clinicians listed, one tap to book with each."""
    buttons = (bot.get("data") or {}).get("buttons") or []
    return bool(buttons) and all(
        str(b.get("payload") or "").startswith("/book_appointment") for b in buttons
    )


# Offers that a day or a time of day answers: "... I can look for a time today or tomorrow
# right here." [Find a time] - "what about tomorrow morning".
TIME_TASKS = {"book_appointment", "reschedule_appointment"}


def time_offered(events: list[dict[str, Any]]) -> str | None:
    """The booking or move the last bot message offered (``offered_task``), which a day or a
    time written next takes up; None when it offered neither."""
    offered = offered_task(events)
    return offered[0] if offered is not None and offered[0] in TIME_TASKS else None


# "ok set it up" under [Ways to pay] [Set up a payment plan]: the button that sets something up.
# ("ok sign me up" under the balance and [Set up a payment plan] was "What can I help you with?")
SET_IT_UP = re.compile(
    r"\bset (it |that |this |one |me |a plan |that plan )?up\b|\bsign (me|us) up\b", re.IGNORECASE
)


def button_said(events: list[dict[str, Any]], text: str) -> tuple[str, str, list] | None:
    """The button of the last bot message that a yes names in other words ("ok set it up":
    [Set up a payment plan]; it was "What can I help you with?"), as ``first_button``."""
    if not SET_IT_UP.search(text):
        return None
    bot = last_event(events, "bot")
    for button in (bot.get("data") or {}).get("buttons") or []:
        if "set up" in str(button.get("title") or "").lower():
            return first_button({"data": {"buttons": [button]}})
    return None


# "no, that's all", "nope im good": the patient is done.
DONE = re.compile(
    r"\b(that'?s all|thats all|that is all|that'?s it|thats it|nothing else|all set|all good|"
    r"i'?m good|im good|i'?m fine|no thanks|no thank you|nope thanks|we'?re good)\b",
    re.IGNORECASE,
)


class ActionAnswerNo(Action):
    """A "no" outside any form: after "anything else?" (or "no, that's all") a goodbye;
    otherwise what the patient would like instead."""

    def name(self) -> str:
        return "action_answer_no"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        events = list(tracker.events)
        last_bot = last_event(events, "bot")
        text = (tracker.latest_message or {}).get("text") or ""
        if answered_undo_of_cancel(dispatcher, tracker):  # "no keep it", after it was cancelled
            return CLEAR if tracker.get_slot("pending_request") else []
        done = DONE.search(text) or "anything else" in (last_bot.get("text") or "").lower()
        dispatcher.utter_message(response="utter_goodbye" if done else "utter_how_can_help")
        return CLEAR if tracker.get_slot("pending_request") else []
