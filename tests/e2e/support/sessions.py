"""Sessions as a test drives them: a private director log, logging a session, its thread,
writing a reflection through the form, the fit DM and the reminder timer."""

from __future__ import annotations

from typing import Any

from bot.app import MentorBot
from tests.e2e.support.waiting import wait_for_change
from tests.fakediscord import FakeDiscord, Guild, Interaction, Message, P, Thread, User

TIMER = "session_reminders"
DEFERRED_UPDATE, UPDATE = 6, 7  # interaction callbacks that update the clicked message
WRITE = "Write my reflection"


async def private_director_log(fake: FakeDiscord, guild: Guild) -> None:
    """The director log as a real server keeps it: directors (and the bot) only."""
    channel = guild.channel("director-log")
    await fake.set_channel_overwrite(channel, guild.everyone, deny=P.VIEW_CHANNEL)
    await fake.set_channel_overwrite(channel, guild.role("Director"), allow=P.VIEW_CHANNEL)
    bot_role = guild.bot_role()
    assert bot_role is not None
    await fake.set_channel_overwrite(channel, bot_role, allow=P.VIEW_CHANNEL)


async def log(fake: FakeDiscord, user: User, guild: Guild, **options: Any) -> Interaction:
    """/session log as `user` (minutes 45 unless given; `minutes=None` opens the form)."""
    options.setdefault("minutes", 45)
    return await fake.slash(user, guild, "session log", **options)


def session_threads(fake: FakeDiscord, guild: Guild) -> list[Thread]:
    return fake.threads(guild.channel("sessions"))


async def thread_of(fake: FakeDiscord, guild: Guild, number: int = 1) -> Thread:
    """The `number`-th session thread, once the bot has made it and posted its prompt."""

    def made() -> Thread | None:
        threads = session_threads(fake, guild)
        if len(threads) < number:
            return None
        thread = threads[number - 1]
        return thread if any(WRITE in m.button_labels for m in fake.messages(thread)) else None

    return await fake.wait_until(made, what=f"session thread {number} with its prompt")


def prompt(fake: FakeDiscord, thread: Thread) -> Message:
    return next(m for m in fake.messages(thread) if WRITE in m.button_labels)


def bot_posts(fake: FakeDiscord, thread: Thread) -> list[Message]:
    return [m for m in fake.messages(thread) if m.author.id == fake.world.bot.id]


async def reflect(
    fake: FakeDiscord,
    user: User,
    message: Message,
    answers: dict[str, str],
    *,
    share: bool,
    button: str = WRITE,
) -> Message:
    """Press `button` (Write my reflection), fill in the form, choose who reads it, submit;
    the private confirmation the author gets."""
    opened = await fake.click(user, message, button)
    await opened.response()
    assert opened.modal is not None, f"expected the reflection form, got {opened.response_type}"
    submitted = await fake.submit_modal(
        user, opened, answers | {"share": ["shared" if share else "private"]}
    )
    reply = await submitted.answer()
    assert submitted.ephemeral
    return reply


async def click(fake: FakeDiscord, user: User, message: Message, label: str) -> Message:
    """Press a button and return what the member then sees: a new reply, or the clicked
    message once the bot has updated it."""
    current = fake.world.find_message(message.id)
    assert current is not None
    before = current.edits
    h = await fake.click(user, current, label)
    await h.response()
    if h.response_type in (DEFERRED_UPDATE, UPDATE):
        return await wait_for_change(
            fake, current, lambda m: m.edits > before, f"the update after {label!r}"
        )
    return await h.answer()


def fit_dms(fake: FakeDiscord, user: User) -> list[Message]:
    return [m for m in fake.dms(user) if "How is it going with your mentor?" in m.text]


async def fire(bot: MentorBot) -> None:
    """Run the reminder timer's own work now (the test has moved the clock)."""
    await bot.timers[TIMER].fire()


def reminders_to(fake: FakeDiscord, thread: Thread, user: User) -> list[Message]:
    return [
        m for m in bot_posts(fake, thread) if "gentle nudge" in m.text and user.mention in m.text
    ]
