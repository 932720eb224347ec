"""`/setup`: which roles and channels the programme uses, the language directors read, and a
health check of it all. Every answer is in the server's language: `/setup` is a directors'
screen (a member refused for lacking Manage Server is answered in their own)."""

from __future__ import annotations

from dataclasses import replace

import discord
from discord import app_commands
from discord.ext import commands

from bot.app import MentorBot
from bot.checks import guild_of, use_server_language
from bot.domain.health import (
    CHANNEL_LABELS,
    ROLE_LABELS,
    ChannelFacts,
    ChannelPurpose,
    Finding,
    HealthReport,
    RoleFacts,
    RolePurpose,
    ServerFacts,
    Severity,
    check_health,
)
from bot.domain.settings import GuildSettings
from bot.errors import UserError
from bot.i18n import LANGUAGES, N_, Language, Text, _, is_language, language_name, n_, set_language
from bot.tree import permission_name
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
        await use_server_language(interaction)
        for role, refusal in (
            (
                mentor,
                N_(
                    "@{role} belongs to an integration, so nobody can assign it. Pick an "
                    "ordinary role for Mentors.",
                    role=mentor.name,
                ),
            ),
            (
                mentee,
                N_(
                    "@{role} belongs to an integration, so nobody can assign it. Pick an "
                    "ordinary role for Mentees.",
                    role=mentee.name,
                ),
            ),
        ):
            if role.managed:
                raise UserError(refusal)
        settings = await self.bot.services.settings.set_roles(
            guild.id,
            director=director.id,
            mentor=mentor.id,
            mentee=mentee.id,
            actor_id=interaction.user.id,
        )
        report = check_health(server_facts(self.bot, guild, settings))
        role_problems = [f for f in report.problems if f.topic == "role"]
        lines = [
            _("Saved. Programme roles:"),
            _("• Director: {role}", role=director.mention),
            _("• Mentor: {role}", role=mentor.mention),
            _("• Mentee: {role}", role=mentee.mention),
        ]
        lines += [_problem_line(f) for f in role_problems]
        await interaction.response.send_message("\n".join(lines), ephemeral=True)
        await self.bot.delivery.director_log.add(
            guild.id,
            N_(
                "⚙️ {director} set the programme roles: Director {director_role}, "
                "Mentor {mentor_role}, Mentee {mentee_role}.",
                director=interaction.user.mention,
                director_role=director.mention,
                mentor_role=mentor.mention,
                mentee_role=mentee.mention,
            ),
        )

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
        await use_server_language(interaction)
        for purpose, channel in (
            (ChannelPurpose.INTRODUCTIONS, introductions),
            (ChannelPurpose.SESSIONS, sessions),
            (ChannelPurpose.CHECKIN_FALLBACK, checkin_fallback),
        ):
            if channel is not None and channel.is_news():
                raise UserError(
                    _(
                        "{channel} is an announcement channel, where Discord allows no "
                        "private threads: pick an ordinary text channel for {purpose}.",
                        channel=channel.mention,
                        purpose=CHANNEL_LABELS[purpose],
                    )
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
        channel_problems = [f for f in report.problems if f.topic == "channel"]
        lines = [
            _("Saved. Programme channels:"),
            _("• Introductions: {channel}", channel=introductions.mention),
            _("• Sessions: {channel}", channel=sessions.mention),
            _(
                "• Check-in fallback: {channel}",
                channel=checkin_fallback.mention if checkin_fallback else _("none"),
            ),
            _(
                "• Director log: {channel}",
                channel=director_log.mention if director_log else _("none"),
            ),
        ]
        lines += [_problem_line(f) for f in channel_problems]
        await interaction.response.send_message("\n".join(lines), ephemeral=True)
        await self.bot.delivery.director_log.add(
            guild.id,
            N_(
                "⚙️ {director} set the programme channels: introductions {introductions}, "
                "sessions {sessions}, check-in fallback {checkin_fallback}, director log "
                "{director_log}.",
                director=interaction.user.mention,
                introductions=introductions.mention,
                sessions=sessions.mention,
                checkin_fallback=_mention_or_none(checkin_fallback),
                director_log=_mention_or_none(director_log),
            ),
        )

    @setup.command(
        name="language",
        description="Choose the language of directors' screens and the director log",
    )
    @app_commands.describe(language="Members still each read their own language")
    @app_commands.choices(
        language=[
            app_commands.Choice(name="English", value="en"),
            app_commands.Choice(name="简体中文 (Simplified Chinese)", value="zh-CN"),
        ]
    )
    async def language(self, interaction: discord.Interaction, language: str) -> None:
        guild = guild_of(interaction)
        await use_server_language(interaction)
        if not is_language(language):
            raise UserError(
                _("Pick one of the languages offered: {languages}.", languages=_LANGUAGE_LIST)
            )
        chosen: Language = language
        await self.bot.services.settings.set_language(
            guild.id, chosen, actor_id=interaction.user.id
        )
        await self.bot.delivery.director_log.add(
            guild.id,
            N_(
                "🌐 {director} set the language of directors' screens and this log to {language}.",
                director=interaction.user.mention,
                language=language_name(chosen),
            ),
        )
        set_language(chosen)  # the answer is a directors' screen: in the language just chosen
        await interaction.response.send_message(
            _(
                "Saved. Directors' screens and the director log are now in {language}. Each "
                "member still reads the language they chose when signing up (or their "
                "Discord's).",
                language=language_name(chosen),
            ),
            ephemeral=True,
        )

    @setup.command(name="show", description="Show the configuration and check what the bot needs")
    async def show(self, interaction: discord.Interaction) -> None:
        guild = guild_of(interaction)
        await use_server_language(interaction)
        settings = await self.bot.services.settings.get(guild.id)
        undeliverable = await self.bot.services.checkins.undeliverable_members(guild.id)
        waiting = await self.bot.services.sessions.reports.waiting_for_thread(guild.id)
        facts = replace(
            server_facts(self.bot, guild, settings),
            undeliverable_member_ids=tuple(undeliverable),
            sessions_waiting_for_thread=waiting,
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
            readers.append((f"@{role.name}", permission_name("administrator")))
            continue
        perms = channel.permissions_for(role)
        if perms.view_channel and perms.manage_threads:
            readers.append((f"@{role.name}", permission_name("manage_threads")))
    return tuple(readers)


def setup_embed(
    guild: discord.Guild, settings: GuildSettings, report: HealthReport
) -> discord.Embed:
    colour = COLOUR_PROBLEM if report.problems else COLOUR_WARNING if report.warnings else COLOUR_OK
    summary = (
        _(
            "{problems}, {warnings}.",
            problems=n_("{count} problem", "{count} problems", len(report.problems)),
            warnings=n_("{count} warning", "{count} warnings", len(report.warnings)),
        )
        if not report.healthy
        else _("Everything the bot needs is in place.")
    )
    lines = [summary, ""]
    for finding in report.findings:
        line = f"{_ICONS[finding.severity]} **{finding.subject}**: {finding.message}"
        if finding.fix:
            line += "\n  ↳ " + _("Fix: {fix}", fix=finding.fix)
        lines.append(line)
    blocks = chunk_lines(lines, DESCRIPTION_LIMIT)
    embed = discord.Embed(
        title=_("mentorbot setup for {server}", server=guild.name),
        description=blocks[0],
        colour=colour,
    )
    add_field(
        embed,
        _("Roles"),
        "\n".join(
            _("{purpose}: {role}", purpose=ROLE_LABELS[purpose], role=_mention_role(role_id))
            for purpose, role_id in (
                (RolePurpose.DIRECTOR, settings.director_role_id),
                (RolePurpose.MENTOR, settings.mentor_role_id),
                (RolePurpose.MENTEE, settings.mentee_role_id),
            )
        ),
        inline=True,
    )
    add_field(
        embed,
        _("Channels"),
        "\n".join(
            _("{purpose}: {channel}", purpose=label, channel=_mention_channel(channel_id))
            for label, channel_id in (
                (_CHANNEL_TITLES[ChannelPurpose.INTRODUCTIONS], settings.introductions_channel_id),
                (_CHANNEL_TITLES[ChannelPurpose.SESSIONS], settings.sessions_channel_id),
                (
                    _CHANNEL_TITLES[ChannelPurpose.CHECKIN_FALLBACK],
                    settings.checkin_fallback_channel_id,
                ),
                (_CHANNEL_TITLES[ChannelPurpose.DIRECTOR_LOG], settings.director_log_channel_id),
            )
        ),
        inline=True,
    )
    add_field(
        embed,
        _("Language"),
        _(
            "{language}: directors' screens and the director log (`/setup language`)",
            language=language_name(settings.language),
        ),
        inline=True,
    )
    for block in blocks[1:]:
        add_field(embed, _("Health check (continued)"), block)
    return embed


def _problem_line(finding: Finding) -> str:
    return _(
        "❌ {subject}: {problem} **Fix:** {fix}",
        subject=finding.subject,
        problem=finding.message,
        fix=finding.fix,
    )


_CHANNEL_TITLES: dict[ChannelPurpose, Text] = {
    ChannelPurpose.INTRODUCTIONS: N_("Introductions"),
    ChannelPurpose.SESSIONS: N_("Sessions"),
    ChannelPurpose.CHECKIN_FALLBACK: N_("Check-in fallback"),
    ChannelPurpose.DIRECTOR_LOG: N_("Director log"),
}
"""A channel's purpose as a heading names it."""

_LANGUAGE_LIST = ", ".join(language_name(lang) for lang in LANGUAGES)


def _mention_or_none(channel: discord.TextChannel | None) -> Text | str:
    """A channel in a director-log line; "none" waits for the server's language."""
    return channel.mention if channel else N_("none")


def _mention_role(role_id: int | None) -> str:
    return f"<@&{role_id}>" if role_id else _("not set")


def _mention_channel(channel_id: int | None) -> str:
    return f"<#{channel_id}>" if channel_id else _("not set")


async def setup(bot: MentorBot) -> None:
    await bot.add_cog(Setup(bot))
