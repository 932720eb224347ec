"""Check-in use cases: schedules, prompt periods, answers, notes, history and at-risk.

The database is the truth for time. A member's next period lives in `checkin_members`
(`next_key`, `next_due_at`); `materialise(now)` turns every period that has come due into a
`checkin_periods` row — once, because (guild, member, period_key) is unique — and decides
whether it is still worth a prompt (inside the server's grace window) or is recorded as
missed. Sending is not done here: `bot.services.delivery` claims a period, sends it through
a `Messenger` and marks it sent, in that order, so a crash never produces a second prompt.

Directors only ever get statuses and fixed reasons from here, never members' words.

One part per seam, combined in `CheckinService`: `schedules` (and the sign-up's check-in
answer kept in step with them), `periods` (bookkeeping for delivery), `answers` (and
history), `risk`, `member_data` (a member's own data, for `/privacy`); `model` holds what
they hand out. Goals, a mentee's mentor and their sign-up are asked of the services that own
those tables.
"""

from __future__ import annotations

from bot.services.checkins.answers import Answers
from bot.services.checkins.member_data import MemberData
from bot.services.checkins.model import (
    AT_RISK_WINDOW,
    GOAL_STATUS_LABELS,
    GOALS_PER_PAGE,
    MATERIALISE_BATCH,
    NOTE_MAX,
    RETRY_UNSENT,
    AnswerOutcome,
    Delivery,
    DeliveryPlan,
    HistoryEntry,
    MentorAlert,
    NowResult,
    PeriodKind,
    PeriodStatus,
    Prompt,
    PromptGoal,
    ReminderPlan,
    RiskChange,
    ScheduleView,
    jump_url,
)
from bot.services.checkins.periods import Periods
from bot.services.checkins.schedules import Schedules

__all__ = [
    "AT_RISK_WINDOW",
    "GOALS_PER_PAGE",
    "GOAL_STATUS_LABELS",
    "MATERIALISE_BATCH",
    "NOTE_MAX",
    "RETRY_UNSENT",
    "AnswerOutcome",
    "CheckinService",
    "Delivery",
    "DeliveryPlan",
    "HistoryEntry",
    "MentorAlert",
    "NowResult",
    "PeriodKind",
    "PeriodStatus",
    "Prompt",
    "PromptGoal",
    "ReminderPlan",
    "RiskChange",
    "ScheduleView",
    "jump_url",
]


class CheckinService(Schedules, Periods, Answers, MemberData):
    """Schedules, period bookkeeping, answers and at-risk, over one set of dependencies;
    `MemberData` is a member's check-ins for `/privacy export` and `/privacy delete`."""
