"""Waiting for what the bot does in the background, without sleeping for a fixed time."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import Any

from tests.fakediscord import FakeDiscord, Message


async def wait_for_change(
    fake: FakeDiscord,
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


async def until(check: Callable[[], object], what: str, timeout: float = 5.0) -> None:
    """Poll a plain condition (e.g. a file appearing, a line reaching a channel)."""

    async def probe() -> bool:
        return bool(check())

    await eventually(probe, what, timeout)
