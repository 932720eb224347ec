from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.domain.schedule import (
    DEFAULT_GRACE,
    Cadence,
    CheckinSchedule,
    Period,
    PeriodOutcome,
    at_risk_reason,
    classify,
    new_schedule,
    next_period,
    pause,
    period_for_local_date,
    periods_between,
    reminder_at,
    resume,
    wall_time_to_utc,
)
from bot.domain.wallclock import parse_day, parse_time

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


def gap_length(naive: datetime, zone: ZoneInfo) -> timedelta:
    """Offset after minus offset before a transition around ``naive``."""
    after = naive.replace(tzinfo=zone, fold=1).utcoffset()
    before = naive.replace(tzinfo=zone, fold=0).utcoffset()
    assert after is not None
    assert before is not None
    return after - before


def london_monday_9(
    anchor: date, cadence: Cadence = WEEKLY, paused_until: date | None = None
) -> CheckinSchedule:
    return sched(0, "09:00", "Europe/London", anchor, cadence, paused_until)


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

LONDON_MONDAY_9 = london_monday_9(date(2026, 11, 2))
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


# --- pause / resume / new schedule ---------------------------------------------------


def test_pause_indefinitely_stops_prompts() -> None:
    paused = pause(LONDON_MONDAY_9, None)
    assert paused.paused_indefinitely
    assert next_period(paused, utc(2026, 11, 3)) is None
    assert periods_between(paused, utc(2026, 11, 3), utc(2027, 11, 3)) == []


def test_pause_until_date_then_change_to_indefinite_and_back() -> None:
    paused = pause(LONDON_MONDAY_9, date(2026, 12, 1))
    assert paused.paused_until == date(2026, 12, 1)
    assert not paused.paused_indefinitely
    period = next_period(paused, utc(2026, 11, 3))
    assert period is not None
    assert period.key == "2026-12-07"
    forever = pause(paused, None)
    assert forever.paused_until is None
    again = pause(forever, date(2026, 12, 1))
    assert again == paused


def test_resume_from_indefinite_pause_continues_from_now() -> None:
    schedule = london_monday_9(date(2026, 11, 2), FORTNIGHTLY)
    paused = pause(schedule, None)
    now = utc(2027, 1, 11, 10)  # a Monday on parity, after that day's 09:00
    resumed = resume(paused, now)
    assert not resumed.paused_indefinitely
    assert resumed.paused_until is None
    period = next_period(resumed, now)
    assert period is not None
    assert period.key == "2027-01-25"  # parity kept
    # nothing dated inside the pause comes back as overdue
    assert periods_between(resumed, utc(2026, 11, 1), now) == []


def test_resume_from_dated_pause_before_it_ends() -> None:
    paused = pause(LONDON_MONDAY_9, date(2027, 1, 1))
    now = utc(2026, 11, 20)
    resumed = resume(paused, now)
    period = next_period(resumed, now)
    assert period is not None
    assert period.key == "2026-11-23"
    assert periods_between(resumed, utc(2026, 11, 1), now) == []


def test_resume_after_a_dated_pause_has_ended_keeps_its_periods() -> None:
    paused = pause(LONDON_MONDAY_9, date(2026, 11, 20))
    now = utc(2026, 12, 1)
    resumed = resume(paused, now)
    assert resumed.paused_until is None
    window = (utc(2026, 10, 1), utc(2027, 3, 1))
    assert periods_between(resumed, *window) == periods_between(paused, *window)


def test_resume_when_not_paused_changes_nothing() -> None:
    assert resume(LONDON_MONDAY_9, utc(2027, 1, 1)) is LONDON_MONDAY_9


