"""Noticing the database file deleted or replaced under the running bot.

SQLite keeps using the file it opened: deleted, it lives on as an unnamed file until the
process ends; replaced (a backup restored over it), the bot goes on writing to the old one.
Either way everything the bot records from then on is lost at the next restart, without a
word. So a timer compares the path's device and inode with the opened file's every
`CHECK_EVERY`; on a difference it keeps what the bot holds in a rescue copy next to the
path, logs it loudly, and stops the bot, which ends the process with one line and a
non-zero exit so the supervisor and the operator see it.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

from bot.db.database import Database, DatabaseUnusable

log = logging.getLogger(__name__)

TIMER = "database_file"

CHECK_EVERY = timedelta(seconds=20)
"""Read when a watch is made, so a process can be given a shorter interval."""


class DatabaseGone(DatabaseUnusable):
    """The database file was deleted or replaced while the bot ran; `str()` is its line."""


class FileWatch:
    """The `run_due` of the database-file timer; `stop` ends the bot with the error."""

    def __init__(
        self,
        db: Database,
        stop: Callable[[DatabaseGone], None],
        *,
        every: timedelta | None = None,
    ) -> None:
        self._db = db
        self._stop = stop
        self._every = every or CHECK_EVERY

    async def run_due(self, now: datetime) -> datetime | None:
        fault = self._db.file_fault()
        path = self._db.path
        if fault is None or path is None:
            return now + self._every
        kept = await self._rescue(path, now)
        error = DatabaseGone(_line(path, fault, kept))
        log.critical(
            "The database file was %s under the running bot; rescue copy: %s; stopping",
            fault,
            kept,
        )
        self._stop(error)
        return None

    async def _rescue(self, path: Path, now: datetime) -> Path | str:
        """A copy of what the open connection still holds, or why there is none."""
        copy = path.with_name(f"{path.name}.rescued-{now:%Y%m%d-%H%M%S}")
        try:
            await self._db.execute("VACUUM INTO ?", (str(copy),))
        except sqlite3.Error as exc:
            return f"no copy could be kept ({exc})"
        return copy


def _line(path: Path, fault: str, kept: Path | str) -> str:
    if isinstance(kept, Path):
        saved = f"what it held until now is saved in '{kept}'"
        source = "that copy"
    else:
        saved = f"{kept}, so what it recorded since it started is lost"
        source = "your latest backup"
    if fault == "deleted":
        then = f"put {source} back as '{path}' and start the bot again"
    else:
        then = (
            "start the bot again to use the new file (or, if replacing it was a mistake, "
            f"put {source} back as '{path}' first)"
        )
    return (
        f"DATABASE_PATH: '{path}' was {fault} while the bot was running; {saved}. "
        f"Stopped so that nothing more is written to a file that is gone: {then}."
    )
