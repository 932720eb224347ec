"""Onboarding as members live it: a join, a DM, the questionnaire, a role, a profile."""

from __future__ import annotations

import json

from bot.app import MentorBot
from tests.e2e.support.process import BotProcess
from tests.e2e.support.screens import (
    choose,
    footer,
    join_and_start,
    mentee_signup,
    mentee_signup_in_the_server,
    settled,
    write,
)
from tests.e2e.support.server import start_configured
from tests.e2e.support.waiting import eventually
from tests.fakediscord import FakeDiscord, Guild, P, User


async def test_join_dm_and_mentee_signup(fake: FakeDiscord, ready: MentorBot, guild: Guild) -> None:
    carol, screen = await join_and_start(fake, guild, "carol")
    summary = await mentee_signup(fake, carol, screen)
    assert "You're signed up" in summary.text
    assert "You now have the **Mentee** role." in summary.text
    assert "Lead my first team" in summary.text and "Europe/London" in summary.text
    assert "Monday 09:00" in summary.text
    assert summary.button_labels == ["Edit"]
    assert not summary.mentions_allowed, "member text is echoed with mentions disabled"
    assert "Hi @everyone" in summary.text and not summary.pings_everyone
    assert guild.role("Mentee").id in guild.members[carol.id].role_ids
    record = await ready.services.onboarding.get(guild.id, carol.id)
    assert record is not None and record.status == "onboarded" and record.role == "mentee"
    assert record.answers["bio"] == "Hi @everyone", "stored as written"
    goals = await ready.db.fetchall(
        "SELECT title FROM goals WHERE guild_id = ? AND user_id = ? ORDER BY id",
        (guild.id, carol.id),
    )
    assert [g["title"] for g in goals] == ["Lead my first team", "Speak at a meetup"]
    log = await fake.wait_for_message(
        guild.channel("director-log"), lambda m: "signed up as a mentee" in m.text
    )
    assert "Lead my first team" not in log.text, "directors never see members' words"
    # Components are answered by DynamicItems: no sent view is kept in memory.
    assert ready.persistent_views == []


async def test_mentor_signup(fake: FakeDiscord, ready: MentorBot, guild: Guild) -> None:
    dave, screen = await join_and_start(fake, guild, "dave")
    screen = await choose(fake, dave, screen, "mentor")
    assert "Step 3 of 9" in footer(screen)
    screen = await choose(fake, dave, screen, "engineering")
    screen = await choose(fake, dave, screen, "3")
    screen = await write(fake, dave, screen, {"bio": ""})
    current = fake.world.find_message(screen.id)
    assert current is not None
    h = await fake.click(dave, current, "Skip")  # experience is optional
    screen = await settled(fake, h, current, current.edits)
    screen = await write(fake, dave, screen, {"timezone": "Asia/Shanghai"})
    screen = await write(fake, dave, screen, {"checkin.day": "fri", "checkin.time": "16:30"})
    summary = await choose(fake, dave, screen, "agree")
    assert "You now have the **Mentor** role." in summary.text
    assert "3 mentees" in summary.text and "Asia/Shanghai" in summary.text
    assert guild.role("Mentor").id in guild.members[dave.id].role_ids
    record = await ready.services.onboarding.get(guild.id, dave.id)
    assert record is not None and record.role == "mentor"


async def test_resume_after_restart_with_the_old_message(
    fake: FakeDiscord, process: BotProcess, guild: Guild, users: dict[str, User]
) -> None:
    await start_configured(process, fake, guild, users["director"])
    erin, screen = await join_and_start(fake, guild, "erin")
    screen = await choose(fake, erin, screen, "mentee")
    screen = await choose(fake, erin, screen, "design")
    await process.restart()
    # The message from before the restart still works: its Answer button opens the modal.
    screen = await write(fake, erin, screen, {"goals": "Ship a portfolio", "bio": ""})
    assert "Step 5 of 8" in footer(screen)
    record = await process.bot.services.onboarding.get(guild.id, erin.id)
    assert record is not None and record.answers["areas"] == ["design"]


