"""A mentee's goals: written by them, in their words, managed with `/goal`.

The bot never invents goals (PRODUCT.md principle 1); it validates, stores and lists what
the mentee wrote. Autocomplete cannot be deferred and must answer within Discord's three
seconds even while a cohort's prompts go out, so open goals are served from a small cache
that every write here invalidates (a short lifetime covers goals written elsewhere, e.g. by
the onboarding questionnaire).
"""

from __future__ import annotations

import contextlib
import sqlite3
import time as monotonic_time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Literal

from bot.clock import Clock
from bot.db.database import Database
from bot.db.instants import from_db, to_db
from bot.domain import text as member_text
from bot.domain.privacy import ExportPart, instant
from bot.domain.questionnaire import GOAL_LINE_MAX
from bot.domain.wallclock import WallClockError, local_date, parse_date
from bot.errors import UserError
from bot.i18n import _, number

TITLE_MAX = GOAL_LINE_MAX
# Autocomplete offers at most 25 choices; capping open goals there keeps every open goal
# one keystroke away and keeps check-in prompts short (principle 3).
OPEN_GOALS_MAX = 25
CACHE_SECONDS = 30.0
# Autocomplete sends a goal's id; anything larger cannot be a SQLite integer.
GOAL_ID_MAX = 2**63 - 1

GoalState = Literal["open", "done"]

_NO_DATE = ("none", "clear", "-", "无", "没有", "清除")
"""What `/goal edit target_date:` takes to remove a goal's date, in either language."""


@dataclass(frozen=True)
class Goal:
    id: int
    guild_id: int
    user_id: int
    title: str
    target_date: date | None
    status: GoalState
    created_at: datetime
    completed_at: datetime | None


def clean_title(raw: str) -> str:
    """One line, NFC, trimmed; refuses a title with nothing visible or an over-long one with a
    message for the member (the length is checked here so its message is translated with
    the numbers in it)."""
    length = len(member_text.normalise(raw or "", one_line=True))
    if length > TITLE_MAX:
        raise UserError(
            _(
                "That goal is {length} characters; please keep it to {max_len} "
                "(you can describe the details to your mentor).",
                length=number(length, digits=0),
                max_len=TITLE_MAX,
            )
        )
    try:
        return member_text.clean_member_text(
            raw,
            field=_("your goal"),
            max_len=TITLE_MAX,
            empty=_("Please write your goal in a few words, e.g. *Lead my first team*."),
        )
    except member_text.MemberTextError as exc:
        raise UserError(exc.message) from None


def parse_target_date(raw: str, today: date) -> date:
    """A target date in any form members may write (see `bot.domain.wallclock.parse_date`),
    today or later in the member's own timezone."""
    text = raw.strip()
    try:
        value = parse_date(text, today)
    except WallClockError as exc:
        raise UserError(str(exc)) from None
    if value < today:
        raise UserError(_("{date} has already passed: pick today or a later date.", date=text))
    return value


