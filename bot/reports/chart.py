"""The `/cohort status` chart: the cohort week by week, as a PNG.

Two panels over the cohort's dates sharing one time axis: the check-in response rate (a
line; a week with no prompt to rate is a gap, not 0 %) and the sessions logged (bars). A
dashed line marks the report's moment while the cohort is open, and the axis runs to the
cohort's end date, so a director sees how far along it is.

Readable in Discord's dark and light themes: the image is an opaque light card (a
transparent one would put dark text on a dark background in one theme or the other) with
dark text and two colours from the Okabe–Ito palette, which stay distinct for colour-blind
readers and in greyscale.

matplotlib is imported inside `render_chart`, so a bot whose directors never ask for a chart
never loads it; the figure is made without pyplot (no global state). The bot draws through
`bot.reports.renderer.ChartRenderer`, in a worker process.
"""

from __future__ import annotations

import io
from datetime import date, timedelta
from typing import Final

from bot.domain.cohort_status import CohortStatus
from bot.domain.wallclock import MONTH_NAMES, show_date

__all__ = ["CHART_DPI", "CHART_SIZE", "render_chart", "warm_up"]

CHART_SIZE: Final = (7.2, 4.2)
"""Inches: 1080 × 630 px at `CHART_DPI`; the text stays legible when Discord shrinks the
image to the width of a message."""
CHART_DPI: Final = 150

_CARD: Final = "#FFFFFF"
_INK: Final = "#1F2328"
_MUTED: Final = "#59636E"
_GRID: Final = "#D8DEE4"
_RATE: Final = "#0072B2"  # Okabe–Ito blue
_SESSIONS: Final = "#E69F00"  # Okabe–Ito orange
_SESSIONS_INK: Final = "#8A5A00"  # the same orange, dark enough for text
_NOW: Final = "#59636E"


def warm_up() -> None:
    """Load what `render_chart` uses (the library, its fonts, the PNG writer) by drawing a
    tiny figure, so the first chart drawn afterwards takes as long as any other."""
    from matplotlib.collections import PolyCollection  # noqa: F401 - loaded, not used
    from matplotlib.dates import date2num  # noqa: F401
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator, PercentFormatter  # noqa: F401

    figure = Figure(figsize=(1, 1), dpi=CHART_DPI, facecolor=_CARD)
    figure.text(0.5, 0.5, "0 %", color=_INK)
    figure.savefig(io.BytesIO(), format="png", facecolor=_CARD)


