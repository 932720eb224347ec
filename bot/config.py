"""Settings read once from the environment (and `.env`), validated up front.

A bad setting must stop the bot before it touches Discord, with one line that names the
variable and the fix: a director reading a terminal should never have to parse a traceback.
"""

from __future__ import annotations

import logging
import os
import re
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

DEFAULT_DATABASE_PATH = Path("data/mentorbot.sqlite3")
DEFAULT_QUESTIONNAIRE_PATH = Path("data/questionnaire.toml")
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
# Check-in prompts per second. Discord warns that opening many DMs quickly gets a bot
# blocked, so the default is conservative: a cohort of 5,000 takes about 83 minutes.
DEFAULT_CHECKIN_SEND_RATE = 1.0
CHECKIN_SEND_RATE_RANGE = (0.05, 20.0)
# Backups go to a folder beside the database unless BACKUP_DIR says otherwise; two weeks of
# daily backups cover a problem noticed late without filling the disk.
BACKUP_FOLDER_NAME = "backups"
DEFAULT_BACKUP_KEEP = 14
BACKUP_KEEP_RANGE = (1, 1000)

# A bot token is three base64url segments joined by dots (user id, timestamp, HMAC).
_TOKEN_SHAPE = re.compile(r"^[A-Za-z0-9_-]{18,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{20,}$")
_SNOWFLAKE = re.compile(r"^[0-9]{15,21}$")


class ConfigError(Exception):
    """A setting is missing or wrong; `str()` is the one line shown to the operator."""


@dataclass(frozen=True)
class Variable:
    """One environment variable the bot reads: `python -m bot --help` prints this table."""

    name: str
    default: str  # as the operator would write it; "" when there is none
    meaning: str


VARIABLES: tuple[Variable, ...] = (
    Variable(
        "DISCORD_TOKEN",
        "",
        "Required: your bot's token (Developer Portal → your app → Bot → Reset Token)",
    ),
    Variable(
        "DATABASE_PATH",
        str(DEFAULT_DATABASE_PATH),
        "The SQLite database file; its folder must be writable (~ is your home folder)",
    ),
    Variable(
        "QUESTIONNAIRE_PATH",
        str(DEFAULT_QUESTIONNAIRE_PATH),
        "The onboarding questionnaire, checked at start-up",
    ),
    Variable(
        "DEV_GUILD_ID",
        "",
        "A server id: register slash commands to that server only, where changes show at once",
    ),
    Variable(
        "CHECKIN_SEND_RATE",
        f"{DEFAULT_CHECKIN_SEND_RATE:g}",
        "Check-in prompts sent per second, from "
        f"{CHECKIN_SEND_RATE_RANGE[0]:g} to {CHECKIN_SEND_RATE_RANGE[1]:g}",
    ),
    Variable(
        "BACKUP_DIR",
        f"a {BACKUP_FOLDER_NAME}/ folder beside the database",
        "Where the daily database backups go (~ is your home folder)",
    ),
    Variable(
        "BACKUP_KEEP",
        str(DEFAULT_BACKUP_KEEP),
        "How many backups to keep, from "
        f"{BACKUP_KEEP_RANGE[0]} to {BACKUP_KEEP_RANGE[1]}; older ones are deleted",
    ),
    Variable("LOG_LEVEL", "INFO", "One of " + ", ".join(LOG_LEVELS)),
)


@dataclass(frozen=True)
class Settings:
    """Validated process settings. The token is kept out of `repr` so it never reaches a log."""

    token: str = field(repr=False)
    database_path: Path = DEFAULT_DATABASE_PATH
    questionnaire_path: Path = DEFAULT_QUESTIONNAIRE_PATH
    dev_guild_id: int | None = None
    log_level: str = "INFO"
    checkin_send_rate: float = DEFAULT_CHECKIN_SEND_RATE
    backup_dir: Path | None = None  # None: a `backups` folder beside the database
    backup_keep: int = DEFAULT_BACKUP_KEEP

    @property
    def log_level_number(self) -> int:
        return logging.getLevelNamesMapping()[self.log_level]

    @property
    def backup_folder(self) -> Path:
        """Where backups go: BACKUP_DIR, or beside the database wherever that is."""
        return self.backup_dir or default_backup_folder(self.database_path)


def default_backup_folder(database_path: Path) -> Path:
    return database_path.parent / BACKUP_FOLDER_NAME


