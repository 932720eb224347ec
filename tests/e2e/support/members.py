"""Members who signed up without the screens: the set-up of tests about what comes after."""

from __future__ import annotations

from bot.app import MentorBot
from tests.fakediscord import FakeDiscord, Guild, User


async def finish_sign_up(
    bot: MentorBot, guild: Guild, user: User, answers: dict[str, object]
) -> None:
    """A finished sign-up through the onboarding service (the screens have their own tests)."""
    onboarding = bot.services.onboarding
    await onboarding.start(guild.id, user.id)
    screen = await onboarding.answer(guild.id, user.id, answers)
    assert screen.complete, f"the questionnaire wants more than {sorted(answers)}"
    await onboarding.complete(guild.id, user.id)


async def newcomer(fake: FakeDiscord, guild: Guild, name: str) -> User:
    """A member who has just joined and been sent the welcome."""
    user = fake.world.add_user(name)
    await fake.member_join(guild, user)
    await fake.wait_for_dm(user, lambda m: "Start" in m.button_labels)  # the welcome
    return user
