"""Director-only commands are hidden where Discord allows it, and refused in code always.

Discord hides a whole top-level command (`default_member_permissions`), never one
subcommand (PRODUCT.md §4). So a command wholly for directors or server admins is hidden
from members, one that also serves members stays visible, and every director subcommand
refuses anyone else in code: a hidden command is not a permission check.

A subcommand for directors only says so: its description starts with "Directors:" and
names no other audience (`/match list` is "Directors: every pair; mentors: your mentees").
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from bot.app import MentorBot
from tests.e2e.support.server import configure
from tests.fakediscord import FakeDiscord, Guild, User
from tests.support import bot_with_every_extension


@pytest.fixture
async def loaded_bot(tmp_path: Path) -> MentorBot:
    return await bot_with_every_extension(tmp_path)


# PRODUCT.md §4, "who": commands for server admins (Manage Server) as a whole, and the
# subcommands only directors may use.
MANAGE_SERVER = {"setup"}
DIRECTOR_ONLY = {
    "cohort": {"create", "status", "members", "export", "close"},
    "match": {"suggest", "create", "end", "settings"},
    "onboarding": {"reset"},
}
SUBCOMMAND, GROUP = 1, 2
OPTION_USER, OPTION_CHANNEL, OPTION_ROLE = 6, 7, 8


def for_directors(description: str) -> bool:
    return description.startswith("Directors:") and ";" not in description


def subcommands(payload: dict[str, Any]) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    for option in payload.get("options", []):
        if option["type"] == SUBCOMMAND:
            found.append(option)
        elif option["type"] == GROUP:
            found += [{**o, "name": f"{option['name']} {o['name']}"} for o in option["options"]]
    return found


def wholly_privileged(payload: dict[str, Any]) -> bool:
    subs = subcommands(payload)
    return payload["name"] in MANAGE_SERVER or (
        bool(subs) and all(for_directors(s["description"]) for s in subs)
    )


async def test_descriptions_follow_the_contract(loaded_bot: MentorBot) -> None:
    """The description convention agrees with PRODUCT.md §4 for every name it lists."""
    for command in loaded_bot.tree.get_commands():
        payload = command.to_dict(loaded_bot.tree)
        for sub in subcommands(payload):
            if sub["name"] in DIRECTOR_ONLY.get(command.name, set()):
                assert for_directors(sub["description"]), f"/{command.name} {sub['name']}"


async def test_wholly_privileged_commands_are_hidden_and_the_rest_visible(
    fake: FakeDiscord,
    bot: MentorBot,
) -> None:
    registered = fake.commands()
    assert registered
    for payload in registered:
        hidden = payload.get("default_member_permissions") not in (None, "0")
        if wholly_privileged(payload):
            assert hidden, f"/{payload['name']} is wholly for directors or admins: hide it"
        else:
            assert not hidden, f"/{payload['name']} serves members too: it must stay visible"
    assert {"setup", "match", "onboarding"} <= {p["name"] for p in registered}


def required_options(
    option_defs: list[dict[str, Any]], server: Guild, member: User
) -> dict[str, object]:
    """A plausible value for every required option: the refusal must come before them."""
    values: dict[str, object] = {}
    for option in option_defs:
        if not option.get("required"):
            continue
        kind = option["type"]
        if kind == OPTION_USER:
            values[option["name"]] = member
        elif kind == OPTION_ROLE:
            values[option["name"]] = server.role("Mentee")
        elif kind == OPTION_CHANNEL:
            values[option["name"]] = server.channel("general")
        elif option.get("choices"):
            values[option["name"]] = option["choices"][0]["value"]
        elif kind in (4, 10):  # integer, number
            values[option["name"]] = option.get("min_value", 1)
        elif kind == 5:  # boolean
            values[option["name"]] = True
        else:
            values[option["name"]] = "x"
    return values


async def test_every_director_subcommand_refuses_a_member(
    fake: FakeDiscord,
    bot: MentorBot,
    guild: Guild,
    users: dict[str, User],
) -> None:
    await configure(fake, guild, users["director"])
    member, other = users["alice"], users["bob"]
    checked: list[str] = []
    for payload in fake.commands():
        for sub in subcommands(payload):
            name = f"{payload['name']} {sub['name']}"
            if payload["name"] in MANAGE_SERVER:
                expected = "You need the **Manage Server** permission"
            elif for_directors(sub["description"]):
                expected = "Only programme directors can use this"
            else:
                continue
            options = required_options(sub.get("options", []), guild, other)
            h = await fake.slash(member, guild, name, **options)  # type: ignore[arg-type]
            reply = await h.answer()
            assert h.ephemeral, name
            assert expected in reply.text, (name, reply.text)
            checked.append(name)
    assert {"setup show", "match create", "match end", "onboarding reset"} <= set(checked)


@pytest.mark.parametrize(
    ("description", "directors"),
    [
        ("Directors: end a mentee's match", True),
        ("Directors: every pair; mentors: your mentees", False),
        ("See your goals", False),
    ],
)
def test_for_directors(description: str, directors: bool) -> None:
    assert for_directors(description) is directors
