"""Director-log lines: recorded in the transaction of the event they report, handed out to
be posted once, and never holding what members wrote."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from bot.db.database import Database
from bot.domain import questionnaire as qn
from bot.domain.schedule import MISSED_TWICE_REASON
from bot.services.director_log import (
    KEEP,
    RETRY_UNSENT,
    DirectorLog,
    pair_flagged,
    risk_changed,
    signed_up,
)
from bot.services.matching import MatchingService
from bot.services.onboarding import OnboardingService
from bot.services.settings import SettingsService
from tests.support import FakeClock
from tests.unit.support import GUILD, MENTEE, MENTOR, add_member, checkin_stack

QUESTIONNAIRE = qn.load_questionnaire(
    Path(__file__).resolve().parents[2] / "data" / "questionnaire.toml"
)
DIRECTOR = 444_444_444_444_444_444


async def lines(db: Database) -> list[str]:
    return [r["text"] for r in await db.fetchall("SELECT text FROM director_log_lines ORDER BY id")]


async def test_a_line_is_stored_with_its_event_or_not_at_all(
    db: Database, clock: FakeClock
) -> None:
    log = DirectorLog(db, clock)
    with pytest.raises(RuntimeError, match="transaction"):
        await log.record(GUILD, "outside any event")
    with pytest.raises(ZeroDivisionError):
        async with db.transaction():
            await log.record(GUILD, "the event failed after this")
            _ = 1 / 0
    assert await lines(db) == []
    queued: list[int] = []
    log.on_record(queued.append)
    first = await log.record_alone(GUILD, "one")
    assert queued == [first] and await lines(db) == ["one"]


async def test_a_line_is_claimed_posted_once_or_dropped(db: Database, clock: FakeClock) -> None:
    log = DirectorLog(db, clock)
    first = await log.record_alone(GUILD, "first")
    second = await log.record_alone(GUILD, "second")
    assert await log.unsent() == [first, second]
    assert await log.next_due(clock.now()) == clock.now() + RETRY_UNSENT
    line = await log.pending(first)
    assert line is not None and line.claimed_channel_id is None and line.text == "first"
    assert await log.claim(first, 42)
    claimed = await log.pending(first)
    assert claimed is not None and claimed.claimed_channel_id == 42, "a post may be out"
    await log.mark_sent(first, 42, 9001)
    assert await log.pending(first) is None
    assert not await log.claim(first, 42), "posted once"
    assert await log.known_messages([9001, 9002]) == {9001}
    await log.drop(second, "no_channel")
    assert await log.unsent() == [] and await log.next_due(clock.now()) is None
    clock.advance(KEEP + timedelta(days=1))
    await log.prune(clock.now())
    assert await lines(db) == []


async def test_a_first_sign_up_records_its_line_with_the_profile(
    db: Database, clock: FakeClock
) -> None:
    onboarding = OnboardingService(db, clock, QUESTIONNAIRE)
    answers: dict[str, object] = {
        "role": "mentee",
        "areas": ["leadership"],
        "goals": "Lead my first team",
        "bio": "I love @everyone",
        "experience": "3-5",
        "timezone": "Europe/London",
        "checkin": ["Monday", "9am"],
        "consent": "agree",
    }
    await onboarding.start(GUILD, MENTEE)
    assert (await onboarding.answer(GUILD, MENTEE, answers)).complete
    await onboarding.complete(GUILD, MENTEE)
    await onboarding.complete(GUILD, MENTEE)  # an edit later: not a new sign-up
    assert await lines(db) == [f"✅ <@{MENTEE}> signed up as a mentee."]


async def test_a_flag_records_its_line_with_the_answer(db: Database, clock: FakeClock) -> None:
    settings = SettingsService(db, clock)
    matching = MatchingService(db, clock, settings, OnboardingService(db, clock, QUESTIONNAIRE))
    await add_member(db, clock, MENTEE)
    await add_member(db, clock, MENTOR, role="mentor", capacity=2)
    made = await matching.create_match(GUILD, MENTEE, MENTOR, DIRECTOR)
    await matching.record_introduction(made.id, 555, DIRECTOR)
    clock.advance(timedelta(days=7))
    for prompt in await matching.claim_due_followups(clock.now()):
        await matching.record_delivery(prompt, "dm")
    await matching.answer_followup(made.id, 1, MENTEE, "need_help")
    await matching.answer_followup(made.id, 1, MENTOR, "need_help")  # flagged once
    assert await lines(db) == [
        f"🚩 The pair <@{MENTEE}> (mentee) and <@{MENTOR}> (mentor) asked for help with "
        "their first meeting."
    ]


async def test_an_at_risk_change_records_its_line_and_no_goal(
    db: Database, clock: FakeClock
) -> None:
    stack = checkin_stack(db, clock)
    await add_member(db, clock)
    await stack.goals.add(GUILD, MENTEE, "My secret plan")
    view = await stack.checkins.set_schedule(GUILD, MENTEE, day="monday", at="10:00")
    assert view.next_due_at is not None
    clock.set(view.next_due_at)
    for _ in range(3):
        await stack.checkins.materialise(clock.now())
        for period_id in await stack.checkins.unsent_due(clock.now()):
            prompt = await stack.checkins.prompt(period_id)
            goal_ids = [g.goal_id for g in prompt.goals]
            assert await stack.checkins.claim(period_id, 42, "dm", goal_ids)
            await stack.checkins.mark_sent(period_id, 42, 1000 + period_id)
        clock.advance(timedelta(weeks=1))
    await stack.checkins.materialise(clock.now())
    assert await lines(db) == [f"⚠️ <@{MENTEE}> is at risk: {MISSED_TWICE_REASON}."]


async def test_lines_are_written_in_the_servers_language(db: Database, clock: FakeClock) -> None:
    log = DirectorLog(db, clock)
    settings = SettingsService(db, clock)
    await log.record_alone(GUILD, signed_up(MENTEE, "mentee"))
    await settings.set_language(GUILD, "zh-CN", actor_id=DIRECTOR)
    await log.record_alone(GUILD, signed_up(MENTOR, "mentor"))
    await log.record_alone(GUILD, pair_flagged(MENTEE, MENTOR, "not_met"))
    await log.record_alone(GUILD, risk_changed(MENTEE, None))
    await log.record_alone(GUILD, risk_changed(MENTEE, MISSED_TWICE_REASON))
    assert await lines(db) == [
        f"✅ <@{MENTEE}> signed up as a mentee.",
        f"✅ <@{MENTOR}> 已报名成为导师。",
        f"🚩 <@{MENTEE}>（学员）和 <@{MENTOR}>（导师）这一组在两次跟进后仍未见面。",
        f"✅ <@{MENTEE}> 已不再需要关注。",
        f"⚠️ <@{MENTEE}> 需要关注：连续两次未打卡。",
    ]
    # An erased member is named "a former member" in the server's language.
    await log.erase_member(GUILD, MENTEE)
    assert (await lines(db))[0] == "✅ 一位已退出的成员 signed up as a mentee."
    assert (await lines(db))[2].startswith("🚩 一位已退出的成员（学员）和")
