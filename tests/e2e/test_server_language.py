"""Who reads which language on the common paths: `/setup language` for directors' screens and
the director log, refusals and apologies in the member's language (their stored choice, else
their Discord client's)."""

from __future__ import annotations

import pytest

from bot.app import MentorBot
from bot.i18n import language
from bot.tree import NOT_A_DIRECTOR
from tests.e2e.support.checkins import sign_up
from tests.fakediscord import FakeDiscord, Guild, Message, User


def _chinese(text: object) -> str:
    with language("zh-CN"):
        return str(text)


def _log(fake: FakeDiscord, guild: Guild) -> list[Message]:
    return fake.messages(guild.channel("director-log"))


async def test_setup_language_puts_directors_screens_and_the_log_in_chinese(
    fake: FakeDiscord, ready: MentorBot, guild: Guild, users: dict[str, User]
) -> None:
    director = users["director"]  # an English Discord client: the server's language wins
    assert (await ready.services.settings.get(guild.id)).language == "en"
    before = (await (await fake.slash(director, guild, "setup show")).answer()).text
    assert "Everything the bot needs is in place." in before
    assert "English: directors' screens and the director log" in before

    h = await fake.slash(director, guild, "setup language", language="zh-CN")
    saved = await h.answer()
    assert h.ephemeral
    assert "已保存。负责人界面和负责人日志现在使用 简体中文。" in saved.text
    assert (await ready.services.settings.get(guild.id)).language == "zh-CN"
    audited = await ready.db.fetchval(
        "SELECT detail FROM audit_log WHERE guild_id = ? AND action = 'settings.change' "
        "ORDER BY id DESC LIMIT 1",
        (guild.id,),
    )
    assert audited == "language zh-CN"

    line = f"🌐 <@{director.id}> 将负责人界面和本日志的语言设为 简体中文。"
    await fake.wait_until(lambda: any(m.text == line for m in _log(fake, guild)), what="line")

    shown = await (await fake.slash(director, guild, "setup show")).answer()
    [embed] = shown.embeds
    assert embed["title"] == "Mentoring Circle 的 mentorbot 设置"
    assert "机器人所需的一切都已就绪。" in shown.text
    assert "简体中文：负责人界面和负责人日志（`/setup language`）" in shown.text
    assert "机器人可以授予此身份组。" in shown.text
    assert "Everything the bot needs" not in shown.text

    # A line another part of the bot records is written in the server's language too.
    rosa = await sign_up(ready, fake, guild, "rosa")
    signed = f"✅ <@{rosa.id}> 已报名成为学员。"
    await fake.wait_until(lambda: any(m.text == signed for m in _log(fake, guild)), what="line")

    # Back to English: the answer and what follows are English again.
    h = await fake.slash(director, guild, "setup language", language="en")
    assert (
        "Saved. Directors' screens and the director log are now in English."
        in (await h.answer()).text
    )
    back = f"🌐 <@{director.id}> set the language of directors' screens and this log to English."
    await fake.wait_until(lambda: any(m.text == back for m in _log(fake, guild)), what="line")


async def test_setup_answers_in_chinese_with_the_health_problems_and_refusals(
    fake: FakeDiscord, ready: MentorBot, guild: Guild, users: dict[str, User]
) -> None:
    director = users["director"]
    await (await fake.slash(director, guild, "setup language", language="zh-CN")).answer()
    bot_role = guild.bot_role()
    assert bot_role is not None
    await fake.update_role(guild.role("Mentor"), position=bot_role.position + 1)

    text = (await (await fake.slash(director, guild, "setup show")).answer()).text
    assert "1 个问题，0 个警告。" in text
    assert "@Mentor（导师身份组）" in text
    assert "服务器设置 → 身份组：把 @mentorbot 拖到 @Mentor 之上。" in text

    h = await fake.slash(
        director,
        guild,
        "setup roles",
        director=guild.role("Director"),
        mentor=guild.role("Mentee"),
        mentee=guild.role("Mentee"),
    )
    assert (await h.answer()).text == "导师和学员必须是两个不同的身份组。"


async def test_a_member_with_a_chinese_client_is_refused_in_chinese(
    fake: FakeDiscord, ready: MentorBot, guild: Guild, users: dict[str, User]
) -> None:
    alice = users["alice"]
    alice.locale = "zh-CN"
    refused = await fake.slash(alice, guild, "cohort status")
    reply = await refused.answer()
    assert refused.ephemeral
    assert reply.text == _chinese(NOT_A_DIRECTOR)
    assert "只有计划负责人可以使用此功能" in reply.text

    # Not a director's screen: a refusal for lacking Manage Server is in her language too,
    # whatever the server's language.
    await (await fake.slash(users["director"], guild, "setup language", language="en")).answer()
    h = await fake.slash(alice, guild, "setup show")
    assert (await h.answer()).text == "你需要 **管理服务器** 权限才能使用此命令。"


async def test_a_bug_is_apologised_for_in_the_members_language(
    fake: FakeDiscord,
    bot: MentorBot,
    guild: Guild,
    users: dict[str, User],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    async def broken(guild_id: int) -> None:
        raise RuntimeError("database on fire")

    monkeypatch.setattr(bot.services.settings, "get", broken)
    director = users["director"]
    director.locale = "zh-CN"
    h = await fake.slash(director, guild, "setup show")
    reply = await h.answer()
    assert h.ephemeral
    assert reply.text == "抱歉，我们这边出了问题，你的请求没有完成。问题已记录，请稍后再试。"


async def test_a_members_stored_choice_wins_over_their_client(
    fake: FakeDiscord, ready: MentorBot, guild: Guild, users: dict[str, User]
) -> None:
    alice, bob = users["alice"], users["bob"]
    for user, chosen in ((alice, "en"), (bob, "zh-CN")):
        await ready.db.execute(
            "INSERT INTO members (guild_id, user_id, status, answers, language, updated_at) "
            "VALUES (?, ?, 'onboarding', '{}', ?, '2026-01-01T00:00:00.000000+00:00')",
            (guild.id, user.id, chosen),
        )
    alice.locale = "zh-CN"  # chose English at sign-up
    bob.locale = "en-US"  # chose Chinese at sign-up
    english = await (await fake.slash(alice, guild, "cohort status")).answer()
    assert english.text == str(NOT_A_DIRECTOR)
    chinese = await (await fake.slash(bob, guild, "cohort status")).answer()
    assert chinese.text == _chinese(NOT_A_DIRECTOR)
    # Nobody chose for carol: her client's language answers her.
    carol = fake.world.add_user("carol")
    guild.add_member(carol)
    carol.locale = "zh-CN"
    reply = await (await fake.slash(carol, guild, "cohort status")).answer()
    assert reply.text == _chinese(NOT_A_DIRECTOR)
