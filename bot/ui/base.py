"""Base classes for views and modals so every component shares the tree's error path."""

from __future__ import annotations

from typing import Any

import discord

from bot.tree import handle_interaction_error


class BaseView(discord.ui.View):
    """A view whose failures reach the member as a message, never "This interaction failed"."""

    async def on_error(
        self, interaction: discord.Interaction, error: Exception, item: discord.ui.Item[Any], /
    ) -> None:
        custom_id = getattr(item, "custom_id", None)
        await handle_interaction_error(interaction, error, where=f"component {custom_id}")


class BaseModal(discord.ui.Modal):
    async def on_error(  # type: ignore[override]
        self, interaction: discord.Interaction, error: Exception, /
    ) -> None:
        await handle_interaction_error(interaction, error, where=f"modal {self.custom_id}")
