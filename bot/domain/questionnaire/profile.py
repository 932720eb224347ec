"""What the rest of the bot reads from a member's answers: role, goals, capacity, areas,
time zone and check-in slot. Each accessor tolerates stale or malformed stored answers and
returns nothing rather than guessing."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import time
from typing import Literal

from bot.domain import wallclock
from bot.domain.questionnaire.model import GOALS_MAX, ROLE_MENTEE, ROLE_MENTOR


def role_of(answers: Mapping[str, object]) -> Literal["mentee", "mentor"] | None:
    value = answers.get("role")
    if value == ROLE_MENTEE:
        return "mentee"
    if value == ROLE_MENTOR:
        return "mentor"
    return None


_BULLET_RE = re.compile(r"^(?:[-*•–]|[0-9]{1,2}[.)])(?:\s+|$)")


def goal_lines(text: str) -> list[str]:
    """Non-empty lines with a leading list bullet (``-``, ``•``, ``1.``) removed."""
    goals = []
    for line in text.splitlines():
        goal = _BULLET_RE.sub("", line.strip(), count=1).strip()
        if goal:
            goals.append(goal)
    return goals


def goals_from(answers: Mapping[str, object]) -> list[str]:
    """The mentee's goals, one per non-empty line, in their words (list bullets removed)."""
    value = answers.get("goals")
    if role_of(answers) != "mentee" or not isinstance(value, str):
        return []
    return goal_lines(value)[:GOALS_MAX]


def capacity_of(answers: Mapping[str, object]) -> int | None:
    value = answers.get("capacity")
    if role_of(answers) != "mentor" or not isinstance(value, str):
        return None
    if not (value.isascii() and value.isdigit()):
        return None
    return int(value) or None


def areas_of(answers: Mapping[str, object]) -> list[str]:
    value = answers.get("areas")
    if isinstance(value, list):
        return [v for v in value if isinstance(v, str)]
    return []


def timezone_of(answers: Mapping[str, object]) -> str | None:
    value = answers.get("timezone")
    return value if wallclock.is_timezone(value) else None


def checkin_of(answers: Mapping[str, object]) -> tuple[int, time] | None:
    value = answers.get("checkin")
    if not isinstance(value, str):
        return None
    try:
        return wallclock.parse_weekday_time(value)
    except wallclock.WallClockError:
        return None
