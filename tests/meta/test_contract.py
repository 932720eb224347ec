"""Project-wide promises: extensions load, command names follow the contract, custom ids are
unique and fit Discord's limit."""

from __future__ import annotations

import re
import re._constants as sre_constants
import re._parser as sre_parse
from pathlib import Path

import discord
import pytest

from bot.app import MentorBot, command_tree_hash, extension_names
from tests.support import bot_with_every_extension

REPO = Path(__file__).resolve().parents[2]

# PRODUCT.md §4: top-level commands and their subcommands. Names are a contract.
CONTRACT: dict[str, set[str]] = {
    "setup": {"roles", "channels", "show"},
    "cohort": {"create", "status", "members", "export", "close"},
    "onboarding": {"start", "reset"},
    "profile": {"view", "edit"},
    "match": {"suggest", "create", "end", "list"},
    "goal": {"add", "list", "done", "edit"},
    "checkin": {"schedule", "pause", "resume", "now", "history"},
    "session": {"log", "list"},
    "privacy": {"export", "delete"},
}


@pytest.fixture
async def loaded_bot(tmp_path: Path) -> MentorBot:
    return await bot_with_every_extension(tmp_path)


def test_every_cog_module_is_an_extension() -> None:
    modules = {
        p.stem
        for p in (REPO / "cogs").iterdir()
        if not p.name.startswith("_") and (p.suffix == ".py" or (p / "__init__.py").is_file())
    }
    assert {n.removeprefix("cogs.") for n in extension_names()} == modules


async def test_commands_follow_the_contract(loaded_bot: MentorBot) -> None:
    commands = loaded_bot.tree.get_commands()
    assert commands, "no commands registered"
    for command in commands:
        assert command.name in CONTRACT, f"/{command.name} is not in PRODUCT.md §4"
        assert isinstance(command, discord.app_commands.Group)
        subcommands = {c.name for c in command.commands}
        # New subcommands may be added; the contract's names that exist must not be renamed.
        assert subcommands & CONTRACT[command.name], f"/{command.name} has none of its names"
        assert command.guild_only, f"/{command.name} must be guild-only"
    # Each command fits Discord's 8000-character command size limit.
    for payload in (c.to_dict(loaded_bot.tree) for c in commands):
        assert len(str(payload)) < 8000


async def test_command_tree_hash_is_stable(loaded_bot: MentorBot) -> None:
    assert await command_tree_hash(loaded_bot.tree) == await command_tree_hash(loaded_bot.tree)


async def test_dynamic_custom_id_templates_are_unique_and_short(loaded_bot: MentorBot) -> None:
    templates = loaded_bot.persistent.templates  # buttons and selects, then modals
    assert templates, "no persistent components registered"
    assert any(t.startswith("mb:onb:modal:") for t in templates), "modals are registered too"
    assert len(templates) == len(set(templates))
    for template in templates:
        assert template.startswith("mb:"), template
        assert longest_match(template) <= 100, f"{template} can exceed 100 characters"


def longest_match(template: str) -> int:
    """The longest custom_id a template accepts, with ids bounded by Discord's snowflakes
    (20 digits) and any other unbounded part by 32 characters."""
    bounded = re.sub(r"(\\d|\[0-9\])\+", r"\1{1,20}", template)
    bounded = re.sub(r"(\]|\))\+", r"\1{1,32}", bounded)
    _, widest = sre_parse.parse(bounded).getwidth()
    assert widest < sre_constants.MAXREPEAT, f"{template} has an unbounded part"
    return int(widest)


@pytest.mark.parametrize(
    ("template", "longest"),
    [
        (r"mb:x:(?P<guild>[0-9]{15,21})", 26),
        (r"mb:x:(?P<id>\d+):(?P<s>on|off)", 29),
        (r"mb:x:(?P<q>[a-z][a-z0-9_]{0,31})", 37),
        (r"mb:x:(?P<q>[a-z_]+)", 37),
    ],
)
def test_longest_match(template: str, longest: int) -> None:
    assert longest_match(template) == longest
