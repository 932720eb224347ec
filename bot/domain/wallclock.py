"""Wall-clock text: how the bot reads and shows days, times, dates and time zones.

Members type the same thing in many shapes (``Weds``, ``9h30``, ``9``, ``12 Jan``). Every
place that takes such text — sign-up, ``/profile edit``, ``/checkin schedule|pause``,
``/goal`` dates — reads it here, so a form accepted in one place is accepted everywhere,
means the same wall time or date, and a mistake gets the same message wherever it is made.
Where an earlier reading was stricter, the friendlier one was kept (a bare ``9`` is 09:00).

Refusals raise :class:`WallClockError`, whose ``str()`` is written for the member; callers
turn it into their own error type without rewording it. Rules about *which* date is
acceptable (not in the past, after today) belong to each caller: this module only reads.

Pure: no Discord, no database, and it never reads the clock (callers pass ``today``).

Date forms :func:`parse_date` accepts (case-insensitive, commas ignored):

* ``2027-01-12`` or ``2027/1/12`` (year first, always unambiguous);
* ``today``, ``tomorrow``;
* ``12 Jan``, ``12th January``, ``12 of Jan``, ``Jan 12``, ``January 12th`` — month names in
  full or cut to at least three letters (``Sept``); without a year this is the next such date
  on or after ``today``;
* the same with a four-digit year: ``12 Jan 2027``, ``Jan 12, 2027``.

All-number forms such as ``12/01/2027`` are refused with their own message: they read
differently around the world (12 January or 1 December), so the member is asked to write
the month as a word or use YYYY-MM-DD.
"""

from __future__ import annotations

import calendar
import difflib
import importlib.resources
import re
import zoneinfo
from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from typing import Final, Literal, TypeGuard

__all__ = [
    "DAY_CODES",
    "DAY_NAMES",
    "MONTH_NAMES",
    "TZDATA_LINKS_FILE",
    "TimestampStyle",
    "WallClockError",
    "discord_timestamp",
    "format_weekday_time",
    "is_timezone",
    "local_date",
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

# How much of a member's unreadable text is quoted back in a refusal.
_SHOWN_MAX: Final = 32
_ZONE_SHOWN_MAX: Final = 64


class WallClockError(ValueError):
    """Wall-clock text the member should correct; ``str()`` is the message to show them."""


def _shown(text: str, limit: int = _SHOWN_MAX) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit] + "…"


# --------------------------------------------------------------------------- days

_DAY_WORDS: Final = tuple(name.casefold() for name in DAY_NAMES)
_DAY_ALIASES: Final = {"weds": 2}
_DAY_EXAMPLE: Final = "Try a day like Monday, Tue or Weds."


def parse_day(text: str) -> int:
    """Day of the week (0 = Monday) from a name, a plural (``Mondays``), ``weds``, or an
    unambiguous start of a name of at least two letters (``tu``, ``tues``, ``thurs``)."""
    word = text.strip().strip(",.").casefold()
    if not word:
        raise WallClockError("Please give a day of the week, like Monday or Mon.")
    if word in _DAY_ALIASES:
        return _DAY_ALIASES[word]
    if word.endswith("s") and word[:-1] in _DAY_WORDS:
        return _DAY_WORDS.index(word[:-1])
    if len(word) >= 2:
        matches = [i for i, name in enumerate(_DAY_WORDS) if name.startswith(word)]
        if len(matches) == 1:
            return matches[0]
    raise WallClockError(f"I couldn't read '{_shown(text)}' as a day of the week. {_DAY_EXAMPLE}")


# --------------------------------------------------------------------------- times

_TIME_RE: Final = re.compile(
    r"(?P<hour>[0-9]{1,2})"
    r"(?:h|[:.h](?P<minute>[0-9]{2})|(?P<packed>[0-9]{2}))?"
    r"(?:\s*(?P<meridiem>[ap])\.?\s*m\.?)?",
    re.ASCII,
)
_NAMED_TIMES: Final = {"noon": time(12, 0), "midday": time(12, 0), "midnight": time(0, 0)}
_TIME_EXAMPLE: Final = "Try 09:00, 9am, 9:30 pm or 21:30."


