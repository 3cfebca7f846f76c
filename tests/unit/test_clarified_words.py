"""A request confirmed at "Did you mean …?" is read with the words of the unclear message."""

from __future__ import annotations

from rasa.core.actions import two_stage_fallback
from rasa.shared.core.events import ActionExecuted, BotUttered, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from addons import clarified_words

UNCLEAR = "book my dad a vaccination, robert miller 11/02/1950"


def tracker_after_yes(intent: str, text: str) -> DialogueStateTracker:
    entities = [{"entity": "visit_type", "value": "vaccination", "start": 14, "end": 25}]
    events = [
        ActionExecuted("action_listen"),
        UserUttered(UNCLEAR, {"name": "nlu_fallback", "confidence": 0.45}, entities),
        BotUttered("Sorry, I want to be sure I understood. Did you want to book an appointment?"),
        ActionExecuted("action_listen"),
        UserUttered(text, {"name": intent, "confidence": 1.0}),
    ]
    return DialogueStateTracker.from_events("patient", events)


def test_the_confirmed_request_keeps_the_words() -> None:
    clarified_words.install()
    clarified_words.install()  # idempotent
    tracker = tracker_after_yes("book_appointment", "/book_appointment")
    listen, clarification = two_stage_fallback._message_clarification(tracker)
    assert listen == ActionExecuted("action_listen")
    assert clarification.text == UNCLEAR
    assert clarification.intent_name == "book_appointment"
    assert clarification.parse_data["text"] == UNCLEAR
    assert [e["value"] for e in clarification.entities] == ["vaccination"]
    assert clarification.parse_data["intent"]["confidence"] == 1.0
    # Rasa's own copy is not touched: the tap stays in the history as it was
    assert tracker.latest_message.text == "/book_appointment"


def test_other_requests_keep_rasas_behaviour() -> None:
    # a dispute confirmed does not take the unclear words as its details
    clarified_words.install()
    tracker = tracker_after_yes("billing_dispute", "/billing_dispute")
    _, clarification = two_stage_fallback._message_clarification(tracker)
    assert clarification.text == "/billing_dispute"
    # ...nor does a confirmation with no unclear message before it
    tracker = DialogueStateTracker.from_events(
        "patient", [UserUttered("/book_appointment", {"name": "book_appointment"})]
    )
    _, clarification = two_stage_fallback._message_clarification(tracker)
    assert clarification.text == "/book_appointment"
    # ...nor new words typed at the question ("i want to book a physical next tuesday"): those
    tracker = tracker_after_yes("book_appointment", "i want to book a physical next tuesday")
    _, clarification = two_stage_fallback._message_clarification(tracker)
    assert clarification.text == "i want to book a physical next tuesday"
