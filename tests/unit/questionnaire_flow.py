"""What the questionnaire engine tests share: the shipped questionnaire and its questions,
the raw answers of a mentee and a mentor walked through every step as the UI would, and the
shipped file with extra questions appended.

Test modules import from here, never from each other.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.domain.questionnaire import (
    AnswerError,
    Answers,
    Question,
    Questionnaire,
    StepKind,
    answer_step,
    load_questionnaire,
    next_step,
    parse_questionnaire,
    validate,
)

SHIPPED = Path(__file__).resolve().parents[2] / "data" / "questionnaire.toml"
Q = load_questionnaire(SHIPPED)


def question(qid: str) -> Question:
    found = Q.question(qid)
    assert found is not None
    return found


def error_of(qid: str, raw: object) -> str:
    with pytest.raises(AnswerError) as info:
        validate(question(qid), raw)
    assert info.value.question_id == qid
    return str(info.value)


START: Answers = {"language": "en"}
"""The language question comes first; the engine tests start after it."""

MENTEE_RAW: dict[str, object] = {
    "language": "en",
    "role": ["mentee"],
    "areas": ["product", "leadership"],
    "goals": "  Give a talk at a meetup\n\n- Learn to delegate  \n",
    "bio": "Backend developer, learning to lead",
    "experience": ["3-5"],
    "timezone": "europe/london",
    "checkin": ["Monday", "9am"],
    "consent": ["agree"],
}

MENTOR_RAW: dict[str, object] = {
    "language": ["zh-CN"],
    "role": "mentor",
    "areas": ["engineering"],
    "capacity": "3",
    "bio": "",
    "experience": [],
    "timezone": "America/New_York",
    "checkin": "thu 6:30 pm",
    "consent": "agree",
}


def walk(raws: dict[str, object]) -> tuple[Answers, list[tuple[StepKind, list[str], str]]]:
    """Answer every step the engine offers, the way the UI would."""
    answers: Answers = {}
    seen: list[tuple[StepKind, list[str], str]] = []
    while (step := next_step(Q, answers)) is not None:
        seen.append((step.kind, [x.id for x in step.questions], step.progress))
        answers = answer_step(Q, answers, {x.id: raws[x.id] for x in step.questions})
        assert len(seen) < 20
    return answers, seen


TEXTS = "\n".join(
    f'[[questions]]\nid = "t{i}"\nkind = "short_text"\nlabel = "T{i}"\nprompt = "P{i}"\n'
    for i in range(7)
)


def small_questionnaire(extra: str) -> Questionnaire:
    text = (SHIPPED.read_text(encoding="utf-8")) + "\n" + extra
    return parse_questionnaire(text, "test")
