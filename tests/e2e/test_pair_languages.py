"""A pair who read different languages: Alice, the mentee, chose Simplified Chinese; Bob,
her mentor, reads English. Each is written to in their own language, the threads both
read carry both, and directors read the server's language. Every payload passes the fake
Discord's limits, so the Chinese and the two-language posts fit too."""

from __future__ import annotations

import json
from datetime import timedelta

from bot.app import MentorBot
from bot.i18n import Language
from tests.e2e.support.matching import fire, followups, introduce, sign_up_pair
from tests.e2e.support.sessions import bot_posts, click, log, reflect, session_threads
from tests.e2e.support.sessions import fire as fire_reminders
from tests.fakediscord import FakeDiscord, Guild, Message, Thread, User
from tests.support import FakeClock

WRITE_BOTH = "Write my reflection / 写我的反思"
BOB_SHARED = "BOB-SHARED: she asked sharp questions @everyone"


async def chinese_mentee(
    fake: FakeDiscord, bot: MentorBot, guild: Guild, users: dict[str, User]
) -> tuple[User, User, Thread]:
    """Alice (zh-CN client, Chinese chosen) introduced to Bob (English) by the director:
    (alice, bob, their introduction thread)."""
    alice, bob, director = users["alice"], users["bob"], users["director"]
    await sign_up_pair(bot, guild, alice, bob)
    alice.locale = "zh-CN"
    await bot.services.languages.set_member(guild.id, alice.id, "zh-CN")
    return alice, bob, await introduce(fake, guild, director, alice, bob)


async def test_the_introduction_and_follow_ups_reach_each_in_their_language(
    fake: FakeDiscord, ready: MentorBot, guild: Guild, users: dict[str, User], clock: FakeClock
) -> None:
    alice, bob, thread = await chinese_mentee(fake, ready, guild, users)

    to_alice = await fake.wait_for_dm(alice, lambda m: "你有了一位新导师" in m.text)
    to_bob = await fake.wait_for_dm(bob, lambda m: "You have a new mentee" in m.text)
    assert "You have a new" not in to_alice.text and "导师" not in to_bob.text
    assert "7 天后" in to_alice.text and "In 7 days" in to_bob.text

    # The thread both read carries both languages, English first.
    posted = fake.messages(thread)
    greeting = posted[0].text
    assert greeting.index("👋 Welcome") < greeting.index("👋 欢迎")
    assert posted[0].pinged_user_ids() == {alice.id, bob.id}
    everything = "\n".join(m.text for m in posted)
    assert "Suggested agenda for your first meeting" in everything
    assert "第一次见面的建议议程" in everything
    assert "Grow as alice" in everything, "what members wrote appears as they wrote it"

    # "Have you met yet?" a week later: Alice in Chinese, Bob in English.
    clock.advance(timedelta(days=7))
    await fire(ready)
    await fire(ready)
    (for_bob,) = followups(fake, bob)
    assert for_bob.button_labels == ["Yes", "Not yet", "Need help"]
    (for_alice,) = [m for m in fake.dms(alice) if "你们见过面了吗？" in m.text]
    assert for_alice.button_labels == ["是", "还没有", "需要帮助"]
    assert "Have you met" not in for_alice.text

    answered = await (await fake.click(alice, for_alice, "还没有")).answer()
    assert "我会在 7 天后再来问问" in answered.text


def _prompt(fake: FakeDiscord, thread: Thread) -> Message:
    return next(m for m in fake.messages(thread) if WRITE_BOTH in m.button_labels)


