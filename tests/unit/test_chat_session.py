"""Web chat: signed session tokens and the transcript a returning browser is shown."""

from addons.chat_tokens import SessionSigner
from addons.chat_transcript import transcript_messages
from addons.socketio_channel import staff_fields


def test_a_session_resumes_only_with_its_own_token() -> None:
    signer = SessionSigner("secret")
    session_id, token = signer.issue()
    other_id, other_token = signer.issue()
    assert signer.verify(session_id, token)
    assert not signer.verify(session_id, None)
    assert not signer.verify(session_id, "")
    assert not signer.verify(session_id, other_token)
    assert not signer.verify(other_id, token)
    assert not signer.verify(session_id, token[:-1] + ("A" if token[-1] != "A" else "B"))
    assert not SessionSigner("another secret").verify(session_id, token)


def test_tokens_expire_and_odd_input_is_refused() -> None:
    signer = SessionSigner("secret", max_age_seconds=3600)
    session_id = "0" * 32
    token = signer.token_for(session_id, now=1_000_000)
    assert signer.verify(session_id, token, now=1_000_000 + 3599)
    assert not signer.verify(session_id, token, now=1_000_000 + 3601)
    for bad_id in ("", "../../etc", "A" * 32, 42, None, "0" * 31):
        assert not signer.verify(bad_id, token, now=1_000_000)
    for bad_token in ("nodot", "zz.abc", "1.2.3", 12, ["x"]):
        assert not signer.verify(session_id, bad_token, now=1_000_000)


def test_without_a_secret_sessions_are_still_unforgeable() -> None:
    one, two = SessionSigner(""), SessionSigner("")
    session_id, token = one.issue()
    assert one.verify(session_id, token)
    assert not two.verify(session_id, token)


def test_staff_fields_are_forwarded_only_for_staff_messages() -> None:
    assert staff_fields({"from_staff": True, "staff_name": "Alex"}) == {
        "from_staff": True,
        "staff_name": "Alex",
    }
    assert staff_fields({"staff_name": "Alex"}) == {}
    assert staff_fields({}) == {}


def _bot(text: str, buttons: list | None = None, **metadata: object) -> dict:
    return {"event": "bot", "text": text, "data": {"buttons": buttons}, "metadata": metadata}


def test_transcript_shows_the_current_session_with_button_titles() -> None:
    buttons = [{"title": "Billing", "payload": "/billing_balance"}]
    events = [
        {"event": "user", "text": "old session message"},
        {"event": "session_started"},
        {"event": "action", "name": "action_listen"},
        {"event": "user", "text": "/greet"},
        _bot("Hi, how can I help?", buttons),
        {"event": "user", "text": "/billing_balance"},
        _bot("Your balance is on the portal."),
        {"event": "user", "text": "<script>alert(1)</script>"},
        _bot("Hi, this is Alex.", from_staff=True, staff_name="Alex"),
    ]
    assert transcript_messages(events) == [
        {"sender": "bot", "text": "Hi, how can I help?", "buttons": buttons},
        {"sender": "user", "text": "Billing"},
        {"sender": "bot", "text": "Your balance is on the portal."},
        {"sender": "user", "text": "<script>alert(1)</script>"},
        {"sender": "bot", "text": "Hi, this is Alex.", "from_staff": True, "staff_name": "Alex"},
    ]


def test_transcript_shows_a_replayed_message_once() -> None:
    """The fallback loop replays the patient's clarifying message (same message_id)."""
    events = [
        {"event": "user", "text": "need apptmnt", "message_id": "a"},
        _bot("Did you want to book an appointment?"),
        {"event": "user", "text": "yes", "message_id": "b"},
        {"event": "rewind"},
        {"event": "action", "name": "action_listen"},
        {"event": "user", "text": "yes", "message_id": "b"},
        {"event": "user", "text": "need apptmnt", "message_id": "a"},
        {"event": "user", "text": "yes", "message_id": None},
        {"event": "user", "text": "yes"},
    ]
    assert [m["text"] for m in transcript_messages(events) if m["sender"] == "user"] == [
        "need apptmnt",
        "yes",
        "yes",
        "yes",
    ]


def test_transcript_is_capped() -> None:
    events = [{"event": "user", "text": f"message {i}"} for i in range(150)]
    messages = transcript_messages(events, limit=100)
    assert len(messages) == 100 and messages[-1]["text"] == "message 149"
