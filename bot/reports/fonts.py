"""Which fonts can draw a chart's words.

matplotlib's own font (DejaVu Sans) has no Chinese characters: drawn with it, Chinese comes
out as empty boxes. A chart in Chinese therefore needs a font with CJK characters installed
on the machine (Noto Sans CJK, Source Han Sans, WenQuanYi, …; on Debian, for example, the
`fonts-noto-cjk` or `fonts-wqy-microhei` package). `cjk_font` finds one, and `font_holds`
tells whether a list of fonts has a glyph for every character of a text, so the chart can
fall back to English rather than draw boxes.

matplotlib is imported inside the functions (the chart's worker process is the only one
that needs it); what is found is kept for the life of that process.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path
from typing import Final

__all__ = ["BASE_FONT", "CJK_FAMILIES", "cjk_font", "font_holds"]

BASE_FONT: Final = "DejaVu Sans"
"""The font the chart is drawn in; a CJK font is only its fallback, for the characters it
lacks."""

CJK_FAMILIES: Final = (
    "Noto Sans CJK SC",
    "Noto Sans SC",
    "Source Han Sans SC",
    "Source Han Sans CN",
    "WenQuanYi Micro Hei",
    "WenQuanYi Zen Hei",
    "Sarasa Gothic SC",
    "Noto Sans CJK JP",
    "Source Han Sans",
    "Droid Sans Fallback",
    "AR PL UMing CN",
    "AR PL UKai CN",
)
"""Fonts with Simplified Chinese characters, the preferred first."""

_CJK_FILE: Final = re.compile(
    r"(?i)(cjk|wqy|wenquanyi|sourcehan|notosanssc|sarasa|droidsansfallback|uming|ukai)"
)


@functools.cache
def cjk_font() -> str | None:
    """The family name of an installed font with Chinese characters, or None."""
    from matplotlib import font_manager

    def known() -> str | None:
        names = {entry.name for entry in font_manager.fontManager.ttflist}
        return next((family for family in CJK_FAMILIES if family in names), None)

    found = known()
    if found is not None:
        return found
    # matplotlib lists the fonts it saw when it first ran: look for one installed since.
    for path in font_manager.findSystemFonts():
        if _CJK_FILE.search(Path(path).name):
            try:
                font_manager.fontManager.addfont(path)
            except (OSError, RuntimeError, ValueError):
                continue
    return known()


@functools.cache
def _charmap(family: str) -> frozenset[int]:
    from matplotlib import font_manager
    from matplotlib.ft2font import FT2Font

    path = font_manager.findfont(
        font_manager.FontProperties(family=family), fallback_to_default=False
    )
    return frozenset(FT2Font(path).get_charmap())


def font_holds(families: list[str], text: str) -> bool:
    """Whether every visible character of `text` is in one of `families`."""
    wanted = {ord(ch) for ch in text if not ch.isspace()}
    for family in families:
        try:
            wanted -= _charmap(family)
        except ValueError:  # not installed
            continue
        if not wanted:
            return True
    return not wanted
