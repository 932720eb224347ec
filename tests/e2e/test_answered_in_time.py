"""Every interaction is answered inside Discord's 3 seconds, however slow storage is.

Another program holding the database's write lock: the command is still acknowledged in
time (the fake Discord rejects a late answer with 10062, as Discord does); a write that
cannot be made says so and stores nothing, so the member's retry stores it once. Commands
that answer publicly or with a form are acknowledged to match.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

import discord
from discord import app_commands

from bot.app import MentorBot
from bot.config import Settings
from bot.ui.acknowledge import opens_modal, public_answer
from tests.e2e.support.checkins import (
    MONDAY_0900,
    button_id,
    click_goal,
    fire,
    is_prompt,
    sign_up,
    wait_sent,
    write_note,
)
from tests.fakediscord import FakeDiscord, Guild, User
from tests.storage_faults import WriteLock


async def goal_titles(bot: MentorBot, guild: Guild, user_id: int) -> list[str]:
    return [g.title for g in await bot.services.goals.all_goals(guild.id, user_id)]


async def test_a_goal_added_while_the_database_is_locked_is_refused_then_stored_once(
    fake: FakeDiscord, ready: MentorBot, guild: Guild, settings: Settings
) -> None:
    lea = await sign_up(ready, fake, guild, "lea", goals="Lead my first team")
    with WriteLock(settings.database_path):
        held_since = time.monotonic()
        h = await fake.slash(lea, guild, "goal add", title="Learn SQL")
        await h.response()  # within the deadline, or the fake reports 10062
        assert h.deferred and h.ephemeral
        reply = await h.answer()
        assert "try again in a moment" in reply.text and "Learn SQL" not in reply.text
        # Reads go on while another program writes: nothing half-stored is listed.
        h = await fake.slash(lea, guild, "goal list")
        listed = await h.answer()
        assert "Lead my first team" in listed.text and "Learn SQL" not in listed.text
        assert await goal_titles(ready, guild, lea.id) == ["Lead my first team"]
        # The lock outlasts Discord's window: a command then is refused the same way.
        outlasted = held_since + fake.interaction_deadline + 0.5
        await asyncio.sleep(max(0.0, outlasted - time.monotonic()))
        h = await fake.slash(lea, guild, "goal add", title="Learn SQL")
        assert "try again in a moment" in (await h.answer()).text
        assert await goal_titles(ready, guild, lea.id) == ["Lead my first team"]
    h = await fake.slash(lea, guild, "goal add", title="Learn SQL")
    assert "Added your goal “Learn SQL”" in (await h.answer()).text
    assert await goal_titles(ready, guild, lea.id) == ["Lead my first team", "Learn SQL"]


async def test_a_goal_stored_once_the_lock_is_released_is_confirmed_late(
    fake: FakeDiscord, ready: MentorBot, guild: Guild, settings: Settings
) -> None:
    mo = await sign_up(ready, fake, guild, "mo", goals="Lead my first team")
    with WriteLock(settings.database_path) as lock:
        h = await fake.slash(mo, guild, "goal add", title="Learn SQL")
        await h.response()
        assert h.deferred and h.ephemeral
        lock.release()  # the other program finishes while the bot waits
    assert "Added your goal “Learn SQL”" in (await h.answer()).text
    assert await goal_titles(ready, guild, mo.id) == ["Lead my first team", "Learn SQL"]


async def test_a_check_in_answer_clicked_while_locked_is_refused_then_recorded_once(
    fake: FakeDiscord, ready: MentorBot, guild: Guild, settings: Settings, clock: Any
) -> None:
    nia = await sign_up(ready, fake, guild, "nia")
    clock.set(MONDAY_0900)
    await fire(ready)
    prompt = await fake.wait_for_dm(nia, is_prompt)
    await wait_sent(ready, 1)
    with WriteLock(settings.database_path):
        h = await fake.click(
            nia, prompt, custom_id=button_id(prompt, "Lead my first team", "On track")
        )
        await h.response()
        assert h.deferred
        busy = await h.followup()
        assert busy.ephemeral and "try again in a moment" in busy.text
        assert "Your answer" not in prompt.text, "the prompt is left as it was"
        # The note's form opens (reading goes on); its submission is refused the same way.
        h = await write_note(fake, nia, prompt, "Found a venue", share=False)
        await h.response()
        busy = await h.followup()
        assert busy.ephemeral and "try again in a moment" in busy.text
    updated = await click_goal(fake, nia, prompt, "Lead my first team", "On track")
    assert "Your answer: ✅ On track" in updated.text
    assert await ready.db.fetchval("SELECT count(*) FROM checkin_answers") == 1
    assert await ready.db.fetchval("SELECT note FROM checkin_periods") is None


async def test_commands_answering_publicly_or_with_a_form_are_acknowledged_to_match(
    fake: FakeDiscord, ready: MentorBot, guild: Guild, users: dict[str, User]
) -> None:
    """Every command is acknowledged before it runs: privately by default, publicly when
    marked so, not at all when it answers with a form; an unmarked public answer still
    reaches everyone."""

    @app_commands.command(name="wave", description="Say hello to everyone")
    @public_answer
    async def wave(interaction: discord.Interaction) -> None:
        await interaction.response.send_message("👋 Hello, everyone!")

    @app_commands.command(name="shout", description="Say hello to everyone, unmarked")
    async def shout(interaction: discord.Interaction) -> None:
        await interaction.response.send_message("📣 Hello, everyone!", ephemeral=False)

    @app_commands.command(name="form", description="Open a form")
    @opens_modal
    async def form(interaction: discord.Interaction) -> None:
        modal = discord.ui.Modal(title="A form", custom_id="test:form")
        modal.add_item(discord.ui.TextInput(label="Anything", custom_id="test:anything"))
        await interaction.response.send_modal(modal)

    for command in (wave, shout, form):
        ready.tree.add_command(command)
    await ready.tree.sync()
    olivia = users["olivia"]

    h = await fake.slash(olivia, guild, "wave")
    reply = await h.answer()
    assert h.deferred and not h.ephemeral and not reply.ephemeral and "Hello" in reply.text

    h = await fake.slash(olivia, guild, "shout")
    await h.response()
    assert h.deferred and h.ephemeral
    shouted = await h.followup()
    assert not shouted.ephemeral and "Hello" in shouted.text
    assert h.message is not None and h.message.deleted, "the private 'thinking…' made way"

    h = await fake.slash(olivia, guild, "form")
    await h.response()
    assert h.modal is not None and h.modal["title"] == "A form"
