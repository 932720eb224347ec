"""Matching's persistent items: Introduce on a suggestion, Apply and Cancel on a cohort
proposal, and the answers to "Have you met yet?". Each reads its state from its custom id
(`_ids`) and hands the click to `_flow`."""

from __future__ import annotations

import discord

from bot.services.matching import FollowupAnswer
from bot.ui.persistent import PersistentButton
from cogs.matching import _flow, _ids


class IntroduceButton(PersistentButton, template=_ids.INTRODUCE):
    guild: int
    mentee: int
    mentor: int
    answers_with = "reply"

    async def handle(self, interaction: discord.Interaction) -> None:
        await _flow.introduce_clicked(interaction, self.guild, self.mentee, self.mentor)


class ApplyButton(PersistentButton, template=_ids.APPLY):
    guild: int
    proposal: int

    async def handle(self, interaction: discord.Interaction) -> None:
        await _flow.apply_proposal(interaction, self.guild, self.proposal)


class CancelButton(PersistentButton, template=_ids.CANCEL):
    guild: int
    proposal: int

    async def handle(self, interaction: discord.Interaction) -> None:
        await _flow.cancel_proposal(interaction, self.guild, self.proposal)


class FollowupButton(PersistentButton, template=_ids.FOLLOWUP):
    match: int
    round: int
    answer: FollowupAnswer

    async def handle(self, interaction: discord.Interaction) -> None:
        await _flow.answer_followup(interaction, self.match, self.round, self.answer)


ALL = (IntroduceButton, ApplyButton, CancelButton, FollowupButton)
