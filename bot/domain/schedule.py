"""Due-time rules for scheduled check-in prompts.

A mentee picks a weekday, a local wall-clock time and an IANA timezone. This module says
which period comes next and when it is due, in UTC. It never reads the clock: every
instant is passed in and must be timezone-aware.

Choices that keep "one prompt per period, exactly once, never shifted by DST":

* **Periods are local dates.** An occurrence is identified by its local due date
  (``Period.key == "2026-11-30"``). The key depends only on the schedule, never on the
  instant a computation started from, so recomputing after a restart names the same
  occurrence the same way and the (member, period_key) unique row prevents a repeat.
* **Wall time, not elapsed time.** Each due time is computed afresh from its local date
  and the chosen wall time, so the prompt stays at the chosen local time on both sides
  of every transition instead of drifting by an hour.
* **Ambiguous times** (autumn fall-back) use the first occurrence (``fold=0``).
* **Non-existent times** (spring-forward gap) move forward by the length of the gap:
  02:30 on the New York spring-forward day is due at 03:30 local. The prompt keeps its
  date, is late by at most the gap, and is never skipped.
* **Parity** for fortnightly schedules counts from ``anchor``, which is snapped forward
  to the chosen weekday, so it is always the date of the first period.
* **Pauses**: ``paused_until`` removes every occurrence whose local date is before it;
  ``paused_indefinitely`` makes :func:`next_period` return ``None``. :func:`resume`
  folds the pause into ``anchor`` so occurrences skipped while paused never reappear
  (they are neither prompted late nor counted as missed).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from itertools import pairwise
from typing import Final, Literal
from zoneinfo import ZoneInfo

from bot.domain import wallclock

__all__ = [
    "DEFAULT_GRACE",
    "REMINDER_DELAY",
    "Cadence",
    "CheckinSchedule",
    "CheckinStatus",
    "GoalStatus",
    "OverdueVerdict",
    "Period",
    "PeriodOutcome",
    "at_risk_reason",
    "classify",
    "new_schedule",
    "next_period",
    "pause",
    "period_for_local_date",
    "periods_between",
    "reminder_at",
    "resume",
    "wall_time_to_utc",
]

DEFAULT_GRACE: Final = timedelta(hours=12)
"""How late a prompt may still be sent after the bot was down at its due time."""

REMINDER_DELAY: Final = timedelta(hours=24)
"""How long after sending a prompt the single gentle reminder goes out."""

# An occurrence's due instant can fall on a later local date than its key only when a
# transition jumps over it (at most one day, e.g. Samoa in 2011), so looking this many
# days back from the local date of ``after`` never misses a candidate.
_LOOKBACK: Final = timedelta(days=2)

CheckinStatus = Literal["answered", "missed", "pending"]
GoalStatus = Literal["on_track", "stuck", "done"]
OverdueVerdict = Literal["not_due", "send_now", "missed"]


class Cadence(StrEnum):
    WEEKLY = "weekly"
    FORTNIGHTLY = "fortnightly"

    @property
    def step(self) -> timedelta:
        """Local-calendar distance between consecutive periods."""
        return timedelta(days=7 if self is Cadence.WEEKLY else 14)


def _zone(name: str) -> ZoneInfo:
    if not isinstance(name, str) or not name.strip():
        raise ValueError("timezone must be a non-empty IANA name such as 'Europe/London'")
    try:
        return wallclock.zone(name)
    except wallclock.WallClockError as exc:
        raise ValueError(
            f"unknown timezone {name!r}; use an IANA name such as 'Europe/London'"
        ) from exc


def _as_utc(value: datetime, name: str) -> datetime:
    """Validate an instant and express it in UTC.

    Arithmetic and comparison between two datetimes sharing a ``ZoneInfo`` work on wall
    time, which is wrong across a transition; in UTC they are exact.
    """
    if not isinstance(value, datetime):
        raise TypeError(f"{name} must be a datetime")
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{name} must be timezone-aware")
    return value.astimezone(UTC)


@dataclass(frozen=True, slots=True)
class CheckinSchedule:
    """When a mentee wants check-in prompts.

    ``anchor`` is snapped forward to ``weekday`` so it is always the first period's local
    date; fortnightly parity counts from it. ``paused_until`` is a local date: no period
    dated before it is due. ``paused_indefinitely`` stops all prompts until resumed.
    """

    weekday: int
    local_time: time
    timezone: str
    cadence: Cadence
    anchor: date
    paused_until: date | None = None
    paused_indefinitely: bool = False

    def __post_init__(self) -> None:
        if isinstance(self.weekday, bool) or not isinstance(self.weekday, int):
            raise ValueError("weekday must be an int from 0 (Monday) to 6 (Sunday)")
        if not 0 <= self.weekday <= 6:
            raise ValueError("weekday must be from 0 (Monday) to 6 (Sunday)")
        if not isinstance(self.local_time, time):
            raise ValueError("local_time must be a datetime.time")
        if self.local_time.tzinfo is not None:
            raise ValueError("local_time must be a wall time without tzinfo; use timezone")
        _zone(self.timezone)
        object.__setattr__(self, "cadence", Cadence(self.cadence))
        if isinstance(self.anchor, datetime) or not isinstance(self.anchor, date):
            raise ValueError("anchor must be a datetime.date")
        if self.paused_until is not None and (
            isinstance(self.paused_until, datetime) or not isinstance(self.paused_until, date)
        ):
            raise ValueError("paused_until must be a datetime.date or None")
        if self.paused_indefinitely and self.paused_until is not None:
            raise ValueError("a schedule is paused either until a date or indefinitely")
        # fold is meaningless for a chosen wall time; fold=0 is applied at conversion.
        object.__setattr__(self, "local_time", self.local_time.replace(fold=0))
        shift = (self.weekday - self.anchor.weekday()) % 7
        object.__setattr__(self, "anchor", self.anchor + timedelta(days=shift))

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def is_occurrence(self, d: date) -> bool:
        """Whether ``d`` falls on this schedule's weekday and cadence parity."""
        return (d - self.anchor).days % self.cadence.step.days == 0


