"""What the unit tests share: ids; rows seeded straight into the real SQLite file (members,
a mentor matched with a mentee, server settings); the check-in services wired as the bot
wires them; the profiles the matching rules read; and the length of a clock change.

Test modules import from here, never from each other; fixtures stay in
tests/unit/conftest.py.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bot.db.database import Database
from bot.domain import questionnaire as qn
from bot.domain.matching import MenteeProfile, MentorProfile
from bot.services.checkins import CheckinService
from bot.services.goals import GoalService
from bot.services.onboarding import OnboardingService
from bot.services.settings import SettingsService
from tests.support import REPO, FakeClock

GUILD = 111_111_111_111_111_111
MENTEE = 222_222_222_222_222_222
MENTOR = 333_333_333_333_333_333


async def add_member(
    db: Database,
    clock: FakeClock,
    user_id: int = MENTEE,
    *,
    guild_id: int = GUILD,
    role: str = "mentee",
    timezone: str | None = "Europe/London",
    weekday: int | None = 0,
    at: str | None = "09:00",
    answers: dict[str, object] | None = None,
    capacity: int | None = None,
) -> None:
    """A signed-up member, written directly (signing up is the onboarding tests' subject).

    By default a mentee in London whose check-ins are on Mondays at 09:00."""
    await db.execute(
        "INSERT INTO members (guild_id, user_id, status, role, answers, timezone, capacity, "
        "checkin_weekday, checkin_time, updated_at) "
        "VALUES (?, ?, 'onboarded', ?, ?, ?, ?, ?, ?, ?)",
        (
            guild_id,
            user_id,
            role,
            json.dumps(answers or {}),
            timezone,
            capacity,
            weekday,
            at,
            clock.now().isoformat(),
        ),
    )


async def add_match(
    db: Database,
    clock: FakeClock,
    mentee: int = MENTEE,
    mentor: int = MENTOR,
    *,
    guild_id: int = GUILD,
    created_by: int = 1,
) -> None:
    """An active match between two members who are already in the table."""
    await db.execute(
        "INSERT INTO matches (guild_id, mentee_id, mentor_id, created_at, created_by) "
        "VALUES (?, ?, ?, ?, ?)",
        (guild_id, mentee, mentor, clock.now().isoformat(), created_by),
    )


async def add_mentor_of(
    db: Database, clock: FakeClock, mentee: int = MENTEE, mentor: int = MENTOR
) -> None:
    """`mentor` signs up (no check-ins: mentors have none) and is matched with `mentee`."""
    await add_member(db, clock, mentor, role="mentor", weekday=None, at=None)
    await add_match(db, clock, mentee, mentor)


async def add_guild_settings(
    db: Database, clock: FakeClock, guild_id: int = GUILD, **columns: object
) -> None:
    """A server's settings row with `columns` set (e.g. `checkin_grace_hours=2`); the rest
    keep their defaults."""
    names = "".join(f", {name}" for name in columns)  # the test's own column names
    marks = ", ?" * len(columns)
    await db.execute(
        f"INSERT INTO guild_settings (guild_id{names}, updated_at) VALUES (?{marks}, ?)",  # noqa: S608
        (guild_id, *columns.values(), clock.now().isoformat()),
    )


@dataclass
class CheckinStack:
    """The check-in service and the services it reads, over one database and clock."""

    db: Database
    clock: FakeClock
    settings: SettingsService
    goals: GoalService
    checkins: CheckinService


def checkin_stack(db: Database, clock: FakeClock) -> CheckinStack:
    """The check-in services wired as the bot wires them."""
    settings = SettingsService(db, clock)
    goals = GoalService(db, clock)
    return CheckinStack(db, clock, settings, goals, CheckinService(db, clock, settings, goals))


def mentee_profile(
    member_id: int = 1,
    areas: Iterable[str] = (),
    goals: Iterable[str] = (),
    tz: str = "Europe/London",
) -> MenteeProfile:
    """A mentee as the matching rules see her; `goals` are the areas her goals name."""
    return MenteeProfile(
        member_id=member_id,
        display_name=f"mentee {member_id}",
        areas=frozenset(areas),
        goal_areas=frozenset(goals),
        timezone=tz,
    )


def mentor_profile(
    member_id: int = 100,
    areas: Iterable[str] = (),
    tz: str = "Europe/London",
    capacity: int = 3,
    active: int = 0,
) -> MentorProfile:
    """A mentor as the matching rules see him, with `active` of `capacity` places taken."""
    return MentorProfile(
        member_id=member_id,
        display_name=f"mentor {member_id}",
        areas=frozenset(areas),
        timezone=tz,
        capacity=capacity,
        active_mentees=active,
    )


def gap_length(naive: datetime, zone: ZoneInfo) -> timedelta:
    """Offset after minus offset before a transition around ``naive`` (positive in a
    spring-forward gap: how far a wall time in it is moved)."""
    after = naive.replace(tzinfo=zone, fold=1).utcoffset()
    before = naive.replace(tzinfo=zone, fold=0).utcoffset()
    assert after is not None
    assert before is not None
    return after - before


# --------------------------------------------------------------------------- sign-up

QUESTIONNAIRE = qn.load_questionnaire(REPO / "data" / "questionnaire.toml")

MENTEE_STEPS: list[dict[str, object]] = [
    {"language": "en"},
    {"role": "mentee"},
    {"areas": ["leadership", "product"]},
    {"goals": "Lead my first team\n- Speak at a meetup", "bio": "Backend developer"},
    {"experience": "3-5"},
    {"timezone": "europe/london"},
    {"checkin": ["Monday", "9am"]},
    {"consent": "agree"},
]
MENTOR_STEPS: list[dict[str, object]] = [
    {"language": "en"},
    {"role": "mentor"},
    {"areas": ["leadership"]},
    {"capacity": "3"},
    {"bio": ""},
    {"experience": "10+"},
    {"timezone": "America/New_York"},
    {"checkin": ["fri", "16:30"]},
    {"consent": "agree"},
]


async def walk_signup(
    service: OnboardingService, guild_id: int, user: int, steps: list[dict[str, object]]
) -> None:
    """Answer the sign-up screens in order; complete exactly when `steps` is a whole sign-up."""
    screen = await service.start(guild_id, user)
    for raws in steps:
        assert screen.step is not None, f"flow ended before {raws}"
        asked = {q.id for q in screen.step.questions}
        assert set(raws) <= asked, f"expected {set(raws)} on this screen, got {asked}"
        screen = await service.answer(guild_id, user, raws)
    assert screen.complete == (steps in (MENTEE_STEPS, MENTOR_STEPS))
