"""`/cohort status`, `/cohort members` and `/cohort export`: the figures, computed in SQL.

Every figure is defined once, in `bot.domain.cohort_status`; the queries here implement those
definitions set-wise (one pass over the cohort's people, whatever its size), never member by
member in Python. This is a read-only report over tables other services own (members,
matches, check-ins, sessions): it writes nothing and each table's owner keeps its rules.

Nothing a member wrote is selected: no goal title, note, topic, reflection or free-text
answer. Every column read is an id, a count, a status, a date or an instant.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any, Final

from bot.clock import Clock
from bot.db.database import Database
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
from bot.services._instants import to_db
from bot.services.cohorts import CohortService

__all__ = ["PAGE_MAX", "QUERIES", "CohortExport", "CohortStatusService"]

PAGE_MAX: Final = 25
"""The most rows one `/cohort members` page may ask for."""

# ----------------------------------------------------------------------------- the roster
# One row per person of the cohort with everything the figures need. Parameters (named):
#   guild, cohort, open (1/0), as_of (stored instant), as_of_day (YYYY-MM-DD),
#   as_of_jd (julian day of as_of), recent_from (first day of the last 30 days),
#   resp_from / prev_from (starts of the last and previous 4 weeks, stored instants),
#   not_met_before / no_session_before (latest introduction that can be at risk),
#   missed / stuck (the check-in rules' at-risk reasons).

_PEOPLE = """
people AS (
    SELECT m.user_id, m.status, COALESCE(m.role, cm.role) AS role,
           CASE WHEN COALESCE(m.role, cm.role) = 'mentor' THEN COALESCE(m.capacity, 1) END
               AS capacity,
           cm.user_id IS NOT NULL AS enrolled,
           m.status = 'onboarded' AND COALESCE(m.role, cm.role) = 'mentee' AS is_mentee,
           m.status = 'onboarded' AND COALESCE(m.role, cm.role) = 'mentor' AS is_mentor
    FROM members m
    LEFT JOIN cohort_members cm ON cm.cohort_id = :cohort AND cm.user_id = m.user_id
    WHERE m.guild_id = :guild AND m.left_at IS NULL
      AND (cm.user_id IS NOT NULL
           OR (:open AND m.status <> 'onboarded' AND NOT EXISTS (
                   SELECT 1 FROM cohort_members x
                   WHERE x.guild_id = m.guild_id AND x.user_id = m.user_id)))
)"""

# Matches that count for the cohort, made by as_of (whatever their mentee's membership:
# a mentor's places are taken by every active match).
_CMATCH = """
cmatch AS (
    SELECT ma.id, ma.mentee_id, ma.mentor_id, ma.created_at,
           ma.intro_thread_id IS NOT NULL AS introduced,
           COALESCE(ma.met_at <= :as_of, 0) AS said_met,
           ma.intro_thread_id IS NOT NULL AND (ma.ended_at IS NULL OR ma.ended_at > :as_of)
               AS active
    FROM matches ma
    WHERE ma.guild_id = :guild AND (ma.cohort_id = :cohort OR ma.cohort_id IS NULL)
      AND ma.created_at <= :as_of
)"""

# Sessions that count for the cohort: its people's pairs, dated by as_of.
_CSESS = """
csess AS (
    SELECT s.match_id, s.mentee_id, s.mentor_id, s.session_date, s.minutes
    FROM people p JOIN sessions s ON s.guild_id = :guild AND s.mentee_id = p.user_id
    WHERE (s.cohort_id = :cohort OR s.cohort_id IS NULL) AND s.session_date <= :as_of_day
)"""

_ROSTER = f"""
WITH {_PEOPLE},
{_CMATCH},
{_CSESS},
by_match AS (
    SELECT match_id, MAX(session_date) AS last_on,
           SUM(session_date >= :recent_from) AS recent
    FROM csess GROUP BY match_id
),
mentee_side AS (
    SELECT c.mentee_id AS user_id, 1 AS matched, MAX(c.introduced) AS introduced,
           MAX(c.said_met OR b.match_id IS NOT NULL) AS met,
           MAX(CASE WHEN c.active THEN c.mentor_id END) AS mentor_id,
           MAX(CASE WHEN c.active THEN c.created_at END) AS active_since,
           MAX(CASE WHEN c.active THEN c.said_met OR b.match_id IS NOT NULL END) AS active_met,
           MAX(CASE WHEN c.active THEN b.last_on END) AS active_last_on,
           MAX(CASE WHEN c.active THEN COALESCE(b.recent, 0) END) AS active_recent
    FROM cmatch c LEFT JOIN by_match b ON b.match_id = c.id
    GROUP BY c.mentee_id
),
mentor_side AS (
    SELECT mentor_id AS user_id, SUM(active) AS mentees FROM cmatch GROUP BY mentor_id
),
session_side AS (
    SELECT user_id, COUNT(*) AS sessions, SUM(minutes) AS minutes, MAX(session_date) AS last_on,
           SUM(session_date >= :recent_from) AS recent
    FROM (SELECT mentee_id AS user_id, session_date, minutes FROM csess
          UNION ALL SELECT mentor_id, session_date, minutes FROM csess)
    GROUP BY user_id
),
checkin_side AS (
    SELECT cp.user_id,
           SUM(cp.due_at >= :resp_from) AS asked,
           SUM(cp.due_at >= :resp_from AND cp.status = 'answered') AS answered,
           SUM(cp.due_at < :resp_from) AS asked_before,
           SUM(cp.due_at < :resp_from AND cp.status = 'answered') AS answered_before
    FROM people p JOIN checkin_periods cp ON cp.guild_id = :guild AND cp.user_id = p.user_id
    WHERE p.is_mentee AND cp.due_at >= :prev_from AND cp.due_at < :as_of
      AND cp.sent_at IS NOT NULL AND cp.status IN ('answered', 'missed')
      AND (cp.kind = 'scheduled' OR cp.status = 'answered')
    GROUP BY cp.user_id
),
rematch AS (
    SELECT DISTINCT f.mentee_id AS user_id
    FROM fit_answers f JOIN cmatch c ON c.id = f.match_id
    WHERE f.guild_id = :guild AND f.rematch_asked_at <= :as_of
),
risk AS (
    SELECT p.user_id,
           CASE
               WHEN instr(ck.at_risk_reason, :missed) > 0 THEN 0
               WHEN instr(ck.at_risk_reason, :stuck) > 0 THEN 1
               WHEN ms.mentor_id IS NOT NULL AND NOT ms.active_met
                    AND ms.active_since <= :not_met_before THEN 2
               WHEN ms.mentor_id IS NOT NULL AND ms.active_recent = 0
                    AND ms.active_since <= :no_session_before THEN 3
           END AS rank,
           CAST(:as_of_jd - julianday(substr(ms.active_since, 1, 19)) AS INTEGER) AS since_intro,
           CAST(julianday(:as_of_day) - julianday(ms.active_last_on) AS INTEGER)
               AS since_session
    FROM people p
    LEFT JOIN mentee_side ms ON ms.user_id = p.user_id
    LEFT JOIN checkin_members ck ON ck.guild_id = :guild AND ck.user_id = p.user_id
    WHERE :open AND p.is_mentee
),
roster AS (
    SELECT p.user_id, p.role, p.status, p.enrolled, p.is_mentee, p.is_mentor, p.capacity,
           CASE WHEN p.is_mentee THEN ms.mentor_id END AS mentor_id,
           CASE WHEN p.is_mentor THEN COALESCE(os.mentees, 0) ELSE 0 END AS mentees,
           p.is_mentee AND COALESCE(ms.matched, 0) AS matched,
           p.is_mentee AND COALESCE(ms.introduced, 0) AS introduced,
           p.is_mentee AND COALESCE(ms.met, 0) AS met,
           p.is_mentee AND COALESCE(ms.met, 0) AND COALESCE(ss.recent, 0) > 0 AS active,
           COALESCE(ss.sessions, 0) AS sessions, COALESCE(ss.minutes, 0) AS minutes,
           ss.last_on,
           COALESCE(ck.answered, 0) AS checkins_answered, COALESCE(ck.asked, 0) AS checkins_asked,
           COALESCE(ck.answered_before, 0) AS answered_before,
           COALESCE(ck.asked_before, 0) AS asked_before,
           r.rank AS risk_rank,
           CASE r.rank WHEN 2 THEN r.since_intro
                       WHEN 3 THEN COALESCE(r.since_session, r.since_intro) END AS risk_days,
           rm.user_id IS NOT NULL AS rematch
    FROM people p
    LEFT JOIN mentee_side ms ON ms.user_id = p.user_id
    LEFT JOIN mentor_side os ON os.user_id = p.user_id
    LEFT JOIN session_side ss ON ss.user_id = p.user_id
    LEFT JOIN checkin_side ck ON ck.user_id = p.user_id
    LEFT JOIN risk r ON r.user_id = p.user_id
    LEFT JOIN rematch rm ON rm.user_id = p.user_id
)"""  # noqa: S608 - built from this module's fragments; values are always parameters

_FIGURES = (
    _ROSTER  # noqa: S608
    + """
