"""Running the bot until it is told to stop, and the fallbacks worth making.

If Discord cannot be reached at start (no network yet, DNS failure, firewall), the bot says
so in one line and tries again with growing delays, so a supervisor that starts it before
the network is up sees it connect on its own; a rejected token still ends it at once.

If the Server Members intent is not enabled in the Developer Portal, Discord refuses the
connection (close code 4014). Rather than stay offline, the bot reconnects without it:
slash commands keep working and `/setup show` tells the director how to turn it on.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass

import aiohttp
import discord

from bot.app import MentorBot
from bot.clock import Clock
from bot.config import Settings
from bot.domain.questionnaire import Questionnaire

log = logging.getLogger(__name__)

# What "Discord cannot be reached" looks like from discord.py: the connection is refused,
# the name does not resolve, it times out, or Discord's own servers answer 5xx. A rejected
# token (`LoginFailure`) is deliberately not here: retrying it cannot help.
UNREACHABLE: tuple[type[BaseException], ...] = (
    aiohttp.ClientError,
    ConnectionError,
    TimeoutError,
    discord.DiscordServerError,
    discord.GatewayNotFound,
)


@dataclass(frozen=True)
class Backoff:
    """Delays between attempts to reach Discord: `first`, doubling, never above `cap`."""

    first: float = 5.0
    cap: float = 300.0

    def delays(self) -> Iterator[float]:
        delay = self.first
        while True:
            yield delay
            delay = min(delay * 2, self.cap)


# Read when a Runner or a sync starts, so a process can be given shorter delays.
RETRY = Backoff()

# Waits `delay` seconds; returns True if the wait was cut short because the bot is stopping.
Pause = Callable[[float], Awaitable[bool]]


async def until_reachable(
    attempt: Callable[[], Awaitable[None]], backoff: Backoff, pause: Pause
) -> bool:
    """Run `attempt` until it does not fail with an `UNREACHABLE` error.

    One log line per failed attempt, the first naming the problem. Returns False if `pause`
    reported a stop before Discord answered.
    """
    delays = backoff.delays()
    failures = 0
    while True:
        try:
            await attempt()
        except UNREACHABLE as exc:
            failures += 1
            delay = next(delays)
            log.warning(
                "Cannot reach Discord (%s): attempt %d failed, trying again in %s",
                describe(exc),
                failures,
                _seconds(delay),
            )
            if await pause(delay):
                return False
        else:
            if failures:
                log.info("Reached Discord after %d failed attempt(s)", failures)
            return True


def describe(exc: BaseException) -> str:
    """The error in one line, as the library words it (an address, a DNS answer, a status)."""
    text = " ".join(str(exc).split())
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def _seconds(delay: float) -> str:
    return f"{delay / 60:g} min" if delay >= 60 else f"{delay:g} s"


class Runner:
    """Owns the current bot instance so a signal handler can close it."""

    def __init__(
        self,
        settings: Settings,
        *,
        clock: Clock | None = None,
        questionnaire: Questionnaire | None = None,
        on_bot: Callable[[MentorBot], None] | None = None,
        backoff: Backoff | None = None,
        pause: Pause | None = None,
    ) -> None:
        self._settings = settings
        self._questionnaire = questionnaire
        self._clock = clock
        self._on_bot = on_bot
        self._backoff = backoff or RETRY
        self._pause = pause or self._wait_unless_stopped
        self._bot: MentorBot | None = None
        self._stopping = asyncio.Event()

    @property
    def bot(self) -> MentorBot | None:
        return self._bot

    async def run(self) -> None:
        try:
            await self._run(members_intent=True)
        except discord.PrivilegedIntentsRequired:
            if self._stopping.is_set():
                return
            log.warning(
                "Discord refused the Server Members intent: enable it in the Developer Portal "
                "(your app → Bot → Privileged Gateway Intents). Running without it for now: "
                "new members will not be greeted."
            )
            await self._run(members_intent=False)

    async def _run(self, *, members_intent: bool) -> None:
        await until_reachable(
            lambda: self._run_once(members_intent=members_intent), self._backoff, self._pause
        )

    async def _run_once(self, *, members_intent: bool) -> None:
        if self._stopping.is_set():
            return
        bot = MentorBot(
            self._settings,
            clock=self._clock,
            members_intent=members_intent,
            questionnaire=self._questionnaire,
        )
        self._bot = bot
        if self._on_bot is not None:
            self._on_bot(bot)
        try:
            async with bot:
                await bot.start(self._settings.token)
                # A signal handler may still be closing the bot: finish that before returning,
                # or the event loop would end with the database still open.
                await bot.close()
        except UNREACHABLE:
            if not self._stopping.is_set():
                raise  # told to stop mid-attempt: the broken-off connection is no news
        if bot.fatal is not None:
            raise bot.fatal  # the bot stopped itself (its database file went): say why

    async def _wait_unless_stopped(self, delay: float) -> bool:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._stopping.wait(), timeout=delay)
        return self._stopping.is_set()

    async def stop(self) -> None:
        self._stopping.set()
        if self._bot is not None and not self._bot.is_closed():
            log.info("Shutting down")
            await self._bot.close()


async def _sleep(delay: float) -> bool:
    await asyncio.sleep(delay)
    return False


async def sync_commands(
    settings: Settings,
    questionnaire: Questionnaire,
    *,
    backoff: Backoff | None = None,
    pause: Pause | None = None,
) -> int:
    """`python -m bot sync`: log in over REST, sync the command tree, and leave."""

    async def attempt() -> None:
        bot = MentorBot(settings, force_sync=True, questionnaire=questionnaire)
        async with bot:
            await bot.login(settings.token)  # runs setup_hook, which syncs

    reached = await until_reachable(attempt, backoff or RETRY, pause or _sleep)
    return 0 if reached else 1
