"""Numbers and durations written the way the current language writes them (Babel's CLDR
data), so a Chinese reader sees "3小时" where an English one sees "3 hours"."""

from __future__ import annotations

from datetime import timedelta
from typing import Literal

from babel.dates import format_timedelta
from babel.numbers import format_decimal, format_percent

from bot.i18n._core import BABEL_LOCALES, current_language


def number(value: float, *, digits: int = 1) -> str:
    """`value` with at most `digits` decimals ("1,234.5")."""
    pattern = "#,##0" + ("." + "#" * digits if digits > 0 else "")
    return format_decimal(value, format=pattern, locale=BABEL_LOCALES[current_language()])


def percent(fraction: float) -> str:
    """`fraction` (0.0–1.0) as a whole percentage ("83%")."""
    return format_percent(fraction, locale=BABEL_LOCALES[current_language()])


def duration(
    value: timedelta, *, granularity: Literal["day", "hour", "minute", "second"] = "minute"
) -> str:
    """A length of time in words, rounded to its largest unit ("2 hours", "3 days")."""
    return format_timedelta(
        value,
        granularity=granularity,
        threshold=1,
        locale=BABEL_LOCALES[current_language()],
    )
