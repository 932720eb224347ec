"""Shared set-up for the privacy tests: every service wired as the bot wires them, and a
server where a mentee and her mentor have used every feature, through the services, so
their words are in every table that can hold them.

Each member's words are distinctive made-up tokens (`WORDS`), so a test can look for them
anywhere: in rows, in the export, in the database file's bytes and in a backup.
"""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

from bot.db.database import Database
from bot.domain import questionnaire as qn
from bot.services.checkins import CheckinService
from bot.services.contacts import Contacts
from bot.services.director_log import DirectorLog
from bot.services.goals import GoalService
from bot.services.matching import MatchingService
from bot.services.onboarding import OnboardingService
from bot.services.privacy import PrivacyService
from bot.services.sessions import SessionService
from bot.services.settings import SettingsService
from tests.support import FakeClock

GUILD = 1300000000000000100
OTHER_GUILD = 1300000000000000900
DIRECTOR = 1300000000000000001
MEI = 1300000000000000201  # the mentee who uses everything
ZOE = 1300000000000000202  # another mentee, never matched
MAX = 1300000000000000301  # Mei's mentor
DM_CHANNEL = 1300000000000004242

WORDS = {
    MEI: {
        "bio": "Mei orchid violinist",
        "goal": "Mei lantern launch",
        "draft": "Mei quartz draft",
        "note": "Mei saffron note",
        "topic": "Mei juniper topic",
        "reflection": "Mei cobalt reflection",
        "step": "Mei magnolia step",
    },
    MAX: {
        "bio": "Max tundra sculptor",
        "reflection": "Max ember private reflection",
        "topic": "Max alder topic",
    },
    ZOE: {"bio": "Zoe pebble cartographer", "goal": "Zoe harbour goal"},
}
QUESTIONNAIRE = qn.load_questionnaire(
    Path(__file__).resolve().parents[2] / "data" / "questionnaire.toml"
)


