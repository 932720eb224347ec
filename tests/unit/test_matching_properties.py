"""Invariants of the matching rules, checked on generated cohorts."""

from __future__ import annotations

import itertools
import math
import random
import re
from collections import Counter
from dataclasses import replace
from datetime import UTC, datetime

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.domain.matching import (
    Assignment,
    MatchWeights,
    MenteeAlreadyMatchedError,
    MenteeProfile,
    MentorProfile,
    Score,
    Suggestion,
    assign,
    explain,
    greedy_assign,
    score,
    suggest,
    tz_distance_hours,
)
from tests.unit.support import mentee_profile, mentor_profile

AREAS = ("Backend", "Data", "Design", "Leadership", "Product", "Public speaking")
TIMEZONES = (
    "UTC",
    "Europe/London",
    "Europe/Berlin",
    "America/New_York",
    "America/St_Johns",
    "Asia/Kolkata",
    "Asia/Kathmandu",
    "Australia/Adelaide",
    "Pacific/Chatham",
    "Pacific/Kiritimati",
    "Pacific/Pago_Pago",
)
FAST = settings(max_examples=100, deadline=None)

areas = st.frozensets(st.sampled_from(AREAS), max_size=4)
zones = st.sampled_from(TIMEZONES)
instants = st.datetimes(
    min_value=datetime(2000, 1, 1),  # noqa: DTZ001 - bounds for an aware strategy
    max_value=datetime(2040, 1, 1),  # noqa: DTZ001
    timezones=st.just(UTC),
)
weights = (
    st.tuples(st.floats(0, 10), st.floats(0, 10), st.floats(0, 10))
    .filter(lambda parts: sum(parts) > 0)
    .map(lambda parts: MatchWeights(*parts))
)
# Small ids, shared by mentees and mentors, so self pairs come up.
member_ids = st.integers(1, 12)


@st.composite
def mentees(draw: st.DrawFn, member_id: st.SearchStrategy[int] = member_ids) -> MenteeProfile:
    return mentee_profile(draw(member_id), draw(areas), draw(areas), draw(zones))


@st.composite
def mentors(draw: st.DrawFn, max_capacity: int = 4, with_room: bool = False) -> MentorProfile:
    """A mentor; unless ``with_room``, some are full or over-full (capacity lowered)."""
    i = draw(member_ids)
    capacity = draw(st.integers(1 if with_room else 0, max_capacity))
    active = draw(st.integers(0, capacity - 1 if with_room else capacity + 1))
    return mentor_profile(i, draw(areas), draw(zones), capacity, active)


Cohort = tuple[list[MenteeProfile], list[MentorProfile], frozenset[tuple[int, int]], frozenset[int]]


@st.composite
def cohorts(
    draw: st.DrawFn,
    max_mentees: int = 10,
    max_mentors: int = 6,
    max_capacity: int = 4,
    contested: bool = False,
) -> Cohort:
    """A cohort; ``contested`` ones have several mentees, mentors who all have room and few
    exclusions: the case where taking the best pair first tends to go wrong."""
    the_mentees = draw(
        st.lists(
            mentees(),
            min_size=3 if contested else 0,
            max_size=max_mentees,
            unique_by=lambda m: m.member_id,
        )
    )
    the_mentors = draw(
        st.lists(
            mentors(max_capacity, with_room=contested),
            min_size=2 if contested else 0,
            max_size=max_mentors,
            unique_by=lambda m: m.member_id,
        )
    )
    possible = [(a.member_id, b.member_id) for a in the_mentees for b in the_mentors]
    past: frozenset[tuple[int, int]] = (
        draw(st.frozensets(st.sampled_from(possible), max_size=1 if contested else None))
        if possible
        else frozenset()
    )
    matched: frozenset[int] = (
        draw(
            st.frozensets(
                st.sampled_from([m.member_id for m in the_mentees]),
                max_size=1 if contested else None,
            )
        )
        if the_mentees
        else frozenset()
    )
    return the_mentees, the_mentors, past, matched


def check_feasible(
    result: Assignment,
    the_mentees: list[MenteeProfile],
    the_mentors: list[MentorProfile],
    past: frozenset[tuple[int, int]],
    matched: frozenset[int],
) -> None:
    per_mentor = Counter(p.mentor.member_id for p in result.pairs)
    for mentor in the_mentors:
        assert per_mentor[mentor.member_id] <= mentor.remaining_places
    given_ids = [p.mentee.member_id for p in result.pairs]
    assert len(given_ids) == len(set(given_ids))
    for pair in result.pairs:
        key = (pair.mentee.member_id, pair.mentor.member_id)
        assert key[0] != key[1]
        assert key not in past
        assert key[0] not in matched
        assert (pair.score.mentee_id, pair.score.mentor_id) == key
    # every mentee is accounted for exactly once
    unassigned = [m.member_id for m in result.unassigned]
    assert sorted(given_ids + unassigned + list(result.already_matched)) == sorted(
        m.member_id for m in the_mentees
    )
    assert set(result.already_matched) == matched