@pytest.mark.parametrize(
    ("now", "expected_first"),
    [
        (datetime(2026, 11, 2, 8, 59, tzinfo=ZoneInfo("Europe/London")), "2026-11-02"),
        (datetime(2026, 11, 2, 9, 0, tzinfo=ZoneInfo("Europe/London")), "2026-11-09"),
        (datetime(2026, 11, 4, 12, 0, tzinfo=ZoneInfo("Europe/London")), "2026-11-09"),
    ],
)
def test_new_schedule_starts_strictly_after_now(now: datetime, expected_first: str) -> None:
    for cadence in Cadence:
        schedule = new_schedule(
            weekday=0,
            local_time=time(9),
            timezone="Europe/London",
            now=now,
            cadence=cadence,
        )
        assert schedule.anchor.isoformat() == expected_first
        assert [p.key for p in periods_between(schedule, now - timedelta(days=30), now)] == []
        period = next_period(schedule, now)
        assert period is not None
        assert period.key == expected_first


# --- overdue policy and reminders ----------------------------------------------------

DUE = utc(2026, 11, 2, 9)


@pytest.mark.parametrize(
    ("now", "grace", "expected"),
    [
        (DUE - timedelta(microseconds=1), DEFAULT_GRACE, "not_due"),
        (DUE, DEFAULT_GRACE, "send_now"),
        (DUE + timedelta(hours=11, minutes=59), DEFAULT_GRACE, "send_now"),
        (DUE + timedelta(hours=12), DEFAULT_GRACE, "send_now"),
        (DUE + timedelta(hours=12, microseconds=1), DEFAULT_GRACE, "missed"),
        (DUE + timedelta(days=30), DEFAULT_GRACE, "missed"),
        (DUE + timedelta(hours=1), timedelta(hours=1), "send_now"),
        (DUE + timedelta(hours=1, seconds=1), timedelta(hours=1), "missed"),
        (DUE, timedelta(0), "send_now"),
        (DUE + timedelta(seconds=1), timedelta(0), "missed"),
        # other offsets describe the same instants
        (datetime(2026, 11, 2, 4, tzinfo=ZoneInfo("America/New_York")), DEFAULT_GRACE, "send_now"),
    ],
)
def test_classify(now: datetime, grace: timedelta, expected: str) -> None:
    assert classify(DUE, now, grace) == expected


def test_classify_default_grace_is_twelve_hours() -> None:
    assert timedelta(hours=12) == DEFAULT_GRACE
    assert classify(DUE, DUE + timedelta(hours=12)) == "send_now"
    assert classify(DUE, DUE + timedelta(hours=12, seconds=1)) == "missed"


def test_classify_rejects_negative_grace() -> None:
    with pytest.raises(ValueError, match="grace"):
        classify(DUE, DUE, timedelta(seconds=-1))


@pytest.mark.parametrize(
    ("next_due", "expected"),
    [
        (DUE + timedelta(days=7), DUE + timedelta(hours=24)),
        (DUE + timedelta(hours=24, seconds=1), DUE + timedelta(hours=24)),
        (DUE + timedelta(hours=24), None),  # reminder and next prompt at once: no reminder
        (DUE + timedelta(hours=23), None),
        (None, DUE + timedelta(hours=24)),
    ],
)
def test_reminder_at(next_due: datetime | None, expected: datetime | None) -> None:
    assert reminder_at(DUE, next_due) == expected


def test_reminder_is_24_hours_not_a_calendar_day_across_dst() -> None:
    sent = datetime(2026, 10, 24, 9, tzinfo=ZoneInfo("Europe/London"))
    remind = reminder_at(sent, None)
    assert remind == utc(2026, 10, 25, 8)
    assert remind is not None
    assert remind.tzinfo is UTC


# --- at-risk rule --------------------------------------------------------------------


def outcome(key: str, status: str, **goals: str) -> PeriodOutcome:
    return PeriodOutcome(
        key=key,
        status=status,  # type: ignore[arg-type]
        goal_statuses={int(goal[1:]): value for goal, value in goals.items()},  # type: ignore[misc]
    )


MISSED = "missed two check-ins in a row"
STUCK = "stuck twice on the same goal"

