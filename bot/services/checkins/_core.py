"""State and small reads every part of the check-in service shares."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime
from typing import cast

from bot.clock import Clock
from bot.db.database import Database
from bot.db.instants import from_db, to_db
from bot.domain.schedule import Cadence, GoalStatus
from bot.errors import UserError
from bot.i18n import _
from bot.services.checkins.model import Prompt, PromptGoal
from bot.services.director_log import DirectorLog
from bot.services.goals import Goal, GoalService
from bot.services.matching.records import MatchRecords
from bot.services.onboarding import SignupRecords
from bot.services.settings import SettingsService


class CheckinCore:
    """The dependencies and row reads that schedules, periods and answers all use."""

    def __init__(
        self,
        db: Database,
        clock: Clock,
        settings: SettingsService,
        goals: GoalService,
        *,
        matches: MatchRecords | None = None,
        signups: SignupRecords | None = None,
        director_log: DirectorLog | None = None,
    ) -> None:
        self._director_log = director_log or DirectorLog(db, clock)
        # Other services' tables are read through their owners: a mentee's mentor through
        # MatchRecords, their sign-up answers through SignupRecords, goals through GoalService.
        self._matches = matches or MatchRecords(db)
        self._signups = signups or SignupRecords(db, clock)
        self._db = db
        self._clock = clock
        self._settings = settings
        self._goals = goals
        self._wakeup: Callable[[datetime], None] | None = None

    def set_wakeup(self, callback: Callable[[datetime], None] | None) -> None:
        """Told about every newly stored due time, so the timer can move forward to it."""
        self._wakeup = callback

    def _wake(self, due: datetime | None) -> None:
        if due is not None and self._wakeup is not None:
            self._wakeup(due)

    def _now(self) -> datetime:
        return self._clock.now()

    async def _has_period(self, guild_id: int, user_id: int, key: str) -> bool:
        found = await self._db.fetchval(
            "SELECT 1 FROM checkin_periods WHERE guild_id = ? AND user_id = ? AND period_key = ?",
            (guild_id, user_id, key),
        )
        return found is not None

    async def _ensure_member_row(self, guild_id: int, user_id: int) -> None:
        await self._db.execute(
            "INSERT OR IGNORE INTO checkin_members (guild_id, user_id, updated_at) "
            "VALUES (?, ?, ?)",
            (guild_id, user_id, to_db(self._now())),
        )

    async def _period_row(self, period_id: int) -> sqlite3.Row | None:
        return await self._db.fetchone("SELECT * FROM checkin_periods WHERE id = ?", (period_id,))

    async def _prompt(self, row: sqlite3.Row) -> Prompt:
        """The goals a prompt quotes: fixed at the claim, so every page and every re-send of
        one period shows the same goals; before the claim, the member's open goals."""
        guild_id, user_id = row["guild_id"], row["user_id"]
        goals: list[Goal]
        if row["goal_ids"]:
            ids = [int(i) for i in json.loads(row["goal_ids"])]
            goals = await self._goals.by_ids(guild_id, user_id, ids)
        else:
            goals = list(await self._goals.open_goals(guild_id, user_id))
        answers = await self._answers(row["id"])
        cadence = await self._db.fetchval(
            "SELECT cadence FROM checkin_members WHERE guild_id = ? AND user_id = ? "
            "AND weekday IS NOT NULL",
            (guild_id, user_id),
        )
        return Prompt(
            period_id=row["id"],
            guild_id=guild_id,
            user_id=user_id,
            kind=row["kind"],
            due_at=from_db(row["due_at"]),
            status=row["status"],
            goals=tuple(PromptGoal(g.id, g.title, g.target_date, answers.get(g.id)) for g in goals),
            note_saved=bool(row["note"]),
            note_shared=bool(row["note_shared"]),
            answered_at=from_db(row["answered_at"]),
            cadence=Cadence(cadence) if cadence else None,
        )

    async def _answers(self, period_id: int) -> dict[int, GoalStatus]:
        """Each answered goal's status in one period."""
        rows = await self._db.fetchall(
            "SELECT goal_id, status FROM checkin_answers WHERE period_id = ?", (period_id,)
        )
        return {int(a["goal_id"]): cast(GoalStatus, a["status"]) for a in rows}

    async def _refreshed(self, prompt: Prompt) -> Prompt:
        """`prompt` with its answers, note and status as stored now. Its goals are fixed
        once it is sent, so a click that changed an answer re-reads only what it changed."""
        row = await self._period_row(prompt.period_id)
        if row is None:
            raise UserError(_("That check-in no longer exists."))
        answers = await self._answers(prompt.period_id)
        return replace(
            prompt,
            status=row["status"],
            goals=tuple(replace(g, status=answers.get(g.goal_id)) for g in prompt.goals),
            note_saved=bool(row["note"]),
            note_shared=bool(row["note_shared"]),
            answered_at=from_db(row["answered_at"]),
        )
