"""The staff console's API over real HTTP: the console runs as its own process (as in
`make run`) with a temporary database, in front of a stand-in for Rasa's HTTP API. Every test
runs twice: on SQLite (the default) and on a real PostgreSQL server (``CONSOLE_DB_URL``)."""

from __future__ import annotations

import re
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

from console.store import Store
from launcher.stack import ROOT, free_port
from tests.support.console import (
    STAFF_PASSWORD,
    ConsoleProcess,
    StaffClient,
    create_user,
    handoff_record,
    wait_for,
)
from tests.support.fake_rasa import FakeRasa

pytestmark = pytest.mark.integration

SECRET = "console-test-handoff-secret"
RASA_TOKEN = "console-test-rasa-token"
XSS = '<script>alert("x")</script><img src=x onerror=alert(1)>'


@pytest.fixture(scope="module")
def fake_rasa() -> Iterator[FakeRasa]:
    with FakeRasa(RASA_TOKEN) as fake:
        yield fake


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def console(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, fake_rasa: FakeRasa
) -> Iterator[ConsoleProcess]:
    """The console on each database it supports: every test here runs on both."""
    data_dir: Path = tmp_path_factory.mktemp("console")
    if request.param == "postgresql":
        db_url = request.getfixturevalue("postgres_server").create_database()
    else:
        db_url = f"sqlite:///{data_dir / 'console.sqlite3'}"
    process = ConsoleProcess(
        data_dir,
        {
            "HANDOFF_SECRET": SECRET,
            "CONSOLE_SECRET_KEY": "console-test-cookie-key",
            "CONSOLE_DB_URL": db_url,
            "RASA_URL": fake_rasa.url,
            "RASA_API_TOKEN": RASA_TOKEN,
            # No scheduling system: appointments must degrade, not break the page.
            "FHIR_BASE_URL": f"http://127.0.0.1:{free_port()}/fhir",
            "FHIR_RETRIES": "0",
            "FHIR_TIMEOUT_SECONDS": "1",
        },
    )
    for name, role, shown in (
        ("ada", "admin", "Ada (admin)"),
        ("sam", "staff", "Sam R."),
        ("kim", "staff", "Kim L."),
    ):
        result = create_user(process.env, name, role, display_name=shown)
        assert result.returncode == 0, result.stdout + result.stderr
    with process:
        yield process


def staff(console: ConsoleProcess, name: str) -> StaffClient:
    client = StaffClient(console.url)
    response = client.login(name)
    assert response.status_code == 200, response.text
    return client


@pytest.fixture()
def sam(console: ConsoleProcess) -> StaffClient:
    return staff(console, "sam")


@pytest.fixture()
def kim(console: ConsoleProcess) -> StaffClient:
    return staff(console, "kim")


@pytest.fixture()
def ada(console: ConsoleProcess) -> StaffClient:
    return staff(console, "ada")


def send_handoff(console: ConsoleProcess, record: dict[str, Any], secret: str = SECRET) -> Any:
    return requests.post(
        f"{console.url}/api/handoffs",
        json=record,
        headers={"Authorization": f"Bearer {secret}"},
        timeout=10,
    )


def new_item(console: ConsoleProcess, **fields: Any) -> dict[str, Any]:
    record = handoff_record(**fields)
    assert send_handoff(console, record).status_code == 201
    return record


def item_id_for(client: StaffClient, conversation_id: str) -> str:
    return client.wait_for_item(conversation_id, timeout=5)["id"]


# --- access control ------------------------------------------------------------------------------


def test_the_page_is_served_with_a_strict_content_security_policy(console: ConsoleProcess) -> None:
    response = requests.get(console.url + "/", timeout=10)
    assert response.status_code == 200
    assert "Staff console" in response.text
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    script = requests.get(console.url + "/static/console.js", timeout=10).text
    assert not re.search(r"\.(innerHTML|outerHTML)\b|insertAdjacentHTML|document\.write", script)


