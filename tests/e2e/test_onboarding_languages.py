"""Signing up in English or Simplified Chinese: the language question comes first, offers
the member's Discord language, and every later screen speaks the language chosen."""

from __future__ import annotations

from pathlib import Path

from bot.app import MentorBot
from tests.e2e.support.live import bot_env, run_bot
from tests.e2e.support.screens import (
    choose,
    footer,
    offered,
    settled,
    start_from_the_welcome,
    write_in,
)
from tests.fakediscord import FakeDiscord, Guild, User

SHIPPED = Path(__file__).resolve().parents[2] / "data" / "questionnaire.toml"
ENGLISH_LEFTOVERS = ("Step ", "Press **", "Here is what you told us", "Mentee or mentor?", "Your")


async def test_a_chinese_client_signs_up_in_chinese(
    fake: FakeDiscord, ready: MentorBot, guild: Guild
) -> None:
    mei = fake.world.add_user("mei")
    mei.locale = "zh-CN"
    screen = await start_from_the_welcome(fake, guild, mei)
    assert "第 1 步" in footer(screen) and "语言" in screen.text
    assert offered(screen) == {"en": False, "zh-CN": True}, "their Discord language first"
    assert not any(leftover in screen.text for leftover in ENGLISH_LEFTOVERS), screen.text

    screen = await choose(fake, mei, screen, "zh-CN")
    assert "第 2 步" in footer(screen) and "学员还是导师？" in screen.text
    assert await ready.services.languages.of_member(guild.id, mei.id) == "zh-CN"
    screen = await choose(fake, mei, screen, "mentee")
    screen = await choose(fake, mei, screen, "leadership", "data")
    assert "点击 **回答**" in screen.text
    opened = await fake.click(mei, screen, "回答")
    await opened.response()
    assert opened.modal is not None and opened.modal["title"] == "导师计划报名"
    screen = await write_in(fake, mei, screen, "回答", {"goals": "学会带团队", "bio": "你好"})
    screen = await choose(fake, mei, screen, "3-5")
    screen = await write_in(fake, mei, screen, "回答", {"timezone": "Asia/Shanghai"})
    screen = await write_in(
        fake, mei, screen, "回答", {"checkin.day": "Monday", "checkin.time": "9am"}
    )
    assert "隐私说明" in screen.text
    summary = await choose(fake, mei, screen, "agree")

    assert "你已报名" in summary.text and "以下是你告诉我们的内容" in summary.text
    assert (
        "学员" in summary.text and "领导力、数据" in summary.text and "学会带团队" in summary.text
    )
    assert summary.button_labels == ["修改"]
    assert "Here is what you told us" not in summary.text and "Leadership" not in summary.text
    record = await ready.services.onboarding.get(guild.id, mei.id)
    assert record is not None and record.status == "onboarded"
    assert record.answers["language"] == "zh-CN" and record.language == "zh-CN"


async def test_an_english_client_picking_chinese_switches_at_once(
    fake: FakeDiscord, ready: MentorBot, guild: Guild
) -> None:
    tom = fake.world.add_user("tom")
    screen = await start_from_the_welcome(fake, guild, tom)
    assert "Step 1 of" in footer(screen) and "Which language" in screen.text
    assert offered(screen) == {"en": True, "zh-CN": False}
    screen = await choose(fake, tom, screen, "zh-CN")
    assert "第 2 步" in footer(screen) and "学员还是导师？" in screen.text
    assert "Mentee or mentor?" not in screen.text
    assert await ready.services.languages.of_member(guild.id, tom.id) == "zh-CN"
    # A refusal is in the language chosen too.
    screen = await choose(fake, tom, screen, "mentee")
    screen = await write_in(
        fake,
        tom,
        await choose(fake, tom, screen, "design"),
        "回答",
        {
            "goals": "x" * 201,
            "bio": "",
        },
    )
    assert "⚠️" in screen.text and "第 1 个目标" in screen.text, screen.text


