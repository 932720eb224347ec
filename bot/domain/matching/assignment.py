"""Cohort-wide assignment: who should mentor whom when a director matches a whole cohort.

The assignment is exact (minimum total cost over every mentee, by the Hungarian method on a
square cost matrix), with each mentor's places expanded into slots so the k-th mentee given
to a mentor is scored with k more places taken; :func:`greedy_assign` is the simple pass the
bench compares it with. Scores come from :mod:`bot.domain.matching.scoring`, so a pair's
score here is the one a suggestion would show.
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from bot.domain.matching.scoring import (
    MatchWeights,
    MenteeProfile,
    MentorProfile,
    Score,
    _allowed,
    _check_unique,
    _require_aware,
    _score_parts,
    _utc_offset_seconds,
    _wrap_hours,
)


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
