"""Check-ins: `/checkin`, and the timer that sends prompts.

The timer (`bot.timers["checkins"]`) is armed from the database's next due time; once the
bot is ready it runs, so what came due while the bot was down is sent (inside the grace
window) or recorded as missed. Prompts go out through `bot.delivery.checkins` and its paced
sender; the prompt's buttons and note are in `_components`.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.checks import guild_of, missing_thread_permissions
from bot.domain import wallclock
from bot.i18n import _
from bot.services.checkins import jump_url
from cogs.checkins import _components, _screens

if TYPE_CHECKING:
    from bot.app import MentorBot

TIMER = "checkins"

DAY_CHOICES = [app_commands.Choice(name=name, value=name.lower()) for name in wallclock.DAY_NAMES]
CADENCE_CHOICES = [
    app_commands.Choice(name="Weekly", value="weekly"),
    app_commands.Choice(name="Every two weeks", value="fortnightly"),
]


class Checkins(commands.Cog):
    checkin = app_commands.Group(
        name="checkin", description="Your regular check-ins on your goals", guild_only=True
    )

    def __init__(self, bot: MentorBot) -> None:
        self.bot = bot
        self._woken = False

    async def cog_load(self) -> None:
        self.bot.persistent.add(*_components.ALL)
        self.bot.timers.add(TIMER, self._run_due, on_start=self._on_start)

    async def _run_due(self, now: datetime) -> datetime | None:
        return await self.bot.delivery.checkins.run_due(now)

    async def _on_start(self) -> None:
        """From now on a new due row (a schedule changed) moves the timer forward."""
        self.bot.services.checkins.set_wakeup(self.bot.timers[TIMER].arm_earlier)
        self._woken = True

    async def cog_unload(self) -> None:
        self.bot.persistent.remove(*_components.ALL)
        await self.bot.timers.remove(TIMER)
        if self._woken:
            self.bot.services.checkins.set_wakeup(None)

    # ------------------------------------------------------------- /checkin

    @checkin.command(name="schedule", description="Choose when your check-ins arrive")
    @app_commands.describe(
        day="The day of the week",
        time="Your local time, e.g. 09:00 or 6pm",
        timezone="Your time zone, e.g. Europe/London (default: the one from your sign-up)",
        cadence="Every week (default) or every two weeks",
    )
    @app_commands.choices(day=DAY_CHOICES, cadence=CADENCE_CHOICES)
    async def schedule(
        self,
        interaction: discord.Interaction,
        day: app_commands.Choice[str],
        time: str,
        timezone: str | None = None,
        cadence: app_commands.Choice[str] | None = None,
    ) -> None:
        guild = guild_of(interaction)
        view = await self.bot.services.checkins.set_schedule(
            guild.id,
            interaction.user.id,
            day=day.value,
            at=time,
            timezone=timezone,
            cadence=cadence.value if cadence else None,
        )
        await interaction.response.send_message(
            _("🗓️ Saved.") + " " + _screens.schedule_summary(view), ephemeral=True
        )

    @schedule.autocomplete("timezone")
    async def timezone_autocomplete(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return [app_commands.Choice(name=z, value=z) for z in wallclock.search_timezones(current)]

    @checkin.command(name="pause", description="Pause your check-ins, e.g. for a holiday")
    @app_commands.describe(
        until="First day check-ins may come again, e.g. 12 Jan (default: until you resume)"
    )
    async def pause(self, interaction: discord.Interaction, until: str | None = None) -> None:
        guild = guild_of(interaction)
        view = await self.bot.services.checkins.pause(guild.id, interaction.user.id, until)
        await interaction.response.send_message(
            "⏸️ " + _screens.schedule_summary(view), ephemeral=True
        )

    @checkin.command(name="resume", description="Start your check-ins again after a pause")
    async def resume(self, interaction: discord.Interaction) -> None:
        guild = guild_of(interaction)
        view = await self.bot.services.checkins.resume(guild.id, interaction.user.id)
        await interaction.response.send_message(
            _("▶️ Welcome back!") + " " + _screens.schedule_summary(view), ephemeral=True
        )

    @checkin.command(name="now", description="Check in on your goals right now")
    async def now(self, interaction: discord.Interaction) -> None:
        guild = guild_of(interaction)
        await interaction.response.defer(ephemeral=True, thinking=True)
        delivered = await self.bot.delivery.checkins.checkin_now(guild.id, interaction.user.id)
        if delivered.outcome == "queued":
            await interaction.edit_original_response(
                content=_(
                    "⏳ Discord asked me to slow down for a moment: your check-in will "
                    "arrive in a few minutes."
                )
            )
            return
        if delivered.channel_id is not None and delivered.message_id is not None:
            link = jump_url(
                guild.id, delivered.channel_id, delivered.message_id, delivered.delivery
            )
            if delivered.outcome == "already":
                content = _("Your current check-in is still open: {link}", link=link)
            elif delivered.delivery == "thread":
                content = _(
                    "📬 Your check-in is in your private check-in thread: {link}", link=link
                )
            else:
                content = _("📬 Your check-in is in your DMs: {link}", link=link)
            await interaction.edit_original_response(content=content)
            return
        await interaction.edit_original_response(content=await self._undeliverable(guild))

    async def _undeliverable(self, guild: discord.Guild) -> str:
        """Why the fallback could not be used: no channel, or what the bot lacks there."""
        settings = await self.bot.services.settings.get(guild.id)
        channel_id = settings.checkin_fallback_channel_id
        channel = guild.get_channel(channel_id) if channel_id else None
        if not isinstance(channel, discord.TextChannel):
            return _screens.undeliverable(None, [])
        return _screens.undeliverable(channel.id, missing_thread_permissions(channel))

    @checkin.command(name="history", description="Your recent check-ins")
    async def history(self, interaction: discord.Interaction) -> None:
        guild = guild_of(interaction)
        entries = await self.bot.services.checkins.history(guild.id, interaction.user.id)
        view = await self.bot.services.checkins.schedule(guild.id, interaction.user.id)
        embed = _screens.history_embed(entries, guild.name, _screens.schedule_footer(view))
        await interaction.response.send_message(embed=embed, ephemeral=True)


async def setup(bot: MentorBot) -> None:
    await bot.add_cog(Checkins(bot))
