"""Finding the clinic's practitioners, offices, visit types and plans in what patients write."""

import pytest

from actions.dates import parse_when
from actions.matching import (
    find_location,
    find_practitioner,
    find_visit_type,
    parse_choice,
    wants_anyone,
)
from actions.phone import find_phone, normalize_phone, phone_hash
from actions.settings import get_clinic
from actions.visit_request import read_search_details

CLINIC = get_clinic()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a physical with Dr. Patel next Tuesday", "patel"),
        ("can I see doctor okafor", "okafor"),
        ("dr patle please", "patel"),  # typo
        ("Gonzales", "gonzalez"),  # common misspelling
        ("the nurse practitioner", "lee"),
        ("Sam Lee", "lee"),
        ("no preference", None),
    ],
)
def test_find_practitioner(text: str, expected: str | None) -> None:
    found = find_practitioner(text, CLINIC)
    assert (found.id if found else None) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("at the north office", "north"),
        ("natomas", "north"),
        ("the downtown one", "downtown"),
        ("J street", "downtown"),
        ("either", None),
        # an office ruled out is not the one named ("not downtown" searched Downtown)
        ("not downtown", "north"),
        ("not the north one", "downtown"),
        ("the other one, not downtown", "north"),
        ("anywhere but downtown", "north"),
        ("cant do downtown", "north"),
        ("downtown not north", "downtown"),
        ("not sure, downtown?", "downtown"),
        ("i don't want downtown", "north"),
        ("no downtown please", "north"),
        ("i'd rather not drive downtown, north please", "north"),
        ("no, the downtown office is fine", "downtown"),
        ("i can't get to downtown, how do i get there", "downtown"),  # the way there
    ],
)
def test_find_location(text: str, expected: str | None) -> None:
    found = find_location(text, CLINIC)
    assert (found.id if found else None) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("I need my annual physical", "physical"),
        ("flu shot for me", "vaccination"),
        ("a pap smear", "womens_health"),
        ("my kid needs a sports physical", "well_child"),
        ("follow up on my blood pressure", "follow_up"),
        # "same day" is a time here (it booked a sick visit), a kind of visit there
        ("now the flu shot at 9:30 same day", "vaccination"),
        ("I need a same day appointment", "sick"),
        ("same day", "sick"),
        ("no, it's a flu shot not a sick visit", "vaccination"),  # the one denied is not it
        ("a physical instead of a sick visit", "physical"),
        ("i need a covid test", "sick"),  # a test done at that visit (done_at_visit)
        ("i need an appointment for my blood pressure", "follow_up"),
        ("flu shot, not a flu test", "vaccination"),
        ("hello", None),
    ],
)
def test_find_visit_type(text: str, expected: str | None) -> None:
    found = find_visit_type(text, CLINIC)
    assert (found.id if found else None) == expected


LABELS = [
    "Tue Dec 1, 9:00am · Dr. Priya Patel · North Office",
    "Tue Dec 1, 9:30am · Dr. Priya Patel · North Office",
    "Wed Dec 2, 2:00pm · Sam Lee, NP · North Office",
]


@pytest.mark.parametrize(
    ("text", "index"),
    [
        ("2", 1),
        ("option 3", 2),
        ("the first one", 0),
        ("second please", 1),
        ("the 9:30", 1),
        ("2:00pm works", 2),
        ("last one", 2),
        ("7", None),
        ("hmm", None),
        # no fourth time shown: the 9:00 (it was "reply with its number")
        ("9", 0),
        # typed in a hurry ("Please tap one of the options")
        ("the secnd one", 1),
        ("the frist one", 0),
        ("frist thing in the morning", None),
        # a time typed without its colon ("Which one works for you?")
        ("the 930 one", 1),
        ("ok 2pm then", 2),
        ("200pm", 2),
        ("1990", None),
        # "Which one works for you?" again
        ("ok 1", 0),
        ("1 then", 0),
        ("ok 2", 1),
    ],
)
def test_parse_choice(text: str, index: int | None) -> None:
    assert parse_choice(text, LABELS) == index


def test_noon_is_the_12_00_shown() -> None:
    labels = [*LABELS[:2], "Wed Dec 2, 12:00pm · Sam Lee, NP · North Office"]
    assert parse_choice("noon works", labels) == 2
    assert parse_choice("noon", LABELS) is None  # none shown at 12:00


SAME_TIMES = [
    "Thu Dec 3, 8:00am · Sam Lee, NP · North Office",
    "Thu Dec 3, 8:00am · Dr. Priya Patel · North Office",
    "Fri Dec 4, 5:00pm · Dr. Priya Patel · Downtown Clinic",
]


