"""What the matching messages look like: embeds, buttons, and the texts of DMs and threads.

Member-written profile answers appear only in embeds, which never ping, and every message
goes out with mentions disabled unless it deliberately pings one of the pair by id.
Each text is built in the current language: the director's (the server's), the member's a
DM is for, or, for the pair's thread, each of theirs (`bot.ui.bilingual`).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

import discord

from bot.domain.matching import Assignment, Suggestion, explain
from bot.domain.wallclock import discord_timestamp
from bot.i18n import N_, Text, _, n_, percent
from bot.services.matching import (
    Match,
)
from bot.ui.components import MessageLayout
from bot.ui.embeds import (
    COLOUR,
    COLOUR_OK,
    COLOUR_WARNING,
    DESCRIPTION_LIMIT,
    TOTAL_LIMIT,
    add_field,
    chunk_lines,
    clip,
)
from cogs.matching import _ids

BUTTON_LABEL_LIMIT = 80
THREAD_NAME_LIMIT = 100
EMBEDS_PER_MESSAGE = 10

AGENDA = N_(
    "1. **Introductions** (10 min): your backgrounds and what brought you to the programme.\n"
    "2. **Goals** (15 min): the mentee walks through their goals; pick one or two to start "
    "with.\n"
    "3. **How you'll work together** (10 min): how often and where you'll meet, how to "
    "reach each other, and what a good session looks like for each of you.\n"
    "4. **A first step** (5 min): one small thing the mentee will try before you next meet.\n"
    "5. **Book the next meeting** before you leave."
)


def name_of(guild: discord.Guild, user_id: int) -> str:
    """A readable name where mentions don't render (titles, field names, labels)."""
    member = guild.get_member(user_id)
    return member.display_name if member is not None else _("member {id}", id=user_id)


def _percent(value: float) -> str:
    return percent(value)


ROLE_WORDS: dict[str, Text] = {"mentee": N_("Mentee"), "mentor": N_("Mentor")}


def listed(items: Iterable[str]) -> str:
    """Names joined the way the current language lists two of them."""
    return _(" and ").join(items)


# ------------------------------------------------------------------ suggestions


def suggestions(
    guild: discord.Guild, mentee_id: int, found: list[Suggestion]
) -> tuple[discord.Embed, discord.ui.View | None]:
    if not found:
        embed = discord.Embed(
            title=clip(_("No mentor available for {name}", name=name_of(guild, mentee_id)), 256),
            description=_(
                "No mentor with a free place can be suggested for {mentee} right now "
                "(mentors they were matched with before are left out). A mentor can take more "
                "mentees by raising their capacity in `/profile edit`, or you can pair them "
                "anyway with `/match create`.",
                mentee=f"<@{mentee_id}>",
            ),
            colour=COLOUR_WARNING,
        )
        return embed, None
    embed = discord.Embed(
        title=clip(_("Mentors for {name}", name=name_of(guild, mentee_id)), 256),
        description=_(
            "The best mentors for {mentee} with a free place, best first. "
            "Press **Introduce** to match them: I'll open a private thread for the pair.",
            mentee=f"<@{mentee_id}>",
        ),
        colour=COLOUR,
    )
    view = MessageLayout()
    for rank, suggestion in enumerate(found, start=1):
        mentor_id = suggestion.mentor.member_id
        name = name_of(guild, mentor_id)
        add_field(
            embed,
            f"{rank}. {name} · {_percent(suggestion.score.total)}",
            f"<@{mentor_id}>: {suggestion.explanation}",
        )
        view.add_item(
            discord.ui.Button(
                label=clip(_("Introduce {rank}. {name}", rank=rank, name=name), BUTTON_LABEL_LIMIT),
                style=discord.ButtonStyle.primary if rank == 1 else discord.ButtonStyle.secondary,
                custom_id=_ids.introduce(guild.id, mentee_id, mentor_id),
            )
        )
    return embed, view


