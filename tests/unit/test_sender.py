"""The paced sender: one worker, in order, deduplicated, paused as a whole when throttled."""

from __future__ import annotations

import asyncio

import pytest

from bot.sender import CATCH_UP, PacedSender, SendPacing, Throttled, following_slot

FAST = SendPacing(per_second=10_000, throttle_pause=0.01)


async def test_jobs_run_one_at_a_time_in_order() -> None:
    running = 0
    most = 0
    done: list[int] = []

    async def handle(job: int) -> None:
        nonlocal running, most
        running += 1
        most = max(most, running)
        await asyncio.sleep(0)
        done.append(job)
        running -= 1

    sender: PacedSender[int] = PacedSender(handle, FAST)
    sender.start()
    try:
        for job in range(50):
            sender.enqueue(job)
        await asyncio.wait_for(sender.wait_idle(), 5)
    finally:
        await sender.stop()
    assert done == list(range(50))
    assert most == 1, "never more than one send in flight"
    assert sender.done == 50


async def test_a_job_already_queued_is_not_queued_twice() -> None:
    done: list[str] = []

    async def handle(job: str) -> None:
        done.append(job)

    sender: PacedSender[str] = PacedSender(handle, FAST)
    assert sender.enqueue("a") and not sender.enqueue("a") and sender.enqueue("b")
    assert sender.pending == 2
    sender.start()
    try:
        await asyncio.wait_for(sender.wait_idle(), 5)
        assert sender.enqueue("a"), "once done, it may be offered again"
        await asyncio.wait_for(sender.wait_idle(), 5)
    finally:
        await sender.stop()
    assert done == ["a", "b", "a"]


async def test_throttling_pauses_the_whole_queue_and_retries_the_job_first() -> None:
    done: list[int] = []
    pauses: list[float] = []
    throttle = [True]

    async def handle(job: int) -> None:
        if job == 1 and throttle[0]:
            throttle[0] = False
            raise Throttled()
        pauses.append(sender.paused_for)
        done.append(job)

    sender: PacedSender[int] = PacedSender(
        handle, SendPacing(per_second=10_000, throttle_pause=0.05)
    )
    for job in (0, 1, 2):
        sender.enqueue(job)
    sender.start()
    try:
        await asyncio.wait_for(sender.wait_idle(), 5)
    finally:
        await sender.stop()
    assert done == [0, 1, 2], "the throttled job goes first once the pause is over"
    assert sender.throttled == 1
    assert all(p == 0 for p in pauses), "no job ran while the queue was paused"


async def test_discords_retry_after_sets_the_pause() -> None:
    seen: list[float] = []

    async def handle(job: int) -> None:
        if not seen:
            seen.append(0)
            raise Throttled(retry_after=30.0)
        seen.append(job)

    sender: PacedSender[int] = PacedSender(handle, FAST)
    sender.enqueue(1)
    sender.start()
    try:
        while not sender.throttled:  # noqa: ASYNC110 (polling the worker)
            await asyncio.sleep(0.001)
        assert 25 < sender.paused_for <= 30
        assert sender.pending == 1, "the job waits in the queue"
    finally:
        await sender.stop()


async def test_a_failing_job_does_not_stop_the_worker() -> None:
    done: list[int] = []

    async def handle(job: int) -> None:
        if job == 0:
            raise RuntimeError("boom")
        done.append(job)

    sender: PacedSender[int] = PacedSender(handle, FAST)
    sender.start()
    try:
        sender.enqueue(0)
        sender.enqueue(1)
        await asyncio.wait_for(sender.wait_idle(), 5)
    finally:
        await sender.stop()
    assert done == [1] and sender.failed == 1


@pytest.mark.parametrize("pacing", [{"per_second": 0}, {"throttle_pause": -1}])
def test_pacing_must_make_sense(pacing: dict[str, float]) -> None:
    with pytest.raises(ValueError):
        SendPacing(**pacing)


def test_slots_are_counted_from_the_previous_slot_not_from_when_a_job_starts() -> None:
    # Woken 3 ms late: the next slot stays on the schedule, the lateness is not carried.
    assert following_slot(10.0, 10.003, 0.05) == pytest.approx(10.05)
    # A job that ran past its slot: the next one starts at once, to catch up.
    assert following_slot(10.0, 10.4, 0.05) == pytest.approx(10.05)
    # Idle or paused for longer than the catch-up allowance: counted afresh from now.
    assert following_slot(10.0, 10.0 + CATCH_UP + 0.5, 0.05) == pytest.approx(
        10.0 + CATCH_UP + 0.55
    )
    # At one a second, a second late is still within one slot.
    assert following_slot(10.0, 11.0, 1.0) == pytest.approx(11.0)
