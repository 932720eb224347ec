"""Onboarding use cases: the questionnaire a member fills in, step by step, and its outcome.

Answers are saved after every step, so a member who stops halfway — or a bot restart —
resumes where they left off. A step's answers are stored all together or not at all; a text
answer that is refused is kept as a draft so the member can fix it instead of retyping it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from bot.clock import Clock
from bot.db.database import Database
from bot.db.instants import to_db
from bot.domain import questionnaire as qn
from bot.errors import UserError
from bot.i18n import Language, _, current_language, is_language
from bot.services.audit import AuditAction, AuditService
from bot.services.director_log import DirectorLog, signed_up
from bot.services.goals import GoalService
from bot.services.languages import LanguageService
from bot.services.matching.records import MatchRecords
from bot.services.members import (
    MemberRecord,
    MemberStatus,
    Role,
    SignupFacts,
    SignupRecords,
    dump_json,
    record_of,
)
from bot.services.signup_data import SignupMemberData


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


class OnboardingService(SignupMemberData):
    def __init__(
        self,
        db: Database,
        clock: Clock,
        questionnaire: qn.Questionnaire,
        goals: GoalService | None = None,
        matches: MatchRecords | None = None,
        director_log: DirectorLog | None = None,
        audit: AuditService | None = None,
        languages: LanguageService | None = None,
    ) -> None:
        self._db = db
        self._clock = clock
        self._questionnaire = questionnaire
        self._languages = languages or LanguageService(db)
        self._goals = goals or GoalService(db, clock)
        self._matches = matches or MatchRecords(db)
        self._director_log = director_log or DirectorLog(db, clock)
        self._audit = audit or AuditService(db, clock)

    def _now(self) -> str:
        return to_db(self._clock.now())

    @staticmethod
    def _answers(record: MemberRecord, answers: qn.Answers | None = None) -> qn.Answers:
        """The member's answers with the language answered. The language question is asked
        before any other; a member who answered others without it (a sign-up begun before it
        was asked, or a screen from then) keeps their stored choice, else the language they
        are being answered in."""
        answers = record.answers if answers is None else answers
        if not answers or qn.LANGUAGE_QUESTION in answers:
            return answers
        return {qn.LANGUAGE_QUESTION: record.language or current_language(), **answers}

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
        return None if row is None else record_of(row)

    async def _require(self, guild_id: int, user_id: int) -> MemberRecord:
        record = await self.get(guild_id, user_id)
        if record is None:
            raise UserError(_("I have no sign-up for you in that server yet: press Start first."))
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
        answers = self._answers(record)
        step = qn.next_step(q, answers)
        return Screen(
            step=step,
            answers=answers,
            drafts=record.drafts,
            summary=tuple(qn.summary(q, answers)) if step is None else (),
            error=error,
        )

    def edit_step(self, question_id: str, answers: qn.Answers) -> qn.Step:
        """A one-question screen for changing a single answer after sign-up."""
        question = self.questionnaire.question(question_id)
        if question is None or question not in qn.applicable(self.questionnaire, answers):
            raise UserError(_("That question isn't part of your sign-up any more."))
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
                    _(
                        "You're in an active match as a {role}, so your role can't change "
                        "now. Ask a programme director to end the match first.",
                        role=_("mentee") if record.role == "mentee" else _("mentor"),
                    )
                )
        try:
            answers = qn.answer_step(self.questionnaire, self._answers(record), raws)
        except qn.AnswerError:
            await self._save_drafts(record, raws)
            raise
        answers = self._answers(record, answers)
        drafts = {k: v for k, v in record.drafts.items() if k not in raws}
        now = self._now()
        async with self._db.transaction():
            await self._db.execute(
                "UPDATE members SET answers = ?, drafts = ?, updated_at = ?, "
                "status = CASE status WHEN 'joined' THEN 'onboarding' ELSE status END "
                "WHERE guild_id = ? AND user_id = ?",
                (dump_json(answers), dump_json(drafts), now, guild_id, user_id),
            )
        chosen = answers.get(qn.LANGUAGE_QUESTION)
        if is_language(chosen) and chosen != record.language:
            await self._languages.set_member(guild_id, user_id, chosen)
        return await self.screen(guild_id, user_id)

    async def language_of(self, guild_id: int, user_id: int) -> Language | None:
        """The member's own choice of language, if they made one."""
        return await self._languages.of_member(guild_id, user_id)

    async def _save_drafts(self, record: MemberRecord, raws: dict[str, object]) -> None:
        texts = {k: v for k, v in raws.items() if isinstance(v, str)}
        if not texts:
            return
        drafts = {**record.drafts, **texts}
        await self._db.execute(
            "UPDATE members SET drafts = ? WHERE guild_id = ? AND user_id = ?",
            (dump_json(drafts), record.guild_id, record.user_id),
        )

    async def needs_completion(self, guild_id: int, user_id: int) -> bool:
        """True when the answers are complete and differ from what was last finalised."""
        record = await self._require(guild_id, user_id)
        answers = self._answers(record)
        if not qn.is_complete(self.questionnaire, answers):
            return False
        if record.status is not MemberStatus.ONBOARDED:
            return True
        if record.role != qn.role_of(answers) or not record.role_assigned:
            return True
        row = await self._db.fetchone(
            "SELECT timezone, capacity, checkin_weekday, checkin_time FROM members "
            "WHERE guild_id = ? AND user_id = ?",
            (guild_id, user_id),
        )
        checkin = qn.checkin_of(answers)
        derived = (
            qn.timezone_of(answers),
            qn.capacity_of(answers),
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
            answers = qn.clean_answers(q, self._answers(record))
            role = qn.role_of(answers)
            if role is None or not qn.is_complete(q, answers):
                raise UserError(_("Your sign-up isn't finished yet: please answer every question."))
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
                    dump_json(answers),
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
            raise UserError(
                _("That member hasn't started the sign-up, so there is nothing to reset.")
            )
        if await self._matches.in_active_match(guild_id, user_id):
            raise UserError(
                _(
                    "That member is in an active match: end it first with `/match end`, so "
                    "their partner is told, then reset the sign-up."
                )
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
        rows = qn.summary(
            self.questionnaire, self._answers(record), words_hidden=viewer == "director"
        )
        return Profile(guild_id, user_id, record.role, record.status, tuple(rows))


Viewer = Literal["self", "partner", "director"]


__all__ = [
    "Completion",
    "MemberRecord",
    "MemberStatus",
    "OnboardingService",
    "Profile",
    "Role",
    "Screen",
    "SignupFacts",
    "SignupRecords",
    "Viewer",
]
