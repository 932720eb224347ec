"""The wall clock's refusal, shared by its parts."""

from __future__ import annotations

from typing import Final

# How much of a member's unreadable text is quoted back in a refusal.
SHOWN_MAX: Final = 32
ZONE_SHOWN_MAX: Final = 64


class WallClockError(ValueError):
    """Wall-clock text the member should correct; ``str()`` is the message to show them."""


def shown(text: str, limit: int = SHOWN_MAX) -> str:
    """A member's text as a refusal quotes it back: one line, cut to `limit`."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit] + "…"
