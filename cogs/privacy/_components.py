"""The privacy confirmation's two buttons: each reads who asked from its custom id (`_ids`)
and hands the click to `_flow`."""

from __future__ import annotations

import discord

from bot.ui.persistent import PersistentButton
from cogs.privacy import _flow, _ids


class EraseButton(PersistentButton, template=_ids.ERASE):
    guild: int
    user: int
    asked: int

    async def handle(self, interaction: discord.Interaction) -> None:
        await _flow.erase(interaction, self.guild, self.user, self.asked)


class KeepButton(PersistentButton, template=_ids.KEEP):
    guild: int
    user: int

    async def handle(self, interaction: discord.Interaction) -> None:
        await _flow.keep(interaction, self.user)


ALL = (EraseButton, KeepButton)
