"""What the `/cohort` screens look like besides the status (`_status`): the members pages,
the close confirmation, the answers to create and close, and the members' DMs.

Directors see numbers and statuses only (PRODUCT §5): every value shown comes from
`MemberRow` (ids, counts, statuses, dates) or the cohort's name, which a director chose.
Directors' screens are written in the server's language, the members' DMs in each
member's (the caller sets the language).
"""

from __future__ import annotations

from collections.abc import Sequence

import discord

from bot.domain.cohort_status import CohortStatus, MemberFilter, MemberPage, MemberRow
from bot.domain.cohorts import Cohort
from bot.domain.wallclock import show_date
from bot.i18n import _, n_
from bot.services.cohorts import CohortClosed, CohortOpened
from bot.ui.components import MessageLayout
from bot.ui.embeds import COLOUR, COLOUR_PROBLEM, clip
from cogs.cohort import _ids
from cogs.cohort._status import hours_text

PAGE_SIZE = 10


# ------------------------------------------------------------------------ members


def _member_line(row: MemberRow) -> str:
    parts = [f"<@{row.user_id}>"]
    if row.status != "onboarded":
        parts.append(_("signing up") if row.status == "onboarding" else _("not started sign-up"))
    elif row.role == "mentor":
        places = 1 if row.capacity is None else row.capacity
        parts.append(
            n_(
                "mentor · {mentees} of {count} place",
                "mentor · {mentees} of {count} places",
                places,
                mentees=row.mentees,
            )
        )
    else:
        parts.append(_("mentee"))
        parts.append(
            _("with {mentor}", mentor=f"<@{row.mentor_id}>") if row.mentor_id else _("unmatched")
        )
        if row.mentor_id and not row.met:
            parts.append(_("not met yet"))
    if row.sessions:
        parts.append(
            n_("{count} session", "{count} sessions", row.sessions)
            + f" · {hours_text(row.minutes)}"
        )
    if row.checkins_asked:
        parts.append(
            _(
                "check-ins {answered}/{asked}",
                answered=row.checkins_answered,
                asked=row.checkins_asked,
            )
        )
    if row.rematch_asked:
        parts.append(_("re-match asked"))
    if row.at_risk is not None:
        parts.append(f"⚠️ {row.at_risk.label}")
    return " · ".join(parts)


def members_page(
    guild_id: int, cohort: Cohort, page: MemberPage
) -> tuple[discord.Embed, discord.ui.View]:
    member_filter = page.filter
    embed = discord.Embed(
        title=clip(f"👥 {cohort.name} · {member_filter.label}", 256),
        colour=COLOUR,
    )
    if not page.rows:
        embed.description = _empty(member_filter)
    else:
        embed.description = clip("\n".join(_member_line(r) for r in page.rows), 4000)
    first = page.offset + 1 if page.rows else 0
    last = page.offset + len(page.rows)
    embed.set_footer(
        text=_(
            "{first}–{last} of {total} · only you can see this · numbers and statuses only",
            first=first,
            last=last,
            total=page.total,
        )
    )
    view = MessageLayout()
    view.add_item(
        discord.ui.Button(
            label=_("◀ Previous"),
            style=discord.ButtonStyle.secondary,
            custom_id=_ids.page(
                guild_id, cohort.id, member_filter, max(0, page.offset - page.limit)
            ),
            disabled=not page.has_previous,
        )
    )
    view.add_item(
        discord.ui.Button(
            label=_("Next ▶"),
            style=discord.ButtonStyle.secondary,
            custom_id=_ids.page(guild_id, cohort.id, member_filter, page.offset + page.limit),
            disabled=not page.has_next,
        )
    )
    return embed, view


def _empty(member_filter: MemberFilter) -> str:
    """What an empty list says."""
    if member_filter is MemberFilter.NOT_ONBOARDED:
        return _("Everyone has finished signing up.")
    if member_filter is MemberFilter.UNMATCHED:
        return _("Every onboarded mentee has a mentor.")
    if member_filter is MemberFilter.AT_RISK:
        return _("Nobody is at risk right now. 🎉")
    if member_filter is MemberFilter.MENTORS_WITH_CAPACITY:
        return _("No mentor has a free place.")
    if member_filter is MemberFilter.REMATCH_ASKED:
        return _("Nobody has asked for another mentor.")
    return _("Nobody is in this cohort yet.")


# ------------------------------------------------------------------------- create


def created(opened: CohortOpened, told: int) -> str:
    cohort = opened.cohort
    start = show_date(cohort.starts_on)
    if cohort.ends_on:
        text = _(
            "✅ **{cohort}** is open, from {start} to {end}.",
            cohort=cohort.name,
            start=start,
            end=show_date(cohort.ends_on),
        )
    else:
        text = _("✅ **{cohort}** is open, from {start}.", cohort=cohort.name, start=start)
    waiting = len(opened.enrolled)
    if waiting:
        text += "\n" + n_(
            "{count} member who had signed up joined it at once; {told} of them were told by DM.",
            "{count} members who had signed up joined it at once; {told} of them were told by DM.",
            waiting,
            told=told,
        )
        if told < waiting:
            text += " " + _("The others have their DMs closed.")
    else:
        text += "\n" + _("Nobody was waiting: members join it as they finish signing up.")
    text += "\n" + _("See how it goes with `/cohort status`.")
    return text


