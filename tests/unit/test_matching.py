"""Table-driven tests for the matching rules (PRODUCT §3C)."""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import UTC, datetime, timedelta, timezone

import pytest

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
from tests.unit.support import mentee_profile as mentee
from tests.unit.support import mentor_profile as mentor

SUMMER = datetime(2025, 7, 1, 12, 0, tzinfo=UTC)
NOTHING: frozenset[int] = frozenset()
NO_PAIRS: frozenset[tuple[int, int]] = frozenset()


# --- time zones ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("tz_a", "tz_b", "at", "hours"),
    [
        ("Europe/London", "Europe/London", SUMMER, 0.0),
        ("Europe/Paris", "Europe/Berlin", SUMMER, 0.0),
        ("Europe/London", "America/New_York", SUMMER, 5.0),
        ("Europe/London", "America/New_York", datetime(2025, 1, 15, tzinfo=UTC), 5.0),
        # The US moved its clocks on 9 March 2025, the UK only on 30 March.
        ("Europe/London", "America/New_York", datetime(2025, 3, 20, 12, tzinfo=UTC), 4.0),
        # The UK moved back on 26 October 2025, the US only on 2 November.
        ("Europe/London", "America/New_York", datetime(2025, 10, 28, 12, tzinfo=UTC), 4.0),
        # Either side of the UK switch at 01:00 UTC on 30 March 2025.
        ("Europe/London", "America/New_York", datetime(2025, 3, 30, 0, 59, tzinfo=UTC), 4.0),
        ("Europe/London", "America/New_York", datetime(2025, 3, 30, 1, 0, tzinfo=UTC), 5.0),
        # +14 and −11 are 25 h apart on paper and 1 h apart on the clock.
        ("Pacific/Kiritimati", "Pacific/Pago_Pago", SUMMER, 1.0),
        ("Asia/Tokyo", "America/New_York", datetime(2025, 1, 15, tzinfo=UTC), 10.0),
        ("Asia/Kolkata", "UTC", SUMMER, 5.5),
        ("Asia/Kathmandu", "UTC", SUMMER, 5.75),
        ("Asia/Kolkata", "Europe/London", datetime(2025, 1, 15, tzinfo=UTC), 5.5),
        ("Asia/Kolkata", "Europe/London", SUMMER, 4.5),
        ("Pacific/Auckland", "Europe/London", datetime(2025, 1, 15, tzinfo=UTC), 11.0),
        ("Pacific/Auckland", "Europe/London", SUMMER, 11.0),
        ("Pacific/Kiritimati", "UTC", SUMMER, 10.0),
        ("Etc/GMT-12", "UTC", SUMMER, 12.0),
    ],
)
def test_tz_distance_hours(tz_a: str, tz_b: str, at: datetime, hours: float) -> None:
    assert tz_distance_hours(tz_a, tz_b, at) == hours
    assert tz_distance_hours(tz_b, tz_a, at) == hours


def test_tz_distance_uses_the_instant_not_its_zone() -> None:
    same_instant = SUMMER.astimezone(timezone(timedelta(hours=-7)))
    assert tz_distance_hours("Europe/London", "America/New_York", same_instant) == 5.0


@pytest.mark.parametrize(
    ("tz_a", "tz_b", "at"),
    [
        ("Europe/London", "UTC", datetime(2025, 7, 1, 12)),  # noqa: DTZ001 - naive on purpose
        ("Mars/Olympus_Mons", "UTC", SUMMER),
        ("Europe/London", "", SUMMER),
    ],
)
def test_tz_distance_rejects_bad_input(tz_a: str, tz_b: str, at: datetime) -> None:
    with pytest.raises(ValueError):
        tz_distance_hours(tz_a, tz_b, at)


# --- profiles and weights -----------------------------------------------------------------


@pytest.mark.parametrize(
    "make",
    [
        lambda: mentee(tz="Nowhere/Special"),
        lambda: mentor(tz="Nowhere/Special"),
        lambda: mentor(capacity=-1),
        lambda: mentor(active=-1),
    ],
)
def test_profiles_reject_bad_values(make: Callable[[], object]) -> None:
    with pytest.raises(ValueError):
        make()


