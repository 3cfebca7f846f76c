"""Identity checks driven through the real form actions against the embedded FHIR backend:
names compared without punctuation, case, accents or spacing (and nothing else loosened), and
the limit on failed checks naming one person across conversations."""

from __future__ import annotations

import logging
import sqlite3
import threading
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions import identity, patient_match, patient_words
from actions.manage_appointments import ActionShowAppointments, ValidateCheckForm
from actions.mentions import given_identity, relative_identity
from actions.named_others import named_other
from actions.names import capitalised, given_and_family, parse_full_name
from actions.relatives import relation_in, someone_else
from actions.verify_lockout import LockoutStoreError, VerifyLockout, name_key
from actions.writers import introduced_first_name, introduced_name, new_writer
from tests.support.actions import PHONE_SECRET, make_tracker, responses
from tests.support.fhir_servers import FhirServer

MARY_DOB = "07/19/1964"


class Clock:
    def __init__(self) -> None:
        self.now = 1_700_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Clock:
    """The limit store with an injected clock (5 failures, 30 minutes)."""
    now = Clock()
    store = VerifyLockout(tmp_path / "lockout.sqlite3", PHONE_SECRET, 5, 1800, clock=now)
    monkeypatch.setattr(identity, "verification_lockout", lambda: store)
    return now


def verify(
    text: str,
    slots: dict[str, Any] | None = None,
    sender: str = "conv-1",
    intent: str = "inform",
    **kwargs: Any,
) -> tuple[dict[str, Any], list[str]]:
    """One message answering the name question of the check form (name and date of birth)."""
    dispatcher = CollectingDispatcher()
    tracker = make_tracker(
        text,
        intent=intent,
        slots={**(slots or {}), "requested_slot": "verify_name"},
        active_loop="check_form",
        sender_id=sender,
        **kwargs,
    )
    events = ValidateCheckForm().run(dispatcher, tracker, {})
    slots_set = {e["name"]: e["value"] for e in events if e.get("event") == "slot"}
    return slots_set, responses(dispatcher)


def fail_in_new_conversation(sender: str, name: str, tries: int) -> list[str]:
    said: list[str] = []
    attempts = 0.0
    for n in range(tries):
        slots, reply = verify(f"{name} 01/{n + 1:02d}/1990", {"verify_attempts": attempts}, sender)
        assert "verified" not in slots
        attempts = slots.get("verify_attempts", attempts)
        said += reply
    return said


# --- 1. names: punctuation, case, accents and spacing do not count ----------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Mary Ann OBrien", ("Mary", "Ann OBrien")),
        ("mary ann obrien", ("mary", "ann obrien")),
        ("Mary-Ann O'Brien", ("Mary-Ann", "O'Brien")),
        ("Mary Ann O Brien", ("Mary", "Ann O Brien")),
        ("Mary Ann O\u2019Brien", ("Mary", "Ann O'Brien")),
        ("I\u2019m Mary Ann O\u2019Brien", ("Mary", "Ann O'Brien")),
        ("José Dvořák 1/2/1970", ("José", "Dvořák")),
        ("soy Aisha Khan", ("Aisha", "Khan")),
        ("Maria de la Cruz", ("Maria", "de la Cruz")),
        # words that are names too, when written as a name ("Zoe Park" was a parking question)
        ("Zoe Park", ("Zoe", "Park")),
        ("Bill Ortiz", ("Bill", "Ortiz")),
        # the part of the answer that is a name ("Could you give me the full name" followed)
        ("I already told you, Emily Johnson", ("Emily", "Johnson")),
        ("Santos, Maria", ("Maria", "Santos")),
        # a caregiver's words ("his" lost its "hi" to a greeting, and the question came again)
        ("his name is robert miller and his birthday is nov 2 1950", ("robert", "miller")),
        ("his name is carlos rivera", ("carlos", "rivera")),
        ("my dad robert miller", ("robert", "miller")),
        ("my son is liam nguyen", ("liam", "nguyen")),
        # ...inside a request ("What is the patient's full name?" came next, as if not given)
        (
            "Hello, I am writing on behalf of my elderly father Robert Miller who has an "
            "appointment coming up and he cannot remember the time, could you tell me?",
            ("Robert", "Miller"),
        ),
        ("can you check on my wife Aisha Khan appointment", ("Aisha", "Khan")),
        ("hi, Emily Johnson", ("Emily", "Johnson")),
        # the birth date day first, in Spanish or English ("Could you give me the full name")
        ("carlos rivera 30 de septiembre de 1975", ("carlos", "rivera")),
        ("Emily Johnson 12 April 1988", ("Emily", "Johnson")),
        # a surname that begins like a month, and "new patient" before it (a record was made
        # for "Jo patient": "Marsh 03-14-1990" was read as a date, "patient, Jo" as Last, First)
        ("new patient, Jo Marsh 03-14-1990 555 201 3344", ("Jo", "Marsh")),
        ("Jo Marsh 03-14-1990", ("Jo", "Marsh")),
        ("Maya Septon 5/5/1990", ("Maya", "Septon")),
        ("Maria Santos march 14th 1985", ("Maria", "Santos")),
        # SMS shorthand ("name Ben Cole" was a patient called "name Ben Cole")
        ("name Ben Cole", ("Ben", "Cole")),
        ("my name Ben Cole", ("Ben", "Cole")),
        ("Nameer Khan", ("Nameer", "Khan")),
    ],
)
def test_names_with_any_apostrophe_hyphen_or_accent_are_read(
    text: str, expected: tuple[str, str]
) -> None:
    assert parse_full_name(text) == expected


@pytest.mark.parametrize(
    "name",
    [
        "Mary Ann O'Brien",
        "Mary Ann OBrien",
        "mary ann obrien",
        "Mary-Ann O'Brien",
        "Mary Ann O Brien",
        "Mary Ann O\u2019Brien",
        "MARY ANN O\u2018BRIEN",
        "Mary O'Brien",
    ],
)
def test_mary_ann_obrien_is_verified_however_written(fhir_env: FhirServer, name: str) -> None:
    slots, said = verify(f"{name} {MARY_DOB}")
    assert slots["verified"] is True, name
    assert slots["patient_name"] == "Mary Ann O'Brien"
    assert said == ["utter_verified"]


def test_accents_do_not_count_either_way(fhir_env: FhirServer) -> None:
    client = fhir_env.client()
    created = client.create_patient("José", "Núñez-Álvarez", date(1971, 3, 4))
    for name in ("Jose Nunez-Alvarez", "José Núñez Álvarez", "jose nunezalvarez"):
        slots, _ = verify(f"{name} 03/04/1971")
        assert slots["verified"] is True and slots["patient_id"] == created.id, name
    slots, _ = verify("Emíly Jóhnson 04/12/1988")
    assert slots["verified"] is True


