"""Who sees what (PRODUCT.md §5), checked on everything the bot shows, the way each person's
Discord client would show it.

Two servers run side by side. In each, members write words through the real screens and
commands (free-text answers, goals, notes), and every command and message of the bot runs:
the sign-up screens and summary, /profile view (self, partner, director, others), matching
suggestions and proposals, the introduction thread and DMs, the "Have you met yet?"
follow-ups, /match list, goals (and their autocomplete), check-in prompts in DMs and in the
closed-DM thread, reminders, notes shared and kept private, mentor alerts, the director log,
/setup show, /checkin history, sessions (the private thread, shared and private reflections,
the fit question, /session list), /cohort (status with its chart, members, the CSV export),
/privacy export and delete, ending a match. Then, for every
person in the fake Discord, everything they could see is read, and every member's words
must have reached only the people §5 allows; nothing written in one server appears in a
message about the other.

Each part of the bot is one scene in `SCENES`; a new feature that shows members' words adds
its scene there, writing its words through the ledger.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from bot.app import MentorBot
from tests.e2e.support.checkins import MONDAY_0900, click_goal, is_prompt, write_note
from tests.e2e.support.matching import introduce
from tests.e2e.support.members import finish_sign_up
from tests.e2e.support.privacy import (
    Ledger,
    second_server,
    seen_by,
    sign_up_on_screens,
)
from tests.e2e.support.process import BotProcess, fast
from tests.e2e.support.server import configure
from tests.e2e.support.sessions import fit_dms, log, prompt, reflect, thread_of
from tests.fakediscord import FakeDiscord, Guild, Message, User
from tests.support import FakeClock


@dataclass
class Story:
    fake: FakeDiscord
    bot: MentorBot
    clock: FakeClock
    a: Guild
    b: Guild
    people: dict[str, User]
    ledger: Ledger = field(default_factory=Ledger)
    goals: dict[str, list[str]] = field(default_factory=dict)

    def __getattr__(self, name: str) -> User:
        try:
            return self.people[name]
        except KeyError:
            raise AttributeError(name) from None

    async def run(self, user: User, guild: Guild, command: str, **options: object) -> Message:
        """A command as `user` types it; the answer they see."""
        return await (await self.fake.slash(user, guild, command, **options)).answer()

    def sees(self, user: User, text: str) -> bool:
        return text in seen_by(self.fake, user)


# ------------------------------------------------------------------------- scenes


async def sign_ups(s: Story) -> None:
    """The questionnaire's screens, in DMs (Alice, Bob) and, with DMs closed, in the server
    (Carol); the summary each gets at the end."""
    for name, role in (("alice", "mentee"), ("bob", "mentor"), ("carol", "mentee")):
        user = s.people[name]
        bio = s.ledger.write(s.a, user, "free-text answer")
        goals = [s.ledger.write(s.a, user, "goal") for _ in range(2)] if role == "mentee" else []
        s.goals[name] = goals
        reply = await s.run(user, s.a, "onboarding start")
        first = reply if user.dms_closed else await s.fake.wait_for_dm(user)
        summary = await sign_up_on_screens(s.fake, user, first, role=role, bio=bio, goals=goals)
        assert bio in summary.text and all(goal in summary.text for goal in goals)


async def matching(s: Story) -> None:
    """Suggestions and a whole-cohort proposal (for directors), then an introduction."""
    proposal = await s.run(s.director, s.a, "match suggest")
    await (await s.fake.click(s.director, proposal, "Cancel")).answer()
    listing = await s.run(s.director, s.a, "match suggest", mentee=s.alice)
    button = next(b for b in listing.buttons if "bob" in b["label"])
    reply = await (await s.fake.click(s.director, listing, custom_id=button["custom_id"])).answer()
    assert "Introduced" in reply.text
    s.ledger.pair(s.a, s.alice, s.bob)
    await s.fake.wait_for_dm(s.bob, lambda m: "You have a new mentee" in m.text)
    assert s.sees(s.bob, s.goals["alice"][0]), "the partner sees the mentee's goals"


async def profiles(s: Story) -> None:
    await s.run(s.alice, s.a, "profile view")
    await s.run(s.bob, s.a, "profile view", member=s.alice)
    await s.run(s.alice, s.a, "profile view", member=s.bob)
    await s.run(s.director, s.a, "profile view", member=s.alice)
    await s.run(s.director, s.a, "profile view", member=s.carol)
    refused = await s.run(s.alice, s.a, "profile view", member=s.carol)
    assert "only see your own profile" in refused.text
    await s.run(s.carol, s.a, "profile view")


async def match_lists(s: Story) -> None:
    await s.run(s.director, s.a, "match list")
    await s.run(s.bob, s.a, "match list")
    await s.run(s.alice, s.a, "match list")


async def goals(s: Story) -> None:
    added = s.ledger.write(s.a, s.alice, "goal")
    await s.run(s.alice, s.a, "goal add", title=added)
    await s.run(s.alice, s.a, "goal list")
    choices = await s.fake.autocomplete(s.alice, s.a, "goal edit", option="goal", value="")
    chosen = next(c["value"] for c in choices if c["name"] == added)
    renamed = s.ledger.write(s.a, s.alice, "goal")
    await s.run(s.alice, s.a, "goal edit", goal=chosen, title=renamed)
    await s.run(s.alice, s.a, "goal done", goal=chosen)
    await s.run(s.carol, s.a, "goal add", title=s.ledger.write(s.a, s.carol, "goal"))
    await s.run(s.carol, s.a, "goal list")


async def followups_and_checkins(s: Story) -> None:
    """A week on: "Have you met yet?" to the pair (Alice asks for help), then the check-ins:
    Alice's by DM (stuck, a shared note, then a private one), Carol's in her private thread
    after a reminder; each looks at their history."""
    s.clock.set(MONDAY_0900)
    await s.bot.timers["match_followups"].fire()
    asked = await s.fake.wait_for_dm(s.alice, lambda m: "Have you met yet?" in m.text)
    await s.fake.wait_for_dm(s.bob, lambda m: "Have you met yet?" in m.text)
    await (await s.fake.click(s.alice, asked, "Need help")).answer()

    await s.bot.timers["checkins"].fire()
    prompt = await s.fake.wait_for_dm(s.alice, is_prompt)
    await click_goal(s.fake, s.alice, prompt, s.goals["alice"][0], "Stuck")
    await s.fake.wait_for_dm(s.bob, lambda m: "is stuck" in m.text)
    shared = s.ledger.write(s.a, s.alice, "shared note")
    await (await write_note(s.fake, s.alice, prompt, shared, share=True)).answer()
    await s.fake.wait_for_dm(s.bob, lambda m: shared in m.text)
    private = s.ledger.write(s.a, s.alice, "private note")
    await (await write_note(s.fake, s.alice, prompt, private, share=False)).answer()
    assert not s.sees(s.bob, private)

    channel = s.a.channel("checkins")
    threads = await s.fake.wait_until(lambda: s.fake.threads(channel), what="Carol's thread")
    in_thread = await s.fake.wait_for_message(threads[0], is_prompt)
    s.clock.set(MONDAY_0900.replace(day=10))
    await s.bot.timers["checkins"].fire()
    await s.fake.wait_for_message(threads[0], lambda m: "gentle reminder" in m.text)
    await click_goal(s.fake, s.carol, in_thread, s.goals["carol"][1], "On track")
    note = s.ledger.write(s.a, s.carol, "private note")
    await (await write_note(s.fake, s.carol, in_thread, note, share=False)).answer()
    await s.run(s.alice, s.a, "checkin history")
    await s.run(s.carol, s.a, "checkin history")


async def sessions(s: Story) -> None:
    """Alice logs a session with Bob (her topic), each reflects — hers shared, his kept
    private — she gets the fit question by DM, and each looks at /session list."""
    topic = s.ledger.write(s.a, s.alice, "session topic")
    await (await log(s.fake, s.alice, s.a, partner=s.bob, topic=topic)).answer()
    thread = await thread_of(s.fake, s.a)
    shared = s.ledger.write(s.a, s.alice, "shared reflection")
    await reflect(s.fake, s.alice, prompt(s.fake, thread), {"stood_out": shared}, share=True)
    private = s.ledger.write(s.a, s.bob, "private reflection")
    his = await reflect(s.fake, s.bob, prompt(s.fake, thread), {"went_well": private}, share=False)
    # Only Bob reads it again: in the form he opens to edit it.
    opened = await (await s.fake.click(s.bob, his, "Edit my reflection")).response()
    assert opened.modal is not None
    await s.fake.wait_until(lambda: fit_dms(s.fake, s.alice), what="the fit question")
    assert s.sees(s.bob, shared) and not s.sees(s.alice, private)
    for user in (s.alice, s.bob):
        await s.run(user, s.a, "session list")


async def cohort_tools(s: Story) -> None:
    """A director opens a cohort (the members who signed up join it and are told), then
    reads its status with the chart, its members lists and its CSV."""
    await s.run(s.director, s.a, "cohort create", name="Circle 2026", start="today")
    await s.fake.wait_for_dm(s.alice, lambda m: "You're in Circle 2026" in m.text)
    status = await s.run(s.director, s.a, "cohort status")
    await s.fake.wait_until(
        lambda: (s.fake.world.find_message(status.id) or status).attachments, what="the chart"
    )
    await s.run(s.director, s.a, "cohort members", filter="unmatched")
    exported = await s.run(s.director, s.a, "cohort export")
    assert exported.attachments, "the CSV"


async def setup_show(s: Story) -> None:
    await s.run(s.director, s.a, "setup show")


async def other_server(s: Story) -> None:
    """The second server: Alice is a member there too, with other words; Frank and Gina are
    its pair. Its director and members see only its own."""
    for name, role in (("alice", "mentee"), ("frank", "mentee"), ("gina", "mentor")):
        user = s.people[name]
        answers: dict[str, object] = {
            "role": role,
            "areas": ["leadership"],
            "bio": s.ledger.write(s.b, user, "free-text answer"),
            "experience": "3-5",
            "timezone": "Europe/London",
            "checkin": ["Monday", "9am"],
            "consent": "agree",
        }
        if role == "mentee":
            answers["goals"] = s.ledger.write(s.b, user, "goal")
        else:
            answers["capacity"] = "2"
        await finish_sign_up(s.bot, s.b, user, answers)
    await introduce(s.fake, s.b, s.dana, s.frank, s.gina)
    s.ledger.pair(s.b, s.frank, s.gina)
    await s.run(s.alice, s.b, "profile view")
    await s.run(s.alice, s.b, "goal list")
    await s.run(s.dana, s.b, "profile view", member=s.alice)
    await s.run(s.gina, s.b, "profile view", member=s.frank)
    await s.run(s.dana, s.b, "match list")


async def exports(s: Story) -> None:
    """/privacy export: Alice in each server (by DM), Carol here (DMs closed), and Erin, who
    never signed up."""
    for guild in (s.a, s.b):
        await s.run(s.alice, guild, "privacy export")
    await s.fake.wait_until(
        lambda: len([m for m in s.fake.dms(s.alice) if m.attachments]) == 2, what="both files"
    )
    reply = await s.run(s.carol, s.a, "privacy export")
    assert reply.attachments and s.goals["carol"][0] in reply.attachments[0].text
    await s.run(s.erin, s.a, "privacy export")


async def strangers(s: Story) -> None:
    """Someone who never signed up tries to look."""
    for command, options in (
        ("profile view", {"member": s.alice}),
        ("match list", {}),
        ("goal list", {}),
        ("checkin history", {}),
    ):
        await s.run(s.erin, s.a, command, **options)


async def endings(s: Story) -> None:
    """A director ends Alice and Bob's match; Carol deletes her data."""
    await s.run(s.director, s.a, "match end", mentee=s.alice, reason="needs_changed")
    await s.fake.wait_for_dm(s.bob, lambda m: "Your match has ended" in m.text)
    screen = await s.run(s.carol, s.a, "privacy delete")
    done = await (await s.fake.click(s.carol, screen, "Delete my data")).answer()
    await s.fake.wait_until(
        lambda: "is deleted" in (s.fake.world.find_message(done.id) or done).text,
        what="Carol's data deleted",
    )