@pytest.mark.parametrize(
    ("capacity", "active", "remaining"),
    [(3, 0, 3), (3, 1, 2), (3, 3, 0), (2, 3, 0), (0, 0, 0)],
)
def test_remaining_places(capacity: int, active: int, remaining: int) -> None:
    assert mentor(capacity=capacity, active=active).remaining_places == remaining


@pytest.mark.parametrize(
    "kwargs",
    [
        {"area": -1.0},
        {"timezone": math.nan},
        {"capacity": math.inf},
        {"area": 0.0, "timezone": 0.0, "capacity": 0.0},
    ],
)
def test_weights_reject_bad_values(kwargs: dict[str, float]) -> None:
    with pytest.raises(ValueError):
        MatchWeights(**kwargs)


def test_weights_may_ignore_some_parts() -> None:
    assert MatchWeights(area=0.0, timezone=0.0, capacity=2.0).total == 2.0


# --- scores -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("the_mentee", "the_mentor", "shared", "area", "closeness", "room"),
    [
        (
            mentee(areas=("Leadership", "Product")),
            mentor(areas=("Product", "Leadership", "Design"), tz="Europe/Paris", active=1),
            ("Leadership", "Product"),
            1.0,
            1 - 1 / 12,
            2 / 3,
        ),
        (
            mentee(areas=("Leadership",), goals=("Product", "Data", "Design")),
            mentor(areas=("Product",), tz="America/New_York", capacity=4, active=3),
            ("Product",),
            1 / 4,
            1 - 5 / 12,
            1 / 4,
        ),
        (
            mentee(areas=("Product",), goals=("Product",)),
            mentor(areas=("Product",)),
            ("Product",),
            1.0,
            1.0,
            1.0,
        ),
        (mentee(), mentor(areas=("Product",)), (), 0.0, 1.0, 1.0),
        (mentee(areas=("Data",)), mentor(areas=("data",)), (), 0.0, 1.0, 1.0),
        (
            mentee(areas=("Data",), tz="Pacific/Kiritimati"),
            mentor(areas=(), tz="Etc/GMT-2", capacity=0),
            (),
            0.0,
            0.0,
            0.0,
        ),
        (mentee(areas=("x", "B", "a")), mentor(areas=("a", "B", "x")), ("a", "B", "x"), 1, 1, 1),
    ],
)
def test_score_parts(
    the_mentee: MenteeProfile,
    the_mentor: MentorProfile,
    shared: tuple[str, ...],
    area: float,
    closeness: float,
    room: float,
) -> None:
    weights = MatchWeights(area=3.0, timezone=1.0, capacity=1.0)
    result = score(the_mentee, the_mentor, weights, SUMMER)
    assert result.shared_areas == shared
    assert result.area_overlap == pytest.approx(area)
    assert result.timezone_closeness == pytest.approx(closeness)
    assert result.remaining_capacity == pytest.approx(room)
    assert result.total == pytest.approx((3 * area + closeness + room) / 5)
    assert (result.mentee_id, result.mentor_id) == (the_mentee.member_id, the_mentor.member_id)


@pytest.mark.parametrize(
    ("weights", "total"),
    [
        (MatchWeights(area=1.0, timezone=0.0, capacity=0.0), 0.5),
        (MatchWeights(area=0.0, timezone=1.0, capacity=0.0), 0.75),
        (MatchWeights(area=0.0, timezone=0.0, capacity=1.0), 0.25),
        (MatchWeights(area=2.0, timezone=2.0, capacity=0.0), 0.625),
        (MatchWeights(), (3 * 0.5 + 0.75 + 0.25) / 5),
    ],
)
def test_total_is_the_weighted_mean(weights: MatchWeights, total: float) -> None:
    result = score(
        mentee(areas=("Data", "Design")),
        mentor(areas=("Data",), tz="Asia/Dubai", capacity=4, active=3),  # 3 h from London
        weights,
        SUMMER,
    )
    assert result.total == pytest.approx(total)


def test_over_full_mentor_has_no_room_left() -> None:
    result = score(mentee(), mentor(capacity=2, active=3), MatchWeights(), SUMMER)
    assert result.remaining_capacity == 0.0
    assert explain(result).endswith("3 of 2 places taken")


