"""The pair's introduction thread as Discord holds it: found, posted in quietly, archived.

What Discord answers is read for what it says. "Unknown channel" means the thread is gone; a
server error or a timeout says nothing about the thread (`DiscordDidNotAnswer`), so it is
never recorded as missing. At start-up, threads a stopped process made and never recorded are
archived (`close_unrecorded_threads`), so no thread is left open without its match.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import discord

from bot.runner import UNREACHABLE
from cogs.matching import _screens

if TYPE_CHECKING:
    from bot.app import MentorBot

log = logging.getLogger(__name__)


class DiscordDidNotAnswer(Exception):
    """Discord failed in a way that says nothing about what was asked: a server error, a
    timeout, a dropped connection. Not a fact to record; ask again later."""


async def thread_of(guild: discord.Guild, thread_id: int | None) -> discord.Thread | None:
    """The thread, or None when Discord says it is gone or out of the bot's reach.

    Raises `DiscordDidNotAnswer` when Discord did not answer: the thread may well be there.
    """
    if thread_id is None:
        return None
    found = guild.get_thread(thread_id)
    if found is not None:
        return found
    try:
        channel = await guild.fetch_channel(thread_id)
    except UNREACHABLE as exc:
        raise DiscordDidNotAnswer from exc
    except discord.HTTPException:
        return None
    return channel if isinstance(channel, discord.Thread) else None


async def send_quietly(thread: discord.Thread, text: str) -> None:
    try:
        await thread.send(text, allowed_mentions=discord.AllowedMentions.none())
    except discord.HTTPException as exc:
        log.warning("Could not post in thread %s (code=%s)", thread.id, exc.code)


async def archive(thread: discord.Thread) -> bool:
    try:
        await thread.edit(archived=True)
    except discord.HTTPException as exc:
        log.warning("Could not archive thread %s (code=%s)", thread.id, exc.code)
        return False
    return True


async def close_unrecorded_threads(bot: MentorBot) -> int:
    """Archive introduction threads an earlier process made and never recorded.

    It stopped between creating the thread and `record_introduction`, so its reservation is
    dropped and the thread belongs to no match: the pair (if they were added) are told why,
    and it is archived, never deleted. Run at start-up while new reservations wait, so no
    thread of an introduction being made now can be among them. Returns how many.
    """
    me = bot.user
    if me is None:
        return 0
    closed = 0
    for guild in bot.guilds:
        channel_id = (await bot.services.settings.get(guild.id)).introductions_channel_id
        if channel_id is None:
            continue
        try:
            active = await guild.active_threads()
        except UNREACHABLE as exc:
            log.warning("Discord did not answer for the threads of guild %s (%r)", guild.id, exc)
            continue
        except discord.HTTPException as exc:
            log.warning("Could not list the threads of guild %s (code=%s)", guild.id, exc.code)
            continue
        candidates = [
            thread
            for thread in active
            if thread.parent_id == channel_id
            and thread.owner_id == me.id
            and thread.type is discord.ChannelType.private_thread
            and thread.name.startswith(_screens.INTRO_THREAD_PREFIX)
        ]
        recorded = await bot.services.matching.recorded_threads(
            guild.id, [thread.id for thread in candidates]
        )
        for thread in candidates:
            if thread.id in recorded:
                continue
            await send_quietly(thread, _screens.THREAD_INTERRUPTED)
            if await archive(thread):
                closed += 1
    return closed
