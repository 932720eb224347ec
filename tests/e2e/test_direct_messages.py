"""The one DM policy, tested once, at the adapter (`bot.dm.DirectMessages`), through the
real discord.py client talking to the fake Discord.

Every feature that DMs a member (welcome, introductions, follow-ups, endings, check-ins,
mentor alerts) goes through this adapter, so these are the rules a member lives with:
closed DMs are remembered and not tried again until the member shows their DMs work; a
DM channel Discord no longer knows is replaced; "opening DMs too fast" waits and retries.
"""

from __future__ import annotations

import pytest

from bot.app import MentorBot
from bot.dm import DirectMessages
from bot.sender import Throttled
from cogs.onboarding import _screens as onboarding_screens
from tests.e2e.support.waiting import eventually
from tests.fakediscord import FakeDiscord, Guild, User

DM_OPENS = "/users/@me/channels"


class Sleeps:
    """Records the adapter's waits instead of sleeping for real."""

    def __init__(self) -> None:
        self.waits: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)


@pytest.fixture
def sleeps() -> Sleeps:
    return Sleeps()


@pytest.fixture
def dms(bot: MentorBot, sleeps: Sleeps) -> DirectMessages:
    """The adapter as the bot builds it, with a recorded wait."""
    return DirectMessages(bot, bot.services.contacts, throttle_wait=7.0, sleep=sleeps)


async def member(fake: FakeDiscord, bot: MentorBot, guild: Guild, name: str) -> User:
    user = fake.world.add_user(name)
    guild.add_member(user)
    await bot.services.onboarding.record_join(guild.id, user.id)
    return user


def attempts_to(fake: FakeDiscord, user: User) -> int:
    """POSTs to `user`'s DM channel (refused or not)."""
    channel = fake.world.dm_channels.get(user.id)
    if channel is None:
        return 0
    return len(fake.requests_to("POST", f"/channels/{channel.id}/messages"))


async def test_a_stored_dm_channel_is_reused(
    fake: FakeDiscord, bot: MentorBot, guild: Guild, dms: DirectMessages
) -> None:
    ana = await member(fake, bot, guild, "ana")
    first = await dms.send(guild.id, ana.id, content="Hello")
    opens = len(fake.requests_to("POST", DM_OPENS))
    second = await dms.send(guild.id, ana.id, content="Hello again")
    assert first.delivered and second.delivered
    assert first.channel_id == second.channel_id == fake.world.dm_channels[ana.id].id
    assert len(fake.requests_to("POST", DM_OPENS)) == opens, "the stored channel is reused"
    assert await bot.services.contacts.dm_channel_of(guild.id, ana.id) == first.channel_id
    assert [m.text for m in fake.dms(ana)] == ["Hello", "Hello again"]
    assert (
        first.jump_url == f"https://discord.com/channels/@me/{first.channel_id}/{first.message_id}"
    )


async def test_closed_dms_are_marked_and_not_tried_again_until_the_member_shows_they_work(
    fake: FakeDiscord, bot: MentorBot, guild: Guild, dms: DirectMessages
) -> None:
    bo = await member(fake, bot, guild, "bo")
    contacts = bot.services.contacts
    embed, view = onboarding_screens.welcome(bot.services.onboarding.questionnaire, guild)
    welcome = await dms.send(guild.id, bo.id, embed=embed, view=view)
    assert welcome.delivered

    bo.dms_closed = True  # the member closes their DMs (or blocks the bot)
    refused = await dms.send(guild.id, bo.id, content="Are you there?")
    assert refused.outcome == "dms_closed" and refused.code == 50007
    assert await contacts.dm_closed(guild.id, bo.id)
    tried = attempts_to(fake, bo)

    bo.dms_closed = False  # they open them again, but have not shown it yet
    skipped = await dms.send(guild.id, bo.id, content="Still there?")
    assert skipped.outcome == "dms_closed" and skipped.code is None
    assert attempts_to(fake, bo) == tried, "a member known to have closed DMs is not tried"

    # Clicking the old welcome's button in DMs shows their DMs work.
    [message] = fake.dms(bo)
    h = await fake.click(bo, message, "Start")
    await h.response()

    async def reopened() -> bool:
        return not await contacts.dm_closed(guild.id, bo.id)

    await eventually(reopened, "the DM flag cleared by a click in DMs")
    again = await dms.send(guild.id, bo.id, content="Welcome back")
    assert again.delivered and fake.dms(bo)[-1].text == "Welcome back"


