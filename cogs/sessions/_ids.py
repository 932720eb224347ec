"""Custom ids of the session components. Each carries the session (or match, or page) it
acts on, so a thread prompt, a reminder or a fit question sent weeks ago, or before a
restart, still works when clicked; the callback re-reads everything else, and checks who
clicked, through the session service."""

from __future__ import annotations

from bot.domain.sessions import FitAnswer

PREFIX = "mb:ses"
_ID = r"[0-9]{1,20}"

REFLECT = rf"{PREFIX}:reflect:(?P<session>{_ID})"
REFLECTION_MODAL = rf"{PREFIX}:rm:(?P<session>{_ID})"
SHARE = rf"{PREFIX}:share:(?P<session>{_ID})"
MAKE_PRIVATE = rf"{PREFIX}:private:(?P<session>{_ID})"
GOAL = rf"{PREFIX}:goal:(?P<session>{_ID})"
READ = rf"{PREFIX}:read:(?P<session>{_ID}):(?P<author>{_ID})"
FIT = rf"{PREFIX}:fit:(?P<match>{_ID}):(?P<answer>good|deciding|not_good)"
REMATCH = rf"{PREFIX}:rematch:(?P<match>{_ID})"
LOG_MODAL = rf"{PREFIX}:log:(?P<partner>{_ID})"
PAGE = rf"{PREFIX}:list:(?P<page>[0-9]{{1,4}})"

TEMPLATES = (
    REFLECT,
    REFLECTION_MODAL,
    SHARE,
    MAKE_PRIVATE,
    GOAL,
    READ,
    FIT,
    REMATCH,
    LOG_MODAL,
    PAGE,
)

# Inputs inside the modals: plain ids, the modal's own id carries the session or partner.
# The reflection form's text inputs use the form's field ids (bot.domain.sessions).
SHARE_INPUT = "share"
DATE_INPUT = "date"
MINUTES_INPUT = "minutes"
TOPIC_INPUT = "topic"
NO_PARTNER = 0
"""In the log form's id: the member named no partner (their one active partner is meant)."""


def reflect(session_id: int) -> str:
    return f"{PREFIX}:reflect:{session_id}"


def reflection_modal(session_id: int) -> str:
    return f"{PREFIX}:rm:{session_id}"


def share(session_id: int) -> str:
    return f"{PREFIX}:share:{session_id}"


def make_private(session_id: int) -> str:
    return f"{PREFIX}:private:{session_id}"


def goal(session_id: int) -> str:
    return f"{PREFIX}:goal:{session_id}"


def read(session_id: int, author_id: int) -> str:
    return f"{PREFIX}:read:{session_id}:{author_id}"


def fit(match_id: int, answer: FitAnswer) -> str:
    return f"{PREFIX}:fit:{match_id}:{answer}"


def rematch(match_id: int) -> str:
    return f"{PREFIX}:rematch:{match_id}"


def log_modal(partner_id: int | None) -> str:
    return f"{PREFIX}:log:{partner_id or NO_PARTNER}"


def page(number: int) -> str:
    return f"{PREFIX}:list:{number}"
