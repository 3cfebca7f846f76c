"""Billing and clinic information over the real stack (REST webhook → Rasa → actions → FHIR).

The embedded backend is seeded from clinic_api/demo_patients.yml: Emily Johnson owes $85.00
(one open statement; one paid), Carlos Rivera $240.00 overdue, Aisha Khan nothing.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
import yaml

from launcher.stack import ROOT, Stack, free_port
from tests.support.receivers import HandoffReceiver
from tests.support.stack_fixtures import RasaClient

pytestmark = pytest.mark.integration


def sender() -> str:
    return f"bill-{uuid.uuid4().hex[:10]}"


def joined(replies: list[dict]) -> str:
    return "\n".join(r.get("text") or "" for r in replies)


def test_verified_patient_hears_their_balance(rasa: RasaClient) -> None:
    conversation = sender()
    asked = joined(rasa.say(conversation, "how much do I owe"))
    assert "confirm who the patient is" in asked and "$" not in asked
    assert "date of birth" in joined(rasa.say(conversation, "Emily Johnson"))
    answer = joined(rasa.say(conversation, "04/12/1988"))
    assert "Thank you, Emily" in answer
    assert "The balance for Emily Johnson is $85.00, from 1 open statement" in answer
    # Verified for the rest of the session: no second check.
    again = joined(rasa.say(conversation, "what's my balance"))
    assert "The balance for Emily Johnson is $85.00" in again
    assert "confirm who the patient is" not in again


def test_overdue_and_nothing_due(rasa: RasaClient) -> None:
    # Name and date of birth in one message work too.
    carlos = sender()
    rasa.say(carlos, "what do I owe")
    answer = joined(rasa.say(carlos, "Carlos Rivera 09/30/1975"))
    assert "The balance for Carlos Rivera is $240.00" in answer and "past due" in answer
    aisha = sender()
    rasa.say(aisha, "what do I owe")
    assert "nothing to pay right now" in joined(rasa.say(aisha, "Aisha Khan 01/22/1992"))


def test_why_so_much_after_the_balance_says_what_it_is_for(rasa: RasaClient) -> None:
    # It was handed to billing staff as a dispute, the chat paused till the next shift.
    carlos = sender()
    rasa.say(carlos, "what do I owe")
    assert "$240.00" in joined(rasa.say(carlos, "Carlos Rivera 09/30/1975"))
    replies = rasa.say(carlos, "why so much")
    answer = joined(replies)
    assert "Here's what is open: Sick visit, $240.00" in answer
    assert "The balance for Carlos Rivera" not in answer  # not the whole balance again
    assert "written down what you told me" not in answer  # no handoff
    assert [b["title"] for r in replies for b in r.get("buttons") or []] == [
        "Something's not right",
        "Talk to billing staff",
    ]
    aisha = sender()
    rasa.say(aisha, "what do I owe")
    assert "nothing to pay right now" in joined(rasa.say(aisha, "Aisha Khan 01/22/1992"))
    assert "crossed with a payment" in joined(rasa.say(aisha, "why so much"))


def test_unverified_patient_gets_nothing(rasa: RasaClient) -> None:
    conversation = sender()
    rasa.say(conversation, "what's my balance")
    rasa.say(conversation, "Emily Johnson")
    wrong = joined(rasa.say(conversation, "04/13/1988"))
    assert "couldn't match those details" in wrong
    assert "$" not in wrong and "balance" not in wrong.lower()
    tracker = rasa.tracker(conversation)
    assert tracker["slots"]["verified"] is False
    bot_texts = [e.get("text") or "" for e in tracker["events"] if e.get("event") == "bot"]
    assert not any("$85" in t for t in bot_texts)


def test_a_typed_card_number_is_refused_and_never_stored(stack: Stack, rasa: RasaClient) -> None:
    """In the middle of the identity check: the patient hears why and where to pay, the check
    goes on, and the number is in neither the tracker (HTTP API) nor the database file."""
    conversation = sender()
    rasa.say(conversation, "how much do I owe")
    answer = joined(rasa.say(conversation, "just charge my visa 4111 1111 1111 1111 cvv 123"))
    assert "please don't send card numbers here" in answer
    assert "https://" in answer and "(916) 555-0199" in answer
    assert "full name" in answer.lower() or "confirm who the patient is" in answer
    assert "Emily Johnson is $85.00" in joined(rasa.say(conversation, "Emily Johnson 04/12/1988"))
    tracker = json.dumps(rasa.tracker(conversation))
    assert "just charge my visa [card number removed] [removed]" in tracker
    database = (stack.config.data_dir / "tracker.db").read_bytes()
    for secret in ("4111 1111", "4111111111111111", "cvv 123"):
        assert secret not in tracker
        assert secret.encode() not in database
    assert b"just charge my visa [card number removed]" in database


def test_bad_clinic_file_stops_the_action_server(tmp_path: Path) -> None:
    raw = yaml.safe_load((ROOT / "clinic.yml").read_text(encoding="utf-8"))
    raw["locations"][1]["hours"]["mon"] = "7.30 to 5"
    bad = tmp_path / "clinic.yml"
    bad.write_text(yaml.safe_dump(raw), encoding="utf-8")
    env = {**os.environ, "CLINIC_CONFIG": str(bad), "RASA_TELEMETRY_ENABLED": "false"}
    command = [
        str(Path(sys.executable).parent / "rasa"),
        "run",
        "actions",
        "--actions",
        "actions",
        "--port",
        str(free_port()),
    ]
    try:
        done = subprocess.run(
            command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=180
        )
    except subprocess.TimeoutExpired:  # pragma: no cover - it must not start
        pytest.fail("the action server started with a bad clinic.yml")
    assert done.returncode != 0
    assert "clinic.yml is not valid" in done.stderr
    assert "locations[1].hours: mon: expected 'HH:MM-HH:MM' or 'closed'" in done.stderr


def handed_to_billing(rasa: RasaClient, receiver: HandoffReceiver, conversation: str) -> dict:
    """The conversation is paused and its one handoff record went to billing staff."""
    assert rasa.tracker(conversation)["paused"] is True
    [record] = [r for r in receiver.records if r["conversation_id"] == conversation]
    assert record["team"] == "billing"
    return record


def test_dispute_asks_what_happened_then_goes_to_billing_staff(
    rasa: RasaClient, handoff_receiver: HandoffReceiver
) -> None:
    conversation = sender()
    asked = joined(rasa.say(conversation, "I want to dispute a charge"))
    assert "what happened" in asked
    rasa.say(conversation, "They billed me for a flu shot I never got")
    record = handed_to_billing(rasa, handoff_receiver, conversation)
    assert record["reason"] == "billing_dispute"
    assert 'About the bill: "They billed me for a flu shot I never got"' in record["summary"]


def test_unknown_plan_offers_billing_staff_and_the_button_reaches_them(
    rasa: RasaClient, handoff_receiver: HandoffReceiver
) -> None:
    conversation = sender()
    asked = joined(rasa.say(conversation, "do you take my insurance?"))
    assert "Which insurance plan do you have?" in asked
    replies = rasa.say(conversation, "Zenith Mutual")
    assert "we can check for you" in joined(replies)
    offered = [b for r in replies for b in r.get("buttons") or []]
    [button] = [b for b in offered if b["title"] == "Talk to billing staff"]
    # the team asked for is the one named ("our staff" was said)
    assert "connect you with our billing staff" in joined(rasa.say(conversation, button["payload"]))
    record = handed_to_billing(rasa, handoff_receiver, conversation)
    assert record["reason"] == "billing_question"
    assert "Zenith Mutual" in record["summary"]
    # ...and only for that request: a plain ask for a person later says "our staff"
    assert rasa.tracker(conversation)["slots"]["staff_team"] is None


def test_parking_asks_which_office_and_the_button_answers(rasa: RasaClient) -> None:
    conversation = sender()
    [question] = rasa.say(conversation, "where do I park")
    payloads = [b["payload"] for b in question["buttons"]]
    assert payloads == ['/parking{"location":"downtown"}', '/parking{"location":"north"}']
    assert "Free parking in the lot" in joined(rasa.say(conversation, payloads[1]))


@pytest.mark.parametrize(
    ("question", "answer"),
    [
        ("what should I bring to my appointment", "photo ID"),
        ("how early should I arrive", "15 minutes"),
        ("I need a prescription refill", "our staff handle refills"),
        ("do you have an interpreter", "Interpreter services are free"),
        ("where are the new patient forms", "new-patient forms"),
    ],
)
def test_common_questions_are_answered(rasa: RasaClient, question: str, answer: str) -> None:
    assert answer in joined(rasa.say(sender(), question))


def test_just_check_my_balance_at_what_happened_asks_who_without_an_apology(
    rasa: RasaClient,
) -> None:
    """The button got "Sorry, I didn't quite get that" before the identity question."""
    conversation = sender()
    assert "what happened" in joined(rasa.say(conversation, "i got a bill"))
    answer = joined(rasa.say(conversation, "/billing_balance"))
    assert "full name" in answer and "didn't quite get" not in answer, answer
    assert "The balance for Emily Johnson is $85.00" in joined(
        rasa.say(conversation, "Emily Johnson 04/12/1988")
    )


@pytest.mark.parametrize(
    "message",
    [
        "i lost my job, cant pay",
        "im broke, what happens if i dont pay",
        "i have no money right now",
    ],
)
def test_a_patient_who_cannot_pay_hears_about_plans_and_assistance(
    rasa: RasaClient, message: str
) -> None:
    """Was "not something I can help with", the cancellation policy or "What can I help you
    with?"."""
    answer = joined(rasa.say(sender(), message))
    assert "I'm sorry you're going through this" in answer, answer
    assert "financial assistance" in answer and "billing staff" in answer


