"""The persistent-item base: a template's named groups become typed attributes."""

from __future__ import annotations

import re
from typing import Any, Literal

import discord
import pytest

from bot.ui.persistent import PersistentButton, PersistentModal, PersistentSelect

Colour = Literal["red", "blue"]


class Paint(PersistentButton, template=r"mb:test:paint:(?P<wall>[0-9]{1,5}):(?P<colour>red|blue)"):
    wall: int
    colour: Colour

    async def handle(self, interaction: discord.Interaction) -> None:
        return None


class Pick(PersistentSelect, template=r"mb:test:pick:(?P<name>[a-z]{1,10})"):
    name: str

    async def handle(self, interaction: discord.Interaction) -> None:
        return None


class Form(PersistentModal, template=r"mb:test:form:(?P<id>[0-9]{1,5})"):
    id: int

    async def handle(self, interaction: discord.Interaction) -> None:
        return None


async def from_id(kind: Any, custom_id: str) -> Any:
    match = kind.__discord_ui_compiled_template__.fullmatch(custom_id)
    assert match is not None
    return await kind.from_custom_id(None, None, match)  # type: ignore[arg-type]


async def test_groups_are_read_with_their_declared_types() -> None:
    paint = await from_id(Paint, "mb:test:paint:42:blue")
    assert (paint.wall, paint.colour) == (42, "blue")
    assert isinstance(paint.item, discord.ui.Button)
    assert paint.custom_id == "mb:test:paint:42:blue"
    pick = await from_id(Pick, "mb:test:pick:ana")
    assert pick.name == "ana" and isinstance(pick.item, discord.ui.Select)
    assert pick.values == []


def test_a_modal_reads_its_id_and_inputs() -> None:
    match = Form.template.fullmatch("mb:test:form:7")
    assert match is not None
    data = {
        "components": [
            {"type": 18, "component": {"type": 4, "custom_id": "note", "value": "hi"}},
            {"type": 18, "component": {"type": 3, "custom_id": "share", "values": ["yes"]}},
        ]
    }
    form = Form("mb:test:form:7", {"id": 7}, data)
    assert form.id == 7
    assert form.text("note") == "hi" and form.text("share") == "" and form.text("x") == ""
    assert form.chosen("share") == ["yes"] and form.chosen("note") == []
    assert form.texts() == {"note": "hi"}


def test_every_group_must_declare_its_type() -> None:
    with pytest.raises(TypeError, match="declare the type of `wall`"):

        class Untyped(PersistentButton, template=r"mb:test:u:(?P<wall>[0-9]{1,5})"):
            pass


def test_a_group_may_not_hide_an_attribute_of_the_item() -> None:
    with pytest.raises(TypeError, match="would hide"):

        class Hiding(PersistentButton, template=r"mb:test:h:(?P<where>[a-z]{1,5})"):
            where: str  # type: ignore[assignment]


def test_the_abstract_bases_match_nothing() -> None:
    for base in (PersistentButton, PersistentSelect):
        assert re.fullmatch(base.__discord_ui_compiled_template__, "mb:test:paint:1:red") is None


def test_an_item_or_form_without_a_handler_is_refused_when_defined() -> None:
    with pytest.raises(TypeError, match="define `handle`"):

        class Idle(PersistentButton, template=r"mb:test:idle:(?P<n>[0-9]{1,5})"):
            n: int

    with pytest.raises(TypeError, match="define `handle`"):

        class Unread(PersistentModal, template=r"mb:test:unread:(?P<n>[0-9]{1,5})"):
            n: int


def test_an_item_must_be_a_button_or_a_select() -> None:
    from bot.ui.persistent import PersistentItem

    with pytest.raises(TypeError, match="PersistentButton or PersistentSelect"):

        class Bare(PersistentItem[Any], template=r"mb:test:bare:(?P<n>[0-9]{1,5})"):
            n: int

            async def handle(self, interaction: discord.Interaction) -> None:
                return None
