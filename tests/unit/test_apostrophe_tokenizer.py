"""The NLU tokenizer reads "what's", "whats" and "what’s" as the same word, and keeps positions."""

from __future__ import annotations

from pathlib import Path

import pytest
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message

from addons import apostrophe_tokenizer
from addons.apostrophe_tokenizer import ApostropheFreeTokenizer


def _tokens(text: str) -> list[tuple[str, int, int]]:
    tokenizer = ApostropheFreeTokenizer(ApostropheFreeTokenizer.get_default_config())
    tokens = tokenizer.tokenize(Message(data={TEXT: text}), TEXT)
    return [(token.text, token.start, token.end) for token in tokens]


@pytest.mark.parametrize(
    "spellings",
    [
        ("what's my balance", "whats my balance", "what\u2019s my balance"),
        ("I'll take option two", "Ill take option two", "I\u2018ll take option two"),
        ("i can't make it, i'm sick", "i cant make it, im sick", "i can`t make it, i\u02bcm sick"),
    ],
)
def test_every_spelling_gives_the_same_words(spellings: tuple[str, ...]) -> None:
    words = [[text for text, _, _ in _tokens(spelling)] for spelling in spellings]
    assert words[0] == words[1] == words[2]
    assert all("'" not in word and "\u2019" not in word for word in words[0])


def test_positions_and_lemmas_still_point_at_what_was_typed() -> None:
    """Entities are cut from the message by position: "O'Brien" must stay "O'Brien" there."""
    text = "book Mary Ann O'Brien's physical"
    tokenizer = ApostropheFreeTokenizer(ApostropheFreeTokenizer.get_default_config())
    tokens = tokenizer.tokenize(Message(data={TEXT: text}), TEXT)
    assert [t.text for t in tokens] == ["book", "Mary", "Ann", "OBriens", "physical"]
    assert [t.lemma for t in tokens] == [t.text for t in tokens]
    assert text[tokens[3].start : tokens[3].end] == "O'Brien's"


def test_words_without_apostrophes_are_whitespace_tokens() -> None:
    assert _tokens("need appt tmrw 9am") == [
        ("need", 0, 4),
        ("appt", 5, 9),
        ("tmrw", 10, 14),
        ("9am", 15, 18),
    ]


def test_the_fingerprint_follows_the_code(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Rasa fingerprints a component by name and settings: without this, a change to the
    # tokenizer reused the model trained with the old tokens.
    today = ApostropheFreeTokenizer.fingerprint_addon({})
    assert today and today == ApostropheFreeTokenizer.fingerprint_addon({})
    edited = tmp_path / "apostrophe_tokenizer.py"
    source = Path(apostrophe_tokenizer.__file__).read_text()
    one_more = source.replace("frozenset(", 'frozenset("\\u201b" + ', 1)  # one apostrophe more
    assert one_more != source
    edited.write_text(one_more)
    monkeypatch.setattr(apostrophe_tokenizer, "__file__", str(edited))
    assert ApostropheFreeTokenizer.fingerprint_addon({}) not in (None, today)