def pages(
    title: str, lines: list[str], *, colour: discord.Colour, footer: str | None = None
) -> list[discord.Embed]:
    """Every line, in as many embeds as it takes: nothing is ever cut off a list a director
    acts on. Each embed fits a message on its own; `footer` goes on the last one."""
    blocks = chunk_lines(lines, DESCRIPTION_LIMIT)
    embeds = []
    for number, block in enumerate(blocks, start=1):
        heading = title if len(blocks) == 1 else f"{title} ({number}/{len(blocks)})"
        embeds.append(discord.Embed(title=clip(heading, 256), description=block, colour=colour))
    if footer is not None:
        embeds[-1].set_footer(text=clip(footer, 2048))
    return embeds


def proposal(
    guild: discord.Guild, proposal_id: int | None, assignment: Assignment
) -> tuple[list[discord.Embed], discord.ui.View | None]:
    """The proposal, every pair shown; the Apply and Cancel buttons go on the last page."""
    lines = [
        f"• <@{p.mentee.member_id}> → <@{p.mentor.member_id}> · {_percent(p.score.total)} · "
        f"{explain(p.score)}"
        for p in assignment.pairs
    ]
    if assignment.unassigned:
        lines.append("")
        lines.append(
            _(
                "No mentor with a free place for: {mentees}",
                mentees=", ".join(f"<@{m.member_id}>" for m in assignment.unassigned),
            )
        )
    if assignment.already_matched:
        lines.append(
            _(
                "Already matched and left as they are: {count}.",
                count=len(assignment.already_matched),
            )
        )
    if proposal_id is None:
        if not assignment.unassigned:
            lines = [
                _(
                    "There is nothing to propose: every signed-up mentee already has a mentor, "
                    "or no mentor has a free place."
                )
            ]
        return pages(_("Cohort matching"), lines, colour=COLOUR), None
    embeds = pages(
        n_(
            "Proposed matches · {count} pair",
            "Proposed matches · {count} pairs",
            len(assignment.pairs),
        ),
        lines,
        colour=COLOUR,
        footer=_(
            "Nothing changes until you press Apply. Each pair gets a private thread and a DM."
        ),
    )
    view = MessageLayout()
    view.add_item(
        discord.ui.Button(
            label=_("Apply"),
            style=discord.ButtonStyle.success,
            custom_id=_ids.apply(guild.id, proposal_id),
        )
    )
    view.add_item(
        discord.ui.Button(
            label=_("Cancel"),
            style=discord.ButtonStyle.secondary,
            custom_id=_ids.cancel(guild.id, proposal_id),
        )
    )
    return embeds, view


def applied(lines: list[str]) -> list[discord.Embed]:
    return pages(_("Proposal applied"), lines or [_("Nothing was applied.")], colour=COLOUR_OK)


# ---------------------------------------------------------------- introduction


INTRO_THREAD_PREFIX = "Intro: "


def thread_name(guild: discord.Guild, mentee_id: int, mentor_id: int) -> str:
    name = f"{INTRO_THREAD_PREFIX}{name_of(guild, mentee_id)} & {name_of(guild, mentor_id)}"
    return clip(name, THREAD_NAME_LIMIT)


def greeting(mentee_id: int, mentor_id: int, followup_days: int) -> str:
    return n_(
        "👋 Welcome, {mentee} (mentee) and {mentor} (mentor)! A programme director has "
        "matched you. This private thread is for the two of you; server moderators who can "
        "manage threads can also see it.\n"
        "Below are your profiles and a suggested agenda for your first meeting. Say hello "
        "and pick a time that suits you both. In {count} day I'll ask each of you whether "
        "you've met.",
        "👋 Welcome, {mentee} (mentee) and {mentor} (mentor)! A programme director has "
        "matched you. This private thread is for the two of you; server moderators who can "
        "manage threads can also see it.\n"
        "Below are your profiles and a suggested agenda for your first meeting. Say hello "
        "and pick a time that suits you both. In {count} days I'll ask each of you whether "
        "you've met.",
        followup_days,
        mentee=f"<@{mentee_id}>",
        mentor=f"<@{mentor_id}>",
    )


def profile_embed(
    guild: discord.Guild, member_id: int, role: str, rows: tuple[tuple[str, str], ...]
) -> discord.Embed:
    embed = discord.Embed(
        title=clip(_("{role}: {name}", role=ROLE_WORDS[role], name=name_of(guild, member_id)), 256),
        colour=COLOUR,
    )
    for label, value in rows:
        add_field(embed, label, value)
    if not rows:
        embed.description = _("No profile answers to show.")
    return embed


