"""Custom ids of the onboarding components. They carry all the state a click needs (the
server and the question), so a message from before a restart still works."""

from __future__ import annotations

from typing import Literal

PREFIX = "mb:onb"
Mode = Literal["f", "e"]  # f: the sign-up flow, e: changing one answer afterwards

_QID = r"(?P<qid>[a-z][a-z0-9_]{0,31})"
_GUILD = r"(?P<guild>[0-9]{15,21})"
_MODE = r"(?P<mode>[fe])"

START = rf"{PREFIX}:start:{_GUILD}"
PICK = rf"{PREFIX}:pick:{_GUILD}:{_MODE}:{_QID}"
SKIP = rf"{PREFIX}:skip:{_GUILD}:{_MODE}:{_QID}"
WRITE = rf"{PREFIX}:write:{_GUILD}:{_MODE}:{_QID}"
EDIT = rf"{PREFIX}:edit:{_GUILD}"
CHANGE = rf"{PREFIX}:change:{_GUILD}"
SUMMARY = rf"{PREFIX}:summary:{_GUILD}"
MODAL = rf"{PREFIX}:modal:{_GUILD}:{_MODE}:{_QID}"

TEMPLATES = (START, PICK, SKIP, WRITE, EDIT, CHANGE, SUMMARY, MODAL)


def start(guild_id: int) -> str:
    return f"{PREFIX}:start:{guild_id}"


def pick(guild_id: int, mode: Mode, qid: str) -> str:
    return f"{PREFIX}:pick:{guild_id}:{mode}:{qid}"


def skip(guild_id: int, mode: Mode, qid: str) -> str:
    return f"{PREFIX}:skip:{guild_id}:{mode}:{qid}"


def write(guild_id: int, mode: Mode, qid: str) -> str:
    return f"{PREFIX}:write:{guild_id}:{mode}:{qid}"


def edit(guild_id: int) -> str:
    return f"{PREFIX}:edit:{guild_id}"


def change(guild_id: int) -> str:
    return f"{PREFIX}:change:{guild_id}"


def summary(guild_id: int) -> str:
    return f"{PREFIX}:summary:{guild_id}"


def modal(guild_id: int, mode: Mode, qid: str) -> str:
    return f"{PREFIX}:modal:{guild_id}:{mode}:{qid}"
