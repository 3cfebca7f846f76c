"""Two-stage fallback: an unclear message gets "did you mean …?", a second one goes to staff."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, UserUtteranceReverted
from rasa_sdk.executor import CollectingDispatcher

from actions.handoff import escalate

# How each intent is offered back to the patient in "Did you mean …?".
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
    "request_human": "talk to a person",
    "medical_advice": "ask a nurse a medical question",
    "test_results": "ask about test results",
    "complaint": "tell us about a problem with your care or service",
    "faq": "get an answer to a common question",
    "greet": "say hello",
    "goodbye": "end the chat",
    "thank": "say thanks",
    "bot_challenge": "ask whether I'm a bot",
}


def _has_words(text: str) -> bool:
    return any(ch.isalnum() for ch in text)


class ActionAskAffirmation(Action):
    """First unclear message: offer the most likely meaning, or a way to rephrase."""

    def name(self) -> str:
        return "action_default_ask_affirmation"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        latest = tracker.latest_message or {}
        if not _has_words(latest.get("text") or ""):
            dispatcher.utter_message(response="utter_empty_message")
            return []
        ranking = [
            item.get("name")
            for item in latest.get("intent_ranking") or []
            if item.get("name") in INTENT_DESCRIPTIONS
        ]
        if not ranking:
            dispatcher.utter_message(response="utter_ask_rephrase")
            return []
        intent = ranking[0]
        dispatcher.utter_message(
            text="Sorry, I want to be sure I understood. "
            f"Did you want to {INTENT_DESCRIPTIONS[intent]}?",
            buttons=[
                {"title": "Yes", "payload": f"/{intent}"},
                {"title": "No, something else", "payload": "/out_of_scope"},
            ],
        )
        return []


class ActionDefaultFallback(Action):
    """Second unclear message in a row: hand over to staff rather than guess again."""

    def name(self) -> str:
        return "action_default_fallback"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
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
