"""Whatever a member types, every parser and validator of member input answers with a value
or with the project's own validation error (a message to show them), never anything else:
no ValueError from a date, no OverflowError from a year, no TypeError from a menu answer.

One table lists every parser, so a new one is one more entry. The services that parse
member input themselves (check-in notes, schedules and pauses, goals, session logs) are
driven with the same texts in test_member_input_services.py.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.domain import questionnaire as qn
from bot.domain import sessions, wallclock
from bot.errors import UserError
from bot.services import goals
from tests.unit.member_input import ANYTHING, TEXT, TODAY

OURS = (UserError, qn.AnswerError, wallclock.WallClockError, sessions.SessionInputError)
QUESTIONNAIRE = qn.load_questionnaire(
    Path(__file__).resolve().parents[2] / "data" / "questionnaire.toml"
)


@dataclass(frozen=True)
class Parser:
    name: str
    call: Callable[..., object]
    arguments: st.SearchStrategy[tuple[Any, ...]]


def _answer_step(raws: dict[str, object]) -> object:
    return qn.answer_step(QUESTIONNAIRE, {}, raws)


def _answer_on_top(question_id: str, raw: object) -> object:
    earlier: qn.Answers = {"role": "mentee"}
    return qn.answer(QUESTIONNAIRE, earlier, question_id, raw)


PARSERS = [
    Parser("wallclock.parse_day", wallclock.parse_day, st.tuples(TEXT)),
    Parser("wallclock.parse_time", wallclock.parse_time, st.tuples(TEXT)),
    Parser("wallclock.parse_weekday_time", wallclock.parse_weekday_time, st.tuples(TEXT)),
    Parser("wallclock.parse_date", wallclock.parse_date, st.tuples(TEXT, TODAY)),
    Parser("wallclock.resolve_timezone", wallclock.resolve_timezone, st.tuples(TEXT)),
    Parser("wallclock.search_timezones", wallclock.search_timezones, st.tuples(TEXT)),
    Parser("questionnaire.resolve_timezone", qn.resolve_timezone, st.tuples(TEXT)),
    Parser("questionnaire.parse_weekday_time", qn.parse_weekday_time, st.tuples(TEXT)),
    *(
        Parser(
            f"questionnaire.validate[{q.kind.value}:{q.id}]",
            qn.validate,
            st.tuples(st.just(q), ANYTHING),
        )
        for q in QUESTIONNAIRE.questions
    ),
    Parser(
        "questionnaire.answer",
        _answer_on_top,
        st.tuples(st.sampled_from([q.id for q in QUESTIONNAIRE.questions] + ["nope"]), ANYTHING),
    ),
    Parser(
        "questionnaire.answer_step",
        _answer_step,
        st.tuples(
            st.dictionaries(
                st.sampled_from([q.id for q in QUESTIONNAIRE.questions]), ANYTHING, max_size=4
            )
        ),
    ),
    Parser("goals.clean_title", goals.clean_title, st.tuples(TEXT)),
    Parser("goals.parse_target_date", goals.parse_target_date, st.tuples(TEXT, TODAY)),
    Parser("sessions.clean_topic", sessions.clean_topic, st.tuples(st.one_of(st.none(), TEXT))),
    Parser(
        "sessions.check_minutes",
        sessions.check_minutes,
        st.tuples(st.one_of(st.integers(), st.booleans(), st.none(), TEXT)),
    ),
    Parser(
        "sessions.check_session_date",
        sessions.check_session_date,
        st.tuples(st.dates(), st.dates(min_value=date(1, 1, 2), max_value=date(9999, 12, 30))),
    ),
    *(
        Parser(
            f"sessions.clean_answers[{form.role}]",
            sessions.clean_answers,
            st.tuples(
                st.just(form),
                st.dictionaries(
                    st.sampled_from([f.id for f in form.fields] + ["other"]),
                    st.one_of(st.none(), TEXT),
                ),
            ),
        )
        for form in (sessions.MENTEE_FORM, sessions.MENTOR_FORM)
    ),
]


@pytest.mark.parametrize("parser", PARSERS, ids=lambda p: p.name)
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_a_parser_answers_a_value_or_a_message(parser: Parser, data: st.DataObject) -> None:
    arguments = data.draw(parser.arguments, label="arguments")
    try:
        parser.call(*arguments)
    except OURS as exc:
        message = str(exc)
        assert message.strip(), f"{parser.name}: an error without a message"
        assert len(message) <= 2000, f"{parser.name}: a message too long for Discord"
    except Exception as exc:  # the property: nothing else escapes
        raise AssertionError(
            f"{parser.name}{arguments!r:.300} raised {type(exc).__name__}: {exc}"
        ) from exc


def test_the_table_names_every_kind_of_question() -> None:
    kinds = {q.kind for q in QUESTIONNAIRE.questions}
    assert kinds == set(qn.QuestionKind), "a question kind with no parser entry"
