"""A member's own data: `/privacy export` and `/privacy delete` (PRODUCT.md §3G).

Each service owns its tables, so this one asks each owner: `export_member` for the parts of
the export, `erase_member` (inside one transaction, foreign keys deferred to its commit) for
the deletion. `COVERAGE` declares, for every table with a column naming a member, who
exports and erases it and how; a test compares it with the live schema, so a new table that
names members cannot be forgotten.

What a deletion keeps and why: directors' figures (funnel, check-in response rates, hours
of mentoring, matches) must stay right after a member leaves, so rows that are numbers and
statuses stay under a stable anonymous id per server (`bot.domain.privacy`); rows that are
the member's words or personal details (answers, goals, notes, reflections, topics they
wrote, contact data) are deleted or blanked. SQLite overwrites deleted content with zeros
(`secure_delete`), and the write-ahead log is checkpointed and truncated afterwards, so the
words are not left in the database file's free space or in old log frames either; backups
taken afterwards are copies of that. Backups taken before still hold them until they
rotate out (README, "Your data").

Two tables have no owning service yet and are handled here: `audit_log` (written by several
services) and `cohorts` (a director's `created_by`). When a service takes them over, their
`export_member` / `erase_member` move there.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Final

from bot.clock import Clock
from bot.db.database import Database
from bot.db.instants import from_db, to_db
from bot.domain.privacy import (
    ExportPart,
    add_counts,
    export_document,
    export_filename,
    export_json,
    instant,
    next_anonymous_id,
)
from bot.errors import UserError
from bot.i18n import N_
from bot.services.checkins import CheckinService
from bot.services.contacts import Contacts
from bot.services.director_log import DirectorLog
from bot.services.goals import GoalService
from bot.services.matching import EndReason, Match, MatchingService
from bot.services.onboarding import OnboardingService
from bot.services.sessions import SessionMemberData
from bot.services.settings import SettingsService

NEUTRAL_END: Final = EndReason.OTHER
"""The reason recorded when a deletion ends a match: it says nothing about the pair."""


@dataclass(frozen=True)
class TableCoverage:
    """How one table's member columns are exported and erased."""

    member_columns: frozenset[str]
    owner: str
    exported_in: tuple[str, ...]
    """The titles of the export parts that show the table's rows."""
    on_delete: str


def _cover(columns: str, owner: str, parts: str, on_delete: str) -> TableCoverage:
    return TableCoverage(frozenset(columns.split()), owner, tuple(parts.split(" | ")), on_delete)


COVERAGE: Final[Mapping[str, TableCoverage]] = {
    "members": _cover(
        "user_id",
        "onboarding, contacts",
        "Your sign-up | How we reach you",
        "replaced by an anonymous row keeping status, role, capacity and dates; answers, "
        "drafts, time zone, check-in time, consent and DM channel are gone",
    ),
    "cohort_members": _cover("user_id", "onboarding", "Your sign-up", "moved to the anonymous id"),
    "cohorts": _cover(
        "created_by", "privacy", "Cohorts you created", "creator set to the anonymous id"
    ),
    "audit_log": _cover(
        "actor_id target_id",
        "privacy",
        "Director actions",
        "ids set to the anonymous id, in the detail text too",
    ),
    "goals": _cover("user_id", "goals", "Goals", "deleted (their check-in answers with them)"),
    "checkin_members": _cover("user_id", "checkins", "Check-in schedule", "deleted"),
    "checkin_periods": _cover(
        "user_id",
        "checkins",
        "Check-ins",
        "unanswered ones deleted; the rest keep status and dates under the anonymous id, "
        "note and delivery details erased",
    ),
    "matches": _cover(
        "mentee_id mentor_id created_by ended_by",
        "matching",
        "Matches",
        "active matches ended first (partner told); all kept under the anonymous id",
    ),
    "match_followups": _cover(
        "member_id",
        "matching",
        "“Have you met yet?” answers",
        "unsent ones deleted; the rest kept under the anonymous id",
    ),
    "match_proposals": _cover(
        "created_by decided_by",
        "matching",
        "Matching proposals",
        "the anonymous id wherever the member is named, in the proposed pairs too",
    ),
    "sessions": _cover(
        "mentee_id mentor_id created_by",
        "sessions",
        "Sessions",
        "date and minutes kept under the anonymous id; the topic erased if the member logged it",
    ),
    "reflections": _cover("author_id", "sessions", "Your reflections", "deleted"),
    "session_reminders": _cover("member_id", "sessions", "Reflection reminders", "deleted"),
    "fit_answers": _cover(
        "mentee_id",
        "sessions",
        "Fit question",
        "unanswered ones deleted; answers kept under the anonymous id",
    ),
    "guild_settings": _cover(
        "updated_by",
        "settings",
        "Server settings you changed",
        "set to the anonymous id",
    ),
}


