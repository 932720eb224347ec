"""Discord as the check-in delivery tests see it, and the bot over it.

`Inbox` plays Discord behind the `Messenger` protocol: it keeps messages per channel,
deduplicates a nonce like Discord does, refuses DMs to members who closed them, and can
make the process "crash" (a BaseException nothing in the bot catches) at a chosen point.
DMs go through the real DM adapter (`bot.dm.DirectMessages`), for which the inbox also
plays the Discord client (opening DM channels, posting in them, answering with Discord's
error codes). A restart is a fresh `Bot` (services and delivery) on the same database and
the same Discord.

Test modules import from here, never from each other.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import UTC, datetime
from types import SimpleNamespace
from typing import Any

import discord
import pytest

from bot.db.database import Database
from bot.dm import DirectMessages
from bot.sender import Throttled
from bot.services.checkins import MentorAlert, Prompt, ReminderPlan
from bot.services.contacts import Contacts, DmResult
from bot.services.delivery import CannotPost, ChannelGone, CheckinDelivery, Claim, DmClosed, Job
from tests.support import FakeClock
from tests.unit.support import GUILD, MENTEE, add_guild_settings, add_member, checkin_stack

FALLBACK = 555_555_555_555_555_555


class Crash(BaseException):
    """The process dies here: not an Exception, so no handler in the bot swallows it."""


@dataclass
class Sent:
    id: int
    channel_id: int
    period_id: int | None
    nonce: str | None
    text: str = ""
    mention: int | None = None


@dataclass
class Inbox:
    closed_dms: set[int] = field(default_factory=set)
    gone_users: set[int] = field(default_factory=set)  # deleted accounts: 404 / 10013
    crash_at: str | None = None
    too_fast: int = 0
    refuse_add: int = 0  # the next adds to a thread are refused (403 / 50013)
    ids: itertools.count[int] = field(default_factory=lambda: itertools.count(9_000))
    channels: dict[int, list[Sent]] = field(default_factory=dict)
    dm_of: dict[int, int] = field(default_factory=dict)
    threads: dict[int, tuple[int, int | None]] = field(default_factory=dict)  # id -> (parent, user)
    deleted: set[int] = field(default_factory=set)
    calls: list[str] = field(default_factory=list)
    alerts: list[MentorAlert] = field(default_factory=list)
    dms: DirectMessages | None = None  # the running process's DM adapter, set by `Bot`

    def _crash(self, point: str) -> None:
        if self.crash_at == point:
            self.crash_at = None
            raise Crash(point)

    def prompts(self, period_id: int | None = None) -> list[Sent]:
        return [
            m
            for messages in self.channels.values()
            for m in messages
            if m.period_id is not None and (period_id is None or m.period_id == period_id)
        ]

    def post(
        self,
        channel_id: int,
        *,
        period_id: int | None,
        nonce: str | None,
        text: str = "",
        mention: int | None = None,
    ) -> int:
        if channel_id in self.deleted:
            raise ChannelGone()
        recipient = next((u for u, c in self.dm_of.items() if c == channel_id), None)
        if recipient is not None and self.too_fast:
            self.too_fast -= 1
            raise Throttled()
        messages = self.channels.setdefault(channel_id, [])
        for earlier in messages:
            if nonce is not None and earlier.nonce == nonce:
                return earlier.id  # Discord's nonce check: the same message again
        if recipient is not None and recipient in self.closed_dms:
            raise DmClosed("50007")
        message = Sent(next(self.ids), channel_id, period_id, nonce, text, mention)
        messages.append(message)
        return message.id

    # -- the Discord client, as the DM adapter uses it ------------------------------------
    async def create_dm(self, user: discord.abc.Snowflake) -> SimpleNamespace:
        self.calls.append(f"open_dm {user.id}")
        self._crash("open_dm")
        if user.id in self.gone_users:
            raise discord_error(404, 10013)
        return SimpleNamespace(id=self.dm_of.setdefault(user.id, next(self.ids)))

    def get_partial_messageable(self, channel_id: int, **_: Any) -> DmChannel:
        return DmChannel(self, channel_id)

    # -- the Messenger protocol --------------------------------------------------------------
    async def dm_prompt(
        self, guild_id: int, user_id: int, prompt: Prompt, *, nonce: str, asked: bool, claim: Claim
    ) -> DmResult:
        assert self.dms is not None
        return await self.dms.send(
            guild_id,
            user_id,
            content=f"prompt {prompt.period_id}",
            nonce=nonce,
            asked=asked,
            wait=False,
            before_send=claim,
        )

    async def send_prompt(
        self, channel_id: int, prompt: Prompt, *, nonce: str, mention: int
    ) -> int:
        self.calls.append(f"send_prompt {channel_id}")
        self._crash("before_request")
        message_id = self.post(channel_id, period_id=prompt.period_id, nonce=nonce, mention=mention)
        self._crash("after_request")
        return message_id

    async def find_prompt(self, channel_id: int, period_id: int) -> int | None:
        self.calls.append(f"find_prompt {channel_id}")
        found = [m for m in self.channels.get(channel_id, []) if m.period_id == period_id]
        return found[0].id if found else None

    async def open_thread(self, guild_id: int, parent_id: int, user_id: int) -> int:
        self.calls.append(f"open_thread {user_id}")
        thread_id = next(self.ids)
        self.threads[thread_id] = (parent_id, None)
        return thread_id

    async def add_to_thread(self, guild_id: int, thread_id: int, user_id: int) -> None:
        self.calls.append(f"add_to_thread {user_id}")
        if self.refuse_add:
            self.refuse_add -= 1
            raise CannotPost(50013)
        parent_id, _ = self.threads[thread_id]
        self.threads[thread_id] = (parent_id, user_id)

    async def send_dm_help(self, guild_id: int, channel_id: int, user_id: int) -> None:
        self.post(channel_id, period_id=None, nonce=f"ch{user_id}", text="help")

    async def send_reminder(self, plan: ReminderPlan, *, nonce: str) -> None:
        self._crash("reminder")
        self.post(plan.channel_id, period_id=None, nonce=nonce, text="reminder")

    async def alert_mentor(self, alert: MentorAlert) -> DmResult:
        assert self.dms is not None
        self.alerts.append(alert)
        return await self.dms.send(alert.guild_id, alert.mentor_id, content="alert")


def discord_error(status: int, code: int) -> discord.HTTPException:
    kind = {403: discord.Forbidden, 404: discord.NotFound}.get(status, discord.HTTPException)
    return kind(SimpleNamespace(status=status, reason="refused"), {"code": code, "message": ""})


@dataclass
class DmChannel:
    """A DM channel as the adapter posts in it: the inbox's answers become Discord's codes."""

    inbox: Inbox
    id: int

    async def send(self, *, content: str | None = None, nonce: str | None = None, **_: Any) -> Any:
        period_id = None
        if content is not None and content.startswith("prompt "):
            period_id = int(content.removeprefix("prompt "))
            self.inbox.calls.append(f"send_prompt {self.id}")
            self.inbox._crash("before_request")
        try:
            message_id = self.inbox.post(
                self.id, period_id=period_id, nonce=nonce, text=content or ""
            )
        except ChannelGone:
            raise discord_error(404, 10003) from None
        except Throttled:
            raise discord_error(403, 40003) from None
        except DmClosed:
            raise discord_error(403, 50007) from None
        if period_id is not None:
            self.inbox._crash("after_request")
        return SimpleNamespace(id=message_id)


@dataclass
class Bot:
    """One process: services, delivery and its queue, over a shared database and Discord."""

    db: Database
    clock: FakeClock
    inbox: Inbox
    queue: list[Job] = field(default_factory=list)

    def __post_init__(self) -> None:
        stack = checkin_stack(self.db, self.clock)
        self.goals = stack.goals
        self.checkins = stack.checkins
        self.inbox.dms = DirectMessages(self.inbox, Contacts(self.db))  # type: ignore[arg-type]
        self.delivery = CheckinDelivery(self.checkins, self.inbox, self.clock, self.queue.append)

    async def tick(self) -> datetime | None:
        """The timer fires, then the sender works through its queue."""
        next_due = await self.delivery.run_due(self.clock.now())
        while self.queue:
            await self.delivery.handle(self.queue.pop(0))
        return next_due


async def cohort(db: Database, clock: FakeClock, inbox: Inbox, users: list[int]) -> Bot:
    bot = Bot(db, clock, inbox)
    for user in users:
        await add_member(db, clock, user)  # Mondays at 09:00, London
        await bot.goals.add(GUILD, user, f"Goal of {user}")
        await bot.checkins.ensure_schedule(GUILD, user)
    clock.set(datetime(2026, 11, 9, 9, 0, tzinfo=UTC))
    return bot


async def first_tick_crashing_at(
    db: Database, clock: FakeClock, inbox: Inbox, point: str | None
) -> None:
    """A mentee's first prompt comes due and the process dies at `point` on its way (None:
    it is delivered); a test then starts a fresh Bot on the same database and Discord."""
    first = await cohort(db, clock, inbox, [MENTEE])
    inbox.crash_at = point
    if point is None:
        await first.tick()
    else:
        with pytest.raises(Crash):
            await first.tick()


async def first_tick_with_closed_dms(
    db: Database, clock: FakeClock, inbox: Inbox, *, fallback: bool
) -> Bot:
    """A mentee whose DMs are closed, once her first prompt came due; with `fallback` the
    server has a check-in fallback channel."""
    if fallback:
        await add_guild_settings(db, clock, checkin_fallback_channel_id=FALLBACK)
    bot = await cohort(db, clock, inbox, [MENTEE])
    inbox.closed_dms.add(MENTEE)
    await bot.tick()
    return bot


async def statuses(db: Database) -> list[tuple[int, str, bool]]:
    rows = await db.fetchall("SELECT user_id, status, sent_at FROM checkin_periods ORDER BY id")
    return [(r["user_id"], r["status"], r["sent_at"] is not None) for r in rows]
