"""The ready-made world most end-to-end tests start from."""

from __future__ import annotations

from .world import P, World

BOT_PERMISSIONS = (
    P.VIEW_CHANNEL
    | P.SEND_MESSAGES
    | P.SEND_MESSAGES_IN_THREADS
    | P.CREATE_PRIVATE_THREADS
    | P.EMBED_LINKS
    | P.MANAGE_ROLES
    | P.READ_MESSAGE_HISTORY
)
CHANNELS = ("general", "introductions", "sessions", "checkins", "director-log")


def standard_world() -> World:
    """Guild "Mentoring Circle".

    Users: olivia (owner), director (Director role: MANAGE_GUILD), alice and bob (plain).
    Roles, top to bottom: mentorbot (the bot's managed role), Director, Mentor, Mentee,
    @everyone. Text channels: #general #introductions #sessions #checkins #director-log.
    """
    world = World()
    olivia = world.add_user("olivia")
    director = world.add_user("director")
    alice = world.add_user("alice")
    bob = world.add_user("bob")
    guild = world.add_guild("Mentoring Circle", owner=olivia, bot_permissions=BOT_PERMISSIONS)
    bot_role = guild.bot_role()
    assert bot_role is not None
    guild.add_role("Mentee", position=1)
    guild.add_role("Mentor", position=2)
    director_role = guild.add_role("Director", permissions=P.MANAGE_GUILD, position=3)
    bot_role.position = 4
    guild.add_member(director, roles=[director_role])
    guild.add_member(alice)
    guild.add_member(bob)
    for name in CHANNELS:
        guild.add_text_channel(name)
    return world
