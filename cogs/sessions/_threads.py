"""The Discord work of sessions that happens away from a click: making a session's private
thread (now, or later once a director has fixed what was missing), posting shared
reflections into it, and the two-day reflection reminder.

A thread is made in this order, each step recorded so that a stop at any point is finished
later and never makes a second thread:

1. the session is stored and its thread claimed (`log_session` or `claim_thread`);
2. the sessions channel and the bot's permissions there are checked (no request is sent
   that Discord would refuse: each refusal counts against its invalid-request limit);
3. the private thread is created (invitable off) and recorded (`record_thread_created`);
4. exactly the mentee and the mentor are added, the prompt is posted, and the thread is
   recorded ready (`record_thread_ready`); shared reflections written meanwhile follow.

A missing channel or permission is recorded on the session (`record_thread_problem`) and
told to the directors once; the thread is made when the channel or the bot's role changes,
after `/setup channels`, at start-up, or when one of the pair next uses `/session`.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Final

import discord

from bot.domain import sessions as rules
from bot.domain.sessions import ThreadProblem
from bot.domain.settings import GuildSettings
from bot.i18n import Language, _, language
from bot.members import find_member
from bot.sender import Throttled
from bot.services.sessions import Reflection, ReminderDelivery, ReminderPlan, Session
from bot.ui import bilingual
from cogs.sessions import _screens

if TYPE_CHECKING:
    from bot.app import MentorBot

log = logging.getLogger(__name__)

TIMER = "session_reminders"
THREAD_ARCHIVED = 50083
THROTTLED_RETRY = timedelta(minutes=1)
_PROBLEM_CODES: Final[dict[int, ThreadProblem]] = {
    10003: "no_channel",  # the channel was deleted
    50001: "channel_unavailable",
    50013: "missing_permission",
}


class _Missing(Exception):
    def __init__(self, problem: ThreadProblem) -> None:
        super().__init__(problem)
        self.problem = problem


@dataclass(frozen=True)
class ThreadResult:
    session: Session
    problem: ThreadProblem | None
    """Why the thread could not be made; None with no thread means Discord failed for
    another reason (the claim is released and the next attempt tries again)."""

    @property
    def made(self) -> bool:
        return self.session.thread_ready


def sessions_channel(guild: discord.Guild, settings: GuildSettings) -> discord.TextChannel:
    """The sessions channel, if the bot can open private threads there."""
    channel_id = settings.sessions_channel_id
    channel = guild.get_channel(channel_id) if channel_id else None
    if not isinstance(channel, discord.TextChannel) or channel.is_news():
        raise _Missing("no_channel")
    perms = channel.permissions_for(guild.me)
    if not perms.view_channel:
        raise _Missing("channel_unavailable")
    if not (perms.create_private_threads and perms.send_messages_in_threads):
        raise _Missing("missing_permission")
    return channel


async def display_name(guild: discord.Guild, user_id: int) -> str:
    try:
        member = await find_member(guild, user_id)
    except discord.HTTPException:
        member = None
    return member.display_name if member is not None else ""  # named "member" in the thread name


async def _existing_thread(guild: discord.Guild, thread_id: int) -> discord.Thread | None:
    """A thread made by an earlier attempt, unarchived so members can be added (50083)."""
    thread = guild.get_thread(thread_id)
    if thread is None:
        try:
            found = await guild.fetch_channel(thread_id)
        except discord.NotFound:
            return None
        thread = found if isinstance(found, discord.Thread) else None
    if thread is not None and thread.archived:
        thread = await thread.edit(archived=False)
    return thread


async def pair_languages(bot: MentorBot, session: Session) -> tuple[Language, ...]:
    """The languages of the session thread: the pair's, or both when they read different
    ones."""
    return await bilingual.pair_languages(
        bot.services.languages, session.guild_id, session.mentee_id, session.mentor_id
    )


async def _open_thread(
    bot: MentorBot, guild: discord.Guild, channel: discord.TextChannel, session: Session
) -> discord.Thread:
    if session.thread_id is not None:
        thread = await _existing_thread(guild, session.thread_id)
        if thread is not None:
            return thread
    langs = await pair_languages(bot, session)
    mentee_name = await display_name(guild, session.mentee_id)
    mentor_name = await display_name(guild, session.mentor_id)
    # A name has room for one language: the pair's, else English.
    with language(langs[0] if len(langs) == 1 else "en"):
        name = rules.thread_name(
            session.seq, mentee_name, mentor_name, session.on, today=bot.clock.now().date()
        )
    with language(await bot.services.languages.of_server(guild.id)):
        reason = _("Mentoring session")  # the server's audit log
    thread = await channel.create_thread(
        name=name,
        type=discord.ChannelType.private_thread,
        invitable=False,
        auto_archive_duration=rules.THREAD_AUTO_ARCHIVE_MINUTES,
        reason=reason,
    )
    await bot.services.sessions.threads.record_thread_created(session.id, thread.id)
    return thread


async def make_thread(bot: MentorBot, guild: discord.Guild, session: Session) -> ThreadResult:
    """Make (or finish) the session's private thread; the caller has claimed it."""
    sessions = bot.services.sessions
    started = bot.clock.now()  # the caller's claim was taken by then
    settings = await bot.services.settings.get(guild.id)
    try:
        channel = sessions_channel(guild, settings)
        thread = await _open_thread(bot, guild, channel, session)
        for member_id in (session.mentee_id, session.mentor_id):
            try:
                await thread.add_user(discord.Object(member_id))
            except discord.NotFound:
                log.info("Session %s: member %s left the server", session.id, member_id)
        content, embeds, view = _screens.thread_prompt(session, await pair_languages(bot, session))
        await thread.send(
            content, embeds=embeds, view=view, allowed_mentions=_screens.pair_mentions(session)
        )
        ready = await sessions.threads.record_thread_ready(session.id)
    except _Missing as missing:
        problem = missing.problem
    except discord.HTTPException as exc:
        log.warning(
            "Session thread not made (guild=%s session=%s status=%s code=%s)",
            guild.id,
            session.id,
            exc.status,
            exc.code,
        )
        known = _PROBLEM_CODES.get(exc.code)
        if known is None and isinstance(exc, discord.Forbidden):
            known = "missing_permission"
        if known is None:
            await sessions.threads.release_thread(session.id, started)
            return ThreadResult(session, None)
        problem = known
    else:
        await post_waiting_reflections(bot, ready)
        return ThreadResult(ready, None)
    updated = await sessions.threads.record_thread_problem(session.id, problem)
    if session.thread_problem != problem:
        await bot.delivery.director_log.add(guild.id, _screens.problem_line(session, problem))
    return ThreadResult(updated, problem)


