"""Time `/cohort status` on a large cohort and show each query's plan.

Usage: ``python bench/cohort_status.py --mentees 5000 --sessions 20000 --runs 15``

Seeds a temporary SQLite file with one cohort a year long: `--mentees` mentees with 52
weekly check-ins each (answered, missed, some never sent), a mentor for every four mentees,
matches for most mentees, `--sessions` sessions spread over the year, at-risk flags and
re-match requests; then computes the status `--runs` times and prints the median, the
`/cohort members` and export times, and `EXPLAIN QUERY PLAN` for every status query.
Measurement only: prints numbers, asserts nothing.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import re
import sqlite3
import statistics
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from bot.db.database import Database
from bot.db.migrate import migrate
from bot.domain.cohort_status import MemberFilter
from bot.services.audit import AuditService
from bot.services.cohort_status import QUERIES, CohortStatusService
from bot.services.cohorts import CohortService

GUILD = 1_000_000_000_000_000_001
START = date(2025, 3, 3)  # a Monday, 52 weeks before NOW
NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
MENTEE_BASE = 10_000
MENTOR_BASE = 900_000
TARGET_MS = 100  # the median of the whole status computation


class Clock:
    def now(self) -> datetime:
        return NOW


def stamp(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%f+00:00")


def populate(path: Path, mentees: int, sessions: int, seed: int) -> None:
    """Bulk rows through the standard library driver: setting up is not what is measured."""
    rnd = random.Random(seed)
    start_at = datetime(START.year, START.month, START.day, tzinfo=UTC)
    mentors = max(1, mentees // 4)
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA foreign_keys = ON")
    with conn:
        cohort = conn.execute(
            "INSERT INTO cohorts (guild_id, name, starts_on, ends_on, created_at) "
            "VALUES (?, 'Bench year', ?, ?, ?)",
            (GUILD, START.isoformat(), (START + timedelta(days=364)).isoformat(), stamp(start_at)),
        ).lastrowid
        people = [(MENTEE_BASE + n, "mentee", None) for n in range(mentees)] + [
            (MENTOR_BASE + n, "mentor", 4) for n in range(mentors)
        ]
        conn.executemany(
            "INSERT INTO members (guild_id, user_id, status, role, capacity, updated_at) "
            "VALUES (?, ?, 'onboarded', ?, ?, ?)",
            [(GUILD, user, role, cap, stamp(start_at)) for user, role, cap in people],
        )
        conn.executemany(
            "INSERT INTO cohort_members (cohort_id, guild_id, user_id, role, enrolled_at) "
            "VALUES (?, ?, ?, ?, ?)",
            [(cohort, GUILD, user, role, stamp(start_at)) for user, role, _ in people],
        )
        # Some members of the server never finished sign-up.
        conn.executemany(
            "INSERT INTO members (guild_id, user_id, status, updated_at) VALUES (?, ?, ?, ?)",
            [
                (GUILD, 5_000_000 + n, "joined" if n % 2 else "onboarding", stamp(start_at))
                for n in range(mentees // 10)
            ],
        )
        flags = [
            (
                "missed two check-ins in a row" if n % 2 else "stuck twice on the same goal",
                GUILD,
                MENTEE_BASE + n,
            )
            for n in range(0, mentees, 20)
        ]
        conn.executemany(
            "INSERT INTO checkin_members (guild_id, user_id, updated_at) VALUES (?, ?, ?)",
            [(GUILD, MENTEE_BASE + n, stamp(start_at)) for n in range(mentees)],
        )
        conn.executemany(
            "UPDATE checkin_members SET at_risk_reason = ? WHERE guild_id = ? AND user_id = ?",
            flags,
        )
        periods = []
        for n in range(mentees):
            offset = timedelta(days=n % 7, hours=6 + n % 12)
            for week in range(52):
                due = start_at + timedelta(weeks=week) + offset
                if due >= NOW:
                    break
                roll = rnd.random()
                status, sent = (
                    ("answered", True)
                    if roll < 0.78
                    else ("missed", True)
                    if roll < 0.93
                    else ("missed", False)
                    if roll < 0.97
                    else ("undeliverable", False)
                )
                periods.append(
                    (
                        GUILD,
                        MENTEE_BASE + n,
                        due.date().isoformat(),
                        stamp(due),
                        status,
                        stamp(due) if sent else None,
                        stamp(due) if sent else None,
                        stamp(due),
                    )
                )
        conn.executemany(
            "INSERT INTO checkin_periods (guild_id, user_id, period_key, due_at, status, "
            "claimed_at, sent_at, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            periods,
        )
        matches = []
        for n in range(mentees * 9 // 10):
            created = start_at + timedelta(days=rnd.randint(0, 300))
            ended = rnd.random() < 0.1
            matches.append(
                (
                    GUILD,
                    cohort,
                    MENTEE_BASE + n,
                    MENTOR_BASE + n % mentors,
                    "ended" if ended else "active",
                    stamp(created),
                    7,
                    n + 1,
                    stamp(created + timedelta(days=5)) if rnd.random() < 0.8 else None,
                    stamp(created + timedelta(days=40)) if ended else None,
                    "other" if ended else None,
                )
            )
        conn.executemany(
            "INSERT INTO matches (guild_id, cohort_id, mentee_id, mentor_id, status, created_at, "
            "created_by, intro_thread_id, met_at, ended_at, end_reason) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            matches,
        )
        rows = conn.execute(
            "SELECT id, mentee_id, mentor_id, created_at FROM matches WHERE guild_id = ? "
            "ORDER BY id",
            (GUILD,),
        ).fetchall()
        seqs: dict[int, int] = {}
        logged = []
        for _ in range(sessions):
            match_id, mentee, mentor, created = rows[rnd.randrange(len(rows))]
            first = datetime.fromisoformat(created).date()
            span = max(0, (NOW.date() - first).days)
            on = first + timedelta(days=rnd.randint(0, span))
            seqs[match_id] = seqs.get(match_id, 0) + 1
            logged.append(
                (
                    GUILD,
                    match_id,
                    cohort,
                    mentee,
                    mentor,
                    seqs[match_id],
                    on.isoformat(),
                    rnd.choice((30, 45, 60, 90)),
                    mentee,
                    stamp(datetime(on.year, on.month, on.day, 18, tzinfo=UTC)),
                )
            )
        conn.executemany(
            "INSERT INTO sessions (guild_id, match_id, cohort_id, mentee_id, mentor_id, seq, "
            "session_date, minutes, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            logged,
        )
        first_sessions = conn.execute(
            "SELECT match_id, MIN(id), mentee_id FROM sessions GROUP BY match_id"
        ).fetchall()
        conn.executemany(
            "INSERT INTO fit_answers (match_id, guild_id, mentee_id, session_id, created_at, "
            "answer, answered_at, rematch_asked_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (
                    match_id,
                    GUILD,
                    mentee,
                    session_id,
                    stamp(NOW - timedelta(days=30)),
                    "not_good" if n % 40 == 0 else "good",
                    stamp(NOW - timedelta(days=29)),
                    stamp(NOW - timedelta(days=29)) if n % 40 == 0 else None,
                )
                for n, (match_id, session_id, mentee) in enumerate(first_sessions)
            ],
        )
    conn.execute("ANALYZE")
    conn.close()
    print(
        f"seeded: {len(people):,} members ({mentees:,} mentees, {mentors:,} mentors), "
        f"{len(periods):,} check-in periods, {len(matches):,} matches, {len(logged):,} sessions"
    )


async def measure(path: Path, runs: int) -> float:
    """Prints the figures and query plans; returns the median wall time in ms."""
    db = await Database.open(path)
    try:
        clock = Clock()
        cohorts = CohortService(db, clock, AuditService(db, clock))
        service = CohortStatusService(db, clock, cohorts)
        cohort = await cohorts.resolve(GUILD, None)
        status = await service.status(GUILD)  # warm the page cache, as a running bot has it
        times, cpu = [], []
        for _ in range(runs):
            began, began_cpu = time.perf_counter(), time.process_time()
            status = await service.status(GUILD)
            times.append(time.perf_counter() - began)
            cpu.append(time.process_time() - began_cpu)
        # CPU time (all threads of this process) is what the computation costs; the wall
        # time also counts waiting for a core on a busy machine.
        print(
            f"/cohort status: median {statistics.median(times) * 1000:.0f} ms wall, "
            f"{statistics.median(cpu) * 1000:.0f} ms CPU "
            f"(wall min {min(times) * 1000:.0f}, max {max(times) * 1000:.0f}) over {runs} runs"
        )
        print(
            f"  funnel {status.funnel}; response {status.response.percent}% "
            f"({status.trend}); {status.sessions_30d} sessions in 30 days; "
            f"{len(status.at_risk)} at risk; {len(status.weeks)} weeks"
        )
        began = time.perf_counter()
        page = await service.members(GUILD, None, MemberFilter.AT_RISK, offset=0, limit=10)
        print(
            f"/cohort members at_risk page: {(time.perf_counter() - began) * 1000:.0f} ms "
            f"({page.total} in the list)"
        )
        began = time.perf_counter()
        export = await service.export(GUILD)
        print(
            f"/cohort export data: {(time.perf_counter() - began) * 1000:.0f} ms "
            f"({len(export.members):,} rows)"
        )

        params = service.parameters(cohort)
        params.update(limit=10, offset=0)
        for name, sql in QUERIES.items():
            used = {key: params[key] for key in set(re.findall(r":([a-z_]+)", sql))}
            plan = await db.fetchall("EXPLAIN QUERY PLAN " + sql, used)
            print(f"\nEXPLAIN QUERY PLAN — {name}")
            depth: dict[int, int] = {0: 0}
            for row in plan:
                level = depth.get(row[1], 0) + 1
                depth[row[0]] = level
                print(f"  {'  ' * (level - 1)}{row[3]}")
    finally:
        await db.close()
    return statistics.median(times) * 1000


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mentees", type=int, default=5000)
    parser.add_argument("--sessions", type=int, default=20000)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bench.sqlite3"
        db = await Database.open(path)
        await migrate(db)
        await db.close()
        began = time.perf_counter()
        populate(path, args.mentees, args.sessions, args.seed)
        print(f"setup {time.perf_counter() - began:.1f} s")
        median = await measure(path, args.runs)
    verdict = "pass" if median <= TARGET_MS else "falls short"
    print("\n| figure | measured | target | |\n|---|---|---|---|")
    print(f"| /cohort status, median wall | {median:.0f} ms | ≤ {TARGET_MS} ms | {verdict} |")


if __name__ == "__main__":
    asyncio.run(main())
