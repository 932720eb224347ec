"""`/cohort export`: the CSV parses, says what the status says, and holds no member's words."""

from __future__ import annotations

import csv
import io
from dataclasses import replace

import pytest

from bot.db.database import Database
from bot.domain.cohort_status import Ratio
from bot.reports.export import MEMBER_COLUMNS, WEEK_COLUMNS, cohort_csv, export_filename
from tests.support import FakeClock
from tests.unit.cohort_env import GUILD, M1, WORDS, A, B, CohortEnv, bare_status, seed


@pytest.fixture
async def env(db: Database, clock: FakeClock) -> CohortEnv:
    return await seed(CohortEnv(db, clock))


def tables(data: bytes) -> list[list[list[str]]]:
    """The file's tables, split at blank rows."""
    assert data.startswith(b"\xef\xbb\xbf"), "a byte-order mark for spreadsheets"
    found: list[list[list[str]]] = [[]]
    for row in csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")):
        if row:
            found[-1].append(row)
        else:
            found.append([])
    return found


async def test_export_parses_and_matches_the_status(env: CohortEnv, db: Database) -> None:
    export = await env.status.export(GUILD)
    data = cohort_csv(export.status, export.members)
    figures, weeks, members = tables(data)

    assert figures[0] == ["figure", "value"]
    values = dict(figures[1:])
    assert values["cohort"] == "Spring 2026" and values["cohort_status"] == "open"
    assert values["as_of_utc"] == "2026-03-02T12:00:00+00:00"
    assert [values[f"funnel_{s}"] for s in ("joined", "onboarded", "matched")] == ["14", "11", "7"]
    assert (values["response_percent_4w"], values["response_trend"]) == ("67", "down")
    assert (values["mentor_places_taken"], values["mentor_places"]) == ("6", "8")
    assert (values["sessions_30d"], values["minutes_total"], values["at_risk"]) == ("3", "375", "5")

    assert tuple(weeks[0]) == WEEK_COLUMNS
    assert weeks[1] == ["2026-01-05", "2", "2", "100", "1", "40"]
    assert weeks[8] == ["2026-02-23", "3", "1", "33", "2", "80"]
    assert len(weeks) == 1 + len(export.status.weeks)

    assert tuple(members[0]) == MEMBER_COLUMNS
    by_id = {int(r[0]): dict(zip(MEMBER_COLUMNS, r, strict=True)) for r in members[1:]}
    assert len(by_id) == 14
    assert by_id[A]["mentor_id"] == str(M1) and by_id[A]["last_session_on"] == "2026-02-24"
    assert (by_id[B]["at_risk"], by_id[B]["at_risk_days"]) == ("no_session", "39")
    assert (by_id[M1]["mentees"], by_id[M1]["capacity"]) == ("2", "2")

    # Nothing any member wrote, although every kind of words is in the database.
    text = data.decode("utf-8-sig")
    for word in WORDS:
        stored = await db.fetchval(
            "SELECT COUNT(*) FROM (SELECT answers AS t FROM members UNION ALL "
            "SELECT title FROM goals UNION ALL SELECT note FROM checkin_periods UNION ALL "
            "SELECT topic FROM sessions UNION ALL SELECT answers FROM reflections) "
            "WHERE t LIKE '%' || ? || '%'",
            (word,),
        )
        assert stored > 0, f"the seed should hold {word}"
        assert word not in text


def test_a_formula_name_is_written_as_text_and_the_file_name_is_plain() -> None:

    status = bare_status(Ratio(0, 0), Ratio(0, 0))
    risky = replace(status, cohort=replace(status.cohort, name="=HYPERLINK(1) Été"))
    figures = tables(cohort_csv(risky, []))[0]
    assert dict(figures[1:])["cohort"] == "'=HYPERLINK(1) Été"
    assert export_filename(risky) == "cohort-hyperlink-1-ete-2026-03-02.csv"
