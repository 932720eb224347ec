"""Every place a member types a day, a time, a zone or a date reads it the same way.

Sign-up and `/profile edit` (the questionnaire's answers), `/checkin schedule`,
`/checkin pause` and `/goal add` are driven through their real entry points — the
questionnaire engine and the services against a real SQLite file — with the same text.
Whatever one accepts, the others accept with the same meaning; whatever one refuses, the
others refuse with the same message. Only each caller's own rule may differ (a goal may be
due today, a pause must end after today), and that is checked too.
"""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine, Iterator
from dataclasses import dataclass
from datetime import date, time
from pathlib import Path
from typing import Any, TypeVar

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from bot.db.database import Database
from bot.db.migrate import migrate
from bot.domain import questionnaire as qn
from bot.domain import wallclock
from bot.errors import UserError
from bot.services.checkins import CheckinService
from bot.services.goals import GoalService
from bot.services.settings import SettingsService
from tests.support import FakeClock

GUILD = 111_111_111_111_111_111
MENTEE = 222_222_222_222_222_222
TODAY = date(2026, 11, 2)  # FakeClock starts at 2026-11-02 09:00 UTC; London is on GMT

SHIPPED = Path(__file__).resolve().parents[2] / "data" / "questionnaire.toml"
QUESTIONNAIRE = qn.load_questionnaire(SHIPPED)

T = TypeVar("T")
SETTINGS = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def question(qid: str) -> qn.Question:
    found = QUESTIONNAIRE.question(qid)
    assert found is not None
    return found


@dataclass
class World:
    """The services on one event loop, reused by every example (hypothesis runs them in a
    plain function, so the loop is driven by hand)."""

    loop: asyncio.AbstractEventLoop
    db: Database
    goals: GoalService
    checkins: CheckinService

    def run(self, step: Coroutine[Any, Any, T]) -> T:
        return self.loop.run_until_complete(step)


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    loop = asyncio.new_event_loop()
    path = tmp_path_factory.mktemp("wallclock") / "mentorbot.sqlite3"
    db = loop.run_until_complete(Database.open(path))
    clock = FakeClock()
    goals = GoalService(db, clock)
    checkins = CheckinService(db, clock, SettingsService(db, clock), goals)
    w = World(loop, db, goals, checkins)
    w.run(migrate(db))
    w.run(
        db.execute(
            "INSERT INTO members (guild_id, user_id, status, role, timezone, checkin_weekday, "
            "checkin_time, updated_at) VALUES (?, ?, 'onboarded', 'mentee', 'Europe/London', "
            "0, '09:00', ?)",
            (GUILD, MENTEE, clock.now().isoformat()),
        )
    )
    w.run(checkins.set_schedule(GUILD, MENTEE, day="monday", at="09:00"))
    yield w
    w.run(db.close())
    loop.close()


Outcome = tuple[str, object]


def refused(message: str) -> Outcome:
    return ("refused", message)


# --------------------------------------------------------------------------- inputs

_DAY_WORDS = [
    *wallclock.DAY_NAMES,
    *wallclock.DAY_CODES,
    *(f"{name}s" for name in wallclock.DAY_NAMES),
    "weds",
    "tues",
    "thurs",
    "thur",
    "tu",
    "th",
    "Fri.",
    "sat,",
    "t",
    "s",
    "funday",
    "",
]


@st.composite
def day_texts(draw: st.DrawFn) -> str:
    word = draw(st.sampled_from(_DAY_WORDS))
    word = draw(st.sampled_from([word, word.upper(), word.lower(), word.title()]))
    return draw(st.sampled_from(["", " "])) + word + draw(st.sampled_from(["", " "]))


