"""The production bot, started through its own runner, against the fake Discord."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest

from bot.app import MentorBot
from bot.config import Settings
from bot.runner import Runner
from tests.fakediscord import FakeDiscord, Guild, Message, User
from tests.fakediscord.fixtures import fake  # noqa: F401  (re-exported fixture)
from tests.support import FakeClock

REPO = Path(__file__).resolve().parents[2]
QUESTIONNAIRE = REPO / "data" / "questionnaire.toml"


@pytest.fixture
def settings(tmp_path: Path, fake: FakeDiscord) -> Settings:  # noqa: F811
    return Settings(
        token=fake.token,
        database_path=tmp_path / "data" / "mentorbot.sqlite3",
        questionnaire_path=QUESTIONNAIRE,
    )


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


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


@pytest.fixture
async def process(
    fake: FakeDiscord,  # noqa: F811
    settings: Settings,
    clock: FakeClock,
) -> AsyncIterator[BotProcess]:
    proc = BotProcess(fake, settings, clock)
    try:
        yield proc
    finally:
        await proc.stop()


@pytest.fixture
async def bot(process: BotProcess) -> MentorBot:
    return await process.start()


@pytest.fixture
def guild(fake: FakeDiscord) -> Guild:  # noqa: F811
    return fake.world.guild("Mentoring Circle")


@pytest.fixture
def users(fake: FakeDiscord) -> dict[str, User]:  # noqa: F811
    return {name: fake.world.user(name) for name in ("olivia", "director", "alice", "bob")}


async def configure(fake: FakeDiscord, guild: Guild, director: User) -> None:  # noqa: F811
    """What a director does first: /setup roles and /setup channels."""
    h = await fake.slash(
        director,
        guild,
        "setup roles",
        director=guild.role("Director"),
        mentor=guild.role("Mentor"),
        mentee=guild.role("Mentee"),
    )
    assert "Saved" in (await h.answer()).text
    h = await fake.slash(
        director,
        guild,
        "setup channels",
        introductions=guild.channel("introductions"),
        sessions=guild.channel("sessions"),
        checkin_fallback=guild.channel("checkins"),
        director_log=guild.channel("director-log"),
    )
    assert "Saved" in (await h.answer()).text


async def wait_for_change(
    fake: FakeDiscord,  # noqa: F811
    message: Message,
    check: Callable[[Message], Any],
    what: str,
) -> Message:
    """Wait until the stored message (after the bot's edits) satisfies `check`."""

    def probe() -> Message | None:
        current = fake.world.find_message(message.id)
        return current if current is not None and check(current) else None

    return await fake.wait_until(probe, what=what)


async def eventually(check: Callable[[], Awaitable[Any]], what: str, timeout: float = 5.0) -> Any:
    """Poll an async condition (e.g. a database row written by an event handler)."""
    deadline = time.monotonic() + timeout
    while True:
        result = await check()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.01)
