"""Draw charts off the event loop, in one worker process started when a director first asks
for the cohort status.

A thread would do for time, but drawing holds the interpreter lock for long stretches, and
the gateway's event loop then waits behind it (bench/cohort_chart.py: up to ~90 ms on a busy
machine, against a 50 ms budget). A worker process never shares that lock, and the plotting
library's memory (~50 MiB) stays in the worker: a bot whose directors never ask for a chart
never starts it. Starting it and loading the library takes about a second, so `warm` starts
it as soon as the status is asked for, while the figures are computed, and the first chart
is not a second later than the next ones. Made once at start-up and closed at shutdown,
like the other resources.
"""

from __future__ import annotations

import asyncio
import multiprocessing
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

from bot.domain.cohort_status import CohortStatus
from bot.i18n import DEFAULT, Language
from bot.reports.chart import render_chart, warm_up

__all__ = ["ChartRenderer"]


class ChartRenderer:
    def __init__(self) -> None:
        self._pool: ProcessPoolExecutor | None = None

    @property
    def started(self) -> bool:
        """Whether the worker process is running (or starting)."""
        return self._pool is not None

    async def warm(self) -> None:
        """Start the worker and have it load the plotting library; returns once the process
        is started, not loaded (a chart asked for meanwhile is drawn right after). Starting
        a process takes tens of milliseconds, so it happens on a thread, not the event
        loop. Does nothing once the worker runs."""
        if self._pool is None:
            pool = self._start()
            await asyncio.get_running_loop().run_in_executor(None, pool.submit, warm_up)

    async def render(self, status: CohortStatus, lang: Language = DEFAULT) -> bytes:
        """The chart's PNG bytes, its words in `lang` (the worker does not share the bot's
        current language: it is passed). A worker that died is replaced on the next chart."""
        pool = self._pool or self._start()
        loop = asyncio.get_running_loop()
        try:
            return await loop.run_in_executor(pool, render_chart, status, lang)
        except BrokenProcessPool:
            self._pool = None
            raise

    def _start(self) -> ProcessPoolExecutor:
        # "spawn": a fresh interpreter, never a fork of the bot's threads and sockets.
        self._pool = ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn"))
        return self._pool

    def close(self) -> None:
        """Stop the worker (if it ever started); a chart in progress is abandoned."""
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)
            self._pool = None