@pytest.mark.parametrize(
    ("text", "patient"),
    [
        # A middle initial or name the record does not hold: "I couldn't match those
        # details" three times, then handed to staff.
        ("Emily R Johnson 04/12/1988", "Emily Johnson"),
        ("Robert J. Miller 11/02/1950", "Robert Miller"),
        ("Robert James Miller 11/02/1950", "Robert Miller"),
        # an initial that is also a word ("a", "I"): the whole was no name
        ("Emily A Johnson 04/12/1988", "Emily Johnson"),
        ("robert i. miller 11/02/1950", "Robert Miller"),
        # a title or a suffix
        ("Mr. Robert Miller 11/02/1950", "Robert Miller"),
        ("Carlos Rivera Jr. 09/30/1975", "Carlos Rivera"),
    ],
)
def test_a_middle_initial_title_or_suffix_is_not_on_the_record(
    fhir_env: FhirServer, text: str, patient: str
) -> None:
    slots, said = verify(text)
    assert slots["verified"] is True and slots["patient_name"] == patient, text
    assert said == ["utter_verified"]


@pytest.mark.parametrize(
    "text",
    [
        "Mary Ann OBrien 07/19/1965",  # date of birth off by a year
        "Mary Ann OBrien 07/20/1964",  # off by a day
        "Mary Anne OBrien 07/19/1964",  # another given name
        "Mary Ann OBrian 07/19/1964",  # another family name
        "Mary Ann OBriens 07/19/1964",  # no prefix matches
        "Ann Mary OBrien 07/19/1964",
        "Emily Johnson 07/19/1964",  # another patient's name
        "Mary Jane OBrien 07/19/1964",  # a middle name other than the record's
        "Emily R Johnson 04/12/1989",  # a middle initial does not loosen the birth date
    ],
)
def test_nothing_else_is_loosened(fhir_env: FhirServer, text: str) -> None:
    slots, said = verify(text)
    assert "verified" not in slots and "patient_id" not in slots
    assert said == ["utter_verification_no_match"]  # never which detail was wrong


def test_two_patients_whose_names_differ_only_in_punctuation_are_no_match(
    fhir_env: FhirServer,
) -> None:
    client = fhir_env.client()
    client.create_patient("Sam", "O'Neil", date(1980, 8, 8))
    client.create_patient("Sam", "ONeil", date(1980, 8, 8))
    for name in ("Sam O'Neil", "Sam ONeil"):
        slots, said = verify(f"{name} 08/08/1980")
        assert "verified" not in slots and said == ["utter_verification_no_match"]


def test_sms_still_needs_the_number_on_file(fhir_env: FhirServer) -> None:
    from actions.phone import phone_hash

    on_file = {"phone_hash": phone_hash("+19165550128", PHONE_SECRET)}
    slots, _ = verify(f"Mary Ann OBrien {MARY_DOB}", channel="twilio", metadata=on_file)
    assert slots["verified"] is True
    other = {"phone_hash": phone_hash("+19165550999", PHONE_SECRET)}
    slots, said = verify(f"Mary Ann OBrien {MARY_DOB}", channel="twilio", metadata=other)
    assert "verified" not in slots and said == ["utter_verification_no_match_sms"]


# --- 2. the limit per person named, across conversations --------------------------------------


def test_limit_holds_across_conversations_and_resets_after_the_window(
    fhir_env: FhirServer, clock: Clock
) -> None:
    # Conversation 1: three wrong dates of birth, then staff (the per-conversation limit).
    assert fail_in_new_conversation("conv-1", "Mary Ann O'Brien", 3) == [
        "utter_verification_no_match",
        "utter_verification_no_match",
        "utter_verification_failed",
    ]
    # Conversation 2, same person spelled differently: two more failures make five.
    clock.now += 60
    assert fail_in_new_conversation("conv-2", "mary-ann obrien", 2) == [
        "utter_verification_no_match",
        "utter_verification_no_match",
    ]
    locked_at = clock.now
    # Conversation 3: even the right date of birth is refused, exactly like a last failed try.
    clock.now += 60
    slots, said = verify(f"Mary Ann O\u2019Brien {MARY_DOB}", sender="conv-3")
    assert said == ["utter_verification_failed"]
    assert slots["escalation_reason"] == "verification_failed"
    assert "verified" not in slots and "patient_id" not in slots
    assert slots["verify_name"] is None and slots["verify_dob"] is None
    # Another patient is not affected.
    slots, _ = verify("Emily Johnson 04/12/1988", sender="conv-4")
    assert slots["verified"] is True
    # Still refused one second before the 30 minutes are over, verified after them.
    clock.now = locked_at + 1800 - 1
    slots, said = verify(f"Mary Ann OBrien {MARY_DOB}", sender="conv-5")
    assert said == ["utter_verification_failed"] and "verified" not in slots
    clock.now += 2
    slots, said = verify(f"Mary Ann OBrien {MARY_DOB}", sender="conv-6")
    assert slots["verified"] is True and said == ["utter_verified"]


def test_a_name_with_no_record_is_limited_the_same_way(fhir_env: FhirServer, clock: Clock) -> None:
    """The refusal says nothing about whether the person exists."""
    fail_in_new_conversation("a", "Nobody Atall", 3)
    fail_in_new_conversation("b", "Nobody Atall", 2)
    slots, said = verify("Nobody Atall 01/09/1990", sender="c")
    assert said == ["utter_verification_failed"]
    assert slots["escalation_reason"] == "verification_failed"


def test_failures_older_than_the_window_are_forgotten(fhir_env: FhirServer, clock: Clock) -> None:
    fail_in_new_conversation("a", "Emily Johnson", 2)
    fail_in_new_conversation("b", "Emily Johnson", 2)
    clock.now += 1800
    fail_in_new_conversation("c", "Emily Johnson", 2)
    slots, _ = verify("Emily Johnson 04/12/1988", sender="d")
    assert slots["verified"] is True


def test_success_clears_earlier_failures(fhir_env: FhirServer, clock: Clock) -> None:
    fail_in_new_conversation("a", "Emily Johnson", 3)
    slots, _ = verify("Emily Johnson 04/12/1988", sender="b")
    assert slots["verified"] is True
    fail_in_new_conversation("c", "Emily Johnson", 3)
    slots, _ = verify("Emily Johnson 04/12/1988", sender="d")
    assert slots["verified"] is True


def test_the_new_patient_path_counts_and_is_limited_too(fhir_env: FhirServer, clock: Clock) -> None:
    steps = identity.IdentitySteps()
    slots = {"verify_name": "Mary Ann O'Brien", "new_phone": "+19165550177"}

    def check_as_new(dob: str) -> tuple[dict[str, Any], list[str]]:
        dispatcher = CollectingDispatcher()
        tracker = make_tracker(dob, intent="inform", active_loop="booking_form")
        updates = steps.extract_identity(
            dispatcher, tracker, dict(slots), "verify_dob", new_patient=True
        )
        return updates, responses(dispatcher)

    for n in range(5):
        updates, said = check_as_new(f"01/{n + 1:02d}/1990")
        assert said == [] and "verified" not in updates  # a new patient, as before
    updates, said = check_as_new(MARY_DOB)
    assert said == ["utter_verification_failed"] and "verified" not in updates
    assert updates["escalation_reason"] == "verification_failed"


