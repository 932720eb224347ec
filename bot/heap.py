"""Garbage collection that keeps up with a burst, and gives back what it set aside.

What start-up built (modules, the caches Discord filled) lives as long as the bot, and so
does most of what survives a full collection later. Python's full passes walk all of it and
stall the event loop for tens of milliseconds (70–740 ms late in a 5,000-member burst), so
`settle` takes it out of their way: it freezes the heap once Discord is ready, and again
after every full pass (`_freeze_survivors`), so the next full pass walks only what was made
since. A frozen object is still freed by reference counting; one that later dies inside a
reference cycle (an interaction and its response, say) is not, so once a day `refresh`
unfreezes everything, collects once and freezes again: a bot that runs for months holds
at most a day of such cycles, for one full pass a day.
"""

from __future__ import annotations

import gc
import logging
import time
from datetime import datetime, timedelta

log = logging.getLogger(__name__)

FULL_PASS_EVERY = 3
"""Young (generation 1) passes between full ones; Python's default is 10, which let about
70,000 new objects build up for each full pass to walk (40-80 ms late in a burst)."""

REFRESH_EVERY = timedelta(days=1)
"""How often the frozen heap is collected once in full (`refresh`)."""

TIMER = "heap"

_before: tuple[int, int, int] | None = None
"""The collector's thresholds before `settle`, for `release`."""


def settle() -> None:
    """Freeze what start-up built and, from now on, what survives each full pass."""
    global _before
    if _before is None:
        _before = gc.get_threshold()
    gc.collect()
    gc.freeze()
    # Counted from an empty oldest generation, the next full pass comes after a few
    # younger ones (not after a quarter of the whole heap again); with survivors frozen,
    # a full pass walks what was made since the last, at most ~20,000 objects.
    gc.collect()
    threshold, middle, _ = gc.get_threshold()
    gc.set_threshold(threshold, middle, FULL_PASS_EVERY)
    if _freeze_survivors not in gc.callbacks:
        gc.callbacks.append(_freeze_survivors)


def release() -> None:
    """Undo `settle` when the bot closes: a process that goes on without it (a test run,
    an embedding program) gets Python's own collector back, frozen objects included."""
    global _before
    while _freeze_survivors in gc.callbacks:
        gc.callbacks.remove(_freeze_survivors)
    if _before is not None:
        gc.set_threshold(*_before)
        _before = None
    gc.unfreeze()


def _freeze_survivors(phase: str, info: dict[str, int]) -> None:
    """Right after a full pass every object left is alive (the younger generations were
    collected with it): freeze them."""
    if phase == "stop" and info["generation"] == 2:
        gc.freeze()


def refresh() -> int:
    """Collect the whole heap once, frozen part included, then freeze it again: what died in
    a reference cycle while frozen is freed. Returns how many objects were freed."""
    started = time.perf_counter()
    gc.unfreeze()
    freed = gc.collect()
    gc.freeze()
    log.info(
        "Heap refreshed: %d objects freed in %.0f ms",
        freed,
        (time.perf_counter() - started) * 1000,
    )
    return freed


class DailyRefresh:
    """The `heap` timer: `refresh` once every `REFRESH_EVERY`, first a day after start."""

    def __init__(self) -> None:
        self._due: datetime | None = None

    async def run_due(self, now: datetime) -> datetime:
        if self._due is not None and now >= self._due:
            refresh()
            self._due = None
        if self._due is None:
            self._due = now + REFRESH_EVERY
        return self._due
