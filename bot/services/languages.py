"""Who reads which language.

A member reads their own choice (the sign-up question, `/profile edit`); until they choose,
an interaction answers in their Discord client's language and a scheduled message in the
server's. Directors' screens and the director log are in the server's language (`/setup`).
Reads go to the database each time (a primary-key lookup): a choice takes effect at once
and nothing about a member outlives `/privacy delete` in memory.
"""

from __future__ import annotations

from bot.db.database import Database
from bot.i18n import DEFAULT, Language, is_language


class LanguageService:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def of_member(self, guild_id: int, user_id: int) -> Language | None:
        """The member's own choice in this server, or None if they have not made one."""
        value = await self._db.fetchval(
            "SELECT language FROM members WHERE guild_id = ? AND user_id = ?",
            (guild_id, user_id),
        )
        return value if is_language(value) else None

    async def of_user(self, user_id: int) -> Language | None:
        """The member's latest choice in any server: a DM has no server."""
        value = await self._db.fetchval(
            "SELECT language FROM members WHERE user_id = ? AND language IS NOT NULL "
            "ORDER BY updated_at DESC LIMIT 1",
            (user_id,),
        )
        return value if is_language(value) else None

    async def of_server(self, guild_id: int) -> Language:
        """The server's language for directors (English until `/setup` sets another)."""
        value = await self._db.fetchval(
            "SELECT language FROM guild_settings WHERE guild_id = ?", (guild_id,)
        )
        return value if is_language(value) else DEFAULT

    async def for_member(self, guild_id: int, user_id: int) -> Language:
        """What a scheduled message to the member is written in: their choice, else the
        server's language (one read: it runs once per prompt in a burst)."""
        value = await self._db.fetchval(
            "SELECT COALESCE("
            "(SELECT language FROM members WHERE guild_id = ? AND user_id = ?), "
            "(SELECT language FROM guild_settings WHERE guild_id = ?))",
            (guild_id, user_id, guild_id),
        )
        return value if is_language(value) else DEFAULT

    async def set_member(self, guild_id: int, user_id: int, lang: Language) -> None:
        """Store the member's choice (their members row exists from their first sign-up
        step)."""
        await self._db.execute(
            "UPDATE members SET language = ? WHERE guild_id = ? AND user_id = ?",
            (lang, guild_id, user_id),
        )
