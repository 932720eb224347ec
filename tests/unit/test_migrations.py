"""Migrations build the schema from scratch, upgrade from every earlier version, and refuse
a database newer than the code."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.db.database import Database
from bot.db.migrate import (
    Migration,
    MigrationError,
    SchemaTooNewError,
    available_migrations,
    current_version,
    migrate,
)


async def open_db(path: Path) -> Database:
    return await Database.open(path)


async def test_fresh_database_reaches_latest(tmp_path: Path) -> None:
    db = await open_db(tmp_path / "a.sqlite3")
    try:
        latest = available_migrations()[-1].version
        assert await migrate(db) == latest
        rows = await db.fetchall("SELECT version, name FROM schema_migrations ORDER BY version")
        assert [r["version"] for r in rows] == list(range(1, latest + 1))
        assert await db.fetchval("PRAGMA foreign_keys") == 1
        assert await db.fetchval("PRAGMA journal_mode") == "wal"
        # A second start applies nothing.
        assert await migrate(db) == latest
        assert await db.fetchval("SELECT count(*) FROM schema_migrations") == latest
    finally:
        await db.close()


@pytest.mark.parametrize("start", range(len(available_migrations())))
async def test_upgrade_from_each_earlier_version(tmp_path: Path, start: int) -> None:
    migrations = available_migrations()
    db = await open_db(tmp_path / "b.sqlite3")
    try:
        assert await migrate(db, migrations[:start]) == start
        assert await migrate(db) == migrations[-1].version
    finally:
        await db.close()


async def test_newer_schema_refuses_to_start(tmp_path: Path) -> None:
    db = await open_db(tmp_path / "c.sqlite3")
    try:
        await migrate(db)
        await db.execute("PRAGMA user_version = 999")
        with pytest.raises(SchemaTooNewError, match="schema version 999"):
            await migrate(db)
    finally:
        await db.close()


async def test_failed_migration_leaves_previous_version(tmp_path: Path) -> None:
    migrations = available_migrations()
    broken = Migration(
        len(migrations) + 1,
        "broken",
        "CREATE TABLE half_done (id INTEGER);\nINSERT INTO no_such_table VALUES (1);\n",
    )
    db = await open_db(tmp_path / "d.sqlite3")
    try:
        await migrate(db)
        with pytest.raises(MigrationError, match="broken"):
            await migrate(db, [*migrations, broken])
        assert await current_version(db) == migrations[-1].version
        tables = await db.fetchall("SELECT name FROM sqlite_master WHERE name = 'half_done'")
        assert tables == []
    finally:
        await db.close()


async def test_transaction_rolls_back_on_error(db: Database) -> None:
    with pytest.raises(RuntimeError):
        async with db.transaction():
            await db.execute("INSERT INTO app_state (key, value) VALUES ('k', 'v')")
            raise RuntimeError("boom")
    assert await db.fetchval("SELECT count(*) FROM app_state") == 0


async def test_other_tasks_wait_for_an_open_transaction(db: Database) -> None:
    """A write from another coroutine must never land inside someone else's transaction."""
    import asyncio

    inside = asyncio.Event()
    release = asyncio.Event()

    async def failing_transaction() -> None:
        async with db.transaction():
            await db.execute("INSERT INTO app_state (key, value) VALUES ('a', '1')")
            inside.set()
            await release.wait()
            raise RuntimeError("roll back")

    async def outsider() -> None:
        await inside.wait()
        await db.execute("INSERT INTO app_state (key, value) VALUES ('b', '2')")

    first = asyncio.create_task(failing_transaction())
    second = asyncio.create_task(outsider())
    await inside.wait()
    await asyncio.sleep(0)
    release.set()
    with pytest.raises(RuntimeError):
        await first
    await second
    rows = await db.fetchall("SELECT key FROM app_state ORDER BY key")
    assert [r["key"] for r in rows] == ["b"]


