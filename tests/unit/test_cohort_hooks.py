"""The schedulers ask who takes part: a member of a closed cohort gets no check-in prompt
or reminder (and a closed cohort's pairs no "Have you met yet?" follow-up or reflection
reminder), while a member never enrolled in any cohort (signed up before one existed, or
since the last one closed) is prompted as before."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.db.database import Database
from bot.services.audit import AuditService
from bot.services.cohorts import CohortService
from tests.support import FakeClock
from tests.unit.session_env import GUILD as SESSION_GUILD
from tests.unit.session_env import MEI, standard
from tests.unit.session_env import Env as SessionEnv
from tests.unit.support import GUILD, MENTEE, CheckinStack, add_member, checkin_stack

LATER = 444_444_444_444_444_444
DIRECTOR = 1
FIRST = datetime(2026, 11, 9, 9, 0, tzinfo=UTC)  # Monday 09:00 London (UTC in November)


@pytest.fixture
def stack(db: Database, clock: FakeClock) -> CheckinStack:
    return checkin_stack(db, clock)


async def due(s: CheckinStack) -> list[int]:
    """The members whose prompts are due now (after the timer wrote their periods)."""
    await s.checkins.materialise(s.clock.now())
    ids = await s.checkins.unsent_due(s.clock.now())
    rows = [
        await s.db.fetchval("SELECT user_id FROM checkin_periods WHERE id = ?", (i,)) for i in ids
    ]
    return sorted(int(r) for r in rows)


async def test_closed_cohorts_are_not_prompted_and_the_never_enrolled_are(
    stack: CheckinStack, db: Database, clock: FakeClock
) -> None:
    cohorts = CohortService(db, clock, AuditService(db, clock))
    await add_member(db, clock)
    await stack.checkins.ensure_schedule(GUILD, MENTEE)

    # No cohort has ever existed: prompted as always.
    clock.set(FIRST)
    assert await due(stack) == [MENTEE]
    [period] = await stack.checkins.unsent_due(clock.now())
    prompt = await stack.checkins.prompt(period)
    assert await stack.checkins.claim(period, 42, "dm", [g.goal_id for g in prompt.goals])
    await stack.checkins.mark_sent(period, 42, 1000)
    assert await stack.checkins.next_due(clock.now()) is not None

    # MENTEE joins a cohort that then closes; LATER signs up after: never enrolled.
    await cohorts.create(GUILD, DIRECTOR, "Autumn", "today")
    await cohorts.close(GUILD, DIRECTOR)
    await add_member(db, clock, LATER)
    await stack.checkins.ensure_schedule(GUILD, LATER)

    clock.set(FIRST + timedelta(days=1, hours=1))  # MENTEE's reminder would be due by now
    assert await stack.checkins.due_reminders(clock.now()) == []
    clock.set(FIRST + timedelta(days=7))
    assert await due(stack) == [LATER], "the closed cohort's member is not prompted"
    next_due = await stack.checkins.next_due(clock.now())
    assert next_due is not None and next_due > clock.now()

    # The next cohort enrolls LATER, who keeps being prompted; MENTEE has finished.
    await cohorts.create(GUILD, DIRECTOR, "Winter", "today")
    clock.set(FIRST + timedelta(days=14))
    assert await due(stack) == [LATER]


async def test_a_closed_cohorts_pairs_get_no_followup_or_reflection_reminder(
    db: Database, clock: FakeClock
) -> None:
    env = await standard(SessionEnv(db, clock))  # Spring: MEI and NOA with MAX, a week on
    session = (await env.sessions.log_session(SESSION_GUILD, MEI, minutes=60)).session
    reminder_due = session.created_at + timedelta(days=2)
    assert await env.matching.next_followup_due() is not None
    assert await env.sessions.reminders.next_due() == reminder_due

    await env.close_cohort()
    assert await env.matching.next_followup_due() is None
    assert await env.matching.claim_due_followups(clock.now() + timedelta(days=30)) == []
    assert await env.sessions.reminders.next_due() is None
    assert await env.sessions.reminders.claim_due(reminder_due) == []
