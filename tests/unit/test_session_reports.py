"""Directors' numbers about sessions, and the promise behind them: no member's words."""

from __future__ import annotations

import dataclasses
import inspect
import logging
from collections.abc import Mapping
from datetime import date, timedelta
from typing import Any

import pytest

from bot.db.database import Database
from bot.services.sessions import PairTotals, SessionReports, SessionTotals
from tests.support import FakeClock
from tests.unit.session_env import GUILD, MAX, MEI, NOA, Env, standard

SECRET_TOPIC = "TOPIC-zebra-lighthouse"
SECRET_WORDS = {
    "stood_out": "STOOD-OUT-violet-anchor",
    "next_step": "NEXT-STEP-copper-kite",
    "went_well": "WENT-WELL-amber-fjord",
    "learned": "LEARNED-silver-moss",
}
SECRETS = (SECRET_TOPIC, *SECRET_WORDS.values(), "not_good", "deciding")


@pytest.fixture
async def env(db: Database, clock: FakeClock) -> Env:
    return await standard(Env(db, clock))


async def busy_cohort(env: Env) -> dict[str, int]:
    """Three sessions for MEI–MAX, one for NOA–MAX, reflections shared and private, a fit
    answer and a re-match request: everything a director must not read is in there."""
    ids: dict[str, int] = {}
    for n, (mentee, on, minutes) in enumerate(
        [
            (MEI, date(2026, 10, 20), 60),
            (MEI, date(2026, 11, 2), 45),
            (NOA, date(2026, 11, 3), 30),
            (MEI, date(2026, 11, 9), 90),
        ]
    ):
        if on < date(2026, 11, 2):  # before the match: pretend it was made earlier
            await env.db.execute(
                "UPDATE matches SET created_at = '2026-10-01T09:00:00.000000+00:00'"
            )
        logged = await env.sessions.log_session(
            GUILD, mentee, minutes=minutes, on=on, topic=f"{SECRET_TOPIC} {n}"
        )
        ids[f"s{n}"] = logged.session.id
        ids[f"m{mentee}"] = logged.session.match_id
    mentee_words = {k: SECRET_WORDS[k] for k in ("stood_out", "next_step")}
    mentor_words = {k: SECRET_WORDS[k] for k in ("went_well", "learned")}
    await env.sessions.write_reflection(ids["s0"], MEI, mentee_words, share=True)
    await env.sessions.write_reflection(ids["s0"], MAX, mentor_words, share=False)
    await env.sessions.write_reflection(ids["s2"], NOA, mentee_words, share=False)
    await env.sessions.next_step_to_goal(ids["s0"], MEI)
    await env.sessions.fit.answer(ids[f"m{MEI}"], MEI, "not_good")
    await env.sessions.fit.ask_rematch(ids[f"m{MEI}"], MEI)
    await env.sessions.fit.answer(ids[f"m{NOA}"], NOA, "deciding")
    return ids


async def test_totals_per_cohort_and_window(env: Env) -> None:
    await busy_cohort(env)
    reports = env.sessions.reports
    assert await reports.totals(GUILD) == SessionTotals(sessions=4, minutes=225, pairs=2)
    assert (await reports.totals(GUILD)).hours == 3.75
    assert await reports.totals(GUILD, cohort_id=env.cohort_id) == SessionTotals(4, 225, 2)
    assert await reports.totals(GUILD, cohort_id=(env.cohort_id or 0) + 1) == SessionTotals(0, 0, 0)
    last_30 = date(2026, 11, 9) - timedelta(days=30)
    assert await reports.totals(GUILD, since=date(2026, 11, 1)) == SessionTotals(3, 165, 2)
    assert await reports.totals(GUILD, since=last_30, until=date(2026, 11, 3)) == SessionTotals(
        2, 105, 1
    )
    assert await reports.totals(GUILD + 1) == SessionTotals(0, 0, 0)


async def test_totals_per_pair(env: Env) -> None:
    ids = await busy_cohort(env)
    pairs = await env.sessions.reports.pair_totals(GUILD, cohort_id=env.cohort_id)
    assert pairs == [
        PairTotals(
            ids[f"m{MEI}"], env.cohort_id, MEI, MAX, 3, 195, date(2026, 10, 20), date(2026, 11, 9)
        ),
        PairTotals(
            ids[f"m{NOA}"], env.cohort_id, NOA, MAX, 1, 30, date(2026, 11, 3), date(2026, 11, 3)
        ),
    ]
    recent = await env.sessions.reports.pair_totals(GUILD, since=date(2026, 11, 3))
    assert [(p.mentee_id, p.sessions) for p in recent] == [(MEI, 1), (NOA, 1)]


