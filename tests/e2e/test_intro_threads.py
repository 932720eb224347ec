"""Introduction threads when Discord stumbles: a server error is not a missing thread, and a
thread made just before a crash is never left open without its match."""

from __future__ import annotations

from datetime import timedelta

from bot.app import MentorBot
from tests.e2e.support.matching import fire, introduce, introduced_pair, sign_up_pair
from tests.e2e.support.members import newcomer
from tests.e2e.support.process import BotProcess
from tests.e2e.support.server import start_configured
from tests.e2e.support.waiting import eventually
from tests.fakediscord import FakeDiscord, Guild, Thread, User
from tests.support import FakeClock

UNAVAILABLE = {"code": 0, "message": "503: Service Unavailable"}


def fail_lookup(fake: FakeDiscord, thread: Thread, times: int = 1) -> None:
    """Discord answers 503 when the bot asks for the thread (discord.py does not retry it)."""
    fake.inject_failure("GET", f"/channels/{thread.id}", status=503, body=UNAVAILABLE, times=times)


def asked_in(fake: FakeDiscord, thread: Thread, user: User) -> list[str]:
    return [
        m.text
        for m in fake.messages(thread)
        if "have you" in m.text and "first meeting" in m.text and user.id in m.pinged_user_ids()
    ]


async def test_ending_while_discord_fails_the_thread_lookup(
    fake: FakeDiscord, ready: MentorBot, guild: Guild, users: dict[str, User]
) -> None:
    alice, _, director, thread = await introduced_pair(fake, ready, guild, users)
    await fake.archive_thread(thread)  # out of discord.py's cache: the bot must ask Discord
    fail_lookup(fake, thread)
    reply = await (
        await fake.slash(director, guild, "match end", mentee=alice, reason="other")
    ).answer()
    assert "Ended the match" in reply.text
    assert "no longer exists" not in reply.text, reply.text
    assert "Discord didn't answer" in reply.text and f"<#{thread.id}>" in reply.text


async def test_a_follow_up_whose_thread_lookup_fails_is_asked_again_later(
    fake: FakeDiscord, ready: MentorBot, guild: Guild, users: dict[str, User], clock: FakeClock
) -> None:
    alice, bob, _, thread = await introduced_pair(fake, ready, guild, users)
    alice.dms_closed = True  # her follow-up goes to the pair's thread
    await fake.archive_thread(thread)
    clock.advance(timedelta(days=7))
    fail_lookup(fake, thread)
    await fire(ready)
    assert asked_in(fake, thread, alice) == []
    assert (
        await ready.db.fetchval(
            "SELECT COUNT(*) FROM match_followups WHERE member_id = ? AND delivery = 'unreachable'",
            (alice.id,),
        )
        == 0
    ), "a server error says nothing about the thread"

    clock.advance(timedelta(minutes=10))
    await fire(ready)
    (asked,) = asked_in(fake, thread, alice)
    assert "couldn't reach you by DM" in asked
    await fire(ready)
    assert len(asked_in(fake, thread, alice)) == 1, "asked once"
    assert len([m for m in fake.dms(bob) if "Have you met yet?" in m.text]) == 1


async def test_a_thread_made_just_before_a_crash_is_archived_at_start_up(
    fake: FakeDiscord, process: BotProcess, guild: Guild, users: dict[str, User], clock: FakeClock
) -> None:
    alice, bob, director = users["alice"], users["bob"], users["director"]
    bot = await start_configured(process, fake, guild, director)
    carl, dora = await newcomer(fake, guild, "carl"), await newcomer(fake, guild, "dora")
    await sign_up_pair(bot, guild, carl, dora)
    kept = await introduce(fake, guild, director, carl, dora)
    await sign_up_pair(bot, guild, alice, bob)
    # The place was reserved and the thread made, then the process died before recording it.
    await bot.services.matching.create_match(guild.id, alice.id, bob.id, director.id)
    await process.stop()
    intros = guild.channel("introductions")
    orphan = guild.add_thread(
        intros, "Intro: alice & bob", owner=fake.world.bot, invitable=False, members=[alice, bob]
    )
    elsewhere = guild.add_thread(
        guild.channel("checkins"), "Check-ins · alice", owner=fake.world.bot, members=[alice]
    )
    clock.advance(timedelta(seconds=30))
    bot = await process.start()

    await fake.wait_until(lambda: orphan.archived, what="the orphaned thread archived")
    assert any("interrupted" in m.text for m in fake.messages(orphan))
    assert not kept.archived, "a recorded introduction thread is left alone"
    assert not elsewhere.archived, "threads in other channels are not the bot's introductions"

    async def none_left() -> bool:
        return await bot.services.matching.active_match_of_mentee(guild.id, alice.id) is None

    await eventually(none_left, "the unfinished reservation dropped")
    thread = (await _introduce_again(fake, guild, director, alice, bob)).id
    assert thread != orphan.id


async def _introduce_again(
    fake: FakeDiscord, guild: Guild, director: User, mentee: User, mentor: User
) -> Thread:
    reply = await (
        await fake.slash(director, guild, "match create", mentee=mentee, mentor=mentor)
    ).answer()
    assert "Introduced" in reply.text, reply.text
    return next(
        t
        for t in fake.threads(guild.channel("introductions"))
        if mentee.id in t.member_ids and not t.archived
    )
