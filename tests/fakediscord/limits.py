"""Request-body validation mirroring Discord's documented limits.

The numbers come from Discord's documented limits (the developer docs and the OpenAPI spec,
MIT-licensed); where the two disagree the stricter value is used. A violation raises
``ApiError`` 400 / 50035 "Invalid Form Body" with an ``errors`` tree naming the field, the
same shape discord.py flattens into ``HTTPException.text``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from . import errors

# -- messages and embeds ---------------------------------------------------------------------
CONTENT_MAX = 2000
NONCE_MAX = 25
EMBEDS_MAX = 10
EMBED_TITLE_MAX = 256
EMBED_DESCRIPTION_MAX = 4096
EMBED_FIELDS_MAX = 25
EMBED_FIELD_NAME_MAX = 256
EMBED_FIELD_VALUE_MAX = 1024
EMBED_FOOTER_MAX = 2048
EMBED_AUTHOR_NAME_MAX = 256
EMBED_TOTAL_MAX = 6000
ALLOWED_MENTIONS_IDS_MAX = 100
# -- components -----------------------------------------------------------------------------
ACTION_ROWS_MAX = 5
COMPONENTS_V2_TOTAL_MAX = 40
ROW_BUTTONS_MAX = 5
CUSTOM_ID_MAX = 100
BUTTON_LABEL_MAX = 80
BUTTON_URL_MAX = 512
SELECT_OPTIONS_MAX = 25
SELECT_OPTION_TEXT_MAX = 100
SELECT_PLACEHOLDER_MAX = 150
SELECT_VALUES_MAX = 25
# -- modals ---------------------------------------------------------------------------------
MODAL_TITLE_MAX = 45
MODAL_COMPONENTS_MAX = 5
LABEL_MAX = 45
LABEL_DESCRIPTION_MAX = 100
TEXT_INPUT_LENGTH_MAX = 4000
TEXT_INPUT_PLACEHOLDER_MAX = 100
# -- application commands -------------------------------------------------------------------
COMMAND_NAME_RE = re.compile(r"^[-_'\w]{1,32}$")
COMMAND_DESCRIPTION_MAX = 100
COMMAND_OPTIONS_MAX = 25
COMMAND_CHOICES_MAX = 25
CHOICE_NAME_MAX = 100
CHOICE_STRING_VALUE_MAX = 100
STRING_OPTION_LENGTH_MAX = 6000
COMMAND_TOTAL_MAX = 8000
COMMANDS_PER_TYPE_MAX = {1: 100, 2: 15, 3: 15}
AUTOCOMPLETE_CHOICES_MAX = 25
# -- threads --------------------------------------------------------------------------------
THREAD_NAME_MAX = 100
AUTO_ARCHIVE_DURATIONS = (60, 1440, 4320, 10080)


@dataclass(frozen=True)
class Length:
    """Inclusive bounds on a string's or list's length."""

    min: int = 0
    max: int = 0
    required: bool = False


EMBED_RULES: Mapping[str, Length] = {
    "title": Length(0, EMBED_TITLE_MAX),
    "description": Length(0, EMBED_DESCRIPTION_MAX),
    "fields": Length(0, EMBED_FIELDS_MAX),
}
EMBED_FIELD_RULES: Mapping[str, Length] = {
    "name": Length(1, EMBED_FIELD_NAME_MAX, required=True),
    "value": Length(1, EMBED_FIELD_VALUE_MAX, required=True),
}
BUTTON_RULES: Mapping[str, Length] = {
    "custom_id": Length(1, CUSTOM_ID_MAX),
    "label": Length(0, BUTTON_LABEL_MAX),
    "url": Length(1, BUTTON_URL_MAX),
}
SELECT_RULES: Mapping[str, Length] = {
    "custom_id": Length(1, CUSTOM_ID_MAX, required=True),
    "placeholder": Length(0, SELECT_PLACEHOLDER_MAX),
}
SELECT_OPTION_RULES: Mapping[str, Length] = {
    "label": Length(1, SELECT_OPTION_TEXT_MAX, required=True),
    "value": Length(1, SELECT_OPTION_TEXT_MAX, required=True),
    "description": Length(0, SELECT_OPTION_TEXT_MAX),
}
MODAL_RULES: Mapping[str, Length] = {
    "title": Length(1, MODAL_TITLE_MAX, required=True),
    "custom_id": Length(1, CUSTOM_ID_MAX, required=True),
    "components": Length(1, MODAL_COMPONENTS_MAX, required=True),
}
LABEL_RULES: Mapping[str, Length] = {
    "label": Length(1, LABEL_MAX, required=True),
    "description": Length(0, LABEL_DESCRIPTION_MAX),
}
TEXT_INPUT_RULES: Mapping[str, Length] = {
    "custom_id": Length(1, CUSTOM_ID_MAX, required=True),
    "label": Length(1, LABEL_MAX),
    "value": Length(0, TEXT_INPUT_LENGTH_MAX),
    "placeholder": Length(0, TEXT_INPUT_PLACEHOLDER_MAX),
}
COMMAND_OPTION_RULES: Mapping[str, Length] = {
    "name": Length(1, 32, required=True),
    "description": Length(1, COMMAND_DESCRIPTION_MAX, required=True),
    "choices": Length(0, COMMAND_CHOICES_MAX),
    "options": Length(0, COMMAND_OPTIONS_MAX),
}
THREAD_RULES: Mapping[str, Length] = {"name": Length(1, THREAD_NAME_MAX, required=True)}

Path = tuple[str | int, ...]


class Form:
    """Collects field errors into Discord's nested ``{"a": {"0": {"_errors": [...]}}}`` tree."""

    def __init__(self) -> None:
        self.errors: dict[str, Any] = {}

    def add(self, path: Path, code: str, message: str) -> None:
        node = self.errors
        for key in path:
            node = node.setdefault(str(key), {})
        node.setdefault("_errors", []).append({"code": code, "message": message})

    def length(self, path: Path, value: Any, rule: Length) -> None:
        if value is None:
            if rule.required:
                self.add(path, "BASE_TYPE_REQUIRED", "This field is required")
            return
        size = len(value)
        if size > rule.max:
            if rule.min > 0:
                self.add(
                    path,
                    "BASE_TYPE_BAD_LENGTH",
                    f"Must be between {rule.min} and {rule.max} in length.",
                )
            else:
                self.add(path, "BASE_TYPE_MAX_LENGTH", f"Must be {rule.max} or fewer in length.")
        elif size < rule.min:
            if size == 0 and rule.required:
                self.add(path, "BASE_TYPE_REQUIRED", "This field is required")
            else:
                self.add(
                    path,
                    "BASE_TYPE_BAD_LENGTH",
                    f"Must be between {rule.min} and {rule.max} in length.",
                )

    def check(self, path: Path, obj: Mapping[str, Any], rules: Mapping[str, Length]) -> None:
        for key, rule in rules.items():
            self.length((*path, key), obj.get(key), rule)

    def number(self, path: Path, value: Any, lo: int, hi: int) -> None:
        if value is not None and not lo <= value <= hi:
            code = "NUMBER_TYPE_MAX" if value > hi else "NUMBER_TYPE_MIN"
            bound = (
                f"less than or equal to {hi}" if value > hi else f"greater than or equal to {lo}"
            )
            self.add(path, code, f"int value should be {bound}.")

    def choice(self, path: Path, value: Any, allowed: Iterable[Any]) -> None:
        allowed = tuple(allowed)
        if value is not None and value not in allowed:
            shown = ", ".join(map(str, allowed))
            self.add(path, "BASE_TYPE_CHOICES", f"Value must be one of {{{shown}}}.")

    def raise_if_invalid(self) -> None:
        if self.errors:
            raise errors.invalid_form(self.errors)