@pytest.mark.parametrize(
    ("text", "index"),
    # Two 8:00 times: the one with the clinician named (it showed the list again).
    [("8 with lee", 0), ("8 patel", 1), ("8", None), ("5", 2)],
)
def test_a_time_shown_twice_is_told_apart_by_the_clinician(text: str, index: int | None) -> None:
    assert parse_choice(text, SAME_TIMES) == index


def test_wants_anyone() -> None:
    assert wants_anyone("no preference")
    assert wants_anyone("whoever is free")
    assert wants_anyone("whatever's soonest")  # was asked "Who would you like to see?" again
    assert not wants_anyone("dr patel")


def test_phone_helpers() -> None:
    assert normalize_phone("(916) 555-0123") == "+19165550123"
    assert normalize_phone("1 916 555 0123") == "+19165550123"
    assert normalize_phone("12") is None
    assert find_phone("call me at 916.555.0123 thanks") == "+19165550123"
    assert phone_hash("(916) 555-0123", "k") == phone_hash("+19165550123", "k")
    assert phone_hash("+19165550123", "k") != phone_hash("+19165550123", "other")
    assert "5550123" not in phone_hash("+19165550123", "k")


@pytest.mark.parametrize(
    ("text", "index"),
    [
        ("hmm actually friday first thing", None),  # picked the first time shown, a Monday
        ("first week of january", None),
        ("last week of december", None),
        ("the first one", 0),
        ("the last one", 2),
        ("first available", 0),
    ],
)
def test_first_and_last_in_a_time_are_no_pick(text: str, index: int | None) -> None:
    labels = ["Mon Dec 7, 7:30am", "Tue Dec 8, 9:00am", "Fri Dec 11, 7:30am"]
    assert parse_choice(text, labels) == index


@pytest.mark.parametrize(
    "text",
    [
        "my doctor",
        "i need an appointment with my doctor",
        "i need to see a doctor this week for a sick visit",
        "whos the best doctor",
        "can i see the lady doctor",
        "is there a doctor on call",
        "any doctor",
    ],
)
def test_a_doctor_in_general_is_no_clinician(text: str) -> None:
    # All of these were a close spelling of "kids doctor" or "baby doctor": Dr. Okafor, who
    # sees children only, offered to adults.
    assert find_practitioner(text, CLINIC) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("dr okafr", "okafor"),
        ("pediatritian", "okafor"),
        ("gonzales", "gonzalez"),
        ("the baby doctor", "okafor"),
        ("sam lea", "lee"),
    ],
)
def test_misspelt_names_and_aliases_still_match(text: str, expected: str) -> None:
    found = find_practitioner(text, CLINIC)
    assert found is not None and found.id == expected


@pytest.mark.parametrize(
    ("text", "clinician"),
    [
        # the patient's own name chose a clinician who shares a word of it
        ("new patient here, maria santos, dob 03/14/1985, need a checkup", None),
        ("hi new patient, james carter, 2/2/1980, need a checkup", None),
        ("jordan lee 5/5/1990 need a physical no pref", None),
        ("my son sam needs a sick visit tomorrow", None),
        ("can my husband lee see dr gonzalez", "gonzalez"),
        ("Hi, I'm Maria Santos and I need a physical with Dr. Patel", "patel"),
        # a clinician named is still one
        ("sam lee", "lee"),
        ("i want to see sam lee on tuesday", "lee"),
        ("im emily johnson 4/12/88, book me with sam", "lee"),
        ("with dr okafor for my son sam nguyen 6/5/2017", "okafor"),
    ],
)
def test_a_patients_name_is_no_clinician(text: str, clinician: str | None) -> None:
    updates = read_search_details(text, [], CLINIC, None)
    assert updates.get("practitioner") == clinician


@pytest.mark.parametrize(
    "text",
    [
        "new patient, Quinn Marsh 03-14-1991 555 201 3345, need a physical on saturday",
        "new patient, Quinn Marsh 3/14/1991 (555) 201-3345, need a physical on saturday",
    ],
)
def test_a_phone_number_given_with_the_request_is_no_date(text: str) -> None:
    # "555 201 3345" hid "on saturday": "What day or time works best for you?" came next
    updates = read_search_details(text, [], CLINIC, None)
    when = parse_when(str(updates.get("date_preference")), CLINIC.now())
    assert when is not None and when.start.weekday() == 5 and when.start == when.end
