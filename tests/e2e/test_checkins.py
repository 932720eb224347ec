"""Check-ins as mentees live them: the prompt DM at their time, answers, notes, the mentor
told when they are stuck, restarts, downtime, closed DMs, and a whole cohort at once.

Time moves only when a test moves the FakeClock; the test then runs the check-in timer's
own work with `bot.timers["checkins"].fire()`.
"""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from bot.app import MentorBot
from tests.e2e.support.checkins import (
    MONDAY_0900,
    button_id,
    click_goal,
    fire,
    is_prompt,
    prompts,
    sent_count,
    sign_up,
    signed_up_then_down,
    wait_sent,
    write_note,
)
from tests.e2e.support.process import BotProcess, fast
from tests.e2e.support.screens import join_and_start, mentee_signup
from tests.e2e.support.server import setup_channels, start_configured
from tests.e2e.support.waiting import eventually
from tests.fakediscord import FakeDiscord, Guild, P, User

# ------------------------------------------------------------------------ the rhythm


async def test_schedule_prompt_answers_note_and_mentor_told_when_stuck(
    fake: FakeDiscord, ready: MentorBot, guild: Guild, users: dict[str, User], clock: Any
) -> None:
    # A mentee signs up in the UI: their questionnaire answers start the schedule.
    carol, screen = await join_and_start(fake, guild, "carol")
    await mentee_signup(fake, carol, screen)
    view = await ready.services.checkins.schedule(guild.id, carol.id)
    assert view.next_due_at == MONDAY_0900
    mentor = await sign_up(ready, fake, guild, "maya", role="mentor")
    await ready.services.matching.create_match(guild.id, carol.id, mentor.id, users["director"].id)

    # She moves her check-ins to Wednesday evening.
    h = await fake.slash(carol, guild, "checkin schedule", day="wednesday", time="6pm")
    reply = await h.answer()
    due = datetime(2026, 11, 4, 18, 0, tzinfo=UTC)
    assert h.ephemeral and "Every **Wednesday** at **18:00** (Europe/London)" in reply.text
    assert f"<t:{int(due.timestamp())}:F>" in reply.text, "times are Discord timestamps"

    # Nothing before the due time; the prompt DM at it.
    clock.set(due - timedelta(minutes=1))
    await fire(ready)
    assert prompts(fake, carol) == []
    clock.set(due)
    await fire(ready)
    prompt = await fake.wait_for_dm(carol, is_prompt)
    assert "Lead my first team" in prompt.text and "Speak at a meetup" in prompt.text
    assert not prompt.mentions_allowed
    assert prompt.button_labels == [
        "1. Lead my first team",
        "On track",
        "Stuck",
        "Done",
        "2. Speak at a meetup",
        "On track",
        "Stuck",
        "Done",
        "Add a note",
    ]
    assert prompt.nonce is not None and len(str(prompt.nonce)) <= 25

    # On track, then Stuck: recorded, shown, and the mentor is told (no note yet).
    updated = await click_goal(fake, carol, prompt, "Lead my first team", "On track")
    assert "Your answer: ✅ On track" in updated.text
    updated = await click_goal(fake, carol, prompt, "Speak at a meetup", "Stuck")
    assert "Your answer: 🆘 Stuck" in updated.text
    assert "Your mentor has been told" in updated.text
    alert = await fake.wait_for_dm(mentor, lambda m: "is stuck" in m.text)
    assert "Speak at a meetup" in alert.text and "Their note" not in alert.text
    assert not alert.mentions_allowed

    # A private note stays private; sharing it sends it to the mentor.
    h = await write_note(fake, carol, prompt, "Private thoughts", share=False)
    assert "only you can see it" in (await h.answer()).text
    assert [m for m in fake.dms(mentor) if "Private thoughts" in m.text] == []
    h = await write_note(fake, carol, prompt, "I can't find a venue @everyone", share=True)
    assert "shared with your mentor" in (await h.answer()).text
    shared = await fake.wait_for_dm(mentor, lambda m: "Their note" in m.text, after=alert)
    assert "I can't find a venue @everyone" in shared.text and not shared.pings_everyone

    # Done closes the goal; the history shows it all; directors saw nothing of her words.
    updated = await click_goal(fake, carol, prompt, "Lead my first team", "Done")
    assert "Your answer: 🎉 Done" in updated.text
    open_goals = await ready.services.goals.open_goals(guild.id, carol.id)
    assert [g.title for g in open_goals] == ["Speak at a meetup"]
    h = await fake.slash(carol, guild, "checkin history")
    history = (await h.answer()).text
    assert "Done: Lead my first team" in history and "Stuck: Speak at a meetup" in history
    log = fake.messages(guild.channel("director-log"))
    assert not any("venue" in m.text or "Speak at a meetup" in m.text for m in log)

    # Exactly one prompt, however often the timer runs.
    await fire(ready)
    assert len(prompts(fake, carol)) == 1


