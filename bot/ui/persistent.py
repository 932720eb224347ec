"""Persistent components: buttons, selects and modals whose state lives in their custom id.

A message the bot sent weeks ago, or before a restart, must still work when clicked, so
nothing is kept in memory: the custom id carries what the click needs, and the class that
answers it is registered once by its cog. Each kind is a few lines on these bases::

    class NoteButton(PersistentButton, template=_ids.NOTE):
        period: int

        async def handle(self, interaction: discord.Interaction) -> None:
            await _flow.open_note(interaction, self.period)

The template's named groups become typed attributes: a group annotated `int` is read as an
int, anything else (`str`, a `Literal`, whose values the template already restricts) stays
text. `handle` runs inside the tree's one error path, so a failure reaches the member as a
message, never Discord's bare "This interaction failed" (discord.py only logs errors of
dynamic items).

Each click and submission is acknowledged before `handle` runs (`bot.ui.acknowledge`), so
it is answered in time however slow storage is; `handle` answers as usual
(`interaction.response.edit_message`, `.send_message`). An item says how it answers with
`answers_with`: "edit" (the default: it edits the clicked message, or adds a private
message), "reply" (a new private message, shown as "thinking…" until it comes: for clicks
that take a while) or "modal" (it opens a form, so it cannot be acknowledged first).

discord.py routes buttons and selects by template itself (`DynamicItem`); it has no such
routing for modals, so `PersistentComponents.route_modal` does it from the bot's
interaction listener.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Callable, Iterable
from functools import partial
from typing import Any, ClassVar, Literal, Self, TypeVar, cast

import discord

from bot.ui.acknowledge import acknowledge
from bot.ui.components import guarded, modal_values

ItemT = TypeVar("ItemT", bound=discord.ui.Item[Any])

Fields = dict[str, Callable[[str], object]]

_NEVER = r"(?!)"
"""The abstract bases' own template: it matches nothing, and they are never registered."""


def _fields_of(cls: type, template: re.Pattern[str]) -> Fields:
    """How to read each named group of `template`, from the annotations on `cls`."""
    hints: dict[str, Any] = {}
    for klass in reversed(cls.__mro__):
        if klass.__module__.startswith("discord"):
            continue
        hints |= inspect.get_annotations(klass, eval_str=True)
    fields: Fields = {}
    for name in template.groupindex:
        if name not in hints:
            raise TypeError(f"{cls.__name__}: declare the type of `{name}` from its template")
        if hasattr(cls, name):
            raise TypeError(f"{cls.__name__}: `{name}` would hide an attribute of the item")
        fields[name] = int if hints[name] is int else str
    return fields


def _parse(fields: Fields, match: re.Match[str]) -> dict[str, object]:
    return {name: read(match[name]) for name, read in fields.items()}


class PersistentItem(discord.ui.DynamicItem[ItemT], template=_NEVER):
    """A DynamicItem that parses its custom id and runs `handle` inside the error path."""

    _fields: ClassVar[Fields] = {}
    answers_with: ClassVar[Literal["edit", "reply", "modal"]] = "edit"
    """How `handle` answers, so the click is acknowledged to match (see the module doc)."""

    def __init_subclass__(cls, *, template: str | None = None, **kwargs: Any) -> None:
        if template is None:  # another abstract base (PersistentButton, PersistentSelect)
            super().__init_subclass__(template=_NEVER, **kwargs)
            return
        super().__init_subclass__(template=template, **kwargs)
        cls._fields = _fields_of(cls, cls.__discord_ui_compiled_template__)
        if cls.handle is PersistentItem.handle:
            raise TypeError(f"{cls.__name__}: define `handle`, what the click does")
        if cls._placeholder.__func__ is PersistentItem._placeholder.__func__:  # type: ignore[attr-defined]
            raise TypeError(f"{cls.__name__}: derive from PersistentButton or PersistentSelect")

    def __init__(self, item: ItemT, fields: dict[str, object]) -> None:
        super().__init__(item)
        for name, value in fields.items():
            setattr(self, name, value)

    @classmethod
    def _placeholder(cls, custom_id: str) -> ItemT:
        """The bare item the dispatched one stands for (its state is refreshed from the click).
        PersistentButton and PersistentSelect give it; a class with a template must derive
        from one of them (checked when the class is defined)."""
        raise TypeError(f"{cls.__name__}: derive from PersistentButton or PersistentSelect")

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> Self:
        return cls(cls._placeholder(match.string), _parse(cls._fields, match))

    @property
    def where(self) -> str:
        """How the error path names this component in a log line (ids only, no member text)."""
        return f"{type(self).__name__} {self.custom_id}"

    async def callback(self, interaction: discord.Interaction) -> None:
        await guarded(interaction, self.where, partial(self._acknowledged, interaction))

    async def _acknowledged(self, interaction: discord.Interaction) -> None:
        if self.answers_with != "modal":
            await acknowledge(interaction, thinking=self.answers_with == "reply")
        await self.handle(interaction)

    async def handle(self, interaction: discord.Interaction) -> None:
        """What the click does: usually one call into the cog's `_flow`. Every class with a
        template defines it (checked when the class is defined)."""


