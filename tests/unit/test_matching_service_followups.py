"""Matching follow-ups against a real SQLite file ("Have you met yet?" rounds and retries),
the property that no sequence of actions overfills a mentor, and crashes mid-way through a
match.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.db.database import Database
from bot.db.migrate import migrate
from bot.errors import UserError
from bot.services.matching import INTRO_STALE_AFTER, ORPHAN_RETRY_WINDOW, EndReason
from tests.support import FakeClock
from tests.unit.matching_env import (
    DIRECTOR,
    GUILD,
    MENTEE_A,
    MENTEE_B,
    MENTOR_X,
    MENTOR_Y,
    Env,
    seeded,
)


@pytest.fixture
def env(db: Database, clock: FakeClock) -> Env:
    return Env(db, clock)


@pytest.fixture
async def cohort(env: Env) -> Env:
    return await seeded(env)


# ----------------------------------------------------------------- follow-ups


async def test_followups_fall_due_after_the_configured_delay_and_go_once(cohort: Env) -> None:
    await cohort.settings.set_matching(GUILD, followup_days=3, actor_id=DIRECTOR)
    start = cohort.clock.now()
    match_id = await cohort.match(MENTEE_A, MENTOR_X)
    assert await cohort.matching.next_followup_due() == start + timedelta(days=3)
    cohort.clock.advance(timedelta(days=3) - timedelta(seconds=1))
    assert await cohort.matching.claim_due_followups(cohort.clock.now()) == []
    cohort.clock.advance(timedelta(seconds=1))
    prompts = await cohort.matching.claim_due_followups(cohort.clock.now())
    assert {(p.member_id, p.partner_id, p.role) for p in prompts} == {
        (MENTEE_A, MENTOR_X, "mentee"),
        (MENTOR_X, MENTEE_A, "mentor"),
    }
    assert all(p.match_id == match_id and p.round == 1 and not p.retry for p in prompts)
    assert len({p.nonce for p in prompts}) == 2 and all(len(p.nonce) <= 25 for p in prompts)
    assert await cohort.matching.claim_due_followups(cohort.clock.now()) == [], "claimed once"
    for p in prompts:
        await cohort.matching.record_delivery(p, "dm")
    assert await cohort.matching.claim_due_followups(cohort.clock.now()) == []
    assert await cohort.matching.next_followup_due() is None


async def _due(env: Env) -> list[int]:
    env.clock.advance(timedelta(days=7))
    prompts = await env.matching.claim_due_followups(env.clock.now())
    for p in prompts:
        await env.matching.record_delivery(p, "dm")
    return sorted(p.round for p in prompts)


async def test_need_help_flags_the_pair(cohort: Env) -> None:
    match_id = await cohort.match(MENTEE_A, MENTOR_X)
    await _due(cohort)
    result = await cohort.matching.answer_followup(match_id, 1, MENTEE_A, "need_help")
    assert result.outcome == "recorded" and result.newly_flagged == "need_help"
    assert result.match.flag_reason == "need_help"
    assert result.match.flagged_at == cohort.clock.now()
    audit = await cohort.db.fetchone("SELECT * FROM audit_log WHERE action = 'match.flag'")
    assert audit is not None and audit["actor_id"] == MENTEE_A
    again = await cohort.matching.answer_followup(match_id, 1, MENTOR_X, "need_help")
    assert again.newly_flagged is None, "flagged once"
    assert await cohort.matching.next_followup_due() is None, "directors take it from here"


async def test_not_yet_asks_again_then_flags(cohort: Env) -> None:
    match_id = await cohort.match(MENTEE_A, MENTOR_X)
    assert await _due(cohort) == [1, 1]
    first = await cohort.matching.answer_followup(match_id, 1, MENTEE_A, "not_yet")
    assert first.newly_flagged is None
    assert first.next_round_due == cohort.clock.now() + timedelta(days=7)
    both = await cohort.matching.answer_followup(match_id, 1, MENTOR_X, "not_yet")
    assert both.newly_flagged is None, "two answers in one round are one 'not yet'"
    assert await _due(cohort) == [2, 2]
    second = await cohort.matching.answer_followup(match_id, 2, MENTOR_X, "not_yet")
    assert second.newly_flagged == "not_met" and second.next_round_due is None
    assert await cohort.matching.next_followup_due() is None


async def test_yes_records_the_meeting_and_stops_asking(cohort: Env) -> None:
    match_id = await cohort.match(MENTEE_A, MENTOR_X)
    await _due(cohort)
    await cohort.matching.answer_followup(match_id, 1, MENTOR_X, "not_yet")
    met = await cohort.matching.answer_followup(match_id, 1, MENTEE_A, "yes")
    assert met.match.met_at == cohort.clock.now()
    assert await cohort.matching.next_followup_due() is None, "round 2 is not sent"
    assert await _due(cohort) == []
    repeat = await cohort.matching.answer_followup(match_id, 1, MENTEE_A, "need_help")
    assert repeat.outcome == "already_answered" and repeat.answer == "yes"


async def test_answers_are_checked_against_the_match(cohort: Env) -> None:
    match_id = await cohort.match(MENTEE_A, MENTOR_X)
    await _due(cohort)
    with pytest.raises(UserError, match="meant for someone else"):
        await cohort.matching.answer_followup(match_id, 1, MENTEE_B, "yes")
    with pytest.raises(UserError, match="meant for your partner"):
        await cohort.matching.answer_followup(match_id, 2, MENTEE_A, "yes")
    await cohort.matching.end_match(GUILD, MENTEE_A, EndReason.NEEDS_CHANGED, DIRECTOR)
    late = await cohort.matching.answer_followup(match_id, 1, MENTEE_A, "not_yet")
    assert late.outcome == "match_ended" and late.answer is None
    with pytest.raises(UserError, match="can't find that match"):
        await cohort.matching.answer_followup(987654, 1, MENTEE_A, "yes")


async def test_ended_matches_get_no_followups(cohort: Env) -> None:
    await cohort.match(MENTEE_A, MENTOR_X)
    await cohort.matching.end_match(GUILD, MENTEE_A, EndReason.LACK_OF_CONTACT, DIRECTOR)
    assert await cohort.matching.next_followup_due() is None
    assert await _due(cohort) == []


async def test_a_claim_left_by_a_crash_is_retried_within_the_nonce_window(cohort: Env) -> None:
    await cohort.match(MENTEE_A, MENTOR_X)
    cohort.clock.advance(timedelta(days=7))
    claimed = await cohort.matching.claim_due_followups(cohort.clock.now())
    await cohort.matching.record_delivery(claimed[0], "dm")  # the second one never went out
    cohort.clock.advance(ORPHAN_RETRY_WINDOW)
    after_restart = cohort.restarted()
    retried = await after_restart.claim_due_followups(cohort.clock.now())
    assert [(p.member_id, p.nonce, p.retry) for p in retried] == [
        (claimed[1].member_id, claimed[1].nonce, True)
    ]
    await after_restart.record_delivery(retried[0], "dm")
    assert await cohort.restarted().claim_due_followups(cohort.clock.now()) == []


async def test_a_claim_left_too_long_ago_is_recorded_lost_not_resent(cohort: Env) -> None:
    await cohort.match(MENTEE_A, MENTOR_X)
    cohort.clock.advance(timedelta(days=7))
    claimed = await cohort.matching.claim_due_followups(cohort.clock.now())
    assert len(claimed) == 2
    cohort.clock.advance(ORPHAN_RETRY_WINDOW + timedelta(seconds=1))
    assert await cohort.restarted().claim_due_followups(cohort.clock.now()) == []
    rows = await cohort.db.fetchall("SELECT delivery, sent_at FROM match_followups")
    assert [(r["delivery"], r["sent_at"]) for r in rows] == [("lost", None), ("lost", None)]


async def test_in_flight_claims_of_this_run_are_not_orphans(cohort: Env) -> None:
    await cohort.match(MENTEE_A, MENTOR_X)
    cohort.clock.advance(timedelta(days=7))
    assert len(await cohort.matching.claim_due_followups(cohort.clock.now())) == 2
    assert await cohort.matching.claim_due_followups(cohort.clock.now()) == []


# ---------------------------------------------------------------- properties

OPS = st.lists(
    st.tuples(
        st.sampled_from(["create", "end"]),
        st.integers(0, 4),  # mentee index
        st.integers(0, 2),  # mentor index
    ),
    max_size=25,
)


@settings(max_examples=40, deadline=None)
@given(ops=OPS, capacities=st.lists(st.integers(1, 3), min_size=3, max_size=3))
async def test_no_sequence_of_actions_overfills_a_mentor(
    ops: list[tuple[str, int, int]], capacities: list[int]
) -> None:
    db = await Database.open(":memory:")
    try:
        await migrate(db)
        env = Env(db, FakeClock())
        mentees = [MENTEE_A + i for i in range(5)]
        mentors = [MENTOR_X + i for i in range(3)]
        for mentee in mentees:
            await env.member(mentee, "mentee", ["data"])
        for mentor, capacity in zip(mentors, capacities, strict=True):
            await env.member(mentor, "mentor", ["data"], capacity=capacity)
        for op, i, j in ops:
            try:
                if op == "create":
                    await env.match(mentees[i], mentors[j])
                else:
                    await env.matching.end_match(GUILD, mentees[i], EndReason.OTHER, DIRECTOR)
            except UserError:
                pass
            for mentor, capacity in zip(mentors, capacities, strict=True):
                mine = await env.matching.list_matches(GUILD, mentor_id=mentor)
                assert len(mine) <= capacity
            active = await env.matching.list_matches(GUILD)
            assert len({m.mentee_id for m in active}) == len(active)
            pool = await env.matching.pool(GUILD)
            for profile in pool.mentees:
                if profile.member_id in pool.matched_mentees:
                    continue
                for suggestion in await env.matching.suggest(GUILD, profile.member_id):
                    assert suggestion.mentor.remaining_places > 0
    finally:
        await db.close()


# ------------------------------------------------------------ crashes mid-way


async def test_a_reservation_left_by_a_crash_blocks_nobody_and_is_never_followed_up(
    cohort: Env,
) -> None:
    # The process stopped after reserving the place and before the thread existed: the
    # pair was never told. Nobody may be asked "Have you met yet?" about it, and neither
    # the mentee nor the mentor's place stays locked to that pair.
    await cohort.matching.create_match(GUILD, MENTEE_A, MENTOR_X, DIRECTOR)
    cohort.clock.advance(timedelta(days=7))
    assert await cohort.matching.claim_due_followups(cohort.clock.now()) == []
    assert await cohort.matching.next_followup_due() is None

    after_restart = cohort.restarted()
    assert await after_restart.drop_unfinished_introductions() == 1
    # One being made by the new process right now is never touched.
    in_flight = await after_restart.create_match(GUILD, MENTEE_B, MENTOR_Y, DIRECTOR)
    assert await after_restart.drop_unfinished_introductions() == 0
    assert [m.id for m in await after_restart.list_matches(GUILD)] == [in_flight.id]
    await after_restart.undo_match(in_flight.id)
    pool = await after_restart.pool(GUILD)
    assert MENTEE_A not in pool.matched_mentees
    assert next(m for m in pool.mentors if m.member_id == MENTOR_X).active_mentees == 0
    assert await after_restart.list_matches(GUILD) == []
    assert await cohort.db.fetchval("SELECT COUNT(*) FROM match_followups") == 0


async def test_a_stale_reservation_gives_way_to_a_new_introduction(cohort: Env) -> None:
    await cohort.matching.create_match(GUILD, MENTEE_A, MENTOR_X, DIRECTOR)
    with pytest.raises(UserError, match="already has an active mentor"):
        await cohort.matching.create_match(GUILD, MENTEE_A, MENTOR_Y, DIRECTOR)
    cohort.clock.advance(INTRO_STALE_AFTER)
    # Another mentor for the mentee, and another mentee for the mentor, can be introduced.
    moved = await cohort.match(MENTEE_A, MENTOR_Y)
    taken = await cohort.match(MENTEE_B, MENTOR_X)
    active = await cohort.matching.list_matches(GUILD)
    assert {m.id for m in active} == {moved, taken}
    assert await cohort.db.fetchval("SELECT COUNT(*) FROM matches") == 2


async def test_a_crash_mid_batch_loses_at_most_the_prompt_in_flight(
    cohort: Env, monkeypatch: pytest.MonkeyPatch
) -> None:
    from types import SimpleNamespace

    from cogs.matching import _flow

    await cohort.match(MENTEE_A, MENTOR_X)
    await cohort.match(MENTEE_B, MENTOR_Y)
    cohort.clock.advance(timedelta(days=7))

    class Crash(BaseException):
        """The process dies (power cut, OOM kill) while a DM is on its way."""

    delivered: list[tuple[int, int]] = []

    async def deliver(bot: object, prompt: object) -> None:
        assert isinstance(prompt, _flow.FollowupPrompt)
        if delivered:
            raise Crash
        delivered.append((prompt.match_id, prompt.member_id))
        await cohort.matching.record_delivery(prompt, "dm")

    monkeypatch.setattr(_flow, "deliver_followup", deliver)
    bot = SimpleNamespace(services=SimpleNamespace(matching=cohort.matching))
    with pytest.raises(Crash):
        await _flow.run_due_followups(bot, cohort.clock.now())  # type: ignore[arg-type]

    cohort.clock.advance(timedelta(minutes=30))  # a slow restart: past the nonce window
    after_restart = cohort.restarted()
    again = await after_restart.claim_due_followups(cohort.clock.now())
    # One prompt was sent, one was in flight when the process died (it may or may not
    # have reached Discord, so it is not re-sent), and the two never attempted still go.
    assert len(again) == 2 and not any(p.retry for p in again)
    assert not {(p.match_id, p.member_id) for p in again} & set(delivered)
    lost = await cohort.db.fetchval("SELECT COUNT(*) FROM match_followups WHERE delivery='lost'")
    assert lost == 1
