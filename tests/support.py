"""Small helpers shared by unit and end-to-end tests."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.app import MentorBot

REPO = Path(__file__).resolve().parents[1]


class FakeClock:
    """A clock that only moves when a test moves it."""

    def __init__(self, start: datetime | None = None) -> None:
        self._now = start or datetime(2026, 11, 2, 9, 0, tzinfo=UTC)

    def now(self) -> datetime:
        return self._now

    def advance(self, delta: timedelta) -> datetime:
        self._now += delta
        return self._now

    def set(self, instant: datetime) -> None:
        if instant.tzinfo is None:
            raise ValueError("FakeClock needs an aware datetime")
        self._now = instant


async def bot_with_every_extension(folder: Path) -> MentorBot:
    """A bot with every cog loaded and no connection: enough to read its command tree."""
    from bot.app import MentorBot, extension_names
    from bot.config import Settings

    bot = MentorBot(
        Settings(
            token="x.y.z",
            database_path=folder / "db.sqlite3",
            questionnaire_path=REPO / "data" / "questionnaire.toml",
        ),
        clock=FakeClock(),
    )
    for name in extension_names():
        await bot.load_extension(name)
    return bot
