"""What the schedule rule tests share: UTC instants in one call, schedules built from a
weekday, a wall time and a zone, the London Monday 09:00 schedule, and the due time most
overdue and validation cases start from.

Test modules import from here, never from each other.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from bot.domain.schedule import Cadence, CheckinSchedule, Period

WEEKLY = Cadence.WEEKLY
FORTNIGHTLY = Cadence.FORTNIGHTLY


def utc(
    year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0
) -> datetime:
    return datetime(year, month, day, hour, minute, second, tzinfo=UTC)


def sched(
    weekday: int,
    at: str,
    tz: str,
    anchor: date,
    cadence: Cadence = WEEKLY,
    paused_until: date | None = None,
) -> CheckinSchedule:
    hour, minute = (int(part) for part in at.split(":"))
    return CheckinSchedule(
        weekday=weekday,
        local_time=time(hour, minute),
        timezone=tz,
        cadence=cadence,
        anchor=anchor,
        paused_until=paused_until,
    )


def local_wall(period: Period, tz: str) -> tuple[date, time]:
    wall = period.due_at.astimezone(ZoneInfo(tz))
    return wall.date(), wall.time()


def london_monday_9(
    anchor: date, cadence: Cadence = WEEKLY, paused_until: date | None = None
) -> CheckinSchedule:
    return sched(0, "09:00", "Europe/London", anchor, cadence, paused_until)


LONDON_MONDAY_9 = london_monday_9(date(2026, 11, 2))
DUE = utc(2026, 11, 2, 9)
