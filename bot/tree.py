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
from bot.i18n import N_, Text, _, number, translated
from bot.translator import answer_in_their_language
from bot.ui.acknowledge import acknowledge_command

log = logging.getLogger(__name__)

APOLOGY = N_(
    "Sorry, something went wrong on our side and your request was not completed. "
    "It has been logged; please try again in a moment."
)
STORAGE_BUSY = N_(
    "I couldn't save that just now: my storage is busy with another program. Nothing was "
    "changed; please try again in a moment."
)
MISSING_BOT_PERMISSION = N_(
    "I don't have the Discord permission I need for that. A server admin can run "
    "`/setup show` to see exactly what to fix."
)
NOT_A_DIRECTOR = N_(
    "Only programme directors can use this. Ask a server admin to give you the "
    "Director role (see `/setup roles`)."
)

_MEMBER_OPTIONS = (
    discord.AppCommandOptionType.user,
    discord.AppCommandOptionType.mentionable,
)
_PERMISSION_NAMES: dict[str, Text] = {
    # As Discord's own settings name them in each language.
    "manage_guild": N_("Manage Server"),
    "manage_roles": N_("Manage Roles"),
    "manage_threads": N_("Manage Threads"),
    "administrator": N_("Administrator"),
    "send_messages": N_("Send Messages"),
    "send_messages_in_threads": N_("Send Messages in Threads"),
    "create_private_threads": N_("Create Private Threads"),
    "view_channel": N_("View Channel"),
    "embed_links": N_("Embed Links"),
}


def permission_name(permission: str) -> str:
    """A Discord permission as the member's Discord settings name it."""
    known = _PERMISSION_NAMES.get(permission)
    return str(known) if known is not None else permission.replace("_", " ").title()


class DirectorOnly(app_commands.CheckFailure):
    """The member is not a programme director (or the Director role is not set up). The
    message is translated when shown, in the language of the member refused."""

    def __init__(self, message: str | Text | None = None) -> None:
        self.text: str | Text = message or NOT_A_DIRECTOR
        super().__init__(self.text)

    def __str__(self) -> str:
        return translated(self.text)


def friendly_message(error: BaseException) -> str | None:
    """The message for an error the member can act on, or None for a bug."""
    if isinstance(error, app_commands.CommandInvokeError):
        error = error.original
    if isinstance(error, UserError):
        return error.message
    if isinstance(error, StorageBusy):
        return str(STORAGE_BUSY)
    if isinstance(error, DirectorOnly):
        return str(error)
    if isinstance(error, app_commands.MissingPermissions):
        names = _(" and ").join(f"**{permission_name(p)}**" for p in error.missing_permissions)
        return _("You need the {permissions} permission to use this command.", permissions=names)
    if isinstance(error, app_commands.BotMissingPermissions):
        names = _(", ").join(permission_name(p) for p in error.missing_permissions)
        return _(
            "I'm missing the {permissions} permission here. A server admin can fix it.",
            permissions=names,
        )
    if isinstance(error, app_commands.TransformerError) and error.type in _MEMBER_OPTIONS:
        # Discord still offers people who left the server in a member option.
        return _("That person isn't a member of this server any more, so I can't do that for them.")
    if isinstance(error, app_commands.NoPrivateMessage):
        return _("This command works only inside the server, not in DMs.")
    if isinstance(error, app_commands.CommandOnCooldown):
        return _(
            "Slow down a little: try again in {seconds} s.",
            seconds=number(error.retry_after, digits=0),
        )
    if isinstance(error, app_commands.CheckFailure):
        return _("You can't use this command here.")
    if isinstance(error, discord.Forbidden) and error.code in (50001, 50013):
        return str(MISSING_BOT_PERMISSION)
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
        message = str(APOLOGY)
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
    return f"component {custom_id}" if custom_id else f"interaction {interaction.type.name}"


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
