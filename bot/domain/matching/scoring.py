"""Matching rules: how well a mentor fits a mentee, and who should mentor whom.

A score has three parts, each in [0, 1]:

* **area overlap** — of everything the mentee wants help with (interest areas and goal
  areas), the share the mentor has expertise in;
* **time-zone closeness** — ``1 - hours_apart / 12``, with the offsets taken at the
  instant the match is made, so daylight saving is honoured;
* **remaining capacity** — the share of the mentor's places still free, so load spreads.

The total is their weighted mean. A :class:`Score` keeps the raw numbers the parts are
computed from, and :func:`explain` renders those same numbers, so the reason a director
reads can never disagree with the score that ranked the suggestion.

Policies:

* The mentee themself, a mentor with no free place, and a pair matched before in an
  earlier cohort are never suggested nor assigned (PRODUCT §3C: suggestions *avoid* pairs
  matched before; a director who wants such a pair anyway uses ``/match create``).
* :func:`suggest` raises :class:`MenteeAlreadyMatchedError` for a mentee who already has
  an active mentor, so the caller can say so instead of showing an empty list that would
  read as "no mentor fits".
* :func:`assign` skips such mentees and reports them in
  :attr:`Assignment.already_matched`.
* In a cohort-wide assignment a mentor's places fill one after another: the *k*-th mentee
  given to a mentor is scored with *k* more places taken. Each pair's score is therefore
  the one :func:`suggest` would show at the moment that pair is introduced, and spreading
  mentees across mentors is rewarded rather than piling them onto the emptiest one.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from bot.domain import wallclock
from bot.i18n import _, n_

MAX_HOURS_APART = 12.0
"""Offsets are compared round the clock, so two zones are never more than 12 h apart."""


class MenteeAlreadyMatchedError(ValueError):
    """The mentee already has an active mentor; PRODUCT §3C allows at most one."""

    def __init__(self, mentee_id: int) -> None:
        super().__init__(f"mentee {mentee_id} already has an active mentor")
        self.mentee_id = mentee_id


def _check_timezone(name: str) -> None:
    if not wallclock.is_timezone(name):
        raise ValueError(f"unknown time zone {name!r}")


@dataclass(frozen=True, kw_only=True)
class MenteeProfile:
    """What matching needs to know about a mentee."""

    member_id: int
    display_name: str
    areas: frozenset[str]
    goal_areas: frozenset[str] = frozenset()
    timezone: str

    def __post_init__(self) -> None:
        _check_timezone(self.timezone)

    @property
    def interests(self) -> frozenset[str]:
        """Everything the mentee wants help with: interest areas and goal areas."""
        return self.areas | self.goal_areas


@dataclass(frozen=True, kw_only=True)
class MentorProfile:
    """What matching needs to know about a mentor; ``areas`` is their expertise."""

    member_id: int
    display_name: str
    areas: frozenset[str]
    timezone: str
    capacity: int
    active_mentees: int

    def __post_init__(self) -> None:
        _check_timezone(self.timezone)
        if self.capacity < 0:
            raise ValueError(f"capacity must be >= 0, got {self.capacity}")
        if self.active_mentees < 0:
            raise ValueError(f"active_mentees must be >= 0, got {self.active_mentees}")

    @property
    def remaining_places(self) -> int:
        """Free places; 0 when a lowered capacity leaves the mentor over-full."""
        return max(0, self.capacity - self.active_mentees)


@dataclass(frozen=True)
class MatchWeights:
    """Relative importance of the three score parts; only their ratios matter."""

    area: float = 3.0
    timezone: float = 1.0
    capacity: float = 1.0

    def __post_init__(self) -> None:
        for name in ("area", "timezone", "capacity"):
            value = getattr(self, name)
            if not math.isfinite(value) or value < 0:
                raise ValueError(f"weight {name} must be a finite number >= 0, got {value}")
        if self.total == 0:
            raise ValueError("at least one weight must be above 0")

    @property
    def total(self) -> float:
        return self.area + self.timezone + self.capacity

    @property
    def shares(self) -> tuple[float, float, float]:
        """Each weight's share of the total (area, timezone, capacity), summing to 1.

        Scores use the shares, not the raw weights: multiplying a tiny weight by a part
        first can underflow to 0 (5e-324 × 0.5), which would rank pairs wrongly.
        """
        total = self.total
        return (self.area / total, self.timezone / total, self.capacity / total)


def _utc_offset_seconds(tz_name: str, at: datetime) -> float:
    offset = at.astimezone(wallclock.zone(tz_name)).utcoffset()
    if offset is None:  # pragma: no cover - a ZoneInfo always yields an offset
        raise ValueError(f"no UTC offset for {tz_name!r}")
    return offset.total_seconds()


def _wrap_hours(offset_a_seconds: float, offset_b_seconds: float) -> float:
    hours = abs(offset_a_seconds - offset_b_seconds) / 3600 % 24
    return min(hours, 24 - hours)


def _require_aware(at: datetime) -> None:
    if at.tzinfo is None or at.utcoffset() is None:
        raise ValueError("the instant must be timezone-aware")


def tz_distance_hours(tz_a: str, tz_b: str, at: datetime) -> float:
    """Hours between the two zones' UTC offsets at the instant ``at``, at most 12.

    Offsets are read at that instant so a daylight-saving switch on only one side counts
    (London–New York is 4 h, not 5, for a few weeks a year). The difference wraps round
    the clock: +14 and −11 are 1 h apart, not 25.
    """
    _require_aware(at)
    _check_timezone(tz_a)
    _check_timezone(tz_b)
    return _wrap_hours(_utc_offset_seconds(tz_a, at), _utc_offset_seconds(tz_b, at))


def _sorted_areas(areas: Iterable[str]) -> tuple[str, ...]:
    return tuple(sorted(areas, key=lambda name: (name.casefold(), name)))


@dataclass(frozen=True)
class Score:
    """How well one mentor fits one mentee, with the raw numbers behind it.

    The parts and the total are derived from the raw numbers here and nowhere else, so
    :func:`explain` (which reads the raw numbers) always agrees with the ranking.
    """

    mentee_id: int
    mentor_id: int
    weights: MatchWeights
    shared_areas: tuple[str, ...]
    """Areas the mentee wants help with and the mentor knows, sorted case-insensitively."""
    interest_count: int
    """How many areas the mentee wants help with (interest areas ∪ goal areas)."""
    hours_apart: float
    places_taken: int
    capacity: int
    area_overlap: float = field(init=False)
    timezone_closeness: float = field(init=False)
    remaining_capacity: float = field(init=False)
    total: float = field(init=False)

    def __post_init__(self) -> None:
        if len(self.shared_areas) > self.interest_count:
            raise ValueError("shared areas cannot outnumber the mentee's areas")
        if not 0 <= self.hours_apart <= MAX_HOURS_APART:
            raise ValueError(f"hours apart must be within [0, 12], got {self.hours_apart}")
        area = len(self.shared_areas) / self.interest_count if self.interest_count else 0.0
        closeness = 1 - self.hours_apart / MAX_HOURS_APART
        room = (
            max(0, self.capacity - self.places_taken) / self.capacity if self.capacity > 0 else 0.0
        )
        w_area, w_timezone, w_capacity = self.weights.shares
        weighted = w_area * area + w_timezone * closeness + w_capacity * room
        total = min(1.0, max(0.0, weighted))
        object.__setattr__(self, "area_overlap", area)
        object.__setattr__(self, "timezone_closeness", closeness)
        object.__setattr__(self, "remaining_capacity", room)
        object.__setattr__(self, "total", total)


def _format_hours(hours: float) -> str:
    return f"{round(hours, 2):g}"


def explain(result: Score) -> str:
    """The reasons behind a score, e.g. ``shares Leadership, Product · 1 h apart · 1 of 3
    places taken``; built only from the numbers stored in the score."""
    shared = _(", ").join(result.shared_areas)
    areas = _("shares {areas}", areas=shared) if shared else _("no shared areas")
    hours = _format_hours(result.hours_apart)
    distance = _("same time zone") if hours == "0" else _("{hours} h apart", hours=hours)
    places = n_(
        "{taken} of {count} place taken",
        "{taken} of {count} places taken",
        result.capacity,
        taken=result.places_taken,
    )
    return " · ".join((areas, distance, places))


def _score_parts(
    mentee: MenteeProfile,
    mentor: MentorProfile,
    weights: MatchWeights,
    hours_apart: float,
    places_taken: int,
) -> Score:
    interests = mentee.interests
    return Score(
        mentee_id=mentee.member_id,
        mentor_id=mentor.member_id,
        weights=weights,
        shared_areas=_sorted_areas(interests & mentor.areas),
        interest_count=len(interests),
        hours_apart=hours_apart,
        places_taken=places_taken,
        capacity=mentor.capacity,
    )


def score(
    mentee: MenteeProfile, mentor: MentorProfile, weights: MatchWeights, at: datetime
) -> Score:
    """Score the pair as it stands at the instant ``at``."""
    hours = tz_distance_hours(mentee.timezone, mentor.timezone, at)
    return _score_parts(mentee, mentor, weights, hours, mentor.active_mentees)


@dataclass(frozen=True)
class Suggestion:
    """A mentor proposed for a mentee, with the score that ranked it."""

    mentor: MentorProfile
    score: Score

    @property
    def explanation(self) -> str:
        return explain(self.score)


def _check_unique(ids: Iterable[int], what: str) -> None:
    seen: set[int] = set()
    for member_id in ids:
        if member_id in seen:
            raise ValueError(f"{what} {member_id} is listed twice")
        seen.add(member_id)


def _allowed(
    mentee: MenteeProfile, mentor: MentorProfile, past_pairs: frozenset[tuple[int, int]]
) -> bool:
    return (
        mentee.member_id != mentor.member_id
        and (mentee.member_id, mentor.member_id) not in past_pairs
    )


def suggest(
    mentee: MenteeProfile,
    mentors: Sequence[MentorProfile],
    weights: MatchWeights,
    at: datetime,
    *,
    past_pairs: frozenset[tuple[int, int]],
    matched_mentees: frozenset[int],
    limit: int = 5,
) -> list[Suggestion]:
    """The best mentors for ``mentee``, best first, at most ``limit`` of them.

    Never the mentee themself, a mentor with no free place, or a pair matched before.
    Order: total score, then more free places, then lower mentor id — so equal scores
    always come out the same way whatever order ``mentors`` is in.

    Raises :class:`MenteeAlreadyMatchedError` if the mentee already has an active mentor.
    """
    if limit < 0:
        raise ValueError(f"limit must be >= 0, got {limit}")
    _require_aware(at)
    _check_unique((m.member_id for m in mentors), "mentor")
    if mentee.member_id in matched_mentees:
        raise MenteeAlreadyMatchedError(mentee.member_id)
    candidates = [
        Suggestion(mentor=m, score=score(mentee, m, weights, at))
        for m in mentors
        if m.remaining_places > 0 and _allowed(mentee, m, past_pairs)
    ]
    candidates.sort(key=lambda s: (-s.score.total, -s.mentor.remaining_places, s.mentor.member_id))
    return candidates[:limit]
