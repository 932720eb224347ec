"""The one connection: closing it never cuts a transaction in half."""

from __future__ import annotations

import asyncio
from pathlib import Path

from bot.db.database import Database


async def test_close_waits_for_the_transaction_in_progress(tmp_path: Path) -> None:
    path = tmp_path / "db.sqlite3"
    db = await Database.open(path)
    await db.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT)")
    inside = asyncio.Event()

    async def handler_still_running() -> None:
        async with db.transaction():
            await db.execute("INSERT INTO notes (text) VALUES ('first')")
            inside.set()
            await asyncio.sleep(0.05)
            await db.execute("INSERT INTO notes (text) VALUES ('second')")

    work = asyncio.create_task(handler_still_running())
    await inside.wait()
    await db.close()
    await work  # committed, not broken off by the close

    reopened = await Database.open(path)
    try:
        assert await reopened.fetchval("SELECT count(*) FROM notes") == 2
    finally:
        await reopened.close()