SELECT COUNT(*) AS joined,
       COALESCE(SUM(status = 'onboarded'), 0) AS onboarded,
       COALESCE(SUM(matched), 0) AS matched,
       COALESCE(SUM(introduced), 0) AS introduced,
       COALESCE(SUM(met), 0) AS met,
       COALESCE(SUM(active), 0) AS active,
       COALESCE(SUM(is_mentee), 0) AS mentees,
       COALESCE(SUM(is_mentor), 0) AS mentors,
       COALESCE(SUM(is_mentee AND mentor_id IS NOT NULL), 0) AS matched_now,
       COALESCE(SUM(mentees), 0) AS places_taken,
       COALESCE(SUM(CASE WHEN is_mentor THEN capacity END), 0) AS places,
       COALESCE(SUM(checkins_answered), 0) AS answered,
       COALESCE(SUM(checkins_asked), 0) AS asked,
       COALESCE(SUM(answered_before), 0) AS answered_before,
       COALESCE(SUM(asked_before), 0) AS asked_before,
       COALESCE(SUM(rematch), 0) AS rematch,
       (SELECT COUNT(*) FROM csess) AS sessions_total,
       (SELECT COALESCE(SUM(minutes), 0) FROM csess) AS minutes_total,
       (SELECT COUNT(*) FROM csess WHERE session_date >= :recent_from) AS sessions_30d,
       (SELECT COALESCE(SUM(minutes), 0) FROM csess WHERE session_date >= :recent_from)
           AS minutes_30d
