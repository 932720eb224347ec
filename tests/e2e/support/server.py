"""A director's first moves on a server: /setup roles and /setup channels."""

from __future__ import annotations

from typing import Any

from bot.app import MentorBot
from tests.e2e.support.process import BotProcess
from tests.fakediscord import Channel, FakeDiscord, Guild, Interaction, Role, User


async def setup_roles(
    fake: FakeDiscord, guild: Guild, director: User, **roles: Role
) -> Interaction:
    """/setup roles with the server's Director, Mentor and Mentee roles unless `roles` says
    otherwise (e.g. `mentor=guild.bot_role()`)."""
    options: dict[str, Any] = {  # Any: mypy can't tell these keys from `channel=`
        "director": guild.role("Director"),
        "mentor": guild.role("Mentor"),
        "mentee": guild.role("Mentee"),
    }
    return await fake.slash(director, guild, "setup roles", **(options | roles))


async def setup_channels(
    fake: FakeDiscord, guild: Guild, director: User, **channels: Channel
) -> Interaction:
    """/setup channels with the two channels the command requires (#introductions and
    #sessions) unless `channels` says otherwise, plus any optional ones in `channels`."""
    options = {
        "introductions": guild.channel("introductions"),
        "sessions": guild.channel("sessions"),
    }
    return await fake.slash(director, guild, "setup channels", **(options | channels))


async def configure(fake: FakeDiscord, guild: Guild, director: User) -> None:
    """What a director does first: /setup roles and /setup channels, every channel set."""
    assert "Saved" in (await (await setup_roles(fake, guild, director)).answer()).text
    h = await setup_channels(
        fake,
        guild,
        director,
        checkin_fallback=guild.channel("checkins"),
        director_log=guild.channel("director-log"),
    )
    assert "Saved" in (await h.answer()).text


async def start_configured(
    process: BotProcess, fake: FakeDiscord, guild: Guild, director: User
) -> MentorBot:
    """Start the bot, then configure the server (for tests that restart the bot later)."""
    bot = await process.start()
    await configure(fake, guild, director)
    return bot
