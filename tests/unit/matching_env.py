"""The matching service tests' setting: member ids, the real questionnaire, and `Env`, the
services wired over one database with a way to sign members up and match them directly.

Test modules import from here, never from each other.
"""

from __future__ import annotations

from pathlib import Path

from bot.db.database import Database
from bot.domain import questionnaire as qn
from bot.services.matching import MatchingService
from bot.services.onboarding import OnboardingService
from bot.services.settings import SettingsService
from tests.support import FakeClock
from tests.unit.support import add_member

GUILD = 1100000000000000100
OTHER_GUILD = 1100000000000000900
DIRECTOR = 1100000000000000001
MENTEE_A = 1100000000000000201
MENTEE_B = 1100000000000000202
MENTEE_C = 1100000000000000203
MENTOR_X = 1100000000000000301
MENTOR_Y = 1100000000000000302
QUESTIONNAIRE = qn.load_questionnaire(
    Path(__file__).resolve().parents[2] / "data" / "questionnaire.toml"
)


class Env:
    def __init__(self, db: Database, clock: FakeClock) -> None:
        self.db = db
        self.clock = clock
        self.settings = SettingsService(db, clock)
        self.onboarding = OnboardingService(db, clock, QUESTIONNAIRE)
        self.matching = MatchingService(db, clock, self.settings, self.onboarding)

    def restarted(self) -> MatchingService:
        """A new process: same database, new run id."""
        return MatchingService(self.db, self.clock, self.settings, self.onboarding)

    async def member(
        self,
        user_id: int,
        role: str,
        areas: list[str],
        timezone: str = "Europe/London",
        capacity: int | None = None,
        guild_id: int = GUILD,
    ) -> None:
        """A signed-up member, written directly (the sign-up itself is onboarding's test)."""
        answers = {"role": role, "areas": areas, "timezone": timezone, "bio": f"bio {user_id}"}
        if role == "mentee":
            answers["goals"] = "Lead my first team"
        else:
            answers["capacity"] = str(capacity or 1)
        await add_member(
            self.db,
            self.clock,
            user_id,
            guild_id=guild_id,
            role=role,
            timezone=timezone,
            weekday=None,
            at=None,
            answers=answers,
            capacity=capacity,
        )

    async def match(self, mentee: int, mentor: int, thread: int = 555) -> int:
        made = await self.matching.create_match(GUILD, mentee, mentor, DIRECTOR)
        await self.matching.record_introduction(made.id, thread, DIRECTOR)
        return made.id


async def seeded(env: Env) -> Env:
    """The usual cohort: three mentees and two mentors (X with one place, Y with two)."""
    await env.member(MENTEE_A, "mentee", ["leadership", "product"], "Europe/London")
    await env.member(MENTEE_B, "mentee", ["design"], "America/New_York")
    await env.member(MENTEE_C, "mentee", ["data"], "Asia/Tokyo")
    await env.member(MENTOR_X, "mentor", ["leadership", "product"], "Europe/Berlin", 1)
    await env.member(MENTOR_Y, "mentor", ["design", "data"], "America/Chicago", 2)
    return env
