"""What the session services return, and the few helpers they share.

Dataclasses only, built from rows here so every service reads a row the same way. Member
words (`Session.topic`, `Reflection.answers`) appear only in the member-facing records; the
director-facing ones (`SessionFacts`, `PairTotals`, `SessionTotals`, `RematchAsk`) have no
field that could hold them.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Literal, cast

from bot.db.instants import from_db
from bot.domain import sessions as rules
from bot.domain.sessions import FitAnswer, Role, ShareAction, ThreadProblem
from bot.errors import UserError
from bot.i18n import _
from bot.services.goals import Goal

MyReflection = Literal["none", "private", "shared"]
ReminderDelivery = Literal["thread", "dm", "skipped"]


@contextmanager
def member_input() -> Iterator[None]:
    """The domain's input errors are the member's to fix: show them as they are."""
    try:
        yield
    except rules.SessionInputError as exc:
        raise UserError(exc.message) from None


# --------------------------------------------------------------------------- results


@dataclass(frozen=True)
class Session:
    """A logged session as its pair sees it. `topic` is their words: never for directors, and
    left out of `repr` so that no log line or traceback can carry it."""

    id: int
    guild_id: int
    match_id: int
    cohort_id: int | None
    mentee_id: int
    mentor_id: int
    seq: int
    on: date
    minutes: int
    topic: str | None = field(repr=False)
    created_by: int
    created_at: datetime
    thread_id: int | None
    thread_ready: bool
    thread_problem: ThreadProblem | None

    def role_of(self, member_id: int) -> Role | None:
        if member_id == self.mentee_id:
            return "mentee"
        if member_id == self.mentor_id:
            return "mentor"
        return None

    def partner_of(self, member_id: int) -> int:
        return self.mentor_id if member_id == self.mentee_id else self.mentee_id


class DuplicateSessionError(UserError):
    """The pair already logged a session on that date; `existing` is it (to link its thread)."""

    def __init__(self, existing: Session, actor_id: int) -> None:
        super().__init__(
            _(
                "Session {number} with {partner} on {day} is already logged: reflect on it "
                "in its thread.",
                number=existing.seq,
                partner=f"<@{existing.partner_of(actor_id)}>",
                day=rules.short_date(existing.on),
            )
        )
        self.existing = existing


@dataclass(frozen=True)
class LoggedSession:
    session: Session
    ask_fit: bool
    """The pair's first session: the mentee is to be asked about fit (`SessionService.fit`)."""


@dataclass(frozen=True)
class Reflection:
    """One member's reflection; `answers` (their words) are left out of `repr`."""

    session_id: int
    author_id: int
    role: Role
    answers: Mapping[str, str] = field(repr=False)
    shared: bool
    shared_at: datetime | None
    posted_message_id: int | None
    partner_read_at: datetime | None
    goal_id: int | None
    created_at: datetime
    edited_at: datetime | None

    @property
    def can_make_private(self) -> bool:
        return self.shared and self.partner_read_at is None


@dataclass(frozen=True)
class ReflectionDraft:
    """What the reflection form shows a member: their form, pre-filled when editing."""

    session: Session
    role: Role
    form: rules.ReflectionForm
    answers: Mapping[str, str] = field(repr=False)
    shared: bool
    can_make_private: bool


@dataclass(frozen=True)
class ReflectionChange:
    """A reflection after a write, and what the thread needs (`action`, on `message_id`)."""

    session: Session
    reflection: Reflection
    action: ShareAction
    message_id: int | None
    created: bool


@dataclass(frozen=True)
class ThreadView:
    """What the session thread may show: shared reflections only."""

    session: Session
    shared: tuple[Reflection, ...]


@dataclass(frozen=True)
class SessionListItem:
    session: Session
    role: Role
    partner_id: int
    my_reflection: MyReflection


@dataclass(frozen=True)
class GoalFromStep:
    goal: Goal
    created: bool
    target_kept: bool
    """False when "by when" was given but has passed, so the goal has no target date."""


