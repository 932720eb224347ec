"""One way to reach a member by direct message, with one policy for what Discord answers.

Every DM the bot sends (welcome, reset, introductions, "Have you met yet?", match endings,
check-in prompts and reminders, mentor alerts, a member's data export) goes through
`DirectMessages.send`:

* a member known to have closed their DMs is not tried (each refusal is a 403 that counts
  against Discord's invalid-request limit) until they show their DMs work again; a call
  made because the member asked for the DM (`asked=True`) tries again;
* the stored DM channel is reused, so a repeat DM costs one request; a stored channel
  Discord no longer knows (10003) is forgotten and a new one opened;
* 50007 (DMs closed, bot blocked) and 50278 (no server in common) mark the member closed;
* 40003 ("opening direct messages too fast") waits and retries; a caller that must not wait
  (the paced check-in sender, which pauses its whole queue) gets `Throttled` instead.

The answer is a `DmResult` (delivered / dms_closed / failed), so the caller falls back as
PRODUCT.md §6 says. Member text is never logged: only ids and Discord's codes.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

import discord

from bot.sender import Throttled
from bot.services.contacts import Contacts, DmResult

log = logging.getLogger(__name__)

DM_CLOSED_CODES = frozenset({50007, 50278})
UNKNOWN_CHANNEL = 10003
TOO_FAST = 40003

THROTTLE_WAIT = 5.0
"""Seconds a DM waits after 40003 before trying again (Discord gives no retry time)."""
THROTTLE_RETRIES = 2

BeforeSend = Callable[[int], Awaitable[bool]]
Sleep = Callable[[float], Awaitable[object]]


class DirectMessages:
    """The Discord side of `Contacts`: built once at start-up, shared by every feature."""

    def __init__(
        self,
        client: discord.Client,
        contacts: Contacts,
        *,
        throttle_wait: float = THROTTLE_WAIT,
        throttle_retries: int = THROTTLE_RETRIES,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        self._client = client
        self.contacts = contacts
        self.throttle_wait = throttle_wait
        self.throttle_retries = throttle_retries
        self._sleep = sleep

    async def send(
        self,
        guild_id: int,
        user_id: int,
        *,
        content: str | None = None,
        embed: discord.Embed | None = None,
        embeds: Sequence[discord.Embed] = (),
        view: discord.ui.View | None = None,
        files: Sequence[discord.File] = (),
        nonce: str | None = None,
        asked: bool = False,
        wait: bool = True,
        before_send: BeforeSend | None = None,
    ) -> DmResult:
        """DM the member of `guild_id`; what became of it, never an HTTP error.

        `asked`: the member asked for this DM just now (a command or a click of theirs), so
        it is tried even if their DMs were closed before. `wait=False`: raise `Throttled`
        rather than wait when Discord says to slow down. `before_send(channel_id)` runs just
        before the message is posted (again if the channel had to be replaced); False
        cancels the send. `nonce` lets Discord drop a resend of the same message. `files` are
        attachments over in-memory buffers (read again from the start on every attempt).
        """
        if asked:
            await self.contacts.reopen_dms(user_id, guild_id)
        elif await self.contacts.dm_closed(guild_id, user_id):
            return DmResult("dms_closed")
        kwargs: dict[str, Any] = {
            "content": content,
            "allowed_mentions": discord.AllowedMentions.none(),
        }
        if embed is not None:
            kwargs["embed"] = embed
        elif embeds:
            kwargs["embeds"] = list(embeds)
        if view is not None:
            kwargs["view"] = view
        if nonce is not None:
            kwargs["nonce"] = nonce
        if files:
            kwargs["files"] = list(files)
        channel_id = await self.contacts.dm_channel_of(guild_id, user_id)
        opened_now = False
        throttled = 0
        while True:
            try:
                if channel_id is None:
                    channel_id = await self._open(user_id)
                    opened_now = True
                    await self.contacts.set_dm_channel(guild_id, user_id, channel_id)
                if before_send is not None and not await before_send(channel_id):
                    return DmResult("cancelled", channel_id)
                channel = self._client.get_partial_messageable(
                    channel_id, type=discord.ChannelType.private
                )
                for file in files:
                    file.reset()
                message = await channel.send(**kwargs)
            except discord.RateLimited as exc:
                # A rate limit longer than the client sits out by itself.
                if not wait:
                    raise Throttled(exc.retry_after) from exc
                return self._failed(guild_id, user_id, channel_id, TOO_FAST, retry_later=True)
            except discord.HTTPException as exc:
                if exc.code == TOO_FAST:
                    if not wait:
                        raise Throttled() from exc
                    if throttled >= self.throttle_retries:
                        return self._failed(
                            guild_id, user_id, channel_id, exc.code, retry_later=True
                        )
                    throttled += 1
                    await self._sleep(self.throttle_wait)
                    continue
                if exc.code in DM_CLOSED_CODES:
                    await self.contacts.set_dm_closed(guild_id, user_id, True)
                    log.info("DMs closed (guild=%s user=%s code=%s)", guild_id, user_id, exc.code)
                    return DmResult("dms_closed", channel_id, code=exc.code)
                if exc.code == UNKNOWN_CHANNEL and not opened_now:
                    await self.contacts.set_dm_channel(guild_id, user_id, None)
                    channel_id = None
                    continue
                return self._failed(
                    guild_id, user_id, channel_id, exc.code, retry_later=exc.status >= 500
                )
            await self.contacts.dm_delivered(guild_id, user_id, channel_id)
            return DmResult("delivered", channel_id, message.id)

    async def reopen(self, user_id: int, guild_id: int | None = None) -> bool:
        """The member showed their DMs work (in one server, or all when `guild_id` is None)."""
        return await self.contacts.reopen_dms(user_id, guild_id)

    async def _open(self, user_id: int) -> int:
        channel = await self._client.create_dm(discord.Object(id=user_id))
        return channel.id

    @staticmethod
    def _failed(
        guild_id: int, user_id: int, channel_id: int | None, code: int, *, retry_later: bool
    ) -> DmResult:
        log.warning("DM not delivered (guild=%s user=%s code=%s)", guild_id, user_id, code)
        return DmResult("failed", channel_id, code=code, retry_later=retry_later)
