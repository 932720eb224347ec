"""`/privacy`: a member's own data in this server (PRODUCT.md §3G).

`/privacy export` DMs the member a JSON file of everything the bot holds about them here
(ephemerally when DMs are closed); `/privacy delete` shows exactly what would be erased and
what stays as anonymous numbers, and erases only once they confirm. Both are for every
member: the command is visible to all and each acts on the caller's own data only.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from cogs.privacy import _components, _flow

if TYPE_CHECKING:
    from bot.app import MentorBot


class Privacy(commands.Cog):
    privacy = app_commands.Group(
        name="privacy", description="Your data in the mentoring programme", guild_only=True
    )

    def __init__(self, bot: MentorBot) -> None:
        self.bot = bot

    async def cog_load(self) -> None:
        self.bot.persistent.add(*_components.ALL)

    async def cog_unload(self) -> None:
        self.bot.persistent.remove(*_components.ALL)

    @privacy.command(
        name="export", description="Get a copy of everything the bot holds about you here"
    )
    async def export(self, interaction: discord.Interaction) -> None:
        await _flow.export(interaction)

    @privacy.command(
        name="delete", description="Erase your data and your words from the programme here"
    )
    async def delete(self, interaction: discord.Interaction) -> None:
        await _flow.ask_delete(interaction)


async def setup(bot: MentorBot) -> None:
    await bot.add_cog(Privacy(bot))
