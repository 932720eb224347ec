"""REST behaviour through discord.py: permissions, hierarchy, DMs, limits, rate limits."""

from __future__ import annotations

import io

import discord
import pytest

from tests.fakediscord import FakeDiscord, Guild, P

from .testbot import HarnessBot


@pytest.fixture
def guild(fake: FakeDiscord) -> Guild:
    return fake.world.guild("Mentoring Circle")


def text_channel(bot: HarnessBot, channel_id: int) -> discord.TextChannel:
    channel = bot.get_channel(channel_id)
    assert isinstance(channel, discord.TextChannel)
    return channel


async def test_private_thread_and_members(fake: FakeDiscord, bot: HarnessBot, guild: Guild) -> None:
    sessions = guild.channel("sessions")
    thread = await text_channel(bot, sessions.id).create_thread(
        name="alice & bob", invitable=False, auto_archive_duration=10080
    )
    assert thread.type is discord.ChannelType.private_thread
    alice, bob = fake.world.user("alice"), fake.world.user("bob")
    await thread.add_user(discord.Object(alice.id))
    await thread.add_user(discord.Object(bob.id))
    [stored] = fake.threads(sessions)
    assert stored.private and not stored.invitable and stored.auto_archive_duration == 10080
    assert stored.member_ids == {fake.world.bot.id, alice.id, bob.id}
    await thread.send("Welcome both")
    assert fake.messages(stored)[0].content == "Welcome both"

    await thread.edit(archived=True)
    with pytest.raises(discord.HTTPException) as info:
        await thread.add_user(discord.Object(fake.world.user("director").id))
    assert info.value.code == 50083


async def test_thread_needs_create_private_threads(
    fake: FakeDiscord, bot: HarnessBot, guild: Guild
) -> None:
    sessions = guild.channel("sessions")
    bot_role = guild.bot_role()
    assert bot_role is not None
    await fake.set_channel_overwrite(sessions, bot_role, deny=P.CREATE_PRIVATE_THREADS)
    with pytest.raises(discord.Forbidden) as info:
        await text_channel(bot, sessions.id).create_thread(name="nope")
    assert info.value.code == 50013
    assert fake.threads(sessions) == []


async def test_role_hierarchy(fake: FakeDiscord, bot: HarnessBot, guild: Guild) -> None:
    alice = fake.world.user("alice")
    cached_guild = bot.get_guild(guild.id)
    assert cached_guild is not None
    member = cached_guild.get_member(alice.id)
    assert member is not None
    mentor = guild.role("Mentor")
    await member.add_roles(discord.Object(mentor.id))
    assert mentor.id in guild.members[alice.id].role_ids
    await fake.wait_until(lambda: member.get_role(mentor.id), what="GUILD_MEMBER_UPDATE")

    bot_role = guild.bot_role()
    assert bot_role is not None
    await fake.update_role(mentor, position=bot_role.position + 1)
    with pytest.raises(discord.Forbidden) as info:
        await member.remove_roles(discord.Object(mentor.id))
    assert info.value.code == 50013
    with pytest.raises(discord.Forbidden):
        await member.add_roles(discord.Object(bot_role.id))  # managed role
    with pytest.raises(discord.NotFound) as missing:
        await member.add_roles(discord.Object(12345))
    assert missing.value.code == 10011


async def test_dm_closed_is_50007_and_too_fast_is_40003(
    fake: FakeDiscord, bot: HarnessBot, guild: Guild
) -> None:
    bob = fake.world.user("bob")
    user = await bot.fetch_user(bob.id)
    fake.fail_next_dms(1)
    with pytest.raises(discord.Forbidden) as fast:
        await user.send("hi")
    assert fast.value.code == 40003
    await user.send("hi again")
    bob.dms_closed = True
    with pytest.raises(discord.Forbidden) as closed:
        await user.send("are you there?")
    assert closed.value.code == 50007
    assert [m.content for m in fake.dms(bob)] == ["hi again"]
    dm_opens = fake.requests_to("POST", "/users/@me/channels")
    assert len(dm_opens) == 1  # discord.py cached the DM channel