@dataclass(frozen=True, slots=True)
class Period:
    """One occurrence of a schedule; ``key`` is the local due date in ISO form."""

    key: str
    local_date: date
    due_at: datetime

    def __post_init__(self) -> None:
        object.__setattr__(self, "due_at", _as_utc(self.due_at, "due_at"))


def wall_time_to_utc(local_date: date, local_time: time, timezone: str | ZoneInfo) -> datetime:
    """Convert a local wall time to an aware UTC instant.

    Ambiguous times take the first occurrence; times inside a spring-forward gap are read
    with the offset in force before the gap, which lands them the gap's length later on
    the wall clock (02:30 -> 03:30). Both are PEP 495's ``fold=0`` rule.
    """
    zone = timezone if isinstance(timezone, ZoneInfo) else _zone(timezone)
    naive = datetime.combine(local_date, local_time.replace(tzinfo=None, fold=0))
    return naive.replace(tzinfo=zone, fold=0).astimezone(UTC)


def _period(schedule: CheckinSchedule, d: date, zone: ZoneInfo) -> Period:
    return Period(
        key=d.isoformat(),
        local_date=d,
        due_at=wall_time_to_utc(d, schedule.local_time, zone),
    )


def _first_occurrence_on_or_after(schedule: CheckinSchedule, d: date) -> date:
    if d <= schedule.anchor:
        return schedule.anchor
    step = schedule.cadence.step.days
    periods_ahead = -(-(d - schedule.anchor).days // step)
    return schedule.anchor + timedelta(days=periods_ahead * step)


def period_for_local_date(schedule: CheckinSchedule, d: date) -> Period:
    """The period dated ``d``.

    Raises ``ValueError`` if ``d`` is not on the schedule's weekday and parity. The anchor
    and any pause are not checked: they decide which periods are due, not what a stored
    period key means, so an old key can always be turned back into its due time.
    """
    if isinstance(d, datetime) or not isinstance(d, date):
        raise ValueError("d must be a datetime.date")
    if not schedule.is_occurrence(d):
        raise ValueError(f"{d.isoformat()} is not a check-in date of this schedule")
    return _period(schedule, d, schedule.zone)


def next_period(schedule: CheckinSchedule, after: datetime) -> Period | None:
    """The first due period strictly after ``after``, or ``None`` if paused indefinitely.

    Never dated before ``anchor`` or ``paused_until``. Because the answer depends only on
    the schedule and ``after``, any instant between two due times yields the later one.
    """
    after = _as_utc(after, "after")
    if schedule.paused_indefinitely:
        return None
    return _next_occurrence(schedule, after)


def _next_occurrence(schedule: CheckinSchedule, after: datetime) -> Period:
    zone = schedule.zone
    earliest = max(schedule.anchor, after.astimezone(zone).date() - _LOOKBACK)
    if schedule.paused_until is not None:
        earliest = max(earliest, schedule.paused_until)
    d = _first_occurrence_on_or_after(schedule, earliest)
    while True:
        period = _period(schedule, d, zone)
        if period.due_at > after:
            return period
        d += schedule.cadence.step


def periods_between(schedule: CheckinSchedule, start: datetime, end: datetime) -> list[Period]:
    """Periods due in ``(start, end]``, oldest first.

    Half-open at the start to match :func:`next_period`: scanning from the last instant
    already handled up to ``now`` returns each period once across successive scans.
    """
    start = _as_utc(start, "start")
    end = _as_utc(end, "end")
    found: list[Period] = []
    period = next_period(schedule, start)
    while period is not None and period.due_at <= end:
        found.append(period)
        period = next_period(schedule, period.due_at)
    return found


def classify(due_at: datetime, now: datetime, grace: timedelta = DEFAULT_GRACE) -> OverdueVerdict:
    """What to do with a period at ``now``, e.g. after the bot was down at its due time.

    ``send_now`` from the due instant itself up to and including ``due_at + grace``;
    later than that the period is ``missed`` and recorded without a prompt.
    """
    due_at = _as_utc(due_at, "due_at")
    now = _as_utc(now, "now")
    if grace < timedelta(0):
        raise ValueError("grace must not be negative")
    if now < due_at:
        return "not_due"
    if now - due_at <= grace:
        return "send_now"
    return "missed"


def reminder_at(
    sent_at: datetime,
    next_due_at: datetime | None,
    delay: timedelta = REMINDER_DELAY,
) -> datetime | None:
    """When to send the one reminder for a prompt sent at ``sent_at``.

    ``None`` when the reminder would not come strictly before the next period's prompt:
    the member would otherwise get a nudge and a new prompt at once. ``next_due_at`` is
    ``None`` when no next period is scheduled (paused indefinitely).
    """
    remind = _as_utc(sent_at, "sent_at") + delay
    if next_due_at is None:
        return remind
    return remind if remind < _as_utc(next_due_at, "next_due_at") else None


def new_schedule(
    *,
    weekday: int,
    local_time: time,
    timezone: str,
    now: datetime,
    cadence: Cadence = Cadence.WEEKLY,
) -> CheckinSchedule:
    """A schedule whose first period is the first occurrence strictly after ``now``.

    Anchoring after ``now`` means a slot that already passed today is not treated as
    overdue the moment the member sets their schedule.
    """
    now = _as_utc(now, "now")
    weekly = CheckinSchedule(
        weekday=weekday,
        local_time=local_time,
        timezone=timezone,
        cadence=Cadence.WEEKLY,
        anchor=now.astimezone(_zone(timezone)).date() - _LOOKBACK,
    )
    first = _next_occurrence(weekly, now)
    return replace(weekly, cadence=Cadence(cadence), anchor=first.local_date)


def pause(schedule: CheckinSchedule, until: date | None) -> CheckinSchedule:
    """Pause prompts until the local date ``until`` (that day's period is due), or
    indefinitely when ``until`` is ``None``, in which case :func:`next_period` returns
    ``None`` until :func:`resume`."""
    if until is None:
        return replace(schedule, paused_until=None, paused_indefinitely=True)
    return replace(schedule, paused_until=until, paused_indefinitely=False)


def resume(schedule: CheckinSchedule, now: datetime) -> CheckinSchedule:
    """Clear any pause; prompts continue from the first period strictly after ``now``.

    The pause is folded into ``anchor`` (kept on the cadence's parity) instead of simply
    dropped, so periods that fell inside the pause do not come back as overdue or missed
    to a later scan. A pause that has already ended keeps exactly its set of periods.
    """
    now = _as_utc(now, "now")
    if not schedule.paused_indefinitely and schedule.paused_until is None:
        return schedule
    cleared = replace(schedule, paused_until=None, paused_indefinitely=False)
    today = now.astimezone(schedule.zone).date()
    if schedule.paused_until is not None and schedule.paused_until <= today:
        start = _first_occurrence_on_or_after(cleared, schedule.paused_until)
        return replace(cleared, anchor=start)
    return replace(cleared, anchor=_next_occurrence(cleared, now).local_date)


@dataclass(frozen=True, slots=True)
class PeriodOutcome:
    """How one period went, as far as the at-risk rule needs to know."""

    key: str
    status: CheckinStatus
    goal_statuses: Mapping[int, GoalStatus] = field(default_factory=dict, hash=False)


MISSED_TWICE_REASON: Final = "missed two check-ins in a row"
STUCK_TWICE_REASON: Final = "stuck twice on the same goal"


def at_risk_reason(outcomes: Sequence[PeriodOutcome]) -> str | None:
    """Why a mentee is at risk, from their periods in order, or ``None``.

    * Two adjacent entries both ``missed`` (a pending or answered period in between
      breaks the run).
    * One goal marked ``stuck`` in any two ``answered`` periods, not necessarily
      consecutive: being stuck on the same thing twice is the signal, even with a good
      week between.

    When both hold, both reasons are given, joined by "; ". Reasons never contain member
    text, since they are shown to directors.
    """
    reasons: list[str] = []
    if any(
        earlier.status == "missed" and later.status == "missed"
        for earlier, later in pairwise(outcomes)
    ):
        reasons.append(MISSED_TWICE_REASON)
    stuck_before: set[int] = set()
    for outcome in outcomes:
        if outcome.status != "answered":
            continue
        stuck_now = {goal for goal, status in outcome.goal_statuses.items() if status == "stuck"}
        if stuck_now & stuck_before:
            reasons.append(STUCK_TWICE_REASON)
            break
        stuck_before |= stuck_now
    return "; ".join(reasons) if reasons else None
