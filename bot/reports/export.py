"""`/cohort export`: a CSV of numbers and statuses only (PRODUCT §5).

Three tables in one file, each with its own header row and a blank line between them: the
cohort's figures (`figure,value`), the weekly series, and one row per person. Every cell
comes from a `CohortStatus` or `MemberRow` field, which hold ids, counts, statuses and dates,
never words a member wrote. The cohort's name (chosen by a director) is the only text, and a
cell that a spreadsheet would run as a formula is written so it is read as text.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Iterable, Sequence

from bot.domain.cohort_status import CohortStatus, MemberRow, Ratio

__all__ = ["MEMBER_COLUMNS", "WEEK_COLUMNS", "cohort_csv", "export_filename"]

WEEK_COLUMNS = (
    "week_starting",
    "checkins_asked",
    "checkins_answered",
    "response_percent",
    "sessions",
    "minutes",
)
MEMBER_COLUMNS = (
    "member_id",
    "role",
    "status",
    "enrolled",
    "mentor_id",
    "mentees",
    "capacity",
    "met",
    "sessions",
    "minutes",
    "last_session_on",
    "checkins_answered_4w",
    "checkins_asked_4w",
    "at_risk",
    "at_risk_days",
    "rematch_asked",
)
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def cohort_csv(status: CohortStatus, members: Sequence[MemberRow]) -> bytes:
    """The export as UTF-8 with a byte-order mark, so spreadsheets read accents right."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(("figure", "value"))
    writer.writerows(_figures(status))
    writer.writerow(())
    writer.writerow(WEEK_COLUMNS)
    for week in status.weeks:
        writer.writerow(
            (
                week.starts_on.isoformat(),
                week.asked,
                week.answered,
                _percent(week.response),
                week.sessions,
                week.minutes,
            )
        )
    writer.writerow(())
    writer.writerow(MEMBER_COLUMNS)
    for row in members:
        writer.writerow(
            (
                row.user_id,
                row.role or "",
                row.status,
                _yes(row.enrolled),
                row.mentor_id or "",
                row.mentees,
                "" if row.capacity is None else row.capacity,
                _yes(row.met),
                row.sessions,
                row.minutes,
                row.last_session_on.isoformat() if row.last_session_on else "",
                row.checkins_answered,
                row.checkins_asked,
                row.at_risk.reason.value if row.at_risk else "",
                "" if row.at_risk is None or row.at_risk.days is None else row.at_risk.days,
                _yes(row.rematch_asked),
            )
        )
    return out.getvalue().encode("utf-8-sig")


def export_filename(status: CohortStatus) -> str:
    """`cohort-spring-2026-2026-03-02.csv`: the cohort and the report's date, ASCII only."""
    ascii_name = unicodedata.normalize("NFKD", status.cohort.name).encode("ascii", "ignore")
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_name.decode().casefold()).strip("-") or "cohort"
    return f"cohort-{slug}-{status.as_of.date().isoformat()}.csv"


def _figures(status: CohortStatus) -> Iterable[tuple[str, object]]:
    cohort = status.cohort
    yield "cohort", _text(cohort.name)
    yield "cohort_id", cohort.id
    yield "cohort_status", "open" if cohort.is_open else "closed"
    yield "starts_on", cohort.starts_on.isoformat()
    yield "ends_on", cohort.ends_on.isoformat() if cohort.ends_on else ""
    yield "as_of_utc", status.as_of.isoformat(timespec="seconds")
    for stage, count in status.funnel.stages():
        yield f"funnel_{stage}", count
    yield "mentees", status.mentees
    yield "mentors", status.mentors
    yield "not_onboarded", status.not_onboarded
    yield "matched_mentees", status.matched_mentees
    yield "unmatched_mentees", status.unmatched_mentees
    yield "mentor_places_taken", status.capacity.part
    yield "mentor_places", status.capacity.whole
    yield "checkins_asked_4w", status.response.whole
    yield "checkins_answered_4w", status.response.part
    yield "response_percent_4w", _percent(status.response)
    yield "checkins_asked_previous_4w", status.response_before.whole
    yield "checkins_answered_previous_4w", status.response_before.part
    yield "response_percent_previous_4w", _percent(status.response_before)
    yield "response_trend", status.trend or ""
    yield "sessions_30d", status.sessions_30d
    yield "minutes_30d", status.minutes_30d
    yield "sessions_total", status.sessions_total
    yield "minutes_total", status.minutes_total
    yield "rematch_asked", status.rematch_asked
    yield "at_risk", len(status.at_risk)


def _percent(ratio: Ratio) -> object:
    return "" if ratio.percent is None else ratio.percent


def _yes(flag: bool) -> str:
    return "yes" if flag else "no"


def _text(value: str) -> str:
    """A cell a spreadsheet shows as written: a leading =, +, - or @ would run as a formula."""
    return f"'{value}" if value.startswith(_FORMULA_START) else value
