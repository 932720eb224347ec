"""What the `/cohort` screens look like: the status embed (with its chart), the members
pages, the close confirmation, the answers to create and close, and the members' DMs.

Directors see numbers and statuses only (PRODUCT §5): every value shown comes from
`CohortStatus` / `MemberRow` (ids, counts, statuses, dates) or the cohort's name, which a
director chose. Calendar dates are shown as dates (a Discord timestamp of a day would shift
it for readers far from UTC); moments (the report's, the close) as Discord timestamps.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import UTC, date, datetime, time

import discord

from bot.domain.cohort_status import CohortStatus, MemberFilter, MemberPage, MemberRow, Ratio
from bot.domain.cohorts import Cohort
from bot.domain.wallclock import discord_timestamp, show_date
from bot.i18n import _, n_, number
from bot.reports.chart import CHART_FILE
from bot.services.cohorts import CohortClosed, CohortOpened
from bot.ui.components import MessageLayout
from bot.ui.embeds import (
    COLOUR,
    COLOUR_PROBLEM,
    COLOUR_WARNING,
    FIELD_VALUE_LIMIT,
    TOTAL_LIMIT,
    add_field,
    clip,
)
from cogs.cohort import _ids

PAGE_SIZE = 10
RISK_SHOWN = 15
"""At most this many at-risk mentees in the status; the rest are one line away."""


# ------------------------------------------------------------------------ helpers


def _trend(trend: str) -> str:
    if trend == "up":
        return _("↗ up")
    if trend == "down":
        return _("↘ down")
    return _("→ steady")


def _percent(ratio: Ratio) -> str:
    if ratio.percent is None:
        return "—"
    return _("{percent} %", percent=number(ratio.percent, digits=0))


def _of(ratio: Ratio) -> str:
    """`**8** of 12 (67 %)`: a number always with its denominator."""
    if ratio.whole == 0:
        return _("**{part}** of 0", part=ratio.part)
    return _(
        "**{part}** of {whole} ({percent})",
        part=ratio.part,
        whole=ratio.whole,
        percent=_percent(ratio),
    )


def _hours(minutes: int) -> str:
    return _("{hours} h", hours=number(minutes / 60, digits=1))


def _noon(day: date) -> datetime:
    return datetime.combine(day, time(12), UTC)


def dates_line(cohort: Cohort, as_of: datetime) -> str:
    """`Mon 5 Jan 2026 → Mon 27 Apr 2026 · week 9 · ends in 8 weeks`."""
    start = show_date(cohort.starts_on)
    end = show_date(cohort.ends_on) if cohort.ends_on else _("no end date")
    parts = [f"{start} → {end}"]
    today = as_of.date()
    if today >= cohort.starts_on:
        parts.append(_("week {week}", week=(today - cohort.starts_on).days // 7 + 1))
    else:
        parts.append(_("starts {when}", when=discord_timestamp(_noon(cohort.starts_on), "R")))
    if cohort.is_open and cohort.ends_on is not None and cohort.ends_on >= today:
        parts.append(_("ends {when}", when=discord_timestamp(_noon(cohort.ends_on), "R")))
    return " · ".join(parts)


def state_line(cohort: Cohort, as_of: datetime) -> str:
    when = discord_timestamp(as_of, "f")
    if cohort.is_open:
        return _("🟢 Open · figures as of {when}", when=when)
    return _("⚪ Closed {when} · figures as of the close", when=when)


# ------------------------------------------------------------------------- status


def status_embed(status: CohortStatus, *, chart: bool) -> discord.Embed:
    """The status screen: one embed, inside Discord's limits at any cohort size."""
    cohort = status.cohort
    embed = discord.Embed(
        title=clip(_("📊 {cohort} · cohort status", cohort=cohort.name), 256),
        description=f"{dates_line(cohort, status.as_of)}\n{state_line(cohort, status.as_of)}",
        colour=COLOUR if cohort.is_open else COLOUR_WARNING,
    )
    footer = _(
        "Only you can see this. Numbers and statuses only: members' words are never shown here."
    )
    reserve = len(footer) + 10
    add_field(embed, _("Funnel"), funnel_text(status), reserve=reserve)
    add_field(
        embed,
        _("Members"),
        "\n".join(
            (
                n_("**{count}** mentee", "**{count}** mentees", status.mentees)
                + " · "
                + n_("**{count}** mentor", "**{count}** mentors", status.mentors),
                _("**{count}** still signing up", count=status.not_onboarded),
            )
        ),
        inline=True,
        reserve=reserve,
    )
    onboarded_mentees = status.matched_mentees + status.unmatched_mentees
    add_field(
        embed,
        _("Mentees with a mentor now"),
        "\n".join(
            (
                _of(Ratio(status.matched_mentees, onboarded_mentees)),
                _("**{count}** unmatched", count=status.unmatched_mentees),
            )
        ),
        inline=True,
        reserve=reserve,
    )
    free = max(0, status.capacity.whole - status.capacity.part)
    add_field(
        embed,
        _("Mentor capacity used"),
        "\n".join(
            (
                _places(status.capacity),
                n_("**{count}** place free", "**{count}** places free", free),
            )
        ),
        inline=True,
        reserve=reserve,
    )
    add_field(
        embed, _("Check-ins · last 4 weeks"), checkins_text(status), inline=True, reserve=reserve
    )
    add_field(
        embed,
        _("Sessions · last 30 days"),
        "\n".join(
            (
                n_("**{count}** session", "**{count}** sessions", status.sessions_30d)
                + f" · **{_hours(status.minutes_30d)}**",
                _(
                    "Since the start: {sessions} · {hours}",
                    sessions=status.sessions_total,
                    hours=_hours(status.minutes_total),
                ),
            )
        ),
        inline=True,
        reserve=reserve,
    )
    add_field(
        embed,
        _("Re-matches asked"),
        n_(
            "**{asked}** of {count} mentee",
            "**{asked}** of {count} mentees",
            status.mentees,
            asked=status.rematch_asked,
        ),
        inline=True,
        reserve=reserve,
    )
    name, value = at_risk_field(status, room=TOTAL_LIMIT - len(embed) - reserve - 40)
    add_field(embed, name, value, reserve=reserve)
    if chart:
        embed.set_image(url=f"attachment://{CHART_FILE}")
    embed.set_footer(text=footer)
    return embed


