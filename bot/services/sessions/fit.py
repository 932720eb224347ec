"""The fit question: asked once per match, after its first logged session, to the mentee only.

The mentee answers good fit / still deciding / not a good fit, and may change their answer
until they ask for a re-match. The mentor is never told: nothing here is addressed to them,
and no method returns the answer to anyone but the mentee. Directors learn only that a
re-match was asked for (`SessionReports.rematch_requests`); there is no reason text to show.
"""

from __future__ import annotations

import sqlite3
from datetime import datetime

from bot.clock import Clock
from bot.db.database import Database
from bot.db.instants import from_db, to_db
from bot.domain import sessions as rules
from bot.domain.sessions import FitAnswer
from bot.errors import UserError
from bot.i18n import _
from bot.services.matching import Match, MatchingService
from bot.services.sessions.records import (
    FitQuestion,
    FitResult,
    RematchRequest,
    fit_of,
)


class FitQuestions:
    def __init__(self, db: Database, clock: Clock, matching: MatchingService) -> None:
        self._db = db
        self._clock = clock
        self._matching = matching

    async def open_for(self, match: Match, session_id: int, now: datetime) -> None:
        """Called inside the transaction that logs a pair's first session."""
        await self._db.execute(
            "INSERT OR IGNORE INTO fit_answers (match_id, guild_id, mentee_id, session_id, "
            "created_at) VALUES (?, ?, ?, ?, ?)",
            (match.id, match.guild_id, match.mentee_id, session_id, to_db(now)),
        )

    async def _row(self, match_id: int) -> sqlite3.Row:
        row = await self._db.fetchone("SELECT * FROM fit_answers WHERE match_id = ?", (match_id,))
        if row is None:
            raise UserError(_("This question was meant for someone else."))
        return row

    async def claim(self, match_id: int) -> FitQuestion | None:
        """The question to send the mentee now; None once it was sent (it is sent once)."""
        match = await self._matching.get(match_id)
        if match is None:
            return None
        async with self._db.transaction():
            row = await self._db.fetchone(
                "SELECT * FROM fit_answers WHERE match_id = ?", (match_id,)
            )
            if row is None or row["asked_at"] is not None:
                return None
            await self._db.execute(
                "UPDATE fit_answers SET asked_at = ? WHERE match_id = ?",
                (to_db(self._clock.now()), match_id),
            )
        return fit_of(row, match.mentor_id)

    async def pending(self, guild_id: int, mentee_id: int) -> FitQuestion | None:
        """An unanswered question of the mentee's active match (e.g. their DMs were closed
        when it was sent), to show them privately the next time they use the bot."""
        for match in await self._matching.active_matches_of(guild_id, mentee_id):
            if match.mentee_id != mentee_id:
                continue
            row = await self._db.fetchone(
                "SELECT * FROM fit_answers WHERE match_id = ? AND answer IS NULL", (match.id,)
            )
            if row is not None:
                return fit_of(row, match.mentor_id)
        return None

    async def _mentee_match(self, match_id: int, member_id: int) -> Match:
        match = await self._matching.get(match_id)
        if match is None or member_id != match.mentee_id:
            raise UserError(_("This question was meant for someone else."))
        await self._row(match_id)
        return match

    async def answer(self, match_id: int, member_id: int, answer: FitAnswer) -> FitResult:
        """Record the mentee's answer; "not a good fit" offers them a re-match."""
        if answer not in rules.FIT_ANSWERS:
            raise ValueError(f"unknown fit answer {answer!r}")
        match = await self._mentee_match(match_id, member_id)
        if not match.active:
            row = await self._row(match_id)
            return FitResult("match_ended", fit_of(row, match.mentor_id), offer_rematch=False)
        now = to_db(self._clock.now())
        async with self._db.transaction():
            row = await self._row(match_id)
            if row["rematch_asked_at"] is not None:
                raise UserError(
                    _("You've asked for a re-match already; a programme director will be in touch.")
                )
            await self._db.execute(
                "UPDATE fit_answers SET answer = ?, answered_at = ?, "
                "asked_at = COALESCE(asked_at, ?) WHERE match_id = ?",
                (answer, now, now, match_id),
            )
            row = await self._row(match_id)
        return FitResult("recorded", fit_of(row, match.mentor_id), answer == "not_good")

    async def ask_rematch(self, match_id: int, member_id: int) -> RematchRequest:
        """The mentee asks for another mentor after "not a good fit" (once; a second click
        answers `already`). The match itself is a director's to end."""
        match = await self._mentee_match(match_id, member_id)
        if not match.active:
            raise UserError(
                _(
                    "This match has already ended, so there is nothing to re-match: a "
                    "programme director can introduce you to a new mentor."
                )
            )
        now = self._clock.now()
        async with self._db.transaction():
            row = await self._row(match_id)
            if row["answer"] != "not_good":
                raise UserError(_("A re-match is offered after answering “Not a good fit”."))
            asked = from_db(row["rematch_asked_at"])
            if asked is None:
                await self._db.execute(
                    "UPDATE fit_answers SET rematch_asked_at = ? WHERE match_id = ?",
                    (to_db(now), match_id),
                )
        return RematchRequest(
            match_id=match.id,
            guild_id=match.guild_id,
            mentee_id=match.mentee_id,
            mentor_id=match.mentor_id,
            cohort_id=match.cohort_id,
            asked_at=asked or now,
            already=asked is not None,
        )
