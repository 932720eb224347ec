"""Every table with a column naming a member is covered by `/privacy export` and
`/privacy delete`: the privacy service's declared map must match the live schema.

A new table (or a new column) that names a member fails here until it is added to
`bot.services.privacy.COVERAGE`, with the export part that shows it and what a deletion does
to it; `test_privacy_service.py` then checks that a deletion leaves the member's id in no
such column.
"""

from __future__ import annotations

import pytest

from bot.db.database import Database
from bot.services.privacy import COVERAGE
from tests.support import FakeClock
from tests.unit.privacy_env import PrivacyEnv

# Columns whose name says they hold a member's Discord id. `*_by` columns are members when
# they hold an id (an INTEGER); `claimed_by` holds a sender's run id (TEXT).
MEMBER_NAMES = frozenset(
    {"user_id", "member_id", "mentee_id", "mentor_id", "author_id", "actor_id", "target_id"}
)


def names_a_member(column: str, declared_type: str) -> bool:
    return (
        column in MEMBER_NAMES
        or column.endswith(("_user_id", "_member_id"))
        or (column.endswith("_by") and declared_type.upper().startswith("INT"))
    )


async def member_columns(db: Database) -> dict[str, frozenset[str]]:
    """Each table of the live schema that has a member column, with those columns."""
    tables = await db.fetchall(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
    )
    found: dict[str, frozenset[str]] = {}
    for table in tables:
        name = str(table["name"])
        columns = await db.fetchall(f"PRAGMA table_info({name})")
        named = frozenset(
            str(c["name"]) for c in columns if names_a_member(str(c["name"]), str(c["type"]))
        )
        if named:
            found[name] = named
    return found


@pytest.mark.parametrize(
    ("column", "kind", "member"),
    [
        ("user_id", "INTEGER", True),
        ("mentee_id", "INTEGER", True),
        ("author_id", "INTEGER", True),
        ("created_by", "INTEGER", True),
        ("decided_by", "INTEGER", True),
        ("reviewer_user_id", "INTEGER", True),
        ("claimed_by", "TEXT", False),
        ("guild_id", "INTEGER", False),
        ("dm_channel_id", "INTEGER", False),
        ("anonymous_id", "INTEGER", False),
    ],
)
def test_the_rule_tells_member_columns(column: str, kind: str, member: bool) -> None:
    assert names_a_member(column, kind) is member


async def test_every_table_naming_a_member_is_exported_and_erased(db: Database) -> None:
    live = await member_columns(db)
    declared = {table: coverage.member_columns for table, coverage in COVERAGE.items()}
    missing = sorted(set(live) - set(declared))
    assert not missing, (
        f"tables naming members that /privacy export and /privacy delete do not cover: "
        f"{missing}; add each to COVERAGE in bot/services/privacy.py with its owner's "
        "export_member and erase_member"
    )
    assert sorted(set(declared) - set(live)) == [], "COVERAGE names tables that do not exist"
    for table, columns in live.items():
        assert declared[table] == columns, f"{table}: member columns changed"
    assert "members" in live and "reflections" in live, "the rule finds the known tables"


async def test_each_covered_table_has_its_part_in_the_export(
    db: Database, clock: FakeClock
) -> None:
    titles = {part.title for part in await PrivacyEnv(db, clock).privacy.parts(1, 2)}
    for table, coverage in COVERAGE.items():
        for title in coverage.exported_in:
            assert title in titles, f"{table}: no export part named {title!r}"
