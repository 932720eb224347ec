"""A session's private thread: who makes it, and what became of it.

Making a thread is claimed first (`SessionService.log_session` claims it for its caller,
`claim_thread` for a retry), so two attempts never make two threads; a claim older than
`THREAD_CLAIM_TTL` was cut short and may be taken again, and an attempt Discord failed for a
passing reason gives its claim back at once (`release_thread`).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.clock import Clock
from bot.db.database import Database
from bot.db.instants import from_db, to_db
from bot.domain.sessions import ThreadProblem
from bot.errors import UserError
from bot.i18n import _
from bot.services.sessions.records import Session, session_of

THREAD_CLAIM_TTL = timedelta(minutes=5)
"""A thread creation claimed this long ago without a result was cut short: try again."""


class SessionThreads:
    def __init__(self, db: Database, clock: Clock) -> None:
        self._db = db
        self._clock = clock

    async def _session(self, session_id: int) -> Session:
        row = await self._db.fetchone("SELECT * FROM sessions WHERE id = ?", (session_id,))
        if row is None:
            raise UserError(_("I can't find that session any more."))
        return session_of(row)

    async def claim_thread(self, session_id: int) -> Session | None:
        """Claim making the session's thread (a retry); None if it is made or being made."""
        now = self._clock.now()
        async with self._db.transaction():
            session = await self._session(session_id)
            claimed = from_db(
                await self._db.fetchval(
                    "SELECT thread_claimed_at FROM sessions WHERE id = ?", (session_id,)
                )
            )
            if session.thread_ready or (claimed is not None and now - claimed < THREAD_CLAIM_TTL):
                return None
            await self._db.execute(
                "UPDATE sessions SET thread_claimed_at = ? WHERE id = ?", (to_db(now), session_id)
            )
        return session

    async def release_thread(self, session_id: int, attempt_started: datetime) -> None:
        """Discord failed the attempt for a passing reason (a server error): give up its
        claim so the next attempt retries at once instead of after `THREAD_CLAIM_TTL`.
        Only a claim made by then is released: one taken later (the TTL lapsed during a
        slow attempt) belongs to another attempt that may be making the thread right now."""
        await self._db.execute(
            "UPDATE sessions SET thread_claimed_at = NULL WHERE id = ? "
            "AND thread_ready_at IS NULL AND thread_claimed_at <= ?",
            (session_id, to_db(attempt_started)),
        )

    async def record_thread_created(self, session_id: int, thread_id: int) -> Session:
        """Discord made the thread; the pair are added and the prompts posted next."""
        await self._db.execute(
            "UPDATE sessions SET thread_id = ? WHERE id = ?", (thread_id, session_id)
        )
        return await self._session(session_id)

    async def record_thread_ready(self, session_id: int) -> Session:
        """The pair are in the thread and the prompts are posted."""
        await self._db.execute(
            "UPDATE sessions SET thread_ready_at = ?, thread_claimed_at = NULL, "
            "thread_problem = NULL, thread_problem_at = NULL "
            "WHERE id = ? AND thread_id IS NOT NULL",
            (to_db(self._clock.now()), session_id),
        )
        return await self._session(session_id)

    async def record_thread_problem(self, session_id: int, problem: ThreadProblem) -> Session:
        """The thread could not be made (or finished); the session waits for a fix."""
        await self._db.execute(
            "UPDATE sessions SET thread_problem = ?, thread_problem_at = ?, "
            "thread_claimed_at = NULL WHERE id = ? AND thread_ready_at IS NULL",
            (problem, to_db(self._clock.now()), session_id),
        )
        return await self._session(session_id)

    async def sessions_without_thread(self, guild_id: int) -> list[Session]:
        """Sessions whose thread is missing or unfinished, oldest first."""
        rows = await self._db.fetchall(
            "SELECT * FROM sessions WHERE guild_id = ? AND thread_ready_at IS NULL ORDER BY id",
            (guild_id,),
        )
        return [session_of(row) for row in rows]