def test_counts_survive_a_restart_and_never_hold_the_name(tmp_path: Path) -> None:
    path = tmp_path / "lockout.sqlite3"
    now = Clock()
    first = VerifyLockout(path, "secret", max_failures=3, window_seconds=1800, clock=now)
    assert [first.record_failure("Mary Ann O'Brien") for _ in range(3)] == [False, False, True]
    restarted = VerifyLockout(path, "secret", max_failures=3, window_seconds=1800, clock=now)
    assert restarted.is_locked("MARY-ANN O\u2019BRIEN") and not restarted.is_locked("Emily Jo")
    raw = b"".join(p.read_bytes() for p in tmp_path.iterdir()).lower()
    assert b"obrien" not in raw and b"brien" not in raw and b"mary ann" not in raw
    with sqlite3.connect(path) as db:
        [(key,)] = db.execute("SELECT name_key FROM verify_failures").fetchall()
    assert key == name_key("mary ann obrien", "secret") != name_key("mary ann obrien", "other")


def test_concurrent_failures_are_all_counted(tmp_path: Path) -> None:
    path = tmp_path / "lockout.sqlite3"
    now = Clock()
    VerifyLockout(path, "secret", max_failures=80, clock=now)
    results: list[bool] = []

    def worker() -> None:
        store = VerifyLockout(path, "secret", max_failures=80, clock=now)
        results.extend(store.record_failure("Emily Johnson") for _ in range(10))

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(results) == 80 and results.count(True) == 1
    assert VerifyLockout(path, "secret", clock=now).is_locked("Emily Johnson")


def test_store_unavailable_checks_nothing(
    fhir_env: FhirServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken() -> VerifyLockout:
        raise LockoutStoreError("verification limit store cannot be opened")

    monkeypatch.setattr(identity, "verification_lockout", broken)
    slots, _ = verify(f"Mary Ann O'Brien {MARY_DOB}")
    assert slots["backend_error"] is True and "verified" not in slots


def test_no_patient_details_in_logs(
    fhir_env: FhirServer, clock: Clock, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    fail_in_new_conversation("a", "Mary Ann O'Brien", 3)
    fail_in_new_conversation("b", "Mary Ann O'Brien", 3)
    verify(f"Mary Ann O'Brien {MARY_DOB}", sender="c")
    logged = caplog.text.lower()
    assert "brien" not in logged and "mary" not in logged
    assert "1964" not in logged and "1990" not in logged
    assert name_key("Mary Ann O'Brien", PHONE_SECRET) not in logged


@pytest.mark.parametrize(
    "text",
    [
        "i dont want to give my name",
        "why do you need it",
        "I'd rather not say",
        # the same question came back, every time
        "no thanks",
        "i said no",
    ],
)
def test_a_refusal_or_why_gets_the_reason_and_other_ways(text: str) -> None:
    # The same name question used to come back, word for word, to "why do you need it".
    slots, said = verify(text)
    assert said == ["utter_why_identity"]
    assert slots["verify_name"] is None and slots["requested_slot"] == "verify_name"


WHY_SAID = [
    {"event": "active_loop", "name": "check_form"},
    {"event": "bot", "text": "I ask...", "metadata": {"utter_action": "utter_why_identity"}},
]


@pytest.mark.parametrize("text", ["no i'd rather not", "no", "why?", "i dont want to give it"])
def test_a_second_refusal_ends_the_check_kindly(text: str) -> None:
    # "why" - (why, and the question) - "no i'd rather not" got the same paragraph and the same
    # question again, as many times as the patient said no.
    slots, said = verify(text, events=WHY_SAID)
    assert said == ["utter_identity_declined"]
    assert slots["identity_declined"] is True and slots["requested_slot"] is None


def test_the_reason_given_in_an_earlier_task_does_not_count() -> None:
    earlier = [*WHY_SAID, {"event": "active_loop", "name": None}]
    earlier += [{"event": "active_loop", "name": "balance_form"}]
    slots, said = verify("no", events=earlier)
    assert said == ["utter_why_identity"]
    assert slots["requested_slot"] == "verify_name"


def test_after_a_refusal_the_task_ends_without_another_message() -> None:
    # (utter_identity_declined said what happens instead; a balance question kept for after the
    # check is dropped, not asked for a name again)
    pending = {"text": "and what do i owe", "intent": "billing_balance"}
    dispatcher = CollectingDispatcher()
    tracker = make_tracker("no", slots={"identity_declined": True, "pending_request": pending})
    events = ActionShowAppointments().run(dispatcher, tracker, {})
    assert dispatcher.messages == []
    assert {"event": "slot", "timestamp": None, "name": "identity_declined", "value": None} in (
        events
    )
    assert {"event": "slot", "timestamp": None, "name": "pending_request", "value": None} in (
        events
    )
    assert not [e for e in events if e.get("event") == "user"]


def test_after_a_refusal_a_general_question_kept_for_later_is_answered() -> None:
    pending = {"text": "where do i park", "intent": "parking"}
    tracker = make_tracker("no", slots={"identity_declined": True, "pending_request": pending})
    events = ActionShowAppointments().run(CollectingDispatcher(), tracker, {})
    replay = [e for e in events if e.get("event") == "user"]
    assert [e["text"] for e in replay] == ["where do i park"]


def test_a_refusal_read_as_out_of_scope_is_still_answered_by_the_form() -> None:
    # The model read "i dont want to give my name" as out_of_scope, which let it through to
    # the out-of-scope reply, and the same name question followed.
    tracker = make_tracker(
        "i dont want to give my name",
        intent="out_of_scope",
        confidence=0.9,
        active_loop="check_form",
        slots={"requested_slot": "verify_name"},
    )
    dispatcher = CollectingDispatcher()
    events = ValidateCheckForm().run(dispatcher, tracker, {})
    assert responses(dispatcher) == ["utter_why_identity"]
    assert {"event": "slot", "timestamp": None, "name": "verify_name", "value": None} in events


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Hi my name is Emily Johnson, what's my balance?", ("Emily", "Johnson")),
        ("my name is emily johnson and i need to cancel", ("emily", "johnson")),
        ("Hi, this is Carlos Rivera calling about my bill", ("Carlos", "Rivera")),
        ("I'm Mary Ann O\u2019Brien and I want to book", ("Mary", "Ann O'Brien")),
        ("Hi I'm Emily Johnson dob 4/12/1988 what do I owe", ("Emily", "Johnson")),
        ("Hi it's Carlos Rivera, when's my appt?", ("Carlos", "Rivera")),
        ("hi, Emily Johnson here, i need to resched my physical", ("Emily", "Johnson")),
        ("It's Really Urgent", None),
        # In lower case, as often typed on a phone (he was asked for his name again)
        ("hi this is robert miller, i need to move my appointment", ("robert", "miller")),
        ("i'm emily johnson", ("emily", "johnson")),
        ("its liam nguyen, my balance", ("liam", "nguyen")),
        # Not introductions: how someone is, in any case, or not a name at all.
        ("I'm running late for my appointment", None),
        ("im super tired, can i book", None),
        ("im so sorry, i need to cancel", None),
        ("this is really frustrating, i need help", None),
        ("im kinda worried, is it bad", None),
        ("this is urgent please, call me", None),
        ("im on medicare, do you take it", None),
        ("I am looking to book a physical", None),
        ("This is a question about my bill", None),
        ("my name is emily", None),
    ],
)
def test_a_name_said_in_passing(text: str, name: tuple[str, str] | None) -> None:
    assert introduced_name(text) == name


