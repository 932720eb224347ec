"""One running copy per database: the second is refused with the first one named."""

from __future__ import annotations

import json
import os
import socket
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.db.instance_lock import AlreadyRunning, InstanceLock, lock_path

STARTED = datetime(2026, 11, 2, 9, 30, tzinfo=UTC)


def test_the_lock_file_sits_next_to_the_database(tmp_path: Path) -> None:
    assert lock_path(tmp_path / "bot.sqlite3") == tmp_path / "bot.sqlite3-lock"


def test_a_second_copy_is_refused_with_the_first_named(tmp_path: Path) -> None:
    database = tmp_path / "bot.sqlite3"
    first = InstanceLock(database)
    first.acquire(now=STARTED)
    try:
        with pytest.raises(AlreadyRunning) as excinfo:
            InstanceLock(database).acquire()
    finally:
        first.release()
    message = str(excinfo.value)
    assert message.startswith("DATABASE_PATH: another copy of mentorbot is already running")
    assert str(database) in message
    assert f"pid {os.getpid()} on {socket.gethostname()}" in message
    assert "started 2026-11-02 09:30 UTC" in message
    assert "\n" not in message


def test_released_lock_can_be_taken_again(tmp_path: Path) -> None:
    database = tmp_path / "bot.sqlite3"
    with InstanceLock(database):
        pass
    with InstanceLock(database) as again:
        assert again.path.exists()


def test_a_file_left_by_a_process_that_died_does_not_block(tmp_path: Path) -> None:
    """Only the kernel's lock counts, not what a killed process left written."""
    database = tmp_path / "bot.sqlite3"
    lock_path(database).write_text(json.dumps({"pid": 999999, "host": "gone"}))
    with InstanceLock(database) as lock:
        holder = json.loads(lock.path.read_text())
    assert holder["pid"] == os.getpid()


def test_a_holder_that_has_not_written_yet_is_still_refused(tmp_path: Path) -> None:
    import fcntl

    database = tmp_path / "bot.sqlite3"
    with lock_path(database).open("w") as held:
        fcntl.flock(held, fcntl.LOCK_EX | fcntl.LOCK_NB)
        with pytest.raises(AlreadyRunning, match="has not said which process"):
            InstanceLock(database).acquire()
