"""Onboarding use cases: the questionnaire a member fills in, step by step, and its outcome.

Answers are saved after every step, so a member who stops halfway — or a bot restart —
resumes where they left off. A step's answers are stored all together or not at all; a text
answer that is refused is kept as a draft so the member can fix it instead of retyping it.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass, field
from datetime import time
from enum import StrEnum
from typing import Literal

from bot.clock import Clock
from bot.db.database import Database
from bot.db.instants import from_db, to_db
from bot.domain import questionnaire as qn
from bot.domain.privacy import ExportPart, instant
from bot.errors import UserError
from bot.services.audit import AuditAction, AuditService
from bot.services.director_log import DirectorLog, signed_up
from bot.services.goals import GoalService
from bot.services.matching.records import MatchRecords

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


@dataclass(frozen=True)
class Screen:
    """What the member should see next: a step to answer, or (step None) their summary."""

    step: qn.Step | None
    answers: qn.Answers
    drafts: dict[str, str] = field(default_factory=dict)
    summary: tuple[tuple[str, str], ...] = ()
    error: str | None = None

    @property
    def complete(self) -> bool:
        return self.step is None


@dataclass(frozen=True)
class Completion:
    """The outcome of a finished questionnaire, for the Discord layer to act on (roles)."""

    role: Role
    previous_role: Role | None
    first_time: bool
    goals_created: int
    cohort_id: int | None
    # The check-in day, time or time zone answer changed on an existing profile.
    schedule_changed: bool = False
    # The programme role must be given: first sign-up, a change of role, or an earlier
    # attempt that Discord refused.
    assign_role: bool = True


@dataclass(frozen=True)
class Profile:
    guild_id: int
    user_id: int
    role: Role | None
    status: MemberStatus
    rows: tuple[tuple[str, str], ...]


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
        answers = _answers_of(row["answers"])
        # The built-in questions' ids (see data/questionnaire.toml).
        answers["checkin"] = qn.format_weekday_time(weekday, at)
        answers["timezone"] = timezone
        await self._db.execute(
            "UPDATE members SET answers = ?, timezone = ?, checkin_weekday = ?, "
            "checkin_time = ?, updated_at = ? WHERE guild_id = ? AND user_id = ?",
            (
                _dump(answers),
                timezone,
                weekday,
                at.strftime("%H:%M"),
                to_db(self._clock.now()),
                guild_id,
                user_id,
            ),
        )


class OnboardingService:
    def __init__(
        self,
        db: Database,
        clock: Clock,
        questionnaire: qn.Questionnaire,
        goals: GoalService | None = None,
        matches: MatchRecords | None = None,
        director_log: DirectorLog | None = None,
        audit: AuditService | None = None,
    ) -> None:
        self._db = db
        self._clock = clock
        self.questionnaire = questionnaire
        self._goals = goals or GoalService(db, clock)
        self._matches = matches or MatchRecords(db)
        self._director_log = director_log or DirectorLog(db, clock)
        self._audit = audit or AuditService(db, clock)

    def _now(self) -> str:
        return to_db(self._clock.now())

    # ------------------------------------------------------------------ members

    async def record_join(self, guild_id: int, user_id: int) -> MemberRecord:
        """A member arrived (or rejoined): they count as joined in the funnel."""
        now = self._now()
        async with self._db.transaction():
            await self._db.execute(
                "INSERT INTO members (guild_id, user_id, joined_at, updated_at) "
                "VALUES (?, ?, ?, ?) ON CONFLICT (guild_id, user_id) DO UPDATE SET "
                "left_at = NULL, joined_at = COALESCE(members.joined_at, excluded.joined_at), "
                "updated_at = excluded.updated_at",
                (guild_id, user_id, now, now),
            )
        return await self._require(guild_id, user_id)

    async def record_leave(self, guild_id: int, user_id: int) -> None:
        """A member left: kept for history and reports, skipped by matching and check-ins."""
        now = self._now()
        await self._db.execute(
            "UPDATE members SET left_at = ?, updated_at = ? WHERE guild_id = ? AND user_id = ?",
            (now, now, guild_id, user_id),
        )

    async def get(self, guild_id: int, user_id: int) -> MemberRecord | None:
        row = await self._db.fetchone(
            "SELECT * FROM members WHERE guild_id = ? AND user_id = ?", (guild_id, user_id)
        )
        return None if row is None else _record(row)

    async def _require(self, guild_id: int, user_id: int) -> MemberRecord:
        record = await self.get(guild_id, user_id)
        if record is None:
            raise UserError("I have no sign-up for you in that server yet: press Start first.")
        return record

    async def set_role_assigned(self, guild_id: int, user_id: int, assigned: bool) -> None:
        await self._db.execute(
            "UPDATE members SET role_assigned = ? WHERE guild_id = ? AND user_id = ?",
            (int(assigned), guild_id, user_id),
        )

    # ------------------------------------------------------------ questionnaire

    async def start(self, guild_id: int, user_id: int) -> Screen:
        """Begin, or resume, the questionnaire; an onboarded member sees their summary."""
        await self.record_join(guild_id, user_id)
        now = self._now()
        async with self._db.transaction():
            await self._db.execute(
                "UPDATE members SET status = 'onboarding', "
                "onboarding_started_at = COALESCE(onboarding_started_at, ?), updated_at = ? "
                "WHERE guild_id = ? AND user_id = ? AND status = 'joined'",
                (now, now, guild_id, user_id),
            )
        return await self.screen(guild_id, user_id)

    async def screen(self, guild_id: int, user_id: int, error: str | None = None) -> Screen:
        record = await self._require(guild_id, user_id)
        return self._screen(record, error)

    def _screen(self, record: MemberRecord, error: str | None = None) -> Screen:
        q = self.questionnaire
        step = qn.next_step(q, record.answers)
        return Screen(
            step=step,
            answers=record.answers,
            drafts=record.drafts,
            summary=tuple(qn.summary(q, record.answers)) if step is None else (),
            error=error,
        )

    def edit_step(self, question_id: str, answers: qn.Answers) -> qn.Step:
        """A one-question screen for changing a single answer after sign-up."""
        question = self.questionnaire.question(question_id)
        if question is None or question not in qn.applicable(self.questionnaire, answers):
            raise UserError("That question isn't part of your sign-up any more.")
        kind = {
            qn.QuestionKind.TIMEZONE: qn.StepKind.TIMEZONE,
            qn.QuestionKind.WEEKDAY_TIME: qn.StepKind.WEEKDAY_TIME,
        }.get(question.kind, qn.StepKind.CHOICE if question.is_choice else qn.StepKind.TEXT)
        return qn.Step(kind, (question,), 1, 1)

    async def answer(self, guild_id: int, user_id: int, raws: dict[str, object]) -> Screen:
        """Validate and save one step's answers; a refused answer leaves the rest untouched.

        Raises `qn.AnswerError` after saving text drafts, so the member's words survive.
        """
        record = await self._require(guild_id, user_id)
        if (
            "role" in raws
            and record.role is not None
            and await self._matches.in_active_match(guild_id, user_id)
        ):
            role = raws["role"]
            if (role[0] if isinstance(role, list) and role else role) != record.role:
                raise UserError(
                    f"You're in an active match as a {record.role}, so your role can't change "
                    "now. Ask a programme director to end the match first."
                )
        try:
            answers = qn.answer_step(self.questionnaire, record.answers, raws)
        except qn.AnswerError:
            await self._save_drafts(record, raws)
            raise
        drafts = {k: v for k, v in record.drafts.items() if k not in raws}
        now = self._now()
        async with self._db.transaction():
            await self._db.execute(
                "UPDATE members SET answers = ?, drafts = ?, updated_at = ?, "
                "status = CASE status WHEN 'joined' THEN 'onboarding' ELSE status END "
                "WHERE guild_id = ? AND user_id = ?",
                (_dump(answers), _dump(drafts), now, guild_id, user_id),
            )
        return await self.screen(guild_id, user_id)

    async def _save_drafts(self, record: MemberRecord, raws: dict[str, object]) -> None:
        texts = {k: v for k, v in raws.items() if isinstance(v, str)}
        if not texts:
            return
        drafts = {**record.drafts, **texts}
        await self._db.execute(
            "UPDATE members SET drafts = ? WHERE guild_id = ? AND user_id = ?",
            (_dump(drafts), record.guild_id, record.user_id),
        )

    async def needs_completion(self, guild_id: int, user_id: int) -> bool:
        """True when the answers are complete and differ from what was last finalised."""
        record = await self._require(guild_id, user_id)
        if not qn.is_complete(self.questionnaire, record.answers):
            return False
        if record.status is not MemberStatus.ONBOARDED:
            return True
        if record.role != qn.role_of(record.answers) or not record.role_assigned:
            return True
        row = await self._db.fetchone(
            "SELECT timezone, capacity, checkin_weekday, checkin_time FROM members "
            "WHERE guild_id = ? AND user_id = ?",
            (guild_id, user_id),
        )
        checkin = qn.checkin_of(record.answers)
        derived = (
            qn.timezone_of(record.answers),
            qn.capacity_of(record.answers),
            checkin[0] if checkin else None,
            checkin[1].strftime("%H:%M") if checkin else None,
        )
        return row is None or tuple(row) != derived

    async def complete(self, guild_id: int, user_id: int) -> Completion:
        """Turn finished answers into a profile: role, schedule, first goals, cohort."""
        q = self.questionnaire
        now = self._now()
        async with self._db.transaction():
            record = await self._require(guild_id, user_id)
            answers = qn.clean_answers(q, record.answers)
            role = qn.role_of(answers)
            if role is None or not qn.is_complete(q, answers):
                raise UserError("Your sign-up isn't finished yet: please answer every question.")
            checkin = qn.checkin_of(answers)
            before = await self._db.fetchone(
                "SELECT timezone, checkin_weekday, checkin_time FROM members "
                "WHERE guild_id = ? AND user_id = ?",
                (guild_id, user_id),
            )
            schedule = (
                qn.timezone_of(answers),
                checkin[0] if checkin else None,
                checkin[1].strftime("%H:%M") if checkin else None,
            )
            await self._db.execute(
                "UPDATE members SET status = 'onboarded', role = ?, answers = ?, drafts = '{}', "
                "timezone = ?, capacity = ?, checkin_weekday = ?, checkin_time = ?, "
                "consent_at = COALESCE(consent_at, ?), onboarded_at = COALESCE(onboarded_at, ?), "
                "updated_at = ? WHERE guild_id = ? AND user_id = ?",
                (
                    role,
                    _dump(answers),
                    qn.timezone_of(answers),
                    qn.capacity_of(answers),
                    checkin[0] if checkin else None,
                    checkin[1].strftime("%H:%M") if checkin else None,
                    now,
                    now,
                    now,
                    guild_id,
                    user_id,
                ),
            )
            goals_created = await self._goals.add_from_signup(
                guild_id, user_id, qn.goals_from(answers)
            )
            cohort_id = await self._enroll(guild_id, user_id, role, now)
            if record.status is not MemberStatus.ONBOARDED:
                await self._director_log.record(guild_id, signed_up(user_id, role))
        return Completion(
            role=role,
            previous_role=record.role,
            first_time=record.status is not MemberStatus.ONBOARDED,
            goals_created=goals_created,
            cohort_id=cohort_id,
            schedule_changed=record.status is MemberStatus.ONBOARDED
            and (before is None or tuple(before) != schedule),
            assign_role=record.status is not MemberStatus.ONBOARDED
            or record.role != role
            or not record.role_assigned,
        )

    async def _enroll(self, guild_id: int, user_id: int, role: Role, now: str) -> int | None:
        """Enroll in the active cohort; with none active, the next cohort created enrolls them."""
        cohort_id: int | None = await self._db.fetchval(
            "SELECT id FROM cohorts WHERE guild_id = ? AND status = 'active'", (guild_id,)
        )
        if cohort_id is None:
            return None
        await self._db.execute(
            "INSERT INTO cohort_members (cohort_id, guild_id, user_id, role, enrolled_at) "
            "VALUES (?, ?, ?, ?, ?) "
            "ON CONFLICT (cohort_id, user_id) DO UPDATE SET role = excluded.role",
            (cohort_id, guild_id, user_id, role, now),
        )
        return cohort_id

    async def reset(self, guild_id: int, user_id: int, actor_id: int) -> Role | None:
        """A director clears a member's sign-up so they can start again; returns the old role."""
        record = await self.get(guild_id, user_id)
        if record is None or (record.status is MemberStatus.JOINED and not record.answers):
            raise UserError("That member hasn't started the sign-up, so there is nothing to reset.")
        if await self._matches.in_active_match(guild_id, user_id):
            raise UserError(
                "That member is in an active match: end it first with `/match end`, so their "
                "partner is told, then reset the sign-up."
            )
        now = self._now()
        async with self._db.transaction():
            await self._db.execute(
                "UPDATE members SET status = 'joined', role = NULL, answers = '{}', drafts = '{}', "
                "timezone = NULL, capacity = NULL, checkin_weekday = NULL, checkin_time = NULL, "
                "consent_at = NULL, role_assigned = 0, onboarding_started_at = NULL, "
                "onboarded_at = NULL, updated_at = ? WHERE guild_id = ? AND user_id = ?",
                (now, guild_id, user_id),
            )
            await self._audit.record(
                guild_id,
                actor_id,
                AuditAction.ONBOARDING_RESET,
                target_id=user_id,
                detail=f"previous status {record.status}",
                at=self._clock.now(),
            )
        return record.role

    # ------------------------------------------------------------------ profile

    async def profile(self, guild_id: int, user_id: int, *, viewer: Viewer) -> Profile | None:
        """A member's answers as the viewer may see them: directors see none of the
        member's words (goals, bio, any free-text answer), only that they were answered."""
        record = await self.get(guild_id, user_id)
        if record is None or not record.answers:
            return None
        rows = qn.summary(self.questionnaire, record.answers, words_hidden=viewer == "director")
        return Profile(guild_id, user_id, record.role, record.status, tuple(rows))

    # ------------------------------------------------------------------ privacy

    async def export_member(self, guild_id: int, user_id: int) -> list[ExportPart]:
        """`/privacy export`: every answer stored (in the member's words, by its question's
        label), unsent drafts, the sign-up's dates and the cohorts they were enrolled in."""
        row = await self._db.fetchone(
            "SELECT * FROM members WHERE guild_id = ? AND user_id = ?", (guild_id, user_id)
        )
        if row is None:
            return [ExportPart("Your sign-up", _SIGNUP_ABOUT, None)]
        record = _record(row)
        answers: dict[str, object] = dict(qn.summary(self.questionnaire, record.answers))
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
        return [ExportPart("Your sign-up", _SIGNUP_ABOUT, content, counts)]

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
        now = self._now()
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
        record = _record(row)
        return {"sign-up answers": len(record.answers) + len(record.drafts)}


Viewer = Literal["self", "partner", "director"]

_SIGNUP_ABOUT = (
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


def _dump(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _answers_of(text: str | None) -> qn.Answers:
    answers = json.loads(text or "{}")
    return answers if isinstance(answers, dict) else {}


def _record(row: sqlite3.Row) -> MemberRecord:
    answers = _answers_of(row["answers"])
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
    )
