"""DueTimer: one job per kind of work, armed from the database's next due time."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta

import pytest
from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot.db.database import StorageBusy
from bot.scheduler import MAX_SLEEP, DueTimer, Timers, create_scheduler, stop_scheduler
from tests.support import FakeClock


@pytest.fixture
async def scheduler() -> AsyncIOScheduler:
    s = create_scheduler()
    s.start(paused=True)  # jobs are inspected, never run by wall time in these tests
    yield s
    stop_scheduler(s)


async def test_fire_runs_due_work_and_rearms(scheduler: AsyncIOScheduler, clock: FakeClock) -> None:
    seen: list[datetime] = []
    due: list[datetime | None] = [clock.now() + timedelta(hours=3)]

    async def run_due(now: datetime) -> datetime | None:
        seen.append(now)
        return due[0]

    timer = DueTimer(scheduler, clock, "checkins", run_due)
    assert await timer.fire() == due[0]
    assert seen == [clock.now()]
    job = scheduler.get_job("checkins")
    assert job is not None
    wall_delay = job.trigger.run_date - datetime.now(UTC)
    assert timedelta(minutes=59) < wall_delay <= MAX_SLEEP, "capped, then re-checked"

    due[0] = None
    assert await timer.fire() is None
    assert scheduler.get_job("checkins") is None


async def test_arm_uses_clock_time_not_wall_time(
    scheduler: AsyncIOScheduler, clock: FakeClock
) -> None:
    async def run_due(now: datetime) -> datetime | None:
        return None

    timer = DueTimer(scheduler, clock, "t", run_due)
    # The fake clock is in the past relative to the wall clock; the delay is what counts.
    timer.arm(clock.now() + timedelta(seconds=30))
    job = scheduler.get_job("t")
    assert job is not None
    delay = job.trigger.run_date - datetime.now(UTC)
    assert timedelta(seconds=25) < delay <= timedelta(seconds=30)
    timer.arm_earlier(clock.now() + timedelta(seconds=60))
    assert timer.next_due == clock.now() + timedelta(seconds=30)
    timer.arm_earlier(clock.now() + timedelta(seconds=5))
    assert timer.next_due == clock.now() + timedelta(seconds=5)


async def test_failing_work_is_retried_in_a_minute(
    scheduler: AsyncIOScheduler, clock: FakeClock
) -> None:
    async def run_due(now: datetime) -> datetime | None:
        raise RuntimeError("boom")

    timer = DueTimer(scheduler, clock, "t", run_due)
    assert await timer.fire() == clock.now() + timedelta(minutes=1)


async def test_a_locked_database_is_one_warning_and_a_retry_in_a_minute(
    scheduler: AsyncIOScheduler, clock: FakeClock, caplog: pytest.LogCaptureFixture
) -> None:
    async def run_due(now: datetime) -> datetime | None:
        raise StorageBusy("database is locked")

    timer = DueTimer(scheduler, clock, "t", run_due)
    with caplog.at_level(logging.WARNING, logger="bot.scheduler"):
        assert await timer.fire() == clock.now() + timedelta(minutes=1)
    [record] = caplog.records
    assert record.levelno == logging.WARNING and "locked by another program" in record.message
    assert record.exc_info is None, "an operator's lock is no bug: no traceback"


async def test_earlier_work_added_during_a_run_is_not_overwritten(
    scheduler: AsyncIOScheduler, clock: FakeClock
) -> None:
    later = clock.now() + timedelta(hours=5)
    sooner = clock.now() + timedelta(minutes=10)
    timer: DueTimer

    async def run_due(now: datetime) -> datetime | None:
        # While this run reads the database, a member moves their check-in earlier.
        timer.arm_earlier(sooner)
        return later

    timer = DueTimer(scheduler, clock, "t", run_due)
    assert await timer.fire() == sooner
    assert timer.next_due == sooner


async def test_stop_cancels_runs_in_progress_quietly_and_disarms(
    scheduler: AsyncIOScheduler, clock: FakeClock, caplog: pytest.LogCaptureFixture
) -> None:
    started = asyncio.Event()
    finished: list[str] = []

    async def run_due(now: datetime) -> datetime | None:
        started.set()
        await asyncio.sleep(3600)
        finished.append("ran on after stop")
        return now + timedelta(hours=1)

    timer = DueTimer(scheduler, clock, "t", run_due)
    timer.arm(clock.now() + timedelta(hours=2))
    runs = [asyncio.create_task(timer.fire()) for _ in range(2)]
    await asyncio.wait_for(started.wait(), timeout=1)
    await asyncio.wait_for(timer.stop(), timeout=1)
    assert all(run.done() for run in runs)
    assert [run.result() for run in runs] == [None, None]
    assert finished == [] and caplog.records == []
    assert scheduler.get_job("t") is None
    timer.arm_earlier(clock.now())
    assert scheduler.get_job("t") is None
    assert await timer.fire() is None


async def test_timers_start_once_ready_each_after_its_on_start(
    scheduler: AsyncIOScheduler, clock: FakeClock
) -> None:
    events: list[str] = []

    def work(name: str) -> Callable[[datetime], Awaitable[datetime | None]]:
        async def run_due(now: datetime) -> datetime | None:
            events.append(f"{name} run")
            return clock.now() + timedelta(hours=1)

        return run_due

    async def ready_a() -> None:
        events.append("a on_start")

    timers = Timers(scheduler, clock)
    timers.add("a", work("a"), on_start=ready_a)
    with pytest.raises(ValueError, match="already registered"):
        timers.add("a", work("a"))
    await asyncio.sleep(0)
    assert events == [], "nothing runs before the bot is ready"
    timers.start()
    timers.start()  # a reconnect's second ready changes nothing
    await until(lambda: len(events) == 2)
    assert events == ["a on_start", "a run"]
    assert scheduler.get_job("a") is not None and timers["a"].next_due is not None

    timers.add("b", work("b"))  # added after start (an extension loaded later): runs at once
    await until(lambda: "b run" in events)
    assert list(timers) == ["a", "b"] and len(timers) == 2

    await timers.remove("a")
    assert "a" not in timers and scheduler.get_job("a") is None
    await timers.stop()
    assert len(timers) == 0 and scheduler.get_jobs() == []


async def test_a_failing_on_start_is_logged_and_the_timer_still_runs(
    scheduler: AsyncIOScheduler, clock: FakeClock, caplog: pytest.LogCaptureFixture
) -> None:
    ran: list[datetime] = []

    async def run_due(now: datetime) -> datetime | None:
        ran.append(now)
        return None

    async def broken() -> None:
        raise RuntimeError("boom")

    timers = Timers(scheduler, clock)
    timers.add("t", run_due, on_start=broken)
    timers.start()
    await until(lambda: bool(ran))
    assert "Starting timer t failed" in caplog.text
    await timers.stop()


async def test_stopping_before_start_leaves_nothing_running(
    scheduler: AsyncIOScheduler, clock: FakeClock
) -> None:
    async def run_due(now: datetime) -> datetime | None:
        raise AssertionError("never runs")

    timers = Timers(scheduler, clock)
    timers.add("t", run_due)
    await timers.stop()
    timers.start()
    await asyncio.sleep(0)
    assert scheduler.get_jobs() == []


async def until(check: Callable[[], bool]) -> None:
    for _ in range(200):
        if check():
            return
        await asyncio.sleep(0)
    raise AssertionError("the condition never became true")
