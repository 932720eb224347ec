"""Matching use cases against a real SQLite file: profiles, suggestions, matches, proposals.

Follow-ups, the capacity property and crashes mid-way: test_matching_service_followups.py.
"""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any

import pytest

from bot.db.database import Database
from bot.domain.matching import MatchWeights
from bot.errors import UserError
from bot.services.matching import INTRO_STALE_AFTER, PROPOSAL_TTL, EndReason
from bot.services.settings import SettingsService
from tests.support import FakeClock
from tests.unit.matching_env import (
    DIRECTOR,
    GUILD,
    MENTEE_A,
    MENTEE_B,
    MENTEE_C,
    MENTOR_X,
    MENTOR_Y,
    OTHER_GUILD,
    Env,
    seeded,
)


@pytest.fixture
def env(db: Database, clock: FakeClock) -> Env:
    return Env(db, clock)


@pytest.fixture
async def cohort(env: Env) -> Env:
    return await seeded(env)


# ------------------------------------------------------------------ profiles


async def test_profiles_from_a_real_sign_up_use_area_labels(env: Env) -> None:
    steps: list[dict[str, object]] = [
        {"role": "mentor"},
        {"areas": ["leadership", "public_speaking"]},
        {"capacity": "3"},
        {"bio": "Engineering manager"},
        {"experience": "10+"},
        {"timezone": "Asia/Kolkata"},
        {"checkin": ["fri", "16:30"]},
        {"consent": "agree"},
    ]
    await env.onboarding.start(GUILD, MENTOR_X)
    for raws in steps:
        await env.onboarding.answer(GUILD, MENTOR_X, raws)
    await env.onboarding.complete(GUILD, MENTOR_X)
    pool = await env.matching.pool(GUILD)
    (mentor,) = pool.mentors
    assert mentor.areas == {"Leadership", "Public speaking"}
    assert (mentor.timezone, mentor.capacity, mentor.active_mentees) == ("Asia/Kolkata", 3, 0)
    assert pool.mentees == () and pool.weights == MatchWeights()
    rows = dict(await env.matching.profile_rows(GUILD, MENTOR_X))
    assert rows["A line about you"] == "Engineering manager"
    assert "Privacy notice" not in rows and "Check-in day and time" not in rows


async def test_profiles_are_per_guild_and_skip_unfinished_sign_ups(env: Env) -> None:
    await env.member(MENTEE_A, "mentee", ["data"])
    await env.member(MENTOR_X, "mentor", ["data"], capacity=2, guild_id=OTHER_GUILD)
    await env.onboarding.start(GUILD, MENTEE_B)  # halfway through the questionnaire
    pool = await env.matching.pool(GUILD)
    assert [m.member_id for m in pool.mentees] == [MENTEE_A]
    assert pool.mentors == ()


# --------------------------------------------------------------- suggestions


async def test_suggestions_are_ranked_and_explained(cohort: Env) -> None:
    found = await cohort.matching.suggest(GUILD, MENTEE_A)
    assert [s.mentor.member_id for s in found] == [MENTOR_X, MENTOR_Y]
    assert found[0].explanation == "shares Leadership, Product · 1 h apart · 0 of 1 place taken"
    assert found[1].explanation.startswith("no shared areas · ")


async def test_full_mentors_and_earlier_pairs_are_not_suggested(cohort: Env) -> None:
    await cohort.match(MENTEE_B, MENTOR_X)
    found = await cohort.matching.suggest(GUILD, MENTEE_A)
    assert [s.mentor.member_id for s in found] == [MENTOR_Y], "X is full"
    await cohort.matching.end_match(GUILD, MENTEE_B, EndReason.NOT_A_GOOD_FIT, DIRECTOR)
    again = await cohort.matching.suggest(GUILD, MENTEE_B)
    assert MENTOR_X not in [s.mentor.member_id for s in again], "matched before"


