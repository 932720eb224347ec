"""A member's sign-up row as other modules read it: its status, answers and drafts, and the
sign-up facts other services need (through `SignupRecords`, which needs only the database).

The onboarding service owns the `members` table; these are the shapes it and its readers
share, kept apart so the questionnaire's use cases stay one module of readable size.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from datetime import time
from enum import StrEnum
from typing import Literal

from bot.clock import Clock
from bot.db.database import Database
from bot.db.instants import to_db
from bot.domain import questionnaire as qn
from bot.i18n import Language, is_language

Role = Literal["mentee", "mentor"]


class MemberStatus(StrEnum):
    JOINED = "joined"
    ONBOARDING = "onboarding"
    ONBOARDED = "onboarded"


@dataclass(frozen=True)
class MemberRecord:
    guild_id: int
    user_id: int
    status: MemberStatus
    role: Role | None
    answers: qn.Answers
    drafts: dict[str, str]
    role_assigned: bool
    dm_channel_id: int | None
    dm_closed: bool
    language: Language | None = None
    """The member's own choice of language (None until they make one)."""


@dataclass(frozen=True)
class SignupFacts:
    """What other services need from a finished sign-up, as last completed."""

    role: Role | None
    onboarded: bool
    timezone: str | None
    checkin: tuple[int, time] | None
    """The check-in weekday (0 = Monday) and local time."""

    @property
    def mentee(self) -> bool:
        return self.onboarded and self.role == "mentee"


class SignupRecords:
    """The sign-up facts other services read, and the one answer another service changes:
    a mentee's check-in day, time and time zone, which `/checkin schedule` also sets.
    Needs only the database, so those services do not depend on the questionnaire."""

    def __init__(self, db: Database, clock: Clock) -> None:
        self._db = db
        self._clock = clock

    async def facts(self, guild_id: int, user_id: int) -> SignupFacts | None:
        row = await self._db.fetchone(
            "SELECT role, status, timezone, checkin_weekday, checkin_time FROM members "
            "WHERE guild_id = ? AND user_id = ?",
            (guild_id, user_id),
        )
        if row is None:
            return None
        weekday, at = row["checkin_weekday"], row["checkin_time"]
        return SignupFacts(
            role=row["role"],
            onboarded=row["status"] == MemberStatus.ONBOARDED,
            timezone=row["timezone"] or None,
            checkin=(int(weekday), time.fromisoformat(at)) if weekday is not None and at else None,
        )

    async def follow_checkin_schedule(
        self, guild_id: int, user_id: int, weekday: int, at: time, timezone: str
    ) -> None:
        """Make the check-in and time-zone answers say what the schedule says. Run inside
        the caller's transaction, so the schedule and the answers change together."""
        row = await self._db.fetchone(
            "SELECT answers FROM members WHERE guild_id = ? AND user_id = ?", (guild_id, user_id)
        )
        if row is None:
            return
        answers = answers_of(row["answers"])
        # The built-in questions' ids (see data/questionnaire.toml).
        answers["checkin"] = qn.format_weekday_time(weekday, at)
        answers["timezone"] = timezone
        await self._db.execute(
            "UPDATE members SET answers = ?, timezone = ?, checkin_weekday = ?, "
            "checkin_time = ?, updated_at = ? WHERE guild_id = ? AND user_id = ?",
            (
                dump_json(answers),
                timezone,
                weekday,
                at.strftime("%H:%M"),
                to_db(self._clock.now()),
                guild_id,
                user_id,
            ),
        )


def dump_json(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def answers_of(text: str | None) -> qn.Answers:
    answers = json.loads(text or "{}")
    return answers if isinstance(answers, dict) else {}


def record_of(row: sqlite3.Row) -> MemberRecord:
    answers = answers_of(row["answers"])
    drafts = json.loads(row["drafts"] or "{}")
    return MemberRecord(
        guild_id=row["guild_id"],
        user_id=row["user_id"],
        status=MemberStatus(row["status"]),
        role=row["role"],
        answers=answers,
        drafts={k: v for k, v in drafts.items() if isinstance(v, str)}
        if isinstance(drafts, dict)
        else {},
        role_assigned=bool(row["role_assigned"]),
        dm_channel_id=row["dm_channel_id"],
        dm_closed=bool(row["dm_closed"]),
        language=language if is_language(language := row["language"]) else None,
    )
