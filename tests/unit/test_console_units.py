"""The console's small parts: queue order, wait estimates and notices, passwords, cookies, CSRF,
the failed-login count."""

from __future__ import annotations

import time
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from actions.settings import get_clinic
from console import auth
from console.canned import load_canned_replies
from console.queue import estimated_wait_minutes, queue_notice, reason_label, sort_key
from console.rasa_api import transcript
from console.store import Store

TZ = ZoneInfo("America/Los_Angeles")
TUESDAY_10AM = datetime(2026, 11, 24, 10, 0, tzinfo=TZ)
TUESDAY_11PM = datetime(2026, 11, 24, 23, 0, tzinfo=TZ)


def item(name: str, priority: str, waiting_since: float, status: str = "waiting") -> dict:
    return {"id": name, "priority": priority, "waiting_since": waiting_since, "status": status}


# --- queue order ---------------------------------------------------------------------------------


def test_queue_order_is_priority_then_longest_wait_then_handed_back() -> None:
    items = [
        item("normal-new", "normal", 300),
        item("handed-back-urgent", "urgent", 1, status="handed_back"),
        item("high", "high", 200),
        item("normal-old", "normal", 100),
        item("urgent-new", "urgent", 400),
        item("claimed-urgent", "urgent", 50, status="claimed"),
    ]
    assert [i["id"] for i in sorted(items, key=sort_key)] == [
        "claimed-urgent",
        "urgent-new",
        "high",
        "normal-old",
        "normal-new",
        "handed-back-urgent",
    ]


def test_unknown_priority_sorts_last_and_unknown_reason_gets_a_readable_label() -> None:
    assert sort_key(item("x", "weird", 0)) > sort_key(item("y", "normal", 999))
    assert reason_label("emergency") == "Possible medical emergency"
    assert reason_label("new_reason") == "New reason"


# --- waiting patients ----------------------------------------------------------------------------


@pytest.mark.parametrize(("position", "expected"), [(1, 4), (2, 8), (5, 20)])
def test_wait_estimate_uses_minutes_per_waiting_chat(position: int, expected: int) -> None:
    per_chat = get_clinic().clinic.minutes_per_waiting_chat
    assert estimated_wait_minutes(position, per_chat) == expected
    assert estimated_wait_minutes(0, 4) == 1  # never "0 minutes"


def test_queue_notice_during_staff_hours_gives_place_and_wait() -> None:
    clinic = get_clinic()
    assert clinic.staff_available(TUESDAY_10AM)
    first = queue_notice(clinic, 1, "normal", TUESDAY_10AM)
    assert "You're next in line" in first and "about 4 minutes" in first
    third = queue_notice(clinic, 3, "normal", TUESDAY_10AM)
    assert "number 3 in line" in third and "about 12 minutes" in third
    assert "911" not in third
    assert "call 911 now" in queue_notice(clinic, 1, "urgent", TUESDAY_10AM)


def test_queue_notice_outside_staff_hours_says_when_they_will_hear_back() -> None:
    clinic = get_clinic()
    assert not clinic.staff_available(TUESDAY_11PM)
    text = queue_notice(clinic, 2, "normal", TUESDAY_11PM)
    assert "away right now" in text and "tomorrow at 8am" in text
    assert clinic.clinic.main_phone in text
    assert "in line" not in text
    # The line that answers, for the reason handed over: billing's with its hours, the nurse
    # line for a medical question (the main line, closed, was all it gave)
    billing = queue_notice(clinic, 2, "normal", TUESDAY_11PM, "billing_dispute")
    assert "billing is at (916) 555-0199 (Monday to Friday, 8am to 5pm)" in billing
    medical = queue_notice(clinic, 2, "high", TUESDAY_11PM, "medical_advice")
    assert "after-hours nurse line is at (916) 555-0177" in medical


def test_a_wait_past_the_staffs_closing_time_says_so() -> None:
    """ "about 120 minutes" at 5:55pm, from staff who leave at 6."""
    clinic = get_clinic()
    closing = clinic.staff_hours_on(TUESDAY_10AM.date())
    assert closing is not None
    late = datetime.combine(TUESDAY_10AM.date(), closing.closes, clinic.tz) - timedelta(minutes=5)
    text = queue_notice(clinic, 30, "normal", late)
    assert "Our staff leave today at 6pm" in text and "reply here tomorrow at 8am" in text
    assert "leave" not in queue_notice(clinic, 1, "normal", TUESDAY_10AM)


# --- passwords, cookies, CSRF, shared secret -----------------------------------------------------


def test_password_hash_round_trip_and_salting() -> None:
    first = auth.hash_password("correct horse battery")
    second = auth.hash_password("correct horse battery")
    assert first != second  # random salt
    assert first.startswith("scrypt$16384$8$1$")
    assert "correct horse" not in first
    assert auth.verify_password("correct horse battery", first)
    assert auth.verify_password("correct horse battery", second)
    assert not auth.verify_password("correct horse batterx", first)
    assert not auth.verify_password("", first)