async def test_a_rate_limited_prompt_is_retried_and_arrives_once(
    fake: FakeDiscord, ready: MentorBot, guild: Guild, clock: Any
) -> None:
    """PRODUCT §6: on a 429 the bot waits and retries; it never drops a prompt."""
    fay = await sign_up(ready, fake, guild, "fay")
    fake.rate_limit("POST", "/channels/{channel_id}/messages", times=2, retry_after=0.05)
    clock.set(MONDAY_0900)
    await fire(ready)
    await wait_sent(ready, 1)
    assert len(prompts(fake, fay)) == 1
    limited = [r for r in fake.requests_to("POST", "/channels/{channel_id}/messages")]
    assert [r.status for r in limited].count(429) == 2


async def test_reminder_after_a_day_then_missed_and_at_risk_for_directors(
    fake: FakeDiscord, ready: MentorBot, guild: Guild, clock: Any
) -> None:
    dan = await sign_up(ready, fake, guild, "dan")
    clock.set(MONDAY_0900)
    await fire(ready)
    first = await fake.wait_for_dm(dan, is_prompt)
    await wait_sent(ready, 1)
    clock.advance(timedelta(hours=23))
    await fire(ready)
    clock.advance(timedelta(hours=1))
    await fire(ready)
    reminder = await fake.wait_for_dm(dan, lambda m: "gentle reminder" in m.text)
    assert f"/{first.channel_id}/{first.id}" in reminder.text
    clock.advance(timedelta(hours=5))
    await fire(ready)
    assert [m for m in fake.dms(dan) if "gentle reminder" in m.text] == [reminder]
    # Two weeks without an answer: both missed, Dan is at risk, directors see only that.
    clock.set(MONDAY_0900 + timedelta(weeks=1))
    await fire(ready)
    await wait_sent(ready, 2)
    clock.set(MONDAY_0900 + timedelta(weeks=2))
    await fire(ready)
    line = await fake.wait_for_message(
        guild.channel("director-log"), lambda m: "is at risk" in m.text
    )
    assert f"<@{dan.id}>" in line.text and "missed two check-ins in a row" in line.text
    assert "Lead my first team" not in line.text
    h = await fake.click(dan, first, custom_id=button_id(first, "Lead my first team", "Stuck"))
    assert "has closed" in (await h.answer()).text, "a missed check-in can't be answered"


# ------------------------------------------------------------------ restarts, downtime


async def test_restart_mid_week_neither_duplicates_nor_loses_a_prompt(
    fake: FakeDiscord, process: BotProcess, guild: Guild, users: dict[str, User], clock: Any
) -> None:
    bot = await start_configured(process, fake, guild, users["director"])
    erin = await sign_up(bot, fake, guild, "erin")
    clock.set(MONDAY_0900)
    fast(bot)
    await fire(bot)
    await fake.wait_for_dm(erin, is_prompt)
    await wait_sent(bot, 1)

    clock.set(MONDAY_0900 + timedelta(days=2))  # Wednesday
    bot = await process.restart()
    fast(bot)
    await fire(bot)
    assert len(prompts(fake, erin)) == 1

    # A crash after Discord took the message but before it was marked sent: on restart
    # the bot finds its prompt in the DM channel instead of sending a second one.
    await bot.db.execute("UPDATE checkin_periods SET sent_at = NULL, message_id = NULL")
    bot = await process.restart()
    fast(bot)
    await fire(bot)
    await eventually(lambda: sent_count(bot), "the prompt to be found and marked sent")
    assert len(prompts(fake, erin)) == 1
    assert fake.requests_to("GET", "/channels/{channel_id}/messages")

    clock.set(MONDAY_0900 + timedelta(days=7))
    await fire(bot)
    await fake.wait_for_dm(erin, is_prompt, after=prompts(fake, erin)[0])
    assert len(prompts(fake, erin)) == 2
    # Old buttons still work after the restarts.
    old = prompts(fake, erin)[1]
    updated = await click_goal(fake, erin, old, "Speak at a meetup", "On track")
    assert "Your answer: ✅ On track" in updated.text


