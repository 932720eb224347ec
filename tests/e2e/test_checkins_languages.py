"""Check-ins and goals in each member's language: a Chinese mentee and an English one in the
same burst of prompts, answers and notes answered in Chinese, the mentor told in English,
Chinese weekdays and refusals, plural forms. Goal titles at their longest, in Chinese, keep
every message inside Discord's limits (the fake Discord refuses an oversize payload)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from bot.app import MentorBot
from bot.services.goals import TITLE_MAX
from tests.e2e.support.checkins import MONDAY_0900, fire, is_prompt, sign_up, wait_sent
from tests.e2e.support.screens import settled
from tests.fakediscord import FakeDiscord, Guild, Message, User

LONG = ("带领我的第一个团队完成季度目标并且" * 20)[: TITLE_MAX - 2]
GOALS_ZH = "\n".join(f"{n}{LONG}" for n in range(1, 6))  # five goals: two pages


def is_prompt_zh(message: Message) -> bool:
    return "打卡 ·" in message.text


def answer_button(message: Message, row: int, status: str) -> str:
    """The custom id of the `status` answer on the prompt's `row`-th goal row."""
    buttons = message.components[row]["components"]
    return next(str(b["custom_id"]) for b in buttons if str(b["custom_id"]).endswith(status))


async def chinese(bot: MentorBot, guild: Guild, user: User) -> User:
    await bot.services.languages.set_member(guild.id, user.id, "zh-CN")
    return user


async def test_a_burst_speaks_to_each_mentee_in_their_language(
    fake: FakeDiscord, ready: MentorBot, guild: Guild, users: dict[str, User], clock: Any
) -> None:
    mei = await chinese(ready, guild, await sign_up(ready, fake, guild, "mei", goals=GOALS_ZH))
    ann = await sign_up(ready, fake, guild, "ann")
    mentor = await sign_up(ready, fake, guild, "max", role="mentor")
    await ready.services.matching.create_match(guild.id, mei.id, mentor.id, users["director"].id)

    clock.set(MONDAY_0900)
    await fire(ready)
    prompt = await fake.wait_for_dm(mei, is_prompt_zh)
    english = await fake.wait_for_dm(ann, is_prompt)
    assert "How are your goals going this week?" in english.text
    assert "On track" in english.button_labels and "打卡" not in english.text
    assert "这周你的目标进展如何？" in prompt.text and "How are" not in prompt.text
    assert prompt.button_labels[1:4] == ["进展顺利", "遇到困难", "已完成"]
    assert "添加备注" in prompt.button_labels and "下一页" in prompt.button_labels
    assert "第 1–4 个目标，共 5 个" in prompt.text
    assert "目标日期" not in prompt.text and "尚未回答" in prompt.text
    await wait_sent(ready, 2)

    # Her answers are shown in Chinese; Stuck tells her English mentor, in English.
    h = await fake.click(mei, prompt, custom_id=answer_button(prompt, 0, "stuck"))
    updated = await settled(fake, h, prompt, prompt.edits)
    assert "你的回答：🆘 遇到困难" in updated.text
    assert "已告诉你的导师你遇到了困难" in updated.text
    alert = await fake.wait_for_dm(mentor, lambda m: "is stuck" in m.text)
    assert "A short message from you" in alert.text and LONG[:50] in alert.text
    assert "遇到困难" not in alert.text.replace(LONG, "")

    # The next page, and a shared note through the modal, in Chinese.
    current = fake.world.find_message(prompt.id)
    assert current is not None
    h = await fake.click(mei, current, custom_id=current.button("下一页")["custom_id"])
    second = await settled(fake, h, current, current.edits)
    assert "第 5–5 个目标，共 5 个" in second.text
    note = next(b for b in second.buttons if b["custom_id"].startswith("mb:ci:note:"))
    opened = await fake.click(mei, second, custom_id=note["custom_id"])
    await opened.response()
    assert opened.modal is not None and opened.modal["title"] == "打卡备注"
    h = await fake.submit_modal(mei, opened, {"note": "场地还没找到", "share": ["share"]})
    noted = await settled(fake, h, second, second.edits)
    assert "你的备注已分享给导师" in noted.text
    assert "第 5–5 个目标" in noted.text, "the note keeps her on the page she was on"
    shared = await fake.wait_for_dm(mentor, lambda m: "Their note" in m.text, after=alert)
    assert "场地还没找到" in shared.text

    # The one reminder a day later is in Chinese too; the English mentee's in English.
    clock.set(MONDAY_0900 + timedelta(hours=24))
    await fire(ready)
    reminder = await fake.wait_for_dm(ann, lambda m: "gentle reminder" in m.text)
    assert f"/{english.channel_id}/{english.id}" in reminder.text
    assert [m for m in fake.dms(mei) if "温馨提醒" in m.text] == [], "she answered"


