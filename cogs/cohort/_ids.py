"""Custom ids of the `/cohort` components. A members page carries the server, the cohort,
the list and where it starts, so its buttons still work after a restart; the close
confirmation carries the cohort it closes."""

from __future__ import annotations

from bot.domain.cohort_status import MemberFilter

PREFIX = "mb:cohort"

_GUILD = r"(?P<guild>[0-9]{15,21})"
_COHORT = r"(?P<cohort>[0-9]{1,12})"

PAGE = rf"{PREFIX}:page:{_GUILD}:{_COHORT}:(?P<filter>[0-9]{{1,2}}):(?P<offset>[0-9]{{1,7}})"
CLOSE = rf"{PREFIX}:close:{_GUILD}:{_COHORT}"
KEEP = rf"{PREFIX}:keep:{_GUILD}:{_COHORT}"

TEMPLATES = (PAGE, CLOSE, KEEP)

FILTERS = tuple(MemberFilter)
"""A filter travels in an id as its place here: append new filters, never reorder."""


def page(guild_id: int, cohort_id: int, member_filter: MemberFilter, offset: int) -> str:
    return f"{PREFIX}:page:{guild_id}:{cohort_id}:{FILTERS.index(member_filter)}:{offset}"


def filter_at(index: int) -> MemberFilter:
    return FILTERS[index] if 0 <= index < len(FILTERS) else MemberFilter.ALL


def close(guild_id: int, cohort_id: int) -> str:
    return f"{PREFIX}:close:{guild_id}:{cohort_id}"


def keep(guild_id: int, cohort_id: int) -> str:
    return f"{PREFIX}:keep:{guild_id}:{cohort_id}"
