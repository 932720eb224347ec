"""A member's moves through the sign-up screens, as they click and type them."""

from __future__ import annotations

from tests.e2e.support.waiting import wait_for_change
from tests.fakediscord import FakeDiscord, Guild, Interaction, Message, User


def footer(message: Message) -> str:
    return str(message.embeds[0].get("footer", {}).get("text", "")) if message.embeds else ""


async def settled(fake: FakeDiscord, h: Interaction, message: Message, before: int) -> Message:
    """Wait for the bot's answer to a click on `message` to land (an edit of that message)."""
    await h.response()
    return await wait_for_change(
        fake, message, lambda m: m.edits > before, f"the bot's update of message {message.id}"
    )


async def choose(fake: FakeDiscord, user: User, message: Message, *values: str) -> Message:
    current = fake.world.find_message(message.id)
    assert current is not None
    h = await fake.select(user, current, list(values))
    return await settled(fake, h, current, current.edits)


async def write(
    fake: FakeDiscord, user: User, message: Message, answers: dict[str, str]
) -> Message:
    """Press Answer, check the modal, fill it in and submit it."""
    current = fake.world.find_message(message.id)
    assert current is not None
    opened = await fake.click(user, current, "Answer")
    await opened.response()
    assert opened.modal is not None, f"expected a modal, got {opened.response_type}"
    submitted = await fake.submit_modal(user, opened, answers)
    return await settled(fake, submitted, current, current.edits)


async def past_language(fake: FakeDiscord, user: User, message: Message) -> Message:
    """On the first screen (the language question), keep English; any other screen is
    returned as it is."""
    if "Step 1 of" not in footer(message):
        return message
    return await choose(fake, user, message, "en")


async def mentee_signup(fake: FakeDiscord, user: User, message: Message) -> Message:
    """From the language (English) or role question to the summary, as a mentee."""
    screen = await past_language(fake, user, message)
    screen = await choose(fake, user, screen, "mentee")
    assert "Step 3 of 8" in footer(screen)
    screen = await choose(fake, user, screen, "leadership", "product")
    screen = await write(
        fake,
        user,
        screen,
        {"goals": "Lead my first team\nSpeak at a meetup", "bio": "Hi @everyone"},
    )
    screen = await choose(fake, user, screen, "3-5")
    screen = await write(fake, user, screen, {"timezone": "Europe/London"})
    screen = await write(fake, user, screen, {"checkin.day": "Monday", "checkin.time": "9am"})
    return await choose(fake, user, screen, "agree")


async def join_and_start(fake: FakeDiscord, guild: Guild, name: str) -> tuple[User, Message]:
    """A newcomer joins, gets the welcome DM, presses Start and keeps English on the first
    screen: (the member, the role question)."""
    user = fake.world.add_user(name)
    await fake.member_join(guild, user)
    welcome = await fake.wait_for_dm(user)
    assert welcome.button_labels == ["Start"]
    assert "Your privacy" in welcome.text
    h = await fake.click(user, welcome, "Start")
    screen = await settled(fake, h, welcome, welcome.edits)
    assert "Step 1 of" in footer(screen)
    screen = await past_language(fake, user, screen)
    assert "Step 2 of" in footer(screen)
    return user, screen


async def mentee_signup_in_the_server(fake: FakeDiscord, guild: Guild, user: User) -> Message:
    """/onboarding start by a member whose DMs are closed, then the mentee screens, which
    come as the command's private reply instead of a DM."""
    assert user.dms_closed, "with open DMs the screens go to a DM"
    screen = await (await fake.slash(user, guild, "onboarding start")).answer()
    return await mentee_signup(fake, user, screen)


def offered(message: Message) -> dict[str, bool]:
    """The options of the screen's menu: value → pre-selected."""
    menu = message.selects[0]
    return {o["value"]: bool(o.get("default")) for o in menu["options"]}


async def write_in(
    fake: FakeDiscord, user: User, message: Message, button: str, answers: dict[str, str]
) -> Message:
    """Press the screen's write button (named in the member's language) and submit."""
    current = fake.world.find_message(message.id)
    assert current is not None
    opened = await fake.click(user, current, button)
    await opened.response()
    assert opened.modal is not None, f"expected a modal, got {opened.response_type}"
    submitted = await fake.submit_modal(user, opened, answers)
    return await settled(fake, submitted, current, current.edits)


async def start_from_the_welcome(fake: FakeDiscord, guild: Guild, user: User) -> Message:
    await fake.member_join(guild, user)
    welcome = await fake.wait_for_dm(user)
    h = await fake.click(user, welcome, welcome.button_labels[0])
    return await settled(fake, h, welcome, welcome.edits)
