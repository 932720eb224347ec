"""`python -m bot` refuses to start, in one line and without hanging, when it cannot run
safely: a word it does not know, a `.env` without a token, a database that is not SQLite,
damaged or read-only, or a second copy on the same database (PRODUCT.md §6)."""

from __future__ import annotations

import socket
import sqlite3
import stat
from pathlib import Path

from bot.config import VARIABLES
from tests.e2e.support.live import LiveBot, bot_env, run_bot, without_root_override
from tests.fakediscord import FakeDiscord
from tests.storage_faults import damaged_database, not_sqlite


async def test_an_unknown_word_is_named(tmp_path: Path) -> None:
    for args in (("start",), ("sync", "now")):
        done = await run_bot(*args, env=bot_env(tmp_path / "db.sqlite3"), cwd=tmp_path)
        assert done.returncode == 2
        [line] = done.err_lines
        assert f"I don't understand '{args[-1]}'" in line
        assert "python -m bot sync" in line and "--help" in line


async def test_help_lists_every_setting_and_points_to_the_readme(tmp_path: Path) -> None:
    env = bot_env(tmp_path / "db.sqlite3")
    del env["DISCORD_TOKEN"]
    done = await run_bot("--help", env=env, cwd=tmp_path)
    assert done.returncode == 0
    for variable in VARIABLES:
        assert f"\n  {variable.name} " in done.stdout, variable.name
    assert "python -m bot sync" in done.stdout
    assert "README.md" in done.stdout
    assert done.stderr == ""


async def test_env_file_without_a_token_says_so(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text("LOG_LEVEL=INFO\n")
    env = bot_env(tmp_path / "db.sqlite3")
    del env["DISCORD_TOKEN"]
    done = await run_bot(env=env, cwd=tmp_path)
    assert done.returncode != 0
    [line] = done.err_lines
    assert f"{tmp_path / '.env'} gives no DISCORD_TOKEN" in line
    assert "DISCORD_TOKEN=" in line
    assert ".env.example" not in line


async def test_database_that_is_not_sqlite_or_damaged_is_refused_before_discord(
    tmp_path: Path,
) -> None:
    cases = [
        (not_sqlite, "is not a SQLite database"),
        (lambda p: damaged_database(p, offset=0), "is damaged"),
        (lambda p: damaged_database(p, offset=8), "is damaged"),
    ]
    for number, (make, problem) in enumerate(cases):
        database = make(tmp_path / f"db{number}.sqlite3")
        for args in ((), ("sync",)):
            done = await run_bot(*args, env=bot_env(database), cwd=tmp_path, timeout=20)
            assert done.returncode == 1, done.stderr
            [line] = done.err_lines  # nothing else: Discord was never contacted
            assert line.startswith("mentorbot: DATABASE_PATH:")
            assert str(database) in line and problem in line
            assert "backup" in line


async def test_read_only_database_or_folder_is_refused(tmp_path: Path) -> None:
    """As any user would see them: a root test process hands its child no override."""
    folder = tmp_path / "data"
    folder.mkdir()
    database = folder / "bot.sqlite3"
    with sqlite3.connect(database) as conn:
        conn.execute("CREATE TABLE notes (text TEXT)")
    conn.close()
    writable = stat.S_IRWXU | stat.S_IRGRP | stat.S_IXGRP | stat.S_IROTH | stat.S_IXOTH
    read_only = stat.S_IRUSR | stat.S_IRGRP | stat.S_IROTH
    try:
        database.chmod(read_only)
        done = await run_bot(
            env=bot_env(database), cwd=tmp_path, timeout=20, preexec_fn=without_root_override
        )
        assert done.returncode == 1, done.stderr
        [line] = done.err_lines
        assert f"'{database}' is read-only" in line

        database.chmod(read_only | stat.S_IWUSR)
        folder.chmod(writable & ~stat.S_IWUSR)
        done = await run_bot(
            env=bot_env(database), cwd=tmp_path, timeout=20, preexec_fn=without_root_override
        )
        assert done.returncode != 0, done.stderr
        [line] = done.err_lines
        assert f"cannot write to the folder '{folder}'" in line
    finally:
        folder.chmod(writable)
        database.chmod(read_only | stat.S_IWUSR)


async def test_a_second_copy_is_refused_until_the_first_is_gone(
    fake: FakeDiscord, tmp_path: Path
) -> None:
    env = bot_env(tmp_path / "data" / "bot.sqlite3")
    first = await LiveBot.start(env=env, cwd=tmp_path, port=fake.port)
    third: LiveBot | None = None
    try:
        await first.wait_for("Connected as")
        second = await run_bot(env=env, cwd=tmp_path, port=fake.port, timeout=20)
        assert second.returncode == 1, second.stderr
        [line] = second.err_lines
        assert "another copy of mentorbot is already running" in line
        assert f"pid {first.proc.pid} on {socket.gethostname()}, started " in line
        assert "UTC" in line

        await first.kill()  # SIGKILL: no clean-up of any kind
        third = await LiveBot.start(env=env, cwd=tmp_path, port=fake.port)
        await third.wait_for("Connected as")
        assert await third.stop() == 0, third.stderr
    finally:
        await first.kill()
        if third is not None:
            await third.kill()
