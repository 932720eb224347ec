"""Onboarding use cases against a real SQLite file and the shipped questionnaire."""

from __future__ import annotations

import json

import pytest

from bot.db.database import Database
from bot.domain import questionnaire as qn
from bot.errors import UserError
from bot.services.onboarding import MemberStatus, OnboardingService
from tests.support import FakeClock
from tests.unit.support import (
    MENTEE_STEPS,
    MENTOR_STEPS,
    QUESTIONNAIRE,
    add_match,
    walk_signup,
)

GUILD = 1100000000000000100
ALICE = 1100000000000000201
BOB = 1100000000000000202


@pytest.fixture
def service(db: Database, clock: FakeClock) -> OnboardingService:
    return OnboardingService(db, clock, QUESTIONNAIRE)


async def walk(service: OnboardingService, user: int, steps: list[dict[str, object]]) -> None:
    await walk_signup(service, GUILD, user, steps)


async def test_mentee_completes_and_gets_profile_goals_schedule(
    service: OnboardingService, db: Database
) -> None:
    await walk(service, ALICE, MENTEE_STEPS)
    assert await service.needs_completion(GUILD, ALICE)
    completion = await service.complete(GUILD, ALICE)
    assert completion.role == "mentee" and completion.first_time and completion.assign_role
    assert completion.goals_created == 2
    assert completion.cohort_id is None, "no active cohort yet: enrolled when one is created"
    row = await db.fetchone("SELECT * FROM members WHERE user_id = ?", (ALICE,))
    assert row is not None
    assert row["status"] == "onboarded" and row["role"] == "mentee"
    assert row["timezone"] == "Europe/London"
    assert (row["checkin_weekday"], row["checkin_time"]) == (0, "09:00")
    assert row["consent_at"] is not None
    goals = await db.fetchall(
        "SELECT title, source FROM goals WHERE user_id = ? ORDER BY id", (ALICE,)
    )
    assert [(g["title"], g["source"]) for g in goals] == [
        ("Lead my first team", "onboarding"),
        ("Speak at a meetup", "onboarding"),
    ]
    assert await service.needs_completion(GUILD, ALICE), "the role is not given yet"
    await service.set_role_assigned(GUILD, ALICE, True)
    assert not await service.needs_completion(GUILD, ALICE)


async def test_mentor_path_and_cohort_enrollment(
    service: OnboardingService, db: Database, clock: FakeClock
) -> None:
    await db.execute(
        "INSERT INTO cohorts (guild_id, name, created_at) VALUES (?, 'Spring', ?)",
        (GUILD, clock.now().isoformat()),
    )
    await walk(service, BOB, MENTOR_STEPS)
    completion = await service.complete(GUILD, BOB)
    assert completion.role == "mentor" and completion.cohort_id is not None
    row = await db.fetchone("SELECT capacity FROM members WHERE user_id = ?", (BOB,))
    assert row is not None and row["capacity"] == 3
    enrolled = await db.fetchone("SELECT role FROM cohort_members WHERE user_id = ?", (BOB,))
    assert enrolled is not None and enrolled["role"] == "mentor"
    assert await db.fetchval("SELECT count(*) FROM goals WHERE user_id = ?", (BOB,)) == 0


async def test_progress_is_saved_and_resumes(
    service: OnboardingService, clock: FakeClock, db: Database
) -> None:
    await service.start(GUILD, ALICE)
    await service.answer(GUILD, ALICE, {"role": "mentee"})
    await service.answer(GUILD, ALICE, {"areas": ["design"]})
    # A new service object (a restart) sees the same place in the flow.
    again = OnboardingService(db, clock, QUESTIONNAIRE)
    screen = await again.start(GUILD, ALICE)
    assert screen.step is not None
    assert [q.id for q in screen.step.questions] == ["goals", "bio"]
    assert screen.answers["areas"] == ["design"]
    record = await again.get(GUILD, ALICE)
    assert record is not None and record.status is MemberStatus.ONBOARDING


async def test_refused_text_is_kept_as_a_draft_and_nothing_else_changes(
    service: OnboardingService,
) -> None:
    await walk(service, ALICE, MENTEE_STEPS[:2])
    essay = "x" * 4000
    with pytest.raises(qn.AnswerError, match="4,000 characters"):
        await service.answer(GUILD, ALICE, {"goals": essay, "bio": "Backend developer"})
    screen = await service.screen(GUILD, ALICE)
    assert "goals" not in screen.answers and "bio" not in screen.answers
    assert screen.drafts["goals"] == essay, "the member's words are not lost"
    screen = await service.answer(GUILD, ALICE, {"goals": "Shorter goal", "bio": ""})
    assert screen.drafts == {}
    assert screen.answers["goals"] == "Shorter goal"


