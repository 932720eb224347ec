"""A programme inside a big server: the bot does not cache the whole server, yet a member
it has never seen is welcomed on joining, can be looked at and is shown by name."""

from __future__ import annotations

from bot.app import MentorBot
from tests.e2e.support.checkins import sign_up
from tests.fakediscord import FakeDiscord, Guild, User


async def test_members_the_bot_never_cached_are_welcomed_found_and_named(
    fake: FakeDiscord, ready: MentorBot, guild: Guild, users: dict[str, User]
) -> None:
    for n in range(200):
        guild.add_member(fake.world.add_user(f"member{n}"))
    mentee = await sign_up(ready, fake, guild, "quinn")  # in the server, never cached
    mentor = await sign_up(ready, fake, guild, "morgan", role="mentor")
    seen_by_bot = ready.get_guild(guild.id)
    assert seen_by_bot is not None
    assert seen_by_bot.get_member(users["alice"].id) is None, "the server was chunked"
    assert seen_by_bot.get_member(mentee.id) is None

    newcomer = fake.world.add_user("newcomer")
    await fake.member_join(guild, newcomer)
    welcome = await fake.wait_for_dm(newcomer, lambda m: "Start" in m.button_labels)
    assert guild.name in welcome.text

    director = users["director"]
    profile = await (await fake.slash(director, guild, "profile view", member=mentee)).answer()
    assert profile.ephemeral and "Leadership" in profile.text and "Europe/London" in profile.text

    h = await fake.slash(director, guild, "match suggest", mentee=mentee)
    suggested = await h.answer()
    assert "Mentors for quinn" in suggested.text and "morgan" in suggested.text
    assert seen_by_bot.get_member(mentor.id) is not None  # looked up once, cached since