@dataclass(frozen=True)
class MemberExport:
    document: Mapping[str, object]
    filename: str
    counts: Mapping[str, int]

    @property
    def text(self) -> str:
        return export_json(self.document)

    @property
    def empty(self) -> bool:
        return not self.counts


@dataclass(frozen=True)
class DeletionPreview:
    """What `/privacy delete` would do now, for the confirmation screen."""

    counts: Mapping[str, int]
    """What the bot holds, by kind ("goals": 3, "check-ins": 5, …); zeros left out."""
    active_matches: tuple[Match, ...]
    holds_anything: bool


@dataclass(frozen=True)
class Deletion:
    """What `/privacy delete` did."""

    anonymous_id: int
    erased: Mapping[str, int]
    """What was erased, by kind ("goals": 3, "notes": 2, …); zeros left out."""
    ended: tuple[Match, ...] = field(default=())
    """Matches the deletion ended: each partner is to be told it ended, never why."""
    log_truncated: bool = True
    """False if the write-ahead log could not be truncated now (a backup was reading);
    it is truncated at the next checkpoint."""


class PrivacyService:
    def __init__(
        self,
        db: Database,
        clock: Clock,
        *,
        onboarding: OnboardingService,
        contacts: Contacts,
        goals: GoalService,
        checkins: CheckinService,
        matching: MatchingService,
        sessions: SessionMemberData,
        settings: SettingsService,
        director_log: DirectorLog,
    ) -> None:
        self._db = db
        self._clock = clock
        self._onboarding = onboarding
        self._contacts = contacts
        self._goals = goals
        self._checkins = checkins
        self._matching = matching
        self._sessions = sessions
        self._settings = settings
        self._director_log = director_log

    # ------------------------------------------------------------------- export

    async def parts(self, guild_id: int, user_id: int) -> list[ExportPart]:
        """Every part of the member's data in one server, from each owner in turn."""
        key = (guild_id, user_id)
        return [
            *await self._onboarding.export_member(*key),
            *await self._contacts.export_member(*key),
            *await self._goals.export_member(*key),
            *await self._checkins.export_member(*key),
            *await self._matching.export_member(*key),
            *await self._sessions.export_member(*key),
            *await self._export_director_actions(*key),
            *await self._settings.export_member(*key),
        ]

    async def export(self, guild_id: int, user_id: int, *, server_name: str) -> MemberExport:
        parts = await self.parts(guild_id, user_id)
        now = self._clock.now()
        counts: dict[str, int] = {}
        for part in parts:
            add_counts(counts, part.counts)
            if not part.empty and not part.counts:
                add_counts(counts, {part.title: 1})
        document = export_document(
            server_id=guild_id,
            server_name=server_name,
            member_id=user_id,
            exported_at=now,
            parts=parts,
        )
        return MemberExport(document, export_filename(server_name, now.date()), counts)

    # ------------------------------------------------------------------- delete

    async def preview(self, guild_id: int, user_id: int) -> DeletionPreview:
        parts = await self.parts(guild_id, user_id)
        counts: dict[str, int] = {}
        for part in parts:
            add_counts(counts, part.counts)
        active = await self._matching.active_matches_of(guild_id, user_id)
        return DeletionPreview(counts, tuple(active), any(not p.empty for p in parts))

    async def delete(self, guild_id: int, user_id: int) -> Deletion:
        """End the member's active matches (neutrally), then erase or anonymise everything
        naming them in one transaction, then truncate the write-ahead log."""
        ended: list[Match] = []
        for match in await self._matching.active_matches_of(guild_id, user_id):
            try:
                ended.append(
                    await self._matching.end_match(
                        guild_id, match.mentee_id, NEUTRAL_END, actor_id=user_id
                    )
                )
            except UserError:
                continue  # ended meanwhile by a director
        key = (guild_id, user_id)
        erased: dict[str, int] = {}
        async with self._db.transaction():
            # The anonymous member row is written last: children point at it before it
            # exists, and the check waits for the commit (checked just before it, below).
            await self._db.execute("PRAGMA defer_foreign_keys = ON")
            dangling = await self._dangling()
            anon = await self._allocate(guild_id)
            add_counts(erased, await self._sessions.erase_member(*key, anon))
            add_counts(erased, await self._checkins.erase_member(*key, anon))
            add_counts(erased, await self._goals.erase_member(*key))
            add_counts(erased, await self._matching.erase_member(*key, anon))
            add_counts(erased, await self._erase_director_actions(*key, anon))
            add_counts(erased, await self._settings.erase_member(*key, anon))
            add_counts(erased, await self._contacts.erase_member(*key))
            add_counts(erased, await self._director_log.erase_member(*key))
            # Last: deleting the member's own row cascades to whatever still points at it.
            add_counts(erased, await self._onboarding.erase_member(*key, anon))
            broken = await self._dangling() - dangling
            if broken:
                # A failed COMMIT would leave the transaction open: roll back instead.
                raise RuntimeError(f"erasing left {len(broken)} dangling reference(s)")
        return Deletion(anon, erased, tuple(ended), await self.truncate_log())

    async def _allocate(self, guild_id: int) -> int:
        smallest = await self._db.fetchval(
            "SELECT MIN(anonymous_id) FROM erased_members WHERE guild_id = ?", (guild_id,)
        )
        anonymous_id = next_anonymous_id(smallest)
        await self._db.execute(
            "INSERT INTO erased_members (guild_id, anonymous_id, erased_at) VALUES (?, ?, ?)",
            (guild_id, anonymous_id, to_db(self._clock.now())),
        )
        return anonymous_id

    async def _dangling(self) -> set[tuple[object, ...]]:
        """References to a missing row (none, unless an older version left some: those are
        not this deletion's to answer for)."""
        return {tuple(row) for row in await self._db.fetchall("PRAGMA foreign_key_check")}

    async def truncate_log(self) -> bool:
        """Copy the write-ahead log into the database and empty it, so no old page (with
        words since erased) stays in the log file. False if a reader (a backup being taken)
        kept it from completing now."""
        row = await self._db.fetchone("PRAGMA wal_checkpoint(TRUNCATE)")
        return row is None or int(row[0]) == 0

    # ------------------------------- tables without an owning service (see above)

    async def _export_director_actions(self, guild_id: int, user_id: int) -> list[ExportPart]:
        rows = await self._db.fetchall(
            "SELECT * FROM audit_log WHERE guild_id = ? AND ? IN (actor_id, target_id) "
            "ORDER BY created_at, id",
            (guild_id, user_id),
        )
        actions = [
            {
                "Action": row["action"],
                "At": instant(from_db(row["created_at"])),
                "Done by you": row["actor_id"] == user_id,
                "Done to you": row["target_id"] == user_id,
                # The detail is a director's record (e.g. why a match ended): theirs only.
                "Detail": row["detail"] if row["actor_id"] == user_id else None,
            }
            for row in rows
        ]
        cohorts = [
            {"Cohort": row["name"], "Created at": instant(from_db(row["created_at"]))}
            for row in await self._db.fetchall(
                "SELECT name, created_at FROM cohorts WHERE guild_id = ? AND created_by = ? "
                "ORDER BY id",
                (guild_id, user_id),
            )
        ]
        return [
            ExportPart(
                "Director actions",
                N_(
                    "Programme actions a director took that concern you (a match made or "
                    "ended, a sign-up reset), or that you took as a director. Directors see "
                    "these."
                ),
                actions,
            ),
            ExportPart("Cohorts you created", N_("Cohorts you opened as a director."), cohorts),
        ]

    async def _erase_director_actions(
        self, guild_id: int, user_id: int, anonymous_id: int
    ) -> dict[str, int]:
        named = re.compile(rf"(?<!\d){user_id}(?!\d)")
        rows = await self._db.fetchall(
            "SELECT id, detail FROM audit_log WHERE guild_id = ? AND "
            "(? IN (actor_id, target_id) OR instr(detail, ?) > 0)",
            (guild_id, user_id, str(user_id)),
        )
        for row in rows:
            await self._db.execute(
                "UPDATE audit_log SET detail = ?, "
                "actor_id = CASE actor_id WHEN ? THEN ? ELSE actor_id END, "
                "target_id = CASE target_id WHEN ? THEN ? ELSE target_id END WHERE id = ?",
                (
                    named.sub(str(anonymous_id), row["detail"]),
                    user_id,
                    anonymous_id,
                    user_id,
                    anonymous_id,
                    row["id"],
                ),
            )
        await self._db.execute(
            "UPDATE cohorts SET created_by = ? WHERE guild_id = ? AND created_by = ?",
            (anonymous_id, guild_id, user_id),
        )
        return {}