async def retry_threads(bot: MentorBot, guild: discord.Guild, member_id: int | None = None) -> int:
    """Make the threads still missing in `guild` (only `member_id`'s, if given), oldest
    first; stop at the first that still cannot be made, since the rest need the same fix.
    Returns how many were made."""
    sessions = bot.services.sessions
    made = fixed = 0
    for waiting in await sessions.threads.sessions_without_thread(guild.id):
        if member_id is not None and waiting.role_of(member_id) is None:
            continue
        claimed = await sessions.threads.claim_thread(waiting.id)
        if claimed is None:
            continue  # made, or being made, by another attempt
        result = await make_thread(bot, guild, claimed)
        if not result.made:
            break
        made += 1
        fixed += claimed.thread_problem is not None
    if fixed:
        await bot.delivery.director_log.add(guild.id, _screens.threads_made_line(fixed))
    return made


# --------------------------------------------------------------------- reflections


def _thread_of(bot: MentorBot, session: Session) -> discord.PartialMessageable:
    if session.thread_id is None:
        raise ValueError("the session has no thread")
    return bot.get_partial_messageable(
        session.thread_id, guild_id=session.guild_id, type=discord.ChannelType.private_thread
    )


async def post_reflection(bot: MentorBot, session: Session, reflection: Reflection) -> bool:
    """Post a shared reflection in the thread (mentions off: it is the member's words)."""
    embed, view = _screens.shared_reflection(
        session, reflection, await pair_languages(bot, session)
    )
    try:
        message = await _thread_of(bot, session).send(
            embed=embed, view=view, allowed_mentions=discord.AllowedMentions.none()
        )
    except discord.HTTPException as exc:
        log.warning(
            "Shared reflection not posted (session=%s author=%s code=%s)",
            session.id,
            reflection.author_id,
            exc.code,
        )
        return False
    await bot.services.sessions.record_posted(session.id, reflection.author_id, message.id)
    return True


