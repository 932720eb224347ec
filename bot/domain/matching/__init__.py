"""Matching rules: how well a mentor fits a mentee (`scoring`), and who should mentor whom
across a whole cohort (`assignment`). Imports of `bot.domain.matching` keep working."""

from __future__ import annotations

from bot.domain.matching.assignment import AssignedPair, Assignment, assign, greedy_assign
from bot.domain.matching.scoring import (
    MatchWeights,
    MenteeAlreadyMatchedError,
    MenteeProfile,
    MentorProfile,
    Score,
    Suggestion,
    explain,
    score,
    suggest,
    tz_distance_hours,
)

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
