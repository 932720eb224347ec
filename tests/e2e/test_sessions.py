"""Sessions as a pair lives them: logging a session opens a private thread with exactly the
two of them; each reflects, privately or shared; a next step becomes a goal; the mentee is
asked about fit after the first session, and the mentor never learns the answer."""

from __future__ import annotations

from datetime import date, timedelta

from bot.app import MentorBot
from bot.domain.sessions import THREAD_PROBLEM_FIX
from bot.domain.wallclock import show_date
from tests.e2e.support.matching import introduce, introduced_pair, sign_up
from tests.e2e.support.members import newcomer
from tests.e2e.support.process import BotProcess
from tests.e2e.support.server import setup_channels, start_configured
from tests.e2e.support.sessions import (
    WRITE,
    bot_posts,
    click,
    fire,
    fit_dms,
    log,
    private_director_log,
    prompt,
    reflect,
    reminders_to,
    session_threads,
    thread_of,
)
from tests.fakediscord import FakeDiscord, Guild, P, User
from tests.support import FakeClock

SHARED = "ALICE-SHARED: naming my fears out loud @everyone"
PRIVATE = "BOB-PRIVATE: I talked too much"
TOPIC = "Career plan @here my-topic-words"


async def test_log_reflect_share_one_keep_one_private(
    fake: FakeDiscord, ready: MentorBot, guild: Guild, users: dict[str, User], clock: FakeClock
) -> None:
    alice, bob, director, _ = await introduced_pair(fake, ready, guild, users)
    await private_director_log(fake, guild)

    h = await log(fake, alice, guild, topic=TOPIC)
    reply = await h.answer()
    assert h.ephemeral and "Logged **session 1** with" in reply.text, reply.text
    thread = await thread_of(fake, guild)
    assert f"<#{thread.id}>" in reply.text

    # A private thread, invitable off, with exactly the pair and the bot.
    assert thread.private and thread.type == 12 and thread.invitable is False
    assert thread.auto_archive_duration == 10080
    assert thread.member_ids == {fake.world.bot.id, alice.id, bob.id}
    assert thread.name == "Session 1 · alice & bob · 2 Nov"
    first = prompt(fake, thread)
    assert first.pinged_user_ids() == {alice.id, bob.id} and not first.pings_everyone
    assert TOPIC in first.text and "45 min" in first.text

    # Alice shares hers; Bob keeps his private.
    mine = await reflect(
        fake,
        alice,
        first,
        {"stood_out": SHARED, "next_step": "Ship my portfolio", "by_when": ""},
        share=True,
    )
    assert "shared" in mine.text and "Make it private" in mine.button_labels
    his = await reflect(
        fake, bob, first, {"went_well": PRIVATE, "learned": "Listen first"}, share=False
    )
    assert "Only you can read it" in his.text and "Share with my partner" in his.button_labels

    posts = bot_posts(fake, thread)
    in_thread = "\n".join(m.text for m in posts)
    assert SHARED in in_thread and PRIVATE not in in_thread and "Listen first" not in in_thread
    [shared] = [m for m in posts if SHARED in m.text]
    # Member text goes in an embed, sent with every mention turned off: it pings nobody.
    assert SHARED not in shared.content and shared.allowed_mentions == {"parse": []}
    assert not shared.mentions_allowed and not shared.pings_everyone

    # The private one is nowhere Alice or a director can look; Alice's is nowhere a
    # director can look, whatever directors run.
    for command, options in (
        ("match list", {}),
        ("match suggest", {"mentee": alice}),
        ("setup show", {}),
        ("profile view", {"member": alice}),
        ("session list", {}),
    ):
        await (await fake.slash(director, guild, command, **options)).answer()
    assert not fake.can_read(director, thread)
    for secret in (PRIVATE, "Listen first"):
        assert secret not in fake.visible_text(alice)
    for secret in (PRIVATE, "Listen first", SHARED, "Ship my portfolio", TOPIC):
        assert secret not in fake.visible_text(director)
    # Its author can come back to it: the form opens with what he wrote.
    opened = await (await fake.click(bob, his, "Edit my reflection")).response()
    assert opened.modal is not None and PRIVATE in str(opened.modal)
    assert PRIVATE in fake.visible_text(bob) and PRIVATE not in fake.visible_text(alice)