def test_a_name_given_with_the_request_is_not_asked_again() -> None:
    dispatcher = CollectingDispatcher()
    tracker = make_tracker(
        "Hi my name is Emily Johnson, what are my appointments?", intent="check_appointment"
    )
    events = ValidateCheckForm().run(dispatcher, tracker, {})
    assert [(e["name"], e["value"]) for e in events] == [
        ("verify_name", "Emily Johnson"),
        ("requested_slot", "verify_dob"),
    ]
    assert dispatcher.messages == []
    # A parent's own name is not the patient's.
    tracker = make_tracker(
        "Hi, this is Maria Lopez, when is my son's appointment?", intent="check_appointment"
    )
    events = ValidateCheckForm().run(CollectingDispatcher(), tracker, {})
    assert [(e["name"], e["value"]) for e in events] == [("requested_slot", "verify_name")]


@pytest.mark.parametrize(
    ("text", "first"),
    [
        ("this is Carlos, i need to move my appt", "Carlos"),
        ("Carlos here, need to resched", "Carlos"),
        ("hi my name is emily and i need a checkup", "Emily"),
        ("Hi it's Aisha", "Aisha"),
        # how the writer is, capitalised as if a name; a relative's name; a full name
        ("I'm Pregnant, can i book a visit", None),
        ("I'm Confused", None),
        ("This is Ridiculous", None),
        ("its Carlos's appt i need to move", None),
        ("this is carlos", None),
        # typed on a phone: a greeting, the name, a comma (the last name was asked for, and
        # "rivera" taken as a first name)
        ("hey its carlos, whats my balance", "Carlos"),
        ("hi im aisha, need to reschedule", "Aisha"),
        ("hey its bad, my bill is wrong", None),
        ("hi im good, can i book a checkup", None),
        ("its carlos, whats my balance", None),
        ("I'm Carlos Rivera", None),
    ],
)
def test_a_first_name_said_in_passing(text: str, first: str | None) -> None:
    assert introduced_first_name(text) == first


def test_a_first_name_given_with_the_request_is_kept_and_the_last_name_asked() -> None:
    """ "this is Carlos, when is my next appt" was asked "What is the patient's full name?",
    and "Carlos" typed again: "Thanks, Carlos ... What is your last name?" instead."""
    tracker = make_tracker("this is Carlos, when is my next appt", intent="check_appointment")
    events = ValidateCheckForm().run(CollectingDispatcher(), tracker, {})
    assert [(e["name"], e["value"]) for e in events] == [
        ("partial_name", "Carlos"),
        ("last_name_asked", True),
        ("requested_slot", "verify_name"),
    ]
    slots = {e["name"]: e["value"] for e in events}
    answered, said = verify("Rivera", slots)
    assert answered["verify_name"] == "Carlos Rivera" and said == []
    assert (answered["partial_name"], answered["last_name_asked"]) == (None, False)
    # ...or in a greeting of its own just before
    greeted = [
        {"event": "user", "text": "hi this is Carlos", "parse_data": {"intent": {"name": "greet"}}},
        {"event": "bot", "text": "Hi! How can I help?"},
    ]
    tracker = make_tracker("when is my next appt", intent="check_appointment", events=greeted)
    events = ValidateCheckForm().run(CollectingDispatcher(), tracker, {})
    assert ("partial_name", "Carlos") in [(e["name"], e["value"]) for e in events]
    # ...not for a son's visit: the writer is not the patient
    tracker = make_tracker("this is Carlos, when is my son's appt", intent="check_appointment")
    events = ValidateCheckForm().run(CollectingDispatcher(), tracker, {})
    assert [(e["name"], e["value"]) for e in events] == [("requested_slot", "verify_name")]


def test_a_date_of_birth_at_the_name_question_is_kept_and_said_to_be() -> None:
    # ("9/30/75" got the name question again, as if it was not read)
    answered, said = verify("9/30/75")
    assert (answered["verify_dob"], answered["verify_name"]) == ("1975-09-30", None)
    assert said == ["utter_dob_noted"]
    # a first name with it: "Thanks. And the last name?" says enough
    answered, said = verify("carlos 9/30/75")
    assert (answered["partial_name"], answered["verify_dob"]) == ("Carlos", "1975-09-30")
    assert said == []
    # and once kept, not said again
    _, said = verify("9/30/1975", {"verify_dob": "1975-09-30", "identity_reask": True})
    assert "utter_dob_noted" not in said


def said_first(text: str) -> list[dict[str, Any]]:
    """The patient's first message, and the name question it got."""
    return [
        {"event": "action", "name": "action_listen"},
        {"event": "user", "text": text, "parse_data": {"text": text, "entities": []}},
        {"event": "active_loop", "name": "check_form"},
        {"event": "bot", "text": "What is the patient's full name (first and last)?"},
        {"event": "action", "name": "action_listen"},
    ]


@pytest.mark.parametrize(
    ("first", "name"),
    [
        ("hi its emily johnson, when is my appt", "emily johnson"),
        ("this is carlos rivera when is my appointment", "carlos rivera"),
        # not the patient, or no name said
        ("hi this is maria lopez, when is my sons appt", None),
        ("when is my appt", None),
    ],
)
def test_i_just_told_you_at_the_name_question_reads_the_name_said_before(
    first: str, name: str | None
) -> None:
    """ "hi its emily johnson, when is my appt" (a name in lower case after "its" is not
    read as one: "im running late") - "...full name?" - "i just told you": "Sorry, I didn't
    catch that", and the name asked for a second time."""
    tracker = make_tracker(
        "i just told you",
        intent="out_of_scope",
        slots={"requested_slot": "verify_name"},
        active_loop="check_form",
        events=said_first(first),
    )
    dispatcher = CollectingDispatcher()
    events = ValidateCheckForm().run(dispatcher, tracker, {})
    if name is None:
        assert responses(dispatcher) == ["utter_sorry_not_caught"]
        assert [(e["name"], e["value"]) for e in events] == [
            ("verify_name", None),
            ("requested_slot", "verify_name"),
        ]
        return
    assert dispatcher.messages == []
    assert [(e["name"], e["value"]) for e in events] == [
        ("verify_name", name),
        ("requested_slot", "verify_dob"),
    ]


