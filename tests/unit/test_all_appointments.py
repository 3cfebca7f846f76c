"""Cancelling every appointment at once ("cancel both", "all of them"), against the real
embedded FHIR backend: what the patient is asked, what is cancelled, and what is said."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions.all_appointments import ALL_APPOINTMENTS, asks_for_all, means_all
from actions.cancel_appointment import (
    ActionAskCancelConfirmed,
    ActionCancelAppointment,
    ValidateCancelForm,
)
from actions.manage_appointments import load_appointments
from actions.reschedule_appointment import ValidateRescheduleForm
from actions.settings import get_clinic
from actions.stop import switches_to_cancel
from tests.support.actions import make_tracker, next_month_on, responses
from tests.support.fhir_servers import FhirServer


@pytest.mark.parametrize(
    "text",
    [
        "both",
        "Both please",
        "all of them",
        "all",
        "yes all",
        "cancel all",
        "cancel them all",
        "all 3",
        "every one of them",
        "both of my appointments",
        "all my appointments",
        "the two of them",
    ],
)
def test_answers_that_mean_every_appointment(text: str) -> None:
    assert means_all(text)


@pytest.mark.parametrize(
    "text",
    [
        "the first one",
        "2",
        "not both, just the first",
        "only the physical",
        "that's all",
        "thats all thanks",
        "all good",
        "the friday one",
        "",
    ],
)
def test_answers_that_pick_one_or_none(text: str) -> None:
    assert not means_all(text)


@pytest.mark.parametrize(
    ("text", "all_of_them"),
    [
        ("cancel both my appointments", True),
        ("can you cancel all of my appts", True),
        ("my dad passed away last week, please cancel his appointments", True),
        ("my mom died, cancel her appointments", True),
        # "Which appointment would you like to cancel?" came with a list of seven
        ("we're moving out of state, please cancel all of liam's appointments", True),
        ("cancel all my upcoming appointments", True),
        ("cancel my appointment", False),
        ("cancel my appointment on friday", False),
        ("i need to cancel her appointment", False),
    ],
)
def test_requests_that_cancel_every_appointment(text: str, all_of_them: bool) -> None:
    assert asks_for_all(text) is all_of_them


def slots_of(events: list[dict[str, Any]]) -> dict[str, Any]:
    return {e["name"]: e["value"] for e in events if e.get("event") == "slot"}


def test_cancel_both_in_the_request_asks_once_and_cancels_both(
    fhir_env: FhirServer, two_booked: dict[str, Any]
) -> None:
    dispatcher = CollectingDispatcher()
    tracker = make_tracker(
        "cancel both my appointments", intent="cancel_appointment", slots=two_booked
    )
    slots = slots_of(ValidateCancelForm().run(dispatcher, tracker, {}))
    assert slots["appointment_choice"] == ALL_APPOINTMENTS
    assert slots["requested_slot"] == "cancel_confirmed"  # not "Which appointment?"
    items = slots["my_appointments"]

    asked = {**two_booked, **slots}
    dispatcher = CollectingDispatcher()
    assert ActionAskCancelConfirmed().run(dispatcher, make_tracker("", slots=asked), {}) == []
    [question] = dispatcher.messages
    assert question["response"] == "utter_confirm_cancel_all"
    assert question["which"] == "both"
    lines = question["appointments"].splitlines()
    assert len(lines) == 2 and all(line.startswith("- your follow-up visit with") for line in lines)

    dispatcher = CollectingDispatcher()
    tracker = make_tracker("yes", intent="affirm", slots={**asked, "cancel_confirmed": True})
    ActionCancelAppointment().run(dispatcher, tracker, {})
    [done] = dispatcher.messages
    assert done["response"] == "utter_cancelled_several"
    assert done["appointments"] == question["appointments"]
    assert load_appointments(two_booked["patient_id"], get_clinic()) == []
    client = fhir_env.client()
    assert {client.get_appointment(i["id"]).status for i in items} == {"cancelled"}


def test_all_of_them_at_the_question_is_no_goodbye(
    fhir_env: FhirServer, two_booked: dict[str, Any]
) -> None:
    """ "all of them" was read as a goodbye: "Take care!", and the question again."""
    items = load_appointments(two_booked["patient_id"], get_clinic())
    asked = {**two_booked, "my_appointments": items, "requested_slot": "appointment_choice"}
    tracker = make_tracker(
        "all of them", intent="goodbye", confidence=0.9, slots=asked, active_loop="cancel_form"
    )
    form = ValidateCancelForm()
    assert not form.should_let_through(tracker)
    slots = slots_of(form.run(CollectingDispatcher(), tracker, {}))
    assert slots == {"appointment_choice": ALL_APPOINTMENTS, "requested_slot": "cancel_confirmed"}

    # "no, just the first one" to "cancel both?": that one is asked about instead
    tracker = make_tracker(
        "no just the first one",
        intent="deny",
        slots={**asked, **slots},
        active_loop="cancel_form",
    )
    slots = slots_of(form.run(CollectingDispatcher(), tracker, {}))
    assert slots == {"appointment_choice": items[0]["id"], "requested_slot": "cancel_confirmed"}


def test_no_to_cancel_both_cancels_nothing(
    fhir_env: FhirServer, two_booked: dict[str, Any]
) -> None:
    items = load_appointments(two_booked["patient_id"], get_clinic())
    kept = {
        **two_booked,
        "my_appointments": items,
        "appointment_choice": ALL_APPOINTMENTS,
        "cancel_confirmed": False,
    }
    dispatcher = CollectingDispatcher()
    ActionCancelAppointment().run(dispatcher, make_tracker("no", intent="deny", slots=kept), {})
    assert responses(dispatcher) == ["utter_cancel_kept_all"]
    assert len(load_appointments(two_booked["patient_id"], get_clinic())) == 2


def test_one_refused_the_other_still_cancelled_and_both_said(
    fhir_env: FhirServer, two_booked: dict[str, Any]
) -> None:
    items = load_appointments(two_booked["patient_id"], get_clinic())
    gone = {**items[1], "id": "no-such-appointment"}  # the server refuses it (404)
    confirmed = {
        **two_booked,
        "my_appointments": [items[0], gone],
        "appointment_choice": ALL_APPOINTMENTS,
        "cancel_confirmed": True,
    }
    dispatcher = CollectingDispatcher()
    ActionCancelAppointment().run(dispatcher, make_tracker("yes", slots=confirmed), {})
    assert responses(dispatcher) == ["utter_cancelled_several", "utter_still_booked"]
    done, left = dispatcher.messages
    assert done["appointments"].count("\n") == 0 and left["appointments"].count("\n") == 0
    assert [i["id"] for i in load_appointments(two_booked["patient_id"], get_clinic())] == [
        items[1]["id"]
    ]


def test_both_while_moving_moves_one_at_a_time(
    fhir_env: FhirServer, two_booked: dict[str, Any]
) -> None:
    items = load_appointments(two_booked["patient_id"], get_clinic())
    asked = {**two_booked, "my_appointments": items, "requested_slot": "appointment_choice"}
    dispatcher = CollectingDispatcher()
    tracker = make_tracker("both", intent="affirm", slots=asked, active_loop="reschedule_form")
    slots = slots_of(ValidateRescheduleForm().run(dispatcher, tracker, {}))
    assert responses(dispatcher) == ["utter_move_one_at_a_time"]
    assert slots == {"appointment_choice": None, "requested_slot": "appointment_choice"}


@pytest.mark.parametrize(
    ("text", "read_as"),
    [
        ("actually just cancel all my appts", "cancel_appointment"),
        ("cancel them both", "stop"),
        ("actually cancel the first one instead", "cancel_appointment"),
    ],
)
def test_a_cancellation_asked_while_moving_starts_the_cancellation(
    fhir_env: FhirServer, two_booked: dict[str, Any], text: str, read_as: str
) -> None:
    """ "actually just cancel all my appts" while moving got "let's move them one at a time",
    and "cancel the dec 7 one instead" was taken as the appointment to move."""
    items = load_appointments(two_booked["patient_id"], get_clinic())
    asked = {**two_booked, "my_appointments": items, "requested_slot": "appointment_choice"}
    moving = make_tracker(text, intent=read_as, slots=asked, active_loop="reschedule_form")
    dispatcher = CollectingDispatcher()
    assert ValidateRescheduleForm().run(dispatcher, moving, {}) == []
    assert dispatcher.messages == []


@pytest.mark.parametrize(
    ("text", "read_as", "switches"),
    [
        ("actually cancel the dec 7 one instead", "cancel_appointment", True),
        ("hmm just cancel it", "stop", True),
        ("i cant cancel it because of the fee, just move it", "cancel_appointment", False),
        ("dont cancel, i need it moved", "cancel_appointment", False),
        ("never mind", "stop", False),
    ],
)
def test_what_switches_a_move_to_a_cancellation(text: str, read_as: str, switches: bool) -> None:
    assert switches_to_cancel(text, read_as) is switches


@pytest.mark.parametrize("picked", ["all", 0, 1])
def test_a_cancellation_after_a_move_reads_which_from_the_request(
    fhir_env: FhirServer, two_booked: dict[str, Any], picked: Any
) -> None:
    """The list fetched for the move is kept when it becomes a cancellation (the stop's replay):
    what the request says picks from it, without "Which appointment?"."""
    items = load_appointments(two_booked["patient_id"], get_clinic())
    text = "hmm just cancel all of them"
    if picked != "all":
        clock = datetime.fromisoformat(items[picked]["start"]).strftime("%-I:%M")
        text = f"actually cancel the {clock} one"
    kept = {**two_booked, "my_appointments": items}
    tracker = make_tracker(text, intent="cancel_appointment", slots=kept)
    slots = slots_of(ValidateCancelForm().run(CollectingDispatcher(), tracker, {}))
    expected = ALL_APPOINTMENTS if picked == "all" else items[picked]["id"]
    assert slots["appointment_choice"] == expected
    assert slots["requested_slot"] == "cancel_confirmed"


THREE = [
    {
        "id": "a",
        "start": next_month_on(7, 9, 0),
        "visit_type": "vaccination",
        "practitioner": "patel",
        "location": "downtown",
    },
    {
        "id": "b",
        "start": next_month_on(9, 7, 30),
        "visit_type": "womens_health",
        "practitioner": "gonzalez",
        "location": "north",
    },
    {
        "id": "c",
        "start": next_month_on(10, 10, 30),
        "visit_type": "physical",
        "practitioner": "patel",
        "location": "downtown",
    },
]
A, B, C = THREE
MONTH_OF_THREE = datetime.fromisoformat(B["start"]).strftime("%b").lower()


@pytest.mark.parametrize(
    ("current", "text", "read_as", "expected"),
    [
        # the one to keep was picked to cancel
        (
            "*all",
            "wait no, keep the physical, cancel the rest",
            "deny",
            {"choice": "*all", "left": [A, B]},
        ),
        (
            "c",
            "wait no keep the physical just cancel the other ones",
            "deny",
            {"choice": "*all", "left": [A, B]},
        ),
        ("*all", "no keep the first one", "deny", {"choice": "*all", "left": [B, C]}),
        (
            "*all",
            "keep the gonzalez one, the rest can go",
            "inform",
            {"choice": "*all", "left": [A, C]},
        ),
        # another one meant: asked about instead ("I've left your appointment as it is")
        ("a", "no thats the wrong one, i meant the gonzalez one", "deny", {"choice": "b"}),
        ("a", "no, not that one, the physical", "deny", {"choice": "c"}),
        ("a", "wait no keep that one, i meant the physical on the 10th", "deny", {"choice": "c"}),
        # two kept: both stay ("keep the physical and the sick visit": only the first stayed)
        (
            "*all",
            "hmm wait keep the physical and the vaccination, cancel the rest",
            "deny",
            {"choice": "b"},
        ),
        # "the other one" of three: which one? (it was "left as it is", or "cancel both")
        ("a", "no the other one", "deny", {"choice": None}),
        ("a", "no not that one, the other one", "deny", {"choice": None}),
        ("a", "no, the other ones", "deny", {"choice": "*all", "left": [B, C]}),
        # two fit the correction: which of them?
        ("b", "wrong one, i meant the one with dr patel", "deny", {"choice": None}),
        # all of them after all (read as a stop: only the one was cancelled)
        ("a", "actually cancel all of them", "stop", {"choice": "*all"}),
        # plain answers stay plain
        ("a", "no keep it", "deny", {"confirmed": False}),
        ("c", "no dont cancel the physical", "deny", {"confirmed": False}),
        ("a", "yes", "affirm", {"confirmed": True}),
        ("*all", "no just the first one", "deny", {"choice": "a"}),
    ],
)
def test_a_correction_at_the_cancel_question_changes_what_is_cancelled(
    current: str, text: str, read_as: str, expected: dict[str, Any]
) -> None:
    asked = {
        "verified": True,
        "patient_id": "p1",
        "my_appointments": THREE,
        "appointment_choice": current,
        "requested_slot": "cancel_confirmed",
    }
    tracker = make_tracker(text, intent=read_as, slots=asked, active_loop="cancel_form")
    form = ValidateCancelForm()
    assert not form.should_let_through(tracker)
    slots = slots_of(form.run(CollectingDispatcher(), tracker, {}))
    if "confirmed" in expected:
        assert slots["cancel_confirmed"] is expected["confirmed"]
        return
    assert slots["appointment_choice"] == expected["choice"]
    # asked again (or which one first), nothing cancelled yet
    assert slots["requested_slot"] == (
        "cancel_confirmed" if expected["choice"] else "appointment_choice"
    )
    assert "cancel_confirmed" not in slots
    assert slots.get("my_appointments", THREE) == expected.get("left", THREE)


def test_the_appointments_left_to_cancel_are_the_ones_asked_about() -> None:
    """ "keep the physical, cancel the rest": "cancel both of these?", the other two listed."""
    asked = {"verified": True, "appointment_choice": ALL_APPOINTMENTS, "my_appointments": [A, B]}
    dispatcher = CollectingDispatcher()
    ActionAskCancelConfirmed().run(dispatcher, make_tracker("", slots=asked), {})
    [question] = dispatcher.messages
    assert question["which"] == "both"
    assert [line.split(" on ")[0] for line in question["appointments"].splitlines()] == [
        "- your vaccination with Dr. Priya Patel",
        "- your women's health exam with Dr. Maria Gonzalez",
    ]


def test_the_late_change_policy_is_on_its_own_line_after_the_list() -> None:
    """It ran on after the last appointment: "…at the North Office Changes less than 24 hours
    ahead…"."""
    soon = (get_clinic().now() + timedelta(hours=3)).replace(second=0, microsecond=0)
    items = [
        {**A, "start": soon.isoformat()},
        {**B, "start": (soon + timedelta(days=3)).isoformat()},
    ]
    asked = {"verified": True, "appointment_choice": ALL_APPOINTMENTS, "my_appointments": items}
    dispatcher = CollectingDispatcher()
    ActionAskCancelConfirmed().run(dispatcher, make_tracker("", slots=asked), {})
    [question] = dispatcher.messages
    policy = get_clinic().scheduling.late_cancel_policy
    assert question["policy"] == "\n" + policy


@pytest.mark.parametrize("requested", ["date_preference", "slot_choice", "booking_confirmed"])
@pytest.mark.parametrize(
    ("text", "meant"),
    [
        (f"wait wrong appt, i meant the one on {MONTH_OF_THREE} 9 not the 10th", "b"),
        ("no i want to move the gonzalez appointment not that one", "b"),
        ("sorry i meant the vaccination, leave the physical alone", "a"),
    ],
)
def test_another_appointment_meant_while_moving_is_moved_instead(
    requested: str, text: str, meant: str
) -> None:
    """ "wait wrong appt, i meant the one on dec 4 not the 22nd" at "Move it to …?": Dec 22
    was searched for the appointment not meant, again at every correction."""
    moving = {
        "verified": True,
        "patient_id": "p1",
        "my_appointments": THREE,
        "appointment_choice": "c",
        "visit_type": "physical",
        "practitioner": "patel",
        "location": "downtown",
        "date_preference": "next week",
        "offered_slots": [{"id": "s1", "start": next_month_on(15, 9, 0)}],
        "slot_choice": "s1" if requested == "booking_confirmed" else None,
        "requested_slot": requested,
    }
    tracker = make_tracker(text, intent="inform", slots=moving, active_loop="reschedule_form")
    dispatcher = CollectingDispatcher()
    slots = slots_of(ValidateRescheduleForm().run(dispatcher, tracker, {}))
    assert responses(dispatcher) == ["utter_moving_instead"]
    item = {i["id"]: i for i in THREE}[meant]
    assert dispatcher.messages[0]["summary"].startswith(f"your {item['visit_type']}"[:9])
    assert slots["appointment_choice"] == meant
    assert (slots["visit_type"], slots["practitioner"]) == (
        item["visit_type"],
        item["practitioner"],
    )
    assert slots["date_preference"] is None and slots["offered_slots"] is None
    assert slots["requested_slot"] == "date_preference"  # when to, for the one meant


def test_a_new_day_for_the_appointment_being_moved_is_no_correction() -> None:
    moving = {
        "verified": True,
        "my_appointments": THREE,
        "appointment_choice": "c",
        "visit_type": "physical",
        "practitioner": "patel",
        "location": "downtown",
        "requested_slot": "date_preference",
    }
    for text in ("the 9th please", "i mean the following monday"):
        tracker = make_tracker(text, intent="inform", slots=moving, active_loop="reschedule_form")
        dispatcher = CollectingDispatcher()
        slots = slots_of(ValidateRescheduleForm().run(dispatcher, tracker, {}))
        assert "utter_moving_instead" not in responses(dispatcher)
        assert slots.get("appointment_choice", "c") == "c"


@pytest.mark.parametrize(
    ("items", "text", "choice"),
    [([A, C], "no the other one", "a"), (THREE, "thats the wrong appointment", None)],
)
def test_the_other_one_or_an_unclear_wrong_one_while_moving(
    items: list[dict[str, Any]], text: str, choice: str | None
) -> None:
    """Two appointments: "the other one" is the one meant; more, and none described: which?"""
    moving = {
        "verified": True,
        "my_appointments": items,
        "appointment_choice": "c",
        "visit_type": "physical",
        "practitioner": "patel",
        "location": "downtown",
        "requested_slot": "date_preference",
    }
    tracker = make_tracker(text, intent="deny", slots=moving, active_loop="reschedule_form")
    slots = slots_of(ValidateRescheduleForm().run(CollectingDispatcher(), tracker, {}))
    assert slots["appointment_choice"] == choice
    assert slots["requested_slot"] == ("date_preference" if choice else "appointment_choice")


def test_yes_with_another_task_at_the_cancel_question_cancels_and_keeps_the_other() -> None:
    """ "yes pls. and can u move the womens health one to same time next week": cancelled, and
    the move silently dropped (worse, the women's health exam could be read as the one meant)."""
    asked = {
        "verified": True,
        "my_appointments": THREE,
        "appointment_choice": "a",
        "requested_slot": "cancel_confirmed",
    }
    text = "yes pls. and can u move the womens health one to same time next week"
    tracker = make_tracker(
        text, intent="reschedule_appointment", slots=asked, active_loop="cancel_form"
    )
    form = ValidateCancelForm()
    assert not form.should_let_through(tracker)
    slots = slots_of(form.run(CollectingDispatcher(), tracker, {}))
    assert slots["cancel_confirmed"] is True and "appointment_choice" not in slots
    assert slots["pending_request"] == {
        "intent": "reschedule_appointment",
        "text": "can u move the womens health one to same time next week",
    }


def test_yes_with_a_visit_asked_at_the_cancel_question_cancels_and_keeps_the_booking() -> None:
    """ "yes. can he be seen for the sick thing tomorrow instead": cancelled, then "Would you
    like to book another time?", the day and the visit said lost."""
    asked = {
        "verified": True,
        "my_appointments": THREE,
        "appointment_choice": "a",
        "requested_slot": "cancel_confirmed",
    }
    text = "yes. can he be seen for the sick thing tomorrow instead"
    tracker = make_tracker(text, intent="affirm", slots=asked, active_loop="cancel_form")
    slots = slots_of(ValidateCancelForm().run(CollectingDispatcher(), tracker, {}))
    assert slots["cancel_confirmed"] is True
    assert slots["pending_request"] == {
        "intent": "book_appointment",
        "text": "can he be seen for the sick thing tomorrow instead",
    }


def test_yes_with_another_task_at_the_move_question_moves_and_keeps_the_other() -> None:
    """ "yes thx. oh and cancel the physical on the 10th too" at "Move it to …?": the 10th was
    searched, the move never made, and nothing cancelled."""
    moving = {
        "verified": True,
        "my_appointments": THREE,
        "appointment_choice": "a",
        "visit_type": "vaccination",
        "practitioner": "patel",
        "location": "downtown",
        "date_preference": "next week",
        "slot_choice": "s1",
        "offered_slots": [{"id": "s1", "start": next_month_on(15, 9, 0)}],
        "requested_slot": "booking_confirmed",
    }
    text = "yes thx. oh and cancel the physical on the 10th too"
    tracker = make_tracker(
        text, intent="cancel_appointment", slots=moving, active_loop="reschedule_form"
    )
    form = ValidateRescheduleForm()
    assert not form.should_let_through(tracker)
    slots = slots_of(form.run(CollectingDispatcher(), tracker, {}))
    assert slots["booking_confirmed"] is True and "date_preference" not in slots
    assert slots["pending_request"]["intent"] == "cancel_appointment"
    assert slots["requested_slot"] is None  # done: the move is made


@pytest.mark.parametrize(
    ("text", "left"),
    [
        ("hi, pls keep my physical but cancel the other appts", [A, B]),
        ("cancel everything except the physical", [A, B]),
        # "everything but my physical" offered to cancel the physical
        ("cancel everything but my physical", [A, B]),
        ("cancel them all but the vaccination", [B, C]),
        # typed in a hurry: the physical was offered to cancel
        ("cancel evrything exept the physcial", [A, B]),
        ("cancel all excpet the physical", [A, B]),
        ("cancel everythng but physical", [A, B]),
        ("cancel every thing but the physical", [A, B]),
        ("cancel all my appointments except the vaccination and the physical", [B]),
    ],
)
def test_keep_one_cancel_the_others_in_the_request_asks_about_the_others(
    text: str, left: list[dict[str, Any]]
) -> None:
    """ "pls keep my physical but cancel the other appts" as the request: "Just to check:
    cancel your annual physical …?", the one to keep."""
    kept = {"verified": True, "patient_id": "p1", "my_appointments": THREE}
    tracker = make_tracker(text, intent="cancel_appointment", slots=kept)
    slots = slots_of(ValidateCancelForm().run(CollectingDispatcher(), tracker, {}))
    expected = ALL_APPOINTMENTS if len(left) > 1 else left[0]["id"]
    assert slots["appointment_choice"] == expected
    assert slots.get("my_appointments", THREE) == (left if len(left) > 1 else THREE)
    assert slots["requested_slot"] == "cancel_confirmed"


def test_cancel_all_instead_of_the_one_being_moved_asks_about_all() -> None:
    """ "ugh you know what, cancel all my appts instead" once the sick visit was being moved:
    only the sick visit was cancelled, and the patient thought everything was."""
    moved = {
        "verified": True,
        "patient_id": "p1",
        "my_appointments": THREE,
        "appointment_choice": "a",  # kept from the move
    }
    text = "ugh you know what, cancel all my appts instead"
    tracker = make_tracker(text, intent="cancel_appointment", slots=moved)
    slots = slots_of(ValidateCancelForm().run(CollectingDispatcher(), tracker, {}))
    assert slots["appointment_choice"] == ALL_APPOINTMENTS
    assert slots["requested_slot"] == "cancel_confirmed"


def test_no_late_fee_is_spoken_of_when_cancelling_for_someone_who_died() -> None:
    """ "my dad passed away sunday. please cancel his appointments": "Changes less than 24
    hours ahead may carry a $25 late-cancellation fee" to his son."""
    soon = (get_clinic().now() + timedelta(hours=3)).replace(second=0, microsecond=0)
    items = [{**A, "start": soon.isoformat()}, B]
    started = [
        {"event": "user", "text": "my dad passed away sunday. please cancel his appointments"},
        {"event": "active_loop", "name": "cancel_form"},
    ]
    for choice in (ALL_APPOINTMENTS, "a"):
        asked = {"verified": True, "appointment_choice": choice, "my_appointments": items}
        dispatcher = CollectingDispatcher()
        ActionAskCancelConfirmed().run(
            dispatcher, make_tracker("", slots=asked, events=started), {}
        )
        assert dispatcher.messages[-1]["policy"] == ""


@pytest.mark.parametrize(
    "text", ["actually cancel all except the physical", "everything but the physical"]
)
def test_keep_one_at_which_to_cancel_asks_about_the_others(text: str) -> None:
    """ "actually cancel all except the physical" at "Which appointment would you like to
    cancel?" offered the physical, the one to keep."""
    asked = {
        "verified": True,
        "patient_id": "p1",
        "my_appointments": THREE,
        "requested_slot": "appointment_choice",
    }
    tracker = make_tracker(
        text, intent="cancel_appointment", slots=asked, active_loop="cancel_form"
    )
    slots = slots_of(ValidateCancelForm().run(CollectingDispatcher(), tracker, {}))
    assert slots["appointment_choice"] == ALL_APPOINTMENTS
    assert slots["my_appointments"] == [A, B]
    assert slots["requested_slot"] == "cancel_confirmed"
