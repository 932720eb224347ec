"""The questionnaire loader: the shipped file loads; each rule refuses a bad file in one line.

The documents come from tests/unit/questionnaire_docs.py and the rule table from
tests/unit/questionnaire_rule_cases.py.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.domain.questionnaire import (
    Choice,
    QuestionKind,
    QuestionnaireError,
    load_questionnaire,
    parse_questionnaire,
)
from tests.unit.questionnaire_docs import BUILTINS, SOURCE, build, choice_list, extra, parse_error
from tests.unit.questionnaire_rule_cases import CASES

SHIPPED = Path(__file__).resolve().parents[2] / "data" / "questionnaire.toml"


# --------------------------------------------------------------------------- the shipped file


def test_shipped_questionnaire_loads() -> None:
    q = load_questionnaire(SHIPPED)
    ids = [x.id for x in q.questions]
    for builtin in ("role", "areas", "goals", "capacity", "timezone", "checkin", "consent"):
        assert builtin in ids
    assert len(q.title) <= 45
    assert "never" in q.privacy_notice  # directors never see members' words
    areas = q.question("areas")
    assert areas is not None and areas.kind is QuestionKind.MULTI_CHOICE
    assert {"Leadership", "Product", "Engineering"} <= {c.label for c in areas.choices}
    assert any(not x.required for x in q.questions), "shows directors an optional question"


def test_baseline_document_is_valid() -> None:
    q = parse_questionnaire(build(), SOURCE)
    role = q.question("role")
    assert role is not None
    assert role.choices == (Choice("mentee", "Mentee"), Choice("mentor", "Mentor"))
    assert (role.min_choices, role.max_choices) == (1, 1)
    goals = q.question("goals")
    assert goals is not None
    assert goals.when == {"role": frozenset({"mentee"})}
    assert (goals.min_length, goals.max_length) == (0, 1000)
    areas = q.question("areas")
    assert areas is not None and (areas.min_choices, areas.max_choices) == (1, 2)


def test_lenient_but_unambiguous_forms_are_accepted() -> None:
    text = build(
        replace={
            "capacity": BUILTINS["capacity"].replace('"1"', "1").replace('"2"', "2"),
        },
        add=(
            extra(
                'kind = "multi_choice"\nrequired = false\n'
                'choices = [ { value = "a" }, { value = "b", label = "B" } ]\n'
                'when = { role = "mentor" }\n'
            ),
            extra('kind = "short_text"\nmax_length = 50\nmin_length = 5\n', "bio"),
        ),
    )
    q = parse_questionnaire(text, SOURCE)
    capacity = q.question("capacity")
    assert capacity is not None and [c.value for c in capacity.choices] == ["1", "2"]
    ex = q.question("extra")
    assert ex is not None
    assert ex.choices[0] == Choice("a", "a", None)  # label defaults to the value
    assert (ex.min_choices, ex.max_choices) == (0, 2)
    assert ex.when == {"role": frozenset({"mentor"})}
    bio = q.question("bio")
    assert bio is not None and (bio.min_length, bio.max_length) == (5, 50)


def test_exact_one_line_message() -> None:
    text = build(
        replace={"areas": BUILTINS["areas"].split("choices")[0] + f"choices = {choice_list(30)}\n"}
    )
    err = parse_error(text)
    assert str(err) == (
        "data/questionnaire.toml: question 'areas': has 30 choices; "
        "Discord allows at most 25 in a menu."
    )
    assert err.question_id == "areas"


# --------------------------------------------------------------------------- the file itself


def test_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "nope.toml"
    with pytest.raises(QuestionnaireError) as info:
        load_questionnaire(path)
    message = str(info.value)
    assert "\n" not in message
    assert message.startswith(str(path))
    assert "cannot read" in message and "QUESTIONNAIRE_PATH" in message


def test_directory_instead_of_file(tmp_path: Path) -> None:
    with pytest.raises(QuestionnaireError, match="cannot read"):
        load_questionnaire(tmp_path)


def test_malformed_toml_reports_line_and_column(tmp_path: Path) -> None:
    path = tmp_path / "q.toml"
    path.write_text('[questionnaire]\ntitle = "ok"\nwelcome = oops\n', encoding="utf-8")
    with pytest.raises(QuestionnaireError) as info:
        load_questionnaire(path)
    message = str(info.value)
    assert "\n" not in message
    assert message.startswith(f"{path}: is not valid TOML")
    assert "line 3" in message and "column" in message


def test_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "q.toml"
    path.write_bytes(b'[questionnaire]\ntitle = "\xff\xfe"\n')
    with pytest.raises(QuestionnaireError, match="UTF-8"):
        load_questionnaire(path)


def test_valid_file_loads_from_disk(tmp_path: Path) -> None:
    path = tmp_path / "q.toml"
    path.write_text(build(), encoding="utf-8")
    assert load_questionnaire(path).title == "Sign-up"


@pytest.mark.parametrize(
    ("name", "text", "question_id", "fragment"), CASES, ids=[c[0] for c in CASES]
)
def test_rule(name: str, text: str, question_id: str | None, fragment: str) -> None:
    err = parse_error(text)
    assert err.question_id == question_id, str(err)
    assert fragment in str(err), str(err)
    if question_id is not None:
        assert str(err).startswith(f"{SOURCE}: question '{question_id}': ")


def test_problem_text_with_newlines_stays_one_line() -> None:
    err = QuestionnaireError("a\nb.toml", "x\ny", "first\nsecond")
    assert str(err) == "a b.toml: question 'x y': first second"
