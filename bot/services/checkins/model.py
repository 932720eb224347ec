"""What the check-in service hands out: schedules, prompts, plans and outcomes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Literal

from bot.domain.schedule import Cadence, CheckinSchedule, GoalStatus
from bot.i18n import N_, Text

PeriodStatus = Literal["pending", "answered", "missed", "undeliverable"]
PeriodKind = Literal["scheduled", "manual"]
Delivery = Literal["dm", "thread"]

GOALS_PER_PAGE = 4
"""Goal rows per prompt page: Discord allows five rows of buttons, one is the note/pages row."""

NOTE_MAX = 1000
AT_RISK_WINDOW = 4
"""At-risk is judged on the mentee's last few prompted periods, so it clears once they are
back on track instead of flagging them for the rest of the cohort."""

MATERIALISE_BATCH = 10
"""Members written per transaction when periods come due: about 15 ms of holding the
writer's lock, the longest a click or a prompt's own write then waits during a burst."""

RETRY_UNSENT = timedelta(minutes=1)
"""How soon the timer looks again at a prompt that is due but not sent (throttled, failed)."""

GOAL_STATUS_LABELS: dict[GoalStatus, Text] = {
    "on_track": N_("On track"),
    "stuck": N_("Stuck"),
    "done": N_("Done"),
}
"""The answers' names, shown in the reader's language (`str(label)`)."""


def jump_url(guild_id: int, channel_id: int, message_id: int, delivery: Delivery | None) -> str:
    """A link to a sent prompt: a DM's lives under `@me`, a fallback thread's under its server."""
    where = guild_id if delivery == "thread" else "@me"
    return f"https://discord.com/channels/{where}/{channel_id}/{message_id}"


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
    fallback_channel_id: int | None
    fallback_thread_id: int | None
    fallback_thread_joined: bool
    """A prompt was posted in the stored fallback thread, so the member was added to it
    (the add comes first). False for a thread whose add failed: it is tried again there."""
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
    due_at: datetime
    """When the prompt being recalled was due, which the reminder shows."""


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
