"""Time the exact cohort assignment and compare its total score with the greedy baseline.

Usage: ``python bench/matching_assignment.py --sizes 50 100 200 --seed 7``

Measurement only: prints numbers, asserts nothing about time.
"""

from __future__ import annotations

import argparse
import random
import time
from datetime import UTC, datetime

from bot.domain.matching import (
    MatchWeights,
    MenteeProfile,
    MentorProfile,
    assign,
    greedy_assign,
)

AREAS = (
    "Backend",
    "Career",
    "Data",
    "Design",
    "Frontend",
    "Leadership",
    "Marketing",
    "Product",
    "Public speaking",
    "Security",
)
TIMEZONES = (
    "America/Los_Angeles",
    "America/New_York",
    "America/Sao_Paulo",
    "Europe/London",
    "Europe/Berlin",
    "Africa/Lagos",
    "Asia/Kolkata",
    "Asia/Kathmandu",
    "Asia/Tokyo",
    "Australia/Adelaide",
    "Pacific/Auckland",
)


def cohort(
    rng: random.Random, mentee_count: int, mentees_per_mentor: float
) -> tuple[list[MenteeProfile], list[MentorProfile], frozenset[tuple[int, int]]]:
    mentees = [
        MenteeProfile(
            member_id=1_000_000 + i,
            display_name=f"mentee {i}",
            areas=frozenset(rng.sample(AREAS, rng.randint(0, 3))),
            goal_areas=frozenset(rng.sample(AREAS, rng.randint(0, 2))),
            timezone=rng.choice(TIMEZONES),
        )
        for i in range(mentee_count)
    ]
    mentor_count = max(1, round(mentee_count / mentees_per_mentor))
    mentors = []
    for j in range(mentor_count):
        capacity = rng.randint(1, 4)
        mentors.append(
            MentorProfile(
                member_id=2_000_000 + j,
                display_name=f"mentor {j}",
                areas=frozenset(rng.sample(AREAS, rng.randint(1, 4))),
                timezone=rng.choice(TIMEZONES),
                capacity=capacity,
                active_mentees=rng.randint(0, capacity - 1),
            )
        )
    past = frozenset(
        (rng.choice(mentees).member_id, rng.choice(mentors).member_id)
        for _ in range(mentee_count // 10)
    )
    return mentees, mentors, past


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--sizes", type=int, nargs="+", default=[25, 50, 100, 200, 300], help="mentees"
    )
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--mentees-per-mentor",
        type=float,
        default=2.0,
        help="how many mentees there are for each mentor (places vary 1-4 per mentor)",
    )
    args = parser.parse_args(argv)
    rng = random.Random(args.seed)
    weights = MatchWeights()
    at = datetime(2025, 3, 20, 12, 0, tzinfo=UTC)
    print(
        f"{'mentees':>8} {'mentors':>8} {'places':>7} {'assigned':>9} "
        f"{'exact s':>9} {'greedy s':>9} {'greedy/exact':>13}"
    )
    for size in args.sizes:
        mentees, mentors, past = cohort(rng, size, args.mentees_per_mentor)
        none: frozenset[int] = frozenset()
        start = time.perf_counter()
        exact = assign(mentees, mentors, weights, at, past_pairs=past, matched_mentees=none)
        exact_s = time.perf_counter() - start
        start = time.perf_counter()
        greedy = greedy_assign(mentees, mentors, weights, at, past_pairs=past, matched_mentees=none)
        greedy_s = time.perf_counter() - start
        ratio = greedy.total / exact.total if exact.total else 1.0
        places = sum(m.remaining_places for m in mentors)
        print(
            f"{size:>8} {len(mentors):>8} {places:>7} {len(exact.pairs):>9} "
            f"{exact_s:>9.3f} {greedy_s:>9.3f} {ratio:>13.4f}"
        )


if __name__ == "__main__":
    main()