def parse_time(text: str) -> time:
    """A wall time from ``09:00``, ``9:00``, ``9``, ``0930``, ``9h30``, ``9h``, ``21.30``,
    ``9am``, ``9:30 p.m.``, ``noon``, ``midday`` or ``midnight``, optionally after ``at``.

    Without am/pm the clock is 24-hour, so a bare ``9`` is 09:00 and ``21`` is 21:00.
    """
    cleaned = " ".join(text.split()).casefold()
    if cleaned.startswith("at "):
        cleaned = cleaned[3:]
    if not cleaned:
        raise WallClockError("Please give a time, like 09:00, 9am or 21:30.")
    if cleaned in _NAMED_TIMES:
        return _NAMED_TIMES[cleaned]
    unreadable = f"I couldn't read '{_shown(text)}' as a time."
    match = _TIME_RE.fullmatch(cleaned)
    if match is None:
        raise WallClockError(f"{unreadable} {_TIME_EXAMPLE}")
    hour = int(match["hour"])
    minutes = match["minute"] or match["packed"]
    minute = int(minutes) if minutes else 0
    meridiem = match["meridiem"]
    if minute > 59:
        raise WallClockError(f"{unreadable} Minutes go from 00 to 59; try something like 9:30.")
    if meridiem is None:
        if hour > 23:
            raise WallClockError(
                f"{unreadable} Hours go from 0 to 23 on a 24-hour clock; try something like 21:30."
            )
        return time(hour, minute)
    if not 1 <= hour <= 12:
        raise WallClockError(f"{unreadable} With am or pm, hours go from 1 to 12; try 9am.")
    return time(hour % 12 + (12 if meridiem == "p" else 0), minute)


def show_time(at: time) -> str:
    """A wall time as the bot shows and stores it: ``09:00``."""
    return f"{at.hour:02d}:{at.minute:02d}"


# --------------------------------------------------------------------------- weekday + time


def parse_weekday_time(text: str) -> tuple[int, time]:
    """A day and a time in one line: ``mon 09:00`` (the stored form), ``Monday at 9am``,
    ``Weds, 9h30``. The first word is the day, the rest the time, each read as above."""
    parts = text.strip().split(None, 1)
    if len(parts) < 2:
        raise WallClockError("Please give a day and a time, like Monday 09:00 or Thu 6pm.")
    return parse_day(parts[0]), parse_time(parts[1])


def format_weekday_time(weekday: int, at: time) -> str:
    """The canonical stored form of a weekday and time: ``mon 09:00``."""
    return f"{DAY_CODES[weekday]} {show_time(at)}"


def split_weekday_time(value: str) -> tuple[str, str]:
    """A weekday+time as two texts for separate inputs: ``mon 09:00`` → (``Monday``,
    ``09:00``)."""
    weekday, at = parse_weekday_time(value)
    return DAY_NAMES[weekday], show_time(at)


def show_weekday_time(weekday: int, at: time) -> str:
    """A weekday and time as a member reads it: ``Monday 09:00``."""
    return f"{DAY_NAMES[weekday]} {show_time(at)}"


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
_NUMERIC_RE: Final = re.compile(r"[0-9]{1,2}[/.-][0-9]{1,2}(?:[/.-][0-9]{2,4})?", re.ASCII)
_DAYS_IN_MONTH: Final = (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)  # most a month has


def _month(word: str) -> int | None:
    if len(word) < 3:
        return None
    matches = [i for i, name in enumerate(_MONTH_WORDS, start=1) if name.startswith(word)]
    return matches[0] if len(matches) == 1 else None


def _real_date(shown: str, year: int, month: int, day: int) -> date:
    if not 1 <= month <= 12:
        raise WallClockError(f"'{shown}' is not a real date: months go from 1 to 12.")
    if not 1 <= year <= 9999:
        raise WallClockError(f"'{shown}' is not a real date: years go from 1 to 9999.")
    longest = calendar.monthrange(year, month)[1]
    if not 1 <= day <= longest:
        raise WallClockError(
            f"'{shown}' is not a real date: {MONTH_NAMES[month - 1]} {year} has {longest} days."
        )
    return date(year, month, day)


