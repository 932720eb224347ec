"""Session use cases: logging a session, its private thread, reflections, a next step made a
goal, and `/session list`. The fit question (`.fit`), the reflection reminder (`.reminders`),
the private thread's making (`.threads`) and the directors' numbers (`.reports`) are parts
of this service in their own modules.

Confidentiality is the point of the feature. What members write here (a session's topic,
their reflections) is returned only to the people it was written for: a reflection to its
author, and to the partner once shared (`thread_view` holds shared ones only). Nothing here
logs member text; directors get numbers only, from `SessionReports`.

Promises only a transaction can keep:

* **A session is never lost to Discord.** It is stored before its thread is made; a thread
  that could not be made (a missing permission, no sessions channel) is recorded as a problem
  and the session waits in `threads.sessions_without_thread` until it can be. Making a thread is
  claimed first (`log_session` claims it for its caller, `threads.claim_thread` for a retry), so two
  attempts never make two threads.
* **A reflection that was read stays shared.** The share rules are
  `bot.domain.sessions.share_action`; the table's CHECK makes the forbidden state impossible.
* **One goal per next step,** even when the button is pressed twice.
"""

from __future__ import annotations

import asyncio
import json
import sqlite3
from collections.abc import Mapping
from datetime import date, datetime, timedelta
from typing import cast

from bot.clock import Clock
from bot.db.database import Database
from bot.db.instants import to_db
from bot.domain import sessions as rules
from bot.domain.sessions import Role
from bot.errors import UserError
from bot.i18n import _, n_
from bot.services.goals import GoalService, parse_target_date
from bot.services.matching import Match, MatchingService
from bot.services.sessions.fit import FitQuestions
from bot.services.sessions.member_data import SessionMemberData
from bot.services.sessions.records import (
    DuplicateSessionError,
    GoalFromStep,
    LoggedSession,
    MyReflection,
    Reflection,
    ReflectionChange,
    ReflectionDraft,
    Session,
    SessionListItem,
    ThreadView,
    member_input,
    reflection_of,
    session_of,
)
from bot.services.sessions.reminders import ReflectionReminders
from bot.services.sessions.reports import SessionReports
from bot.services.sessions.threads import SessionThreads

LIST_LIMIT = 25


