"""Matching use cases: suggestions, cohort proposals, matches and their follow-ups.

The rules (scores, explanations, the optimal cohort assignment) live in
`bot.domain.matching`; this module loads what they need from the database and keeps the
promises that only a transaction can keep:

* **Capacity and one active mentor.** `create_match` re-counts the mentor's active matches
  and checks the mentee inside `BEGIN IMMEDIATE`, so two directors introducing at the same
  moment cannot overfill a mentor; the partial unique index on active matches guards the
  mentee as well.
* **A match is made with its introduction, or not at all.** `create_match` reserves the
  place; the Discord layer then creates the private thread and calls `record_introduction`
  (which writes the audit row). If the thread cannot be made, `undo_match` deletes the
  reservation, so no half-made match is left behind. A reservation left by a crash in
  between was never announced to anyone: the next process deletes them when it starts
  (`drop_unfinished_introductions`), `create_match` drops any older than
  `INTRO_STALE_AFTER`, and follow-ups are only ever asked about introduced pairs.
* **Follow-ups exactly once.** A "Have you met yet?" row is claimed in a transaction
  before it is sent, one at a time, so a crash leaves at most the prompt in flight in
  doubt. The next run re-sends that one with the same nonce while Discord still
  de-duplicates on it (`ORPHAN_RETRY_WINDOW`); after that it is recorded as lost and never
  sent: a missed prompt is better than a duplicate.
"""

from __future__ import annotations

import asyncio
import functools
import json
import sqlite3
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Literal

from bot.clock import Clock
from bot.db.database import Database
from bot.domain import matching as rules
from bot.domain import questionnaire as qn
from bot.domain import wallclock
from bot.errors import UserError
from bot.services.onboarding import OnboardingService
from bot.services.settings import SettingsService

__all__ = [
    "END_REASON_LABELS",
    "INTRO_STALE_AFTER",
    "ORPHAN_RETRY_WINDOW",
    "PROPOSAL_TTL",
    "EndReason",
    "FollowupAnswer",
    "FollowupPrompt",
    "FollowupResult",
    "Match",
    "MatchingService",
    "Pool",
    "Proposal",
]

# Discord de-duplicates a message nonce for "the past few minutes": within this window a
# prompt claimed by a sender that stopped can be sent again without risking a duplicate.
ORPHAN_RETRY_WINDOW = timedelta(minutes=2)
# A match reserved this long ago without an introduction thread was left by a crash.
INTRO_STALE_AFTER = timedelta(minutes=5)
# A cohort proposal reflects the cohort when it was made; after this it is refused.
PROPOSAL_TTL = timedelta(hours=24)
SUGGESTION_LIMIT = 5
# Answers that are not about the person: left out of the profiles posted to a new pair.
_NOT_PROFILE = ("consent", "checkin")


class EndReason(StrEnum):
    GOALS_ACHIEVED = "goals_achieved"
    LACK_OF_CONTACT = "lack_of_contact"
    NEEDS_CHANGED = "needs_changed"
    NOT_A_GOOD_FIT = "not_a_good_fit"
    OTHER = "other"


END_REASON_LABELS: dict[EndReason, str] = {
    EndReason.GOALS_ACHIEVED: "Goals achieved",
    EndReason.LACK_OF_CONTACT: "Lack of contact",
    EndReason.NEEDS_CHANGED: "Needs changed",
    EndReason.NOT_A_GOOD_FIT: "Not a good fit",
    EndReason.OTHER: "Other",
}

FollowupAnswer = Literal["yes", "not_yet", "need_help"]
FlagReason = Literal["need_help", "not_met"]
MatchRole = Literal["mentee", "mentor"]