async def _archived_then_again(
    bot: MentorBot, session: Session, action: Callable[[], Awaitable[object]]
) -> None:
    """Run `action` on a message of the thread; if the thread has been archived (Discord
    allows no edit there, 50083), unarchive it and run it once more."""
    try:
        await action()
    except discord.HTTPException as exc:
        guild = bot.get_guild(session.guild_id)
        if exc.code != THREAD_ARCHIVED or guild is None or session.thread_id is None:
            raise
        if await _existing_thread(guild, session.thread_id) is None:
            raise
        await action()


async def refresh_reflection(bot: MentorBot, session: Session, reflection: Reflection) -> bool:
    """Show the posted reflection as it is now (edited, or read); repost it if it is gone."""
    if reflection.posted_message_id is None:
        return await post_reflection(bot, session, reflection)
    embed, view = _screens.shared_reflection(
        session, reflection, await pair_languages(bot, session)
    )
    message = _thread_of(bot, session).get_partial_message(reflection.posted_message_id)

    async def edit() -> None:
        await message.edit(embed=embed, view=view, allowed_mentions=discord.AllowedMentions.none())

    try:
        await _archived_then_again(bot, session, edit)
    except discord.NotFound:
        return await post_reflection(bot, session, reflection)
    except discord.HTTPException as exc:
        log.warning("Shared reflection not updated (session=%s code=%s)", session.id, exc.code)
        return False
    return True


async def remove_reflection(bot: MentorBot, session: Session, message_id: int) -> bool:
    """Take a reflection made private out of the thread; True once it is gone."""
    message = _thread_of(bot, session).get_partial_message(message_id)
    try:
        await _archived_then_again(bot, session, message.delete)
    except discord.NotFound:
        return True
    except discord.HTTPException as exc:
        log.warning("Reflection not taken out (session=%s code=%s)", session.id, exc.code)
        return False
    return True


async def post_waiting_reflections(bot: MentorBot, session: Session) -> None:
    """Reflections shared before the thread existed (or whose post failed)."""
    view = await bot.services.sessions.thread_view(session.id)
    for reflection in view.shared:
        if reflection.posted_message_id is None:
            await post_reflection(bot, view.session, reflection)


# ----------------------------------------------------------------------- reminders


def arm_reminders(bot: MentorBot, session: Session) -> None:
    timer = bot.timers.get(TIMER)
    if timer is not None:
        timer.arm_earlier(rules.reminder_due(session.created_at))


async def deliver_reminder(bot: MentorBot, plan: ReminderPlan) -> ReminderDelivery:
    """In the session thread; else by DM; `Throttled` if Discord asked to slow down."""
    session = plan.session
    guild = bot.get_guild(session.guild_id)
    if guild is None:
        return "skipped"
    with language(await bot.services.languages.for_member(guild.id, plan.member_id)):
        in_thread = _screens.reminder(plan, in_thread=True)
        by_dm = _screens.reminder(plan, in_thread=False)
    if session.thread_ready:
        text, view = in_thread
        try:
            await _thread_of(bot, session).send(
                text,
                view=view,
                nonce=plan.nonce,
                allowed_mentions=_screens.member_mention(plan.member_id),
            )
        except discord.HTTPException as exc:
            log.warning("Reminder not posted in thread (session=%s code=%s)", session.id, exc.code)
        else:
            return "thread"
    text, view = by_dm
    sent = await bot.delivery.dms.send(
        guild.id, plan.member_id, content=text, view=view, nonce=plan.nonce, wait=False
    )
    return "dm" if sent.delivered else "skipped"


async def run_due_reminders(bot: MentorBot, now: datetime) -> datetime | None:
    """The timer's work: claim a few due reminders at a time (a stop leaves few in doubt),
    send each once, record how; return the next due time."""
    reminders = bot.services.sessions.reminders
    while plans := await reminders.claim_due(now, limit=5):
        for index, plan in enumerate(plans):
            try:
                delivery = await deliver_reminder(bot, plan)
            except Throttled:
                for waiting in plans[index:]:
                    await reminders.release(waiting)
                return now + THROTTLED_RETRY
            except Exception:
                log.exception("Reminder failed (session=%s)", plan.session.id)
                delivery = "skipped"
            await reminders.record(plan, delivery)
    return await reminders.next_due()
