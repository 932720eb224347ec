"""The body validation table, without a server."""

from __future__ import annotations

from typing import Any

import pytest

from tests.fakediscord import ApiError, limits


def button(custom_id: str, label: str = "b") -> dict[str, Any]:
    return {"type": 2, "style": 1, "label": label, "custom_id": custom_id}


def row(*items: dict[str, Any]) -> dict[str, Any]:
    return {"type": 1, "components": list(items)}


def select(options: int, **extra: Any) -> dict[str, Any]:
    opts = [{"label": f"o{i}", "value": f"v{i}"} for i in range(options)]
    return {"type": 3, "custom_id": "s", "options": opts, **extra}


MESSAGE_CASES: list[tuple[str, dict[str, Any], str]] = [
    ("content", {"content": "x" * 2001}, "content"),
    ("embeds", {"embeds": [{"title": "t"}] * 11}, "embeds"),
    ("title", {"embeds": [{"title": "t" * 257}]}, "embeds.0.title"),
    (
        "field value",
        {"embeds": [{"fields": [{"name": "n", "value": "v" * 1025}]}]},
        "embeds.0.fields.0.value",
    ),
    ("field name required", {"embeds": [{"fields": [{"value": "v"}]}]}, "embeds.0.fields.0.name"),
    ("footer", {"embeds": [{"footer": {"text": "f" * 2049}}]}, "embeds.0.footer.text"),
    ("rows", {"components": [row(button(f"c{i}")) for i in range(6)]}, "components"),
    (
        "row width",
        {"components": [row(*(button(f"c{i}") for i in range(6)))]},
        "components.0.components",
    ),
    ("select + button", {"components": [row(select(2), button("b"))]}, "components.0.components"),
    ("custom_id", {"components": [row(button("c" * 101))]}, "components.0.components.0.custom_id"),
    (
        "duplicate custom_id",
        {"components": [row(button("a"), button("a"))]},
        "components.0.components.1.custom_id",
    ),
    ("label", {"components": [row(button("a", "l" * 81))]}, "components.0.components.0.label"),
    ("select options", {"components": [row(select(26))]}, "components.0.components.0.options"),
    (
        "select placeholder",
        {"components": [row(select(2, placeholder="p" * 151))]},
        "components.0.components.0.placeholder",
    ),
    ("nonce", {"content": "x", "nonce": "n" * 26}, "nonce"),
    (
        "allowed_mentions",
        {"content": "x", "allowed_mentions": {"parse": ["users"], "users": ["1"]}},
        "allowed_mentions",
    ),
]


def error_paths(tree: dict[str, Any], prefix: str = "") -> list[str]:
    paths = []
    for key, value in tree.items():
        if key == "_errors":
            paths.append(prefix.rstrip("."))
        else:
            paths += error_paths(value, f"{prefix}{key}.")
    return paths


@pytest.mark.parametrize(
    ("body", "path"),
    [(b, p) for _, b, p in MESSAGE_CASES],
    ids=[name for name, _, _ in MESSAGE_CASES],
)
def test_message_limits(body: dict[str, Any], path: str) -> None:
    with pytest.raises(ApiError) as info:
        limits.validate_message(body)
    assert info.value.code == 50035
    assert path in error_paths(info.value.errors or {})


def test_valid_message_and_empty_message() -> None:
    limits.validate_message({"content": "x" * 2000, "components": [row(select(25))]})
    with pytest.raises(ApiError) as info:
        limits.validate_message({"content": ""})
    assert info.value.code == 50006
    limits.validate_message({"content": ""}, edit=True)


def test_modal_limits() -> None:
    text_input = {"type": 4, "custom_id": "a", "style": 1}
    ok = {
        "title": "t",
        "custom_id": "m",
        "components": [{"type": 18, "label": "L", "component": text_input}],
    }
    limits.validate_modal(ok)
    with pytest.raises(ApiError):
        limits.validate_modal({**ok, "title": "t" * 46})
    with pytest.raises(ApiError):
        limits.validate_modal({**ok, "components": ok["components"] * 6})
    with pytest.raises(ApiError):
        limits.validate_modal(
            {
                **ok,
                "components": [
                    {"type": 18, "label": "L", "component": {**text_input, "max_length": 4001}}
                ],
            }
        )


@pytest.mark.parametrize(
    "command",
    [
        {"name": "Caps", "description": "d"},
        {"name": "ok", "description": ""},
        {
            "name": "ok",
            "description": "d",
            "options": [
                {
                    "type": 3,
                    "name": "o",
                    "description": "d",
                    "autocomplete": True,
                    "choices": [{"name": "a", "value": "a"}],
                }
            ],
        },
        {
            "name": "ok",
            "description": "d",
            "options": [{"type": 3, "name": f"o{i}", "description": "d"} for i in range(26)],
        },
    ],
)
def test_command_limits(command: dict[str, Any]) -> None:
    with pytest.raises(ApiError):
        limits.validate_commands([command])


def test_thread_limits() -> None:
    limits.validate_thread({"name": "n", "auto_archive_duration": 60})
    with pytest.raises(ApiError):
        limits.validate_thread({"name": "n", "auto_archive_duration": 61})
    with pytest.raises(ApiError):
        limits.validate_thread({"name": "n" * 101})
