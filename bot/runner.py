"""Running the bot until it is told to stop, and the one fallback worth making.

If the Server Members intent is not enabled in the Developer Portal, Discord refuses the
connection (close code 4014). Rather than stay offline, the bot reconnects without it:
slash commands keep working and `/setup show` tells the director how to turn it on.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

import discord

from bot.app import MentorBot
from bot.clock import Clock
from bot.config import Settings
from bot.domain.questionnaire import Questionnaire

log = logging.getLogger(__name__)


class Runner:
    """Owns the current bot instance so a signal handler can close it."""

    def __init__(
        self,
        settings: Settings,
        *,
        clock: Clock | None = None,
        questionnaire: Questionnaire | None = None,
        on_bot: Callable[[MentorBot], None] | None = None,
    ) -> None:
        self._settings = settings
        self._questionnaire = questionnaire
        self._clock = clock
        self._on_bot = on_bot
        self._bot: MentorBot | None = None
        self._stopping = asyncio.Event()

    @property
    def bot(self) -> MentorBot | None:
        return self._bot

    async def run(self) -> None:
        try:
            await self._run_once(members_intent=True)
        except discord.PrivilegedIntentsRequired:
            if self._stopping.is_set():
                return
            log.warning(
                "Discord refused the Server Members intent: enable it in the Developer Portal "
                "(your app → Bot → Privileged Gateway Intents). Running without it for now: "
                "new members will not be greeted."
            )
            await self._run_once(members_intent=False)

    async def _run_once(self, *, members_intent: bool) -> None:
        bot = MentorBot(
            self._settings,
            clock=self._clock,
            members_intent=members_intent,
            questionnaire=self._questionnaire,
        )
        self._bot = bot
        if self._on_bot is not None:
            self._on_bot(bot)
        async with bot:
            await bot.start(self._settings.token)
            # A signal handler may still be closing the bot: finish that before returning,
            # or the event loop would end with the database still open.
            await bot.close()

    async def stop(self) -> None:
        self._stopping.set()
        if self._bot is not None and not self._bot.is_closed():
            log.info("Shutting down")
            await self._bot.close()


async def sync_commands(settings: Settings, questionnaire: Questionnaire) -> int:
    """`python -m bot sync`: log in over REST, sync the command tree, and leave."""
    bot = MentorBot(settings, force_sync=True, questionnaire=questionnaire)
    async with bot:
        await bot.login(settings.token)  # runs setup_hook, which syncs
    return 0