@pytest.mark.parametrize(
    "message", ["why is there a late fee on my bill", "the late cancel fee is unfair"]
)
def test_a_fee_on_the_bill_questioned_goes_to_billing_staff(
    rasa: RasaClient, handoff_receiver: HandoffReceiver, message: str
) -> None:
    """Was the arrival time, or "not something I can help with"."""
    conversation = sender()
    answer = joined(rasa.say(conversation, message))
    if "what happened" in answer:
        rasa.say(conversation, "i paid on time, it should not be there")
    record = handed_to_billing(rasa, handoff_receiver, conversation)
    assert record["reason"] == "billing_dispute"


@pytest.mark.parametrize(
    ("message", "answer"),
    [
        ("do you take care credit", "I don't see CareCredit on our list"),
        ("can i pay with care credit card", "I don't see CareCredit on our list"),
        ("is my account in collections", "where your account stands"),
        ("will this hurt my credit score", "where your account stands"),
        ("i got a text saying i owe money is this a scam", "really from us"),
        ("can my husband pay my bill", "Yes, anyone can pay a bill for you"),
        ("how long do i have to pay", "Bills are due 30 days after the statement date"),
    ],
)
def test_money_questions_get_their_own_answer(rasa: RasaClient, message: str, answer: str) -> None:
    replies = joined(rasa.say(sender(), message))
    assert answer in replies, replies
    assert "(916) 555-0199" in replies
