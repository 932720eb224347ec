"""Messages in a thread both members of a pair read (an introduction thread, a session
thread): written in their language when they share one, else in both, English first.

Each part is built in its own language by a function called once per language, so what
members wrote (passed in as placeholder values) appears as it is in each; a part that
joins the languages is clipped to its share of Discord's limit, so the whole always fits.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TypeVar

from bot.i18n import LANGUAGES, Language, language
from bot.services.languages import LanguageService
from bot.ui.embeds import clip

T = TypeVar("T")

Languages = Sequence[Language]


async def pair_languages(
    languages: LanguageService, guild_id: int, first: int, second: int
) -> tuple[Language, ...]:
    """The one language both members read, or both languages when they read different ones."""
    one = await languages.for_member(guild_id, first)
    other = await languages.for_member(guild_id, second)
    return (one,) if one == other else LANGUAGES


def each(langs: Languages, build: Callable[[], T]) -> list[T]:
    """`build()` once in each language, in order."""
    out: list[T] = []
    for lang in langs:
        with language(lang):
            out.append(build())
    return out


def blocks(langs: Languages, build: Callable[[], str], *, limit: int = 2000) -> str:
    """A text in each language, one block after the other, within `limit` characters."""
    parts = each(langs, build)
    if len(parts) == 1:
        return clip(parts[0], limit)
    share = (limit - 2 * (len(parts) - 1)) // len(parts)
    return "\n\n".join(clip(part, share) for part in parts)


def joined(langs: Languages, build: Callable[[], str], *, limit: int) -> str:
    """A short text (a title, a label) in each language, "English / 中文", within `limit`."""
    parts = list(dict.fromkeys(each(langs, build)))
    if len(parts) == 1:
        return clip(parts[0], limit)
    share = (limit - 3 * (len(parts) - 1)) // len(parts)
    return " / ".join(clip(part, share) for part in parts)
