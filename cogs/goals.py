"""`/goal`: a mentee writes and manages their own goals, which their check-ins quote."""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from bot.app import MentorBot
from bot.checks import guild_of
from bot.domain.wallclock import discord_timestamp, show_date
from bot.i18n import _, n_
from bot.services.goals import Goal
from bot.ui.embeds import COLOUR, add_field, clip

CHOICE_NAME_LIMIT = 100
OMITTED_FOOTER_ROOM = 60


def _described(goal: Goal) -> str:
    title = clip(goal.title, 300)
    if goal.target_date:
        return _("“{goal}” (target {date})", goal=title, date=show_date(goal.target_date))
    return _("“{goal}”", goal=title)


def goals_embed(goals: list[Goal], guild_name: str) -> discord.Embed:
    embed = discord.Embed(
        title=clip(_("Your goals · {server}", server=guild_name), 256), colour=COLOUR
    )
    opened = [g for g in goals if g.status == "open"]
    done = [g for g in goals if g.status == "done"]
    if not goals:
        embed.description = _("You have no goals yet. Add one with `/goal add`.")
        return embed
    embed.description = n_(
        "{count} open goal. Your mentor can see it; directors only see how many.",
        "{count} open goals. Your mentor can see them; directors only see how many.",
        len(opened),
    )
    rows = [
        (
            f"🎯 {goal.title}",
            (
                _("Target: {date}", date=show_date(goal.target_date))
                if goal.target_date
                else _("No target date")
            )
            + " · "
            + _("added {when}", when=discord_timestamp(goal.created_at, "D")),
        )
        for goal in opened
    ] + [
        (
            f"✅ {goal.title}",
            _(
                "Done {when}",
                when=discord_timestamp(goal.completed_at, "D") if goal.completed_at else "—",
            ),
        )
        for goal in done
    ]
    shown = 0
    for name, value in rows:
        if not add_field(embed, name, value, reserve=OMITTED_FOOTER_ROOM):
            break
        shown += 1
    if shown < len(rows):
        embed.set_footer(
            text=n_(
                "…and {count} more goal not shown here.",
                "…and {count} more goals not shown here.",
                len(rows) - shown,
            )
        )
    return embed


class Goals(commands.Cog):
    goal = app_commands.Group(name="goal", description="Your mentoring goals", guild_only=True)

    def __init__(self, bot: MentorBot) -> None:
        self.bot = bot

    async def goal_choices(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        """The member's own open goals; served from memory, since autocomplete can't wait."""
        if interaction.guild_id is None:
            return []
        goals = await self.bot.services.goals.suggest(
            interaction.guild_id, interaction.user.id, current
        )
        return [
            app_commands.Choice(name=clip(g.title, CHOICE_NAME_LIMIT), value=str(g.id))
            for g in goals
        ]

    @goal.command(name="add", description="Add a goal in your own words")
    @app_commands.describe(
        title="Your goal, e.g. Lead my first team meeting",
        target_date="Optional target date, e.g. 2027-01-12, 12 Jan or tomorrow",
    )
    async def add(
        self, interaction: discord.Interaction, title: str, target_date: str | None = None
    ) -> None:
        guild = guild_of(interaction)
        goal = await self.bot.services.goals.add(guild.id, interaction.user.id, title, target_date)
        await interaction.response.send_message(
            _(
                "🎯 Added your goal {goal}. It will be in your next check-in.",
                goal=_described(goal),
            ),
            ephemeral=True,
        )

    @goal.command(name="list", description="See your goals")
    async def list_goals(self, interaction: discord.Interaction) -> None:
        guild = guild_of(interaction)
        goals = self.bot.services.goals
        await goals.require_mentee(guild.id, interaction.user.id)
        everything = await goals.all_goals(guild.id, interaction.user.id)
        await interaction.response.send_message(
            embed=goals_embed(everything, guild.name), ephemeral=True
        )

    @goal.command(name="done", description="Mark one of your goals as done")
    @app_commands.describe(goal="One of your open goals")
    async def done(self, interaction: discord.Interaction, goal: str) -> None:
        guild = guild_of(interaction)
        goals = self.bot.services.goals
        await goals.require_mentee(guild.id, interaction.user.id)
        chosen = await goals.resolve(guild.id, interaction.user.id, goal)
        completed = await goals.complete(guild.id, interaction.user.id, chosen.id)
        await interaction.response.send_message(
            _("🎉 Well done! {goal} is marked done.", goal=_described(completed)), ephemeral=True
        )

    @goal.command(name="edit", description="Change one of your goals")
    @app_commands.describe(
        goal="One of your open goals",
        title="The goal in your words",
        target_date="New target date (e.g. 2027-01-12 or 12 Jan), or 'none' to remove it",
    )
    async def edit(
        self,
        interaction: discord.Interaction,
        goal: str,
        title: str,
        target_date: str | None = None,
    ) -> None:
        guild = guild_of(interaction)
        goals = self.bot.services.goals
        await goals.require_mentee(guild.id, interaction.user.id)
        chosen = await goals.resolve(guild.id, interaction.user.id, goal)
        edited = await goals.edit(guild.id, interaction.user.id, chosen.id, title, target_date)
        await interaction.response.send_message(
            _("✏️ Saved: {goal}.", goal=_described(edited)), ephemeral=True
        )

    done.autocomplete("goal")(goal_choices)
    edit.autocomplete("goal")(goal_choices)


async def setup(bot: MentorBot) -> None:
    await bot.add_cog(Goals(bot))
