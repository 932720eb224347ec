"""The check-in schedule rules over time: pause, resume and a new schedule; the overdue
policy (grace window) and reminders; and the at-risk rule.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.domain.schedule import (
    DEFAULT_GRACE,
    Cadence,
    PeriodOutcome,
    at_risk_reason,
    classify,
    new_schedule,
    next_period,
    pause,
    periods_between,
    reminder_at,
    resume,
)
from tests.unit.schedule_cases import DUE, FORTNIGHTLY, LONDON_MONDAY_9, london_monday_9, utc

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
