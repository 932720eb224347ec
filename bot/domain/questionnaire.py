"""The onboarding questionnaire: its definition, the loader that validates it, and the engine.

Directors edit ``data/questionnaire.toml`` without touching code, so the loader checks every
rule Discord and the rest of the bot rely on and reports a bad file in one line. The engine
is a set of pure functions over a plain answers dict, which the services layer stores after
every step so a member can resume after a restart.
"""

from __future__ import annotations

import difflib
import re
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import time
from enum import StrEnum
from pathlib import Path
from types import MappingProxyType
from typing import Literal

from bot.domain import wallclock
from bot.domain.wallclock import (
    WallClockError,
    format_weekday_time,
    search_timezones,
    split_weekday_time,
)

__all__ = [
    "DAY_INPUT_MAX",
    "GOALS_MAX",
    "GOAL_LINE_MAX",
    "TIMEZONE_INPUT_MAX",
    "TIME_INPUT_MAX",
    "AnswerError",
    "AnswerValue",
    "Answers",
    "Choice",
    "Question",
    "QuestionKind",
    "Questionnaire",
    "QuestionnaireError",
    "Step",
    "StepKind",
    "answer",
    "answer_step",
    "applicable",
    "areas_of",
    "capacity_of",
    "checkin_of",
    "clean_answers",
    "format_weekday_time",
    "goals_from",
    "is_complete",
    "load_questionnaire",
    "next_question",
    "next_step",
    "parse_questionnaire",
    "parse_weekday_time",
    "resolve_timezone",
    "role_of",
    "search_timezones",
    "split_weekday_time",
    "steps",
    "summary",
    "timezone_of",
    "validate",
]

AnswerValue = str | list[str]
Answers = dict[str, AnswerValue]

# Discord limits the definition has to respect.
TITLE_MAX = 45  # modal title
LABEL_MAX = 45  # modal input label
PROMPT_MAX = 1000
DESCRIPTION_MAX = 100
PLACEHOLDER_MAX = 100
CHOICE_TEXT_MAX = 100  # select option value / label / description
CHOICES_MAX = 25  # options in one select menu
TEXT_INPUT_MAX = 4000  # text input max_length
MODAL_INPUTS_MAX = 5
WELCOME_MAX = 1000
PRIVACY_MAX = 2000

# Limits for the modal inputs of the timezone and weekday_time steps.
TIMEZONE_INPUT_MAX = 64
DAY_INPUT_MAX = 16
TIME_INPUT_MAX = 16

# Goals become the mentee's first goals (one per line); keep them short and few.
GOAL_LINE_MAX = 200
GOALS_MAX = 10

ROLE_MENTEE = "mentee"
ROLE_MENTOR = "mentor"
CONSENT_VALUE = "agree"

_ID_RE = re.compile(r"[a-z][a-z0-9_]{0,31}")


class QuestionKind(StrEnum):
    SINGLE_CHOICE = "single_choice"
    MULTI_CHOICE = "multi_choice"
    SHORT_TEXT = "short_text"
    LONG_TEXT = "long_text"
    TIMEZONE = "timezone"
    WEEKDAY_TIME = "weekday_time"


_CHOICE_KINDS = frozenset({QuestionKind.SINGLE_CHOICE, QuestionKind.MULTI_CHOICE})
_TEXT_KINDS = frozenset({QuestionKind.SHORT_TEXT, QuestionKind.LONG_TEXT})
_DEFAULT_MAX_LENGTH = {QuestionKind.SHORT_TEXT: 200, QuestionKind.LONG_TEXT: 1000}


class StepKind(StrEnum):
    """How the UI collects a step."""

    CHOICE = "choice"  # one select menu for one choice question
    TEXT = "text"  # one modal with 1-5 text inputs, one per question, in order
    TIMEZONE = "timezone"  # one modal with one text input (IANA name)
    WEEKDAY_TIME = "weekday_time"  # one modal with a day input and a time input


@dataclass(frozen=True, slots=True)
class Choice:
    value: str
    label: str
    description: str | None = None


