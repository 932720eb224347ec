"""Wall-clock text: how the bot reads and shows days, times, dates and time zones.

Members type the same thing in many shapes (``Weds``, ``9h30``, ``9``, ``12 Jan``). Every
place that takes such text — sign-up, ``/profile edit``, ``/checkin schedule|pause``,
``/goal`` dates — reads it here, so a form accepted in one place is accepted everywhere,
means the same wall time or date, and a mistake gets the same message wherever it is made.
Where an earlier reading was stricter, the friendlier one was kept (a bare ``9`` is 09:00).

Refusals raise :class:`WallClockError`, whose ``str()`` is written for the member in the
current language (`bot.i18n`); callers turn it into their own error type without rewording
it. Days, times and dates are read in English and Chinese (``Monday``, ``周一``, ``星期一``,
``礼拜一``; ``下午6点半``; ``1月12日``), and day, month and date names are shown in the
current language, from Babel's CLDR data. Rules about *which* date is
acceptable (not in the past, after today) belong to each caller: this module only reads.

Pure: no Discord, no database, and it never reads the clock (callers pass ``today``).

Date forms :func:`parse_date` accepts (case-insensitive, commas ignored):

* ``2027-01-12`` or ``2027/1/12`` (year first, always unambiguous);
* ``today``, ``tomorrow``;
* ``12 Jan``, ``12th January``, ``12 of Jan``, ``Jan 12``, ``January 12th`` — month names in
  full or cut to at least three letters (``Sept``); without a year this is the next such date
  on or after ``today``;
* the same with a four-digit year: ``12 Jan 2027``, ``Jan 12, 2027``;
* in Chinese: ``今天``, ``明天``, ``1月12日`` (or ``号``), ``2027年1月12日``.

All-number forms such as ``12/01/2027`` are refused with their own message: they read
differently around the world (12 January or 1 December), so the member is asked to write
the month as a word or use YYYY-MM-DD.
"""

from __future__ import annotations

import calendar
import re
from datetime import date, datetime, time, timedelta
from typing import Final, Literal

from babel.dates import format_date, get_day_names, get_month_names

from bot.domain.wallclock._errors import WallClockError
from bot.domain.wallclock._errors import shown as _shown
from bot.domain.wallclock.zones import (
    TZDATA_LINKS_FILE,
    is_timezone,
    local_date,
    resolve_timezone,
    search_timezones,
    tzdata_links,
    zone,
)
from bot.i18n import _, current_language
from bot.i18n._core import BABEL_LOCALES

__all__ = [
    "DAY_CODES",
    "DAY_NAMES",
    "MONTH_NAMES",
    "TZDATA_LINKS_FILE",
    "TimestampStyle",
    "WallClockError",
    "day_name",
    "discord_timestamp",
    "format_weekday_time",
    "is_timezone",
    "local_date",
    "month_name",
    "parse_date",
    "parse_day",
    "parse_time",
    "parse_weekday_time",
    "resolve_timezone",
    "search_timezones",
    "show_date",
    "show_time",
    "show_weekday_time",
    "split_weekday_time",
    "tzdata_links",
    "zone",
]

DAY_NAMES: Final = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
"""The one list of day names, Monday first (index = ``date.weekday()``)."""

DAY_CODES: Final = tuple(name[:3].lower() for name in DAY_NAMES)
"""Three-letter codes used in the stored weekday+time form (``mon 09:00``)."""

MONTH_NAMES: Final = (
    *("January", "February", "March", "April", "May", "June"),
    *("July", "August", "September", "October", "November", "December"),
)

TimestampStyle = Literal["t", "T", "d", "D", "f", "F", "R"]
"""Discord's timestamp styles: short/long time, short/long date, short/long both, relative."""

# --------------------------------------------------------------------------- days

_DAY_WORDS: Final = tuple(name.casefold() for name in DAY_NAMES)
_DAY_ALIASES: Final = (
    {"weds": 2}
    | {
        f"{week}{day}": index
        for week in ("周", "星期", "礼拜")
        for index, day in enumerate(("一", "二", "三", "四", "五", "六", "日"))
    }
    | {f"{week}天": 6 for week in ("周", "星期", "礼拜")}
)
"""Other names of days: Chinese weekdays in their three usual forms (Sunday is 日 or 天)."""
_ZH_DAY_RE: Final = re.compile(r"(每?(?:周|星期|礼拜)[一二三四五六日天])\s*(.+)")


def day_name(weekday: int) -> str:
    """The day's name (0 = Monday) in the current language: ``Monday``, ``星期一``."""
    return str(get_day_names("wide", locale=BABEL_LOCALES[current_language()])[weekday])


