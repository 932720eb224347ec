"""A member's sign-up data for `/privacy`: the export of their answers and dates, and the
erasure that keeps only what cohort figures count. Part of the onboarding service, which owns
the `members` table."""

from __future__ import annotations

from bot.clock import Clock
from bot.db.database import Database
from bot.db.instants import from_db, to_db
from bot.domain import questionnaire as qn
from bot.domain.privacy import ExportPart, instant
from bot.i18n import N_, _, current_language
from bot.services.members import record_of


class SignupMemberData:
    """`export_member` and `erase_member` for the onboarding service."""

    _db: Database
    _clock: Clock
    _questionnaire: qn.Questionnaire

    @property
    def questionnaire(self) -> qn.Questionnaire:
        """The questionnaire in the current language (whoever is being answered or written
        to): every label, prompt and choice a screen, profile or export shows."""
        return self._questionnaire.for_language(current_language())

    async def export_member(self, guild_id: int, user_id: int) -> list[ExportPart]:
        """`/privacy export`: every answer stored (in the member's words, by its question's
        label), unsent drafts, the sign-up's dates and the cohorts they were enrolled in."""
        row = await self._db.fetchone(
            "SELECT * FROM members WHERE guild_id = ? AND user_id = ?", (guild_id, user_id)
        )
        if row is None:
            return [ExportPart(_("Your sign-up"), str(_SIGNUP_ABOUT), None)]
        record = record_of(row)
        # The language question is asked first; a sign-up from before it keeps its language.
        shown = (
            {qn.LANGUAGE_QUESTION: record.language, **record.answers}
            if record.language
            else record.answers
        )
        answers: dict[str, object] = dict(qn.summary(self.questionnaire, shown))
        for qid, value in record.answers.items():  # answers to questions since removed
            answers.setdefault(self._label(qid), value)
        cohorts = await self._db.fetchall(
            "SELECT c.name, m.role, m.enrolled_at FROM cohort_members m JOIN cohorts c "
            "ON c.id = m.cohort_id WHERE m.guild_id = ? AND m.user_id = ? ORDER BY m.enrolled_at",
            (guild_id, user_id),
        )
        dates = {label: instant(from_db(row[column])) for label, column in _SIGNUP_DATES}
        content = {
            "Status": record.status.value,
            "Role": record.role,
            "Answers": answers,
            "Answers written but not saved yet": {
                self._label(qid): text for qid, text in record.drafts.items()
            },
            **dates,
            "Programme role given": record.role_assigned,
            "Cohorts": [
                {"Cohort": c["name"], "As": c["role"], "Enrolled at": instant(from_db(c[2]))}
                for c in cohorts
            ],
        }
        counts = {"sign-up answers": len(record.answers) + len(record.drafts)}
        return [ExportPart(_("Your sign-up"), str(_SIGNUP_ABOUT), content, counts)]

    def _label(self, question_id: str) -> str:
        question = self.questionnaire.question(question_id)
        return question.label if question is not None else question_id

    async def erase_member(self, guild_id: int, user_id: int, anonymous_id: int) -> dict[str, int]:
        """Replace the member's row by an anonymous one keeping only what cohort figures
        count (status, role, capacity, dates), and move their enrolments to it. Runs inside
        the caller's transaction, after the other owners moved or removed their rows."""
        row = await self._db.fetchone(
            "SELECT * FROM members WHERE guild_id = ? AND user_id = ?", (guild_id, user_id)
        )
        if row is None:
            return {}
        now = to_db(self._clock.now())
        kept = ("status", "role", "capacity", "joined_at", "onboarding_started_at", "onboarded_at")
        await self._db.execute(
            f"INSERT INTO members (guild_id, user_id, {', '.join(kept)}, left_at, updated_at) "  # noqa: S608
            f"VALUES (?, ?{', ?' * len(kept)}, ?, ?)",
            (guild_id, anonymous_id, *(row[c] for c in kept), row["left_at"] or now, now),
        )
        key = (guild_id, user_id)
        await self._db.execute(
            "UPDATE cohort_members SET user_id = ? WHERE guild_id = ? AND user_id = ?",
            (anonymous_id, *key),
        )
        await self._db.execute("DELETE FROM members WHERE guild_id = ? AND user_id = ?", key)
        record = record_of(row)
        return {"sign-up answers": len(record.answers) + len(record.drafts)}


_SIGNUP_ABOUT = N_(
    "Your answers to the sign-up questions, in your words, and when you joined and signed "
    "up. You and your mentor or mentee see your answers; directors see the answers picked "
    "from a list, and only whether you answered the questions you wrote in."
)
_SIGNUP_DATES = (
    ("Joined the server", "joined_at"),
    ("Started signing up", "onboarding_started_at"),
    ("Finished signing up", "onboarded_at"),
    ("Agreed to the privacy notice", "consent_at"),
    ("Left the server", "left_at"),
)
