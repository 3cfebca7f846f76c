"""An interpreter asked for in the chat, noted on the appointment booked.

The interpreter answer (domain/faq.yml) says "just tell us which language you need when you
book (you can write it right here)"; "i will need a spanish interpreter" mid-booking was then
noted nowhere. Now any such request in the session goes on the FHIR Appointment's ``comment``
(where front-desk systems show it) and is repeated back after the booking.
"""

from __future__ import annotations

import re

from rasa_sdk import Tracker

INTERPRETER_ASKED = re.compile(
    r"\b(interpreters?|interpretors?|translators?|interpretation|int[eé]rpretes?|traductor(es|a)?|"
    r"sign language|asl|i('m| am) deaf|"
    r"(don'?t|doesn'?t|do not|does not|no) (speak|speaks) (english|much english|english well)|"
    r"no hablo ingl[eé]s|hablo solo)\b",
    re.IGNORECASE,
)
# "my mom only speaks vietnamese" (with a language named: "just speak to someone" is not).
SPEAKS_ONLY = re.compile(r"\b(only|just|mostly) (speak|speaks|habla|hablo) (\w+)", re.IGNORECASE)
# Languages as patients write them, and as written on the appointment.
LANGUAGES = {
    "Spanish": r"spanish|espa[nñ]ol|castellano",
    "American Sign Language (ASL)": r"asl|sign language|deaf",
    "Vietnamese": r"vietnamese",
    "Mandarin": r"mandarin",
    "Cantonese": r"cantonese",
    "Chinese": r"chinese",
    "Russian": r"russian",
    "Ukrainian": r"ukrainian",
    "Punjabi": r"punjabi",
    "Hmong": r"hmong",
    "Tagalog": r"tagalog|filipino",
    "Arabic": r"arabic",
    "Farsi": r"farsi|persian",
    "Dari": r"dari",
    "Pashto": r"pashto",
    "Korean": r"korean",
    "Japanese": r"japanese",
    "Portuguese": r"portuguese",
    "French": r"french",
    "Hindi": r"hindi",
    "Urdu": r"urdu",
    "Lao": r"lao|laotian",
    "Khmer": r"khmer|cambodian",
    "Somali": r"somali",
    "Amharic": r"amharic",
    "Armenian": r"armenian",
}


def interpreter_needed(texts: list[str]) -> str | None:
    """The language of the interpreter the messages ask for ("Spanish"), "" for an interpreter
    of no language named, None when none is asked for."""
    for text in reversed(texts):
        if text.startswith("/"):
            continue
        only = SPEAKS_ONLY.search(text)
        spoken = language_in(only.group(3)) if only else None
        if spoken and spoken != "English":
            return spoken
        if INTERPRETER_ASKED.search(text):
            language = language_in(text)
            if language:
                return language
            if NEEDED.search(text):  # not "do you have interpreters?"
                return ""
    return None


NEEDED = re.compile(
    r"\b(need|needs|want|wants|require|requires|would like|'d like|please|necesito|necesita|"
    r"speak|speaks|deaf|hablo)\b",
    re.IGNORECASE,
)


def language_in(text: str) -> str | None:
    """The (non-English) language a text names, as written on the appointment."""
    for language, words in LANGUAGES.items():
        if re.search(rf"\b({words})\b", text, re.IGNORECASE):
            return language
    return None


def session_texts(tracker: Tracker) -> list[str]:
    """The patient's messages in this conversation session."""
    texts: list[str] = []
    for event in tracker.events:
        if event.get("event") == "session_started":
            texts = []
        elif event.get("event") == "user":
            texts.append(str(event.get("text") or ""))
    return texts


def interpreter_note(language: str) -> str:
    """What the appointment's comment says."""
    return f"Interpreter needed: {language or 'language to confirm with the patient'}"


def interpreter_phrase(language: str) -> str:
    """ "a Spanish interpreter", "an American Sign Language (ASL) interpreter", "an
    interpreter"."""
    if not language:
        return "an interpreter"
    article = "an" if language[0] in "AEIOU" else "a"
    return f"{article} {language} interpreter"
