"""What the privacy messages look like: the export, the deletion's confirmation and outcome,
and the note a partner gets when the deletion ended their match (that it ended, never why)."""

from __future__ import annotations

import io
from collections.abc import Mapping

import discord

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
        title=clip(f"Your data · {guild.name}", 256),
        description=(
            f"Here is everything mentorbot holds about you in **{guild.name}**, as a JSON file "
            "you can open in any text editor. Each part starts with what it is and who can see "
            "it. To erase it, use `/privacy delete` in the server."
        ),
        colour=COLOUR,
    )


def export_sent(jump_url: str | None) -> str:
    where = f": {jump_url}" if jump_url else "."
    return f"📦 I've sent you a copy of your data by DM{where}"


def export_here(dms_closed: bool) -> str:
    why = "Your DMs are closed" if dms_closed else "I couldn't DM you"
    return (
        f"📦 {why}, so here is your data: everything mentorbot holds about you in this "
        "server, as a JSON file. Only you can see this message."
    )


NOTHING_TO_DELETE = (
    "I hold nothing about you in this server, so there is nothing to delete. "
    "`/privacy export` shows the same."
)


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def _erased_lines(counts: Mapping[str, int]) -> list[str]:
    lines = []
    if counts.get("sign-up answers"):
        lines.append("your sign-up: every answer, including what you wrote about yourself")
    if counts.get("goals"):
        lines.append(f"your {_plural(counts['goals'], 'goal')}")
    if counts.get("check-ins") or counts.get("check-in schedule") or counts.get("notes"):
        lines.append(f"your check-in notes ({counts.get('notes', 0)}) and check-in schedule")
    if counts.get("reflections") or counts.get("sessions") or counts.get("session topics"):
        lines.append(
            f"your {_plural(counts.get('reflections', 0), 'reflection')} and the topics of the "
            "sessions you logged"
        )
    if counts.get("contact details") or counts.get("sign-up answers"):
        lines.append("how the bot reaches you (your DM channel)")
    return lines


def _match_lines(matches: tuple[Match, ...], member_id: int, *, done: bool) -> list[str]:
    verb = "has ended" if done else "ends"
    told = "they were told" if done else "they're told"
    return [
        f"your match with <@{match.partner_of(member_id)}> {verb}: {told} it ended, not why"
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
        title=clip(f"Delete your data in {guild.name}?", 256),
        description=(
            f"This erases you from the mentoring programme of **{guild.name}**, and it can't "
            "be undone. Want a copy first? Use `/privacy export`."
        ),
        colour=COLOUR_PROBLEM,
    )
    erased = _erased_lines(counts) or ["anything that names you"]
    add_field(embed, "Erased for good", "\n".join(f"• {line}" for line in erased))
    also = [
        "your Mentor or Mentee role here is removed",
        *_match_lines(preview.active_matches, member_id, done=False),
        "you can sign up again later with `/onboarding start`, as someone new",
    ]
    add_field(embed, "What else happens", "\n".join(f"• {line}" for line in also))
    add_field(embed, "Kept, without your name or words", _KEPT)
    add_field(embed, "Backups", _backups(backup_keep))
    embed.set_footer(text=f"Only you can see this. The button works for {CONFIRM_MINUTES} minutes.")
    view = MessageLayout()
    view.add_item(
        discord.ui.Button(
            label="Delete my data",
            style=discord.ButtonStyle.danger,
            custom_id=_ids.erase(guild.id, member_id, asked),
        )
    )
    view.add_item(
        discord.ui.Button(
            label="Keep my data",
            style=discord.ButtonStyle.secondary,
            custom_id=_ids.keep(guild.id, member_id),
        )
    )
    return embed, view


_KEPT = (
    "What the programme's figures count (check-in statuses and dates, session dates and "
    "lengths, matches), under an anonymous number instead of your name."
)


def _backups(keep: int) -> str:
    return (
        f"Backups taken before now still hold your data until they are replaced: the bot keeps "
        f"the last {keep} daily backups, so within {keep} days it is gone from them too."
    )


DELETING = "Deleting your data…"
KEPT = "Nothing was deleted. Your data is as it was."
EXPIRED = (
    f"This confirmation is more than {CONFIRM_MINUTES} minutes old, so I didn't delete anything. "
    "Run `/privacy delete` again if you still want to."
)


def deleted(
    guild: discord.Guild, member_id: int, deletion: Deletion, *, backup_keep: int
) -> discord.Embed:
    lines = [
        *(_erased_lines(deletion.erased) or ["there was nothing left that named you"]),
        "your programme role here is removed",
        *_match_lines(deletion.ended, member_id, done=True),
    ]
    embed = discord.Embed(
        title=clip(f"Your data in {guild.name} is deleted", 256),
        description="Erased:\n" + "\n".join(f"• {line}" for line in lines),
        colour=COLOUR,
    )
    add_field(embed, "Kept, without your name or words", _KEPT)
    add_field(embed, "Backups", _backups(backup_keep))
    return embed


def director_line(match: Match, partner_id: int) -> str:
    role = "mentee" if partner_id == match.mentee_id else "mentor"
    return (
        f"👋 A match ended because a member left the programme: <@{partner_id}> ({role}) "
        "was told it ended."
    )