def test_the_first_run_is_told_apart_as_rasa_calls_it() -> None:
    """Rasa writes the form's active_loop event before it asks for the first validation, so
    the form is already "active" then; only the events say it has just started."""
    text = "Hi, this is Mary Ann O'Brien. When is my appointment?"
    latest = {
        "text": text,
        "intent": {"name": "check_appointment", "confidence": 0.98},
        "entities": [],
    }
    tracker = Tracker(
        sender_id="live",
        slots={"verified": False, "requested_slot": None},
        latest_message=latest,
        events=[
            {"event": "action", "name": "action_listen"},
            {"event": "user", "text": text, "parse_data": latest},
            {"event": "user_featurization", "use_text_for_featurization": False},
            {"event": "active_loop", "name": "check_form"},
            {"event": "slot", "name": "requested_slot", "value": None},
            {"event": "action", "name": "check_form"},
        ],
        paused=False,
        followup_action=None,
        active_loop={"name": "check_form"},
        latest_action_name="check_form",
    )
    form = ValidateCheckForm()
    assert form.starting(tracker)
    events = form.run(CollectingDispatcher(), tracker, {})
    assert [(e["name"], e["value"]) for e in events] == [
        ("verify_name", "Mary Ann O'Brien"),
        ("requested_slot", "verify_dob"),
    ]
    # The next message is not a first run.
    later = make_tracker(
        "07/19/1964",
        intent="inform",
        active_loop="check_form",
        slots={"requested_slot": "verify_dob"},
        events=tracker.events,
    )
    assert not form.starting(later)


def introduced_first(intent: str, between: list[dict[str, Any]] | None = None) -> list[dict]:
    """The patient said only who they are, and the bot asked what they need."""
    text = f"Hi, this is Mary Ann O'Brien, {MARY_DOB}"
    return [
        {"event": "action", "name": "action_listen"},
        {
            "event": "user",
            "text": text,
            "parse_data": {"text": text, "intent": {"name": intent}, "entities": []},
        },
        *(between or []),
        {"event": "action", "name": "utter_how_can_help"},
        {"event": "bot", "text": "What can I help you with?"},
        {"event": "action", "name": "action_listen"},
    ]


@pytest.mark.parametrize("request_text", ["when is my appointment?", "/check_appointment"])
def test_who_the_patient_said_they_are_just_before_is_not_asked_again(
    fhir_env: FhirServer, request_text: str
) -> None:
    dispatcher = CollectingDispatcher()
    tracker = make_tracker(
        request_text, intent="check_appointment", events=introduced_first("inform")
    )
    slots = {e["name"]: e["value"] for e in ValidateCheckForm().run(dispatcher, tracker, {})}
    assert slots["verified"] is True and slots["patient_name"] == "Mary Ann O'Brien"
    assert responses(dispatcher) == ["utter_verified"]


def question_between(intent: str, *more: dict[str, Any]) -> list[dict[str, Any]]:
    """A plain question asked and answered after the introduction."""
    return [
        {
            "event": "user",
            "text": "what time do you open",
            "parse_data": {"text": "what time do you open", "intent": {"name": intent}},
        },
        *more,
        {"event": "action", "name": "action_clinic_hours"},
        {"event": "bot", "text": "Downtown Clinic: 8am-7pm"},
        {"event": "action", "name": "action_listen"},
    ]


def test_an_introduction_holds_over_a_plain_question_answered_since(
    fhir_env: FhirServer,
) -> None:
    """ "Hi, this is Emily Johnson dob 04/12/1988" ("Thanks, Emily") - "what time do you
    open" - "what do i owe": the name was asked for again."""
    events = [*introduced_first("inform"), *question_between("clinic_hours")]
    tracker = make_tracker("when is my appointment?", intent="check_appointment", events=events)
    dispatcher = CollectingDispatcher()
    slots = {e["name"]: e["value"] for e in ValidateCheckForm().run(dispatcher, tracker, {})}
    assert slots["verified"] is True and slots["patient_name"] == "Mary Ann O'Brien"
    # ...not over a task begun in between, nor a message asking something else
    for between in (
        question_between("clinic_hours", {"event": "active_loop", "name": "directions_form"}),
        question_between("billing_dispute"),
    ):
        tracker = make_tracker(
            "when is my appointment?",
            intent="check_appointment",
            events=[*introduced_first("inform"), *between],
        )
        events = ValidateCheckForm().run(CollectingDispatcher(), tracker, {})
        assert [(e["name"], e["value"]) for e in events] == [("requested_slot", "verify_name")]


def test_details_in_an_unclear_message_just_before_count(fhir_env: FhirServer) -> None:
    """ "hey its mary ann o'brien 7/19/1964, something something" (unsure: "Did you want
    to ...?") - "when is my appointment?": her name was asked for again."""
    tracker = make_tracker(
        "when is my appointment?",
        intent="check_appointment",
        events=introduced_first("nlu_fallback"),
    )
    slots = {
        e["name"]: e["value"] for e in ValidateCheckForm().run(CollectingDispatcher(), tracker, {})
    }
    assert slots["verified"] is True and slots["patient_name"] == "Mary Ann O'Brien"


@pytest.mark.parametrize(
    ("intent", "between", "text"),
    [
        ("billing_dispute", [], "when is my appointment?"),  # that message asked something
        ("inform", [{"event": "session_started"}], "when is my appointment?"),  # a new session
        ("inform", [], "when is my son's appointment?"),  # about someone else
    ],
)
def test_an_earlier_introduction_counts_only_right_before(
    fhir_env: FhirServer, intent: str, between: list[dict[str, Any]], text: str
) -> None:
    tracker = make_tracker(
        text, intent="check_appointment", events=introduced_first(intent, between)
    )
    events = ValidateCheckForm().run(CollectingDispatcher(), tracker, {})
    assert [(e["name"], e["value"]) for e in events] == [("requested_slot", "verify_name")]


@pytest.mark.parametrize(
    "text",
    [
        "22 de enero 1992",
        "his mom",
        "my son Liam",
        "where park",
        "Pay Bill",
        "zoe park",
        "in 2 weeks",
        "maybe in a month",
        "necesito un intérprete",
        "hablo español",
        "My 4 year old needs a doctor. Earliest available please, any location.",
        "noah too",  # "book my other son noah too" booked a "Noah Too"
        "noah also",
        # a new patient was made called "Ages And"
        "i need flu shots for my 2 kids, ages 6 and 9, both new. can they go back to back?",
        "both kids",
    ],
)
def test_not_a_name(text: str) -> None:
    # "22 de enero 1992" answered the name question and was taken as the name: a failed check.
    assert parse_full_name(text) is None


def details_answered(texts: tuple[str, ...], by: str, reply: str) -> list[dict[str, Any]]:
    """Messages of details (read as ``inform``), each answered by the action ``by``."""
    events: list[dict[str, Any]] = [{"event": "action", "name": "action_listen"}]
    for text in texts:
        events += [
            {
                "event": "user",
                "text": text,
                "parse_data": {"text": text, "intent": {"name": "inform"}, "entities": []},
            },
            {"event": "action", "name": by},
            {"event": "bot", "text": reply},
            {"event": "action", "name": "action_listen"},
        ]
    return events


def test_a_name_and_a_birth_date_sent_in_two_messages_before_the_request_count(
    fhir_env: FhirServer,
) -> None:
    texts = ("Mary Ann O'Brien", MARY_DOB)
    events = details_answered(texts, "utter_how_can_help", "What can I help you with?")
    dispatcher = CollectingDispatcher()
    tracker = make_tracker("when is my appointment", intent="check_appointment", events=events)
    slots = {e["name"]: e["value"] for e in ValidateCheckForm().run(dispatcher, tracker, {})}
    assert slots["verified"] is True and slots["patient_name"] == "Mary Ann O'Brien"


