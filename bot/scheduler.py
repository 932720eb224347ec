"""The APScheduler instance the bot owns, and timers derived from the database.

Jobs live in memory only: the database is the truth for time. Each kind of scheduled work
(check-in prompts, match follow-ups, …) is one `DueTimer`: a single job that fires at the
earliest due time stored in the database, runs everything due by then, and re-arms itself.
Rebuilding every timer at start-up therefore loses nothing across a restart.

Every timer is made the same way: a cog's `cog_load` calls `bot.timers.add(name, run_due,
on_start=...)` and its `cog_unload` calls `await bot.timers.remove(name)`. The bot starts
them all once Discord is ready (`on_start`, then a first `fire()` that catches up on what
came due while it was down) and stops them all, first thing, when it closes.

Due times come from the injected `Clock`, while APScheduler waits on the wall clock; a
timer converts "due in N seconds by the clock" into a wall-clock run date, so a test that
holds the clock still never fires a job by accident, and a test that moves the clock calls
`fire()` — the same code the job runs.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Iterator, Mapping
from datetime import UTC, datetime, timedelta

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot.clock import Clock
from bot.db.database import StorageBusy, StorageGone
from bot.tasks import spawn

log = logging.getLogger(__name__)

# Run due work at most this long after the clock says it is due, even if the machine
# slept or the event loop stalled (APScheduler's own grace handling is turned off).
MAX_SLEEP = timedelta(hours=1)


def create_scheduler() -> AsyncIOScheduler:
    """A UTC scheduler that runs a late job once instead of piling up missed runs."""
    return AsyncIOScheduler(
        timezone=UTC,
        job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": None},
    )


def stop_scheduler(scheduler: AsyncIOScheduler) -> None:
    if scheduler.running:
        scheduler.shutdown(wait=False)
        log.info("Scheduler stopped")


RunDue = Callable[[datetime], Awaitable[datetime | None]]


class DueTimer:
    """One self-re-arming job for one kind of due work.

    `run_due(now)` does everything due at `now` and returns the next due time (or None when
    nothing is scheduled). It must be idempotent: the database, not the timer, decides
    what is due, so firing early, late or twice is harmless.
    """

    def __init__(
        self, scheduler: AsyncIOScheduler, clock: Clock, job_id: str, run_due: RunDue
    ) -> None:
        self._scheduler = scheduler
        self._clock = clock
        self.job_id = job_id
        self._run_due = run_due
        self.next_due: datetime | None = None
        # Earliest due time requested by `arm_earlier` while `fire` was running: the run
        # computed its next due time before that row existed, so it must not win.
        self._requested_during_run: datetime | None = None
        self._running = False
        self._runs: set[asyncio.Task[object]] = set()
        self._stopped = False

    async def fire(self) -> datetime | None:
        """Run what is due now and re-arm for the next due time."""
        if self._stopped:
            return None
        self._running, self._requested_during_run = True, None
        run = asyncio.current_task()
        if run is not None:
            self._runs.add(run)
        try:
            next_due = await self._run_due(self._clock.now())
        except asyncio.CancelledError:
            if not self._stopped:
                raise
            return None  # cut short by `stop`: the database says what is left at next start
        except StorageGone:
            log.warning(
                "Scheduled work %s stopped: the database file is gone (the bot is stopping)",
                self.job_id,
            )
            next_due = None
        except StorageBusy:
            log.warning(
                "Scheduled work %s waits: the database is locked by another program; "
                "retrying in a minute",
                self.job_id,
            )
            next_due = self._clock.now() + timedelta(minutes=1)
        except Exception:
            log.exception("Scheduled work %s failed; retrying in a minute", self.job_id)
            next_due = self._clock.now() + timedelta(minutes=1)
        finally:
            self._running = False
            self._runs.discard(run)
        requested = self._requested_during_run
        if requested is not None and (next_due is None or requested < next_due):
            next_due = requested
        self.arm(next_due)
        return next_due

    def arm(self, due: datetime | None) -> None:
        """(Re)schedule the job for `due` (clock time); None removes it."""
        if self._stopped and due is not None:
            return
        self.next_due = due
        if due is None:
            if self._scheduler.get_job(self.job_id) is not None:
                self._scheduler.remove_job(self.job_id)
            return
        delay = min(max(due - self._clock.now(), timedelta(0)), MAX_SLEEP)
        self._scheduler.add_job(
            self.fire,
            "date",
            run_date=datetime.now(UTC) + delay,
            id=self.job_id,
            replace_existing=True,
        )

    def arm_earlier(self, due: datetime) -> None:
        """A new row became due at `due`: move the job forward if that is sooner."""
        if self._running and (
            self._requested_during_run is None or due < self._requested_during_run
        ):
            self._requested_during_run = due
        if self.next_due is None or due < self.next_due:
            self.arm(due)

    async def stop(self) -> None:
        """No more runs; a run in progress is cancelled and waited for, so once this returns
        nothing of this timer still uses the database or Discord."""
        self._stopped = True
        self.arm(None)
        runs = {run for run in self._runs if run is not asyncio.current_task()}
        for run in runs:
            run.cancel()
        if runs:
            await asyncio.wait(runs)


OnStart = Callable[[], Awaitable[None]]


class Timers(Mapping[str, DueTimer]):
    """Every `DueTimer` of the bot, by name: one way to create, register, start and stop.

    Timers added before `start` wait for it; a timer added afterwards (an extension loaded
    later) starts at once. Each timer's start runs in its own task, so one slow catch-up
    does not hold back the others.
    """

    def __init__(self, scheduler: AsyncIOScheduler, clock: Clock) -> None:
        self._scheduler = scheduler
        self._clock = clock
        self._timers: dict[str, DueTimer] = {}
        self._on_start: dict[str, OnStart | None] = {}
        self._starting: dict[str, asyncio.Task[None]] = {}
        self._started = False

    def __getitem__(self, job_id: str) -> DueTimer:
        return self._timers[job_id]

    def __iter__(self) -> Iterator[str]:
        return iter(self._timers)

    def __len__(self) -> int:
        return len(self._timers)

    def add(self, job_id: str, run_due: RunDue, *, on_start: OnStart | None = None) -> DueTimer:
        """Register a timer; `on_start` runs once Discord is ready, before its first run."""
        if job_id in self._timers:
            raise ValueError(f"a timer named {job_id!r} is already registered")
        timer = DueTimer(self._scheduler, self._clock, job_id, run_due)
        self._timers[job_id] = timer
        self._on_start[job_id] = on_start
        if self._started:
            self._begin(job_id)
        return timer

    def start(self) -> None:
        """Discord is ready: start every timer (each catches up on what is already due)."""
        if self._started:
            return
        self._started = True
        for job_id in list(self._timers):
            self._begin(job_id)

    async def remove(self, job_id: str) -> None:
        """Stop a timer and forget it (its cog is being unloaded)."""
        timer = self._timers.pop(job_id, None)
        self._on_start.pop(job_id, None)
        if timer is not None:
            await timer.stop()  # a first run in progress is cancelled and waited for
        starting = self._starting.pop(job_id, None)
        if starting is not None and not starting.done():
            starting.cancel()  # still in `on_start`
            with contextlib.suppress(asyncio.CancelledError):
                await starting

    async def stop(self) -> None:
        """Stop every timer; once this returns, none of them uses the database or Discord."""
        for job_id in list(self._timers):
            await self.remove(job_id)

    def _begin(self, job_id: str) -> None:
        self._starting[job_id] = spawn(self._first_run(job_id), name=f"{job_id}-start")

    async def _first_run(self, job_id: str) -> None:
        on_start = self._on_start.get(job_id)
        if on_start is not None:
            try:
                await on_start()
            except Exception:
                log.exception("Starting timer %s failed; it runs anyway", job_id)
        timer = self._timers.get(job_id)
        if timer is not None:
            await timer.fire()
