"""What happens when a mentee clicks on a check-in: every handler reloads the period from
the database, answers Discord first (within its three seconds), then tells the mentor or
the directors what needs telling."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, cast

import discord

from bot.domain.schedule import GoalStatus
from bot.i18n import _
from bot.services.checkins import AnswerOutcome, CheckinService, Prompt
from bot.services.delivery import CheckinDelivery
from cogs.checkins import _ids, _screens

if TYPE_CHECKING:
    from bot.app import MentorBot


def bot_of(interaction: discord.Interaction) -> MentorBot:
    return cast("MentorBot", interaction.client)


def service(interaction: discord.Interaction) -> CheckinService:
    return bot_of(interaction).services.checkins


def delivery(interaction: discord.Interaction) -> CheckinDelivery:
    return bot_of(interaction).delivery.checkins


def render(
    interaction: discord.Interaction, prompt: Prompt, page: int, notice: str | None = None
) -> tuple[discord.Embed, discord.ui.View]:
    guild = bot_of(interaction).get_guild(prompt.guild_id)
    in_thread = isinstance(interaction.channel, discord.Thread)
    return _screens.prompt_message(
        prompt,
        guild.name if guild is not None else _("the mentoring programme"),
        page,
        in_thread=in_thread,
        notice=notice,
    )


async def show(
    interaction: discord.Interaction, prompt: Prompt, page: int, notice: str | None = None
) -> None:
    """Replace the clicked prompt with its current state."""
    embed, view = render(interaction, prompt, page, notice)
    await interaction.response.edit_message(embed=embed, view=view)


async def answer(
    interaction: discord.Interaction, period_id: int, goal_id: int, status: GoalStatus
) -> None:
    outcome = await service(interaction).record_answer(
        period_id, interaction.user.id, goal_id, status
    )
    await show(
        interaction, outcome.prompt, outcome.prompt.page_of(goal_id), _stuck_notice(outcome, status)
    )
    await delivery(interaction).follow_up(outcome)


def _stuck_notice(outcome: AnswerOutcome, status: GoalStatus) -> str | None:
    if status != "stuck" or not outcome.changed:
        return None
    if outcome.mentor_alert is not None:
        return _("🤝 Your mentor has been told you're stuck, so they can reach out.")
    if not outcome.has_mentor:
        return _("You don't have a mentor yet; the programme directors will match you soon.")
    return None


async def turn_page(interaction: discord.Interaction, period_id: int, page: int) -> None:
    prompt = await service(interaction).prompt_for(period_id, interaction.user.id)
    await show(interaction, prompt, page)


async def open_note(interaction: discord.Interaction, period_id: int) -> None:
    text, shared = await service(interaction).note_of(period_id, interaction.user.id)
    await interaction.response.send_modal(_screens.NoteModal(period_id, text, shared))


async def submit_note(
    interaction: discord.Interaction, period_id: int, text: str, share: bool
) -> None:
    outcome = await service(interaction).save_note(period_id, interaction.user.id, text, share)
    notice = None
    if outcome.mentor_alert is not None:
        notice = _("🤝 Your note was shared with your mentor.")
    elif share and text.strip() and not outcome.has_mentor:
        notice = _("You don't have a mentor yet, so your note is kept for you for now.")
    if interaction.message is not None:
        page = _page_shown(interaction.message)
        await show(interaction, outcome.prompt, page, notice)
    else:
        await interaction.response.send_message(
            notice or _("📝 Your note is saved."), ephemeral=True
        )
    await delivery(interaction).follow_up(outcome)


def _page_shown(message: discord.Message) -> int:
    """The page the member was looking at: the first page button ("Previous", in whatever
    language the prompt is written) points one page back."""
    for row in message.components:
        for child in getattr(row, "children", []):
            found = re.fullmatch(_ids.PAGE, getattr(child, "custom_id", None) or "")
            if found is not None:
                target = int(found["page"])
                return target if getattr(child, "disabled", False) else target + 1
    return 0


async def dms_open(interaction: discord.Interaction, guild_id: int) -> None:
    await bot_of(interaction).delivery.dms.reopen(interaction.user.id, guild_id)
    await interaction.response.send_message(
        _(
            "Thanks! I'll try your DMs for your next check-in. If they are still closed, it "
            "will come to this thread again."
        ),
        ephemeral=True,
    )
