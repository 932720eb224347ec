"""What a director sees about a cohort: every figure of `/cohort status`, defined once.

The figures are computed in SQL by `bot.services.cohort_status` and shown by the embed, the
chart and the CSV export, which all read the one `CohortStatus` object defined here. The
definitions below are the contract: the service's queries implement them and the unit tests
check them on a cohort whose answers are worked out by hand.

Directors see numbers and statuses only (PRODUCT §5): nothing here has a field that could
hold words a member wrote — ids, counts, statuses and dates.

**The moment of the report** (`as_of`): now for the open cohort; for a closed cohort the
moment it closed, so a past cohort's report does not change as time goes by.

**The cohort's people** (the population every figure counts in): the members enrolled in the
cohort who are still in the server; for the open cohort also the server's members who have
not finished sign-up and are in no cohort yet (they join it when they finish).

**A match counts for the cohort** when it was made in the cohort, or before any cohort was
open (such pairs carry on into the first cohort). A match is **active at `as_of`** when it
was made by then, its introduction thread was created, and it had not ended by then.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Final, Literal

from bot.domain.cohorts import Cohort
from bot.i18n import _, n_

__all__ = [
    "ACTIVE_WINDOW",
    "NOT_MET_AFTER",
    "NO_SESSION_AFTER",
    "RESPONSE_WINDOW",
    "TREND_STEADY_POINTS",
    "AtRisk",
    "CohortStatus",
    "Funnel",
    "MemberFilter",
    "MemberPage",
    "MemberRow",
    "MemberStatus",
    "Ratio",
    "RiskReason",
    "Role",
    "Trend",
    "Week",
    "report_moment",
    "week_starts",
]

Role = Literal["mentee", "mentor"]
MemberStatus = Literal["joined", "onboarding", "onboarded"]
Trend = Literal["up", "down", "steady"]

RESPONSE_WINDOW: Final = timedelta(days=28)
""""The last 4 weeks" of check-ins: prompts due in [as_of − 28 days, as_of)."""
ACTIVE_WINDOW: Final = timedelta(days=30)
""""The last 30 days" of sessions: dated in the 30 days ending on `as_of`'s date."""
NOT_MET_AFTER: Final = timedelta(days=14)
"""A pair introduced this long ago that has not met is at risk."""
NO_SESSION_AFTER: Final = timedelta(days=30)
"""A pair with no session dated in this long (and introduced at least this long ago)."""
TREND_STEADY_POINTS: Final = 5
"""A response rate that moved by fewer percentage points than this is "steady"."""


def report_moment(cohort: Cohort, now: datetime) -> datetime:
    """`as_of`: now for an open cohort, the moment it closed for a closed one."""
    if cohort.closed_at is not None and not cohort.is_open:
        return min(now, cohort.closed_at)
    return now


def week_starts(starts_on: date, last_day: date) -> tuple[date, ...]:
    """The first day of each cohort week (week 1 starts on the cohort's start date) that has
    begun by `last_day`; none when the cohort has not started."""
    if last_day < starts_on:
        return ()
    count = (last_day - starts_on).days // 7 + 1
    return tuple(starts_on + timedelta(days=7 * n) for n in range(count))


@dataclass(frozen=True, slots=True)
class Ratio:
    """`part` of `whole`; no value when `whole` is 0 (nothing to rate is not 0 %)."""

    part: int
    whole: int

    @property
    def value(self) -> float | None:
        return None if self.whole == 0 else self.part / self.whole

    @property
    def percent(self) -> int | None:
        """Rounded half up, so 2 of 8 reads 25 % and 1 of 8 reads 13 %."""
        return None if self.whole == 0 else (200 * self.part + self.whole) // (2 * self.whole)


@dataclass(frozen=True, slots=True)
class Funnel:
    """How far the cohort's people got; each stage is a subset of the one before.

    * `joined`: the cohort's people (see the module docstring).
    * `onboarded`: of those, sign-up finished.
    * `matched`: onboarded mentees with a match that counts for the cohort, made by
      `as_of`, whatever happened to it since. From here on the stages count mentees (one per
      pair); mentors are counted in members by role and mentor capacity.
    * `introduced`: of those, the match's introduction thread was created.
    * `met`: of those, the pair said "Yes, we met" by `as_of`, or logged a session dated by
      then.
    * `active`: of those, a session of theirs is dated in the last 30 days.
    """

    joined: int
    onboarded: int
    matched: int
    introduced: int
    met: int
    active: int

    def stages(self) -> tuple[tuple[str, int], ...]:
        return (
            ("joined", self.joined),
            ("onboarded", self.onboarded),
            ("matched", self.matched),
            ("introduced", self.introduced),
            ("met", self.met),
            ("active", self.active),
        )


