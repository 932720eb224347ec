"""Sessions and reflections: the rules that need no database and no Discord.

A session is what a pair logs after they meet (date, length, an optional topic in their own
words); each member then reflects in the form for their role. Reflections are private by
default. Sharing can be undone only while the partner has not read the shared text yet: once
read, it cannot be taken back, so making it private again would only pretend it could.

Member text is cleaned by the one rule of `bot.domain.text`: a topic of zero-width spaces or
a Hangul filler looks empty in Discord and is refused like an empty one. Every limit here is
one Discord enforces (thread names, modal inputs, embed fields); the tests check the forms
against them.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Final, Literal

from bot.domain.questionnaire import GOAL_LINE_MAX
from bot.domain.text import has_visible_text, normalise
from bot.domain.wallclock import WallClockError, parse_date
from bot.i18n import N_, Text, _

__all__ = [
    "FIT_ANSWERS",
    "FIT_LABELS",
    "MENTEE_FORM",
    "MENTOR_FORM",
    "MINUTES_MAX",
    "MINUTES_MIN",
    "MODAL_INPUTS_MAX",
    "MODAL_LABEL_MAX",
    "MODAL_TITLE_MAX",
    "PLACEHOLDER_MAX",
    "REMINDER_AFTER",
    "SHARE_CHOICES",
    "SHARE_LABEL",
    "SUGGESTED_MINUTES",
    "TEXT_INPUT_MAX",
    "THREAD_AUTO_ARCHIVE_MINUTES",
    "THREAD_NAME_MAX",
    "THREAD_PROBLEM_FIX",
    "TOPIC_MAX",
    "FitAnswer",
    "ReflectionField",
    "ReflectionForm",
    "Role",
    "SessionInputError",
    "ShareAction",
    "ThreadProblem",
    "check_minutes",
    "check_session_date",
    "clean_answers",
    "clean_display_name",
    "clean_topic",
    "earliest_session_date",
    "form_for",
    "has_visible_text",
    "modal_title",
    "parse_session_date",
    "reminder_due",
    "share_action",
    "short_date",
    "thread_name",
]

Role = Literal["mentee", "mentor"]
FitAnswer = Literal["good", "deciding", "not_good"]
ThreadProblem = Literal["no_channel", "channel_unavailable", "missing_permission"]
ShareAction = Literal["none", "post", "edit", "remove"]
"""What the thread needs after a reflection changed: nothing, the shared reflection posted,
its posted message edited, or its posted message removed (made private before it was read)."""

MINUTES_MIN: Final = 5
MINUTES_MAX: Final = 600
SUGGESTED_MINUTES: Final = 60
"""What a form may pre-fill; the service never assumes a length the member did not give."""
TOPIC_MAX: Final = 100
"""Fits a thread name, an embed title and a select option label, whichever shows it."""
THREAD_NAME_MAX: Final = 100
THREAD_AUTO_ARCHIVE_MINUTES: Final[Literal[10080]] = 10080
"""A week: the two-day reminder still finds the thread open; archived threads are kept."""
REMINDER_AFTER: Final = timedelta(days=2)

# Discord's modal limits (CONTRACT §1.2): at most five inputs, labels of 45, values of 4000.
MODAL_INPUTS_MAX: Final = 5
MODAL_LABEL_MAX: Final = 45
MODAL_TITLE_MAX: Final = 45
PLACEHOLDER_MAX: Final = 100
TEXT_INPUT_MAX: Final = 4000
# A shared reflection is posted as an embed whose fields hold at most 1024 characters each.
_ANSWER_MAX: Final = 1000

FIT_ANSWERS: Final[tuple[FitAnswer, ...]] = ("good", "deciding", "not_good")
FIT_LABELS: Final[Mapping[FitAnswer, Text]] = {
    "good": N_("Good fit"),
    "deciding": N_("Still deciding"),
    "not_good": N_("Not a good fit"),
}

THREAD_PROBLEM_FIX: Final[Mapping[ThreadProblem, Text]] = {
    "no_channel": N_("A server admin can choose a sessions channel with `/setup channels`."),
    "channel_unavailable": N_(
        "I can't see the sessions channel: a server admin can give me View Channel there, "
        "or pick another one with `/setup channels`."
    ),
    "missing_permission": N_(
        "I need Create Private Threads and Send Messages in Threads in the sessions "
        "channel: a server admin can check `/setup show`."
    ),
}

_MONTHS: Final = (
    N_("Jan"),
    N_("Feb"),
    N_("Mar"),
    N_("Apr"),
    N_("May"),
    N_("Jun"),
    N_("Jul"),
    N_("Aug"),
    N_("Sep"),
    N_("Oct"),
    N_("Nov"),
    N_("Dec"),
)


class SessionInputError(ValueError):
    """Input the member should correct; the message is shown to them as it is, in the
    language current when it is read (`_()` or `N_()` text)."""

    def __init__(self, message: str | Text) -> None:
        super().__init__(message)
        self._message = message

    @property
    def message(self) -> str:
        return str(self._message)

    def __str__(self) -> str:
        return self.message


# --------------------------------------------------------------------------- text


def clean_topic(raw: str | None) -> str | None:
    """The topic as stored: one line, NFC, trimmed; None when the member gave none."""
    if raw is None:
        return None
    topic = normalise(raw, one_line=True)
    if not topic:
        raise SessionInputError(
            N_("Please give the topic in a few words (e.g. *Career plan*), or leave it out.")
        )
    if len(topic) > TOPIC_MAX:
        raise SessionInputError(
            N_(
                "That topic is {length} characters; please keep it to {most}. "
                "Your reflection is the place for the details.",
                length=f"{len(topic):,}",
                most=TOPIC_MAX,
            )
        )
    return topic


def check_minutes(minutes: int) -> int:
    if isinstance(minutes, bool) or not isinstance(minutes, int):
        raise SessionInputError(N_("Please give the length of the session in minutes, e.g. 45."))
    if not MINUTES_MIN <= minutes <= MINUTES_MAX:
        raise SessionInputError(
            N_(
                "A session is logged with {least} to {most} minutes ({hours} hours); "
                "you gave {minutes}.",
                least=MINUTES_MIN,
                most=MINUTES_MAX,
                hours=MINUTES_MAX // 60,
                minutes=minutes,
            )
        )
    return minutes


def earliest_session_date(today: date) -> date:
    """One year back from `today` (28 February when today is 29 February; the calendar's
    first day when there is no year before)."""
    if today.year == date.min.year:
        return date.min
    try:
        return today.replace(year=today.year - 1)
    except ValueError:
        return today.replace(year=today.year - 1, day=28)


def check_session_date(on: date, today: date) -> date:
    """A session happened today or earlier (in the member's own zone), at most a year ago."""
    if on > today:
        raise SessionInputError(
            N_(
                "{day} hasn't happened yet where you are: log a session once you have met.",
                day=short_date(on, today=today),
            )
        )
    earliest = earliest_session_date(today)
    if on < earliest:
        raise SessionInputError(
            N_(
                "Sessions can be logged up to a year back: pick {day} or later.",
                day=short_date(earliest, today=today),
            )
        )
    return on


_HAS_YEAR = re.compile(r"\d{4}")


def parse_session_date(text: str, today: date) -> date:
    """The date of a session from what a member typed, in the forms dates take everywhere
    (`bot.domain.wallclock.parse_date`), plus "yesterday" (昨天).

    A session is in the past, so a date without a year ("12 Jan") is the latest one on or
    before `today`, not the next one to come as for a goal's target. Whether the date is
    allowed (not ahead, at most a year back) is `check_session_date`'s to say.
    """
    cleaned = " ".join(text.split()).casefold()
    if cleaned in ("yesterday", "昨天"):
        return today - timedelta(days=1)
    try:
        on = parse_date(text, today)
        if on <= today or cleaned in ("tomorrow", "明天") or _HAS_YEAR.search(cleaned):
            return on
        # The same day and month, counted from a year back: the latest one up to today.
        return parse_date(text, earliest_session_date(today))
    except WallClockError as exc:
        raise SessionInputError(str(exc)) from None


def short_date(on: date, *, today: date | None = None) -> str:
    """ "12 Jan", with the year when it is not this year ("12 Dec 2025"), in the current
    language ("1月12日")."""
    month = _MONTHS[on.month - 1]
    if today is not None and on.year == today.year:
        return _("{day} {month}", day=on.day, month=month)
    return _("{day} {month} {year}", day=on.day, month=month, year=on.year)


def reminder_due(logged_at: datetime) -> datetime:
    """Two days after the session was logged: never at once for a session logged late."""
    return logged_at + REMINDER_AFTER


# --------------------------------------------------------------------------- thread name


def _units(text: str) -> int:
    """Length as Discord may count it (UTF-16 code units): never more than the limit."""
    return len(text.encode("utf-16-le")) // 2


def _clip(text: str, limit: int) -> str:
    if _units(text) <= limit:
        return text
    out = ""
    for char in text:
        if _units(out + char) > limit - 1:
            break
        out += char
    return out.rstrip() + "…"


def clean_display_name(name: str) -> str:
    """A display name fit for a thread name: one line; "member" when nothing is visible."""
    cleaned = normalise(name, one_line=True)
    return cleaned or _("member")


def thread_name(
    seq: int, mentee_name: str, mentor_name: str, on: date, *, today: date | None = None
) -> str:
    """ "Session 3 · Mei & Max · 12 Jan", within Discord's 100 characters.

    Only the names are clipped (fairly: a short name keeps its length and the other gets the
    rest); the number and the date always show whole.
    """
    if seq < 1:
        raise ValueError("seq counts from 1")
    first, second = clean_display_name(mentee_name), clean_display_name(mentor_name)
    head = _("Session {number}", number=seq) + " · "
    tail = f" · {short_date(on, today=today)}"
    budget = THREAD_NAME_MAX - _units(head) - _units(tail) - _units(" & ")
    if _units(first) + _units(second) > budget:
        half = budget // 2
        if _units(first) <= half:
            second = _clip(second, budget - _units(first))
        elif _units(second) <= budget - half:
            first = _clip(first, budget - _units(second))
        else:
            first, second = _clip(first, half), _clip(second, budget - half)
    return f"{head}{first} & {second}{tail}"


# --------------------------------------------------------------------------- reflections


@dataclass(frozen=True)
class ReflectionField:
    id: str
    label: Text
    placeholder: Text
    paragraph: bool
    required: bool
    max_length: int


@dataclass(frozen=True)
class ReflectionForm:
    role: Role
    fields: tuple[ReflectionField, ...]

    def field(self, field_id: str) -> ReflectionField | None:
        return next((f for f in self.fields if f.id == field_id), None)


SHARE_LABEL: Final = N_("Who can read it?")
SHARE_CHOICES: Final[tuple[tuple[str, Text], ...]] = (
    ("private", N_("Only me (keep private)")),
    ("shared", N_("Share with my partner")),
)
"""The last input of every reflection form; "private" is the default."""

MENTEE_FORM: Final = ReflectionForm(
    "mentee",
    (
        ReflectionField(
            "stood_out",
            N_("What stood out for you?"),
            N_("An idea, a question, a moment from the session…"),
            paragraph=True,
            required=True,
            max_length=_ANSWER_MAX,
        ),
        ReflectionField(
            "next_step",
            N_("What will you do next?"),
            N_("One concrete step; you can make it a goal"),
            paragraph=False,
            required=False,
            max_length=GOAL_LINE_MAX,
        ),
        ReflectionField(
            "by_when",
            N_("By when?"),
            N_("A date, e.g. 2026-02-01"),
            paragraph=False,
            required=False,
            max_length=40,
        ),
    ),
)

MENTOR_FORM: Final = ReflectionForm(
    "mentor",
    (
        ReflectionField(
            "went_well",
            N_("What went well?"),
            N_("What helped your mentee in this session?"),
            paragraph=True,
            required=True,
            max_length=_ANSWER_MAX,
        ),
        ReflectionField(
            "learned",
            N_("What did you learn as a mentor?"),
            N_("Something to keep, or to try differently"),
            paragraph=True,
            required=False,
            max_length=_ANSWER_MAX,
        ),
    ),
)


def form_for(role: Role) -> ReflectionForm:
    return MENTEE_FORM if role == "mentee" else MENTOR_FORM


def modal_title(seq: int) -> str:
    return _("Reflect on session {number}", number=seq)[:MODAL_TITLE_MAX]


def clean_answers(form: ReflectionForm, raw: Mapping[str, str | None]) -> dict[str, str]:
    """The answers as stored: only the form's fields, each cleaned, empty ones left out."""
    answers: dict[str, str] = {}
    for item in form.fields:
        value = raw.get(item.id)
        text = normalise(value, one_line=not item.paragraph) if isinstance(value, str) else ""
        if not text:
            if item.required:
                raise SessionInputError(
                    N_("Please write something for “{label}”.", label=item.label)
                )
            continue
        if len(text) > item.max_length:
            raise SessionInputError(
                N_(
                    "Your answer to “{label}” is {length} characters; please keep it to {most}.",
                    label=item.label,
                    length=f"{len(text):,}",
                    most=f"{item.max_length:,}",
                )
            )
        answers[item.id] = text
    if "by_when" in answers and "next_step" not in answers:
        raise SessionInputError(
            N_(
                "You gave a date under “By when?” but no next step: add what you'll do, or "
                "leave the date empty."
            )
        )
    return answers


def share_action(
    *, exists: bool, shared: bool, read: bool, want_shared: bool, text_changed: bool
) -> ShareAction:
    """What sharing `want_shared` means for the thread, or why it is refused.

    Private by default; a private reflection can be shared at any time; a shared one can be
    made private again only until the partner has read it.
    """
    if not exists or not shared:
        return "post" if want_shared else "none"
    if want_shared:
        return "edit" if text_changed else "none"
    if read:
        raise SessionInputError(
            N_(
                "Your partner has already read this reflection, so it stays shared. You can "
                "still edit what it says."
            )
        )
    return "remove"
