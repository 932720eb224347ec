"""A mentoring programme inside a big community server: the bot's memory, how soon after
start it answers, and whether a newcomer still gets the welcome DM.

Usage: ``python bench/big_server.py --members 50000``

Starts the fake Discord in this process with `--members` members in the server, then
`python -m bot` as its own process against it (so its memory is the bot's alone), and
measures: start to the first answered `/profile view`, a director's set-up, a member who
joins and gets the welcome DM, `/profile view member:` of someone the bot has never seen,
and the bot process's resident memory (now and peak). Prints one table. Measurement only:
asserts nothing, exits 0.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tests.e2e.support.live import LiveBot, bot_env  # noqa: E402
from tests.e2e.support.server import configure  # noqa: E402
from tests.fakediscord import FakeDiscord, standard_world  # noqa: E402


def memory(pid: int) -> tuple[float, float]:
    """(resident, peak resident) in MB, from /proc."""
    found: dict[str, float] = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            found[key] = int(value.split()[0]) / 1024
    return found.get("VmRSS", 0.0), found.get("VmHWM", 0.0)


class BenchDiscord(FakeDiscord):
    """Interactions are sent without a gateway round trip: discord.py allows the bot 110
    gateway sends a minute, and the fake's confirmations would count against them."""

    async def dispatch(self, event: str, data: object, *, wait: bool = True) -> None:
        await super().dispatch(event, data, wait=wait and event != "INTERACTION_CREATE")


async def run(members: int) -> None:
    world = standard_world()
    guild = world.guild("Mentoring Circle")
    began = time.perf_counter()
    crowd = [world.add_user(f"member{n}") for n in range(members)]
    for user in crowd:
        guild.add_member(user)
    print(f"server of {len(guild.members):,} members built in {time.perf_counter() - began:.1f} s")
    rows: list[tuple[str, str, str, str]] = []

    def add(name: str, shown: str, target: str = "", good: bool | None = None) -> None:
        rows.append(
            (name, shown, target, "" if good is None else "pass" if good else "FALLS SHORT")
        )

    with tempfile.TemporaryDirectory() as folder:
        async with BenchDiscord(world) as fake:
            env = bot_env(Path(folder) / "mentorbot.sqlite3")
            started = time.perf_counter()
            bot = await LiveBot.start(env=env, cwd=Path(folder), port=fake.port)
            try:
                alice = world.user("alice")
                answered = None
                while answered is None and time.perf_counter() - started < 120:
                    try:
                        h = await fake.slash(alice, guild, "profile view")
                        await h.response(timeout=5)
                        answered = time.perf_counter() - started
                    except (AssertionError, KeyError, LookupError):
                        await asyncio.sleep(0.05)
                if answered is None:
                    add("start → first answered interaction", "never", "≤ 2 s", False)
                    return
                add("start → first answered interaction", f"{answered:.2f} s", "≤ 2 s",
                    answered <= 2.0)  # fmt: skip
                rss, peak = memory(bot.proc.pid)
                add("bot RSS once answering", f"{rss:.0f} MB", "≤ 100 MB", rss <= 100)
                await configure(fake, guild, world.user("director"))
                newcomer = world.add_user("newcomer")
                joined = time.perf_counter()
                await fake.member_join(guild, newcomer)
                try:
                    dm = await fake.wait_for_dm(newcomer, timeout=10)
                    add("join → welcome DM", f"{(time.perf_counter() - joined) * 1000:.0f} ms",
                        "arrives", "Start" in dm.button_labels)  # fmt: skip
                except AssertionError:
                    add("join → welcome DM", "none in 10 s", "arrives", False)
                stranger = crowd[len(crowd) // 2]
                h = await fake.slash(world.user("director"), guild, "profile view", member=stranger)
                reply = await h.answer(timeout=10)
                add("/profile view member: (never seen)", reply.text[:40].replace("\n", " "))
                rss, peak = memory(bot.proc.pid)
                add("bot RSS at the end", f"{rss:.0f} MB", "≤ 100 MB", rss <= 100)
                add("bot peak RSS", f"{peak:.0f} MB", "≤ 100 MB", peak <= 100)
            finally:
                await bot.stop()
                await bot.kill()
    width = max(len(r[0]) for r in rows)
    print(f"\n{'figure':<{width}}  {'measured':>42}  {'target':>9}  result")
    for name, shown, target, result in rows:
        print(f"{name:<{width}}  {shown:>42}  {target:>9}  {result}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--members", type=int, default=50_000, help="members in the server")
    args = parser.parse_args()
    asyncio.run(run(args.members))


if __name__ == "__main__":
    main()
