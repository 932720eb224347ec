"""The current language and the catalogue lookups (see the package docstring)."""

from __future__ import annotations

import functools
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from gettext import GNUTranslations, NullTranslations
from io import BytesIO
from pathlib import Path
from typing import Literal, TypeGuard, get_args

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

Language = Literal["en", "zh-CN"]
LANGUAGES: tuple[Language, ...] = get_args(Language)
DEFAULT: Language = "en"

LOCALES = Path(__file__).with_name("locales")
"""One folder per language (`en`, `zh_CN`), one `.po` file per area of the bot in each."""

FOLDERS: dict[Language, str] = {"en": "en", "zh-CN": "zh_CN"}
BABEL_LOCALES: dict[Language, str] = {"en": "en", "zh-CN": "zh_Hans_CN"}
_NAMES: dict[Language, str] = {"en": "English", "zh-CN": "简体中文"}

_current: ContextVar[Language] = ContextVar("language", default=DEFAULT)


def is_language(value: object) -> TypeGuard[Language]:
    return value in LANGUAGES


def from_locale(locale: object) -> Language:
    """Our language for a Discord locale (`zh-CN` → Simplified Chinese; anything else,
    including none, → English)."""
    text = str(getattr(locale, "value", locale) or "")
    return "zh-CN" if text.lower() in ("zh-cn", "zh_cn", "zh-hans", "zh") else "en"


def language_name(lang: Language) -> str:
    """A language's name in that language, as a menu shows it to someone who reads it."""
    return _NAMES[lang]


def current_language() -> Language:
    return _current.get()


def set_language(lang: Language) -> None:
    """Answer in `lang` for the rest of the current task (an interaction's handler)."""
    _current.set(lang)


@contextmanager
def language(lang: Language) -> Iterator[None]:
    """Answer in `lang` inside the block: a message built for someone else than the member
    being answered (a scheduled prompt, the partner's DM, the director log)."""
    token = _current.set(lang)
    try:
        yield
    finally:
        _current.reset(token)


@functools.cache
def translations(lang: Language) -> NullTranslations:
    """Every `.po` file of `lang`, compiled in memory and merged (empty entries fall back to
    the English in the code)."""
    merged: GNUTranslations | None = None
    for path in sorted((LOCALES / FOLDERS[lang]).glob("*.po")):
        with path.open("rb") as source:
            catalog = read_po(source, locale=BABEL_LOCALES[lang])
        for message in list(catalog):
            # An entry still to translate falls back to the English in the code: Babel leaves
            # out an empty msgstr, but would compile a plural one with empty forms as "".
            forms = message.string
            if message.id and isinstance(forms, tuple | list) and not all(forms):
                catalog.delete(message.id)
        compiled = BytesIO()
        write_mo(compiled, catalog)
        compiled.seek(0)
        part = GNUTranslations(compiled)
        if merged is None:
            merged = part
        else:
            merged._catalog.update(part._catalog)  # type: ignore[attr-defined]
    return merged if merged is not None else NullTranslations()


def _fill(text: str, params: Mapping[str, object]) -> str:
    if not params:
        return text
    return text.format_map({k: str(v) if isinstance(v, Text) else v for k, v in params.items()})


def _(message: str, /, **params: object) -> str:
    """`message` in the current language, its `{placeholders}` filled from `params`."""
    return _fill(translations(_current.get()).gettext(message), params)


def n_(singular: str, plural: str, count: int, /, **params: object) -> str:
    """The form of `singular`/`plural` the current language uses for `count`; `{count}` and
    the other placeholders are filled."""
    text = translations(_current.get()).ngettext(singular, plural, count)
    return _fill(text, {"count": count, **params})


@dataclass(frozen=True, eq=True)
class Text:
    """A message kept to be translated later, in whichever language is current when it is
    shown (`str(text)`)."""

    message: str
    plural: str | None = None
    count: int | None = None
    params: Mapping[str, object] = field(default_factory=dict)

    def __str__(self) -> str:
        return translated(self)


def translated(text: Text | str) -> str:
    """`text` in the current language (a plain string is returned as it is)."""
    if isinstance(text, str):
        return text
    if text.plural is not None and text.count is not None:
        return n_(text.message, text.plural, text.count, **text.params)
    return _(text.message, **text.params)


def N_(message: str, /, **params: object) -> Text:
    """Mark `message` for the catalogues and translate it when shown."""
    return Text(message, params=params)


def Nn_(singular: str, plural: str, count: int, /, **params: object) -> Text:
    """The plural form of `N_`."""
    return Text(singular, plural, count, params)