def test_api_refuses_calls_without_a_logged_in_session(console: ConsoleProcess) -> None:
    assert requests.get(f"{console.url}/api/handoffs", timeout=10).status_code == 401
    assert requests.get(f"{console.url}/api/audit", timeout=10).status_code == 401
    assert requests.get(f"{console.url}/api/events", timeout=10).status_code == 401
    anonymous = StaffClient(console.url)
    anonymous.start_session()  # a session exists, but nobody logged in
    assert anonymous.get("/api/handoffs").status_code == 401
    assert anonymous.post("/api/handoffs/whatever/claim").status_code == 401


def test_login_needs_the_right_password_and_a_csrf_token(console: ConsoleProcess) -> None:
    client = StaffClient(console.url)
    client.start_session()
    response = client.post("/api/login", {"username": "sam", "password": "wrong password!"})
    assert response.status_code == 401
    response = client.post(
        "/api/login", {"username": "sam", "password": "correct horse battery"}, csrf=False
    )
    assert response.status_code == 403
    response = client.login("sam")
    assert response.status_code == 200
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie
    assert response.json()["user"]["display_name"] == "Sam R."


def test_repeated_wrong_passwords_lock_the_account_across_a_restart_until_reset(
    console: ConsoleProcess,
) -> None:
    name = f"lee{uuid.uuid4().hex[:6]}"
    assert create_user(console.env, name).returncode == 0
    client = StaffClient(console.url)
    client.start_session()
    for _ in range(5):
        wrong = client.post("/api/login", {"username": name, "password": "guess guess guess"})
        assert wrong.status_code == 401
    assert client.login(name).status_code == 429  # even with the right password now
    assert StaffClient(console.url).login("sam").status_code == 200  # only that account

    console.restart()
    assert StaffClient(console.url).login(name).status_code == 429

    reset = subprocess.run(
        [sys.executable, "-m", "console", "set-password", name, "--password-stdin"],
        input=STAFF_PASSWORD + "\n",
        capture_output=True,
        text=True,
        env=console.env,
        cwd=ROOT,
        timeout=60,
        check=False,
    )
    assert reset.returncode == 0, reset.stdout + reset.stderr
    assert StaffClient(console.url).login(name).status_code == 200


def test_state_changing_calls_need_the_csrf_token(
    console: ConsoleProcess, sam: StaffClient
) -> None:
    record = new_item(console)
    item_id = item_id_for(sam, record["conversation_id"])
    assert sam.post(f"/api/handoffs/{item_id}/claim", csrf=False).status_code == 403
    sam_wrong = sam.http.post(
        sam.url(f"/api/handoffs/{item_id}/claim"), headers={"X-CSRF-Token": "forged"}, timeout=10
    )
    assert sam_wrong.status_code == 403
    cross_site = sam.http.post(
        sam.url(f"/api/handoffs/{item_id}/claim"),
        headers={"X-CSRF-Token": sam.csrf or "", "Origin": "https://evil.example"},
        timeout=10,
    )
    assert cross_site.status_code == 403
    assert sam.post(f"/api/handoffs/{item_id}/claim").status_code == 200


def test_logout_ends_the_session(console: ConsoleProcess) -> None:
    client = staff(console, "kim")
    assert client.post("/api/logout").status_code == 200
    assert client.get("/api/handoffs").status_code == 401


# --- receiving handoffs --------------------------------------------------------------------------


def test_wrong_or_missing_secret_is_refused(console: ConsoleProcess, sam: StaffClient) -> None:
    record = handoff_record()
    assert send_handoff(console, record, secret="not-the-secret").status_code == 401
    assert requests.post(f"{console.url}/api/handoffs", json=record, timeout=10).status_code == 401
    assert all(i["conversation_id"] != record["conversation_id"] for i in sam.queue())


def test_handoff_receipt_is_idempotent(console: ConsoleProcess, sam: StaffClient) -> None:
    record = handoff_record()
    first = send_handoff(console, record)
    again = send_handoff(console, record)
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json() == {"id": first.json()["id"], "created": False, "duplicate": True}
    matching = [i for i in sam.queue() if i["conversation_id"] == record["conversation_id"]]
    assert len(matching) == 1 and matching[0]["escalations"] == 1


