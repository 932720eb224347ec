"""Database files as an operator may find them after a bad day: not SQLite, or damaged."""

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
