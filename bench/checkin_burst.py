"""Measure a whole cohort's check-in burst: writing the periods, and the bot's own cost
per prompt through the paced sender, against a real SQLite file.

Usage: ``python bench/checkin_burst.py --members 5000 --rate 100000``

Discord is replaced by an in-memory messenger, so the numbers are the bot's overhead
(database, rendering data, queue) — the real pace is set by ``--rate`` / the production
default of one prompt a second. Measurement only: prints numbers, asserts nothing.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import tempfile
import time
import tracemalloc
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.db.database import Database
from bot.db.migrate import migrate
from bot.sender import DEFAULT_PER_SECOND, PacedSender, SendPacing
from bot.services.checkins import CheckinService, MentorAlert, Prompt, ReminderPlan
from bot.services.contacts import DmResult
from bot.services.delivery import CheckinDelivery, Claim, Job
from bot.services.goals import GoalService
from bot.services.settings import SettingsService

GUILD = 1_000_000_000_000_000_001
ZONES = ("Europe/London", "America/New_York", "Asia/Shanghai", "Asia/Kolkata")


class Clock:
    def __init__(self, now: datetime) -> None:
        self.moment = now

    def now(self) -> datetime:
        return self.moment


class MemoryMessenger:
    """Accepts every message instantly; counts what a real Discord would have received."""

    def __init__(self) -> None:
        self.ids = itertools.count(1)
        self.prompts = 0
        self.requests = 0

    async def dm_prompt(
        self, guild_id: int, user_id: int, prompt: Prompt, *, nonce: str, asked: bool, claim: Claim
    ) -> DmResult:
        self.requests += 2  # open the DM channel, post the prompt
        channel_id = 10**15 + user_id
        if not await claim(channel_id):
            return DmResult("cancelled")
        self.prompts += 1
        return DmResult("delivered", channel_id, next(self.ids))

    async def send_prompt(
        self, channel_id: int, prompt: Prompt, *, nonce: str, mention: int
    ) -> int:
        self.requests += 1
        self.prompts += 1
        return next(self.ids)

    async def find_prompt(self, channel_id: int, period_id: int) -> int | None:
        self.requests += 1
        return None

    async def open_thread(self, guild_id: int, parent_id: int, user_id: int) -> int:
        return next(self.ids)

    async def add_to_thread(self, guild_id: int, thread_id: int, user_id: int) -> None:
        return None

    async def send_dm_help(self, guild_id: int, channel_id: int, user_id: int) -> None:
        return None

    async def send_reminder(self, plan: ReminderPlan, *, nonce: str) -> None:
        return None

    async def alert_mentor(self, alert: MentorAlert) -> DmResult:
        return DmResult("delivered", 1, next(self.ids))


async def populate(db: Database, members: int, now: datetime) -> None:
    """Members, three goals each and a schedule all due at the same minute."""
    stamp = now.isoformat()
    await db.executemany(
        "INSERT INTO members (guild_id, user_id, status, role, timezone, updated_at) "
        "VALUES (?, ?, 'onboarded', 'mentee', ?, ?)",
        [(GUILD, user, ZONES[user % len(ZONES)], stamp) for user in range(1, members + 1)],
    )
    await db.executemany(
        "INSERT INTO goals (guild_id, user_id, title, created_at) VALUES (?, ?, ?, ?)",
        [
            (GUILD, user, f"Goal {n} of member {user}", stamp)
            for user in range(1, members + 1)
            for n in range(3)
        ],
    )
    due = now + timedelta(minutes=1)
    await db.executemany(
        "INSERT INTO checkin_members (guild_id, user_id, weekday, local_time, timezone, "
        "anchor, next_key, next_due_at, updated_at) VALUES (?, ?, 0, '09:00', 'UTC', "
        "'2026-11-09', '2026-11-09', ?, ?)",
        [
            (GUILD, user, due.strftime("%Y-%m-%dT%H:%M:%S.%f+00:00"), stamp)
            for user in range(1, members + 1)
        ],
    )


async def run(members: int, rate: float) -> None:
    start = datetime(2026, 11, 9, 8, 59, tzinfo=UTC)
    clock = Clock(start)
    with tempfile.TemporaryDirectory() as folder:
        db = await Database.open(Path(folder) / "bench.sqlite3")
        await migrate(db)
        began = time.perf_counter()
        await populate(db, members, start)
        print(f"members: {members:,}  setup {time.perf_counter() - began:.2f} s")

        settings = SettingsService(db, clock)
        goals = GoalService(db, clock)
        checkins = CheckinService(db, clock, settings, goals)
        messenger = MemoryMessenger()
        holder: list[PacedSender[Job]] = []
        delivery = CheckinDelivery(checkins, messenger, clock, lambda job: holder[0].enqueue(job))
        sender: PacedSender[Job] = PacedSender(
            delivery.handle,
            SendPacing(per_second=rate),
            overlap=True,  # as the bot's
        )
        holder.append(sender)

        clock.moment = start + timedelta(minutes=1)
        tracemalloc.start()
        began = time.perf_counter()
        await delivery.run_due(clock.now())
        timer_run = time.perf_counter() - began
        queued = sender.pending
        sender.start()
        began = time.perf_counter()
        await sender.wait_idle()
        sending = time.perf_counter() - began
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        await sender.stop()
        await db.close()

    print(f"timer run (write {members:,} periods, queue them): {timer_run:.2f} s")
    print(f"queued: {queued:,}  delivered: {messenger.prompts:,}  requests: {messenger.requests:,}")
    print(
        f"delivery at --rate {rate:g}/s: {sending:.2f} s "
        f"({messenger.prompts / sending:,.0f} prompts/s of bot overhead)"
    )
    print(f"peak Python memory during the burst: {peak / 1e6:.1f} MB")
    print(
        f"at the production pace of {DEFAULT_PER_SECOND:g}/s the burst takes "
        f"{members / DEFAULT_PER_SECOND / 60:.0f} min"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--members", type=int, default=5000)
    parser.add_argument("--rate", type=float, default=100_000.0, help="prompts per second cap")
    args = parser.parse_args()
    asyncio.run(run(args.members, args.rate))


if __name__ == "__main__":
    main()