def load_settings(
    environ: Mapping[str, str] | None = None,
    *,
    env_file: Path | None = None,
    need_token: bool = True,
) -> Settings:
    """Build `Settings` from `environ` (default: the process environment).

    `env_file` is the `.env` file that was read, if any, so a missing token can be blamed
    on the right place. `need_token=False` is for commands that never contact Discord
    (backup, restore): the token is then checked only if one is given. Raises `ConfigError`
    for the first problem found, phrased as "VARIABLE: problem; fix".
    """
    env = os.environ if environ is None else environ
    raw_token = env.get("DISCORD_TOKEN", "")
    token = _token(raw_token, env_file) if need_token or raw_token.strip() else ""
    database_path = _path(env.get("DATABASE_PATH", ""), DEFAULT_DATABASE_PATH)
    _check_writable_folder(database_path)
    questionnaire_path = _path(env.get("QUESTIONNAIRE_PATH", ""), DEFAULT_QUESTIONNAIRE_PATH)
    backup_dir = _path(env.get("BACKUP_DIR", ""), default_backup_folder(database_path))
    _check_backup_folder(backup_dir)
    return Settings(
        token=token,
        database_path=database_path,
        questionnaire_path=questionnaire_path,
        dev_guild_id=_dev_guild_id(env.get("DEV_GUILD_ID", "")),
        log_level=_log_level(env.get("LOG_LEVEL", "")),
        checkin_send_rate=_send_rate(env.get("CHECKIN_SEND_RATE", "")),
        backup_dir=backup_dir,
        backup_keep=_backup_keep(env.get("BACKUP_KEEP", "")),
    )


def _path(raw: str, default: Path) -> Path:
    """A path as a shell would read it: `~` is the home folder."""
    return Path(raw.strip() or default).expanduser()


def _token(raw: str, env_file: Path | None) -> str:
    token = raw.strip()
    if not token and env_file is not None:
        raise ConfigError(
            f"DISCORD_TOKEN is not set: {env_file} gives no DISCORD_TOKEN; add the line "
            "DISCORD_TOKEN=your-token to it, with the token from the Discord Developer Portal "
            "(Applications → your app → Bot → Reset Token)."
        )
    if not token:
        raise ConfigError(
            "DISCORD_TOKEN is not set: copy .env.example to .env and paste your bot's token "
            "from the Discord Developer Portal (Applications → your app → Bot → Reset Token)."
        )
    if token.lower().startswith("bot "):
        raise ConfigError(
            "DISCORD_TOKEN starts with 'Bot ': remove that prefix and keep only the token itself."
        )
    if not _TOKEN_SHAPE.match(token):
        raise ConfigError(
            "DISCORD_TOKEN does not look like a bot token (three parts separated by dots): "
            "copy it again from the Developer Portal's Bot page, without quotes or spaces."
        )
    return token


def _dev_guild_id(raw: str) -> int | None:
    value = raw.strip()
    if not value:
        return None
    if not _SNOWFLAKE.match(value):
        raise ConfigError(
            "DEV_GUILD_ID must be a server id (a number of 17 to 20 digits): in Discord enable "
            "Developer Mode, right-click the server icon and choose Copy Server ID, or leave it "
            "empty."
        )
    return int(value)


def _log_level(raw: str) -> str:
    level = raw.strip().upper() or "INFO"
    if level not in LOG_LEVELS:
        raise ConfigError(f"LOG_LEVEL must be one of {', '.join(LOG_LEVELS)} (or empty for INFO).")
    return level


def _send_rate(raw: str) -> float:
    value = raw.strip()
    if not value:
        return DEFAULT_CHECKIN_SEND_RATE
    low, high = CHECKIN_SEND_RATE_RANGE
    try:
        rate = float(value)
    except ValueError:
        rate = -1.0
    if not low <= rate <= high:
        raise ConfigError(
            f"CHECKIN_SEND_RATE must be a number of prompts per second from {low:g} to "
            f"{high:g} (or empty for {DEFAULT_CHECKIN_SEND_RATE:g})."
        )
    return rate


def _backup_keep(raw: str) -> int:
    value = raw.strip()
    if not value:
        return DEFAULT_BACKUP_KEEP
    low, high = BACKUP_KEEP_RANGE
    keep = int(value) if value.isdecimal() else -1
    if not low <= keep <= high:
        raise ConfigError(
            f"BACKUP_KEEP must be a whole number of backups to keep, from {low} to {high} "
            f"(or empty for {DEFAULT_BACKUP_KEEP})."
        )
    return keep


def _check_backup_folder(folder: Path) -> None:
    """The backup folder must be a folder the bot can write to (we create it): a backup
    that cannot be written should stop the start, not fail quietly every night."""
    if folder.exists() and not folder.is_dir():
        raise ConfigError(
            f"BACKUP_DIR: '{folder}' is a file, not a folder: give a folder for the backups "
            "(or leave BACKUP_DIR empty for a backups folder beside the database)."
        )
    _check_can_write(folder, "BACKUP_DIR")


def _check_can_write(folder: Path, variable: str) -> None:
    """Create `folder` if needed and prove a file can be written there, or say which
    setting names a folder the bot cannot use."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=folder, prefix=".write-check-"):
            pass
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        raise ConfigError(
            f"{variable}: cannot write to the folder '{folder}' ({reason}): choose a folder "
            "the bot's user can write to, or fix its permissions."
        ) from None


def _check_writable_folder(database_path: Path) -> None:
    """The database folder must exist (we create it) and accept new files."""
    folder = database_path.parent if str(database_path.parent) else Path(".")
    _check_can_write(folder, "DATABASE_PATH")
    if database_path.is_dir():
        raise ConfigError(
            f"DATABASE_PATH: '{database_path}' is a folder; give a file path such as "
            f"'{database_path / 'mentorbot.sqlite3'}'."
        )
