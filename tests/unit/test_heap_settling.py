"""After a full garbage collection the survivors are frozen, so the next full pass walks only
what was made since; once a day everything is collected once, so what died in a reference
cycle while frozen is given back."""

from __future__ import annotations

import gc
import weakref
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from bot import heap


@pytest.fixture
def settling() -> Iterator[None]:
    threshold = gc.get_threshold()
    heap.settle()
    heap.settle()  # once at every start: the hook is still added only once
    try:
        yield
    finally:
        heap.release()
        assert gc.get_threshold() == threshold
        assert heap._freeze_survivors not in gc.callbacks
        assert gc.get_freeze_count() == 0


class Node:
    """A container that can sit in a reference cycle and be watched through a weak ref."""

    def __init__(self) -> None:
        self.other: Node | None = None


@pytest.mark.usefixtures("settling")
def test_survivors_of_a_full_pass_are_frozen_and_younger_passes_freeze_nothing() -> None:
    assert gc.callbacks.count(heap._freeze_survivors) == 1
    assert gc.get_threshold()[2] == heap.FULL_PASS_EVERY
    kept = [[n] for n in range(1_000)]  # long-lived containers made after start-up
    frozen = gc.get_freeze_count()
    gc.collect(1)
    assert gc.get_freeze_count() == frozen, "a young pass leaves the heap as it is"
    gc.collect()
    assert gc.get_freeze_count() >= frozen + len(kept)
    assert not gc.get_objects(generation=2), "nothing is left for the next full pass to walk"


@pytest.mark.usefixtures("settling")
def test_a_cycle_that_dies_while_frozen_is_freed_by_the_refresh() -> None:
    first, second = Node(), Node()
    first.other, second.other = second, first
    gone = weakref.ref(first)
    gc.collect()  # a full pass while the pair is alive: frozen with the rest
    del first, second
    gc.collect()
    assert gone() is not None, "frozen: a full pass does not see the dead cycle"
    assert heap.refresh() >= 2
    assert gone() is None


async def test_the_refresh_runs_once_a_day_never_at_start(monkeypatch: pytest.MonkeyPatch) -> None:
    runs: list[int] = []
    monkeypatch.setattr(heap, "refresh", lambda: runs.append(1) or 0)
    timer = heap.DailyRefresh()
    start = datetime(2026, 11, 29, 3, 0, tzinfo=UTC)
    assert await timer.run_due(start) == start + heap.REFRESH_EVERY
    assert runs == []
    assert await timer.run_due(start + timedelta(hours=5)) == start + heap.REFRESH_EVERY
    later = start + heap.REFRESH_EVERY + timedelta(minutes=1)
    assert await timer.run_due(later) == later + heap.REFRESH_EVERY
    assert runs == [1]