def agenda_embed() -> discord.Embed:
    return discord.Embed(
        title=_("Suggested agenda for your first meeting (about 45 minutes)"),
        description=str(AGENDA),
        colour=COLOUR_OK,
    )


def group_embeds(embeds: list[discord.Embed]) -> list[list[discord.Embed]]:
    """Split embeds into messages that respect the 10-embed and 6,000-character limits."""
    groups: list[list[discord.Embed]] = []
    current: list[discord.Embed] = []
    size = 0
    for embed in embeds:
        length = len(embed)
        if current and (size + length > TOTAL_LIMIT or len(current) >= EMBEDS_PER_MESSAGE):
            groups.append(current)
            current, size = [], 0
        current.append(embed)
        size += length
    if current:
        groups.append(current)
    return groups


def dms_closed_note(member_id: int) -> str:
    return _(
        "ℹ️ I couldn't send {member} a direct message (their DMs are closed), so this thread "
        "is where they'll hear from me.",
        member=f"<@{member_id}>",
    )


def intro_dm(
    guild: discord.Guild, role: str, partner_id: int, thread: discord.Thread, days: int
) -> discord.Embed:
    if role == "mentee":
        title = _("You have a new mentor · {server}", server=guild.name)
        text = _(
            "You've been matched with {partner} as your mentor in the mentoring programme of "
            "**{server}**. Say hello in your private introduction thread: {link}",
            partner=f"<@{partner_id}>",
            server=guild.name,
            link=thread.jump_url,
        )
    else:
        title = _("You have a new mentee · {server}", server=guild.name)
        text = _(
            "You've been matched with {partner} as your mentee in the mentoring programme of "
            "**{server}**. Say hello in your private introduction thread: {link}",
            partner=f"<@{partner_id}>",
            server=guild.name,
            link=thread.jump_url,
        )
    later = n_(
        "In {count} day I'll ask whether you've had your first meeting.",
        "In {count} days I'll ask whether you've had your first meeting.",
        days,
    )
    return discord.Embed(title=clip(title, 256), description=f"{text}\n\n{later}", colour=COLOUR_OK)


def introduced(
    match: Match,
    thread: discord.Thread,
    closed: list[int],
    followup_due: datetime | None,
) -> str:
    lines = [
        _(
            "✅ Introduced {mentee} to {mentor} in {thread} (a private thread with just the two "
            "of them).",
            mentee=f"<@{match.mentee_id}>",
            mentor=f"<@{match.mentor_id}>",
            thread=thread.mention,
        )
    ]
    if closed:
        lines.append(
            _(
                "Couldn't DM {members} (DMs closed); I said so in the thread.",
                members=listed(f"<@{member_id}>" for member_id in closed),
            )
        )
    else:
        lines.append(_("Both have been sent a DM."))
    if followup_due is not None:
        lines.append(
            _(
                "I'll ask them whether they've met on {day}.",
                day=discord_timestamp(followup_due, "D"),
            )
        )
    return "\n".join(lines)


# ---------------------------------------------------------------------------- list


def match_list(
    guild: discord.Guild, matches: list[Match], *, director: bool, mentor_id: int | None
) -> list[discord.Embed]:
    if director:
        title = _("Active matches · {count}", count=len(matches))
        empty = _("No active matches yet: `/match suggest` proposes some.")
    else:
        title = _("Your mentees · {count}", count=len(matches))
        empty = _("You have no mentees yet. A programme director will introduce you.")
    lines = []
    for match in matches:
        status = _("met") if match.met_at else _("waiting for the first meeting")
        if director and match.flag_reason == "need_help":
            status += " · " + _("🚩 asked for help")
        elif director and match.flag_reason == "not_met":
            status += " · " + _("🚩 not met after two follow-ups")
        who = (
            _(
                "{mentee} with {mentor}",
                mentee=f"<@{match.mentee_id}>",
                mentor=f"<@{match.mentor_id}>",
            )
            if director
            else f"<@{match.mentee_id}>"
        )
        since = _("since {day}", day=discord_timestamp(match.created_at, "D"))
        lines.append(f"• {who} · {since} · {status}")
    return pages(
        title,
        lines or [empty],
        colour=COLOUR,
        footer=_("Mentoring programme · {server}", server=guild.name),
    )
