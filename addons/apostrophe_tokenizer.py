"""Rasa NLU tokenizer: Rasa's WhitespaceTokenizer, with apostrophes left out of each token.

Patients on phones type "whats", "dont", "im" as often as "what's", "don't", "I'm", and curly
apostrophes (’) as often as straight ones. To the featurizers those were different words: on the
held-out messages with an apostrophe, one in ten got another intent once the apostrophe was
dropped ("I'll take option two" became an insurance question). Token texts without apostrophes
make the model read all spellings alike.

Only the token texts change: the message text stays, and each token's start and end point at
the word as typed, so entities keep their exact words ("O'Brien") and the rule layers after the
model read what the patient typed.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.tokenizers.tokenizer import Token
from rasa.nlu.tokenizers.whitespace_tokenizer import WhitespaceTokenizer
from rasa.shared.nlu.training_data.message import Message

# Straight, curly and modifier-letter apostrophes, and the backtick some keyboards give.
APOSTROPHES = frozenset("'\u2019\u2018\u02bc`")


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_TOKENIZER, is_trainable=False)
class ApostropheFreeTokenizer(WhitespaceTokenizer):
    """Whitespace tokens of the text without its apostrophes, placed on the text as typed.

    Rasa's own tokenizer splits "what's" into "what" and "s" but keeps "whats" whole, so the
    apostrophes are taken out before it runs, and each token's start and end are mapped back.
    """

    @classmethod
    def fingerprint_addon(cls, config: dict[str, Any]) -> str | None:
        """This file's code: Rasa fingerprints a component by its name and settings only, so
        a change to how tokens are made would reuse the model trained with the old tokens."""
        return hashlib.sha256(Path(__file__).read_bytes()).hexdigest()

    def tokenize(self, message: Message, attribute: str) -> list[Token]:
        text = message.get(attribute)
        if not isinstance(text, str):
            return super().tokenize(message, attribute)
        kept = [index for index, char in enumerate(text) if char not in APOSTROPHES]
        bare = "".join(text[index] for index in kept)
        if len(kept) == len(text) or not bare.strip():
            return super().tokenize(message, attribute)
        tokens = super().tokenize(Message(data={attribute: bare}), attribute)
        for token in tokens:
            token.start, token.end = kept[token.start], kept[token.end - 1] + 1
        return tokens
