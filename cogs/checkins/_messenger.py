"""The Discord side of check-in delivery: the `Messenger` the delivery service calls.

DMs (prompts, reminders, mentor alerts) go through the one DM adapter (`bot.dm`), which
applies the closed-DM policy, reuses the stored DM channel and, for the paced sender, turns
40003 into `Throttled` so the whole queue pauses. Posts in a fallback thread turn Discord's
answers into the outcomes the service acts on (CONTRACT.md §4): 40003 or a rate limit too
long to wait out pauses the queue, 10003 means the thread is gone, and a missing permission
or a locked thread means the fallback cannot be used.

Each message is written in its reader's language, looked up as it is built (one read per
message, inside the sender's job): the member's stored choice, else the server's language;
a prompt DM the member just asked for with `/checkin now` follows their interaction's
language when they have not chosen one. A mentor alert is in the mentor's language, the
audit-log reason for a fallback thread in the server's.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any, NoReturn

import discord

from bot.dm import TOO_FAST, UNKNOWN_CHANNEL, DirectMessages
from bot.domain.wallclock import discord_timestamp
from bot.i18n import Language, _, current_language, language
from bot.members import find_member
from bot.sender import Throttled
from bot.services.checkins import MentorAlert, Prompt, ReminderPlan, jump_url
from bot.services.contacts import DmResult
from bot.services.delivery import CannotPost, ChannelGone, Claim, DmClosed
from bot.ui.embeds import clip
from cogs.checkins import _ids, _screens

if TYPE_CHECKING:
    from bot.app import MentorBot

log = logging.getLogger(__name__)

THREAD_NAME_LIMIT = 100
RECENT_MESSAGES = 25
"""How far back `find_prompt` looks: an interrupted send is retried within minutes, and a
member's DM channel with the bot holds few messages, so the prompt is always among these."""


def translate(exc: discord.HTTPException | discord.RateLimited) -> Exception:
    """The delivery outcome for a Discord error in a thread, or the error itself if it is
    a bug."""
    if isinstance(exc, discord.RateLimited):
        return Throttled(exc.retry_after)
    if exc.code == TOO_FAST:
        return Throttled()
    if exc.code == UNKNOWN_CHANNEL:
        return ChannelGone()
    if isinstance(exc, discord.Forbidden | discord.NotFound) or exc.code in (50083, 160005):
        return CannotPost(exc.code)
    return exc