class PrivacyEnv:
    def __init__(self, db: Database, clock: FakeClock) -> None:
        self.db = db
        self.clock = clock
        self.settings = SettingsService(db, clock)
        self.goals = GoalService(db, clock)
        self.onboarding = OnboardingService(db, clock, QUESTIONNAIRE, self.goals)
        self.contacts = Contacts(db)
        self.matching = MatchingService(db, clock, self.settings, self.onboarding)
        self.checkins = CheckinService(db, clock, self.settings, self.goals)
        self.sessions = SessionService(db, clock, self.matching, self.goals)
        self.privacy = PrivacyService(
            db,
            clock,
            onboarding=self.onboarding,
            contacts=self.contacts,
            goals=self.goals,
            checkins=self.checkins,
            matching=self.matching,
            sessions=self.sessions.member_data,
            settings=self.settings,
            director_log=DirectorLog(db, clock),
        )

    async def sign_up(self, user_id: int, role: str, guild_id: int = GUILD) -> None:
        words = WORDS.get(user_id, {})
        answers: dict[str, object] = {
            "role": role,
            "areas": ["leadership"],
            "bio": words.get("bio", ""),
            "experience": "3-5",
            "timezone": "Europe/London",
            "checkin": ["Monday", "9am"],
            "consent": "agree",
        }
        answers |= {"goals": words.get("goal", "Grow")} if role == "mentee" else {"capacity": "2"}
        await self.onboarding.start(guild_id, user_id)
        assert (await self.onboarding.answer(guild_id, user_id, answers)).complete
        await self.onboarding.complete(guild_id, user_id)
        if role == "mentee":
            await self.checkins.ensure_schedule(guild_id, user_id)

    async def everything(self) -> int:
        """Mei and Max, matched by the director, use every feature; returns the match id."""
        await self.settings.set_roles(GUILD, director=1, mentor=2, mentee=3, actor_id=DIRECTOR)
        await self.db.execute(
            "INSERT INTO cohorts (guild_id, name, created_at, created_by) VALUES (?, ?, ?, ?)",
            (GUILD, "Spring", self.clock.now().isoformat(), DIRECTOR),
        )
        await self.sign_up(MEI, "mentee")
        await self.sign_up(MAX, "mentor")
        await self.sign_up(ZOE, "mentee")
        # A refused answer is kept as a draft, so she can shorten it instead of retyping it.
        try:
            await self.onboarding.answer(GUILD, MEI, {"bio": WORDS[MEI]["draft"] + " x" * 200})
        except qn.AnswerError:
            pass
        else:  # pragma: no cover
            raise AssertionError("an over-long bio is refused")
        await self.contacts.dm_delivered(GUILD, MEI, DM_CHANNEL)
        proposal = await self.matching.propose(GUILD, DIRECTOR)
        assert proposal.id is not None
        await self.matching.take_proposal(GUILD, proposal.id, DIRECTOR)
        match = await self.matching.create_match(GUILD, MEI, MAX, DIRECTOR)
        await self.matching.record_introduction(match.id, 7777, DIRECTOR)

        # A week later: "Have you met yet?", and Mei's first check-in, answered with a note.
        self.clock.advance(timedelta(days=7))
        for prompt in await self.matching.claim_due_followups(self.clock.now()):
            await self.matching.record_delivery(prompt, "dm")
        await self.matching.answer_followup(match.id, 1, MEI, "yes")
        view = await self.checkins.schedule(GUILD, MEI)
        assert view.next_due_at is not None
        self.clock.set(view.next_due_at)
        await self.checkins.materialise(self.clock.now())
        due = await self.checkins.unsent_due(self.clock.now())
        (period,) = [p for p in due if (await self.checkins.prompt(p)).user_id == MEI]
        goal = (await self.goals.open_goals(GUILD, MEI))[0]
        await self.checkins.claim(period, DM_CHANNEL, "dm", [goal.id])
        await self.checkins.mark_sent(period, DM_CHANNEL, 5151)
        await self.checkins.record_answer(period, MEI, goal.id, "stuck")
        await self.checkins.save_note(period, MEI, WORDS[MEI]["note"], share=True)

        # A session each logs, both reflect (Max privately), Mei answers the fit question
        # and turns her next step into a goal.
        first = await self.sessions.log_session(GUILD, MEI, minutes=45, topic=WORDS[MEI]["topic"])
        answers = {"stood_out": WORDS[MEI]["reflection"], "next_step": WORDS[MEI]["step"]}
        await self.sessions.write_reflection(first.session.id, MEI, answers, share=True)
        await self.sessions.write_reflection(
            first.session.id, MAX, {"went_well": WORDS[MAX]["reflection"]}, share=False
        )
        await self.sessions.fit.claim(match.id)
        await self.sessions.fit.answer(match.id, MEI, "good")
        await self.sessions.next_step_to_goal(first.session.id, MEI)
        self.clock.advance(timedelta(days=1))
        await self.sessions.log_session(GUILD, MAX, minutes=30, topic=WORDS[MAX]["topic"])
        # An extra check-in she asked for and has not answered yet.
        await self.checkins.start_now(GUILD, MEI)
        return match.id

    # ---------------------------------------------------------------- reading back

    async def tables(self) -> list[str]:
        rows = await self.db.fetchall(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        )
        return sorted(str(row["name"]) for row in rows)

    async def all_text(self) -> str:
        """Every value of every row of every table, as text."""
        found: list[str] = []
        for table in await self.tables():
            for row in await self.db.fetchall(f"SELECT * FROM {table}"):  # noqa: S608
                found += [str(value) for value in tuple(row)]
        return "\n".join(found)

    async def count(self, sql: str, *params: object) -> int:
        return int(await self.db.fetchval(sql, params))


def member_words(user_id: int) -> list[str]:
    return list(WORDS[user_id].values())


def dumps(value: object) -> str:
    return json.dumps(value, ensure_ascii=False)