async def test_limits_reach_the_bot_as_50035(
    fake: FakeDiscord, bot: HarnessBot, guild: Guild
) -> None:
    channel = text_channel(bot, guild.channel("general").id)
    with pytest.raises(discord.HTTPException) as info:
        await channel.send("x" * 2001)
    assert info.value.status == 400 and info.value.code == 50035
    assert "In content: Must be 2000 or fewer in length." in info.value.text
    embed = discord.Embed(title="t", description="d" * 4000)
    with pytest.raises(discord.HTTPException) as total:
        await channel.send(embeds=[embed, embed])
    assert "6000" in total.value.text
    with pytest.raises(discord.HTTPException) as empty:
        await bot.http.send_message(channel.id, params=discord.http.handle_message_parameters())
    assert empty.value.code == 50006
    assert fake.messages(guild.channel("general")) == []


async def test_missing_send_permission(fake: FakeDiscord, bot: HarnessBot, guild: Guild) -> None:
    log = guild.channel("director-log")
    bot_role = guild.bot_role()
    assert bot_role is not None
    await fake.set_channel_overwrite(log, bot_role, deny=P.SEND_MESSAGES)
    with pytest.raises(discord.Forbidden) as info:
        await text_channel(bot, log.id).send("hello")
    assert info.value.code == 50013
    await fake.set_channel_overwrite(log, bot_role, deny=P.VIEW_CHANNEL)
    with pytest.raises(discord.Forbidden) as hidden:
        await bot.get_partial_messageable(log.id).send("hello")
    assert hidden.value.code == 50001


async def test_429_is_retried(fake: FakeDiscord, bot: HarnessBot, guild: Guild) -> None:
    general = guild.channel("general")
    fake.rate_limit("POST", "/channels/{channel_id}/messages", retry_after=0.01)
    await text_channel(bot, general.id).send("after a 429")
    attempts = fake.requests_to("POST", f"/channels/{general.id}/messages")
    assert [r.status for r in attempts] == [429, 200]
    assert [m.content for m in fake.messages(general)] == ["after a 429"]


async def test_nonce_deduplicates(fake: FakeDiscord, bot: HarnessBot, guild: Guild) -> None:
    channel = text_channel(bot, guild.channel("checkins").id)
    first = await channel.send("check-in", nonce="campaign1:42")
    again = await channel.send("check-in", nonce="campaign1:42")
    assert first.id == again.id
    assert len(fake.messages(guild.channel("checkins"))) == 1


async def test_unknown_route_names_itself(fake: FakeDiscord, bot: HarnessBot, guild: Guild) -> None:
    with pytest.raises(discord.NotFound) as info:
        await bot.http.request(
            discord.http.Route("GET", "/guilds/{guild_id}/bans", guild_id=guild.id)
        )
    assert f"GET /guilds/{guild.id}/bans" in info.value.text


async def test_mentions_are_recorded(fake: FakeDiscord, bot: HarnessBot, guild: Guild) -> None:
    channel = text_channel(bot, guild.channel("general").id)
    alice = fake.world.user("alice")
    await channel.send(f"@everyone hi {alice.mention}")
    quiet = fake.messages(guild.channel("general"))[-1]
    assert not quiet.pings_everyone and not quiet.mentions_allowed
    await channel.send(f"hi {alice.mention}", allowed_mentions=discord.AllowedMentions(users=True))
    loud = fake.messages(guild.channel("general"))[-1]
    assert loud.pinged_user_ids() == {alice.id} and loud.mentions_allowed


async def test_attached_files_are_kept_as_uploaded(
    fake: FakeDiscord, bot: HarnessBot, guild: Guild
) -> None:
    alice = fake.world.user("alice")
    user = await bot.fetch_user(alice.id)
    sent = await user.send(
        "Your file", file=discord.File(io.BytesIO('{"é": 1}'.encode()), "data.json")
    )
    assert sent.attachments[0].filename == "data.json" and sent.attachments[0].size == 9
    [dm] = fake.dms(alice)
    assert dm.attachments[0].text == '{"é": 1}' and dm.attachments[0].filename == "data.json"
    assert '{"é": 1}' in fake.visible_text(alice)
    assert '{"é": 1}' not in fake.visible_text(fake.world.user("bob"))
