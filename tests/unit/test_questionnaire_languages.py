"""The questionnaire in two languages: each text plain (English) or `{ en, zh-CN }`, the
language question first, every limit checked in both, and one warning for what is left
untranslated."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.domain.questionnaire import (
    LANGUAGE_QUESTION,
    QuestionnaireError,
    load_questionnaire,
    parse_questionnaire,
    translation_warning,
)

SHIPPED = Path(__file__).resolve().parents[2] / "data" / "questionnaire.toml"
SOURCE = "data/questionnaire.toml"


def english_only() -> str:
    """The shipped file with every Chinese text and the declared language question removed:
    a director's file from before there were two languages."""
    text = SHIPPED.read_text(encoding="utf-8")
    start = text.index("# --- Built-in: the member's language")
    end = text.index("# --- Built-in: mentee or mentor")
    text = text[:start] + text[end:]
    lines = []
    for line in text.splitlines():
        if ".zh-CN = " in line:
            continue
        lines.append(line.replace(".en = ", " = "))
    text = "\n".join(lines)
    # Tables `{ en = "A", zh-CN = "B" }` become "A".
    text = re.sub(r'\{ en = ("[^"]*"), zh-CN = "[^"]*" \}', r"\1", text)
    # Continuation lines of removed multi-line Chinese texts.
    return re.sub(r'\n[^\n#=\[\]{}]*[\u4e00-\u9fff][^\n]*(?="""|\n)(""")?', "", text)


def test_the_shipped_file_is_translated_throughout() -> None:
    q = load_questionnaire(SHIPPED)
    assert q.untranslated == ()
    assert translation_warning(q, SOURCE) is None
    zh = q.for_language("zh-CN")
    assert zh.title == "导师计划报名" and "你的选择" in zh.privacy_notice
    assert [x.id for x in zh.questions] == [x.id for x in q.questions]
    for en_q, zh_q in zip(q.questions, zh.questions, strict=True):
        assert (en_q.kind, en_q.required, en_q.when) == (zh_q.kind, zh_q.required, zh_q.when)
        assert [c.value for c in en_q.choices] == [c.value for c in zh_q.choices]
        assert en_q.label != zh_q.label, en_q.id
    role = zh.question("role")
    assert role is not None and [c.label for c in role.choices] == ["学员", "导师"]
    assert q.for_language("en") is q


def test_the_language_question_comes_first_with_both_languages() -> None:
    q = load_questionnaire(SHIPPED)
    first = q.questions[0]
    assert first.id == LANGUAGE_QUESTION and first.required and not first.when
    assert [(c.value, c.label) for c in first.choices] == [("en", "English"), ("zh-CN", "简体中文")]


def test_a_file_from_before_is_given_the_language_question_and_one_warning() -> None:
    text = english_only()
    body = text[text.index("\n[questionnaire]") :]
    assert "zh-CN" not in body and 'id = "language"' not in body
    assert not re.search(r"[\u4e00-\u9fff]", body), "no Chinese left"
    q = parse_questionnaire(text, SOURCE)
    assert q.questions[0].id == LANGUAGE_QUESTION
    assert [c.value for c in q.questions[0].choices] == ["en", "zh-CN"]
    zh = q.for_language("zh-CN")
    assert zh.questions[0].label == "语言", "the added question is translated"
    role = zh.question("role")
    assert role is not None and role.label == "Mentee or mentor?", "English stands in"
    warning = translation_warning(q, SOURCE)
    assert warning is not None and "\n" not in warning
    assert warning.startswith(f"{SOURCE}: {len(q.untranslated)} texts have no zh-CN translation")
    assert "[questionnaire], role, areas, goals" in warning
    assert LANGUAGE_QUESTION not in warning


def test_one_missing_text_is_named() -> None:
    text = SHIPPED.read_text(encoding="utf-8").replace(
        'label = { en = "Your areas", zh-CN = "你的领域" }', 'label = "Your areas"'
    )
    q = parse_questionnaire(text, SOURCE)
    assert q.untranslated == (("areas", "'label'"),)
    assert translation_warning(q, SOURCE) == (
        f"{SOURCE}: 1 text has no zh-CN translation and will be shown in English (in areas); "
        'write them as { en = "...", zh-CN = "..." }.'
    )


def refused(text: str) -> str:
    with pytest.raises(QuestionnaireError) as info:
        parse_questionnaire(text, SOURCE)
    return str(info.value)


def test_a_chinese_text_over_a_discord_limit_is_refused() -> None:
    long_label = "很" * 46
    text = SHIPPED.read_text(encoding="utf-8").replace(
        'zh-CN = "你的领域"', f'zh-CN = "{long_label}"'
    )
    assert refused(text) == (
        f"{SOURCE}: question 'areas': 'label' (zh-CN) is 46 characters; Discord allows at most 45."
    )


@pytest.mark.parametrize(
    ("old", "new", "problem"),
    [
        (
            'label = { en = "Your areas", zh-CN = "你的领域" }',
            'label = { en = "Your areas", fr = "Vos domaines" }',
            "question 'areas': 'label' has an unknown language 'fr'; use en and zh-CN.",
        ),
        (
            'label = { en = "Your areas", zh-CN = "你的领域" }',
            'label = { zh-CN = "你的领域" }',
            "question 'areas': 'label' needs its English text",
        ),
        (
            '{ value = "zh-CN", label = "简体中文" }',
            '{ value = "zh", label = "简体中文" }',
            "question 'language': the choice values must be exactly 'en' and 'zh-CN'",
        ),
    ],
)
def test_language_mistakes_are_refused_in_one_line(old: str, new: str, problem: str) -> None:
    text = SHIPPED.read_text(encoding="utf-8")
    assert old in text
    assert problem in refused(text.replace(old, new))


def test_the_language_question_must_come_first() -> None:
    text = SHIPPED.read_text(encoding="utf-8")
    start = text.index("# --- Built-in: the member's language")
    end = text.index("# --- Built-in: mentee or mentor")
    moved = text[:start] + text[end:] + "\n" + text[start:end]
    assert "must come first" in refused(moved)
