"""The bot's two languages: English and Simplified Chinese, chosen per member.

Every message a member or director reads is written in English in the code, wrapped in one
of the calls below, and looked up in the gettext catalogues under `bot/i18n/locales/` (kept
with Babel; see README "Translating"). The language a call answers in is the *current* one:
the error path sets it for each interaction (the member's stored choice, else their Discord
client's), a scheduled message sets it for the member it is for (`with language(...)`), and
director screens and the director log use the server's language.

- `_("Saved {name}.", name=x)` translates now and fills `{placeholders}`;
- `n_("{count} goal", "{count} goals", count)` picks the plural form of the language;
- `N_(...)` / `Nn_(...)` keep a message to translate later (module constants, errors raised
  where the language is not known yet, director-log lines): a `Text`, rendered by `str()`.

Placeholders are always named (`{name}`), so a translation may reorder them; the catalogue
tests check both catalogues carry the same ones. What members wrote is passed in as a
placeholder value and never translated.
"""

from __future__ import annotations

from bot.i18n._core import (
    DEFAULT,
    LANGUAGES,
    N_,
    Language,
    Nn_,
    Text,
    _,
    current_language,
    from_locale,
    is_language,
    language,
    language_name,
    n_,
    set_language,
    translated,
)
from bot.i18n._formats import duration, number, percent

__all__ = [
    "DEFAULT",
    "LANGUAGES",
    "N_",
    "Language",
    "Nn_",
    "Text",
    "_",
    "current_language",
    "duration",
    "from_locale",
    "is_language",
    "language",
    "language_name",
    "n_",
    "number",
    "percent",
    "set_language",
    "translated",
]
