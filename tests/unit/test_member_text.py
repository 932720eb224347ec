"""The one rule for member text: NFC, trimmed, and nothing visible counts as empty."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.domain.text import (
    MemberTextError,
    clean_member_text,
    clean_optional_text,
    has_visible_text,
    normalise,
)

NOTHING_VISIBLE = [
    "\u200b\u200d",  # zero-width space, joiner
    "\u200b\u200c\u200d",
    "\ufeff\u2060",  # BOM, word joiner
    "\u3164",  # Hangul filler: a "letter" that draws nothing
    "\u2800 \u115f",  # braille blank, Hangul choseong filler
    "\u00ad\u180e",  # soft hyphen, Mongolian vowel separator
    "\x00\x07",  # control characters only
    "\u0301",  # a combining mark with nothing to sit on
]


@pytest.mark.parametrize(
    ("raw", "one_line", "expected"),
    [
        ("Lead my first team", True, "Lead my first team"),
        ("  Lead\n my\t team ", True, "Lead my team"),
        ("Cafe\u0301 chat", True, "Café chat"),
        ("e\x00\u0301", True, "é"),  # controls go before composing
        ("\u200bLead\u200b", True, "Lead"),
        ("\ufeffLead", True, "Lead"),
        ("👩\u200d💻 pairing", True, "👩\u200d💻 pairing"),  # a joiner inside is kept
        ("\n first\r\n  second \n", False, "first\n  second"),
        ("a\tb\x07c", False, "a\tbc"),
    ],
)
def test_normalise(raw: str, one_line: bool, expected: str) -> None:
    assert normalise(raw, one_line=one_line) == expected


@pytest.mark.parametrize("raw", ["", "   ", "\n\t", *NOTHING_VISIBLE])
def test_nothing_visible_is_empty(raw: str) -> None:
    assert not has_visible_text(normalise(raw, one_line=False))
    assert normalise(raw, one_line=True) == ""
    assert clean_optional_text(raw, field="Note", max_len=10) == ""


@pytest.mark.parametrize("raw", NOTHING_VISIBLE)
def test_a_required_field_of_invisible_characters_is_refused_by_name(raw: str) -> None:
    with pytest.raises(MemberTextError, match="“Your goal” shows nothing") as caught:
        clean_member_text(raw, field="Your goal", max_len=200)
    assert caught.value.field == "Your goal"


def test_messages_name_the_field_and_may_be_worded_by_the_caller() -> None:
    with pytest.raises(MemberTextError, match="Please write something for “Bio”"):
        clean_member_text("  ", field="Bio", max_len=10)
    with pytest.raises(MemberTextError, match="in a few words"):
        clean_member_text("  ", field="Goal", max_len=10, empty="Write it in a few words.")
    with pytest.raises(MemberTextError, match="“Bio” is 11 characters; please keep it under 10"):
        clean_member_text("x" * 11, field="Bio", max_len=10)
    with pytest.raises(MemberTextError, match="That is 1,001; keep it to 1,000"):
        clean_optional_text(
            "x" * 1001,
            field="Note",
            max_len=1000,
            too_long="That is {length:,}; keep it to {max_len:,}",
        )
    with pytest.raises(MemberTextError, match="Please write something for “Bio”"):
        clean_member_text(None, field="Bio", max_len=10)


MEMBER_TEXT = st.text(
    alphabet=st.characters(codec="utf-8")
    | st.characters()
    | st.sampled_from("\u200b\u200d\u3164\ufeff\u2060\x00\r\n\t \u0301")
)


@given(raw=MEMBER_TEXT, one_line=st.booleans(), max_len=st.integers(min_value=1, max_value=50))
def test_the_cleaner_returns_visible_nfc_text_or_refuses_with_our_error(
    raw: str, one_line: bool, max_len: int
) -> None:
    try:
        text = clean_member_text(raw, field="Answer", max_len=max_len, one_line=one_line)
    except MemberTextError as exc:
        assert exc.message and "“Answer”" in exc.message
        return
    assert unicodedata.is_normalized("NFC", text)
    assert has_visible_text(text)
    assert 1 <= len(text) <= max_len
    assert text == text.strip()
    assert not any(unicodedata.category(c) in ("Cs",) for c in text)
    assert "\r" not in text and (not one_line or "\n" not in text)
    # Stored text cleans to itself, so it can be checked again later.
    assert clean_member_text(text, field="Answer", max_len=max_len, one_line=one_line) == text


@given(raw=MEMBER_TEXT)
def test_optional_text_is_empty_exactly_when_nothing_shows(raw: str) -> None:
    text = clean_optional_text(raw, field="Note", max_len=10_000, one_line=False)
    assert (text == "") == (not has_visible_text(normalise(raw, one_line=False)))
    assert unicodedata.is_normalized("NFC", text)