def month_name(month: int) -> str:
    """The month's name (1 = January) in the current language: ``January``, ``一月``."""
    return str(get_month_names("wide", locale=BABEL_LOCALES[current_language()])[month])


def parse_day(text: str) -> int:
    """Day of the week (0 = Monday) from a name, a plural (``Mondays``), ``weds``, or an
    unambiguous start of a name of at least two letters (``tu``, ``tues``, ``thurs``)."""
    word = text.strip().strip(",.，。").casefold()
    if not word:
        raise WallClockError(_("Please give a day of the week, like Monday or Mon."))
    if word.startswith("每") and word[1:] in _DAY_ALIASES:  # 每周一: every Monday
        word = word[1:]
    if word in _DAY_ALIASES:
        return _DAY_ALIASES[word]
    if word.endswith("s") and word[:-1] in _DAY_WORDS:
        return _DAY_WORDS.index(word[:-1])
    if len(word) >= 2:
        matches = [i for i, name in enumerate(_DAY_WORDS) if name.startswith(word)]
        if len(matches) == 1:
            return matches[0]
    raise WallClockError(
        _(
            "I couldn't read '{text}' as a day of the week. Try a day like Monday, Tue or Weds.",
            text=_shown(text),
        )
    )


# --------------------------------------------------------------------------- times

_TIME_RE: Final = re.compile(
    r"(?P<hour>[0-9]{1,2})"
    r"(?:h|[:.h](?P<minute>[0-9]{2})|(?P<packed>[0-9]{2}))?"
    r"(?:\s*(?P<meridiem>[ap])\.?\s*m\.?)?",
    re.ASCII,
)
_NAMED_TIMES: Final = {
    **{"noon": time(12, 0), "midday": time(12, 0), "midnight": time(0, 0)},
    **{"中午": time(12, 0), "正午": time(12, 0), "午夜": time(0, 0)},
}
_ZH_TIME_RE: Final = re.compile(
    r"(?P<hour>[0-9]{1,2})[点點时](?:(?P<half>半)|(?P<minute>[0-9]{1,2})分?)?"
)
_ZH_PART_RE: Final = re.compile(r"(?P<part>凌晨|早上|早晨|上午|中午|下午|傍晚|晚上)(?P<rest>.+)")
_ZH_AFTERNOON: Final = frozenset(("中午", "下午", "傍晚", "晚上"))
"""Parts of the day whose hours 1–11 are after noon (``下午6点`` is 18:00)."""


def parse_time(text: str) -> time:
    """A wall time from ``09:00``, ``9:00``, ``9``, ``0930``, ``9h30``, ``9h``, ``21.30``,
    ``9am``, ``9:30 p.m.``, ``noon``, ``midday`` or ``midnight``, optionally after ``at``;
    in Chinese ``9点``, ``下午6点半``, ``晚上9点15分``, ``中午``.

    Without am/pm the clock is 24-hour, so a bare ``9`` is 09:00 and ``21`` is 21:00.
    """
    cleaned = " ".join(text.split()).casefold()
    if cleaned.startswith("at "):
        cleaned = cleaned[3:]
    if not cleaned:
        raise WallClockError(_("Please give a time, like 09:00, 9am or 21:30."))
    if cleaned in _NAMED_TIMES:
        return _NAMED_TIMES[cleaned]
    shown = _shown(text)
    if chinese := _ZH_PART_RE.fullmatch(cleaned.replace(" ", "")):
        return _part_of_day(text, chinese["part"], chinese["rest"])
    if chinese := _ZH_TIME_RE.fullmatch(cleaned.replace(" ", "")):
        minute = 30 if chinese["half"] else int(chinese["minute"] or 0)
        if int(chinese["hour"]) <= 23 and minute <= 59:
            return time(int(chinese["hour"]), minute)
    match = _TIME_RE.fullmatch(cleaned)
    if match is None:
        raise WallClockError(
            _("I couldn't read '{text}' as a time. Try 09:00, 9am, 9:30 pm or 21:30.", text=shown)
        )
    hour = int(match["hour"])
    minutes = match["minute"] or match["packed"]
    minute = int(minutes) if minutes else 0
    meridiem = match["meridiem"]
    if minute > 59:
        raise WallClockError(
            _(
                "I couldn't read '{text}' as a time. Minutes go from 00 to 59; try something "
                "like 9:30.",
                text=shown,
            )
        )
    if meridiem is None:
        if hour > 23:
            raise WallClockError(
                _(
                    "I couldn't read '{text}' as a time. Hours go from 0 to 23 on a 24-hour "
                    "clock; try something like 21:30.",
                    text=shown,
                )
            )
        return time(hour, minute)
    if not 1 <= hour <= 12:
        raise WallClockError(
            _(
                "I couldn't read '{text}' as a time. With am or pm, hours go from 1 to 12; "
                "try 9am.",
                text=shown,
            )
        )
    return time(hour % 12 + (12 if meridiem == "p" else 0), minute)


