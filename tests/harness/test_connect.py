"""Login, gateway READY/GUILD_CREATE, intents and command sync through real discord.py."""

from __future__ import annotations

import time

import discord
import pytest
from discord import app_commands

from tests.fakediscord import FakeDiscord, P, running, standard_world

from .testbot import HarnessBot


async def test_ready_populates_cache(fake: FakeDiscord) -> None:
    bot = HarnessBot()
    started = time.monotonic()
    async with running(bot, fake):
        elapsed = time.monotonic() - started
        guild = fake.world.guild("Mentoring Circle")
        cached = bot.get_guild(guild.id)
        assert cached is not None and cached.name == "Mentoring Circle"
        assert {c.name for c in cached.text_channels} >= {
            "general",
            "introductions",
            "director-log",
        }
        assert [r.name for r in cached.roles][-1] == "mentorbot"
        assert cached.me.top_role.name == "mentorbot"
        assert cached.me.guild_permissions.manage_roles
        assert cached.owner_id == fake.world.user("olivia").id
        # members intent → discord.py chunked the guild at startup
        assert {m.name for m in cached.members} >= {"olivia", "director", "alice", "bob"}
        assert bot.application_id == fake.world.application.id
    assert elapsed < 1.0, f"on_ready took {elapsed:.2f} s"
    assert [r.route for r in fake.requests[:2]] == ["/users/@me", "/oauth2/applications/@me"]


async def test_without_members_intent_only_the_bot_is_cached(fake: FakeDiscord) -> None:
    bot = HarnessBot(members_intent=False)
    async with running(bot, fake):
        guild = bot.guilds[0]
        assert [m.name for m in guild.members] == ["mentorbot"]
        await fake.member_join(fake.world.guilds[guild.id], fake.world.add_user("carol"))
        assert bot.joined == []  # GUILD_MEMBER_ADD is filtered without the intent


async def test_wrong_token_is_login_failure(fake: FakeDiscord) -> None:
    bad = "MTEwMDAwMDAwMDAwMDAwMDAwMQ.GabcDE.d3JvbmctdG9rZW4td3JvbmctdG9rZW4"
    with pytest.raises(discord.LoginFailure):
        async with running(HarnessBot(), fake, token=bad):
            pass


async def test_members_intent_disabled_in_portal() -> None:
    world = standard_world()
    world.application.members_intent_enabled = False
    async with FakeDiscord(world) as fake:
        with pytest.raises(discord.PrivilegedIntentsRequired):
            async with running(HarnessBot(), fake):
                pass


async def test_sync_stores_commands_once(fake: FakeDiscord, bot: HarnessBot) -> None:
    assert fake.command_syncs == 1
    assert fake.command_names() == [
        "dm-me",
        "goal",
        "late",
        "menu",
        "onboard",
        "ping",
        "setup",
        "slow",
    ]
    setup = next(c for c in fake.commands() if c["name"] == "setup")
    assert setup["options"][0]["name"] == "channels"
    fetched = await bot.tree.fetch_commands()
    assert {c.name for c in fetched} == set(fake.command_names())
    ids = {c["name"]: c["id"] for c in fake.commands()}
    await bot.tree.sync()
    assert fake.command_syncs == 2
    assert {c["name"]: c["id"] for c in fake.commands()} == ids  # ids are stable


async def test_guild_sync(fake: FakeDiscord, bot: HarnessBot) -> None:
    guild = fake.world.guild("Mentoring Circle")
    bot.tree.copy_global_to(guild=discord.Object(guild.id))
    await bot.tree.sync(guild=discord.Object(guild.id))
    assert "ping" in fake.command_names(guild)
    h = await fake.slash(fake.world.user("alice"), guild, "ping")
    assert (await h.answer()).content == "pong"


async def test_invalid_command_is_rejected_with_50035(fake: FakeDiscord, bot: HarnessBot) -> None:
    @app_commands.command(name="bad", description="x" * 101)
    async def bad(interaction: discord.Interaction) -> None:
        pass

    bot.tree.add_command(bad)
    with pytest.raises(app_commands.CommandSyncFailure) as info:
        await bot.tree.sync()
    assert info.value.code == 50035
    assert "description" in info.value.text
    assert fake.command_syncs == 1  # the failed PUT stored nothing


async def test_gateway_events_follow_world_changes(fake: FakeDiscord, bot: HarnessBot) -> None:
    guild = fake.world.guild("Mentoring Circle")
    mentor = guild.role("Mentor")
    await fake.update_role(mentor, position=10)
    assert bot.guilds[0].get_role(mentor.id).position == 10

    sessions = guild.channel("sessions")
    await fake.set_channel_overwrite(
        sessions, guild.bot_role() or mentor, deny=P.CREATE_PRIVATE_THREADS
    )
    cached = bot.guilds[0].get_channel(sessions.id)
    assert isinstance(cached, discord.TextChannel)
    assert not cached.permissions_for(cached.guild.me).create_private_threads

    carol = fake.world.add_user("carol")
    await fake.member_join(guild, carol)
    await fake.wait_until(lambda: bot.joined, what="on_member_join")
    assert bot.joined[0].id == carol.id
    await fake.member_leave(guild, carol)
    await fake.wait_until(lambda: bot.guilds[0].get_member(carol.id) is None, what="member removal")


async def test_reconnect_resumes(fake: FakeDiscord, bot: HarnessBot) -> None:
    conn = fake.connections[0]
    await conn.ws.close(code=4000)
    await fake.wait_until(
        lambda: any(c.identified and c is not conn for c in fake.connections),
        what="the bot to reconnect",
    )
    resumed = fake.connections[-1]
    assert resumed.received[-1]["op"] in (1, 6)
    assert any(p["op"] == 6 for p in resumed.received)
    h = await fake.slash(fake.world.user("alice"), fake.world.guild("Mentoring Circle"), "ping")
    assert (await h.answer()).content == "pong"


async def test_a_barrier_asks_the_client_only_after_a_new_event(
    fake: FakeDiscord, bot: HarnessBot
) -> None:
    """discord.py answers a heartbeat request through its gateway rate limiter: a barrier
    with nothing sent since the last answer asks nothing."""
    [conn] = [c for c in fake.connections if c.identified]

    def heartbeats() -> int:
        return sum(1 for frame in conn.received if frame.get("op") == 1)

    guild = fake.world.guild("Mentoring Circle")
    await fake.member_join(guild, fake.world.add_user("carol"))
    asked = heartbeats()
    await conn.barrier()
    await conn.barrier()
    assert heartbeats() == asked
    await fake.member_join(guild, fake.world.add_user("dave"))
    assert heartbeats() == asked + 1
    cached = bot.get_guild(guild.id)
    assert cached is not None and {m.name for m in cached.members} >= {"carol", "dave"}
