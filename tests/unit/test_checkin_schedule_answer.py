"""The check-in schedule is one fact: `/checkin schedule` and the sign-up's check-in and
time-zone answers (what `/profile view|edit` shows) say the same, whichever changed last."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from bot.db.database import Database
from bot.domain import questionnaire as qn
from bot.domain.schedule import Cadence
from bot.services.checkins import CheckinService, ScheduleView
from bot.services.goals import GoalService
from bot.services.onboarding import OnboardingService
from bot.services.settings import SettingsService
from tests.support import FakeClock

GUILD = 1100000000000000100
ALICE = 1100000000000000201
QUESTIONNAIRE = qn.load_questionnaire(
    Path(__file__).resolve().parents[2] / "data" / "questionnaire.toml"
)
# Every answer a mentee gives, by question id; the walk below answers what each step asks.
SIGNUP: dict[str, object] = {
    "language": "en",
    "role": "mentee",
    "areas": ["leadership"],
    "goals": "Lead my first team",
    "bio": "",
    "experience": "3-5",
    "timezone": "Europe/London",
    "checkin": ["Monday", "09:00"],
    "consent": "agree",
}
CHECKIN_LABEL = "Check-in day and time"
TIMEZONE_LABEL = "Your time zone"


@dataclass
class Stack:
    onboarding: OnboardingService
    checkins: CheckinService

    async def finish(self) -> ScheduleView | None:
        """What finishing the questionnaire does: complete, then the schedule follows."""
        completion = await self.onboarding.complete(GUILD, ALICE)
        await self.onboarding.set_role_assigned(GUILD, ALICE, True)
        return await self.checkins.follow_signup(
            GUILD, ALICE, schedule_changed=completion.schedule_changed
        )

    async def edit(self, raws: dict[str, object]) -> ScheduleView | None:
        """`/profile edit` of one answer: finished again only when something derived from
        the answers changed, as the onboarding flow does."""
        screen = await self.onboarding.answer(GUILD, ALICE, raws)
        assert screen.complete
        if not await self.onboarding.needs_completion(GUILD, ALICE):
            return None
        return await self.finish()

    async def profile(self) -> dict[str, str]:
        profile = await self.onboarding.profile(GUILD, ALICE, viewer="self")
        assert profile is not None
        return dict(profile.rows)

    async def schedule(self) -> tuple[str, str, Cadence]:
        """The schedule as `/checkin schedule` shows it, in the profile's words."""
        view = await self.checkins.schedule(GUILD, ALICE)
        assert view.schedule is not None
        s = view.schedule
        day, at = qn.split_weekday_time(qn.format_weekday_time(s.weekday, s.local_time))
        return f"{day} {at}", s.timezone, s.cadence

    async def agree(self) -> tuple[str, str, Cadence]:
        """Both places show the same day, time and zone; returns them and the cadence."""
        when, zone, cadence = await self.schedule()
        rows = await self.profile()
        assert (rows[CHECKIN_LABEL], rows[TIMEZONE_LABEL]) == (when, zone)
        # Nothing is left for the questionnaire to finish again (no second sign-up message).
        assert not await self.onboarding.needs_completion(GUILD, ALICE)
        return when, zone, cadence


@pytest.fixture
async def stack(db: Database, clock: FakeClock) -> Stack:
    settings = SettingsService(db, clock)
    goals = GoalService(db, clock)
    s = Stack(
        OnboardingService(db, clock, QUESTIONNAIRE, goals),
        CheckinService(db, clock, settings, goals),
    )
    screen = await s.onboarding.start(GUILD, ALICE)
    while screen.step is not None:
        screen = await s.onboarding.answer(
            GUILD, ALICE, {q.id: SIGNUP[q.id] for q in screen.step.questions}
        )
    assert await s.finish() is None, "a first sign-up starts the schedule; nothing moved"
    assert await s.agree() == ("Monday 09:00", "Europe/London", Cadence.WEEKLY)
    return s


async def test_checkin_schedule_changes_the_profile_answer(stack: Stack) -> None:
    view = await stack.checkins.set_schedule(
        GUILD, ALICE, day="friday", at="5:30pm", timezone="new york", cadence="fortnightly"
    )
    assert view.schedule is not None and view.schedule.timezone == "America/New_York"
    assert await stack.agree() == ("Friday 17:30", "America/New_York", Cadence.FORTNIGHTLY)


async def test_profile_answer_moves_the_schedule_and_keeps_its_cadence(stack: Stack) -> None:
    await stack.checkins.set_schedule(GUILD, ALICE, day="friday", at="17:30", cadence="fortnightly")
    moved = await stack.edit({"checkin": ["Thursday", "18:30"]})
    assert moved is not None and moved.schedule is not None and moved.next_due_at is not None
    assert moved.next_due_at.astimezone(moved.schedule.zone).weekday() == 3
    assert await stack.agree() == ("Thursday 18:30", "Europe/London", Cadence.FORTNIGHTLY)
    moved = await stack.edit({"timezone": "Asia/Tokyo"})
    assert moved is not None
    assert await stack.agree() == ("Thursday 18:30", "Asia/Tokyo", Cadence.FORTNIGHTLY)


async def test_whichever_changed_last_wins(stack: Stack) -> None:
    await stack.checkins.set_schedule(GUILD, ALICE, day="tuesday", at="08:00")
    assert (await stack.agree())[0] == "Tuesday 08:00"
    await stack.edit({"checkin": ["Wednesday", "12:00"]})
    assert (await stack.agree())[0] == "Wednesday 12:00"
    await stack.checkins.set_schedule(GUILD, ALICE, day="saturday", at="10:15")
    assert (await stack.agree())[0] == "Saturday 10:15"


async def test_editing_another_answer_leaves_the_schedule_alone(stack: Stack) -> None:
    await stack.checkins.set_schedule(GUILD, ALICE, day="tuesday", at="08:00")
    assert await stack.edit({"areas": ["product"]}) is None
    assert await stack.agree() == ("Tuesday 08:00", "Europe/London", Cadence.WEEKLY)


async def test_a_pause_survives_a_profile_change(stack: Stack) -> None:
    await stack.checkins.pause(GUILD, ALICE, None)
    moved = await stack.edit({"checkin": ["Thursday", "18:30"]})
    assert moved is not None and moved.paused and moved.next_due_at is None
    assert (await stack.agree())[0] == "Thursday 18:30"
