"""`checkin_rated_days`, the per-day count of check-in prompts that rate (kept by triggers,
migration 0012), always equals a direct count of the prompts, whatever wrote them: answers,
late answers, changed answers, prompts marked missed or undeliverable, `/checkin now`,
`/privacy delete`, a member's rows deleted with them, a cohort closed, an upgrade."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from bot.db.database import Database
from bot.db.migrate import available_migrations, migrate
from bot.services import cohort_queries as q
from tests.support import FakeClock
from tests.unit.cohort_env import GUILD as COHORT_GUILD
from tests.unit.cohort_env import CohortEnv, seed
from tests.unit.privacy_env import GUILD as PRIVACY_GUILD
from tests.unit.privacy_env import MEI, PrivacyEnv
from tests.unit.support import GUILD, MENTEE, add_member, checkin_stack

Counts = dict[tuple[int, str], tuple[int, int]]


async def counted(db: Database) -> Counts:
    """The prompts that rate, counted one by one: (server, due day) → (answered, missed)."""
    sql = (
        "SELECT cp.guild_id, substr(cp.due_at, 1, 10), SUM(cp.status = 'answered'), "  # noqa: S608
        f"SUM(cp.status = 'missed') FROM checkin_periods cp WHERE {q.RATED} GROUP BY 1, 2"
    )
    rows = await db.fetchall(sql)
    return {(r[0], r[1]): (r[2], r[3]) for r in rows}


async def kept(db: Database) -> Counts:
    rows = await db.fetchall(
        "SELECT guild_id, day, answered, missed FROM checkin_rated_days "
        "WHERE answered <> 0 OR missed <> 0"
    )
    return {(r[0], r[1]): (r[2], r[3]) for r in rows}


async def agree(db: Database) -> Counts:
    """The kept counts, after checking they are the direct ones (and never below zero)."""
    assert (
        await db.fetchval(
            "SELECT COUNT(*) FROM checkin_rated_days WHERE answered < 0 OR missed < 0"
        )
        == 0
    )
    found = await kept(db)
    assert found == await counted(db)
    return found


def totals(counts: Counts) -> tuple[int, int]:
    return sum(a for a, _ in counts.values()), sum(m for _, m in counts.values())


async def test_every_answer_and_miss_counts_on_its_due_day(db: Database, clock: FakeClock) -> None:
    s = checkin_stack(db, clock)
    await add_member(db, clock)
    goal = (await s.goals.add(GUILD, MENTEE, "Lead a team")).id
    view = await s.checkins.set_schedule(GUILD, MENTEE, day="monday", at="10:00")
    assert view.next_due_at is not None
    first_due = view.next_due_at

    async def due_prompt() -> int:
        due = (await s.checkins.schedule(GUILD, MENTEE)).next_due_at
        assert due is not None
        clock.set(due)
        await s.checkins.materialise(clock.now())
        [period_id] = await s.checkins.unsent_due(clock.now())
        return period_id

    async def next_prompt() -> int:
        period_id = await due_prompt()
        assert await s.checkins.claim(period_id, 42, "dm", [goal])
        await s.checkins.mark_sent(period_id, 42, 1000 + period_id)
        return period_id

    first = await next_prompt()
    assert await agree(db) == {}, "sent but not answered: not counted yet"
    await s.checkins.record_answer(first, MENTEE, goal, "on_track")
    day = first_due.date().isoformat()
    assert await agree(db) == {(GUILD, day): (1, 0)}
    await s.checkins.record_answer(first, MENTEE, goal, "stuck")  # a changed answer
    assert await agree(db) == {(GUILD, day): (1, 0)}

    await next_prompt()  # never answered: missed when the next one is written
    late = await next_prompt()
    assert totals(await agree(db)) == (1, 1)
    clock.advance(timedelta(days=5))  # answered late, before the next prompt
    await s.checkins.record_answer(late, MENTEE, goal, "on_track")
    assert totals(await agree(db)) == (2, 1)
    assert (await kept(db))[(GUILD, (first_due + timedelta(weeks=2)).date().isoformat())] == (
        1,
        0,
    ), "a late answer counts on the day the prompt was due"

    unsent = await due_prompt()
    await s.checkins.mark_undeliverable(unsent)  # could not be sent: says nothing
    now = await s.checkins.start_now(GUILD, MENTEE)  # /checkin now, answered
    assert await s.checkins.claim(now.period_id, 42, "dm", [goal])
    await s.checkins.mark_sent(now.period_id, 42, 1)
    await s.checkins.record_answer(now.period_id, MENTEE, goal, "done")
    assert totals(await agree(db)) == (3, 1)
    clock.advance(timedelta(minutes=5))
    missed_now = await s.checkins.start_now(GUILD, MENTEE)  # /checkin now, never answered
    assert missed_now.created
    assert await s.checkins.claim(missed_now.period_id, 42, "dm", [goal])
    await s.checkins.mark_sent(missed_now.period_id, 42, 2)
    await next_prompt()  # marks it missed
    status = await db.fetchval(
        "SELECT status FROM checkin_periods WHERE id = ?", (missed_now.period_id,)
    )
    assert status == "missed"
    assert totals(await agree(db)) == (3, 1), "an unanswered /checkin now does not count"

    await db.execute("DELETE FROM members WHERE guild_id = ? AND user_id = ?", (GUILD, MENTEE))
    assert await agree(db) == {}, "rows deleted with their member are taken off"


async def test_privacy_delete_keeps_the_counts(db: Database, clock: FakeClock) -> None:
    env = PrivacyEnv(db, clock)
    await env.everything()
    before = await agree(db)
    assert totals(before) == (1, 0)  # Mei's answered check-in
    await env.privacy.delete(PRIVACY_GUILD, MEI)
    assert await agree(db) == before, "her check-ins still count, under the anonymous id"


async def test_closing_a_cohort_keeps_the_counts(db: Database, clock: FakeClock) -> None:
    env = await seed(CohortEnv(db, clock))
    before = await agree(db)
    # The seeded rated prompts: A 9 answered; B 6 answered, 2 missed; E 2 answered, 2 missed;
    # F 1 answered (/checkin now); C, Q, P 1 each; X 1 in the other server = 22 and 4.
    assert totals(before) == (22, 4)
    await env.cohorts.close(COHORT_GUILD, 1, env.cohort_id)
    assert await agree(db) == before


async def test_the_upgrade_counts_the_prompts_already_there(tmp_path: Path) -> None:
    db = await Database.open(tmp_path / "old.sqlite3")
    try:
        migrations = available_migrations()
        await migrate(db, [m for m in migrations if m.version < 12])
        await db.execute(
            "INSERT INTO members (guild_id, user_id, status, role, updated_at) "
            "VALUES (1, 2, 'onboarded', 'mentee', '2026-01-01T00:00:00.000000+00:00')"
        )
        rows = [
            ("a", "scheduled", "2026-01-05T09:00:00.000000+00:00", "answered", True),
            ("b", "scheduled", "2026-01-05T23:59:59.999999+00:00", "missed", True),
            ("c", "scheduled", "2026-01-12T09:00:00.000000+00:00", "missed", False),
            ("d", "manual", "2026-01-12T10:00:00.000000+00:00", "missed", True),
            ("e", "manual", "2026-01-12T11:00:00.000000+00:00", "answered", True),
            ("f", "scheduled", "2026-01-19T09:00:00.000000+00:00", "undeliverable", False),
            ("g", "scheduled", "2026-01-26T09:00:00.000000+00:00", "pending", True),
        ]
        for key, kind, due, status, sent in rows:
            await db.execute(
                "INSERT INTO checkin_periods (guild_id, user_id, period_key, kind, due_at, "
                "status, claimed_at, sent_at, created_at) VALUES (1, 2, ?, ?, ?, ?, ?, ?, ?)",
                (key, kind, due, status, due if sent else None, due if sent else None, due),
            )
        await migrate(db)
        assert await agree(db) == {(1, "2026-01-05"): (1, 1), (1, "2026-01-12"): (1, 0)}
    finally:
        await db.close()


DUE = "2026-01-05T09:00:00.000000+00:00"


@pytest.mark.parametrize("status", ["answered", "missed"])
async def test_a_moved_prompt_moves_its_count(db: Database, clock: FakeClock, status: str) -> None:
    """Any change of a column the count reads (due time, status, kind, sent) is followed."""
    await add_member(db, clock)
    period_id = await db.execute(
        "INSERT INTO checkin_periods (guild_id, user_id, period_key, due_at, status, "
        "claimed_at, sent_at, created_at) VALUES (?, ?, 'k', ?, ?, ?, ?, ?)",
        (GUILD, MENTEE, DUE, status, DUE, DUE, DUE),
    )
    await agree(db)
    for change in (
        "due_at = '2026-01-07T09:00:00.000000+00:00'",
        "kind = 'manual'",
        "kind = 'scheduled'",
        "sent_at = NULL",
        "sent_at = due_at",
        "status = 'answered'",
        "status = 'undeliverable'",
    ):
        await db.execute(f"UPDATE checkin_periods SET {change} WHERE id = ?", (period_id,))  # noqa: S608
        await agree(db)
    await db.execute("DELETE FROM checkin_periods WHERE id = ?", (period_id,))
    assert await agree(db) == {}