# ------------------------------------------------------------------------ sharing


async def test_a_shared_reflection_can_be_taken_back_only_until_it_is_read(
    fake: FakeDiscord, ready: MentorBot, guild: Guild, users: dict[str, User]
) -> None:
    alice, bob, _, _ = await introduced_pair(fake, ready, guild, users)
    await (await log(fake, alice, guild)).answer()
    thread = await thread_of(fake, guild)

    def posted() -> list[str]:
        return [m.text for m in bot_posts(fake, thread) if "first words" in m.text]

    mine = await reflect(
        fake, alice, prompt(fake, thread), {"stood_out": "first words"}, share=True
    )
    assert len(posted()) == 1
    back = await click(fake, alice, mine, "Make it private")
    assert "Only you can read it" in back.text
    assert posted() == [] and "first words" not in fake.visible_text(bob)

    again = await click(fake, alice, back, "Share with my partner")
    assert "You can make it private again" in again.text and len(posted()) == 1
    [post] = [m for m in bot_posts(fake, thread) if "first words" in m.text]
    refused = await (await fake.click(alice, post, "Mark as read")).answer()
    assert "your own reflection" in refused.text and refused.ephemeral
    seen = await click(fake, bob, post, "Mark as read")
    assert "read by their partner" in seen.text and "Mark as read" not in seen.button_labels

    # Alice's confirmation still offers "Make it private", from before Bob read it.
    h = await fake.click(alice, again, "Make it private")
    answer = await h.followup()
    assert "already read this reflection, so it stays shared" in answer.text
    assert len(posted()) == 1 and "first words" in fake.visible_text(bob)
    # Editing stays possible, and the post follows the edit.
    await reflect(
        fake,
        alice,
        again,
        {"stood_out": "first words, edited"},
        share=True,
        button="Edit my reflection",
    )
    assert [t for t in posted() if "edited" in t]


async def test_a_partner_acting_in_the_thread_has_read_what_was_shared(
    fake: FakeDiscord, ready: MentorBot, guild: Guild, users: dict[str, User]
) -> None:
    alice, bob, _, _ = await introduced_pair(fake, ready, guild, users)
    await (await log(fake, alice, guild)).answer()
    thread = await thread_of(fake, guild)
    mine = await reflect(fake, alice, prompt(fake, thread), {"stood_out": "seen?"}, share=True)
    opened = await (await fake.click(bob, prompt(fake, thread), WRITE)).response()
    assert opened.modal is not None

    def read() -> bool:
        post = next(m for m in bot_posts(fake, thread) if "seen?" in m.text)
        return "read by their partner" in post.text

    await fake.wait_until(read, what="alice's reflection shown as read")
    h = await fake.click(alice, mine, "Make it private")
    assert "stays shared" in (await h.followup()).text


async def test_taking_a_reflection_back_from_an_archived_thread_or_when_discord_refuses(
    fake: FakeDiscord, ready: MentorBot, guild: Guild, users: dict[str, User]
) -> None:
    alice, bob, _, _ = await introduced_pair(fake, ready, guild, users)
    await (await log(fake, alice, guild)).answer()
    thread = await thread_of(fake, guild)
    mine = await reflect(fake, alice, prompt(fake, thread), {"stood_out": "a week on"}, share=True)
    [post] = [m for m in bot_posts(fake, thread) if "a week on" in m.text]

    await fake.archive_thread(thread)  # a week without messages
    path = f"/channels/{thread.id}/messages/{post.id}"
    archived = {"code": 50083, "message": "Thread is archived"}
    fake.inject_failure("DELETE", path, status=400, body=archived)
    back = await click(fake, alice, mine, "Make it private")
    assert "Only you can read it" in back.text
    assert "a week on" not in fake.visible_text(bob) and not thread.archived

    again = await click(fake, alice, back, "Share with my partner")
    [post] = [m for m in bot_posts(fake, thread) if "a week on" in m.text]
    refused = {"code": 50013, "message": "Missing Permissions"}
    fake.inject_failure(
        "DELETE", f"/channels/{thread.id}/messages/{post.id}", status=403, body=refused
    )
    kept = await click(fake, alice, again, "Make it private")
    assert "so it is still shared" in kept.text and "Make it private" in kept.button_labels
    assert "a week on" in fake.visible_text(bob)
    stored = await ready.services.sessions.own_reflection(1, alice.id)
    assert stored is not None and stored.shared and stored.posted_message_id == post.id


