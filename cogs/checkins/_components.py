"""The check-in prompt's persistent items: answers, pages, the note and its modal, and
the "my DMs are open" button. Each reads its state from its custom id (`_ids`) and hands
the click to `_flow`."""

from __future__ import annotations

import discord

from bot.domain.schedule import GoalStatus
from bot.ui.persistent import PersistentButton, PersistentModal
from cogs.checkins import _flow, _ids


class AnswerButton(PersistentButton, template=_ids.ANSWER):
    period: int
    goal: int
    status: GoalStatus

    async def handle(self, interaction: discord.Interaction) -> None:
        await _flow.answer(interaction, self.period, self.goal, self.status)


class PageButton(PersistentButton, template=_ids.PAGE):
    period: int
    page: int

    async def handle(self, interaction: discord.Interaction) -> None:
        await _flow.turn_page(interaction, self.period, self.page)


class NoteButton(PersistentButton, template=_ids.NOTE):
    period: int
    answers_with = "modal"

    async def handle(self, interaction: discord.Interaction) -> None:
        await _flow.open_note(interaction, self.period)


class NoteSubmitted(PersistentModal, template=_ids.NOTE_MODAL):
    period: int

    async def handle(self, interaction: discord.Interaction) -> None:
        share = "share" in self.chosen(_ids.SHARE_INPUT)
        await _flow.submit_note(interaction, self.period, self.text(_ids.NOTE_INPUT), share)


class DmsOpenButton(PersistentButton, template=_ids.DMS_OPEN):
    guild: int

    async def handle(self, interaction: discord.Interaction) -> None:
        await _flow.dms_open(interaction, self.guild)


ALL = (AnswerButton, PageButton, NoteButton, NoteSubmitted, DmsOpenButton)