def _places(capacity: Ratio) -> str:
    """`**8** of 12 places (67 %)`."""
    if capacity.whole == 0:
        return _("**{part}** of 0 places", part=capacity.part)
    return _(
        "**{part}** of {whole} places ({percent})",
        part=capacity.part,
        whole=capacity.whole,
        percent=_percent(capacity),
    )


def funnel_text(status: CohortStatus) -> str:
    """Each stage with the one before as its denominator; matched counts mentees."""
    f = status.funnel
    rows = [
        _("**{count}** joined", count=f.joined),
        _(
            "**{count}** onboarded · {percent} of joined",
            count=f.onboarded,
            percent=_percent(Ratio(f.onboarded, f.joined)),
        ),
        n_(
            "**{matched}** matched · {matched} of {count} mentee",
            "**{matched}** matched · {matched} of {count} mentees",
            status.mentees,
            matched=f.matched,
        ),
        _(
            "**{count}** introduced · {percent} of matched",
            count=f.introduced,
            percent=_percent(Ratio(f.introduced, f.matched)),
        ),
        _(
            "**{count}** met · {percent} of introduced",
            count=f.met,
            percent=_percent(Ratio(f.met, f.introduced)),
        ),
        _(
            "**{count}** active · {percent} of met (a session in the last 30 days)",
            count=f.active,
            percent=_percent(Ratio(f.active, f.met)),
        ),
    ]
    return "\n".join(rows)


def checkins_text(status: CohortStatus) -> str:
    now, before = status.response, status.response_before
    if now.whole == 0:
        text = _("No check-in to rate yet")
    else:
        text = _(
            "**{part}** of {whole} answered ({percent})",
            part=now.part,
            whole=now.whole,
            percent=_percent(now),
        )
    trend = status.trend
    if trend is not None:
        text += "\n" + _(
            "{trend} from {percent} ({part} of {whole})",
            trend=_trend(trend),
            percent=_percent(before),
            part=before.part,
            whole=before.whole,
        )
    elif before.whole == 0 and now.whole:
        text += "\n" + _("No earlier 4 weeks to compare")
    return text


def at_risk_field(status: CohortStatus, *, room: int = FIELD_VALUE_LIMIT) -> tuple[str, str]:
    """`At risk (N)`, one mention and one reason a line; a long list ends pointing to
    `/cohort members`."""
    risks = status.at_risk
    if not status.cohort.is_open:
        return _("At risk"), _("Not tracked for a closed cohort.")
    if not risks:
        return _("At risk · {count}", count=0), _("Nobody is at risk right now. 🎉")
    limit = max(100, min(room, FIELD_VALUE_LIMIT))
    lines: list[str] = []
    for shown, risk in enumerate(risks):
        line = f"• <@{risk.user_id}> — {risk.label}"
        rest = len(risks) - shown
        more = _("…and {count} more — see /cohort members", count=rest)
        candidate = [*lines, line]
        needs_more = shown + 1 < len(risks)
        too_long = len("\n".join(candidate)) + (len(more) + 1 if needs_more else 0) > limit
        if shown >= RISK_SHOWN or too_long:
            lines.append(more)
            break
        lines.append(line)
    return _("At risk · {count}", count=len(risks)), "\n".join(lines)


def chart_file(png: bytes) -> discord.File:
    return discord.File(io.BytesIO(png), CHART_FILE)


def chart_coming() -> str:
    return _("📈 Drawing the chart…")


def chart_failed() -> str:
    return _("The chart could not be drawn this time; the figures below are complete.")


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
            n_("{count} session", "{count} sessions", row.sessions) + f" · {_hours(row.minutes)}"
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
