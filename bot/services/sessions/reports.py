"""Numbers about sessions for the director tools: hours and counts per pair and per cohort,
sessions in a window, re-matches asked for.

Directors see counts, dates and minutes, never members' words (PRODUCT §5). Every query here
names its columns, and none of them is a topic, a reflection or a fit answer; the records it
returns have no field that could carry one. A unit test checks that no output of this class
contains any text a member wrote.
"""

from __future__ import annotations

import sqlite3
from datetime import date, datetime

from bot.db.database import Database
from bot.services.sessions.records import (
    PairTotals,
    RematchAsk,
    SessionFacts,
    SessionTotals,
)

_FACTS = (
    "SELECT id, guild_id, match_id, cohort_id, mentee_id, mentor_id, seq, session_date, minutes "
    "FROM sessions "
)


def _where(
    guild_id: int, cohort_id: int | None, since: date | None, until: date | None
) -> tuple[str, list[object]]:
    """Conditions on `sessions`: one server, optionally one cohort and a date window
    (`since` inclusive, `until` exclusive)."""
    sql = "WHERE guild_id = ?"
    params: list[object] = [guild_id]
    if cohort_id is not None:
        sql += " AND cohort_id = ?"
        params.append(cohort_id)
    if since is not None:
        sql += " AND session_date >= ?"
        params.append(since.isoformat())
    if until is not None:
        sql += " AND session_date < ?"
        params.append(until.isoformat())
    return sql, params


class SessionReports:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def totals(
        self,
        guild_id: int,
        *,
        cohort_id: int | None = None,
        since: date | None = None,
        until: date | None = None,
    ) -> SessionTotals:
        """Sessions, minutes and pairs that met, in a server (or one cohort), in a window."""
        where, params = _where(guild_id, cohort_id, since, until)
        row = await self._db.fetchone(
            "SELECT COUNT(*) AS n, COALESCE(SUM(minutes), 0) AS minutes, "  # noqa: S608
            f"COUNT(DISTINCT match_id) AS pairs FROM sessions {where}",
            params,
        )
        if row is None:
            return SessionTotals(0, 0, 0)
        return SessionTotals(int(row["n"]), int(row["minutes"]), int(row["pairs"]))

    async def pair_totals(
        self,
        guild_id: int,
        *,
        cohort_id: int | None = None,
        since: date | None = None,
        until: date | None = None,
    ) -> list[PairTotals]:
        """Per pair (match) with at least one session: count, minutes, first and last date."""
        where, params = _where(guild_id, cohort_id, since, until)
        rows = await self._db.fetchall(
            "SELECT match_id, cohort_id, mentee_id, mentor_id, COUNT(*) AS n, "  # noqa: S608
            "SUM(minutes) AS minutes, MIN(session_date) AS first_on, "
            f"MAX(session_date) AS last_on FROM sessions {where} "
            "GROUP BY match_id ORDER BY match_id",
            params,
        )
        return [
            PairTotals(
                match_id=row["match_id"],
                cohort_id=row["cohort_id"],
                mentee_id=row["mentee_id"],
                mentor_id=row["mentor_id"],
                sessions=int(row["n"]),
                minutes=int(row["minutes"]),
                first_on=date.fromisoformat(row["first_on"]),
                last_on=date.fromisoformat(row["last_on"]),
            )
            for row in rows
        ]

    async def sessions_between(
        self, guild_id: int, since: date, until: date, *, cohort_id: int | None = None
    ) -> list[SessionFacts]:
        """Every session dated in [since, until), oldest first (e.g. for a weekly chart)."""
        where, params = _where(guild_id, cohort_id, since, until)
        rows = await self._db.fetchall(
            _FACTS + where + " ORDER BY session_date, id",
            params,
        )
        return [_facts(row) for row in rows]

    async def waiting_for_thread(self, guild_id: int) -> int:
        """Sessions whose private thread could not be made yet (for `/setup show`)."""
        return int(
            await self._db.fetchval(
                "SELECT COUNT(*) FROM sessions WHERE guild_id = ? AND thread_ready_at IS NULL",
                (guild_id,),
            )
        )

    async def rematch_requests(
        self, guild_id: int, *, cohort_id: int | None = None
    ) -> list[RematchAsk]:
        """Mentees who asked for another mentor, oldest request first; no reasons exist."""
        sql = (
            "SELECT f.match_id, f.guild_id, s.cohort_id, s.mentee_id, s.mentor_id, "
            "f.rematch_asked_at FROM fit_answers f JOIN sessions s ON s.id = f.session_id "
            "WHERE f.guild_id = ? AND f.rematch_asked_at IS NOT NULL"
        )
        params: list[object] = [guild_id]
        if cohort_id is not None:
            sql += " AND s.cohort_id = ?"
            params.append(cohort_id)
        rows = await self._db.fetchall(sql + " ORDER BY f.rematch_asked_at", params)
        return [
            RematchAsk(
                match_id=row["match_id"],
                guild_id=row["guild_id"],
                cohort_id=row["cohort_id"],
                mentee_id=row["mentee_id"],
                mentor_id=row["mentor_id"],
                asked_at=datetime.fromisoformat(row["rematch_asked_at"]),
            )
            for row in rows
        ]


def _facts(row: sqlite3.Row) -> SessionFacts:
    return SessionFacts(
        id=row["id"],
        guild_id=row["guild_id"],
        match_id=row["match_id"],
        cohort_id=row["cohort_id"],
        mentee_id=row["mentee_id"],
        mentor_id=row["mentor_id"],
        seq=row["seq"],
        on=date.fromisoformat(row["session_date"]),
        minutes=row["minutes"],
    )