@dataclass(frozen=True)
class Match:
    id: int
    guild_id: int
    cohort_id: int | None
    mentee_id: int
    mentor_id: int
    status: Literal["active", "ended"]
    created_at: datetime
    created_by: int
    intro_thread_id: int | None
    met_at: datetime | None
    flagged_at: datetime | None
    flag_reason: FlagReason | None
    ended_at: datetime | None
    ended_by: int | None
    end_reason: EndReason | None

    @property
    def active(self) -> bool:
        return self.status == "active"

    def partner_of(self, member_id: int) -> int:
        return self.mentor_id if member_id == self.mentee_id else self.mentee_id


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


@dataclass(frozen=True)
class FollowupPrompt:
    """One "Have you met yet?" to deliver, already claimed by this sender."""

    match_id: int
    guild_id: int
    member_id: int
    partner_id: int
    role: MatchRole
    round: int
    intro_thread_id: int | None
    retry: bool
    """True when an earlier run claimed it and stopped before recording the send."""

    @property
    def nonce(self) -> str:
        """Stable per (match, round, member) and unique per channel, at most 25 chars."""
        return f"mf{self.match_id}r{self.round}{'e' if self.role == 'mentee' else 'o'}"


@dataclass(frozen=True)
class FollowupResult:
    outcome: Literal["recorded", "already_answered", "match_ended"]
    answer: FollowupAnswer | None
    """The answer now on record (for `already_answered`, the earlier one)."""
    match: Match
    next_round_due: datetime | None = None
    newly_flagged: FlagReason | None = None


def _iso(instant: datetime) -> str:
    """One fixed format so stored instants compare correctly as text."""
    return instant.astimezone(UTC).isoformat(timespec="microseconds")


def _instant(text: str | None) -> datetime | None:
    return None if text is None else datetime.fromisoformat(text)


def _match(row: sqlite3.Row) -> Match:
    created = datetime.fromisoformat(row["created_at"])
    return Match(
        id=row["id"],
        guild_id=row["guild_id"],
        cohort_id=row["cohort_id"],
        mentee_id=row["mentee_id"],
        mentor_id=row["mentor_id"],
        status=row["status"],
        created_at=created,
        created_by=row["created_by"],
        intro_thread_id=row["intro_thread_id"],
        met_at=_instant(row["met_at"]),
        flagged_at=_instant(row["flagged_at"]),
        flag_reason=row["flag_reason"],
        ended_at=_instant(row["ended_at"]),
        ended_by=row["ended_by"],
        end_reason=EndReason(row["end_reason"]) if row["end_reason"] else None,
    )


def _valid_zone(name: str | None) -> str:
    """Onboarding validates time zones; a zone removed from tzdata since counts as UTC."""
    return name if wallclock.is_timezone(name) else "UTC"


