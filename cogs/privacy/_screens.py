"""What the privacy messages look like: the export, the deletion's confirmation and outcome,
and the note a partner gets when the deletion ended their match (that it ended, never why)."""

from __future__ import annotations

import io
from collections.abc import Mapping

import discord

from bot.i18n import N_, Text, _, n_
from bot.services.matching import Match
from bot.services.privacy import Deletion, DeletionPreview, MemberExport
from bot.ui.components import MessageLayout
from bot.ui.embeds import COLOUR, COLOUR_PROBLEM, add_field, clip
from cogs.privacy import _ids

CONFIRM_MINUTES = 15


def export_file(export: MemberExport) -> discord.File:
    return discord.File(io.BytesIO(export.text.encode("utf-8")), export.filename)


def export_dm(guild: discord.Guild) -> discord.Embed:
    return discord.Embed(
        title=clip(_("Your data · {server}", server=guild.name), 256),
        description=_(
            "Here is everything mentorbot holds about you in **{server}**, as a JSON file you "
            "can open in any text editor. Each part starts with what it is and who can see it. "
            "To erase it, use `/privacy delete` in the server.",
            server=guild.name,
        ),
        colour=COLOUR,
    )


def export_sent(jump_url: str | None) -> str:
    if jump_url:
        return _("📦 I've sent you a copy of your data by DM: {link}", link=jump_url)
    return _("📦 I've sent you a copy of your data by DM.")


def export_here(dms_closed: bool) -> str:
    if dms_closed:
        return _(
            "📦 Your DMs are closed, so here is your data: everything mentorbot holds about "
            "you in this server, as a JSON file. Only you can see this message."
        )
    return _(
        "📦 I couldn't DM you, so here is your data: everything mentorbot holds about you in "
        "this server, as a JSON file. Only you can see this message."
    )


def nothing_to_delete() -> str:
    return _(
        "I hold nothing about you in this server, so there is nothing to delete. "
        "`/privacy export` shows the same."
    )


def _erased_lines(counts: Mapping[str, int]) -> list[str]:
    lines = []
    if counts.get("sign-up answers"):
        lines.append(_("your sign-up: every answer, including what you wrote about yourself"))
    if counts.get("goals"):
        lines.append(n_("your {count} goal", "your {count} goals", counts["goals"]))
    if counts.get("check-ins") or counts.get("check-in schedule") or counts.get("notes"):
        lines.append(
            _(
                "your check-in notes ({notes}) and check-in schedule",
                notes=counts.get("notes", 0),
            )
        )
    if counts.get("reflections") or counts.get("sessions") or counts.get("session topics"):
        lines.append(
            n_(
                "your {count} reflection and the topics of the sessions you logged",
                "your {count} reflections and the topics of the sessions you logged",
                counts.get("reflections", 0),
            )
        )
    if counts.get("contact details") or counts.get("sign-up answers"):
        lines.append(_("how the bot reaches you (your DM channel)"))
    return lines


def _match_lines(matches: tuple[Match, ...], member_id: int, *, done: bool) -> list[str]:
    return [
        _(
            "your match with {partner} has ended: they were told it ended, not why",
            partner=f"<@{match.partner_of(member_id)}>",
        )
        if done
        else _(
            "your match with {partner} ends: they're told it ended, not why",
            partner=f"<@{match.partner_of(member_id)}>",
        )
        for match in matches
    ]


def confirm_delete(
    guild: discord.Guild,
    member_id: int,
    preview: DeletionPreview,
    *,
    asked: int,
    backup_keep: int,
) -> tuple[discord.Embed, discord.ui.View]:
    counts = preview.counts
    embed = discord.Embed(
        title=clip(_("Delete your data in {server}?", server=guild.name), 256),
        description=_(
            "This erases you from the mentoring programme of **{server}**, and it can't be "
            "undone. Want a copy first? Use `/privacy export`.",
            server=guild.name,
        ),
        colour=COLOUR_PROBLEM,
    )
    erased = _erased_lines(counts) or [_("anything that names you")]
    add_field(embed, _("Erased for good"), "\n".join(f"• {line}" for line in erased))
    also = [
        _("your Mentor or Mentee role here is removed"),
        *_match_lines(preview.active_matches, member_id, done=False),
        _("you can sign up again later with `/onboarding start`, as someone new"),
    ]
    add_field(embed, _("What else happens"), "\n".join(f"• {line}" for line in also))
    add_field(embed, _("Kept, without your name or words"), _kept())
    add_field(embed, _("Backups"), _backups(backup_keep))
    embed.set_footer(
        text=n_(
            "Only you can see this. The button works for {count} minute.",
            "Only you can see this. The button works for {count} minutes.",
            CONFIRM_MINUTES,
        )
    )
    view = MessageLayout()
    view.add_item(
        discord.ui.Button(
            label=_("Delete my data"),
            style=discord.ButtonStyle.danger,
            custom_id=_ids.erase(guild.id, member_id, asked),
        )
    )
    view.add_item(
        discord.ui.Button(
            label=_("Keep my data"),
            style=discord.ButtonStyle.secondary,
            custom_id=_ids.keep(guild.id, member_id),
        )
    )
    return embed, view


def _kept() -> str:
    return _(
        "What the programme's figures count (check-in statuses and dates, session dates and "
        "lengths, matches), under an anonymous number instead of your name."
    )


def _backups(keep: int) -> str:
    return n_(
        "Backups taken before now still hold your data until they are replaced: the bot keeps "
        "the last {count} daily backup, so within {count} day it is gone from it too.",
        "Backups taken before now still hold your data until they are replaced: the bot keeps "
        "the last {count} daily backups, so within {count} days it is gone from them too.",
        keep,
    )


def deleting() -> str:
    return _("Deleting your data…")


def kept() -> str:
    return _("Nothing was deleted. Your data is as it was.")


def expired() -> str:
    return n_(
        "This confirmation is more than {count} minute old, so I didn't delete anything. "
        "Run `/privacy delete` again if you still want to.",
        "This confirmation is more than {count} minutes old, so I didn't delete anything. "
        "Run `/privacy delete` again if you still want to.",
        CONFIRM_MINUTES,
    )


def deleted(
    guild: discord.Guild, member_id: int, deletion: Deletion, *, backup_keep: int
) -> discord.Embed:
    lines = [
        *(_erased_lines(deletion.erased) or [_("there was nothing left that named you")]),
        _("your programme role here is removed"),
        *_match_lines(deletion.ended, member_id, done=True),
    ]
    embed = discord.Embed(
        title=clip(_("Your data in {server} is deleted", server=guild.name), 256),
        description=_("Erased:") + "\n" + "\n".join(f"• {line}" for line in lines),
        colour=COLOUR,
    )
    add_field(embed, _("Kept, without your name or words"), _kept())
    add_field(embed, _("Backups"), _backups(backup_keep))
    return embed


def director_line(match: Match, partner_id: int) -> Text:
    """Written in the server's language by the director log."""
    partner = f"<@{partner_id}>"
    if partner_id == match.mentee_id:
        return N_(
            "👋 A match ended because a member left the programme: {partner} (mentee) was "
            "told it ended.",
            partner=partner,
        )
    return N_(
        "👋 A match ended because a member left the programme: {partner} (mentor) was "
        "told it ended.",
        partner=partner,
    )
