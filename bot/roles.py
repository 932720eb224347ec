"""Giving members their programme role, with a clear outcome when Discord won't allow it."""

from __future__ import annotations

import logging
from dataclasses import dataclass

import discord

from bot.domain.settings import GuildSettings
from bot.i18n import N_, Text, _, language

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class RoleOutcome:
    assigned: bool
    member_message: str
    """In the language of the member being answered."""
    director_message: Text | None = None
    """For the director log, written there in the server's language."""


RESET_REASON = N_("Mentoring sign-up reset by a director")


def _in(settings: GuildSettings, reason: Text | str) -> str:
    """A reason for Discord's audit log, which directors read: in the server's language."""
    with language(settings.language):
        return str(reason)


def _role_id(settings: GuildSettings, role: str) -> int | None:
    return settings.mentee_role_id if role == "mentee" else settings.mentor_role_id


def _blocker(guild: discord.Guild, role: discord.Role) -> Text | None:
    """Why the bot cannot give `role`, with the fix; None when it can."""
    me = guild.me
    if role.managed:
        return N_("it belongs to an integration. Fix: pick an ordinary role with `/setup roles`.")
    if not me.guild_permissions.manage_roles:
        return N_("the bot lacks Manage Roles. Fix: turn on Manage Roles for the bot's role.")
    if role >= me.top_role:
        return N_(
            "it is above the bot's highest role. Fix: in Server Settings → Roles drag "
            "@{top} above @{role}.",
            top=me.top_role.name,
            role=role.name,
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
    label = N_("Mentee") if role == "mentee" else N_("Mentor")
    role_id = _role_id(settings, role)
    target = guild.get_role(role_id) if role_id else None
    if target is None:
        return RoleOutcome(
            False,
            _(
                "Your answers are saved. The {role} role isn't set up in this server yet, so I "
                "couldn't give it to you; the directors have been told.",
                role=label,
            ),
            N_(
                "⚠️ Couldn't give the {role} role to {member}: no {role} role is set. "
                "Fix: run `/setup roles`.",
                role=label,
                member=member.mention,
            ),
        )
    blocker = _blocker(guild, target)
    if blocker is None:
        try:
            await member.add_roles(
                target, reason=_in(settings, N_("Finished the mentoring sign-up"))
            )
        except discord.Forbidden:
            blocker = N_(
                "Discord refused the change. Fix: check the bot's role with `/setup show`."
            )
        except discord.HTTPException as exc:
            log.warning("Role add failed (guild=%s code=%s)", guild.id, exc.code)
            blocker = N_("Discord had a problem. Fix: try `/profile edit` again later.")
    if blocker is not None:
        return RoleOutcome(
            False,
            _(
                "Your answers are saved, but I couldn't give you the {role} role because of "
                "a server setting. The directors have been told and will sort it out.",
                role=target.name,
            ),
            N_(
                "⚠️ Couldn't give @{role} to {member}: {problem}",
                role=target.name,
                member=member.mention,
                problem=blocker,
            ),
        )
    await _drop_previous(guild, member, settings, role, previous_role)
    return RoleOutcome(True, _("You now have the **{role}** role.", role=target.name))


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
        await member.remove_roles(
            old, reason=_in(settings, N_("Changed role in the mentoring sign-up"))
        )
    except discord.HTTPException as exc:
        log.warning("Role removal failed (guild=%s code=%s)", guild.id, exc.code)


async def remove_programme_roles(
    guild: discord.Guild,
    member: discord.Member,
    settings: GuildSettings,
    reason: Text | str = RESET_REASON,
) -> None:
    """Best effort: after a reset (or a deletion) the member holds neither programme role."""
    reason = _in(settings, reason)
    for role_id in (settings.mentor_role_id, settings.mentee_role_id):
        role = guild.get_role(role_id) if role_id else None
        if role is None or role not in member.roles or _blocker(guild, role) is not None:
            continue
        try:
            await member.remove_roles(role, reason=reason)
        except discord.HTTPException as exc:
            log.warning("Role removal failed (guild=%s code=%s)", guild.id, exc.code)
