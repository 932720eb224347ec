"""The onboarding questionnaire: its definition, the loader that validates it, and the engine.

Directors edit ``data/questionnaire.toml`` without touching code, so the loader checks every
rule Discord and the rest of the bot rely on and reports a bad file in one line. The engine
is a set of pure functions over a plain answers dict, which the services layer stores after
every step so a member can resume after a restart.

The package is split along those seams — :mod:`.model` (what a questionnaire is),
:mod:`.loader` (reading the file), :mod:`.engine` (validating answers and the flow) and
:mod:`.profile` (what the bot reads from answers) — and this module re-exports their
public names, so ``from bot.domain import questionnaire as qn`` is all a caller needs.
Days, times and zones are read by :mod:`bot.domain.wallclock`.
"""

from __future__ import annotations

from bot.domain.questionnaire.engine import (
    answer,
    answer_step,
    applicable,
    clean_answers,
    is_complete,
    next_question,
    next_step,
    parse_weekday_time,
    resolve_timezone,
    steps,
    summary,
    validate,
)
from bot.domain.questionnaire.loader import (
    load_questionnaire,
    parse_questionnaire,
    translation_warning,
)
from bot.domain.questionnaire.model import (
    CHOICE_TEXT_MAX,
    CHOICES_MAX,
    CONSENT_VALUE,
    DAY_INPUT_MAX,
    DESCRIPTION_MAX,
    GOAL_LINE_MAX,
    GOALS_MAX,
    LABEL_MAX,
    LANGUAGE_QUESTION,
    MODAL_INPUTS_MAX,
    PLACEHOLDER_MAX,
    PRIVACY_MAX,
    PROMPT_MAX,
    ROLE_MENTEE,
    ROLE_MENTOR,
    TEXT_INPUT_MAX,
    TIME_INPUT_MAX,
    TIMEZONE_INPUT_MAX,
    TITLE_MAX,
    WELCOME_MAX,
    AnswerError,
    Answers,
    AnswerValue,
    Choice,
    Question,
    QuestionKind,
    Questionnaire,
    QuestionnaireError,
    Step,
    StepKind,
)
from bot.domain.questionnaire.profile import (
    areas_of,
    capacity_of,
    checkin_of,
    goals_from,
    role_of,
    timezone_of,
)
from bot.domain.wallclock import format_weekday_time, search_timezones, split_weekday_time

__all__ = [
    "CHOICES_MAX",
    "CHOICE_TEXT_MAX",
    "CONSENT_VALUE",
    "DAY_INPUT_MAX",
    "DESCRIPTION_MAX",
    "GOALS_MAX",
    "GOAL_LINE_MAX",
    "LABEL_MAX",
    "LANGUAGE_QUESTION",
    "MODAL_INPUTS_MAX",
    "PLACEHOLDER_MAX",
    "PRIVACY_MAX",
    "PROMPT_MAX",
    "ROLE_MENTEE",
    "ROLE_MENTOR",
    "TEXT_INPUT_MAX",
    "TIMEZONE_INPUT_MAX",
    "TIME_INPUT_MAX",
    "TITLE_MAX",
    "WELCOME_MAX",
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
    "translation_warning",
    "validate",
]
