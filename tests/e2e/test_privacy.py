"""`/privacy export` and `/privacy delete` as members live them: a readable file of their
data by DM (or here, when DMs are closed), and a deletion that says exactly what it erases,
waits for a confirmation, ends a match politely and leaves nothing of their words behind."""

from __future__ import annotations

import json
from datetime import timedelta

from bot.app import MentorBot
from tests.e2e.support.matching import introduced_pair
from tests.e2e.support.waiting import eventually, wait_for_change
from tests.fakediscord import FakeDiscord, Guild, User
from tests.support import FakeClock


async def test_export_arrives_by_dm_as_a_file_only_they_can_read(
    fake: FakeDiscord, ready: MentorBot, guild: Guild, users: dict[str, User]
) -> None:
    alice, bob, director, _ = await introduced_pair(fake, ready, guild, users)
    h = await fake.slash(alice, guild, "privacy export")
    reply = await h.answer()
    assert h.ephemeral and "sent you a copy of your data by DM" in reply.text
    dm = await fake.wait_for_dm(alice, lambda m: bool(m.attachments))
    (file,) = dm.attachments
    assert file.filename.startswith("mentorbot-mentoring-circle-") and file.filename.endswith(
        ".json"
    )
    data = json.loads(file.text)
    assert data["Your Discord id"] == str(alice.id) and data["Server"] == guild.name
    assert data["Your sign-up"]["What we hold"]["Answers"]["A line about you"] == "I am alice"
    assert data["Goals"]["What we hold"][0]["Goal"] == "Grow as alice"
    assert data["Matches"]["What we hold"][0]["Partner"] == str(bob.id)
    assert "/privacy delete" in dm.text
    for other in (bob, director):
        assert not any(m.attachments for m in fake.readable_by(other))
    assert "Grow as alice" not in fake.visible_text(director)


async def test_export_comes_here_when_dms_are_closed(
    fake: FakeDiscord, ready: MentorBot, guild: Guild, users: dict[str, User]
) -> None:
    alice, *_ = await introduced_pair(fake, ready, guild, users)
    alice.dms_closed = True
    h = await fake.slash(alice, guild, "privacy export")
    reply = await h.answer()
    assert h.ephemeral and "Your DMs are closed" in reply.text
    (file,) = reply.attachments
    assert "Grow as alice" in file.text
    assert not any(m.attachments for m in fake.readable_by(users["bob"]))


async def test_delete_says_what_it_erases_then_erases_and_ends_the_match_politely(
    fake: FakeDiscord, ready: MentorBot, guild: Guild, users: dict[str, User]
) -> None:
    alice, bob, director, thread = await introduced_pair(fake, ready, guild, users)
    await fake.set_member_roles(guild, alice, [guild.role("Mentee")])
    h = await fake.slash(alice, guild, "privacy delete")
    screen = await h.answer()
    assert h.ephemeral
    text = screen.text
    assert "Delete your data in Mentoring Circle?" in text and "can't be undone" in text
    assert "your 1 goal" in text and "including what you wrote about yourself" in text
    assert f"your match with <@{bob.id}> ends: they're told it ended, not why" in text
    keep = ready.settings.backup_keep
    assert "anonymous number" in text and f"the last {keep} daily backups" in text
    assert screen.button_labels == ["Delete my data", "Keep my data"]
    assert await ready.services.onboarding.get(guild.id, alice.id) is not None, "not yet"

    done = await (await fake.click(alice, screen, "Delete my data")).answer()
    done = await wait_for_change(fake, done, lambda m: "is deleted" in m.text, "the outcome")
    assert "your 1 goal" in done.text and f"<@{bob.id}> has ended" in done.text
    assert done.buttons == []

    # Her data is gone, her role too; the partner is told it ended, not why.
    assert await ready.services.onboarding.get(guild.id, alice.id) is None
    assert await ready.services.goals.open_goals(guild.id, alice.id) == ()
    assert guild.role("Mentee").id not in guild.members[alice.id].role_ids
    told = await fake.wait_for_dm(bob, lambda m: "Your match has ended" in m.text)
    assert f"<@{alice.id}>" in told.text
    for why in ("privacy", "their data", "deleted their", "erase", "left"):
        assert why not in told.text.casefold()
    closing = await fake.wait_for_message(thread, lambda m: "This match has now ended" in m.text)
    assert closing.author.id == fake.world.bot.id
    await eventually(_archived(fake, thread.id), "the introduction thread archived")
    line = await fake.wait_for_message(
        guild.channel("director-log"), lambda m: "a member left the programme" in m.text
    )
    assert f"<@{bob.id}> (mentor)" in line.text and str(alice.id) not in line.text
    assert not await ready.services.matching.in_active_match(guild.id, bob.id)
    everything = await ready.db.fetchall("SELECT answers FROM members")
    assert all("I am alice" not in row["answers"] for row in everything)
    assert "Grow as alice" not in fake.visible_text(director)


def _archived(fake: FakeDiscord, thread_id: int):  # type: ignore[no-untyped-def]
    async def check() -> bool:
        found = fake.world.find_channel(thread_id)
        return found is not None and bool(getattr(found[0], "archived", False))

    return check


async def test_keep_or_a_stale_confirmation_deletes_nothing(
    fake: FakeDiscord, ready: MentorBot, guild: Guild, users: dict[str, User], clock: FakeClock
) -> None:
    alice, *_ = await introduced_pair(fake, ready, guild, users)
    screen = await (await fake.slash(alice, guild, "privacy delete")).answer()
    kept = await (await fake.click(alice, screen, "Keep my data")).answer()
    assert "Nothing was deleted" in kept.text and kept.buttons == []

    screen = await (await fake.slash(alice, guild, "privacy delete")).answer()
    clock.advance(timedelta(minutes=16))
    stale = await (await fake.click(alice, screen, "Delete my data")).answer()
    assert "didn't delete anything" in stale.text
    assert await ready.services.onboarding.get(guild.id, alice.id) is not None
    assert await ready.services.matching.in_active_match(guild.id, alice.id)


async def test_someone_who_never_signed_up_is_told_there_is_nothing(
    fake: FakeDiscord, ready: MentorBot, guild: Guild, users: dict[str, User]
) -> None:
    h = await fake.slash(users["olivia"], guild, "privacy delete")
    reply = await h.answer()
    assert h.ephemeral and "nothing to delete" in reply.text and reply.buttons == []
