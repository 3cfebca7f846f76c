"""The SMS channel end to end: signed Twilio webhooks into the running Rasa server, replies out
through the Twilio stand-in (as behind a proxy: Twilio signs the public URL)."""

from __future__ import annotations

import json
import os
import secrets
import signal
import time
import uuid
from datetime import date
from pathlib import Path

import pytest
import requests

from actions.clients.fhir import FhirClient
from actions.phone import phone_hash, unseal_phone
from launcher.stack import Stack, StackConfig, default_services
from tests.support.channel_helpers import staff_reply, wait_until
from tests.support.stack_fixtures import RasaClient, require_model
from tests.support.twilio_standin import (
    ACCOUNT_SID,
    FROM_NUMBER,
    PUBLIC_WEBHOOK_URL,
    TwilioStandIn,
    sign,
)

pytestmark = pytest.mark.integration

PHONE_SECRET = "test-phone-secret"  # StackConfig.for_tests


_PHONES_GIVEN: set[str] = set()


def new_phone() -> str:
    """A number no other test of this session texts from: the Twilio stand-in lives for the
    whole session, so a number drawn twice would hand one test the other's replies. 555-0100 to
    555-0199 are left to the clinic and the demo patients."""
    while True:
        phone = f"+1916555{200 + secrets.randbelow(9_800):04d}"
        if phone not in _PHONES_GIVEN:
            _PHONES_GIVEN.add(phone)
            return phone


def conversation_of(phone: str) -> str:
    return "sms-" + phone_hash(phone, PHONE_SECRET)[:24]


def twilio_params(phone: str, body: str | None, **extra: str) -> dict[str, str]:
    """The form fields Twilio posts for one incoming message."""
    params = {
        "AccountSid": ACCOUNT_SID,
        "MessageSid": "SM" + uuid.uuid4().hex,
        "From": phone,
        "To": FROM_NUMBER,
        "NumMedia": "0",
        "NumSegments": "1",
        **extra,
    }
    if body is not None:
        params["Body"] = body
    return params


def webhook(
    rasa: RasaClient,
    phone: str,
    body: str | None,
    signature: str | None = "valid",
    url: str = PUBLIC_WEBHOOK_URL,
    **extra: str,
) -> requests.Response:
    """POST a message like Twilio does; ``signature="valid"`` signs it over ``url``."""
    params = twilio_params(phone, body, **extra)
    headers = {}
    if signature == "valid":
        headers["X-Twilio-Signature"] = sign(url, params)
    elif signature is not None:
        headers["X-Twilio-Signature"] = signature
    return requests.post(
        f"{rasa.url}/webhooks/twilio/webhook", data=params, headers=headers, timeout=30
    )


def text(
    rasa: RasaClient, twilio: TwilioStandIn, phone: str, body: str, count: int = 1, **extra: str
) -> list[str]:
    """Send one message and return the new SMS replies (at least ``count``)."""
    before = len(twilio.sent_to(phone))
    response = webhook(rasa, phone, body, **extra)
    assert response.status_code == 200, response.text
    assert response.text == '<?xml version="1.0" encoding="UTF-8"?><Response></Response>'
    twilio.wait_for(phone, lambda sent: len(sent) >= before + count)
    time.sleep(0.5)  # let a multi-message turn finish
    return twilio.sent_to(phone)[before:]


def test_a_signed_message_is_answered_by_sms_with_numbered_options(
    rasa: RasaClient, twilio_standin: TwilioStandIn
) -> None:
    phone = new_phone()
    started = time.monotonic()
    replies = text(rasa, twilio_standin, phone, "hello")
    assert time.monotonic() - started < 30
    assert "Maple Grove Family Health" in replies[0]
    assert "Reply 1 for Book an appointment" in replies[0]
    assert twilio_standin.messages[-1]["from"] == FROM_NUMBER


@pytest.mark.parametrize(
    ("signature", "url"),
    [
        (None, PUBLIC_WEBHOOK_URL),
        ("", PUBLIC_WEBHOOK_URL),
        ("bm90IGEgc2lnbmF0dXJl", PUBLIC_WEBHOOK_URL),
        # Signed over the local URL: behind a proxy only the public URL is right.
        ("valid", "http://localhost/webhooks/twilio/webhook"),
    ],
    ids=["missing", "empty", "forged", "wrong-url"],
)
def test_unsigned_or_forged_requests_are_refused(
    rasa: RasaClient, twilio_standin: TwilioStandIn, signature: str | None, url: str
) -> None:
    phone = new_phone()
    response = webhook(rasa, phone, "hello", signature=signature, url=url)
    assert response.status_code == 403
    time.sleep(1)
    assert twilio_standin.sent_to(phone) == []
    events = rasa.tracker(conversation_of(phone))["events"] or []
    assert not [e for e in events if e["event"] == "user"]


