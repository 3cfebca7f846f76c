"""Whose a request is (actions/request_context.py): the writer's own, or a relative's."""

from __future__ import annotations

import pytest

from actions.request_context import about_someone_else


@pytest.mark.parametrize(
    "text",
    [
        "Hi, this is Maria Lopez, when is my son's appointment?",
        # the relative named first, then "his"/"her" (Robert was told "You have ...")
        "hi my dad has dementia and i handle his appointments, can i cancel his tuesday visit",
        "my mom is in the hospital. please cancel her appointment",
        "my son is sick, can you see him today",
    ],
)
def test_a_request_about_a_relative_is_someone_else_s(text: str) -> None:
    assert about_someone_else(text)


@pytest.mark.parametrize(
    "text",
    [
        "What's my balance and what does my son owe?",
        "book me a physical, my wife said i need one",
        "my wife told me to call, can you cancel my appointment",
        "when is her appointment",  # no relative named: whose is not known
    ],
)
def test_the_writer_s_own_request_is_not(text: str) -> None:
    assert not about_someone_else(text)
