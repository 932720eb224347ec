"""Database files as an operator may find them after a bad day: not SQLite, damaged, or
locked by another program."""

from __future__ import annotations

import sqlite3
from pathlib import Path


def damaged_database(path: Path, *, offset: int) -> Path:
    """A real database whose sixth page is then scribbled on at `offset`."""
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE notes (text TEXT)")
    conn.executemany("INSERT INTO notes VALUES (?)", [("x" * 200,)] * 500)
    conn.execute("CREATE INDEX notes_text ON notes (text)")
    conn.commit()
    conn.close()
    with path.open("r+b") as file:
        file.seek(4096 * 5 + offset)
        file.write(b"\x00\x07\x13" if offset else b"\xff" * 4096)
    return path


def not_sqlite(path: Path) -> Path:
    path.write_text("shopping list\n")
    return path


class WriteLock:
    """Another program (an operator's `sqlite3` shell, a backup tool) holding the database's
    write lock from `with` until `release()` or the block's end; reads in WAL mode go on."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._conn: sqlite3.Connection | None = None

    def __enter__(self) -> WriteLock:
        self._conn = sqlite3.connect(self.path, timeout=0, isolation_level=None)
        self._conn.execute("BEGIN IMMEDIATE")
        return self

    def release(self) -> None:
        conn, self._conn = self._conn, None
        if conn is not None:
            conn.execute("ROLLBACK")
            conn.close()

    def __exit__(self, *exc: object) -> None:
        self.release()
