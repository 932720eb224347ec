"""Backups against real SQLite files: named by the instant, written under a temporary name
and checked before they count, the newest N kept, one a day across restarts, failures
told once and never raised, and deleted members' words absent from later backups."""

from __future__ import annotations

import asyncio
import logging
import os
import sqlite3
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot.db import backup as backup_module
from bot.db.backup import (
    INTERVAL,
    RETRY,
    BackupError,
    DailyBackups,
    backup_name,
    list_backups,
    next_due,
    quick_check,
    rotate,
    take_backup,
)
from bot.db.database import Database
from bot.scheduler import Timers, create_scheduler, stop_scheduler
from tests.storage_faults import damaged_database, not_sqlite
from tests.support import FakeClock
from tests.unit.support import GUILD, MENTEE, add_member

START = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)


@pytest.fixture
def database(tmp_path: Path) -> Path:
    """A small database in WAL mode, as the bot leaves it."""
    path = tmp_path / "mentorbot.sqlite3"
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT)")
    conn.executemany("INSERT INTO notes (text) VALUES (?)", [(f"note {n}",) for n in range(50)])
    conn.close()
    return path


def rows(path: Path) -> list[str]:
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        return [text for (text,) in conn.execute("SELECT text FROM notes ORDER BY id")]
    finally:
        conn.close()