async def test_dms_closed_runs_the_flow_ephemerally(
    fake: FakeDiscord, ready: MentorBot, guild: Guild, users: dict[str, User]
) -> None:
    alice = users["alice"]
    alice.dms_closed = True
    h = await fake.slash(alice, guild, "onboarding start")
    screen = await h.answer()
    assert h.ephemeral and screen.ephemeral
    assert "Your DMs are closed" in screen.text
    assert "Step 1 of" in footer(screen)
    summary = await mentee_signup(fake, alice, screen)
    assert summary.ephemeral and "You're signed up" in summary.text
    assert guild.role("Mentee").id in guild.members[alice.id].role_ids
    record = await ready.services.onboarding.get(guild.id, alice.id)
    assert record is not None and record.dm_closed


async def test_onboarding_start_with_open_dms_points_to_the_dm(
    fake: FakeDiscord, ready: MentorBot, guild: Guild, users: dict[str, User]
) -> None:
    bob = users["bob"]
    h = await fake.slash(bob, guild, "onboarding start")
    reply = await h.answer()
    assert h.ephemeral and "I've sent you a DM" in reply.text
    dm = await fake.wait_for_dm(bob)
    assert "Step 1 of" in footer(dm)


async def test_bad_timezone_and_long_text_are_refused_and_nothing_is_lost(
    fake: FakeDiscord, ready: MentorBot, guild: Guild
) -> None:
    fay, screen = await join_and_start(fake, guild, "fay")
    screen = await choose(fake, fay, screen, "mentee")
    screen = await choose(fake, fay, screen, "data")
    essay = "I want to grow. " * 250  # 4,000 characters
    screen = await write(fake, fay, screen, {"goals": essay.strip(), "bio": "Analyst"})
    assert "⚠️" in screen.text and "please keep it under 2,000" in screen.text
    assert "Step 4 of 8" in footer(screen)
    # The rejected text comes back in the modal so it can be shortened, not retyped.
    opened = await fake.click(fay, screen, "Answer")
    await opened.response()
    assert essay.strip()[:100] in json.dumps(opened.modal)
    screen_msg = await write(fake, fay, screen, {"goals": "Learn SQL well", "bio": "Analyst"})
    assert "⚠️" not in screen_msg.text
    screen_msg = await choose(fake, fay, screen_msg, "0-2")
    screen_msg = await write(fake, fay, screen_msg, {"timezone": "Mars/Olympus"})
    assert "Mars/Olympus" in screen_msg.text and "Europe/London" in screen_msg.text
    record = await ready.services.onboarding.get(guild.id, fay.id)
    assert record is not None
    assert record.answers["goals"] == "Learn SQL well" and "timezone" not in record.answers
    screen_msg = await write(fake, fay, screen_msg, {"timezone": "Asia/Shanghai"})
    assert "Step 7 of 8" in footer(screen_msg)


async def test_role_above_the_bot_keeps_answers_and_tells_directors(
    fake: FakeDiscord, ready: MentorBot, guild: Guild
) -> None:
    bot_role = guild.bot_role()
    assert bot_role is not None
    await fake.update_role(guild.role("Mentee"), position=bot_role.position + 1)
    gus, screen = await join_and_start(fake, guild, "gus")
    summary = await mentee_signup(fake, gus, screen)
    assert "couldn't give you the Mentee role" in summary.text
    assert "Your answers are saved" in summary.text
    assert guild.role("Mentee").id not in guild.members[gus.id].role_ids
    log = await fake.wait_for_message(
        guild.channel("director-log"), lambda m: "Couldn't give @Mentee" in m.text
    )
    assert "drag @mentorbot above @Mentee" in log.text
    record = await ready.services.onboarding.get(guild.id, gus.id)
    assert record is not None and record.status == "onboarded" and not record.role_assigned
    assert not any(r.status == 403 for r in fake.requests_to("PUT")), "no doomed role request"


async def test_edit_changes_role_from_mentee_to_mentor(
    fake: FakeDiscord, ready: MentorBot, guild: Guild
) -> None:
    hal, screen = await join_and_start(fake, guild, "hal")
    summary = await mentee_signup(fake, hal, screen)
    h = await fake.click(hal, summary, "Edit")
    picker = await settled(fake, h, summary, summary.edits)
    assert "Which answer would you like to change?" in picker.text
    screen = await choose(fake, hal, picker, "role")
    assert "Changing one answer" in footer(screen)
    screen = await choose(fake, hal, screen, "mentor")
    screen = await choose(fake, hal, screen, "2")  # the mentor branch asks for capacity
    assert "You now have the **Mentor** role." in screen.text
    roles = guild.members[hal.id].role_ids
    assert guild.role("Mentor").id in roles and guild.role("Mentee").id not in roles