class MatchingService:
    def __init__(
        self,
        db: Database,
        clock: Clock,
        settings: SettingsService,
        onboarding: OnboardingService,
    ) -> None:
        self._db = db
        self._clock = clock
        self._settings = settings
        self._onboarding = onboarding
        # Tells this run's follow-up claims from those of a run that stopped mid-send.
        self.run_id = uuid.uuid4().hex
        self._started_at = clock.now()

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
                f"That member hasn't finished signing up, so they can't be matched as a {role} "
                "yet. They can use `/onboarding start`."
            )
        if row["role"] != role:
            raise UserError(
                f"That member signed up as a {row['role']}, not as a {role}. "
                "Pick the mentee first, then the mentor."
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
            raise UserError("That member's sign-up just changed; please try again.")
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
                "That mentee already has an active mentor. End that match first with "
                "`/match end` if they need a new one."
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
                (guild_id, actor_id, _iso(now), json.dumps(pairs)),
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
                raise UserError("I can't find that proposal any more; run `/match suggest` again.")
            if row["status"] != "pending":
                raise UserError(f"This proposal was already {row['status']}; nothing more to do.")
            created = _instant(row["created_at"])
            if status == "applied" and created is not None and now - created > PROPOSAL_TTL:
                raise UserError(
                    "This proposal is more than a day old and the cohort may have changed: run "
                    "`/match suggest` again for a fresh one."
                )
            await self._db.execute(
                "UPDATE match_proposals SET status = ?, decided_at = ?, decided_by = ? "
                "WHERE id = ?",
                (status, _iso(now), actor_id, proposal_id),
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

    async def get(self, match_id: int) -> Match | None:
        row = await self._db.fetchone("SELECT * FROM matches WHERE id = ?", (match_id,))
        return None if row is None else _match(row)

    async def _require(self, match_id: int) -> Match:
        match = await self.get(match_id)
        if match is None:
            raise UserError("I can't find that match any more; it may have been undone.")
        return match

    async def active_match_of_mentee(self, guild_id: int, mentee_id: int) -> Match | None:
        row = await self._db.fetchone(
            "SELECT * FROM matches WHERE guild_id = ? AND mentee_id = ? AND status = 'active'",
            (guild_id, mentee_id),
        )
        return None if row is None else _match(row)

    async def active_matches_of(self, guild_id: int, member_id: int) -> list[Match]:
        """The member's active matches, as mentee or as mentor, oldest first."""
        rows = await self._db.fetchall(
            "SELECT * FROM matches WHERE guild_id = ? AND status = 'active' "
            "AND ? IN (mentee_id, mentor_id) ORDER BY created_at, id",
            (guild_id, member_id),
        )
        return [_match(row) for row in rows]

    async def are_partners(self, guild_id: int, a: int, b: int) -> bool:
        """Whether `a` and `b` are an active mentor–mentee pair, in either direction."""
        found = await self._db.fetchval(
            "SELECT 1 FROM matches WHERE guild_id = ? AND status = 'active' AND "
            "((mentee_id = ? AND mentor_id = ?) OR (mentee_id = ? AND mentor_id = ?))",
            (guild_id, a, b, b, a),
        )
        return found is not None

    async def list_matches(
        self, guild_id: int, *, mentor_id: int | None = None, include_ended: bool = False
    ) -> list[Match]:
        """Active matches (and ended ones if asked), oldest first; one mentor's if given."""
        sql = "SELECT * FROM matches WHERE guild_id = ?"
        params: list[object] = [guild_id]
        if mentor_id is not None:
            sql += " AND mentor_id = ?"
            params.append(mentor_id)
        if not include_ended:
            sql += " AND status = 'active'"
        rows = await self._db.fetchall(sql + " ORDER BY created_at, id", params)
        return [_match(row) for row in rows]

    async def create_match(
        self, guild_id: int, mentee_id: int, mentor_id: int, actor_id: int
    ) -> Match:
        """Reserve the mentor's place for the mentee and schedule the first follow-up.

        Capacity and the one-active-mentor rule are checked inside the write transaction.
        The match counts as made once `record_introduction` stores its thread.
        """
        if mentee_id == mentor_id:
            raise UserError("A member can't be their own mentor: pick two different people.")
        settings = await self._settings.get(guild_id)
        now = self._clock.now()
        due = now + timedelta(days=settings.match_followup_days)
        async with self._db.transaction():
            await self._require_signed_up(guild_id, mentee_id, "mentee")
            await self._require_signed_up(guild_id, mentor_id, "mentor")
            await self._db.execute(
                "DELETE FROM matches WHERE guild_id = ? AND intro_thread_id IS NULL "
                "AND status = 'active' AND created_at <= ?",
                (guild_id, _iso(now - INTRO_STALE_AFTER)),
            )
            existing = await self.active_match_of_mentee(guild_id, mentee_id)
            if existing is not None:
                if existing.mentor_id == mentor_id and existing.intro_thread_id is None:
                    raise UserError("This introduction is already being made; give it a moment.")
                raise UserError(
                    "That mentee already has an active mentor. End that match first with "
                    "`/match end` if they need a new one."
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
                    f"That mentor has no free place: {taken} of {capacity} taken. "
                    "`/match suggest` shows mentors who have room."
                )
            cohort_id = await self._db.fetchval(
                "SELECT id FROM cohorts WHERE guild_id = ? AND status = 'active'", (guild_id,)
            )
            try:
                match_id = await self._db.execute(
                    "INSERT INTO matches (guild_id, cohort_id, mentee_id, mentor_id, "
                    "created_at, created_by) VALUES (?, ?, ?, ?, ?, ?)",
                    (guild_id, cohort_id, mentee_id, mentor_id, _iso(now), actor_id),
                )
            except sqlite3.IntegrityError:
                raise UserError("That mentee already has an active mentor.") from None
            await self._db.executemany(
                "INSERT INTO match_followups (match_id, member_id, round, due_at) "
                "VALUES (?, ?, 1, ?)",
                [(match_id, member, _iso(due)) for member in (mentee_id, mentor_id)],
            )
            return await self._require(match_id)

    async def drop_unfinished_introductions(self) -> int:
        """Delete reservations an earlier process made and never finished introducing
        (it stopped in between): nobody was told about them. Run once at start-up."""
        where = "intro_thread_id IS NULL AND status = 'active' AND created_at < ?"
        started = (_iso(self._started_at),)
        async with self._db.transaction():
            count = int(
                await self._db.fetchval(
                    f"SELECT COUNT(*) FROM matches WHERE {where}",  # noqa: S608
                    started,
                )
            )
            await self._db.execute(f"DELETE FROM matches WHERE {where}", started)  # noqa: S608
        return count

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
                raise UserError("That match was ended while the introduction was being made.")
            await self._db.execute(
                "UPDATE matches SET intro_thread_id = ? WHERE id = ?", (thread_id, match_id)
            )
            await self._audit(
                match.guild_id,
                actor_id,
                "match.create",
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
                raise UserError("That member has no active mentor, so there is no match to end.")
            await self._db.execute(
                "UPDATE matches SET status = 'ended', ended_at = ?, ended_by = ?, "
                "end_reason = ? WHERE id = ?",
                (_iso(now), actor_id, reason.value, match.id),
            )
            await self._audit(
                guild_id,
                actor_id,
                "match.end",
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

    async def _audit(
        self, guild_id: int, actor_id: int, action: str, target_id: int, detail: str, now: datetime
    ) -> None:
        await self._db.execute(
            "INSERT INTO audit_log (guild_id, actor_id, action, target_id, detail, created_at) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            (guild_id, actor_id, action, target_id, detail, _iso(now)),
        )

    # ----------------------------------------------------------------- follow-ups

    async def next_followup_due(self) -> datetime | None:
        """When the earliest unclaimed follow-up of a pair still waiting to meet is due."""
        due = await self._db.fetchval(
            "SELECT MIN(f.due_at) FROM match_followups f JOIN matches m ON m.id = f.match_id "
            "WHERE f.claimed_at IS NULL AND m.status = 'active' AND m.intro_thread_id IS NOT NULL "
            "AND m.met_at IS NULL AND m.flagged_at IS NULL"
        )
        return _instant(due)

    async def followup_due_of(self, match_id: int) -> datetime | None:
        due = await self._db.fetchval(
            "SELECT MIN(due_at) FROM match_followups WHERE match_id = ? AND claimed_at IS NULL",
            (match_id,),
        )
        return _instant(due)

    async def claim_due_followups(
        self, now: datetime, *, limit: int | None = None
    ) -> list[FollowupPrompt]:
        """Claim follow-ups due by `now` for this run (at most `limit` new ones); each is
        then sent exactly once. A sender claims one at a time and sends it before claiming
        the next, so a crash leaves at most one prompt in doubt.

        Rows claimed by an earlier run that never recorded a send are retried within
        `ORPHAN_RETRY_WINDOW` (same nonce, so Discord drops a duplicate) and otherwise
        recorded as lost. Pairs that ended, met or were flagged are not asked any more,
        nor pairs whose introduction was never made.
        """
        stamp = _iso(self._clock.now())  # when this sender took it, for the orphan window
        async with self._db.transaction():
            orphans = await self._db.fetchall(
                "SELECT f.*, m.guild_id, m.mentee_id, m.mentor_id, m.intro_thread_id, "
                "m.status, m.met_at, m.flagged_at FROM match_followups f "
                "JOIN matches m ON m.id = f.match_id WHERE f.claimed_at IS NOT NULL "
                "AND f.sent_at IS NULL AND f.delivery IS NULL AND f.claimed_by <> ?",
                (self.run_id,),
            )
            prompts: list[FollowupPrompt] = []
            for row in orphans:
                claimed = _instant(row["claimed_at"])
                still_wanted = (
                    row["status"] == "active"
                    and row["intro_thread_id"] is not None
                    and row["met_at"] is None
                    and not row["flagged_at"]
                )
                if still_wanted and claimed is not None and now - claimed <= ORPHAN_RETRY_WINDOW:
                    await self._db.execute(
                        "UPDATE match_followups SET claimed_by = ? "
                        "WHERE match_id = ? AND member_id = ? AND round = ?",
                        (self.run_id, row["match_id"], row["member_id"], row["round"]),
                    )
                    prompts.append(_prompt(row, retry=True))
                else:
                    await self._record(row, "lost", None)
            due = await self._db.fetchall(
                "SELECT f.*, m.guild_id, m.mentee_id, m.mentor_id, m.intro_thread_id "
                "FROM match_followups f JOIN matches m ON m.id = f.match_id "
                "WHERE f.claimed_at IS NULL AND f.due_at <= ? AND m.status = 'active' "
                "AND m.intro_thread_id IS NOT NULL AND m.met_at IS NULL AND m.flagged_at IS NULL "
                "ORDER BY f.due_at, f.match_id, f.member_id LIMIT ?",
                (_iso(now), -1 if limit is None else limit),
            )
            for row in due:
                await self._db.execute(
                    "UPDATE match_followups SET claimed_at = ?, claimed_by = ? "
                    "WHERE match_id = ? AND member_id = ? AND round = ?",
                    (stamp, self.run_id, row["match_id"], row["member_id"], row["round"]),
                )
                prompts.append(_prompt(row, retry=False))
        return prompts

    async def _record(self, row: sqlite3.Row, delivery: str, sent_at: str | None) -> None:
        await self._db.execute(
            "UPDATE match_followups SET delivery = ?, sent_at = ? "
            "WHERE match_id = ? AND member_id = ? AND round = ?",
            (delivery, sent_at, row["match_id"], row["member_id"], row["round"]),
        )

    async def record_delivery(
        self, prompt: FollowupPrompt, delivery: Literal["dm", "thread", "unreachable"]
    ) -> None:
        sent_at = None if delivery == "unreachable" else _iso(self._clock.now())
        await self._db.execute(
            "UPDATE match_followups SET delivery = ?, sent_at = ? "
            "WHERE match_id = ? AND member_id = ? AND round = ? AND claimed_by = ?",
            (delivery, sent_at, prompt.match_id, prompt.member_id, prompt.round, self.run_id),
        )

    async def answer_followup(
        self, match_id: int, round_: int, member_id: int, answer: FollowupAnswer
    ) -> FollowupResult:
        """Record a member's answer; "Need help" or a second round of "Not yet" flags the
        pair, a first "Not yet" asks both again after the same delay."""
        match = await self._require(match_id)
        if member_id not in (match.mentee_id, match.mentor_id):
            raise UserError("This question was meant for someone else.")
        settings = await self._settings.get(match.guild_id)
        now = self._clock.now()
        async with self._db.transaction():
            match = await self._require(match_id)
            row = await self._db.fetchone(
                "SELECT answer FROM match_followups "
                "WHERE match_id = ? AND member_id = ? AND round = ?",
                (match_id, member_id, round_),
            )
            if row is None:
                raise UserError("This question was meant for your partner, not for you.")
            if not match.active:
                return FollowupResult("match_ended", row["answer"], match)
            if row["answer"] is not None:
                return FollowupResult("already_answered", row["answer"], match)
            await self._db.execute(
                "UPDATE match_followups SET answer = ?, answered_at = ? "
                "WHERE match_id = ? AND member_id = ? AND round = ?",
                (answer, _iso(now), match_id, member_id, round_),
            )
            flag: FlagReason | None = None
            next_due: datetime | None = None
            if answer == "yes":
                await self._db.execute(
                    "UPDATE matches SET met_at = COALESCE(met_at, ?) WHERE id = ?",
                    (_iso(now), match_id),
                )
            elif answer == "need_help":
                flag = "need_help"
            elif match.met_at is None and match.flagged_at is None:
                earlier = await self._db.fetchval(
                    "SELECT 1 FROM match_followups WHERE match_id = ? AND answer = 'not_yet' "
                    "AND round < ?",
                    (match_id, round_),
                )
                if earlier:
                    flag = "not_met"
                else:
                    next_due = now + timedelta(days=settings.match_followup_days)
                    await self._db.executemany(
                        "INSERT OR IGNORE INTO match_followups (match_id, member_id, round, "
                        "due_at) VALUES (?, ?, ?, ?)",
                        [
                            (match_id, member, round_ + 1, _iso(next_due))
                            for member in (match.mentee_id, match.mentor_id)
                        ],
                    )
                    next_due = _instant(
                        await self._db.fetchval(
                            "SELECT MIN(due_at) FROM match_followups "
                            "WHERE match_id = ? AND round = ?",
                            (match_id, round_ + 1),
                        )
                    )
            newly: FlagReason | None = None
            if flag is not None and match.flagged_at is None:
                await self._db.execute(
                    "UPDATE matches SET flagged_at = ?, flag_reason = ? WHERE id = ?",
                    (_iso(now), flag, match_id),
                )
                await self._audit(
                    match.guild_id,
                    member_id,
                    "match.flag",
                    match.mentee_id,
                    f"match {match_id} mentor {match.mentor_id} reason {flag}",
                    now,
                )
                newly = flag
            updated = await self._require(match_id)
        return FollowupResult("recorded", answer, updated, next_due, newly)

    # ------------------------------------------------------------------- sessions

    async def loggable_match(self, guild_id: int, a: int, b: int) -> Match | None:
        """The match in which `a` and `b` may log a session together: their active match,
        else the latest one that ended while its cohort is still running. Only introduced
        matches count: a reservation still being introduced is not a pair yet."""
        row = await self._db.fetchone(
            "SELECT m.* FROM matches m LEFT JOIN cohorts c ON c.id = m.cohort_id "
            "WHERE m.guild_id = ? AND m.intro_thread_id IS NOT NULL "
            "AND ((m.mentee_id = ? AND m.mentor_id = ?) OR (m.mentee_id = ? AND m.mentor_id = ?)) "
            "AND (m.status = 'active' OR c.status = 'active') "
            "ORDER BY m.status = 'active' DESC, m.created_at DESC, m.id DESC LIMIT 1",
            (guild_id, a, b, b, a),
        )
        return None if row is None else _match(row)


def _prompt(row: sqlite3.Row, *, retry: bool) -> FollowupPrompt:
    member = row["member_id"]
    mentee = row["mentee_id"]
    return FollowupPrompt(
        match_id=row["match_id"],
        guild_id=row["guild_id"],
        member_id=member,
        partner_id=row["mentor_id"] if member == mentee else mentee,
        role="mentee" if member == mentee else "mentor",
        round=row["round"],
        intro_thread_id=row["intro_thread_id"],
        retry=retry,
    )