async def test_profile_edit_changes_the_language_back_to_english(
    fake: FakeDiscord, ready: MentorBot, guild: Guild, users: dict[str, User]
) -> None:
    alice = users["alice"]
    alice.locale = "zh-CN"
    alice.dms_closed = True
    screen = await (await fake.slash(alice, guild, "onboarding start")).answer()
    assert "你的私信已关闭" in screen.text
    screen = await choose(fake, alice, screen, "zh-CN")
    screen = await choose(fake, alice, screen, "mentor")
    screen = await choose(fake, alice, screen, "engineering")
    screen = await choose(fake, alice, screen, "2")
    screen = await write_in(fake, alice, screen, "回答", {"bio": ""})
    screen = await choose(fake, alice, screen, "10+")
    screen = await write_in(fake, alice, screen, "回答", {"timezone": "Asia/Shanghai"})
    screen = await write_in(
        fake, alice, screen, "回答", {"checkin.day": "fri", "checkin.time": "18:00"}
    )
    summary = await choose(fake, alice, screen, "agree")
    assert "你已报名" in summary.text

    picker = await (await fake.slash(alice, guild, "profile edit")).answer()
    assert "你想修改哪个回答？" in picker.text
    screen = await choose(fake, alice, picker, "language")
    assert "修改一个回答" in footer(screen)
    assert offered(screen) == {"en": False, "zh-CN": True}, "the current choice is shown"
    summary = await choose(fake, alice, screen, "en")
    assert "Here is what you told us" in summary.text and "You're signed up" in summary.text
    assert "你已报名" not in summary.text and "Mentor" in summary.text
    assert await ready.services.languages.of_member(guild.id, alice.id) == "en"
    own = await (await fake.slash(alice, guild, "profile view")).answer()
    assert "Mentee or mentor?" in own.text and "Engineering" in own.text


async def test_the_welcome_dm_is_in_the_servers_language(
    fake: FakeDiscord, ready: MentorBot, guild: Guild
) -> None:
    await ready.db.execute(
        "UPDATE guild_settings SET language = 'zh-CN' WHERE guild_id = ?", (guild.id,)
    )
    ann = fake.world.add_user("ann")  # an English Discord client: no choice made yet
    await fake.member_join(guild, ann)
    welcome = await fake.wait_for_dm(ann)
    assert welcome.button_labels == ["开始"]
    assert "导师计划报名" in welcome.text and "你的隐私" in welcome.text
    assert "Your privacy" not in welcome.text
    # Pressing Start answers in her own Discord language, and offers it first.
    h = await fake.click(ann, welcome, "开始")
    screen = await settled(fake, h, welcome, welcome.edits)
    assert "Step 1 of" in footer(screen) and offered(screen)["en"]


WRONG_TOKEN = "MTEwMDAwMDAwMDAwMDAwMDAwMg.GabcDE.zzzzzzzzzzzzzzzzzzzzzzzzzzzzzz"


async def test_an_untranslated_questionnaire_starts_with_one_warning(
    fake: FakeDiscord, tmp_path: Path
) -> None:
    """A file from before Chinese: `python -m bot` says once what is left in English, and
    goes on (here to Discord, which refuses the token: the one way this test ends)."""
    english = tmp_path / "questionnaire.toml"
    english.write_text(
        '[questionnaire]\ntitle = "Sign-up"\nwelcome = "Hello!"\n'
        'privacy_notice = { en = "We store your answers.", zh-CN = "我们会保存你的回答。" }\n'
        + SHIPPED.read_text(encoding="utf-8")
        .split("\n# --- Built-in: mentee or mentor", 1)[1]
        .split("\n", 1)[1],
        encoding="utf-8",
    )
    done = await run_bot(
        env=bot_env(
            tmp_path / "data" / "bot.sqlite3",
            DISCORD_TOKEN=WRONG_TOKEN,
            QUESTIONNAIRE_PATH=str(english),
        ),
        cwd=tmp_path,
        port=fake.port,
    )
    warnings = [line for line in done.err_lines if line.startswith("mentorbot: warning:")]
    assert len(warnings) == 1, done.stderr
    assert f"{english}: 2 texts have no zh-CN translation" in warnings[0]
    assert "(in [questionnaire]);" in warnings[0]
    assert "Discord rejected DISCORD_TOKEN" in done.stderr, "it went on to start"
