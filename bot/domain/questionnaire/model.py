"""What a questionnaire is: question kinds, questions, steps, and the two errors.

The Discord limits every definition must respect live here too, since both the loader
(which refuses a file that breaks them) and the engine (which builds screens) rely on them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from bot.i18n import N_, Language, Text

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
LANGUAGE_QUESTION = "language"
"""The built-in question asked first: the language every later screen is written in."""


class QuestionKind(StrEnum):
    SINGLE_CHOICE = "single_choice"
    MULTI_CHOICE = "multi_choice"
    SHORT_TEXT = "short_text"
    LONG_TEXT = "long_text"
    TIMEZONE = "timezone"
    WEEKDAY_TIME = "weekday_time"


CHOICE_KINDS = frozenset({QuestionKind.SINGLE_CHOICE, QuestionKind.MULTI_CHOICE})
TEXT_KINDS = frozenset({QuestionKind.SHORT_TEXT, QuestionKind.LONG_TEXT})


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
        return self.kind in CHOICE_KINDS

    @property
    def is_text(self) -> bool:
        return self.kind in TEXT_KINDS

    def choice(self, value: str) -> Choice | None:
        return next((c for c in self.choices if c.value == value), None)


@dataclass(frozen=True, slots=True)
class Questionnaire:
    """One language's questionnaire. The English one (what the loader returns) also holds
    the others, which share its ids, kinds and values so answers mean the same in each."""

    title: str
    welcome: str
    privacy_notice: str
    questions: tuple[Question, ...]
    translations: Mapping[str, Questionnaire] = field(
        default_factory=dict, hash=False, compare=False
    )
    untranslated: tuple[tuple[str | None, str], ...] = field(default=(), compare=False)
    """(question id or None for the header, which text) of every text shown in English
    for want of a translation."""

    def question(self, question_id: str) -> Question | None:
        return next((q for q in self.questions if q.id == question_id), None)

    def for_language(self, lang: Language | str) -> Questionnaire:
        """The questionnaire as a reader of `lang` sees it (English when not translated)."""
        return self.translations.get(lang, self)


@dataclass(frozen=True, slots=True)
class Step:
    """What one Discord screen collects, with its place in the flow."""

    kind: StepKind
    questions: tuple[Question, ...]
    number: int  # 1-based
    total: int

    @property
    def progress(self) -> str:
        return str(N_("Step {number} of {total}", number=self.number, total=self.total))


class QuestionnaireError(Exception):
    """A bad questionnaire file; ``str()`` is one line naming file, question and problem."""

    def __init__(self, source: str, question_id: str | None, problem: str) -> None:
        self.source = source
        self.question_id = question_id
        self.problem = one_line(problem)
        super().__init__(str(self))

    def __str__(self) -> str:
        where = f"question '{one_line(self.question_id)}': " if self.question_id else ""
        return f"{one_line(self.source)}: {where}{self.problem}"


class AnswerError(ValueError):
    """An answer the member should correct; the message is shown to them in the language
    current when it is read (a `Text`, or a text already translated)."""

    def __init__(self, message: Text | str, question_id: str | None = None) -> None:
        super().__init__(message)
        self.text = message
        self.question_id = question_id

    @property
    def message(self) -> str:
        return str(self.text)

    def __str__(self) -> str:
        return self.message


def one_line(text: str) -> str:
    return " ".join(text.splitlines()).strip()


def thousands(n: int) -> str:
    """A count as the operator reads it in a file error: ``4,000``."""
    return f"{n:,}"


def plural(n: int, word: str) -> str:
    return f"{thousands(n)} {word}" + ("" if n == 1 else "s")
