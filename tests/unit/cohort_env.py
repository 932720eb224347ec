"""A seeded cohort whose status figures are worked out by hand (see test_cohort_status.py).

Calendar: the cohort "Spring 2026" starts Mon 5 Jan 2026 and ends Mon 27 Apr 2026. The
report is taken at AS_OF, Mon 2 Mar 2026 12:00 UTC. Check-ins are due Mondays 09:00 UTC.

People (guild GUILD):
  mentors  M1 (capacity 2), M2 (capacity 5), M3 (capacity unset = 1)
  mentees  A  M1's, matched 3 Jan before the cohort opened (no cohort), met, sessions
              20 Jan 60', 10 Feb 45', 24 Feb 30'; answers every check-in
           B  M1's, introduced 8 Jan, met 20 Jan, one session 22 Jan 60'
           C  M2's, introduced 20 Feb, not met yet
           D  M2's, introduced 9 Feb 10:00, not met
           E  M2's, introduced 5 Jan, met by logging sessions 5 Jan 40', 25 Feb 50';
              flagged "missed two check-ins in a row"
           F  unmatched; flagged missed twice and stuck twice
           G  unmatched (a reservation with M3 is being introduced); flagged stuck twice
           H  M3's match ended 1 Feb (one session 25 Jan 90'); asked for a re-match
           Q  M2's, left the server (with a session 3 Feb): not counted anywhere
           J  enrolled, then their sign-up was reset (joined again)
  waiting  K (joined), L (signing up): in no cohort, the open cohort counts them
  not in   N (joined, left), P (in the closed cohort Autumn 2025), X (another server)

Everyone's words (goals, notes, topics, reflections, bios) contain one of WORDS.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta

from bot.db.database import Database
from bot.db.instants import to_db
from bot.domain.cohort_status import CohortStatus, Funnel, Ratio
from bot.domain.cohorts import Cohort
from bot.services.audit import AuditService
from bot.services.cohort_status import CohortStatusService
from bot.services.cohorts import CohortService
from tests.support import FakeClock

GUILD = 1300000000000000100
OTHER_GUILD = 1300000000000000900
DIRECTOR = 1300000000000000001
A, B, C, D, E, F, G, H, Q, J = (1300000000000000201 + n for n in range(10))
K, L, N, P = (1300000000000000301 + n for n in range(4))
M1, M2, M3 = (1300000000000000401 + n for n in range(3))
X = 1300000000000000501

OPENED = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
AS_OF = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
MONDAY_DUES = [
    datetime(2026, 1, 5, 9, tzinfo=UTC),
    datetime(2026, 1, 12, 9, tzinfo=UTC),
    datetime(2026, 1, 19, 9, tzinfo=UTC),
    datetime(2026, 1, 26, 9, tzinfo=UTC),
    datetime(2026, 2, 2, 9, tzinfo=UTC),
    datetime(2026, 2, 9, 9, tzinfo=UTC),
    datetime(2026, 2, 16, 9, tzinfo=UTC),
    datetime(2026, 2, 23, 9, tzinfo=UTC),
    datetime(2026, 3, 2, 9, tzinfo=UTC),
]

WORDS = (
    "BIO-walrus-lantern",
    "GOAL-pelican-orchard",
    "NOTE-quasar-meadow",
    "TOPIC-nebula-harbour",
    "REFLECT-origami-tundra",
)
BIO, GOAL, NOTE, TOPIC, REFLECT = WORDS


class CohortEnv:
    def __init__(self, db: Database, clock: FakeClock) -> None:
        self.db = db
        self.clock = clock
        self.audit = AuditService(db, clock)
        self.cohorts = CohortService(db, clock, self.audit)
        self.status = CohortStatusService(db, clock, self.cohorts)
        self.cohort_id = 0
        self._seq: dict[int, int] = {}

    async def member(
        self,
        user_id: int,
        role: str | None,
        *,
        status: str = "onboarded",
        capacity: int | None = None,
        guild_id: int = GUILD,
    ) -> None:
        answers = {"role": role, "bio": f"{BIO} {user_id}", "goals": f"{GOAL} {user_id}"}
        await self.db.execute(
            "INSERT INTO members (guild_id, user_id, status, role, answers, capacity, "
            "joined_at, onboarded_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                guild_id,
                user_id,
                status,
                role if status == "onboarded" else None,
                json.dumps(answers),
                capacity,
                to_db(OPENED),
                to_db(OPENED) if status == "onboarded" else None,
                to_db(OPENED),
            ),
        )
        if role == "mentee" and status == "onboarded":
            goal = await self.db.execute(
                "INSERT INTO goals (guild_id, user_id, title, created_at) VALUES (?, ?, ?, ?)",
                (guild_id, user_id, f"{GOAL} {user_id}", to_db(OPENED)),
            )
            await self.db.execute(
                "INSERT INTO checkin_members (guild_id, user_id, updated_at) VALUES (?, ?, ?)",
                (guild_id, user_id, to_db(OPENED)),
            )
            self._seq[user_id] = goal

    async def flag(self, user_id: int, reason: str) -> None:
        await self.db.execute(
            "UPDATE checkin_members SET at_risk_reason = ?, at_risk_since = ? "
            "WHERE guild_id = ? AND user_id = ?",
            (reason, to_db(OPENED), GUILD, user_id),
        )

    async def match(
        self,
        mentee: int,
        mentor: int,
        created: datetime,
        *,
        cohort: int | str | None = "current",
        met: datetime | None = None,
        ended: datetime | None = None,
        introduced: bool = True,
        guild_id: int = GUILD,
    ) -> int:
        cohort_id = self.cohort_id if cohort == "current" else cohort
        return await self.db.execute(
            "INSERT INTO matches (guild_id, cohort_id, mentee_id, mentor_id, status, created_at, "
            "created_by, intro_thread_id, met_at, ended_at, ended_by, end_reason) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                guild_id,
                cohort_id,
                mentee,
                mentor,
                "ended" if ended else "active",
                to_db(created),
                DIRECTOR,
                7000 + mentee % 1000 if introduced else None,
                to_db(met) if met else None,
                to_db(ended) if ended else None,
                DIRECTOR if ended else None,
                "not_a_good_fit" if ended else None,
            ),
        )

    async def session(self, match_id: int, on: date, minutes: int, *, guild_id: int = GUILD) -> int:
        row = await self.db.fetchone(
            "SELECT cohort_id, mentee_id, mentor_id FROM matches WHERE id = ?", (match_id,)
        )
        assert row is not None
        seq = int(
            await self.db.fetchval("SELECT COUNT(*) FROM sessions WHERE match_id = ?", (match_id,))
        )
        session_id = await self.db.execute(
            "INSERT INTO sessions (guild_id, match_id, cohort_id, mentee_id, mentor_id, seq, "
            "session_date, minutes, topic, created_by, created_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                guild_id,
                match_id,
                row["cohort_id"],
                row["mentee_id"],
                row["mentor_id"],
                seq + 1,
                on.isoformat(),
                minutes,
                f"{TOPIC} {match_id}",
                row["mentee_id"],
                to_db(datetime(on.year, on.month, on.day, 18, tzinfo=UTC)),
            ),
        )
        await self.db.execute(
            "INSERT INTO reflections (session_id, author_id, role, answers, created_at) "
            "VALUES (?, ?, 'mentee', ?, ?)",
            (
                session_id,
                row["mentee_id"],
                json.dumps({"stood_out": REFLECT}),
                to_db(datetime(on.year, on.month, on.day, 19, tzinfo=UTC)),
            ),
        )
        return session_id

    async def period(
        self,
        user_id: int,
        due: datetime,
        status: str,
        *,
        sent: bool = True,
        kind: str = "scheduled",
        guild_id: int = GUILD,
    ) -> None:
        period_id = await self.db.execute(
            "INSERT INTO checkin_periods (guild_id, user_id, period_key, kind, due_at, status, "
            "claimed_at, channel_id, delivery, sent_at, answered_at, note, created_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                guild_id,
                user_id,
                due.isoformat(),
                kind,
                to_db(due),
                status,
                to_db(due) if sent else None,
                9000 if sent else None,
                "dm" if sent else None,
                to_db(due) if sent else None,
                to_db(due) if status == "answered" else None,
                f"{NOTE} {user_id}" if status == "answered" else None,
                to_db(due),
            ),
        )
        if status == "answered" and user_id in self._seq:
            await self.db.execute(
                "INSERT INTO checkin_answers (period_id, goal_id, status, answered_at) "
                "VALUES (?, ?, 'on_track', ?)",
                (period_id, self._seq[user_id], to_db(due)),
            )


def at(month: int, day: int, hour: int = 10) -> datetime:
    return datetime(2026, month, day, hour, tzinfo=UTC)


async def seed(env: CohortEnv) -> CohortEnv:
    """Build the cohort described in the module docstring; leaves the clock at AS_OF."""
    db, clock = env.db, env.clock
    # An earlier, closed cohort with its own member P (not counted in Spring 2026).
    old = await db.execute(
        "INSERT INTO cohorts (guild_id, name, starts_on, ends_on, status, created_at, closed_at) "
        "VALUES (?, 'Autumn 2025', '2025-09-01', '2025-12-15', 'closed', ?, ?)",
        (GUILD, to_db(datetime(2025, 9, 1, tzinfo=UTC)), to_db(datetime(2025, 12, 16, tzinfo=UTC))),
    )
    await env.member(P, "mentee")
    await db.execute(
        "INSERT INTO cohort_members (cohort_id, guild_id, user_id, role, enrolled_at) "
        "VALUES (?, ?, ?, 'mentee', ?)",
        (old, GUILD, P, to_db(datetime(2025, 9, 1, tzinfo=UTC))),
    )
    for mentee in (A, B, C, D, E, F, G, H, Q, J):
        await env.member(mentee, "mentee")
    await env.member(M1, "mentor", capacity=2)
    await env.member(M2, "mentor", capacity=5)
    await env.member(M3, "mentor", capacity=None)
    await env.member(K, None, status="joined")
    await env.member(L, None, status="onboarding")
    await env.member(N, None, status="joined")
    await env.member(X, "mentee", guild_id=OTHER_GUILD)
    await env.member(X + 1, "mentor", capacity=1, guild_id=OTHER_GUILD)
    # A was matched before any cohort was open: the match carries no cohort.
    a_match = await env.match(A, M1, at(1, 3), cohort=None, met=at(1, 15))

    clock.set(OPENED)
    opened = await env.cohorts.create(GUILD, DIRECTOR, "Spring 2026", "2026-01-05", "2026-04-27")
    env.cohort_id = opened.cohort.id
    await db.execute(
        "UPDATE members SET left_at = ? WHERE user_id IN (?, ?)", (to_db(at(2, 5)), Q, N)
    )
    await db.execute("UPDATE members SET status = 'joined', role = NULL WHERE user_id = ?", (J,))

    b_match = await env.match(B, M1, at(1, 8), met=at(1, 20))
    await env.match(C, M2, at(2, 20))
    await env.match(D, M2, at(2, 9))
    e_match = await env.match(E, M2, at(1, 5))
    h_match = await env.match(H, M3, at(1, 6), ended=at(2, 1))
    q_match = await env.match(Q, M2, at(1, 10))
    await env.match(G, M3, at(3, 2, 11), introduced=False)  # a reservation being introduced
    old_match = await env.match(P, M1, datetime(2025, 9, 8, tzinfo=UTC), cohort=old)
    x_match = await env.match(X, X + 1, at(1, 8), cohort=None, guild_id=OTHER_GUILD)

    for match_id, on, minutes in (
        (a_match, date(2026, 1, 20), 60),
        (a_match, date(2026, 2, 10), 45),
        (a_match, date(2026, 2, 24), 30),
        (b_match, date(2026, 1, 22), 60),
        (e_match, date(2026, 1, 5), 40),
        (e_match, date(2026, 2, 25), 50),
        (h_match, date(2026, 1, 25), 90),
        (q_match, date(2026, 2, 3), 60),
        (old_match, date(2026, 2, 10), 60),
    ):
        await env.session(match_id, on, minutes)
    await env.session(x_match, date(2026, 2, 10), 60, guild_id=OTHER_GUILD)
    h_session = await db.fetchval("SELECT id FROM sessions WHERE match_id = ?", (h_match,))
    await db.execute(
        "INSERT INTO fit_answers (match_id, guild_id, mentee_id, session_id, created_at, "
        "asked_at, answer, answered_at, rematch_asked_at) "
        "VALUES (?, ?, ?, ?, ?, ?, 'not_good', ?, ?)",
        (h_match, GUILD, H, h_session, *(to_db(at(1, 27)),) * 4),
    )

    await env.flag(E, "missed two check-ins in a row")
    await env.flag(F, "missed two check-ins in a row; stuck twice on the same goal")
    await env.flag(G, "stuck twice on the same goal")
    await env.flag(P, "missed two check-ins in a row")  # the closed cohort's: not listed

    mondays = MONDAY_DUES
    for due in mondays:
        await env.period(A, due, "answered")
    for due in mondays[:5]:
        await env.period(B, due, "answered")
    await env.period(B, mondays[5], "missed")
    await env.period(B, mondays[6], "answered")
    await env.period(B, mondays[7], "missed")
    await env.period(B, mondays[8], "pending")  # sent, not answered yet
    await env.period(E, mondays[3], "answered")
    await env.period(E, mondays[4], "missed", sent=False)  # the bot was down
    await env.period(E, mondays[5], "answered")
    await env.period(E, mondays[6], "missed")
    await env.period(E, mondays[7], "missed")
    await env.period(E, mondays[8], "pending", sent=False)
    await env.period(F, at(2, 16), "missed", kind="manual")
    await env.period(F, at(2, 18), "answered", kind="manual")
    await env.period(F, mondays[7], "undeliverable", sent=False)
    await env.period(C, mondays[8], "answered")
    await env.period(C, at(3, 2, 13), "pending", sent=False)  # due after AS_OF
    await env.period(Q, mondays[6], "answered")  # left the server
    await env.period(P, mondays[6], "answered")  # the closed cohort's
    await env.period(X, mondays[6], "answered", guild_id=OTHER_GUILD)

    clock.set(AS_OF)
    return env


NOW = AS_OF


def bare_cohort(*, closed_at: datetime | None = None) -> Cohort:
    """An open (or closed) cohort record, for tests that need no database."""
    return Cohort(
        id=1,
        guild_id=2,
        name="Spring",
        starts_on=date(2026, 1, 5),
        ends_on=None,
        status="closed" if closed_at else "active",
        created_at=NOW - timedelta(days=60),
        created_by=3,
        closed_at=closed_at,
    )


def bare_status(response: Ratio, before: Ratio) -> CohortStatus:
    """A status with nothing in it but the two response rates (and 90 minutes in 30 days)."""
    return CohortStatus(
        cohort=bare_cohort(),
        as_of=NOW,
        funnel=Funnel(0, 0, 0, 0, 0, 0),
        mentees=0,
        mentors=0,
        not_onboarded=0,
        matched_mentees=0,
        unmatched_mentees=0,
        capacity=Ratio(0, 0),
        response=response,
        response_before=before,
        sessions_30d=0,
        minutes_30d=90,
        sessions_total=0,
        minutes_total=0,
        rematch_asked=0,
    )
