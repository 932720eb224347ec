"""Private session threads as the fake serves them: creation, members, who can read them,
invitable off, archiving, and the permission failures the bot must survive."""

from __future__ import annotations

import discord
import pytest

from tests.fakediscord import ApiError, ChannelType, FakeDiscord, Guild, P, Thread, User

from .testbot import HarnessBot, OnboardingView


@pytest.fixture
def guild(fake: FakeDiscord) -> Guild:
    return fake.world.guild("Mentoring Circle")


def text_channel(bot: HarnessBot, channel_id: int) -> discord.TextChannel:
    channel = bot.get_channel(channel_id)
    assert isinstance(channel, discord.TextChannel)
    return channel


async def session_thread(
    fake: FakeDiscord, bot: HarnessBot, guild: Guild, *members: User
) -> tuple[discord.Thread, Thread]:
    sessions = guild.channel("sessions")
    thread = await text_channel(bot, sessions.id).create_thread(
        name="Session 1 · alice & bob · 12 Jan",
        type=discord.ChannelType.private_thread,
        invitable=False,
        auto_archive_duration=10080,
    )
    for member in members:
        await thread.add_user(discord.Object(member.id))
    stored = guild.threads[thread.id]
    return thread, stored


async def test_private_thread_as_created(fake: FakeDiscord, bot: HarnessBot, guild: Guild) -> None:
    alice, bob = fake.world.user("alice"), fake.world.user("bob")
    thread, stored = await session_thread(fake, bot, guild, alice, bob)
    assert (
        stored.type == ChannelType.PRIVATE_THREAD
        and stored.parent_id == guild.channel("sessions").id
    )
    assert not stored.invitable and stored.auto_archive_duration == 10080
    assert stored.member_ids == {fake.world.bot.id, alice.id, bob.id}
    # discord.py read the same facts back from the response.
    assert thread.type is discord.ChannelType.private_thread
    assert thread.invitable is False and thread.auto_archive_duration == 10080
    [body] = [r.json for r in fake.requests_to("POST", f"/channels/{stored.parent_id}/threads")]
    assert body["type"] == 12 and body["invitable"] is False
    assert body["auto_archive_duration"] == 10080
    members = await thread.fetch_members()
    assert {m.id for m in members} == stored.member_ids


async def test_only_added_members_and_moderators_can_read(
    fake: FakeDiscord, bot: HarnessBot, guild: Guild
) -> None:
    alice, bob = fake.world.user("alice"), fake.world.user("bob")
    director, olivia = fake.world.user("director"), fake.world.user("olivia")
    thread, stored = await session_thread(fake, bot, guild, alice)
    await thread.send("What stood out: shared words", view=OnboardingView())
    assert fake.can_read(alice, stored)
    assert not fake.can_read(bob, stored)
    assert not fake.can_read(director, stored)  # Manage Server is not Manage Threads
    assert fake.can_read(olivia, stored)  # the owner can read every thread
    assert "shared words" in fake.visible_text(alice)
    for outsider in (bob, director):
        assert "shared words" not in fake.visible_text(outsider)
        assert stored.name not in fake.visible_text(outsider)
        assert all(m.channel_id != stored.id for m in fake.readable_by(outsider))
    moderator = guild.add_role("Moderator", permissions=P.MANAGE_THREADS)
    await fake.set_member_roles(guild, director, [guild.role("Director"), moderator])
    assert fake.can_read(director, stored)  # what /setup show warns about


async def test_an_outsider_cannot_act_in_a_thread(
    fake: FakeDiscord, bot: HarnessBot, guild: Guild
) -> None:
    alice, bob = fake.world.user("alice"), fake.world.user("bob")
    thread, stored = await session_thread(fake, bot, guild, alice)
    await thread.send("Write your reflection", view=OnboardingView())
    [prompt] = fake.messages(stored)
    with pytest.raises(AssertionError, match="bob cannot see"):
        await fake.click(bob, prompt, "Start")
    with pytest.raises(AssertionError, match="bob cannot see"):
        await fake.say(bob, stored, "hello?")
    with pytest.raises(AssertionError, match="bob cannot see"):
        await fake.slash(bob, guild, "ping", channel=stored)
    reply = await (await fake.click(alice, prompt, "Start")).answer()
    assert reply.ephemeral and reply.content == "Let's begin!"


