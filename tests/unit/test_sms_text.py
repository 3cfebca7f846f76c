"""SMS text rules: carrier keywords, numbered options, plain text and splitting."""

import glob
import re

import pytest
import yaml

from actions.clinicians import BOOK_ONE
from addons import sms_text
from addons.sms_text import Option

OPTIONS = [
    Option("Book an appointment", "/book_appointment"),
    Option("My appointments", "/check_appointment"),
    Option("Billing", "/billing_balance"),
]


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("STOP", "opt_out"),
        ("stop", "opt_out"),
        (" Stop. ", "opt_out"),
        ("STOPALL", "opt_out"),
        ("unsubscribe", "opt_out"),
        ("Cancel", "opt_out"),
        ("end", "opt_out"),
        ("QUIT!", "opt_out"),
        ("START", "opt_in"),
        ("unstop", "opt_in"),
        ("HELP", "help"),
        ("info", "help"),
        ("cancel my appointment", None),
        ("please stop", None),
        ("I need help with my bill", None),
        ("stop sign on 12th street", None),
        ("yes", None),
        ("", None),
        # in words: told how (carriers want the keyword itself)
        ("stop texting me so much", "how_to_stop"),
        ("please don't text me anymore", "how_to_stop"),
        ("remove me from this list", "how_to_stop"),
        ("can you text me the address", None),
    ],
)
def test_only_exact_single_keywords_count(text: str, kind: str | None) -> None:
    assert sms_text.classify_keyword(text) == kind


def test_yes_resubscribes_only_a_number_that_opted_out() -> None:
    assert sms_text.classify_keyword("yes", opted_out=False) is None
    assert sms_text.classify_keyword("YES", opted_out=True) == "opt_in"


@pytest.mark.parametrize(
    ("answer", "payload"),
    [
        ("1", "/book_appointment"),
        (" 3 ", "/billing_balance"),
        ("#2", "/check_appointment"),
        ("2.", "/check_appointment"),
        ("option 3", "/billing_balance"),
        ("billing", "/billing_balance"),
        ("Book an appointment!", "/book_appointment"),
        ("4", None),
        ("0", None),
        ("I'd like to pay my bill", None),
    ],
)
def test_numbered_or_worded_answers_map_to_payloads(answer: str, payload: str | None) -> None:
    assert sms_text.match_option(answer, OPTIONS) == payload


def test_no_options_means_no_mapping() -> None:
    assert sms_text.match_option("1", []) is None


def test_buttons_become_numbered_options_and_markdown_goes() -> None:
    body = sms_text.render("**Hi!** See [the portal](https://pay.example.com/x).", OPTIONS[:2])
    assert body == (
        "Hi! See the portal: https://pay.example.com/x.\n\n"
        "Reply 1 for Book an appointment\nReply 2 for My appointments"
    )


def test_markdown_stripping_leaves_words_with_underscores_alone() -> None:
    assert sms_text.plain_text("_Note_: file snake_case_name.pdf, `code`, # Title") == (
        "Note: file snake_case_name.pdf, code, # Title"
    )
    assert sms_text.plain_text("# Heading\n* one\n* two") == "Heading\n- one\n- two"


def test_staff_replies_are_signed() -> None:
    assert sms_text.render("On my way.", staff_name="Alex") == "Alex (clinic staff): On my way."
    assert sms_text.render("Hi", staff_name="") == "Clinic staff (clinic staff): Hi"


def test_links_are_shortened_only_when_the_message_is_too_long() -> None:
    url = "https://www.maplegrovehealth.example/pay/?utm_source=sms&utm_medium=bot&id=7"
    assert url in sms_text.render(f"Pay here: {url}")
    long = sms_text.render(f"Pay here: {url} " + "x " * 800)
    assert "maplegrovehealth.example/pay/?id=7" in long
    assert "https://" not in long and "utm_" not in long


def test_short_messages_are_not_split() -> None:
    assert sms_text.split("hello") == ["hello"]
    assert sms_text.split("x" * 1600) == ["x" * 1600]


def test_long_messages_split_at_sentences_and_are_numbered() -> None:
    sentence = "Your appointment is confirmed for Tuesday at ten in the morning. "
    body = (sentence * 60).strip()
    parts = sms_text.split(body)
    assert len(parts) == 3
    assert all(len(p) <= 1600 for p in parts)
    assert [p[:6] for p in parts] == ["(1/3) ", "(2/3) ", "(3/3) "]
    assert all(p.endswith("morning.") for p in parts)
    rejoined = " ".join(p[6:] for p in parts)
    assert rejoined == body


def test_words_are_never_cut_and_a_giant_word_is_cut_hard() -> None:
    body = " ".join(["appointment"] * 400)
    parts = sms_text.split(body)
    assert all(len(p) <= 1600 for p in parts)
    assert all(p.split(" ", 1)[1].split(" ")[0] == "appointment" for p in parts)
    giant = sms_text.split("x" * 5000)
    assert all(len(p) <= 1600 for p in giant) and len(giant) == 4


def test_many_parts_keep_the_limit_with_two_digit_numbers() -> None:
    parts = sms_text.split("word " * 4000)
    assert len(parts) >= 10
    assert all(len(p) <= 1600 for p in parts)
    assert parts[-1].startswith(f"({len(parts)}/{len(parts)}) ")


def _web_wordings() -> list[str]:
    """Every response text in domain/ and the action texts that ask for a tap."""
    texts = [BOOK_ONE]
    for path in sorted(glob.glob("domain/*.yml")):
        responses = (yaml.safe_load(open(path, encoding="utf-8")) or {}).get("responses") or {}
        for variants in responses.values():
            texts += [str(v.get("text") or "") for v in variants]
    return [t for t in texts if re.search(r"\btap\b", t, re.IGNORECASE)]


def test_no_tap_is_asked_for_on_sms() -> None:
    """A phone shows numbered options, not buttons: every "tap ..." is worded for SMS."""
    wordings = _web_wordings()
    assert len(wordings) >= 8  # the clinicians' list, the choice reminders, the greetings...
    for text in wordings:
        said = sms_text.render(text, [Option("Yes", "/affirm")])
        assert not re.search(r"\btap\b", said, re.IGNORECASE), said


def test_the_clinicians_list_asks_for_a_number_on_sms() -> None:
    options = [Option("Book with Dr. Patel", "/book_appointment")]
    said = sms_text.render(
        "All of them welcome new patients. Tap a name to book with them.", options
    )
    assert said == (
        "All of them welcome new patients. Reply with a number to book with them.\n\n"
        "Reply 1 for Book with Dr. Patel"
    )
    # a staff member's own words are sent as written
    assert "Tap a name" in sms_text.render("Tap a name to book with them.", staff_name="Dana")