class PersistentButton(PersistentItem[discord.ui.Button[Any]]):
    @classmethod
    def _placeholder(cls, custom_id: str) -> discord.ui.Button[Any]:
        return discord.ui.Button(label="…", custom_id=custom_id)


class PersistentSelect(PersistentItem[discord.ui.Select[Any]]):
    @classmethod
    def _placeholder(cls, custom_id: str) -> discord.ui.Select[Any]:
        return discord.ui.Select(custom_id=custom_id)

    @property
    def values(self) -> list[str]:
        """What the member chose."""
        return list(self.item.values)


class PersistentModal:
    """The answer to a modal submission, found by the modal's custom id.

    The modal itself (its inputs) is built in the cog's `_screens`; this class only reads
    the submission, so a modal opened just before a restart is still answered afterwards.
    """

    template: ClassVar[re.Pattern[str]]
    _fields: ClassVar[Fields] = {}
    answers_with: ClassVar[Literal["edit", "reply"]] = "edit"
    """A form opened from a message: "edit" acknowledges as an update of that message,
    "reply" as a private "thinking…" message the answer replaces (a form opened by a slash
    command always gets the latter)."""

    def __init_subclass__(cls, *, template: str, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls.template = re.compile(template)
        cls._fields = _fields_of(cls, cls.template)
        if cls.handle is PersistentModal.handle:
            raise TypeError(f"{cls.__name__}: define `handle`, what the submission does")

    def __init__(self, custom_id: str, fields: dict[str, object], data: dict[str, Any]) -> None:
        self.custom_id = custom_id
        self.inputs = modal_values(data)
        for name, value in fields.items():
            setattr(self, name, value)

    @property
    def where(self) -> str:
        return f"{type(self).__name__} {self.custom_id}"

    def text(self, input_id: str) -> str:
        """A text input's value ("" when absent)."""
        value = self.inputs.get(input_id, "")
        return value if isinstance(value, str) else ""

    def texts(self) -> dict[str, str]:
        """Every text input, by custom id."""
        return {key: value for key, value in self.inputs.items() if isinstance(value, str)}

    def chosen(self, input_id: str) -> list[str]:
        """A select's chosen values (empty when absent)."""
        value = self.inputs.get(input_id, [])
        return value if isinstance(value, list) else []

    async def acknowledged(self, interaction: discord.Interaction) -> None:
        await acknowledge(interaction, thinking=self.answers_with == "reply")
        await self.handle(interaction)

    async def handle(self, interaction: discord.Interaction) -> None:
        """What the submission does. Every subclass defines it (checked when the class is
        defined)."""


Persistent = type[PersistentItem[Any]] | type[PersistentModal]


class PersistentComponents:
    """Every persistent kind the loaded cogs answer: items with discord.py, modals here."""

    def __init__(self, client: discord.Client) -> None:
        self._client = client
        self._modals: list[type[PersistentModal]] = []

    def add(self, *kinds: Persistent) -> None:
        """Called from a cog's `cog_load` with its `_components.ALL`."""
        items, modals = _split(kinds)
        self._client.add_dynamic_items(*items)
        self._modals.extend(m for m in modals if m not in self._modals)

    def remove(self, *kinds: Persistent) -> None:
        """Called from the cog's `cog_unload`."""
        items, modals = _split(kinds)
        self._client.remove_dynamic_items(*items)
        self._modals = [m for m in self._modals if m not in modals]

    @property
    def templates(self) -> list[str]:
        """Every registered custom-id template (they must be unique)."""
        store = self._client._connection._view_store
        items = [pattern.pattern for pattern in store._dynamic_items]
        return items + [modal.template.pattern for modal in self._modals]

    async def route_modal(self, interaction: discord.Interaction) -> bool:
        """Answer a modal submission whose custom id a registered modal kind matches."""
        if interaction.type is not discord.InteractionType.modal_submit:
            return False
        data = cast(dict[str, Any], interaction.data or {})
        custom_id = str(data.get("custom_id", ""))
        for kind in self._modals:
            match = kind.template.fullmatch(custom_id)
            if match is not None:
                modal = kind(custom_id, _parse(kind._fields, match), data)
                await guarded(interaction, modal.where, partial(modal.acknowledged, interaction))
                return True
        return False


def _split(
    kinds: Iterable[Persistent],
) -> tuple[list[type[PersistentItem[Any]]], list[type[PersistentModal]]]:
    items: list[type[PersistentItem[Any]]] = []
    modals: list[type[PersistentModal]] = []
    for kind in kinds:
        if issubclass(kind, PersistentModal):
            modals.append(kind)
        else:
            items.append(kind)
    return items, modals