SCENES: list[tuple[str, Callable[[Story], Awaitable[None]]]] = [
    ("sign-up screens and summary", sign_ups),
    ("matching suggestions, proposal and introduction", matching),
    ("/profile view", profiles),
    ("/match list", match_lists),
    ("/goal and its autocomplete", goals),
    ("follow-ups, check-ins, notes, reminders, mentor alerts, history", followups_and_checkins),
    ("sessions: thread, reflections, fit question, /session list", sessions),
    ("/setup show", setup_show),
    ("a second server", other_server),
    ("/cohort create, status and chart, members, export", cohort_tools),
    ("/privacy export", exports),
    ("people outside the programme", strangers),
    ("/match end and /privacy delete", endings),
]


async def test_members_words_reach_only_those_product_allows(
    fake: FakeDiscord, process: BotProcess, clock: FakeClock
) -> None:
    a = fake.world.guild("Mentoring Circle")
    b = second_server(fake, "Second Circle", owner="owen", director="dana")
    people = {name: fake.world.user(name) for name in ("director", "alice", "bob", "dana")}
    people["carol"] = fake.world.add_user("carol", dms_closed=True)
    people["erin"] = fake.world.add_user("erin")
    for name in ("carol", "erin"):
        a.add_member(people[name])
    for name in ("frank", "gina"):
        people[name] = fake.world.add_user(name)
        b.add_member(people[name])
    b.add_member(people["alice"])

    bot = await process.start()
    fast(bot)
    await configure(fake, a, people["director"])
    await configure(fake, b, people["dana"])
    story = Story(fake, bot, clock, a, b, people)
    for name, scene in SCENES:
        before = sum(1 for _ in fake.world.all_messages())
        await scene(story)
        assert sum(1 for _ in fake.world.all_messages()) > before, f"{name}: the bot said nothing"

    ledger = story.ledger
    assert ledger.leaks(fake) == []
    assert ledger.crossings(fake) == []
    # The words did flow through the bot: each author can see their own, so the checks
    # above looked at real messages.
    unseen = [w.text for w in ledger.words if not story.sees(w.author, w.text)]
    assert unseen == [], unseen
    assert {w.kind for w in ledger.words} >= {"free-text answer", "goal", "shared note"}
