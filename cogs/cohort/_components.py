"""The `/cohort` buttons: members pages and the close confirmation. Each reads its state
from its custom id (`_ids`) and hands the click to `_flow`."""

from __future__ import annotations

import discord

from bot.ui.persistent import PersistentButton
from cogs.cohort import _flow, _ids


class PageButton(PersistentButton, template=_ids.PAGE):
    guild: int
    cohort: int
    filter: int
    offset: int

    async def handle(self, interaction: discord.Interaction) -> None:
        await _flow.turn_page(
            interaction, self.guild, self.cohort, _ids.filter_at(self.filter), self.offset
        )


class CloseButton(PersistentButton, template=_ids.CLOSE):
    guild: int
    cohort: int

    async def handle(self, interaction: discord.Interaction) -> None:
        await _flow.close(interaction, self.guild, self.cohort)


class KeepButton(PersistentButton, template=_ids.KEEP):
    guild: int
    cohort: int

    async def handle(self, interaction: discord.Interaction) -> None:
        await _flow.keep(interaction, self.guild)


ALL = (PageButton, CloseButton, KeepButton)