AT_RISK_CASES = [
    ([], None),
    ([outcome("w1", "missed")], None),
    ([outcome("w1", "missed"), outcome("w2", "missed")], MISSED),
    ([outcome("w1", "missed"), outcome("w2", "answered"), outcome("w3", "missed")], None),
    ([outcome("w1", "missed"), outcome("w2", "pending"), outcome("w3", "missed")], None),
    ([outcome("w1", "answered"), outcome("w2", "missed"), outcome("w3", "missed")], MISSED),
    ([outcome("w1", "missed"), outcome("w2", "pending")], None),
    ([outcome("w1", "answered", g1="stuck"), outcome("w2", "answered", g1="stuck")], STUCK),
    # any two answered periods, not only consecutive ones
    (
        [
            outcome("w1", "answered", g1="stuck"),
            outcome("w2", "answered", g1="on_track"),
            outcome("w3", "missed"),
            outcome("w4", "answered", g1="stuck"),
        ],
        STUCK,
    ),
    ([outcome("w1", "answered", g1="stuck"), outcome("w2", "answered", g2="stuck")], None),
    ([outcome("w1", "answered", g1="stuck", g2="stuck")], None),
    ([outcome("w1", "answered", g1="stuck"), outcome("w2", "answered", g1="done")], None),
    # only answered periods count
    ([outcome("w1", "answered", g1="stuck"), outcome("w2", "pending", g1="stuck")], None),
    (
        [
            outcome("w1", "answered", g1="stuck"),
            outcome("w2", "missed"),
            outcome("w3", "missed"),
            outcome("w4", "answered", g1="stuck"),
        ],
        f"{MISSED}; {STUCK}",
    ),
]


@pytest.mark.parametrize(("outcomes", "expected"), AT_RISK_CASES)
def test_at_risk_reason(outcomes: list[PeriodOutcome], expected: str | None) -> None:
    assert at_risk_reason(outcomes) == expected
    assert at_risk_reason(tuple(outcomes)) == expected


# --- parsers -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Monday", 0),
        ("mon", 0),
        ("Mon", 0),
        ("MONDAY", 0),
        ("  monday  ", 0),
        ("Mondays", 0),
        ("mo", 0),
        ("tue", 1),
        ("Tues", 1),
        ("tu", 1),
        ("wed", 2),
        ("Weds", 2),
        ("wednesday", 2),
        ("thu", 3),
        ("Thurs", 3),
        ("thursday", 3),
        ("fri", 4),
        ("Fri.", 4),
        ("sat", 5),
        ("sun", 6),
        ("Sunday", 6),
    ],
)
def test_parse_day(text: str, expected: int) -> None:
    assert parse_day(text) == expected


@pytest.mark.parametrize("text", ["", "   ", "t", "s", "x", "mondayy", "funday", "1", "lundi"])
def test_parse_day_rejects(text: str) -> None:
    with pytest.raises(ValueError, match="day of the week"):
        parse_day(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("09:00", time(9)),
        ("9:00", time(9)),
        ("9am", time(9)),
        ("9 am", time(9)),
        ("9AM", time(9)),
        ("9 a.m.", time(9)),
        ("9:30 pm", time(21, 30)),
        ("9:30pm", time(21, 30)),
        ("9:30 PM", time(21, 30)),
        ("21:30", time(21, 30)),
        ("21.30", time(21, 30)),
        ("00:00", time(0)),
        ("0:05", time(0, 5)),
        ("23:59", time(23, 59)),
        ("12am", time(0)),
        ("12:30 am", time(0, 30)),
        ("12pm", time(12)),
        ("12:15 p.m.", time(12, 15)),
        ("1pm", time(13)),
        ("11:59 pm", time(23, 59)),
        ("noon", time(12)),
        ("Midnight", time(0)),
        ("  7:05  ", time(7, 5)),
        # A bare hour is read on the 24-hour clock, as sign-up always read it.
        ("9", time(9)),
        ("21", time(21)),
        ("9h30", time(9, 30)),
    ],
)
def test_parse_time(text: str, expected: time) -> None:
    assert parse_time(text) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "Please give a time"),
        ("   ", "Please give a time"),
        ("25:00", "Hours go from 0 to 23"),
        ("24:00", "Hours go from 0 to 23"),
        ("9:60", "Minutes go from 00 to 59"),
        ("13pm", "hours go from 1 to 12"),
        ("0am", "hours go from 1 to 12"),
        ("21:30 pm", "hours go from 1 to 12"),
        ("9:5", "couldn't read"),
        ("9:000", "couldn't read"),
        ("9m", "couldn't read"),
        ("nine", "couldn't read"),
        ("9:30:00", "couldn't read"),
        ("-1:00", "couldn't read"),
        ("\u0669:00", "couldn't read"),  # Arabic-Indic digit nine
        ("9 xm", "couldn't read"),
    ],
)
def test_parse_time_rejects_with_friendly_message(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=f"(?i){message}"):
        parse_time(text)


