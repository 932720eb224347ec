"""Threads the bot made, as Discord holds them: found, posted in quietly, archived.

What Discord answers is read for what it says. "Unknown channel" means the thread is gone; a
server error or a timeout says nothing about the thread (`DiscordDidNotAnswer`), so it is
never recorded as missing. Used for introduction threads by matching and by `/privacy delete`.
"""

from __future__ import annotations

import logging

import discord

from bot.i18n import Text
from bot.runner import UNREACHABLE

log = logging.getLogger(__name__)

__all__ = ["DiscordDidNotAnswer", "archive", "send_quietly", "thread_of"]


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


async def send_quietly(thread: discord.Thread, text: str | Text) -> None:
    try:
        await thread.send(str(text), allowed_mentions=discord.AllowedMentions.none())
    except discord.HTTPException as exc:
        log.warning("Could not post in thread %s (code=%s)", thread.id, exc.code)


async def archive(thread: discord.Thread) -> bool:
    """True once Discord archived it; False (logged) when it refused or did not answer, so the
    caller says the thread is still open rather than that it is archived."""
    try:
        await thread.edit(archived=True)
    except discord.HTTPException as exc:
        log.warning("Could not archive thread %s (code=%s)", thread.id, exc.code)
        return False
    except UNREACHABLE as exc:
        log.warning("Discord did not answer while archiving thread %s (%r)", thread.id, exc)
        return False
    return True
