"""Custom ids of the check-in components. Each carries the period (or server) it acts on,
so a prompt sent weeks ago, or before a restart, still works when clicked."""

from __future__ import annotations

from bot.domain.schedule import GoalStatus

PREFIX = "mb:ci"
_ID = r"[0-9]{1,20}"

ANSWER = rf"{PREFIX}:a:(?P<period>{_ID}):(?P<goal>{_ID}):(?P<status>on_track|stuck|done)"
PAGE = rf"{PREFIX}:page:(?P<period>{_ID}):(?P<page>[0-9]{{1,2}})"
NOTE = rf"{PREFIX}:note:(?P<period>{_ID})"
NOTE_MODAL = rf"{PREFIX}:nm:(?P<period>{_ID})"
DMS_OPEN = rf"{PREFIX}:dms:(?P<guild>{_ID})"

TEMPLATES = (ANSWER, PAGE, NOTE, NOTE_MODAL, DMS_OPEN)

# Inside the note modal: plain input ids, the modal's own id carries the period.
NOTE_INPUT = "note"
SHARE_INPUT = "share"


def answer(period_id: int, goal_id: int, status: GoalStatus) -> str:
    return f"{PREFIX}:a:{period_id}:{goal_id}:{status}"


def goal_label(period_id: int, goal_id: int) -> str:
    """The disabled button that names a goal on its row; never clicked, so no handler."""
    return f"{PREFIX}:g:{period_id}:{goal_id}"


def page(period_id: int, number: int) -> str:
    return f"{PREFIX}:page:{period_id}:{number}"


def note(period_id: int) -> str:
    """Every prompt has this button, which is how a sent prompt is recognised later."""
    return f"{PREFIX}:note:{period_id}"


def note_modal(period_id: int) -> str:
    return f"{PREFIX}:nm:{period_id}"


def dms_open(guild_id: int) -> str:
    return f"{PREFIX}:dms:{guild_id}"
