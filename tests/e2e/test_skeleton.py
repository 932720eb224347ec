"""The walking skeleton end to end: start-up, command registration, errors, shutdown."""

from __future__ import annotations

import dataclasses
import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.app import MentorBot
from bot.config import Settings
from tests.e2e.support.process import REPO, BotProcess
from tests.e2e.support.server import configure, setup_roles
from tests.fakediscord import FakeDiscord, Guild, User

EXPECTED_COMMANDS = {"setup", "onboarding", "profile"}


async def test_bot_logs_in_and_registers_its_commands(fake: FakeDiscord, bot: MentorBot) -> None:
    assert set(fake.command_names()) >= EXPECTED_COMMANDS
    assert fake.command_syncs == 1
    setup = next(c for c in fake.commands() if c["name"] == "setup")
    assert int(setup["default_member_permissions"]) == 1 << 5  # Manage Server
    assert {o["name"] for o in setup["options"]} == {"roles", "channels", "show", "language"}
    assert bot.members_intent


async def test_commands_are_synced_only_when_the_tree_changes(
    fake: FakeDiscord, process: BotProcess
) -> None:
    await process.start()
    assert fake.command_syncs == 1
    await process.restart()
    assert fake.command_syncs == 1, "an unchanged tree is not sent again"
    synced = await process.bot.sync_commands_if_changed(force=True)
    assert synced and fake.command_syncs == 2


async def test_dev_guild_gets_the_commands(
    fake: FakeDiscord, process: BotProcess, settings: Settings, guild: Guild
) -> None:
    await process.start(dataclasses.replace(settings, dev_guild_id=guild.id))
    assert set(fake.command_names(guild)) >= EXPECTED_COMMANDS


async def test_member_without_manage_server_is_refused(
    fake: FakeDiscord, bot: MentorBot, guild: Guild, users: dict[str, User]
) -> None:
    for command in ("setup show", "setup roles"):
        h = await (
            fake.slash(users["alice"], guild, command)
            if command == "setup show"
            else setup_roles(fake, guild, users["alice"])
        )
        reply = await h.answer()
        assert h.ephemeral
        assert "You need the **Manage Server** permission" in reply.text
    assert (await bot.services.settings.get(guild.id)).director_role_id is None


