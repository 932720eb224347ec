from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.fakediscord import FakeDiscord, running
from tests.fakediscord.fixtures import fake  # noqa: F401  (re-exported fixture)

from .testbot import HarnessBot


@pytest.fixture
async def bot(fake: FakeDiscord) -> AsyncIterator[HarnessBot]:  # noqa: F811
    """The test bot, connected and with its commands synced globally."""
    test_bot = HarnessBot()
    async with running(test_bot, fake):
        await test_bot.tree.sync()
        yield test_bot