async def test_a_member_who_asks_is_tried_even_if_their_dms_were_closed(
    fake: FakeDiscord, bot: MentorBot, guild: Guild, dms: DirectMessages
) -> None:
    cy = await member(fake, bot, guild, "cy")
    await bot.services.contacts.set_dm_closed(guild.id, cy.id, True)
    assert (await dms.send(guild.id, cy.id, content="No")).outcome == "dms_closed"
    assert fake.dms(cy) == []
    asked = await dms.send(guild.id, cy.id, content="You asked", asked=True)
    assert asked.delivered and [m.text for m in fake.dms(cy)] == ["You asked"]
    assert not await bot.services.contacts.dm_closed(guild.id, cy.id)


async def test_a_stale_dm_channel_is_forgotten_and_a_new_one_opened(
    fake: FakeDiscord, bot: MentorBot, guild: Guild, dms: DirectMessages
) -> None:
    di = await member(fake, bot, guild, "di")
    stale = 1_000_000_000_000_000_042  # a channel Discord does not know (10003)
    await bot.services.contacts.set_dm_channel(guild.id, di.id, stale)
    channels: list[int] = []

    async def before_send(channel_id: int) -> bool:
        channels.append(channel_id)
        return True

    sent = await dms.send(guild.id, di.id, content="Hi", before_send=before_send)
    real = fake.world.dm_channels[di.id].id
    assert sent.delivered and sent.channel_id == real
    assert channels == [stale, real], "the caller sees (and may claim) the channel it posts in"
    assert await bot.services.contacts.dm_channel_of(guild.id, di.id) == real
    assert len(fake.requests_to("POST", f"/channels/{stale}/messages")) == 1
    assert [m.text for m in fake.dms(di)] == ["Hi"]


async def test_opening_dms_too_fast_waits_and_retries(
    fake: FakeDiscord, bot: MentorBot, guild: Guild, dms: DirectMessages, sleeps: Sleeps
) -> None:
    ed = await member(fake, bot, guild, "ed")
    fake.fail_next_dms(1)  # 40003
    sent = await dms.send(guild.id, ed.id, content="Patience", nonce="once")
    assert sent.delivered and sleeps.waits == [7.0]
    assert [m.text for m in fake.dms(ed)] == ["Patience"]
    assert attempts_to(fake, ed) == 2
    assert not await bot.services.contacts.dm_closed(guild.id, ed.id)


async def test_throttled_too_long_fails_to_be_retried_later_and_a_paced_caller_is_told(
    fake: FakeDiscord, bot: MentorBot, guild: Guild, dms: DirectMessages, sleeps: Sleeps
) -> None:
    fy = await member(fake, bot, guild, "fy")
    fake.fail_next_dms(dms.throttle_retries + 1)
    sent = await dms.send(guild.id, fy.id, content="Later")
    assert sent.outcome == "failed" and sent.code == 40003 and sent.retry_later
    assert sleeps.waits == [7.0] * dms.throttle_retries and fake.dms(fy) == []

    # The paced check-in sender pauses its whole queue instead of waiting here.
    fake.fail_next_dms(1)
    with pytest.raises(Throttled):
        await dms.send(guild.id, fy.id, content="Queued", wait=False)
    assert sleeps.waits == [7.0] * dms.throttle_retries, "no wait: the queue pauses"
    assert not await bot.services.contacts.dm_closed(guild.id, fy.id)


async def test_a_cancelled_send_posts_nothing(
    fake: FakeDiscord, bot: MentorBot, guild: Guild, dms: DirectMessages
) -> None:
    gu = await member(fake, bot, guild, "gu")

    async def already_sent(channel_id: int) -> bool:
        return False

    result = await dms.send(guild.id, gu.id, content="Twice?", before_send=already_sent)
    assert result.outcome == "cancelled" and fake.dms(gu) == []
