"""Sessions: `/session log` and `/session list`, the reflection reminder timer, and the
listeners that make a session's private thread once what was missing is fixed.

A logged session gets a private thread (invitable off) with exactly its pair; reflections
are private unless their author shares them, and only shared ones are posted there. The
timer (`bot.timers["session_reminders"]`) sends the one two-day reminder; at start-up it
first makes the threads that are still missing.

Beside the usual parts (`_ids`, `_screens`, `_components`, `_flow`), `_forms` holds the two
modals, `_fit_screens` the fit question's looks, and `_threads` the work away from a click:
making threads, posting shared reflections, sending reminders.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.checks import guild_of
from bot.domain import sessions as rules
from bot.ui.acknowledge import opens_modal
from cogs.sessions import _components, _flow, _threads

if TYPE_CHECKING:
    from bot.app import MentorBot

log = logging.getLogger(__name__)

TIMER = _threads.TIMER


class Sessions(commands.Cog):
    session = app_commands.Group(
        name="session", description="Your mentoring sessions and reflections", guild_only=True
    )

    def __init__(self, bot: MentorBot) -> None:
        self.bot = bot

    async def cog_load(self) -> None:
        self.bot.persistent.add(*_components.ALL)
        self.bot.timers.add(TIMER, self._run_due, on_start=self._on_start)

    async def cog_unload(self) -> None:
        self.bot.persistent.remove(*_components.ALL)
        await self.bot.timers.remove(TIMER)

    async def _run_due(self, now: datetime) -> datetime | None:
        return await _threads.run_due_reminders(self.bot, now)

    async def _on_start(self) -> None:
        """Once connected: make the threads that could not be made before (a permission
        fixed while the bot was down, or a stop halfway through)."""
        for guild in self.bot.guilds:
            await self._retry(guild)

    async def _retry(self, guild: discord.Guild) -> None:
        try:
            made = await _threads.retry_threads(self.bot, guild)
        except Exception:
            if self.bot.is_closed():  # stopping: the next start makes them
                log.info("Waiting session threads left for the next start (guild=%s)", guild.id)
            else:
                log.exception("Making waiting session threads failed (guild=%s)", guild.id)
            return
        if made:
            log.info("Made %d waiting session thread(s) in guild %s", made, guild.id)

    # ---------------------------------------------------------------- listeners

    @commands.Cog.listener()
    async def on_app_command_completion(
        self,
        interaction: discord.Interaction,
        command: app_commands.Command[Any, ..., Any] | app_commands.ContextMenu,
    ) -> None:
        """A new sessions channel may be one the bot can use."""
        if command.qualified_name == "setup channels" and interaction.guild is not None:
            await self._retry(interaction.guild)

    @commands.Cog.listener()
    async def on_guild_channel_update(
        self, before: discord.abc.GuildChannel, after: discord.abc.GuildChannel
    ) -> None:
        """The sessions channel's permissions may now let the bot open threads there."""
        settings = await self.bot.services.settings.get(after.guild.id)
        if after.id == settings.sessions_channel_id and before.overwrites != after.overwrites:
            await self._retry(after.guild)

    @commands.Cog.listener()
    async def on_guild_role_update(self, before: discord.Role, after: discord.Role) -> None:
        """The bot's own role may have gained what it needs."""
        me = after.guild.me
        if before.permissions != after.permissions and me is not None and after in me.roles:
            await self._retry(after.guild)

    # ---------------------------------------------------------------- commands

    @session.command(name="log", description="Log a session with your mentor or mentee")
    @opens_modal  # without minutes it asks for them in a form; otherwise it defers itself
    @app_commands.describe(
        partner="Who you met (default: your one mentor or mentee)",
        date="When you met, e.g. today, yesterday or 12 Jan (default: today)",
        minutes=f"How long you met, in minutes ({rules.MINUTES_MIN}-{rules.MINUTES_MAX})",
        topic="A few words on what it was about (only the two of you see it)",
    )
    async def log(
        self,
        interaction: discord.Interaction,
        partner: discord.User | None = None,
        date: str | None = None,
        minutes: app_commands.Range[int, rules.MINUTES_MIN, rules.MINUTES_MAX] | None = None,
        topic: str | None = None,
    ) -> None:
        # A User, not a Member: a partner who has left the server can still be named.
        guild_of(interaction)
        partner_id = partner.id if partner is not None else None
        if minutes is None:
            await _flow.open_log_form(interaction, partner_id, date, topic)
            return
        await _flow.log_session(interaction, partner_id, date, minutes, topic)

    @session.command(name="list", description="Your sessions, with links to their threads")
    async def list_(self, interaction: discord.Interaction) -> None:
        await _flow.show_list(interaction, 0)


async def setup(bot: MentorBot) -> None:
    await bot.add_cog(Sessions(bot))
