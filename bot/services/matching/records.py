"""Matches as stored: the one place that reads the `matches` table for other services."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Literal

from bot.db.database import Database
from bot.db.instants import from_db
from bot.errors import UserError
from bot.i18n import N_, Text, _


class EndReason(StrEnum):
    GOALS_ACHIEVED = "goals_achieved"
    LACK_OF_CONTACT = "lack_of_contact"
    NEEDS_CHANGED = "needs_changed"
    NOT_A_GOOD_FIT = "not_a_good_fit"
    OTHER = "other"


END_REASON_LABELS: dict[EndReason, Text] = {
    EndReason.GOALS_ACHIEVED: N_("Goals achieved"),
    EndReason.LACK_OF_CONTACT: N_("Lack of contact"),
    EndReason.NEEDS_CHANGED: N_("Needs changed"),
    EndReason.NOT_A_GOOD_FIT: N_("Not a good fit"),
    EndReason.OTHER: N_("Other"),
}

FollowupAnswer = Literal["yes", "not_yet", "need_help"]
FlagReason = Literal["need_help", "not_met"]
MatchRole = Literal["mentee", "mentor"]


@dataclass(frozen=True)
class Match:
    id: int
    guild_id: int
    cohort_id: int | None
    mentee_id: int
    mentor_id: int
    status: Literal["active", "ended"]
    created_at: datetime
    created_by: int
    intro_thread_id: int | None
    met_at: datetime | None
    flagged_at: datetime | None
    flag_reason: FlagReason | None
    ended_at: datetime | None
    ended_by: int | None
    end_reason: EndReason | None

    @property
    def active(self) -> bool:
        return self.status == "active"

    def partner_of(self, member_id: int) -> int:
        return self.mentor_id if member_id == self.mentee_id else self.mentee_id


def match_of(row: sqlite3.Row) -> Match:
    created = from_db(row["created_at"])
    return Match(
        id=row["id"],
        guild_id=row["guild_id"],
        cohort_id=row["cohort_id"],
        mentee_id=row["mentee_id"],
        mentor_id=row["mentor_id"],
        status=row["status"],
        created_at=created,
        created_by=row["created_by"],
        intro_thread_id=row["intro_thread_id"],
        met_at=from_db(row["met_at"]),
        flagged_at=from_db(row["flagged_at"]),
        flag_reason=row["flag_reason"],
        ended_at=from_db(row["ended_at"]),
        ended_by=row["ended_by"],
        end_reason=EndReason(row["end_reason"]) if row["end_reason"] else None,
    )


class MatchRecords:
    """Reads of the `matches` table; needs only the database, so any service can ask it."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def get(self, match_id: int) -> Match | None:
        row = await self._db.fetchone("SELECT * FROM matches WHERE id = ?", (match_id,))
        return None if row is None else match_of(row)

    async def _require(self, match_id: int) -> Match:
        match = await self.get(match_id)
        if match is None:
            raise UserError(_("I can't find that match any more; it may have been undone."))
        return match

    async def active_match_of_mentee(self, guild_id: int, mentee_id: int) -> Match | None:
        row = await self._db.fetchone(
            "SELECT * FROM matches WHERE guild_id = ? AND mentee_id = ? AND status = 'active'",
            (guild_id, mentee_id),
        )
        return None if row is None else match_of(row)

    async def active_matches_of(self, guild_id: int, member_id: int) -> list[Match]:
        """The member's active matches, as mentee or as mentor, oldest first."""
        rows = await self._db.fetchall(
            "SELECT * FROM matches WHERE guild_id = ? AND status = 'active' "
            "AND ? IN (mentee_id, mentor_id) ORDER BY created_at, id",
            (guild_id, member_id),
        )
        return [match_of(row) for row in rows]

    async def are_partners(self, guild_id: int, a: int, b: int) -> bool:
        """Whether `a` and `b` are an active mentor–mentee pair, in either direction."""
        found = await self._db.fetchval(
            "SELECT 1 FROM matches WHERE guild_id = ? AND status = 'active' AND "
            "((mentee_id = ? AND mentor_id = ?) OR (mentee_id = ? AND mentor_id = ?))",
            (guild_id, a, b, b, a),
        )
        return found is not None

    async def mentor_of(self, guild_id: int, mentee_id: int) -> int | None:
        """The mentee's active mentor, if they have one."""
        value = await self._db.fetchval(
            "SELECT mentor_id FROM matches WHERE guild_id = ? AND mentee_id = ? "
            "AND status = 'active'",
            (guild_id, mentee_id),
        )
        return int(value) if value is not None else None

    async def in_active_match(self, guild_id: int, member_id: int) -> bool:
        """Whether the member is in an active match, as mentee or as mentor."""
        found = await self._db.fetchval(
            "SELECT 1 FROM matches WHERE guild_id = ? AND status = 'active' "
            "AND ? IN (mentee_id, mentor_id)",
            (guild_id, member_id),
        )
        return found is not None

    async def loggable_match(self, guild_id: int, a: int, b: int) -> Match | None:
        """The match in which `a` and `b` may log a session together: their active match,
        else the latest one that ended while its cohort is still running. Only introduced
        matches count: a reservation still being introduced is not a pair yet."""
        row = await self._db.fetchone(
            "SELECT m.* FROM matches m LEFT JOIN cohorts c ON c.id = m.cohort_id "
            "WHERE m.guild_id = ? AND m.intro_thread_id IS NOT NULL "
            "AND ((m.mentee_id = ? AND m.mentor_id = ?) OR (m.mentee_id = ? AND m.mentor_id = ?)) "
            "AND (m.status = 'active' OR c.status = 'active') "
            "ORDER BY m.status = 'active' DESC, m.created_at DESC, m.id DESC LIMIT 1",
            (guild_id, a, b, b, a),
        )
        return None if row is None else match_of(row)

    async def list_matches(
        self, guild_id: int, *, mentor_id: int | None = None, include_ended: bool = False
    ) -> list[Match]:
        """Active matches (and ended ones if asked), oldest first; one mentor's if given."""
        sql = "SELECT * FROM matches WHERE guild_id = ?"
        params: list[object] = [guild_id]
        if mentor_id is not None:
            sql += " AND mentor_id = ?"
            params.append(mentor_id)
        if not include_ended:
            sql += " AND status = 'active'"
        rows = await self._db.fetchall(sql + " ORDER BY created_at, id", params)
        return [match_of(row) for row in rows]
