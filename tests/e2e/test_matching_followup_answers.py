""" "Have you met yet?" when the two members of a pair answer differently: the second answer
is told what is already true, and never promised a round that will not come."""

from __future__ import annotations

from datetime import timedelta

from bot.app import MentorBot
from tests.e2e.support.matching import fire, followups, introduced_pair
from tests.fakediscord import FakeDiscord, Guild, User
from tests.support import FakeClock


async def _asked(
    fake: FakeDiscord, ready: MentorBot, guild: Guild, users: dict[str, User], clock: FakeClock
) -> tuple[User, User]:
    """Alice and Bob, introduced a week ago, each holding their first follow-up."""
    alice, bob, _, _ = await introduced_pair(fake, ready, guild, users)
    clock.advance(timedelta(days=7))
    await fire(ready)
    assert len(followups(fake, alice)) == 1 and len(followups(fake, bob)) == 1
    return alice, bob


def _asked_count(fake: FakeDiscord, user: User) -> int:
    """Follow-ups the member received, answered (buttons gone) or not."""
    return len([m for m in fake.dms(user) if "Have you met yet?" in m.text])


async def _no_more_rounds(
    fake: FakeDiscord, ready: MentorBot, alice: User, bob: User, clock: FakeClock
) -> None:
    asked = _asked_count(fake, alice), _asked_count(fake, bob)
    clock.advance(timedelta(days=8))
    await fire(ready)
    assert (_asked_count(fake, alice), _asked_count(fake, bob)) == asked == (1, 1)


async def test_not_yet_after_the_partner_said_yes(
    fake: FakeDiscord, ready: MentorBot, guild: Guild, users: dict[str, User], clock: FakeClock
) -> None:
    alice, bob = await _asked(fake, ready, guild, users, clock)
    (to_alice,) = followups(fake, alice)
    (to_bob,) = followups(fake, bob)
    await (await fake.click(alice, to_alice, "Yes")).answer()

    reply = await (await fake.click(bob, to_bob, "Not yet")).answer()
    assert "{" not in reply.text and "check in again" not in reply.text, reply.text
    assert "Your partner already told me you two have met" in reply.text
    await _no_more_rounds(fake, ready, alice, bob, clock)


async def test_not_yet_after_the_partner_asked_for_help(
    fake: FakeDiscord, ready: MentorBot, guild: Guild, users: dict[str, User], clock: FakeClock
) -> None:
    alice, bob = await _asked(fake, ready, guild, users, clock)
    (to_alice,) = followups(fake, alice)
    (to_bob,) = followups(fake, bob)
    await (await fake.click(alice, to_alice, "Need help")).answer()
    await fake.wait_for_message(guild.channel("director-log"), lambda m: "asked for help" in m.text)

    reply = await (await fake.click(bob, to_bob, "Not yet")).answer()
    assert "{" not in reply.text and "check in again" not in reply.text, reply.text
    assert "Your partner asked for help" in reply.text and "director" in reply.text
    await _no_more_rounds(fake, ready, alice, bob, clock)
    flags = [m for m in fake.messages(guild.channel("director-log")) if "🚩" in m.text]
    assert len(flags) == 1, "the pair is flagged once"


async def test_not_yet_once_the_pair_is_already_flagged_as_not_met(
    fake: FakeDiscord, ready: MentorBot, guild: Guild, users: dict[str, User], clock: FakeClock
) -> None:
    alice, bob = await _asked(fake, ready, guild, users, clock)
    await (await fake.click(bob, followups(fake, bob)[0], "Not yet")).answer()
    clock.advance(timedelta(days=7))
    await fire(ready)
    second_to_alice, second_to_bob = followups(fake, alice)[-1], followups(fake, bob)[-1]
    reply = await (await fake.click(alice, second_to_alice, "Not yet")).answer()
    assert "A programme director will be in touch" in reply.text  # the pair is flagged now

    reply = await (await fake.click(bob, second_to_bob, "Not yet")).answer()
    assert "{" not in reply.text and "check in again" not in reply.text, reply.text
    assert "A programme director already knows" in reply.text
