"""Drive the real bot through the fake Discord during a check-in burst: are clicks still
answered in time, does the first prompt leave at once, does the sender keep its pace?

Usage: ``python bench/interactions_under_burst.py --members 1000 --rate 20``
(``--members 2000`` / ``--members 5000 --rate 100`` for the issue's large cases.)

Seeds a temporary database with a cohort a year long (`--members` mentees, a mentor for
every four, profiles, three goals each, matches, 52 weekly check-ins, sessions), starts the
production bot on the fake Discord on loopback, makes every mentee due at the same minute
and fires the check-in timer, while other members run `/goal list`, `/checkin history` and
`/profile view` one after another. Prints one table: each figure, its target, and whether it
passes. Measurement only: asserts nothing, exits 0.

Acknowledgement latency is the time from sending the interaction to the bot's first
response (reply, defer or modal) as the fake Discord records it. The loop-lag probe sleeps
5 ms at a time and records how late it wakes: the longest stall of the shared event loop
(the fake Discord runs in the same loop, so its own work counts too).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import gc
import itertools
import json
import random
import sqlite3
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bot.config import Settings  # noqa: E402
from bot.db.database import Database  # noqa: E402
from bot.db.migrate import migrate  # noqa: E402
from bot.sender import SendPacing  # noqa: E402
from tests.e2e.support.process import QUESTIONNAIRE, BotProcess  # noqa: E402
from tests.e2e.support.server import configure  # noqa: E402
from tests.fakediscord import FakeDiscord, standard_world  # noqa: E402
from tests.fakediscord.interactions import Interaction  # noqa: E402
from tests.fakediscord.world import Channel, Guild, Message, User, World  # noqa: E402
from tests.support import FakeClock  # noqa: E402

DUE = datetime(2026, 11, 9, 9, 0, tzinfo=UTC)  # a Monday
NOW = DUE - timedelta(minutes=5)
EARLY = 3.0  # seconds: "the first seconds of a burst"
THREADS = 10**17  # ids of the seeded sessions' threads


def stamp(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%f+00:00")


# ------------------------------------------------------------------------------ seeding


@dataclass
class Cohort:
    mentees: list[User]
    mentors: list[User]


def add_people(guild: Guild, members: int) -> Cohort:
    world = guild.world
    mentee_role, mentor_role = guild.role("Mentee"), guild.role("Mentor")
    mentees = [world.add_user(f"mentee{n}") for n in range(members)]
    mentors = [world.add_user(f"mentor{n}") for n in range(max(1, members // 4))]
    for user in mentees:
        guild.add_member(user, roles=[mentee_role])
    for user in mentors:
        guild.add_member(user, roles=[mentor_role])
    return Cohort(mentees, mentors)


def seed(path: Path, guild_id: int, cohort: Cohort, sessions_per_match: int) -> int:
    """Bulk rows through the standard library driver: setting up is not what is measured.
    Returns the number of check-in periods written."""
    rnd = random.Random(13)
    began = stamp(DUE - timedelta(weeks=53))
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA foreign_keys = ON")
    mentors = cohort.mentors
    with conn:
        cohort_id = conn.execute(
            "INSERT INTO cohorts (guild_id, name, starts_on, created_at) "
            "VALUES (?, 'Bench year', ?, ?)",
            (guild_id, (DUE - timedelta(weeks=53)).date().isoformat(), began),
        ).lastrowid
        answers = json.dumps(
            {"timezone": "UTC", "checkin": "mon 09:00", "about": "Learning to build things."}
        )
        conn.executemany(
            "INSERT INTO members (guild_id, user_id, status, role, answers, timezone, capacity, "
            "checkin_weekday, checkin_time, consent_at, role_assigned, joined_at, "
            "onboarded_at, updated_at) VALUES (?, ?, 'onboarded', ?, ?, 'UTC', ?, ?, ?, ?, 1, "
            "?, ?, ?)",
            [
                (guild_id, u.id, "mentee", answers, None, 0, "09:00", began, began, began, began)
                for u in cohort.mentees
            ]
            + [
                (guild_id, u.id, "mentor", answers, 4, None, None, began, began, began, began)
                for u in mentors
            ],
        )
        conn.executemany(
            "INSERT INTO cohort_members (cohort_id, guild_id, user_id, role, enrolled_at) "
            "VALUES (?, ?, ?, ?, ?)",
            [(cohort_id, guild_id, u.id, "mentee", began) for u in cohort.mentees]
            + [(cohort_id, guild_id, u.id, "mentor", began) for u in mentors],
        )
        conn.executemany(
            "INSERT INTO goals (guild_id, user_id, title, created_at) VALUES (?, ?, ?, ?)",
            [
                (guild_id, u.id, f"Goal {n + 1}: ship something small", began)
                for u in cohort.mentees
                for n in range(3)
            ],
        )
        conn.executemany(
            "INSERT INTO checkin_members (guild_id, user_id, weekday, local_time, timezone, "
            "anchor, next_key, next_due_at, updated_at) VALUES (?, ?, 0, '09:00', 'UTC', ?, ?, "
            "?, ?)",
            [
                (
                    guild_id,
                    u.id,
                    (DUE - timedelta(weeks=53)).date().isoformat(),
                    DUE.date().isoformat(),
                    stamp(DUE),
                    began,
                )
                for u in cohort.mentees
            ],
        )
        periods = []
        for u in cohort.mentees:
            for week in range(52, 0, -1):
                due = DUE - timedelta(weeks=week)
                answered = rnd.random() < 0.8
                periods.append(
                    (
                        guild_id,
                        u.id,
                        due.date().isoformat(),
                        stamp(due),
                        "answered" if answered else "missed",
                        stamp(due),
                        stamp(due),
                        stamp(due + timedelta(hours=3)) if answered else None,
                        stamp(due),
                    )
                )
        conn.executemany(
            "INSERT INTO checkin_periods (guild_id, user_id, period_key, due_at, status, "
            "claimed_at, sent_at, answered_at, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            periods,
        )
        conn.executemany(
            "INSERT INTO matches (guild_id, cohort_id, mentee_id, mentor_id, status, "
            "created_at, created_by, met_at, intro_thread_id) "
            "VALUES (?, ?, ?, ?, 'active', ?, ?, ?, ?)",
            [
                (guild_id, cohort_id, u.id, mentors[n % len(mentors)].id, began, u.id, began, n + 1)
                for n, u in enumerate(cohort.mentees)
            ],
        )
        rows = conn.execute(
            "SELECT id, mentee_id, mentor_id FROM matches WHERE guild_id = ?", (guild_id,)
        ).fetchall()
        logged = []
        for match_id, mentee, mentor in rows:
            for seq in range(1, sessions_per_match + 1):
                on = (DUE - timedelta(weeks=52 - seq * 4)).date()
                logged_at = stamp(DUE - timedelta(weeks=52 - seq * 4))
                # Past sessions have their threads: none left for the bot to make at start.
                logged.append(
                    (guild_id, match_id, cohort_id, mentee, mentor, seq, on.isoformat(), 45,
                     mentee, logged_at, THREADS + len(logged), logged_at)
                )  # fmt: skip
        conn.executemany(
            "INSERT INTO sessions (guild_id, match_id, cohort_id, mentee_id, mentor_id, seq, "
            "session_date, minutes, created_by, created_at, thread_id, thread_ready_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            logged,
        )
    conn.execute("ANALYZE")
    conn.close()
    return len(periods)


# ---------------------------------------------------------------------------- measuring


class BenchDiscord(FakeDiscord):
    """Sends interactions without waiting for the client to confirm it parsed them: that
    confirmation is a gateway heartbeat, and discord.py allows 110 gateway sends a minute,
    far fewer than the clicks a bench makes (a real Discord asks for no such thing)."""

    async def dispatch(self, event: str, data: Any, *, wait: bool = True) -> None:
        await super().dispatch(event, data, wait=wait and event != "INTERACTION_CREATE")


@dataclass
class Probe:
    """How late the event loop wakes a 5 ms sleeper: the longest stall."""

    stalls: list[tuple[float, float]] = field(default_factory=list)  # (when, lateness)

    async def run(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            before = loop.time()
            await asyncio.sleep(0.005)
            late = loop.time() - before - 0.005
            self.stalls.append((time.perf_counter(), late))

    def worst(self, since: float, until: float) -> float:
        return max((late for at, late in self.stalls if since <= at < until), default=0.0)


@dataclass
class Collections:
    """How long each of the garbage collector's full passes held the loop."""

    pauses: list[tuple[float, int, float]] = field(default_factory=list)  # (when, gen, s)
    _began: float = 0.0

    def __call__(self, phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            self._began = time.perf_counter()
        else:
            now = time.perf_counter()
            self.pauses.append((now, info["generation"], now - self._began))

    def worst(self, since: float, until: float) -> float:
        return max((s for at, _, s in self.pauses if since <= at < until), default=0.0)


@dataclass
class Clicks:
    # (sent at, command, seconds to the acknowledgement, seconds to the whole answer)
    samples: list[tuple[float, str, float, float]] = field(default_factory=list)
    failures: int = 0


def index_lookups(world: World) -> None:
    """The fake scans every message (DM channel) to find one, for each waiting clicker after
    every request: quadratic work of its own in the bot's loop. Index both (messages are
    only appended, DM channels only added) so the figures measure the bot."""
    messages: dict[int, Message] = {}
    indexed: dict[int, int] = {}  # channel id -> how many of its messages are in `messages`
    dms: dict[int, Channel] = {}

    def find_message(message_id: int) -> Message | None:
        if message_id not in messages:
            for channel_id, stored in world.messages.items():
                for message in stored[indexed.get(channel_id, 0) :]:
                    messages[message.id] = message
                indexed[channel_id] = len(stored)
        return messages.get(message_id)

    def find_channel(channel_id: int) -> tuple[Channel, Guild | None] | None:
        for guild in world.guilds.values():
            if (channel := guild.resolve_channel(channel_id)) is not None:
                return channel, guild
        if channel_id not in dms:
            dms.update(
                (c.id, c) for c in itertools.islice(world.dm_channels.values(), len(dms), None)
            )
        return None if channel_id not in dms else (dms[channel_id], None)

    world.find_message = find_message  # type: ignore[method-assign]
    world.find_channel = find_channel  # type: ignore[method-assign]


def track_acknowledgements() -> None:
    """Record the moment the fake Discord first sees the bot's response to an interaction."""
    original = Interaction.__setattr__

    def record(self: Interaction, name: str, value: Any) -> None:
        if name == "response_type" and value is not None and "acked_at" not in self.__dict__:
            object.__setattr__(self, "acked_at", time.perf_counter())
        original(self, name, value)

    Interaction.__setattr__ = record  # type: ignore[method-assign,assignment]


async def member_clicks(
    fake: FakeDiscord,
    guild: Guild,
    people: list[User],
    clicks: Clicks,
    stop: asyncio.Event,
    pause: float,
) -> None:
    """One member after another runs one of the three read commands, then the next."""
    commands = ("goal list", "checkin history", "profile view")
    n = 0
    while not stop.is_set():
        user = people[n % len(people)]
        command = commands[n % len(commands)]
        n += 1
        sent = time.perf_counter()
        try:
            h = await fake.slash(user, guild, command)
            await h.response(timeout=10)
            await h.answer(timeout=10)  # a member reads the answer before clicking again
        except AssertionError as exc:
            clicks.failures += 1
            print(f"not answered: {exc}", file=sys.stderr)
            continue
        answered = time.perf_counter()
        clicks.samples.append((sent, command, h.__dict__["acked_at"] - sent, answered - sent))
        await asyncio.sleep(pause)


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


# ---------------------------------------------------------------------------------- run


@dataclass
class Figures:
    rows: list[tuple[str, str, str, str]] = field(default_factory=list)

    def add(self, name: str, value: float, unit: str, target: float, higher: bool) -> None:
        good = value >= target if higher else value <= target
        sign = "≥" if higher else "≤"
        shown = f"{value * 1000:.1f} ms" if unit == "ms" else f"{value:.2f} {unit}"
        goal = f"{sign} {target * 1000:g} ms" if unit == "ms" else f"{sign} {target:g} {unit}"
        self.rows.append((name, shown, goal, "pass" if good else "FALLS SHORT"))

    def info(self, name: str, shown: str) -> None:
        self.rows.append((name, shown, "", ""))

    def print(self) -> None:
        width = max(len(r[0]) for r in self.rows)
        print()
        print(f"{'figure':<{width}}  {'measured':>14}  {'target':>12}  result")
        for name, shown, goal, result in self.rows:
            print(f"{name:<{width}}  {shown:>14}  {goal:>12}  {result}")


async def run(args: argparse.Namespace) -> None:
    track_acknowledgements()
    world = standard_world()
    index_lookups(world)
    guild = world.guild("Mentoring Circle")
    cohort = add_people(guild, args.members)
    clock = FakeClock(NOW)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "mentorbot.sqlite3"
        db = await Database.open(path)
        await migrate(db)
        await db.close()
        began = time.perf_counter()
        periods = seed(path, guild.id, cohort, args.sessions)
        print(
            f"seeded {len(cohort.mentees):,} mentees, {len(cohort.mentors):,} mentors, "
            f"{periods:,} check-in periods in {time.perf_counter() - began:.1f} s"
        )
        async with BenchDiscord(world) as fake:
            settings = Settings(
                token=fake.token,
                database_path=path,
                questionnaire_path=QUESTIONNAIRE,
                checkin_send_rate=min(args.rate, 20.0),
            )
            process = BotProcess(fake, settings, clock)
            try:
                await measure(args, fake, guild, cohort, process, clock)
            finally:
                await process.stop()


async def measure(
    args: argparse.Namespace,
    fake: FakeDiscord,
    guild: Guild,
    cohort: Cohort,
    process: BotProcess,
    clock: FakeClock,
) -> None:
    bot = await process.start(timeout=60)
    await configure(fake, guild, fake.world.user("director"))
    sender = bot.delivery.checkin_sender
    # CHECKIN_SEND_RATE stops at 20/s; the bench may go faster to keep large runs short.
    sender.pacing = SendPacing(per_second=args.rate, throttle_pause=sender.pacing.throttle_pause)
    sent_at: list[float] = []
    everyone_prompted = asyncio.Event()
    expected = len(cohort.mentees)
    handle = sender._handle

    async def timed(job: Any) -> object:
        result = await handle(job)
        if job[0] == "prompt":
            sent_at.append(time.perf_counter())
            if len(sent_at) >= expected:
                everyone_prompted.set()
        return result

    sender._handle = timed

    collections = Collections()
    gc.callbacks.append(collections)
    probe = Probe()
    probe_task = asyncio.create_task(probe.run())
    clicks = Clicks()
    stop = asyncio.Event()
    # Those who click are members not due (mentors) and a few mentees: both read paths.
    clickers = cohort.mentees[: max(args.clickers, len(cohort.mentees) // 20)]
    groups = [clickers[i :: args.clickers] for i in range(args.clickers)]
    workers = [
        asyncio.create_task(member_clicks(fake, guild, group, clicks, stop, args.pause))
        for group in groups
    ]
    await asyncio.sleep(args.warmup)  # the quiet baseline
    clock.set(DUE)
    due_at = time.perf_counter()
    timer = asyncio.create_task(bot.timers["checkins"].fire())
    await timer
    timer_done = time.perf_counter()
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(everyone_prompted.wait(), expected / args.rate * 3 + 30)
    steady_end = time.perf_counter()
    stop.set()
    await asyncio.gather(*workers)
    probe_task.cancel()

    figures = Figures()
    windows = (
        ("before the burst", due_at - args.warmup, due_at),
        (f"first {EARLY:g} s of the burst", due_at, due_at + EARLY),
        ("rest of the burst", due_at + EARLY, steady_end),
    )
    for label, since, until in windows:
        values = [s for at, _, s, _ in clicks.samples if since <= at < until]
        answers = [s for at, _, _, s in clicks.samples if since <= at < until]
        figures.info(f"clicks {label}", f"{len(values)}")
        figures.add(f"  ack p50 {label}", percentile(values, 0.5), "ms", 0.015, False)
        figures.add(f"  ack p99 {label}", percentile(values, 0.99), "ms", 0.060, False)
        figures.add(f"  answer p50 {label}", percentile(answers, 0.5), "ms", 0.015, False)
        figures.add(f"  answer p99 {label}", percentile(answers, 0.99), "ms", 0.060, False)
        figures.add(f"  loop stall {label}", probe.worst(since, until), "ms", 0.050, False)
        figures.info(
            f"    longest garbage collection {label}",
            f"{collections.worst(since, until) * 1000:.1f} ms",
        )
    for command in ("goal list", "checkin history", "profile view"):
        values = [
            s for at, c, _, s in clicks.samples if c == command and due_at <= at < due_at + EARLY
        ]
        figures.info(
            f"  /{command} answer, max in first {EARLY:g} s",
            f"{max(values, default=0) * 1000:.1f} ms",
        )
    figures.info("clicks not answered", f"{clicks.failures}")
    figures.info("timer run (write periods, queue)", f"{timer_done - due_at:.2f} s")
    figures.info("prompts sent", f"{len(sent_at):,} of {expected:,}")
    if sent_at:
        figures.add("due minute → first prompt", sent_at[0] - due_at, "s", 1.0, False)
        floor = (expected - 1) / args.rate
        last = sent_at[-1] - due_at
        figures.add("due minute → last prompt ÷ pace floor", last / floor if floor else 1, "×",
                    1.02, False)  # fmt: skip
        span = sent_at[-1] - sent_at[0]
        achieved = (len(sent_at) - 1) / span if span > 0 else float("nan")
        figures.add("achieved rate ÷ configured", achieved / args.rate, "×", 0.99, True)
        figures.info("achieved send rate", f"{achieved:.2f}/s of {args.rate:g}/s")
    figures.print()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--members", type=int, default=1000, help="mentees due at once")
    parser.add_argument(
        "--rate", type=float, default=20.0, help="prompts a second (CHECKIN_SEND_RATE)"
    )
    parser.add_argument("--sessions", type=int, default=6, help="sessions per match")
    parser.add_argument("--clickers", type=int, default=3, help="members clicking at once")
    parser.add_argument("--pause", type=float, default=0.1, help="seconds between clicks")
    parser.add_argument("--warmup", type=float, default=3.0, help="seconds before the burst")
    args = parser.parse_args()
    asyncio.run(run(args))


if __name__ == "__main__":
    main()
