"""Custom ids of the privacy components. The confirmation carries who asked, in which
server, and when (a confirmation shown long ago no longer deletes anything)."""

from __future__ import annotations

PREFIX = "mb:priv"

_GUILD = r"(?P<guild>[0-9]{15,21})"
_USER = r"(?P<user>[0-9]{15,21})"
_ASKED = r"(?P<asked>[0-9]{1,12})"

ERASE = rf"{PREFIX}:erase:{_GUILD}:{_USER}:{_ASKED}"
KEEP = rf"{PREFIX}:keep:{_GUILD}:{_USER}"

TEMPLATES = (ERASE, KEEP)


def erase(guild_id: int, user_id: int, asked: int) -> str:
    """`asked`: when the confirmation was shown, in whole seconds since 1970 (UTC)."""
    return f"{PREFIX}:erase:{guild_id}:{user_id}:{asked}"


def keep(guild_id: int, user_id: int) -> str:
    return f"{PREFIX}:keep:{guild_id}:{user_id}"