def test_second_escalation_raises_the_open_item_instead_of_duplicating(
    console: ConsoleProcess, sam: StaffClient
) -> None:
    conversation = f"conv-{uuid.uuid4().hex[:8]}"
    new_item(console, conversation_id=conversation)
    raised = handoff_record(
        conversation,
        reason="crisis",
        priority="urgent",
        team="clinical",
        summary="Crisis: patient may be at risk.",
    )
    response = send_handoff(console, raised)
    assert response.status_code == 200 and response.json()["created"] is False
    [item] = [i for i in sam.queue() if i["conversation_id"] == conversation]
    assert (item["priority"], item["reason"], item["escalations"]) == ("urgent", "crisis", 2)
    assert item["summary"].startswith("Crisis")


def test_simultaneous_escalations_of_one_conversation_make_one_item(
    console: ConsoleProcess, sam: StaffClient
) -> None:
    """The action server's retries and a second escalation can arrive at the same moment."""
    conversation = f"conv-{uuid.uuid4().hex[:8]}"
    records = [handoff_record(conversation) for _ in range(6)]
    sends = [*records, records[0], records[1]]  # two retries of already sent records
    barrier = threading.Barrier(len(sends))
    statuses: list[int] = []

    def send(record: dict[str, Any]) -> None:
        barrier.wait()
        statuses.append(send_handoff(console, record).status_code)

    threads = [threading.Thread(target=send, args=(r,)) for r in sends]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(statuses) == [200] * (len(sends) - 1) + [201], statuses
    [item] = [i for i in sam.queue() if i["conversation_id"] == conversation]
    assert item["escalations"] == len(records)


def test_malformed_handoff_is_refused_with_400(console: ConsoleProcess) -> None:
    response = send_handoff(console, {"reason": "request_human"})
    assert response.status_code == 400
    assert "handoff_id" in response.json()["error"]


# --- the queue -----------------------------------------------------------------------------------


def test_queue_is_sorted_by_priority_then_wait(console: ConsoleProcess, sam: StaffClient) -> None:
    tag = uuid.uuid4().hex[:6]
    normal_old = new_item(console, conversation_id=f"{tag}-normal-old")
    high = new_item(console, conversation_id=f"{tag}-high", priority="high", reason="test_results")
    normal_new = new_item(console, conversation_id=f"{tag}-normal-new")
    urgent = new_item(
        console, conversation_id=f"{tag}-urgent", priority="urgent", reason="emergency"
    )
    ours = [i["conversation_id"] for i in sam.queue() if i["conversation_id"].startswith(tag)]
    assert ours == [
        urgent["conversation_id"],
        high["conversation_id"],
        normal_old["conversation_id"],
        normal_new["conversation_id"],
    ]
    shown = next(i for i in sam.queue() if i["conversation_id"] == urgent["conversation_id"])
    assert shown["reason_label"] == "Possible medical emergency"
    assert shown["channel"] == "web" and shown["claimed_by"] is None
    assert shown["waiting_seconds"] >= 0


def test_only_verified_names_are_shown(console: ConsoleProcess, sam: StaffClient) -> None:
    verified = new_item(
        console, patient={"verified": True, "patient_id": "pat-1", "name": "Maria Santos"}
    )
    unverified = new_item(console, patient={"verified": False, "name": "Someone Claiming"})
    queue = {i["conversation_id"]: i for i in sam.queue()}
    assert queue[verified["conversation_id"]]["patient"]["name"] == "Maria Santos"
    assert queue[unverified["conversation_id"]]["patient"]["name"] is None


