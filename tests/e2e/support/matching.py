"""Matching as a test drives it: members signed up for matching, introductions, and the
"Have you met yet?" follow-ups."""

from __future__ import annotations

from bot.app import MentorBot
from tests.e2e.support.members import finish_sign_up, newcomer
from tests.fakediscord import FakeDiscord, Guild, Message, Thread, User

TIMER = "match_followups"


async def sign_up(
    bot: MentorBot,
    guild: Guild,
    user: User,
    role: str,
    areas: list[str],
    timezone: str,
    capacity: int = 1,
) -> None:
    """A member with the areas, time zone and (for a mentor) places that matching reads."""
    answers: dict[str, object] = {"role": role, "areas": areas, "bio": f"I am {user.name}"}
    if role == "mentee":
        answers["goals"] = f"Grow as {user.name}"
    else:
        answers["capacity"] = str(capacity)
    answers |= {
        "experience": "3-5",
        "timezone": timezone,
        "checkin": ["Monday", "9am"],
        "consent": "agree",
    }
    await finish_sign_up(bot, guild, user, answers)


async def sign_up_pair(bot: MentorBot, guild: Guild, mentee: User, mentor: User) -> None:
    """The usual pair: both in Data, both in London, the mentor with one place."""
    await sign_up(bot, guild, mentee, "mentee", ["data"], "Europe/London")
    await sign_up(bot, guild, mentor, "mentor", ["data"], "Europe/London")


async def introduce(
    fake: FakeDiscord, guild: Guild, director: User, mentee: User, mentor: User
) -> Thread:
    """/match create by a director; the private introduction thread it made. The answer is
    in the server's language (English, or Chinese once `/setup language` says so)."""
    reply = await (
        await fake.slash(director, guild, "match create", mentee=mentee, mentor=mentor)
    ).answer()
    assert "Introduced" in reply.text or "介绍给" in reply.text, reply.text
    return next(
        t for t in fake.threads(guild.channel("introductions")) if mentee.id in t.member_ids
    )


async def introduced_pair(
    fake: FakeDiscord, bot: MentorBot, guild: Guild, users: dict[str, User]
) -> tuple[User, User, User, Thread]:
    """Alice and Bob signed up as the usual pair, then introduced by the director:
    (alice, bob, director, their introduction thread)."""
    alice, bob, director = users["alice"], users["bob"], users["director"]
    await sign_up_pair(bot, guild, alice, bob)
    return alice, bob, director, await introduce(fake, guild, director, alice, bob)


async def cohort_for_a_proposal(
    fake: FakeDiscord, bot: MentorBot, guild: Guild, users: dict[str, User]
) -> tuple[User, User, User]:
    """A cohort /match suggest pairs as a whole: Alice (Data, London) and Carl (Design,
    Tokyo) as mentees, Bob a mentor of both areas with two places: (alice, carl, bob)."""
    alice, bob = users["alice"], users["bob"]
    carl = await newcomer(fake, guild, "carl")
    await sign_up(bot, guild, alice, "mentee", ["data"], "Europe/London")
    await sign_up(bot, guild, carl, "mentee", ["design"], "Asia/Tokyo")
    await sign_up(bot, guild, bob, "mentor", ["data", "design"], "Europe/London", 2)
    return alice, carl, bob


def followups(fake: FakeDiscord, user: User) -> list[Message]:
    return [m for m in fake.dms(user) if "Have you met yet?" in m.text and m.buttons]


async def fire(bot: MentorBot) -> None:
    """Run the follow-up timer's own work now (the test has moved the clock)."""
    await bot.timers[TIMER].fire()
