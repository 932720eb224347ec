"""Onboarding's persistent items: Start, each step's select, Skip and Answer, the modal
of written answers, and Edit / change / back to the summary. Each reads its state from its
custom id (`_ids`) and hands the click to `_flow`."""

from __future__ import annotations

import discord

from bot.ui.persistent import PersistentButton, PersistentModal, PersistentSelect
from cogs.onboarding import _flow, _ids
from cogs.onboarding._ids import Mode


class StartButton(PersistentButton, template=_ids.START):
    guild: int

    async def handle(self, interaction: discord.Interaction) -> None:
        await _flow.show_current(interaction, self.guild)


class AnswerSelect(PersistentSelect, template=_ids.PICK):
    guild: int
    mode: Mode
    qid: str

    async def handle(self, interaction: discord.Interaction) -> None:
        await _flow.advance(interaction, self.guild, {self.qid: self.values}, self.mode)


class SkipButton(PersistentButton, template=_ids.SKIP):
    guild: int
    mode: Mode
    qid: str

    async def handle(self, interaction: discord.Interaction) -> None:
        await _flow.advance(interaction, self.guild, {self.qid: []}, self.mode)


class WriteButton(PersistentButton, template=_ids.WRITE):
    guild: int
    mode: Mode
    qid: str
    answers_with = "modal"

    async def handle(self, interaction: discord.Interaction) -> None:
        await _flow.open_modal(interaction, self.guild, self.qid, self.mode)


class AnswerSubmitted(PersistentModal, template=_ids.MODAL):
    guild: int
    mode: Mode
    qid: str

    async def handle(self, interaction: discord.Interaction) -> None:
        await _flow.submit_modal(interaction, self.guild, self.qid, self.mode, self.texts())


class EditButton(PersistentButton, template=_ids.EDIT):
    guild: int

    async def handle(self, interaction: discord.Interaction) -> None:
        await _flow.show_edit_picker(interaction, self.guild)


class ChangeSelect(PersistentSelect, template=_ids.CHANGE):
    guild: int

    async def handle(self, interaction: discord.Interaction) -> None:
        qid = self.values[0] if self.values else ""
        await _flow.show_edit_step(interaction, self.guild, qid)


class SummaryButton(PersistentButton, template=_ids.SUMMARY):
    guild: int

    async def handle(self, interaction: discord.Interaction) -> None:
        await _flow.show_summary(interaction, self.guild)


ALL = (
    StartButton,
    AnswerSelect,
    SkipButton,
    WriteButton,
    AnswerSubmitted,
    EditButton,
    ChangeSelect,
    SummaryButton,
)
