"""Reading ``data/questionnaire.toml``: every rule Discord and the bot rely on is checked
here, and a bad file is reported in one line naming the file, the question and the fix.

Each text may be plain (English) or a table ``{ en = "...", zh-CN = "..." }``. The file is
read once per language, so every Discord limit is checked in both; a text without a
Chinese translation is shown in English and listed in ``Questionnaire.untranslated``, for
the one start-up warning (`translation_warning`)."""

from __future__ import annotations

import difflib
import re
import tomllib
from collections.abc import Mapping, Sequence
from pathlib import Path
from types import MappingProxyType

from bot.domain.questionnaire.builtins import LANGUAGE_DEFAULT, check_builtins
from bot.domain.questionnaire.model import (
    CHOICE_KINDS,
    CHOICE_TEXT_MAX,
    CHOICES_MAX,
    DESCRIPTION_MAX,
    LABEL_MAX,
    LANGUAGE_QUESTION,
    PLACEHOLDER_MAX,
    PRIVACY_MAX,
    PROMPT_MAX,
    TEXT_INPUT_MAX,
    TEXT_KINDS,
    TITLE_MAX,
    WELCOME_MAX,
    Choice,
    Question,
    QuestionKind,
    Questionnaire,
    QuestionnaireError,
    plural,
    thousands,
)
from bot.i18n import DEFAULT, LANGUAGES, Language

_ID_RE = re.compile(r"[a-z][a-z0-9_]{0,31}")
_DEFAULT_MAX_LENGTH = {QuestionKind.SHORT_TEXT: 200, QuestionKind.LONG_TEXT: 1000}


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
    """The English questionnaire, holding the other languages' (`for_language`)."""
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise QuestionnaireError(source, None, f"is not valid TOML: {exc}.") from exc
    base = _Parser(source, DEFAULT).parse(doc)
    translations: dict[str, Questionnaire] = {}
    untranslated: list[tuple[str | None, str]] = []
    for lang in LANGUAGES:
        if lang == DEFAULT:
            continue
        parser = _Parser(source, lang)
        translations[lang] = parser.parse(doc)
        untranslated += parser.missing
    return Questionnaire(
        base.title,
        base.welcome,
        base.privacy_notice,
        base.questions,
        translations=MappingProxyType(translations),
        untranslated=tuple(untranslated),
    )


def translation_warning(q: Questionnaire, source: str) -> str | None:
    """One line for the start-up: how many texts lack a translation, and where."""
    if not q.untranslated:
        return None
    count = len(q.untranslated)
    ids = list(dict.fromkeys(qid or "[questionnaire]" for qid, _key in q.untranslated))
    texts = "text has" if count == 1 else "texts have"
    return (
        f"{source}: {count} {texts} no zh-CN translation and will be shown in English "
        f'(in {", ".join(ids)}); write them as {{ en = "...", zh-CN = "..." }}.'
    )


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
_LANGUAGE_KEYS = frozenset(LANGUAGES)


class _Parser:
    """Reads the file as a reader of one language sees it."""

    def __init__(self, source: str, lang: Language) -> None:
        self.source = source
        self.lang = lang
        self.tag = "" if lang == DEFAULT else f" ({lang})"
        self.missing: list[tuple[str | None, str]] = []

    def localised(self, qid: str | None, value: object, name: str) -> object:
        """The text of this parser's language from a plain text or an `{ en, zh-CN }` table
        (English when the language is missing); anything else is returned for the caller
        to refuse."""
        if isinstance(value, dict):
            unknown = sorted(set(value) - _LANGUAGE_KEYS)
            if unknown:
                raise self.fail(
                    qid,
                    f"{name} has an unknown language '{unknown[0]}'; "
                    f"use {' and '.join(LANGUAGES)}.",
                )
            if "en" not in value:
                raise self.fail(qid, f'{name} needs its English text (en = "...").')
            text = value.get(self.lang)
            if isinstance(text, str) and text.strip():
                return text
            if text is not None and not isinstance(text, str):
                return text
            value = value["en"]
        # A language's name reads the same in every language.
        named = qid == LANGUAGE_QUESTION and name.startswith("choice")
        if self.lang != DEFAULT and isinstance(value, str) and value.strip() and not named:
            self.missing.append((qid, name))
        return value

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
        first = 1  # questions are counted as the file numbers them
        if not any(q.get("id") == LANGUAGE_QUESTION for q in raw_questions):
            raw_questions = [LANGUAGE_DEFAULT, *raw_questions]
            first = 0
        questions: list[Question] = []
        for position, raw in enumerate(raw_questions, start=first):
            questions.append(self.parse_question(position, raw, questions))
        check_builtins(questions, self.fail)
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
            value = self.localised(None, value, f"'{key}'")
            if not isinstance(value, str) or not value.strip():
                raise self.fail(None, f"[questionnaire] '{key}'{self.tag} must be non-empty text.")
            value = value.strip()
            if len(value) > limit:
                raise self.fail(
                    None,
                    f"[questionnaire] '{key}'{self.tag} is {plural(len(value), 'character')}; "
                    f"keep it to at most {thousands(limit)}.",
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
        localised: bool = True,
    ) -> str | None:
        value = raw.get(key)
        name = f"{what}'{key}'" if what else f"'{key}'"
        if value is None:
            if required:
                raise self.fail(qid, f"{name} is missing.")
            return None
        if localised:
            value = self.localised(qid, value, name)
            name += self.tag
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
                f"{name} is {plural(len(value), 'character')}; "
                f"Discord allows at most {thousands(limit)}.",
            )
        return value

    def required_text(
        self,
        qid: str,
        raw: Mapping[str, object],
        key: str,
        limit: int,
        *,
        what: str = "",
        localised: bool = True,
    ) -> str:
        value = self.text(qid, raw, key, limit, required=True, what=what, localised=localised)
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
        if kind in CHOICE_KINDS:
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
        elif kind in TEXT_KINDS:
            lo = self.integer(qid, raw, "min_length")
            hi = self.integer(qid, raw, "max_length")
            max_length = hi if hi is not None else _DEFAULT_MAX_LENGTH[kind]
            min_length = lo if lo is not None else 0
            if not 1 <= max_length <= TEXT_INPUT_MAX:
                raise self.fail(
                    qid,
                    f"'max_length' is {thousands(max_length)}; Discord allows 1 to "
                    f"{thousands(TEXT_INPUT_MAX)}.",
                )
            if not 0 <= min_length <= max_length:
                raise self.fail(
                    qid,
                    f"'min_length' is {thousands(min_length)}; it must be between 0 and "
                    f"'max_length' ({thousands(max_length)}).",
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
            value = self.required_text(
                qid, item, "value", CHOICE_TEXT_MAX, what=f"choice #{n} ", localised=False
            )
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