async def test_profile_view_is_private_and_directors_see_none_of_the_members_words(
    fake: FakeDiscord, ready: MentorBot, guild: Guild, users: dict[str, User]
) -> None:
    alice, bob, director = users["alice"], users["bob"], users["director"]
    alice.dms_closed = True
    await mentee_signup_in_the_server(fake, guild, alice)

    own = await (await fake.slash(alice, guild, "profile view")).answer()
    assert own.ephemeral and "Lead my first team" in own.text and "Hi @everyone" in own.text

    h = await fake.slash(bob, guild, "profile view", member=guild.members[alice.id].user)
    refused = await h.answer()
    assert h.ephemeral and "You can only see your own profile" in refused.text
    assert "Lead my first team" not in refused.text

    seen = await (await fake.slash(director, guild, "profile view", member=alice)).answer()
    assert "Leadership" in seen.text and "Europe/London" in seen.text
    assert "Lead my first team" not in seen.text and "2 goals" in seen.text
    # PRODUCT §5: every free-text answer is the member's words; directors see only that
    # it was answered.
    assert "Hi @everyone" not in seen.text and "Answered" in seen.text

    nothing = await (await fake.slash(bob, guild, "profile view")).answer()
    assert "You haven't signed up yet" in nothing.text


async def test_profile_edit_opens_the_picker(
    fake: FakeDiscord, ready: MentorBot, guild: Guild, users: dict[str, User]
) -> None:
    alice = users["alice"]
    alice.dms_closed = True
    early = await (await fake.slash(alice, guild, "profile edit")).answer()
    assert "You haven't signed up yet" in early.text
    await mentee_signup_in_the_server(fake, guild, alice)
    picker = await (await fake.slash(alice, guild, "profile edit")).answer()
    assert picker.ephemeral and "Which answer would you like to change?" in picker.text
    screen = await choose(fake, alice, picker, "timezone")
    screen = await write(fake, alice, screen, {"timezone": "America/New_York"})
    assert "America/New_York" in screen.text and "You're signed up" in screen.text
    assert "Your answers are saved." in screen.text
    record = await ready.db.fetchone(
        "SELECT timezone FROM members WHERE guild_id = ? AND user_id = ?", (guild.id, alice.id)
    )
    assert record is not None and record["timezone"] == "America/New_York"


async def test_director_resets_a_member(
    fake: FakeDiscord, ready: MentorBot, guild: Guild, users: dict[str, User]
) -> None:
    ivy, screen = await join_and_start(fake, guild, "ivy")
    await mentee_signup(fake, ivy, screen)
    member = guild.members[ivy.id].user

    refused = await (
        await fake.slash(users["bob"], guild, "onboarding reset", member=member)
    ).answer()
    assert "Only programme directors" in refused.text

    before = len(fake.dms(ivy))
    h = await fake.slash(users["director"], guild, "onboarding reset", member=member)
    reply = await h.answer()
    assert h.ephemeral and "sign-up is reset" in reply.text
    record = await ready.services.onboarding.get(guild.id, ivy.id)
    assert record is not None and record.status == "joined" and record.answers == {}
    assert guild.role("Mentee").id not in guild.members[ivy.id].role_ids
    dm = await fake.wait_for_dm(ivy, lambda m: "reset your sign-up" in m.text)
    assert len(fake.dms(ivy)) == before + 1 and dm.button_labels == ["Start"]
    await fake.wait_for_message(
        guild.channel("director-log"), lambda m: "reset the sign-up" in m.text
    )
    audit = await ready.db.fetchone(
        "SELECT action, target_id FROM audit_log WHERE action <> 'settings.change'"
    )
    assert audit is not None and (audit["action"], audit["target_id"]) == (
        "onboarding.reset",
        ivy.id,
    )
    # The member can sign up again from the new DM.
    h = await fake.click(ivy, dm, "Start")
    screen = await settled(fake, h, dm, dm.edits)
    assert "Step 1 of" in footer(screen)


async def test_onboarding_before_setup_is_refused(
    fake: FakeDiscord, bot: MentorBot, guild: Guild, users: dict[str, User]
) -> None:
    reply = await (await fake.slash(users["alice"], guild, "onboarding start")).answer()
    assert "isn't set up in this server yet" in reply.text
    jo = fake.world.add_user("jo")
    await fake.member_join(guild, jo)
    await eventually(lambda: bot.services.onboarding.get(guild.id, jo.id), "jo recorded")
    assert fake.dms(jo) == [], "no welcome before the programme is set up"


