"""Check-in schedules and periods through the service, against a real SQLite file.

Due times across DST, fortnightly cadence, pause/resume, the grace window, reminders and
missed prompts. Answers and the at-risk rule: test_checkin_service_answers.py; /checkin now,
history and schedule changes: test_checkin_service_history.py.
"""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.db.database import Database
from bot.errors import UserError
from tests.support import FakeClock
from tests.unit.checkin_steps import due_now, first_due, periods, send
from tests.unit.support import GUILD, MENTEE, add_guild_settings, add_member, checkin_stack
from tests.unit.support import CheckinStack as Stack


@pytest.fixture
def stack(db: Database, clock: FakeClock) -> Stack:
    return checkin_stack(db, clock)


# ------------------------------------------------------------------------ schedules


async def test_onboarding_answers_start_the_schedule_once(stack: Stack) -> None:
    # Monday 09:00 Europe/London; the clock is Monday 09:00 UTC
    await add_member(stack.db, stack.clock)
    view = await stack.checkins.ensure_schedule(GUILD, MENTEE)
    assert view.schedule is not None and view.schedule.weekday == 0
    # Strictly after now: the slot that is exactly now is not treated as already due.
    assert view.next_due_at == datetime(2026, 11, 9, 9, 0, tzinfo=UTC)
    chosen = await stack.checkins.set_schedule(GUILD, MENTEE, day="friday", at="17:30")
    again = await stack.checkins.ensure_schedule(GUILD, MENTEE)
    assert again.schedule == chosen.schedule, "a schedule the member chose is kept"


async def test_mentors_get_no_schedule(stack: Stack) -> None:
    await add_member(stack.db, stack.clock, role="mentor")
    view = await stack.checkins.ensure_schedule(GUILD, MENTEE)
    assert view.schedule is None and view.next_due_at is None
    with pytest.raises(UserError, match="for mentees"):
        await stack.checkins.set_schedule(GUILD, MENTEE, day="monday", at="09:00")


@pytest.mark.parametrize(
    ("day", "at", "zone", "message"),
    [
        ("funday", "09:00", None, "day of the week"),
        ("monday", "9:60", None, "Minutes go from 00 to 59"),
        ("monday", "25:00", None, "Hours go from 0 to 23"),
        ("monday", "09:00", "Mars/Olympus", "Mars/Olympus"),
    ],
)
async def test_schedule_input_is_checked(
    stack: Stack, day: str, at: str, zone: str | None, message: str
) -> None:
    await add_member(stack.db, stack.clock)
    with pytest.raises(UserError, match=message):
        await stack.checkins.set_schedule(GUILD, MENTEE, day=day, at=at, timezone=zone)


@pytest.mark.parametrize(
    ("zone", "at", "gap_day", "gap_time"),
    [
        # London: 01:30 is ambiguous on 2026-10-25 and does not exist on 2027-03-28.
        ("Europe/London", "01:30", "2027-03-28", time(2, 30)),
        # New York: 01:30 is ambiguous on 2026-11-01 …
        ("America/New_York", "01:30", None, None),
        # … and 02:30 does not exist on 2027-03-14.
        ("America/New_York", "02:30", "2027-03-14", time(3, 30)),
        ("Asia/Shanghai", "01:30", None, None),
    ],
)
async def test_one_prompt_a_week_at_the_local_time_across_both_dst_changes(
    stack: Stack, zone: str, at: str, gap_day: str | None, gap_time: time | None
) -> None:
    await add_member(stack.db, stack.clock, timezone=zone)
    stack.clock.set(datetime(2026, 10, 1, 12, 0, tzinfo=UTC))
    view = await stack.checkins.set_schedule(GUILD, MENTEE, day="sunday", at=at)
    end = datetime(2027, 4, 20, tzinfo=UTC)
    due = view.next_due_at
    while due is not None and due < end:
        stack.clock.set(due)
        await due_now(stack)
        await due_now(stack)  # the timer firing twice at the same instant changes nothing
        stack.clock.advance(timedelta(minutes=90))  # and again after a DST hour
        await due_now(stack)
        due = (await stack.checkins.schedule(GUILD, MENTEE)).next_due_at
    rows = await periods(stack)
    keys = [str(r["period_key"]) for r in rows]
    assert len(keys) == len(set(keys)) == 29, "one period per Sunday, none skipped or doubled"
    local = ZoneInfo(zone)
    for earlier, later in itertools.pairwise(rows):
        gap = datetime.fromisoformat(str(later["due_at"])) - datetime.fromisoformat(
            str(earlier["due_at"])
        )
        assert timedelta(days=7) - timedelta(hours=1) <= gap <= timedelta(days=7, hours=1)
    wanted = time.fromisoformat(at)
    for row in rows:
        when = datetime.fromisoformat(str(row["due_at"])).astimezone(local)
        assert when.date().isoformat() == row["period_key"]
        assert when.time() == (gap_time if row["period_key"] == gap_day else wanted), row


