"""The pair's introduction thread, found, posted in quietly and archived through
`bot.threads`: closed when the match ends (`close_thread`). At start-up, threads a stopped
process made and never recorded are archived (`close_unrecorded_threads`), so no thread is
left open without its match.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Literal

import discord

from bot import threads
from bot.i18n import language
from bot.runner import UNREACHABLE
from bot.services.matching import Match
from bot.threads import archive, send_quietly
from cogs.matching import _end_screens, _screens

if TYPE_CHECKING:
    from bot.app import MentorBot

log = logging.getLogger(__name__)

ThreadOutcome = Literal["archived", "failed", "missing", "unanswered"]


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
        # The match was never recorded, so whose thread it is is not known: the server's
        # language.
        with language(await bot.services.languages.of_server(guild.id)):
            interrupted = str(_end_screens.THREAD_INTERRUPTED)
        for thread in candidates:
            if thread.id in recorded:
                continue
            await send_quietly(thread, interrupted)
            if await archive(thread):
                closed += 1
    return closed


async def close_thread(
    bot: MentorBot,
    guild: discord.Guild,
    match: Match,
    closing: str,
    *,
    erased: int | None = None,
) -> ThreadOutcome:
    """Post `closing` in an ended match's introduction thread and archive it.

    A thread left open (Discord refused or did not answer) is logged and reaches the
    director log once, naming the thread so a director can archive it; `erased` is a member
    of the pair who deleted their data, named there only as a former member. The outcome is
    what the pair is then told (`_end_screens.ended_dm`).
    """
    outcome: ThreadOutcome = "missing"
    try:
        thread = await threads.thread_of(guild, match.intro_thread_id)
    except threads.DiscordDidNotAnswer:
        log.warning(
            "Discord did not answer for the thread of an ended match; left open "
            "(guild=%s match=%s thread=%s)",
            guild.id,
            match.id,
            match.intro_thread_id,
        )
        thread, outcome = None, "unanswered"
    if thread is not None:
        await threads.send_quietly(thread, closing)
        if await threads.archive(thread):
            outcome = "archived"
        else:
            outcome = "failed"
            log.warning(
                "The thread of an ended match was left open (guild=%s match=%s thread=%s)",
                guild.id,
                match.id,
                thread.id,
            )
    if outcome in ("failed", "unanswered") and match.intro_thread_id is not None:
        await bot.delivery.director_log.add(
            guild.id,
            _end_screens.thread_left_open_line(match, outcome, erased=erased),
        )
    return outcome