class DiscordMessenger:
    def __init__(self, bot: MentorBot, dms: DirectMessages) -> None:
        self.bot = bot
        self.dms = dms
        self._made: dict[int, discord.Thread] = {}
        """Threads just made, kept until their member is added (no lookup for a new one)."""

    def _guild_name(self, guild_id: int) -> str:
        guild = self.bot.get_guild(guild_id)
        return guild.name if guild is not None else _("the mentoring programme")

    async def _language(self, guild_id: int, user_id: int, *, asked: bool = False) -> Language:
        """The reader's language: their choice, else (asked in an interaction) the
        interaction's, else the server's."""
        languages = self.bot.services.languages
        if asked:
            return await languages.of_member(guild_id, user_id) or current_language()
        return await languages.for_member(guild_id, user_id)

    def _channel(self, channel_id: int) -> discord.PartialMessageable:
        return self.bot.get_partial_messageable(channel_id)

    async def dm_prompt(
        self, guild_id: int, user_id: int, prompt: Prompt, *, nonce: str, asked: bool, claim: Claim
    ) -> DmResult:
        with language(await self._language(guild_id, user_id, asked=asked)):
            embed, view = _screens.prompt_message(
                prompt, self._guild_name(guild_id), in_thread=False
            )
        return await self.dms.send(
            guild_id,
            user_id,
            embed=embed,
            view=view,
            nonce=nonce,
            asked=asked,
            wait=False,
            before_send=claim,
        )

    async def send_prompt(
        self, channel_id: int, prompt: Prompt, *, nonce: str, mention: int
    ) -> int:
        with language(await self._language(prompt.guild_id, prompt.user_id)):
            embed, view = _screens.prompt_message(
                prompt, self._guild_name(prompt.guild_id), in_thread=True
            )
        return await self._send(
            channel_id,
            content=f"<@{mention}>",
            embed=embed,
            view=view,
            nonce=nonce,
            mention=mention,
        )

    async def find_prompt(self, channel_id: int, period_id: int) -> int | None:
        wanted = _ids.note(period_id)
        me = self.bot.user
        try:
            async for message in self._channel(channel_id).history(limit=RECENT_MESSAGES):
                if me is not None and message.author.id != me.id:
                    continue
                if any(wanted == custom_id for custom_id in _custom_ids(message.components)):
                    return message.id
        except discord.HTTPException as exc:
            log.info("Could not read channel %s to check a prompt (code %s)", channel_id, exc.code)
        return None

    async def open_thread(self, guild_id: int, parent_id: int, user_id: int) -> int:
        guild = self.bot.get_guild(guild_id)
        parent = guild.get_channel(parent_id) if guild is not None else None
        if guild is None or not isinstance(parent, discord.TextChannel):
            raise CannotPost(UNKNOWN_CHANNEL)
        member = await _quietly_find(guild, user_id)
        shown = member.display_name if member is not None else str(user_id)
        with language(await self._language(guild_id, user_id)):
            name = clip(_("Check-ins · {name}", name=shown), THREAD_NAME_LIMIT)
        with language(await self.bot.services.languages.of_server(guild_id)):
            why = _("Check-in prompts for a member whose DMs are closed")
        try:
            thread = await parent.create_thread(
                name=name,
                type=discord.ChannelType.private_thread,
                invitable=False,
                auto_archive_duration=10080,
                reason=why,
            )
        except (discord.HTTPException, discord.RateLimited) as exc:
            _reraise(exc)
        self._made[thread.id] = thread
        return thread.id

    async def add_to_thread(self, guild_id: int, thread_id: int, user_id: int) -> None:
        try:
            thread = self._made.pop(thread_id, None) or await self._thread(guild_id, thread_id)
            if thread.archived:
                thread = await thread.edit(archived=False)  # members cannot be added (50083)
            await thread.add_user(discord.Object(id=user_id))
        except (discord.HTTPException, discord.RateLimited) as exc:
            _reraise(exc)

    async def _thread(self, guild_id: int, thread_id: int) -> discord.Thread:
        guild = self.bot.get_guild(guild_id)
        thread = guild.get_thread(thread_id) if guild is not None else None
        if thread is not None:
            return thread
        found = await self.bot.fetch_channel(thread_id)
        if not isinstance(found, discord.Thread):
            raise CannotPost(UNKNOWN_CHANNEL)
        return found

    async def send_dm_help(self, guild_id: int, channel_id: int, user_id: int) -> None:
        with language(await self._language(guild_id, user_id)):
            text, view = _screens.dm_help(self._guild_name(guild_id), guild_id, user_id)
        await self._send(channel_id, content=text, view=view, nonce=f"ch{user_id}", mention=user_id)

    async def send_reminder(self, plan: ReminderPlan, *, nonce: str) -> None:
        prompt_link = None
        if plan.message_id is not None:
            prompt_link = jump_url(plan.guild_id, plan.channel_id, plan.message_id, plan.delivery)
        in_thread = plan.delivery == "thread"
        mention = plan.user_id if in_thread else None
        with language(await self._language(plan.guild_id, plan.user_id)):
            text = _screens.reminder_text(discord_timestamp(plan.due_at, "R"), prompt_link, mention)
        if in_thread:
            await self._send(plan.channel_id, content=text, nonce=nonce, mention=mention)
            return
        sent = await self.dms.send(
            plan.guild_id, plan.user_id, content=text, nonce=nonce, wait=False
        )
        if sent.outcome == "dms_closed":
            raise DmClosed(str(sent.code))
        if not sent.delivered:
            raise CannotPost(sent.code)  # a reminder is sent at most once: not retried

    async def alert_mentor(self, alert: MentorAlert) -> DmResult:
        guild = self.bot.get_guild(alert.guild_id)
        member = await _quietly_find(guild, alert.mentee_id) if guild is not None else None
        with language(await self._language(alert.guild_id, alert.mentor_id)):
            name = member.display_name if member is not None else _("Your mentee")
            embed = _screens.mentor_alert(alert, name, self._guild_name(alert.guild_id))
        return await self.dms.send(alert.guild_id, alert.mentor_id, embed=embed)

    async def _send(
        self,
        channel_id: int,
        *,
        content: str | None = None,
        embed: discord.Embed | None = None,
        view: discord.ui.View | None = None,
        nonce: str | None,
        mention: int | None,
    ) -> int:
        kwargs: dict[str, Any] = {
            "content": content,
            "allowed_mentions": discord.AllowedMentions(
                everyone=False, roles=False, users=[discord.Object(id=mention)]
            )
            if mention is not None
            else discord.AllowedMentions.none(),
        }
        if embed is not None:
            kwargs["embed"] = embed
        if view is not None:
            kwargs["view"] = view
        if nonce is not None:
            kwargs["nonce"] = nonce
        try:
            message = await self._channel(channel_id).send(**kwargs)
        except (discord.HTTPException, discord.RateLimited) as exc:
            _reraise(exc)
        return message.id


def _reraise(exc: discord.HTTPException | discord.RateLimited) -> NoReturn:
    error = translate(exc)
    if error is exc:
        raise exc
    raise error from exc


def _custom_ids(components: list[Any]) -> list[str]:
    found: list[str] = []
    for component in components:
        custom_id = getattr(component, "custom_id", None)
        if isinstance(custom_id, str):
            found.append(custom_id)
        found.extend(_custom_ids(list(getattr(component, "children", []))))
    return found


async def _quietly_find(guild: discord.Guild, user_id: int) -> discord.Member | None:
    """A member for their name only: a failure to look them up shows their id instead."""
    try:
        return await find_member(guild, user_id)
    except (discord.HTTPException, TimeoutError):
        return None
