"""The prompt and note modal stay inside Discord's limits whatever the mentee wrote, in
every language the bot speaks."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, date, datetime

import pytest

from bot.domain.schedule import Cadence
from bot.i18n import LANGUAGES, Language, language
from bot.services.checkins import GOALS_PER_PAGE, Prompt, PromptGoal
from bot.services.goals import OPEN_GOALS_MAX, TITLE_MAX
from cogs.checkins import _ids, _screens

BIG = 10**20 - 1  # the longest snowflake-sized id


@pytest.fixture(params=LANGUAGES)
def lang(request: pytest.FixtureRequest) -> Iterator[Language]:
    """Each test below runs once per language, in that language."""
    with language(request.param):
        yield request.param


def prompt(goal_count: int, *, note: bool = False) -> Prompt:
    return Prompt(
        period_id=BIG,
        guild_id=BIG,
        user_id=BIG,
        kind="scheduled",
        due_at=datetime(2026, 11, 9, 9, tzinfo=UTC),
        status="pending",
        goals=tuple(
            PromptGoal(BIG - n, f"{n} " + "x" * (TITLE_MAX - 3), date(2027, 1, 1), "stuck")
            for n in range(goal_count)
        ),
        note_saved=note,
        note_shared=note,
        answered_at=None,
        cadence=Cadence.FORTNIGHTLY,
    )


@pytest.mark.parametrize("goal_count", [0, 1, GOALS_PER_PAGE, GOALS_PER_PAGE + 1, OPEN_GOALS_MAX])
def test_every_page_fits_discords_limits(goal_count: int, lang: Language) -> None:
    full = prompt(goal_count)
    seen_goals = 0
    for page in range(full.page_count):
        embed, view = _screens.prompt_message(full, "G" * 100, page, in_thread=True)
        rows = view.to_components()
        assert len(rows) <= 5
        for row in rows:
            assert 1 <= len(row["components"]) <= 5
            for button in row["components"]:
                assert len(button.get("label") or "") <= 80
                assert len(button["custom_id"]) <= 100
        custom_ids = [b["custom_id"] for row in rows for b in row["components"]]
        assert len(custom_ids) == len(set(custom_ids))
        assert len(embed) <= 6000 and len(embed.fields) <= 25
        assert len(embed.description or "") <= 4096
        seen_goals += len([i for i in custom_ids if i.startswith("mb:ci:g:")])
        assert _ids.note(BIG) in custom_ids, "every page can be recognised as this prompt"
    assert seen_goals == goal_count, "every goal is on exactly one page"


def test_every_template_matches_the_ids_it_describes() -> None:
    samples = {
        _ids.ANSWER: _ids.answer(BIG, BIG, "on_track"),
        _ids.PAGE: _ids.page(BIG, 6),
        _ids.NOTE: _ids.note(BIG),
        _ids.NOTE_MODAL: _ids.note_modal(BIG),
        _ids.DMS_OPEN: _ids.dms_open(BIG),
    }
    for template, sample in samples.items():
        assert re.fullmatch(template, sample), (template, sample)
        assert len(sample) <= 100


def test_note_modal_fits(lang: Language) -> None:
    modal = _screens.NoteModal(BIG, "n" * 5000, shared=True)
    payload = modal.to_dict()
    assert len(payload["title"]) <= 45 and len(payload["custom_id"]) <= 100
    assert 1 <= len(payload["components"]) <= 5
    text_input = payload["components"][0]["component"]
    assert len(text_input.get("value") or "") <= text_input["max_length"] <= 4000


def test_goal_list_says_how_many_goals_it_could_not_show(lang: Language) -> None:
    from datetime import UTC, datetime

    from bot.services.goals import Goal
    from cogs.goals import goals_embed

    now = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
    many = [
        Goal(
            id=n,
            guild_id=1,
            user_id=2,
            title=f"{n:02d} " + "x" * 197,
            target_date=None,
            status="open" if n < 25 else "done",
            created_at=now,
            completed_at=None if n < 25 else now,
        )
        for n in range(40)
    ]
    embed = goals_embed(many, "Mentoring Circle")
    assert len(embed) <= 6000 and len(embed.fields) <= 25
    shown = len(embed.fields)
    left = 40 - shown
    assert (
        embed.footer.text
        == {
            "en": f"…and {left} more goals not shown here.",
            "zh-CN": f"……还有 {left} 个目标未在此显示。",
        }[lang]
    )


def test_history_mentor_alert_and_help_fit_at_their_longest(lang: Language) -> None:
    from bot.services.checkins import HistoryEntry, MentorAlert

    due = datetime(2026, 11, 9, 9, tzinfo=UTC)
    titles = [f"{n} " + "目" * (TITLE_MAX - 3) for n in range(OPEN_GOALS_MAX)]
    entries = [
        HistoryEntry(
            period_id=n,
            kind="manual" if n % 2 else "scheduled",
            due_at=due,
            status="answered",
            sent_at=due,
            answered_at=due,
            answers=tuple((title, "stuck") for title in titles),
            note="备" * 1000,
            note_shared=bool(n % 2),
        )
        for n in range(8)
    ]
    embed = _screens.history_embed(entries, "G" * 100, "F" * 3000)
    assert len(embed) <= 6000 and len(embed.fields) <= 25
    assert all(len(f.value or "") <= 1024 and len(f.name or "") <= 256 for f in embed.fields)

    alert = MentorAlert(BIG, BIG, BIG, tuple(titles), "备" * 1000)
    embed = _screens.mentor_alert(alert, "N" * 32, "G" * 100)
    assert len(embed) <= 6000 and len(embed.description or "") <= 4096

    text, view = _screens.dm_help("G" * 100, BIG, BIG)
    assert len(text) <= 2000
    assert all(len(getattr(b, "label", "") or "") <= 80 for b in view.children)
    missing = ["Create Private Threads", "Send Messages in Threads", "View Channel"]
    assert len(_screens.undeliverable(BIG, missing)) <= 2000
    assert len(_screens.reminder_text("<t:1:R>", "https://discord.com/" + "9" * 80, BIG)) <= 2000


def test_a_permission_list_reads_as_a_sentence() -> None:
    text = _screens.undeliverable(1, ["Create Private Threads", "Send Messages in Threads"])
    assert "allow Create Private Threads and Send Messages in Threads for" in text
    with language("zh-CN"):
        text = _screens.undeliverable(1, ["Create Private Threads", "Send Messages in Threads"])
    assert "开启 Create Private Threads 和 Send Messages in Threads（" in text
