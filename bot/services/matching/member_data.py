"""A member's matches for `/privacy export` and `/privacy delete`.

Matches hold no words, only who was paired with whom and when, which directors count. A
deletion keeps them under the member's anonymous id (in every column naming them: mentee,
mentor, the director who made or ended a match, proposals). Why a match ended is a
director's note that may repeat what the partner told them in confidence, so the export
leaves it out, as it leaves out the partner's answers to "Have you met yet?".
"""

from __future__ import annotations

import json
import sqlite3

from bot.clock import Clock
from bot.db.instants import from_db, to_db
from bot.domain.privacy import ExportPart, instant
from bot.services.matching.records import EndReason, MatchRecords

_ABOUT_MATCHES = (
    "Who you were matched with (their Discord id), when, and whether the match is still "
    "going. Directors see this too."
)
_ABOUT_FOLLOWUPS = "Your own answers to “Have you met yet?”, asked after an introduction."
_ABOUT_PROPOSALS = (
    "Cohort-wide matching proposals a director made that named you, and ones you made or "
    "decided on as a director."
)
_MEMBER_COLUMNS = ("mentee_id", "mentor_id", "created_by", "ended_by")


class MemberData(MatchRecords):
    _clock: Clock  # set by MatchFollowups

    async def export_member(self, guild_id: int, user_id: int) -> list[ExportPart]:
        rows = await self._db.fetchall(
            "SELECT * FROM matches WHERE guild_id = ? AND ? IN (mentee_id, mentor_id) "
            "ORDER BY created_at, id",
            (guild_id, user_id),
        )
        matches = [
            {
                "Number": row["id"],
                "You were the": "mentee" if row["mentee_id"] == user_id else "mentor",
                "Partner": str(row["mentor_id" if row["mentee_id"] == user_id else "mentee_id"]),
                "Matched at": instant(from_db(row["created_at"])),
                "Status": row["status"],
                "Met (a Yes to “Have you met yet?”) at": instant(from_db(row["met_at"])),
                "Ended at": instant(from_db(row["ended_at"])),
            }
            for row in rows
        ]
        followups = await self._db.fetchall(
            "SELECT f.* FROM match_followups f JOIN matches m ON m.id = f.match_id "
            "WHERE m.guild_id = ? AND f.member_id = ? ORDER BY f.due_at",
            (guild_id, user_id),
        )
        answers = [
            {
                "Match": row["match_id"],
                "Round": row["round"],
                "Asked at": instant(from_db(row["sent_at"])),
                "Your answer": row["answer"],
                "Answered at": instant(from_db(row["answered_at"])),
            }
            for row in followups
        ]
        proposals = [
            {
                "Proposal": row["id"],
                "Made at": instant(from_db(row["created_at"])),
                "Status": row["status"],
                "Made or decided by you": user_id in (row["created_by"], row["decided_by"]),
                "Partner proposed for you": next(
                    (str(b if a == user_id else a) for a, b in pairs if user_id in (a, b)), None
                ),
            }
            for row, pairs in await self._proposals_naming(guild_id, user_id)
        ]
        active = sum(1 for row in rows if row["status"] == "active")
        return [
            ExportPart(
                "Matches", _ABOUT_MATCHES, matches, {"matches": len(rows), "active matches": active}
            ),
            ExportPart("“Have you met yet?” answers", _ABOUT_FOLLOWUPS, answers),
            ExportPart("Matching proposals", _ABOUT_PROPOSALS, proposals),
        ]

    async def _proposals_naming(
        self, guild_id: int, user_id: int
    ) -> list[tuple[sqlite3.Row, list[tuple[int, int]]]]:
        rows = await self._db.fetchall(
            "SELECT * FROM match_proposals WHERE guild_id = ? ORDER BY id", (guild_id,)
        )
        found = []
        for row in rows:
            pairs = [(int(a), int(b)) for a, b in json.loads(row["pairs"])]
            named = any(user_id in pair for pair in pairs)
            if named or user_id in (row["created_by"], row["decided_by"]):
                found.append((row, pairs))
        return found

    async def erase_member(self, guild_id: int, user_id: int, anonymous_id: int) -> dict[str, int]:
        """Put the anonymous id wherever the member is named; inside the caller's transaction.
        A match still active here (made after the deletion ended theirs) ends now."""
        key = (guild_id, user_id)
        await self._db.execute(
            "UPDATE matches SET status = 'ended', ended_at = ?, ended_by = ?, end_reason = ? "
            "WHERE guild_id = ? AND status = 'active' AND ? IN (mentee_id, mentor_id)",
            (to_db(self._clock.now()), user_id, EndReason.OTHER.value, *key),
        )
        renamed = ", ".join(
            f"{column} = CASE {column} WHEN ? THEN ? ELSE {column} END"
            for column in _MEMBER_COLUMNS
        )
        await self._db.execute(
            f"UPDATE matches SET {renamed} WHERE guild_id = ? "  # noqa: S608
            f"AND ? IN ({', '.join(_MEMBER_COLUMNS)})",
            (*(user_id, anonymous_id) * len(_MEMBER_COLUMNS), *key),
        )
        in_guild = "match_id IN (SELECT id FROM matches WHERE guild_id = ?)"
        await self._db.execute(
            f"DELETE FROM match_followups WHERE {in_guild} AND member_id = ? "  # noqa: S608
            "AND claimed_at IS NULL",
            key,
        )
        await self._db.execute(
            f"UPDATE match_followups SET member_id = ? WHERE {in_guild} AND member_id = ?",  # noqa: S608
            (anonymous_id, *key),
        )
        for row, pairs in await self._proposals_naming(guild_id, user_id):
            renamed_pairs = [
                [anonymous_id if member == user_id else member for member in pair] for pair in pairs
            ]
            await self._db.execute(
                "UPDATE match_proposals SET pairs = ?, "
                "created_by = CASE created_by WHEN ? THEN ? ELSE created_by END, "
                "decided_by = CASE decided_by WHEN ? THEN ? ELSE decided_by END WHERE id = ?",
                (
                    json.dumps(renamed_pairs),
                    user_id,
                    anonymous_id,
                    user_id,
                    anonymous_id,
                    row["id"],
                ),
            )
        return {}
