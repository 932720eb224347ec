"""Matching use cases: suggestions, cohort proposals, and making and ending matches."""

from __future__ import annotations

import asyncio
import functools
import json
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING

from bot.clock import Clock
from bot.db.database import Database
from bot.db.instants import from_db, to_db
from bot.domain import matching as rules
from bot.domain import questionnaire as qn
from bot.domain import wallclock
from bot.errors import UserError
from bot.i18n import _
from bot.services.audit import AuditAction, AuditService
from bot.services.director_log import DirectorLog
from bot.services.matching.followups import MatchFollowups
from bot.services.matching.member_data import MemberData
from bot.services.matching.records import EndReason, Match, MatchRole
from bot.services.settings import SettingsService

if TYPE_CHECKING:
    # Onboarding reads matches through MatchRecords, so it is imported for types only.
    from bot.services.onboarding import OnboardingService

# A match reserved this long ago without an introduction thread was left by a crash.
INTRO_STALE_AFTER = timedelta(minutes=5)
# A cohort proposal reflects the cohort when it was made; after this it is refused.
PROPOSAL_TTL = timedelta(hours=24)
SUGGESTION_LIMIT = 5
# Answers that are not about the person: left out of the profiles posted to a new pair.
_NOT_PROFILE = ("consent", "checkin")


@dataclass(frozen=True)
class Pool:
    """Everyone matching can consider in one server, as the domain rules want them."""

    mentees: tuple[rules.MenteeProfile, ...]
    mentors: tuple[rules.MentorProfile, ...]
    past_pairs: frozenset[tuple[int, int]]
    matched_mentees: frozenset[int]
    weights: rules.MatchWeights

    def mentee(self, member_id: int) -> rules.MenteeProfile | None:
        return next((m for m in self.mentees if m.member_id == member_id), None)


@dataclass(frozen=True)
class Proposal:
    """A cohort-wide assignment; `id` is None when there was nothing to propose."""

    id: int | None
    assignment: rules.Assignment


def _valid_zone(name: str | None) -> str:
    """Onboarding validates time zones; a zone removed from tzdata since counts as UTC."""
    return name if wallclock.is_timezone(name) else "UTC"


