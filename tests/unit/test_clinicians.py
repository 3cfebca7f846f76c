"""Who the clinicians are, from clinic.yml: the list, a female or male clinician, new patients."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions import clinicians
from actions.clinicians import BOOK_ONE, ActionClinicians, new_patient_clinicians
from actions.settings import get_clinic
from tests.support.actions import make_tracker
from tests.support.nlu import CannedNlu

TUESDAY_10AM = datetime(2026, 11, 24, 10, 0, tzinfo=ZoneInfo("America/Los_Angeles"))
CLINIC = get_clinic()


def run(text: str, **kwargs: Any) -> tuple[list[Any], dict[str, Any]]:
    dispatcher = CollectingDispatcher()
    tracker = make_tracker(text, intent="ask_clinicians", **kwargs)
    events = ActionClinicians(clock=lambda: TUESDAY_10AM).run(dispatcher, tracker, {})
    assert len(dispatcher.messages) == 1
    return events, dispatcher.messages[0]


def titles(message: dict[str, Any]) -> list[str]:
    return [button["title"] for button in message["buttons"]]


def test_every_clinician_with_who_they_see_and_a_button_each() -> None:
    events, message = run("who are your doctors")
    assert events == []
    assert message["text"] == (
        "Our clinicians at Maple Grove Family Health:\n"
        "• Dr. Priya Patel (family medicine): patients of all ages, children included, for "
        "checkups, illness and follow-ups\n"
        "• Dr. James Okafor (pediatrics): babies, children and teens (under 18) only\n"
        "• Dr. Maria Gonzalez (women's health): women and teens for women's health exams (pap "
        "smears, birth control, prenatal care)\n"
        "• Sam Lee, NP (family medicine): patients of all ages, children included, for "
        "checkups, illness and follow-ups\n"
        "All of them welcome new patients. Tap a name to book with them."
    )
    assert titles(message) == [
        "Book with Dr. Patel",
        "Book with Dr. Okafor",
        "Book with Dr. Gonzalez",
        "Book with Sam Lee",
    ]
    assert message["buttons"][0]["payload"] == '/book_appointment{"practitioner": "patel"}'


@pytest.mark.parametrize(
    "text",
    [
        "do you have a female doctor",
        "I'd feel more comfortable with a woman provider",
        "i want a doctor who is a lady",
    ],
)
def test_a_female_clinician_names_the_women(text: str) -> None:
    _, message = run(text)
    assert message["text"] == (
        "Yes: our female clinicians are Dr. Priya Patel (family medicine) and Dr. Maria "
        "Gonzalez (women's health). Tap a name to book with them."
    )
    assert titles(message) == ["Book with Dr. Patel", "Book with Dr. Gonzalez"]


def test_a_female_clinician_for_children_names_those_who_see_them() -> None:
    # Dr. Gonzalez (women's health, from 12) was named beside Dr. Patel
    _, message = run("do you have a female doctor who sees kids")
    assert message["text"] == (
        "Yes: our female clinician who sees children is Dr. Priya Patel (family medicine). "
        "Would you like to book with her?"
    )
    assert titles(message) == ["Book with Dr. Patel"]


def test_a_male_clinician_says_who_sees_children_only() -> None:
    _, message = run("is there a male provider")
    assert message["text"] == (
        "Yes: our male clinicians are Dr. James Okafor (pediatrics) and Sam Lee, NP (family "
        "medicine). Dr. James Okafor sees babies, children and teens (under 18) only. Tap a name "
        "to book with them."
    )
    assert titles(message) == ["Book with Dr. Okafor", "Book with Sam Lee"]


def test_womens_health_is_the_womens_health_doctor_not_a_request_for_a_woman() -> None:
    _, message = run("who does women's health there")
    assert message["text"].startswith("Dr. Maria Gonzalez sees patients at the Downtown Clinic")
    assert titles(message) == ["Book with Dr. Gonzalez"]


def test_without_genders_in_clinic_yml_the_front_desk_is_offered(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    clinic = CLINIC.copy(
        update={"practitioners": [p.copy(update={"gender": ""}) for p in CLINIC.practitioners]}
    )
    monkeypatch.setattr(clinicians, "get_clinic", lambda: clinic)
    _, message = run("do you have a female doctor")
    assert message["text"].startswith(
        "I don't have that detail here, sorry. Our front desk can tell you who would suit you "
        "best: (916) 555-0142.\n\nOur clinicians at Maple Grove Family Health:\n"
    )
    assert message["buttons"] == []


def test_whether_a_named_clinician_does_a_visit_is_answered_first() -> None:
    # "does dr gonzalez do flu shots" got her days alone
    _, message = run("does dr gonzalez do flu shots")
    assert message["text"].startswith(
        "No, Dr. Maria Gonzalez doesn't do vaccinations. Dr. Priya Patel, Dr. James Okafor or "
        "Sam Lee, NP can. Dr. Gonzalez sees patients at"
    )
    assert titles(message) == ["Book with Dr. Patel", "Book with Dr. Okafor", "Book with Sam Lee"]
    _, message = run("does dr patel do physicals")
    assert message["text"].startswith(
        "Yes, Dr. Priya Patel does annual physicals. Dr. Patel sees patients at"
    )
    assert titles(message) == ["Book with Dr. Patel"]


def test_a_named_clinician_taking_new_patients() -> None:
    _, message = run("is dr gonzalez taking new patients?")
    assert message["text"] == (
        # (the full name once: it was said three times in three sentences)
        "Yes, Dr. Maria Gonzalez is taking new patients. Dr. Gonzalez sees patients at "
        "the Downtown Clinic on Tuesdays and Thursdays and the North Office on Mondays, "
        "Wednesdays and Fridays, during office hours. Dr. Gonzalez sees women and teens "
        "for women's health exams (pap smears, birth control, prenatal care)."
    )
    assert titles(message) == ["Book with Dr. Gonzalez"]


def test_she_or_he_is_the_clinician_just_named() -> None:
    # "what days does dr patel work" - "is she taking new patients" started a booking
    answered = [{"event": "bot", "text": "Dr. Priya Patel sees patients at the Downtown Clinic."}]
    _, message = run("is she taking new patients", events=answered)
    assert message["text"].startswith("Yes, Dr. Priya Patel is taking new patients.")
    assert titles(message) == ["Book with Dr. Patel"]
    # the office asked about first (it started an identity check for an appointment)
    _, message = run("what days is she at the north office", events=answered)
    assert message["text"].startswith(
        "Dr. Priya Patel is at the North Office on Tuesdays and Thursdays."
    )
    # two named: no guess, the list
    both = [{"event": "bot", "text": "Dr. Priya Patel and Dr. Maria Gonzalez see women."}]
    _, message = run("is she taking new patients", events=both)
    assert len(titles(message)) == 4


def test_she_is_the_clinician_the_patient_named_when_the_answer_named_none() -> None:
    # "do i need a referral to see dr gonzalez" - (no referral needed) - "is she accepting new
    # patients": every clinician was listed
    asked = [
        {"event": "user", "text": "do i need a referral to see dr gonzalez"},
        {"event": "bot", "text": "You don't need a referral to see our clinicians."},
    ]
    _, message = run("is she accepting new patients", events=asked)
    assert message["text"].startswith("Yes, Dr. Maria Gonzalez is taking new patients.")
    assert titles(message) == ["Book with Dr. Gonzalez"]


def test_a_clinician_who_does_no_new_patient_visits_names_who_does(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    visits = [
        v.copy(update={"specialties": ["family_medicine"]}) if v.new_patients else v
        for v in CLINIC.visit_types
    ]
    clinic = CLINIC.copy(update={"visit_types": visits})
    monkeypatch.setattr(clinicians, "get_clinic", lambda: clinic)
    assert [p.id for p in new_patient_clinicians(clinic)] == ["patel", "lee"]
    _, message = run("is dr okafor accepting new patients")
    assert message["text"].startswith(
        "Dr. James Okafor doesn't book new-patient visits; Dr. Priya Patel or Sam Lee, NP can. "
        "Dr. Okafor sees patients at the Downtown Clinic"
    )
    _, listed = run("who are your doctors")
    assert listed["text"].endswith(
        "\nNew patients can book with Dr. Priya Patel and Sam Lee, NP. Tap a name to book with "
        "them."
    )


def test_who_a_named_clinician_is() -> None:
    _, message = run("who is sam lee")
    assert message["text"] == (
        "Sam Lee, NP sees patients at the North Office from Monday to Friday, during office "
        "hours. Sam Lee sees patients of all ages, children included, for checkups, illness "
        "and follow-ups. A nurse practitioner (NP) is a nurse with advanced training who "
        "examines, diagnoses, prescribes and treats, much like a doctor."
    )


def test_in_the_middle_of_a_form_no_buttons_leave_the_question_to_the_form() -> None:
    _, message = run(
        "do you have any female doctors",
        active_loop="booking_form",
        slots={"requested_slot": "practitioner"},
    )
    assert message["text"] == (
        "Yes: our female clinicians are Dr. Priya Patel (family medicine) and Dr. Maria "
        "Gonzalez (women's health)."
    )
    assert message["buttons"] == []


def test_while_booking_a_visit_only_who_does_it_is_named() -> None:
    _, physical = run(
        "can it be a female doctor",
        active_loop="booking_form",
        slots={"requested_slot": "practitioner", "visit_type": "physical"},
    )
    assert physical["text"] == (
        "Yes: our female clinician for an annual physical is Dr. Priya Patel (family medicine)."
    )
    _, exam = run(
        "i'd rather see a male doctor",
        active_loop="booking_form",
        slots={"requested_slot": "practitioner", "visit_type": "womens_health"},
    )
    assert exam["text"] == (
        "Sorry, we don't have a male clinician for a women's health exam. You can see Dr. "
        "Maria Gonzalez (women's health)."
    )
    assert exam["buttons"] == []


def test_can_i_choose_is_answered_yes_first() -> None:
    _, message = run("can i pick my doctor")
    assert message["text"].startswith(
        "Yes, you can choose who you see. Our clinicians at Maple Grove Family Health:\n"
    )


def test_another_question_in_the_same_message_is_answered_after(canned_nlu: CannedNlu) -> None:
    events, message = run("who are your doctors and are you open saturday")
    assert message["text"].startswith("Our clinicians at Maple Grove Family Health:")
    assert events[-1]["text"] == "are you open saturday"
    assert events[-1]["parse_data"]["intent"]["name"] == "clinic_hours"


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("is dr patel a woman", "Yes, Dr. Priya Patel is a woman."),
        ("is sam lee a female", "No, Sam Lee, NP is a man."),
        ("is dr okafor a man or woman", "Dr. James Okafor is a man."),
    ],
)
def test_one_clinicians_gender_asked_is_answered(text: str, said: str) -> None:
    # "is dr patel a woman" got her days only, although clinic.yml says.
    _, message = run(text)
    assert message["text"].startswith(said)
    # ...and of the clinician just named
    answered = [{"event": "bot", "text": "Sam Lee, NP sees patients at the North Office."}]
    _, message = run("is he a man or woman", events=answered)
    assert message["text"].startswith("Sam Lee, NP is a man.")


@pytest.mark.parametrize(
    ("text", "said"),
    [
        # (how to prepare for a visit, before the guard)
        (
            "how old do you have to be to see dr okafor",
            "Dr. James Okafor sees patients under 18 only.",
        ),
        ("does dr patel see adults", "Dr. Priya Patel sees patients of all ages."),
        ("what ages does dr gonzalez see", "Dr. Maria Gonzalez sees patients from age 12."),
        # (a question for a nurse, before the guard)
        ("Is Dr. Okafor good with toddlers?", "Dr. James Okafor sees patients under 18 only."),
    ],
)
def test_the_ages_a_clinician_sees_are_answered_first(text: str, said: str) -> None:
    _, message = run(text)
    assert message["text"].startswith(said)
    # the ages and the days, not the ages again (but "women and teens" for Dr. Gonzalez)
    assert message["text"].count(" sees ") == (3 if "gonzalez" in text else 2)
    # not asked: no ages first
    _, message = run("when does dr okafor work")
    assert not message["text"].startswith("Dr. James Okafor sees patients under")


def test_whether_a_clinician_sees_men_is_answered_first() -> None:
    # "is dr gonzalez accepting new patients" - "does she see men": her days again
    answered = [{"event": "bot", "text": "Yes, Dr. Maria Gonzalez is taking new patients."}]
    _, message = run("does she see men", events=answered)
    assert message["text"] == (
        "No, Dr. Maria Gonzalez sees women only; Dr. Priya Patel and Sam Lee, NP see men."
        + BOOK_ONE
    )
    # to book with them, not with her (it offered "Book with Dr. Gonzalez" alone)
    assert [b["title"] for b in message["buttons"]] == [
        "Book with Dr. Patel",
        "Book with Sam Lee",
    ]
    _, message = run("does dr patel treat guys")
    assert message["text"].startswith("Yes, Dr. Priya Patel sees men.")
    # not asked: her days alone
    _, message = run("when does dr gonzalez work")
    assert "see men" not in message["text"] and "sees men" not in message["text"]


def test_switching_doctors_is_a_yes_with_the_list_and_how_it_sticks() -> None:
    # "hey can i switch doctors" got "Did you want to move an appointment to another time?"
    _, message = run("hey can i switch doctors")
    assert message["text"].startswith(
        "Yes, you can choose who you see. To have them on file as your main clinician, the "
        "front desk can update it: (916) 555-0142. Our clinicians at Maple Grove Family Health:"
    )
    assert len(titles(message)) == 4
    _, named = run("can i switch to dr patel")
    assert named["text"].startswith(
        "Yes, you can see Dr. Priya Patel: just choose her when you book. Dr. Patel sees"
    )
    assert named["text"].endswith(
        "To have her on file as your main clinician, the front desk can update it: (916) 555-0142."
    )
    assert titles(named) == ["Book with Dr. Patel"]
    # ("just choose them": Sam Lee is a man)
    _, lee = run("can i switch my primary doctor to sam lee")
    assert lee["text"].startswith("Yes, you can see Sam Lee, NP: just choose him when you book.")
    # (taking new patients is no switch)
    _, new = run("is dr patel taking new patients")
    assert new["text"].startswith("Yes, Dr. Priya Patel is taking new patients.")


@pytest.mark.parametrize(
    ("text", "whom", "booked"),
    [
        # the list had the women's health doctor (from 12) beside the pediatrician
        (
            "which doctor is best for my 2 year old",
            "children of that age",
            ["Book with Dr. Patel", "Book with Dr. Okafor", "Book with Sam Lee"],
        ),
        (
            "what doctor do you recommend for kids",
            "children",
            ["Book with Dr. Patel", "Book with Dr. Okafor", "Book with Sam Lee"],
        ),
        # a teen: Dr. Gonzalez sees women and teens from 12
        (
            "who should my 15 year old daughter see",
            "children of that age",
            [
                "Book with Dr. Patel",
                "Book with Dr. Okafor",
                "Book with Dr. Gonzalez",
                "Book with Sam Lee",
            ],
        ),
    ],
)
def test_the_clinicians_for_a_child_are_those_who_see_that_age(
    text: str, whom: str, booked: list[str]
) -> None:
    _, message = run(text)
    assert message["text"].startswith(f"These clinicians see {whom}:\n• Dr. Priya Patel")
    assert message["text"].endswith(
        "All of them welcome new patients. Tap a name to book with them."
    )
    assert titles(message) == booked
    # no child spoken of: everyone
    _, message = run("which doctor do you recommend")
    assert message["text"].startswith("Our clinicians at Maple Grove Family Health:")
    assert len(titles(message)) == 4
