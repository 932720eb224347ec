"""At risk: judged from a mentee's last few prompted periods; a change is recorded with its
line for the director log."""

from __future__ import annotations

from typing import cast

from bot.db.instants import to_db
from bot.domain.schedule import CheckinStatus, GoalStatus, PeriodOutcome, at_risk_reason
from bot.services.checkins._core import CheckinCore
from bot.services.checkins.model import AT_RISK_WINDOW, RiskChange
from bot.services.director_log import risk_changed


class AtRisk(CheckinCore):
    """Both a missed period and an answer can change the flag, so both parts judge it here."""

    async def _evaluate_risk(self, guild_id: int, user_id: int) -> RiskChange | None:
        """Re-judge the at-risk flag from the last prompted periods; report a change.

        Only periods the mentee was actually asked count: one recorded as missed because
        the bot was down, or one that could not be delivered, says nothing about them.
        A prompt claimed but not yet marked sent when the bot stopped counts as asked: it
        was most likely delivered (a claim found undelivered is cleared by `mark_missed`).
        `/checkin now` periods count when answered (being stuck there is still stuck).
        """
        rows = await self._db.fetchall(
            "SELECT id, status FROM checkin_periods WHERE guild_id = ? AND user_id = ? "
            "AND ((kind = 'scheduled' AND (sent_at IS NOT NULL OR claimed_at IS NOT NULL) "
            "AND status IN ('pending', 'answered', 'missed')) "
            "OR (kind = 'manual' AND status = 'answered')) "
            "ORDER BY due_at DESC, id DESC LIMIT ?",
            (guild_id, user_id, AT_RISK_WINDOW),
        )
        rows = list(reversed(rows))
        outcomes = []
        for row in rows:
            answers = await self._db.fetchall(
                "SELECT goal_id, status FROM checkin_answers WHERE period_id = ?", (row["id"],)
            )
            outcomes.append(
                PeriodOutcome(
                    key=str(row["id"]),
                    status=cast(CheckinStatus, row["status"]),
                    goal_statuses={a["goal_id"]: cast(GoalStatus, a["status"]) for a in answers},
                )
            )
        reason = at_risk_reason(outcomes)
        await self._ensure_member_row(guild_id, user_id)
        async with self._db.transaction():
            previous = await self._db.fetchval(
                "SELECT at_risk_reason FROM checkin_members WHERE guild_id = ? AND user_id = ?",
                (guild_id, user_id),
            )
            if previous == reason:
                return None
            await self._db.execute(
                "UPDATE checkin_members SET at_risk_reason = ?, "
                "at_risk_since = CASE WHEN ? IS NULL THEN NULL "
                "ELSE COALESCE(at_risk_since, ?) END WHERE guild_id = ? AND user_id = ?",
                (reason, reason, to_db(self._now()), guild_id, user_id),
            )
            await self._director_log.record(guild_id, risk_changed(user_id, reason))
        return RiskChange(guild_id, user_id, reason, previous)

    async def at_risk(self, guild_id: int) -> list[tuple[int, str]]:
        rows = await self._db.fetchall(
            "SELECT user_id, at_risk_reason FROM checkin_members WHERE guild_id = ? "
            "AND at_risk_reason IS NOT NULL ORDER BY at_risk_since",
            (guild_id,),
        )
        return [(int(r["user_id"]), str(r["at_risk_reason"])) for r in rows]
