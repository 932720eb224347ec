"""Components of messages whose clicks are answered by DynamicItems registered at start-up.

Every button and select the bot sends carries its state in its custom_id and is answered
by a DynamicItem, so the message keeps working after a restart. The view used to send such
a message only describes its layout: left as a normal `View(timeout=None)`, discord.py would
keep every one of them in memory for the life of the process.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import discord

from bot.translator import answer_in_their_language
from bot.tree import handle_interaction_error


class MessageLayout(discord.ui.View):
    """A view that is sent but never stored: its items are answered by DynamicItems."""

    def __init__(self) -> None:
        super().__init__(timeout=None)

    def is_finished(self) -> bool:
        return True

    def is_dispatchable(self) -> bool:
        return False


async def guarded(
    interaction: discord.Interaction, where: str, action: Callable[[], Awaitable[None]]
) -> None:
    """Run a DynamicItem callback; discord.py only logs their errors, so answer the member."""
    try:
        await answer_in_their_language(interaction)
        await action()
    except Exception as exc:
        await handle_interaction_error(interaction, exc, where=where)


def modal_values(data: dict[str, Any]) -> dict[str, list[str] | str]:
    """Inputs of a modal submission by custom id (text as str, selects as a list), whether
    Discord wrapped them in labels or in action rows."""
    values: dict[str, list[str] | str] = {}

    def walk(components: list[dict[str, Any]]) -> None:
        for component in components:
            custom_id = component.get("custom_id")
            if custom_id is not None and "value" in component:
                values[str(custom_id)] = str(component["value"])
            elif custom_id is not None and "values" in component:
                values[str(custom_id)] = [str(v) for v in component["values"]]
            if isinstance(component.get("component"), dict):
                walk([component["component"]])
            if isinstance(component.get("components"), list):
                walk(component["components"])

    walk(list(data.get("components", [])))
    return values
