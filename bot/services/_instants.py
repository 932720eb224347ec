"""Stored instants for the director services: UTC text of one shape
(`YYYY-MM-DDTHH:MM:SS.ffffff+00:00`), so they compare correctly as text in SQL."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import overload


def to_db(moment: datetime) -> str:
    """An aware instant as stored text; a naive one names no moment and is refused."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("a stored instant needs a timezone-aware datetime")
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f+00:00")


@overload
def from_db(text: str) -> datetime: ...
@overload
def from_db(text: None) -> None: ...
def from_db(text: str | None) -> datetime | None:
    """Stored text back to an aware UTC instant (older rows without microseconds too)."""
    if text is None:
        return None
    moment = datetime.fromisoformat(text)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)