async def test_a_prompt_delivered_just_before_a_stop_counts_towards_at_risk(
    fake: FakeDiscord, process: BotProcess, guild: Guild, users: dict[str, User], clock: Any
) -> None:
    bot = await start_configured(process, fake, guild, users["director"])
    ivy = await sign_up(bot, fake, guild, "ivy")
    fast(bot)
    clock.set(MONDAY_0900)
    await fire(bot)
    await wait_sent(bot, 1)
    clock.set(MONDAY_0900 + timedelta(weeks=1))
    await fire(bot)
    await wait_sent(bot, 2)
    assert len(prompts(fake, ivy)) == 2
    # The second prompt reached Ivy, but the bot stopped before marking it sent...
    await bot.db.execute(
        "UPDATE checkin_periods SET sent_at = NULL, message_id = NULL "
        "WHERE due_at = (SELECT max(due_at) FROM checkin_periods)"
    )
    await process.stop()
    # ...and is back after the next period's grace window: both prompts went unanswered.
    clock.set(MONDAY_0900 + timedelta(weeks=2, hours=13))
    await process.start()
    line = await fake.wait_for_message(
        guild.channel("director-log"), lambda m: "is at risk" in m.text
    )
    assert f"<@{ivy.id}>" in line.text and "missed two check-ins in a row" in line.text
    assert len(prompts(fake, ivy)) == 2


async def test_down_over_the_due_time_inside_the_grace_window_sends_at_start_up(
    fake: FakeDiscord, process: BotProcess, guild: Guild, users: dict[str, User], clock: Any
) -> None:
    back_at = MONDAY_0900 + timedelta(hours=11)
    _, fay = await signed_up_then_down(
        process, fake, guild, users["director"], clock, "fay", back_at
    )
    # no fire() by the test: start-up rebuilds what is due
    prompt = await fake.wait_for_dm(fay, is_prompt)
    assert "Lead my first team" in prompt.text


async def test_down_past_the_grace_window_records_missed_without_a_prompt(
    fake: FakeDiscord, process: BotProcess, guild: Guild, users: dict[str, User], clock: Any
) -> None:
    back_at = MONDAY_0900 + timedelta(hours=13)
    bot, gus = await signed_up_then_down(
        process, fake, guild, users["director"], clock, "gus", back_at
    )

    async def missed() -> bool:
        status = await bot.db.fetchval(
            "SELECT status FROM checkin_periods WHERE user_id = ?", (gus.id,)
        )
        return status == "missed"

    await eventually(missed, "the period to be recorded as missed")
    assert prompts(fake, gus) == []
    view = await bot.services.checkins.schedule(guild.id, gus.id)
    assert view.next_due_at == MONDAY_0900 + timedelta(days=7)
    h = await fake.slash(gus, guild, "checkin history")
    assert "missed" in (await h.answer()).text


# --------------------------------------------------------------------- closed DMs


async def test_closed_dms_get_a_private_thread_and_are_told_once(
    fake: FakeDiscord, ready: MentorBot, guild: Guild, clock: Any
) -> None:
    hal = await sign_up(ready, fake, guild, "hal", dms_closed=True)
    clock.set(MONDAY_0900)
    await fire(ready)
    channel = guild.channel("checkins")
    thread = (await fake.wait_until(lambda: fake.threads(channel), what="a fallback thread"))[0]
    prompt = await fake.wait_for_message(thread, is_prompt)
    assert thread.private and not thread.invitable
    assert thread.member_ids == {fake.world.bot.id, hal.id}
    help_message = fake.messages(thread)[0]
    assert "Privacy Settings" in help_message.text and help_message.pinged_user_ids() == {hal.id}
    assert prompt.pinged_user_ids() == {hal.id} and not prompt.pings_everyone
    updated = await click_goal(fake, hal, prompt, "Lead my first team", "On track")
    assert "Your answer: ✅ On track" in updated.text
    await wait_sent(ready, 1)

    clock.set(MONDAY_0900 + timedelta(days=7))
    dm_attempts = len(fake.requests_to("POST", "/users/@me/channels"))
    await fire(ready)
    await fake.wait_until(
        lambda: len([m for m in fake.messages(thread) if is_prompt(m)]) == 2,
        what="the second prompt in the thread",
    )
    assert len(fake.threads(channel)) == 1
    assert [m for m in fake.messages(thread) if "Privacy Settings" in m.text] == [help_message]
    assert len(fake.requests_to("POST", "/users/@me/channels")) == dm_attempts, "DMs skipped"

    # Hal opens his DMs and says so: the next check-in comes by DM.
    hal.dms_closed = False
    h = await fake.click(hal, help_message, "My DMs are open")
    assert "try your DMs" in (await h.answer()).text
    clock.set(MONDAY_0900 + timedelta(days=14))
    await fire(ready)
    await fake.wait_for_dm(hal, is_prompt)