# -- messages -------------------------------------------------------------------------------
def validate_message(body: Mapping[str, Any], *, edit: bool = False) -> None:
    """A create/edit message body (channel messages, interaction responses, follow-ups)."""
    form = Form()
    form.length(("content",), body.get("content"), Length(0, CONTENT_MAX))
    form.length(("embeds",), body.get("embeds"), Length(0, EMBEDS_MAX))
    _check_embeds(form, body.get("embeds") or [])
    nonce = body.get("nonce")
    if isinstance(nonce, str):
        form.length(("nonce",), nonce, Length(0, NONCE_MAX))
    if body.get("allowed_mentions") is not None:
        _check_allowed_mentions(form, body["allowed_mentions"])
    v2 = bool((body.get("flags") or 0) & (1 << 15))
    if body.get("components") is not None:
        check_message_components(form, body["components"], v2=v2)
    form.raise_if_invalid()
    has_payload = (
        body.get("content")
        or body.get("embeds")
        or body.get("components")
        or body.get("attachments")
        or body.get("sticker_ids")
        or body.get("poll")
    )
    if not edit and not has_payload:
        raise errors.empty_message()


def _check_embeds(form: Form, embeds: Sequence[Mapping[str, Any]]) -> None:
    total = 0
    for i, embed in enumerate(embeds):
        path: Path = ("embeds", i)
        form.check(path, embed, EMBED_RULES)
        for j, f in enumerate(embed.get("fields") or []):
            form.check((*path, "fields", j), f, EMBED_FIELD_RULES)
            total += len(f.get("name") or "") + len(f.get("value") or "")
        if "footer" in embed:
            form.length(
                (*path, "footer", "text"),
                embed["footer"].get("text"),
                Length(1, EMBED_FOOTER_MAX, required=True),
            )
            total += len(embed["footer"].get("text") or "")
        if "author" in embed:
            form.length(
                (*path, "author", "name"),
                embed["author"].get("name"),
                Length(1, EMBED_AUTHOR_NAME_MAX, required=True),
            )
            total += len(embed["author"].get("name") or "")
        total += len((embed.get("title") or "").strip())
        total += len((embed.get("description") or "").strip())
    if total > EMBED_TOTAL_MAX:
        form.add(
            ("embeds",),
            "MAX_EMBED_SIZE_EXCEEDED",
            f"Embed size exceeds maximum size of {EMBED_TOTAL_MAX}",
        )


