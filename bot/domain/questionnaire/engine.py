"""The questionnaire engine: pure functions over a plain answers dict.

Validation turns what a member typed or picked into one canonical answer (canonical forms
validate to themselves, so stored answers can be re-checked against an edited file); the
flow functions say which questions apply, how they group into Discord screens, and what is
still to answer. The services layer stores the answers after every step, so a member can
resume after a restart.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import time

from bot.domain import text as member_text
from bot.domain import wallclock
from bot.domain.questionnaire.model import (
    CHOICE_KINDS,
    CHOICE_TEXT_MAX,
    CONSENT_VALUE,
    GOAL_LINE_MAX,
    GOALS_MAX,
    MODAL_INPUTS_MAX,
    TEXT_KINDS,
    AnswerError,
    Answers,
    AnswerValue,
    Question,
    QuestionKind,
    Questionnaire,
    Step,
    StepKind,
)
from bot.domain.questionnaire.profile import goal_lines, goals_from
from bot.domain.wallclock import WallClockError, format_weekday_time
from bot.i18n import N_, Nn_, Text, _, n_, number

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


def _fail(question: Question, message: Text | str) -> AnswerError:
    return AnswerError(message, question.id)


def _as_text(question: Question, raw: object) -> str:
    if isinstance(raw, str):
        return raw
    if isinstance(raw, list) and len(raw) == 1 and isinstance(raw[0], str):
        return raw[0]
    if isinstance(raw, list) and not raw:
        return ""
    raise _fail(
        question, N_("Please write your answer for “{label}” as text.", label=question.label)
    )


def _as_values(question: Question, raw: object) -> list[str]:
    if isinstance(raw, str):
        return [raw] if raw.strip() else []
    if isinstance(raw, list) and all(isinstance(v, str) for v in raw):
        return list(raw)
    raise _fail(question, N_("Please pick from the menu for “{label}”.", label=question.label))


def validate(question: Question, raw: object) -> AnswerValue:
    """Check one raw answer and return its canonical form; canonical forms validate to
    themselves, so stored answers can be re-checked against an edited questionnaire."""
    if question.kind in CHOICE_KINDS:
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
    """Cleaned by the one member-text rule; nothing visible counts as no answer."""
    clean = member_text.clean_member_text if question.required else member_text.clean_optional_text
    try:
        text = clean(raw, field=question.label, max_len=question.max_length, one_line=False)
    except member_text.MemberTextError as exc:
        raise _fail(question, exc.message) from None
    if not text:
        return ""
    if len(text) < question.min_length:
        raise _fail(
            question,
            Nn_(
                "Your answer to “{label}” is {count} character; please write at least {least}.",
                "Your answer to “{label}” is {count} characters; please write at least {least}.",
                len(text),
                label=question.label,
                count=number(len(text)),
                least=number(question.min_length),
            ),
        )
    if question.id == "goals":
        goals = goal_lines(text)
        if question.required and not goals:
            raise _fail(question, N_("Please write at least one goal, one per line."))
        if len(goals) > GOALS_MAX:
            raise _fail(
                question,
                N_(
                    "You wrote {count} goals; please keep it to {most} for now "
                    "(you can add more later with /goal add).",
                    count=len(goals),
                    most=GOALS_MAX,
                ),
            )
        for n, goal in enumerate(goals, start=1):
            if len(goal) > GOAL_LINE_MAX:
                raise _fail(
                    question,
                    Nn_(
                        "Goal {n} is {count} character; please keep each goal under {most} "
                        "(one goal per line).",
                        "Goal {n} is {count} characters; please keep each goal under {most} "
                        "(one goal per line).",
                        len(goal),
                        n=n,
                        count=number(len(goal)),
                        most=number(GOAL_LINE_MAX),
                    ),
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
                N_(
                    "'{shown}' isn't one of the options for “{label}”; "
                    "please pick one from the menu.",
                    shown=shown,
                    label=question.label,
                ),
            )
        chosen.add(canonical)
    ordered = [c.value for c in question.choices if c.value in chosen]

    if question.kind is QuestionKind.SINGLE_CHOICE:
        if len(ordered) > 1:
            raise _fail(
                question, N_("Please pick just one option for “{label}”.", label=question.label)
            )
        if not ordered:
            if question.required:
                raise _fail(
                    question, N_("Please pick an option for “{label}”.", label=question.label)
                )
            return ""
        if question.id == "consent" and ordered[0] != CONSENT_VALUE:
            raise _fail(
                question,
                N_(
                    "We can only sign you up once you agree to the privacy notice. Take your "
                    "time to read it; you can pick “{agree}” whenever you're ready, or stop here.",
                    agree=_label_of(question, CONSENT_VALUE),
                ),
            )
        return ordered[0]

    if not ordered and not question.required:
        return []
    if len(ordered) < question.min_choices:
        raise _fail(
            question,
            Nn_(
                "Please pick at least {count} option for “{label}” (you picked {picked}).",
                "Please pick at least {count} options for “{label}” (you picked {picked}).",
                question.min_choices,
                label=question.label,
                picked=len(ordered),
            ),
        )
    if len(ordered) > question.max_choices:
        raise _fail(
            question,
            Nn_(
                "Please pick at most {count} option for “{label}” (you picked {picked}).",
                "Please pick at most {count} options for “{label}” (you picked {picked}).",
                question.max_choices,
                label=question.label,
                picked=len(ordered),
            ),
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


def _label_of(question: Question, value: str) -> str:
    choice = question.choice(value)
    return choice.label if choice is not None else value


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
                N_("That question is no longer part of the sign-up; please press Start again."),
                question_id,
            )
        if question not in applicable(q, updated):
            raise AnswerError(
                N_(
                    "“{label}” doesn't apply to your earlier answers any more.",
                    label=question.label,
                ),
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
        return _(", ").join(labels) if labels else "—"  # the list separator: "、" in Chinese
    if not isinstance(value, str) or not value:
        return "—"
    if question.kind is QuestionKind.WEEKDAY_TIME:
        return wallclock.show_weekday_time(*parse_weekday_time(value))
    return value


def summary(
    q: Questionnaire, answers: Mapping[str, object], *, words_hidden: bool = False
) -> list[tuple[str, str]]:
    """(label, display) for each applicable question; unanswered or skipped shows "—".

    With `words_hidden` (a director looking, PRODUCT.md §5) every free-text answer is the
    member's own words and shows only that it was answered: goals as a count, the rest as
    "Answered". List answers (role, areas, zone, capacity, check-in time) are shown as usual.
    """
    rows: list[tuple[str, str]] = []
    for question in applicable(q, answers):
        value = _valid(question, answers)
        if value is None:
            shown = "—"
        elif words_hidden and question.kind in TEXT_KINDS:
            shown = _answered(question, answers)
        else:
            shown = _display(question, value)
        rows.append((question.label, shown))
    return rows


def _answered(question: Question, answers: Mapping[str, object]) -> str:
    if question.id == "goals":
        return n_(
            "{count} goal (only the member and their mentor see the words)",
            "{count} goals (only the member and their mentor see the words)",
            len(goals_from(answers)),
        )
    return _("Answered (only the member and their mentor or mentee see the words)")
