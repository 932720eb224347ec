"""The questionnaire engine: paths through the flow for a mentee and a mentor, and how
questions group into steps. Validation messages, the answer helpers and their properties:
test_questionnaire_engine_answers.py.
"""

from __future__ import annotations

import copy
from datetime import time

import pytest

from bot.domain.questionnaire import (
    AnswerError,
    Answers,
    StepKind,
    answer,
    answer_step,
    applicable,
    areas_of,
    capacity_of,
    checkin_of,
    clean_answers,
    goals_from,
    is_complete,
    next_question,
    next_step,
    role_of,
    steps,
    summary,
    timezone_of,
)
from tests.unit.questionnaire_flow import (
    MENTEE_RAW,
    MENTOR_RAW,
    START,
    TEXTS,
    Q,
    question,
    small_questionnaire,
    walk,
)

# --------------------------------------------------------------------------- paths


def test_mentee_path() -> None:
    answers, seen = walk(MENTEE_RAW)
    assert [(kind, ids) for kind, ids, _ in seen] == [
        (StepKind.CHOICE, ["language"]),
        (StepKind.CHOICE, ["role"]),
        (StepKind.CHOICE, ["areas"]),
        (StepKind.TEXT, ["goals", "bio"]),
        (StepKind.CHOICE, ["experience"]),
        (StepKind.TIMEZONE, ["timezone"]),
        (StepKind.WEEKDAY_TIME, ["checkin"]),
        (StepKind.CHOICE, ["consent"]),
    ]
    assert seen[-1][2] == "Step 8 of 8"
    assert seen[3][2] == "Step 4 of 8"
    assert is_complete(Q, answers)
    assert next_question(Q, answers) is None
    assert answers == {
        "language": "en",
        "role": "mentee",
        "areas": ["leadership", "product"],  # order of the choices, not of the clicks
        "goals": "Give a talk at a meetup\n\n- Learn to delegate",
        "bio": "Backend developer, learning to lead",
        "experience": "3-5",
        "timezone": "Europe/London",
        "checkin": "mon 09:00",
        "consent": "agree",
    }
    assert role_of(answers) == "mentee"
    assert goals_from(answers) == ["Give a talk at a meetup", "Learn to delegate"]
    assert capacity_of(answers) is None
    assert timezone_of(answers) == "Europe/London"
    assert checkin_of(answers) == (0, time(9, 0))
    assert areas_of(answers) == ["leadership", "product"]


def test_mentor_path() -> None:
    answers, seen = walk(MENTOR_RAW)
    assert [ids for _, ids, _ in seen] == [
        ["language"],
        ["role"],
        ["areas"],
        ["capacity"],
        ["bio"],
        ["experience"],
        ["timezone"],
        ["checkin"],
        ["consent"],
    ]
    assert [p for _, _, p in seen][2:] == [f"Step {n} of 9" for n in range(3, 10)]
    assert answers["language"] == "zh-CN"
    assert is_complete(Q, answers)
    assert answers["bio"] == "" and answers["experience"] == ""  # optional, skipped
    assert role_of(answers) == "mentor"
    assert capacity_of(answers) == 3
    assert goals_from(answers) == []
    assert checkin_of(answers) == (3, time(18, 30))


def test_first_step_before_any_answer() -> None:
    step = next_step(Q, {})
    assert step is not None
    assert step.kind is StepKind.CHOICE and [x.id for x in step.questions] == ["language"]
    assert step.number == 1
    assert not is_complete(Q, {})
    assert next_question(Q, {}) == question("language")
    assert next_question(Q, START) == question("role")


def test_branch_switching_ignores_stale_answers() -> None:
    answers = answer(Q, START, "role", "mentee")
    answers = answer(Q, answers, "areas", ["data"])
    answers = answer(Q, answers, "goals", "Ship a side project")
    assert "goals" in [x.id for x in applicable(Q, answers)]
    answers = answer(Q, answers, "role", "mentor")
    ids = [x.id for x in applicable(Q, answers)]
    assert "goals" not in ids and "capacity" in ids
    assert next_question(Q, answers) == question("capacity")
    assert goals_from(answers) == []
    assert answers["goals"] == "Ship a side project"  # kept, so switching back restores it
    assert "goals" not in clean_answers(Q, answers)
    assert all(label != "Your goals" for label, _ in summary(Q, answers))
    back = answer(Q, answers, "role", "mentee")
    assert goals_from(back) == ["Ship a side project"]
    assert next_question(Q, back) == question("bio")


