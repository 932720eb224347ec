"""`python -m bot` runs the bot; its other commands (`sync`, `backup`, `restore FILE`) are
listed in `COMMANDS`, the one table behind `--help` and the answer to an unknown word.

Every start-up failure a director can fix ends the process with one line on stderr and a
non-zero exit code, never a traceback. The database is checked before Discord is contacted.
"""

from __future__ import annotations

import asyncio
import signal
import sqlite3
import sys
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import discord
from dotenv import load_dotenv

from bot.config import VARIABLES, ConfigError, Settings, load_settings
from bot.db.backup import BackupError, take_backup
from bot.db.database import DatabaseUnusable, check_database_file
from bot.db.instance_lock import AlreadyRunning, InstanceLock
from bot.db.migrate import MigrationError, SchemaTooNewError
from bot.db.restore import restore_backup
from bot.domain.questionnaire import (
    Questionnaire,
    QuestionnaireError,
    load_questionnaire,
    translation_warning,
)
from bot.logging_setup import configure_logging
from bot.runner import Runner, sync_commands
from bot.tasks import spawn


@dataclass(frozen=True)
class Command:
    """One way to call `python -m bot`: its words as typed after it, and what it does."""

    words: str  # "" runs the bot; "restore FILE" takes one operand
    meaning: str

    @property
    def name(self) -> str:
        return self.words.split(" ")[0]

    @property
    def operands(self) -> list[str]:
        return self.words.split(" ")[1:]

    @property
    def typed(self) -> str:
        return f"python -m bot {self.words}".rstrip()


COMMANDS: tuple[Command, ...] = (
    Command("", "run the bot until it is stopped (Ctrl+C or SIGTERM)"),
    Command("sync", "register the slash commands with Discord now, then exit"),
    Command(
        "backup",
        "back the database up now, also while the bot runs, and print the backup's path",
    ),
    Command(
        "restore FILE",
        "check a backup and put it in place of the database (stop the bot first); the "
        "database it replaces is kept aside",
    ),
)
# Commands that never contact Discord: they need no token, no questionnaire.
OFFLINE = ("backup", "restore")


def usage() -> str:
    """`--help`: every command, and every setting from the one table `config` reads."""
    others = " | ".join(c.words for c in COMMANDS if c.words)
    command_width = max(len(c.typed) for c in COMMANDS)
    lines = [f"usage: python -m bot [{others}]", ""]
    for command in COMMANDS:
        lines += textwrap.wrap(
            f"{command.typed:<{command_width}}  {command.meaning}",
            width=96,
            initial_indent="  ",
            subsequent_indent=" " * (command_width + 4),
        )
    lines += ["", "Settings come from the environment, or from a .env file in the current folder:"]
    width = max(len(v.name) for v in VARIABLES)
    for variable in VARIABLES:
        default = f" Default: {variable.default}." if variable.default else ""
        lines += textwrap.wrap(
            f"{variable.name:<{width}}  {variable.meaning}.{default}",
            width=96,
            initial_indent="  ",
            subsequent_indent=" " * (width + 4),
        )
    lines += [
        "",
        "README.md explains the set-up, running the bot for months (backups included), and",
        "what to do when it refuses to start.",
    ]
    return "\n".join(lines)


def parse(args: list[str]) -> tuple[Command, list[str]] | str:
    """The command and its operands, or the one line saying what is wrong."""
    if not args:
        return COMMANDS[0], []
    command = next((c for c in COMMANDS[1:] if c.name == args[0]), None)
    if command is None:
        return _not_understood(args[0])
    operands = args[1:]
    if len(operands) > len(command.operands):
        return _not_understood(operands[len(command.operands)])
    if len(operands) < len(command.operands):
        return (
            f"`python -m bot {command.name}` needs "
            f"{' '.join(command.operands[len(operands) :])}: "
            "the backup file to restore, e.g. one of those in BACKUP_DIR (by default "
            "data/backups)."
        )
    return command, operands


def _not_understood(word: str) -> str:
    others = [f"`{c.typed}`" for c in COMMANDS[1:]]
    return (
        f"I don't understand '{word}': use `python -m bot` to run the bot, or "
        f"{', '.join(others[:-1])} or {others[-1]} (`python -m bot --help` says what each "
        "does and lists the settings)."
    )