async def test_sessions_in_a_window_and_rematches(env: Env) -> None:
    ids = await busy_cohort(env)
    reports = env.sessions.reports
    window = await reports.sessions_between(GUILD, date(2026, 11, 2), date(2026, 11, 9))
    assert [(s.id, s.on, s.minutes, s.seq) for s in window] == [
        (ids["s1"], date(2026, 11, 2), 45, 2),
        (ids["s2"], date(2026, 11, 3), 30, 1),
    ]
    [asked] = await reports.rematch_requests(GUILD)
    assert (asked.match_id, asked.mentee_id, asked.mentor_id) == (ids[f"m{MEI}"], MEI, MAX)
    assert await reports.rematch_requests(GUILD, cohort_id=(env.cohort_id or 0) + 1) == []
    assert await reports.waiting_for_thread(GUILD) == 4
    await env.sessions.threads.record_thread_created(ids["s0"], 42)
    await env.sessions.threads.record_thread_ready(ids["s0"])
    assert await reports.waiting_for_thread(GUILD) == 3


def everything(value: Any) -> str:
    """Every value inside a result, including dataclass fields hidden from `repr`."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return " ".join(everything(getattr(value, f.name)) for f in dataclasses.fields(value))
    if isinstance(value, Mapping):
        return " ".join(f"{everything(k)} {everything(v)}" for k, v in value.items())
    if isinstance(value, list | tuple | set | frozenset):
        return " ".join(everything(v) for v in value)
    return str(value)


def _arguments(method: Any, env: Env, *, required_only: bool) -> dict[str, Any]:
    """Arguments for any report method, by parameter name; a new name fails loudly so the
    privacy test below covers every new director-facing query too."""
    known: dict[str, Any] = {
        "guild_id": GUILD,
        "cohort_id": env.cohort_id,
        "since": date(2025, 12, 1),
        "until": date(2026, 12, 1),
    }
    args: dict[str, Any] = {}
    for name, parameter in inspect.signature(method).parameters.items():
        assert name in known, f"teach the privacy test about {method.__name__}({name}=…)"
        if not required_only or parameter.default is inspect.Parameter.empty:
            args[name] = known[name]
    return args


async def test_no_director_facing_output_contains_member_words(
    env: Env, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    # As `configure_logging` does in production: SQL parameters are never logged.
    caplog.set_level(logging.WARNING, logger="aiosqlite")
    await busy_cohort(env)
    reports = env.sessions.reports
    methods = [
        getattr(reports, name)
        for name, _ in inspect.getmembers(SessionReports, inspect.iscoroutinefunction)
        if not name.startswith("_")
    ]
    assert len(methods) >= 5
    for method in methods:
        for required_only in (True, False):
            result = await method(**_arguments(method, env, required_only=required_only))
            assert result, f"{method.__name__} returned nothing to check"
            for secret in SECRETS:
                assert secret not in everything(result), f"{method.__name__} shows {secret!r}"
    # Nor does anything the session services logged along the way.
    for secret in SECRETS:
        assert secret not in caplog.text


async def test_the_audit_table_holds_no_member_words(env: Env) -> None:
    await busy_cohort(env)
    rows = await env.db.fetchall("SELECT action, detail FROM audit_log")
    for row in rows:
        for secret in SECRETS:
            assert secret not in f"{row['action']} {row['detail']}"


async def test_the_mentor_is_told_nothing_of_fit(env: Env) -> None:
    """Everything the mentor can be shown about their sessions carries no fit answer."""
    ids = await busy_cohort(env)
    shown = [
        await env.sessions.list_sessions(GUILD, MAX),
        await env.sessions.thread_view(ids["s0"]),
        await env.sessions.fit.pending(GUILD, MAX),
        await env.sessions.reflection_draft(ids["s0"], MAX),
    ]
    for item in shown:
        assert "not_good" not in everything(item) and "rematch_asked=True" not in repr(item)
    view = await env.sessions.thread_view(ids["s0"])
    assert [r.author_id for r in view.shared] == [MEI]  # MAX's private reflection stays out
    assert SECRET_WORDS["stood_out"] in everything(view)  # the helper does see words…
    assert SECRET_WORDS["went_well"] not in everything(view)  # …and MAX's are not there


async def test_member_words_stay_out_of_reprs(env: Env) -> None:
    """A record printed in a log line or a traceback shows ids, never what was written."""
    ids = await busy_cohort(env)
    session = await env.sessions.session_for(ids["s0"], MEI)
    mine = await env.sessions.own_reflection(ids["s0"], MEI)
    draft = await env.sessions.reflection_draft(ids["s0"], MEI)
    assert session.topic is not None and SECRET_TOPIC in session.topic
    assert mine is not None and mine.answers["stood_out"] == SECRET_WORDS["stood_out"]
    for record in (session, mine, draft, await env.sessions.thread_view(ids["s0"])):
        for secret in SECRETS[:-2]:
            assert secret not in repr(record)