async def test_suggest_refuses_matched_mentees_and_non_mentees(cohort: Env) -> None:
    await cohort.match(MENTEE_A, MENTOR_X)
    with pytest.raises(UserError, match="already has an active mentor"):
        await cohort.matching.suggest(GUILD, MENTEE_A)
    with pytest.raises(UserError, match="signed up as a mentor"):
        await cohort.matching.suggest(GUILD, MENTOR_Y)
    with pytest.raises(UserError, match="hasn't finished signing up"):
        await cohort.matching.suggest(GUILD, 1100000000000000999)


async def test_weights_from_settings_change_the_ranking(cohort: Env) -> None:
    # B (New York, design) vs mentors X (Berlin, no overlap) and Y (Chicago, design).
    assert (await cohort.matching.suggest(GUILD, MENTEE_B))[0].mentor.member_id == MENTOR_Y
    await cohort.settings.set_matching(
        GUILD, weights=MatchWeights(area=0, timezone=0, capacity=1), actor_id=DIRECTOR
    )
    await cohort.match(MENTEE_C, MENTOR_Y)  # Y now has 1 of 2 taken, X 0 of 1
    ranked = await cohort.matching.suggest(GUILD, MENTEE_B)
    assert [s.mentor.member_id for s in ranked] == [MENTOR_X, MENTOR_Y]
    assert ranked[0].score.total == 1.0


async def test_matching_settings_are_validated_and_default_to_the_code(env: Env) -> None:
    assert (await env.settings.get(GUILD)).match_weights == MatchWeights()
    with pytest.raises(UserError, match="between 1 and 60 days"):
        await env.settings.set_matching(GUILD, followup_days=0, actor_id=DIRECTOR)
    await env.settings.set_matching(GUILD, followup_days=14, actor_id=DIRECTOR)
    stored = await SettingsService(env.db, env.clock).get(GUILD)
    assert stored.match_followup_days == 14 and stored.match_weights == MatchWeights()
    await env.settings.set_matching(
        GUILD, weights=MatchWeights(area=1, timezone=2, capacity=0), actor_id=DIRECTOR
    )
    stored = await SettingsService(env.db, env.clock).get(GUILD)
    assert stored.match_weights == MatchWeights(area=1, timezone=2, capacity=0)
    assert stored.match_followup_days == 14


# -------------------------------------------------------------------- matches


async def test_create_match_enforces_capacity_and_one_mentor(cohort: Env) -> None:
    await cohort.match(MENTEE_A, MENTOR_X)
    with pytest.raises(UserError, match=r"no free place: 1 of 1 taken"):
        await cohort.matching.create_match(GUILD, MENTEE_B, MENTOR_X, DIRECTOR)
    with pytest.raises(UserError, match="already has an active mentor"):
        await cohort.matching.create_match(GUILD, MENTEE_A, MENTOR_Y, DIRECTOR)
    with pytest.raises(UserError, match="can't be their own mentor"):
        await cohort.matching.create_match(GUILD, MENTOR_Y, MENTOR_Y, DIRECTOR)
    with pytest.raises(UserError, match="not as a mentee"):
        await cohort.matching.create_match(GUILD, MENTOR_Y, MENTOR_X, DIRECTOR)
    count = await cohort.db.fetchval("SELECT COUNT(*) FROM matches")
    assert count == 1


async def test_two_racing_introductions_for_the_last_place(cohort: Env) -> None:
    results = await asyncio.gather(
        cohort.matching.create_match(GUILD, MENTEE_A, MENTOR_X, DIRECTOR),
        cohort.matching.create_match(GUILD, MENTEE_B, MENTOR_X, DIRECTOR),
        return_exceptions=True,
    )
    winners = [r for r in results if not isinstance(r, BaseException)]
    losers = [r for r in results if isinstance(r, BaseException)]
    assert len(winners) == 1 and len(losers) == 1
    assert isinstance(losers[0], UserError) and "no free place" in losers[0].message
    active = await cohort.db.fetchval(
        "SELECT COUNT(*) FROM matches WHERE mentor_id = ? AND status = 'active'", (MENTOR_X,)
    )
    assert active == 1


