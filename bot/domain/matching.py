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

import heapq
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from bot.domain import wallclock

__all__ = [
    "AssignedPair",
    "Assignment",
    "MatchWeights",
    "MenteeAlreadyMatchedError",
    "MenteeProfile",
    "MentorProfile",
    "Score",
    "Suggestion",
    "assign",
    "explain",
    "greedy_assign",
    "score",
    "suggest",
    "tz_distance_hours",
]

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
    shared = ", ".join(result.shared_areas)
    areas = f"shares {shared}" if shared else "no shared areas"
    hours = _format_hours(result.hours_apart)
    distance = "same time zone" if hours == "0" else f"{hours} h apart"
    noun = "place" if result.capacity == 1 else "places"
    places = f"{result.places_taken} of {result.capacity} {noun} taken"
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


@dataclass(frozen=True)
class AssignedPair:
    mentee: MenteeProfile
    mentor: MentorProfile
    score: Score
    """Scored with the places the mentor has taken by the time this pair is introduced."""


@dataclass(frozen=True)
class Assignment:
    """A cohort-wide matching proposal."""

    pairs: tuple[AssignedPair, ...]
    """Sorted by mentee id."""
    unassigned: tuple[MenteeProfile, ...]
    """Mentees without a mentor who could not be given one, sorted by member id."""
    already_matched: tuple[int, ...]
    """Ids of mentees skipped because they already have an active mentor, sorted."""

    @property
    def total(self) -> float:
        return math.fsum(pair.score.total for pair in self.pairs)


@dataclass(frozen=True)
class _Cohort:
    """The validated, id-sorted inputs both assignment methods work from."""

    mentees: tuple[MenteeProfile, ...]
    mentors: tuple[MentorProfile, ...]
    already_matched: tuple[int, ...]
    hours: dict[tuple[int, int], float]
    """Hours apart for every allowed (mentee index, mentor index) pair."""
    weights: MatchWeights

    def pair_score(self, i: int, j: int, extra_taken: int) -> Score:
        mentor = self.mentors[j]
        return _score_parts(
            self.mentees[i],
            mentor,
            self.weights,
            self.hours[i, j],
            mentor.active_mentees + extra_taken,
        )


def _prepare(
    mentees: Sequence[MenteeProfile],
    mentors: Sequence[MentorProfile],
    weights: MatchWeights,
    at: datetime,
    past_pairs: frozenset[tuple[int, int]],
    matched_mentees: frozenset[int],
) -> _Cohort:
    _require_aware(at)
    _check_unique((m.member_id for m in mentees), "mentee")
    _check_unique((m.member_id for m in mentors), "mentor")
    waiting = tuple(
        sorted(
            (m for m in mentees if m.member_id not in matched_mentees),
            key=lambda m: m.member_id,
        )
    )
    skipped = tuple(sorted(m.member_id for m in mentees if m.member_id in matched_mentees))
    open_mentors = tuple(
        sorted((m for m in mentors if m.remaining_places > 0), key=lambda m: m.member_id)
    )
    offsets = {
        name: _utc_offset_seconds(name, at)
        for name in {m.timezone for m in waiting} | {m.timezone for m in open_mentors}
    }
    hours = {
        (i, j): _wrap_hours(offsets[mentee.timezone], offsets[mentor.timezone])
        for i, mentee in enumerate(waiting)
        for j, mentor in enumerate(open_mentors)
        if _allowed(mentee, mentor, past_pairs)
    }
    return _Cohort(waiting, open_mentors, skipped, hours, weights)


def _build(cohort: _Cohort, chosen: dict[int, int]) -> Assignment:
    """Turn a mentee-index → mentor-index choice into an :class:`Assignment`.

    A mentor's places are numbered in mentee-id order; the sum of a mentor's pair scores
    depends only on how many mentees it gets, so the numbering never changes the total.
    """
    filled = [0] * len(cohort.mentors)
    pairs: list[AssignedPair] = []
    for i in sorted(chosen):
        j = chosen[i]
        pairs.append(
            AssignedPair(
                mentee=cohort.mentees[i],
                mentor=cohort.mentors[j],
                score=cohort.pair_score(i, j, filled[j]),
            )
        )
        filled[j] += 1
    unassigned = tuple(m for i, m in enumerate(cohort.mentees) if i not in chosen)
    return Assignment(tuple(pairs), unassigned, cohort.already_matched)