def _part_of_day(text: str, part: str, rest: str) -> time:
    """A time after a Chinese part of the day: ``上午9点``, ``下午6点半``, ``晚上9:30``."""
    try:
        at = parse_time(rest)
    except WallClockError:
        raise WallClockError(
            _(
                "I couldn't read '{text}' as a time. Try 09:00, 9am, 9:30 pm or 21:30.",
                text=_shown(text),
            )
        ) from None
    if part in _ZH_AFTERNOON and at.hour < 12:
        return at.replace(hour=at.hour + 12)
    if part not in _ZH_AFTERNOON and at.hour == 12:
        return at.replace(hour=0)  # 凌晨12点: midnight
    return at


def show_time(at: time) -> str:
    """A wall time as the bot shows and stores it: ``09:00``."""
    return f"{at.hour:02d}:{at.minute:02d}"


# --------------------------------------------------------------------------- weekday + time


def parse_weekday_time(text: str) -> tuple[int, time]:
    """A day and a time in one line: ``mon 09:00`` (the stored form), ``Monday at 9am``,
    ``Weds, 9h30``, ``周一 9:00``. The first word is the day (a Chinese day needs no space
    after it: ``周一9:00``), the rest the time, each read as above."""
    chinese = _ZH_DAY_RE.fullmatch(text.strip())
    parts = list(chinese.groups()) if chinese else text.strip().split(None, 1)
    if len(parts) < 2:
        raise WallClockError(_("Please give a day and a time, like Monday 09:00 or Thu 6pm."))
    return parse_day(parts[0]), parse_time(parts[1])


def format_weekday_time(weekday: int, at: time) -> str:
    """The canonical stored form of a weekday and time: ``mon 09:00``."""
    return f"{DAY_CODES[weekday]} {show_time(at)}"


def split_weekday_time(value: str) -> tuple[str, str]:
    """A weekday+time as two texts for separate inputs: ``mon 09:00`` → (``Monday``,
    ``09:00``), the day in the current language."""
    weekday, at = parse_weekday_time(value)
    return day_name(weekday), show_time(at)


def show_weekday_time(weekday: int, at: time) -> str:
    """A weekday and time as a member reads it: ``Monday 09:00``, ``星期一 09:00``."""
    return f"{day_name(weekday)} {show_time(at)}"


# --------------------------------------------------------------------------- dates

_MONTH_WORDS: Final = tuple(name.casefold() for name in MONTH_NAMES)
_ORDINAL: Final = r"(?:st|nd|rd|th)?"
_ISO_RE: Final = re.compile(r"(?P<y>[0-9]{4})[-/](?P<m>[0-9]{1,2})[-/](?P<d>[0-9]{1,2})", re.ASCII)
_DAY_MONTH_RE: Final = re.compile(
    rf"(?P<d>[0-9]{{1,2}}){_ORDINAL}(?: of)? ?(?P<month>[a-z]+)\.?(?: (?P<y>[0-9]{{4}}))?",
    re.ASCII,
)
_MONTH_DAY_RE: Final = re.compile(
    rf"(?P<month>[a-z]+)\.? ?(?P<d>[0-9]{{1,2}}){_ORDINAL}(?: (?P<y>[0-9]{{4}}))?", re.ASCII
)
_ZH_DATE_RE: Final = re.compile(
    r"(?:(?P<y>[0-9]{4})年)?(?P<m>[0-9]{1,2})月(?P<d>[0-9]{1,2})[日号]?", re.ASCII
)
_NAMED_DAYS: Final = {"today": 0, "今天": 0, "tomorrow": 1, "明天": 1}
_NUMERIC_RE: Final = re.compile(r"[0-9]{1,2}[/.-][0-9]{1,2}(?:[/.-][0-9]{2,4})?", re.ASCII)
_DAYS_IN_MONTH: Final = (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)  # most a month has


def _month(word: str) -> int | None:
    if len(word) < 3:
        return None
    matches = [i for i, name in enumerate(_MONTH_WORDS, start=1) if name.startswith(word)]
    return matches[0] if len(matches) == 1 else None


def _real_date(shown: str, year: int, month: int, day: int) -> date:
    if not 1 <= month <= 12:
        raise WallClockError(_("'{date}' is not a real date: months go from 1 to 12.", date=shown))
    if not 1 <= year <= 9999:
        raise WallClockError(_("'{date}' is not a real date: years go from 1 to 9999.", date=shown))
    longest = calendar.monthrange(year, month)[1]
    if not 1 <= day <= longest:
        raise WallClockError(
            _(
                "'{date}' is not a real date: {month} {year} has {days} days.",
                date=shown,
                month=month_name(month),
                year=year,
                days=longest,
            )
        )
    return date(year, month, day)


