"""The SMS store and outbox: numbers encrypted at rest, opt-outs kept, no reply ever lost."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import pytest

from actions.phone import fernet_for, phone_hash, seal_phone, unseal_phone
from addons.sms_outbox import SendResult, SmsOutbox
from addons.sms_store import CONTACTS_SEAL, InboxItem, SmsStore, conversation_id_for
from addons.sms_text import Option

SECRET = "unit-phone-secret"
PHONE = "+19165550177"


@pytest.fixture
def store(tmp_path: Path) -> SmsStore:
    return SmsStore(tmp_path / "sms.sqlite3", SECRET)


def test_the_conversation_id_is_a_pseudonym_and_the_number_is_encrypted(
    store: SmsStore, tmp_path: Path
) -> None:
    contact = store.remember("(916) 555-0177")
    assert contact is not None
    assert contact.phone == PHONE
    assert contact.phone_hash == phone_hash(PHONE, SECRET)
    assert contact.conversation_id == conversation_id_for(contact.phone_hash)
    assert contact.conversation_id.startswith("sms-") and "5550177" not in contact.conversation_id
    assert store.contact(contact.conversation_id) == contact
    raw = (tmp_path / "sms.sqlite3").read_bytes()
    assert b"5550177" not in raw and b"555-0177" not in raw


def test_the_sealed_sender_number_opens_only_with_the_secret() -> None:
    token = seal_phone(PHONE, SECRET)
    assert "5550177" not in token
    assert unseal_phone(token, SECRET) == PHONE
    assert unseal_phone(token, "another-secret") is None
    assert unseal_phone("not a token", SECRET) is None
    # a key of its own: a number sealed for the contacts table does not open
    contacts_token = fernet_for(SECRET, CONTACTS_SEAL).encrypt(PHONE.encode()).decode()
    assert unseal_phone(contacts_token, SECRET) is None


def test_a_changed_secret_cannot_read_old_numbers(tmp_path: Path) -> None:
    contact = SmsStore(tmp_path / "sms.sqlite3", SECRET).remember(PHONE)
    assert contact is not None
    assert SmsStore(tmp_path / "sms.sqlite3", "rotated").contact(contact.conversation_id) is None


def test_not_a_number_is_refused(store: SmsStore) -> None:
    assert store.remember("") is None
    assert store.remember("hello") is None


def test_opt_outs_persist(store: SmsStore, tmp_path: Path) -> None:
    hashed = phone_hash(PHONE, SECRET)
    store.opt_out(hashed, "STOP")
    assert SmsStore(tmp_path / "sms.sqlite3", SECRET).opted_out(hashed)
    store.opt_in(hashed)
    assert not store.opted_out(hashed)


def test_options_answer_only_the_next_message(store: SmsStore) -> None:
    store.set_options("sms-x", [Option("Billing", "/billing_balance")])
    assert store.take_options("sms-x") == [Option("Billing", "/billing_balance")]
    assert store.take_options("sms-x") == []


def test_the_inbox_ignores_a_repeated_webhook(store: SmsStore) -> None:
    item = InboxItem("SM1", "sms-x", "hello", {"phone_hash": "h"})
    assert store.inbox_add(item)
    assert not store.inbox_add(item)
    assert store.inbox_pending() == [item]
    store.inbox_done("SM1")
    assert store.inbox_pending() == []


class FakeTwilio:
    """Answers with the queued results in turn (then success) and records what was sent."""

    def __init__(self, results: list[SendResult] | None = None) -> None:
        self.results = list(results or [])
        self.sent: list[tuple[str, str]] = []

    async def send(self, to: str, body: str) -> SendResult:
        result = self.results.pop(0) if self.results else SendResult(True)
        if result.ok:
            self.sent.append((to, body))
        return result


def _outbox(store: SmsStore, twilio: FakeTwilio) -> SmsOutbox:
    return SmsOutbox(store, twilio, retry_seconds=0.05, retry_max_seconds=0.2)  # type: ignore[arg-type]


def test_a_failed_send_is_retried_in_order_until_delivered(store: SmsStore) -> None:
    contact = store.remember(PHONE)
    assert contact is not None
    store.outbox_add(contact.conversation_id, ["first", "second"])
    twilio = FakeTwilio([SendResult(False, detail="ClientConnectorError")] * 3)
    outbox = _outbox(store, twilio)

    async def run() -> None:
        next_due = await outbox.deliver_due()
        assert next_due is not None and twilio.sent == []  # "second" waits behind "first"
        deadline = time.time() + 5
        while store.outbox_pending() and time.time() < deadline:
            await asyncio.sleep(0.06)
            await outbox.deliver_due()

    asyncio.run(run())
    assert twilio.sent == [(PHONE, "first"), (PHONE, "second")]
    assert store.outbox_pending() == []


def test_the_outbox_survives_a_restart(store: SmsStore, tmp_path: Path) -> None:
    contact = store.remember(PHONE)
    assert contact is not None
    store.outbox_add(contact.conversation_id, ["queued before the crash"])
    twilio = FakeTwilio()
    restarted = SmsStore(tmp_path / "sms.sqlite3", SECRET)
    asyncio.run(_outbox(restarted, twilio).deliver_due())
    assert twilio.sent == [(PHONE, "queued before the crash")]


def test_permanent_refusals_opt_outs_and_stale_messages_are_dropped(
    store: SmsStore, caplog: pytest.LogCaptureFixture
) -> None:
    contact = store.remember(PHONE)
    assert contact is not None
    conv = contact.conversation_id
    store.outbox_add(conv, ["refused"])
    twilio = FakeTwilio([SendResult(False, permanent=True, detail="HTTP 400, Twilio error 21610")])
    outbox = _outbox(store, twilio)
    asyncio.run(outbox.deliver_due())
    assert store.outbox_pending() == [] and twilio.sent == []

    store.opt_out(contact.phone_hash, "STOP")
    store.outbox_add(conv, ["after STOP"])
    store.outbox_add(conv, ["STOP confirmation"], compliance=True)
    asyncio.run(outbox.deliver_due())
    assert twilio.sent == [(PHONE, "STOP confirmation")]

    outbox.max_age_seconds = 0
    store.opt_in(contact.phone_hash)
    store.outbox_add(conv, ["too old"])
    time.sleep(0.01)
    asyncio.run(outbox.deliver_due())
    assert store.outbox_pending() == [] and twilio.sent == [(PHONE, "STOP confirmation")]
    assert PHONE not in caplog.text and "5550177" not in caplog.text
    assert conv in caplog.text
