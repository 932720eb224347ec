"""One SQLite connection shared by the whole bot, with a lock around transactions, and the
check a database file passes before the bot starts.

aiosqlite runs every statement on one worker thread; without the lock two coroutines could
interleave statements inside each other's transaction. Connections are opened in
autocommit mode so every write goes through an explicit `transaction()`.

Another program may hold the write lock (an operator's `sqlite3` shell, a backup tool).
Reads go on (WAL), but a write waits for at most `BUSY_TIMEOUT_MS` and then raises
`StorageBusy`, having stored nothing. The timeout and Discord's 3-second window are designed
together: interactions are acknowledged before their handler touches storage
(`bot.ui.acknowledge`), so a member waits at most about a second to hear that nothing was
saved and to try again; and since every statement shares the one connection, the longest
any statement can hold it while waiting for another program stays well inside the window a
click that opens a form (which cannot be acknowledged first) has to answer in. Background
work that meets a busy database simply fails its run and is retried (timers retry in a
minute), so it may wait as long as it needs without holding the connection.

Reads that are not part of the caller's own transaction go to a second, read-only
connection: under WAL it sees every committed write and never waits for the writer, so a
member's `/checkin history` does not queue behind a whole cohort's check-ins being written.
A transaction's own reads stay on the writer (they must see its uncommitted rows), and so
do `PRAGMA`s (some write, e.g. a checkpoint). An in-memory database has no second
connection: everything goes through the one.
"""

from __future__ import annotations

import asyncio
import os
import sqlite3
from collections.abc import AsyncIterator, Callable, Iterable, Iterator, Sequence
from contextlib import asynccontextmanager, contextmanager
from pathlib import Path
from typing import Any, Literal

import aiosqlite

BUSY_TIMEOUT_MS = 1000
"""How long one statement waits for another program's write lock before `StorageBusy`."""

Params = Sequence[Any] | dict[str, Any]

_BUSY_CODES = (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED)

# Where an operator finds how to restore a backup.
_RESTORE = "README, 'Running it for months'"


class StorageBusy(sqlite3.OperationalError):
    """Another program held the database's write lock past `BUSY_TIMEOUT_MS`: nothing was
    stored, and the same request a moment later will most likely work."""


class StorageGone(StorageBusy):
    """The database file was deleted or replaced under the running bot, and SQLite now
    fails on what is left. Nothing was stored; the file watch stops the bot with one line
    (`bot.db.file_watch`), so until then this is answered like a busy database, quietly."""


@contextmanager
def _storage_errors(db: Database) -> Iterator[None]:
    try:
        yield
    except StorageBusy:
        raise
    except sqlite3.OperationalError as exc:
        if _code(exc) in _BUSY_CODES:
            raise StorageBusy(str(exc)) from exc
        if db.file_fault() is not None:
            raise StorageGone(str(exc)) from exc
        raise
    except sqlite3.DatabaseError as exc:
        if db.file_fault() is not None:
            raise StorageGone(str(exc)) from exc
        raise


class DatabaseUnusable(Exception):
    """The database file cannot be used; `str()` is the one line shown to the operator."""


def check_database_file(path: Path) -> None:
    """Refuse, before connecting to Discord, a database that is read-only, not SQLite, or
    damaged (SQLite's `quick_check`), with one line naming the file and what to do.

    Runs on the standard library's blocking driver, before the event loop: a failure here
    leaves no worker thread behind. A missing file passes: it is created on first start.
    """
    if not path.exists():
        return
    if not os.access(path, os.R_OK | os.W_OK):
        raise _read_only(path)
    uri = f"{path.resolve().as_uri()}?mode=rw"
    try:
        conn = sqlite3.connect(uri, uri=True, timeout=BUSY_TIMEOUT_MS / 1000)
    except sqlite3.Error as exc:
        raise _unusable(path, exc) from None
    try:
        rows = conn.execute("PRAGMA quick_check").fetchall()
        if [tuple(row) for row in rows] != [("ok",)]:
            raise DatabaseUnusable(_damaged(path, " ".join(str(row[0]) for row in rows)))
        # SQLite opens a file it may not write read-only, without a word: ask for a write
        # lock to find out now rather than at the first write, with members waiting.
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("ROLLBACK")
    except sqlite3.Error as exc:
        if _code(exc) == sqlite3.SQLITE_BUSY:
            return  # another program is writing; a second copy of the bot is caught elsewhere
        raise _unusable(path, exc) from None
    finally:
        conn.close()