# ------------------------------------------------------------------------ goals


async def test_a_next_step_becomes_a_goal_in_goal_list_and_the_next_check_in(
    fake: FakeDiscord, ready: MentorBot, guild: Guild, users: dict[str, User]
) -> None:
    alice, _, _, _ = await introduced_pair(fake, ready, guild, users)
    await (await log(fake, alice, guild)).answer()
    thread = await thread_of(fake, guild)
    mine = await reflect(
        fake,
        alice,
        prompt(fake, thread),
        {"stood_out": "Scope", "next_step": "Ship my portfolio", "by_when": "1 Dec"},
        share=False,
    )
    made = await click(fake, alice, mine, "Make my next step a goal")
    assert "Added your goal “Ship my portfolio” (target Tue 1 Dec 2026)" in made.text
    again = await click(fake, alice, mine, "Make my next step a goal")
    assert "already your goal" in again.text
    listed = await (await fake.slash(alice, guild, "goal list")).answer()
    assert listed.text.count("Ship my portfolio") == 1
    await (await fake.slash(alice, guild, "checkin now")).answer()
    checkin = await fake.wait_for_dm(alice, lambda m: "Check-in ·" in m.text)
    assert "Ship my portfolio" in checkin.text


# ------------------------------------------------------------------------ fit


async def test_fit_question_after_the_first_session_only_and_the_mentor_is_told_nothing(
    fake: FakeDiscord, ready: MentorBot, guild: Guild, users: dict[str, User]
) -> None:
    alice, bob, director, _ = await introduced_pair(fake, ready, guild, users)
    await private_director_log(fake, guild)
    await (await log(fake, bob, guild, partner=alice)).answer()  # the mentor logs the first
    question = await fake.wait_for_dm(alice, lambda m: "How is it going" in m.text)
    assert question.button_labels == ["Good fit", "Still deciding", "Not a good fit"]
    await (await log(fake, alice, guild, date="yesterday")).answer()
    assert len(session_threads(fake, guild)) == 2
    assert len(fit_dms(fake, alice)) == 1 and fit_dms(fake, bob) == []

    answered = await click(fake, alice, question, "Not a good fit")
    assert "Ask for a re-match" in answered.button_labels
    asked = await click(fake, alice, answered, "Ask for a re-match")
    assert "You've asked for a re-match" in asked.text and asked.buttons == []
    line = await fake.wait_for_message(
        guild.channel("director-log"), lambda m: "Re-match asked" in m.text
    )
    assert alice.mention in line.content and bob.mention in line.content
    assert not line.mentions_allowed
    director_sees = fake.visible_text(director)
    assert "Not a good fit" not in director_sees and "How is it going" not in director_sees

    # Everything the mentor can see, anywhere, says nothing of fit or a re-match.
    mentor_sees = fake.visible_text(bob).casefold()
    for words in ("good fit", "still deciding", "re-match", "rematch", "how is it going"):
        assert words not in mentor_sees, words


