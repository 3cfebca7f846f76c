"""The real Rasa server + action server + FHIR backend, over HTTP, like `make run`."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

import pytest
import requests

from launcher.stack import Stack
from tests.support.stack_fixtures import RasaClient

pytestmark = pytest.mark.integration


def sender() -> str:
    return f"it-{uuid.uuid4().hex[:10]}"


def unclear_then(
    text: str, guess: dict[str, Any] | None, bot: dict[str, Any]
) -> list[dict[str, Any]]:
    """Events of an unclear message (the model's next ``guess`` behind ``nlu_fallback``) and the
    two-stage fallback's first answer, ``bot``, waiting for the patient's reply."""
    return [
        {
            "event": "user",
            "text": text,
            "message_id": f"unclear-{uuid.uuid4().hex[:6]}",
            "parse_data": {
                "text": text,
                "entities": [],
                "intent": {"name": "nlu_fallback", "confidence": 0.4},
                "intent_ranking": [
                    {"name": "nlu_fallback", "confidence": 0.4},
                    *([guess] if guess else []),
                ],
            },
        },
        {"event": "action", "name": "action_two_stage_fallback"},
        {"event": "active_loop", "name": "action_two_stage_fallback"},
        {"event": "bot", **bot},
        {"event": "action", "name": "action_listen"},
    ]


def test_hello_gets_a_greeting_with_the_clinic_name(rasa: RasaClient) -> None:
    replies = rasa.say(sender(), "hello")
    assert replies, "the bot must answer"
    assert "Maple Grove Family Health" in replies[0]["text"]
    assert [b["payload"] for b in replies[0]["buttons"]][:1] == ["/book_appointment"]


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "🙂🙂🙂",
        "😭😭",
        "x" * 10_000,
        "a" * 10_000,
        "appointment " * 1000,
        "<script>alert(1)</script>",
    ],
    ids=["empty", "spaces", "emoji", "sad-emoji", "10k-x", "10k-a", "10k-words", "html"],
)
def test_odd_messages_get_a_sensible_reply(rasa: RasaClient, text: str) -> None:
    conversation = sender()
    replies = rasa.say(conversation, text)
    assert replies and all(r.get("text") for r in replies)
    # a huge message is never repeated back (it was once taken for an insurance plan's name)
    assert all(len(r["text"]) < 1000 for r in replies), [len(r["text"]) for r in replies]
    # and the conversation goes on normally afterwards
    assert "Maple Grove" in rasa.say(conversation, "hi")[0]["text"]


def test_hello_while_a_question_waits_asks_it_again(rasa: RasaClient) -> None:
    """ "hello??" at the name question got the whole greeting and its menu again."""
    conversation = sender()
    assert "full name" in " ".join(r["text"] for r in rasa.say(conversation, "whats my balance"))
    for text in ("hello??", "?"):
        replies = rasa.say(conversation, text)
        assert [r["text"].split("!")[0] for r in replies[:1]] == ["I'm here"], replies
        assert "full name" in replies[-1]["text"] and not replies[-1].get("buttons")
    assert rasa.tracker(conversation)["active_loop"]["name"] == "balance_form"


def test_http_api_requires_the_token(stack: Stack, rasa: RasaClient) -> None:
    conversation = sender()
    rasa.say(conversation, "hello")
    url = f"{rasa.url}/conversations/{conversation}/tracker"
    assert requests.get(url, timeout=10).status_code == 401
    assert requests.get(url, params={"token": "wrong"}, timeout=10).status_code == 401
    assert requests.get(url, params={"token": rasa.token}, timeout=10).status_code == 200
    assert requests.get(f"{rasa.url}/status", timeout=10).status_code == 401


def listen_addresses(port: int) -> set[str]:
    """The local addresses sockets listen on at ``port`` (Linux's /proc/net tables, in hex)."""
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            local, state = line.split()[1], line.split()[3]
            address, hex_port = local.split(":")
            if state == "0A" and int(hex_port, 16) == port:  # 0A: LISTEN
                found.add(address)
    return found


def test_every_part_listens_on_loopback_only(stack: Stack) -> None:
    # Rasa and the action server listened on 0.0.0.0: anyone on the network could run an
    # action (which has no authentication) with a made-up "verified" tracker.
    loopback = {"0100007F", "00000000000000000000000001000000"}  # 127.0.0.1, ::1
    for part, port in stack.config.ports().items():
        addresses = listen_addresses(port)
        assert addresses, f"{part} is not listening on {port}"
        assert addresses <= loopback, f"{part} listens on {addresses}"


def test_emergency_gets_911_first_and_the_conversation_pauses(rasa: RasaClient) -> None:
    conversation = sender()
    replies = rasa.say(conversation, "my dad has crushing chest pain and cant breathe")
    assert "911" in replies[0]["text"]
    assert rasa.tracker(conversation)["paused"] is True
    # in Spanish too: the rules read "dolor de pecho", and the reader may not know English
    spanish = rasa.say(sender(), "mi esposo tiene dolor de pecho muy fuerte ahora")
    assert "llame al 911 ahora" in spanish[0]["text"]
    crisis = rasa.say(sender(), "me quiero morir")
    assert "llame o envíe un mensaje de texto al 988" in crisis[0]["text"]


def test_typed_yes_to_did_you_mean_takes_the_suggestion(rasa: RasaClient) -> None:
    """The state after an unclear message and "Did you mean …?" is written through the HTTP API
    (how unsure the model is about any wording changes with the data); the patient then types
    "yes" instead of pressing the button, and gets what was offered."""
    conversation = f"yes-{uuid.uuid4().hex[:10]}"
    rasa.texts(conversation, "hello")
    state = unclear_then(
        "wen r u guys there",
        {"name": "clinic_hours", "confidence": 0.35},
        {
            "text": "Sorry, I want to be sure I understood. "
            "Did you want to check our opening hours?",
            "data": {
                "buttons": [
                    {"title": "Yes", "payload": "/clinic_hours"},
                    {"title": "No, something else", "payload": "/out_of_scope"},
                ]
            },
        },
    )
    assert rasa.append_events(conversation, state).status_code == 200
    replies = " ".join(rasa.texts(conversation, "yes"))
    assert "What can I help you with" not in replies
    assert "hours" in replies.lower() or "open" in replies.lower(), replies
    tracker = rasa.tracker(conversation)
    assert not tracker["active_loop"]
    users = [e for e in tracker["events"] if e["event"] == "user"]
    assert users[-1]["parse_data"]["intent"]["name"] == "clinic_hours"


def test_the_clinicians_are_listed_with_a_button_each(rasa: RasaClient) -> None:
    replies = rasa.say(sender(), "who are your doctors")
    assert replies[0]["text"].startswith("Our clinicians at Maple Grove Family Health:")
    assert [b["title"] for b in replies[0]["buttons"]] == [
        "Book with Dr. Patel",
        "Book with Dr. Okafor",
        "Book with Dr. Gonzalez",
        "Book with Sam Lee",
    ]


def test_a_common_question_and_the_hours_in_one_message_get_both_answers(
    rasa: RasaClient,
) -> None:
    """ "do you give flu shots? and are you open on sundays" got the flu shots only."""
    texts = rasa.texts(sender(), "do you give flu shots? and are you open on sundays")
    assert len(texts) == 3, texts
    assert texts[0].startswith("On Sundays both offices are closed."), texts[0]
    # ...and the plain yes, not the list of services that left it to be worked out
    assert texts[1] == "Yes, we do.", texts[1]
    assert texts[2].startswith("It's booked as a vaccination"), texts[2]


def test_im_okay_after_a_check_in_takes_the_request_of_the_message(rasa: RasaClient) -> None:
    """The check-in after an unsure crisis reading is written through the HTTP API (which
    wording the model is unsure about changes with the data); "I'm okay, something else" got
    "Sorry, I didn't quite get that", and the appointment the patient asked to move was lost."""
    conversation = sender()
    rasa.texts(conversation, "hello")
    state = unclear_then(
        "ugh im so done with all of this, can i move my appt",
        None,
        {
            "text": "I want to make sure you're okay.",
            "metadata": {"utter_action": "utter_safety_check_crisis"},
        },
    )
    assert rasa.append_events(conversation, state).status_code == 200
    replies = " ".join(rasa.texts(conversation, "/out_of_scope"))
    assert "didn't quite get that" not in replies
    assert "full name" in replies, replies  # the identity check that moving starts with
    tracker = rasa.tracker(conversation)
    assert tracker["active_loop"]["name"] == "reschedule_form"
    assert not tracker["paused"]


@pytest.mark.parametrize(
    ("text", "answer"),
    [
        # a visit we book: the yes, and what it is booked as
        ("do you have the shingles shot", ["Yes, we do.", "It's booked as a vaccination"]),
        # ...asked of a clinician: a plain yes ("Yes, we do." answered a "does he")
        (
            "does dr okafor do shots",
            ["Yes.", "It's booked as a vaccination with Dr. James Okafor"],
        ),
        # no visit named: what we do
        ("do you see kids", ["We're a family practice for all ages, babies to seniors"]),
    ],
)
def test_a_services_question_is_answered_in_the_chat(
    rasa: RasaClient, text: str, answer: list[str]
) -> None:
    """ "do you have the shingles shot" paused the chat for a nurse; "do you see kids" got a
    goodbye (addons/services_guard.py)."""
    conversation = sender()
    texts = rasa.texts(conversation, text)
    assert all(said.startswith(start) for said, start in zip(texts, answer, strict=True)), texts
    assert not rasa.tracker(conversation)["paused"]


def test_open_on_a_day_at_one_office_gets_the_hours(rasa: RasaClient) -> None:
    """ "r u open saturday? north one" started a booking (addons/quick_question_guard.py)."""
    replies = " ".join(rasa.texts(sender(), "r u open saturday? north one"))
    assert "North Office" in replies and "Sat" in replies, replies
    assert "Happy to help you book" not in replies


def test_asking_for_a_nurse_to_call_gets_the_number_not_a_paused_chat(rasa: RasaClient) -> None:
    conversation = sender()
    replies = " ".join(rasa.texts(conversation, "is there a nurse i can call tonight"))
    assert "(916) 555-0177" in replies, replies
    assert not rasa.tracker(conversation)["paused"]


def test_an_office_chosen_beside_a_parking_question_is_kept(rasa: RasaClient) -> None:
    """ "Which office suits you best?" was asked again after the parking answer."""
    conversation = sender()
    rasa.texts(conversation, "i need a checkup")
    rasa.texts(conversation, "yes ive been before")
    assert "Which office" in " ".join(rasa.texts(conversation, "no preference"))
    replies = " ".join(rasa.texts(conversation, "downtown i guess. where do i park there"))
    assert "City Garage" in replies and "What day or time" in replies, replies
    assert "Which office" not in replies
    assert rasa.tracker(conversation)["slots"]["location"] == "downtown"


def test_no_hablo_ingles_gets_interpreter_help_not_a_nurse(rasa: RasaClient) -> None:
    """It was read as a medical question: a paused chat, in English only."""
    conversation = sender()
    replies = " ".join(rasa.texts(conversation, "no hablo ingles"))
    # the Spanish first (it was a paragraph of English, then the Spanish line)
    assert replies.startswith("Hola. El servicio de intérprete es gratis."), replies
    assert not rasa.tracker(conversation)["paused"]
    # a second message in Spanish: in other words, not the same paragraph again
    again = " ".join(rasa.texts(conversation, "necesito cita para mi hijo, tiene fiebre"))
    assert again.startswith("Sigo aquí, pero solo puedo escribir en inglés."), again