def _code(exc: sqlite3.Error) -> int:
    return int(getattr(exc, "sqlite_errorcode", 0)) & 0xFF


def _unusable(path: Path, exc: sqlite3.Error) -> DatabaseUnusable:
    code = _code(exc)
    if code == sqlite3.SQLITE_NOTADB:
        return DatabaseUnusable(
            f"DATABASE_PATH: '{path}' is not a SQLite database: if DATABASE_PATH names the "
            "wrong file, correct it; otherwise move it aside and restore your latest backup "
            f"(see {_RESTORE}), or start with an empty database."
        )
    if code == sqlite3.SQLITE_CORRUPT:
        return DatabaseUnusable(_damaged(path, str(exc)))
    if code == sqlite3.SQLITE_READONLY:
        return _read_only(path)
    return DatabaseUnusable(
        f"DATABASE_PATH: SQLite cannot use '{path}' ({exc}): check the file and its folder, "
        f"or move it aside and restore your latest backup (see {_RESTORE})."
    )


def _damaged(path: Path, detail: str) -> str:
    detail = " ".join(detail.split())
    if len(detail) > 120:
        detail = detail[:119] + "…"
    return (
        f"DATABASE_PATH: '{path}' is damaged (SQLite's integrity check says: {detail}): stop "
        "the bot, move it aside together with any -wal and -shm files next to it, and "
        f"restore your latest backup (see {_RESTORE})."
    )


def _read_only(path: Path) -> DatabaseUnusable:
    return DatabaseUnusable(
        f"DATABASE_PATH: '{path}' is read-only: give the user running the bot write access "
        "to it and to its folder (and to any -wal and -shm files next to it)."
    )


async def _open_reader(path: Path | str) -> aiosqlite.Connection:
    """The second connection, for reads outside a transaction; it can never write."""
    reader = await aiosqlite.connect(str(path), isolation_level=None)
    try:
        reader.row_factory = sqlite3.Row
        await reader.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        await reader.execute("PRAGMA query_only = ON")
    except BaseException:
        await reader.close()
        raise
    return reader


def _first_row(conn: sqlite3.Connection, sql: str, params: Params) -> sqlite3.Row | None:
    """Runs on the connection's own thread."""
    cursor = conn.execute(sql, params)
    try:
        row: sqlite3.Row | None = cursor.fetchone()
        return row
    finally:
        cursor.close()


def _is_pragma(sql: str) -> bool:
    return sql.lstrip()[:6].upper() == "PRAGMA"


def _identity(path: Path) -> tuple[int, int]:
    found = path.stat()
    return found.st_dev, found.st_ino