class SessionService:
    def __init__(
        self, db: Database, clock: Clock, matching: MatchingService, goals: GoalService
    ) -> None:
        self._db = db
        self._clock = clock
        self._matching = matching
        self._goals = goals
        self.fit = FitQuestions(db, clock, matching)
        self.reminders = ReflectionReminders(db, clock)
        self.reports = SessionReports(db)
        self.threads = SessionThreads(db, clock)
        self.member_data = SessionMemberData(db)
        # One next-step-to-goal conversion at a time, so a double click makes one goal.
        self._goal_lock = asyncio.Lock()

    # ------------------------------------------------------------------ logging

    async def log_session(
        self,
        guild_id: int,
        actor_id: int,
        *,
        minutes: int,
        partner_id: int | None = None,
        on: date | None = None,
        topic: str | None = None,
    ) -> LoggedSession:
        """Store a session of the actor's pair; its thread is then claimed by the caller.

        `partner_id` None means the actor's one active partner. `on` None means today where
        the actor lives. Refusals are `UserError`s; nothing is stored then.
        """
        match = await self._pair(guild_id, actor_id, partner_id)
        today = await self._goals.member_today(guild_id, actor_id)
        with member_input():
            day = rules.check_session_date(on or today, today)
            length = rules.check_minutes(minutes)
            words = rules.clean_topic(topic)
        # Matched and ended instants as dates, a day's slack either way for time zones.
        if day < match.created_at.date() - timedelta(days=1):
            raise UserError(
                _(
                    "You were matched after {day}: log sessions from the day your match began.",
                    day=rules.short_date(day, today=today),
                )
            )
        if match.ended_at is not None and day > match.ended_at.date() + timedelta(days=1):
            raise UserError(
                _(
                    "Your match with {partner} ended before {day}, so that session can't be "
                    "logged with them.",
                    partner=f"<@{match.partner_of(actor_id)}>",
                    day=rules.short_date(day, today=today),
                )
            )
        now = self._clock.now()
        async with self._db.transaction():
            existing = await self._db.fetchone(
                "SELECT * FROM sessions WHERE match_id = ? AND session_date = ?",
                (match.id, day.isoformat()),
            )
            if existing is not None:
                raise DuplicateSessionError(session_of(existing), actor_id)
            seq = int(
                await self._db.fetchval(
                    "SELECT COALESCE(MAX(seq), 0) + 1 FROM sessions WHERE match_id = ?",
                    (match.id,),
                )
            )
            session_id = await self._db.execute(
                "INSERT INTO sessions (guild_id, match_id, cohort_id, mentee_id, mentor_id, "
                "seq, session_date, minutes, topic, created_by, created_at, thread_claimed_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    guild_id,
                    match.id,
                    match.cohort_id,
                    match.mentee_id,
                    match.mentor_id,
                    seq,
                    day.isoformat(),
                    length,
                    words,
                    actor_id,
                    to_db(now),
                    to_db(now),
                ),
            )
            await self.reminders.schedule(session_id, (match.mentee_id, match.mentor_id), now)
            if seq == 1:
                await self.fit.open_for(match, session_id, now)
            session = await self._require(session_id)
        return LoggedSession(session, ask_fit=seq == 1)

    async def _pair(self, guild_id: int, actor_id: int, partner_id: int | None) -> Match:
        """The match the actor logs in: with `partner_id`, or with their one active partner."""
        if partner_id is None:
            active = [
                m
                for m in await self._matching.active_matches_of(guild_id, actor_id)
                if m.intro_thread_id is not None
            ]
            if not active:
                raise UserError(
                    _(
                        "You have no active mentor or mentee right now. If your match ended "
                        "during this cohort, name your partner with the `partner` option."
                    )
                )
            if len(active) > 1:
                raise UserError(
                    n_(
                        "You mentor {count} person: choose who you met with the `partner` option.",
                        "You mentor {count} people: choose who you met with the `partner` option.",
                        len(active),
                    )
                )
            return active[0]
        if partner_id == actor_id:
            raise UserError(_("A session is logged with your mentor or mentee, not with yourself."))
        match = await self._matching.loggable_match(guild_id, actor_id, partner_id)
        if match is None:
            raise UserError(
                _(
                    "You can log sessions only with your own mentor or mentee, and {partner} "
                    "isn't (or your match ended in an earlier cohort).",
                    partner=f"<@{partner_id}>",
                )
            )
        return match

    async def get(self, session_id: int) -> Session | None:
        row = await self._db.fetchone("SELECT * FROM sessions WHERE id = ?", (session_id,))
        return None if row is None else session_of(row)

    async def _require(self, session_id: int) -> Session:
        session = await self.get(session_id)
        if session is None:
            raise UserError(_("I can't find that session any more."))
        return session

    async def session_for(self, session_id: int, member_id: int) -> Session:
        """The session, for one of its pair only."""
        session = await self._require(session_id)
        if session.role_of(member_id) is None:
            raise UserError(_("This session belongs to another pair."))
        return session

    # --------------------------------------------------------------- reflections

    async def _reflection_row(self, session_id: int, author_id: int) -> sqlite3.Row | None:
        return await self._db.fetchone(
            "SELECT * FROM reflections WHERE session_id = ? AND author_id = ?",
            (session_id, author_id),
        )

    async def own_reflection(self, session_id: int, member_id: int) -> Reflection | None:
        """The member's own reflection on a session of theirs (never someone else's)."""
        await self.session_for(session_id, member_id)
        row = await self._reflection_row(session_id, member_id)
        return None if row is None else reflection_of(row)

    async def reflection_draft(self, session_id: int, member_id: int) -> ReflectionDraft:
        session = await self.session_for(session_id, member_id)
        role = cast("Role", session.role_of(member_id))
        row = await self._reflection_row(session_id, member_id)
        mine = None if row is None else reflection_of(row)
        return ReflectionDraft(
            session=session,
            role=role,
            form=rules.form_for(role),
            answers=mine.answers if mine else {},
            shared=mine.shared if mine else False,
            can_make_private=mine.can_make_private if mine else True,
        )

    async def write_reflection(
        self,
        session_id: int,
        author_id: int,
        answers: Mapping[str, str | None],
        *,
        share: bool,
    ) -> ReflectionChange:
        """Write or edit the author's reflection, private unless `share`."""
        session = await self.session_for(session_id, author_id)
        role = cast("Role", session.role_of(author_id))
        with member_input():
            clean = rules.clean_answers(rules.form_for(role), answers)
        today = await self._goals.member_today(session.guild_id, author_id)
        return await self._store_reflection(session, author_id, role, clean, share, today)

    async def share_reflection(self, session_id: int, author_id: int) -> ReflectionChange:
        """Share a private reflection with the partner (it is then posted in the thread)."""
        session = await self.session_for(session_id, author_id)
        role = cast("Role", session.role_of(author_id))
        return await self._store_reflection(session, author_id, role, None, True, None)

    async def make_private(self, session_id: int, author_id: int) -> ReflectionChange:
        """Take a shared reflection back, while the partner has not read it yet."""
        session = await self.session_for(session_id, author_id)
        role = cast("Role", session.role_of(author_id))
        return await self._store_reflection(session, author_id, role, None, False, None)

    async def _store_reflection(
        self,
        session: Session,
        author_id: int,
        role: Role,
        clean: dict[str, str] | None,
        share: bool,
        today: date | None,
    ) -> ReflectionChange:
        """Store new text (`clean`, checked against `today`) or, with `clean` None, only a new
        choice of who may read it."""
        now = self._clock.now()
        async with self._db.transaction():
            row = await self._reflection_row(session.id, author_id)
            old = None if row is None else reflection_of(row)
            if clean is None:
                if old is None:
                    raise UserError(
                        _("Write your reflection first; then you can choose who reads it.")
                    )
                clean = dict(old.answers)
            elif today is not None and clean.get("by_when", "") not in ("", _by_when(old)):
                # A new date must still be ahead; one kept from an earlier edit may have passed.
                clean["by_when"] = parse_target_date(clean["by_when"], today).isoformat()
            changed = old is None or dict(old.answers) != clean
            with member_input():
                action = rules.share_action(
                    exists=old is not None,
                    shared=old is not None and old.shared,
                    read=old is not None and old.partner_read_at is not None,
                    want_shared=share,
                    text_changed=changed,
                )
            posted = old.posted_message_id if old is not None else None
            if share and posted is None:
                action = "post"  # newly shared, or shared earlier but never made it there
            reflection = Reflection(
                session_id=session.id,
                author_id=author_id,
                role=role,
                answers=clean,
                shared=share,
                shared_at=((old.shared_at if old else None) or now) if share else None,
                posted_message_id=posted if share else None,
                partner_read_at=old.partner_read_at if old is not None and share else None,
                goal_id=old.goal_id if old is not None else None,
                created_at=old.created_at if old is not None else now,
                edited_at=now if old is not None and changed else old.edited_at if old else None,
            )
            await self._db.execute(
                "INSERT INTO reflections (session_id, author_id, role, answers, shared, shared_at, "
                "posted_message_id, created_at, edited_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) "
                "ON CONFLICT (session_id, author_id) DO UPDATE SET answers = excluded.answers, "
                "shared = excluded.shared, shared_at = excluded.shared_at, "
                "posted_message_id = excluded.posted_message_id, edited_at = excluded.edited_at",
                (
                    session.id,
                    author_id,
                    role,
                    json.dumps(clean, ensure_ascii=False, sort_keys=True),
                    int(share),
                    _stored(reflection.shared_at),
                    reflection.posted_message_id,
                    to_db(reflection.created_at),
                    _stored(reflection.edited_at),
                ),
            )
        message_id = posted if action in ("edit", "remove") else None
        return ReflectionChange(session, reflection, action, message_id, created=old is None)

    async def record_posted(self, session_id: int, author_id: int, message_id: int) -> None:
        """The shared reflection is in the thread as `message_id`."""
        await self._db.execute(
            "UPDATE reflections SET posted_message_id = ? "
            "WHERE session_id = ? AND author_id = ? AND shared = 1",
            (message_id, session_id, author_id),
        )

    async def mark_read(self, session_id: int, reader_id: int) -> bool:
        """The partner has seen the thread with the author's shared reflection in it; from
        now on it stays shared. True if this marked something."""
        session = await self.get(session_id)
        if session is None or session.role_of(reader_id) is None:
            return False
        where = "WHERE session_id = ? AND author_id = ? AND shared = 1 AND partner_read_at IS NULL"
        key = (session_id, session.partner_of(reader_id))
        async with self._db.transaction():
            unread = await self._db.fetchval(f"SELECT 1 FROM reflections {where}", key)  # noqa: S608
            if unread is None:
                return False
            await self._db.execute(
                f"UPDATE reflections SET partner_read_at = ? {where}",  # noqa: S608
                (to_db(self._clock.now()), *key),
            )
        return True

    async def thread_view(self, session_id: int) -> ThreadView:
        """The session and its shared reflections: all that may be shown in its thread."""
        session = await self._require(session_id)
        rows = await self._db.fetchall(
            "SELECT * FROM reflections WHERE session_id = ? AND shared = 1 ORDER BY shared_at",
            (session_id,),
        )
        return ThreadView(session, tuple(reflection_of(row) for row in rows))

    # --------------------------------------------------------------------- goals

    async def next_step_to_goal(self, session_id: int, member_id: int) -> GoalFromStep:
        """The mentee's "what I will do next" as a goal of theirs (once per reflection)."""
        session = await self.session_for(session_id, member_id)
        if session.role_of(member_id) != "mentee":
            raise UserError(_("Only the mentee's next step becomes a goal."))
        async with self._goal_lock:
            row = await self._reflection_row(session_id, member_id)
            mine = None if row is None else reflection_of(row)
            step = mine.answers.get("next_step") if mine else None
            if mine is None or not step:
                raise UserError(
                    _("Write your next step in your reflection first (“What will you do next?”).")
                )
            if mine.goal_id is not None:
                try:
                    goal = await self._goals.get(session.guild_id, member_id, mine.goal_id)
                except UserError:
                    pass  # the goal is gone: make it again
                else:
                    return GoalFromStep(goal, created=False, target_kept=True)
            by_when = mine.answers.get("by_when")
            target = date.fromisoformat(by_when) if by_when else None
            today = await self._goals.member_today(session.guild_id, member_id)
            kept = target is None or target >= today
            goal = await self._goals.add(
                session.guild_id,
                member_id,
                step,
                target.isoformat() if target is not None and kept else None,
            )
            await self._db.execute(
                "UPDATE reflections SET goal_id = ? WHERE session_id = ? AND author_id = ?",
                (goal.id, session_id, member_id),
            )
        return GoalFromStep(goal, created=True, target_kept=kept)

    # ---------------------------------------------------------------------- list

    async def list_sessions(
        self, guild_id: int, member_id: int, *, limit: int = LIST_LIMIT, offset: int = 0
    ) -> list[SessionListItem]:
        """The member's sessions, newest first, as mentee or with every mentee they mentor."""
        rows = await self._db.fetchall(
            "SELECT s.*, r.shared AS my_shared FROM ("
            "SELECT * FROM sessions WHERE guild_id = ? AND mentee_id = ? UNION ALL "
            "SELECT * FROM sessions WHERE guild_id = ? AND mentor_id = ?) s "
            "LEFT JOIN reflections r ON r.session_id = s.id AND r.author_id = ? "
            "ORDER BY s.session_date DESC, s.id DESC LIMIT ? OFFSET ?",
            (guild_id, member_id, guild_id, member_id, member_id, limit, offset),
        )
        items: list[SessionListItem] = []
        for row in rows:
            session = session_of(row)
            mine: MyReflection = (
                "none" if row["my_shared"] is None else "shared" if row["my_shared"] else "private"
            )
            role = cast("Role", session.role_of(member_id))
            items.append(SessionListItem(session, role, session.partner_of(member_id), mine))
        return items

    async def count_sessions(self, guild_id: int, member_id: int) -> int:
        return int(
            await self._db.fetchval(
                "SELECT (SELECT COUNT(*) FROM sessions WHERE guild_id = ? AND mentee_id = ?) + "
                "(SELECT COUNT(*) FROM sessions WHERE guild_id = ? AND mentor_id = ?)",
                (guild_id, member_id, guild_id, member_id),
            )
        )


def _by_when(reflection: Reflection | None) -> str:
    return reflection.answers.get("by_when", "") if reflection is not None else ""


def _stored(moment: datetime | None) -> str | None:
    return None if moment is None else to_db(moment)