@dataclass(frozen=True, slots=True)
class Question:
    id: str
    kind: QuestionKind
    label: str
    prompt: str
    description: str | None = None
    placeholder: str | None = None
    required: bool = True
    choices: tuple[Choice, ...] = ()
    min_choices: int = 0
    max_choices: int = 0
    min_length: int = 0
    max_length: int = 0
    # Every listed earlier question must have one of the listed values (AND across keys,
    # OR within a key; a multi_choice answer matches if any selected value is listed).
    when: Mapping[str, frozenset[str]] = field(default_factory=dict, hash=False)

    @property
    def is_choice(self) -> bool:
        return self.kind in _CHOICE_KINDS

    @property
    def is_text(self) -> bool:
        return self.kind in _TEXT_KINDS

    def choice(self, value: str) -> Choice | None:
        return next((c for c in self.choices if c.value == value), None)


@dataclass(frozen=True, slots=True)
class Questionnaire:
    title: str
    welcome: str
    privacy_notice: str
    questions: tuple[Question, ...]

    def question(self, question_id: str) -> Question | None:
        return next((q for q in self.questions if q.id == question_id), None)


@dataclass(frozen=True, slots=True)
class Step:
    """What one Discord screen collects, with its place in the flow."""

    kind: StepKind
    questions: tuple[Question, ...]
    number: int  # 1-based
    total: int

    @property
    def progress(self) -> str:
        return f"Step {self.number} of {self.total}"


class QuestionnaireError(Exception):
    """A bad questionnaire file; ``str()`` is one line naming file, question and problem."""

    def __init__(self, source: str, question_id: str | None, problem: str) -> None:
        self.source = source
        self.question_id = question_id
        self.problem = _one_line(problem)
        super().__init__(str(self))

    def __str__(self) -> str:
        where = f"question '{_one_line(self.question_id)}': " if self.question_id else ""
        return f"{_one_line(self.source)}: {where}{self.problem}"