@st.composite
def written_times(draw: st.DrawFn) -> str:
    hour = draw(st.integers(0, 26))
    minute = draw(st.integers(0, 61))
    h12 = draw(st.integers(0, 13))
    meridiem = draw(st.sampled_from(["am", "pm", "AM", "p.m.", " a.m.", " pm"]))
    return draw(
        st.sampled_from(
            [
                f"{hour}",
                f"{hour:02d}",
                f"{hour}:{minute:02d}",
                f"{hour:02d}:{minute:02d}",
                f"{hour}.{minute:02d}",
                f"{hour}h{minute:02d}",
                f"{hour}h",
                f"{hour:02d}{minute:02d}",
                f"{h12}{meridiem}",
                f"{h12}:{minute:02d}{meridiem}",
                f"at {hour}:{minute:02d}",
                f"{hour}:{minute}",
                "noon",
                "Midday",
                "midnight",
                "",
                "nine",
            ]
        )
    )


time_texts = st.one_of(
    written_times(),
    st.text(alphabet="0123456789:.hapm ", max_size=8),
    st.text(max_size=8),
)


@st.composite
def written_dates(draw: st.DrawFn) -> str:
    d = draw(st.dates(min_value=date(2020, 1, 1), max_value=date(2100, 12, 31)))
    month = draw(st.sampled_from([wallclock.MONTH_NAMES[d.month - 1], f"{d:%b}", f"{d:%b}."]))
    return draw(
        st.sampled_from(
            [
                d.isoformat(),
                f"{d.year}/{d.month}/{d.day}",
                f"{d.day} {month}",
                f"{month} {d.day}",
                f"{d.day} {month} {d.year}",
                f"{month} {d.day}, {d.year}",
                f"{d.day}th of {month}",
                f"{d.day:02d}/{d.month:02d}/{d.year}",
                f"{d.year}-{d.month:02d}-{d.day + 3:02d}",  # sometimes not a real date
            ]
        )
    )


date_texts = st.one_of(
    written_dates(),
    st.sampled_from(["today", "Tomorrow", "yesterday", "next week", " ", "30 Feb", "29 feb"]),
    st.text(max_size=12),
)


# --------------------------------------------------------------------------- entry points


def signup_checkin(raw: object) -> Outcome:
    """The check-in question of sign-up and `/profile edit` (the modal's inputs)."""
    try:
        canonical = qn.validate(question("checkin"), raw)
    except qn.AnswerError as exc:
        return refused(str(exc))
    assert isinstance(canonical, str)
    return ("ok", wallclock.parse_weekday_time(canonical))


def checkin_schedule(w: World, day: str, at: str, zone: str = "Europe/London") -> Outcome:
    """`/checkin schedule day time timezone`."""
    try:
        view = w.run(w.checkins.set_schedule(GUILD, MENTEE, day=day, at=at, timezone=zone))
    except UserError as exc:
        return refused(str(exc))
    assert view.schedule is not None
    return ("ok", (view.schedule.weekday, view.schedule.local_time))


def goal_add(w: World, text: str) -> Outcome:
    """`/goal add title target_date`; the goal is removed again so the cap never bites."""
    try:
        goal = w.run(w.goals.add(GUILD, MENTEE, "Ship it", text))
    except UserError as exc:
        return refused(str(exc))
    w.run(w.db.execute("DELETE FROM goals WHERE id = ?", (goal.id,)))
    w.goals.forget(GUILD, MENTEE)
    return ("ok", goal.target_date)


def checkin_pause(w: World, text: str) -> Outcome:
    """`/checkin pause until`; resumed again afterwards."""
    try:
        view = w.run(w.checkins.pause(GUILD, MENTEE, text))
    except UserError as exc:
        return refused(str(exc))
    assert view.schedule is not None
    w.run(w.checkins.resume(GUILD, MENTEE))
    return ("ok", view.schedule.paused_until)


# --------------------------------------------------------------------------- properties


@SETTINGS
@given(day=day_texts(), at=time_texts)
def test_a_check_in_time_means_the_same_everywhere(world: World, day: str, at: str) -> None:
    modal = signup_checkin([day, at])
    assert checkin_schedule(world, day, at) == modal
    if len(day.split()) == 1 and at.strip():
        # The one-line form (how answers are stored) reads the same day and time.
        assert signup_checkin(f"{day} {at}") == modal
    if modal[0] == "ok":
        weekday, at_time = modal[1]  # type: ignore[misc]
        assert isinstance(at_time, time)
        assert wallclock.parse_day(day) == weekday
        assert wallclock.parse_time(at) == at_time


