"""Putting a backup back in place of the database (`python -m bot restore FILE`).

The caller holds the single-instance lock (bot/db/instance_lock.py), so no bot uses the
database meanwhile. The backup is copied next to the database and checked there (it is
SQLite, passes `quick_check`, was written by mentorbot, and its schema is not newer than
this code), so what was checked is exactly what is put in place. The database it replaces
is never deleted: it is renamed `<name>.before-restore-<UTC stamp>`, together with its
`-wal` and `-shm` files, which still hold its latest writes if the bot was killed.
"""

from __future__ import annotations

import os
import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from bot.db.backup import BackupError, copy_database, fsync_path, quick_check
from bot.db.migrate import available_migrations

# SQLite's own files beside a database, moved together with it.
_COMPANIONS = ("", "-wal", "-shm", "-journal")


@dataclass(frozen=True)
class Restored:
    database: Path
    backup: Path
    version: int
    kept_aside: Path | None  # the database it replaced; None if there was none

    def summary(self) -> str:
        """The one line `python -m bot restore` prints."""
        before = (
            f"the database it replaced is kept as '{self.kept_aside}'"
            if self.kept_aside is not None
            else "there was no database before"
        )
        return (
            f"Restored '{self.database}' from '{self.backup}' (schema version {self.version}); "
            f"{before}. Start the bot to use it."
        )


def restore_backup(
    backup: Path, database: Path, *, now: datetime, latest_version: int | None = None
) -> Restored:
    """Check `backup` and put it in place of `database`. Raises `BackupError` (one line)
    and then leaves the database as it was."""
    latest = available_migrations()[-1].version if latest_version is None else latest_version
    if not backup.is_file():
        problem = "is a folder" if backup.is_dir() else "does not exist"
        raise BackupError(f"restore: '{backup}' {problem}: give the path of a backup file.")
    if database.exists() and backup.resolve() == database.resolve():
        raise BackupError(f"restore: '{backup}' is the database itself: give a backup file.")
    stamp = now.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    incoming = database.with_name(f".{database.name}.restore-{stamp}.part")
    try:
        try:
            copy_database(backup, incoming, read_only=True)
        except BackupError as exc:
            raise BackupError(f"restore: {exc}: choose a backup file.") from None
        version = _check(backup, incoming, latest)
        fsync_path(incoming)
        aside = database.with_name(f"{database.name}.before-restore-{stamp}")
        moved = _move_aside(database, aside)
        try:
            os.rename(incoming, database)
        except OSError:
            _move_back(moved)
            raise
        fsync_path(database.parent)
    except OSError as exc:
        raise BackupError(
            f"restore: cannot write beside '{database}' ({exc.strerror or type(exc).__name__}): "
            "nothing was changed; free some space or fix the folder's permissions."
        ) from None
    finally:
        incoming.unlink(missing_ok=True)
    return Restored(database, backup, version, aside if database.name in _names(moved) else None)


def _check(backup: Path, copy: Path, latest: int) -> int:
    """The copy's schema version, once it is known to be a sound mentorbot database."""
    problem = quick_check(copy)
    if problem is not None:
        raise BackupError(
            f"restore: '{backup}' is damaged (SQLite's integrity check says: {problem}): "
            "choose an earlier backup."
        )
    conn = sqlite3.connect(copy)
    try:
        version = int(conn.execute("PRAGMA user_version").fetchone()[0])
        ours = conn.execute(
            "SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = 'schema_migrations'"
        ).fetchone()
    finally:
        conn.close()
    if ours is None or version < 1:
        raise BackupError(
            f"restore: '{backup}' is a SQLite database but not one of mentorbot's: choose "
            "a backup file."
        )
    if version > latest:
        raise BackupError(
            f"restore: '{backup}' was written by a newer mentorbot (schema version {version}; "
            f"this one knows up to {latest}): upgrade mentorbot first."
        )
    return version


def _move_aside(database: Path, aside: Path) -> list[tuple[Path, Path]]:
    """Rename the database and its companions to `aside` (+ the same suffix), so SQLite
    opens the kept copy with its own `-wal`. Returns the (from, to) pairs moved."""
    taken = [Path(f"{aside}{suffix}") for suffix in _COMPANIONS]
    if any(path.exists() for path in taken):
        raise BackupError(f"restore: '{aside}' already exists: try again in a moment.")
    moved: list[tuple[Path, Path]] = []
    try:
        for suffix in _COMPANIONS:
            source = Path(f"{database}{suffix}")
            if source.exists():
                target = Path(f"{aside}{suffix}")
                os.rename(source, target)
                moved.append((source, target))
    except OSError:
        _move_back(moved)
        raise
    return moved


def _move_back(moved: list[tuple[Path, Path]]) -> None:
    for source, target in reversed(moved):
        os.rename(target, source)


def _names(moved: list[tuple[Path, Path]]) -> set[str]:
    return {source.name for source, _ in moved}
