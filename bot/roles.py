"""Giving members their programme role, with a clear outcome when Discord won't allow it."""

from __future__ import annotations

import logging
from dataclasses import dataclass

import discord

from bot.domain.settings import GuildSettings

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class RoleOutcome:
    assigned: bool
    member_message: str
    director_message: str | None = None


def _role_id(settings: GuildSettings, role: str) -> int | None:
    return settings.mentee_role_id if role == "mentee" else settings.mentor_role_id


def _blocker(guild: discord.Guild, role: discord.Role) -> str | None:
    """Why the bot cannot give `role`, with the fix; None when it can."""
    me = guild.me
    if role.managed:
        return "it belongs to an integration. Fix: pick an ordinary role with `/setup roles`."
    if not me.guild_permissions.manage_roles:
        return "the bot lacks Manage Roles. Fix: turn on Manage Roles for the bot's role."
    if role >= me.top_role:
        return (
            f"it is above the bot's highest role. Fix: in Server Settings → Roles drag "
            f"@{me.top_role.name} above @{role.name}."
        )
    return None


async def give_programme_role(
    guild: discord.Guild,
    member: discord.Member,
    settings: GuildSettings,
    role: str,
    previous_role: str | None,
) -> RoleOutcome:
    """Add the Mentor/Mentee role (and drop the other one after a change of mind)."""
    label = role.capitalize()
    role_id = _role_id(settings, role)
    target = guild.get_role(role_id) if role_id else None
    if target is None:
        return RoleOutcome(
            False,
            f"Your answers are saved. The {label} role isn't set up in this server yet, so I "
            "couldn't give it to you; the directors have been told.",
            f"⚠️ Couldn't give the {label} role to {member.mention}: no {label} role is set. "
            "Fix: run `/setup roles`.",
        )
    blocker = _blocker(guild, target)
    if blocker is None:
        try:
            await member.add_roles(target, reason="Finished the mentoring sign-up")
        except discord.Forbidden:
            blocker = "Discord refused the change. Fix: check the bot's role with `/setup show`."
        except discord.HTTPException as exc:
            log.warning("Role add failed (guild=%s code=%s)", guild.id, exc.code)
            blocker = "Discord had a problem. Fix: try `/profile edit` again later."
    if blocker is not None:
        return RoleOutcome(
            False,
            f"Your answers are saved, but I couldn't give you the {target.name} role because of "
            "a server setting. The directors have been told and will sort it out.",
            f"⚠️ Couldn't give @{target.name} to {member.mention}: {blocker}",
        )
    await _drop_previous(guild, member, settings, role, previous_role)
    return RoleOutcome(True, f"You now have the **{target.name}** role.")


async def _drop_previous(
    guild: discord.Guild,
    member: discord.Member,
    settings: GuildSettings,
    role: str,
    previous_role: str | None,
) -> None:
    if previous_role is None or previous_role == role:
        return
    old_id = _role_id(settings, previous_role)
    old = guild.get_role(old_id) if old_id else None
    if old is None or old not in member.roles or _blocker(guild, old) is not None:
        return
    try:
        await member.remove_roles(old, reason="Changed role in the mentoring sign-up")
    except discord.HTTPException as exc:
        log.warning("Role removal failed (guild=%s code=%s)", guild.id, exc.code)


async def remove_programme_roles(
    guild: discord.Guild,
    member: discord.Member,
    settings: GuildSettings,
    reason: str = "Mentoring sign-up reset by a director",
) -> None:
    """Best effort: after a reset (or a deletion) the member holds neither programme role."""
    for role_id in (settings.mentor_role_id, settings.mentee_role_id):
        role = guild.get_role(role_id) if role_id else None
        if role is None or role not in member.roles or _blocker(guild, role) is not None:
            continue
        try:
            await member.remove_roles(role, reason=reason)
        except discord.HTTPException as exc:
            log.warning("Role removal failed (guild=%s code=%s)", guild.id, exc.code)
