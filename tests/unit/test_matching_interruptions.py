"""Matching when Discord or the process stumbles: a prompt Discord did not answer for is
asked again, introduction threads are told from orphans, and reservations wait for the
start-up check."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace
from typing import Any
from unittest.mock import Mock, create_autospec

import aiohttp
import discord
import pytest

from bot import threads
from bot.db.database import Database
from bot.domain import questionnaire as qn
from bot.services.matching import (
    FOLLOWUP_RETRY_AFTER,
    FOLLOWUP_RETRY_DELAYS,
    EndReason,
    MatchingService,
)
from bot.services.onboarding import OnboardingService
from bot.services.settings import SettingsService
from tests.support import FakeClock
from tests.unit.support import GUILD, MENTEE, MENTOR, add_member

DIRECTOR = 444_444_444_444_444_444
QUESTIONNAIRE = qn.load_questionnaire(
    Path(__file__).resolve().parents[2] / "data" / "questionnaire.toml"
)


@pytest.fixture
async def matching(db: Database, clock: FakeClock) -> MatchingService:
    settings = SettingsService(db, clock)
    service = MatchingService(db, clock, settings, OnboardingService(db, clock, QUESTIONNAIRE))
    await add_member(db, clock, MENTEE, answers={"role": "mentee"})
    await add_member(db, clock, MENTOR, role="mentor", capacity=2, answers={"role": "mentor"})
    return service


async def _introduced(matching: MatchingService, thread_id: int = 9001) -> int:
    match = await matching.create_match(GUILD, MENTEE, MENTOR, DIRECTOR)
    await matching.record_introduction(match.id, thread_id, DIRECTOR)
    return match.id


async def test_a_prompt_discord_did_not_answer_for_is_offered_again_later(
    matching: MatchingService, clock: FakeClock, db: Database
) -> None:
    await _introduced(matching)
    clock.advance(timedelta(days=7))
    prompts = await matching.claim_due_followups(clock.now(), limit=1)
    (prompt,) = prompts
    retry_at = await matching.retry_followup_later(prompt)
    assert retry_at == clock.now() + FOLLOWUP_RETRY_AFTER
    assert (
        await db.fetchval(
            "SELECT delivery FROM match_followups WHERE member_id = ?", (prompt.member_id,)
        )
        is None
    ), "not recorded as unreachable"
    assert await matching.next_followup_due() == clock.now(), "the partner's is still due"
    other = await matching.claim_due_followups(clock.now())
    assert [p.member_id for p in other] == [prompt.partner_id]
    await matching.record_delivery(other[0], "dm")
    assert await matching.next_followup_due() == retry_at

    clock.advance(FOLLOWUP_RETRY_AFTER)
    (again,) = await matching.claim_due_followups(clock.now())
    assert (again.member_id, again.round, again.nonce) == (
        prompt.member_id,
        prompt.round,
        prompt.nonce,
    )
    await matching.record_delivery(again, "thread")
    assert await matching.claim_due_followups(clock.now() + timedelta(days=1)) == []


async def test_a_retry_never_takes_back_a_prompt_already_sent(
    matching: MatchingService, clock: FakeClock
) -> None:
    await _introduced(matching)
    clock.advance(timedelta(days=7))
    prompt, _ = await matching.claim_due_followups(clock.now())
    await matching.record_delivery(prompt, "dm")
    await matching.retry_followup_later(prompt)
    assert await matching.claim_due_followups(clock.now() + FOLLOWUP_RETRY_AFTER) == []


async def test_a_prompt_discord_keeps_failing_for_is_given_up_once_with_directors_told(
    matching: MatchingService, clock: FakeClock, db: Database
) -> None:
    await _introduced(matching)
    clock.advance(timedelta(days=7))
    prompt, partner = await matching.claim_due_followups(clock.now())
    await matching.record_delivery(partner, "dm")
    started = clock.now()
    for delay in FOLLOWUP_RETRY_DELAYS:
        assert await matching.retry_followup_later(prompt) == clock.now() + delay
        assert await matching.claim_due_followups(clock.now() + delay / 2) == []
        clock.advance(delay)
        (prompt,) = await matching.claim_due_followups(clock.now())
    assert timedelta(hours=12) <= clock.now() - started <= timedelta(days=2), "about a day"
    assert list(FOLLOWUP_RETRY_DELAYS) == sorted(FOLLOWUP_RETRY_DELAYS), "growing delays"

    assert await matching.retry_followup_later(prompt) is None, "given up"
    assert (
        await db.fetchval(
            "SELECT delivery FROM match_followups WHERE member_id = ?", (prompt.member_id,)
        )
        == "unreachable"
    )
    (line,) = [r["text"] for r in await db.fetchall("SELECT text FROM director_log_lines")]
    assert "Have you met yet?" in line and f"<@{prompt.member_id}>" in line
    assert f"<@{prompt.partner_id}>" in line and "(mentee)" in line
    assert await matching.retry_followup_later(prompt) is None
    assert await db.fetchval("SELECT COUNT(*) FROM director_log_lines") == 1, "told once"
    assert await matching.claim_due_followups(clock.now() + timedelta(days=30)) == []
    assert await matching.next_followup_due() is None


async def test_recorded_threads_are_told_from_the_rest(matching: MatchingService) -> None:
    assert await matching.recorded_threads(GUILD, []) == set()
    await _introduced(matching, thread_id=9001)
    assert await matching.recorded_threads(GUILD, [9001, 9002]) == {9001}
    assert await matching.recorded_threads(GUILD + 1, [9001]) == set(), "per server"
    await matching.end_match(GUILD, MENTEE, EndReason.OTHER, DIRECTOR)
    assert await matching.recorded_threads(GUILD, [9001]) == {9001}, "ended matches too"


async def test_reservations_wait_while_introductions_are_held(
    matching: MatchingService, db: Database, clock: FakeClock
) -> None:
    assert (await matching.create_match(GUILD, MENTEE, MENTOR, DIRECTOR)).id, "open by default"
    await db.execute("DELETE FROM matches")
    matching = MatchingService(
        db,
        clock,
        SettingsService(db, clock),
        OnboardingService(db, clock, QUESTIONNAIRE),
        hold_introductions=True,
    )
    waiting = asyncio.create_task(matching.create_match(GUILD, MENTEE, MENTOR, DIRECTOR))
    await asyncio.sleep(0)
    await asyncio.sleep(0)
    assert not waiting.done()
    assert await matching.active_match_of_mentee(GUILD, MENTEE) is None
    matching.release_introductions()
    match = await asyncio.wait_for(waiting, timeout=5)
    assert match.mentee_id == MENTEE and match.mentor_id == MENTOR


# ----------------------------------------------------------- reading Discord's answers


def _response(status: int) -> Any:
    return SimpleNamespace(status=status, reason="", headers={})


@pytest.mark.parametrize(
    "failure",
    [
        TimeoutError(),
        aiohttp.ServerDisconnectedError(),
        aiohttp.ClientConnectorError(Mock(), OSError(111, "Connection refused")),
        discord.DiscordServerError(_response(503), {"code": 0, "message": "unavailable"}),
    ],
)
async def test_no_answer_from_discord_is_not_a_missing_thread(failure: BaseException) -> None:
    guild = create_autospec(discord.Guild, instance=True)
    guild.get_thread.return_value = None
    guild.fetch_channel.side_effect = failure
    with pytest.raises(threads.DiscordDidNotAnswer):
        await threads.thread_of(guild, 9001)


async def test_a_thread_discord_says_is_gone_is_missing() -> None:
    guild = create_autospec(discord.Guild, instance=True)
    guild.get_thread.return_value = None
    guild.fetch_channel.side_effect = discord.NotFound(
        _response(404), {"code": 10003, "message": "Unknown Channel"}
    )
    assert await threads.thread_of(guild, 9001) is None
    assert await threads.thread_of(guild, None) is None


@pytest.mark.parametrize(
    "failure",
    [
        TimeoutError(),
        aiohttp.ServerDisconnectedError(),
        discord.DiscordServerError(_response(503), {"code": 0, "message": "unavailable"}),
        discord.Forbidden(_response(403), {"code": 50013, "message": "Missing Permissions"}),
    ],
)
async def test_a_thread_discord_did_not_archive_is_not_archived(failure: BaseException) -> None:
    thread = create_autospec(discord.Thread, instance=True)
    thread.edit.side_effect = failure
    assert await threads.archive(thread) is False
    thread.edit.side_effect = None
    assert await threads.archive(thread) is True
