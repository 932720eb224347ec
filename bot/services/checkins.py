"""Check-in use cases: schedules, prompt periods, answers, notes, history and at-risk.

The database is the truth for time. A member's next period lives in `checkin_members`
(`next_key`, `next_due_at`); `materialise(now)` turns every period that has come due into a
`checkin_periods` row — once, because (guild, member, period_key) is unique — and decides
whether it is still worth a prompt (inside the server's grace window) or is recorded as
missed. Sending is not done here: `bot.services.delivery` claims a period, sends it through
a `Messenger` and marks it sent, in that order, so a crash never produces a second prompt.

Directors only ever get statuses and fixed reasons from here, never members' words.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from typing import Literal, cast

from bot.clock import Clock
from bot.db.database import Database
from bot.domain import questionnaire as qn
from bot.domain.schedule import (
    Cadence,
    CheckinSchedule,
    CheckinStatus,
    GoalStatus,
    Period,
    PeriodOutcome,
    at_risk_reason,
    classify,
    new_schedule,
    next_period,
    pause,
    reminder_at,
    resume,
)
from bot.domain.wallclock import WallClockError, parse_date, parse_day, parse_time
from bot.errors import UserError
from bot.services.contacts import Contacts
from bot.services.goals import Goal, GoalService
from bot.services.settings import SettingsService

PeriodStatus = Literal["pending", "answered", "missed", "undeliverable"]
PeriodKind = Literal["scheduled", "manual"]
Delivery = Literal["dm", "thread"]

GOALS_PER_PAGE = 4
"""Goal rows per prompt page: Discord allows five rows of buttons, one is the note/pages row."""

NOTE_MAX = 1000
AT_RISK_WINDOW = 4
"""At-risk is judged on the mentee's last few prompted periods, so it clears once they are
back on track instead of flagging them for the rest of the cohort."""

MATERIALISE_BATCH = 50
"""Members written per transaction when periods come due, so the lock is held briefly."""

RETRY_UNSENT = timedelta(minutes=1)
"""How soon the timer looks again at a prompt that is due but not sent (throttled, failed)."""

GOAL_STATUS_LABELS: dict[GoalStatus, str] = {
    "on_track": "On track",
    "stuck": "Stuck",
    "done": "Done",
}


def iso(moment: datetime) -> str:
    """UTC in one fixed shape, so stored instants compare correctly as text."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f+00:00")