async def test_fortnightly_prompts_every_other_week(stack: Stack) -> None:
    await add_member(stack.db, stack.clock)
    view = await stack.checkins.set_schedule(
        GUILD, MENTEE, day="wednesday", at="18:00", cadence="fortnightly"
    )
    assert view.next_due_at == datetime(2026, 11, 4, 18, 0, tzinfo=UTC)
    for _ in range(3):
        assert view.next_due_at is not None
        stack.clock.set(view.next_due_at)
        await due_now(stack)
        view = await stack.checkins.schedule(GUILD, MENTEE)
    keys = [r["period_key"] for r in await periods(stack)]
    assert keys == ["2026-11-04", "2026-11-18", "2026-12-02"]


async def test_pause_until_a_date_then_resume(stack: Stack) -> None:
    await add_member(stack.db, stack.clock)
    await stack.checkins.set_schedule(GUILD, MENTEE, day="monday", at="10:00")
    paused = await stack.checkins.pause(GUILD, MENTEE, "2026-11-20")
    assert paused.paused
    assert paused.next_due_at == datetime(2026, 11, 23, 10, 0, tzinfo=UTC)
    stack.clock.set(datetime(2026, 11, 17, 12, 0, tzinfo=UTC))
    assert await due_now(stack) == [], "nothing is due while paused"
    resumed = await stack.checkins.resume(GUILD, MENTEE)
    assert not resumed.paused
    assert resumed.next_due_at == datetime(2026, 11, 23, 10, 0, tzinfo=UTC)
    with pytest.raises(UserError, match="aren't paused"):
        await stack.checkins.resume(GUILD, MENTEE)


async def test_pause_indefinitely_stops_the_timer_and_resume_continues_from_now(
    stack: Stack,
) -> None:
    await add_member(stack.db, stack.clock)
    await stack.checkins.set_schedule(GUILD, MENTEE, day="monday", at="10:00")
    view = await stack.checkins.pause(GUILD, MENTEE, None)
    assert view.next_due_at is None
    assert await stack.checkins.next_due(stack.clock.now()) is None
    stack.clock.set(datetime(2026, 12, 1, 12, 0, tzinfo=UTC))  # a Tuesday, weeks later
    assert await due_now(stack) == []
    resumed = await stack.checkins.resume(GUILD, MENTEE)
    assert resumed.next_due_at == datetime(2026, 12, 7, 10, 0, tzinfo=UTC)
    assert await periods(stack) == [], "weeks skipped while paused are neither sent nor missed"


@pytest.mark.parametrize(
    "until", ["2026-11-02", "2026-10-30", "next week", "2026-02-30", "9999-12-31"]
)
async def test_pause_needs_a_future_date(stack: Stack, until: str) -> None:
    await add_member(stack.db, stack.clock)
    await stack.checkins.set_schedule(GUILD, MENTEE, day="monday", at="10:00")
    with pytest.raises(UserError):
        await stack.checkins.pause(GUILD, MENTEE, until)
    assert not (await stack.checkins.schedule(GUILD, MENTEE)).paused


# ------------------------------------------------------------------- grace window


