"""Discord unreachable at start: one line, then attempts with capped, growing delays until
Discord answers; a rejected token still ends the process at once (PRODUCT.md §6)."""

from __future__ import annotations

import contextlib
import dataclasses
import logging
from collections.abc import Iterator
from pathlib import Path

import discord
import discord.http
import pytest

from bot.config import Settings
from bot.domain.questionnaire import load_questionnaire
from bot.runner import Backoff, Runner, sync_commands
from tests.e2e.support.live import LiveBot, bot_env, closed_port, run_bot
from tests.fakediscord import FakeDiscord
from tests.support import FakeClock

WRONG_TOKEN = "MTEwMDAwMDAwMDAwMDAwMDAwMg.GabcDE.zzzzzzzzzzzzzzzzzzzzzzzzzzzzzz"


def test_delays_double_up_to_the_cap() -> None:
    delays = Backoff(first=5, cap=300).delays()
    assert [next(delays) for _ in range(9)] == [5, 10, 20, 40, 80, 160, 300, 300, 300]


@contextlib.contextmanager
def discord_down(fake: FakeDiscord) -> Iterator[None]:
    """discord.py points at a closed port until the test calls `fake.patch_discord()`."""
    fake.unpatch_discord()
    real = discord.http.Route.BASE
    discord.http.Route.BASE = f"http://127.0.0.1:{closed_port()}/api/v10"
    try:
        yield
    finally:
        fake.unpatch_discord()
        discord.http.Route.BASE = real
        fake.patch_discord()


class Pauses:
    """Records each delay instead of sleeping; Discord comes back after `fails` of them."""

    def __init__(self, fake: FakeDiscord, fails: int) -> None:
        self.fake = fake
        self.fails = fails
        self.delays: list[float] = []

    async def __call__(self, delay: float) -> bool:
        self.delays.append(delay)
        if len(self.delays) == self.fails:
            self.fake.patch_discord()
        return False


def attempt_lines(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == "bot.runner"]


async def test_bot_waits_for_discord_then_connects(
    fake: FakeDiscord, settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    pauses = Pauses(fake, fails=3)
    runner = Runner(settings, clock=FakeClock(), backoff=Backoff(5, 300), pause=pauses)
    with discord_down(fake), caplog.at_level(logging.INFO, logger="bot.runner"):
        import asyncio

        task = asyncio.create_task(runner.run())
        try:
            await fake.wait_until_identified(timeout=10)
        finally:
            await runner.stop()
            await asyncio.wait_for(task, 10)
    assert pauses.delays == [5, 10, 20]
    lines = attempt_lines(caplog)
    failed = [line for line in lines if line.startswith("Cannot reach Discord")]
    assert len(failed) == 3, lines
    assert "ClientConnectorError" in failed[0] and "127.0.0.1" in failed[0]
    assert "attempt 1 failed, trying again in 5 s" in failed[0]
    assert "attempt 3 failed, trying again in 20 s" in failed[2]
    assert "Reached Discord after 3 failed attempt(s)" in lines


async def test_sync_waits_for_discord_too(
    fake: FakeDiscord, settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    pauses = Pauses(fake, fails=2)
    questionnaire = load_questionnaire(settings.questionnaire_path)
    with discord_down(fake), caplog.at_level(logging.WARNING, logger="bot.runner"):
        code = await sync_commands(settings, questionnaire, backoff=Backoff(5, 300), pause=pauses)
    assert code == 0
    assert pauses.delays == [5, 10]
    assert len(attempt_lines(caplog)) == 2
    assert fake.command_syncs == 1


async def test_rejected_token_is_not_retried(fake: FakeDiscord, settings: Settings) -> None:
    pauses = Pauses(fake, fails=99)
    runner = Runner(dataclasses.replace(settings, token=WRONG_TOKEN), pause=pauses)
    with pytest.raises(discord.LoginFailure):
        await runner.run()
    assert pauses.delays == []


async def test_process_started_before_discord_connects_once_it_answers(
    tmp_path: Path,
) -> None:
    """A real `python -m bot` pointed at a closed port; the fake Discord then starts there."""
    port = closed_port()
    bot = await LiveBot.start(
        env=bot_env(tmp_path / "data" / "bot.sqlite3"), cwd=tmp_path, port=port, retry=(0.05, 0.2)
    )
    try:
        failed = await bot.wait_for("Cannot reach Discord", count=2)
        async with FakeDiscord(port=port) as fake:
            await bot.wait_for("Connected as")
            assert fake.command_syncs == 1
            assert await bot.stop() == 0, bot.stderr
    finally:
        await bot.kill()
    assert "Traceback" not in bot.stderr
    assert "ClientConnectorError" in failed[0] and f"127.0.0.1:{port}" in failed[0]
    assert "attempt 1 failed, trying again in 0.05 s" in failed[0]
    assert "attempt 2 failed, trying again in 0.1 s" in failed[1]
    attempts = bot.matching("Cannot reach Discord")
    assert all("trying again in 0.2 s" in line for line in attempts[3:]), "the cap holds"
    assert not bot.matching("logging in using static token"), "one line per attempt"
    assert not bot.matching("voice will NOT be supported"), "this bot has no voice"


async def test_sync_process_started_before_discord_registers_once_it_answers(
    tmp_path: Path,
) -> None:
    port = closed_port()
    bot = await LiveBot.start(
        "sync",
        env=bot_env(tmp_path / "data" / "bot.sqlite3"),
        cwd=tmp_path,
        port=port,
        retry=(0.05, 0.2),
    )
    try:
        await bot.wait_for("Cannot reach Discord", count=2)
        async with FakeDiscord(port=port) as fake:
            assert await bot.finish() == 0, bot.stderr
            assert fake.command_syncs == 1
    finally:
        await bot.kill()
    assert "Traceback" not in bot.stderr


async def test_rejected_token_ends_the_process_at_once(fake: FakeDiscord, tmp_path: Path) -> None:
    for args in ((), ("sync",)):
        done = await run_bot(
            *args,
            env=bot_env(tmp_path / "data" / "bot.sqlite3", DISCORD_TOKEN=WRONG_TOKEN),
            cwd=tmp_path,
            port=fake.port,
        )
        assert done.returncode == 1, done.stderr
        ours = [line for line in done.err_lines if line.startswith("mentorbot:")]
        assert len(ours) == 1 and "Discord rejected DISCORD_TOKEN" in ours[0], done.stderr
        assert "Cannot reach Discord" not in done.stderr
        assert "Traceback" not in done.stderr
        assert WRONG_TOKEN not in done.stderr
