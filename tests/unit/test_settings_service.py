from __future__ import annotations

import pytest

from bot.db.database import Database
from bot.db.instants import from_db
from bot.domain.settings import DEFAULT_CHECKIN_GRACE_HOURS, GuildSettings
from bot.errors import UserError
from bot.services.audit import AuditService
from bot.services.settings import SettingsService
from tests.support import FakeClock

GUILD = 1100000000000000100
OTHER = 1100000000000000200


async def test_unknown_guild_gets_defaults(db: Database, clock: FakeClock) -> None:
    settings = await SettingsService(db, clock).get(GUILD)
    assert settings == GuildSettings(GUILD)
    assert settings.checkin_grace_hours == DEFAULT_CHECKIN_GRACE_HOURS
    assert not settings.roles_configured


async def test_roles_and_channels_are_stored_per_guild(db: Database, clock: FakeClock) -> None:
    service = SettingsService(db, clock)
    await service.set_roles(GUILD, director=1, mentor=2, mentee=3, actor_id=9)
    await service.set_channels(
        GUILD, introductions=10, sessions=11, checkin_fallback=None, director_log=13, actor_id=9
    )
    fresh = SettingsService(db, clock)  # no cache: read back from SQLite
    settings = await fresh.get(GUILD)
    assert (settings.director_role_id, settings.mentor_role_id, settings.mentee_role_id) == (
        1,
        2,
        3,
    )
    assert settings.introductions_channel_id == 10
    assert settings.checkin_fallback_channel_id is None
    assert settings.director_log_channel_id == 13
    assert settings.roles_configured and settings.channels_configured
    assert await fresh.get(OTHER) == GuildSettings(OTHER)
    row = await db.fetchone(
        "SELECT updated_by, updated_at FROM guild_settings WHERE guild_id=?", (GUILD,)
    )
    assert row is not None and row["updated_by"] == 9
    assert from_db(row["updated_at"]) == clock.now()


async def test_cache_is_invalidated_on_write(db: Database, clock: FakeClock) -> None:
    service = SettingsService(db, clock)
    await service.set_roles(GUILD, director=1, mentor=2, mentee=3, actor_id=9)
    assert (await service.get(GUILD)).mentor_role_id == 2
    await service.set_roles(GUILD, director=1, mentor=4, mentee=3, actor_id=9)
    assert (await service.get(GUILD)).mentor_role_id == 4


@pytest.mark.parametrize(
    ("director", "mentor", "mentee", "message"),
    [
        (1, 2, 2, "two different roles"),
        (GUILD, 2, 3, "@everyone"),
        (1, GUILD, 3, "@everyone"),
    ],
)
async def test_bad_role_choices_are_refused(
    db: Database, clock: FakeClock, director: int, mentor: int, mentee: int, message: str
) -> None:
    service = SettingsService(db, clock)
    with pytest.raises(UserError, match=message):
        await service.set_roles(GUILD, director=director, mentor=mentor, mentee=mentee, actor_id=9)
    assert await db.fetchval("SELECT count(*) FROM guild_settings") == 0


async def test_every_settings_change_is_audited_with_who_when_and_what(
    db: Database, clock: FakeClock
) -> None:
    audit = AuditService(db, clock)
    service = SettingsService(db, clock, audit)
    await service.set_roles(GUILD, director=1, mentor=2, mentee=3, actor_id=9)
    await service.set_matching(GUILD, followup_days=10, actor_id=8)
    await service.set_matching(GUILD, actor_id=8)  # nothing changed: nothing audited
    entries = await audit.recent(GUILD)
    assert [(e.action, e.actor_id, e.created_at) for e in entries] == [
        ("settings.change", 8, clock.now()),
        ("settings.change", 9, clock.now()),
    ]
    assert entries[0].detail == "match_followup_days 10"
    assert entries[1].detail == "director_role_id 1, mentor_role_id 2, mentee_role_id 3"
    assert entries[0].line.endswith("<@8> changed the settings — match_followup_days 10")
    assert await audit.recent(OTHER) == []
