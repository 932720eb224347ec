"""Check-in schedules and periods through the service, against a real SQLite file.

Due times across DST, fortnightly cadence, pause/resume, the grace window, reminders,
answers, escalation to the mentor and the at-risk rule.
"""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.db.database import Database
from bot.domain.schedule import MISSED_TWICE_REASON, STUCK_TWICE_REASON
from bot.errors import UserError
from tests.support import FakeClock
from tests.unit.support import (
    GUILD,
    MENTEE,
    MENTOR,
    add_guild_settings,
    add_member,
    add_mentor_of,
    checkin_stack,
)
from tests.unit.support import CheckinStack as Stack


@pytest.fixture
def stack(db: Database, clock: FakeClock) -> Stack:
    return checkin_stack(db, clock)


async def periods(s: Stack, user_id: int = MENTEE) -> list[dict[str, object]]:
    rows = await s.db.fetchall(
        "SELECT * FROM checkin_periods WHERE user_id = ? ORDER BY due_at, id", (user_id,)
    )
    return [dict(row) for row in rows]


async def send(s: Stack, period_id: int, channel_id: int = 42) -> None:
    """What the delivery does for a prompt: claim, (send), mark sent."""
    prompt = await s.checkins.prompt(period_id)
    assert await s.checkins.claim(period_id, channel_id, "dm", [g.goal_id for g in prompt.goals])
    await s.checkins.mark_sent(period_id, channel_id, 1000 + period_id)


async def due_now(s: Stack) -> list[int]:
    await s.checkins.materialise(s.clock.now())
    return await s.checkins.unsent_due(s.clock.now())


async def first_due(s: Stack) -> tuple[int, datetime]:
    """Check-ins on Mondays at 10:00, and the clock at the first one: (its period, when)."""
    view = await s.checkins.set_schedule(GUILD, MENTEE, day="monday", at="10:00")
    assert view.next_due_at is not None
    s.clock.set(view.next_due_at)
    [period_id] = await due_now(s)
    return period_id, view.next_due_at


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


# ------------------------------------------------------------------------ answers


async def first_prompt(s: Stack, titles: tuple[str, ...] = ("Lead a team", "Speak")) -> int:
    for title in titles:
        await s.goals.add(GUILD, MENTEE, title)
    period_id, _ = await first_due(s)
    await send(s, period_id)
    return period_id


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
