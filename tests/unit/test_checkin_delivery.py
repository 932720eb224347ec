"""Exactly-once delivery of check-in prompts, including a crash at every step.

The prompts, reminders and mentor alerts go to the fake Discord in tests/unit/delivery_env.py;
these tests cover timers firing twice, crashes and restarts, closed DMs and the fallback
thread, throttling, the grace window, pauses and /checkin now.
"""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest

from bot.db.database import Database
from bot.sender import Throttled
from bot.services.checkins import MentorAlert
from tests.support import FakeClock
from tests.unit.delivery_env import (
    FALLBACK,
    Bot,
    Crash,
    Inbox,
    cohort,
    first_tick_crashing_at,
    first_tick_with_closed_dms,
    statuses,
)
from tests.unit.support import GUILD, MENTEE, MENTOR, add_mentor_of


@pytest.fixture
def inbox() -> Inbox:
    return Inbox()


async def test_each_due_prompt_is_sent_once_however_often_the_timer_fires(
    db: Database, clock: FakeClock, inbox: Inbox
) -> None:
    users = [MENTEE + i for i in range(5)]
    bot = await cohort(db, clock, inbox, users)
    await bot.tick()
    await bot.tick()
    clock.advance(timedelta(minutes=30))
    await bot.tick()
    assert sorted(m.channel_id for m in inbox.prompts()) == sorted(inbox.dm_of.values())
    assert len(inbox.prompts()) == 5
    assert await statuses(db) == [(u, "pending", True) for u in users]


@pytest.mark.parametrize(
    ("crash_at", "expect_find"),
    [
        ("open_dm", False),  # period written, nothing claimed
        ("before_request", True),  # claimed; the request never reached Discord
        ("after_request", True),  # Discord has the message; not marked sent
        (None, False),  # marked sent: a restart has nothing to do
    ],
)
async def test_a_crash_at_any_step_gives_exactly_one_prompt_after_restart(
    db: Database, clock: FakeClock, inbox: Inbox, crash_at: str | None, expect_find: bool
) -> None:
    await first_tick_crashing_at(db, clock, inbox, crash_at)
    inbox.calls.clear()
    restarted = Bot(db, clock, inbox)  # same database, same Discord, fresh process
    clock.advance(timedelta(minutes=2))
    await restarted.tick()
    assert len(inbox.prompts()) == 1, inbox.channels
    assert await statuses(db) == [(MENTEE, "pending", True)]
    assert any(c.startswith("find_prompt") for c in inbox.calls) is expect_find
    [row] = await db.fetchall("SELECT message_id FROM checkin_periods")
    assert row["message_id"] == inbox.prompts()[0].id


async def test_a_claimed_prompt_is_resent_with_the_same_nonce(
    db: Database, clock: FakeClock, inbox: Inbox
) -> None:
    """If the channel can't be read, the re-send still can't double: Discord dedupes it."""
    await first_tick_crashing_at(db, clock, inbox, "after_request")
    restarted = Bot(db, clock, inbox)

    async def blind(channel_id: int, period_id: int) -> int | None:
        return None

    inbox.find_prompt = blind  # type: ignore[method-assign]
    await restarted.tick()
    assert len(inbox.prompts()) == 1
    assert inbox.prompts()[0].nonce is not None and len(inbox.prompts()[0].nonce or "") <= 25


async def test_closed_dms_go_to_a_private_thread_and_the_member_is_told_once(
    db: Database, clock: FakeClock, inbox: Inbox
) -> None:
    bot = await first_tick_with_closed_dms(db, clock, inbox, fallback=True)
    [thread_id] = inbox.threads
    assert inbox.threads[thread_id] == (FALLBACK, MENTEE)
    help_message, prompt = inbox.channels[thread_id]
    assert help_message.text == "help" and prompt.period_id is not None
    assert prompt.mention == MENTEE
    closed = await db.fetchval("SELECT dm_closed FROM members WHERE user_id = ?", (MENTEE,))
    assert closed == 1
    inbox.calls.clear()
    clock.advance(timedelta(weeks=1))
    await bot.tick()
    assert inbox.calls == [f"send_prompt {thread_id}"], "closed DMs are skipped, not retried"
    assert [m.text for m in inbox.channels[thread_id]].count("help") == 1, "told once"


async def test_without_a_fallback_channel_the_prompt_is_recorded_undeliverable(
    db: Database, clock: FakeClock, inbox: Inbox
) -> None:
    bot = await first_tick_with_closed_dms(db, clock, inbox, fallback=False)
    assert inbox.prompts() == []
    assert await statuses(db) == [(MENTEE, "undeliverable", False)]
    assert await bot.checkins.undeliverable_members(GUILD) == [MENTEE]