def fail(message: str, code: int = 2) -> int:
    print(f"mentorbot: {message}", file=sys.stderr)
    return code


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if args and args[0] in ("-h", "--help"):
        print(usage())
        return 0
    parsed = parse(args)
    if isinstance(parsed, str):
        return fail(parsed)
    command, operands = parsed
    dotenv = Path.cwd() / ".env"
    load_dotenv(dotenv, override=False)
    try:
        settings = load_settings(
            env_file=dotenv if dotenv.is_file() else None,
            need_token=command.name not in OFFLINE,
        )
    except ConfigError as exc:
        return fail(str(exc))
    if command.name == "backup":
        return _backup(settings)
    if command.name == "restore":
        return _restore(settings, Path(operands[0]).expanduser())
    try:
        questionnaire = load_questionnaire(settings.questionnaire_path)
    except QuestionnaireError as exc:
        return fail(f"QUESTIONNAIRE_PATH: {exc}")
    if (
        missing := translation_warning(questionnaire, str(settings.questionnaire_path))
    ) is not None:
        print(f"mentorbot: warning: {missing}", file=sys.stderr)  # it still starts
    configure_logging(settings.log_level_number)
    lock = InstanceLock(settings.database_path)
    try:
        return _start(command, settings, questionnaire, lock)
    finally:
        lock.release()


def _backup(settings: Settings) -> int:
    """Without the single-instance lock: the backup API reads a consistent snapshot while
    a running bot keeps writing."""
    try:
        path = take_backup(
            settings.database_path,
            settings.backup_folder,
            now=datetime.now(UTC),
            keep=settings.backup_keep,
        )
    except BackupError as exc:
        return fail(str(exc), 1)
    print(path)
    return 0


def _restore(settings: Settings, backup: Path) -> int:
    """Holds the single-instance lock throughout, so no bot starts on a half-restored
    database, and refuses while a bot holds it."""
    lock = InstanceLock(settings.database_path)
    try:
        lock.acquire()
    except AlreadyRunning as exc:
        return fail(
            f"restore: mentorbot is running on '{settings.database_path}' ({exc.holder}): "
            "stop it first (e.g. systemctl stop mentorbot), then restore.",
            1,
        )
    except DatabaseUnusable as exc:
        return fail(str(exc), 1)
    try:
        restored = restore_backup(backup, settings.database_path, now=datetime.now(UTC))
    except BackupError as exc:
        return fail(str(exc), 1)
    finally:
        lock.release()
    print(restored.summary())
    return 0


def _start(
    command: Command, settings: Settings, questionnaire: Questionnaire, lock: InstanceLock
) -> int:
    """Storage first, then Discord: a bad database never gets as far as connecting."""
    try:
        # Only the copy that serves takes the lock (held until the process ends), so
        # `sync` can be run beside a running bot.
        if command.name != "sync":
            lock.acquire()
        check_database_file(settings.database_path)
    except DatabaseUnusable as exc:
        return fail(str(exc), 1)
    try:
        if command.name == "sync":
            return asyncio.run(sync_commands(settings, questionnaire))
        asyncio.run(_serve(settings, questionnaire))
    except discord.LoginFailure:
        return fail(
            "Discord rejected DISCORD_TOKEN: reset the token in the Developer Portal "
            "(your app → Bot → Reset Token) and put the new one in .env.",
            1,
        )
    except (SchemaTooNewError, MigrationError) as exc:
        return fail(f"DATABASE_PATH: {exc}", 1)
    except DatabaseUnusable as exc:  # e.g. the file deleted while running
        return fail(str(exc), 1)
    except sqlite3.Error as exc:
        return fail(
            f"DATABASE_PATH: SQLite cannot use '{settings.database_path}' ({exc}): check the "
            "file and its folder (README, 'Running it for months').",
            1,
        )
    except KeyboardInterrupt:
        pass
    return 0


async def _serve(settings: Settings, questionnaire: Questionnaire) -> None:
    runner = Runner(settings, questionnaire=questionnaire)
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, lambda: spawn(runner.stop(), name="shutdown"))
    await runner.run()


if __name__ == "__main__":
    sys.exit(main())
