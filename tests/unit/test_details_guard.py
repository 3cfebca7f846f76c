"""A message that only gives a name and date of birth is details, not a request."""

from __future__ import annotations

import pytest
from rasa.shared.nlu.training_data.message import Message

from addons.details_guard import DetailsOnlyGuard
from addons.details_text import only_name_and_birth_date
from tests.support.nlu_text import parsed_message


@pytest.mark.parametrize(
    "text",
    [
        "Hi, this is Emily Johnson 04/12/1988",
        "my name is Carlos Rivera, dob 9/30/1975",
        "Liam Nguyen 6/5/2017",
        "soy Aisha Khan 01/22/1992",
        "Mary Ann O'Brien 07/19/1964",
        "emily johnson 4/12/88",
        "Emily Johnson",  # a name alone, written as one
        "this is Carlos Rivera",
    ],
)
def test_only_a_name_and_birth_date(text: str) -> None:
    assert only_name_and_birth_date(text)


@pytest.mark.parametrize(
    "text",
    [
        "Emily Johnson 04/12/1988 balance",
        "Carlos Rivera 09/30/1975 - can you push my appointment back a week?",
        "Emily Johnson 04/12/1988 where do I park",
        "book 12/01/2026 please",
        "I need an appt 12/3/26",
        "emily johnson",  # no date and not written as a name: the model decides
        "Book Appointment",
        "Directions And Hours",
        "North Office",
        "Dr Patel",
        "hello",
    ],
)
def test_a_request_is_not_only_details(text: str) -> None:
    assert not only_name_and_birth_date(text)


def _parsed(text: str, intent: str) -> Message:
    return parsed_message(text, intent, 0.62, "check_appointment", 0.08)


def test_a_bare_introduction_read_as_a_billing_question_becomes_details() -> None:
    # Was billing_balance: the patient was shown a balance they had not asked for.
    [result] = DetailsOnlyGuard().process(
        [_parsed("Hi, this is Emily Johnson 04/12/1988", "billing_balance")]
    )
    assert result.get("intent") == {"name": "inform", "confidence": 1.0}
    assert result.get("intent_ranking") == [{"name": "inform", "confidence": 1.0}]


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("Emily Johnson 04/12/1988 what do I owe", "billing_balance"),
        ("Emily Johnson 04/12/1988", "emergency"),  # safety intents are never touched
        ("Emily Johnson 04/12/1988", "faq"),
    ],
)
def test_requests_and_other_intents_are_left_alone(text: str, intent: str) -> None:
    [result] = DetailsOnlyGuard().process([_parsed(text, intent)])
    assert result.get("intent") == {"name": intent, "confidence": 0.62}


def test_no_insurance_plan_in_a_name_and_birth_date() -> None:
    # The model tagged "Rivera" as a plan: "I don't see Carlos Rivera on my list".
    message = _parsed("Carlos Rivera 09/30/1975", "inform")
    rivera = {"entity": "insurance", "value": "Rivera", "start": 7, "end": 13}
    message.set("entities", [rivera, {"entity": "date", "value": "09/30/1975"}])
    [result] = DetailsOnlyGuard().process([message])
    assert result.get("entities") == [{"entity": "date", "value": "09/30/1975"}]
    # A plan named on its own keeps its entity (it may look like a name, but has no date).
    plan = _parsed("Blue Shield", "inform")
    plan.set("entities", [{"entity": "insurance", "value": "Blue Shield"}])
    [result] = DetailsOnlyGuard().process([plan])
    assert result.get("entities") == [{"entity": "insurance", "value": "Blue Shield"}]
