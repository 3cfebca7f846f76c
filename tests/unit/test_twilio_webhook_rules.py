"""Twilio webhook rules that need no server: signature URL, blank fields, what each message does."""

from __future__ import annotations

import logging
from dataclasses import replace
from pathlib import Path
from types import SimpleNamespace

import pytest

from actions.phone import unseal_phone
from actions.settings import Settings
from addons.sms_text import Option
from addons.twilio_channel import TwilioInput, TwilioOutput, parse_form
from tests.support.twilio_standin import ACCOUNT_SID, AUTH_TOKEN, FROM_NUMBER, sign

PHONE = "+19165550188"
LOCAL_URL = "http://localhost:5005/webhooks/twilio/webhook"
PUBLIC_URL = "https://sms.clinic.example/webhooks/twilio/webhook"


def _channel(tmp_path: Path, webhook_url: str = "") -> TwilioInput:
    settings = replace(
        Settings(),
        data_dir=tmp_path,
        twilio_account_sid=ACCOUNT_SID,
        twilio_auth_token=AUTH_TOKEN,
        twilio_from_number=FROM_NUMBER,
        twilio_webhook_url=webhook_url,
        phone_hash_secret="unit-phone-secret",
    )
    return TwilioInput(settings)


def _request(url: str, params: dict[str, str], signature: str | None) -> SimpleNamespace:
    headers = {"X-Twilio-Signature": signature} if signature is not None else {}
    return SimpleNamespace(url=url, headers=headers)


def test_the_channel_is_off_without_credentials(tmp_path: Path) -> None:
    channel = TwilioInput(replace(Settings(), data_dir=tmp_path, twilio_auth_token=""))
    assert not channel.enabled and channel.get_output_channel() is None


def test_blank_fields_are_kept_because_twilio_signs_them() -> None:
    params = parse_form(b"Body=&NumMedia=1&From=%2B19165550188&Body2=%C2%BFD%C3%B3nde%3F")
    assert params.getall("Body") == [""]
    assert params.first("Body2") == "¿Dónde?"


def test_signature_is_checked_over_the_request_url_without_a_proxy(tmp_path: Path) -> None:
    channel = _channel(tmp_path)
    params = {"Body": "", "From": PHONE, "NumMedia": "1"}
    form = parse_form(b"Body=&From=%2B19165550188&NumMedia=1")
    good = _request(LOCAL_URL, params, sign(LOCAL_URL, params))
    assert channel.signed(good, form)  # type: ignore[arg-type]
    assert not channel.signed(_request(LOCAL_URL, params, None), form)  # type: ignore[arg-type]
    assert not channel.signed(  # type: ignore[arg-type]
        _request(LOCAL_URL, params, sign(LOCAL_URL, params, "wrong-token")), form
    )
    tampered = parse_form(b"Body=hi&From=%2B19165550188&NumMedia=1")
    assert not channel.signed(good, tampered)  # type: ignore[arg-type]


def test_behind_a_proxy_the_public_url_is_what_counts(tmp_path: Path) -> None:
    channel = _channel(tmp_path, webhook_url=PUBLIC_URL)
    params = {"Body": "hi", "From": PHONE}
    form = parse_form(b"Body=hi&From=%2B19165550188")
    assert channel.signed(_request(LOCAL_URL, params, sign(PUBLIC_URL, params)), form)  # type: ignore[arg-type]
    assert not channel.signed(_request(LOCAL_URL, params, sign(LOCAL_URL, params)), form)  # type: ignore[arg-type]


def _accept(channel: TwilioInput, body: str, **extra: str):  # type: ignore[no-untyped-def]
    assert channel.store is not None
    contact = channel.store.remember(PHONE)
    assert contact is not None
    fields = {"Body": body, "From": PHONE, "MessageSid": f"SM{abs(hash((body, *extra)))}", **extra}
    form = parse_form("&".join(f"{k}={v}" for k, v in fields.items()).encode())
    return contact, channel.accept(contact, form)


def _queued(channel: TwilioInput) -> list[str]:
    assert channel.store is not None
    return [item.body for item in channel.store.outbox_pending()]


def test_stop_start_and_help_are_answered_without_rasa(tmp_path: Path) -> None:
    channel = _channel(tmp_path)
    assert channel.store is not None
    contact, item = _accept(channel, "STOP")
    assert item is None and channel.store.opted_out(contact.phone_hash)
    assert "unsubscribed" in _queued(channel)[-1] and "START" in _queued(channel)[-1]
    _, item = _accept(channel, "HELP")
    assert item is None
    assert "Maple Grove Family Health" in _queued(channel)[-1]
    assert "(916) 555-0142" in _queued(channel)[-1]
    _, item = _accept(channel, "yes")
    assert item is None and not channel.store.opted_out(contact.phone_hash)
    assert "subscribed again" in _queued(channel)[-1]


def test_cancel_alone_opts_out_but_explains_how_to_cancel_an_appointment(tmp_path: Path) -> None:
    channel = _channel(tmp_path)
    contact, item = _accept(channel, "Cancel")
    assert item is None and "cancel my appointment" in _queued(channel)[-1]
    channel.store.opt_in(contact.phone_hash)  # type: ignore[union-attr]
    _, item = _accept(channel, "cancel my appointment")
    assert item is not None and item.text == "cancel my appointment"


def test_a_numbered_answer_becomes_the_payload_once(tmp_path: Path) -> None:
    channel = _channel(tmp_path)
    assert channel.store is not None
    contact = channel.store.remember(PHONE)
    assert contact is not None
    channel.store.set_options(contact.conversation_id, [Option("Billing", "/billing_balance")])
    _, item = _accept(channel, "1")
    assert item is not None and item.text == "/billing_balance"
    assert item.metadata["phone_hash"] == contact.phone_hash
    # the number itself only sealed ("this number" at a new patient's phone question)
    assert set(item.metadata) == {"phone_hash", "phone_sealed"}
    assert PHONE[2:] not in item.metadata["phone_sealed"]
    assert unseal_phone(item.metadata["phone_sealed"], "unit-phone-secret") == PHONE
    _, item = _accept(channel, "1", MessageSid="SMsecond")
    assert item is not None and item.text == "1"


@pytest.mark.parametrize(("media", "expected"), [("1", "can't open pictures"), ("0", "empty")])
def test_a_message_without_text_gets_a_kind_answer(
    tmp_path: Path, media: str, expected: str
) -> None:
    channel = _channel(tmp_path)
    _, item = _accept(channel, "", NumMedia=media)
    assert item is None and expected in _queued(channel)[-1]


def test_staff_replies_to_an_opted_out_number_are_not_sent(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    channel = _channel(tmp_path)
    contact, _ = _accept(channel, "STOP")
    output = channel.get_output_channel()
    assert isinstance(output, TwilioOutput)
    before = _queued(channel)
    assert not output.queue(contact.conversation_id, "Hi, this is Alex", from_staff=True)
    assert _queued(channel) == before
    assert "opted out" in caplog.text and PHONE not in caplog.text
