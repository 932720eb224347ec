"""Matching: suggestions, introductions, cohort proposals, follow-ups, ending and listing.

`/match` has no `default_member_permissions` because `/match list` serves mentors too;
every director subcommand and button checks the Director role in code. Beside the usual
parts, `_followup_screens` holds the looks of "Have you met yet?" and `_threads` the
start-up clean-up of introduction threads.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.checks import director_of, guild_member_of, is_director
from bot.domain.matching import MatchWeights
from bot.errors import UserError
from bot.i18n import N_, Nn_, _, set_language
from bot.i18n import number as number_in_language
from bot.members import remember
from bot.services.matching import END_REASON_LABELS, EndReason
from cogs.matching import _components, _end_screens, _flow, _screens, _threads

if TYPE_CHECKING:
    from bot.app import MentorBot

log = logging.getLogger(__name__)


async def _send_pages(
    interaction: discord.Interaction,
    embeds: list[discord.Embed],
    view: discord.ui.View | None = None,
) -> None:
    """Send embeds ephemerally, as many messages as Discord's limits need; `view` goes on the
    last one, below everything it acts on."""
    groups = _screens.group_embeds(embeds)
    for number, group in enumerate(groups, start=1):
        extra: dict[str, Any] = {}
        if view is not None and number == len(groups):
            extra["view"] = view
        if interaction.response.is_done():
            await interaction.followup.send(embeds=group, ephemeral=True, **extra)
        else:
            await interaction.response.send_message(embeds=group, ephemeral=True, **extra)


_REASONS = [
    app_commands.Choice(name=label.message, value=reason.value)
    for reason, label in END_REASON_LABELS.items()
]


class Matching(commands.Cog):
    match = app_commands.Group(
        name="match", description="Mentor matching and introductions", guild_only=True
    )

    def __init__(self, bot: MentorBot) -> None:
        self.bot = bot

    async def cog_load(self) -> None:
        self.bot.persistent.add(*_components.ALL)
        self.bot.timers.add(_flow.TIMER, self._run_due, on_start=self._on_start)

    async def cog_unload(self) -> None:
        self.bot.persistent.remove(*_components.ALL)
        await self.bot.timers.remove(_flow.TIMER)

    async def _run_due(self, now: datetime) -> datetime | None:
        return await _flow.run_due_followups(self.bot, now)

    async def _on_start(self) -> None:
        """Once connected, before follow-ups that fell due while the bot was down go out:
        reservations a stopped process left are dropped and the threads it made for them
        archived. Introductions wait until this is done (the bot builds the service held)."""
        matching = self.bot.services.matching
        try:
            dropped = await matching.drop_unfinished_introductions()
            if dropped:
                log.warning("Dropped %d introduction(s) a stopped process never finished", dropped)
            closed = await _threads.close_unrecorded_threads(self.bot)
            if closed:
                log.warning("Archived %d introduction thread(s) no match recorded", closed)
        finally:
            matching.release_introductions()

    @commands.Cog.listener()
    async def on_raw_member_remove(self, payload: discord.RawMemberRemoveEvent) -> None:
        guild = self.bot.get_guild(payload.guild_id)
        if guild is not None:
            await _flow.member_left(self.bot, guild, payload.user.id)

    # ---------------------------------------------------------------- commands

    @match.command(
        name="suggest", description="Directors: suggest mentors for a mentee, or for everyone"
    )
    @app_commands.describe(
        mentee="The mentee to find a mentor for (leave out for the whole cohort)"
    )
    async def suggest(
        self, interaction: discord.Interaction, mentee: discord.Member | None = None
    ) -> None:
        guild, director = await director_of(interaction)
        matching = self.bot.services.matching
        await interaction.response.defer(ephemeral=True, thinking=True)
        if mentee is not None:
            found = await matching.suggest(guild.id, mentee.id)
            await remember(guild, [mentee.id, *(s.mentor.member_id for s in found)])
            embed, view = _screens.suggestions(guild, mentee.id, found)
            await _send_pages(interaction, [embed], view)
        else:
            proposal = await matching.propose(guild.id, director.id)
            embeds, view = _screens.proposal(guild, proposal.id, proposal.assignment)
            await _send_pages(interaction, embeds, view)

    @match.command(name="create", description="Directors: match a mentee with a mentor")
    @app_commands.describe(mentee="The mentee", mentor="Their mentor")
    async def create(
        self, interaction: discord.Interaction, mentee: discord.Member, mentor: discord.Member
    ) -> None:
        guild, director = await director_of(interaction)
        await interaction.response.defer(ephemeral=True, thinking=True)
        done = await _flow.introduce(self.bot, guild, director, mentee.id, mentor.id)
        await interaction.followup.send(
            _screens.introduced(done.match, done.thread, done.dms_closed, done.followup_due),
            ephemeral=True,
        )

    @match.command(name="end", description="Directors: end a mentee's match")
    @app_commands.describe(mentee="The mentee whose match ends", reason="Why the match ends")
    @app_commands.choices(reason=_REASONS)
    async def end(
        self,
        interaction: discord.Interaction,
        mentee: discord.User,
        reason: app_commands.Choice[str],
    ) -> None:
        # A User, not a Member: a mentee who left the server must still be selectable.
        guild, director = await director_of(interaction)
        await interaction.response.defer(ephemeral=True, thinking=True)
        done = await _flow.end(self.bot, guild, director, mentee.id, EndReason(reason.value))
        await interaction.followup.send(
            _end_screens.ended(done.match, done.told, done.gone, done.thread), ephemeral=True
        )

    @match.command(name="list", description="Directors: every pair; mentors: your mentees")
    async def list_(self, interaction: discord.Interaction) -> None:
        guild, member = guild_member_of(interaction)
        settings = await self.bot.services.settings.get(guild.id)
        matching = self.bot.services.matching
        if is_director(member, settings.director_role_id):
            set_language(settings.language)  # directors' screens: the server's language
            matches = await matching.list_matches(guild.id)
            embeds = _screens.match_list(guild, matches, director=True, mentor_id=None)
        else:
            record = await self.bot.services.onboarding.get(guild.id, member.id)
            if record is None or record.role != "mentor" or record.status != "onboarded":
                raise UserError(
                    _(
                        "Only programme directors and mentors can list matches. Mentees: your "
                        "mentor is in your private introduction thread."
                    )
                )
            matches = await matching.list_matches(guild.id, mentor_id=member.id)
            embeds = _screens.match_list(guild, matches, director=False, mentor_id=member.id)
        await _send_pages(interaction, embeds)

    @match.command(name="settings", description="Directors: follow-up delay and matching weights")
    @app_commands.describe(
        followup_days="Days after an introduction before asking 'Have you met yet?' (1-60)",
        area_weight="How much shared areas count (0-10)",
        timezone_weight="How much time-zone closeness counts (0-10)",
        capacity_weight="How much a mentor's free places count (0-10)",
    )
    async def settings_(
        self,
        interaction: discord.Interaction,
        followup_days: app_commands.Range[int, 1, 60] | None = None,
        area_weight: app_commands.Range[float, 0.0, 10.0] | None = None,
        timezone_weight: app_commands.Range[float, 0.0, 10.0] | None = None,
        capacity_weight: app_commands.Range[float, 0.0, 10.0] | None = None,
    ) -> None:
        guild, director = await director_of(interaction)
        service = self.bot.services.settings
        current = await service.get(guild.id)
        weights = None
        if (area_weight, timezone_weight, capacity_weight) != (None, None, None):
            try:
                weights = MatchWeights(
                    area=current.match_weight_area if area_weight is None else area_weight,
                    timezone=current.match_weight_timezone
                    if timezone_weight is None
                    else timezone_weight,
                    capacity=current.match_weight_capacity
                    if capacity_weight is None
                    else capacity_weight,
                )
            except ValueError:
                raise UserError(
                    _("At least one weight must be above 0, or there is nothing to rank by.")
                ) from None
        changed = weights is not None or followup_days is not None
        updated = await service.set_matching(
            guild.id, followup_days=followup_days, weights=weights, actor_id=director.id
        )
        text = Nn_(
            "Follow-up after **{count}** day. Weights: areas **{area}**, time zone "
            "**{timezone}**, free places **{capacity}** (only their ratios matter).",
            "Follow-up after **{count}** days. Weights: areas **{area}**, time zone "
            "**{timezone}**, free places **{capacity}** (only their ratios matter).",
            updated.match_followup_days,
            area=number_in_language(updated.match_weight_area, digits=6),
            timezone=number_in_language(updated.match_weight_timezone, digits=6),
            capacity=number_in_language(updated.match_weight_capacity, digits=6),
        )
        shown = (
            _("Saved. {settings}", settings=text)
            if changed
            else _("Current settings. {settings}", settings=text)
        )
        await interaction.response.send_message(shown, ephemeral=True)
        if changed:
            await self.bot.delivery.director_log.add(
                guild.id,
                N_(
                    "⚙️ {director} changed the matching settings: {settings}",
                    director=director.mention,
                    settings=text,
                ),
            )


async def setup(bot: MentorBot) -> None:
    await bot.add_cog(Matching(bot))
