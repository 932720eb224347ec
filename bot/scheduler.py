"""The APScheduler instance the bot owns.

Jobs live in memory only: the database is the truth for time, and every job is rebuilt
from it at start-up with a deterministic id, so a restart loses nothing.
"""

from __future__ import annotations

import logging
from datetime import UTC

from apscheduler.schedulers.asyncio import AsyncIOScheduler

log = logging.getLogger(__name__)


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
