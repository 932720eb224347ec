"""The "Have you met yet?" follow-ups of a new pair, each asked exactly once."""

from __future__ import annotations

import sqlite3
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from bot.clock import Clock
from bot.db.database import Database
from bot.db.instants import from_db, to_db
from bot.errors import UserError
from bot.i18n import N_, Text, _
from bot.services.audit import AuditAction, AuditService
from bot.services.cohorts import cohort_running_sql
from bot.services.director_log import DirectorLog, mention, pair_flagged
from bot.services.matching.records import FlagReason, FollowupAnswer, Match, MatchRecords, MatchRole
from bot.services.settings import SettingsService

# Discord de-duplicates a message nonce for "the past few minutes": within this window a
# prompt claimed by a sender that stopped can be sent again without risking a duplicate.
ORPHAN_RETRY_WINDOW = timedelta(minutes=2)

# A pair of a closed cohort is not asked any more.
_RUNNING = cohort_running_sql("m.cohort_id")
# Discord did not answer while a prompt's place was being looked up (a server error, a
# timeout): nothing was sent, so it is offered again after each of these delays in turn, over
# about a day; when the last retry fails too, it is given up (recorded as unreachable) and the
# directors are told once. An outage that long is not going to end on the next try.
FOLLOWUP_RETRY_DELAYS: tuple[timedelta, ...] = (
    timedelta(minutes=10),
    timedelta(minutes=30),
    timedelta(hours=2),
    timedelta(hours=6),
    timedelta(hours=16),
)
FOLLOWUP_RETRY_AFTER = FOLLOWUP_RETRY_DELAYS[0]


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


Settled = Literal["met", "need_help", "not_met"]
"""Why a pair is asked no more: they have met, or a director was already called in."""


@dataclass(frozen=True)
class FollowupResult:
    outcome: Literal["recorded", "already_answered", "match_ended"]
    answer: FollowupAnswer | None
    """The answer now on record (for `already_answered`, the earlier one)."""
    match: Match
    next_round_due: datetime | None = None
    newly_flagged: FlagReason | None = None
    settled: Settled | None = None
    """A "Not yet" that changes nothing: the pair was already settled, and why."""
    settled_by_partner: bool = False
    """The partner's own answer settled it (they said Yes, or asked for help)."""


