"""Check-ins on demand, history and health through the service, against a real SQLite file.

/checkin now, the history of answers and notes, members whose prompts cannot be delivered,
and schedule changes made around a prompt (new time, new timezone, pause, role change).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.db.database import Database
from bot.errors import UserError
from tests.support import FakeClock
from tests.unit.checkin_steps import due_now, first_prompt, periods, send
from tests.unit.support import GUILD, MENTEE, MENTOR, add_member, add_mentor_of, checkin_stack
from tests.unit.support import CheckinStack as Stack


@pytest.fixture
def stack(db: Database, clock: FakeClock) -> Stack:
    return checkin_stack(db, clock)


# ---------------------------------------------------------------- now, history, health


async def test_checkin_now_gives_the_open_check_in_or_a_new_one(stack: Stack) -> None:
    await add_member(stack.db, stack.clock)
    await stack.goals.add(GUILD, MENTEE, "Lead a team")
    new = await stack.checkins.start_now(GUILD, MENTEE)
    assert new.created
    same = await stack.checkins.start_now(GUILD, MENTEE)
    assert same.period_id == new.period_id and not same.created
    await send(stack, new.period_id)
    goal = (await stack.checkins.prompt(new.period_id)).goals[0].goal_id
    await stack.checkins.record_answer(new.period_id, MENTEE, goal, "on_track")
    stack.clock.advance(timedelta(minutes=5))
    later = await stack.checkins.start_now(GUILD, MENTEE)
    assert later.created and later.period_id != new.period_id
    [entry, *_] = await stack.checkins.history(GUILD, MENTEE)
    assert entry.period_id == later.period_id and entry.kind == "manual"


async def test_checkin_now_within_the_minute_re_arms_only_an_undelivered_one(
    stack: Stack,
) -> None:
    await add_member(stack.db, stack.clock)
    await stack.goals.add(GUILD, MENTEE, "Lead a team")
    failed = await stack.checkins.start_now(GUILD, MENTEE)
    await stack.checkins.mark_undeliverable(failed.period_id)
    again = await stack.checkins.start_now(GUILD, MENTEE)
    assert again.period_id == failed.period_id
    assert await stack.checkins.period_status(again.period_id) == "pending"
    await send(stack, again.period_id)
    goal = (await stack.checkins.prompt(again.period_id)).goals[0].goal_id
    await stack.checkins.record_answer(again.period_id, MENTEE, goal, "on_track")
    answered = await stack.checkins.start_now(GUILD, MENTEE)  # still the same minute
    assert answered.period_id == failed.period_id
    assert await stack.checkins.period_status(answered.period_id) == "answered"


async def test_history_lists_answers_and_notes(stack: Stack) -> None:
    await add_member(stack.db, stack.clock)
    period_id = await first_prompt(stack)
    goal = (await stack.checkins.prompt(period_id)).goals[1].goal_id
    await stack.checkins.record_answer(period_id, MENTEE, goal, "stuck")
    await stack.checkins.save_note(period_id, MENTEE, "Need a venue", True)
    [entry] = await stack.checkins.history(GUILD, MENTEE)
    assert entry.status == "answered" and entry.answers == (("Speak", "stuck"),)
    assert entry.note == "Need a venue" and entry.note_shared


async def test_undeliverable_members_are_those_whose_latest_prompt_failed(stack: Stack) -> None:
    await add_member(stack.db, stack.clock)
    await add_member(stack.db, stack.clock, MENTOR)
    for user in (MENTEE, MENTOR):
        await stack.checkins.ensure_schedule(GUILD, user)
    stack.clock.set(datetime(2026, 11, 9, 9, 0, tzinfo=UTC))
    for period_id in await due_now(stack):
        await stack.checkins.mark_undeliverable(period_id)
    assert await stack.checkins.undeliverable_members(GUILD) == sorted([MENTEE, MENTOR])
    stack.clock.advance(timedelta(weeks=1))
    third, fourth = await due_now(stack)
    await send(stack, third)
    await stack.checkins.mark_undeliverable(fourth)
    still = (await stack.checkins.prompt(fourth)).user_id
    assert await stack.checkins.undeliverable_members(GUILD) == [still]


# ------------------------------------------------------------ schedule changes (audit)


async def test_moving_todays_time_after_the_prompt_neither_closes_it_nor_promises_another(
    stack: Stack,
) -> None:
    await add_member(stack.db, stack.clock)
    period_id = await first_prompt(stack)  # Monday 10:00, sent
    stack.clock.advance(timedelta(minutes=30))
    # Later the same day she moves her check-ins to Monday evenings: today's date already
    # had its prompt, so the next one is next Monday, and today's stays open.
    view = await stack.checkins.set_schedule(GUILD, MENTEE, day="monday", at="18:00")
    assert view.next_due_at == datetime(2026, 11, 9, 18, 0, tzinfo=UTC)
    stack.clock.set(datetime(2026, 11, 2, 18, 0, tzinfo=UTC))
    assert await due_now(stack) == []
    assert [(r["id"], r["status"]) for r in await periods(stack)] == [(period_id, "pending")]
    goal = (await stack.checkins.prompt(period_id)).goals[0].goal_id
    await stack.checkins.record_answer(period_id, MENTEE, goal, "on_track")


async def test_a_timezone_change_that_names_a_date_already_prompted_skips_it(
    stack: Stack,
) -> None:
    await add_member(stack.db, stack.clock, timezone="Pacific/Auckland")
    stack.clock.set(datetime(2026, 11, 8, 12, 0, tzinfo=UTC))
    await stack.checkins.set_schedule(GUILD, MENTEE, day="monday", at="09:00")
    stack.clock.set(datetime(2026, 11, 8, 20, 0, tzinfo=UTC))  # Monday 09:00 in Auckland
    [period_id] = await due_now(stack)
    await send(stack, period_id)
    # She flies to Los Angeles, where it is still Sunday, and keeps Monday 09:00.
    stack.clock.advance(timedelta(hours=1))
    view = await stack.checkins.set_schedule(
        GUILD, MENTEE, day="monday", at="09:00", timezone="America/Los_Angeles"
    )
    assert view.next_due_at == datetime(2026, 11, 16, 17, 0, tzinfo=UTC)
    stack.clock.set(datetime(2026, 11, 9, 17, 0, tzinfo=UTC))
    assert await due_now(stack) == []
    assert [r["status"] for r in await periods(stack)] == ["pending"]


async def test_a_mentee_who_was_briefly_a_mentor_gets_prompts_again(stack: Stack) -> None:
    await add_member(stack.db, stack.clock)
    await stack.checkins.ensure_schedule(GUILD, MENTEE)
    await stack.db.execute("UPDATE members SET role = 'mentor' WHERE user_id = ?", (MENTEE,))
    assert (await stack.checkins.ensure_schedule(GUILD, MENTEE)).next_due_at is None
    await stack.db.execute("UPDATE members SET role = 'mentee' WHERE user_id = ?", (MENTEE,))
    view = await stack.checkins.ensure_schedule(GUILD, MENTEE)
    assert view.next_due_at == datetime(2026, 11, 9, 9, 0, tzinfo=UTC)


async def test_answers_close_when_the_next_check_in_arrives(stack: Stack) -> None:
    await add_member(stack.db, stack.clock)
    await add_mentor_of(stack.db, stack.clock)
    first = await first_prompt(stack)
    goal = (await stack.checkins.prompt(first)).goals[0].goal_id
    await stack.checkins.record_answer(first, MENTEE, goal, "on_track")
    stack.clock.advance(timedelta(weeks=1))
    [second] = await due_now(stack)
    await send(stack, second)
    # A month-old prompt can't suddenly tell the mentor she is stuck.
    with pytest.raises(UserError, match="has closed"):
        await stack.checkins.record_answer(first, MENTEE, goal, "stuck")
    with pytest.raises(UserError, match="has closed"):
        await stack.checkins.save_note(first, MENTEE, "late thoughts", True)
    assert (await stack.checkins.prompt(first)).goals[0].status == "on_track"
    outcome = await stack.checkins.record_answer(second, MENTEE, goal, "stuck")
    assert outcome.mentor_alert is not None


@pytest.mark.parametrize("blank", ["   ", "\u200b\u200d", "\ufeff\u3164\n"])
async def test_an_empty_note_is_not_an_answer(stack: Stack, blank: str) -> None:
    """A note with nothing visible (spaces, zero-width or filler characters) is no note."""
    await add_member(stack.db, stack.clock)
    period_id = await first_prompt(stack)
    outcome = await stack.checkins.save_note(period_id, MENTEE, blank, False)
    assert not outcome.changed and outcome.prompt.answered_at is None
    [row] = await periods(stack)
    assert row["status"] == "pending" and row["answered_at"] is None


async def test_a_pause_that_has_ended_is_not_shown_as_a_pause(stack: Stack) -> None:
    await add_member(stack.db, stack.clock)
    await stack.checkins.set_schedule(GUILD, MENTEE, day="monday", at="10:00")
    assert (await stack.checkins.pause(GUILD, MENTEE, "2026-11-20")).paused
    stack.clock.set(datetime(2026, 12, 1, 12, 0, tzinfo=UTC))
    view = await stack.checkins.set_schedule(GUILD, MENTEE, day="friday", at="10:00")
    assert not view.paused
    assert view.schedule is not None and view.schedule.paused_until is None
    assert view.next_due_at == datetime(2026, 12, 4, 10, 0, tzinfo=UTC)
    with pytest.raises(UserError, match="aren't paused"):
        await stack.checkins.resume(GUILD, MENTEE)


async def test_pausing_after_a_prompt_cancels_its_reminder(stack: Stack) -> None:
    await add_member(stack.db, stack.clock)
    period_id = await first_prompt(stack)
    stack.clock.advance(timedelta(hours=2))
    await stack.checkins.pause(GUILD, MENTEE, None)
    stack.clock.advance(timedelta(hours=22))
    assert await stack.checkins.due_reminders(stack.clock.now()) == []
    assert await stack.checkins.next_due(stack.clock.now()) is None
    # The prompt itself stays answerable.
    goal = (await stack.checkins.prompt(period_id)).goals[0].goal_id
    await stack.checkins.record_answer(period_id, MENTEE, goal, "on_track")


async def test_each_batch_of_pending_periods_is_handed_on_once_written(stack: Stack) -> None:
    """A cohort due at once: prompts are queued batch by batch, each once it is committed,
    so the first go out while the rest are still being written."""
    members = [700_000 + n for n in range(25)]
    for user_id in members:
        await add_member(stack.db, stack.clock, user_id)
    due = None
    for user_id in members:
        view = await stack.checkins.set_schedule(GUILD, user_id, day="monday", at="10:00")
        due = view.next_due_at
    assert due is not None
    stack.clock.set(due)
    handed: list[list[int]] = []
    committed: list[int] = []

    def queue(period_ids: list[int]) -> None:
        handed.append(period_ids)
        committed.append(len(period_ids))
        assert not stack.db.in_transaction()

    await stack.checkins.materialise(stack.clock.now(), queue)
    assert len(handed) > 1  # more than one batch, each handed on by itself
    assert sorted(i for batch in handed for i in batch) == sorted(
        await stack.checkins.unsent_due(stack.clock.now())
    )
    assert sum(committed) == len(members)