@pytest.mark.parametrize(
    ("late", "grace_hours", "status"),
    [
        (timedelta(hours=11, minutes=59), None, "pending"),
        (timedelta(hours=12), None, "pending"),
        (timedelta(hours=12, seconds=1), None, "missed"),
        (timedelta(hours=3), 2, "missed"),
        (timedelta(hours=1), 2, "pending"),
    ],
)
async def test_downtime_over_the_due_time_uses_the_grace_window(
    stack: Stack, late: timedelta, grace_hours: int | None, status: str
) -> None:
    await add_member(stack.db, stack.clock)
    if grace_hours is not None:
        await add_guild_settings(stack.db, stack.clock, checkin_grace_hours=grace_hours)
    view = await stack.checkins.set_schedule(GUILD, MENTEE, day="monday", at="10:00")
    assert view.next_due_at is not None
    stack.clock.set(view.next_due_at + late)  # the bot comes back this late
    await stack.checkins.materialise(stack.clock.now())
    [row] = await periods(stack)
    assert row["status"] == status and row["sent_at"] is None
    unsent = await stack.checkins.unsent_due(stack.clock.now())
    assert unsent == ([row["id"]] if status == "pending" else [])


async def test_weeks_of_downtime_record_old_periods_missed_and_send_the_recent_one(
    stack: Stack,
) -> None:
    await add_member(stack.db, stack.clock)
    view = await stack.checkins.set_schedule(GUILD, MENTEE, day="monday", at="10:00")
    assert view.next_due_at is not None
    stack.clock.set(view.next_due_at + timedelta(weeks=2, hours=1))
    await stack.checkins.materialise(stack.clock.now())
    assert [r["status"] for r in await periods(stack)] == ["missed", "missed", "pending"]
    state = await stack.db.fetchval(
        "SELECT at_risk_reason FROM checkin_members WHERE user_id = ?", (MENTEE,)
    )
    assert state is None, "periods nobody was asked about say nothing about the mentee"


async def test_a_period_queued_past_the_grace_window_is_too_late(stack: Stack) -> None:
    await add_member(stack.db, stack.clock)
    period_id, _ = await first_due(stack)
    plan = await stack.checkins.plan_delivery(period_id, stack.clock.now())
    assert plan is not None and not plan.too_late
    stack.clock.advance(timedelta(hours=13))  # e.g. a long 40003 pause
    plan = await stack.checkins.plan_delivery(period_id, stack.clock.now())
    assert plan is not None and plan.too_late


# ---------------------------------------------------------------- sent, reminded, missed


async def test_one_reminder_after_24_hours_then_missed_at_the_next_period(stack: Stack) -> None:
    await add_member(stack.db, stack.clock)
    period_id, _ = await first_due(stack)
    await send(stack, period_id)
    sent_at = stack.clock.now()
    assert await stack.checkins.next_due(sent_at) == sent_at + timedelta(hours=24)
    assert await stack.checkins.due_reminders(sent_at + timedelta(hours=23, minutes=59)) == []
    stack.clock.set(sent_at + timedelta(hours=24))
    assert await stack.checkins.due_reminders(stack.clock.now()) == [period_id]
    plan = await stack.checkins.claim_reminder(period_id)
    assert plan is not None and plan.channel_id == 42 and plan.message_id == 1000 + period_id
    assert await stack.checkins.claim_reminder(period_id) is None, "one reminder only"
    assert await stack.checkins.due_reminders(stack.clock.now()) == []
    stack.clock.set(sent_at + timedelta(weeks=1))
    [next_id] = await due_now(stack)
    statuses = {r["id"]: r["status"] for r in await periods(stack)}
    assert statuses == {period_id: "missed", next_id: "pending"}
    with pytest.raises(UserError, match="has closed"):
        await stack.checkins.save_note(period_id, MENTEE, "late", False)


async def test_no_reminder_when_the_next_prompt_comes_first(stack: Stack) -> None:
    await add_member(stack.db, stack.clock)
    period_id, due = await first_due(stack)
    # Sent late (a paused queue): 24 h later the next prompt is already out.
    stack.clock.set(due + timedelta(days=6, hours=12))
    await send(stack, period_id)
    [row] = await periods(stack)
    assert row["reminder_due_at"] is None