def test_a_tiny_weight_does_not_underflow_the_score() -> None:
    # Found by hypothesis: 5e-324 × 0.5 is 0.0 in floating point, so a weight this small
    # used to zero the capacity part and the exact assignment lost to the greedy one.
    tiny = MatchWeights(area=0.0, timezone=0.0, capacity=5e-324)
    half_full = score(mentee(), mentor(capacity=2, active=1), tiny, SUMMER)
    assert half_full.total == 0.5
    mentees = [mentee(2), mentee(3)]
    mentors = [mentor(1, capacity=2), mentor(2, capacity=1)]
    kwargs = {"past_pairs": NO_PAIRS, "matched_mentees": NOTHING}
    best = assign(mentees, mentors, tiny, SUMMER, **kwargs)  # type: ignore[arg-type]
    greedy = greedy_assign(mentees, mentors, tiny, SUMMER, **kwargs)  # type: ignore[arg-type]
    assert best.total == greedy.total == 2.0


# --- explanations -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("the_mentee", "the_mentor", "text"),
    [
        (
            mentee(areas=("Product",), goals=("Leadership",)),
            mentor(areas=("Leadership", "Product"), tz="Europe/Paris", active=1),
            "shares Leadership, Product · 1 h apart · 1 of 3 places taken",
        ),
        (
            mentee(areas=("Data",)),
            mentor(areas=("Design",), capacity=1),
            "no shared areas · same time zone · 0 of 1 place taken",
        ),
        (
            mentee(areas=("Data",), tz="Asia/Kolkata"),
            mentor(areas=("Data",), capacity=2, active=1),
            "shares Data · 4.5 h apart · 1 of 2 places taken",
        ),
        (
            mentee(tz="Asia/Kathmandu"),
            mentor(tz="UTC", capacity=5, active=2),
            "no shared areas · 5.75 h apart · 2 of 5 places taken",
        ),
        (
            mentee(tz="Pacific/Kiritimati"),
            mentor(tz="Pacific/Pago_Pago", capacity=0),
            "no shared areas · 1 h apart · 0 of 0 places taken",
        ),
    ],
)
def test_explain(the_mentee: MenteeProfile, the_mentor: MentorProfile, text: str) -> None:
    assert explain(score(the_mentee, the_mentor, MatchWeights(), SUMMER)) == text


def test_score_rejects_inconsistent_numbers() -> None:
    with pytest.raises(ValueError):
        Score(1, 2, MatchWeights(), ("A", "B"), 1, 0.0, 0, 1)
    with pytest.raises(ValueError):
        Score(1, 2, MatchWeights(), (), 1, 13.0, 0, 1)


# --- suggestions --------------------------------------------------------------------------


def ids(suggestions: list[Suggestion]) -> list[int]:
    return [s.mentor.member_id for s in suggestions]


def test_suggest_ranks_best_first_and_explains() -> None:
    someone = mentee(areas=("Product", "Leadership"))
    mentors = [
        mentor(100, areas=("Design",)),
        mentor(101, areas=("Product", "Leadership"), tz="Europe/Paris", active=1),
        mentor(102, areas=("Product",), tz="America/New_York"),
    ]
    result = suggest(
        someone, mentors, MatchWeights(), SUMMER, past_pairs=NO_PAIRS, matched_mentees=NOTHING
    )
    assert ids(result) == [101, 102, 100]
    assert result[0].explanation == "shares Leadership, Product · 1 h apart · 1 of 3 places taken"


@pytest.mark.parametrize(
    ("mentors", "past", "expected"),
    [
        # the mentee themself is never suggested
        ([mentor(1), mentor(100)], NO_PAIRS, [100]),
        # a full or over-full mentor is never suggested
        ([mentor(100, capacity=2, active=2), mentor(101, capacity=1, active=3)], NO_PAIRS, []),
        ([mentor(100, capacity=0)], NO_PAIRS, []),
        # a pair matched in an earlier cohort is avoided
        ([mentor(100), mentor(101)], frozenset({(1, 100)}), [101]),
        # a past pair of someone else does not matter
        ([mentor(100)], frozenset({(2, 100), (100, 1)}), [100]),
    ],
)
def test_suggest_exclusions(
    mentors: list[MentorProfile], past: frozenset[tuple[int, int]], expected: list[int]
) -> None:
    result = suggest(
        mentee(1), mentors, MatchWeights(), SUMMER, past_pairs=past, matched_mentees=NOTHING
    )
    assert ids(result) == expected


