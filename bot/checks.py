"""Who may do what, checked in code: a hidden command is not a permission check."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

import discord
from discord import app_commands

from bot.errors import UserError
from bot.i18n import Text, _, set_language
from bot.tree import DirectorOnly, permission_name

if TYPE_CHECKING:
    from bot.app import MentorBot


def guild_of(interaction: discord.Interaction) -> discord.Guild:
    """The server a command ran in; commands are guild-only, but a DM call gets an answer."""
    if interaction.guild is None:
        raise app_commands.NoPrivateMessage()
    return interaction.guild


def guild_member_of(interaction: discord.Interaction) -> tuple[discord.Guild, discord.Member]:
    if interaction.guild is None or not isinstance(interaction.user, discord.Member):
        raise app_commands.NoPrivateMessage()
    return interaction.guild, interaction.user


def is_director(member: discord.Member, director_role_id: int | None) -> bool:
    return director_role_id is not None and any(r.id == director_role_id for r in member.roles)


def require_director(
    member: discord.Member, director_role_id: int | None, message: str | Text | None = None
) -> None:
    """Raise `DirectorOnly` (shown ephemerally) unless `member` holds the Director role."""
    if director_role_id is None:
        raise DirectorOnly(
            message
            or _("The Director role isn't set up yet: a server admin can run `/setup roles`.")
        )
    if not is_director(member, director_role_id):
        raise DirectorOnly(message)


def missing_thread_permissions(channel: discord.TextChannel) -> list[str]:
    """What the bot lacks to open private threads in `channel` and talk in them, named as
    Discord's channel settings name them (empty when nothing is missing)."""
    perms = channel.permissions_for(channel.guild.me)
    return [
        permission_name(name)
        for name, granted in (
            ("view_channel", perms.view_channel),
            ("create_private_threads", perms.create_private_threads),
            ("send_messages_in_threads", perms.send_messages_in_threads),
        )
        if not granted
    ]


async def director_of(
    interaction: discord.Interaction, guild_id: int | None = None
) -> tuple[discord.Guild, discord.Member]:
    """The server and the director acting in it (a director subcommand or button); a button
    that carries its server's id must be clicked in that server."""
    guild, member = guild_member_of(interaction)
    if guild_id is not None and guild.id != guild_id:
        raise UserError(_("This button belongs to another server."))
    bot = cast("MentorBot", interaction.client)
    settings = await bot.services.settings.get(guild.id)
    require_director(member, settings.director_role_id)
    # Directors' screens are in the server's language (`/setup`), not each director's.
    set_language(settings.language)
    return guild, member


async def use_server_language(interaction: discord.Interaction) -> None:
    """Answer the rest of this interaction in the server's language (`/setup language`): a
    director's screen, once the check that they may see it has passed (a refusal is in the
    member's own language). Outside a server, nothing changes. Call it in the command's
    body, not in an `interaction_check`: discord.py lets a storage error raised in a check
    escape the error path."""
    if interaction.guild_id is None:
        return
    bot = cast("MentorBot", interaction.client)
    settings = await bot.services.settings.get(interaction.guild_id)
    set_language(settings.language)
