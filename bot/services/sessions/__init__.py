"""Sessions, private reflections, the fit question and the numbers directors may see.

`SessionService` is the one object the Discord layer holds; its parts `fit`, `reminders`,
`reports` and `member_data` (a member's own data, for `/privacy`) live in their own modules.
The package owns the tables of migration 0007.
"""

from bot.services.sessions.fit import FitQuestions
from bot.services.sessions.member_data import SessionMemberData
from bot.services.sessions.records import (
    DuplicateSessionError,
    FitQuestion,
    FitResult,
    GoalFromStep,
    LoggedSession,
    MyReflection,
    PairTotals,
    Reflection,
    ReflectionChange,
    ReflectionDraft,
    RematchAsk,
    RematchRequest,
    ReminderDelivery,
    ReminderPlan,
    Session,
    SessionFacts,
    SessionListItem,
    SessionTotals,
    ThreadView,
)
from bot.services.sessions.reminders import ORPHAN_RETRY_WINDOW, ReflectionReminders
from bot.services.sessions.reports import SessionReports
from bot.services.sessions.service import LIST_LIMIT, SessionService
from bot.services.sessions.threads import THREAD_CLAIM_TTL, SessionThreads

__all__ = [
    "LIST_LIMIT",
    "ORPHAN_RETRY_WINDOW",
    "THREAD_CLAIM_TTL",
    "DuplicateSessionError",
    "FitQuestion",
    "FitQuestions",
    "FitResult",
    "GoalFromStep",
    "LoggedSession",
    "MyReflection",
    "PairTotals",
    "Reflection",
    "ReflectionChange",
    "ReflectionDraft",
    "ReflectionReminders",
    "RematchAsk",
    "RematchRequest",
    "ReminderDelivery",
    "ReminderPlan",
    "Session",
    "SessionFacts",
    "SessionListItem",
    "SessionMemberData",
    "SessionReports",
    "SessionService",
    "SessionThreads",
    "SessionTotals",
    "ThreadView",
]
