"""The one "undo" vocabulary: what each of its three readers takes as an undo, and what not."""

import pytest

from actions.undo_words import UNDO_A_CANCEL, UNDO_A_CHANGE, UNDO_A_MOVE, said_undo


@pytest.mark.parametrize(
    "text",
    [
        "oops undo that",
        "can you change it back",
        "i didn\u2019t mean to cancel it",
        "i didnt want it cancelled",
        "uncancel",
        "can i get my appointment back",
        "take that back",
        # ("Did you want to book an appointment?" after a cancellation)
        "wait no i only meant the flu shot, can you put the physical back",
        "put my appointment back please",
    ],
)
def test_an_undo_is_read_by_all_three(text: str) -> None:
    assert said_undo(UNDO_A_CHANGE, text)
    assert said_undo(UNDO_A_CANCEL, text)
    assert said_undo(UNDO_A_MOVE, text)


@pytest.mark.parametrize("text", ["wait no i didnt mean that, keep it!!", "keep my appointment"])
def test_keeping_it_undoes_only_a_cancellation(text: str) -> None:
    assert said_undo(UNDO_A_CANCEL, text)
    assert not said_undo(UNDO_A_MOVE, text)
    # Not a stop to the NLU guard: "keep it" also answers "Should I move it?".
    assert not said_undo(UNDO_A_CHANGE, text)


@pytest.mark.parametrize(
    "text", ["put it back to the original time", "move my appt back", "the earlier time please"]
)
def test_the_old_time_undoes_only_a_move(text: str) -> None:
    assert said_undo(UNDO_A_MOVE, text)
    if "put it back" not in text:
        assert not said_undo(UNDO_A_CANCEL, text)


@pytest.mark.parametrize(
    "text",
    [
        "can i move it to friday",
        "cancel my appointment",
        "i want to book a physical",
        "back to back please",
        "keep the tuesday one",
        "i'll be back in town next week",
    ],
)
def test_other_requests_are_no_undo(text: str) -> None:
    assert not said_undo(UNDO_A_CHANGE, text)
    assert not said_undo(UNDO_A_CANCEL, text)
    assert not said_undo(UNDO_A_MOVE, text)


@pytest.mark.parametrize(
    "text", ["put my appt back a week", "can you set my follow up back by an hour"]
)
def test_a_later_time_is_no_undo_of_a_cancellation(text: str) -> None:
    assert not said_undo(UNDO_A_CHANGE, text)
    assert not said_undo(UNDO_A_CANCEL, text)
