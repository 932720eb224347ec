"""The small reads and writes other services use instead of touching a table they do not
own: a mentee's mentor, active matches, goals from a sign-up, sign-up facts."""

from __future__ import annotations

from datetime import time

from bot.db.database import Database
from bot.db.instants import to_db
from bot.services.goals import GoalService
from bot.services.matching import MatchRecords
from bot.services.onboarding import SignupRecords
from tests.support import FakeClock

GUILD = 1100000000000000100
MENTEE = 1100000000000000201
MENTOR = 1100000000000000301
OTHER = 1100000000000000202


async def add_member(
    db: Database, clock: FakeClock, user_id: int, role: str, *, status: str = "onboarded"
) -> None:
    await db.execute(
        "INSERT INTO members (guild_id, user_id, status, role, timezone, checkin_weekday, "
        "checkin_time, answers, updated_at) VALUES (?, ?, ?, ?, 'Europe/London', 2, '18:00', "
        '\'{"role":"mentee","checkin":"wed 18:00","timezone":"Europe/London"}\', ?)',
        (GUILD, user_id, status, role, to_db(clock.now())),
    )


async def test_mentor_of_and_in_active_match_follow_the_active_match(
    db: Database, clock: FakeClock
) -> None:
    for user, role in ((MENTEE, "mentee"), (MENTOR, "mentor"), (OTHER, "mentee")):
        await add_member(db, clock, user, role)
    records = MatchRecords(db)
    assert await records.mentor_of(GUILD, MENTEE) is None
    assert not await records.in_active_match(GUILD, MENTOR)
    match_id = await db.execute(
        "INSERT INTO matches (guild_id, mentee_id, mentor_id, created_at, created_by) "
        "VALUES (?, ?, ?, ?, 1)",
        (GUILD, MENTEE, MENTOR, to_db(clock.now())),
    )
    assert await records.mentor_of(GUILD, MENTEE) == MENTOR
    assert await records.mentor_of(GUILD, MENTOR) is None, "a mentor has no mentor"
    assert await records.in_active_match(GUILD, MENTEE)
    assert await records.in_active_match(GUILD, MENTOR)
    assert not await records.in_active_match(GUILD, OTHER)
    assert await records.mentor_of(GUILD + 1, MENTEE) is None, "per server"
    await db.execute(
        "UPDATE matches SET status = 'ended', ended_at = ? WHERE id = ?",
        (to_db(clock.now()), match_id),
    )
    assert await records.mentor_of(GUILD, MENTEE) is None
    assert not await records.in_active_match(GUILD, MENTOR)


async def test_goals_from_a_signup_are_added_once_and_show_at_once(
    db: Database, clock: FakeClock
) -> None:
    await add_member(db, clock, MENTEE, "mentee")
    goals = GoalService(db, clock)
    assert await goals.open_goals(GUILD, MENTEE) == ()  # now cached
    async with db.transaction():
        added = await goals.add_from_signup(GUILD, MENTEE, ["Lead a team", "Speak"])
    assert added == 2
    assert [g.title for g in await goals.open_goals(GUILD, MENTEE)] == ["Lead a team", "Speak"]
    async with db.transaction():
        added = await goals.add_from_signup(GUILD, MENTEE, ["Speak", "Write a post"])
    assert added == 1, "a title already open is kept once"
    titles = [g.title for g in await goals.open_goals(GUILD, MENTEE)]
    assert titles == ["Lead a team", "Speak", "Write a post"]
    assert {g.created_at for g in await goals.open_goals(GUILD, MENTEE)} == {clock.now()}


async def test_signup_facts_and_the_checkin_answer_kept_in_step(
    db: Database, clock: FakeClock
) -> None:
    await add_member(db, clock, MENTEE, "mentee")
    await add_member(db, clock, OTHER, "mentee", status="onboarding")
    signups = SignupRecords(db, clock)
    facts = await signups.facts(GUILD, MENTEE)
    assert facts is not None and facts.mentee
    assert (facts.timezone, facts.checkin) == ("Europe/London", (2, time(18, 0)))
    unfinished = await signups.facts(GUILD, OTHER)
    assert unfinished is not None and not unfinished.mentee
    assert await signups.facts(GUILD, MENTOR) is None

    async with db.transaction():
        await signups.follow_checkin_schedule(GUILD, MENTEE, 4, time(7, 30), "Asia/Tokyo")
    facts = await signups.facts(GUILD, MENTEE)
    assert facts is not None
    assert (facts.timezone, facts.checkin) == ("Asia/Tokyo", (4, time(7, 30)))
    answers = await db.fetchval(
        "SELECT answers FROM members WHERE guild_id = ? AND user_id = ?", (GUILD, MENTEE)
    )
    assert '"checkin":"fri 07:30"' in answers and '"timezone":"Asia/Tokyo"' in answers
    assert '"role":"mentee"' in answers, "the other answers are kept"
