"""The built-in questions the rest of the bot reads (language, role, areas, goals, capacity,
time zone, check-in, consent): the kinds and values they must keep, and the language
question a file from before it is given."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from bot.domain.questionnaire.model import (
    CONSENT_VALUE,
    LANGUAGE_QUESTION,
    ROLE_MENTEE,
    ROLE_MENTOR,
    Question,
    QuestionKind,
    QuestionnaireError,
)
from bot.i18n import LANGUAGES, language_name

Fail = Callable[[str | None, str], QuestionnaireError]
"""Builds the one-line error naming the file, the question and the problem."""

LANGUAGE_DEFAULT: dict[str, object] = {
    "id": LANGUAGE_QUESTION,
    "kind": "single_choice",
    "label": {"en": "Language", "zh-CN": "语言"},
    "prompt": {
        "en": "Which language should I use with you? Every message I send you will be in it.",
        "zh-CN": "你希望我用哪种语言和你交流？之后我发给你的所有消息都会使用这种语言。",
    },
    "placeholder": {"en": "Choose your language", "zh-CN": "选择你的语言"},
    "choices": [{"value": lang, "label": language_name(lang)} for lang in LANGUAGES],
    # Each language is named in itself, so its choice reads the same in every language.
}
"""The language question as a file would declare it; added first when the file does not."""


def check_builtins(questions: Sequence[Question], fail: Fail) -> None:
    """Refuse a file whose built-in questions the rest of the bot could not read."""
    by_id = {q.id: q for q in questions}
    expected = {
        LANGUAGE_QUESTION: QuestionKind.SINGLE_CHOICE,
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
            raise fail(
                None, f"the built-in question '{qid}' ({kind.value}) is missing; add it back."
            )
        if found.kind is not kind:
            raise fail(qid, f"this built-in question must be {kind.value}, not {found.kind.value}.")
    if questions[0].id != LANGUAGE_QUESTION:
        raise fail(
            LANGUAGE_QUESTION,
            "this built-in question must come first, so every later screen is in the "
            "member's language.",
        )
    language_values = [c.value for c in by_id[LANGUAGE_QUESTION].choices]
    if sorted(language_values) != sorted(LANGUAGES):
        raise fail(
            LANGUAGE_QUESTION,
            f"the choice values must be exactly {' and '.join(repr(v) for v in LANGUAGES)} "
            f"(found: {', '.join(language_values)}).",
        )
    for qid in (LANGUAGE_QUESTION, "role", "timezone", "consent"):
        q = by_id[qid]
        if q.when:
            raise fail(qid, "this built-in question is asked of everyone; remove 'when'.")
        if not q.required:
            raise fail(qid, "this built-in question cannot be optional; remove 'required'.")

    role_values = {c.value for c in by_id["role"].choices}
    if role_values != {ROLE_MENTEE, ROLE_MENTOR}:
        raise fail(
            "role",
            f"the choice values must be exactly '{ROLE_MENTEE}' and '{ROLE_MENTOR}' "
            f"(found: {', '.join(sorted(role_values))}).",
        )
    for qid, role in (("goals", ROLE_MENTEE), ("capacity", ROLE_MENTOR)):
        q = by_id[qid]
        if dict(q.when) != {"role": frozenset({role})}:
            raise fail(qid, f'this built-in question needs when = {{ role = ["{role}"] }}.')
        if not q.required:
            raise fail(qid, "this built-in question cannot be optional; remove 'required'.")
    for c in by_id["capacity"].choices:
        if not (c.value.isascii() and c.value.isdigit() and int(c.value) > 0):
            raise fail(
                "capacity",
                f"choice value '{c.value}' is not a positive whole number like \"1\".",
            )
    if by_id["consent"].choice(CONSENT_VALUE) is None:
        raise fail(
            "consent",
            f'needs a choice with value = "{CONSENT_VALUE}" (agreeing to the notice).',
        )
