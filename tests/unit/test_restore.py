"""Restoring a backup: only a sound mentorbot database this code can read is put in place,
and the database it replaces is kept aside with its own -wal, never deleted."""

from __future__ import annotations

import asyncio
import shutil
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.db.backup import BackupError, take_backup
from bot.db.database import Database
from bot.db.migrate import available_migrations, migrate
from bot.db.restore import restore_backup
from tests.storage_faults import damaged_database, not_sqlite

NOW = datetime(2026, 11, 5, 18, 30, tzinfo=UTC)
LATEST = available_migrations()[-1].version


def mentorbot_database(path: Path, note: str) -> Path:
    """A database the bot made, holding `note` in its app_state table."""
    asyncio.run(_made_by_the_bot(path, note))
    return path


async def _made_by_the_bot(path: Path, note: str) -> None:
    db = await Database.open(path)
    try:
        await migrate(db)
        await db.execute(
            "INSERT INTO app_state (key, value) VALUES ('note', ?) "
            "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            (note,),
        )
    finally:
        await db.close()


def note_in(path: Path) -> str | None:
    conn = sqlite3.connect(path)
    try:
        row = conn.execute("SELECT value FROM app_state WHERE key = 'note'").fetchone()
    finally:
        conn.close()
    return None if row is None else str(row[0])


def folder_state(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


def test_a_restore_brings_the_backup_back_and_keeps_the_database_aside(
    tmp_path: Path,
) -> None:
    database = mentorbot_database(tmp_path / "mentorbot.sqlite3", "monday")
    backup = take_backup(database, tmp_path / "backups", now=NOW - timedelta(days=1), keep=3)
    mentorbot_database(database, "tuesday")

    restored = restore_backup(backup, database, now=NOW)

    assert note_in(database) == "monday"
    aside = tmp_path / "mentorbot.sqlite3.before-restore-20261105T183000Z"
    assert restored.kept_aside == aside and note_in(aside) == "tuesday"
    assert restored.version == LATEST and restored.backup == backup
    line = restored.summary()
    assert str(database) in line and str(backup) in line and str(aside) in line
    assert "\n" not in line
    assert backup.exists(), "the backup itself stays"
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".part")]


def test_the_kept_database_keeps_its_own_wal(tmp_path: Path) -> None:
    """A bot that was killed leaves its latest writes in the -wal: they go aside with the
    database, and the restored one never picks up a -wal that is not its own."""
    database = mentorbot_database(tmp_path / "mentorbot.sqlite3", "monday")
    backup = take_backup(database, tmp_path / "backups", now=NOW, keep=3)
    live = sqlite3.connect(database, isolation_level=None)
    live.execute("PRAGMA wal_autocheckpoint = 0")
    live.execute("UPDATE app_state SET value = 'only in the wal' WHERE key = 'note'")
    killed = tmp_path / "killed"
    killed.mkdir()
    for suffix in ("", "-wal", "-shm"):
        shutil.copyfile(f"{database}{suffix}", killed / f"mentorbot.sqlite3{suffix}")
    live.close()
    database = killed / "mentorbot.sqlite3"

    restored = restore_backup(backup, database, now=NOW)

    assert not Path(f"{database}-wal").exists() and note_in(database) == "monday"
    assert restored.kept_aside is not None
    assert Path(f"{restored.kept_aside}-wal").exists()
    assert note_in(restored.kept_aside) == "only in the wal"


def test_restoring_where_there_is_no_database_yet(tmp_path: Path) -> None:
    source = mentorbot_database(tmp_path / "old" / "mentorbot.sqlite3", "monday")
    backup = take_backup(source, tmp_path / "backups", now=NOW, keep=3)
    database = tmp_path / "new" / "mentorbot.sqlite3"
    database.parent.mkdir()
    restored = restore_backup(backup, database, now=NOW)
    assert restored.kept_aside is None and "no database before" in restored.summary()
    assert note_in(database) == "monday"


def test_an_older_schema_is_restored_for_the_bot_to_migrate(tmp_path: Path) -> None:
    older = tmp_path / "older.sqlite3"

    async def first_two_migrations() -> None:
        db = await Database.open(older)
        try:
            await migrate(db, available_migrations()[:2])
        finally:
            await db.close()

    asyncio.run(first_two_migrations())
    database = mentorbot_database(tmp_path / "mentorbot.sqlite3", "monday")
    assert restore_backup(older, database, now=NOW).version == 2


def too_new(path: Path) -> Path:
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE schema_migrations (version INTEGER)")
    conn.execute(f"PRAGMA user_version = {LATEST + 1}")
    conn.commit()
    conn.close()
    return path


def someone_elses(path: Path) -> Path:
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE recipes (name TEXT)")
    conn.commit()
    conn.close()
    return path


@pytest.mark.parametrize(
    ("make", "problem"),
    [
        (lambda p: p / "missing.sqlite3", "does not exist"),
        (lambda p: p, "is a folder"),
        (lambda p: not_sqlite(p / "notes.sqlite3"), "is not a SQLite database"),
        (lambda p: damaged_database(p / "broken.sqlite3", offset=8), "is damaged"),
        (lambda p: someone_elses(p / "recipes.sqlite3"), "not one of mentorbot's"),
        (lambda p: too_new(p / "future.sqlite3"), "written by a newer mentorbot"),
    ],
)
def test_a_backup_that_fails_a_check_changes_nothing(
    tmp_path: Path, make: object, problem: str
) -> None:
    database = mentorbot_database(tmp_path / "data" / "mentorbot.sqlite3", "monday")
    candidates = tmp_path / "candidates"
    candidates.mkdir()
    backup = make(candidates)  # type: ignore[operator]
    before = folder_state(database.parent)
    with pytest.raises(BackupError) as excinfo:
        restore_backup(backup, database, now=NOW)
    message = str(excinfo.value)
    assert message.startswith("restore: ") and problem in message
    assert str(backup) in message and "\n" not in message
    assert folder_state(database.parent) == before, "the database is left exactly as it was"


def test_the_database_itself_is_not_a_backup(tmp_path: Path) -> None:
    database = mentorbot_database(tmp_path / "mentorbot.sqlite3", "monday")
    with pytest.raises(BackupError, match="is the database itself"):
        restore_backup(database, database, now=NOW)
    assert note_in(database) == "monday"
