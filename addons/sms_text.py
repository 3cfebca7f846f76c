"""Text rules for SMS: carrier keywords, numbered options, plain text, and splitting.

Pure functions, so every rule is tested without a server.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

# Twilio's default keywords (its "Advanced Opt-Out" list). Only a message that is exactly one
# keyword counts: "cancel my appointment" is a patient request, "CANCEL" alone is an opt-out
# (Twilio itself treats it so, and blocks further messages to that number).
OPT_OUT_KEYWORDS = frozenset({"STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT"})
OPT_IN_KEYWORDS = frozenset({"START", "UNSTOP"})
# "YES" re-subscribes only a number that has opted out; otherwise it is a patient's answer.
OPT_IN_IF_OPTED_OUT = frozenset({"YES"})
HELP_KEYWORDS = frozenset({"HELP", "INFO"})

SMS_MAX_CHARS = 1600  # Twilio's limit for one message body
INBOUND_MAX_CHARS = 1600


def keyword(text: str) -> str:
    """The message as a possible keyword: trimmed, upper-case, trailing punctuation removed."""
    return re.sub(r"[\s.!]+$", "", (text or "").strip()).upper()


# "stop texting me", "remove me from your list": a wish to opt out, not the keyword itself.
WANTS_NO_TEXTS = re.compile(
    r"\b(stop|quit|don'?t|don’t|do not|never) (texting|txting|text|messaging|message|"
    r"sending me (texts|messages))( me)?\b"
    r"|\b(unsubscribe|remove|take) me\b|\bno more (texts|messages)\b|\bopt (me )?out\b",
    re.IGNORECASE,
)


def classify_keyword(text: str, opted_out: bool = False) -> str | None:
    """``"opt_out"``, ``"opt_in"``, ``"help"``, ``"how_to_stop"`` (asks in words to stop the
    texts, which carriers want done by the keyword alone) or None for an ordinary message."""
    word = keyword(text)
    if word in OPT_OUT_KEYWORDS:
        return "opt_out"
    if word in OPT_IN_KEYWORDS or (opted_out and word in OPT_IN_IF_OPTED_OUT):
        return "opt_in"
    if word in HELP_KEYWORDS:
        return "help"
    if WANTS_NO_TEXTS.search(text or ""):
        return "how_to_stop"
    return None


@dataclass(frozen=True)
class Option:
    """One button, as an SMS patient sees it: a number and a title; Rasa gets the payload."""

    title: str
    payload: str


def options_from_buttons(buttons: list[dict[str, Any]]) -> list[Option]:
    return [
        Option(str(b.get("title") or b.get("payload") or ""), str(b.get("payload") or ""))
        for b in buttons
        if isinstance(b, dict) and (b.get("payload") or b.get("title"))
    ]


def fold(text: str) -> str:
    """Lower case, punctuation as spaces, single spaces: how a typed title is compared."""
    return " ".join(re.sub(r"[^\w\s]", " ", text.casefold()).split())


def match_option(text: str, options: list[Option]) -> str | None:
    """The payload the patient chose by number (``2``, ``#2``, ``2.``) or by the title's words."""
    if not options:
        return None
    answer = fold(text)
    number = re.fullmatch(r"(?:option |number |no )?(\d{1,2})", answer)
    if number:
        index = int(number.group(1))
        return options[index - 1].payload if 1 <= index <= len(options) else None
    for option in options:
        if answer and answer == fold(option.title):
            return option.payload or option.title
    return None


_LINK = re.compile(r"\[([^\]]+)\]\((\S+?)\)")
_URL = re.compile(r"https?://[^\s)>\]]+")


def plain_text(text: str) -> str:
    """Markdown → what a phone shows well: no asterisks, links written out."""
    text = _LINK.sub(
        lambda m: m.group(2) if m.group(1) == m.group(2) else f"{m.group(1)}: {m.group(2)}",
        text or "",
    )
    text = re.sub(r"(\*\*|__)(.+?)\1", r"\2", text)
    text = re.sub(r"(?<![\w*])\*(?!\s)(.+?)(?<!\s)\*(?![\w*])", r"\1", text)
    text = re.sub(r"(?<![\w_])_(?!\s)(.+?)(?<!\s)_(?![\w_])", r"\1", text)
    text = re.sub(r"`([^`]*)`", r"\1", text)
    text = re.sub(r"(?m)^\s{0,3}#{1,6}\s+", "", text)
    text = re.sub(r"(?m)^(\s*)[*+]\s+", r"\1- ", text)
    return re.sub(r"\n{3,}", "\n\n", text).strip()


# A phone shows numbered options, not buttons: "Tap a name to book with them." above "Reply 1
# for Book with Dr. Patel" asked for a tap a text message cannot take. Each web wording of
# the responses and actions, as said on SMS (tests/unit/test_sms_text.py checks that no "tap"
# is left in any of them).
SMS_WORDING = (
    (r"\bTap a name to book with them\.", "Reply with a number to book with them."),
    (
        r"\bPlease tap one of the options, or reply with its number\.",
        "Please reply with the number of one of the options.",
    ),
    (r"\btap it, or reply with its number\b", "reply with its number"),
    (r"\btap a time, reply with its number,", "reply with a time's number,"),
    (r"\bTap one of the options, or\b", "Reply with an option's number, or"),
    (r"\btap \"New patient\"", 'reply "New patient"'),
    (r"\btap below\.", "reply with the number below."),
    (r"\bor tap one of these\.", "or reply with one of the numbers below."),
    (r"\bor tap a button\.", "or reply with a number when I list options."),
    (r"\bOr tap one of the buttons\s+below\.", "Or reply with one of the numbers below."),
)
_SMS_WORDING = [(re.compile(pattern), said) for pattern, said in SMS_WORDING]


def sms_wording(text: str) -> str:
    """``text`` with its web wording ("tap a name") as an SMS patient can act on it."""
    for pattern, said in _SMS_WORDING:
        text = pattern.sub(said, text)
    return text


def _short_url(url: str) -> str:
    base, _, query = url.partition("?")
    kept = [p for p in query.split("&") if p and not p.lower().startswith("utm_")]
    url = base + ("?" + "&".join(kept) if kept else "")
    return re.sub(r"^https?://(www\.)?", "", url).rstrip("/")


def shorten_links(text: str) -> str:
    """Links without scheme, ``www.`` and tracking parameters (phones still recognise them)."""
    return _URL.sub(lambda m: _short_url(m.group(0)), text)


def render(
    text: str,
    options: list[Option] | None = None,
    staff_name: str | None = None,
) -> str:
    """One bot message as SMS text: plain, options numbered, staff replies signed."""
    body = plain_text(text) if staff_name is not None else sms_wording(plain_text(text))
    if staff_name is not None:
        body = f"{staff_name or 'Clinic staff'} (clinic staff): {body}"
    if options:
        lines = "\n".join(f"Reply {i} for {o.title}" for i, o in enumerate(options, 1))
        body = f"{body}\n\n{lines}" if body else lines
    if len(body) > SMS_MAX_CHARS:
        body = shorten_links(body)
    return body


def _cut(text: str, size: int) -> int:
    """Where to end a part of at most ``size`` characters: paragraph, sentence, word, or hard."""
    window = text[: size + 1]
    for pattern, floor in ((r"\n\s*\n", size // 2), (r"[.!?…]\s|\n", size // 3), (r"\s", 1)):
        ends = [m.end() for m in re.finditer(pattern, window) if floor <= m.end() <= size]
        if ends:
            return ends[-1]
    return size


def split(body: str, limit: int = SMS_MAX_CHARS) -> list[str]:
    """Parts of at most ``limit`` characters, numbered ``(1/3)`` when there is more than one."""
    body = body.strip()
    if len(body) <= limit:
        return [body]
    total = 2
    while True:
        size = limit - len(f"({total}/{total}) ")
        parts: list[str] = []
        rest = body
        while rest:
            if len(rest) <= size:
                parts.append(rest)
                break
            end = _cut(rest, size)
            parts.append(rest[:end].rstrip())
            rest = rest[end:].lstrip()
        if len(str(len(parts))) <= len(str(total)):
            return [f"({i}/{len(parts)}) {part}" for i, part in enumerate(parts, 1)]
        total = len(parts)
