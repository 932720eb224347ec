"""Backups of the database with SQLite's online backup API, and the daily schedule.

A copy of the `.sqlite3` file alone can be torn or stale while the bot runs (recent writes
sit in the `-wal` file); the backup API reads one consistent snapshot through SQLite
instead, and in WAL mode the bot keeps writing meanwhile. So `python -m bot backup` can run
beside a running bot.

A backup is written under a temporary name, checked with `PRAGMA quick_check`, and only
then renamed into place: a file with a backup's name is always whole and checked. Names
carry the UTC instant the backup was taken, to the millisecond
(`mentorbot-20261102T090000.000Z.sqlite3`), so they sort by age, a backup taken by hand
never takes the daily one's name, and the newest one on disk says when the next is due: a
restart never takes a second backup the same day.

The backup API copies pages as they are, free pages included; the bot's connection deletes
with `secure_delete` on (bot/db/database.py), so deleted rows are zeros before any backup
copies them.

Everything here but `DailyBackups.run_due` blocks: the bot runs it in a worker thread.
"""

from __future__ import annotations

import asyncio
import contextlib
import glob
import logging
import os
import re
import sqlite3
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

log = logging.getLogger(__name__)

INTERVAL = timedelta(hours=24)
RETRY = timedelta(hours=1)
BUSY_TIMEOUT_S = 5.0
_STAMP = "%Y%m%dT%H%M%S.%fZ"  # written with milliseconds only
# A partial file older than this was left by a backup that died (a crash, a power cut).
_STALE_PART_S = 3600.0


class BackupError(Exception):
    """A backup or restore could not be made; `str()` is one line for the operator."""


@dataclass(frozen=True)
class Backup:
    path: Path
    taken: datetime  # UTC, from the file's name


def backup_name(database: Path, taken: datetime) -> str:
    stamp = taken.astimezone(UTC).strftime(_STAMP)
    return f"{database.stem}-{stamp[:-4]}Z.sqlite3"  # microseconds cut to milliseconds


def list_backups(database: Path, folder: Path) -> list[Backup]:
    """The backups of `database` in `folder`, oldest first (other files are ignored)."""
    pattern = re.compile(rf"^{re.escape(database.stem)}-(\d{{8}}T\d{{6}}\.\d{{3}}Z)\.sqlite3$")
    found: list[Backup] = []
    with contextlib.suppress(FileNotFoundError, NotADirectoryError):
        for entry in folder.iterdir():
            match = pattern.match(entry.name)
            if match is None or not entry.is_file():
                continue
            try:
                taken = datetime.strptime(match[1], _STAMP).replace(tzinfo=UTC)
            except ValueError:
                continue
            found.append(Backup(entry, taken))
    found.sort(key=lambda backup: backup.taken)
    return found


def next_due(backups: list[Backup], now: datetime) -> datetime:
    """24 hours after the newest backup (now if there is none). A backup stamped in the
    future (the clock was turned back) counts as taken now, so backups never stop."""
    if not backups:
        return now
    return min(backups[-1].taken, now) + INTERVAL


def take_backup(database: Path, folder: Path, *, now: datetime, keep: int) -> Path:
    """Back `database` up into `folder` now, keep the newest `keep` backups, and return the
    new file. Raises `BackupError`; the backups already there stay as they were."""
    if not database.is_file():
        raise BackupError(
            f"DATABASE_PATH: '{database}' does not exist yet: there is nothing to back up "
            "(the bot creates it when it first starts)."
        )
    final = folder / backup_name(database, now)
    partial = folder / f".{final.name}.{os.getpid()}.part"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        if final.exists():
            raise BackupError(
                f"BACKUP_DIR: '{final}' already exists (a backup was taken this very moment): "
                "try again in a moment."
            )
        _remove_stale_parts(database, folder)
        try:
            try:
                copy_database(database, partial)
            except BackupError as exc:
                raise BackupError(
                    f"DATABASE_PATH: {exc}: nothing was backed up (README, 'When it will not "
                    "start', says what to do)."
                ) from None
            problem = quick_check(partial)
            if problem is not None:
                raise BackupError(
                    f"the backup of '{database}' fails SQLite's integrity check ({problem}): "
                    "the database itself may be damaged; the earlier backups are kept "
                    "(README, 'Backups')."
                )
            fsync_path(partial)
            os.rename(partial, final)
            fsync_path(folder)
        finally:
            partial.unlink(missing_ok=True)
    except OSError as exc:
        raise BackupError(
            f"BACKUP_DIR: cannot write the backup in '{folder}' "
            f"({exc.strerror or type(exc).__name__}): free some space or fix the folder's "
            "permissions."
        ) from None
    rotate(database, folder, keep)
    return final


