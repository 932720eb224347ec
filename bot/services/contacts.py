"""How the bot reaches a member by DM, shared by every feature that DMs.

The DM channel id is stored so a later DM costs one request instead of two, and a member
whose DMs refused us is remembered so the bot does not keep collecting 403s (they count
against Discord's invalid-request limit) until the member shows their DMs work again: a
DM that goes through, anything they do in DMs, or a command of theirs that asks for one.

The Discord side (`bot.dm.DirectMessages`) applies this policy to every DM and answers
with a `DmResult`, which services may see too (it holds no Discord object).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from bot.db.database import Database
from bot.domain.privacy import ExportPart

DmOutcome = Literal["delivered", "dms_closed", "failed", "cancelled"]


@dataclass(frozen=True)
class DmResult:
    """What became of one DM.

    * delivered: it is in the member's DMs (`channel_id`, `message_id`).
    * dms_closed: the member does not accept DMs from the bot, now or known from before;
      the caller falls back (a thread, an ephemeral message) as PRODUCT.md §6 says.
    * failed: Discord refused for another reason (`code`), e.g. a deleted account; with
      `retry_later` when it may pass (a server error, being throttled for too long).
    * cancelled: the caller's `before_send` declined at the last moment (nothing sent).
    """

    outcome: DmOutcome
    channel_id: int | None = None
    message_id: int | None = None
    code: int | None = None
    retry_later: bool = False

    @property
    def delivered(self) -> bool:
        return self.outcome == "delivered"

    @property
    def jump_url(self) -> str | None:
        if self.channel_id is None or self.message_id is None:
            return None
        return f"https://discord.com/channels/@me/{self.channel_id}/{self.message_id}"


class Contacts:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def dm_channel_of(self, guild_id: int, user_id: int) -> int | None:
        value = await self._db.fetchval(
            "SELECT dm_channel_id FROM members WHERE guild_id = ? AND user_id = ?",
            (guild_id, user_id),
        )
        return int(value) if value is not None else None

    async def dm_closed(self, guild_id: int, user_id: int) -> bool:
        return bool(
            await self._db.fetchval(
                "SELECT dm_closed FROM members WHERE guild_id = ? AND user_id = ?",
                (guild_id, user_id),
            )
        )

    async def set_dm_channel(self, guild_id: int, user_id: int, channel_id: int | None) -> None:
        """Remember (or, with None, forget a stale) DM channel."""
        await self._db.execute(
            "UPDATE members SET dm_channel_id = ? WHERE guild_id = ? AND user_id = ?",
            (channel_id, guild_id, user_id),
        )

    async def dm_delivered(self, guild_id: int, user_id: int, channel_id: int) -> None:
        """A DM went through: its channel is kept and the member's DMs are open."""
        await self._db.execute(
            "UPDATE members SET dm_channel_id = ?, dm_closed = 0 "
            "WHERE guild_id = ? AND user_id = ?",
            (channel_id, guild_id, user_id),
        )

    async def set_dm_closed(self, guild_id: int, user_id: int, closed: bool) -> None:
        await self._db.execute(
            "UPDATE members SET dm_closed = ? WHERE guild_id = ? AND user_id = ?",
            (int(closed), guild_id, user_id),
        )

    async def reopen_dms(self, user_id: int, guild_id: int | None = None) -> bool:
        """The member showed their DMs work again: stop skipping them (in one server, or in
        every server when `guild_id` is None). True if anything changed."""
        where = "user_id = ? AND dm_closed = 1"
        params: tuple[int, ...] = (user_id,)
        if guild_id is not None:
            where += " AND guild_id = ?"
            params = (user_id, guild_id)
        # Read first: nearly always nothing is closed, and a read never waits for another
        # program's write lock (this runs on every interaction in DMs).
        if not await self._db.fetchval(f"SELECT 1 FROM members WHERE {where}", params):  # noqa: S608
            return False
        async with self._db.transaction():
            rows = await self._db.fetchall(
                f"SELECT guild_id FROM members WHERE {where}",  # noqa: S608
                params,
            )
            await self._db.execute(f"UPDATE members SET dm_closed = 0 WHERE {where}", params)  # noqa: S608
        return bool(rows)

    async def export_member(self, guild_id: int, user_id: int) -> list[ExportPart]:
        """How the bot reaches the member, for `/privacy export`."""
        row = await self._db.fetchone(
            "SELECT dm_channel_id, dm_closed FROM members WHERE guild_id = ? AND user_id = ?",
            (guild_id, user_id),
        )
        content = None
        if row is not None:
            channel = row["dm_channel_id"]
            content = {
                "Our DM channel with you": None if channel is None else str(channel),
                "Your DMs were closed to the bot last time it tried": bool(row["dm_closed"]),
            }
        about = (
            "How the bot reaches you: the id of its direct-message channel with you, and "
            "whether your DMs refused it (then it writes to you in the server instead)."
        )
        return [ExportPart("How we reach you", about, content)]

    async def erase_member(self, guild_id: int, user_id: int) -> dict[str, int]:
        """Forget how to reach the member; inside the caller's transaction."""
        found = await self._db.fetchval(
            "SELECT dm_channel_id IS NOT NULL FROM members WHERE guild_id = ? AND user_id = ?",
            (guild_id, user_id),
        )
        await self._db.execute(
            "UPDATE members SET dm_channel_id = NULL, dm_closed = 0 "
            "WHERE guild_id = ? AND user_id = ?",
            (guild_id, user_id),
        )
        return {"contact details": 1} if found else {}