async def test_a_chinese_reminder_and_history_with_plural_forms(
    fake: FakeDiscord, ready: MentorBot, guild: Guild, clock: Any
) -> None:
    mei = await chinese(ready, guild, await sign_up(ready, fake, guild, "mei"))
    clock.set(MONDAY_0900)
    await fire(ready)
    prompt = await fake.wait_for_dm(mei, is_prompt_zh)
    await wait_sent(ready, 1)
    clock.set(MONDAY_0900 + timedelta(hours=24))
    await fire(ready)
    reminder = await fake.wait_for_dm(mei, lambda m: "温馨提醒" in m.text)
    assert f"/{prompt.channel_id}/{prompt.id}" in reminder.text and "在这里" in reminder.text

    mei.locale = "zh-CN"
    h = await fake.slash(mei, guild, "checkin history")
    history = (await h.answer()).text
    assert "最近 1 次打卡" in history and "等待你回答" in history
    ann = await sign_up(ready, fake, guild, "ann")
    clock.set(MONDAY_0900 + timedelta(weeks=1))
    await fire(ready)
    await wait_sent(ready, 3)
    h = await fake.slash(ann, guild, "checkin history")
    assert "1 recent check-in." in (await h.answer()).text
    h = await fake.slash(mei, guild, "checkin history")
    assert "最近 2 次打卡" in (await h.answer()).text

    h = await fake.slash(ann, guild, "goal list")
    assert "2 open goals." in (await h.answer()).text
    h = await fake.slash(ann, guild, "goal done", goal="Speak at a meetup")
    await h.answer()
    h = await fake.slash(ann, guild, "goal list")
    assert "1 open goal." in (await h.answer()).text
    h = await fake.slash(mei, guild, "goal list")
    assert "2 个进行中的目标" in (await h.answer()).text


async def test_a_chinese_client_schedules_by_chinese_weekday_and_is_refused_in_chinese(
    fake: FakeDiscord, ready: MentorBot, guild: Guild, clock: Any
) -> None:
    lin = await sign_up(ready, fake, guild, "lin")
    # She signed up before the language question existed: no stored choice, so her
    # client's language answers.
    await ready.db.execute("UPDATE members SET language = NULL WHERE user_id = ?", (lin.id,))
    lin.locale = "zh-CN"

    # The day choice shows 星期三 in her client; its value is the same for everyone.
    checkin = next(c for c in fake.commands() if c["name"] == "checkin")
    schedule = next(o for o in checkin["options"] if o["name"] == "schedule")
    day = next(o for o in schedule["options"] if o["name"] == "day")
    wednesday = next(c for c in day["choices"] if c["name"] == "Wednesday")
    assert wednesday["name_localizations"]["zh-CN"] == "星期三"
    h = await fake.slash(lin, guild, "checkin schedule", day=wednesday["value"], time="6pm")
    reply = (await h.answer()).text
    due = datetime(2026, 11, 4, 18, 0, tzinfo=UTC)
    assert "🗓️ 已保存。" in reply and "每**星期三** **18:00**（Europe/London）。" in reply
    assert f"<t:{int(due.timestamp())}:F>" in reply

    h = await fake.slash(lin, guild, "checkin pause", until="2026年11月20日")
    paused = (await h.answer()).text
    assert "⏸️ 已暂停：2026年11月20日 周五 之前不会有打卡。" in paused
    h = await fake.slash(lin, guild, "checkin resume")
    assert "▶️ 欢迎回来！" in (await h.answer()).text

    # A check-in she asks for follows her client, as the answer to her command does.
    h = await fake.slash(lin, guild, "checkin now")
    assert "📬 你的打卡已发到你的私信" in (await h.answer()).text
    asked = await fake.wait_for_dm(lin, is_prompt_zh)
    assert "你的目标进展如何？" in asked.text and "How are" not in asked.text

    # A date she can't have meant, a date in the past: refused in Chinese.
    h = await fake.slash(lin, guild, "goal add", title="学会 SQL", target_date="2月30日")
    refusal = (await h.answer()).text
    assert h.ephemeral and refusal == "“2月30日”不是有效日期：二月最多有 29 天。"
    h = await fake.slash(lin, guild, "goal add", title="学会 SQL", target_date="31/12")
    assert "我分不清“31/12”中哪个是日、哪个是月" in (await h.answer()).text
    h = await fake.slash(lin, guild, "goal add", title="学会 SQL", target_date="2026-01-01")
    assert "2026-01-01 已经过去了" in (await h.answer()).text
    h = await fake.slash(lin, guild, "goal add", title="学会 SQL", target_date="明天")
    added = (await h.answer()).text
    assert "🎯 已添加你的目标 “学会 SQL”（目标日期 2026年11月3日 周二）" in added

    # Her English-client mentor-to-be is refused in English, whatever she reads.
    mentor = await sign_up(ready, fake, guild, "max", role="mentor")
    h = await fake.slash(mentor, guild, "goal add", title="Learn SQL")
    assert "Goals and check-ins are for mentees." in (await h.answer()).text


async def test_closed_dms_get_a_chinese_thread_and_help(
    fake: FakeDiscord, ready: MentorBot, guild: Guild, clock: Any
) -> None:
    hal = await chinese(
        ready, guild, await sign_up(ready, fake, guild, "hal", goals=GOALS_ZH, dms_closed=True)
    )
    clock.set(MONDAY_0900)
    await fire(ready)
    channel = guild.channel("checkins")
    thread = (await fake.wait_until(lambda: fake.threads(channel), what="a fallback thread"))[0]
    prompt = await fake.wait_for_message(thread, is_prompt_zh)
    assert thread.name == "打卡 · hal"
    help_message = fake.messages(thread)[0]
    assert "隐私设置" in help_message.text and help_message.button_labels == ["我已开启私信"]
    assert "你关闭了与我的私信" in prompt.text
    h = await fake.click(hal, prompt, custom_id=answer_button(prompt, 1, "on_track"))
    updated = await settled(fake, h, prompt, prompt.edits)
    assert "你的回答：✅ 进展顺利" in updated.text
    h = await fake.click(hal, help_message, "我已开启私信")
    assert "下次打卡我会先试着发私信给你" in (await h.answer()).text
