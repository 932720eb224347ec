"""Process-wide logging: one format, levels from LOG_LEVEL, discord.py's HTTP chatter muted."""

from __future__ import annotations

import logging
import sys


def configure_logging(level: int) -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(
        logging.Formatter("%(asctime)s %(levelname)-8s %(name)s: %(message)s", "%Y-%m-%d %H:%M:%S")
    )
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    # Below these levels the libraries log whole payloads and SQL parameters, which carry
    # what members wrote (answers, goals, notes): never let them through, even at DEBUG.
    logging.getLogger("discord").setLevel(max(level, logging.INFO))
    logging.getLogger("discord.http").setLevel(max(level, logging.WARNING))
    logging.getLogger("aiosqlite").setLevel(logging.WARNING)
    logging.getLogger("apscheduler").setLevel(max(level, logging.WARNING))
