"""How a moment in time is written to and read from SQLite: one UTC text form everywhere.

Stored instants are compared and sorted as text in SQL (`due_at <= ?`, `ORDER BY
created_at`), which is only right if every one has the same fixed width and offset:
`YYYY-MM-DDTHH:MM:SS.ffffff+00:00`. `datetime.isoformat()` drops the microseconds when they
are zero and keeps whatever offset it was given, so it is never used for an instant.
Calendar dates (a target date, a pause's last day) are not instants and stay `YYYY-MM-DD`.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import overload

INSTANT_FORMAT = "%Y-%m-%dT%H:%M:%S.%f+00:00"
INSTANT_WIDTH = len("2026-01-01T00:00:00.000000+00:00")


class NaiveInstantError(ValueError):
    """A datetime without a time zone: which moment it means is a guess, so it is refused."""


def to_db(instant: datetime) -> str:
    """The stored form of `instant`, converted to UTC."""
    if instant.tzinfo is None or instant.utcoffset() is None:
        raise NaiveInstantError(f"an instant must carry its time zone: {instant!r}")
    return instant.astimezone(UTC).strftime(INSTANT_FORMAT)


@overload
def from_db(text: str) -> datetime: ...


@overload
def from_db(text: None) -> None: ...


@overload
def from_db(text: str | None) -> datetime | None: ...


def from_db(text: str | None) -> datetime | None:
    """The instant stored as `text` (None stays None), aware and in UTC."""
    if text is None:
        return None
    instant = datetime.fromisoformat(text)
    if instant.tzinfo is None:
        raise NaiveInstantError(f"a stored instant has no time zone: {text!r}")
    return instant.astimezone(UTC)
