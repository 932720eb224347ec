"""Slash commands, components, modals and autocomplete, answered by real discord.py."""

from __future__ import annotations

import discord
import pytest

from tests.fakediscord import FakeDiscord, Guild, User

from .testbot import GOALS, HarnessBot


@pytest.fixture
def guild(fake: FakeDiscord) -> Guild:
    return fake.world.guild("Mentoring Circle")


@pytest.fixture
def alice(fake: FakeDiscord) -> User:
    return fake.world.user("alice")


async def test_slash_with_subcommand_and_resolved_options(
    fake: FakeDiscord, bot: HarnessBot, guild: Guild, alice: User
) -> None:
    director = fake.world.user("director")
    h = await fake.slash(
        alice,
        guild,
        "setup channels",
        introductions=guild.channel("introductions"),
        sessions=guild.channel("sessions"),
        mentor_role=guild.role("Mentor"),
        director=director,
        checkin_fallback=None,
    )
    reply = await h.answer()
    assert h.ephemeral and reply.ephemeral
    assert reply.content == (
        "intro=introductions sessions=sessions role=Mentor director=director fallback=None"
    )
    _, intro, _, role, member, fallback = bot.calls[0]
    assert isinstance(intro, discord.TextChannel) and intro.id == guild.channel("introductions").id
    assert isinstance(role, discord.Role) and role.id == guild.role("Mentor").id
    assert isinstance(member, discord.Member) and member.guild_permissions.manage_guild
    assert fallback is None
    # ephemeral replies do not show up in the channel's public history
    assert fake.messages(guild.channel("general")) == []
    payload = h.payload
    assert payload["member"]["user"]["id"] == str(alice.id)
    assert payload["data"]["options"][0]["type"] == 1


async def test_slash_option_errors_are_clear(
    fake: FakeDiscord, bot: HarnessBot, guild: Guild, alice: User
) -> None:
    with pytest.raises(AssertionError, match="not registered"):
        await fake.slash(alice, guild, "nope")
    with pytest.raises(AssertionError, match="has no option 'wrong'"):
        await fake.slash(alice, guild, "ping", wrong=1)
    with pytest.raises(AssertionError, match="is a channel option"):
        await fake.slash(
            alice,
            guild,
            "setup channels",
            introductions="general",
            sessions=guild.channel("sessions"),
            mentor_role=guild.role("Mentor"),
            director=alice,
        )
    with pytest.raises(AssertionError, match="missing required"):
        await fake.slash(alice, guild, "setup channels", introductions=guild.channel("general"))


async def test_defer_then_followups(
    fake: FakeDiscord, bot: HarnessBot, guild: Guild, alice: User
) -> None:
    h = await fake.slash(alice, guild, "slow")
    await h.response()
    assert h.deferred and h.ephemeral
    first = await h.answer()
    assert first.content == "done thinking" and not first.loading  # edited the "thinking" one
    second = await h.followup(0)
    assert second.content == "and one more" and second.id != first.id
    assert "done thinking" in h.text and "and one more" in h.text


async def test_button_on_dm_message(
    fake: FakeDiscord, bot: HarnessBot, guild: Guild, alice: User
) -> None:
    h = await fake.slash(alice, guild, "dm-me")
    assert (await h.answer()).content == "Check your DMs"
    dm = await fake.wait_for_dm(alice)
    assert dm.button_labels == ["Start"]
    assert dm.allowed_mentions == {"parse": []}
    assert not dm.mentions_allowed
    click = await fake.click(alice, dm, "Start")
    reply = await click.answer()
    assert reply.content == "Let's begin!" and reply.ephemeral


async def test_select_updates_the_message(
    fake: FakeDiscord, bot: HarnessBot, guild: Guild, alice: User
) -> None:
    await (await fake.slash(alice, guild, "dm-me")).response()
    dm = await fake.wait_for_dm(alice)
    with pytest.raises(AssertionError, match="no option"):
        await fake.select(alice, dm, ["astronaut"], custom_id="onb:track")
    h = await fake.select(alice, dm, ["mentee"], custom_id="onb:track")
    updated = await h.answer()
    assert updated.id == dm.id and updated.content == "Track: mentee"
    assert updated.components == []


