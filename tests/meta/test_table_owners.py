"""Each feature's tables are read and written only by the service that owns them; the others
ask that service (ARCHITECTURE: one home for each idea)."""

from __future__ import annotations

import re
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]

OWNERS: dict[str, str] = {
    "matches": "bot/services/matching/",
    "match_followups": "bot/services/matching/",
    "match_proposals": "bot/services/matching/",
    "goals": "bot/services/goals.py",
    "checkin_members": "bot/services/checkins/",
    "checkin_periods": "bot/services/checkins/",
    "checkin_answers": "bot/services/checkins/",
    "director_log_lines": "bot/services/director_log.py",
    "erased_members": "bot/services/privacy.py",
}
# Read models: the cohort reports compute every figure in set-based SQL over all the tables
# (one query per figure, not one call per member per service), so they may read any table;
# they never write one.
READ_MODELS = ("bot/services/cohort_queries.py",)
_SQL_TABLE = re.compile(r"\b(?:FROM|JOIN|INTO|UPDATE)\s+(\w+)", re.IGNORECASE)
_SQL_WRITE = re.compile(r"\b(?:INTO|UPDATE)\s+(\w+)", re.IGNORECASE)


def _sources() -> list[Path]:
    return sorted(
        path
        for folder in ("bot", "cogs")
        for path in (REPO / folder).rglob("*.py")
        if "__pycache__" not in path.parts
    )


def test_tables_are_used_only_by_their_owner() -> None:
    strays = []
    for path in _sources():
        relative = path.relative_to(REPO).as_posix()
        pattern = _SQL_WRITE if relative in READ_MODELS else _SQL_TABLE
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            for table in pattern.findall(line):
                owner = OWNERS.get(table.lower())
                if owner is not None and not relative.startswith(owner):
                    strays.append(f"{relative}:{number}: {table} (owned by {owner})")
    assert strays == [], "ask the owning service instead:\n" + "\n".join(strays)


def test_the_check_finds_what_it_looks_for() -> None:
    found = _SQL_TABLE.findall('"SELECT g.title FROM checkin_answers a JOIN goals g ON ..."')
    assert found == ["checkin_answers", "goals"]
    owned = [p for p in _sources() if p.relative_to(REPO).as_posix().startswith(OWNERS["goals"])]
    assert owned, "the owners' paths exist"
