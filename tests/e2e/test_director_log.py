"""Director-log lines survive a crash: recorded with the event, posted once after restart.

The crash is played by holding the line sender (as if the process died between the event
and the post) and restarting; a crash after Discord took the post but before it was marked
sent is played by clearing the mark, as the check-in tests do for prompts.
"""

from __future__ import annotations

from bot.app import MentorBot
from tests.e2e.support.checkins import sign_up
from tests.e2e.support.process import BotProcess, fast
from tests.e2e.support.server import setup_channels, setup_roles, start_configured
from tests.e2e.support.waiting import eventually
from tests.fakediscord import FakeDiscord, Guild, Message, User


def signed_up(user: User) -> str:
    return f"✅ <@{user.id}> signed up as a mentee."


def signed_up_lines(fake: FakeDiscord, guild: Guild, user: User) -> list[Message]:
    return [m for m in fake.messages(guild.channel("director-log")) if m.text == signed_up(user)]


async def recorded(bot: MentorBot, text: str) -> int:
    """How many lines with exactly `text` are recorded (the `/setup` lines are others)."""
    return int(
        await bot.db.fetchval("SELECT count(*) FROM director_log_lines WHERE text = ?", (text,))
    )


async def posted(bot: MentorBot, text: str) -> int:
    return int(
        await bot.db.fetchval(
            "SELECT count(*) FROM director_log_lines WHERE text = ? AND sent_at IS NOT NULL",
            (text,),
        )
    )


async def all_handled(bot: MentorBot) -> bool:
    """No line is still waiting to be posted."""
    waiting = await bot.db.fetchval(
        "SELECT count(*) FROM director_log_lines WHERE sent_at IS NULL AND dropped_at IS NULL"
    )
    return waiting == 0


async def test_a_line_recorded_before_a_crash_is_posted_once_after_restart(
    fake: FakeDiscord, process: BotProcess, guild: Guild, users: dict[str, User]
) -> None:
    bot = await start_configured(process, fake, guild, users["director"])
    bot.delivery.director_log_sender.pause(3600)  # the process dies before it posts
    rosa = await sign_up(bot, fake, guild, "rosa")
    assert await recorded(bot, signed_up(rosa)) == 1
    assert signed_up_lines(fake, guild, rosa) == []

    bot = await process.restart()
    fast(bot)
    await fake.wait_until(lambda: signed_up_lines(fake, guild, rosa), what="the line")
    await eventually(lambda: posted(bot, signed_up(rosa)), "the line marked posted")
    assert len(signed_up_lines(fake, guild, rosa)) == 1
    [line] = signed_up_lines(fake, guild, rosa)
    assert not line.pinged_user_ids(), "names members without pinging them"

    # Discord took the post, then the bot stopped before marking it: found, not re-posted.
    await bot.db.execute(
        "UPDATE director_log_lines SET sent_at = NULL, message_id = NULL WHERE text = ?",
        (signed_up(rosa),),
    )
    bot = await process.restart()
    await eventually(lambda: posted(bot, signed_up(rosa)), "the line found and marked posted")
    assert len(signed_up_lines(fake, guild, rosa)) == 1
    assert fake.requests_to("GET", "/channels/{channel_id}/messages")
    message_id = await bot.db.fetchval(
        "SELECT message_id FROM director_log_lines WHERE text = ?", (signed_up(rosa),)
    )
    assert message_id == line.id


async def test_setup_roles_and_channels_tell_the_log_who_chose_what(
    fake: FakeDiscord, ready: MentorBot, guild: Guild, users: dict[str, User]
) -> None:
    director, log = users["director"], guild.channel("director-log")
    role = {name: f"<@&{guild.role(name).id}>" for name in ("Director", "Mentor", "Mentee")}
    channel = {
        name: f"<#{guild.channel(name).id}>"
        for name in ("introductions", "sessions", "checkins", "director-log")
    }
    # `/setup channels` while configuring: every channel named, by mention.
    channels_line = (
        f"⚙️ <@{director.id}> set the programme channels: introductions "
        f"{channel['introductions']}, sessions {channel['sessions']}, check-in fallback "
        f"{channel['checkins']}, director log {channel['director-log']}."
    )
    await fake.wait_for_message(log, lambda m: m.text == channels_line)
    # The first `/setup roles` ran before the log was chosen: its line may have been dropped.
    await eventually(lambda: all_handled(ready), "the configuration's lines posted or dropped")
    configured = fake.messages(log)[-1]

    # `/setup roles` once the log is set: the director and the three roles, nobody pinged.
    reply = await (await setup_roles(fake, guild, director)).answer()
    assert "Saved" in reply.text
    roles_line = (
        f"⚙️ <@{director.id}> set the programme roles: Director {role['Director']}, "
        f"Mentor {role['Mentor']}, Mentee {role['Mentee']}."
    )
    line = await fake.wait_for_message(log, lambda m: m.text == roles_line, after=configured)
    assert not line.mentions_allowed, "names the director and the roles without pinging"

    # In the server's language, an unset channel named as such.
    await (await fake.slash(director, guild, "setup language", language="zh-CN")).answer()
    await (await setup_channels(fake, guild, director, director_log=log)).answer()
    chinese = (
        f"⚙️ <@{director.id}> 设置了计划频道：介绍 {channel['introductions']}，会面 "
        f"{channel['sessions']}，打卡备用 无，负责人日志 {channel['director-log']}。"
    )
    await fake.wait_for_message(log, lambda m: m.text == chinese)
    texts = [m.text for m in fake.messages(log)]
    later = [m.text for m in fake.messages(log) if m.id > configured.id]
    assert texts.count(channels_line) == 1 and later.count(roles_line) == 1