@dataclass(frozen=True)
class FitQuestion:
    match_id: int
    guild_id: int
    mentee_id: int
    mentor_id: int
    session_id: int
    answer: FitAnswer | None
    rematch_asked: bool


@dataclass(frozen=True)
class FitResult:
    outcome: Literal["recorded", "match_ended"]
    question: FitQuestion
    offer_rematch: bool


@dataclass(frozen=True)
class RematchRequest:
    """For the director log: ids only; there is no reason text to show."""

    match_id: int
    guild_id: int
    mentee_id: int
    mentor_id: int
    cohort_id: int | None
    asked_at: datetime
    already: bool


@dataclass(frozen=True)
class ReminderPlan:
    """One "you have not reflected yet", already claimed by this sender."""

    session: Session
    member_id: int
    role: Role
    retry: bool
    """An earlier run claimed it and stopped before recording the send."""

    @property
    def nonce(self) -> str:
        """Stable per (session, member), at most 25 characters."""
        return f"sr{self.session.id}{'e' if self.role == 'mentee' else 'o'}"


def session_of(row: sqlite3.Row) -> Session:
    return Session(
        id=row["id"],
        guild_id=row["guild_id"],
        match_id=row["match_id"],
        cohort_id=row["cohort_id"],
        mentee_id=row["mentee_id"],
        mentor_id=row["mentor_id"],
        seq=row["seq"],
        on=date.fromisoformat(row["session_date"]),
        minutes=row["minutes"],
        topic=row["topic"],
        created_by=row["created_by"],
        created_at=from_db(row["created_at"]),
        thread_id=row["thread_id"],
        thread_ready=row["thread_ready_at"] is not None,
        thread_problem=row["thread_problem"],
    )


def reflection_of(row: sqlite3.Row) -> Reflection:
    answers = json.loads(row["answers"])
    return Reflection(
        session_id=row["session_id"],
        author_id=row["author_id"],
        role="mentee" if row["role"] == "mentee" else "mentor",
        answers={str(k): str(v) for k, v in answers.items()} if isinstance(answers, dict) else {},
        shared=bool(row["shared"]),
        shared_at=from_db(row["shared_at"]),
        posted_message_id=row["posted_message_id"],
        partner_read_at=from_db(row["partner_read_at"]),
        goal_id=row["goal_id"],
        created_at=from_db(row["created_at"]),
        edited_at=from_db(row["edited_at"]),
    )


def fit_of(row: sqlite3.Row, mentor_id: int) -> FitQuestion:
    return FitQuestion(
        match_id=row["match_id"],
        guild_id=row["guild_id"],
        mentee_id=row["mentee_id"],
        mentor_id=mentor_id,
        session_id=row["session_id"],
        answer=cast("FitAnswer | None", row["answer"]),
        rematch_asked=row["rematch_asked_at"] is not None,
    )


# --------------------------------------------------------------------------- for directors


@dataclass(frozen=True)
class SessionFacts:
    """One session as directors may see it: who, when, how long; never what was said."""

    id: int
    guild_id: int
    match_id: int
    cohort_id: int | None
    mentee_id: int
    mentor_id: int
    seq: int
    on: date
    minutes: int


@dataclass(frozen=True)
class PairTotals:
    match_id: int
    cohort_id: int | None
    mentee_id: int
    mentor_id: int
    sessions: int
    minutes: int
    first_on: date | None
    last_on: date | None

    @property
    def hours(self) -> float:
        return self.minutes / 60


@dataclass(frozen=True)
class SessionTotals:
    sessions: int
    minutes: int
    pairs: int
    """Pairs with at least one session counted."""

    @property
    def hours(self) -> float:
        return self.minutes / 60


@dataclass(frozen=True)
class RematchAsk:
    """A mentee asked for another mentor: when, and nothing about why."""

    match_id: int
    guild_id: int
    cohort_id: int | None
    mentee_id: int
    mentor_id: int
    asked_at: datetime
