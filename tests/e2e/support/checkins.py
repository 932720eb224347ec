"""Check-ins as a test drives them: mentees with a schedule, the timer, and the prompt DM."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.app import MentorBot
from tests.e2e.support.members import finish_sign_up
from tests.e2e.support.process import BotProcess
from tests.e2e.support.screens import settled
from tests.e2e.support.server import start_configured
from tests.e2e.support.waiting import eventually
from tests.fakediscord import FakeDiscord, Guild, Interaction, Message, User
from tests.support import FakeClock

MONDAY_0900 = datetime(2026, 11, 9, 9, 0, tzinfo=UTC)  # Europe/London is on UTC in November
GOALS = "Lead my first team\nSpeak at a meetup"


async def sign_up(
    bot: MentorBot,
    fake: FakeDiscord,
    guild: Guild,
    name: str,
    *,
    role: str = "mentee",
    checkin: tuple[str, str] = ("Monday", "9am"),
    timezone: str = "Europe/London",
    goals: str = GOALS,
    dms_closed: bool = False,
) -> User:
    """A member who signed up, through the services (what onboarding's finish does)."""
    user = fake.world.add_user(name, dms_closed=dms_closed)
    guild.add_member(user)
    answers: dict[str, object] = {
        "role": role,
        "areas": ["leadership"],
        "bio": "",
        "experience": "3-5" if role == "mentee" else "10+",
        "timezone": timezone,
        "checkin": list(checkin),
        "consent": "agree",
    }
    answers |= {"goals": goals} if role == "mentee" else {"capacity": "3"}
    await finish_sign_up(bot, guild, user, answers)
    await bot.services.checkins.ensure_schedule(guild.id, user.id)
    return user


async def signed_up_then_down(
    process: BotProcess,
    fake: FakeDiscord,
    guild: Guild,
    director: User,
    clock: FakeClock,
    name: str,
    back_at: datetime,
) -> tuple[MentorBot, User]:
    """A mentee signs up, the bot stops, and starts again at `back_at` (the test fires no
    timer: start-up itself must deal with what came due meanwhile)."""
    bot = await start_configured(process, fake, guild, director)
    user = await sign_up(bot, fake, guild, name)
    await process.stop()
    clock.set(back_at)
    return await process.start(), user


def prompts(fake: FakeDiscord, user: User) -> list[Message]:
    return [m for m in fake.dms(user) if is_prompt(m)]


def is_prompt(message: Message) -> bool:
    return "Check-in ·" in message.text


def button_id(message: Message, goal: str, label: str) -> str:
    """The custom id of `label` on the row that names `goal`."""
    for row in message.components:
        buttons = row.get("components", [])
        if buttons and str(buttons[0].get("label", "")).endswith(goal):
            for button in buttons:
                if button.get("label") in (label, f"✓ {label}"):
                    return str(button["custom_id"])
    raise AssertionError(f"no {label!r} button for goal {goal!r} in {message.components}")


async def click_goal(
    fake: FakeDiscord, user: User, message: Message, goal: str, label: str
) -> Message:
    current = fake.world.find_message(message.id)
    assert current is not None
    h = await fake.click(user, current, custom_id=button_id(current, goal, label))
    return await settled(fake, h, current, current.edits)


async def write_note(
    fake: FakeDiscord, user: User, message: Message, note: str, *, share: bool
) -> Interaction:
    current = fake.world.find_message(message.id)
    assert current is not None
    note_button = next(b for b in current.buttons if b["custom_id"].startswith("mb:ci:note:"))
    opened = await fake.click(user, current, custom_id=note_button["custom_id"])
    await opened.response()
    assert opened.modal is not None and opened.modal["title"] == "Check-in note"
    return await fake.submit_modal(
        user, opened, {"note": note, "share": ["share" if share else "private"]}
    )


async def fire(bot: MentorBot) -> datetime | None:
    """Run the check-in timer's own work now (the test has moved the clock)."""
    return await bot.timers["checkins"].fire()


async def sent_count(bot: MentorBot) -> int:
    return int(
        await bot.db.fetchval("SELECT count(*) FROM checkin_periods WHERE sent_at IS NOT NULL")
    )


async def wait_sent(bot: MentorBot, count: int) -> None:
    """Until `count` prompts are marked sent: the test moves the clock only after that."""

    async def marked() -> bool:
        return await sent_count(bot) >= count

    await eventually(marked, f"{count} prompt(s) marked sent")
