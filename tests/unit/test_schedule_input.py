"""The check-in schedule's input: parsing a day and a time as members type them, and the
validation of a schedule and of the instants the rules are given (naive datetimes refused).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.domain.schedule import (
    CheckinSchedule,
    Period,
    classify,
    new_schedule,
    next_period,
    pause,
    periods_between,
    reminder_at,
    resume,
)
from bot.domain.wallclock import parse_day, parse_time
from tests.unit.schedule_cases import DUE, FORTNIGHTLY, LONDON_MONDAY_9, WEEKLY

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
