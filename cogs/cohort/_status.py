"""The `/cohort status` screen: the figures embed and its chart attachment.

Directors see numbers and statuses only (PRODUCT §5): every value shown comes from
`CohortStatus` (ids, counts, statuses, dates) or the cohort's name, which a director chose.
Calendar dates are shown as dates (a Discord timestamp of a day would shift it for readers
far from UTC); moments (the report's, the close) as Discord timestamps. Written in the
current language: the server's, set by the director check.
"""

from __future__ import annotations

import io
from datetime import UTC, date, datetime, time

import discord

from bot.domain.cohort_status import CohortStatus, Ratio
from bot.domain.cohorts import Cohort
from bot.domain.wallclock import discord_timestamp, show_date
from bot.i18n import _, n_, number
from bot.reports.chart import CHART_FILE
from bot.ui.embeds import COLOUR, COLOUR_WARNING, FIELD_VALUE_LIMIT, TOTAL_LIMIT, add_field, clip

RISK_SHOWN = 15
"""At most this many at-risk mentees in the status; the rest are one line away."""


# ------------------------------------------------------------------------ helpers


def _trend(trend: str) -> str:
    if trend == "up":
        return _("↗ up")
    if trend == "down":
        return _("↘ down")
    return _("→ steady")


def percent_text(ratio: Ratio) -> str:
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
        percent=percent_text(ratio),
    )


def hours_text(minutes: int) -> str:
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
                + f" · **{hours_text(status.minutes_30d)}**",
                _(
                    "Since the start: {sessions} · {hours}",
                    sessions=status.sessions_total,
                    hours=hours_text(status.minutes_total),
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
        percent=percent_text(capacity),
    )


def funnel_text(status: CohortStatus) -> str:
    """Each stage with the one before as its denominator; matched counts mentees."""
    f = status.funnel
    rows = [
        _("**{count}** joined", count=f.joined),
        _(
            "**{count}** onboarded · {percent} of joined",
            count=f.onboarded,
            percent=percent_text(Ratio(f.onboarded, f.joined)),
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
            percent=percent_text(Ratio(f.introduced, f.matched)),
        ),
        _(
            "**{count}** met · {percent} of introduced",
            count=f.met,
            percent=percent_text(Ratio(f.met, f.introduced)),
        ),
        _(
            "**{count}** active · {percent} of met (a session in the last 30 days)",
            count=f.active,
            percent=percent_text(Ratio(f.active, f.met)),
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
            percent=percent_text(now),
        )
    trend = status.trend
    if trend is not None:
        text += "\n" + _(
            "{trend} from {percent} ({part} of {whole})",
            trend=_trend(trend),
            percent=percent_text(before),
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
