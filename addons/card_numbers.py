"""Payment card numbers typed into chat or SMS: found, and removed before anything stores them.

A patient paying a bill sometimes just types the card ("my visa is 4111 1111 1111 1111 exp
04/28 cvv 123"). Chat transcripts are read by staff and kept, so the number must never be
stored: :class:`addons.redacting_tracker_store.RedactingSQLTrackerStore` replaces it before
the tracker (and the console's live transcript) sees it, and the NLU component
:class:`addons.card_guard.CardNumberGuard` makes the assistant say why and how to pay safely.

A card number here is 13 to 19 digits, optionally in groups separated by single spaces,
dashes, dots or slashes, that passes the Luhn check. Phone numbers (10-11 digits), dates of
birth and amounts never match; a long number that fails the check is left alone.
"""

from __future__ import annotations

import re

REMOVED = "[card number removed]"
REMOVED_CODE = "[removed]"

# Runs of digit groups joined by single spaces, dashes, dots or slashes ("4111 1111 1111 1111",
# "4111-1111-...", "4111.1111...."); dates and phone numbers never have a card's grouping.
_DIGIT_RUN = re.compile(r"(?<![\d./-])\d+(?:[ ./-]\d+)*(?![\d])")
# The security code or expiry that follows a card number ("cvv 123", "exp 04/28").
_CARD_EXTRAS = re.compile(
    r"\b(?:cvv2?|cvc2?|cid|security code|sec code|csc)\s*(?:is|:|#|-)?\s*\d{3,4}\b",
    re.IGNORECASE,
)
# ... or straight after it ("4111 1111 1111 1111 123").
_CODE_AFTER = re.compile(re.escape(REMOVED) + r"([ -/]+)\d{3,4}\b")


def luhn_valid(digits: str) -> bool:
    """The check digit every payment card number carries (ISO/IEC 7812)."""
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char)
        if position % 2 == 1:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


def _card_grouping(groups: list[str]) -> bool:
    """Written the way cards are: one block of 13-19 digits, fours (the last one 1-4 digits,
    13-19 in all), or American Express / Diners 4-6-5 and 4-6-4. Other groupings are phone
    numbers, dates and references; leaving them out keeps the Luhn check's 1-in-10 chance
    hits rare."""
    lengths = [len(group) for group in groups]
    total = sum(lengths)
    if not 13 <= total <= 19:
        return False
    if len(lengths) == 1 or lengths in ([4, 6, 5], [4, 6, 4]):
        return True
    return all(n == 4 for n in lengths[:-1]) and 1 <= lengths[-1] <= 4


def _card_spans(text: str) -> list[tuple[int, int]]:
    """Where card numbers are; a number followed by more digits ("... 1111 123", the security
    code) is found by trying the longest grouping first, from each group on."""
    spans = []
    for run in _DIGIT_RUN.finditer(text):
        groups = [(m.start(), m.end()) for m in re.finditer(r"\d+", run.group())]
        first = 0
        while first < len(groups):
            found = None
            for last in range(len(groups) - 1, first - 1, -1):
                chosen = [run.group()[a:b] for a, b in groups[first : last + 1]]
                if _card_grouping(chosen) and luhn_valid("".join(chosen)):
                    found = last
                    break
            if found is None:
                first += 1
                continue
            offset = run.start()
            spans.append((offset + groups[first][0], offset + groups[found][1]))
            first = found + 1
    return spans


def has_card_number(text: str | None) -> bool:
    """True if the text holds something that is (by length and check digit) a card number."""
    return bool(text) and bool(_card_spans(text))  # type: ignore[arg-type]


def redact_card_numbers(text: str) -> str:
    """The text with every card number, and a security code given with one, replaced.

    Text without a card number comes back unchanged (a "cvv 123" alone is not a card).
    """
    spans = _card_spans(text)
    if not spans:
        return text
    for start, end in reversed(spans):
        text = text[:start] + REMOVED + text[end:]
    text = _CODE_AFTER.sub(lambda m: REMOVED + m.group(1) + REMOVED_CODE, text)
    return _CARD_EXTRAS.sub(REMOVED_CODE, text)
