"""Retrying after Discord failed: a session thread whose creation hit a server error is made
by the very next attempt (once), and a check-in that could not be delivered is delivered by
the next `/checkin now` or timer run, in the same place, exactly once."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from bot.app import MentorBot
from tests.e2e.support.checkins import MONDAY_0900, fire, is_prompt, sign_up
from tests.e2e.support.matching import introduced_pair
from tests.e2e.support.sessions import log, session_threads, thread_of
from tests.e2e.support.waiting import eventually
from tests.fakediscord import FakeDiscord, Guild, P, User

UNAVAILABLE = {"code": 0, "message": "503: Service Unavailable"}  # discord.py does not retry it

ADD_MEMBER = "/channels/{channel_id}/thread-members/{user_id}"

# ---------------------------------------------------------------- session threads


async def test_a_session_thread_that_hit_a_server_error_is_made_by_the_next_attempt(
    fake: FakeDiscord, ready: MentorBot, guild: Guild, users: dict[str, User]
) -> None:
    alice, bob, _director, _ = await introduced_pair(fake, ready, guild, users)
    sessions = guild.channel("sessions")
    path = f"/channels/{sessions.id}/threads"
    fake.inject_failure("POST", path, status=503, body=UNAVAILABLE)
    reply = await (await log(fake, alice, guild)).answer()
    assert "couldn't make its private thread just now" in reply.text, reply.text
    assert session_threads(fake, guild) == []

    # No waiting out a claim: Bob's next /session makes it, within the same minute.
    tries = len(fake.requests_to("POST", path))
    h = await fake.slash(bob, guild, "session list")
    assert "thread not made yet" in (await h.answer()).text
    assert "private thread of a session of yours is made now" in (await h.followup()).text
    thread = await thread_of(fake, guild)
    assert thread.member_ids == {fake.world.bot.id, alice.id, bob.id}
    listed = await (await fake.slash(alice, guild, "session list")).answer()
    assert f"<#{thread.id}>" in listed.text, listed.text
    assert len(session_threads(fake, guild)) == 1
    assert len(fake.requests_to("POST", path)) == tries + 1


# ---------------------------------------------------------------------- check-ins


def thread_prompts(fake: FakeDiscord, guild: Guild) -> list[str]:
    return [
        m.text
        for thread in fake.threads(guild.channel("checkins"))
        for m in fake.messages(thread)
        if is_prompt(m)
    ]


async def test_checkin_now_again_within_the_minute_after_a_failure_sends_one_prompt(
    fake: FakeDiscord, ready: MentorBot, guild: Guild
) -> None:
    kim = await sign_up(ready, fake, guild, "kim", dms_closed=True)
    channel = guild.channel("checkins")
    bot_role = guild.bot_role()
    assert bot_role is not None
    await fake.set_channel_overwrite(channel, bot_role, deny=P.CREATE_PRIVATE_THREADS)
    reply = await (await fake.slash(kim, guild, "checkin now")).answer()
    assert "Create Private Threads" in reply.text, reply.text

    # Fixed at once: asking again in the same minute delivers a check-in.
    await fake.set_channel_overwrite(channel, bot_role)
    reply = await (await fake.slash(kim, guild, "checkin now")).answer()
    assert "📬 Your check-in is in your private check-in thread" in reply.text, reply.text
    assert len(thread_prompts(fake, guild)) == 1
    reply = await (await fake.slash(kim, guild, "checkin now")).answer()
    assert "still open" in reply.text, reply.text
    assert len(thread_prompts(fake, guild)) == 1


async def test_a_fallback_thread_whose_member_could_not_be_added_is_reused_next_time(
    fake: FakeDiscord, ready: MentorBot, guild: Guild, clock: Any
) -> None:
    hal = await sign_up(ready, fake, guild, "hal", dms_closed=True)
    channel = guild.channel("checkins")
    fake.inject_failure("PUT", ADD_MEMBER, status=503, body=UNAVAILABLE)
    clock.set(MONDAY_0900)
    await fire(ready)
    await fake.wait_until(lambda: fake.requests_to("PUT", ADD_MEMBER), what="the add")
    [thread] = fake.threads(channel)
    assert thread_prompts(fake, guild) == [] and hal.id not in thread.member_ids

    # The timer's next run finishes the same thread: Hal added, one prompt.
    clock.advance(timedelta(minutes=1))
    await fire(ready)
    await fake.wait_until(lambda: thread_prompts(fake, guild), what="the prompt")
    assert fake.threads(channel) == [thread]
    assert thread.member_ids == {fake.world.bot.id, hal.id}
    assert len(thread_prompts(fake, guild)) == 1


async def test_checkin_now_after_a_refused_add_uses_the_same_thread(
    fake: FakeDiscord, ready: MentorBot, guild: Guild
) -> None:
    kim = await sign_up(ready, fake, guild, "kim", dms_closed=True)
    channel = guild.channel("checkins")
    refused = {"code": 50013, "message": "Missing Permissions"}
    fake.inject_failure("PUT", ADD_MEMBER, status=403, body=refused)
    reply = await (await fake.slash(kim, guild, "checkin now")).answer()
    assert "couldn't post in your private check-in thread" in reply.text, reply.text
    [thread] = fake.threads(channel)

    async def undeliverable() -> list[int]:
        return await ready.services.checkins.undeliverable_members(guild.id)

    assert await eventually(undeliverable, "the check-in recorded undeliverable") == [kim.id]
    reply = await (await fake.slash(kim, guild, "checkin now")).answer()
    assert "📬 Your check-in is in your private check-in thread" in reply.text, reply.text
    assert fake.threads(channel) == [thread]
    assert thread.member_ids == {fake.world.bot.id, kim.id}
    assert len(thread_prompts(fake, guild)) == 1
