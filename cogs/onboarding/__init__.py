"""Onboarding: the welcome DM, the questionnaire, profiles, and a director's reset."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.checks import director_of, guild_member_of, require_director
from bot.errors import UserError
from bot.i18n import N_, _, language
from bot.roles import remove_programme_roles
from bot.services.onboarding import Viewer
from cogs.onboarding import _components, _flow, _screens

if TYPE_CHECKING:
    from bot.app import MentorBot

log = logging.getLogger(__name__)


class Onboarding(commands.Cog):
    onboarding = app_commands.Group(
        name="onboarding", description="Sign up for the mentoring programme", guild_only=True
    )
    profile = app_commands.Group(
        name="profile", description="Your mentoring profile", guild_only=True
    )

    def __init__(self, bot: MentorBot) -> None:
        self.bot = bot

    async def cog_load(self) -> None:
        self.bot.persistent.add(*_components.ALL)

    async def cog_unload(self) -> None:
        self.bot.persistent.remove(*_components.ALL)

    # ------------------------------------------------------------------ events

    @commands.Cog.listener()
    async def on_member_join(self, member: discord.Member) -> None:
        if member.bot:
            return
        guild = member.guild
        await self.bot.services.onboarding.record_join(guild.id, member.id)
        settings = await self.bot.services.settings.get(guild.id)
        if not settings.roles_configured:
            return  # the programme isn't set up yet; /onboarding start works later
        # A newcomer has not chosen a language: the server's (or, back again, their own).
        with language(await self.bot.services.languages.for_member(guild.id, member.id)):
            embed, view = _screens.welcome(self.bot.services.onboarding.questionnaire, guild)
            sent = await self.bot.delivery.dms.send(guild.id, member.id, embed=embed, view=view)
        if not sent.delivered:
            log.info(
                "Welcome DM not delivered (guild=%s user=%s outcome=%s)",
                guild.id,
                member.id,
                sent.outcome,
            )

    @commands.Cog.listener()
    async def on_raw_member_remove(self, payload: discord.RawMemberRemoveEvent) -> None:
        """Raw, so a member who left while uncached is still recorded."""
        if not payload.user.bot:
            await self.bot.services.onboarding.record_leave(payload.guild_id, payload.user.id)

    # ------------------------------------------------------------- /onboarding

    @onboarding.command(name="start", description="Start or continue your mentoring sign-up")
    async def start(self, interaction: discord.Interaction) -> None:
        guild, member = guild_member_of(interaction)
        settings = await self.bot.services.settings.get(guild.id)
        if not settings.roles_configured:
            raise UserError(
                _(
                    "The mentoring programme isn't set up in this server yet: ask a director "
                    "to run `/setup roles`."
                )
            )
        await interaction.response.defer(ephemeral=True, thinking=True)
        screen = await self.bot.services.onboarding.start(guild.id, member.id)
        embed, view = await _flow.render(self.bot, guild, screen)
        # The member asked: their DMs are tried even if they were closed before.
        sent = await self.bot.delivery.dms.send(
            guild.id, member.id, embed=embed, view=view, asked=True
        )
        if sent.delivered:
            await interaction.edit_original_response(
                content=_("I've sent you a DM to continue your sign-up: {url}", url=sent.jump_url)
            )
            return
        intro = (
            _("Your DMs are closed, so let's do it here; only you can see these messages.")
            if sent.outcome == "dms_closed"
            else _("I couldn't DM you, so let's do it here; only you can see these messages.")
        )
        embed, view = await _flow.render(self.bot, guild, screen, intro=intro)
        await interaction.edit_original_response(embed=embed, view=view)

    @onboarding.command(name="reset", description="Directors: clear a member's sign-up")
    @app_commands.describe(member="The member whose sign-up answers should be cleared")
    async def reset(self, interaction: discord.Interaction, member: discord.Member) -> None:
        guild, director = await director_of(interaction)
        settings = await self.bot.services.settings.get(guild.id)
        await interaction.response.defer(ephemeral=True, thinking=True)
        await self.bot.services.onboarding.reset(guild.id, member.id, actor_id=director.id)
        await remove_programme_roles(guild, member, settings)
        await self.bot.delivery.director_log.add(
            guild.id,
            N_(
                "↩️ {director} reset the sign-up of {member}.",
                director=director.mention,
                member=member.mention,
            ),
        )
        with language(await self.bot.services.languages.for_member(guild.id, member.id)):
            embed, view = _screens.welcome(self.bot.services.onboarding.questionnaire, guild)
            embed.description = _(
                "A programme director has reset your sign-up, so your earlier answers are "
                "cleared. Press **Start** whenever you're ready to sign up again."
            )
            told = (
                await self.bot.delivery.dms.send(guild.id, member.id, embed=embed, view=view)
            ).delivered
        await interaction.edit_original_response(
            content=_(
                "{member}'s sign-up is reset; their programme role is removed. They've been "
                "sent a DM to start again.",
                member=member.mention,
            )
            if told
            else _(
                "{member}'s sign-up is reset; their programme role is removed. Their DMs are "
                "closed; they can use `/onboarding start`.",
                member=member.mention,
            )
        )

    # ----------------------------------------------------------------- /profile

    @profile.command(name="view", description="See your profile, or (directors) a member's")
    @app_commands.describe(
        member="Whose profile to see: your mentor or mentee, or anyone for directors"
    )
    async def view(
        self, interaction: discord.Interaction, member: discord.Member | None = None
    ) -> None:
        guild, viewer = guild_member_of(interaction)
        target = member or viewer
        relation: Viewer = "self"
        if target.id != viewer.id:
            if await self.bot.services.matching.are_partners(guild.id, viewer.id, target.id):
                relation = "partner"  # PRODUCT §5: a member's mentor or mentee sees it
            else:
                settings = await self.bot.services.settings.get(guild.id)
                require_director(
                    viewer,
                    settings.director_role_id,
                    _(
                        "You can only see your own profile, or your mentor's or mentee's; "
                        "directors can see everyone's."
                    ),
                )
                relation = "director"
        profile = await self.bot.services.onboarding.profile(
            guild.id,
            target.id,
            viewer=relation,
        )
        if profile is None:
            raise UserError(
                _("You haven't signed up yet: use `/onboarding start`.")
                if target.id == viewer.id
                else _("{name} hasn't signed up yet.", name=target.display_name)
            )
        await interaction.response.send_message(
            embed=_screens.profile_embed(guild, target, profile.rows), ephemeral=True
        )

    @profile.command(name="edit", description="Change one of your sign-up answers")
    async def edit(self, interaction: discord.Interaction) -> None:
        guild, member = guild_member_of(interaction)
        onboarding = self.bot.services.onboarding
        record = await onboarding.get(guild.id, member.id)
        if record is None or not record.answers:
            raise UserError(_("You haven't signed up yet: use `/onboarding start`."))
        screen = await onboarding.screen(guild.id, member.id)
        if not screen.complete:
            raise UserError(_("Finish your sign-up first: use `/onboarding start` to continue."))
        embed, view = _screens.edit_picker(onboarding.questionnaire, guild, screen.answers)
        await interaction.response.send_message(embed=embed, view=view, ephemeral=True)


async def setup(bot: MentorBot) -> None:
    await bot.add_cog(Onboarding(bot))
