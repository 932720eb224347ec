"""A tiny bot exercising what the production bot will use: app commands (groups, resolved
options, autocomplete), defer + follow-up, a persistent view, a modal and DMs."""

from __future__ import annotations

import asyncio
from typing import Any

import discord
from discord import app_commands, ui
from discord.ext import commands

GOALS = ["write a blog post", "write tests", "read a book", "run 5k"]


class OnboardingView(ui.View):
    """Persistent: timeout=None and explicit custom_ids, registered in setup_hook."""

    def __init__(self) -> None:
        super().__init__(timeout=None)

    @ui.button(label="Start", custom_id="onb:start", style=discord.ButtonStyle.primary)
    async def start(self, interaction: discord.Interaction, button: ui.Button[Any]) -> None:
        await interaction.response.send_message("Let's begin!", ephemeral=True)

    @ui.select(
        custom_id="onb:track",
        placeholder="Pick a track",
        options=[
            discord.SelectOption(label="Mentor", value="mentor"),
            discord.SelectOption(label="Mentee", value="mentee"),
        ],
    )
    async def track(self, interaction: discord.Interaction, select: ui.Select[Any]) -> None:
        await interaction.response.edit_message(content=f"Track: {select.values[0]}", view=None)


class Questionnaire(ui.Modal, title="Onboarding"):
    goal: ui.TextInput[Any] = ui.TextInput(label="Your goal", custom_id="goal", max_length=200)
    experience: ui.Label[Any] = ui.Label(
        text="Experience", component=ui.TextInput(custom_id="exp", style=discord.TextStyle.long)
    )

    def __init__(self, bot: HarnessBot) -> None:
        super().__init__(custom_id="onb:modal")
        self.bot = bot

    async def on_submit(self, interaction: discord.Interaction) -> None:
        exp = self.experience.component
        assert isinstance(exp, ui.TextInput)
        self.bot.calls.append(("modal", self.goal.value, exp.value))
        await interaction.response.send_message(f"Saved: {self.goal.value}", ephemeral=True)


class HarnessBot(commands.Bot):
    def __init__(self, *, members_intent: bool = True) -> None:
        intents = discord.Intents.default()
        intents.members = members_intent
        super().__init__(
            command_prefix="!", intents=intents, allowed_mentions=discord.AllowedMentions.none()
        )
        self.calls: list[tuple[Any, ...]] = []
        self.errors: list[BaseException] = []
        self.joined: list[discord.Member] = []
        self.slow_delay = 0.0

    async def setup_hook(self) -> None:
        self.add_view(OnboardingView())
        self.tree.add_command(setup_group)
        self.tree.add_command(goal_group)
        for command in (ping, slow, onboard, dm_me, late, menu):
            self.tree.add_command(command)
        self.tree.on_error = self.on_tree_error

    async def on_member_join(self, member: discord.Member) -> None:
        self.joined.append(member)

    async def on_tree_error(
        self, interaction: discord.Interaction, error: app_commands.AppCommandError
    ) -> None:
        self.errors.append(getattr(error, "original", error))


def _bot(interaction: discord.Interaction) -> HarnessBot:
    assert isinstance(interaction.client, HarnessBot)
    return interaction.client


@app_commands.command(description="Answer pong")
async def ping(interaction: discord.Interaction) -> None:
    await interaction.response.send_message("pong", ephemeral=True)


setup_group = app_commands.Group(name="setup", description="Configure the bot")


@setup_group.command(name="channels", description="Choose channels")
@app_commands.describe(introductions="Where intros go")
async def setup_channels(
    interaction: discord.Interaction,
    introductions: discord.TextChannel,
    sessions: discord.TextChannel,
    mentor_role: discord.Role,
    director: discord.Member,
    checkin_fallback: discord.TextChannel | None = None,
) -> None:
    _bot(interaction).calls.append(
        ("setup", introductions, sessions, mentor_role, director, checkin_fallback)
    )
    await interaction.response.send_message(
        f"intro={introductions.name} sessions={sessions.name} role={mentor_role.name} "
        f"director={director.name} fallback={checkin_fallback}",
        ephemeral=True,
    )


goal_group = app_commands.Group(name="goal", description="Goals")


@goal_group.command(name="done", description="Mark a goal as done")
async def goal_done(interaction: discord.Interaction, goal: str) -> None:
    await interaction.response.send_message(f"Done: {goal}")


@goal_done.autocomplete("goal")
async def goal_autocomplete(
    interaction: discord.Interaction, current: str
) -> list[app_commands.Choice[str]]:
    return [app_commands.Choice(name=g, value=g) for g in GOALS if g.startswith(current)]


@app_commands.command(description="Defer, then follow up")
async def slow(interaction: discord.Interaction) -> None:
    await interaction.response.defer(ephemeral=True, thinking=True)
    await asyncio.sleep(_bot(interaction).slow_delay)
    await interaction.followup.send("done thinking")
    await interaction.followup.send("and one more")


@app_commands.command(description="Open the onboarding questionnaire")
async def onboard(interaction: discord.Interaction) -> None:
    await interaction.response.send_modal(Questionnaire(_bot(interaction)))


@app_commands.command(name="dm-me", description="Send me the onboarding DM")
async def dm_me(interaction: discord.Interaction) -> None:
    await interaction.user.send("Welcome! Press Start.", view=OnboardingView())
    await interaction.response.send_message("Check your DMs", ephemeral=True)


@app_commands.command(description="Answer after a while")
async def late(interaction: discord.Interaction) -> None:
    await asyncio.sleep(0.2)
    await interaction.response.send_message("too late?")


@app_commands.command(description="Show the Start button to me only")
async def menu(interaction: discord.Interaction) -> None:
    await interaction.response.send_message(
        "Only you see this", view=OnboardingView(), ephemeral=True
    )
