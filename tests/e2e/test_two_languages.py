"""The whole journey in two languages, as issue "Two languages" describes it: Mei, whose
Discord speaks Simplified Chinese, joins and signs up on the screens (no shortcut: the
language question offers her client's language first), is introduced to Max, an English
mentor, gets her check-in and her session's prompts in Chinese, while Max reads English
throughout. Every payload passes the fake Discord's limits in both languages."""

from __future__ import annotations

import json
from typing import Any

from bot.app import MentorBot
from tests.e2e.support.checkins import MONDAY_0900, fire, sign_up
from tests.e2e.support.matching import introduce
from tests.e2e.support.screens import choose, footer, offered, start_from_the_welcome, write_in
from tests.e2e.support.sessions import log, session_threads
from tests.fakediscord import FakeDiscord, Guild, Thread, User

BOTH = "Write my reflection / 写我的反思"


async def signs_up_in_chinese(fake: FakeDiscord, bot: MentorBot, guild: Guild) -> User:
    mei = fake.world.add_user("mei")
    mei.locale = "zh-CN"
    screen = await start_from_the_welcome(fake, guild, mei)
    assert "第 1 步" in footer(screen) and offered(screen) == {"en": False, "zh-CN": True}
    screen = await choose(fake, mei, screen, "zh-CN")
    screen = await choose(fake, mei, screen, "mentee")
    screen = await choose(fake, mei, screen, "leadership")
    screen = await write_in(fake, mei, screen, "回答", {"goals": "带好我的第一个团队", "bio": ""})
    screen = await choose(fake, mei, screen, "3-5")
    screen = await write_in(fake, mei, screen, "回答", {"timezone": "Europe/London"})
    # Her check-in time in her own words: a Chinese weekday and hour.
    screen = await write_in(
        fake, mei, screen, "回答", {"checkin.day": "周一", "checkin.time": "上午9点"}
    )
    summary = await choose(fake, mei, screen, "agree")
    assert "你已报名" in summary.text and "Here is what you told us" not in summary.text
    assert await bot.services.languages.of_member(guild.id, mei.id) == "zh-CN"
    return mei


async def test_a_chinese_mentee_and_her_english_mentor_each_read_their_own(
    fake: FakeDiscord, ready: MentorBot, guild: Guild, users: dict[str, User], clock: Any
) -> None:
    mei = await signs_up_in_chinese(fake, ready, guild)
    max_ = await sign_up(ready, fake, guild, "max", role="mentor")
    assert await ready.services.languages.of_member(guild.id, max_.id) == "en"

    # The introduction: each DM in its reader's language, the shared thread in both.
    intro = await introduce(fake, guild, users["director"], mei, max_)
    to_mei = await fake.wait_for_dm(mei, lambda m: "你有了一位新导师" in m.text)
    to_max = await fake.wait_for_dm(max_, lambda m: "You have a new mentee" in m.text)
    assert "You have a new" not in to_mei.text and "导师" not in to_max.text
    greeting = fake.messages(intro)[0].text
    assert greeting.index("👋 Welcome") < greeting.index("👋 欢迎")

    # Her Monday 09:00 check-in, in Chinese, with her goal as she wrote it.
    clock.set(MONDAY_0900)
    await fire(ready)
    prompt = await fake.wait_for_dm(mei, lambda m: "打卡 ·" in m.text)
    assert "这周你的目标进展如何？" in prompt.text and "带好我的第一个团队" in prompt.text
    assert "How are your goals going" not in prompt.text
    assert prompt.button_labels[1:4] == ["进展顺利", "遇到困难", "已完成"]

    # Her session: her answer in Chinese, the thread in both, each form in its reader's.
    reply = await (await log(fake, mei, guild, topic="第一次见面")).answer()
    assert "第 1 次会面" in reply.text and "Logged" not in reply.text

    def made() -> Thread | None:
        threads = session_threads(fake, guild)
        found = threads and any(BOTH in m.button_labels for m in fake.messages(threads[0]))
        return threads[0] if found else None

    thread = await fake.wait_until(made, what="the session thread with its prompt")
    first = next(m for m in fake.messages(thread) if BOTH in m.button_labels)
    assert "这是你们第 1 次会面的私密讨论串" in first.text
    assert "this is the private thread for your session 1" in first.text
    for reader, mine, other in (
        (mei, "哪些内容让你印象深刻？", "What stood out"),
        (max_, "Reflect on session 1", "反思第 1 次会面"),
    ):
        opened = await fake.click(reader, first, BOTH)
        await opened.response()
        form = json.dumps(opened.modal, ensure_ascii=False)
        assert mine in form and other not in form, (reader.name, form)
    fit = await fake.wait_for_dm(mei, lambda m: "和导师相处得怎么样？" in m.text)
    assert fit.button_labels == ["很合适", "还在观察", "不太合适"]
