"""Cohorts: what a programme run is, and the rules for naming and dating one.

A cohort has a name (unique in its server, whatever the letter case), a start date, an
optional end date, and is open until a director closes it. One cohort is open per server at
a time; closed ones are kept so they can still be reported on. Dates are calendar dates
(the programme's days), never instants.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import date, datetime
from typing import Final, Literal

from bot.i18n import N_

__all__ = [
    "NAME_MAX",
    "Cohort",
    "CohortInputError",
    "CohortState",
    "check_dates",
    "clean_name",
    "same_name",
]

CohortState = Literal["active", "closed"]

NAME_MAX: Final = 40
"""Short enough for an autocomplete choice with its dates, an embed title and a file name."""


class CohortInputError(ValueError):
    """A name or date a director gave that cannot make a cohort; `str()` says what to do, in
    the language current when it is shown (the message is a `Text`)."""


@dataclass(frozen=True, slots=True)
class Cohort:
    id: int
    guild_id: int
    name: str
    starts_on: date
    ends_on: date | None
    status: CohortState
    created_at: datetime
    created_by: int | None
    closed_at: datetime | None

    @property
    def is_open(self) -> bool:
        return self.status == "active"


def clean_name(text: str) -> str:
    """The name as it will be stored: spaces collapsed, no control or formatting characters
    (they would break the lines it appears in), at most `NAME_MAX` characters."""
    name = " ".join(text.split())
    if not name:
        raise CohortInputError(N_("Give the cohort a name, like Spring 2026."))
    if any(unicodedata.category(ch) in ("Cc", "Cf") for ch in name):
        raise CohortInputError(N_("Use letters, digits and spaces in the cohort's name."))
    if any(ch in "`*_~|<>@#" for ch in name):
        raise CohortInputError(
            N_(
                "Keep the cohort's name plain: no `, *, _, ~, |, <, >, @ or #, which Discord "
                "would turn into formatting or mentions."
            )
        )
    if len(name) > NAME_MAX:
        raise CohortInputError(
            N_(
                "That name is {length} characters long; keep it to {most}, like Spring 2026.",
                length=len(name),
                most=NAME_MAX,
            )
        )
    return name


def same_name(a: str, b: str) -> bool:
    """Two names a director would take for the same cohort (letter case and width aside)."""
    return (
        unicodedata.normalize("NFKC", a).casefold() == unicodedata.normalize("NFKC", b).casefold()
    )


def check_dates(starts_on: date, ends_on: date | None, today: date) -> None:
    """A cohort may have started already (it is being recorded late), but it must end after
    it starts, and not before today: a cohort that is over is not opened."""
    if ends_on is None:
        return
    if ends_on <= starts_on:
        raise CohortInputError(N_("The end date must come after the start date."))
    if ends_on < today:
        raise CohortInputError(
            N_("That end date has passed: a new cohort must end today or later.")
        )
