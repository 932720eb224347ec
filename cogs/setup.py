"""`/setup`: which roles and channels the programme uses, and a health check of both."""

from __future__ import annotations

from dataclasses import replace

import discord
from discord import app_commands
from discord.ext import commands

from bot.app import MentorBot
from bot.checks import guild_of
from bot.domain.health import (
    ChannelFacts,
    ChannelPurpose,
    HealthReport,
    RoleFacts,
    RolePurpose,
    ServerFacts,
    Severity,
    check_health,
)
from bot.domain.settings import GuildSettings
from bot.errors import UserError
from bot.ui.embeds import (
    COLOUR_OK,
    COLOUR_PROBLEM,
    COLOUR_WARNING,
    DESCRIPTION_LIMIT,
    add_field,
    chunk_lines,
)

_ICONS = {Severity.OK: "✅", Severity.WARNING: "⚠️", Severity.PROBLEM: "❌"}


class Setup(commands.Cog):
    """Server configuration, for members with Manage Server."""

    setup = app_commands.Group(
        name="setup",
        description="Configure mentorbot for this server",
        default_permissions=discord.Permissions(manage_guild=True),
        guild_only=True,
    )

    def __init__(self, bot: MentorBot) -> None:
        self.bot = bot

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        """Hidden commands are not a permission check: verify Manage Server on every call."""
        if interaction.guild is None:
            raise app_commands.NoPrivateMessage()
        if not interaction.permissions.manage_guild:
            raise app_commands.MissingPermissions(["manage_guild"])
        return True

    @setup.command(name="roles", description="Choose the Director, Mentor and Mentee roles")
    @app_commands.describe(
        director="Members with this role run the programme",
        mentor="Given to members who sign up as mentors",
        mentee="Given to members who sign up as mentees",
    )
    async def roles(
        self,
        interaction: discord.Interaction,
        director: discord.Role,
        mentor: discord.Role,
        mentee: discord.Role,
    ) -> None:
        guild = guild_of(interaction)
        for purpose, role in (("Mentor", mentor), ("Mentee", mentee)):
            if role.managed:
                raise UserError(
                    f"@{role.name} belongs to an integration, so nobody can assign it. "
                    f"Pick an ordinary role for {purpose}s."
                )
        settings = await self.bot.services.settings.set_roles(
            guild.id,
            director=director.id,
            mentor=mentor.id,
            mentee=mentee.id,
            actor_id=interaction.user.id,
        )
        report = check_health(server_facts(self.bot, guild, settings))
        role_problems = [f for f in report.problems if "role" in f.subject]
        lines = [
            "Saved. Programme roles:",
            f"• Director: {director.mention}",
            f"• Mentor: {mentor.mention}",
            f"• Mentee: {mentee.mention}",
        ]
        lines += [f"❌ {f.subject}: {f.message} **Fix:** {f.fix}" for f in role_problems]
        await interaction.response.send_message("\n".join(lines), ephemeral=True)

    @setup.command(name="channels", description="Choose the channels the programme uses")
    @app_commands.describe(
        introductions="Private threads introducing each new mentor–mentee pair",
        sessions="Private threads for each mentoring session's reflections",
        checkin_fallback="Private check-in threads for members whose DMs are closed",
        director_log="Where directors see what the bot and other directors did",
    )
    async def channels(
        self,
        interaction: discord.Interaction,
        introductions: discord.TextChannel,
        sessions: discord.TextChannel,
        checkin_fallback: discord.TextChannel | None = None,
        director_log: discord.TextChannel | None = None,
    ) -> None:
        guild = guild_of(interaction)
        for label, channel in (
            ("introductions", introductions),
            ("sessions", sessions),
            ("check-in fallback", checkin_fallback),
        ):
            if channel is not None and channel.is_news():
                raise UserError(
                    f"{channel.mention} is an announcement channel, where Discord allows no "
                    f"private threads: pick an ordinary text channel for {label}."
                )
        settings = await self.bot.services.settings.set_channels(
            guild.id,
            introductions=introductions.id,
            sessions=sessions.id,
            checkin_fallback=checkin_fallback.id if checkin_fallback else None,
            director_log=director_log.id if director_log else None,
            actor_id=interaction.user.id,
        )
        report = check_health(server_facts(self.bot, guild, settings))
        channel_problems = [f for f in report.problems if f.subject.startswith("#")]
        lines = [
            "Saved. Programme channels:",
            f"• Introductions: {introductions.mention}",
            f"• Sessions: {sessions.mention}",
            f"• Check-in fallback: {checkin_fallback.mention if checkin_fallback else 'none'}",
            f"• Director log: {director_log.mention if director_log else 'none'}",
        ]
        lines += [f"❌ {f.subject}: {f.message} **Fix:** {f.fix}" for f in channel_problems]
        await interaction.response.send_message("\n".join(lines), ephemeral=True)

    @setup.command(name="show", description="Show the configuration and check what the bot needs")
    async def show(self, interaction: discord.Interaction) -> None:
        guild = guild_of(interaction)
        settings = await self.bot.services.settings.get(guild.id)
        undeliverable = await self.bot.services.checkins.undeliverable_members(guild.id)
        facts = replace(
            server_facts(self.bot, guild, settings), undeliverable_member_ids=tuple(undeliverable)
        )
        report = check_health(facts)
        await interaction.response.send_message(
            embed=setup_embed(guild, settings, report), ephemeral=True
        )