def _check_allowed_mentions(form: Form, am: Mapping[str, Any]) -> None:
    parse = am.get("parse") or []
    for i, kind in enumerate(parse):
        form.choice(("allowed_mentions", "parse", i), kind, ("users", "roles", "everyone"))
    for key in ("users", "roles"):
        form.length(("allowed_mentions", key), am.get(key), Length(0, ALLOWED_MENTIONS_IDS_MAX))
        if key in parse and am.get(key):
            form.add(
                ("allowed_mentions",),
                "MESSAGE_ALLOWED_MENTIONS_PARSE_EXCLUSIVE",
                f'parse:["{key}"] and {key}: [ids] are mutually exclusive.',
            )


def check_message_components(
    form: Form, components: Sequence[Mapping[str, Any]], *, v2: bool = False
) -> None:
    seen: set[str] = set()
    if v2:
        total = _count_components(components)
        if total > COMPONENTS_V2_TOTAL_MAX:
            form.add(
                ("components",),
                "BASE_TYPE_MAX_LENGTH",
                f"Must be {COMPONENTS_V2_TOTAL_MAX} or fewer in length.",
            )
    else:
        form.length(("components",), components, Length(0, ACTION_ROWS_MAX))
    for i, row in enumerate(components):
        path: Path = ("components", i)
        if row.get("type") != 1:
            if not v2:
                form.add(
                    (*path, "type"),
                    "UNION_TYPE_CHOICES",
                    'Value of field "type" must be one of (1,).',
                )
            _check_item(form, path, row, seen)
            continue
        children = row.get("components") or []
        form.length((*path, "components"), children, Length(1, ROW_BUTTONS_MAX, required=True))
        has_select = any(c.get("type") in (3, 5, 6, 7, 8) for c in children)
        if has_select and len(children) > 1:
            form.add(
                (*path, "components"),
                "COMPONENT_LAYOUT_WIDTH_EXCEEDED",
                "The specified component exceeds the maximum width",
            )
        for j, child in enumerate(children):
            _check_item(form, (*path, "components", j), child, seen)