async def test_a_session_logged_by_the_chinese_mentee(
    fake: FakeDiscord, ready: MentorBot, guild: Guild, users: dict[str, User], clock: FakeClock
) -> None:
    alice, bob, _intro = await chinese_mentee(fake, ready, guild, users)

    reply = await (await log(fake, alice, guild, topic="职业规划 @here")).answer()
    assert "📝 已记录与" in reply.text and "第 1 次会面" in reply.text, reply.text

    def made() -> Thread | None:
        threads = session_threads(fake, guild)
        if threads and any(WRITE_BOTH in m.button_labels for m in fake.messages(threads[0])):
            return threads[0]
        return None

    thread = await fake.wait_until(made, what="the session thread with its prompt")
    assert thread.member_ids == {fake.world.bot.id, alice.id, bob.id}
    assert thread.name.startswith("Session 1 · alice & bob"), "two languages: the English name"
    first = _prompt(fake, thread)
    assert "this is the private thread for your session 1" in first.text
    assert "这是你们第 1 次会面的私密讨论串" in first.text
    assert len(first.embeds) == 2 and first.text.count("职业规划 @here") == 2
    assert first.pinged_user_ids() == {alice.id, bob.id} and not first.pings_everyone

    # The fit question goes to Alice, the mentee, in Chinese.
    fit = await fake.wait_for_dm(alice, lambda m: "和导师相处得怎么样？" in m.text)
    assert fit.button_labels == ["很合适", "还在观察", "不太合适"]
    rematch = await click(fake, alice, fit, "不太合适")
    assert "申请重新匹配" in rematch.button_labels

    # Each opens the reflection form in their own language.
    opened = await fake.click(alice, first, WRITE_BOTH)
    await opened.response()
    form = json.dumps(opened.modal, ensure_ascii=False)
    assert "反思第 1 次会面" in form and "哪些内容让你印象深刻？" in form
    assert "Reflect on session" not in form
    mine = await reflect(
        fake,
        bob,
        first,
        {"went_well": BOB_SHARED},
        share=True,
        button=WRITE_BOTH,
    )
    assert "Your reflection is shared" in mine.text, mine.text

    # Bob's words are posted once, under headings both can read.
    def shared() -> Message | None:
        return next((m for m in bot_posts(fake, thread) if BOB_SHARED in m.text), None)

    post = await fake.wait_until(shared, what="Bob's shared reflection")
    assert "Mentor's reflection · session 1 / 导师的反思 · 第 1 次会面" in post.text
    assert post.text.count(BOB_SHARED) == 1 and not post.mentions_allowed
    assert post.button_labels == ["Mark as read / 标记为已读"]

    # Two days on, Alice (who has not written hers) is nudged in Chinese; Bob is not.
    clock.advance(timedelta(days=2))
    await fire_reminders(ready)
    nudges = [m for m in bot_posts(fake, thread) if alice.mention in m.text and m.nonce]
    assert any("温馨提醒" in m.text for m in nudges), [m.text for m in bot_posts(fake, thread)]
    assert not any("gentle nudge" in m.text for m in bot_posts(fake, thread))


async def set_server_language(bot: MentorBot, guild: Guild, lang: Language) -> None:
    """The server's language, stored as `/setup language` stores it."""
    await bot.services.settings.set_language(guild.id, lang, actor_id=guild.owner_id)


async def test_directors_read_the_server_language(
    fake: FakeDiscord, ready: MentorBot, guild: Guild, users: dict[str, User]
) -> None:
    alice, bob, director = users["alice"], users["bob"], users["director"]
    await sign_up_pair(ready, guild, alice, bob)
    await set_server_language(ready, guild, "zh-CN")
    assert director.locale == "en-US"

    reply = await (await fake.slash(director, guild, "match suggest", mentee=alice)).answer()
    assert "alice 的推荐导师" in reply.text and "Mentors for" not in reply.text
    assert reply.button_labels == ["介绍 1. bob"]
    done = await (await fake.click(director, reply, "介绍 1. bob")).answer()
    assert "✅ 已在" in done.text, done.text
    line = await fake.wait_for_message(
        guild.channel("director-log"), lambda m: "介绍给了" in m.text
    )
    assert f"<@{alice.id}>" in line.text and "introduced" not in line.text
