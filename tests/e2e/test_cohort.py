"""`/cohort` end to end (PRODUCT.md §3F): a director opens a cohort that the members who had
signed up join at once, runs it for three weeks of check-ins and a session, reads its status
(numbers worked out by hand below), its chart and its CSV, pages through its members across
a restart, and closes it: its members are thanked and prompted no more."""

from __future__ import annotations

import io

from PIL import Image

from bot.app import MentorBot
from bot.db.instants import to_db
from bot.reports.chart import CHART_DPI, CHART_SIZE
from tests.e2e.support.checkins import prompts
from tests.e2e.support.cohort import (
    START,
    TOPIC,
    WEEK_1,
    WEEK_2,
    WEEK_3,
    WEEK_4,
    WORDS,
    checkin_week,
    csv_tables,
    member,
    png_size,
    sign_ups,
    slash,
    words,
)
from tests.e2e.support.matching import introduce
from tests.e2e.support.process import BotProcess
from tests.e2e.support.sessions import log
from tests.fakediscord import FakeDiscord, Guild, User
from tests.support import FakeClock


async def test_a_cohort_from_create_to_close(
    fake: FakeDiscord,
    ready: MentorBot,
    guild: Guild,
    users: dict[str, User],
    clock: FakeClock,
) -> None:
    bot, director = ready, users["director"]
    clock.set(START)
    people = await sign_ups(bot, fake, guild)
    alice, bob, carl, dave = (people[n] for n in ("alice", "bob", "carl", "dave"))

    # Members who signed up before any cohort existed join it at once, and are told.
    created = await slash(
        fake,
        director,
        guild,
        "cohort create",
        name="Autumn 2026",
        start="2026-11-02",
        end="2027-01-25",
    )
    assert "**Autumn 2026** is open" in created.text
    assert "4 members who had signed up joined it at once; 4 of them were told" in created.text
    for user in (alice, bob, carl, dave):
        await fake.wait_for_dm(user, lambda m: "You're in Autumn 2026" in m.text)
    assert not [m for m in fake.dms(people["erin"]) if "Autumn 2026" in m.text]
    log_channel = guild.channel("director-log")
    await fake.wait_until(
        lambda: any("opened a cohort" in m.text for m in fake.messages(log_channel)),
        what="the director-log line",
    )

    await introduce(fake, guild, director, alice, bob)
    session = await (await log(fake, alice, guild, partner=bob, minutes=45, topic=TOPIC)).answer()
    assert session.text
    for week in (WEEK_1, WEEK_2, WEEK_3):
        await checkin_week(bot, fake, clock, week, alice, WORDS["alice"][1], (carl, dave))

    # By hand, as of Mon 23 Nov 09:00 (the third week's prompts are still waiting):
    # people: alice, carl, dave (mentees), bob (mentor), erin (still signing up) -> joined 5,
    # onboarded 4; matched, introduced: alice (1 of 3 mentees); met and active: alice's
    # session on 2 Nov (in the last 30 days) -> 1, 1. Capacity: 1 of bob's 2 places.
    # Check-ins settled in the last 4 weeks: alice answered 9 and 16 Nov (2); carl and dave
    # missed both (4) -> 2 of 6, 33 %; nothing the 4 weeks before, so no trend.
    # Carl and Dave missed two in a row: at risk. Sessions in 30 days: 1, 45 min.
    answer = await (await fake.slash(director, guild, "cohort status")).answer()
    assert answer.ephemeral
    # The figures come at once; the chart joins the same message when it is drawn.
    status = await fake.wait_until(
        lambda: (m := fake.world.find_message(answer.id)) and m.attachments and m,
        what="the chart",
    )
    text = status.text
    assert "Drawing the chart" not in text
    assert "Autumn 2026 · cohort status" in text
    assert "**5** joined" in text
    assert "**4** onboarded · 80 % of joined" in text
    assert "**1** matched · 1 of 3 mentees" in text
    assert "**1** introduced · 100 % of matched" in text
    assert "**1** met · 100 % of introduced" in text
    assert "**1** active · 100 % of met" in text
    assert "**3** mentees · **1** mentor\n**1** still signing up" in text
    assert "**1** of 3 (33 %)\n**2** unmatched" in text
    assert "**1** of 2 places (50 %)" in text
    assert "**2** of 6 answered (33 %)" in text
    assert "**1** session · **0.8 h**" in text
    assert "**0** of 3 mentees" in text
    assert "At risk · 2" in text
    assert f"<@{carl.id}> — missed 2 check-ins" in text
    assert f"<@{dave.id}> — missed 2 check-ins" in text
    assert "Mon 2 Nov 2026 → Mon 25 Jan 2027 · week 4" in text
    assert status.embeds[0]["image"]["url"] == "attachment://cohort-status.png"
    assert [a.filename for a in status.attachments] == ["cohort-status.png"]
    png = status.attachments[0].content
    expected = (round(CHART_SIZE[0] * CHART_DPI), round(CHART_SIZE[1] * CHART_DPI))
    assert png_size(png) == expected
    with Image.open(io.BytesIO(png)) as image:
        image.verify()

    at_risk = await (await fake.slash(director, guild, "cohort members", filter="at_risk")).answer()
    assert "Autumn 2026 · At risk" in at_risk.text and "1–2 of 2" in at_risk.text
    assert f"<@{carl.id}> · mentee · unmatched" in at_risk.text
    assert "⚠️ missed 2 check-ins" in at_risk.text and f"<@{alice.id}>" not in at_risk.text
    for word in words():
        assert word not in at_risk.text

    # The CSV: numbers and statuses only.
    exported = await (await fake.slash(director, guild, "cohort export")).answer()
    assert exported.ephemeral and len(exported.attachments) == 1
    file = exported.attachments[0]
    assert file.filename == "cohort-autumn-2026-2026-11-23.csv"
    figures, weeks, roster = csv_tables(file.text)
    values = dict(figures[1:])
    assert values["funnel_joined"] == "5" and values["response_percent_4w"] == "33"
    assert [w[0] for w in weeks[1:]] == ["2026-11-02", "2026-11-09", "2026-11-16", "2026-11-23"]
    ids = {row[0] for row in roster[1:]}
    assert ids == {str(u.id) for u in people.values()}
    for word in words():
        assert word not in file.text
        assert word not in status.text

    # Close: asks first, then thanks everyone and stops their prompts.
    asked = await (await fake.slash(director, guild, "cohort close")).answer()
    assert "Close Autumn 2026?" in asked.text
    done = await (await fake.click(director, asked, "Close the cohort")).answer()
    await fake.wait_until(
        lambda: "is closed" in (fake.world.find_message(done.id) or done).text, what="closed"
    )
    for user in (alice, bob, carl, dave):
        await fake.wait_for_dm(user, lambda m: "Autumn 2026 has ended" in m.text)
    again = await (await fake.slash(director, guild, "cohort close")).answer()
    assert "There is no open cohort to close." in again.text
    before = {u.name: len(prompts(fake, u)) for u in (alice, carl, dave)}
    clock.set(WEEK_4)
    await bot.timers["checkins"].fire()
    await bot.timers["checkins"].fire()
    # The timer wrote no period for the week after the close, so none can be sent later.
    due = await bot.db.fetchval(
        "SELECT count(*) FROM checkin_periods WHERE due_at >= ?", (to_db(WEEK_4),)
    )
    assert due == 0
    assert await bot.timers["checkins"].fire() is None, "nothing is left to prompt"
    assert {u.name: len(prompts(fake, u)) for u in (alice, carl, dave)} == before
    closed = await (await fake.slash(director, guild, "cohort status")).answer()
    # A closed cohort counts its enrolled members only: Erin, still signing up, is not one.
    assert "⚪ Closed" in closed.text and "**4** joined" in closed.text
    assert "Not tracked for a closed cohort." in closed.text