def _min_cost_assignment(cost: list[list[float]]) -> list[int]:
    """Column for each row minimising the total cost; needs rows <= columns.

    Shortest augmenting paths with row/column potentials (Hungarian method in the
    Jonker–Volgenant form), O(rows² · columns).
    """
    n = len(cost)
    m = len(cost[0]) if n else 0
    if n > m:
        raise ValueError("more rows than columns")
    inf = math.inf
    u = [0.0] * (n + 1)
    v = [0.0] * (m + 1)
    owner = [0] * (m + 1)  # owner[j]: 1-based row matched to column j, 0 when free
    way = [0] * (m + 1)
    for i in range(1, n + 1):
        owner[0] = i
        j0 = 0
        minv = [inf] * (m + 1)
        free = list(range(1, m + 1))
        visited = [0]
        while True:
            i0 = owner[j0]
            row = cost[i0 - 1]
            ui0 = u[i0]
            delta = inf
            j1 = 0
            for j in free:
                cur = row[j - 1] - ui0 - v[j]
                if cur < minv[j]:
                    minv[j] = cur
                    way[j] = j0
                if minv[j] < delta:
                    delta = minv[j]
                    j1 = j
            for j in visited:
                u[owner[j]] += delta
                v[j] -= delta
            for j in free:
                minv[j] -= delta
            free.remove(j1)
            visited.append(j1)
            j0 = j1
            if owner[j0] == 0:
                break
        while j0:
            j1 = way[j0]
            owner[j0] = owner[j1]
            j0 = j1
    result = [0] * n
    for j in range(1, m + 1):
        if owner[j]:
            result[owner[j] - 1] = j - 1
    return result


def assign(
    mentees: Sequence[MenteeProfile],
    mentors: Sequence[MentorProfile],
    weights: MatchWeights,
    at: datetime,
    *,
    past_pairs: frozenset[tuple[int, int]],
    matched_mentees: frozenset[int],
) -> Assignment:
    """The cohort-wide assignment with the highest total score.

    Each mentor is expanded into one slot per free place (the *k*-th slot scored with *k*
    more places taken) and the mentee × slot assignment problem is solved exactly.
    Forbidden pairs (self, matched before) are worth 0 in the matrix and dropped from the
    result, which cannot lower the optimum because every allowed pair is worth >= 0.
    Inputs are sorted by member id first, so the result does not depend on list order.
    """
    cohort = _prepare(mentees, mentors, weights, at, past_pairs, matched_mentees)
    slots = [
        (j, k) for j, mentor in enumerate(cohort.mentors) for k in range(mentor.remaining_places)
    ]
    n = len(cohort.mentees)
    if not n or not slots:
        return _build(cohort, {})
    base: dict[tuple[int, int], float] = {}
    for i, j in cohort.hours:
        base[i, j] = cohort.pair_score(i, j, 0).total
    # The k-th slot of a mentor differs from the first only by the capacity part, which
    # does not depend on the mentee.
    capacity_share = weights.shares[2]
    slot_drop = [capacity_share * k / cohort.mentors[j].capacity for j, k in slots]
    value = [
        [base[i, j] - slot_drop[s] if (i, j) in base else 0.0 for s, (j, _k) in enumerate(slots)]
        for i in range(n)
    ]
    chosen: dict[int, int] = {}
    if n <= len(slots):
        cols = _min_cost_assignment([[-x for x in row] for row in value])
        for i, s in enumerate(cols):
            j = slots[s][0]
            if (i, j) in base:
                chosen[i] = j
    else:
        transposed = [[-value[i][s] for i in range(n)] for s in range(len(slots))]
        rows = _min_cost_assignment(transposed)
        for s, i in enumerate(rows):
            j = slots[s][0]
            if (i, j) in base:
                chosen[i] = j
    return _build(cohort, chosen)


def greedy_assign(
    mentees: Sequence[MenteeProfile],
    mentors: Sequence[MentorProfile],
    weights: MatchWeights,
    at: datetime,
    *,
    past_pairs: frozenset[tuple[int, int]],
    matched_mentees: frozenset[int],
) -> Assignment:
    """Baseline: repeatedly take the highest-scoring allowed pair (ties: lower mentee id,
    then lower mentor id), rescoring a mentor's pairs as its places fill.

    Not optimal; kept to measure how much :func:`assign` gains over it.
    """
    cohort = _prepare(mentees, mentors, weights, at, past_pairs, matched_mentees)
    filled = [0] * len(cohort.mentors)
    heap = [(-cohort.pair_score(i, j, 0).total, i, j, 0) for (i, j) in cohort.hours]
    heapq.heapify(heap)
    chosen: dict[int, int] = {}
    while heap:
        _neg, i, j, seen_filled = heapq.heappop(heap)
        if i in chosen or filled[j] >= cohort.mentors[j].remaining_places:
            continue
        if seen_filled != filled[j]:
            # The mentor filled up since this entry was pushed; its score can only drop.
            current = cohort.pair_score(i, j, filled[j]).total
            heapq.heappush(heap, (-current, i, j, filled[j]))
            continue
        chosen[i] = j
        filled[j] += 1
    return _build(cohort, chosen)
