"""Slash commands reach Discord with their Simplified Chinese texts; their names stay the
English ones of PRODUCT.md §4."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from bot.app import MentorBot
from tests.fakediscord import FakeDiscord


def _described(payload: dict[str, Any]) -> Iterator[dict[str, Any]]:
    yield payload
    for option in payload.get("options") or []:
        yield from _described(option)


async def test_every_command_and_option_carries_its_chinese_text(
    fake: FakeDiscord, bot: MentorBot
) -> None:
    registered = fake.commands()
    assert registered
    for command in registered:
        for part in _described(command):
            where = f"/{command['name']} {part['name']}"
            chinese = (part.get("description_localizations") or {}).get("zh-CN")
            assert chinese and chinese != part["description"], where
            assert not part.get("name_localizations"), where
            for choice in part.get("choices") or []:
                assert (choice.get("name_localizations") or {}).get("zh-CN"), where
    goal = next(c for c in registered if c["name"] == "goal")
    assert goal["description_localizations"]["zh-CN"] == "你的成长目标"