def _next_on_or_after(shown: str, month: int, day: int, today: date) -> date:
    """The first ``day month`` on or after ``today`` (29 February waits for a leap year)."""
    if not 1 <= day <= _DAYS_IN_MONTH[month - 1]:
        raise WallClockError(
            f"'{shown}' is not a real date: {MONTH_NAMES[month - 1]} has at most "
            f"{_DAYS_IN_MONTH[month - 1]} days."
        )
    for year in range(today.year, min(today.year + 8, 9999) + 1):
        try:
            candidate = date(year, month, day)
        except ValueError:  # 29 February outside a leap year
            continue
        if candidate >= today:
            return candidate
    raise WallClockError(
        f"'{shown}' is too far ahead; write the year too, like 12 Jan {today.year}."
    )


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
        raise WallClockError(f"Please give a date, like {year}-01-12, 12 Jan or tomorrow.")
    if cleaned == "today":
        return today
    if cleaned == "tomorrow":
        if today == date.max:
            raise WallClockError(f"'{shown}' is too far ahead.")
        return today + timedelta(days=1)
    if match := _ISO_RE.fullmatch(cleaned):
        return _real_date(shown, int(match["y"]), int(match["m"]), int(match["d"]))
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
            f"I can't tell the day from the month in '{shown}'. Write the month as a word, "
            f"like 12 Jan {year}, or use YYYY-MM-DD, like {year}-01-12."
        )
    raise WallClockError(
        f"I couldn't read '{shown}' as a date. Try YYYY-MM-DD (like {year}-01-12), 12 Jan, "
        f"Jan 12 {year}, today or tomorrow."
    )


def show_date(value: date) -> str:
    """A calendar date as the bot shows it: ``Tue 12 Jan 2027``.

    Dates (goal targets, the end of a pause) are shown as dates, never as Discord
    timestamps: a timestamp names a moment and would shift the day for readers far from UTC.
    """
    month = MONTH_NAMES[value.month - 1][:3]
    return f"{DAY_NAMES[value.weekday()][:3]} {value.day} {month} {value.year}"


# --------------------------------------------------------------------------- moments


