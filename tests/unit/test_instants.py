"""The one stored form of an instant: round-trips, fixed width, sorts as time sorts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.db.instants import INSTANT_WIDTH, NaiveInstantError, from_db, to_db

OFFSETS = st.integers(min_value=-14 * 60, max_value=14 * 60).map(
    lambda minutes: timezone(timedelta(minutes=minutes))
)
INSTANTS = st.datetimes(
    min_value=datetime(1971, 1, 1),  # noqa: DTZ001 - hypothesis bounds are naive
    max_value=datetime(9998, 12, 31),  # noqa: DTZ001
    timezones=OFFSETS,
)


@given(INSTANTS)
def test_round_trip_keeps_the_moment_and_is_utc(instant: datetime) -> None:
    text = to_db(instant)
    back = from_db(text)
    assert back == instant
    assert back.utcoffset() == timedelta(0)
    assert len(text) == INSTANT_WIDTH and text.endswith("+00:00")


@given(INSTANTS, INSTANTS)
def test_text_order_is_time_order(a: datetime, b: datetime) -> None:
    assert (to_db(a) < to_db(b)) == (a < b)
    assert (to_db(a) == to_db(b)) == (a == b)


def test_whole_seconds_keep_their_microseconds() -> None:
    """`isoformat()` would write 09:00:00+00:00 here and sort it after 09:00:00.5."""
    whole = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
    assert to_db(whole) == "2026-11-02T09:00:00.000000+00:00"
    assert to_db(whole) < to_db(whole + timedelta(microseconds=500_000))


def test_other_offsets_are_stored_in_utc() -> None:
    paris = datetime(2026, 11, 2, 10, 0, tzinfo=timezone(timedelta(hours=1)))
    assert to_db(paris) == "2026-11-02T09:00:00.000000+00:00"


def test_naive_datetimes_are_refused() -> None:
    with pytest.raises(NaiveInstantError):
        to_db(datetime(2026, 11, 2, 9, 0))  # noqa: DTZ001 - the bug being refused
    with pytest.raises(NaiveInstantError):
        from_db("2026-11-02T09:00:00")


def test_none_stays_none() -> None:
    assert from_db(None) is None
