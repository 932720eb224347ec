"""Time zones: what members type read as an IANA name, a stored name's zone, and the local
date somewhere (see `bot.domain.wallclock`)."""

from __future__ import annotations

import difflib
import importlib.resources
import re
import zoneinfo
from datetime import UTC, date, datetime
from functools import cache
from typing import Final, TypeGuard

from bot.domain.wallclock._errors import ZONE_SHOWN_MAX, WallClockError
from bot.domain.wallclock._errors import shown as _shown
from bot.i18n import _

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


def _unknown(shown: str) -> str:
    return _(
        "I don't know the time zone '{zone}'. Use a name like Europe/London or America/New_York.",
        zone=shown,
    )


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
        raise WallClockError(_unknown(_shown(name, ZONE_SHOWN_MAX)))
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
        raise WallClockError(
            _("Please write your time zone, like Europe/London or America/New_York.")
        )
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
            _(
                "'{text}' matches several time zones: {zones}. Please write the full name.",
                text=text,
                zones=", ".join(preferred[:5]),
            )
        )
    suggestion = None
    if len(key) <= ZONE_SHOWN_MAX:
        close = difflib.get_close_matches(key, list(_zones_by_lower()), n=1, cutoff=0.8)
        if close:
            suggestion = _zones_by_lower()[close[0]]
        else:
            close = difflib.get_close_matches(key, list(_zones_by_city()), n=1, cutoff=0.8)
            if close:
                options = _zones_by_city()[close[0]]
                suggestion = ([z for z in options if _is_primary(z)] or list(options))[0]
    shown = _shown(text, ZONE_SHOWN_MAX)
    if suggestion:
        raise WallClockError(
            _(
                "I don't know the time zone '{zone}'. Did you mean {suggestion}?",
                zone=shown,
                suggestion=suggestion,
            )
        )
    raise WallClockError(_unknown(shown))


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