def render_chart(status: CohortStatus) -> bytes:
    """The PNG bytes of the cohort's weekly chart. Pure: the same status gives the same
    image. Blocking (a few hundred milliseconds): never call it on the event loop."""
    from matplotlib.collections import PolyCollection
    from matplotlib.dates import date2num
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator, PercentFormatter

    def date_number(day: date) -> float:
        return float(date2num(day))  # type: ignore[no-untyped-call]

    cohort = status.cohort
    figure = Figure(figsize=CHART_SIZE, dpi=CHART_DPI, facecolor=_CARD)
    figure.subplots_adjust(left=0.1, right=0.94, top=0.76, bottom=0.14, hspace=0.5)
    rate_ax, sessions_ax = figure.subplots(2, 1, sharex=True, height_ratios=(3, 2))

    title = f"{cohort.name} — week by week"
    figure.text(0.1, 0.93, title, color=_INK, fontsize=15, fontweight="bold", ha="left")
    figure.text(0.1, 0.86, _subtitle(status), color=_MUTED, fontsize=10.5, ha="left")

    first = cohort.starts_on
    last = max(
        cohort.ends_on or status.as_of.date(),
        status.as_of.date(),
        first + timedelta(days=27),
    )
    starts = [week.starts_on for week in status.weeks]
    rates = [
        float("nan") if week.response.value is None else 100 * week.response.value
        for week in status.weeks
    ]
    sessions = [week.sessions for week in status.weeks]
    today = status.as_of.date()
    show_today = cohort.is_open and first <= today <= last

    for ax in (rate_ax, sessions_ax):
        ax.set_facecolor(_CARD)
        ax.grid(axis="y", color=_GRID, linewidth=0.8)
        ax.set_axisbelow(True)
        for side in ("top", "right"):
            ax.spines[side].set_visible(False)
        for side in ("left", "bottom"):
            ax.spines[side].set_color(_MUTED)
        ax.tick_params(colors=_MUTED, labelcolor=_INK, labelsize=10)
        ax.set_xlim(first - timedelta(days=1), last + timedelta(days=1))
        if show_today:
            ax.axvline(today, color=_NOW, linestyle="--", linewidth=1)

    rate_ax.plot(
        starts,
        rates,
        color=_RATE,
        linewidth=2.2,
        marker="o",
        markersize=4.5 if len(starts) <= 26 else 0,
    )
    rate_ax.set_ylim(0, 108)
    rate_ax.yaxis.set_major_formatter(PercentFormatter(decimals=0))
    rate_ax.set_yticks([0, 25, 50, 75, 100])
    rate_ax.set_title(
        "Check-ins answered (% of prompts sent)",
        loc="left",
        color=_RATE,
        fontsize=10.5,
        fontweight="bold",
    )
    if show_today:
        rate_ax.annotate(
            "today",
            (today, 0.0),
            xycoords=("data", "axes fraction"),
            xytext=(4, 4),
            textcoords="offset points",
            color=_NOW,
            fontsize=9,
            ha="left",
            va="bottom",
        )

    # One collection of bars rather than a patch per week: a year of weeks draws fast.
    origin = date_number(first)
    bars = [
        [(x, 0.0), (x, float(n)), (x + 6.0, float(n)), (x + 6.0, 0.0)]
        for x, n in ((origin + 7.0 * i, n) for i, n in enumerate(sessions))
        if n
    ]
    sessions_ax.add_collection(PolyCollection(bars, facecolors=_SESSIONS, linewidths=0))
    sessions_ax.set_ylim(0, max([*sessions, 1]) * 1.15)
    sessions_ax.yaxis.set_major_locator(MaxNLocator(nbins=4, integer=True))
    sessions_ax.set_title(
        "Sessions logged", loc="left", color=_SESSIONS_INK, fontsize=10.5, fontweight="bold"
    )
    sessions_ax.set_xlabel("Week starting (UTC dates)", color=_INK, fontsize=10.5)

    # A tick on the first day of a cohort week, on at most 8 of them.
    weeks_shown = (last - first).days // 7 + 1
    step = -(-weeks_shown // 8)
    ticks = [first + timedelta(days=7 * n) for n in range(0, weeks_shown, step)]
    sessions_ax.set_xticks(ticks, labels=_tick_labels(ticks))

    if not status.weeks:
        rate_ax.text(
            0.5,
            0.5,
            f"The cohort starts on {show_date(first)}: nothing to show yet.",
            transform=rate_ax.transAxes,
            ha="center",
            va="center",
            color=_MUTED,
            fontsize=11,
        )

    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", facecolor=_CARD, metadata={"Software": None})
    return buffer.getvalue()


def _subtitle(status: CohortStatus) -> str:
    cohort = status.cohort
    end = show_date(cohort.ends_on) if cohort.ends_on else "no end date"
    state = "open" if cohort.is_open else "closed"
    return (
        f"{show_date(cohort.starts_on)} – {end} · {state} · as of {show_date(status.as_of.date())}"
    )


def _tick_labels(ticks: list[date]) -> list[str]:
    """`5 Jan`, with the year on the first label and wherever the year changes."""
    labels = []
    for n, day in enumerate(ticks):
        label = f"{day.day} {MONTH_NAMES[day.month - 1][:3]}"
        if n == 0 or day.year != ticks[n - 1].year:
            label += f" {day.year}"
        labels.append(label)
    return labels
