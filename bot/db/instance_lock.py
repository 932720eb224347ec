"""One running copy per database, held by the operating system for the life of the process.

Two copies on one database would both send every prompt. The running copy holds an
exclusive `flock` on a file next to the database; the kernel drops it when the process
ends however it ends (SIGKILL, a crash, a power cut), so a stale lock never blocks a
restart. The file also says who holds it, so the copy that is refused can name it.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import socket
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType

from bot.db.database import DatabaseUnusable


class AlreadyRunning(DatabaseUnusable):
    """Another process holds the database; `str()` names it in one line, `holder` says who."""

    def __init__(self, message: str, holder: str = "") -> None:
        super().__init__(message)
        self.holder = holder


def lock_path(database_path: Path) -> Path:
    """`data/mentorbot.sqlite3` → `data/mentorbot.sqlite3-lock`, beside SQLite's own files."""
    return database_path.with_name(database_path.name + "-lock")


class InstanceLock:
    """`with InstanceLock(path):` runs the block as the one copy using `path`."""

    def __init__(self, database_path: Path) -> None:
        self.database_path = database_path
        self.path = lock_path(database_path)
        self._fd: int | None = None

    def acquire(self, now: datetime | None = None) -> None:
        """Take the lock or raise `AlreadyRunning` naming the holder. Never waits."""
        try:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as exc:
            raise DatabaseUnusable(
                f"DATABASE_PATH: cannot open the lock file '{self.path}' "
                f"({exc.strerror or type(exc).__name__}): give the user running the bot write "
                "access to the database's folder."
            ) from None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            holder = _describe(_read(fd))
            os.close(fd)
            raise AlreadyRunning(
                f"DATABASE_PATH: another copy of mentorbot is already running on "
                f"'{self.database_path}' ({holder}): stop it first, or give this copy its own "
                "DATABASE_PATH.",
                holder,
            ) from None
        started = (now or datetime.now(UTC)).astimezone(UTC)
        record = {"pid": os.getpid(), "host": socket.gethostname(), "started": started.isoformat()}
        os.ftruncate(fd, 0)
        os.pwrite(fd, json.dumps(record).encode(), 0)
        self._fd = fd

    def release(self) -> None:
        """Give the lock up (also done by the kernel when the process ends)."""
        fd, self._fd = self._fd, None
        if fd is not None:
            with contextlib.suppress(OSError):
                os.ftruncate(fd, 0)
            os.close(fd)

    def __enter__(self) -> InstanceLock:
        self.acquire()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.release()


def _read(fd: int) -> dict[str, object]:
    try:
        data = json.loads(os.pread(fd, 4096, 0) or b"{}")
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _describe(holder: dict[str, object]) -> str:
    pid, host, started = holder.get("pid"), holder.get("host"), holder.get("started")
    if not pid:
        return "it has not said which process it is yet"
    text = f"pid {pid} on {host or 'an unknown host'}"
    if isinstance(started, str):
        with contextlib.suppress(ValueError):
            text += f", started {datetime.fromisoformat(started):%Y-%m-%d %H:%M} UTC"
    return text
