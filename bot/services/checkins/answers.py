"""Answers: a mentee's per-goal statuses and note, the mentor told, and history."""

from __future__ import annotations

import sqlite3

from bot.db.instants import from_db, to_db
from bot.domain import text as member_text
from bot.domain.schedule import GoalStatus
from bot.errors import UserError
from bot.i18n import _, number
from bot.services.checkins.model import NOTE_MAX, AnswerOutcome, HistoryEntry, MentorAlert, Prompt
from bot.services.checkins.risk import AtRisk


def _replaced() -> str:
    """Why an older check-in can no longer be answered."""
    return _(
        "This check-in has closed because a newer one replaced it; answer the latest "
        "one instead (`/checkin now` shows it)."
    )


class Answers(AtRisk):
    """What a mentee says about a sent prompt, until a newer one replaces it."""

    async def prompt(self, period_id: int) -> Prompt:
        row = await self._period_row(period_id)
        if row is None:
            raise UserError(_("That check-in no longer exists."))
        return await self._prompt(row)

    async def prompt_for(self, period_id: int, user_id: int) -> Prompt:
        """The prompt, for its mentee only."""
        prompt = await self.prompt(period_id)
        if prompt.user_id != user_id:
            raise UserError(_("This check-in belongs to someone else."))
        return prompt

    async def record_answer(
        self, period_id: int, user_id: int, goal_id: int, status: GoalStatus
    ) -> AnswerOutcome:
        """One goal's answer; clicking the same answer again changes nothing."""
        row = await self._answerable(period_id, user_id)
        guild_id = row["guild_id"]
        prompt = await self._prompt(row)
        goal = next((g for g in prompt.goals if g.goal_id == goal_id), None)
        if goal is None:
            raise UserError(_("That goal isn't part of this check-in."))
        now = to_db(self._now())
        async with self._db.transaction():
            previous = await self._db.fetchval(
                "SELECT status FROM checkin_answers WHERE period_id = ? AND goal_id = ?",
                (period_id, goal_id),
            )
            if previous != status:
                await self._db.execute(
                    "INSERT INTO checkin_answers (period_id, goal_id, status, answered_at) "
                    "VALUES (?, ?, ?, ?) ON CONFLICT (period_id, goal_id) DO UPDATE SET "
                    "status = excluded.status, answered_at = excluded.answered_at",
                    (period_id, goal_id, status, now),
                )
                await self._db.execute(
                    "UPDATE checkin_periods SET status = 'answered', "
                    "answered_at = COALESCE(answered_at, ?) WHERE id = ?",
                    (now, period_id),
                )
        changed = previous != status
        if changed and status == "done":
            await self._goals.set_status(guild_id, user_id, goal_id, "done")
        elif changed and previous == "done":
            await self._goals.set_status(guild_id, user_id, goal_id, "open")
        mentor_id = await self._matches.mentor_of(guild_id, user_id)
        alert = None
        if changed and status == "stuck" and mentor_id is not None:
            alert = await self._stuck_alert(row, goal.goal_id, goal.title, mentor_id)
        risk = await self._evaluate_risk(guild_id, user_id) if changed else None
        return AnswerOutcome(
            prompt=await self._refreshed(prompt) if changed else prompt,
            changed=changed,
            mentor_alert=alert,
            has_mentor=mentor_id is not None,
            risk=risk,
        )

    async def _stuck_alert(
        self, row: sqlite3.Row, goal_id: int, title: str, mentor_id: int
    ) -> MentorAlert | None:
        """Tell the mentor once per goal and period, even if the mentee clicks Stuck again."""
        async with self._db.transaction():
            told = await self._db.fetchval(
                "SELECT mentor_notified_at FROM checkin_answers "
                "WHERE period_id = ? AND goal_id = ?",
                (row["id"], goal_id),
            )
            if told:
                return None
            await self._db.execute(
                "UPDATE checkin_answers SET mentor_notified_at = ? WHERE period_id = ? "
                "AND goal_id = ?",
                (to_db(self._now()), row["id"], goal_id),
            )
            fresh = await self._period_row(row["id"])
        shared = fresh is not None and bool(fresh["note_shared"]) and bool(fresh["note"])
        return MentorAlert(
            guild_id=row["guild_id"],
            mentee_id=row["user_id"],
            mentor_id=mentor_id,
            stuck_titles=(title,),
            note=fresh["note"] if shared and fresh is not None else None,
        )

    async def save_note(
        self, period_id: int, user_id: int, text: str, share: bool
    ) -> AnswerOutcome:
        """Save (or with nothing visible, remove) the period's note; a shared note goes to
        the mentor, with the goals the mentee is stuck on."""
        row = await self._answerable(period_id, user_id)
        length = len(member_text.normalise(text, one_line=False))
        if length > NOTE_MAX:
            raise UserError(
                _(
                    "Your note is {length} characters; please keep it under {max_len}.",
                    length=number(length, digits=0),
                    max_len=number(NOTE_MAX, digits=0),
                )
            )
        note = member_text.clean_optional_text(
            text, field=_("Your note"), max_len=NOTE_MAX, one_line=False
        )
        share = share and bool(note)
        now = to_db(self._now())
        changed = (row["note"] or "") != note or bool(row["note_shared"]) != share
        if changed:
            # Writing a note answers the check-in; removing one leaves its status alone, and
            # an empty modal sent back is no answer at all.
            async with self._db.transaction():
                await self._db.execute(
                    "UPDATE checkin_periods SET note = ?, note_shared = ?, "
                    "status = CASE WHEN ? IS NULL THEN status ELSE 'answered' END, "
                    "answered_at = CASE WHEN ? IS NULL THEN answered_at "
                    "ELSE COALESCE(answered_at, ?) END WHERE id = ?",
                    (note or None, int(share), note or None, note or None, now, period_id),
                )
        guild_id = row["guild_id"]
        prompt = await self.prompt(period_id)
        mentor_id = await self._matches.mentor_of(guild_id, user_id)
        alert = None
        if changed and share and mentor_id is not None:
            await self._db.execute(
                "UPDATE checkin_periods SET note_sent_to_mentor = ? WHERE id = ?", (now, period_id)
            )
            stuck = sorted((g.goal_id, g.title) for g in prompt.goals if g.status == "stuck")
            alert = MentorAlert(
                guild_id=guild_id,
                mentee_id=user_id,
                mentor_id=mentor_id,
                stuck_titles=tuple(title for _, title in stuck),
                note=note,
            )
        answered_now = bool(note) and row["status"] == "pending"
        risk = await self._evaluate_risk(guild_id, user_id) if answered_now else None
        return AnswerOutcome(
            prompt=prompt,
            changed=changed,
            mentor_alert=alert,
            has_mentor=mentor_id is not None,
            risk=risk,
        )

    async def note_of(self, period_id: int, user_id: int) -> tuple[str, bool]:
        row = await self._answerable(period_id, user_id)
        return row["note"] or "", bool(row["note_shared"])

    async def _answerable(self, period_id: int, user_id: int) -> sqlite3.Row:
        row = await self._period_row(period_id)
        if row is None:
            raise UserError(_("That check-in no longer exists."))
        if row["user_id"] != user_id:
            raise UserError(_("This check-in belongs to someone else."))
        if row["status"] == "missed":
            raise UserError(_replaced())
        if row["claimed_at"] is None:
            # Buttons exist only once the prompt is sent; a click can beat `mark_sent`.
            raise UserError(_("This check-in hasn't been sent yet."))
        newer = await self._db.fetchval(
            "SELECT 1 FROM checkin_periods WHERE guild_id = ? AND user_id = ? AND id <> ? "
            "AND sent_at IS NOT NULL AND (due_at > ? OR (due_at = ? AND id > ?)) LIMIT 1",
            (row["guild_id"], user_id, period_id, row["due_at"], row["due_at"], period_id),
        )
        if newer is not None:
            # Answers can change until the next check-in, as the prompt says: an old one
            # must not tell the mentor "stuck" or move the at-risk flag weeks later.
            raise UserError(_replaced())
        return row

    async def history(self, guild_id: int, user_id: int, limit: int = 8) -> list[HistoryEntry]:
        await self._goals.require_mentee(guild_id, user_id)
        rows = await self._db.fetchall(
            "SELECT * FROM checkin_periods WHERE guild_id = ? AND user_id = ? "
            "ORDER BY due_at DESC, id DESC LIMIT ?",
            (guild_id, user_id, limit),
        )
        answered = {row["id"]: await self._answers(row["id"]) for row in rows}
        goal_ids = sorted({goal_id for answers in answered.values() for goal_id in answers})
        titles = {g.id: g.title for g in await self._goals.by_ids(guild_id, user_id, goal_ids)}
        entries = []
        for row in rows:
            answers = answered[row["id"]]
            entries.append(
                HistoryEntry(
                    period_id=row["id"],
                    kind=row["kind"],
                    due_at=from_db(row["due_at"]),
                    status=row["status"],
                    sent_at=from_db(row["sent_at"]),
                    answered_at=from_db(row["answered_at"]),
                    answers=tuple(
                        (titles[goal_id], answers[goal_id])
                        for goal_id in sorted(answers)
                        if goal_id in titles
                    ),
                    note=row["note"],
                    note_shared=bool(row["note_shared"]),
                )
            )
        return entries