async def test_the_same_pair_clicked_twice_is_made_once(cohort: Env) -> None:
    results = await asyncio.gather(
        cohort.matching.create_match(GUILD, MENTEE_A, MENTOR_Y, DIRECTOR),
        cohort.matching.create_match(GUILD, MENTEE_A, MENTOR_Y, DIRECTOR),
        return_exceptions=True,
    )
    errors = [r for r in results if isinstance(r, UserError)]
    assert len(errors) == 1 and "already being made" in errors[0].message


async def test_undo_leaves_nothing_and_audit_is_written_on_introduction(cohort: Env) -> None:
    made = await cohort.matching.create_match(GUILD, MENTEE_A, MENTOR_X, DIRECTOR)
    await cohort.matching.undo_match(made.id)
    assert await cohort.db.fetchval("SELECT COUNT(*) FROM matches") == 0
    assert await cohort.db.fetchval("SELECT COUNT(*) FROM match_followups") == 0
    assert await cohort.db.fetchval("SELECT COUNT(*) FROM audit_log") == 0
    match_id = await cohort.match(MENTEE_A, MENTOR_X, thread=777)
    match = await cohort.matching.get(match_id)
    assert match is not None and match.intro_thread_id == 777 and match.created_by == DIRECTOR
    audit = await cohort.db.fetchone("SELECT actor_id, action, target_id FROM audit_log")
    assert audit is not None
    assert (audit["actor_id"], audit["action"], audit["target_id"]) == (
        DIRECTOR,
        "match.create",
        MENTEE_A,
    )
    # The check-ins engineer's query finds the mentor.
    mentor = await cohort.db.fetchval(
        "SELECT mentor_id FROM matches WHERE guild_id=? AND mentee_id=? AND status='active'",
        (GUILD, MENTEE_A),
    )
    assert mentor == MENTOR_X


async def test_a_reservation_left_by_a_crash_is_replaced_when_the_pair_is_introduced_again(
    cohort: Env,
) -> None:
    made = await cohort.matching.create_match(GUILD, MENTEE_A, MENTOR_X, DIRECTOR)
    cohort.clock.advance(INTRO_STALE_AFTER)
    again = await cohort.matching.create_match(GUILD, MENTEE_A, MENTOR_X, DIRECTOR)
    assert again.created_at == made.created_at + INTRO_STALE_AFTER
    assert await cohort.db.fetchval("SELECT COUNT(*) FROM matches") == 1
    due = await cohort.db.fetchall("SELECT due_at FROM match_followups")
    assert {row["due_at"] for row in due} == {
        (again.created_at + timedelta(days=7)).isoformat(timespec="microseconds")
    }


async def test_end_match_keeps_history_and_audits(cohort: Env) -> None:
    await cohort.match(MENTEE_A, MENTOR_X)
    ended = await cohort.matching.end_match(GUILD, MENTEE_A, EndReason.GOALS_ACHIEVED, DIRECTOR)
    assert ended.status == "ended" and ended.end_reason is EndReason.GOALS_ACHIEVED
    assert ended.ended_by == DIRECTOR and ended.ended_at == cohort.clock.now()
    assert await cohort.matching.list_matches(GUILD) == []
    assert len(await cohort.matching.list_matches(GUILD, include_ended=True)) == 1
    actions = [r["action"] for r in await cohort.db.fetchall("SELECT action FROM audit_log")]
    assert actions == ["match.create", "match.end"]
    with pytest.raises(UserError, match="no active mentor"):
        await cohort.matching.end_match(GUILD, MENTEE_A, EndReason.OTHER, DIRECTOR)
    # The place is free again.
    await cohort.match(MENTEE_B, MENTOR_X)