def test_a_signature_from_another_auth_token_is_refused(rasa: RasaClient) -> None:
    phone = new_phone()
    params = {"AccountSid": ACCOUNT_SID, "From": phone, "Body": "hi", "MessageSid": "SM1"}
    response = requests.post(
        f"{rasa.url}/webhooks/twilio/webhook",
        data=params,
        headers={"X-Twilio-Signature": sign(PUBLIC_WEBHOOK_URL, params, "someone-elses-token")},
        timeout=30,
    )
    assert response.status_code == 403


def test_a_picture_without_text_gets_a_kind_answer(
    rasa: RasaClient, twilio_standin: TwilioStandIn
) -> None:
    phone = new_phone()
    replies = text(
        rasa,
        twilio_standin,
        phone,
        "",
        NumMedia="1",
        MediaUrl0="https://api.twilio.com/2010-04-01/Accounts/AC/Messages/MM/Media/ME",
        MediaContentType0="image/jpeg",
    )
    assert "can't open pictures" in replies[0]
    response = webhook(rasa, phone, None, NumMedia="1", MediaContentType0="image/png")
    assert response.status_code == 200
    twilio_standin.wait_for(phone, lambda sent: len(sent) == 2)


def test_a_very_long_message_and_emoji_are_handled(
    rasa: RasaClient, twilio_standin: TwilioStandIn
) -> None:
    phone = new_phone()
    assert text(rasa, twilio_standin, phone, "appointment please " * 300)
    message = "¿Dónde está la clínica? 🏥 Où est le parking?"
    assert text(rasa, twilio_standin, phone, message)
    events = rasa.tracker(conversation_of(phone))["events"]
    user_texts = [e["text"] for e in events if e["event"] == "user"]
    assert len(user_texts[0]) == 1600  # cut to Twilio's maximum
    assert user_texts[-1] == message


def test_odd_fields_from_a_signed_request_still_get_an_answer(
    rasa: RasaClient, twilio_standin: TwilioStandIn
) -> None:
    """A NumMedia that is no number, and a Body that is not valid UTF-8, are read as well as
    they can be: the patient still gets a reply, never silence."""
    phone = new_phone()
    assert text(rasa, twilio_standin, phone, "what are your hours", NumMedia="lots")
    # signed as the server reads it: the invalid byte becomes U+FFFD
    params = twilio_params(phone, "where do I park \ufffd")
    raw = (
        "&".join(f"{k}={requests.utils.quote(v)}" for k, v in params.items() if k != "Body")
        + "&Body=where+do+I+park+%FF"
    )
    before = len(twilio_standin.sent_to(phone))
    response = requests.post(
        f"{rasa.url}/webhooks/twilio/webhook",
        data=raw.encode(),
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "X-Twilio-Signature": sign(PUBLIC_WEBHOOK_URL, params),
        },
        timeout=30,
    )
    assert response.status_code == 200, response.text
    twilio_standin.wait_for(phone, lambda sent: len(sent) > before)


def test_numbered_and_worded_answers_map_to_the_button_payload(
    rasa: RasaClient, twilio_standin: TwilioStandIn
) -> None:
    phone = new_phone()
    greeting = text(rasa, twilio_standin, phone, "hello")[0]
    number = next(line.split()[1] for line in greeting.splitlines() if line.endswith("for Billing"))
    replies = text(rasa, twilio_standin, phone, number)
    latest = rasa.tracker(conversation_of(phone))["latest_message"]
    assert latest["text"] == "/billing_balance"
    assert latest["intent"]["name"] == "billing_balance"
    assert any("confirm who the patient is" in r for r in replies)  # the balance needs identity

    text(rasa, twilio_standin, phone, "hi")
    text(rasa, twilio_standin, phone, "directions and hours")
    assert rasa.tracker(conversation_of(phone))["latest_message"]["text"].startswith("/")


