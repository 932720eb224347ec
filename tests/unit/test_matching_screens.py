"""What directors read: every pair of a large cohort is shown, within Discord's limits."""

from __future__ import annotations

from datetime import UTC, datetime
from itertools import product
from types import SimpleNamespace
from typing import Any, Literal, cast

import discord

from bot.domain import matching as rules
from bot.i18n import LANGUAGES, language
from bot.services.matching import FlagReason, FollowupAnswer, FollowupResult, Match, Settled
from cogs.matching import _end_screens, _followup_screens, _screens

GUILD = cast(
    discord.Guild,
    SimpleNamespace(id=1100000000000000100, name="Mentoring Circle", get_member=lambda _id: None),
)
NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
ZONES = ("Europe/London", "America/New_York", "Asia/Tokyo", "Australia/Sydney")
AREAS = ("Leadership", "Product", "Public speaking", "People management", "Career change")


def within_limits(embeds: list[discord.Embed]) -> None:
    for group in _screens.group_embeds(embeds):
        assert len(group) <= 10 and sum(len(e) for e in group) <= 6000
    for embed in embeds:
        assert len(embed.title or "") <= 256 and len(embed.description or "") <= 4096
        assert len(embed.fields) <= 25
        assert all(len(f.name or "") <= 256 and len(f.value or "") <= 1024 for f in embed.fields)


def shown(embeds: list[discord.Embed]) -> str:
    parts: list[Any] = []
    for embed in embeds:
        parts += [embed.title, embed.description, *(f.value for f in embed.fields)]
    return "\n".join(str(p) for p in parts if p)


