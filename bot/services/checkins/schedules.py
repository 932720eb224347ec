"""Schedules: when a mentee's check-ins come, and pausing or resuming them."""

from __future__ import annotations

import sqlite3
from dataclasses import replace
from datetime import date, datetime, time

from bot.db.instants import from_db, to_db
from bot.domain import questionnaire as qn
from bot.domain.schedule import (
    Cadence,
    CheckinSchedule,
    Period,
    new_schedule,
    next_period,
    pause,
    resume,
)
from bot.domain.wallclock import WallClockError, parse_date, parse_day, parse_time
from bot.errors import UserError
from bot.i18n import _
from bot.services.checkins._core import CheckinCore
from bot.services.checkins.model import ScheduleView


class Schedules(CheckinCore):
    """A member's schedule and their next period, stored together in `checkin_members`."""

    async def ensure_schedule(self, guild_id: int, user_id: int) -> ScheduleView:
        """Start a new mentee's schedule from their questionnaire answers, once.

        A schedule the member already set with `/checkin schedule` is kept. A member who is
        no longer a mentee (e.g. signed up again as a mentor) stops getting prompts.
        """
        signup = await self._signups.facts(guild_id, user_id)
        current = await self.schedule(guild_id, user_id)
        if signup is None or not signup.mentee:
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
        if signup.checkin is None or signup.timezone is None:
            return current
        weekday, at = signup.checkin
        schedule = new_schedule(
            weekday=weekday,
            local_time=at,
            timezone=signup.timezone,
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
        schedule = schedule_of(row)
        if schedule is not None and schedule.paused_until is not None:
            today = self._now().astimezone(schedule.zone).date()
            if schedule.paused_until <= today:
                # The pause is over: it no longer shows, and is not carried into a new
                # schedule (the periods it covered are all in the past).
                schedule = replace(schedule, paused_until=None)
        return ScheduleView(guild_id, user_id, schedule, from_db(row["next_due_at"]))

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
        """`/checkin schedule`: the first prompt is the first such slot strictly after now.

        The sign-up's check-in and time-zone answers are changed with it, so `/profile`
        shows the same day, time and zone (the reverse is `follow_signup`).
        """
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
            signup = await self._signups.facts(guild_id, user_id)
            zone = signup.timezone if signup else None
        if not zone:
            raise UserError(_("Please add your time zone, e.g. `timezone: Europe/London`."))
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
        return await self._move(guild_id, user_id, current, schedule, follow_answers=True)

    async def follow_signup(
        self, guild_id: int, user_id: int, *, schedule_changed: bool
    ) -> ScheduleView | None:
        """After a sign-up is finished or an answer changed: start, continue or stop the
        schedule (`ensure_schedule`); and when the check-in day, time or time-zone answer
        changed, move the schedule to it, keeping its cadence and any pause, so
        `/checkin schedule` shows what `/profile` shows. The moved schedule, else None."""
        view = await self.ensure_schedule(guild_id, user_id)
        if not schedule_changed:
            return None
        signup = await self._signups.facts(guild_id, user_id)
        if signup is None or not signup.mentee or signup.checkin is None or not signup.timezone:
            return None
        weekday, local_time = signup.checkin
        schedule = new_schedule(
            weekday=weekday,
            local_time=local_time,
            timezone=signup.timezone,
            now=self._now(),
            cadence=view.schedule.cadence if view.schedule else Cadence.WEEKLY,
        )
        return await self._move(guild_id, user_id, view, schedule, follow_answers=False)

    async def _move(
        self,
        guild_id: int,
        user_id: int,
        current: ScheduleView,
        schedule: CheckinSchedule,
        *,
        follow_answers: bool,
    ) -> ScheduleView:
        """Store a new day, time, zone or cadence; a pause in progress is kept."""
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
            follow_answers=follow_answers,
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
                raise UserError(_("Pick a date after today for your check-ins to start again."))
        paused = pause(current, end)
        try:
            upcoming = await self._upcoming(guild_id, user_id, paused, self._now())
        except OverflowError:  # e.g. 9999-12-31: no check-in date exists after it
            raise UserError(
                _(
                    "That date is too far ahead. To pause until you're back, leave out `until` "
                    "and run `/checkin resume` when you are."
                )
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
            raise UserError(_("Your check-ins aren't paused."))
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

    async def _require_schedule(self, guild_id: int, user_id: int) -> CheckinSchedule:
        view = await self.schedule(guild_id, user_id)
        if view.schedule is None:
            raise UserError(
                _("You don't have a check-in schedule yet: set one with `/checkin schedule`.")
            )
        return view.schedule

    async def _store(
        self,
        guild_id: int,
        user_id: int,
        schedule: CheckinSchedule | None,
        period: Period | None,
        *,
        follow_answers: bool = False,
    ) -> ScheduleView:
        """Write the schedule and its next period; with `follow_answers`, the sign-up's
        check-in answers too, in the same transaction (the schedule is one fact)."""
        values = schedule_columns(schedule)
        now = to_db(self._now())
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
                    to_db(period.due_at) if period else None,
                    now,
                ),
            )
            if follow_answers and schedule is not None:
                await self._signups.follow_checkin_schedule(
                    guild_id, user_id, schedule.weekday, schedule.local_time, schedule.timezone
                )
        self._wake(period.due_at if period else None)
        return await self.schedule(guild_id, user_id)


def schedule_columns(schedule: CheckinSchedule | None) -> tuple[object, ...]:
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


def schedule_of(row: sqlite3.Row) -> CheckinSchedule | None:
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
