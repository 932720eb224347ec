from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.domain.schedule import (
    Cadence,
    CheckinSchedule,
    Period,
    next_period,
    pause,
    period_for_local_date,
    periods_between,
    resume,
)
from bot.domain.wallclock import parse_day, parse_time

ZONES = [
    "UTC",
    "Europe/London",
    "America/New_York",
    "Asia/Shanghai",
    "Asia/Kolkata",
    "Australia/Sydney",
    "Australia/Lord_Howe",  # 30-minute DST shift
    "Pacific/Chatham",  # +12:45 / +13:45
    "America/Santiago",  # transitions at local midnight
    "America/Havana",  # transitions at local midnight
    "Asia/Tehran",
    "Europe/Dublin",  # negative DST in the tz database
    "Pacific/Apia",  # skipped a whole day in 2011
]

FIRST_DAY = date(2010, 1, 1)
LAST_DAY = date(2032, 12, 31)
SETTINGS = settings(max_examples=200, deadline=None)


@st.composite
def schedules(draw: st.DrawFn) -> CheckinSchedule:
    minute = draw(st.sampled_from([0, 15, 30, 45]) | st.integers(0, 59))
    return CheckinSchedule(
        weekday=draw(st.integers(0, 6)),
        local_time=time(draw(st.integers(0, 23)), minute),
        timezone=draw(st.sampled_from(ZONES)),
        cadence=draw(st.sampled_from(Cadence)),
        anchor=draw(st.dates(FIRST_DAY, LAST_DAY - timedelta(days=365 * 5))),
    )


def instants_near(anchor: date) -> st.SearchStrategy[datetime]:
    base = datetime.combine(anchor, time(0), UTC)
    return st.integers(-200 * 86400, 4 * 365 * 86400).map(lambda s: base + timedelta(seconds=s))


def brute_force_next(schedule: CheckinSchedule, after: datetime) -> Period:
    d = schedule.anchor
    while True:
        candidate = period_for_local_date(schedule, d)
        if candidate.due_at > after and (
            schedule.paused_until is None or d >= schedule.paused_until
        ):
            return candidate
        d += schedule.cadence.step


def chain(schedule: CheckinSchedule, after: datetime, count: int) -> list[Period]:
    periods = []
    cursor = after
    for _ in range(count):
        period = next_period(schedule, cursor)
        assert period is not None
        periods.append(period)
        cursor = period.due_at
    return periods


@SETTINGS
@given(data=st.data(), schedule=schedules())
def test_successive_periods_increase_without_duplicates(
    data: st.DataObject, schedule: CheckinSchedule
) -> None:
    after = data.draw(instants_near(schedule.anchor))
    periods = chain(schedule, after, 60)
    dues = [p.due_at for p in periods]
    keys = [p.key for p in periods]
    assert all(a < b for a, b in pairwise(dues))
    assert len(set(keys)) == len(keys)
    assert keys == [p.local_date.isoformat() for p in periods]
    assert periods[0].due_at > after
    assert periods[0].local_date >= schedule.anchor
    # the same answer as walking every occurrence from the anchor
    assert periods[0] == brute_force_next(schedule, after)
    # and the same as one scan over the whole window
    assert periods_between(schedule, after, dues[-1]) == periods


@SETTINGS
@given(data=st.data(), schedule=schedules())
def test_due_wall_time_is_the_chosen_time_except_in_a_gap(
    data: st.DataObject, schedule: CheckinSchedule
) -> None:
    zone = ZoneInfo(schedule.timezone)
    after = data.draw(instants_near(schedule.anchor))
    for period in chain(schedule, after, 60):
        assert period.due_at.tzinfo is UTC
        naive = datetime.combine(period.local_date, schedule.local_time)
        wall = period.due_at.astimezone(zone).replace(tzinfo=None)
        if wall == naive:
            continue
        # the chosen time does not exist that day: it is moved forward by the gap
        first = naive.replace(tzinfo=zone, fold=0)
        assert first.astimezone(UTC).astimezone(zone).replace(tzinfo=None) != naive
        after_offset = naive.replace(tzinfo=zone, fold=1).utcoffset()
        before_offset = first.utcoffset()
        assert after_offset is not None
        assert before_offset is not None
        gap = after_offset - before_offset
        assert gap > timedelta(0)
        assert wall == naive + gap


