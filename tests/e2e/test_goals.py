"""Goals as a mentee manages them: add, list, autocomplete on their own goals, edit, done,
and the next check-in quoting them."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from bot.app import MentorBot
from tests.e2e.support.checkins import MONDAY_0900, fire, is_prompt, sign_up
from tests.fakediscord import FakeDiscord, Guild, User


async def test_add_list_autocomplete_edit_and_done(
    fake: FakeDiscord, ready: MentorBot, guild: Guild, clock: Any
) -> None:
    lea = await sign_up(ready, fake, guild, "lea", goals="Lead my first team")
    other = await sign_up(ready, fake, guild, "omar", goals="Learn Rust")

    h = await fake.slash(lea, guild, "goal add", title="Learn SQL", target_date="2027-01-31")
    reply = await h.answer()
    assert h.ephemeral and "Added your goal “Learn SQL” (target Sun 31 Jan 2027)" in reply.text

    h = await fake.slash(lea, guild, "goal list")
    listed = await h.answer()
    assert h.ephemeral
    assert "🎯 Lead my first team" in listed.text and "🎯 Learn SQL" in listed.text
    assert "Target: Sun 31 Jan 2027" in listed.text

    # Autocomplete offers only her own open goals, filtered by what she types.
    choices = await fake.autocomplete(lea, guild, "goal done", option="goal", value="le")
    assert [c["name"] for c in choices] == ["Lead my first team", "Learn SQL"]
    assert "Learn Rust" not in str(choices)
    sql = next(c["value"] for c in choices if c["name"] == "Learn SQL")
    others = await fake.autocomplete(other, guild, "goal done", option="goal", value="")
    assert [c["name"] for c in others] == ["Learn Rust"]

    h = await fake.slash(
        lea, guild, "goal edit", goal=sql, title="Learn SQL joins", target_date="none"
    )
    assert "Saved: “Learn SQL joins”." in (await h.answer()).text
    h = await fake.slash(lea, guild, "goal done", goal=sql)
    assert "Well done!" in (await h.answer()).text
    choices = await fake.autocomplete(lea, guild, "goal edit", option="goal", value="")
    assert [c["name"] for c in choices] == ["Lead my first team"]
    h = await fake.slash(lea, guild, "goal done", goal=sql)
    assert "already marked done" in (await h.answer()).text
    h = await fake.slash(lea, guild, "goal done", goal=next(c["value"] for c in others))
    assert "can't find that goal" in (await h.answer()).text, "nobody completes others' goals"

    # A goal added now is quoted by the next check-in; done ones are not.
    h = await fake.slash(lea, guild, "goal add", title="Give a talk @everyone")
    await h.answer()
    clock.set(MONDAY_0900)
    await fire(ready)
    prompt = await fake.wait_for_dm(lea, is_prompt)
    assert "Lead my first team" in prompt.text and "Give a talk @everyone" in prompt.text
    assert "Learn SQL" not in prompt.text
    assert not prompt.pings_everyone


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"title": "   "}, "in a few words"),
        ({"title": "\u200b\u200d"}, "shows nothing"),  # zero-width space and joiner only
        ({"title": "\ufeff \u3164"}, "shows nothing"),  # a BOM and a Hangul filler
        ({"title": "x" * 201}, "keep it to 200"),
        ({"title": "Ship it", "target_date": "31/12/2026"}, "YYYY-MM-DD"),
        ({"title": "Ship it", "target_date": "2026-11-01"}, "already passed"),
    ],
)
async def test_bad_goals_are_refused_with_a_clear_message(
    fake: FakeDiscord, ready: MentorBot, guild: Guild, options: dict[str, str], message: str
) -> None:
    max_ = await sign_up(ready, fake, guild, "max", goals="First")
    h = await fake.slash(max_, guild, "goal add", **options)
    reply = await h.answer()
    assert h.ephemeral and message in reply.text
    assert [g.title for g in await ready.services.goals.open_goals(guild.id, max_.id)] == ["First"]


async def test_goals_are_for_mentees(
    fake: FakeDiscord, ready: MentorBot, guild: Guild, users: dict[str, User]
) -> None:
    h = await fake.slash(users["bob"], guild, "goal add", title="Anything")
    assert "sign up first" in (await h.answer()).text
    mentor = await sign_up(ready, fake, guild, "nia", role="mentor")
    h = await fake.slash(mentor, guild, "goal list")
    assert "for mentees" in (await h.answer()).text
    assert await fake.autocomplete(mentor, guild, "goal done", option="goal", value="") == []


async def test_many_goals_page_through_the_prompt(
    fake: FakeDiscord, ready: MentorBot, guild: Guild, clock: Any
) -> None:
    titles = [f"Goal number {n}" for n in range(1, 10)]
    pat = await sign_up(ready, fake, guild, "pat", goals="\n".join(titles))
    clock.set(MONDAY_0900 - timedelta(minutes=1))
    await fire(ready)
    clock.set(MONDAY_0900)
    await fire(ready)
    prompt = await fake.wait_for_dm(pat, is_prompt)
    rows = prompt.components
    assert len(rows) == 5, "four goals and the note/pages row"
    assert "Goal number 4" in prompt.text and "Goal number 5" not in prompt.text
    assert "Goals 1–4 of 9" in prompt.text
    h = await fake.click(pat, prompt, "Next")
    page2 = await h.answer()
    assert "Goal number 5" in page2.text and "Goal number 8" in page2.text
    assert "Goals 5–8 of 9" in page2.text
    h = await fake.click(pat, page2, "Next")
    page3 = await h.answer()
    assert "Goal number 9" in page3.text and len(page3.components) == 2
    assert page3.button("Next")["disabled"]