async def test_a_deleted_fallback_thread_is_replaced(
    db: Database, clock: FakeClock, inbox: Inbox
) -> None:
    bot = await first_tick_with_closed_dms(db, clock, inbox, fallback=True)
    [old] = inbox.threads
    inbox.deleted.add(old)
    clock.advance(timedelta(weeks=1))
    await bot.tick()
    assert len(inbox.threads) == 2
    assert len(inbox.prompts()) == 2


async def test_a_thread_whose_member_could_not_be_added_is_reused(
    db: Database, clock: FakeClock, inbox: Inbox
) -> None:
    inbox.refuse_add = 1
    bot = await first_tick_with_closed_dms(db, clock, inbox, fallback=True)
    [thread_id] = inbox.threads
    assert inbox.threads[thread_id] == (FALLBACK, None)
    assert await statuses(db) == [(MENTEE, "undeliverable", False)]
    inbox.calls.clear()
    clock.advance(timedelta(weeks=1))
    await bot.tick()
    assert inbox.calls == [f"add_to_thread {MENTEE}", f"send_prompt {thread_id}"]
    assert inbox.threads == {thread_id: (FALLBACK, MENTEE)}
    assert [m.period_id is not None for m in inbox.channels[thread_id]] == [False, True]


async def test_a_stale_dm_channel_is_opened_again(
    db: Database, clock: FakeClock, inbox: Inbox
) -> None:
    bot = await cohort(db, clock, inbox, [MENTEE])
    await db.execute("UPDATE members SET dm_channel_id = 7 WHERE user_id = ?", (MENTEE,))
    inbox.deleted.add(7)
    await bot.tick()
    assert len(inbox.prompts()) == 1
    stored = await db.fetchval("SELECT dm_channel_id FROM members WHERE user_id = ?", (MENTEE,))
    assert stored == inbox.dm_of[MENTEE]


async def test_a_stored_dm_channel_costs_one_request(
    db: Database, clock: FakeClock, inbox: Inbox
) -> None:
    bot = await cohort(db, clock, inbox, [MENTEE])
    await bot.tick()
    clock.advance(timedelta(weeks=1))
    inbox.calls.clear()
    await bot.tick()
    assert inbox.calls == [f"send_prompt {inbox.dm_of[MENTEE]}"]


async def test_throttling_leaves_the_prompt_to_be_sent_once_later(
    db: Database, clock: FakeClock, inbox: Inbox
) -> None:
    bot = await cohort(db, clock, inbox, [MENTEE])
    inbox.dm_of[MENTEE] = 77
    await db.execute("UPDATE members SET dm_channel_id = 77 WHERE user_id = ?", (MENTEE,))
    inbox.too_fast = 1
    with pytest.raises(Throttled):
        await bot.tick()
    assert inbox.prompts() == []
    await bot.tick()
    assert len(inbox.prompts()) == 1


async def test_reminder_is_sent_once_and_lost_rather_than_doubled_on_a_crash(
    db: Database, clock: FakeClock, inbox: Inbox
) -> None:
    bot = await cohort(db, clock, inbox, [MENTEE, MENTEE + 1])
    await bot.tick()
    clock.advance(timedelta(hours=24))
    inbox.crash_at = "reminder"
    with pytest.raises(Crash):
        await bot.tick()
    restarted = Bot(db, clock, inbox)
    await restarted.tick()
    await restarted.tick()
    reminders = [m for ms in inbox.channels.values() for m in ms if m.text == "reminder"]
    assert len(reminders) == 1, "the crashed reminder is not repeated; the other one went out"


async def test_stuck_alert_goes_to_the_mentors_dm(
    db: Database, clock: FakeClock, inbox: Inbox
) -> None:
    bot, period_id, goal = await prompted_with_mentor(db, clock, inbox)
    outcome = await bot.checkins.record_answer(period_id, MENTEE, goal, "stuck")
    await bot.delivery.follow_up(outcome)
    assert [a.mentor_id for a in inbox.alerts] == [MENTOR]
    assert [m.text for m in inbox.channels[inbox.dm_of[MENTOR]]] == ["alert"]


