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

CHART_FILE = "cohort-status.png"
PAGE_SIZE = 10
RISK_SHOWN = 15
"""At most this many at-risk mentees in the status; the rest are one line away."""

_TREND = {"up": "↗ up", "down": "↘ down", "steady": "→ steady"}


# ------------------------------------------------------------------------ helpers


def _n(count: int, word: str, plural: str | None = None) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {plural or word + 's'}"


def _bold(count: int, word: str) -> str:
    """`**3** mentees`, `**1** mentor`."""
    return f"**{count}** {word if count == 1 else word + 's'}"


def _percent(ratio: Ratio) -> str:
    return "—" if ratio.percent is None else f"{ratio.percent} %"


def _of(ratio: Ratio, what: str = "") -> str:
    """`**8** of 12 places (67 %)`: a number always with its denominator."""
    tail = f" {what}" if what else ""
    if ratio.whole == 0:
        return f"**{ratio.part}** of 0{tail}"
    return f"**{ratio.part}** of {ratio.whole}{tail} ({_percent(ratio)})"


def _hours(minutes: int) -> str:
    hours = minutes / 60
    return f"{hours:.0f} h" if hours == int(hours) else f"{hours:.1f} h"


def _noon(day: date) -> datetime:
    return datetime.combine(day, time(12), UTC)


def dates_line(cohort: Cohort, as_of: datetime) -> str:
    """`Mon 5 Jan 2026 → Mon 27 Apr 2026 · week 9 · ends in 8 weeks`."""
    start = show_date(cohort.starts_on)
    end = show_date(cohort.ends_on) if cohort.ends_on else "no end date"
    parts = [f"{start} → {end}"]
    today = as_of.date()
    if today >= cohort.starts_on:
        parts.append(f"week {(today - cohort.starts_on).days // 7 + 1}")
    else:
        parts.append(f"starts {discord_timestamp(_noon(cohort.starts_on), 'R')}")
    if cohort.is_open and cohort.ends_on is not None and cohort.ends_on >= today:
        parts.append(f"ends {discord_timestamp(_noon(cohort.ends_on), 'R')}")
    return " · ".join(parts)


def state_line(cohort: Cohort, as_of: datetime) -> str:
    if cohort.is_open:
        return f"🟢 Open · figures as of {discord_timestamp(as_of, 'f')}"
    return f"⚪ Closed {discord_timestamp(as_of, 'f')} · figures as of the close"


# ------------------------------------------------------------------------- status


def status_embed(status: CohortStatus, *, chart: bool) -> discord.Embed:
    """The status screen: one embed, inside Discord's limits at any cohort size."""
    cohort = status.cohort
    embed = discord.Embed(
        title=clip(f"📊 {cohort.name} · cohort status", 256),
        description=f"{dates_line(cohort, status.as_of)}\n{state_line(cohort, status.as_of)}",
        colour=COLOUR if cohort.is_open else COLOUR_WARNING,
    )
    footer = (
        "Only you can see this. Numbers and statuses only: members' words are never shown here."
    )
    reserve = len(footer) + 10
    add_field(embed, "Funnel", funnel_text(status), reserve=reserve)
    add_field(
        embed,
        "Members",
        f"{_bold(status.mentees, 'mentee')} · {_bold(status.mentors, 'mentor')}\n"
        f"**{status.not_onboarded}** still signing up",
        inline=True,
        reserve=reserve,
    )
    onboarded_mentees = status.matched_mentees + status.unmatched_mentees
    add_field(
        embed,
        "Mentees with a mentor now",
        f"{_of(Ratio(status.matched_mentees, onboarded_mentees))}\n"
        f"**{status.unmatched_mentees}** unmatched",
        inline=True,
        reserve=reserve,
    )
    add_field(
        embed,
        "Mentor capacity used",
        f"{_of(status.capacity, 'places')}\n"
        f"{_bold(max(0, status.capacity.whole - status.capacity.part), 'place')} free",
        inline=True,
        reserve=reserve,
    )
    add_field(
        embed, "Check-ins · last 4 weeks", checkins_text(status), inline=True, reserve=reserve
    )
    add_field(
        embed,
        "Sessions · last 30 days",
        f"{_bold(status.sessions_30d, 'session')} · **{_hours(status.minutes_30d)}**\n"
        f"Since the start: {status.sessions_total} · {_hours(status.minutes_total)}",
        inline=True,
        reserve=reserve,
    )
    add_field(
        embed,
        "Re-matches asked",
        f"**{status.rematch_asked}** of {status.mentees} mentees",
        inline=True,
        reserve=reserve,
    )
    name, value = at_risk_field(status, room=TOTAL_LIMIT - len(embed) - reserve - 40)
    add_field(embed, name, value, reserve=reserve)
    if chart:
        embed.set_image(url=f"attachment://{CHART_FILE}")
    embed.set_footer(text=footer)
    return embed


