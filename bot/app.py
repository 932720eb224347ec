"""The bot: owns the database, the services, delivery and the timers, and wires them to
Discord.

Everything with a lifetime is built once in `setup_hook` and closed in reverse order in
`close`. Cogs and flows reach what they need through the bot, never by looking up another
cog: `bot.services` (use cases), `bot.delivery` (how members are reached), `bot.timers`
(scheduled work) and `bot.persistent` (the buttons, selects and modals answered by id).
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import logging
import pkgutil
from dataclasses import dataclass
from typing import Any

import discord
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from discord.ext import commands

import cogs
from bot import heap
from bot.clock import Clock, SystemClock
from bot.config import Settings
from bot.db.database import Database, DatabaseUnusable, StorageBusy
from bot.db.file_watch import TIMER as FILE_WATCH
from bot.db.file_watch import FileWatch
from bot.db.migrate import migrate
from bot.director_log import TIMER as DIRECTOR_LOG
from bot.director_log import DirectorLogPoster
from bot.dm import DirectMessages
from bot.domain.questionnaire import Questionnaire, load_questionnaire
from bot.reports.renderer import ChartRenderer
from bot.scheduler import Timers, create_scheduler, stop_scheduler
from bot.sender import PacedSender, SendPacing
from bot.services.audit import AuditService
from bot.services.checkins import CheckinService
from bot.services.cohort_status import CohortStatusService
from bot.services.cohorts import CohortService
from bot.services.contacts import Contacts
from bot.services.delivery import CheckinDelivery, Job
from bot.services.director_log import DirectorLog
from bot.services.goals import GoalService
from bot.services.languages import LanguageService
from bot.services.matching import MatchingService
from bot.services.onboarding import OnboardingService
from bot.services.privacy import PrivacyService
from bot.services.sessions import SessionService
from bot.services.settings import SettingsService
from bot.tasks import spawn
from bot.translator import CommandTranslator
from bot.tree import MentorTree
from bot.ui.persistent import PersistentComponents
from cogs.checkins._messenger import DiscordMessenger

log = logging.getLogger(__name__)

DIRECTOR_LOG_RATE = 1.0
"""Director-log lines posted per second: well inside a channel's 5 messages per 5 s."""


@dataclass(frozen=True)
class Services:
    """Everything the cogs call into; built once in `setup_hook`."""

    settings: SettingsService
    contacts: Contacts
    onboarding: OnboardingService
    matching: MatchingService
    goals: GoalService
    checkins: CheckinService
    sessions: SessionService
    director_log: DirectorLog
    privacy: PrivacyService
    audit: AuditService
    cohorts: CohortService
    cohort_status: CohortStatusService
    languages: LanguageService


@dataclass(frozen=True)
class Delivery:
    """How the bot reaches members; built once in `setup_hook` and shared by every cog.

    `dms` is the one way to DM a member (closed-DM policy, stored channel, 40003);
    `checkins` turns due check-in rows into prompts through its messenger (which DMs
    through `dms`); `checkin_sender` paces bulk check-in sends (its jobs: `checkins.handle`).
    `director_log` posts the director log's recorded lines through `director_log_sender`.
    `charts` draws `/cohort status` charts in a worker process started on the first status.
    """

    dms: DirectMessages
    checkins: CheckinDelivery
    checkin_sender: PacedSender[Job]
    director_log: DirectorLogPoster
    director_log_sender: PacedSender[int]
    charts: ChartRenderer

    def start(self) -> None:
        self.checkin_sender.start()
        self.director_log_sender.start()

    async def close(self) -> None:
        await self.director_log.stop()
        await self.director_log_sender.stop()
        await self.checkin_sender.stop()
        self.charts.close()


def build_intents(*, members: bool) -> discord.Intents:
    """Guilds, DMs and (privileged) members; never message content: the bot reads no chat."""
    intents = discord.Intents.none()
    intents.guilds = True
    intents.members = members
    intents.dm_messages = True
    return intents


