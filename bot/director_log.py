"""Lines for the director log channel: what the bot and directors did, never members' words."""

from __future__ import annotations

import logging

import discord

from bot.domain.settings import GuildSettings

log = logging.getLogger(__name__)


async def post_director_log(guild: discord.Guild, settings: GuildSettings, text: str) -> bool:
    """Post one line; a missing or unreachable channel is logged, never raised."""
    channel_id = settings.director_log_channel_id
    if channel_id is None:
        return False
    channel = guild.get_channel(channel_id)
    if not isinstance(channel, discord.TextChannel):
        log.warning("Director log channel %s not found in guild %s", channel_id, guild.id)
        return False
    try:
        await channel.send(text, allowed_mentions=discord.AllowedMentions.none())
    except discord.HTTPException as exc:
        log.warning(
            "Could not post to the director log (guild=%s channel=%s code=%s)",
            guild.id,
            channel_id,
            exc.code,
        )
        return False
    return True
