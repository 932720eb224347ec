"""`/cohort` as a test drives it: members signed up before any cohort, a cohort seeded
through the real commands and timers, and the chart and CSV read back as a director gets
them."""

from __future__ import annotations

import csv
import io
import struct
from datetime import UTC, datetime

from bot.app import MentorBot
from tests.e2e.support.checkins import click_goal, prompts
from tests.e2e.support.members import finish_sign_up
from tests.e2e.support.waiting import eventually
from tests.fakediscord import FakeDiscord, Guild, Message, User
from tests.support import FakeClock

START = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)  # a Monday: the cohort's first day
WEEK_1, WEEK_2, WEEK_3, WEEK_4 = (
    datetime(2026, 11, day, 9, 0, tzinfo=UTC) for day in (9, 16, 23, 30)
)
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"

# Words members write; none may reach a director's screen or file.
WORDS = {
    "alice": ("BIO-alice-marmalade", "GOAL-alice-kestrel"),
    "bob": ("BIO-bob-tangerine", ""),
    "carl": ("BIO-carl-quokka", "GOAL-carl-sextant"),
    "dave": ("BIO-dave-lichen", "GOAL-dave-gondola"),
}
TOPIC = "TOPIC-alice-zeppelin"


def words() -> list[str]:
    return [w for pair in WORDS.values() for w in pair if w] + [TOPIC]


async def member(
    bot: MentorBot,
    fake: FakeDiscord,
    guild: Guild,
    name: str,
    role: str,
    *,
    bio: str = "",
    goal: str = "",
    capacity: int = 2,
) -> User:
    """A member who finished sign-up (check-ins Mondays 9:00 in London, UTC in November)."""
    user = fake.world.add_user(name)
    guild.add_member(user)
    answers: dict[str, object] = {
        "role": role,
        "areas": ["data"],
        "bio": bio,
        "experience": "3-5",
        "timezone": "Europe/London",
        "checkin": ["Monday", "9am"],
        "consent": "agree",
    }
    answers |= (
        {"goals": goal or f"Grow as {name}"} if role == "mentee" else {"capacity": str(capacity)}
    )
    await finish_sign_up(bot, guild, user, answers)
    await bot.services.checkins.ensure_schedule(guild.id, user.id)
    return user


async def sign_ups(bot: MentorBot, fake: FakeDiscord, guild: Guild) -> dict[str, User]:
    """Alice, Carl and Dave (mentees) and Bob (a mentor with 2 places) sign up while no
    cohort is open; Erin joins the server and does not finish."""
    people = {}
    for name, (bio, goal) in WORDS.items():
        role = "mentor" if name == "bob" else "mentee"
        people[name] = await member(bot, fake, guild, name, role, bio=bio, goal=goal)
    erin = fake.world.add_user("erin")
    guild.add_member(erin)
    await bot.services.onboarding.start(guild.id, erin.id)
    people["erin"] = erin
    return people


async def slash(
    fake: FakeDiscord, user: User, guild: Guild, command: str, **options: object
) -> Message:
    return await (await fake.slash(user, guild, command, **options)).answer()  # type: ignore[arg-type]


async def checkin_week(
    bot: MentorBot,
    fake: FakeDiscord,
    clock: FakeClock,
    when: datetime,
    answering: User,
    goal: str,
    quiet: tuple[User, ...] = (),
) -> None:
    """Monday's prompts go out (to `answering` and each of `quiet`); `answering` marks their
    goal on track, the others stay quiet."""
    before = {user.id: len(prompts(fake, user)) for user in (answering, *quiet)}
    clock.set(when)
    await bot.timers["checkins"].fire()
    for user in quiet:
        await fake.wait_until(
            lambda u=user: len(prompts(fake, u)) > before[u.id], what=f"{user.name}'s prompt"
        )
    message = await fake.wait_until(
        lambda: (
            prompts(fake, answering)[before[answering.id]]
            if len(prompts(fake, answering)) > before[answering.id]
            else None
        ),
        what=f"{answering.name}'s prompt",
    )
    await click_goal(fake, answering, message, goal, "On track")

    async def answered() -> bool:
        return bool(
            await bot.db.fetchval(
                "SELECT 1 FROM checkin_periods WHERE user_id = ? AND due_at LIKE ? "
                "AND status = 'answered'",
                (answering.id, when.date().isoformat() + "%"),
            )
        )

    await eventually(answered, f"{answering.name}'s answer recorded")


def png_size(data: bytes) -> tuple[int, int]:
    """Width and height from the PNG's IHDR chunk (which must come first)."""
    assert data[:8] == PNG_SIGNATURE, "not a PNG"
    length, kind = struct.unpack(">I4s", data[8:16])
    assert kind == b"IHDR" and length == 13
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def csv_tables(text: str) -> list[list[list[str]]]:
    """The export's tables (split at blank lines), each a list of rows."""
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    tables: list[list[list[str]]] = [[]]
    for row in rows:
        if not row:
            tables.append([])
        else:
            tables[-1].append(row)
    return [t for t in tables if t]
