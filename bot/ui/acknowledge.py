"""Acknowledge first: every interaction is answered inside Discord's 3-second window, however
long storage or Discord take afterwards.

Discord shows "This interaction failed" when an interaction is not acknowledged within 3 s,
yet the handler may go on and store what the member asked for, so a member who retries
gets it twice. So every slash command, every click that does not open a form and every
form submission is acknowledged (deferred) before its handler runs; the handler then has
15 minutes to answer, and a failure (e.g. `StorageBusy`) still reaches the member through
the one error path.

How the code base uses it (nothing to call in a handler):

* Slash commands: `MentorTree.interaction_check` defers every command ephemerally before it
  runs. A command whose answer everyone may see is marked `@public_answer`; one that
  answers with a modal is marked `@opens_modal` (a modal cannot follow a defer).
* Buttons and selects on `bot.ui.persistent`: deferred before `handle` as the class's
  `answers_with` says: "edit" (the default: an update of the clicked message), "reply" (a
  private "thinking…" message the answer replaces) or "modal" (not deferred).
* Modal submissions routed by `bot.ui.persistent`: deferred before `handle`.

Handlers keep writing `interaction.response.send_message(...)`, `.edit_message(...)` and
`.defer(...)`: once acknowledged, `interaction.response` is an `Acknowledged` response that
turns them into the follow-up or the edit of the original message Discord expects.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import discord

F = TypeVar("F", bound=Callable[..., Any])

_OPENS_MODAL = "__mentorbot_opens_modal__"
_PUBLIC = "__mentorbot_public_answer__"

# What `edit_original_response` accepts of `edit_message`'s arguments.
_EDITABLE = ("content", "embed", "embeds", "attachments", "view", "allowed_mentions")


def opens_modal(func: F) -> F:
    """Mark a slash command that answers with a modal: it is not acknowledged first."""
    setattr(func, _OPENS_MODAL, True)
    return func


def public_answer(func: F) -> F:
    """Mark a slash command whose answer everyone in the channel sees."""
    setattr(func, _PUBLIC, True)
    return func


def _marked(command: object, mark: str) -> bool:
    return bool(
        getattr(command, mark, False) or getattr(getattr(command, "callback", None), mark, False)
    )


async def acknowledge_command(interaction: discord.Interaction) -> None:
    """Defer a slash command as its marks say (see the module docstring)."""
    command = interaction.command
    if _marked(command, _OPENS_MODAL):
        return
    await acknowledge(interaction, ephemeral=not _marked(command, _PUBLIC))


async def acknowledge(
    interaction: discord.Interaction, *, ephemeral: bool = True, thinking: bool = False
) -> None:
    """Defer now, unless already answered. A slash command (or a form opened by one), or a
    click with `thinking`, shows "thinking…" (`ephemeral`: only to the member); any other
    click, or a form opened from a message, defers as an update of that message."""
    if interaction.response.is_done():
        return
    response = Acknowledged(interaction)
    # discord.py caches `interaction.response` in this slot; the handler must find ours.
    setattr(interaction, "_cs_response", response)  # noqa: B010
    await response.acknowledge(ephemeral=ephemeral, thinking=thinking)


class Acknowledged(discord.InteractionResponse[discord.Client]):
    """`interaction.response` of an interaction deferred before its handler ran.

    Until the defer succeeds it behaves as discord.py's own. Afterwards:
    `defer` does nothing; `send_message` becomes the answer in place of "thinking…" (or a
    follow-up); `edit_message` edits the clicked message (or the "thinking…" one);
    `send_modal` is a bug — the handler should have said it answers with a modal.
    """

    def __init__(self, parent: discord.Interaction) -> None:
        super().__init__(parent)
        self._early = False
        self._loading = False  # a "thinking…" message waits for the first answer
        self._ephemeral = False

    async def acknowledge(self, *, ephemeral: bool, thinking: bool) -> None:
        parent = self._parent
        thinking = (
            thinking
            or parent.type is discord.InteractionType.application_command
            or (parent.type is discord.InteractionType.modal_submit and parent.message is None)
        )
        await super().defer(ephemeral=ephemeral, thinking=thinking)
        self._early, self._loading, self._ephemeral = True, thinking, ephemeral

    async def defer(self, *, ephemeral: bool = False, thinking: bool = False) -> Any:
        if self._early:
            return None
        return await super().defer(ephemeral=ephemeral, thinking=thinking)

    async def send_message(self, *args: Any, **kwargs: Any) -> Any:
        if not self._early:
            return await super().send_message(*args, **kwargs)
        parent = self._parent
        content = args[0] if args else kwargs.pop("content", None)
        if content is not None:
            kwargs["content"] = content
        ephemeral = bool(kwargs.pop("ephemeral", False))
        delete_after: float | None = kwargs.pop("delete_after", None)
        if self._loading:
            self._loading = False
            if ephemeral != self._ephemeral:
                # Deferred privately but the answer is for everyone (or the reverse): the
                # "thinking…" message cannot change who sees it, so it makes way.
                await parent.delete_original_response()
        message = await parent.followup.send(ephemeral=ephemeral, wait=True, **kwargs)
        if delete_after is not None:
            await message.delete(delay=delete_after)
        return None

    async def edit_message(self, **kwargs: Any) -> Any:
        if not self._early:
            return await super().edit_message(**kwargs)
        self._loading = False
        await self._parent.edit_original_response(
            **{key: value for key, value in kwargs.items() if key in _EDITABLE}
        )
        return None

    async def send_modal(self, modal: discord.ui.Modal, /) -> Any:
        if self._early:
            raise RuntimeError(
                "this interaction was acknowledged before its handler ran, so it cannot open "
                'a modal: mark the command `@opens_modal` (an item: `answers_with = "modal"`)'
            )
        return await super().send_modal(modal)