class GoalService:
    def __init__(self, db: Database, clock: Clock) -> None:
        self._db = db
        self._clock = clock
        self._open_cache: dict[tuple[int, int], tuple[float, tuple[Goal, ...]]] = {}

    # ------------------------------------------------------------------ reads

    async def member_today(self, guild_id: int, user_id: int) -> date:
        """Today's date where the member lives (their onboarding timezone, else UTC)."""
        name = await self._db.fetchval(
            "SELECT timezone FROM members WHERE guild_id = ? AND user_id = ?", (guild_id, user_id)
        )
        return local_date(self._clock.now(), name if isinstance(name, str) else None)

    async def require_mentee(self, guild_id: int, user_id: int) -> None:
        """Goals and check-ins belong to signed-up mentees (PRODUCT.md §4)."""
        row = await self._db.fetchone(
            "SELECT status, role FROM members WHERE guild_id = ? AND user_id = ?",
            (guild_id, user_id),
        )
        if row is None or row["status"] != "onboarded":
            raise UserError(
                _(
                    "Goals and check-ins are for mentees of the programme: sign up first with "
                    "`/onboarding start`."
                )
            )
        if row["role"] != "mentee":
            raise UserError(
                _(
                    "Goals and check-ins are for mentees. As a mentor you'll hear from your "
                    "mentees when they share a check-in with you."
                )
            )

    async def open_goals(self, guild_id: int, user_id: int) -> tuple[Goal, ...]:
        """The member's open goals, oldest first, from the cache when it is fresh."""
        key = (guild_id, user_id)
        cached = self._open_cache.get(key)
        if cached is not None and monotonic_time.monotonic() - cached[0] < CACHE_SECONDS:
            return cached[1]
        rows = await self._db.fetchall(
            "SELECT * FROM goals WHERE guild_id = ? AND user_id = ? AND status = 'open' "
            "ORDER BY id",
            (guild_id, user_id),
        )
        goals = tuple(_goal(row) for row in rows)
        self._open_cache[key] = (monotonic_time.monotonic(), goals)
        return goals

    async def all_goals(self, guild_id: int, user_id: int, *, done_limit: int = 10) -> list[Goal]:
        """Open goals, then the most recently completed ones."""
        opened = list(await self.open_goals(guild_id, user_id))
        rows = await self._db.fetchall(
            "SELECT * FROM goals WHERE guild_id = ? AND user_id = ? AND status = 'done' "
            "ORDER BY completed_at DESC, id DESC LIMIT ?",
            (guild_id, user_id, done_limit),
        )
        return opened + [_goal(row) for row in rows]

    async def get(self, guild_id: int, user_id: int, goal_id: int) -> Goal:
        row = await self._db.fetchone(
            "SELECT * FROM goals WHERE id = ? AND guild_id = ? AND user_id = ?",
            (goal_id, guild_id, user_id),
        )
        if row is None:
            raise UserError(_("I can't find that goal among yours: pick one from the list."))
        return _goal(row)

    async def by_ids(self, guild_id: int, user_id: int, ids: list[int]) -> list[Goal]:
        """The member's goals with these ids, in the order given (missing ones left out)."""
        if not ids:
            return []
        marks = ", ".join("?" for _ in ids)
        rows = await self._db.fetchall(
            f"SELECT * FROM goals WHERE guild_id = ? AND user_id = ? AND id IN ({marks})",  # noqa: S608
            (guild_id, user_id, *ids),
        )
        found = {row["id"]: _goal(row) for row in rows}
        return [found[i] for i in ids if i in found]

    async def resolve(self, guild_id: int, user_id: int, raw: str) -> Goal:
        """A goal chosen in autocomplete (its id) or typed out in full (its title)."""
        text = raw.strip()
        if text.isascii() and text.isdigit() and len(text) <= 19 and int(text) <= GOAL_ID_MAX:
            with contextlib.suppress(UserError):  # else a title written in digits
                return await self.get(guild_id, user_id, int(text))
        wanted = member_text.normalise(text, one_line=True).casefold()
        for goal in await self.all_goals(guild_id, user_id):
            if wanted and member_text.normalise(goal.title, one_line=True).casefold() == wanted:
                return goal
        raise UserError(_("I can't find that goal among yours: pick one from the list."))

    async def suggest(self, guild_id: int, user_id: int, typed: str) -> list[Goal]:
        """Open goals whose title contains what the member typed, for autocomplete."""
        needle = typed.strip().casefold()
        goals = await self.open_goals(guild_id, user_id)
        return [g for g in goals if needle in g.title.casefold() or needle == str(g.id)][:25]

    # ----------------------------------------------------------------- writes

    async def add(
        self, guild_id: int, user_id: int, title: str, target_date: str | None = None
    ) -> Goal:
        await self.require_mentee(guild_id, user_id)
        clean = clean_title(title)
        target = (
            parse_target_date(target_date, await self.member_today(guild_id, user_id))
            if target_date
            else None
        )
        now = to_db(self._clock.now())
        async with self._db.transaction():
            count = await self._db.fetchval(
                "SELECT count(*) FROM goals WHERE guild_id = ? AND user_id = ? AND status = 'open'",
                (guild_id, user_id),
            )
            if int(count) >= OPEN_GOALS_MAX:
                raise UserError(
                    _(
                        "You already have {count} open goals. Mark one done with "
                        "`/goal done` before adding another.",
                        count=OPEN_GOALS_MAX,
                    )
                )
            goal_id = await self._db.execute(
                "INSERT INTO goals (guild_id, user_id, title, target_date, source, created_at) "
                "VALUES (?, ?, ?, ?, 'command', ?)",
                (guild_id, user_id, clean, target.isoformat() if target else None, now),
            )
        self.forget(guild_id, user_id)
        return await self.get(guild_id, user_id, goal_id)

    async def edit(
        self,
        guild_id: int,
        user_id: int,
        goal_id: int,
        title: str,
        target_date: str | None = None,
    ) -> Goal:
        """Rename a goal; `target_date` sets a new date, "none" removes it, None keeps it."""
        await self.require_mentee(guild_id, user_id)
        goal = await self.get(guild_id, user_id, goal_id)
        clean = clean_title(title)
        target = goal.target_date
        if target_date is not None and target_date.strip().casefold() in _NO_DATE:
            target = None
        elif target_date:
            target = parse_target_date(target_date, await self.member_today(guild_id, user_id))
        async with self._db.transaction():
            await self._db.execute(
                "UPDATE goals SET title = ?, target_date = ? WHERE id = ?",
                (clean, target.isoformat() if target else None, goal.id),
            )
        self.forget(guild_id, user_id)
        return await self.get(guild_id, user_id, goal.id)

    async def complete(self, guild_id: int, user_id: int, goal_id: int) -> Goal:
        await self.require_mentee(guild_id, user_id)
        goal = await self.get(guild_id, user_id, goal_id)
        if goal.status == "done":
            raise UserError(_("That goal is already marked done. 🎉"))
        await self.set_status(guild_id, user_id, goal.id, "done")
        return await self.get(guild_id, user_id, goal.id)

    async def set_status(
        self, guild_id: int, user_id: int, goal_id: int, status: GoalState
    ) -> None:
        """Open or close a goal (also used when a check-in answer says Done)."""
        completed = to_db(self._clock.now()) if status == "done" else None
        await self._db.execute(
            "UPDATE goals SET status = ?, completed_at = ? "
            "WHERE id = ? AND guild_id = ? AND user_id = ? AND status <> ?",
            (status, completed, goal_id, guild_id, user_id, status),
        )
        self.forget(guild_id, user_id)

    async def add_from_signup(self, guild_id: int, user_id: int, titles: Sequence[str]) -> int:
        """Goals written in the sign-up questionnaire; a title already open is kept once.
        Runs inside the caller's transaction, so the sign-up and its goals are stored
        together. Returns how many were added."""
        existing = {
            row["title"]
            for row in await self._db.fetchall(
                "SELECT title FROM goals WHERE guild_id = ? AND user_id = ? AND status = 'open'",
                (guild_id, user_id),
            )
        }
        new = [title for title in titles if title not in existing]
        now = to_db(self._clock.now())
        await self._db.executemany(
            "INSERT INTO goals (guild_id, user_id, title, source, created_at) "
            "VALUES (?, ?, ?, 'onboarding', ?)",
            [(guild_id, user_id, title, now) for title in new],
        )
        self.forget(guild_id, user_id)
        return len(new)

    def forget(self, guild_id: int, user_id: int) -> None:
        self._open_cache.pop((guild_id, user_id), None)

    # ---------------------------------------------------------------- privacy

    async def export_member(self, guild_id: int, user_id: int) -> list[ExportPart]:
        """Every goal of the member, open and done, for `/privacy export`: the keys stay the
        same in every language (a data file), what a person reads is in the member's."""
        rows = await self._db.fetchall(
            "SELECT * FROM goals WHERE guild_id = ? AND user_id = ? ORDER BY id",
            (guild_id, user_id),
        )
        goals = [
            {
                "Number": row["id"],
                "Goal": row["title"],
                "Target date": row["target_date"],
                "Status": row["status"],
                "Written": _("in the sign-up")
                if row["source"] == "onboarding"
                else _("with /goal"),
                "Added at": instant(from_db(row["created_at"])),
                "Done at": instant(from_db(row["completed_at"])),
            }
            for row in rows
        ]
        about = _(
            "Your goals, in your words. You and your mentor see them; directors see only "
            "how many you have and whether they are done. Check-ins name goals by number."
        )
        return [ExportPart("Goals", about, goals, {"goals": len(goals)})]

    async def erase_member(self, guild_id: int, user_id: int) -> dict[str, int]:
        """Delete the member's goals (their check-in answers per goal go with them); inside
        the caller's transaction."""
        count = int(
            await self._db.fetchval(
                "SELECT count(*) FROM goals WHERE guild_id = ? AND user_id = ?",
                (guild_id, user_id),
            )
        )
        await self._db.execute(
            "DELETE FROM goals WHERE guild_id = ? AND user_id = ?", (guild_id, user_id)
        )
        self.forget(guild_id, user_id)
        return {"goals": count}


def _goal(row: sqlite3.Row) -> Goal:
    return Goal(
        id=row["id"],
        guild_id=row["guild_id"],
        user_id=row["user_id"],
        title=row["title"],
        target_date=date.fromisoformat(row["target_date"]) if row["target_date"] else None,
        status="done" if row["status"] == "done" else "open",
        created_at=from_db(row["created_at"]),
        completed_at=from_db(row["completed_at"]),
    )