class Database:
    """Owns the connection; created in `setup_hook`, closed by `Bot.close`."""

    def __init__(
        self,
        connection: aiosqlite.Connection,
        path: Path | None = None,
        reader: aiosqlite.Connection | None = None,
    ) -> None:
        self._conn = connection
        # Committed state for reads outside a transaction (see the module docstring).
        self._reader = reader
        # One read at a time on the reader: statements open side by side on one
        # connection share one snapshot, so a read could miss a write committed
        # meanwhile; alone, each read sees everything committed before it began.
        self._read_lock = asyncio.Lock()
        # The file the connection opened, by device and inode: a file deleted or replaced
        # under the running bot keeps serving the connection, so its path alone cannot tell.
        self.path = path
        self._identity = _identity(path) if path is not None else None
        self._lock = asyncio.Lock()
        # The task inside `transaction()`: its statements run under the lock it holds;
        # every other task's statements wait for the transaction to finish.
        self._owner: asyncio.Task[Any] | None = None
        self._after_commit: list[Callable[[], object]] = []

    @classmethod
    async def open(cls, path: Path | str) -> Database:
        if str(path) != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        conn = await aiosqlite.connect(str(path), isolation_level=None)
        try:
            conn.row_factory = sqlite3.Row
            await conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            await conn.execute("PRAGMA foreign_keys = ON")
            await conn.execute("PRAGMA secure_delete = ON")  # deleted words leave no trace
            if str(path) != ":memory:":
                await conn.execute("PRAGMA journal_mode = WAL")
            await conn.execute("PRAGMA synchronous = NORMAL")
        except BaseException:
            # An unclosed connection's worker thread would keep the process from exiting.
            await conn.close()
            raise
        if str(path) == ":memory:":
            return cls(conn)
        try:
            reader = await _open_reader(path)
        except BaseException:
            await conn.close()
            raise
        return cls(conn, Path(path), reader)

    def file_fault(self) -> Literal["deleted", "replaced"] | None:
        """Whether the path still names the file this connection opened."""
        if self.path is None or self._identity is None:
            return None
        try:
            now = _identity(self.path)
        except FileNotFoundError:
            return "deleted"
        return None if now == self._identity else "replaced"

    @property
    def connection(self) -> aiosqlite.Connection:
        return self._conn

    async def close(self) -> None:
        """Close once a transaction in progress (e.g. a handler still running at shutdown)
        has committed or rolled back, never between its statements; the reader once the
        reads in progress have their rows. The writer closes last, so it is the one that
        folds the write-ahead log back into the file."""
        reader, self._reader = self._reader, None  # later reads wait for the writer's lock
        if reader is not None:
            async with self._read_lock:
                await reader.close()
        async with self._lock:
            await self._conn.close()

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[Database]:
        """`BEGIN IMMEDIATE` … `COMMIT`, or `ROLLBACK` if the block raises."""
        if self._owns_transaction():
            raise RuntimeError("transactions do not nest")
        async with self._lock:
            with _storage_errors(self):
                await self._conn.execute("BEGIN IMMEDIATE")
            self._owner = asyncio.current_task()
            try:
                yield self
                with _storage_errors(self):
                    await self._conn.execute("COMMIT")
            except BaseException:
                self._after_commit.clear()
                if self._conn.in_transaction:  # SQLite may have rolled back already
                    try:
                        await self._conn.execute("ROLLBACK")
                    except sqlite3.OperationalError:
                        # Cancelled while COMMIT ran on the worker thread: it committed.
                        if self._conn.in_transaction:
                            raise
                raise
            finally:
                self._owner = None
            done, self._after_commit = self._after_commit, []
        for callback in done:
            callback()

    def after_commit(self, callback: Callable[[], object]) -> None:
        """Call `callback` once the calling task's transaction has committed (never if it
        rolls back): e.g. wake whoever reads what it wrote, since reads outside the
        transaction see its rows only from then on. Outside a transaction: at once."""
        if self._owns_transaction():
            self._after_commit.append(callback)
        else:
            callback()

    def in_transaction(self) -> bool:
        """Whether the calling task is inside `transaction()` (its statements join it)."""
        return self._owns_transaction()

    def _owns_transaction(self) -> bool:
        return self._owner is not None and self._owner is asyncio.current_task()

    @asynccontextmanager
    async def _turn(self) -> AsyncIterator[None]:
        """Run a statement now if this task holds the transaction, else wait for the lock.
        Another program's write lock held too long surfaces as `StorageBusy`."""
        if self._owns_transaction():
            with _storage_errors(self):
                yield
        else:
            async with self._lock:
                with _storage_errors(self):
                    yield

    async def execute(self, sql: str, params: Params = ()) -> int:
        """Run one write; returns `lastrowid` (0 if none). Outside a transaction: autocommit."""
        async with self._turn():
            cursor = await self._conn.execute(sql, params)
            return cursor.lastrowid or 0

    async def executemany(self, sql: str, rows: Iterable[Params]) -> None:
        async with self._turn():
            await self._conn.executemany(sql, rows)

    @asynccontextmanager
    async def _read(self, sql: str) -> AsyncIterator[aiosqlite.Connection]:
        """The connection a read runs on: the reader, unless the read belongs to this
        task's transaction, is a `PRAGMA`, or there is no reader (in memory, closing)."""
        if self._reader is None or self._owns_transaction() or _is_pragma(sql):
            async with self._turn():
                yield self._conn
            return
        async with self._read_lock:
            reader = self._reader
            if reader is None:  # closed while this read waited
                async with self._turn():
                    yield self._conn
                return
            with _storage_errors(self):
                yield reader

    async def fetchone(self, sql: str, params: Params = ()) -> sqlite3.Row | None:
        # One trip to the connection's thread, not three (execute, fetch, close): each trip
        # wakes that thread and then the event loop, and a burst's prompts make thousands.
        async with self._read(sql) as conn:
            run = conn._execute  # aiosqlite's own "run this on the thread" (untyped)
            row: sqlite3.Row | None = await run(_first_row, conn._conn, sql, params)  # type: ignore[no-untyped-call]
            return row

    async def fetchall(self, sql: str, params: Params = ()) -> list[sqlite3.Row]:
        async with self._read(sql) as conn:
            return list(await conn.execute_fetchall(sql, params))

    async def fetchval(self, sql: str, params: Params = ()) -> Any:
        row = await self.fetchone(sql, params)
        return None if row is None else row[0]
