"""The production bot, started through its own runner, against the fake Discord."""

from __future__ import annotations

import asyncio
import contextlib
import time
from pathlib import Path

from bot.app import MentorBot
from bot.config import Settings
from bot.runner import Runner
from bot.sender import SendPacing
from tests.fakediscord import FakeDiscord
from tests.support import FakeClock

REPO = Path(__file__).resolve().parents[3]
QUESTIONNAIRE = REPO / "data" / "questionnaire.toml"


class BotProcess:
    """Starts and stops the real bot (as `python -m bot` would, minus the process)."""

    def __init__(self, server: FakeDiscord, settings: Settings, clock: FakeClock) -> None:
        self.fake = server
        self.settings = settings
        self.clock = clock
        self.runner: Runner | None = None
        self._task: asyncio.Task[None] | None = None

    @property
    def bot(self) -> MentorBot:
        assert self.runner is not None and self.runner.bot is not None, "the bot is not running"
        return self.runner.bot

    async def start(self, settings: Settings | None = None, timeout: float = 10.0) -> MentorBot:
        self.runner = Runner(settings or self.settings, clock=self.clock)
        self._task = asyncio.create_task(self.runner.run(), name="mentorbot")
        deadline = time.monotonic() + timeout
        while self.runner.bot is None or not self.runner.bot.is_ready():
            if self._task.done():
                task, self._task = self._task, None
                task.result()  # raises the start-up error (LoginFailure, …)
                raise AssertionError("the bot stopped before it became ready")
            if time.monotonic() > deadline:
                raise AssertionError(f"the bot was not ready after {timeout:g} s")
            await asyncio.sleep(0.005)
        return self.runner.bot

    async def stop(self) -> None:
        if self.runner is not None:
            await self.runner.stop()
        if self._task is not None:
            with contextlib.suppress(asyncio.CancelledError):
                await asyncio.wait_for(self._task, timeout=10)
        self.runner, self._task = None, None

    async def restart(self) -> MentorBot:
        await self.stop()
        return await self.start()


def fast(bot: MentorBot, per_second: float = 1000.0) -> None:
    """Tests send check-in prompts and director-log lines at a high rate; production keeps
    the conservative defaults."""
    bot.delivery.checkin_sender.pacing = SendPacing(per_second=per_second, throttle_pause=0.05)
    bot.delivery.director_log_sender.pacing = SendPacing(per_second=per_second, throttle_pause=0.05)