async def test_upgrade_rewrites_every_stored_instant_to_one_form(tmp_path: Path) -> None:
    """Rows written by earlier versions in each of their forms end up in the one form that
    sorts as time sorts, naming the same moment; a value that is not a time is left alone."""
    migrations = available_migrations()
    before = next(m.version for m in migrations if m.name == "instants") - 1
    db = await open_db(tmp_path / "g.sqlite3")
    try:
        await migrate(db, migrations[:before])
        # How each table was written before: `isoformat()` (no microseconds when zero),
        # the canonical form, SQLite's `…Z`, plus a foreign offset and a naive value.
        await db.execute(
            "UPDATE schema_migrations SET applied_at = ? WHERE version = 1",
            ("2026-01-01T10:00:00.123Z",),
        )
        await db.execute(
            "INSERT INTO guild_settings (guild_id, updated_at) "
            "VALUES (1, '2026-11-02T09:00:00+00:00')"
        )
        await db.execute(
            "INSERT INTO members (guild_id, user_id, joined_at, onboarded_at, consent_at, "
            "left_at, updated_at) VALUES (1, 2, '2026-11-02T09:00:00+00:00', "
            "'2026-11-02T10:30:00.250000+01:00', '2026-11-02T09:00:00', "
            "'2026-11-02T09:00:59.999900+01:00', '2026-11-02T09:00:00.500000+00:00')"
        )
        await db.execute(
            "INSERT INTO cohorts (id, guild_id, name, created_at, closed_at) "
            "VALUES (7, 1, 'Autumn', '2026-11-01T08:00:00Z', 'not a time')"
        )
        await db.execute(
            "INSERT INTO goals (guild_id, user_id, title, target_date, status, created_at, "
            "completed_at) VALUES (1, 2, 'Ship it', '2026-12-31', 'done', "
            "'2026-11-02T09:00:00+00:00', '2026-11-03T09:00:00.000001+00:00')"
        )
        await db.execute(
            "INSERT INTO audit_log (guild_id, actor_id, action, created_at) "
            "VALUES (1, 3, 'onboarding.reset', '2026-11-02T09:00:00+00:00')"
        )

        assert await migrate(db) == migrations[-1].version

        async def value(sql: str) -> object:
            return await db.fetchval(sql)

        assert await value("SELECT applied_at FROM schema_migrations WHERE version = 1") == (
            "2026-01-01T10:00:00.123000+00:00"
        )
        assert await value("SELECT updated_at FROM guild_settings") == (
            "2026-11-02T09:00:00.000000+00:00"
        )
        member = await db.fetchone("SELECT * FROM members WHERE user_id = 2")
        assert member is not None
        assert member["joined_at"] == "2026-11-02T09:00:00.000000+00:00"
        assert member["onboarded_at"] == "2026-11-02T09:30:00.250000+00:00"
        assert member["consent_at"] == "2026-11-02T09:00:00.000000+00:00"
        assert member["left_at"] == "2026-11-02T08:00:59.999900+00:00", "not rounded up"
        assert member["updated_at"] == "2026-11-02T09:00:00.500000+00:00"
        cohort = await db.fetchone("SELECT * FROM cohorts WHERE id = 7")
        assert cohort is not None
        assert cohort["created_at"] == "2026-11-01T08:00:00.000000+00:00"
        assert cohort["closed_at"] == "not a time"
        goal = await db.fetchone("SELECT * FROM goals")
        assert goal is not None
        assert goal["created_at"] == "2026-11-02T09:00:00.000000+00:00"
        assert goal["completed_at"] == "2026-11-03T09:00:00.000001+00:00"
        assert goal["target_date"] == "2026-12-31", "calendar dates are not instants"
        assert await value("SELECT created_at FROM audit_log") == (
            "2026-11-02T09:00:00.000000+00:00"
        )
        assert await db.fetchall("SELECT * FROM sqlite_temp_master") == []
    finally:
        await db.close()


async def test_upgrade_brings_checkin_answers_up_to_the_schedule(tmp_path: Path) -> None:
    """Schedules moved with `/checkin schedule` before the two were kept in step: the
    sign-up's answers follow them; matching ones, mentors and other answers are untouched."""
    migrations = available_migrations()
    before = next(m.version for m in migrations if m.name == "checkin_answers") - 1
    db = await open_db(tmp_path / "h.sqlite3")
    try:
        await migrate(db, migrations[:before])
        stamp = "2026-11-02T09:00:00.000000+00:00"
        answers = '{"role":"mentee","checkin":"mon 09:00","timezone":"Europe/London","bio":"é"}'
        for user, role in ((1, "mentee"), (2, "mentee"), (3, "mentor")):
            await db.execute(
                "INSERT INTO members (guild_id, user_id, status, role, answers, timezone, "
                "checkin_weekday, checkin_time, updated_at) "
                "VALUES (9, ?, 'onboarded', ?, ?, 'Europe/London', 0, '09:00', ?)",
                (user, role, answers, stamp),
            )
        schedules = [(1, 3, "18:30", "America/New_York"), (2, 0, "09:00", "Europe/London")]
        schedules.append((3, 4, "07:00", "Asia/Tokyo"))  # kept from when they were a mentee
        for user, weekday, at, zone in schedules:
            await db.execute(
                "INSERT INTO checkin_members (guild_id, user_id, weekday, local_time, timezone, "
                "anchor, updated_at) VALUES (9, ?, ?, ?, ?, '2026-11-02', ?)",
                (user, weekday, at, zone, stamp),
            )

        assert await migrate(db) == migrations[-1].version

        rows = {
            r["user_id"]: r for r in await db.fetchall("SELECT * FROM members WHERE guild_id = 9")
        }
        moved = rows[1]
        assert json.loads(moved["answers"]) == {
            "role": "mentee",
            "checkin": "thu 18:30",
            "timezone": "America/New_York",
            "bio": "é",
        }
        assert (moved["checkin_weekday"], moved["checkin_time"], moved["timezone"]) == (
            3,
            "18:30",
            "America/New_York",
        )
        for untouched in (rows[2], rows[3]):
            assert untouched["answers"] == answers
            assert untouched["timezone"] == "Europe/London"
    finally:
        await db.close()
