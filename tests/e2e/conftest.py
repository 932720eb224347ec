"""Fixtures of the end-to-end tests: the fake Discord, the bot process, a configured server.

The helpers these tests share live in tests/e2e/support/.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.app import MentorBot
from bot.config import Settings
from tests.e2e.support.process import QUESTIONNAIRE, BotProcess, fast
from tests.e2e.support.server import configure
from tests.fakediscord import FakeDiscord, Guild, User
from tests.fakediscord.fixtures import fake  # noqa: F401  (re-exported fixture)
from tests.support import FakeClock


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
async def ready(
    fake: FakeDiscord,  # noqa: F811
    bot: MentorBot,
    guild: Guild,
    users: dict[str, User],
) -> MentorBot:
    """The running bot on a server its director has configured; check-in prompts go out
    at test speed."""
    await configure(fake, guild, users["director"])
    fast(bot)
    return bot


@pytest.fixture
def guild(fake: FakeDiscord) -> Guild:  # noqa: F811
    return fake.world.guild("Mentoring Circle")


@pytest.fixture
def users(fake: FakeDiscord) -> dict[str, User]:  # noqa: F811
    return {name: fake.world.user(name) for name in ("olivia", "director", "alice", "bob")}