def server_facts(bot: MentorBot, guild: discord.Guild, settings: GuildSettings) -> ServerFacts:
    """Read what the health check needs from discord.py's view of the server."""
    me = guild.me
    role_ids = (
        (RolePurpose.DIRECTOR, settings.director_role_id),
        (RolePurpose.MENTOR, settings.mentor_role_id),
        (RolePurpose.MENTEE, settings.mentee_role_id),
    )
    channel_ids = (
        (ChannelPurpose.INTRODUCTIONS, settings.introductions_channel_id),
        (ChannelPurpose.SESSIONS, settings.sessions_channel_id),
        (ChannelPurpose.CHECKIN_FALLBACK, settings.checkin_fallback_channel_id),
        (ChannelPurpose.DIRECTOR_LOG, settings.director_log_channel_id),
    )
    return ServerFacts(
        bot_can_manage_roles=me.guild_permissions.manage_roles,
        bot_top_role_name=me.top_role.name,
        bot_top_role_position=me.top_role.position,
        members_intent=bot.members_intent,
        roles=tuple(
            _role_facts(guild, purpose, role_id)
            for purpose, role_id in role_ids
            if role_id is not None
        ),
        channels=tuple(
            _channel_facts(guild, purpose, channel_id)
            for purpose, channel_id in channel_ids
            if channel_id is not None
        ),
        roles_configured=settings.roles_configured,
        channels_configured=settings.channels_configured,
    )


def _role_facts(guild: discord.Guild, purpose: RolePurpose, role_id: int) -> RoleFacts:
    role = guild.get_role(role_id)
    if role is None:
        return RoleFacts(purpose, role_id, None)
    return RoleFacts(purpose, role_id, role.name, position=role.position, managed=role.managed)


def _channel_facts(guild: discord.Guild, purpose: ChannelPurpose, channel_id: int) -> ChannelFacts:
    channel = guild.get_channel(channel_id)
    if channel is None:
        return ChannelFacts(purpose, channel_id, None)
    if not isinstance(channel, discord.TextChannel) or (
        channel.is_news() and purpose is not ChannelPurpose.DIRECTOR_LOG
    ):
        return ChannelFacts(purpose, channel_id, channel.name, is_text=False)
    perms = channel.permissions_for(guild.me)
    return ChannelFacts(
        purpose,
        channel_id,
        channel.name,
        view=perms.view_channel,
        send_messages=perms.send_messages,
        embed_links=perms.embed_links,
        create_private_threads=perms.create_private_threads,
        send_in_threads=perms.send_messages_in_threads,
        thread_readers=_thread_readers(guild, channel),
    )


def _thread_readers(
    guild: discord.Guild, channel: discord.TextChannel
) -> tuple[tuple[str, str], ...]:
    """Roles that can read every private thread in `channel` (Administrator or Manage Threads)."""
    readers: list[tuple[str, str]] = []
    bot_role = guild.self_role
    for role in sorted(guild.roles, key=lambda r: r.position, reverse=True):
        if bot_role is not None and role.id == bot_role.id:
            continue
        if role.permissions.administrator:
            readers.append((f"@{role.name}", "Administrator"))
            continue
        perms = channel.permissions_for(role)
        if perms.view_channel and perms.manage_threads:
            readers.append((f"@{role.name}", "Manage Threads"))
    return tuple(readers)


def setup_embed(
    guild: discord.Guild, settings: GuildSettings, report: HealthReport
) -> discord.Embed:
    colour = COLOUR_PROBLEM if report.problems else COLOUR_WARNING if report.warnings else COLOUR_OK
    summary = (
        f"{len(report.problems)} problem(s), {len(report.warnings)} warning(s)."
        if not report.healthy
        else "Everything the bot needs is in place."
    )
    lines = [summary, ""]
    for finding in report.findings:
        line = f"{_ICONS[finding.severity]} **{finding.subject}**: {finding.message}"
        if finding.fix:
            line += f"\n  ↳ Fix: {finding.fix}"
        lines.append(line)
    blocks = chunk_lines(lines, DESCRIPTION_LIMIT)
    embed = discord.Embed(
        title=f"mentorbot setup for {guild.name}", description=blocks[0], colour=colour
    )
    add_field(
        embed,
        "Roles",
        "\n".join(
            f"{label}: {_mention_role(role_id)}"
            for label, role_id in (
                ("Director", settings.director_role_id),
                ("Mentor", settings.mentor_role_id),
                ("Mentee", settings.mentee_role_id),
            )
        ),
        inline=True,
    )
    add_field(
        embed,
        "Channels",
        "\n".join(
            f"{label}: {_mention_channel(channel_id)}"
            for label, channel_id in (
                ("Introductions", settings.introductions_channel_id),
                ("Sessions", settings.sessions_channel_id),
                ("Check-in fallback", settings.checkin_fallback_channel_id),
                ("Director log", settings.director_log_channel_id),
            )
        ),
        inline=True,
    )
    for block in blocks[1:]:
        add_field(embed, "Health check (continued)", block)
    return embed


def _mention_role(role_id: int | None) -> str:
    return f"<@&{role_id}>" if role_id else "not set"


def _mention_channel(channel_id: int | None) -> str:
    return f"<#{channel_id}>" if channel_id else "not set"


async def setup(bot: MentorBot) -> None:
    await bot.add_cog(Setup(bot))