class MentorBot(commands.Bot):
    def __init__(
        self,
        settings: Settings,
        *,
        clock: Clock | None = None,
        members_intent: bool = True,
        force_sync: bool = False,
        questionnaire: Questionnaire | None = None,
    ) -> None:
        super().__init__(
            command_prefix=commands.when_mentioned,
            help_command=None,
            intents=build_intents(members=members_intent),
            tree_cls=MentorTree,
            # A programme of a few hundred often lives in a server of 50,000+: cache the
            # bot, members who join while it runs and those it looks up, never the whole
            # server (`bot.members.find_member` fetches anyone else on demand).
            chunk_guilds_at_startup=False,
            member_cache_flags=discord.MemberCacheFlags.from_intents(
                build_intents(members=members_intent)
            ),
            # Member-written text is echoed in many places: nothing pings unless a call opts in.
            allowed_mentions=discord.AllowedMentions.none(),
            max_ratelimit_timeout=60.0,
        )
        self.settings = settings
        self.clock: Clock = clock or SystemClock()
        self.force_sync = force_sync
        self._questionnaire = questionnaire
        self._db: Database | None = None
        self._teardown: asyncio.Future[None] | None = None
        self._services: Services | None = None
        self._delivery: Delivery | None = None
        self._timers_start: asyncio.Task[None] | None = None
        self.fatal: DatabaseUnusable | None = None
        self.scheduler: AsyncIOScheduler = create_scheduler()
        # One DueTimer per kind of scheduled work, added by the cog that owns it.
        self.timers = Timers(self.scheduler, self.clock)
        self.persistent = PersistentComponents(self)

    @property
    def db(self) -> Database:
        if self._db is None:
            raise RuntimeError("the database is opened in setup_hook")
        return self._db

    @property
    def services(self) -> Services:
        if self._services is None:
            raise RuntimeError("services are built in setup_hook")
        return self._services

    @property
    def delivery(self) -> Delivery:
        if self._delivery is None:
            raise RuntimeError("delivery is built in setup_hook")
        return self._delivery

    @property
    def members_intent(self) -> bool:
        """Whether the Server Members intent is part of this connection."""
        return self.intents.members

    async def setup_hook(self) -> None:
        self._db = await Database.open(self.settings.database_path)
        version = await migrate(self._db)
        log.info("Database ready at schema version %d", version)
        self.timers.add(FILE_WATCH, FileWatch(self._db, self.stop_for).run_due)
        questionnaire = self._questionnaire or load_questionnaire(self.settings.questionnaire_path)
        audit = AuditService(self._db, self.clock)
        settings = SettingsService(self._db, self.clock, audit)
        cohorts = CohortService(self._db, self.clock, audit)
        goals = GoalService(self._db, self.clock)
        director_log = DirectorLog(self._db, self.clock)
        onboarding = OnboardingService(
            self._db, self.clock, questionnaire, goals, director_log=director_log, audit=audit
        )
        contacts = Contacts(self._db)
        matching = MatchingService(
            self._db,
            self.clock,
            settings,
            onboarding,
            director_log=director_log,
            hold_introductions=True,
            audit=audit,
        )
        checkins = CheckinService(self._db, self.clock, settings, goals, director_log=director_log)
        sessions = SessionService(self._db, self.clock, matching, goals)
        privacy = PrivacyService(
            self._db,
            self.clock,
            onboarding=onboarding,
            contacts=contacts,
            goals=goals,
            checkins=checkins,
            matching=matching,
            sessions=sessions.member_data,
            settings=settings,
            director_log=director_log,
        )
        self._services = Services(
            settings=settings,
            contacts=contacts,
            onboarding=onboarding,
            matching=matching,
            goals=goals,
            checkins=checkins,
            sessions=sessions,
            director_log=director_log,
            privacy=privacy,
            audit=audit,
            cohorts=cohorts,
            cohort_status=CohortStatusService(self._db, self.clock, cohorts),
            languages=LanguageService(self._db),
        )
        self._delivery = self._build_delivery(self._services)
        self._delivery.start()
        poster = self._delivery.director_log
        self.timers.add(DIRECTOR_LOG, poster.run_due, on_start=poster.on_start)
        self.timers.add(heap.TIMER, heap.DailyRefresh().run_due)
        self.scheduler.start()
        await self.tree.set_translator(CommandTranslator())
        for name in extension_names():
            await self.load_extension(name)
        self._timers_start = spawn(self._start_timers(), name="timers-start")
        await self.sync_commands_if_changed(force=self.force_sync)

    def _build_delivery(self, services: Services) -> Delivery:
        dms = DirectMessages(self, services.contacts)

        async def handle(job: Job) -> None:
            await checkins.handle(job)

        sender: PacedSender[Job] = PacedSender(
            handle,
            SendPacing(per_second=self.settings.checkin_send_rate),
            name="checkin-sender",
            overlap=True,  # each prompt goes to a different member: no order to keep
        )
        checkins = CheckinDelivery(
            services.checkins, DiscordMessenger(self, dms), self.clock, sender.enqueue
        )
        poster = DirectorLogPoster(self, services.director_log)
        lines: PacedSender[int] = PacedSender(
            poster.post, SendPacing(per_second=DIRECTOR_LOG_RATE), name="director-log-sender"
        )
        return Delivery(
            dms=dms,
            checkins=checkins,
            checkin_sender=sender,
            director_log=poster,
            director_log_sender=lines,
            charts=ChartRenderer(),
        )

    async def _start_timers(self) -> None:
        """Scheduled work starts once Discord is reachable: what came due while the bot was
        down is sent (inside its grace window) or recorded as missed."""
        await self.wait_until_ready()
        self.timers.start()
        heap.settle()

    def stop_for(self, error: DatabaseUnusable) -> None:
        """Stop because the bot cannot go on; the runner then ends with `error`'s line."""
        if self.fatal is None:
            self.fatal = error
        spawn(self.close(), name="fatal-stop")

    async def close(self) -> None:
        """Stop in reverse order of start. A signal handler and the runner may both call
        this: every caller waits for the one teardown, so none returns with the database
        still open."""
        if self._teardown is None:
            self._teardown = asyncio.ensure_future(self._close_everything())
        await asyncio.shield(self._teardown)

    async def _close_everything(self) -> None:
        starting, self._timers_start = self._timers_start, None
        if starting is not None and not starting.done():
            starting.cancel()  # closed before Discord was ready: nothing was started
            with contextlib.suppress(asyncio.CancelledError):
                await starting
        await self.timers.stop()
        heap.release()
        if self._delivery is not None:
            await self._delivery.close()
        stop_scheduler(self.scheduler)
        await super().close()
        db, self._db = self._db, None
        if db is not None:
            await db.close()
            log.info("Database closed")

    async def on_interaction(self, interaction: discord.Interaction) -> None:
        if interaction.guild_id is None and self._delivery is not None:
            # Anything a member does in DMs shows their DMs work: stop skipping them.
            try:
                await self._delivery.dms.reopen(interaction.user.id)
            except StorageBusy:
                log.warning("The database is locked by another program; DMs not marked open")
        await self.persistent.route_modal(interaction)

    async def on_ready(self) -> None:
        user = self.user
        log.info(
            "Connected as %s (id %s) to %d server(s)",
            user,
            user.id if user else "?",
            len(self.guilds),
        )

    async def sync_commands_if_changed(self, *, force: bool = False) -> bool:
        """Sync application commands only when the tree differs from the last sync.

        Syncing is one bulk PUT, and new commands count against Discord's 200 creates a
        day, so an unchanged tree is never sent again.
        """
        guild = (
            discord.Object(id=self.settings.dev_guild_id)
            if self.settings.dev_guild_id is not None
            else None
        )
        if guild is not None:
            self.tree.copy_global_to(guild=guild)
        scope = f"guild:{guild.id}" if guild is not None else "global"
        digest = await command_tree_hash(self.tree, guild)
        key = f"command_tree_hash:{scope}"
        stored = await self.db.fetchval("SELECT value FROM app_state WHERE key = ?", (key,))
        if stored == digest and not force:
            log.info("Application commands unchanged; not syncing")
            return False
        synced = await self.tree.sync(guild=guild)
        async with self.db.transaction():
            await self.db.execute(
                "INSERT INTO app_state (key, value) VALUES (?, ?) "
                "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                (key, digest),
            )
        log.info("Synced %d application command(s) to %s", len(synced), scope)
        return True


async def command_tree_hash(tree: discord.app_commands.CommandTree[Any], guild: Any = None) -> str:
    """A digest of what a sync would send, translations included (a new catalogue entry
    syncs again)."""
    translator = tree.translator
    payload = sorted(
        [
            await command.get_translated_payload(tree, translator)
            if translator is not None
            else command.to_dict(tree)
            for command in tree.get_commands(guild=guild)
        ],
        key=lambda c: (c.get("type", 1), c["name"]),
    )
    return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()


def extension_names() -> list[str]:
    """Every module or package directly under `cogs/` is an extension."""
    return sorted(
        f"{cogs.__name__}.{module.name}"
        for module in pkgutil.iter_modules(cogs.__path__)
        if not module.name.startswith("_")
    )