def test_answers_a_form_took_are_no_introduction(fhir_env: FhirServer) -> None:
    """ "what do i owe" - "Emily Johnston" - "04/12/1988" (no match: "Could you give me the
    full name?") - "ok what about my appointments": the details that had just failed were
    checked again, and a second failed try counted, with no name typed."""
    tracker = make_tracker(
        "ok what about my appointments",
        intent="check_appointment",
        events=details_answered(("Emily Johnston", "04/12/1988"), "balance_form", "Thank you."),
        slots={"verify_attempts": 1.0, "tried_name": "Emily Johnston"},
    )
    dispatcher = CollectingDispatcher()
    events = ValidateCheckForm().run(dispatcher, tracker, {})
    assert [(e["name"], e["value"]) for e in events] == [("requested_slot", "verify_name")]
    assert responses(dispatcher) == []


@pytest.mark.parametrize(
    ("text", "name"),
    [
        # Was "Johnson balance": a patient with no record, and a failed check counted.
        ("Emily Johnson 4/12/1988 balance", ("Emily", "Johnson")),
        ("balance for Emily Johnson 4/12/1988", ("Emily", "Johnson")),
        ("pay bill Emily Johnson 04/12/1988", ("Emily", "Johnson")),
        ("need to resched my appt aisha khan 1/22/92", ("aisha", "khan")),
        # Better no name than a wrong one.
        ("hi i need to know what my son liam nguyen owes, dob 06/05/2017", None),
        # was asked again ("ann o'brien and my" read as a name once "and my" was dropped)
        (
            "my name is mary ann o'brien and my birthday is july 19 1964. how much do i owe",
            ("mary", "ann o'brien"),
        ),
        ("his name is robert miller and his birthday is nov 2 1950", ("robert", "miller")),
        # a new patient's first message (records were made for "Jo patient", "name Ben Cole")
        ("new patient, Jo Marsh 03-14-1990 555 201 3344, need a physical", ("Jo", "Marsh")),
        ("first visit, name Ben Cole dob 14 March 1990", ("Ben", "Cole")),
    ],
)
def test_the_name_given_with_a_birth_date_and_a_request(
    text: str, name: tuple[str, str] | None
) -> None:
    found = given_identity(text, date(2026, 11, 30))
    assert (found[0] if found else None) == name


@pytest.mark.parametrize(
    ("text", "name"),
    [
        # Both asked for the full name again, as if nothing had been given.
        ("how much does my mom owe, Mary Ann O'Brien 7/19/64", ("Mary", "Ann O'Brien")),
        ("my son liam nguyen has a bill, dob 06/05/2017. how much", ("liam", "nguyen")),
        (
            "whats the earliest my kid can be seen? Liam Nguyen dob 6/5/2017 he has a fever",
            ("Liam", "Nguyen"),
        ),
        (
            "I'm calling about my dad's bill. His name is Carlos Rivera, born 09/30/1975",
            ("Carlos", "Rivera"),
        ),
        (
            "my sister Emily Johnson asked me to check her bill, her birthday is 4/12/1988",
            ("Emily", "Johnson"),
        ),
        (
            "My sister Mary Ann O'Brien needs her balance, her birthday is 7/19/1964",
            ("Mary", "Ann O'Brien"),
        ),
        # "couldn't match those details": the possessive was part of the name
        ("hi, when is my son Liam Nguyen's next checkup? dob 6/5/2017", ("Liam", "Nguyen")),
        # the name was asked for again ("her name is" read as the writer's own)
        (
            "is my mothers appointment still on? her name is Mary Ann O'Brien, dob 07/19/1964",
            ("Mary", "Ann O'Brien"),
        ),
        # The writer's own details, not the relative's: introduced, before the relation, or
        # a birth date that does not fit ("my son", 38 years old).
        ("I'm his mom, Emily Johnson 4/12/1988, when is my son's appointment", None),
        ("Emily Johnson 4/12/1988, can I book my son for a checkup", None),
        ("what does my son owe? Emily Johnson 4/12/1988", None),
        ("my son has a bill, dob 06/05/2017", None),
    ],
)
def test_the_relative_named_with_a_birth_date(text: str, name: tuple[str, str] | None) -> None:
    found = relative_identity(text, date(2026, 11, 30))
    assert (found[0] if found else None) == name


@pytest.mark.parametrize(
    ("text", "other"),
    [
        # Emily verified, her son's bill asked about by his first name: his, not hers ("what
        # does liam owe" showed Emily's $85).
        ("what does liam owe", "Liam"),
        ("and does liam owe anything", "Liam"),
        ("ok and liam?", "Liam"),
        ("does liam have an appointment", "Liam"),
        ("what's Liam's balance", "Liam"),
        # without the apostrophe, as typed on phones
        ("what about liams bill", "Liam"),
        ("whats aisha khans balance", "Aisha Khan"),
        ("whats my sons balance", None),
        ("whats emily johnsons balance", None),
        # Emily herself, a pronoun, a clinician, an office, a plan, a common word: no one else
        ("does emily owe anything", None),
        ("what does he owe", None),
        ("what do i owe", None),
        ("does dr patel have an appointment", None),
        ("and north?", None),
        ("and kaiser?", None),
        ("and billing?", None),
        ("ok and thanks", None),
        # a visit of theirs, named by its kind ("can you cancel carlos's checkup monday" offered
        # to cancel Emily's own physical), and no "Move Carlos" (a try lost on that name)
        ("can you cancel carlos's checkup monday", "Carlos"),
        ("ok and can you cancel liam's checkup monday", "Liam"),
        ("reschedule liam's well child visit", "Liam"),
        ("can u move carlos's appt to next week too", "Carlos"),
        ("cancel today's physical", None),
        ("cancel my son's checkup", None),
    ],
)
def test_another_person_asked_about_by_first_name(text: str, other: str | None) -> None:
    assert named_other(text, "Emily Johnson") == other


def test_a_relative_named_with_a_birth_date_is_checked_at_once(fhir_env: FhirServer) -> None:
    text = "when is my mom's appointment? Mary Ann O'Brien 7/19/64"
    tracker = make_tracker(text, intent="check_appointment")
    dispatcher = CollectingDispatcher()
    events = ValidateCheckForm().run(dispatcher, tracker, {})
    slots = {e["name"]: e["value"] for e in events}
    assert slots["verified"] is True and slots["patient_name"] == "Mary Ann O'Brien"
    # "confirmed for Mary Ann", not "Thank you, Mary Ann" to her child
    assert responses(dispatcher) == ["utter_verified_child"]


def test_what_a_parent_is_told_about_their_child_names_the_child() -> None:
    # "You already have a well-child visit on Mon Dec 7" was said to Liam's mother.
    clinic = identity.get_clinic()
    liam = {"patient_name": "Liam Nguyen", "patient_relation": "son", "verified": True}
    emily = {"patient_name": "Emily Johnson", "verified": True}
    assert patient_words.who_has(liam, clinic, "already") == "Liam already has"
    assert patient_words.who_has(emily, clinic, "already") == "You already have"
    assert patient_words.who_has(liam, clinic) == "Liam has"
    assert patient_words.who_has(emily, clinic, "still") == "You still have"


