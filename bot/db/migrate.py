"""Versioned SQL migrations, applied at start-up.

Migrations are numbered files in `migrations/` (`0001_guild_settings.sql`, …) and are
never edited once merged. Each is applied in its own transaction together with its row in
`schema_migrations` and the `user_version` bump, so a failure leaves the previous version
intact. A database newer than this code refuses to start rather than guess.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import resources

from bot.db.database import Database
from bot.db.instants import to_db

log = logging.getLogger(__name__)

_NAME = re.compile(r"^(?P<version>\d{4})_(?P<name>[a-z0-9_]+)\.sql$")


class SchemaTooNewError(Exception):
    """The database was written by a newer mentorbot."""


class MigrationError(Exception):
    """A migration failed to apply; the database is left at the previous version."""


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    sql: str


def available_migrations() -> list[Migration]:
    """All migrations shipped with the package, in order, checked for gaps."""
    found: list[Migration] = []
    folder = resources.files("bot.db") / "migrations"
    for entry in folder.iterdir():
        match = _NAME.match(entry.name)
        if match is None:
            continue
        found.append(
            Migration(int(match["version"]), match["name"], entry.read_text(encoding="utf-8"))
        )
    found.sort(key=lambda m: m.version)
    for expected, migration in enumerate(found, start=1):
        if migration.version != expected:
            raise MigrationError(f"migration numbers must be 1, 2, 3…: found {migration.version}")
    return found


async def current_version(db: Database) -> int:
    return int(await db.fetchval("PRAGMA user_version") or 0)


async def migrate(db: Database, migrations: list[Migration] | None = None) -> int:
    """Bring the schema up to date; returns the resulting version."""
    migrations = available_migrations() if migrations is None else migrations
    latest = migrations[-1].version if migrations else 0
    version = await current_version(db)
    if version > latest:
        raise SchemaTooNewError(
            f"the database is at schema version {version} but this mentorbot knows only up to "
            f"{latest}: upgrade mentorbot, or point DATABASE_PATH at another file."
        )
    for migration in migrations:
        if migration.version <= version:
            continue
        await _apply(db, migration)
        log.info("Applied migration %04d_%s", migration.version, migration.name)
    return await current_version(db)


async def _apply(db: Database, migration: Migration) -> None:
    # executescript() would commit on its own; run the statements one by one inside our
    # transaction instead so the schema change, the record and the version move together.
    try:
        async with db.transaction():
            for statement in _statements(migration.sql):
                await db.execute(statement)
            await db.execute(
                "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)",
                (migration.version, migration.name, to_db(datetime.now(UTC))),
            )
            await db.execute(f"PRAGMA user_version = {migration.version:d}")
    except Exception as exc:
        raise MigrationError(
            f"migration {migration.version:04d}_{migration.name} failed: {exc}"
        ) from exc


def _statements(sql: str) -> list[str]:
    """Split a migration into statements; `sqlite3.complete_statement` respects quotes."""
    import sqlite3

    statements: list[str] = []
    buffer = ""
    for line in sql.splitlines(keepends=True):
        if not buffer and line.strip().startswith("--"):
            continue
        buffer += line
        if sqlite3.complete_statement(buffer):
            if buffer.strip().strip(";").strip():
                statements.append(buffer.strip())
            buffer = ""
    if buffer.strip():
        raise MigrationError(f"unterminated statement in migration: {buffer.strip()[:60]}")
    return statements