def funnel_text(status: CohortStatus) -> str:
    """Each stage with the one before as its denominator; matched counts mentees."""
    f = status.funnel
    rows = [
        f"**{f.joined}** joined",
        f"**{f.onboarded}** onboarded · {_percent(Ratio(f.onboarded, f.joined))} of joined",
        f"**{f.matched}** matched · {f.matched} of {status.mentees} mentees",
        f"**{f.introduced}** introduced · {_percent(Ratio(f.introduced, f.matched))} of matched",
        f"**{f.met}** met · {_percent(Ratio(f.met, f.introduced))} of introduced",
        f"**{f.active}** active · {_percent(Ratio(f.active, f.met))} of met "
        "(a session in the last 30 days)",
    ]
    return "\n".join(rows)


def checkins_text(status: CohortStatus) -> str:
    now, before = status.response, status.response_before
    text = "No check-in to rate yet" if now.whole == 0 else f"{_of(now, 'answered')}"
    trend = status.trend
    if trend is not None:
        text += f"\n{_TREND[trend]} from {_percent(before)} ({before.part} of {before.whole})"
    elif before.whole == 0 and now.whole:
        text += "\nNo earlier 4 weeks to compare"
    return text


def at_risk_field(status: CohortStatus, *, room: int = FIELD_VALUE_LIMIT) -> tuple[str, str]:
    """`At risk (N)`, one mention and one reason a line; a long list ends pointing to
    `/cohort members`."""
    risks = status.at_risk
    if not status.cohort.is_open:
        return "At risk", "Not tracked for a closed cohort."
    if not risks:
        return "At risk · 0", "Nobody is at risk right now. 🎉"
    limit = max(100, min(room, FIELD_VALUE_LIMIT))
    lines: list[str] = []
    for shown, risk in enumerate(risks):
        line = f"• <@{risk.user_id}> — {risk.label}"
        rest = len(risks) - shown
        more = f"…and {rest} more — see /cohort members"
        candidate = [*lines, line]
        needs_more = shown + 1 < len(risks)
        too_long = len("\n".join(candidate)) + (len(more) + 1 if needs_more else 0) > limit
        if shown >= RISK_SHOWN or too_long:
            lines.append(more)
            break
        lines.append(line)
    return f"At risk · {len(risks)}", "\n".join(lines)


def chart_file(png: bytes) -> discord.File:
    return discord.File(io.BytesIO(png), CHART_FILE)


CHART_COMING = "📈 Drawing the chart…"
CHART_FAILED = "The chart could not be drawn this time; the figures below are complete."


# ------------------------------------------------------------------------ members


def _member_line(row: MemberRow) -> str:
    parts = [f"<@{row.user_id}>"]
    if row.status != "onboarded":
        parts.append("signing up" if row.status == "onboarding" else "not started sign-up")
    elif row.role == "mentor":
        places = 1 if row.capacity is None else row.capacity
        parts.append(f"mentor · {row.mentees} of {places} places")
    else:
        parts.append("mentee")
        parts.append(f"with <@{row.mentor_id}>" if row.mentor_id else "unmatched")
        if row.mentor_id and not row.met:
            parts.append("not met yet")
    if row.sessions:
        parts.append(f"{_n(row.sessions, 'session')} · {_hours(row.minutes)}")
    if row.checkins_asked:
        parts.append(f"check-ins {row.checkins_answered}/{row.checkins_asked}")
    if row.rematch_asked:
        parts.append("re-match asked")
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
        embed.description = _EMPTY.get(member_filter, "Nobody here.")
    else:
        embed.description = clip("\n".join(_member_line(r) for r in page.rows), 4000)
    first = page.offset + 1 if page.rows else 0
    last = page.offset + len(page.rows)
    embed.set_footer(
        text=f"{first}–{last} of {page.total} · only you can see this · numbers and statuses only"
    )
    view = MessageLayout()
    view.add_item(
        discord.ui.Button(
            label="◀ Previous",
            style=discord.ButtonStyle.secondary,
            custom_id=_ids.page(
                guild_id, cohort.id, member_filter, max(0, page.offset - page.limit)
            ),
            disabled=not page.has_previous,
        )
    )
    view.add_item(
        discord.ui.Button(
            label="Next ▶",
            style=discord.ButtonStyle.secondary,
            custom_id=_ids.page(guild_id, cohort.id, member_filter, page.offset + page.limit),
            disabled=not page.has_next,
        )
    )
    return embed, view


