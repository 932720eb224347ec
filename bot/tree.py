"""One error path for every interaction: slash commands, buttons, selects and modals.

Errors a member can cause become a short ephemeral message, and so does a database another
program holds locked (`StorageBusy`: nothing was stored, try again). Anything else is a bug:
it is logged with the command, server and member ids (never what the member typed) and the
member gets an apology — never Discord's bare "This interaction failed".

The tree also acknowledges every slash command before it runs (`bot.ui.acknowledge`), so
the answer never depends on how long storage or Discord take.
"""

from __future__ import annotations

import logging

import discord
from discord import app_commands

from bot.db.database import StorageBusy
from bot.errors import UserError
from bot.translator import answer_in_their_language
from bot.ui.acknowledge import acknowledge_command

log = logging.getLogger(__name__)

APOLOGY = (
    "Sorry, something went wrong on our side and your request was not completed. "
    "It has been logged; please try again in a moment."
)
STORAGE_BUSY = (
    "I couldn't save that just now: my storage is busy with another program. Nothing was "
    "changed; please try again in a moment."
)
MISSING_BOT_PERMISSION = (
    "I don't have the Discord permission I need for that. A server admin can run "
    "`/setup show` to see exactly what to fix."
)

_MEMBER_OPTIONS = (
    discord.AppCommandOptionType.user,
    discord.AppCommandOptionType.mentionable,
)
_PERMISSION_NAMES = {
    "manage_guild": "Manage Server",
    "manage_roles": "Manage Roles",
    "manage_threads": "Manage Threads",
    "administrator": "Administrator",
}


class DirectorOnly(app_commands.CheckFailure):
    """The member is not a programme director (or the Director role is not set up)."""

    def __init__(self, message: str | None = None) -> None:
        super().__init__(
            message
            or "Only programme directors can use this. Ask a server admin to give you the "
            "Director role (see `/setup roles`)."
        )


def friendly_message(error: BaseException) -> str | None:
    """The message for an error the member can act on, or None for a bug."""
    if isinstance(error, app_commands.CommandInvokeError):
        error = error.original
    if isinstance(error, UserError):
        return error.message
    if isinstance(error, StorageBusy):
        return STORAGE_BUSY
    if isinstance(error, DirectorOnly):
        return str(error)
    if isinstance(error, app_commands.MissingPermissions):
        names = " and ".join(
            f"**{_PERMISSION_NAMES.get(p, p.replace('_', ' ').title())}**"
            for p in error.missing_permissions
        )
        return f"You need the {names} permission to use this command."
    if isinstance(error, app_commands.BotMissingPermissions):
        names = ", ".join(p.replace("_", " ").title() for p in error.missing_permissions)
        return f"I'm missing the {names} permission here. A server admin can fix it."
    if isinstance(error, app_commands.TransformerError) and error.type in _MEMBER_OPTIONS:
        # Discord still offers people who left the server in a member option.
        return "That person isn't a member of this server any more, so I can't do that for them."
    if isinstance(error, app_commands.NoPrivateMessage):
        return "This command works only inside the server, not in DMs."
    if isinstance(error, app_commands.CommandOnCooldown):
        return f"Slow down a little: try again in {error.retry_after:.0f} s."
    if isinstance(error, app_commands.CheckFailure):
        return "You can't use this command here."
    if isinstance(error, discord.Forbidden) and error.code in (50001, 50013):
        return MISSING_BOT_PERMISSION
    return None


async def handle_interaction_error(
    interaction: discord.Interaction, error: BaseException, *, where: str | None = None
) -> None:
    """Tell the member what happened; log bugs with enough context to find them."""
    message = friendly_message(error)
    if isinstance(getattr(error, "original", error), StorageBusy):
        log.warning(
            "The database is locked by another program; %s was refused (guild=%s user=%s)",
            where or _describe(interaction),
            interaction.guild_id,
            interaction.user.id,
        )
    if message is None:
        original = getattr(error, "original", error)
        log.error(
            "Unhandled error in %s (guild=%s channel=%s user=%s)",
            where or _describe(interaction),
            interaction.guild_id,
            interaction.channel_id,
            interaction.user.id,
            exc_info=original,
        )
        message = APOLOGY
    await send_ephemeral(interaction, message)


async def send_ephemeral(interaction: discord.Interaction, message: str) -> None:
    """Answer ephemerally whether or not the interaction was already acknowledged."""
    try:
        if interaction.response.is_done():
            await interaction.followup.send(
                message, ephemeral=True, allowed_mentions=discord.AllowedMentions.none()
            )
        else:
            await interaction.response.send_message(
                message, ephemeral=True, allowed_mentions=discord.AllowedMentions.none()
            )
    except discord.HTTPException:
        log.warning(
            "Could not deliver an error message (guild=%s user=%s)",
            interaction.guild_id,
            interaction.user.id,
            exc_info=True,
        )


def _describe(interaction: discord.Interaction) -> str:
    command = interaction.command
    if command is not None:
        return f"/{command.qualified_name}"
    data: dict[str, object] = dict(interaction.data or {})
    custom_id = data.get("custom_id")
    return f"component {custom_id}" if custom_id else f"interaction type {interaction.type}"


class MentorTree(app_commands.CommandTree[discord.Client]):
    """The command tree with the shared error path, acknowledging each command first."""

    async def interaction_check(self, interaction: discord.Interaction, /) -> bool:
        if interaction.type is not discord.InteractionType.application_command:
            await answer_in_their_language(interaction)
            return True  # autocomplete answers with choices, never with a defer
        try:
            await acknowledge_command(interaction)
        except discord.HTTPException as exc:
            # Too late already (e.g. the event loop stalled): the member was shown "This
            # interaction failed", so nothing they asked for is done behind their back.
            log.warning(
                "Could not acknowledge %s in time (guild=%s user=%s code=%s); not run",
                _describe(interaction),
                interaction.guild_id,
                interaction.user.id,
                exc.code,
            )
            return False
        await answer_in_their_language(interaction)
        return True

    async def on_error(
        self, interaction: discord.Interaction, error: app_commands.AppCommandError
    ) -> None:
        await handle_interaction_error(interaction, error)