async def test_a_mentee_with_closed_dms_is_asked_about_fit_in_the_server(
    fake: FakeDiscord, ready: MentorBot, guild: Guild, users: dict[str, User]
) -> None:
    alice, bob, _, _ = await introduced_pair(fake, ready, guild, users)
    alice.dms_closed = True
    h = await log(fake, alice, guild)
    await h.answer()
    question = await h.followup(0)  # after the reply, which is the deferred answer itself
    assert question.ephemeral and "How is it going with your mentor?" in question.text
    answered = await click(fake, alice, question, "Good fit")
    assert "Your answer: **Good fit**" in answered.text
    assert "good fit" not in fake.visible_text(bob).casefold()


# ------------------------------------------------------------------------ refusals


async def test_only_the_pair_can_log_and_reflect(
    fake: FakeDiscord, ready: MentorBot, guild: Guild, users: dict[str, User]
) -> None:
    alice, _bob, director, _ = await introduced_pair(fake, ready, guild, users)
    carl = await newcomer(fake, guild, "carl")
    refused = await (await log(fake, carl, guild, partner=alice)).answer()
    assert "only with your own mentor or mentee" in refused.text
    refused = await (await log(fake, alice, guild, partner=carl)).answer()
    assert "only with your own mentor or mentee" in refused.text
    refused = await (await log(fake, director, guild)).answer()
    assert "no active mentor or mentee" in refused.text
    assert session_threads(fake, guild) == []
    assert await ready.db.fetchval("SELECT COUNT(*) FROM sessions") == 0

    # Someone who can read every thread (the owner) still cannot reflect for the pair.
    await (await log(fake, alice, guild)).answer()
    thread = await thread_of(fake, guild)
    olivia = users["olivia"]
    assert fake.can_read(olivia, thread) and not fake.can_read(carl, thread)
    other = await (await fake.click(olivia, prompt(fake, thread), WRITE)).answer()
    assert "belongs to another pair" in other.text and other.ephemeral


async def test_bad_input_gets_a_clear_message_and_nothing_is_stored(
    fake: FakeDiscord, ready: MentorBot, guild: Guild, users: dict[str, User]
) -> None:
    alice, _, _, _ = await introduced_pair(fake, ready, guild, users)
    for options, message in (
        ({"date": "tomorrow"}, "hasn't happened yet"),
        ({"date": "someday"}, "couldn't read 'someday' as a date"),
        ({"date": "2024-01-01"}, "up to a year back"),
        ({"topic": " \u200b "}, "give the topic in a few words"),
        ({"topic": "x" * 101}, "please keep it to 100"),
    ):
        reply = await (await log(fake, alice, guild, **options)).answer()
        assert message in reply.text, (options, reply.text)
    assert await ready.db.fetchval("SELECT COUNT(*) FROM sessions") == 0


# ------------------------------------------------------------------------ the form, lists


async def test_without_minutes_a_short_form_asks_for_them(
    fake: FakeDiscord, ready: MentorBot, guild: Guild, users: dict[str, User]
) -> None:
    alice, bob, _, _ = await introduced_pair(fake, ready, guild, users)
    opened = await (await log(fake, alice, guild, minutes=None, date="today")).response()
    assert opened.modal is not None and opened.modal["title"] == "Log a session"
    wrong = await (
        await fake.submit_modal(alice, opened, {"minutes": "an hour", "topic": "Goals"})
    ).answer()
    assert "length in minutes as a number" in wrong.text
    opened = await (await log(fake, alice, guild, minutes=None)).response()
    done = await (await fake.submit_modal(alice, opened, {"minutes": "50 min"})).answer()
    assert "Logged **session 1**" in done.text and "50 min" in done.text
    thread = await thread_of(fake, guild)
    twice = await (await log(fake, bob, guild, partner=alice)).answer()
    assert "is already logged" in twice.text and f"<#{thread.id}>" in twice.text
    assert len(session_threads(fake, guild)) == 1