def joined_dm(guild: discord.Guild, cohort: Cohort) -> discord.Embed:
    """Built in the member's language (the caller sets it)."""
    start = show_date(cohort.starts_on)
    if cohort.ends_on:
        when = _(
            "It starts on {start} and runs until {end}.",
            start=start,
            end=show_date(cohort.ends_on),
        )
    else:
        when = _("It starts on {start}.", start=start)
    return discord.Embed(
        title=clip(_("You're in {cohort} · {server}", cohort=cohort.name, server=guild.name), 256),
        description=" ".join(
            (
                _(
                    "The mentoring cohort **{cohort}** in **{server}** has opened, and you're "
                    "part of it.",
                    cohort=cohort.name,
                    server=guild.name,
                ),
                when,
                _(
                    "There's nothing to do right now: your check-ins and introductions arrive "
                    "here as the cohort goes on."
                ),
            )
        ),
        colour=COLOUR,
    )


# -------------------------------------------------------------------------- close


def confirm_close(guild_id: int, status: CohortStatus) -> tuple[discord.Embed, discord.ui.View]:
    cohort = status.cohort
    people = status.mentees + status.mentors
    embed = discord.Embed(
        title=clip(_("Close {cohort}?", cohort=cohort.name), 256),
        description=n_(
            "Closing ends the cohort for its {count} member: check-in prompts, reminders and "
            "“Have you met yet?” follow-ups for it stop, and each member is thanked by DM."
            "\n\nEverything is kept: `/cohort status` and `/cohort export` still report on it, "
            "and the next `/cohort create` can open the next one.",
            "Closing ends the cohort for its {count} members: check-in prompts, reminders and "
            "“Have you met yet?” follow-ups for it stop, and each member is thanked by DM."
            "\n\nEverything is kept: `/cohort status` and `/cohort export` still report on it, "
            "and the next `/cohort create` can open the next one.",
            people,
        ),
        colour=COLOUR_PROBLEM,
    )
    embed.set_footer(text=_("Only you can see this."))
    view = MessageLayout()
    view.add_item(
        discord.ui.Button(
            label=_("Close the cohort"),
            style=discord.ButtonStyle.danger,
            custom_id=_ids.close(guild_id, cohort.id),
        )
    )
    view.add_item(
        discord.ui.Button(
            label=_("Keep it open"),
            style=discord.ButtonStyle.secondary,
            custom_id=_ids.keep(guild_id, cohort.id),
        )
    )
    return embed, view


def kept_open() -> str:
    return _("Nothing changed: the cohort is still open.")


def closing() -> str:
    return _("The cohort is closed; thanking its members…")


def closed(done: CohortClosed, thanked: int) -> str:
    total = len(done.members)
    text = _(
        "✅ **{cohort}** is closed. Its prompts and follow-ups have stopped.",
        cohort=done.cohort.name,
    )
    if total:
        text += "\n" + n_(
            "{thanked} of {count} member were thanked by DM.",
            "{thanked} of {count} members were thanked by DM.",
            total,
            thanked=thanked,
        )
    text += "\n" + _("Its figures stay in `/cohort status` and `/cohort export`.")
    return text


def thanks_dm(guild: discord.Guild, cohort: Cohort, role: str) -> discord.Embed:
    """Built in the member's language (the caller sets it)."""
    thanks = (
        _("Thank you for the time and care you gave your mentees.")
        if role == "mentor"
        else _("Thank you for the work you put into your goals.")
    )
    return discord.Embed(
        title=clip(_("{cohort} has ended · {server}", cohort=cohort.name, server=guild.name), 256),
        description=" ".join(
            (
                _(
                    "The mentoring cohort **{cohort}** in **{server}** is now closed.",
                    cohort=cohort.name,
                    server=guild.name,
                ),
                thanks,
                _(
                    "Check-in prompts and reminders for it stop; your goals, check-ins and "
                    "reflections are kept, and `/privacy export` gives you a copy."
                ),
            )
        ),
        colour=COLOUR,
    )


def cohort_choice_name(cohort: Cohort) -> str:
    text = (
        _("{cohort} · open · from {start}", cohort=cohort.name, start=show_date(cohort.starts_on))
        if cohort.is_open
        else _(
            "{cohort} · closed · from {start}",
            cohort=cohort.name,
            start=show_date(cohort.starts_on),
        )
    )
    return clip(text, 100)


def cohort_choices(cohorts: Sequence[Cohort]) -> list[tuple[str, str]]:
    return [(cohort_choice_name(c), str(c.id)) for c in cohorts]
