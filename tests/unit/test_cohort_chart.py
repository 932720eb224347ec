"""The `/cohort status` chart: a PNG that decodes, opaque (readable on either Discord theme),
drawn from the status, its words in the server's language when a font can draw them, and
matplotlib loaded only when a chart is asked for."""

from __future__ import annotations

import io
import multiprocessing
import subprocess
import sys
from dataclasses import replace
from datetime import date

import pytest
from PIL import Image

from bot.db.database import Database
from bot.domain.cohort_status import Ratio
from bot.reports import chart
from bot.reports.chart import CHART_DPI, CHART_SIZE, chart_words, render_chart, warm_up
from bot.reports.fonts import BASE_FONT, cjk_font, font_holds
from bot.reports.renderer import ChartRenderer
from tests.support import FakeClock
from tests.unit.cohort_env import GUILD, CohortEnv, bare_status, seed

BAR = (0xE6, 0x9F, 0x00)  # the sessions colour


def decode(png: bytes) -> Image.Image:
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    image = Image.open(io.BytesIO(png))
    image.load()
    return image


def bar_pixels(image: Image.Image) -> int:
    colours = image.convert("RGB").getcolors(maxcolors=1 << 24) or []
    return sum(count for count, colour in colours if colour == BAR)


@pytest.fixture
async def env(db: Database, clock: FakeClock) -> CohortEnv:
    return await seed(CohortEnv(db, clock))


async def test_chart_of_the_seeded_cohort(env: CohortEnv) -> None:
    status = await env.status.status(GUILD)
    image = decode(render_chart(status))
    assert image.size == (round(CHART_SIZE[0] * CHART_DPI), round(CHART_SIZE[1] * CHART_DPI))
    alpha = image.getchannel("A") if image.mode == "RGBA" else None
    assert alpha is None or alpha.getextrema() == (255, 255), "opaque on any theme"
    assert bar_pixels(image) > 1000, "the weeks' sessions are drawn"
    assert render_chart(status) == render_chart(status), "the same status, the same image"


def test_a_cohort_without_weeks_still_gets_a_chart() -> None:
    status = bare_status(Ratio(0, 0), Ratio(0, 0))
    later = replace(status, cohort=replace(status.cohort, starts_on=date(2026, 4, 6)))
    image = decode(render_chart(later))
    assert bar_pixels(image) == 0


def test_matplotlib_is_loaded_only_when_a_chart_is_drawn() -> None:
    code = (
        "import sys, bot.reports.renderer, bot.reports.export, bot.services.cohort_status; "
        "print('matplotlib' in sys.modules)"
    )
    out = subprocess.run(  # noqa: S603 - our own interpreter and code
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    )
    assert out.stdout.strip() == "False"


async def test_the_renderer_draws_in_a_worker_process() -> None:
    status = bare_status(Ratio(3, 4), Ratio(1, 2))
    renderer = ChartRenderer()
    try:
        png = await renderer.render(status)
        assert png == render_chart(status)
        again = await renderer.render(status)
        assert again == png
    finally:
        renderer.close()
    renderer.close()  # closing twice is harmless


def test_the_charts_words_follow_the_language() -> None:
    status = bare_status(Ratio(3, 4), Ratio(1, 2))
    english = chart_words(status, "en")
    chinese = chart_words(status, "zh-CN")
    assert english.title == "Spring — week by week" and english.today == "today"
    assert chinese.title == "Spring — 每周概况" and chinese.today == "今天"
    assert chinese.ticks[0] == "2026年1月5日" and english.ticks[0] == "5 Jan 2026"
    assert "进行中" in chinese.subtitle


def test_a_chinese_chart_without_a_chinese_font_is_drawn_in_english(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Never boxes where characters should be: without a font for them, the words stay
    English."""
    status = bare_status(Ratio(3, 4), Ratio(1, 2))
    monkeypatch.setattr(chart, "cjk_font", lambda: None)
    assert render_chart(status, "zh-CN") == render_chart(status, "en")


def test_a_chinese_chart_with_a_chinese_font_is_drawn_in_chinese() -> None:
    if cjk_font() is None:
        pytest.skip("no font with Chinese characters on this machine (see README)")
    status = bare_status(Ratio(3, 4), Ratio(1, 2))
    chinese = render_chart(status, "zh-CN")
    assert chinese != render_chart(status, "en")
    assert decode(chinese).size == decode(render_chart(status, "en")).size


def test_the_font_check_knows_matplotlibs_font_has_no_chinese() -> None:
    assert font_holds([BASE_FONT], "Check-ins answered (% of prompts sent) — ↗ 5 Jan")
    assert not font_holds([BASE_FONT], "打卡回复率")
    assert not font_holds(["No Such Font"], "a")
    found = cjk_font()
    if found is not None:
        assert font_holds([BASE_FONT, found], "打卡回复率 — 每周概况")


async def test_warming_starts_the_worker_once_and_only_when_asked() -> None:
    status = bare_status(Ratio(3, 4), Ratio(1, 2))
    before = set(multiprocessing.active_children())
    renderer = ChartRenderer()
    try:
        assert set(multiprocessing.active_children()) == before, "no worker at start-up"
        await renderer.warm()
        started = set(multiprocessing.active_children()) - before
        assert len(started) == 1, "the worker starts when the status is asked for"
        await renderer.warm()  # a second director meanwhile: the same worker
        png = await renderer.render(status)  # queued behind the warm-up, then drawn
        assert png == render_chart(status)
        assert set(multiprocessing.active_children()) - before == started
    finally:
        renderer.close()


def test_warm_up_draws_in_this_process_too() -> None:
    warm_up()  # what the worker runs: nothing to return, nothing to fail