def discord_timestamp(moment: datetime, style: TimestampStyle = "f") -> str:
    """A moment as a Discord timestamp (``<t:N:style>``): every reader sees it in their own
    time zone. Refuses a naive datetime, which names no moment."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("a Discord timestamp needs a timezone-aware datetime")
    return f"<t:{int(moment.timestamp())}:{style}>"


# --------------------------------------------------------------------------- time zones

# The regions canonical zone names start with; names under others (US/, Etc/) rank lower.
_PRIMARY_REGIONS: Final = frozenset(
    (
        *("Africa", "America", "Antarctica", "Asia", "Atlantic"),
        *("Australia", "Europe", "Indian", "Pacific"),
    )
)
_COMMON_ZONES: Final = (  # offered before the member types anything
    *("UTC", "Europe/London", "Europe/Paris", "Europe/Berlin", "America/New_York"),
    *("America/Chicago", "America/Denver", "America/Los_Angeles", "America/Sao_Paulo"),
    *("Asia/Kolkata", "Asia/Singapore", "Asia/Tokyo", "Australia/Sydney", "Africa/Lagos"),
    "Africa/Johannesburg",
)
_ZONE_EXAMPLE: Final = "Use a name like Europe/London or America/New_York."
TZDATA_LINKS_FILE: Final = "zoneinfo/tzdata.zi"


@cache
def _zones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones() - {"Factory", "localtime", "posixrules"})


@cache
def tzdata_links() -> dict[str, str]:
    """Backward-compatible zone names (links, e.g. ``Asia/Calcutta``) and the zone each
    points to, read from the ``tzdata`` package's compact ``tzdata.zi``.

    Links are still valid answers but rank below canonical names. Raises ``RuntimeError``
    if the file is missing or no longer has the ``L <target> <link>`` lines this reads: a
    changed package must be noticed, not quietly leave every link looking canonical.
    """
    try:
        resource = importlib.resources.files("tzdata").joinpath(TZDATA_LINKS_FILE)
        text = resource.read_text(encoding="utf-8")
    except (OSError, ModuleNotFoundError) as exc:
        raise RuntimeError(
            f"cannot read {TZDATA_LINKS_FILE} from the tzdata package ({exc}); "
            "reinstall the bot's dependencies."
        ) from exc
    links: dict[str, str] = {}
    for line in text.splitlines():
        if line.startswith("L "):
            parts = line.split()
            if len(parts) != 3:
                raise RuntimeError(
                    f"tzdata's {TZDATA_LINKS_FILE} has a link line of an unknown shape: "
                    f"{line[:80]!r}"
                )
            links[parts[2]] = parts[1]
    if not links:
        raise RuntimeError(f"tzdata's {TZDATA_LINKS_FILE} lists no zone links; its format changed.")
    return links


@cache
def _zones_by_lower() -> dict[str, str]:
    return {z.lower(): z for z in _zones()}


def _zone_rank_key(zone_name: str) -> tuple[bool, bool, str]:
    return (
        zone_name in tzdata_links(),
        zone_name.split("/", 1)[0] not in _PRIMARY_REGIONS,
        zone_name,
    )


def _is_primary(zone_name: str) -> bool:
    return zone_name.split("/", 1)[0] in _PRIMARY_REGIONS and zone_name not in tzdata_links()


@cache
def _zones_by_city() -> dict[str, tuple[str, ...]]:
    cities: dict[str, list[str]] = {}
    for name in _zones():
        if "/" in name:
            cities.setdefault(name.rsplit("/", 1)[1].lower(), []).append(name)
    return {city: tuple(sorted(zs, key=_zone_rank_key)) for city, zs in cities.items()}


def _normalise_zone_query(text: str) -> str:
    return "_".join(text.strip().split()).lower()


def is_timezone(name: object) -> TypeGuard[str]:
    """Whether ``name`` is exactly an IANA zone name this bot knows (as stored)."""
    return isinstance(name, str) and name in _zones()


def zone(name: str) -> zoneinfo.ZoneInfo:
    """The zone for a stored IANA name; :class:`WallClockError` if it is not one."""
    if not is_timezone(name):
        raise WallClockError(
            f"I don't know the time zone '{_shown(name, _ZONE_SHOWN_MAX)}'. " + _ZONE_EXAMPLE
        )
    return zoneinfo.ZoneInfo(name)


def local_date(moment: datetime, zone_name: str | None) -> date:
    """The calendar date at ``moment`` in ``zone_name``, or in UTC when the member has no
    zone or it is no longer known (e.g. removed from tzdata since they chose it)."""
    where = zoneinfo.ZoneInfo(zone_name) if is_timezone(zone_name) else UTC
    return moment.astimezone(where).date()


def resolve_timezone(raw: str) -> str:
    """Turn what a member typed into a canonical IANA name: an exact name in any case, or a
    city (``new york``), or refuse with a suggestion when one is close."""
    text = raw.strip()
    if not text:
        raise WallClockError("Please write your time zone, like Europe/London or America/New_York.")
    key = _normalise_zone_query(text)
    exact = _zones_by_lower().get(key)
    if exact is not None:
        return exact
    city = _zones_by_city().get(key)
    if city:
        preferred = [z for z in city if _is_primary(z)] or list(city)
        if len(preferred) == 1:
            return preferred[0]
        raise WallClockError(
            f"'{text}' matches several time zones: {', '.join(preferred[:5])}. "
            "Please write the full name."
        )
    suggestion = None
    if len(key) <= _ZONE_SHOWN_MAX:
        close = difflib.get_close_matches(key, list(_zones_by_lower()), n=1, cutoff=0.8)
        if close:
            suggestion = _zones_by_lower()[close[0]]
        else:
            close = difflib.get_close_matches(key, list(_zones_by_city()), n=1, cutoff=0.8)
            if close:
                options = _zones_by_city()[close[0]]
                suggestion = ([z for z in options if _is_primary(z)] or list(options))[0]
    shown = _shown(text, _ZONE_SHOWN_MAX)
    if suggestion:
        raise WallClockError(f"I don't know the time zone '{shown}'. Did you mean {suggestion}?")
    raise WallClockError(f"I don't know the time zone '{shown}'. {_ZONE_EXAMPLE}")


def search_timezones(query: str, limit: int = 25) -> list[str]:
    """Autocomplete: IANA names containing ``query`` (case-insensitive), best matches first;
    a few common zones for an empty query. Never more than 25 (Discord's limit)."""
    limit = max(0, min(limit, 25))
    key = _normalise_zone_query(query)
    if not key:
        return list(_COMMON_ZONES[:limit])

    def rank(name: str) -> tuple[int, bool, bool, str]:
        low = name.lower()
        city = low.rsplit("/", 1)[-1]
        if low == key:
            tier = 0
        elif city == key:
            tier = 1
        elif city.startswith(key):
            tier = 2
        elif low.startswith(key):
            tier = 3
        elif any(part.startswith(key) for part in re.split(r"[/_-]", low)):
            tier = 4
        else:
            tier = 5
        return (tier, *_zone_rank_key(name))

    matches = [z for z in _zones() if key in z.lower()]
    matches.sort(key=rank)
    return matches[:limit]
