"""The paced sender with `overlap`: each job starts at its slot without waiting for the
ones before it, a bounded number at once, still paused as a whole and stopped cleanly."""

from __future__ import annotations

import asyncio

import pytest

from bot.sender import MAX_IN_FLIGHT, PacedSender, SendPacing, Throttled

FAST = SendPacing(per_second=10_000, throttle_pause=0.01)


def overlapping(handle: object, pacing: SendPacing = FAST) -> PacedSender[int]:
    return PacedSender(handle, pacing, overlap=True)  # type: ignore[arg-type]


async def test_jobs_start_in_order_without_waiting_for_the_ones_before() -> None:
    started: list[int] = []
    release = asyncio.Event()
    most = 0

    async def handle(job: int) -> None:
        nonlocal most
        started.append(job)
        most = max(most, sender.running)
        await release.wait()

    sender = overlapping(handle, SendPacing(per_second=10_000, throttle_pause=0.01))
    limit = sender.in_flight
    sender.start()
    try:
        for job in range(limit + 5):
            sender.enqueue(job)
        # No job can finish until `limit` of them have started at the same time.
        async with asyncio.timeout(5):
            while len(started) < limit:  # noqa: ASYNC110 (polling the worker)
                await asyncio.sleep(0)
        for _ in range(20):
            await asyncio.sleep(0)
        assert started == list(range(limit)), "in slot order, and no more than the limit"
        release.set()
        await asyncio.wait_for(sender.wait_idle(), 5)
    finally:
        await sender.stop()
    assert started == list(range(limit + 5))
    assert most == limit
    assert sender.done == limit + 5 and sender.pending == 0


@pytest.mark.parametrize(
    ("per_second", "expected"),
    [(1.0, 2), (20.0, 4), (100.0, MAX_IN_FLIGHT), (10_000.0, MAX_IN_FLIGHT)],
)
def test_how_many_run_at_once_follows_the_rate(per_second: float, expected: int) -> None:
    sender: PacedSender[int] = PacedSender(
        lambda job: asyncio.sleep(0), SendPacing(per_second=per_second), overlap=True
    )
    assert sender.in_flight == expected
    sender.pacing = SendPacing(per_second=1.0)  # tests and benches change the pace
    assert sender.in_flight == 2
    sender.overlap = False
    assert sender.in_flight == 1


async def test_a_failing_job_does_not_stop_the_others() -> None:
    done: list[int] = []
    gate = asyncio.Event()

    async def handle(job: int) -> None:
        if job == 0:
            await gate.wait()
            raise RuntimeError("boom")
        if job == 1:
            gate.set()
        await asyncio.sleep(0)
        done.append(job)

    sender = overlapping(handle)
    sender.start()
    try:
        for job in range(6):
            sender.enqueue(job)
        await asyncio.wait_for(sender.wait_idle(), 5)
    finally:
        await sender.stop()
    assert sorted(done) == [1, 2, 3, 4, 5]
    assert sender.failed == 1 and sender.done == 5
    assert sender.enqueue(0), "a failed job may be offered again"


async def test_throttled_while_others_run_pauses_everyone_and_retries_it_first() -> None:
    order: list[int] = []
    paused_when_started: list[float] = []
    release = asyncio.Event()
    throttle = [True]

    async def handle(job: int) -> None:
        paused_when_started.append(sender.paused_for)
        if job == 1:
            await release.wait()
        if job == 2 and throttle[0]:
            throttle[0] = False
            raise Throttled(retry_after=0.05)
        order.append(job)

    sender = overlapping(handle)
    for job in range(5):
        sender.enqueue(job)
    sender.start()
    try:
        async with asyncio.timeout(5):
            while not sender.throttled:  # noqa: ASYNC110 (polling the worker)
                await asyncio.sleep(0)
        assert sender.paused_for > 0
        assert sender.pending == 4, "the throttled job waits in the queue, job 1 still runs"
        release.set()  # a job already running when Discord said so finishes
        await asyncio.wait_for(sender.wait_idle(), 5)
    finally:
        await sender.stop()
    assert order == [0, 1, 2, 3, 4]
    assert sender.throttled == 1 and sender.done == 5
    assert all(p == 0 for p in paused_when_started), "no job started during the pause"


async def test_stop_lets_running_jobs_finish_and_cancels_what_outlives_the_drain() -> None:
    finished: list[int] = []
    stuck = asyncio.Event()
    quick = asyncio.Event()

    async def handle(job: int) -> None:
        if job == 0:
            await stuck.wait()  # never set: cancelled after the drain
        else:
            await quick.wait()
        finished.append(job)

    sender = overlapping(handle)
    sender.enqueue(0)
    sender.enqueue(1)
    sender.start()
    async with asyncio.timeout(5):
        while sender.running < 2:  # noqa: ASYNC110 (polling the worker)
            await asyncio.sleep(0)
    sender.enqueue(2)
    asyncio.get_running_loop().call_soon(quick.set)
    await sender.stop(drain=0.05)
    assert sender.running == 0, "nothing is left running after stop"
    assert 1 in finished and 0 not in finished
    assert sender.enqueue(0), "a job cut short may be offered again"
    assert not sender.enqueue(2), "a job still queued stays queued once"