def _count_components(components: Sequence[Mapping[str, Any]]) -> int:
    count = 0
    for c in components:
        count += 1 + _count_components(c.get("components") or [])
        if isinstance(c.get("accessory"), dict):
            count += 1
    return count


def _check_item(form: Form, path: Path, item: Mapping[str, Any], seen: set[str]) -> None:
    kind = item.get("type")
    if kind == 2:
        form.check(path, item, BUTTON_RULES)
        if item.get("style") == 5:
            if not item.get("url"):
                form.add((*path, "url"), "BASE_TYPE_REQUIRED", "This field is required")
        elif item.get("style") != 6 and not item.get("custom_id"):
            form.add((*path, "custom_id"), "BASE_TYPE_REQUIRED", "This field is required")
    elif kind in (3, 5, 6, 7, 8):
        form.check(path, item, SELECT_RULES)
        form.number((*path, "min_values"), item.get("min_values"), 0, SELECT_VALUES_MAX)
        form.number((*path, "max_values"), item.get("max_values"), 1, SELECT_VALUES_MAX)
        if kind == 3:
            options = item.get("options")
            form.length((*path, "options"), options, Length(1, SELECT_OPTIONS_MAX, required=True))
            values: set[str] = set()
            for k, option in enumerate(options or []):
                form.check((*path, "options", k), option, SELECT_OPTION_RULES)
                if option.get("value") in values:
                    form.add(
                        (*path, "options", k, "value"),
                        "SELECT_COMPONENT_OPTION_VALUE_DUPLICATED",
                        "Component option value cannot be duplicated",
                    )
                values.add(option.get("value"))
            if options and (item.get("max_values") or 1) > len(options):
                form.add(
                    (*path, "max_values"),
                    "BASE_TYPE_MAX",
                    f"int value should be less than or equal to {len(options)}.",
                )
    else:
        for j, child in enumerate(item.get("components") or []):
            _check_item(form, (*path, "components", j), child, seen)
        if isinstance(item.get("accessory"), dict):
            _check_item(form, (*path, "accessory"), item["accessory"], seen)
    custom_id = item.get("custom_id")
    if custom_id is not None:
        if custom_id in seen:
            form.add(
                (*path, "custom_id"),
                "COMPONENT_CUSTOM_ID_DUPLICATED",
                "Component custom id cannot be duplicated",
            )
        seen.add(custom_id)


# -- modals ---------------------------------------------------------------------------------
def validate_modal(data: Mapping[str, Any]) -> None:
    """The ``data`` of a type 9 callback: action rows or Label (18) components, 1–5 of them."""
    form = Form()
    form.check(("data",), data, MODAL_RULES)
    seen: set[str] = set()
    for i, comp in enumerate(data.get("components") or []):
        path: Path = ("data", "components", i)
        if comp.get("type") == 1:
            inner = comp.get("components") or []
            form.length((*path, "components"), inner, Length(1, 1, required=True))
            for j, child in enumerate(inner):
                _check_modal_input(form, (*path, "components", j), child, seen)
        elif comp.get("type") == 18:
            form.check(path, comp, LABEL_RULES)
            _check_modal_input(form, (*path, "component"), comp.get("component") or {}, seen)
        elif comp.get("type") != 10:  # text display is allowed as-is
            form.add(
                (*path, "type"),
                "UNION_TYPE_CHOICES",
                'Value of field "type" must be one of (1, 10, 18).',
            )
    form.raise_if_invalid()


