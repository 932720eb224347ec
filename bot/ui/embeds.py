"""Embed building that stays inside Discord's limits whatever the content."""

from __future__ import annotations

import discord

TITLE_LIMIT = 256
DESCRIPTION_LIMIT = 4096
FIELD_NAME_LIMIT = 256
FIELD_VALUE_LIMIT = 1024
FIELD_COUNT_LIMIT = 25
TOTAL_LIMIT = 6000

COLOUR = discord.Colour.from_rgb(88, 101, 242)
COLOUR_PROBLEM = discord.Colour.red()
COLOUR_WARNING = discord.Colour.orange()
COLOUR_OK = discord.Colour.green()


def clip(text: str, limit: int) -> str:
    """Shorten `text` to `limit` characters, marking the cut with an ellipsis."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def add_field(
    embed: discord.Embed, name: str, value: str, *, inline: bool = False, reserve: int = 0
) -> bool:
    """Add a field if it fits the per-field, field-count and whole-embed limits, keeping
    `reserve` characters free (e.g. for a footer added afterwards); False if it did not."""
    if len(embed.fields) >= FIELD_COUNT_LIMIT:
        return False
    name = clip(name, FIELD_NAME_LIMIT)
    value = clip(value or "—", FIELD_VALUE_LIMIT)
    room = TOTAL_LIMIT - reserve - len(embed) - len(name)
    if room < 20:
        return False
    embed.add_field(name=name, value=clip(value, min(room, FIELD_VALUE_LIMIT)), inline=inline)
    return True


def chunk_lines(lines: list[str], limit: int) -> list[str]:
    """Group lines into blocks of at most `limit` characters (a line never split unless huge)."""
    blocks: list[str] = []
    current = ""
    for line in lines:
        line = clip(line, limit)
        candidate = f"{current}\n{line}" if current else line
        if len(candidate) > limit:
            blocks.append(current)
            current = line
        else:
            current = candidate
    if current:
        blocks.append(current)
    return blocks
