"""`/privacy export` and `/privacy delete` in the service: what the export holds, and that a
deletion leaves none of the member's words anywhere (rows, the database file's free pages,
the write-ahead log, a backup taken afterwards), keeps cohort figures as anonymous numbers,
and leaves every reference consistent."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.db.backup import take_backup
from bot.db.database import Database
from bot.services.matching import EndReason
from bot.services.privacy import COVERAGE
from tests.support import FakeClock
from tests.unit.privacy_env import (
    DIRECTOR,
    DM_CHANNEL,
    GUILD,
    MAX,
    MEI,
    OTHER_GUILD,
    WORDS,
    ZOE,
    PrivacyEnv,
    member_words,
)


@pytest.fixture
async def env(db: Database, clock: FakeClock) -> PrivacyEnv:
    return PrivacyEnv(db, clock)


def database_bytes(folder: Path) -> bytes:
    """The database file and its write-ahead log, as they are on disk."""
    found = b""
    for name in ("mentorbot.sqlite3", "mentorbot.sqlite3-wal"):
        path = folder / name
        if path.exists():
            found += path.read_bytes()
    return found


# ----------------------------------------------------------------------------- export


async def test_the_export_holds_the_members_words_and_not_the_partners(env: PrivacyEnv) -> None:
    await env.everything()
    export = await env.privacy.export(GUILD, MEI, server_name="Mentoring Circle")
    text = export.text
    for word in member_words(MEI):
        assert word in text, word
    # Max's private reflection is his; the topic he logged is the pair's (both saw it).
    assert WORDS[MAX]["reflection"] not in text
    assert WORDS[MAX]["bio"] not in text and WORDS[ZOE]["bio"] not in text
    assert WORDS[MAX]["topic"] in text
    document = json.loads(text)
    assert document["Your Discord id"] == str(MEI), "ids are text: JSON would round them"
    assert text.startswith("{\n  "), "indented for a person"
    for title, part in document.items():
        if isinstance(part, dict):
            assert part["What this is"], f"{title} explains itself"
    assert document["Goals"]["What we hold"][0]["Goal"] == WORDS[MEI]["goal"]
    assert export.filename == "mentorbot-mentoring-circle-2026-11-10.json"
    assert export.counts["goals"] == 2 and export.counts["reflections"] == 1


async def test_the_export_keeps_the_partners_confidences(env: PrivacyEnv) -> None:
    """Why a director ended a match may repeat what the partner told them; the mentee's fit
    answer is never the mentor's to read."""
    await env.everything()
    await env.matching.end_match(GUILD, MEI, EndReason.NOT_A_GOOD_FIT, DIRECTOR)
    text = (await env.privacy.export(GUILD, MAX, server_name="Mentoring Circle")).text
    assert "not_a_good_fit" not in text and "good fit" not in text.casefold()
    assert WORDS[MAX]["reflection"] in text
    assert "good fit" in (await env.privacy.export(GUILD, MEI, server_name="x")).text.casefold()


async def test_the_export_of_a_stranger_is_empty(env: PrivacyEnv) -> None:
    await env.everything()
    export = await env.privacy.export(GUILD, 42, server_name="Mentoring Circle")
    assert export.empty
    assert all(
        part["What we hold"] == "Nothing"
        for part in export.document.values()
        if isinstance(part, dict)
    )


async def test_the_export_is_of_one_server(env: PrivacyEnv) -> None:
    await env.everything()
    await env.sign_up(MEI, "mentee", guild_id=OTHER_GUILD)
    other = await env.privacy.export(OTHER_GUILD, MEI, server_name="Elsewhere")
    assert WORDS[MEI]["note"] not in other.text and WORDS[MEI]["reflection"] not in other.text
    assert other.document["Server id"] == str(OTHER_GUILD)


# ----------------------------------------------------------------------------- delete


