"""Matching use cases against a real SQLite file: suggestions, matches, follow-ups."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.db.database import Database
from bot.db.migrate import migrate
from bot.domain import questionnaire as qn
from bot.domain.matching import MatchWeights
from bot.errors import UserError
from bot.services.matching import (
    INTRO_STALE_AFTER,
    ORPHAN_RETRY_WINDOW,
    PROPOSAL_TTL,
    EndReason,
    MatchingService,
)
from bot.services.onboarding import OnboardingService
from bot.services.settings import SettingsService
from tests.support import FakeClock
from tests.unit.support import add_member

GUILD = 1100000000000000100
OTHER_GUILD = 1100000000000000900
DIRECTOR = 1100000000000000001
MENTEE_A = 1100000000000000201
MENTEE_B = 1100000000000000202
MENTEE_C = 1100000000000000203
MENTOR_X = 1100000000000000301
MENTOR_Y = 1100000000000000302
QUESTIONNAIRE = qn.load_questionnaire(
    Path(__file__).resolve().parents[2] / "data" / "questionnaire.toml"
)


class Env:
    def __init__(self, db: Database, clock: FakeClock) -> None:
        self.db = db
        self.clock = clock
        self.settings = SettingsService(db, clock)
        self.onboarding = OnboardingService(db, clock, QUESTIONNAIRE)
        self.matching = MatchingService(db, clock, self.settings, self.onboarding)

    def restarted(self) -> MatchingService:
        """A new process: same database, new run id."""
        return MatchingService(self.db, self.clock, self.settings, self.onboarding)

    async def member(
        self,
        user_id: int,
        role: str,
        areas: list[str],
        timezone: str = "Europe/London",
        capacity: int | None = None,
        guild_id: int = GUILD,
    ) -> None:
        """A signed-up member, written directly (the sign-up itself is onboarding's test)."""
        answers = {"role": role, "areas": areas, "timezone": timezone, "bio": f"bio {user_id}"}
        if role == "mentee":
            answers["goals"] = "Lead my first team"
        else:
            answers["capacity"] = str(capacity or 1)
        await add_member(
            self.db,
            self.clock,
            user_id,
            guild_id=guild_id,
            role=role,
            timezone=timezone,
            weekday=None,
            at=None,
            answers=answers,
            capacity=capacity,
        )

    async def match(self, mentee: int, mentor: int, thread: int = 555) -> int:
        made = await self.matching.create_match(GUILD, mentee, mentor, DIRECTOR)
        await self.matching.record_introduction(made.id, thread, DIRECTOR)
        return made.id


@pytest.fixture
def env(db: Database, clock: FakeClock) -> Env:
    return Env(db, clock)


@pytest.fixture
async def cohort(env: Env) -> Env:
    await env.member(MENTEE_A, "mentee", ["leadership", "product"], "Europe/London")
    await env.member(MENTEE_B, "mentee", ["design"], "America/New_York")
    await env.member(MENTEE_C, "mentee", ["data"], "Asia/Tokyo")
    await env.member(MENTOR_X, "mentor", ["leadership", "product"], "Europe/Berlin", 1)
    await env.member(MENTOR_Y, "mentor", ["design", "data"], "America/Chicago", 2)
    return env


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