async def test_an_ephemeral_message_belongs_to_its_reader(
    fake: FakeDiscord, bot: HarnessBot, guild: Guild
) -> None:
    alice, bob = fake.world.user("alice"), fake.world.user("bob")
    shown = await (await fake.slash(alice, guild, "menu")).answer()
    assert shown in fake.readable_by(alice) and shown not in fake.readable_by(bob)
    with pytest.raises(AssertionError, match="shown to alice"):
        await fake.click(bob, shown, "Start")
    await (await fake.click(alice, shown, "Start")).answer()


async def test_modals_count_as_seen_by_their_opener(
    fake: FakeDiscord, bot: HarnessBot, guild: Guild
) -> None:
    alice, bob = fake.world.user("alice"), fake.world.user("bob")
    opened = await fake.slash(alice, guild, "onboard")
    await opened.response()
    assert "Your goal" in fake.visible_text(alice)
    assert "Your goal" not in fake.visible_text(bob)


async def test_invitable_off_keeps_the_pair_from_adding_others(
    fake: FakeDiscord, bot: HarnessBot, guild: Guild
) -> None:
    alice, bob, director = (fake.world.user(n) for n in ("alice", "bob", "director"))
    _, stored = await session_thread(fake, bot, guild, alice, bob)
    with pytest.raises(ApiError) as refused:
        await fake.member_adds_to_thread(alice, stored, director)
    assert refused.value.code == 50013 and director.id not in stored.member_ids
    stored.invitable = True
    await fake.member_adds_to_thread(alice, stored, director)
    assert director.id in stored.member_ids


async def test_archived_thread(fake: FakeDiscord, bot: HarnessBot, guild: Guild) -> None:
    alice, bob = fake.world.user("alice"), fake.world.user("bob")
    thread, stored = await session_thread(fake, bot, guild, alice)
    await fake.archive_thread(stored)

    # discord.py drops an archived thread from its cache: the bot must fetch it again.
    await fake.wait_until(
        lambda: bot.get_channel(thread.id) is None, what="THREAD_UPDATE (archived) handled"
    )
    fetched = await bot.fetch_channel(thread.id)
    assert isinstance(fetched, discord.Thread) and fetched.archived
    with pytest.raises(discord.HTTPException) as info:
        await thread.add_user(discord.Object(bob.id))
    assert info.value.code == 50083
    await thread.send("A gentle reminder")  # a message unarchives it, as on Discord
    assert not stored.archived and fake.can_read(alice, stored)


async def test_missing_send_messages_in_threads(
    fake: FakeDiscord, bot: HarnessBot, guild: Guild
) -> None:
    sessions = guild.channel("sessions")
    bot_role = guild.bot_role()
    assert bot_role is not None
    await fake.set_channel_overwrite(sessions, bot_role, deny=P.SEND_MESSAGES_IN_THREADS)
    thread = await text_channel(bot, sessions.id).create_thread(name="half made", invitable=False)
    with pytest.raises(discord.Forbidden) as adding:
        await thread.add_user(discord.Object(fake.world.user("alice").id))
    assert adding.value.code == 50013
    with pytest.raises(discord.Forbidden) as posting:
        await thread.send("Write your reflection")
    assert posting.value.code == 50013
    assert guild.threads[thread.id].member_ids == {fake.world.bot.id}
    assert fake.messages(guild.threads[thread.id]) == []


async def test_sessions_channel_the_bot_cannot_see(
    fake: FakeDiscord, bot: HarnessBot, guild: Guild
) -> None:
    sessions = guild.channel("sessions")
    bot_role = guild.bot_role()
    assert bot_role is not None
    channel = text_channel(bot, sessions.id)
    await fake.set_channel_overwrite(sessions, bot_role, deny=P.VIEW_CHANNEL)
    with pytest.raises(discord.Forbidden) as info:
        await channel.create_thread(name="nope", invitable=False)
    assert info.value.code == 50001
    assert fake.threads(sessions) == []


async def test_private_threads_only_in_text_channels(
    fake: FakeDiscord, bot: HarnessBot, guild: Guild
) -> None:
    news = guild.add_announcement_channel("news")
    with pytest.raises(discord.HTTPException) as info:
        await bot.http.start_thread_without_message(
            news.id, name="nope", auto_archive_duration=10080, type=12, invitable=False
        )
    assert info.value.code == 50024
    with pytest.raises(discord.HTTPException) as bad:
        await text_channel(bot, guild.channel("sessions").id).create_thread(
            name="x",
            auto_archive_duration=120,  # type: ignore[arg-type]
        )
    assert bad.value.code == 50035
