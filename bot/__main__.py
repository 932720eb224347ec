"""`python -m bot` runs the bot; `python -m bot sync` re-registers its slash commands.

Every start-up failure a director can fix ends the process with one line on stderr and a
non-zero exit code, never a traceback.
"""

from __future__ import annotations

import asyncio
import signal
import sys
from collections.abc import Sequence
from pathlib import Path

import discord
from dotenv import load_dotenv

from bot.config import ConfigError, Settings, load_settings
from bot.db.migrate import MigrationError, SchemaTooNewError
from bot.domain.questionnaire import Questionnaire, QuestionnaireError, load_questionnaire
from bot.logging_setup import configure_logging
from bot.runner import Runner, sync_commands
from bot.tasks import spawn

USAGE = "usage: python -m bot [sync]   (sync: re-register slash commands now, then exit)"


def fail(message: str, code: int = 2) -> int:
    print(f"mentorbot: {message}", file=sys.stderr)
    return code


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if args and args[0] in ("-h", "--help"):
        print(USAGE)
        return 0
    if args not in ([], ["sync"]):
        return fail(USAGE)
    load_dotenv(Path.cwd() / ".env", override=False)
    try:
        settings = load_settings()
    except ConfigError as exc:
        return fail(str(exc))
    try:
        questionnaire = load_questionnaire(settings.questionnaire_path)
    except QuestionnaireError as exc:
        return fail(f"QUESTIONNAIRE_PATH: {exc}")
    configure_logging(settings.log_level_number)
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
