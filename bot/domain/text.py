"""Text members type: the one rule for what is stored and what counts as empty.

Every free-text field (goal titles, check-in notes, questionnaire answers, session topics and
reflections) goes through here before it is stored, so a value looks the same in every list,
prompt and profile that shows it:

* Unicode NFC, with control characters (except line breaks and tabs in paragraphs) and lone
  surrogates dropped, and Windows line endings made plain;
* invisible edges trimmed: whitespace, zero-width and other format characters (a BOM, a word
  joiner) and the "blank letters" members use to look empty (the Hangul filler);
* nothing visible counts as empty: a required field refuses it with a message naming the
  field, an optional one stores nothing. Zero-width joiners *inside* the text are kept: they
  build emoji and some scripts.

The messages are in the current language (the member's, in an interaction); `field` is the
caller's name for the field in that language.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from typing import Final

from bot.i18n import Text, _, number, translated

__all__ = [
    "MemberTextError",
    "TooLong",
    "clean_member_text",
    "clean_optional_text",
    "has_visible_text",
    "normalise",
]

# Characters that draw nothing although Unicode files them as letters or symbols; members use
# them to make a name or an answer look blank.
_BLANK_LETTERS: Final = frozenset("\u115f\u1160\u3164\uffa0\u2800\u17b4\u17b5")
_WHITESPACE_RUN: Final = re.compile(r"\s+")


class MemberTextError(ValueError):
    """Text the member should write again; `str()` is the message, and it names the field."""

    def __init__(self, message: str, field: str) -> None:
        super().__init__(message)
        self.message = message
        self.field = field

    def __str__(self) -> str:
        return self.message


def _visible(char: str) -> bool:
    if char in _BLANK_LETTERS:
        return False
    category = unicodedata.category(char)
    return category[0] in "LNPS" or category == "Co"


def has_visible_text(text: str) -> bool:
    """Whether anything would show: not only spaces, zero-width or format characters."""
    return any(_visible(c) for c in text)


def _edge_blank(char: str) -> bool:
    return char.isspace() or char in _BLANK_LETTERS or unicodedata.category(char) in ("Cf", "Zs")


def normalise(raw: str, *, one_line: bool) -> str:
    """The text as stored, or "" when nothing in it is visible.

    Line breaks survive in paragraphs; a one-line value has every whitespace run turned into
    one space. Control characters go before composing, so the result is always NFC.
    """
    text = raw.replace("\r\n", "\n").replace("\r", "\n")
    kept = []
    for char in text:
        category = unicodedata.category(char)
        if category == "Cs" or (category == "Cc" and char not in "\n\t"):
            continue
        kept.append(char)
    text = unicodedata.normalize("NFC", "".join(kept))
    if one_line:
        text = _WHITESPACE_RUN.sub(" ", text)
    start, end = 0, len(text)
    while start < end and _edge_blank(text[start]):
        start += 1
    while end > start and _edge_blank(text[end - 1]):
        end -= 1
    text = text[start:end]
    return text if has_visible_text(text) else ""


def _blank_message(raw: str, field: str, empty: str | Text | None) -> str:
    if raw.strip():
        return _(
            "What you wrote for “{field}” shows nothing: it has only invisible characters "
            "(such as zero-width spaces). Please write it in words.",
            field=field,
        )
    return translated(empty) if empty else _("Please write something for “{field}”.", field=field)


TooLong = str | Callable[[str, str], str]
"""The message for an over-long value: a function of the length and the limit, both given
as numbers written for the current language (it returns e.g. `_("… {length} … {max_len}",
length=length, max_len=max_len)`), or an untranslated template with `{field}`, `{length}`
and `{max_len}`."""


def _check_length(text: str, field: str, max_len: int, too_long: TooLong | None) -> str:
    if len(text) <= max_len:
        return text
    length, limit = number(len(text), digits=0), number(max_len, digits=0)
    if too_long is None:
        message = _(
            "Your answer to “{field}” is {length} characters; please keep it under {max_len}.",
            field=field,
            length=length,
            max_len=limit,
        )
    elif isinstance(too_long, str):
        message = too_long.format(field=field, length=len(text), max_len=max_len)
    else:
        message = too_long(length, limit)
    raise MemberTextError(message, field)


def clean_member_text(
    raw: str | None,
    *,
    field: str,
    max_len: int,
    one_line: bool = True,
    empty: str | Text | None = None,
    too_long: TooLong | None = None,
) -> str:
    """A required field as stored: normalised, with something visible, at most `max_len`.

    Raises `MemberTextError` naming `field`. `empty` replaces the message for a field left
    empty (or only spaces); `too_long` the one for an over-long value (see `TooLong`). Text
    with only invisible characters always gets the message that says so.
    """
    text = normalise(raw or "", one_line=one_line)
    if not text:
        raise MemberTextError(_blank_message(raw or "", field, empty), field)
    return _check_length(text, field, max_len, too_long)


def clean_optional_text(
    raw: str | None,
    *,
    field: str,
    max_len: int,
    one_line: bool = True,
    too_long: TooLong | None = None,
) -> str:
    """An optional field as stored: "" when nothing visible was written, else as
    `clean_member_text` cleans it."""
    text = normalise(raw or "", one_line=one_line)
    return _check_length(text, field, max_len, too_long) if text else ""