# --- validation ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"timezone": "Mars/Olympus"}, "unknown timezone"),
        ({"timezone": ""}, "IANA"),
        ({"timezone": "../../etc/passwd"}, "unknown timezone"),
        ({"weekday": 7}, "weekday"),
        ({"weekday": -1}, "weekday"),
        ({"weekday": True}, "weekday"),
        ({"local_time": time(9, tzinfo=UTC)}, "without tzinfo"),
        ({"cadence": "monthly"}, "monthly"),
        ({"paused_until": date(2027, 1, 1), "paused_indefinitely": True}, "either"),
    ],
)
def test_schedule_validation(changes: dict[str, object], message: str) -> None:
    fields: dict[str, object] = {
        "weekday": 0,
        "local_time": time(9),
        "timezone": "Europe/London",
        "cadence": WEEKLY,
        "anchor": date(2026, 11, 2),
    }
    fields.update(changes)
    with pytest.raises(ValueError, match=message):
        CheckinSchedule(**fields)  # type: ignore[arg-type]


def test_cadence_given_as_text_is_coerced() -> None:
    schedule = CheckinSchedule(0, time(9), "Europe/London", "fortnightly", date(2026, 11, 2))  # type: ignore[arg-type]
    assert schedule.cadence is FORTNIGHTLY


NAIVE = datetime(2026, 11, 2, 9)  # noqa: DTZ001 - deliberately naive


@pytest.mark.parametrize(
    "call",
    [
        lambda: next_period(LONDON_MONDAY_9, NAIVE),
        lambda: periods_between(LONDON_MONDAY_9, NAIVE, DUE),
        lambda: periods_between(LONDON_MONDAY_9, DUE, NAIVE),
        lambda: classify(NAIVE, DUE),
        lambda: classify(DUE, NAIVE),
        lambda: reminder_at(NAIVE, DUE),
        lambda: reminder_at(DUE, NAIVE + timedelta(days=7)),
        lambda: resume(pause(LONDON_MONDAY_9, None), NAIVE),
        lambda: new_schedule(weekday=0, local_time=time(9), timezone="UTC", now=NAIVE),
        lambda: Period(key="2026-11-02", local_date=date(2026, 11, 2), due_at=NAIVE),
    ],
)
def test_naive_datetimes_are_rejected(call: object) -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        call()  # type: ignore[operator]


def test_classify_measures_real_elapsed_time_within_one_zone() -> None:
    london = ZoneInfo("Europe/London")
    due = datetime(2026, 10, 25, 1, 30, tzinfo=london)  # first 01:30, BST
    now = datetime(2026, 10, 25, 1, 30, fold=1, tzinfo=london)  # an hour later, GMT
    assert classify(due, now, timedelta(minutes=30)) == "missed"
    assert classify(due, now, timedelta(hours=1)) == "send_now"
    assert classify(now, due, timedelta(hours=1)) == "not_due"