@pytest.mark.parametrize(
    ("text", "verified"),
    [
        # the name was asked for again, and then again after the birth date
        ("is my appointment still on? Mary Ann O'Brien", False),
        (f"what's Mary Ann O'Brien's next appointment? DOB {MARY_DOB}", True),
        # in lower case, as typed on a phone ("What is the patient's full name?" followed)
        (f"when is mary ann o'brien's appointment? dob {MARY_DOB}", True),
    ],
)
def test_a_name_in_a_sentence_of_its_own_or_a_possessive_is_not_asked_again(
    fhir_env: FhirServer, text: str, verified: bool
) -> None:
    dispatcher = CollectingDispatcher()
    tracker = make_tracker(text, intent="check_appointment")
    slots = {e["name"]: e["value"] for e in ValidateCheckForm().run(dispatcher, tracker, {})}
    assert slots["verify_name"].lower() == "mary ann o'brien"
    if verified:
        assert slots["verified"] is True
    else:
        assert slots["requested_slot"] == "verify_dob"


def test_a_relative_asked_about_by_the_booking_is_the_patient(fhir_env: FhirServer) -> None:
    """ "my mom is 82 and ... she needs her yearly checkup ... can we get a morning slot next
    week" - "Has your mom been seen here before?" - yes - her details: "your annual physical
    ... arrive with your photo ID" was said to her child."""
    started = [
        {
            "event": "user",
            "text": "hi so my mom is 82 and she has a hard time walking, she needs her yearly "
            "checkup with dr patel, is there parking close to the door at the north office and "
            "can we get a morning slot next week",
        },
        {"event": "active_loop", "name": "check_form"},
        {
            "event": "bot",
            "text": "Happy to help you book. Has your mom been seen here before?",
            "metadata": {"utter_action": "utter_ask_patient_status_for"},
        },
        {"event": "user", "text": "yes she has"},
    ]
    slots, _ = verify(f"mary ann o'brien {MARY_DOB}", events=started)
    assert slots["patient_is_relative"] is True
    assert patient_words.whose(slots, identity.get_clinic()) == "Mary Ann's"
    # asked of the writer: her own
    own = [dict(e) for e in started]
    own[0] = {**own[0], "text": "i need my checkup, can we get a slot"}
    own[2] = {**own[2], "metadata": {"utter_action": "utter_ask_patient_status"}}
    slots, _ = verify(f"mary ann o'brien {MARY_DOB}", events=own)
    assert "patient_is_relative" not in slots


def test_an_adults_details_when_a_child_was_asked_about_say_whose(fhir_env: FhirServer) -> None:
    """ "how much does my son owe" - "emily johnson 4/12/1988" showed her own balance with no
    word about the son."""
    asked = [
        {"event": "user", "text": "how much does my son owe"},
        {"event": "active_loop", "name": "balance_form"},
    ]
    slots, said = verify("emily johnson 4/12/1988", events=asked)
    assert slots["verified"] is True
    assert said == ["utter_verified_adult_not_child"]
    assert "patient_is_relative" not in slots  # her own: "your balance", not "Emily's"
    # The son asked about before, the parent's own account now ("what do i owe, me not him"):
    # no word about the son's record.
    own = [
        *asked,
        {"event": "user", "text": "what do i owe, me not him"},
        {"event": "active_loop", "name": "balance_form"},
    ]
    slots, said = verify("emily johnson 4/12/1988", events=own)
    assert said == ["utter_verified_child"]
    # A parent's record asked about earlier ("my mom"): "confirmed for Mary Ann", not "Thank
    # you, Mary Ann" to her daughter.
    asked_mom = [
        {"event": "user", "text": "i need to cancel my mom's appointment"},
        {"event": "active_loop", "name": "check_form"},
    ]
    slots, said = verify(f"mary ann o'brien {MARY_DOB}", events=asked_mom)
    assert slots["verified"] is True and said == ["utter_verified_child"]
    # ...and her appointments are "Mary's", not "your", to her daughter.
    assert slots["patient_is_relative"] is True
    assert patient_words.whose(slots, identity.get_clinic()) == "Mary Ann's"
    assert patient_words.who_has(slots, identity.get_clinic(), "still") == "Mary Ann still has"
    slots, _ = verify(f"mary ann o'brien {MARY_DOB}")
    assert "patient_is_relative" not in slots
    # a relative only mentioned is not who the request is about: her own ("what do i owe"
    # next then asked her details again)
    mentioned = [
        {"event": "user", "text": "book me a physical, my wife said i need one"},
        {"event": "active_loop", "name": "check_form"},
    ]
    slots, _ = verify(f"mary ann o'brien {MARY_DOB}", events=mentioned)
    assert "patient_is_relative" not in slots
    assert patient_words.whose(slots, identity.get_clinic()) == "your"
    # The child's own details: confirmed for the child, as before.
    slots, said = verify("liam nguyen 06/05/2017", events=asked)
    assert said == ["utter_verified_child"]
    # a grown daughter named with her details is her, and a relative ("now me" then booked on
    # her record: she was taken for the writer, being 34)
    grown = [
        {"event": "user", "text": f"book my daughter mary ann o'brien {MARY_DOB} a checkup"},
        {"event": "active_loop", "name": "check_form"},
    ]
    slots, _ = verify(f"mary ann o'brien {MARY_DOB}", events=grown)
    assert slots["verified"] is True and slots["patient_is_relative"] is True
    # the writer saying what they are to the patient: "Carlos's follow-up", not "your"
    # ...or what the patient is to the writer ("when is carlos's next appointment? he's my dad"
    # was answered "You have no upcoming appointments")
    for said_by in (
        "im his wife, can i cancel his appt",
        "I'm Carlos's wife, when is his appt",
        "when is carlos's next appointment? he's my dad",
        "can u check carlos rivera's appts, he is my grandpa",
    ):
        wife = [
            {"event": "user", "text": said_by},
            {"event": "active_loop", "name": "check_form"},
        ]
        slots, _ = verify("carlos rivera 09/30/1975", events=wife)
        assert slots["verified"] is True and slots["patient_is_relative"] is True
        assert patient_words.whose(slots, identity.get_clinic()) == "Carlos's"
    # the relative named first, the request about "his" visit: "Robert has no upcoming
    # appointments" (it was "You have", to his son)
    dad = [
        {
            "event": "user",
            "text": "hi my dad has dementia and i handle his appointments, can i cancel his "
            "tuesday visit",
        },
        {"event": "active_loop", "name": "cancel_form"},
    ]
    slots, _ = verify("robert miller 11/02/1950", events=dad)
    assert slots["verified"] is True and slots["patient_is_relative"] is True
    assert patient_words.who_has(slots, identity.get_clinic()) == "Robert has"