def test_stop_start_and_help(rasa: RasaClient, twilio_standin: TwilioStandIn) -> None:
    phone = new_phone()
    conversation = conversation_of(phone)
    text(rasa, twilio_standin, phone, "hello")

    assert "unsubscribed" in text(rasa, twilio_standin, phone, "STOP")[0]
    # While opted out, nothing is sent: not the bot's answers, not staff replies.
    before = len(twilio_standin.sent_to(phone))
    assert webhook(rasa, phone, "what are your hours").status_code == 200
    response = staff_reply(rasa, conversation, "Hi, this is Alex.", "Alex")
    assert response.status_code == 200
    time.sleep(2)
    assert len(twilio_standin.sent_to(phone)) == before

    assert "subscribed again" in text(rasa, twilio_standin, phone, "start")[0]
    help_text = text(rasa, twilio_standin, phone, "HELP")[0]
    assert "Maple Grove Family Health" in help_text and "(916) 555-0142" in help_text
    assert "911" in help_text
    assert "Maple Grove" in text(rasa, twilio_standin, phone, "hello")[0]
    # Asked in words: how to stop (it was "Did you want to ask whether I'm a bot?").
    [how] = text(rasa, twilio_standin, phone, "stop texting me so much")
    assert "reply STOP" in how


def test_cancel_my_appointment_is_a_request_not_an_opt_out(
    rasa: RasaClient, twilio_standin: TwilioStandIn
) -> None:
    phone = new_phone()
    replies = text(rasa, twilio_standin, phone, "cancel my appointment")
    assert not any("unsubscribed" in r for r in replies)
    latest = rasa.tracker(conversation_of(phone))["latest_message"]
    assert latest["intent"]["name"] == "cancel_appointment"


def test_the_conversation_is_pseudonymous_and_no_number_is_logged(
    stack: Stack, rasa: RasaClient, twilio_standin: TwilioStandIn
) -> None:
    phone = new_phone()
    text(rasa, twilio_standin, phone, "hello")
    text(rasa, twilio_standin, phone, "my number is wrong, can you help")
    tracker = rasa.tracker(conversation_of(phone))
    assert tracker["sender_id"].startswith("sms-") and tracker["latest_input_channel"] == "twilio"
    metadata = tracker["latest_message"]["metadata"]
    assert metadata["phone_hash"] == phone_hash(phone, PHONE_SECRET)
    assert unseal_phone(metadata["phone_sealed"], PHONE_SECRET) == phone  # only sealed
    national = phone[2:]
    dumped = json.dumps(tracker)
    assert national not in dumped and phone not in dumped
    rasa_log = stack.service("rasa").log_path
    assert rasa_log is not None
    assert national not in rasa_log.read_text(errors="replace")
    for path in stack.config.data_dir.glob("*.sqlite3"):
        assert national.encode() not in path.read_bytes(), path.name
    tracker_db = stack.config.data_dir / "tracker.db"
    assert national.encode() not in tracker_db.read_bytes()


def test_a_new_patient_by_sms_can_answer_this_number(
    stack: Stack, rasa: RasaClient, twilio_standin: TwilioStandIn
) -> None:
    # "same number as mine" got "Please send a 10-digit phone number", and "this number" the
    # clinic's phone numbers, although the number texted from is known.
    phone = new_phone()

    def say(body: str) -> str:
        return " ".join(text(rasa, twilio_standin, phone, body))

    say("hi, I'd like to become a patient and book a first visit")
    say("no preference")
    say("either office is fine")
    assert "Reply 1 for" in say("as soon as possible")
    assert "full name" in say("1")
    say("Casey Whitfield")
    assert 'just reply "this number"' in say("7/7/1997")
    kept = " ".join(text(rasa, twilio_standin, phone, "this number", count=2))
    assert "the number you're texting from" in kept and "Shall I book it?" in kept
    assert "You're booked" in say("yes")
    fhir = FhirClient(stack.config.fhir_url, token=stack.config.env["FHIR_BEARER_TOKEN"])
    try:
        [patient] = fhir.find_patients(
            family="Whitfield", given="Casey", birth_date=date(1997, 7, 7)
        )
    finally:
        fhir.close()
    assert patient.phones == [phone]


def test_a_card_number_by_sms_is_refused_and_kept_nowhere(
    stack: Stack, rasa: RasaClient, twilio_standin: TwilioStandIn
) -> None:
    phone = new_phone()
    replies = text(rasa, twilio_standin, phone, "pls charge my card 5555-5555-5555-4444 thx")
    assert "please don't send card numbers here" in " ".join(replies)
    tracker = json.dumps(rasa.tracker(conversation_of(phone)))
    assert "pls charge my card [card number removed] thx" in tracker
    for path in [*stack.config.data_dir.glob("*.sqlite3"), stack.config.data_dir / "tracker.db"]:
        content = path.read_bytes()
        assert b"5555-5555" not in content and b"5555555555554444" not in content, path.name


