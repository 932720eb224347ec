"""`/cohort`: the director tools (PRODUCT.md §3F) — open and close cohorts, the status
screen with its chart, the members lists and the CSV export.

The whole command is for directors: `default_member_permissions` (Manage Server, as
`/setup`) hides it from members, and every subcommand and button checks the Director role
in code, since a server admin can change who sees a command.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, TypeVar

import discord
from discord import app_commands
from discord.ext import commands

from bot.domain.cohort_status import MemberFilter
from bot.i18n import language
from cogs.cohort import _components, _flow, _screens

if TYPE_CHECKING:
    from bot.app import MentorBot

T = TypeVar("T")

_FILTERS = [
    app_commands.Choice(name=f.label, value=f.value)
    for f in (
        MemberFilter.ALL,
        MemberFilter.NOT_ONBOARDED,
        MemberFilter.UNMATCHED,
        MemberFilter.AT_RISK,
        MemberFilter.MENTORS_WITH_CAPACITY,
        MemberFilter.REMATCH_ASKED,
    )
]


def _describe_cohort() -> Callable[[T], T]:
    """The `cohort:` option's description (a new decorator each time: discord.py keeps the
    descriptions it is given)."""
    return app_commands.describe(
        cohort="Which cohort (the open one, else the latest, when left out)"
    )


class Cohorts(commands.Cog):
    cohort = app_commands.Group(
        name="cohort",
        description="Run the mentoring cohort: open, report, export, close",
        default_permissions=discord.Permissions(manage_guild=True),
        guild_only=True,
    )

    def __init__(self, bot: MentorBot) -> None:
        self.bot = bot

    async def cog_load(self) -> None:
        self.bot.persistent.add(*_components.ALL)

    async def cog_unload(self) -> None:
        self.bot.persistent.remove(*_components.ALL)

    @cohort.command(name="create", description="Directors: open a cohort")
    @app_commands.describe(
        name="The cohort's name, like Spring 2027",
        start="First day: 2027-01-12, 12 Jan, today…",
        end="Last day (optional)",
    )
    async def create(
        self,
        interaction: discord.Interaction,
        name: app_commands.Range[str, 1, 100],
        start: app_commands.Range[str, 1, 40],
        end: app_commands.Range[str, 1, 40] | None = None,
    ) -> None:
        await _flow.create(interaction, name, start, end)

    @cohort.command(name="status", description="Directors: how the cohort is doing, with a chart")
    @_describe_cohort()
    async def status(self, interaction: discord.Interaction, cohort: str | None = None) -> None:
        await _flow.status(interaction, cohort)

    @cohort.command(name="members", description="Directors: list the cohort's members")
    @app_commands.describe(filter="Which members (everyone when left out)")
    @_describe_cohort()
    @app_commands.choices(filter=_FILTERS)
    async def members(
        self,
        interaction: discord.Interaction,
        filter: app_commands.Choice[str] | None = None,
        cohort: str | None = None,
    ) -> None:
        chosen = MemberFilter(filter.value) if filter is not None else MemberFilter.ALL
        await _flow.members(interaction, chosen, cohort)

    @cohort.command(name="export", description="Directors: the cohort's numbers as a CSV file")
    @_describe_cohort()
    async def export(self, interaction: discord.Interaction, cohort: str | None = None) -> None:
        await _flow.export(interaction, cohort)

    @cohort.command(name="close", description="Directors: close a cohort (asks first)")
    @app_commands.describe(cohort="Which cohort (the open one when left out)")
    async def close(self, interaction: discord.Interaction, cohort: str | None = None) -> None:
        await _flow.ask_close(interaction, cohort)

    @status.autocomplete("cohort")
    @members.autocomplete("cohort")
    @export.autocomplete("cohort")
    @close.autocomplete("cohort")
    async def cohort_autocomplete(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        if interaction.guild_id is None:
            return []
        if interaction.command is not None and interaction.command.name == "status":
            # A director picking a cohort is about to ask for its chart: start the chart's
            # worker now, so its first chart is ready with the figures.
            await self.bot.delivery.charts.warm()
        found = await self.bot.services.cohorts.search(interaction.guild_id, current)
        # Directors' screens are in the server's language; so are the cohorts they pick from.
        with language(await self.bot.services.languages.of_server(interaction.guild_id)):
            return [
                app_commands.Choice(name=name, value=value)
                for name, value in _screens.cohort_choices(found)
            ]


async def setup(bot: MentorBot) -> None:
    await bot.add_cog(Cohorts(bot))
