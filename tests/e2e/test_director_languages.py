"""Director tools and privacy in two languages, end to end: a server whose language is
Simplified Chinese runs its cohort in Chinese (status with its chart, members pages, close),
while each member told about the cohort reads their own language; a member whose Discord
speaks Chinese deletes their data in Chinese. The fake Discord refuses any payload over
Discord's limits, so every screen here also fits in Chinese."""

from __future__ import annotations

import io
import json

from PIL import Image

from bot.app import MentorBot
from bot.i18n import Language
from bot.reports.chart import CHART_DPI, CHART_SIZE
from tests.e2e.support.cohort import START, member, png_size, slash
from tests.e2e.support.matching import introduce, introduced_pair
from tests.e2e.support.waiting import wait_for_change
from tests.fakediscord import FakeDiscord, Guild, User
from tests.support import FakeClock

CHART_WAIT = 30.0
"""Seconds: the first chart starts its worker process, which loads matplotlib and a font
with Chinese characters (a few seconds on a busy machine)."""


async def server_speaks(bot: MentorBot, guild: Guild, lang: Language) -> None:
    """The server's language for directors, stored as `/setup language` stores it."""
    await bot.services.settings.set_language(guild.id, lang, actor_id=guild.owner_id)


async def forget_language(bot: MentorBot, guild: Guild, user: User) -> None:
    """A member who signed up before the language question existed has no stored choice."""
    await bot.db.execute(
        "UPDATE members SET language = NULL WHERE guild_id = ? AND user_id = ?",
        (guild.id, user.id),
    )


async def test_a_chinese_server_runs_its_cohort_in_chinese(
    fake: FakeDiscord,
    ready: MentorBot,
    guild: Guild,
    users: dict[str, User],
    clock: FakeClock,
) -> None:
    bot, director = ready, users["director"]
    clock.set(START)
    await server_speaks(bot, guild, "zh-CN")
    alice = await member(bot, fake, guild, "alice", "mentee")
    bob = await member(bot, fake, guild, "bob", "mentor", capacity=2)
    carl = await member(bot, fake, guild, "carl", "mentee")
    await bot.services.languages.set_member(guild.id, alice.id, "zh-CN")
    await bot.services.languages.set_member(guild.id, bob.id, "en")
    # Carl chose nothing (he signed up before the language question existed): a message
    # that is not an answer to him is in the server's language.
    await forget_language(bot, guild, carl)

    # The director's client is English; directors' screens follow the server.
    assert director.locale == "en-US"
    created = await slash(
        fake, director, guild, "cohort create", name="Autumn 2026", start="2026-11-02"
    )
    assert "✅ **Autumn 2026** 已开启，自 2026年11月2日 周一 起。" in created.text
    assert "3 位已报名的成员立即加入了本期；其中 3 位已通过私信收到通知。" in created.text
    await fake.wait_for_dm(alice, lambda m: "你已加入 Autumn 2026" in m.text)
    await fake.wait_for_dm(carl, lambda m: "你已加入 Autumn 2026" in m.text)
    told_bob = await fake.wait_for_dm(bob, lambda m: "You're in Autumn 2026" in m.text)
    assert "has opened, and you're part of it" in told_bob.text
    await fake.wait_for_message(
        guild.channel("director-log"),
        lambda m: f"<@{director.id}> 开启了新一期 — Autumn 2026，自 2026-11-02 起；3 位" in m.text,
    )

    await introduce(fake, guild, director, alice, bob)
    choices = await fake.autocomplete(
        director, guild, "cohort status", option="cohort", value="aut"
    )
    assert [c["name"] for c in choices] == ["Autumn 2026 · 进行中 · 自 2026年11月2日 周一 起"]
    answer = await (await fake.slash(director, guild, "cohort status")).answer()
    assert answer.ephemeral
    status = await fake.wait_until(
        lambda: (m := fake.world.find_message(answer.id)) and m.attachments and m,
        timeout=CHART_WAIT,
        what="the chart",
    )
    text = status.text
    assert "📊 Autumn 2026 · 本期概况" in text
    assert "**3** 人加入" in text
    assert "**3** 人完成报名 · 占加入人数的 100%" in text
    assert "**1** 人已匹配 · 2 位学员中 1 位" in text
    assert "**1** 人已介绍 · 占已匹配的 100%" in text
    assert "**2** 位学员 · **1** 位导师\n**0** 人仍在报名" in text
    assert "**1** / 2（50%）\n**1** 人未匹配" in text
    assert "**1** / 2 个名额（50%）\n**1** 个空余名额" in text
    assert "还没有可统计的打卡" in text
    assert "**0** 次会面 · **0 小时**" in text
    assert "需要关注 · 0" in text and "目前没有需要关注的成员。🎉" in text
    assert "仅你可见。" in text and "第 1 周" in text
    assert [a.filename for a in status.attachments] == ["cohort-status.png"]
    png = status.attachments[0].content
    assert png_size(png) == (round(CHART_SIZE[0] * CHART_DPI), round(CHART_SIZE[1] * CHART_DPI))
    with Image.open(io.BytesIO(png)) as image:
        image.verify()

    unmatched = await slash(fake, director, guild, "cohort members", filter="unmatched")
    assert "👥 Autumn 2026 · 未匹配的学员" in unmatched.text
    assert f"<@{carl.id}> · 学员 · 未匹配" in unmatched.text
    assert "第 1–1 位，共 1 位 · 仅你可见" in unmatched.text
    assert unmatched.button_labels == ["◀ 上一页", "下一页 ▶"]
    mentors = await slash(fake, director, guild, "cohort members", filter="mentors_with_capacity")
    assert "导师 · 1/2 个名额" in mentors.text

    exported = await slash(fake, director, guild, "cohort export")
    assert "📄 **Autumn 2026**：每周数据" in exported.text
    head = exported.attachments[0].text.lstrip("\ufeff").splitlines()[0]
    assert head == "figure,value", "the file's headers are the same in every language"

    asked = await slash(fake, director, guild, "cohort close")
    assert "结束 Autumn 2026？" in asked.text
    assert asked.button_labels == ["结束本期", "继续进行"]
    done = await (await fake.click(director, asked, "结束本期")).answer()
    done = await wait_for_change(fake, done, lambda m: "感谢私信" in m.text, "the close")
    assert "3 位成员中有 3 位已收到感谢私信。" in done.text
    thanks = await fake.wait_for_dm(alice, lambda m: "Autumn 2026 已结束" in m.text)
    assert "感谢你为自己的目标付出的努力。" in thanks.text
    thanks = await fake.wait_for_dm(bob, lambda m: "Autumn 2026 has ended" in m.text)
    assert "Thank you for the time and care you gave your mentees." in thanks.text
    await fake.wait_for_dm(carl, lambda m: "Autumn 2026 已结束" in m.text)
    refused = await slash(fake, director, guild, "cohort close")
    assert "没有进行中的一期可以结束。" in refused.text


