"""The onboarding conversation: every click and submission goes through here.

Each handler re-reads the member's state from the database, so it does not matter which
message (old DM, ephemeral fallback, before or after a restart) the click came from.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, cast

import discord

from bot.domain import questionnaire as qn
from bot.domain import wallclock
from bot.errors import UserError
from bot.i18n import _, is_language, n_, set_language
from bot.members import find_member
from bot.roles import give_programme_role
from bot.services.onboarding import OnboardingService, Screen
from cogs.onboarding import _screens
from cogs.onboarding._ids import Mode

if TYPE_CHECKING:
    from bot.app import MentorBot

log = logging.getLogger(__name__)

Rendered = tuple[discord.Embed, discord.ui.View]


def bot_of(interaction: discord.Interaction) -> MentorBot:
    return cast("MentorBot", interaction.client)


def service(bot: MentorBot) -> OnboardingService:
    return bot.services.onboarding


async def member_of(
    bot: MentorBot, guild_id: int, user_id: int
) -> tuple[discord.Guild, discord.Member]:
    """The server and the member's place in it; a clear message if either is gone."""
    guild = bot.get_guild(guild_id)
    if guild is None:
        raise UserError(_("I'm no longer in that server, so I can't continue this sign-up."))
    member = await find_member(guild, user_id)
    if member is None:
        raise UserError(_("You're no longer a member of {server}.", server=guild.name))
    return guild, member


async def render(
    bot: MentorBot,
    guild: discord.Guild,
    screen: Screen,
    *,
    mode: Mode = "f",
    notice: str | None = None,
    intro: str | None = None,
) -> Rendered:
    q = service(bot).questionnaire
    if screen.step is None:
        return _screens.summary_screen(q, guild, screen, notice=notice)
    return _screens.step_screen(
        q, guild, screen.step, screen.answers, mode=mode, error=screen.error, intro=intro
    )


async def update(interaction: discord.Interaction, rendered: Rendered) -> None:
    """Replace the message the member clicked on with the next screen."""
    embed, view = rendered
    if interaction.response.is_done():
        await interaction.edit_original_response(content=None, embed=embed, view=view)
    else:
        await interaction.response.edit_message(content=None, embed=embed, view=view)


async def advance(
    interaction: discord.Interaction, guild_id: int, raws: dict[str, object], mode: Mode
) -> None:
    """Save one step's answers and show what comes next (or the summary)."""
    bot = bot_of(interaction)
    # Acknowledge first: finding the member may cost a request (no member cache without
    # the members intent), and finishing gives a role and writes the director log.
    await interaction.response.defer()
    guild, member = await member_of(bot, guild_id, interaction.user.id)
    onboarding = service(bot)
    try:
        screen = await onboarding.answer(guild.id, member.id, raws)
    except qn.AnswerError as exc:
        screen = await onboarding.screen(guild.id, member.id, error=exc.message)
        step = screen.step
        if mode == "e" and exc.question_id:
            step = onboarding.edit_step(exc.question_id, screen.answers)
        if step is not None:
            await update(
                interaction,
                _screens.step_screen(
                    onboarding.questionnaire,
                    guild,
                    step,
                    screen.answers,
                    mode=mode,
                    error=exc.message,
                ),
            )
            return
        raise UserError(exc.message) from None
    chosen = screen.answers.get(qn.LANGUAGE_QUESTION)
    if qn.LANGUAGE_QUESTION in raws and is_language(chosen):
        # Stored as their choice: this screen and every later one speak it.
        set_language(chosen)
        screen = await onboarding.screen(guild.id, member.id)
    notice = None
    if screen.complete and await onboarding.needs_completion(guild.id, member.id):
        notice = await finish(bot, guild, member)
        screen = await onboarding.screen(guild.id, member.id)
    elif mode == "e" and not screen.complete:
        mode = "f"  # a changed answer opened new questions: continue through them
    await update(interaction, await render(bot, guild, screen, mode=mode, notice=notice))