def test_a_reply_is_delivered_after_twilio_comes_back(
    rasa: RasaClient, twilio_standin: TwilioStandIn
) -> None:
    phone = new_phone()
    twilio_standin.down()
    try:
        started = time.monotonic()
        response = webhook(rasa, phone, "hello")
        assert response.status_code == 200
        assert time.monotonic() - started < 5  # the webhook never waits for Twilio
        time.sleep(3)  # several failed attempts
        assert twilio_standin.sent_to(phone) == []
    finally:
        twilio_standin.up()
    replies = twilio_standin.wait_for(phone, lambda sent: len(sent) >= 1, timeout=30)
    assert "Maple Grove" in replies[0]


def test_twilio_errors_are_retried_too(rasa: RasaClient, twilio_standin: TwilioStandIn) -> None:
    phone = new_phone()
    twilio_standin.fail_next(2)
    assert "Maple Grove" in text(rasa, twilio_standin, phone, "hello")[0]


def test_a_staff_message_is_delivered_by_sms_and_long_ones_are_split(
    rasa: RasaClient, twilio_standin: TwilioStandIn
) -> None:
    phone = new_phone()
    conversation = conversation_of(phone)
    text(rasa, twilio_standin, phone, "hello")
    before = len(twilio_standin.sent_to(phone))
    response = staff_reply(rasa, conversation, "Hi, this is Alex from the front desk.", "Alex")
    assert response.status_code == 200, response.text
    sent = twilio_standin.wait_for(phone, lambda s: len(s) > before)
    assert sent[-1] == "Alex (clinic staff): Hi, this is Alex from the front desk."

    long = " ".join(f"Step {i}: bring your insurance card and a photo ID." for i in range(60))
    before = len(twilio_standin.sent_to(phone))
    assert staff_reply(rasa, conversation, long, "Alex").status_code == 200
    parts = twilio_standin.wait_for(phone, lambda s: len(s) >= before + 2)[before:]
    assert [p[:6] for p in parts] == ["(1/2) ", "(2/2) "]
    assert all(len(p) <= 1600 for p in parts)
    assert parts[0].rstrip().endswith(".")


def test_a_repeated_webhook_is_handled_once(
    rasa: RasaClient, twilio_standin: TwilioStandIn
) -> None:
    phone = new_phone()
    params = {
        "AccountSid": ACCOUNT_SID,
        "MessageSid": "SM" + uuid.uuid4().hex,
        "From": phone,
        "To": FROM_NUMBER,
        "Body": "hello",
    }
    headers = {"X-Twilio-Signature": sign(PUBLIC_WEBHOOK_URL, params)}
    for _ in range(2):
        response = requests.post(
            f"{rasa.url}/webhooks/twilio/webhook", data=params, headers=headers, timeout=30
        )
        assert response.status_code == 200
    wait_until(lambda: len(twilio_standin.sent_to(phone)) >= 1, what="the reply")
    time.sleep(1.5)
    users = [e for e in rasa.tracker(conversation_of(phone))["events"] if e["event"] == "user"]
    assert len(users) == 1


def test_a_message_rasa_crashed_on_is_answered_after_the_restart(
    tmp_path: Path, stack_config: StackConfig, twilio_standin: TwilioStandIn
) -> None:
    """Twilio got its 200, so it will not send again: the inbox must bring the message back."""
    twilio_env = {k: v for k, v in stack_config.env.items() if k.startswith(("TWILIO_", "SMS_"))}
    config = StackConfig.for_tests(tmp_path, CHAT_SERVER_URL="", **twilio_env)
    config.model_path = require_model()
    parts = ["fhir", "console", "actions", "rasa"]
    with Stack(config, default_services(config, parts=parts)) as stack:
        rasa = RasaClient(config.rasa_url, config.env["RASA_API_TOKEN"])
        phone = new_phone()
        actions = stack.service("actions").process
        assert actions is not None
        os.killpg(actions.pid, signal.SIGSTOP)  # the turn now waits for the action server...
        try:
            assert webhook(rasa, phone, "hello").status_code == 200
            time.sleep(2)
            rasa_process = stack.service("rasa").process
            assert rasa_process is not None
            os.killpg(rasa_process.pid, signal.SIGKILL)  # ...and Rasa dies in the middle of it
            rasa_process.wait(timeout=10)
        finally:
            os.killpg(actions.pid, signal.SIGCONT)
        assert twilio_standin.sent_to(phone) == []

        assert stack.revive_crashed() == ["rasa"]

        replies = twilio_standin.wait_for(phone, lambda sent: len(sent) >= 1, timeout=60)
        assert "Maple Grove" in replies[0]
        time.sleep(1)
        users = [e for e in rasa.tracker(conversation_of(phone))["events"] if e["event"] == "user"]
        assert [u["text"] for u in users] == ["hello"]  # answered once, from the inbox