def copy_database(source: Path, target: Path, *, read_only: bool = False) -> None:
    """Copy `source` into the new file `target` with the backup API, as one snapshot.
    Raises `BackupError` ("'path' is not a SQLite database", …: callers add context).

    `target` ends up in rollback-journal mode: a single self-contained file, whatever the
    source's mode. `read_only` opens the source so that nothing can write to it (a file
    that is not ours); otherwise it is opened as the bot opens it, which leaves no `-wal`
    or `-shm` files behind once the last connection closes.
    """
    mode = "ro" if read_only else "rw"
    try:
        src = sqlite3.connect(
            f"{source.resolve().as_uri()}?mode={mode}", uri=True, timeout=BUSY_TIMEOUT_S
        )
    except sqlite3.Error as exc:
        raise _sqlite_problem(source, exc) from None
    try:
        dst = sqlite3.connect(target)
        try:
            src.backup(dst)
            dst.execute("PRAGMA journal_mode = DELETE")
        finally:
            dst.close()
    except sqlite3.Error as exc:
        raise _sqlite_problem(source, exc) from None
    finally:
        src.close()


def quick_check(path: Path) -> str | None:
    """None if SQLite's quick integrity check passes, else what it says (shortened)."""
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        try:
            rows = conn.execute("PRAGMA quick_check").fetchall()
        finally:
            conn.close()
    except sqlite3.Error as exc:
        return _short(str(exc))
    if [tuple(row) for row in rows] == [("ok",)]:
        return None
    return _short(" ".join(str(row[0]) for row in rows))


def rotate(database: Path, folder: Path, keep: int) -> list[Path]:
    """Delete all but the newest `keep` backups; returns what was deleted. A file that
    cannot be deleted is logged and left: the new backup is what matters."""
    backups = list_backups(database, folder)
    removed: list[Path] = []
    for backup in backups[: max(len(backups) - keep, 0)]:
        try:
            backup.path.unlink(missing_ok=True)
        except OSError as exc:
            log.warning("Could not delete the old backup %s (%s)", backup.path, exc.strerror)
        else:
            removed.append(backup.path)
    return removed


def backup_if_due(
    database: Path, folder: Path, *, now: datetime, keep: int
) -> tuple[Path | None, datetime]:
    """Take a backup if the newest one on disk is 24 hours old (or there is none).
    Returns the new backup (None if none was due) and when the next one is due."""
    due = next_due(list_backups(database, folder), now)
    if due > now:
        return None, due
    taken = take_backup(database, folder, now=now, keep=keep)
    return taken, now + INTERVAL


# Called with True when backups start failing and with False when they work again.
Report = Callable[[bool], Awaitable[None]]


class DailyBackups:
    """What the bot's backup timer runs: a backup a day, off the event loop.

    A failure is logged loudly and retried within the hour; `report` hears once when
    backups start failing and once when they work again. Nothing here stops the bot.
    """

    def __init__(
        self, database: Path, folder: Path, *, keep: int, report: Report | None = None
    ) -> None:
        self.database = database
        self.folder = folder
        self.keep = keep
        self._report = report
        self.failing = False

    async def run_due(self, now: datetime) -> datetime:
        """Take today's backup if it is due; returns when to look again."""
        try:
            taken, due = await asyncio.to_thread(
                backup_if_due, self.database, self.folder, now=now, keep=self.keep
            )
        except Exception as exc:
            if isinstance(exc, BackupError):
                log.error("DATABASE BACKUP FAILED: %s Retrying within the hour.", exc)
            else:
                log.exception("DATABASE BACKUP FAILED; retrying within the hour")
            await self._change(failing=True)
            return now + RETRY
        if taken is not None:
            log.info("Database backed up to %s", taken)
        await self._change(failing=False)
        return due

    async def _change(self, *, failing: bool) -> None:
        if failing == self.failing:
            return
        self.failing = failing
        if self._report is None:
            return
        try:
            await self._report(failing)
        except Exception:
            log.exception("Could not report that backups %s", "fail" if failing else "work")


def _remove_stale_parts(database: Path, folder: Path) -> None:
    cutoff = time.time() - _STALE_PART_S
    for part in folder.glob(f".{glob.escape(database.stem)}-*.part"):
        with contextlib.suppress(OSError):
            if part.stat().st_mtime < cutoff:
                part.unlink()


def fsync_path(path: Path) -> None:
    """Make a rename durable: the file's data, then the folder's entry, reach the disk."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _code(exc: sqlite3.Error) -> int:
    return int(getattr(exc, "sqlite_errorcode", 0)) & 0xFF


def _short(detail: str) -> str:
    detail = " ".join(detail.split())
    return detail if len(detail) <= 120 else detail[:119] + "…"


def _sqlite_problem(path: Path, exc: sqlite3.Error) -> BackupError:
    code = _code(exc)
    if code == sqlite3.SQLITE_NOTADB:
        return BackupError(f"'{path}' is not a SQLite database")
    if code == sqlite3.SQLITE_CORRUPT:
        return BackupError(f"'{path}' is damaged ({_short(str(exc))})")
    return BackupError(f"SQLite cannot read '{path}' ({_short(str(exc))})")
