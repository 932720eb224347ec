"""`python -m bot` runs the bot; `python -m bot sync` re-registers its slash commands.

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
from pathlib import Path

import discord
from dotenv import load_dotenv

from bot.config import VARIABLES, ConfigError, Settings, load_settings
from bot.db.database import DatabaseUnusable, check_database_file
from bot.db.instance_lock import InstanceLock
from bot.db.migrate import MigrationError, SchemaTooNewError
from bot.domain.questionnaire import Questionnaire, QuestionnaireError, load_questionnaire
from bot.logging_setup import configure_logging
from bot.runner import Runner, sync_commands
from bot.tasks import spawn


def usage() -> str:
    """`--help`: the two commands, and every setting from the one table `config` reads."""
    width = max(len(v.name) for v in VARIABLES)
    lines = [
        "usage: python -m bot [sync]",
        "",
        "  python -m bot        run the bot until it is stopped (Ctrl+C or SIGTERM)",
        "  python -m bot sync   register the slash commands with Discord now, then exit",
        "",
        "Settings come from the environment, or from a .env file in the current folder:",
    ]
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
        "README.md explains the set-up, running the bot for months, and what to do when it",
        "refuses to start.",
    ]
    return "\n".join(lines)


def fail(message: str, code: int = 2) -> int:
    print(f"mentorbot: {message}", file=sys.stderr)
    return code


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if args and args[0] in ("-h", "--help"):
        print(usage())
        return 0
    unknown = [word for word in args if word != "sync"] or args[1:]
    if unknown:
        return fail(
            f"I don't understand '{unknown[0]}': use `python -m bot` to run the bot or "
            "`python -m bot sync` to register its slash commands (`python -m bot --help` "
            "lists the settings)."
        )
    dotenv = Path.cwd() / ".env"
    load_dotenv(dotenv, override=False)
    try:
        settings = load_settings(env_file=dotenv if dotenv.is_file() else None)
    except ConfigError as exc:
        return fail(str(exc))
    try:
        questionnaire = load_questionnaire(settings.questionnaire_path)
    except QuestionnaireError as exc:
        return fail(f"QUESTIONNAIRE_PATH: {exc}")
    configure_logging(settings.log_level_number)
    lock = InstanceLock(settings.database_path)
    try:
        return _start(args, settings, questionnaire, lock)
    finally:
        lock.release()


def _start(
    args: list[str], settings: Settings, questionnaire: Questionnaire, lock: InstanceLock
) -> int:
    """Storage first, then Discord: a bad database never gets as far as connecting."""
    try:
        # Only the copy that serves takes the lock (held until the process ends), so
        # `sync` can be run beside a running bot.
        if args != ["sync"]:
            lock.acquire()
        check_database_file(settings.database_path)
    except DatabaseUnusable as exc:
        return fail(str(exc), 1)
    try:
        if args == ["sync"]:
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
