"""Daily database backups, taken by the running bot (the work is in bot/db/backup.py).

The timer (`bot.timers["backups"]`) is due 24 hours after the newest backup on disk, so a
restart never takes a second one the same day, and a bot that was down takes one as soon
as it is back. The copy runs in a worker thread: Discord's heartbeat never waits for it.
A failure is logged, retried within the hour and told once to each server's director log
(no member's words: only that backups fail and where to look); it never stops the bot.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from discord.ext import commands

from bot.db.backup import DailyBackups
from bot.i18n import N_

if TYPE_CHECKING:
    from bot.app import MentorBot

log = logging.getLogger(__name__)

TIMER = "backups"
FAILING_LINE = N_(
    "⚠️ The daily database backup failed. The bot keeps running and tries again within the "
    "hour; whoever runs the bot finds the reason in its log."
)
WORKING_LINE = N_("✅ Database backups work again.")
"""Director-log lines, written in each server's language."""


class Backups(commands.Cog):
    def __init__(self, bot: MentorBot) -> None:
        self.bot = bot
        settings = bot.settings
        self.backups = DailyBackups(
            settings.database_path,
            settings.backup_folder,
            keep=settings.backup_keep,
            report=self._tell_directors,
        )
        # A database in memory has no file to back up (some tests run that way).
        self._enabled = str(settings.database_path) != ":memory:"

    async def cog_load(self) -> None:
        if self._enabled:
            self.bot.timers.add(TIMER, self._run_due)

    async def _run_due(self, now: datetime) -> datetime | None:
        """Back up only the file the bot has open: once the path names another file (deleted
        or replaced under the bot), opening it would copy the wrong data and could disturb
        the write-ahead log the bot still uses. The file watch stops the bot meanwhile."""
        if self.bot.db.file_fault() is not None:
            return now + timedelta(minutes=1)
        return await self.backups.run_due(now)

    async def cog_unload(self) -> None:
        if self._enabled:
            await self.bot.timers.remove(TIMER)

    async def _tell_directors(self, failing: bool) -> None:
        line = FAILING_LINE if failing else WORKING_LINE
        for guild in self.bot.guilds:
            await self.bot.delivery.director_log.add(guild.id, line)


async def setup(bot: MentorBot) -> None:
    await bot.add_cog(Backups(bot))