def cohort(size: int) -> rules.Assignment:
    mentees = [
        rules.MenteeProfile(
            member_id=1100000000000100000 + i,
            display_name=f"mentee {i}",
            areas=frozenset(AREAS[i % 5 : i % 5 + 3]),
            timezone=ZONES[i % 4],
        )
        for i in range(size)
    ]
    mentors = [
        rules.MentorProfile(
            member_id=1100000000000200000 + j,
            display_name=f"mentor {j}",
            areas=frozenset(AREAS),
            timezone=ZONES[j % 4],
            capacity=5,
            active_mentees=0,
        )
        for j in range(size // 5 + 1)
    ]
    return rules.assign(
        mentees,
        mentors,
        rules.MatchWeights(),
        NOW,
        past_pairs=frozenset(),
        matched_mentees=frozenset(),
    )


def test_a_large_proposal_shows_every_pair_it_would_apply() -> None:
    assignment = cohort(120)
    assert len(assignment.pairs) == 120
    embeds, view = _screens.proposal(GUILD, 7, assignment)
    within_limits(embeds)
    text = shown(embeds)
    for pair in assignment.pairs:
        line = (
            f"<@{pair.mentee.member_id}> → <@{pair.mentor.member_id}> · "
            f"{round(pair.score.total * 100)}% · {rules.explain(pair.score)}"
        )
        assert line in text, "a director must see every pair before pressing Apply"
    assert view is not None and [c.label for c in view.children] == ["Apply", "Cancel"]
    assert embeds[-1].footer.text and "Nothing changes until you press Apply" in (
        embeds[-1].footer.text
    )


def test_a_small_proposal_is_one_page() -> None:
    embeds, _view = _screens.proposal(GUILD, 7, cohort(3))
    assert len(embeds) == 1 and embeds[0].title == "Proposed matches · 3 pairs"


def test_the_director_list_shows_every_pair() -> None:
    matches = [
        Match(
            id=i,
            guild_id=GUILD.id,
            cohort_id=None,
            mentee_id=1100000000000100000 + i,
            mentor_id=1100000000000200000 + i // 3,
            status="active",
            created_at=NOW,
            created_by=1,
            intro_thread_id=5,
            met_at=None,
            flagged_at=NOW if i % 7 == 0 else None,
            flag_reason="need_help" if i % 7 == 0 else None,
            ended_at=None,
            ended_by=None,
            end_reason=None,
        )
        for i in range(150)
    ]
    embeds = _screens.match_list(GUILD, matches, director=True, mentor_id=None)
    within_limits(embeds)
    text = shown(embeds)
    assert all(f"<@{m.mentee_id}> with <@{m.mentor_id}>" in text for m in matches)
    assert text.count("asked for help") == len([m for m in matches if m.flag_reason])


def test_applied_results_are_all_reported() -> None:
    lines = [f"✅ <@{1100000000000100000 + i}> → <@1>: introduced in <#{i}>" for i in range(200)]
    embeds = _screens.applied(lines)
    within_limits(embeds)
    assert all(line in shown(embeds) for line in lines)


def test_every_follow_up_reply_is_finished_text() -> None:
    """Whatever the pair's state, the member reads a whole sentence: no template left."""
    match = Match(
        id=1,
        guild_id=GUILD.id,
        cohort_id=None,
        mentee_id=2,
        mentor_id=3,
        status="active",
        created_at=NOW,
        created_by=1,
        intro_thread_id=5,
        met_at=None,
        flagged_at=None,
        flag_reason=None,
        ended_at=None,
        ended_by=None,
        end_reason=None,
    )
    outcomes: tuple[Literal["recorded", "already_answered", "match_ended"], ...] = (
        "recorded",
        "already_answered",
        "match_ended",
    )
    answers: tuple[FollowupAnswer, ...] = ("yes", "not_yet", "need_help")
    settled: tuple[Settled | None, ...] = (None, "met", "need_help", "not_met")
    flags: tuple[FlagReason | None, ...] = (None, "need_help", "not_met")
    for outcome, answer, why, by_partner, flagged, due in product(
        outcomes, answers, settled, (False, True), flags, (None, NOW)
    ):
        result = FollowupResult(outcome, answer, match, due, flagged, why, by_partner)
        reply = _followup_screens.followup_reply(result, answer, 7)
        assert reply and "{" not in reply and "}" not in reply
        if "check in again" in reply:
            assert due is not None and "7 days" in reply


def test_a_large_proposal_in_chinese_shows_every_pair_within_the_limits() -> None:
    assignment = cohort(120)
    with language("zh-CN"):
        embeds, view = _screens.proposal(GUILD, 7, assignment)
        text = shown(embeds)
        for pair in assignment.pairs:
            assert f"<@{pair.mentee.member_id}> → <@{pair.mentor.member_id}>" in text
            assert rules.explain(pair.score) in text
    within_limits(embeds)
    assert embeds[0].title == f"匹配方案 · 120 对 (1/{len(embeds)})"
    assert view is not None and [c.label for c in view.children] == ["应用", "取消"]
    assert "已占" in text and "places taken" not in text


def test_what_the_pair_and_a_mentor_read_fits_in_each_language() -> None:
    thread = cast(discord.Thread, SimpleNamespace(jump_url="https://discord.com/channels/1/2/3"))
    prompt = SimpleNamespace(role="mentee", round=1, partner_id=2, member_id=3, match_id=4)
    for lang in LANGUAGES:
        with language(lang):
            greeting = _screens.greeting(1, 2, 60)
            embeds = [
                _screens.intro_dm(GUILD, "mentee", 2, thread, 60),
                _end_screens.ended_dm(GUILD, "mentee", 2, "archived"),
                _end_screens.ended_dm(GUILD, "mentor", 2, "failed"),
                _screens.agenda_embed(),
                _followup_screens.followup_embed(GUILD, cast(Any, prompt)),
                _screens.profile_embed(GUILD, 1, "mentor", (("Bio", "b" * 1024),) * 30),
            ]
            labels = [c.label for c in _followup_screens.followup_view(cast(Any, prompt)).children]
        assert len(greeting) <= 1000, "two languages must share one message"
        within_limits(embeds)
        assert all(label and len(label) <= 80 for label in labels)
    with language("zh-CN"):
        assert "60 天后" in _screens.greeting(1, 2, 60)
        assert _screens.agenda_embed().title == "第一次见面的建议议程（约 45 分钟）"
