"""Running a real discord.py bot against the fake, with a teardown that leaves nothing open."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator

import discord
import pytest

from .driver import FakeDiscord
from .standard import standard_world

ClientT = discord.Client


@contextlib.asynccontextmanager
async def running(
    bot: discord.Client, fake: FakeDiscord, *, token: str | None = None, timeout: float = 10.0
) -> AsyncIterator[discord.Client]:
    """Start ``bot`` (``bot.start(token)`` as a task), wait until it is ready, yield it,
    then close it and await its task. Errors from login/connect (LoginFailure,
    PrivilegedIntentsRequired, …) are raised here instead of hanging."""
    task = asyncio.create_task(bot.start(token or fake.token), name="fakediscord-bot")
    try:
        deadline = time.monotonic() + timeout
        while not bot.is_ready():
            if task.done():
                task.result()  # raises the startup error
                raise AssertionError("the bot stopped before it became ready")
            if time.monotonic() > deadline:
                raise AssertionError(f"the bot was not ready after {timeout:g} s")
            await asyncio.sleep(0.005)
        yield bot
    finally:
        await bot.close()
        if not task.done():
            task.cancel()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await task


@pytest.fixture
async def fake() -> AsyncIterator[FakeDiscord]:
    """A started FakeDiscord on ``standard_world()``; discord.py points at it meanwhile."""
    async with FakeDiscord(standard_world()) as server:
        yield server