async def test_session_list_for_a_mentee_and_a_mentor_of_two(
    fake: FakeDiscord, ready: MentorBot, guild: Guild, users: dict[str, User], clock: FakeClock
) -> None:
    alice, bob, director = users["alice"], users["bob"], users["director"]
    carl = await newcomer(fake, guild, "carl")
    await sign_up(ready, guild, alice, "mentee", ["data"], "Europe/London")
    await sign_up(ready, guild, carl, "mentee", ["data"], "Europe/London")
    await sign_up(ready, guild, bob, "mentor", ["data"], "Europe/London", capacity=2)
    await introduce(fake, guild, director, alice, bob)
    await introduce(fake, guild, director, carl, bob)
    await (await log(fake, alice, guild, minutes=30, topic="Portfolio review")).answer()
    await (await log(fake, bob, guild, partner=carl, minutes=90, date="yesterday")).answer()

    mine = await (await fake.slash(alice, guild, "session list")).answer()
    assert mine.ephemeral and "**Session 1** with" in mine.text
    assert bob.mention in mine.text and "30 min" in mine.text and "Portfolio review" in mine.text
    # The day the member gave, as a calendar date: no timestamp moves it for far zones.
    today = ready.clock.now().date()
    assert f"· {show_date(today)} ·" in mine.text and ":D>" not in mine.text
    assert "<#" in mine.text
    assert "your reflection: not written yet" in mine.text and carl.mention not in mine.text
    theirs = await (await fake.slash(bob, guild, "session list")).answer()
    assert theirs.text.index(alice.mention) < theirs.text.index(carl.mention), "newest first"
    assert "1 h 30 min" in theirs.text and "2 sessions" in theirs.text
    carls = await (await fake.slash(carl, guild, "session list")).answer()
    assert "Portfolio review" not in carls.text

    # Many sessions page through, with buttons that still work later.
    clock.advance(timedelta(days=30))
    for back in range(1, 11):
        await ready.services.sessions.log_session(
            guild.id, alice.id, minutes=20, on=date(2026, 12, 2) - timedelta(days=back)
        )
    listing = await (await fake.slash(alice, guild, "session list")).answer()
    assert "page 1 of 2" in listing.text and "**Session 11**" in listing.text
    older = await click(fake, alice, listing, "Older")
    assert "page 2 of 2" in older.text and "**Session 1** " in older.text


# ------------------------------------------------------------------------ problems


async def test_missing_permission_then_the_thread_is_made_once_fixed(
    fake: FakeDiscord, ready: MentorBot, guild: Guild, users: dict[str, User]
) -> None:
    alice, bob, _director, _ = await introduced_pair(fake, ready, guild, users)
    await private_director_log(fake, guild)
    sessions, director_log = guild.channel("sessions"), guild.channel("director-log")
    bot_role = guild.bot_role()
    assert bot_role is not None
    await fake.set_channel_overwrite(sessions, bot_role, deny=P.CREATE_PRIVATE_THREADS)

    reply = await (await log(fake, alice, guild)).answer()
    assert str(THREAD_PROBLEM_FIX["missing_permission"]) in reply.text
    assert "The session is saved" in reply.text
    await fake.wait_for_message(director_log, lambda m: "couldn't be made" in m.text)
    assert session_threads(fake, guild) == []
    assert fake.requests_to("POST", f"/channels/{sessions.id}/threads") == []
    # Trying again before the fix tells the directors nothing new.
    await (await fake.slash(alice, guild, "session list")).answer()
    problems = [m for m in fake.messages(director_log) if "couldn't be made" in m.text]
    assert len(problems) == 1 and "Create Private Threads" in problems[0].text

    await fake.set_channel_overwrite(sessions, bot_role, allow=P.CREATE_PRIVATE_THREADS)
    thread = await thread_of(fake, guild)
    assert thread.member_ids == {fake.world.bot.id, alice.id, bob.id} and not thread.invitable
    await fake.wait_for_message(
        director_log, lambda m: "1 session thread that was waiting for a fix is made now" in m.text
    )
    listed = await (await fake.slash(alice, guild, "session list")).answer()
    assert f"<#{thread.id}>" in listed.text


