"""Custom ids of the matching components. Each carries all the state its click needs (the
server, the people, the proposal or the follow-up round), so a message from before a
restart still works; the callback re-reads everything else from the database."""

from __future__ import annotations

from typing import Literal

PREFIX = "mb:match"
Answer = Literal["yes", "not_yet", "need_help"]

_GUILD = r"(?P<guild>[0-9]{15,21})"
_MENTEE = r"(?P<mentee>[0-9]{15,21})"
_MENTOR = r"(?P<mentor>[0-9]{15,21})"
_PROPOSAL = r"(?P<proposal>[0-9]{1,12})"

INTRODUCE = rf"{PREFIX}:intro:{_GUILD}:{_MENTEE}:{_MENTOR}"
APPLY = rf"{PREFIX}:apply:{_GUILD}:{_PROPOSAL}"
CANCEL = rf"{PREFIX}:cancel:{_GUILD}:{_PROPOSAL}"
FOLLOWUP = (
    rf"{PREFIX}:met:(?P<match>[0-9]{{1,12}}):(?P<round>[0-9]{{1,3}}):"
    r"(?P<answer>yes|not_yet|need_help)"
)

TEMPLATES = (INTRODUCE, APPLY, CANCEL, FOLLOWUP)


def introduce(guild_id: int, mentee_id: int, mentor_id: int) -> str:
    return f"{PREFIX}:intro:{guild_id}:{mentee_id}:{mentor_id}"


def apply(guild_id: int, proposal_id: int) -> str:
    return f"{PREFIX}:apply:{guild_id}:{proposal_id}"


def cancel(guild_id: int, proposal_id: int) -> str:
    return f"{PREFIX}:cancel:{guild_id}:{proposal_id}"


def followup(match_id: int, round_: int, answer: Answer) -> str:
    return f"{PREFIX}:met:{match_id}:{round_}:{answer}"
