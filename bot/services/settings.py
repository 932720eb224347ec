"""Reading and changing per-server settings (`/setup`)."""

from __future__ import annotations

import dataclasses
import sqlite3

from bot.clock import Clock
from bot.db.database import Database
from bot.db.instants import from_db, to_db
from bot.domain.matching import MatchWeights
from bot.domain.privacy import ExportPart, instant
from bot.domain.settings import MATCH_FOLLOWUP_DAYS_RANGE, GuildSettings
from bot.errors import UserError
from bot.i18n import N_, Language
from bot.services.audit import AuditAction, AuditService

_COLUMNS = tuple(f.name for f in dataclasses.fields(GuildSettings))


class SettingsService:
    """Settings rows with a read cache: every interaction reads them, few change them."""

    def __init__(self, db: Database, clock: Clock, audit: AuditService | None = None) -> None:
        self._db = db
        self._clock = clock
        self._audit = audit or AuditService(db, clock)
        self._cache: dict[int, GuildSettings] = {}

    async def get(self, guild_id: int) -> GuildSettings:
        cached = self._cache.get(guild_id)
        if cached is not None:
            return cached
        row = await self._db.fetchone(
            f"SELECT {', '.join(_COLUMNS)} FROM guild_settings WHERE guild_id = ?",  # noqa: S608
            (guild_id,),
        )
        settings = GuildSettings(guild_id) if row is None else _from_row(row)
        self._cache[guild_id] = settings
        return settings

    async def set_roles(
        self, guild_id: int, *, director: int, mentor: int, mentee: int, actor_id: int
    ) -> GuildSettings:
        if mentor == mentee:
            raise UserError(N_("The Mentor and Mentee roles must be two different roles."))
        if guild_id in (director, mentor, mentee):
            raise UserError(
                N_("@everyone can't be a programme role: pick or create a dedicated role.")
            )
        return await self._update(
            guild_id,
            actor_id,
            director_role_id=director,
            mentor_role_id=mentor,
            mentee_role_id=mentee,
        )

    async def set_channels(
        self,
        guild_id: int,
        *,
        introductions: int,
        sessions: int,
        checkin_fallback: int | None,
        director_log: int | None,
        actor_id: int,
    ) -> GuildSettings:
        return await self._update(
            guild_id,
            actor_id,
            introductions_channel_id=introductions,
            sessions_channel_id=sessions,
            checkin_fallback_channel_id=checkin_fallback,
            director_log_channel_id=director_log,
        )

    async def set_language(self, guild_id: int, lang: Language, *, actor_id: int) -> GuildSettings:
        """The language of directors' screens and the director log (`/setup language`)."""
        return await self._update(guild_id, actor_id, language=lang)

    async def set_matching(
        self,
        guild_id: int,
        *,
        followup_days: int | None = None,
        weights: MatchWeights | None = None,
        actor_id: int,
    ) -> GuildSettings:
        """Change the follow-up delay and/or the matching weights; None keeps a value."""
        values: dict[str, int | float | str | None] = {}
        if followup_days is not None:
            low, high = MATCH_FOLLOWUP_DAYS_RANGE
            if not low <= followup_days <= high:
                raise UserError(
                    N_(
                        "The follow-up delay must be between {low} and {high} days; "
                        "{days} is outside that range.",
                        low=low,
                        high=high,
                        days=followup_days,
                    )
                )
            values["match_followup_days"] = followup_days
        if weights is not None:
            values |= {
                "match_weight_area": weights.area,
                "match_weight_timezone": weights.timezone,
                "match_weight_capacity": weights.capacity,
            }
        if not values:
            return await self.get(guild_id)
        return await self._update(guild_id, actor_id, **values)

    async def _update(
        self, guild_id: int, actor_id: int, **values: int | float | str | None
    ) -> GuildSettings:
        assignments = ", ".join(f"{name} = excluded.{name}" for name in values)
        columns = ", ".join(values)
        placeholders = ", ".join("?" for _ in values)
        sql = (
            f"INSERT INTO guild_settings (guild_id, {columns}, updated_at, updated_by) "  # noqa: S608
            f"VALUES (?, {placeholders}, ?, ?) ON CONFLICT (guild_id) DO UPDATE SET "
            f"{assignments}, updated_at = excluded.updated_at, updated_by = excluded.updated_by"
        )
        moment = self._clock.now()
        now = to_db(moment)
        # Ids and numbers only: what changed, audited with who and when.
        detail = ", ".join(f"{name} {_shown(value)}" for name, value in values.items())
        async with self._db.transaction():
            await self._db.execute(sql, (guild_id, *values.values(), now, actor_id))
            await self._audit.record(
                guild_id, actor_id, AuditAction.SETTINGS_CHANGE, detail=detail, at=moment
            )
        self._cache.pop(guild_id, None)
        return await self.get(guild_id)

    async def export_member(self, guild_id: int, user_id: int) -> list[ExportPart]:
        """Whether the member (a director) made the last change to the server's settings."""
        changed = await self._db.fetchval(
            "SELECT updated_at FROM guild_settings WHERE guild_id = ? AND updated_by = ?",
            (guild_id, user_id),
        )
        content = None if changed is None else {"Last changed at": instant(from_db(changed))}
        about = "Whether you made the last change to the server's `/setup` settings."
        return [ExportPart("Server settings you changed", about, content)]

    async def erase_member(self, guild_id: int, user_id: int, anonymous_id: int) -> dict[str, int]:
        """Inside the caller's transaction."""
        await self._db.execute(
            "UPDATE guild_settings SET updated_by = ? WHERE guild_id = ? AND updated_by = ?",
            (anonymous_id, guild_id, user_id),
        )
        self._cache.pop(guild_id, None)
        return {}


def _from_row(row: sqlite3.Row) -> GuildSettings:
    """NULL columns take the defaults in code (e.g. matching weights never changed)."""
    return GuildSettings(**{name: row[name] for name in _COLUMNS if row[name] is not None})


def _shown(value: int | float | str | None) -> str:
    if value is None:
        return "none"
    return f"{value:g}" if isinstance(value, float) else str(value)