async def finish(bot: MentorBot, guild: discord.Guild, member: discord.Member) -> str:
    """Store the profile, give the role, and say what happened in one line."""
    onboarding = service(bot)
    completion = await onboarding.complete(guild.id, member.id)
    moved = await bot.services.checkins.follow_signup(
        guild.id, member.id, schedule_changed=completion.schedule_changed
    )
    schedule_note = (
        _(
            "Your next check-in: {when}.",
            when=wallclock.discord_timestamp(moved.next_due_at, "F"),
        )
        if moved is not None and moved.next_due_at is not None
        else None
    )
    settings = await bot.services.settings.get(guild.id)
    lines = [_("Your answers are saved.")]
    if completion.assign_role:
        outcome = await give_programme_role(
            guild, member, settings, completion.role, completion.previous_role
        )
        await onboarding.set_role_assigned(guild.id, member.id, outcome.assigned)
        if outcome.director_message:
            await bot.delivery.director_log.add(guild.id, outcome.director_message)
        lines = [outcome.member_message]
    if schedule_note:
        lines.append(schedule_note)
    if completion.goals_created:
        lines.append(
            n_(
                "Your {count} goal is saved; you'll be able to manage it with `/goal`.",
                "Your {count} goals are saved; you'll be able to manage them with `/goal`.",
                completion.goals_created,
            )
        )
    if completion.first_time and completion.cohort_id is None:
        lines.append(_("You'll join the next cohort as soon as the directors open it."))
    return "🎉 " + " ".join(lines) if completion.first_time else " ".join(lines)


async def open_modal(interaction: discord.Interaction, guild_id: int, qid: str, mode: Mode) -> None:
    bot = bot_of(interaction)
    onboarding = service(bot)
    screen = await onboarding.screen(guild_id, interaction.user.id)
    step = onboarding.edit_step(qid, screen.answers) if mode == "e" else screen.step
    if step is None or step.kind is qn.StepKind.CHOICE:
        # The message is out of date (answered elsewhere): show where things stand now.
        guild, _ = await member_of(bot, guild_id, interaction.user.id)
        await update(interaction, await render(bot, guild, screen))
        return
    await interaction.response.send_modal(
        _screens.answer_modal(
            onboarding.questionnaire, guild_id, step, screen.answers, screen.drafts, mode=mode
        )
    )


async def submit_modal(
    interaction: discord.Interaction, guild_id: int, qid: str, mode: Mode, values: dict[str, str]
) -> None:
    bot = bot_of(interaction)
    onboarding = service(bot)
    screen = await onboarding.screen(guild_id, interaction.user.id)
    step = onboarding.edit_step(qid, screen.answers) if mode == "e" else screen.step
    if step is None or step.questions[0].id != qid:
        # Answered in the meantime (e.g. in another message): keep what was sent if it fits.
        step = onboarding.edit_step(qid, screen.answers)
    await advance(interaction, guild_id, _screens.modal_answers(step, values), mode)


async def show_current(interaction: discord.Interaction, guild_id: int) -> None:
    """Start or resume: the next unanswered step, or the summary when signed up."""
    bot = bot_of(interaction)
    await interaction.response.defer()
    guild, member = await member_of(bot, guild_id, interaction.user.id)
    screen = await service(bot).start(guild.id, member.id)
    await update(interaction, await render(bot, guild, screen))


async def show_edit_picker(interaction: discord.Interaction, guild_id: int) -> None:
    bot = bot_of(interaction)
    await interaction.response.defer()
    guild, member = await member_of(bot, guild_id, interaction.user.id)
    screen = await service(bot).screen(guild.id, member.id)
    if not screen.complete:
        await update(interaction, await render(bot, guild, screen))
        return
    await update(
        interaction, _screens.edit_picker(service(bot).questionnaire, guild, screen.answers)
    )


async def show_edit_step(interaction: discord.Interaction, guild_id: int, qid: str) -> None:
    bot = bot_of(interaction)
    await interaction.response.defer()
    guild, member = await member_of(bot, guild_id, interaction.user.id)
    onboarding = service(bot)
    screen = await onboarding.screen(guild.id, member.id)
    step = onboarding.edit_step(qid, screen.answers)
    await update(
        interaction,
        _screens.step_screen(onboarding.questionnaire, guild, step, screen.answers, mode="e"),
    )


async def show_summary(interaction: discord.Interaction, guild_id: int) -> None:
    bot = bot_of(interaction)
    await interaction.response.defer()
    guild, member = await member_of(bot, guild_id, interaction.user.id)
    screen = await service(bot).screen(guild.id, member.id)
    await update(interaction, await render(bot, guild, screen))
