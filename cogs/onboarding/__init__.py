"""Onboarding: the welcome DM, the questionnaire, profiles, and a director's reset."""

from __future__ import annotations

import logging
import re
from typing import Any, cast

import discord
from discord import app_commands
from discord.ext import commands

from bot.app import MentorBot
from bot.checks import guild_member_of, require_director
from bot.director_log import post_director_log
from bot.errors import UserError
from bot.roles import remove_programme_roles
from bot.services.onboarding import Viewer
from bot.ui.components import guarded, modal_values
from cogs.onboarding import _flow, _ids, _screens
from cogs.onboarding._ids import Mode

log = logging.getLogger(__name__)

_MODAL = re.compile(_ids.MODAL)


class StartButton(discord.ui.DynamicItem[discord.ui.Button[Any]], template=_ids.START):
    def __init__(self, guild_id: int) -> None:
        super().__init__(discord.ui.Button(label="Start", custom_id=_ids.start(guild_id)))
        self.guild_id = guild_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str]
    ) -> StartButton:
        return cls(int(match["guild"]))

    async def callback(self, interaction: discord.Interaction) -> None:
        await guarded(
            interaction,
            "onboarding start button",
            lambda: _flow.show_current(interaction, self.guild_id),
        )


class AnswerSelect(discord.ui.DynamicItem[discord.ui.Select[Any]], template=_ids.PICK):
    def __init__(self, guild_id: int, mode: Mode, qid: str) -> None:
        super().__init__(discord.ui.Select(custom_id=_ids.pick(guild_id, mode, qid)))
        self.guild_id, self.mode, self.qid = guild_id, mode, qid

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str]
    ) -> AnswerSelect:
        return cls(int(match["guild"]), cast(Mode, match["mode"]), match["qid"])

    async def callback(self, interaction: discord.Interaction) -> None:
        values = list(self.item.values)
        await guarded(
            interaction,
            f"onboarding answer {self.qid}",
            lambda: _flow.advance(interaction, self.guild_id, {self.qid: values}, self.mode),
        )


class SkipButton(discord.ui.DynamicItem[discord.ui.Button[Any]], template=_ids.SKIP):
    def __init__(self, guild_id: int, mode: Mode, qid: str) -> None:
        super().__init__(discord.ui.Button(label="Skip", custom_id=_ids.skip(guild_id, mode, qid)))
        self.guild_id, self.mode, self.qid = guild_id, mode, qid

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str]
    ) -> SkipButton:
        return cls(int(match["guild"]), cast(Mode, match["mode"]), match["qid"])

    async def callback(self, interaction: discord.Interaction) -> None:
        await guarded(
            interaction,
            f"onboarding skip {self.qid}",
            lambda: _flow.advance(interaction, self.guild_id, {self.qid: []}, self.mode),
        )


class WriteButton(discord.ui.DynamicItem[discord.ui.Button[Any]], template=_ids.WRITE):
    def __init__(self, guild_id: int, mode: Mode, qid: str) -> None:
        super().__init__(
            discord.ui.Button(label="Answer", custom_id=_ids.write(guild_id, mode, qid))
        )
        self.guild_id, self.mode, self.qid = guild_id, mode, qid

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str]
    ) -> WriteButton:
        return cls(int(match["guild"]), cast(Mode, match["mode"]), match["qid"])

    async def callback(self, interaction: discord.Interaction) -> None:
        await guarded(
            interaction,
            f"onboarding write {self.qid}",
            lambda: _flow.open_modal(interaction, self.guild_id, self.qid, self.mode),
        )


class EditButton(discord.ui.DynamicItem[discord.ui.Button[Any]], template=_ids.EDIT):
    def __init__(self, guild_id: int) -> None:
        super().__init__(discord.ui.Button(label="Edit", custom_id=_ids.edit(guild_id)))
        self.guild_id = guild_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str]
    ) -> EditButton:
        return cls(int(match["guild"]))

    async def callback(self, interaction: discord.Interaction) -> None:
        await guarded(
            interaction,
            "onboarding edit",
            lambda: _flow.show_edit_picker(interaction, self.guild_id),
        )


class ChangeSelect(discord.ui.DynamicItem[discord.ui.Select[Any]], template=_ids.CHANGE):
    def __init__(self, guild_id: int) -> None:
        super().__init__(discord.ui.Select(custom_id=_ids.change(guild_id)))
        self.guild_id = guild_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str]
    ) -> ChangeSelect:
        return cls(int(match["guild"]))

    async def callback(self, interaction: discord.Interaction) -> None:
        qid = self.item.values[0] if self.item.values else ""
        await guarded(
            interaction,
            "onboarding change",
            lambda: _flow.show_edit_step(interaction, self.guild_id, qid),
        )