FROM roster"""
)

_AT_RISK = (
    _ROSTER
    + """
SELECT user_id, risk_rank, risk_days FROM roster
WHERE risk_rank IS NOT NULL ORDER BY risk_rank, user_id"""
)

# Check-in prompts and sessions per cohort week; `week` counts from the start date.
_WEEKLY_CHECKINS = f"""
WITH {_PEOPLE}
SELECT CAST((julianday(substr(cp.due_at, 1, 10)) - :start_jd) AS INTEGER) / 7 AS week,
       COUNT(*) AS asked, SUM(cp.status = 'answered') AS answered
FROM people p JOIN checkin_periods cp ON cp.guild_id = :guild AND cp.user_id = p.user_id
WHERE p.is_mentee AND cp.due_at >= :start_at AND cp.due_at < :as_of
  AND cp.sent_at IS NOT NULL AND cp.status IN ('answered', 'missed')
  AND (cp.kind = 'scheduled' OR cp.status = 'answered')
GROUP BY week"""  # noqa: S608

_WEEKLY_SESSIONS = f"""
WITH {_PEOPLE},
{_CSESS}
SELECT CAST((julianday(session_date) - :start_jd) AS INTEGER) / 7 AS week,
       COUNT(*) AS sessions, SUM(minutes) AS minutes