def brute_force_total(
    the_mentees: list[MenteeProfile],
    the_mentors: list[MentorProfile],
    w: MatchWeights,
    at: datetime,
    past: frozenset[tuple[int, int]],
    matched: frozenset[int],
) -> float:
    """Best total over every capacity-respecting choice, a mentor's k-th mentee scored
    with k more places taken."""
    waiting = [m for m in the_mentees if m.member_id not in matched]
    open_mentors = [m for m in the_mentors if m.remaining_places > 0]
    options = [
        [None]
        + [
            j
            for j, b in enumerate(open_mentors)
            if a.member_id != b.member_id and (a.member_id, b.member_id) not in past
        ]
        for a in waiting
    ]
    best = 0.0
    for choice in itertools.product(*options):
        counts = Counter(j for j in choice if j is not None)
        if any(counts[j] > open_mentors[j].remaining_places for j in counts):
            continue
        filled: Counter[int] = Counter()
        total = 0.0
        for a, j in zip(waiting, choice, strict=True):
            if j is None:
                continue
            b = open_mentors[j]
            total += score(a, replace(b, active_mentees=b.active_mentees + filled[j]), w, at).total
            filled[j] += 1
        best = max(best, total)
    return best


# --- symmetry -----------------------------------------------------------------------------


@FAST
@given(zones, zones, instants)
def test_tz_distance_is_symmetric_and_bounded(a: str, b: str, at: datetime) -> None:
    d = tz_distance_hours(a, b, at)
    assert d == tz_distance_hours(b, a, at)
    assert 0 <= d <= 12
    assert tz_distance_hours(a, a, at) == 0


@FAST
@given(mentees(), mentors(), weights, instants)
def test_swapping_time_zones_keeps_the_time_zone_part(
    a: MenteeProfile, b: MentorProfile, w: MatchWeights, at: datetime
) -> None:
    swapped = score(replace(a, timezone=b.timezone), replace(b, timezone=a.timezone), w, at)
    assert swapped.timezone_closeness == score(a, b, w, at).timezone_closeness
    assert swapped.hours_apart == score(a, b, w, at).hours_apart


@FAST
@given(mentees(), mentors(), weights, instants, st.randoms(use_true_random=False))
def test_area_overlap_ignores_the_order_areas_were_given_in(
    a: MenteeProfile, b: MentorProfile, w: MatchWeights, at: datetime, rnd: random.Random
) -> None:
    def shuffled(values: frozenset[str]) -> frozenset[str]:
        items = sorted(values)
        rnd.shuffle(items)
        return frozenset(items)

    again = score(
        replace(a, areas=shuffled(a.areas), goal_areas=shuffled(a.goal_areas)),
        replace(b, areas=shuffled(b.areas)),
        w,
        at,
    )
    assert again == score(a, b, w, at)


@FAST
@given(mentees(), mentors(), weights, instants)
def test_score_parts_and_total_stay_in_range(
    a: MenteeProfile, b: MentorProfile, w: MatchWeights, at: datetime
) -> None:
    result = score(a, b, w, at)
    for part in (result.area_overlap, result.timezone_closeness, result.remaining_capacity):
        assert 0 <= part <= 1
    assert 0 <= result.total <= 1
    # The weighted mean by each weight's share (dividing first: a subnormal weight times a
    # part would underflow to 0 and lose its share, e.g. MatchWeights(0, 5e-324, 0)).
    area, timezone, capacity = (x / w.total for x in (w.area, w.timezone, w.capacity))
    expected = (
        area * result.area_overlap
        + timezone * result.timezone_closeness
        + capacity * result.remaining_capacity
    )
    assert math.isclose(result.total, expected, abs_tol=1e-12)


EXPLANATION = re.compile(
    r"^(?:shares (?P<areas>.+)|no shared areas) · "
    r"(?:(?P<hours>[\d.]+) h apart|same time zone) · "
    r"(?P<taken>\d+) of (?P<capacity>\d+) places? taken$"
)


@FAST
@given(mentees(), mentors(), weights, instants)
def test_explanation_shows_the_scores_numbers(
    a: MenteeProfile, b: MentorProfile, w: MatchWeights, at: datetime
) -> None:
    result = score(a, b, w, at)
    match = EXPLANATION.match(explain(result))
    assert match is not None
    shown = tuple(match["areas"].split(", ")) if match["areas"] else ()
    assert shown == result.shared_areas
    assert shown == tuple(sorted(a.interests & b.areas, key=str.casefold))
    hours = float(match["hours"]) if match["hours"] else 0.0
    assert hours == result.hours_apart
    assert int(match["taken"]) == result.places_taken == b.active_mentees
    assert int(match["capacity"]) == result.capacity == b.capacity
    # and the parts are those numbers' parts
    assert result.timezone_closeness == 1 - hours / 12
    interests = len(a.interests)
    assert result.area_overlap == (len(shown) / interests if interests else 0.0)