async def test_closed_dms_without_a_fallback_channel_show_in_setup_show(
    fake: FakeDiscord, ready: MentorBot, guild: Guild, users: dict[str, User], clock: Any
) -> None:
    await (await setup_channels(fake, guild, users["director"])).answer()  # no fallback
    ivy = await sign_up(ready, fake, guild, "ivy", dms_closed=True)
    clock.set(MONDAY_0900)
    await fire(ready)

    async def undeliverable() -> list[int]:
        return await ready.services.checkins.undeliverable_members(guild.id)

    assert await eventually(undeliverable, "the prompt to be recorded undeliverable") == [ivy.id]
    assert fake.threads(guild.channel("checkins")) == []
    text = (await (await fake.slash(users["director"], guild, "setup show")).answer()).text
    assert "did not get their last check-in" in text and f"<@{ivy.id}>" in text
    assert "check-in fallback channel" in text


@pytest.mark.parametrize(
    ("denied", "named"),
    [
        (P.CREATE_PRIVATE_THREADS, "Create Private Threads"),
        (P.SEND_MESSAGES_IN_THREADS, "Send Messages in Threads"),
        (P.VIEW_CHANNEL, "View Channel"),
    ],
)
async def test_checkin_now_names_the_permission_missing_in_the_fallback_channel(
    fake: FakeDiscord, ready: MentorBot, guild: Guild, clock: Any, denied: int, named: str
) -> None:
    kim = await sign_up(ready, fake, guild, "kim", dms_closed=True)
    channel = guild.channel("checkins")
    bot_role = guild.bot_role()
    assert bot_role is not None
    await fake.set_channel_overwrite(channel, bot_role, deny=denied)
    h = await fake.slash(kim, guild, "checkin now")
    reply = await h.answer()
    assert h.ephemeral and named in reply.text, reply.text
    assert "no check-in channel" not in reply.text and f"<#{channel.id}>" in reply.text
    assert "Privacy Settings" in reply.text, "opening DMs still works"

    await fake.set_channel_overwrite(channel, bot_role)  # fixed: the same command works
    clock.advance(timedelta(minutes=5))
    reply = await (await fake.slash(kim, guild, "checkin now")).answer()
    assert "📬 Your check-in is in your private check-in thread" in reply.text, reply.text


# ------------------------------------------------------------------ commands


async def test_pause_resume_and_checkin_now(
    fake: FakeDiscord, ready: MentorBot, guild: Guild, clock: Any
) -> None:
    jo = await sign_up(ready, fake, guild, "jo")
    h = await fake.slash(jo, guild, "checkin pause", until="2026-11-20")
    assert "no check-ins before Fri 20 Nov 2026" in (await h.answer()).text
    clock.set(MONDAY_0900 + timedelta(days=7))
    await fire(ready)
    assert prompts(fake, jo) == [], "paused over Monday the 16th"
    h = await fake.slash(jo, guild, "checkin resume")
    assert "Welcome back" in (await h.answer()).text

    h = await fake.slash(jo, guild, "checkin now")
    reply = await h.answer()
    dm = await fake.wait_for_dm(jo, is_prompt)
    assert h.ephemeral and f"/{dm.channel_id}/{dm.id}" in reply.text
    h = await fake.slash(jo, guild, "checkin now")
    assert "still open" in (await h.answer()).text
    assert len(prompts(fake, jo)) == 1

    h = await fake.slash(jo, guild, "checkin pause", until="yesterday")
    assert "YYYY-MM-DD" in (await h.answer()).text


