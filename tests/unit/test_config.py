"""Settings validation: every bad value stops the bot with one line naming the variable."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.config import ConfigError, load_settings

TOKEN = "MTEwMDAwMDAwMDAwMDAwMDAwMQ.GabcDE.abcdefghijklmnopqrstuvwxyz0123"


def env(tmp_path: Path, **values: str) -> dict[str, str]:
    base = {"DISCORD_TOKEN": TOKEN, "DATABASE_PATH": str(tmp_path / "db" / "bot.sqlite3")}
    base.update(values)
    return base


def test_valid_settings_have_defaults(tmp_path: Path) -> None:
    settings = load_settings(env(tmp_path))
    assert settings.token == TOKEN
    assert settings.dev_guild_id is None
    assert settings.log_level == "INFO"
    assert settings.questionnaire_path == Path("data/questionnaire.toml")
    assert (tmp_path / "db").is_dir(), "the database folder is created"


def test_token_never_in_repr(tmp_path: Path) -> None:
    settings = load_settings(env(tmp_path))
    assert TOKEN not in repr(settings)
    assert TOKEN not in str(settings)


@pytest.mark.parametrize(
    ("values", "variable"),
    [
        ({"DISCORD_TOKEN": ""}, "DISCORD_TOKEN is not set"),
        ({"DISCORD_TOKEN": "   "}, "DISCORD_TOKEN is not set"),
        ({"DISCORD_TOKEN": f"Bot {TOKEN}"}, "DISCORD_TOKEN starts with 'Bot '"),
        ({"DISCORD_TOKEN": "not-a-token"}, "DISCORD_TOKEN does not look like a bot token"),
        ({"DEV_GUILD_ID": "my server"}, "DEV_GUILD_ID must be a server id"),
        ({"DEV_GUILD_ID": "12"}, "DEV_GUILD_ID must be a server id"),
        ({"LOG_LEVEL": "LOUD"}, "LOG_LEVEL must be one of"),
        ({"CHECKIN_SEND_RATE": "fast"}, "CHECKIN_SEND_RATE must be a number"),
        ({"CHECKIN_SEND_RATE": "0"}, "CHECKIN_SEND_RATE must be a number"),
        ({"CHECKIN_SEND_RATE": "500"}, "CHECKIN_SEND_RATE must be a number"),
    ],
)
def test_bad_values_give_one_line(tmp_path: Path, values: dict[str, str], variable: str) -> None:
    with pytest.raises(ConfigError) as excinfo:
        load_settings(env(tmp_path, **values))
    message = str(excinfo.value)
    assert message.startswith(variable)
    assert "\n" not in message
    assert TOKEN not in message


def test_dev_guild_and_log_level_parsed(tmp_path: Path) -> None:
    settings = load_settings(env(tmp_path, DEV_GUILD_ID=" 1100000000000000001 ", LOG_LEVEL="debug"))
    assert settings.dev_guild_id == 1100000000000000001
    assert settings.log_level == "DEBUG"


def test_send_rate(tmp_path: Path) -> None:
    assert load_settings(env(tmp_path)).checkin_send_rate == 1.0
    assert load_settings(env(tmp_path, CHECKIN_SEND_RATE="0.5")).checkin_send_rate == 0.5


def test_database_path_that_is_a_folder(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="is a folder"):
        load_settings(env(tmp_path, DATABASE_PATH=str(tmp_path)))


def test_database_folder_blocked_by_a_file(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(ConfigError, match="DATABASE_PATH: cannot write") as excinfo:
        load_settings(env(tmp_path, DATABASE_PATH=str(blocker / "bot.sqlite3")))
    assert "\n" not in str(excinfo.value)