async def test_a_member_with_no_cohort_keeps_their_check_ins(
    fake: FakeDiscord, ready: MentorBot, guild: Guild, clock: FakeClock
) -> None:
    """Before any cohort exists, check-ins run as they always did."""
    clock.set(START)
    alice = await member(ready, fake, guild, "alice2", "mentee", goal="GOAL-x")
    await checkin_week(ready, fake, clock, WEEK_1, alice, "GOAL-x")
    assert len(prompts(fake, alice)) == 1


async def test_members_pages_survive_a_restart(
    fake: FakeDiscord,
    process: BotProcess,
    ready: MentorBot,
    guild: Guild,
    users: dict[str, User],
    clock: FakeClock,
) -> None:
    director = users["director"]
    clock.set(START)
    mentees = [await member(ready, fake, guild, f"mentee{n:02}", "mentee") for n in range(12)]
    await member(ready, fake, guild, "mentor", "mentor", capacity=3)
    await slash(fake, director, guild, "cohort create", name="Big", start="today")

    listing = await (
        await fake.slash(director, guild, "cohort members", filter="unmatched")
    ).answer()
    assert "Big · Unmatched mentees" in listing.text
    assert "1–10 of 12" in listing.text
    assert sum(f"<@{m.id}>" in listing.text for m in mentees) == 10
    everyone = await (await fake.slash(director, guild, "cohort members")).answer()
    assert "1–10 of 13" in everyone.text
    capacity = await (
        await fake.slash(director, guild, "cohort members", filter="mentors_with_capacity")
    ).answer()
    assert "mentor · 0 of 3 places" in capacity.text

    await process.restart()
    turned = await (await fake.click(director, listing, "Next ▶")).response()
    await fake.wait_until(
        lambda: "11–12 of 12" in (fake.world.find_message(listing.id) or listing).text,
        what="the second page",
    )
    page = fake.world.find_message(listing.id)
    assert page is not None and turned is not None
    assert sum(f"<@{m.id}>" in page.text for m in mentees) == 2
    previous = next(b for b in page.buttons if "Previous" in b["label"])
    assert not previous.get("disabled")


async def test_cohort_autocomplete_and_refusals(
    fake: FakeDiscord, ready: MentorBot, guild: Guild, users: dict[str, User]
) -> None:
    director, alice = users["director"], users["alice"]
    await slash(fake, director, guild, "cohort create", name="Spring 2027", start="today")
    await fake.autocomplete(director, guild, "cohort export", option="cohort", value="spr")
    assert not ready.delivery.charts.started, "no chart worker for an export"
    choices = await fake.autocomplete(
        director, guild, "cohort status", option="cohort", value="spr"
    )
    assert [c["name"] for c in choices] == ["Spring 2027 · open · from Mon 2 Nov 2026"]
    assert ready.delivery.charts.started, "picking a cohort to see starts the chart's"
    chosen = await slash(fake, director, guild, "cohort status", cohort=choices[0]["value"])
    assert "Spring 2027 · cohort status" in chosen.text
    typed = await slash(fake, director, guild, "cohort export", cohort="spring 2027")
    assert typed.attachments[0].filename.startswith("cohort-spring-2027-")

    refused = await fake.slash(alice, guild, "cohort status")
    assert "Only programme directors can use this" in (await refused.answer()).text
    assert refused.ephemeral
    again = await slash(fake, director, guild, "cohort create", name="Next", start="today")
    assert "Spring 2027 is still open" in again.text
