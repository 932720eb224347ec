"""What `/cohort` does: check the Director role, call one service, render.

Every subcommand and button checks the Director role in code (the command is also hidden
from members by `default_member_permissions`, which a server admin may change); that check
also switches the answer to the server's language, directors' language. Lifecycle actions
are audited by the service; their audit line goes to the director log here. A member told
about the cohort reads it in their own language.
"""

from __future__ import annotations

import asyncio
import io
import logging
from typing import TYPE_CHECKING, cast

import discord

from bot.checks import director_of
from bot.domain.cohort_status import MemberFilter
from bot.errors import UserError
from bot.i18n import _, current_language, language
from bot.reports.export import cohort_csv, export_filename
from cogs.cohort import _screens, _status

if TYPE_CHECKING:
    from bot.app import MentorBot

log = logging.getLogger(__name__)


def bot_of(interaction: discord.Interaction) -> MentorBot:
    return cast("MentorBot", interaction.client)


async def cohort_id_of(bot: MentorBot, guild_id: int, picked: str | None) -> int | None:
    """The cohort a `cohort:` option names: an autocomplete pick (its id), or a typed name
    that matches one cohort; None when left out (the service then takes the open one)."""
    if picked is None or not picked.strip():
        return None
    text = picked.strip()
    if text.isdigit() and await bot.services.cohorts.get(guild_id, int(text)) is not None:
        return int(text)
    found = await bot.services.cohorts.search(guild_id, text)
    exact = [c for c in found if c.name.casefold() == text.casefold()]
    if len(exact) == 1 or len(found) == 1:
        return (exact or found)[0].id
    raise UserError(_("I can't tell which cohort you mean: pick one from the list."))


# ------------------------------------------------------------------------- create


async def create(interaction: discord.Interaction, name: str, start: str, end: str | None) -> None:
    bot = bot_of(interaction)
    guild, director = await director_of(interaction)
    opened = await bot.services.cohorts.create(guild.id, director.id, name, start, end)
    await bot.delivery.director_log.add(guild.id, opened.audit.text)
    told = 0
    for member in opened.enrolled:
        with language(await bot.services.languages.for_member(guild.id, member.user_id)):
            embed = _screens.joined_dm(guild, opened.cohort)
        sent = await bot.delivery.dms.send(guild.id, member.user_id, embed=embed)
        told += sent.delivered
    await interaction.followup.send(_screens.created(opened, told), ephemeral=True)


# ------------------------------------------------------------------------- status


async def status(interaction: discord.Interaction, picked: str | None) -> None:
    """The figures at once; the chart (drawn in a worker process, a moment longer the first
    time) joins the same message when it is ready."""
    bot = bot_of(interaction)
    guild, _director = await director_of(interaction)
    await bot.delivery.charts.warm()  # the chart's worker starts while the figures are computed
    cohort_id = await cohort_id_of(bot, guild.id, picked)
    figures = await bot.services.cohort_status.status(guild.id, cohort_id)
    await interaction.followup.send(
        _status.chart_coming(), embed=_status.status_embed(figures, chart=False), ephemeral=True
    )
    try:
        png = await bot.delivery.charts.render(figures, current_language())
    except Exception:
        log.exception("Could not draw the cohort chart (guild=%s)", guild.id)
        await interaction.edit_original_response(content=_status.chart_failed())
        return
    await interaction.edit_original_response(
        content=None,
        embed=_status.status_embed(figures, chart=True),
        attachments=[_status.chart_file(png)],
    )


# ------------------------------------------------------------------------ members


async def members(
    interaction: discord.Interaction, member_filter: MemberFilter, picked: str | None
) -> None:
    bot = bot_of(interaction)
    guild, _director = await director_of(interaction)
    cohort_id = await cohort_id_of(bot, guild.id, picked)
    cohort = await bot.services.cohorts.resolve(guild.id, cohort_id)
    page = await bot.services.cohort_status.members(
        guild.id, cohort.id, member_filter, offset=0, limit=_screens.PAGE_SIZE
    )
    embed, view = _screens.members_page(guild.id, cohort, page)
    await interaction.followup.send(embed=embed, view=view, ephemeral=True)


async def turn_page(
    interaction: discord.Interaction,
    guild_id: int,
    cohort_id: int,
    member_filter: MemberFilter,
    offset: int,
) -> None:
    """A Previous / Next click: the page is read again, so it shows the cohort as it is now."""
    bot = bot_of(interaction)
    guild, _director = await director_of(interaction, guild_id)
    cohort = await bot.services.cohorts.resolve(guild.id, cohort_id)
    page = await bot.services.cohort_status.members(
        guild.id, cohort.id, member_filter, offset=offset, limit=_screens.PAGE_SIZE
    )
    embed, view = _screens.members_page(guild.id, cohort, page)
    await interaction.response.edit_message(embed=embed, view=view)


# ------------------------------------------------------------------------- export


async def export(interaction: discord.Interaction, picked: str | None) -> None:
    bot = bot_of(interaction)
    guild, _director = await director_of(interaction)
    cohort_id = await cohort_id_of(bot, guild.id, picked)
    found = await bot.services.cohort_status.export(guild.id, cohort_id)
    # A big cohort's file takes a moment to write: off the event loop.
    data = await asyncio.to_thread(cohort_csv, found.status, found.members)
    name = export_filename(found.status)
    await interaction.followup.send(
        _(
            "📄 **{cohort}**: its figures, week by week, and one row per person — numbers and "
            "statuses only.",
            cohort=found.status.cohort.name,
        ),
        file=discord.File(io.BytesIO(data), name),
        ephemeral=True,
    )


# -------------------------------------------------------------------------- close


async def ask_close(interaction: discord.Interaction, picked: str | None) -> None:
    bot = bot_of(interaction)
    guild, _director = await director_of(interaction)
    cohort_id = await cohort_id_of(bot, guild.id, picked)
    if cohort_id is None:
        cohort = await bot.services.cohorts.open_cohort(guild.id)
        if cohort is None:
            raise UserError(_("There is no open cohort to close."))
        cohort_id = cohort.id
    figures = await bot.services.cohort_status.status(guild.id, cohort_id)
    if not figures.cohort.is_open:
        raise UserError(_("{cohort} is already closed.", cohort=figures.cohort.name))
    embed, view = _screens.confirm_close(guild.id, figures)
    await interaction.followup.send(embed=embed, view=view, ephemeral=True)


async def keep(interaction: discord.Interaction, guild_id: int) -> None:
    await director_of(interaction, guild_id)
    await interaction.response.edit_message(content=_screens.kept_open(), embed=None, view=None)


async def close(interaction: discord.Interaction, guild_id: int, cohort_id: int) -> None:
    bot = bot_of(interaction)
    guild, director = await director_of(interaction, guild_id)
    # Closed first (a second click is refused by the service), then the buttons go.
    done = await bot.services.cohorts.close(guild.id, director.id, cohort_id)
    await interaction.response.edit_message(content=_screens.closing(), embed=None, view=None)
    await bot.delivery.director_log.add(guild.id, done.audit.text)
    thanked = 0
    for member in done.members:
        with language(await bot.services.languages.for_member(guild.id, member.user_id)):
            embed = _screens.thanks_dm(guild, done.cohort, member.role)
        sent = await bot.delivery.dms.send(guild.id, member.user_id, embed=embed)
        thanked += sent.delivered
    await interaction.edit_original_response(content=_screens.closed(done, thanked))
