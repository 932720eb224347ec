"""Measure the `/cohort status` chart: render time, how long the event loop is held while it
renders in an executor, and the memory the plotting library adds when first used.

Usage: ``python bench/cohort_chart.py --weeks 52 --runs 10 [--process | --bot]``

``--process`` renders in a one-worker process pool instead of the default thread pool: the
event loop then never waits for the interpreter lock while a chart is drawn, and the
plotting library's memory stays in the worker.

``--bot`` draws as the bot does (`ChartRenderer`): the worker is started when a director
asks for the status (`warm`), the figures take `--status-ms` to compute meanwhile, then the
chart is asked for. It prints the first chart's time from the command, against the 1 s
target, and the longest the event loop was held from the command to the PNG.

Run it in a fresh process (as here): the first chart pays for importing the plotting
library, which a bot that never draws a chart never does. Memory is the process's resident
set (Linux `/proc/self/status`), before and after. Measurement only: prints numbers.
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import random
import statistics
import time
from concurrent.futures import Executor, ProcessPoolExecutor, ThreadPoolExecutor
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from bot.domain.cohort_status import CohortStatus, Funnel, Ratio, Week
from bot.domain.cohorts import Cohort

FIRST_CHART_TARGET_MS = 1000
LOOP_HELD_TARGET_MS = 50


def rss_mib(pid: str = "self") -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def sample(weeks: int) -> CohortStatus:
    rnd = random.Random(3)
    start = date(2025, 3, 3)
    as_of = datetime(2025, 3, 3, 12, tzinfo=UTC) + timedelta(weeks=weeks)
    cohort = Cohort(
        1,
        2,
        "Bench year",
        start,
        start + timedelta(weeks=weeks),
        "active",
        datetime(2025, 3, 3, tzinfo=UTC),
        3,
        None,
    )
    series = tuple(
        Week(
            start + timedelta(weeks=n),
            4800,
            rnd.randint(3400, 4600),
            rnd.randint(300, 450),
            rnd.randint(15000, 25000),
        )
        for n in range(weeks)
    )
    return CohortStatus(
        cohort=cohort,
        as_of=as_of,
        funnel=Funnel(6000, 5800, 4500, 4500, 4400, 2300),
        mentees=5000,
        mentors=1250,
        not_onboarded=200,
        matched_mentees=4500,
        unmatched_mentees=500,
        capacity=Ratio(4500, 5000),
        response=Ratio(16000, 19200),
        response_before=Ratio(15000, 19200),
        sessions_30d=1600,
        minutes_30d=96000,
        sessions_total=20000,
        minutes_total=1_200_000,
        rematch_asked=40,
        weeks=series,
    )


async def measure(weeks: int, runs: int, executor: Executor) -> None:
    # Loaded like the bot, so the memory baseline is fair. Imported here, not at the top:
    # a spawned worker imports this script again, and the bot's worker imports no such thing.
    from bot.services.cohort_status import CohortStatusService

    assert CohortStatusService
    status = sample(weeks)
    before = rss_mib()
    loop = asyncio.get_running_loop()
    worst: list[float] = []
    stop = asyncio.Event()

    async def ticker() -> None:
        """How late a 5 ms sleep wakes up: the longest the loop was held."""
        late = 0.0
        while not stop.is_set():
            began = time.perf_counter()
            await asyncio.sleep(0.005)
            late = max(late, time.perf_counter() - began - 0.005)
        worst.append(late)

    from bot.reports.chart import render_chart

    times = []
    for run in range(runs + 1):
        stop.clear()
        tick = asyncio.create_task(ticker())
        began = time.perf_counter()
        png = await loop.run_in_executor(executor, render_chart, status)
        times.append(time.perf_counter() - began)
        stop.set()
        await tick
        if run == 0:
            after_first = rss_mib()
    after = rss_mib()
    print(f"chart of {weeks} weeks: {len(png) / 1024:.0f} KiB PNG")
    print(f"executor: {type(executor).__name__}")
    print(f"first chart (imports the plotting library): {times[0] * 1000:.0f} ms")
    print(f"next charts: median {statistics.median(times[1:]) * 1000:.0f} ms over {runs}")
    print(
        f"event loop held at most {max(worst[1:]) * 1000:.1f} ms while a chart rendered "
        f"({worst[0] * 1000:.1f} ms during the first, importing)"
    )
    print(
        f"resident memory: {before:.0f} MiB before, +{after_first - before:.0f} MiB after the "
        f"first chart, +{after - before:.0f} MiB after {runs + 1}"
    )
    if isinstance(executor, ProcessPoolExecutor):
        for pid in list(executor._processes or {}):
            print(f"the worker process: {rss_mib(str(pid)):.0f} MiB resident")


async def measure_bot(weeks: int, runs: int, status_ms: float) -> None:
    """The first chart after a start, drawn as the bot draws it, then the next ones."""
    from bot.reports.renderer import ChartRenderer

    status = sample(weeks)
    worst = 0.0
    stop = asyncio.Event()

    async def ticker() -> None:
        nonlocal worst
        while not stop.is_set():
            began = time.perf_counter()
            await asyncio.sleep(0.005)
            worst = max(worst, time.perf_counter() - began - 0.005)

    renderer = ChartRenderer()
    try:
        tick = asyncio.create_task(ticker())
        await asyncio.sleep(0.05)  # the ticker is running
        asked = time.perf_counter()
        await renderer.warm()
        warm_call = time.perf_counter() - asked
        await asyncio.sleep(status_ms / 1000)  # the figures are computed off the loop
        ready = time.perf_counter()
        png = await renderer.render(status)
        first = time.perf_counter() - asked
        after_figures = time.perf_counter() - ready
        stop.set()
        await tick
        first_held = worst
        times = []
        for _ in range(runs):
            stop.clear()
            worst = 0.0
            tick = asyncio.create_task(ticker())
            began = time.perf_counter()
            await renderer.render(status)
            times.append(time.perf_counter() - began)
            stop.set()
            await tick
        steady_held = worst
    finally:
        renderer.close()
    print(f"chart of {weeks} weeks: {len(png) / 1024:.0f} KiB PNG, drawn by ChartRenderer")
    print(
        f"first chart after a start: {first * 1000:.0f} ms from the command "
        f"(worker started then; figures ready after {status_ms:.0f} ms, chart "
        f"{after_figures * 1000:.0f} ms after that); warm() took "
        f"{warm_call * 1000:.1f} ms, off the loop"
    )
    print(f"next charts: median {statistics.median(times) * 1000:.0f} ms over {runs}")
    held = max(first_held, steady_held)
    print(
        f"event loop held at most {first_held * 1000:.1f} ms from the command to the first "
        f"chart, {steady_held * 1000:.1f} ms while the next ones rendered"
    )
    rows = [
        ("first chart after a start", first * 1000, FIRST_CHART_TARGET_MS),
        ("next charts, median", statistics.median(times) * 1000, FIRST_CHART_TARGET_MS),
        ("longest loop stall", held * 1000, LOOP_HELD_TARGET_MS),
    ]
    print("\n| figure | measured | target | |\n|---|---|---|---|")
    for name, value, target in rows:
        verdict = "pass" if value <= target else "falls short"
        print(f"| {name} | {value:.0f} ms | ≤ {target} ms | {verdict} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--weeks", type=int, default=52)
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--process", action="store_true", help="render in a worker process")
    parser.add_argument("--bot", action="store_true", help="render as the bot does")
    parser.add_argument(
        "--status-ms", type=float, default=100, help="time the figures take (--bot)"
    )
    args = parser.parse_args()
    if args.bot:
        asyncio.run(measure_bot(args.weeks, args.runs, args.status_ms))
    elif args.process:
        context = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(1, mp_context=context) as pool:
            asyncio.run(measure(args.weeks, args.runs, pool))
    else:
        with ThreadPoolExecutor(1) as threads:
            asyncio.run(measure(args.weeks, args.runs, threads))


if __name__ == "__main__":
    main()
