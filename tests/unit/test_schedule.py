"""The check-in schedule rules (bot.domain.schedule): a wall time to UTC on ordinary days,
in gaps and folds; whole DST transitions, one prompt a week at the chosen wall time; and
next_period. Pauses, overdue prompts, reminders and the at-risk rule:
test_schedule_changes.py; parsing and validation: test_schedule_input.py.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.domain.schedule import (
    Cadence,
    CheckinSchedule,
    Period,
    next_period,
    period_for_local_date,
    periods_between,
    wall_time_to_utc,
)
from tests.unit.schedule_cases import (
    FORTNIGHTLY,
    LONDON_MONDAY_9,
    WEEKLY,
    local_wall,
    london_monday_9,
    sched,
    utc,
)
from tests.unit.support import gap_length

# --- wall time to UTC: ordinary days, gaps and folds --------------------------------

WALL_TIME_CASES = [
    # (timezone, local date, local time, expected UTC, expected local wall time)
    # Europe/London: BST 2026-03-29 .. 2026-10-25, 2027-03-28 .. 2027-10-31
    ("Europe/London", date(2026, 3, 22), time(9), utc(2026, 3, 22, 9), time(9)),
    ("Europe/London", date(2026, 3, 29), time(9), utc(2026, 3, 29, 8), time(9)),
    ("Europe/London", date(2026, 10, 25), time(9), utc(2026, 10, 25, 9), time(9)),
    ("Europe/London", date(2027, 3, 28), time(9), utc(2027, 3, 28, 8), time(9)),
    ("Europe/London", date(2027, 10, 31), time(9), utc(2027, 10, 31, 9), time(9)),
    # gap: 01:00-02:00 does not exist; 01:30 moves forward by the hour to 02:30 BST
    ("Europe/London", date(2026, 3, 29), time(1, 30), utc(2026, 3, 29, 1, 30), time(2, 30)),
    ("Europe/London", date(2027, 3, 28), time(1, 30), utc(2027, 3, 28, 1, 30), time(2, 30)),
    # fold: 01:30 happens twice; the first (BST) one is used
    ("Europe/London", date(2026, 10, 25), time(1, 30), utc(2026, 10, 25, 0, 30), time(1, 30)),
    ("Europe/London", date(2027, 10, 31), time(1, 30), utc(2027, 10, 31, 0, 30), time(1, 30)),
    # America/New_York: EDT 2026-03-08 .. 2026-11-01, 2027-03-14 .. 2027-11-07
    ("America/New_York", date(2026, 3, 1), time(18), utc(2026, 3, 1, 23), time(18)),
    ("America/New_York", date(2026, 3, 8), time(18), utc(2026, 3, 8, 22), time(18)),
    ("America/New_York", date(2026, 11, 1), time(18), utc(2026, 11, 1, 23), time(18)),
    ("America/New_York", date(2027, 3, 14), time(18), utc(2027, 3, 14, 22), time(18)),
    ("America/New_York", date(2027, 11, 7), time(18), utc(2027, 11, 7, 23), time(18)),
    # gap: 02:30 on the spring-forward day is due at 03:30 EDT
    ("America/New_York", date(2026, 3, 8), time(2, 30), utc(2026, 3, 8, 7, 30), time(3, 30)),
    ("America/New_York", date(2027, 3, 14), time(2, 30), utc(2027, 3, 14, 7, 30), time(3, 30)),
    # gap boundaries: 02:00 is already in the gap, 03:00 is the first valid minute
    ("America/New_York", date(2026, 3, 8), time(2, 0), utc(2026, 3, 8, 7), time(3, 0)),
    ("America/New_York", date(2026, 3, 8), time(3, 0), utc(2026, 3, 8, 7), time(3, 0)),
    ("America/New_York", date(2026, 3, 8), time(1, 59), utc(2026, 3, 8, 6, 59), time(1, 59)),
    # fold: first (EDT) 01:30
    ("America/New_York", date(2026, 11, 1), time(1, 30), utc(2026, 11, 1, 5, 30), time(1, 30)),
    ("America/New_York", date(2027, 11, 7), time(1, 30), utc(2027, 11, 7, 5, 30), time(1, 30)),
    # Australia/Sydney: DST ends 2026-04-05 (03:00 -> 02:00), starts 2026-10-04 (02:00 -> 03:00)
    ("Australia/Sydney", date(2026, 4, 5), time(2, 30), utc(2026, 4, 4, 15, 30), time(2, 30)),
    ("Australia/Sydney", date(2026, 10, 4), time(2, 30), utc(2026, 10, 3, 16, 30), time(3, 30)),
    ("Australia/Sydney", date(2026, 4, 5), time(9), utc(2026, 4, 4, 23), time(9)),
    ("Australia/Sydney", date(2026, 10, 4), time(9), utc(2026, 10, 3, 22), time(9)),
    ("Australia/Sydney", date(2027, 4, 4), time(9), utc(2027, 4, 3, 23), time(9)),
    ("Australia/Sydney", date(2027, 10, 3), time(9), utc(2027, 10, 2, 22), time(9)),
    # no DST at all
    ("Asia/Shanghai", date(2026, 3, 8), time(2, 30), utc(2026, 3, 7, 18, 30), time(2, 30)),
    ("Asia/Shanghai", date(2026, 11, 1), time(9), utc(2026, 11, 1, 1), time(9)),
    ("Asia/Kolkata", date(2026, 3, 29), time(9), utc(2026, 3, 29, 3, 30), time(9)),
    ("Asia/Kolkata", date(2026, 1, 1), time(0, 15), utc(2025, 12, 31, 18, 45), time(0, 15)),
    # half-hour DST (Lord Howe gains 30 minutes): 02:15 moves forward by the 30-minute gap
    ("Australia/Lord_Howe", date(2026, 10, 4), time(2, 15), utc(2026, 10, 3, 15, 45), time(2, 45)),
]


@pytest.mark.parametrize(("tz", "day", "at", "expected_utc", "expected_wall"), WALL_TIME_CASES)
def test_wall_time_to_utc(
    tz: str, day: date, at: time, expected_utc: datetime, expected_wall: time
) -> None:
    due = wall_time_to_utc(day, at, tz)
    assert due == expected_utc
    assert due.tzinfo is UTC
    assert due.astimezone(ZoneInfo(tz)).time() == expected_wall
    # a gap shifts the time, never the date: the prompt stays on its day
    assert due.astimezone(ZoneInfo(tz)).date() == day


def test_day_skipped_by_the_date_line_is_prompted_the_next_day() -> None:
    # Samoa skipped 2011-12-30 entirely; the period keeps its key and is due 24 h later.
    schedule = sched(4, "10:00", "Pacific/Apia", date(2011, 12, 1))
    period = period_for_local_date(schedule, date(2011, 12, 30))
    assert period.key == "2011-12-30"
    assert period.due_at.astimezone(ZoneInfo("Pacific/Apia")) == datetime(
        2011, 12, 31, 10, tzinfo=ZoneInfo("Pacific/Apia")
    )
    keys = [p.key for p in periods_between(schedule, utc(2011, 12, 20), utc(2012, 1, 10))]
    assert keys == ["2011-12-23", "2011-12-30", "2012-01-06"]


# --- whole transitions: every week once, at the chosen wall time ---------------------

TRANSITION_CASES = [
    # (timezone, weekday, local time, range start, range end)
    ("Europe/London", 6, "09:00", date(2026, 3, 1), date(2027, 12, 31)),
    ("Europe/London", 6, "01:30", date(2026, 3, 1), date(2027, 12, 31)),
    ("America/New_York", 6, "02:30", date(2026, 2, 1), date(2027, 12, 31)),
    ("America/New_York", 6, "01:30", date(2026, 2, 1), date(2027, 12, 31)),
    ("America/New_York", 0, "18:00", date(2026, 2, 1), date(2027, 12, 31)),
    ("Australia/Sydney", 6, "02:30", date(2026, 1, 1), date(2027, 12, 31)),
    ("Asia/Shanghai", 2, "07:45", date(2026, 1, 1), date(2027, 12, 31)),
    ("Asia/Kolkata", 4, "16:30", date(2026, 1, 1), date(2027, 12, 31)),
]


@pytest.mark.parametrize("cadence", [WEEKLY, FORTNIGHTLY])
@pytest.mark.parametrize(("tz", "weekday", "at", "first", "last"), TRANSITION_CASES)
def test_every_period_once_across_transitions(
    tz: str, weekday: int, at: str, first: date, last: date, cadence: Cadence
) -> None:
    schedule = sched(weekday, at, tz, first, cadence)
    start = datetime.combine(first, time(0), ZoneInfo(tz)) - timedelta(days=1)
    end = datetime.combine(last, time(0), ZoneInfo(tz))
    periods = periods_between(schedule, start, end)

    expected_dates = []
    d = schedule.anchor
    while d < last:
        expected_dates.append(d)
        d += cadence.step
    assert [p.local_date for p in periods] == expected_dates
    assert [p.key for p in periods] == [d.isoformat() for d in expected_dates]
    dues = [p.due_at for p in periods]
    assert dues == sorted(set(dues))

    chosen = schedule.local_time
    zone = ZoneInfo(tz)
    shifted = []
    for period in periods:
        wall = period.due_at.astimezone(zone)
        assert wall.date() == period.local_date
        if wall.time() != chosen:
            shifted.append(period.key)
            # only inside a spring-forward gap, and then by exactly the gap
            naive = datetime.combine(period.local_date, chosen)
            gap = gap_length(naive, zone)
            assert gap > timedelta(0)
            assert wall.replace(tzinfo=None) == naive + gap
    if at not in {"02:30", "01:30"} or tz in {"Asia/Shanghai", "Asia/Kolkata"}:
        assert shifted == []


def test_new_york_gap_only_shifts_the_transition_day() -> None:
    schedule = sched(6, "02:30", "America/New_York", date(2026, 3, 1))
    periods = periods_between(schedule, utc(2026, 2, 28), utc(2026, 3, 23))
    walls = [local_wall(p, "America/New_York") for p in periods]
    assert walls == [
        (date(2026, 3, 1), time(2, 30)),
        (date(2026, 3, 8), time(3, 30)),
        (date(2026, 3, 15), time(2, 30)),
        (date(2026, 3, 22), time(2, 30)),
    ]


def test_london_fold_is_prompted_once_at_the_first_0130() -> None:
    schedule = sched(6, "01:30", "Europe/London", date(2026, 10, 18))
    first_0130 = utc(2026, 10, 25, 0, 30)
    second_0130 = utc(2026, 10, 25, 1, 30)
    period = next_period(schedule, first_0130 - timedelta(seconds=1))
    assert period is not None
    assert (period.key, period.due_at) == ("2026-10-25", first_0130)
    # from the first 01:30 (or the repeated hour) the next prompt is a week later
    for after in (first_0130, second_0130, second_0130 + timedelta(minutes=1)):
        following = next_period(schedule, after)
        assert following is not None
        assert following.key == "2026-11-01"
        assert following.due_at == utc(2026, 11, 1, 1, 30)


# --- next_period ---------------------------------------------------------------------

SYDNEY_MONDAY_7 = sched(0, "07:00", "Australia/Sydney", date(2026, 1, 5))

NEXT_PERIOD_CASES = [
    # (schedule, after, expected key)
    (LONDON_MONDAY_9, utc(2026, 1, 1), "2026-11-02"),  # never before the anchor
    (LONDON_MONDAY_9, utc(2026, 11, 2, 8, 59, 59), "2026-11-02"),
    (LONDON_MONDAY_9, utc(2026, 11, 2, 9), "2026-11-09"),  # strictly after
    (LONDON_MONDAY_9, utc(2026, 11, 5), "2026-11-09"),
    (LONDON_MONDAY_9, utc(2026, 11, 30, 8), "2026-11-30"),
    # the weekday decides, not the UTC date: Sunday 23:30 in New York is Monday in UTC
    (
        sched(0, "09:00", "America/New_York", date(2026, 11, 2)),
        datetime(2026, 11, 8, 23, 30, tzinfo=ZoneInfo("America/New_York")),
        "2026-11-09",
    ),
    # Sydney is ahead of UTC: Monday 07:00 Sydney is Sunday in UTC
    (SYDNEY_MONDAY_7, utc(2026, 6, 7, 20, 59), "2026-06-08"),
    (SYDNEY_MONDAY_7, utc(2026, 6, 7, 21), "2026-06-15"),
    # fortnightly parity from the anchor
    (london_monday_9(date(2026, 11, 2), FORTNIGHTLY), utc(2026, 11, 3), "2026-11-16"),
    (london_monday_9(date(2026, 11, 2), FORTNIGHTLY), utc(2026, 11, 10), "2026-11-16"),
    (london_monday_9(date(2026, 11, 2), FORTNIGHTLY), utc(2027, 3, 23), "2027-04-05"),
    # pause until a local date: that day's period is due, earlier ones are not
    (
        london_monday_9(date(2026, 11, 2), WEEKLY, date(2026, 11, 23)),
        utc(2026, 11, 3),
        "2026-11-23",
    ),
    (
        london_monday_9(date(2026, 11, 2), WEEKLY, date(2026, 11, 24)),
        utc(2026, 11, 3),
        "2026-11-30",
    ),
    # a pause that ends on an off-parity week waits for the next fortnight
    (
        sched(0, "09:00", "Europe/London", date(2026, 11, 2), FORTNIGHTLY, date(2026, 11, 23)),
        utc(2026, 11, 3),
        "2026-11-30",
    ),
    # half-hour zone
    (sched(2, "09:00", "Asia/Kolkata", date(2026, 1, 7)), utc(2026, 1, 14, 3, 29), "2026-01-14"),
    (sched(2, "09:00", "Asia/Kolkata", date(2026, 1, 7)), utc(2026, 1, 14, 3, 30), "2026-01-21"),
]


@pytest.mark.parametrize(("schedule", "after", "expected"), NEXT_PERIOD_CASES)
def test_next_period(schedule: CheckinSchedule, after: datetime, expected: str) -> None:
    period = next_period(schedule, after)
    assert period is not None
    assert period.key == expected
    assert period.due_at > after
    assert period == period_for_local_date(schedule, date.fromisoformat(expected))


def test_anchor_is_snapped_forward_to_the_weekday() -> None:
    # 2026-11-04 is a Wednesday; the first Monday period is 2026-11-09
    schedule = sched(0, "09:00", "Europe/London", date(2026, 11, 4), FORTNIGHTLY)
    assert schedule.anchor == date(2026, 11, 9)
    period = next_period(schedule, utc(2026, 1, 1))
    assert period is not None
    assert period.key == "2026-11-09"


def test_key_is_independent_of_the_starting_instant() -> None:
    schedule = sched(3, "20:00", "America/New_York", date(2026, 1, 1), FORTNIGHTLY)
    target = period_for_local_date(schedule, date(2026, 11, 5))
    starts = [
        target.due_at - timedelta(days=13, hours=23),
        target.due_at - timedelta(days=1),
        target.due_at - timedelta(seconds=1),
        utc(2026, 10, 23, 0, 0),  # exactly the previous due instant
    ]
    for start in starts:
        assert next_period(schedule, start) == target


@pytest.mark.parametrize(
    ("day", "ok"),
    [
        (date(2026, 11, 2), True),
        (date(2026, 11, 16), True),
        (date(2026, 10, 19), True),  # before the anchor: still a valid stored key
        (date(2026, 11, 9), False),  # wrong parity
        (date(2026, 11, 3), False),  # wrong weekday
    ],
)
def test_period_for_local_date(day: date, ok: bool) -> None:
    schedule = london_monday_9(date(2026, 11, 2), FORTNIGHTLY)
    if ok:
        period = period_for_local_date(schedule, day)
        assert period.key == day.isoformat()
        assert period.local_date == day
    else:
        with pytest.raises(ValueError, match="not a check-in date"):
            period_for_local_date(schedule, day)


def test_periods_between_is_half_open_and_matches_chained_scans() -> None:
    schedule = LONDON_MONDAY_9
    first = utc(2026, 11, 2, 9)
    assert [p.key for p in periods_between(schedule, first, first + timedelta(days=7))] == [
        "2026-11-09"
    ]
    assert [p.key for p in periods_between(schedule, first - timedelta(seconds=1), first)] == [
        "2026-11-02"
    ]
    assert periods_between(schedule, first, first) == []
    assert periods_between(schedule, first, first - timedelta(days=30)) == []
    # scanning in slices returns each period exactly once
    whole = periods_between(schedule, utc(2026, 11, 1), utc(2027, 6, 1))
    sliced: list[Period] = []
    cursor = utc(2026, 11, 1)
    while cursor < utc(2027, 6, 1):
        step_end = min(cursor + timedelta(hours=37), utc(2027, 6, 1))
        sliced += periods_between(schedule, cursor, step_end)
        cursor = step_end
    assert sliced == whole