class RiskReason(StrEnum):
    """Why a mentee is at risk, in priority order: a mentee is listed once, with the first
    reason that holds.

    * `missed_checkins`: the check-in rules flagged two missed check-ins in a row.
    * `stuck_twice`: the check-in rules flagged the same goal marked stuck twice.
    * `not_met`: their active match was introduced 14 days or more ago, the pair has not
      said they met and has logged no session.
    * `no_session`: their active match was introduced 30 days or more ago and no session of
      theirs is dated in the last 30 days.
    """

    MISSED_CHECKINS = "missed_checkins"
    STUCK_TWICE = "stuck_twice"
    NOT_MET = "not_met"
    NO_SESSION = "no_session"

    @property
    def priority(self) -> int:
        return list(RiskReason).index(self)


@dataclass(frozen=True, slots=True)
class AtRisk:
    """An at-risk mentee. `days`: for `not_met`, days since the introduction; for
    `no_session`, days since their last session (or since the introduction, if none)."""

    user_id: int
    reason: RiskReason
    days: int | None = None

    @property
    def label(self) -> str:
        """The reason as directors read it, in the current language (their server's)."""
        if self.reason is RiskReason.MISSED_CHECKINS:
            return _("missed 2 check-ins")
        if self.reason is RiskReason.STUCK_TWICE:
            return _("stuck twice on the same goal")
        days = self.days if self.days is not None else NO_SESSION_AFTER.days
        if self.reason is RiskReason.NOT_MET:
            return n_(
                "introduced {count} day ago, not met", "introduced {count} days ago, not met", days
            )
        return n_("no session in {count} day", "no session in {count} days", days)


@dataclass(frozen=True, slots=True)
class Week:
    """One cohort week (`starts_on` and the 6 days after, UTC days).

    * `asked` / `answered`: check-in prompts due that week, counted as for the response rate.
    * `sessions` / `minutes`: sessions counted as for the cohort, dated that week.
    """

    starts_on: date
    asked: int
    answered: int
    sessions: int
    minutes: int

    @property
    def response(self) -> Ratio:
        return Ratio(self.answered, self.asked)


@dataclass(frozen=True, slots=True)
class CohortStatus:
    """Every figure of `/cohort status` at `as_of`.

    * `funnel`: see `Funnel`.
    * `mentees`, `mentors`: the cohort's people who finished sign-up, by role.
      `not_onboarded`: the cohort's people who have not (joined minus onboarded).
    * `matched_mentees` / `unmatched_mentees`: onboarded mentees with / without a match
      active at `as_of`.
    * `capacity`: of the mentor places the cohort's onboarded mentors offer (their
      capacity; 1 when unset, as matching counts it), how many their matches active at
      `as_of` take.
    * `response`: the check-in response rate of the last 4 weeks: of the prompts due in
      [as_of − 28 days, as_of) to the cohort's onboarded mentees that were sent and are
      settled (answered or missed), how many were answered. A prompt still waiting for its
      answer is not counted yet; one the bot could not send, or recorded missed without
      sending (it was down), says nothing about the mentee and is not counted; a
      `/checkin now` prompt counts when answered. `response_before`: the same for the 4
      weeks before that; `trend` compares the two.
    * `sessions_30d`, `minutes_30d`: sessions of the cohort's pairs dated in the last 30
      days, and their length. `sessions_total`, `minutes_total`: all dated by `as_of`.
      A session counts for the cohort when its mentee is one of the cohort's people and its
      match counts for the cohort.
    * `rematch_asked`: the cohort's onboarded mentees who, by `as_of`, asked for another
      mentor after answering the fit question about a match that counts for the cohort.
    * `at_risk`: the open cohort's onboarded mentees with a `RiskReason`, one reason each,
      most urgent first; empty for a closed cohort (risk is about what happens next).
    * `weeks`: one `Week` per cohort week begun by `as_of`.
    """

    cohort: Cohort
    as_of: datetime
    funnel: Funnel
    mentees: int
    mentors: int
    not_onboarded: int
    matched_mentees: int
    unmatched_mentees: int
    capacity: Ratio
    response: Ratio
    response_before: Ratio
    sessions_30d: int
    minutes_30d: int
    sessions_total: int
    minutes_total: int
    rematch_asked: int
    at_risk: tuple[AtRisk, ...] = field(default=())
    weeks: tuple[Week, ...] = field(default=())

    @property
    def trend(self) -> Trend | None:
        """ "up" or "down" when the last 4 weeks' rate moved by `TREND_STEADY_POINTS` or more
        from the 4 weeks before, "steady" otherwise; None when either has nothing to rate."""
        now, before = self.response, self.response_before
        if now.whole == 0 or before.whole == 0:
            return None
        # In whole numbers, so 19 of 20 against 9 of 10 is exactly 5 points, not 4.99….
        moved = 100 * (now.part * before.whole - before.part * now.whole)
        if abs(moved) < TREND_STEADY_POINTS * now.whole * before.whole:
            return "steady"
        return "up" if moved > 0 else "down"

    @property
    def hours_30d(self) -> float:
        return self.minutes_30d / 60

    @property
    def hours_total(self) -> float:
        return self.minutes_total / 60


