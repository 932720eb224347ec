"""What session messages and forms look like at their largest: inside Discord's limits, and
the length typed in the log form read as the member meant it."""

from __future__ import annotations

from datetime import UTC, date, datetime

import discord
import pytest

from bot.domain import sessions as rules
from bot.errors import UserError
from bot.i18n import LANGUAGES, Language, language
from bot.services.sessions import FitQuestion, Reflection, Session, SessionListItem
from cogs.sessions import _fit_screens, _forms, _screens
from cogs.sessions._flow import read_minutes

NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
MENTEE, MENTOR = 1200000000000000201, 1200000000000000301


def session(seq: int = 1, topic: str | None = "t" * rules.TOPIC_MAX) -> Session:
    return Session(
        id=seq,
        guild_id=1200000000000000100,
        match_id=1,
        cohort_id=None,
        mentee_id=MENTEE,
        mentor_id=MENTOR,
        seq=seq,
        on=date(2026, 3, 1),
        minutes=rules.MINUTES_MAX,
        topic=topic,
        created_by=MENTEE,
        created_at=NOW,
        thread_id=12345678901234567890,
        thread_ready=True,
        thread_problem=None,
    )


def within_limits(embed: discord.Embed) -> None:
    assert len(embed) <= 6000 and len(embed.description or "") <= 4096
    assert all(len(f.value or "") <= 1024 for f in embed.fields)


def longest(role: rules.Role) -> Reflection:
    form = rules.form_for(role)
    return Reflection(
        session_id=1,
        author_id=MENTEE if role == "mentee" else MENTOR,
        role=role,
        answers={f.id: "w" * f.max_length for f in form.fields},
        shared=True,
        shared_at=NOW,
        posted_message_id=None,
        partner_read_at=None,
        goal_id=None,
        created_at=NOW,
        edited_at=NOW,
    )


PAIRS: list[tuple[Language, ...]] = [("en",), ("zh-CN",), LANGUAGES]
"""A pair reading English, reading Chinese, and reading one each (posts carry both)."""


@pytest.mark.parametrize("langs", PAIRS)
@pytest.mark.parametrize("role", ["mentee", "mentor"])
def test_the_longest_shared_reflection_fits_one_embed(
    role: rules.Role, langs: tuple[Language, ...]
) -> None:
    reflection = longest(role)
    embed, view = _screens.shared_reflection(session(), reflection, langs)
    within_limits(embed)
    shown = "\n".join(str(f.value) for f in embed.fields)
    for value in reflection.answers.values():
        assert value in shown, "nothing a member wrote is cut"
    labels = [b.label for b in view.children if isinstance(b, discord.ui.Button)]
    assert len(labels) == 1 and all(len(label or "") <= 80 for label in labels)
    if langs == ("en",):
        assert labels == ["Mark as read"]
    if langs == LANGUAGES:
        assert labels == ["Mark as read / 标记为已读"]


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("role", ["mentee", "mentor"])
def test_the_reflection_form_fits_a_modal(role: rules.Role, lang: Language) -> None:
    form = rules.form_for(role)
    with language(lang):
        modal = _forms.ReflectionModal(
            session(), form, dict(longest(role).answers), shared=True, can_make_private=False
        )
    payload = modal.to_dict()
    assert len(payload["components"]) <= rules.MODAL_INPUTS_MAX
    assert len(payload["title"]) <= rules.MODAL_TITLE_MAX
    # Read by their partner: the only choice left is to keep it shared.
    choice = payload["components"][-1]["component"]
    assert [o["value"] for o in choice["options"]] == ["shared"]


@pytest.mark.parametrize("langs", PAIRS)
def test_the_thread_prompt_fits(langs: tuple[Language, ...]) -> None:
    content, embeds, view = _screens.thread_prompt(session(), langs)
    assert len(content) <= 2000 and len(embeds) == len(langs)
    for embed in embeds:
        within_limits(embed)
    assert sum(len(embed) for embed in embeds) <= 6000
    assert all(len(b.label or "") <= 80 for b in view.children if isinstance(b, discord.ui.Button))


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_full_list_page_fits(lang: Language) -> None:
    items = [SessionListItem(session(n), "mentee", MENTOR, "private") for n in range(10, 0, -1)]
    with language(lang):
        page, view = _screens.session_list(items, 25, 1, "g" * 100)
    within_limits(page)
    labels = [(b.label, b.disabled) for b in view.children if isinstance(b, discord.ui.Button)]
    if lang == "en":
        assert "page 2 of 3" in (page.footer.text or "")
        assert labels == [("Newer", False), ("Older", False)]
    else:
        assert "第 2/3 页" in (page.footer.text or "")
        assert labels == [("较新", False), ("较早", False)]


def test_fit_question_offers_a_rematch_only_after_not_a_good_fit() -> None:
    asked = FitQuestion(1, 2, MENTEE, MENTOR, 3, None, rematch_asked=False)
    _, view = _fit_screens.fit_question(asked, "Circle")
    assert [b.label for b in view.children if isinstance(b, discord.ui.Button)] == [
        "Good fit",
        "Still deciding",
        "Not a good fit",
    ]
    _, view = _fit_screens.fit_question(asked, "Circle", answered="not_good")
    assert "Ask for a re-match" in [
        b.label for b in view.children if isinstance(b, discord.ui.Button)
    ]
    done = FitQuestion(1, 2, MENTEE, MENTOR, 3, "not_good", rematch_asked=True)
    embed, view = _fit_screens.fit_question(done, "Circle")
    assert view.children == [] and "hasn't been told" in (embed.description or "")


@pytest.mark.parametrize(
    ("typed", "minutes"),
    [("45", 45), (" 60 ", 60), ("50 min", 50), ("90minutes", 90), ("600", 600), ("3", 3)],
)
def test_minutes_as_typed(typed: str, minutes: int) -> None:
    assert read_minutes(typed) == minutes  # the range is the service's to check


@pytest.mark.parametrize("typed", ["", "an hour", "1.5", "-5", "1h", "99999"])
def test_minutes_not_a_number(typed: str) -> None:
    with pytest.raises(UserError, match="as a number"):
        read_minutes(typed)