async def test_welcome_not_delivered_when_dms_closed_is_recorded(
    fake: FakeDiscord, ready: MentorBot, guild: Guild
) -> None:
    kim = fake.world.add_user("kim", dms_closed=True)
    await fake.member_join(guild, kim)

    async def closed() -> bool:
        record = await ready.services.onboarding.get(guild.id, kim.id)
        return record is not None and record.dm_closed

    await eventually(closed, "kim's closed DMs recorded")
    assert fake.dms(kim) == []


async def test_bot_cannot_manage_roles_is_reported(
    fake: FakeDiscord, ready: MentorBot, guild: Guild
) -> None:
    bot_role = guild.bot_role()
    assert bot_role is not None
    await fake.update_role(bot_role, permissions=bot_role.permissions & ~P.MANAGE_ROLES)
    lee, screen = await join_and_start(fake, guild, "lee")
    summary = await mentee_signup(fake, lee, screen)
    assert "couldn't give you the Mentee role" in summary.text
    await fake.wait_for_message(
        guild.channel("director-log"), lambda m: "lacks Manage Roles" in m.text
    )


async def test_leaving_and_rejoining_is_recorded(
    fake: FakeDiscord, ready: MentorBot, guild: Guild
) -> None:
    mo = fake.world.add_user("mo")
    await fake.member_join(guild, mo)
    await fake.wait_for_dm(mo)
    await fake.member_leave(guild, mo)

    async def left() -> bool:
        row = await ready.db.fetchone(
            "SELECT left_at FROM members WHERE guild_id = ? AND user_id = ?", (guild.id, mo.id)
        )
        return row is not None and row["left_at"] is not None

    await eventually(left, "mo's departure recorded")
    await fake.member_join(guild, mo)

    async def back() -> bool:
        return not await left()

    await eventually(back, "mo's return recorded")


async def test_changing_the_checkin_answer_moves_the_schedule(
    fake: FakeDiscord, ready: MentorBot, guild: Guild, users: dict[str, User]
) -> None:
    alice = users["alice"]
    alice.dms_closed = True
    await mentee_signup_in_the_server(fake, guild, alice)
    before = await ready.services.checkins.schedule(guild.id, alice.id)
    assert before.schedule is not None and before.schedule.weekday == 0  # Monday 09:00
    picker = await (await fake.slash(alice, guild, "profile edit")).answer()
    screen = await choose(fake, alice, picker, "checkin")
    screen = await write(fake, alice, screen, {"checkin.day": "Thursday", "checkin.time": "18:30"})
    assert "Your next check-in: <t:" in screen.text
    after = await ready.services.checkins.schedule(guild.id, alice.id)
    assert after.schedule is not None
    assert (after.schedule.weekday, after.schedule.local_time.strftime("%H:%M")) == (3, "18:30")
    assert after.next_due_at is not None and after.next_due_at.weekday() == 3


async def test_checkin_schedule_changes_what_the_profile_shows(
    fake: FakeDiscord, ready: MentorBot, guild: Guild, users: dict[str, User]
) -> None:
    alice = users["alice"]
    alice.dms_closed = True
    screen = await (await fake.slash(alice, guild, "onboarding start")).answer()
    await mentee_signup(fake, alice, screen)
    own = await (await fake.slash(alice, guild, "profile view")).answer()
    assert "Monday 09:00" in own.text and "Europe/London" in own.text
    h = await fake.slash(
        alice,
        guild,
        "checkin schedule",
        day="thursday",
        time="6:30pm",
        timezone="America/New_York",
        cadence="fortnightly",
    )
    assert "**Thursday** at **18:30** (America/New_York)" in (await h.answer()).text
    own = await (await fake.slash(alice, guild, "profile view")).answer()
    assert "Thursday 18:30" in own.text and "America/New_York" in own.text
    assert "Monday 09:00" not in own.text and "Europe/London" not in own.text
    # Changing another answer later keeps the schedule where /checkin schedule put it.
    picker = await (await fake.slash(alice, guild, "profile edit")).answer()
    screen = await choose(fake, alice, picker, "experience")
    screen = await choose(fake, alice, screen, "6-10")
    view = await ready.services.checkins.schedule(guild.id, alice.id)
    assert view.schedule is not None
    assert (view.schedule.weekday, view.schedule.local_time.strftime("%H:%M")) == (3, "18:30")
    assert view.schedule.timezone == "America/New_York"