async def test_unknown_timezone_is_refused(service: OnboardingService) -> None:
    await walk(service, ALICE, MENTEE_STEPS[:4])
    with pytest.raises(qn.AnswerError, match="Mars/Olympus"):
        await service.answer(GUILD, ALICE, {"timezone": "Mars/Olympus"})
    screen = await service.answer(GUILD, ALICE, {"timezone": "Asia/Shanghai"})
    assert screen.answers["timezone"] == "Asia/Shanghai"


async def test_changing_role_after_signup_asks_the_new_branch(service: OnboardingService) -> None:
    await walk(service, ALICE, MENTEE_STEPS)
    await service.complete(GUILD, ALICE)
    step = service.edit_step("role", (await service.screen(GUILD, ALICE)).answers)
    assert [q.id for q in step.questions] == ["role"]
    screen = await service.answer(GUILD, ALICE, {"role": "mentor"})
    assert screen.step is not None and screen.step.questions[0].id == "capacity"
    assert not await service.needs_completion(GUILD, ALICE)
    screen = await service.answer(GUILD, ALICE, {"capacity": "2"})
    assert screen.complete
    completion = await service.complete(GUILD, ALICE)
    assert (completion.role, completion.previous_role, completion.first_time) == (
        "mentor",
        "mentee",
        False,
    )


async def test_complete_refuses_unfinished(service: OnboardingService) -> None:
    await walk(service, ALICE, MENTEE_STEPS[:3])
    with pytest.raises(UserError):
        await service.complete(GUILD, ALICE)


async def test_reset_clears_answers_and_is_audited(
    service: OnboardingService, db: Database
) -> None:
    await walk(service, ALICE, MENTEE_STEPS)
    await service.complete(GUILD, ALICE)
    previous = await service.reset(GUILD, ALICE, actor_id=BOB)
    assert previous == "mentee"
    record = await service.get(GUILD, ALICE)
    assert record is not None
    assert record.status is MemberStatus.JOINED and record.answers == {} and record.role is None
    audit = await db.fetchone("SELECT * FROM audit_log")
    assert audit is not None
    assert (audit["actor_id"], audit["action"], audit["target_id"]) == (
        BOB,
        "onboarding.reset",
        ALICE,
    )
    with pytest.raises(UserError, match="nothing to reset"):
        await service.reset(GUILD, ALICE, actor_id=BOB)


async def test_directors_never_see_goal_text(service: OnboardingService) -> None:
    await walk(service, ALICE, MENTEE_STEPS)
    await service.complete(GUILD, ALICE)
    own = await service.profile(GUILD, ALICE, viewer="self")
    director = await service.profile(GUILD, ALICE, viewer="director")
    assert own is not None and director is not None
    assert "Lead my first team" in json.dumps(own.rows)
    assert "Lead my first team" not in json.dumps(director.rows)
    assert "2 goals" in json.dumps(director.rows)


async def test_members_are_partitioned_by_server(service: OnboardingService) -> None:
    await walk(service, ALICE, MENTEE_STEPS)
    assert await service.get(GUILD + 1, ALICE) is None
    assert await service.profile(GUILD + 1, ALICE, viewer="director") is None


async def test_reset_refused_while_matched(
    service: OnboardingService, db: Database, clock: FakeClock
) -> None:
    await walk(service, ALICE, MENTEE_STEPS)
    await service.complete(GUILD, ALICE)
    await walk(service, BOB, MENTOR_STEPS)
    await service.complete(GUILD, BOB)
    await add_match(db, clock, ALICE, BOB, guild_id=GUILD, created_by=BOB)
    for member in (ALICE, BOB):
        with pytest.raises(UserError, match="active match"):
            await service.reset(GUILD, member, actor_id=BOB)
    record = await service.get(GUILD, ALICE)
    assert record is not None and record.status is MemberStatus.ONBOARDED
    # Nor can a matched member switch sides; other answers can still change.
    with pytest.raises(UserError, match="active match as a mentee"):
        await service.answer(GUILD, ALICE, {"role": ["mentor"]})
    screen = await service.answer(GUILD, ALICE, {"role": ["mentee"]})
    assert screen.complete
    screen = await service.answer(GUILD, ALICE, {"timezone": "Asia/Shanghai"})
    assert screen.answers["timezone"] == "Asia/Shanghai"


async def test_changing_timezone_after_signup_updates_the_profile(
    service: OnboardingService, db: Database
) -> None:
    await walk(service, ALICE, MENTEE_STEPS)
    await service.complete(GUILD, ALICE)
    await service.set_role_assigned(GUILD, ALICE, True)
    assert not await service.needs_completion(GUILD, ALICE)
    await service.answer(GUILD, ALICE, {"timezone": "Asia/Shanghai"})
    assert await service.needs_completion(GUILD, ALICE)
    completion = await service.complete(GUILD, ALICE)
    assert not completion.first_time and completion.goals_created == 0
    assert completion.schedule_changed and not completion.assign_role
    assert await db.fetchval("SELECT timezone FROM members WHERE user_id = ?", (ALICE,)) == (
        "Asia/Shanghai"
    )
    assert not await service.needs_completion(GUILD, ALICE)