_EMPTY = {
    MemberFilter.ALL: "Nobody is in this cohort yet.",
    MemberFilter.NOT_ONBOARDED: "Everyone has finished signing up.",
    MemberFilter.UNMATCHED: "Every onboarded mentee has a mentor.",
    MemberFilter.AT_RISK: "Nobody is at risk right now. 🎉",
    MemberFilter.MENTORS_WITH_CAPACITY: "No mentor has a free place.",
    MemberFilter.REMATCH_ASKED: "Nobody has asked for another mentor.",
}


# ------------------------------------------------------------------------- create


def created(opened: CohortOpened, told: int) -> str:
    cohort = opened.cohort
    end = f" to {show_date(cohort.ends_on)}" if cohort.ends_on else ""
    text = f"✅ **{cohort.name}** is open, from {show_date(cohort.starts_on)}{end}."
    waiting = len(opened.enrolled)
    if waiting:
        text += (
            f"\n{_n(waiting, 'member')} who had signed up joined it at once; "
            f"{told} of them were told by DM."
        )
        if told < waiting:
            text += " The others have their DMs closed."
    else:
        text += "\nNobody was waiting: members join it as they finish signing up."
    text += "\nSee how it goes with `/cohort status`."
    return text


def joined_dm(guild: discord.Guild, cohort: Cohort) -> discord.Embed:
    end = f" and runs until {show_date(cohort.ends_on)}" if cohort.ends_on else ""
    return discord.Embed(
        title=clip(f"You're in {cohort.name} · {guild.name}", 256),
        description=(
            f"The mentoring cohort **{cohort.name}** in **{guild.name}** has opened, and you're "
            f"part of it. It starts on {show_date(cohort.starts_on)}{end}. There's nothing to "
            "do right now: your check-ins and introductions arrive here as the cohort goes on."
        ),
        colour=COLOUR,
    )


# -------------------------------------------------------------------------- close


def confirm_close(guild_id: int, status: CohortStatus) -> tuple[discord.Embed, discord.ui.View]:
    cohort = status.cohort
    people = status.mentees + status.mentors
    embed = discord.Embed(
        title=clip(f"Close {cohort.name}?", 256),
        description=(
            f"Closing ends the cohort for its {_n(people, 'member')}: check-in prompts, "
            "reminders and “Have you met yet?” follow-ups for it stop, and each member is "
            "thanked by DM.\n\nEverything is kept: `/cohort status` and `/cohort export` "
            "still report on it, and the next `/cohort create` can open the next one."
        ),
        colour=COLOUR_PROBLEM,
    )
    embed.set_footer(text="Only you can see this.")
    view = MessageLayout()
    view.add_item(
        discord.ui.Button(
            label="Close the cohort",
            style=discord.ButtonStyle.danger,
            custom_id=_ids.close(guild_id, cohort.id),
        )
    )
    view.add_item(
        discord.ui.Button(
            label="Keep it open",
            style=discord.ButtonStyle.secondary,
            custom_id=_ids.keep(guild_id, cohort.id),
        )
    )
    return embed, view


KEPT_OPEN = "Nothing changed: the cohort is still open."
CLOSING = "The cohort is closed; thanking its members…"


def closed(done: CohortClosed, thanked: int) -> str:
    total = len(done.members)
    text = f"✅ **{done.cohort.name}** is closed. Its prompts and follow-ups have stopped."
    if total:
        text += f"\n{thanked} of {_n(total, 'member')} were thanked by DM."
    text += "\nIts figures stay in `/cohort status` and `/cohort export`."
    return text


def thanks_dm(guild: discord.Guild, cohort: Cohort, role: str) -> discord.Embed:
    what = (
        "for the time and care you gave your mentees"
        if role == "mentor"
        else "for the work you put into your goals"
    )
    return discord.Embed(
        title=clip(f"{cohort.name} has ended · {guild.name}", 256),
        description=(
            f"The mentoring cohort **{cohort.name}** in **{guild.name}** is now closed. "
            f"Thank you {what}. Check-in prompts and reminders for it stop; your goals, "
            "check-ins and reflections are kept, and `/privacy export` gives you a copy."
        ),
        colour=COLOUR,
    )


def cohort_choice_name(cohort: Cohort) -> str:
    state = "open" if cohort.is_open else "closed"
    return clip(f"{cohort.name} · {state} · from {show_date(cohort.starts_on)}", 100)


def cohort_choices(cohorts: Sequence[Cohort]) -> list[tuple[str, str]]:
    return [(cohort_choice_name(c), str(c.id)) for c in cohorts]