@SETTINGS
@given(data=st.data(), schedule=schedules())
def test_consecutive_periods_are_one_cadence_apart_in_local_days(
    data: st.DataObject, schedule: CheckinSchedule
) -> None:
    after = data.draw(instants_near(schedule.anchor))
    periods = chain(schedule, after, 60)
    for earlier, later in pairwise(periods):
        assert later.local_date - earlier.local_date == schedule.cadence.step
        assert later.local_date.weekday() == schedule.weekday
        # elapsed time differs from the step only by offset changes (and gap shifts)
        drift = abs(later.due_at - earlier.due_at - schedule.cadence.step)
        assert drift <= timedelta(days=1, hours=1)


@SETTINGS
@given(data=st.data(), schedule=schedules())
def test_any_instant_between_due_times_yields_the_later_one(
    data: st.DataObject, schedule: CheckinSchedule
) -> None:
    after = data.draw(instants_near(schedule.anchor))
    earlier, later = chain(schedule, after, 2)
    span = int((later.due_at - earlier.due_at).total_seconds())
    offset = data.draw(st.integers(0, span - 1))
    restart = earlier.due_at + timedelta(seconds=offset)
    # the restart may be expressed in any zone; the answer must not change
    shown_in = data.draw(st.sampled_from([*ZONES, None]))
    if shown_in is not None:
        restart = restart.astimezone(ZoneInfo(shown_in))
    assert next_period(schedule, restart) == later
    assert next_period(schedule, later.due_at - timedelta(microseconds=1)) == later


@SETTINGS
@given(data=st.data(), schedule=schedules())
def test_pause_until_skips_exactly_the_earlier_periods(
    data: st.DataObject, schedule: CheckinSchedule
) -> None:
    after = data.draw(instants_near(schedule.anchor))
    until = data.draw(st.dates(schedule.anchor - timedelta(days=30), LAST_DAY))
    paused = pause(schedule, until)
    period = next_period(paused, after)
    assert period is not None
    assert period.local_date >= until
    assert period == brute_force_next(paused, after)
    unpaused = next_period(schedule, after)
    assert unpaused is not None
    if unpaused.local_date >= until:
        assert period == unpaused


@SETTINGS
@given(data=st.data(), schedule=schedules(), indefinite=st.booleans())
def test_resume_continues_from_now_on_the_same_rhythm(
    data: st.DataObject, schedule: CheckinSchedule, indefinite: bool
) -> None:
    now = data.draw(instants_near(schedule.anchor))
    until = None if indefinite else data.draw(st.dates(schedule.anchor, LAST_DAY))
    paused = pause(schedule, until)
    resumed = resume(paused, now)
    assert resumed.paused_until is None
    assert not resumed.paused_indefinitely
    later = chain(resumed, now, 5)
    for period in later:
        assert schedule.is_occurrence(period.local_date)
        assert period == period_for_local_date(schedule, period.local_date)
    local_today = now.astimezone(ZoneInfo(schedule.timezone)).date()
    if indefinite or (until is not None and until > local_today):
        # prompts restart at the next slot; nothing from the pause comes back
        assert later[0] == next_period(schedule, now)
        assert periods_between(resumed, now - timedelta(days=400), now) == []
    else:
        # the pause had already ended: the same periods as before, past and future
        window = (now - timedelta(days=400), now + timedelta(days=400))
        assert periods_between(resumed, *window) == periods_between(paused, *window)


@SETTINGS
@given(hour=st.integers(0, 23), minute=st.integers(0, 59), spaced=st.booleans())
def test_parse_time_round_trips_both_clocks(hour: int, minute: int, spaced: bool) -> None:
    expected = time(hour, minute)
    assert parse_time(f"{hour:02d}:{minute:02d}") == expected
    assert parse_time(f"{hour}:{minute:02d}") == expected
    twelve = hour % 12 or 12
    meridiem = "am" if hour < 12 else "pm"
    space = " " if spaced else ""
    assert parse_time(f"{twelve}:{minute:02d}{space}{meridiem}") == expected
    assert parse_time(f"{twelve}:{minute:02d}{space}{meridiem.upper()}") == expected


@SETTINGS
@given(text=st.text(max_size=12))
def test_parsers_only_raise_value_error(text: str) -> None:
    for parser in (parse_day, parse_time):
        try:
            parser(text)
        except ValueError as exc:
            assert str(exc)


@SETTINGS
@given(hour=st.integers(24, 99), minute=st.integers(0, 99))
def test_parse_time_rejects_out_of_range(hour: int, minute: int) -> None:
    for text in (f"{hour}:{minute:02d}", f"9:{minute + 60}" if minute < 40 else "9:60"):
        try:
            parse_time(text)
        except ValueError:
            continue
        raise AssertionError(f"{text!r} was accepted")