@pytest.mark.parametrize("stored", ["", "plain", "md5$abc", "scrypt$x$8$1$aa$bb", "a$b$c$d$e$f"])
def test_malformed_hashes_never_verify(stored: str) -> None:
    assert not auth.verify_password("anything at all", stored)


def test_unknown_user_check_still_fails() -> None:
    assert not auth.verify_or_waste_time("whatever password", None)


def test_password_rules() -> None:
    assert auth.password_problem("short") is not None
    assert auth.password_problem(" padded password ") is not None
    assert auth.password_problem("a fine long passphrase") is None


def test_signed_cookie_rejects_tampering_and_other_keys() -> None:
    token = auth.new_token()
    value = auth.sign(token, "key-one")
    assert auth.unsign(value, "key-one") == token
    assert auth.unsign(value, "key-two") is None
    assert auth.unsign(auth.new_token() + "." + value.split(".")[-1], "key-one") is None
    assert auth.unsign(token, "key-one") is None
    assert auth.unsign(None, "key-one") is None
    assert auth.session_id(token) != token and len(auth.session_id(token)) == 64


def test_csrf_check() -> None:
    assert auth.csrf_ok("abc", "abc")
    assert not auth.csrf_ok("abc", "abd")
    assert not auth.csrf_ok("abc", None)
    assert not auth.csrf_ok(None, None)
    assert not auth.csrf_ok("", "")


def test_bearer_check_refuses_an_empty_secret() -> None:
    assert auth.bearer_ok("Bearer s3cret", "s3cret")
    assert not auth.bearer_ok("Bearer wrong", "s3cret")
    assert not auth.bearer_ok("s3cret", "s3cret")
    assert not auth.bearer_ok("Bearer ", "")
    assert not auth.bearer_ok(None, "s3cret")


def test_failed_logins_count_since_the_last_good_login_or_new_password(tmp_path: Path) -> None:
    store = Store(f"sqlite:///{tmp_path / 'console.sqlite3'}")
    sam = store.create_user("sam", "Sam R.", "staff", "not-a-real-hash")
    for _ in range(3):
        store.log(sam, "login_failed")
    assert store.failed_logins("SAM ", since=0) == 3
    assert store.failed_logins("sam", since=time.time() + 1) == 0  # older than the window
    assert store.failed_logins("kim", since=0) == 0
    store.log(sam, "login")
    assert store.failed_logins("sam", since=0) == 0
    store.log(sam, "login_failed")
    store.log(sam, "password_set")
    assert store.failed_logins("sam", since=0) == 0
    store.close()


# --- transcript and canned replies ---------------------------------------------------------------


def test_transcript_keeps_patient_bot_and_staff_messages_as_text() -> None:
    tracker = {
        "events": [
            {"event": "action", "name": "action_listen", "timestamp": 1},
            {"event": "user", "text": "<b>hi</b>", "timestamp": 2, "input_channel": "socketio"},
            {
                "event": "bot",
                "text": "Hello!",
                "timestamp": 3,
                "data": {"buttons": [{"title": "A"}]},
            },
            {"event": "pause", "timestamp": 4},
            {
                "event": "bot",
                "text": "Dana here",
                "timestamp": 5,
                "metadata": {"from_staff": True, "staff_name": "Dana"},
            },
            {"event": "resume", "timestamp": 6},
            {"event": "user", "text": "EXTERNAL: EXTERNAL_csat", "timestamp": 7},
        ]
    }
    kinds = [(m["kind"], m["text"]) for m in transcript(tracker)]
    assert kinds == [
        ("patient", "<b>hi</b>"),
        ("bot", "Hello!"),
        ("system", "Assistant paused: waiting for staff"),
        ("staff", "Dana here"),
        ("system", "Assistant resumed"),
        ("system", "Rating question sent"),
    ]
    assert transcript(tracker)[1]["buttons"] == ["A"]
    assert transcript(tracker)[3]["staff_name"] == "Dana"


def test_transcript_lists_a_replayed_message_once() -> None:
    tracker = {
        "events": [
            {"event": "user", "text": "yes", "message_id": "b", "timestamp": 1},
            {"event": "rewind", "timestamp": 2},
            {"event": "user", "text": "yes", "message_id": "b", "timestamp": 3},
            {"event": "user", "text": "yes", "timestamp": 4},
        ]
    }
    assert [m["at"][-14:-6] for m in transcript(tracker)] == ["00:00:01", "00:00:04"]


def test_canned_replies_fill_placeholders_and_survive_a_broken_file(tmp_path) -> None:
    path = tmp_path / "canned.yml"
    path.write_text(
        "replies:\n"
        "  - {title: Call us, text: 'Call {main_phone} or {unknown}.'}\n"
        "  - {title: '', text: skipped}\n",
        encoding="utf-8",
    )
    clinic = get_clinic()
    [reply] = load_canned_replies(path, clinic)
    assert reply == {"title": "Call us", "text": f"Call {clinic.clinic.main_phone} or {{unknown}}."}
    path.write_text("replies: [unclosed", encoding="utf-8")
    assert load_canned_replies(path, clinic) == []
    assert load_canned_replies(tmp_path / "missing.yml", clinic) == []