class SummaryButton(discord.ui.DynamicItem[discord.ui.Button[Any]], template=_ids.SUMMARY):
    def __init__(self, guild_id: int) -> None:
        super().__init__(
            discord.ui.Button(label="Back to summary", custom_id=_ids.summary(guild_id))
        )
        self.guild_id = guild_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str]
    ) -> SummaryButton:
        return cls(int(match["guild"]))

    async def callback(self, interaction: discord.Interaction) -> None:
        await guarded(
            interaction,
            "onboarding summary",
            lambda: _flow.show_summary(interaction, self.guild_id),
        )


DYNAMIC_ITEMS = (
    StartButton,
    AnswerSelect,
    SkipButton,
    WriteButton,
    EditButton,
    ChangeSelect,
    SummaryButton,
)


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
        self.bot.add_dynamic_items(*DYNAMIC_ITEMS)

    async def cog_unload(self) -> None:
        self.bot.remove_dynamic_items(*DYNAMIC_ITEMS)

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

    @commands.Cog.listener()
    async def on_interaction(self, interaction: discord.Interaction) -> None:
        """Modal submissions are routed by custom id so they survive a restart."""
        if interaction.type is not discord.InteractionType.modal_submit:
            return
        data = cast(dict[str, Any], interaction.data or {})
        match = _MODAL.fullmatch(str(data.get("custom_id", "")))
        if match is None:
            return
        await guarded(
            interaction,
            f"onboarding modal {match['qid']}",
            lambda: _flow.submit_modal(
                interaction,
                int(match["guild"]),
                match["qid"],
                cast(Mode, match["mode"]),
                {k: v for k, v in modal_values(data).items() if isinstance(v, str)},
            ),
        )

    # ------------------------------------------------------------- /onboarding

    @onboarding.command(name="start", description="Start or continue your mentoring sign-up")
    async def start(self, interaction: discord.Interaction) -> None:
        guild, member = guild_member_of(interaction)
        settings = await self.bot.services.settings.get(guild.id)
        if not settings.roles_configured:
            raise UserError(
                "The mentoring programme isn't set up in this server yet: ask a director to run "
                "`/setup roles`."
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
                content=f"I've sent you a DM to continue your sign-up: {sent.jump_url}"
            )
            return
        why = "Your DMs are closed" if sent.outcome == "dms_closed" else "I couldn't DM you"
        embed, view = await _flow.render(
            self.bot,
            guild,
            screen,
            intro=f"{why}, so let's do it here; only you can see these messages.",
        )
        await interaction.edit_original_response(embed=embed, view=view)

    @onboarding.command(name="reset", description="Directors: clear a member's sign-up")
    @app_commands.describe(member="The member whose sign-up answers should be cleared")
    async def reset(self, interaction: discord.Interaction, member: discord.Member) -> None:
        guild, director = guild_member_of(interaction)
        settings = await self.bot.services.settings.get(guild.id)
        require_director(director, settings.director_role_id)
        await interaction.response.defer(ephemeral=True, thinking=True)
        await self.bot.services.onboarding.reset(guild.id, member.id, actor_id=director.id)
        await remove_programme_roles(guild, member, settings)
        await post_director_log(
            guild, settings, f"↩️ {director.mention} reset the sign-up of {member.mention}."
        )
        embed, view = _screens.welcome(self.bot.services.onboarding.questionnaire, guild)
        embed.description = (
            "A programme director has reset your sign-up, so your earlier answers are cleared. "
            "Press **Start** whenever you're ready to sign up again."
        )
        sent = await self.bot.delivery.dms.send(guild.id, member.id, embed=embed, view=view)
        told = sent.delivered
        await interaction.edit_original_response(
            content=f"{member.mention}'s sign-up is reset; their programme role is removed. "
            + (
                "They've been sent a DM to start again."
                if told
                else "Their DMs are closed; they can use `/onboarding start`."
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
                    "You can only see your own profile, or your mentor's or mentee's; "
                    "directors can see everyone's.",
                )
                relation = "director"
        profile = await self.bot.services.onboarding.profile(
            guild.id,
            target.id,
            viewer=relation,
        )
        if profile is None:
            raise UserError(
                "You haven't signed up yet: use `/onboarding start`."
                if target.id == viewer.id
                else f"{target.display_name} hasn't signed up yet."
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
            raise UserError("You haven't signed up yet: use `/onboarding start`.")
        screen = await onboarding.screen(guild.id, member.id)
        if not screen.complete:
            raise UserError("Finish your sign-up first: use `/onboarding start` to continue.")
        embed, view = _screens.edit_picker(onboarding.questionnaire, guild, screen.answers)
        await interaction.response.send_message(embed=embed, view=view, ephemeral=True)


async def setup(bot: MentorBot) -> None:
    await bot.add_cog(Onboarding(bot))