@pytest.mark.parametrize(
    ("typed", "written"),
    [
        ("sophia rivera", "Sophia Rivera"),
        ("mary ann o'brien", "Mary Ann O'Brien"),
        ("JEAN-LUC PICARD", "Jean-Luc Picard"),
        ("Maria de la Cruz", "Maria de la Cruz"),  # capitals of its own: as typed
        ("Ian McDonald", "Ian McDonald"),
    ],
)
def test_a_name_typed_in_one_case_is_written_as_a_name(typed: str, written: str) -> None:
    # "sophia's new-patient visit", and a new patient's record in lower case
    assert capitalised(typed) == written


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("kim park", ("kim", "park")),
        ("jordan park", ("jordan", "park")),
        ("sam bill", ("sam", "bill")),
        ("good morning", None),  # a greeting, not "Good Morning"
        ("where park", None),
        ("Pay Bill", None),
        ("bill park", None),
        # a change of plan at the name question, not a name that fails the check
        ("wait wrong day, tomorrow instead", None),
        ("make it monday", None),
        ("downtown instead", None),
    ],
)
def test_a_surname_that_is_also_a_word_answers_the_name_question(
    text: str, name: tuple[str, str] | None
) -> None:
    # "What is the patient's full name?" - "kim park" was asked again (lower-case "park" was
    # parking), while "kim park" said out of the blue stays no name.
    assert parse_full_name(text, asked=True) == name
    slots, _ = verify(text, intent="parking")
    assert slots.get("verify_name") == (f"{name[0]} {name[1]}" if name else None)


@pytest.mark.parametrize(
    ("text", "who"),
    [
        # after his sister's booking ("my 2 kids"): his visit was booked on her record
        ("can i book my son leo too, hes 9", "son"),
        ("my daughter needs one as well", "daughter"),
        # the child verified, spoken of again
        ("book my son a checkup", None),
        ("whats my sons balance", None),
    ],
)
def test_another_child_too_is_someone_else(text: str, who: str | None) -> None:
    assert someone_else(text, True, "kids", "Nora Vance") == who


@pytest.mark.parametrize(
    "text",
    [
        "quick question",
        "Quick q",
        "real quick",
        # at "... date of birth?", read as a corrected name: a try lost on "Nineteen Seventy"
        "nineteen seventy five",
        "thirty september",
        # "Move Carlos": a try lost on that name
        "can u move carlos's appt to next week too",
    ],
)
def test_a_filler_at_the_name_question_is_no_name(text: str) -> None:
    # a patient record was made for "Quick Question"
    assert parse_full_name(text, asked=True) is None


@pytest.mark.parametrize("text", ["what about liam's bill", "ok now ben, back to back please"])
def test_words_around_a_first_name_are_no_full_name(text: str) -> None:
    # "what about liam's bill" was checked as a patient called "About Liam" (a failed check,
    # counted towards the lock-out, with Liam's right date of birth)
    assert parse_full_name(text) is None


@pytest.mark.parametrize(
    ("text", "name"),
    [
        # the verified mother's own appointments were listed
        ("what appointments does liam have", "Liam"),
        ("which bills does ava have", "Ava"),
        ("what appointments does he have", None),
        ("what appointments do i have", None),
    ],
)
def test_what_someone_has_asked_by_first_name_is_theirs(text: str, name: str | None) -> None:
    assert named_other(text, "Emily Johnson") == name


def test_this_bill_is_nobody_s() -> None:
    # "Happy to help with Thi too. So far I've only checked Emily Johnson's details"
    assert named_other("whats this bill for", "Emily Johnson") is None
    assert named_other("what about liams bill", "Emily Johnson") == "Liam"


@pytest.mark.parametrize(
    ("text", "relation"),
    [
        # how the writer gets there, or when they can: the visit is the writer's
        ("my daughter usually drives me, i'd like to book a checkup for myself", None),
        ("my husband has the car on mondays so can I move my physical to a wednesday", None),
        ("can i move it to a morning its hard to get a ride in the afternoon my son works", None),
        # ...unless the rest is about them
        ("my husband works nights, can he get an evening appt", "husband"),
        ("my daughter drives me, she needs a flu shot too", "daughter"),
        ("book my son a checkup", "son"),
        # the one doing the booking for the writer ("Has your wife been seen here before?")
        ("can my wife book for me", None),
        ("is it ok if my son makes the appointment for me", None),
        ("my daughter is writing this for me, i need a checkup", None),
        ("can i book for my wife", "wife"),
        # a child by age ("Have you been seen here before?" was asked of the parent)
        ("can i book my toddler a sick visit tomorrow", "toddler"),
        ("i need to book my teenager a physical", "teenager"),
        ("my teen daughter needs a sports physical", "daughter"),
        # ...or by how they are ("You have no upcoming appointments" was said of him)
        ("what time is my elderly father's appointment", "father"),
    ],
)
def test_a_relative_named_for_a_ride_or_a_schedule_is_not_the_patient(
    text: str, relation: str | None
) -> None:
    """ "my husband has the car on mondays so can I move my physical": Emily's move was
    dropped, and her husband's identity asked for ("Happy to help with your husband too")."""
    assert relation_in(text) == relation
    assert someone_else(text, False) == relation


@pytest.mark.parametrize(
    ("text", "writer"),
    [
        # Carlos's records were shown after each of these
        ("this is his wife now. when is MY appt", "someone new"),
        ("passing the phone to my wife", "someone new"),
        ("ok my husband will take it from here", "someone new"),
        ("ok thx. my wife wants to ask something, she's taking the phone", "someone new"),
        ("hi its his daughter now", "someone new"),
        ("Emily here now, whats my balance", "someone new"),
        ("hey this is emily johnson, different person, what do i owe", "emily johnson"),
        ("oh wait sorry this is actually carlos rivera typing", None),  # the patient himself
        ("this is Emily Johnson now", "Emily Johnson"),
        # the patient's own words
        ("im running late now, can i move my appt", None),
        ("perfect now what about parking", None),
        ("can i book for a different person", None),
        ("I'm his dad, when is Liam's appointment", None),
        ("carlos here now", None),
    ],
)
def test_who_says_they_write_now(text: str, writer: str | None) -> None:
    assert new_writer(text, "Carlos Rivera") == writer


@pytest.mark.parametrize(
    ("name", "given", "family"),
    [
        # saved as Jenna + "Marie Odell": "Jenna Odell" never matched her record again
        ("Jenna Marie Odell", "Jenna Marie", "Odell"),
        ("Mary Ann O'Brien", "Mary Ann", "O'Brien"),
        ("Maria de la Cruz", "Maria", "de la Cruz"),
        ("Tom Becker", "Tom", "Becker"),
    ],
)
def test_a_new_patients_family_name_is_the_last(name: str, given: str, family: str) -> None:
    assert given_and_family(name) == (given, family)


def test_a_new_patient_with_a_middle_name_is_found_without_it(fhir_env: FhirServer) -> None:
    client = patient_match.scheduling_client()
    given, family = given_and_family("Jenna Marie Odell")
    client.create_patient(
        given=given, family=family, birth_date=date(1991, 3, 7), phone="(916) 555-0133"
    )
    for typed in ("Jenna Odell", "Jenna Marie Odell"):
        assert patient_match.verify_patient(client, typed, date(1991, 3, 7)).status == "verified"


@pytest.mark.parametrize(
    "text", ["my son Liam needs a checkup", "my daughter Is Sick Today", "my dad needs a refill"]
)
def test_a_relative_spoken_of_without_a_full_name_is_no_name(text: str) -> None:
    assert parse_full_name(text) is None
