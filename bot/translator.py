"""The Discord side of the two languages.

`CommandTranslator` gives Discord the Chinese descriptions, option descriptions and choice
names of every slash command (the commands' names stay the English ones of PRODUCT.md, so
a command typed from a guide or named in a message works in every client).
`answer_in_their_language` picks the language of one interaction's answers: the member's
stored choice, else their Discord client's.
"""

from __future__ import annotations

import logging

import discord
from discord import app_commands

from bot.i18n import from_locale, set_language
from bot.i18n._core import translations

log = logging.getLogger(__name__)

_KEPT = (
    app_commands.TranslationContextLocation.command_name,
    app_commands.TranslationContextLocation.group_name,
    app_commands.TranslationContextLocation.parameter_name,
)


class CommandTranslator(app_commands.Translator):
    async def translate(
        self,
        string: app_commands.locale_str,
        locale: discord.Locale,
        context: app_commands.TranslationContextTypes,
    ) -> str | None:
        if context.location in _KEPT:
            return None
        lang = from_locale(locale)
        if lang == "en":
            return None
        text = translations(lang).gettext(string.message)
        return text if text != string.message else None


async def answer_in_their_language(interaction: discord.Interaction) -> None:
    """Set the language of this interaction's answers (for the rest of its task)."""
    stored = None
    services = getattr(interaction.client, "services", None)
    languages = getattr(services, "languages", None)
    if languages is not None:
        try:
            if interaction.guild_id is not None:
                stored = await languages.of_member(interaction.guild_id, interaction.user.id)
            else:
                stored = await languages.of_user(interaction.user.id)
        except Exception:  # storage trouble must not cost the member their answer
            log.warning(
                "Could not read the language of user=%s; using their client's",
                interaction.user.id,
                exc_info=True,
            )
    set_language(stored or from_locale(interaction.locale))
