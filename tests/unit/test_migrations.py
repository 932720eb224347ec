"""Migrations build the schema from scratch, upgrade from every earlier version, and refuse
a database newer than the code."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.db.database import Database
from bot.db.migrate import (
    Migration,
    MigrationError,
    SchemaTooNewError,
    available_migrations,
    current_version,
    migrate,
)


async def open_db(path: Path) -> Database:
    return await Database.open(path)


async def test_fresh_database_reaches_latest(tmp_path: Path) -> None:
    db = await open_db(tmp_path / "a.sqlite3")
    try:
        latest = available_migrations()[-1].version
        assert await migrate(db) == latest
        rows = await db.fetchall("SELECT version, name FROM schema_migrations ORDER BY version")
        assert [r["version"] for r in rows] == list(range(1, latest + 1))
        assert await db.fetchval("PRAGMA foreign_keys") == 1
        assert await db.fetchval("PRAGMA journal_mode") == "wal"
        # A second start applies nothing.
        assert await migrate(db) == latest
        assert await db.fetchval("SELECT count(*) FROM schema_migrations") == latest
    finally:
        await db.close()


@pytest.mark.parametrize("start", range(len(available_migrations())))
async def test_upgrade_from_each_earlier_version(tmp_path: Path, start: int) -> None:
    migrations = available_migrations()
    db = await open_db(tmp_path / "b.sqlite3")
    try:
        assert await migrate(db, migrations[:start]) == start
        assert await migrate(db) == migrations[-1].version
    finally:
        await db.close()


async def test_newer_schema_refuses_to_start(tmp_path: Path) -> None:
    db = await open_db(tmp_path / "c.sqlite3")
    try:
        await migrate(db)
        await db.execute("PRAGMA user_version = 999")
        with pytest.raises(SchemaTooNewError, match="schema version 999"):
            await migrate(db)
    finally:
        await db.close()


async def test_failed_migration_leaves_previous_version(tmp_path: Path) -> None:
    migrations = available_migrations()
    broken = Migration(
        len(migrations) + 1,
        "broken",
        "CREATE TABLE half_done (id INTEGER);\nINSERT INTO no_such_table VALUES (1);\n",
    )
    db = await open_db(tmp_path / "d.sqlite3")
    try:
        await migrate(db)
        with pytest.raises(MigrationError, match="broken"):
            await migrate(db, [*migrations, broken])
        assert await current_version(db) == migrations[-1].version
        tables = await db.fetchall("SELECT name FROM sqlite_master WHERE name = 'half_done'")
        assert tables == []
    finally:
        await db.close()


async def test_transaction_rolls_back_on_error(db: Database) -> None:
    with pytest.raises(RuntimeError):
        async with db.transaction():
            await db.execute("INSERT INTO app_state (key, value) VALUES ('k', 'v')")
            raise RuntimeError("boom")
    assert await db.fetchval("SELECT count(*) FROM app_state") == 0


async def test_other_tasks_wait_for_an_open_transaction(db: Database) -> None:
    """A write from another coroutine must never land inside someone else's transaction."""
    import asyncio

    inside = asyncio.Event()
    release = asyncio.Event()

    async def failing_transaction() -> None:
        async with db.transaction():
            await db.execute("INSERT INTO app_state (key, value) VALUES ('a', '1')")
            inside.set()
            await release.wait()
            raise RuntimeError("roll back")

    async def outsider() -> None:
        await inside.wait()
        await db.execute("INSERT INTO app_state (key, value) VALUES ('b', '2')")

    first = asyncio.create_task(failing_transaction())
    second = asyncio.create_task(outsider())
    await inside.wait()
    await asyncio.sleep(0)
    release.set()
    with pytest.raises(RuntimeError):
        await first
    await second
    rows = await db.fetchall("SELECT key FROM app_state ORDER BY key")
    assert [r["key"] for r in rows] == ["b"]