@pytest.mark.parametrize(
    ("day", "at", "expected"),
    [
        ("Weds", "9h30", (2, time(9, 30))),
        ("tues", "9", (1, time(9))),
        ("Thurs", "9am", (3, time(9))),
        ("Mondays", "9:30 pm", (0, time(21, 30))),
        ("sun", "noon", (6, time(12))),
        ("Friday", "21.30", (4, time(21, 30))),
    ],
)
def test_the_forms_the_issue_names_work_everywhere(
    world: World, day: str, at: str, expected: tuple[int, time]
) -> None:
    assert signup_checkin([day, at]) == ("ok", expected)
    assert signup_checkin(f"{day} {at}") == ("ok", expected)
    assert checkin_schedule(world, day, at) == ("ok", expected)


@SETTINGS
@given(
    text=st.one_of(
        st.sampled_from(["london", "Europe/London", "new york", "Europe/Londn", "Eastern"]),
        st.text(max_size=16),
    )
)
def test_a_time_zone_means_the_same_everywhere(world: World, text: str) -> None:
    assume(text.strip())  # an empty zone means "keep my zone" to /checkin schedule
    try:
        signup: Outcome = ("ok", qn.validate(question("timezone"), text))
    except qn.AnswerError as exc:
        signup = refused(str(exc))
    try:
        view = world.run(
            world.checkins.set_schedule(GUILD, MENTEE, day="monday", at="09:00", timezone=text)
        )
        assert view.schedule is not None
        schedule: Outcome = ("ok", view.schedule.timezone)
    except UserError as exc:
        schedule = refused(str(exc))
    assert schedule == signup


@SETTINGS
@given(text=date_texts)
def test_a_date_means_the_same_for_goals_and_pauses(world: World, text: str) -> None:
    assume(text)  # an empty option is a missing option, not a date
    try:
        meant: date | None = wallclock.parse_date(text, TODAY)
        message = ""
    except wallclock.WallClockError as exc:
        meant, message = None, str(exc)
    goal, paused = goal_add(world, text), checkin_pause(world, text)
    if meant is None:
        assert goal == paused == refused(message)
        return
    # Each caller keeps its own rule about the past, and nothing else differs.
    assert goal == (("ok", meant) if meant >= TODAY else goal)
    assert goal[0] == ("ok" if meant >= TODAY else "refused")
    assert paused == (("ok", meant) if meant > TODAY else paused)
    assert paused[0] == ("ok" if meant > TODAY else "refused")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("tomorrow", date(2026, 11, 3)),
        ("12 Jan", date(2027, 1, 12)),
        ("Jan 12", date(2027, 1, 12)),
        ("12 Jan 2027", date(2027, 1, 12)),
        ("2027-01-12", date(2027, 1, 12)),
    ],
)
def test_friendly_dates_work_for_goals_and_pauses(world: World, text: str, expected: date) -> None:
    assert goal_add(world, text) == ("ok", expected)
    assert checkin_pause(world, text) == ("ok", expected)


def test_today_is_a_goal_date_but_not_the_end_of_a_pause(world: World) -> None:
    assert goal_add(world, "today") == ("ok", TODAY)
    assert checkin_pause(world, "today") == refused(
        "Pick a date after today for your check-ins to start again."
    )


@pytest.mark.parametrize("at", [",", ",0", ", 9am"])
def test_a_stray_comma_before_the_time_is_read_the_same_everywhere(world: World, at: str) -> None:
    """Found by the property above: the one-line form once dropped a comma the two-input
    form and /checkin schedule refuse."""
    modal = signup_checkin(["Mon", at])
    assert modal[0] == "refused"
    assert signup_checkin(f"Mon {at}") == modal
    assert checkin_schedule(world, "Mon", at) == modal