def test_next_step_keeps_answered_neighbours_in_a_modal() -> None:
    answers = answer_step(Q, START, {"role": "mentee", "areas": ["data"], "bio": "Hi there"})
    step = next_step(Q, answers)
    assert step is not None
    assert [x.id for x in step.questions] == ["goals", "bio"]


def test_answer_never_mutates_its_input() -> None:
    answers: Answers = {"role": "mentee", "areas": ["data"]}
    before = copy.deepcopy(answers)
    updated = answer(Q, answers, "areas", ["design", "data"])
    assert answers == before
    assert updated["areas"] == ["design", "data"]
    areas = updated["areas"]
    assert isinstance(areas, list)
    areas.append("x")
    assert answers == before


def test_answer_step_is_all_or_nothing() -> None:
    answers = answer(Q, START, "role", "mentee")
    with pytest.raises(AnswerError) as info:
        answer_step(Q, answers, {"goals": "A fine goal", "bio": "b" * 201})
    assert info.value.question_id == "bio"
    assert answers == {**START, "role": "mentee"}


def test_answer_rejects_inapplicable_and_unknown_questions() -> None:
    answers = answer(Q, START, "role", "mentee")
    with pytest.raises(AnswerError, match="doesn't apply"):
        answer(Q, answers, "capacity", "2")
    with pytest.raises(AnswerError, match="no longer part"):
        answer(Q, answers, "favourite_colour", "blue")


def test_stored_answer_no_longer_valid_is_asked_again() -> None:
    answers, _ = walk(MENTEE_RAW)
    answers["areas"] = ["basket_weaving"]
    assert not is_complete(Q, answers)
    assert next_question(Q, answers) == question("areas")


def test_garbage_in_stored_answers_is_treated_as_unanswered() -> None:
    answers: dict[str, object] = {**START, "role": 3, "areas": {"x": 1}}
    assert next_question(Q, answers) == question("role")
    assert role_of(answers) is None
    assert areas_of(answers) == []


def test_summary() -> None:
    answers, _ = walk(MENTEE_RAW)
    rows = dict(summary(Q, answers))
    assert rows["Mentee or mentor?"] == "Mentee"
    assert rows["Your areas"] == "Leadership, Product"
    assert rows["Check-in day and time"] == "Monday 09:00"
    assert rows["Your time zone"] == "Europe/London"
    assert rows["Years of experience"] == "3–5 years"
    assert rows["Privacy notice"] == "I agree"
    assert "How many mentees?" not in rows
    assert list(rows)[:2] == ["Language", "Mentee or mentor?"]
    assert rows["Language"] == "English"

    mentor, _ = walk(MENTOR_RAW)
    rows = dict(summary(Q, mentor))
    assert rows["How many mentees?"] == "3 mentees"
    assert rows["A line about you"] == "—"
    assert rows["Check-in day and time"] == "Thursday 18:30"
    assert "Your goals" not in rows


def test_summary_of_partial_answers_marks_unanswered() -> None:
    rows = dict(summary(Q, {"role": "mentor"}))
    assert rows["Mentee or mentor?"] == "Mentor"
    assert rows["Your time zone"] == "—"


# --------------------------------------------------------------------------- grouping


def test_text_questions_group_into_modals_of_at_most_five() -> None:
    q = small_questionnaire(TEXTS)
    groups = [[x.id for x in s.questions] for s in steps(q, {"role": "mentor"}) if s.kind == "text"]
    assert groups == [["bio"], ["t0", "t1", "t2", "t3", "t4"], ["t5", "t6"]]


def test_conditions_on_multi_choice_and_chains() -> None:
    q = small_questionnaire(
        '[[questions]]\nid = "speaker"\nkind = "short_text"\nlabel = "Talks"\n'
        'prompt = "Talks?"\nwhen = { areas = ["public_speaking", "writing"], role = ["mentor"] }\n'
    )
    base = {"role": "mentor", "areas": ["data", "writing"]}
    assert "speaker" in [x.id for x in applicable(q, base)]
    assert "speaker" not in [x.id for x in applicable(q, {**base, "role": "mentee"})]
    assert "speaker" not in [x.id for x in applicable(q, {**base, "areas": ["data"]})]
    assert "speaker" not in [x.id for x in applicable(q, {"areas": ["writing"]})]
