"""The `/cohort` screens stay inside Discord's limits at any cohort size in both languages,
and show each number with its denominator."""

from __future__ import annotations

import dataclasses

import pytest

from bot.domain.cohort_status import (
    AtRisk,
    CohortStatus,
    Funnel,
    MemberFilter,
    MemberPage,
    MemberRow,
    Ratio,
    RiskReason,
)
from bot.i18n import LANGUAGES, Language, language
from bot.ui.embeds import FIELD_VALUE_LIMIT, TOTAL_LIMIT
from cogs.cohort import _ids, _screens, _status
from tests.unit.cohort_env import bare_cohort, bare_status

GUILD = 1300000000000000100
BIG = 1300000000000000000


def big_status(at_risk: int) -> CohortStatus:
    status = bare_status(Ratio(3000, 4000), Ratio(2000, 4000))
    return dataclasses.replace(
        status,
        funnel=Funnel(5000, 4800, 3000, 2900, 2500, 2000),
        mentees=3600,
        mentors=1200,
        not_onboarded=200,
        matched_mentees=2800,
        unmatched_mentees=800,
        capacity=Ratio(2800, 3600),
        at_risk=tuple(
            AtRisk(BIG + n, list(RiskReason)[n % 4], 14 + n % 30) for n in range(at_risk)
        ),
    )


def check_limits(embed_len: int, values: list[str]) -> None:
    assert embed_len <= TOTAL_LIMIT
    assert all(len(v) <= FIELD_VALUE_LIMIT for v in values)


RISK_TITLE = {"en": "At risk · {n}", "zh-CN": "需要关注 · {n}"}
MORE = {"en": "…and {n} more — see /cohort members", "zh-CN": "…还有 {n} 位 — 见 /cohort members"}


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("at_risk", [0, 1, 15, 16, 5000])
def test_status_fits_discord_at_any_size(at_risk: int, lang: Language) -> None:
    with language(lang):
        embed = _status.status_embed(big_status(at_risk), chart=True)
    check_limits(len(embed), [f.value or "" for f in embed.fields])
    title = RISK_TITLE[lang].format(n=at_risk)
    risk = next(f for f in embed.fields if f.name == title)
    shown = (risk.value or "").count("<@")
    assert shown == min(at_risk, _status.RISK_SHOWN)
    if at_risk > _status.RISK_SHOWN:
        assert (risk.value or "").endswith(MORE[lang].format(n=at_risk - shown))
    assert embed.image.url == "attachment://cohort-status.png"


def test_status_in_chinese_shows_the_same_numbers() -> None:
    with language("zh-CN"):
        embed = _status.status_embed(big_status(3), chart=False)
    text = "\n".join(f"{f.name}\n{f.value}" for f in embed.fields)
    assert "**4800** 人完成报名 · 占加入人数的 96%" in text
    assert "**3000** 人已匹配 · 3600 位学员中 3000 位" in text
    assert "**2800** / 3600 个名额（78%）" in text
    assert "**3000** / 4000 已回复（75%）\n↗ 上升，之前为 50%（2000 / 4000）" in text
    assert f"<@{BIG}> — 连续错过 2 次打卡" in text
    assert f"<@{BIG + 2}> — 16 天前已介绍，仍未会面" in text
    assert (embed.footer.text or "").startswith("仅你可见")


def test_status_shows_numbers_with_their_denominators() -> None:
    embed = _status.status_embed(big_status(0), chart=False)
    text = "\n".join(f"{f.name}\n{f.value}" for f in embed.fields)
    assert "**4800** onboarded · 96 % of joined" in text
    assert "**3000** matched · 3000 of 3600 mentees" in text
    assert "**2800** of 3600 (78 %)\n**800** unmatched" in text
    assert "**2800** of 3600 places (78 %)" in text
    assert "**3000** of 4000 answered (75 %)\n↗ up from 50 % (2000 of 4000)" in text
    assert "Nobody is at risk right now." in text
    assert embed.image.url is None


def test_a_closed_cohort_says_so() -> None:
    closed = dataclasses.replace(
        big_status(3), cohort=bare_cohort(closed_at=bare_status(Ratio(0, 0), Ratio(0, 0)).as_of)
    )
    embed = _status.status_embed(closed, chart=True)
    assert "⚪ Closed" in (embed.description or "")
    assert any(f.value == "Not tracked for a closed cohort." for f in embed.fields)


def row(n: int) -> MemberRow:
    return MemberRow(
        user_id=BIG + n,
        role="mentee",
        status="onboarded",
        enrolled=True,
        mentor_id=BIG + 9000 + n,
        mentees=0,
        capacity=None,
        met=False,
        sessions=120,
        minutes=9000,
        last_session_on=None,
        checkins_answered=40,
        checkins_asked=52,
        at_risk=AtRisk(BIG + n, RiskReason.NOT_MET, 30),
        rematch_asked=True,
    )


FOOTER = {"en": "11–20 of 5000", "zh-CN": "第 11–20 位，共 5000 位"}


@pytest.mark.parametrize("lang", LANGUAGES)
def test_members_page_fits_and_its_buttons_carry_the_page(lang: Language) -> None:
    page = MemberPage(MemberFilter.AT_RISK, 10, 10, 5000, tuple(row(n) for n in range(10)))
    with language(lang):
        embed, view = _screens.members_page(GUILD, bare_cohort(), page)
    assert len(embed) <= TOTAL_LIMIT and len(embed.description or "") <= 4096
    assert (embed.footer.text or "").startswith(FOOTER[lang])
    ids = [item.custom_id for item in view.children]  # type: ignore[attr-defined]
    assert ids == [
        _ids.page(GUILD, 1, MemberFilter.AT_RISK, 0),
        _ids.page(GUILD, 1, MemberFilter.AT_RISK, 20),
    ]
    assert all(len(i) <= 100 for i in ids)
    assert _ids.filter_at(_ids.FILTERS.index(MemberFilter.AT_RISK)) is MemberFilter.AT_RISK
