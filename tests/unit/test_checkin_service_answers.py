"""Check-in answers through the service, against a real SQLite file.

Answers recorded once, who may answer, notes, escalation to the mentor when stuck, and the
at-risk rule (two missed prompts, stuck twice on one goal).
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.db.database import Database
from bot.domain.schedule import MISSED_TWICE_REASON, STUCK_TWICE_REASON
from bot.errors import UserError
from tests.support import FakeClock
from tests.unit.checkin_steps import due_now, first_prompt, periods, send
from tests.unit.support import GUILD, MENTEE, MENTOR, add_member, add_mentor_of, checkin_stack
from tests.unit.support import CheckinStack as Stack


@pytest.fixture
def stack(db: Database, clock: FakeClock) -> Stack:
    return checkin_stack(db, clock)


# ------------------------------------------------------------------------ answers


async def test_answers_are_recorded_once_and_done_completes_the_goal(stack: Stack) -> None:
    await add_member(stack.db, stack.clock)
    period_id = await first_prompt(stack)
    prompt = await stack.checkins.prompt(period_id)
    lead, speak = (g.goal_id for g in prompt.goals)
    outcome = await stack.checkins.record_answer(period_id, MENTEE, lead, "on_track")
    assert outcome.changed and outcome.prompt.status == "answered"
    again = await stack.checkins.record_answer(period_id, MENTEE, lead, "on_track")
    assert not again.changed, "a second click on the same answer changes nothing"
    await stack.checkins.record_answer(period_id, MENTEE, speak, "done")
    assert [g.title for g in await stack.goals.open_goals(GUILD, MENTEE)] == ["Lead a team"]
    after = await stack.checkins.prompt(period_id)
    assert [g.status for g in after.goals] == ["on_track", "done"], "the prompt keeps its goals"
    await stack.checkins.record_answer(period_id, MENTEE, speak, "on_track")
    assert len(await stack.goals.open_goals(GUILD, MENTEE)) == 2, "changing Done reopens it"
    rows = await stack.db.fetchall(
        "SELECT * FROM checkin_answers WHERE period_id = ?", (period_id,)
    )
    assert len(rows) == 2


async def test_only_the_mentee_answers_their_check_in(stack: Stack) -> None:
    await add_member(stack.db, stack.clock)
    period_id = await first_prompt(stack)
    goal = (await stack.checkins.prompt(period_id)).goals[0].goal_id
    with pytest.raises(UserError, match="someone else"):
        await stack.checkins.record_answer(period_id, MENTOR, goal, "stuck")
    with pytest.raises(UserError, match="isn't part of this check-in"):
        await stack.checkins.record_answer(period_id, MENTEE, 999_999, "stuck")


async def test_stuck_tells_the_mentor_once_and_the_note_only_if_shared(stack: Stack) -> None:
    await add_member(stack.db, stack.clock)
    await add_mentor_of(stack.db, stack.clock)
    period_id = await first_prompt(stack)
    goal = (await stack.checkins.prompt(period_id)).goals[0].goal_id
    private = await stack.checkins.save_note(period_id, MENTEE, "My manager left", False)
    assert private.mentor_alert is None
    stuck = await stack.checkins.record_answer(period_id, MENTEE, goal, "stuck")
    assert stuck.mentor_alert is not None
    assert stuck.mentor_alert.mentor_id == MENTOR
    assert stuck.mentor_alert.stuck_titles == ("Lead a team",)
    assert stuck.mentor_alert.note is None, "a private note never reaches the mentor"
    await stack.checkins.record_answer(period_id, MENTEE, goal, "on_track")
    again = await stack.checkins.record_answer(period_id, MENTEE, goal, "stuck")
    assert again.mentor_alert is None, "the mentor is told once per goal and check-in"
    shared = await stack.checkins.save_note(period_id, MENTEE, "My manager left", True)
    assert shared.mentor_alert is not None
    assert shared.mentor_alert.note == "My manager left"
    assert shared.mentor_alert.stuck_titles == ("Lead a team",)
    same = await stack.checkins.save_note(period_id, MENTEE, "My manager left", True)
    assert same.mentor_alert is None, "an unchanged note is not sent twice"


async def test_stuck_without_a_mentor_tells_nobody(stack: Stack) -> None:
    await add_member(stack.db, stack.clock)
    period_id = await first_prompt(stack)
    goal = (await stack.checkins.prompt(period_id)).goals[0].goal_id
    outcome = await stack.checkins.record_answer(period_id, MENTEE, goal, "stuck")
    assert outcome.mentor_alert is None and not outcome.has_mentor


async def test_note_is_limited_and_empty_removes_it(stack: Stack) -> None:
    await add_member(stack.db, stack.clock)
    period_id = await first_prompt(stack)
    with pytest.raises(UserError, match="under 1,000"):
        await stack.checkins.save_note(period_id, MENTEE, "x" * 1001, False)
    await stack.checkins.save_note(period_id, MENTEE, "\u200bGood week at the cafe\u0301 ", True)
    assert await stack.checkins.note_of(period_id, MENTEE) == ("Good week at the café", True)
    cleared = await stack.checkins.save_note(period_id, MENTEE, "  ", True)
    assert not cleared.prompt.note_saved and not cleared.prompt.note_shared


# ------------------------------------------------------------------------ at risk


async def test_two_missed_prompts_in_a_row_mark_the_mentee_at_risk(stack: Stack) -> None:
    await add_member(stack.db, stack.clock)
    period_id = await first_prompt(stack)
    stack.clock.advance(timedelta(weeks=1))
    [second] = await due_now(stack)
    await send(stack, second)
    assert await stack.checkins.at_risk(GUILD) == []  # one missed so far
    stack.clock.advance(timedelta(weeks=1))
    changes = await stack.checkins.materialise(stack.clock.now())
    assert [(c.user_id, c.reason) for c in changes] == [(MENTEE, MISSED_TWICE_REASON)]
    assert await stack.checkins.at_risk(GUILD) == [(MENTEE, MISSED_TWICE_REASON)]
    assert {r["id"]: r["status"] for r in await periods(stack)}[period_id] == "missed"
    # Back on track: answering the next check-ins clears the flag.
    [third] = await stack.checkins.unsent_due(stack.clock.now())
    await send(stack, third)
    goal = (await stack.checkins.prompt(third)).goals[0].goal_id
    await stack.checkins.record_answer(third, MENTEE, goal, "on_track")
    stack.clock.advance(timedelta(weeks=1))
    [fourth] = await due_now(stack)
    await send(stack, fourth)
    cleared = await stack.checkins.record_answer(fourth, MENTEE, goal, "on_track")
    stack.clock.advance(timedelta(weeks=1))
    [fifth] = await due_now(stack)
    await send(stack, fifth)
    cleared = await stack.checkins.record_answer(fifth, MENTEE, goal, "on_track")
    assert cleared.risk is not None and cleared.risk.reason is None
    assert await stack.checkins.at_risk(GUILD) == []


async def test_stuck_twice_on_the_same_goal_marks_the_mentee_at_risk(stack: Stack) -> None:
    await add_member(stack.db, stack.clock)
    first = await first_prompt(stack)
    lead, speak = (g.goal_id for g in (await stack.checkins.prompt(first)).goals)
    await stack.checkins.record_answer(first, MENTEE, lead, "stuck")
    stack.clock.advance(timedelta(weeks=1))
    [second] = await due_now(stack)
    await send(stack, second)
    other = await stack.checkins.record_answer(second, MENTEE, speak, "stuck")
    assert other.risk is None, "stuck on two different goals is not the signal"
    outcome = await stack.checkins.record_answer(second, MENTEE, lead, "stuck")
    assert outcome.risk is not None and outcome.risk.reason == STUCK_TWICE_REASON
    assert await stack.checkins.at_risk(GUILD) == [(MENTEE, STUCK_TWICE_REASON)]


async def test_a_prompt_claimed_before_a_stop_counts_as_asked(stack: Stack) -> None:
    """Delivered just before a stop, never marked sent, then closed as missed after the
    downtime: the mentee was asked, so two ignored prompts still flag them."""
    await add_member(stack.db, stack.clock)
    await first_prompt(stack)
    stack.clock.advance(timedelta(weeks=1))
    [second] = await due_now(stack)
    prompt = await stack.checkins.prompt(second)
    assert await stack.checkins.claim(second, 42, "dm", [g.goal_id for g in prompt.goals])
    # The bot stops here, before `mark_sent`, and is back a week later.
    stack.clock.advance(timedelta(weeks=1))
    changes = await stack.checkins.materialise(stack.clock.now())
    assert [(c.user_id, c.reason) for c in changes] == [(MENTEE, MISSED_TWICE_REASON)]
    assert await stack.checkins.at_risk(GUILD) == [(MENTEE, MISSED_TWICE_REASON)]


async def test_a_claimed_prompt_found_never_delivered_is_not_counted(stack: Stack) -> None:
    """Too late to send, and Discord shows it never arrived: nobody was asked."""
    await add_member(stack.db, stack.clock)
    await first_prompt(stack)
    stack.clock.advance(timedelta(weeks=1))
    [second] = await due_now(stack)
    prompt = await stack.checkins.prompt(second)
    assert await stack.checkins.claim(second, 42, "dm", [g.goal_id for g in prompt.goals])
    stack.clock.advance(timedelta(hours=13))
    await stack.checkins.mark_missed(second)  # what the delivery does when it finds nothing
    stack.clock.advance(timedelta(weeks=1) - timedelta(hours=13))
    assert await stack.checkins.materialise(stack.clock.now()) == []
    assert await stack.checkins.at_risk(GUILD) == []