class AnswerError(ValueError):
    """An answer the member should correct; the message is shown to them as is."""

    def __init__(self, message: str, question_id: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.question_id = question_id

    def __str__(self) -> str:
        return self.message


def _one_line(text: str) -> str:
    return " ".join(text.splitlines()).strip()


# --------------------------------------------------------------------------- loader


def load_questionnaire(path: Path) -> Questionnaire:
    source = str(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        raise QuestionnaireError(
            source,
            None,
            f"cannot read the questionnaire file ({reason}); check QUESTIONNAIRE_PATH.",
        ) from exc
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise QuestionnaireError(
            source, None, "the file is not UTF-8 text; save it as UTF-8."
        ) from exc
    return parse_questionnaire(text, source)


def parse_questionnaire(text: str, source: str) -> Questionnaire:
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise QuestionnaireError(source, None, f"is not valid TOML: {exc}.") from exc
    return _Parser(source).parse(doc)


_TOP_KEYS = frozenset({"questionnaire", "questions"})
_HEADER_KEYS = frozenset({"title", "welcome", "privacy_notice"})
_COMMON_KEYS = frozenset(
    {"id", "kind", "label", "prompt", "description", "placeholder", "required", "when"}
)
_KIND_KEYS: dict[QuestionKind, frozenset[str]] = {
    QuestionKind.SINGLE_CHOICE: frozenset({"choices"}),
    QuestionKind.MULTI_CHOICE: frozenset({"choices", "min", "max"}),
    QuestionKind.SHORT_TEXT: frozenset({"min_length", "max_length"}),
    QuestionKind.LONG_TEXT: frozenset({"min_length", "max_length"}),
    QuestionKind.TIMEZONE: frozenset(),
    QuestionKind.WEEKDAY_TIME: frozenset(),
}
_ALL_QUESTION_KEYS = _COMMON_KEYS.union(*_KIND_KEYS.values())
_CHOICE_KEYS = frozenset({"value", "label", "description"})
_KINDS_TEXT = ", ".join(k.value for k in QuestionKind)


def _fmt(n: int) -> str:
    return f"{n:,}"


def _plural(n: int, word: str) -> str:
    return f"{_fmt(n)} {word}" + ("" if n == 1 else "s")


class _Parser:
    def __init__(self, source: str) -> None:
        self.source = source

    def fail(self, question_id: str | None, problem: str) -> QuestionnaireError:
        return QuestionnaireError(self.source, question_id, problem)

    def parse(self, doc: Mapping[str, object]) -> Questionnaire:
        unknown = sorted(set(doc) - _TOP_KEYS)
        if unknown:
            raise self.fail(
                None,
                f"unknown top-level key '{unknown[0]}'; "
                "only [questionnaire] and [[questions]] are allowed.",
            )
        header = doc.get("questionnaire")
        if not isinstance(header, dict):
            raise self.fail(
                None, "the [questionnaire] table with title, welcome and privacy_notice is missing."
            )
        title, welcome, privacy = self.parse_header(header)
        raw_questions = doc.get("questions")
        if raw_questions is None or raw_questions == []:
            raise self.fail(None, "there are no questions; add at least one [[questions]] table.")
        if not isinstance(raw_questions, list) or not all(
            isinstance(q, dict) for q in raw_questions
        ):
            raise self.fail(None, "'questions' must be written as [[questions]] tables.")
        questions: list[Question] = []
        for position, raw in enumerate(raw_questions, start=1):
            questions.append(self.parse_question(position, raw, questions))
        self.check_builtins(questions)
        return Questionnaire(title, welcome, privacy, tuple(questions))

    def parse_header(self, header: Mapping[str, object]) -> tuple[str, str, str]:
        unknown = sorted(set(header) - _HEADER_KEYS)
        if unknown:
            raise self.fail(
                None,
                f"[questionnaire] has an unknown key '{unknown[0]}'; "
                "allowed keys are title, welcome and privacy_notice.",
            )
        limits = {"title": TITLE_MAX, "welcome": WELCOME_MAX, "privacy_notice": PRIVACY_MAX}
        values: list[str] = []
        for key, limit in limits.items():
            value = header.get(key)
            if value is None:
                raise self.fail(None, f"[questionnaire] needs a '{key}'.")
            if not isinstance(value, str) or not value.strip():
                raise self.fail(None, f"[questionnaire] '{key}' must be non-empty text.")
            value = value.strip()
            if len(value) > limit:
                raise self.fail(
                    None,
                    f"[questionnaire] '{key}' is {_plural(len(value), 'character')}; "
                    f"keep it to at most {_fmt(limit)}.",
                )
            values.append(value)
        return values[0], values[1], values[2]

    def text(
        self,
        qid: str,
        raw: Mapping[str, object],
        key: str,
        limit: int,
        *,
        required: bool,
        what: str = "",
    ) -> str | None:
        value = raw.get(key)
        name = f"{what}'{key}'" if what else f"'{key}'"
        if value is None:
            if required:
                raise self.fail(qid, f"{name} is missing.")
            return None
        if not isinstance(value, str):
            raise self.fail(qid, f"{name} must be text in quotes.")
        value = value.strip()
        if not value:
            if required:
                raise self.fail(qid, f"{name} is empty.")
            return None
        if len(value) > limit:
            raise self.fail(
                qid,
                f"{name} is {_plural(len(value), 'character')}; "
                f"Discord allows at most {_fmt(limit)}.",
            )
        return value

    def required_text(
        self, qid: str, raw: Mapping[str, object], key: str, limit: int, *, what: str = ""
    ) -> str:
        value = self.text(qid, raw, key, limit, required=True, what=what)
        if value is None:  # text() already refused a missing or empty value
            raise self.fail(qid, f"{what}'{key}' is missing.")
        return value

    def integer(self, qid: str, raw: Mapping[str, object], key: str) -> int | None:
        value = raw.get(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.fail(qid, f"'{key}' must be a whole number.")
        return value

    def parse_question(
        self, position: int, raw: Mapping[str, object], earlier: Sequence[Question]
    ) -> Question:
        qid_raw = raw.get("id")
        if not isinstance(qid_raw, str) or not qid_raw:
            raise self.fail(None, f"question #{position} has no 'id'.")
        if not _ID_RE.fullmatch(qid_raw):
            raise self.fail(
                None,
                f"question #{position} has id '{qid_raw}'; an id must start with a lowercase "
                "letter and use only a-z, 0-9 and _ (at most 32 characters).",
            )
        qid = qid_raw
        if any(q.id == qid for q in earlier):
            raise self.fail(qid, "this id is used by an earlier question; ids must be unique.")

        unknown = sorted(set(raw) - _ALL_QUESTION_KEYS)
        if unknown:
            close = difflib.get_close_matches(unknown[0], sorted(_ALL_QUESTION_KEYS), n=1)
            hint = f" (did you mean '{close[0]}'?)" if close else ""
            raise self.fail(qid, f"unknown key '{unknown[0]}'{hint}.")

        kind_raw = raw.get("kind")
        if kind_raw is None:
            raise self.fail(qid, f"'kind' is missing; use one of {_KINDS_TEXT}.")
        try:
            kind = QuestionKind(kind_raw) if isinstance(kind_raw, str) else None
        except ValueError:
            kind = None
        if kind is None:
            raise self.fail(qid, f"unknown kind '{kind_raw}'; use one of {_KINDS_TEXT}.")

        misplaced = sorted(set(raw) - _COMMON_KEYS - _KIND_KEYS[kind])
        if misplaced:
            users = [k.value for k, keys in _KIND_KEYS.items() if misplaced[0] in keys]
            raise self.fail(
                qid,
                f"'{misplaced[0]}' does not apply to a {kind.value} question "
                f"(only to {' and '.join(users)}).",
            )

        label = self.required_text(qid, raw, "label", LABEL_MAX)
        prompt = self.required_text(qid, raw, "prompt", PROMPT_MAX)
        description = self.text(qid, raw, "description", DESCRIPTION_MAX, required=False)
        placeholder = self.text(qid, raw, "placeholder", PLACEHOLDER_MAX, required=False)

        required_raw = raw.get("required", True)
        if not isinstance(required_raw, bool):
            raise self.fail(qid, "'required' must be true or false.")
        required = required_raw

        choices: tuple[Choice, ...] = ()
        min_choices = max_choices = min_length = max_length = 0
        if kind in _CHOICE_KINDS:
            choices = self.parse_choices(qid, raw.get("choices"))
            if kind is QuestionKind.SINGLE_CHOICE:
                min_choices, max_choices = (1 if required else 0), 1
            else:
                lo = self.integer(qid, raw, "min")
                hi = self.integer(qid, raw, "max")
                min_choices = lo if lo is not None else (1 if required else 0)
                max_choices = hi if hi is not None else len(choices)
                if not 0 <= min_choices <= len(choices):
                    raise self.fail(
                        qid,
                        f"'min' is {min_choices}; it must be between 0 and "
                        f"{len(choices)} (the number of choices).",
                    )
                if not 1 <= max_choices <= len(choices):
                    raise self.fail(
                        qid,
                        f"'max' is {max_choices}; it must be between 1 and "
                        f"{len(choices)} (the number of choices).",
                    )
                if min_choices > max_choices:
                    raise self.fail(
                        qid, f"'min' ({min_choices}) is larger than 'max' ({max_choices})."
                    )
        elif kind in _TEXT_KINDS:
            lo = self.integer(qid, raw, "min_length")
            hi = self.integer(qid, raw, "max_length")
            max_length = hi if hi is not None else _DEFAULT_MAX_LENGTH[kind]
            min_length = lo if lo is not None else 0
            if not 1 <= max_length <= TEXT_INPUT_MAX:
                raise self.fail(
                    qid,
                    f"'max_length' is {_fmt(max_length)}; Discord allows 1 to "
                    f"{_fmt(TEXT_INPUT_MAX)}.",
                )
            if not 0 <= min_length <= max_length:
                raise self.fail(
                    qid,
                    f"'min_length' is {_fmt(min_length)}; it must be between 0 and "
                    f"'max_length' ({_fmt(max_length)}).",
                )

        when = self.parse_when(qid, raw.get("when"), earlier)
        return Question(
            id=qid,
            kind=kind,
            label=label,
            prompt=prompt,
            description=description,
            placeholder=placeholder,
            required=required,
            choices=choices,
            min_choices=min_choices,
            max_choices=max_choices,
            min_length=min_length,
            max_length=max_length,
            when=MappingProxyType(when),
        )

    def parse_choices(self, qid: str, raw: object) -> tuple[Choice, ...]:
        if raw is None or raw == []:
            raise self.fail(qid, "a choice question needs at least 1 entry in 'choices'.")
        if not isinstance(raw, list):
            raise self.fail(qid, "'choices' must be a list like [ { value = ..., label = ... } ].")
        if len(raw) > CHOICES_MAX:
            raise self.fail(
                qid,
                f"has {len(raw)} choices; Discord allows at most {CHOICES_MAX} in a menu.",
            )
        choices: list[Choice] = []
        seen: set[str] = set()
        for n, item in enumerate(raw, start=1):
            if not isinstance(item, dict):
                raise self.fail(
                    qid, f'choice #{n} must be a table like {{ value = "x", label = "X" }}.'
                )
            unknown = sorted(set(item) - _CHOICE_KEYS)
            if unknown:
                raise self.fail(
                    qid,
                    f"choice #{n} has an unknown key '{unknown[0]}'; "
                    "use value, label and description.",
                )
            value_raw = item.get("value")
            if isinstance(value_raw, int) and not isinstance(value_raw, bool):
                value_raw = str(value_raw)
            item = {**item, "value": value_raw}
            value = self.required_text(qid, item, "value", CHOICE_TEXT_MAX, what=f"choice #{n} ")
            if value in seen:
                raise self.fail(
                    qid, f"choice value '{value}' appears twice; values must be unique."
                )
            seen.add(value)
            label = self.text(
                qid, item, "label", CHOICE_TEXT_MAX, required=False, what=f"choice '{value}' "
            )
            description = self.text(
                qid, item, "description", CHOICE_TEXT_MAX, required=False, what=f"choice '{value}' "
            )
            choices.append(Choice(value, label or value, description))
        return tuple(choices)

    def parse_when(
        self, qid: str, raw: object, earlier: Sequence[Question]
    ) -> dict[str, frozenset[str]]:
        if raw is None:
            return {}
        if not isinstance(raw, dict) or not raw:
            raise self.fail(qid, "'when' must look like { role = [\"mentee\"] }.")
        when: dict[str, frozenset[str]] = {}
        by_id = {q.id: q for q in earlier}
        for ref, values_raw in raw.items():
            target = by_id.get(ref)
            if target is None:
                raise self.fail(qid, f"'when' refers to '{ref}', which is not an earlier question.")
            if not target.is_choice:
                raise self.fail(
                    qid,
                    f"'when' refers to '{ref}', a {target.kind.value} question; "
                    "only single_choice and multi_choice answers can be used.",
                )
            values = [values_raw] if isinstance(values_raw, str) else values_raw
            if (
                not isinstance(values, list)
                or not values
                or not all(isinstance(v, str) for v in values)
            ):
                raise self.fail(qid, f"'when' for '{ref}' must be a list of choice values.")
            known = {c.value for c in target.choices}
            for value in values:
                if value not in known:
                    raise self.fail(
                        qid,
                        f"'when' uses '{value}', which is not a value of question '{ref}' "
                        f"(its values: {', '.join(sorted(known))}).",
                    )
            when[ref] = frozenset(values)
        return when

    def check_builtins(self, questions: Sequence[Question]) -> None:
        by_id = {q.id: q for q in questions}
        expected = {
            "role": QuestionKind.SINGLE_CHOICE,
            "areas": QuestionKind.MULTI_CHOICE,
            "goals": QuestionKind.LONG_TEXT,
            "capacity": QuestionKind.SINGLE_CHOICE,
            "timezone": QuestionKind.TIMEZONE,
            "checkin": QuestionKind.WEEKDAY_TIME,
            "consent": QuestionKind.SINGLE_CHOICE,
        }
        for qid, kind in expected.items():
            found = by_id.get(qid)
            if found is None:
                raise self.fail(
                    None, f"the built-in question '{qid}' ({kind.value}) is missing; add it back."
                )
            if found.kind is not kind:
                raise self.fail(
                    qid, f"this built-in question must be {kind.value}, not {found.kind.value}."
                )
        for qid in ("role", "timezone", "consent"):
            q = by_id[qid]
            if q.when:
                raise self.fail(qid, "this built-in question is asked of everyone; remove 'when'.")
            if not q.required:
                raise self.fail(
                    qid, "this built-in question cannot be optional; remove 'required'."
                )

        role_values = {c.value for c in by_id["role"].choices}
        if role_values != {ROLE_MENTEE, ROLE_MENTOR}:
            raise self.fail(
                "role",
                f"the choice values must be exactly '{ROLE_MENTEE}' and '{ROLE_MENTOR}' "
                f"(found: {', '.join(sorted(role_values))}).",
            )
        for qid, role in (("goals", ROLE_MENTEE), ("capacity", ROLE_MENTOR)):
            q = by_id[qid]
            if dict(q.when) != {"role": frozenset({role})}:
                raise self.fail(
                    qid, f'this built-in question needs when = {{ role = ["{role}"] }}.'
                )
            if not q.required:
                raise self.fail(
                    qid, "this built-in question cannot be optional; remove 'required'."
                )
        for c in by_id["capacity"].choices:
            if not (c.value.isascii() and c.value.isdigit() and int(c.value) > 0):
                raise self.fail(
                    "capacity",
                    f"choice value '{c.value}' is not a positive whole number like \"1\".",
                )
        if by_id["consent"].choice(CONSENT_VALUE) is None:
            raise self.fail(
                "consent",
                f'needs a choice with value = "{CONSENT_VALUE}" (agreeing to the notice).',
            )


# --------------------------------------------------------------------------- wall clock


def resolve_timezone(raw: str) -> str:
    """:func:`bot.domain.wallclock.resolve_timezone`, refusing with an :class:`AnswerError`."""
    try:
        return wallclock.resolve_timezone(raw)
    except WallClockError as exc:
        raise AnswerError(str(exc)) from None


def parse_weekday_time(value: str) -> tuple[int, time]:
    """:func:`bot.domain.wallclock.parse_weekday_time`, refusing with an :class:`AnswerError`."""
    try:
        return wallclock.parse_weekday_time(value)
    except WallClockError as exc:
        raise AnswerError(str(exc)) from None


# --------------------------------------------------------------------------- validation


def _fail(question: Question, message: str) -> AnswerError:
    return AnswerError(message, question.id)


def _as_text(question: Question, raw: object) -> str:
    if isinstance(raw, str):
        return raw
    if isinstance(raw, list) and len(raw) == 1 and isinstance(raw[0], str):
        return raw[0]
    if isinstance(raw, list) and not raw:
        return ""
    raise _fail(question, f"Please write your answer for “{question.label}” as text.")


def _as_values(question: Question, raw: object) -> list[str]:
    if isinstance(raw, str):
        return [raw] if raw.strip() else []
    if isinstance(raw, list) and all(isinstance(v, str) for v in raw):
        return list(raw)
    raise _fail(question, f"Please pick from the menu for “{question.label}”.")


def validate(question: Question, raw: object) -> AnswerValue:
    """Check one raw answer and return its canonical form; canonical forms validate to
    themselves, so stored answers can be re-checked against an edited questionnaire."""
    if question.kind in _CHOICE_KINDS:
        return _validate_choice(question, raw)
    if question.kind is QuestionKind.WEEKDAY_TIME:
        return _validate_weekday_time(question, raw)
    text = _as_text(question, raw)
    if question.kind is QuestionKind.TIMEZONE:
        try:
            return wallclock.resolve_timezone(text)
        except WallClockError as exc:
            raise _fail(question, str(exc)) from None
    return _validate_text(question, text)


def _validate_text(question: Question, raw: str) -> str:
    text = raw.strip()
    if not text:
        if question.required:
            raise _fail(question, f"Please write something for “{question.label}”.")
        return ""
    if len(text) > question.max_length:
        raise _fail(
            question,
            f"Your answer to “{question.label}” is {_plural(len(text), 'character')}; "
            f"please keep it under {_fmt(question.max_length)}.",
        )
    if len(text) < question.min_length:
        raise _fail(
            question,
            f"Your answer to “{question.label}” is {_plural(len(text), 'character')}; "
            f"please write at least {_fmt(question.min_length)}.",
        )
    if question.id == "goals":
        goals = _goal_lines(text)
        if question.required and not goals:
            raise _fail(question, "Please write at least one goal, one per line.")
        if len(goals) > GOALS_MAX:
            raise _fail(
                question,
                f"You wrote {len(goals)} goals; please keep it to {GOALS_MAX} for now "
                "(you can add more later with /goal add).",
            )
        for n, goal in enumerate(goals, start=1):
            if len(goal) > GOAL_LINE_MAX:
                raise _fail(
                    question,
                    f"Goal {n} is {_plural(len(goal), 'character')}; please keep each goal "
                    f"under {GOAL_LINE_MAX} (one goal per line).",
                )
    return text


def _validate_choice(question: Question, raw: object) -> AnswerValue:
    picked = _as_values(question, raw)
    by_value = {c.value: c.value for c in question.choices}
    by_lower = {c.value.lower(): c.value for c in question.choices}
    chosen: set[str] = set()
    for value in picked:
        canonical = by_value.get(value) or by_lower.get(value.strip().lower())
        if canonical is None:
            shown = value.strip()[:CHOICE_TEXT_MAX]
            raise _fail(
                question,
                f"'{shown}' isn't one of the options for “{question.label}”; "
                "please pick one from the menu.",
            )
        chosen.add(canonical)
    ordered = [c.value for c in question.choices if c.value in chosen]

    if question.kind is QuestionKind.SINGLE_CHOICE:
        if len(ordered) > 1:
            raise _fail(question, f"Please pick just one option for “{question.label}”.")
        if not ordered:
            if question.required:
                raise _fail(question, f"Please pick an option for “{question.label}”.")
            return ""
        if question.id == "consent" and ordered[0] != CONSENT_VALUE:
            raise _fail(
                question,
                "We can only sign you up once you agree to the privacy notice. Take your time "
                "to read it; you can pick “agree” whenever you're ready, or stop here.",
            )
        return ordered[0]

    if not ordered and not question.required:
        return []
    if len(ordered) < question.min_choices:
        raise _fail(
            question,
            f"Please pick at least {_plural(question.min_choices, 'option')} for "
            f"“{question.label}” (you picked {len(ordered)}).",
        )
    if len(ordered) > question.max_choices:
        raise _fail(
            question,
            f"Please pick at most {_plural(question.max_choices, 'option')} for "
            f"“{question.label}” (you picked {len(ordered)}).",
        )
    return ordered


def _validate_weekday_time(question: Question, raw: object) -> str:
    """A day and a time, from the modal's two inputs or as one line (the stored form)."""
    if isinstance(raw, list) and len(raw) == 2 and all(isinstance(v, str) for v in raw):
        day_text, time_text = raw
    else:
        day_text, time_text = None, _as_text(question, raw)
    try:
        if day_text is None:
            weekday, at = wallclock.parse_weekday_time(time_text)
        else:
            weekday, at = wallclock.parse_day(day_text), wallclock.parse_time(time_text)
    except WallClockError as exc:
        raise _fail(question, str(exc)) from None
    return format_weekday_time(weekday, at)


def _valid(question: Question, answers: Mapping[str, object]) -> AnswerValue | None:
    if question.id not in answers:
        return None
    try:
        return validate(question, answers[question.id])
    except AnswerError:
        return None


# --------------------------------------------------------------------------- engine


def applicable(q: Questionnaire, answers: Mapping[str, object]) -> list[Question]:
    """Questions to ask given the answers so far; a condition on an unanswered or
    inapplicable question does not hold, so stale answers are ignored."""
    shown: list[Question] = []
    current: dict[str, AnswerValue] = {}
    for question in q.questions:
        if all(_condition_holds(current.get(ref), values) for ref, values in question.when.items()):
            shown.append(question)
            value = _valid(question, answers)
            if value is not None:
                current[question.id] = value
    return shown


def _condition_holds(value: AnswerValue | None, allowed: frozenset[str]) -> bool:
    if value is None:
        return False
    if isinstance(value, str):
        return value in allowed
    return any(v in allowed for v in value)


def next_question(q: Questionnaire, answers: Mapping[str, object]) -> Question | None:
    return next((x for x in applicable(q, answers) if _valid(x, answers) is None), None)


def steps(q: Questionnaire, answers: Mapping[str, object]) -> list[Step]:
    """The applicable questions grouped into screens. The total can change when an answer
    opens or closes a branch (e.g. after ``role``)."""
    groups: list[tuple[StepKind, list[Question]]] = []
    for question in applicable(q, answers):
        if question.is_text:
            last = groups[-1] if groups else None
            if last and last[0] is StepKind.TEXT and len(last[1]) < MODAL_INPUTS_MAX:
                last[1].append(question)
                continue
            groups.append((StepKind.TEXT, [question]))
        elif question.is_choice:
            groups.append((StepKind.CHOICE, [question]))
        elif question.kind is QuestionKind.TIMEZONE:
            groups.append((StepKind.TIMEZONE, [question]))
        else:
            groups.append((StepKind.WEEKDAY_TIME, [question]))
    total = len(groups)
    return [Step(kind, tuple(qs), n, total) for n, (kind, qs) in enumerate(groups, start=1)]


def next_step(q: Questionnaire, answers: Mapping[str, object]) -> Step | None:
    """The screen holding the first unanswered question; a modal step also holds its
    already-answered neighbours, so the UI can prefill them from ``answers``."""
    for step in steps(q, answers):
        if any(_valid(x, answers) is None for x in step.questions):
            return step
    return None


def _copy(answers: Mapping[str, object]) -> Answers:
    copied: Answers = {}
    for key, value in answers.items():
        if isinstance(value, str):
            copied[key] = value
        elif isinstance(value, list):
            copied[key] = [v for v in value if isinstance(v, str)]
    return copied


def answer(
    q: Questionnaire, answers: Mapping[str, object], question_id: str, raw: object
) -> Answers:
    """Return new answers with one validated answer; the input is never changed."""
    return answer_step(q, answers, {question_id: raw})


def answer_step(
    q: Questionnaire, answers: Mapping[str, object], raws: Mapping[str, object]
) -> Answers:
    """Validate every answer of a step (e.g. a modal's inputs) together: all or nothing."""
    updated = _copy(answers)
    for question_id, raw in raws.items():
        question = q.question(question_id)
        if question is None:
            raise AnswerError(
                "That question is no longer part of the sign-up; please press Start again.",
                question_id,
            )
        if question not in applicable(q, updated):
            raise AnswerError(
                f"“{question.label}” doesn't apply to your earlier answers any more.",
                question_id,
            )
        updated[question_id] = validate(question, raw)
    return updated


def is_complete(q: Questionnaire, answers: Mapping[str, object]) -> bool:
    return next_question(q, answers) is None


def clean_answers(q: Questionnaire, answers: Mapping[str, object]) -> Answers:
    """Only the valid answers to applicable questions, canonicalised (e.g. for storing a
    finished profile without stale branches)."""
    cleaned: Answers = {}
    for question in applicable(q, answers):
        value = _valid(question, answers)
        if value is not None:
            cleaned[question.id] = value
    return cleaned


def _display(question: Question, value: AnswerValue) -> str:
    if question.is_choice:
        values = [value] if isinstance(value, str) else value
        labels = [c.label for c in question.choices if c.value in values]
        return ", ".join(labels) if labels else "—"
    if not isinstance(value, str) or not value:
        return "—"
    if question.kind is QuestionKind.WEEKDAY_TIME:
        return wallclock.show_weekday_time(*parse_weekday_time(value))
    return value


def summary(q: Questionnaire, answers: Mapping[str, object]) -> list[tuple[str, str]]:
    """(label, display) for each applicable question; unanswered or skipped shows "—"."""
    rows: list[tuple[str, str]] = []
    for question in applicable(q, answers):
        value = _valid(question, answers)
        rows.append((question.label, "—" if value is None else _display(question, value)))
    return rows


# --------------------------------------------------------------------------- helpers


def role_of(answers: Mapping[str, object]) -> Literal["mentee", "mentor"] | None:
    value = answers.get("role")
    if value == ROLE_MENTEE:
        return "mentee"
    if value == ROLE_MENTOR:
        return "mentor"
    return None


_BULLET_RE = re.compile(r"^(?:[-*•–]|[0-9]{1,2}[.)])(?:\s+|$)")


def _goal_lines(text: str) -> list[str]:
    goals = []
    for line in text.splitlines():
        goal = _BULLET_RE.sub("", line.strip(), count=1).strip()
        if goal:
            goals.append(goal)
    return goals


def goals_from(answers: Mapping[str, object]) -> list[str]:
    """The mentee's goals, one per non-empty line, in their words (list bullets removed)."""
    value = answers.get("goals")
    if role_of(answers) != "mentee" or not isinstance(value, str):
        return []
    return _goal_lines(value)[:GOALS_MAX]


def capacity_of(answers: Mapping[str, object]) -> int | None:
    value = answers.get("capacity")
    if role_of(answers) != "mentor" or not isinstance(value, str):
        return None
    if not (value.isascii() and value.isdigit()):
        return None
    return int(value) or None


def areas_of(answers: Mapping[str, object]) -> list[str]:
    value = answers.get("areas")
    if isinstance(value, list):
        return [v for v in value if isinstance(v, str)]
    return []


def timezone_of(answers: Mapping[str, object]) -> str | None:
    value = answers.get("timezone")
    return value if wallclock.is_timezone(value) else None


def checkin_of(answers: Mapping[str, object]) -> tuple[int, time] | None:
    value = answers.get("checkin")
    if not isinstance(value, str):
        return None
    try:
        return parse_weekday_time(value)
    except AnswerError:
        return None