def _instant(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


# --------------------------------------------------------------------------- results


@dataclass(frozen=True)
class ScheduleView:
    """A member's schedule as they see it; `schedule` is None until one is set."""

    guild_id: int
    user_id: int
    schedule: CheckinSchedule | None
    next_due_at: datetime | None

    @property
    def paused(self) -> bool:
        s = self.schedule
        return s is not None and (s.paused_indefinitely or s.paused_until is not None)


@dataclass(frozen=True)
class PromptGoal:
    goal_id: int
    title: str
    target_date: date | None
    status: GoalStatus | None


@dataclass(frozen=True)
class Prompt:
    """Everything a prompt message shows; rendered by the Discord layer."""

    period_id: int
    guild_id: int
    user_id: int
    kind: PeriodKind
    due_at: datetime
    status: PeriodStatus
    goals: tuple[PromptGoal, ...]
    note_saved: bool
    note_shared: bool
    answered_at: datetime | None
    cadence: Cadence | None

    @property
    def page_count(self) -> int:
        return max(1, -(-len(self.goals) // GOALS_PER_PAGE))

    def page_of(self, goal_id: int) -> int:
        for index, goal in enumerate(self.goals):
            if goal.goal_id == goal_id:
                return index // GOALS_PER_PAGE
        return 0

    def page(self, number: int) -> tuple[int, tuple[PromptGoal, ...]]:
        """The goals on page `number` (clamped), with their 1-based position offset."""
        number = min(max(number, 0), self.page_count - 1)
        start = number * GOALS_PER_PAGE
        return start, self.goals[start : start + GOALS_PER_PAGE]


@dataclass(frozen=True)
class DeliveryPlan:
    """What the sender needs to deliver one period, read fresh before every attempt."""

    period_id: int
    guild_id: int
    user_id: int
    dm_channel_id: int | None
    dm_closed: bool
    fallback_channel_id: int | None
    fallback_thread_id: int | None
    dm_help_sent: bool
    claimed_channel_id: int | None
    too_late: bool
    prompt: Prompt


@dataclass(frozen=True)
class ReminderPlan:
    period_id: int
    guild_id: int
    user_id: int
    channel_id: int
    message_id: int | None
    delivery: Delivery


@dataclass(frozen=True)
class MentorAlert:
    """A message for the mentor: a stuck goal and/or a note the mentee chose to share."""

    guild_id: int
    mentee_id: int
    mentor_id: int
    stuck_titles: tuple[str, ...]
    note: str | None


@dataclass(frozen=True)
class RiskChange:
    """The mentee became at risk (reason set) or stopped being at risk (reason None)."""

    guild_id: int
    user_id: int
    reason: str | None
    previous: str | None


@dataclass(frozen=True)
class AnswerOutcome:
    prompt: Prompt
    changed: bool
    mentor_alert: MentorAlert | None
    has_mentor: bool
    risk: RiskChange | None


@dataclass(frozen=True)
class HistoryEntry:
    period_id: int
    kind: PeriodKind
    due_at: datetime
    status: PeriodStatus
    sent_at: datetime | None
    answered_at: datetime | None
    answers: tuple[tuple[str, GoalStatus], ...]
    note: str | None
    note_shared: bool


@dataclass(frozen=True)
class NowResult:
    """`/checkin now`: a new manual period to deliver, or the member's open one."""

    period_id: int
    created: bool


# --------------------------------------------------------------------------- service


class CheckinService:
    def __init__(
        self,
        db: Database,
        clock: Clock,
        settings: SettingsService,
        goals: GoalService,
        contacts: Contacts | None = None,
    ) -> None:
        self.contacts = contacts or Contacts(db)
        self._db = db
        self._clock = clock
        self._settings = settings
        self._goals = goals
        self._wakeup: Callable[[datetime], None] | None = None

    def set_wakeup(self, callback: Callable[[datetime], None] | None) -> None:
        """Told about every newly stored due time, so the timer can move forward to it."""
        self._wakeup = callback

    def _wake(self, due: datetime | None) -> None:
        if due is not None and self._wakeup is not None:
            self._wakeup(due)

    # ------------------------------------------------------------ schedules

    async def ensure_schedule(self, guild_id: int, user_id: int) -> ScheduleView:
        """Start a new mentee's schedule from their questionnaire answers, once.

        A schedule the member already set with `/checkin schedule` is kept. A member who is
        no longer a mentee (e.g. signed up again as a mentor) stops getting prompts.
        """
        member = await self._db.fetchone(
            "SELECT role, status, timezone, checkin_weekday, checkin_time FROM members "
            "WHERE guild_id = ? AND user_id = ?",
            (guild_id, user_id),
        )
        current = await self.schedule(guild_id, user_id)
        if member is None or member["role"] != "mentee" or member["status"] != "onboarded":
            if current.next_due_at is not None:
                await self._store(guild_id, user_id, current.schedule, None)
            return await self.schedule(guild_id, user_id)
        if current.schedule is not None:
            if current.next_due_at is None and not current.schedule.paused_indefinitely:
                # Back to being a mentee (e.g. signed up as a mentor in between): the kept
                # schedule continues from now.
                return await self._store(
                    guild_id,
                    user_id,
                    current.schedule,
                    await self._upcoming(guild_id, user_id, current.schedule, self._now()),
                )
            return current
        weekday, at, zone = member["checkin_weekday"], member["checkin_time"], member["timezone"]
        if weekday is None or not at or not zone:
            return current
        schedule = new_schedule(
            weekday=int(weekday),
            local_time=time.fromisoformat(at),
            timezone=zone,
            now=self._now(),
        )
        return await self._store(
            guild_id,
            user_id,
            schedule,
            await self._upcoming(guild_id, user_id, schedule, self._now()),
        )

    async def schedule(self, guild_id: int, user_id: int) -> ScheduleView:
        row = await self._db.fetchone(
            "SELECT * FROM checkin_members WHERE guild_id = ? AND user_id = ?",
            (guild_id, user_id),
        )
        if row is None:
            return ScheduleView(guild_id, user_id, None, None)
        schedule = _schedule_of(row)
        if schedule is not None and schedule.paused_until is not None:
            today = self._now().astimezone(schedule.zone).date()
            if schedule.paused_until <= today:
                # The pause is over: it no longer shows, and is not carried into a new
                # schedule (the periods it covered are all in the past).
                schedule = replace(schedule, paused_until=None)
        return ScheduleView(guild_id, user_id, schedule, _instant(row["next_due_at"]))

    async def set_schedule(
        self,
        guild_id: int,
        user_id: int,
        *,
        day: str,
        at: str,
        timezone: str | None = None,
        cadence: str | None = None,
    ) -> ScheduleView:
        """`/checkin schedule`: the first prompt is the first such slot strictly after now."""
        await self._goals.require_mentee(guild_id, user_id)
        try:
            weekday = parse_day(day)
            local_time = parse_time(at)
        except ValueError as exc:
            raise UserError(str(exc)) from None
        current = await self.schedule(guild_id, user_id)
        zone = timezone.strip() if timezone and timezone.strip() else None
        if zone is None:
            zone = current.schedule.timezone if current.schedule else None
        if zone is None:
            zone = await self._db.fetchval(
                "SELECT timezone FROM members WHERE guild_id = ? AND user_id = ?",
                (guild_id, user_id),
            )
        if not zone:
            raise UserError("Please add your time zone, e.g. `timezone: Europe/London`.")
        try:
            zone = qn.resolve_timezone(zone)
        except qn.AnswerError as exc:
            raise UserError(exc.message) from None
        chosen = (
            Cadence(cadence)
            if cadence
            else current.schedule.cadence
            if current.schedule
            else Cadence.WEEKLY
        )
        schedule = new_schedule(
            weekday=weekday, local_time=local_time, timezone=zone, now=self._now(), cadence=chosen
        )
        if current.schedule is not None:
            schedule = replace(
                schedule,
                paused_until=current.schedule.paused_until,
                paused_indefinitely=current.schedule.paused_indefinitely,
            )
        return await self._store(
            guild_id,
            user_id,
            schedule,
            await self._upcoming(guild_id, user_id, schedule, self._now()),
        )

    async def pause(self, guild_id: int, user_id: int, until: str | None) -> ScheduleView:
        """No prompts before the member's local date `until` (or until they resume)."""
        await self._goals.require_mentee(guild_id, user_id)
        current = await self._require_schedule(guild_id, user_id)
        end: date | None = None
        if until:
            today = self._now().astimezone(current.zone).date()
            try:
                end = parse_date(until, today)
            except WallClockError as exc:
                raise UserError(str(exc)) from None
            if end <= today:
                raise UserError("Pick a date after today for your check-ins to start again.")
        paused = pause(current, end)
        try:
            upcoming = await self._upcoming(guild_id, user_id, paused, self._now())
        except OverflowError:  # e.g. 9999-12-31: no check-in date exists after it
            raise UserError(
                "That date is too far ahead. To pause until you're back, leave out `until` "
                "and run `/checkin resume` when you are."
            ) from None
        view = await self._store(guild_id, user_id, paused, upcoming)
        # A prompt that came due but is still waiting in the paced sender's queue (a whole
        # cohort goes out at one a second) is dropped: nobody has seen it, and a pause means
        # no more prompts. One already being sent (claimed) goes out, without a reminder:
        # the open check-in stays answerable, but nobody is nudged on holiday.
        async with self._db.transaction():
            await self._db.execute(
                "DELETE FROM checkin_periods WHERE guild_id = ? AND user_id = ? "
                "AND kind = 'scheduled' AND status = 'pending' AND claimed_at IS NULL",
                (guild_id, user_id),
            )
            await self._db.execute(
                "UPDATE checkin_periods SET reminder_due_at = NULL WHERE guild_id = ? "
                "AND user_id = ? AND status = 'pending' AND reminded_at IS NULL",
                (guild_id, user_id),
            )
        return view

    async def resume(self, guild_id: int, user_id: int) -> ScheduleView:
        await self._goals.require_mentee(guild_id, user_id)
        current = await self._require_schedule(guild_id, user_id)
        if not current.paused_indefinitely and current.paused_until is None:
            raise UserError("Your check-ins aren't paused.")
        resumed = resume(current, self._now())
        return await self._store(
            guild_id,
            user_id,
            resumed,
            await self._upcoming(guild_id, user_id, resumed, self._now()),
        )

    async def _upcoming(
        self, guild_id: int, user_id: int, schedule: CheckinSchedule, after: datetime
    ) -> Period | None:
        """The schedule's first period after `after` that the member has not had yet.

        A period is named by its local date, so a schedule moved later on a day that was
        already prompted, or to a timezone where that date comes round again, names a
        period that already exists: it is skipped, never prompted twice or reopened.
        """
        period = next_period(schedule, after)
        while period is not None and await self._has_period(guild_id, user_id, period.key):
            period = next_period(schedule, period.due_at)
        return period

    async def _has_period(self, guild_id: int, user_id: int, key: str) -> bool:
        found = await self._db.fetchval(
            "SELECT 1 FROM checkin_periods WHERE guild_id = ? AND user_id = ? AND period_key = ?",
            (guild_id, user_id, key),
        )
        return found is not None

    async def _require_schedule(self, guild_id: int, user_id: int) -> CheckinSchedule:
        view = await self.schedule(guild_id, user_id)
        if view.schedule is None:
            raise UserError(
                "You don't have a check-in schedule yet: set one with `/checkin schedule`."
            )
        return view.schedule

    async def _store(
        self,
        guild_id: int,
        user_id: int,
        schedule: CheckinSchedule | None,
        period: Period | None,
    ) -> ScheduleView:
        values = _schedule_columns(schedule)
        now = iso(self._now())
        async with self._db.transaction():
            await self._db.execute(
                "INSERT INTO checkin_members (guild_id, user_id, weekday, local_time, timezone, "
                "cadence, anchor, paused_until, paused_indefinitely, next_key, next_due_at, "
                "updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
                "ON CONFLICT (guild_id, user_id) DO UPDATE SET weekday = excluded.weekday, "
                "local_time = excluded.local_time, timezone = excluded.timezone, "
                "cadence = excluded.cadence, anchor = excluded.anchor, "
                "paused_until = excluded.paused_until, "
                "paused_indefinitely = excluded.paused_indefinitely, "
                "next_key = excluded.next_key, next_due_at = excluded.next_due_at, "
                "updated_at = excluded.updated_at",
                (
                    guild_id,
                    user_id,
                    *values,
                    period.key if period else None,
                    iso(period.due_at) if period else None,
                    now,
                ),
            )
        self._wake(period.due_at if period else None)
        return await self.schedule(guild_id, user_id)

    def _now(self) -> datetime:
        return self._clock.now()

    # ------------------------------------------------------- due periods

    async def materialise(self, now: datetime) -> list[RiskChange]:
        """Write a row for every period due by `now`: pending (to send) or missed.

        Inside the guild's grace window a period is pending and goes out now; older ones
        (the bot was down) are recorded as missed without a prompt. A new period closes the
        member's previous unanswered one as missed. Idempotent: rows are unique per period.
        Members are handled in small transactions, each re-reading its member's row, so a
        whole cohort due at once never holds the database away from interactions.
        """
        due_members = await self._db.fetchall(
            "SELECT c.guild_id, c.user_id FROM checkin_members c JOIN members m "
            "ON m.guild_id = c.guild_id AND m.user_id = c.user_id "
            "WHERE c.next_due_at IS NOT NULL AND c.next_due_at <= ? "
            "AND m.role = 'mentee' AND m.status = 'onboarded' AND m.left_at IS NULL",
            (iso(now),),
        )
        touched: list[tuple[int, int]] = []
        for start in range(0, len(due_members), MATERIALISE_BATCH):
            batch = due_members[start : start + MATERIALISE_BATCH]
            async with self._db.transaction():
                for member in batch:
                    if await self._materialise_member(member["guild_id"], member["user_id"], now):
                        touched.append((member["guild_id"], member["user_id"]))
        changes = []
        for guild_id, user_id in touched:
            change = await self._evaluate_risk(guild_id, user_id)
            if change is not None:
                changes.append(change)
        return changes

    async def _materialise_member(self, guild_id: int, user_id: int, now: datetime) -> bool:
        """One member's due periods, inside the caller's transaction. True when a prompt
        they received and left unanswered became missed (which may change their risk)."""
        row = await self._db.fetchone(
            "SELECT * FROM checkin_members WHERE guild_id = ? AND user_id = ?",
            (guild_id, user_id),
        )
        if row is None or row["next_due_at"] is None or row["next_due_at"] > iso(now):
            return False  # changed since it was listed (rescheduled, paused, done already)
        grace = timedelta(hours=(await self._settings.get(guild_id)).checkin_grace_hours)
        schedule = _schedule_of(row)
        key: str | None = row["next_key"]
        due = _instant(row["next_due_at"])
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
            if await self._db.fetchval(
                "SELECT 1 FROM checkin_periods WHERE guild_id = ? AND user_id = ? "
                "AND status = 'pending' AND due_at < ? AND sent_at IS NOT NULL",
                (guild_id, user_id, iso(due)),
            ):
                unanswered_missed = True
            await self._db.execute(
                "UPDATE checkin_periods SET status = 'missed' WHERE guild_id = ? "
                "AND user_id = ? AND status = 'pending' AND due_at < ?",
                (guild_id, user_id, iso(due)),
            )
            await self._db.execute(
                "INSERT INTO checkin_periods (guild_id, user_id, period_key, "
                "kind, due_at, status, created_at) VALUES (?, ?, ?, 'scheduled', ?, ?, ?)",
                (
                    guild_id,
                    user_id,
                    key,
                    iso(due),
                    "pending" if verdict == "send_now" else "missed",
                    iso(now),
                ),
            )
            upcoming = next_period(schedule, due) if schedule else None
            key = upcoming.key if upcoming else None
            due = upcoming.due_at if upcoming else None
        await self._db.execute(
            "UPDATE checkin_members SET next_key = ?, next_due_at = ? "
            "WHERE guild_id = ? AND user_id = ?",
            (key, iso(due) if due else None, guild_id, user_id),
        )
        return unanswered_missed

    async def unsent_due(self, now: datetime) -> list[int]:
        rows = await self._db.fetchall(
            "SELECT id FROM checkin_periods WHERE status = 'pending' AND sent_at IS NULL "
            "AND due_at <= ? ORDER BY due_at, id",
            (iso(now),),
        )
        return [int(row["id"]) for row in rows]

    async def due_reminders(self, now: datetime) -> list[int]:
        rows = await self._db.fetchall(
            "SELECT id FROM checkin_periods WHERE status = 'pending' AND reminded_at IS NULL "
            "AND reminder_due_at IS NOT NULL AND reminder_due_at <= ? ORDER BY reminder_due_at",
            (iso(now),),
        )
        return [int(row["id"]) for row in rows]

    async def next_due(self, now: datetime) -> datetime | None:
        """The earliest time the timer has work: a period, a reminder, or a retry."""
        candidates: list[datetime] = []
        upcoming = await self._db.fetchval(
            "SELECT min(c.next_due_at) FROM checkin_members c JOIN members m "
            "ON m.guild_id = c.guild_id AND m.user_id = c.user_id "
            "WHERE c.next_due_at IS NOT NULL "
            "AND m.role = 'mentee' AND m.status = 'onboarded' AND m.left_at IS NULL"
        )
        reminder = await self._db.fetchval(
            "SELECT min(reminder_due_at) FROM checkin_periods WHERE status = 'pending' "
            "AND reminded_at IS NULL AND reminder_due_at IS NOT NULL"
        )
        for text in (upcoming, reminder):
            if text:
                candidates.append(datetime.fromisoformat(text))
        unsent = await self._db.fetchval(
            "SELECT 1 FROM checkin_periods WHERE status = 'pending' AND sent_at IS NULL LIMIT 1"
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
            too_late = classify(datetime.fromisoformat(period["due_at"]), now, grace) == "missed"
        member = await self._db.fetchone(
            "SELECT dm_channel_id, dm_closed FROM members WHERE guild_id = ? AND user_id = ?",
            (guild_id, user_id),
        )
        state = await self._db.fetchone(
            "SELECT fallback_thread_id, dm_help_sent_at FROM checkin_members "
            "WHERE guild_id = ? AND user_id = ?",
            (guild_id, user_id),
        )
        settings = await self._settings.get(guild_id)
        return DeliveryPlan(
            period_id=period_id,
            guild_id=guild_id,
            user_id=user_id,
            dm_channel_id=member["dm_channel_id"] if member else None,
            dm_closed=bool(member["dm_closed"]) if member else False,
            fallback_channel_id=settings.checkin_fallback_channel_id,
            fallback_thread_id=state["fallback_thread_id"] if state else None,
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
                (iso(self._now()), channel_id, delivery, json.dumps(list(goal_ids)), period_id),
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
        remind = reminder_at(sent, _instant(upcoming))
        async with self._db.transaction():
            await self._db.execute(
                "UPDATE checkin_periods SET sent_at = ?, channel_id = ?, message_id = ?, "
                "reminder_due_at = ? WHERE id = ? AND sent_at IS NULL",
                (iso(sent), channel_id, message_id, iso(remind) if remind else None, period_id),
            )
        self._wake(remind)

    async def mark_missed(self, period_id: int) -> None:
        """Recorded missed without a prompt (it would have arrived too late)."""
        await self._db.execute(
            "UPDATE checkin_periods SET status = 'missed' WHERE id = ? "
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
                (iso(self._now()), guild_id, user_id),
            )
        return True

    async def _ensure_member_row(self, guild_id: int, user_id: int) -> None:
        await self._db.execute(
            "INSERT OR IGNORE INTO checkin_members (guild_id, user_id, updated_at) "
            "VALUES (?, ?, ?)",
            (guild_id, user_id, iso(self._now())),
        )

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
                (iso(self._now()), period_id),
            )
        return ReminderPlan(
            period_id=period_id,
            guild_id=row["guild_id"],
            user_id=row["user_id"],
            channel_id=row["channel_id"],
            message_id=row["message_id"],
            delivery="thread" if row["delivery"] == "thread" else "dm",
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

    # -------------------------------------------------------------- answers

    async def prompt(self, period_id: int) -> Prompt:
        row = await self._period_row(period_id)
        if row is None:
            raise UserError("That check-in no longer exists.")
        return await self._prompt(row)

    async def prompt_for(self, period_id: int, user_id: int) -> Prompt:
        """The prompt, for its mentee only."""
        prompt = await self.prompt(period_id)
        if prompt.user_id != user_id:
            raise UserError("This check-in belongs to someone else.")
        return prompt

    async def record_answer(
        self, period_id: int, user_id: int, goal_id: int, status: GoalStatus
    ) -> AnswerOutcome:
        """One goal's answer; clicking the same answer again changes nothing."""
        row = await self._answerable(period_id, user_id)
        guild_id = row["guild_id"]
        prompt = await self._prompt(row)
        if goal_id not in {g.goal_id for g in prompt.goals}:
            raise UserError("That goal isn't part of this check-in.")
        now = iso(self._now())
        async with self._db.transaction():
            previous = await self._db.fetchval(
                "SELECT status FROM checkin_answers WHERE period_id = ? AND goal_id = ?",
                (period_id, goal_id),
            )
            if previous != status:
                await self._db.execute(
                    "INSERT INTO checkin_answers (period_id, goal_id, status, answered_at) "
                    "VALUES (?, ?, ?, ?) ON CONFLICT (period_id, goal_id) DO UPDATE SET "
                    "status = excluded.status, answered_at = excluded.answered_at",
                    (period_id, goal_id, status, now),
                )
                await self._db.execute(
                    "UPDATE checkin_periods SET status = 'answered', "
                    "answered_at = COALESCE(answered_at, ?) WHERE id = ?",
                    (now, period_id),
                )
        changed = previous != status
        if changed and status == "done":
            await self._goals.set_status(guild_id, user_id, goal_id, "done")
        elif changed and previous == "done":
            await self._goals.set_status(guild_id, user_id, goal_id, "open")
        mentor_id = await self.mentor_of(guild_id, user_id)
        alert = None
        if changed and status == "stuck" and mentor_id is not None:
            alert = await self._stuck_alert(row, goal_id, mentor_id)
        risk = await self._evaluate_risk(guild_id, user_id) if changed else None
        return AnswerOutcome(
            prompt=await self.prompt(period_id),
            changed=changed,
            mentor_alert=alert,
            has_mentor=mentor_id is not None,
            risk=risk,
        )

    async def _stuck_alert(
        self, row: sqlite3.Row, goal_id: int, mentor_id: int
    ) -> MentorAlert | None:
        """Tell the mentor once per goal and period, even if the mentee clicks Stuck again."""
        async with self._db.transaction():
            told = await self._db.fetchval(
                "SELECT mentor_notified_at FROM checkin_answers "
                "WHERE period_id = ? AND goal_id = ?",
                (row["id"], goal_id),
            )
            if told:
                return None
            await self._db.execute(
                "UPDATE checkin_answers SET mentor_notified_at = ? WHERE period_id = ? "
                "AND goal_id = ?",
                (iso(self._now()), row["id"], goal_id),
            )
            fresh = await self._period_row(row["id"])
        title = await self._db.fetchval("SELECT title FROM goals WHERE id = ?", (goal_id,))
        shared = fresh is not None and bool(fresh["note_shared"]) and bool(fresh["note"])
        return MentorAlert(
            guild_id=row["guild_id"],
            mentee_id=row["user_id"],
            mentor_id=mentor_id,
            stuck_titles=(str(title),),
            note=fresh["note"] if shared and fresh is not None else None,
        )

    async def save_note(
        self, period_id: int, user_id: int, text: str, share: bool
    ) -> AnswerOutcome:
        """Save (or with empty text, remove) the period's note; a shared note goes to the
        mentor, with the goals the mentee is stuck on."""
        row = await self._answerable(period_id, user_id)
        note = text.strip()
        if len(note) > NOTE_MAX:
            raise UserError(
                f"Your note is {len(note):,} characters; please keep it under {NOTE_MAX:,}."
            )
        share = share and bool(note)
        now = iso(self._now())
        changed = (row["note"] or "") != note or bool(row["note_shared"]) != share
        if changed:
            # Writing a note answers the check-in; removing one leaves its status alone, and
            # an empty modal sent back is no answer at all.
            async with self._db.transaction():
                await self._db.execute(
                    "UPDATE checkin_periods SET note = ?, note_shared = ?, "
                    "status = CASE WHEN ? IS NULL THEN status ELSE 'answered' END, "
                    "answered_at = CASE WHEN ? IS NULL THEN answered_at "
                    "ELSE COALESCE(answered_at, ?) END WHERE id = ?",
                    (note or None, int(share), note or None, note or None, now, period_id),
                )
        guild_id = row["guild_id"]
        mentor_id = await self.mentor_of(guild_id, user_id)
        alert = None
        if changed and share and mentor_id is not None:
            await self._db.execute(
                "UPDATE checkin_periods SET note_sent_to_mentor = ? WHERE id = ?", (now, period_id)
            )
            stuck = await self._db.fetchall(
                "SELECT g.title FROM checkin_answers a JOIN goals g ON g.id = a.goal_id "
                "WHERE a.period_id = ? AND a.status = 'stuck' ORDER BY g.id",
                (period_id,),
            )
            alert = MentorAlert(
                guild_id=guild_id,
                mentee_id=user_id,
                mentor_id=mentor_id,
                stuck_titles=tuple(str(r["title"]) for r in stuck),
                note=note,
            )
        answered_now = bool(note) and row["status"] == "pending"
        risk = await self._evaluate_risk(guild_id, user_id) if answered_now else None
        return AnswerOutcome(
            prompt=await self.prompt(period_id),
            changed=changed,
            mentor_alert=alert,
            has_mentor=mentor_id is not None,
            risk=risk,
        )

    async def note_of(self, period_id: int, user_id: int) -> tuple[str, bool]:
        row = await self._answerable(period_id, user_id)
        return row["note"] or "", bool(row["note_shared"])

    async def _answerable(self, period_id: int, user_id: int) -> sqlite3.Row:
        row = await self._period_row(period_id)
        if row is None:
            raise UserError("That check-in no longer exists.")
        if row["user_id"] != user_id:
            raise UserError("This check-in belongs to someone else.")
        if row["status"] == "missed":
            raise UserError(
                "This check-in has closed because a newer one replaced it; answer the latest "
                "one instead (`/checkin now` shows it)."
            )
        if row["claimed_at"] is None:
            # Buttons exist only once the prompt is sent; a click can beat `mark_sent`.
            raise UserError("This check-in hasn't been sent yet.")
        newer = await self._db.fetchval(
            "SELECT 1 FROM checkin_periods WHERE guild_id = ? AND user_id = ? AND id <> ? "
            "AND sent_at IS NOT NULL AND (due_at > ? OR (due_at = ? AND id > ?)) LIMIT 1",
            (row["guild_id"], user_id, period_id, row["due_at"], row["due_at"], period_id),
        )
        if newer is not None:
            # Answers can change until the next check-in, as the prompt says: an old one
            # must not tell the mentor "stuck" or move the at-risk flag weeks later.
            raise UserError(
                "This check-in has closed because a newer one replaced it; answer the latest "
                "one instead (`/checkin now` shows it)."
            )
        return row

    async def mentor_of(self, guild_id: int, mentee_id: int) -> int | None:
        value = await self._db.fetchval(
            "SELECT mentor_id FROM matches WHERE guild_id = ? AND mentee_id = ? "
            "AND status = 'active'",
            (guild_id, mentee_id),
        )
        return int(value) if value is not None else None

    # ------------------------------------------------------------ at risk

    async def _evaluate_risk(self, guild_id: int, user_id: int) -> RiskChange | None:
        """Re-judge the at-risk flag from the last prompted periods; report a change.

        Only periods the mentee was actually asked count: one recorded as missed because
        the bot was down, or one that could not be delivered, says nothing about them.
        `/checkin now` periods count when answered (being stuck there is still stuck).
        """
        rows = await self._db.fetchall(
            "SELECT id, status FROM checkin_periods WHERE guild_id = ? AND user_id = ? "
            "AND ((kind = 'scheduled' AND sent_at IS NOT NULL "
            "AND status IN ('pending', 'answered', 'missed')) "
            "OR (kind = 'manual' AND status = 'answered')) "
            "ORDER BY due_at DESC, id DESC LIMIT ?",
            (guild_id, user_id, AT_RISK_WINDOW),
        )
        rows = list(reversed(rows))
        outcomes = []
        for row in rows:
            answers = await self._db.fetchall(
                "SELECT goal_id, status FROM checkin_answers WHERE period_id = ?", (row["id"],)
            )
            outcomes.append(
                PeriodOutcome(
                    key=str(row["id"]),
                    status=cast(CheckinStatus, row["status"]),
                    goal_statuses={a["goal_id"]: cast(GoalStatus, a["status"]) for a in answers},
                )
            )
        reason = at_risk_reason(outcomes)
        await self._ensure_member_row(guild_id, user_id)
        async with self._db.transaction():
            previous = await self._db.fetchval(
                "SELECT at_risk_reason FROM checkin_members WHERE guild_id = ? AND user_id = ?",
                (guild_id, user_id),
            )
            if previous == reason:
                return None
            await self._db.execute(
                "UPDATE checkin_members SET at_risk_reason = ?, "
                "at_risk_since = CASE WHEN ? IS NULL THEN NULL "
                "ELSE COALESCE(at_risk_since, ?) END WHERE guild_id = ? AND user_id = ?",
                (reason, reason, iso(self._now()), guild_id, user_id),
            )
        return RiskChange(guild_id, user_id, reason, previous)

    async def at_risk(self, guild_id: int) -> list[tuple[int, str]]:
        rows = await self._db.fetchall(
            "SELECT user_id, at_risk_reason FROM checkin_members WHERE guild_id = ? "
            "AND at_risk_reason IS NOT NULL ORDER BY at_risk_since",
            (guild_id,),
        )
        return [(int(r["user_id"]), str(r["at_risk_reason"])) for r in rows]

    # -------------------------------------------------------- now & history

    async def start_now(self, guild_id: int, user_id: int) -> NowResult:
        """`/checkin now`: the open check-in if one was sent, else a new one due now."""
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
                (guild_id, user_id, key, iso(now), iso(now)),
            )
            period_id = await self._db.fetchval(
                "SELECT id FROM checkin_periods WHERE guild_id = ? AND user_id = ? "
                "AND period_key = ?",
                (guild_id, user_id, key),
            )
        return NowResult(period_id=int(period_id), created=True)

    async def history(self, guild_id: int, user_id: int, limit: int = 8) -> list[HistoryEntry]:
        await self._goals.require_mentee(guild_id, user_id)
        rows = await self._db.fetchall(
            "SELECT * FROM checkin_periods WHERE guild_id = ? AND user_id = ? "
            "ORDER BY due_at DESC, id DESC LIMIT ?",
            (guild_id, user_id, limit),
        )
        entries = []
        for row in rows:
            answers = await self._db.fetchall(
                "SELECT g.title, a.status FROM checkin_answers a JOIN goals g ON g.id = a.goal_id "
                "WHERE a.period_id = ? ORDER BY g.id",
                (row["id"],),
            )
            entries.append(
                HistoryEntry(
                    period_id=row["id"],
                    kind=row["kind"],
                    due_at=datetime.fromisoformat(row["due_at"]),
                    status=row["status"],
                    sent_at=_instant(row["sent_at"]),
                    answered_at=_instant(row["answered_at"]),
                    answers=tuple(
                        (str(a["title"]), cast(GoalStatus, a["status"])) for a in answers
                    ),
                    note=row["note"],
                    note_shared=bool(row["note_shared"]),
                )
            )
        return entries

    # ------------------------------------------------------------- helpers

    async def _period_row(self, period_id: int) -> sqlite3.Row | None:
        return await self._db.fetchone("SELECT * FROM checkin_periods WHERE id = ?", (period_id,))

    async def _prompt(self, row: sqlite3.Row) -> Prompt:
        """The goals a prompt quotes: fixed at the claim, so every page and every re-send of
        one period shows the same goals; before the claim, the member's open goals."""
        guild_id, user_id = row["guild_id"], row["user_id"]
        goals: list[Goal]
        if row["goal_ids"]:
            ids = [int(i) for i in json.loads(row["goal_ids"])]
            goals = await self._goals.by_ids(guild_id, user_id, ids)
        else:
            goals = list(await self._goals.open_goals(guild_id, user_id))
        answers = {
            a["goal_id"]: cast(GoalStatus, a["status"])
            for a in await self._db.fetchall(
                "SELECT goal_id, status FROM checkin_answers WHERE period_id = ?", (row["id"],)
            )
        }
        cadence = await self._db.fetchval(
            "SELECT cadence FROM checkin_members WHERE guild_id = ? AND user_id = ? "
            "AND weekday IS NOT NULL",
            (guild_id, user_id),
        )
        return Prompt(
            period_id=row["id"],
            guild_id=guild_id,
            user_id=user_id,
            kind=row["kind"],
            due_at=datetime.fromisoformat(row["due_at"]),
            status=row["status"],
            goals=tuple(PromptGoal(g.id, g.title, g.target_date, answers.get(g.id)) for g in goals),
            note_saved=bool(row["note"]),
            note_shared=bool(row["note_shared"]),
            answered_at=_instant(row["answered_at"]),
            cadence=Cadence(cadence) if cadence else None,
        )


def _schedule_columns(schedule: CheckinSchedule | None) -> tuple[object, ...]:
    if schedule is None:
        return (None, None, None, "weekly", None, None, 0)
    return (
        schedule.weekday,
        schedule.local_time.strftime("%H:%M"),
        schedule.timezone,
        str(schedule.cadence),
        schedule.anchor.isoformat(),
        schedule.paused_until.isoformat() if schedule.paused_until else None,
        int(schedule.paused_indefinitely),
    )


def _schedule_of(row: sqlite3.Row) -> CheckinSchedule | None:
    if row["weekday"] is None:
        return None
    return CheckinSchedule(
        weekday=int(row["weekday"]),
        local_time=time.fromisoformat(row["local_time"]),
        timezone=row["timezone"],
        cadence=Cadence(row["cadence"]),
        anchor=date.fromisoformat(row["anchor"]),
        paused_until=date.fromisoformat(row["paused_until"]) if row["paused_until"] else None,
        paused_indefinitely=bool(row["paused_indefinitely"]),
    )