def test_suggest_refuses_a_mentee_who_has_a_mentor() -> None:
    with pytest.raises(MenteeAlreadyMatchedError) as caught:
        suggest(
            mentee(7),
            [mentor(100)],
            MatchWeights(),
            SUMMER,
            past_pairs=NO_PAIRS,
            matched_mentees=frozenset({7}),
        )
    assert caught.value.mentee_id == 7


def test_suggest_breaks_ties_by_room_then_id() -> None:
    weights = MatchWeights(area=1.0, timezone=0.0, capacity=0.0)
    mentors = [
        mentor(105, capacity=2),
        mentor(103, capacity=5, active=1),
        mentor(101, capacity=2),
        mentor(104, capacity=4),
    ]
    for order in (mentors, mentors[::-1]):
        result = suggest(
            mentee(), order, weights, SUMMER, past_pairs=NO_PAIRS, matched_mentees=NOTHING
        )
        assert ids(result) == [103, 104, 101, 105]


@pytest.mark.parametrize(("limit", "count"), [(0, 0), (1, 1), (2, 2), (5, 3)])
def test_suggest_limit(limit: int, count: int) -> None:
    mentors = [mentor(100), mentor(101), mentor(102)]
    result = suggest(
        mentee(),
        mentors,
        MatchWeights(),
        SUMMER,
        past_pairs=NO_PAIRS,
        matched_mentees=NOTHING,
        limit=limit,
    )
    assert len(result) == count


@pytest.mark.parametrize(
    ("mentors", "limit", "at"),
    [
        ([mentor(100)], -1, SUMMER),
        ([mentor(100), mentor(100)], 5, SUMMER),
        ([mentor(100)], 5, datetime(2025, 7, 1)),  # noqa: DTZ001 - naive on purpose
    ],
)
def test_suggest_rejects_bad_input(mentors: list[MentorProfile], limit: int, at: datetime) -> None:
    with pytest.raises(ValueError):
        suggest(
            mentee(),
            mentors,
            MatchWeights(),
            at,
            past_pairs=NO_PAIRS,
            matched_mentees=NOTHING,
            limit=limit,
        )


# --- cohort assignment --------------------------------------------------------------------

AREA_ONLY = MatchWeights(area=1.0, timezone=0.0, capacity=0.0)


def pairs_of(result: Assignment) -> list[tuple[int, int]]:
    return [(p.mentee.member_id, p.mentor.member_id) for p in result.pairs]


def test_assign_beats_greedy_where_greedy_is_short_sighted() -> None:
    # Greedy gives mentor 100 to mentee 1 (tie at 1.0, lower id) and leaves mentee 2 with
    # a mentor who shares nothing; the optimum swaps them.
    mentees = [mentee(1, areas=("P",)), mentee(2, areas=("R",))]
    mentors = [mentor(100, areas=("P", "R"), capacity=1), mentor(101, areas=("P",), capacity=1)]
    greedy = greedy_assign(
        mentees, mentors, AREA_ONLY, SUMMER, past_pairs=NO_PAIRS, matched_mentees=NOTHING
    )
    exact = assign(
        mentees, mentors, AREA_ONLY, SUMMER, past_pairs=NO_PAIRS, matched_mentees=NOTHING
    )
    assert pairs_of(greedy) == [(1, 100), (2, 101)]
    assert greedy.total == pytest.approx(1.0)
    assert pairs_of(exact) == [(1, 101), (2, 100)]
    assert exact.total == pytest.approx(2.0)


