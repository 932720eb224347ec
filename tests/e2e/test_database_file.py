"""The database file deleted or replaced under the running bot (a real `python -m bot`).

Left alone, the bot would go on writing to a file no longer in the folder and lose it all
at the next restart. It notices within its check interval (shortened here), keeps what it
held in a rescue copy, and stops with one line and a non-zero exit for the supervisor.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
from pathlib import Path

import pytest

from bot.db.backup import list_backups
from tests.e2e.support.live import LiveBot, bot_env
from tests.e2e.support.waiting import until
from tests.fakediscord import FakeDiscord


def rescued(database: Path) -> list[Path]:
    return sorted(database.parent.glob(f"{database.name}.rescued-*"))


def table_names(path: Path) -> set[str]:
    conn = sqlite3.connect(path)
    try:
        return {row[0] for row in conn.execute("SELECT name FROM sqlite_master")}
    finally:
        conn.close()


@pytest.mark.parametrize("fault", ["deleted", "replaced"])
async def test_the_bot_stops_with_one_line_when_its_database_file_goes(
    fake: FakeDiscord, tmp_path: Path, fault: str
) -> None:
    database = tmp_path / "data" / "bot.sqlite3"
    bot = await LiveBot.start(env=bot_env(database), cwd=tmp_path, port=fake.port, file_check=0.1)
    try:
        await bot.wait_for("Connected as")
        # The first start takes a backup; replacing the file while another connection
        # opens it would be a second fault, not the one under test.
        await until(
            lambda: bool(list_backups(database, database.parent / "backups")),
            "the first backup",
        )
        if fault == "deleted":
            database.unlink()
        else:
            copy = tmp_path / "restored.sqlite3"
            shutil.copyfile(database, copy)
            os.replace(copy, database)  # e.g. a backup restored over it while running
        code = await bot.finish(timeout=30)
    finally:
        await bot.kill()
    assert code == 1, bot.stderr
    assert "Traceback" not in bot.stderr, bot.stderr
    ours = [line for line in bot.lines if line.startswith("mentorbot:")]
    assert len(ours) == 1, bot.stderr
    assert f"'{database}' was {fault} while the bot was running" in ours[0]
    assert bot.matching("CRITICAL"), "logged loudly before stopping"
    [copy] = rescued(database)
    assert str(copy) in ours[0]
    assert "members" in table_names(copy), "what the bot held is kept"
