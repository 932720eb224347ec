"""The director log channel: what the bot and directors did, never members' words.

Lines are recorded in the database with the events they report (`bot.services.director_log`)
and posted from there, so a crash between the event and its post no longer loses the line.
The poster's timer offers every unposted line to a paced sender, in order; each line is
claimed for the server's director log channel, posted with a nonce, and marked sent. A line
claimed but not marked sent (the bot stopped mid-post) is first looked for among the
channel's recent messages: found, it is marked sent; not found, it is posted again. A server
with no director log channel, or one the bot may not post in, drops its lines, as it did
when lines were posted straight away.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import TYPE_CHECKING

import discord

from bot.db.database import StorageBusy
from bot.i18n import Text
from bot.sender import Throttled
from bot.services.director_log import DirectorLog, DropReason, Line

if TYPE_CHECKING:
    from bot.app import MentorBot

log = logging.getLogger(__name__)

TIMER = "director_log"

RECENT_MESSAGES = 25
"""How far back a line cut short by a crash is looked for: it is retried within a minute or
at the next start, and directors' channels are quiet."""


class DirectorLogPoster:
    """The director-log timer's work and its paced sender's jobs (line ids)."""

    def __init__(self, bot: MentorBot, lines: DirectorLog) -> None:
        self._bot = bot
        self._lines = lines

    async def on_start(self) -> None:
        """Discord is ready: from now on each line recorded is queued at once (the timer
        catches up on lines recorded before, and retries those Discord failed)."""
        self._lines.on_record(self._bot.delivery.director_log_sender.enqueue)

    async def stop(self) -> None:
        self._lines.on_record(None)

    async def add(self, guild_id: int, text: Text | str) -> None:
        """Record a line for an event already done on Discord (an introduction, a role
        Discord refused): a database another program holds locked costs only the line,
        logged, never the answer to the member who acted."""
        try:
            await self._lines.record_alone(guild_id, text)
        except StorageBusy:
            log.warning("Director log line lost: the database is locked (guild=%s)", guild_id)

    async def run_due(self, now: datetime) -> datetime | None:
        for line_id in await self._lines.unsent():
            self._bot.delivery.director_log_sender.enqueue(line_id)
        await self._lines.prune(now)
        return await self._lines.next_due(now)

    async def post(self, line_id: int) -> None:
        line = await self._lines.pending(line_id)
        if line is None:
            return  # posted or dropped meanwhile
        guild = self._bot.get_guild(line.guild_id)
        if guild is None:
            await self._drop(line, "server_gone")
            return
        settings = await self._bot.services.settings.get(guild.id)
        channel_id = settings.director_log_channel_id
        if channel_id is None:
            await self._drop(line, "no_channel")
            return
        if line.claimed_channel_id is not None:
            found = await self._find(guild, line.claimed_channel_id, line)
            if found is not None:
                await self._lines.mark_sent(line.id, line.claimed_channel_id, found)
                return
        channel = guild.get_channel(channel_id)
        if not isinstance(channel, discord.TextChannel):
            log.warning("Director log channel %s not found in guild %s", channel_id, guild.id)
            await self._drop(line, "channel_missing")
            return
        if not await self._lines.claim(line.id, channel.id):
            return
        try:
            message = await channel.send(
                line.text,
                nonce=f"dl{line.id}",
                allowed_mentions=discord.AllowedMentions.none(),
            )
        except discord.RateLimited as exc:
            raise Throttled(exc.retry_after) from exc
        except (discord.Forbidden, discord.NotFound) as exc:
            log.warning(
                "Could not post to the director log (guild=%s channel=%s code=%s)",
                guild.id,
                channel.id,
                exc.code,
            )
            await self._drop(line, "forbidden")
            return
        except discord.HTTPException as exc:
            # Discord failed (5xx): the line stays claimed and is offered again in a minute,
            # looked for first in case the post went through.
            log.warning(
                "Director log post failed; retrying (guild=%s channel=%s status=%s)",
                guild.id,
                channel.id,
                exc.status,
            )
            return
        await self._lines.mark_sent(line.id, channel.id, message.id)

    async def _find(self, guild: discord.Guild, channel_id: int, line: Line) -> int | None:
        """A message of ours with exactly this line's words that no other line has taken."""
        channel = guild.get_channel(channel_id)
        me = self._bot.user
        if not isinstance(channel, discord.TextChannel) or me is None:
            return None
        candidates: list[int] = []
        try:
            async for message in channel.history(limit=RECENT_MESSAGES):
                if message.author.id == me.id and message.content == line.text:
                    candidates.append(message.id)
        except discord.HTTPException as exc:
            log.info("Could not read the director log to check a line (code %s)", exc.code)
            return None
        taken = await self._lines.known_messages(candidates)
        return next((m for m in candidates if m not in taken), None)

    async def _drop(self, line: Line, why: DropReason) -> None:
        log.info("Director log line dropped (guild=%s line=%s: %s)", line.guild_id, line.id, why)
        await self._lines.drop(line.id, why)
