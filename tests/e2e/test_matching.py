"""Matching as directors, mentors and mentees live it: suggestions, an introduction in a
private thread, the "Have you met yet?" follow-up, ending a match, and listing pairs."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any

import pytest

from bot.app import MentorBot
from tests.e2e.support.matching import (
    cohort_for_a_proposal,
    fire,
    followups,
    introduce,
    introduced_pair,
    sign_up,
    sign_up_pair,
)
from tests.e2e.support.members import newcomer
from tests.e2e.support.process import BotProcess
from tests.e2e.support.screens import mentee_signup
from tests.e2e.support.server import start_configured
from tests.e2e.support.waiting import eventually, wait_for_change
from tests.fakediscord import FakeDiscord, Guild, P, User
from tests.support import FakeClock

# ------------------------------------------------------------------------ journey


async def test_suggest_introduce_follow_up_and_need_help(
    fake: FakeDiscord, ready: MentorBot, guild: Guild, users: dict[str, User], clock: FakeClock
) -> None:
    alice, director = users["alice"], users["director"]
    dm = await (await fake.slash(alice, guild, "onboarding start")).answer()
    start = await fake.wait_for_dm(alice)
    assert dm.text and "Step 1 of" in start.text
    await mentee_signup(fake, alice, start)  # leadership + product, Europe/London
    dave = await newcomer(fake, guild, "dave")
    erin = await newcomer(fake, guild, "erin")
    await sign_up(ready, guild, dave, "mentor", ["leadership", "product"], "Europe/Berlin", 3)
    await sign_up(ready, guild, erin, "mentor", ["design"], "America/New_York", 1)

    h = await fake.slash(director, guild, "match suggest", mentee=alice)
    listing = await h.answer()
    assert h.ephemeral
    assert "shares Leadership, Product · 1 h apart · 0 of 3 places taken" in listing.text
    assert listing.button_labels == ["Introduce 1. dave", "Introduce 2. erin"]

    click = await fake.click(director, listing, "Introduce 1. dave")
    reply = await click.answer()
    assert (
        click.ephemeral and "Introduced" in reply.text and "Both have been sent a DM" in reply.text
    )

    (thread,) = fake.threads(guild.channel("introductions"))
    assert thread.private and thread.type == 12 and thread.invitable is False
    assert thread.member_ids == {fake.world.bot.id, alice.id, dave.id}
    assert len(thread.name) <= 100 and "alice" in thread.name and "dave" in thread.name
    posted = fake.messages(thread)
    everything = "\n".join(m.text for m in posted)
    assert "Suggested agenda for your first meeting" in everything
    assert "Lead my first team" in everything, "the pair sees the mentee's goals"
    assert "Hi @everyone" in everything and not any(m.pings_everyone for m in posted)
    assert posted[0].pinged_user_ids() == {alice.id, dave.id}
    assert all(not m.mentions_allowed for m in posted[1:]), "member text pings nobody"
    assert "Privacy notice" not in everything

    to_alice = await fake.wait_for_dm(alice, lambda m: "You have a new mentor" in m.text)
    to_dave = await fake.wait_for_dm(dave, lambda m: "You have a new mentee" in m.text)
    assert str(thread.id) in to_alice.text and str(thread.id) in to_dave.text
    log = await fake.wait_for_message(
        guild.channel("director-log"), lambda m: "introduced" in m.text
    )
    assert "Lead my first team" not in log.text
    match = await ready.services.matching.active_match_of_mentee(guild.id, alice.id)
    assert match is not None and match.mentor_id == dave.id and match.intro_thread_id == thread.id

    # A week later (the default), by the injected clock: both are asked, once.
    clock.advance(timedelta(days=7) - timedelta(minutes=1))
    await fire(ready)
    assert followups(fake, alice) == [] and followups(fake, dave) == []
    clock.advance(timedelta(minutes=1))
    await fire(ready)
    await fire(ready)
    (prompt,) = followups(fake, alice)
    assert len(followups(fake, dave)) == 1
    assert prompt.button_labels == ["Yes", "Not yet", "Need help"]

    h = await fake.click(alice, prompt, "Need help")
    answered = await h.answer()
    assert "A programme director has been asked to help" in answered.text
    assert answered.buttons == [], "the prompt is replaced by the answer"
    flag = await fake.wait_for_message(
        guild.channel("director-log"), lambda m: "asked for help" in m.text
    )
    assert f"<@{alice.id}>" in flag.content and f"<@{dave.id}>" in flag.content
    flagged = await ready.services.matching.get(match.id)
    assert flagged is not None and flagged.flag_reason == "need_help" and flagged.flagged_at


async def test_not_yet_twice_flags_the_pair(
    fake: FakeDiscord, ready: MentorBot, guild: Guild, users: dict[str, User], clock: FakeClock
) -> None:
    alice, bob, director = users["alice"], users["bob"], users["director"]
    await sign_up(ready, guild, alice, "mentee", ["data"], "Europe/London")
    await sign_up(ready, guild, bob, "mentor", ["data"], "Europe/Paris", 2)
    await introduce(fake, guild, director, alice, bob)
    clock.advance(timedelta(days=7))
    await fire(ready)
    (first,) = followups(fake, bob)
    reply = await (await fake.click(bob, first, "Not yet")).answer()
    assert "I'll check in again in 7 days" in reply.text
    clock.advance(timedelta(days=7))
    await fire(ready)
    assert len(followups(fake, alice)) == 2, "round 1 unanswered by alice, then round 2"
    second = followups(fake, alice)[-1]
    assert "Checking in again" in second.text
    reply = await (await fake.click(alice, second, "Not yet")).answer()
    assert "A programme director will be in touch" in reply.text
    await fake.wait_for_message(
        guild.channel("director-log"), lambda m: "still haven't met after two" in m.text
    )
    match = await ready.services.matching.active_match_of_mentee(guild.id, alice.id)
    assert match is not None and match.flag_reason == "not_met"
    answered = fake.world.find_message(first.id)
    assert answered is not None and answered.buttons == [], "the prompt shows bob's answer"
    assert "check in again" in answered.text


async def test_restart_before_the_due_time_sends_the_follow_up_exactly_once(
    fake: FakeDiscord, process: BotProcess, guild: Guild, users: dict[str, User], clock: FakeClock
) -> None:
    bot = await start_configured(process, fake, guild, users["director"])
    alice, bob, _, _ = await introduced_pair(fake, bot, guild, users)

    bot = await process.restart()
    clock.advance(timedelta(days=7))
    await fire(bot)
    await fire(bot)
    assert len(followups(fake, alice)) == 1 and len(followups(fake, bob)) == 1
    bot = await process.restart()
    await fire(bot)
    assert len(followups(fake, alice)) == 1 and len(followups(fake, bob)) == 1
    # The button of the prompt sent before the restart still works.
    (prompt,) = followups(fake, alice)
    reply = await (await fake.click(alice, prompt, "Yes")).answer()
    assert "Wonderful" in reply.text


async def test_a_follow_up_due_while_the_bot_was_down_goes_out_at_start_up(
    fake: FakeDiscord, process: BotProcess, guild: Guild, users: dict[str, User], clock: FakeClock
) -> None:
    alice, bob, director = users["alice"], users["bob"], users["director"]
    bot = await start_configured(process, fake, guild, director)
    await sign_up_pair(bot, guild, alice, bob)
    await bot.services.settings.set_matching(guild.id, followup_days=2, actor_id=director.id)
    await introduce(fake, guild, director, alice, bob)
    await process.stop()
    clock.advance(timedelta(days=3))
    bot = await process.start()
    await fake.wait_until(lambda: len(followups(fake, alice)) == 1, what="the overdue prompt")
    await fake.wait_until(lambda: len(followups(fake, bob)) == 1, what="the overdue prompt")
    await fire(bot)
    assert len(followups(fake, alice)) == 1 and len(followups(fake, bob)) == 1


# ------------------------------------------------------------- capacity and rights


async def test_two_directors_racing_for_the_last_place(
    fake: FakeDiscord, ready: MentorBot, guild: Guild, users: dict[str, User]
) -> None:
    alice, bob, director = users["alice"], users["bob"], users["director"]
    erin = await newcomer(fake, guild, "erin")
    await sign_up(ready, guild, alice, "mentee", ["design"], "Europe/London")
    await sign_up(ready, guild, bob, "mentee", ["design"], "Europe/London")
    await sign_up(ready, guild, erin, "mentor", ["design"], "Europe/London", 1)
    for_alice = await (await fake.slash(director, guild, "match suggest", mentee=alice)).answer()
    for_bob = await (await fake.slash(director, guild, "match suggest", mentee=bob)).answer()

    clicks = await asyncio.gather(
        fake.click(director, for_alice, "Introduce 1. erin"),
        fake.click(director, for_bob, "Introduce 1. erin"),
    )
    replies = [await c.answer() for c in clicks]
    assert all(c.ephemeral for c in clicks)
    texts = sorted(r.text for r in replies)
    assert sum("Introduced" in t for t in texts) == 1
    assert sum("That mentor has no free place: 1 of 1 taken" in t for t in texts) == 1
    assert len(fake.threads(guild.channel("introductions"))) == 1
    active = await ready.services.matching.list_matches(guild.id)
    assert len(active) == 1


async def test_non_directors_are_refused(
    fake: FakeDiscord, ready: MentorBot, guild: Guild, users: dict[str, User]
) -> None:
    alice, bob = users["alice"], users["bob"]
    await sign_up_pair(ready, guild, alice, bob)
    for command, options in (
        ("match suggest", {"mentee": alice}),
        ("match suggest", {}),
        ("match create", {"mentee": alice, "mentor": bob}),
        ("match end", {"mentee": alice, "reason": "other"}),
        ("match settings", {"followup_days": 3}),
    ):
        h = await fake.slash(bob, guild, command, **options)
        refused = await h.answer()
        assert h.ephemeral and "Only programme directors" in refused.text, command
    h = await fake.slash(alice, guild, "match list")
    refused = await h.answer()
    assert h.ephemeral and "Only programme directors and mentors" in refused.text
    assert await ready.services.matching.list_matches(guild.id) == []
    assert fake.threads(guild.channel("introductions")) == []


async def test_missing_thread_permission_leaves_no_half_made_match(
    fake: FakeDiscord, ready: MentorBot, guild: Guild, users: dict[str, User]
) -> None:
    alice, bob, director = users["alice"], users["bob"], users["director"]
    await sign_up_pair(ready, guild, alice, bob)
    # Discord refuses with 50013 although the cached permissions look fine.
    fake.inject_failure(
        "POST",
        f"/channels/{guild.channel('introductions').id}/threads",
        status=403,
        body={"code": 50013, "message": "Missing Permissions"},
    )
    reply = await (
        await fake.slash(director, guild, "match create", mentee=alice, mentor=bob)
    ).answer()
    assert "so the match was not made" in reply.text and "Create Private Threads" in reply.text
    assert await ready.db.fetchval("SELECT COUNT(*) FROM matches") == 0
    assert await ready.db.fetchval("SELECT COUNT(*) FROM match_followups") == 0
    assert fake.dms(alice) == [] and fake.dms(bob) == []

    # The permission really removed: the director is told before anything is written.
    intro = guild.channel("introductions")
    bot_role = guild.bot_role()
    assert bot_role is not None
    await fake.set_channel_overwrite(intro, bot_role, deny=P.CREATE_PRIVATE_THREADS)
    reply = await (
        await fake.slash(director, guild, "match create", mentee=alice, mentor=bob)
    ).answer()
    assert (
        "I'm missing **Create Private Threads**" in reply.text
        and "Nothing was changed" in reply.text
    )
    show = await (await fake.slash(users["olivia"], guild, "setup show")).answer()
    assert "Create Private Threads" in show.text

    # Fixed: the same command now works.
    await fake.set_channel_overwrite(intro, bot_role)
    thread = await introduce(fake, guild, director, alice, bob)
    assert thread.member_ids == {fake.world.bot.id, alice.id, bob.id}


# --------------------------------------------------------------- ending and lists


async def test_ending_a_match(
    fake: FakeDiscord, ready: MentorBot, guild: Guild, users: dict[str, User], clock: FakeClock
) -> None:
    alice, bob, director, thread = await introduced_pair(fake, ready, guild, users)
    clock.advance(timedelta(days=7))
    await fire(ready)
    (prompt,) = followups(fake, bob)

    h = await fake.slash(director, guild, "match end", mentee=alice, reason="goals_achieved")
    reply = await h.answer()
    assert h.ephemeral and "Ended the match" in reply.text and "goals achieved" in reply.text
    await fake.wait_for_dm(alice, lambda m: "has come to an end" in m.text)
    told = await fake.wait_for_dm(bob, lambda m: "has come to an end" in m.text)
    assert "Goals achieved" not in told.text, "the pair is told politely, not the reason"
    await fake.wait_until(lambda: thread.archived, what="the intro thread archived")
    assert "This match has now ended" in fake.messages(thread)[-1].text
    await fake.wait_for_message(
        guild.channel("director-log"), lambda m: "ended the match" in m.text
    )
    audit = await ready.db.fetchone("SELECT detail FROM audit_log WHERE action = 'match.end'")
    assert audit is not None and "goals_achieved" in audit["detail"]
    assert await ready.services.matching.list_matches(guild.id) == []

    late = await (await fake.click(bob, prompt, "Yes")).answer()
    assert "This match has ended" in late.text
    again = await (
        await fake.slash(director, guild, "match end", mentee=alice, reason="other")
    ).answer()
    assert "no active mentor" in again.text


async def test_match_list_for_directors_and_mentors(
    fake: FakeDiscord, ready: MentorBot, guild: Guild, users: dict[str, User]
) -> None:
    alice, bob, director = users["alice"], users["bob"], users["director"]
    carl = await newcomer(fake, guild, "carl")
    dora = await newcomer(fake, guild, "dora")
    await sign_up(ready, guild, alice, "mentee", ["data"], "Europe/London")
    await sign_up(ready, guild, carl, "mentee", ["data"], "Europe/London")
    await sign_up(ready, guild, bob, "mentor", ["data"], "Europe/London", 2)
    await sign_up(ready, guild, dora, "mentor", ["data"], "Europe/London", 2)
    await introduce(fake, guild, director, alice, bob)
    await introduce(fake, guild, director, carl, dora)

    everything = await (await fake.slash(director, guild, "match list")).answer()
    assert "Active matches · 2" in everything.text
    assert f"<@{alice.id}> with <@{bob.id}>" in everything.text
    assert f"<@{carl.id}> with <@{dora.id}>" in everything.text

    mine = await (await fake.slash(bob, guild, "match list")).answer()
    assert "Your mentees · 1" in mine.text
    assert f"<@{alice.id}>" in mine.text and f"<@{carl.id}>" not in mine.text

    # PRODUCT §5: a mentor sees their mentee's profile, goals included; others still can't.
    seen = await (await fake.slash(bob, guild, "profile view", member=alice)).answer()
    assert "Grow as alice" in seen.text
    refused = await (await fake.slash(bob, guild, "profile view", member=carl)).answer()
    assert "You can only see your own profile" in refused.text


async def test_whole_cohort_proposal_is_applied_only_on_confirmation(
    fake: FakeDiscord, ready: MentorBot, guild: Guild, users: dict[str, User]
) -> None:
    director = users["director"]
    await cohort_for_a_proposal(fake, ready, guild, users)

    first = await (await fake.slash(director, guild, "match suggest")).answer()
    assert "Proposed matches · 2 pairs" in first.text
    assert first.button_labels == ["Apply", "Cancel"]
    cancelled = await (await fake.click(director, first, "Cancel")).answer()
    assert "nothing was changed" in cancelled.text
    assert await ready.services.matching.list_matches(guild.id) == []

    second = await (await fake.slash(director, guild, "match suggest")).answer()
    assert second.id != first.id
    h = await fake.click(director, second, "Apply")
    applied = await wait_for_change(
        fake, second, lambda m: "Proposal applied" in m.text, "the applied proposal"
    )
    assert h.deferred and applied.text.count("✅") == 2 and applied.buttons == []
    assert len(await ready.services.matching.list_matches(guild.id)) == 2
    assert len(fake.threads(guild.channel("introductions"))) == 2


async def test_one_failed_introduction_does_not_stop_the_rest_of_a_proposal(
    fake: FakeDiscord,
    ready: MentorBot,
    guild: Guild,
    users: dict[str, User],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from cogs.matching import _flow

    director = users["director"]
    alice, _, _ = await cohort_for_a_proposal(fake, ready, guild, users)
    real_introduce = _flow.introduce

    async def flaky(bot: MentorBot, g: Any, actor: Any, mentee_id: int, mentor_id: int) -> Any:
        if mentee_id == alice.id:
            raise RuntimeError("network hiccup")
        return await real_introduce(bot, g, actor, mentee_id, mentor_id)

    monkeypatch.setattr(_flow, "introduce", flaky)
    proposal = await (await fake.slash(director, guild, "match suggest")).answer()
    await fake.click(director, proposal, "Apply")
    applied = await wait_for_change(
        fake, proposal, lambda m: "Proposal applied" in m.text, "the applied proposal"
    )
    assert applied.text.count("✅") == 1 and "error on our side" in applied.text
    assert len(fake.threads(guild.channel("introductions"))) == 1


async def test_closed_dms_are_noted_in_the_thread_and_the_follow_up_goes_there(
    fake: FakeDiscord, ready: MentorBot, guild: Guild, users: dict[str, User], clock: FakeClock
) -> None:
    alice, bob, director = users["alice"], users["bob"], users["director"]
    await sign_up_pair(ready, guild, alice, bob)
    alice.dms_closed = True
    reply = await (
        await fake.slash(director, guild, "match create", mentee=alice, mentor=bob)
    ).answer()
    assert "Couldn't DM" in reply.text and f"<@{alice.id}>" in reply.text
    (thread,) = fake.threads(guild.channel("introductions"))
    assert any("their DMs are closed" in m.text for m in fake.messages(thread))
    await fake.wait_for_dm(bob, lambda m: "You have a new mentee" in m.text)

    def refused() -> int:
        return len([r for r in fake.requests_to("POST") if r.status == 403])

    refused_before = refused()
    clock.advance(timedelta(days=7))
    await fire(ready)
    asked = await fake.wait_for_message(thread, lambda m: "I couldn't reach you by DM" in m.text)
    assert refused() == refused_before, "known closed DMs are not tried again (each is a 403)"
    assert asked.pinged_user_ids() == {alice.id}
    h = await fake.click(alice, asked, "Yes")
    answered = await h.answer()
    assert answered.ephemeral and "Wonderful" in answered.text  # seen by Alice only
    match = await ready.services.matching.active_match_of_mentee(guild.id, alice.id)
    assert match is not None and match.met_at is not None
    record = await ready.services.onboarding.get(guild.id, alice.id)
    assert record is not None and record.dm_closed


async def test_directors_change_the_follow_up_delay(
    fake: FakeDiscord, ready: MentorBot, guild: Guild, users: dict[str, User], clock: FakeClock
) -> None:
    alice, director = users["alice"], users["director"]
    reply = await (await fake.slash(director, guild, "match settings", followup_days=3)).answer()
    assert "Saved" in reply.text and "**3** days" in reply.text
    await introduced_pair(fake, ready, guild, users)
    clock.advance(timedelta(days=3))
    await fire(ready)
    assert len(followups(fake, alice)) == 1
    bad = await (
        await fake.slash(
            director, guild, "match settings", area_weight=0, timezone_weight=0, capacity_weight=0
        )
    ).answer()
    assert "At least one weight must be above 0" in bad.text
    await eventually(
        lambda: ready.db.fetchval(
            "SELECT 1 FROM guild_settings WHERE guild_id = ? AND match_followup_days = 3",
            (guild.id,),
        ),
        "the delay stored",
    )


# ------------------------------------------------------- members who leave or crash


async def test_a_match_whose_mentee_left_the_server_can_still_be_ended(
    fake: FakeDiscord, ready: MentorBot, guild: Guild, users: dict[str, User]
) -> None:
    alice, bob, director, thread = await introduced_pair(fake, ready, guild, users)

    await fake.member_leave(guild, alice)
    left = await fake.wait_for_message(
        guild.channel("director-log"), lambda m: "left the server" in m.text
    )
    assert f"<@{alice.id}>" in left.content and f"<@{bob.id}>" in left.content
    assert "/match end" in left.content

    h = await fake.slash(director, guild, "match end", mentee=alice, reason="lack_of_contact")
    reply = await h.answer()
    assert h.ephemeral and "Ended the match" in reply.text, reply.text
    assert f"<@{alice.id}> has left the server" in reply.text
    await fake.wait_for_dm(bob, lambda m: "has come to an end" in m.text)
    await fake.wait_until(lambda: thread.archived, what="the intro thread archived")
    assert await ready.services.matching.list_matches(guild.id) == []
    # Bob's place is free again.
    carl = await newcomer(fake, guild, "carl")
    await sign_up(ready, guild, carl, "mentee", ["data"], "Europe/London")
    await introduce(fake, guild, director, carl, bob)


async def test_ending_copes_with_a_deleted_thread(
    fake: FakeDiscord, ready: MentorBot, guild: Guild, users: dict[str, User]
) -> None:
    alice, _, director, thread = await introduced_pair(fake, ready, guild, users)
    await ready.db.execute("UPDATE matches SET intro_thread_id = ?", (thread.id + 12345,))
    reply = await (
        await fake.slash(director, guild, "match end", mentee=alice, reason="other")
    ).answer()
    assert "Ended the match" in reply.text
    assert "introduction thread no longer exists" in reply.text, reply.text
    assert "/setup show" not in reply.text


async def test_an_introduction_cut_short_by_a_crash_is_dropped_at_restart(
    fake: FakeDiscord, process: BotProcess, guild: Guild, users: dict[str, User], clock: FakeClock
) -> None:
    alice, bob, director = users["alice"], users["bob"], users["director"]
    bot = await start_configured(process, fake, guild, director)
    carl = await newcomer(fake, guild, "carl")
    await sign_up_pair(bot, guild, alice, bob)
    await sign_up(bot, guild, carl, "mentor", ["data"], "Europe/London")
    # The place was reserved, then the process died before the thread was made.
    await bot.services.matching.create_match(guild.id, alice.id, bob.id, director.id)
    clock.advance(timedelta(seconds=30))
    bot = await process.restart()
    matching = bot.services.matching

    async def none_left() -> bool:
        return await matching.list_matches(guild.id) == []

    await eventually(none_left, "the unfinished introduction dropped at start-up")
    thread = await introduce(fake, guild, director, alice, carl)
    assert thread.member_ids == {fake.world.bot.id, alice.id, carl.id}
    clock.advance(timedelta(days=7))
    await fire(bot)
    assert len(followups(fake, alice)) == 1, "asked once, about the pair really introduced"
    assert followups(fake, bob) == []


async def test_match_settings_answers_before_writing_the_director_log(
    fake: FakeDiscord, ready: MentorBot, guild: Guild, users: dict[str, User]
) -> None:
    # A slow director log (here a rate limit) must not make the command miss Discord's
    # 3-second window: the director would see "This interaction failed".
    fake.rate_limit("POST", f"/channels/{guild.channel('director-log').id}/messages", retry_after=1)
    fake.interaction_deadline = 0.5
    h = await fake.slash(users["director"], guild, "match settings", followup_days=5)
    reply = await h.answer()
    assert h.ephemeral and "Saved" in reply.text and "**5** days" in reply.text
    assert h.late_responses == []
    await fake.wait_for_message(
        guild.channel("director-log"), lambda m: "changed the matching settings" in m.text
    )
