"""The steps the check-in service tests take again and again: the periods written for a
member, a prompt sent the way the delivery sends it, what is due now, and the first prompt of a
Monday schedule.

Test modules import from here, never from each other; the `stack` fixture each of them
declares wires the services (tests.unit.support.checkin_stack).
"""

from __future__ import annotations

from datetime import datetime

from tests.unit.support import GUILD, MENTEE
from tests.unit.support import CheckinStack as Stack


async def periods(s: Stack, user_id: int = MENTEE) -> list[dict[str, object]]:
    rows = await s.db.fetchall(
        "SELECT * FROM checkin_periods WHERE user_id = ? ORDER BY due_at, id", (user_id,)
    )
    return [dict(row) for row in rows]


async def send(s: Stack, period_id: int, channel_id: int = 42) -> None:
    """What the delivery does for a prompt: claim, (send), mark sent."""
    prompt = await s.checkins.prompt(period_id)
    assert await s.checkins.claim(period_id, channel_id, "dm", [g.goal_id for g in prompt.goals])
    await s.checkins.mark_sent(period_id, channel_id, 1000 + period_id)


async def due_now(s: Stack) -> list[int]:
    await s.checkins.materialise(s.clock.now())
    return await s.checkins.unsent_due(s.clock.now())


async def first_due(s: Stack) -> tuple[int, datetime]:
    """Check-ins on Mondays at 10:00, and the clock at the first one: (its period, when)."""
    view = await s.checkins.set_schedule(GUILD, MENTEE, day="monday", at="10:00")
    assert view.next_due_at is not None
    s.clock.set(view.next_due_at)
    [period_id] = await due_now(s)
    return period_id, view.next_due_at


async def first_prompt(s: Stack, titles: tuple[str, ...] = ("Lead a team", "Speak")) -> int:
    for title in titles:
        await s.goals.add(GUILD, MENTEE, title)
    period_id, _ = await first_due(s)
    await send(s, period_id)
    return period_id
