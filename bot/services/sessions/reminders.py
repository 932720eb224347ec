"""The one reminder to reflect: two days after a session was logged, to each member who has
not reflected by then, at most once and — unless a sender stops mid-send — exactly once.

A sender claims a row in a transaction before it sends, one batch at a time, and records how
it went. A row claimed by a run that stopped before recording is sent again only within
`ORPHAN_RETRY_WINDOW` with the same nonce (Discord drops the duplicate); after that it is
recorded as lost and never sent: a missed nudge is better than a doubled one.
"""

from __future__ import annotations

import sqlite3
import uuid
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import cast

from bot.clock import Clock
from bot.db.database import Database
from bot.db.instants import from_db, to_db
from bot.domain import sessions as rules
from bot.domain.sessions import Role
from bot.services.cohorts import cohort_running_sql
from bot.services.sessions.records import (
    ReminderDelivery,
    ReminderPlan,
    session_of,
)

# Discord de-duplicates a message nonce for "the past few minutes".
ORPHAN_RETRY_WINDOW = timedelta(minutes=2)

# A session of a closed cohort gets no reflection reminder.
_RUNNING = cohort_running_sql("s.cohort_id")

_SELECT = (
    "SELECT r.member_id, r.claimed_at, s.*, EXISTS (SELECT 1 FROM reflections f "
    "WHERE f.session_id = s.id AND f.author_id = r.member_id) AS reflected "
    "FROM session_reminders r JOIN sessions s ON s.id = r.session_id "
)


class ReflectionReminders:
    def __init__(self, db: Database, clock: Clock) -> None:
        self._db = db
        self._clock = clock
        # Tells this run's claims from those of a run that stopped mid-send.
        self.run_id = uuid.uuid4().hex

    async def schedule(self, session_id: int, members: Iterable[int], logged_at: datetime) -> None:
        """Called inside the transaction that logs the session."""
        due = to_db(rules.reminder_due(logged_at))
        await self._db.executemany(
            "INSERT INTO session_reminders (session_id, member_id, due_at) VALUES (?, ?, ?)",
            [(session_id, member, due) for member in members],
        )

    async def next_due(self) -> datetime | None:
        """When the earliest unclaimed reminder is due, for the timer."""
        earliest: str | None = await self._db.fetchval(
            "SELECT MIN(r.due_at) FROM session_reminders r JOIN sessions s "  # noqa: S608
            f"ON s.id = r.session_id WHERE r.claimed_at IS NULL AND {_RUNNING}"
        )
        return from_db(earliest)

    async def claim_due(self, now: datetime, *, limit: int | None = None) -> list[ReminderPlan]:
        """Claim reminders due by `now` for members who have not reflected; each is then
        sent once. Members who reflected in time are recorded as skipped and not sent."""
        stamp = to_db(self._clock.now())
        plans: list[ReminderPlan] = []
        async with self._db.transaction():
            orphans = await self._db.fetchall(
                _SELECT + "WHERE r.claimed_at IS NOT NULL AND r.delivery IS NULL "
                "AND r.claimed_by <> ?",
                (self.run_id,),
            )
            for row in orphans:
                claimed = from_db(row["claimed_at"])
                fresh = claimed is not None and now - claimed <= ORPHAN_RETRY_WINDOW
                if fresh and not row["reflected"]:
                    await self._update(row, "claimed_by = ?", self.run_id)
                    plans.append(_plan(row, retry=True))
                else:
                    outcome = "skipped" if row["reflected"] else "lost"
                    await self._update(row, "delivery = ?", outcome)
            due = await self._db.fetchall(
                _SELECT + f"WHERE r.claimed_at IS NULL AND r.due_at <= ? AND {_RUNNING} "
                "ORDER BY r.due_at, r.session_id, r.member_id LIMIT ?",
                (to_db(now), -1 if limit is None else limit),
            )
            for row in due:
                if row["reflected"]:
                    await self._update(row, "claimed_at = ?, delivery = 'skipped'", stamp)
                else:
                    await self._update(row, "claimed_at = ?, claimed_by = ?", stamp, self.run_id)
                    plans.append(_plan(row, retry=False))
        return plans

    async def _update(self, row: sqlite3.Row, assignments: str, *values: object) -> None:
        await self._db.execute(
            f"UPDATE session_reminders SET {assignments} "  # noqa: S608  (fixed fragments)
            "WHERE session_id = ? AND member_id = ?",
            (*values, row["id"], row["member_id"]),
        )

    async def record(self, plan: ReminderPlan, delivery: ReminderDelivery) -> None:
        """How the claimed reminder went ('skipped': there was nowhere to send it)."""
        sent = None if delivery == "skipped" else to_db(self._clock.now())
        await self._db.execute(
            "UPDATE session_reminders SET delivery = ?, sent_at = ? "
            "WHERE session_id = ? AND member_id = ? AND claimed_by = ?",
            (delivery, sent, plan.session.id, plan.member_id, self.run_id),
        )

    async def release(self, plan: ReminderPlan) -> None:
        """Discord throttled it before it went out: let it be claimed again."""
        await self._db.execute(
            "UPDATE session_reminders SET claimed_at = NULL, claimed_by = NULL "
            "WHERE session_id = ? AND member_id = ? AND claimed_by = ? AND sent_at IS NULL",
            (plan.session.id, plan.member_id, self.run_id),
        )


def _plan(row: sqlite3.Row, *, retry: bool) -> ReminderPlan:
    session = session_of(row)
    role = cast("Role", session.role_of(row["member_id"]))
    return ReminderPlan(session, row["member_id"], role, retry)