class MatchFollowups(MatchRecords):
    """Follow-ups are claimed per run (`run_id`), so a restart can tell its own from orphans."""

    def __init__(
        self,
        db: Database,
        clock: Clock,
        settings: SettingsService,
        director_log: DirectorLog | None = None,
        audit: AuditService | None = None,
    ) -> None:
        super().__init__(db)
        self._clock = clock
        self._settings = settings
        self._director_log = director_log or DirectorLog(db, clock)
        self._audit_log = audit or AuditService(db, clock)
        # Tells this run's follow-up claims from those of a run that stopped mid-send.
        self.run_id = uuid.uuid4().hex

    async def _audit(
        self,
        guild_id: int,
        actor_id: int,
        action: AuditAction,
        target_id: int,
        detail: str,
        now: datetime,
    ) -> None:
        await self._audit_log.record(
            guild_id, actor_id, action, target_id=target_id, detail=detail, at=now
        )

    async def next_followup_due(self) -> datetime | None:
        """When the earliest unclaimed follow-up of a pair still waiting to meet is due."""
        due: str | None = await self._db.fetchval(
            "SELECT MIN(f.due_at) FROM match_followups f JOIN matches m ON m.id = f.match_id "  # noqa: S608
            "WHERE f.claimed_at IS NULL AND m.status = 'active' AND m.intro_thread_id IS NOT NULL "
            f"AND m.met_at IS NULL AND m.flagged_at IS NULL AND {_RUNNING}"
        )
        return from_db(due)

    async def followup_due_of(self, match_id: int) -> datetime | None:
        due: str | None = await self._db.fetchval(
            "SELECT MIN(due_at) FROM match_followups WHERE match_id = ? AND claimed_at IS NULL",
            (match_id,),
        )
        return from_db(due)

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
        stamp = to_db(self._clock.now())  # when this sender took it, for the orphan window
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
                claimed = from_db(row["claimed_at"])
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
                "SELECT f.*, m.guild_id, m.mentee_id, m.mentor_id, m.intro_thread_id "  # noqa: S608
                "FROM match_followups f JOIN matches m ON m.id = f.match_id "
                "WHERE f.claimed_at IS NULL AND f.due_at <= ? AND m.status = 'active' "
                "AND m.intro_thread_id IS NOT NULL AND m.met_at IS NULL AND m.flagged_at IS NULL "
                f"AND {_RUNNING} ORDER BY f.due_at, f.match_id, f.member_id LIMIT ?",
                (to_db(now), -1 if limit is None else limit),
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
        sent_at = None if delivery == "unreachable" else to_db(self._clock.now())
        await self._db.execute(
            "UPDATE match_followups SET delivery = ?, sent_at = ? "
            "WHERE match_id = ? AND member_id = ? AND round = ? AND claimed_by = ?",
            (delivery, sent_at, prompt.match_id, prompt.member_id, prompt.round, self.run_id),
        )

    async def retry_followup_later(self, prompt: FollowupPrompt) -> datetime | None:
        """Give back a claimed prompt that was not sent because Discord did not answer: a
        server error says nothing about the member or the thread, so it is not recorded as
        unreachable but offered again after the next of `FOLLOWUP_RETRY_DELAYS`. Returns when,
        or None once they are used up: then it is recorded as unreachable and the directors
        are told (in the same transaction, so exactly once)."""
        now = self._clock.now()
        key = (prompt.match_id, prompt.member_id, prompt.round, self.run_id)
        async with self._db.transaction():
            attempts: int | None = await self._db.fetchval(
                "SELECT attempts FROM match_followups "
                "WHERE match_id = ? AND member_id = ? AND round = ? AND claimed_by = ? "
                "AND sent_at IS NULL AND delivery IS NULL",
                key,
            )
            if attempts is None:  # sent, recorded or claimed by another run meanwhile
                return None
            if attempts < len(FOLLOWUP_RETRY_DELAYS):
                due = now + FOLLOWUP_RETRY_DELAYS[attempts]
                await self._db.execute(
                    "UPDATE match_followups SET claimed_at = NULL, claimed_by = NULL, "
                    "due_at = ?, attempts = attempts + 1 "
                    "WHERE match_id = ? AND member_id = ? AND round = ? AND claimed_by = ?",
                    (to_db(due), *key),
                )
                return due
            await self._db.execute(
                "UPDATE match_followups SET delivery = 'unreachable' "
                "WHERE match_id = ? AND member_id = ? AND round = ? AND claimed_by = ?",
                key,
            )
            await self._director_log.record(
                prompt.guild_id,
                followup_given_up(prompt.member_id, prompt.partner_id, prompt.role),
            )
        return None

    async def answer_followup(
        self, match_id: int, round_: int, member_id: int, answer: FollowupAnswer
    ) -> FollowupResult:
        """Record a member's answer; "Need help" or a second round of "Not yet" flags the
        pair, a first "Not yet" asks both again after the same delay."""
        match = await self._require(match_id)
        if member_id not in (match.mentee_id, match.mentor_id):
            raise UserError(_("This question was meant for someone else."))
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
                raise UserError(_("This question was meant for your partner, not for you."))
            if not match.active:
                return FollowupResult("match_ended", row["answer"], match)
            if row["answer"] is not None:
                return FollowupResult("already_answered", row["answer"], match)
            await self._db.execute(
                "UPDATE match_followups SET answer = ?, answered_at = ? "
                "WHERE match_id = ? AND member_id = ? AND round = ?",
                (answer, to_db(now), match_id, member_id, round_),
            )
            flag: FlagReason | None = None
            next_due: datetime | None = None
            settled: Settled | None = None
            by_partner = False
            if answer == "yes":
                await self._db.execute(
                    "UPDATE matches SET met_at = COALESCE(met_at, ?) WHERE id = ?",
                    (to_db(now), match_id),
                )
            elif answer == "need_help":
                flag = "need_help"
            elif match.met_at is not None or match.flagged_at is not None:
                settled, by_partner = await self._settled(match, member_id)
            else:
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
                            (match_id, member, round_ + 1, to_db(next_due))
                            for member in (match.mentee_id, match.mentor_id)
                        ],
                    )
                    next_due = from_db(
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
                    (to_db(now), flag, match_id),
                )
                await self._audit(
                    match.guild_id,
                    member_id,
                    AuditAction.MATCH_FLAG,
                    match.mentee_id,
                    f"match {match_id} mentor {match.mentor_id} reason {flag}",
                    now,
                )
                await self._director_log.record(
                    match.guild_id, pair_flagged(match.mentee_id, match.mentor_id, flag)
                )
                newly = flag
            updated = await self._require(match_id)
        return FollowupResult("recorded", answer, updated, next_due, newly, settled, by_partner)

    async def _settled(self, match: Match, member_id: int) -> tuple[Settled, bool]:
        """Why a settled pair is asked no more, and whether the partner's answer did it."""
        reason: Settled
        if match.met_at is not None:
            reason, settling_answer = "met", "yes"
        elif match.flag_reason == "need_help":
            reason, settling_answer = "need_help", "need_help"
        else:
            return "not_met", False
        by_partner = await self._db.fetchval(
            "SELECT 1 FROM match_followups WHERE match_id = ? AND member_id = ? AND answer = ?",
            (match.id, match.partner_of(member_id), settling_answer),
        )
        return reason, bool(by_partner)


def followup_given_up(member_id: int, partner_id: int, role: MatchRole) -> Text:
    """The director-log line for a follow-up Discord kept failing for: nobody asked that
    member any more, so a director may want to check on the pair themselves."""
    pair = {"member": mention(member_id), "partner": mention(partner_id)}
    if role == "mentee":
        return N_(
            '⚠️ I couldn\'t ask {member} (mentee) "Have you met yet?" about their match with '
            "{partner}: Discord kept failing for about a day, so I stopped trying. You may want "
            "to check on the pair yourself.",
            **pair,
        )
    return N_(
        '⚠️ I couldn\'t ask {member} (mentor) "Have you met yet?" about their match with '
        "{partner}: Discord kept failing for about a day, so I stopped trying. You may want "
        "to check on the pair yourself.",
        **pair,
    )


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
