"""The director log's lines: recorded with the events they report, handed out to be posted
exactly once (the poster is the Discord side, `bot.director_log`).

A service records a line inside the transaction that records its event (`record`), so the
event and its line are stored together or not at all; a line whose event has no
transaction of its own is recorded alone (`record_alone`). Posting then works like a
check-in prompt: `claim` the line for a channel, post it, `mark_sent`; a line claimed but
never marked sent (a crash mid-post) is looked for in that channel before it is posted
again.

Lines hold ids (as mentions), counts and fixed words only: the builders below take numbers
and the fixed reasons of the domain, never what a member wrote.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from bot.clock import Clock
from bot.db.database import Database
from bot.db.instants import to_db
from bot.domain.schedule import MISSED_TWICE_REASON, STUCK_TWICE_REASON
from bot.i18n import N_, Text, language
from bot.services.languages import LanguageService

DropReason = Literal["no_channel", "channel_missing", "forbidden", "server_gone"]

RETRY_UNSENT = timedelta(minutes=1)
"""How soon the poster offers again a line that could not be posted yet (Discord failed)."""

KEEP = timedelta(days=30)
"""How long a posted or dropped line is kept: the channel is the record, this is the queue."""


# ---------------------------------------------------------------------- the lines


FORMER_MEMBER = N_("a former member")
"""What a line names instead of a member who erased their data (in the server's language)."""


def mention(user_id: int) -> str:
    return f"<@{int(user_id)}>"


def signed_up(user_id: int, role: Literal["mentee", "mentor"]) -> Text:
    if role == "mentor":
        return N_("✅ {member} signed up as a mentor.", member=mention(user_id))
    return N_("✅ {member} signed up as a mentee.", member=mention(user_id))


def pair_flagged(mentee_id: int, mentor_id: int, reason: Literal["need_help", "not_met"]) -> Text:
    pair = {"mentee": mention(mentee_id), "mentor": mention(mentor_id)}
    if reason == "need_help":
        return N_(
            "🚩 The pair {mentee} (mentee) and {mentor} (mentor) asked for help with their "
            "first meeting.",
            **pair,
        )
    return N_(
        "🚩 The pair {mentee} (mentee) and {mentor} (mentor) still haven't met after two "
        "follow-ups.",
        **pair,
    )


_RISK_REASONS: dict[str, Text] = {
    MISSED_TWICE_REASON: N_("missed two check-ins in a row"),
    STUCK_TWICE_REASON: N_("stuck twice on the same goal"),
}
"""The check-in rules' stored reasons (fixed English words the cohort queries look for), as
the director log shows them in the server's language."""


def risk_changed(user_id: int, reason: Text | str | None) -> Text:
    """`reason`: the domain's fixed at-risk reasons (`at_risk_reason`), or None when cleared."""
    if isinstance(reason, str):
        reason = _RISK_REASONS.get(reason, reason)
    if reason is None:
        return N_("✅ {member} is no longer flagged at risk.", member=mention(user_id))
    return N_("⚠️ {member} is at risk: {reason}.", member=mention(user_id), reason=reason)


# ------------------------------------------------------------------- the service


@dataclass(frozen=True)
class Line:
    """A line still to be posted; `claimed_channel_id`: a post may already have gone out."""

    id: int
    guild_id: int
    text: str
    claimed_channel_id: int | None


class DirectorLog:
    """Owns `director_log_lines`."""

    def __init__(self, db: Database, clock: Clock) -> None:
        self._db = db
        self._clock = clock
        self._languages = LanguageService(db)
        self._on_record: Callable[[int], object] | None = None

    def on_record(self, callback: Callable[[int], object] | None) -> None:
        """Told the id of each line as it is recorded, so the poster can post it at once.
        It is called once the event's transaction has committed (never if it rolled back),
        when the poster's read can find the line."""
        self._on_record = callback

    async def record(self, guild_id: int, text: Text | str) -> int:
        """Record a line inside the caller's transaction, the one recording its event. A
        `Text` (`N_(...)`) is written in the server's language, whoever's action it reports."""
        if not self._db.in_transaction():
            raise RuntimeError("record a director-log line in its event's transaction")
        if isinstance(text, Text):
            with language(await self._languages.of_server(guild_id)):
                text = str(text)
        now = self._clock.now()
        line_id = await self._db.execute(
            "INSERT INTO director_log_lines (guild_id, text, created_at) VALUES (?, ?, ?)",
            (guild_id, text, to_db(now)),
        )
        on_record = self._on_record
        if on_record is not None:
            self._db.after_commit(lambda: on_record(line_id))
        return line_id

    async def record_alone(self, guild_id: int, text: Text | str) -> int:
        """Record a line whose event has no transaction of its own (a member left, a role
        Discord refused)."""
        async with self._db.transaction():
            return await self.record(guild_id, text)

    async def unsent(self) -> list[int]:
        rows = await self._db.fetchall(
            "SELECT id FROM director_log_lines WHERE sent_at IS NULL AND dropped_at IS NULL "
            "ORDER BY id"
        )
        return [int(row["id"]) for row in rows]

    async def next_due(self, now: datetime) -> datetime | None:
        """When the poster should look again: soon while lines wait, else when woken."""
        waiting = await self._db.fetchval(
            "SELECT 1 FROM director_log_lines WHERE sent_at IS NULL AND dropped_at IS NULL LIMIT 1"
        )
        return now + RETRY_UNSENT if waiting else None

    async def pending(self, line_id: int) -> Line | None:
        """The line if it is still to be posted."""
        row = await self._db.fetchone(
            "SELECT id, guild_id, text, channel_id, claimed_at FROM director_log_lines "
            "WHERE id = ? AND sent_at IS NULL AND dropped_at IS NULL",
            (line_id,),
        )
        if row is None:
            return None
        claimed = row["channel_id"] if row["claimed_at"] is not None else None
        return Line(int(row["id"]), int(row["guild_id"]), str(row["text"]), claimed)

    async def claim(self, line_id: int, channel_id: int) -> bool:
        """Record the intent to post in `channel_id`, before posting. False: done already."""
        async with self._db.transaction():
            found = await self._db.fetchval(
                "SELECT 1 FROM director_log_lines WHERE id = ? AND sent_at IS NULL "
                "AND dropped_at IS NULL",
                (line_id,),
            )
            if not found:
                return False
            await self._db.execute(
                "UPDATE director_log_lines SET channel_id = ?, claimed_at = ? WHERE id = ?",
                (channel_id, to_db(self._clock.now()), line_id),
            )
        return True

    async def mark_sent(self, line_id: int, channel_id: int, message_id: int) -> None:
        await self._db.execute(
            "UPDATE director_log_lines SET channel_id = ?, message_id = ?, sent_at = ? "
            "WHERE id = ? AND sent_at IS NULL",
            (channel_id, message_id, to_db(self._clock.now()), line_id),
        )

    async def drop(self, line_id: int, why: DropReason) -> None:
        """The line will never be posted (as before lines were recorded: no channel set, or
        the bot may not post there)."""
        await self._db.execute(
            "UPDATE director_log_lines SET dropped_at = ?, dropped_why = ? "
            "WHERE id = ? AND sent_at IS NULL",
            (to_db(self._clock.now()), why, line_id),
        )

    async def known_messages(self, message_ids: Iterable[int]) -> set[int]:
        """Which of these messages already carry a posted line (so a look-up after a crash
        never takes an earlier line with the same words for the one it is looking for)."""
        wanted = list(message_ids)
        if not wanted:
            return set()
        marks = ", ".join("?" for _ in wanted)
        rows = await self._db.fetchall(
            f"SELECT message_id FROM director_log_lines WHERE message_id IN ({marks})",  # noqa: S608
            wanted,
        )
        return {int(row["message_id"]) for row in rows}

    async def erase_member(self, guild_id: int, user_id: int) -> dict[str, int]:
        """`/privacy delete`: a line naming the member names "a former member" instead,
        whether it is still to be posted or kept after posting (until pruned). What was
        already posted stays in the channel, like every message the bot delivered."""
        mention_text = mention(user_id)
        rows = await self._db.fetchall(
            "SELECT id, text FROM director_log_lines WHERE guild_id = ? AND instr(text, ?) > 0",
            (guild_id, mention_text),
        )
        if rows:
            with language(await self._languages.of_server(guild_id)):
                former = str(FORMER_MEMBER)
        for row in rows:
            await self._db.execute(
                "UPDATE director_log_lines SET text = ? WHERE id = ?",
                (str(row["text"]).replace(mention_text, former), row["id"]),
            )
        return {"director-log lines naming you": len(rows)} if rows else {}

    async def prune(self, now: datetime) -> None:
        cutoff = to_db(now - KEEP)
        old = await self._db.fetchval(  # read first: a write would wait for any lock
            "SELECT 1 FROM director_log_lines WHERE sent_at < ? OR dropped_at < ? LIMIT 1",
            (cutoff, cutoff),
        )
        if not old:
            return
        await self._db.execute(
            "DELETE FROM director_log_lines WHERE sent_at < ? OR dropped_at < ?",
            (cutoff, cutoff),
        )
