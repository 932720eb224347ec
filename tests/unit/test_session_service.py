"""The session service against a real SQLite file: logging, threads, reflections, goals, lists."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.db.database import Database
from bot.db.migrate import migrate
from bot.domain import sessions as rules
from bot.errors import UserError
from bot.services.sessions import THREAD_CLAIM_TTL, DuplicateSessionError
from tests.support import FakeClock
from tests.unit.session_env import GUILD, MAX, MEI, NOA, UMA, ZED, Env, standard

TODAY = date(2026, 11, 9)  # the standard set-up's "now" is 2026-11-09 09:00 UTC


@pytest.fixture
async def env(db: Database, clock: FakeClock) -> Env:
    return await standard(Env(db, clock))


# ------------------------------------------------------------------ logging


async def test_mentee_logs_with_their_one_mentor(env: Env) -> None:
    logged = await env.sessions.log_session(GUILD, MEI, minutes=45, topic="  Career\nplan ")
    s = logged.session
    assert (s.mentee_id, s.mentor_id, s.created_by, s.seq) == (MEI, MAX, MEI, 1)
    assert (s.on, s.minutes, s.topic, s.cohort_id) == (TODAY, 45, "Career plan", env.cohort_id)
    assert s.thread_id is None and not s.thread_ready and s.thread_problem is None
    assert logged.ask_fit
    assert await env.count("session_reminders") == 2
    again = await env.sessions.log_session(
        GUILD, MAX, partner_id=MEI, minutes=30, on=date(2026, 11, 8)
    )
    assert again.session.seq == 2 and not again.ask_fit
    assert await env.count("fit_answers") == 1


async def test_default_date_is_today_where_the_member_lives(env: Env) -> None:
    await env.db.execute(
        "UPDATE members SET timezone = 'Pacific/Auckland' WHERE user_id = ?", (MEI,)
    )
    env.clock.set(datetime(2026, 11, 9, 20, 0, tzinfo=UTC))  # already the 10th in Auckland
    logged = await env.sessions.log_session(GUILD, MEI, minutes=60)
    assert logged.session.on == date(2026, 11, 10)
    assert logged.session.topic is None


async def test_mentor_of_two_names_the_partner(env: Env) -> None:
    with pytest.raises(UserError, match="You mentor 2 people"):
        await env.sessions.log_session(GUILD, MAX, minutes=60)
    logged = await env.sessions.log_session(GUILD, MAX, partner_id=NOA, minutes=60)
    assert (logged.session.mentee_id, logged.session.seq) == (NOA, 1)


@pytest.mark.parametrize(
    ("actor", "partner", "message"),
    [
        (ZED, None, "no active mentor or mentee"),
        (UMA, None, "no active mentor or mentee"),
        (ZED, MAX, "only with your own mentor or mentee"),
        (MEI, UMA, "only with your own mentor or mentee"),
        (MEI, NOA, "only with your own mentor or mentee"),  # two mentees of one mentor
        (MEI, MEI, "not with yourself"),
        (UMA, MEI, "only with your own mentor or mentee"),
    ],
)
async def test_only_the_pair_may_log(
    env: Env, actor: int, partner: int | None, message: str
) -> None:
    with pytest.raises(UserError, match=message):
        await env.sessions.log_session(GUILD, actor, partner_id=partner, minutes=60)
    assert await env.count("sessions") == 0


async def test_other_servers_pairs_do_not_count(env: Env) -> None:
    with pytest.raises(UserError, match="no active mentor"):
        await env.sessions.log_session(GUILD + 1, MEI, minutes=60)


async def test_a_match_still_being_introduced_is_not_a_pair(env: Env) -> None:
    await env.match(ZED, UMA, introduced=False)
    with pytest.raises(UserError, match="no active mentor"):
        await env.sessions.log_session(GUILD, ZED, minutes=60)
    with pytest.raises(UserError, match="only with your own"):
        await env.sessions.log_session(GUILD, UMA, partner_id=ZED, minutes=60)


async def test_ended_match_may_log_within_its_running_cohort(env: Env) -> None:
    env.clock.advance(timedelta(days=3))
    await env.end(MEI)
    with pytest.raises(UserError, match="no active mentor"):
        await env.sessions.log_session(GUILD, MEI, minutes=60)
    logged = await env.sessions.log_session(
        GUILD, MEI, partner_id=MAX, minutes=60, on=date(2026, 11, 11)
    )
    assert logged.session.seq == 1
    env.clock.advance(timedelta(days=5))
    with pytest.raises(UserError, match="ended before"):
        await env.sessions.log_session(GUILD, MAX, partner_id=MEI, minutes=60)
    await env.close_cohort()
    with pytest.raises(UserError, match="earlier cohort"):
        await env.sessions.log_session(
            GUILD, MEI, partner_id=MAX, minutes=60, on=date(2026, 11, 12)
        )


async def test_ended_match_without_a_cohort_is_over(db: Database, clock: FakeClock) -> None:
    env = Env(db, clock)
    await env.member(MEI, "mentee")
    await env.member(MAX, "mentor")
    await env.match(MEI, MAX)
    await env.end(MEI)
    with pytest.raises(UserError, match="only with your own"):
        await env.sessions.log_session(GUILD, MEI, partner_id=MAX, minutes=60)


@pytest.mark.parametrize(
    ("on", "minutes", "topic", "message"),
    [
        (date(2026, 11, 10), 60, None, "hasn't happened yet"),
        (date(2025, 11, 8), 60, None, "up to a year back"),
        (date(2026, 10, 30), 60, None, "log sessions from the day your match began"),
        (None, 4, None, "5 to 600 minutes"),
        (None, 601, None, "5 to 600 minutes"),
        (None, 60, " \u200b ", "topic in a few words"),
        (None, 60, "t" * 101, "keep it to 100"),
    ],
)
async def test_bad_input_is_refused_and_nothing_stored(
    env: Env, on: date | None, minutes: int, topic: str | None, message: str
) -> None:
    with pytest.raises(UserError, match=message):
        await env.sessions.log_session(GUILD, MEI, minutes=minutes, on=on, topic=topic)
    assert await env.count("sessions") == 0
    assert await env.count("session_reminders") == 0


async def test_the_same_day_twice_points_at_the_first(env: Env) -> None:
    first = await env.sessions.log_session(GUILD, MEI, minutes=60)
    with pytest.raises(DuplicateSessionError) as info:
        await env.sessions.log_session(GUILD, MAX, partner_id=MEI, minutes=50)
    assert info.value.existing == first.session
    assert f"<@{MEI}>" in info.value.message and "Session 1" in info.value.message
    assert await env.count("sessions") == 1


async def test_session_for_refuses_outsiders(env: Env) -> None:
    s = (await env.sessions.log_session(GUILD, MEI, minutes=60)).session
    assert await env.sessions.session_for(s.id, MAX) == s
    with pytest.raises(UserError, match="another pair"):
        await env.sessions.session_for(s.id, NOA)
    with pytest.raises(UserError, match="can't find"):
        await env.sessions.session_for(s.id + 99, MEI)


# ------------------------------------------------------------------- threads


async def test_thread_claimed_by_the_logger_then_made(env: Env) -> None:
    s = (await env.sessions.log_session(GUILD, MEI, minutes=60)).session
    assert await env.sessions.threads.claim_thread(s.id) is None  # the logger is making it
    made = await env.sessions.threads.record_thread_created(s.id, 777)
    assert made.thread_id == 777 and not made.thread_ready
    assert [x.id for x in await env.sessions.threads.sessions_without_thread(GUILD)] == [s.id]
    ready = await env.sessions.threads.record_thread_ready(s.id)
    assert ready.thread_ready
    assert await env.sessions.threads.sessions_without_thread(GUILD) == []
    assert await env.sessions.threads.claim_thread(s.id) is None


async def test_missing_permission_keeps_the_session_for_later(env: Env) -> None:
    s = (await env.sessions.log_session(GUILD, MEI, minutes=60)).session
    failed = await env.sessions.threads.record_thread_problem(s.id, "missing_permission")
    assert failed.thread_problem == "missing_permission" and failed.thread_id is None
    assert [x.id for x in await env.sessions.threads.sessions_without_thread(GUILD)] == [s.id]
    assert await env.sessions.threads.sessions_without_thread(GUILD + 1) == []
    retry = await env.sessions.threads.claim_thread(s.id)
    assert retry is not None and retry.id == s.id
    assert await env.sessions.threads.claim_thread(s.id) is None  # one attempt at a time
    await env.sessions.threads.record_thread_created(s.id, 778)
    ready = await env.sessions.threads.record_thread_ready(s.id)
    assert ready.thread_ready and ready.thread_problem is None


async def test_an_interrupted_thread_claim_expires(env: Env) -> None:
    s = (await env.sessions.log_session(GUILD, MEI, minutes=60)).session
    env.clock.advance(THREAD_CLAIM_TTL - timedelta(seconds=1))
    assert await env.sessions.threads.claim_thread(s.id) is None
    env.clock.advance(timedelta(seconds=1))
    assert await env.sessions.threads.claim_thread(s.id) is not None


# --------------------------------------------------------------- reflections

MEI_WORDS = {"stood_out": "Ask for feedback early", "next_step": "Book a 1:1 with my lead"}
MAX_WORDS = {"went_well": "Mei led the agenda", "learned": "Silence gives room"}


async def logged(env: Env) -> int:
    return (await env.sessions.log_session(GUILD, MEI, minutes=60)).session.id


async def test_private_by_default_and_never_shown_to_the_partner(env: Env) -> None:
    sid = await logged(env)
    change = await env.sessions.write_reflection(sid, MEI, MEI_WORDS, share=False)
    assert (change.action, change.message_id, change.created) == ("none", None, True)
    assert change.reflection.answers == MEI_WORDS and not change.reflection.shared
    assert (await env.sessions.thread_view(sid)).shared == ()
    assert await env.sessions.own_reflection(sid, MAX) is None  # only their own, none yet
    mine = await env.sessions.own_reflection(sid, MEI)
    assert mine is not None and mine.answers == MEI_WORDS
    with pytest.raises(UserError, match="another pair"):
        await env.sessions.own_reflection(sid, NOA)


async def test_forms_follow_the_role(env: Env) -> None:
    sid = await logged(env)
    draft = await env.sessions.reflection_draft(sid, MAX)
    assert draft.role == "mentor" and [f.id for f in draft.form.fields] == ["went_well", "learned"]
    with pytest.raises(UserError, match="What went well"):
        await env.sessions.write_reflection(sid, MAX, MEI_WORDS, share=True)
    change = await env.sessions.write_reflection(sid, MAX, MAX_WORDS, share=True)
    assert change.reflection.role == "mentor" and change.action == "post"
    with pytest.raises(UserError, match="another pair"):
        await env.sessions.write_reflection(sid, UMA, MAX_WORDS, share=True)
    assert await env.count("reflections") == 1


async def test_share_later_edit_and_take_back_until_read(env: Env) -> None:
    sid = await logged(env)
    await env.sessions.write_reflection(sid, MEI, MEI_WORDS, share=False)
    shared = await env.sessions.share_reflection(sid, MEI)
    assert (shared.action, shared.created) == ("post", False) and shared.reflection.shared
    await env.sessions.record_posted(sid, MEI, 901)
    view = await env.sessions.thread_view(sid)
    assert [r.author_id for r in view.shared] == [MEI] and view.shared[0].posted_message_id == 901

    edited = await env.sessions.write_reflection(
        sid, MEI, {**MEI_WORDS, "stood_out": "Ask early"}, share=True
    )
    assert (edited.action, edited.message_id) == ("edit", 901)
    assert edited.reflection.edited_at == env.clock.now()

    private = await env.sessions.make_private(sid, MEI)
    assert (private.action, private.message_id) == ("remove", 901)
    assert (await env.sessions.thread_view(sid)).shared == ()

    await env.sessions.share_reflection(sid, MEI)
    await env.sessions.record_posted(sid, MEI, 902)
    assert await env.sessions.mark_read(sid, NOA) is False  # not of the pair
    assert await env.sessions.mark_read(sid, MEI) is False  # one's own is not "read by partner"
    assert await env.sessions.mark_read(sid, MAX) is True
    assert await env.sessions.mark_read(sid, MAX) is False
    with pytest.raises(UserError, match="already read"):
        await env.sessions.make_private(sid, MEI)
    with pytest.raises(UserError, match="already read"):
        await env.sessions.write_reflection(sid, MEI, MEI_WORDS, share=False)
    mine = await env.sessions.own_reflection(sid, MEI)
    assert mine is not None and mine.shared and mine.answers["stood_out"] == "Ask early"
    again = await env.sessions.write_reflection(sid, MEI, MEI_WORDS, share=True)
    assert (again.action, again.message_id) == ("edit", 902)  # still editable once read


async def test_a_share_whose_post_was_lost_is_posted_again(env: Env) -> None:
    sid = await logged(env)
    await env.sessions.write_reflection(sid, MEI, MEI_WORDS, share=True)  # post never recorded
    again = await env.sessions.write_reflection(sid, MEI, MEI_WORDS, share=True)
    assert (again.action, again.message_id) == ("post", None)


async def test_sharing_needs_a_reflection(env: Env) -> None:
    sid = await logged(env)
    with pytest.raises(UserError, match="Write your reflection first"):
        await env.sessions.share_reflection(sid, MEI)


async def test_by_when_is_a_date_ahead_unless_kept_from_before(env: Env) -> None:
    sid = await logged(env)
    with pytest.raises(UserError, match="YYYY-MM-DD"):
        await env.sessions.write_reflection(sid, MEI, {**MEI_WORDS, "by_when": "soon"}, share=False)
    with pytest.raises(UserError, match="already passed"):
        await env.sessions.write_reflection(
            sid, MEI, {**MEI_WORDS, "by_when": "2026-11-08"}, share=False
        )
    answers = {**MEI_WORDS, "by_when": " 2026-11-20 "}
    change = await env.sessions.write_reflection(sid, MEI, answers, share=False)
    assert change.reflection.answers["by_when"] == "2026-11-20"
    env.clock.advance(timedelta(days=30))
    kept = await env.sessions.write_reflection(
        sid, MEI, {**answers, "stood_out": "Later thought"}, share=False
    )
    assert kept.reflection.answers["by_when"] == "2026-11-20"


# --------------------------------------------------------------------- goals


async def test_next_step_becomes_one_goal(env: Env) -> None:
    sid = await logged(env)
    await env.sessions.write_reflection(
        sid, MEI, {**MEI_WORDS, "by_when": "2026-11-30"}, share=False
    )
    first, second = await asyncio.gather(
        env.sessions.next_step_to_goal(sid, MEI), env.sessions.next_step_to_goal(sid, MEI)
    )
    assert sorted([first.created, second.created]) == [False, True]
    assert first.goal == second.goal
    goal = first.goal
    assert (goal.title, goal.target_date, goal.user_id) == (
        "Book a 1:1 with my lead",
        date(2026, 11, 30),
        MEI,
    )
    assert [g.id for g in await env.goals.open_goals(GUILD, MEI)] == [goal.id]  # check-ins see it
    again = await env.sessions.next_step_to_goal(sid, MEI)
    assert not again.created and again.goal.id == goal.id


async def test_a_passed_by_when_gives_a_goal_without_date(env: Env) -> None:
    sid = await logged(env)
    await env.sessions.write_reflection(
        sid, MEI, {**MEI_WORDS, "by_when": "2026-11-10"}, share=False
    )
    env.clock.advance(timedelta(days=3))
    made = await env.sessions.next_step_to_goal(sid, MEI)
    assert made.created and not made.target_kept and made.goal.target_date is None


async def test_only_the_mentees_written_next_step(env: Env) -> None:
    sid = await logged(env)
    with pytest.raises(UserError, match="Write your next step"):
        await env.sessions.next_step_to_goal(sid, MEI)
    await env.sessions.write_reflection(sid, MEI, {"stood_out": "x"}, share=False)
    with pytest.raises(UserError, match="Write your next step"):
        await env.sessions.next_step_to_goal(sid, MEI)
    await env.sessions.write_reflection(sid, MAX, MAX_WORDS, share=False)
    with pytest.raises(UserError, match="Only the mentee"):
        await env.sessions.next_step_to_goal(sid, MAX)
    with pytest.raises(UserError, match="another pair"):
        await env.sessions.next_step_to_goal(sid, NOA)
    assert await env.goals.open_goals(GUILD, MEI) == ()


# ---------------------------------------------------------------------- list


async def test_list_shows_each_member_their_sessions(env: Env) -> None:
    a = (await env.sessions.log_session(GUILD, MEI, minutes=60, on=date(2026, 11, 5))).session
    b = (await env.sessions.log_session(GUILD, MAX, partner_id=NOA, minutes=30)).session
    c = (await env.sessions.log_session(GUILD, MAX, partner_id=MEI, minutes=45)).session
    await env.sessions.write_reflection(c.id, MEI, MEI_WORDS, share=True)
    await env.sessions.write_reflection(a.id, MEI, MEI_WORDS, share=False)

    mei = await env.sessions.list_sessions(GUILD, MEI)
    assert [(i.session.id, i.role, i.partner_id, i.my_reflection) for i in mei] == [
        (c.id, "mentee", MAX, "shared"),
        (a.id, "mentee", MAX, "private"),
    ]
    mentor = await env.sessions.list_sessions(GUILD, MAX)
    assert [(i.session.id, i.partner_id, i.my_reflection) for i in mentor] == [
        (c.id, MEI, "none"),
        (b.id, NOA, "none"),
        (a.id, MEI, "none"),
    ]
    assert await env.sessions.count_sessions(GUILD, MAX) == 3
    assert [
        i.session.id for i in await env.sessions.list_sessions(GUILD, MAX, limit=1, offset=1)
    ] == [b.id]
    assert await env.sessions.list_sessions(GUILD + 1, MAX) == []
    assert await env.sessions.list_sessions(GUILD, ZED) == []


# ------------------------------------------------------------------ any text

TEXT = st.text(alphabet=st.characters(codec="utf-8") | st.sampled_from("\u200b\u3164\ufeff\x00"))


@settings(max_examples=30, deadline=None)
@given(topic=TEXT, words=TEXT)
async def test_any_text_is_stored_as_cleaned_or_refused_kindly(topic: str, words: str) -> None:
    """Whatever a member types, the service stores what the rules cleaned (the table's CHECKs
    agree with them) or answers with a UserError; never another exception."""
    db = await Database.open(":memory:")
    try:
        await migrate(db)
        env = await standard(Env(db, FakeClock()))
        try:
            logged = await env.sessions.log_session(GUILD, MEI, minutes=60, topic=topic)
        except UserError:
            assert await env.count("sessions") == 0
        else:
            assert logged.session.topic == rules.clean_topic(topic)
            stored = await env.sessions.get(logged.session.id)
            assert stored == logged.session
        sid = (await env.sessions.log_session(GUILD, MAX, partner_id=NOA, minutes=60)).session.id
        try:
            change = await env.sessions.write_reflection(
                sid, MAX, {"went_well": words, "learned": words}, share=True
            )
        except UserError:
            assert await env.count("reflections") == 0
        else:
            mine = await env.sessions.own_reflection(sid, MAX)
            assert mine is not None and mine.answers == change.reflection.answers
            assert mine.answers == rules.clean_answers(
                rules.MENTOR_FORM, {"went_well": words, "learned": words}
            )
    finally:
        await db.close()


async def test_a_failed_attempt_releases_its_claim_but_not_a_later_one(env: Env) -> None:
    s = (await env.sessions.log_session(GUILD, MEI, minutes=60)).session
    started = env.clock.now()
    await env.sessions.threads.release_thread(s.id, started)  # Discord failed: retry at once
    retry = await env.sessions.threads.claim_thread(s.id)
    assert retry is not None and await env.sessions.threads.claim_thread(s.id) is None

    # A slow attempt outlived its claim and another took it: the slow one's failure
    # leaves the newer claim alone, so no third attempt makes a second thread.
    env.clock.advance(THREAD_CLAIM_TTL)
    assert await env.sessions.threads.claim_thread(s.id) is not None
    await env.sessions.threads.release_thread(s.id, started)
    assert await env.sessions.threads.claim_thread(s.id) is None

    # A made thread is never claimed again, released or not.
    await env.sessions.threads.record_thread_created(s.id, 779)
    await env.sessions.threads.record_thread_ready(s.id)
    await env.sessions.threads.release_thread(s.id, env.clock.now())
    assert await env.sessions.threads.claim_thread(s.id) is None