async def test_delete_erases_the_words_everywhere_and_keeps_anonymous_numbers(
    env: PrivacyEnv, tmp_path: Path
) -> None:
    match_id = await env.everything()
    before = {
        "periods": await env.count(
            "SELECT count(*) FROM checkin_periods WHERE status <> 'pending'"
        ),
        "sessions": await env.count("SELECT count(*) FROM sessions"),
        "minutes": await env.count("SELECT sum(minutes) FROM sessions"),
        "matches": await env.count("SELECT count(*) FROM matches"),
        "members": await env.count("SELECT count(*) FROM members WHERE guild_id = ?", GUILD),
    }
    on_disk = database_bytes(tmp_path)
    for word in member_words(MEI):
        assert word.encode() in on_disk, f"{word} is on disk to begin with"

    preview = await env.privacy.preview(GUILD, MEI)
    assert preview.holds_anything and [m.id for m in preview.active_matches] == [match_id]
    deletion = await env.privacy.delete(GUILD, MEI)

    assert deletion.anonymous_id == -1
    assert deletion.erased["goals"] == 2 and deletion.erased["reflections"] == 1
    assert deletion.erased["notes"] == 1 and deletion.log_truncated
    (ended,) = deletion.ended
    assert ended.id == match_id and ended.end_reason is EndReason.OTHER

    # No row names her, none holds her words, and every reference still resolves.
    everything = await env.all_text()
    for word in member_words(MEI):
        assert word not in everything, word
    for table, coverage in COVERAGE.items():
        for column in coverage.member_columns:
            assert (
                await env.count(
                    f"SELECT count(*) FROM {table} WHERE {column} = ?",  # noqa: S608
                    MEI,
                )
                == 0
            ), f"{table}.{column}"
    assert str(MEI) not in everything, "nor her id inside a text (audit detail, proposals)"
    assert await env.db.fetchall("PRAGMA foreign_key_check") == []
    assert await env.db.fetchval("PRAGMA integrity_check") == "ok"

    # Not in the file either: not in free pages, not in an old log frame.
    on_disk = database_bytes(tmp_path)
    assert (tmp_path / "mentorbot.sqlite3-wal").stat().st_size == 0
    for word in member_words(MEI):
        assert word.encode() not in on_disk, word
    backup = take_backup(
        tmp_path / "mentorbot.sqlite3", tmp_path / "b", now=env.clock.now(), keep=2
    )
    copied = backup.read_bytes()
    for word in member_words(MEI):
        assert word.encode() not in copied, word
    assert WORDS[MAX]["reflection"].encode() in copied, "the backup holds the rest"

    # The figures directors see are unchanged, under an anonymous id.
    after = {
        "periods": await env.count(
            "SELECT count(*) FROM checkin_periods WHERE status <> 'pending'"
        ),
        "sessions": await env.count("SELECT count(*) FROM sessions"),
        "minutes": await env.count("SELECT sum(minutes) FROM sessions"),
        "matches": await env.count("SELECT count(*) FROM matches"),
        "members": await env.count("SELECT count(*) FROM members WHERE guild_id = ?", GUILD),
    }
    assert after == before
    assert await env.count("SELECT count(*) FROM sessions WHERE mentee_id = -1") == 2
    assert await env.count("SELECT count(*) FROM cohort_members WHERE user_id = -1") == 1
    anonymous = await env.db.fetchone("SELECT * FROM members WHERE user_id = -1")
    assert anonymous is not None
    assert (anonymous["status"], anonymous["role"], anonymous["answers"]) == (
        "onboarded",
        "mentee",
        "{}",
    )
    assert anonymous["left_at"] is not None and anonymous["dm_channel_id"] is None

    # Her partner keeps what is his, and nothing is sent to her any more.
    for word in (WORDS[MAX]["reflection"], WORDS[MAX]["topic"], WORDS[MAX]["bio"]):
        assert word in everything
    assert str(DM_CHANNEL) not in everything
    pending = "SELECT count(*) FROM checkin_periods WHERE user_id < 0 AND status = 'pending'"
    assert await env.count(pending) == 0
    assert await env.count("SELECT count(*) FROM checkin_members WHERE user_id < 0") == 0
    assert await env.sessions.reminders.next_due() is not None  # Max's own reminders stay
    assert await env.count("SELECT count(*) FROM session_reminders WHERE member_id < 0") == 0