async def test_only_mentees_check_in(
    fake: FakeDiscord, ready: MentorBot, guild: Guild, users: dict[str, User]
) -> None:
    h = await fake.slash(users["bob"], guild, "checkin schedule", day="monday", time="09:00")
    assert "sign up first" in (await h.answer()).text
    kim = await sign_up(ready, fake, guild, "kim", role="mentor")
    h = await fake.slash(kim, guild, "checkin now")
    assert "for mentees" in (await h.answer()).text


# ------------------------------------------------------------------------ scale


async def test_a_cohort_of_500_due_at_once_gets_exactly_500_prompts_while_commands_answer(
    fake: FakeDiscord, ready: MentorBot, guild: Guild, clock: Any
) -> None:
    cohort = [
        await sign_up(ready, fake, guild, f"mentee{n:03d}", goals=f"Goal {n}") for n in range(500)
    ]
    fast(ready, per_second=2000)
    clock.set(MONDAY_0900)
    await fire(ready)
    sender = ready.delivery.checkin_sender
    # A member runs a command in the middle of the burst: it is answered in time.
    h = await fake.slash(cohort[0], guild, "goal list")
    reply = await h.answer()
    assert "Goal 0" in reply.text
    assert sender.pending > 0, "the command was answered while prompts were still going out"

    async def all_sent() -> bool:
        return await sent_count(ready) == 500

    await eventually(all_sent, "500 prompts", timeout=60)
    per_member = [len(prompts(fake, user)) for user in cohort]
    assert per_member == [1] * 500
    # Prompts only: the director log has its own line for each of the 500 sign-ups.
    lines = f"/channels/{guild.channel('director-log').id}/messages"
    sends = [r for r in fake.requests_to("POST", r"/channels/\d+/messages") if r.path != lines]
    assert len([r for r in sends if r.status == 200]) == 500
    nonces = [json.dumps(r.json.get("nonce")) for r in sends]
    assert len(set(nonces)) == 500


async def test_a_long_history_still_fits_in_one_reply(
    fake: FakeDiscord, ready: MentorBot, guild: Guild, clock: Any
) -> None:
    lia = await sign_up(ready, fake, guild, "lia", goals="A" * 200)
    goals, checkins = ready.services.goals, ready.services.checkins
    for n in range(24):
        await goals.add(guild.id, lia.id, f"{n:02d} " + "g" * 197)
    for week in range(8):
        clock.advance(timedelta(minutes=1))
        started = await checkins.start_now(guild.id, lia.id)
        prompt = await checkins.prompt(started.period_id)
        await checkins.claim(started.period_id, 1, "dm", [g.goal_id for g in prompt.goals])
        await checkins.mark_sent(started.period_id, 1, 1000 + week)
        for goal in prompt.goals:
            await checkins.record_answer(started.period_id, lia.id, goal.goal_id, "on_track")
        await checkins.save_note(started.period_id, lia.id, "n" * 1000, False)
    h = await fake.slash(lia, guild, "checkin history")
    reply = await h.answer()
    assert "Your check-ins" in reply.text
    [embed] = reply.embeds
    assert "Every Monday at 09:00 (Europe/London)" in embed["footer"]["text"]


async def test_checkin_now_while_discord_says_slow_down_is_answered_and_sent_later(
    fake: FakeDiscord, ready: MentorBot, guild: Guild
) -> None:
    mo = await sign_up(ready, fake, guild, "mo")
    fake.fail_next_dms(1)  # 40003: opening direct messages too fast
    h = await fake.slash(mo, guild, "checkin now")
    reply = await h.answer()
    assert h.ephemeral and "few minutes" in reply.text and "went wrong" not in reply.text
    await fake.wait_for_dm(mo, is_prompt)
    await wait_sent(ready, 1)
    assert len(prompts(fake, mo)) == 1


async def test_closing_before_ready_leaves_no_check_in_task_behind(
    fake: FakeDiscord, settings: Any, clock: Any
) -> None:
    bot = MentorBot(settings, clock=clock)
    await bot.login(fake.token)  # runs setup_hook: the check-ins extension is loaded
    await asyncio.sleep(0)
    await bot.close()
    await asyncio.sleep(0)
    left = [t for t in asyncio.all_tasks() if t.get_name().startswith("checkins") and not t.done()]
    assert left == []
