"""Period bookkeeping for delivery: periods come due, are claimed, sent, reminded."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from typing import cast

from bot.db.instants import from_db, to_db
from bot.domain.schedule import classify, next_period, reminder_at
from bot.services.checkins.model import (
    MATERIALISE_BATCH,
    RETRY_UNSENT,
    Delivery,
    DeliveryPlan,
    NowResult,
    PeriodStatus,
    ReminderPlan,
    RiskChange,
)
from bot.services.checkins.risk import AtRisk
from bot.services.checkins.schedules import schedule_of
from bot.services.cohorts import taking_part_sql

# Members whose every cohort is closed have finished: they are not prompted or reminded.
_TAKES_PART = taking_part_sql("c.guild_id", "c.user_id")
_PERIOD_TAKES_PART = taking_part_sql("checkin_periods.guild_id", "checkin_periods.user_id")


class Periods(AtRisk):
    """The rows `CheckinDelivery` works through: each period written once, sent once."""

    async def materialise(
        self, now: datetime, on_pending: Callable[[list[int]], object] | None = None
    ) -> list[RiskChange]:
        """Write a row for every period due by `now`: pending (to send) or missed.

        Inside the guild's grace window a period is pending and goes out now; older ones
        (the bot was down) are recorded as missed without a prompt. A new period closes the
        member's previous unanswered one as missed. Idempotent: rows are unique per period.
        Members are handled in small transactions, each re-reading its member's row, so a
        whole cohort due at once never holds the database away from interactions.

        `on_pending` gets the ids of each transaction's new pending periods once it has
        committed, so the first prompts go out while the rest of the cohort is written.
        """
        # Who is still a mentee is filtered in the same query (a join on `members`, read
        # only): the timer looks at the whole cohort at once.
        due_members = await self._db.fetchall(
            "SELECT c.guild_id, c.user_id FROM checkin_members c JOIN members m "  # noqa: S608
            "ON m.guild_id = c.guild_id AND m.user_id = c.user_id "
            "WHERE c.next_due_at IS NOT NULL AND c.next_due_at <= ? "
            "AND m.role = 'mentee' AND m.status = 'onboarded' AND m.left_at IS NULL "
            f"AND {_TAKES_PART}",
            (to_db(now),),
        )
        touched: list[tuple[int, int]] = []
        for start in range(0, len(due_members), MATERIALISE_BATCH):
            batch = due_members[start : start + MATERIALISE_BATCH]
            pending: list[int] = []
            async with self._db.transaction():
                for member in batch:
                    guild_id, user_id = member["guild_id"], member["user_id"]
                    if await self._materialise_member(guild_id, user_id, now, pending):
                        touched.append((guild_id, user_id))
            if on_pending is not None and pending:
                on_pending(pending)
            await asyncio.sleep(0)  # a click waiting for the writer goes before the next batch
        changes = []
        for guild_id, user_id in touched:
            change = await self._evaluate_risk(guild_id, user_id)
            if change is not None:
                changes.append(change)
        return changes

    async def _materialise_member(
        self, guild_id: int, user_id: int, now: datetime, pending: list[int]
    ) -> bool:
        """One member's due periods, inside the caller's transaction; the ids of new pending
        ones are added to `pending`. True when a prompt they received and left unanswered
        became missed (which may change their risk)."""
        row = await self._db.fetchone(
            "SELECT * FROM checkin_members WHERE guild_id = ? AND user_id = ?",
            (guild_id, user_id),
        )
        if row is None or row["next_due_at"] is None or row["next_due_at"] > to_db(now):
            return False  # changed since it was listed (rescheduled, paused, done already)
        grace = timedelta(hours=(await self._settings.get(guild_id)).checkin_grace_hours)
        schedule = schedule_of(row)
        key: str | None = row["next_key"]
        due = from_db(row["next_due_at"])
        unanswered_missed = False
        while key is not None and due is not None and due <= now:
            if await self._has_period(guild_id, user_id, key):
                # Already written (a repeat run, or a schedule change naming a date that was
                # prompted): it must neither be prompted again nor close itself as missed.
                upcoming = next_period(schedule, due) if schedule else None
                key = upcoming.key if upcoming else None
                due = upcoming.due_at if upcoming else None
                continue
            verdict = classify(due, now, grace)
            # Asked: sent, or claimed just before a stop (as `_evaluate_risk` counts it).
            if await self._db.fetchval(
                "SELECT 1 FROM checkin_periods WHERE guild_id = ? AND user_id = ? "
                "AND status = 'pending' AND due_at < ? "
                "AND (sent_at IS NOT NULL OR claimed_at IS NOT NULL)",
                (guild_id, user_id, to_db(due)),
            ):
                unanswered_missed = True
            await self._db.execute(
                "UPDATE checkin_periods SET status = 'missed' WHERE guild_id = ? "
                "AND user_id = ? AND status = 'pending' AND due_at < ?",
                (guild_id, user_id, to_db(due)),
            )
            period_id = await self._db.execute(
                "INSERT INTO checkin_periods (guild_id, user_id, period_key, "
                "kind, due_at, status, created_at) VALUES (?, ?, ?, 'scheduled', ?, ?, ?)",
                (
                    guild_id,
                    user_id,
                    key,
                    to_db(due),
                    "pending" if verdict == "send_now" else "missed",
                    to_db(now),
                ),
            )
            if verdict == "send_now":
                pending.append(period_id)
            upcoming = next_period(schedule, due) if schedule else None
            key = upcoming.key if upcoming else None
            due = upcoming.due_at if upcoming else None
        await self._db.execute(
            "UPDATE checkin_members SET next_key = ?, next_due_at = ? "
            "WHERE guild_id = ? AND user_id = ?",
            (key, to_db(due) if due else None, guild_id, user_id),
        )
        return unanswered_missed

    async def unsent_due(self, now: datetime) -> list[int]:
        rows = await self._db.fetchall(
            "SELECT id FROM checkin_periods WHERE status = 'pending' AND sent_at IS NULL "  # noqa: S608
            f"AND due_at <= ? AND {_PERIOD_TAKES_PART} ORDER BY due_at, id",
            (to_db(now),),
        )
        return [int(row["id"]) for row in rows]

    async def due_reminders(self, now: datetime) -> list[int]:
        rows = await self._db.fetchall(
            "SELECT id FROM checkin_periods WHERE status = 'pending' AND reminded_at IS NULL "  # noqa: S608
            "AND reminder_due_at IS NOT NULL AND reminder_due_at <= ? "
            f"AND {_PERIOD_TAKES_PART} ORDER BY reminder_due_at",
            (to_db(now),),
        )
        return [int(row["id"]) for row in rows]

    async def next_due(self, now: datetime) -> datetime | None:
        """The earliest time the timer has work: a period, a reminder, or a retry."""
        candidates: list[datetime] = []
        upcoming = await self._db.fetchval(
            "SELECT min(c.next_due_at) FROM checkin_members c JOIN members m "  # noqa: S608
            "ON m.guild_id = c.guild_id AND m.user_id = c.user_id "
            "WHERE c.next_due_at IS NOT NULL "
            "AND m.role = 'mentee' AND m.status = 'onboarded' AND m.left_at IS NULL "
            f"AND {_TAKES_PART}"
        )
        reminder = await self._db.fetchval(
            "SELECT min(reminder_due_at) FROM checkin_periods WHERE status = 'pending' "  # noqa: S608
            "AND reminded_at IS NULL AND reminder_due_at IS NOT NULL "
            f"AND {_PERIOD_TAKES_PART}"
        )
        for text in (upcoming, reminder):
            if text:
                candidates.append(from_db(text))
        unsent = await self._db.fetchval(
            "SELECT 1 FROM checkin_periods WHERE status = 'pending' AND sent_at IS NULL "  # noqa: S608
            f"AND {_PERIOD_TAKES_PART} LIMIT 1"
        )
        if unsent:
            candidates.append(now + RETRY_UNSENT)
        return min(candidates) if candidates else None

    # ------------------------------------------------------------ delivery

    async def plan_delivery(self, period_id: int, now: datetime) -> DeliveryPlan | None:
        """What to send for a period, or None if there is nothing to send any more.

        `too_late`: a scheduled period that waited past the grace window (a long 40003
        pause, a failing channel) is not sent: a prompt never arrives more than the grace
        window late, whatever delayed it. (It may still turn out to have been delivered
        before a crash; the delivery checks that first.)
        """
        period = await self._period_row(period_id)
        if period is None or period["status"] != "pending" or period["sent_at"] is not None:
            return None
        guild_id, user_id = period["guild_id"], period["user_id"]
        too_late = False
        if period["kind"] == "scheduled":
            grace = timedelta(hours=(await self._settings.get(guild_id)).checkin_grace_hours)
            too_late = classify(from_db(period["due_at"]), now, grace) == "missed"
        state = await self._db.fetchone(
            "SELECT fallback_thread_id, dm_help_sent_at FROM checkin_members "
            "WHERE guild_id = ? AND user_id = ?",
            (guild_id, user_id),
        )
        settings = await self._settings.get(guild_id)
        thread_id = state["fallback_thread_id"] if state else None
        joined = thread_id is not None and bool(
            await self._db.fetchval(
                "SELECT 1 FROM checkin_periods WHERE guild_id = ? AND user_id = ? "
                "AND channel_id = ? AND delivery = 'thread' AND sent_at IS NOT NULL LIMIT 1",
                (guild_id, user_id, thread_id),
            )
        )
        return DeliveryPlan(
            period_id=period_id,
            guild_id=guild_id,
            user_id=user_id,
            fallback_channel_id=settings.checkin_fallback_channel_id,
            fallback_thread_id=thread_id,
            fallback_thread_joined=joined,
            dm_help_sent=bool(state and state["dm_help_sent_at"]),
            claimed_channel_id=period["channel_id"] if period["claimed_at"] else None,
            too_late=too_late,
            prompt=await self._prompt(period),
        )

    async def claim(
        self, period_id: int, channel_id: int, delivery: Delivery, goal_ids: Sequence[int]
    ) -> bool:
        """Record the intent to send to `channel_id`, before sending. False: already sent."""
        async with self._db.transaction():
            row = await self._db.fetchone(
                "SELECT status, sent_at FROM checkin_periods WHERE id = ?", (period_id,)
            )
            if row is None or row["status"] != "pending" or row["sent_at"] is not None:
                return False
            await self._db.execute(
                "UPDATE checkin_periods SET claimed_at = ?, channel_id = ?, delivery = ?, "
                "goal_ids = COALESCE(goal_ids, ?), send_attempts = send_attempts + 1 "
                "WHERE id = ?",
                (to_db(self._now()), channel_id, delivery, json.dumps(list(goal_ids)), period_id),
            )
        return True

    async def mark_sent(self, period_id: int, channel_id: int, message_id: int) -> None:
        """The prompt is in `channel_id`; the one reminder is due 24 h later."""
        sent = self._now()
        row = await self._period_row(period_id)
        if row is None:
            return
        upcoming = await self._db.fetchval(
            "SELECT next_due_at FROM checkin_members WHERE guild_id = ? AND user_id = ?",
            (row["guild_id"], row["user_id"]),
        )
        remind = reminder_at(sent, from_db(upcoming))
        async with self._db.transaction():
            await self._db.execute(
                "UPDATE checkin_periods SET sent_at = ?, channel_id = ?, message_id = ?, "
                "reminder_due_at = ? WHERE id = ? AND sent_at IS NULL",
                (to_db(sent), channel_id, message_id, to_db(remind) if remind else None, period_id),
            )
        self._wake(remind)

    async def mark_missed(self, period_id: int) -> None:
        """Recorded missed without a prompt (it would have arrived too late). A claim is
        cleared: the delivery looked and found no prompt, so the mentee was not asked."""
        await self._db.execute(
            "UPDATE checkin_periods SET status = 'missed', claimed_at = NULL WHERE id = ? "
            "AND status = 'pending' AND sent_at IS NULL",
            (period_id,),
        )

    async def mark_undeliverable(self, period_id: int) -> None:
        await self._db.execute(
            "UPDATE checkin_periods SET status = 'undeliverable' WHERE id = ? "
            "AND status = 'pending' AND sent_at IS NULL",
            (period_id,),
        )

    async def set_fallback_thread(self, guild_id: int, user_id: int, thread_id: int | None) -> None:
        await self._ensure_member_row(guild_id, user_id)
        await self._db.execute(
            "UPDATE checkin_members SET fallback_thread_id = ? WHERE guild_id = ? AND user_id = ?",
            (thread_id, guild_id, user_id),
        )

    async def claim_dm_help(self, guild_id: int, user_id: int) -> bool:
        """True exactly once per member: the "how to open your DMs" message is told once."""
        await self._ensure_member_row(guild_id, user_id)
        async with self._db.transaction():
            told = await self._db.fetchval(
                "SELECT dm_help_sent_at FROM checkin_members WHERE guild_id = ? AND user_id = ?",
                (guild_id, user_id),
            )
            if told:
                return False
            await self._db.execute(
                "UPDATE checkin_members SET dm_help_sent_at = ? WHERE guild_id = ? AND user_id = ?",
                (to_db(self._now()), guild_id, user_id),
            )
        return True

    async def claim_reminder(self, period_id: int) -> ReminderPlan | None:
        """Mark the reminder sent before sending it: at most one nudge, even across a crash."""
        async with self._db.transaction():
            row = await self._period_row(period_id)
            if (
                row is None
                or row["status"] != "pending"
                or row["reminded_at"] is not None
                or row["sent_at"] is None
                or row["channel_id"] is None
            ):
                return None
            await self._db.execute(
                "UPDATE checkin_periods SET reminded_at = ? WHERE id = ?",
                (to_db(self._now()), period_id),
            )
        return ReminderPlan(
            period_id=period_id,
            guild_id=row["guild_id"],
            user_id=row["user_id"],
            channel_id=row["channel_id"],
            message_id=row["message_id"],
            delivery="thread" if row["delivery"] == "thread" else "dm",
            due_at=from_db(row["due_at"]),
        )

    async def release_reminder(self, period_id: int) -> None:
        """Discord throttled the reminder before it went out: let it be retried."""
        await self._db.execute(
            "UPDATE checkin_periods SET reminded_at = NULL WHERE id = ?", (period_id,)
        )

    async def period_status(self, period_id: int) -> PeriodStatus | None:
        """The period's status, or None if it no longer exists."""
        row = await self._period_row(period_id)
        return cast(PeriodStatus, row["status"]) if row is not None else None

    async def placement(self, period_id: int) -> tuple[int, int | None, Delivery] | None:
        """Where a sent prompt is: (channel id, message id, dm or thread)."""
        row = await self._period_row(period_id)
        if row is None or row["sent_at"] is None or row["channel_id"] is None:
            return None
        delivery: Delivery = "thread" if row["delivery"] == "thread" else "dm"
        return int(row["channel_id"]), row["message_id"], delivery

    async def undeliverable_members(self, guild_id: int) -> list[int]:
        """Members whose latest prompt could not be delivered (closed DMs, no fallback)."""
        rows = await self._db.fetchall(
            "SELECT p.user_id FROM checkin_periods p WHERE p.guild_id = ? "
            "AND p.status = 'undeliverable' AND p.due_at = (SELECT max(q.due_at) "
            "FROM checkin_periods q WHERE q.guild_id = p.guild_id AND q.user_id = p.user_id) "
            "ORDER BY p.user_id",
            (guild_id,),
        )
        return sorted({int(row["user_id"]) for row in rows})

    async def start_now(self, guild_id: int, user_id: int) -> NowResult:
        """`/checkin now`: the open check-in if one was sent, else a new one due now.

        Periods are keyed by the minute: asking again within the minute of a check-in that
        could not be delivered re-arms that one (it was never sent), so the retry is tried
        rather than answered with the old failure."""
        await self._goals.require_mentee(guild_id, user_id)
        open_id = await self._db.fetchval(
            "SELECT id FROM checkin_periods WHERE guild_id = ? AND user_id = ? "
            "AND status = 'pending' ORDER BY due_at DESC, id DESC LIMIT 1",
            (guild_id, user_id),
        )
        if open_id is not None:
            return NowResult(period_id=int(open_id), created=False)
        now = self._now()
        key = f"now:{now.astimezone(UTC):%Y-%m-%dT%H:%M}"
        async with self._db.transaction():
            await self._db.execute(
                "INSERT OR IGNORE INTO checkin_periods (guild_id, user_id, period_key, kind, "
                "due_at, status, created_at) VALUES (?, ?, ?, 'manual', ?, 'pending', ?)",
                (guild_id, user_id, key, to_db(now), to_db(now)),
            )
            await self._db.execute(
                "UPDATE checkin_periods SET status = 'pending' WHERE guild_id = ? "
                "AND user_id = ? AND period_key = ? AND status = 'undeliverable' "
                "AND sent_at IS NULL",
                (guild_id, user_id, key),
            )
            period_id = await self._db.fetchval(
                "SELECT id FROM checkin_periods WHERE guild_id = ? AND user_id = ? "
                "AND period_key = ?",
                (guild_id, user_id, key),
            )
        return NowResult(period_id=int(period_id), created=True)
