"""The one connection: closing it never cuts a transaction in half; another program's write
lock fails a write soon, with nothing stored."""

from __future__ import annotations

import asyncio
import sqlite3
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from bot.db.database import (
    BUSY_TIMEOUT_MS,
    Database,
    DatabaseUnusable,
    StorageBusy,
    check_database_file,
)
from tests.storage_faults import WriteLock, damaged_database, not_sqlite


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


async def test_a_failed_open_leaves_no_worker_thread(tmp_path: Path) -> None:
    """aiosqlite's worker thread keeps the process alive until its connection is closed."""
    path = not_sqlite(tmp_path / "notes.txt")
    before = set(threading.enumerate())
    with pytest.raises(sqlite3.DatabaseError) as excinfo:
        await Database.open(path)
    started = [t for t in threading.enumerate() if t not in before]
    for thread in started:
        thread.join(timeout=2)
    assert excinfo.value is not None  # its frames still hold the connection
    assert [t for t in started if t.is_alive()] == []


async def test_a_sound_database_or_none_at_all_passes(tmp_path: Path) -> None:
    path = tmp_path / "db.sqlite3"
    check_database_file(path)  # created later, on first start
    db = await Database.open(path)
    await db.execute("CREATE TABLE notes (text TEXT)")
    await db.close()
    check_database_file(path)


@pytest.mark.parametrize(
    ("make", "problem"),
    [
        (not_sqlite, "is not a SQLite database"),
        (lambda p: damaged_database(p, offset=0), "is damaged"),
        (lambda p: damaged_database(p, offset=8), "is damaged"),
    ],
    ids=["not-sqlite", "malformed", "fails-quick-check"],
)
def test_an_unusable_database_is_named_with_what_to_do(
    tmp_path: Path, make: Callable[[Path], Path], problem: str
) -> None:
    path = make(tmp_path / "db.sqlite3")
    with pytest.raises(DatabaseUnusable) as excinfo:
        check_database_file(path)
    message = str(excinfo.value)
    assert message.startswith("DATABASE_PATH:")
    assert str(path) in message
    assert problem in message
    assert "backup" in message and "move it aside" in message
    assert "\n" not in message


async def test_a_write_behind_another_programs_lock_fails_soon_and_stores_nothing(
    tmp_path: Path,
) -> None:
    path = tmp_path / "db.sqlite3"
    db = await Database.open(path)
    try:
        await db.execute("CREATE TABLE notes (text TEXT)")
        with WriteLock(path):
            started = time.monotonic()
            with pytest.raises(StorageBusy):
                async with db.transaction():
                    await db.execute("INSERT INTO notes VALUES ('lost?')")
            with pytest.raises(StorageBusy):
                await db.execute("INSERT INTO notes VALUES ('lost?')")
            waited = time.monotonic() - started
            assert await db.fetchval("SELECT count(*) FROM notes") == 0, "reads go on"
        # Two writes, each waiting at most the busy timeout: well inside Discord's 3 s.
        assert waited < 2 * BUSY_TIMEOUT_MS / 1000 + 0.5
        assert BUSY_TIMEOUT_MS <= 1000
        async with db.transaction():
            await db.execute("INSERT INTO notes VALUES ('kept')")
        assert await db.fetchval("SELECT count(*) FROM notes") == 1
    finally:
        await db.close()


async def test_the_connection_knows_when_its_file_is_deleted_or_replaced(tmp_path: Path) -> None:
    path = tmp_path / "db.sqlite3"
    db = await Database.open(path)
    try:
        assert db.file_fault() is None
        other = tmp_path / "other.sqlite3"
        other.write_bytes(path.read_bytes())
        other.replace(path)
        assert db.file_fault() == "replaced"
        path.unlink()
        assert db.file_fault() == "deleted"
    finally:
        await db.close()


async def test_a_read_outside_a_transaction_does_not_wait_for_one(tmp_path: Path) -> None:
    """Another task's transaction holds the writer: a read goes on, and sees what was
    committed before it (not the transaction's rows); the transaction's own reads see
    its rows."""
    db = await Database.open(tmp_path / "db.sqlite3")
    await db.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT)")
    await db.execute("INSERT INTO notes (text) VALUES ('committed')")
    inside, release = asyncio.Event(), asyncio.Event()
    own: list[int] = []

    async def writer() -> None:
        async with db.transaction():
            await db.execute("INSERT INTO notes (text) VALUES ('not yet')")
            own.append(await db.fetchval("SELECT count(*) FROM notes"))
            inside.set()
            await release.wait()

    work = asyncio.create_task(writer())
    await inside.wait()
    try:
        seen = await asyncio.wait_for(db.fetchval("SELECT count(*) FROM notes"), 2)
    finally:
        release.set()
        await work
    assert seen == 1
    assert own == [2]
    assert await db.fetchval("SELECT count(*) FROM notes") == 2
    await db.close()


async def test_the_reader_cannot_write(tmp_path: Path) -> None:
    db = await Database.open(tmp_path / "db.sqlite3")
    await db.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT)")
    with pytest.raises(sqlite3.OperationalError):
        await db.fetchall("INSERT INTO notes (text) VALUES ('through a read') RETURNING id")
    assert await db.fetchval("SELECT count(*) FROM notes") == 0
    await db.close()


async def test_after_commit_waits_for_the_commit_and_never_follows_a_rollback(
    tmp_path: Path,
) -> None:
    db = await Database.open(tmp_path / "db.sqlite3")
    await db.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT)")
    seen: list[int] = []

    async def count() -> None:
        seen.append(await db.fetchval("SELECT count(*) FROM notes"))

    woken: list[asyncio.Task[None]] = []
    async with db.transaction():
        await db.execute("INSERT INTO notes (text) VALUES ('one')")
        db.after_commit(lambda: woken.append(asyncio.create_task(count())))
        assert woken == []
    await asyncio.gather(*woken)
    assert seen == [1]
    with pytest.raises(RuntimeError):
        async with db.transaction():
            await db.execute("INSERT INTO notes (text) VALUES ('two')")
            db.after_commit(lambda: seen.append(-1))
            raise RuntimeError("rolled back")
    assert seen == [1]
    await db.close()


async def test_a_read_after_a_commit_sees_it_while_other_reads_run(tmp_path: Path) -> None:
    """Reads side by side on the reader must not share a snapshot taken before a commit."""
    db = await Database.open(tmp_path / "db.sqlite3")
    await db.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT)")
    await db.executemany("INSERT INTO notes (text) VALUES (?)", [(f"n{n}",) for n in range(3000)])
    done = asyncio.Event()

    async def keep_reading() -> None:
        while not done.is_set():
            await db.fetchone("SELECT * FROM notes ORDER BY text")

    readers = [asyncio.create_task(keep_reading()) for _ in range(3)]
    try:
        for n in range(100):
            async with db.transaction():
                await db.execute("INSERT INTO notes (text) VALUES (?)", (f"mark {n}",))
            found = await db.fetchval("SELECT count(*) FROM notes WHERE text = ?", (f"mark {n}",))
            assert found == 1, f"the read after commit {n} did not see it"
    finally:
        done.set()
        await asyncio.gather(*readers)
    await db.close()
