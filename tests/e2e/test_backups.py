"""Backups as an operator meets them: the running bot takes one a day (a restart takes no
second one) and tells directors when it cannot; `python -m bot backup` works beside a
running bot; `python -m bot restore FILE` refuses while the bot runs, then brings the
backup back and keeps the replaced database aside."""

from __future__ import annotations

import shutil
import socket
import sqlite3
from datetime import timedelta
from pathlib import Path

from bot.app import MentorBot
from bot.config import Settings
from bot.db.backup import INTERVAL, RETRY, list_backups, quick_check
from cogs.backups import FAILING_LINE, TIMER, WORKING_LINE
from tests.e2e.support.live import LiveBot, bot_env, run_bot
from tests.e2e.support.process import BotProcess
from tests.e2e.support.waiting import eventually, until
from tests.fakediscord import FakeDiscord, Guild
from tests.support import FakeClock


def director_log(fake: FakeDiscord, guild: Guild) -> list[str]:
    return [m.text for m in fake.messages(guild.channel("director-log"))]


async def first_run_done(bot: MentorBot) -> None:
    async def armed() -> bool:
        return TIMER in bot.timers and bot.timers[TIMER].next_due is not None

    await eventually(armed, "the backup timer's first run")


async def test_the_bot_backs_up_daily_and_tells_directors_when_it_cannot(
    fake: FakeDiscord,
    ready: MentorBot,
    process: BotProcess,
    guild: Guild,
    clock: FakeClock,
    settings: Settings,
) -> None:
    database, folder = settings.database_path, settings.backup_folder
    assert folder == database.parent / "backups"
    await first_run_done(ready)
    [first] = list_backups(database, folder)
    assert first.taken == clock.now() and quick_check(first.path) is None

    clock.advance(timedelta(hours=20))
    bot = await process.restart()
    await first_run_done(bot)
    assert list_backups(database, folder) == [first], "a restart takes no second backup"
    assert bot.timers[TIMER].next_due == first.taken + INTERVAL

    clock.set(first.taken + INTERVAL)
    await bot.timers[TIMER].fire()
    assert len(list_backups(database, folder)) == 2

    # The folder becomes unusable: logged, told once, retried hourly, the bot carries on.
    aside = folder.with_name("moved")
    shutil.move(folder, aside)
    folder.write_text("a file where the backups folder was")
    clock.advance(INTERVAL)
    assert await bot.timers[TIMER].fire() == clock.now() + RETRY
    clock.advance(RETRY)
    await bot.timers[TIMER].fire()
    await until(
        lambda: director_log(fake, guild).count(str(FAILING_LINE)) == 1,
        "one director-log line saying backups fail",
    )
    assert not bot.is_closed()

    folder.unlink()
    shutil.move(aside, folder)
    clock.advance(RETRY)
    assert await bot.timers[TIMER].fire() == clock.now() + INTERVAL
    assert len(list_backups(database, folder)) == 3
    await until(
        lambda: director_log(fake, guild)[-1:] == [str(WORKING_LINE)],
        "a director-log line saying backups work again",
    )
    assert director_log(fake, guild).count(str(FAILING_LINE)) == 1, "told once, not every retry"


def note(database: Path, value: str | None = None) -> str | None:
    """Write (or read) one row the test can recognise, as another program might."""
    conn = sqlite3.connect(database, isolation_level=None)
    try:
        if value is not None:
            conn.execute(
                "INSERT INTO app_state (key, value) VALUES ('note', ?) "
                "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                (value,),
            )
        row = conn.execute("SELECT value FROM app_state WHERE key = 'note'").fetchone()
    finally:
        conn.close()
    return None if row is None else str(row[0])


def kept_aside(database: Path) -> list[Path]:
    return sorted(database.parent.glob(f"{database.name}.before-restore-*"))


async def test_backup_beside_the_running_bot_then_restore_once_it_is_stopped(
    fake: FakeDiscord, tmp_path: Path
) -> None:
    database = tmp_path / "data" / "mentorbot.sqlite3"
    env = bot_env(database)
    running = await LiveBot.start(env=env, cwd=tmp_path, port=fake.port)
    try:
        await running.wait_for("Connected as")
        note(database, "before the backup")

        done = await run_bot("backup", env=env, cwd=tmp_path)
        assert done.returncode == 0, done.stderr
        assert done.stderr == ""
        [printed] = done.stdout.splitlines()
        backup = Path(printed)
        assert backup.parent == tmp_path / "data" / "backups"
        assert quick_check(backup) is None and note(backup) == "before the backup"
        assert running.proc.returncode is None, "the bot was not disturbed"

        refused = await run_bot("restore", str(backup), env=env, cwd=tmp_path)
        assert refused.returncode == 1 and refused.stdout == ""
        [line] = refused.err_lines
        assert line.startswith("mentorbot: restore: mentorbot is running on")
        assert f"pid {running.proc.pid} on {socket.gethostname()}" in line
        assert "stop it first" in line
        assert note(database) == "before the backup"

        note(database, "after the backup")
        assert await running.stop() == 0, running.stderr
    finally:
        await running.kill()

    restored = await run_bot("restore", str(backup), env=env, cwd=tmp_path)
    assert restored.returncode == 0, restored.stderr
    [line] = restored.stdout.splitlines()
    [aside] = kept_aside(database)
    assert line.startswith(f"Restored '{database}' from '{backup}'")
    assert f"kept as '{aside}'" in line
    assert note(database) == "before the backup"
    assert note(aside) == "after the backup", "the replaced database is kept, not deleted"

    again = await LiveBot.start(env=env, cwd=tmp_path, port=fake.port)
    try:
        await again.wait_for("Connected as")
        assert await again.stop() == 0, again.stderr
    finally:
        await again.kill()
    assert note(database) == "before the backup"


async def test_backup_and_restore_refusals_are_one_line(tmp_path: Path) -> None:
    database = tmp_path / "data" / "mentorbot.sqlite3"
    env = bot_env(database)
    del env["DISCORD_TOKEN"]  # neither contacts Discord

    nothing = await run_bot("backup", env=env, cwd=tmp_path)
    assert nothing.returncode == 1
    [line] = nothing.err_lines
    assert f"'{database}' does not exist yet" in line

    missing = await run_bot("restore", "nowhere.sqlite3", env=env, cwd=tmp_path)
    assert missing.returncode == 1
    [line] = missing.err_lines
    assert "restore: 'nowhere.sqlite3' does not exist" in line
    assert not database.exists()

    no_file = await run_bot("restore", env=env, cwd=tmp_path)
    assert no_file.returncode == 2
    [line] = no_file.err_lines
    assert "`python -m bot restore` needs FILE" in line
