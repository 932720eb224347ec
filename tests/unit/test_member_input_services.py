"""The services that read member input themselves answer any text with the stored result or
a `UserError` (`AnswerError` from the questionnaire), never another exception, and store
nothing half-done: sign-up answers, goals and target dates, check-in notes, schedules and
pauses, session topics, lengths and reflections (with their "by when" date).

Each example runs on a fresh database in memory, so examples are few; the pure parsers
get many more in test_member_input_properties.py.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.db.database import Database
from bot.db.migrate import migrate
from bot.domain import questionnaire as qn
from bot.errors import UserError
from tests.support import FakeClock
from tests.unit.member_input import ANYTHING, TEXT
from tests.unit.privacy_env import GUILD, MAX, MEI, PrivacyEnv

SETTINGS = settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)


@asynccontextmanager
async def signed_up_pair() -> AsyncIterator[PrivacyEnv]:
    """Mei (mentee) and Max (mentor), introduced, on a fresh database."""
    db = await Database.open(":memory:")
    try:
        await migrate(db)
        env = PrivacyEnv(db, FakeClock())
        await env.sign_up(MEI, "mentee")
        await env.sign_up(MAX, "mentor")
        match = await env.matching.create_match(GUILD, MEI, MAX, 1)
        await env.matching.record_introduction(match.id, 7777, 1)
        yield env
    finally:
        await db.close()


@SETTINGS
@given(question=st.sampled_from(["bio", "goals", "timezone", "checkin", "areas"]), raw=ANYTHING)
async def test_a_sign_up_answer(question: str, raw: object) -> None:
    async with signed_up_pair() as env:
        before = await env.onboarding.get(GUILD, MEI)
        try:
            await env.onboarding.answer(GUILD, MEI, {question: raw})
        except (UserError, qn.AnswerError) as exc:
            assert str(exc)
            after = await env.onboarding.get(GUILD, MEI)
            assert after is not None and before is not None and after.answers == before.answers


@SETTINGS
@given(title=TEXT, target=st.one_of(st.none(), TEXT))
async def test_a_goal_and_its_target_date(title: str, target: str | None) -> None:
    async with signed_up_pair() as env:
        count = len(await env.goals.open_goals(GUILD, MEI))
        try:
            goal = await env.goals.add(GUILD, MEI, title, target)
        except UserError:
            assert len(await env.goals.open_goals(GUILD, MEI)) == count
        else:
            await env.goals.edit(GUILD, MEI, goal.id, goal.title, target)


@SETTINGS
@given(note=TEXT, share=st.booleans())
async def test_a_checkin_note(note: str, share: bool) -> None:
    async with signed_up_pair() as env:
        period = (await env.checkins.start_now(GUILD, MEI)).period_id
        await env.checkins.claim(period, 1, "dm", [])
        await env.checkins.mark_sent(period, 1, 2)
        try:
            await env.checkins.save_note(period, MEI, note, share)
        except UserError:
            assert await env.checkins.note_of(period, MEI) == ("", False)


@SETTINGS
@given(day=TEXT, at=TEXT, zone=st.one_of(st.none(), TEXT), until=st.one_of(st.none(), TEXT))
async def test_a_checkin_schedule_and_pause(
    day: str, at: str, zone: str | None, until: str | None
) -> None:
    async with signed_up_pair() as env:
        before = await env.checkins.schedule(GUILD, MEI)
        try:
            await env.checkins.set_schedule(GUILD, MEI, day=day, at=at, timezone=zone)
        except UserError:
            assert await env.checkins.schedule(GUILD, MEI) == before
        scheduled = await env.checkins.schedule(GUILD, MEI)
        try:
            await env.checkins.pause(GUILD, MEI, until)
        except UserError:
            assert await env.checkins.schedule(GUILD, MEI) == scheduled


@SETTINGS
@given(
    minutes=st.one_of(st.integers(), st.sampled_from([5, 45, 600])),
    topic=st.one_of(st.none(), TEXT),
    answers=st.dictionaries(
        st.sampled_from(["stood_out", "next_step", "by_when"]), st.one_of(st.none(), TEXT)
    ),
)
async def test_a_session_and_a_reflection(
    minutes: int, topic: str | None, answers: dict[str, str | None]
) -> None:
    async with signed_up_pair() as env:
        try:
            logged = await env.sessions.log_session(GUILD, MEI, minutes=minutes, topic=topic)
        except UserError:
            assert await env.count("SELECT count(*) FROM sessions") == 0
            logged = await env.sessions.log_session(GUILD, MEI, minutes=45)
        try:
            await env.sessions.write_reflection(logged.session.id, MEI, answers, share=False)
        except UserError:
            assert await env.sessions.own_reflection(logged.session.id, MEI) is None
