"""`/cohort status`, `/cohort members` and `/cohort export`: the figures, computed in SQL.

Every figure is defined once, in `bot.domain.cohort_status`; the queries
(`bot.services.cohort_queries`) implement those definitions set-wise, whatever the cohort's
size, never member by member in Python. This is a read-only report over tables other services
own (members, matches, check-ins, sessions): it writes nothing, and each table's owner keeps
its rules.

Nothing a member wrote is selected: no goal title, note, topic, reflection or free-text
answer. Every column read is an id, a count, a status, a date or an instant.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any, Final

from bot.clock import Clock
from bot.db.database import Database
from bot.db.instants import to_db
from bot.domain.cohort_status import (
    ACTIVE_WINDOW,
    NO_SESSION_AFTER,
    NOT_MET_AFTER,
    RESPONSE_WINDOW,
    AtRisk,
    CohortStatus,
    Funnel,
    MemberFilter,
    MemberPage,
    MemberRow,
    Ratio,
    RiskReason,
    Week,
    report_moment,
    week_starts,
)
from bot.domain.cohorts import Cohort
from bot.domain.schedule import MISSED_TWICE_REASON, STUCK_TWICE_REASON
from bot.services import cohort_queries as q
from bot.services.cohorts import CohortService

__all__ = ["PAGE_MAX", "QUERIES", "CohortExport", "CohortStatusService"]

PAGE_MAX: Final = 25
"""The most rows one `/cohort members` page may ask for."""

# The filters of `/cohort members`, as conditions on the roster.
_FILTERS: Final[dict[MemberFilter, str]] = {
    MemberFilter.ALL: "1",
    MemberFilter.NOT_ONBOARDED: "status <> 'onboarded'",
    MemberFilter.UNMATCHED: "is_mentee AND mentor_id IS NULL",
    MemberFilter.AT_RISK: "risk_rank IS NOT NULL",
    MemberFilter.MENTORS_WITH_CAPACITY: "is_mentor AND mentees < capacity",
    MemberFilter.REMATCH_ASKED: "rematch",
}

QUERIES: Final[dict[str, str]] = {
    "status": q.STATUS,
    "members_page": q.roster_rows(_FILTERS[MemberFilter.AT_RISK], paged=True),
}
"""The queries by name, for the benchmark's query plans."""


@dataclass(frozen=True, slots=True)
class CohortExport:
    """Everything `/cohort export` writes: the figures and one row per person."""

    status: CohortStatus
    members: tuple[MemberRow, ...]