def names(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def test_a_backup_is_a_checked_copy_named_by_the_utc_instant(
    database: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "backups"
    taken = take_backup(database, folder, now=START, keep=14)
    assert taken == folder / "mentorbot-20261102T090000.000Z.sqlite3"
    assert names(folder) == [taken.name], "no temporary file is left behind"
    assert rows(taken) == rows(database)
    assert quick_check(taken) is None
    conn = sqlite3.connect(taken)
    try:  # one self-contained file: no -wal needed to read it
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    finally:
        conn.close()
    paris = START.astimezone(ZoneInfo("Europe/Paris"))
    assert backup_name(database, paris) == taken.name, "the name is in UTC whatever the zone"
    later = START + timedelta(microseconds=123_456)
    assert backup_name(database, later) == "mentorbot-20261102T090000.123Z.sqlite3"
    assert take_backup(database, folder, now=later, keep=14).name.endswith(".123Z.sqlite3")
    assert [b.taken for b in list_backups(database, folder)] == [
        START,
        START + timedelta(milliseconds=123),
    ]


async def test_a_backup_is_taken_while_the_bot_writes(database: Path, tmp_path: Path) -> None:
    """The backup API reads a consistent snapshot beside the bot's own connection, even in
    the middle of its write transaction (which it neither waits for nor copies)."""
    db = await Database.open(database)
    try:
        async with db.transaction():
            await db.execute("INSERT INTO notes (text) VALUES ('not committed yet')")
            taken = await asyncio.to_thread(
                take_backup, database, tmp_path / "backups", now=START, keep=14
            )
        assert "not committed yet" not in rows(taken)
        assert len(rows(taken)) == 50
    finally:
        await db.close()


def test_rotation_keeps_the_newest_n_and_nothing_else_is_touched(
    database: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "backups"
    folder.mkdir()
    others = [
        "other-20200101T000000.000Z.sqlite3",
        "notes.txt",
        "mentorbot-latest.sqlite3",
        "mentorbot-20200101T000000Z.sqlite3",
    ]
    for name in others:
        (folder / name).write_text("not ours")
    taken = [
        take_backup(database, folder, now=START + timedelta(days=day), keep=3) for day in range(5)
    ]
    assert [b.path for b in list_backups(database, folder)] == taken[-3:]
    assert names(folder) == sorted([*others, *(p.name for p in taken[-3:])])
    assert rotate(database, folder, keep=1) == taken[-3:-1]
    assert rotate(database, folder, keep=1) == []


def test_the_backup_is_renamed_into_place_only_once_whole_and_checked(
    database: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "backups"
    renames: list[tuple[Path, Path, str | None]] = []
    real_rename = os.rename

    def rename(source: str | Path, target: str | Path) -> None:
        source, target = Path(source), Path(target)
        assert not target.exists()
        renames.append((source, target, quick_check(source)))
        real_rename(source, target)

    monkeypatch.setattr(backup_module.os, "rename", rename)
    taken = take_backup(database, folder, now=START, keep=14)
    [(source, target, check)] = renames
    assert target == taken and check is None
    assert source.parent == folder and source.name.startswith(".") and source != taken
    assert list_backups(database, folder)[0].path == taken


def test_a_backup_interrupted_before_its_rename_leaves_no_backup(
    database: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "backups"
    kept = take_backup(database, folder, now=START, keep=1)

    def power_cut(source: str | Path, target: str | Path) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(backup_module.os, "rename", power_cut)
    with pytest.raises(BackupError, match=r"^BACKUP_DIR: cannot write .*No space left"):
        take_backup(database, folder, now=START + INTERVAL, keep=1)
    assert names(folder) == [kept.name], "the old backup stays; no partial file is left"


def test_partial_files_left_by_a_crash_are_ignored_then_cleared(
    database: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "backups"
    folder.mkdir()
    stale = folder / ".mentorbot-20261101T090000.000Z.sqlite3.4242.part"
    fresh = folder / ".mentorbot-20261102T085959.999Z.sqlite3.4343.part"
    for part in (stale, fresh):
        part.write_bytes(b"half a database")
    hours_ago = time.time() - 2 * 3600
    os.utime(stale, (hours_ago, hours_ago))
    assert list_backups(database, folder) == []
    take_backup(database, folder, now=START, keep=14)
    assert not stale.exists(), "a crash's leftover is cleared"
    assert fresh.exists(), "a backup another process is writing right now is left alone"


def test_a_backup_that_fails_its_check_is_discarded_and_nothing_is_rotated(
    tmp_path: Path, database: Path
) -> None:
    folder = tmp_path / "backups"
    earlier = [take_backup(database, folder, now=START + timedelta(days=d), keep=2) for d in (0, 1)]
    (tmp_path / "damaged").mkdir()
    damaged = damaged_database(tmp_path / "damaged" / "mentorbot.sqlite3", offset=8)
    with pytest.raises(BackupError) as excinfo:
        take_backup(damaged, folder, now=START + timedelta(days=2), keep=2)
    message = str(excinfo.value)
    assert "fails SQLite's integrity check" in message and "earlier backups are kept" in message
    assert "\n" not in message
    assert names(folder) == [p.name for p in earlier]


def test_nothing_to_back_up_or_not_a_database_is_one_line(tmp_path: Path) -> None:
    folder = tmp_path / "backups"
    with pytest.raises(BackupError, match=r"^DATABASE_PATH: '.*' does not exist yet"):
        take_backup(tmp_path / "missing.sqlite3", folder, now=START, keep=3)
    with pytest.raises(BackupError, match=r"^DATABASE_PATH: '.*' is not a SQLite database"):
        take_backup(not_sqlite(tmp_path / "notes.sqlite3"), folder, now=START, keep=3)
    assert not (tmp_path / "missing.sqlite3").exists(), "no empty database is created"
    assert list(folder.iterdir()) == []


def test_the_next_backup_is_due_a_day_after_the_newest_on_disk(
    database: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "backups"
    assert next_due([], START) == START
    take_backup(database, folder, now=START, keep=14)
    found = list_backups(database, folder)
    assert next_due(found, START + timedelta(hours=5)) == START + INTERVAL
    turned_back = START - timedelta(days=3)
    assert next_due(found, turned_back) == turned_back + INTERVAL, "a clock turned back"


async def run_timer(
    clock: FakeClock, scheduler: AsyncIOScheduler, run_due: Callable[[datetime], Awaitable[object]]
) -> Timers:
    """Start the bot's kind of timer as the bot does once Discord is ready, and wait for
    its first run."""
    timers = Timers(scheduler, clock)
    timers.add("backups", run_due)  # type: ignore[arg-type]
    timers.start()
    for _ in range(500):
        if timers["backups"].next_due is not None:
            return timers
        await asyncio.sleep(0.01)
    raise AssertionError("the backup timer never ran")


async def test_one_backup_a_day_across_restarts(database: Path, tmp_path: Path) -> None:
    clock = FakeClock(START)
    folder = tmp_path / "backups"
    scheduler = create_scheduler()
    scheduler.start(paused=True)  # the clock is moved by hand; nothing runs by wall time
    try:
        timers = await run_timer(clock, scheduler, DailyBackups(database, folder, keep=14).run_due)
        assert [b.taken for b in list_backups(database, folder)] == [START]
        assert timers["backups"].next_due == START + INTERVAL
        await timers.stop()

        for hours in (1, 12, 23):  # restarts during the day take no second backup
            clock.set(START + timedelta(hours=hours))
            again = DailyBackups(database, folder, keep=14)
            timers = await run_timer(clock, scheduler, again.run_due)
            assert timers["backups"].next_due == START + INTERVAL
            await timers.stop()
        assert len(list_backups(database, folder)) == 1

        clock.set(START + timedelta(days=3, hours=2))  # down for days: one backup on return
        timers = await run_timer(clock, scheduler, DailyBackups(database, folder, keep=14).run_due)
        assert [b.taken for b in list_backups(database, folder)] == [START, clock.now()]
        clock.advance(INTERVAL)
        assert await timers["backups"].fire() == clock.now() + INTERVAL
        assert len(list_backups(database, folder)) == 3
        await timers.stop()
    finally:
        stop_scheduler(scheduler)


async def test_failures_are_logged_told_once_retried_and_never_raised(
    database: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    blocked = tmp_path / "backups"
    blocked.write_text("a file where the folder should be")
    told: list[bool] = []

    async def report(failing: bool) -> None:
        told.append(failing)
        raise RuntimeError("the director log is unreachable")  # still never raised

    daily = DailyBackups(database, blocked, keep=14, report=report)
    now = START
    with caplog.at_level(logging.ERROR, logger="bot.db.backup"):
        for _ in range(3):
            assert await daily.run_due(now) == now + RETRY
            now += RETRY
    failures = [r for r in caplog.records if "DATABASE BACKUP FAILED" in r.getMessage()]
    assert len(failures) == 3 and all(r.levelno == logging.ERROR for r in failures)
    assert told == [True], "directors hear once, not every hour"

    blocked.unlink()
    assert await daily.run_due(now) == now + INTERVAL
    assert told == [True, False], "and once when backups work again"
    assert [b.taken for b in list_backups(database, blocked)] == [now]


async def test_deleted_words_are_absent_from_a_later_backup(
    db: Database, clock: FakeClock, tmp_path: Path
) -> None:
    """The bot's connection deletes with secure_delete: the backup API copies pages as they
    are, free pages included, so without it the words would still be in the backup."""
    words = "I am afraid of public speaking"
    long_words = "my whole story " * 400  # spills onto overflow pages
    await add_member(db, clock, answers={"bio": words, "story": long_words})
    await add_member(db, clock, MENTEE + 1, answers={"bio": "someone who stays"})
    database = tmp_path / "mentorbot.sqlite3"
    before = take_backup(database, tmp_path / "backups", now=START, keep=14)
    assert words.encode() in before.read_bytes()

    await db.execute("DELETE FROM members WHERE guild_id = ? AND user_id = ?", (GUILD, MENTEE))
    after = take_backup(database, tmp_path / "backups", now=START + INTERVAL, keep=14)
    data = after.read_bytes()
    assert words.encode() not in data and b"my whole story" not in data
    assert b"someone who stays" in data


def test_without_secure_delete_the_backup_would_keep_deleted_words(tmp_path: Path) -> None:
    """Why the setting matters (and that the test above can fail)."""
    database = tmp_path / "plain.sqlite3"
    conn = sqlite3.connect(database, isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA secure_delete = OFF")
    conn.execute("CREATE TABLE notes (text TEXT)")
    conn.execute("INSERT INTO notes VALUES ('I am afraid of public speaking')")
    conn.execute("INSERT INTO notes VALUES ('someone who stays')")
    conn.execute("DELETE FROM notes WHERE text LIKE 'I am afraid%'")
    try:
        taken = take_backup(database, tmp_path / "backups", now=START, keep=14)
    finally:
        conn.close()
    assert b"I am afraid of public speaking" in taken.read_bytes()
