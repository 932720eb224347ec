"""After a full garbage collection, the survivors are frozen: the next full pass walks only
what was made since, not the whole heap a burst has grown."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from bot.app import FULL_PASS_EVERY, _settle_heap, _settle_survivors


@pytest.fixture
def settling() -> Iterator[None]:
    threshold = gc.get_threshold()
    _settle_heap()
    _settle_heap()  # once at every start: the hook is still added only once
    try:
        yield
    finally:
        while _settle_survivors in gc.callbacks:
            gc.callbacks.remove(_settle_survivors)
        gc.set_threshold(*threshold)


@pytest.mark.usefixtures("settling")
def test_survivors_of_a_full_pass_are_frozen_and_younger_passes_freeze_nothing() -> None:
    assert gc.callbacks.count(_settle_survivors) == 1
    assert gc.get_threshold()[2] == FULL_PASS_EVERY
    kept = [[n] for n in range(1_000)]  # long-lived containers made after start-up
    frozen = gc.get_freeze_count()
    gc.collect(1)
    assert gc.get_freeze_count() == frozen, "a young pass leaves the heap as it is"
    gc.collect()
    assert gc.get_freeze_count() >= frozen + len(kept)
    assert not gc.get_objects(generation=2), "nothing is left for the next full pass to walk"