def test_two_staff_cannot_both_claim(console: ConsoleProcess) -> None:
    record = new_item(console)
    clients = [staff(console, "sam"), staff(console, "kim")] * 3
    item_id = item_id_for(clients[0], record["conversation_id"])
    barrier = threading.Barrier(len(clients))
    results: list[tuple[str, int]] = []

    def grab(client: StaffClient) -> None:
        barrier.wait()
        response = client.post(f"/api/handoffs/{item_id}/claim")
        results.append((client.user["username"], response.status_code))  # type: ignore[index]

    threads = [threading.Thread(target=grab, args=(c,)) for c in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    winners = {name for name, status in results if status == 200}
    assert len(winners) == 1, results
    assert all(status in (200, 409) for _, status in results), results
    loser = ({"sam", "kim"} - winners).pop()
    assert all(status == 409 for name, status in results if name == loser)
    item = next(i for i in clients[0].queue() if i["id"] == item_id)
    assert item["status"] == "claimed" and item["claimed_by"]["name"] in ("Sam R.", "Kim L.")


# --- reply, hand back, resolve, rating -----------------------------------------------------------


def test_reply_goes_to_rasa_as_a_staff_bot_event(
    console: ConsoleProcess, fake_rasa: FakeRasa, sam: StaffClient, kim: StaffClient
) -> None:
    record = new_item(console)
    conversation = record["conversation_id"]
    item_id = item_id_for(sam, conversation)
    assert sam.post(f"/api/handoffs/{item_id}/claim").status_code == 200
    response = sam.post(f"/api/handoffs/{item_id}/reply", {"text": "Hi, I'm Sam from the clinic."})
    assert response.status_code == 200, response.text
    [call] = [c for c in fake_rasa.calls_for(conversation) if c["action"] == "tracker/events"]
    assert call["query"]["output_channel"] == "latest"
    assert call["query"]["execute_side_effects"] == "true"
    assert call["body"] == [
        {
            "event": "bot",
            "text": "Hi, I'm Sam from the clinic.",
            "metadata": {"from_staff": True, "staff_name": "Sam R."},
        }
    ]
    detail = sam.get(f"/api/handoffs/{item_id}").json()
    assert detail["transcript"][-1] == {
        "kind": "staff",
        "text": "Hi, I'm Sam from the clinic.",
        "at": detail["transcript"][-1]["at"],
        "staff_name": "Sam R.",
    }
    assert detail["staff_messages"][0]["staff_name"] == "Sam R."
    # Kim cannot write into Sam's conversation.
    assert kim.post(f"/api/handoffs/{item_id}/reply", {"text": "me too"}).status_code == 409
    assert sam.post(f"/api/handoffs/{item_id}/reply", {"text": "   "}).status_code == 400


def test_reply_to_a_waiting_conversation_claims_it(
    console: ConsoleProcess, sam: StaffClient
) -> None:
    record = new_item(console)
    item_id = item_id_for(sam, record["conversation_id"])
    response = sam.post(f"/api/handoffs/{item_id}/reply", {"text": "On it."})
    assert response.status_code == 200
    assert response.json()["status"] == "claimed"
    assert response.json()["claimed_by"]["name"] == "Sam R."


def test_hand_back_resumes_the_assistant_and_tells_the_patient(
    console: ConsoleProcess, fake_rasa: FakeRasa, sam: StaffClient
) -> None:
    record = new_item(console)
    conversation = record["conversation_id"]
    item_id = item_id_for(sam, conversation)
    sam.post(f"/api/handoffs/{item_id}/claim")
    response = sam.post(f"/api/handoffs/{item_id}/handback")
    assert response.status_code == 200, response.text
    assert response.json()["status"] == "handed_back"
    [call] = [c for c in fake_rasa.calls_for(conversation) if c["action"] == "tracker/events"]
    assert call["body"][0] == {"event": "resume"}
    assert call["body"][1]["event"] == "bot"
    assert "back with the assistant" in call["body"][1]["text"]
    assert call["body"][2] == {"event": "action", "name": "action_listen"}
    assert sam.post(f"/api/handoffs/{item_id}/handback").status_code == 409
    # Still listed (after what needs a person) until resolved.
    assert any(i["id"] == item_id for i in sam.queue())


def test_resolve_closes_asks_for_a_rating_and_stores_it(
    console: ConsoleProcess, fake_rasa: FakeRasa, sam: StaffClient
) -> None:
    record = new_item(console)
    conversation = record["conversation_id"]
    item_id = item_id_for(sam, conversation)
    sam.post(f"/api/handoffs/{item_id}/claim")
    response = sam.post(f"/api/handoffs/{item_id}/resolve")
    assert response.status_code == 200, response.text
    assert response.json()["status"] == "resolved"
    calls = fake_rasa.calls_for(conversation)
    assert [c["action"] for c in calls] == ["tracker/events", "trigger_intent"]
    assert calls[0]["body"] == [{"event": "resume"}, {"event": "action", "name": "action_listen"}]
    assert calls[1]["body"] == {"name": "EXTERNAL_csat"}
    assert all(i["id"] != item_id for i in sam.queue())

    rating_url = f"{console.url}/api/handoffs/{record['handoff_id']}/rating"
    body = {"score": 4, "comment": "Quick and kind", "conversation_id": conversation}
    assert requests.post(rating_url, json=body, timeout=10).status_code == 401
    wrong = {"Authorization": "Bearer nope"}
    assert requests.post(rating_url, json=body, headers=wrong, timeout=10).status_code == 401
    ok = {"Authorization": f"Bearer {SECRET}"}
    bad = requests.post(rating_url, json={**body, "score": 9}, headers=ok, timeout=10)
    assert bad.status_code == 400
    other = requests.post(
        rating_url, json={**body, "conversation_id": "someone-else"}, headers=ok, timeout=10
    )
    assert other.status_code == 404
    assert requests.post(rating_url, json=body, headers=ok, timeout=10).status_code == 200
    closed = sam.wait_for_item(conversation, closed=True)
    assert closed["rating"]["score"] == 4 and closed["rating"]["comment"] == "Quick and kind"
    assert sam.post(f"/api/handoffs/{item_id}/reply", {"text": "late"}).status_code == 409


def test_rating_can_be_found_by_conversation_id(console: ConsoleProcess, sam: StaffClient) -> None:
    record = new_item(console)
    conversation = record["conversation_id"]
    item_id = item_id_for(sam, conversation)
    assert sam.post(f"/api/handoffs/{item_id}/resolve").status_code == 200
    response = requests.post(
        f"{console.url}/api/handoffs/{conversation}/rating",
        json={"score": 2},
        headers={"Authorization": f"Bearer {SECRET}"},
        timeout=10,
    )
    assert response.status_code == 200
    assert sam.wait_for_item(conversation, closed=True)["rating"]["score"] == 2


def test_rasa_down_means_not_sent_and_nothing_stored(
    console: ConsoleProcess, fake_rasa: FakeRasa, sam: StaffClient
) -> None:
    record = new_item(console)
    item_id = item_id_for(sam, record["conversation_id"])
    fake_rasa.failing = True
    try:
        response = sam.post(f"/api/handoffs/{item_id}/reply", {"text": "hello?"})
        assert response.status_code == 502
        assert sam.post(f"/api/handoffs/{item_id}/handback").status_code == 502
        detail = sam.get(f"/api/handoffs/{item_id}").json()
        assert detail["transcript"] is None and "not available" in detail["transcript_error"]
        assert detail["staff_messages"] == []
    finally:
        fake_rasa.failing = False
    assert sam.get(f"/api/handoffs/{item_id}").json()["item"]["status"] == "claimed"


def test_appointments_degrade_when_the_scheduling_system_is_down(
    console: ConsoleProcess, sam: StaffClient
) -> None:
    record = new_item(console, patient={"verified": True, "patient_id": "p1", "name": "Ann Lee"})
    item_id = item_id_for(sam, record["conversation_id"])
    detail = sam.get(f"/api/handoffs/{item_id}").json()
    assert detail["appointments"] is None
    assert "not answering" in detail["appointments_error"]


# --- what patients type and staff write is data, never markup ----------------------------------


def test_xss_payloads_are_stored_and_returned_as_text(
    console: ConsoleProcess, fake_rasa: FakeRasa, sam: StaffClient
) -> None:
    record = new_item(console, summary=f"Patient wrote: {XSS}")
    conversation = record["conversation_id"]
    fake_rasa.add_events(
        conversation, {"event": "user", "text": XSS, "timestamp": 1.0, "input_channel": "rest"}
    )
    item_id = item_id_for(sam, conversation)
    assert sam.post(f"/api/handoffs/{item_id}/reply", {"text": XSS}).status_code == 200
    detail = sam.get(f"/api/handoffs/{item_id}")
    assert detail.headers["Content-Type"].startswith("application/json")
    data = detail.json()
    assert data["item"]["summary"] == f"Patient wrote: {XSS}"
    assert data["transcript"][0] == {
        "kind": "patient",
        "text": XSS,
        "at": data["transcript"][0]["at"],
        "channel": "rest",
    }
    assert data["staff_messages"][0]["text"] == XSS


# --- live updates from Rasa and the waiting patient ----------------------------------------------


def test_rasa_events_need_the_secret(console: ConsoleProcess) -> None:
    event = {"sender_id": "x", "event": "user", "text": "hi", "timestamp": 1.0}
    url = f"{console.url}/api/rasa-events"
    assert requests.post(url, json=[event], timeout=10).status_code == 401
    ok = {"Authorization": f"Bearer {SECRET}"}
    assert requests.post(url, json=[event], headers=ok, timeout=10).status_code == 202


def test_waiting_patient_who_writes_hears_their_place_once_per_interval(
    console: ConsoleProcess, fake_rasa: FakeRasa
) -> None:
    record = new_item(console)
    conversation = record["conversation_id"]
    url = f"{console.url}/api/rasa-events"
    headers = {"Authorization": f"Bearer {SECRET}"}

    def patient_writes(text: str) -> None:
        event = {"sender_id": conversation, "event": "user", "text": text, "timestamp": time.time()}
        assert requests.post(url, json=[event], headers=headers, timeout=10).status_code == 202

    patient_writes("are you there?")
    notices = wait_for(
        lambda: [c for c in fake_rasa.calls_for(conversation) if c["action"] == "tracker/events"],
        10,
        "a queue notice",
    )
    [bot] = notices[0]["body"]
    assert bot["metadata"] == {"queue_notice": True}
    assert "in line" in bot["text"] or "away right now" in bot["text"]
    patient_writes("hello??")
    time.sleep(1.0)
    sent = [c for c in fake_rasa.calls_for(conversation) if c["action"] == "tracker/events"]
    assert len(sent) == 1


def test_no_queue_notice_when_the_assistant_already_said_when_staff_are_back(
    console: ConsoleProcess, fake_rasa: FakeRasa
) -> None:
    # Outside staff hours the assistant's acknowledgement says when staff are back; the
    # console's notice said it again (two texts on SMS). Its metadata says so.
    said = ("hello?", "Thanks, I've added that for our staff. They're away right now ...")
    # ...while an acknowledgement during staff hours leaves the place in line to the console
    held, sent = {"waiting_ack": True, "staff_away": True}, {"waiting_ack": True}
    notice_only_after(console, fake_rasa, said, held, sent)


def test_no_queue_notice_for_feedback_being_written(
    console: ConsoleProcess, fake_rasa: FakeRasa
) -> None:
    # "i want to leave a review" - the review - "I've passed it on to our team", then "Thanks
    # for waiting. You're number 16 in line for our staff; the estimated wait is about 64
    # minutes."
    def patient_writes(conversation: str) -> None:
        event = {"sender_id": conversation, "event": "user", "text": "dr lee was so kind"}
        event["timestamp"] = time.time()
        headers = {"Authorization": f"Bearer {SECRET}"}
        url = f"{console.url}/api/rasa-events"
        assert requests.post(url, json=[event], headers=headers, timeout=10).status_code == 202

    def notices(conversation: str) -> list[dict[str, Any]]:
        return [c for c in fake_rasa.calls_for(conversation) if c["action"] == "tracker/events"]

    feedback = new_item(console, reason="feedback")["conversation_id"]
    complaint = new_item(console, reason="complaint")["conversation_id"]
    patient_writes(feedback)
    patient_writes(complaint)
    wait_for(lambda: notices(complaint), 10, "the complaint's queue notice")
    time.sleep(0.5)
    assert not notices(feedback)


def notice_only_after(
    console: ConsoleProcess,
    fake_rasa: FakeRasa,
    said: tuple[str, str],
    held: dict[str, bool],
    sent: dict[str, bool],
) -> None:
    """No queue notice for a waiting patient's message and the bot's answer (``said``) with
    the answer's metadata ``held``, and one when it carries ``sent`` instead."""
    conversation = new_item(console)["conversation_id"]
    now = time.time()
    events = [
        {"sender_id": conversation, "event": "user", "text": said[0], "timestamp": now},
        {"sender_id": conversation, "event": "bot", "text": said[1], "timestamp": now},
    ]
    events[1]["metadata"] = held
    headers = {"Authorization": f"Bearer {SECRET}"}
    url = f"{console.url}/api/rasa-events"

    def notices() -> list[dict[str, Any]]:
        return [c for c in fake_rasa.calls_for(conversation) if c["action"] == "tracker/events"]

    assert requests.post(url, json=events, headers=headers, timeout=10).status_code == 202
    time.sleep(1.5)
    assert not notices()
    events[1]["metadata"] = sent
    assert requests.post(url, json=events, headers=headers, timeout=10).status_code == 202
    wait_for(notices, 10, "a queue notice")


def test_no_queue_notice_while_the_assistant_itself_answers(
    console: ConsoleProcess, fake_rasa: FakeRasa
) -> None:
    # A task asked while staff are away is done by the assistant, the request kept in the
    # queue: "Thanks for your message. Our staff are away ..." came in the middle of a booking.
    said = ("book her tomorrow", "Happy to help you book. Have you been seen here before?")
    # ...while a staff member's reply in the batch is no answer of the assistant's
    notice_only_after(console, fake_rasa, said, {}, {"from_staff": True})


# --- audit and canned replies --------------------------------------------------------------------


def withdraw(console: ConsoleProcess, key: str, secret: str = SECRET, **body: Any) -> Any:
    return requests.post(
        f"{console.url}/api/handoffs/{key}/withdraw",
        json=body,
        headers={"Authorization": f"Bearer {secret}"},
        timeout=10,
    )


def test_a_waiting_patient_can_withdraw_the_request(
    console: ConsoleProcess, fake_rasa: FakeRasa, sam: StaffClient, ada: StaffClient
) -> None:
    """ "never mind, I sorted it out" (the action server's call): the item leaves the queue as
    withdrawn, in the closed list and the audit log, and staff can no longer reply into it."""
    record = new_item(console)
    conversation = record["conversation_id"]
    item_id = item_id_for(sam, conversation)
    assert withdraw(console, record["handoff_id"], secret="nope").status_code == 401
    assert withdraw(console, record["handoff_id"], conversation_id="other").status_code == 404
    assert withdraw(console, "no-such-handoff").status_code == 404

    response = withdraw(console, record["handoff_id"], conversation_id=conversation)
    assert response.status_code == 200
    assert response.json() == {"id": item_id, "outcome": "withdrawn"}
    assert all(i["id"] != item_id for i in sam.queue())
    assert sam.wait_for_item(conversation, closed=True)["status"] == "withdrawn"
    reply = sam.post(f"/api/handoffs/{item_id}/reply", {"text": "Hi, still need help?"})
    assert reply.status_code == 409 and "withdrew" in reply.json()["error"]
    assert sam.post(f"/api/handoffs/{item_id}/resolve").status_code == 409
    assert fake_rasa.calls_for(conversation) == []  # no rating question for a withdrawal
    [entry] = ada.get("/api/audit", params={"item": item_id}).json()["entries"]
    assert (entry["action"], entry["username"]) == ("withdraw", "patient")
    # twice (a retry): already closed, nothing changes
    assert withdraw(console, record["handoff_id"]).json()["outcome"] == "withdrawn"


def test_an_urgent_or_claimed_request_cannot_be_withdrawn(
    console: ConsoleProcess, sam: StaffClient
) -> None:
    urgent = new_item(console, reason="crisis", priority="urgent", team="clinical")
    urgent_id = item_id_for(sam, urgent["conversation_id"])
    assert withdraw(console, urgent["handoff_id"]).json()["outcome"] == "urgent"
    claimed = new_item(console)
    claimed_id = item_id_for(sam, claimed["conversation_id"])
    assert sam.post(f"/api/handoffs/{claimed_id}/claim").status_code == 200
    assert withdraw(console, claimed["handoff_id"]).json()["outcome"] == "claimed"
    still_open = {i["id"]: i["status"] for i in sam.queue()}
    assert still_open[urgent_id] == "waiting" and still_open[claimed_id] == "claimed"


def test_audit_records_who_did_what_and_only_admins_see_it(
    console: ConsoleProcess, sam: StaffClient, ada: StaffClient
) -> None:
    record = new_item(console)
    item_id = item_id_for(sam, record["conversation_id"])
    sam.get(f"/api/handoffs/{item_id}")
    sam.get(f"/api/handoffs/{item_id}")  # re-reads of an open conversation: one "view"
    sam.post(f"/api/handoffs/{item_id}/claim")
    sam.post(f"/api/handoffs/{item_id}/reply", {"text": "Hello"})
    sam.post(f"/api/handoffs/{item_id}/handback")
    sam.post(f"/api/handoffs/{item_id}/resolve")
    assert sam.get("/api/audit").status_code == 403
    response = ada.get("/api/audit", params={"item": item_id})
    assert response.status_code == 200
    entries = response.json()["entries"]
    assert [e["action"] for e in reversed(entries)] == [
        "view",
        "claim",
        "reply",
        "hand_back",
        "resolve",
    ]
    assert {e["username"] for e in entries} == {"sam"}
    assert all(e["conversation_id"] == record["conversation_id"] for e in entries)
    assert "Hello" not in str(entries)  # the audit says what happened, not what was written


def test_canned_replies_are_filled_from_clinic_yml(sam: StaffClient) -> None:
    replies = sam.get("/api/canned-replies").json()["replies"]
    assert len(replies) >= 5
    assert all(r["title"] and r["text"] for r in replies)
    assert not any("{main_phone}" in r["text"] for r in replies)


# --- durability ----------------------------------------------------------------------------------


def test_a_restart_keeps_the_queue_its_state_and_history(
    console: ConsoleProcess, sam: StaffClient, ada: StaffClient
) -> None:
    waiting = new_item(console, priority="high", reason="medical_advice")
    claimed = new_item(console)
    claimed_id = item_id_for(sam, claimed["conversation_id"])
    sam.post(f"/api/handoffs/{claimed_id}/reply", {"text": "Kept after restart"})
    before = {i["id"]: i for i in sam.queue()}

    console.restart()

    after = {i["id"]: i for i in sam.queue()}  # the session survives too
    assert set(after) == set(before)
    assert after[claimed_id]["status"] == "claimed"
    assert after[claimed_id]["claimed_by"]["name"] == "Sam R."
    assert any(i["conversation_id"] == waiting["conversation_id"] for i in after.values())
    detail = sam.get(f"/api/handoffs/{claimed_id}").json()
    assert detail["staff_messages"][0]["text"] == "Kept after restart"
    assert any(e["action"] == "reply" for e in ada.get("/api/audit").json()["entries"])
    # and a retry of an already delivered record is still recognised
    assert send_handoff(console, claimed).json()["duplicate"] is True


def test_the_queue_lives_in_the_configured_database(console: ConsoleProcess) -> None:
    """CONSOLE_DB_URL is really used (no silent fall-back to a SQLite file in DATA_DIR)."""
    record = new_item(console)
    store = Store(console.env["CONSOLE_DB_URL"])
    try:
        assert store.open_item_for(record["conversation_id"]) is not None
        assert {u.username for u in store.list_users()} >= {"ada", "sam", "kim"}
    finally:
        store.close()
    if console.env["CONSOLE_DB_URL"].startswith("postgresql"):
        assert not list(console.data_dir.glob("*.sqlite3"))


def test_create_user_refuses_duplicates_and_short_passwords(console: ConsoleProcess) -> None:
    again = create_user(console.env, "sam")
    assert again.returncode == 1 and "exists" in again.stdout
    short = create_user(console.env, "newbie", password="short")
    assert short.returncode != 0 and "at least" in (short.stdout + short.stderr)
