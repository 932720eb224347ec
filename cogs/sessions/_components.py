"""The sessions' persistent items: Write my reflection and its form, sharing and making
private, Mark as read, the next step made a goal, the fit answers and the re-match, the
log form, and the pages of `/session list`. Each reads its state from its custom id
(`_ids`) and hands the click to `_flow`."""

from __future__ import annotations

import discord

from bot.domain.sessions import FitAnswer
from bot.ui.persistent import PersistentButton, PersistentModal
from cogs.sessions import _flow, _ids


class ReflectButton(PersistentButton, template=_ids.REFLECT):
    answers_with = "modal"
    session: int

    async def handle(self, interaction: discord.Interaction) -> None:
        await _flow.open_reflection(interaction, self.session)


class ReflectionSubmitted(PersistentModal, template=_ids.REFLECTION_MODAL):
    # Opened from the thread's prompt: the answer is the author's own, never an edit of
    # the prompt both members see.
    answers_with = "reply"
    session: int

    async def handle(self, interaction: discord.Interaction) -> None:
        answers = {k: v for k, v in self.texts().items() if k != _ids.SHARE_INPUT}
        share = "shared" in self.chosen(_ids.SHARE_INPUT)
        await _flow.submit_reflection(interaction, self.session, answers, share)


class ShareButton(PersistentButton, template=_ids.SHARE):
    session: int

    async def handle(self, interaction: discord.Interaction) -> None:
        await _flow.change_sharing(interaction, self.session, share=True)


class MakePrivateButton(PersistentButton, template=_ids.MAKE_PRIVATE):
    session: int

    async def handle(self, interaction: discord.Interaction) -> None:
        await _flow.change_sharing(interaction, self.session, share=False)


class ReadButton(PersistentButton, template=_ids.READ):
    session: int
    author: int

    async def handle(self, interaction: discord.Interaction) -> None:
        await _flow.mark_read(interaction, self.session, self.author)


class GoalButton(PersistentButton, template=_ids.GOAL):
    answers_with = "reply"
    session: int

    async def handle(self, interaction: discord.Interaction) -> None:
        await _flow.make_goal(interaction, self.session)


class FitButton(PersistentButton, template=_ids.FIT):
    match: int
    answer: FitAnswer

    async def handle(self, interaction: discord.Interaction) -> None:
        await _flow.answer_fit(interaction, self.match, self.answer)


class RematchButton(PersistentButton, template=_ids.REMATCH):
    match: int

    async def handle(self, interaction: discord.Interaction) -> None:
        await _flow.ask_rematch(interaction, self.match)


class LogSubmitted(PersistentModal, template=_ids.LOG_MODAL):
    partner: int

    async def handle(self, interaction: discord.Interaction) -> None:
        await _flow.submit_log_form(interaction, self.partner, self.texts())


class PageButton(PersistentButton, template=_ids.PAGE):
    page: int

    async def handle(self, interaction: discord.Interaction) -> None:
        await _flow.show_list(interaction, self.page)


ALL = (
    ReflectButton,
    ReflectionSubmitted,
    ShareButton,
    MakePrivateButton,
    ReadButton,
    GoalButton,
    FitButton,
    RematchButton,
    LogSubmitted,
    PageButton,
)
