"""`python -m bot` in a real process, pointed at a loopback port instead of Discord.

The launcher runs the module's own `main()` after pointing discord.py at 127.0.0.1:<port>
(where a test may or may not have started the fake Discord) and, when asked, shortening
the delays between attempts to reach it or between checks of the database file.
"""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import os
import signal
import socket
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from tests.fakediscord.server import FAKE_TOKEN

REPO = Path(__file__).resolve().parents[3]
QUESTIONNAIRE = REPO / "data" / "questionnaire.toml"


def closed_port() -> int:
    """A loopback port nothing listens on (until a test starts the fake Discord there)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


def launcher(port: int, retry: tuple[float, float] | None, file_check: float | None = None) -> str:
    lines = [
        "import sys, yarl, discord.http, discord.gateway",
        f"discord.http.Route.BASE = 'http://127.0.0.1:{port}/api/v10'",
        f"discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL('ws://127.0.0.1:{port}/')",
    ]
    if retry is not None:
        lines += ["import bot.runner", f"bot.runner.RETRY = bot.runner.Backoff{retry!r}"]
    if file_check is not None:
        lines += [
            "import datetime, bot.db.file_watch",
            f"bot.db.file_watch.CHECK_EVERY = datetime.timedelta(seconds={file_check!r})",
        ]
    lines += ["from bot.__main__ import main", "sys.exit(main())"]
    return "\n".join(lines) + "\n"


def bot_env(database: Path, **extra: str) -> dict[str, str]:
    return {
        "PATH": os.environ.get("PATH", ""),
        "PYTHONPATH": str(REPO),
        "DISCORD_TOKEN": FAKE_TOKEN,
        "DATABASE_PATH": str(database),
        "QUESTIONNAIRE_PATH": str(QUESTIONNAIRE),
        **extra,
    }


def without_root_override() -> None:
    """For a child of root: give up the power to write files whatever their permissions,
    so a read-only file or folder is read-only to it as it is to any other user."""
    if os.geteuid() != 0:
        return
    libc = ctypes.CDLL(None, use_errno=True)
    pr_capbset_drop, cap_dac_override, cap_dac_read_search = 24, 1, 2
    for capability in (cap_dac_override, cap_dac_read_search):
        if libc.prctl(pr_capbset_drop, capability, 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "prctl(PR_CAPBSET_DROP)")


@dataclass
class Finished:
    returncode: int
    stdout: str
    stderr: str
    seconds: float

    @property
    def err_lines(self) -> list[str]:
        return self.stderr.strip().splitlines()


class LiveBot:
    """A running `python -m bot` whose stderr is read line by line as it comes."""

    def __init__(self, proc: asyncio.subprocess.Process) -> None:
        self.proc = proc
        self.lines: list[str] = []
        self.stdout = ""
        self._changed = asyncio.Event()
        self._reader = asyncio.create_task(self._read())

    @classmethod
    async def start(
        cls,
        *args: str,
        env: dict[str, str],
        cwd: Path,
        port: int,
        retry: tuple[float, float] | None = None,
        file_check: float | None = None,
        preexec_fn: Callable[[], None] | None = None,
    ) -> LiveBot:
        """`file_check`: seconds between checks that the database file is still in place."""
        proc = await asyncio.create_subprocess_exec(
            sys.executable,
            "-c",
            launcher(port, retry, file_check),
            *args,
            cwd=cwd,
            env=env,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
            preexec_fn=preexec_fn,
        )
        return cls(proc)

    async def _read(self) -> None:
        assert self.proc.stderr is not None and self.proc.stdout is not None
        out = asyncio.create_task(self.proc.stdout.read())
        while line := await self.proc.stderr.readline():
            self.lines.append(line.decode().rstrip("\n"))
            self._changed.set()
        self.stdout = (await out).decode()
        self._changed.set()

    @property
    def stderr(self) -> str:
        return "\n".join(self.lines)

    def matching(self, text: str) -> list[str]:
        return [line for line in self.lines if text in line]

    async def wait_for(self, text: str, count: int = 1, timeout: float = 30.0) -> list[str]:
        """Wait until `count` stderr lines contain `text`."""
        deadline = asyncio.get_running_loop().time() + timeout
        while len(found := self.matching(text)) < count:
            if self._reader.done():
                raise AssertionError(f"the bot exited before logging {text!r}:\n{self.stderr}")
            remaining = deadline - asyncio.get_running_loop().time()
            if remaining <= 0:
                raise AssertionError(f"no {text!r} after {timeout:g} s:\n{self.stderr}")
            self._changed.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._changed.wait(), remaining)
        return found

    async def finish(self, timeout: float = 30.0) -> int:
        """Wait for the process to end on its own; a hang fails the test."""
        try:
            await asyncio.wait_for(self.proc.wait(), timeout)
        except TimeoutError:
            self.proc.kill()
            await self.proc.wait()
            raise AssertionError(
                f"the bot did not exit within {timeout:g} s:\n{self.stderr}"
            ) from None
        await self._reader
        return self.proc.returncode if self.proc.returncode is not None else -1

    async def stop(self, sig: int = signal.SIGTERM, timeout: float = 30.0) -> int:
        if self.proc.returncode is None:
            self.proc.send_signal(sig)
        return await self.finish(timeout)

    async def kill(self) -> None:
        """Make sure nothing is left running, whatever the test did."""
        if self.proc.returncode is None:
            self.proc.kill()
        await self.proc.wait()
        with contextlib.suppress(Exception):
            await self._reader


async def run_bot(
    *args: str,
    env: dict[str, str],
    cwd: Path,
    port: int | None = None,
    timeout: float = 60.0,
    preexec_fn: Callable[[], None] | None = None,
) -> Finished:
    """Run `python -m bot *args` to its end (pointed at a closed port unless given one)."""
    started = time.monotonic()
    bot = await LiveBot.start(
        *args, env=env, cwd=cwd, port=port or closed_port(), preexec_fn=preexec_fn
    )
    try:
        code = await bot.finish(timeout)
    finally:
        await bot.kill()
    return Finished(code, bot.stdout, bot.stderr, time.monotonic() - started)
