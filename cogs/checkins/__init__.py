"""Check-ins: `/checkin`, the prompt's buttons and note, and the timer that sends prompts.

The timer (`bot.timers["checkins"]`) is armed from the database's next due time; at start-up
it runs once the bot is ready, so what came due while the bot was down is sent (inside the
grace window) or recorded as missed. Prompts go out through one paced sender.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
from datetime import datetime
from typing import Any, cast

import discord
from discord import app_commands
from discord.ext import commands

from bot.app import MentorBot
from bot.checks import guild_of
from bot.domain import wallclock
from bot.domain.schedule import GoalStatus
from bot.scheduler import DueTimer
from bot.sender import PacedSender, SendPacing
from bot.services.delivery import CheckinDelivery, Job
from bot.tasks import spawn
from bot.ui.components import guarded, modal_values
from cogs.checkins import _flow, _ids, _screens
from cogs.checkins._messenger import DiscordMessenger

log = logging.getLogger(__name__)

_NOTE_MODAL = re.compile(_ids.NOTE_MODAL)
TIMER = "checkins"


class AnswerButton(discord.ui.DynamicItem[discord.ui.Button[Any]], template=_ids.ANSWER):
    def __init__(self, period_id: int, goal_id: int, status: GoalStatus) -> None:
        super().__init__(
            discord.ui.Button(label="…", custom_id=_ids.answer(period_id, goal_id, status))
        )
        self.period_id, self.goal_id, self.status = period_id, goal_id, status

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str]
    ) -> AnswerButton:
        return cls(int(match["period"]), int(match["goal"]), cast(GoalStatus, match["status"]))

    async def callback(self, interaction: discord.Interaction) -> None:
        await guarded(
            interaction,
            f"check-in answer {self.period_id}",
            lambda: _flow.answer(interaction, self.period_id, self.goal_id, self.status),
        )


class PageButton(discord.ui.DynamicItem[discord.ui.Button[Any]], template=_ids.PAGE):
    def __init__(self, period_id: int, page: int) -> None:
        super().__init__(discord.ui.Button(label="…", custom_id=_ids.page(period_id, page)))
        self.period_id, self.page = period_id, page

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str]
    ) -> PageButton:
        return cls(int(match["period"]), int(match["page"]))

    async def callback(self, interaction: discord.Interaction) -> None:
        await guarded(
            interaction,
            f"check-in page {self.period_id}",
            lambda: _flow.turn_page(interaction, self.period_id, self.page),
        )


class NoteButton(discord.ui.DynamicItem[discord.ui.Button[Any]], template=_ids.NOTE):
    def __init__(self, period_id: int) -> None:
        super().__init__(discord.ui.Button(label="…", custom_id=_ids.note(period_id)))
        self.period_id = period_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str]
    ) -> NoteButton:
        return cls(int(match["period"]))

    async def callback(self, interaction: discord.Interaction) -> None:
        await guarded(
            interaction,
            f"check-in note {self.period_id}",
            lambda: _flow.open_note(interaction, self.period_id),
        )


class DmsOpenButton(discord.ui.DynamicItem[discord.ui.Button[Any]], template=_ids.DMS_OPEN):
    def __init__(self, guild_id: int) -> None:
        super().__init__(discord.ui.Button(label="…", custom_id=_ids.dms_open(guild_id)))
        self.guild_id = guild_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str]
    ) -> DmsOpenButton:
        return cls(int(match["guild"]))

    async def callback(self, interaction: discord.Interaction) -> None:
        await guarded(
            interaction, "check-in DMs open", lambda: _flow.dms_open(interaction, self.guild_id)
        )


DYNAMIC_ITEMS = (AnswerButton, PageButton, NoteButton, DmsOpenButton)

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
        self.sender: PacedSender[Job] = PacedSender(
            self._handle,
            SendPacing(per_second=bot.settings.checkin_send_rate),
            name="checkin-sender",
        )
        self.timer = DueTimer(bot.scheduler, bot.clock, TIMER, self._run_due)
        self._delivery: CheckinDelivery | None = None
        self._startup: asyncio.Task[None] | None = None

    @property
    def delivery(self) -> CheckinDelivery:
        """Built on first use: services exist only once the bot's `setup_hook` has run."""
        if self._delivery is None:
            self._delivery = CheckinDelivery(
                self.bot.services.checkins,
                DiscordMessenger(self.bot),
                self.bot.clock,
                self.sender.enqueue,
            )
        return self._delivery

    async def _run_due(self, now: datetime) -> datetime | None:
        return await self.delivery.run_due(now)

    async def _handle(self, job: Job) -> None:
        await self.delivery.handle(job)

    async def cog_load(self) -> None:
        self.bot.add_dynamic_items(*DYNAMIC_ITEMS)
        self.bot.timers[TIMER] = self.timer
        self._startup = spawn(self._first_run(), name="checkins-startup")

    async def _first_run(self) -> None:
        """Rebuild what is due from the database once Discord is reachable."""
        await self.bot.wait_until_ready()
        self.bot.services.checkins.set_wakeup(self.timer.arm_earlier)
        self.sender.start()
        await self.timer.fire()

    async def cog_unload(self) -> None:
        startup, self._startup = self._startup, None
        if startup is not None and not startup.done():
            startup.cancel()  # closed before Discord was ready: nothing was started
            with contextlib.suppress(asyncio.CancelledError):
                await startup
        self.bot.remove_dynamic_items(*DYNAMIC_ITEMS)
        if self._delivery is not None:
            self.bot.services.checkins.set_wakeup(None)
        if self.bot.timers.get(TIMER) is self.timer:
            del self.bot.timers[TIMER]
        self.timer.arm(None)
        await self.sender.stop()

    # ------------------------------------------------------------------ events

    @commands.Cog.listener()
    async def on_interaction(self, interaction: discord.Interaction) -> None:
        if interaction.guild_id is None:
            # Anything the member does in DMs shows their DMs work: stop skipping them.
            await self.bot.services.contacts.reopen_dms(interaction.user.id)
        if interaction.type is not discord.InteractionType.modal_submit:
            return
        data = cast(dict[str, Any], interaction.data or {})
        match = _NOTE_MODAL.fullmatch(str(data.get("custom_id", "")))
        if match is None:
            return
        values = modal_values(data)
        text = values.get(_ids.NOTE_INPUT, "")
        share = values.get(_ids.SHARE_INPUT, [])
        period_id = int(match["period"])
        await guarded(
            interaction,
            f"check-in note modal {period_id}",
            lambda: _flow.submit_note(
                interaction,
                period_id,
                text if isinstance(text, str) else "",
                "share" in share,
            ),
        )

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
            "🗓️ Saved. " + _screens.schedule_summary(view), ephemeral=True
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
            "▶️ Welcome back! " + _screens.schedule_summary(view), ephemeral=True
        )

    @checkin.command(name="now", description="Check in on your goals right now")
    async def now(self, interaction: discord.Interaction) -> None:
        guild = guild_of(interaction)
        await interaction.response.defer(ephemeral=True, thinking=True)
        delivered = await self.delivery.checkin_now(guild.id, interaction.user.id)
        if delivered.outcome == "queued":
            await interaction.edit_original_response(
                content="⏳ Discord asked me to slow down for a moment: your check-in will "
                "arrive in a few minutes."
            )
            return
        if delivered.channel_id is not None and delivered.message_id is not None:
            link = _link(guild.id, delivered.channel_id, delivered.message_id, delivered.delivery)
            where = "your private check-in thread" if delivered.delivery == "thread" else "your DMs"
            content = (
                f"Your current check-in is still open: {link}"
                if delivered.outcome == "already"
                else f"📬 Your check-in is in {where}: {link}"
            )
            await interaction.edit_original_response(content=content)
            return
        await interaction.edit_original_response(
            content="I couldn't send your check-in: your DMs are closed and this server has no "
            "check-in channel. Allow direct messages from this server (server menu → Privacy "
            "Settings), then run `/checkin now` again."
        )

    @checkin.command(name="history", description="Your recent check-ins")
    async def history(self, interaction: discord.Interaction) -> None:
        guild = guild_of(interaction)
        entries = await self.bot.services.checkins.history(guild.id, interaction.user.id)
        view = await self.bot.services.checkins.schedule(guild.id, interaction.user.id)
        embed = _screens.history_embed(entries, guild.name, _screens.schedule_footer(view))
        await interaction.response.send_message(embed=embed, ephemeral=True)


def _link(guild_id: int, channel_id: int, message_id: int, delivery: str | None) -> str:
    where = guild_id if delivery == "thread" else "@me"
    return f"https://discord.com/channels/{where}/{channel_id}/{message_id}"


async def setup(bot: MentorBot) -> None:
    await bot.add_cog(Checkins(bot))
