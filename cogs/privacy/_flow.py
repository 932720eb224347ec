"""The Discord side of `/privacy`: a member's export, and the deletion they confirm.

A deletion happens in this order: the service ends the member's active matches (a neutral
reason) and erases or anonymises every row naming them, in one transaction; then their
programme role is removed; then each former partner is told the match ended (never why),
the pair's introduction thread is closed, and the director log says a match ended. Discord
steps are best effort: a closed DM or a missing permission never undoes the erasure.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import TYPE_CHECKING, cast

import discord

from bot.checks import guild_member_of
from bot.errors import UserError
from bot.i18n import N_, _, language
from bot.roles import remove_programme_roles
from bot.services.matching import Match

# A match ended by a deletion is told like any other ending (the reason is never said).
from cogs.matching import _end_screens as match_screens
from cogs.matching import _threads as match_threads
from cogs.privacy import _screens

if TYPE_CHECKING:
    from bot.app import MentorBot

log = logging.getLogger(__name__)

CONFIRM_FOR = timedelta(minutes=_screens.CONFIRM_MINUTES)


def bot_of(interaction: discord.Interaction) -> MentorBot:
    return cast("MentorBot", interaction.client)


# ----------------------------------------------------------------------- export


async def export(interaction: discord.Interaction) -> None:
    """By DM; ephemerally, here, when the DM cannot be delivered."""
    bot = bot_of(interaction)
    guild, member = guild_member_of(interaction)
    await interaction.response.defer(ephemeral=True, thinking=True)
    data = await bot.services.privacy.export(guild.id, member.id, server_name=guild.name)
    sent = await bot.delivery.dms.send(
        guild.id,
        member.id,
        embed=_screens.export_dm(guild),
        files=[_screens.export_file(data)],
        asked=True,
    )
    if sent.delivered:
        await interaction.followup.send(_screens.export_sent(sent.jump_url), ephemeral=True)
        return
    await interaction.followup.send(
        _screens.export_here(sent.outcome == "dms_closed"),
        file=_screens.export_file(data),
        ephemeral=True,
    )


# ----------------------------------------------------------------------- delete


async def ask_delete(interaction: discord.Interaction) -> None:
    """The confirmation: exactly what would be erased, what ends and what stays."""
    bot = bot_of(interaction)
    guild, member = guild_member_of(interaction)
    await interaction.response.defer(ephemeral=True, thinking=True)
    preview = await bot.services.privacy.preview(guild.id, member.id)
    if not preview.holds_anything:
        await interaction.followup.send(_screens.nothing_to_delete(), ephemeral=True)
        return
    embed, view = _screens.confirm_delete(
        guild,
        member.id,
        preview,
        asked=int(bot.clock.now().timestamp()),
        backup_keep=bot.settings.backup_keep,
    )
    await interaction.followup.send(embed=embed, view=view, ephemeral=True)


def _check_asker(interaction: discord.Interaction, user_id: int) -> None:
    if interaction.user.id != user_id:
        raise UserError(_("This confirmation belongs to someone else: nothing was changed."))


async def keep(interaction: discord.Interaction, user_id: int) -> None:
    _check_asker(interaction, user_id)
    await interaction.response.edit_message(content=_screens.kept(), embed=None, view=None)


async def erase(interaction: discord.Interaction, guild_id: int, user_id: int, asked: int) -> None:
    bot = bot_of(interaction)
    _check_asker(interaction, user_id)
    guild, member = guild_member_of(interaction)
    if guild.id != guild_id:
        raise UserError(_("This button belongs to another server: nothing was changed."))
    if bot.clock.now().timestamp() - asked > CONFIRM_FOR.total_seconds():
        await interaction.response.edit_message(content=_screens.expired(), embed=None, view=None)
        return
    # The buttons go at once, so a second click cannot start a second deletion.
    await interaction.response.edit_message(content=_screens.deleting(), embed=None, view=None)
    deletion = await bot.services.privacy.delete(guild.id, member.id)
    if not deletion.log_truncated:
        log.warning("Write-ahead log not truncated after a deletion (guild=%s)", guild.id)
    settings = await bot.services.settings.get(guild.id)
    await remove_programme_roles(
        guild, member, settings, reason=N_("Deleted their mentoring data with /privacy delete")
    )
    for match in deletion.ended:
        await _tell_partner(bot, guild, match, member.id)
    await interaction.edit_original_response(
        content=None,
        embed=_screens.deleted(guild, member.id, deletion, backup_keep=bot.settings.backup_keep),
    )


async def _tell_partner(bot: MentorBot, guild: discord.Guild, match: Match, member_id: int) -> None:
    partner_id = match.partner_of(member_id)
    role = "mentee" if partner_id == match.mentee_id else "mentor"
    # The partner reads about it in their own language (the thread is theirs alone now).
    partner_language = await bot.services.languages.for_member(guild.id, partner_id)
    with language(partner_language):
        closing = str(match_screens.THREAD_CLOSING)
    thread = await match_threads.close_thread(bot, guild, match, closing, erased=member_id)
    with language(partner_language):
        embed = match_screens.ended_dm(guild, role, member_id, thread)
    sent = await bot.delivery.dms.send(guild.id, partner_id, embed=embed)
    if not sent.delivered:
        log.info("Match-ended DM not delivered (guild=%s match=%s)", guild.id, match.id)
    await bot.delivery.director_log.add(guild.id, _screens.director_line(match, partner_id))
