"""Delivering check-in prompts exactly once, through a `Messenger` that speaks to Discord.

Every send follows the same three steps: **claim** the period in the database (which
channel, which goals), **send** with a nonce derived from the period, **mark sent**. A crash
can therefore leave a period in one of three states, and each has one answer on restart:

* not claimed — nothing was sent: send it.
* claimed, not marked sent — the request may or may not have reached Discord. We look at
  the claimed channel's recent messages for a prompt carrying this period's id (every
  prompt's buttons do). Found: mark it sent with that message; nothing is posted. Not
  found: send again, with the same nonce, so if the first request is still in flight
  Discord's nonce check (a few minutes) collapses the two into one message.
* marked sent — done; never sent again.

This is "re-send only if Discord shows nothing was delivered": it costs one extra request
per interrupted send (rare), and unlike at-most-once it never silently drops a prompt.

Reminders and the one-time "how to open your DMs" message are the opposite trade: they are
marked before they are sent (at most once), because a lost nudge is harmless and a doubled
one is spam.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Literal, Protocol

from bot.clock import Clock
from bot.sender import Throttled
from bot.services.checkins import (
    AnswerOutcome,
    CheckinService,
    Delivery,
    DeliveryPlan,
    MentorAlert,
    Prompt,
    ReminderPlan,
)
from bot.services.contacts import DmResult

log = logging.getLogger(__name__)

JobKind = Literal["prompt", "reminder"]
Job = tuple[JobKind, int]
Claim = Callable[[int], Awaitable[bool]]


class DmClosed(Exception):
    """Discord 50007 (DMs closed or bot blocked) or 50278 (no mutual server)."""


class ChannelGone(Exception):
    """Discord 10003: a fallback thread no longer exists."""


class CannotPost(Exception):
    """The bot cannot post there (missing permission, archived or locked thread, member
    gone from the server): retrying will not help until someone fixes it."""

    def __init__(self, code: int | None = None) -> None:
        super().__init__(f"cannot post (code {code})")
        self.code = code


class TryLater(Exception):
    """Discord failed in a way that may pass (a server error): the sender's job fails and
    the timer offers it again on its next run."""


class Messenger(Protocol):
    """The Discord operations check-ins need. DMs follow the one DM policy (`bot.dm`) and
    answer with a `DmResult`; the rest raise the exceptions above (and `Throttled`)."""

    async def dm_prompt(
        self, guild_id: int, user_id: int, prompt: Prompt, *, nonce: str, asked: bool, claim: Claim
    ) -> DmResult:
        """DM the prompt; `claim(channel_id)` runs just before it is posted (False: don't).
        Raises `Throttled` when Discord says to slow down."""
        ...

    async def send_prompt(
        self, channel_id: int, prompt: Prompt, *, nonce: str, mention: int
    ) -> int:
        """Post the prompt in a fallback thread, pinging that member only; the message id."""
        ...

    async def find_prompt(self, channel_id: int, period_id: int) -> int | None:
        """The id of a prompt for `period_id` among the channel's recent messages."""
        ...

    async def open_thread(self, guild_id: int, parent_id: int, user_id: int) -> int:
        """A private thread (invitable off) in `parent_id`, named for the member; they are
        added with `add_to_thread` once it is stored, so a failed add reuses the thread."""
        ...

    async def add_to_thread(self, guild_id: int, thread_id: int, user_id: int) -> None:
        """Add the member to their fallback thread (unarchiving it first if need be)."""
        ...

    async def send_dm_help(self, guild_id: int, channel_id: int, user_id: int) -> None: ...

    async def send_reminder(self, plan: ReminderPlan, *, nonce: str) -> None: ...

    async def alert_mentor(self, alert: MentorAlert) -> DmResult:
        """DM the mentor that their mentee is stuck (or shared a note)."""
        ...


@dataclass(frozen=True)
class Delivered:
    """Where a prompt is (or why it is not): for `/checkin now` to point the member at it."""

    outcome: Literal["sent", "already", "undeliverable", "gone", "queued"]
    channel_id: int | None = None
    message_id: int | None = None
    delivery: Delivery | None = None


class CheckinDelivery:
    """Turns due rows into messages: the check-in timer's work and the sender's jobs."""

    def __init__(
        self,
        service: CheckinService,
        messenger: Messenger,
        clock: Clock,
        enqueue: Callable[[Job], object],
    ) -> None:
        self.service = service
        self.messenger = messenger
        self._clock = clock
        self._enqueue = enqueue
        self._locks: dict[int, tuple[asyncio.Lock, list[int]]] = {}

    # ----------------------------------------------------------------- timer

    async def run_due(self, now: datetime) -> datetime | None:
        """Everything due at `now`: write periods, queue prompts and reminders.

        Returns the next time there is work. Safe to run twice or concurrently: rows are
        unique per period and the sender ignores jobs already queued.
        """
        # Prompts are queued as each batch of periods is written (the first leave at once);
        # at-risk changes record their own log lines.
        queued: set[int] = set()

        def queue(period_ids: list[int]) -> None:
            for period_id in period_ids:
                queued.add(period_id)
                self._enqueue(("prompt", period_id))

        await self.service.materialise(now, queue)
        for period_id in await self.service.unsent_due(now):
            if period_id not in queued:
                self._enqueue(("prompt", period_id))
        for period_id in await self.service.due_reminders(now):
            self._enqueue(("reminder", period_id))
        return await self.service.next_due(now)

    async def handle(self, job: Job) -> None:
        kind, period_id = job
        if kind == "prompt":
            await self.deliver(period_id)
        else:
            await self.remind(period_id)

    # --------------------------------------------------------------- prompts

    async def deliver(self, period_id: int, *, asked: bool = False) -> Delivered:
        """Deliver one period's prompt: DM, else the fallback thread, else undeliverable.
        `asked`: the member asked for it, so their DMs are tried even if closed before."""
        async with self._exclusive(period_id):
            plan = await self.service.plan_delivery(period_id, self._clock.now())
            if plan is None:
                return await self._where(period_id)
            if plan.claimed_channel_id is not None:
                found = await self.messenger.find_prompt(plan.claimed_channel_id, period_id)
                if found is not None:
                    await self.service.mark_sent(period_id, plan.claimed_channel_id, found)
                    return await self._where(period_id, "already")
            if plan.too_late:
                await self.service.mark_missed(period_id)
                log.info(
                    "Check-in past the grace window, recorded missed (guild=%s user=%s period=%s)",
                    plan.guild_id,
                    plan.user_id,
                    period_id,
                )
                return Delivered("gone")
            delivered = await self._try_dm(plan, asked=asked)
            if delivered is not None:
                return delivered
            return await self._fallback(plan)

    async def checkin_now(self, guild_id: int, user_id: int) -> Delivered:
        """`/checkin now`: where the member's open check-in is ("already"), or a new one
        delivered at once (or "queued" if Discord asked us to slow down)."""
        started = await self.service.start_now(guild_id, user_id)
        if not started.created:
            placed = await self._where(started.period_id)
            if placed.outcome == "already" and placed.message_id is not None:
                return placed
        # Asking is interacting again: their DMs are tried even if they were closed before.
        delivered = await self.deliver_now(started.period_id, asked=True)
        if delivered.outcome == "gone" and not started.created:
            # The open one was a scheduled prompt that waited too long to be sent (it is
            # now recorded missed): the member asked for a check-in, so give a fresh one.
            started = await self.service.start_now(guild_id, user_id)
            delivered = await self.deliver_now(started.period_id, asked=True)
        return delivered

    async def deliver_now(self, period_id: int, *, asked: bool = False) -> Delivered:
        """`/checkin now`: deliver at once; if Discord asks us to slow down, the paced
        sender delivers it after its pause instead (the member is answered either way)."""
        try:
            return await self.deliver(period_id, asked=asked)
        except Throttled:
            self._enqueue(("prompt", period_id))
            return Delivered("queued")

    async def _try_dm(self, plan: DeliveryPlan, *, asked: bool) -> Delivered | None:
        """None when the DM cannot be delivered: the caller uses the fallback."""
        goal_ids = [g.goal_id for g in plan.prompt.goals]

        async def claim(channel_id: int) -> bool:
            return await self.service.claim(plan.period_id, channel_id, "dm", goal_ids)

        sent = await self.messenger.dm_prompt(
            plan.guild_id,
            plan.user_id,
            plan.prompt,
            nonce=f"ci{plan.period_id}",
            asked=asked,
            claim=claim,
        )
        if sent.outcome == "cancelled":
            return await self._where(plan.period_id, "already")
        if sent.delivered and sent.channel_id is not None and sent.message_id is not None:
            await self.service.mark_sent(plan.period_id, sent.channel_id, sent.message_id)
            return Delivered("sent", sent.channel_id, sent.message_id, "dm")
        if sent.retry_later:
            raise TryLater(f"check-in DM failed (code {sent.code})")
        if sent.code is not None:
            # Refused just now; a member already known to have closed DMs was not tried.
            # Not "DMs closed" (e.g. a deleted account): the fallback is used now rather
            # than failing every minute, and the DM is tried again next period.
            log.info(
                "Check-in DM not delivered; using the fallback (guild=%s user=%s period=%s "
                "code=%s)",
                plan.guild_id,
                plan.user_id,
                plan.period_id,
                sent.code,
            )
        return None

    async def _fallback(self, plan: DeliveryPlan) -> Delivered:
        guild_id, user_id, period_id = plan.guild_id, plan.user_id, plan.period_id
        if plan.fallback_channel_id is None:
            await self.service.mark_undeliverable(period_id)
            log.info(
                "Check-in undeliverable: DMs closed and no fallback channel "
                "(guild=%s user=%s period=%s)",
                guild_id,
                user_id,
                period_id,
            )
            return Delivered("undeliverable")
        thread_id = plan.fallback_thread_id
        joined = plan.fallback_thread_joined
        for attempt in range(2):
            try:
                if thread_id is None:
                    thread_id = await self.messenger.open_thread(
                        guild_id, plan.fallback_channel_id, user_id
                    )
                    # Stored before the member is added: if adding fails, the next attempt
                    # adds them to this thread instead of making another.
                    await self.service.set_fallback_thread(guild_id, user_id, thread_id)
                    joined = False
                if not joined:
                    await self.messenger.add_to_thread(guild_id, thread_id, user_id)
                    joined = True
                if await self.service.claim_dm_help(guild_id, user_id):
                    await self.messenger.send_dm_help(guild_id, thread_id, user_id)
                return await self._send(plan, thread_id, nonce=f"ct{period_id}", mention=user_id)
            except ChannelGone:
                await self.service.set_fallback_thread(guild_id, user_id, None)
                thread_id = None
                if attempt:
                    break
            except CannotPost as exc:
                log.warning(
                    "Check-in fallback thread failed (guild=%s user=%s period=%s code=%s)",
                    guild_id,
                    user_id,
                    period_id,
                    exc.code,
                )
                break
        await self.service.mark_undeliverable(period_id)
        return Delivered("undeliverable")

    async def _send(
        self, plan: DeliveryPlan, channel_id: int, *, nonce: str, mention: int
    ) -> Delivered:
        """Post the prompt in the fallback thread: claimed first, marked sent after."""
        goal_ids = [g.goal_id for g in plan.prompt.goals]
        if not await self.service.claim(plan.period_id, channel_id, "thread", goal_ids):
            return await self._where(plan.period_id, "already")
        message_id = await self.messenger.send_prompt(
            channel_id, plan.prompt, nonce=nonce, mention=mention
        )
        await self.service.mark_sent(plan.period_id, channel_id, message_id)
        return Delivered("sent", channel_id, message_id, "thread")

    async def _where(self, period_id: int, outcome: Literal["already"] = "already") -> Delivered:
        status = await self.service.period_status(period_id)
        if status is None:
            return Delivered("gone")  # dropped by a pause before it was sent
        if status == "undeliverable":
            return Delivered("undeliverable")
        placed = await self.service.placement(period_id)
        if placed is None:
            return Delivered("gone")
        channel_id, message_id, delivery = placed
        return Delivered(outcome, channel_id, message_id, delivery)

    @asynccontextmanager
    async def _exclusive(self, period_id: int) -> AsyncIterator[None]:
        """One delivery of a period at a time in this process (sender vs `/checkin now`)."""
        entry = self._locks.get(period_id)
        if entry is None:
            entry = self._locks[period_id] = (asyncio.Lock(), [0])
        lock, users = entry
        users[0] += 1
        try:
            async with lock:
                yield
        finally:
            users[0] -= 1
            if not users[0]:
                self._locks.pop(period_id, None)

    # ------------------------------------------------------------- reminders

    async def remind(self, period_id: int) -> None:
        plan = await self.service.claim_reminder(period_id)
        if plan is None:
            return
        try:
            await self.messenger.send_reminder(plan, nonce=f"cr{period_id}")
        except Throttled:
            await self.service.release_reminder(period_id)
            raise
        except (DmClosed, ChannelGone, CannotPost):
            log.info(
                "Check-in reminder not delivered (guild=%s user=%s period=%s)",
                plan.guild_id,
                plan.user_id,
                period_id,
            )

    # ------------------------------------------------- answers' consequences

    async def follow_up(self, outcome: AnswerOutcome) -> None:
        """After an answer: tell the mentor. (An at-risk change recorded its director-log
        line with the answer.)"""
        if outcome.mentor_alert is not None:
            await self._alert_mentor(outcome.mentor_alert)

    async def _alert_mentor(self, alert: MentorAlert) -> None:
        try:
            sent = await self.messenger.alert_mentor(alert)
        except Exception:
            # The mentee's answer is already saved: a failed alert must not tell them that
            # their request was not completed.
            log.exception(
                "Mentor alert failed (guild=%s mentor=%s mentee=%s)",
                alert.guild_id,
                alert.mentor_id,
                alert.mentee_id,
            )
            return
        if not sent.delivered:
            log.info(
                "Mentor alert not delivered (guild=%s mentor=%s mentee=%s)",
                alert.guild_id,
                alert.mentor_id,
                alert.mentee_id,
            )
