"""What the pair is told when a match ends depends on what happened to their thread: archived,
gone, or left open because Discord refused; a thread left open reaches the director log once.
And a follow-up Discord keeps failing for is asked a few times over about a day, then given up
once, with the directors told."""

from __future__ import annotations

from datetime import timedelta

from bot.app import MentorBot
from bot.services.matching import FOLLOWUP_RETRY_DELAYS
from tests.e2e.support.matching import fire, introduced_pair
from tests.e2e.support.waiting import wait_for_change
from tests.fakediscord import FakeDiscord, Guild, Message, Thread, User
from tests.support import FakeClock

FORBIDDEN = {"code": 50013, "message": "Missing Permissions"}
UNAVAILABLE = {"code": 0, "message": "503: Service Unavailable"}
UNKNOWN_CHANNEL = {"code": 10003, "message": "Unknown Channel"}


def refuse_archive(fake: FakeDiscord, thread: Thread) -> None:
    fake.inject_failure("PATCH", f"/channels/{thread.id}", status=403, body=FORBIDDEN)


async def ended_dm(fake: FakeDiscord, user: User) -> Message:
    return await fake.wait_for_dm(user, lambda m: "Your match has ended" in m.text)


async def log_lines(bot: MentorBot, words: str) -> list[str]:
    rows = await bot.db.fetchall("SELECT text FROM director_log_lines ORDER BY id")
    return [row["text"] for row in rows if words in row["text"]]


async def test_an_archived_thread_is_told_as_archived(
    fake: FakeDiscord, ready: MentorBot, guild: Guild, users: dict[str, User]
) -> None:
    alice, bob, director, thread = await introduced_pair(fake, ready, guild, users)
    await (await fake.slash(director, guild, "match end", mentee=alice, reason="other")).answer()
    for user in (alice, bob):
        told = await ended_dm(fake, user)
        assert "thread is archived; nothing in it is deleted" in told.text
        assert "couldn't archive" not in told.text
    assert thread.archived
    assert await log_lines(ready, "couldn't archive") == []


async def test_a_thread_discord_would_not_archive_is_not_told_as_archived(
    fake: FakeDiscord, ready: MentorBot, guild: Guild, users: dict[str, User]
) -> None:
    alice, bob, director, thread = await introduced_pair(fake, ready, guild, users)
    refuse_archive(fake, thread)
    reply = await (
        await fake.slash(director, guild, "match end", mentee=alice, reason="other")
    ).answer()
    assert "I couldn't archive the introduction thread" in reply.text
    assert not thread.archived
    for user in (alice, bob):
        told = await ended_dm(fake, user)
        assert "is archived" not in told.text, told.text
        assert "I couldn't archive your introduction thread" in told.text
        assert "programme directors have been told" in told.text
    (line,) = await log_lines(ready, "couldn't archive")
    assert f"<#{thread.id}>" in line and f"<@{alice.id}>" in line and f"<@{bob.id}>" in line
    await fake.wait_for_message(
        guild.channel("director-log"), lambda m: "couldn't archive" in m.text
    )


async def test_a_thread_discord_did_not_answer_for_is_not_told_as_archived(
    fake: FakeDiscord, ready: MentorBot, guild: Guild, users: dict[str, User]
) -> None:
    alice, bob, director, thread = await introduced_pair(fake, ready, guild, users)
    await fake.archive_thread(thread)  # out of discord.py's cache: the bot must ask Discord
    fake.inject_failure("GET", f"/channels/{thread.id}", status=503, body=UNAVAILABLE)
    await (await fake.slash(director, guild, "match end", mentee=alice, reason="other")).answer()
    for user in (alice, bob):
        told = await ended_dm(fake, user)
        assert "is archived" not in told.text, told.text
        assert "I couldn't archive your introduction thread" in told.text
    assert len(await log_lines(ready, "couldn't archive")) == 1


