"""Director-log lines survive a crash: recorded with the event, posted once after restart.

The crash is played by holding the line sender (as if the process died between the event
and the post) and restarting; a crash after Discord took the post but before it was marked
sent is played by clearing the mark, as the check-in tests do for prompts.
"""

from __future__ import annotations

from bot.app import MentorBot
from tests.e2e.support.checkins import sign_up
from tests.e2e.support.process import BotProcess, fast
from tests.e2e.support.server import start_configured
from tests.e2e.support.waiting import eventually
from tests.fakediscord import FakeDiscord, Guild, Message, User


def signed_up_lines(fake: FakeDiscord, guild: Guild, user: User) -> list[Message]:
    return [
        m
        for m in fake.messages(guild.channel("director-log"))
        if m.text == f"✅ <@{user.id}> signed up as a mentee."
    ]


async def posted(bot: MentorBot) -> int:
    return int(
        await bot.db.fetchval("SELECT count(*) FROM director_log_lines WHERE sent_at IS NOT NULL")
    )


async def test_a_line_recorded_before_a_crash_is_posted_once_after_restart(
    fake: FakeDiscord, process: BotProcess, guild: Guild, users: dict[str, User]
) -> None:
    bot = await start_configured(process, fake, guild, users["director"])
    bot.delivery.director_log_sender.pause(3600)  # the process dies before it posts
    rosa = await sign_up(bot, fake, guild, "rosa")
    assert await bot.db.fetchval("SELECT count(*) FROM director_log_lines") == 1
    assert signed_up_lines(fake, guild, rosa) == []

    bot = await process.restart()
    fast(bot)
    await fake.wait_until(lambda: signed_up_lines(fake, guild, rosa), what="the line")
    await eventually(lambda: posted(bot), "the line marked posted")
    assert len(signed_up_lines(fake, guild, rosa)) == 1
    [line] = signed_up_lines(fake, guild, rosa)
    assert not line.pinged_user_ids(), "names members without pinging them"

    # Discord took the post, then the bot stopped before marking it: found, not re-posted.
    await bot.db.execute("UPDATE director_log_lines SET sent_at = NULL, message_id = NULL")
    bot = await process.restart()
    await eventually(lambda: posted(bot), "the line found and marked posted")
    assert len(signed_up_lines(fake, guild, rosa)) == 1
    assert fake.requests_to("GET", "/channels/{channel_id}/messages")
    assert await bot.db.fetchval("SELECT message_id FROM director_log_lines") == line.id
