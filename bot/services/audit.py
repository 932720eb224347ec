"""The audit trail of director actions, and the line each one gets in the director log.

Every director action (open or close a cohort, make or end a match, reset a sign-up, change
settings) is written to `audit_log` with who did it and when, even when the server has no
director log channel. The same entry gives the one line the Discord layer posts there, so the
table and the channel always say the same thing.

`detail` holds ids, statuses, dates and director-chosen names (a cohort's), never words a
member wrote (PRODUCT §5): callers pass only such values.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Literal

from bot.clock import Clock
from bot.db.database import Database
from bot.db.instants import from_db, to_db
from bot.domain.wallclock import discord_timestamp

__all__ = ["DETAIL_MAX", "AuditAction", "AuditEntry", "AuditService"]

DETAIL_MAX = 300
"""Keeps a director log line well inside one Discord message."""


class AuditAction(StrEnum):
    """What a director did (and, for `MATCH_FLAG`, the follow-up answer that flagged a pair
    to directors). The values are stored; the first four are the names the matching and
    onboarding services wrote before this service existed."""

    MATCH_CREATE = "match.create"
    MATCH_FLAG = "match.flag"
    MATCH_END = "match.end"
    ONBOARDING_RESET = "onboarding.reset"
    COHORT_CREATE = "cohort.create"
    COHORT_CLOSE = "cohort.close"
    SETTINGS_CHANGE = "settings.change"


# Per action: what the line says the director did, and what `target_id` names.
_PHRASES: dict[str, tuple[str, Literal["member", "cohort", "none"]]] = {
    AuditAction.MATCH_CREATE: ("introduced a mentor to", "member"),
    AuditAction.MATCH_END: ("ended the match of", "member"),
    AuditAction.MATCH_FLAG: ("answered a follow-up that flagged the pair of", "member"),
    AuditAction.ONBOARDING_RESET: ("reset the sign-up of", "member"),
    AuditAction.COHORT_CREATE: ("opened a cohort", "cohort"),
    AuditAction.COHORT_CLOSE: ("closed a cohort", "cohort"),
    AuditAction.SETTINGS_CHANGE: ("changed the settings", "none"),
}


@dataclass(frozen=True, slots=True)
class AuditEntry:
    id: int
    guild_id: int
    actor_id: int
    action: str
    target_id: int | None
    detail: str
    created_at: datetime

    @property
    def line(self) -> str:
        """The director log line: when (each reader's own time), who, what, on whom.

        Mentions in it are meant to be shown, not to ping: the caller sends it with
        mentions disabled."""
        phrase, target_kind = _PHRASES.get(self.action, (f"did {self.action}", "none"))
        text = f"{discord_timestamp(self.created_at, 'f')} <@{self.actor_id}> {phrase}"
        if target_kind == "member" and self.target_id is not None:
            text += f" <@{self.target_id}>"
        if self.detail:
            text += f" — {self.detail}"
        return text


class AuditService:
    def __init__(self, db: Database, clock: Clock) -> None:
        self._db = db
        self._clock = clock

    async def record(
        self,
        guild_id: int,
        actor_id: int,
        action: AuditAction,
        *,
        target_id: int | None = None,
        detail: str = "",
        at: datetime | None = None,
    ) -> AuditEntry:
        """Write one entry and return it (with its director log line). Runs inside the
        caller's transaction when there is one, so the action and its record commit
        together."""
        when = at or self._clock.now()
        detail = " ".join(detail.split())[:DETAIL_MAX]
        entry_id = await self._db.execute(
            "INSERT INTO audit_log (guild_id, actor_id, action, target_id, detail, created_at) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            (guild_id, actor_id, action.value, target_id, detail, to_db(when)),
        )
        return AuditEntry(entry_id, guild_id, actor_id, action.value, target_id, detail, when)

    async def recent(self, guild_id: int, limit: int = 20) -> list[AuditEntry]:
        """The server's latest entries, newest first."""
        rows = await self._db.fetchall(
            "SELECT * FROM audit_log WHERE guild_id = ? ORDER BY created_at DESC, id DESC LIMIT ?",
            (guild_id, limit),
        )
        return [_entry(row) for row in rows]


def _entry(row: sqlite3.Row) -> AuditEntry:
    created: datetime = from_db(str(row["created_at"]))
    return AuditEntry(
        id=row["id"],
        guild_id=row["guild_id"],
        actor_id=row["actor_id"],
        action=row["action"],
        target_id=row["target_id"],
        detail=row["detail"],
        created_at=created,
    )