def _next_on_or_after(shown: str, month: int, day: int, today: date) -> date:
    """The first ``day month`` on or after ``today`` (29 February waits for a leap year)."""
    if not 1 <= day <= _DAYS_IN_MONTH[month - 1]:
        raise WallClockError(
            _(
                "'{date}' is not a real date: {month} has at most {days} days.",
                date=shown,
                month=month_name(month),
                days=_DAYS_IN_MONTH[month - 1],
            )
        )
    for year in range(today.year, min(today.year + 8, 9999) + 1):
        try:
            candidate = date(year, month, day)
        except ValueError:  # 29 February outside a leap year
            continue
        if candidate >= today:
            return candidate
    raise WallClockError(
        _(
            "'{date}' is too far ahead; write the year too, like 12 Jan {year}.",
            date=shown,
            year=today.year,
        )
    )


def _chinese_date(shown: str, match: re.Match[str], today: date) -> date:
    """``2027年1月12日``, or ``1月12日`` (``号``, or nothing after the day) for the next one."""
    month, day = int(match["m"]), int(match["d"])
    if match["y"]:
        return _real_date(shown, int(match["y"]), month, day)
    if not 1 <= month <= 12:
        return _real_date(shown, today.year, month, day)  # refuses it, naming months
    return _next_on_or_after(shown, month, day, today)


def parse_date(text: str, today: date) -> date:
    """A calendar date from what a member typed (see the module docstring for the forms).

    ``today`` is the member's own date: it gives ``today``/``tomorrow`` their meaning and
    the year of a date written without one. Whether a past date is allowed is the caller's
    rule, not this function's.
    """
    cleaned = " ".join(text.replace(",", " ").split()).casefold()
    shown = _shown(text)
    year = min(today.year + 1, 9999)  # examples in messages are always in the future
    if not cleaned:
        raise WallClockError(
            _("Please give a date, like {year}-01-12, 12 Jan or tomorrow.", year=year)
        )
    if cleaned in _NAMED_DAYS:
        if today == date.max and _NAMED_DAYS[cleaned]:
            raise WallClockError(_("'{date}' is too far ahead.", date=shown))
        return today + timedelta(days=_NAMED_DAYS[cleaned])
    if match := _ISO_RE.fullmatch(cleaned):
        return _real_date(shown, int(match["y"]), int(match["m"]), int(match["d"]))
    if chinese := _ZH_DATE_RE.fullmatch(cleaned.replace(" ", "")):
        return _chinese_date(shown, chinese, today)
    for pattern in (_DAY_MONTH_RE, _MONTH_DAY_RE):
        match = pattern.fullmatch(cleaned)
        month = _month(match["month"]) if match else None
        if match and month is not None:
            day = int(match["d"])
            if match["y"]:
                return _real_date(shown, int(match["y"]), month, day)
            return _next_on_or_after(shown, month, day, today)
    if _NUMERIC_RE.fullmatch(cleaned):
        raise WallClockError(
            _(
                "I can't tell the day from the month in '{date}'. Write the month as a word, "
                "like 12 Jan {year}, or use YYYY-MM-DD, like {year}-01-12.",
                date=shown,
                year=year,
            )
        )
    raise WallClockError(
        _(
            "I couldn't read '{date}' as a date. Try YYYY-MM-DD (like {year}-01-12), 12 Jan, "
            "Jan 12 {year}, today or tomorrow.",
            date=shown,
            year=year,
        )
    )


def show_date(value: date) -> str:
    """A calendar date as the bot shows it, in the current language: ``Tue 12 Jan 2027``,
    ``2027年1月12日 周二``.

    Dates (goal targets, the end of a pause) are shown as dates, never as Discord
    timestamps: a timestamp names a moment and would shift the day for readers far from UTC.
    """
    lang = current_language()
    return format_date(value, _DATE_PATTERNS[lang], locale=BABEL_LOCALES[lang])


_DATE_PATTERNS: Final = {"en": "EEE d MMM y", "zh-CN": "y年M月d日 EEE"}
"""How each language writes a date (CLDR patterns: EEE is the short day name)."""


# --------------------------------------------------------------------------- moments


def discord_timestamp(moment: datetime, style: TimestampStyle = "f") -> str:
    """A moment as a Discord timestamp (``<t:N:style>``): every reader sees it in their own
    time zone. Refuses a naive datetime, which names no moment."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("a Discord timestamp needs a timezone-aware datetime")
    return f"<t:{int(moment.timestamp())}:{style}>"
