"""The fit question after a pair's first session, and the one reminder to reflect."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from bot.db.database import Database
from bot.errors import UserError
from bot.services.sessions import ORPHAN_RETRY_WINDOW
from tests.support import FakeClock
from tests.unit.session_env import GUILD, MAX, MEI, NOA, Env, standard


@pytest.fixture
async def env(db: Database, clock: FakeClock) -> Env:
    return await standard(Env(db, clock))


async def first_session(env: Env, actor: int = MAX, mentee: int = MEI) -> int:
    logged = await env.sessions.log_session(GUILD, actor, partner_id=mentee, minutes=60)
    assert logged.ask_fit
    return logged.session.match_id


# ----------------------------------------------------------------------- fit


async def test_fit_is_asked_once_of_the_mentee_only(env: Env) -> None:
    match_id = await first_session(env)
    question = await env.sessions.fit.claim(match_id)
    assert question is not None
    assert (question.mentee_id, question.mentor_id, question.answer) == (MEI, MAX, None)
    assert await env.sessions.fit.claim(match_id) is None  # sent once, even if asked again
    second = await env.sessions.log_session(GUILD, MEI, minutes=30, on=date(2026, 11, 8))
    assert not second.ask_fit and await env.count("fit_answers") == 1
    assert await env.sessions.fit.claim(match_id + 99) is None


async def test_unanswered_question_waits_for_the_mentee(env: Env) -> None:
    match_id = await first_session(env)
    pending = await env.sessions.fit.pending(GUILD, MEI)
    assert pending is not None and pending.match_id == match_id
    assert await env.sessions.fit.pending(GUILD, MAX) is None  # never shown to the mentor
    assert await env.sessions.fit.pending(GUILD, NOA) is None
    await env.sessions.fit.answer(match_id, MEI, "deciding")
    assert await env.sessions.fit.pending(GUILD, MEI) is None


async def test_the_mentor_cannot_answer_or_read_it(env: Env) -> None:
    match_id = await first_session(env)
    for outsider in (MAX, NOA):
        with pytest.raises(UserError, match="meant for someone else"):
            await env.sessions.fit.answer(match_id, outsider, "not_good")
        with pytest.raises(UserError, match="meant for someone else"):
            await env.sessions.fit.ask_rematch(match_id, outsider)
    assert await env.db.fetchval("SELECT answer FROM fit_answers") is None


async def test_answers_and_the_rematch_offer(env: Env) -> None:
    match_id = await first_session(env)
    good = await env.sessions.fit.answer(match_id, MEI, "good")
    assert (good.outcome, good.question.answer, good.offer_rematch) == ("recorded", "good", False)
    with pytest.raises(UserError, match="after answering “Not a good fit”"):
        await env.sessions.fit.ask_rematch(match_id, MEI)
    bad = await env.sessions.fit.answer(match_id, MEI, "not_good")
    assert bad.offer_rematch and bad.question.answer == "not_good"
    asked = await env.sessions.fit.ask_rematch(match_id, MEI)
    assert (asked.mentee_id, asked.mentor_id, asked.already) == (MEI, MAX, False)
    assert asked.asked_at == env.clock.now() and asked.cohort_id == env.cohort_id
    env.clock.advance(timedelta(minutes=1))
    again = await env.sessions.fit.ask_rematch(match_id, MEI)
    assert again.already and again.asked_at == asked.asked_at
    with pytest.raises(UserError, match="asked for a re-match already"):
        await env.sessions.fit.answer(match_id, MEI, "good")
    match = await env.matching.get(match_id)
    assert match is not None and match.active  # ending the match is a director's call


async def test_answer_after_the_match_ended(env: Env) -> None:
    match_id = await first_session(env)
    await env.end(MEI)
    ended = await env.sessions.fit.answer(match_id, MEI, "not_good")
    assert (ended.outcome, ended.offer_rematch, ended.question.answer) == (
        "match_ended",
        False,
        None,
    )
    with pytest.raises(UserError, match="already ended"):
        await env.sessions.fit.ask_rematch(match_id, MEI)


# ----------------------------------------------------------------- reminders


async def test_one_reminder_two_days_later_to_whoever_has_not_reflected(env: Env) -> None:
    s = (await env.sessions.log_session(GUILD, MEI, minutes=60)).session
    due = s.created_at + timedelta(days=2)
    assert await env.sessions.reminders.next_due() == due
    assert await env.sessions.reminders.claim_due(due - timedelta(seconds=1)) == []
    await env.sessions.write_reflection(s.id, MAX, {"went_well": "Good agenda"}, share=False)
    env.clock.set(due)
    plans = await env.sessions.reminders.claim_due(due)
    assert [(p.member_id, p.role, p.retry, p.session.id) for p in plans] == [
        (MEI, "mentee", False, s.id)
    ]
    assert plans[0].nonce == f"sr{s.id}e" and len(plans[0].nonce) <= 25
    await env.sessions.reminders.record(plans[0], "thread")
    assert await env.sessions.reminders.claim_due(due + timedelta(days=9)) == []
    assert await env.sessions.reminders.next_due() is None
    rows = await env.db.fetchall(
        "SELECT member_id, delivery, sent_at IS NOT NULL AS sent FROM session_reminders "
        "ORDER BY member_id"
    )
    assert [tuple(r) for r in rows] == [(MEI, "thread", 1), (MAX, "skipped", 0)]


async def test_a_reminder_in_flight_at_a_crash_is_retried_briefly_then_lost(env: Env) -> None:
    s = (await env.sessions.log_session(GUILD, MEI, minutes=60)).session
    due = s.created_at + timedelta(days=2)
    env.clock.set(due)
    claimed = await env.sessions.reminders.claim_due(due)
    assert len(claimed) == 2
    # The process stops before recording either send. The next one starts soon after.
    env.clock.advance(ORPHAN_RETRY_WINDOW - timedelta(seconds=5))
    after = env.restarted()
    retried = await after.reminders.claim_due(env.clock.now())
    assert sorted(p.member_id for p in retried) == sorted([MEI, MAX])
    assert all(p.retry for p in retried)
    assert {p.nonce for p in retried} == {p.nonce for p in claimed}  # Discord drops a duplicate
    await after.reminders.record(retried[0], "dm")
    # Another stop; this time the next process comes back too late to retry safely.
    env.clock.advance(ORPHAN_RETRY_WINDOW + timedelta(seconds=1))
    late = env.restarted()
    assert await late.reminders.claim_due(env.clock.now()) == []
    deliveries = await env.db.fetchall("SELECT delivery FROM session_reminders ORDER BY delivery")
    assert [r["delivery"] for r in deliveries] == ["dm", "lost"]


async def test_a_throttled_reminder_is_released(env: Env) -> None:
    s = (await env.sessions.log_session(GUILD, MEI, minutes=60)).session
    due = s.created_at + timedelta(days=2)
    [first, second] = await env.sessions.reminders.claim_due(due)
    await env.sessions.reminders.release(first)
    assert await env.sessions.reminders.next_due() == due
    [again] = await env.sessions.reminders.claim_due(due)
    assert (again.member_id, again.retry) == (first.member_id, False)
    await env.sessions.reminders.record(second, "skipped")
    assert await env.sessions.reminders.claim_due(due) == []


async def test_limit_claims_a_few_at_a_time(env: Env) -> None:
    await env.sessions.log_session(GUILD, MEI, minutes=60)
    await env.sessions.log_session(GUILD, NOA, minutes=60)
    due = env.clock.now() + timedelta(days=2)
    assert len(await env.sessions.reminders.claim_due(due, limit=3)) == 3
    assert len(await env.sessions.reminders.claim_due(due, limit=3)) == 1
