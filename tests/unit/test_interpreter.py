"""An interpreter asked for in the chat (actions/interpreter.py)."""

from __future__ import annotations

import pytest

from actions.interpreter import interpreter_needed, interpreter_note, interpreter_phrase


@pytest.mark.parametrize(
    ("texts", "language"),
    [
        (["i need a sick visit and i need a spanish interpreter"], "Spanish"),
        (["hablo solo español, necesito una cita"], "Spanish"),
        (["my mom only speaks vietnamese"], "Vietnamese"),
        (["book a physical", "i need an asl interpreter"], "American Sign Language (ASL)"),
        (["my dad doesnt speak english"], ""),  # a language to confirm
        (["do you have interpreters?"], None),  # a question, not a need
        (["just speak to someone"], None),
        (["/book_appointment", "book a physical"], None),
    ],
)
def test_the_interpreter_asked_for(texts: list[str], language: str | None) -> None:
    assert interpreter_needed(texts) == language


def test_how_the_interpreter_is_written() -> None:
    assert interpreter_phrase("Spanish") == "a Spanish interpreter"
    assert interpreter_phrase("American Sign Language (ASL)") == (
        "an American Sign Language (ASL) interpreter"
    )
    assert interpreter_phrase("") == "an interpreter"
    assert interpreter_note("") == "Interpreter needed: language to confirm with the patient"
