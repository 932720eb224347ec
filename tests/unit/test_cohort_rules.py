"""The pure rules behind cohorts and their status: names, dates, weeks, rates, trend, labels."""

from __future__ import annotations

from datetime import date, timedelta
from itertools import pairwise

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.domain.cohort_status import (
    AtRisk,
    MemberFilter,
    MemberPage,
    Ratio,
    RiskReason,
    report_moment,
    week_starts,
)
from bot.domain.cohorts import CohortInputError, check_dates, clean_name, same_name
from bot.i18n import language
from tests.unit.cohort_env import NOW, bare_cohort, bare_status


@pytest.mark.parametrize(
    ("raw", "clean"),
    [("Spring 2026", "Spring 2026"), ("  Spring\t 2026 \n", "Spring 2026"), ("Été 26", "Été 26")],
)
def test_clean_name(raw: str, clean: str) -> None:
    assert clean_name(raw) == clean


@pytest.mark.parametrize(
    "raw", ["", "   ", "a\u200bb", "<@123>", "**bold**", "x" * 41, "#general", "a`b"]
)
def test_clean_name_refuses(raw: str) -> None:
    with pytest.raises(CohortInputError):
        clean_name(raw)


def test_same_name_ignores_case_and_width() -> None:
    assert same_name("Spring", "SPRING") and same_name("Ｓｐｒｉｎｇ", "spring")
    assert not same_name("Spring", "Spring 2")


def test_check_dates() -> None:
    today = date(2026, 3, 2)
    check_dates(date(2026, 1, 5), None, today)
    check_dates(date(2026, 1, 5), today, today)
    with pytest.raises(CohortInputError, match="after the start"):
        check_dates(date(2026, 4, 1), date(2026, 4, 1), today)
    with pytest.raises(CohortInputError, match="has passed"):
        check_dates(date(2026, 1, 5), date(2026, 3, 1), today)


def test_week_starts() -> None:
    start = date(2026, 1, 5)
    assert week_starts(start, date(2026, 1, 4)) == ()
    assert week_starts(start, start) == (start,)
    assert week_starts(start, date(2026, 1, 11)) == (start,)
    assert week_starts(start, date(2026, 1, 12)) == (start, date(2026, 1, 12))


@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 1, 1)), st.integers(0, 800))
def test_week_starts_cover_every_day_once(start: date, days: int) -> None:
    last = start + timedelta(days=days)
    weeks = week_starts(start, last)
    assert weeks[0] == start and weeks[-1] <= last < weeks[-1] + timedelta(days=7)
    assert all(b - a == timedelta(days=7) for a, b in pairwise(weeks))


@pytest.mark.parametrize(
    ("part", "whole", "percent"),
    [(0, 0, None), (0, 5, 0), (1, 8, 13), (2, 8, 25), (8, 12, 67), (1, 3, 33), (1, 200, 1)],
)
def test_ratio_percent_rounds_half_up(part: int, whole: int, percent: int | None) -> None:
    assert Ratio(part, whole).percent == percent


@pytest.mark.parametrize(
    ("now", "before", "trend"),
    [
        (Ratio(8, 12), Ratio(9, 9), "down"),
        (Ratio(9, 9), Ratio(8, 12), "up"),
        (Ratio(19, 20), Ratio(9, 10), "up"),  # exactly 5 points
        (Ratio(47, 50), Ratio(9, 10), "steady"),  # 4 points
        (Ratio(0, 0), Ratio(9, 10), None),
        (Ratio(1, 2), Ratio(0, 0), None),
    ],
)
def test_trend(now: Ratio, before: Ratio, trend: str | None) -> None:
    assert bare_status(now, before).trend == trend


def test_hours() -> None:
    assert bare_status(Ratio(0, 0), Ratio(0, 0)).hours_30d == 1.5


def test_report_moment_of_a_closed_cohort_is_when_it_closed() -> None:
    closed = NOW - timedelta(days=3)
    assert report_moment(bare_cohort(), NOW) == NOW
    assert report_moment(bare_cohort(closed_at=closed), NOW) == closed


def test_risk_labels_and_order() -> None:
    assert [r.priority for r in RiskReason] == [0, 1, 2, 3]
    assert AtRisk(1, RiskReason.MISSED_CHECKINS).label == "missed 2 check-ins"
    assert AtRisk(1, RiskReason.STUCK_TWICE).label == "stuck twice on the same goal"
    assert AtRisk(1, RiskReason.NOT_MET, 14).label == "introduced 14 days ago, not met"
    assert AtRisk(1, RiskReason.NO_SESSION, 31).label == "no session in 31 days"
    assert AtRisk(1, RiskReason.NO_SESSION).label == "no session in 30 days"


def test_filters_and_pages() -> None:
    assert MemberFilter("at_risk").label == "At risk"
    assert {f.label for f in MemberFilter} >= {"Not onboarded", "Mentors with capacity"}
    rows = (None,) * 4
    page = MemberPage(MemberFilter.ALL, 10, 5, 14, rows)  # type: ignore[arg-type]
    assert page.has_previous and not page.has_next
    first = MemberPage(MemberFilter.ALL, 0, 5, 6, (*rows, None))  # type: ignore[arg-type]
    assert first.has_next and not first.has_previous


def test_labels_and_refusals_are_written_in_the_language_they_are_read_in() -> None:
    with language("zh-CN"):
        assert AtRisk(1, RiskReason.NOT_MET, 14).label == "14 天前已介绍，仍未会面"
        assert AtRisk(1, RiskReason.NO_SESSION).label == "30 天内没有会面"
        assert MemberFilter("at_risk").label == "需要关注"
    with pytest.raises(CohortInputError) as raised:
        clean_name("x" * 41)
    # Raised where the reader is not known; worded when shown.
    assert str(raised.value) == "That name is 41 characters long; keep it to 40, like Spring 2026."
    with language("zh-CN"):
        assert str(raised.value) == "这个名称有 41 个字符，请控制在 40 个以内，例如 2026 春季。"
