"""One paced sender: a queue and a worker that starts bulk, bot-initiated messages at a pace.

A whole cohort is due at Monday 09:00. Sending thousands of DMs at once (`gather`) is what
gets a bot rate limited or quarantined by Discord's anti-spam (CONTRACT.md §2.3), and it
would starve the event loop of the interactions members are clicking meanwhile. So every
job goes through one worker that starts at most `per_second` jobs a second (with `overlap`,
a few may be running at once, each started at its own slot), and stops the whole queue for
`throttle_pause` seconds when Discord says we are opening DMs too fast (40003) or hands back
a rate limit too long to sit out. Shorter rate limits (429) are sat out by discord.py itself,
per route, inside the job.

Pacing is wall-clock (the event loop's clock), not the injected business clock: it limits
how fast requests really leave the process. The queue is in memory only; the database is
the truth for what is due, and the check-in timer re-enqueues anything not yet sent.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
from collections import deque
from collections.abc import Awaitable, Callable, Hashable
from dataclasses import dataclass
from typing import Generic, TypeVar

from bot.db.database import StorageBusy
from bot.tasks import spawn

log = logging.getLogger(__name__)

K = TypeVar("K", bound=Hashable)

DEFAULT_PER_SECOND = 1.0
"""About one member a second: 5,000 prompts take ~83 minutes, well inside the grace window.
An engineering choice (Discord documents no number for opening DMs), see CONTRACT.md §2.3."""

DEFAULT_THROTTLE_PAUSE = 10 * 60.0
"""Seconds the whole queue waits after 40003 "opening direct messages too fast"."""

OVERLAP_WINDOW = 0.2
"""With `overlap`, up to this many seconds' worth of slots may be running at once."""

MAX_IN_FLIGHT = 6
"""Never more jobs at once than this, whatever the rate: each holds a few requests open and
waits its turn for the database's writer."""

DRAIN = 2.0
"""Seconds `stop` gives running jobs to finish before cancelling them."""


@dataclass
class SendPacing:
    per_second: float = DEFAULT_PER_SECOND
    throttle_pause: float = DEFAULT_THROTTLE_PAUSE

    def __post_init__(self) -> None:
        if self.per_second <= 0:
            raise ValueError("per_second must be positive")
        if self.throttle_pause < 0:
            raise ValueError("throttle_pause must not be negative")


class Throttled(Exception):
    """Discord asked us to slow down: pause the queue and retry this job afterwards.

    `retry_after` (seconds) when Discord said how long; otherwise the configured pause.
    """

    def __init__(self, retry_after: float | None = None) -> None:
        super().__init__(f"throttled (retry after {retry_after})")
        self.retry_after = retry_after


