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
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from bot.clock import Clock
from bot.db.database import Database
from bot.db.instants import from_db, to_db
from bot.domain.wallclock import discord_timestamp
from bot.i18n import N_, Text

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


def _deed(action: str, actor: str, target: str) -> Text:
    """What the line says the director did (to `target`, a mention, for a member action)."""
    if action == AuditAction.MATCH_CREATE:
        return N_("{actor} introduced a mentor to {target}", actor=actor, target=target)
    if action == AuditAction.MATCH_END:
        return N_("{actor} ended the match of {target}", actor=actor, target=target)
    if action == AuditAction.MATCH_FLAG:
        return N_(
            "{actor} answered a follow-up that flagged the pair of {target}",
            actor=actor,
            target=target,
        )
    if action == AuditAction.ONBOARDING_RESET:
        return N_("{actor} reset the sign-up of {target}", actor=actor, target=target)
    if action == AuditAction.COHORT_CREATE:
        return N_("{actor} opened a cohort", actor=actor)
    if action == AuditAction.COHORT_CLOSE:
        return N_("{actor} closed a cohort", actor=actor)
    if action == AuditAction.SETTINGS_CHANGE:
        return N_("{actor} changed the settings", actor=actor)
    return N_("{actor} did {action}", actor=actor, action=action)


@dataclass(frozen=True, slots=True)
class AuditEntry:
    id: int
    guild_id: int
    actor_id: int
    action: str
    target_id: int | None
    detail: str
    created_at: datetime
    shown: Text | None = field(default=None, compare=False)
    """`detail` worded for directors, when the caller gave it (not stored)."""

    @property
    def text(self) -> Text:
        """The director log line: when (each reader's own time), who, what, on whom, in
        whichever language is current when it is shown (the director log: the server's).

        Mentions in it are meant to be shown, not to ping: the caller sends it with
        mentions disabled."""
        when = discord_timestamp(self.created_at, "f")
        target = f"<@{self.target_id}>" if self.target_id is not None else "?"
        deed = _deed(self.action, f"<@{self.actor_id}>", target)
        detail = self.shown if self.shown is not None else self.detail
        if detail:
            return N_("{when} {deed} — {detail}", when=when, deed=deed, detail=detail)
        return N_("{when} {deed}", when=when, deed=deed)

    @property
    def line(self) -> str:
        """`text` in the current language."""
        return str(self.text)


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
        shown: Text | None = None,
        at: datetime | None = None,
    ) -> AuditEntry:
        """Write one entry and return it (with its director log line, which says `shown`
        instead of `detail` when given). Runs inside the caller's transaction when there is
        one, so the action and its record commit together."""
        when = at or self._clock.now()
        detail = " ".join(detail.split())[:DETAIL_MAX]
        entry_id = await self._db.execute(
            "INSERT INTO audit_log (guild_id, actor_id, action, target_id, detail, created_at) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            (guild_id, actor_id, action.value, target_id, detail, to_db(when)),
        )
        return AuditEntry(
            entry_id, guild_id, actor_id, action.value, target_id, detail, when, shown
        )

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
