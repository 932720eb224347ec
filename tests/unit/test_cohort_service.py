"""Cohort lifecycle: open (and enroll who was waiting), close, names, autocomplete, audit,
and the "who takes part" conditions the schedulers use so a closed cohort is not prompted."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from bot.db.database import Database
from bot.db.instants import to_db
from bot.errors import UserError
from bot.i18n import language
from bot.services.audit import AuditAction, AuditService
from bot.services.cohorts import (
    CohortService,
    Enrolled,
    cohort_running_sql,
    taking_part_sql,
)
from bot.services.onboarding import OnboardingService
from tests.support import FakeClock
from tests.unit.support import MENTEE_STEPS, QUESTIONNAIRE, walk_signup

GUILD = 1400000000000000100
OTHER = 1400000000000000900
SIGNUP_GUILD = 1100000000000000100
DIRECTOR = 1400000000000000001
ANA, BEN, CAL, DOT, EVE = (1400000000000000201 + n for n in range(5))


@pytest.fixture
def cohorts(db: Database, clock: FakeClock) -> CohortService:
    return CohortService(db, clock, AuditService(db, clock))


async def member(
    db: Database, user_id: int, role: str | None, status: str = "onboarded", guild: int = GUILD
) -> None:
    await db.execute(
        "INSERT INTO members (guild_id, user_id, status, role, updated_at) VALUES (?, ?, ?, ?, ?)",
        (guild, user_id, status, role, "2026-11-01T09:00:00.000000+00:00"),
    )


async def test_create_enrolls_who_was_waiting_and_audits(
    cohorts: CohortService, db: Database, clock: FakeClock
) -> None:
    await member(db, ANA, "mentee")
    await member(db, BEN, "mentor")
    await member(db, CAL, None, status="onboarding")  # not finished: joins when they finish
    await member(db, DOT, "mentee")
    await db.execute("UPDATE members SET left_at = updated_at WHERE user_id = ?", (DOT,))
    await member(db, EVE, "mentee", guild=OTHER)
    assert await cohorts.waiting(GUILD) == [Enrolled(ANA, "mentee"), Enrolled(BEN, "mentor")]

    opened = await cohorts.create(GUILD, DIRECTOR, "  Spring   2027 ", "2026-11-09", "1 Mar 2027")
    cohort = opened.cohort
    assert (cohort.name, cohort.starts_on, cohort.ends_on) == (
        "Spring 2027",
        date(2026, 11, 9),
        date(2027, 3, 1),
    )
    assert cohort.is_open and cohort.created_by == DIRECTOR and cohort.created_at == clock.now()
    assert opened.enrolled == (Enrolled(ANA, "mentee"), Enrolled(BEN, "mentor"))
    enrolled = await db.fetchall(
        "SELECT user_id, role, enrolled_at FROM cohort_members WHERE cohort_id = ? "
        "ORDER BY user_id",
        (cohort.id,),
    )
    assert [(r["user_id"], r["role"]) for r in enrolled] == [(ANA, "mentee"), (BEN, "mentor")]
    assert enrolled[0]["enrolled_at"] == to_db(clock.now())
    assert await cohorts.waiting(GUILD) == []
    assert await cohorts.waiting(OTHER) == [Enrolled(EVE, "mentee")], "servers are apart"

    entry = opened.audit
    assert (entry.action, entry.actor_id, entry.target_id) == ("cohort.create", DIRECTOR, cohort.id)
    assert (
        entry.detail == "Spring 2027, from 2026-11-09 to 2027-03-01; 2 waiting member(s) enrolled"
    )
    assert entry.line.startswith(f"<t:{int(clock.now().timestamp())}:f> <@{DIRECTOR}> opened")
    stored = await db.fetchone("SELECT * FROM audit_log WHERE id = ?", (entry.id,))
    assert stored is not None and stored["created_at"] == to_db(clock.now())


async def test_a_member_who_finishes_later_is_enrolled_by_onboarding(
    cohorts: CohortService, db: Database, clock: FakeClock
) -> None:
    """The other half of "who was waiting": onboarding enrolls into the open cohort."""
    onboarding = OnboardingService(db, clock, QUESTIONNAIRE)
    opened = await cohorts.create(SIGNUP_GUILD, DIRECTOR, "Theirs", "today")
    await walk_signup(onboarding, SIGNUP_GUILD, ANA, MENTEE_STEPS)
    completion = await onboarding.complete(SIGNUP_GUILD, ANA)
    assert completion.cohort_id == opened.cohort.id
    assert await cohorts.waiting(SIGNUP_GUILD) == []


async def test_one_open_cohort_and_unique_names(cohorts: CohortService, clock: FakeClock) -> None:
    await cohorts.create(GUILD, DIRECTOR, "Spring", "today")
    with pytest.raises(UserError, match="Spring is still open: close it with `/cohort close`"):
        await cohorts.create(GUILD, DIRECTOR, "Summer", "today")
    await cohorts.close(GUILD, DIRECTOR)
    with pytest.raises(UserError, match="already had a cohort called SPRING"):
        await cohorts.create(GUILD, DIRECTOR, "SPRING", "today")
    await cohorts.create(OTHER, DIRECTOR, "Spring", "today")  # another server may
    summer = await cohorts.create(GUILD, DIRECTOR, "Summer", "today")
    assert summer.cohort.is_open


@pytest.mark.parametrize(
    ("name", "start", "end", "message"),
    [
        ("", "today", None, "Give the cohort a name"),
        ("x" * 41, "today", None, "41 characters long; keep it to 40"),
        ("@everyone party", "today", None, "Keep the cohort's name plain"),
        ("Spring", "soonish", None, "couldn't read 'soonish' as a date"),
        ("Spring", "2026-11-09", "2026-11-09", "end date must come after the start"),
        ("Spring", "2026-10-01", "2026-10-15", "That end date has passed"),
    ],
)
async def test_create_refuses_bad_input(
    cohorts: CohortService, db: Database, name: str, start: str, end: str | None, message: str
) -> None:
    with pytest.raises(UserError, match=message):
        await cohorts.create(GUILD, DIRECTOR, name, start, end)
    assert await db.fetchval("SELECT COUNT(*) FROM cohorts") == 0
    assert await db.fetchval("SELECT COUNT(*) FROM audit_log") == 0


async def test_a_cohort_may_be_recorded_after_it_started(
    cohorts: CohortService, clock: FakeClock
) -> None:
    opened = await cohorts.create(GUILD, DIRECTOR, "Late", date(2026, 9, 1))
    assert opened.cohort.starts_on == date(2026, 9, 1) and opened.cohort.ends_on is None


async def test_close_thanks_members_and_is_audited(
    cohorts: CohortService, db: Database, clock: FakeClock
) -> None:
    await member(db, ANA, "mentee")
    await member(db, BEN, "mentor")
    opened = await cohorts.create(GUILD, DIRECTOR, "Spring", "today")
    await db.execute("UPDATE members SET left_at = updated_at WHERE user_id = ?", (BEN,))
    clock.advance(timedelta(days=90))
    closed = await cohorts.close(GUILD, DIRECTOR + 1)
    assert closed.members == (Enrolled(ANA, "mentee"),), "who left is not messaged"
    assert not closed.cohort.is_open and closed.cohort.closed_at == clock.now()
    assert closed.audit.action == AuditAction.COHORT_CLOSE
    assert closed.audit.line.endswith(f"<@{DIRECTOR + 1}> closed a cohort — Spring; 1 member")
    assert closed.audit.detail == "Spring; 1 member(s)", "the stored record is unchanged"
    assert await cohorts.open_cohort(GUILD) is None
    assert not await cohorts.is_open(opened.cohort.id)
    with pytest.raises(UserError, match="no open cohort to close"):
        await cohorts.close(GUILD, DIRECTOR)
    with pytest.raises(UserError, match="Spring is already closed"):
        await cohorts.close(GUILD, DIRECTOR, opened.cohort.id)
    with pytest.raises(UserError, match="can't find that cohort"):
        await cohorts.close(OTHER, DIRECTOR, opened.cohort.id)
    # Everything is kept for reports.
    assert await db.fetchval("SELECT COUNT(*) FROM cohort_members") == 2


async def test_list_search_and_resolve(cohorts: CohortService, clock: FakeClock) -> None:
    with pytest.raises(UserError, match="no cohort yet: open one with `/cohort create`"):
        await cohorts.resolve(GUILD, None)
    autumn = await cohorts.create(GUILD, DIRECTOR, "Autumn 2026", "2026-09-01")
    await cohorts.close(GUILD, DIRECTOR)
    spring = await cohorts.create(GUILD, DIRECTOR, "Spring 2027", "2027-01-04")
    assert [c.name for c in await cohorts.list_cohorts(GUILD)] == ["Spring 2027", "Autumn 2026"]
    assert [c.id for c in await cohorts.search(GUILD, "autumn")] == [autumn.cohort.id]
    assert [c.id for c in await cohorts.search(GUILD, " 20")] == [
        spring.cohort.id,
        autumn.cohort.id,
    ]
    assert await cohorts.search(OTHER, "") == []
    assert (await cohorts.resolve(GUILD, None)).id == spring.cohort.id
    assert (await cohorts.resolve(GUILD, autumn.cohort.id)).name == "Autumn 2026"
    await cohorts.close(GUILD, DIRECTOR)
    assert (await cohorts.resolve(GUILD, None)).id == spring.cohort.id, "the latest when none open"


async def test_closing_stops_prompts_for_its_members(
    cohorts: CohortService, db: Database, clock: FakeClock
) -> None:
    """`taking_part_sql` is what the check-in scheduler adds to its due-row query, and
    `cohort_running_sql` what the follow-up scheduler adds: run both as they would."""
    await member(db, ANA, "mentee")  # in Spring, which closes
    await member(db, BEN, "mentor")  # in Spring, which closes
    spring = await cohorts.create(GUILD, DIRECTOR, "Spring", "today")
    await member(db, CAL, "mentee")  # signs up after Spring: waiting, still prompted
    match_id = await db.execute(
        "INSERT INTO matches (guild_id, cohort_id, mentee_id, mentor_id, created_at, "
        "created_by, intro_thread_id) VALUES (?, ?, ?, ?, ?, ?, 1)",
        (GUILD, spring.cohort.id, ANA, BEN, to_db(clock.now()), DIRECTOR),
    )
    older = await db.execute(
        "INSERT INTO matches (guild_id, cohort_id, mentee_id, mentor_id, status, created_at, "
        "created_by, ended_at) VALUES (?, NULL, ?, ?, 'ended', ?, ?, ?)",
        (GUILD, CAL, BEN, to_db(clock.now()), DIRECTOR, to_db(clock.now())),
    )

    async def prompted() -> list[int]:
        rows = await db.fetchall(
            "SELECT m.user_id FROM members m WHERE m.guild_id = ? AND "  # noqa: S608
            + taking_part_sql("m.guild_id", "m.user_id")
            + " ORDER BY m.user_id",
            (GUILD,),
        )
        return [r["user_id"] for r in rows]

    async def followed_up() -> list[int]:
        rows = await db.fetchall(
            "SELECT m.id FROM matches m WHERE "  # noqa: S608
            + cohort_running_sql("m.cohort_id")
            + " ORDER BY m.id",
        )
        return [r["id"] for r in rows]

    assert await prompted() == [ANA, BEN, CAL]
    assert await followed_up() == [match_id, older]
    assert await cohorts.takes_part(GUILD, ANA)

    await cohorts.close(GUILD, DIRECTOR)
    assert await prompted() == [CAL], "Spring's members are no longer prompted"
    assert await followed_up() == [older], "nor are Spring's pairs followed up"
    assert not await cohorts.takes_part(GUILD, ANA) and await cohorts.takes_part(GUILD, CAL)

    # The next cohort enrolls CAL, who was waiting; Spring's members have finished.
    summer = await cohorts.create(GUILD, DIRECTOR, "Summer", "today")
    assert summer.enrolled == (Enrolled(CAL, "mentee"),)
    assert await prompted() == [CAL]
    # A Spring member a director puts into Summer takes part again.
    await db.execute(
        "INSERT INTO cohort_members (cohort_id, guild_id, user_id, role, enrolled_at) "
        "VALUES (?, ?, ?, 'mentee', ?)",
        (summer.cohort.id, GUILD, ANA, to_db(clock.now())),
    )
    assert await prompted() == [ANA, CAL]


async def test_audit_records_any_director_action(db: Database, clock: FakeClock) -> None:
    audit = AuditService(db, clock)
    clock.set(datetime(2026, 11, 2, 9, 30, tzinfo=UTC))
    first = await audit.record(
        GUILD, DIRECTOR, AuditAction.MATCH_END, target_id=ANA, detail="match 4\nreason other"
    )
    assert first.detail == "match 4 reason other", "one line, whatever was passed"
    assert first.line == (
        f"<t:{int(clock.now().timestamp())}:f> <@{DIRECTOR}> ended the match of <@{ANA}> "
        "— match 4 reason other"
    )
    clock.advance(timedelta(minutes=1))
    second = await audit.record(GUILD, DIRECTOR, AuditAction.SETTINGS_CHANGE)
    assert second.line.endswith("changed the settings")
    await audit.record(OTHER, DIRECTOR, AuditAction.ONBOARDING_RESET, target_id=BEN)
    assert [e.id for e in await audit.recent(GUILD)] == [second.id, first.id]
    assert (await audit.recent(GUILD))[1] == first
    # What the matching service already writes reads back the same way.
    await db.execute(
        "INSERT INTO audit_log (guild_id, actor_id, action, target_id, detail, created_at) "
        "VALUES (?, ?, 'match.create', ?, 'match 9 mentor 5', ?)",
        (GUILD, DIRECTOR, CAL, to_db(clock.now() + timedelta(minutes=1))),
    )
    latest = (await audit.recent(GUILD, 1))[0]
    assert latest.line.endswith(f"introduced a mentor to <@{CAL}> — match 9 mentor 5")


async def test_a_cohort_line_is_worded_in_the_language_it_is_shown_in(
    cohorts: CohortService, db: Database, clock: FakeClock
) -> None:
    await member(db, ANA, "mentee")
    opened = await cohorts.create(GUILD, DIRECTOR, "Spring", "2026-11-02", "2027-01-25")
    assert opened.audit.line.endswith(
        f"<@{DIRECTOR}> opened a cohort — Spring, from 2026-11-02 to 2027-01-25; "
        "1 waiting member enrolled"
    )
    with language("zh-CN"):
        assert opened.audit.line.endswith(
            f"<@{DIRECTOR}> 开启了新一期 — Spring，2026-11-02 至 2027-01-25；1 位等待中的成员已加入"
        )
    assert opened.audit.detail == (
        "Spring, from 2026-11-02 to 2027-01-25; 1 waiting member(s) enrolled"
    ), "the stored record is the same in every language"
    with language("zh-CN"), pytest.raises(UserError, match="Spring 仍在进行中"):
        await cohorts.create(GUILD, DIRECTOR, "Summer", "today")