class MatchingService(MatchFollowups, MemberData):
    def __init__(
        self,
        db: Database,
        clock: Clock,
        settings: SettingsService,
        onboarding: OnboardingService,
        director_log: DirectorLog | None = None,
        *,
        hold_introductions: bool = False,
        audit: AuditService | None = None,
    ) -> None:
        super().__init__(db, clock, settings, director_log, audit)
        self._onboarding = onboarding
        self._started_at = clock.now()
        # Set while reservations may be made. A bot builds the service held: introductions
        # wait for its start-up check of threads a stopped process left (see below).
        self._introductions_open = asyncio.Event()
        if not hold_introductions:
            self._introductions_open.set()

    # ------------------------------------------------------------------ profiles

    def _area_labels(self, values: Sequence[str]) -> frozenset[str]:
        """Explanations read "shares Leadership, Product": match on the labels members saw."""
        question = self._onboarding.questionnaire.question("areas")
        labels = set()
        for value in values:
            choice = question.choice(value) if question is not None else None
            labels.add(choice.label if choice is not None else value)
        return frozenset(labels)

    async def pool(self, guild_id: int) -> Pool:
        rows = await self._db.fetchall(
            "SELECT user_id, role, answers, timezone, capacity FROM members "
            "WHERE guild_id = ? AND status = 'onboarded' AND left_at IS NULL "
            "AND role IS NOT NULL ORDER BY user_id",
            (guild_id,),
        )
        taken = {
            row["mentor_id"]: row["n"]
            for row in await self._db.fetchall(
                "SELECT mentor_id, COUNT(*) AS n FROM matches "
                "WHERE guild_id = ? AND status = 'active' GROUP BY mentor_id",
                (guild_id,),
            )
        }
        matched = frozenset(
            row["mentee_id"]
            for row in await self._db.fetchall(
                "SELECT mentee_id FROM matches WHERE guild_id = ? AND status = 'active'",
                (guild_id,),
            )
        )
        past = frozenset(
            (row["mentee_id"], row["mentor_id"])
            for row in await self._db.fetchall(
                "SELECT DISTINCT mentee_id, mentor_id FROM matches "
                "WHERE guild_id = ? AND status = 'ended'",
                (guild_id,),
            )
        )
        mentees: list[rules.MenteeProfile] = []
        mentors: list[rules.MentorProfile] = []
        for row in rows:
            answers = json.loads(row["answers"] or "{}")
            areas = self._area_labels(qn.areas_of(answers if isinstance(answers, dict) else {}))
            zone = _valid_zone(row["timezone"])
            if row["role"] == "mentee":
                mentees.append(
                    rules.MenteeProfile(
                        member_id=row["user_id"],
                        display_name=str(row["user_id"]),
                        areas=areas,
                        timezone=zone,
                    )
                )
            else:
                mentors.append(
                    rules.MentorProfile(
                        member_id=row["user_id"],
                        display_name=str(row["user_id"]),
                        areas=areas,
                        timezone=zone,
                        capacity=row["capacity"] or 1,
                        active_mentees=taken.get(row["user_id"], 0),
                    )
                )
        settings = await self._settings.get(guild_id)
        return Pool(tuple(mentees), tuple(mentors), past, matched, settings.match_weights)

    async def _require_signed_up(self, guild_id: int, user_id: int, role: MatchRole) -> None:
        row = await self._db.fetchone(
            "SELECT status, role, left_at FROM members WHERE guild_id = ? AND user_id = ?",
            (guild_id, user_id),
        )
        if row is None or row["status"] != "onboarded" or row["left_at"] is not None:
            raise UserError(
                _(
                    "That member hasn't finished signing up, so they can't be matched as a "
                    "mentee yet. They can use `/onboarding start`."
                )
                if role == "mentee"
                else _(
                    "That member hasn't finished signing up, so they can't be matched as a "
                    "mentor yet. They can use `/onboarding start`."
                )
            )
        if row["role"] != role:
            raise UserError(
                _(
                    "That member signed up as a mentor, not as a mentee. Pick the mentee "
                    "first, then the mentor."
                )
                if role == "mentee"
                else _(
                    "That member signed up as a mentee, not as a mentor. Pick the mentee "
                    "first, then the mentor."
                )
            )

    # --------------------------------------------------------------- suggestions

    async def suggest(
        self, guild_id: int, mentee_id: int, *, limit: int = SUGGESTION_LIMIT
    ) -> list[rules.Suggestion]:
        """The best mentors for one mentee right now, best first."""
        await self._require_signed_up(guild_id, mentee_id, "mentee")
        pool = await self.pool(guild_id)
        mentee = pool.mentee(mentee_id)
        if mentee is None:  # signed up between the two reads: ask again
            raise UserError(_("That member's sign-up just changed; please try again."))
        try:
            return rules.suggest(
                mentee,
                pool.mentors,
                pool.weights,
                self._clock.now(),
                past_pairs=pool.past_pairs,
                matched_mentees=pool.matched_mentees,
                limit=limit,
            )
        except rules.MenteeAlreadyMatchedError:
            raise UserError(
                _(
                    "That mentee already has an active mentor. End that match first with "
                    "`/match end` if they need a new one."
                )
            ) from None

    async def propose(self, guild_id: int, actor_id: int) -> Proposal:
        """The best assignment for every unmatched mentee, stored until a director decides."""
        pool = await self.pool(guild_id)
        now = self._clock.now()
        # Exact and pure, but O(n^3): seconds for a large cohort, so off the event loop.
        assignment = await asyncio.to_thread(
            functools.partial(
                rules.assign,
                pool.mentees,
                pool.mentors,
                pool.weights,
                now,
                past_pairs=pool.past_pairs,
                matched_mentees=pool.matched_mentees,
            )
        )
        if not assignment.pairs:
            return Proposal(None, assignment)
        pairs = [[p.mentee.member_id, p.mentor.member_id] for p in assignment.pairs]
        async with self._db.transaction():
            proposal_id = await self._db.execute(
                "INSERT INTO match_proposals (guild_id, created_by, created_at, pairs) "
                "VALUES (?, ?, ?, ?)",
                (guild_id, actor_id, to_db(now), json.dumps(pairs)),
            )
        return Proposal(proposal_id, assignment)

    async def _decide_proposal(
        self, guild_id: int, proposal_id: int, actor_id: int, status: str
    ) -> list[tuple[int, int]]:
        now = self._clock.now()
        async with self._db.transaction():
            row = await self._db.fetchone(
                "SELECT status, created_at, pairs FROM match_proposals "
                "WHERE id = ? AND guild_id = ?",
                (proposal_id, guild_id),
            )
            if row is None:
                raise UserError(
                    _("I can't find that proposal any more; run `/match suggest` again.")
                )
            if row["status"] != "pending":
                raise UserError(
                    _("This proposal was already applied; nothing more to do.")
                    if row["status"] == "applied"
                    else _("This proposal was already cancelled; nothing more to do.")
                )
            created = from_db(row["created_at"])
            if status == "applied" and created is not None and now - created > PROPOSAL_TTL:
                raise UserError(
                    _(
                        "This proposal is more than a day old and the cohort may have changed: "
                        "run `/match suggest` again for a fresh one."
                    )
                )
            await self._db.execute(
                "UPDATE match_proposals SET status = ?, decided_at = ?, decided_by = ? "
                "WHERE id = ?",
                (status, to_db(now), actor_id, proposal_id),
            )
        return [(int(a), int(b)) for a, b in json.loads(row["pairs"])]

    async def take_proposal(
        self, guild_id: int, proposal_id: int, actor_id: int
    ) -> list[tuple[int, int]]:
        """Mark a proposal applied (once, even if Apply is pressed twice); its pairs."""
        return await self._decide_proposal(guild_id, proposal_id, actor_id, "applied")

    async def cancel_proposal(self, guild_id: int, proposal_id: int, actor_id: int) -> None:
        await self._decide_proposal(guild_id, proposal_id, actor_id, "cancelled")

    # ------------------------------------------------------------------- matches

    async def create_match(
        self, guild_id: int, mentee_id: int, mentor_id: int, actor_id: int
    ) -> Match:
        """Reserve the mentor's place for the mentee and schedule the first follow-up.

        Capacity and the one-active-mentor rule are checked inside the write transaction.
        The match counts as made once `record_introduction` stores its thread.
        """
        if mentee_id == mentor_id:
            raise UserError(_("A member can't be their own mentor: pick two different people."))
        await self._introductions_open.wait()
        settings = await self._settings.get(guild_id)
        now = self._clock.now()
        due = now + timedelta(days=settings.match_followup_days)
        async with self._db.transaction():
            await self._require_signed_up(guild_id, mentee_id, "mentee")
            await self._require_signed_up(guild_id, mentor_id, "mentor")
            await self._db.execute(
                "DELETE FROM matches WHERE guild_id = ? AND intro_thread_id IS NULL "
                "AND status = 'active' AND created_at <= ?",
                (guild_id, to_db(now - INTRO_STALE_AFTER)),
            )
            existing = await self.active_match_of_mentee(guild_id, mentee_id)
            if existing is not None:
                if existing.mentor_id == mentor_id and existing.intro_thread_id is None:
                    raise UserError(_("This introduction is already being made; give it a moment."))
                raise UserError(
                    _(
                        "That mentee already has an active mentor. End that match first with "
                        "`/match end` if they need a new one."
                    )
                )
            capacity = await self._db.fetchval(
                "SELECT capacity FROM members WHERE guild_id = ? AND user_id = ?",
                (guild_id, mentor_id),
            )
            capacity = int(capacity or 1)
            taken = int(
                await self._db.fetchval(
                    "SELECT COUNT(*) FROM matches "
                    "WHERE guild_id = ? AND mentor_id = ? AND status = 'active'",
                    (guild_id, mentor_id),
                )
            )
            if taken >= capacity:
                raise UserError(
                    _(
                        "That mentor has no free place: {taken} of {capacity} taken. "
                        "`/match suggest` shows mentors who have room.",
                        taken=taken,
                        capacity=capacity,
                    )
                )
            cohort_id = await self._db.fetchval(
                "SELECT id FROM cohorts WHERE guild_id = ? AND status = 'active'", (guild_id,)
            )
            try:
                match_id = await self._db.execute(
                    "INSERT INTO matches (guild_id, cohort_id, mentee_id, mentor_id, "
                    "created_at, created_by) VALUES (?, ?, ?, ?, ?, ?)",
                    (guild_id, cohort_id, mentee_id, mentor_id, to_db(now), actor_id),
                )
            except sqlite3.IntegrityError:
                raise UserError(_("That mentee already has an active mentor.")) from None
            await self._db.executemany(
                "INSERT INTO match_followups (match_id, member_id, round, due_at) "
                "VALUES (?, ?, 1, ?)",
                [(match_id, member, to_db(due)) for member in (mentee_id, mentor_id)],
            )
            return await self._require(match_id)

    async def drop_unfinished_introductions(self) -> int:
        """Delete reservations an earlier process made and never finished introducing
        (it stopped in between): nobody was told about them. Run once at start-up."""
        where = "intro_thread_id IS NULL AND status = 'active' AND created_at < ?"
        started = (to_db(self._started_at),)
        async with self._db.transaction():
            count = int(
                await self._db.fetchval(
                    f"SELECT COUNT(*) FROM matches WHERE {where}",  # noqa: S608
                    started,
                )
            )
            await self._db.execute(f"DELETE FROM matches WHERE {where}", started)  # noqa: S608
        return count

    def release_introductions(self) -> None:
        """The start-up check is done: reservations held until now go ahead.

        A service built with `hold_introductions` makes every reservation wait for this, so
        while the check looks for threads a stopped process made and never recorded, no
        thread of an introduction being made now can exist yet and be taken for one.
        """
        self._introductions_open.set()

    async def recorded_threads(self, guild_id: int, thread_ids: Sequence[int]) -> set[int]:
        """Which of these threads are the introduction thread of a match, made or ended."""
        if not thread_ids:
            return set()
        marks = ", ".join("?" for _ in thread_ids)
        rows = await self._db.fetchall(
            f"SELECT intro_thread_id FROM matches WHERE guild_id = ? "  # noqa: S608
            f"AND intro_thread_id IN ({marks})",
            (guild_id, *thread_ids),
        )
        return {int(row["intro_thread_id"]) for row in rows}

    async def undo_match(self, match_id: int) -> None:
        """Drop a reservation whose introduction could not be made (nobody was told yet)."""
        async with self._db.transaction():
            await self._db.execute(
                "DELETE FROM matches WHERE id = ? AND intro_thread_id IS NULL", (match_id,)
            )

    async def record_introduction(self, match_id: int, thread_id: int, actor_id: int) -> Match:
        """The pair has its thread: the match is made, and the director action audited."""
        now = self._clock.now()
        async with self._db.transaction():
            match = await self._require(match_id)
            if not match.active:
                raise UserError(_("That match was ended while the introduction was being made."))
            await self._db.execute(
                "UPDATE matches SET intro_thread_id = ? WHERE id = ?", (thread_id, match_id)
            )
            await self._audit(
                match.guild_id,
                actor_id,
                AuditAction.MATCH_CREATE,
                match.mentee_id,
                f"match {match_id} mentor {match.mentor_id}",
                now,
            )
            return await self._require(match_id)

    async def end_match(
        self, guild_id: int, mentee_id: int, reason: EndReason, actor_id: int
    ) -> Match:
        now = self._clock.now()
        async with self._db.transaction():
            match = await self.active_match_of_mentee(guild_id, mentee_id)
            if match is None:
                raise UserError(_("That member has no active mentor, so there is no match to end."))
            await self._db.execute(
                "UPDATE matches SET status = 'ended', ended_at = ?, ended_by = ?, "
                "end_reason = ? WHERE id = ?",
                (to_db(now), actor_id, reason.value, match.id),
            )
            await self._audit(
                guild_id,
                actor_id,
                AuditAction.MATCH_END,
                mentee_id,
                f"match {match.id} mentor {match.mentor_id} reason {reason.value}",
                now,
            )
            return await self._require(match.id)

    async def profile_rows(self, guild_id: int, member_id: int) -> tuple[tuple[str, str], ...]:
        """A member's profile as their new partner sees it (PRODUCT §5: goals included)."""
        profile = await self._onboarding.profile(guild_id, member_id, viewer="partner")
        if profile is None:
            return ()
        q = self._onboarding.questionnaire
        hidden = {
            question.label
            for question in (q.question(qid) for qid in _NOT_PROFILE)
            if question is not None
        }
        return tuple((label, value) for label, value in profile.rows if label not in hidden)