async def test_a_failing_mentor_alert_does_not_undo_the_answer(
    db: Database, clock: FakeClock, inbox: Inbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    bot, period_id, goal = await prompted_with_mentor(db, clock, inbox)

    async def server_error(channel_id: int, alert: MentorAlert) -> None:
        raise RuntimeError("Discord answered 503")

    monkeypatch.setattr(inbox, "alert_mentor", server_error)
    outcome = await bot.checkins.record_answer(period_id, MENTEE, goal, "stuck")
    await bot.delivery.follow_up(outcome)  # no exception reaches the member's click
    prompt = await bot.checkins.prompt(period_id)
    assert prompt.goals[0].status == "stuck"


async def prompted_with_mentor(
    db: Database, clock: FakeClock, inbox: Inbox
) -> tuple[Bot, int, int]:
    """A matched mentee who has just been sent a prompt: (bot, period id, first goal id)."""
    bot = await cohort(db, clock, inbox, [MENTEE])
    await add_mentor_of(db, clock)
    await bot.tick()
    [period_id] = [m.period_id for m in inbox.prompts()]
    assert period_id is not None
    goal = (await bot.checkins.prompt(period_id)).goals[0].goal_id
    return bot, period_id, goal


async def test_concurrent_deliveries_of_one_period_send_once(
    db: Database, clock: FakeClock, inbox: Inbox
) -> None:
    """The sender and `/checkin now` may reach the same period at the same moment."""
    bot = await cohort(db, clock, inbox, [MENTEE])
    await bot.delivery.run_due(clock.now())
    [(_, period_id)] = bot.queue
    results = await asyncio.gather(bot.delivery.deliver(period_id), bot.delivery.deliver(period_id))
    assert sorted(r.outcome for r in results) == ["already", "sent"]
    assert len(inbox.prompts()) == 1


async def test_a_prompt_queued_past_the_grace_window_is_missed_not_sent(
    db: Database, clock: FakeClock, inbox: Inbox
) -> None:
    bot = await cohort(db, clock, inbox, [MENTEE])
    await bot.delivery.run_due(clock.now())
    clock.advance(timedelta(hours=13))
    await bot.delivery.handle(bot.queue.pop())
    assert inbox.prompts() == []
    assert await statuses(db) == [(MENTEE, "missed", False)]


async def test_a_prompt_delivered_before_a_crash_is_found_even_past_the_grace_window(
    db: Database, clock: FakeClock, inbox: Inbox
) -> None:
    await first_tick_crashing_at(db, clock, inbox, "after_request")
    clock.advance(timedelta(days=2))  # the bot stayed down for two days
    await Bot(db, clock, inbox).tick()
    assert len(inbox.prompts()) == 1
    assert await statuses(db) == [(MENTEE, "pending", True)]


async def test_a_prompt_still_queued_when_the_mentee_pauses_is_not_sent(
    db: Database, clock: FakeClock, inbox: Inbox
) -> None:
    """A whole cohort is due at 09:00 and goes out at one a second: a mentee who pauses
    for their holiday while theirs waits in the queue does not get it."""
    bot = await cohort(db, clock, inbox, [MENTEE, MENTOR])
    await bot.delivery.run_due(clock.now())
    assert len(bot.queue) == 2
    clock.advance(timedelta(minutes=1))
    await bot.checkins.pause(GUILD, MENTEE, "2026-11-20")
    while bot.queue:
        await bot.delivery.handle(bot.queue.pop(0))
    assert [m.channel_id for m in inbox.prompts()] == [inbox.dm_of[MENTOR]]
    assert await statuses(db) == [(MENTOR, "pending", True)]
    assert (await bot.delivery.deliver_now(1)).outcome == "gone"


async def test_a_dm_discord_refuses_for_another_reason_is_settled_not_retried_forever(
    db: Database, clock: FakeClock, inbox: Inbox
) -> None:
    """A deleted account (10013) or a refusal other than closed DMs: the prompt ends up
    undeliverable (or in the fallback) at once instead of failing every minute."""
    bot = await cohort(db, clock, inbox, [MENTEE])
    inbox.gone_users.add(MENTEE)
    await bot.tick()
    assert await statuses(db) == [(MENTEE, "undeliverable", False)]
    closed = await db.fetchval("SELECT dm_closed FROM members WHERE user_id = ?", (MENTEE,))
    assert closed == 0, "not known to have closed their DMs: tried again next time"


async def test_checkin_now_points_at_the_open_prompt_or_sends_a_fresh_one(
    db: Database, clock: FakeClock, inbox: Inbox
) -> None:
    bot = await cohort(db, clock, inbox, [MENTEE])
    await bot.delivery.run_due(clock.now())  # due, waiting in the queue
    clock.advance(timedelta(hours=13))  # e.g. a long 40003 pause: past the grace window
    fresh = await bot.delivery.checkin_now(GUILD, MENTEE)
    assert fresh.outcome == "sent" and len(inbox.prompts()) == 1
    again = await bot.delivery.checkin_now(GUILD, MENTEE)
    assert again.outcome == "already" and again.message_id == fresh.message_id
    assert len(inbox.prompts()) == 1
