"""DM reachability shared by onboarding, matching and check-ins."""

from __future__ import annotations

from bot.db.database import Database
from bot.services.contacts import Contacts
from tests.support import FakeClock

A, B, USER = 1100000000000000100, 1100000000000000200, 1100000000000000301


async def add(db: Database, clock: FakeClock, guild: int) -> None:
    await db.execute(
        "INSERT INTO members (guild_id, user_id, updated_at) VALUES (?, ?, ?)",
        (guild, USER, clock.now().isoformat()),
    )


async def test_closed_dms_are_remembered_per_server_and_reopened(
    db: Database, clock: FakeClock
) -> None:
    contacts = Contacts(db)
    for guild in (A, B):
        await add(db, clock, guild)
        await contacts.set_dm_closed(guild, USER, True)
    assert await contacts.dm_closed(A, USER) and await contacts.dm_closed(B, USER)
    assert await contacts.reopen_dms(USER, A)
    assert not await contacts.dm_closed(A, USER) and await contacts.dm_closed(B, USER)
    assert await contacts.reopen_dms(USER)
    assert not await contacts.dm_closed(B, USER)
    assert not await contacts.reopen_dms(USER), "nothing left to reopen"


async def test_a_delivered_dm_keeps_its_channel_and_opens_dms(
    db: Database, clock: FakeClock
) -> None:
    contacts = Contacts(db)
    await add(db, clock, A)
    await contacts.set_dm_closed(A, USER, True)
    await contacts.set_dm_channel(A, USER, 77)
    assert await contacts.dm_channel_of(A, USER) == 77 and await contacts.dm_closed(A, USER)
    await contacts.dm_delivered(A, USER, 78)
    assert await contacts.dm_channel_of(A, USER) == 78 and not await contacts.dm_closed(A, USER)
    await contacts.set_dm_channel(A, USER, None)
    assert await contacts.dm_channel_of(A, USER) is None
    assert await contacts.dm_channel_of(B, USER) is None
