"""`/cohort status` and `/cohort members` on a seeded cohort whose answers are worked out by
hand here (the cohort is described in cohort_env.py)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from bot.db.database import Database
from bot.domain.cohort_status import AtRisk, Funnel, MemberFilter, Ratio, RiskReason, Week
from bot.errors import UserError
from bot.services import cohort_queries as q
from tests.support import FakeClock
from tests.unit.cohort_env import (
    AS_OF,
    GUILD,
    M1,
    M2,
    M3,
    WORDS,
    A,
    B,
    CohortEnv,
    D,
    E,
    F,
    G,
    H,
    J,
    K,
    L,
    seed,
)


@pytest.fixture
async def env(db: Database, clock: FakeClock) -> CohortEnv:
    return await seed(CohortEnv(db, clock))


async def test_figures_equal_the_hand_computed_ones(env: CohortEnv) -> None:
    status = await env.status.status(GUILD)
    assert status.cohort.name == "Spring 2026" and status.as_of == AS_OF

    # The cohort's people: enrolled A–H, J, M1–M3 (Q left) plus K and L, who are waiting to
    # finish sign-up and in no cohort (N left; P is in the closed cohort) = 14.
    # Onboarded: A–H and M1–M3 = 11 (J was reset, K and L have not finished).
    # Matched (a match counting for the cohort): A (made before any cohort), B, C, D, E,
    #   G (a reservation still being introduced), H (ended since) = 7.  F has none.
    # Introduced: the same without G's reservation = 6.
    # Met: A and B said so; E and H logged sessions; C and D neither = 4.
    # Active (met, with a session dated 1 Feb – 2 Mar): A (10, 24 Feb), E (25 Feb) = 2.
    assert status.funnel == Funnel(
        joined=14, onboarded=11, matched=7, introduced=6, met=4, active=2
    )
    # By role: mentees A–H = 8, mentors M1–M3 = 3; not onboarded J, K, L = 3.
    assert (status.mentees, status.mentors, status.not_onboarded) == (8, 3, 3)
    # Active matches now: A, B, C, D, E = 5; unmatched F, G, H = 8 − 5 = 3.
    assert (status.matched_mentees, status.unmatched_mentees) == (5, 3)
    # Places: M1 2 + M2 5 + M3 1 (unset) = 8; taken: M1 A, B; M2 C, D, E and Q (Q left the
    # server but the match still holds the place); M3 none (H ended, G not introduced) = 6.
    assert status.capacity == Ratio(6, 8)
    # Last 4 weeks = prompts due 2 Feb 12:00 – 2 Mar 12:00, sent and settled:
    #   A 9, 16, 23 Feb, 2 Mar answered        4 of 4
    #   B 9 missed, 16 answered, 23 missed    1 of 3   (2 Mar still waiting: not counted)
    #   E 9 answered, 16 missed, 23 missed    1 of 3   (2 Mar never sent)
    #   F 18 Feb /checkin now answered        1 of 1   (16 Feb one missed, 23 Feb undeliverable)
    #   C 2 Mar 09:00 answered                1 of 1   (2 Mar 13:00 is after the report)
    #   = 8 of 12 = 67 %
    assert status.response == Ratio(8, 12) and status.response.percent == 67
    # The 4 weeks before (5 Jan 12:00 – 2 Feb 12:00): A 12, 19, 26 Jan, 2 Feb 4 of 4;
    # B the same 4 of 4; E 26 Jan 1 of 1 (2 Feb was never sent) = 9 of 9 = 100 % → down.
    assert status.response_before == Ratio(9, 9)
    assert status.trend == "down"
    # Sessions of the cohort's pairs dated by 2 Mar: A 3 (135'), B 1 (60'), E 2 (90'),
    # H 1 (90') = 7 sessions, 375 minutes (Q left; P's and the other server's don't count).
    assert (status.sessions_total, status.minutes_total) == (7, 375)
    # Last 30 days (1 Feb – 2 Mar): A 10 Feb 45' + 24 Feb 30', E 25 Feb 50' = 3, 125'.
    assert (status.sessions_30d, status.minutes_30d) == (3, 125)
    assert status.hours_30d == pytest.approx(125 / 60)
    assert status.rematch_asked == 1  # H
    # At risk, most urgent first, one reason each:
    #   E, F flagged missed twice (F's stuck flag is second to it); G stuck twice;
    #   D introduced 9 Feb 10:00 = 21 days 2 h before the report, never met;
    #   B introduced 8 Jan (≥ 30 days), last session 22 Jan = 39 days ago.
    #   C was introduced 10 days ago: not yet at risk.  A had sessions lately.
    assert status.at_risk == (
        AtRisk(E, RiskReason.MISSED_CHECKINS),
        AtRisk(F, RiskReason.MISSED_CHECKINS),
        AtRisk(G, RiskReason.STUCK_TWICE),
        AtRisk(D, RiskReason.NOT_MET, 21),
        AtRisk(B, RiskReason.NO_SESSION, 39),
    )
    assert [r.label for r in status.at_risk] == [
        "missed 2 check-ins",
        "missed 2 check-ins",
        "stuck twice on the same goal",
        "introduced 21 days ago, not met",
        "no session in 39 days",
    ]


async def test_weekly_series_over_the_cohort_dates(env: CohortEnv) -> None:
    status = await env.status.status(GUILD)
    # Weeks begun by 2 Mar from 5 Jan: 5, 12, 19, 26 Jan, 2, 9, 16, 23 Feb, 2 Mar = 9.
    # Check-ins per week (due that week, sent and settled):
    #   w0 A, B              2 of 2      w5 A, E answered, B missed       2 of 3
    #   w1 A, B              2 of 2      w6 A, B, F (18th) answered,
    #   w2 A, B              2 of 2         E missed                      3 of 4
    #   w3 A, B, E           3 of 3      w7 A answered, B, E missed       1 of 3
    #   w4 A, B (E unsent)   2 of 2      w8 A, C answered (B waits)       2 of 2
    # Sessions per week: w0 E 40'; w2 A 60', B 60', H 90'; w5 A 45'; w7 A 30', E 50'.
    assert status.weeks == (
        Week(date(2026, 1, 5), 2, 2, 1, 40),
        Week(date(2026, 1, 12), 2, 2, 0, 0),
        Week(date(2026, 1, 19), 2, 2, 3, 210),
        Week(date(2026, 1, 26), 3, 3, 0, 0),
        Week(date(2026, 2, 2), 2, 2, 0, 0),
        Week(date(2026, 2, 9), 3, 2, 1, 45),
        Week(date(2026, 2, 16), 4, 3, 0, 0),
        Week(date(2026, 2, 23), 3, 1, 2, 80),
        Week(date(2026, 3, 2), 2, 2, 0, 0),
    )
    assert sum(w.sessions for w in status.weeks) == status.sessions_total


async def test_status_holds_no_member_words(env: CohortEnv) -> None:
    status = await env.status.status(GUILD)
    exported = await env.status.export(GUILD)
    text = repr(status) + repr(exported)
    assert not [word for word in WORDS if word in text]


@pytest.mark.parametrize(
    ("member_filter", "expected"),
    [
        (MemberFilter.NOT_ONBOARDED, [J, K, L]),
        (MemberFilter.UNMATCHED, [F, G, H]),
        (MemberFilter.AT_RISK, [E, F, G, D, B]),
        (MemberFilter.MENTORS_WITH_CAPACITY, [M2, M3]),  # M2 4 of 5, M3 0 of 1; M1 is full
        (MemberFilter.REMATCH_ASKED, [H]),
    ],
)
async def test_member_filters(
    env: CohortEnv, member_filter: MemberFilter, expected: list[int]
) -> None:
    page = await env.status.members(GUILD, None, member_filter, limit=25)
    assert sorted(r.user_id for r in page.rows) == sorted(expected)
    assert page.total == len(expected)
    if member_filter is MemberFilter.AT_RISK:
        assert [r.user_id for r in page.rows] == expected, "most urgent first"


async def test_member_rows_carry_the_numbers(env: CohortEnv) -> None:
    rows = {r.user_id: r for r in (await env.status.export(GUILD)).members}
    a = rows[A]
    # A: M1's mentee, met, 3 sessions 135' last on 24 Feb, 4 of 4 check-ins lately.
    assert (a.role, a.status, a.enrolled, a.mentor_id, a.met) == (
        "mentee",
        "onboarded",
        True,
        M1,
        True,
    )
    assert (a.sessions, a.minutes, a.last_session_on) == (3, 135, date(2026, 2, 24))
    assert (a.checkins_answered, a.checkins_asked, a.at_risk) == (4, 4, None)
    # M1: 2 of 2 places; sessions of A (3, 135') and B (1, 60') = 4, 195'.
    m1 = rows[M1]
    assert (m1.mentees, m1.capacity, m1.sessions, m1.minutes) == (2, 2, 4, 195)
    # M2: C, D, E and Q take 4 of 5 places; only E's sessions count (Q left) = 2, 90'.
    assert (rows[M2].mentees, rows[M2].capacity, rows[M2].sessions) == (4, 5, 2)
    assert rows[M3].capacity == 1
    assert rows[H].rematch_asked and rows[H].mentor_id is None
    assert rows[B].at_risk == AtRisk(B, RiskReason.NO_SESSION, 39)
    assert (rows[K].enrolled, rows[K].status, rows[L].status) == (False, "joined", "onboarding")
    assert rows[J].status == "joined" and rows[J].enrolled
    assert len(rows) == 14


async def test_paging_and_an_offset_past_the_end(env: CohortEnv) -> None:
    first = await env.status.members(GUILD, None, MemberFilter.ALL, offset=0, limit=5)
    assert (first.total, len(first.rows), first.has_previous, first.has_next) == (
        14,
        5,
        False,
        True,
    )
    second = await env.status.members(GUILD, None, MemberFilter.ALL, offset=5, limit=5)
    last = await env.status.members(GUILD, None, MemberFilter.ALL, offset=10, limit=5)
    assert (len(last.rows), last.has_next) == (4, False)
    seen = [r.user_id for page in (first, second, last) for r in page.rows]
    assert len(seen) == len(set(seen)) == 14
    # A page kept from before the list shrank: the last page, never an empty one.
    beyond = await env.status.members(GUILD, None, MemberFilter.ALL, offset=40, limit=5)
    assert beyond.offset == 10 and [r.user_id for r in beyond.rows] == [
        r.user_id for r in last.rows
    ]
    empty = await env.status.members(GUILD, None, MemberFilter.REMATCH_ASKED, offset=5, limit=5)
    assert (empty.offset, empty.total, len(empty.rows)) == (0, 1, 1)


async def test_a_closed_cohort_is_reported_as_it_closed(env: CohortEnv) -> None:
    before = await env.status.status(GUILD)
    await env.cohorts.close(GUILD, 1, env.cohort_id)
    env.clock.advance(timedelta(days=60))
    after = await env.status.status(GUILD, env.cohort_id)
    assert after.as_of == AS_OF and not after.cohort.is_open
    # K and L were waiting for the open cohort; a closed one counts its enrolled people only.
    assert after.funnel == Funnel(12, 11, 7, 6, 4, 2)
    assert (after.response, after.sessions_30d, after.capacity) == (
        before.response,
        before.sessions_30d,
        before.capacity,
    )
    assert after.weeks == before.weeks
    assert after.at_risk == (), "risk is about what happens next; a closed cohort has none"


async def test_status_of_another_cohort_and_errors(env: CohortEnv, db: Database) -> None:
    old = await db.fetchval("SELECT id FROM cohorts WHERE name = 'Autumn 2025'")
    status = await env.status.status(GUILD, old)
    assert status.funnel.joined == 1 and status.mentees == 1  # P
    with pytest.raises(UserError, match="can't find that cohort"):
        await env.status.status(GUILD + 1, old)


async def test_a_cohort_that_has_not_started(db: Database, clock: FakeClock) -> None:
    env = CohortEnv(db, clock)
    opened = await env.cohorts.create(GUILD, 1, "Later", clock.now().date() + timedelta(days=9))
    status = await env.status.status(GUILD)
    assert status.cohort == opened.cohort and status.weeks == ()
    assert status.funnel == Funnel(0, 0, 0, 0, 0, 0)
    assert status.response.percent is None and status.trend is None
    assert status.capacity == Ratio(0, 0)


async def test_the_queries_read_their_indexes(env: CohortEnv) -> None:
    """The check-in counts are range counts over the partial index (its condition and the
    queries' must agree), and a pair's latest session comes from the sessions index."""
    cohort = await env.cohorts.resolve(GUILD, None)
    params = env.status.parameters(cohort)

    async def plan(sql: str) -> str:
        rows = await env.db.fetchall("EXPLAIN QUERY PLAN " + sql, params)
        return "\n".join(row[3] for row in rows)

    checkins = await plan(q.STATUS)
    ranged = "checkin_periods_rated (guild_id=? AND status=? AND due_at>? AND due_at<?)"
    assert f"USING COVERING INDEX {ranged}" in checkins
    status = await plan(q.STATUS)
    assert "USING COVERING INDEX sessions_by_match (match_id=? AND session_date<?)" in status
    steps = status.splitlines() + checkins.splitlines()
    assert not [step for step in steps if step.split(" ")[:2] in (["SCAN", "s"], ["SCAN", "cp"])]


async def test_no_step_rereads_a_whole_table_for_each_row(env: CohortEnv) -> None:
    """A server's database has no planner statistics (nothing runs ANALYZE): the plans
    must not depend on them. A join that scans one side whole for each row of the other
    (`SCAN … LEFT-JOIN`) made the member list quadratic in the cohort's size, and a scan
    of a table rather than an index reads every server's rows."""
    cohort = await env.cohorts.resolve(GUILD, None)
    params = {**env.status.parameters(cohort), "limit": 10, "offset": 0}
    assert (
        await env.db.fetchval("SELECT COUNT(*) FROM sqlite_master WHERE name = 'sqlite_stat1'") == 0
    )
    tables = {"m", "cm", "ma", "s", "cp", "ck", "fa", "members", "matches", "sessions"}
    for sql in (q.STATUS, q.roster_rows("1", paged=True), q.roster_rows("1", paged=False)):
        rows = await env.db.fetchall("EXPLAIN QUERY PLAN " + sql, params)
        steps = [str(row[3]) for row in rows]
        assert not [s for s in steps if s.startswith("SCAN") and s.endswith("LEFT-JOIN")]
        assert not [s for s in steps if s.split(" ")[:2] in (["SCAN", t] for t in tables)]
