"""Process-wide logging: one format, levels from LOG_LEVEL, libraries' chatter muted."""

from __future__ import annotations

import logging
import sys

import discord

# Lines discord.py prints that tell an operator nothing: the bot has no voice features, and
# "logging in" would double every line of a start-up that waits for Discord to be reachable.
_UNHELPFUL = frozenset({"logging in using static token"})


class _DropUnhelpful(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return record.msg not in _UNHELPFUL


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
    client = logging.getLogger("discord.client")
    if not any(isinstance(f, _DropUnhelpful) for f in client.filters):
        client.addFilter(_DropUnhelpful())
    # Without PyNaCl and davey discord.py warns at every start that voice is unsupported;
    # this bot never joins a voice channel, so the warning would only worry an operator.
    discord.VoiceClient.warn_nacl = False
    discord.VoiceClient.warn_dave = False
