"""A mentee's check-in data for `/privacy export` and `/privacy delete`.

Deleting keeps what directors count (each period's status and dates) under the member's
anonymous id and erases the rest: the schedule, every note, where prompts were delivered, and
periods still waiting for an answer (they would otherwise be sent or reminded).
"""

from __future__ import annotations

from bot.db.instants import from_db
from bot.domain.privacy import ExportPart, instant
from bot.domain.wallclock import day_name
from bot.i18n import _
from bot.services.checkins._core import CheckinCore
from bot.services.checkins.model import GOAL_STATUS_LABELS


class MemberData(CheckinCore):
    async def export_member(self, guild_id: int, user_id: int) -> list[ExportPart]:
        """The keys stay the same in every language (a data file); what a person reads —
        the notes on each part, day names and answers — is in the member's language."""
        key = (guild_id, user_id)
        row = await self._db.fetchone(
            "SELECT * FROM checkin_members WHERE guild_id = ? AND user_id = ?", key
        )
        schedule = None
        if row is not None:
            schedule = {
                "Day": day_name(row["weekday"]) if row["weekday"] is not None else None,
                "Time": row["local_time"],
                "Time zone": row["timezone"],
                "How often": row["cadence"],
                "Paused until": row["paused_until"],
                "Paused until you resume": bool(row["paused_indefinitely"]),
                "Next check-in due": instant(from_db(row["next_due_at"])),
                "At risk because": row["at_risk_reason"],
                "At risk since": instant(from_db(row["at_risk_since"])),
            }
        periods = await self._db.fetchall(
            "SELECT * FROM checkin_periods WHERE guild_id = ? AND user_id = ? ORDER BY due_at, id",
            key,
        )
        checkins = []
        for period in periods:
            answers = await self._answers(period["id"])
            checkins.append(
                {
                    "Due at": instant(from_db(period["due_at"])),
                    "Asked for with /checkin now": period["kind"] == "manual",
                    "Status": period["status"],
                    "Sent at": instant(from_db(period["sent_at"])),
                    "Reminder sent at": instant(from_db(period["reminded_at"])),
                    "Answered at": instant(from_db(period["answered_at"])),
                    "Answers": {
                        f"Goal {goal_id}": str(GOAL_STATUS_LABELS[status])
                        for goal_id, status in sorted(answers.items())
                    },
                    "Note": period["note"],
                    "Note shared with your mentor": bool(period["note_shared"]),
                }
            )
        notes = sum(1 for period in periods if period["note"])
        about_schedule = _(
            "When your check-ins arrive, whether they are paused, and whether you are flagged "
            "as at risk (directors see this flag and its reason, never your words)."
        )
        about_checkins = _(
            "Every check-in you were sent or asked for: its status, your answer for each goal "
            "(by goal number), and your note. Your mentor sees a note only if you shared it; "
            "directors see statuses only."
        )
        return [
            ExportPart("Check-in schedule", about_schedule, schedule),
            ExportPart(
                "Check-ins", about_checkins, checkins, {"check-ins": len(checkins), "notes": notes}
            ),
        ]

    async def erase_member(self, guild_id: int, user_id: int, anonymous_id: int) -> dict[str, int]:
        """Inside the caller's transaction (foreign keys deferred: the anonymous member row
        is written last)."""
        key = (guild_id, user_id)
        notes = int(
            await self._db.fetchval(
                "SELECT count(*) FROM checkin_periods WHERE guild_id = ? AND user_id = ? "
                "AND note IS NOT NULL",
                key,
            )
        )
        schedule = await self._db.fetchval(
            "SELECT 1 FROM checkin_members WHERE guild_id = ? AND user_id = ?", key
        )
        await self._db.execute(
            "DELETE FROM checkin_periods WHERE guild_id = ? AND user_id = ? AND status = 'pending'",
            key,
        )
        await self._db.execute(
            "UPDATE checkin_periods SET user_id = ?, note = NULL, note_shared = 0, "
            "note_sent_to_mentor = NULL, goal_ids = NULL, channel_id = NULL, message_id = NULL "
            "WHERE guild_id = ? AND user_id = ?",
            (anonymous_id, *key),
        )
        await self._db.execute(
            "DELETE FROM checkin_members WHERE guild_id = ? AND user_id = ?", key
        )
        return {"notes": notes, "check-in schedule": 1 if schedule else 0}
