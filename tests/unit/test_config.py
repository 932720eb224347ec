"""Settings validation: every bad value stops the bot with one line naming the variable."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.config import VARIABLES, ConfigError, load_settings

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
        ({"BACKUP_KEEP": "0"}, "BACKUP_KEEP must be a whole number"),
        ({"BACKUP_KEEP": "two weeks"}, "BACKUP_KEEP must be a whole number"),
        ({"BACKUP_KEEP": "-3"}, "BACKUP_KEEP must be a whole number"),
        ({"BACKUP_KEEP": "7.5"}, "BACKUP_KEEP must be a whole number"),
        ({"BACKUP_KEEP": "1001"}, "BACKUP_KEEP must be a whole number"),
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


def test_backups_default_to_a_folder_beside_the_database(tmp_path: Path) -> None:
    settings = load_settings(env(tmp_path))
    assert settings.backup_folder == tmp_path / "db" / "backups"
    assert settings.backup_folder.is_dir()
    assert settings.backup_keep == 14
    chosen = load_settings(env(tmp_path, BACKUP_DIR=str(tmp_path / "safe"), BACKUP_KEEP=" 3 "))
    assert chosen.backup_folder == tmp_path / "safe"
    assert chosen.backup_keep == 3


def test_backup_dir_must_be_a_writable_folder(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    for folder, problem in ((blocker, "is a file, not a folder"), (blocker / "b", "cannot write")):
        with pytest.raises(ConfigError) as excinfo:
            load_settings(env(tmp_path, BACKUP_DIR=str(folder)))
        message = str(excinfo.value)
        assert message.startswith("BACKUP_DIR: ") and problem in message
        assert str(folder) in message and "\n" not in message


def test_commands_that_never_reach_discord_do_not_need_the_token(tmp_path: Path) -> None:
    settings = load_settings(env(tmp_path, DISCORD_TOKEN=""), need_token=False)
    assert settings.token == ""
    with pytest.raises(ConfigError, match=r"^DISCORD_TOKEN does not look like"):
        load_settings(env(tmp_path, DISCORD_TOKEN="typo"), need_token=False)


def test_database_path_that_is_a_folder(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="is a folder"):
        load_settings(env(tmp_path, DATABASE_PATH=str(tmp_path)))


def test_database_folder_blocked_by_a_file(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(ConfigError, match="DATABASE_PATH: cannot write") as excinfo:
        load_settings(env(tmp_path, DATABASE_PATH=str(blocker / "bot.sqlite3")))
    assert "\n" not in str(excinfo.value)


def test_home_folder_is_expanded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`~` means the home folder, as in a shell: never a folder literally named `~`."""
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.chdir(tmp_path)
    settings = load_settings(
        env(
            tmp_path,
            DATABASE_PATH="~/mentorbot/bot.sqlite3",
            QUESTIONNAIRE_PATH="~/questions.toml",
            BACKUP_DIR="~/backups",
        )
    )
    assert settings.backup_folder == home / "backups"
    assert settings.database_path == home / "mentorbot" / "bot.sqlite3"
    assert settings.questionnaire_path == home / "questions.toml"
    assert (home / "mentorbot").is_dir()
    assert not (tmp_path / "~").exists()


def test_env_file_without_a_token_says_so(tmp_path: Path) -> None:
    dotenv = tmp_path / ".env"
    dotenv.write_text("LOG_LEVEL=INFO\n")
    with pytest.raises(ConfigError) as excinfo:
        load_settings(env(tmp_path, DISCORD_TOKEN=""), env_file=dotenv)
    message = str(excinfo.value)
    assert message.startswith("DISCORD_TOKEN is not set")
    assert str(dotenv) in message
    assert "DISCORD_TOKEN=" in message
    assert ".env.example" not in message
    assert "\n" not in message


def test_every_variable_read_is_in_the_table(tmp_path: Path) -> None:
    """The table behind `--help` is the list of what `load_settings` reads, not a copy."""
    read: list[str] = []

    class Recording(dict[str, str]):
        def get(self, key: str, default: object = None) -> object:  # type: ignore[override]
            read.append(key)
            return super().get(key, default)

    load_settings(Recording(env(tmp_path)))
    assert sorted(set(read)) == sorted(v.name for v in VARIABLES)


def test_env_example_describes_every_variable() -> None:
    example = (Path(__file__).resolve().parents[2] / ".env.example").read_text()
    for variable in VARIABLES:
        assert f"\n{variable.name}=" in example, variable.name