class PacedSender(Generic[K]):
    """Runs `handle(job)` for each queued job, in order, starting at most `per_second` a second.

    One job at a time by default. With `overlap`, each job starts at its slot whether or not
    the jobs before it have finished (a job is a few database statements and requests, often
    longer than a slot at 20 a second), up to `in_flight` at once: the pace is then set by
    the slots, not by how long Discord takes to answer. Ordered output (the director log)
    keeps the default; check-in prompts, each to a different member, overlap.

    Jobs are deduplicated while queued or running, so the timer can re-offer everything
    still due without a job running twice from the queue. `handle` must itself be safe to
    run again for a job it has already done (the database decides what is left to do).
    """

    def __init__(
        self,
        handle: Callable[[K], Awaitable[object]],
        pacing: SendPacing | None = None,
        *,
        name: str = "paced-sender",
        overlap: bool = False,
    ) -> None:
        self._handle = handle
        self.pacing = pacing or SendPacing()
        self.name = name
        self.overlap = overlap
        self._queue: deque[K] = deque()
        self._queued: set[K] = set()
        self._running: dict[asyncio.Task[None], K] = {}
        self._wakeup = asyncio.Event()
        self._idle = asyncio.Event()
        self._idle.set()
        self._resume_at = 0.0
        self._task: asyncio.Task[None] | None = None
        self.done = 0
        self.failed = 0
        self.throttled = 0

    # ------------------------------------------------------------------ control

    def start(self) -> None:
        if self._task is None or self._task.done():
            self._task = spawn(self._run(), name=self.name)

    async def stop(self, *, drain: float = DRAIN) -> None:
        """Start no more jobs; give those running `drain` seconds to finish, then cancel
        them (a prompt cut short is claimed, and looked for before it is sent again)."""
        task, self._task = self._task, None
        if task is not None and not task.done():
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        running = list(self._running)
        if not running:
            return
        if drain > 0:
            await asyncio.wait(running, timeout=drain)
        for job in running:
            job.cancel()
        await asyncio.gather(*running, return_exceptions=True)

    def enqueue(self, job: K) -> bool:
        """Queue `job` unless it is already waiting or running; True if it was added."""
        if job in self._queued:
            return False
        self._queued.add(job)
        self._queue.append(job)
        self._idle.clear()
        self._wakeup.set()
        return True

    def pause(self, seconds: float) -> None:
        """Hold every job for `seconds` (extends, never shortens, a pause in force)."""
        loop = asyncio.get_running_loop()
        self._resume_at = max(self._resume_at, loop.time() + seconds)
        self._wakeup.set()

    @property
    def pending(self) -> int:
        """Jobs waiting or running."""
        return len(self._queued)

    @property
    def running(self) -> int:
        return len(self._running)

    @property
    def in_flight(self) -> int:
        """How many jobs may run at once: one, or with `overlap` about `OVERLAP_WINDOW`
        seconds of slots (at least 2, at most `MAX_IN_FLIGHT`), so a slow Discord holds
        back the queue instead of piling up requests."""
        if not self.overlap:
            return 1
        return min(MAX_IN_FLIGHT, max(2, math.ceil(self.pacing.per_second * OVERLAP_WINDOW)))

    @property
    def paused_for(self) -> float:
        """Seconds until a pause ends (0 when not paused)."""
        return max(0.0, self._resume_at - asyncio.get_running_loop().time())

    async def wait_idle(self) -> None:
        """Until the queue is empty and no job is running."""
        await self._idle.wait()

    # ------------------------------------------------------------------- worker

    async def _run(self) -> None:
        loop = asyncio.get_running_loop()
        next_slot = loop.time()
        while True:
            if not self._queue:
                self._wakeup.clear()
                await self._wakeup.wait()
                continue
            start_at = max(self._resume_at, next_slot)
            if start_at > loop.time():
                self._wakeup.clear()
                with contextlib.suppress(TimeoutError):
                    async with asyncio.timeout_at(start_at):
                        await self._wakeup.wait()
                continue
            if len(self._running) >= self.in_flight:
                self._wakeup.clear()
                await self._wakeup.wait()  # a job finishing wakes the worker
                continue
            job = self._queue.popleft()
            next_slot = following_slot(next_slot, loop.time(), 1.0 / self.pacing.per_second)
            task = loop.create_task(self._run_job(job), name=f"{self.name}-job")
            self._running[task] = job
            task.add_done_callback(self._job_finished)
            # The job runs up to its first request before the next slot is considered: a
            # job Discord throttles at once pauses the queue before another one starts.
            await asyncio.sleep(0)

    async def _run_job(self, job: K) -> None:
        requeued = False
        try:
            await self._handle(job)
        except Throttled as exc:
            self.throttled += 1
            pause = exc.retry_after if exc.retry_after is not None else self.pacing.throttle_pause
            log.warning("%s throttled by Discord: pausing for %.1f s", self.name, pause)
            self.pause(pause)
            self._queue.appendleft(job)  # first once the pause is over
            requeued = True
        except StorageBusy:
            self.failed += 1
            log.warning(
                "%s: job %s waits: the database is locked by another program; it is "
                "retried on the next timer run",
                self.name,
                job,
            )
        except Exception:
            self.failed += 1
            log.exception("%s: job %s failed; it is retried on the next timer run", self.name, job)
        else:
            self.done += 1
        finally:
            # Also when cancelled by `stop`: the timer may offer the job again.
            if not requeued:
                self._queued.discard(job)

    def _job_finished(self, task: asyncio.Task[None]) -> None:
        job = self._running.pop(task)
        if task.cancelled():
            self._queued.discard(job)  # also when cancelled before it began
        if not self._queue and not self._running:
            self._idle.set()
        self._wakeup.set()


CATCH_UP = 1.0
"""Seconds of lateness the queue makes up for by starting the next jobs at once (a job
that took longer than its slot, a slow wake-up); later than that (idle, paused) it starts
its count afresh, so a whole second's worth of jobs at most ever leaves in a rush."""


def following_slot(slot: float, now: float, interval: float) -> float:
    """The slot after the one a job starts in. Counted from that slot, not from `now`, so
    moments the loop wakes late or a job runs long do not add up and the queue keeps its
    rate; a job that starts more than `CATCH_UP` (or one slot) late counts afresh."""
    start = slot if now - slot <= max(interval, CATCH_UP) else now
    return start + interval
