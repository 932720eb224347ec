"""A member's sessions, reflections and fit answers for `/privacy export` and `/privacy delete`.

The export holds the member's own reflections only. A partner's reflection is the partner's
words, private or shared: it is in the partner's export, never in this one. A session's topic
is shown to both members of the pair, so both exports show it.

Deleting keeps what directors count (each session's date and minutes, and that a re-match was
asked for) under the member's anonymous id, and erases the member's words: their reflections
and the topics of the sessions they logged. Reflection reminders and fit questions not yet
answered are deleted too, so nothing is sent to an erased member.
"""

from __future__ import annotations

from bot.db.database import Database
from bot.db.instants import from_db
from bot.domain import sessions as rules
from bot.domain.privacy import ExportPart, instant
from bot.services.sessions.records import reflection_of

_ABOUT_SESSIONS = (
    "The sessions logged by you or your partner: date, length and topic. You and your "
    "partner see them; directors see only dates and lengths."
)
_ABOUT_REFLECTIONS = (
    "Your own reflections, in your words. Your partner sees one only if you shared it; "
    "directors never do. Your partner's reflections are theirs and are not included."
)
_ABOUT_FIT = (
    "Your answer to “How is the match going?” after your first session. Your mentor is never "
    "told; directors see only that a new mentor was asked for."
)
_ABOUT_REMINDERS = "Reminders to write a reflection, and when they were sent."
_IN_GUILD = "session_id IN (SELECT id FROM sessions WHERE guild_id = ?)"


class SessionMemberData:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def export_member(self, guild_id: int, user_id: int) -> list[ExportPart]:
        key = (guild_id, user_id)
        rows = await self._db.fetchall(
            "SELECT * FROM sessions WHERE guild_id = ? AND ? IN (mentee_id, mentor_id) "
            "ORDER BY session_date, id",
            (guild_id, user_id),
        )
        sessions = [
            {
                "Number": row["id"],
                "Session of the pair": row["seq"],
                "You were the": "mentee" if row["mentee_id"] == user_id else "mentor",
                "Partner": str(row["mentor_id" if row["mentee_id"] == user_id else "mentee_id"]),
                "Date": row["session_date"],
                "Minutes": row["minutes"],
                "Topic": row["topic"],
                "Logged by you": row["created_by"] == user_id,
                "Logged at": instant(from_db(row["created_at"])),
            }
            for row in rows
        ]
        mine = await self._db.fetchall(
            f"SELECT * FROM reflections WHERE {_IN_GUILD} AND author_id = ? "  # noqa: S608
            "ORDER BY created_at",
            key,
        )
        reflections = []
        for row in mine:
            reflection = reflection_of(row)
            form = rules.form_for(reflection.role)
            reflections.append(
                {
                    "Session": reflection.session_id,
                    "As the": reflection.role,
                    "Answers": {
                        (str(item.label) if (item := form.field(name)) else name): text
                        for name, text in reflection.answers.items()
                    },
                    "Shared with your partner": reflection.shared,
                    "Your partner read it at": instant(reflection.partner_read_at),
                    "Next step made into goal number": reflection.goal_id,
                    "Written at": instant(reflection.created_at),
                    "Edited at": instant(reflection.edited_at),
                }
            )
        fits = await self._db.fetchall(
            "SELECT * FROM fit_answers WHERE guild_id = ? AND mentee_id = ? ORDER BY created_at",
            key,
        )
        fit = [
            {
                "Match": row["match_id"],
                "Asked at": instant(from_db(row["asked_at"])),
                "Your answer": str(rules.FIT_LABELS[row["answer"]]) if row["answer"] else None,
                "Answered at": instant(from_db(row["answered_at"])),
                "Asked for a new mentor at": instant(from_db(row["rematch_asked_at"])),
            }
            for row in fits
        ]
        reminders = [
            {
                "Session": row["session_id"],
                "Due at": instant(from_db(row["due_at"])),
                "Sent at": instant(from_db(row["sent_at"])),
                "How": row["delivery"],
            }
            for row in await self._db.fetchall(
                f"SELECT * FROM session_reminders WHERE {_IN_GUILD} AND member_id = ? "  # noqa: S608
                "ORDER BY due_at",
                key,
            )
        ]
        return [
            ExportPart("Sessions", _ABOUT_SESSIONS, sessions, {"sessions": len(sessions)}),
            ExportPart(
                "Your reflections",
                _ABOUT_REFLECTIONS,
                reflections,
                {"reflections": len(reflections)},
            ),
            ExportPart("Fit question", _ABOUT_FIT, fit),
            ExportPart("Reflection reminders", _ABOUT_REMINDERS, reminders),
        ]

    async def erase_member(self, guild_id: int, user_id: int, anonymous_id: int) -> dict[str, int]:
        """Inside the caller's transaction."""
        key = (guild_id, user_id)
        reflections = int(
            await self._db.fetchval(
                f"SELECT count(*) FROM reflections WHERE {_IN_GUILD} AND author_id = ?",  # noqa: S608
                key,
            )
        )
        topics = int(
            await self._db.fetchval(
                "SELECT count(*) FROM sessions WHERE guild_id = ? AND created_by = ? "
                "AND topic IS NOT NULL",
                key,
            )
        )
        await self._db.execute(
            f"DELETE FROM reflections WHERE {_IN_GUILD} AND author_id = ?",  # noqa: S608
            key,
        )
        await self._db.execute(
            f"DELETE FROM session_reminders WHERE {_IN_GUILD} AND member_id = ?",  # noqa: S608
            key,
        )
        await self._db.execute(
            "DELETE FROM fit_answers WHERE guild_id = ? AND mentee_id = ? AND answer IS NULL",
            key,
        )
        await self._db.execute(
            "UPDATE fit_answers SET mentee_id = ? WHERE guild_id = ? AND mentee_id = ?",
            (anonymous_id, *key),
        )
        # One statement, so the CHECK that the logger is one of the pair always holds; every
        # expression reads the row as it was (the topic goes if the member logged it).
        await self._db.execute(
            "UPDATE sessions SET "
            "topic = CASE created_by WHEN ? THEN NULL ELSE topic END, "
            "mentee_id = CASE mentee_id WHEN ? THEN ? ELSE mentee_id END, "
            "mentor_id = CASE mentor_id WHEN ? THEN ? ELSE mentor_id END, "
            "created_by = CASE created_by WHEN ? THEN ? ELSE created_by END "
            "WHERE guild_id = ? AND ? IN (mentee_id, mentor_id)",
            (user_id, *(user_id, anonymous_id) * 3, *key),
        )
        return {"reflections": reflections, "session topics": topics}