async def test_a_thread_that_is_gone_is_not_mentioned(
    fake: FakeDiscord, ready: MentorBot, guild: Guild, users: dict[str, User]
) -> None:
    alice, bob, director, thread = await introduced_pair(fake, ready, guild, users)
    await fake.archive_thread(thread)
    fake.inject_failure("GET", f"/channels/{thread.id}", status=404, body=UNKNOWN_CHANNEL)
    await (await fake.slash(director, guild, "match end", mentee=alice, reason="other")).answer()
    for user in (alice, bob):
        told = await ended_dm(fake, user)
        assert "archive" not in told.text, told.text
    assert await log_lines(ready, "couldn't archive") == []


async def test_deleting_data_with_a_thread_discord_would_not_archive(
    fake: FakeDiscord, ready: MentorBot, guild: Guild, users: dict[str, User]
) -> None:
    alice, bob, _, thread = await introduced_pair(fake, ready, guild, users)
    refuse_archive(fake, thread)
    screen = await (await fake.slash(alice, guild, "privacy delete")).answer()
    done = await (await fake.click(alice, screen, "Delete my data")).answer()
    await wait_for_change(fake, done, lambda m: "is deleted" in m.text, "the outcome")
    told = await ended_dm(fake, bob)
    assert "is archived" not in told.text, told.text
    assert "I couldn't archive your introduction thread" in told.text
    assert not thread.archived
    (line,) = await log_lines(ready, "couldn't archive")
    assert f"<#{thread.id}>" in line and f"<@{bob.id}>" in line
    assert str(alice.id) not in line, "a member who deleted their data is not named"


# -------------------------------------------------------------------- follow-ups


def asked_in(fake: FakeDiscord, thread: Thread, user: User) -> list[str]:
    return [
        m.text
        for m in fake.messages(thread)
        if "have you" in m.text and "first meeting" in m.text and user.id in m.pinged_user_ids()
    ]


async def test_a_follow_up_discord_keeps_failing_for_is_given_up_once(
    fake: FakeDiscord, ready: MentorBot, guild: Guild, users: dict[str, User], clock: FakeClock
) -> None:
    alice, bob, _, thread = await introduced_pair(fake, ready, guild, users)
    alice.dms_closed = True  # her follow-up goes to the pair's thread
    await fake.archive_thread(thread)
    fake.inject_failure("GET", f"/channels/{thread.id}", status=503, body=UNAVAILABLE, times=1000)
    clock.advance(timedelta(days=7))
    await fire(ready)
    asked: list[timedelta] = []
    start = clock.now()
    for delay in FOLLOWUP_RETRY_DELAYS:
        assert await _delivery(ready, alice) is None, "still to be asked"
        clock.advance(delay - timedelta(seconds=1))
        await fire(ready)
        lookups = len(fake.requests_to("GET", f"/channels/{thread.id}"))
        clock.advance(timedelta(seconds=1))
        await fire(ready)
        assert len(fake.requests_to("GET", f"/channels/{thread.id}")) == lookups + 1
        asked.append(clock.now() - start)
    assert timedelta(hours=12) <= asked[-1] <= timedelta(days=2), "over about a day"
    assert await _delivery(ready, alice) == "unreachable"
    assert asked_in(fake, thread, alice) == []
    (line,) = await log_lines(ready, "Have you met yet?")
    assert f"<@{alice.id}>" in line and f"<@{bob.id}>" in line
    await fake.wait_for_message(
        guild.channel("director-log"), lambda m: "Have you met yet?" in m.text
    )

    lookups = len(fake.requests_to("GET", f"/channels/{thread.id}"))
    clock.advance(timedelta(days=3))
    await fire(ready)
    assert len(fake.requests_to("GET", f"/channels/{thread.id}")) == lookups, "given up"
    assert len(await log_lines(ready, "Have you met yet?")) == 1, "the directors told once"


async def _delivery(bot: MentorBot, user: User) -> str | None:
    value: str | None = await bot.db.fetchval(
        "SELECT delivery FROM match_followups WHERE member_id = ?", (user.id,)
    )
    return value
