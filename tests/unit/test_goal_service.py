"""Goals: the mentee's own words, validated, listed, edited and completed."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from bot.db.database import Database
from bot.errors import UserError
from bot.i18n import language
from bot.services.goals import OPEN_GOALS_MAX, GoalService, parse_target_date
from tests.support import FakeClock
from tests.unit.support import GUILD, MENTEE, add_member


@pytest.fixture
async def goals(db: Database, clock: FakeClock) -> GoalService:
    await add_member(db, clock, timezone="Pacific/Auckland", weekday=None, at=None)
    return GoalService(db, clock)


async def test_add_list_edit_and_complete(goals: GoalService) -> None:
    goal = await goals.add(GUILD, MENTEE, "  Lead my\nfirst team  ", "2026-12-31")
    assert goal.title == "Lead my first team" and goal.target_date == date(2026, 12, 31)
    await goals.add(GUILD, MENTEE, "Speak at a meetup")
    assert [g.title for g in await goals.open_goals(GUILD, MENTEE)] == [
        "Lead my first team",
        "Speak at a meetup",
    ]
    edited = await goals.edit(GUILD, MENTEE, goal.id, "Lead a team of four")
    assert edited.title == "Lead a team of four" and edited.target_date == date(2026, 12, 31)
    cleared = await goals.edit(GUILD, MENTEE, goal.id, "Lead a team of four", "none")
    assert cleared.target_date is None
    done = await goals.complete(GUILD, MENTEE, goal.id)
    assert done.status == "done" and done.completed_at is not None
    assert [g.title for g in await goals.open_goals(GUILD, MENTEE)] == ["Speak at a meetup"]
    listed = await goals.all_goals(GUILD, MENTEE)
    assert [(g.title, g.status) for g in listed] == [
        ("Speak at a meetup", "open"),
        ("Lead a team of four", "done"),
    ]
    with pytest.raises(UserError, match="already marked done"):
        await goals.complete(GUILD, MENTEE, goal.id)


@pytest.mark.parametrize(
    ("title", "target", "message"),
    [
        ("   ", None, "in a few words"),
        ("\u200b\u200d", None, "shows nothing"),
        ("x" * 201, None, "keep it to 200"),
        ("Ship it", "31/12/2026", "YYYY-MM-DD"),
        ("Ship it", "2026-02-30", "not a real date"),
        ("Ship it", "2026-11-01", "already passed"),
    ],
)
async def test_bad_input_is_refused_kindly(
    goals: GoalService, title: str, target: str | None, message: str
) -> None:
    with pytest.raises(UserError, match=message):
        await goals.add(GUILD, MENTEE, title, target)
    assert await goals.open_goals(GUILD, MENTEE) == ()


async def test_titles_are_stored_as_nfc_and_an_invisible_edit_changes_nothing(
    goals: GoalService,
) -> None:
    goal = await goals.add(GUILD, MENTEE, "\u200bCafe\u0301 chats\ufeff")
    assert goal.title == "Café chats"
    assert (await goals.resolve(GUILD, MENTEE, "cafe\u0301 CHATS")).id == goal.id
    with pytest.raises(UserError, match="your goal” shows nothing"):
        await goals.edit(GUILD, MENTEE, goal.id, "\u200b\u200d")
    assert (await goals.get(GUILD, MENTEE, goal.id)).title == "Café chats"


def test_past_is_judged_in_the_members_own_timezone() -> None:
    # 2026-11-02 09:00 UTC is already 22:00 on the 2nd in Auckland, still the 2nd.
    assert parse_target_date("2026-11-02", date(2026, 11, 2)) == date(2026, 11, 2)
    with pytest.raises(UserError):
        parse_target_date("2026-11-02", date(2026, 11, 3))


async def test_today_uses_the_member_timezone(goals: GoalService, clock: FakeClock) -> None:
    clock.set(datetime(2026, 11, 2, 12, 0, tzinfo=UTC))  # 01:00 on the 3rd in Auckland
    assert await goals.member_today(GUILD, MENTEE) == date(2026, 11, 3)
    with pytest.raises(UserError, match="already passed"):
        await goals.add(GUILD, MENTEE, "Ship it", "2026-11-02")


async def test_open_goals_are_capped(goals: GoalService) -> None:
    for n in range(OPEN_GOALS_MAX):
        await goals.add(GUILD, MENTEE, f"Goal {n}")
    with pytest.raises(UserError, match="already have 25 open goals"):
        await goals.add(GUILD, MENTEE, "One more")


async def test_only_signed_up_mentees_have_goals(db: Database, goals: GoalService) -> None:
    await db.execute("UPDATE members SET role = 'mentor' WHERE user_id = ?", (MENTEE,))
    with pytest.raises(UserError, match="for mentees"):
        await goals.add(GUILD, MENTEE, "Mentor well")
    with pytest.raises(UserError, match="sign up first"):
        await goals.add(GUILD, 999, "Anything")


async def test_a_goal_is_found_by_id_or_by_its_exact_title_and_only_the_owners(
    db: Database, goals: GoalService, clock: FakeClock
) -> None:
    goal = await goals.add(GUILD, MENTEE, "Learn SQL")
    assert (await goals.resolve(GUILD, MENTEE, str(goal.id))).id == goal.id
    assert (await goals.resolve(GUILD, MENTEE, "learn  sql")).id == goal.id
    with pytest.raises(UserError, match="can't find"):
        await goals.resolve(GUILD, MENTEE, "Learn Rust")
    with pytest.raises(UserError, match="can't find"):
        await goals.resolve(GUILD, 333, str(goal.id))


@pytest.mark.parametrize("typed", ["²", "9" * 19, "9" * 5000])
async def test_a_typed_goal_that_only_looks_like_a_number_is_not_an_error(
    goals: GoalService, typed: str
) -> None:
    with pytest.raises(UserError, match="can't find"):
        await goals.resolve(GUILD, MENTEE, typed)


async def test_a_goal_titled_with_digits_is_found_by_its_title(goals: GoalService) -> None:
    goal = await goals.add(GUILD, MENTEE, "2027")
    assert goal.id != 2027
    assert (await goals.resolve(GUILD, MENTEE, "2027")).id == goal.id


async def test_autocomplete_filters_and_sees_writes_at_once(goals: GoalService) -> None:
    await goals.add(GUILD, MENTEE, "Learn SQL")
    await goals.add(GUILD, MENTEE, "Lead a team")
    assert [g.title for g in await goals.suggest(GUILD, MENTEE, "le")] == [
        "Learn SQL",
        "Lead a team",
    ]
    assert [g.title for g in await goals.suggest(GUILD, MENTEE, "SQL")] == ["Learn SQL"]
    sql = (await goals.suggest(GUILD, MENTEE, "sql"))[0]
    await goals.complete(GUILD, MENTEE, sql.id)
    assert [g.title for g in await goals.suggest(GUILD, MENTEE, "")] == ["Lead a team"]


async def test_refusals_and_the_export_speak_the_members_language(goals: GoalService) -> None:
    await goals.add(GUILD, MENTEE, "带领团队", "2026-12-31")
    with language("zh-CN"):
        with pytest.raises(UserError) as refused:
            await goals.add(GUILD, MENTEE, "写" * 201)
        assert refused.value.message.startswith("这个目标有 201 个字符；请控制在 200 个以内")
        with pytest.raises(UserError) as refused:
            await goals.add(GUILD, MENTEE, "\u200b")
        assert "“你的目标”" in refused.value.message, "the field is named in her language"
        cleared = await goals.edit(GUILD, MENTEE, 1, "带领团队", "无")
        assert cleared.target_date is None
        [part] = await goals.export_member(GUILD, MENTEE)
    assert part.about.startswith("你用自己的话写下的目标")
    assert part.content == [
        {
            "Number": 1,
            "Goal": "带领团队",
            "Target date": None,
            "Status": "open",
            "Written": "通过 /goal 添加",
            "Added at": part.content[0]["Added at"],  # type: ignore[index]
            "Done at": None,
        }
    ]
    with pytest.raises(UserError, match="That goal is 1,234 characters; please keep it to 200"):
        await goals.add(GUILD, MENTEE, "x" * 1234)