async def test_modal_open_and_submit(
    fake: FakeDiscord, bot: HarnessBot, guild: Guild, alice: User
) -> None:
    h = await fake.slash(alice, guild, "onboard")
    await h.response()
    assert h.modal is not None and h.modal["title"] == "Onboarding"
    kinds = [c["type"] for c in h.modal["components"]]
    assert kinds == [1, 18]  # a legacy action row and a Label
    with pytest.raises(AssertionError, match="allows ≤ 200"):
        await fake.submit_modal(alice, h, {"Your goal": "x" * 201, "exp": "some"})
    submitted = await fake.submit_modal(alice, h, {"Your goal": "ship it", "Experience": "5 years"})
    assert (await submitted.answer()).content == "Saved: ship it"
    assert bot.calls[-1] == ("modal", "ship it", "5 years")


async def test_autocomplete(fake: FakeDiscord, bot: HarnessBot, guild: Guild, alice: User) -> None:
    choices = await fake.autocomplete(alice, guild, "goal done", option="goal", value="wri")
    assert [c["value"] for c in choices] == [g for g in GOALS if g.startswith("wri")]
    h = await fake.slash(alice, guild, "goal done", goal="run 5k")
    assert (await h.answer()).content == "Done: run 5k"
    assert not h.ephemeral


async def test_dm_slash_command(fake: FakeDiscord, bot: HarnessBot, alice: User) -> None:
    h = await fake.slash(alice, None, "ping")
    assert h.payload["context"] == 1 and "user" in h.payload and "member" not in h.payload
    assert (await h.answer()).content == "pong"


async def test_late_answer_gets_10062(
    fake: FakeDiscord, bot: HarnessBot, guild: Guild, alice: User
) -> None:
    fake.interaction_deadline = 0.05
    h = await fake.slash(alice, guild, "late")
    with pytest.raises(AssertionError, match="too late"):
        await h.response(timeout=2)
    await fake.wait_until(lambda: bot.errors, what="the bot's error handler")
    error = bot.errors[0]
    assert isinstance(error, discord.NotFound) and error.code == 10062


async def test_never_answered_is_reported(
    fake: FakeDiscord, bot: HarnessBot, guild: Guild, alice: User
) -> None:
    message = await bot.get_partial_messageable(guild.channel("general").id).send("no view")
    stored = fake.world.find_message(message.id)
    assert stored is not None
    stored.components = [
        {
            "type": 1,
            "components": [
                {"type": 2, "style": 1, "label": "Orphan", "custom_id": "nobody:listens"}
            ],
        }
    ]
    h = await fake.click(alice, stored, "Orphan")
    with pytest.raises(AssertionError, match=r"did not answer button 'Orphan' within 0\.1 s"):
        await h.response(timeout=0.1)


async def test_double_answer_is_40060(
    fake: FakeDiscord, bot: HarnessBot, guild: Guild, alice: User
) -> None:
    h = await fake.slash(alice, guild, "ping")
    await h.response()
    adapter = discord.webhook.async_.async_context.get()
    params = discord.webhook.async_.interaction_response_params(type=4, data={"content": "2"})
    with pytest.raises(discord.HTTPException) as info:
        await adapter.create_interaction_response(
            h.id,
            h.token,
            session=bot.http._HTTPClient__session,  # type: ignore[attr-defined]
            params=params,
        )
    assert info.value.code == 40060


async def test_interaction_token_expires_after_15_minutes(
    fake: FakeDiscord, bot: HarnessBot, guild: Guild, alice: User
) -> None:
    h = await fake.slash(alice, guild, "ping")
    await h.response()
    session = bot.http._HTTPClient__session  # type: ignore[attr-defined]
    webhook = discord.Webhook.partial(fake.world.application.id, h.token, session=session)
    extra = await webhook.send("a follow-up", wait=True)
    assert (await h.followup(0)).id == extra.id
    fake.advance_time(15 * 60 + 1)
    with pytest.raises(discord.HTTPException) as info:
        await webhook.send("too late", wait=True)
    assert info.value.code == 50027