async def test_delete_leaves_other_servers_and_other_members_alone(env: PrivacyEnv) -> None:
    await env.everything()
    await env.sign_up(MEI, "mentee", guild_id=OTHER_GUILD)
    zoe_before = await env.privacy.export(GUILD, ZOE, server_name="x")
    await env.privacy.delete(GUILD, MEI)
    elsewhere = await env.onboarding.get(OTHER_GUILD, MEI)
    assert elsewhere is not None and elsewhere.answers["bio"] == WORDS[MEI]["bio"]
    assert [g.title for g in await env.goals.open_goals(OTHER_GUILD, MEI)] == [WORDS[MEI]["goal"]]
    zoe_after = await env.privacy.export(GUILD, ZOE, server_name="x")
    assert zoe_after.counts == zoe_before.counts
    # Zoe appeared beside Mei in a proposal: only Mei's id there is replaced.
    pairs = json.loads(await env.db.fetchval("SELECT pairs FROM match_proposals"))
    assert sorted(pairs) == sorted([[-1, MAX], [ZOE, MAX]])


async def test_a_mentor_deleting_ends_the_match_and_keeps_the_mentees_words(
    env: PrivacyEnv,
) -> None:
    await env.everything()
    deletion = await env.privacy.delete(GUILD, MAX)
    assert [m.mentee_id for m in deletion.ended] == [MEI]
    everything = await env.all_text()
    for word in member_words(MAX):
        assert word not in everything, word
    for word in (WORDS[MEI]["reflection"], WORDS[MEI]["topic"], WORDS[MEI]["note"]):
        assert word in everything
    assert await env.count("SELECT count(*) FROM sessions WHERE mentor_id = -1") == 2
    assert await env.db.fetchall("PRAGMA foreign_key_check") == []
    assert not await env.matching.in_active_match(GUILD, MEI)


async def test_a_director_deleting_is_anonymised_in_what_they_did(env: PrivacyEnv) -> None:
    await env.everything()
    deletion = await env.privacy.delete(GUILD, DIRECTOR)
    assert deletion.ended == () and deletion.anonymous_id == -1
    for table, coverage in COVERAGE.items():
        for column in coverage.member_columns:
            assert (
                await env.count(
                    f"SELECT count(*) FROM {table} WHERE {column} = ?",  # noqa: S608
                    DIRECTOR,
                )
                == 0
            ), f"{table}.{column}"
    assert await env.count("SELECT count(*) FROM audit_log WHERE actor_id = -1") >= 1
    assert (await env.settings.get(GUILD)).director_role_id == 1, "settings themselves stay"
    assert await env.matching.in_active_match(GUILD, MEI), "the pair they made goes on"


async def test_anonymous_ids_are_numbered_per_server(env: PrivacyEnv) -> None:
    await env.everything()
    await env.sign_up(MEI, "mentee", guild_id=OTHER_GUILD)
    assert (await env.privacy.delete(GUILD, ZOE)).anonymous_id == -1
    assert (await env.privacy.delete(GUILD, MEI)).anonymous_id == -2
    assert (await env.privacy.delete(OTHER_GUILD, MEI)).anonymous_id == -1
    assert await env.count("SELECT count(*) FROM matches WHERE mentee_id = -2") == 1
    assert await env.count("SELECT count(*) FROM goals WHERE user_id = ?", MEI) == 0


async def test_nothing_to_delete_is_said_so(env: PrivacyEnv) -> None:
    preview = await env.privacy.preview(GUILD, 42)
    assert not preview.holds_anything and preview.counts == {}


async def test_a_deletion_that_would_leave_a_dangling_reference_changes_nothing(
    env: PrivacyEnv, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every owner erases inside one transaction, checked before it commits: if one step
    went wrong (here: the anonymous member row is never written), nothing is erased."""
    await env.everything()
    await env.matching.end_match(GUILD, MEI, EndReason.NEEDS_CHANGED, DIRECTOR)

    async def forgets_the_member_row(*_: object) -> dict[str, int]:
        return {}

    monkeypatch.setattr(env.onboarding, "erase_member", forgets_the_member_row)
    before = await env.all_text()
    with pytest.raises(RuntimeError, match="dangling"):
        await env.privacy.delete(GUILD, MEI)
    assert await env.all_text() == before
    assert await env.db.fetchall("PRAGMA foreign_key_check") == []
