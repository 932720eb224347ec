"""Finding a member of a big server: the bot caches only some of them.

A programme of a few hundred people often lives in a server of 50,000+. Caching every
member would cost the bot most of its memory and seconds at each start, so it caches only
itself, members who join while it runs, and those it has looked up here (see
`MentorBot.__init__`). Everywhere a member may not be cached, look them up with
`find_member`; a screen that only shows names (`guild.get_member`) first calls
`remember` for the ids it will show.
"""

from __future__ import annotations

from collections.abc import Iterable

import discord

QUERY_LIMIT = 100
"""Members one gateway request may ask for (Discord's limit for `user_ids`)."""


async def find_member(guild: discord.Guild, user_id: int) -> discord.Member | None:
    """The member from the cache, else asked of Discord (and cached from then on);
    None if they are not in the server."""
    member = guild.get_member(user_id)
    if member is not None:
        return member
    found = await _query(guild, [user_id])
    if found is not None:
        return found[0] if found else None
    try:
        return await guild.fetch_member(user_id)
    except discord.NotFound:
        return None


async def remember(guild: discord.Guild, user_ids: Iterable[int]) -> None:
    """Cache the members among `user_ids` that are not cached yet, so that names shown
    from the cache are right; one gateway request per hundred."""
    missing = sorted({i for i in user_ids if guild.get_member(i) is None})
    for start in range(0, len(missing), QUERY_LIMIT):
        if await _query(guild, missing[start : start + QUERY_LIMIT]) is None:
            return  # without the members intent, names fall back to ids


async def _query(guild: discord.Guild, user_ids: list[int]) -> list[discord.Member] | None:
    """Ask the gateway for these members and cache them; None without the members intent
    (the gateway only answers for ids with it)."""
    try:
        return await guild.query_members(user_ids=user_ids, limit=len(user_ids), cache=True)
    except discord.ClientException:
        return None