async def test_unexpected_error_gets_an_apology_and_is_logged(
    fake: FakeDiscord,
    bot: MentorBot,
    guild: Guild,
    users: dict[str, User],
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    async def broken(guild_id: int) -> None:
        raise RuntimeError("database on fire")

    monkeypatch.setattr(bot.services.settings, "get", broken)
    with caplog.at_level(logging.ERROR, logger="bot.tree"):
        h = await fake.slash(users["director"], guild, "setup show")
        reply = await h.answer()
    assert h.ephemeral
    assert "Sorry, something went wrong on our side" in reply.text
    [record] = [r for r in caplog.records if r.name == "bot.tree"]
    assert "/setup show" in record.getMessage()
    assert str(guild.id) in record.getMessage()
    assert record.exc_info is not None


async def test_a_member_who_left_is_named_as_such_not_an_error(
    fake: FakeDiscord,
    bot: MentorBot,
    guild: Guild,
    users: dict[str, User],
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Discord still offers a departed member in a member option; the bot says so."""
    await configure(fake, guild, users["director"])
    gone = fake.world.add_user("gone")
    await fake.member_join(guild, gone)
    await fake.member_leave(guild, gone)
    with caplog.at_level(logging.ERROR, logger="bot.tree"):
        for command, options in (
            ("onboarding reset", {"member": gone}),
            ("profile view", {"member": gone}),
            ("match suggest", {"mentee": gone}),
            ("match create", {"mentee": gone, "mentor": users["alice"]}),
        ):
            h = await fake.slash(users["director"], guild, command, **options)
            reply = await h.answer()
            assert h.ephemeral, command
            assert "isn't a member of this server any more" in reply.text, (command, reply.text)
    assert [r for r in caplog.records if r.name == "bot.tree"] == []


async def test_shutdown_closes_database_and_scheduler(process: BotProcess) -> None:
    bot = await process.start()
    assert bot.scheduler.running
    await process.stop()
    assert bot.is_closed()
    assert not bot.scheduler.running
    with pytest.raises(RuntimeError):
        _ = bot.db


@pytest.mark.parametrize("started_by", ["scheduler", "on_ready"])
async def test_shutdown_stops_scheduled_work_in_progress_before_closing_the_database(
    process: BotProcess,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    started_by: str,
) -> None:
    """A follow-up run still sending when the bot is told to stop: nothing is logged as an
    error, and the run never touches the database after it is closed."""
    import asyncio

    bot = await process.start()
    running = asyncio.Event()
    after_close: list[str] = []

    async def slow_claim(now: object, *, limit: int | None = None) -> list[object]:
        running.set()
        await asyncio.sleep(0.3)  # a DM on its way
        try:
            await bot.db.fetchval("SELECT 1")
        except RuntimeError:
            after_close.append("database gone")
        return []

    monkeypatch.setattr(bot.services.matching, "claim_due_followups", slow_claim)
    timer = bot.timers["match_followups"]
    if started_by == "scheduler":
        timer.arm(bot.clock.now())
        run = None
    else:  # the first run after connecting is awaited by on_ready, not by the scheduler
        run = asyncio.create_task(timer.fire())
    await asyncio.wait_for(running.wait(), timeout=5)
    with caplog.at_level(logging.WARNING):
        await process.stop()
        if run is not None:
            await asyncio.wait_for(run, timeout=5)
        await asyncio.sleep(0.5)
    assert after_close == []
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR] == []
    assert bot.scheduler.get_jobs() == []


async def test_runs_without_members_intent_and_says_how_to_fix_it(
    fake: FakeDiscord, process: BotProcess, guild: Guild, users: dict[str, User]
) -> None:
    fake.world.application.members_intent_enabled = False
    bot = await process.start()
    assert not bot.members_intent
    h = await fake.slash(users["director"], guild, "setup show")
    text = (await h.answer()).text
    assert "Server Members intent" in text
    assert "turn on Server Members Intent" in text


def run_module(*args: str, env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603
        [sys.executable, "-m", "bot", *args],
        cwd=cwd,
        env={"PATH": os.environ.get("PATH", ""), "PYTHONPATH": str(REPO), **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_without_a_token_the_bot_exits_with_one_line(tmp_path: Path) -> None:
    result = run_module(env={}, cwd=tmp_path)
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "DISCORD_TOKEN is not set" in lines[0]
    assert ".env" in lines[0]
    assert "Traceback" not in result.stderr


def test_bad_settings_and_questionnaire_exit_with_one_line(tmp_path: Path) -> None:
    token = "MTEwMDAwMDAwMDAwMDAwMDAwMQ.GabcDE.abcdefghijklmnopqrstuvwxyz0123"
    base = {"DISCORD_TOKEN": token, "DATABASE_PATH": str(tmp_path / "db.sqlite3")}
    cases = [
        ({"DEV_GUILD_ID": "abc"}, "DEV_GUILD_ID"),
        ({"QUESTIONNAIRE_PATH": str(tmp_path / "missing.toml")}, "QUESTIONNAIRE_PATH"),
    ]
    bad = tmp_path / "bad.toml"
    bad.write_text("[questionnaire\ntitle = 1\n")
    cases.append(({"QUESTIONNAIRE_PATH": str(bad)}, "bad.toml"))
    for extra, expected in cases:
        result = run_module(env={**base, **extra}, cwd=tmp_path)
        assert result.returncode != 0
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and expected in lines[0], result.stderr
        assert token not in result.stderr


def test_env_file_is_read_from_the_working_folder(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text("DISCORD_TOKEN=Bot abc\n")
    result = run_module(env={}, cwd=tmp_path)
    assert "starts with 'Bot '" in result.stderr


async def test_sync_command_registers_and_leaves(
    fake: FakeDiscord, settings: Settings, guild: Guild
) -> None:
    from bot.domain.questionnaire import load_questionnaire
    from bot.runner import sync_commands

    questionnaire = load_questionnaire(settings.questionnaire_path)
    assert await sync_commands(settings, questionnaire) == 0
    assert fake.command_syncs == 1
    assert await sync_commands(settings, questionnaire) == 0
    assert fake.command_syncs == 2, "`python -m bot sync` forces a sync"
    assert set(fake.command_names()) >= EXPECTED_COMMANDS


async def test_wrong_token_is_a_login_failure(
    fake: FakeDiscord, process: BotProcess, settings: Settings
) -> None:
    import discord

    wrong = dataclasses.replace(
        settings, token="MTEwMDAwMDAwMDAwMDAwMDAwMg.GabcDE.zzzzzzzzzzzzzzzzzzzzzzzzzzzzzz"
    )
    with pytest.raises(discord.LoginFailure):
        await process.start(wrong)


def test_login_failure_exits_with_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import discord

    import bot.__main__ as entry

    async def rejected(*args: object) -> None:
        raise discord.LoginFailure("Improper token has been passed.")

    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv(
        "DISCORD_TOKEN", "MTEwMDAwMDAwMDAwMDAwMDAwMQ.GabcDE.abcdefghijklmnopqrstuvwxyz0123"
    )
    monkeypatch.setenv("DATABASE_PATH", str(tmp_path / "db.sqlite3"))
    monkeypatch.setenv("QUESTIONNAIRE_PATH", str(REPO / "data" / "questionnaire.toml"))
    monkeypatch.setattr(entry, "_serve", rejected)
    # In-process: keep the session's logging (pytest's capture) as it is.
    monkeypatch.setattr(entry, "configure_logging", lambda level: None)
    assert entry.main([]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "Discord rejected DISCORD_TOKEN" in err[0]
    assert entry.main(["bogus"]) == 2


def test_sqlite_error_while_starting_exits_with_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A storage fault the start-up check could not foresee (the disk failing between the
    check and the first write) still ends in one line, not a traceback."""
    import sqlite3

    import bot.__main__ as entry

    async def disk_fails(*args: object) -> None:
        raise sqlite3.OperationalError("disk I/O error")

    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv(
        "DISCORD_TOKEN", "MTEwMDAwMDAwMDAwMDAwMDAwMQ.GabcDE.abcdefghijklmnopqrstuvwxyz0123"
    )
    monkeypatch.setenv("DATABASE_PATH", str(tmp_path / "db.sqlite3"))
    monkeypatch.setenv("QUESTIONNAIRE_PATH", str(REPO / "data" / "questionnaire.toml"))
    monkeypatch.setattr(entry, "_serve", disk_fails)
    monkeypatch.setattr(entry, "configure_logging", lambda level: None)
    assert entry.main([]) == 1
    [line] = capsys.readouterr().err.strip().splitlines()
    assert "DATABASE_PATH" in line and "disk I/O error" in line


async def test_process_runs_and_shuts_down_gracefully_on_sigterm(
    fake: FakeDiscord, tmp_path: Path
) -> None:
    """`python -m bot`'s own main(), in a real process, pointed at the fake over loopback."""
    import asyncio
    import signal

    launcher = (
        "import sys, yarl, discord.http, discord.gateway\n"
        f"discord.http.Route.BASE = {fake.api_url!r}\n"
        f"discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL({fake.gateway_url!r})\n"
        "from bot.__main__ import main\n"
        "sys.exit(main())\n"
    )
    env = {
        "PATH": os.environ.get("PATH", ""),
        "PYTHONPATH": str(REPO),
        "DISCORD_TOKEN": fake.token,
        "DATABASE_PATH": str(tmp_path / "data" / "bot.sqlite3"),
        "QUESTIONNAIRE_PATH": str(REPO / "data" / "questionnaire.toml"),
        "LOG_LEVEL": "DEBUG",
    }
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-c",
        launcher,
        cwd=tmp_path,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        await fake.wait_until(lambda: fake.command_syncs >= 1, timeout=30, what="commands synced")
        await fake.wait_until_identified(timeout=30)
        proc.send_signal(signal.SIGTERM)
        _, stderr = await asyncio.wait_for(proc.communicate(), timeout=30)
    finally:
        if proc.returncode is None:
            proc.kill()
            await proc.wait()
    log = stderr.decode()
    assert proc.returncode == 0, log
    assert "Shutting down" in log
    assert "Scheduler stopped" in log
    assert "Database closed" in log, log
    assert fake.token not in log, "the token never reaches a log"
    # Even at DEBUG, no library logs payloads or SQL parameters (they carry members' words).
    assert "aiosqlite" not in log
    assert "WebSocket Event" not in log
    assert "voice will NOT be supported" not in log, "this bot has no voice"
    assert (tmp_path / "data" / "bot.sqlite3").exists()