async def test_members_pages_turn_in_the_servers_language(
    fake: FakeDiscord,
    ready: MentorBot,
    guild: Guild,
    users: dict[str, User],
    clock: FakeClock,
) -> None:
    director = users["director"]
    clock.set(START)
    await server_speaks(ready, guild, "zh-CN")
    for n in range(11):
        await member(ready, fake, guild, f"mentee{n:02}", "mentee")
    await slash(fake, director, guild, "cohort create", name="Big", start="today")
    listing = await slash(fake, director, guild, "cohort members")
    assert "👥 Big · 全部成员" in listing.text and "第 1–10 位，共 11 位" in listing.text

    await fake.click(director, listing, "下一页 ▶")
    page = await wait_for_change(
        fake, listing, lambda m: "第 11–11 位，共 11 位" in m.text, "the second page"
    )
    assert "学员 · 未匹配" in page.text
    previous = next(b for b in page.buttons if b["label"] == "◀ 上一页")
    assert not previous.get("disabled")
    # The same server's director log and screens in English once the server says so.
    await server_speaks(ready, guild, "en")
    await fake.click(director, page, "◀ 上一页")
    await wait_for_change(fake, page, lambda m: "1–10 of 11" in m.text, "the first page")


async def test_a_member_whose_discord_speaks_chinese_deletes_their_data_in_chinese(
    fake: FakeDiscord, ready: MentorBot, guild: Guild, users: dict[str, User]
) -> None:
    alice, bob, _director, _thread = await introduced_pair(fake, ready, guild, users)
    await forget_language(ready, guild, alice)  # no choice stored: her client's language
    alice.locale = "zh-CN"
    await fake.set_member_roles(guild, alice, [guild.role("Mentee")])

    exported = await (await fake.slash(alice, guild, "privacy export")).answer()
    assert "📦 我已通过私信把你的数据副本发给你" in exported.text
    dm = await fake.wait_for_dm(alice, lambda m: bool(m.attachments))
    assert f"你的数据 · {guild.name}" in dm.text
    data = json.loads(dm.attachments[0].text)
    assert data["About this file"].startswith("mentorbot 在一个服务器中保存的关于你的全部数据")
    assert data["Your Discord id"] == str(alice.id), "the keys are the same in every language"

    screen = await (await fake.slash(alice, guild, "privacy delete")).answer()
    text = screen.text
    assert f"删除你在 {guild.name} 的数据？" in text and "无法撤销" in text
    assert "你的 1 个目标" in text
    assert f"你与 <@{bob.id}> 的匹配将结束：会告知对方匹配结束，但不会说明原因" in text
    keep = ready.settings.backup_keep
    assert f"机器人保留最近 {keep} 份每日备份" in text
    assert "仅你可见。按钮在 15 分钟内有效。" in text
    assert screen.button_labels == ["删除我的数据", "保留我的数据"]

    done = await (await fake.click(alice, screen, "删除我的数据")).answer()
    done = await wait_for_change(fake, done, lambda m: "的数据已删除" in m.text, "the outcome")
    assert f"你在 {guild.name} 的数据已删除" in done.text and "你的 1 个目标" in done.text
    assert f"你与 <@{bob.id}> 的匹配已结束" in done.text
    # Bob's client and the server are English: so are his notice and the director log.
    await fake.wait_for_dm(bob, lambda m: "Your match has ended" in m.text)
    await fake.wait_for_message(
        guild.channel("director-log"), lambda m: "a member left the programme" in m.text
    )


async def test_a_chinese_server_hears_of_a_deletion_in_chinese(
    fake: FakeDiscord, ready: MentorBot, guild: Guild, users: dict[str, User]
) -> None:
    alice, bob, _director, _thread = await introduced_pair(fake, ready, guild, users)
    await server_speaks(ready, guild, "zh-CN")
    await ready.services.languages.set_member(guild.id, bob.id, "en")
    screen = await (await fake.slash(alice, guild, "privacy delete")).answer()
    assert "Delete my data" in screen.button_labels, "Alice's own client is English"
    await (await fake.click(alice, screen, "Delete my data")).answer()
    line = await fake.wait_for_message(
        guild.channel("director-log"), lambda m: "因一位成员退出计划" in m.text
    )
    assert f"已告知 <@{bob.id}>（导师）匹配已结束。" in line.text
    await fake.wait_for_dm(bob, lambda m: "Your match has ended" in m.text)