class CohortStatusService:
    def __init__(self, db: Database, clock: Clock, cohorts: CohortService) -> None:
        self._db = db
        self._clock = clock
        self._cohorts = cohorts

    async def status(self, guild_id: int, cohort_id: int | None = None) -> CohortStatus:
        """The figures of one cohort (the open one, else the latest, when none is named)."""
        cohort = await self._cohorts.resolve(guild_id, cohort_id)
        return await self._status(cohort)

    async def members(
        self,
        guild_id: int,
        cohort_id: int | None,
        member_filter: MemberFilter = MemberFilter.ALL,
        *,
        offset: int = 0,
        limit: int = 10,
    ) -> MemberPage:
        """One page of a `/cohort members` list. An offset past the end (the list shrank
        since the page was shown) gives the last page instead of an empty one."""
        cohort = await self._cohorts.resolve(guild_id, cohort_id)
        limit = max(1, min(limit, PAGE_MAX))
        sql = q.roster_rows(_FILTERS[member_filter], paged=True)
        params = {**self.parameters(cohort), "limit": limit, "offset": max(0, offset)}
        rows = await self._db.fetchall(sql, params)
        if not rows and params["offset"] > 0:
            # Past the end: one row tells the total, then the last page is read.
            first = await self._db.fetchall(sql, {**params, "limit": 1, "offset": 0})
            total = int(first[0]["total"]) if first else 0
            params["offset"] = max(0, (total - 1) // limit * limit)
            rows = await self._db.fetchall(sql, params) if total else []
        total = int(rows[0]["total"]) if rows else 0
        return MemberPage(
            member_filter, params["offset"], limit, total, tuple(_member(r) for r in rows)
        )

    async def export(self, guild_id: int, cohort_id: int | None = None) -> CohortExport:
        """The figures and every person's row, for the CSV."""
        cohort = await self._cohorts.resolve(guild_id, cohort_id)
        status = await self._status(cohort)
        rows = await self._db.fetchall(
            q.roster_rows("1", paged=False), self.parameters(cohort, status.as_of)
        )
        return CohortExport(status, tuple(_member(r) for r in rows))

    def parameters(self, cohort: Cohort, as_of: datetime | None = None) -> dict[str, Any]:
        """The named parameters of `cohort_queries` for this cohort (the benchmark shows
        the real query plans with them)."""
        as_of = as_of or report_moment(cohort, self._clock.now())
        day = as_of.date()
        return {
            "guild": cohort.guild_id,
            "cohort": cohort.id,
            "open": int(cohort.is_open),
            "as_of": to_db(as_of),
            "as_of_day": day.isoformat(),
            "as_of_jd": _julian(as_of),
            "recent_from": (day - ACTIVE_WINDOW + timedelta(days=1)).isoformat(),
            "resp_from": to_db(as_of - RESPONSE_WINDOW),
            "prev_from": to_db(as_of - 2 * RESPONSE_WINDOW),
            "not_met_before": to_db(as_of - NOT_MET_AFTER),
            "no_session_before": to_db(as_of - NO_SESSION_AFTER),
            "missed": MISSED_TWICE_REASON,
            "stuck": STUCK_TWICE_REASON,
            "start_at": to_db(datetime.combine(cohort.starts_on, datetime.min.time(), UTC)),
            "start_day": cohort.starts_on.isoformat(),
            "start_jd": _julian(cohort.starts_on),
        }

    # ---------------------------------------------------------------- internals

    async def _status(self, cohort: Cohort) -> CohortStatus:
        as_of = report_moment(cohort, self._clock.now())
        params = self.parameters(cohort, as_of)
        row = await self._db.fetchone(q.STATUS, params)
        if row is None:  # pragma: no cover - an aggregate always returns a row
            raise LookupError(cohort.id)
        spans = {n: (answered, missed) for n, answered, missed in _json(row["checkins"])}
        reasons = list(RiskReason)
        sessions_by_week = {w: (n, minutes) for w, n, minutes in _json(row["weekly_sessions"])}
        weeks = []
        for n, starts_on in enumerate(week_starts(cohort.starts_on, as_of.date())):
            answered, missed = spans.get(n, (0, 0))
            sessions, minutes = sessions_by_week.get(n, (0, 0))
            weeks.append(Week(starts_on, answered + missed, answered, sessions, minutes))
        recent, before = spans.get(-1, (0, 0)), spans.get(-2, (0, 0))
        return CohortStatus(
            cohort=cohort,
            as_of=as_of,
            funnel=Funnel(
                joined=row["joined"],
                onboarded=row["onboarded"],
                matched=row["matched"],
                introduced=row["introduced"],
                met=row["met"],
                active=row["active"],
            ),
            mentees=row["mentees"],
            mentors=row["mentors"],
            not_onboarded=row["joined"] - row["onboarded"],
            matched_mentees=row["matched_now"],
            unmatched_mentees=row["mentees"] - row["matched_now"],
            capacity=Ratio(row["places_taken"], row["places"]),
            response=Ratio(recent[0], sum(recent)),
            response_before=Ratio(before[0], sum(before)),
            sessions_30d=row["sessions_30d"],
            minutes_30d=row["minutes_30d"],
            sessions_total=row["sessions_total"],
            minutes_total=row["minutes_total"],
            rematch_asked=row["rematch"],
            at_risk=tuple(
                AtRisk(user, reasons[rank], days) for user, rank, days in _json(row["at_risk"])
            ),
            weeks=tuple(weeks),
        )


def _json(text: str | None) -> list[list[Any]]:
    """A `json_group_array` of rows (NULL when there were none)."""
    value = json.loads(text) if text else []
    return value if isinstance(value, list) else []


def _julian(moment: date | datetime) -> float:
    """The Julian day number SQLite's `julianday()` gives (UTC for an instant)."""
    if isinstance(moment, datetime):
        moment = moment.astimezone(UTC)
        seconds = moment.hour * 3600 + moment.minute * 60 + moment.second
        return moment.date().toordinal() + 1721424.5 + (seconds + moment.microsecond / 1e6) / 86400
    return moment.toordinal() + 1721424.5


def _member(row: sqlite3.Row) -> MemberRow:
    rank = row["risk_rank"]
    return MemberRow(
        user_id=row["user_id"],
        role=row["role"],
        status=row["status"],
        enrolled=bool(row["enrolled"]),
        mentor_id=row["mentor_id"],
        mentees=row["mentees"],
        capacity=row["capacity"],
        met=bool(row["met"]),
        sessions=row["sessions"],
        minutes=row["minutes"],
        last_session_on=date.fromisoformat(row["last_on"]) if row["last_on"] else None,
        checkins_answered=row["checkins_answered"],
        checkins_asked=row["checkins_asked"],
        at_risk=None
        if rank is None
        else AtRisk(row["user_id"], list(RiskReason)[rank], row["risk_days"]),
        rematch_asked=bool(row["rematch"]),
    )