def _check_modal_input(form: Form, path: Path, item: Mapping[str, Any], seen: set[str]) -> None:
    if item.get("type") == 4:
        form.check(path, item, TEXT_INPUT_RULES)
        form.choice((*path, "style"), item.get("style"), (1, 2))
        form.number((*path, "min_length"), item.get("min_length"), 0, TEXT_INPUT_LENGTH_MAX)
        form.number((*path, "max_length"), item.get("max_length"), 1, TEXT_INPUT_LENGTH_MAX)
    elif item.get("type") in (3, 5, 6, 7, 8):
        _check_item(form, path, item, seen)
        return
    if item.get("custom_id") in seen:
        form.add(
            (*path, "custom_id"),
            "COMPONENT_CUSTOM_ID_DUPLICATED",
            "Component custom id cannot be duplicated",
        )
    seen.add(item.get("custom_id", ""))


# -- application commands -------------------------------------------------------------------
def validate_commands(commands: Sequence[Mapping[str, Any]]) -> None:
    """A bulk-overwrite body (PUT …/commands)."""
    form = Form()
    seen: set[tuple[int, str]] = set()
    per_type: dict[int, int] = {}
    for i, cmd in enumerate(commands):
        kind = cmd.get("type", 1)
        per_type[kind] = per_type.get(kind, 0) + 1
        if kind == 1:
            _check_name(form, (i, "name"), cmd.get("name"))
            form.length(
                (i, "description"),
                cmd.get("description"),
                Length(1, COMMAND_DESCRIPTION_MAX, required=True),
            )
            form.length((i, "options"), cmd.get("options"), Length(0, COMMAND_OPTIONS_MAX))
            _check_localizations(form, (i,), cmd, COMMAND_DESCRIPTION_MAX)
            for j, option in enumerate(cmd.get("options") or []):
                _check_option(form, (i, "options", j), option)
        else:
            form.length((i, "name"), cmd.get("name"), Length(1, 32, required=True))
        if (kind, cmd.get("name", "")) in seen:
            form.add(
                (i, "name"),
                "APPLICATION_COMMANDS_DUPLICATE_NAME",
                "Application command names must be unique",
            )
        seen.add((kind, cmd.get("name", "")))
        if _command_size(cmd) > COMMAND_TOTAL_MAX:
            form.add((i,), "APPLICATION_COMMAND_TOO_LARGE", "Command exceeds maximum size (8000)")
    for kind, count in per_type.items():
        if count > COMMANDS_PER_TYPE_MAX.get(kind, 1):
            form.add(
                (),
                "BASE_TYPE_MAX_LENGTH",
                f"Must be {COMMANDS_PER_TYPE_MAX.get(kind, 1)} or fewer in length.",
            )
    form.raise_if_invalid()


LOCALES = frozenset(
    [
        "id",
        "da",
        "de",
        "en-GB",
        "en-US",
        "es-ES",
        "es-419",
        "fr",
        "hr",
        "it",
        "lt",
        "hu",
        "nl",
        "no",
        "pl",
        "pt-BR",
        "ro",
        "fi",
        "sv-SE",
        "vi",
        "tr",
        "cs",
        "el",
        "bg",
        "ru",
        "uk",
        "hi",
        "th",
        "zh-CN",
        "ja",
        "zh-TW",
        "ko",
    ]
)
"""Discord's locales (a localisation under any other key is refused)."""


