"""A member's own data: the export they can read, and the anonymous ids a deletion leaves.

`/privacy export` gives a member one JSON file of everything the bot holds about them in one
server. It is written for a person, not a program: keys are plain words, every part starts
with what it is, ids are strings (a JSON reader would round a Discord id as a number), and
instants are UTC in ISO 8601. The keys are the same in every language (a program reading
the file can rely on them); the notes that say what each part is are in the member's.

`/privacy delete` erases a member's words and personal details; what directors count
(check-in statuses, session dates and lengths, matches) stays, with the member's id replaced
by an anonymous one. Anonymous ids are negative, so they can never be a Discord id, and
numbered per server (-1, -2, …) in the order members left: the same deleted member has the
same anonymous id in every table of that server, so per-member figures (sessions per pair,
a mentee's check-in streak) stay whole.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Final

from bot.i18n import N_, Text, translated

__all__ = [
    "ABOUT_THE_FILE",
    "ExportPart",
    "add_counts",
    "export_document",
    "export_filename",
    "export_json",
    "instant",
    "is_anonymous",
    "next_anonymous_id",
]

ABOUT_THE_FILE: Final = N_(
    "Everything mentorbot holds about you in one server, as of the moment this file was "
    "made. Each part starts with what it is and who can see it. Times are in UTC "
    "(ISO 8601); Discord ids are written as text. Your partner's private words are not "
    "here: they belong to them. `/privacy delete` in that server erases your words and "
    "personal details."
)
NOTHING: Final = N_("Nothing")


@dataclass(frozen=True)
class ExportPart:
    """One part of the export, built by the service that owns the data.

    `content` is plain JSON (dicts, lists, strings, numbers, None) with keys in plain words;
    empty content is shown as "Nothing". `title` is the part's key in the file (the same in
    every language); `about` is written in the member's language when the file is made (a
    `Text`, or a plain string). `counts` names what the part holds for the deletion screen
    ("goals": 3); a kind with zero is left out there.
    """

    title: str
    about: Text | str
    content: object
    counts: Mapping[str, int] = field(default_factory=dict)

    @property
    def empty(self) -> bool:
        return self.content in (None, "", [], {})


def instant(moment: datetime | None) -> str | None:
    """An instant as the export writes it: UTC, ISO 8601, to the second."""
    if moment is None:
        return None
    return moment.replace(microsecond=0).isoformat()


def export_document(
    *,
    server_id: int,
    server_name: str,
    member_id: int,
    exported_at: datetime,
    parts: Iterable[ExportPart],
) -> dict[str, object]:
    """The whole export as one JSON object, in the order the parts were given; its notes in
    the current language."""
    document: dict[str, object] = {
        "About this file": str(ABOUT_THE_FILE),
        "Server": server_name,
        "Server id": str(server_id),
        "Your Discord id": str(member_id),
        "Made at": instant(exported_at),
    }
    for part in parts:
        document[part.title] = {
            "What this is": translated(part.about),
            "What we hold": str(NOTHING) if part.empty else part.content,
        }
    return document


def export_json(document: Mapping[str, object]) -> str:
    """Indented, with every character as written (no \\u escapes for accents or emoji)."""
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


_UNSAFE = re.compile(r"[^A-Za-z0-9]+")


def export_filename(server_name: str, day: date) -> str:
    """`mentorbot-<server>-<date>.json`, with only letters, digits and dashes."""
    slug = _UNSAFE.sub("-", server_name).strip("-").lower()[:40].strip("-") or "server"
    return f"mentorbot-{slug}-{day.isoformat()}.json"


def add_counts(total: dict[str, int], more: Mapping[str, int]) -> dict[str, int]:
    """`total` with `more` added to it, kind by kind (zeros left out)."""
    for kind, count in more.items():
        if count:
            total[kind] = total.get(kind, 0) + count
    return total


def next_anonymous_id(smallest: int | None) -> int:
    """The anonymous id after `smallest`, the lowest id already given in the server (None or
    a real, positive id when none was given yet)."""
    if smallest is None or smallest >= 0:
        return -1
    return smallest - 1


def is_anonymous(member_id: int) -> bool:
    """Whether an id stands for a member who deleted their data (never a Discord id)."""
    return member_id < 0