async def test_a_sessions_channel_the_bot_cannot_see_then_a_new_one_chosen(
    fake: FakeDiscord, ready: MentorBot, guild: Guild, users: dict[str, User]
) -> None:
    alice, bob, director, _ = await introduced_pair(fake, ready, guild, users)
    bot_role = guild.bot_role()
    assert bot_role is not None
    await fake.set_channel_overwrite(guild.channel("sessions"), bot_role, deny=P.VIEW_CHANNEL)
    reply = await (await log(fake, alice, guild)).answer()
    assert str(THREAD_PROBLEM_FIX["channel_unavailable"]) in reply.text

    other = await fake.add_text_channel(guild, "reflections")
    await (await setup_channels(fake, guild, director, sessions=other)).answer()

    def made() -> bool:
        return any(bob.id in t.member_ids for t in fake.threads(other))

    await fake.wait_until(made, what="the session thread in #reflections")


async def test_a_thread_fixed_while_the_bot_was_down_is_made_at_start(
    fake: FakeDiscord, process: BotProcess, guild: Guild, users: dict[str, User]
) -> None:
    bot = await start_configured(process, fake, guild, users["director"])
    alice, bob, _, _ = await introduced_pair(fake, bot, guild, users)
    sessions = guild.channel("sessions")
    bot_role = guild.bot_role()
    assert bot_role is not None
    await fake.set_channel_overwrite(sessions, bot_role, deny=P.SEND_MESSAGES_IN_THREADS)
    reply = await (await log(fake, alice, guild)).answer()
    assert str(THREAD_PROBLEM_FIX["missing_permission"]) in reply.text
    await process.stop()
    sessions.overwrites = []  # fixed while the bot was away
    await process.start()
    thread = await thread_of(fake, guild)
    assert thread.member_ids == {fake.world.bot.id, alice.id, bob.id}


# ------------------------------------------------------------------------ restarts


async def test_after_a_restart_the_old_buttons_still_work(
    fake: FakeDiscord, process: BotProcess, guild: Guild, users: dict[str, User]
) -> None:
    bot = await start_configured(process, fake, guild, users["director"])
    alice, bob, _, _ = await introduced_pair(fake, bot, guild, users)
    await (await log(fake, alice, guild)).answer()
    thread = await thread_of(fake, guild)
    question = await fake.wait_for_dm(alice, lambda m: "How is it going" in m.text)
    mine = await reflect(fake, alice, prompt(fake, thread), {"stood_out": "Before"}, share=False)

    await process.restart()
    his = await reflect(fake, bob, prompt(fake, thread), {"went_well": "After"}, share=True)
    assert "shared" in his.text
    shared = await click(fake, alice, mine, "Share with my partner")
    assert "shared in" in shared.text
    texts = "\n".join(m.text for m in bot_posts(fake, thread))
    assert "Before" in texts and "After" in texts
    answered = await click(fake, alice, question, "Still deciding")
    assert "Your answer: **Still deciding**" in answered.text


async def test_one_reminder_two_days_later_even_across_restarts(
    fake: FakeDiscord, process: BotProcess, guild: Guild, users: dict[str, User], clock: FakeClock
) -> None:
    bot = await start_configured(process, fake, guild, users["director"])
    alice, bob, _, _ = await introduced_pair(fake, bot, guild, users)
    await (await log(fake, alice, guild)).answer()
    thread = await thread_of(fake, guild)
    await reflect(fake, alice, prompt(fake, thread), {"stood_out": "Done"}, share=False)

    clock.advance(timedelta(days=2) - timedelta(minutes=1))
    await fire(bot)
    assert reminders_to(fake, thread, bob) == []
    bot = await process.restart()
    clock.advance(timedelta(minutes=1))
    await fire(bot)
    await fire(bot)
    [nudge] = reminders_to(fake, thread, bob)
    assert nudge.pinged_user_ids() == {bob.id} and WRITE in nudge.button_labels
    assert reminders_to(fake, thread, alice) == [], "alice has reflected"
    bot = await process.restart()
    clock.advance(timedelta(days=3))
    await fire(bot)
    assert len(reminders_to(fake, thread, bob)) == 1
    assert await reflect(fake, bob, nudge, {"went_well": "Late but here"}, share=False)
