"""/setup as a director uses it: roles, channels, and the health check."""

from __future__ import annotations

from bot.app import MentorBot
from tests.e2e.support.matching import introduced_pair
from tests.e2e.support.process import BotProcess
from tests.e2e.support.server import configure, setup_channels, setup_roles, start_configured
from tests.e2e.support.sessions import log, thread_of
from tests.e2e.support.waiting import eventually
from tests.fakediscord import FakeDiscord, Guild, P, User


async def test_setup_roles_channels_and_a_healthy_show(
    fake: FakeDiscord, bot: MentorBot, guild: Guild, users: dict[str, User]
) -> None:
    await configure(fake, guild, users["director"])
    settings = await bot.services.settings.get(guild.id)
    assert settings.mentor_role_id == guild.role("Mentor").id
    assert settings.sessions_channel_id == guild.channel("sessions").id
    assert settings.director_log_channel_id == guild.channel("director-log").id

    h = await fake.slash(users["director"], guild, "setup show")
    reply = await h.answer()
    assert h.ephemeral and reply.ephemeral
    text = reply.text
    assert "Everything the bot needs is in place" in text
    assert f"<@&{guild.role('Mentor').id}>" in text
    assert f"<#{guild.channel('introductions').id}>" in text
    assert "The bot can give this role." in text
    assert "❌" not in text
    # Nothing was posted publicly.
    assert fake.messages(guild.channel("general")) == []


async def test_health_check_reports_missing_thread_permission_and_high_role(
    fake: FakeDiscord, bot: MentorBot, guild: Guild, users: dict[str, User]
) -> None:
    await configure(fake, guild, users["director"])
    bot_role = guild.bot_role()
    assert bot_role is not None
    await fake.set_channel_overwrite(
        guild.channel("introductions"), bot_role, deny=P.CREATE_PRIVATE_THREADS
    )
    await fake.update_role(guild.role("Mentor"), position=bot_role.position + 1)

    h = await fake.slash(users["director"], guild, "setup show")
    text = (await h.answer()).text
    assert "2 problems" in text
    assert "#introductions (introductions)" in text
    assert "missing **Create Private Threads**" in text
    assert "allow Create Private Threads for the bot's role" in text
    assert "@Mentor (Mentor role)" in text
    assert "above the bot's highest role" in text
    assert "drag @mentorbot above @Mentor" in text


async def test_setup_roles_warns_at_once_about_a_role_above_the_bot(
    fake: FakeDiscord, bot: MentorBot, guild: Guild, users: dict[str, User]
) -> None:
    bot_role = guild.bot_role()
    assert bot_role is not None
    await fake.update_role(guild.role("Mentee"), position=bot_role.position + 1)
    h = await setup_roles(fake, guild, users["director"])
    text = (await h.answer()).text
    assert "Saved" in text
    assert "@Mentee (Mentee role)" in text and "Fix:" in text


async def test_roles_that_can_read_private_threads_are_listed(
    fake: FakeDiscord, process: BotProcess, guild: Guild, users: dict[str, User]
) -> None:
    moderators = guild.add_role("Moderators", permissions=P.MANAGE_THREADS, position=1)
    guild.add_role("Admins", permissions=P.ADMINISTRATOR, position=1)
    await start_configured(process, fake, guild, users["director"])
    text = (await (await fake.slash(users["director"], guild, "setup show")).answer()).text
    assert "@Moderators (Manage Threads)" in text
    assert "@Admins (Administrator)" in text
    assert "breaks the confidentiality" in text
    # Denying Manage Threads in the sessions channel removes the moderators there.
    await fake.set_channel_overwrite(guild.channel("sessions"), moderators, deny=P.MANAGE_THREADS)
    text = (await (await fake.slash(users["director"], guild, "setup show")).answer()).text
    assert text.count("@Moderators (Manage Threads)") == 1


async def test_show_before_setup_says_what_to_run(
    fake: FakeDiscord, bot: MentorBot, guild: Guild, users: dict[str, User]
) -> None:
    text = (await (await fake.slash(users["olivia"], guild, "setup show")).answer()).text
    assert "Run `/setup roles`" in text
    assert "Run `/setup channels`" in text


async def test_integration_role_is_refused(
    fake: FakeDiscord, bot: MentorBot, guild: Guild, users: dict[str, User]
) -> None:
    bot_role = guild.bot_role()
    assert bot_role is not None
    h = await setup_roles(fake, guild, users["director"], mentor=bot_role)
    text = (await h.answer()).text
    assert h.ephemeral
    assert "belongs to an integration" in text
    assert (await bot.services.settings.get(guild.id)).mentor_role_id is None


async def test_same_role_for_mentor_and_mentee_is_refused(
    fake: FakeDiscord, bot: MentorBot, guild: Guild, users: dict[str, User]
) -> None:
    h = await setup_roles(fake, guild, users["director"], mentee=guild.role("Mentor"))
    assert "two different roles" in (await h.answer()).text


async def test_settings_are_per_server(
    fake: FakeDiscord, process: BotProcess, guild: Guild, users: dict[str, User]
) -> None:
    other = fake.world.add_guild("Another Server", owner=users["olivia"])
    other.add_text_channel("general")
    other.add_member(users["director"])
    bot = await start_configured(process, fake, guild, users["director"])
    assert (await bot.services.settings.get(other.id)).mentor_role_id is None
    text = (await (await fake.slash(users["olivia"], other, "setup show")).answer()).text
    assert "Run `/setup roles`" in text


async def test_announcement_channels_cannot_hold_private_threads(
    fake: FakeDiscord, process: BotProcess, guild: Guild, users: dict[str, User]
) -> None:
    news = guild.add_announcement_channel("news")
    bot = await process.start()
    h = await setup_channels(fake, guild, users["director"], introductions=news)
    reply = await h.answer()
    assert h.ephemeral and "announcement channel" in reply.text
    assert (await bot.services.settings.get(guild.id)).introductions_channel_id is None
    # As the director log (messages only) it is fine.
    h = await setup_channels(fake, guild, users["director"], director_log=news)
    assert "Saved" in (await h.answer()).text


async def test_show_counts_sessions_still_waiting_for_their_thread(
    fake: FakeDiscord, ready: MentorBot, guild: Guild, users: dict[str, User]
) -> None:
    alice, _bob, director, _ = await introduced_pair(fake, ready, guild, users)
    sessions = guild.channel("sessions")
    bot_role = guild.bot_role()
    assert bot_role is not None
    await fake.set_channel_overwrite(sessions, bot_role, deny=P.CREATE_PRIVATE_THREADS)
    assert "The session is saved" in (await (await log(fake, alice, guild)).answer()).text

    text = (await (await fake.slash(director, guild, "setup show")).answer()).text
    assert "missing **Create Private Threads**" in text
    assert "**Session threads**: 1 session is still waiting for its private thread." in text
    assert "pick another sessions channel with `/setup channels`" in text

    # Fixed: the thread is made and the health check has nothing more to say about it.
    await fake.set_channel_overwrite(sessions, bot_role, allow=P.CREATE_PRIVATE_THREADS)
    await thread_of(fake, guild)

    async def none_waiting() -> bool:
        return await ready.services.sessions.reports.waiting_for_thread(guild.id) == 0

    await eventually(none_waiting, "the session thread recorded ready")
    text = (await (await fake.slash(director, guild, "setup show")).answer()).text
    assert "Everything the bot needs is in place" in text
    assert "Session threads" not in text