FROM csess WHERE session_date >= :start_day
GROUP BY week"""  # noqa: S608

# The filters of `/cohort members`, as conditions on the roster, and their order.
_FILTERS: Final[dict[MemberFilter, str]] = {
    MemberFilter.ALL: "1",
    MemberFilter.NOT_ONBOARDED: "status <> 'onboarded'",
    MemberFilter.UNMATCHED: "is_mentee AND mentor_id IS NULL",
    MemberFilter.AT_RISK: "risk_rank IS NOT NULL",
    MemberFilter.MENTORS_WITH_CAPACITY: "is_mentor AND mentees < capacity",
    MemberFilter.REMATCH_ASKED: "rematch",
}
_ORDER: Final = "ORDER BY risk_rank IS NULL, risk_rank, status = 'onboarded' DESC, role, user_id"
_MEMBER_COLUMNS: Final = (
    "user_id, role, status, enrolled, mentor_id, mentees, capacity, met, sessions, minutes, "
    "last_on, checkins_answered, checkins_asked, risk_rank, risk_days, rematch"
)

QUERIES: Final[dict[str, str]] = {
    "figures": _FIGURES,
    "at_risk": _AT_RISK,
    "weekly_checkins": _WEEKLY_CHECKINS,
    "weekly_sessions": _WEEKLY_SESSIONS,
    "members_page": _ROSTER
    + f"\nSELECT {_MEMBER_COLUMNS} FROM roster WHERE {_FILTERS[MemberFilter.AT_RISK]} "
    + _ORDER
    + " LIMIT :limit OFFSET :offset",
}
"""The status queries by name, for the benchmark's query plans."""


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
        params = self._params(cohort)
        where = _FILTERS[member_filter]
        total = int(
            await self._db.fetchval(
                _ROSTER + f"\nSELECT COUNT(*) FROM roster WHERE {where}",
                params,
            )
        )
        offset = max(0, min(offset, (max(total, 1) - 1) // limit * limit))
        rows = await self._db.fetchall(
            _ROSTER + f"\nSELECT {_MEMBER_COLUMNS} FROM roster WHERE {where} {_ORDER} "
            "LIMIT :limit OFFSET :offset",
            {**params, "limit": limit, "offset": offset},
        )
        return MemberPage(member_filter, offset, limit, total, tuple(_member(r) for r in rows))

    async def export(self, guild_id: int, cohort_id: int | None = None) -> CohortExport:
        """The figures and every person's row, for the CSV."""
        cohort = await self._cohorts.resolve(guild_id, cohort_id)
        status = await self._status(cohort)
        rows = await self._db.fetchall(
            _ROSTER + f"\nSELECT {_MEMBER_COLUMNS} FROM roster {_ORDER}",
            self._params(cohort, status.as_of),
        )
        return CohortExport(status, tuple(_member(r) for r in rows))

    # ---------------------------------------------------------------- internals

    def _params(self, cohort: Cohort, as_of: datetime | None = None) -> dict[str, Any]:
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
        }

    async def _status(self, cohort: Cohort) -> CohortStatus:
        as_of = report_moment(cohort, self._clock.now())
        params = self._params(cohort, as_of)
        row = await self._db.fetchone(_FIGURES, params)
        if row is None:  # pragma: no cover - an aggregate always returns a row
            raise LookupError(cohort.id)
        risky = await self._db.fetchall(_AT_RISK, params)
        reasons = list(RiskReason)
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
            response=Ratio(row["answered"], row["asked"]),
            response_before=Ratio(row["answered_before"], row["asked_before"]),
            sessions_30d=row["sessions_30d"],
            minutes_30d=row["minutes_30d"],
            sessions_total=row["sessions_total"],
            minutes_total=row["minutes_total"],
            rematch_asked=row["rematch"],
            at_risk=tuple(
                AtRisk(r["user_id"], reasons[r["risk_rank"]], r["risk_days"]) for r in risky
            ),
            weeks=await self._weeks(cohort, as_of, params),
        )

    async def _weeks(
        self, cohort: Cohort, as_of: datetime, params: dict[str, Any]
    ) -> tuple[Week, ...]:
        starts = week_starts(cohort.starts_on, as_of.date())
        if not starts:
            return ()
        series = {
            **params,
            "start_jd": _julian(cohort.starts_on),
            "start_day": cohort.starts_on.isoformat(),
            "start_at": f"{cohort.starts_on.isoformat()}T00:00:00.000000+00:00",
        }
        checkins = {r["week"]: r for r in await self._db.fetchall(_WEEKLY_CHECKINS, series)}
        sessions = {r["week"]: r for r in await self._db.fetchall(_WEEKLY_SESSIONS, series)}
        weeks = []
        for n, starts_on in enumerate(starts):
            ck, ss = checkins.get(n), sessions.get(n)
            weeks.append(
                Week(
                    starts_on=starts_on,
                    asked=ck["asked"] if ck else 0,
                    answered=ck["answered"] if ck else 0,
                    sessions=ss["sessions"] if ss else 0,
                    minutes=ss["minutes"] if ss else 0,
                )
            )
        return tuple(weeks)


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