# --- suggestions --------------------------------------------------------------------------


@FAST
@given(cohorts(), weights, instants, st.integers(0, 8), st.data())
def test_suggestions_respect_the_rules(
    cohort: Cohort,
    w: MatchWeights,
    at: datetime,
    limit: int,
    data: st.DataObject,
) -> None:
    the_mentees, the_mentors, past, matched = cohort
    for a in the_mentees:

        def ask(mentor_list: list[MentorProfile], a: MenteeProfile = a) -> list[Suggestion]:
            return suggest(
                a, mentor_list, w, at, past_pairs=past, matched_mentees=matched, limit=limit
            )

        if a.member_id in matched:
            try:
                ask(the_mentors)
            except MenteeAlreadyMatchedError:
                continue
            raise AssertionError("a matched mentee got suggestions")
        result = ask(the_mentors)
        assert len(result) <= limit
        chosen = [s.mentor.member_id for s in result]
        assert len(chosen) == len(set(chosen))
        for s in result:
            assert s.mentor.member_id != a.member_id
            assert s.mentor.remaining_places > 0
            assert (a.member_id, s.mentor.member_id) not in past
            assert s.score == score(a, s.mentor, w, at)
        keys = [(-s.score.total, -s.mentor.remaining_places, s.mentor.member_id) for s in result]
        assert keys == sorted(keys)
        # the same list whatever order the mentors come in
        shuffled = data.draw(st.permutations(the_mentors))
        assert ask(shuffled) == result


# --- assignment ---------------------------------------------------------------------------


@FAST
@given(st.one_of(cohorts(), cohorts(contested=True)), weights, instants)
def test_assignments_are_feasible_and_beat_greedy(
    cohort: Cohort,
    w: MatchWeights,
    at: datetime,
) -> None:
    the_mentees, the_mentors, past, matched = cohort
    exact = assign(the_mentees, the_mentors, w, at, past_pairs=past, matched_mentees=matched)
    greedy = greedy_assign(
        the_mentees, the_mentors, w, at, past_pairs=past, matched_mentees=matched
    )
    for result in (exact, greedy):
        check_feasible(result, the_mentees, the_mentors, past, matched)
        for pair in result.pairs:
            assert 0 <= pair.score.total <= 1
    assert exact.total >= greedy.total - 1e-9


@FAST
@given(
    st.one_of(
        cohorts(max_mentees=5, max_mentors=3, max_capacity=2),
        cohorts(max_mentees=6, max_mentors=3, max_capacity=2, contested=True),
    ),
    weights,
    instants,
)
def test_assign_finds_the_optimum(
    cohort: Cohort,
    w: MatchWeights,
    at: datetime,
) -> None:
    the_mentees, the_mentors, past, matched = cohort
    exact = assign(the_mentees, the_mentors, w, at, past_pairs=past, matched_mentees=matched)
    best = brute_force_total(the_mentees, the_mentors, w, at, past, matched)
    assert math.isclose(exact.total, best, rel_tol=1e-9, abs_tol=1e-9)


@FAST
@given(cohorts(), weights, instants, st.data())
def test_assignment_does_not_depend_on_input_order(
    cohort: Cohort,
    w: MatchWeights,
    at: datetime,
    data: st.DataObject,
) -> None:
    the_mentees, the_mentors, past, matched = cohort
    other_mentees = data.draw(st.permutations(the_mentees))
    other_mentors = data.draw(st.permutations(the_mentors))
    for method in (assign, greedy_assign):
        first = method(the_mentees, the_mentors, w, at, past_pairs=past, matched_mentees=matched)
        second = method(
            other_mentees, other_mentors, w, at, past_pairs=past, matched_mentees=matched
        )
        assert first == second


@FAST
@given(cohorts(), weights, instants)
def test_assigned_scores_explain_the_places_as_they_fill(
    cohort: Cohort,
    w: MatchWeights,
    at: datetime,
) -> None:
    the_mentees, the_mentors, past, matched = cohort
    result = assign(the_mentees, the_mentors, w, at, past_pairs=past, matched_mentees=matched)
    taken: Counter[int] = Counter()
    for pair in result.pairs:
        mentor = pair.mentor
        expected_taken = mentor.active_mentees + taken[mentor.member_id]
        assert pair.score.places_taken == expected_taken
        as_suggested = score(pair.mentee, replace(mentor, active_mentees=expected_taken), w, at)
        assert pair.score == as_suggested
        assert isinstance(pair.score, Score)
        taken[mentor.member_id] += 1