class MemberFilter(StrEnum):
    """The lists of `/cohort members`, over the cohort's people.

    * `all`: everyone.
    * `not_onboarded`: sign-up not finished.
    * `unmatched`: onboarded mentees without a match active at `as_of`.
    * `at_risk`: the at-risk mentees, most urgent first (as in the status).
    * `mentors_with_capacity`: onboarded mentors whose active matches take fewer places than
      they offer.
    * `rematch_asked`: mentees who asked for another mentor.
    """

    ALL = "all"
    NOT_ONBOARDED = "not_onboarded"
    UNMATCHED = "unmatched"
    AT_RISK = "at_risk"
    MENTORS_WITH_CAPACITY = "mentors_with_capacity"
    REMATCH_ASKED = "rematch_asked"

    @property
    def label(self) -> str:
        """The list's name in the current language (English when the commands are declared:
        Discord gets the Chinese choice names through the command translator)."""
        if self is MemberFilter.NOT_ONBOARDED:
            return _("Not onboarded")
        if self is MemberFilter.UNMATCHED:
            return _("Unmatched mentees")
        if self is MemberFilter.AT_RISK:
            return _("At risk")
        if self is MemberFilter.MENTORS_WITH_CAPACITY:
            return _("Mentors with capacity")
        if self is MemberFilter.REMATCH_ASKED:
            return _("Re-match asked")
        return _("Everyone")


@dataclass(frozen=True, slots=True)
class MemberRow:
    """One of the cohort's people, as directors may see them (numbers and statuses).

    * `enrolled`: in the cohort (False: waiting to finish sign-up for the open cohort).
    * `mentor_id`: a mentee's mentor in their match active at `as_of`.
    * `mentees`, `capacity`: a mentor's matches active at `as_of`, and places offered.
    * `met`: a mentee whose pair met (as in the funnel).
    * `sessions`, `minutes`, `last_session_on`: sessions counted for the cohort in which the
      member took part (either side), dated by `as_of`.
    * `checkins_answered` / `checkins_asked`: the member's part of the 4-week response rate.
    * `at_risk`: as in the status. `rematch_asked`: as in the status.
    """

    user_id: int
    role: Role | None
    status: MemberStatus
    enrolled: bool
    mentor_id: int | None
    mentees: int
    capacity: int | None
    met: bool
    sessions: int
    minutes: int
    last_session_on: date | None
    checkins_answered: int
    checkins_asked: int
    at_risk: AtRisk | None
    rematch_asked: bool


@dataclass(frozen=True, slots=True)
class MemberPage:
    """One page of a `/cohort members` list: `rows` are `offset` … `offset + limit` of
    `total`."""

    filter: MemberFilter
    offset: int
    limit: int
    total: int
    rows: tuple[MemberRow, ...]

    @property
    def has_previous(self) -> bool:
        return self.offset > 0

    @property
    def has_next(self) -> bool:
        return self.offset + len(self.rows) < self.total
