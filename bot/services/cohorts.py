"""Cohort lifecycle: open a cohort, enroll the members who were waiting for one, close it.

The service owns `cohorts` and `cohort_members` (onboarding enrolls a member who finishes
sign-up while a cohort is open; this service enrolls everyone who finished while none was).

**Who takes part.** A member takes part in the programme while they are in the open cohort,
or in no cohort yet (they signed up before any was opened). A member whose every cohort is
closed has finished: the check-in and follow-up schedulers must not prompt them. Those
services ask through `taking_part_sql` / `cohort_running_sql` (conditions to add to their
own due-row queries, so a whole burst is still one query) or `takes_part` (one member).
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import date

from bot.clock import Clock
from bot.db.database import Database
from bot.db.instants import from_db, to_db
from bot.domain import wallclock
from bot.domain.cohorts import Cohort, CohortInputError, check_dates, clean_name, same_name
from bot.errors import UserError
from bot.i18n import Nn_, Text, _
from bot.services.audit import AuditAction, AuditEntry, AuditService

__all__ = [
    "AUTOCOMPLETE_LIMIT",
    "CohortClosed",
    "CohortOpened",
    "CohortService",
    "Enrolled",
    "cohort_running_sql",
    "taking_part_sql",
]

AUTOCOMPLETE_LIMIT = 25
"""Discord shows at most 25 autocomplete choices."""


def taking_part_sql(guild_column: str, user_column: str) -> str:
    """An SQL condition, true while the member named by the two columns takes part: in the
    open cohort, or in no cohort yet. Add it to a due-row query (`AND …`) so members of a
    closed cohort are not prompted. Column names only, never values."""
    enrolled = (
        "SELECT 1 FROM cohort_members tp_m JOIN cohorts tp_c ON tp_c.id = tp_m.cohort_id "  # noqa: S608
        f"WHERE tp_m.guild_id = {guild_column} AND tp_m.user_id = {user_column} "
        "AND tp_c.status = "
    )
    return f"(NOT EXISTS ({enrolled}'closed') OR EXISTS ({enrolled}'active'))"


def cohort_running_sql(cohort_column: str) -> str:
    """An SQL condition, true unless the cohort named by the column (e.g. a match's) is
    closed; a NULL cohort (made before any cohort was open) is running."""
    return (
        f"NOT EXISTS (SELECT 1 FROM cohorts cr_c WHERE cr_c.id = {cohort_column} "  # noqa: S608
        "AND cr_c.status = 'closed')"
    )


@dataclass(frozen=True, slots=True)
class Enrolled:
    user_id: int
    role: str


@dataclass(frozen=True, slots=True)
class CohortOpened:
    """A new cohort, the members who were waiting and joined it (tell each of them), and the
    audit entry (post its line to the director log)."""

    cohort: Cohort
    enrolled: tuple[Enrolled, ...]
    audit: AuditEntry


@dataclass(frozen=True, slots=True)
class CohortClosed:
    """A closed cohort, its members still in the server (thank each of them), and the audit
    entry."""

    cohort: Cohort
    members: tuple[Enrolled, ...]
    audit: AuditEntry


class CohortService:
    def __init__(self, db: Database, clock: Clock, audit: AuditService) -> None:
        self._db = db
        self._clock = clock
        self._audit = audit

    # ------------------------------------------------------------------ reads

    async def get(self, guild_id: int, cohort_id: int) -> Cohort | None:
        row = await self._db.fetchone(
            "SELECT * FROM cohorts WHERE id = ? AND guild_id = ?", (cohort_id, guild_id)
        )
        return None if row is None else _cohort(row)

    async def open_cohort(self, guild_id: int) -> Cohort | None:
        """The server's open cohort, if any."""
        row = await self._db.fetchone(
            "SELECT * FROM cohorts WHERE guild_id = ? AND status = 'active'", (guild_id,)
        )
        return None if row is None else _cohort(row)

    async def is_open(self, cohort_id: int) -> bool:
        return bool(
            await self._db.fetchval(
                "SELECT 1 FROM cohorts WHERE id = ? AND status = 'active'", (cohort_id,)
            )
        )

    async def takes_part(self, guild_id: int, user_id: int) -> bool:
        """Whether the member is still prompted (see the module docstring)."""
        return bool(
            await self._db.fetchval(
                f"SELECT {taking_part_sql('?', '?')}",
                (guild_id, user_id, guild_id, user_id),
            )
        )

    async def list_cohorts(self, guild_id: int) -> list[Cohort]:
        """The server's cohorts: the open one first, then the latest started first."""
        rows = await self._db.fetchall(
            "SELECT * FROM cohorts WHERE guild_id = ? "
            "ORDER BY status = 'active' DESC, starts_on DESC, id DESC",
            (guild_id,),
        )
        return [_cohort(row) for row in rows]

    async def search(self, guild_id: int, query: str) -> list[Cohort]:
        """Autocomplete for `cohort:` options: names containing `query` (any case), in the
        order of `list_cohorts`, at most 25."""
        needle = query.strip().casefold()
        found = [c for c in await self.list_cohorts(guild_id) if needle in c.name.casefold()]
        return found[:AUTOCOMPLETE_LIMIT]

    async def resolve(self, guild_id: int, cohort_id: int | None) -> Cohort:
        """The cohort a director's command is about: the one they picked, else the open one,
        else the latest; a friendly refusal when there is none."""
        if cohort_id is not None:
            cohort = await self.get(guild_id, cohort_id)
            if cohort is None:
                raise UserError(_("I can't find that cohort here: pick one from the list."))
            return cohort
        cohorts = await self.list_cohorts(guild_id)
        if not cohorts:
            raise UserError(_("There is no cohort yet: open one with `/cohort create`."))
        return cohorts[0]

    async def waiting(self, guild_id: int) -> list[Enrolled]:
        """Members who finished sign-up and are in no cohort: the next cohort enrolls them."""
        rows = await self._db.fetchall(
            "SELECT m.user_id, m.role FROM members m WHERE m.guild_id = ? "
            "AND m.status = 'onboarded' AND m.role IS NOT NULL AND m.left_at IS NULL "
            "AND NOT EXISTS (SELECT 1 FROM cohort_members cm "
            "WHERE cm.guild_id = m.guild_id AND cm.user_id = m.user_id) ORDER BY m.user_id",
            (guild_id,),
        )
        return [Enrolled(int(r["user_id"]), str(r["role"])) for r in rows]

    # ----------------------------------------------------------------- writes

    async def create(
        self,
        guild_id: int,
        actor_id: int,
        name: str,
        starts_on: date | str,
        ends_on: date | str | None = None,
    ) -> CohortOpened:
        """Open a cohort and enroll everyone who was waiting for one, in one transaction.

        Dates may be given as typed (`2026-01-12`, `12 Jan`, `today`, …). Refused, with what
        to do, when a cohort is still open or the name is taken in this server.
        """
        now = self._clock.now()
        today = now.date()
        try:
            clean = clean_name(name)
            start = _date(starts_on, today)
            end = None if ends_on is None or ends_on == "" else _date(ends_on, today)
            check_dates(start, end, today)
        except (CohortInputError, wallclock.WallClockError) as exc:
            raise UserError(str(exc)) from None
        async with self._db.transaction():
            current = await self.open_cohort(guild_id)
            if current is not None:
                raise UserError(
                    _(
                        "{cohort} is still open: close it with `/cohort close` before "
                        "opening the next one.",
                        cohort=current.name,
                    )
                )
            names = await self._db.fetchall(
                "SELECT name FROM cohorts WHERE guild_id = ?", (guild_id,)
            )
            if any(same_name(row["name"], clean) for row in names):
                raise UserError(
                    _(
                        "This server already had a cohort called {cohort}: pick another name, "
                        "like {cohort} (2).",
                        cohort=clean,
                    )
                )
            try:
                cohort_id = await self._db.execute(
                    "INSERT INTO cohorts (guild_id, name, starts_on, ends_on, status, "
                    "created_at, created_by) VALUES (?, ?, ?, ?, 'active', ?, ?)",
                    (
                        guild_id,
                        clean,
                        start.isoformat(),
                        end.isoformat() if end else None,
                        to_db(now),
                        actor_id,
                    ),
                )
            except sqlite3.IntegrityError:
                raise UserError(
                    _("Another director just opened a cohort: run `/cohort status` to see it.")
                ) from None
            enrolled = await self.waiting(guild_id)
            await self._db.execute(
                "INSERT INTO cohort_members (cohort_id, guild_id, user_id, role, enrolled_at) "
                "SELECT ?, m.guild_id, m.user_id, m.role, ? FROM members m WHERE m.guild_id = ? "
                "AND m.status = 'onboarded' AND m.role IS NOT NULL AND m.left_at IS NULL "
                "AND NOT EXISTS (SELECT 1 FROM cohort_members cm "
                "WHERE cm.guild_id = m.guild_id AND cm.user_id = m.user_id)",
                (cohort_id, to_db(now), guild_id),
            )
            cohort = await self.get(guild_id, cohort_id)
            if cohort is None:  # pragma: no cover - written just above in this transaction
                raise LookupError(cohort_id)
            detail = f"{clean}, from {start.isoformat()}"
            if end is not None:
                detail += f" to {end.isoformat()}"
            detail += f"; {len(enrolled)} waiting member(s) enrolled"
            entry = await self._audit.record(
                guild_id,
                actor_id,
                AuditAction.COHORT_CREATE,
                target_id=cohort_id,
                detail=detail,
                shown=_opened_detail(clean, start, end, len(enrolled)),
                at=now,
            )
        return CohortOpened(cohort, tuple(enrolled), entry)

    async def close(
        self, guild_id: int, actor_id: int, cohort_id: int | None = None
    ) -> CohortClosed:
        """Close the cohort (the open one when none is named). Everything is kept for
        reports; from now on its members are not prompted (see `taking_part_sql`)."""
        now = self._clock.now()
        async with self._db.transaction():
            cohort = (
                await self.open_cohort(guild_id)
                if cohort_id is None
                else await self.get(guild_id, cohort_id)
            )
            if cohort is None:
                raise UserError(
                    _("There is no open cohort to close.")
                    if cohort_id is None
                    else _("I can't find that cohort here: pick one from the list.")
                )
            if not cohort.is_open:
                raise UserError(_("{cohort} is already closed.", cohort=cohort.name))
            await self._db.execute(
                "UPDATE cohorts SET status = 'closed', closed_at = ? WHERE id = ?",
                (to_db(now), cohort.id),
            )
            rows = await self._db.fetchall(
                "SELECT cm.user_id, cm.role FROM cohort_members cm JOIN members m "
                "ON m.guild_id = cm.guild_id AND m.user_id = cm.user_id "
                "WHERE cm.cohort_id = ? AND m.left_at IS NULL ORDER BY cm.user_id",
                (cohort.id,),
            )
            members = tuple(Enrolled(int(r["user_id"]), str(r["role"])) for r in rows)
            entry = await self._audit.record(
                guild_id,
                actor_id,
                AuditAction.COHORT_CLOSE,
                target_id=cohort.id,
                detail=f"{cohort.name}; {len(members)} member(s)",
                shown=Nn_(
                    "{name}; {count} member",
                    "{name}; {count} members",
                    len(members),
                    name=cohort.name,
                ),
                at=now,
            )
            closed = await self.get(guild_id, cohort.id)
        if closed is None:  # pragma: no cover - the row is never deleted
            raise LookupError(cohort.id)
        return CohortClosed(closed, members, entry)


def _opened_detail(name: str, start: date, end: date | None, enrolled: int) -> Text:
    """The opening's detail as directors read it (the stored detail stays the record)."""
    if end is None:
        return Nn_(
            "{name}, from {start}; {count} waiting member enrolled",
            "{name}, from {start}; {count} waiting members enrolled",
            enrolled,
            name=name,
            start=start.isoformat(),
        )
    return Nn_(
        "{name}, from {start} to {end}; {count} waiting member enrolled",
        "{name}, from {start} to {end}; {count} waiting members enrolled",
        enrolled,
        name=name,
        start=start.isoformat(),
        end=end.isoformat(),
    )


def _date(value: date | str, today: date) -> date:
    return value if isinstance(value, date) else wallclock.parse_date(value, today)


def _cohort(row: sqlite3.Row) -> Cohort:
    created = from_db(str(row["created_at"]))
    closed = row["closed_at"]
    starts = row["starts_on"]
    return Cohort(
        id=int(row["id"]),
        guild_id=int(row["guild_id"]),
        name=str(row["name"]),
        # Rows from before cohorts had to be dated start the day they were made.
        starts_on=date.fromisoformat(starts) if starts else created.date(),
        ends_on=date.fromisoformat(row["ends_on"]) if row["ends_on"] else None,
        status="active" if row["status"] == "active" else "closed",
        created_at=created,
        created_by=row["created_by"],
        closed_at=from_db(str(closed)) if closed else None,
    )