async def test_lists_and_partners(cohort: Env) -> None:
    await cohort.match(MENTEE_A, MENTOR_X)
    await cohort.match(MENTEE_B, MENTOR_Y)
    await cohort.match(MENTEE_C, MENTOR_Y)
    assert len(await cohort.matching.list_matches(GUILD)) == 3
    mine = await cohort.matching.list_matches(GUILD, mentor_id=MENTOR_Y)
    assert [m.mentee_id for m in mine] == [MENTEE_B, MENTEE_C]
    assert await cohort.matching.are_partners(GUILD, MENTOR_X, MENTEE_A)
    assert await cohort.matching.are_partners(GUILD, MENTEE_A, MENTOR_X)
    assert not await cohort.matching.are_partners(GUILD, MENTEE_A, MENTOR_Y)
    assert not await cohort.matching.are_partners(OTHER_GUILD, MENTEE_A, MENTOR_X)


# ------------------------------------------------------------------ proposals


async def test_cohort_proposal_is_stored_and_applied_once(cohort: Env) -> None:
    proposal = await cohort.matching.propose(GUILD, DIRECTOR)
    assert proposal.id is not None
    pairs = {(p.mentee.member_id, p.mentor.member_id) for p in proposal.assignment.pairs}
    assert pairs == {(MENTEE_A, MENTOR_X), (MENTEE_B, MENTOR_Y), (MENTEE_C, MENTOR_Y)}
    assert await cohort.db.fetchval("SELECT COUNT(*) FROM matches") == 0, "only a proposal"
    taken = await cohort.matching.take_proposal(GUILD, proposal.id, DIRECTOR)
    assert set(taken) == pairs
    with pytest.raises(UserError, match="already applied"):
        await cohort.matching.take_proposal(GUILD, proposal.id, DIRECTOR)
    with pytest.raises(UserError, match="can't find that proposal"):
        await cohort.matching.take_proposal(OTHER_GUILD, proposal.id, DIRECTOR)


async def test_the_cohort_assignment_runs_off_the_event_loop(
    cohort: Env, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The exact assignment takes seconds for a few hundred members: run on the loop it
    # would freeze every other interaction (and the gateway heartbeat) meanwhile.
    import threading

    from bot.domain import matching as rules

    loop_thread = threading.get_ident()
    ran_on: list[int] = []
    real_assign = rules.assign

    def spy(*args: Any, **kwargs: Any) -> rules.Assignment:
        ran_on.append(threading.get_ident())
        return real_assign(*args, **kwargs)

    monkeypatch.setattr(rules, "assign", spy)
    proposal = await cohort.matching.propose(GUILD, DIRECTOR)
    assert len(proposal.assignment.pairs) == 3
    assert ran_on and loop_thread not in ran_on


async def test_cancelled_and_stale_proposals_are_refused(cohort: Env) -> None:
    first = await cohort.matching.propose(GUILD, DIRECTOR)
    assert first.id is not None
    await cohort.matching.cancel_proposal(GUILD, first.id, DIRECTOR)
    with pytest.raises(UserError, match="already cancelled"):
        await cohort.matching.take_proposal(GUILD, first.id, DIRECTOR)
    second = await cohort.matching.propose(GUILD, DIRECTOR)
    assert second.id is not None
    cohort.clock.advance(PROPOSAL_TTL + timedelta(minutes=1))
    with pytest.raises(UserError, match="more than a day old"):
        await cohort.matching.take_proposal(GUILD, second.id, DIRECTOR)


async def test_nothing_to_propose_stores_nothing(env: Env) -> None:
    await env.member(MENTEE_A, "mentee", ["data"])
    proposal = await env.matching.propose(GUILD, DIRECTOR)
    assert proposal.id is None and [m.member_id for m in proposal.assignment.unassigned] == [
        MENTEE_A
    ]
    assert await env.db.fetchval("SELECT COUNT(*) FROM match_proposals") == 0
