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

The chart's words are in the server's language. matplotlib's own font has no Chinese
characters, so Chinese words are drawn only when the machine has a font that holds every
one of them (`bot.reports.fonts`); otherwise the chart is drawn in English, never with
empty boxes where characters should be.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Final

from babel.dates import format_skeleton

from bot.domain.cohort_status import CohortStatus
from bot.domain.wallclock import MONTH_NAMES, show_date
from bot.i18n import DEFAULT, Language, _, language
from bot.i18n._core import BABEL_LOCALES
from bot.reports.fonts import BASE_FONT, cjk_font, font_holds

__all__ = [
    "CHART_DPI",
    "CHART_FILE",
    "CHART_SIZE",
    "ChartWords",
    "chart_words",
    "render_chart",
    "warm_up",
]

CHART_SIZE: Final = (7.2, 4.2)
"""Inches: 1080 × 630 px at `CHART_DPI`; the text stays legible when Discord shrinks the
image to the width of a message."""
CHART_DPI: Final = 150
CHART_FILE: Final = "cohort-status.png"
"""The chart's file name when attached to a message."""

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


@dataclass(frozen=True, slots=True)
class ChartWords:
    """Every word the chart draws, in one language."""

    title: str
    subtitle: str
    rate: str
    sessions: str
    axis: str
    today: str
    empty: str
    ticks: tuple[str, ...]

    def all(self) -> str:
        return "".join(
            (self.title, self.subtitle, self.rate, self.sessions, self.axis, self.today)
        ) + "".join((self.empty, *self.ticks))


def chart_words(status: CohortStatus, lang: Language) -> ChartWords:
    """The chart's words in `lang`."""
    cohort = status.cohort
    with language(lang):
        return ChartWords(
            title=_("{cohort} — week by week", cohort=cohort.name),
            subtitle=_subtitle(status, lang),
            rate=_("Check-ins answered (% of prompts sent)"),
            sessions=_("Sessions logged"),
            axis=_("Week starting (UTC dates)"),
            today=_("today"),
            empty=_(
                "The cohort starts on {start}: nothing to show yet.",
                start=_show_date(cohort.starts_on, lang),
            ),
            ticks=tuple(_tick_labels(_ticks(status), lang)),
        )


def _span(status: CohortStatus) -> tuple[date, date]:
    """The first and last day of the time axis."""
    first = status.cohort.starts_on
    last = max(
        status.cohort.ends_on or status.as_of.date(),
        status.as_of.date(),
        first + timedelta(days=27),
    )
    return first, last


def _ticks(status: CohortStatus) -> list[date]:
    """A tick on the first day of a cohort week, on at most 8 of them."""
    first, last = _span(status)
    weeks_shown = (last - first).days // 7 + 1
    step = -(-weeks_shown // 8)
    return [first + timedelta(days=7 * n) for n in range(0, weeks_shown, step)]


def render_chart(status: CohortStatus, lang: Language = DEFAULT) -> bytes:
    """The PNG bytes of the cohort's weekly chart, its words in `lang` when the machine has
    the font for them (else in English). Pure: the same status gives the same image.
    Blocking (a few hundred milliseconds): never call it on the event loop."""
    from matplotlib import rc_context

    words = chart_words(status, lang)
    fonts = _fonts_for(words.all())
    if fonts is None:
        words = chart_words(status, DEFAULT)
        fonts = _fonts_for(words.all()) or [BASE_FONT]
    with rc_context({"font.family": fonts}):
        return _draw(status, words)


def _fonts_for(text: str) -> list[str] | None:
    """The fonts that draw every character of `text` (matplotlib's own, with a CJK font
    behind it only when needed), or None when the machine has none that can."""
    if font_holds([BASE_FONT], text):
        return [BASE_FONT]
    extra = cjk_font()
    if extra is not None and font_holds([BASE_FONT, extra], text):
        return [BASE_FONT, extra]
    return None


def _draw(status: CohortStatus, words: ChartWords) -> bytes:
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

    figure.text(0.1, 0.93, words.title, color=_INK, fontsize=15, fontweight="bold", ha="left")
    figure.text(0.1, 0.86, words.subtitle, color=_MUTED, fontsize=10.5, ha="left")

    first, last = _span(status)
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
        words.rate,
        loc="left",
        color=_RATE,
        fontsize=10.5,
        fontweight="bold",
    )
    if show_today:
        rate_ax.annotate(
            words.today,
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
        words.sessions, loc="left", color=_SESSIONS_INK, fontsize=10.5, fontweight="bold"
    )
    sessions_ax.set_xlabel(words.axis, color=_INK, fontsize=10.5)
    sessions_ax.set_xticks(_ticks(status), labels=list(words.ticks))

    if not status.weeks:
        rate_ax.text(
            0.5,
            0.5,
            words.empty,
            transform=rate_ax.transAxes,
            ha="center",
            va="center",
            color=_MUTED,
            fontsize=11,
        )

    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", facecolor=_CARD, metadata={"Software": None})
    return buffer.getvalue()


def _show_date(day: date, lang: Language) -> str:
    """A date as the bot shows it (`Mon 5 Jan 2026`), in Chinese the Chinese way."""
    if lang == DEFAULT:
        return show_date(day)
    return format_skeleton("yMMMdE", day, locale=BABEL_LOCALES[lang])


def _subtitle(status: CohortStatus, lang: Language) -> str:
    cohort = status.cohort
    start = _show_date(cohort.starts_on, lang)
    end = _show_date(cohort.ends_on, lang) if cohort.ends_on else _("no end date")
    as_of = _show_date(status.as_of.date(), lang)
    if cohort.is_open:
        return _("{start} – {end} · open · as of {as_of}", start=start, end=end, as_of=as_of)
    return _("{start} – {end} · closed · as of {as_of}", start=start, end=end, as_of=as_of)


def _tick_labels(ticks: list[date], lang: Language) -> list[str]:
    """`5 Jan`, with the year on the first label and wherever the year changes."""
    labels = []
    for n, day in enumerate(ticks):
        with_year = n == 0 or day.year != ticks[n - 1].year
        if lang != DEFAULT:
            skeleton = "yMMMd" if with_year else "MMMd"
            labels.append(format_skeleton(skeleton, day, locale=BABEL_LOCALES[lang]))
            continue
        label = f"{day.day} {MONTH_NAMES[day.month - 1][:3]}"
        if with_year:
            label += f" {day.year}"
        labels.append(label)
    return labels