@pytest.mark.parametrize(
    ("mentees", "mentors", "past", "matched", "pairs", "unassigned", "skipped"),
    [
        ([], [mentor(100)], NO_PAIRS, NOTHING, [], [], []),
        ([mentee(1)], [], NO_PAIRS, NOTHING, [], [1], []),
        # capacity is respected; the rest are listed as unassigned
        (
            [mentee(1), mentee(2), mentee(3)],
            [mentor(100, capacity=3, active=1)],
            NO_PAIRS,
            NOTHING,
            [(1, 100), (2, 100)],
            [3],
            [],
        ),
        # a mentee with a mentor is skipped, not unassigned
        ([mentee(1), mentee(2)], [mentor(100)], NO_PAIRS, frozenset({2}), [(1, 100)], [], [2]),
        # self and past pairs are never assigned, even when nothing else is possible
        ([mentee(100)], [mentor(100)], NO_PAIRS, NOTHING, [], [100], []),
        ([mentee(1)], [mentor(100)], frozenset({(1, 100)}), NOTHING, [], [1], []),
        # a member who is both mentee and mentor can mentor others
        (
            [mentee(1, areas=("A",)), mentee(2, areas=("A",))],
            [mentor(1, areas=("A",), capacity=1), mentor(2, areas=("B",), capacity=1)],
            NO_PAIRS,
            NOTHING,
            [(1, 2), (2, 1)],
            [],
            [],
        ),
        # a pair with no shared area still beats no mentor at all
        (
            [mentee(1, areas=("A",))],
            [mentor(100, areas=("B",))],
            NO_PAIRS,
            NOTHING,
            [(1, 100)],
            [],
            [],
        ),
    ],
)
def test_assign_cases(
    mentees: list[MenteeProfile],
    mentors: list[MentorProfile],
    past: frozenset[tuple[int, int]],
    matched: frozenset[int],
    pairs: list[tuple[int, int]],
    unassigned: list[int],
    skipped: list[int],
) -> None:
    for method in (assign, greedy_assign):
        result = method(
            mentees, mentors, MatchWeights(), SUMMER, past_pairs=past, matched_mentees=matched
        )
        assert pairs_of(result) == pairs
        assert [m.member_id for m in result.unassigned] == unassigned
        assert list(result.already_matched) == skipped


def test_assign_fills_places_one_after_another() -> None:
    mentees = [mentee(3, areas=("A",)), mentee(1, areas=("A",))]
    result = assign(
        mentees,
        [mentor(100, areas=("A",), capacity=4, active=1)],
        MatchWeights(),
        SUMMER,
        past_pairs=NO_PAIRS,
        matched_mentees=NOTHING,
    )
    assert [explain(p.score) for p in result.pairs] == [
        "shares A · same time zone · 1 of 4 places taken",
        "shares A · same time zone · 2 of 4 places taken",
    ]
    assert [p.mentee.member_id for p in result.pairs] == [1, 3]


def test_assign_spreads_mentees_when_capacity_counts() -> None:
    # Two equally good mentors with room for two each: the second place of a mentor is
    # worth less than the first place of the other, so each gets one mentee.
    mentees = [mentee(1), mentee(2)]
    mentors = [mentor(100, capacity=2), mentor(101, capacity=2)]
    result = assign(
        mentees, mentors, MatchWeights(), SUMMER, past_pairs=NO_PAIRS, matched_mentees=NOTHING
    )
    assert sorted(p.mentor.member_id for p in result.pairs) == [100, 101]


def test_assign_does_not_depend_on_input_order() -> None:
    mentees = [mentee(i, areas=("A",) if i % 2 else ("B",)) for i in range(1, 7)]
    mentors = [
        mentor(100, areas=("A", "B"), capacity=2),
        mentor(101, areas=("A",), capacity=2),
        mentor(102, areas=("B",), capacity=1),
    ]
    first = assign(
        mentees, mentors, MatchWeights(), SUMMER, past_pairs=NO_PAIRS, matched_mentees=NOTHING
    )
    second = assign(
        mentees[::-1],
        mentors[::-1],
        MatchWeights(),
        SUMMER,
        past_pairs=NO_PAIRS,
        matched_mentees=NOTHING,
    )
    assert first == second


@pytest.mark.parametrize("method", [assign, greedy_assign])
def test_assign_rejects_duplicates(method: Callable[..., Assignment]) -> None:
    for mentees, mentors in (
        ([mentee(1), mentee(1)], [mentor(100)]),
        ([mentee(1)], [mentor(100), mentor(100)]),
    ):
        with pytest.raises(ValueError):
            method(
                mentees,
                mentors,
                MatchWeights(),
                SUMMER,
                past_pairs=NO_PAIRS,
                matched_mentees=NOTHING,
            )
