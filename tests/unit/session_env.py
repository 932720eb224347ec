"""Shared set-up for the session service tests: a server with signed-up members, a cohort,
introduced matches, and the services wired as the bot wires them."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

from bot.db.database import Database
from bot.domain import questionnaire as qn
from bot.services.goals import GoalService
from bot.services.matching import EndReason, MatchingService
from bot.services.onboarding import OnboardingService
from bot.services.sessions import SessionService
from bot.services.settings import SettingsService
from tests.support import FakeClock

GUILD = 1200000000000000100
OTHER_GUILD = 1200000000000000900
DIRECTOR = 1200000000000000001
MEI = 1200000000000000201  # mentee of MAX
NOA = 1200000000000000202  # mentee of MAX
ZED = 1200000000000000203  # mentee, unmatched
MAX = 1200000000000000301  # mentor of MEI and NOA
UMA = 1200000000000000302  # mentor, unmatched
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
        self.goals = GoalService(db, clock)
        self.sessions = SessionService(db, clock, self.matching, self.goals)
        self.cohort_id: int | None = None

    def restarted(self) -> SessionService:
        """A new process on the same database (new run ids)."""
        return SessionService(self.db, self.clock, self.matching, self.goals)

    async def member(
        self, user_id: int, role: str, timezone: str = "Europe/London", guild_id: int = GUILD
    ) -> None:
        answers = {"role": role, "areas": ["leadership"], "timezone": timezone}
        await self.db.execute(
            "INSERT INTO members (guild_id, user_id, status, role, answers, timezone, capacity, "
            "updated_at) VALUES (?, ?, 'onboarded', ?, ?, ?, ?, ?)",
            (
                guild_id,
                user_id,
                role,
                json.dumps(answers),
                timezone,
                3 if role == "mentor" else None,
                self.clock.now().isoformat(),
            ),
        )

    async def open_cohort(self, guild_id: int = GUILD) -> int:
        self.cohort_id = await self.db.execute(
            "INSERT INTO cohorts (guild_id, name, created_at) VALUES (?, 'Spring', ?)",
            (guild_id, self.clock.now().isoformat()),
        )
        return self.cohort_id

    async def close_cohort(self) -> None:
        await self.db.execute(
            "UPDATE cohorts SET status = 'closed', closed_at = ? WHERE id = ?",
            (self.clock.now().isoformat(), self.cohort_id),
        )

    async def match(self, mentee: int, mentor: int, *, introduced: bool = True) -> int:
        made = await self.matching.create_match(GUILD, mentee, mentor, DIRECTOR)
        if introduced:
            await self.matching.record_introduction(made.id, 5550 + made.id, DIRECTOR)
        return made.id

    async def end(self, mentee: int) -> None:
        await self.matching.end_match(GUILD, mentee, EndReason.NEEDS_CHANGED, DIRECTOR)

    async def count(self, table: str) -> int:
        return int(await self.db.fetchval(f"SELECT COUNT(*) FROM {table}"))  # noqa: S608


async def standard(env: Env) -> Env:
    """Spring cohort; MAX mentors MEI and NOA (introduced a week ago); ZED and UMA unmatched."""
    await env.open_cohort()
    for user, role in ((MEI, "mentee"), (NOA, "mentee"), (ZED, "mentee")):
        await env.member(user, role)
    await env.member(MAX, "mentor", "Europe/Berlin")
    await env.member(UMA, "mentor")
    await env.match(MEI, MAX)
    await env.match(NOA, MAX)
    env.clock.advance(timedelta(days=7))
    return env