def _check_localizations(form: Form, path: Path, owner: Mapping[str, Any], maximum: int) -> None:
    for field in ("name_localizations", "description_localizations"):
        values = owner.get(field) or {}
        for locale, text in values.items():
            if locale not in LOCALES:
                form.add((*path, field, locale), "INVALID_LOCALE", f"Invalid locale {locale}")
            limit = (
                32 if field == "name_localizations" and owner.get("type") != "choice" else maximum
            )
            form.length((*path, field, locale), text, Length(1, limit, required=True))


def _check_name(form: Form, path: Path, name: Any) -> None:
    if not isinstance(name, str) or not COMMAND_NAME_RE.match(name) or name != name.lower():
        form.add(path, "APPLICATION_COMMAND_INVALID_NAME", "Command name is invalid")


def _check_option(form: Form, path: Path, option: Mapping[str, Any]) -> None:
    _check_name(form, (*path, "name"), option.get("name"))
    form.check(path, option, COMMAND_OPTION_RULES)
    _check_localizations(form, path, option, COMMAND_DESCRIPTION_MAX)
    choices = option.get("choices") or []
    if choices and option.get("autocomplete"):
        form.add(
            (*path, "autocomplete"),
            "AUTOCOMPLETE_AND_CHOICES_INVALID",
            "Autocomplete cannot be set for options with choices",
        )
    for k, choice in enumerate(choices):
        form.length(
            (*path, "choices", k, "name"),
            choice.get("name"),
            Length(1, CHOICE_NAME_MAX, required=True),
        )
        _check_localizations(form, (*path, "choices", k), {**choice, "type": "choice"}, 100)
        if isinstance(choice.get("value"), str):
            form.length(
                (*path, "choices", k, "value"), choice["value"], Length(1, CHOICE_STRING_VALUE_MAX)
            )
    form.number((*path, "min_length"), option.get("min_length"), 0, STRING_OPTION_LENGTH_MAX)
    form.number((*path, "max_length"), option.get("max_length"), 1, STRING_OPTION_LENGTH_MAX)
    children = option.get("options") or []
    required_seen_optional = False
    for j, child in enumerate(children):
        _check_option(form, (*path, "options", j), child)
        if child.get("type") not in (1, 2):
            if child.get("required") and required_seen_optional:
                form.add(
                    (*path, "options", j, "required"),
                    "APPLICATION_COMMAND_OPTIONS_REQUIRED_INVALID",
                    "Required options must be placed before non-required options",
                )
            required_seen_optional |= not child.get("required")


def _command_size(cmd: Mapping[str, Any]) -> int:
    size = len(cmd.get("name") or "") + len(cmd.get("description") or "")
    for option in cmd.get("options") or []:
        size += _command_size(option)
    for choice in cmd.get("choices") or []:
        size += len(choice.get("name") or "") + len(str(choice.get("value") or ""))
    return size


def validate_autocomplete(data: Mapping[str, Any]) -> None:
    form = Form()
    choices = data.get("choices")
    form.length(("data", "choices"), choices, Length(0, AUTOCOMPLETE_CHOICES_MAX, required=True))
    for k, choice in enumerate(choices or []):
        form.length(
            ("data", "choices", k, "name"),
            choice.get("name"),
            Length(1, CHOICE_NAME_MAX, required=True),
        )
    form.raise_if_invalid()


# -- threads --------------------------------------------------------------------------------
def validate_thread(body: Mapping[str, Any]) -> None:
    form = Form()
    form.check((), body, THREAD_RULES)
    form.choice(
        ("auto_archive_duration",), body.get("auto_archive_duration"), AUTO_ARCHIVE_DURATIONS
    )
    form.choice(("type",), body.get("type"), (10, 11, 12))
    form.raise_if_invalid()


def validate_thread_edit(body: Mapping[str, Any]) -> None:
    form = Form()
    if "name" in body:
        form.length(("name",), body["name"], Length(1, THREAD_NAME_MAX, required=True))
    form.choice(
        ("auto_archive_duration",), body.get("auto_archive_duration"), AUTO_ARCHIVE_DURATIONS
    )
    form.raise_if_invalid()
